//! Units tree, unit page, people search and person page. This file: the route table, the
//! query strings both pages read and the verdict rows both pages show.

mod people;
mod units;

use axum::Router;
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/don-vi", get(units::units))
        .route("/don-vi/tim", get(units::unit_search))
        .route("/don-vi/{id}", get(units::unit))
        .route("/don-vi/{id}/cay", get(units::unit_children))
        .route(
            "/don-vi/{id}/xep-loai",
            axum::routing::post(units::put_unit_rating),
        )
        .route(
            "/don-vi/{id}/nhap-lich-su",
            axum::routing::post(units::import_history).layer(axum::extract::DefaultBodyLimit::max(
                crate::csrf::UPLOAD_LIMIT,
            )),
        )
        .route("/ca-nhan", get(people::people))
        .route("/ca-nhan/{id}", get(people::person))
        .route(
            "/ca-nhan/{id}/danh-hieu",
            axum::routing::post(people::add_title),
        )
        .route(
            "/ca-nhan/{id}/danh-hieu/xoa",
            axum::routing::post(people::delete_title),
        )
        .route(
            "/ca-nhan/{id}/khen-thuong",
            axum::routing::post(people::add_award),
        )
}

#[derive(Deserialize)]
pub(super) struct SearchQuery {
    q: Option<String>,
    trang: Option<i64>,
    don_vi: Option<i64>,
    /// Also show units no longer in force (the 63 provinces before 2025, the districts).
    ca_cu: Option<u8>,
}

#[derive(Deserialize)]
pub(super) struct Flash {
    tb: Option<String>,
}

/// Verdicts as table rows: award, CSS class, label, and what is missing (or what a person must
/// judge).
pub(super) fn verdict_rows(
    verdicts: &[tdkt_domain::eligibility::Verdict],
) -> Vec<(String, &'static str, &'static str, String)> {
    use tdkt_domain::eligibility::VerdictKind;
    verdicts
        .iter()
        .map(|x| {
            let label = x.verdict.label();
            let class = match x.verdict {
                VerdictKind::Eligible => "dat",
                VerdictKind::NeedsReview => "xem",
                VerdictKind::NotEligible => "chua",
            };
            let why = if x.missing.is_empty() {
                x.criteria
                    .iter()
                    .filter(|c| c.passed.is_none())
                    .map(|c| c.detail.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            } else {
                x.missing.join("; ")
            };
            (x.award_name.clone(), class, label, why)
        })
        .collect()
}
