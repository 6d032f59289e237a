//! The year-end round (bình xét cuối năm, docs/rounds.md): an authority opens the round of a
//! year for the units of its subtree; each unit rates its people, computes and selects its
//! candidates, has its council vote on them, issues its own decisions and sends the rest up in
//! one dossier per deciding authority. Here: opening, the overview and the rights; each step
//! has its file:
//! - `ratings`: the year's ratings and facts, by grid or XLSX, all or nothing;
//! - `candidates`: the engine's verdicts for every person and title, the clerk's selection;
//! - `vote`: the unit council's secret ballot over the whole list;
//! - `decisions`: the unit's own decisions, one per title;
//! - `send`: the dossiers sent up.

mod candidates;
mod decisions;
mod ratings;
mod send;
mod vote;

use serde::Deserialize;
use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::round::RoundProgress;
use tdkt_store::*;

use crate::{App, AppError, AppResult, Principal};

pub use candidates::individual_subject;
pub use candidates::{CandidateLine, CandidatesView, SelectionInput};
pub use decisions::RoundDecisionInput;
pub use ratings::{FactsInput, PeoplePage, RatingsImport};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OpenRoundInput {
    pub authority_id: i64,
    pub year: i32,
    pub note: Option<String>,
    /// The units taking part; by default every unit of the subtree whose head may grant titles
    /// and that has staff.
    #[serde(default)]
    pub unit_ids: Option<Vec<i64>>,
}

/// A participant as the overview shows it.
#[derive(Debug, Clone)]
pub struct ParticipantLine {
    pub row: RoundUnitRow,
    pub overdue: bool,
}

#[derive(Debug, Clone)]
pub struct RoundOverview {
    pub round: RoundRow,
    pub units: Vec<ParticipantLine>,
    /// Units per progress, in the order of `RoundProgress::ALL`, then overdue.
    pub by_progress: Vec<(RoundProgress, usize)>,
    pub overdue: usize,
}

impl App {
    /// Opens an authority's round of a year with its participants and their due dates.
    pub async fn open_round(&self, p: &Principal, input: OpenRoundInput) -> AppResult<RoundRow> {
        let authority = self.store.unit(input.authority_id).await?;
        self.authorize(p, Action::RoundManage, authority.id).await?;
        let today = self.today();
        if !(2000..=today.year() + 1).contains(&input.year) {
            return Err(Invalid::new(
                "year",
                format!("Năm bình xét phải trong khoảng 2000–{}", today.year() + 1),
            )
            .into());
        }
        let units = self.store.staffed_units(authority.id, today).await?;
        let root_depth = units
            .iter()
            .find(|u| u.id == authority.id)
            .map(|u| u.tree_path.matches('/').count() as i32)
            .unwrap_or(0);
        let depth_of = |path: &str| (path.matches('/').count() as i32 - root_depth).max(0);
        let chosen: Vec<&StaffedUnit> = match &input.unit_ids {
            Some(ids) => {
                if ids.is_empty() {
                    return Err(Invalid::new("unit_ids", "Cần chọn ít nhất một đơn vị").into());
                }
                let mut v = Vec::new();
                for (i, id) in ids.iter().enumerate() {
                    let u = units.iter().find(|u| u.id == *id).ok_or_else(|| {
                        Invalid::new(
                            format!("unit_ids[{i}]"),
                            format!(
                                "Đơn vị #{id} không thuộc {} hoặc không có người",
                                authority.name
                            ),
                        )
                    })?;
                    if !v.iter().any(|x: &&StaffedUnit| x.id == u.id) {
                        v.push(u);
                    }
                }
                v
            }
            None => units
                .iter()
                .filter(|u| u.id != authority.id && !self.round.grants(u.kind).is_empty())
                .collect(),
        };
        if chosen.is_empty() {
            return Err(AppError::Conflict(format!(
                "{} chưa có đơn vị nào có người để bình xét",
                authority.name
            )));
        }
        let new = NewRound {
            authority_id: authority.id,
            year: input.year,
            opened_on: today,
            note: input
                .note
                .as_deref()
                .map(tdkt_domain::text::tidy)
                .filter(|s| !s.is_empty()),
            created_by: Some(p.user_id),
            units: chosen
                .iter()
                .map(|u| {
                    let depth = depth_of(&u.tree_path);
                    NewRoundUnit {
                        unit_id: u.id,
                        depth,
                        due_on: self.round.deadline(input.year, depth.max(1) as u32),
                    }
                })
                .collect(),
        };
        Ok(self.store.open_round(&p.actor(), new).await?)
    }

    /// The rounds the caller can follow (as manager of the authority, or as a participant).
    pub async fn rounds(&self, p: &Principal) -> AppResult<Vec<RoundRow>> {
        let mut roots = tdkt_domain::access::scope_roots(&p.grants, Action::RoundManage);
        for a in [Action::RoundRate, Action::RoundDecide, Action::CouncilVote] {
            for r in tdkt_domain::access::scope_roots(&p.grants, a) {
                // A participant's round belongs to an authority above it: list it too.
                for up in self.ancestors_of(r).await? {
                    if !roots.contains(&up) {
                        roots.push(up);
                    }
                }
            }
        }
        let mut out = Vec::new();
        for r in self.store.list_rounds(Some(&roots)).await? {
            if self.may_follow_round(p, &r).await? {
                out.push(r);
            }
        }
        Ok(out)
    }

    async fn may_follow_round(&self, p: &Principal, r: &RoundRow) -> AppResult<bool> {
        if self
            .authorize(p, Action::RoundManage, r.authority_id)
            .await
            .is_ok()
        {
            return Ok(true);
        }
        for u in self.store.round_units(r.id).await? {
            if self.may_read_participant(p, &u).await {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Participants' progress; managers see all, a participant sees its own line(s).
    pub async fn round_overview(&self, p: &Principal, round_id: i64) -> AppResult<RoundOverview> {
        let round = self.store.round(round_id).await?;
        let manager = self
            .authorize(p, Action::RoundManage, round.authority_id)
            .await
            .is_ok();
        let today = self.today();
        let mut units = Vec::new();
        for row in self.store.round_units(round_id).await? {
            if manager || self.may_read_participant(p, &row).await {
                let overdue = row.progress.overdue(row.due_on, today);
                units.push(ParticipantLine { row, overdue });
            }
        }
        if units.is_empty() {
            return Err(AppError::forbidden());
        }
        let by_progress = RoundProgress::ALL
            .iter()
            .map(|s| (*s, units.iter().filter(|u| u.row.progress == *s).count()))
            .collect();
        let overdue = units.iter().filter(|u| u.overdue).count();
        Ok(RoundOverview {
            round,
            units,
            by_progress,
            overdue,
        })
    }

    /// The rounds a unit takes part in (its page links to them).
    pub async fn unit_rounds(&self, p: &Principal, unit_id: i64) -> AppResult<Vec<RoundUnitRow>> {
        let mut out = Vec::new();
        for r in self.store.rounds_of_unit(unit_id).await? {
            if self.may_read_participant(p, &r).await {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Reading a participant's lists: its clerk, the authority's board, its head, or a member
    /// of its council.
    async fn may_read_participant(&self, p: &Principal, u: &RoundUnitRow) -> bool {
        for a in [Action::RoundRate, Action::RoundDecide, Action::CouncilVote] {
            if self.authorize(p, a, u.unit_id).await.is_ok() {
                return true;
            }
        }
        self.authorize(p, Action::RoundManage, u.authority_id)
            .await
            .is_ok()
    }

    /// A participant the caller may read.
    pub async fn round_participant(&self, p: &Principal, id: i64) -> AppResult<RoundUnitRow> {
        let u = self.store.round_unit(id).await?;
        if self.may_read_participant(p, &u).await {
            Ok(u)
        } else {
            Err(AppError::forbidden())
        }
    }

    /// A participant on which the caller may take `action` (on the unit itself).
    async fn participant_for(
        &self,
        p: &Principal,
        id: i64,
        action: Action,
    ) -> AppResult<RoundUnitRow> {
        let u = self.store.round_unit(id).await?;
        self.authorize(p, action, u.unit_id).await?;
        Ok(u)
    }

    /// The unit's collective titles by year (shown on its page; collective verdicts use them).
    pub async fn unit_titles(&self, unit_id: i64) -> AppResult<Vec<TitleRow>> {
        Ok(self.store.unit_titles(unit_id).await?)
    }

    /// Records a unit's past collective titles (history brought in by hand).
    pub async fn put_unit_titles(
        &self,
        p: &Principal,
        unit_id: i64,
        input: &[crate::history::TitleInput],
    ) -> AppResult<Vec<TitleRow>> {
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::UnitWrite, unit_id).await?;
        let local = self.store.local_award_kinds().await?;
        let mut rows = Vec::new();
        for (i, t) in input.iter().enumerate() {
            let f = format!("danh_hieu[{i}]");
            let year = tdkt_domain::person::parse_year(&format!("{f}.year"), t.year, self.today())?;
            let code = self.catalog_code(&local, &format!("{f}.code"), &t.code, true)?;
            let collective = self
                .rules
                .catalog
                .get(&code)
                .is_none_or(|a| a.subject.iter().any(|s| s == "tap_the"));
            if !collective {
                return Err(Invalid::new(
                    format!("{f}.code"),
                    format!("«{code}» là danh hiệu cá nhân, không phải danh hiệu tập thể"),
                )
                .into());
            }
            rows.push(TitleRow {
                year,
                code,
                decision: t
                    .decision
                    .as_deref()
                    .map(tdkt_domain::text::tidy)
                    .filter(|s| !s.is_empty()),
            });
        }
        Ok(self
            .store
            .put_unit_titles(&p.actor(), unit_id, &rows)
            .await?)
    }
}

/// The reference date of a round's verdicts: the last day of its year.
pub(crate) fn reference_date(year: i32) -> time::Date {
    tdkt_domain::dates::ymd(year, 12, 31)
}
