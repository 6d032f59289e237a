//! People: search, create, change, ratings, titles, awards and their verdicts; the eligibility
//! check of any subject.

use axum::extract::State;
use axum::response::{Json, Response};
use serde::Deserialize;
use tdkt_app::people::{PersonInput, PersonPatch, RatingInput};
use tdkt_domain::dates::{iso, parse_iso};
use tdkt_store::Paging;
use utoipa::IntoParams;

use super::dto::*;
use super::{ApiResult, OnDate, created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::errors::ErrorBody;
use crate::extract::{ApiJson, ApiQuery, Id};

#[derive(Deserialize, IntoParams)]
pub(super) struct PeopleQuery {
    /// Name, with or without diacritics ("nguyen van duc" finds "Nguyễn Văn Đức").
    q: Option<String>,
    /// Only people in this unit's subtree.
    unit_id: Option<i64>,
    page: Option<i64>,
    /// 1–200, default 50.
    per_page: Option<i64>,
}

/// Search people the caller may see.
#[utoipa::path(tag = "Cá nhân", get, path = "/api/v1/people", params(PeopleQuery), responses((status = 200, body = PersonList), (status = 401, body = ErrorBody)))]
pub(super) async fn list_people(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<PersonList>> {
    let page = st
        .app
        .search_people(
            &p,
            q.q.as_deref(),
            q.unit_id,
            Paging::new(q.page, q.per_page),
        )
        .await?;
    Ok(Json(PersonList {
        items: page.items.iter().map(PersonDto::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Create a person (with optional yearly ratings).
#[utoipa::path(tag = "Cá nhân", post, path = "/api/v1/people", request_body = PersonInput, responses((status = 201, body = PersonDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_person(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(input): ApiJson<PersonInput>,
) -> ApiResult<Response> {
    Ok(created(PersonDto::from(
        &st.app.create_person(&p, input).await?,
    )))
}

/// One person with positions and ratings.
#[utoipa::path(tag = "Cá nhân", get, path = "/api/v1/people/{id}", params(("id" = i64, Path)), responses((status = 200, body = PersonDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_person(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<PersonDetail>> {
    let v = st.app.person_view(&p, id).await?;
    Ok(Json(PersonDetail {
        person: PersonDto::from(&v.person),
        positions: v
            .positions
            .iter()
            .map(|x| PositionDto {
                unit_id: x.unit_id,
                unit_name: x.unit_name.clone(),
                position: x.position.clone(),
                start_date: iso(x.start_date),
                end_date: x.end_date.map(iso),
            })
            .collect(),
        ratings: v.ratings.iter().map(RatingDto::from).collect(),
    }))
}

/// Change a person; a new unit or position closes the current one.
#[utoipa::path(tag = "Cá nhân", patch, path = "/api/v1/people/{id}", params(("id" = i64, Path)), request_body = PersonPatch, responses((status = 200, body = PersonDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update_person(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(patch): ApiJson<PersonPatch>,
) -> ApiResult<Json<PersonDto>> {
    Ok(Json(PersonDto::from(
        &st.app.update_person(&p, id, patch).await?,
    )))
}

/// Insert or replace yearly task ratings.
#[utoipa::path(tag = "Cá nhân", put, path = "/api/v1/people/{id}/ratings", params(("id" = i64, Path)), request_body = Vec<RatingInput>, responses((status = 200, body = Vec<RatingDto>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn put_ratings(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<Vec<RatingInput>>,
) -> ApiResult<Json<Vec<RatingDto>>> {
    Ok(Json(
        st.app
            .put_ratings(&p, id, &input)
            .await?
            .iter()
            .map(RatingDto::from)
            .collect(),
    ))
}

/// Check a subject's history against an award on a reference date (or a batch: an array);
/// answers the verdict, the rule pack in force, one line per criterion with its citation, and
/// what is missing. Format and examples: docs/eligibility.md.
#[utoipa::path(tag = "Xét điều kiện", post, path = "/api/v1/eligibility/check", request_body(content = serde_json::Value, description = "CheckRequest or [CheckRequest] (docs/eligibility.md)"), responses((status = 200, body = serde_json::Value, description = "Verdict or [Verdict | {error}]"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn eligibility_check(
    State(st): State<AppState>,
    _user: ApiUser,
    ApiJson(input): ApiJson<tdkt_domain::eligibility::CheckInput>,
) -> ApiResult<Json<tdkt_domain::eligibility::CheckOutput>> {
    Ok(Json(
        st.app.rules.run(&input).map_err(tdkt_app::AppError::from)?,
    ))
}

/// Insert or replace a person's emulation titles by year.
#[utoipa::path(tag = "Cá nhân", put, path = "/api/v1/people/{id}/titles", params(("id" = i64, Path)), request_body = Vec<tdkt_app::history::TitleInput>, responses((status = 200, body = serde_json::Value, description = "All titles of the person"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn put_titles(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<Vec<tdkt_app::history::TitleInput>>,
) -> ApiResult<Json<Vec<tdkt_store::TitleRow>>> {
    Ok(Json(st.app.put_person_titles(&p, id, &input).await?))
}

#[derive(Deserialize, IntoParams)]
pub(super) struct TitleKey {
    year: i32,
    code: String,
}

/// Remove a title recorded by mistake; initiatives it used count again.
#[utoipa::path(tag = "Cá nhân", delete, path = "/api/v1/people/{id}/titles", params(("id" = i64, Path), TitleKey), responses((status = 200, body = serde_json::Value, description = "The titles left"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_title(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiQuery(q): ApiQuery<TitleKey>,
) -> ApiResult<Json<Vec<tdkt_store::TitleRow>>> {
    Ok(Json(
        st.app.delete_person_title(&p, id, q.year, &q.code).await?,
    ))
}

/// Record an award the person received (code, decision date and number).
#[utoipa::path(tag = "Cá nhân", post, path = "/api/v1/people/{id}/awards", params(("id" = i64, Path)), request_body = tdkt_app::history::AwardInput, responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn add_award(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<tdkt_app::history::AwardInput>,
) -> ApiResult<Response> {
    Ok(created(st.app.add_person_award(&p, id, input).await?))
}

/// The engine's verdicts for the awards that matter to this person, from the stored history.
#[utoipa::path(tag = "Xét điều kiện", get, path = "/api/v1/people/{id}/eligibility", params(("id" = i64, Path), OnDate), responses((status = 200, body = serde_json::Value, description = "[Verdict]"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn person_eligibility(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiQuery(q): ApiQuery<OnDate>,
) -> ApiResult<Json<Vec<tdkt_domain::eligibility::Verdict>>> {
    let on = match q.date.as_deref() {
        Some(d) => parse_iso("date", d).map_err(tdkt_app::AppError::from)?,
        None => tdkt_app::today(),
    };
    Ok(Json(st.app.person_eligibility(&p, id, on).await?))
}
