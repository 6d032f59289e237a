//! Decisions with their number sequence, and certificate layouts.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::*;

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
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
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

#[async_trait]
pub trait DecisionStore: Send + Sync {
    /// Numbers the decision (per authority and year), stores it, writes one award record per
    /// awardee and moves the dossier to "decision issued", in one transaction.
    async fn issue_decision(&self, actor: &Actor, new: NewDecision) -> StoreResult<DecisionRow>;
    async fn decision_of(&self, dossier_id: i64) -> StoreResult<Option<DecisionRow>>;
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
