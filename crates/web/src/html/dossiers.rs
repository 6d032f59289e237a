//! Dossier pages: inboxes per role, a new dossier, the dossier page (nominees with the engine's
//! verdicts, appraisal, documents with versions, workflow steps, comments, council vote,
//! decision, certificates, timeline) and its print view.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tdkt_app::dossiers::{AppraisalInput, DossierInput, NomineeInput, StepInput};
use tdkt_app::{AppError, Principal};
use tdkt_domain::dates::vn;
use tdkt_domain::dossier::council::{Choice, CouncilResult, VoteMode};
use tdkt_domain::dossier::{
    AppraisalResult, CommendationType, CommentStatus, DocumentSlot, DuplicateReason,
    DuplicateSource, EventKind, NomineeVerdict, State as DState, Step,
};

use super::{AfterForm, Layout, after_form, render, render_showing};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{FormPairs, Id, Ids, PageQuery};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ho-so", get(inbox))
        .route("/ho-so/moi", get(new_page).post(create))
        .route("/ho-so/{id}", get(page))
        .route("/ho-so/{id}/in", get(print))
        .route("/ho-so/{id}/danh-sach", get(edit_nominees).post(nominees))
        .route(
            "/ho-so/{id}/tai-lieu",
            // The real cap is the router's body limit (the configured document size).
            post(upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::csrf::UPLOAD_LIMIT,
            )),
        )
        .route("/ho-so/{id}/tep/{sha}", get(download))
        .route("/ho-so/{id}/buoc", post(step))
        .route("/ho-so/{id}/tham-dinh", post(appraise))
        .route("/ho-so/{id}/y-kien/{cid}", post(moderate))
        .route("/ho-so/{id}/bo-phieu", post(vote))
        .route("/ho-so/{id}/phieu-van-ban", post(written_vote))
        .route("/ho-so/{id}/ket-thuc-bo-phieu", post(close_vote))
        .route("/ho-so/{id}/bien-ban.pdf", get(minutes_pdf))
        .route("/ho-so/{id}/quyet-dinh", post(decide))
        .route("/ho-so/{id}/quyet-dinh.pdf", get(decision_pdf))
        .route("/ho-so/{id}/quyet-dinh.docx", get(decision_docx))
        .route("/ho-so/{id}/bang-khen.pdf", get(certificates))
        .route("/ho-so/{id}/danh-sach-chuyen.pdf", get(forward_pdf))
}

pub fn file_response(bytes: Vec<u8>, mime: &str, file: &str) -> Response {
    // The file name is ASCII-safe in `filename`, exact in `filename*`.
    let ascii: String = tdkt_domain::text::fold(file)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
                    crate::auth::encode(file)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn state_class(s: DState) -> &'static str {
    match s {
        DState::Rejected | DState::Withdrawn | DState::Revoked => "ended",
        DState::Returned => "warn",
        DState::Awarded | DState::DecisionIssued => "okay",
        _ => "",
    }
}

struct Row {
    id: i64,
    code: String,
    title: String,
    unit: String,
    kind: String,
    year: i32,
    state: String,
    class: &'static str,
    due: String,
    overdue: bool,
    nominees: i64,
}

fn row(d: &tdkt_store::DossierSummary, today: time::Date) -> Row {
    Row {
        id: d.id,
        code: d.code.clone(),
        title: d.title.clone(),
        unit: d.unit_name.clone(),
        kind: d.kind.label().to_string(),
        year: d.year,
        state: d.state.label().to_string(),
        class: state_class(d.state),
        due: d.due_on.map(vn).unwrap_or_default(),
        overdue: d.due_on.is_some_and(|u| u < today) && d.state.is_open(),
        nominees: d.nominees,
    }
}

struct Section {
    key: &'static str,
    title: &'static str,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "dossiers/dossiers.html")]
struct InboxPage {
    layout: Layout,
    sections: Vec<Section>,
    may_create: bool,
    flash: Option<String>,
}

#[derive(Deserialize)]
struct Flash {
    tb: Option<String>,
}

async fn inbox(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<Flash>,
) -> Result<Response, HtmlError> {
    let sections = st
        .app
        .inbox(&p)
        .await?
        .into_iter()
        .map(|s| Section {
            key: s.key,
            title: s.title,
            rows: s.items.iter().map(|d| row(d, st.app.today())).collect(),
        })
        .collect();
    render(&InboxPage {
        layout: Layout::for_user(&p, "/ho-so"),
        sections,
        may_create: !st.app.prepare_units(&p).is_empty(),
        flash: q.tb,
    })
}

// ---- new dossier

/// Rows offered by the nominee editor.
const EDITOR_ROWS: usize = 8;
/// Rows read from the editor (the use case allows 500 nominees).
const MAX_ROWS: usize = 503;

struct EditorRow {
    subject: String,
    award: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "dossiers/dossier_new.html")]
struct NewPage {
    layout: Layout,
    units: Vec<(i64, String)>,
    unit_id: i64,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    year: i32,
    title: String,
    movement: String,
    /// (value, label): `p:ID` people, `u:ID` collectives.
    subjects: Vec<(String, String)>,
    awards: Vec<(String, String)>,
    rows: Vec<EditorRow>,
    error: Option<String>,
    /// When editing the list of an existing dossier.
    dossier: Option<(i64, String, i64)>,
    /// The unit's cluster elections: (id, "Cờ thi đua … — Cụm … năm …").
    proposals: Vec<(i64, String)>,
    proposal: Option<i64>,
}

#[derive(Deserialize)]
struct NewQuery {
    don_vi: Option<i64>,
    /// Start from a cluster's election result.
    de_nghi: Option<i64>,
}

/// What the nominee editor edits.
enum Editing {
    /// A new dossier, perhaps from a cluster's election (the proposal's id).
    New(Option<i64>),
    /// The list of an existing dossier: (id, code, version).
    Dossier(i64, String, i64),
}

async fn editor(
    st: &AppState,
    p: &Principal,
    unit_id: i64,
    rows: Vec<EditorRow>,
    fields: (String, String, i32, String),
    editing: Editing,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let (dossier, proposal) = match editing {
        Editing::New(proposal) => (None, proposal),
        Editing::Dossier(id, code, version) => (Some((id, code, version)), None),
    };
    let mut units = Vec::new();
    for id in st.app.prepare_units(p) {
        if let Ok(u) = st.app.unit(p, id).await {
            units.push((u.id, u.name));
        }
    }
    let unit = st.app.unit(p, unit_id).await?;
    let staff = st
        .app
        .search_people(
            p,
            None,
            Some(unit_id),
            tdkt_store::Paging::new(Some(1), Some(200)),
        )
        .await?;
    let mut subjects: Vec<(String, String)> = staff
        .items
        .iter()
        .map(|x| {
            (
                format!("p:{}", x.id),
                format!("{} — {}", x.full_name, x.unit_name),
            )
        })
        .collect();
    subjects.push((format!("u:{}", unit.id), format!("Tập thể: {}", unit.name)));
    let children = st
        .app
        .list_units(
            p,
            &tdkt_store::UnitFilter {
                q: None,
                kind: None,
                parent: Some(Some(unit.id)),
                active_on: Some(st.app.today()),
                paging: tdkt_store::Paging::new(Some(1), Some(200)),
            },
        )
        .await?;
    for c in children.items {
        subjects.push((format!("u:{}", c.id), format!("Tập thể: {}", c.name)));
    }
    let local = st.app.local_award_kinds().await?;
    let mut awards: Vec<(String, String)> = st
        .app
        .rules
        .catalog
        .awards
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    awards.extend(local.iter().map(|k| (k.code.clone(), k.name.clone())));
    // Always a few blank rows to add nominees.
    let mut rows = rows;
    let want = (rows.len() + 3).max(EDITOR_ROWS);
    while rows.len() < want {
        rows.push(EditorRow {
            subject: String::new(),
            award: String::new(),
            summary: String::new(),
        });
    }
    let (title, kind, year, movement) = fields;
    let mut proposals = Vec::new();
    if dossier.is_none() {
        for e in st.app.elected_proposals(p, unit_id).await? {
            proposals.push((
                e.proposal.id,
                format!(
                    "{} — {}, {} năm {} ({} phiếu)",
                    e.award_name,
                    e.proposal.unit_name,
                    e.cluster_name,
                    e.proposal.year,
                    e.proposal.votes
                ),
            ));
        }
    }
    render_showing(
        &NewPage {
            layout: Layout::for_user(p, "/ho-so"),
            units,
            unit_id,
            kinds: CommendationType::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
            kind,
            year,
            title,
            movement,
            subjects,
            awards,
            rows,
            error: error.as_ref().map(|e| e.to_string()),
            dossier,
            proposals,
            proposal,
        },
        error.as_ref(),
    )
}

async fn new_page(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<NewQuery>,
) -> Result<Response, HtmlError> {
    let units = st.app.prepare_units(&p);
    let unit = q
        .don_vi
        .filter(|u| units.contains(u))
        .or_else(|| units.first().copied())
        .ok_or_else(|| {
            AppError::Forbidden("Chỉ cán bộ đơn vị lập hồ sơ đề nghị khen thưởng".into())
        })?;
    // From a cluster's election: the elected unit and award fill the first row.
    let mut rows = vec![];
    let mut fields = (
        String::new(),
        "cong_trang".to_string(),
        st.app.today().year(),
        String::new(),
    );
    let mut proposal = None;
    if let Some(pid) = q.de_nghi {
        let e = st.app.elected_proposal(&p, pid).await?;
        let (pr, award) = (e.proposal, e.award_name);
        fields.0 = format!(
            "Đề nghị tặng {award} cho {} theo kết quả suy tôn năm {}",
            pr.unit_name, pr.year
        );
        fields.2 = pr.year;
        rows.push(EditorRow {
            subject: format!("u:{}", pr.unit_id),
            award: pr.award_code.clone(),
            summary: String::new(),
        });
        proposal = Some(pid);
    }
    editor(&st, &p, unit, rows, fields, Editing::New(proposal), None).await
}

/// Reads the editor's rows: `doi_tuong_i` (`p:ID` or `u:ID`), `khen_thuong_i`, `thanh_tich_i`.
fn editor_rows(form: &FormPairs) -> (Vec<EditorRow>, Result<Vec<NomineeInput>, AppError>) {
    let mut rows = Vec::new();
    let mut input = Vec::new();
    let mut bad = None;
    // Rows are numbered; a blank row (a removed nominee) does not end the list.
    for i in 0..MAX_ROWS {
        let subject = form.one(&format!("doi_tuong_{i}"));
        let award = form.one(&format!("khen_thuong_{i}"));
        let summary = form.one(&format!("thanh_tich_{i}"));
        if subject.is_empty() && award.is_empty() && summary.trim().is_empty() {
            continue;
        }
        let (person_id, unit_id) = match subject.split_once(':') {
            Some(("p", id)) => (id.parse().ok(), None),
            Some(("u", id)) => (None, id.parse().ok()),
            _ => (None, None),
        };
        if person_id.is_none() && unit_id.is_none() && bad.is_none() {
            bad = Some(AppError::Invalid(tdkt_domain::Invalid::new(
                format!("doi_tuong_{i}"),
                format!(
                    "Dòng {}: chọn cá nhân hoặc tập thể được đề nghị",
                    rows.len() + 1
                ),
            )));
        }
        input.push(NomineeInput {
            person_id,
            unit_id,
            award_code: award.clone(),
            summary: summary.clone(),
        });
        rows.push(EditorRow {
            subject,
            award,
            summary,
        });
    }
    (rows, bad.map_or(Ok(input), Err))
}

async fn create(
    State(st): State<AppState>,
    User(p): User,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = FormPairs::parse(&body);
    let unit: i64 = form.one("don_vi").trim().parse().unwrap_or_default();
    let year: i32 = form.one("nam").trim().parse().unwrap_or_default();
    let fields = (
        form.one("trich_yeu"),
        form.one("loai_hinh"),
        year,
        form.one("phong_trao"),
    );
    let (rows, nominees) = editor_rows(&form);
    let proposal: Option<i64> = form.one("de_nghi").trim().parse().ok();
    let done = match nominees {
        Ok(n) => {
            st.app
                .create_dossier(
                    &p,
                    DossierInput {
                        title: fields.0.clone(),
                        unit_id: unit,
                        authority_id: None,
                        kind: fields.1.clone(),
                        year,
                        movement: Some(fields.3.clone()),
                        cluster_proposal_id: proposal,
                        nominees: n,
                    },
                )
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(d) => Ok(axum::response::Redirect::to(&format!(
            "/ho-so/{}?tb={}",
            d.id,
            crate::auth::encode(&format!(
                "Đã lập hồ sơ {}. Đính kèm tờ trình, báo cáo thành tích rồi gửi.",
                d.code
            ))
        ))
        .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let unit = if unit > 0 {
                unit
            } else {
                st.app
                    .prepare_units(&p)
                    .first()
                    .copied()
                    .unwrap_or_default()
            };
            editor(&st, &p, unit, rows, fields, Editing::New(proposal), Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_nominees(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let d = st.app.dossier_view(&p, id).await?.dossier;
    let rows = d
        .nominees
        .iter()
        .map(|n| EditorRow {
            subject: match (n.person_id, n.unit_id) {
                (Some(pid), _) => format!("p:{pid}"),
                (_, Some(uid)) => format!("u:{uid}"),
                _ => String::new(),
            },
            award: n.award_code.clone(),
            summary: n.summary.clone(),
        })
        .collect();
    editor(
        &st,
        &p,
        d.unit_id,
        rows,
        (
            d.title.clone(),
            d.kind.code().to_string(),
            d.year,
            d.movement.clone().unwrap_or_default(),
        ),
        Editing::Dossier(d.id, d.code.clone(), d.version),
        None,
    )
    .await
}

async fn nominees(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = FormPairs::parse(&body);
    let version: i64 = form.one("phien_ban").trim().parse().unwrap_or_default();
    let (rows, input) = editor_rows(&form);
    let done = match input {
        Ok(n) => st
            .app
            .update_nominees(&p, id, version, &n)
            .await
            .map(|_| "Đã cập nhật danh sách đề nghị.".to_string()),
        Err(e) => Err(e),
    };
    match after_form(done, &format!("/ho-so/{id}"), "#danh-sach")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => {
            let d = st.app.dossier(&p, id).await?;
            editor(
                &st,
                &p,
                d.unit_id,
                rows,
                (
                    d.title.clone(),
                    d.kind.code().to_string(),
                    d.year,
                    d.movement.clone().unwrap_or_default(),
                ),
                Editing::Dossier(d.id, d.code.clone(), d.version),
                Some(e),
            )
            .await
        }
    }
}

// ---- the dossier page

struct NomineeItem {
    id: i64,
    name: String,
    detail: String,
    award: String,
    summary: String,
    href: String,
    verdict: String,
    verdict_class: &'static str,
    lines: Vec<String>,
    result: String,
    override_reason: String,
    council: String,
    duplicates: Vec<String>,
}

struct VersionItem {
    version: i32,
    filename: String,
    href: String,
    size: String,
    at: String,
    state: String,
    sha: String,
}

struct DocItem {
    id: i64,
    slot: String,
    title: String,
    versions: Vec<VersionItem>,
}

struct EventItem {
    at: String,
    actor: String,
    what: String,
    note: String,
}

struct CommentItem {
    id: i64,
    author: String,
    contact: String,
    body: String,
    at: String,
    status: String,
    pending: bool,
}

struct StepButton {
    code: &'static str,
    label: &'static str,
    needs_reason: bool,
    publish: bool,
}

struct ResultItem {
    nominee: String,
    award: String,
    agree: u32,
    disagree: u32,
    blank: u32,
    threshold: String,
    passed: bool,
}

#[derive(Template)]
#[template(path = "dossiers/dossier.html")]
struct DossierPage {
    layout: Layout,
    id: i64,
    code: String,
    title: String,
    unit: String,
    unit_id: i64,
    authority: String,
    kind: String,
    year: i32,
    movement: String,
    /// The cluster election the dossier comes from: (link, text).
    origin: Option<(String, String)>,
    state: String,
    state_class: &'static str,
    since: String,
    due: String,
    overdue: bool,
    consultation_until: String,
    version: i64,
    nominees: Vec<NomineeItem>,
    documents: Vec<DocItem>,
    slots: Vec<(&'static str, &'static str)>,
    events: Vec<EventItem>,
    comments: Vec<CommentItem>,
    steps: Vec<StepButton>,
    may_prepare: bool,
    may_upload: bool,
    may_appraise: bool,
    may_moderate: bool,
    above_power: Vec<String>,
    council_status: String,
    council_hash: String,
    roll: Vec<(i64, String, String)>,
    may_vote: bool,
    has_voted: bool,
    may_record_written: bool,
    not_voted: Vec<(i64, String)>,
    questions: Vec<(i64, String, String)>,
    result: Vec<ResultItem>,
    result_summary: String,
    may_decide: bool,
    decision: Option<(String, String, String, String)>,
    certificate_awards: Vec<(String, String)>,
    forwardable: bool,
    consultation_open: bool,
    default_days: u32,
    max_mb: u32,
    today: String,
    flash: Option<String>,
    error: Option<String>,
}

fn human_size(n: i64) -> String {
    if n >= 1_048_576 {
        format!("{:.1} MB", n as f64 / 1_048_576.0)
    } else {
        format!("{} KB", (n + 1023) / 1024)
    }
}

fn vn_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(tdkt_app::VN_OFFSET);
    format!("{:02}:{:02} {}", t.hour(), t.minute(), vn(t.date()))
}

/// The actor label of the audit (`user:3:canbo`) shown as the username.
fn actor_name(a: &str) -> String {
    match a.splitn(3, ':').collect::<Vec<_>>().as_slice() {
        ["user", _, name] => (*name).to_string(),
        ["system", "cong_khai"] => "Trang công khai".into(),
        _ => a.to_string(),
    }
}

fn event_what(e: &tdkt_store::EventRow) -> String {
    match e.kind {
        // A step names what was done and where the dossier went.
        EventKind::Moved => format!(
            "{} → {}",
            e.step.map(Step::label).unwrap_or_default(),
            e.to_state.map(DState::label).unwrap_or_default()
        ),
        other => other.label().to_string(),
    }
}

async fn show(
    st: &AppState,
    p: &Principal,
    id: i64,
    flash: Option<String>,
    error: Option<AppError>,
    print: bool,
) -> Result<Response, HtmlError> {
    let v = st.app.dossier_view(p, id).await?;
    let d = &v.dossier;
    let local = st.app.local_award_kinds().await?;
    let name = |code: &str| st.app.award_name(&local, code);
    let today = st.app.today();
    let nominees = d
        .nominees
        .iter()
        .map(|n| {
            let check = v.checks.iter().find(|c| c.nominee_id == n.id);
            let kind = check.map_or(NomineeVerdict::Manual, |c| c.verdict);
            let lines = check.map(|c| c.lines.clone()).unwrap_or_default();
            let (verdict, verdict_class) = (
                kind.label(),
                match kind {
                    NomineeVerdict::Eligible => "okay",
                    NomineeVerdict::NotEligible | NomineeVerdict::NeedsReview => "warn",
                    NomineeVerdict::Manual => "",
                },
            );
            NomineeItem {
                id: n.id,
                name: n.name.clone(),
                detail: n.detail.clone(),
                award: name(&n.award_code),
                summary: n.summary.clone(),
                href: match (n.person_id, n.unit_id) {
                    (Some(pid), _) => format!("/ca-nhan/{pid}"),
                    (_, Some(uid)) => format!("/don-vi/{uid}"),
                    _ => String::new(),
                },
                verdict: verdict.to_string(),
                verdict_class,
                lines,
                result: n.result.map(|r| r.label().to_string()).unwrap_or_default(),
                override_reason: n.override_reason.clone().unwrap_or_default(),
                council: match n.council_passed {
                    Some(true) => "Đạt tỷ lệ phiếu".into(),
                    Some(false) => "Không đạt tỷ lệ phiếu".into(),
                    None => String::new(),
                },
                duplicates: v
                    .duplicates
                    .iter()
                    .filter(|x| x.nominee_id == n.id)
                    .map(|x| match (x.source, x.reason) {
                        (DuplicateSource::Register, _) => format!(
                            "Đã có {} trong sổ khen thưởng cùng thời gian",
                            name(&x.award_code)
                        ),
                        (_, DuplicateReason::SameAchievement) => format!(
                            "Cùng thành tích đã dùng trong hồ sơ {}",
                            x.dossier_code.clone().unwrap_or_default()
                        ),
                        _ => format!(
                            "Cùng đề nghị {} năm {} ở hồ sơ {}",
                            name(&x.award_code),
                            d.year,
                            x.dossier_code.clone().unwrap_or_default()
                        ),
                    })
                    .collect(),
            }
        })
        .collect();
    let documents = v
        .documents
        .iter()
        .map(|doc| DocItem {
            id: doc.id,
            slot: doc.slot.label().to_string(),
            title: doc.title.clone(),
            versions: doc
                .versions
                .iter()
                .rev()
                .map(|x| VersionItem {
                    version: x.version,
                    filename: x.filename.clone(),
                    href: format!("/ho-so/{}/tep/{}", d.id, x.sha256),
                    size: human_size(x.size),
                    at: vn_time(x.uploaded_at),
                    state: x.state.label().to_string(),
                    sha: x.sha256[..12].to_string(),
                })
                .collect(),
        })
        .collect();
    let roll = if v.council.is_some() {
        st.app.council_roll(p, id).await?
    } else {
        vec![]
    };
    let (questions, result, result_summary, council_status, council_hash) = match &v.council {
        Some(b) => {
            let rules: tdkt_domain::dossier::council::CouncilRules =
                serde_json::from_str(&b.rules_json)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
            let questions = rules
                .questions
                .iter()
                .map(|q| (q.nominee_id, q.nominee.clone(), q.award_name.clone()))
                .collect();
            let (result, summary) = match b
                .result_json
                .as_deref()
                .map(serde_json::from_str::<CouncilResult>)
            {
                Some(Ok(r)) => (
                    r.items
                        .iter()
                        .map(|i| ResultItem {
                            nominee: i.nominee.clone(),
                            award: i.award_name.clone(),
                            agree: i.agree,
                            disagree: i.disagree,
                            blank: i.blank,
                            threshold: i.threshold.clone(),
                            passed: i.passed,
                        })
                        .collect(),
                    format!(
                        "{} thành viên; {} có mặt, {} gửi phiếu bằng văn bản; cần {} thành viên tham gia: {}.",
                        r.members,
                        r.present,
                        r.written,
                        r.quorum_needed,
                        if r.quorum_met {
                            "đủ"
                        } else {
                            "không đủ"
                        }
                    ),
                ),
                _ => (vec![], String::new()),
            };
            (
                questions,
                result,
                summary,
                b.status.label().to_string(),
                b.rule_hash.clone(),
            )
        }
        None => (vec![], vec![], String::new(), String::new(), String::new()),
    };
    let decision = v.decision.as_ref().map(|dec| {
        (
            dec.number.clone(),
            vn(dec.signed_on),
            format!(
                "{} — {}",
                dec.signer_title.replace('\n', " "),
                dec.signer_name
            ),
            format!("{} đồng", tdkt_documents::vnd(dec.total)),
        )
    });
    let mut certificate_awards: Vec<(String, String)> = Vec::new();
    if v.decision.is_some() {
        let voted = v.council.is_some();
        for n in d
            .nominees
            .iter()
            .filter(|n| n.result == Some(AppraisalResult::Passed))
            .filter(|n| !voted || n.council_passed == Some(true))
        {
            if !certificate_awards.iter().any(|(c, _)| *c == n.award_code) {
                certificate_awards.push((n.award_code.clone(), name(&n.award_code)));
            }
        }
    }
    let origin = match d.cluster_proposal_id {
        Some(pid) => {
            let e = st.app.elected_proposal(p, pid).await?;
            let pr = e.proposal;
            Some((
                format!("/cum-thi-dua/{}/nam/{}", pr.cluster_id, pr.year),
                format!(
                    "{} suy tôn {} năm {} ({} phiếu)",
                    e.cluster_name,
                    name(&pr.award_code),
                    pr.year,
                    pr.votes
                ),
            ))
        }
        None => None,
    };
    let page = DossierPage {
        layout: Layout::for_user(p, "/ho-so"),
        id: d.id,
        code: d.code.clone(),
        title: d.title.clone(),
        unit: d.unit_name.clone(),
        unit_id: d.unit_id,
        authority: d.authority_name.clone(),
        kind: d.kind.label().to_string(),
        year: d.year,
        movement: d.movement.clone().unwrap_or_default(),
        origin,
        state: d.state.label().to_string(),
        state_class: state_class(d.state),
        since: vn(d.state_since),
        due: d.due_on.map(vn).unwrap_or_default(),
        overdue: d.due_on.is_some_and(|u| u < today) && d.state.is_open(),
        consultation_until: d.consultation_until.map(vn).unwrap_or_default(),
        version: d.version,
        nominees,
        documents,
        slots: DocumentSlot::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        events: v
            .events
            .iter()
            .map(|e| EventItem {
                at: vn_time(e.at),
                actor: actor_name(&e.actor),
                what: event_what(e),
                note: e.note.clone().unwrap_or_default(),
            })
            .collect(),
        comments: v
            .comments
            .iter()
            .map(|c| CommentItem {
                id: c.id,
                author: c.author.clone(),
                contact: c.contact.clone().unwrap_or_default(),
                body: c.body.clone(),
                at: vn_time(c.at),
                status: c.status.label().to_string(),
                pending: c.status == CommentStatus::Pending,
            })
            .collect(),
        steps: v
            .steps
            .iter()
            .filter(|s| **s != Step::IssueDecision)
            .map(|s| StepButton {
                code: s.code(),
                label: s.label(),
                needs_reason: s.needs_reason(),
                publish: *s == Step::Publish,
            })
            .collect(),
        may_prepare: v.may_prepare,
        may_upload: v.may_upload,
        may_appraise: v.may_appraise,
        may_moderate: v.may_moderate,
        above_power: v.above_power.iter().map(|c| name(c)).collect(),
        council_status,
        council_hash,
        not_voted: roll
            .iter()
            .filter(|l| l.mode.is_none())
            .map(|l| (l.user_id, l.name.clone()))
            .collect(),
        roll: roll
            .iter()
            .map(|l| {
                (
                    l.user_id,
                    l.name.clone(),
                    l.mode
                        .map_or("Chưa bỏ phiếu", VoteMode::roll_label)
                        .to_string(),
                )
            })
            .collect(),
        may_vote: v.may_vote,
        has_voted: v.has_voted,
        may_record_written: v.may_record_written,
        questions,
        result,
        result_summary,
        may_decide: v.may_decide,
        decision,
        certificate_awards,
        forwardable: !v.above_power.is_empty()
            && matches!(
                d.state,
                DState::Forwarded | DState::Appraised | DState::CouncilVote
            ),
        consultation_open: d.state == DState::Consultation
            && d.consultation_until.is_some_and(|u| u >= today),
        default_days: st.app.procedure.consultation.default_days,
        max_mb: st.app.procedure.documents.max_mb,
        today: tdkt_domain::dates::iso(today),
        flash,
        error: error.as_ref().map(|e| e.to_string()),
    };
    if print {
        return render(&PrintPage { p: page });
    }
    render_showing(&page, error.as_ref())
}

#[derive(Template)]
#[template(path = "dossiers/dossier_print.html")]
struct PrintPage {
    p: DossierPage,
}

async fn page(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<Flash>,
) -> Result<Response, HtmlError> {
    show(&st, &p, id, q.tb, None, false).await
}

async fn print(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    show(&st, &p, id, None, None, true).await
}

async fn after(
    st: &AppState,
    p: &Principal,
    id: i64,
    done: Result<String, AppError>,
    anchor: &str,
) -> Result<Response, HtmlError> {
    match after_form(done, &format!("/ho-so/{id}"), anchor)? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => show(st, p, id, None, Some(e), false).await,
    }
}

async fn upload(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    mut form: axum::extract::Multipart,
) -> Result<Response, HtmlError> {
    let (mut slot, mut title, mut doc, mut file) = (String::new(), String::new(), None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("loai") => slot = field.text().await.unwrap_or_default(),
            Some("ten") => title = field.text().await.unwrap_or_default(),
            Some("tai_lieu") => {
                doc = field
                    .text()
                    .await
                    .ok()
                    .and_then(|t| t.trim().parse::<i64>().ok())
            }
            Some("tep") => {
                let name = field.file_name().unwrap_or("tep").to_string();
                file = field.bytes().await.ok().map(|b| (name, b.to_vec()));
            }
            _ => {}
        }
    }
    let done = match file.filter(|(_, b)| !b.is_empty()) {
        None => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "tep",
            "Chưa chọn tệp",
        ))),
        Some((name, bytes)) => st
            .app
            .add_document(&p, id, doc, slot.trim(), Some(title.as_str()), &name, bytes)
            .await
            .map(|r| {
                format!(
                    "Đã lưu «{}» (bản {}).",
                    r.title,
                    r.versions.last().map(|v| v.version).unwrap_or(1)
                )
            }),
    };
    after(&st, &p, id, done, "#tai-lieu").await
}

async fn download(
    State(st): State<AppState>,
    User(p): User,
    axum::extract::Path((id, sha)): axum::extract::Path<(i64, String)>,
) -> Result<Response, HtmlError> {
    let (name, mime, bytes) = st.app.document_file(&p, id, &sha).await?;
    let mut r = file_response(bytes, &mime, &name);
    // Uploaded files are saved, not shown: a sandboxed page cannot run the browser's viewer.
    let disposition = r.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap_or_default()
        .replacen("inline", "attachment", 1);
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_str(&disposition)
            .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    // Uploaded files are never rendered as pages of this site.
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(r)
}

#[derive(Deserialize)]
struct StepForm {
    buoc: String,
    phien_ban: i64,
    ly_do: Option<String>,
    so_ngay: Option<String>,
}

async fn step(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<StepForm>,
) -> Result<Response, HtmlError> {
    let days = f
        .so_ngay
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let done = match days.map(str::parse::<u32>).transpose() {
        Err(_) => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "so_ngay",
            "Số ngày phải là số nguyên dương",
        ))),
        Ok(days) => st
            .app
            .dossier_step(
                &p,
                id,
                StepInput {
                    step: f.buoc.clone(),
                    version: f.phien_ban,
                    reason: f.ly_do.clone(),
                    days,
                },
            )
            .await
            .map(|d| format!("Hồ sơ chuyển sang «{}».", d.state.label())),
    };
    after(&st, &p, id, done, "").await
}

#[derive(Deserialize)]
struct AppraiseForm {
    phien_ban: i64,
    nguoi: i64,
    ket_qua: String,
    ly_do: Option<String>,
}

async fn appraise(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<AppraiseForm>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .appraise_nominee(
            &p,
            id,
            AppraisalInput {
                version: Some(f.phien_ban),
                nominee_id: f.nguoi,
                result: f.ket_qua,
                override_reason: f.ly_do,
            },
        )
        .await
        .map(|_| "Đã ghi kết quả thẩm định.".to_string());
    after(&st, &p, id, done, "#danh-sach").await
}

#[derive(Deserialize)]
struct ModerateForm {
    trang_thai: String,
}

async fn moderate(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    axum::Form(f): axum::Form<ModerateForm>,
) -> Result<Response, HtmlError> {
    let (id, cid) = (ids[0], ids[1]);
    let done = st
        .app
        .moderate_comment(&p, id, cid, f.trang_thai.trim())
        .await
        .map(|_| "Đã xử lý ý kiến.".to_string());
    after(&st, &p, id, done, "#y-kien").await
}

/// Choices of a ballot form: `chon_{nominee}` = `dong_y` / `khong_dong_y` (absent = blank).
fn choices(form: &FormPairs, questions: &[i64]) -> BTreeMap<i64, Choice> {
    let mut out = BTreeMap::new();
    for q in questions {
        match form.one(&format!("chon_{q}")).as_str() {
            "dong_y" => {
                out.insert(*q, Choice::Agree);
            }
            "khong_dong_y" => {
                out.insert(*q, Choice::Disagree);
            }
            _ => {}
        }
    }
    out
}

async fn vote(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = FormPairs::parse(&body);
    let qs = st.app.council_questions(&p, id).await?;
    let done = st
        .app
        .cast_council_vote(&p, id, choices(&form, &qs))
        .await
        .map(|()| "Đã ghi phiếu của bạn. Phiếu kín: không ai xem được bạn chọn gì.".to_string());
    after(&st, &p, id, done, "#hoi-dong").await
}

async fn written_vote(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = FormPairs::parse(&body);
    let qs = st.app.council_questions(&p, id).await?;
    let member: i64 = form.one("thanh_vien").trim().parse().unwrap_or_default();
    let done = st
        .app
        .record_written_vote(&p, id, member, choices(&form, &qs))
        .await
        .map(|()| "Đã ghi phiếu bằng văn bản của thành viên vắng mặt.".to_string());
    after(&st, &p, id, done, "#hoi-dong").await
}

async fn close_vote(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let done = st.app.close_council_vote(&p, id).await.map(|r| {
        format!(
            "Đã kết thúc bỏ phiếu: {}/{} đạt tỷ lệ.",
            r.items.iter().filter(|i| i.passed).count(),
            r.items.len()
        )
    });
    after(&st, &p, id, done, "#hoi-dong").await
}

async fn minutes_pdf(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let pdf = st.app.council_minutes_pdf(&p, id).await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("bien-ban-kiem-phieu-ho-so-{id}.pdf"),
    ))
}

#[derive(Deserialize)]
struct DecideForm {
    phien_ban: i64,
    ngay_ky: String,
    nguoi_ky: String,
    chuc_vu: String,
    de_nghi: Option<String>,
}

async fn decide(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<DecideForm>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .issue_decision(
            &p,
            id,
            tdkt_app::decisions::DecisionInput {
                version: f.phien_ban,
                signed_on: f.ngay_ky,
                signer_name: f.nguoi_ky,
                signer_title: f.chuc_vu.replace("\r\n", "\n"),
                proposal: f.de_nghi,
            },
        )
        .await
        .map(|d| {
            format!(
                "Đã ban hành Quyết định số {}; khen thưởng đã ghi vào sổ.",
                d.number
            )
        });
    after(&st, &p, id, done, "#quyet-dinh").await
}

async fn decision_pdf(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let (number, pdf) = st.app.decision_pdf(&p, id).await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("quyet-dinh-{}.pdf", number.replace('/', "-")),
    ))
}

async fn decision_docx(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let (number, docx) = st.app.decision_docx(&p, id).await?;
    let mut r = file_response(
        docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("quyet-dinh-{}.docx", number.replace('/', "-")),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_str(&format!(
            "attachment; filename=\"quyet-dinh-{}.docx\"",
            tdkt_domain::text::fold(&number).replace(['/', ' '], "-")
        ))
        .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(r)
}

#[derive(Deserialize)]
struct CertQuery {
    khen_thuong: Option<String>,
}

/// The public address of this site for QR codes: the request's own host.
pub fn base_url(headers: &axum::http::HeaderMap, secure: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("{}://{host}", if secure { "https" } else { "http" })
}

async fn certificates(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<CertQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, HtmlError> {
    let base = st
        .cfg
        .public_url
        .clone()
        .unwrap_or_else(|| base_url(&headers, st.cfg.secure_cookies));
    let pdf = st
        .app
        .certificates_pdf(
            &p,
            id,
            q.khen_thuong.as_deref().filter(|c| !c.is_empty()),
            &base,
        )
        .await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("bang-khen-ho-so-{id}.pdf"),
    ))
}

async fn forward_pdf(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let pdf = st.app.forward_list_pdf(&p, id).await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("danh-sach-chuyen-cap-tren-{id}.pdf"),
    ))
}
