//! The catalog of titles and forms of commendation.

use serde::{Deserialize, Serialize};

use super::pack::PackError;

code_enum!(
    /// What an award is (`AwardDef::kind`, `local_award_kinds.kind`).
    AwardKind, "Loại khen thưởng" {
        /// An emulation title (danh hiệu thi đua).
        Title = "danh_hieu", "Danh hiệu thi đua";
        /// A form of commendation (hình thức khen thưởng).
        Form = "hinh_thuc", "Hình thức khen thưởng";
    }
);

code_enum!(
    /// Who may receive an award (`AwardDef::subject`, `local_award_kinds.subjects`). Labels are
    /// lower-case: the catalog lists them inside a sentence.
    AwardSubject, "Đối tượng khen thưởng" {
        Individual = "ca_nhan", "cá nhân";
        Collective = "tap_the", "tập thể";
        Household = "ho_gia_dinh", "hộ gia đình";
    }
);

code_enum!(
    /// Level of an award's granting authority (`AwardDef::level`, `local_award_kinds.level`),
    /// ordered: grassroots < ministry/province < state.
    AwardLevel, "Cấp khen thưởng" {
        Grassroots = "co_so", "Cơ sở";
        Ministry = "bo_tinh", "Bộ, ngành, tỉnh";
        State = "nha_nuoc", "Nhà nước";
    }
);

impl AwardLevel {
    /// The highest level an authority of this unit kind grants itself.
    pub fn of_authority(kind: crate::unit::UnitKind) -> Self {
        use crate::unit::UnitKind::*;
        match kind {
            Nation => AwardLevel::State,
            Province | City => AwardLevel::Ministry,
            _ => AwardLevel::Grassroots,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AwardDef {
    pub code: String,
    pub name: String,
    #[serde(deserialize_with = "crate::codes::vietnamese")]
    pub kind: AwardKind,
    /// `ca_nhan`, `tap_the`, `ho_gia_dinh`.
    pub subject: Vec<String>,
    /// `co_so`, `bo_tinh`, `nha_nuoc`.
    pub level: String,
    pub granted_by: String,
    /// Multiple of the base salary.
    pub bonus: f64,
    /// Years one receipt of the title covers, when it is granted once per multi-year cycle
    /// (CSTĐ tỉnh: 3 consecutive CSTĐ cơ sở). "k consecutive" of such a title means k receipts
    /// each `cycle_years` apart. Absent: a yearly title.
    #[serde(default)]
    pub cycle_years: Option<u32>,
}

/// The base salary from a date on.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BaseSalary {
    pub from: toml::value::Datetime,
    /// VND per month.
    pub amount: u64,
    pub basis: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    base_salary: Vec<BaseSalary>,
    award: Vec<AwardDef>,
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub awards: Vec<AwardDef>,
    /// (from, amount, basis), oldest first.
    pub base_salary: Vec<(time::Date, u64, String)>,
}

impl Catalog {
    pub fn parse(file: &str, text: &str) -> Result<Self, PackError> {
        let f: CatalogFile =
            toml::from_str(text).map_err(|e| PackError::from_toml(file, text, &e))?;
        let mut seen = std::collections::HashSet::new();
        for a in &f.award {
            if !seen.insert(a.code.as_str()) {
                return Err(PackError::at(
                    file,
                    text,
                    &a.code,
                    format!("mã «{}» bị lặp", a.code),
                ));
            }
            if a.cycle_years.is_some_and(|c| !(1..=100).contains(&c)) {
                return Err(PackError::at(
                    file,
                    text,
                    &a.code,
                    format!("«{}»: cycle_years phải từ 1 đến 100 năm", a.code),
                ));
            }
        }
        let mut base_salary = Vec::new();
        for b in &f.base_salary {
            let d = b.from.to_string();
            let from = crate::dates::parse_iso("from", &d)
                .map_err(|e| PackError::at(file, text, &d, e.message))?;
            base_salary.push((from, b.amount, b.basis.clone()));
        }
        base_salary.sort();
        Ok(Self {
            awards: f.award,
            base_salary,
        })
    }

    /// The base salary in force on a day, with its legal basis.
    pub fn base_salary_on(&self, day: time::Date) -> Option<(u64, &str)> {
        self.base_salary
            .iter()
            .rev()
            .find(|(from, ..)| *from <= day)
            .map(|(_, a, b)| (*a, b.as_str()))
    }

    pub fn get(&self, code: &str) -> Option<&AwardDef> {
        self.awards.iter().find(|a| a.code == code)
    }

    /// The cycle of a title granted once per several years (1 for a yearly one or an unknown
    /// code).
    pub fn cycle_years(&self, code: &str) -> u32 {
        self.get(code).and_then(|a| a.cycle_years).unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = include_str!("../../../../rules/catalog.toml");

    #[test]
    fn an_unknown_award_kind_is_named_in_vietnamese_with_its_line() {
        let text = CATALOG.replacen("kind = \"hinh_thuc\"", "kind = \"hinh_thu\"", 1);
        let line = text.lines().position(|l| l.contains("hinh_thu\"")).unwrap() + 1;
        let e = Catalog::parse("rules/catalog.toml", &text).unwrap_err();
        assert_eq!(e.line, line, "{e:?}");
        assert!(e.message.contains("«hinh_thu»"), "{e:?}");
        assert!(e.message.contains("danh_hieu, hinh_thuc"), "{e:?}");
        let ok = Catalog::parse("rules/catalog.toml", CATALOG).unwrap();
        assert!(ok.awards.iter().any(|a| a.kind == AwardKind::Title));
    }

    #[test]
    fn cycle_titles_are_declared_and_checked() {
        let c = Catalog::parse("rules/catalog.toml", CATALOG).unwrap();
        assert_eq!(c.cycle_years("chien_si_thi_dua_tinh"), 3);
        assert_eq!(c.cycle_years("chien_si_thi_dua_toan_quoc"), 6);
        assert_eq!(c.cycle_years("chien_si_thi_dua_co_so"), 1);
        assert_eq!(c.cycle_years("khong_co"), 1);
        let text = CATALOG.replacen("cycle_years = 3", "cycle_years = 0", 1);
        let e = Catalog::parse("rules/catalog.toml", &text).unwrap_err();
        let line = text
            .lines()
            .position(|l| l.contains("\"chien_si_thi_dua_tinh\""))
            .unwrap()
            + 1;
        assert_eq!(e.line, line, "{e:?}");
        assert!(e.message.contains("cycle_years"), "{e:?}");
    }
}
