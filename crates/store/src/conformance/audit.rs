//! `AuditStore`: every write is chained into the audit log in its own transaction.

use std::sync::Arc;

use tdkt_domain::person::TaskRating;
use tdkt_domain::unit::UnitKind;

use super::fixtures::*;
use crate::*;

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

/// A failed write leaves neither its rows nor an audit entry.
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
