//! CSRF protection for every state-changing request that a browser could forge: cross-site
//! requests are refused by Origin / Sec-Fetch-Site, and a token must match the session's (or,
//! before login, the double-submit cookie). Bearer-token API calls carry no cookie and need none.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tdkt_app::AppError;

use crate::auth::Auth;
use crate::errors::{ApiError, HtmlError};

pub const FORM_FIELD: &str = "_csrf";
pub const HEADER: &str = "x-csrf-token";

fn refuse(api: bool) -> Response {
    let e = AppError::Forbidden(
        "Yêu cầu bị từ chối vì không có mã chống giả mạo hợp lệ (CSRF). Hãy tải lại trang rồi thử lại.".into(),
    );
    if api {
        ApiError(e).into_response()
    } else {
        HtmlError(e).into_response()
    }
}

fn same_origin(req: &Request) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (
        h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        h.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, rest)| rest) == Some(host),
        (Some(_), None) => false,
        _ => true,
    }
}

/// Finds `_csrf` in a urlencoded body (tokens are URL-safe base64: no decoding needed).
fn form_token(body: &[u8]) -> Option<String> {
    std::str::from_utf8(body).ok()?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == FORM_FIELD).then(|| v.to_string())
    })
}

/// Uploads (imports, dossier documents) are read whole to find the token; the router's body
/// limit (the configured document size) is the real cap.
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// Plain forms are small.
pub const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// Finds `_csrf` among the parts of a multipart body (file uploads).
async fn multipart_token(body: axum::body::Bytes, boundary: String) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut m = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = m.next_field().await {
        if field.name() == Some(FORM_FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

pub async fn check(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let auth = req.extensions().get::<Auth>().cloned().unwrap_or_default();
    let api = req.uri().path().starts_with("/api/");
    if auth.via_bearer {
        return next.run(req).await;
    }
    // An API call with neither token nor session has nothing to forge: say who is missing.
    if api && auth.principal.is_none() {
        return ApiError(AppError::Unauthenticated).into_response();
    }
    if !same_origin(&req) {
        return refuse(api);
    }
    let expected = match (&auth.principal, &auth.prelogin_csrf) {
        (Some(p), _) => p.csrf_token.clone(),
        (None, pre) => pre.clone(),
    };
    let Some(expected) = expected.filter(|e| !e.is_empty()) else {
        return refuse(api);
    };
    if let Some(h) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if h == expected {
            next.run(req).await
        } else {
            refuse(api)
        };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let multipart = multer::parse_boundary(&content_type).ok();
    if !content_type.starts_with("application/x-www-form-urlencoded") && multipart.is_none() {
        return refuse(api);
    }
    // Only signed-in users upload files; anonymous forms (login, public comments) are small.
    if multipart.is_some() && auth.principal.is_none() {
        return refuse(api);
    }
    let limit = if multipart.is_some() {
        UPLOAD_LIMIT
    } else {
        FORM_LIMIT
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, limit).await else {
        return refuse(api);
    };
    let token = match multipart {
        Some(boundary) => multipart_token(bytes.clone(), boundary).await,
        None => form_token(&bytes),
    };
    if token.as_deref() != Some(expected.as_str()) {
        return refuse(api);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_form_token() {
        assert_eq!(
            form_token(b"a=1&_csrf=abc-_D&b=2").as_deref(),
            Some("abc-_D")
        );
        assert_eq!(form_token(b"a=1"), None);
    }
}
