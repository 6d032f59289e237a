//! Emulation clusters and blocks, their years, members and rotation.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::*;

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

#[async_trait]
pub trait ClusterStore: Send + Sync {
    async fn create_cluster(&self, actor: &Actor, new: NewCluster) -> StoreResult<ClusterRow>;
    /// All clusters with their years and members, by name.
    async fn list_clusters(&self) -> StoreResult<Vec<ClusterRow>>;
    async fn cluster(&self, id: i64) -> StoreResult<ClusterRow>;
    async fn unit_clusters(&self, unit_id: i64) -> StoreResult<Vec<UnitClusterRow>>;
    async fn cluster_rotation(&self, cluster_id: i64) -> StoreResult<(Vec<i64>, i32)>;
    async fn set_cluster_rotation(
        &self,
        actor: &Actor,
        cluster_id: i64,
        order: &[i64],
        cooldown: i32,
    ) -> StoreResult<()>;
    /// Adds or replaces a year's members and roles.
    async fn put_cluster_year(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: NewClusterYear,
    ) -> StoreResult<()>;
}
