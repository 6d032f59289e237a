//! Ballot presets of a cluster conference (rules/conference.toml): the categories offered when a
//! ballot is created (seats, how many of the top-ranked may stand, the award or next year's
//! role) and the quorum. Settings, not law: the conference page and the API read them here.

use serde::Deserialize;

use super::{BallotRules, Category, Threshold};
use crate::eligibility::PackError;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// What the organiser ticks (`hang_muc`).
    pub code: String,
    /// The category's id in the ballot; `{nam}` is the year elected for. Default: `code`.
    #[serde(default)]
    id: Option<String>,
    /// Shown beside the tick box.
    label: String,
    /// The category's name on the ballot paper and in the minutes.
    name: String,
    pub seats: usize,
    #[serde(default)]
    pub top_n: Option<usize>,
    #[serde(default)]
    pub award: Option<String>,
    #[serde(default)]
    pub next_role: Option<String>,
}

impl Preset {
    /// The tick box's text for a conference of `year`, e.g. "Đề nghị Cờ thi đua của Chính phủ —
    /// 2 suất, trong 4 đơn vị dẫn đầu".
    pub fn describe(&self, year: i32) -> String {
        let mut s = format!("{} — {} suất", fill(&self.label, year), self.seats);
        if let Some(n) = self.top_n {
            s.push_str(&format!(", trong {n} đơn vị dẫn đầu"));
        }
        s
    }

    /// The ballot category for a conference of `year`.
    pub fn category(&self, year: i32) -> Category {
        Category {
            id: fill(self.id.as_deref().unwrap_or(&self.code), year),
            name: fill(&self.name, year),
            seats: self.seats,
            candidates: None,
            top_n: self.top_n,
            threshold: Threshold::default(),
            award: self.award.clone(),
            next_role: self.next_role.clone(),
        }
    }
}

/// `{nam}` is the year after the conference: the one the leader and deputies are elected for.
fn fill(template: &str, year: i32) -> String {
    template.replace("{nam}", &(year + 1).to_string())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    quorum: String,
    preset: Vec<Preset>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BallotPresets {
    /// As written in the settings, e.g. "2/3".
    pub quorum_text: String,
    pub quorum: f64,
    pub presets: Vec<Preset>,
}

const BUILTIN: &str = include_str!("../../../../rules/conference.toml");

impl BallotPresets {
    pub fn builtin() -> Self {
        Self::parse("rules/conference.toml", BUILTIN).expect("the shipped ballot presets parse")
    }

    /// Parses the settings; a bad value is reported with file and line.
    pub fn parse(file: &str, text: &str) -> Result<Self, PackError> {
        let f: File = toml::from_str(text).map_err(|e| PackError::from_toml(file, text, &e))?;
        let quorum = parse_fraction(&f.quorum).ok_or_else(|| {
            PackError::at(
                file,
                text,
                &f.quorum,
                format!(
                    "quorum «{}» phải là phân số hoặc số từ 0 đến 1, ví dụ \"2/3\"",
                    f.quorum
                ),
            )
        })?;
        let mut seen = std::collections::BTreeSet::new();
        for p in &f.preset {
            if !seen.insert(p.code.as_str()) {
                return Err(PackError::at(
                    file,
                    text,
                    &p.code,
                    format!("hạng mục «{}» khai báo hai lần", p.code),
                ));
            }
            if p.seats == 0 || p.top_n.is_some_and(|n| n < p.seats) {
                return Err(PackError::at(
                    file,
                    text,
                    &p.code,
                    format!(
                        "hạng mục «{}»: số suất phải từ 1 và không quá số đơn vị dẫn đầu được ứng cử",
                        p.code
                    ),
                ));
            }
        }
        Ok(Self {
            quorum_text: f.quorum,
            quorum,
            presets: f.preset,
        })
    }

    pub fn get(&self, code: &str) -> Option<&Preset> {
        self.presets.iter().find(|p| p.code == code)
    }

    /// The rules of a new ballot from the ticked presets (unknown codes are ignored).
    pub fn rules(&self, codes: &[&str], year: i32) -> BallotRules {
        BallotRules {
            eligible_voters: None,
            quorum: self.quorum,
            categories: codes
                .iter()
                .filter_map(|c| self.get(c))
                .map(|p| p.category(year))
                .collect(),
        }
    }
}

/// "2/3" or "0.75".
fn parse_fraction(s: &str) -> Option<f64> {
    let v = match s.split_once('/') {
        Some((n, d)) => {
            let (n, d): (f64, f64) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
            (d != 0.0).then(|| n / d)?
        }
        None => s.trim().parse().ok()?,
    };
    (v > 0.0 && v <= 1.0).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_presets_match_the_seed_conferences() {
        let b = BallotPresets::builtin();
        assert_eq!(b.quorum, 2.0 / 3.0);
        assert_eq!(b.quorum_text, "2/3");
        let codes: Vec<&str> = b.presets.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "co_thi_dua_chinh_phu",
                "bang_khen_thu_tuong",
                "cum_truong",
                "cum_pho"
            ]
        );
        let flag = b.get("co_thi_dua_chinh_phu").unwrap();
        assert_eq!(
            flag.describe(2022),
            "Đề nghị Cờ thi đua của Chính phủ — 2 suất, trong 4 đơn vị dẫn đầu"
        );
        let c = flag.category(2022);
        assert_eq!(c.id, "co_thi_dua_chinh_phu");
        assert_eq!(c.name, "Đề nghị Chính phủ tặng Cờ thi đua");
        assert_eq!((c.seats, c.top_n), (2, Some(4)));
        assert_eq!(c.award.as_deref(), Some("co_thi_dua_chinh_phu"));
        assert_eq!(c.threshold, Threshold::default());
        let lead = b.get("cum_truong").unwrap();
        assert_eq!(lead.describe(2022), "Cụm trưởng năm 2023 — 1 suất");
        let c = lead.category(2022);
        assert_eq!(c.id, "cum_truong_2023");
        assert_eq!(c.name, "Cụm trưởng năm 2023");
        assert_eq!(c.next_role.as_deref(), Some("cum_truong"));
        assert_eq!(c.award, None);
    }

    #[test]
    fn rules_take_the_ticked_presets_in_order() {
        let b = BallotPresets::builtin();
        let r = b.rules(&["cum_pho", "nope", "bang_khen_thu_tuong"], 2020);
        assert_eq!(r.quorum, 2.0 / 3.0);
        assert_eq!(r.eligible_voters, None);
        let ids: Vec<&str> = r.categories.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["cum_pho_2021", "bang_khen_thu_tuong"]);
    }

    #[test]
    fn fractions() {
        assert_eq!(parse_fraction("2/3"), Some(2.0 / 3.0));
        assert_eq!(parse_fraction(" 3 / 4 "), Some(0.75));
        assert_eq!(parse_fraction("0.5"), Some(0.5));
        assert_eq!(parse_fraction("1/0"), None);
        assert_eq!(parse_fraction("3/2"), None);
        assert_eq!(parse_fraction("0"), None);
        assert_eq!(parse_fraction("hai phần ba"), None);
    }

    #[test]
    fn bad_settings_name_the_line() {
        let e = BallotPresets::parse("c.toml", &BUILTIN.replace("\"2/3\"", "\"3/2\"")).unwrap_err();
        assert!(e.message.contains("quorum «3/2»"), "{e:?}");
        assert_eq!(e.line, 8);
        let text = BUILTIN.replace(
            "seats = 2                       # seed 003: Quảng",
            "seats = 9 # Quảng",
        );
        let e = BallotPresets::parse("c.toml", &text).unwrap_err();
        assert!(e.message.contains("bang_khen_thu_tuong"), "{e:?}");
        let text = BUILTIN.replace("code = \"cum_pho\"", "code = \"cum_truong\"");
        let e = BallotPresets::parse("c.toml", &text).unwrap_err();
        assert!(e.message.contains("khai báo hai lần"), "{e:?}");
        let e = BallotPresets::parse("c.toml", &BUILTIN.replace("seats = 1", "chairs = 1"))
            .unwrap_err();
        assert!(e.line > 1, "{e:?}");
    }
}
