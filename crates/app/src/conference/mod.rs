//! The cluster conference as use cases: covenant, scoring, ranking, secret ballot, results.
//! Scoring and tallying are the domain's `evaluation`; this module loads, authorises and stores.
//! Here: what the files share (the year's members, who manages the year); each step has its file:
//! - `covenant`: the criteria table and method of a year, copied from another year, signed;
//! - `scoring`: the members' scores and indicators, and the evaluation made from them;
//! - `ballot`: the secret ballot (draft, open with frozen candidates, papers, count) and what
//!   its result carries to next year;
//! - `rotation`: the order in which members take the leader's role;
//! - `view`: what the conference page reads.

mod ballot;
mod covenant;
mod rotation;
mod scoring;
mod view;

use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, permits};
use tdkt_domain::cluster::MemberRole;
use tdkt_domain::evaluation::Member;
use tdkt_store::*;

use crate::{App, AppError, AppResult, Principal};

// The public paths stay `tdkt_app::conference::…` whichever file a type lives in.
pub use ballot::BallotView;
pub use covenant::{Covenant, CovenantMethod, CovenantTable};
pub use rotation::Rotation;
pub use scoring::ScoreEntry;
pub use view::ConferenceView;

/// The year's members in the evaluation format (ids are unit ids).
fn members_of(y: &ClusterYearRow) -> Vec<Member> {
    y.members
        .iter()
        .map(|m| Member {
            id: m.unit.id.to_string(),
            name: m.unit.name.clone(),
        })
        .collect()
}

fn bad(field: &str, msg: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid::new(field, msg))
}

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> AppResult<T> {
    serde_json::from_str(s).map_err(|e| {
        AppError::Internal(format!(
            "{what} lưu trong cơ sở dữ liệu không đọc được: {e}"
        ))
    })
}

impl App {
    async fn cluster_year(
        &self,
        cluster_id: i64,
        year: i32,
    ) -> AppResult<(ClusterRow, ClusterYearRow)> {
        let c = self.store.cluster(cluster_id).await?;
        let y = c
            .years
            .iter()
            .find(|y| y.year == year)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("năm {year} của cụm")))?;
        Ok((c, y))
    }

    /// Managers: whoever may manage the organiser unit, or the year's leader or deputies.
    async fn may_manage(
        &self,
        p: &Principal,
        c: &ClusterRow,
        y: &ClusterYearRow,
    ) -> AppResult<bool> {
        let mut targets: Vec<i64> = c.organiser_unit_id.into_iter().collect();
        targets.extend(
            y.members
                .iter()
                .filter(|m| m.role != MemberRole::Member)
                .map(|m| m.unit.id),
        );
        for t in targets {
            if self.permits(p, Action::ClusterManage, t).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn permits(&self, p: &Principal, action: Action, unit: i64) -> AppResult<bool> {
        let anc: Vec<i64> = self
            .store
            .unit_ancestors(unit)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        Ok(permits(&p.grants, action, unit, &anc))
    }

    pub(crate) async fn require_manage(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
    ) -> AppResult<(ClusterRow, ClusterYearRow)> {
        let (c, y) = self.cluster_year(cluster_id, year).await?;
        if !self.may_manage(p, &c, &y).await? {
            return Err(AppError::Forbidden(
                "Chỉ đơn vị tổ chức, cụm trưởng hoặc cụm phó mới điều hành năm thi đua của cụm"
                    .into(),
            ));
        }
        Ok((c, y))
    }
}
