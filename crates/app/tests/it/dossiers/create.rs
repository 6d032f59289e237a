//! Drafts: the unit prepares a dossier; the deciding authority is found, the list of nominees
//! can be edited, and bad input is refused in Vietnamese with nothing written.

use tdkt_app::dossiers::{DossierInput, NomineeInput};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::dossier::State;
use tdkt_domain::unit::UnitKind;
use tdkt_store::conformance::new_unit;
use tdkt_store::{Actor, DossierFilter};

use super::fixtures::*;

on_both!(
    a_draft_is_decided_by_the_nearest_province,
    editing_the_list_keeps_the_old_rows_marked_removed,
    invalid_nominees_are_refused_in_vietnamese_and_write_nothing,
);

/// The list the unit starts with: Đức, Bình and the school.
fn first_list(w: &World) -> Vec<NomineeInput> {
    vec![
        person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
        person_nominee(
            w.binh.id,
            "chien_si_thi_dua_co_so",
            "Có một sáng kiến cấp cơ sở",
        ),
        unit_nominee(
            w.school.id,
            "co_thi_dua_tinh",
            "Dẫn đầu khối thi đua các trường",
        ),
    ]
}

async fn a_draft_is_decided_by_the_nearest_province(b: Backend) {
    let w = world(b).await;
    let d =
        w.t.app
            .create_dossier(
                &w.clerk,
                DossierInput {
                    title: "Đề nghị khen thưởng năm học 2025-2026".into(),
                    unit_id: w.dept.id,
                    authority_id: None,
                    kind: "cong_trang".into(),
                    year: 2026,
                    movement_id: None,
                    cluster_proposal_id: None,
                    nominees: first_list(&w),
                },
            )
            .await
            .unwrap();
    assert_eq!(
        d.authority_id, w.province.id,
        "the nearest province decides, not the nation above it"
    );
    assert_eq!((d.state, d.version), (State::Draft, 1));
    assert_eq!(d.code, format!("HS-2026-{:05}", d.id));
    Trail::new(d.id).check(&w, 1, "tạo hồ sơ").await;
}

/// A new list replaces the old one at the next version; the first list is still in the
/// database, marked removed.
async fn editing_the_list_keeps_the_old_rows_marked_removed(b: Backend) {
    let w = world(b).await;
    let s = w.t.store();
    // A spare unit whose note receives counts made with raw SQL (raw_exec only executes).
    s.create_unit(
        &Actor::system("test"),
        new_unit("dem", "Ô đếm", UnitKind::Other, None),
    )
    .await
    .unwrap();
    let d = w.draft("cong_trang", first_list(&w)).await;
    let mut trail = Trail::new(d.id);
    trail.check(&w, 1, "tạo hồ sơ").await;
    let list = vec![
        person_nominee(
            w.duc.id,
            "bang_khen_tinh",
            "Hoàn thành xuất sắc nhiệm vụ năm học 2025-2026, có 2 sáng kiến cấp cơ sở",
        ),
        person_nominee(
            w.binh.id,
            "chien_si_thi_dua_co_so",
            "Có một sáng kiến cấp cơ sở",
        ),
        unit_nominee(
            w.school.id,
            "co_thi_dua_tinh",
            "Dẫn đầu khối thi đua các trường THPT",
        ),
    ];
    let d =
        w.t.app
            .update_nominees(&w.clerk, d.id, 1, &list)
            .await
            .unwrap();
    assert_eq!((d.state, d.version), (State::Draft, 2));
    assert_eq!(d.nominees.len(), 3);
    assert!(d.nominees[0].summary.contains("2 sáng kiến"));
    trail.check(&w, 1, "sửa danh sách").await;
    w.t.raw_exec(
        "UPDATE units SET note = CAST((SELECT COUNT(*) FROM dossier_nominees WHERE removed = TRUE) AS TEXT) || '/' || CAST((SELECT COUNT(*) FROM dossier_nominees) AS TEXT) WHERE code = 'dem'",
    )
    .await;
    assert_eq!(
        s.unit_by_code("dem").await.unwrap().note.as_deref(),
        Some("3/6"),
        "removed / all nominee rows"
    );
}

async fn invalid_nominees_are_refused_in_vietnamese_and_write_nothing(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();
    let all = DossierFilter {
        limit: 100,
        ..Default::default()
    };
    let create = |nominees: Vec<NomineeInput>| {
        app.create_dossier(
            &w.clerk,
            DossierInput {
                title: "Đề nghị khen thưởng năm 2026".into(),
                unit_id: w.dept.id,
                authority_id: None,
                kind: "cong_trang".into(),
                year: 2026,
                movement_id: None,
                cluster_proposal_id: None,
                nominees,
            },
        )
    };
    let cases: Vec<(Vec<NomineeInput>, &str, &str)> = vec![
        (
            vec![person_nominee(
                w.duc.id,
                "bang_khen_khong_co",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
            "nominees[0].award_code",
            "không có «bang_khen_khong_co» trong danh mục",
        ),
        (
            vec![
                person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
                person_nominee(
                    w.outsider.id,
                    "bang_khen_tinh",
                    "Hoàn thành xuất sắc nhiệm vụ",
                ),
            ],
            "nominees[1].person_id",
            "Phạm Văn Ngoài không thuộc đơn vị đề nghị",
        ),
        (
            vec![person_nominee(
                w.duc.id,
                "co_thi_dua_tinh",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
            "nominees[0].award_code",
            "không dành cho cá nhân",
        ),
        (
            vec![unit_nominee(
                w.school.id,
                "chien_si_thi_dua_co_so",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
            "nominees[0].award_code",
            "không dành cho tập thể",
        ),
        (
            vec![person_nominee(w.duc.id, "bang_khen_tinh", "   ")],
            "nominees[0].summary",
            "cần tóm tắt thành tích",
        ),
        (vec![], "nominees", "cần ít nhất một"),
    ];
    for (nominees, field, text) in cases {
        let (f, m) = invalid(refused(&w, None, create(nominees)).await);
        assert_eq!(f, field, "{m}");
        assert!(m.contains(text), "{m}");
    }
    assert!(s.list_dossiers(&all).await.unwrap().is_empty());
}
