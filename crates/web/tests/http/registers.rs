//! The issue-4 forms in the browser: the initiatives register (several authors, the council's
//! review), a collective's ratings, the staff history import by file upload (CSV and XLSX, with
//! the CSRF token inside the multipart body), and local award kinds on the catalog page.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::Server;

on_both!(initiatives_page, unit_forms_and_upload, local_kind_form);

async fn initiatives_page(b: Backend) {
    let s = Server::start(b).await;
    let store = s.t.store();
    let unit = store.unit_by_code("tinh_a").await.unwrap().id;
    let so = store.unit_by_code("so_a").await.unwrap().id;
    let first = store
        .search_people(&tdkt_store::PersonFilter {
            under_unit: Some(unit),
            ..Default::default()
        })
        .await
        .unwrap()
        .items[0]
        .id;
    let admin_p = tdkt_app::testing::principal(1, tdkt_domain::access::Role::Admin, unit);
    let second =
        s.t.app
            .create_person(
                &admin_p,
                tdkt_app::people::PersonInput {
                    full_name: "Trần Thị Hoa".into(),
                    gender: "nu".into(),
                    unit_id: so,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .id;
    let (clerk, csrf) = s.login("canbo").await;
    let page = clerk
        .get(s.url(&format!("/sang-kien?don_vi={unit}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Chưa có sáng kiến nào"));
    assert!(
        html.contains("Trần Thị Hoa"),
        "authors offered from the subtree"
    );
    assert!(!html.contains("Xét công nhận"), "a clerk does not review");
    // Two authors from a multiple select.
    let body = format!(
        "_csrf={csrf}&don_vi={unit}&ma=SK-A-01&ten=S%E1%BB%95+tay+s%E1%BB%91&linh_vuc=&ngay=2025-03-01&tac_gia={first}&tac_gia={second}"
    );
    let r = clerk
        .post(s.url("/sang-kien"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let listed = s.t.app.unit_initiatives(&admin_p, unit).await.unwrap();
    assert_eq!(listed[0].authors.len(), 2);
    // The same code again: the page says why, with 409.
    let r = clerk
        .post(s.url("/sang-kien"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("Mã sáng kiến đã tồn tại"));
    // The council (specialist) reviews it from the page.
    let (spec, spec_csrf) = s.login("quantri").await;
    let html = s.page(&spec, &format!("/sang-kien?don_vi={unit}")).await;
    assert!(html.contains("Xét công nhận"));
    let id = listed[0].id;
    let r = s
        .post_form(
            &spec,
            &format!("/sang-kien/{id}/xet"),
            &[
                ("_csrf", spec_csrf.as_str()),
                ("don_vi", &unit.to_string()),
                ("pham_vi", "tinh"),
                ("ngay", "2099-01-01"),
                ("hieu_qua", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("tương lai"));
    let r = s
        .post_form(
            &spec,
            &format!("/sang-kien/{id}/xet"),
            &[
                ("_csrf", spec_csrf.as_str()),
                ("don_vi", &unit.to_string()),
                ("pham_vi", "tinh"),
                ("ngay", "2025-10-01"),
                ("hieu_qua", "Giảm một nửa thời gian lập hồ sơ"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = s.page(&spec, &format!("/sang-kien?don_vi={unit}")).await;
    assert!(html.contains("Cấp bộ, ngành, tỉnh, 01/10/2025"), "{html}");
    assert!(html.contains("Giảm một nửa thời gian lập hồ sơ"));
    // Another province's clerk sees nothing of it.
    let other = store.unit_by_code("tinh_b").await.unwrap().id;
    let r = clerk
        .get(s.url(&format!("/sang-kien?don_vi={other}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn unit_forms_and_upload(b: Backend) {
    let s = Server::start(b).await;
    let store = s.t.store();
    let unit = store.unit_by_code("tinh_a").await.unwrap().id;
    let (admin, csrf) = s.login("quantri").await;
    // The collective's rating of a year, with its discipline count.
    let r = s
        .post_form(
            &admin,
            &format!("/don-vi/{unit}/xep-loai"),
            &[
                ("_csrf", csrf.as_str()),
                ("nam", "2025"),
                ("xep_loai", "htxsnv"),
                ("ky_luat", "0"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(store.unit_ratings(unit).await.unwrap().len(), 1);
    let r = s
        .post_form(
            &admin,
            &format!("/don-vi/{unit}/xep-loai"),
            &[
                ("_csrf", csrf.as_str()),
                ("nam", "hai nghìn"),
                ("xep_loai", "htxsnv"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("«hai nghìn» không phải là năm")
    );
    let html = s.page(&admin, &format!("/don-vi/{unit}")).await;
    assert!(html.contains("Hoàn thành xuất sắc nhiệm vụ"));
    assert!(html.contains("nhap-lich-su"));

    let upload = |bytes: Vec<u8>, name: &'static str, token: Option<&str>| {
        let mut form = Form::new();
        if let Some(t) = token {
            form = form.text("_csrf", t.to_string());
        }
        form = form.part("tep", Part::bytes(bytes).file_name(name));
        admin
            .post(s.url(&format!("/don-vi/{unit}/nhap-lich-su")))
            .multipart(form)
            .send()
    };
    let csv = "ho_ten,cccd,nam,xep_loai,danh_hieu\nNguyen Van Duc,,2025,httnv,lao_dong_tien_tien\n";
    // Without the token inside the multipart body: refused, nothing written.
    let r = upload(csv.as_bytes().to_vec(), "a.csv", None)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let person = store
        .search_people(&tdkt_store::PersonFilter {
            under_unit: Some(unit),
            ..Default::default()
        })
        .await
        .unwrap()
        .items[0]
        .id;
    assert!(store.person_ratings(person).await.unwrap().is_empty());
    let r = upload(csv.as_bytes().to_vec(), "a.csv", Some(&csrf))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let html = s.page(&admin, &to).await;
    assert!(html.contains("Đã nhập 1 dòng"), "{html}");
    // An XLSX workbook with an error: the row is named, nothing written.
    let book = xlsx(&[
        &["ho_ten", "nam", "xep_loai"],
        &["Nguyễn Văn Đức", "2024", "httnv"],
        &["Nguyễn Văn Đức", "2023", "xuat sac"],
    ]);
    let r = upload(book, "b.xlsx", Some(&csrf)).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Dòng 3, cột «xep_loai»"));
    assert_eq!(store.person_ratings(person).await.unwrap().len(), 1);
    let book = xlsx(&[
        &["ho_ten", "nam", "xep_loai", "danh_hieu"],
        &["Nguyễn Văn Đức", "2024", "htxsnv", "chien_si_thi_dua_co_so"],
    ]);
    let r = upload(book, "c.xlsx", Some(&csrf)).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(store.person_ratings(person).await.unwrap().len(), 2);
    assert_eq!(store.person_titles(person).await.unwrap().len(), 2);
}

async fn local_kind_form(b: Backend) {
    let s = Server::start(b).await;
    let (clerk, _) = s.login("canbo").await;
    let html = s.page(&clerk, "/danh-muc").await;
    assert!(
        !html.contains("loai-rieng\""),
        "only administrators get the form"
    );
    let (admin, csrf) = s.login("quantri").await;
    let html = s.page(&admin, "/danh-muc").await;
    assert!(html.contains("Thêm loại khen thưởng của địa phương"));
    let vn = s.t.store().unit_by_code("vn").await.unwrap().id;
    let body = |bonus: &str| {
        format!(
            "_csrf={csrf}&don_vi={vn}&ma=giay_khen_so&ten=Gi%E1%BA%A5y+khen+S%E1%BB%9F&loai=hinh_thuc&doi_tuong=ca_nhan&doi_tuong=tap_the&cap=co_so&tham_quyen=Gi%C3%A1m+%C4%91%E1%BB%91c+S%E1%BB%9F&he_so={bonus}"
        )
    };
    let r = admin
        .post(s.url("/danh-muc/loai-rieng"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body("ba"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("«ba» không phải là hệ số"));
    let r = admin
        .post(s.url("/danh-muc/loai-rieng"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body("0%2C3"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let kinds = s.t.app.local_award_kinds().await.unwrap();
    assert_eq!(kinds.len(), 1);
    assert_eq!(kinds[0].subjects, ["ca_nhan", "tap_the"]);
    assert!((kinds[0].bonus - 0.3).abs() < 1e-9);
}
