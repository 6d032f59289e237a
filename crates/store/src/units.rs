//! Units as a tree with validity dates, their history and lineage.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tdkt_domain::unit::{LineageKind, UnitKind};
use time::Date;

use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct UnitRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct UnitRow {
    pub id: i64,
    pub code: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub kind: UnitKind,
    pub name: String,
    pub short_name: Option<String>,
    pub parent_id: Option<i64>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub note: Option<String>,
    /// Demo data that completes what the sources do not say.
    pub illustrative: bool,
    pub child_count: i64,
}

impl UnitRow {
    /// Still in force on `day`.
    pub fn active_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| t >= day)
    }
}

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: String,
    pub kind: UnitKind,
    pub name: String,
    pub short_name: Option<String>,
    pub parent_id: Option<i64>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub note: Option<String>,
    pub illustrative: bool,
}

/// The new state of a unit's changeable fields (all given: the use case fills in the
/// unchanged ones).
#[derive(Debug, Clone)]
pub struct UnitChanges {
    pub kind: UnitKind,
    pub name: String,
    pub short_name: Option<String>,
    pub parent_id: Option<i64>,
    pub valid_to: Option<Date>,
    pub note: Option<String>,
    /// When a change of name, kind or parent takes effect.
    pub effective: Date,
}

/// A past state of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct UnitVersionRow {
    pub name: String,
    pub short_name: Option<String>,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub valid_from: Option<Date>,
    pub valid_to: Date,
}

#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    /// Folded search over name, short name and code.
    pub q: Option<String>,
    pub kind: Option<UnitKind>,
    /// Direct children of this unit; `Some(None)` means the roots.
    pub parent: Option<Option<i64>>,
    /// Only units in force on this day.
    pub active_on: Option<Date>,
    pub paging: Paging,
}

#[derive(Debug, Clone)]
pub struct NewLineageEvent {
    pub kind: LineageKind,
    pub date: Date,
    pub from: Vec<i64>,
    pub to: Vec<i64>,
    pub legal_basis: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineageEventRow {
    pub id: i64,
    pub kind: LineageKind,
    pub date: Date,
    pub from: Vec<UnitRef>,
    pub to: Vec<UnitRef>,
    pub legal_basis: Option<String>,
    pub note: Option<String>,
}

#[async_trait]
pub trait UnitStore: Send + Sync {
    async fn create_unit(&self, actor: &Actor, new: NewUnit) -> StoreResult<UnitRow>;
    /// Changes a unit; the old name, kind and parent go to its history, valid until the day
    /// before `changes.effective`.
    async fn update_unit(
        &self,
        actor: &Actor,
        id: i64,
        changes: UnitChanges,
    ) -> StoreResult<UnitRow>;
    async fn unit(&self, id: i64) -> StoreResult<UnitRow>;
    async fn unit_by_code(&self, code: &str) -> StoreResult<UnitRow>;
    /// Ancestors of a unit in the current tree, nearest first.
    async fn unit_ancestors(&self, id: i64) -> StoreResult<Vec<UnitRef>>;
    async fn list_units(&self, filter: &UnitFilter) -> StoreResult<Page<UnitRow>>;
    async fn unit_history(&self, id: i64) -> StoreResult<Vec<UnitVersionRow>>;
    /// Records a lineage event; for merges and splits the units on the `from` side end the
    /// day before `date` unless they already have an end.
    async fn create_lineage_event(
        &self,
        actor: &Actor,
        new: NewLineageEvent,
    ) -> StoreResult<LineageEventRow>;
    /// Events in which the unit stands on either side, oldest first.
    async fn unit_lineage(&self, unit_id: i64) -> StoreResult<Vec<LineageEventRow>>;
}
