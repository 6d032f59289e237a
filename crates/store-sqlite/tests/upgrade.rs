//! Migration 0006 rebuilds `decisions` on SQLite (its `dossier_id` becomes optional) while
//! `award_records` points at it: a database holding a decision and its register rows before the
//! upgrade keeps them, linked, after it.

use sha2::{Digest, Sha256};
use sqlx::Row;
use tdkt_store::{DecisionStore, HistoryStore};
use tdkt_store_sqlite::{SqliteOptions, SqliteStore};

const BEFORE: &[(i64, &str, &str)] = &[
    (1, "base", include_str!("../migrations/0001_base.sql")),
    (
        2,
        "conference",
        include_str!("../migrations/0002_conference.sql"),
    ),
    (3, "history", include_str!("../migrations/0003_history.sql")),
    (
        4,
        "dossiers",
        include_str!("../migrations/0004_dossiers.sql"),
    ),
    (
        5,
        "movements",
        include_str!("../migrations/0005_movements.sql"),
    ),
];

#[tokio::test]
async fn decisions_and_their_records_survive_the_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let s = SqliteStore::open(path.to_str().unwrap(), &SqliteOptions::default())
        .await
        .unwrap();
    let pool = s.raw_pool();
    // A database as migration 5 left it, recorded the way the migrator records it.
    sqlx::raw_sql(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(pool)
    .await
    .unwrap();
    for (version, name, sql) in BEFORE {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO schema_migrations VALUES ($1, $2, $3, '2026-01-01')")
            .bind(version)
            .bind(name)
            .bind(hex::encode(Sha256::digest(sql.as_bytes())))
            .execute(pool)
            .await
            .unwrap();
    }
    let now = "2025-12-01T00:00:00Z";
    for sql in [
        "INSERT INTO units (id, code, kind, name, tree_path, search_key, created_at, updated_at) VALUES (1, 'tinh', 'tinh', 'Tỉnh A', '/1/', 'tinh a', $1, $1)",
        "INSERT INTO units (id, code, kind, name, parent_id, tree_path, search_key, created_at, updated_at) VALUES (2, 'so', 'so_nganh', 'Sở B', 1, '/1/2/', 'so b', $1, $1)",
        "INSERT INTO dossiers (id, code, title, unit_id, authority_id, kind, year, state, state_since, version, created_at, updated_at) VALUES (7, 'HS-2025-00007', 'Đề nghị', 2, 1, 'cong_trang', 2025, 'da_ra_quyet_dinh', '2025-12-01', 5, $1, $1)",
        "INSERT INTO decisions (id, authority_id, dossier_id, year, seq, number, signed_on, signer_name, signer_title, doc_json, base_salary, total, created_at) VALUES (3, 1, 7, 2025, 1, '1/QĐ-UBND', '2025-12-01', 'Người Ký', 'CHỦ TỊCH', '{}', 2340000, 3510000, $1)",
        "INSERT INTO award_records (id, unit_id, code, award_date, decision, created_at, decision_id, subject_name, name_key, amount, cert_key) VALUES (11, 2, 'bang_khen_tinh', '2025-12-01', '1/QĐ-UBND ngày 01/12/2025', $1, 3, 'Sở B', 'so b', 3510000, 'k1')",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .execute(pool)
            .await
            .unwrap();
    }

    assert_eq!(s.migrate().await.unwrap(), 1, "only 0006 is applied");

    let d = s
        .decision_of(7)
        .await
        .unwrap()
        .expect("the decision is found by its dossier");
    assert_eq!(
        (d.id, d.dossier_id, d.number.as_str()),
        (3, Some(7), "1/QĐ-UBND")
    );
    assert_eq!(s.decision_dossiers(3).await.unwrap(), vec![7]);
    let r = sqlx::query("SELECT decision_id, dossier_id FROM award_records WHERE id = 11")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(r.get::<Option<i64>, _>("decision_id"), Some(3));
    assert_eq!(
        r.get::<Option<i64>, _>("dossier_id"),
        Some(7),
        "backfilled from the decision"
    );
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(
        broken.is_empty(),
        "{} rows break a foreign key",
        broken.len()
    );
    assert_eq!(s.unit_award_records(2).await.unwrap().len(), 1);
    // The rebuilt table still enforces what it did: the number sequence stays unique.
    let dup = sqlx::query(
        "INSERT INTO decisions (authority_id, year, seq, number, signed_on, signer_name, signer_title, doc_json, base_salary, total, created_at) VALUES (1, 2025, 1, '1/QĐ-UBND', '2025-12-02', 'X', 'Y', '{}', 0, 0, $1)",
    )
    .bind(now)
    .execute(pool)
    .await;
    assert!(dup.is_err(), "UNIQUE (authority_id, year, seq) kept");
}
