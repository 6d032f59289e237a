//! The conference page: its view model and the page shown again after a form.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tdkt_app::conference::ConferenceView;
use tdkt_app::{AppError, Principal};
use tdkt_domain::dates::vn;
use tdkt_domain::evaluation::{CriterionKind, TieRule};

use super::{CovenantBlock, CriterionRow, ResultBlock, base, num, results, threshold_text, two};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::Ids;
use crate::html::{Layout, render};

struct MemberLine {
    id: i64,
    name: String,
    role: &'static str,
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
pub(super) struct ConferencePage {
    layout: Layout,
    cluster_id: i64,
    name: String,
    year: i32,
    base: String,
    flash: Option<String>,
    error: Option<String>,
    members: Vec<MemberLine>,
    may_manage: bool,
    /// Movements the covenant implements: (id, name).
    movements: Vec<(i64, String)>,
    /// Movements of the year to choose from: (id, name, chosen).
    movement_choices: Vec<(i64, String, bool)>,
    pub(super) covenant: Option<CovenantBlock>,
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

pub(super) fn view_model(
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
        movements: vec![],
        movement_choices: vec![],
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
                        .order
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
        cooldown: v.rotation.cooldown,
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
    let mut page = view_model(&v, &st.app, p, flash, error.map(|e| e.1));
    page.movements = st
        .app
        .covenant_movements(p, id, year as i32)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    if v.may_manage {
        page.movement_choices = st
            .app
            .movements_of_year(year as i32)
            .await?
            .into_iter()
            .map(|m| {
                let chosen = page.movements.iter().any(|(id, _)| *id == m.id);
                (m.id, format!("{} — {}", m.name, m.authority_name), chosen)
            })
            .collect();
    }
    let mut resp = render(&page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// Expected refusals (bad input, conflicts, rights) are shown on the page; the rest are errors.
pub(super) async fn after(
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

#[derive(serde::Deserialize)]
pub(super) struct Flash {
    tb: Option<String>,
}

pub(super) async fn page(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    crate::extract::PageQuery(q): crate::extract::PageQuery<Flash>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    show(&st, &p, id, year, q.tb, None).await
}
