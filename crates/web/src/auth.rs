//! Who is calling: a session cookie (browsers) or `Authorization: Bearer tdkt_…` (machines).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tdkt_app::{AppError, Principal};

use crate::AppState;
use crate::errors::{ApiError, HtmlError};

pub const SESSION_COOKIE: &str = "tdkt_session";
/// Double-submit token for forms shown before login.
pub const PRELOGIN_COOKIE: &str = "tdkt_csrf";

/// What `resolve` found out about the caller.
#[derive(Clone, Default)]
pub struct Auth {
    pub principal: Option<Principal>,
    pub session_token: Option<String>,
    pub via_bearer: bool,
    pub prelogin_csrf: Option<String>,
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Resolves the caller once per request; handlers read it with the extractors below.
pub async fn resolve(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let mut auth = Auth {
        prelogin_csrf: cookie(headers, PRELOGIN_COOKIE),
        ..Auth::default()
    };
    let found = if let Some(token) = bearer {
        auth.via_bearer = true;
        st.app.token_principal(&token).await
    } else if let Some(token) = cookie(headers, SESSION_COOKIE) {
        auth.session_token = Some(token.clone());
        st.app.session_principal(&token).await
    } else {
        Ok(None)
    };
    match found {
        Ok(p) => auth.principal = p,
        Err(e) => {
            let api = req.uri().path().starts_with("/api/");
            return if api {
                ApiError(e).into_response()
            } else {
                HtmlError(e).into_response()
            };
        }
    }
    if auth.via_bearer && auth.principal.is_none() {
        return ApiError(AppError::Unauthenticated).into_response();
    }
    req.extensions_mut().insert(auth);
    next.run(req).await
}

pub fn auth_of(parts: &Parts) -> Auth {
    parts.extensions.get::<Auth>().cloned().unwrap_or_default()
}

/// A signed-in user for HTML pages; others are sent to the login page.
pub struct User(pub Principal);

impl FromRequestParts<AppState> for User {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        match auth_of(parts).principal {
            Some(p) => Ok(User(p)),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Err(Redirect::to(&format!("/dang-nhap?tiep={}", encode(next))).into_response())
            }
        }
    }
}

/// A signed-in user (session or token) for the API; others get 401 JSON.
pub struct ApiUser(pub Principal);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        auth_of(parts)
            .principal
            .map(ApiUser)
            .ok_or(ApiError(AppError::Unauthenticated))
    }
}

/// The caller's address, for login throttling.
pub fn client_ip(parts_ext: &axum::http::Extensions) -> IpAddr {
    parts_ext
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

/// Percent-encodes a path for a query parameter.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only local paths are followed after login (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/don-vi/3")), "/don-vi/3");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn cookies_parse() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; tdkt_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, "tdkt_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
