//! Every write: clear conflicts, nothing left by a failed write, concurrent writes all succeed.

use super::*;

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
