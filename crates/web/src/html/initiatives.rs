//! The initiatives register of a unit: register with authors, the council's review, and which
//! award used each initiative.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use tdkt_app::AppError;
use tdkt_app::history::{InitiativeInput, InitiativeReviewInput};
use tdkt_domain::dates::vn;

use super::{AfterForm, Layout, after_form, render_showing};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{Id, PageQuery};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sang-kien", get(page).post(register))
        .route("/sang-kien/{id}/xet", post(review))
}

struct Item {
    id: i64,
    code: String,
    title: String,
    authors: String,
    field: String,
    submitted: String,
    /// "Cấp cơ sở, 01/10/2025", or empty while not reviewed.
    recognized: String,
    effect: String,
    used_by: String,
}

#[derive(Template)]
#[template(path = "initiatives/initiatives.html")]
struct InitiativesPage {
    layout: Layout,
    unit_id: i64,
    unit_name: String,
    items: Vec<Item>,
    may_register: bool,
    may_review: bool,
    staff: Vec<(i64, String)>,
    flash: Option<String>,
    error: Option<String>,
    today: String,
}

#[derive(Deserialize)]
struct Query {
    don_vi: Option<i64>,
    tb: Option<String>,
}

fn scope_label(s: &str) -> &'static str {
    match s {
        "co_so" => "Cấp cơ sở",
        "tinh" => "Cấp bộ, ngành, tỉnh",
        _ => "Toàn quốc",
    }
}

async fn page(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<Query>,
) -> Result<Response, HtmlError> {
    // Without a unit: the caller's own (first grant).
    let unit = match q.don_vi.or_else(|| p.grants.first().map(|g| g.unit_id)) {
        Some(u) => u,
        None => return Err(AppError::Forbidden("Tài khoản chưa được phân quyền".into()).into()),
    };
    show(&st, &p, unit, q.tb, None).await
}

async fn show(
    st: &AppState,
    p: &tdkt_app::Principal,
    unit: i64,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let v = st.app.initiatives_view(p, unit).await?;
    render_showing(
        &InitiativesPage {
            layout: Layout::for_user(p, "/sang-kien"),
            unit_id: v.unit.id,
            unit_name: v.unit.name.clone(),
            items: v
                .items
                .iter()
                .map(|i| Item {
                    id: i.id,
                    code: i.code.clone(),
                    title: i.title.clone(),
                    authors: i
                        .authors
                        .iter()
                        .map(|a| a.name.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                    field: i.field.clone().unwrap_or_default(),
                    submitted: vn(i.submitted_on),
                    recognized: match (&i.scope, i.recognized_on) {
                        (Some(s), Some(d)) => format!("{}, {}", scope_label(s), vn(d)),
                        _ => String::new(),
                    },
                    effect: i.effect.clone().unwrap_or_default(),
                    used_by: i.used_by.clone().unwrap_or_default(),
                })
                .collect(),
            may_register: v.may_register,
            may_review: v.may_review,
            staff: v.staff,
            flash,
            error: error.as_ref().map(|e| e.to_string()),
            today: tdkt_domain::dates::iso(tdkt_app::today()),
        },
        error.as_ref(),
    )
}

async fn after(
    st: &AppState,
    p: &tdkt_app::Principal,
    unit: i64,
    done: Result<(), AppError>,
    ok: &str,
) -> Result<Response, HtmlError> {
    let done = done.map(|()| ok.to_string());
    match after_form(done, &format!("/sang-kien?don_vi={unit}"), "")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => show(st, p, unit, None, Some(e)).await,
    }
}

/// The register form has several `tac_gia` values (a multiple select): read the body as pairs.
async fn register(
    State(st): State<AppState>,
    User(p): User,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = crate::extract::FormPairs::parse(&body);
    let one = |k: &str| form.one(k);
    let unit_raw = one("don_vi");
    let Ok(unit) = unit_raw.trim().parse::<i64>() else {
        return Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "don_vi",
            "Thiếu đơn vị của sáng kiến",
        ))
        .into());
    };
    let mut authors = Vec::new();
    for v in form.all("tac_gia") {
        match v.trim().parse::<i64>() {
            Ok(id) => authors.push(id),
            Err(_) => {
                let e = AppError::Invalid(tdkt_domain::Invalid::new(
                    "tac_gia",
                    format!("«{v}» không phải là mã cá nhân"),
                ));
                return show(&st, &p, unit, None, Some(e)).await;
            }
        }
    }
    let field = one("linh_vuc");
    let done = st
        .app
        .create_initiative(
            &p,
            InitiativeInput {
                code: one("ma"),
                title: one("ten"),
                unit_id: unit,
                field: Some(field.trim().to_string()).filter(|f| !f.is_empty()),
                submitted_on: one("ngay"),
                authors,
            },
        )
        .await
        .map(drop);
    after(&st, &p, unit, done, "Đã đăng ký sáng kiến.").await
}

#[derive(Deserialize)]
struct ReviewForm {
    pham_vi: String,
    ngay: String,
    hieu_qua: Option<String>,
    don_vi: i64,
}

async fn review(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<ReviewForm>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .review_initiative(
            &p,
            id,
            InitiativeReviewInput {
                scope: f.pham_vi,
                recognized_on: f.ngay,
                effect: f.hieu_qua.filter(|e| !e.trim().is_empty()),
            },
        )
        .await
        .map(drop);
    after(&st, &p, f.don_vi, done, "Đã ghi kết quả xét công nhận.").await
}
