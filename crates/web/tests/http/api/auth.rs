//! Who may call the API: a token or a session (with the CSRF header for writes), within the
//! caller's subtree; answers and errors in JSON; the OpenAPI document and its docs page.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::error;
use crate::server::{Server, assert_status};

on_both!(
    a_call_without_a_token_is_401_in_json_and_vietnamese,
    an_unknown_token_is_401,
    an_unknown_api_path_is_404_in_json,
    the_openapi_document_lists_the_paths_and_schemas,
    the_api_docs_page_is_served,
    a_clerks_token_reads_and_writes_only_their_subtree,
    a_browser_session_writes_to_the_api_only_with_the_csrf_header
);

async fn a_call_without_a_token_is_401_in_json_and_vietnamese(b: Backend) {
    let s = Server::start(b).await;
    let r = s.api_without_token().get("/api/v1/units").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let e = error(r).await;
    assert_eq!(e["code"], "unauthenticated");
    assert_eq!(e["message"], "Cần đăng nhập");
}

async fn an_unknown_token_is_401(b: Backend) {
    let s = Server::start(b).await;
    let r = s
        .api_without_token()
        .request(reqwest::Method::GET, "/api/v1/units")
        .bearer_auth("tdkt_khongdung")
        .send()
        .await
        .unwrap();
    assert_status(r, StatusCode::UNAUTHORIZED).await;
}

async fn an_unknown_api_path_is_404_in_json(b: Backend) {
    let s = Server::start(b).await;
    let r = s.api_without_token().get("/api/v1/khong-co").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(error(r).await["code"], "not_found");
}

async fn the_openapi_document_lists_the_paths_and_schemas(b: Backend) {
    let s = Server::start(b).await;
    let spec = s.api_without_token().get_json("/api/v1/openapi.json").await;
    for path in [
        "/api/v1/units",
        "/api/v1/units/{id}",
        "/api/v1/people",
        "/api/v1/people/{id}",
        "/api/v1/people/{id}/ratings",
        "/api/v1/lineage-events",
    ] {
        assert!(spec["paths"][path].is_object(), "OpenAPI lacks {path}");
    }
    assert!(spec["components"]["schemas"]["PersonInput"].is_object());
}

async fn the_api_docs_page_is_served(b: Backend) {
    let s = Server::start(b).await;
    let docs = s.api_without_token().get("/api/docs/").await;
    let body = assert_status(docs, StatusCode::OK).await;
    assert!(body.contains("swagger"));
}

async fn a_clerks_token_reads_and_writes_only_their_subtree(b: Backend) {
    let s = Server::start(b).await;
    let api = s.api("canbo").await;
    let found = api.get_json("/api/v1/people?q=duc").await;
    assert_eq!(found["total"], 1, "a clerk sees their own subtree only");
    let gia_lai = s.t.store().unit_by_code("tinh_b").await.unwrap().id;
    let r = api
        .post_json(
            "/api/v1/people",
            &json!({"full_name": "Người Ngoài", "gender": "nam", "unit_id": gia_lai}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(error(r).await["code"], "forbidden");
}

/// A browser session may call the API too, but writes need the CSRF header.
async fn a_browser_session_writes_to_the_api_only_with_the_csrf_header(b: Backend) {
    let s = Server::start(b).await;
    let browser = s.login("canbo").await;
    let own = s.t.store().unit_by_code("tinh_a").await.unwrap().id;
    let body: Value = json!({"full_name": "Người Mới", "gender": "nu", "unit_id": own});
    let r = browser
        .client
        .post(s.url("/api/v1/people"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser.post_json("/api/v1/people", &body).await;
    assert_status(r, StatusCode::CREATED).await;
}
