//! Cluster years: the evaluation, the covenant, paper ballots.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Json;
use serde::Deserialize;

use super::ApiResult;
use crate::AppState;
use crate::auth::ApiUser;
use crate::errors::ErrorBody;
use crate::extract::{ApiJson, Id};

/// Score, rank and tally a cluster year: members, criteria with maxima, all scores, the method
/// and the ballot papers in; ranking with totals and tie-break path, sensitivity table, pair
/// flags and the ballot outcome out. Format and example: docs/cluster-evaluation.md.
#[utoipa::path(tag = "Cụm thi đua", post, path = "/api/v1/cluster-evaluations", request_body(content = serde_json::Value, description = "EvaluationInput (docs/cluster-evaluation.md)"), responses((status = 200, body = serde_json::Value, description = "Evaluation"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn cluster_evaluation(
    _user: ApiUser,
    ApiJson(input): ApiJson<tdkt_domain::evaluation::EvaluationInput>,
) -> ApiResult<Json<tdkt_domain::evaluation::Evaluation>> {
    // Pure computation on what the caller sent: any signed-in user may run it.
    Ok(Json(
        tdkt_domain::evaluation::evaluate(&input).map_err(tdkt_app::AppError::from)?,
    ))
}

/// A covenant: title, criteria table (groups and criteria in the evaluation format) and method.
#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct CovenantInput {
    title: String,
    #[schema(value_type = Vec<Object>)]
    groups: Vec<tdkt_domain::evaluation::Group>,
    #[schema(value_type = Vec<Object>)]
    criteria: Vec<tdkt_domain::evaluation::Criterion>,
    #[schema(value_type = Object)]
    #[serde(default)]
    method: tdkt_domain::evaluation::Method,
    #[schema(value_type = Object)]
    #[serde(default)]
    flags: tdkt_domain::evaluation::FlagSettings,
    sensitivity_top_n: Option<usize>,
}

/// Create or replace a cluster year's covenant (organiser, leader or deputy only; the table is
/// frozen once scores exist).
#[utoipa::path(tag = "Cụm thi đua", put, path = "/api/v1/clusters/{id}/years/{year}/covenant", params(("id" = i64, Path), ("year" = i32, Path)), request_body = CovenantInput, responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn put_covenant(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    crate::extract::Ids(ids): crate::extract::Ids,
    ApiJson(c): ApiJson<CovenantInput>,
) -> ApiResult<StatusCode> {
    st.app
        .put_covenant(
            &p,
            ids[0],
            ids[1] as i32,
            &c.title,
            tdkt_app::conference::CovenantTable {
                groups: c.groups,
                criteria: c.criteria,
            },
            tdkt_app::conference::CovenantMethod {
                method: c.method,
                flags: c.flags,
                sensitivity_top_n: c.sensitivity_top_n,
            },
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Paper ballots collected in the room: which member units voted, and the papers. The two lists
/// are stored apart; nothing links a paper to a unit.
#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct PapersInput {
    voter_units: Vec<i64>,
    /// Each paper: category id → chosen candidate unit ids (as strings).
    #[schema(value_type = Vec<Object>)]
    papers: Vec<std::collections::BTreeMap<String, Vec<String>>>,
}

/// Record paper ballots (organiser, leader or deputy only; the ballot must be open).
#[utoipa::path(tag = "Cụm thi đua", post, path = "/api/v1/ballots/{id}/papers", params(("id" = i64, Path)), request_body = PapersInput, responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn record_papers(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<PapersInput>,
) -> ApiResult<StatusCode> {
    st.app
        .record_papers(&p, id, &input.voter_units, input.papers)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
