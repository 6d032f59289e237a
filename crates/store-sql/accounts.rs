//! Accounts, role grants, sessions and API tokens. Password and token hashes are made by the
//! caller; the store never sees a secret in clear.

use async_trait::async_trait;
use serde_json::json as js;
use sqlx::FromRow;
use tdkt_domain::access::{Grant, Role};
use tdkt_store::*;
use time::OffsetDateTime;

use super::audit::{Change, append, json};
use super::{Backend, DbRow, Dialect, Tx, begin, code, commit, db_err, get, now};

const USER_COLUMNS: &str =
    "id, username, display_name, password_hash, active, failed_logins, locked_until";

fn user_from_row(r: &DbRow) -> StoreResult<UserRow> {
    UserRow::from_row(r).map_err(db_err)
}

async fn user_tx(tx: &mut Tx, id: i64) -> StoreResult<UserRow> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("tài khoản"))?;
    user_from_row(&row)
}

#[async_trait]
impl AccountStore for Backend {
    async fn create_user(&self, actor: &Actor, new: NewUser) -> StoreResult<UserRow> {
        let mut tx = begin(self).await?;
        let row = sqlx::query(
            "INSERT INTO users (username, display_name, password_hash, active, failed_logins, created_at)
             VALUES ($1, $2, $3, TRUE, 0, $4) RETURNING id",
        )
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(&new.password_hash)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let id: i64 = get(&row, "id")?;
        for (role, unit) in &new.grants {
            sqlx::query("INSERT INTO role_grants (user_id, role, unit_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(role.code())
                .bind(*unit)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        let user = user_tx(&mut tx, id).await?;
        let grants: Vec<Grant> = new
            .grants
            .iter()
            .map(|(role, unit_id)| Grant {
                role: *role,
                unit_id: *unit_id,
            })
            .collect();
        append(
            &mut tx,
            actor,
            Change {
                action: "user.create",
                entity: "user",
                entity_id: id.to_string(),
                before: None,
                after: json(&js!({"user": &user, "grants": grants})),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(user)
    }

    async fn user(&self, id: i64) -> StoreResult<UserRow> {
        let pool = self.reader();
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("tài khoản"))?;
        user_from_row(&row)
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRow>> {
        let pool = self.reader();
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn list_users(&self) -> StoreResult<Vec<UserRow>> {
        let pool = self.reader();
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn users_with_role(&self, role: Role, unit_id: i64) -> StoreResult<Vec<UserRow>> {
        let pool = self.reader();
        let cols = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {cols} FROM users u JOIN role_grants g ON g.user_id = u.id
             WHERE g.role = $1 AND g.unit_id = $2 AND u.active = $3 ORDER BY u.display_name, u.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(role.code())
            .bind(unit_id)
            .bind(true)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn user_grants(&self, user_id: i64) -> StoreResult<Vec<Grant>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT role, unit_id FROM role_grants WHERE user_id = $1 ORDER BY role, unit_id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(Grant {
                    role: code(r, "role")?,
                    unit_id: get(r, "unit_id")?,
                })
            })
            .collect()
    }

    async fn set_password(&self, actor: &Actor, user_id: i64, hash: &str) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        user_tx(&mut tx, user_id).await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2",
        )
        .bind(hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        // Other sessions end with a password change.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        append(
            &mut tx,
            actor,
            Change {
                action: "user.password",
                entity: "user",
                entity_id: user_id.to_string(),
                before: None,
                after: None,
            },
        )
        .await?;
        commit(tx).await
    }

    async fn record_login_failure(
        &self,
        user_id: i64,
        lock_until: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        let user = user_tx(&mut tx, user_id).await?;
        let failed = if lock_until.is_some() {
            0
        } else {
            user.failed_logins + 1
        };
        sqlx::query("UPDATE users SET failed_logins = $1, locked_until = COALESCE($2, locked_until) WHERE id = $3")
            .bind(failed)
            .bind(lock_until)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        append(
            &mut tx,
            &Actor::user(user_id, &user.username),
            Change {
                action: if lock_until.is_some() {
                    "auth.lock"
                } else {
                    "auth.login_failed"
                },
                entity: "user",
                entity_id: user_id.to_string(),
                before: None,
                after: json(
                    &js!({"failed_logins": user.failed_logins + 1, "locked_until": lock_until}),
                ),
            },
        )
        .await?;
        commit(tx).await
    }

    async fn open_session(&self, user_id: i64, new: NewSession) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        let user = user_tx(&mut tx, user_id).await?;
        let t = now();
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        // Expired sessions are swept on each login rather than by a timer.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(t)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&new.token_hash)
            .bind(user_id)
            .bind(&new.csrf_token)
            .bind(t)
            .bind(new.expires_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        append(
            &mut tx,
            &Actor::user(user_id, &user.username),
            Change {
                action: "auth.login",
                entity: "user",
                entity_id: user_id.to_string(),
                before: None,
                after: None,
            },
        )
        .await?;
        commit(tx).await
    }

    async fn session(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> StoreResult<Option<SessionRow>> {
        let pool = self.reader();
        let row = sqlx::query(
            "SELECT s.user_id, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active",
        )
        .bind(token_hash)
        .bind(at)
        .fetch_optional(pool)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(SessionRow {
                user_id: get(&r, "user_id")?,
                csrf_token: get(&r, "csrf_token")?,
                expires_at: get(&r, "expires_at")?,
            })
        })
        .transpose()
    }

    async fn close_session(&self, actor: &Actor, token_hash: &str) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        let deleted = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        if deleted.rows_affected() > 0 {
            append(
                &mut tx,
                actor,
                Change {
                    action: "auth.logout",
                    entity: "user",
                    entity_id: actor.user_id.map(|i| i.to_string()).unwrap_or_default(),
                    before: None,
                    after: None,
                },
            )
            .await?;
        }
        commit(tx).await
    }

    async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: i64,
        name: &str,
        hash: &str,
    ) -> StoreResult<ApiTokenRow> {
        let mut tx = begin(self).await?;
        user_tx(&mut tx, user_id).await?;
        let sql = format!(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING {TOKEN_COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(name)
            .bind(hash)
            .bind(now())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let token = token_from_row(&row)?;
        append(
            &mut tx,
            actor,
            Change {
                action: "api_token.create",
                entity: "api_token",
                entity_id: token.id.to_string(),
                before: None,
                after: json(&token),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(token)
    }

    async fn api_token_user(&self, hash: &str) -> StoreResult<Option<i64>> {
        let b = self;
        let row = sqlx::query(
            "SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active",
        )
        .bind(hash)
        .fetch_optional(b.reader())
        .await
        .map_err(db_err)?;
        let Some(row) = row else { return Ok(None) };
        let (id, user_id): (i64, i64) = (get(&row, "id")?, get(&row, "user_id")?);
        let last: Option<OffsetDateTime> = get(&row, "last_used_at")?;
        let t = now();
        // Last use is bookkeeping, not an audited change, and is written at most once a minute
        // so that API reads do not queue behind writes.
        if last.is_none_or(|l| t - l > time::Duration::minutes(1)) {
            let mut tx = begin(self).await?;
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(t)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            commit(tx).await?;
        }
        Ok(Some(user_id))
    }

    async fn list_api_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiTokenRow>> {
        let pool = self.reader();
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_api_token(
        &self,
        actor: &Actor,
        user_id: i64,
        token_id: i64,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(now())
            .bind(token_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("mã truy cập"));
        }
        append(
            &mut tx,
            actor,
            Change {
                action: "api_token.revoke",
                entity: "api_token",
                entity_id: token_id.to_string(),
                before: None,
                after: None,
            },
        )
        .await?;
        commit(tx).await
    }
}

fn token_from_row(r: &DbRow) -> StoreResult<ApiTokenRow> {
    ApiTokenRow::from_row(r).map_err(db_err)
}

const TOKEN_COLUMNS: &str = "id, user_id, name, created_at, last_used_at, revoked_at";
