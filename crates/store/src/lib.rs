//! The storage boundary of tdkt: one coarse method per use-case need. Every write method
//! runs in one transaction that also appends the audit entry, so a write and its audit record
//! land together or not at all. Backends: `tdkt-store-sqlite`, `tdkt-store-postgres`.

mod accounts;
mod audit;
mod clusters;
mod comments;
mod conference;
mod council;
mod decisions;
mod documents;
mod dossiers;
mod history;
mod movements;
mod page;
mod people;
mod register;
mod rounds;
mod units;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use accounts::*;
pub use audit::*;
pub use clusters::*;
pub use comments::*;
pub use conference::*;
pub use council::*;
pub use decisions::*;
pub use documents::*;
pub use dossiers::*;
pub use history::*;
pub use movements::*;
pub use page::*;
pub use people::*;
pub use register::*;
pub use rounds::*;
pub use units::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("không tìm thấy {0}")]
    NotFound(&'static str),
    /// A uniqueness or concurrency conflict, said in Vietnamese.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Invalid(#[from] tdkt_domain::Invalid),
    /// Anything else from the database. Logged, never shown to users.
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Db(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Who did it, as written into the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// e.g. `user:3:admin` or `system:demo`.
    pub label: String,
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Self {
            user_id: None,
            label: format!("system:{what}"),
        }
    }

    pub fn user(id: i64, username: &str) -> Self {
        Self {
            user_id: Some(id),
            label: format!("user:{id}:{username}"),
        }
    }
}

/// Everything a use case may ask of storage: one trait per area, each implemented by a backend
/// in its `store-sql/<area>.rs`. Callers hold an `Arc<dyn Store>`.
pub trait Store:
    UnitStore
    + PersonStore
    + AccountStore
    + ClusterStore
    + ConferenceStore
    + HistoryStore
    + DossierStore
    + DocumentStore
    + CommentStore
    + CouncilStore
    + DecisionStore
    + RegisterStore
    + AuditStore
    + MovementStore
    + RoundStore
{
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
}
