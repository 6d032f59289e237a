//! Errors of use cases, each with a stable code (for the API and the UI) and a Vietnamese
//! message for people. Internal details are logged, never shown.

use tdkt_domain::Invalid;
use tdkt_store::StoreError;
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Cần đăng nhập")]
    Unauthenticated,
    #[error("Tên đăng nhập hoặc mật khẩu không đúng")]
    BadCredentials,
    #[error("Đăng nhập sai quá nhiều lần; tài khoản tạm khoá đến {}", vn_time(*.0))]
    Locked(OffsetDateTime),
    #[error("Quá nhiều lần đăng nhập sai từ địa chỉ này; vui lòng thử lại sau ít phút")]
    Throttled,
    /// Too many requests of another kind (e.g. public comments from one address), said in words.
    #[error("{0}")]
    TooMany(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("Không tìm thấy {0}")]
    NotFound(String),
    #[error("{}", .0.message)]
    Invalid(Invalid),
    #[error("{0}")]
    Conflict(String),
    #[error("Lỗi hệ thống; chi tiết đã được ghi vào nhật ký máy chủ")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

/// A failure that is not the caller's (a stored JSON that does not read back, a spreadsheet
/// writer's error): logged, never shown.
pub(crate) fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

pub(crate) fn doc_err(e: tdkt_documents::DocError) -> AppError {
    AppError::Internal(e.to_string())
}

fn vn_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(crate::VN_OFFSET);
    format!(
        "{:02}:{:02} ngày {}",
        t.hour(),
        t.minute(),
        tdkt_domain::dates::vn(t.date())
    )
}

impl AppError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::Locked(_) => "account_locked",
            AppError::Throttled | AppError::TooMany(_) => "throttled",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    /// The field a validation error concerns.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid(i) => Some(&i.field),
            _ => None,
        }
    }

    /// The full text for operators (command line, logs): internal details included.
    pub fn detail(&self) -> String {
        match self {
            AppError::Internal(m) => format!("{self} ({m})"),
            e => e.to_string(),
        }
    }

    pub fn forbidden() -> Self {
        AppError::Forbidden("Bạn không có quyền thực hiện thao tác này".into())
    }
}

impl From<Invalid> for AppError {
    fn from(i: Invalid) -> Self {
        AppError::Invalid(i)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound(what.to_string()),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid(i) => AppError::Invalid(i),
            StoreError::Db(m) => {
                tracing::error!(error = %m, "database error");
                AppError::Internal(m)
            }
        }
    }
}
