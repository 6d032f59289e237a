//! Form posts on the conference page: signatures, copying a covenant, the scoring round,
//! ballots and votes, the rotation of the cluster head.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use tdkt_app::AppError;
use tdkt_domain::dates::parse_iso;

use super::page::after;
use super::two;
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::Ids;

#[derive(serde::Deserialize)]
pub(super) struct SignForm {
    don_vi: i64,
    nguoi_ky: String,
    ngay_ky: String,
}

/// The movements the covenant implements (a multiple select `phong_trao`).
pub(super) async fn covenant_movements(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let chosen: Vec<i64> = crate::extract::FormPairs::parse(&body)
        .all("phong_trao")
        .iter()
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let done = st
        .app
        .set_covenant_movements(&p, id, year as i32, &chosen)
        .await
        .map(drop);
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã ghi phong trào của giao ước.",
        "giao-uoc",
    )
    .await
}

pub(super) async fn sign(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(f): Form<SignForm>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let done = match parse_iso("ngay_ky", &f.ngay_ky) {
        Ok(d) => {
            st.app
                .sign_covenant(&p, id, year as i32, f.don_vi, &f.nguoi_ky, d)
                .await
        }
        Err(e) => Err(e.into()),
    };
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã ghi chữ ký giao ước.",
        "giao-uoc",
    )
    .await
}

#[derive(serde::Deserialize)]
pub(super) struct CopyForm {
    tu_nam: i32,
}

pub(super) async fn copy(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(f): Form<CopyForm>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let done = st.app.copy_covenant(&p, id, f.tu_nam, year as i32).await;
    after(&st, &p, id, year, done, "Đã sao chép giao ước.", "giao-uoc").await
}

pub(super) async fn close_scoring(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let done = st.app.set_scoring_closed(&p, id, year as i32, true).await;
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã đóng vòng chấm điểm.",
        "xep-hang",
    )
    .await
}

pub(super) async fn reopen_scoring(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let done = st.app.set_scoring_closed(&p, id, year as i32, false).await;
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã mở lại vòng chấm điểm.",
        "cham-diem",
    )
    .await
}

pub(super) async fn create_ballot(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let title = fields
        .iter()
        .find(|(k, _)| k == "tieu_de")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let presets: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "hang_muc")
        .map(|(_, v)| v.as_str())
        .collect();
    let done = st
        .app
        .create_ballot_from_presets(&p, id, year as i32, &title, &presets)
        .await
        .map(drop);
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã tạo cuộc bỏ phiếu (bản nháp).",
        "bo-phieu",
    )
    .await
}

pub(super) async fn open_ballot(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year, ballot) = (ids[0], ids[1], ids[2]);
    let done = st.app.open_ballot(&p, ballot).await.map(drop);
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã mở bỏ phiếu; quy chế đã được khoá.",
        "bo-phieu",
    )
    .await
}

pub(super) async fn close_ballot(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year, ballot) = (ids[0], ids[1], ids[2]);
    let done = st.app.close_ballot(&p, ballot).await.map(drop);
    after(&st, &p, id, year, done, "Đã kiểm phiếu.", "bo-phieu").await
}

pub(super) async fn vote(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year, ballot) = (ids[0], ids[1], ids[2]);
    let voter = fields
        .iter()
        .find(|(k, _)| k == "don_vi")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    let mut choices: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &fields {
        if let Some(cat) = k.strip_prefix("c_") {
            choices.entry(cat.to_string()).or_default().push(v.clone());
        }
    }
    let done = match voter {
        Some(u) => st.app.cast_vote(&p, ballot, u, choices).await,
        None => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "don_vi",
            "Chọn đơn vị bỏ phiếu",
        ))),
    };
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã ghi nhận phiếu. Phiếu không gắn với tên đơn vị.",
        "bo-phieu",
    )
    .await
}

pub(super) async fn save_rotation(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let mut order: Vec<(i64, i64)> = Vec::new();
    let mut cooldown = None;
    let mut bad = None;
    for (k, v) in &fields {
        if let Some(unit) = k.strip_prefix("vt_").and_then(|u| u.parse::<i64>().ok()) {
            match v.trim().parse::<i64>() {
                Ok(pos) => order.push((pos, unit)),
                Err(_) => bad = Some(format!("«{v}» không phải là số thứ tự")),
            }
        } else if k == "so_nam" {
            cooldown = v.trim().parse::<i32>().ok();
            if cooldown.is_none() {
                bad = Some(format!("«{v}» không phải là số năm"));
            }
        }
    }
    order.sort();
    let done = match (bad, cooldown) {
        (Some(m), _) => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "luan_phien",
            m,
        ))),
        (None, None) => Err(AppError::Invalid(tdkt_domain::Invalid::new(
            "so_nam",
            "Cần nhập số năm chờ",
        ))),
        (None, Some(c)) => {
            st.app
                .set_rotation(
                    &p,
                    id,
                    year as i32,
                    &order.iter().map(|x| x.1).collect::<Vec<_>>(),
                    c,
                )
                .await
        }
    };
    after(
        &st,
        &p,
        id,
        year,
        done,
        "Đã lưu thứ tự luân phiên.",
        "ket-qua",
    )
    .await
}
