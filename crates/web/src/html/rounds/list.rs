//! The rounds the user follows, the form that opens one, and a round's overview: every unit
//! taking part with its due date and progress, overdue ones marked.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tdkt_app::rounds::OpenRoundInput;
use tdkt_app::{AppError, Principal};
use tdkt_domain::access::Action;
use tdkt_domain::dates::vn;

use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{Id, PageQuery};
use crate::html::{AfterForm, Layout, after_form, render_showing};

#[derive(Template)]
#[template(path = "rounds/list.html")]
struct ListPage {
    layout: Layout,
    /// (id, authority, year, opened)
    rounds: Vec<(i64, String, i32, String)>,
    authorities: Vec<(i64, String)>,
    year: i32,
    flash: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct FlashQuery {
    tb: Option<String>,
}

async fn show_list(
    st: &AppState,
    p: &Principal,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let rounds = st
        .app
        .rounds(p)
        .await?
        .into_iter()
        .map(|r| (r.id, r.authority_name, r.year, vn(r.opened_on)))
        .collect();
    let mut authorities = Vec::new();
    for id in tdkt_domain::access::scope_roots(&p.grants, Action::RoundManage) {
        let u = st.app.unit(p, id).await?;
        authorities.push((u.id, u.name));
    }
    let today = st.app.today();
    render_showing(
        &ListPage {
            layout: Layout::for_user(p, "/binh-xet"),
            rounds,
            authorities,
            // The round of a year runs in its last weeks and the first of the next.
            year: if today.month() as u8 >= 7 {
                today.year()
            } else {
                today.year() - 1
            },
            flash,
            error: error.as_ref().map(|e| e.to_string()),
        },
        error.as_ref(),
    )
}

pub(super) async fn list(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Result<Response, HtmlError> {
    show_list(&st, &p, q.tb, None).await
}

#[derive(Deserialize)]
pub(super) struct OpenForm {
    co_quan: i64,
    nam: i32,
    ghi_chu: Option<String>,
}

pub(super) async fn open(
    State(st): State<AppState>,
    User(p): User,
    axum::extract::Form(f): axum::extract::Form<OpenForm>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .open_round(
            &p,
            OpenRoundInput {
                authority_id: f.co_quan,
                year: f.nam,
                note: f.ghi_chu,
                unit_ids: None,
            },
        )
        .await;
    match done {
        Ok(r) => Ok(axum::response::Redirect::to(&format!(
            "/binh-xet/{}?tb={}",
            r.id,
            crate::auth::encode("Đã mở đợt bình xét.")
        ))
        .into_response()),
        Err(e) => match after_form(Err(e), "/binh-xet", "")? {
            AfterForm::Redirect(r) => Ok(r),
            AfterForm::Show(e) => show_list(&st, &p, None, Some(e)).await,
        },
    }
}

/// (round unit id, unit name, due, progress label, progress code, overdue, candidates, selected)
type UnitLine = (
    i64,
    String,
    String,
    &'static str,
    &'static str,
    bool,
    i64,
    i64,
);

#[derive(Template)]
#[template(path = "rounds/overview.html")]
struct OverviewPage {
    layout: Layout,
    title: String,
    note: String,
    units: Vec<UnitLine>,
    by_progress: Vec<(&'static str, usize)>,
    overdue: usize,
    flash: Option<String>,
}

pub(super) async fn overview(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Result<Response, HtmlError> {
    let o = st.app.round_overview(&p, id).await?;
    render_showing(
        &OverviewPage {
            layout: Layout::for_user(&p, "/binh-xet"),
            title: format!(
                "Bình xét thi đua, khen thưởng năm {} — {}",
                o.round.year, o.round.authority_name
            ),
            note: o.round.note.clone().unwrap_or_default(),
            units: o
                .units
                .iter()
                .map(|u| {
                    (
                        u.row.id,
                        u.row.unit_name.clone(),
                        vn(u.row.due_on),
                        u.row.progress.label(),
                        u.row.progress.code(),
                        u.overdue,
                        u.row.candidates,
                        u.row.selected,
                    )
                })
                .collect(),
            by_progress: o.by_progress.iter().map(|(s, n)| (s.label(), *n)).collect(),
            overdue: o.overdue,
            flash: q.tb,
        },
        None,
    )
}
