//! History behind the eligibility engine, through the use cases: imports (CSV and a real XLSX
//! file), initiatives used once by a title or an award, and who may name authors.

use tdkt_app::AppError;
use tdkt_app::history::{AwardInput, InitiativeInput, InitiativeReviewInput, TitleInput};
use tdkt_app::on_both;
use tdkt_app::people::PersonInput;
use tdkt_app::testing::{Backend, TestApp, principal};
use tdkt_domain::access::Role;
use tdkt_domain::dates::ymd;
use tdkt_domain::eligibility::VerdictKind;

on_both!(
    imports_check_every_row_and_write_all_or_nothing,
    an_initiative_is_used_once,
    authors_must_be_writable
);

async fn person(t: &TestApp, name: &str, cccd: Option<&str>, unit: i64) -> i64 {
    let admin = principal(1, Role::Admin, unit);
    t.app
        .create_person(
            &admin,
            PersonInput {
                full_name: name.into(),
                gender: "nam".into(),
                birth: Some("1985".into()),
                cccd: cccd.map(str::to_string),
                unit_id: unit,
                position_since: Some("2018-01-01".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // Years as numbers, as a spreadsheet user types them.
            match cell.parse::<f64>() {
                Ok(n) if cell.len() == 4 => ws.write_number(r as u32, c as u16, n),
                _ => ws.write_string(r as u32, c as u16, *cell),
            }
            .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn field(e: AppError) -> (String, String) {
    match e {
        AppError::Invalid(i) => (i.field, i.message),
        other => panic!("expected a named error, got {other:?}"),
    }
}

async fn imports_check_every_row_and_write_all_or_nothing(b: Backend) {
    let t = TestApp::new(b).await;
    let root = t.unit("vn", None).await;
    let p = principal(1, Role::BoardSpecialist, root.id);
    let an = person(&t, "Lê Văn An", Some("079085000001"), root.id).await;
    let binh = person(&t, "Phạm Thị Bình", None, root.id).await;

    // The CCCD belongs to someone else than the name says: refused, nothing written.
    let e = t
        .app
        .import_history_csv(
            &p,
            root.id,
            "ho_ten,cccd,nam,xep_loai,danh_hieu\nPham Thi Binh,,2024,httnv,lao_dong_tien_tien\nTrần Văn Sai,079085000001,2024,htxsnv,\n",
        )
        .await
        .unwrap_err();
    let (f, m) = field(e);
    assert_eq!(f, "dong[3].ho_ten");
    assert!(m.contains("Lê Văn An"), "{m}");
    assert!(t.store().person_ratings(binh).await.unwrap().is_empty());

    // The same person and year twice.
    let e = t
        .app
        .import_history_csv(
            &p,
            root.id,
            "ho_ten,cccd,nam,xep_loai,danh_hieu\nLê Văn An,,2024,httnv,\nle van an,,2024,htxsnv,\n",
        )
        .await
        .unwrap_err();
    let (f, m) = field(e);
    assert_eq!(f, "dong[3].nam");
    assert!(m.contains("dòng 2"), "{m}");
    assert!(t.store().person_ratings(an).await.unwrap().is_empty());

    // A real XLSX workbook: numbers for years, diacritics-free names, an empty line.
    let book = xlsx(&[
        &["ho_ten", "cccd", "nam", "xep_loai", "danh_hieu"],
        &[
            "Le Van An",
            "079085000001",
            "2024",
            "htxsnv",
            "chien_si_thi_dua_co_so",
        ],
        &["", "", "", "", ""],
        &["Phạm Thị Bình", "", "2024", "httnv", "lao_dong_tien_tien"],
        &["Phạm Thị Bình", "", "2025", "htxsnv", ""],
    ]);
    let r = t.app.import_history_xlsx(&p, root.id, &book).await.unwrap();
    assert_eq!((r.rows, r.people, r.ratings, r.titles), (3, 2, 3, 2));
    assert_eq!(t.store().person_ratings(binh).await.unwrap().len(), 2);
    assert_eq!(
        t.store().person_titles(an).await.unwrap()[0].code,
        "chien_si_thi_dua_co_so"
    );
    // An XLSX with a bad cell names its row; a file that is not a workbook says so.
    let bad = xlsx(&[
        &["ho_ten", "nam", "xep_loai"],
        &["Lê Văn An", "2023", "gioi"],
    ]);
    let (f, _) = field(
        t.app
            .import_history_xlsx(&p, root.id, &bad)
            .await
            .unwrap_err(),
    );
    assert_eq!(f, "dong[2].xep_loai");
    let (f, m) = field(
        t.app
            .import_history_xlsx(&p, root.id, b"PK\x03\x04not a workbook")
            .await
            .unwrap_err(),
    );
    assert_eq!(f, "tep");
    assert!(m.contains("XLSX"), "{m}");
    assert!(
        t.store()
            .person_ratings(an)
            .await
            .unwrap()
            .iter()
            .all(|r| r.year != 2023)
    );
}

async fn an_initiative_is_used_once(b: Backend) {
    let t = TestApp::new(b).await;
    let root = t.unit("vn", None).await;
    let p = principal(1, Role::BoardSpecialist, root.id);
    let an = person(&t, "Lê Văn An", None, root.id).await;
    let sk = t
        .app
        .create_initiative(
            &p,
            InitiativeInput {
                code: "SK-25-01".into(),
                title: "Số hoá sổ vàng".into(),
                unit_id: root.id,
                field: None,
                submitted_on: "2025-02-01".into(),
                authors: vec![an],
            },
        )
        .await
        .unwrap();
    let review = |on: &str| InitiativeReviewInput {
        scope: "co_so".into(),
        recognized_on: on.into(),
        effect: None,
    };
    // Recognition cannot be dated in the future.
    let (f, _) = field(
        t.app
            .review_initiative(&p, sk.id, review("2099-01-01"))
            .await
            .unwrap_err(),
    );
    assert_eq!(f, "recognized_on");
    t.app
        .review_initiative(&p, sk.id, review("2025-10-01"))
        .await
        .unwrap();
    t.app
        .put_ratings(
            &p,
            an,
            &[tdkt_app::people::RatingInput {
                year: 2025,
                rating: "httnv".into(),
            }],
        )
        .await
        .unwrap();
    let (app, pp) = (&t.app, &p);
    let cstdcs = |on| async move {
        app.person_eligibility(pp, an, on)
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.award == "chien_si_thi_dua_co_so")
            .unwrap()
            .verdict
    };
    // Rated "good" with a recognised initiative: eligible for CSTĐCS 2025.
    assert_eq!(cstdcs(ymd(2025, 12, 15)).await, VerdictKind::Eligible);
    // The title is granted and uses the initiative…
    t.app
        .put_person_titles(
            &p,
            an,
            &[TitleInput {
                year: 2025,
                code: "chien_si_thi_dua_co_so".into(),
                decision: Some("12/QĐ-UBND".into()),
                initiatives: vec!["SK-25-01".into()],
            }],
        )
        .await
        .unwrap();
    let used = t.store().initiative(sk.id).await.unwrap();
    assert_eq!(
        used.used_by.as_deref(),
        Some("Chiến sĩ thi đua cơ sở năm 2025")
    );
    // …so an award cannot use it again, and the refusal writes nothing.
    let e = t
        .app
        .add_person_award(
            &p,
            an,
            AwardInput {
                code: "bang_khen_tinh".into(),
                date: "2026-01-10".into(),
                decision: None,
                note: None,
                initiatives: vec!["SK-25-01".into()],
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, AppError::Conflict(ref m) if m.contains("Chiến sĩ thi đua cơ sở năm 2025"))
    );
    assert!(t.store().person_award_records(an).await.unwrap().is_empty());
    // A used initiative is not reviewed again.
    assert!(matches!(
        t.app
            .review_initiative(&p, sk.id, review("2025-11-01"))
            .await,
        Err(AppError::Conflict(_))
    ));
    // Removing the title releases it.
    t.app
        .delete_person_title(&p, an, 2025, "chien_si_thi_dua_co_so")
        .await
        .unwrap();
    assert_eq!(t.store().initiative(sk.id).await.unwrap().used_by, None);
}

async fn authors_must_be_writable(b: Backend) {
    let t = TestApp::new(b).await;
    let root = t.unit("vn", None).await;
    let a = t.unit("tinh_a", Some(root.id)).await;
    let bb = t.unit("tinh_b", Some(root.id)).await;
    let ours = person(&t, "Lê Văn An", None, a.id).await;
    let theirs = person(&t, "Võ Văn Ba", None, bb.id).await;
    let clerk = principal(5, Role::UnitClerk, a.id);
    let input = |authors| InitiativeInput {
        code: "SK-A-1".into(),
        title: "Sổ tay số".into(),
        unit_id: a.id,
        field: None,
        submitted_on: "2025-03-01".into(),
        authors,
    };
    // A clerk of tinh_a cannot write someone of tinh_b into an initiative.
    let e = t
        .app
        .create_initiative(&clerk, input(vec![ours, theirs]))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
    let (f, _) = field(
        t.app
            .create_initiative(&clerk, input(vec![ours, ours]))
            .await
            .unwrap_err(),
    );
    assert_eq!(f, "authors");
    let ok = t
        .app
        .create_initiative(&clerk, input(vec![ours]))
        .await
        .unwrap();
    assert_eq!(
        t.app.unit_initiatives(&clerk, a.id).await.unwrap()[0].id,
        ok.id
    );
    assert!(t.app.unit_initiatives(&clerk, bb.id).await.is_err());
}
