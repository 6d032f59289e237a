//! `UnitStore`: the tree, moves with their history, lineage, folded search.

use std::sync::Arc;

use tdkt_domain::unit::{LineageKind, UnitKind};
use time::macros::date;

use super::fixtures::*;
use crate::*;

/// vn ─┬─ a ── a1 ── a11
///     └─ b
struct Tree {
    root: UnitRow,
    a: UnitRow,
    a1: UnitRow,
    a11: UnitRow,
    b: UnitRow,
}

async fn tree(s: &dyn Store) -> Tree {
    let root = unit(s, "vn", None).await;
    let a = unit(s, "a", Some(root.id)).await;
    let a1 = unit(s, "a1", Some(a.id)).await;
    let a11 = unit(s, "a11", Some(a1.id)).await;
    let b = unit(s, "b", Some(root.id)).await;
    Tree {
        root,
        a,
        a1,
        a11,
        b,
    }
}

async fn ancestors(s: &dyn Store, id: i64) -> Vec<String> {
    s.unit_ancestors(id)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.code)
        .collect()
}

/// Moves a1 (with its child) under b from 2025-07-01.
async fn move_a1_under_b(s: &dyn Store, t: &Tree) -> UnitRow {
    s.update_unit(
        &sys(),
        t.a1.id,
        UnitChanges {
            kind: t.a1.kind,
            name: t.a1.name.clone(),
            short_name: None,
            parent_id: Some(t.b.id),
            valid_to: None,
            note: None,
            effective: date!(2025 - 07 - 01),
        },
    )
    .await
    .unwrap()
}

pub async fn ancestors_children_and_roots(s: Arc<dyn Store>) {
    let s = &*s;
    let t = tree(s).await;
    assert_eq!(ancestors(s, t.a11.id).await, ["a1", "a", "vn"]);
    assert_eq!(s.unit(t.a.id).await.unwrap().child_count, 1);
    assert_eq!(s.unit_by_code("a1").await.unwrap().id, t.a1.id);

    let kids = s
        .list_units(&UnitFilter {
            parent: Some(Some(t.root.id)),
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
        [t.root.id]
    );
}

/// Move a1 (with its child) under b: the whole subtree follows, the old parent is history.
pub async fn moving_a_unit_moves_its_subtree_and_keeps_history(s: Arc<dyn Store>) {
    let s = &*s;
    let t = tree(s).await;
    let moved = move_a1_under_b(s, &t).await;
    assert_eq!(moved.parent_id, Some(t.b.id));
    assert_eq!(ancestors(s, t.a11.id).await, ["a1", "b", "vn"]);
    let hist = s.unit_history(t.a1.id).await.unwrap();
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0].parent_id, Some(t.a.id));
    assert_eq!(hist[0].valid_to, date!(2025 - 06 - 30));
}

/// Once a1 is under b, b cannot go under a11.
pub async fn a_unit_cannot_go_under_its_own_descendant(s: Arc<dyn Store>) {
    let s = &*s;
    let t = tree(s).await;
    move_a1_under_b(s, &t).await;
    let err = s
        .update_unit(
            &sys(),
            t.b.id,
            UnitChanges {
                kind: t.b.kind,
                name: t.b.name.clone(),
                short_name: None,
                parent_id: Some(t.a11.id),
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
}

/// Folded substring search on names and codes: "Đơn vị" is found as "don vi".
pub async fn unit_search_folds_diacritics(s: Arc<dyn Store>) {
    let s = &*s;
    tree(s).await;
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

/// A merge must name every unit it ends; the old units end the day before, keep their names,
/// and the event is on each side's lineage.
pub async fn a_merge_needs_every_predecessor_and_ends_them(s: Arc<dyn Store>) {
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

/// A taken code is a conflict said in Vietnamese; an unknown id is not found.
pub async fn a_duplicate_unit_code_is_a_clear_conflict(s: Arc<dyn Store>) {
    let s = &*s;
    unit(s, "vn", None).await;
    let err = s
        .create_unit(&sys(), new_unit("vn", "Trùng", UnitKind::Other, None))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m == "Mã đơn vị đã tồn tại"),
        "{err:?}"
    );
    assert!(matches!(
        s.unit(424_242).await,
        Err(StoreError::NotFound(_))
    ));
}
