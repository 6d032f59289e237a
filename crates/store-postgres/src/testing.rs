//! Throwaway databases for tests: each test gets its own database on the server named by
//! `TDKT_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`), dropped when
//! the guard goes.

use sqlx::{Connection, Executor, PgConnection};

pub fn server_url() -> String {
    std::env::var("TDKT_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh database; dropped (with FORCE) when this guard is dropped.
pub struct TestDatabase {
    pub url: String,
    pub name: String,
    server: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let server = server_url();
        let mut buf = [0u8; 6];
        getrandom_fill(&mut buf);
        let name = format!(
            "tdkt_t_{}",
            buf.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let mut conn = PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL is needed for this test at {server}: {e}"));
        conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"
        ))))
        .await
        .expect("create test database");
        conn.close().await.ok();
        let url = match server.rfind('/') {
            Some(i) if server[..i].contains('@') || server[..i].contains("//") => {
                format!("{}/{}", &server[..i], name)
            }
            _ => panic!("TDKT_TEST_PG_URL must end with /database"),
        };
        Self { url, name, server }
    }
}

fn getrandom_fill(buf: &mut [u8]) {
    // Time and address entropy are enough to keep parallel test databases apart.
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.write_usize(buf.as_ptr() as usize);
    let v = h.finish().to_le_bytes();
    for (b, x) in buf.iter_mut().zip(v.iter().cycle()) {
        *b = *x;
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // Drop runs outside async: a short-lived runtime on its own thread does the DROP.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(mut conn) = PgConnection::connect(&server).await {
                        let _ = conn
                            .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))))
                            .await;
                    }
                });
            }
        })
        .join();
    }
}
