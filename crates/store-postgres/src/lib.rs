//! PostgreSQL backend. Writes take the audit head row `FOR UPDATE` first, so write
//! transactions are serial like on SQLite and the audit chain has no forks.

pub mod testing;

use std::time::Duration;

use sqlx::error::DatabaseError;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Pool, QueryBuilder};
use tdkt_store::StoreResult;

pub type Db = sqlx::Postgres;
pub type Backend = PgStore;

#[path = "../../store-sql/mod.rs"]
mod sql;

const MIGRATIONS: &[sql::migrate::Migration] = &[
    sql::migrate::Migration {
        version: 1,
        name: "base",
        sql: include_str!("../migrations/0001_base.sql"),
    },
    sql::migrate::Migration {
        version: 2,
        name: "conference",
        sql: include_str!("../migrations/0002_conference.sql"),
    },
    sql::migrate::Migration {
        version: 3,
        name: "history",
        sql: include_str!("../migrations/0003_history.sql"),
    },
    sql::migrate::Migration {
        version: 4,
        name: "dossiers",
        sql: include_str!("../migrations/0004_dossiers.sql"),
    },
    sql::migrate::Migration {
        version: 5,
        name: "movements",
        sql: include_str!("../migrations/0005_movements.sql"),
    },
    sql::migrate::Migration {
        version: 6,
        name: "rounds",
        sql: include_str!("../migrations/0006_rounds.sql"),
    },
];

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .map_err(sql::db_err)?;
        Ok(Self { pool })
    }

    pub async fn migrate(&self) -> StoreResult<usize> {
        sql::migrate::run(&self.pool, MIGRATIONS).await
    }

    /// The pool, for tests that tamper with rows by raw SQL.
    pub fn raw_pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl sql::Dialect for PgStore {
    const NAME: &'static str = "postgres";

    async fn begin_write(&self) -> Result<sql::Tx, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// Migrations of concurrent starts wait for each other on an advisory lock.
    async fn begin_migration(pool: &Pool<Db>) -> Result<sql::Tx, sqlx::Error> {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(7242025)")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    fn reader(&self) -> &Pool<Db> {
        &self.pool
    }

    /// The trigram GIN index on the folded key serves `LIKE '%word%'`.
    fn push_name_match(q: &mut QueryBuilder<Db>, words: &[&str]) {
        for w in words {
            q.push(" AND p.search_key LIKE ")
                .push_bind(format!("%{w}%"));
        }
    }

    fn push_register_match(q: &mut QueryBuilder<Db>, words: &[&str]) {
        for w in words {
            q.push(" AND r.name_key LIKE ").push_bind(format!("%{w}%"));
        }
    }

    /// PostgreSQL names the constraint; the ones a user can hit are declared inline as
    /// `UNIQUE`, so they carry the default name `<table>_<column>_key`.
    fn unique_constraint(e: &dyn DatabaseError) -> Option<String> {
        unique_key(e.table()?, e.constraint()?)
    }
}

/// `units` + `units_code_key` → "units.code" (the default name of an inline `UNIQUE`).
fn unique_key(table: &str, constraint: &str) -> Option<String> {
    let cols = constraint
        .strip_prefix(table)?
        .strip_prefix('_')?
        .strip_suffix("_key")?;
    Some(format!("{table}.{cols}"))
}

#[cfg(test)]
mod tests {
    use super::unique_key;

    #[test]
    fn unique_violations_name_table_and_columns() {
        assert_eq!(
            unique_key("units", "units_code_key").as_deref(),
            Some("units.code")
        );
        assert_eq!(
            unique_key("local_award_kinds", "local_award_kinds_code_key").as_deref(),
            Some("local_award_kinds.code")
        );
        // Primary keys and named indexes are not user-facing: no key, the generic message.
        assert_eq!(unique_key("ballot_voters", "ballot_voters_pkey"), None);
        assert_eq!(unique_key("award_records", "award_records_cert"), None);
    }
}
