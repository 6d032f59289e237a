//! The award register: search by name (with or without diacritics), award, year and unit, a
//! person's or a collective's history, and the same search as XLSX.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use tdkt_app::register::RegisterQuery;
use tdkt_domain::dates::vn;

use super::{Layout, render};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::PageQuery;
use crate::html::dossiers::file_response;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/so-khen-thuong", get(page))
        .route("/so-khen-thuong.xlsx", get(xlsx))
}

/// The search form's fields (empty fields mean "any").
#[derive(Deserialize, Default)]
struct Query {
    q: Option<String>,
    khen_thuong: Option<String>,
    nam: Option<String>,
    don_vi: Option<String>,
    ca_nhan: Option<String>,
    tap_the: Option<String>,
}

fn num<T: std::str::FromStr>(s: &Option<String>) -> Option<T> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
}

impl Query {
    fn to_app(&self) -> RegisterQuery {
        RegisterQuery {
            q: self.q.clone().filter(|s| !s.trim().is_empty()),
            award: self.khen_thuong.clone().filter(|s| !s.trim().is_empty()),
            year: num(&self.nam),
            unit: num(&self.don_vi),
            person: num(&self.ca_nhan),
            collective: num(&self.tap_the),
        }
    }

    fn query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("khen_thuong", &self.khen_thuong),
            ("nam", &self.nam),
            ("don_vi", &self.don_vi),
            ("ca_nhan", &self.ca_nhan),
            ("tap_the", &self.tap_the),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                out.append_pair(k, v);
            }
        }
        out.finish()
    }
}

struct Line {
    name: String,
    href: String,
    unit: String,
    award: String,
    date: String,
    decision: String,
    amount: String,
    dossier: Option<i64>,
    /// (id, name) of the movement the award was given under.
    movement: Option<(i64, String)>,
    revoked: String,
}

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage {
    layout: Layout,
    q: String,
    award: String,
    year: String,
    awards: Vec<(String, String)>,
    lines: Vec<Line>,
    subject: String,
    export: String,
    searched: bool,
}

async fn page(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<Query>,
) -> Result<Response, HtmlError> {
    let query = q.to_app();
    let searched = q.query_string() != "";
    let rows = if searched {
        st.app.search_register(&p, &query).await?
    } else {
        vec![]
    };
    let local = st.app.local_award_kinds().await?;
    let subject = match (query.person, query.collective) {
        (Some(id), _) => st
            .app
            .person(&p, id)
            .await
            .map(|x| format!("Lịch sử khen thưởng của {}", x.full_name))
            .unwrap_or_default(),
        (_, Some(id)) => st
            .app
            .unit(&p, id)
            .await
            .map(|u| format!("Lịch sử khen thưởng của {}", u.name))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let mut awards: Vec<(String, String)> = st
        .app
        .rules
        .catalog
        .awards
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    awards.extend(local.iter().map(|k| (k.code.clone(), k.name.clone())));
    render(&RegisterPage {
        layout: Layout::for_user(&p, "/so-khen-thuong"),
        q: q.q.clone().unwrap_or_default(),
        award: q.khen_thuong.clone().unwrap_or_default(),
        year: q.nam.clone().unwrap_or_default(),
        awards,
        lines: rows
            .iter()
            .map(|r| Line {
                name: r.subject_name.clone(),
                href: match (r.person_id, r.unit_id) {
                    (Some(id), _) => format!("/ca-nhan/{id}"),
                    (_, Some(id)) => format!("/don-vi/{id}"),
                    _ => String::new(),
                },
                unit: r.unit_name.clone(),
                award: st.app.award_name(&local, &r.code),
                date: vn(r.date),
                decision: r.decision.clone().unwrap_or_default(),
                amount: r.amount.map(tdkt_documents::vnd).unwrap_or_default(),
                dossier: r.dossier_id,
                movement: r.movement_id.zip(r.movement_name.clone()),
                revoked: r
                    .revoked_on
                    .map(|d| {
                        format!(
                            "Đã huỷ ngày {}{}",
                            vn(d),
                            r.revoked_reason
                                .as_ref()
                                .map(|x| format!(": {x}"))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        subject,
        export: q.query_string(),
        searched,
    })
}

async fn xlsx(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<Query>,
) -> Result<Response, HtmlError> {
    let bytes = st.app.register_xlsx(&p, &q.to_app()).await?;
    let mut r = file_response(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "so-khen-thuong.xlsx",
    );
    r.headers_mut().insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"so-khen-thuong.xlsx\""),
    );
    Ok(r)
}
