//! Scenarios every backend must pass, run by each backend's tests through
//! `conformance_tests!`. They use only the `Store` trait.

use std::sync::Arc;

use tdkt_domain::access::{Grant, Role};
use tdkt_domain::audit::ChainVerifier;
use tdkt_domain::person::{Birth, Gender, TaskRating};
use tdkt_domain::unit::{LineageKind, UnitKind};
use time::macros::date;
use time::{Duration, OffsetDateTime};

use crate::*;

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

fn sys() -> Actor {
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

async fn unit(s: &dyn Store, code: &str, parent: Option<i64>) -> UnitRow {
    s.create_unit(
        &sys(),
        new_unit(code, &format!("Đơn vị {code}"), UnitKind::Other, parent),
    )
    .await
    .expect("create unit")
}

async fn verify_chain(s: &dyn Store) -> i64 {
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

pub async fn units_tree_and_moves(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let a = unit(s, "a", Some(root.id)).await;
    let a1 = unit(s, "a1", Some(a.id)).await;
    let a11 = unit(s, "a11", Some(a1.id)).await;
    let b = unit(s, "b", Some(root.id)).await;

    let anc: Vec<String> = s
        .unit_ancestors(a11.id)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.code)
        .collect();
    assert_eq!(anc, ["a1", "a", "vn"]);
    assert_eq!(s.unit(a.id).await.unwrap().child_count, 1);
    assert_eq!(s.unit_by_code("a1").await.unwrap().id, a1.id);

    let kids = s
        .list_units(&UnitFilter {
            parent: Some(Some(root.id)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(kids.total, 2);
    let roots = s
        .list_units(&UnitFilter {
            parent: Some(None),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        roots.items.iter().map(|u| u.id).collect::<Vec<_>>(),
        [root.id]
    );

    // Move a1 (with its child) under b: the whole subtree follows, the old parent is history.
    let moved = s
        .update_unit(
            &sys(),
            a1.id,
            UnitChanges {
                kind: a1.kind,
                name: a1.name.clone(),
                short_name: None,
                parent_id: Some(b.id),
                valid_to: None,
                note: None,
                effective: date!(2025 - 07 - 01),
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.parent_id, Some(b.id));
    let anc: Vec<String> = s
        .unit_ancestors(a11.id)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.code)
        .collect();
    assert_eq!(anc, ["a1", "b", "vn"]);
    let hist = s.unit_history(a1.id).await.unwrap();
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0].parent_id, Some(a.id));
    assert_eq!(hist[0].valid_to, date!(2025 - 06 - 30));

    // A unit cannot go under its own descendant.
    let err = s
        .update_unit(
            &sys(),
            b.id,
            UnitChanges {
                kind: b.kind,
                name: b.name.clone(),
                short_name: None,
                parent_id: Some(a11.id),
                valid_to: None,
                note: None,
                effective: date!(2025 - 08 - 01),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref i) if i.field == "don_vi_cap_tren"),
        "{err:?}"
    );

    // Folded substring search on names and codes: "Đơn vị" is found as "don vi".
    let codes = |q: &'static str| async move {
        s.list_units(&UnitFilter {
            q: Some(q.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|u| u.code)
        .collect::<Vec<_>>()
    };
    assert_eq!(codes("DON VI A1").await, ["a1", "a11"]);
    assert_eq!(codes("Đơn vị a11").await, ["a11"]);
    assert!(codes("đơn vị z").await.is_empty());
}

pub async fn lineage_merge(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let gl = unit(s, "gia_lai_cu", Some(root.id)).await;
    let bd = unit(s, "binh_dinh", Some(root.id)).await;
    let mut new = new_unit("gia_lai", "Gia Lai", UnitKind::Province, Some(root.id));
    new.valid_from = Some(date!(2025 - 07 - 01));
    let merged = s.create_unit(&sys(), new).await.unwrap();

    let err = s
        .create_lineage_event(
            &sys(),
            NewLineageEvent {
                kind: LineageKind::Merge,
                date: date!(2025 - 07 - 01),
                from: vec![gl.id],
                to: vec![merged.id],
                legal_basis: None,
                note: None,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));

    let ev = s
        .create_lineage_event(
            &sys(),
            NewLineageEvent {
                kind: LineageKind::Merge,
                date: date!(2025 - 07 - 01),
                from: vec![gl.id, bd.id],
                to: vec![merged.id],
                legal_basis: Some("Nghị quyết 202/2025/QH15".into()),
                note: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(ev.from.len(), 2);
    assert_eq!(ev.to[0].id, merged.id);

    let old = s.unit(bd.id).await.unwrap();
    assert_eq!(old.valid_to, Some(date!(2025 - 06 - 30)));
    assert!(old.active_on(date!(2025 - 06 - 30)));
    assert!(!old.active_on(date!(2025 - 07 - 01)));
    // The old unit keeps its name: history stays true.
    assert_eq!(old.name, bd.name);

    for id in [gl.id, bd.id, merged.id] {
        let l = s.unit_lineage(id).await.unwrap();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].id, ev.id);
        assert_eq!(
            l[0].legal_basis.as_deref(),
            Some("Nghị quyết 202/2025/QH15")
        );
    }
    let active = s
        .list_units(&UnitFilter {
            active_on: Some(date!(2025 - 08 - 01)),
            parent: Some(Some(root.id)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        active.items.iter().map(|u| u.id).collect::<Vec<_>>(),
        [merged.id]
    );
}

pub async fn people_search_folds_diacritics(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let names = [
        "Nguyễn Văn Đức",
        "Nguyễn Văn Dục",
        "Trần Văn Đức",
        "Lê Thị Hoa",
        "Nguyễn Thị Đức Hạnh",
        "Lê Văn Dũng",
    ];
    for n in names {
        s.create_person(&sys(), new_person(n, root.id))
            .await
            .unwrap();
    }
    // Whole-phrase matches come first, then people whose words match in another order.
    s.create_person(&sys(), new_person("Nguyễn Đức Văn", root.id))
        .await
        .unwrap();
    let ranked: Vec<String> = s
        .search_people(&PersonFilter {
            q: Some("nguyen van duc".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.full_name)
        .collect();
    assert_eq!(ranked.len(), 3);
    assert_eq!(ranked[2], "Nguyễn Đức Văn");
    let mut plain = ranked[..2].to_vec();
    plain.sort();
    assert_eq!(plain, ["Nguyễn Văn Dục", "Nguyễn Văn Đức"]);
    let find = |q: &'static str| async move {
        let mut v: Vec<String> = s
            .search_people(&PersonFilter {
                q: Some(q.into()),
                ..Default::default()
            })
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.full_name)
            .filter(|n| n != "Nguyễn Đức Văn")
            .collect();
        v.sort();
        v
    };
    assert_eq!(find("Nguyễn Văn Đức").await, plain);
    assert_eq!(find("NGUYEN   VAN   DUC").await, plain);
    assert_eq!(find("đức").await.len(), 4);
    assert_eq!(find("van").await.len(), 4);
    // Words of under three letters still match.
    assert_eq!(find("le").await, ["Lê Thị Hoa", "Lê Văn Dũng"]);
    assert_eq!(find("le dung").await, ["Lê Văn Dũng"]);
    assert!(find("khong co ai").await.is_empty());
}

pub async fn people_scope_and_paging(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let a = unit(s, "a", Some(root.id)).await;
    let a1 = unit(s, "a1", Some(a.id)).await;
    let b = unit(s, "b", Some(root.id)).await;
    for i in 0..7 {
        s.create_person(
            &sys(),
            new_person(
                &format!(
                    "Người Số {}",
                    ["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy"][i]
                ),
                if i < 3 {
                    a.id
                } else if i < 5 {
                    a1.id
                } else {
                    b.id
                },
            ),
        )
        .await
        .unwrap();
    }
    let count = |f: PersonFilter| async move { s.search_people(&f).await.unwrap().total };
    assert_eq!(count(PersonFilter::default()).await, 7);
    assert_eq!(
        count(PersonFilter {
            scope: Some(vec![a.id]),
            ..Default::default()
        })
        .await,
        5
    );
    assert_eq!(
        count(PersonFilter {
            scope: Some(vec![a1.id, b.id]),
            ..Default::default()
        })
        .await,
        4
    );
    assert_eq!(
        count(PersonFilter {
            scope: Some(vec![]),
            ..Default::default()
        })
        .await,
        0
    );
    assert_eq!(
        count(PersonFilter {
            under_unit: Some(a1.id),
            ..Default::default()
        })
        .await,
        2
    );
    assert_eq!(
        count(PersonFilter {
            under_unit: Some(a.id),
            scope: Some(vec![b.id]),
            ..Default::default()
        })
        .await,
        0
    );
    let p2 = s
        .search_people(&PersonFilter {
            paging: Paging::new(Some(2), Some(3)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((p2.total, p2.items.len(), p2.page), (7, 3, 2));
    let p3 = s
        .search_people(&PersonFilter {
            paging: Paging::new(Some(3), Some(3)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(p3.items.len(), 1);
    assert!(
        p2.items
            .iter()
            .all(|p| p3.items.iter().all(|q| q.id != p.id))
    );
}

pub async fn positions_and_ratings(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let other = unit(s, "so_noi_vu", Some(root.id)).await;
    let mut np = new_person("Phạm Thị Lan", root.id);
    np.gender = Gender::Female;
    np.birth = Some(Birth::Date(date!(1985 - 03 - 02)));
    np.cccd = Some("001185000123".into());
    let p = s.create_person(&sys(), np).await.unwrap();
    assert_eq!(p.birth, Some(Birth::Date(date!(1985 - 03 - 02))));
    assert_eq!(p.unit_name, "Đơn vị vn");

    let ch = |unit_id: i64, since| PersonChanges {
        full_name: p.full_name.clone(),
        gender: p.gender,
        birth: p.birth,
        cccd: p.cccd.clone(),
        unit_id,
        position: Some("Trưởng phòng".into()),
        position_since: since,
        ratings: vec![RatingRow {
            year: 2022,
            rating: TaskRating::Completed,
        }],
    };
    let err = s
        .update_person(&sys(), p.id, ch(other.id, date!(2019 - 01 - 01)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref i) if i.field == "ngay_nhan_chuc_vu"),
        "{err:?}"
    );
    let moved = s
        .update_person(&sys(), p.id, ch(other.id, date!(2024 - 03 - 01)))
        .await
        .unwrap();
    assert_eq!(moved.unit_id, other.id);
    let pos = s.person_positions(p.id).await.unwrap();
    assert_eq!(pos.len(), 2);
    assert_eq!(pos[0].unit_id, other.id);
    assert_eq!(pos[0].end_date, None);
    assert_eq!(pos[1].end_date, Some(date!(2024 - 02 - 29)));

    let r = |year, rating| RatingRow { year, rating };
    // The refused update wrote no rating; the accepted one wrote its 2022 rating with it.
    assert_eq!(
        s.person_ratings(p.id).await.unwrap(),
        [r(2022, TaskRating::Completed)]
    );
    s.put_ratings(
        &sys(),
        p.id,
        &[r(2023, TaskRating::Good), r(2024, TaskRating::Excellent)],
    )
    .await
    .unwrap();
    let after = s
        .put_ratings(&sys(), p.id, &[r(2023, TaskRating::Excellent)])
        .await
        .unwrap();
    assert_eq!(
        after,
        [
            r(2022, TaskRating::Completed),
            r(2023, TaskRating::Excellent),
            r(2024, TaskRating::Excellent)
        ]
    );
    assert_eq!(s.person_ratings(p.id).await.unwrap(), after);
    assert!(matches!(
        s.put_ratings(&sys(), 999_999, &[r(2023, TaskRating::Good)])
            .await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn conflicts_are_clear(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let err = s
        .create_unit(&sys(), new_unit("vn", "Trùng", UnitKind::Other, None))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m == "Mã đơn vị đã tồn tại"),
        "{err:?}"
    );
    let mut a = new_person("Hoàng Văn An", root.id);
    a.cccd = Some("001080000001".into());
    s.create_person(&sys(), a.clone()).await.unwrap();
    a.full_name = "Hoàng Văn Bình".into();
    let err = s.create_person(&sys(), a).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("CCCD")),
        "{err:?}"
    );
    assert!(matches!(
        s.unit(424_242).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.person(424_242).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn failed_write_leaves_nothing(s: Arc<dyn Store>) {
    let s = &*s;
    unit(s, "vn", None).await;
    let (seq_before, _) = s.audit_head().await.unwrap();
    // A person in a unit that does not exist: the insert fails, nothing remains.
    assert!(
        s.create_person(&sys(), new_person("Không Ai", 987_654))
            .await
            .is_err()
    );
    assert!(
        s.create_unit(
            &sys(),
            new_unit("x", "Con mồ côi", UnitKind::Other, Some(987_654))
        )
        .await
        .is_err()
    );
    assert_eq!(s.audit_head().await.unwrap().0, seq_before);
    assert_eq!(
        s.search_people(&PersonFilter::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(s.unit_by_code("x").await.is_err());
    assert_eq!(verify_chain(s).await, seq_before);
}

pub async fn accounts_sessions_tokens(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let u = s
        .create_user(
            &sys(),
            NewUser {
                username: "chuyenvien".into(),
                display_name: "Chuyên viên Một".into(),
                password_hash: "$argon2id$fake".into(),
                grants: vec![(Role::BoardSpecialist, root.id), (Role::Viewer, root.id)],
            },
        )
        .await
        .unwrap();
    assert!(u.active);
    let dup = s
        .create_user(
            &sys(),
            NewUser {
                username: "chuyenvien".into(),
                display_name: "X".into(),
                password_hash: "h".into(),
                grants: vec![],
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(ref m) if m.contains("Tên đăng nhập")));
    assert_eq!(
        s.user_grants(u.id).await.unwrap(),
        [
            Grant {
                role: Role::BoardSpecialist,
                unit_id: root.id
            },
            Grant {
                role: Role::Viewer,
                unit_id: root.id
            }
        ]
    );
    assert_eq!(
        s.user_by_username("chuyenvien").await.unwrap().unwrap().id,
        u.id
    );
    assert!(s.user_by_username("khong").await.unwrap().is_none());

    // Failures count up; a lock resets the counter and sets the time.
    s.record_login_failure(u.id, None).await.unwrap();
    s.record_login_failure(u.id, None).await.unwrap();
    assert_eq!(s.user(u.id).await.unwrap().failed_logins, 2);
    let until = OffsetDateTime::now_utc() + Duration::minutes(15);
    s.record_login_failure(u.id, Some(until)).await.unwrap();
    let locked = s.user(u.id).await.unwrap();
    assert_eq!(locked.failed_logins, 0);
    assert_eq!(
        locked.locked_until.map(|t| t.unix_timestamp()),
        Some(until.unix_timestamp())
    );

    let now = OffsetDateTime::now_utc();
    s.open_session(
        u.id,
        NewSession {
            token_hash: "h1".into(),
            csrf_token: "c1".into(),
            expires_at: now + Duration::hours(8),
        },
    )
    .await
    .unwrap();
    assert_eq!(s.user(u.id).await.unwrap().locked_until, None);
    let sess = s.session("h1", now).await.unwrap().unwrap();
    assert_eq!((sess.user_id, sess.csrf_token.as_str()), (u.id, "c1"));
    assert!(
        s.session("h1", now + Duration::hours(9))
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.session("other", now).await.unwrap().is_none());
    s.close_session(&Actor::user(u.id, "chuyenvien"), "h1")
        .await
        .unwrap();
    assert!(s.session("h1", now).await.unwrap().is_none());

    // Password change ends every session.
    s.open_session(
        u.id,
        NewSession {
            token_hash: "h2".into(),
            csrf_token: "c2".into(),
            expires_at: now + Duration::hours(8),
        },
    )
    .await
    .unwrap();
    s.set_password(&sys(), u.id, "$argon2id$new").await.unwrap();
    assert!(s.session("h2", now).await.unwrap().is_none());
    assert_eq!(s.user(u.id).await.unwrap().password_hash, "$argon2id$new");

    let t = s
        .create_api_token(&sys(), u.id, "máy chủ báo cáo", "th1")
        .await
        .unwrap();
    assert_eq!(s.api_token_user("th1").await.unwrap(), Some(u.id));
    assert!(
        s.list_api_tokens(u.id).await.unwrap()[0]
            .last_used_at
            .is_some()
    );
    assert!(matches!(
        s.revoke_api_token(&sys(), u.id + 1, t.id).await,
        Err(StoreError::NotFound(_))
    ));
    s.revoke_api_token(&sys(), u.id, t.id).await.unwrap();
    assert_eq!(s.api_token_user("th1").await.unwrap(), None);
    assert!(
        s.list_api_tokens(u.id).await.unwrap()[0]
            .revoked_at
            .is_some()
    );
    verify_chain(s).await;
}

pub async fn audit_chain_covers_every_write(s: Arc<dyn Store>) {
    let s = &*s;
    assert_eq!(verify_chain(s).await, 0);
    let root = unit(s, "vn", None).await;
    let p = s
        .create_person(&sys(), new_person("Đặng Văn Nam", root.id))
        .await
        .unwrap();
    s.put_ratings(
        &sys(),
        p.id,
        &[RatingRow {
            year: 2024,
            rating: TaskRating::Good,
        }],
    )
    .await
    .unwrap();
    let entries = s.audit_entries(0, 100).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["unit.create", "person.create", "person.ratings"]);
    assert_eq!(entries[1].actor, "system:test");
    assert_eq!(entries[1].entity_id, p.id.to_string());
    let after: serde_json::Value =
        serde_json::from_str(entries[1].after.as_deref().unwrap()).unwrap();
    assert_eq!(after["full_name"], "Đặng Văn Nam");
    assert!(entries[2].before.as_deref().unwrap().contains("[]"));
    assert_eq!(verify_chain(s).await, 3);
    assert_eq!(s.audit_entries(1, 1).await.unwrap()[0].seq, 2);
}

pub async fn concurrent_writes_all_succeed(s: Arc<dyn Store>) {
    let root = unit(&*s, "vn", None).await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            // A read-then-write use case: read the unit, then write a person into it.
            let u = s.unit(root.id).await?;
            s.create_person(
                &Actor::system("load"),
                new_person(
                    &format!("Người Thứ {}", "abcdefghij".chars().nth(i % 10).unwrap()),
                    u.id,
                ),
            )
            .await
        }));
    }
    let mut failures = Vec::new();
    for t in tasks {
        if let Err(e) = t.await.unwrap() {
            failures.push(e.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 200 failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert_eq!(
        s.search_people(&PersonFilter::default())
            .await
            .unwrap()
            .total,
        200
    );
    assert_eq!(verify_chain(&*s).await, 201);
}

pub async fn clusters_keep_historic_members(s: Arc<dyn Store>) {
    use tdkt_domain::cluster::{ClusterKind, MemberRole};
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let bd = unit(s, "binh_dinh", Some(root.id)).await;
    let ld = unit(s, "lam_dong_cu", Some(root.id)).await;
    let kt = unit(s, "kon_tum", Some(root.id)).await;
    let c = s
        .create_cluster(
            &sys(),
            NewCluster {
                code: "tay_nguyen".into(),
                name: "Cụm thi đua Tây Nguyên".into(),
                kind: ClusterKind::Cluster,
                organiser: "Hội đồng Thi đua - Khen thưởng Trung ương".into(),
                organiser_unit_id: None,
                supervisor: None,
                source: Some("003".into()),
                note: None,
                years: vec![
                    NewClusterYear {
                        year: 2023,
                        note: Some("Bầu cụm trưởng".into()),
                        roles_illustrative: false,
                        members: vec![
                            (kt.id, MemberRole::Member, true),
                            (ld.id, MemberRole::Deputy, false),
                            (bd.id, MemberRole::Leader, false),
                        ],
                    },
                    NewClusterYear {
                        year: 2022,
                        note: None,
                        roles_illustrative: false,
                        members: vec![(bd.id, MemberRole::Member, false)],
                    },
                ],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        c.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        [2022, 2023]
    );
    let y23 = &c.years[1];
    assert_eq!(
        y23.members
            .iter()
            .map(|m| (m.unit.code.as_str(), m.role))
            .collect::<Vec<_>>(),
        [
            ("binh_dinh", MemberRole::Leader),
            ("lam_dong_cu", MemberRole::Deputy),
            ("kon_tum", MemberRole::Member)
        ]
    );
    assert!(y23.members[2].illustrative);
    assert_eq!(s.cluster(c.id).await.unwrap(), c);
    assert_eq!(s.list_clusters().await.unwrap(), std::slice::from_ref(&c));
    let of_bd = s.unit_clusters(bd.id).await.unwrap();
    assert_eq!(
        of_bd.iter().map(|r| (r.year, r.role)).collect::<Vec<_>>(),
        [(2022, MemberRole::Member), (2023, MemberRole::Leader)]
    );
    let dup = s
        .create_cluster(
            &sys(),
            NewCluster {
                code: "tay_nguyen".into(),
                name: "Trùng mã".into(),
                kind: ClusterKind::Block,
                organiser: "X".into(),
                organiser_unit_id: None,
                supervisor: None,
                source: None,
                note: None,
                years: vec![],
            },
        )
        .await;
    assert!(
        matches!(dup, Err(StoreError::Conflict(ref m)) if m == "Mã cụm, khối thi đua đã tồn tại"),
        "{dup:?}"
    );
}

async fn conference_fixture(s: &dyn Store) -> (i64, Vec<i64>) {
    use tdkt_domain::cluster::{ClusterKind, MemberRole};
    let root = unit(s, "vn", None).await;
    let mut members = Vec::new();
    for i in 0..5 {
        members.push(unit(s, &format!("tinh_{i}"), Some(root.id)).await.id);
    }
    let c = s
        .create_cluster(
            &sys(),
            NewCluster {
                code: "cum".into(),
                name: "Cụm thử".into(),
                kind: ClusterKind::Cluster,
                organiser: "Hội đồng".into(),
                organiser_unit_id: Some(root.id),
                supervisor: None,
                source: None,
                note: None,
                years: vec![NewClusterYear {
                    year: 2022,
                    note: None,
                    roles_illustrative: false,
                    members: members
                        .iter()
                        .enumerate()
                        .map(|(i, u)| {
                            (
                                *u,
                                if i == 0 {
                                    MemberRole::Leader
                                } else {
                                    MemberRole::Member
                                },
                                false,
                            )
                        })
                        .collect(),
                }],
            },
        )
        .await
        .unwrap();
    (c.id, members)
}

pub async fn conference_flow(s: Arc<dyn Store>) {
    use tdkt_domain::cluster::MemberRole;
    let s = &*s;
    let (cid, m) = conference_fixture(s).await;
    assert!(s.covenant(cid, 2022).await.unwrap().is_none());
    s.put_covenant(
        &sys(),
        cid,
        2022,
        "Giao ước 2022",
        "{\"criteria\":[]}",
        "{}",
    )
    .await
    .unwrap();
    s.put_covenant(
        &sys(),
        cid,
        2022,
        "Giao ước thi đua năm 2022",
        "{\"criteria\":[1]}",
        "{\"method\":{\"name\":\"mean\"}}",
    )
    .await
    .unwrap();
    s.sign_covenant(
        &sys(),
        cid,
        2022,
        SignatureRow {
            unit_id: m[1],
            signer: "Phó Chủ tịch UBND tỉnh".into(),
            signed_on: date!(2022 - 03 - 30),
        },
    )
    .await
    .unwrap();
    let cov = s.covenant(cid, 2022).await.unwrap().unwrap();
    assert_eq!(
        (
            cov.title.as_str(),
            cov.table_json.as_str(),
            cov.scoring_closed
        ),
        ("Giao ước thi đua năm 2022", "{\"criteria\":[1]}", false)
    );
    assert_eq!(cov.signatures.len(), 1);

    let sc = |scorer, target, p: f64| ScoreRow {
        scorer_id: scorer,
        target_id: target,
        criterion_id: "1.1".into(),
        points: p,
        note: None,
    };
    s.put_scores(
        &sys(),
        cid,
        2022,
        &[sc(m[0], m[1], 8.0), sc(m[0], m[2], 7.5)],
        &[IndicatorRow {
            unit_id: m[1],
            criterion_id: "1.2".into(),
            value: 105.54,
        }],
    )
    .await
    .unwrap();
    s.put_scores(&sys(), cid, 2022, &[sc(m[0], m[1], 9.0)], &[])
        .await
        .unwrap();
    let (scores, ind) = s.cluster_scores(cid, 2022).await.unwrap();
    assert_eq!(scores.len(), 2);
    assert_eq!(
        scores.iter().find(|x| x.target_id == m[1]).unwrap().points,
        9.0
    );
    assert_eq!(ind[0].value, 105.54);
    s.set_scoring_closed(&sys(), cid, 2022, true).await.unwrap();
    assert!(s.covenant(cid, 2022).await.unwrap().unwrap().scoring_closed);

    let b = s
        .create_ballot(&sys(), cid, 2022, "Suy tôn 2022", "{\"categories\":[]}")
        .await
        .unwrap();
    assert_eq!(b.status, BallotStatus::Draft);
    assert!(
        matches!(s.cast_vote(&sys(), b.id, m[0], "{}").await, Err(StoreError::Conflict(ref e)) if e.contains("chưa mở"))
    );
    let b = s
        .open_ballot(&sys(), b.id, "{\"resolved\":true}", "abc")
        .await
        .unwrap();
    assert_eq!(
        (b.status, b.rule_hash.as_deref()),
        (BallotStatus::Open, Some("abc"))
    );
    assert!(matches!(
        s.open_ballot(&sys(), b.id, "{}", "x").await,
        Err(StoreError::Conflict(_))
    ));
    s.cast_vote(&sys(), b.id, m[0], "{\"truong\":[\"a\"]}")
        .await
        .unwrap();
    let again = s
        .cast_vote(&sys(), b.id, m[0], "{\"truong\":[\"b\"]}")
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::Conflict(ref e) if e.contains("đã bỏ phiếu")),
        "{again:?}"
    );
    assert!(
        s.record_papers(&sys(), b.id, &[m[1]], &["{}".into(), "{}".into()])
            .await
            .is_err()
    );
    s.record_papers(
        &sys(),
        b.id,
        &[m[1], m[2], m[3]],
        &[
            "{\"truong\":[\"b\"]}".into(),
            "{\"truong\":[\"c\"]}".into(),
            "{}".into(),
        ],
    )
    .await
    .unwrap();
    assert_eq!(s.ballot_voters(b.id).await.unwrap().len(), 4);
    let mut before = s.ballot_papers(b.id).await.unwrap();
    before.sort();
    // Nothing in the audit log says what a unit chose.
    let log = s.audit_entries(0, 1000).await.unwrap();
    assert!(
        log.iter()
            .filter(|e| e.action.starts_with("ballot."))
            .all(|e| !e.after.as_deref().unwrap_or("").contains("truong"))
    );

    // A count that misses a paper (one cast while counting) is refused.
    let stale = s
        .close_ballot(
            &sys(),
            b.id,
            BallotClose {
                papers_counted: 3,
                result_json: "{}".into(),
                proposals: vec![],
                next_year: None,
            },
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict(ref m)) if m.contains("kiểm phiếu lại")),
        "{stale:?}"
    );
    let closed = s
        .close_ballot(
            &sys(),
            b.id,
            BallotClose {
                papers_counted: 4,
                result_json: "{\"ok\":true}".into(),
                proposals: vec![NewProposal {
                    unit_id: m[2],
                    award_code: "co_thi_dua_chinh_phu".into(),
                    votes: 4,
                }],
                next_year: Some(NewClusterYear {
                    year: 2023,
                    note: Some("Bầu tại hội nghị".into()),
                    roles_illustrative: false,
                    members: vec![
                        (m[2], MemberRole::Leader, false),
                        (m[3], MemberRole::Deputy, false),
                        (m[0], MemberRole::Member, false),
                    ],
                }),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (closed.status, closed.result_json.as_deref()),
        (BallotStatus::Closed, Some("{\"ok\":true}"))
    );
    let mut after = s.ballot_papers(b.id).await.unwrap();
    after.sort();
    assert_eq!(before, after, "closing keeps every paper");
    assert!(
        matches!(s.cast_vote(&sys(), b.id, m[4], "{}").await, Err(StoreError::Conflict(ref e)) if e.contains("kết thúc"))
    );
    let props = s.cluster_proposals(cid, 2022).await.unwrap();
    assert_eq!(
        (
            props[0].unit_id,
            props[0].award_code.as_str(),
            props[0].votes
        ),
        (m[2], "co_thi_dua_chinh_phu", 4)
    );
    let c = s.cluster(cid).await.unwrap();
    let y23 = c.years.iter().find(|y| y.year == 2023).unwrap();
    assert_eq!(y23.members[0].role, MemberRole::Leader);
    assert_eq!(y23.members[0].unit.id, m[2]);
    assert_eq!(s.ballots(cid, 2022).await.unwrap().len(), 1);

    s.set_cluster_rotation(&sys(), cid, &[m[3], m[1], m[2]], 2)
        .await
        .unwrap();
    assert_eq!(
        s.cluster_rotation(cid).await.unwrap(),
        (vec![m[3], m[1], m[2]], 2)
    );
    verify_chain(s).await;
}

pub async fn one_vote_per_unit_under_concurrency(s: Arc<dyn Store>) {
    let (cid, m) = conference_fixture(&*s).await;
    s.put_covenant(&sys(), cid, 2022, "Giao ước", "{}", "{}")
        .await
        .unwrap();
    let b = s
        .create_ballot(&sys(), cid, 2022, "Suy tôn", "{}")
        .await
        .unwrap();
    s.open_ballot(&sys(), b.id, "{}", "h").await.unwrap();
    // 20 attempts by the same unit at once: one paper.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = s.clone();
        let (bid, voter) = (b.id, m[0]);
        tasks.push(tokio::spawn(async move {
            s.cast_vote(
                &Actor::system("vote"),
                bid,
                voter,
                &format!("{{\"n\":{i}}}"),
            )
            .await
        }));
    }
    // …and the four other units at the same time.
    for voter in m[1..].iter().copied() {
        let s = s.clone();
        let bid = b.id;
        tasks.push(tokio::spawn(async move {
            s.cast_vote(&Actor::system("vote"), bid, voter, "{}").await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(ok, 5);
    assert_eq!(s.ballot_voters(b.id).await.unwrap().len(), 5);
    assert_eq!(s.ballot_papers(b.id).await.unwrap().len(), 5);
}

pub async fn history_titles_awards_initiatives(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let dept = unit(s, "so", Some(root.id)).await;
    let team = unit(s, "phong", Some(dept.id)).await;
    let a = s
        .create_person(&sys(), new_person("Đỗ Văn Một", dept.id))
        .await
        .unwrap();
    let b = s
        .create_person(&sys(), new_person("Đỗ Văn Hai", team.id))
        .await
        .unwrap();
    s.create_person(&sys(), new_person("Đỗ Văn Ba", root.id))
        .await
        .unwrap();
    let t = |year, code: &str| TitleRow {
        year,
        code: code.into(),
        decision: None,
    };
    s.put_person_titles(
        &sys(),
        a.id,
        &[
            t(2024, "lao_dong_tien_tien"),
            t(2025, "chien_si_thi_dua_co_so"),
        ],
        &[],
    )
    .await
    .unwrap();
    let after = s
        .put_person_titles(
            &sys(),
            a.id,
            &[TitleRow {
                year: 2025,
                code: "chien_si_thi_dua_co_so".into(),
                decision: Some("5/QĐ-SNV".into()),
            }],
            &[],
        )
        .await
        .unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(after[1].decision.as_deref(), Some("5/QĐ-SNV"));
    s.put_person_titles(&sys(), b.id, &[t(2025, "lao_dong_tien_tien")], &[])
        .await
        .unwrap();
    s.put_ratings(
        &sys(),
        a.id,
        &[RatingRow {
            year: 2025,
            rating: TaskRating::Excellent,
        }],
    )
    .await
    .unwrap();
    s.put_ratings(
        &sys(),
        b.id,
        &[RatingRow {
            year: 2025,
            rating: TaskRating::Good,
        }],
    )
    .await
    .unwrap();

    let rec = s
        .create_award_record(
            &sys(),
            NewAwardRecord {
                person_id: Some(a.id),
                unit_id: None,
                code: "bang_khen_tinh".into(),
                date: date!(2019 - 12 - 20),
                decision: Some("123/QĐ-UBND".into()),
                note: None,
                uses: None,
            },
        )
        .await
        .unwrap();
    s.create_award_record(
        &sys(),
        NewAwardRecord {
            person_id: None,
            unit_id: Some(dept.id),
            code: "co_thi_dua_tinh".into(),
            date: date!(2024 - 01 - 10),
            decision: None,
            note: None,
            uses: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(s.person_award_records(a.id).await.unwrap(), [rec]);
    assert_eq!(s.unit_award_records(dept.id).await.unwrap().len(), 1);
    let both = s
        .create_award_record(
            &sys(),
            NewAwardRecord {
                person_id: Some(a.id),
                unit_id: Some(dept.id),
                code: "x".into(),
                date: date!(2024 - 01 - 10),
                decision: None,
                note: None,
                uses: None,
            },
        )
        .await;
    assert!(
        both.is_err(),
        "a record is for a person or a unit, not both"
    );

    let sk = s
        .create_initiative(
            &sys(),
            NewInitiative {
                code: "SK-2025-01".into(),
                title: "Số hoá hồ sơ khen thưởng".into(),
                unit_id: dept.id,
                field: Some("Hành chính".into()),
                submitted_on: date!(2025 - 03 - 01),
                authors: vec![a.id, b.id],
            },
        )
        .await
        .unwrap();
    assert_eq!(sk.authors.len(), 2);
    assert_eq!(sk.scope, None);
    let dup = s
        .create_initiative(
            &sys(),
            NewInitiative {
                code: "SK-2025-01".into(),
                title: "Trùng".into(),
                unit_id: dept.id,
                field: None,
                submitted_on: date!(2025 - 03 - 01),
                authors: vec![],
            },
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(ref m)) if m.contains("Mã sáng kiến")));
    let reviewed = s
        .review_initiative(
            &sys(),
            sk.id,
            "co_so",
            date!(2025 - 10 - 01),
            Some("Giảm 30% thời gian".into()),
        )
        .await
        .unwrap();
    assert_eq!(
        (reviewed.scope.as_deref(), reviewed.recognized_on),
        (Some("co_so"), Some(date!(2025 - 10 - 01)))
    );
    assert_eq!(s.person_initiatives(b.id).await.unwrap()[0].id, sk.id);
    assert_eq!(s.initiative(sk.id).await.unwrap(), reviewed);

    // The department's subtree holds a and b; the root's also the third person.
    let st = s.member_stats(dept.id, 2025).await.unwrap();
    assert_eq!(st.total, 2);
    assert_eq!(
        st.ratings,
        [("httnv".to_string(), 1), ("htxsnv".to_string(), 1)]
    );
    assert_eq!(
        st.titles,
        [
            ("chien_si_thi_dua_co_so".to_string(), 1),
            ("lao_dong_tien_tien".to_string(), 1)
        ]
    );
    assert_eq!(s.member_stats(root.id, 2025).await.unwrap().total, 3);
    // Members are counted by the positions held that year: someone who left the subtree before
    // 2025 is not a member in 2025 but was in 2024.
    let c = s
        .create_person(&sys(), new_person("Đỗ Văn Bốn", team.id))
        .await
        .unwrap();
    s.update_person(
        &sys(),
        c.id,
        PersonChanges {
            full_name: c.full_name.clone(),
            gender: c.gender,
            birth: c.birth,
            cccd: None,
            unit_id: root.id,
            position: Some("Chuyên viên".into()),
            position_since: date!(2024 - 07 - 01),
            ratings: vec![],
        },
    )
    .await
    .unwrap();
    assert_eq!(s.member_stats(dept.id, 2025).await.unwrap().total, 2);
    assert_eq!(s.member_stats(dept.id, 2024).await.unwrap().total, 3);
    assert_eq!(s.member_stats(dept.id, 2019).await.unwrap().total, 0);

    // An award that uses an initiative marks it in the same transaction; a second use is
    // refused and leaves no award behind.
    let use_sk = |label: &str, on| InitiativeUse {
        codes: vec!["SK-2025-01".into()],
        label: label.into(),
        on,
    };
    s.create_award_record(
        &sys(),
        NewAwardRecord {
            person_id: Some(a.id),
            unit_id: None,
            code: "bang_khen_tinh".into(),
            date: date!(2025 - 12 - 20),
            decision: Some("9/QĐ-UBND".into()),
            note: None,
            uses: Some(use_sk("Bằng khen tỉnh 2025", date!(2025 - 12 - 20))),
        },
    )
    .await
    .unwrap();
    let used = s.initiative(sk.id).await.unwrap();
    assert_eq!(used.used_by.as_deref(), Some("Bằng khen tỉnh 2025"));
    assert_eq!(used.used_on, Some(date!(2025 - 12 - 20)));
    let again = s
        .create_award_record(
            &sys(),
            NewAwardRecord {
                person_id: Some(b.id),
                unit_id: None,
                code: "bang_khen_tinh".into(),
                date: date!(2025 - 12 - 21),
                decision: None,
                note: None,
                uses: Some(use_sk("Bằng khen tỉnh (b)", date!(2025 - 12 - 21))),
            },
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(ref m)) if m.contains("Bằng khen tỉnh 2025")),
        "{again:?}"
    );
    assert!(s.person_award_records(b.id).await.unwrap().is_empty());
    // Someone who is not an author cannot use it.
    let c_uses = s
        .put_person_titles(
            &sys(),
            c.id,
            &[t(2025, "chien_si_thi_dua_co_so")],
            &[use_sk("CSTĐCS 2025", date!(2025 - 12 - 31))],
        )
        .await;
    assert!(matches!(c_uses, Err(StoreError::Invalid(_))), "{c_uses:?}");
    assert!(s.person_titles(c.id).await.unwrap().is_empty());

    // A title that used an initiative: deleting it releases the initiative.
    let sk2 = s
        .create_initiative(
            &sys(),
            NewInitiative {
                code: "SK-2024-07".into(),
                title: "Phần mềm chấm điểm".into(),
                unit_id: team.id,
                field: None,
                submitted_on: date!(2024 - 02 - 01),
                authors: vec![b.id],
            },
        )
        .await
        .unwrap();
    let unreviewed = s
        .put_person_titles(
            &sys(),
            b.id,
            &[t(2024, "chien_si_thi_dua_co_so")],
            &[InitiativeUse {
                codes: vec!["SK-2024-07".into()],
                label: "CSTĐCS năm 2024".into(),
                on: date!(2024 - 12 - 31),
            }],
        )
        .await;
    assert!(
        matches!(unreviewed, Err(StoreError::Invalid(ref e)) if e.message.contains("chưa được hội đồng công nhận"))
    );
    s.review_initiative(&sys(), sk2.id, "co_so", date!(2024 - 11 - 01), None)
        .await
        .unwrap();
    s.put_person_titles(
        &sys(),
        b.id,
        &[t(2024, "chien_si_thi_dua_co_so")],
        &[InitiativeUse {
            codes: vec!["SK-2024-07".into()],
            label: "CSTĐCS năm 2024".into(),
            on: date!(2024 - 12 - 31),
        }],
    )
    .await
    .unwrap();
    assert!(s.initiative(sk2.id).await.unwrap().used_by.is_some());
    let left = s
        .delete_person_title(
            &sys(),
            b.id,
            2024,
            "chien_si_thi_dua_co_so",
            "CSTĐCS năm 2024",
        )
        .await
        .unwrap();
    assert_eq!(left, [t(2025, "lao_dong_tien_tien")]);
    assert_eq!(s.initiative(sk2.id).await.unwrap().used_by, None);
    assert!(matches!(
        s.delete_person_title(&sys(), b.id, 2024, "chien_si_thi_dua_co_so", "x")
            .await,
        Err(StoreError::NotFound(_))
    ));
    // The unit's initiatives: its own and those of units below, newest first.
    let listed = s.unit_initiatives(dept.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
        ["SK-2025-01", "SK-2024-07"]
    );
    assert_eq!(s.unit_initiatives(team.id).await.unwrap().len(), 1);

    // An import is all or nothing: a bad person id at the end leaves nothing written.
    let batch = HistoryBatch {
        ratings: vec![(
            c.id,
            vec![RatingRow {
                year: 2023,
                rating: TaskRating::Good,
            }],
        )],
        titles: vec![(999_999, vec![t(2023, "lao_dong_tien_tien")])],
    };
    assert!(s.import_history(&sys(), &batch).await.is_err());
    assert!(s.person_ratings(c.id).await.unwrap().is_empty());
    let batch = HistoryBatch {
        titles: vec![(c.id, vec![t(2023, "lao_dong_tien_tien")])],
        ..batch
    };
    s.import_history(&sys(), &batch).await.unwrap();
    assert_eq!(s.person_ratings(c.id).await.unwrap().len(), 1);
    assert_eq!(s.person_titles(c.id).await.unwrap().len(), 1);
    verify_chain(s).await;
}

/// Bytes of a small PDF and their SHA-256 (the store trusts the hash the use case computed).
const PDF_X: &[u8] = b"%PDF-1.4\n% tdkt conformance\n%%EOF\n";
const PDF_X_SHA: &str = "a9977bc06552b9270a80e9968545081131052ee2b858edfc8c8d7f6064c96853";

/// Nomination dossiers: steps apply only at the version the caller saw, documents keep every
/// version with each file stored once, decisions are numbered per authority and year, and of
/// many concurrent moves from the same version exactly one wins.
pub async fn dossiers_versions_documents_decisions(s: Arc<dyn Store>) {
    use tdkt_domain::dossier::{CommendationType, State, Step};
    let st = &*s;
    let province = st
        .create_unit(
            &sys(),
            new_unit("tinh", "Tỉnh Thử Nghiệm", UnitKind::Province, None),
        )
        .await
        .unwrap();
    let other_province = st
        .create_unit(
            &sys(),
            new_unit("tinh_khac", "Tỉnh Khác", UnitKind::Province, None),
        )
        .await
        .unwrap();
    let dept = unit(st, "so", Some(province.id)).await;
    let person = st
        .create_person(&sys(), new_person("Lý Thị Hoa", dept.id))
        .await
        .unwrap();
    let draft = |title: &str, authority: i64| NewDossier {
        title: title.into(),
        unit_id: dept.id,
        authority_id: authority,
        kind: CommendationType::CongTrang,
        year: 2025,
        movement: None,
        cluster_proposal_id: None,
        created_by: None,
        today: date!(2025 - 11 - 03),
        nominees: vec![NewNominee {
            person_id: Some(person.id),
            unit_id: None,
            award_code: "bang_khen_tinh".into(),
            summary: "Hoàn thành xuất sắc nhiệm vụ năm 2025".into(),
            summary_key: "hoan thanh xuat sac nhiem vu nam 2025".into(),
        }],
    };
    let mv = |expected: i64, from: State, to: State, step: Step| DossierMove {
        expected_version: expected,
        from,
        to,
        step,
        reason: None,
        today: date!(2025 - 11 - 04),
        due_on: None,
        consultation_until: None,
        revoke_awards: false,
    };
    let is_stale = |e: &StoreError| matches!(e, StoreError::Conflict(m) if m.contains("vừa được người khác cập nhật"));

    // ---- optimistic versions
    let d = st
        .create_dossier(&sys(), draft("Hồ sơ thứ nhất", province.id))
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Draft, 1));
    assert_eq!(d.code, format!("HS-2025-{:05}", d.id));
    assert_eq!(d.nominees.len(), 1);
    assert_eq!(d.nominees[0].name, "Lý Thị Hoa");
    let moved = st
        .move_dossier(
            &sys(),
            d.id,
            mv(1, State::Draft, State::Submitted, Step::Submit),
        )
        .await
        .unwrap();
    assert_eq!((moved.state, moved.version), (State::Submitted, 2));
    // The version the caller saw is gone: refused, naming the state it is in now.
    let e = st
        .move_dossier(
            &sys(),
            d.id,
            mv(1, State::Submitted, State::Received, Step::Receive),
        )
        .await
        .unwrap_err();
    assert!(is_stale(&e) && e.to_string().contains("Đã gửi"), "{e:?}");
    // The right version but a state the dossier is no longer in: refused too.
    let e = st
        .move_dossier(
            &sys(),
            d.id,
            mv(2, State::Draft, State::Submitted, Step::Submit),
        )
        .await
        .unwrap_err();
    assert!(is_stale(&e), "{e:?}");
    let now = st.dossier(d.id).await.unwrap();
    assert_eq!((now.state, now.version), (State::Submitted, 2));
    let events = st.dossier_events(d.id).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.code()).collect::<Vec<_>>(),
        ["tao", "chuyen_buoc"]
    );
    assert_eq!(events[1].step.map(Step::code), Some("gui"));
    assert_eq!(events[1].version, 2);

    // ---- documents: two versions of one document, with the same bytes as another document
    let doc = |document_id: Option<i64>, slot: &str, filename: &str| NewDocument {
        document_id,
        slot: tdkt_domain::dossier::DocumentSlot::parse("slot", slot).unwrap(),
        title: slot.into(),
        filename: filename.into(),
        mime: "application/pdf".into(),
        sha256: PDF_X_SHA.into(),
        bytes: PDF_X.to_vec(),
        uploaded_by: None,
    };
    let a = st
        .add_document(&sys(), d.id, doc(None, "to_trinh", "to-trinh.pdf"))
        .await
        .unwrap();
    let b1 = st
        .add_document(&sys(), d.id, doc(None, "bao_cao_thanh_tich", "bao-cao.pdf"))
        .await
        .unwrap();
    assert_ne!(a.id, b1.id);
    let b2 = st
        .add_document(
            &sys(),
            d.id,
            doc(Some(b1.id), "bao_cao_thanh_tich", "bao-cao-v2.pdf"),
        )
        .await
        .unwrap();
    assert_eq!(b2.id, b1.id);
    assert_eq!(
        b2.versions
            .iter()
            .map(|v| (v.version, v.filename.as_str(), v.sha256.as_str()))
            .collect::<Vec<_>>(),
        [
            (1, "bao-cao.pdf", PDF_X_SHA),
            (2, "bao-cao-v2.pdf", PDF_X_SHA)
        ]
    );
    let docs = st.dossier_documents(d.id).await.unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].versions.len(), 1);
    assert_eq!(docs[1].versions.len(), 2);
    for v in docs.iter().flat_map(|d| &d.versions) {
        assert_eq!(v.sha256, PDF_X_SHA);
        assert_eq!(v.size, PDF_X.len() as i64);
        assert_eq!(v.mime, "application/pdf");
        assert_eq!(v.state, State::Submitted);
    }
    assert_eq!(
        st.blob(PDF_X_SHA).await.unwrap(),
        ("application/pdf".to_string(), PDF_X.to_vec())
    );
    assert!(matches!(
        st.blob(&"0".repeat(64)).await,
        Err(StoreError::NotFound(_))
    ));
    // Uploads are on the timeline but do not move the dossier's version.
    assert_eq!(st.dossier_events(d.id).await.unwrap().len(), 5);
    assert_eq!(st.dossier(d.id).await.unwrap().version, 2);

    // ---- decision numbers per authority and year
    let approved = |title: &'static str, authority: i64| async move {
        let d = st
            .create_dossier(&sys(), draft(title, authority))
            .await
            .unwrap();
        st.move_dossier(
            &sys(),
            d.id,
            mv(1, State::Draft, State::Approved, Step::Approve),
        )
        .await
        .unwrap()
    };
    let decision = |d: &DossierRow, authority: i64, year: i32, key: char| NewDecision {
        dossier_id: d.id,
        expected_version: d.version,
        authority_id: authority,
        year,
        symbol: "QĐ-UBND".into(),
        signed_on: tdkt_domain::dates::ymd(year, 12, 1),
        signer_name: "Nguyễn Văn Ký".into(),
        signer_title: "CHỦ TỊCH".into(),
        doc_json: "{}".into(),
        base_salary: 2_340_000,
        total: 3_510_000,
        awards: vec![NewDecisionAward {
            nominee_id: d.nominees[0].id,
            person_id: Some(person.id),
            unit_id: None,
            subject_name: "Lý Thị Hoa".into(),
            name_key: "ly thi hoa".into(),
            code: "bang_khen_tinh".into(),
            amount: 3_510_000,
            cert_key: key.to_string().repeat(32),
            title_year: None,
        }],
        due_on: None,
    };
    let first = approved("Hồ sơ được duyệt 1", province.id).await;
    // A stale version issues nothing and uses no number.
    let mut stale = decision(&first, province.id, 2025, 'a');
    stale.expected_version -= 1;
    let e = st.issue_decision(&sys(), stale).await.unwrap_err();
    assert!(is_stale(&e), "{e:?}");
    assert_eq!(st.decision_of(first.id).await.unwrap(), None);
    let dec1 = st
        .issue_decision(&sys(), decision(&first, province.id, 2025, 'a'))
        .await
        .unwrap();
    assert_eq!((dec1.seq, dec1.number.as_str()), (1, "1/QĐ-UBND"));
    let after = st.dossier(first.id).await.unwrap();
    assert_eq!(
        (after.state, after.version),
        (State::DecisionIssued, first.version + 1)
    );
    assert_eq!(st.decision_of(first.id).await.unwrap(), Some(dec1.clone()));
    let second = approved("Hồ sơ được duyệt 2", province.id).await;
    let dec2 = st
        .issue_decision(&sys(), decision(&second, province.id, 2025, 'b'))
        .await
        .unwrap();
    assert_eq!((dec2.seq, dec2.number.as_str()), (2, "2/QĐ-UBND"));
    let next_year = approved("Hồ sơ năm sau", province.id).await;
    let dec3 = st
        .issue_decision(&sys(), decision(&next_year, province.id, 2026, 'c'))
        .await
        .unwrap();
    assert_eq!(
        (dec3.seq, dec3.year, dec3.number.as_str()),
        (1, 2026, "1/QĐ-UBND")
    );
    let elsewhere = approved("Hồ sơ tỉnh khác", other_province.id).await;
    let dec4 = st
        .issue_decision(&sys(), decision(&elsewhere, other_province.id, 2025, 'd'))
        .await
        .unwrap();
    assert_eq!(dec4.seq, 1);
    // Decisions signed at the same time by the same authority get distinct, gapless numbers.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let d = approved("Hồ sơ ký cùng lúc", other_province.id).await;
        let mut new = decision(&d, other_province.id, 2025, 'e');
        new.awards[0].cert_key = format!("{i:032x}");
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.issue_decision(&Actor::system("sign"), new).await
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap().unwrap().seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (2..=9).collect::<Vec<i32>>());
    // The decision wrote the register.
    let reg = st
        .search_register(&RegisterFilter {
            decision_id: Some(dec1.id),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(reg.len(), 1);
    assert_eq!(reg[0].subject_name, "Lý Thị Hoa");
    assert_eq!(reg[0].amount, Some(3_510_000));
    assert_eq!(
        reg[0].decision.as_deref(),
        Some("1/QĐ-UBND ngày 01/12/2025")
    );
    assert_eq!(reg[0].dossier_id, Some(first.id));
    assert_eq!(reg[0].revoked_on, None);

    // ---- 25 concurrent moves from the same version: exactly one wins
    let racing = st
        .create_dossier(&sys(), draft("Hồ sơ tranh chấp", province.id))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..25 {
        let s = s.clone();
        let id = racing.id;
        let m = mv(1, State::Draft, State::Submitted, Step::Submit);
        tasks.push(tokio::spawn(async move {
            s.move_dossier(&Actor::system("race"), id, m).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(d) => {
                assert_eq!(d.version, 2);
                ok += 1;
            }
            Err(e) if is_stale(&e) => {}
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    assert_eq!(ok, 1);
    let now = st.dossier(racing.id).await.unwrap();
    assert_eq!((now.state, now.version), (State::Submitted, 2));
    assert_eq!(st.dossier_events(racing.id).await.unwrap().len(), 2);
    verify_chain(st).await;
}
