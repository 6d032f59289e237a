//! Candidates of a unit's round: for every person and every title the unit may grant or
//! propose (rules/round.toml), the engine's verdict from the stored history; for the unit and
//! the units below it, the collective titles with this year's members counted from the round
//! itself. The clerk then selects, with a reason where the selection differs from the verdict;
//! limits are warned on, never enforced.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::eligibility::{
    AwardRecord, CheckRequest, CriterionStatus, InitiativeRecord, MemberYear, RatingRecord,
    Subject, SubjectKind, TitleRecord, Verdict, VerdictKind,
};
use tdkt_domain::person::Discipline;
use tdkt_domain::round::{LimitWarning, limit_warnings, needs_reason};
use tdkt_domain::text::tidy;
use tdkt_store::*;

use super::reference_date;
use crate::error::internal;
use crate::{App, AppError, AppResult, Principal};

/// A person in the engine's terms, from the history read for the whole unit (the person page
/// uses the same function, so both show the same verdict).
pub fn individual_subject(h: &PersonHistory) -> Subject {
    Subject {
        kind: SubjectKind::Individual,
        ratings: h
            .ratings
            .iter()
            .map(|f| RatingRecord {
                year: f.year,
                rating: f.rating,
                absent_days: f.absent_days.map(|d| d.max(0) as u32),
                discipline: f
                    .discipline
                    .as_deref()
                    .and_then(|c| Discipline::try_from(c.to_string()).ok()),
            })
            .collect(),
        titles: h
            .titles
            .iter()
            .map(|t| TitleRecord {
                year: t.year,
                code: t.code.clone(),
            })
            .collect(),
        // A revoked award is no prerequisite for anything (the store leaves them out).
        awards: h
            .awards
            .iter()
            .map(|a| AwardRecord {
                code: a.code.clone(),
                date: a.date,
                decision: a.decision.clone(),
            })
            .collect(),
        // Only recognised initiatives count.
        initiatives: h
            .initiatives
            .iter()
            .filter_map(|i| {
                Some(InitiativeRecord {
                    id: i.code.clone(),
                    scope: crate::history::scope_of(i.scope.as_deref()?)?,
                    recognized: i.recognized_on?,
                    used_by: i.used_by.clone(),
                    used_on: i.used_on,
                })
            })
            .collect(),
        members: vec![],
    }
}

/// One line of the candidates table.
#[derive(Debug, Clone)]
pub struct CandidateLine {
    pub row: CandidateRow,
    pub award_name: String,
    pub verdict: VerdictKind,
    /// Why not (or what a person must judge), in words.
    pub why: String,
    /// Granted by the unit itself (else proposed up).
    pub own: bool,
    /// The selection differs from the verdict: a reason is needed.
    pub needs_reason: bool,
    /// Registered for this title in the year's movements.
    pub registered: bool,
}

#[derive(Debug, Clone)]
pub struct CandidatesView {
    pub unit: RoundUnitRow,
    /// Counts per award with its name.
    pub counts: Vec<(CandidateCount, String)>,
    pub warnings: Vec<LimitWarning>,
    pub lines: Page<CandidateLine>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SelectionInput {
    pub candidate_id: i64,
    pub selected: bool,
    pub reason: Option<String>,
}

fn why(v: &Verdict) -> String {
    match v.verdict {
        VerdictKind::Eligible => String::new(),
        VerdictKind::NotEligible => {
            if !v.missing.is_empty() {
                v.missing.join("; ")
            } else {
                v.criteria
                    .iter()
                    .filter(|c| c.status == CriterionStatus::Failed)
                    .map(|c| c.detail.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        }
        VerdictKind::NeedsReview => v
            .criteria
            .iter()
            .filter(|c| c.status == CriterionStatus::NeedsReview)
            .map(|c| c.text.clone())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// What every line of a unit's computation shares: the reference date, who decides each award,
/// and the selections made before.
struct Judging {
    on: time::Date,
    dest: HashMap<String, i64>,
    kept: HashMap<(Option<i64>, Option<i64>, String), bool>,
}

impl App {
    /// One line: the engine's verdict of `subject` for `code`, the authority deciding it, and
    /// the selection made before (else the verdict's). `None` when nobody above may grant the
    /// award or the pack in force has no rule for it.
    fn judge(
        &self,
        ctx: &Judging,
        subject: &Subject,
        code: &str,
        who: (Option<i64>, Option<i64>),
        name: &str,
        detail: &str,
    ) -> AppResult<Option<NewCandidate>> {
        let Some(&destination_id) = ctx.dest.get(code) else {
            return Ok(None);
        };
        let Ok(v) = self.rules.check(&CheckRequest {
            award: code.to_string(),
            reference_date: ctx.on,
            subject: subject.clone(),
        }) else {
            return Ok(None);
        };
        let selected = ctx
            .kept
            .get(&(who.0, who.1, code.to_string()))
            .copied()
            .unwrap_or(v.verdict == VerdictKind::Eligible);
        Ok(Some(NewCandidate {
            person_id: who.0,
            unit_id: who.1,
            name: name.to_string(),
            detail: detail.to_string(),
            award_code: code.to_string(),
            destination_id,
            verdict: v.verdict.code().to_string(),
            verdict_json: serde_json::to_string(&v).map_err(internal)?,
            selected,
        }))
    }

    /// The authority that decides `award` for this unit: itself when its head may grant it,
    /// else the nearest unit above whose head may.
    async fn destinations(
        &self,
        unit_id: i64,
        awards: &[String],
    ) -> AppResult<HashMap<String, i64>> {
        // The unit, then the units above it nearest first.
        let mut chain = vec![self.store.unit(unit_id).await?];
        for a in self.store.unit_ancestors(unit_id).await? {
            chain.push(self.store.unit(a.id).await?);
        }
        let mut out = HashMap::new();
        for a in awards {
            if let Some(u) = chain.iter().find(|u| self.round.may_grant(u.kind, a)) {
                out.insert(a.clone(), u.id);
            }
        }
        Ok(out)
    }

    /// Computes every verdict again (after ratings change); selections and reasons stay.
    pub async fn compute_round_candidates(
        &self,
        p: &Principal,
        round_unit_id: i64,
    ) -> AppResult<usize> {
        let u = self
            .participant_for(p, round_unit_id, Action::RoundRate)
            .await?;
        let on = reference_date(u.year);
        let people = self.store.round_people(u.id).await?;
        let histories = self.store.round_histories(u.id).await?;
        let mut awards: Vec<String> = self.round.individual.clone();
        awards.extend(self.round.collective.iter().cloned());
        let dest = self.destinations(u.unit_id, &awards).await?;
        let before = self
            .store
            .candidates(u.id, &CandidateFilter::default())
            .await?
            .items;
        let ctx = Judging {
            on,
            dest,
            kept: before
                .iter()
                .map(|c| ((c.person_id, c.unit_id, c.award_code.clone()), c.selected))
                .collect(),
        };
        let local = self.store.local_award_kinds().await?;
        let empty = PersonHistory::default();
        let mut rows = Vec::new();
        // Who holds which title this year, for the collectives' member counts.
        let mut holds: HashMap<i64, HashSet<String>> = HashMap::new();
        for x in &people {
            let mut subject = individual_subject(histories.get(&x.id).unwrap_or(&empty));
            let detail = match &x.position {
                Some(pos) => format!("{pos}, {}", x.unit_name),
                None => x.unit_name.clone(),
            };
            for code in &self.round.individual {
                let who = (Some(x.id), None);
                let Some(c) = self.judge(&ctx, &subject, code, who, &x.full_name, &detail)? else {
                    continue;
                };
                if c.selected {
                    holds.entry(x.id).or_default().insert(code.clone());
                    // A title the unit grants in this round counts for the awards judged after
                    // it (the third consecutive CSTĐ cơ sở opens CSTĐ tỉnh), as the unit's
                    // decision will record it.
                    if c.destination_id == u.unit_id && self.is_title(&local, code) {
                        subject.titles.push(TitleRecord {
                            year: u.year,
                            code: code.clone(),
                        });
                    }
                }
                rows.push(c);
            }
        }
        // Collectives: the unit itself and the units right below it that are not taking part
        // on their own.
        let units = self.store.staffed_units(u.unit_id, self.today()).await?;
        let others: HashSet<i64> = self
            .store
            .round_units(u.round_id)
            .await?
            .into_iter()
            .filter(|o| o.id != u.id)
            .map(|o| o.unit_id)
            .collect();
        let path_of: HashMap<i64, &str> =
            units.iter().map(|x| (x.id, x.tree_path.as_str())).collect();
        for c in units.iter().filter(|x| {
            x.id == u.unit_id || (x.parent_id == Some(u.unit_id) && !others.contains(&x.id))
        }) {
            let mut subject = self.unit_subject(c.id).await?;
            let members: Vec<&RoundPerson> = people
                .iter()
                .filter(|x| {
                    path_of
                        .get(&x.unit_id)
                        .is_some_and(|p| p.starts_with(&c.tree_path))
                })
                .collect();
            let mut year = MemberYear {
                year: u.year,
                total: members.len() as u32,
                ..Default::default()
            };
            let mut disciplined = 0;
            for m in &members {
                if let Some(f) = histories
                    .get(&m.id)
                    .and_then(|h| h.ratings.iter().find(|f| f.year == u.year))
                {
                    *year.ratings.entry(f.rating).or_insert(0) += 1;
                    if f.discipline.is_some() {
                        disciplined += 1;
                    }
                }
                for t in holds.get(&m.id).into_iter().flatten() {
                    *year.titles.entry(t.clone()).or_insert(0) += 1;
                }
            }
            year.disciplined = Some(disciplined);
            subject.members.retain(|m| m.year != u.year);
            subject.members.push(year);
            let detail = format!("Tập thể ({} người)", members.len());
            for code in &self.round.collective {
                let who = (None, Some(c.id));
                if let Some(line) = self.judge(&ctx, &subject, code, who, &c.name, &detail)? {
                    rows.push(line);
                }
            }
        }
        let n = self.store.put_candidates(&p.actor(), u.id, &rows).await?;
        Ok(n)
    }

    /// The candidates table: counts per title, limit warnings, and one page of lines with the
    /// movement registration of the year beside each.
    pub async fn round_candidates(
        &self,
        p: &Principal,
        round_unit_id: i64,
        filter: CandidateFilter,
    ) -> AppResult<CandidatesView> {
        let u = self.round_participant(p, round_unit_id).await?;
        let local = self.store.local_award_kinds().await?;
        let counts = self.store.candidate_counts(u.id).await?;
        let selected: BTreeMap<String, u32> = counts
            .iter()
            .map(|c| (c.award_code.clone(), c.selected as u32))
            .collect();
        let warnings = limit_warnings(&self.round.limits, &selected, |c| {
            self.award_name(&local, c)
        });
        let page = self.store.candidates(u.id, &filter).await?;
        let person_ids: Vec<i64> = page.items.iter().filter_map(|c| c.person_id).collect();
        let unit_ids: Vec<i64> = page.items.iter().filter_map(|c| c.unit_id).collect();
        let registered: HashSet<(Option<i64>, Option<i64>, String)> = self
            .store
            .registered_lines(u.year, &person_ids, &unit_ids)
            .await?
            .into_iter()
            .map(|l| (l.person_id, l.unit_id, l.award_code))
            .collect();
        let mut items = Vec::new();
        for row in page.items {
            let v: Verdict = serde_json::from_str(&row.verdict_json).map_err(internal)?;
            items.push(CandidateLine {
                award_name: self.award_name(&local, &row.award_code),
                why: why(&v),
                own: row.destination_id == u.unit_id,
                needs_reason: needs_reason(v.verdict, row.selected),
                registered: registered.contains(&(
                    row.person_id,
                    row.unit_id,
                    row.award_code.clone(),
                )),
                verdict: v.verdict,
                row,
            });
        }
        Ok(CandidatesView {
            counts: counts
                .into_iter()
                .map(|c| {
                    let n = self.award_name(&local, &c.award_code);
                    (c, n)
                })
                .collect(),
            warnings,
            lines: Page {
                items,
                total: page.total,
                page: page.page,
                per_page: page.per_page,
            },
            unit: u,
        })
    }

    /// The clerk's selection; a choice that differs from the verdict needs a written reason.
    /// Answers the limit warnings after the change.
    pub async fn select_round_candidates(
        &self,
        p: &Principal,
        round_unit_id: i64,
        input: &[SelectionInput],
    ) -> AppResult<Vec<LimitWarning>> {
        let u = self
            .participant_for(p, round_unit_id, Action::RoundRate)
            .await?;
        let all = self
            .store
            .candidates(u.id, &CandidateFilter::default())
            .await?
            .items;
        let by_id: HashMap<i64, &CandidateRow> = all.iter().map(|c| (c.id, c)).collect();
        let mut changes = Vec::new();
        let mut errors = Vec::new();
        for s in input {
            let Some(c) = by_id.get(&s.candidate_id) else {
                return Err(AppError::NotFound(
                    "người, tập thể trong danh sách bình xét".into(),
                ));
            };
            let verdict = VerdictKind::try_from(c.verdict.clone())
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let reason = s.reason.as_deref().map(tidy).filter(|r| !r.is_empty());
            if needs_reason(verdict, s.selected)
                && reason.as_ref().is_none_or(|r| r.chars().count() < 5)
            {
                errors.push(format!(
                    "«{}» ({}): {} nên cần ghi lý do",
                    c.name,
                    c.award_code,
                    if s.selected {
                        "chọn người, tập thể chưa đủ điều kiện"
                    } else {
                        "bỏ người, tập thể đủ điều kiện"
                    }
                ));
                continue;
            }
            changes.push(Selection {
                candidate_id: c.id,
                selected: s.selected,
                reason: if needs_reason(verdict, s.selected) {
                    reason
                } else {
                    None
                },
            });
        }
        if !errors.is_empty() {
            return Err(Invalid::new("ly_do", errors.join("; ")).into());
        }
        self.store
            .select_candidates(&p.actor(), u.id, &changes)
            .await?;
        let local = self.store.local_award_kinds().await?;
        let selected: BTreeMap<String, u32> = self
            .store
            .candidate_counts(u.id)
            .await?
            .iter()
            .map(|c| (c.award_code.clone(), c.selected as u32))
            .collect();
        Ok(limit_warnings(&self.round.limits, &selected, |c| {
            self.award_name(&local, c)
        }))
    }
}
