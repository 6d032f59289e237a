//! Units tree, unit page, people search and person page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use tdkt_domain::dates::vn;
use tdkt_store::{Paging, PersonRow, UnitFilter, UnitRef, UnitRow};

use tdkt_app::AppError;

use super::{AfterForm, Layout, after_form, render, render_showing};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{Id, PageQuery};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/don-vi", get(units))
        .route("/don-vi/tim", get(unit_search))
        .route("/don-vi/{id}", get(unit))
        .route("/don-vi/{id}/cay", get(unit_children))
        .route(
            "/don-vi/{id}/xep-loai",
            axum::routing::post(put_unit_rating),
        )
        .route(
            "/don-vi/{id}/nhap-lich-su",
            axum::routing::post(import_history).layer(axum::extract::DefaultBodyLimit::max(
                crate::csrf::UPLOAD_LIMIT,
            )),
        )
        .route("/ca-nhan", get(people))
        .route("/ca-nhan/{id}", get(person))
        .route("/ca-nhan/{id}/danh-hieu", axum::routing::post(add_title))
        .route(
            "/ca-nhan/{id}/danh-hieu/xoa",
            axum::routing::post(delete_title),
        )
        .route("/ca-nhan/{id}/khen-thuong", axum::routing::post(add_award))
}

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

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    trang: Option<i64>,
    don_vi: Option<i64>,
    /// Also show units no longer in force (the 63 provinces before 2025, the districts).
    ca_cu: Option<u8>,
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

async fn units(
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

async fn unit_search(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<SearchQuery>,
) -> Result<Response, HtmlError> {
    let text = q.q.unwrap_or_default();
    let results = find_units(&st, &p, &text).await?;
    render(&UnitResults { q: text, results })
}

async fn unit_children(
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

pub struct PersonItem {
    pub id: i64,
    pub name: String,
    pub birth: String,
    pub position: String,
    pub unit: String,
}

impl From<&PersonRow> for PersonItem {
    fn from(p: &PersonRow) -> Self {
        Self {
            id: p.id,
            name: p.full_name.clone(),
            birth: p.birth.map(|b| b.vn()).unwrap_or_default(),
            position: p.position.clone().unwrap_or_default(),
            unit: p.unit_name.clone(),
        }
    }
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

async fn unit(
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
struct UnitRatingForm {
    nam: String,
    xep_loai: String,
    ky_luat: Option<String>,
}

async fn put_unit_rating(
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
async fn import_history(
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

#[derive(Template)]
#[template(path = "people/people.html")]
struct PeoplePage {
    layout: Layout,
    q: String,
    unit_id: Option<i64>,
    total: i64,
    people: Vec<PersonItem>,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

async fn people(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<SearchQuery>,
) -> Result<Response, HtmlError> {
    let text = q.q.unwrap_or_default();
    let paging = Paging::new(q.trang, Some(50));
    let found = st
        .app
        .search_people(
            &p,
            Some(&text)
                .filter(|t| !t.trim().is_empty())
                .map(|t| t.as_str()),
            q.don_vi,
            paging,
        )
        .await?;
    let pages = ((found.total + paging.per_page - 1) / paging.per_page).max(1);
    let href = |page: i64| {
        let mut s = format!("/ca-nhan?q={}&trang={page}", crate::auth::encode(&text));
        if let Some(u) = q.don_vi {
            s.push_str(&format!("&don_vi={u}"));
        }
        s
    };
    render(&PeoplePage {
        layout: Layout::for_user(&p, "/ca-nhan"),
        unit_id: q.don_vi,
        total: found.total,
        people: found.items.iter().map(PersonItem::from).collect(),
        page: paging.page,
        pages,
        prev_href: (paging.page > 1).then(|| href(paging.page - 1)),
        next_href: (paging.page < pages).then(|| href(paging.page + 1)),
        q: text,
    })
}

pub struct PositionItem {
    pub from: String,
    pub until: String,
    pub unit_id: i64,
    pub unit: String,
    pub position: String,
}

#[derive(Template)]
#[template(path = "people/person.html")]
struct PersonPage {
    layout: Layout,
    name: String,
    illustrative: bool,
    gender: &'static str,
    birth: String,
    cccd: String,
    position: String,
    unit_id: i64,
    unit_name: String,
    unit_path: Vec<UnitRef>,
    ratings: Vec<(i32, &'static str)>,
    positions: Vec<PositionItem>,
    id: i64,
    may_edit: bool,
    flash: Option<String>,
    error: Option<String>,
    today: String,
    pack: String,
    verdicts: Vec<(String, &'static str, &'static str, String)>,
    titles: Vec<(i32, String, String, String)>,
    awards: Vec<(String, String, String)>,
    initiatives: Vec<String>,
    /// Recognised initiatives not yet used: (code, label).
    free_initiatives: Vec<(String, String)>,
    title_codes: Vec<(String, String)>,
    award_codes: Vec<(String, String)>,
}

async fn person(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<Flash>,
) -> Result<Response, HtmlError> {
    person_page(&st, &p, id, q.tb, None).await
}

#[derive(Deserialize)]
struct Flash {
    tb: Option<String>,
}

async fn person_page(
    st: &AppState,
    p: &tdkt_app::Principal,
    id: i64,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let v = st.app.person_view(p, id).await?;
    let x = &v.person;
    let local = st.app.local_award_kinds().await?;
    let name_of = |code: &str| st.app.award_name(&local, code);
    let codes = |titles: bool| -> Vec<(String, String)> {
        let shipped = st
            .app
            .rules
            .catalog
            .awards
            .iter()
            .filter(|a| {
                a.subject.iter().any(|s| s == "ca_nhan") && (a.kind == "danh_hieu") == titles
            })
            .map(|a| (a.code.clone(), a.name.clone()));
        let own = local
            .iter()
            .filter(|k| {
                k.subjects.iter().any(|s| s == "ca_nhan") && (k.kind == "danh_hieu") == titles
            })
            .map(|k| (k.code.clone(), k.name.clone()));
        shipped.chain(own).collect()
    };
    render_showing(
        &PersonPage {
            layout: Layout::for_user(p, "/ca-nhan"),
            name: x.full_name.clone(),
            illustrative: x.illustrative,
            gender: x.gender.label(),
            birth: x.birth.map(|b| b.vn()).unwrap_or_else(|| "Chưa có".into()),
            cccd: x.cccd.clone().unwrap_or_else(|| "Chưa có".into()),
            position: x.position.clone().unwrap_or_default(),
            unit_id: x.unit_id,
            unit_name: x.unit_name.clone(),
            unit_path: v.unit_path.clone(),
            ratings: v
                .ratings
                .iter()
                .map(|r| (r.year, r.rating.label()))
                .collect(),
            positions: v
                .positions
                .iter()
                .map(|p| PositionItem {
                    from: vn(p.start_date),
                    until: p.end_date.map(vn).unwrap_or_else(|| "nay".into()),
                    unit_id: p.unit_id,
                    unit: p.unit_name.clone(),
                    position: p.position.clone().unwrap_or_default(),
                })
                .collect(),
            id,
            may_edit: v.may_edit,
            flash,
            error: error.as_ref().map(|e| e.to_string()),
            today: vn(tdkt_app::today()),
            pack: v
                .verdicts
                .first()
                .map(|x| x.rule_pack.name.clone())
                .unwrap_or_default(),
            verdicts: verdict_rows(&v.verdicts),
            titles: v
                .titles
                .iter()
                .map(|t| {
                    (
                        t.year,
                        name_of(&t.code),
                        t.decision.clone().unwrap_or_default(),
                        t.code.clone(),
                    )
                })
                .collect(),
            awards: v
                .awards
                .iter()
                .map(|a| {
                    (
                        vn(a.date),
                        match a.revoked_on {
                            Some(d) => format!("{} (đã huỷ ngày {})", name_of(&a.code), vn(d)),
                            None => name_of(&a.code),
                        },
                        a.decision.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            initiatives: v
                .initiatives
                .iter()
                .map(|i| {
                    let rec = match (&i.scope, i.recognized_on) {
                        (Some(sc), Some(d)) => format!(
                            "công nhận {} ngày {}",
                            match sc.as_str() {
                                "co_so" => "cấp cơ sở",
                                "tinh" => "cấp tỉnh",
                                _ => "toàn quốc",
                            },
                            vn(d)
                        ),
                        _ => "chưa xét công nhận".into(),
                    };
                    let used = i
                        .used_by
                        .as_ref()
                        .map(|u| format!("; đã dùng cho {u}"))
                        .unwrap_or_default();
                    format!("{} — {} ({rec}{used})", i.code, i.title)
                })
                .collect(),
            free_initiatives: v
                .initiatives
                .iter()
                .filter(|i| i.recognized_on.is_some() && i.used_by.is_none())
                .map(|i| (i.code.clone(), format!("{} — {}", i.code, i.title)))
                .collect(),
            title_codes: codes(true),
            award_codes: codes(false),
        },
        error.as_ref(),
    )
}

#[derive(Deserialize)]
struct TitleForm {
    nam: String,
    ma: String,
    quyet_dinh: Option<String>,
    sang_kien: Option<String>,
}

async fn add_title(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<TitleForm>,
) -> Result<Response, HtmlError> {
    let done = match f.nam.trim().parse::<i32>() {
        Ok(year) => st
            .app
            .put_person_titles(
                &p,
                id,
                &[tdkt_app::history::TitleInput {
                    year,
                    code: f.ma,
                    decision: f.quyet_dinh,
                    initiatives: f.sang_kien.into_iter().collect(),
                }],
            )
            .await
            .map(drop),
        Err(_) => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "nam",
            format!("«{}» không phải là năm", f.nam),
        ))),
    };
    after_person(&st, &p, id, done, "Đã thêm danh hiệu.").await
}

#[derive(Deserialize)]
struct TitleKey {
    nam: i32,
    ma: String,
}

async fn delete_title(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<TitleKey>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .delete_person_title(&p, id, f.nam, &f.ma)
        .await
        .map(drop);
    after_person(&st, &p, id, done, "Đã xoá danh hiệu.").await
}

#[derive(Deserialize)]
struct AwardForm {
    ma: String,
    ngay: String,
    quyet_dinh: Option<String>,
    sang_kien: Option<String>,
}

async fn add_award(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<AwardForm>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .add_person_award(
            &p,
            id,
            tdkt_app::history::AwardInput {
                code: f.ma,
                date: f.ngay,
                decision: f.quyet_dinh,
                note: None,
                initiatives: f.sang_kien.into_iter().collect(),
            },
        )
        .await
        .map(drop);
    after_person(&st, &p, id, done, "Đã ghi khen thưởng.").await
}

async fn after_person(
    st: &AppState,
    p: &tdkt_app::Principal,
    id: i64,
    done: Result<(), AppError>,
    ok: &str,
) -> Result<Response, HtmlError> {
    let done = done.map(|()| ok.to_string());
    match after_form(done, &format!("/ca-nhan/{id}"), "#xet-dieu-kien")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => person_page(st, p, id, None, Some(e)).await,
    }
}

/// Verdicts as table rows: award, CSS class, label, and what is missing (or what a person must
/// judge).
fn verdict_rows(
    verdicts: &[tdkt_domain::eligibility::Verdict],
) -> Vec<(String, &'static str, &'static str, String)> {
    use tdkt_domain::eligibility::VerdictKind;
    verdicts
        .iter()
        .map(|x| {
            let label = x.verdict.label();
            let class = match x.verdict {
                VerdictKind::Eligible => "dat",
                VerdictKind::NeedsReview => "xem",
                VerdictKind::NotEligible => "chua",
            };
            let why = if x.missing.is_empty() {
                x.criteria
                    .iter()
                    .filter(|c| c.passed.is_none())
                    .map(|c| c.detail.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            } else {
                x.missing.join("; ")
            };
            (x.award_name.clone(), class, label, why)
        })
        .collect()
}
