//! Units: list, create, change, lineage; collective ratings and verdicts; the history import.

use axum::extract::State;
use axum::response::{Json, Response};
use serde::Deserialize;
use tdkt_app::units::{LineageInput, UnitInput, UnitPatch};
use tdkt_domain::dates::parse_iso;
use tdkt_domain::unit::UnitKind;
use tdkt_store::{Paging, UnitFilter};
use utoipa::IntoParams;

use super::dto::*;
use super::{ApiResult, OnDate, created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::errors::ErrorBody;
use crate::extract::{ApiJson, ApiQuery, Id};

#[derive(Deserialize, IntoParams)]
pub(super) struct UnitQuery {
    /// Search in name, short name and code, with or without diacritics.
    q: Option<String>,
    /// Unit kind code.
    kind: Option<String>,
    /// Only direct children of this unit.
    parent_id: Option<i64>,
    /// Only units in force on this ISO date.
    active_on: Option<String>,
    page: Option<i64>,
    /// 1–200, default 50.
    per_page: Option<i64>,
}

/// List units with paging and filters.
#[utoipa::path(tag = "Đơn vị", get, path = "/api/v1/units", params(UnitQuery), responses((status = 200, body = UnitList), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn list_units(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> ApiResult<Json<UnitList>> {
    let filter = UnitFilter {
        q: q.q,
        kind: q
            .kind
            .as_deref()
            .map(|k| UnitKind::parse("kind", k))
            .transpose()
            .map_err(tdkt_app::AppError::from)?,
        parent: q.parent_id.map(Some),
        active_on: q
            .active_on
            .as_deref()
            .map(|d| parse_iso("active_on", d))
            .transpose()
            .map_err(tdkt_app::AppError::from)?,
        paging: Paging::new(q.page, q.per_page),
    };
    let page = st.app.list_units(&p, &filter).await?;
    Ok(Json(UnitList {
        items: page.items.iter().map(UnitDto::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Create a unit under a parent the caller manages.
#[utoipa::path(tag = "Đơn vị", post, path = "/api/v1/units", request_body = UnitInput, responses((status = 201, body = UnitDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_unit(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(input): ApiJson<UnitInput>,
) -> ApiResult<Response> {
    let u = st.app.create_unit(&p, input).await?;
    Ok(created(UnitDto::from(&u)))
}

/// One unit.
#[utoipa::path(tag = "Đơn vị", get, path = "/api/v1/units/{id}", params(("id" = i64, Path)), responses((status = 200, body = UnitDto), (status = 404, body = ErrorBody)))]
pub(super) async fn get_unit(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<UnitDto>> {
    Ok(Json(UnitDto::from(&st.app.unit(&p, id).await?)))
}

/// Change a unit; a change of name, kind or parent keeps the old state in its history.
#[utoipa::path(tag = "Đơn vị", patch, path = "/api/v1/units/{id}", params(("id" = i64, Path)), request_body = UnitPatch, responses((status = 200, body = UnitDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update_unit(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(patch): ApiJson<UnitPatch>,
) -> ApiResult<Json<UnitDto>> {
    Ok(Json(UnitDto::from(
        &st.app.update_unit(&p, id, patch).await?,
    )))
}

/// Lineage events (merge, split, rename, move) the unit took part in.
#[utoipa::path(tag = "Đơn vị", get, path = "/api/v1/units/{id}/lineage", params(("id" = i64, Path)), responses((status = 200, body = Vec<LineageDto>), (status = 404, body = ErrorBody)))]
pub(super) async fn unit_lineage(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<LineageDto>>> {
    Ok(Json(
        st.app
            .unit_lineage(&p, id)
            .await?
            .iter()
            .map(LineageDto::from)
            .collect(),
    ))
}

/// Record a lineage event.
#[utoipa::path(tag = "Đơn vị", post, path = "/api/v1/lineage-events", request_body = LineageInput, responses((status = 201, body = LineageDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_lineage(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(input): ApiJson<LineageInput>,
) -> ApiResult<Response> {
    Ok(created(LineageDto::from(
        &st.app.create_lineage(&p, input).await?,
    )))
}

/// Import yearly ratings and titles of a unit's staff from CSV or XLSX (first sheet) with the
/// header `ho_ten,cccd,nam,xep_loai,danh_hieu`. Every row is checked first; an error names the
/// row and column and nothing is written.
#[utoipa::path(tag = "Cá nhân", post, path = "/api/v1/units/{id}/history-import", params(("id" = i64, Path)), request_body(content = String, content_type = "text/csv", description = "CSV (UTF-8), or an XLSX workbook sent as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), responses((status = 200, body = tdkt_app::history::ImportReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn import_history(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    body: axum::body::Bytes,
) -> ApiResult<Json<tdkt_app::history::ImportReport>> {
    Ok(Json(import_bytes(&st, &p, id, &body).await?))
}

/// CSV or XLSX, told apart by content (an XLSX file is a ZIP archive).
pub(crate) async fn import_bytes(
    st: &AppState,
    p: &tdkt_app::Principal,
    unit: i64,
    body: &[u8],
) -> Result<tdkt_app::history::ImportReport, tdkt_app::AppError> {
    if body.starts_with(b"PK\x03\x04") {
        return st.app.import_history_xlsx(p, unit, body).await;
    }
    let text = std::str::from_utf8(body).map_err(|_| {
        tdkt_domain::Invalid::new("tep", "Tệp CSV phải ở mã UTF-8 (hoặc gửi tệp XLSX)")
    })?;
    st.app.import_history_csv(p, unit, text).await
}

/// A collective's yearly ratings and its members' discipline count.
#[utoipa::path(tag = "Đơn vị", put, path = "/api/v1/units/{id}/ratings", params(("id" = i64, Path)), request_body = Vec<tdkt_app::history::UnitRatingInput>, responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn put_unit_ratings(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<Vec<tdkt_app::history::UnitRatingInput>>,
) -> ApiResult<Json<Vec<tdkt_store::UnitRatingRow>>> {
    Ok(Json(st.app.put_unit_ratings(&p, id, &input).await?))
}

/// The engine's verdicts for the collective titles, from the unit's ratings and its members.
#[utoipa::path(tag = "Xét điều kiện", get, path = "/api/v1/units/{id}/eligibility", params(("id" = i64, Path), OnDate), responses((status = 200, body = serde_json::Value, description = "[Verdict]"), (status = 403, body = ErrorBody)))]
pub(super) async fn unit_eligibility(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiQuery(q): ApiQuery<OnDate>,
) -> ApiResult<Json<Vec<tdkt_domain::eligibility::Verdict>>> {
    let on = match q.date.as_deref() {
        Some(d) => parse_iso("date", d).map_err(tdkt_app::AppError::from)?,
        None => tdkt_app::today(),
    };
    Ok(Json(st.app.unit_eligibility(&p, id, on).await?))
}
