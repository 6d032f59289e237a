//! People as master records: identity, positions, yearly task ratings.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tdkt_domain::person::{Birth, Gender, TaskRating};
use time::Date;

use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: i64,
    pub full_name: String,
    pub gender: Gender,
    pub birth: Option<Birth>,
    pub cccd: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub position: Option<String>,
    pub illustrative: bool,
}

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub full_name: String,
    pub gender: Gender,
    pub birth: Option<Birth>,
    pub cccd: Option<String>,
    pub unit_id: i64,
    pub position: Option<String>,
    pub position_since: Date,
    pub illustrative: bool,
    /// Yearly ratings written in the same transaction.
    pub ratings: Vec<RatingRow>,
}

#[derive(Debug, Clone)]
pub struct PersonChanges {
    pub full_name: String,
    pub gender: Gender,
    pub birth: Option<Birth>,
    pub cccd: Option<String>,
    pub unit_id: i64,
    pub position: Option<String>,
    pub position_since: Date,
    /// Yearly ratings to insert or replace in the same transaction.
    pub ratings: Vec<RatingRow>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Folded name search; every word must match.
    pub q: Option<String>,
    /// Only people whose current unit is in this unit's subtree.
    pub under_unit: Option<i64>,
    /// Only people under one of these units (the caller's reach); `None` = everywhere.
    pub scope: Option<Vec<i64>>,
    pub paging: Paging,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PositionRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub position: Option<String>,
    pub start_date: Date,
    pub end_date: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRow {
    pub year: i32,
    pub rating: TaskRating,
}

#[async_trait]
pub trait PersonStore: Send + Sync {
    async fn create_person(&self, actor: &Actor, new: NewPerson) -> StoreResult<PersonRow>;
    /// Changes a person; a change of unit or position closes the current position record the
    /// day before `changes.position_since` and opens a new one.
    async fn update_person(
        &self,
        actor: &Actor,
        id: i64,
        changes: PersonChanges,
    ) -> StoreResult<PersonRow>;
    async fn person(&self, id: i64) -> StoreResult<PersonRow>;
    async fn search_people(&self, filter: &PersonFilter) -> StoreResult<Page<PersonRow>>;
    async fn person_positions(&self, person_id: i64) -> StoreResult<Vec<PositionRow>>;
    /// Inserts or replaces the given years' ratings.
    async fn put_ratings(
        &self,
        actor: &Actor,
        person_id: i64,
        ratings: &[RatingRow],
    ) -> StoreResult<Vec<RatingRow>>;
    async fn person_ratings(&self, person_id: i64) -> StoreResult<Vec<RatingRow>>;
}
