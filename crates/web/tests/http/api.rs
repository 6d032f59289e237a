//! The JSON API: tokens, paging, errors with codes and Vietnamese messages, OpenAPI.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::Server;

on_both!(
    api_requires_auth_and_speaks_json,
    api_units_and_people,
    api_scope_and_session_csrf,
    api_cluster_evaluation,
    api_eligibility
);

async fn api_requires_auth_and_speaks_json(b: Backend) {
    let s = Server::start(b).await;
    let c = reqwest::Client::new();
    let r = c.get(s.url("/api/v1/units")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "unauthenticated");
    assert_eq!(e["error"]["message"], "Cần đăng nhập");
    let r = c
        .get(s.url("/api/v1/units"))
        .bearer_auth("tdkt_khongdung")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c.get(s.url("/api/v1/khong-co")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "not_found"
    );

    let spec: Value = c
        .get(s.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    let docs = c.get(s.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

async fn api_units_and_people(b: Backend) {
    let s = Server::start(b).await;
    let token = s.token("quantri").await;
    let c = reqwest::Client::new();
    let get = |path: String| c.get(s.url(&path)).bearer_auth(&token).send();

    let list: Value = get("/api/v1/units?q=dak%20lak".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2, "{list}");
    let page: Value = get("/api/v1/units?per_page=2&page=2".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            page["total"].as_i64(),
            page["items"].as_array().unwrap().len()
        ),
        (Some(4), 2)
    );
    let provinces: Value = get("/api/v1/units?kind=tinh".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(provinces["total"], 2);
    let bad = get("/api/v1/units?kind=province".into()).await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = bad.json().await.unwrap();
    assert_eq!(e["error"]["field"], "kind");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("không có trong danh mục")
    );
    let bad = get("/api/v1/units?page=abc".into()).await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let vn = s.t.store().unit_by_code("vn").await.unwrap().id;
    let post = |path: &str, body: Value| c.post(s.url(path)).bearer_auth(&token).json(&body).send();
    let r = post("/api/v1/units", json!({"code": "tinh_c", "kind": "tinh", "name": "Tỉnh Lâm Đồng", "parent_id": vn, "valid_from": "2025-07-01"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let unit: Value = r.json().await.unwrap();
    assert_eq!(unit["valid_from"], "2025-07-01");
    assert_eq!(unit["kind_label"], "Tỉnh");
    let r = post(
        "/api/v1/units",
        json!({"code": "tinh_c", "kind": "tinh", "name": "Trùng", "parent_id": vn}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains("Mã đơn vị đã tồn tại"));
    assert!(
        !body.to_lowercase().contains("unique") && !body.contains("constraint"),
        "no SQL leaks: {body}"
    );
    let r = post(
        "/api/v1/units",
        json!({"code": "x", "kind": "tinh", "parent_id": vn}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "name");
    assert_eq!(e["error"]["message"], "Thiếu trường «name»");
    let r = c
        .post(s.url("/api/v1/units"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"code\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json::<Value>().await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("dòng 1")
    );

    let id = unit["id"].as_i64().unwrap();
    let r = c
        .patch(s.url(&format!("/api/v1/units/{id}")))
        .bearer_auth(&token)
        .json(&json!({"name": "Tỉnh Lâm Đồng mới", "effective": "2026-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<Value>().await.unwrap()["name"],
        "Tỉnh Lâm Đồng mới"
    );

    let r = post(
        "/api/v1/people",
        json!({"full_name": "Phạm Thị Hương", "gender": "nu", "birth": "1988", "cccd": "066188000123", "unit_id": id, "position": "Chuyên viên",
               "ratings": [{"year": 2024, "rating": "htxsnv"}]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let person: Value = r.json().await.unwrap();
    assert_eq!(person["birth"], "1988");
    let pid = person["id"].as_i64().unwrap();
    let r = post(
        "/api/v1/people",
        json!({"full_name": "Sai Số", "gender": "nam", "cccd": "123", "unit_id": id}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "cccd");

    let r = c
        .put(s.url(&format!("/api/v1/people/{pid}/ratings")))
        .bearer_auth(&token)
        .json(&json!([{"year": 2025, "rating": "httnv"}]))
        .send()
        .await
        .unwrap();
    let ratings: Value = r.json().await.unwrap();
    assert_eq!(ratings.as_array().unwrap().len(), 2);
    let detail: Value = get(format!("/api/v1/people/{pid}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["person"]["full_name"], "Phạm Thị Hương");
    assert_eq!(
        detail["ratings"][0]["rating_label"],
        "Hoàn thành xuất sắc nhiệm vụ"
    );
    assert_eq!(detail["positions"].as_array().unwrap().len(), 1);
    let found: Value = get("/api/v1/people?q=pham%20thi%20huong".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1);
    let found: Value = get("/api/v1/people?q=Nguy%E1%BB%85n%20V%C4%83n%20%C4%90%E1%BB%A9c".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 2);
    let lineage = post(
        "/api/v1/lineage-events",
        json!({"kind": "sap_nhap", "date": "2025-07-01", "from": [id], "to": [vn]}),
    )
    .await
    .unwrap();
    assert_eq!(lineage.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        get("/api/v1/units/999999".into()).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/api/v1/units/abc".into()).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let l: Value = get(format!("/api/v1/units/{id}/lineage"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(l.as_array().unwrap().len(), 0);
}

async fn api_scope_and_session_csrf(b: Backend) {
    let s = Server::start(b).await;
    let token = s.token("canbo").await;
    let c = reqwest::Client::new();
    let found: Value = c
        .get(s.url("/api/v1/people?q=duc"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1, "a clerk sees their own subtree only");
    let gia_lai = s.t.store().unit_by_code("tinh_b").await.unwrap().id;
    let r = c
        .post(s.url("/api/v1/people"))
        .bearer_auth(&token)
        .json(&json!({"full_name": "Người Ngoài", "gender": "nam", "unit_id": gia_lai}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "forbidden"
    );

    // A browser session may call the API too, but writes need the CSRF header.
    let (browser, csrf) = s.login("canbo").await;
    let own = s.t.store().unit_by_code("tinh_a").await.unwrap().id;
    let body = json!({"full_name": "Người Mới", "gender": "nu", "unit_id": own});
    let r = browser
        .post(s.url("/api/v1/people"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser
        .post(s.url("/api/v1/people"))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

async fn api_cluster_evaluation(b: Backend) {
    let s = Server::start(b).await;
    let token = s.token("canbo").await;
    let c = reqwest::Client::new();
    let example: Value = serde_json::from_str(include_str!(
        "../../../../docs/examples/cluster-2022-tay-nguyen.json"
    ))
    .unwrap();
    // A client of its own: the server answers 401 without reading the body and closes the
    // connection, which a pooled client could otherwise reuse for the next request (EPIPE).
    let r = reqwest::Client::new()
        .post(s.url("/api/v1/cluster-evaluations"))
        .json(&example)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c
        .post(s.url("/api/v1/cluster-evaluations"))
        .bearer_auth(&token)
        .json(&example)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["ranking"].as_array().unwrap().len(), 10);
    assert_eq!(
        v["ballot"]["categories"][3]["elected"],
        json!(["lam_dong_cu"])
    );
    assert_eq!(v["sensitivity"]["top_stable"], true);
    let mut bad = example.clone();
    bad["method"] = json!({"name": "trimmed_mean", "k": 5});
    let r = c
        .post(s.url("/api/v1/cluster-evaluations"))
        .bearer_auth(&token)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["field"],
        "method.k"
    );
}

async fn api_eligibility(b: Backend) {
    let s = Server::start(b).await;
    let token = s.token("canbo").await;
    let c = reqwest::Client::new();
    let example: Value = serde_json::from_str(include_str!(
        "../../../../docs/examples/eligibility-bang-khen-thu-tuong.json"
    ))
    .unwrap();
    let url = s.url("/api/v1/eligibility/check");
    let r = c
        .post(&url)
        .bearer_auth(&token)
        .json(&example)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["verdict"], "not_eligible");
    assert_eq!(
        v["criteria"][0]["citation"],
        "Luật 06/2022/QH15, Điều 73.1.b"
    );
    let mut before = example.clone();
    before["reference_date"] = json!("2025-06-30");
    let r = c
        .post(&url)
        .bearer_auth(&token)
        .json(&json!([example, before]))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v[0]["rule_pack"]["id"], "luat_06_2022_nd_152_2025");
    assert_eq!(v[1]["rule_pack"]["id"], "luat_06_2022_nd_98_2023");
    let mut bad = example.clone();
    bad["reference_date"] = json!("2020-01-01");
    let r = c
        .post(&url)
        .bearer_auth(&token)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["field"],
        "reference_date"
    );
}
