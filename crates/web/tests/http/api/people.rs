//! People through the API: created with ratings, refused with the field named, rated again,
//! read in detail, found without diacritics.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{admin, error, new_province};
use crate::server::{Api, Server, assert_status};

on_both!(
    a_person_is_created_with_a_birth_year_and_ratings,
    a_bad_identity_number_is_422_naming_the_field,
    ratings_are_added_and_the_detail_shows_them_with_labels,
    people_are_found_without_diacritics
);

/// Phạm Thị Hương, specialist of the new province Lâm Đồng, born 1988, rated htxsnv in 2024:
/// the administrator's client, the person as the API returns it, and the province's id.
async fn huong(b: Backend) -> (Server, Api, Value, i64) {
    let s = Server::start(b).await;
    let (api, vn) = admin(&s).await;
    let unit = new_province(&api, vn).await["id"].as_i64().unwrap();
    let r = api
        .post_json(
            "/api/v1/people",
            &json!({"full_name": "Phạm Thị Hương", "gender": "nu", "birth": "1988", "cccd": "066188000123", "unit_id": unit, "position": "Chuyên viên",
                    "ratings": [{"year": 2024, "rating": "htxsnv"}]}),
        )
        .await;
    let person = serde_json::from_str(&assert_status(r, StatusCode::CREATED).await).unwrap();
    (s, api, person, unit)
}

async fn a_person_is_created_with_a_birth_year_and_ratings(b: Backend) {
    let (_s, _api, person, _) = huong(b).await;
    assert_eq!(person["birth"], "1988");
}

async fn a_bad_identity_number_is_422_naming_the_field(b: Backend) {
    let (_s, api, _, unit) = huong(b).await;
    let r = api
        .post_json(
            "/api/v1/people",
            &json!({"full_name": "Sai Số", "gender": "nam", "cccd": "123", "unit_id": unit}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error(r).await["field"], "cccd");
}

async fn ratings_are_added_and_the_detail_shows_them_with_labels(b: Backend) {
    let (_s, api, person, _) = huong(b).await;
    let pid = person["id"].as_i64().unwrap();
    let ratings: Value = api
        .put_json(
            &format!("/api/v1/people/{pid}/ratings"),
            &json!([{"year": 2025, "rating": "httnv"}]),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ratings.as_array().unwrap().len(), 2);
    let detail = api.get_json(&format!("/api/v1/people/{pid}")).await;
    assert_eq!(detail["person"]["full_name"], "Phạm Thị Hương");
    assert_eq!(
        detail["ratings"][0]["rating_label"],
        "Hoàn thành xuất sắc nhiệm vụ"
    );
    assert_eq!(detail["positions"].as_array().unwrap().len(), 1);
}

async fn people_are_found_without_diacritics(b: Backend) {
    let (_s, api, _, _) = huong(b).await;
    let found = api.get_json("/api/v1/people?q=pham%20thi%20huong").await;
    assert_eq!(found["total"], 1);
    let found = api
        .get_json("/api/v1/people?q=Nguy%E1%BB%85n%20V%C4%83n%20%C4%90%E1%BB%A9c")
        .await;
    assert_eq!(found["total"], 2);
}
