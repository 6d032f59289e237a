//! The conference's secret ballot: drafted from presets or rules, opened with its candidates
//! resolved (from the ranking for "top N" categories), frozen and hashed; papers cast by member
//! units or entered from the room; counted against the frozen hash, with its results carried on
//! as award proposals and next year's leader and deputies.

use std::collections::{BTreeMap, HashMap};

use tdkt_domain::access::Action;
use tdkt_domain::cluster::MemberRole;
use tdkt_domain::evaluation::{self, BallotInput, BallotOutcome, BallotRules, Category, Member};
use tdkt_domain::unit::LineageKind;
use tdkt_store::*;
use time::Date;

use super::{bad, members_of, parse_json};
use crate::{App, AppError, AppResult, Principal};

/// A ballot as shown.
#[derive(Debug, Clone)]
pub struct BallotView {
    pub row: BallotRow,
    pub rules: BallotRules,
    pub voters: Vec<i64>,
    pub outcome: Option<BallotOutcome>,
    /// Member units the caller may cast this ballot for and that have not voted yet.
    pub can_vote_for: Vec<i64>,
}

impl App {
    /// True once a ballot of the year has left draft: the ranking it used must not change.
    pub(super) async fn ballot_started(&self, cluster_id: i64, year: i32) -> AppResult<bool> {
        Ok(self
            .store
            .ballots(cluster_id, year)
            .await?
            .iter()
            .any(|b| b.status != BallotStatus::Draft))
    }

    pub(super) async fn ballot_view(
        &self,
        p: &Principal,
        y: &ClusterYearRow,
        row: BallotRow,
    ) -> AppResult<BallotView> {
        let rules: BallotRules = parse_json("quy chế bỏ phiếu", &row.rules_json)?;
        let voters = self.store.ballot_voters(row.id).await?;
        // Results exist only once the ballot is closed.
        let outcome = match &row.result_json {
            Some(r) if row.status == BallotStatus::Closed => Some(parse_json("kết quả", r)?),
            _ => None,
        };
        let mut can_vote_for = Vec::new();
        if row.status == BallotStatus::Open {
            for m in &y.members {
                if !voters.contains(&m.unit.id)
                    && self.permits(p, Action::ClusterVote, m.unit.id).await?
                {
                    can_vote_for.push(m.unit.id);
                }
            }
        }
        Ok(BallotView {
            row,
            rules,
            voters,
            outcome,
            can_vote_for,
        })
    }

    /// A ballot in draft: categories, seats, candidates, thresholds and quorum.
    /// A ballot from the presets the organiser ticked (rules/conference.toml).
    pub async fn create_ballot_from_presets(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        title: &str,
        presets: &[&str],
    ) -> AppResult<BallotRow> {
        let rules = self.ballot_presets.rules(presets, year);
        if rules.categories.is_empty() {
            return Err(bad("hang_muc", "Chọn ít nhất một hạng mục"));
        }
        self.create_ballot(p, cluster_id, year, title, rules).await
    }

    pub async fn create_ballot(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        title: &str,
        rules: BallotRules,
    ) -> AppResult<BallotRow> {
        let (_, y) = self.require_manage(p, cluster_id, year).await?;
        let title = tdkt_domain::text::tidy(title);
        if title.is_empty() {
            return Err(bad("title", "Cần nhập tên cuộc bỏ phiếu"));
        }
        // Check the rules now (candidates by top rank are resolved only when voting opens).
        let members: Vec<Member> = members_of(&y);
        let unranked: Vec<_> = vec![];
        let probe = BallotRules {
            categories: rules
                .categories
                .iter()
                .map(|c| Category {
                    top_n: None,
                    ..c.clone()
                })
                .collect(),
            ..rules.clone()
        };
        evaluation::resolve_rules(&probe, &members, &unranked)?;
        let json = serde_json::to_string(&rules).expect("serialises");
        Ok(self
            .store
            .create_ballot(&p.actor(), cluster_id, year, &title, &json)
            .await?)
    }

    async fn ballot_for_manager(
        &self,
        p: &Principal,
        ballot_id: i64,
    ) -> AppResult<(BallotRow, ClusterYearRow)> {
        let b = self.store.ballot(ballot_id).await?;
        let (_, y) = self.require_manage(p, b.cluster_id, b.year).await?;
        Ok((b, y))
    }

    /// Opens voting: candidate lists are resolved (with the ranking, for "top N" categories),
    /// frozen and hashed.
    pub async fn open_ballot(&self, p: &Principal, ballot_id: i64) -> AppResult<BallotRow> {
        let (b, y) = self.ballot_for_manager(p, ballot_id).await?;
        let rules: BallotRules = parse_json("quy chế bỏ phiếu", &b.rules_json)?;
        let needs_ranking = rules.categories.iter().any(|c| c.top_n.is_some());
        let ranking = if needs_ranking {
            let cov = self
                .covenant(b.cluster_id, b.year)
                .await?
                .ok_or_else(|| bad("top_n", "Chưa có giao ước và điểm để lấy thứ hạng"))?;
            if !cov.scoring_closed {
                return Err(AppError::Conflict(
                    "Cần đóng vòng chấm điểm trước khi mở bỏ phiếu theo thứ hạng".into(),
                ));
            }
            self.evaluate_year(b.cluster_id, &y, &cov).await?.ranking
        } else {
            vec![]
        };
        let members: Vec<Member> = members_of(&y);
        let resolved = evaluation::resolve_rules(&rules, &members, &ranking)?;
        let hash = evaluation::rule_hash(&resolved);
        let json = serde_json::to_string(&resolved).expect("serialises");
        Ok(self
            .store
            .open_ballot(&p.actor(), ballot_id, &json, &hash)
            .await?)
    }

    fn check_paper(rules: &BallotRules, choices: &BTreeMap<String, Vec<String>>) -> AppResult<()> {
        for (cat, chosen) in choices {
            let c = rules
                .categories
                .iter()
                .find(|c| &c.id == cat)
                .ok_or_else(|| bad("phieu", format!("Không có hạng mục «{cat}»")))?;
            if chosen.len() > c.seats {
                return Err(bad(
                    &format!("phieu.{cat}"),
                    format!("«{}» chỉ được chọn tối đa {} đơn vị", c.name, c.seats),
                ));
            }
            let cands = c.candidates.clone().unwrap_or_default();
            if let Some(x) = chosen.iter().find(|x| !cands.contains(x)) {
                return Err(bad(
                    &format!("phieu.{cat}"),
                    format!("«{x}» không phải ứng viên của «{}»", c.name),
                ));
            }
        }
        Ok(())
    }

    /// A member unit votes in person through an account that represents it.
    pub async fn cast_vote(
        &self,
        p: &Principal,
        ballot_id: i64,
        voter_unit: i64,
        choices: BTreeMap<String, Vec<String>>,
    ) -> AppResult<()> {
        let b = self.store.ballot(ballot_id).await?;
        let (_, y) = self.cluster_year(b.cluster_id, b.year).await?;
        if !y.members.iter().any(|m| m.unit.id == voter_unit) {
            return Err(bad(
                "don_vi",
                "Đơn vị bỏ phiếu không phải thành viên cụm năm này",
            ));
        }
        if !self.permits(p, Action::ClusterVote, voter_unit).await? {
            return Err(AppError::Forbidden(
                "Bạn không được bỏ phiếu thay mặt đơn vị này".into(),
            ));
        }
        if b.status != BallotStatus::Open {
            return Err(AppError::Conflict("Cuộc bỏ phiếu không mở".into()));
        }
        let rules: BallotRules = parse_json("quy chế bỏ phiếu", &b.rules_json)?;
        Self::check_paper(&rules, &choices)?;
        let json = serde_json::to_string(&choices).expect("serialises");
        Ok(self
            .store
            .cast_vote(&p.actor(), ballot_id, voter_unit, &json)
            .await?)
    }

    /// Papers cast in the room, entered by the officer: who voted, and the papers, unlinked.
    pub async fn record_papers(
        &self,
        p: &Principal,
        ballot_id: i64,
        voter_units: &[i64],
        papers: Vec<BTreeMap<String, Vec<String>>>,
    ) -> AppResult<()> {
        let (b, y) = self.ballot_for_manager(p, ballot_id).await?;
        for u in voter_units {
            if !y.members.iter().any(|m| m.unit.id == *u) {
                return Err(bad("don_vi", "Có đơn vị không phải thành viên cụm"));
            }
        }
        if papers.len() > voter_units.len() {
            return Err(bad(
                "phieu",
                format!(
                    "{} phiếu nhưng chỉ {} đơn vị bỏ phiếu",
                    papers.len(),
                    voter_units.len()
                ),
            ));
        }
        // Invalid papers are kept as cast: the tally counts them as invalid.
        let json: Vec<String> = papers
            .iter()
            .map(|x| serde_json::to_string(x).expect("serialises"))
            .collect();
        debug_assert_eq!(b.id, ballot_id);
        Ok(self
            .store
            .record_papers(&p.actor(), ballot_id, voter_units, &json)
            .await?)
    }

    /// Closes voting, counts, and carries the results on: proposals for awards, next year's
    /// leader and deputies (members carried over; merged units replaced by their successor).
    pub async fn close_ballot(&self, p: &Principal, ballot_id: i64) -> AppResult<BallotRow> {
        let (b, y) = self.ballot_for_manager(p, ballot_id).await?;
        if b.status != BallotStatus::Open {
            return Err(AppError::Conflict(
                "Cuộc bỏ phiếu không mở; không có gì để kiểm".into(),
            ));
        }
        let rules: BallotRules = parse_json("quy chế bỏ phiếu", &b.rules_json)?;
        let papers: Vec<BTreeMap<String, Vec<String>>> = self
            .store
            .ballot_papers(ballot_id)
            .await?
            .iter()
            .map(|x| parse_json("phiếu", x))
            .collect::<AppResult<_>>()?;
        let members: Vec<Member> = members_of(&y);
        // The rules were resolved when voting opened: no ranking needed now, and they must
        // still be the ones whose hash was frozen then.
        let frozen_hash = b.rule_hash.clone().unwrap_or_default();
        if evaluation::rule_hash(&rules) != frozen_hash {
            return Err(AppError::Internal(format!(
                "quy chế bỏ phiếu {ballot_id} không khớp mã băm đã khoá khi mở bỏ phiếu"
            )));
        }
        let frozen = BallotRules {
            categories: rules
                .categories
                .iter()
                .map(|c| Category {
                    top_n: None,
                    ..c.clone()
                })
                .collect(),
            ..rules.clone()
        };
        let mut outcome = evaluation::tally(
            &BallotInput {
                rules: frozen,
                ballots: papers,
            },
            &members,
            &[],
        )?;
        outcome.rule_hash = frozen_hash;
        let votes_of = |cat: &str, id: &str| {
            outcome
                .categories
                .iter()
                .find(|c| c.id == cat)
                .and_then(|c| c.counts.iter().find(|x| x.id == id))
                .map(|x| x.votes as i64)
                .unwrap_or(0)
        };
        let mut proposals = Vec::new();
        let mut roles: HashMap<i64, MemberRole> = HashMap::new();
        for (rule, out) in rules.categories.iter().zip(&outcome.categories) {
            for id in &out.elected {
                let unit: i64 = id
                    .parse()
                    .map_err(|_| AppError::Internal(format!("mã ứng viên lạ: {id}")))?;
                if let Some(award) = &rule.award {
                    proposals.push(NewProposal {
                        unit_id: unit,
                        award_code: award.clone(),
                        votes: votes_of(&out.id, id),
                    });
                }
                match rule.next_role.as_deref() {
                    Some("cum_truong") => {
                        roles.insert(unit, MemberRole::Leader);
                    }
                    Some("cum_pho") => {
                        roles.entry(unit).or_insert(MemberRole::Deputy);
                    }
                    _ => {}
                }
            }
        }
        let decided = (
            rules
                .categories
                .iter()
                .any(|c| c.next_role.as_deref() == Some("cum_truong")),
            rules
                .categories
                .iter()
                .any(|c| c.next_role.as_deref() == Some("cum_pho")),
        );
        let next_year = if decided.0 || decided.1 {
            Some(
                self.next_year_members(b.cluster_id, &y, &roles, decided)
                    .await?,
            )
        } else {
            None
        };
        let close = BallotClose {
            papers_counted: outcome.ballots_cast,
            result_json: serde_json::to_string(&outcome).expect("serialises"),
            proposals,
            next_year,
        };
        Ok(self
            .store
            .close_ballot(&p.actor(), ballot_id, close)
            .await?)
    }

    /// Next year's members with the roles this ballot decided. An existing next year is kept
    /// and only the decided roles change (a runoff or a separate deputies' ballot does not undo
    /// an earlier one); otherwise this year's members carry over, a merged member as its
    /// successor.
    async fn next_year_members(
        &self,
        cluster_id: i64,
        y: &ClusterYearRow,
        roles: &HashMap<i64, MemberRole>,
        decided: (bool, bool),
    ) -> AppResult<NewClusterYear> {
        let next = y.year + 1;
        let existing = self
            .store
            .cluster(cluster_id)
            .await?
            .years
            .into_iter()
            .find(|x| x.year == next);
        let first_day =
            Date::from_calendar_date(next, time::Month::January, 1).expect("valid date");
        let mut successor: HashMap<i64, i64> = HashMap::new();
        for m in &y.members {
            let mut unit = m.unit.id;
            if m.unit_valid_to.is_some_and(|t| t < first_day)
                && let Some(to) = self
                    .store
                    .unit_lineage(unit)
                    .await?
                    .into_iter()
                    .find(|e| e.kind == LineageKind::Merge && e.from.iter().any(|f| f.id == unit))
                    .and_then(|e| e.to.first().map(|u| u.id))
            {
                unit = to;
            }
            successor.insert(m.unit.id, unit);
        }
        let mut members: Vec<(i64, MemberRole, bool)> = match &existing {
            Some(x) => x
                .members
                .iter()
                .map(|m| (m.unit.id, m.role, m.illustrative))
                .collect(),
            None => {
                let mut v: Vec<(i64, MemberRole, bool)> = Vec::new();
                for m in &y.members {
                    let unit = successor[&m.unit.id];
                    if !v.iter().any(|(u, ..)| *u == unit) {
                        v.push((unit, MemberRole::Member, m.illustrative));
                    }
                }
                v
            }
        };
        // The roles this ballot decided are taken from whoever held them.
        for m in &mut members {
            if (decided.0 && m.1 == MemberRole::Leader) || (decided.1 && m.1 == MemberRole::Deputy)
            {
                m.1 = MemberRole::Member;
            }
        }
        for (unit, role) in roles {
            let unit = successor.get(unit).copied().unwrap_or(*unit);
            match members.iter_mut().find(|m| m.0 == unit) {
                Some(m) => {
                    if m.1 != MemberRole::Leader {
                        m.1 = *role;
                    }
                }
                None => members.push((unit, *role, false)),
            }
        }
        let note = existing.and_then(|x| x.note).unwrap_or_else(|| {
            format!(
                "Cụm trưởng, cụm phó do hội nghị tổng kết năm {} suy tôn",
                y.year
            )
        });
        Ok(NewClusterYear {
            year: next,
            note: Some(note),
            roles_illustrative: false,
            members,
        })
    }
}
