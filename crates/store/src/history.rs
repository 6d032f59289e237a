//! Rows of the history the eligibility engine reads: titles, awards received, initiatives.

use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct AwardRecordRow {
    pub id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub code: String,
    pub date: Date,
    pub decision: Option<String>,
    pub note: Option<String>,
    /// A revoked award stays in the register but counts for nothing.
    pub revoked_on: Option<Date>,
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
    /// `danh_hieu` or `hinh_thuc`.
    pub kind: String,
    /// `ca_nhan`, `tap_the`, `ho_gia_dinh`.
    pub subjects: Vec<String>,
    pub level: String,
    pub granted_by: String,
    pub bonus: f64,
    /// The authority that defined it.
    pub unit_id: i64,
}
