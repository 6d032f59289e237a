//! Row types that cross the store boundary. They serialise to the JSON written into the audit
//! log as `before` and `after`.

use serde::{Deserialize, Serialize};
use tdkt_domain::access::Role;
use tdkt_domain::person::{Birth, Gender, TaskRating};
use tdkt_domain::unit::{LineageKind, UnitKind};
use time::{Date, OffsetDateTime};

/// One page of a list, with the total count for paging.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Paging asked for: 1-based page, 1..=200 per page.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, 200),
        }
    }

    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self::new(None, None)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    pub id: i64,
    pub code: String,
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
pub struct UnitVersionRow {
    pub name: String,
    pub short_name: Option<String>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub grants: Vec<(Role, i64)>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_hash: String,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewCluster {
    pub code: String,
    pub name: String,
    pub kind: tdkt_domain::cluster::ClusterKind,
    pub organiser: String,
    pub organiser_unit_id: Option<i64>,
    /// The council member who supervises the cluster.
    pub supervisor: Option<String>,
    pub source: Option<String>,
    pub note: Option<String>,
    pub years: Vec<NewClusterYear>,
}

#[derive(Debug, Clone)]
pub struct NewClusterYear {
    pub year: i32,
    pub note: Option<String>,
    pub roles_illustrative: bool,
    /// (unit, role, illustrative membership)
    pub members: Vec<(i64, tdkt_domain::cluster::MemberRole, bool)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: tdkt_domain::cluster::ClusterKind,
    pub organiser: String,
    pub organiser_unit_id: Option<i64>,
    pub supervisor: Option<String>,
    pub source: Option<String>,
    pub note: Option<String>,
    pub years: Vec<ClusterYearRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterYearRow {
    pub year: i32,
    pub note: Option<String>,
    pub roles_illustrative: bool,
    pub members: Vec<ClusterMemberRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterMemberRow {
    pub unit: UnitRef,
    pub role: tdkt_domain::cluster::MemberRole,
    pub illustrative: bool,
    /// The unit's end, if it no longer exists (e.g. merged in 2025).
    pub unit_valid_to: Option<Date>,
}

/// A unit's place in a cluster in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitClusterRow {
    pub cluster_id: i64,
    pub cluster_name: String,
    pub year: i32,
    pub role: tdkt_domain::cluster::MemberRole,
}
