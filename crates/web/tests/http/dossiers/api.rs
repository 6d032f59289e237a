//! A sudden commendation through the JSON API.

use super::*;

on_both!(sudden_commendation_through_the_api);

/// The simplified procedure of a sudden commendation, entirely through the JSON API with
/// tokens: no consultation and no council; a stale version is refused with 409.
async fn sudden_commendation_through_the_api(b: Backend) {
    let s = Server::start(b).await;
    for (user, role) in [
        ("chuyenvien", "chuyen_vien_ban"),
        ("lanhdao", "lanh_dao_ban"),
    ] {
        s.t.app
            .create_user(
                None,
                UserInput {
                    username: user.into(),
                    display_name: format!("Người {user}"),
                    password: PASSWORD.into(),
                    grants: vec![(role.into(), "tinh_a".into())],
                },
            )
            .await
            .unwrap();
    }
    let a = s.t.store().unit_by_code("tinh_a").await.unwrap();
    let duc =
        s.t.store()
            .search_people(&tdkt_store::PersonFilter {
                q: None,
                under_unit: Some(a.id),
                scope: None,
                paging: tdkt_store::Paging::new(Some(1), Some(10)),
            })
            .await
            .unwrap()
            .items
            .remove(0);
    let c = reqwest::Client::new();
    let (clerk, sp, lead) = (
        s.token("canbo").await,
        s.token("chuyenvien").await,
        s.token("lanhdao").await,
    );
    let year = tdkt_app::today().year();
    let r = c
        .post(s.url("/api/v1/dossiers"))
        .bearer_auth(&clerk)
        .json(&serde_json::json!({
            "title": "Khen thưởng đột xuất cứu người trong lũ", "unit_id": a.id, "kind": "dot_xuat", "year": year,
            "nominees": [{"person_id": duc.id, "award_code": "bang_khen_tinh", "summary": "Cứu hai em nhỏ bị lũ cuốn trôi"}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let d: serde_json::Value = r.json().await.unwrap();
    let id = d["id"].as_i64().unwrap();
    assert!(
        d["code"]
            .as_str()
            .unwrap()
            .starts_with(&format!("HS-{year}-"))
    );
    let r = c
        .post(s.url(&format!(
            "/api/v1/dossiers/{id}/documents?slot=to_trinh&filename=to-trinh.pdf"
        )))
        .bearer_auth(&clerk)
        .body(pdf_bytes("to trinh"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let version = |v: &serde_json::Value| v["version"].as_i64().unwrap();
    let get = |tok: String| {
        let url = s.url(&format!("/api/v1/dossiers/{id}"));
        let c = c.clone();
        async move {
            let v: serde_json::Value = c
                .get(url)
                .bearer_auth(tok)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v
        }
    };
    let take = |tok: String, step: &'static str, v: i64| {
        let url = s.url(&format!("/api/v1/dossiers/{id}/steps"));
        let c = c.clone();
        async move {
            c.post(url)
                .bearer_auth(tok)
                .json(&serde_json::json!({"step": step, "version": v}))
                .send()
                .await
                .unwrap()
        }
    };
    let v0 = version(&get(clerk.clone()).await["dossier"]);
    // The simplified procedure needs only the proposal letter.
    let r = take(clerk.clone(), "gui", v0).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // A stale version is refused in the API's error shape.
    let r = take(sp.clone(), "tiep_nhan", v0).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "conflict");
    for step in ["tiep_nhan", "tham_dinh"] {
        let v = version(&get(sp.clone()).await["dossier"]);
        let r = take(sp.clone(), step, v).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{step}: {}",
            r.text().await.unwrap()
        );
    }
    let view = get(sp.clone()).await;
    let nominee = view["dossier"]["nominees"][0]["id"].as_i64().unwrap();
    assert!(
        view["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "xong_tham_dinh")
    );
    let r = c
        .post(s.url(&format!("/api/v1/dossiers/{id}/appraisals")))
        .bearer_auth(&sp)
        .json(&serde_json::json!({"nominee_id": nominee, "result": "dat", "override_reason": "Thành tích đột xuất, đã xác minh với chính quyền xã"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let v = version(&get(sp.clone()).await["dossier"]);
    assert_eq!(
        take(sp.clone(), "xong_tham_dinh", v).await.status(),
        StatusCode::OK
    );
    // Straight to the leader: no consultation, no council.
    let v = version(&get(lead.clone()).await["dossier"]);
    let r = take(lead.clone(), "duyet", v).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let v = version(&get(lead.clone()).await["dossier"]);
    let r = c
        .post(s.url(&format!("/api/v1/dossiers/{id}/decision")))
        .bearer_auth(&lead)
        .json(&serde_json::json!({"version": v, "signed_on": tdkt_domain::dates::iso(tdkt_app::today()), "signer_name": "Nguyễn Thị Thanh", "signer_title": "CHỦ TỊCH"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let dec: serde_json::Value = r.json().await.unwrap();
    assert_eq!(dec["number"], "1/QĐ-UBND");
    let found: serde_json::Value = c
        .get(s.url("/api/v1/register?q=nguyen+van+duc"))
        .bearer_auth(&sp)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = &found[0];
    assert_eq!(
        row["decision"].as_str().unwrap().split(' ').next(),
        Some("1/QĐ-UBND")
    );
    let key = row["cert_key"].as_str().unwrap();
    // The certificate verifies without login and shows nothing private.
    let r = reqwest::get(s.url(&format!("/api/v1/certificates/{key}")))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cert: serde_json::Value = r.json().await.unwrap();
    assert_eq!(cert["name"], "Nguyễn Văn Đức");
    assert!(cert.get("cccd").is_none() && cert.get("birth").is_none());
    let doc: serde_json::Value = reqwest::get(s.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/dossiers/{id}/steps"].is_object());
}
