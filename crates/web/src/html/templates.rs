//! Print layouts of certificates (bằng khen, giấy khen) onto pre-printed blanks: positions in
//! millimetres per award kind, editable here, with a test-print page to check them on a blank.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use tdkt_app::AppError;
use tdkt_domain::eligibility::AwardKind;

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
            a.kind == AwardKind::Form
                || a.code.starts_with("chien_si")
                || a.code.starts_with("co_thi_dua")
        })
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect()
}

#[derive(Template)]
#[template(path = "catalog/print_templates.html")]
struct Page {
    layout: Layout,
    units: Vec<(i64, String)>,
    unit_id: i64,
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
    don_vi: Option<i64>,
    tb: Option<String>,
}

/// The unit whose layouts are shown: the one asked for, else the caller's first.
fn unit_of(st: &AppState, p: &tdkt_app::Principal, asked: Option<i64>) -> Result<i64, HtmlError> {
    let units = st.app.template_units(p);
    asked
        .filter(|u| units.contains(u))
        .or_else(|| units.first().copied())
        .ok_or_else(|| {
            HtmlError(AppError::Forbidden(
                "Chỉ quản trị và chuyên viên Ban Thi đua - Khen thưởng sửa mẫu in".into(),
            ))
        })
}

async fn show(
    st: &AppState,
    p: &tdkt_app::Principal,
    unit_id: i64,
    code: String,
    json: Option<String>,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let json = match json {
        Some(j) => j,
        None => serde_json::to_string_pretty(&st.app.certificate_template(unit_id, &code).await?)
            .map_err(|e| AppError::Internal(e.to_string()))?,
    };
    let mut units = Vec::new();
    for id in st.app.template_units(p) {
        if let Ok(u) = st.app.unit(p, id).await {
            units.push((u.id, u.name));
        }
    }
    render_showing(
        &Page {
            layout: Layout::for_user(p, "/mau-in"),
            units,
            unit_id,
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
    let unit = unit_of(&st, &p, q.don_vi)?;
    let code = q.ma.unwrap_or_else(|| "bang_khen_tinh".into());
    show(&st, &p, unit, code, None, q.tb, None).await
}

#[derive(Deserialize)]
struct SaveForm {
    ma: String,
    don_vi: i64,
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
            .put_certificate_template(&p, f.don_vi, f.ma.trim(), t)
            .await
            .map(|()| "Đã lưu mẫu in. In thử để kiểm tra trên phôi.".to_string()),
    };
    let path = format!(
        "/mau-in?don_vi={}&ma={}",
        f.don_vi,
        crate::auth::encode(f.ma.trim())
    );
    match after_form(done, &path, "")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => {
            let code = f.ma.trim().to_string();
            show(&st, &p, f.don_vi, code, Some(f.mau), None, Some(e)).await
        }
    }
}

async fn test_print(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<Query>,
) -> Result<Response, HtmlError> {
    let unit = unit_of(&st, &p, q.don_vi)?;
    let code = q.ma.unwrap_or_else(|| "bang_khen_tinh".into());
    let pdf = st.app.certificate_test_print(unit, &code).await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("in-thu-{code}.pdf"),
    ))
}
