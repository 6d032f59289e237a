//! JSON API of nomination dossiers, the council's vote, decisions and the register. The same use
//! cases as the pages; errors in the common `{"error": …}` shape.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::response::{Json, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use tdkt_app::decision::DecisionInput;
use tdkt_app::dossiers::{AppraisalInput, DossierInput, NomineeInput, StepInput};
use tdkt_app::register::RegisterQuery;
use tdkt_domain::dossier::council::Choice;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{ApiResult, created};
use crate::AppState;
use crate::auth::ApiUser;
use crate::errors::ErrorBody;
use crate::extract::{ApiJson, ApiQuery, Id};

#[derive(OpenApi)]
#[openapi(
    paths(
        inbox,
        create_dossier,
        get_dossier,
        put_nominees,
        add_document,
        take_step,
        appraise,
        vote,
        written_vote,
        close_vote,
        issue_decision,
        register,
        certificate,
        consultations
    ),
    components(schemas(
        DossierInput,
        NomineeInput,
        StepInput,
        AppraisalInput,
        DecisionInput,
        VoteInput,
        WrittenVoteInput
    ))
)]
pub struct DossierApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers", get(inbox).post(create_dossier))
        .route("/api/v1/dossiers/{id}", get(get_dossier))
        .route("/api/v1/dossiers/{id}/nominees", put(put_nominees))
        .route(
            "/api/v1/dossiers/{id}/documents",
            post(add_document).layer(axum::extract::DefaultBodyLimit::max(
                crate::csrf::UPLOAD_LIMIT,
            )),
        )
        .route("/api/v1/dossiers/{id}/steps", post(take_step))
        .route("/api/v1/dossiers/{id}/appraisals", post(appraise))
        .route("/api/v1/dossiers/{id}/votes", post(vote))
        .route("/api/v1/dossiers/{id}/written-votes", post(written_vote))
        .route("/api/v1/dossiers/{id}/vote-close", post(close_vote))
        .route("/api/v1/dossiers/{id}/decision", post(issue_decision))
        .route("/api/v1/register", get(register))
        .route("/api/v1/certificates/{key}", get(certificate))
        .route("/api/v1/consultations", get(consultations))
}

/// The caller's inboxes: one list of dossiers per section of their roles.
#[utoipa::path(tag = "Hồ sơ khen thưởng", get, path = "/api/v1/dossiers", responses((status = 200, body = serde_json::Value, description = "[{key, title, items: [DossierSummary]}]"), (status = 401, body = ErrorBody)))]
async fn inbox(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<serde_json::Value>> {
    let sections = st.app.inbox(&p).await?;
    Ok(Json(serde_json::Value::Array(
        sections
            .into_iter()
            .map(|s| serde_json::json!({"key": s.key, "title": s.title, "items": s.items}))
            .collect(),
    )))
}

/// A draft dossier of the caller's unit with its nominees (people and collectives of the unit).
#[utoipa::path(tag = "Hồ sơ khen thưởng", post, path = "/api/v1/dossiers", request_body = DossierInput, responses((status = 201, body = serde_json::Value, description = "DossierRow"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_dossier(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(input): ApiJson<DossierInput>,
) -> ApiResult<Response> {
    Ok(created(st.app.create_dossier(&p, input).await?))
}

/// A dossier with its nominees, the engine's verdicts, documents and versions, timeline,
/// comments, duplicates, the steps the caller may take, the council ballot and the decision.
#[utoipa::path(tag = "Hồ sơ khen thưởng", get, path = "/api/v1/dossiers/{id}", params(("id" = i64, Path)), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_dossier(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<serde_json::Value>> {
    let v = st.app.dossier_view(&p, id).await?;
    Ok(Json(serde_json::json!({
        "dossier": v.dossier,
        "documents": v.documents,
        "events": v.events,
        "comments": if v.may_moderate { serde_json::to_value(&v.comments).unwrap_or_default() } else { serde_json::Value::Array(vec![]) },
        "duplicates": v.duplicates,
        "checks": v.checks.iter().map(|c| serde_json::json!({"nominee_id": c.nominee_id, "verdict": c.verdict, "lines": c.lines})).collect::<Vec<_>>(),
        "steps": v.steps.iter().map(|s| s.code()).collect::<Vec<_>>(),
        "above_power": v.above_power,
        "council": v.council.map(|b| serde_json::json!({"status": b.status, "rule_hash": b.rule_hash, "result": b.result_json.and_then(|r| serde_json::from_str::<serde_json::Value>(&r).ok())})),
        "decision": v.decision.map(|d| serde_json::json!({"number": d.number, "signed_on": tdkt_domain::dates::iso(d.signed_on), "signer_name": d.signer_name, "signer_title": d.signer_title, "total": d.total})),
    })))
}

#[derive(Deserialize, IntoParams)]
struct VersionQuery {
    /// The dossier version the caller saw.
    version: i64,
}

/// Replace the nominee list (draft or returned dossiers); the old list is kept.
#[utoipa::path(tag = "Hồ sơ khen thưởng", put, path = "/api/v1/dossiers/{id}/nominees", params(("id" = i64, Path), VersionQuery), request_body = Vec<NomineeInput>, responses((status = 200, body = serde_json::Value), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_nominees(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiQuery(q): ApiQuery<VersionQuery>,
    ApiJson(input): ApiJson<Vec<NomineeInput>>,
) -> ApiResult<Json<tdkt_store::DossierRow>> {
    Ok(Json(
        st.app.update_nominees(&p, id, q.version, &input).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
struct DocumentQuery {
    /// `to_trinh`, `bao_cao_thanh_tich`, `bien_ban`, `minh_chung`, `khac`.
    slot: String,
    filename: String,
    title: Option<String>,
    /// A new version of this document (else a new document).
    document_id: Option<i64>,
}

/// Attach a file: the raw bytes as the body (PDF, DOCX, XLSX, PNG, JPEG; checked by content).
#[utoipa::path(tag = "Hồ sơ khen thưởng", post, path = "/api/v1/dossiers/{id}/documents", params(("id" = i64, Path), DocumentQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 201, body = serde_json::Value), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_document(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiQuery(q): ApiQuery<DocumentQuery>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    Ok(created(
        st.app
            .add_document(
                &p,
                id,
                q.document_id,
                &q.slot,
                q.title.as_deref(),
                &q.filename,
                body.to_vec(),
            )
            .await?,
    ))
}

/// Take a workflow step (docs/dossiers.md); refused with 409 when the dossier changed since
/// `version`.
#[utoipa::path(tag = "Hồ sơ khen thưởng", post, path = "/api/v1/dossiers/{id}/steps", params(("id" = i64, Path)), request_body = StepInput, responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn take_step(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<StepInput>,
) -> ApiResult<Json<tdkt_store::DossierRow>> {
    Ok(Json(st.app.dossier_step(&p, id, input).await?))
}

/// Record the appraisal of one nominee (a result unlike the engine's verdict needs a reason).
#[utoipa::path(tag = "Hồ sơ khen thưởng", post, path = "/api/v1/dossiers/{id}/appraisals", params(("id" = i64, Path)), request_body = AppraisalInput, responses((status = 200, body = serde_json::Value), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn appraise(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<AppraisalInput>,
) -> ApiResult<Json<tdkt_store::DossierRow>> {
    Ok(Json(st.app.appraise_nominee(&p, id, input).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct VoteInput {
    /// Nominee id → `dong_y` or `khong_dong_y`; a nominee left out is a blank.
    #[schema(value_type = Object)]
    pub choices: BTreeMap<i64, Choice>,
}

#[derive(Deserialize, ToSchema)]
pub struct WrittenVoteInput {
    /// The absent member (user id).
    pub member: i64,
    #[schema(value_type = Object)]
    pub choices: BTreeMap<i64, Choice>,
}

/// A council member's own secret vote.
#[utoipa::path(tag = "Hội đồng", post, path = "/api/v1/dossiers/{id}/votes", params(("id" = i64, Path)), request_body = VoteInput, responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn vote(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<VoteInput>,
) -> ApiResult<axum::http::StatusCode> {
    st.app.cast_council_vote(&p, id, input.choices).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The written vote of an absent member, entered by the council's secretary.
#[utoipa::path(tag = "Hội đồng", post, path = "/api/v1/dossiers/{id}/written-votes", params(("id" = i64, Path)), request_body = WrittenVoteInput, responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn written_vote(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<WrittenVoteInput>,
) -> ApiResult<axum::http::StatusCode> {
    st.app
        .record_written_vote(&p, id, input.member, input.choices)
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Close the vote and count: each nominee's agree votes against the threshold over all members.
#[utoipa::path(tag = "Hội đồng", post, path = "/api/v1/dossiers/{id}/vote-close", params(("id" = i64, Path)), responses((status = 200, body = serde_json::Value, description = "CouncilResult"), (status = 409, body = ErrorBody)))]
async fn close_vote(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<tdkt_domain::dossier::council::CouncilResult>> {
    Ok(Json(st.app.close_council_vote(&p, id).await?))
}

/// Issue the decision: numbered per authority and year, awards written into the register.
#[utoipa::path(tag = "Hồ sơ khen thưởng", post, path = "/api/v1/dossiers/{id}/decision", params(("id" = i64, Path)), request_body = DecisionInput, responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn issue_decision(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    Id(id): Id,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<Response> {
    Ok(created(st.app.issue_decision(&p, id, input).await?))
}

/// Search the register by name (with or without diacritics), award, year and unit.
#[utoipa::path(tag = "Sổ khen thưởng", get, path = "/api/v1/register", params(RegisterQuery), responses((status = 200, body = serde_json::Value, description = "[RegisterRow]"), (status = 403, body = ErrorBody)))]
async fn register(
    State(st): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<RegisterQuery>,
) -> ApiResult<Json<Vec<tdkt_store::RegisterRow>>> {
    Ok(Json(st.app.search_register(&p, &q).await?))
}

/// Public: what a certificate's QR code verifies (no login; nothing private).
#[utoipa::path(tag = "Công khai", get, path = "/api/v1/certificates/{key}", params(("key" = String, Path)), security(()), responses((status = 200, body = tdkt_app::certificates::PublicCertificate), (status = 404, body = ErrorBody)))]
async fn certificate(
    State(st): State<AppState>,
    axum::extract::Path(key): axum::extract::Path<String>,
) -> ApiResult<Json<tdkt_app::certificates::PublicCertificate>> {
    Ok(Json(st.app.verify_certificate(&key).await?))
}

/// Public: proposals open for comment today.
#[utoipa::path(tag = "Công khai", get, path = "/api/v1/consultations", security(()), responses((status = 200, body = serde_json::Value, description = "[PublicDossier]")))]
async fn consultations(
    State(st): State<AppState>,
) -> ApiResult<Json<Vec<tdkt_app::dossiers::PublicDossier>>> {
    let mut out = Vec::new();
    for d in st.app.public_consultations().await? {
        out.push(st.app.public_dossier(d.id).await?);
    }
    Ok(Json(out))
}
