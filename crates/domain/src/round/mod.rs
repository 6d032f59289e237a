//! The year-end round (bình xét cuối năm): settings from rules/round.toml (due dates per level,
//! which unit kinds grant which titles themselves, the candidates per person and collective, and
//! limits that only warn), a unit's progress, and the two judgements a clerk's selection needs:
//! whether it departs from the engine's verdict, and whether it exceeds a limit. Settings, not
//! law (DOMAIN.md §6): provinces set deadlines and keep or drop old caps.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::eligibility::{Catalog, PackError, VerdictKind};
use crate::unit::UnitKind;

code_enum!(
    /// Progress of a unit in the year-end round (`round_units.progress`).
    RoundProgress, "Tiến độ bình xét" {
        NotStarted = "chua_bat_dau", "Chưa bắt đầu";
        Rating = "dang_danh_gia", "Đang đánh giá, xếp loại";
        Voting = "dang_bo_phieu", "Đang bỏ phiếu";
        Decided = "da_quyet_dinh", "Đã ra quyết định";
        SentUp = "da_gui_len", "Đã gửi cấp trên";
    }
);

impl RoundProgress {
    /// Late: the due date has passed and the unit has neither decided nor sent its proposals up.
    pub fn overdue(self, due: Date, today: Date) -> bool {
        today > due && !matches!(self, RoundProgress::Decided | RoundProgress::SentUp)
    }
}

/// When a participant at `depth` under the authority must send its proposals: `month`-`day` of
/// the round's year, or of the year after when `year_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LevelDeadline {
    pub depth: u32,
    pub month: u8,
    pub day: u8,
    pub year_after: bool,
}

/// The titles and awards units of `kinds` grant themselves, and the legal basis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Power {
    pub kinds: Vec<UnitKind>,
    pub grants: Vec<String>,
    pub basis: String,
}

/// At most `max_share` × (selected count of `of`) selections of `award`; exceeding it warns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    pub award: String,
    pub of: String,
    pub max_share: f64,
    pub note: String,
    #[serde(default)]
    pub to_verify: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundSettings {
    /// One per listed depth, shallowest first.
    pub deadlines: Vec<LevelDeadline>,
    /// For a participant shallower than every listed level (depth 0 here).
    pub default_deadline: LevelDeadline,
    pub powers: Vec<Power>,
    /// Award codes proposed for each person.
    pub individual: Vec<String>,
    /// Award codes proposed for each collective.
    pub collective: Vec<String>,
    pub limits: Vec<Limit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeadlineFile {
    depth: u32,
    date: String,
    #[serde(default)]
    year_after: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultDeadlineFile {
    date: String,
    #[serde(default)]
    year_after: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PowerFile {
    kinds: Vec<String>,
    grants: Vec<String>,
    basis: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CandidatesFile {
    individual: Vec<String>,
    collective: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    deadline: Vec<DeadlineFile>,
    default_deadline: DefaultDeadlineFile,
    #[serde(default)]
    power: Vec<PowerFile>,
    candidates: CandidatesFile,
    #[serde(default)]
    limit: Vec<Limit>,
}

const BUILTIN: &str = include_str!("../../../../rules/round.toml");

/// The line (1-based) of the `nth` (0-based) line matching `pred`, else 1.
fn line_where(text: &str, nth: usize, pred: impl Fn(&str) -> bool) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| pred(l.trim_start()))
        .nth(nth)
        .map_or(1, |(i, _)| i + 1)
}

fn err(file: &str, line: usize, message: String) -> PackError {
    PackError {
        file: file.into(),
        line,
        message,
    }
}

/// The first line from `from` (1-based) on that holds `"value"` (quoted): values repeat across
/// lists (an award is granted and proposed), so a bad one is looked for in its own list.
fn value_line(text: &str, from: usize, value: &str) -> usize {
    let q = format!("\"{value}\"");
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(&q))
        .map_or(from, |(i, _)| i + 1)
}

/// The line of the `nth` (0-based) `key = …` line.
fn key_line(text: &str, key: &str, nth: usize) -> usize {
    line_where(text, nth, |l| {
        l.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with('='))
    })
}

/// "MM-DD", a day that exists in every year (29 February does not).
fn month_day(s: &str) -> Option<(u8, u8)> {
    let (m, d) = s.trim().split_once('-')?;
    let (m, d): (u8, u8) = (m.parse().ok()?, d.parse().ok()?);
    let month = time::Month::try_from(m).ok()?;
    Date::from_calendar_date(2025, month, d).ok()?;
    Some((m, d))
}

impl RoundSettings {
    /// The shipped settings (rules/round.toml, embedded).
    pub fn builtin() -> Self {
        let (f, t) = crate::eligibility::BUILTIN_CATALOG;
        let catalog = Catalog::parse(f, t).expect("the shipped catalog parses (tested)");
        Self::parse("rules/round.toml", BUILTIN, &catalog)
            .expect("the shipped round settings parse (tested)")
    }

    /// Parses the settings, checking award codes against the catalog; a bad value is reported
    /// with file and line.
    pub fn parse(file: &str, text: &str, catalog: &Catalog) -> Result<Self, PackError> {
        let f: File = toml::from_str(text).map_err(|e| PackError::from_toml(file, text, &e))?;
        // `from`: the line the entry starts on.
        let date = |s: &str, from: usize| {
            month_day(s).ok_or_else(|| {
                err(
                    file,
                    value_line(text, from, s),
                    format!("ngày «{s}» không hợp lệ, cần dạng TT-NN (ví dụ \"12-15\")"),
                )
            })
        };
        let mut deadlines: Vec<LevelDeadline> = Vec::new();
        for (i, d) in f.deadline.iter().enumerate() {
            // The i-th `depth = …` line is the i-th [[deadline]]'s: nothing else has that key.
            let here = || key_line(text, "depth", i);
            if d.depth == 0 {
                return Err(err(
                    file,
                    here(),
                    "depth phải từ 1 (1 là đơn vị trực thuộc cấp tổ chức bình xét)".into(),
                ));
            }
            if deadlines.iter().any(|x| x.depth == d.depth) {
                return Err(err(
                    file,
                    here(),
                    format!("thời hạn cho cấp {} khai báo hai lần", d.depth),
                ));
            }
            let (month, day) = date(&d.date, here())?;
            deadlines.push(LevelDeadline {
                depth: d.depth,
                month,
                day,
                year_after: d.year_after,
            });
        }
        deadlines.sort_by_key(|d| d.depth);
        let (month, day) = date(
            &f.default_deadline.date,
            line_where(text, 0, |l| l.starts_with("[default_deadline]")),
        )?;
        let default_deadline = LevelDeadline {
            depth: 0,
            month,
            day,
            year_after: f.default_deadline.year_after,
        };

        // `from`: the line of the list the code is in.
        let known = |code: &str, from: usize| {
            if catalog.get(code).is_some() {
                Ok(())
            } else {
                Err(err(
                    file,
                    value_line(text, from, code),
                    format!("danh hiệu, hình thức «{code}» không có trong danh mục"),
                ))
            }
        };
        let mut powers: Vec<Power> = Vec::new();
        let mut seen: BTreeMap<UnitKind, usize> = BTreeMap::new();
        for (i, p) in f.power.iter().enumerate() {
            let at = key_line(text, "kinds", i);
            let mut kinds = Vec::new();
            for k in &p.kinds {
                let kind = UnitKind::parse("kinds", k)
                    .map_err(|e| err(file, value_line(text, at, k), e.message))?;
                // A kind in two lists would make `grants` ambiguous.
                if seen.insert(kind, i).is_some() {
                    return Err(err(
                        file,
                        value_line(text, at, k),
                        format!("loại đơn vị «{k}» có trong hai danh sách thẩm quyền"),
                    ));
                }
                kinds.push(kind);
            }
            let at = key_line(text, "grants", i);
            for g in &p.grants {
                known(g, at)?;
            }
            powers.push(Power {
                kinds,
                grants: p.grants.clone(),
                basis: p.basis.clone(),
            });
        }

        // A candidate must be an award the catalog gives to that kind of subject.
        let candidates = |codes: &[String], key: &str, subject: &str, who: &str| {
            let at = key_line(text, key, 0);
            for c in codes {
                known(c, at)?;
                if !catalog
                    .get(c)
                    .is_some_and(|a| a.subject.iter().any(|s| s == subject))
                {
                    return Err(err(
                        file,
                        value_line(text, at, c),
                        format!("«{c}» không xét cho {who} (theo danh mục)"),
                    ));
                }
            }
            Ok(codes.to_vec())
        };
        let individual = candidates(&f.candidates.individual, "individual", "ca_nhan", "cá nhân")?;
        let collective = candidates(&f.candidates.collective, "collective", "tap_the", "tập thể")?;

        for (i, l) in f.limit.iter().enumerate() {
            known(&l.award, key_line(text, "award", i))?;
            known(&l.of, key_line(text, "of", i))?;
            if !(l.max_share.is_finite() && (0.0..=1.0).contains(&l.max_share)) {
                return Err(err(
                    file,
                    key_line(text, "max_share", i),
                    format!("max_share phải từ 0 đến 1, không phải {}", l.max_share),
                ));
            }
        }
        Ok(Self {
            deadlines,
            default_deadline,
            powers,
            individual,
            collective,
            limits: f.limit,
        })
    }

    /// The due date of a participant at `depth` under the authority (1: a direct child) in the
    /// round of `year`: its level's date, else that of the deepest listed level above it, else
    /// the default.
    pub fn deadline(&self, year: i32, depth: u32) -> Date {
        let d = self
            .deadlines
            .iter()
            .filter(|d| d.depth <= depth)
            .max_by_key(|d| d.depth)
            .unwrap_or(&self.default_deadline);
        let y = if d.year_after { year + 1 } else { year };
        crate::dates::ymd(y, d.month, d.day)
    }

    /// The titles and awards a unit of this kind grants itself.
    pub fn grants(&self, kind: UnitKind) -> &[String] {
        self.powers
            .iter()
            .find(|p| p.kinds.contains(&kind))
            .map_or(&[], |p| p.grants.as_slice())
    }

    pub fn may_grant(&self, kind: UnitKind, award: &str) -> bool {
        self.grants(kind).iter().any(|g| g == award)
    }
}

/// Whether a clerk's selection differs from the verdict and needs a written reason:
/// selecting a not-eligible candidate, or leaving out an eligible one. needs_review never needs one.
pub fn needs_reason(verdict: VerdictKind, selected: bool) -> bool {
    match verdict {
        VerdictKind::Eligible => !selected,
        VerdictKind::NotEligible => selected,
        // A person had to judge it anyway: either choice is that judgement.
        VerdictKind::NeedsReview => false,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitWarning {
    pub award: String,
    pub of: String,
    /// Selected for `award`.
    pub count: u32,
    /// Selected for `of`.
    pub of_count: u32,
    /// The most `award` selections the limit allows.
    pub max: u32,
    pub text: String,
    pub to_verify: bool,
}

/// "15%", "12,5%".
fn percent(share: f64) -> String {
    let p = (share * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%").replace('.', ",")
    }
}

/// Warnings (never refusals) for limits exceeded by the selected counts per award code.
/// The counts are of people (the text says "người"), as the shipped limit is on a personal title.
pub fn limit_warnings(
    limits: &[Limit],
    selected: &BTreeMap<String, u32>,
    names: impl Fn(&str) -> String,
) -> Vec<LimitWarning> {
    let get = |code: &str| selected.get(code).copied().unwrap_or(0);
    limits
        .iter()
        .filter_map(|l| {
            let (count, of_count) = (get(&l.award), get(&l.of));
            // 0.15 × 100 is 15.000000000000002 in floating point, 0.29 × 100 is 28.999…
            let max = (l.max_share * f64::from(of_count) + 1e-9).floor() as u32;
            (count > max).then(|| LimitWarning {
                award: l.award.clone(),
                of: l.of.clone(),
                count,
                of_count,
                max,
                text: format!(
                    "{}: {count} người, vượt {} số {} (tối đa {max}/{of_count}){}",
                    names(&l.award),
                    percent(l.max_share),
                    names(&l.of),
                    if l.to_verify {
                        " — cần kiểm tra"
                    } else {
                        ""
                    }
                ),
                to_verify: l.to_verify,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
