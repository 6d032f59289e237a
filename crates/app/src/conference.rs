//! The cluster conference as use cases: covenant, scoring, ranking, secret ballot, results.
//! Scoring and tallying are the domain's `evaluation`; this module loads, authorises and stores.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, permits};
use tdkt_domain::cluster::MemberRole;
use tdkt_domain::evaluation::{
    self, BallotInput, BallotOutcome, BallotRules, Category, Criterion, Evaluation,
    EvaluationInput, FlagSettings, Group, IndicatorValue, Member, Method, Score,
};
use tdkt_domain::unit::LineageKind;
use tdkt_store::*;
use time::Date;

use crate::{App, AppError, AppResult, Principal};

/// The criteria table of a covenant, in the evaluation format.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct CovenantTable {
    #[schema(value_type = Vec<Object>)]
    pub groups: Vec<Group>,
    #[schema(value_type = Vec<Object>)]
    pub criteria: Vec<Criterion>,
}

/// How the conference aggregates and flags.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CovenantMethod {
    #[serde(default)]
    pub method: Method,
    #[serde(default)]
    pub flags: FlagSettings,
    pub sensitivity_top_n: Option<usize>,
}

/// A covenant as read back.
#[derive(Debug, Clone)]
pub struct Covenant {
    pub title: String,
    pub table: CovenantTable,
    pub method: CovenantMethod,
    pub scoring_closed: bool,
    pub signatures: Vec<SignatureRow>,
}

/// One scorer's entry: (target unit, criterion, points, note).
#[derive(Debug, Clone, Deserialize)]
pub struct ScoreEntry {
    pub target: i64,
    pub criterion: String,
    pub points: f64,
    pub note: Option<String>,
}

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

/// Everything the conference page needs.
#[derive(Debug, Clone)]
pub struct ConferenceView {
    pub cluster: ClusterRow,
    pub year: i32,
    pub members: Vec<ClusterMemberRow>,
    pub may_manage: bool,
    pub covenant: Option<Covenant>,
    /// Member units the caller may enter scores for.
    pub can_score_for: Vec<i64>,
    /// scorer unit → number of (target, criterion) scores entered.
    pub progress: BTreeMap<i64, BTreeMap<i64, usize>>,
    pub hand_criteria: usize,
    /// The evaluation, for managers at any time and for everyone once scoring is closed.
    pub evaluation: Option<Evaluation>,
    /// Why the evaluation could not be made from the stored data (shown; the page still works).
    pub evaluation_error: Option<String>,
    pub ballots: Vec<BallotView>,
    pub proposals: Vec<ProposalRow>,
    /// Proposed leader for next year by rotation (before the vote).
    pub rotation_proposal: Option<UnitRef>,
    /// The rotation order (unit ids) and how many years a past leader waits.
    pub rotation: (Vec<i64>, i32),
}

/// The year's members in the evaluation format (ids are unit ids).
fn members_of(y: &ClusterYearRow) -> Vec<Member> {
    y.members
        .iter()
        .map(|m| Member {
            id: m.unit.id.to_string(),
            name: m.unit.name.clone(),
        })
        .collect()
}

fn bad(field: &str, msg: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid::new(field, msg))
}

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> AppResult<T> {
    serde_json::from_str(s).map_err(|e| {
        AppError::Internal(format!(
            "{what} lưu trong cơ sở dữ liệu không đọc được: {e}"
        ))
    })
}

impl App {
    async fn cluster_year(
        &self,
        cluster_id: i64,
        year: i32,
    ) -> AppResult<(ClusterRow, ClusterYearRow)> {
        let c = self.store.cluster(cluster_id).await?;
        let y = c
            .years
            .iter()
            .find(|y| y.year == year)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("năm {year} của cụm")))?;
        Ok((c, y))
    }

    /// Managers: whoever may manage the organiser unit, or the year's leader or deputies.
    async fn may_manage(
        &self,
        p: &Principal,
        c: &ClusterRow,
        y: &ClusterYearRow,
    ) -> AppResult<bool> {
        let mut targets: Vec<i64> = c.organiser_unit_id.into_iter().collect();
        targets.extend(
            y.members
                .iter()
                .filter(|m| m.role != MemberRole::Member)
                .map(|m| m.unit.id),
        );
        for t in targets {
            if self.permits(p, Action::ClusterManage, t).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn permits(&self, p: &Principal, action: Action, unit: i64) -> AppResult<bool> {
        let anc: Vec<i64> = self
            .store
            .unit_ancestors(unit)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        Ok(permits(&p.grants, action, unit, &anc))
    }

    async fn require_manage(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
    ) -> AppResult<(ClusterRow, ClusterYearRow)> {
        let (c, y) = self.cluster_year(cluster_id, year).await?;
        if !self.may_manage(p, &c, &y).await? {
            return Err(AppError::Forbidden(
                "Chỉ đơn vị tổ chức, cụm trưởng hoặc cụm phó mới điều hành năm thi đua của cụm"
                    .into(),
            ));
        }
        Ok((c, y))
    }

    pub async fn covenant(&self, cluster_id: i64, year: i32) -> AppResult<Option<Covenant>> {
        Ok(match self.store.covenant(cluster_id, year).await? {
            None => None,
            Some(c) => Some(Covenant {
                title: c.title,
                table: parse_json("bảng tiêu chí", &c.table_json)?,
                method: parse_json("phương pháp", &c.method_json)?,
                scoring_closed: c.scoring_closed,
                signatures: c.signatures,
            }),
        })
    }

    /// Sets the covenant's title, criteria table and method. The table is checked as the
    /// evaluation would check it; it cannot change once scores exist.
    pub async fn put_covenant(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        title: &str,
        table: CovenantTable,
        method: CovenantMethod,
    ) -> AppResult<()> {
        let (_, y) = self.require_manage(p, cluster_id, year).await?;
        let title = tdkt_domain::text::tidy(title);
        if title.is_empty() {
            return Err(bad("title", "Cần nhập tên giao ước"));
        }
        if let Some(cur) = self.covenant(cluster_id, year).await?
            && cur.method != method
            && (cur.scoring_closed || self.ballot_started(cluster_id, year).await?)
        {
            return Err(AppError::Conflict(
                "Vòng chấm điểm đã đóng; không thể đổi phương pháp tổng hợp".into(),
            ));
        }
        if let Some(cur) = self.covenant(cluster_id, year).await? {
            let (scores, _) = self.store.cluster_scores(cluster_id, year).await?;
            if cur.table != table && !scores.is_empty() {
                return Err(AppError::Conflict(
                    "Đã có điểm chấm theo bảng tiêu chí này; không thể sửa bảng tiêu chí".into(),
                ));
            }
        }
        // Validate with the evaluation's own rules on an empty score sheet.
        let probe = EvaluationInput {
            note: None,
            members: members_of(&y),
            groups: table.groups.clone(),
            criteria: table.criteria.clone(),
            scores: vec![],
            indicators: vec![],
            method: method.method,
            sensitivity_top_n: method.sensitivity_top_n,
            flags: Some(method.flags.clone()),
            ballot: None,
        };
        probe.check()?;
        let table_json = serde_json::to_string(&table).expect("serialises");
        let method_json = serde_json::to_string(&method).expect("serialises");
        Ok(self
            .store
            .put_covenant(
                &p.actor(),
                cluster_id,
                year,
                &title,
                &table_json,
                &method_json,
            )
            .await?)
    }

    /// True once a ballot of the year has left draft: the ranking it used must not change.
    async fn ballot_started(&self, cluster_id: i64, year: i32) -> AppResult<bool> {
        Ok(self
            .store
            .ballots(cluster_id, year)
            .await?
            .iter()
            .any(|b| b.status != BallotStatus::Draft))
    }

    /// Starts a year's covenant from another year's (usually the last).
    pub async fn copy_covenant(
        &self,
        p: &Principal,
        cluster_id: i64,
        from_year: i32,
        to_year: i32,
    ) -> AppResult<()> {
        let src = self
            .covenant(cluster_id, from_year)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("giao ước năm {from_year}")))?;
        let title = src
            .title
            .replace(&from_year.to_string(), &to_year.to_string());
        self.put_covenant(p, cluster_id, to_year, &title, src.table, src.method)
            .await
    }

    pub async fn sign_covenant(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        unit_id: i64,
        signer: &str,
        signed_on: Date,
    ) -> AppResult<()> {
        let (_, y) = self.require_manage(p, cluster_id, year).await?;
        if !y.members.iter().any(|m| m.unit.id == unit_id) {
            return Err(bad("don_vi", "Đơn vị ký không phải thành viên cụm năm này"));
        }
        self.covenant(cluster_id, year)
            .await?
            .ok_or_else(|| AppError::NotFound("giao ước".into()))?;
        let signer = tdkt_domain::text::tidy(signer);
        if signer.is_empty() {
            return Err(bad("nguoi_ky", "Cần ghi người ký (chức vụ, họ tên)"));
        }
        Ok(self
            .store
            .sign_covenant(
                &p.actor(),
                cluster_id,
                year,
                SignatureRow {
                    unit_id,
                    signer,
                    signed_on,
                },
            )
            .await?)
    }

    pub async fn set_scoring_closed(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        closed: bool,
    ) -> AppResult<()> {
        self.require_manage(p, cluster_id, year).await?;
        if !closed && self.ballot_started(cluster_id, year).await? {
            return Err(AppError::Conflict(
                "Đã mở bỏ phiếu theo kết quả chấm điểm; không thể mở lại vòng chấm điểm".into(),
            ));
        }
        Ok(self
            .store
            .set_scoring_closed(&p.actor(), cluster_id, year, closed)
            .await?)
    }

    /// One member's scores of itself and the others. Every score is checked against the
    /// covenant before anything is written.
    pub async fn put_scores(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        scorer: i64,
        entries: &[ScoreEntry],
        indicators: &[(i64, String, f64)],
    ) -> AppResult<()> {
        let (c, y) = self.cluster_year(cluster_id, year).await?;
        if !y.members.iter().any(|m| m.unit.id == scorer) {
            return Err(bad(
                "don_vi_cham",
                "Đơn vị chấm không phải thành viên cụm năm này",
            ));
        }
        if !(self.permits(p, Action::ClusterScore, scorer).await?
            || self.may_manage(p, &c, &y).await?)
        {
            return Err(AppError::Forbidden(
                "Bạn không được chấm điểm thay mặt đơn vị này".into(),
            ));
        }
        if !indicators.is_empty() && !self.may_manage(p, &c, &y).await? {
            return Err(AppError::Forbidden(
                "Chỉ cụm trưởng, cụm phó hoặc đơn vị tổ chức nhập chỉ số báo cáo".into(),
            ));
        }
        let cov = self
            .covenant(cluster_id, year)
            .await?
            .ok_or_else(|| AppError::NotFound("giao ước năm này".into()))?;
        if cov.scoring_closed {
            return Err(AppError::Conflict(
                "Vòng chấm điểm đã đóng; không thể sửa điểm".into(),
            ));
        }
        let name_of = |id: i64| {
            y.members
                .iter()
                .find(|m| m.unit.id == id)
                .map(|m| m.unit.name.clone())
        };
        let mut rows = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let f = |x: &str| format!("diem[{i}].{x}");
            let target = name_of(e.target)
                .ok_or_else(|| bad(&f("don_vi"), "Đơn vị được chấm không phải thành viên cụm"))?;
            let crit = cov
                .table
                .criteria
                .iter()
                .find(|c| c.id == e.criterion)
                .ok_or_else(|| {
                    bad(
                        &f("tieu_chi"),
                        format!("Không có tiêu chí «{}»", e.criterion),
                    )
                })?;
            if crit.scale.is_some() {
                return Err(bad(
                    &f("tieu_chi"),
                    format!(
                        "Tiêu chí «{}» tính từ chỉ số báo cáo, không chấm tay",
                        crit.id
                    ),
                ));
            }
            if !(e.points.is_finite() && (0.0..=crit.max).contains(&e.points)) {
                return Err(bad(
                    &f("diem"),
                    format!(
                        "Điểm của {target}, tiêu chí {} phải trong khoảng 0–{}",
                        crit.id, crit.max
                    ),
                ));
            }
            rows.push(ScoreRow {
                scorer_id: scorer,
                target_id: e.target,
                criterion_id: e.criterion.clone(),
                points: e.points,
                note: e.note.clone(),
            });
        }
        let mut ind_rows = Vec::new();
        for (i, (unit, crit_id, value)) in indicators.iter().enumerate() {
            let f = |x: &str| format!("chi_so[{i}].{x}");
            name_of(*unit).ok_or_else(|| bad(&f("don_vi"), "Đơn vị không phải thành viên cụm"))?;
            let crit = cov
                .table
                .criteria
                .iter()
                .find(|c| &c.id == crit_id)
                .ok_or_else(|| bad(&f("tieu_chi"), format!("Không có tiêu chí «{crit_id}»")))?;
            if crit.scale.is_none() || !value.is_finite() {
                return Err(bad(
                    &f("gia_tri"),
                    format!("Tiêu chí «{crit_id}» không tính từ chỉ số, hoặc giá trị không hợp lệ"),
                ));
            }
            ind_rows.push(IndicatorRow {
                unit_id: *unit,
                criterion_id: crit_id.clone(),
                value: *value,
            });
        }
        Ok(self
            .store
            .put_scores(&p.actor(), cluster_id, year, &rows, &ind_rows)
            .await?)
    }

    /// One scorer's scores, for its entry form (the scorer's own people and managers only).
    pub async fn scores_of(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        scorer: i64,
    ) -> AppResult<Vec<ScoreRow>> {
        let (c, y) = self.cluster_year(cluster_id, year).await?;
        if !(self.permits(p, Action::ClusterScore, scorer).await?
            || self.may_manage(p, &c, &y).await?)
        {
            return Err(AppError::Forbidden(
                "Bạn không được xem điểm chấm của đơn vị này".into(),
            ));
        }
        let (scores, _) = self.store.cluster_scores(cluster_id, year).await?;
        Ok(scores
            .into_iter()
            .filter(|s| s.scorer_id == scorer)
            .collect())
    }

    /// The evaluation input from what is stored (members by unit id).
    async fn evaluation_input(
        &self,
        cluster_id: i64,
        y: &ClusterYearRow,
        cov: &Covenant,
    ) -> AppResult<EvaluationInput> {
        let (scores, indicators) = self.store.cluster_scores(cluster_id, y.year).await?;
        Ok(EvaluationInput {
            note: None,
            members: members_of(y),
            groups: cov.table.groups.clone(),
            criteria: cov.table.criteria.clone(),
            scores: scores
                .into_iter()
                .map(|s| Score {
                    scorer: s.scorer_id.to_string(),
                    target: s.target_id.to_string(),
                    criterion: s.criterion_id,
                    points: s.points,
                    note: s.note,
                })
                .collect(),
            indicators: indicators
                .into_iter()
                .map(|i| IndicatorValue {
                    member: i.unit_id.to_string(),
                    criterion: i.criterion_id,
                    value: i.value,
                })
                .collect(),
            method: cov.method.method,
            sensitivity_top_n: cov.method.sensitivity_top_n,
            flags: Some(cov.method.flags.clone()),
            ballot: None,
        })
    }

    async fn evaluate_year(
        &self,
        cluster_id: i64,
        y: &ClusterYearRow,
        cov: &Covenant,
    ) -> AppResult<Evaluation> {
        let input = self.evaluation_input(cluster_id, y, cov).await?;
        Ok(evaluation::evaluate(&input)?)
    }

    pub async fn conference(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
    ) -> AppResult<ConferenceView> {
        if !tdkt_domain::access::unscoped(&p.grants, Action::UnitRead) {
            return Err(AppError::forbidden());
        }
        let (c, y) = self.cluster_year(cluster_id, year).await?;
        let may_manage = self.may_manage(p, &c, &y).await?;
        let covenant = self.covenant(cluster_id, year).await?;
        let mut can_score_for = Vec::new();
        for m in &y.members {
            if may_manage || self.permits(p, Action::ClusterScore, m.unit.id).await? {
                can_score_for.push(m.unit.id);
            }
        }
        let (scores, _) = self.store.cluster_scores(cluster_id, year).await?;
        let mut progress: BTreeMap<i64, BTreeMap<i64, usize>> = BTreeMap::new();
        for s in &scores {
            *progress
                .entry(s.scorer_id)
                .or_default()
                .entry(s.target_id)
                .or_default() += 1;
        }
        let mut evaluation_error = None;
        let evaluation = match &covenant {
            Some(cov) if may_manage || cov.scoring_closed => {
                match self.evaluate_year(cluster_id, &y, cov).await {
                    Ok(e) => Some(e),
                    Err(AppError::Invalid(i)) => {
                        evaluation_error = Some(format!(
                            "Không tính được xếp hạng từ dữ liệu đã lưu: {}",
                            i.message
                        ));
                        None
                    }
                    Err(e) => return Err(e),
                }
            }
            _ => None,
        };
        let mut ballots = Vec::new();
        for row in self.store.ballots(cluster_id, year).await? {
            ballots.push(self.ballot_view(p, &y, row).await?);
        }
        let (order, cooldown) = self.store.cluster_rotation(cluster_id).await?;
        let history: Vec<(i32, i64)> = c
            .years
            .iter()
            .filter_map(|yr| {
                yr.members
                    .iter()
                    .find(|m| m.role == MemberRole::Leader)
                    .map(|m| (yr.year, m.unit.id))
            })
            .collect();
        let order: Vec<i64> = if order.is_empty() {
            y.members.iter().map(|m| m.unit.id).collect()
        } else {
            order
        };
        let rotation_proposal =
            tdkt_domain::rotation::propose_leader(&order, &history, year + 1, cooldown).and_then(
                |id| {
                    y.members
                        .iter()
                        .find(|m| m.unit.id == id)
                        .map(|m| m.unit.clone())
                },
            );
        Ok(ConferenceView {
            hand_criteria: covenant
                .as_ref()
                .map(|c| {
                    c.table
                        .criteria
                        .iter()
                        .filter(|k| k.scale.is_none())
                        .count()
                })
                .unwrap_or(0),
            proposals: self.store.cluster_proposals(cluster_id, year).await?,
            members: y.members.clone(),
            cluster: c,
            year,
            may_manage,
            covenant,
            can_score_for,
            progress,
            evaluation,
            evaluation_error,
            ballots,
            rotation_proposal,
            rotation: (order, cooldown),
        })
    }

    /// Sets the rotation order of the leader's role and how many years a past leader waits.
    pub async fn set_rotation(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        order: &[i64],
        cooldown: i32,
    ) -> AppResult<()> {
        let (_, y) = self.require_manage(p, cluster_id, year).await?;
        if !(0..=20).contains(&cooldown) {
            return Err(bad("so_nam", "Số năm chờ phải từ 0 đến 20"));
        }
        for u in order {
            if !y.members.iter().any(|m| m.unit.id == *u) {
                return Err(bad(
                    "thu_tu",
                    "Thứ tự luân phiên có đơn vị không phải thành viên cụm",
                ));
            }
        }
        let mut seen = order.to_vec();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() != order.len() {
            return Err(bad(
                "thu_tu",
                "Một đơn vị xuất hiện hai lần trong thứ tự luân phiên",
            ));
        }
        Ok(self
            .store
            .set_cluster_rotation(&p.actor(), cluster_id, order, cooldown)
            .await?)
    }

    async fn ballot_view(
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
