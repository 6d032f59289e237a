//! Public comments on dossiers under consultation, and their moderation.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tdkt_domain::dossier::CommentStatus;
use time::OffsetDateTime;

use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewComment {
    pub author: String,
    pub contact: Option<String>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct CommentRow {
    pub id: i64,
    pub dossier_id: i64,
    pub author: String,
    pub contact: Option<String>,
    pub body: String,
    pub at: OffsetDateTime,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub status: CommentStatus,
}

#[async_trait]
pub trait CommentStore: Send + Sync {
    async fn add_comment(
        &self,
        actor: &Actor,
        dossier_id: i64,
        comment: NewComment,
    ) -> StoreResult<CommentRow>;
    async fn moderate_comment(
        &self,
        actor: &Actor,
        comment_id: i64,
        status: CommentStatus,
    ) -> StoreResult<CommentRow>;
    async fn dossier_comments(&self, dossier_id: i64) -> StoreResult<Vec<CommentRow>>;
}
