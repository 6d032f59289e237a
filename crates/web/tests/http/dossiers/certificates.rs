//! Certificates: the PDF's QR address verifies publicly and shows nothing private.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{CCCD, Case, Stage, pdf_text, verification_key};
use crate::server::{Server, assert_ok_bytes, assert_status};

on_both!(
    the_certificate_pdf_prints_a_qr_address_that_verifies_publicly,
    the_public_verification_shows_nothing_private,
    an_unknown_verification_key_is_404
);

async fn the_certificate_pdf_prints_a_qr_address_that_verifies_publicly(b: Backend) {
    let c = Case::at(b, Stage::Decided).await;
    let cert = pdf_text(&assert_ok_bytes(c.certificate().await).await);
    assert!(cert.contains("NguyễnVănĐức"), "{cert}");
    let key = verification_key(&cert);
    assert_eq!(key.len(), 32, "{cert}");
    let verify = c.s.visitor().get_text(&format!("/xac-minh/{key}")).await;
    assert!(
        verify.contains("Nguyễn Văn Đức")
            && verify.contains("1/QĐ-UBND")
            && verify.contains("Khen thưởng có trong sổ khen thưởng"),
        "{verify}"
    );
}

async fn the_public_verification_shows_nothing_private(b: Backend) {
    let c = Case::at(b, Stage::Decided).await;
    let key = verification_key(&pdf_text(&assert_ok_bytes(c.certificate().await).await));
    let verify = c.s.visitor().get_text(&format!("/xac-minh/{key}")).await;
    for private in [CCCD, "1985", "Tỉnh Đắk Lắk"] {
        assert!(!verify.contains(private), "verification shows {private}");
    }
}

async fn an_unknown_verification_key_is_404(b: Backend) {
    let s = Server::start(b).await;
    let r = s
        .visitor()
        .get("/xac-minh/00000000000000000000000000000000")
        .await;
    assert_status(r, StatusCode::NOT_FOUND).await;
}
