//! The year's work on a movement: a unit's registration (form, XLSX upload, template), the
//! board's registration overview, reports per milestone, the progress matrix with sums up the
//! tree, and the review's dossier. Over 600 lines: five small pages, each a view model and its
//! form handlers; splitting them would scatter one screen flow.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_app::movements::{
    RegistrationInput, RegistrationLineInput, ReportInput, ReportValueInput, ReviewInput,
};
use tdkt_app::{AppError, Principal};
use tdkt_domain::dates::vn;
use tdkt_domain::movement::Subject;
use tdkt_domain::movement::progress::Timeliness;

use super::number;
use super::page::after;
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{FormPairs, Ids, PageQuery};
use crate::html::dossiers::file_response;
use crate::html::{AfterForm, Layout, after_form, render, render_showing};

#[derive(Deserialize)]
pub(super) struct YearQuery {
    nam: Option<i32>,
    tb: Option<String>,
}

fn status_class(t: Timeliness) -> &'static str {
    match t {
        Timeliness::OnTime => "ok",
        Timeliness::Late => "late",
        Timeliness::Missing => "missing",
        Timeliness::Open => "open",
    }
}

#[derive(Template)]
#[template(path = "movements/overview.html")]
struct OverviewPage {
    layout: Layout,
    id: i64,
    name: String,
    year: i32,
    deadline: String,
    /// (unit id, name, status label, class, first date, version, lines)
    units: Vec<(i64, String, &'static str, &'static str, String, String, i64)>,
    counts: (usize, usize, usize, usize),
    totals: Vec<(&'static str, String, i64)>,
}

pub(super) async fn overview(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    PageQuery(q): PageQuery<YearQuery>,
) -> Result<Response, HtmlError> {
    let m = st.app.movement(&p, ids[0]).await?;
    let year = q.nam.unwrap_or_else(|| {
        st.app
            .today()
            .year()
            .clamp(m.starts_on.year(), m.ends_on.year())
    });
    let o = st.app.registration_overview(&p, m.id, year).await?;
    render(&OverviewPage {
        layout: Layout::for_user(&p, "/phong-trao"),
        id: m.id,
        name: m.name,
        year,
        deadline: vn(o.deadline),
        units: o
            .units
            .iter()
            .map(|u| {
                (
                    u.unit_id,
                    u.unit_name.clone(),
                    u.status.label(),
                    status_class(u.status),
                    u.first_on.map(vn).unwrap_or_default(),
                    u.version.map(|v| v.to_string()).unwrap_or_default(),
                    u.lines,
                )
            })
            .collect(),
        counts: (o.on_time, o.late, o.missing, o.open),
        totals: o
            .totals
            .iter()
            .map(|(s, _, name, n)| (Subject::label_of(s).unwrap_or_default(), name.clone(), *n))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "movements/registration.html")]
struct RegistrationPage {
    layout: Layout,
    id: i64,
    name: String,
    unit_id: i64,
    unit_name: String,
    year: i32,
    deadline: String,
    may_register: bool,
    /// Current lines: (name, subject, title)
    current: Vec<(String, &'static str, String)>,
    /// (version, date, actor, source, lines)
    versions: Vec<(i32, String, String, &'static str, usize)>,
    collective_titles: Vec<(String, String)>,
    individual_titles: Vec<(String, String)>,
    /// (person id, name, current title code)
    staff: Vec<(i64, String, String)>,
    unit_titles: Vec<String>,
    flash: Option<String>,
    error: Option<String>,
}

async fn show_registration(
    st: &AppState,
    p: &Principal,
    id: i64,
    unit: i64,
    year: Option<i32>,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let m = st.app.movement(p, id).await?;
    let year = year.unwrap_or_else(|| {
        st.app
            .today()
            .year()
            .clamp(m.starts_on.year(), m.ends_on.year())
    });
    let v = st.app.registration_page(p, id, unit, year).await?;
    let award = |c: &str| {
        v.titles
            .iter()
            .find(|t| t.0 == c)
            .map(|t| t.1.clone())
            .unwrap_or_else(|| c.to_string())
    };
    let lines = v
        .current
        .as_ref()
        .map(|c| c.lines.clone())
        .unwrap_or_default();
    render_showing(
        &RegistrationPage {
            layout: Layout::for_user(p, "/phong-trao"),
            id,
            name: v.movement.name.clone(),
            unit_id: unit,
            unit_name: v.unit.name.clone(),
            year,
            deadline: vn(v.deadline),
            may_register: v.may_register,
            current: lines
                .iter()
                .map(|l| (l.name.clone(), l.subject.label(), award(&l.award_code)))
                .collect(),
            versions: v
                .versions
                .iter()
                .rev()
                .map(|r| {
                    (
                        r.version,
                        vn(r.submitted_on),
                        r.actor.clone(),
                        r.source.label(),
                        r.lines.len(),
                    )
                })
                .collect(),
            collective_titles: v
                .titles
                .iter()
                .filter(|t| t.2 == Subject::Collective)
                .map(|t| (t.0.clone(), t.1.clone()))
                .collect(),
            individual_titles: v
                .titles
                .iter()
                .filter(|t| t.2 == Subject::Individual)
                .map(|t| (t.0.clone(), t.1.clone()))
                .collect(),
            staff: v
                .staff
                .iter()
                .map(|s| {
                    let now = lines
                        .iter()
                        .find(|l| l.person_id == Some(s.id))
                        .map(|l| l.award_code.clone())
                        .unwrap_or_default();
                    (s.id, s.full_name.clone(), now)
                })
                .collect(),
            unit_titles: lines
                .iter()
                .filter(|l| l.unit_id == Some(unit))
                .map(|l| l.award_code.clone())
                .collect(),
            flash,
            error: error.as_ref().map(|e| e.to_string()),
        },
        error.as_ref(),
    )
}

pub(super) async fn registration(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    PageQuery(q): PageQuery<YearQuery>,
) -> Result<Response, HtmlError> {
    show_registration(&st, &p, ids[0], ids[1], q.nam, q.tb, None).await
}

async fn after_registration(
    st: &AppState,
    p: &Principal,
    (id, unit, year): (i64, i64, i32),
    done: Result<String, AppError>,
) -> Result<Response, HtmlError> {
    match after_form(
        done,
        &format!("/phong-trao/{id}/dang-ky/{unit}?nam={year}"),
        "",
    )? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => show_registration(st, p, id, unit, Some(year), None, Some(e)).await,
    }
}

/// The form: collective titles of the unit (checkboxes `tap_the`) and one select per person
/// (`cn_<id>`).
pub(super) async fn register(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let f = FormPairs::parse(&body);
    let year: i32 = f.one("nam").trim().parse().unwrap_or_default();
    let mut lines: Vec<RegistrationLineInput> = f
        .all("tap_the")
        .into_iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| RegistrationLineInput {
            person_id: None,
            unit_id: Some(ids[1]),
            award_code: c,
        })
        .collect();
    for (k, v) in f.pairs() {
        if let Some(pid) = k.strip_prefix("cn_").and_then(|x| x.parse::<i64>().ok())
            && !v.trim().is_empty()
        {
            lines.push(RegistrationLineInput {
                person_id: Some(pid),
                unit_id: None,
                award_code: v.clone(),
            });
        }
    }
    let note = Some(f.one("ghi_chu")).filter(|n| !n.trim().is_empty());
    let done = st
        .app
        .register(&p, ids[0], ids[1], &RegistrationInput { year, note, lines })
        .await
        .map(|r| format!("Đã lưu bản đăng ký (lần {}).", r.version));
    after_registration(&st, &p, (ids[0], ids[1], year), done).await
}

pub(super) async fn upload(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    mut form: axum::extract::Multipart,
) -> Result<Response, HtmlError> {
    let (mut year, mut file) = (0, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("nam") => {
                year = field
                    .text()
                    .await
                    .unwrap_or_default()
                    .trim()
                    .parse()
                    .unwrap_or_default()
            }
            Some("tep") => file = field.bytes().await.ok().map(|b| b.to_vec()),
            _ => {}
        }
    }
    let done = match file.filter(|b| !b.is_empty()) {
        None => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "tep",
            "Chưa chọn tệp",
        ))),
        Some(bytes) => st
            .app
            .register_from_xlsx(&p, ids[0], ids[1], year, &bytes)
            .await
            .map(|r| {
                format!(
                    "Đã nhận tệp: {} dòng đăng ký (lần {}).",
                    r.lines.len(),
                    r.version
                )
            }),
    };
    after_registration(&st, &p, (ids[0], ids[1], year), done).await
}

pub(super) async fn template(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let bytes = st.app.registration_template(&p, ids[0], ids[1]).await?;
    Ok(file_response(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "dang-ky-thi-dua.xlsx",
    ))
}

/// A matrix row: unit id, name, depth, cells (label, class, date), subtree figures.
type MatrixLine = (
    i64,
    String,
    usize,
    Vec<(&'static str, &'static str, String)>,
    Vec<String>,
);

#[derive(Template)]
#[template(path = "movements/progress.html")]
struct ProgressPage {
    layout: Layout,
    id: i64,
    name: String,
    /// (id, name, due, chosen)
    milestones: Vec<(i64, String, String, bool)>,
    counts: Vec<(usize, usize, usize, usize)>,
    indicators: Vec<(String, &'static str)>,
    /// (unit id, name, depth, cells (label, class, date), subtree figures "achieved / target (pct)")
    rows: Vec<MatrixLine>,
    totals: Vec<String>,
    chosen: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct ProgressQuery {
    moc: Option<i64>,
}

fn figures(f: Option<&tdkt_domain::movement::progress::Figures>) -> String {
    let Some(f) = f else { return String::new() };
    let mut s = number(f.achieved);
    if f.target.is_some() {
        s.push_str(" / ");
        s.push_str(&number(f.target));
    }
    if let Some(p) = f.percent_of_target() {
        s.push_str(&format!(" ({}%)", number(Some(p))));
    }
    s
}

pub(super) async fn progress(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    PageQuery(q): PageQuery<ProgressQuery>,
) -> Result<Response, HtmlError> {
    let v = st.app.movement_progress(&p, ids[0], q.moc).await?;
    render(&ProgressPage {
        layout: Layout::for_user(&p, "/phong-trao"),
        id: v.movement.id,
        name: v.movement.name.clone(),
        milestones: v
            .milestones
            .iter()
            .map(|m| {
                (
                    m.id,
                    m.name.clone(),
                    vn(m.due_on),
                    Some(m.id) == v.milestone_id,
                )
            })
            .collect(),
        counts: v.counts.clone(),
        indicators: v
            .movement
            .indicators
            .iter()
            .map(|i| (i.name.clone(), i.measure.label()))
            .collect(),
        rows: v
            .rows
            .iter()
            .map(|r| {
                (
                    r.unit.unit_id,
                    r.unit.name.clone(),
                    r.depth,
                    r.cells
                        .iter()
                        .map(|(s, d)| (s.label(), status_class(*s), d.map(vn).unwrap_or_default()))
                        .collect(),
                    r.subtree.iter().map(|f| figures(f.as_ref())).collect(),
                )
            })
            .collect(),
        totals: v.totals.iter().map(|f| figures(Some(f))).collect(),
        chosen: v.milestone_id,
    })
}

#[derive(Template)]
#[template(path = "movements/report.html")]
struct ReportPage {
    layout: Layout,
    id: i64,
    name: String,
    milestone_id: i64,
    milestone: String,
    unit_id: i64,
    unit_name: String,
    text: String,
    sent: String,
    /// (indicator id, name, measure, target, achieved)
    values: Vec<(i64, String, &'static str, String, String)>,
    /// (file id, name)
    files: Vec<(i64, String)>,
    may_report: bool,
    flash: Option<String>,
    error: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn show_report(
    st: &AppState,
    p: &Principal,
    id: i64,
    milestone: i64,
    unit: i64,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let m = st.app.movement(p, id).await?;
    let r = st.app.movement_report(p, id, milestone, unit).await?;
    let u = st.app.unit(p, unit).await?;
    let ms = m.milestones.iter().find(|x| x.id == milestone).cloned();
    let may_report = m.state.is_open()
        && st
            .app
            .authorize(p, tdkt_domain::access::Action::MovementReport, unit)
            .await
            .is_ok();
    render_showing(
        &ReportPage {
            layout: Layout::for_user(p, "/phong-trao"),
            id,
            name: m.name.clone(),
            milestone_id: milestone,
            milestone: ms
                .map(|x| format!("{} (hạn {})", x.name, vn(x.due_on)))
                .unwrap_or_default(),
            unit_id: unit,
            unit_name: u.name,
            text: r.as_ref().map(|r| r.text.clone()).unwrap_or_default(),
            sent: r
                .as_ref()
                .map(|r| {
                    format!(
                        "Nộp lần đầu {}, lần {} ngày {}",
                        vn(r.first_on),
                        r.version,
                        vn(r.last_on)
                    )
                })
                .unwrap_or_default(),
            values: m
                .indicators
                .iter()
                .map(|i| {
                    let v = r
                        .as_ref()
                        .and_then(|r| r.values.iter().find(|v| v.indicator_id == i.id));
                    (
                        i.id,
                        i.name.clone(),
                        i.measure.label(),
                        v.and_then(|v| v.target)
                            .or(i.target)
                            .map(|x| x.to_string())
                            .unwrap_or_default(),
                        v.and_then(|v| v.achieved)
                            .map(|x| x.to_string())
                            .unwrap_or_default(),
                    )
                })
                .collect(),
            files: r
                .as_ref()
                .map(|r| r.files.iter().map(|f| (f.id, f.filename.clone())).collect())
                .unwrap_or_default(),
            may_report,
            flash,
            error: error.as_ref().map(|e| e.to_string()),
        },
        error.as_ref(),
    )
}

#[derive(Deserialize)]
pub(super) struct FlashQuery {
    tb: Option<String>,
}

pub(super) async fn report(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Result<Response, HtmlError> {
    show_report(&st, &p, ids[0], ids[1], ids[2], q.tb, None).await
}

/// The report form (multipart): text, `ct_<indicator>_giao` and `ct_<indicator>_dat`, files.
pub(super) async fn submit_report(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    mut form: axum::extract::Multipart,
) -> Result<Response, HtmlError> {
    let (mut text, mut files) = (String::new(), Vec::new());
    let mut values: Vec<ReportValueInput> = Vec::new();
    let mut bad: Option<String> = None;
    let num = |s: &str| -> Result<Option<f64>, ()> {
        let t = s.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.replace(',', ".").parse::<f64>().map(Some).map_err(|_| ())
    };
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        if name == "noi_dung" {
            text = field.text().await.unwrap_or_default();
        } else if name == "tep" {
            let file = field.file_name().unwrap_or("tep").to_string();
            if let Ok(b) = field.bytes().await
                && !b.is_empty()
            {
                files.push((file, b.to_vec()));
            }
        } else if let Some(rest) = name.strip_prefix("ct_") {
            let raw = field.text().await.unwrap_or_default();
            let (id, which) = rest.split_once('_').unwrap_or((rest, ""));
            let Ok(id) = id.parse::<i64>() else { continue };
            let Ok(n) = num(&raw) else {
                bad = Some(format!("«{raw}» không phải là số"));
                continue;
            };
            let at = match values.iter().position(|v| v.indicator_id == id) {
                Some(i) => i,
                None => {
                    values.push(ReportValueInput {
                        indicator_id: id,
                        target: None,
                        achieved: None,
                    });
                    values.len() - 1
                }
            };
            match which {
                "giao" => values[at].target = n,
                _ => values[at].achieved = n,
            }
        }
    }
    let done = match bad {
        Some(b) => Err(AppError::Invalid(tdkt_domain::Invalid::new("chi_tieu", b))),
        None => st
            .app
            .submit_report(
                &p,
                ids[0],
                ids[1],
                ids[2],
                &ReportInput { text, values },
                files,
            )
            .await
            .map(|r| format!("Đã nộp báo cáo (lần {}).", r.version)),
    };
    match after_form(
        done,
        &format!("/phong-trao/{}/bao-cao/{}/{}", ids[0], ids[1], ids[2]),
        "",
    )? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => show_report(&st, &p, ids[0], ids[1], ids[2], None, Some(e)).await,
    }
}

pub(super) async fn report_file(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (f, bytes) = st
        .app
        .report_file(&p, ids[0], ids[3], ids[1], ids[2])
        .await?;
    Ok(file_response(bytes, &f.mime, &f.filename))
}

/// The review's dossier: the outstanding units chosen (`don_vi`), the award and the summary.
pub(super) async fn review(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let f = FormPairs::parse(&body);
    let unit_ids = f
        .all("don_vi")
        .iter()
        .filter_map(|u| u.trim().parse().ok())
        .collect();
    let input = ReviewInput {
        title: f.one("trich_yeu"),
        kind: Some(f.one("loai_hinh")).filter(|k| !k.trim().is_empty()),
        award_code: f.one("hinh_thuc"),
        unit_ids,
        person_ids: vec![],
        summary: f.one("thanh_tich"),
    };
    match st.app.open_review_dossier(&p, ids[0], &input).await {
        Ok(d) => Ok(Redirect::to(&format!(
            "/ho-so/{}?tb={}",
            d.id,
            crate::auth::encode("Đã lập hồ sơ đề nghị khen thưởng từ phong trào.")
        ))
        .into_response()),
        Err(e) => after(&st, &p, ids[0], Err(e)).await,
    }
}
