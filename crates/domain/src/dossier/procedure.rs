//! Procedure settings of dossiers (rules/procedure.toml): time limits per stage in working days,
//! the holiday calendar, public consultation, council thresholds and quorum, document limits,
//! the decision's symbol and legal basis. Numbers are settings, never code (DOMAIN.md §6).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Weekday};

use super::{CommendationType, State};
use crate::eligibility::PackError;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Consultation {
    pub default_days: u32,
    pub max_days: u32,
    pub comments_per_hour: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub share: f64,
    pub awards: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Council {
    pub default_share: f64,
    /// "More than" rather than "at least" for the default share.
    pub default_strict: bool,
    pub quorum_share: f64,
    pub basis: String,
    #[serde(default)]
    pub threshold: Vec<Threshold>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DocumentLimits {
    pub max_mb: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DecisionSettings {
    pub symbol: String,
    /// Bonuses are rounded up to a multiple of this (đồng).
    pub rounding: i64,
    pub legal_basis: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Holidays {
    dates: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    deadlines: BTreeMap<String, u32>,
    deadlines_dot_xuat: BTreeMap<String, u32>,
    consultation: Consultation,
    council: Council,
    documents: DocumentLimits,
    decision: DecisionSettings,
    holidays: Holidays,
}

/// An error at the first line that starts with `key` (a TOML key, unquoted), else at a quoted
/// value.
fn key_at(file: &str, text: &str, key: &str, message: String) -> PackError {
    match text.lines().position(|l| l.trim_start().starts_with(key)) {
        Some(i) => PackError {
            file: file.into(),
            line: i + 1,
            message,
        },
        None => PackError::at(file, text, key, message),
    }
}

/// The procedure settings in force.
#[derive(Debug, Clone)]
pub struct Procedure {
    deadlines: BTreeMap<State, u32>,
    deadlines_fast: BTreeMap<State, u32>,
    pub consultation: Consultation,
    pub council: Council,
    pub documents: DocumentLimits,
    pub decision: DecisionSettings,
    pub holidays: BTreeSet<Date>,
}

const BUILTIN: &str = include_str!("../../../../rules/procedure.toml");

impl Procedure {
    pub fn builtin() -> Self {
        Self::parse("rules/procedure.toml", BUILTIN).expect("the shipped procedure settings parse")
    }

    /// Parses the settings; a bad value is reported with file and line.
    pub fn parse(file: &str, text: &str) -> Result<Self, PackError> {
        let f: File = toml::from_str(text).map_err(|e| PackError::from_toml(file, text, &e))?;
        let stages = |m: &BTreeMap<String, u32>| -> Result<BTreeMap<State, u32>, PackError> {
            m.iter()
                .map(|(k, v)| {
                    let s = State::parse("deadlines", k)
                        .map_err(|e| key_at(file, text, k, e.message))?;
                    if *v == 0 || *v > 365 {
                        return Err(key_at(
                            file,
                            text,
                            k,
                            format!("thời hạn của «{k}» phải từ 1 đến 365 ngày làm việc"),
                        ));
                    }
                    Ok((s, *v))
                })
                .collect()
        };
        let deadlines = stages(&f.deadlines)?;
        let deadlines_fast = stages(&f.deadlines_dot_xuat)?;
        let share_ok = |s: f64| s.is_finite() && s > 0.0 && s <= 1.0;
        for t in &f.council.threshold {
            if !share_ok(t.share) {
                return Err(key_at(
                    file,
                    text,
                    "share",
                    "tỷ lệ phiếu phải lớn hơn 0 và không quá 1".into(),
                ));
            }
        }
        if !share_ok(f.council.default_share) || !share_ok(f.council.quorum_share) {
            return Err(key_at(
                file,
                text,
                "[council]",
                "tỷ lệ phiếu, tỷ lệ có mặt phải lớn hơn 0 và không quá 1".into(),
            ));
        }
        if f.consultation.default_days == 0 || f.consultation.default_days > f.consultation.max_days
        {
            return Err(key_at(
                file,
                text,
                "default_days",
                "số ngày lấy ý kiến mặc định phải từ 1 đến max_days".into(),
            ));
        }
        let mut holidays = BTreeSet::new();
        for d in &f.holidays.dates {
            let day = crate::dates::parse_iso("holidays", d)
                .map_err(|e| PackError::at(file, text, d, e.message))?;
            holidays.insert(day);
        }
        Ok(Self {
            deadlines,
            deadlines_fast,
            consultation: f.consultation,
            council: f.council,
            documents: f.documents,
            decision: f.decision,
            holidays,
        })
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.holidays.contains(&d)
    }

    /// The day `n` working days after `start` (the start day itself does not count).
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// The time limit of a stage, in working days, if it has one.
    pub fn limit(&self, state: State, kind: CommendationType) -> Option<u32> {
        let fast = kind == CommendationType::DotXuat;
        let m = if fast {
            &self.deadlines_fast
        } else {
            &self.deadlines
        };
        m.get(&state).copied()
    }

    /// The due date of a stage entered on `since`.
    pub fn due(&self, state: State, kind: CommendationType, since: Date) -> Option<Date> {
        self.limit(state, kind)
            .map(|n| self.add_working_days(since, n))
    }

    /// The council's threshold for an award: (share of all members, strict).
    pub fn council_threshold(&self, award: &str) -> (f64, bool) {
        self.council
            .threshold
            .iter()
            .find(|t| t.awards.iter().any(|a| a == award))
            .map(|t| (t.share, false))
            .unwrap_or((self.council.default_share, self.council.default_strict))
    }
}

/// A bonus: `multiple` × the base salary, rounded up to `rounding` đồng.
pub fn bonus_amount(multiple: f64, base_salary: u64, rounding: i64) -> i64 {
    let raw = (multiple * base_salary as f64).round() as i64;
    let r = rounding.max(1);
    (raw + r - 1) / r * r
}

/// The smallest number of "agree" votes out of `members` that meets a share (strict: more than).
pub fn votes_needed(members: u32, share: f64, strict: bool) -> u32 {
    let exact = f64::from(members) * share;
    // Shares like 0.9 × 10 must give 9, not 9.000000000000002 → 10.
    let rounded = (exact * 1e9).round() / 1e9;
    if strict {
        rounded.floor() as u32 + 1
    } else {
        rounded.ceil() as u32
    }
}

/// "≥ 80% tổng số thành viên (9/11)".
pub fn threshold_text(members: u32, share: f64, strict: bool) -> String {
    let pct = (share * 100.0 * 10.0).round() / 10.0;
    format!(
        "{} {}% tổng số thành viên ({}/{members})",
        if strict { ">" } else { "≥" },
        pct,
        votes_needed(members, share, strict)
    )
}

impl State {
    /// States the Board works on: shown as "to do" and checked for time limits.
    pub fn is_open(self) -> bool {
        !self.is_final() && !matches!(self, State::Draft | State::Awarded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::ymd;

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let p = Procedure::builtin();
        // Friday 2026-04-24 + 1 working day: Mon 27 is the Hùng Kings day off → Tue 28.
        assert_eq!(p.add_working_days(ymd(2026, 4, 24), 1), ymd(2026, 4, 28));
        // Thursday + 2 → Monday.
        assert_eq!(p.add_working_days(ymd(2026, 12, 3), 2), ymd(2026, 12, 7));
        // Tết 2026: Friday 13 Feb + 1 → Monday 23 Feb.
        assert_eq!(p.add_working_days(ymd(2026, 2, 13), 1), ymd(2026, 2, 23));
        assert_eq!(
            p.working_days_between(ymd(2026, 12, 3), ymd(2026, 12, 7)),
            2
        );
        assert_eq!(
            p.working_days_between(ymd(2026, 12, 7), ymd(2026, 12, 3)),
            0
        );
    }

    #[test]
    fn deadlines_depend_on_the_path() {
        let p = Procedure::builtin();
        let d = ymd(2026, 12, 1);
        let normal = p
            .due(State::UnderAppraisal, CommendationType::CongTrang, d)
            .unwrap();
        let fast = p
            .due(State::UnderAppraisal, CommendationType::DotXuat, d)
            .unwrap();
        assert!(fast < normal);
        assert_eq!(p.due(State::Draft, CommendationType::CongTrang, d), None);
    }

    #[test]
    fn council_thresholds_count_all_members() {
        let p = Procedure::builtin();
        assert_eq!(p.council_threshold("chien_si_thi_dua_tinh"), (0.9, false));
        assert_eq!(p.council_threshold("chien_si_thi_dua_co_so"), (0.8, false));
        assert_eq!(p.council_threshold("bang_khen_tinh"), (0.5, true));
        assert_eq!(votes_needed(10, 0.9, false), 9);
        assert_eq!(votes_needed(11, 0.8, false), 9);
        assert_eq!(votes_needed(10, 0.5, true), 6);
        assert_eq!(votes_needed(9, 0.5, true), 5);
        assert_eq!(
            threshold_text(11, 0.8, false),
            "≥ 80% tổng số thành viên (9/11)"
        );
    }

    #[test]
    fn bonuses_round_up() {
        assert_eq!(bonus_amount(1.5, 2_340_000, 10_000), 3_510_000);
        assert_eq!(bonus_amount(0.3, 2_340_000, 10_000), 710_000);
        assert_eq!(bonus_amount(0.3, 2_340_000, 1), 702_000);
    }

    #[test]
    fn bad_settings_name_the_line() {
        let text = BUILTIN.replace("dang_tham_dinh = 20", "dang_tham_dinh = 0");
        let e = Procedure::parse("procedure.toml", &text).unwrap_err();
        assert!(e.message.contains("dang_tham_dinh"), "{e:?}");
        assert!(e.line > 1);
        let text = BUILTIN.replace("da_gui = 5", "da_gul = 5");
        let e = Procedure::parse("procedure.toml", &text).unwrap_err();
        assert!(e.message.contains("da_gul"), "{e:?}");
    }
}
