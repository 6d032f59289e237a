//! Nomination dossiers. This module holds what the use cases of a dossier share: the dossier
//! page's view, the inbox sections, the stale-page check, who may act on a dossier and what
//! lies above its authority's power. Each job has its own file:
//! - `create`: a new dossier and its nominee list, checked against the master data, the catalog
//!   and, for a cluster's election, the elected unit and award;
//! - `documents`: attachments, typed by their content, size limited, kept in versions;
//! - `workflow`: the steps (domain::dossier decides, the store applies with optimistic
//!   concurrency), their time limits, and the inboxes per role;
//! - `appraisal`: the eligibility engine's verdict per nominee and the specialist's result;
//! - `view`: what the dossier page reads;
//! - `public`: the public consultation, its comments and their moderation.

mod appraisal;
mod create;
mod documents;
mod public;
mod view;
mod workflow;

use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, Role, allows, reach};
use tdkt_domain::dossier::council::{authority_level, level_rank};
use tdkt_domain::dossier::{NomineeVerdict, Step};
use tdkt_store::*;

use crate::{App, AppError, AppResult, Principal};

// The public paths stay `tdkt_app::dossiers::…` whichever file a type lives in.
pub use appraisal::AppraisalInput;
pub use create::{DossierInput, ElectedProposal, NomineeInput};
pub use documents::sniff;
pub use public::{PublicComment, PublicDossier, PublicNominee};
pub use workflow::StepInput;

/// What a dossier page shows.
pub struct DossierView {
    pub dossier: DossierRow,
    pub documents: Vec<DocumentRow>,
    pub events: Vec<EventRow>,
    pub comments: Vec<CommentRow>,
    pub duplicates: Vec<DuplicateRow>,
    /// Per nominee: the engine's verdict now (or as stored at appraisal).
    pub checks: Vec<NomineeCheck>,
    /// Steps the caller may take now.
    pub steps: Vec<Step>,
    pub may_prepare: bool,
    /// May attach files now (the unit while it holds the dossier, the Board while it is open).
    pub may_upload: bool,
    pub may_appraise: bool,
    pub may_moderate: bool,
    /// Award codes above the authority's power.
    pub above_power: Vec<String>,
    pub council: Option<CouncilBallotRow>,
    pub decision: Option<DecisionRow>,
    pub may_vote: bool,
    pub has_voted: bool,
    pub may_record_written: bool,
    pub may_decide: bool,
    /// Nominees for an emulation title who did not register for it that year (a flag; the
    /// `unregistered_nominee` setting may refuse them at creation instead).
    pub unregistered: Vec<crate::movements::UnregisteredNominee>,
}

/// The eligibility check shown for one nominee.
#[derive(Debug, Clone)]
pub struct NomineeCheck {
    pub nominee_id: i64,
    pub verdict: NomineeVerdict,
    /// The engine's explanation, one line per criterion.
    pub lines: Vec<String>,
}

/// One section of an inbox.
pub struct InboxSection {
    pub key: &'static str,
    pub title: &'static str,
    pub items: Vec<DossierSummary>,
}

fn invalid(field: impl Into<String>, msg: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid::new(field, msg))
}

/// Refuses a change made on a stale page: someone else changed the dossier since.
pub(crate) fn fresh(d: &DossierRow, version: i64) -> AppResult<()> {
    if d.version == version {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "Hồ sơ {} vừa được người khác cập nhật (nay ở trạng thái «{}»); hãy tải lại trang để xem thay đổi",
            d.code,
            d.state.label()
        )))
    }
}

/// The action a role takes a workflow step under, and on which unit it is checked.
fn step_action(role: Role) -> Option<Action> {
    match role {
        Role::UnitClerk => Some(Action::DossierPrepare),
        Role::BoardSpecialist => Some(Action::DossierProcess),
        Role::BoardLeader => Some(Action::DossierDecide),
        _ => None,
    }
}

impl App {
    pub(crate) async fn ancestors_of(&self, unit_id: i64) -> AppResult<Vec<i64>> {
        Ok(self
            .store
            .unit_ancestors(unit_id)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect())
    }

    /// The roles the caller holds that may act on this dossier for `action`: clerks on the
    /// proposing unit, the Board on the authority.
    async fn dossier_roles(&self, p: &Principal, d: &DossierRow) -> AppResult<Vec<Role>> {
        let unit_anc = self.ancestors_of(d.unit_id).await?;
        let auth_anc = self.ancestors_of(d.authority_id).await?;
        let mut roles = Vec::new();
        for g in &p.grants {
            let Some(action) = step_action(g.role) else {
                continue;
            };
            let (target, anc) = if g.role == Role::UnitClerk {
                (d.unit_id, &unit_anc)
            } else {
                (d.authority_id, &auth_anc)
            };
            if allows(g.role, action, reach(g.unit_id, target, anc)) && !roles.contains(&g.role) {
                roles.push(g.role);
            }
        }
        Ok(roles)
    }

    pub(crate) async fn dossier_for_read(&self, p: &Principal, id: i64) -> AppResult<DossierRow> {
        let d = self.store.dossier(id).await?;
        if self
            .authorize(p, Action::DossierRead, d.unit_id)
            .await
            .is_err()
        {
            self.authorize(p, Action::DossierRead, d.authority_id)
                .await?;
        }
        Ok(d)
    }

    /// The power of an authority: the highest award level it grants itself.
    async fn authority_rank(&self, authority_id: i64) -> AppResult<u8> {
        let u = self.store.unit(authority_id).await?;
        Ok(level_rank(authority_level(u.kind)))
    }

    /// Award codes of the dossier above its authority's power (to forward to the higher level).
    async fn above_power(&self, d: &DossierRow) -> AppResult<Vec<String>> {
        let rank = self.authority_rank(d.authority_id).await?;
        let local = self.store.local_award_kinds().await?;
        let mut out = Vec::new();
        for n in &d.nominees {
            let level = self
                .rules
                .catalog
                .get(&n.award_code)
                .map(|a| a.level.clone())
                .or_else(|| {
                    local
                        .iter()
                        .find(|k| k.code == n.award_code)
                        .map(|k| k.level.clone())
                })
                .unwrap_or_default();
            if level_rank(&level) > rank && !out.contains(&n.award_code) {
                out.push(n.award_code.clone());
            }
        }
        Ok(out)
    }
}
