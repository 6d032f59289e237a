//! Evaluates an award's rules for a subject on a reference date. Long (about 1,000 lines) because
//! every criterion kind and its explanation text are one `match`; read it with the rule packs
//! in `rules/` beside it.

use serde::{Deserialize, Serialize};
use time::Date;

use super::catalog::Catalog;
use super::pack::{Check, Num, PackError, RulePack};
use super::subject::{InitiativeScope, RatingRecord, Subject, SubjectKind};
use crate::Invalid;
use crate::person::TaskRating;

/// The catalog and every rule pack.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub catalog: Catalog,
    pub packs: Vec<RulePack>,
}

/// The packs shipped with tdkt (rules/*.toml, embedded at build time).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/luat-06-2022_nd-98-2023.toml",
        include_str!("../../../../rules/luat-06-2022_nd-98-2023.toml"),
    ),
    (
        "rules/luat-06-2022_nd-152-2025.toml",
        include_str!("../../../../rules/luat-06-2022_nd-152-2025.toml"),
    ),
];
pub const BUILTIN_CATALOG: (&str, &str) = (
    "rules/catalog.toml",
    include_str!("../../../../rules/catalog.toml"),
);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub award: String,
    #[serde(with = "super::subject::iso_date")]
    pub reference_date: Date,
    pub subject: Subject,
}

/// One request, or a batch (an array) of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CheckInput {
    One(CheckRequest),
    Batch(Vec<CheckRequest>),
}

/// A batch answers each request with its verdict or its error.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum CheckOutput {
    One(Box<Verdict>),
    Batch(Vec<BatchItem>),
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum BatchItem {
    Verdict(Box<Verdict>),
    Error { error: Invalid },
}

code_enum!(
    /// The engine's verdict on one award (`Verdict::verdict`, the `verdict` of the JSON it
    /// returns). Labels are those of the eligibility check page; a nominee's stored verdict is a
    /// [`crate::dossier::NomineeVerdict`].
    VerdictKind, "Kết quả xét điều kiện" {
        Eligible = "eligible", "Đủ điều kiện";
        NeedsReview = "needs_review", "Cần thẩm định";
        NotEligible = "not_eligible", "Chưa đủ";
    }
);

code_enum!(
    /// One rule's result (`CriterionResult::status`, stored inside a nominee's verdict JSON).
    CriterionStatus, "Kết quả tiêu chí" {
        /// Met, judged from the records.
        Passed = "passed", "Đạt";
        /// Not met.
        Failed = "failed", "Không đạt";
        /// A person must judge it.
        NeedsReview = "needs_review", "Cần xem xét";
        /// Confirmed by the proposing unit; not judged here.
        Attested = "attested", "Đơn vị xác nhận";
    }
);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CriterionResult {
    pub rule: String,
    pub citation: String,
    pub text: String,
    /// `true`, `false`, or `null` when a person must judge or the unit attests.
    pub passed: Option<bool>,
    pub status: CriterionStatus,
    pub detail: String,
    /// The records the rule counted, e.g. `2024: htxsnv`, `CSTĐ cơ sở 2023`.
    pub records: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PackRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Verdict {
    pub award: String,
    pub award_name: String,
    pub verdict: VerdictKind,
    pub rule_pack: PackRef,
    pub reference_date: String,
    /// The year the proposal is for (that of the reference date).
    pub evaluated_year: i32,
    pub criteria: Vec<CriterionResult>,
    /// What is still missing, in words ("thiếu 1 danh hiệu Chiến sĩ thi đua cơ sở năm 2025").
    pub missing: Vec<String>,
}

fn rank(r: TaskRating) -> u8 {
    match r {
        TaskRating::NotCompleted => 0,
        TaskRating::Completed => 1,
        TaskRating::Good => 2,
        TaskRating::Excellent => 3,
    }
}

fn at_least(r: TaskRating, min: TaskRating) -> bool {
    rank(r) >= rank(min)
}

fn min_label(min: TaskRating) -> String {
    match min {
        TaskRating::Excellent => "hoàn thành xuất sắc nhiệm vụ".into(),
        other => format!("{} trở lên", other.label().to_lowercase()),
    }
}

/// One rule's outcome while evaluating: status, explanation, records, what is missing.
struct Outcome {
    status: CriterionStatus,
    detail: String,
    records: Vec<String>,
    missing: Vec<String>,
}

impl Outcome {
    fn new(ok: bool, detail: String, records: Vec<String>, missing: Vec<String>) -> Self {
        Self {
            status: if ok {
                CriterionStatus::Passed
            } else {
                CriterionStatus::Failed
            },
            detail,
            records,
            missing,
        }
    }
}

struct Ctx<'a> {
    set: &'a RuleSet,
    pack: &'a RulePack,
    s: &'a Subject,
    date: Date,
    year: i32,
    award: &'a str,
    depth: u8,
}

impl Ctx<'_> {
    fn name(&self, code: &str) -> String {
        self.set
            .catalog
            .get(code)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    fn n(&self, v: &Num) -> f64 {
        self.pack.value(v)
    }

    fn record(&self, y: i32) -> Option<&RatingRecord> {
        self.s.ratings.iter().find(|r| r.year == y)
    }

    fn rating(&self, y: i32) -> Option<TaskRating> {
        self.record(y).map(|r| r.rating)
    }

    fn has_title(&self, y: i32, code: &str) -> bool {
        self.s.titles.iter().any(|t| t.year == y && t.code == code)
    }

    /// The last year of a run: the evaluated year if it is on record, else the year before
    /// (a proposal made before that year's rating).
    fn run_end(&self, on_record: impl Fn(i32) -> bool) -> i32 {
        if on_record(self.year) {
            self.year
        } else {
            self.year - 1
        }
    }

    fn award_year(&self, code: &str) -> Option<(i32, String)> {
        self.s
            .awards
            .iter()
            .filter(|a| a.code == code && a.date <= self.date)
            .max_by_key(|a| a.date)
            .map(|a| {
                (
                    a.date.year(),
                    format!(
                        "{} ({}{})",
                        self.name(code),
                        crate::dates::vn(a.date),
                        a.decision
                            .as_ref()
                            .map(|d| format!(", {d}"))
                            .unwrap_or_default()
                    ),
                )
            })
    }

    /// The last year (before the evaluated one) the subject received the award being judged:
    /// records counted for it then cannot count again for the same award.
    fn last_receipt(&self) -> Option<i32> {
        let titles = self
            .s
            .titles
            .iter()
            .filter(|t| t.code == self.award)
            .map(|t| t.year);
        let awards = self
            .s
            .awards
            .iter()
            .filter(|a| a.code == self.award && a.date <= self.date)
            .map(|a| a.date.year());
        titles.chain(awards).filter(|y| *y < self.year).max()
    }

    fn unused_initiatives(&self, min: InitiativeScope, years: Option<(i32, i32)>) -> Vec<String> {
        self.s
            .initiatives
            .iter()
            .filter(|i| i.scope >= min && i.recognized <= self.date && !i.used_on_date(self.date))
            .filter(|i| years.is_none_or(|(a, b)| (a..=b).contains(&i.recognized.year())))
            .map(|i| {
                format!(
                    "sáng kiến {} ({}, công nhận {})",
                    i.id,
                    i.scope.label(),
                    crate::dates::vn(i.recognized)
                )
            })
            .collect()
    }

    fn used_initiatives(&self, min: InitiativeScope) -> Vec<String> {
        self.s
            .initiatives
            .iter()
            .filter(|i| i.scope >= min && i.recognized <= self.date && i.used_on_date(self.date))
            .map(|i| {
                format!(
                    "sáng kiến {} đã dùng cho {}",
                    i.id,
                    i.used_by.as_deref().unwrap_or("")
                )
            })
            .collect()
    }

    fn eval(&self, c: &Check) -> Outcome {
        match c {
            Check::RatingInYear { min } => match self.rating(self.year) {
                Some(r) => Outcome::new(
                    at_least(r, *min),
                    format!(
                        "Năm {} xếp loại «{}»; cần {}",
                        self.year,
                        r.label(),
                        min_label(*min)
                    ),
                    vec![format!("{}: {}", self.year, r.code())],
                    if at_least(r, *min) {
                        vec![]
                    } else {
                        vec![format!(
                            "xếp loại năm {} chưa đạt {}",
                            self.year,
                            min_label(*min)
                        )]
                    },
                ),
                None => Outcome::new(
                    false,
                    format!("Chưa có xếp loại năm {}", self.year),
                    vec![],
                    vec![format!("thiếu xếp loại chất lượng năm {}", self.year)],
                ),
            },
            Check::MeetsAward { award } => {
                if self.has_title(self.year, award) {
                    return Outcome::new(
                        true,
                        format!("Đã có danh hiệu {} năm {}", self.name(award), self.year),
                        vec![format!("{} {}", self.name(award), self.year)],
                        vec![],
                    );
                }
                if self.depth > 3 {
                    return Outcome {
                        status: CriterionStatus::NeedsReview,
                        detail: "Quy tắc lồng nhau quá sâu".into(),
                        records: vec![],
                        missing: vec![],
                    };
                }
                let inner = Ctx {
                    award,
                    depth: self.depth + 1,
                    ..*self
                };
                // Packs are checked at load so that this exists; never pass on an empty list.
                let Some(rules) = self.pack.award(award).map(|a| a.rules.as_slice()) else {
                    return Outcome {
                        status: CriterionStatus::NeedsReview,
                        detail: format!("Bộ quy tắc chưa có tiêu chuẩn {}", self.name(award)),
                        records: vec![],
                        missing: vec![],
                    };
                };
                let results: Vec<Outcome> = rules.iter().map(|r| inner.eval(&r.check)).collect();
                let failed = results.iter().any(|o| o.status == CriterionStatus::Failed);
                let review = results
                    .iter()
                    .any(|o| o.status == CriterionStatus::NeedsReview);
                let status = if failed {
                    CriterionStatus::Failed
                } else if review {
                    CriterionStatus::NeedsReview
                } else {
                    CriterionStatus::Passed
                };
                Outcome {
                    status,
                    detail: format!(
                        "{} tiêu chuẩn {} năm {}",
                        if status == CriterionStatus::Passed {
                            "Đạt"
                        } else if failed {
                            "Chưa đạt"
                        } else {
                            "Cần xem xét"
                        },
                        self.name(award),
                        self.year
                    ),
                    records: results.iter().flat_map(|o| o.records.clone()).collect(),
                    missing: results.into_iter().flat_map(|o| o.missing).collect(),
                }
            }
            Check::ConsecutiveTitles { title, count } => self.consecutive(title, self.n(count)),
            Check::HoldsAward { award } => match self.award_year(award) {
                Some((_, rec)) => {
                    Outcome::new(true, format!("Đã được tặng {rec}"), vec![rec], vec![])
                }
                None => Outcome::new(
                    false,
                    format!("Chưa được tặng {}", self.name(award)),
                    vec![],
                    vec![format!("chưa có {}", self.name(award))],
                ),
            },
            Check::Run {
                years,
                min,
                since,
                including,
                initiatives,
            } => self.run(
                self.n(years) as i32,
                *min,
                since.as_deref(),
                including,
                initiatives.as_ref(),
            ),
            Check::Initiatives {
                min_scope,
                count,
                within_years,
            } => {
                let k = self.n(count) as usize;
                let window = within_years
                    .as_ref()
                    .map(|w| (self.year - self.n(w) as i32 + 1, self.year));
                let found = self.unused_initiatives(*min_scope, window);
                let period = match window {
                    Some((a, b)) if a == b => format!(" công nhận năm {b}"),
                    Some((a, b)) => format!(" công nhận trong giai đoạn {a}–{b}"),
                    None => String::new(),
                };
                let mut detail = format!(
                    "Cần {k} sáng kiến {} trở lên{period} chưa dùng cho khen thưởng khác; có {}",
                    min_scope.label(),
                    found.len()
                );
                let used = self.used_initiatives(*min_scope);
                if !used.is_empty() {
                    detail.push_str(&format!(" (không tính: {})", used.join("; ")));
                }
                let short = k.saturating_sub(found.len());
                Outcome::new(
                    short == 0,
                    detail,
                    found,
                    if short > 0 {
                        vec![format!(
                            "thiếu {short} sáng kiến {}{period} chưa sử dụng",
                            min_scope.label()
                        )]
                    } else {
                        vec![]
                    },
                )
            }
            Check::AnyOf { options } => {
                let results: Vec<Outcome> = options.iter().map(|o| self.eval(o)).collect();
                if let Some(ok) = results.iter().find(|o| o.status == CriterionStatus::Passed) {
                    return Outcome {
                        status: CriterionStatus::Passed,
                        detail: ok.detail.clone(),
                        records: ok.records.clone(),
                        missing: vec![],
                    };
                }
                // An option the unit attests decides like a pass, but stays marked as attested.
                if let Some(ok) = results
                    .iter()
                    .find(|o| o.status == CriterionStatus::Attested)
                {
                    return Outcome {
                        status: CriterionStatus::Attested,
                        detail: ok.detail.clone(),
                        records: ok.records.clone(),
                        missing: vec![],
                    };
                }
                let review = results
                    .iter()
                    .any(|o| o.status == CriterionStatus::NeedsReview);
                Outcome {
                    status: if review {
                        CriterionStatus::NeedsReview
                    } else {
                        CriterionStatus::Failed
                    },
                    detail: results
                        .iter()
                        .map(|o| o.detail.clone())
                        .collect::<Vec<_>>()
                        .join("; hoặc "),
                    records: results.iter().flat_map(|o| o.records.clone()).collect(),
                    // The first option's gap is the usual path; the others are alternatives.
                    missing: results
                        .into_iter()
                        .find(|o| o.status == CriterionStatus::Failed)
                        .map(|o| o.missing)
                        .unwrap_or_default(),
                }
            }
            Check::MemberShare { title, rating, min } => {
                let Some(m) = self.s.members.iter().find(|m| m.year == self.year) else {
                    return Outcome::new(
                        false,
                        format!("Chưa có số liệu thành viên năm {}", self.year),
                        vec![],
                        vec![format!("thiếu số liệu thành viên năm {}", self.year)],
                    );
                };
                let (count, what) = match (title, rating) {
                    (Some(t), _) => (
                        m.titles.get(t).copied().unwrap_or(0),
                        format!("đạt {}", self.name(t)),
                    ),
                    (None, Some(r)) => (
                        m.ratings
                            .iter()
                            .filter(|(k, _)| at_least(**k, *r))
                            .map(|(_, v)| *v)
                            .sum(),
                        min_label(*r),
                    ),
                    (None, None) => (0, String::new()),
                };
                let need = self.n(min);
                let share = if m.total == 0 {
                    0.0
                } else {
                    count as f64 / m.total as f64
                };
                let ok = m.total > 0 && share + 1e-9 >= need;
                Outcome::new(
                    ok,
                    format!(
                        "{count}/{} thành viên {what} ({:.0}%); cần ít nhất {:.0}%",
                        m.total,
                        share * 100.0,
                        need * 100.0
                    ),
                    vec![format!("{}: {count}/{}", self.year, m.total)],
                    if ok {
                        vec![]
                    } else {
                        vec![format!(
                            "cần thêm {} thành viên {what}",
                            ((need * m.total as f64) - count as f64 - 1e-9)
                                .ceil()
                                .max(1.0) as u32
                        )]
                    },
                )
            }
            Check::MemberCount { title, count } => {
                let k = self.n(count) as u32;
                let have = self
                    .s
                    .members
                    .iter()
                    .find(|m| m.year == self.year)
                    .and_then(|m| m.titles.get(title).copied())
                    .unwrap_or(0);
                Outcome::new(
                    have >= k,
                    format!(
                        "Có {have} thành viên đạt {} năm {}; cần ít nhất {k}",
                        self.name(title),
                        self.year
                    ),
                    vec![format!("{}: {have}", self.year)],
                    if have >= k {
                        vec![]
                    } else {
                        vec![format!(
                            "thiếu {} thành viên đạt {} năm {}",
                            k - have,
                            self.name(title),
                            self.year
                        )]
                    },
                )
            }
            Check::NoDiscipline {} if self.s.kind == SubjectKind::Individual => {
                match self.record(self.year).and_then(|r| r.discipline) {
                    Some(d) => Outcome::new(
                        false,
                        format!("Bị kỷ luật «{}» năm {}", d.label(), self.year),
                        vec![format!("{}: {}", self.year, d.code())],
                        vec![format!("bị kỷ luật «{}» năm {}", d.label(), self.year)],
                    ),
                    // Discipline is recorded when it happens: nothing recorded is no discipline.
                    None => Outcome::new(
                        true,
                        format!("Không có thông tin kỷ luật trong năm {}", self.year),
                        vec![],
                        vec![],
                    ),
                }
            }
            Check::MaxAbsence { days } => {
                let max = self.n(days) as u32;
                match self.record(self.year).and_then(|r| r.absent_days) {
                    Some(n) => Outcome::new(
                        n <= max,
                        format!(
                            "Năm {} nghỉ {n} ngày làm việc; tối đa {max} ngày",
                            self.year
                        ),
                        vec![format!("{}: nghỉ {n} ngày", self.year)],
                        if n <= max {
                            vec![]
                        } else {
                            vec![format!(
                                "năm {} nghỉ {n} ngày làm việc, quá {max} ngày",
                                self.year
                            )]
                        },
                    ),
                    // Not held against the person: the unit reports long absences.
                    None => Outcome::new(
                        true,
                        format!(
                            "Chưa báo cáo số ngày nghỉ năm {}; tối đa {max} ngày làm việc",
                            self.year
                        ),
                        vec![],
                        vec![],
                    ),
                }
            }
            Check::NoDiscipline {} => {
                let d = self
                    .s
                    .members
                    .iter()
                    .find(|m| m.year == self.year)
                    .and_then(|m| m.disciplined);
                match d {
                    Some(0) => Outcome::new(
                        true,
                        format!("Không có thành viên bị kỷ luật năm {}", self.year),
                        vec![],
                        vec![],
                    ),
                    Some(n) => Outcome::new(
                        false,
                        format!(
                            "{n} thành viên bị kỷ luật từ khiển trách trở lên năm {}",
                            self.year
                        ),
                        vec![],
                        vec!["có thành viên bị kỷ luật".into()],
                    ),
                    None => Outcome::new(
                        false,
                        format!("Chưa có số liệu kỷ luật của thành viên năm {}", self.year),
                        vec![],
                        vec![format!("thiếu số thành viên bị kỷ luật năm {}", self.year)],
                    ),
                }
            }
            Check::Attested { text } => Outcome {
                status: CriterionStatus::Attested,
                detail: format!("{text}: đơn vị đề nghị xác nhận trong hồ sơ"),
                records: vec![],
                missing: vec![],
            },
            Check::Manual { text } => Outcome {
                status: CriterionStatus::NeedsReview,
                detail: format!("{text}: cần người thẩm định đánh giá"),
                records: vec![],
                missing: vec![],
            },
        }
    }

    /// `k` consecutive receipts of `title` up to the proposal. A yearly title needs the last
    /// `k` years; a title granted once per cycle of `c` years needs `k` receipts each `c` years
    /// apart (CSTĐ tỉnh 2022 and 2025). Either way the chain ends with the evaluated year if it
    /// holds the title, else with the year before.
    fn consecutive(&self, title: &str, count: f64) -> Outcome {
        let k = count as i32;
        let c = self.set.catalog.cycle_years(title) as i32;
        let end = self.run_end(|y| self.has_title(y, title));
        // Titles already counted for an earlier receipt of this award do not count again.
        let floor = self.last_receipt().map(|y| y + 1);
        let counts = |y: i32| floor.is_none_or(|f| y >= f) && self.has_title(y, title);
        let chain = |last: i32| (0..k).rev().map(move |i| last - i * c);
        let have: Vec<i32> = chain(end).filter(|y| counts(*y)).collect();
        let ok = have.len() as i32 == k;
        // What is missing is reported for the chain ending with the evaluated year.
        let lacking: Vec<i32> = if ok {
            vec![]
        } else {
            chain(self.year).filter(|y| !counts(*y)).collect()
        };
        let missing = lacking
            .iter()
            .map(|y| format!("thiếu 1 danh hiệu {} năm {y}", self.name(title)))
            .collect();
        let after = match floor {
            Some(f) => format!(
                " (chỉ tính từ năm {f}, sau lần được {} trước)",
                self.name(self.award)
            ),
            None => String::new(),
        };
        let detail = if c == 1 {
            format!(
                "Cần {k} năm liên tục đạt {} đến năm đề nghị; có {} năm ({end_from}–{end}){after}",
                self.name(title),
                have.len(),
                end_from = end - k + 1
            )
        } else {
            let years = |ys: &[i32]| {
                ys.iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut d = format!(
                "Cần {k} lần liên tục đạt {} (mỗi lần một chu kỳ {c} năm) đến năm đề nghị; có {} lần",
                self.name(title),
                have.len()
            );
            if !have.is_empty() {
                d.push_str(&format!(" ({})", years(&have)));
            }
            d.push_str(&after);
            if !lacking.is_empty() {
                d.push_str(&format!("; thiếu danh hiệu năm {}", years(&lacking)));
            }
            d
        };
        Outcome::new(
            ok,
            detail,
            have.iter()
                .map(|y| format!("{} {y}", self.name(title)))
                .collect(),
            missing,
        )
    }

    fn run(
        &self,
        years: i32,
        min: TaskRating,
        since: Option<&str>,
        including: &[super::pack::Including],
        initiatives: Option<&super::pack::InitiativeNeed>,
    ) -> Outcome {
        let mut records = Vec::new();
        let mut missing = Vec::new();
        let floor = match since {
            Some(code) => match self.award_year(code) {
                Some((y, rec)) => {
                    records.push(rec);
                    y + 1
                }
                None => {
                    return Outcome::new(
                        false,
                        format!(
                            "Chưa được tặng {}; chưa tính được số năm sau đó",
                            self.name(code)
                        ),
                        vec![],
                        vec![format!("chưa có {}", self.name(code))],
                    );
                }
            },
            None => i32::MIN,
        };
        // Years already counted for an earlier receipt of this award do not count again.
        let floor = floor.max(self.last_receipt().map_or(i32::MIN, |y| y + 1));
        let end = self.run_end(|y| self.rating(y).is_some());
        let mut start = end + 1;
        while start > floor && self.rating(start - 1).is_some_and(|r| at_least(r, min)) {
            start -= 1;
        }
        let len = end - start + 1;
        // "N years after X, including …" counts over the whole period since X; a plain run of
        // N years counts titles and initiatives within those N years only.
        let from = if since.is_some() {
            start
        } else {
            start.max(end - years + 1)
        };
        for y in start..=end {
            records.push(format!(
                "{y}: {}",
                self.rating(y).map(|r| r.code()).unwrap_or("")
            ));
        }
        let since_txt = since
            .map(|c| format!(" kể từ sau khi được tặng {}", self.name(c)))
            .unwrap_or_default();
        let mut ok = len >= years;
        let mut detail = if len > 0 {
            format!(
                "{len} năm liên tục {} ({start}–{end}){since_txt}; cần {years}",
                min_label(min)
            )
        } else {
            format!(
                "Không có năm nào {} liền trước năm đề nghị{since_txt}; cần {years}",
                min_label(min)
            )
        };
        if !ok {
            let gap = (start > floor).then(|| start - 1).filter(|y| *y > i32::MIN);
            let why = match gap.map(|y| (y, self.rating(y))) {
                Some((y, Some(r))) => format!(" (năm {y} xếp loại «{}» làm đứt chuỗi)", r.label()),
                Some((y, None)) => format!(" (năm {y} chưa có xếp loại)"),
                None => String::new(),
            };
            missing.push(format!(
                "cần thêm {} năm liên tục {}{why}",
                years - len,
                min_label(min)
            ));
        }
        // The period the counts cover, in words ("trong giai đoạn 2021–2025"), when there is one.
        let period = if from <= end {
            format!("trong giai đoạn {from}–{end}")
        } else {
            "trong chuỗi năm liên tục".to_string()
        };
        for inc in including {
            let k = self.n(&inc.count) as usize;
            let (have, what): (Vec<i32>, String) = match (&inc.title, &inc.rating) {
                (Some(t), _) => (
                    (from..=end).filter(|y| self.has_title(*y, t)).collect(),
                    format!("danh hiệu {}", self.name(t)),
                ),
                (None, Some(r)) => (
                    (from..=end)
                        .filter(|y| self.rating(*y).is_some_and(|x| at_least(x, *r)))
                        .collect(),
                    format!("năm {}", min_label(*r)),
                ),
                _ => (vec![], String::new()),
            };
            detail.push_str(&format!("; trong đó {} {what} (cần {k})", have.len()));
            if have.len() < k {
                ok = false;
                missing.push(format!("thiếu {} {what} {period}", k - have.len()));
            }
        }
        if let Some(need) = initiatives {
            let k = self.n(&need.count) as usize;
            let found = self.unused_initiatives(need.min_scope, Some((from, end)));
            detail.push_str(&format!(
                "; {} sáng kiến {} chưa sử dụng trong giai đoạn (cần {k})",
                found.len(),
                need.min_scope.label()
            ));
            if found.len() < k {
                ok = false;
                missing.push(format!(
                    "thiếu {} sáng kiến {} chưa sử dụng {period}",
                    k - found.len(),
                    need.min_scope.label()
                ));
            }
            records.extend(found);
        }
        Outcome::new(ok, detail, records, missing)
    }
}

impl RuleSet {
    /// Parses the catalog and packs; the first error names file and line.
    pub fn load(catalog: (&str, &str), packs: &[(&str, &str)]) -> Result<Self, PackError> {
        let catalog = Catalog::parse(catalog.0, catalog.1)?;
        let packs = packs
            .iter()
            .map(|(f, t)| RulePack::parse(f, t, &catalog))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { catalog, packs })
    }

    /// The packs shipped with tdkt.
    pub fn builtin() -> Self {
        Self::load(BUILTIN_CATALOG, BUILTIN).expect("the shipped rule packs are valid (tested)")
    }

    pub fn pack_on(&self, d: Date) -> Option<&RulePack> {
        self.packs
            .iter()
            .filter(|p| p.in_force(d))
            .max_by_key(|p| p.effective_from)
    }

    pub fn check(&self, req: &CheckRequest) -> Result<Verdict, Invalid> {
        let def = self.catalog.get(&req.award).ok_or_else(|| {
            Invalid::new(
                "award",
                format!(
                    "Không có danh hiệu, hình thức «{}» trong danh mục",
                    req.award
                ),
            )
        })?;
        let pack = self.pack_on(req.reference_date).ok_or_else(|| {
            Invalid::new(
                "reference_date",
                format!(
                    "Không có bộ quy tắc nào có hiệu lực ngày {}",
                    crate::dates::vn(req.reference_date)
                ),
            )
        })?;
        let rules = pack.award(&req.award).ok_or_else(|| {
            Invalid::new(
                "award",
                format!(
                    "Bộ quy tắc «{}» chưa có quy tắc cho «{}»",
                    pack.name, def.name
                ),
            )
        })?;
        if !rules.subjects.contains(&req.subject.kind) {
            let who = match req.subject.kind {
                SubjectKind::Individual => "cá nhân",
                SubjectKind::Collective => "tập thể",
            };
            return Err(Invalid::new(
                "subject.kind",
                format!("«{}» không xét cho {who}", def.name),
            ));
        }
        let ctx = Ctx {
            set: self,
            pack,
            s: &req.subject,
            date: req.reference_date,
            year: req.reference_date.year(),
            award: &req.award,
            depth: 0,
        };
        let mut criteria = Vec::new();
        let mut missing = Vec::new();
        for r in &rules.rules {
            let o = ctx.eval(&r.check);
            missing.extend(o.missing.iter().cloned());
            criteria.push(CriterionResult {
                rule: r.id.clone(),
                citation: r.citation.clone(),
                text: r.text.clone(),
                passed: match o.status {
                    CriterionStatus::Passed => Some(true),
                    CriterionStatus::Failed => Some(false),
                    CriterionStatus::NeedsReview | CriterionStatus::Attested => None,
                },
                status: o.status,
                detail: o.detail,
                records: o.records,
            });
        }
        let verdict = if criteria.iter().any(|c| c.status == CriterionStatus::Failed) {
            VerdictKind::NotEligible
        } else if criteria
            .iter()
            .any(|c| c.status == CriterionStatus::NeedsReview)
        {
            VerdictKind::NeedsReview
        } else {
            VerdictKind::Eligible
        };
        let _ = ctx.award;
        Ok(Verdict {
            award: req.award.clone(),
            award_name: def.name.clone(),
            verdict,
            rule_pack: PackRef {
                id: pack.id.clone(),
                name: pack.name.clone(),
            },
            reference_date: crate::dates::iso(req.reference_date),
            evaluated_year: req.reference_date.year(),
            criteria,
            missing,
        })
    }

    /// Answers one request, or each request of a batch.
    pub fn run(&self, input: &CheckInput) -> Result<CheckOutput, Invalid> {
        Ok(match input {
            CheckInput::One(r) => CheckOutput::One(Box::new(self.check(r)?)),
            CheckInput::Batch(rs) => CheckOutput::Batch(
                rs.iter()
                    .map(|r| match self.check(r) {
                        Ok(v) => BatchItem::Verdict(Box::new(v)),
                        Err(error) => BatchItem::Error { error },
                    })
                    .collect(),
            ),
        })
    }

    /// Every award of the pack in force that applies to the subject, best verdicts first.
    pub fn eligible_now(&self, subject: &Subject, date: Date) -> Vec<Verdict> {
        let Some(pack) = self.pack_on(date) else {
            return vec![];
        };
        let mut out: Vec<Verdict> = pack
            .awards
            .iter()
            .filter(|a| a.subjects.contains(&subject.kind))
            .filter_map(|a| {
                self.check(&CheckRequest {
                    award: a.code.clone(),
                    reference_date: date,
                    subject: subject.clone(),
                })
                .ok()
            })
            .collect();
        out.sort_by_key(|v| v.verdict);
        out
    }
}
