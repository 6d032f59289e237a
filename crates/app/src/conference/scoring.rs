//! Scoring: each member's scores of itself and the others, and the indicators managers enter,
//! checked against the covenant before anything is written; the evaluation made from them.

use serde::Deserialize;
use tdkt_domain::access::Action;
use tdkt_domain::evaluation::{self, Evaluation, EvaluationInput, IndicatorValue, Score};
use tdkt_store::*;

use super::{Covenant, bad, members_of};
use crate::{App, AppError, AppResult, Principal};

/// One scorer's entry: (target unit, criterion, points, note).
#[derive(Debug, Clone, Deserialize)]
pub struct ScoreEntry {
    pub target: i64,
    pub criterion: String,
    pub points: f64,
    pub note: Option<String>,
}

impl App {
    pub async fn set_scoring_closed(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        closed: bool,
    ) -> AppResult<()> {
        self.require_manage(p, cluster_id, year).await?;
        if !closed && self.ballot_started(cluster_id, year).await? {
            return Err(AppError::Conflict(
                "Đã mở bỏ phiếu theo kết quả chấm điểm; không thể mở lại vòng chấm điểm".into(),
            ));
        }
        Ok(self
            .store
            .set_scoring_closed(&p.actor(), cluster_id, year, closed)
            .await?)
    }

    /// One member's scores of itself and the others. Every score is checked against the
    /// covenant before anything is written.
    pub async fn put_scores(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        scorer: i64,
        entries: &[ScoreEntry],
        indicators: &[(i64, String, f64)],
    ) -> AppResult<()> {
        let (c, y) = self.cluster_year(cluster_id, year).await?;
        if !y.members.iter().any(|m| m.unit.id == scorer) {
            return Err(bad(
                "don_vi_cham",
                "Đơn vị chấm không phải thành viên cụm năm này",
            ));
        }
        if !(self.permits(p, Action::ClusterScore, scorer).await?
            || self.may_manage(p, &c, &y).await?)
        {
            return Err(AppError::Forbidden(
                "Bạn không được chấm điểm thay mặt đơn vị này".into(),
            ));
        }
        if !indicators.is_empty() && !self.may_manage(p, &c, &y).await? {
            return Err(AppError::Forbidden(
                "Chỉ cụm trưởng, cụm phó hoặc đơn vị tổ chức nhập chỉ số báo cáo".into(),
            ));
        }
        let cov = self
            .covenant(cluster_id, year)
            .await?
            .ok_or_else(|| AppError::NotFound("giao ước năm này".into()))?;
        if cov.scoring_closed {
            return Err(AppError::Conflict(
                "Vòng chấm điểm đã đóng; không thể sửa điểm".into(),
            ));
        }
        let name_of = |id: i64| {
            y.members
                .iter()
                .find(|m| m.unit.id == id)
                .map(|m| m.unit.name.clone())
        };
        let mut rows = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let f = |x: &str| format!("diem[{i}].{x}");
            let target = name_of(e.target)
                .ok_or_else(|| bad(&f("don_vi"), "Đơn vị được chấm không phải thành viên cụm"))?;
            let crit = cov
                .table
                .criteria
                .iter()
                .find(|c| c.id == e.criterion)
                .ok_or_else(|| {
                    bad(
                        &f("tieu_chi"),
                        format!("Không có tiêu chí «{}»", e.criterion),
                    )
                })?;
            if crit.scale.is_some() {
                return Err(bad(
                    &f("tieu_chi"),
                    format!(
                        "Tiêu chí «{}» tính từ chỉ số báo cáo, không chấm tay",
                        crit.id
                    ),
                ));
            }
            if !(e.points.is_finite() && (0.0..=crit.max).contains(&e.points)) {
                return Err(bad(
                    &f("diem"),
                    format!(
                        "Điểm của {target}, tiêu chí {} phải trong khoảng 0–{}",
                        crit.id, crit.max
                    ),
                ));
            }
            rows.push(ScoreRow {
                scorer_id: scorer,
                target_id: e.target,
                criterion_id: e.criterion.clone(),
                points: e.points,
                note: e.note.clone(),
            });
        }
        let mut ind_rows = Vec::new();
        for (i, (unit, crit_id, value)) in indicators.iter().enumerate() {
            let f = |x: &str| format!("chi_so[{i}].{x}");
            name_of(*unit).ok_or_else(|| bad(&f("don_vi"), "Đơn vị không phải thành viên cụm"))?;
            let crit = cov
                .table
                .criteria
                .iter()
                .find(|c| &c.id == crit_id)
                .ok_or_else(|| bad(&f("tieu_chi"), format!("Không có tiêu chí «{crit_id}»")))?;
            if crit.scale.is_none() || !value.is_finite() {
                return Err(bad(
                    &f("gia_tri"),
                    format!("Tiêu chí «{crit_id}» không tính từ chỉ số, hoặc giá trị không hợp lệ"),
                ));
            }
            ind_rows.push(IndicatorRow {
                unit_id: *unit,
                criterion_id: crit_id.clone(),
                value: *value,
            });
        }
        Ok(self
            .store
            .put_scores(&p.actor(), cluster_id, year, &rows, &ind_rows)
            .await?)
    }

    /// One scorer's scores, for its entry form (the scorer's own people and managers only).
    pub async fn scores_of(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        scorer: i64,
    ) -> AppResult<Vec<ScoreRow>> {
        let (c, y) = self.cluster_year(cluster_id, year).await?;
        if !(self.permits(p, Action::ClusterScore, scorer).await?
            || self.may_manage(p, &c, &y).await?)
        {
            return Err(AppError::Forbidden(
                "Bạn không được xem điểm chấm của đơn vị này".into(),
            ));
        }
        let (scores, _) = self.store.cluster_scores(cluster_id, year).await?;
        Ok(scores
            .into_iter()
            .filter(|s| s.scorer_id == scorer)
            .collect())
    }

    /// The evaluation input from what is stored (members by unit id).
    async fn evaluation_input(
        &self,
        cluster_id: i64,
        y: &ClusterYearRow,
        cov: &Covenant,
    ) -> AppResult<EvaluationInput> {
        let (scores, indicators) = self.store.cluster_scores(cluster_id, y.year).await?;
        Ok(EvaluationInput {
            note: None,
            members: members_of(y),
            groups: cov.table.groups.clone(),
            criteria: cov.table.criteria.clone(),
            scores: scores
                .into_iter()
                .map(|s| Score {
                    scorer: s.scorer_id.to_string(),
                    target: s.target_id.to_string(),
                    criterion: s.criterion_id,
                    points: s.points,
                    note: s.note,
                })
                .collect(),
            indicators: indicators
                .into_iter()
                .map(|i| IndicatorValue {
                    member: i.unit_id.to_string(),
                    criterion: i.criterion_id,
                    value: i.value,
                })
                .collect(),
            method: cov.method.method,
            sensitivity_top_n: cov.method.sensitivity_top_n,
            flags: Some(cov.method.flags.clone()),
            ballot: None,
        })
    }

    pub(super) async fn evaluate_year(
        &self,
        cluster_id: i64,
        y: &ClusterYearRow,
        cov: &Covenant,
    ) -> AppResult<Evaluation> {
        let input = self.evaluation_input(cluster_id, y, cov).await?;
        Ok(evaluation::evaluate(&input)?)
    }
}
