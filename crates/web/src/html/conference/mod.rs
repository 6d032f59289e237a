//! The conference page of a cluster year: covenant → scores → ranking → ballot → results.
//! This file: the route table, number formatting and the covenant and ballot results
//! shared by the page and its printed outputs.

mod actions;
mod editor;
mod files;
mod page;

use axum::Router;
use axum::routing::{get, post};
use tdkt_domain::evaluation::{BallotOutcome, BallotRules, Basis, Threshold};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    let base = "/cum-thi-dua/{id}/nam/{year}";
    Router::new()
        .route(base, get(page::page))
        .route(&format!("{base}/ky"), post(actions::sign))
        .route(
            &format!("{base}/phong-trao"),
            post(actions::covenant_movements),
        )
        .route(&format!("{base}/sao-chep"), post(actions::copy))
        .route(
            &format!("{base}/dong-cham-diem"),
            post(actions::close_scoring),
        )
        .route(
            &format!("{base}/mo-cham-diem"),
            post(actions::reopen_scoring),
        )
        .route(
            &format!("{base}/cham-diem/{{unit}}"),
            get(editor::score_form).post(editor::save_scores),
        )
        .route(&format!("{base}/phieu"), post(actions::create_ballot))
        .route(
            &format!("{base}/phieu/{{ballot}}/mo"),
            post(actions::open_ballot),
        )
        .route(
            &format!("{base}/phieu/{{ballot}}/dong"),
            post(actions::close_ballot),
        )
        .route(
            &format!("{base}/phieu/{{ballot}}/bo-phieu"),
            post(actions::vote),
        )
        .route(
            &format!("{base}/phieu/{{ballot}}/bien-ban"),
            get(files::minutes),
        )
        .route(
            &format!("{base}/phieu/{{ballot}}/bien-ban.pdf"),
            get(files::minutes_pdf),
        )
        .route(&format!("{base}/giao-uoc.pdf"), get(files::covenant_pdf))
        .route(
            &format!("{base}/giao-uoc/sua"),
            get(editor::edit_covenant).post(editor::save_covenant),
        )
        .route(&format!("{base}/luan-phien"), post(actions::save_rotation))
}

pub(super) fn base(id: i64, year: i64) -> String {
    format!("/cum-thi-dua/{id}/nam/{year}")
}

/// A number as typed back into a form: full precision, decimal comma.
pub(super) fn exact(x: f64) -> String {
    x.to_string().replace('.', ",")
}

pub(super) fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0')
        .trim_end_matches('.')
        .replace('.', ",")
}

pub(super) struct CriterionRow {
    is_group: bool,
    id: String,
    name: String,
    max: String,
    how: String,
}

pub(super) struct CovenantBlock {
    title: String,
    method: String,
    rows: Vec<CriterionRow>,
    signatures: Vec<String>,
}

pub(super) struct ResultBlock {
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

pub(super) fn threshold_text(t: &Threshold) -> String {
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

pub(super) fn results(
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

pub(super) fn two(ids: &[i64]) -> (i64, i64) {
    (ids[0], ids[1])
}
