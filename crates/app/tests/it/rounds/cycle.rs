//! CSTĐ tỉnh is granted once per 3-year cycle: for CSTĐ toàn quốc, 2022 and 2025 are two
//! consecutive receipts, 2024 and 2025 are not.

use tdkt_app::history::TitleInput;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::eligibility::CheckRequest;

use super::fixtures::*;

on_both!(consecutive_cycles_of_cstd_tinh);

async fn hai_lan(w: &World, person: i64, years: [i32; 2]) -> Option<bool> {
    let app = &w.t.app;
    let titles: Vec<TitleInput> = years
        .into_iter()
        .map(|y| TitleInput {
            year: y,
            code: CSTDT.into(),
            decision: Some(format!("{y}/QĐ-UBND")),
            initiatives: vec![],
        })
        .collect();
    app.put_person_titles(&w.specialist, person, &titles)
        .await
        .unwrap();
    let v = app
        .rules
        .check(&CheckRequest {
            award: "chien_si_thi_dua_toan_quoc".into(),
            reference_date: REF,
            subject: app.person_subject(person).await.unwrap(),
        })
        .unwrap();
    v.criteria
        .iter()
        .find(|c| c.rule == "cstdtq.hai_lan_cstdt")
        .expect("the criterion")
        .passed
}

async fn consecutive_cycles_of_cstd_tinh(b: Backend) {
    let w = world(b).await;
    assert_eq!(hai_lan(&w, w.an80.id, [2022, 2025]).await, Some(true));
    assert_eq!(hai_lan(&w, w.an90.id, [2024, 2025]).await, Some(false));
}
