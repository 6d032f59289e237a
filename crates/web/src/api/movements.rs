//! JSON API of emulation movements: the movement and its lifecycle, registrations (JSON or an
//! XLSX upload, and the template), reports, the progress matrix, the review and its dossier,
//! the covenant link, and the public list. The same use cases as the pages.

use axum::Router;
use axum::extract::State;
use axum::response::{Json, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use tdkt_app::movements::{
    CriterionForm, IndicatorForm, MilestoneForm, MovementForm, MovementStepInput,
    RegistrationInput, RegistrationLineInput, ReportInput, ReportValueInput, ReviewInput,
};
use tdkt_store::Paging;
use utoipa::{IntoParams, OpenApi};

use super::{ApiResult, created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::errors::ErrorBody;
use crate::extract::{ApiJson, ApiQuery, Id, Ids};
use crate::html::dossiers::file_response;

#[derive(OpenApi)]
#[openapi(
    paths(
        list_movements,
        create_movement,
        get_movement,
        update_movement,
        take_step,
        launch_file,
        registration_overview,
        get_registration,
        put_registration,
        upload_registration,
        registration_template,
        progress,
        get_report,
        put_report,
        add_report_file,
        candidates,
        review_dossier,
        put_covenant_movements,
        public_movements
    ),
    components(schemas(
        MovementForm,
        CriterionForm,
        MilestoneForm,
        IndicatorForm,
        MovementStepInput,
        RegistrationInput,
        RegistrationLineInput,
        ReportInput,
        ReportValueInput,
        ReviewInput
    ))
)]
pub struct MovementApi;

pub fn routes() -> Router<AppState> {
    let upload = || axum::extract::DefaultBodyLimit::max(crate::csrf::UPLOAD_LIMIT);
    Router::new()
        .route(
            "/api/v1/movements",
            get(list_movements).post(create_movement),
        )
        .route(
            "/api/v1/movements/{id}",
            get(get_movement).put(update_movement),
        )
        .route("/api/v1/movements/{id}/steps", post(take_step))
        .route(
            "/api/v1/movements/{id}/launch-file",
            put(launch_file).layer(upload()),
        )
        .route(
            "/api/v1/movements/{id}/registrations",
            get(registration_overview),
        )
        .route(
            "/api/v1/movements/{id}/registrations/{unit}",
            get(get_registration).put(put_registration),
        )
        .route(
            "/api/v1/movements/{id}/registrations/{unit}/xlsx",
            post(upload_registration).layer(upload()),
        )
        .route(
            "/api/v1/movements/{id}/registrations/{unit}/template",
            get(registration_template),
        )
        .route("/api/v1/movements/{id}/progress", get(progress))
        .route(
            "/api/v1/movements/{id}/reports/{milestone}/{unit}",
            get(get_report).put(put_report),
        )
        .route(
            "/api/v1/movements/{id}/reports/{milestone}/{unit}/files",
            post(add_report_file).layer(upload()),
        )
        .route("/api/v1/movements/{id}/candidates", get(candidates))
        .route(
            "/api/v1/movements/{id}/review-dossier",
            post(review_dossier),
        )
        .route(
            "/api/v1/clusters/{id}/years/{year}/movements",
            put(put_covenant_movements),
        )
        .route("/api/v1/public/movements", get(public_movements))
}

const TAG: &str = "Phong trào thi đua";

#[derive(Deserialize, IntoParams)]
struct ListQuery {
    /// Running during this year.
    year: Option<i32>,
    /// Targeting this unit.
    unit: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// Movements the caller may see (launched ones, and drafts of the authorities they manage).
#[utoipa::path(tag = TAG, get, path = "/api/v1/movements", params(ListQuery), responses((status = 200, body = serde_json::Value, description = "Page<MovementSummary>"), (status = 401, body = ErrorBody)))]
async fn list_movements(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<tdkt_store::Page<tdkt_store::MovementSummary>>> {
    Ok(Json(
        st.app
            .movements(&p, q.year, q.unit, Paging::new(q.page, q.per_page))
            .await?,
    ))
}

/// Draft a movement: authority, 0601 classification, dates, targets, criteria, milestones,
/// indicators.
#[utoipa::path(tag = TAG, post, path = "/api/v1/movements", request_body = MovementForm, responses((status = 201, body = serde_json::Value, description = "MovementRow"), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_movement(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(f): ApiJson<MovementForm>,
) -> ApiResult<Response> {
    Ok(created(st.app.create_movement(&p, &f).await?))
}

/// A movement with its duration band, targets, the movements carrying it out and the steps the
/// caller may take.
#[utoipa::path(tag = TAG, get, path = "/api/v1/movements/{id}", params(("id" = i64, Path)), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_movement(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<serde_json::Value>> {
    let v = st.app.movement_view(&p, id).await?;
    Ok(Json(serde_json::json!({
        "movement": v.movement,
        "duration_band": v.band,
        "targets": v.targets,
        "children": v.children,
        "steps": v.steps.iter().map(|s| s.code()).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize, IntoParams)]
struct VersionQuery {
    /// The version the caller saw.
    version: i64,
}

/// Change a draft.
#[utoipa::path(tag = TAG, put, path = "/api/v1/movements/{id}", params(("id" = i64, Path), VersionQuery), request_body = MovementForm, responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_movement(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiQuery(q): ApiQuery<VersionQuery>,
    ApiJson(f): ApiJson<MovementForm>,
) -> ApiResult<Json<tdkt_store::MovementRow>> {
    Ok(Json(st.app.update_movement(&p, id, q.version, &f).await?))
}

/// A lifecycle step (docs/movements.md); 409 when the movement changed since `version`.
#[utoipa::path(tag = TAG, post, path = "/api/v1/movements/{id}/steps", params(("id" = i64, Path)), request_body = MovementStepInput, responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn take_step(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<MovementStepInput>,
) -> ApiResult<Json<tdkt_store::MovementRow>> {
    Ok(Json(st.app.movement_step(&p, id, &input).await?))
}

#[derive(Deserialize, IntoParams)]
struct FileQuery {
    filename: String,
}

/// Upload the launch decision (PDF or DOCX, the raw file as the body).
#[utoipa::path(tag = TAG, put, path = "/api/v1/movements/{id}/launch-file", params(("id" = i64, Path), FileQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn launch_file(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiQuery(q): ApiQuery<FileQuery>,
    body: axum::body::Bytes,
) -> ApiResult<Json<tdkt_store::MovementRow>> {
    Ok(Json(
        st.app
            .set_launch_file(&p, id, &q.filename, body.to_vec())
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
struct YearQuery {
    year: i32,
}

/// Who registered for a year (on time, late), who is missing, and the totals by title.
#[utoipa::path(tag = TAG, get, path = "/api/v1/movements/{id}/registrations", params(("id" = i64, Path), YearQuery), responses((status = 200, body = tdkt_app::movements::RegistrationOverview), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn registration_overview(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<tdkt_app::movements::RegistrationOverview>> {
    Ok(Json(st.app.registration_overview(&p, id, q.year).await?))
}

/// A unit's registration of a year: the current version and every version.
#[utoipa::path(tag = TAG, get, path = "/api/v1/movements/{id}/registrations/{unit}", params(("id" = i64, Path), ("unit" = i64, Path), YearQuery), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody)))]
async fn get_registration(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Ids(ids): Ids,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let page = st.app.registration_page(&p, ids[0], ids[1], q.year).await?;
    Ok(Json(serde_json::json!({
        "deadline": tdkt_domain::dates::iso(page.deadline),
        "current": page.current,
        "versions": page.versions,
        "may_register": page.may_register,
    })))
}

/// Register (a new version) for a year.
#[utoipa::path(tag = TAG, put, path = "/api/v1/movements/{id}/registrations/{unit}", params(("id" = i64, Path), ("unit" = i64, Path)), request_body = RegistrationInput, responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_registration(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Ids(ids): Ids,
    ApiJson(input): ApiJson<RegistrationInput>,
) -> ApiResult<Json<tdkt_store::RegistrationRow>> {
    Ok(Json(st.app.register(&p, ids[0], ids[1], &input).await?))
}

/// Register from the filled template (XLSX as the body); all or nothing, errors name the row
/// and column.
#[utoipa::path(tag = TAG, post, path = "/api/v1/movements/{id}/registrations/{unit}/xlsx", params(("id" = i64, Path), ("unit" = i64, Path), YearQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_registration(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Ids(ids): Ids,
    ApiQuery(q): ApiQuery<YearQuery>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    Ok(created(
        st.app
            .register_from_xlsx(&p, ids[0], ids[1], q.year, &body)
            .await?,
    ))
}

/// The XLSX template of a unit's registration (its staff listed, titles to fill).
#[utoipa::path(tag = TAG, get, path = "/api/v1/movements/{id}/registrations/{unit}/template", params(("id" = i64, Path), ("unit" = i64, Path)), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = ErrorBody)))]
async fn registration_template(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Ids(ids): Ids,
) -> ApiResult<Response> {
    let bytes = st.app.registration_template(&p, ids[0], ids[1]).await?;
    Ok(file_response(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "dang-ky-thi-dua.xlsx",
    ))
}

#[derive(Deserialize, IntoParams)]
struct MilestoneQuery {
    /// The milestone whose figures to sum (default: the last one due).
    milestone: Option<i64>,
}

/// The units × milestones matrix and the indicators summed up the tree.
#[utoipa::path(tag = TAG, get, path = "/api/v1/movements/{id}/progress", params(("id" = i64, Path), MilestoneQuery), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody)))]
async fn progress(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiQuery(q): ApiQuery<MilestoneQuery>,
) -> ApiResult<Json<tdkt_app::movements::Progress>> {
    Ok(Json(st.app.movement_progress(&p, id, q.milestone).await?))
}

/// A unit's report for a milestone (`null` if not sent).
#[utoipa::path(tag = TAG, get, path = "/api/v1/movements/{id}/reports/{milestone}/{unit}", params(("id" = i64, Path), ("milestone" = i64, Path), ("unit" = i64, Path)), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody)))]
async fn get_report(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Ids(ids): Ids,
) -> ApiResult<Json<Option<tdkt_store::ReportRow>>> {
    Ok(Json(
        st.app.movement_report(&p, ids[0], ids[1], ids[2]).await?,
    ))
}

/// Submit or amend a report (files: `POST …/files`).
#[utoipa::path(tag = TAG, put, path = "/api/v1/movements/{id}/reports/{milestone}/{unit}", params(("id" = i64, Path), ("milestone" = i64, Path), ("unit" = i64, Path)), request_body = ReportInput, responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_report(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Ids(ids): Ids,
    ApiJson(input): ApiJson<ReportInput>,
) -> ApiResult<Json<tdkt_store::ReportRow>> {
    Ok(Json(
        st.app
            .submit_report(&p, ids[0], ids[1], ids[2], &input, vec![])
            .await?,
    ))
}

/// Attach a file (PDF, DOCX, XLSX, PNG, JPEG; the raw file as the body) to a report already
/// sent.
#[utoipa::path(tag = TAG, post, path = "/api/v1/movements/{id}/reports/{milestone}/{unit}/files", params(("id" = i64, Path), ("milestone" = i64, Path), ("unit" = i64, Path), FileQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_report_file(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Ids(ids): Ids,
    ApiQuery(q): ApiQuery<FileQuery>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    Ok(created(
        st.app
            .add_report_file(&p, ids[0], ids[1], ids[2], &q.filename, body.to_vec())
            .await?,
    ))
}

/// Targeted units ranked for the review.
#[utoipa::path(tag = TAG, get, path = "/api/v1/movements/{id}/candidates", params(("id" = i64, Path)), responses((status = 200, body = Vec<tdkt_app::movements::Candidate>), (status = 403, body = ErrorBody)))]
async fn candidates(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<tdkt_app::movements::Candidate>>> {
    Ok(Json(st.app.review_candidates(&p, id).await?))
}

/// Open the review's dossier for the outstanding units (after sơ kết or tổng kết).
#[utoipa::path(tag = TAG, post, path = "/api/v1/movements/{id}/review-dossier", params(("id" = i64, Path)), request_body = ReviewInput, responses((status = 201, body = serde_json::Value, description = "DossierRow"), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn review_dossier(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<Response> {
    Ok(created(st.app.open_review_dossier(&p, id, &input).await?))
}

/// Name the movements a cluster's covenant of a year implements.
#[utoipa::path(tag = TAG, put, path = "/api/v1/clusters/{id}/years/{year}/movements", params(("id" = i64, Path), ("year" = i32, Path)), request_body = Vec<i64>, responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_covenant_movements(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Ids(ids): Ids,
    ApiJson(movements): ApiJson<Vec<i64>>,
) -> ApiResult<Json<Vec<tdkt_store::MovementSummary>>> {
    Ok(Json(
        st.app
            .set_covenant_movements(&p, ids[0], ids[1] as i32, &movements)
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
struct PageParams {
    page: Option<i64>,
    per_page: Option<i64>,
}

/// Launched movements, for anyone (name, authority, dates, launch decision).
#[utoipa::path(tag = TAG, get, path = "/api/v1/public/movements", params(PageParams), responses((status = 200, body = serde_json::Value, description = "Page<MovementSummary>")))]
async fn public_movements(
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<Json<tdkt_store::Page<tdkt_store::MovementSummary>>> {
    Ok(Json(
        st.app
            .public_movements(Paging::new(q.page, q.per_page))
            .await?,
    ))
}
