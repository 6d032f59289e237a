//! Initiatives: register, review, read.

use axum::extract::State;
use axum::response::{Json, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ApiResult, created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::errors::ErrorBody;
use crate::extract::{ApiJson, ApiQuery, Id};

#[derive(Deserialize, IntoParams)]
pub(super) struct UnitParam {
    /// The unit whose subtree to list.
    unit: i64,
}

/// Initiatives of a unit and the units under it, newest first, with review and use.
#[utoipa::path(tag = "Sáng kiến", get, path = "/api/v1/initiatives", params(UnitParam), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody)))]
pub(super) async fn list_initiatives(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<UnitParam>,
) -> ApiResult<Json<Vec<tdkt_store::InitiativeRow>>> {
    Ok(Json(st.app.unit_initiatives(&p, q.unit).await?))
}

/// One initiative: authors, recognised scope and date, and the award that used it.
#[utoipa::path(tag = "Sáng kiến", get, path = "/api/v1/initiatives/{id}", params(("id" = i64, Path)), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_initiative(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<tdkt_store::InitiativeRow>> {
    Ok(Json(st.app.initiative(&p, id).await?))
}

/// Register an initiative with its authors.
#[utoipa::path(tag = "Sáng kiến", post, path = "/api/v1/initiatives", request_body = tdkt_app::history::InitiativeInput, responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_initiative(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(input): ApiJson<tdkt_app::history::InitiativeInput>,
) -> ApiResult<Response> {
    Ok(created(st.app.create_initiative(&p, input).await?))
}

/// Record the council's review: recognised scope, date and effect.
#[utoipa::path(tag = "Sáng kiến", post, path = "/api/v1/initiatives/{id}/review", params(("id" = i64, Path)), request_body = tdkt_app::history::InitiativeReviewInput, responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn review_initiative(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<tdkt_app::history::InitiativeReviewInput>,
) -> ApiResult<Json<tdkt_store::InitiativeRow>> {
    Ok(Json(st.app.review_initiative(&p, id, input).await?))
}
