//! What the conference page reads: the year's members, covenant, scoring progress, the
//! evaluation (managers at any time, everyone once scoring is closed), ballots, proposals, and
//! the rotation's proposal for next year's leader.

use std::collections::BTreeMap;

use tdkt_domain::access::Action;
use tdkt_domain::cluster::MemberRole;
use tdkt_domain::evaluation::Evaluation;
use tdkt_store::*;

use super::{BallotView, Covenant, Rotation};
use crate::{App, AppError, AppResult, Principal};

/// Everything the conference page needs.
#[derive(Debug, Clone)]
pub struct ConferenceView {
    pub cluster: ClusterRow,
    pub year: i32,
    pub members: Vec<ClusterMemberRow>,
    pub may_manage: bool,
    pub covenant: Option<Covenant>,
    /// Member units the caller may enter scores for.
    pub can_score_for: Vec<i64>,
    /// scorer unit → number of (target, criterion) scores entered.
    pub progress: BTreeMap<i64, BTreeMap<i64, usize>>,
    pub hand_criteria: usize,
    /// The evaluation, for managers at any time and for everyone once scoring is closed.
    pub evaluation: Option<Evaluation>,
    /// Why the evaluation could not be made from the stored data (shown; the page still works).
    pub evaluation_error: Option<String>,
    pub ballots: Vec<BallotView>,
    pub proposals: Vec<ProposalRow>,
    /// Proposed leader for next year by rotation (before the vote).
    pub rotation_proposal: Option<UnitRef>,
    /// The rotation order and how many years a past leader waits.
    pub rotation: Rotation,
}

impl App {
    pub async fn conference(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
    ) -> AppResult<ConferenceView> {
        if !tdkt_domain::access::unscoped(&p.grants, Action::UnitRead) {
            return Err(AppError::forbidden());
        }
        let (c, y) = self.cluster_year(cluster_id, year).await?;
        let may_manage = self.may_manage(p, &c, &y).await?;
        let covenant = self.covenant(cluster_id, year).await?;
        let mut can_score_for = Vec::new();
        for m in &y.members {
            if may_manage || self.permits(p, Action::ClusterScore, m.unit.id).await? {
                can_score_for.push(m.unit.id);
            }
        }
        let (scores, _) = self.store.cluster_scores(cluster_id, year).await?;
        let mut progress: BTreeMap<i64, BTreeMap<i64, usize>> = BTreeMap::new();
        for s in &scores {
            *progress
                .entry(s.scorer_id)
                .or_default()
                .entry(s.target_id)
                .or_default() += 1;
        }
        let mut evaluation_error = None;
        let evaluation = match &covenant {
            Some(cov) if may_manage || cov.scoring_closed => {
                match self.evaluate_year(cluster_id, &y, cov).await {
                    Ok(e) => Some(e),
                    Err(AppError::Invalid(i)) => {
                        evaluation_error = Some(format!(
                            "Không tính được xếp hạng từ dữ liệu đã lưu: {}",
                            i.message
                        ));
                        None
                    }
                    Err(e) => return Err(e),
                }
            }
            _ => None,
        };
        let mut ballots = Vec::new();
        for row in self.store.ballots(cluster_id, year).await? {
            ballots.push(self.ballot_view(p, &y, row).await?);
        }
        let (order, cooldown) = self.store.cluster_rotation(cluster_id).await?;
        let history: Vec<(i32, i64)> = c
            .years
            .iter()
            .filter_map(|yr| {
                yr.members
                    .iter()
                    .find(|m| m.role == MemberRole::Leader)
                    .map(|m| (yr.year, m.unit.id))
            })
            .collect();
        let order: Vec<i64> = if order.is_empty() {
            y.members.iter().map(|m| m.unit.id).collect()
        } else {
            order
        };
        let rotation_proposal =
            tdkt_domain::rotation::propose_leader(&order, &history, year + 1, cooldown).and_then(
                |id| {
                    y.members
                        .iter()
                        .find(|m| m.unit.id == id)
                        .map(|m| m.unit.clone())
                },
            );
        Ok(ConferenceView {
            hand_criteria: covenant
                .as_ref()
                .map(|c| {
                    c.table
                        .criteria
                        .iter()
                        .filter(|k| k.scale.is_none())
                        .count()
                })
                .unwrap_or(0),
            proposals: self.store.cluster_proposals(cluster_id, year).await?,
            members: y.members.clone(),
            cluster: c,
            year,
            may_manage,
            covenant,
            can_score_for,
            progress,
            evaluation,
            evaluation_error,
            ballots,
            rotation_proposal,
            rotation: Rotation { order, cooldown },
        })
    }
}
