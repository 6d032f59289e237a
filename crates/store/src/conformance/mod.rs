//! Scenarios every backend must pass, run by each backend's tests through
//! `conformance_tests!`. They use only the `Store` trait; one module per storage area.

use std::sync::Arc;

use tdkt_domain::access::{Grant, Role};
use tdkt_domain::audit::ChainVerifier;
use tdkt_domain::person::{Birth, Gender, TaskRating};
use tdkt_domain::unit::{LineageKind, UnitKind};
use time::macros::date;
use time::{Duration, OffsetDateTime};

use crate::*;

mod accounts;
mod audit;
mod clusters;
mod conference;
mod dossiers;
mod history;
mod people;
mod units;
mod writes;

pub use accounts::*;
pub use audit::*;
pub use clusters::*;
pub use conference::*;
pub use dossiers::*;
pub use history::*;
pub use people::*;
pub use units::*;
pub use writes::*;

/// Generates one `#[tokio::test]` per scenario. `$make` is an async expression giving
/// `(Arc<dyn Store>, guard)`; the guard lives as long as the test (e.g. a temp database).
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@each $make;
            units_tree_and_moves, lineage_merge, people_search_folds_diacritics,
            people_scope_and_paging, positions_and_ratings, conflicts_are_clear,
            failed_write_leaves_nothing, accounts_sessions_tokens, clusters_keep_historic_members, conference_flow, one_vote_per_unit_under_concurrency, history_titles_awards_initiatives, audit_chain_covers_every_write,
            concurrent_writes_all_succeed, dossiers_versions_documents_decisions);
    };
    (@each $make:expr; $($name:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                let (store, _guard) = $make.await;
                $crate::conformance::$name(store).await;
            }
        )*
    };
}

pub(crate) fn sys() -> Actor {
    Actor::system("test")
}

pub fn new_unit(code: &str, name: &str, kind: UnitKind, parent: Option<i64>) -> NewUnit {
    NewUnit {
        code: code.into(),
        kind,
        name: name.into(),
        short_name: None,
        parent_id: parent,
        valid_from: None,
        valid_to: None,
        note: None,
        illustrative: false,
    }
}

pub fn new_person(name: &str, unit: i64) -> NewPerson {
    NewPerson {
        full_name: name.into(),
        gender: Gender::Male,
        birth: Some(Birth::Year(1980)),
        cccd: None,
        unit_id: unit,
        position: Some("Chuyên viên".into()),
        position_since: date!(2020 - 01 - 01),
        illustrative: false,
        ratings: vec![],
    }
}

pub(crate) async fn unit(s: &dyn Store, code: &str, parent: Option<i64>) -> UnitRow {
    s.create_unit(
        &sys(),
        new_unit(code, &format!("Đơn vị {code}"), UnitKind::Other, parent),
    )
    .await
    .expect("create unit")
}

pub(crate) async fn verify_chain(s: &dyn Store) -> i64 {
    let mut v = ChainVerifier::default();
    let mut after = 0;
    loop {
        let page = s.audit_entries(after, 100).await.unwrap();
        if page.is_empty() {
            break;
        }
        for e in &page {
            v.push(e).unwrap_or_else(|b| panic!("chain broken: {b}"));
        }
        after = page.last().unwrap().seq;
    }
    let (seq, hash) = s.audit_head().await.unwrap();
    v.finish(seq, &hash).unwrap()
}
