//! Decisions with their number sequence, and certificate layouts.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDecisionAward {
    /// The dossier nominee granted, or the round candidate (a unit's own decision).
    pub nominee_id: Option<i64>,
    pub candidate_id: Option<i64>,
    /// The dossier the awardee came in (a decision may cover many).
    pub dossier_id: Option<i64>,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub subject_name: String,
    pub name_key: String,
    pub code: String,
    pub amount: i64,
    /// Random public key of the certificate's QR code.
    pub cert_key: String,
    /// An emulation title: also recorded among the person's (or the unit's) titles of this
    /// year, so that the eligibility engine counts it.
    pub title_year: Option<i32>,
}

/// A dossier a decision covers, at the version the caller saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionDossier {
    pub id: i64,
    pub expected_version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDecision {
    /// Every dossier it decides (each moves to "decision issued"); none for a unit's own
    /// decision of the year-end round.
    pub dossiers: Vec<DecisionDossier>,
    /// The round's unit whose own decision this is.
    pub round_unit_id: Option<i64>,
    /// The one title a round decision grants.
    pub award_code: Option<String>,
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
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct DecisionRow {
    pub id: i64,
    pub authority_id: i64,
    /// The first dossier it covers (none for a round decision); all are in `decision_dossiers`.
    pub dossier_id: Option<i64>,
    pub round_unit_id: Option<i64>,
    pub award_code: Option<String>,
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

#[async_trait]
pub trait DecisionStore: Send + Sync {
    /// Numbers the decision (per authority and year), stores it, writes one award record per
    /// awardee (and the year's title), moves every dossier to "decision issued" or marks the
    /// round's candidates decided, in one transaction.
    async fn issue_decision(&self, actor: &Actor, new: NewDecision) -> StoreResult<DecisionRow>;
    /// The decision covering a dossier.
    async fn decision_of(&self, dossier_id: i64) -> StoreResult<Option<DecisionRow>>;
    async fn decision(&self, id: i64) -> StoreResult<DecisionRow>;
    /// The dossiers a decision covers, in order.
    async fn decision_dossiers(&self, decision_id: i64) -> StoreResult<Vec<i64>>;
    /// The layout stored for this unit or its nearest ancestor that has one.
    async fn certificate_template(
        &self,
        unit_id: i64,
        award_code: &str,
    ) -> StoreResult<Option<String>>;
    async fn put_certificate_template(
        &self,
        actor: &Actor,
        unit_id: i64,
        award_code: &str,
        json: &str,
    ) -> StoreResult<()>;
}
