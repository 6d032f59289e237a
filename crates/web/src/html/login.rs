//! Login and logout.

use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tdkt_app::AppError;

use super::{Layout, render};
use crate::AppState;
use crate::auth::{
    PRELOGIN_COOKIE, SESSION_COOKIE, User, auth_of, client_ip, cookie, safe_next, set_cookie,
};
use crate::errors::HtmlError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dang-nhap", get(page).post(submit))
        .route("/dang-xuat", post(logout))
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    tiep: Option<String>,
}

/// The pre-login CSRF token: reuse the cookie's or make one.
pub(crate) fn prelogin_token(headers: &HeaderMap) -> (String, bool) {
    match cookie(headers, PRELOGIN_COOKIE).filter(|t| t.len() >= 32) {
        Some(t) => (t, false),
        None => (tdkt_app::auth::random_token(), true),
    }
}

fn login_page(
    st: &AppState,
    headers: &HeaderMap,
    next: &str,
    username: &str,
    error: Option<String>,
    status: axum::http::StatusCode,
) -> Result<Response, HtmlError> {
    let (csrf, fresh) = prelogin_token(headers);
    let mut resp = render(&LoginPage {
        layout: Layout::anonymous(),
        csrf: csrf.clone(),
        next: next.to_string(),
        username: username.to_string(),
        error,
    })?;
    *resp.status_mut() = status;
    if fresh {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(PRELOGIN_COOKIE, &csrf, 3600 * 12, st.cfg.secure_cookies)
                .parse()
                .expect("cookie header"),
        );
    }
    Ok(resp)
}

async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, HtmlError> {
    login_page(
        &st,
        &headers,
        &safe_next(q.tiep.as_deref()),
        "",
        None,
        axum::http::StatusCode::OK,
    )
}

#[derive(Deserialize)]
struct LoginForm {
    ten_dang_nhap: String,
    mat_khau: String,
    tiep: Option<String>,
}

async fn submit(State(st): State<AppState>, req: Request) -> Result<Response, HtmlError> {
    let ip = client_ip(req.extensions());
    let headers = req.headers().clone();
    let Form(f): Form<LoginForm> = Form::from_request(req, &st).await.map_err(|_| {
        HtmlError(tdkt_domain::Invalid::new("form", "Biểu mẫu đăng nhập không đầy đủ").into())
    })?;
    let next = safe_next(f.tiep.as_deref());
    match st.app.login(&f.ten_dang_nhap, &f.mat_khau, ip).await {
        Ok(ok) => {
            let max_age = (ok.expires_at - time::OffsetDateTime::now_utc()).whole_seconds();
            let mut resp = Redirect::to(&next).into_response();
            resp.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &ok.session_token,
                    max_age,
                    st.cfg.secure_cookies,
                )
                .parse()
                .expect("cookie"),
            );
            Ok(resp)
        }
        Err(e @ (AppError::BadCredentials | AppError::Locked(_) | AppError::Throttled)) => {
            let status = crate::errors::status(&e);
            login_page(
                &st,
                &headers,
                &next,
                &f.ten_dang_nhap,
                Some(e.to_string()),
                status,
            )
        }
        Err(e) => Err(HtmlError(e)),
    }
}

use axum::extract::FromRequest;

async fn logout(
    State(st): State<AppState>,
    User(p): User,
    req: Request,
) -> Result<Response, HtmlError> {
    let parts = req.into_parts().0;
    if let Some(token) = auth_of(&parts).session_token {
        st.app.logout(&p, &token).await?;
    }
    let mut resp = Redirect::to("/dang-nhap").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, st.cfg.secure_cookies)
            .parse()
            .expect("cookie"),
    );
    Ok(resp)
}
