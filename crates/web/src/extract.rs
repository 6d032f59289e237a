//! Extractors whose rejections speak Vietnamese: bad JSON, bad query strings and bad ids
//! become 422/404 with a message saying what and where, never axum's English text.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tdkt_app::AppError;
use tdkt_domain::Invalid;

use crate::errors::{ApiError, HtmlError};

/// The field named in a serde message like "missing field `name` at line 1 column 2".
fn serde_field(msg: &str) -> Option<String> {
    let start = msg.find('`')? + 1;
    let end = start + msg[start..].find('`')?;
    Some(msg[start..end].to_string())
}

fn json_problem(r: &JsonRejection) -> Invalid {
    match r {
        JsonRejection::MissingJsonContentType(_) => {
            Invalid::new("Content-Type", "Cần tiêu đề Content-Type: application/json")
        }
        JsonRejection::JsonSyntaxError(e) => Invalid::new(
            "body",
            format!("JSON sai cú pháp ({})", position(&e.body_text())),
        ),
        JsonRejection::JsonDataError(e) => {
            let text = e.body_text();
            if text.contains("missing field") {
                let f = serde_field(&text).unwrap_or_default();
                Invalid::new(f.clone(), format!("Thiếu trường «{f}»"))
            } else if text.contains("không có trong danh mục") {
                // A code list's own Vietnamese message (codes::vietnamese): pass it on.
                let (path, rest) = text.split_once(": ").unwrap_or(("body", &text));
                let msg = rest.rsplit_once(" at line ").map_or(rest, |(m, _)| m);
                Invalid::new(path.trim(), msg.trim())
            } else if text.contains("unknown variant")
                || text.contains("invalid type")
                || text.contains("invalid value")
            {
                let path = text.split(':').next().unwrap_or("body").trim().to_string();
                Invalid::new(
                    path.clone(),
                    format!("Giá trị của «{path}» sai kiểu hoặc không hợp lệ"),
                )
            } else {
                Invalid::new(
                    "body",
                    format!("Dữ liệu JSON không hợp lệ ({})", position(&text)),
                )
            }
        }
        _ => Invalid::new("body", "Không đọc được nội dung yêu cầu"),
    }
}

/// "line 1 column 20" → "dòng 1, cột 20".
fn position(text: &str) -> String {
    match text.rfind("line ") {
        Some(i) => text[i..]
            .replace("line ", "dòng ")
            .replace(" column ", ", cột "),
        None => "không rõ vị trí".into(),
    }
}

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(ApiError(AppError::Invalid(json_problem(&r)))),
        }
    }
}

fn query_problem(r: &QueryRejection) -> Invalid {
    let text = r.body_text();
    let field = serde_field(&text).unwrap_or_else(|| "query".into());
    Invalid::new(
        field.clone(),
        format!("Tham số «{field}» trên đường dẫn không hợp lệ"),
    )
}

/// Query string for the API.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|r| ApiError(AppError::Invalid(query_problem(&r))))
    }
}

/// Query string for pages.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = HtmlError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| PageQuery(v))
            .map_err(|r| HtmlError(AppError::Invalid(query_problem(&r))))
    }
}

/// A numeric id in the path; anything else is "not found", as HTML or JSON by the path.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Id(id)),
            Err(_) => {
                let e = AppError::NotFound("bản ghi với mã số này".into());
                Err(if parts.uri.path().starts_with("/api/") {
                    ApiError(e).into_response()
                } else {
                    HtmlError(e).into_response()
                })
            }
        }
    }
}

/// All numeric path parameters in order (e.g. cluster id and year); anything else is "not
/// found", as HTML or JSON by the path.
pub struct Ids(pub Vec<i64>);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = |parts: &Parts| {
            let e = AppError::NotFound("trang với mã số này".into());
            if parts.uri.path().starts_with("/api/") {
                ApiError(e).into_response()
            } else {
                HtmlError(e).into_response()
            }
        };
        let Ok(raw) = axum::extract::RawPathParams::from_request_parts(parts, state).await else {
            return Err(not_found(parts));
        };
        let ids: Option<Vec<i64>> = raw.iter().map(|(_, v)| v.parse().ok()).collect();
        ids.map(Ids).ok_or_else(|| not_found(parts))
    }
}

/// A urlencoded form whose fields may repeat (multiple selects, checkboxes), which
/// `axum::Form` cannot read into a struct.
pub struct FormPairs(Vec<(String, String)>);

impl FormPairs {
    pub fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of a field, or "" when absent.
    pub fn one(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every field and value, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// Every value of a field, in order.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_repeated_form_fields() {
        let f = FormPairs::parse(b"a=1&t=2&t=3&n=Tr%E1%BA%A7n+Hoa");
        assert_eq!(f.one("a"), "1");
        assert_eq!(f.all("t"), ["2", "3"]);
        assert_eq!(f.one("n"), "Trần Hoa");
        assert_eq!(f.one("x"), "");
    }

    #[test]
    fn reads_serde_messages() {
        assert_eq!(
            serde_field("missing field `full_name` at line 1 column 2").as_deref(),
            Some("full_name")
        );
        assert_eq!(
            position("expected value at line 3 column 7"),
            "dòng 3, cột 7"
        );
    }
}
