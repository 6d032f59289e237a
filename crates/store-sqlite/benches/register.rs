//! The register's name search over a province-sized register: 1 000 000 award records on
//! SQLite, names found with or without diacritics through the FTS5 trigram index.
//! Run: `cargo bench -p tdkt-store-sqlite --bench register`.

use std::sync::OnceLock;

use tdkt_domain::unit::UnitKind;
use tdkt_store::conformance::new_unit;
use tdkt_store::{Actor, RegisterFilter, RegisterStore, UnitStore};
use tdkt_store_sqlite::{SqliteOptions, SqliteStore};

const ROWS: i64 = 1_000_000;

fn main() {
    divan::main();
}

struct Fixture {
    rt: tokio::runtime::Runtime,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

/// Synthetic folded names from common Vietnamese family, middle and given names; every name
/// repeats, as in real registers.
const SETUP: &str = "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
INSERT INTO award_records (unit_id, code, award_date, decision, created_at, subject_name, name_key, amount)
SELECT $2,
       CASE i % 4 WHEN 0 THEN 'bang_khen_tinh' WHEN 1 THEN 'giay_khen' WHEN 2 THEN 'chien_si_thi_dua_co_so' ELSE 'lao_dong_tien_tien' END,
       printf('%04d-%02d-%02d', 2006 + i % 20, 1 + i % 12, 1 + i % 28),
       printf('%d/QĐ-UBND', i % 900 + 1),
       '2025-01-01T00:00:00Z',
       'x',
       (CASE i % 10 WHEN 0 THEN 'nguyen' WHEN 1 THEN 'tran' WHEN 2 THEN 'le' WHEN 3 THEN 'pham' WHEN 4 THEN 'hoang'
                    WHEN 5 THEN 'huynh' WHEN 6 THEN 'phan' WHEN 7 THEN 'vu' WHEN 8 THEN 'vo' ELSE 'dang' END)
       || ' ' ||
       (CASE (i / 10) % 6 WHEN 0 THEN 'van' WHEN 1 THEN 'thi' WHEN 2 THEN 'duc' WHEN 3 THEN 'minh' WHEN 4 THEN 'ngoc' ELSE 'quoc' END)
       || ' ' ||
       (CASE (i / 60) % 12 WHEN 0 THEN 'an' WHEN 1 THEN 'binh' WHEN 2 THEN 'cuong' WHEN 3 THEN 'dung' WHEN 4 THEN 'hoa'
                          WHEN 5 THEN 'hung' WHEN 6 THEN 'khanh' WHEN 7 THEN 'lan' WHEN 8 THEN 'mai' WHEN 9 THEN 'nam'
                          WHEN 10 THEN 'thao' ELSE 'trang' END)
       || ' ' || (i / 720),
       2340000
FROM n";

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.db");
        let store = rt.block_on(async {
            let opts = SqliteOptions {
                synchronous: "normal".into(),
                readers: 4,
            };
            let s = SqliteStore::open(path.to_str().unwrap(), &opts)
                .await
                .unwrap();
            s.migrate().await.unwrap();
            let root = s
                .create_unit(
                    &Actor::system("bench"),
                    new_unit("vn", "Việt Nam", UnitKind::Nation, None),
                )
                .await
                .unwrap();
            let started = std::time::Instant::now();
            sqlx::query(SETUP)
                .bind(ROWS)
                .bind(root.id)
                .execute(s.raw_pool())
                .await
                .unwrap();
            eprintln!(
                "{ROWS} award records inserted (with the trigram index) in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            s
        });
        Fixture {
            rt,
            store,
            _dir: dir,
        }
    })
}

fn search(name: &str, year: Option<i32>, limit: i64) -> usize {
    let f = fixture();
    f.rt.block_on(f.store.search_register(&RegisterFilter {
        name_key: Some(name.into()),
        year,
        limit,
        ..Default::default()
    }))
    .unwrap()
    .len()
}

/// A full name that matches 1 person-group (rare): what a clerk types.
#[divan::bench]
fn full_name() -> usize {
    search("tran duc khanh 7", None, 500)
}

/// A common fragment ("thi hoa"): many matches, the page's first 500.
#[divan::bench]
fn common_fragment_first_page() -> usize {
    search("thi hoa", None, 500)
}

/// A name within one year.
#[divan::bench]
fn name_and_year() -> usize {
    search("nguyen van an", Some(2024), 500)
}
