//! Rows of nomination dossiers: the dossier and its nominees, documents and their versions, the
//! timeline, public comments, the council's vote, decisions and the register.

use serde::{Deserialize, Serialize};
use tdkt_domain::dossier::{CommendationType, State, Step};
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNominee {
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub award_code: String,
    pub summary: String,
    /// The folded summary: the same achievement written twice is found by it.
    pub summary_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDossier {
    pub title: String,
    pub unit_id: i64,
    pub authority_id: i64,
    pub kind: CommendationType,
    pub year: i32,
    pub movement: Option<String>,
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
    pub verdict: Option<String>,
    pub verdict_json: Option<String>,
    /// `dat` or `khong_dat` once appraised.
    pub result: Option<String>,
    pub override_reason: Option<String>,
    pub council_passed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub authority_id: i64,
    pub authority_name: String,
    pub kind: CommendationType,
    pub year: i32,
    pub movement: Option<String>,
    pub cluster_proposal_id: Option<i64>,
    pub state: State,
    pub state_since: Date,
    pub due_on: Option<Date>,
    pub consultation_until: Option<Date>,
    pub version: i64,
    pub created_at: OffsetDateTime,
    /// Live nominees (not removed), in order.
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
pub struct NewDocument {
    /// A new version of this document, or a new document when `None`.
    pub document_id: Option<i64>,
    pub slot: String,
    pub title: String,
    pub filename: String,
    pub mime: String,
    pub sha256: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub uploaded_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentVersionRow {
    pub version: i32,
    pub sha256: String,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    /// The dossier's state when it was uploaded.
    pub state: State,
    pub uploaded_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRow {
    pub id: i64,
    pub slot: String,
    pub title: String,
    /// Oldest first; the last is current.
    pub versions: Vec<DocumentVersionRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    pub at: OffsetDateTime,
    pub actor: String,
    /// `tao`, `chuyen_buoc`, `tai_lieu`, `ho_so`, `tham_dinh`, `y_kien`, `hoi_dong`, `quyet_dinh`.
    pub kind: String,
    pub step: Option<String>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub note: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appraisal {
    /// Recording a result moves the dossier's version like a step does.
    pub expected_version: i64,
    pub nominee_id: i64,
    pub verdict: String,
    pub verdict_json: String,
    /// `dat` or `khong_dat`.
    pub result: String,
    pub override_reason: Option<String>,
    pub by: Option<i64>,
}

/// Where else the same nominee, award and year (or the same achievement) appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateRow {
    pub nominee_id: i64,
    /// `ho_so` (another dossier) or `so_khen_thuong` (already in the register).
    pub source: String,
    pub dossier_code: Option<String>,
    pub award_code: String,
    /// `cung_khen_thuong` (same award and year) or `cung_thanh_tich` (same achievement text).
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewComment {
    pub author: String,
    pub contact: Option<String>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRow {
    pub id: i64,
    pub dossier_id: i64,
    pub author: String,
    pub contact: Option<String>,
    pub body: String,
    pub at: OffsetDateTime,
    /// `cho_duyet`, `da_duyet` (shown publicly and attached), `an` (hidden).
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilBallotRow {
    pub id: i64,
    pub dossier_id: i64,
    /// `mo` (open) or `dong` (closed).
    pub status: String,
    pub rules_json: String,
    pub rule_hash: String,
    pub result_json: Option<String>,
    pub opened_at: OffsetDateTime,
    pub closed_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDecisionAward {
    pub nominee_id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub subject_name: String,
    pub name_key: String,
    pub code: String,
    pub amount: i64,
    /// Random public key of the certificate's QR code.
    pub cert_key: String,
    /// An emulation title of a person: also recorded among the person's titles of this year,
    /// so that the eligibility engine counts it.
    pub title_year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDecision {
    pub dossier_id: i64,
    pub expected_version: i64,
    pub authority_id: i64,
    pub year: i32,
    /// e.g. `QĐ-UBND`: the number is `{seq}/{symbol}`.
    pub symbol: String,
    pub signed_on: Date,
    pub signer_name: String,
    pub signer_title: String,
    /// Everything the printed decision shows (documents' DecisionDoc), without the number.
    pub doc_json: String,
    pub base_salary: i64,
    pub total: i64,
    pub awards: Vec<NewDecisionAward>,
    pub due_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRow {
    pub id: i64,
    pub authority_id: i64,
    pub dossier_id: i64,
    pub year: i32,
    pub seq: i32,
    pub number: String,
    pub signed_on: Date,
    pub signer_name: String,
    pub signer_title: String,
    pub doc_json: String,
    pub base_salary: i64,
    pub total: i64,
}

/// One line of the register: an award with its decision, as searched and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    pub id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub subject_name: String,
    /// The person's unit or the collective itself, by name.
    pub unit_name: String,
    pub code: String,
    pub date: Date,
    pub decision: Option<String>,
    pub amount: Option<i64>,
    pub cert_key: Option<String>,
    pub revoked_on: Option<Date>,
    pub revoked_reason: Option<String>,
    pub dossier_id: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct RegisterFilter {
    /// Folded name fragment.
    pub name_key: Option<String>,
    pub code: Option<String>,
    pub year: Option<i32>,
    /// The person's unit or the collective inside this subtree.
    pub unit_root: Option<i64>,
    /// Only what these subtrees may read (None: everything).
    pub scope_roots: Option<Vec<i64>>,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub cert_key: Option<String>,
    pub decision_id: Option<i64>,
    pub limit: i64,
}
