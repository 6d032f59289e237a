//! The register of awards: what a decision granted, found by name without diacritics, with
//! the bonus rounded up; nominees who failed are not in it; it exports to XLSX.

use tdkt_app::on_both;
use tdkt_app::register::RegisterQuery;
use tdkt_app::testing::Backend;
use tdkt_app::today;
use tdkt_domain::dates::vn;

use super::fixtures::*;

on_both!(
    the_register_finds_a_name_without_diacritics_with_the_rounded_bonus,
    nominees_who_failed_are_not_in_the_register,
    the_register_exports_to_xlsx,
);

fn by_name(q: &str) -> RegisterQuery {
    RegisterQuery {
        q: Some(q.into()),
        ..Default::default()
    }
}

/// Bằng khen: 1.5 × the base salary, rounded up to 10 000 đồng.
async fn the_register_finds_a_name_without_diacritics_with_the_rounded_bonus(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let (v, _) = w.decided().await;
    let (base, _) = app.rules.catalog.base_salary_on(today()).unwrap();
    let base = base as i64;
    let found = app
        .search_register(&w.specialist, &by_name("nguyen van duc"))
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let row = &found[0];
    assert_eq!(row.subject_name, "Nguyễn Văn Đức");
    assert_eq!(row.person_id, Some(w.duc.id));
    assert_eq!(row.code, "bang_khen_tinh");
    assert_eq!(row.date, today());
    assert_eq!(
        row.decision.as_deref(),
        Some(format!("1/QĐ-UBND ngày {}", vn(today())).as_str())
    );
    assert_eq!(row.amount, Some(rounded_up(base * 15 / 10)));
    assert_eq!(row.dossier_id, Some(v.id));
    assert_eq!(row.revoked_on, None);
}

/// The collective failed the council's vote, Bình failed appraisal: not in the register.
async fn nominees_who_failed_are_not_in_the_register(b: Backend) {
    let w = world(b).await;
    w.decided().await;
    for q in ["truong thpt pleiku", "TRAN THI BINH"] {
        let none =
            w.t.app
                .search_register(&w.specialist, &by_name(q))
                .await
                .unwrap();
        assert!(none.is_empty(), "{q}: {none:?}");
    }
}

async fn the_register_exports_to_xlsx(b: Backend) {
    let w = world(b).await;
    w.decided().await;
    let xlsx =
        w.t.app
            .register_xlsx(&w.specialist, &RegisterQuery::default())
            .await
            .unwrap();
    assert!(xlsx.starts_with(b"PK"));
}
