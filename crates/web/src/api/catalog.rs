//! Award kinds added locally.

use axum::extract::State;
use axum::response::{Json, Response};

use super::{ApiResult, created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::errors::ErrorBody;
use crate::extract::ApiJson;

/// Award kinds added locally (beside rules/catalog.toml).
#[utoipa::path(tag = "Danh mục", get, path = "/api/v1/catalog/local-kinds", responses((status = 200, body = serde_json::Value)))]
pub(super) async fn list_local_kinds(
    State(st): State<AppState>,
    _user: ApiUser,
) -> ApiResult<Json<Vec<tdkt_store::LocalAwardKind>>> {
    Ok(Json(st.app.local_award_kinds().await?))
}

/// Add an award kind of an authority's own (administrators): code, name, kind (`danh_hieu` or
/// `hinh_thuc`), subjects, level, who grants it, bonus multiple, and the authority's unit.
#[utoipa::path(tag = "Danh mục", post, path = "/api/v1/catalog/local-kinds", request_body(content = serde_json::Value, description = "LocalAwardKind"), responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_local_kind(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(k): ApiJson<tdkt_store::LocalAwardKind>,
) -> ApiResult<Response> {
    Ok(created(st.app.create_local_award_kind(&p, k).await?))
}
