//! A collective's verdicts: its own rating and discipline, its members counted from its
//! people.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{missing_mentions, verdict};
use crate::server::{Browser, Server, assert_status};

on_both!(
    a_collective_meeting_every_measurable_criterion_is_eligible,
    the_unit_page_shows_the_collectives_verdicts,
    an_unknown_discipline_is_reported_not_assumed
);

/// tinh_a with its one person rated and LĐTT in 2025, and its own 2025 rating "httnv"
/// with no one disciplined, all through the API in the administrator's session.
async fn collective(b: Backend) -> (Server, Browser, i64) {
    let s = Server::start(b).await;
    let unit = s.t.store().unit_by_code("tinh_a").await.unwrap().id;
    let person = s.first_person("tinh_a").await;
    let admin = s.login("quantri").await;
    for (path, body) in [
        (
            format!("/api/v1/people/{person}/ratings"),
            json!([{"year": 2025, "rating": "httnv"}]),
        ),
        (
            format!("/api/v1/people/{person}/titles"),
            json!([{"year": 2025, "code": "lao_dong_tien_tien"}]),
        ),
        (
            format!("/api/v1/units/{unit}/ratings"),
            json!([{"year": 2025, "rating": "httnv", "disciplined": 0}]),
        ),
    ] {
        assert_status(admin.put_json(&path, &body).await, StatusCode::OK).await;
    }
    (s, admin, unit)
}

async fn eligibility(admin: &Browser, unit: i64) -> Value {
    admin
        .get_json(&format!("/api/v1/units/{unit}/eligibility?date=2025-12-15"))
        .await
}

async fn a_collective_meeting_every_measurable_criterion_is_eligible(b: Backend) {
    let (_s, admin, unit) = collective(b).await;
    let v = eligibility(&admin, unit).await;
    let ldtt = verdict(&v, "tap_the_lao_dong_tien_tien");
    assert_eq!(
        ldtt["verdict"], "eligible",
        "all measurable criteria met; unity is attested by the unit: {ldtt}"
    );
    assert_eq!(
        verdict(&v, "tap_the_lao_dong_xuat_sac")["verdict"],
        "not_eligible"
    );
}

async fn the_unit_page_shows_the_collectives_verdicts(b: Backend) {
    let (_s, admin, unit) = collective(b).await;
    let page = admin.get_text(&format!("/don-vi/{unit}")).await;
    assert!(
        page.contains("Xét điều kiện danh hiệu tập thể")
            && page.contains("Tập thể lao động xuất sắc"),
        "{page}"
    );
}

async fn an_unknown_discipline_is_reported_not_assumed(b: Backend) {
    let (_s, admin, unit) = collective(b).await;
    admin
        .put_json(
            &format!("/api/v1/units/{unit}/ratings"),
            &json!([{"year": 2025, "rating": "httnv"}]),
        )
        .await;
    let v = eligibility(&admin, unit).await;
    assert!(missing_mentions(&v[0], "bị kỷ luật"), "{v}");
}
