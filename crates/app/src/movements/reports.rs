//! Progress and review reports: each targeted unit reports at each milestone (text, the
//! movement's indicators with target and achieved, attachments). The board sees the units ×
//! milestones matrix (on time, late, missing) and the indicators summed up the tree.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tdkt_domain::access::Action;
use tdkt_domain::movement::Measure;
use tdkt_domain::movement::progress::{Figures, Timeliness, roll_up, timeliness};
use tdkt_domain::text::tidy;
use tdkt_store::*;

use super::invalid;
use crate::{App, AppError, AppResult, Principal};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ReportValueInput {
    pub indicator_id: i64,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub achieved: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ReportInput {
    pub text: String,
    #[serde(default)]
    pub values: Vec<ReportValueInput>,
}

/// One line of the matrix: a targeted unit, its depth under the view's roots, a cell per
/// milestone, and per indicator of the chosen milestone its own and its subtree's figures.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub unit: TargetRow,
    pub depth: usize,
    pub cells: Vec<(Timeliness, Option<time::Date>)>,
    pub own: Vec<Option<Figures>>,
    pub subtree: Vec<Option<Figures>>,
}

/// The board's view of a movement's reports.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub movement: MovementRow,
    pub milestones: Vec<MilestoneRow>,
    /// The milestone whose figures are shown.
    pub milestone_id: Option<i64>,
    pub rows: Vec<MatrixRow>,
    /// Per milestone: (on time, late, missing, not yet due).
    pub counts: Vec<(usize, usize, usize, usize)>,
    /// Per indicator: the figures over every unit of the view.
    pub totals: Vec<Figures>,
}

impl App {
    /// Submits or amends a unit's report for a milestone.
    pub async fn submit_report(
        &self,
        p: &Principal,
        movement_id: i64,
        milestone_id: i64,
        unit_id: i64,
        input: &ReportInput,
        files: Vec<(String, Vec<u8>)>,
    ) -> AppResult<ReportRow> {
        let m = self.movement(p, movement_id).await?;
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::MovementReport, unit_id).await?;
        if !m.state.is_open() {
            return Err(AppError::Conflict(format!(
                "Phong trào đang ở trạng thái «{}»: không nhận báo cáo",
                m.state.label()
            )));
        }
        if !self
            .store
            .movement_targets(movement_id)
            .await?
            .iter()
            .any(|t| t.unit_id == unit_id)
        {
            return Err(invalid(
                "unit_id",
                format!("Đơn vị không thuộc đối tượng của phong trào «{}»", m.name),
            ));
        }
        if !m.milestones.iter().any(|x| x.id == milestone_id) {
            return Err(invalid(
                "milestone_id",
                "Phong trào không có mốc báo cáo này",
            ));
        }
        let text = tidy(&input.text);
        if text.chars().count() < 10 {
            return Err(invalid("text", "Cần nội dung báo cáo (ít nhất 10 ký tự)"));
        }
        let mut values: Vec<ReportValue> = Vec::new();
        for (i, v) in input.values.iter().enumerate() {
            let Some(ind) = m.indicators.iter().find(|x| x.id == v.indicator_id) else {
                return Err(invalid(
                    format!("values[{i}].indicator_id"),
                    "Phong trào không có chỉ tiêu này",
                ));
            };
            if values.iter().any(|x| x.indicator_id == ind.id) {
                return Err(invalid(
                    format!("values[{i}].indicator_id"),
                    format!("Chỉ tiêu «{}» ghi hai lần", ind.name),
                ));
            }
            for (k, n) in [("target", v.target), ("achieved", v.achieved)] {
                if n.is_some_and(|n| !n.is_finite() || n < 0.0)
                    || (ind.measure == Measure::Percent && n.is_some_and(|n| n > 1000.0))
                {
                    return Err(invalid(
                        format!("values[{i}].{k}"),
                        format!("Chỉ tiêu «{}»: cần một số không âm", ind.name),
                    ));
                }
            }
            if v.target.is_none() && v.achieved.is_none() {
                continue;
            }
            values.push(ReportValue {
                indicator_id: ind.id,
                // The movement's target applies where the unit gives none.
                target: v.target.or(ind.target),
                achieved: v.achieved,
            });
        }
        let mut checked = Vec::new();
        for (name, bytes) in files {
            if bytes.is_empty() {
                continue;
            }
            let (filename, mime, sha256) = self.checked_file(&name, &bytes)?;
            checked.push(NewFile {
                filename,
                mime: mime.to_string(),
                sha256,
                bytes,
            });
        }
        Ok(self
            .store
            .submit_report(
                &p.actor(),
                &NewReport {
                    movement_id,
                    milestone_id,
                    unit_id,
                    text,
                    values,
                    files: checked,
                    by: Some(p.user_id),
                    on: self.today(),
                },
            )
            .await?)
    }

    /// Attaches a file to a report already sent (the API's way; the page sends files with the
    /// report). The report keeps its text and figures and counts as amended.
    pub async fn add_report_file(
        &self,
        p: &Principal,
        movement_id: i64,
        milestone_id: i64,
        unit_id: i64,
        filename: &str,
        bytes: Vec<u8>,
    ) -> AppResult<ReportRow> {
        let Some(r) = self.store.report(milestone_id, unit_id).await? else {
            return Err(AppError::Conflict(
                "Đơn vị chưa nộp báo cáo cho mốc này: nộp báo cáo trước khi đính kèm tệp".into(),
            ));
        };
        if r.movement_id != movement_id {
            return Err(StoreError::NotFound("báo cáo").into());
        }
        let input = ReportInput {
            text: r.text.clone(),
            values: r
                .values
                .iter()
                .map(|v| ReportValueInput {
                    indicator_id: v.indicator_id,
                    target: v.target,
                    achieved: v.achieved,
                })
                .collect(),
        };
        self.submit_report(
            p,
            movement_id,
            milestone_id,
            unit_id,
            &input,
            vec![(filename.to_string(), bytes)],
        )
        .await
    }

    /// A unit's report for a milestone, for whoever follows that unit.
    pub async fn movement_report(
        &self,
        p: &Principal,
        movement_id: i64,
        milestone_id: i64,
        unit_id: i64,
    ) -> AppResult<Option<ReportRow>> {
        let m = self.movement(p, movement_id).await?;
        self.authorize(p, Action::MovementFollow, unit_id).await?;
        if !m.milestones.iter().any(|x| x.id == milestone_id) {
            return Err(invalid(
                "milestone_id",
                "Phong trào không có mốc báo cáo này",
            ));
        }
        Ok(self.store.report(milestone_id, unit_id).await?)
    }

    /// A report's attachment, for whoever follows the reporting unit.
    pub async fn report_file(
        &self,
        p: &Principal,
        movement_id: i64,
        file_id: i64,
        milestone_id: i64,
        unit_id: i64,
    ) -> AppResult<(MovementFileRow, Vec<u8>)> {
        let Some(r) = self
            .movement_report(p, movement_id, milestone_id, unit_id)
            .await?
        else {
            return Err(StoreError::NotFound("báo cáo").into());
        };
        if !r.files.iter().any(|f| f.id == file_id) {
            return Err(StoreError::NotFound("tệp của báo cáo").into());
        }
        Ok(self.store.movement_file(movement_id, file_id).await?)
    }

    /// The units × milestones matrix with the indicators of `milestone_id` (default: the last
    /// milestone already due, else the first) summed up the tree.
    pub async fn movement_progress(
        &self,
        p: &Principal,
        movement_id: i64,
        milestone_id: Option<i64>,
    ) -> AppResult<Progress> {
        let movement = self.movement(p, movement_id).await?;
        let targets = self.followed_targets(p, &movement).await?;
        let today = self.today();
        let milestones = movement.milestones.clone();
        let chosen = milestone_id
            .filter(|id| milestones.iter().any(|m| m.id == *id))
            .or_else(|| {
                milestones
                    .iter()
                    .filter(|m| m.due_on <= today)
                    .max_by_key(|m| m.due_on)
                    .or(milestones.first())
                    .map(|m| m.id)
            });
        let cells: HashMap<(i64, i64), time::Date> = self
            .store
            .report_cells(movement_id)
            .await?
            .into_iter()
            .map(|c| ((c.unit_id, c.milestone_id), c.first_on))
            .collect();
        // Figures of the chosen milestone, per indicator and unit.
        let in_view: HashMap<i64, Option<i64>> =
            targets.iter().map(|t| (t.unit_id, t.parent_id)).collect();
        let mut own: Vec<HashMap<i64, Figures>> = vec![HashMap::new(); movement.indicators.len()];
        if let Some(ms) = chosen {
            for f in self.store.milestone_figures(ms).await? {
                if !in_view.contains_key(&f.unit_id) {
                    continue;
                }
                if let Some(i) = movement
                    .indicators
                    .iter()
                    .position(|x| x.id == f.indicator_id)
                {
                    own[i].insert(
                        f.unit_id,
                        Figures {
                            target: f.target,
                            achieved: f.achieved,
                            reports: 1,
                        },
                    );
                }
            }
        }
        // Sums run only through units of the view: a parent outside it ends the chain.
        let parents: HashMap<i64, Option<i64>> = in_view
            .iter()
            .map(|(u, p)| (*u, p.filter(|p| in_view.contains_key(p))))
            .collect();
        let sums: Vec<HashMap<i64, Figures>> = movement
            .indicators
            .iter()
            .zip(&own)
            .map(|(ind, o)| roll_up(&parents, o, ind.measure))
            .collect();
        // Everything in the view under one synthetic root (no unit has id i64::MIN).
        let totals = movement
            .indicators
            .iter()
            .zip(&own)
            .map(|(ind, o)| {
                let flat: HashMap<i64, Option<i64>> =
                    o.keys().map(|k| (*k, Some(i64::MIN))).collect();
                roll_up(&flat, o, ind.measure)
                    .remove(&i64::MIN)
                    .unwrap_or_default()
            })
            .collect();
        let mut counts = vec![(0, 0, 0, 0); milestones.len()];
        let mut rows = Vec::with_capacity(targets.len());
        for t in &targets {
            let mut depth = 0;
            let mut at = parents.get(&t.unit_id).copied().flatten();
            while let Some(u) = at {
                depth += 1;
                at = parents.get(&u).copied().flatten();
                if depth > targets.len() {
                    break;
                }
            }
            let row_cells: Vec<(Timeliness, Option<time::Date>)> = milestones
                .iter()
                .enumerate()
                .map(|(i, ms)| {
                    let sent = cells.get(&(t.unit_id, ms.id)).copied();
                    let s = timeliness(ms.due_on, sent, today);
                    match s {
                        Timeliness::OnTime => counts[i].0 += 1,
                        Timeliness::Late => counts[i].1 += 1,
                        Timeliness::Missing => counts[i].2 += 1,
                        Timeliness::Open => counts[i].3 += 1,
                    }
                    (s, sent)
                })
                .collect();
            rows.push(MatrixRow {
                depth,
                cells: row_cells,
                own: own.iter().map(|o| o.get(&t.unit_id).copied()).collect(),
                subtree: sums.iter().map(|o| o.get(&t.unit_id).copied()).collect(),
                unit: t.clone(),
            });
        }
        Ok(Progress {
            movement,
            milestones,
            milestone_id: chosen,
            rows,
            counts,
            totals,
        })
    }
}
