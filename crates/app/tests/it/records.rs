//! Units and people through the use cases: parsing, clear errors, scoping.

use tdkt_app::people::{PersonInput, PersonPatch, RatingInput};
use tdkt_app::units::UnitInput;
use tdkt_domain::access::Role;
use tdkt_store::Paging;

use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp, principal};

on_both!(bad_input_is_named_and_writes_nothing, people_are_scoped);

async fn bad_input_is_named_and_writes_nothing(b: Backend) {
    let t = TestApp::new(b).await;
    let root = t.unit("vn", None).await;
    let p = principal(1, Role::BoardSpecialist, root.id);
    let base = PersonInput {
        full_name: "Trần Thị Bích".into(),
        gender: "nu".into(),
        birth: Some("1990-04-01".into()),
        cccd: Some("079190000001".into()),
        unit_id: root.id,
        position: Some("Chuyên viên".into()),
        position_since: Some("2020-01-01".into()),
        ratings: vec![RatingInput {
            year: 2024,
            rating: "htxsnv".into(),
        }],
    };
    let (seq0, _) = t.store().audit_head().await.unwrap();
    let cases: Vec<(PersonInput, &str, &str)> = vec![
        (
            PersonInput {
                cccd: Some("12345".into()),
                ..base.clone()
            },
            "cccd",
            "12 chữ số",
        ),
        (
            PersonInput {
                cccd: Some("079090000001".into()),
                ..base.clone()
            },
            "cccd",
            "giới tính",
        ),
        (
            PersonInput {
                gender: "n".into(),
                ..base.clone()
            },
            "gioi_tinh",
            "nam, nu",
        ),
        (
            PersonInput {
                birth: Some("01/04/1990".into()),
                ..base.clone()
            },
            "ngay_sinh",
            "NNNN-TT-NN",
        ),
        (
            PersonInput {
                full_name: "X".into(),
                ..base.clone()
            },
            "ho_ten",
            "2 đến 128",
        ),
        (
            PersonInput {
                ratings: vec![RatingInput {
                    year: 2024,
                    rating: "tot".into(),
                }],
                ..base.clone()
            },
            "xep_loai[0]",
            "htxsnv",
        ),
        (
            PersonInput {
                ratings: vec![
                    RatingInput {
                        year: 2024,
                        rating: "httnv".into(),
                    },
                    RatingInput {
                        year: 2024,
                        rating: "htnv".into(),
                    },
                ],
                ..base.clone()
            },
            "xep_loai[1]",
            "hai lần",
        ),
        (
            PersonInput {
                unit_id: 9999,
                ..base.clone()
            },
            "don_vi",
            "không tồn tại",
        ),
    ];
    for (input, field, words) in cases {
        let e = t.app.create_person(&p, input).await.unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(e.to_string().contains(words), "{field}: {e}");
    }
    assert_eq!(
        t.store().audit_head().await.unwrap().0,
        seq0,
        "nothing written"
    );

    let ok = t.app.create_person(&p, base.clone()).await.unwrap();
    assert_eq!(t.store().person_ratings(ok.id).await.unwrap().len(), 1);
    let dup = t
        .app
        .create_person(
            &p,
            PersonInput {
                full_name: "Người Khác".into(),
                ..base
            },
        )
        .await
        .unwrap_err();
    assert_eq!(dup.code(), "conflict");

    let e = t
        .app
        .create_unit(
            &p,
            UnitInput {
                code: "so noi vu".into(),
                kind: "so_nganh".into(),
                name: "Sở Nội vụ".into(),
                parent_id: Some(root.id),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("ma"));
    let e = t
        .app
        .create_unit(
            &p,
            UnitInput {
                code: "snv".into(),
                kind: "so".into(),
                name: "Sở Nội vụ".into(),
                parent_id: Some(root.id),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("loai"));
    let e = t
        .app
        .create_unit(
            &p,
            UnitInput {
                code: "snv".into(),
                kind: "so_nganh".into(),
                name: "Sở Nội vụ".into(),
                parent_id: Some(root.id),
                valid_from: Some("2025-07-01".into()),
                valid_to: Some("2025-01-01".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("hieu_luc_den"));
    let u = t
        .app
        .create_unit(
            &p,
            UnitInput {
                code: "SNV".into(),
                kind: "so_nganh".into(),
                name: " Sở  Nội vụ ".into(),
                parent_id: Some(root.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((u.code.as_str(), u.name.as_str()), ("snv", "Sở Nội vụ"));
    let moved = t
        .app
        .update_person(
            &p,
            ok.id,
            PersonPatch {
                unit_id: Some(u.id),
                position_since: Some("2025-08-01".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.unit_id, u.id);
    assert_eq!(t.store().person_positions(ok.id).await.unwrap().len(), 2);
}

async fn people_are_scoped(b: Backend) {
    let t = TestApp::new(b).await;
    let root = t.unit("vn", None).await;
    let a = t.unit("a", Some(root.id)).await;
    let bb = t.unit("b", Some(root.id)).await;
    let admin = principal(1, Role::Admin, root.id);
    for (name, unit) in [
        ("Nguyễn Văn Đức", a.id),
        ("Nguyễn Văn Đức", bb.id),
        ("Lê Thị Hoa", a.id),
    ] {
        t.app
            .create_person(
                &admin,
                PersonInput {
                    full_name: name.into(),
                    gender: "nam".into(),
                    unit_id: unit,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let clerk_a = principal(2, Role::UnitClerk, a.id);
    let found = t
        .app
        .search_people(&clerk_a, Some("nguyen van duc"), None, Paging::default())
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.items[0].unit_id, a.id);
    assert_eq!(
        t.app
            .search_people(&admin, Some("NGUYỄN VĂN ĐỨC"), None, Paging::default())
            .await
            .unwrap()
            .total,
        2
    );
    // The unit page of B shows no people to the clerk of A; the tree itself is public.
    let view = t
        .app
        .unit_view(&clerk_a, bb.id, Paging::default())
        .await
        .unwrap();
    assert_eq!(view.people.unwrap().total, 0);
    let view = t
        .app
        .unit_view(&clerk_a, root.id, Paging::default())
        .await
        .unwrap();
    assert_eq!(view.people.unwrap().total, 2);
    assert_eq!(view.children.total, 2);
}
