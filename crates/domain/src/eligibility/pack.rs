//! Rule packs: one file per legal basis and period (rules/*.toml). A pack that does not parse
//! or refers to something unknown is refused with its file, line and what is wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::subject::{InitiativeScope, SubjectKind};
use crate::person::TaskRating;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, dòng {line}: {message}")]
pub struct PackError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl PackError {
    pub(crate) fn from_toml(file: &str, text: &str, e: &toml::de::Error) -> Self {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        Self {
            file: file.into(),
            line,
            message: e.message().trim().to_string(),
        }
    }

    /// An error about the first place `needle` (a quoted value) appears in the file.
    pub(crate) fn at(file: &str, text: &str, needle: &str, message: String) -> Self {
        let pos = text.find(&format!("\"{needle}\"")).unwrap_or(0);
        Self {
            file: file.into(),
            line: line_of(text, pos),
            message,
        }
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// A number given in the pack, or the name of a setting (`"$name"`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Num {
    Value(f64),
    Setting(String),
}

/// What one rule checks. The engine's vocabulary; every check explains itself.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The rating of the evaluated year is at least `min`.
    RatingInYear { min: TaskRating },
    /// The subject meets another award's rules for the evaluated year (or holds it).
    MeetsAward { award: String },
    /// The title in each of the last `count` years up to the proposal.
    ConsecutiveTitles { title: String, count: Num },
    /// Already holds `award` (received before the reference date).
    HoldsAward { award: String },
    /// `years` consecutive years up to the proposal rated at least `min`, counted after the
    /// year `since` was received when given, including the listed titles and ratings, and
    /// `initiatives` unused initiatives recognised within the run.
    Run {
        years: Num,
        min: TaskRating,
        #[serde(default)]
        since: Option<String>,
        #[serde(default)]
        including: Vec<Including>,
        #[serde(default)]
        initiatives: Option<InitiativeNeed>,
    },
    /// Unused initiatives of at least `min_scope`, recognised within the last `within_years`
    /// years up to the evaluated year (any year when absent).
    Initiatives {
        min_scope: InitiativeScope,
        count: Num,
        #[serde(default)]
        within_years: Option<Num>,
    },
    /// Any one of the options.
    AnyOf { options: Vec<Check> },
    /// Collective: share of members with a title (or a rating or better) in the evaluated year.
    MemberShare {
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        rating: Option<TaskRating>,
        min: Num,
    },
    /// Collective: at least `count` members with the title in the evaluated year.
    MemberCount { title: String, count: Num },
    /// No discipline ("khiển trách" or heavier) in the evaluated year: for an individual, on the
    /// year's rating record; for a collective, no member disciplined. A struct variant so that
    /// stray fields (`days = 40`) are refused like anywhere else.
    NoDiscipline {},
    /// Individual: at most `days` working days of absence in the evaluated year (unknown passes,
    /// saying it was not reported).
    MaxAbsence { days: Num },
    /// Confirmed by the proposing unit in its dossier (e.g. active in emulation); shown, not
    /// judged, and does not hold up the verdict.
    Attested { text: String },
    /// Needs a person to judge (e.g. outstanding achievement): the verdict becomes
    /// `needs_review` unless another option decides.
    Manual { text: String },
}

#[derive(Clone, Copy)]
enum NumKind {
    Count,
    Years,
    Share,
    /// Days in a year.
    Days,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Including {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub rating: Option<TaskRating>,
    pub count: Num,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InitiativeNeed {
    pub min_scope: InitiativeScope,
    pub count: Num,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// Law, article, clause, point.
    pub citation: String,
    /// The rule in words, in Vietnamese.
    pub text: String,
    pub check: Check,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AwardRules {
    pub code: String,
    /// `individual` and/or `collective`.
    pub subjects: Vec<super::subject::SubjectKind>,
    pub rules: Vec<Rule>,
}

/// A number the law leaves to ministries and provinces, or that is not confirmed: a default
/// with a note, to be set locally.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    pub value: f64,
    pub note: String,
    #[serde(default)]
    pub to_verify: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    pub id: String,
    pub name: String,
    pub effective_from: toml::value::Datetime,
    #[serde(default)]
    pub effective_to: Option<toml::value::Datetime>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackInfo,
    #[serde(default)]
    settings: BTreeMap<String, Setting>,
    award: Vec<AwardRules>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RulePack {
    pub id: String,
    pub name: String,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub settings: BTreeMap<String, Setting>,
    pub awards: Vec<AwardRules>,
}

fn toml_date(
    file: &str,
    text: &str,
    d: &toml::value::Datetime,
    what: &str,
) -> Result<Date, PackError> {
    let s = d.to_string();
    crate::dates::parse_iso(what, &s).map_err(|e| PackError::at(file, text, &s, e.message))
}

impl RulePack {
    /// Parses a pack and checks every reference in it against the catalog and its settings.
    pub fn parse(file: &str, text: &str, catalog: &super::Catalog) -> Result<Self, PackError> {
        let f: PackFile = toml::from_str(text).map_err(|e| PackError::from_toml(file, text, &e))?;
        let from = toml_date(file, text, &f.pack.effective_from, "effective_from")?;
        let to = f
            .pack
            .effective_to
            .as_ref()
            .map(|d| toml_date(file, text, d, "effective_to"))
            .transpose()?;
        if let Some(t) = to
            && t < from
        {
            return Err(PackError {
                file: file.into(),
                line: 1,
                message: "effective_to trước effective_from".into(),
            });
        }
        let pack = RulePack {
            id: f.pack.id,
            name: f.pack.name,
            effective_from: from,
            effective_to: to,
            settings: f.settings,
            awards: f.award,
        };
        for a in &pack.awards {
            if catalog.get(&a.code).is_none() {
                return Err(PackError::at(
                    file,
                    text,
                    &a.code,
                    format!("danh hiệu, hình thức «{}» không có trong danh mục", a.code),
                ));
            }
            let mut ids = std::collections::HashSet::new();
            for r in &a.rules {
                if !ids.insert(r.id.as_str()) {
                    return Err(PackError::at(
                        file,
                        text,
                        &r.id,
                        format!("quy tắc «{}» bị lặp", r.id),
                    ));
                }
                pack.check_refs(&r.check, catalog, &a.subjects)
                    .map_err(|m| {
                        PackError::at(file, text, &r.id, format!("quy tắc «{}»: {m}", r.id))
                    })?;
            }
        }
        Ok(pack)
    }

    fn check_refs(
        &self,
        c: &Check,
        catalog: &super::Catalog,
        subjects: &[SubjectKind],
    ) -> Result<(), String> {
        let award = |code: &str| {
            catalog
                .get(code)
                .map(|_| ())
                .ok_or(format!("không có «{code}» trong danh mục"))
        };
        // A number is either given or a declared setting; counts must be whole numbers, shares
        // between 0 and 1, so that nothing is silently truncated.
        let num = |n: &Num, what: NumKind| {
            let v = match n {
                Num::Value(v) => *v,
                Num::Setting(s) => match s.strip_prefix('$').and_then(|k| self.settings.get(k)) {
                    Some(set) => set.value,
                    None => {
                        return Err(format!(
                            "tham số «{s}» không có trong [settings] (ghi «$tên»)"
                        ));
                    }
                },
            };
            match what {
                NumKind::Count
                    if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 1000.0) =>
                {
                    Err(format!(
                        "số lượng phải là số nguyên từ 0 đến 1000, không phải {v}"
                    ))
                }
                NumKind::Years
                    if !(v.is_finite() && v >= 1.0 && v.fract() == 0.0 && v <= 100.0) =>
                {
                    Err(format!(
                        "số năm phải là số nguyên từ 1 đến 100, không phải {v}"
                    ))
                }
                NumKind::Share if !(v.is_finite() && (0.0..=1.0).contains(&v)) => {
                    Err(format!("tỷ lệ phải từ 0 đến 1, không phải {v}"))
                }
                NumKind::Days if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 366.0) => {
                    Err(format!(
                        "số ngày phải là số nguyên từ 0 đến 366, không phải {v}"
                    ))
                }
                _ => Ok(()),
            }
        };
        // A check on facts only one kind of subject has is refused in an award that also
        // applies to the other kind, rather than failing every such subject at run time.
        let only = |kind: SubjectKind, what: &str| {
            if subjects.iter().any(|s| *s != kind) {
                let who = match kind {
                    SubjectKind::Individual => "cá nhân",
                    SubjectKind::Collective => "tập thể",
                };
                return Err(format!(
                    "«{what}» chỉ dùng cho {who}, danh hiệu này còn xét cho đối tượng khác"
                ));
            }
            Ok(())
        };
        match c {
            Check::RatingInYear { .. }
            | Check::NoDiscipline {}
            | Check::Attested { .. }
            | Check::Manual { .. } => Ok(()),
            Check::MeetsAward { award: a } => {
                award(a)?;
                if self.award(a).is_none() {
                    return Err(format!(
                        "meets_award «{a}»: bộ quy tắc không có quy tắc cho «{a}»"
                    ));
                }
                Ok(())
            }
            Check::HoldsAward { award: a } => award(a),
            Check::ConsecutiveTitles { title, count } => {
                award(title).and(num(count, NumKind::Years))
            }
            Check::Run {
                years,
                since,
                including,
                initiatives,
                ..
            } => {
                num(years, NumKind::Years)?;
                if let Some(s) = since {
                    award(s)?;
                }
                for i in including {
                    num(&i.count, NumKind::Count)?;
                    match (&i.title, &i.rating) {
                        (Some(t), None) => award(t)?,
                        (None, Some(_)) => {}
                        _ => {
                            return Err(
                                "mỗi mục «including» cần đúng một trong title hoặc rating".into()
                            );
                        }
                    }
                }
                if let Some(n) = initiatives {
                    num(&n.count, NumKind::Count)?;
                }
                Ok(())
            }
            Check::Initiatives {
                count,
                within_years,
                ..
            } => {
                num(count, NumKind::Count)?;
                if let Some(w) = within_years {
                    num(w, NumKind::Years)?;
                }
                Ok(())
            }
            Check::AnyOf { options } => {
                if options.is_empty() {
                    return Err("any_of cần ít nhất một lựa chọn".into());
                }
                options
                    .iter()
                    .try_for_each(|o| self.check_refs(o, catalog, subjects))
            }
            Check::MemberShare { title, rating, min } => {
                only(SubjectKind::Collective, "member_share")?;
                if title.is_some() == rating.is_some() {
                    return Err("member_share cần đúng một trong title hoặc rating".into());
                }
                if let Some(t) = title {
                    award(t)?;
                }
                num(min, NumKind::Share)
            }
            Check::MemberCount { title, count } => {
                only(SubjectKind::Collective, "member_count")?;
                award(title).and(num(count, NumKind::Count))
            }
            Check::MaxAbsence { days } => {
                only(SubjectKind::Individual, "max_absence")?;
                num(days, NumKind::Days)
            }
        }
    }

    pub fn value(&self, n: &Num) -> f64 {
        match n {
            Num::Value(v) => *v,
            Num::Setting(s) => self
                .settings
                .get(s.trim_start_matches('$'))
                .map(|s| s.value)
                .unwrap_or(f64::NAN),
        }
    }

    pub fn in_force(&self, d: Date) -> bool {
        self.effective_from <= d && self.effective_to.is_none_or(|t| d <= t)
    }

    pub fn award(&self, code: &str) -> Option<&AwardRules> {
        self.awards.iter().find(|a| a.code == code)
    }
}
