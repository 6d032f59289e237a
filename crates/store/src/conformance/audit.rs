//! The audit chain covers every write.

use super::*;

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
