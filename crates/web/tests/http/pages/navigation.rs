//! The pages render in Vietnamese for a logged-in user: the dashboard, the catalog, units and
//! people (found without diacritics), the account, errors, static assets, and a clerk's scope.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::{Server, assert_status};

on_both!(
    the_dashboard_lists_every_module_in_vietnamese,
    the_catalog_shows_amounts_and_the_rule_packs_in_force,
    every_module_of_the_navigation_opens,
    units_are_searched_without_diacritics_and_opened_with_their_children,
    people_are_found_whatever_the_case_and_diacritics,
    the_account_page_offers_a_password_change_and_api_tokens,
    unknown_pages_and_ids_are_404_in_vietnamese,
    static_assets_are_served_with_their_types,
    a_clerk_sees_only_their_provinces_people
);

async fn the_dashboard_lists_every_module_in_vietnamese(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let home = assert_status(c.get("/").await, StatusCode::OK).await;
    for module in [
        "Đơn vị",
        "Cá nhân",
        "Danh mục và quy tắc",
        "Phong trào thi đua",
        "Cụm, khối thi đua",
        "Hồ sơ khen thưởng",
        "Sáng kiến",
        "Sổ khen thưởng và báo cáo",
        "Mẫu in",
    ] {
        assert!(home.contains(module), "dashboard lacks {module}");
    }
    assert!(home.contains("lang=\"vi\"") && home.contains("name=\"viewport\""));
}

async fn the_catalog_shows_amounts_and_the_rule_packs_in_force(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let catalog = assert_status(c.get("/danh-muc").await, StatusCode::OK).await;
    assert!(
        catalog.contains("Bằng khen của Thủ tướng Chính phủ") && catalog.contains("7.020.000 đồng"),
        "{catalog}"
    );
    assert!(
        catalog.contains("Nghị định 152/2025/NĐ-CP")
            && catalog.contains("đang áp dụng")
            && catalog.contains("(cần kiểm tra)")
    );
}

async fn every_module_of_the_navigation_opens(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let home = c.get_text("/").await;
    assert!(
        !home.contains("Chưa xây dựng"),
        "every module is built: {home}"
    );
    let movements = assert_status(c.get("/phong-trao").await, StatusCode::OK).await;
    assert!(movements.contains("Phong trào thi đua") && !movements.contains("chưa được xây dựng"));
}

async fn units_are_searched_without_diacritics_and_opened_with_their_children(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let units = c.get_text("/don-vi").await;
    assert!(units.contains("Tỉnh Đắk Lắk") && units.contains("Tỉnh Gia Lai"));
    let found = c.get_text("/don-vi/tim?q=dak%20lak").await;
    assert!(found.contains("Tỉnh Đắk Lắk") && !found.contains("Gia Lai"));
    let a = s.t.store().unit_by_code("tinh_a").await.unwrap();
    let children = c.get_text(&format!("/don-vi/{}/cay", a.id)).await;
    assert!(children.contains("Sở Nội vụ tỉnh Đắk Lắk"));
    let unit_page = c.get_text(&format!("/don-vi/{}", a.id)).await;
    assert!(unit_page.contains("Lịch sử biến động") && unit_page.contains("Nguyễn Văn Đức"));
}

async fn people_are_found_whatever_the_case_and_diacritics(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let people = c.get_text("/ca-nhan?q=NGUYEN%20VAN%20DUC").await;
    assert!(people.contains("2 người"), "{people}");
    let person_id = people
        .split("href=\"/ca-nhan/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let person = c.get_text(&format!("/ca-nhan/{person_id}")).await;
    assert!(person.contains("Quá trình công tác"));
}

async fn the_account_page_offers_a_password_change_and_api_tokens(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let account = assert_status(c.get("/tai-khoan").await, StatusCode::OK).await;
    assert!(account.contains("Đổi mật khẩu") && account.contains("Mã truy cập API"));
}

async fn unknown_pages_and_ids_are_404_in_vietnamese(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    for (path, code) in [
        ("/khong-co-trang-nay", 404),
        ("/don-vi/abc", 404),
        ("/don-vi/987654", 404),
        ("/ca-nhan/987654", 404),
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status().as_u16(), code, "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains("Không tìm thấy"), "{path}: {body}");
    }
}

async fn static_assets_are_served_with_their_types(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let css = c.get("/static/app.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let htmx = c.get_text("/static/htmx.min.js").await;
    assert!(htmx.contains("htmx"));
}

/// A clerk of Đắk Lắk sees Đắk Lắk's people only, and gets 403 on Gia Lai's person.
async fn a_clerk_sees_only_their_provinces_people(b: Backend) {
    let s = Server::start(b).await;
    let clerk = s.login("canbo").await;
    let people = clerk.get_text("/ca-nhan?q=duc").await;
    assert!(people.contains("1 người"), "{people}");
    let gia_lai_person = s.first_person("tinh_b").await;
    let r = clerk.get(&format!("/ca-nhan/{gia_lai_person}")).await;
    let body = assert_status(r, StatusCode::FORBIDDEN).await;
    assert!(body.contains("Không có quyền truy cập"));
}
