//! The simplified procedure of a sudden commendation, entirely through the JSON API with
//! tokens: no consultation and no council.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::pdf_bytes;
use crate::server::{Api, Server, assert_status};

on_both!(
    sudden_commendation_goes_through_the_api_without_consultation_or_council,
    a_stale_version_is_refused_with_409_in_the_api_error_shape,
    openapi_documents_the_dossier_steps
);

/// The clerk, the specialist and the leader of `tinh_a`, each with a token, and a sudden
/// commendation drafted by the clerk for the province's person with its proposal letter.
struct ApiCase {
    s: Server,
    clerk: Api,
    sp: Api,
    lead: Api,
    id: i64,
}

impl ApiCase {
    /// The case, and the dossier as its creation answered.
    async fn drafted(b: Backend) -> (Self, Value) {
        let s = Server::start(b).await;
        s.add_users(&[
            ("chuyenvien", "chuyen_vien_ban", "tinh_a"),
            ("lanhdao", "lanh_dao_ban", "tinh_a"),
        ])
        .await;
        let unit = s.t.store().unit_by_code("tinh_a").await.unwrap().id;
        let duc = s.first_person("tinh_a").await;
        let (clerk, sp, lead) = (
            s.api("canbo").await,
            s.api("chuyenvien").await,
            s.api("lanhdao").await,
        );
        let r = clerk
            .post_json(
                "/api/v1/dossiers",
                &json!({
                    "title": "Khen thưởng đột xuất cứu người trong lũ", "unit_id": unit, "kind": "dot_xuat",
                    "year": tdkt_app::today().year(),
                    "nominees": [{"person_id": duc, "award_code": "bang_khen_tinh", "summary": "Cứu hai em nhỏ bị lũ cuốn trôi"}]
                }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let d: Value = r.json().await.unwrap();
        let id = d["id"].as_i64().unwrap();
        let r = clerk
            .post_body(
                &format!("/api/v1/dossiers/{id}/documents?slot=to_trinh&filename=to-trinh.pdf"),
                None,
                pdf_bytes("to trinh"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        (
            Self {
                s,
                clerk,
                sp,
                lead,
                id,
            },
            d,
        )
    }

    /// The dossier as `who` reads it: `{"dossier": …, "steps": […]}`.
    async fn view(&self, who: &Api) -> Value {
        who.get_json(&format!("/api/v1/dossiers/{}", self.id)).await
    }

    /// The dossier's current version as `who` reads it.
    async fn version(&self, who: &Api) -> i64 {
        self.view(who).await["dossier"]["version"].as_i64().unwrap()
    }

    /// A workflow step with an explicit version.
    async fn take(&self, who: &Api, step: &str, version: i64) -> reqwest::Response {
        who.post_json(
            &format!("/api/v1/dossiers/{}/steps", self.id),
            &json!({"step": step, "version": version}),
        )
        .await
    }

    /// A workflow step at the current version, which must go through.
    async fn ok_step(&self, who: &Api, step: &str) {
        let v = self.version(who).await;
        let r = self.take(who, step, v).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{step}: {}",
            r.text().await.unwrap()
        );
    }
}

async fn sudden_commendation_goes_through_the_api_without_consultation_or_council(b: Backend) {
    let (c, d) = ApiCase::drafted(b).await;
    let year = tdkt_app::today().year();
    assert!(
        d["code"]
            .as_str()
            .unwrap()
            .starts_with(&format!("HS-{year}-"))
    );
    // The simplified procedure needs only the proposal letter.
    c.ok_step(&c.clerk, "gui").await;
    for step in ["tiep_nhan", "tham_dinh"] {
        c.ok_step(&c.sp, step).await;
    }
    let view = c.view(&c.sp).await;
    let nominee = view["dossier"]["nominees"][0]["id"].as_i64().unwrap();
    assert!(
        view["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "xong_tham_dinh")
    );
    let r = c
        .sp
        .post_json(
            &format!("/api/v1/dossiers/{}/appraisals", c.id),
            &json!({"nominee_id": nominee, "result": "dat", "override_reason": "Thành tích đột xuất, đã xác minh với chính quyền xã"}),
        )
        .await;
    assert_status(r, StatusCode::OK).await;
    let v = c.version(&c.sp).await;
    assert_eq!(
        c.take(&c.sp, "xong_tham_dinh", v).await.status(),
        StatusCode::OK
    );
    // Straight to the leader: no consultation, no council.
    c.ok_step(&c.lead, "duyet").await;
    let v = c.version(&c.lead).await;
    let r = c
        .lead
        .post_json(
            &format!("/api/v1/dossiers/{}/decision", c.id),
            &json!({"version": v, "signed_on": tdkt_domain::dates::iso(tdkt_app::today()), "signer_name": "Nguyễn Thị Thanh", "signer_title": "CHỦ TỊCH"}),
        )
        .await;
    let dec: Value = serde_json::from_str(&assert_status(r, StatusCode::CREATED).await).unwrap();
    assert_eq!(dec["number"], "1/QĐ-UBND");
    let found = c.sp.get_json("/api/v1/register?q=nguyen+van+duc").await;
    let row = &found[0];
    assert_eq!(
        row["decision"].as_str().unwrap().split(' ').next(),
        Some("1/QĐ-UBND")
    );
    let key = row["cert_key"].as_str().unwrap();
    // The certificate verifies without login and shows nothing private.
    let r =
        c.s.api_without_token()
            .get(&format!("/api/v1/certificates/{key}"))
            .await;
    assert_eq!(r.status(), StatusCode::OK);
    let cert: Value = r.json().await.unwrap();
    assert_eq!(cert["name"], "Nguyễn Văn Đức");
    assert!(cert.get("cccd").is_none() && cert.get("birth").is_none());
}

async fn a_stale_version_is_refused_with_409_in_the_api_error_shape(b: Backend) {
    let (c, _) = ApiCase::drafted(b).await;
    let v0 = c.version(&c.clerk).await;
    let r = c.take(&c.clerk, "gui", v0).await;
    assert_status(r, StatusCode::OK).await;
    // Sending moved the dossier on: the version read before is stale.
    let r = c.take(&c.sp, "tiep_nhan", v0).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "conflict");
}

async fn openapi_documents_the_dossier_steps(b: Backend) {
    let s = Server::start(b).await;
    let doc = s.api_without_token().get_json("/api/v1/openapi.json").await;
    assert!(doc["paths"]["/api/v1/dossiers/{id}/steps"].is_object());
}
