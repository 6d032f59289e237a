//! JSON API `/api/v1`: units and people. Authentication by `Authorization: Bearer tdkt_…` or
//! the session cookie (then with the CSRF header). The OpenAPI document is generated from
//! these handlers' annotations.

mod dossiers;
mod dto;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde::Deserialize;
use tdkt_app::people::{PersonInput, PersonPatch, RatingInput};
use tdkt_app::units::{LineageInput, UnitInput, UnitPatch};
use tdkt_domain::dates::{iso, parse_iso};
use tdkt_domain::unit::UnitKind;
use tdkt_store::{Paging, UnitFilter};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use self::dto::*;
use crate::AppState;
use crate::auth::ApiUser;
use crate::errors::{ApiError, ErrorBody, ErrorDetail};
use crate::extract::{ApiJson, ApiQuery, Id};

#[derive(OpenApi)]
#[openapi(
    info(title = "tdkt API", version = "1", description = "API của tdkt: đơn vị, cá nhân. Lỗi trả về dạng {\"error\": {\"code\", \"message\", \"field\"}} với thông báo tiếng Việt."),
    paths(list_units, create_unit, get_unit, update_unit, unit_lineage, create_lineage, list_people, create_person, get_person, update_person, put_ratings, cluster_evaluation, put_covenant, record_papers, eligibility_check, put_titles, delete_title, add_award, person_eligibility, list_initiatives, get_initiative, create_initiative, review_initiative, import_history, put_unit_ratings, unit_eligibility, list_local_kinds, create_local_kind),
    components(schemas(tdkt_app::history::UnitRatingInput, tdkt_app::history::TitleInput, tdkt_app::history::AwardInput, tdkt_app::history::InitiativeInput, tdkt_app::history::InitiativeReviewInput, PapersInput, CovenantInput, UnitInput, UnitPatch, LineageInput, PersonInput, PersonPatch, RatingInput, ErrorBody, ErrorDetail)),
    modifiers(&Security),
    security(("bearer" = []))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let c = api.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    document().to_pretty_json().expect("OpenAPI serialises")
}

/// The whole document: units, people, history and the dossier module.
fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(dossiers::DossierApi::openapi());
    doc
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/units", get(list_units).post(create_unit))
        .route("/api/v1/units/{id}", get(get_unit).patch(update_unit))
        .route("/api/v1/units/{id}/lineage", get(unit_lineage))
        .route(
            "/api/v1/lineage-events",
            axum::routing::post(create_lineage),
        )
        .route("/api/v1/people", get(list_people).post(create_person))
        .route("/api/v1/people/{id}", get(get_person).patch(update_person))
        .route(
            "/api/v1/people/{id}/ratings",
            axum::routing::put(put_ratings),
        )
        .route(
            "/api/v1/cluster-evaluations",
            axum::routing::post(cluster_evaluation),
        )
        .route(
            "/api/v1/clusters/{id}/years/{year}/covenant",
            axum::routing::put(put_covenant),
        )
        .route(
            "/api/v1/ballots/{id}/papers",
            axum::routing::post(record_papers),
        )
        .route(
            "/api/v1/eligibility/check",
            axum::routing::post(eligibility_check),
        )
        .route(
            "/api/v1/people/{id}/titles",
            axum::routing::put(put_titles).delete(delete_title),
        )
        .route("/api/v1/people/{id}/awards", axum::routing::post(add_award))
        .route("/api/v1/people/{id}/eligibility", get(person_eligibility))
        .route(
            "/api/v1/initiatives",
            get(list_initiatives).post(create_initiative),
        )
        .route("/api/v1/initiatives/{id}", get(get_initiative))
        .route(
            "/api/v1/initiatives/{id}/review",
            axum::routing::post(review_initiative),
        )
        .route(
            "/api/v1/units/{id}/history-import",
            axum::routing::post(import_history).layer(axum::extract::DefaultBodyLimit::max(
                crate::csrf::UPLOAD_LIMIT,
            )),
        )
        .route(
            "/api/v1/units/{id}/ratings",
            axum::routing::put(put_unit_ratings),
        )
        .route("/api/v1/units/{id}/eligibility", get(unit_eligibility))
        .route(
            "/api/v1/catalog/local-kinds",
            get(list_local_kinds).post(create_local_kind),
        )
        .merge(dossiers::routes())
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", document()))
}

type ApiResult<T> = Result<T, ApiError>;

fn created<T: serde::Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

#[derive(Deserialize, IntoParams)]
struct UnitQuery {
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
async fn list_units(
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
async fn create_unit(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(input): ApiJson<UnitInput>,
) -> ApiResult<Response> {
    let u = st.app.create_unit(&p, input).await?;
    Ok(created(UnitDto::from(&u)))
}

/// One unit.
#[utoipa::path(tag = "Đơn vị", get, path = "/api/v1/units/{id}", params(("id" = i64, Path)), responses((status = 200, body = UnitDto), (status = 404, body = ErrorBody)))]
async fn get_unit(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<UnitDto>> {
    Ok(Json(UnitDto::from(&st.app.unit(&p, id).await?)))
}

/// Change a unit; a change of name, kind or parent keeps the old state in its history.
#[utoipa::path(tag = "Đơn vị", patch, path = "/api/v1/units/{id}", params(("id" = i64, Path)), request_body = UnitPatch, responses((status = 200, body = UnitDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_unit(
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
async fn unit_lineage(
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
async fn create_lineage(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(input): ApiJson<LineageInput>,
) -> ApiResult<Response> {
    Ok(created(LineageDto::from(
        &st.app.create_lineage(&p, input).await?,
    )))
}

#[derive(Deserialize, IntoParams)]
struct PeopleQuery {
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
async fn list_people(
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
async fn create_person(
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
async fn get_person(
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
async fn update_person(
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
async fn put_ratings(
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

/// Score, rank and tally a cluster year: members, criteria with maxima, all scores, the method
/// and the ballot papers in; ranking with totals and tie-break path, sensitivity table, pair
/// flags and the ballot outcome out. Format and example: docs/cluster-evaluation.md.
#[utoipa::path(tag = "Cụm thi đua", post, path = "/api/v1/cluster-evaluations", request_body(content = serde_json::Value, description = "EvaluationInput (docs/cluster-evaluation.md)"), responses((status = 200, body = serde_json::Value, description = "Evaluation"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn cluster_evaluation(
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
struct CovenantInput {
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
async fn put_covenant(
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
struct PapersInput {
    voter_units: Vec<i64>,
    /// Each paper: category id → chosen candidate unit ids (as strings).
    #[schema(value_type = Vec<Object>)]
    papers: Vec<std::collections::BTreeMap<String, Vec<String>>>,
}

/// Record paper ballots (organiser, leader or deputy only; the ballot must be open).
#[utoipa::path(tag = "Cụm thi đua", post, path = "/api/v1/ballots/{id}/papers", params(("id" = i64, Path)), request_body = PapersInput, responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_papers(
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

/// Check a subject's history against an award on a reference date (or a batch: an array);
/// answers the verdict, the rule pack in force, one line per criterion with its citation, and
/// what is missing. Format and examples: docs/eligibility.md.
#[utoipa::path(tag = "Xét điều kiện", post, path = "/api/v1/eligibility/check", request_body(content = serde_json::Value, description = "CheckRequest or [CheckRequest] (docs/eligibility.md)"), responses((status = 200, body = serde_json::Value, description = "Verdict or [Verdict | {error}]"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn eligibility_check(
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
async fn put_titles(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<Vec<tdkt_app::history::TitleInput>>,
) -> ApiResult<Json<Vec<tdkt_store::TitleRow>>> {
    Ok(Json(st.app.put_person_titles(&p, id, &input).await?))
}

#[derive(Deserialize, IntoParams)]
struct TitleKey {
    year: i32,
    code: String,
}

/// Remove a title recorded by mistake; initiatives it used count again.
#[utoipa::path(tag = "Cá nhân", delete, path = "/api/v1/people/{id}/titles", params(("id" = i64, Path), TitleKey), responses((status = 200, body = serde_json::Value, description = "The titles left"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_title(
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
async fn add_award(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<tdkt_app::history::AwardInput>,
) -> ApiResult<Response> {
    Ok(created(st.app.add_person_award(&p, id, input).await?))
}

#[derive(Deserialize, IntoParams)]
struct OnDate {
    /// ISO date (default: today).
    date: Option<String>,
}

/// The engine's verdicts for the awards that matter to this person, from the stored history.
#[utoipa::path(tag = "Xét điều kiện", get, path = "/api/v1/people/{id}/eligibility", params(("id" = i64, Path), OnDate), responses((status = 200, body = serde_json::Value, description = "[Verdict]"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn person_eligibility(
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

#[derive(Deserialize, IntoParams)]
struct UnitParam {
    /// The unit whose subtree to list.
    unit: i64,
}

/// Initiatives of a unit and the units under it, newest first, with review and use.
#[utoipa::path(tag = "Sáng kiến", get, path = "/api/v1/initiatives", params(UnitParam), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody)))]
async fn list_initiatives(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<UnitParam>,
) -> ApiResult<Json<Vec<tdkt_store::InitiativeRow>>> {
    Ok(Json(st.app.unit_initiatives(&p, q.unit).await?))
}

/// One initiative: authors, recognised scope and date, and the award that used it.
#[utoipa::path(tag = "Sáng kiến", get, path = "/api/v1/initiatives/{id}", params(("id" = i64, Path)), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_initiative(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<tdkt_store::InitiativeRow>> {
    Ok(Json(st.app.initiative(&p, id).await?))
}

/// Register an initiative with its authors.
#[utoipa::path(tag = "Sáng kiến", post, path = "/api/v1/initiatives", request_body = tdkt_app::history::InitiativeInput, responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_initiative(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(input): ApiJson<tdkt_app::history::InitiativeInput>,
) -> ApiResult<Response> {
    Ok(created(st.app.create_initiative(&p, input).await?))
}

/// Record the council's review: recognised scope, date and effect.
#[utoipa::path(tag = "Sáng kiến", post, path = "/api/v1/initiatives/{id}/review", params(("id" = i64, Path)), request_body = tdkt_app::history::InitiativeReviewInput, responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn review_initiative(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<tdkt_app::history::InitiativeReviewInput>,
) -> ApiResult<Json<tdkt_store::InitiativeRow>> {
    Ok(Json(st.app.review_initiative(&p, id, input).await?))
}

/// Import yearly ratings and titles of a unit's staff from CSV or XLSX (first sheet) with the
/// header `ho_ten,cccd,nam,xep_loai,danh_hieu`. Every row is checked first; an error names the
/// row and column and nothing is written.
#[utoipa::path(tag = "Cá nhân", post, path = "/api/v1/units/{id}/history-import", params(("id" = i64, Path)), request_body(content = String, content_type = "text/csv", description = "CSV (UTF-8), or an XLSX workbook sent as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), responses((status = 200, body = tdkt_app::history::ImportReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_history(
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
async fn put_unit_ratings(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<Vec<tdkt_app::history::UnitRatingInput>>,
) -> ApiResult<Json<Vec<tdkt_store::UnitRatingRow>>> {
    Ok(Json(st.app.put_unit_ratings(&p, id, &input).await?))
}

/// The engine's verdicts for the collective titles, from the unit's ratings and its members.
#[utoipa::path(tag = "Xét điều kiện", get, path = "/api/v1/units/{id}/eligibility", params(("id" = i64, Path), OnDate), responses((status = 200, body = serde_json::Value, description = "[Verdict]"), (status = 403, body = ErrorBody)))]
async fn unit_eligibility(
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

/// Award kinds added locally (beside rules/catalog.toml).
#[utoipa::path(tag = "Danh mục", get, path = "/api/v1/catalog/local-kinds", responses((status = 200, body = serde_json::Value)))]
async fn list_local_kinds(
    State(st): State<AppState>,
    _user: ApiUser,
) -> ApiResult<Json<Vec<tdkt_store::LocalAwardKind>>> {
    Ok(Json(st.app.local_award_kinds().await?))
}

/// Add an award kind of an authority's own (administrators): code, name, kind (`danh_hieu` or
/// `hinh_thuc`), subjects, level, who grants it, bonus multiple, and the authority's unit.
#[utoipa::path(tag = "Danh mục", post, path = "/api/v1/catalog/local-kinds", request_body(content = serde_json::Value, description = "LocalAwardKind"), responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_local_kind(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(k): ApiJson<tdkt_store::LocalAwardKind>,
) -> ApiResult<Response> {
    Ok(created(st.app.create_local_award_kind(&p, k).await?))
}
