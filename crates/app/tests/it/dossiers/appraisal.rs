//! Appraisal: duplicates flagged in both dossiers and against the register.

use super::*;

on_both!(duplicates_are_flagged_both_ways);

async fn duplicates_are_flagged_both_ways(b: Backend) {
    let w = &world(b).await;
    let app = &w.t.app;
    let dups = |id: i64| async move {
        let v = app.dossier_view(&w.specialist, id).await.unwrap();
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
            .collect::<Vec<_>>()
    };
    let a = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ năm 2026",
            )],
        )
        .await;
    assert!(dups(a.id).await.is_empty());
    let b = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Chỉ đạo tốt phong trào chuyển đổi số",
            )],
        )
        .await;
    let (an, bn) = (a.nominees[0].id, b.nominees[0].id);
    let same_award = |n: i64, other: &DossierRow| {
        (
            n,
            "ho_so".to_string(),
            Some(other.code.clone()),
            "cung_khen_thuong".to_string(),
        )
    };
    assert_eq!(dups(a.id).await, [same_award(an, &b)]);
    assert_eq!(dups(b.id).await, [same_award(bn, &a)]);

    // The same achievement written again, spaced and accented differently, for another award.
    let c = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "giay_khen",
                "  hoan thanh XUAT SAC   nhiệm vụ, năm 2026 ",
            )],
        )
        .await;
    let cn = c.nominees[0].id;
    assert_eq!(c.nominees[0].summary_key, a.nominees[0].summary_key);
    let same_text = |n: i64, other: &DossierRow| {
        (
            n,
            "ho_so".to_string(),
            Some(other.code.clone()),
            "cung_thanh_tich".to_string(),
        )
    };
    assert_eq!(dups(c.id).await, [same_text(cn, &a)]);
    let flagged = dups(a.id).await;
    assert!(flagged.contains(&same_award(an, &b)), "{flagged:?}");
    assert!(flagged.contains(&same_text(an, &c)), "{flagged:?}");
    assert_eq!(flagged.len(), 2);
    // Another person with the same award and year is no duplicate; a withdrawn dossier no
    // longer counts.
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
    assert!(dups(other.id).await.is_empty());
    w.step(
        &w.clerk,
        b.id,
        "rut",
        Some("Đơn vị rút để đề nghị ở đợt sau"),
    )
    .await
    .unwrap();
    assert_eq!(dups(a.id).await, [same_text(an, &c)]);
}
