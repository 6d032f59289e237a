//! The input of an evaluation, as JSON, and its validation with Vietnamese messages that name
//! the offending item (`scores[12].points`).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::ballot::BallotInput;
use crate::Invalid;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    /// Free text: where the data comes from (kept, not used).
    #[serde(default)]
    pub note: Option<String>,
    pub members: Vec<Member>,
    /// Criterion groups in covenant order; the first group breaks ties.
    #[serde(default)]
    pub groups: Vec<Group>,
    pub criteria: Vec<Criterion>,
    /// Hand scores: every member scores itself and every other member.
    #[serde(default)]
    pub scores: Vec<Score>,
    /// Reported indicators for computed criteria (e.g. budget revenue as % of plan).
    #[serde(default)]
    pub indicators: Vec<IndicatorValue>,
    #[serde(default)]
    pub method: Method,
    /// How many top ranks the sensitivity table compares (default 3).
    pub sensitivity_top_n: Option<usize>,
    pub flags: Option<FlagSettings>,
    pub ballot: Option<BallotInput>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Member {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Group {
    pub id: String,
    pub name: String,
}

/// How a criterion counts towards the total.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// Scored 0..max and added.
    #[default]
    Score,
    /// Bonus points 0..max, added.
    Bonus,
    /// Penalty points 0..max, subtracted.
    Penalty,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    /// Group id; criteria without a group count in no group score.
    pub group: Option<String>,
    pub max: f64,
    #[serde(default)]
    pub kind: CriterionKind,
    /// When present the criterion is computed from a reported indicator, not scored by hand.
    pub scale: Option<Scale>,
    /// How to score it (hướng dẫn chấm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
    /// What evidence a member must attach (minh chứng).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// A piecewise-linear scale from an indicator value to points, flat outside its ends, capped at
/// the criterion's maximum. `points: [[90, 0], [100, 8], [110, 10]]`: 105.54 % of plan → 8.0 +
/// (5.54 / 10) × 2 = 9.108 points.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Scale {
    pub points: Vec<[f64; 2]>,
}

impl Scale {
    pub fn apply(&self, value: f64, max: f64) -> f64 {
        let p = &self.points;
        let raw = if value <= p[0][0] {
            p[0][1]
        } else if value >= p[p.len() - 1][0] {
            p[p.len() - 1][1]
        } else {
            let i = p
                .windows(2)
                .position(|w| value >= w[0][0] && value <= w[1][0])
                .expect("inside the scale");
            let (a, b) = (p[i], p[i + 1]);
            a[1] + (value - a[0]) / (b[0] - a[0]) * (b[1] - a[1])
        };
        raw.clamp(0.0, max)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Score {
    pub scorer: String,
    pub target: String,
    pub criterion: String,
    pub points: f64,
    /// Evidence or remark, kept with the score.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IndicatorValue {
    pub member: String,
    pub criterion: String,
    pub value: f64,
}

/// Aggregation of the scores members give one unit.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case", tag = "name")]
pub enum Method {
    #[default]
    Mean,
    Median,
    /// Drops the `k` highest and `k` lowest scorers' totals.
    TrimmedMean {
        k: usize,
    },
    /// Each scorer's totals are standardised (their own mean and spread), then rescaled to the
    /// points scale with the mean and spread of all scores.
    Zscore,
}

impl Method {
    pub fn label(self) -> String {
        match self {
            Method::Mean => "trung bình cộng".into(),
            Method::Median => "trung vị".into(),
            Method::TrimmedMean { k } => format!("trung bình bỏ {k} cao nhất và {k} thấp nhất"),
            Method::Zscore => "chuẩn hoá z-score theo người chấm".into(),
        }
    }
}

/// When a pair of members is flagged: each scores the other higher than the other scorers'
/// average for that unit by more than both limits.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FlagSettings {
    pub min_excess_points: f64,
    pub min_excess_sd: f64,
}

impl Default for FlagSettings {
    fn default() -> Self {
        Self {
            min_excess_points: 5.0,
            min_excess_sd: 1.5,
        }
    }
}

/// The input after validation, indexed for scoring.
#[derive(Debug, Clone)]
pub struct Checked {
    pub members: Vec<Member>,
    pub groups: Vec<Group>,
    pub criteria: Vec<Criterion>,
    /// points[scorer][target][criterion] for hand-scored criteria (None = not scored).
    pub points: Vec<Vec<Vec<Option<f64>>>>,
    /// computed[target][criterion] for criteria with a scale.
    pub computed: Vec<Vec<Option<f64>>>,
}

pub const MAX_MEMBERS: usize = 200;
pub const MAX_CRITERIA: usize = 300;

fn fmt_num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

impl EvaluationInput {
    pub fn check(&self) -> Result<Checked, Invalid> {
        if self.members.len() < 2 {
            return Err(Invalid::new("members", "Cụm cần ít nhất 2 thành viên"));
        }
        // Bounds keep one request's memory small (the score matrix is members² × criteria).
        if self.members.len() > MAX_MEMBERS {
            return Err(Invalid::new(
                "members",
                format!("Tối đa {MAX_MEMBERS} thành viên"),
            ));
        }
        if self.criteria.len() > MAX_CRITERIA {
            return Err(Invalid::new(
                "criteria",
                format!("Tối đa {MAX_CRITERIA} tiêu chí"),
            ));
        }
        let mut group_seen = HashSet::new();
        for (i, g) in self.groups.iter().enumerate() {
            if !group_seen.insert(g.id.as_str()) {
                return Err(Invalid::new(
                    format!("groups[{i}].id"),
                    format!("Nhóm «{}» bị lặp", g.id),
                ));
            }
        }
        let mut member_ix = HashMap::new();
        for (i, m) in self.members.iter().enumerate() {
            if member_ix.insert(m.id.as_str(), i).is_some() {
                return Err(Invalid::new(
                    format!("members[{i}].id"),
                    format!("Thành viên «{}» bị lặp", m.id),
                ));
            }
        }
        let group_ids: HashSet<&str> = self.groups.iter().map(|g| g.id.as_str()).collect();
        if self.criteria.is_empty() {
            return Err(Invalid::new("criteria", "Bảng tiêu chí trống"));
        }
        let mut crit_ix = HashMap::new();
        for (i, c) in self.criteria.iter().enumerate() {
            let f = |x: &str| format!("criteria[{i}].{x}");
            if crit_ix.insert(c.id.as_str(), i).is_some() {
                return Err(Invalid::new(f("id"), format!("Tiêu chí «{}» bị lặp", c.id)));
            }
            if !(c.max.is_finite() && c.max > 0.0) {
                return Err(Invalid::new(
                    f("max"),
                    format!("Điểm tối đa của tiêu chí «{}» phải lớn hơn 0", c.id),
                ));
            }
            if let Some(g) = &c.group
                && !group_ids.contains(g.as_str())
            {
                return Err(Invalid::new(
                    f("group"),
                    format!(
                        "Tiêu chí «{}» thuộc nhóm «{g}» không có trong danh sách nhóm",
                        c.id
                    ),
                ));
            }
            if let Some(s) = &c.scale
                && (s.points.len() < 2
                    || s.points.windows(2).any(|w| w[1][0] <= w[0][0])
                    || s.points.iter().flatten().any(|x| !x.is_finite()))
            {
                return Err(Invalid::new(
                    f("scale"),
                    format!(
                        "Thang quy đổi của tiêu chí «{}» cần ít nhất 2 điểm với giá trị tăng dần",
                        c.id
                    ),
                ));
            }
        }
        let (n, k) = (self.members.len(), self.criteria.len());
        let mut points = vec![vec![vec![None; k]; n]; n];
        for (i, s) in self.scores.iter().enumerate() {
            let f = |x: &str| format!("scores[{i}].{x}");
            let scorer = *member_ix.get(s.scorer.as_str()).ok_or_else(|| {
                Invalid::new(
                    f("scorer"),
                    format!("Người chấm «{}» không phải thành viên cụm", s.scorer),
                )
            })?;
            let target = *member_ix.get(s.target.as_str()).ok_or_else(|| {
                Invalid::new(
                    f("target"),
                    format!("Đơn vị được chấm «{}» không phải thành viên cụm", s.target),
                )
            })?;
            let c = *crit_ix.get(s.criterion.as_str()).ok_or_else(|| {
                Invalid::new(
                    f("criterion"),
                    format!("Không có tiêu chí «{}»", s.criterion),
                )
            })?;
            let crit = &self.criteria[c];
            if crit.scale.is_some() {
                return Err(Invalid::new(
                    f("criterion"),
                    format!(
                        "Tiêu chí «{}» được tính từ chỉ số báo cáo, không chấm tay",
                        crit.id
                    ),
                ));
            }
            if !(s.points.is_finite() && (0.0..=crit.max).contains(&s.points)) {
                return Err(Invalid::new(
                    f("points"),
                    format!(
                        "{} chấm {} tiêu chí «{}» {} điểm, ngoài khoảng 0–{}",
                        s.scorer,
                        s.target,
                        crit.id,
                        fmt_num(s.points),
                        fmt_num(crit.max)
                    ),
                ));
            }
            if points[scorer][target][c].replace(s.points).is_some() {
                return Err(Invalid::new(
                    f("points"),
                    format!(
                        "{} chấm {} tiêu chí «{}» hai lần",
                        s.scorer, s.target, crit.id
                    ),
                ));
            }
        }
        let mut computed = vec![vec![None; k]; n];
        for (i, v) in self.indicators.iter().enumerate() {
            let f = |x: &str| format!("indicators[{i}].{x}");
            let m = *member_ix.get(v.member.as_str()).ok_or_else(|| {
                Invalid::new(
                    f("member"),
                    format!("«{}» không phải thành viên cụm", v.member),
                )
            })?;
            let c = *crit_ix.get(v.criterion.as_str()).ok_or_else(|| {
                Invalid::new(
                    f("criterion"),
                    format!("Không có tiêu chí «{}»", v.criterion),
                )
            })?;
            let crit = &self.criteria[c];
            let Some(scale) = &crit.scale else {
                return Err(Invalid::new(
                    f("criterion"),
                    format!("Tiêu chí «{}» chấm tay, không tính từ chỉ số", crit.id),
                ));
            };
            if !v.value.is_finite() {
                return Err(Invalid::new(f("value"), "Giá trị chỉ số không hợp lệ"));
            }
            computed[m][c] = Some(scale.apply(v.value, crit.max));
        }
        if let Method::TrimmedMean { k } = self.method
            && n <= 1 + 2 * k
        {
            return Err(Invalid::new(
                "method.k",
                format!(
                    "Bỏ {k} cao nhất và {k} thấp nhất cần hơn {} người chấm mỗi đơn vị",
                    2 * k
                ),
            ));
        }
        if let Some(f) = &self.flags
            && !(f.min_excess_points >= 0.0 && f.min_excess_sd >= 0.0)
        {
            return Err(Invalid::new("flags", "Ngưỡng cảnh báo không được âm"));
        }
        Ok(Checked {
            members: self.members.clone(),
            groups: self.groups.clone(),
            criteria: self.criteria.clone(),
            points,
            computed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_interpolates_and_caps() {
        let s = Scale {
            points: vec![[90.0, 0.0], [100.0, 8.0], [110.0, 10.0]],
        };
        assert!((s.apply(105.54, 10.0) - 9.108).abs() < 1e-9);
        assert_eq!(s.apply(80.0, 10.0), 0.0);
        assert_eq!(s.apply(150.0, 10.0), 10.0);
        assert_eq!(s.apply(150.0, 9.0), 9.0);
        assert_eq!(s.apply(100.0, 10.0), 8.0);
    }

    #[test]
    fn numbers_print_the_vietnamese_way() {
        assert_eq!(fmt_num(12.5), "12,5");
        assert_eq!(fmt_num(20.0), "20");
    }
}
