//! The inbox and the dossier page: view models, and the page shown again after a form.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tdkt_app::{AppError, Principal};
use tdkt_domain::dates::vn;
use tdkt_domain::dossier::council::{CouncilResult, VoteMode};
use tdkt_domain::dossier::{
    AppraisalResult, CommentStatus, DocumentSlot, DuplicateReason, DuplicateSource, EventKind,
    NomineeVerdict, State as DState, Step,
};

use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{Id, PageQuery};
use crate::html::{AfterForm, Layout, after_form, render, render_showing};

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
pub(super) struct Flash {
    tb: Option<String>,
}

pub(super) async fn inbox(
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
    movement_id: Option<i64>,
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
    /// "Name — title" of nominees who did not register for the title that year.
    unregistered: Vec<String>,
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

pub(super) async fn show(
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
        movement: d.movement_name.clone().unwrap_or_default(),
        movement_id: d.movement_id,
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
        unregistered: v
            .unregistered
            .iter()
            .map(|u| format!("{} — {}", u.name, name(&u.award_code)))
            .collect(),
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

pub(super) async fn page(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    PageQuery(q): PageQuery<Flash>,
) -> Result<Response, HtmlError> {
    show(&st, &p, id, q.tb, None, false).await
}

pub(super) async fn after(
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
