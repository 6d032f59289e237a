//! The units tree and search, the unit page and its forms (ratings, history import).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tdkt_domain::dates::vn;
use tdkt_store::{Paging, UnitFilter, UnitRef, UnitRow};

use tdkt_app::AppError;

use super::people::PersonItem;
use super::{Flash, SearchQuery, verdict_rows};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{Id, PageQuery};
use crate::html::{AfterForm, Layout, after_form, render, render_showing};

pub struct UnitItem {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub children: i64,
    pub ended: Option<String>,
}

impl From<&UnitRow> for UnitItem {
    fn from(u: &UnitRow) -> Self {
        Self {
            id: u.id,
            name: u.name.clone(),
            kind: u.kind.label(),
            children: u.child_count,
            ended: u
                .valid_to
                .filter(|t| *t < tdkt_app::today())
                .map(|t| vn(t.next_day().unwrap_or(t))),
        }
    }
}

pub struct Results {
    pub total: i64,
    pub items: Vec<UnitItem>,
}

/// Units in force today unless history was asked for.
fn in_force(show_all: bool) -> Option<time::Date> {
    (!show_all).then(tdkt_app::today)
}

#[derive(Template)]
#[template(path = "units/units.html")]
struct UnitsPage {
    layout: Layout,
    q: String,
    results: Results,
    roots: Vec<UnitItem>,
    show_all: bool,
}

#[derive(Template)]
#[template(path = "units/unit_results.html")]
struct UnitResults {
    q: String,
    results: Results,
}

#[derive(Template)]
#[template(path = "units/unit_children.html")]
struct UnitChildren {
    roots: Vec<UnitItem>,
    show_all: bool,
}

async fn find_units(st: &AppState, p: &tdkt_app::Principal, q: &str) -> Result<Results, HtmlError> {
    if q.trim().is_empty() {
        return Ok(Results {
            total: 0,
            items: vec![],
        });
    }
    let page = st
        .app
        .list_units(
            p,
            &UnitFilter {
                q: Some(q.to_string()),
                paging: Paging::new(None, Some(100)),
                ..Default::default()
            },
        )
        .await?;
    Ok(Results {
        total: page.total,
        items: page.items.iter().map(UnitItem::from).collect(),
    })
}

/// Top of the tree: the roots' children (the provinces under "Việt Nam").
async fn tree_top(
    st: &AppState,
    p: &tdkt_app::Principal,
    show_all: bool,
) -> Result<Vec<UnitItem>, HtmlError> {
    let roots = st
        .app
        .list_units(
            p,
            &UnitFilter {
                parent: Some(None),
                ..Default::default()
            },
        )
        .await?;
    let mut out = Vec::new();
    for r in &roots.items {
        out.extend(children_of(st, p, r.id, show_all).await?);
    }
    Ok(out)
}

async fn children_of(
    st: &AppState,
    p: &tdkt_app::Principal,
    id: i64,
    show_all: bool,
) -> Result<Vec<UnitItem>, HtmlError> {
    let filter = UnitFilter {
        parent: Some(Some(id)),
        active_on: in_force(show_all),
        paging: Paging::new(None, Some(200)),
        ..Default::default()
    };
    Ok(st
        .app
        .list_units(p, &filter)
        .await?
        .items
        .iter()
        .map(UnitItem::from)
        .collect())
}

pub(super) async fn units(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<SearchQuery>,
) -> Result<Response, HtmlError> {
    let text = q.q.unwrap_or_default();
    let results = find_units(&st, &p, &text).await?;
    let show_all = q.ca_cu == Some(1);
    let roots = if text.trim().is_empty() {
        tree_top(&st, &p, show_all).await?
    } else {
        vec![]
    };
    render(&UnitsPage {
        layout: Layout::for_user(&p, "/don-vi"),
        q: text,
        results,
        roots,
        show_all,
    })
}

pub(super) async fn unit_search(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<SearchQuery>,
) -> Result<Response, HtmlError> {
    let text = q.q.unwrap_or_default();
    let results = find_units(&st, &p, &text).await?;
    render(&UnitResults { q: text, results })
}

pub(super) async fn unit_children(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<SearchQuery>,
) -> Result<Response, HtmlError> {
    let show_all = q.ca_cu == Some(1);
    render(&UnitChildren {
        roots: children_of(&st, &p, id, show_all).await?,
        show_all,
    })
}

pub struct UnitDetail {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub short_name: Option<String>,
    pub validity: String,
    pub ended: Option<String>,
    pub note: Option<String>,
    pub illustrative: bool,
}

pub struct EventItem {
    pub date: String,
    pub kind: &'static str,
    pub from: Vec<UnitRef>,
    pub to: Vec<UnitRef>,
    pub legal_basis: Option<String>,
    pub note: Option<String>,
}

pub struct HistoryItem {
    pub name: String,
    pub kind: &'static str,
    pub until: String,
}

pub struct ClusterItem {
    pub id: i64,
    pub name: String,
    pub year: i32,
    pub role: &'static str,
}

#[derive(Template)]
#[template(path = "units/unit.html")]
struct UnitPage {
    layout: Layout,
    u: UnitDetail,
    ancestors: Vec<UnitRef>,
    lineage: Vec<EventItem>,
    history: Vec<HistoryItem>,
    clusters: Vec<ClusterItem>,
    children: Vec<UnitItem>,
    people: Option<Vec<PersonItem>>,
    people_total: usize,
    today: String,
    verdicts: Vec<(String, &'static str, &'static str, String)>,
    ratings: Vec<(i32, &'static str, String)>,
    may_write_unit: bool,
    may_write_people: bool,
    flash: Option<String>,
    error: Option<String>,
}

fn validity(u: &UnitRow) -> String {
    match (u.valid_from, u.valid_to) {
        (None, None) => "Đang hoạt động".into(),
        (Some(f), None) => format!("Từ {}", vn(f)),
        (None, Some(t)) => format!("Đến hết {}", vn(t)),
        (Some(f), Some(t)) => format!("Từ {} đến hết {}", vn(f), vn(t)),
    }
}

pub(super) async fn unit(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<Flash>,
) -> Result<Response, HtmlError> {
    unit_page(&st, &p, id, q.tb, None).await
}

async fn unit_page(
    st: &AppState,
    p: &tdkt_app::Principal,
    id: i64,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let v = st.app.unit_view(p, id, Paging::new(None, Some(50))).await?;
    let item = UnitItem::from(&v.unit);
    let mut ancestors = v.ancestors.clone();
    ancestors.reverse();
    render_showing(
        &UnitPage {
            layout: Layout::for_user(p, "/don-vi"),
            u: UnitDetail {
                id: v.unit.id,
                code: v.unit.code.clone(),
                name: v.unit.name.clone(),
                kind: v.unit.kind.label(),
                short_name: v.unit.short_name.clone(),
                validity: validity(&v.unit),
                ended: item.ended,
                note: v.unit.note.clone(),
                illustrative: v.unit.illustrative,
            },
            ancestors,
            lineage: v
                .lineage
                .iter()
                .map(|e| EventItem {
                    date: vn(e.date),
                    kind: e.kind.label(),
                    from: e.from.clone(),
                    to: e.to.clone(),
                    legal_basis: e.legal_basis.clone(),
                    note: e.note.clone(),
                })
                .collect(),
            history: v
                .history
                .iter()
                .map(|h| HistoryItem {
                    name: h.name.clone(),
                    kind: h.kind.label(),
                    until: vn(h.valid_to),
                })
                .collect(),
            clusters: v
                .clusters
                .iter()
                .map(|c| ClusterItem {
                    id: c.cluster_id,
                    name: c.cluster_name.clone(),
                    year: c.year,
                    role: c.role.label(),
                })
                .collect(),
            children: v.children.items.iter().map(UnitItem::from).collect(),
            people_total: v.people.as_ref().map(|p| p.total as usize).unwrap_or(0),
            today: vn(tdkt_app::today()),
            verdicts: verdict_rows(&v.verdicts),
            ratings: v
                .ratings
                .iter()
                .map(|r| {
                    (
                        r.year,
                        r.rating.label(),
                        r.disciplined
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "chưa báo cáo".into()),
                    )
                })
                .collect(),
            may_write_unit: v.may_write_unit,
            may_write_people: v.may_write_people,
            flash,
            error: error.as_ref().map(|e| e.to_string()),
            people: v
                .people
                .map(|p| p.items.iter().map(PersonItem::from).collect()),
        },
        error.as_ref(),
    )
}

async fn after_unit(
    st: &AppState,
    p: &tdkt_app::Principal,
    id: i64,
    done: Result<String, AppError>,
) -> Result<Response, HtmlError> {
    match after_form(done, &format!("/don-vi/{id}"), "")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => unit_page(st, p, id, None, Some(e)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct UnitRatingForm {
    nam: String,
    xep_loai: String,
    ky_luat: Option<String>,
}

pub(super) async fn put_unit_rating(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<UnitRatingForm>,
) -> Result<Response, HtmlError> {
    let bad = |field: &str, v: &str, what: &str| {
        AppError::Invalid(tdkt_domain::Invalid::new(
            field,
            format!("«{v}» không phải là {what}"),
        ))
    };
    let done = async {
        let year: i32 = f
            .nam
            .trim()
            .parse()
            .map_err(|_| bad("nam", &f.nam, "năm"))?;
        let disciplined = match f.ky_luat.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(k) => Some(
                k.parse::<i32>()
                    .map_err(|_| bad("ky_luat", k, "số người"))?,
            ),
        };
        st.app
            .put_unit_ratings(
                &p,
                id,
                &[tdkt_app::history::UnitRatingInput {
                    year,
                    rating: f.xep_loai.clone(),
                    disciplined,
                }],
            )
            .await?;
        Ok(format!("Đã ghi xếp loại năm {year}."))
    }
    .await;
    after_unit(&st, &p, id, done).await
}

/// The uploaded CSV or XLSX file of the import form.
pub(super) async fn import_history(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    mut form: axum::extract::Multipart,
) -> Result<Response, HtmlError> {
    let mut file = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("tep") {
            file = field.bytes().await.ok();
        }
    }
    let done = match file.filter(|f| !f.is_empty()) {
        None => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "tep",
            "Chưa chọn tệp CSV hoặc XLSX",
        ))),
        Some(bytes) => crate::api::import_bytes(&st, &p, id, &bytes)
            .await
            .map(|r| {
                format!(
                    "Đã nhập {} dòng: {} người, {} xếp loại, {} danh hiệu.",
                    r.rows, r.people, r.ratings, r.titles
                )
            }),
    };
    after_unit(&st, &p, id, done).await
}
