//! JSON API `/api/v1`: units and people. Authentication by `Authorization: Bearer tdkt_…` or
//! the session cookie (then with the CSRF header). The OpenAPI document is generated from
//! these handlers' annotations. This file: the document, the route table and the pieces the
//! handlers share.

mod catalog;
mod clusters;
mod dossiers;
mod dto;
mod initiatives;
mod movements;
mod people;
mod units;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde::Deserialize;
use tdkt_app::people::{PersonInput, PersonPatch, RatingInput};
use tdkt_app::units::{LineageInput, UnitInput, UnitPatch};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;
use crate::errors::{ApiError, ErrorBody, ErrorDetail};

/// Shared with the unit page's import form.
pub(crate) use units::import_bytes;

#[derive(OpenApi)]
#[openapi(
    info(title = "tdkt API", version = "1", description = "API của tdkt: đơn vị, cá nhân. Lỗi trả về dạng {\"error\": {\"code\", \"message\", \"field\"}} với thông báo tiếng Việt."),
    paths(units::list_units, units::create_unit, units::get_unit, units::update_unit, units::unit_lineage, units::create_lineage, people::list_people, people::create_person, people::get_person, people::update_person, people::put_ratings, clusters::cluster_evaluation, clusters::put_covenant, clusters::record_papers, people::eligibility_check, people::put_titles, people::delete_title, people::add_award, people::person_eligibility, initiatives::list_initiatives, initiatives::get_initiative, initiatives::create_initiative, initiatives::review_initiative, units::import_history, units::put_unit_ratings, units::unit_eligibility, catalog::list_local_kinds, catalog::create_local_kind),
    components(schemas(tdkt_app::history::UnitRatingInput, tdkt_app::history::TitleInput, tdkt_app::history::AwardInput, tdkt_app::history::InitiativeInput, tdkt_app::history::InitiativeReviewInput, clusters::PapersInput, clusters::CovenantInput, UnitInput, UnitPatch, LineageInput, PersonInput, PersonPatch, RatingInput, ErrorBody, ErrorDetail)),
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
    doc.merge(movements::MovementApi::openapi());
    doc
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/units",
            get(units::list_units).post(units::create_unit),
        )
        .route(
            "/api/v1/units/{id}",
            get(units::get_unit).patch(units::update_unit),
        )
        .route("/api/v1/units/{id}/lineage", get(units::unit_lineage))
        .route(
            "/api/v1/lineage-events",
            axum::routing::post(units::create_lineage),
        )
        .route(
            "/api/v1/people",
            get(people::list_people).post(people::create_person),
        )
        .route(
            "/api/v1/people/{id}",
            get(people::get_person).patch(people::update_person),
        )
        .route(
            "/api/v1/people/{id}/ratings",
            axum::routing::put(people::put_ratings),
        )
        .route(
            "/api/v1/cluster-evaluations",
            axum::routing::post(clusters::cluster_evaluation),
        )
        .route(
            "/api/v1/clusters/{id}/years/{year}/covenant",
            axum::routing::put(clusters::put_covenant),
        )
        .route(
            "/api/v1/ballots/{id}/papers",
            axum::routing::post(clusters::record_papers),
        )
        .route(
            "/api/v1/eligibility/check",
            axum::routing::post(people::eligibility_check),
        )
        .route(
            "/api/v1/people/{id}/titles",
            axum::routing::put(people::put_titles).delete(people::delete_title),
        )
        .route(
            "/api/v1/people/{id}/awards",
            axum::routing::post(people::add_award),
        )
        .route(
            "/api/v1/people/{id}/eligibility",
            get(people::person_eligibility),
        )
        .route(
            "/api/v1/initiatives",
            get(initiatives::list_initiatives).post(initiatives::create_initiative),
        )
        .route("/api/v1/initiatives/{id}", get(initiatives::get_initiative))
        .route(
            "/api/v1/initiatives/{id}/review",
            axum::routing::post(initiatives::review_initiative),
        )
        .route(
            "/api/v1/units/{id}/history-import",
            axum::routing::post(units::import_history).layer(axum::extract::DefaultBodyLimit::max(
                crate::csrf::UPLOAD_LIMIT,
            )),
        )
        .route(
            "/api/v1/units/{id}/ratings",
            axum::routing::put(units::put_unit_ratings),
        )
        .route(
            "/api/v1/units/{id}/eligibility",
            get(units::unit_eligibility),
        )
        .route(
            "/api/v1/catalog/local-kinds",
            get(catalog::list_local_kinds).post(catalog::create_local_kind),
        )
        .merge(dossiers::routes())
        .merge(movements::routes())
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", document()))
}

pub(super) type ApiResult<T> = Result<T, ApiError>;

pub(super) fn created<T: serde::Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

#[derive(Deserialize, IntoParams)]
pub(super) struct OnDate {
    /// ISO date (default: today).
    date: Option<String>,
}
