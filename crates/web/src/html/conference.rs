//! The conference page of a cluster year: covenant → scores → ranking → ballot → results.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use tdkt_app::conference::{ConferenceView, ScoreEntry};
use tdkt_app::{AppError, Principal};
use tdkt_domain::dates::{parse_iso, vn};
use tdkt_domain::evaluation::{
    BallotOutcome, BallotRules, Basis, CriterionKind, Threshold, TieRule,
};

use super::{Layout, render};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::Ids;

pub fn routes() -> Router<AppState> {
    let base = "/cum-thi-dua/{id}/nam/{year}";
    Router::new()
        .route(base, get(page))
        .route(&format!("{base}/ky"), post(sign))
        .route(&format!("{base}/sao-chep"), post(copy))
        .route(&format!("{base}/dong-cham-diem"), post(close_scoring))
        .route(&format!("{base}/mo-cham-diem"), post(reopen_scoring))
        .route(
            &format!("{base}/cham-diem/{{unit}}"),
            get(score_form).post(save_scores),
        )
        .route(&format!("{base}/phieu"), post(create_ballot))
        .route(&format!("{base}/phieu/{{ballot}}/mo"), post(open_ballot))
        .route(&format!("{base}/phieu/{{ballot}}/dong"), post(close_ballot))
        .route(&format!("{base}/phieu/{{ballot}}/bo-phieu"), post(vote))
        .route(&format!("{base}/phieu/{{ballot}}/bien-ban"), get(minutes))
        .route(
            &format!("{base}/phieu/{{ballot}}/bien-ban.pdf"),
            get(minutes_pdf),
        )
        .route(&format!("{base}/giao-uoc.pdf"), get(covenant_pdf))
        .route(
            &format!("{base}/giao-uoc/sua"),
            get(edit_covenant).post(save_covenant),
        )
        .route(&format!("{base}/luan-phien"), post(save_rotation))
}

fn base(id: i64, year: i64) -> String {
    format!("/cum-thi-dua/{id}/nam/{year}")
}

/// A number as typed back into a form: full precision, decimal comma.
fn exact(x: f64) -> String {
    x.to_string().replace('.', ",")
}

fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0')
        .trim_end_matches('.')
        .replace('.', ",")
}

struct MemberLine {
    id: i64,
    name: String,
    role: &'static str,
}

struct CriterionRow {
    is_group: bool,
    id: String,
    name: String,
    max: String,
    how: String,
}

struct CovenantBlock {
    title: String,
    method: String,
    rows: Vec<CriterionRow>,
    signatures: Vec<String>,
}

struct ProgressRow {
    id: i64,
    name: String,
    can_score: bool,
    cells: Vec<(String, &'static str)>,
}

struct RankLine {
    rank: usize,
    name: String,
    total: String,
    bar: String,
    self_total: String,
    first_places: usize,
    tie: String,
}

struct RankingBlock {
    method: String,
    rows: Vec<RankLine>,
    methods: Vec<String>,
    sensitivity: Vec<(String, Vec<usize>)>,
    top_n: usize,
    top_stable: bool,
    flags: Vec<String>,
}

struct CategoryForm {
    id: String,
    name: String,
    seats: usize,
    candidates: Vec<(String, String)>,
}

struct ResultBlock {
    name: String,
    seats: usize,
    valid: usize,
    invalid: usize,
    blank: usize,
    needed: String,
    rule: String,
    counts: Vec<(String, usize, &'static str)>,
    tie: Option<String>,
}

struct BallotBlock {
    id: i64,
    title: String,
    status: &'static str,
    is_draft: bool,
    is_open: bool,
    is_closed: bool,
    voted: usize,
    eligible: usize,
    quorum: usize,
    rule_hash: Option<String>,
    categories: Vec<String>,
    vote_units: Vec<(i64, String)>,
    ballot_form: Vec<CategoryForm>,
    results: Vec<ResultBlock>,
}

#[derive(Template)]
#[template(path = "conference/conference.html")]
struct ConferencePage {
    layout: Layout,
    cluster_id: i64,
    name: String,
    year: i32,
    base: String,
    flash: Option<String>,
    error: Option<String>,
    members: Vec<MemberLine>,
    may_manage: bool,
    covenant: Option<CovenantBlock>,
    copy_from: Option<i32>,
    scoring_closed: bool,
    hand_criteria: usize,
    progress: Vec<ProgressRow>,
    ranking: Option<RankingBlock>,
    evaluation_error: Option<String>,
    ballots: Vec<BallotBlock>,
    proposals: Vec<(String, String, i64)>,
    rotation: Option<String>,
    rotation_order: Vec<(i64, String, usize)>,
    cooldown: i32,
    has_next: bool,
    /// Categories a new ballot may have (rules/conference.toml).
    presets: Vec<PresetBox>,
    quorum_text: String,
}

struct PresetBox {
    code: String,
    text: String,
}

fn threshold_text(t: &Threshold) -> String {
    let basis = match t.basis {
        Basis::Members => "tổng số thành viên",
        Basis::VotesCast => "số phiếu hợp lệ",
    };
    format!(
        "{} {}% {basis}",
        if t.strict { "trên" } else { "từ" },
        num(t.fraction * 100.0)
    )
}

fn results(
    outcome: &BallotOutcome,
    rules: &BallotRules,
    name_of: &dyn Fn(&str) -> String,
) -> Vec<ResultBlock> {
    outcome
        .categories
        .iter()
        .map(|c| ResultBlock {
            name: c.name.clone(),
            seats: c.seats,
            valid: c.valid,
            invalid: c.invalid,
            blank: c.blank,
            needed: num(c.votes_needed),
            rule: rules
                .categories
                .iter()
                .find(|r| r.id == c.id)
                .map(|r| threshold_text(&r.threshold))
                .unwrap_or_default(),
            counts: c
                .counts
                .iter()
                .map(|x| {
                    let verdict = if c.elected.contains(&x.id) {
                        "Trúng"
                    } else if c.tie.as_ref().is_some_and(|t| t.candidates.contains(&x.id)) {
                        "Bằng phiếu — bỏ phiếu lại"
                    } else if x.meets_threshold {
                        "Đạt tỷ lệ, không đủ suất"
                    } else {
                        "Không đạt"
                    };
                    (name_of(&x.id), x.votes, verdict)
                })
                .collect(),
            tie: c.tie.as_ref().map(|t| {
                format!(
                    "Các đơn vị {} bằng {} phiếu cho {} suất còn lại: cần bỏ phiếu vòng hai.",
                    t.candidates
                        .iter()
                        .map(|x| name_of(x))
                        .collect::<Vec<_>>()
                        .join(", "),
                    t.votes,
                    t.seats_left
                )
            }),
        })
        .collect()
}

fn view_model(
    v: &ConferenceView,
    app: &tdkt_app::App,
    p: &Principal,
    flash: Option<String>,
    error: Option<String>,
) -> ConferencePage {
    let name_of_id = |id: i64| {
        v.members
            .iter()
            .find(|m| m.unit.id == id)
            .map(|m| m.unit.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let name_of = |s: &str| {
        s.parse::<i64>()
            .map(&name_of_id)
            .unwrap_or_else(|_| s.to_string())
    };
    let covenant = v.covenant.as_ref().map(|c| {
        let mut rows = Vec::new();
        let crit_row = |k: &tdkt_domain::evaluation::Criterion| CriterionRow {
            is_group: false,
            id: k.id.clone(),
            name: k.name.clone(),
            max: num(k.max),
            how: match (&k.scale, k.kind) {
                (Some(s), _) => format!(
                    "Tính từ chỉ số báo cáo: {}",
                    s.points
                        .iter()
                        .map(|pt| format!("{}→{}", num(pt[0]), num(pt[1])))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                (None, CriterionKind::Bonus) => "Điểm thưởng (cộng)".into(),
                (None, CriterionKind::Penalty) => "Điểm trừ".into(),
                (None, CriterionKind::Score) => "Chấm điểm".into(),
            } + &[
                k.guide.as_deref().map(|g| format!(". Hướng dẫn: {g}")),
                k.evidence.as_deref().map(|e| format!(". Minh chứng: {e}")),
            ]
            .into_iter()
            .flatten()
            .collect::<String>(),
        };
        for g in &c.table.groups {
            rows.push(CriterionRow {
                is_group: true,
                id: g.id.clone(),
                name: format!("{}. {}", g.id, g.name),
                max: String::new(),
                how: String::new(),
            });
            rows.extend(
                c.table
                    .criteria
                    .iter()
                    .filter(|k| k.group.as_deref() == Some(g.id.as_str()))
                    .map(crit_row),
            );
        }
        rows.extend(
            c.table
                .criteria
                .iter()
                .filter(|k| k.group.is_none())
                .map(crit_row),
        );
        CovenantBlock {
            title: c.title.clone(),
            method: c.method.method.label(),
            rows,
            signatures: c
                .signatures
                .iter()
                .map(|s| {
                    format!(
                        "{} — {} ({})",
                        name_of_id(s.unit_id),
                        s.signer,
                        vn(s.signed_on)
                    )
                })
                .collect(),
        }
    });
    let progress = v
        .members
        .iter()
        .map(|s| ProgressRow {
            id: s.unit.id,
            name: s.unit.name.clone(),
            can_score: v.can_score_for.contains(&s.unit.id),
            cells: v
                .members
                .iter()
                .map(|t| {
                    let n = v
                        .progress
                        .get(&s.unit.id)
                        .and_then(|r| r.get(&t.unit.id))
                        .copied()
                        .unwrap_or(0);
                    let class = if v.hand_criteria > 0 && n >= v.hand_criteria {
                        "full"
                    } else if n > 0 {
                        "part"
                    } else {
                        "none"
                    };
                    (n.to_string(), class)
                })
                .collect(),
        })
        .collect();
    let ranking = v.evaluation.as_ref().map(|e| {
        let max = e.ranking.iter().map(|u| u.total).fold(0.0_f64, f64::max).max(1.0);
        RankingBlock {
            method: e.method.label(),
            rows: e
                .ranking
                .iter()
                .map(|u| RankLine {
                    rank: u.rank,
                    name: u.name.clone(),
                    total: num(u.total),
                    bar: format!("{:.1}", (u.total / max * 100.0).max(0.0)),
                    self_total: u.self_total.map(num).unwrap_or_default(),
                    first_places: u.first_places,
                    tie: u
                        .tie_break
                        .iter()
                        .map(|t| {
                            let rung = match t.decided_by {
                                TieRule::FirstGroup => "điểm nhóm tiêu chí thứ nhất",
                                TieRule::FirstPlaces => "số lần được xếp đầu",
                                TieRule::Unresolved => "vẫn bằng nhau — để hội nghị bỏ phiếu",
                            };
                            format!("bằng điểm {}: {rung} ({} / {})", name_of(&t.with), num(t.own), num(t.other))
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                })
                .collect(),
            methods: e.sensitivity.methods.iter().map(|m| m.label()).collect(),
            sensitivity: e.sensitivity.rows.iter().map(|r| (r.name.clone(), r.ranks.clone())).collect(),
            top_n: e.sensitivity.top_n,
            top_stable: e.sensitivity.top_stable,
            flags: e
                .flags
                .iter()
                .map(|f| {
                    format!(
                        "{} chấm {} {} điểm (các đơn vị khác trung bình {}); {} chấm {} {} điểm (khác trung bình {})",
                        name_of(&f.a),
                        name_of(&f.b),
                        num(f.a_gives_b),
                        num(f.others_give_b),
                        name_of(&f.b),
                        name_of(&f.a),
                        num(f.b_gives_a),
                        num(f.others_give_a)
                    )
                })
                .collect(),
        }
    });
    let ballots = v
        .ballots
        .iter()
        .map(|b| {
            let eligible = b.rules.eligible_voters.unwrap_or(v.members.len());
            BallotBlock {
                id: b.row.id,
                title: b.row.title.clone(),
                status: b.row.status.label(),
                is_draft: b.row.status == tdkt_store::BallotStatus::Draft,
                is_open: b.row.status == tdkt_store::BallotStatus::Open,
                is_closed: b.row.status == tdkt_store::BallotStatus::Closed,
                voted: b.voters.len(),
                eligible,
                quorum: (b.rules.quorum * eligible as f64 - 1e-9).ceil() as usize,
                rule_hash: b.row.rule_hash.clone(),
                categories: b
                    .rules
                    .categories
                    .iter()
                    .map(|c| {
                        let mut s = format!(
                            "{}: {} suất, trúng khi {}",
                            c.name,
                            c.seats,
                            threshold_text(&c.threshold)
                        );
                        if let Some(n) = c.top_n {
                            s.push_str(&format!(", ứng viên trong {n} đơn vị dẫn đầu"));
                        }
                        if let Some(cands) = &c.candidates {
                            s.push_str(&format!(
                                " — ứng viên: {}",
                                cands
                                    .iter()
                                    .map(|x| name_of(x))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ));
                        }
                        s
                    })
                    .collect(),
                vote_units: b
                    .can_vote_for
                    .iter()
                    .map(|u| (*u, name_of_id(*u)))
                    .collect(),
                ballot_form: b
                    .rules
                    .categories
                    .iter()
                    .map(|c| CategoryForm {
                        id: c.id.clone(),
                        name: c.name.clone(),
                        seats: c.seats,
                        candidates: c
                            .candidates
                            .clone()
                            .unwrap_or_default()
                            .iter()
                            .map(|x| (x.clone(), name_of(x)))
                            .collect(),
                    })
                    .collect(),
                results: b
                    .outcome
                    .as_ref()
                    .map(|o| results(o, &b.rules, &name_of))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let has_next = v.cluster.years.iter().any(|y| y.year == v.year + 1);
    ConferencePage {
        layout: Layout::for_user(p, "/cum-thi-dua"),
        cluster_id: v.cluster.id,
        name: v.cluster.name.clone(),
        year: v.year,
        base: base(v.cluster.id, v.year as i64),
        flash,
        error,
        members: v
            .members
            .iter()
            .map(|m| MemberLine {
                id: m.unit.id,
                name: m.unit.name.clone(),
                role: m.role.label(),
            })
            .collect(),
        may_manage: v.may_manage,
        copy_from: v
            .cluster
            .years
            .iter()
            .map(|y| y.year)
            .filter(|y| *y < v.year)
            .max(),
        scoring_closed: v.covenant.as_ref().is_some_and(|c| c.scoring_closed),
        hand_criteria: v.hand_criteria,
        covenant,
        progress,
        ranking,
        evaluation_error: v.evaluation_error.clone(),
        ballots,
        proposals: v
            .proposals
            .iter()
            .map(|p| {
                (
                    p.unit_name.clone(),
                    app.award_name(&[], &p.award_code),
                    p.votes,
                )
            })
            .collect(),
        rotation: v.rotation_proposal.as_ref().map(|u| u.name.clone()),
        rotation_order: {
            // Members in rotation order; members missing from the stored order come last.
            let mut order: Vec<(i64, String, usize)> = v
                .members
                .iter()
                .map(|m| {
                    let pos = v
                        .rotation
                        .0
                        .iter()
                        .position(|u| *u == m.unit.id)
                        .unwrap_or(usize::MAX);
                    (m.unit.id, m.unit.name.clone(), pos)
                })
                .collect();
            order.sort_by_key(|x| x.2);
            order.iter_mut().enumerate().for_each(|(i, x)| x.2 = i + 1);
            order
        },
        cooldown: v.rotation.1,
        has_next,
        presets: app
            .ballot_presets
            .presets
            .iter()
            .map(|pr| PresetBox {
                code: pr.code.clone(),
                text: pr.describe(v.year),
            })
            .collect(),
        quorum_text: app.ballot_presets.quorum_text.clone(),
    }
}

async fn show(
    st: &AppState,
    p: &Principal,
    id: i64,
    year: i64,
    flash: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, HtmlError> {
    let v = st.app.conference(p, id, year as i32).await?;
    let status = error.as_ref().map(|e| e.0).unwrap_or(StatusCode::OK);
    let mut resp = render(&view_model(&v, &st.app, p, flash, error.map(|e| e.1)))?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// Expected refusals (bad input, conflicts, rights) are shown on the page; the rest are errors.
async fn after(
    st: &AppState,
    p: &Principal,
    id: i64,
    year: i64,
    done: Result<(), AppError>,
    ok: &str,
    anchor: &str,
) -> Result<Response, HtmlError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}?tb={}#{anchor}",
            base(id, year),
            crate::auth::encode(ok)
        ))
        .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Forbidden(_))) => {
            let status = crate::errors::status(&e);
            show(st, p, id, year, None, Some((status, e.to_string()))).await
        }
        Err(e) => Err(e.into()),
    }
}

fn two(ids: &[i64]) -> (i64, i64) {
    (ids[0], ids[1])
}

#[derive(serde::Deserialize)]
struct Flash {
    tb: Option<String>,
}

async fn page(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    crate::extract::PageQuery(q): crate::extract::PageQuery<Flash>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    show(&st, &p, id, year, q.tb, None).await
}

#[derive(serde::Deserialize)]
struct SignForm {
    don_vi: i64,
    nguoi_ky: String,
    ngay_ky: String,
}

async fn sign(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(f): Form<SignForm>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let done = match parse_iso("ngay_ky", &f.ngay_ky) {
        Ok(d) => {
            st.app
                .sign_covenant(&p, id, year as i32, f.don_vi, &f.nguoi_ky, d)
                .await
        }
        Err(e) => Err(e.into()),
    };
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã ghi chữ ký giao ước.",
        "giao-uoc",
    )
    .await
}

#[derive(serde::Deserialize)]
struct CopyForm {
    tu_nam: i32,
}

async fn copy(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(f): Form<CopyForm>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let done = st.app.copy_covenant(&p, id, f.tu_nam, year as i32).await;
    after(&st, &p, id, year, done, "Đã sao chép giao ước.", "giao-uoc").await
}

async fn close_scoring(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let done = st.app.set_scoring_closed(&p, id, year as i32, true).await;
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã đóng vòng chấm điểm.",
        "xep-hang",
    )
    .await
}

async fn reopen_scoring(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let done = st.app.set_scoring_closed(&p, id, year as i32, false).await;
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã mở lại vòng chấm điểm.",
        "cham-diem",
    )
    .await
}

/// Key of a row's note among the typed values.
const NOTE: &str = "__ghi_chu";

struct Cell {
    criterion: String,
    max: String,
    value: String,
}

struct GridRow {
    id: i64,
    name: String,
    is_self: bool,
    cells: Vec<Cell>,
    /// Evidence or remark for the row (kept with each of its scores).
    note: String,
}

#[derive(Template)]
#[template(path = "conference/score_entry.html")]
struct ScorePage {
    layout: Layout,
    base: String,
    cluster: String,
    year: i32,
    scorer: String,
    scorer_id: i64,
    error: Option<String>,
    criteria: Vec<(String, String, String)>,
    rows: Vec<GridRow>,
}

async fn score_page(
    st: &AppState,
    p: &Principal,
    ids: &[i64],
    typed: Option<&BTreeMap<(i64, String), String>>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let (id, year, scorer) = (ids[0], ids[1] as i32, ids[2]);
    let v = st.app.conference(p, id, year).await?;
    if !v.can_score_for.contains(&scorer) {
        return Err(
            AppError::Forbidden("Bạn không được chấm điểm thay mặt đơn vị này".into()).into(),
        );
    }
    let cov = v
        .covenant
        .as_ref()
        .ok_or_else(|| HtmlError(AppError::NotFound("giao ước năm này".into())))?;
    let scores = st.app.scores_of(p, id, year, scorer).await?;
    let hand: Vec<_> = cov
        .table
        .criteria
        .iter()
        .filter(|k| k.scale.is_none())
        .collect();
    let scorer_name = v
        .members
        .iter()
        .find(|m| m.unit.id == scorer)
        .map(|m| m.unit.name.clone())
        .unwrap_or_default();
    let rows = v
        .members
        .iter()
        .map(|t| GridRow {
            id: t.unit.id,
            name: t.unit.name.clone(),
            is_self: t.unit.id == scorer,
            cells: hand
                .iter()
                .map(|k| Cell {
                    criterion: k.id.clone(),
                    max: k.max.to_string(),
                    value: typed
                        .and_then(|m| m.get(&(t.unit.id, k.id.clone())).cloned())
                        .or_else(|| {
                            scores
                                .iter()
                                .find(|s| s.target_id == t.unit.id && s.criterion_id == k.id)
                                .map(|s| s.points.to_string())
                        })
                        .unwrap_or_default(),
                })
                .collect(),
            note: typed
                .and_then(|m| m.get(&(t.unit.id, NOTE.to_string())).cloned())
                .or_else(|| {
                    scores
                        .iter()
                        .find(|s| s.target_id == t.unit.id)
                        .and_then(|s| s.note.clone())
                })
                .unwrap_or_default(),
        })
        .collect();
    let status = error
        .as_ref()
        .map(crate::errors::status)
        .unwrap_or(StatusCode::OK);
    let mut resp = render(&ScorePage {
        layout: Layout::for_user(p, "/cum-thi-dua"),
        base: base(id, year as i64),
        cluster: v.cluster.name.clone(),
        year,
        scorer: scorer_name,
        scorer_id: scorer,
        error: error.map(|e| e.to_string()),
        criteria: hand
            .iter()
            .map(|k| (k.id.clone(), k.name.clone(), num(k.max)))
            .collect(),
        rows,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn score_form(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    score_page(&st, &p, &ids, None, None).await
}

async fn save_scores(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year, scorer) = (ids[0], ids[1], ids[2]);
    let mut typed = BTreeMap::new();
    let mut entries = Vec::new();
    let mut bad = None;
    // Evidence notes, one per scored unit: `n_{target}`.
    let notes: BTreeMap<i64, String> = fields
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.strip_prefix("n_")?.parse::<i64>().ok()?,
                v.trim().to_string(),
            ))
        })
        .collect();
    for (t, n) in &notes {
        typed.insert((*t, NOTE.to_string()), n.clone());
    }
    for (k, v) in &fields {
        let Some(rest) = k.strip_prefix("d_") else {
            continue;
        };
        let Some((target, crit)) = rest.split_once('_') else {
            continue;
        };
        let Ok(target) = target.parse::<i64>() else {
            continue;
        };
        typed.insert((target, crit.to_string()), v.clone());
        let v = v.trim().replace(',', ".");
        if v.is_empty() {
            continue;
        }
        match v.parse::<f64>() {
            Ok(points) => entries.push(ScoreEntry {
                target,
                criterion: crit.to_string(),
                points,
                note: notes.get(&target).cloned().filter(|n| !n.is_empty()),
            }),
            Err(_) => {
                bad = Some(AppError::Invalid(tdkt_domain::Invalid::new(
                    k.clone(),
                    format!("«{v}» không phải là số (tiêu chí {crit})"),
                )))
            }
        }
    }
    let done = match bad {
        Some(e) => Err(e),
        None => {
            st.app
                .put_scores(&p, id, year as i32, scorer, &entries, &[])
                .await
        }
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}?tb={}#cham-diem",
            base(id, year),
            crate::auth::encode("Đã lưu điểm.")
        ))
        .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            score_page(&st, &p, &ids, Some(&typed), Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn create_ballot(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let title = fields
        .iter()
        .find(|(k, _)| k == "tieu_de")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let presets: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "hang_muc")
        .map(|(_, v)| v.as_str())
        .collect();
    let done = st
        .app
        .create_ballot_from_presets(&p, id, year as i32, &title, &presets)
        .await
        .map(drop);
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã tạo cuộc bỏ phiếu (bản nháp).",
        "bo-phieu",
    )
    .await
}

async fn open_ballot(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year, ballot) = (ids[0], ids[1], ids[2]);
    let done = st.app.open_ballot(&p, ballot).await.map(drop);
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã mở bỏ phiếu; quy chế đã được khoá.",
        "bo-phieu",
    )
    .await
}

async fn close_ballot(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year, ballot) = (ids[0], ids[1], ids[2]);
    let done = st.app.close_ballot(&p, ballot).await.map(drop);
    after(&st, &p, id, year, done, "Đã kiểm phiếu.", "bo-phieu").await
}

async fn vote(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year, ballot) = (ids[0], ids[1], ids[2]);
    let voter = fields
        .iter()
        .find(|(k, _)| k == "don_vi")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    let mut choices: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &fields {
        if let Some(cat) = k.strip_prefix("c_") {
            choices.entry(cat.to_string()).or_default().push(v.clone());
        }
    }
    let done = match voter {
        Some(u) => st.app.cast_vote(&p, ballot, u, choices).await,
        None => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "don_vi",
            "Chọn đơn vị bỏ phiếu",
        ))),
    };
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã ghi nhận phiếu. Phiếu không gắn với tên đơn vị.",
        "bo-phieu",
    )
    .await
}

#[derive(Template)]
#[template(path = "conference/minutes.html")]
struct MinutesPage {
    organiser: String,
    cluster: String,
    title: String,
    eligible: usize,
    cast: usize,
    quorum: usize,
    quorum_met: &'static str,
    rule_hash: String,
    results: Vec<ResultBlock>,
}

/// A closed ballot of the page's year, for the minutes.
async fn closed_ballot(
    st: &AppState,
    p: &Principal,
    ids: &[i64],
) -> Result<(ConferenceView, usize), HtmlError> {
    let (id, year, ballot) = (ids[0], ids[1], ids[2]);
    let v = st.app.conference(p, id, year as i32).await?;
    let i = v
        .ballots
        .iter()
        .position(|b| b.row.id == ballot)
        .ok_or_else(|| HtmlError(AppError::NotFound("cuộc bỏ phiếu".into())))?;
    if v.ballots[i].outcome.is_none() {
        return Err(HtmlError(AppError::Conflict(
            "Cuộc bỏ phiếu chưa kết thúc".into(),
        )));
    }
    Ok((v, i))
}

/// A member's name from its id as the evaluation writes it.
fn member_name(v: &ConferenceView, s: &str) -> String {
    s.parse::<i64>()
        .ok()
        .and_then(|id| v.members.iter().find(|m| m.unit.id == id))
        .map(|m| m.unit.name.clone())
        .unwrap_or_else(|| s.to_string())
}

async fn minutes(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (v, i) = closed_ballot(&st, &p, &ids).await?;
    let b = &v.ballots[i];
    let o = b.outcome.as_ref().expect("closed");
    render(&MinutesPage {
        organiser: v.cluster.organiser.to_uppercase(),
        cluster: v.cluster.name.to_uppercase(),
        title: b.row.title.clone(),
        eligible: o.eligible_voters,
        cast: o.ballots_cast,
        quorum: o.quorum_needed,
        quorum_met: if o.quorum_met {
            "đạt"
        } else {
            "không đạt"
        },
        rule_hash: o.rule_hash.clone(),
        results: results(o, &b.rules, &|s| member_name(&v, s)),
    })
}

fn pdf_response(bytes: Vec<u8>, file: &str) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn doc_err(e: tdkt_documents::DocError) -> HtmlError {
    HtmlError(AppError::Internal(e.to_string()))
}

/// Place and date of the minutes: today, as the document is printed.
fn today_line() -> String {
    let d = tdkt_app::today();
    tdkt_documents::place_date("……………", d.day(), d.month() as u8, d.year())
}

async fn minutes_pdf(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let ballot = ids[2];
    let (v, i) = closed_ballot(&st, &p, &ids).await?;
    let b = &v.ballots[i];
    let o = b.outcome.as_ref().expect("closed");
    let categories: Vec<serde_json::Value> = results(o, &b.rules, &|s| member_name(&v, s))
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "name": r.name, "seats": r.seats, "valid": r.valid, "invalid": r.invalid, "blank": r.blank, "rule": r.rule,
                "counts": r.counts.iter().map(|c| serde_json::json!({"name": c.0, "votes": c.1, "verdict": c.2})).collect::<Vec<_>>(),
                "tie": r.tie,
            })
        })
        .collect();
    let data = serde_json::json!({
        "organiser": v.cluster.organiser, "cluster": v.cluster.name, "place_date": today_line(), "title": b.row.title,
        "eligible": o.eligible_voters, "cast": o.ballots_cast, "quorum": o.quorum_needed,
        "quorum_met": if o.quorum_met { "đạt" } else { "không đạt" }, "rule_hash": o.rule_hash, "categories": categories,
    });
    let pdf = tdkt_documents::pdf(tdkt_documents::Doc::BallotMinutes, &data).map_err(doc_err)?;
    Ok(pdf_response(
        pdf,
        &format!("bien-ban-kiem-phieu-{ballot}.pdf"),
    ))
}

async fn covenant_pdf(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let v = st.app.conference(&p, id, year as i32).await?;
    let page = view_model(&v, &st.app, &p, None, None);
    let c = page
        .covenant
        .ok_or_else(|| HtmlError(AppError::NotFound("giao ước năm này".into())))?;
    let cov = v.covenant.as_ref().expect("covenant present");
    let mut groups: Vec<serde_json::Value> = Vec::new();
    for row in &c.rows {
        if row.is_group {
            groups.push(serde_json::json!({"id": row.id, "name": row.name.split_once(". ").map(|x| x.1).unwrap_or(&row.name), "criteria": []}));
        } else if let Some(g) = groups.last_mut() {
            g["criteria"].as_array_mut().expect("array").push(
                serde_json::json!({"id": row.id, "name": row.name, "max": row.max, "how": row.how}),
            );
        } else {
            groups.push(serde_json::json!({"id": "", "name": "Tiêu chí khác", "criteria": [{"id": row.id, "name": row.name, "max": row.max, "how": row.how}]}));
        }
    }
    let name_of = |id: i64| {
        v.members
            .iter()
            .find(|m| m.unit.id == id)
            .map(|m| m.unit.name.clone())
            .unwrap_or_default()
    };
    let data = serde_json::json!({
        "organiser": v.cluster.organiser, "cluster": v.cluster.name, "place_date": "", "title": c.title, "year": year,
        "method": c.method, "members": v.members.iter().map(|m| m.unit.name.clone()).collect::<Vec<_>>(), "groups": groups,
        "signatures": cov.signatures.iter().map(|s| serde_json::json!({"unit": name_of(s.unit_id), "signer": s.signer, "date": vn(s.signed_on)})).collect::<Vec<_>>(),
    });
    let pdf = tdkt_documents::pdf(tdkt_documents::Doc::Covenant, &data).map_err(doc_err)?;
    Ok(pdf_response(pdf, &format!("giao-uoc-{year}.pdf")))
}

#[derive(Default, Clone)]
struct EditRow {
    kind: String,
    id: String,
    name: String,
    max: String,
    scale: String,
    guide: String,
    evidence: String,
}

#[derive(Template)]
#[template(path = "conference/covenant_edit.html")]
struct CovenantEditPage {
    layout: Layout,
    base: String,
    cluster: String,
    year: i32,
    title: String,
    method: String,
    methods: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    rows: Vec<EditRow>,
    error: Option<String>,
}

const METHODS: [(&str, &str); 4] = [
    ("mean", "Trung bình cộng"),
    ("median", "Trung vị"),
    ("trimmed_mean", "Trung bình bỏ 1 cao nhất và 1 thấp nhất"),
    ("zscore", "Chuẩn hoá z-score theo người chấm"),
];
const KINDS: [(&str, &str); 4] = [
    ("nhom", "Nhóm"),
    ("score", "Tiêu chí chấm điểm"),
    ("bonus", "Điểm thưởng"),
    ("penalty", "Điểm trừ"),
];

fn method_code(m: tdkt_domain::evaluation::Method) -> &'static str {
    use tdkt_domain::evaluation::Method;
    match m {
        Method::Mean => "mean",
        Method::Median => "median",
        Method::TrimmedMean { .. } => "trimmed_mean",
        Method::Zscore => "zscore",
    }
}

fn rows_of(t: &tdkt_app::conference::CovenantTable) -> Vec<EditRow> {
    let mut rows = Vec::new();
    let crit = |k: &tdkt_domain::evaluation::Criterion| EditRow {
        kind: match k.kind {
            CriterionKind::Score => "score",
            CriterionKind::Bonus => "bonus",
            CriterionKind::Penalty => "penalty",
        }
        .into(),
        id: k.id.clone(),
        name: k.name.clone(),
        max: exact(k.max),
        scale: k
            .scale
            .as_ref()
            .map(|s| {
                s.points
                    .iter()
                    .map(|p| format!("{}:{}", exact(p[0]), exact(p[1])))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default(),
        guide: k.guide.clone().unwrap_or_default(),
        evidence: k.evidence.clone().unwrap_or_default(),
    };
    // Ungrouped criteria first: a row belongs to the group row above it, so listing them after
    // the groups would move them into the last group on save.
    rows.extend(t.criteria.iter().filter(|k| k.group.is_none()).map(crit));
    for g in &t.groups {
        rows.push(EditRow {
            kind: "nhom".into(),
            id: g.id.clone(),
            name: g.name.clone(),
            ..Default::default()
        });
        rows.extend(
            t.criteria
                .iter()
                .filter(|k| k.group.as_deref() == Some(g.id.as_str()))
                .map(crit),
        );
    }
    rows
}

async fn edit_page(
    st: &AppState,
    p: &Principal,
    id: i64,
    year: i64,
    form: Option<(String, String, Vec<EditRow>)>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let v = st.app.conference(p, id, year as i32).await?;
    if !v.may_manage {
        return Err(AppError::Forbidden(
            "Chỉ đơn vị tổ chức, cụm trưởng hoặc cụm phó mới sửa giao ước".into(),
        )
        .into());
    }
    let (title, method, mut rows) = match form {
        Some(f) => f,
        None => match &v.covenant {
            Some(c) => (
                c.title.clone(),
                method_code(c.method.method).to_string(),
                rows_of(&c.table),
            ),
            None => (
                format!("Giao ước thi đua năm {year} của {}", v.cluster.name),
                "mean".into(),
                vec![EditRow {
                    kind: "nhom".into(),
                    id: "1".into(),
                    ..Default::default()
                }],
            ),
        },
    };
    rows.extend(std::iter::repeat_n(
        EditRow {
            kind: "score".into(),
            ..Default::default()
        },
        6,
    ));
    let status = error
        .as_ref()
        .map(crate::errors::status)
        .unwrap_or(StatusCode::OK);
    let mut resp = render(&CovenantEditPage {
        layout: Layout::for_user(p, "/cum-thi-dua"),
        base: base(id, year),
        cluster: v.cluster.name.clone(),
        year: year as i32,
        title,
        method,
        methods: METHODS.to_vec(),
        kinds: KINDS.to_vec(),
        rows,
        error: error.map(|e| e.to_string()),
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn edit_covenant(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    edit_page(&st, &p, id, year, None, None).await
}

/// Reads the editor's rows into a criteria table; errors name the row.
fn parse_table(rows: &[EditRow]) -> Result<tdkt_app::conference::CovenantTable, AppError> {
    use tdkt_domain::evaluation::{Criterion, Group, Scale};
    let invalid = |i: usize, field: &str, msg: String| {
        AppError::Invalid(tdkt_domain::Invalid::new(
            format!("dong[{}].{field}", i + 1),
            format!("Dòng {}: {msg}", i + 1),
        ))
    };
    let number = |i: usize, field: &str, s: &str| -> Result<f64, AppError> {
        s.trim()
            .replace(',', ".")
            .parse::<f64>()
            .map_err(|_| invalid(i, field, format!("«{s}» không phải là số")))
    };
    let mut table = tdkt_app::conference::CovenantTable::default();
    for (i, r) in rows.iter().enumerate() {
        let id = r.id.trim();
        if id.is_empty() {
            continue;
        }
        let name = tdkt_domain::text::tidy(&r.name);
        if name.is_empty() {
            return Err(invalid(i, "ten", "cần nhập tên".into()));
        }
        if r.kind == "nhom" {
            table.groups.push(Group {
                id: id.to_string(),
                name,
            });
            continue;
        }
        let kind = match r.kind.as_str() {
            "bonus" => CriterionKind::Bonus,
            "penalty" => CriterionKind::Penalty,
            _ => CriterionKind::Score,
        };
        let scale = if r.scale.trim().is_empty() {
            None
        } else {
            let mut points = Vec::new();
            for part in r.scale.split(';').map(str::trim).filter(|x| !x.is_empty()) {
                let (a, b) = part.split_once(':').ok_or_else(|| {
                    invalid(i, "thang", format!("«{part}» cần dạng giá_trị:điểm"))
                })?;
                points.push([number(i, "thang", a)?, number(i, "thang", b)?]);
            }
            Some(Scale { points })
        };
        let opt = |s: &str| Some(tdkt_domain::text::tidy(s)).filter(|x| !x.is_empty());
        table.criteria.push(Criterion {
            id: id.to_string(),
            name,
            group: table.groups.last().map(|g| g.id.clone()),
            max: number(i, "toi_da", &r.max)?,
            kind,
            scale,
            guide: opt(&r.guide),
            evidence: opt(&r.evidence),
        });
    }
    Ok(table)
}

async fn save_covenant(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (title, method) = (get("tieu_de"), get("phuong_phap"));
    let mut rows: Vec<EditRow> = Vec::new();
    for (k, v) in &fields {
        if k == "loai" {
            rows.push(EditRow {
                kind: v.clone(),
                ..Default::default()
            });
            continue;
        }
        let Some(r) = rows.last_mut() else { continue };
        match k.as_str() {
            "ma" => r.id = v.clone(),
            "ten" => r.name = v.clone(),
            "toi_da" => r.max = v.clone(),
            "thang" => r.scale = v.clone(),
            "huong_dan" => r.guide = v.clone(),
            "minh_chung" => r.evidence = v.clone(),
            _ => {}
        }
    }
    let m = match method.as_str() {
        "median" => tdkt_domain::evaluation::Method::Median,
        "trimmed_mean" => tdkt_domain::evaluation::Method::TrimmedMean { k: 1 },
        "zscore" => tdkt_domain::evaluation::Method::Zscore,
        _ => tdkt_domain::evaluation::Method::Mean,
    };
    let done = match parse_table(&rows) {
        Ok(table) => {
            let keep = st
                .app
                .covenant(id, year as i32)
                .await?
                .map(|c| c.method)
                .unwrap_or_default();
            st.app
                .put_covenant(
                    &p,
                    id,
                    year as i32,
                    &title,
                    table,
                    tdkt_app::conference::CovenantMethod { method: m, ..keep },
                )
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}?tb={}#giao-uoc",
            base(id, year),
            crate::auth::encode("Đã lưu giao ước.")
        ))
        .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let kept: Vec<EditRow> = rows
                .into_iter()
                .filter(|r| !r.id.trim().is_empty() || !r.name.trim().is_empty())
                .collect();
            edit_page(&st, &p, id, year, Some((title, method, kept)), Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn save_rotation(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let mut order: Vec<(i64, i64)> = Vec::new();
    let mut cooldown = None;
    let mut bad = None;
    for (k, v) in &fields {
        if let Some(unit) = k.strip_prefix("vt_").and_then(|u| u.parse::<i64>().ok()) {
            match v.trim().parse::<i64>() {
                Ok(pos) => order.push((pos, unit)),
                Err(_) => bad = Some(format!("«{v}» không phải là số thứ tự")),
            }
        } else if k == "so_nam" {
            cooldown = v.trim().parse::<i32>().ok();
            if cooldown.is_none() {
                bad = Some(format!("«{v}» không phải là số năm"));
            }
        }
    }
    order.sort();
    let done = match (bad, cooldown) {
        (Some(m), _) => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "luan_phien",
            m,
        ))),
        (None, None) => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "so_nam",
            "Cần nhập số năm chờ",
        ))),
        (None, Some(c)) => {
            st.app
                .set_rotation(
                    &p,
                    id,
                    year as i32,
                    &order.iter().map(|x| x.1).collect::<Vec<_>>(),
                    c,
                )
                .await
        }
    };
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã lưu thứ tự luân phiên.",
        "ket-qua",
    )
    .await
}
