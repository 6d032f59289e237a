//! Printed outputs of a conference: the ballot minutes (HTML and PDF) and the covenant PDF.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tdkt_app::conference::ConferenceView;
use tdkt_app::{AppError, Principal};
use tdkt_domain::dates::vn;

use super::page::view_model;
use super::{ResultBlock, results, two};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::Ids;
use crate::html::render;

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

pub(super) async fn minutes(
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

pub(super) async fn minutes_pdf(
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

pub(super) async fn covenant_pdf(
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
