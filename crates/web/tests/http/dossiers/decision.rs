//! The leader's decision: numbered, printed as PDF with the bonus, and as DOCX.

use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{Case, Stage, pdf_text};

on_both!(
    the_first_decision_of_the_year_is_numbered_1_qd_ubnd,
    the_decision_pdf_names_number_nominee_bonus_and_signer,
    the_decision_downloads_as_docx
);

async fn the_first_decision_of_the_year_is_numbered_1_qd_ubnd(b: Backend) {
    let c = Case::at(b, Stage::Decided).await;
    let page = c.page(&c.lead).await;
    assert!(page.contains("Quyết định số 1/QĐ-UBND"), "{page}");
}

async fn the_decision_pdf_names_number_nominee_bonus_and_signer(b: Backend) {
    let c = Case::at(b, Stage::Decided).await;
    let decision = pdf_text(
        &c.lead
            .get_bytes(&format!("/ho-so/{}/quyet-dinh.pdf", c.id))
            .await,
    );
    // Bằng khen tỉnh: 1.5 × 2 340 000 = 3 510 000 đồng.
    for needle in [
        "1/QĐ-UBND",
        "NguyễnVănĐức",
        "3.510.000",
        "CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM",
        "NguyễnThịThanh",
    ] {
        assert!(
            decision.contains(needle),
            "decision lacks {needle}: {decision}"
        );
    }
}

async fn the_decision_downloads_as_docx(b: Backend) {
    let c = Case::at(b, Stage::Decided).await;
    let docx = c
        .lead
        .get_bytes(&format!("/ho-so/{}/quyet-dinh.docx", c.id))
        .await;
    assert!(docx.starts_with(b"PK"));
}
