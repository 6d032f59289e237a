//! The people search, the person page and its forms (titles, awards).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tdkt_domain::dates::vn;
use tdkt_domain::eligibility::AwardKind;
use tdkt_store::{Paging, PersonRow, UnitRef};

use tdkt_app::AppError;

use super::{Flash, SearchQuery, verdict_rows};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{Id, PageQuery};
use crate::html::{AfterForm, Layout, after_form, render, render_showing};

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

pub(super) async fn people(
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
    /// (date, award, decision, movement)
    awards: Vec<(String, String, String, String)>,
    initiatives: Vec<String>,
    /// Recognised initiatives not yet used: (code, label).
    free_initiatives: Vec<(String, String)>,
    title_codes: Vec<(String, String)>,
    award_codes: Vec<(String, String)>,
}

pub(super) async fn person(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<Flash>,
) -> Result<Response, HtmlError> {
    person_page(&st, &p, id, q.tb, None).await
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
                a.subject.iter().any(|s| s == "ca_nhan") && (a.kind == AwardKind::Title) == titles
            })
            .map(|a| (a.code.clone(), a.name.clone()));
        let own = local
            .iter()
            .filter(|k| {
                k.subjects.iter().any(|s| s == "ca_nhan") && (k.kind == AwardKind::Title) == titles
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
                        a.movement_name.clone().unwrap_or_default(),
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
pub(super) struct TitleForm {
    nam: String,
    ma: String,
    quyet_dinh: Option<String>,
    sang_kien: Option<String>,
}

pub(super) async fn add_title(
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
pub(super) struct TitleKey {
    nam: i32,
    ma: String,
}

pub(super) async fn delete_title(
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
pub(super) struct AwardForm {
    ma: String,
    ngay: String,
    quyet_dinh: Option<String>,
    sang_kien: Option<String>,
}

pub(super) async fn add_award(
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
