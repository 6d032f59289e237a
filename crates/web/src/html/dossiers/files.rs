//! Files of a dossier: uploads and downloads of documents, the print view, PDF and DOCX
//! outputs (minutes, decision, certificates, forwarding list).

use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use serde::Deserialize;
use tdkt_app::AppError;

use super::file_response;
use super::page::{after, show};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{Id, PageQuery};

pub(super) async fn print(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    show(&st, &p, id, None, None, true).await
}

pub(super) async fn upload(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    mut form: axum::extract::Multipart,
) -> Result<Response, HtmlError> {
    let (mut slot, mut title, mut doc, mut file) = (String::new(), String::new(), None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("loai") => slot = field.text().await.unwrap_or_default(),
            Some("ten") => title = field.text().await.unwrap_or_default(),
            Some("tai_lieu") => {
                doc = field
                    .text()
                    .await
                    .ok()
                    .and_then(|t| t.trim().parse::<i64>().ok())
            }
            Some("tep") => {
                let name = field.file_name().unwrap_or("tep").to_string();
                file = field.bytes().await.ok().map(|b| (name, b.to_vec()));
            }
            _ => {}
        }
    }
    let done = match file.filter(|(_, b)| !b.is_empty()) {
        None => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "tep",
            "Chưa chọn tệp",
        ))),
        Some((name, bytes)) => st
            .app
            .add_document(&p, id, doc, slot.trim(), Some(title.as_str()), &name, bytes)
            .await
            .map(|r| {
                format!(
                    "Đã lưu «{}» (bản {}).",
                    r.title,
                    r.versions.last().map(|v| v.version).unwrap_or(1)
                )
            }),
    };
    after(&st, &p, id, done, "#tai-lieu").await
}

pub(super) async fn download(
    State(st): State<AppState>,
    User(p): User,
    axum::extract::Path((id, sha)): axum::extract::Path<(i64, String)>,
) -> Result<Response, HtmlError> {
    let (name, mime, bytes) = st.app.document_file(&p, id, &sha).await?;
    let mut r = file_response(bytes, &mime, &name);
    // Uploaded files are saved, not shown: a sandboxed page cannot run the browser's viewer.
    let disposition = r.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap_or_default()
        .replacen("inline", "attachment", 1);
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_str(&disposition)
            .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    // Uploaded files are never rendered as pages of this site.
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(r)
}

pub(super) async fn minutes_pdf(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let pdf = st.app.council_minutes_pdf(&p, id).await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("bien-ban-kiem-phieu-ho-so-{id}.pdf"),
    ))
}

pub(super) async fn decision_pdf(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let (number, pdf) = st.app.decision_pdf(&p, id).await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("quyet-dinh-{}.pdf", number.replace('/', "-")),
    ))
}

pub(super) async fn decision_docx(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let (number, docx) = st.app.decision_docx(&p, id).await?;
    let mut r = file_response(
        docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("quyet-dinh-{}.docx", number.replace('/', "-")),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_str(&format!(
            "attachment; filename=\"quyet-dinh-{}.docx\"",
            tdkt_domain::text::fold(&number).replace(['/', ' '], "-")
        ))
        .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(r)
}

#[derive(Deserialize)]
pub(super) struct CertQuery {
    khen_thuong: Option<String>,
}

/// The public address of this site for QR codes: the request's own host.
pub fn base_url(headers: &axum::http::HeaderMap, secure: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("{}://{host}", if secure { "https" } else { "http" })
}

pub(super) async fn certificates(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<CertQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, HtmlError> {
    let base = st
        .cfg
        .public_url
        .clone()
        .unwrap_or_else(|| base_url(&headers, st.cfg.secure_cookies));
    let pdf = st
        .app
        .certificates_pdf(
            &p,
            id,
            q.khen_thuong.as_deref().filter(|c| !c.is_empty()),
            &base,
        )
        .await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("bang-khen-ho-so-{id}.pdf"),
    ))
}

pub(super) async fn forward_pdf(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let pdf = st.app.forward_list_pdf(&p, id).await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("danh-sach-chuyen-cap-tren-{id}.pdf"),
    ))
}
