//! The issue-4 forms in the browser: the initiatives register (several authors, the council's
//! review), a collective's ratings, the staff history import by file upload (CSV and XLSX, with
//! the CSRF token inside the multipart body), and local award kinds on the catalog page.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::{Browser, Server, assert_redirect, assert_status};

on_both!(
    the_initiatives_page_offers_subtree_authors_and_no_review_to_a_clerk,
    an_initiative_with_two_authors_is_registered_once,
    the_board_reviews_an_initiative_from_the_page_not_in_the_future,
    a_clerk_cannot_open_another_provinces_initiatives,
    a_collectives_rating_of_a_year_is_recorded_from_the_unit_page,
    a_rating_year_that_is_not_a_year_is_named,
    an_upload_without_the_token_in_its_body_is_refused_and_writes_nothing,
    an_uploaded_csv_is_imported_and_the_page_says_how_much,
    an_xlsx_with_a_bad_row_names_it_and_writes_nothing,
    a_good_xlsx_adds_ratings_and_titles,
    only_administrators_get_the_local_kind_form,
    a_bonus_that_is_not_a_number_is_named,
    a_local_kind_is_added_from_the_catalog_with_a_decimal_comma
);

// ---- initiatives

/// tinh_a's person and Trần Thị Hoa of its Department (so_a), the clerk logged in.
struct Initiatives {
    s: Server,
    unit: i64,
    authors: [i64; 2],
    clerk: Browser,
}

impl Initiatives {
    async fn new(b: Backend) -> Self {
        let s = Server::start(b).await;
        let store = s.t.store();
        let unit = store.unit_by_code("tinh_a").await.unwrap().id;
        let so = store.unit_by_code("so_a").await.unwrap().id;
        let first = s.first_person("tinh_a").await;
        let second =
            s.t.app
                .create_person(
                    &Self::admin(unit),
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
        let clerk = s.login("canbo").await;
        Self {
            s,
            unit,
            authors: [first, second],
            clerk,
        }
    }

    fn admin(unit: i64) -> tdkt_app::Principal {
        tdkt_app::testing::principal(1, tdkt_domain::access::Role::Admin, unit)
    }

    fn page(&self) -> String {
        format!("/sang-kien?don_vi={}", self.unit)
    }

    /// The clerk registers SK-A-01 with both authors, as from the multiple select.
    async fn register(&self) -> reqwest::Response {
        let unit = self.unit.to_string();
        let [first, second] = self.authors.map(|a| a.to_string());
        self.clerk
            .post_form(
                "/sang-kien",
                &[
                    ("don_vi", unit.as_str()),
                    ("ma", "SK-A-01"),
                    ("ten", "Sổ tay số"),
                    ("linh_vuc", ""),
                    ("ngay", "2025-03-01"),
                    ("tac_gia", &first),
                    ("tac_gia", &second),
                ],
            )
            .await
    }

    /// Registers it (303) and returns its id.
    async fn registered(&self) -> i64 {
        assert_redirect(self.register().await).await;
        let listed = self
            .s
            .t
            .app
            .unit_initiatives(&Self::admin(self.unit), self.unit)
            .await
            .unwrap();
        listed[0].id
    }
}

async fn the_initiatives_page_offers_subtree_authors_and_no_review_to_a_clerk(b: Backend) {
    let i = Initiatives::new(b).await;
    let html = assert_status(i.clerk.get(&i.page()).await, StatusCode::OK).await;
    assert!(html.contains("Chưa có sáng kiến nào"));
    assert!(
        html.contains("Trần Thị Hoa"),
        "authors offered from the subtree"
    );
    assert!(!html.contains("Xét công nhận"), "a clerk does not review");
}

async fn an_initiative_with_two_authors_is_registered_once(b: Backend) {
    let i = Initiatives::new(b).await;
    assert_redirect(i.register().await).await;
    let listed =
        i.s.t
            .app
            .unit_initiatives(&Initiatives::admin(i.unit), i.unit)
            .await
            .unwrap();
    assert_eq!(listed[0].authors.len(), 2);
    // The same code again: the page says why, with 409.
    let body = assert_status(i.register().await, StatusCode::CONFLICT).await;
    assert!(body.contains("Mã sáng kiến đã tồn tại"));
}

/// The council (the administrator here) reviews it from the page.
async fn the_board_reviews_an_initiative_from_the_page_not_in_the_future(b: Backend) {
    let i = Initiatives::new(b).await;
    let id = i.registered().await;
    let spec = i.s.login("quantri").await;
    assert!(spec.get_text(&i.page()).await.contains("Xét công nhận"));
    let unit = i.unit.to_string();
    let review = |date: &'static str, effect: &'static str| {
        let (spec, unit) = (spec.clone(), unit.clone());
        async move {
            spec.post_form(
                &format!("/sang-kien/{id}/xet"),
                &[
                    ("don_vi", unit.as_str()),
                    ("pham_vi", "tinh"),
                    ("ngay", date),
                    ("hieu_qua", effect),
                ],
            )
            .await
        }
    };
    let body = assert_status(
        review("2099-01-01", "").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("tương lai"));
    assert_redirect(review("2025-10-01", "Giảm một nửa thời gian lập hồ sơ").await).await;
    let html = spec.get_text(&i.page()).await;
    assert!(html.contains("Cấp bộ, ngành, tỉnh, 01/10/2025"), "{html}");
    assert!(html.contains("Giảm một nửa thời gian lập hồ sơ"));
}

async fn a_clerk_cannot_open_another_provinces_initiatives(b: Backend) {
    let i = Initiatives::new(b).await;
    i.registered().await;
    let other = i.s.t.store().unit_by_code("tinh_b").await.unwrap().id;
    let r = i.clerk.get(&format!("/sang-kien?don_vi={other}")).await;
    assert_status(r, StatusCode::FORBIDDEN).await;
}

// ---- a collective's ratings and the history import by upload

/// The administrator logged in, and tinh_a's id.
async fn unit_admin(b: Backend) -> (Server, Browser, i64) {
    let s = Server::start(b).await;
    let unit = s.t.store().unit_by_code("tinh_a").await.unwrap().id;
    let admin = s.login("quantri").await;
    (s, admin, unit)
}

async fn a_collectives_rating_of_a_year_is_recorded_from_the_unit_page(b: Backend) {
    let (s, admin, unit) = unit_admin(b).await;
    let r = admin
        .post_form(
            &format!("/don-vi/{unit}/xep-loai"),
            &[("nam", "2025"), ("xep_loai", "htxsnv"), ("ky_luat", "0")],
        )
        .await;
    assert_redirect(r).await;
    assert_eq!(s.t.store().unit_ratings(unit).await.unwrap().len(), 1);
    let html = admin.get_text(&format!("/don-vi/{unit}")).await;
    assert!(html.contains("Hoàn thành xuất sắc nhiệm vụ"));
    assert!(html.contains("nhap-lich-su"));
}

async fn a_rating_year_that_is_not_a_year_is_named(b: Backend) {
    let (_s, admin, unit) = unit_admin(b).await;
    let r = admin
        .post_form(
            &format!("/don-vi/{unit}/xep-loai"),
            &[("nam", "hai nghìn"), ("xep_loai", "htxsnv")],
        )
        .await;
    let body = assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("«hai nghìn» không phải là năm"));
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

const CSV: &str =
    "ho_ten,cccd,nam,xep_loai,danh_hieu\nNguyen Van Duc,,2025,httnv,lao_dong_tien_tien\n";

/// Uploads a file into the unit's history import; `form` carries the token or not.
async fn upload(
    admin: &Browser,
    unit: i64,
    form: Form,
    bytes: Vec<u8>,
    name: &'static str,
) -> reqwest::Response {
    let form = form.part("tep", Part::bytes(bytes).file_name(name));
    admin
        .post_multipart(&format!("/don-vi/{unit}/nhap-lich-su"), form)
        .await
}

/// The CSV of one rating and one title imported (the page says so); the person's id.
async fn csv_imported(b: Backend) -> (Server, Browser, i64, i64) {
    let (s, admin, unit) = unit_admin(b).await;
    let person = s.first_person("tinh_a").await;
    let r = upload(&admin, unit, admin.multipart(), CSV.into(), "a.csv").await;
    let to = assert_redirect(r).await;
    let html = admin.get_text(&to).await;
    assert!(html.contains("Đã nhập 1 dòng"), "{html}");
    (s, admin, unit, person)
}

async fn an_upload_without_the_token_in_its_body_is_refused_and_writes_nothing(b: Backend) {
    let (s, admin, unit) = unit_admin(b).await;
    let r = upload(&admin, unit, Form::new(), CSV.into(), "a.csv").await;
    assert_status(r, StatusCode::FORBIDDEN).await;
    let person = s.first_person("tinh_a").await;
    assert!(s.t.store().person_ratings(person).await.unwrap().is_empty());
}

async fn an_uploaded_csv_is_imported_and_the_page_says_how_much(b: Backend) {
    let (s, _admin, _unit, person) = csv_imported(b).await;
    assert_eq!(s.t.store().person_ratings(person).await.unwrap().len(), 1);
}

async fn an_xlsx_with_a_bad_row_names_it_and_writes_nothing(b: Backend) {
    let (s, admin, unit, person) = csv_imported(b).await;
    let book = xlsx(&[
        &["ho_ten", "nam", "xep_loai"],
        &["Nguyễn Văn Đức", "2024", "httnv"],
        &["Nguyễn Văn Đức", "2023", "xuat sac"],
    ]);
    let r = upload(&admin, unit, admin.multipart(), book, "b.xlsx").await;
    let body = assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("Dòng 3, cột «xep_loai»"));
    assert_eq!(s.t.store().person_ratings(person).await.unwrap().len(), 1);
}

async fn a_good_xlsx_adds_ratings_and_titles(b: Backend) {
    let (s, admin, unit, person) = csv_imported(b).await;
    let book = xlsx(&[
        &["ho_ten", "nam", "xep_loai", "danh_hieu"],
        &["Nguyễn Văn Đức", "2024", "htxsnv", "chien_si_thi_dua_co_so"],
    ]);
    let r = upload(&admin, unit, admin.multipart(), book, "c.xlsx").await;
    assert_redirect(r).await;
    assert_eq!(s.t.store().person_ratings(person).await.unwrap().len(), 2);
    assert_eq!(s.t.store().person_titles(person).await.unwrap().len(), 2);
}

// ---- local award kinds on the catalog page

/// The catalog form for a Giấy khen of a Department, with `bonus` as typed.
async fn post_local_kind(s: &Server, admin: &Browser, bonus: &str) -> reqwest::Response {
    let vn = s.t.store().unit_by_code("vn").await.unwrap().id.to_string();
    admin
        .post_form(
            "/danh-muc/loai-rieng",
            &[
                ("don_vi", vn.as_str()),
                ("ma", "giay_khen_so"),
                ("ten", "Giấy khen Sở"),
                ("loai", "hinh_thuc"),
                ("doi_tuong", "ca_nhan"),
                ("doi_tuong", "tap_the"),
                ("cap", "co_so"),
                ("tham_quyen", "Giám đốc Sở"),
                ("he_so", bonus),
            ],
        )
        .await
}

async fn only_administrators_get_the_local_kind_form(b: Backend) {
    let s = Server::start(b).await;
    let clerk = s.login("canbo").await;
    let html = clerk.get_text("/danh-muc").await;
    assert!(
        !html.contains("loai-rieng\""),
        "only administrators get the form"
    );
    let admin = s.login("quantri").await;
    let html = admin.get_text("/danh-muc").await;
    assert!(html.contains("Thêm loại khen thưởng của địa phương"));
}

async fn a_bonus_that_is_not_a_number_is_named(b: Backend) {
    let s = Server::start(b).await;
    let admin = s.login("quantri").await;
    let r = post_local_kind(&s, &admin, "ba").await;
    let body = assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("«ba» không phải là hệ số"));
}

async fn a_local_kind_is_added_from_the_catalog_with_a_decimal_comma(b: Backend) {
    let s = Server::start(b).await;
    let admin = s.login("quantri").await;
    assert_redirect(post_local_kind(&s, &admin, "0,3").await).await;
    let kinds = s.t.app.local_award_kinds().await.unwrap();
    assert_eq!(kinds.len(), 1);
    assert_eq!(kinds[0].subjects, ["ca_nhan", "tap_the"]);
    assert!((kinds[0].bonus - 0.3).abs() < 1e-9);
}
