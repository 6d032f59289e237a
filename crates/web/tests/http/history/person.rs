//! A person's history feeds the engine: ratings by API, titles and an award through the
//! person page's forms, an initiative registered and reviewed; the verdicts on the page and
//! through the API, by the rule pack of the date.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{missing_mentions, verdict};
use crate::server::{Api, Browser, Server, assert_redirect, assert_status};

on_both!(
    a_form_of_commendation_is_not_accepted_as_a_title,
    the_person_page_finds_the_prime_ministers_commendation_within_reach,
    the_engine_judges_by_the_rule_pack_in_force_on_the_date,
    a_clerk_registers_an_initiative_that_only_the_board_reviews,
    non_consecutive_titles_leave_the_provinces_title_out_of_reach
);

/// The person of tinh_a, their clerk `canbo` logged in and with a token.
struct Person {
    s: Server,
    unit: i64,
    id: i64,
    clerk: Browser,
    api: Api,
}

impl Person {
    async fn new(b: Backend) -> Self {
        let s = Server::start(b).await;
        let unit = s.t.store().unit_by_code("tinh_a").await.unwrap().id;
        let id = s.first_person("tinh_a").await;
        let clerk = s.login("canbo").await;
        let api = s.api("canbo").await;
        Self {
            s,
            unit,
            id,
            clerk,
            api,
        }
    }

    /// The clerk records the history: ratings 2019–2025 by API (htxsnv in odd years, httnv
    /// in even ones), CSTĐCS in 2021, 2023 and 2025 and a Bằng khen tỉnh of 2019-12-20
    /// through the person page.
    async fn with_history(b: Backend) -> Self {
        let p = Self::new(b).await;
        let ratings: Vec<Value> = (2019..=2025)
            .map(|y| json!({"year": y, "rating": if y % 2 == 1 { "htxsnv" } else { "httnv" }}))
            .collect();
        let r = p
            .api
            .put_json(&format!("/api/v1/people/{}/ratings", p.id), &json!(ratings))
            .await;
        assert_status(r, StatusCode::OK).await;
        for year in ["2021", "2023", "2025"] {
            let r = p
                .clerk
                .post_form(
                    &format!("/ca-nhan/{}/danh-hieu", p.id),
                    &[
                        ("nam", year),
                        ("ma", "chien_si_thi_dua_co_so"),
                        ("quyet_dinh", ""),
                    ],
                )
                .await;
            assert_redirect(r).await;
        }
        let r = p
            .clerk
            .post_form(
                &format!("/ca-nhan/{}/khen-thuong", p.id),
                &[
                    ("ma", "bang_khen_tinh"),
                    ("ngay", "2019-12-20"),
                    ("quyet_dinh", "123/QĐ-UBND"),
                ],
            )
            .await;
        assert_redirect(r).await;
        p
    }

    async fn page(&self) -> String {
        self.clerk.get_text(&format!("/ca-nhan/{}", self.id)).await
    }

    async fn eligibility(&self, date: &str) -> Value {
        self.api
            .get_json(&format!(
                "/api/v1/people/{}/eligibility?date={date}",
                self.id
            ))
            .await
    }

    /// The clerk registers the initiative SK-2025-07 with the person as its author; returns
    /// its review address.
    async fn register_initiative(&self) -> String {
        let r = self
            .api
            .post_json(
                "/api/v1/initiatives",
                &json!({"code": "SK-2025-07", "title": "Số hoá sổ vàng", "unit_id": self.unit, "submitted_on": "2025-03-01", "authors": [self.id]}),
            )
            .await;
        let sk: Value = serde_json::from_str(&assert_status(r, StatusCode::CREATED).await).unwrap();
        format!("/api/v1/initiatives/{}/review", sk["id"])
    }

    fn review() -> Value {
        json!({"scope": "tinh", "recognized_on": "2025-10-01", "effect": "Áp dụng toàn tỉnh"})
    }

    /// The board (the administrator here) recognises it at province level.
    async fn board_reviews(&self, review: &str) {
        let admin = self.s.login("quantri").await;
        let r = admin.post_json(review, &Self::review()).await;
        assert_status(r, StatusCode::OK).await;
    }
}

async fn a_form_of_commendation_is_not_accepted_as_a_title(b: Backend) {
    let p = Person::new(b).await;
    let r = p
        .clerk
        .post_form(
            &format!("/ca-nhan/{}/danh-hieu", p.id),
            &[("nam", "2025"), ("ma", "bang_khen_tinh")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a form of commendation is not a title"
    );
}

async fn the_person_page_finds_the_prime_ministers_commendation_within_reach(b: Backend) {
    let p = Person::with_history(b).await;
    let html = p.page().await;
    assert!(
        html.contains("Bằng khen của Thủ tướng Chính phủ") && html.contains("Đủ điều kiện"),
        "{html}"
    );
}

/// Before and after the pack change of 2025-07-01.
async fn the_engine_judges_by_the_rule_pack_in_force_on_the_date(b: Backend) {
    let p = Person::with_history(b).await;
    let v = p.eligibility("2025-12-15").await;
    let bk = verdict(&v, "bang_khen_thu_tuong");
    assert_eq!(bk["verdict"], "eligible", "{bk}");
    assert_eq!(bk["rule_pack"]["id"], "luat_06_2022_nd_152_2025");
    let v = p.eligibility("2025-06-30").await;
    assert_eq!(v[0]["rule_pack"]["id"], "luat_06_2022_nd_98_2023");
}

async fn a_clerk_registers_an_initiative_that_only_the_board_reviews(b: Backend) {
    let p = Person::with_history(b).await;
    let review = p.register_initiative().await;
    let r = p.api.post_json(&review, &Person::review()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    p.board_reviews(&review).await;
    let html = p.page().await;
    assert!(
        html.contains("SK-2025-07") && html.contains("công nhận cấp tỉnh"),
        "{html}"
    );
}

/// With three CSTĐCS in 2021, 2023 and 2025 (not consecutive) and a recognised initiative,
/// the province-level CSTĐ is still out of reach, and the answer says which year is missing.
async fn non_consecutive_titles_leave_the_provinces_title_out_of_reach(b: Backend) {
    let p = Person::with_history(b).await;
    let review = p.register_initiative().await;
    p.board_reviews(&review).await;
    let v = p.eligibility("2025-12-15").await;
    let cstdt = verdict(&v, "chien_si_thi_dua_tinh");
    assert_eq!(cstdt["verdict"], "not_eligible");
    assert!(missing_mentions(cstdt, "năm 2024"), "{cstdt}");
}
