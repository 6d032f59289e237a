//! Units: the tree, moves with history, lineage of merges.

use super::*;

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
