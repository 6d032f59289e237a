//! The store conformance suite on a real SQLite file per test.

use std::sync::Arc;

use tdkt_store::Store;
use tdkt_store_sqlite::{SqliteOptions, SqliteStore};

async fn make() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = SqliteStore::open(path.to_str().unwrap(), &SqliteOptions::default())
        .await
        .unwrap();
    assert_eq!(s.migrate().await.unwrap(), 6);
    assert_eq!(s.migrate().await.unwrap(), 0, "migrations apply once");
    (Arc::new(s), dir)
}

tdkt_store::conformance_tests!(make());
