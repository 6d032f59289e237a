//! Dossier pages: inboxes per role, a new dossier, the dossier page (nominees with the engine's
//! verdicts, appraisal, documents with versions, workflow steps, comments, council vote,
//! decision, certificates, timeline) and its print view. This file: the route table and the
//! file response shared with other pages.

mod actions;
mod editor;
mod files;
mod page;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ho-so", get(page::inbox))
        .route("/ho-so/moi", get(editor::new_page).post(editor::create))
        .route("/ho-so/{id}", get(page::page))
        .route("/ho-so/{id}/in", get(files::print))
        .route(
            "/ho-so/{id}/danh-sach",
            get(editor::edit_nominees).post(editor::nominees),
        )
        .route(
            "/ho-so/{id}/tai-lieu",
            // The real cap is the router's body limit (the configured document size).
            post(files::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::csrf::UPLOAD_LIMIT,
            )),
        )
        .route("/ho-so/{id}/tep/{sha}", get(files::download))
        .route("/ho-so/{id}/buoc", post(actions::step))
        .route("/ho-so/{id}/tham-dinh", post(actions::appraise))
        .route("/ho-so/{id}/y-kien/{cid}", post(actions::moderate))
        .route("/ho-so/{id}/bo-phieu", post(actions::vote))
        .route("/ho-so/{id}/phieu-van-ban", post(actions::written_vote))
        .route("/ho-so/{id}/ket-thuc-bo-phieu", post(actions::close_vote))
        .route("/ho-so/{id}/bien-ban.pdf", get(files::minutes_pdf))
        .route("/ho-so/{id}/quyet-dinh", post(actions::decide))
        .route("/ho-so/{id}/quyet-dinh.pdf", get(files::decision_pdf))
        .route("/ho-so/{id}/quyet-dinh.docx", get(files::decision_docx))
        .route("/ho-so/{id}/bang-khen.pdf", get(files::certificates))
        .route("/ho-so/{id}/danh-sach-chuyen.pdf", get(files::forward_pdf))
}

pub fn file_response(bytes: Vec<u8>, mime: &str, file: &str) -> Response {
    // The file name is ASCII-safe in `filename`, exact in `filename*`.
    let ascii: String = tdkt_domain::text::fold(file)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
                    crate::auth::encode(file)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}
