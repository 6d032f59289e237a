//! Units through the API: searched, filtered and paged; created, refused with named fields,
//! renamed; unknown ids; lineage.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{admin, error, new_province};
use crate::server::{Server, assert_status};

on_both!(
    units_are_found_without_diacritics_filtered_by_kind_and_paged,
    an_unknown_kind_or_page_is_422_naming_the_field,
    a_new_unit_has_its_start_date_and_kind_label,
    a_duplicate_unit_code_is_409_without_sql_details,
    a_missing_field_or_broken_json_is_422_in_vietnamese,
    a_unit_is_renamed_with_patch,
    unknown_unit_ids_are_404,
    merging_a_unit_into_its_parent_is_refused_and_leaves_no_lineage
);

/// The tree of [`Server::start`]: vn, tinh_a (Đắk Lắk), so_a (of Đắk Lắk), tinh_b.
async fn units_are_found_without_diacritics_filtered_by_kind_and_paged(b: Backend) {
    let s = Server::start(b).await;
    let (api, _) = admin(&s).await;
    let list = api.get_json("/api/v1/units?q=dak%20lak").await;
    assert_eq!(list["total"], 2, "{list}");
    let page = api.get_json("/api/v1/units?per_page=2&page=2").await;
    assert_eq!(
        (
            page["total"].as_i64(),
            page["items"].as_array().unwrap().len()
        ),
        (Some(4), 2)
    );
    let provinces = api.get_json("/api/v1/units?kind=tinh").await;
    assert_eq!(provinces["total"], 2);
}

async fn an_unknown_kind_or_page_is_422_naming_the_field(b: Backend) {
    let s = Server::start(b).await;
    let (api, _) = admin(&s).await;
    let bad = api.get("/api/v1/units?kind=province").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = error(bad).await;
    assert_eq!(e["field"], "kind");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("không có trong danh mục")
    );
    let bad = api.get("/api/v1/units?page=abc").await;
    assert_status(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
}

async fn a_new_unit_has_its_start_date_and_kind_label(b: Backend) {
    let s = Server::start(b).await;
    let (api, vn) = admin(&s).await;
    let unit = new_province(&api, vn).await;
    assert_eq!(unit["valid_from"], "2025-07-01");
    assert_eq!(unit["kind_label"], "Tỉnh");
}

async fn a_duplicate_unit_code_is_409_without_sql_details(b: Backend) {
    let s = Server::start(b).await;
    let (api, vn) = admin(&s).await;
    new_province(&api, vn).await;
    let r = api
        .post_json(
            "/api/v1/units",
            &json!({"code": "tinh_c", "kind": "tinh", "name": "Trùng", "parent_id": vn}),
        )
        .await;
    let body = assert_status(r, StatusCode::CONFLICT).await;
    assert!(body.contains("Mã đơn vị đã tồn tại"));
    assert!(
        !body.to_lowercase().contains("unique") && !body.contains("constraint"),
        "no SQL leaks: {body}"
    );
}

async fn a_missing_field_or_broken_json_is_422_in_vietnamese(b: Backend) {
    let s = Server::start(b).await;
    let (api, vn) = admin(&s).await;
    let r = api
        .post_json(
            "/api/v1/units",
            &json!({"code": "x", "kind": "tinh", "parent_id": vn}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e = error(r).await;
    assert_eq!(e["field"], "name");
    assert_eq!(e["message"], "Thiếu trường «name»");
    let r = api
        .post_body("/api/v1/units", Some("application/json"), "{\"code\": ")
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error(r).await["message"]
            .as_str()
            .unwrap()
            .contains("dòng 1")
    );
}

async fn a_unit_is_renamed_with_patch(b: Backend) {
    let s = Server::start(b).await;
    let (api, vn) = admin(&s).await;
    let id = new_province(&api, vn).await["id"].as_i64().unwrap();
    let r = api
        .patch_json(
            &format!("/api/v1/units/{id}"),
            &json!({"name": "Tỉnh Lâm Đồng mới", "effective": "2026-01-01"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<Value>().await.unwrap()["name"],
        "Tỉnh Lâm Đồng mới"
    );
}

async fn unknown_unit_ids_are_404(b: Backend) {
    let s = Server::start(b).await;
    let (api, _) = admin(&s).await;
    assert_eq!(
        api.get("/api/v1/units/999999").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/api/v1/units/abc").await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn merging_a_unit_into_its_parent_is_refused_and_leaves_no_lineage(b: Backend) {
    let s = Server::start(b).await;
    let (api, vn) = admin(&s).await;
    let id = new_province(&api, vn).await["id"].as_i64().unwrap();
    let lineage = api
        .post_json(
            "/api/v1/lineage-events",
            &json!({"kind": "sap_nhap", "date": "2025-07-01", "from": [id], "to": [vn]}),
        )
        .await;
    assert_status(lineage, StatusCode::UNPROCESSABLE_ENTITY).await;
    let l = api.get_json(&format!("/api/v1/units/{id}/lineage")).await;
    assert_eq!(l.as_array().unwrap().len(), 0);
}
