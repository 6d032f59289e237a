//! A small migrator over migrations embedded in the binary: each is applied once, in order,
//! inside a transaction, and its checksum is kept so an edited migration is refused.

use sha2::{Digest, Sha256};
use sqlx::{Executor, Pool};
use tdkt_store::{StoreError, StoreResult};

use super::{Db, db_err, get};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Applies what is missing; returns how many were applied.
pub async fn run(pool: &Pool<Db>, migrations: &[Migration]) -> StoreResult<usize> {
    pool.execute(sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    ))
    .await
    .map_err(db_err)?;
    let mut applied = 0;
    for m in migrations {
        let checksum = hex::encode(Sha256::digest(m.sql.as_bytes()));
        let mut tx = <super::Backend as super::Dialect>::begin_migration(pool)
            .await
            .map_err(db_err)?;
        let done = sqlx::query("SELECT checksum FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if let Some(row) = done {
            let stored: String = get(&row, "checksum")?;
            if stored != checksum {
                return Err(StoreError::Db(format!(
                    "migration {} ({}) đã được áp dụng nhưng nội dung đã bị thay đổi",
                    m.version, m.name
                )));
            }
            continue;
        }
        (&mut *tx)
            .execute(sqlx::raw_sql(m.sql))
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(&checksum)
            .bind(super::now().to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        applied += 1;
    }
    Ok(applied)
}
