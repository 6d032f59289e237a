//! The movement list, the draft form, the movement page with its lifecycle buttons and launch
//! decision, and the public pages (launched movements only, nothing private).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tdkt_app::movements::{
    CriterionForm, IndicatorForm, MilestoneForm, MovementForm, MovementStepInput,
};
use tdkt_app::{AppError, Principal};
use tdkt_domain::CodeEnum;
use tdkt_domain::access::Action;
use tdkt_domain::dates::vn;
use tdkt_domain::movement::*;
use tdkt_store::{MovementRow, Paging};

use super::{Line, number};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{FormPairs, Id, PageQuery};
use crate::html::dossiers::file_response;
use crate::html::{AfterForm, Layout, after_form, render, render_showing};

#[derive(Template)]
#[template(path = "movements/list.html")]
struct ListPage {
    layout: Layout,
    lines: Vec<Line>,
    total: i64,
    page: i64,
    pages: i64,
    year: String,
    may_draft: bool,
    flash: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    nam: Option<String>,
    trang: Option<i64>,
    tb: Option<String>,
}

pub(super) async fn list(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, HtmlError> {
    let year = q.nam.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    let page = st
        .app
        .movements(&p, year, None, Paging::new(q.trang, Some(50)))
        .await?;
    render(&ListPage {
        layout: Layout::for_user(&p, "/phong-trao"),
        lines: page.items.iter().map(Line::from).collect(),
        total: page.total,
        page: page.page,
        pages: (page.total + page.per_page - 1) / page.per_page,
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        may_draft: !tdkt_domain::access::scope_roots(&p.grants, Action::MovementManage).is_empty(),
        flash: q.tb,
    })
}

#[derive(Template)]
#[template(path = "movements/new.html")]
struct NewPage {
    layout: Layout,
    authorities: Vec<(i64, String)>,
    parents: Vec<(i64, String)>,
    clusters: Vec<(i64, String)>,
    levels: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    scopes: Vec<(&'static str, &'static str)>,
    awards: Vec<(String, String)>,
    rows: Vec<usize>,
    error: Option<String>,
}

fn options<T: CodeEnum + Copy>(all: &[T]) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|x| (x.code(), x.label())).collect()
}

async fn draft_form(
    st: &AppState,
    p: &Principal,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let mut authorities = Vec::new();
    for id in tdkt_domain::access::scope_roots(&p.grants, Action::MovementManage) {
        let u = st.app.unit(p, id).await?;
        authorities.push((u.id, u.name));
    }
    if authorities.is_empty() {
        return Err(AppError::Forbidden(
            "Chỉ Ban Thi đua - Khen thưởng soạn và phát động phong trào".into(),
        )
        .into());
    }
    let year = tdkt_app::today().year();
    let mut parents = Vec::new();
    for y in [year - 1, year] {
        for m in st.app.movements_of_year(y).await? {
            if !parents.iter().any(|(id, _)| *id == m.id) {
                parents.push((m.id, format!("{} — {}", m.name, m.authority_name)));
            }
        }
    }
    let clusters = st
        .app
        .clusters(p)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    render_showing(
        &NewPage {
            layout: Layout::for_user(p, "/phong-trao"),
            authorities,
            parents,
            clusters,
            levels: options(LaunchLevel::ALL),
            kinds: options(MovementKind::ALL),
            scopes: options(MovementScope::ALL),
            awards: st
                .app
                .rules
                .catalog
                .awards
                .iter()
                .map(|a| (a.code.clone(), a.name.clone()))
                .collect(),
            rows: (0..3).collect(),
            error: error.as_ref().map(|e| e.to_string()),
        },
        error.as_ref(),
    )
}

pub(super) async fn new_form(
    State(st): State<AppState>,
    User(p): User,
) -> Result<Response, HtmlError> {
    draft_form(&st, &p, None).await
}

/// The draft form as the use case's input: repeated rows of criteria, milestones and
/// indicators; blank rows are skipped.
fn read_form(f: &FormPairs) -> MovementForm {
    let opt = |k: &str| Some(f.one(k)).filter(|v| !v.trim().is_empty());
    let id = |k: &str| f.one(k).trim().parse::<i64>().ok();
    let col = |k: &str| f.all(k);
    let (tc_award, tc_text, tc_must, tc_basis) = (
        col("tc_danh_hieu"),
        col("tc_noi_dung"),
        col("tc_bat_buoc"),
        col("tc_can_cu"),
    );
    let criteria = (0..tc_text.len())
        .filter(|i| !tc_text[*i].trim().is_empty())
        .map(|i| CriterionForm {
            award_code: tc_award.get(i).cloned().unwrap_or_default(),
            text: tc_text[i].clone(),
            mandatory: tc_must.get(i).is_some_and(|v| v == "co"),
            legal_basis: tc_basis.get(i).cloned().filter(|b| !b.trim().is_empty()),
        })
        .collect();
    let (ms_kind, ms_name, ms_due) = (col("moc_loai"), col("moc_ten"), col("moc_han"));
    let milestones = (0..ms_name.len())
        .filter(|i| !ms_name[*i].trim().is_empty())
        .map(|i| MilestoneForm {
            kind: ms_kind.get(i).cloned().unwrap_or_default(),
            name: ms_name[i].clone(),
            due_on: ms_due.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let (ct_code, ct_name, ct_measure, ct_target) = (
        col("ct_ma"),
        col("ct_ten"),
        col("ct_loai"),
        col("ct_chi_tieu"),
    );
    let indicators = (0..ct_name.len())
        .filter(|i| !ct_name[*i].trim().is_empty())
        .map(|i| IndicatorForm {
            code: ct_code.get(i).cloned().unwrap_or_default(),
            name: ct_name[i].clone(),
            measure: ct_measure.get(i).cloned().unwrap_or_default(),
            target: ct_target
                .get(i)
                .and_then(|t| t.trim().replace('.', "").replace(',', ".").parse().ok()),
        })
        .collect();
    MovementForm {
        code: opt("ma"),
        name: f.one("ten"),
        slogan: opt("khau_hieu"),
        goals: f.one("muc_tieu"),
        authority_id: id("don_vi").unwrap_or_default(),
        level: f.one("cap"),
        kind: f.one("loai"),
        scope: f.one("pham_vi"),
        starts_on: f.one("tu_ngay"),
        ends_on: f.one("den_ngay"),
        parent_id: id("cap_tren"),
        decision_number: opt("so_qd"),
        decision_date: opt("ngay_qd"),
        decision_signer: opt("nguoi_ky"),
        registration_due_on: opt("han_dang_ky"),
        target_kind: f.one("doi_tuong"),
        target_unit_id: id("don_vi"),
        target_cluster_id: id("cum"),
        target_unit_ids: vec![],
        criteria,
        milestones,
        indicators,
    }
}

pub(super) async fn create(
    State(st): State<AppState>,
    User(p): User,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = read_form(&FormPairs::parse(&body));
    match st.app.create_movement(&p, &form).await {
        Ok(m) => Ok(axum::response::Redirect::to(&format!(
            "/phong-trao/{}?tb={}",
            m.id,
            crate::auth::encode("Đã lưu dự thảo phong trào.")
        ))
        .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            draft_form(&st, &p, Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

use axum::response::IntoResponse;

/// The movement's facts, display-ready (shared by the board's page and the public one).
pub(super) struct Facts {
    pub id: i64,
    pub name: String,
    pub slogan: String,
    pub goals: String,
    pub authority: String,
    pub level: &'static str,
    pub kind: &'static str,
    pub scope: &'static str,
    pub band: &'static str,
    pub dates: String,
    pub decision: String,
    pub has_file: bool,
    pub state: &'static str,
    pub parent: Option<(i64, String)>,
    /// (title, text, mandatory, basis)
    pub criteria: Vec<(String, String, bool, String)>,
    /// (name, kind, due)
    pub milestones: Vec<(String, &'static str, String)>,
    /// (name, measure, target)
    pub indicators: Vec<(String, &'static str, String)>,
}

pub(super) fn facts(st: &AppState, m: &MovementRow) -> Facts {
    let award = |c: &str| {
        st.app
            .rules
            .catalog
            .get(c)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| c.to_string())
    };
    Facts {
        id: m.id,
        name: m.name.clone(),
        slogan: m.slogan.clone().unwrap_or_default(),
        goals: m.goals.clone(),
        authority: m.authority_name.clone(),
        level: m.level.label(),
        kind: m.kind.label(),
        scope: m.scope.label(),
        band: duration_band(m.starts_on, m.ends_on).label(),
        dates: format!("{} – {}", vn(m.starts_on), vn(m.ends_on)),
        decision: [
            m.decision_number.clone(),
            m.decision_date.map(|d| format!("ngày {}", vn(d))),
            m.decision_signer.clone().map(|s| format!("({s})")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
        has_file: m.decision_file_id.is_some(),
        state: m.state.label(),
        parent: m.parent_id.zip(m.parent_name.clone()),
        criteria: m
            .criteria
            .iter()
            .map(|c| {
                (
                    award(&c.award_code),
                    c.text.clone(),
                    c.mandatory,
                    c.legal_basis.clone().unwrap_or_default(),
                )
            })
            .collect(),
        milestones: m
            .milestones
            .iter()
            .map(|x| (x.name.clone(), x.kind.label(), vn(x.due_on)))
            .collect(),
        indicators: m
            .indicators
            .iter()
            .map(|x| (x.name.clone(), x.measure.label(), number(x.target)))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "movements/movement.html")]
struct MovementPage {
    layout: Layout,
    f: Facts,
    version: i64,
    steps: Vec<(&'static str, &'static str, bool)>,
    may_manage: bool,
    may_follow: bool,
    reviewed: bool,
    targets: Vec<(i64, String)>,
    target_count: usize,
    children: Vec<Line>,
    my_units: Vec<(i64, String)>,
    milestones: Vec<(i64, String)>,
    year: i32,
    awards: Vec<(String, String)>,
    flash: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct FlashQuery {
    tb: Option<String>,
}

pub(super) async fn show_page(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Result<Response, HtmlError> {
    show(&st, &p, id, q.tb, None).await
}

pub(super) async fn show(
    st: &AppState,
    p: &Principal,
    id: i64,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let v = st.app.movement_view(p, id).await?;
    let today = st.app.today();
    let year = today
        .year()
        .clamp(v.movement.starts_on.year(), v.movement.ends_on.year());
    render_showing(
        &MovementPage {
            layout: Layout::for_user(p, "/phong-trao"),
            f: facts(st, &v.movement),
            version: v.movement.version,
            steps: v
                .steps
                .iter()
                .map(|s| (s.code(), s.label(), s.needs_reason()))
                .collect(),
            may_manage: v.may_manage,
            may_follow: v.may_follow,
            reviewed: v.movement.state.is_reviewed() && v.may_manage,
            target_count: v.targets.len(),
            targets: v
                .targets
                .iter()
                .take(200)
                .map(|t| (t.unit_id, t.name.clone()))
                .collect(),
            children: v.children.iter().map(Line::from).collect(),
            my_units: v
                .my_units
                .iter()
                .map(|t| (t.unit_id, t.name.clone()))
                .collect(),
            milestones: v
                .movement
                .milestones
                .iter()
                .map(|m| (m.id, format!("{} (hạn {})", m.name, vn(m.due_on))))
                .collect(),
            year,
            awards: st
                .app
                .rules
                .catalog
                .awards
                .iter()
                .map(|a| (a.code.clone(), a.name.clone()))
                .collect(),
            flash,
            error: error.as_ref().map(|e| e.to_string()),
        },
        error.as_ref(),
    )
}

pub(super) async fn after(
    st: &AppState,
    p: &Principal,
    id: i64,
    done: Result<String, AppError>,
) -> Result<Response, HtmlError> {
    match after_form(done, &format!("/phong-trao/{id}"), "")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => show(st, p, id, None, Some(e)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct StepForm {
    buoc: String,
    phien_ban: i64,
    ly_do: Option<String>,
}

pub(super) async fn step(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::extract::Form(f): axum::extract::Form<StepForm>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .movement_step(
            &p,
            id,
            &MovementStepInput {
                step: f.buoc,
                version: f.phien_ban,
                reason: f.ly_do,
            },
        )
        .await
        .map(|m| format!("Phong trào nay ở trạng thái «{}».", m.state.label()));
    after(&st, &p, id, done).await
}

pub(super) async fn launch_file(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    mut form: axum::extract::Multipart,
) -> Result<Response, HtmlError> {
    let mut file = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("tep") {
            let name = field.file_name().unwrap_or("van-ban.pdf").to_string();
            file = field.bytes().await.ok().map(|b| (name, b.to_vec()));
        }
    }
    let done = match file.filter(|(_, b)| !b.is_empty()) {
        None => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "tep",
            "Chưa chọn tệp",
        ))),
        Some((name, bytes)) => st
            .app
            .set_launch_file(&p, id, &name, bytes)
            .await
            .map(|_| "Đã lưu văn bản phát động.".to_string()),
    };
    after(&st, &p, id, done).await
}

#[derive(Template)]
#[template(path = "movements/public_list.html")]
struct PublicList {
    layout: Layout,
    lines: Vec<Line>,
    total: i64,
}

#[derive(Deserialize)]
pub(super) struct PublicQuery {
    trang: Option<i64>,
}

pub(super) async fn public_list(
    State(st): State<AppState>,
    PageQuery(q): PageQuery<PublicQuery>,
) -> Result<Response, HtmlError> {
    let page = st
        .app
        .public_movements(Paging::new(q.trang, Some(50)))
        .await?;
    render(&PublicList {
        layout: Layout::anonymous(),
        lines: page.items.iter().map(Line::from).collect(),
        total: page.total,
    })
}

#[derive(Template)]
#[template(path = "movements/public_movement.html")]
struct PublicPage {
    layout: Layout,
    f: Facts,
}

pub(super) async fn public_page(
    State(st): State<AppState>,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let m = st.app.public_movement(id).await?;
    render(&PublicPage {
        layout: Layout::anonymous(),
        f: facts(&st, &m),
    })
}

pub(super) async fn public_file(
    State(st): State<AppState>,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let (f, bytes) = st.app.public_launch_file(id).await?;
    Ok(file_response(bytes, &f.mime, &f.filename))
}
