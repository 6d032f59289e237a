//! Following a movement: whether a unit's registration or report came in on time, and its
//! indicators summed up the unit tree.

use std::collections::HashMap;

use time::Date;

use super::Measure;

code_enum!(
    /// A cell of the units × milestones matrix (and a unit's registration).
    Timeliness, "Tình trạng nộp" {
        OnTime = "dung_han", "Đã nộp đúng hạn";
        Late = "nop_muon", "Nộp muộn";
        Missing = "chua_nop_qua_han", "Quá hạn, chưa nộp";
        Open = "chua_den_han", "Chưa nộp, chưa đến hạn";
    }
);

/// A report or registration due on `due` and first sent on `sent` (if ever), seen on `today`.
pub fn timeliness(due: Date, sent: Option<Date>, today: Date) -> Timeliness {
    match sent {
        Some(d) if d <= due => Timeliness::OnTime,
        Some(_) => Timeliness::Late,
        None if today > due => Timeliness::Missing,
        None => Timeliness::Open,
    }
}

/// An indicator's figures for a unit (its own report) or summed over a subtree.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Figures {
    pub target: Option<f64>,
    pub achieved: Option<f64>,
    /// How many reports the figures come from.
    pub reports: usize,
}

impl Figures {
    /// Achieved as a percentage of the target, when both are known and the target is not zero.
    pub fn percent_of_target(&self) -> Option<f64> {
        match (self.target, self.achieved) {
            (Some(t), Some(a)) if t != 0.0 => Some(a / t * 100.0),
            _ => None,
        }
    }

    fn add(&mut self, other: &Figures) {
        let plus = |x: Option<f64>, y: Option<f64>| match (x, y) {
            (None, None) => None,
            (x, y) => Some(x.unwrap_or(0.0) + y.unwrap_or(0.0)),
        };
        self.target = plus(self.target, other.target);
        self.achieved = plus(self.achieved, other.achieved);
        self.reports += other.reports;
    }
}

/// Sums each unit's own figures into every ancestor listed in `parents` (unit → parent; a unit
/// whose parent is not in the map is a root of the view). Counts and money add up; a percentage
/// does not, so the subtree figure of a percent indicator is the mean over the reports in it that
/// give that value (a report with only a target does not lower the achieved mean).
/// Linear in the number of units times the tree depth.
pub fn roll_up(
    parents: &HashMap<i64, Option<i64>>,
    own: &HashMap<i64, Figures>,
    measure: Measure,
) -> HashMap<i64, Figures> {
    let mut total: HashMap<i64, Figures> = HashMap::new();
    // How many reports gave a target and an achieved value, for the percent mean.
    let mut given: HashMap<i64, (usize, usize)> = HashMap::new();
    for (unit, f) in own {
        let mut at = Some(*unit);
        // Guard against a cycle in bad data: no tree is deeper than the map is long.
        let mut hops = 0;
        while let Some(u) = at {
            total.entry(u).or_default().add(f);
            let g = given.entry(u).or_default();
            g.0 += usize::from(f.target.is_some());
            g.1 += usize::from(f.achieved.is_some());
            at = parents.get(&u).copied().flatten();
            hops += 1;
            if hops > parents.len() + 1 {
                break;
            }
        }
    }
    if measure == Measure::Percent {
        for (u, f) in total.iter_mut() {
            let (t, a) = given[u];
            f.target = f.target.map(|x| x / t.max(1) as f64);
            f.achieved = f.achieved.map(|x| x / a.max(1) as f64);
        }
    }
    total
}
