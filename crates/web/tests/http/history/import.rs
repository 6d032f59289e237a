//! The staff history import through the API (CSV): every row is checked before anything is
//! written, errors name their row and column, the clerk stays in their own province.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::{Api, Server, assert_status};

on_both!(
    a_bad_row_refuses_the_whole_import_naming_row_and_column,
    a_name_not_in_the_unit_is_refused_by_name,
    an_import_reports_what_it_wrote,
    a_clerk_cannot_import_into_another_province
);

const HEADER: &str = "ho_ten,cccd,nam,xep_loai,danh_hieu\n";

/// The clerk of tinh_a, with a token.
async fn clerk(b: Backend) -> (Server, Api) {
    let s = Server::start(b).await;
    let api = s.api("canbo").await;
    (s, api)
}

/// Posts a CSV into the history of tinh_a.
async fn import(s: &Server, api: &Api, csv: String) -> reqwest::Response {
    let unit = s.t.store().unit_by_code("tinh_a").await.unwrap().id;
    api.post_body(
        &format!("/api/v1/units/{unit}/history-import"),
        Some("text/csv"),
        csv,
    )
    .await
}

async fn a_bad_row_refuses_the_whole_import_naming_row_and_column(b: Backend) {
    let (s, api) = clerk(b).await;
    let (seq0, _) = s.t.store().audit_head().await.unwrap();
    let csv = format!(
        "{HEADER}nguyen van duc,,2024,httnv,lao_dong_tien_tien\nNguyễn Văn Đức,,2025,tot,\n"
    );
    let r = import(&s, &api, csv).await;
    let e: Value =
        serde_json::from_str(&assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await).unwrap();
    assert_eq!(e["error"]["field"], "dong[3].xep_loai");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Dòng 3, cột «xep_loai»")
    );
    assert_eq!(
        s.t.store().audit_head().await.unwrap().0,
        seq0,
        "nothing written"
    );
}

async fn a_name_not_in_the_unit_is_refused_by_name(b: Backend) {
    let (s, api) = clerk(b).await;
    let r = import(&s, &api, format!("{HEADER}Lê Văn Không Có,,2024,httnv,\n")).await;
    assert!(
        r.json::<Value>().await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("không có «Lê Văn Không Có» trong đơn vị")
    );
}

async fn an_import_reports_what_it_wrote(b: Backend) {
    let (s, api) = clerk(b).await;
    let csv = format!(
        "{HEADER}nguyen van duc,,2024,httnv,lao_dong_tien_tien\nNguyễn Văn Đức,,2025,htxsnv,chien_si_thi_dua_co_so\n"
    );
    let r = import(&s, &api, csv).await;
    let rep: Value = serde_json::from_str(&assert_status(r, StatusCode::OK).await).unwrap();
    assert_eq!(
        rep,
        json!({"rows": 2, "people": 1, "ratings": 2, "titles": 2})
    );
}

/// Gia Lai has a person of the same name; the clerk of Đắk Lắk cannot import there.
async fn a_clerk_cannot_import_into_another_province(b: Backend) {
    let (s, api) = clerk(b).await;
    let gl = s.t.store().unit_by_code("tinh_b").await.unwrap().id;
    let r = api
        .post_body(
            &format!("/api/v1/units/{gl}/history-import"),
            None,
            "ho_ten,nam\nx,2024\n",
        )
        .await;
    assert_status(r, StatusCode::FORBIDDEN).await;
}
