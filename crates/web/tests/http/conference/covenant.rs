//! The covenant: written by the board through the API or the editor's form rows, errors
//! named by row, clerks kept out.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{Conference, Editor, Stage};
use crate::server::{assert_redirect, assert_status};

on_both!(
    a_clerk_does_not_write_the_covenant_through_the_api,
    the_editor_names_the_bad_row_and_keeps_what_was_typed,
    the_editor_saves_the_method_scales_and_evidence,
    clerks_cannot_open_the_covenant_editor
);

async fn a_clerk_does_not_write_the_covenant_through_the_api(b: Backend) {
    let c = Conference::at(b, Stage::Covenant).await;
    let r = c.put_covenant(&c.clerks[0]).await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a clerk does not write the covenant"
    );
}

async fn the_editor_names_the_bad_row_and_keeps_what_was_typed(b: Backend) {
    let e = Editor::new(b).await;
    assert_status(e.mgr.get(&e.path()).await, StatusCode::OK).await;
    let r = e.mgr.post_form(&e.path(), &Editor::typed_form()).await;
    let body = assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        body.contains("Dòng 3: «abc» không phải là số") && body.contains("Hoàn thành chỉ tiêu"),
        "typed rows are kept: {body}"
    );
}

async fn the_editor_saves_the_method_scales_and_evidence(b: Backend) {
    let e = Editor::new(b).await;
    let r = e.mgr.post_form(&e.path(), &Editor::corrected_form()).await;
    assert_redirect(r).await;
    let page = e.mgr.get_text(&e.base).await;
    assert!(
        page.contains("Giao ước năm 2026")
            && page.contains("trung vị")
            && page.contains("90→0, 100→8, 110→10")
            && page.contains("Minh chứng: Báo cáo năm"),
        "{page}"
    );
}

async fn clerks_cannot_open_the_covenant_editor(b: Backend) {
    let e = Editor::new(b).await;
    e.save_covenant().await;
    assert_eq!(e.clerk.get(&e.path()).await.status(), StatusCode::FORBIDDEN);
}
