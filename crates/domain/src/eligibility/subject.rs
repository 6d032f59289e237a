//! What the engine judges: a subject's history, as JSON.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::person::{Discipline, TaskRating};

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Individual,
    Collective,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct RatingRecord {
    pub year: i32,
    pub rating: TaskRating,
    /// Working days of absence that year that count against the LĐTT limit (leave the rules
    /// exclude, e.g. maternity, is left out by whoever reports it). `None`: not reported.
    #[serde(default)]
    pub absent_days: Option<u32>,
    /// The discipline received that year, if any (individuals; `None`: none reported).
    #[serde(default)]
    pub discipline: Option<Discipline>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct TitleRecord {
    pub year: i32,
    pub code: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct AwardRecord {
    pub code: String,
    #[serde(with = "crate::eligibility::subject::iso_date")]
    pub date: Date,
    #[serde(default)]
    pub decision: Option<String>,
}

code_enum!(
    /// Recognised scope of an initiative (`initiatives.scope`), narrowest first. Labels are
    /// lower-case: they are said inside a sentence.
    InitiativeScope, "Phạm vi công nhận sáng kiến" {
        CoSo = "co_so", "cấp cơ sở";
        Tinh = "tinh", "cấp bộ, ngành, tỉnh";
        ToanQuoc = "toan_quoc", "toàn quốc";
    }
);

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct InitiativeRecord {
    pub id: String,
    pub scope: InitiativeScope,
    #[serde(with = "crate::eligibility::subject::iso_date")]
    pub recognized: Date,
    /// The award that already used this initiative (an initiative counts once).
    #[serde(default)]
    pub used_by: Option<String>,
    /// When it was used (the decision date); an initiative used after the reference date still
    /// counts on that date. Unknown: used before any date.
    #[serde(default, with = "crate::eligibility::subject::iso_date_opt")]
    pub used_on: Option<Date>,
}

impl InitiativeRecord {
    /// Whether an award had already used it on `date`.
    pub fn used_on_date(&self, date: Date) -> bool {
        self.used_by.is_some() && self.used_on.is_none_or(|d| d <= date)
    }
}

/// A collective's members in one year: how many, and how many per rating and title.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
pub struct MemberYear {
    pub year: i32,
    pub total: u32,
    #[serde(default)]
    pub ratings: std::collections::BTreeMap<TaskRating, u32>,
    #[serde(default)]
    pub titles: std::collections::BTreeMap<String, u32>,
    /// Members disciplined at warning level or above (`None`: not reported).
    #[serde(default)]
    pub disciplined: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub kind: SubjectKind,
    #[serde(default)]
    pub ratings: Vec<RatingRecord>,
    #[serde(default)]
    pub titles: Vec<TitleRecord>,
    #[serde(default)]
    pub awards: Vec<AwardRecord>,
    #[serde(default)]
    pub initiatives: Vec<InitiativeRecord>,
    /// Collectives only.
    #[serde(default)]
    pub members: Vec<MemberYear>,
}

pub(crate) mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::dates::iso(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        crate::dates::parse_iso("ngay", &s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

pub(crate) mod iso_date_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&crate::dates::iso(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => crate::dates::parse_iso("ngay", &s)
                .map(Some)
                .map_err(|e| serde::de::Error::custom(e.message)),
            None => Ok(None),
        }
    }
}
