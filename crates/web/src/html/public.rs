//! Pages without login: proposals open for public comment (with a honeypot and a limit per
//! address instead of a CAPTCHA) and the verification of a certificate's QR code. They show
//! names, units, awards and achievements as published, never identity numbers, birth dates,
//! ratings, commenters' contacts or internal notes.

use askama::Template;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tdkt_app::AppError;
use tdkt_app::certificates::PublicCertificate;
use tdkt_app::dossiers::PublicDossier;

use super::{Layout, render_showing};
use crate::AppState;
use crate::auth::{PRELOGIN_COOKIE, auth_of, client_ip, set_cookie};
use crate::errors::HtmlError;
use crate::html::login::prelogin_token;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cong-khai", get(list))
        .route("/cong-khai/{id}", get(page).post(comment))
        .route("/xac-minh/{key}", get(verify))
}

/// The frame of a public page: the signed-in user's when there is one.
fn layout(parts: &axum::http::request::Parts) -> Layout {
    match auth_of(parts).principal {
        Some(p) => Layout::for_user(&p, ""),
        None => Layout::anonymous(),
    }
}

/// The CSRF token for a public form: the session's, or a double-submit cookie's (set when new).
fn form_token(st: &AppState, parts: &axum::http::request::Parts) -> (String, Option<String>) {
    if let Some(t) = auth_of(parts).principal.and_then(|p| p.csrf_token) {
        return (t, None);
    }
    let (t, fresh) = prelogin_token(&parts.headers);
    let cookie = fresh.then(|| set_cookie(PRELOGIN_COOKIE, &t, 3600 * 12, st.cfg.secure_cookies));
    (t, cookie)
}

struct Item {
    id: i64,
    code: String,
    title: String,
    unit: String,
    until: String,
}

#[derive(Template)]
#[template(path = "public/public_list.html")]
struct ListPage {
    layout: Layout,
    items: Vec<Item>,
}

async fn list(State(st): State<AppState>, req: Request) -> Result<Response, HtmlError> {
    let (parts, _) = req.into_parts();
    let items = st
        .app
        .public_consultations()
        .await?
        .into_iter()
        .map(|d| Item {
            id: d.id,
            code: d.code,
            title: d.title,
            unit: d.unit_name,
            until: d
                .consultation_until
                .map(tdkt_domain::dates::vn)
                .unwrap_or_default(),
        })
        .collect();
    render_showing(
        &ListPage {
            layout: layout(&parts),
            items,
        },
        None,
    )
}

#[derive(Template)]
#[template(path = "public/public_dossier.html")]
struct DossierPage {
    layout: Layout,
    d: PublicDossier,
    csrf: String,
    flash: Option<String>,
    error: Option<String>,
    author: String,
    body: String,
}

#[allow(clippy::too_many_arguments)]
async fn show(
    st: &AppState,
    parts: &axum::http::request::Parts,
    id: i64,
    flash: Option<String>,
    error: Option<AppError>,
    author: String,
    body: String,
) -> Result<Response, HtmlError> {
    let d = st.app.public_dossier(id).await?;
    let (csrf, cookie) = form_token(st, parts);
    let mut resp = render_showing(
        &DossierPage {
            layout: layout(parts),
            d,
            csrf,
            flash,
            error: error.as_ref().map(|e| e.to_string()),
            author,
            body,
        },
        error.as_ref(),
    )?;
    if let Some(c) = cookie {
        resp.headers_mut()
            .append(header::SET_COOKIE, c.parse().expect("cookie header"));
    }
    Ok(resp)
}

fn id_of(parts: &axum::http::request::Parts) -> Result<i64, HtmlError> {
    parts
        .uri
        .path()
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| HtmlError(AppError::NotFound("hồ sơ".into())))
}

async fn page(State(st): State<AppState>, req: Request) -> Result<Response, HtmlError> {
    let (parts, _) = req.into_parts();
    let id = id_of(&parts)?;
    // A fixed message: a public page never shows text taken from its address.
    let sent = form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
        .any(|(k, v)| k == "da_gui" && v == "1");
    let flash = sent.then(|| {
        "Cảm ơn bạn. Ý kiến đã được ghi nhận và sẽ được xem xét trước khi đăng.".to_string()
    });
    show(&st, &parts, id, flash, None, String::new(), String::new()).await
}

async fn comment(State(st): State<AppState>, req: Request) -> Result<Response, HtmlError> {
    let ip = client_ip(req.extensions());
    let (parts, body) = req.into_parts();
    let id = id_of(&parts)?;
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map_err(|_| HtmlError(tdkt_domain::Invalid::new("noi_dung", "Ý kiến quá dài").into()))?;
    let form = crate::extract::FormPairs::parse(&bytes);
    let (author, contact, text, trap) = (
        form.one("ho_ten"),
        form.one("lien_he"),
        form.one("noi_dung"),
        form.one("website"),
    );
    match st
        .app
        .add_public_comment(id, &author, Some(contact.as_str()), &text, &trap, ip)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cong-khai/{id}?tb={}",
            crate::auth::encode(
                "Cảm ơn bạn. Ý kiến đã được ghi nhận và sẽ được xem xét trước khi đăng."
            )
        ))
        .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::TooMany(_))) => {
            show(&st, &parts, id, None, Some(e), author, text).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "public/verify.html")]
struct VerifyPage {
    layout: Layout,
    c: PublicCertificate,
}

async fn verify(State(st): State<AppState>, req: Request) -> Result<Response, HtmlError> {
    let (parts, _) = req.into_parts();
    let key = parts
        .uri
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let c = st.app.verify_certificate(&key).await?;
    render_showing(
        &VerifyPage {
            layout: layout(&parts),
            c,
        },
        None,
    )
}
