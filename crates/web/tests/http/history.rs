//! A person's history over HTTP: titles and awards through the person page, initiatives and
//! their review through the API, and the engine's verdicts from what is stored.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::Server;

on_both!(
    history_feeds_the_verdicts,
    csv_import_checks_every_row_first,
    collective_verdicts,
    local_award_kinds
);

async fn history_feeds_the_verdicts(b: Backend) {
    let s = Server::start(b).await;
    let store = s.t.store();
    let unit = store.unit_by_code("tinh_a").await.unwrap().id;
    let person = store
        .search_people(&tdkt_store::PersonFilter {
            under_unit: Some(unit),
            ..Default::default()
        })
        .await
        .unwrap()
        .items[0]
        .id;
    let (clerk, csrf) = s.login("canbo").await;
    let page = |c: &reqwest::Client| c.get(s.url(&format!("/ca-nhan/{person}"))).send();

    // Ratings 2019–2025 by API, as the clerk (bearer token made through the app).
    let token = s.token("canbo").await;
    let api = reqwest::Client::new();
    let ratings: Vec<Value> = (2019..=2025)
        .map(|y| json!({"year": y, "rating": if y % 2 == 1 { "htxsnv" } else { "httnv" }}))
        .collect();
    let r = api
        .put(s.url(&format!("/api/v1/people/{person}/ratings")))
        .bearer_auth(&token)
        .json(&ratings)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Titles and an award through the person page's forms.
    for year in ["2021", "2023", "2025"] {
        let r = s
            .post_form(
                &clerk,
                &format!("/ca-nhan/{person}/danh-hieu"),
                &[
                    ("_csrf", csrf.as_str()),
                    ("nam", year),
                    ("ma", "chien_si_thi_dua_co_so"),
                    ("quyet_dinh", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = s
        .post_form(
            &clerk,
            &format!("/ca-nhan/{person}/danh-hieu"),
            &[
                ("_csrf", csrf.as_str()),
                ("nam", "2025"),
                ("ma", "bang_khen_tinh"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a form of commendation is not a title"
    );
    let r = s
        .post_form(
            &clerk,
            &format!("/ca-nhan/{person}/khen-thuong"),
            &[
                ("_csrf", csrf.as_str()),
                ("ma", "bang_khen_tinh"),
                ("ngay", "2019-12-20"),
                ("quyet_dinh", "123/QĐ-UBND"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = page(&clerk).await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Bằng khen của Thủ tướng Chính phủ") && html.contains("Đủ điều kiện"),
        "{html}"
    );

    // The engine over the API, on a date before and after the pack change.
    let v: Value = api
        .get(s.url(&format!(
            "/api/v1/people/{person}/eligibility?date=2025-12-15"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bk = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["award"] == "bang_khen_thu_tuong")
        .unwrap();
    assert_eq!(bk["verdict"], "eligible", "{bk}");
    assert_eq!(bk["rule_pack"]["id"], "luat_06_2022_nd_152_2025");
    let v: Value = api
        .get(s.url(&format!(
            "/api/v1/people/{person}/eligibility?date=2025-06-30"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v[0]["rule_pack"]["id"], "luat_06_2022_nd_98_2023");

    // An initiative registered by the clerk, reviewed by the board specialist (admin here);
    // the clerk may not review it.
    let r = api
        .post(s.url("/api/v1/initiatives"))
        .bearer_auth(&token)
        .json(&json!({"code": "SK-2025-07", "title": "Số hoá sổ vàng", "unit_id": unit, "submitted_on": "2025-03-01", "authors": [person]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let sk: Value = r.json().await.unwrap();
    let review =
        json!({"scope": "tinh", "recognized_on": "2025-10-01", "effect": "Áp dụng toàn tỉnh"});
    let url = s.url(&format!("/api/v1/initiatives/{}/review", sk["id"]));
    assert_eq!(
        api.post(&url)
            .bearer_auth(&token)
            .json(&review)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let (admin, admin_csrf) = s.login("quantri").await;
    let r = admin
        .post(&url)
        .header("x-csrf-token", admin_csrf)
        .json(&review)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = page(&clerk).await.unwrap().text().await.unwrap();
    assert!(
        html.contains("SK-2025-07") && html.contains("công nhận cấp tỉnh"),
        "{html}"
    );
    // With 3 CSTĐCS 2021/2023/2025 (not consecutive) the province-level CSTĐ is still out of reach.
    let v: Value = api
        .get(s.url(&format!(
            "/api/v1/people/{person}/eligibility?date=2025-12-15"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cstdt = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["award"] == "chien_si_thi_dua_tinh")
        .unwrap();
    assert_eq!(cstdt["verdict"], "not_eligible");
    assert!(
        cstdt["missing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().contains("năm 2024")),
        "{cstdt}"
    );
}

async fn csv_import_checks_every_row_first(b: Backend) {
    let s = Server::start(b).await;
    let store = s.t.store();
    let unit = store.unit_by_code("tinh_a").await.unwrap().id;
    let token = s.token("canbo").await;
    let api = reqwest::Client::new();
    let url = s.url(&format!("/api/v1/units/{unit}/history-import"));
    let post = |body: &'static str| {
        api.post(&url)
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let (seq0, _) = store.audit_head().await.unwrap();
    let r = post("ho_ten,cccd,nam,xep_loai,danh_hieu\nnguyen van duc,,2024,httnv,lao_dong_tien_tien\nNguyễn Văn Đức,,2025,tot,\n").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "dong[3].xep_loai");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Dòng 3, cột «xep_loai»")
    );
    assert_eq!(store.audit_head().await.unwrap().0, seq0, "nothing written");
    let r = post("ho_ten,cccd,nam,xep_loai,danh_hieu\nLê Văn Không Có,,2024,httnv,\n")
        .await
        .unwrap();
    assert!(
        r.json::<Value>().await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("không có «Lê Văn Không Có» trong đơn vị")
    );
    let r = post("ho_ten,cccd,nam,xep_loai,danh_hieu\nnguyen van duc,,2024,httnv,lao_dong_tien_tien\nNguyễn Văn Đức,,2025,htxsnv,chien_si_thi_dua_co_so\n").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rep: Value = r.json().await.unwrap();
    assert_eq!(
        rep,
        json!({"rows": 2, "people": 1, "ratings": 2, "titles": 2})
    );
    // The person of Gia Lai with the same name is not touched; the clerk cannot import there.
    let gl = store.unit_by_code("tinh_b").await.unwrap().id;
    let r = api
        .post(s.url(&format!("/api/v1/units/{gl}/history-import")))
        .bearer_auth(&token)
        .body("ho_ten,nam\nx,2024\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// A collective: its own rating and discipline, its members counted from its people.
async fn collective_verdicts(b: Backend) {
    let s = Server::start(b).await;
    let store = s.t.store();
    let unit = store.unit_by_code("tinh_a").await.unwrap().id;
    let (admin, csrf) = s.login("quantri").await;
    // The one person of tinh_a: rated and LĐTT in 2025.
    let person = store
        .search_people(&tdkt_store::PersonFilter {
            under_unit: Some(unit),
            ..Default::default()
        })
        .await
        .unwrap()
        .items[0]
        .id;
    let put = |path: String, body: Value| {
        admin
            .put(s.url(&path))
            .header("x-csrf-token", csrf.clone())
            .json(&body)
            .send()
    };
    assert_eq!(
        put(
            format!("/api/v1/people/{person}/ratings"),
            json!([{"year": 2025, "rating": "httnv"}])
        )
        .await
        .unwrap()
        .status(),
        StatusCode::OK
    );
    assert_eq!(
        put(
            format!("/api/v1/people/{person}/titles"),
            json!([{"year": 2025, "code": "lao_dong_tien_tien"}])
        )
        .await
        .unwrap()
        .status(),
        StatusCode::OK
    );
    let r = put(
        format!("/api/v1/units/{unit}/ratings"),
        json!([{"year": 2025, "rating": "httnv", "disciplined": 0}]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = admin
        .get(s.url(&format!("/api/v1/units/{unit}/eligibility?date=2025-12-15")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ldtt = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["award"] == "tap_the_lao_dong_tien_tien")
        .unwrap();
    assert_eq!(
        ldtt["verdict"], "eligible",
        "all measurable criteria met; unity is attested by the unit: {ldtt}"
    );
    let ldxs = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["award"] == "tap_the_lao_dong_xuat_sac")
        .unwrap();
    assert_eq!(ldxs["verdict"], "not_eligible");
    let page = s.page(&admin, &format!("/don-vi/{unit}")).await;
    assert!(
        page.contains("Xét điều kiện danh hiệu tập thể")
            && page.contains("Tập thể lao động xuất sắc"),
        "{page}"
    );
    // Unknown discipline is reported, not assumed.
    put(
        format!("/api/v1/units/{unit}/ratings"),
        json!([{"year": 2025, "rating": "httnv"}]),
    )
    .await
    .unwrap();
    let v: Value = admin
        .get(s.url(&format!("/api/v1/units/{unit}/eligibility?date=2025-12-15")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        v[0]["missing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().contains("bị kỷ luật")),
        "{v}"
    );
}

/// An administrator adds a provincial award kind; it can then be recorded for a person.
async fn local_award_kinds(b: Backend) {
    let s = Server::start(b).await;
    let store = s.t.store();
    let unit = store.unit_by_code("tinh_a").await.unwrap().id;
    let person = store
        .search_people(&tdkt_store::PersonFilter {
            under_unit: Some(unit),
            ..Default::default()
        })
        .await
        .unwrap()
        .items[0]
        .id;
    let kind = json!({"code": "giay_khen_so_noi_vu", "name": "Giấy khen của Giám đốc Sở Nội vụ", "kind": "hinh_thuc", "subjects": ["ca_nhan", "tap_the"],
                      "level": "co_so", "granted_by": "Giám đốc Sở Nội vụ", "bonus": 0.3, "unit_id": unit});
    let (clerk, clerk_csrf) = s.login("canbo").await;
    let r = clerk
        .post(s.url("/api/v1/catalog/local-kinds"))
        .header("x-csrf-token", clerk_csrf.clone())
        .json(&kind)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "only administrators add kinds"
    );
    let (admin, csrf) = s.login("quantri").await;
    let r = admin
        .post(s.url("/api/v1/catalog/local-kinds"))
        .header("x-csrf-token", csrf.clone())
        .json(&kind)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let mut clash = kind.clone();
    clash["code"] = json!("bang_khen_tinh");
    let r = admin
        .post(s.url("/api/v1/catalog/local-kinds"))
        .header("x-csrf-token", csrf.clone())
        .json(&clash)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // An unknown kind is refused in Vietnamese, naming the value and the valid codes.
    let mut odd = kind.clone();
    odd["code"] = json!("giay_khen_khac");
    odd["kind"] = json!("hinh_thu");
    let r = admin
        .post(s.url("/api/v1/catalog/local-kinds"))
        .header("x-csrf-token", csrf.clone())
        .json(&odd)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("«hinh_thu»") && body.contains("danh_hieu, hinh_thuc"),
        "{body}"
    );
    let catalog = s.page(&admin, "/danh-muc").await;
    assert!(
        catalog.contains("Giấy khen của Giám đốc Sở Nội vụ (địa phương)")
            && catalog.contains("702.000 đồng")
    );
    let r = s
        .post_form(
            &clerk,
            &format!("/ca-nhan/{person}/khen-thuong"),
            &[
                ("_csrf", clerk_csrf.as_str()),
                ("ma", "giay_khen_so_noi_vu"),
                ("ngay", "2025-01-15"),
                ("quyet_dinh", "7/QĐ-SNV"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = s.page(&clerk, &format!("/ca-nhan/{person}")).await;
    assert!(
        page.contains("Giấy khen của Giám đốc Sở Nội vụ") && page.contains("7/QĐ-SNV"),
        "{page}"
    );
}
