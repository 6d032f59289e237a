//! The higher level's decision covering many dossiers: the approved dossiers of an authority
//! the leader may decide, chosen with checkboxes, issued as one decision; and the PDF and DOCX
//! of any decision by its id (a unit's round decision has no dossier).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tdkt_app::decision::DecisionInput;
use tdkt_app::{AppError, Principal};
use tdkt_domain::access::Action;
use tdkt_domain::dates::vn;
use tdkt_store::DecisionDossier;

use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{FormPairs, Id, PageQuery};
use crate::html::dossiers::file_response;
use crate::html::{AfterForm, Layout, after_form, render_showing};

#[derive(Template)]
#[template(path = "rounds/batch.html")]
struct BatchPage {
    layout: Layout,
    /// (id, version, code, title, proposing unit, nominees, approved on)
    dossiers: Vec<(i64, i64, String, String, String, i64, String)>,
    today: String,
    flash: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct FlashQuery {
    tb: Option<String>,
}

async fn show(
    st: &AppState,
    p: &Principal,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let roots = tdkt_domain::access::scope_roots(&p.grants, Action::DossierDecide);
    if roots.is_empty() {
        return Err(AppError::Forbidden(
            "Chỉ lãnh đạo có thẩm quyền ký quyết định khen thưởng".into(),
        )
        .into());
    }
    let dossiers = st
        .app
        .approved_dossiers(p)
        .await?
        .into_iter()
        .map(|d| {
            (
                d.id,
                d.version,
                d.code,
                d.title,
                d.unit_name,
                d.nominees,
                vn(d.state_since),
            )
        })
        .collect();
    render_showing(
        &BatchPage {
            layout: Layout::for_user(p, "/ho-so"),
            dossiers,
            today: tdkt_domain::dates::iso(st.app.today()),
            flash,
            error: error.as_ref().map(|e| e.to_string()),
        },
        error.as_ref(),
    )
}

pub(super) async fn form(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Result<Response, HtmlError> {
    show(&st, &p, q.tb, None).await
}

/// `hs` = "<id>:<version>" for every chosen dossier.
pub(super) async fn issue(
    State(st): State<AppState>,
    User(p): User,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let f = FormPairs::parse(&body);
    let dossiers: Vec<DecisionDossier> = f
        .all("hs")
        .iter()
        .filter_map(|v| {
            let (id, version) = v.split_once(':')?;
            Some(DecisionDossier {
                id: id.parse().ok()?,
                expected_version: version.parse().ok()?,
            })
        })
        .collect();
    let done = st
        .app
        .issue_batch_decision(
            &p,
            dossiers,
            DecisionInput {
                version: 0,
                signed_on: f.one("ngay_ky"),
                signer_name: f.one("nguoi_ky"),
                signer_title: f.one("chuc_vu"),
                proposal: Some(f.one("de_nghi")).filter(|s| !s.trim().is_empty()),
            },
        )
        .await
        .map(|d| format!("Đã ban hành Quyết định số {}.", d.number));
    match after_form(done, "/ho-so/quyet-dinh-chung", "")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => show(&st, &p, None, Some(e)).await,
    }
}

pub(super) async fn pdf(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let (number, bytes) = st.app.decision_pdf_by_id(&p, id).await?;
    Ok(file_response(
        bytes,
        "application/pdf",
        &format!("quyet-dinh-{}.pdf", number.replace('/', "-")),
    ))
}

pub(super) async fn docx(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let (number, bytes) = st.app.decision_docx_by_id(&p, id).await?;
    Ok(file_response(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("quyet-dinh-{}.docx", number.replace('/', "-")),
    ))
}
