//! SQLite backend: WAL, one writer connection plus a pool of read-only readers, `BEGIN
//! IMMEDIATE` for every write (deferred transactions that upgrade to writes fail with
//! "database is locked" under concurrency), foreign keys on, `synchronous` FULL by default.

use std::str::FromStr;
use std::time::Duration;

use sqlx::error::DatabaseError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Pool, QueryBuilder};
use tdkt_store::{StoreError, StoreResult};

pub type Db = sqlx::Sqlite;
pub type Backend = SqliteStore;

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

#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// `full` (default), `normal` or `off`.
    pub synchronous: String,
    pub readers: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            synchronous: "full".into(),
            readers: 8,
        }
    }
}

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url_or_path` (`sqlite://file.db` or a path).
    pub async fn open(url_or_path: &str, opts: &SqliteOptions) -> StoreResult<Self> {
        let base = if url_or_path.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url_or_path)
                .map_err(|e| StoreError::Db(e.to_string()))?
        } else {
            SqliteConnectOptions::new().filename(url_or_path)
        };
        let sync = match opts.synchronous.as_str() {
            "full" => SqliteSynchronous::Full,
            "normal" => SqliteSynchronous::Normal,
            "off" => SqliteSynchronous::Off,
            other => {
                return Err(StoreError::Invalid(tdkt_domain::Invalid::new(
                    "sqlite_synchronous",
                    format!("giá trị «{other}» không hợp lệ; dùng full, normal hoặc off"),
                )));
            }
        };
        let common = base
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(sync)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(common.clone().create_if_missing(true))
            .await
            .map_err(sql::db_err)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(opts.readers.max(1))
            .connect_lazy_with(common.read_only(true));
        Ok(Self { writer, reader })
    }

    pub async fn migrate(&self) -> StoreResult<usize> {
        sql::migrate::run(&self.writer, MIGRATIONS).await
    }

    /// The writer pool, for tests that tamper with rows by raw SQL.
    pub fn raw_pool(&self) -> &SqlitePool {
        &self.writer
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

impl sql::Dialect for SqliteStore {
    const NAME: &'static str = "sqlite";

    async fn begin_write(&self) -> Result<sql::Tx, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    async fn begin_migration(pool: &Pool<Db>) -> Result<sql::Tx, sqlx::Error> {
        pool.begin_with("BEGIN IMMEDIATE").await
    }

    fn reader(&self) -> &Pool<Db> {
        &self.reader
    }

    fn push_name_match(q: &mut QueryBuilder<Db>, words: &[&str]) {
        push_fts_match(q, words, "p", "people_fts", "search_key");
    }

    fn push_register_match(q: &mut QueryBuilder<Db>, words: &[&str]) {
        push_fts_match(q, words, "r", "award_records_fts", "name_key");
    }

    /// SQLite does not name constraints in errors; its message lists the columns.
    fn unique_constraint(e: &dyn DatabaseError) -> Option<String> {
        unique_key(e.message())
    }
}

/// "UNIQUE constraint failed: t.a, t.b" → "t.a,b": the table once, then its columns.
fn unique_key(message: &str) -> Option<String> {
    let cols = message.strip_prefix("UNIQUE constraint failed: ")?;
    let mut parts = cols.split(',').map(str::trim);
    let first = parts.next()?.to_string();
    Some(parts.fold(first, |acc, c| {
        format!("{acc},{}", c.split_once('.').map_or(c, |(_, col)| col))
    }))
}

/// Words of three letters or more go through an FTS5 trigram index; shorter ones (which
/// trigrams cannot match) fall back to LIKE on the folded key. `alias` is the searched
/// table's alias in the query, `fts` its index, `key` the folded column.
fn push_fts_match(q: &mut QueryBuilder<Db>, words: &[&str], alias: &str, fts: &str, key: &str) {
    let long: Vec<String> = words
        .iter()
        .filter(|w| w.chars().count() >= 3)
        .map(|w| format!("\"{w}\""))
        .collect();
    if !long.is_empty() {
        q.push(format!(
            " AND {alias}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH "
        ))
        .push_bind(long.join(" AND "))
        .push(")");
    }
    for w in words.iter().filter(|w| w.chars().count() < 3) {
        q.push(format!(" AND {alias}.{key} LIKE "))
            .push_bind(format!("%{w}%"));
    }
}

#[cfg(test)]
mod tests {
    use super::unique_key;

    #[test]
    fn unique_violations_name_table_and_columns() {
        assert_eq!(
            unique_key("UNIQUE constraint failed: units.code").as_deref(),
            Some("units.code")
        );
        assert_eq!(
            unique_key("UNIQUE constraint failed: ballot_voters.ballot_id, ballot_voters.unit_id")
                .as_deref(),
            Some("ballot_voters.ballot_id,unit_id")
        );
        assert_eq!(unique_key("FOREIGN KEY constraint failed"), None);
    }
}
