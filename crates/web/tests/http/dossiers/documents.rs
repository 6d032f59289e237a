//! A dossier's documents: checked by their content, versioned, every version kept.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{Case, Stage};
use crate::server::assert_status;

on_both!(
    a_file_that_only_claims_to_be_a_pdf_is_refused_by_its_content,
    a_new_version_of_a_document_keeps_the_first,
    every_version_of_every_document_still_downloads
);

async fn a_file_that_only_claims_to_be_a_pdf_is_refused_by_its_content(b: Backend) {
    let c = Case::at(b, Stage::Draft).await;
    let r = c
        .upload(
            "to_trinh",
            None,
            "to-trinh.pdf",
            b"<html>not a pdf</html>".to_vec(),
        )
        .await;
    let body = assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("không phải PDF"), "{body}");
}

async fn a_new_version_of_a_document_keeps_the_first(b: Backend) {
    let c = Case::at(b, Stage::Resubmitted).await;
    let page = c.page(&c.sp).await;
    assert!(
        page.contains("Bản 1: bao-cao.pdf") && page.contains("Bản 2: bao-cao-co-xac-nhan.pdf"),
        "{page}"
    );
}

/// The proposal letter and both versions of the report: three files, each a PDF.
async fn every_version_of_every_document_still_downloads(b: Backend) {
    let c = Case::at(b, Stage::Resubmitted).await;
    let page = c.page(&c.sp).await;
    let hrefs: Vec<String> = page
        .split(&format!("href=\"/ho-so/{}/tep/", c.id))
        .skip(1)
        .map(|x| x.split('"').next().unwrap().to_string())
        .collect();
    assert_eq!(hrefs.len(), 3, "three versions in all");
    for h in &hrefs {
        let r = c.sp.get(&format!("/ho-so/{}/tep/{h}", c.id)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
