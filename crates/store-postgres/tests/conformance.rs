//! The store conformance suite on a fresh PostgreSQL database per test.

use std::sync::Arc;

use tdkt_store::Store;
use tdkt_store_postgres::PgStore;
use tdkt_store_postgres::testing::TestDatabase;

async fn make() -> (Arc<dyn Store>, TestDatabase) {
    let db = TestDatabase::create().await;
    let s = PgStore::connect(&db.url, 8).await.unwrap();
    assert_eq!(s.migrate().await.unwrap(), 6);
    assert_eq!(s.migrate().await.unwrap(), 0, "migrations apply once");
    (Arc::new(s), db)
}

tdkt_store::conformance_tests!(make());
