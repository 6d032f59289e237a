//! The review (sơ kết, tổng kết): the units whose reports stand out, and the dossier the board
//! opens for those it proposes — type `chuyen_de` (or `dot_xuat`), linked to the movement,
//! prefilled with the nominees and already with the board.

use serde::{Deserialize, Serialize};
use tdkt_domain::access::Action;
use tdkt_domain::dossier::{CommendationType, State, Step};
use tdkt_domain::text::{fold, tidy};
use tdkt_store::*;

use super::invalid;
use crate::dossiers::NomineeInput;
use crate::{App, AppError, AppResult, Principal};

/// A unit ranked at a review by its reports.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub unit_id: i64,
    pub unit_name: String,
    /// The mean over the indicators of achieved as a percentage of target.
    pub score: Option<f64>,
    /// Milestones reported on time, of those due.
    pub on_time: usize,
    pub due: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ReviewInput {
    pub title: String,
    /// `chuyen_de` (default) or `dot_xuat`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Catalog code of the award proposed.
    pub award_code: String,
    /// The outstanding units proposed (collective nominees).
    #[serde(default)]
    pub unit_ids: Vec<i64>,
    /// Outstanding people proposed.
    #[serde(default)]
    pub person_ids: Vec<i64>,
    /// The achievement, written once for every nominee.
    pub summary: String,
}

impl App {
    /// The targeted units ranked for a review: by how far they reached their targets, then by
    /// reports on time.
    pub async fn review_candidates(
        &self,
        p: &Principal,
        movement_id: i64,
    ) -> AppResult<Vec<Candidate>> {
        let progress = self.movement_progress(p, movement_id, None).await?;
        let today = self.today();
        let mut out: Vec<Candidate> = progress
            .rows
            .iter()
            .map(|r| {
                let pcts: Vec<f64> = r
                    .own
                    .iter()
                    .flatten()
                    .filter_map(|f| f.percent_of_target())
                    .collect();
                let due = progress
                    .milestones
                    .iter()
                    .filter(|m| m.due_on <= today)
                    .count();
                Candidate {
                    unit_id: r.unit.unit_id,
                    unit_name: r.unit.name.clone(),
                    score: (!pcts.is_empty()).then(|| pcts.iter().sum::<f64>() / pcts.len() as f64),
                    on_time: r
                        .cells
                        .iter()
                        .zip(&progress.milestones)
                        .filter(|((s, _), m)| {
                            m.due_on <= today
                                && *s == tdkt_domain::movement::progress::Timeliness::OnTime
                        })
                        .count(),
                    due,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.score
                .unwrap_or(-1.0)
                .total_cmp(&a.score.unwrap_or(-1.0))
                .then(b.on_time.cmp(&a.on_time))
                .then(fold(&a.unit_name).cmp(&fold(&b.unit_name)))
        });
        Ok(out)
    }

    /// Opens the dossier of a review: proposed by the movement's authority to itself (the board
    /// prepares it, so it starts received), typed `chuyen_de` or `dot_xuat`, linked to the
    /// movement. The nominees must be targeted units or their people.
    pub async fn open_review_dossier(
        &self,
        p: &Principal,
        movement_id: i64,
        input: &ReviewInput,
    ) -> AppResult<DossierRow> {
        let m = self.store.movement(movement_id).await?;
        self.authorize(p, Action::MovementManage, m.authority_id)
            .await?;
        if !m.state.is_reviewed() {
            return Err(AppError::Conflict(format!(
                "Phong trào đang ở trạng thái «{}»: đề nghị khen thưởng sau khi sơ kết hoặc tổng kết",
                m.state.label()
            )));
        }
        let title = tidy(&input.title);
        if title.chars().count() < 5 {
            return Err(invalid(
                "title",
                "Cần nhập trích yếu của hồ sơ (ít nhất 5 ký tự)",
            ));
        }
        let kind = match input
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            None => CommendationType::ChuyenDe,
            Some(k) => match CommendationType::parse("kind", k)? {
                t @ (CommendationType::ChuyenDe | CommendationType::DotXuat) => t,
                _ => {
                    return Err(invalid(
                        "kind",
                        "Hồ sơ từ sơ kết, tổng kết phong trào là khen theo chuyên đề hoặc đột xuất",
                    ));
                }
            },
        };
        if input.unit_ids.is_empty() && input.person_ids.is_empty() {
            return Err(invalid(
                "unit_ids",
                "Chọn ít nhất một tập thể hoặc cá nhân tiêu biểu",
            ));
        }
        let targets = self.store.movement_targets(movement_id).await?;
        for (i, u) in input.unit_ids.iter().enumerate() {
            if !targets.iter().any(|t| t.unit_id == *u) {
                return Err(invalid(
                    format!("unit_ids[{i}]"),
                    format!("Đơn vị mã số {u} không thuộc đối tượng của phong trào"),
                ));
            }
        }
        for (i, pid) in input.person_ids.iter().enumerate() {
            let person = self.store.person(*pid).await.map_err(|_| {
                invalid(
                    format!("person_ids[{i}]"),
                    format!("Không có cá nhân mã số {pid}"),
                )
            })?;
            if !targets.iter().any(|t| t.unit_id == person.unit_id) {
                return Err(invalid(
                    format!("person_ids[{i}]"),
                    format!(
                        "{} không thuộc đơn vị nào của đối tượng phong trào",
                        person.full_name
                    ),
                ));
            }
        }
        let nominees: Vec<NomineeInput> = input
            .unit_ids
            .iter()
            .map(|u| (None, Some(*u)))
            .chain(input.person_ids.iter().map(|pp| (Some(*pp), None)))
            .map(|(person_id, unit_id)| NomineeInput {
                person_id,
                unit_id,
                award_code: input.award_code.clone(),
                summary: input.summary.clone(),
            })
            .collect();
        let nominees = self.nominees(m.authority_id, &nominees).await?;
        let year = m.ends_on.year().min(self.today().year());
        let d = self
            .store
            .create_dossier(
                &p.actor(),
                NewDossier {
                    title,
                    unit_id: m.authority_id,
                    authority_id: m.authority_id,
                    kind,
                    year,
                    movement_id: Some(m.id),
                    cluster_proposal_id: None,
                    created_by: Some(p.user_id),
                    today: self.today(),
                    nominees,
                },
            )
            .await?;
        // The board prepared the proposal itself: it is sent and received at once, each step
        // on the timeline with where it came from.
        let note = format!(
            "Lập từ {} phong trào «{}»",
            m.state.label().to_lowercase(),
            m.name
        );
        let mut d = d;
        for (step, from, to) in [
            (Step::Submit, State::Draft, State::Submitted),
            (Step::Receive, State::Submitted, State::Received),
        ] {
            d = self
                .store
                .move_dossier(
                    &p.actor(),
                    d.id,
                    DossierMove {
                        expected_version: d.version,
                        from,
                        to,
                        step,
                        reason: Some(note.clone()),
                        today: self.today(),
                        due_on: None,
                        consultation_until: None,
                        revoke_awards: false,
                    },
                )
                .await?;
        }
        Ok(d)
    }
}
