//! Form posts on the dossier page: workflow steps, appraisal, comments, council votes, decision.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tdkt_app::AppError;
use tdkt_app::dossiers::{AppraisalInput, StepInput};
use tdkt_domain::dossier::council::Choice;

use super::page::after;
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{FormPairs, Id, Ids};

#[derive(Deserialize)]
pub(super) struct StepForm {
    buoc: String,
    phien_ban: i64,
    ly_do: Option<String>,
    so_ngay: Option<String>,
}

pub(super) async fn step(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<StepForm>,
) -> Result<Response, HtmlError> {
    let days = f
        .so_ngay
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let done = match days.map(str::parse::<u32>).transpose() {
        Err(_) => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "so_ngay",
            "Số ngày phải là số nguyên dương",
        ))),
        Ok(days) => st
            .app
            .dossier_step(
                &p,
                id,
                StepInput {
                    step: f.buoc.clone(),
                    version: f.phien_ban,
                    reason: f.ly_do.clone(),
                    days,
                },
            )
            .await
            .map(|d| format!("Hồ sơ chuyển sang «{}».", d.state.label())),
    };
    after(&st, &p, id, done, "").await
}

#[derive(Deserialize)]
pub(super) struct AppraiseForm {
    phien_ban: i64,
    nguoi: i64,
    ket_qua: String,
    ly_do: Option<String>,
}

pub(super) async fn appraise(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<AppraiseForm>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .appraise_nominee(
            &p,
            id,
            AppraisalInput {
                version: Some(f.phien_ban),
                nominee_id: f.nguoi,
                result: f.ket_qua,
                override_reason: f.ly_do,
            },
        )
        .await
        .map(|_| "Đã ghi kết quả thẩm định.".to_string());
    after(&st, &p, id, done, "#danh-sach").await
}

#[derive(Deserialize)]
pub(super) struct ModerateForm {
    trang_thai: String,
}

pub(super) async fn moderate(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    axum::Form(f): axum::Form<ModerateForm>,
) -> Result<Response, HtmlError> {
    let (id, cid) = (ids[0], ids[1]);
    let done = st
        .app
        .moderate_comment(&p, id, cid, f.trang_thai.trim())
        .await
        .map(|_| "Đã xử lý ý kiến.".to_string());
    after(&st, &p, id, done, "#y-kien").await
}

/// Choices of a ballot form: `chon_{nominee}` = `dong_y` / `khong_dong_y` (absent = blank).
fn choices(form: &FormPairs, questions: &[i64]) -> BTreeMap<i64, Choice> {
    let mut out = BTreeMap::new();
    for q in questions {
        match form.one(&format!("chon_{q}")).as_str() {
            "dong_y" => {
                out.insert(*q, Choice::Agree);
            }
            "khong_dong_y" => {
                out.insert(*q, Choice::Disagree);
            }
            _ => {}
        }
    }
    out
}

pub(super) async fn vote(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = FormPairs::parse(&body);
    let qs = st.app.council_questions(&p, id).await?;
    let done = st
        .app
        .cast_council_vote(&p, id, choices(&form, &qs))
        .await
        .map(|()| "Đã ghi phiếu của bạn. Phiếu kín: không ai xem được bạn chọn gì.".to_string());
    after(&st, &p, id, done, "#hoi-dong").await
}

pub(super) async fn written_vote(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = FormPairs::parse(&body);
    let qs = st.app.council_questions(&p, id).await?;
    let member: i64 = form.one("thanh_vien").trim().parse().unwrap_or_default();
    let done = st
        .app
        .record_written_vote(&p, id, member, choices(&form, &qs))
        .await
        .map(|()| "Đã ghi phiếu bằng văn bản của thành viên vắng mặt.".to_string());
    after(&st, &p, id, done, "#hoi-dong").await
}

pub(super) async fn close_vote(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let done = st.app.close_council_vote(&p, id).await.map(|r| {
        format!(
            "Đã kết thúc bỏ phiếu: {}/{} đạt tỷ lệ.",
            r.items.iter().filter(|i| i.passed).count(),
            r.items.len()
        )
    });
    after(&st, &p, id, done, "#hoi-dong").await
}

#[derive(Deserialize)]
pub(super) struct DecideForm {
    phien_ban: i64,
    ngay_ky: String,
    nguoi_ky: String,
    chuc_vu: String,
    de_nghi: Option<String>,
}

pub(super) async fn decide(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    axum::Form(f): axum::Form<DecideForm>,
) -> Result<Response, HtmlError> {
    let done = st
        .app
        .issue_decision(
            &p,
            id,
            tdkt_app::decision::DecisionInput {
                version: f.phien_ban,
                signed_on: f.ngay_ky,
                signer_name: f.nguoi_ky,
                signer_title: f.chuc_vu.replace("\r\n", "\n"),
                proposal: f.de_nghi,
            },
        )
        .await
        .map(|d| {
            format!(
                "Đã ban hành Quyết định số {}; khen thưởng đã ghi vào sổ.",
                d.number
            )
        });
    after(&st, &p, id, done, "#quyet-dinh").await
}
