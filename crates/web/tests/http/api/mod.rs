//! The JSON API: tokens, scope, paging, errors with codes and Vietnamese messages, OpenAPI,
//! and the engines behind it.

mod auth;
mod engine;
mod people;
mod units;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::server::{Api, Server, assert_status};

/// The administrator's API client and the id of the root unit `vn`.
pub async fn admin(s: &Server) -> (Api, i64) {
    let vn = s.t.store().unit_by_code("vn").await.unwrap().id;
    (s.api("quantri").await, vn)
}

/// A new province under `vn`, Lâm Đồng from 2025-07-01, as the API returns it.
pub async fn new_province(api: &Api, vn: i64) -> Value {
    let r = api
        .post_json(
            "/api/v1/units",
            &json!({"code": "tinh_c", "kind": "tinh", "name": "Tỉnh Lâm Đồng", "parent_id": vn, "valid_from": "2025-07-01"}),
        )
        .await;
    serde_json::from_str(&assert_status(r, StatusCode::CREATED).await).unwrap()
}

/// The body of an API error: `error.code`, `error.field`, `error.message`.
pub async fn error(r: reqwest::Response) -> Value {
    r.json::<Value>().await.unwrap()["error"].clone()
}
