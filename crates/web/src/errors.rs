//! Errors as HTTP: a Vietnamese page for people, JSON with a stable code for machines. Internal
//! details (SQL, stack traces) never reach either; they go to the log.

use std::any::Any;

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use tdkt_app::AppError;

pub fn status(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Locked(_) | AppError::Throttled | AppError::TooMany(_) => {
            StatusCode::TOO_MANY_REQUESTS
        }
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

pub fn title(code: StatusCode) -> &'static str {
    match code.as_u16() {
        401 => "Cần đăng nhập",
        403 => "Không có quyền truy cập",
        404 => "Không tìm thấy trang",
        409 => "Xung đột dữ liệu",
        422 => "Dữ liệu không hợp lệ",
        429 => "Tạm thời bị chặn",
        _ => "Lỗi hệ thống",
    }
}

pub fn error_page(code: StatusCode, message: String) -> Response {
    let page = ErrorPage {
        status: code.as_u16(),
        title: title(code),
        message,
    };
    let body = page.render().unwrap_or_else(|_| "Lỗi hệ thống".into());
    (code, Html(body)).into_response()
}

/// An error on an HTML page.
#[derive(Debug)]
pub struct HtmlError(pub AppError);

impl From<AppError> for HtmlError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl From<tdkt_store::StoreError> for HtmlError {
    fn from(e: tdkt_store::StoreError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        if matches!(self.0, AppError::Unauthenticated) {
            return Redirect::to("/dang-nhap").into_response();
        }
        let code = status(&self.0);
        let message = match &self.0 {
            AppError::NotFound(_) => format!("{}. Có thể đường dẫn đã cũ hoặc bị gõ sai.", self.0),
            e => e.to_string(),
        };
        error_page(code, message)
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `unauthenticated`, `forbidden`, `not_found`, `invalid`, `conflict`,
    /// `throttled`, `internal`, …
    pub code: String,
    /// Vietnamese message for people.
    pub message: String,
    /// The input field the error concerns, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error of the JSON API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.code().to_string(),
                message: self.0.to_string(),
                field: self.0.field().map(str::to_string),
            },
        };
        (status(&self.0), Json(body)).into_response()
    }
}

/// A panic becomes a plain 500 page; the panic itself is logged.
pub fn panic_page(err: Box<dyn Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    tracing::error!(panic = %detail, "handler panicked");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Lỗi hệ thống; chi tiết đã được ghi vào nhật ký máy chủ".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(r: Response) -> String {
        let b = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        String::from_utf8(b.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn internal_errors_leak_nothing() {
        let e = AppError::Internal(
            "error returned from database: UNIQUE constraint failed: users.username".into(),
        );
        let html = HtmlError(AppError::Internal(e.to_string())).into_response();
        assert_eq!(html.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let text = body(html).await;
        assert!(
            text.contains("Lỗi hệ thống") && !text.contains("UNIQUE") && !text.contains("database"),
            "{text}"
        );
        let api = ApiError(e).into_response();
        let text = body(api).await;
        assert!(
            text.contains("\"internal\"") && !text.contains("UNIQUE"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn panics_become_a_plain_page() {
        let r = panic_page(Box::new("index out of bounds: SELECT * FROM users"));
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let text = body(r).await;
        assert!(!text.contains("SELECT") && text.contains("Lỗi hệ thống"));
    }

    #[tokio::test]
    async fn validation_is_422_with_the_message() {
        let r = HtmlError(AppError::Invalid(tdkt_domain::Invalid::new(
            "cccd",
            "Số CCCD phải gồm đúng 12 chữ số",
        )))
        .into_response();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = body(r).await;
        assert!(text.contains("Dữ liệu không hợp lệ") && text.contains("12 chữ số"));
    }
}
