//! Rows of the history the eligibility engine reads: titles, awards received, initiatives.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tdkt_domain::eligibility::AwardKind;

use crate::{Actor, StoreResult};
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct TitleRow {
    pub year: i32,
    pub code: String,
    pub decision: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAwardRecord {
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub code: String,
    pub date: Date,
    pub decision: Option<String>,
    pub note: Option<String>,
    /// Initiatives (codes) this award used; they will not count again.
    pub uses: Option<InitiativeUse>,
}

/// Initiatives an award or title used: marked used in the same transaction, refused when
/// another award already used one of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeUse {
    pub codes: Vec<String>,
    /// What used them, in words (e.g. "Chiến sĩ thi đua cơ sở năm 2025").
    pub label: String,
    pub on: Date,
}

/// One import: ratings and titles of many people, written in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HistoryBatch {
    pub ratings: Vec<(i64, Vec<crate::RatingRow>)>,
    pub titles: Vec<(i64, Vec<TitleRow>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct AwardRecordRow {
    pub id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub code: String,
    #[cfg_attr(feature = "sqlx", sqlx(rename = "award_date"))]
    pub date: Date,
    pub decision: Option<String>,
    pub note: Option<String>,
    /// A revoked award stays in the register but counts for nothing.
    pub revoked_on: Option<Date>,
    /// The movement the award was given under (from its dossier).
    pub movement_id: Option<i64>,
    pub movement_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInitiative {
    pub code: String,
    pub title: String,
    pub unit_id: i64,
    pub field: Option<String>,
    pub submitted_on: Date,
    pub authors: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub unit_id: i64,
    pub field: Option<String>,
    pub submitted_on: Date,
    /// `co_so`, `tinh`, `toan_quoc` once recognised.
    pub scope: Option<String>,
    pub recognized_on: Option<Date>,
    pub effect: Option<String>,
    pub used_by: Option<String>,
    pub used_on: Option<Date>,
    pub authors: Vec<crate::UnitRef>,
}

/// A collective's members in one year: the people who held a position in its subtree at some
/// time that year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MemberStats {
    pub total: i64,
    pub ratings: Vec<(String, i64)>,
    pub titles: Vec<(String, i64)>,
}

/// A collective's yearly rating and its members' discipline count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRatingRow {
    pub year: i32,
    pub rating: tdkt_domain::person::TaskRating,
    pub disciplined: Option<i32>,
}

/// An award kind added locally by an authority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalAwardKind {
    pub code: String,
    pub name: String,
    #[serde(deserialize_with = "tdkt_domain::codes::vietnamese")]
    pub kind: AwardKind,
    /// `ca_nhan`, `tap_the`, `ho_gia_dinh` (`AwardSubject`).
    pub subjects: Vec<String>,
    /// `AwardLevel`.
    pub level: String,
    pub granted_by: String,
    pub bonus: f64,
    /// The authority that defined it.
    pub unit_id: i64,
}

#[async_trait]
pub trait HistoryStore: Send + Sync {
    /// Inserts or replaces the given years' titles of a person; `uses` marks the initiatives
    /// the titles used, in the same transaction.
    async fn put_person_titles(
        &self,
        actor: &Actor,
        person_id: i64,
        titles: &[TitleRow],
        uses: &[InitiativeUse],
    ) -> StoreResult<Vec<TitleRow>>;
    /// Removes one title; initiatives it used (by `label`) are released.
    async fn delete_person_title(
        &self,
        actor: &Actor,
        person_id: i64,
        year: i32,
        code: &str,
        label: &str,
    ) -> StoreResult<Vec<TitleRow>>;
    /// Ratings and titles of many people in one transaction: all or nothing.
    async fn import_history(&self, actor: &Actor, batch: &HistoryBatch) -> StoreResult<()>;
    async fn person_titles(&self, person_id: i64) -> StoreResult<Vec<TitleRow>>;
    async fn create_award_record(
        &self,
        actor: &Actor,
        new: NewAwardRecord,
    ) -> StoreResult<AwardRecordRow>;
    async fn person_award_records(&self, person_id: i64) -> StoreResult<Vec<AwardRecordRow>>;
    async fn unit_award_records(&self, unit_id: i64) -> StoreResult<Vec<AwardRecordRow>>;
    async fn create_initiative(
        &self,
        actor: &Actor,
        new: NewInitiative,
    ) -> StoreResult<InitiativeRow>;
    /// The council's review: recognised scope, date and effect.
    async fn review_initiative(
        &self,
        actor: &Actor,
        id: i64,
        scope: &str,
        recognized_on: Date,
        effect: Option<String>,
    ) -> StoreResult<InitiativeRow>;
    async fn initiative(&self, id: i64) -> StoreResult<InitiativeRow>;
    async fn person_initiatives(&self, person_id: i64) -> StoreResult<Vec<InitiativeRow>>;
    /// Initiatives of a unit's subtree, newest first.
    async fn unit_initiatives(&self, unit_id: i64) -> StoreResult<Vec<InitiativeRow>>;
    async fn create_local_award_kind(
        &self,
        actor: &Actor,
        kind: LocalAwardKind,
    ) -> StoreResult<LocalAwardKind>;
    async fn local_award_kinds(&self) -> StoreResult<Vec<LocalAwardKind>>;
    /// Inserts or replaces a collective's yearly ratings.
    async fn put_unit_ratings(
        &self,
        actor: &Actor,
        unit_id: i64,
        ratings: &[UnitRatingRow],
    ) -> StoreResult<Vec<UnitRatingRow>>;
    async fn unit_ratings(&self, unit_id: i64) -> StoreResult<Vec<UnitRatingRow>>;
    /// Members of a unit's subtree in a year: count, by rating, by title.
    async fn member_stats(&self, unit_id: i64, year: i32) -> StoreResult<MemberStats>;
}
