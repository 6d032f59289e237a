//! Schema parity: the SQLite migrations (`crates/store-sqlite/migrations`) and the PostgreSQL
//! migrations (`crates/store-postgres/migrations`) are kept in step by hand. This test migrates
//! a fresh SQLite file and a fresh PostgreSQL database and compares, table by table:
//!
//! - the set of tables (every table on one side only must be listed below with its reason);
//! - the set of column names;
//! - nullability, as each engine actually enforces it (see [`sqlite_schema`]);
//! - a coarse type class (integer, text, real, boolean, date, timestamp, blob), where the two
//!   sides must be *compatible* (see [`compatible`]), not equal: SQLite keeps booleans as
//!   INTEGER and dates and times as TEXT.
//!
//! Not compared: column order, defaults, integer width (SQLite integers are all 64-bit),
//! keys, constraints, indexes, triggers and views.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;
use tdkt_store_postgres::PgStore;
use tdkt_store_postgres::testing::TestDatabase;
use tdkt_store_sqlite::{SqliteOptions, SqliteStore};

/// Tables only the SQLite schema has, each with its reason. Listed one by one on purpose: a new
/// table on one side only must be added here deliberately. SQLite internals (`sqlite_sequence`,
/// `sqlite_stat1`, ...) would belong here too, but none exists after migrating (no
/// AUTOINCREMENT, no ANALYZE), and `sqlite_schema` itself is not listed in `sqlite_master`.
const SQLITE_ONLY_TABLES: &[(&str, &str)] = &[
    (
        "people_fts",
        "FTS5 trigram index over people.search_key (store-sqlite 0001_base.sql); PostgreSQL \
         searches the same column through the pg_trgm GIN index people_search instead",
    ),
    ("people_fts_config", "FTS5 shadow table of people_fts"),
    ("people_fts_data", "FTS5 shadow table of people_fts"),
    ("people_fts_docsize", "FTS5 shadow table of people_fts"),
    ("people_fts_idx", "FTS5 shadow table of people_fts"),
    (
        "award_records_fts",
        "FTS5 trigram index over award_records.name_key (store-sqlite 0004_dossiers.sql); \
         PostgreSQL searches the same column through the pg_trgm GIN index award_records_name",
    ),
    (
        "award_records_fts_config",
        "FTS5 shadow table of award_records_fts",
    ),
    (
        "award_records_fts_data",
        "FTS5 shadow table of award_records_fts",
    ),
    (
        "award_records_fts_docsize",
        "FTS5 shadow table of award_records_fts",
    ),
    (
        "award_records_fts_idx",
        "FTS5 shadow table of award_records_fts",
    ),
];

/// Tables only the PostgreSQL schema has, each with its reason. (`schema_migrations`, the
/// migrator's bookkeeping, is created by the same shared statement on both sides and compared.)
const POSTGRES_ONLY_TABLES: &[(&str, &str)] = &[];

/// Columns that SQLite lets be NULL while PostgreSQL has them NOT NULL, each with its reason.
/// All are non-INTEGER primary keys of rowid tables: SQLite (for historical compatibility)
/// does not imply NOT NULL there, PostgreSQL always does. Harmless as long as the store always
/// binds a value; making SQLite enforce it would need a table rebuild in a new migration.
const NULLABLE_ONLY_IN_SQLITE: &[(&str, &str, &str)] = &[
    (
        "sessions",
        "token_hash",
        "TEXT PRIMARY KEY (store-sqlite 0001_base.sql); always bound from NewSession::token_hash, \
         a String",
    ),
    (
        "local_award_kinds",
        "code",
        "TEXT PRIMARY KEY (store-sqlite 0003_history.sql); always bound from \
         LocalAwardKind::code, a String",
    ),
    (
        "blobs",
        "sha256",
        "TEXT PRIMARY KEY (store-sqlite 0004_dossiers.sql); always bound from the document's \
         computed sha256, a String",
    ),
    (
        "schema_migrations",
        "version",
        "BIGINT PRIMARY KEY in the shared migrator (crates/store-sql/migrate.rs): only INTEGER \
         PRIMARY KEY is a rowid alias, so SQLite allows NULL; the migrator always binds the \
         migration's version",
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Integer,
    Text,
    Real,
    Boolean,
    Date,
    Timestamp,
    Blob,
}

/// The class of a SQLite column by its declared type name, exactly as the migrations spell
/// them (not by SQLite's affinity rules, which would lump DATE in with NUMERIC). An unknown
/// name is reported as drift so that the mapping is extended on purpose.
fn sqlite_class(declared: &str) -> Option<Class> {
    Some(match declared.to_ascii_uppercase().as_str() {
        "INTEGER" | "INT" | "BIGINT" | "SMALLINT" => Class::Integer,
        "TEXT" => Class::Text,
        "REAL" | "DOUBLE PRECISION" => Class::Real,
        "BOOLEAN" => Class::Boolean,
        "DATE" => Class::Date,
        "TIMESTAMP" | "TIMESTAMPTZ" | "DATETIME" => Class::Timestamp,
        "BLOB" => Class::Blob,
        _ => return None,
    })
}

/// The class of a PostgreSQL column by `information_schema.columns.data_type`.
fn postgres_class(data_type: &str) -> Option<Class> {
    Some(match data_type {
        "smallint" | "integer" | "bigint" => Class::Integer,
        "text" | "character varying" | "character" => Class::Text,
        "real" | "double precision" => Class::Real,
        "boolean" => Class::Boolean,
        "date" => Class::Date,
        "timestamp with time zone" | "timestamp without time zone" => Class::Timestamp,
        "bytea" => Class::Blob,
        _ => return None,
    })
}

/// Whether a SQLite column of class `s` can hold what a PostgreSQL column of class `p` holds,
/// as the shared SQL in `crates/store-sql` writes it.
fn compatible(s: Class, p: Class) -> bool {
    s == p
        || matches!(
            (s, p),
            // SQLite has no boolean type: flags are INTEGER 0/1.
            (Class::Integer, Class::Boolean)
            // Dates are ISO 8601 text in SQLite; 0001_base.sql declares them TEXT, the later
            // migrations DATE (a SQLite DATE column must still be a PostgreSQL DATE).
            | (Class::Text, Class::Date)
            // Times are RFC 3339 text in UTC in SQLite.
            | (Class::Text, Class::Timestamp)
        )
}

#[derive(Debug)]
struct Column {
    /// The declared type (SQLite) or `data_type` (PostgreSQL), for messages.
    declared: String,
    class: Option<Class>,
    nullable: bool,
}

type Schema = BTreeMap<String, BTreeMap<String, Column>>;

/// Tables and columns of the SQLite database. Nullability is what SQLite enforces: `notnull`
/// from `pragma_table_info`, except that an INTEGER PRIMARY KEY (the rowid alias) is never
/// NULL although the pragma reports `notnull = 0`. (WITHOUT ROWID tables report their key
/// columns `notnull = 1` themselves; other primary keys of rowid tables really accept NULL.)
async fn sqlite_schema(store: &SqliteStore) -> Schema {
    let pool = store.raw_pool();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut schema = Schema::new();
    for table in tables {
        let rows = sqlx::query(
            "SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(pool)
        .await
        .unwrap();
        let pk_columns = rows.iter().filter(|r| r.get::<i64, _>("pk") > 0).count();
        let mut columns = BTreeMap::new();
        for r in &rows {
            let declared: String = r.get("type");
            let rowid_alias = r.get::<i64, _>("pk") == 1
                && pk_columns == 1
                && declared.eq_ignore_ascii_case("INTEGER");
            let nullable = r.get::<i64, _>("not_null") == 0 && !rowid_alias;
            columns.insert(
                r.get("name"),
                Column {
                    class: sqlite_class(&declared),
                    declared,
                    nullable,
                },
            );
        }
        schema.insert(table, columns);
    }
    schema
}

/// Base tables and columns of the PostgreSQL database, in its current schema.
async fn postgres_schema(store: &PgStore) -> Schema {
    let rows = sqlx::query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name,
                c.data_type::text AS data_type, c.is_nullable::text AS is_nullable
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(store.raw_pool())
    .await
    .unwrap();
    let mut schema = Schema::new();
    for r in rows {
        let declared: String = r.get("data_type");
        schema.entry(r.get("table_name")).or_default().insert(
            r.get("column_name"),
            Column {
                class: postgres_class(&declared),
                declared,
                nullable: r.get::<String, _>("is_nullable") == "YES",
            },
        );
    }
    schema
}

fn null_word(nullable: bool) -> &'static str {
    if nullable { "NULL" } else { "NOT NULL" }
}

/// Every difference not explained by the exception lists, one readable line each, plus every
/// exception that no longer matches a difference (so the lists cannot go stale).
fn compare(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut drift = Vec::new();
    let sqlite_only: BTreeSet<&str> = SQLITE_ONLY_TABLES.iter().map(|(t, _)| *t).collect();
    let postgres_only: BTreeSet<&str> = POSTGRES_ONLY_TABLES.iter().map(|(t, _)| *t).collect();
    let mut nullable_exceptions_used = BTreeSet::new();

    let tables: BTreeSet<&str> = sqlite
        .keys()
        .chain(postgres.keys())
        .map(String::as_str)
        .collect();
    for table in tables {
        let (s, p) = match (sqlite.get(table), postgres.get(table)) {
            (Some(_), None) => {
                if !sqlite_only.contains(table) {
                    drift.push(format!("table {table}: only in SQLite"));
                }
                continue;
            }
            (None, Some(_)) => {
                if !postgres_only.contains(table) {
                    drift.push(format!("table {table}: only in PostgreSQL"));
                }
                continue;
            }
            (Some(s), Some(p)) => (s, p),
            (None, None) => unreachable!(),
        };
        if sqlite_only.contains(table) || postgres_only.contains(table) {
            drift.push(format!(
                "table {table}: listed as existing on one side only, but both sides have it"
            ));
        }
        let columns: BTreeSet<&str> = s.keys().chain(p.keys()).map(String::as_str).collect();
        for column in columns {
            let at = format!("{table}.{column}");
            let (sc, pc) = match (s.get(column), p.get(column)) {
                (Some(c), None) => {
                    drift.push(format!(
                        "{at}: column only in SQLite ({} {})",
                        c.declared,
                        null_word(c.nullable)
                    ));
                    continue;
                }
                (None, Some(c)) => {
                    drift.push(format!(
                        "{at}: column only in PostgreSQL ({} {})",
                        c.declared,
                        null_word(c.nullable)
                    ));
                    continue;
                }
                (Some(sc), Some(pc)) => (sc, pc),
                (None, None) => unreachable!(),
            };
            if sc.nullable != pc.nullable {
                let excused = sc.nullable
                    && !pc.nullable
                    && NULLABLE_ONLY_IN_SQLITE
                        .iter()
                        .any(|(t, c, _)| *t == table && *c == column);
                if excused {
                    nullable_exceptions_used.insert((table, column));
                } else {
                    drift.push(format!(
                        "{at}: nullability differs: SQLite {}, PostgreSQL {}",
                        null_word(sc.nullable),
                        null_word(pc.nullable)
                    ));
                }
            }
            match (sc.class, pc.class) {
                (None, _) => drift.push(format!(
                    "{at}: SQLite declared type {:?} has no type class in this test",
                    sc.declared
                )),
                (_, None) => drift.push(format!(
                    "{at}: PostgreSQL type {:?} has no type class in this test",
                    pc.declared
                )),
                (Some(s_class), Some(p_class)) if !compatible(s_class, p_class) => {
                    drift.push(format!(
                        "{at}: type differs: SQLite {} ({s_class:?}), PostgreSQL {} ({p_class:?})",
                        sc.declared, pc.declared
                    ))
                }
                _ => {}
            }
        }
    }

    for (table, _) in SQLITE_ONLY_TABLES {
        if !sqlite.contains_key(*table) {
            drift.push(format!(
                "table {table}: listed as SQLite-only, but SQLite has no such table"
            ));
        }
    }
    for (table, _) in POSTGRES_ONLY_TABLES {
        if !postgres.contains_key(*table) {
            drift.push(format!(
                "table {table}: listed as PostgreSQL-only, but PostgreSQL has no such table"
            ));
        }
    }
    for (table, column, _) in NULLABLE_ONLY_IN_SQLITE {
        if !nullable_exceptions_used.contains(&(*table, *column)) {
            drift.push(format!(
                "{table}.{column}: listed as nullable only in SQLite, but it is not"
            ));
        }
    }
    drift
}

struct Fresh {
    sqlite: SqliteStore,
    _dir: tempfile::TempDir,
    postgres: PgStore,
    _db: TestDatabase,
}

async fn fresh() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parity.db");
    let sqlite = SqliteStore::open(path.to_str().unwrap(), &SqliteOptions::default())
        .await
        .unwrap();
    assert_eq!(sqlite.migrate().await.unwrap(), 6);
    let db = TestDatabase::create().await;
    let postgres = PgStore::connect(&db.url, 2).await.unwrap();
    assert_eq!(postgres.migrate().await.unwrap(), 6);
    Fresh {
        sqlite,
        _dir: dir,
        postgres,
        _db: db,
    }
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_give_the_same_schema() {
    let f = fresh().await;
    let sqlite = sqlite_schema(&f.sqlite).await;
    let postgres = postgres_schema(&f.postgres).await;
    // Guard against a vacuous pass (e.g. a query that reads the wrong schema).
    let common = sqlite.keys().filter(|t| postgres.contains_key(*t)).count();
    assert!(common >= 40, "only {common} tables on both sides");
    assert!(postgres["award_records"].len() >= 16);

    let drift = compare(&sqlite, &postgres);
    assert!(
        drift.is_empty(),
        "the schemas of crates/store-sqlite/migrations and crates/store-postgres/migrations \
         differ ({} differences):\n  {}\n",
        drift.len(),
        drift.join("\n  ")
    );
    f.sqlite.close().await;
}

/// The comparison bites: changes made on one side of the throwaway databases (never in the
/// migration files) are each reported by table and column.
#[tokio::test]
async fn the_parity_check_reports_drift() {
    let f = fresh().await;
    for stmt in [
        "ALTER TABLE people ADD COLUMN nickname TEXT",
        "ALTER TABLE users ALTER COLUMN display_name DROP NOT NULL",
        "ALTER TABLE movements ALTER COLUMN slogan TYPE BIGINT USING NULL::bigint",
        "CREATE TABLE parity_probe (id BIGINT PRIMARY KEY)",
    ] {
        sqlx::query(stmt)
            .execute(f.postgres.raw_pool())
            .await
            .unwrap();
    }
    for stmt in [
        "ALTER TABLE units ADD COLUMN legacy_code INTEGER NOT NULL DEFAULT 0",
        "DROP TABLE award_records_fts",
    ] {
        sqlx::query(stmt)
            .execute(f.sqlite.raw_pool())
            .await
            .unwrap();
    }
    let drift = compare(
        &sqlite_schema(&f.sqlite).await,
        &postgres_schema(&f.postgres).await,
    );
    assert_eq!(
        drift,
        [
            "movements.slogan: type differs: SQLite TEXT (Text), PostgreSQL bigint (Integer)",
            "table parity_probe: only in PostgreSQL",
            "people.nickname: column only in PostgreSQL (text NULL)",
            "units.legacy_code: column only in SQLite (INTEGER NOT NULL)",
            "users.display_name: nullability differs: SQLite NOT NULL, PostgreSQL NULL",
            "table award_records_fts: listed as SQLite-only, but SQLite has no such table",
            "table award_records_fts_config: listed as SQLite-only, but SQLite has no such table",
            "table award_records_fts_data: listed as SQLite-only, but SQLite has no such table",
            "table award_records_fts_docsize: listed as SQLite-only, but SQLite has no such table",
            "table award_records_fts_idx: listed as SQLite-only, but SQLite has no such table",
        ]
    );
    f.sqlite.close().await;
}
