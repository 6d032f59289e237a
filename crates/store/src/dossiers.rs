//! Nomination dossiers: workflow with optimistic concurrency, nominees, appraisal, timeline.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tdkt_domain::dossier::{
    AppraisalResult, CommendationType, DuplicateReason, DuplicateSource, EventKind, NomineeVerdict,
    State, Step,
};
use time::{Date, OffsetDateTime};

use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNominee {
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub award_code: String,
    pub summary: String,
    /// The folded summary: the same achievement written twice is found by it.
    pub summary_key: String,
    /// The engine's verdict carried from the proposing unit's round (`None`: computed at
    /// appraisal).
    pub verdict: Option<NomineeVerdict>,
    pub verdict_json: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDossier {
    pub title: String,
    pub unit_id: i64,
    pub authority_id: i64,
    pub kind: CommendationType,
    pub year: i32,
    /// The movement the dossier comes from (its award records carry it on).
    pub movement_id: Option<i64>,
    pub cluster_proposal_id: Option<i64>,
    pub created_by: Option<i64>,
    pub today: Date,
    pub nominees: Vec<NewNominee>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NomineeRow {
    pub id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// The person's or the collective's name.
    pub name: String,
    /// The unit a person belongs to (or the collective's parent), by name.
    pub detail: String,
    pub award_code: String,
    pub summary: String,
    pub summary_key: String,
    pub verdict: Option<NomineeVerdict>,
    pub verdict_json: Option<String>,
    /// `dat` or `khong_dat` once appraised.
    pub result: Option<AppraisalResult>,
    pub override_reason: Option<String>,
    pub council_passed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct DossierRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub authority_id: i64,
    pub authority_name: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub kind: CommendationType,
    pub year: i32,
    pub movement_id: Option<i64>,
    pub movement_name: Option<String>,
    pub cluster_proposal_id: Option<i64>,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub state: State,
    pub state_since: Date,
    pub due_on: Option<Date>,
    pub consultation_until: Option<Date>,
    pub version: i64,
    pub created_at: OffsetDateTime,
    /// Live nominees (not removed), in order.
    #[cfg_attr(feature = "sqlx", sqlx(skip))]
    pub nominees: Vec<NomineeRow>,
}

/// Which dossiers a list shows; every given condition must hold.
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    /// Proposing unit inside one of these subtrees.
    pub unit_roots: Option<Vec<i64>>,
    /// Authority inside one of these subtrees.
    pub authority_roots: Option<Vec<i64>>,
    pub states: Option<Vec<State>>,
    /// Due before this day (overdue).
    pub due_before: Option<Date>,
    /// Open for public comment on this day.
    pub consultation_on: Option<Date>,
    pub ids: Option<Vec<i64>>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierSummary {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub authority_id: i64,
    pub kind: CommendationType,
    pub year: i32,
    pub state: State,
    pub state_since: Date,
    pub due_on: Option<Date>,
    pub consultation_until: Option<Date>,
    pub nominees: i64,
    pub version: i64,
}

/// One step of the workflow as the store applies it: only if the dossier is still at
/// `expected_version` (optimistic concurrency) and in `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierMove {
    pub expected_version: i64,
    pub from: State,
    pub to: State,
    pub step: Step,
    pub reason: Option<String>,
    pub today: Date,
    pub due_on: Option<Date>,
    pub consultation_until: Option<Date>,
    /// Revocation: the awards the dossier's decision wrote are marked revoked.
    pub revoke_awards: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    pub at: OffsetDateTime,
    pub actor: String,
    pub kind: EventKind,
    pub step: Option<Step>,
    pub from_state: Option<State>,
    pub to_state: Option<State>,
    pub note: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appraisal {
    /// Recording a result moves the dossier's version like a step does.
    pub expected_version: i64,
    pub nominee_id: i64,
    pub verdict: NomineeVerdict,
    pub verdict_json: String,
    pub result: AppraisalResult,
    pub override_reason: Option<String>,
    pub by: Option<i64>,
}

/// Where else the same nominee, award and year (or the same achievement) appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateRow {
    pub nominee_id: i64,
    pub source: DuplicateSource,
    pub dossier_code: Option<String>,
    pub award_code: String,
    pub reason: DuplicateReason,
}

#[async_trait]
pub trait DossierStore: Send + Sync {
    /// Creates a draft dossier with its nominees; its code is `HS-{year}-{id}`.
    async fn create_dossier(&self, actor: &Actor, new: NewDossier) -> StoreResult<DossierRow>;
    async fn dossier(&self, id: i64) -> StoreResult<DossierRow>;
    async fn list_dossiers(&self, filter: &DossierFilter) -> StoreResult<Vec<DossierSummary>>;
    /// Replaces the nominee list if the dossier is still at `expected_version`; the old entries
    /// stay, marked removed.
    async fn replace_nominees(
        &self,
        actor: &Actor,
        dossier_id: i64,
        expected_version: i64,
        nominees: &[NewNominee],
    ) -> StoreResult<DossierRow>;
    /// Applies one workflow step if the dossier is still at the expected version and state;
    /// otherwise a conflict naming the current state.
    async fn move_dossier(
        &self,
        actor: &Actor,
        dossier_id: i64,
        mv: DossierMove,
    ) -> StoreResult<DossierRow>;
    async fn dossier_events(&self, dossier_id: i64) -> StoreResult<Vec<EventRow>>;
    /// Records the specialist's appraisal of one nominee (dossier under appraisal only).
    async fn appraise(
        &self,
        actor: &Actor,
        dossier_id: i64,
        appraisal: &Appraisal,
    ) -> StoreResult<DossierRow>;
    /// The same nominee proposed for the same award and year elsewhere (dossiers not withdrawn
    /// or rejected, or the register), and the same achievement text twice.
    async fn nominee_duplicates(&self, dossier_id: i64) -> StoreResult<Vec<DuplicateRow>>;
}
