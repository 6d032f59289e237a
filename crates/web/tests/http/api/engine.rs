//! The engines through the API, on the documented examples: a cluster's evaluation (ranking,
//! ballot, sensitivity) and eligibility checks, one or a batch, by the date's rule pack.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::error;
use crate::server::{Server, assert_status};

on_both!(
    a_cluster_evaluation_needs_a_token,
    the_cluster_example_is_ranked_elected_and_stable,
    a_bad_method_parameter_is_named,
    the_eligibility_example_is_judged_citing_the_law,
    a_batch_of_checks_uses_each_dates_rule_pack,
    a_date_before_any_rule_pack_is_named
);

fn cluster_example() -> Value {
    serde_json::from_str(include_str!(
        "../../../../../docs/examples/cluster-2022-tay-nguyen.json"
    ))
    .unwrap()
}

fn eligibility_example() -> Value {
    serde_json::from_str(include_str!(
        "../../../../../docs/examples/eligibility-bang-khen-thu-tuong.json"
    ))
    .unwrap()
}

async fn a_cluster_evaluation_needs_a_token(b: Backend) {
    let s = Server::start(b).await;
    // A client of its own (see `api_without_token`): the 401 comes before the body is read.
    let r = s
        .api_without_token()
        .post_json("/api/v1/cluster-evaluations", &cluster_example())
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

async fn the_cluster_example_is_ranked_elected_and_stable(b: Backend) {
    let s = Server::start(b).await;
    let api = s.api("canbo").await;
    let r = api
        .post_json("/api/v1/cluster-evaluations", &cluster_example())
        .await;
    let v: Value = serde_json::from_str(&assert_status(r, StatusCode::OK).await).unwrap();
    assert_eq!(v["ranking"].as_array().unwrap().len(), 10);
    assert_eq!(
        v["ballot"]["categories"][3]["elected"],
        json!(["lam_dong_cu"])
    );
    assert_eq!(v["sensitivity"]["top_stable"], true);
}

async fn a_bad_method_parameter_is_named(b: Backend) {
    let s = Server::start(b).await;
    let api = s.api("canbo").await;
    let mut bad = cluster_example();
    bad["method"] = json!({"name": "trimmed_mean", "k": 5});
    let r = api.post_json("/api/v1/cluster-evaluations", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error(r).await["field"], "method.k");
}

async fn the_eligibility_example_is_judged_citing_the_law(b: Backend) {
    let s = Server::start(b).await;
    let api = s.api("canbo").await;
    let r = api
        .post_json("/api/v1/eligibility/check", &eligibility_example())
        .await;
    let v: Value = serde_json::from_str(&assert_status(r, StatusCode::OK).await).unwrap();
    assert_eq!(v["verdict"], "not_eligible");
    assert_eq!(
        v["criteria"][0]["citation"],
        "Luật 06/2022/QH15, Điều 73.1.b"
    );
}

async fn a_batch_of_checks_uses_each_dates_rule_pack(b: Backend) {
    let s = Server::start(b).await;
    let api = s.api("canbo").await;
    let example = eligibility_example();
    let mut before = example.clone();
    before["reference_date"] = json!("2025-06-30");
    let v: Value = api
        .post_json("/api/v1/eligibility/check", &json!([example, before]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v[0]["rule_pack"]["id"], "luat_06_2022_nd_152_2025");
    assert_eq!(v[1]["rule_pack"]["id"], "luat_06_2022_nd_98_2023");
}

async fn a_date_before_any_rule_pack_is_named(b: Backend) {
    let s = Server::start(b).await;
    let api = s.api("canbo").await;
    let mut bad = eligibility_example();
    bad["reference_date"] = json!("2020-01-01");
    let r = api.post_json("/api/v1/eligibility/check", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error(r).await["field"], "reference_date");
}
