//! Print layouts of certificates (bằng khen, giấy khen) onto pre-printed blanks: positions in
//! millimetres per award kind, editable here, with a test-print page to check them on a blank.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use tdkt_app::AppError;

use super::{AfterForm, Layout, after_form, render_showing};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::PageQuery;
use crate::html::dossiers::file_response;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mau-in", get(page).post(save))
        .route("/mau-in/in-thu.pdf", get(test_print))
}

/// Award kinds printed as certificates.
fn printable(st: &AppState) -> Vec<(String, String)> {
    st.app
        .rules
        .catalog
        .awards
        .iter()
        .filter(|a| {
            a.kind == "hinh_thuc"
                || a.code.starts_with("chien_si")
                || a.code.starts_with("co_thi_dua")
        })
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect()
}

#[derive(Template)]
#[template(path = "print_templates.html")]
struct Page {
    layout: Layout,
    awards: Vec<(String, String)>,
    code: String,
    json: String,
    keys: Vec<(&'static str, &'static str)>,
    flash: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct Query {
    ma: Option<String>,
    tb: Option<String>,
}

async fn show(
    st: &AppState,
    p: &tdkt_app::Principal,
    code: String,
    json: Option<String>,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let json = match json {
        Some(j) => j,
        None => serde_json::to_string_pretty(&st.app.certificate_template(&code).await?)
            .map_err(|e| AppError::Internal(e.to_string()))?,
    };
    render_showing(
        &Page {
            layout: Layout::for_user(p, "/mau-in"),
            awards: printable(st),
            code,
            json,
            keys: tdkt_documents::CERTIFICATE_KEYS.to_vec(),
            flash,
            error: error.as_ref().map(|e| e.to_string()),
        },
        error.as_ref(),
    )
}

async fn page(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<Query>,
) -> Result<Response, HtmlError> {
    let code = q.ma.unwrap_or_else(|| "bang_khen_tinh".into());
    show(&st, &p, code, None, q.tb, None).await
}

#[derive(Deserialize)]
struct SaveForm {
    ma: String,
    mau: String,
}

async fn save(
    State(st): State<AppState>,
    User(p): User,
    axum::Form(f): axum::Form<SaveForm>,
) -> Result<Response, HtmlError> {
    let done = match serde_json::from_str::<tdkt_documents::CertificateTemplate>(&f.mau) {
        Err(e) => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "mau",
            format!(
                "Mẫu in không đúng dạng JSON (dòng {}, cột {}): {e}",
                e.line(),
                e.column()
            ),
        ))),
        Ok(t) => st
            .app
            .put_certificate_template(&p, f.ma.trim(), t)
            .await
            .map(|()| "Đã lưu mẫu in. In thử để kiểm tra trên phôi.".to_string()),
    };
    let path = format!("/mau-in?ma={}", crate::auth::encode(f.ma.trim()));
    match after_form(done, &path, "")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => {
            show(&st, &p, f.ma.trim().to_string(), Some(f.mau), None, Some(e)).await
        }
    }
}

async fn test_print(
    State(st): State<AppState>,
    User(_p): User,
    PageQuery(q): PageQuery<Query>,
) -> Result<Response, HtmlError> {
    let code = q.ma.unwrap_or_else(|| "bang_khen_tinh".into());
    let pdf = st.app.certificate_test_print(&code).await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("in-thu-{code}.pdf"),
    ))
}
