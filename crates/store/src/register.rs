//! The register of awards: search.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::*;

/// One line of the register: an award with its decision, as searched and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct RegisterRow {
    pub id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub subject_name: String,
    /// The person's unit or the collective itself, by name.
    pub unit_name: String,
    pub code: String,
    #[cfg_attr(feature = "sqlx", sqlx(rename = "award_date"))]
    pub date: Date,
    pub decision: Option<String>,
    pub amount: Option<i64>,
    pub cert_key: Option<String>,
    pub revoked_on: Option<Date>,
    pub revoked_reason: Option<String>,
    pub dossier_id: Option<i64>,
    /// The movement the award was given under.
    pub movement_id: Option<i64>,
    pub movement_name: Option<String>,
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

#[async_trait]
pub trait RegisterStore: Send + Sync {
    async fn search_register(&self, filter: &RegisterFilter) -> StoreResult<Vec<RegisterRow>>;
}
