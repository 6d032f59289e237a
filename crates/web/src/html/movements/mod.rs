//! Pages of emulation movements. `mod.rs` holds the routes and what the pages share; `page.rs`
//! the list, the movement page with its steps, the draft form and the public pages; `year.rs`
//! the year's work: registrations, reports, the progress matrix and the review's dossier.

mod page;
mod year;

use axum::Router;
use axum::routing::{get, post};
use tdkt_domain::dates::vn;
use tdkt_store::MovementSummary;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    let upload = || axum::extract::DefaultBodyLimit::max(crate::csrf::UPLOAD_LIMIT);
    Router::new()
        .route("/phong-trao", get(page::list).post(page::create))
        .route("/phong-trao/moi", get(page::new_form))
        .route("/phong-trao/{id}", get(page::show_page))
        .route("/phong-trao/{id}/buoc", post(page::step))
        .route(
            "/phong-trao/{id}/van-ban",
            post(page::launch_file).layer(upload()),
        )
        .route("/phong-trao/{id}/dang-ky", get(year::overview))
        .route(
            "/phong-trao/{id}/dang-ky/{unit}",
            get(year::registration).post(year::register),
        )
        .route(
            "/phong-trao/{id}/dang-ky/{unit}/tep",
            post(year::upload).layer(upload()),
        )
        .route(
            "/phong-trao/{id}/dang-ky/{unit}/mau.xlsx",
            get(year::template),
        )
        .route("/phong-trao/{id}/tien-do", get(year::progress))
        .route(
            "/phong-trao/{id}/bao-cao/{milestone}/{unit}",
            get(year::report).post(year::submit_report).layer(upload()),
        )
        .route(
            "/phong-trao/{id}/bao-cao/{milestone}/{unit}/tep/{file}",
            get(year::report_file),
        )
        .route("/phong-trao/{id}/de-nghi", post(year::review))
        .route("/cong-khai/phong-trao", get(page::public_list))
        .route("/cong-khai/phong-trao/{id}", get(page::public_page))
        .route("/cong-khai/phong-trao/{id}/van-ban", get(page::public_file))
}

/// A line of a movement list, display-ready.
pub(crate) struct Line {
    id: i64,
    name: String,
    authority: String,
    kind: &'static str,
    level: &'static str,
    dates: String,
    decision: String,
    state: &'static str,
    targets: i64,
    has_file: bool,
}

impl From<&MovementSummary> for Line {
    fn from(m: &MovementSummary) -> Self {
        Line {
            id: m.id,
            name: m.name.clone(),
            authority: m.authority_name.clone(),
            kind: m.kind.label(),
            level: m.level.label(),
            dates: format!("{} – {}", vn(m.starts_on), vn(m.ends_on)),
            decision: match (&m.decision_number, m.decision_date) {
                (Some(n), Some(d)) => format!("{n} ngày {}", vn(d)),
                (Some(n), None) => n.clone(),
                _ => String::new(),
            },
            state: m.state.label(),
            targets: m.targets,
            has_file: m.decision_file_id.is_some(),
        }
    }
}

/// A figure as the pages write it: Vietnamese thousands and decimal separators.
fn number(x: Option<f64>) -> String {
    let Some(x) = x else { return String::new() };
    let rounded = (x * 100.0).round() / 100.0;
    let int = rounded.trunc() as i64;
    let frac = ((rounded - int as f64).abs() * 100.0).round() as i64;
    let digits = int.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if int < 0 { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac:02}")
            .trim_end_matches('0')
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_use_vietnamese_separators() {
        assert_eq!(super::number(Some(17780.0)), "17.780");
        assert_eq!(super::number(Some(105.54)), "105,54");
        assert_eq!(super::number(Some(92590.98)), "92.590,98");
        assert_eq!(super::number(Some(0.5)), "0,5");
        assert_eq!(super::number(None), "");
    }
}
