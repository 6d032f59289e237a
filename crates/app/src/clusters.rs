//! Reading clusters and blocks (the conference workflow comes with the emulation module).

use tdkt_domain::access::{Action, unscoped};
use tdkt_store::ClusterRow;

use crate::{App, AppError, AppResult, Principal};

impl App {
    /// Cluster membership is organisational, like the unit tree: readable by whoever may read
    /// units everywhere.
    pub async fn clusters(&self, p: &Principal) -> AppResult<Vec<ClusterRow>> {
        if !unscoped(&p.grants, Action::UnitRead) {
            return Err(AppError::forbidden());
        }
        Ok(self.store.list_clusters().await?)
    }

    pub async fn cluster(&self, p: &Principal, id: i64) -> AppResult<ClusterRow> {
        if !unscoped(&p.grants, Action::UnitRead) {
            return Err(AppError::forbidden());
        }
        Ok(self.store.cluster(id).await?)
    }
}
