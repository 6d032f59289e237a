//! Pages of the year-end round. `mod.rs` holds the routes; `list.rs` the rounds, the opening
//! form and a round's overview; `unit.rs` a participating unit's page and its steps (ratings,
//! candidates, vote, decisions, sending up); `batch.rs` the higher level's decision covering
//! many dossiers and the files of any decision.

mod batch;
mod list;
mod unit;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    let upload = || axum::extract::DefaultBodyLimit::max(crate::csrf::UPLOAD_LIMIT);
    Router::new()
        .route("/binh-xet", get(list::list).post(list::open))
        .route("/binh-xet/{id}", get(list::overview))
        .route("/binh-xet/don-vi/{id}", get(unit::page))
        .route("/binh-xet/don-vi/{id}/xep-loai", post(unit::ratings))
        .route(
            "/binh-xet/don-vi/{id}/tep",
            post(unit::upload).layer(upload()),
        )
        .route("/binh-xet/don-vi/{id}/mau.xlsx", get(unit::template))
        .route("/binh-xet/don-vi/{id}/tinh", post(unit::compute))
        .route("/binh-xet/don-vi/{id}/chon", post(unit::select))
        .route("/binh-xet/don-vi/{id}/bo-phieu", post(unit::vote_step))
        .route("/binh-xet/don-vi/{id}/phieu", post(unit::ballot))
        .route("/binh-xet/don-vi/{id}/bien-ban.pdf", get(unit::minutes))
        .route("/binh-xet/don-vi/{id}/quyet-dinh", post(unit::decide))
        .route("/binh-xet/don-vi/{id}/gui", post(unit::send))
        .route(
            "/ho-so/quyet-dinh-chung",
            get(batch::form).post(batch::issue),
        )
        .route("/quyet-dinh/{id}/tep.pdf", get(batch::pdf))
        .route("/quyet-dinh/{id}/tep.docx", get(batch::docx))
}
