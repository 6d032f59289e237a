//! Account settings: password change and API tokens.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tdkt_app::{AppError, Principal};
use tdkt_domain::dates::vn;

use super::{Layout, render, role_labels};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::Id;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tai-khoan", get(page))
        .route("/tai-khoan/mat-khau", post(change_password))
        .route("/tai-khoan/ma-truy-cap", post(create_token))
        .route("/tai-khoan/ma-truy-cap/{id}/thu-hoi", post(revoke_token))
}

struct TokenLine {
    id: i64,
    name: String,
    created: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    layout: Layout,
    username: String,
    display_name: String,
    roles: Vec<String>,
    flash: Option<String>,
    pw_error: Option<String>,
    token_error: Option<String>,
    new_secret: Option<String>,
    tokens: Vec<TokenLine>,
}

#[derive(Default)]
struct Messages {
    flash: Option<String>,
    pw_error: Option<String>,
    token_error: Option<String>,
    new_secret: Option<String>,
}

async fn account_page(
    st: &AppState,
    p: &Principal,
    m: Messages,
    status: axum::http::StatusCode,
) -> Result<Response, HtmlError> {
    let tokens = st.app.list_api_tokens(p).await?;
    let mut resp = render(&AccountPage {
        layout: Layout::for_user(p, ""),
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        roles: role_labels(p),
        flash: m.flash,
        pw_error: m.pw_error,
        token_error: m.token_error,
        new_secret: m.new_secret,
        tokens: tokens
            .iter()
            .map(|t| TokenLine {
                id: t.id,
                name: t.name.clone(),
                created: vn(t.created_at.to_offset(tdkt_app::VN_OFFSET).date()),
                last_used: t
                    .last_used_at
                    .map(|d| vn(d.to_offset(tdkt_app::VN_OFFSET).date()))
                    .unwrap_or_else(|| "chưa dùng".into()),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn page(State(st): State<AppState>, User(p): User) -> Result<Response, HtmlError> {
    account_page(&st, &p, Messages::default(), axum::http::StatusCode::OK).await
}

#[derive(Deserialize)]
struct PasswordForm {
    mat_khau_hien_tai: String,
    mat_khau_moi: String,
    nhap_lai_mat_khau: String,
}

async fn change_password(
    State(st): State<AppState>,
    User(p): User,
    Form(f): Form<PasswordForm>,
) -> Result<Response, HtmlError> {
    match st
        .app
        .change_password(
            &p,
            &f.mat_khau_hien_tai,
            &f.mat_khau_moi,
            &f.nhap_lai_mat_khau,
        )
        .await
    {
        // Every session ended with the change: log in again.
        Ok(()) => Ok(Redirect::to("/dang-nhap").into_response()),
        Err(e @ AppError::Invalid(_)) => {
            account_page(
                &st,
                &p,
                Messages {
                    pw_error: Some(e.to_string()),
                    ..Default::default()
                },
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    ten: String,
}

async fn create_token(
    State(st): State<AppState>,
    User(p): User,
    Form(f): Form<TokenForm>,
) -> Result<Response, HtmlError> {
    match st.app.create_api_token(&p, &f.ten).await {
        Ok((secret, _)) => {
            account_page(
                &st,
                &p,
                Messages {
                    new_secret: Some(secret),
                    ..Default::default()
                },
                axum::http::StatusCode::OK,
            )
            .await
        }
        Err(e @ AppError::Invalid(_)) => {
            account_page(
                &st,
                &p,
                Messages {
                    token_error: Some(e.to_string()),
                    ..Default::default()
                },
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke_token(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    st.app.revoke_api_token(&p, id).await?;
    account_page(
        &st,
        &p,
        Messages {
            flash: Some("Đã thu hồi mã truy cập.".into()),
            ..Default::default()
        },
        axum::http::StatusCode::OK,
    )
    .await
}
