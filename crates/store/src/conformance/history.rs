//! History: titles, award records, initiatives used once, collective ratings.

use super::*;

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
