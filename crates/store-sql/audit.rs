//! Appending to and reading the audit chain.

use serde::Serialize;
use tdkt_domain::audit::{AuditEntry, chain_hash};
use tdkt_store::{Actor, StoreResult};
use time::format_description::well_known::Rfc3339;

use async_trait::async_trait;
use tdkt_store::AuditStore;

use super::{Backend, Dialect, Tx, db_err, get, now};

/// What an audit entry records about one write; `before`/`after` are JSON made by `json`.
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub(crate) fn json<T: Serialize>(v: &T) -> Option<String> {
    Some(serde_json::to_string(v).expect("row types serialise"))
}

/// Appends one entry chained to the head, inside the write transaction. The head row is
/// already locked by the transaction (SQLite: BEGIN IMMEDIATE; Postgres: FOR UPDATE at begin),
/// so appends are serial.
pub(crate) async fn append(tx: &mut Tx, actor: &Actor, c: Change<'_>) -> StoreResult<()> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
    let prev_seq: i64 = get(&row, "seq")?;
    let prev_hash: String = get(&row, "hash")?;
    let seq = prev_seq + 1;
    let at = now().format(&Rfc3339).expect("RFC 3339 formats");
    let (before, after) = (c.before, c.after);
    let hash = chain_hash(
        &prev_hash,
        seq,
        &at,
        &actor.label,
        c.action,
        c.entity,
        &c.entity_id,
        before.as_deref(),
        after.as_deref(),
    );
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(seq)
    .bind(&at)
    .bind(&actor.label)
    .bind(c.action)
    .bind(c.entity)
    .bind(&c.entity_id)
    .bind(&before)
    .bind(&after)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

#[async_trait]
impl AuditStore for Backend {
    async fn audit_entries(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: get(r, "seq")?,
                    at: get(r, "at")?,
                    actor: get(r, "actor")?,
                    action: get(r, "action")?,
                    entity: get(r, "entity")?,
                    entity_id: get(r, "entity_id")?,
                    before: get(r, "before")?,
                    after: get(r, "after")?,
                    prev_hash: get(r, "prev_hash")?,
                    hash: get(r, "hash")?,
                })
            })
            .collect()
    }

    async fn audit_head(&self) -> StoreResult<(i64, String)> {
        let pool = self.reader();
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(pool)
            .await
            .map_err(db_err)?;
        Ok((get(&row, "seq")?, get(&row, "hash")?))
    }
}
