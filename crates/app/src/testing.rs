//! Test support: a fresh SQLite file or PostgreSQL database per test, behind an `App`.

use std::sync::Arc;

use crate::{App, Principal, Settings};
use tdkt_domain::access::{Grant, Role};
use tdkt_domain::unit::UnitKind;
use tdkt_store::conformance::new_unit;
use tdkt_store::{Actor, Store, UnitRow};
use tdkt_store_postgres::PgStore;
use tdkt_store_postgres::testing::TestDatabase;
use tdkt_store_sqlite::{SqliteOptions, SqliteStore};

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

enum Guard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres(#[allow(dead_code)] TestDatabase),
}

enum Raw {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PgStore>),
}

pub struct TestApp {
    pub app: App,
    raw: Raw,
    _guard: Guard,
}

pub fn settings() -> Settings {
    Settings {
        login_max_failures: 3,
        login_max_failures_per_ip: 1000,
        ..Settings::default()
    }
}

impl TestApp {
    pub async fn new(b: Backend) -> Self {
        match b {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let s = Arc::new(
                    SqliteStore::open(
                        dir.path().join("t.db").to_str().unwrap(),
                        &SqliteOptions::default(),
                    )
                    .await
                    .unwrap(),
                );
                s.migrate().await.unwrap();
                Self {
                    app: App::new(s.clone(), settings()),
                    raw: Raw::Sqlite(s),
                    _guard: Guard::Sqlite(dir),
                }
            }
            Backend::Postgres => {
                let db = TestDatabase::create().await;
                let s = Arc::new(PgStore::connect(&db.url, 8).await.unwrap());
                s.migrate().await.unwrap();
                Self {
                    app: App::new(s.clone(), settings()),
                    raw: Raw::Postgres(s),
                    _guard: Guard::Postgres(db),
                }
            }
        }
    }

    pub fn store(&self) -> &dyn Store {
        &*self.app.store
    }

    /// Runs SQL behind the application's back, as an intruder with database access would.
    pub async fn raw_exec(&self, sql: &'static str) {
        match &self.raw {
            Raw::Sqlite(s) => {
                sqlx::query(sql).execute(s.raw_pool()).await.unwrap();
            }
            Raw::Postgres(s) => {
                sqlx::query(sql).execute(s.raw_pool()).await.unwrap();
            }
        }
    }

    /// Column names of a table, in order, straight from the database catalogue.
    pub async fn raw_columns(&self, table: &str) -> Vec<String> {
        use sqlx::Row;
        match &self.raw {
            Raw::Sqlite(s) => sqlx::query("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(table)
                .fetch_all(s.raw_pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect(),
            Raw::Postgres(s) => sqlx::query("SELECT column_name::text FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position")
                .bind(table)
                .fetch_all(s.raw_pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect(),
        }
    }

    /// Papers in the order the database returns them without ORDER BY.
    pub async fn raw_paper_order(&self, ballot_id: i64) -> Vec<String> {
        use sqlx::Row;
        let sql = "SELECT choices_json FROM ballot_papers WHERE ballot_id = $1";
        match &self.raw {
            Raw::Sqlite(s) => sqlx::query(sql)
                .bind(ballot_id)
                .fetch_all(s.raw_pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect(),
            Raw::Postgres(s) => sqlx::query(sql)
                .bind(ballot_id)
                .fetch_all(s.raw_pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect(),
        }
    }

    pub async fn unit(&self, code: &str, parent: Option<i64>) -> UnitRow {
        self.store()
            .create_unit(
                &Actor::system("test"),
                new_unit(code, &format!("Đơn vị {code}"), UnitKind::Other, parent),
            )
            .await
            .unwrap()
    }
}

/// A principal as authentication would make it.
pub fn principal(user_id: i64, role: Role, unit_id: i64) -> Principal {
    Principal {
        user_id,
        username: format!("u{user_id}"),
        display_name: "Người thử".into(),
        grants: vec![Grant { role, unit_id }],
        csrf_token: None,
    }
}

/// Generates a SQLite and a PostgreSQL test for each `async fn name(Backend)`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name(tdkt_app::testing::Backend::Sqlite).await }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name(tdkt_app::testing::Backend::Postgres).await }
            )*
        }
    };
}
