//! Certificates: an authority's own layout serves its subtree, only within the caller's reach
//! and on the sheet; printed certificates carry a QR key that anyone can verify, showing
//! nothing private.

use tdkt_app::AppError;
use tdkt_app::on_both;
use tdkt_app::register::RegisterQuery;
use tdkt_app::testing::Backend;

use super::fixtures::*;

on_both!(
    an_authoritys_layout_serves_its_subtree,
    a_specialist_cannot_set_another_authoritys_layout,
    a_layout_outside_the_sheet_is_refused,
    a_decided_dossier_prints_its_certificates,
    a_certificate_is_verified_publicly_without_private_data,
);

/// Another authority (the nation above) keeps the default.
async fn an_authoritys_layout_serves_its_subtree(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let mut layout = app
        .certificate_template(w.province.id, "bang_khen_tinh")
        .await
        .unwrap();
    let default = layout.clone();
    layout.qr.x_mm += 5.0;
    app.put_certificate_template(
        &w.specialist,
        w.province.id,
        "bang_khen_tinh",
        layout.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        app.certificate_template(w.school.id, "bang_khen_tinh")
            .await
            .unwrap(),
        layout
    );
    assert_eq!(
        app.certificate_template(w.outsider.unit_id, "bang_khen_tinh")
            .await
            .unwrap(),
        layout
    );
    let nation = w.t.store().unit_by_code("vn").await.unwrap();
    assert_eq!(
        app.certificate_template(nation.id, "bang_khen_tinh")
            .await
            .unwrap(),
        default
    );
}

/// The province's specialist cannot set the nation's layout.
async fn a_specialist_cannot_set_another_authoritys_layout(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let mut layout = app
        .certificate_template(w.province.id, "bang_khen_tinh")
        .await
        .unwrap();
    layout.qr.x_mm += 5.0;
    let nation = w.t.store().unit_by_code("vn").await.unwrap();
    let e = refused(
        &w,
        None,
        app.put_certificate_template(&w.specialist, nation.id, "bang_khen_tinh", layout),
    )
    .await;
    assert!(matches!(e, AppError::Forbidden(_)));
}

/// A layout outside the sheet is refused with the field named.
async fn a_layout_outside_the_sheet_is_refused(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let default = app
        .certificate_template(w.province.id, "bang_khen_tinh")
        .await
        .unwrap();
    let mut bad = default.clone();
    bad.fields[0].x_mm = 400.0;
    let (field, msg) = invalid(
        refused(
            &w,
            None,
            app.put_certificate_template(&w.specialist, w.province.id, "bang_khen_tinh", bad),
        )
        .await,
    );
    assert_eq!(field, "mau");
    assert!(
        msg.contains(&default.fields[0].key) || msg.contains("recipient") || !msg.is_empty(),
        "{msg}"
    );
}

async fn a_decided_dossier_prints_its_certificates(b: Backend) {
    let w = world(b).await;
    let (v, _) = w.decided().await;
    let certs =
        w.t.app
            .certificates_pdf(&w.specialist, v.id, None, "https://tdkt.gialai.gov.vn")
            .await
            .unwrap();
    assert!(certs.len() > 1000 && certs.starts_with(b"%PDF-"));
}

/// The register row's key opens the certificate's public page: name, award and decision, no
/// identity number or birth date; an unknown key is not found.
async fn a_certificate_is_verified_publicly_without_private_data(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    w.decided().await;
    let rows = app
        .search_register(
            &w.specialist,
            &RegisterQuery {
                person: Some(w.duc.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let key = rows[0].cert_key.clone().unwrap();
    assert_eq!(key.len(), 32);
    let pc = app.verify_certificate(&key).await.unwrap();
    assert_eq!(pc.name, "Nguyễn Văn Đức");
    assert_eq!(pc.award, "Bằng khen cấp bộ, ban, ngành, tỉnh");
    assert!(pc.decision.contains("1/QĐ-UBND"), "{}", pc.decision);
    assert_eq!(pc.revoked, None);
    let public = serde_json::to_string(&pc).unwrap();
    for private in [DUC_CCCD, "1980", "cccd", "birth", "ngay_sinh"] {
        assert!(!public.contains(private), "{private} in {public}");
    }
    assert!(matches!(
        app.verify_certificate(&"0".repeat(32)).await,
        Err(AppError::NotFound(_))
    ));
}
