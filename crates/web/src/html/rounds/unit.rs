//! A participating unit's page: its ratings grid (one page of people at a time) with the XLSX
//! template and upload, the candidates table with filters and selection, the council's ballot,
//! the unit's decisions and the sending up. Every form posts back here and redirects to the
//! page with a message, or shows the page again with the error.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tdkt_app::rounds::{FactsInput, RoundDecisionInput, SelectionInput};
use tdkt_app::{AppError, Principal};
use tdkt_domain::access::Action;
use tdkt_domain::dates::vn;
use tdkt_domain::dossier::council::{Choice, CouncilBallotStatus, VoteMode};
use tdkt_domain::eligibility::VerdictKind;
use tdkt_domain::person::{Discipline, TaskRating};
use tdkt_domain::round::RoundProgress;
use tdkt_store::{CandidateFilter, Paging};

use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{FormPairs, Id, PageQuery};
use crate::html::dossiers::file_response;
use crate::html::{AfterForm, Layout, after_form, render_showing};

/// People per page of the grid, candidates per page of the table.
const PER_PAGE: usize = 100;

/// A row of the ratings grid.
struct GridRow {
    id: i64,
    name: String,
    detail: String,
    rating: String,
    absent: String,
    discipline: String,
}

/// A row of the candidates table.
struct Row {
    id: i64,
    name: String,
    detail: String,
    award: String,
    verdict: &'static str,
    verdict_code: &'static str,
    why: String,
    own: bool,
    selected: bool,
    reason: String,
    needs_reason: bool,
    registered: bool,
    passed: Option<bool>,
}

#[derive(Template)]
#[template(path = "rounds/unit.html")]
struct UnitPage {
    layout: Layout,
    id: i64,
    round_id: i64,
    unit_name: String,
    year: i32,
    due: String,
    progress: &'static str,
    overdue: bool,
    may_rate: bool,
    editable: bool,
    // Ratings
    grid: Vec<GridRow>,
    people: usize,
    rated: usize,
    by_rating: Vec<(&'static str, usize)>,
    grid_page: usize,
    grid_pages: usize,
    ratings: Vec<(&'static str, String)>,
    disciplines: Vec<(&'static str, &'static str)>,
    // Candidates
    counts: Vec<(String, i64, i64, i64, i64, i64, i64)>,
    warnings: Vec<String>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    awards: Vec<(String, String)>,
    f_award: String,
    f_verdict: String,
    f_selected: String,
    verdicts: Vec<(&'static str, &'static str)>,
    // Vote
    ballot: Option<&'static str>,
    voting: bool,
    /// (user id, name, how)
    roll: Vec<(i64, String, String)>,
    is_member: bool,
    voted: bool,
    /// (candidate id, name, award)
    questions: Vec<(i64, String, String)>,
    /// (name, award, agree, disagree, threshold, passed)
    result: Vec<(String, String, u32, u32, String, bool)>,
    result_line: String,
    // Decisions and sending up
    to_decide: Vec<(String, String, i64)>,
    /// (id, number, date, award, total)
    decisions: Vec<(i64, String, String, String, String)>,
    today: String,
    flash: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct PageQ {
    tb: Option<String>,
    trang: Option<i64>,
    trang_xl: Option<usize>,
    danh_hieu: Option<String>,
    ket_qua: Option<String>,
    chon: Option<String>,
}

async fn show(
    st: &AppState,
    p: &Principal,
    id: i64,
    q: PageQ,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let app = &st.app;
    let u = app.round_participant(p, id).await?;
    let may_rate = app_allows_here(p, Action::RoundRate, &u.tree_path);
    let may_decide = app_allows_here(p, Action::RoundDecide, &u.tree_path);
    let grid_page = q.trang_xl.unwrap_or(1).max(1);
    let people = app
        .round_people_page(p, id, grid_page, PER_PAGE, None)
        .await?;
    let grid = people
        .people
        .iter()
        .map(|(x, f)| GridRow {
            id: x.id,
            name: x.full_name.clone(),
            detail: match &x.position {
                Some(pos) => format!("{pos}, {}", x.unit_name),
                None => x.unit_name.clone(),
            },
            rating: f
                .as_ref()
                .map(|f| f.rating.code().to_string())
                .unwrap_or_default(),
            absent: f
                .as_ref()
                .and_then(|f| f.absent_days)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            discipline: f
                .as_ref()
                .and_then(|f| f.discipline.clone())
                .unwrap_or_default(),
        })
        .collect();
    let filter = CandidateFilter {
        award: q.danh_hieu.clone().filter(|s| !s.is_empty()),
        verdict: q.ket_qua.clone().filter(|s| !s.is_empty()),
        selected: match q.chon.as_deref() {
            Some("co") => Some(true),
            Some("khong") => Some(false),
            _ => None,
        },
        name_key: None,
        paging: Some(Paging::new(q.trang, Some(PER_PAGE as i64))),
    };
    let view = app.round_candidates(p, id, filter).await?;
    let vote = app.round_vote(p, id).await?;
    let roll = app.round_roll(p, id).await?;
    let voting = vote
        .as_ref()
        .is_some_and(|(b, _)| b.status == CouncilBallotStatus::Open);
    let is_member = roll.iter().any(|r| r.user_id == p.user_id);
    let voted = roll
        .iter()
        .any(|r| r.user_id == p.user_id && r.mode.is_some());
    let questions = if voting && (is_member || may_rate) {
        app.round_questions(p, id).await?
    } else {
        vec![]
    };
    let (result, result_line) = match vote.as_ref().and_then(|(_, r)| r.as_ref()) {
        Some(r) => (
            r.items
                .iter()
                .filter(|i| !i.passed)
                .map(|i| {
                    (
                        i.nominee.clone(),
                        i.award_name.clone(),
                        i.agree,
                        i.disagree,
                        i.threshold.clone(),
                        i.passed,
                    )
                })
                .collect(),
            format!(
                "{} thành viên; {} có mặt, {} gửi phiếu bằng văn bản; {}/{} người, tập thể đạt tỷ lệ phiếu{}",
                r.members,
                r.present,
                r.written,
                r.items.iter().filter(|i| i.passed).count(),
                r.items.len(),
                if r.quorum_met {
                    ""
                } else {
                    " (không đủ số thành viên tham gia)"
                }
            ),
        ),
        None => (vec![], String::new()),
    };
    let decisions = app
        .round_decisions(p, id)
        .await?
        .into_iter()
        .map(|d| {
            (
                d.id,
                d.number.clone(),
                vn(d.signed_on),
                d.award_code.clone().unwrap_or_default(),
                tdkt_documents::vnd(d.total),
            )
        })
        .collect();
    let to_decide = if may_decide {
        app.round_titles_to_decide(p, id).await?
    } else {
        vec![]
    };
    let lines = &view.lines;
    let pages = (lines.total + lines.per_page - 1) / lines.per_page.max(1);
    let page = UnitPage {
        layout: Layout::for_user(p, "/binh-xet"),
        id,
        round_id: u.round_id,
        unit_name: u.unit_name.clone(),
        year: u.year,
        due: vn(u.due_on),
        progress: u.progress.label(),
        overdue: u.progress.overdue(u.due_on, app.today()),
        may_rate,
        editable: matches!(
            u.progress,
            RoundProgress::NotStarted | RoundProgress::Rating
        ),
        grid,
        people: people.total,
        rated: people.rated,
        by_rating: people
            .by_rating
            .iter()
            .map(|(r, n)| (r.label(), *n))
            .collect(),
        grid_page,
        grid_pages: people.total.div_ceil(PER_PAGE).max(1),
        ratings: TaskRating::ALL
            .iter()
            .map(|r| (r.code(), r.code().to_uppercase()))
            .collect(),
        disciplines: Discipline::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
        counts: view
            .counts
            .iter()
            .map(|(c, n)| {
                (
                    n.clone(),
                    c.total,
                    c.eligible,
                    c.needs_review,
                    c.not_eligible,
                    c.selected,
                    c.passed,
                )
            })
            .collect(),
        warnings: view.warnings.iter().map(|w| w.text.clone()).collect(),
        rows: lines
            .items
            .iter()
            .map(|l| Row {
                id: l.row.id,
                name: l.row.name.clone(),
                detail: l.row.detail.clone(),
                award: l.award_name.clone(),
                verdict: l.verdict.label(),
                verdict_code: l.verdict.code(),
                why: l.why.clone(),
                own: l.own,
                selected: l.row.selected,
                reason: l.row.reason.clone().unwrap_or_default(),
                needs_reason: l.needs_reason,
                registered: l.registered,
                passed: l.row.council_passed,
            })
            .collect(),
        total: lines.total,
        page: lines.page,
        pages,
        awards: view
            .counts
            .iter()
            .map(|(c, n)| (c.award_code.clone(), n.clone()))
            .collect(),
        f_award: q.danh_hieu.unwrap_or_default(),
        f_verdict: q.ket_qua.unwrap_or_default(),
        f_selected: q.chon.unwrap_or_default(),
        verdicts: VerdictKind::ALL
            .iter()
            .map(|v| (v.code(), v.label()))
            .collect(),
        ballot: vote.as_ref().map(|(b, _)| b.status.label()),
        voting,
        roll: roll
            .iter()
            .map(|r| {
                (
                    r.user_id,
                    r.name.clone(),
                    r.mode
                        .map(|m| m.roll_label().to_string())
                        .unwrap_or_else(|| "Chưa bỏ phiếu".into()),
                )
            })
            .collect(),
        is_member,
        voted,
        questions,
        result,
        result_line,
        to_decide,
        decisions,
        today: tdkt_domain::dates::iso(app.today()),
        flash: q.tb,
        error: error.as_ref().map(|e| e.to_string()),
    };
    render_showing(&page, error.as_ref())
}

/// Whether a grant reaches the unit at `path` for `action` (own or subtree): the page only
/// decides which forms to show; every use case checks again.
fn app_allows_here(p: &Principal, action: Action, path: &str) -> bool {
    p.grants.iter().any(|g| {
        let own = path.ends_with(&format!("/{}/", g.unit_id));
        let below = path.contains(&format!("/{}/", g.unit_id)) && !own;
        (own && tdkt_domain::access::allows(g.role, action, tdkt_domain::access::Reach::Own))
            || (below
                && tdkt_domain::access::allows(g.role, action, tdkt_domain::access::Reach::Subtree))
    })
}

pub(super) async fn page(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<PageQ>,
) -> Result<Response, HtmlError> {
    show(&st, &p, id, q, None).await
}

async fn after(
    st: &AppState,
    p: &Principal,
    id: i64,
    anchor: &str,
    done: Result<String, AppError>,
) -> Result<Response, HtmlError> {
    match after_form(done, &format!("/binh-xet/don-vi/{id}"), anchor)? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => show(st, p, id, PageQ::default(), Some(e)).await,
    }
}

/// The grid: `xl_<person>` rating, `ng_<person>` days absent, `kl_<person>` discipline,
/// `sk_<person>` initiatives separated by ";".
pub(super) async fn ratings(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let f = FormPairs::parse(&body);
    let mut by: BTreeMap<i64, FactsInput> = BTreeMap::new();
    let mut absent_bad = Vec::new();
    for (k, v) in f.pairs() {
        let Some((tag, pid)) = k.split_once('_') else {
            continue;
        };
        let Ok(pid) = pid.parse::<i64>() else {
            continue;
        };
        let e = by.entry(pid).or_insert_with(|| FactsInput {
            person_id: pid,
            rating: String::new(),
            absent_days: None,
            discipline: None,
            initiatives: vec![],
        });
        match tag {
            "xl" => e.rating = v.clone(),
            "ng" if !v.trim().is_empty() => match v.trim().parse() {
                Ok(n) => e.absent_days = Some(n),
                Err(_) => absent_bad.push(v.clone()),
            },
            "kl" if !v.trim().is_empty() => e.discipline = Some(v.clone()),
            "sk" => e.initiatives = v.split(';').map(str::to_string).collect(),
            _ => {}
        }
    }
    let done = if !absent_bad.is_empty() {
        Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "so_ngay_nghi",
            format!(
                "Số ngày nghỉ «{}» không phải số nguyên",
                absent_bad.join("», «")
            ),
        )))
    } else {
        let input: Vec<FactsInput> = by.into_values().collect();
        st.app
            .put_round_ratings(&p, id, &input)
            .await
            .map(|r| format!("Đã lưu xếp loại của {} người.", r.rows))
    };
    after(&st, &p, id, "#xep-loai", done).await
}

pub(super) async fn upload(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    mut form: axum::extract::Multipart,
) -> Result<Response, HtmlError> {
    let mut file = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("tep") {
            file = field.bytes().await.ok().map(|b| b.to_vec());
        }
    }
    let done = match file.filter(|b| !b.is_empty()) {
        None => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "tep",
            "Chưa chọn tệp",
        ))),
        Some(bytes) => st.app.import_round_ratings(&p, id, &bytes).await.map(|r| {
            format!(
                "Đã nhận tệp: {} người được xếp loại, {} sáng kiến ghi nhận.",
                r.rows, r.initiatives
            )
        }),
    };
    after(&st, &p, id, "#xep-loai", done).await
}

pub(super) async fn template(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let bytes = st.app.round_ratings_template(&p, id).await?;
    Ok(file_response(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xep-loai.xlsx",
    ))
}

pub(super) async fn compute(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .compute_round_candidates(&p, id)
        .await
        .map(|n| format!("Đã xét điều kiện: {n} dòng (người, tập thể × danh hiệu)."));
    after(&st, &p, id, "#danh-sach", done).await
}

/// The table's page: `ids` lists the lines shown, `chon_<id>` is present when selected,
/// `ly_do_<id>` the reason.
pub(super) async fn select(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let f = FormPairs::parse(&body);
    let input: Vec<SelectionInput> = f
        .all("ids")
        .iter()
        .filter_map(|s| s.parse::<i64>().ok())
        .map(|c| SelectionInput {
            candidate_id: c,
            selected: !f.one(&format!("chon_{c}")).is_empty(),
            reason: Some(f.one(&format!("ly_do_{c}"))).filter(|r| !r.trim().is_empty()),
        })
        .collect();
    let done = st
        .app
        .select_round_candidates(&p, id, &input)
        .await
        .map(|w| {
            if w.is_empty() {
                "Đã lưu lựa chọn.".to_string()
            } else {
                format!(
                    "Đã lưu lựa chọn. Lưu ý: {}",
                    w.iter()
                        .map(|w| w.text.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            }
        });
    after(&st, &p, id, "#danh-sach", done).await
}

#[derive(Deserialize)]
pub(super) struct VoteStep {
    buoc: String,
}

pub(super) async fn vote_step(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::extract::Form(f): axum::extract::Form<VoteStep>,
) -> Result<Response, HtmlError> {
    let done = match f.buoc.as_str() {
        "mo" => st
            .app
            .open_round_vote(&p, id)
            .await
            .map(|_| "Đã mở phiếu bầu của Hội đồng.".to_string()),
        "dong" => st.app.close_round_vote(&p, id).await.map(|r| {
            format!(
                "Đã kiểm phiếu: {}/{} người, tập thể đạt tỷ lệ phiếu.",
                r.items.iter().filter(|i| i.passed).count(),
                r.items.len()
            )
        }),
        other => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "buoc",
            format!("Không có bước «{other}»"),
        ))),
    };
    after(&st, &p, id, "#bo-phieu", done).await
}

/// A paper: `p_<candidate>` = `dong_y` / `khong_dong_y`; `thanh_vien` set when the clerk
/// enters an absent member's written vote.
pub(super) async fn ballot(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let f = FormPairs::parse(&body);
    let mut choices = BTreeMap::new();
    for (k, v) in f.pairs() {
        if let Some(c) = k.strip_prefix("p_").and_then(|x| x.parse::<i64>().ok())
            && let Ok(ch) = Choice::try_from(v.clone())
        {
            choices.insert(c, ch);
        }
    }
    let member = f.one("thanh_vien").trim().parse::<i64>().ok();
    let done = match member {
        Some(m) => st
            .app
            .record_round_written_vote(&p, id, m, choices)
            .await
            .map(|_| format!("Đã ghi phiếu bằng văn bản ({}).", VoteMode::Written.label())),
        None => st
            .app
            .cast_round_vote(&p, id, choices)
            .await
            .map(|_| "Đã bỏ phiếu. Phiếu không ghi tên người bỏ.".to_string()),
    };
    after(&st, &p, id, "#bo-phieu", done).await
}

pub(super) async fn minutes(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let bytes = st.app.round_minutes_pdf(&p, id).await?;
    Ok(file_response(
        bytes,
        "application/pdf",
        "bien-ban-binh-xet.pdf",
    ))
}

#[derive(Deserialize)]
pub(super) struct DecideForm {
    danh_hieu: String,
    ngay_ky: String,
    nguoi_ky: String,
    chuc_vu: String,
}

pub(super) async fn decide(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::extract::Form(f): axum::extract::Form<DecideForm>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .issue_round_decision(
            &p,
            id,
            RoundDecisionInput {
                award_code: f.danh_hieu,
                signed_on: f.ngay_ky,
                signer_name: f.nguoi_ky,
                signer_title: f.chuc_vu,
                proposal: None,
            },
        )
        .await
        .map(|d| format!("Đã ban hành Quyết định số {}.", d.number));
    after(&st, &p, id, "#quyet-dinh", done).await
}

pub(super) async fn send(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let done = st.app.send_round_up(&p, id).await.map(|ds| {
        format!(
            "Đã lập {} hồ sơ đề nghị cấp trên: {}. Bổ sung báo cáo thành tích rồi gửi hồ sơ.",
            ds.len(),
            ds.iter()
                .map(|d| d.code.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    after(&st, &p, id, "#gui", done).await
}
