//! What the dossier page reads: the dossier, its documents, timeline, comments, duplicates,
//! the checks per nominee, the council's ballot and the decision, and what the caller may do.

use tdkt_domain::access::Role;
use tdkt_domain::dossier::council::CouncilBallotStatus;
use tdkt_domain::dossier::{CommentStatus, State, TRANSITIONS, next};
use tdkt_store::*;

use super::appraisal::verdict_lines;
use super::{DossierView, NomineeCheck};
use crate::{App, AppError, AppResult, Principal};

impl App {
    /// Read access: on the proposing unit or on the authority.
    /// A dossier the caller may read (the proposing unit's or the deciding authority's).
    pub async fn dossier(&self, p: &Principal, id: i64) -> AppResult<DossierRow> {
        self.dossier_for_read(p, id).await
    }

    pub async fn dossier_view(&self, p: &Principal, id: i64) -> AppResult<DossierView> {
        let d = self.dossier_for_read(p, id).await?;
        let roles = self.dossier_roles(p, &d).await?;
        let mut steps = Vec::new();
        for t in TRANSITIONS.iter().filter(|t| t.from == d.state) {
            if steps.contains(&t.step) {
                continue;
            }
            let reason = t.step.needs_reason().then_some("lý do đủ dài");
            if roles
                .iter()
                .any(|r| next(d.state, t.step, *r, d.kind, reason).is_ok())
            {
                steps.push(t.step);
            }
        }
        let mut checks = Vec::new();
        for n in &d.nominees {
            // An appraised nominee shows the verdict as it was when the result was recorded.
            let stored = n
                .verdict_json
                .as_deref()
                .filter(|_| n.result.is_some())
                .and_then(|j| serde_json::from_str::<tdkt_domain::eligibility::Verdict>(j).ok());
            let (verdict, _, lines) = match (n.verdict, stored) {
                (Some(v), Some(verdict)) => (v, String::new(), verdict_lines(&verdict)),
                _ => self.nominee_verdict(&d, n).await?,
            };
            checks.push(NomineeCheck {
                nominee_id: n.id,
                verdict,
                lines,
            });
        }
        let council = self.store.council_ballot(id).await?;
        let (may_vote, has_voted) = match &council {
            Some(b) if b.status == CouncilBallotStatus::Open => {
                let rules: tdkt_domain::dossier::council::CouncilRules =
                    serde_json::from_str(&b.rules_json)
                        .map_err(|e| AppError::Internal(e.to_string()))?;
                let member = rules.members.contains(&p.user_id);
                let voted = self
                    .store
                    .council_voters(b.id)
                    .await?
                    .iter()
                    .any(|v| v.user_id == p.user_id);
                (member, voted)
            }
            _ => (false, false),
        };
        let board = roles.contains(&Role::BoardSpecialist);
        let board_all = board || roles.contains(&Role::BoardLeader);
        let named: Vec<_> = d
            .nominees
            .iter()
            .map(|n| (n.person_id, n.unit_id, n.award_code.clone(), n.name.clone()))
            .collect();
        Ok(DossierView {
            unregistered: self.unregistered(d.kind, d.year, &named).await?,
            documents: self.store.dossier_documents(id).await?,
            events: self.store.dossier_events(id).await?,
            // Comments waiting for moderation or hidden are the Board's; the others see what
            // was approved (as the public does), without contacts.
            comments: self
                .store
                .dossier_comments(id)
                .await?
                .into_iter()
                .filter(|c| board_all || c.status == CommentStatus::Approved)
                .map(|c| CommentRow {
                    contact: if board_all { c.contact } else { None },
                    ..c
                })
                .collect(),
            duplicates: self.store.nominee_duplicates(id).await?,
            checks,
            steps,
            may_prepare: roles.contains(&Role::UnitClerk)
                && matches!(d.state, State::Draft | State::Returned),
            may_upload: (roles.contains(&Role::UnitClerk)
                && matches!(d.state, State::Draft | State::Returned))
                || (board_all && d.state.is_open()),
            may_appraise: board && d.state == State::UnderAppraisal,
            may_moderate: board,
            above_power: self.above_power(&d).await?,
            may_record_written: board
                && council
                    .as_ref()
                    .is_some_and(|b| b.status == CouncilBallotStatus::Open),
            may_decide: roles.contains(&Role::BoardLeader) && d.state == State::Approved,
            decision: self.store.decision_of(id).await?,
            council,
            may_vote,
            has_voted,
            dossier: d,
        })
    }
}
