//! The hash-chained audit log.

use async_trait::async_trait;
use tdkt_domain::audit::AuditEntry;

use crate::*;

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Entries with `seq > after`, in order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEntry>>;
    /// The recorded head of the chain: last seq and its hash.
    async fn audit_head(&self) -> StoreResult<(i64, String)>;
}
