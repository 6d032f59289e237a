//! Aggregation, ranking with its tie-break path, sensitivity to the method, and pair flags.
//! A unit's scores of itself are shown but never enter its own total or anyone's statistics.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::input::{Checked, CriterionKind, FlagSettings, Method};

/// Two scores closer than this are equal (inputs have at most a few decimals).
const EPS: f64 = 1e-9;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupScore {
    pub group: String,
    pub score: f64,
}

/// Which rung of the ladder separated two units with the same total.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TieRule {
    /// The score on the first criterion group.
    FirstGroup,
    /// How many scorers put the unit first.
    FirstPlaces,
    /// Still equal: left to the ballot.
    Unresolved,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TieStep {
    /// The unit it was tied with on total.
    pub with: String,
    pub decided_by: TieRule,
    /// This unit's and the other's value on the deciding rung.
    pub own: f64,
    pub other: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RankedUnit {
    /// 1-based; units still tied share a rank.
    pub rank: usize,
    pub id: String,
    pub name: String,
    pub total: f64,
    /// The unit's own score of itself (shown, never counted).
    pub self_total: Option<f64>,
    pub groups: Vec<GroupScore>,
    pub first_places: usize,
    /// How many other members' scores were counted.
    pub scorers: usize,
    pub tie_break: Vec<TieStep>,
}

/// Four decimals are plenty for people and keep the JSON readable; comparisons use full
/// precision before rounding.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn sign(k: CriterionKind) -> f64 {
    match k {
        CriterionKind::Penalty => -1.0,
        _ => 1.0,
    }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn sd(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt()
}

fn sorted(v: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    s
}

fn median(v: &[f64]) -> f64 {
    let s = sorted(v);
    match s.len() {
        0 => 0.0,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

fn trimmed(v: &[f64], k: usize) -> f64 {
    let s = sorted(v);
    if s.len() <= 2 * k {
        mean(&s)
    } else {
        mean(&s[k..s.len() - k])
    }
}

/// Plain aggregation of one unit's scores from the other members.
fn aggregate(v: &[f64], m: Method) -> f64 {
    match m {
        Method::Mean | Method::Zscore => mean(v),
        Method::Median => median(v),
        Method::TrimmedMean { k } => trimmed(v, k),
    }
}

/// Hand-score sums, per scorer and target, over the criteria `keep` selects; `None` where the
/// scorer gave that target no score at all.
fn hand(c: &Checked, keep: impl Fn(usize) -> bool) -> Vec<Vec<Option<f64>>> {
    let n = c.members.len();
    (0..n)
        .map(|s| {
            (0..n)
                .map(|t| {
                    let row = &c.points[s][t];
                    if row.iter().all(Option::is_none) {
                        return None;
                    }
                    Some(
                        row.iter()
                            .enumerate()
                            .filter(|(k, _)| keep(*k))
                            .map(|(k, p)| p.unwrap_or(0.0) * sign(c.criteria[k].kind))
                            .sum(),
                    )
                })
                .collect()
        })
        .collect()
}

fn computed(c: &Checked, t: usize, keep: impl Fn(usize) -> bool) -> f64 {
    c.computed[t]
        .iter()
        .enumerate()
        .filter(|(k, _)| keep(*k))
        .map(|(k, p)| p.unwrap_or(0.0) * sign(c.criteria[k].kind))
        .sum()
}

/// Totals of every unit under a method (self-scores excluded).
fn totals(c: &Checked, h: &[Vec<Option<f64>>], m: Method) -> Vec<f64> {
    let n = c.members.len();
    let others = |t: usize| -> Vec<(usize, f64)> {
        (0..n)
            .filter(|&s| s != t)
            .filter_map(|s| h[s][t].map(|x| (s, x)))
            .collect()
    };
    match m {
        Method::Zscore => {
            let all: Vec<f64> = (0..n)
                .flat_map(|t| others(t).into_iter().map(|(_, x)| x))
                .collect();
            let (mu, sigma) = (mean(&all), sd(&all));
            let (lo, hi) = bounds(c);
            let per_scorer: Vec<(f64, f64)> = (0..n)
                .map(|s| {
                    let given: Vec<f64> =
                        (0..n).filter(|&t| t != s).filter_map(|t| h[s][t]).collect();
                    (mean(&given), sd(&given))
                })
                .collect();
            (0..n)
                .map(|t| {
                    let v: Vec<f64> = others(t)
                        .into_iter()
                        .map(|(s, x)| {
                            let (ms, ss) = per_scorer[s];
                            // A scorer who gave everyone the same total tells nothing about order.
                            let z = if ss > EPS { (x - ms) / ss } else { 0.0 };
                            (mu + sigma * z).clamp(lo, hi)
                        })
                        .collect();
                    mean(&v) + computed(c, t, |_| true)
                })
                .collect()
        }
        _ => (0..n)
            .map(|t| {
                let v: Vec<f64> = others(t).into_iter().map(|(_, x)| x).collect();
                aggregate(&v, m) + computed(c, t, |_| true)
            })
            .collect(),
    }
}

/// Lowest and highest possible hand total.
fn bounds(c: &Checked) -> (f64, f64) {
    let hand_crit = c.criteria.iter().filter(|k| k.scale.is_none());
    let hi = hand_crit
        .clone()
        .filter(|k| k.kind != CriterionKind::Penalty)
        .map(|k| k.max)
        .sum();
    let lo = -hand_crit
        .filter(|k| k.kind == CriterionKind::Penalty)
        .map(|k| k.max)
        .sum::<f64>();
    (lo, hi)
}

/// How many scorers put each unit first, on the scorer's totals (hand scores plus the
/// computed criteria, as the ranking counts them).
fn first_places(c: &Checked, h: &[Vec<Option<f64>>]) -> Vec<usize> {
    let n = c.members.len();
    let comp: Vec<f64> = (0..n).map(|t| computed(c, t, |_| true)).collect();
    let mut fp = vec![0; n];
    for (s, row) in h.iter().enumerate() {
        let total = |t: usize| row[t].map(|x| x + comp[t]);
        let best = (0..n)
            .filter(|&t| t != s)
            .filter_map(total)
            .fold(f64::NEG_INFINITY, f64::max);
        if best.is_finite() {
            for t in (0..n).filter(|&t| t != s) {
                if total(t).is_some_and(|x| (x - best).abs() < EPS) {
                    fp[t] += 1;
                }
            }
        }
    }
    fp
}

fn cmp_desc(a: f64, b: f64) -> Ordering {
    if (a - b).abs() < EPS {
        Ordering::Equal
    } else {
        b.total_cmp(&a)
    }
}

/// Ranks the members: total, then the first group's score, then first places; what is still
/// tied shares a rank and is left to the ballot. Each tied unit records the path.
pub fn rank(c: &Checked, m: Method) -> Vec<RankedUnit> {
    let n = c.members.len();
    let h = hand(c, |_| true);
    let tot = totals(c, &h, m);
    let group_of = |k: usize| c.criteria[k].group.clone();
    let group_scores: Vec<Vec<f64>> = c
        .groups
        .iter()
        .map(|g| {
            let in_g = |k: usize| group_of(k).as_deref() == Some(g.id.as_str());
            let hg = hand(c, in_g);
            // Group scores use the plain method (z-score falls back to the mean).
            (0..n)
                .map(|t| {
                    let v: Vec<f64> = (0..n)
                        .filter(|&s| s != t)
                        .filter_map(|s| hg[s][t])
                        .collect();
                    aggregate(&v, m) + computed(c, t, in_g)
                })
                .collect()
        })
        .collect();
    let first_group = |t: usize| group_scores.first().map(|g| g[t]);
    let fp = first_places(c, &h);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        cmp_desc(tot[a], tot[b])
            .then_with(|| match (first_group(a), first_group(b)) {
                (Some(x), Some(y)) => cmp_desc(x, y),
                _ => Ordering::Equal,
            })
            .then_with(|| fp[b].cmp(&fp[a]))
            .then_with(|| c.members[a].id.cmp(&c.members[b].id))
    });
    let mut out: Vec<RankedUnit> = order
        .iter()
        .map(|&t| RankedUnit {
            rank: 0,
            id: c.members[t].id.clone(),
            name: c.members[t].name.clone(),
            total: round4(tot[t]),
            self_total: h[t][t].map(|x| round4(x + computed(c, t, |_| true))),
            groups: c
                .groups
                .iter()
                .zip(&group_scores)
                .map(|(g, s)| GroupScore {
                    group: g.id.clone(),
                    score: round4(s[t]),
                })
                .collect(),
            first_places: fp[t],
            scorers: (0..n).filter(|&s| s != t && h[s][t].is_some()).count(),
            tie_break: vec![],
        })
        .collect();
    for i in 0..n {
        if i == 0 {
            out[i].rank = 1;
            continue;
        }
        let (a, b) = (order[i - 1], order[i]);
        if cmp_desc(tot[a], tot[b]) != Ordering::Equal {
            out[i].rank = i + 1;
            continue;
        }
        let step = match (first_group(a), first_group(b)) {
            (Some(x), Some(y)) if cmp_desc(x, y) != Ordering::Equal => {
                Some((TieRule::FirstGroup, x, y))
            }
            _ if fp[a] != fp[b] => Some((TieRule::FirstPlaces, fp[a] as f64, fp[b] as f64)),
            _ => None,
        };
        let (rule, va, vb) = step.unwrap_or((TieRule::Unresolved, tot[a], tot[b]));
        out[i].rank = if rule == TieRule::Unresolved {
            out[i - 1].rank
        } else {
            i + 1
        };
        let (ida, idb) = (out[i - 1].id.clone(), out[i].id.clone());
        let (va, vb) = (round4(va), round4(vb));
        out[i - 1].tie_break.push(TieStep {
            with: idb,
            decided_by: rule,
            own: va,
            other: vb,
        });
        out[i].tie_break.push(TieStep {
            with: ida,
            decided_by: rule,
            own: vb,
            other: va,
        });
    }
    out
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SensitivityRow {
    pub id: String,
    pub name: String,
    /// Rank under each method, in the order of `methods`.
    pub ranks: Vec<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sensitivity {
    pub methods: Vec<Method>,
    pub rows: Vec<SensitivityRow>,
    pub top_n: usize,
    /// True when every method puts the same units in the top `top_n`.
    pub top_stable: bool,
}

/// The ranking under every method, so that the conference sees whether its choice of method
/// decides who comes first.
pub fn sensitivity(c: &Checked, chosen: Method, top_n: usize) -> Sensitivity {
    let n = c.members.len();
    let mut methods = vec![chosen];
    let trim = Method::TrimmedMean { k: 1 };
    for m in [Method::Mean, Method::Median, trim, Method::Zscore] {
        if !methods.contains(&m) && (m != trim || n > 3) {
            methods.push(m);
        }
    }
    let rankings: Vec<Vec<RankedUnit>> = methods.iter().map(|&m| rank(c, m)).collect();
    let rank_of =
        |r: &[RankedUnit], id: &str| r.iter().find(|u| u.id == id).map(|u| u.rank).unwrap_or(0);
    let rows = rankings[0]
        .iter()
        .map(|u| SensitivityRow {
            id: u.id.clone(),
            name: u.name.clone(),
            ranks: rankings.iter().map(|r| rank_of(r, &u.id)).collect(),
        })
        .collect();
    let top = |r: &[RankedUnit]| {
        r.iter()
            .filter(|u| u.rank <= top_n)
            .map(|u| u.id.clone())
            .collect::<BTreeSet<_>>()
    };
    let first = top(&rankings[0]);
    Sensitivity {
        top_stable: rankings.iter().all(|r| top(r) == first),
        methods,
        rows,
        top_n,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PairFlag {
    pub a: String,
    pub b: String,
    /// What A gave B, and what the other members gave B on average.
    pub a_gives_b: f64,
    pub others_give_b: f64,
    pub b_gives_a: f64,
    pub others_give_a: f64,
}

/// Pairs of members that score each other far above what the others give them.
pub fn pair_flags(c: &Checked, f: &FlagSettings) -> Vec<PairFlag> {
    let n = c.members.len();
    let h = hand(c, |_| true);
    // (excess, others' mean) of s's score of t, if s is clearly above the others.
    let excess = |s: usize, t: usize| -> Option<f64> {
        let given = h[s][t]?;
        let others: Vec<f64> = (0..n)
            .filter(|&x| x != s && x != t)
            .filter_map(|x| h[x][t])
            .collect();
        if others.len() < 2 {
            return None;
        }
        let m = mean(&others);
        let limit = f.min_excess_points.max(f.min_excess_sd * sd(&others));
        (given - m > limit).then_some(m)
    };
    let mut out = Vec::new();
    for (a, b) in (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))) {
        if let (Some(mb), Some(ma)) = (excess(a, b), excess(b, a)) {
            out.push(PairFlag {
                a: c.members[a].id.clone(),
                b: c.members[b].id.clone(),
                a_gives_b: round4(h[a][b].unwrap_or_default()),
                others_give_b: round4(mb),
                b_gives_a: round4(h[b][a].unwrap_or_default()),
                others_give_a: round4(ma),
            });
        }
    }
    out
}
