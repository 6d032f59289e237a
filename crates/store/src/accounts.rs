//! Accounts, role grants, sessions and API tokens.

use async_trait::async_trait;
use serde::Serialize;
use tdkt_domain::access::{Grant, Role};
use time::OffsetDateTime;

use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
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
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct ApiTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, actor: &Actor, new: NewUser) -> StoreResult<UserRow>;
    async fn user(&self, id: i64) -> StoreResult<UserRow>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRow>>;
    async fn list_users(&self) -> StoreResult<Vec<UserRow>>;
    async fn user_grants(&self, user_id: i64) -> StoreResult<Vec<Grant>>;
    /// Active users holding `role` granted exactly on `unit_id` (e.g. a council's members).
    async fn users_with_role(
        &self,
        role: tdkt_domain::access::Role,
        unit_id: i64,
    ) -> StoreResult<Vec<UserRow>>;
    async fn set_password(
        &self,
        actor: &Actor,
        user_id: i64,
        password_hash: &str,
    ) -> StoreResult<()>;
    /// Counts a failed login; when `lock_until` is given the account is locked until then and
    /// the counter restarts. Audited.
    async fn record_login_failure(
        &self,
        user_id: i64,
        lock_until: Option<OffsetDateTime>,
    ) -> StoreResult<()>;
    /// Clears the failure counter and opens a session. Audited.
    async fn open_session(&self, user_id: i64, new: NewSession) -> StoreResult<()>;
    async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<SessionRow>>;
    async fn close_session(&self, actor: &Actor, token_hash: &str) -> StoreResult<()>;
    async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiTokenRow>;
    /// The live (not revoked) token with this hash; marks it used.
    async fn api_token_user(&self, token_hash: &str) -> StoreResult<Option<i64>>;
    async fn list_api_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiTokenRow>>;
    async fn revoke_api_token(&self, actor: &Actor, user_id: i64, token_id: i64)
    -> StoreResult<()>;
}
