//! Clusters and blocks: members by year (read-only until the emulation module lands).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use tdkt_domain::dates::vn;

use super::{Layout, render};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::Id;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cum-thi-dua", get(list))
        .route("/cum-thi-dua/{id}", get(one))
}

struct ClusterLine {
    id: i64,
    name: String,
    kind: &'static str,
    years: String,
}

#[derive(Template)]
#[template(path = "clusters/clusters.html")]
struct ClustersPage {
    layout: Layout,
    clusters: Vec<ClusterLine>,
}

async fn list(State(st): State<AppState>, User(p): User) -> Result<Response, HtmlError> {
    let cs = st.app.clusters(&p).await?;
    render(&ClustersPage {
        layout: Layout::for_user(&p, "/cum-thi-dua"),
        clusters: cs
            .iter()
            .map(|c| ClusterLine {
                id: c.id,
                name: c.name.clone(),
                kind: c.kind.label(),
                years: c
                    .years
                    .iter()
                    .map(|y| y.year.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
    })
}

struct MemberLine {
    id: i64,
    name: String,
    role: &'static str,
    remark: String,
}

struct YearBlock {
    year: i32,
    note: Option<String>,
    members: Vec<MemberLine>,
}

#[derive(Template)]
#[template(path = "clusters/cluster.html")]
struct ClusterPage {
    layout: Layout,
    id: i64,
    name: String,
    kind: &'static str,
    organiser: String,
    supervisor: Option<String>,
    source: Option<String>,
    note: Option<String>,
    years: Vec<YearBlock>,
}

async fn one(State(st): State<AppState>, User(p): User, Id(id): Id) -> Result<Response, HtmlError> {
    let c = st.app.cluster(&p, id).await?;
    render(&ClusterPage {
        layout: Layout::for_user(&p, "/cum-thi-dua"),
        id: c.id,
        name: c.name.clone(),
        kind: c.kind.label(),
        organiser: c.organiser.clone(),
        supervisor: c.supervisor.clone(),
        source: c.source.clone(),
        note: c.note.clone(),
        years: c
            .years
            .iter()
            .map(|y| YearBlock {
                year: y.year,
                note: y.note.clone(),
                members: y
                    .members
                    .iter()
                    .map(|m| {
                        let mut remark = Vec::new();
                        if m.illustrative {
                            remark.push("thành viên minh hoạ (bài báo không nêu)".to_string());
                        }
                        if let Some(t) = m.unit_valid_to {
                            remark.push(format!("đơn vị hết hiệu lực sau {}", vn(t)));
                        }
                        MemberLine {
                            id: m.unit.id,
                            name: m.unit.name.clone(),
                            role: m.role.label(),
                            remark: remark.join("; "),
                        }
                    })
                    .collect(),
            })
            .collect(),
    })
}
