//! Dossier documents: files stored once by hash, every version kept.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tdkt_domain::dossier::{DocumentSlot, State};
use time::OffsetDateTime;

use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDocument {
    /// A new version of this document, or a new document when `None`.
    pub document_id: Option<i64>,
    pub slot: DocumentSlot,
    pub title: String,
    pub filename: String,
    pub mime: String,
    pub sha256: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub uploaded_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentVersionRow {
    pub version: i32,
    pub sha256: String,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    /// The dossier's state when it was uploaded.
    pub state: State,
    pub uploaded_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRow {
    pub id: i64,
    pub slot: DocumentSlot,
    pub title: String,
    /// Oldest first; the last is current.
    pub versions: Vec<DocumentVersionRow>,
}

#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// Stores the file once by its hash and adds a version (never replaces one).
    async fn add_document(
        &self,
        actor: &Actor,
        dossier_id: i64,
        doc: NewDocument,
    ) -> StoreResult<DocumentRow>;
    async fn dossier_documents(&self, dossier_id: i64) -> StoreResult<Vec<DocumentRow>>;
    /// A stored file: its type and bytes.
    async fn blob(&self, sha256: &str) -> StoreResult<(String, Vec<u8>)>;
}
