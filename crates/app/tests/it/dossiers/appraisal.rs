//! Appraisal: a result the engine cannot confirm needs written grounds, every nominee needs a
//! result before appraisal ends, and a nominee proposed twice (same award, or the same
//! achievement written again) is flagged on both dossiers.

use tdkt_app::dossiers::AppraisalInput;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::dossier::State;
use tdkt_store::DossierRow;

use super::fixtures::*;

on_both!(
    a_result_the_engine_cannot_confirm_needs_written_grounds,
    an_unknown_appraisal_result_is_refused,
    appraisal_ends_only_when_every_nominee_has_a_result,
    the_same_award_twice_in_a_year_is_flagged_both_ways,
    the_same_achievement_written_again_is_flagged,
    another_person_with_the_same_award_is_no_duplicate,
    a_withdrawn_dossier_no_longer_counts_as_a_duplicate,
);

/// Each recorded result moves the version, as a step does.
async fn a_result_the_engine_cannot_confirm_needs_written_grounds(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .under_appraisal(
            "cong_trang",
            w.the_three().into_iter().map(|(n, _)| n).collect(),
        )
        .await;
    let id = d.id;
    let mut trail = Trail::new(id);
    trail.check(&w, 6, "đến thẩm định").await;
    let duc_n = World::nominee(&d, Some(w.duc.id), None);
    let binh_n = World::nominee(&d, Some(w.binh.id), None);
    let school_n = World::nominee(&d, None, Some(w.school.id));
    let appraise = |nominee_id: i64, result: &str, reason: Option<&str>| {
        app.appraise_nominee(
            &w.specialist,
            id,
            AppraisalInput {
                version: None,
                nominee_id,
                result: result.into(),
                override_reason: reason.map(str::to_string),
            },
        )
    };
    // Đức has no stored history: the engine cannot find him eligible, so "đạt" needs the
    // specialist's written grounds.
    for reason in [None, Some("ngắn quá")] {
        let (field, msg) = invalid(refused(&w, Some(id), appraise(duc_n, "dat", reason)).await);
        assert_eq!(field, "override_reason");
        assert!(msg.contains("ít nhất 10 ký tự"), "{msg}");
    }
    trail.check(&w, 0, "thẩm định bị từ chối").await;
    let before = w.version(id).await;
    let d = appraise(duc_n, "dat", Some(CHECKED)).await.unwrap();
    let n = d.nominees.iter().find(|n| n.id == duc_n).unwrap();
    assert!(
        matches!(
            n.verdict.map(|x| x.code()),
            Some("not_eligible" | "needs_review" | "manual")
        ),
        "{:?}",
        n.verdict
    );
    assert_eq!(n.result.map(|x| x.code()), Some("dat"));
    assert_eq!(n.override_reason.as_deref(), Some(CHECKED));
    assert!(n.verdict_json.is_some());
    trail.check(&w, 1, "thẩm định Đức").await;
    appraise(binh_n, "khong_dat", Some("Sáng kiến chưa được công nhận"))
        .await
        .unwrap();
    trail.check(&w, 1, "thẩm định Bình").await;
    appraise(school_n, "dat", Some(CHECKED)).await.unwrap();
    trail.check(&w, 1, "thẩm định trường").await;
    assert_eq!(w.version(id).await, before + 3);
}

/// Đức and Bình under appraisal.
async fn duc_and_binh_under_appraisal(w: &World) -> DossierRow {
    w.under_appraisal(
        "cong_trang",
        vec![
            person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
            person_nominee(w.binh.id, "giay_khen", "Hoàn thành tốt nhiệm vụ được giao"),
        ],
    )
    .await
}

async fn an_unknown_appraisal_result_is_refused(b: Backend) {
    let w = world(b).await;
    let d = duc_and_binh_under_appraisal(&w).await;
    let id = d.id;
    let duc_n = World::nominee(&d, Some(w.duc.id), None);
    let (f, _) = invalid(
        refused(
            &w,
            Some(id),
            w.t.app.appraise_nominee(
                &w.specialist,
                id,
                AppraisalInput {
                    version: None,
                    nominee_id: duc_n,
                    result: "tot".into(),
                    override_reason: None,
                },
            ),
        )
        .await,
    );
    assert_eq!(f, "result");
}

async fn appraisal_ends_only_when_every_nominee_has_a_result(b: Backend) {
    let w = world(b).await;
    let d = duc_and_binh_under_appraisal(&w).await;
    let id = d.id;
    w.appraise(id, World::nominee(&d, Some(w.duc.id), None), "dat")
        .await;
    let (f, m) = invalid(
        refused(
            &w,
            Some(id),
            w.step(&w.specialist, id, "xong_tham_dinh", None),
        )
        .await,
    );
    assert_eq!(f, "tham_dinh");
    assert!(
        m.contains("Chưa ghi kết quả thẩm định của: Trần Thị Bình"),
        "{m}"
    );
    assert_eq!(
        w.t.store().dossier(id).await.unwrap().state,
        State::UnderAppraisal
    );
}

type Flag = (i64, String, Option<String>, String);

/// The duplicates the Board sees on a dossier: nominee, source, other dossier, reason.
async fn dups(w: &World, id: i64) -> Vec<Flag> {
    let v = w.t.app.dossier_view(&w.specialist, id).await.unwrap();
    v.duplicates
        .into_iter()
        .map(|x| {
            (
                x.nominee_id,
                x.source.code().to_string(),
                x.dossier_code,
                x.reason.code().to_string(),
            )
        })
        .collect()
}

fn flag(n: i64, other: &DossierRow, reason: &str) -> Flag {
    (
        n,
        "ho_so".to_string(),
        Some(other.code.clone()),
        reason.to_string(),
    )
}

async fn duc_draft(w: &World, award: &str, summary: &str) -> DossierRow {
    w.draft("cong_trang", vec![person_nominee(w.duc.id, award, summary)])
        .await
}

/// Đức proposed three times in 2026: (a) and (b) for the same award with different texts,
/// (c) for another award with (a)'s text spaced and accented differently.
async fn three_drafts_for_duc(w: &World) -> (DossierRow, DossierRow, DossierRow) {
    let a = duc_draft(w, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ năm 2026").await;
    let b = duc_draft(w, "bang_khen_tinh", "Chỉ đạo tốt phong trào chuyển đổi số").await;
    let c = duc_draft(
        w,
        "giay_khen",
        "  hoan thanh XUAT SAC   nhiệm vụ, năm 2026 ",
    )
    .await;
    (a, b, c)
}

async fn the_same_award_twice_in_a_year_is_flagged_both_ways(b: Backend) {
    let w = world(b).await;
    let a = duc_draft(
        &w,
        "bang_khen_tinh",
        "Hoàn thành xuất sắc nhiệm vụ năm 2026",
    )
    .await;
    assert!(dups(&w, a.id).await.is_empty());
    let b = duc_draft(&w, "bang_khen_tinh", "Chỉ đạo tốt phong trào chuyển đổi số").await;
    let (an, bn) = (a.nominees[0].id, b.nominees[0].id);
    assert_eq!(dups(&w, a.id).await, [flag(an, &b, "cung_khen_thuong")]);
    assert_eq!(dups(&w, b.id).await, [flag(bn, &a, "cung_khen_thuong")]);
}

/// The same achievement written again, spaced and accented differently, for another award.
async fn the_same_achievement_written_again_is_flagged(b: Backend) {
    let w = world(b).await;
    let (a, b, c) = three_drafts_for_duc(&w).await;
    let (an, cn) = (a.nominees[0].id, c.nominees[0].id);
    assert_eq!(c.nominees[0].summary_key, a.nominees[0].summary_key);
    assert_eq!(dups(&w, c.id).await, [flag(cn, &a, "cung_thanh_tich")]);
    let flagged = dups(&w, a.id).await;
    assert!(
        flagged.contains(&flag(an, &b, "cung_khen_thuong")),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&flag(an, &c, "cung_thanh_tich")),
        "{flagged:?}"
    );
    assert_eq!(flagged.len(), 2);
}

async fn another_person_with_the_same_award_is_no_duplicate(b: Backend) {
    let w = world(b).await;
    three_drafts_for_duc(&w).await;
    let other = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.binh.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ năm 2026",
            )],
        )
        .await;
    assert!(dups(&w, other.id).await.is_empty());
}

async fn a_withdrawn_dossier_no_longer_counts_as_a_duplicate(b: Backend) {
    let w = world(b).await;
    let (a, b, c) = three_drafts_for_duc(&w).await;
    w.step(
        &w.clerk,
        b.id,
        "rut",
        Some("Đơn vị rút để đề nghị ở đợt sau"),
    )
    .await
    .unwrap();
    assert_eq!(
        dups(&w, a.id).await,
        [flag(a.nominees[0].id, &c, "cung_thanh_tich")]
    );
}
