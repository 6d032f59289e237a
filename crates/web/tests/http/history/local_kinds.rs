//! Local award kinds through the API: added by administrators only, without taking a
//! national code, listed in the catalog with their bonus, then recorded for a person.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::{Browser, Server, assert_redirect, assert_status};

on_both!(
    only_administrators_add_local_award_kinds,
    a_local_kind_cannot_take_a_national_code,
    an_unknown_kind_is_refused_in_vietnamese,
    a_local_kind_is_in_the_catalog_with_its_bonus,
    a_local_kind_can_be_recorded_for_a_person
);

/// The Giấy khen of the Director of tinh_a's Department of Home Affairs (bonus 0.3).
async fn kind(s: &Server) -> Value {
    let unit = s.t.store().unit_by_code("tinh_a").await.unwrap().id;
    json!({"code": "giay_khen_so_noi_vu", "name": "Giấy khen của Giám đốc Sở Nội vụ", "kind": "hinh_thuc", "subjects": ["ca_nhan", "tap_the"],
           "level": "co_so", "granted_by": "Giám đốc Sở Nội vụ", "bonus": 0.3, "unit_id": unit})
}

/// The kind added by the administrator `quantri`, whose session is returned.
async fn added(s: &Server) -> Browser {
    let admin = s.login("quantri").await;
    let r = admin
        .post_json("/api/v1/catalog/local-kinds", &kind(s).await)
        .await;
    assert_status(r, StatusCode::CREATED).await;
    admin
}

async fn only_administrators_add_local_award_kinds(b: Backend) {
    let s = Server::start(b).await;
    let clerk = s.login("canbo").await;
    let r = clerk
        .post_json("/api/v1/catalog/local-kinds", &kind(&s).await)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "only administrators add kinds"
    );
    added(&s).await;
}

async fn a_local_kind_cannot_take_a_national_code(b: Backend) {
    let s = Server::start(b).await;
    let admin = added(&s).await;
    let mut clash = kind(&s).await;
    clash["code"] = json!("bang_khen_tinh");
    let r = admin.post_json("/api/v1/catalog/local-kinds", &clash).await;
    assert_status(r, StatusCode::CONFLICT).await;
}

async fn an_unknown_kind_is_refused_in_vietnamese(b: Backend) {
    let s = Server::start(b).await;
    let admin = s.login("quantri").await;
    let mut odd = kind(&s).await;
    odd["kind"] = json!("hinh_thu");
    let r = admin.post_json("/api/v1/catalog/local-kinds", &odd).await;
    let body = assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        body.contains("«hinh_thu»") && body.contains("danh_hieu, hinh_thuc"),
        "{body}"
    );
}

/// 0.3 × 2 340 000 = 702 000 đồng.
async fn a_local_kind_is_in_the_catalog_with_its_bonus(b: Backend) {
    let s = Server::start(b).await;
    let admin = added(&s).await;
    let catalog = admin.get_text("/danh-muc").await;
    assert!(
        catalog.contains("Giấy khen của Giám đốc Sở Nội vụ (địa phương)")
            && catalog.contains("702.000 đồng")
    );
}

async fn a_local_kind_can_be_recorded_for_a_person(b: Backend) {
    let s = Server::start(b).await;
    added(&s).await;
    let person = s.first_person("tinh_a").await;
    let clerk = s.login("canbo").await;
    let r = clerk
        .post_form(
            &format!("/ca-nhan/{person}/khen-thuong"),
            &[
                ("ma", "giay_khen_so_noi_vu"),
                ("ngay", "2025-01-15"),
                ("quyet_dinh", "7/QĐ-SNV"),
            ],
        )
        .await;
    assert_redirect(r).await;
    let page = clerk.get_text(&format!("/ca-nhan/{person}")).await;
    assert!(
        page.contains("Giấy khen của Giám đốc Sở Nội vụ") && page.contains("7/QĐ-SNV"),
        "{page}"
    );
}
