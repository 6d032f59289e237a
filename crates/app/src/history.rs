//! A person's history for the eligibility engine: titles by year, awards received, initiatives;
//! and the engine's verdicts computed from what is stored.

use serde::Deserialize;
use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::dates::parse_iso;
use tdkt_domain::eligibility::{
    AwardRecord, CheckRequest, InitiativeRecord, InitiativeScope, RatingRecord, Subject,
    SubjectKind, TitleRecord, Verdict,
};
use tdkt_domain::person::parse_year;
use tdkt_store::*;
use time::Date;

use crate::{App, AppError, AppResult, Principal, today};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TitleInput {
    pub year: i32,
    /// A title code of the catalog, e.g. `chien_si_thi_dua_co_so`.
    pub code: String,
    pub decision: Option<String>,
    /// Codes of the person's recognised initiatives this title used (they will not count again).
    #[serde(default)]
    pub initiatives: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AwardInput {
    /// A catalog code, e.g. `bang_khen_tinh`.
    pub code: String,
    /// ISO date of the decision.
    pub date: String,
    pub decision: Option<String>,
    pub note: Option<String>,
    /// Codes of the person's recognised initiatives this award used.
    #[serde(default)]
    pub initiatives: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct InitiativeInput {
    pub code: String,
    pub title: String,
    pub unit_id: i64,
    pub field: Option<String>,
    /// ISO date.
    pub submitted_on: String,
    /// Authors (person ids).
    pub authors: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct InitiativeReviewInput {
    /// `co_so`, `tinh` or `toan_quoc`.
    pub scope: String,
    /// ISO date of recognition.
    pub recognized_on: String,
    pub effect: Option<String>,
}

/// Awards the person page checks.
pub const PERSON_AWARDS: &[&str] = &[
    "lao_dong_tien_tien",
    "chien_si_thi_dua_co_so",
    "chien_si_thi_dua_tinh",
    "bang_khen_tinh",
    "bang_khen_thu_tuong",
    "huan_chuong_lao_dong_hang_ba",
];

fn initiative_codes(codes: &[String]) -> Vec<String> {
    let mut v: Vec<String> = codes
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn scope_of(s: &str) -> Option<InitiativeScope> {
    match s {
        "co_so" => Some(InitiativeScope::CoSo),
        "tinh" => Some(InitiativeScope::Tinh),
        "toan_quoc" => Some(InitiativeScope::ToanQuoc),
        _ => None,
    }
}

impl App {
    /// A catalog code (shipped or local), checked; `titles_only` refuses forms of commendation.
    fn catalog_code(
        &self,
        local: &[LocalAwardKind],
        field: &str,
        code: &str,
        titles_only: bool,
    ) -> AppResult<String> {
        let code = code.trim();
        let kind = self
            .rules
            .catalog
            .get(code)
            .map(|a| a.kind.as_str())
            .or_else(|| {
                local
                    .iter()
                    .find(|k| k.code == code)
                    .map(|k| k.kind.as_str())
            });
        match kind {
            Some(k) if !titles_only || k == "danh_hieu" => Ok(code.to_string()),
            Some(_) => Err(Invalid::new(
                field,
                format!("«{code}» là hình thức khen thưởng, không phải danh hiệu thi đua"),
            )
            .into()),
            None => Err(Invalid::new(
                field,
                format!("Không có «{code}» trong danh mục danh hiệu, hình thức khen thưởng"),
            )
            .into()),
        }
    }

    /// Adds an award kind of an authority's own (admins only), beside the shipped catalog.
    pub async fn create_local_award_kind(
        &self,
        p: &Principal,
        k: LocalAwardKind,
    ) -> AppResult<LocalAwardKind> {
        let code = k.code.trim().to_ascii_lowercase();
        if code.is_empty()
            || code.len() > 64
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(Invalid::new(
                "code",
                "Mã chỉ gồm chữ không dấu, số và «_», tối đa 64 ký tự",
            )
            .into());
        }
        if self.rules.catalog.get(&code).is_some() {
            return Err(AppError::Conflict(format!(
                "Mã «{code}» đã có trong danh mục chung"
            )));
        }
        let name = tdkt_domain::text::tidy(&k.name);
        if name.chars().count() < 3 {
            return Err(Invalid::new("name", "Cần nhập tên").into());
        }
        if !matches!(k.kind.as_str(), "danh_hieu" | "hinh_thuc") {
            return Err(Invalid::new("kind", "Loại phải là danh_hieu hoặc hinh_thuc").into());
        }
        if k.subjects.is_empty()
            || k.subjects
                .iter()
                .any(|s| !matches!(s.as_str(), "ca_nhan" | "tap_the" | "ho_gia_dinh"))
        {
            return Err(
                Invalid::new("subjects", "Đối tượng là ca_nhan, tap_the hoặc ho_gia_dinh").into(),
            );
        }
        if !matches!(k.level.as_str(), "co_so" | "bo_tinh" | "nha_nuoc") {
            return Err(Invalid::new("level", "Cấp là co_so, bo_tinh hoặc nha_nuoc").into());
        }
        if !(k.bonus.is_finite() && (0.0..=100.0).contains(&k.bonus)) {
            return Err(Invalid::new("bonus", "Hệ số tiền thưởng phải từ 0 đến 100").into());
        }
        self.store
            .unit(k.unit_id)
            .await
            .map_err(|_| Invalid::new("unit_id", "Đơn vị không tồn tại"))?;
        self.authorize(p, Action::CatalogWrite, k.unit_id).await?;
        Ok(self
            .store
            .create_local_award_kind(&p.actor(), LocalAwardKind { code, name, ..k })
            .await?)
    }

    pub async fn local_award_kinds(&self) -> AppResult<Vec<LocalAwardKind>> {
        Ok(self.store.local_award_kinds().await?)
    }

    async fn person_for_write(&self, p: &Principal, person_id: i64) -> AppResult<PersonRow> {
        let person = self.store.person(person_id).await?;
        self.authorize(p, Action::PersonWrite, person.unit_id)
            .await?;
        Ok(person)
    }

    pub async fn put_person_titles(
        &self,
        p: &Principal,
        person_id: i64,
        input: &[TitleInput],
    ) -> AppResult<Vec<TitleRow>> {
        let local = self.store.local_award_kinds().await?;
        let mut rows = Vec::new();
        let mut uses = Vec::new();
        for (i, t) in input.iter().enumerate() {
            let f = format!("danh_hieu[{i}]");
            let row = TitleRow {
                year: parse_year(&format!("{f}.year"), t.year, today())?,
                code: self.catalog_code(&local, &format!("{f}.code"), &t.code, true)?,
                decision: t
                    .decision
                    .clone()
                    .map(|d| tdkt_domain::text::tidy(&d))
                    .filter(|d| !d.is_empty()),
            };
            if rows
                .iter()
                .any(|r: &TitleRow| r.year == row.year && r.code == row.code)
            {
                return Err(Invalid::new(
                    format!("{f}.code"),
                    format!("Danh hiệu «{}» năm {} bị nhập hai lần", row.code, row.year),
                )
                .into());
            }
            let codes = initiative_codes(&t.initiatives);
            if !codes.is_empty() {
                uses.push(InitiativeUse {
                    codes,
                    label: self.title_label(&local, &row.code, row.year),
                    // A title is granted for its year; it uses the initiative from the year's end.
                    on: Date::from_calendar_date(row.year, time::Month::December, 31)
                        .map_err(|_| Invalid::new(format!("{f}.year"), "Năm không hợp lệ"))?,
                });
            }
            rows.push(row);
        }
        self.person_for_write(p, person_id).await?;
        Ok(self
            .store
            .put_person_titles(&p.actor(), person_id, &rows, &uses)
            .await?)
    }

    /// The name of a shipped or local award kind (its code when unknown).
    pub fn award_name(&self, local: &[LocalAwardKind], code: &str) -> String {
        self.rules
            .catalog
            .get(code)
            .map(|a| a.name.clone())
            .or_else(|| {
                local
                    .iter()
                    .find(|k| k.code == code)
                    .map(|k| k.name.clone())
            })
            .unwrap_or_else(|| code.to_string())
    }

    /// How a title is named where its initiatives say who used them.
    fn title_label(&self, local: &[LocalAwardKind], code: &str, year: i32) -> String {
        format!("{} năm {year}", self.award_name(local, code))
    }

    /// Removes a title recorded by mistake; the initiatives it used count again.
    pub async fn delete_person_title(
        &self,
        p: &Principal,
        person_id: i64,
        year: i32,
        code: &str,
    ) -> AppResult<Vec<TitleRow>> {
        self.person_for_write(p, person_id).await?;
        let local = self.store.local_award_kinds().await?;
        let label = self.title_label(&local, code, year);
        Ok(self
            .store
            .delete_person_title(&p.actor(), person_id, year, code, &label)
            .await?)
    }

    pub async fn add_person_award(
        &self,
        p: &Principal,
        person_id: i64,
        input: AwardInput,
    ) -> AppResult<AwardRecordRow> {
        let local = self.store.local_award_kinds().await?;
        let code = self.catalog_code(&local, "code", &input.code, false)?;
        let date = parse_iso("date", &input.date)?;
        if date > today() {
            return Err(Invalid::new("date", "Ngày quyết định ở tương lai").into());
        }
        self.person_for_write(p, person_id).await?;
        let decision = input
            .decision
            .map(|d| tdkt_domain::text::tidy(&d))
            .filter(|d| !d.is_empty());
        let codes = initiative_codes(&input.initiatives);
        let uses = (!codes.is_empty()).then(|| {
            let name = self.award_name(&local, &code);
            InitiativeUse {
                codes,
                label: format!(
                    "{name} ({}{})",
                    tdkt_domain::dates::vn(date),
                    decision
                        .as_ref()
                        .map(|d| format!(", {d}"))
                        .unwrap_or_default()
                ),
                on: date,
            }
        });
        Ok(self
            .store
            .create_award_record(
                &p.actor(),
                NewAwardRecord {
                    person_id: Some(person_id),
                    unit_id: None,
                    code,
                    date,
                    decision,
                    note: input.note.filter(|n| !n.trim().is_empty()),
                    uses,
                },
            )
            .await?)
    }

    pub async fn create_initiative(
        &self,
        p: &Principal,
        input: InitiativeInput,
    ) -> AppResult<InitiativeRow> {
        let code = input.code.trim().to_string();
        if code.is_empty() || code.len() > 64 {
            return Err(Invalid::new("code", "Mã sáng kiến phải có từ 1 đến 64 ký tự").into());
        }
        let title = tdkt_domain::text::tidy(&input.title);
        if title.chars().count() < 3 {
            return Err(Invalid::new("title", "Cần nhập tên sáng kiến").into());
        }
        let submitted_on = parse_iso("submitted_on", &input.submitted_on)?;
        if input.authors.is_empty() {
            return Err(Invalid::new("authors", "Sáng kiến cần ít nhất một tác giả").into());
        }
        self.store
            .unit(input.unit_id)
            .await
            .map_err(|_| Invalid::new("unit_id", "Đơn vị không tồn tại"))?;
        self.authorize(p, Action::PersonWrite, input.unit_id)
            .await?;
        for a in &input.authors {
            let person = self
                .store
                .person(*a)
                .await
                .map_err(|_| Invalid::new("authors", format!("Không có cá nhân mã số {a}")))?;
            // Naming someone an author writes into their history.
            self.authorize(p, Action::PersonWrite, person.unit_id)
                .await?;
        }
        let mut authors = input.authors.clone();
        authors.sort_unstable();
        authors.dedup();
        if authors.len() != input.authors.len() {
            return Err(Invalid::new("authors", "Một tác giả bị ghi hai lần").into());
        }
        Ok(self
            .store
            .create_initiative(
                &p.actor(),
                NewInitiative {
                    code,
                    title,
                    unit_id: input.unit_id,
                    field: input.field,
                    submitted_on,
                    authors: input.authors,
                },
            )
            .await?)
    }

    pub async fn review_initiative(
        &self,
        p: &Principal,
        id: i64,
        input: InitiativeReviewInput,
    ) -> AppResult<InitiativeRow> {
        let i = self.store.initiative(id).await?;
        self.authorize(p, Action::InitiativeReview, i.unit_id)
            .await?;
        scope_of(input.scope.trim()).ok_or_else(|| {
            Invalid::new(
                "scope",
                "Phạm vi công nhận phải là co_so, tinh hoặc toan_quoc",
            )
        })?;
        if let Some(by) = &i.used_by {
            return Err(AppError::Conflict(format!(
                "Sáng kiến đã được dùng cho {by}; không xét lại phạm vi công nhận"
            )));
        }
        let on = parse_iso("recognized_on", &input.recognized_on)?;
        if on > today() {
            return Err(Invalid::new("recognized_on", "Ngày công nhận ở tương lai").into());
        }
        if on < i.submitted_on {
            return Err(Invalid::new(
                "recognized_on",
                "Ngày công nhận trước ngày đăng ký sáng kiến",
            )
            .into());
        }
        Ok(self
            .store
            .review_initiative(&p.actor(), id, input.scope.trim(), on, input.effect)
            .await?)
    }

    /// The person's history in the engine's terms.
    pub async fn person_subject(&self, person_id: i64) -> AppResult<Subject> {
        let ratings = self.store.person_ratings(person_id).await?;
        let titles = self.store.person_titles(person_id).await?;
        let awards = self.store.person_award_records(person_id).await?;
        let initiatives = self.store.person_initiatives(person_id).await?;
        Ok(Subject {
            kind: SubjectKind::Individual,
            ratings: ratings
                .into_iter()
                .map(|r| RatingRecord {
                    year: r.year,
                    rating: r.rating,
                })
                .collect(),
            titles: titles
                .into_iter()
                .map(|t| TitleRecord {
                    year: t.year,
                    code: t.code,
                })
                .collect(),
            // A revoked award is no prerequisite for anything.
            awards: awards
                .into_iter()
                .filter(|a| a.revoked_on.is_none())
                .map(|a| AwardRecord {
                    code: a.code,
                    date: a.date,
                    decision: a.decision,
                })
                .collect(),
            // Only recognised initiatives count.
            initiatives: initiatives
                .into_iter()
                .filter_map(|i| {
                    Some(InitiativeRecord {
                        id: i.code,
                        scope: scope_of(i.scope.as_deref()?)?,
                        recognized: i.recognized_on?,
                        used_by: i.used_by,
                        used_on: i.used_on,
                    })
                })
                .collect(),
            members: vec![],
        })
    }

    /// The verdicts for the awards that matter to a person, on a date.
    pub async fn person_eligibility(
        &self,
        p: &Principal,
        person_id: i64,
        on: Date,
    ) -> AppResult<Vec<Verdict>> {
        let person = self.store.person(person_id).await?;
        self.authorize(p, Action::PersonRead, person.unit_id)
            .await?;
        let subject = self.person_subject(person_id).await?;
        let mut out = Vec::new();
        for code in PERSON_AWARDS {
            match self.rules.check(&CheckRequest {
                award: code.to_string(),
                reference_date: on,
                subject: subject.clone(),
            }) {
                Ok(v) => out.push(v),
                // No pack in force (a date before 2024): say so once.
                Err(e) if e.field == "reference_date" => return Err(AppError::Invalid(e)),
                Err(_) => {}
            }
        }
        Ok(out)
    }
}

pub struct InitiativesView {
    pub unit: UnitRow,
    pub items: Vec<InitiativeRow>,
    pub may_register: bool,
    pub may_review: bool,
    /// People who may be named authors: (id, name).
    pub staff: Vec<(i64, String)>,
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub people: usize,
    pub ratings: usize,
    pub titles: usize,
}

impl App {
    /// Imports yearly ratings and titles of a unit's staff from CSV with the header
    /// `ho_ten,cccd,nam,xep_loai,danh_hieu` (one row per person and year; `cccd`, `xep_loai` and
    /// `danh_hieu` may be empty). A person is found by CCCD, else by name within the unit's
    /// subtree (it must be unique). Every row is checked before anything is written; an error
    /// names the row and the column.
    pub async fn import_history_csv(
        &self,
        p: &Principal,
        unit_id: i64,
        text: &str,
    ) -> AppResult<ImportReport> {
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::PersonWrite, unit_id).await?;
        let people = self.unit_staff(unit_id).await?;
        let local = self.store.local_award_kinds().await?;
        let err = |row: usize, col: &str, msg: String| {
            AppError::Invalid(Invalid::new(
                format!("dong[{row}].{col}"),
                format!("Dòng {row}, cột «{col}»: {msg}"),
            ))
        };
        let rows = read_csv(text).map_err(|(row, msg)| err(row, "dong", msg))?;
        self.import_history_rows(p, &people, &local, rows).await
    }

    /// The same import from the first sheet of an XLSX workbook (same header row).
    pub async fn import_history_xlsx(
        &self,
        p: &Principal,
        unit_id: i64,
        bytes: &[u8],
    ) -> AppResult<ImportReport> {
        let rows = read_xlsx(bytes).map_err(|m| Invalid::new("tep", m))?;
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::PersonWrite, unit_id).await?;
        let people = self.unit_staff(unit_id).await?;
        let local = self.store.local_award_kinds().await?;
        self.import_history_rows(p, &people, &local, rows).await
    }

    async fn unit_staff(&self, unit_id: i64) -> AppResult<Vec<PersonRow>> {
        let mut people = Vec::new();
        let mut page = 1;
        loop {
            let more = self
                .store
                .search_people(&PersonFilter {
                    under_unit: Some(unit_id),
                    paging: Paging::new(Some(page), Some(200)),
                    ..Default::default()
                })
                .await?;
            let done = more.items.is_empty()
                || people.len() as i64 + more.items.len() as i64 >= more.total;
            people.extend(more.items);
            if done {
                return Ok(people);
            }
            page += 1;
        }
    }

    /// Checks every row, then writes everything in one transaction: all or nothing.
    async fn import_history_rows(
        &self,
        p: &Principal,
        people: &[PersonRow],
        local: &[LocalAwardKind],
        rows: Vec<Vec<String>>,
    ) -> AppResult<ImportReport> {
        let err = |row: usize, col: &str, msg: String| {
            AppError::Invalid(Invalid::new(
                format!("dong[{row}].{col}"),
                format!("Dòng {row}, cột «{col}»: {msg}"),
            ))
        };
        let mut it = rows.into_iter();
        let headers: Vec<String> = it
            .next()
            .ok_or_else(|| err(1, "tieu_de", "tệp trống".into()))?
            .into_iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
            .collect();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (Some(c_name), Some(c_year)) = (col("ho_ten"), col("nam")) else {
            return Err(err(
                1,
                "tieu_de",
                "cần các cột ho_ten, cccd, nam, xep_loai, danh_hieu".into(),
            ));
        };
        let (c_cccd, c_rating, c_title) = (col("cccd"), col("xep_loai"), col("danh_hieu"));
        let mut ratings: std::collections::BTreeMap<i64, Vec<RatingRow>> = Default::default();
        let mut titles: std::collections::BTreeMap<i64, Vec<TitleRow>> = Default::default();
        // (person, year) → first row, to refuse the same person and year twice.
        let mut seen: std::collections::HashMap<(i64, i32), usize> = Default::default();
        let mut report = ImportReport::default();
        for (i, rec) in it.enumerate() {
            let row = i + 2;
            let cell =
                |c: Option<usize>| c.and_then(|c| rec.get(c)).map(|s| s.trim()).unwrap_or("");
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let name = cell(Some(c_name));
            let cccd = cell(c_cccd);
            let key = tdkt_domain::text::fold(name);
            let person = if !cccd.is_empty() {
                let x = people
                    .iter()
                    .find(|x| x.cccd.as_deref() == Some(cccd))
                    .ok_or_else(|| {
                        err(
                            row,
                            "cccd",
                            format!("không có ai trong đơn vị có CCCD {cccd}"),
                        )
                    })?;
                // A typo in the CCCD must not write onto someone else.
                if !name.is_empty() && tdkt_domain::text::fold(&x.full_name) != key {
                    return Err(err(
                        row,
                        "ho_ten",
                        format!("CCCD {cccd} là của «{}», không phải «{name}»", x.full_name),
                    ));
                }
                x
            } else {
                let found: Vec<&PersonRow> = people
                    .iter()
                    .filter(|x| tdkt_domain::text::fold(&x.full_name) == key)
                    .collect();
                match found.as_slice() {
                    [one] => *one,
                    [] => {
                        return Err(err(
                            row,
                            "ho_ten",
                            format!("không có «{name}» trong đơn vị"),
                        ));
                    }
                    _ => {
                        return Err(err(
                            row,
                            "ho_ten",
                            format!("có {} người tên «{name}»; cần ghi CCCD", found.len()),
                        ));
                    }
                }
            };
            let y = cell(Some(c_year));
            // Spreadsheets give years as numbers ("2024.0" when read as a float).
            let year: i32 = y
                .strip_suffix(".0")
                .unwrap_or(y)
                .parse()
                .map_err(|_| err(row, "nam", format!("«{y}» không phải là năm")))?;
            let year = parse_year("nam", year, today()).map_err(|e| err(row, "nam", e.message))?;
            if let Some(first) = seen.insert((person.id, year), row) {
                return Err(err(
                    row,
                    "nam",
                    format!(
                        "{} năm {year} đã có ở dòng {first}; mỗi người một dòng mỗi năm",
                        person.full_name
                    ),
                ));
            }
            let r = cell(c_rating);
            if !r.is_empty() {
                let rating = tdkt_domain::person::TaskRating::parse("xep_loai", r)
                    .map_err(|e| err(row, "xep_loai", e.message))?;
                ratings
                    .entry(person.id)
                    .or_default()
                    .push(RatingRow { year, rating });
                report.ratings += 1;
            }
            let t = cell(c_title);
            if !t.is_empty() {
                let code = self
                    .catalog_code(local, "danh_hieu", t, true)
                    .map_err(|e| err(row, "danh_hieu", e.to_string()))?;
                titles.entry(person.id).or_default().push(TitleRow {
                    year,
                    code,
                    decision: None,
                });
                report.titles += 1;
            }
            report.rows += 1;
        }
        let touched: std::collections::BTreeSet<i64> =
            ratings.keys().chain(titles.keys()).copied().collect();
        report.people = touched.len();
        self.store
            .import_history(
                &p.actor(),
                &HistoryBatch {
                    ratings: ratings.into_iter().collect(),
                    titles: titles.into_iter().collect(),
                },
            )
            .await?;
        Ok(report)
    }

    /// Initiatives of a unit and the units under it, with their review and use.
    pub async fn unit_initiatives(
        &self,
        p: &Principal,
        unit_id: i64,
    ) -> AppResult<Vec<InitiativeRow>> {
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::PersonRead, unit_id).await?;
        Ok(self.store.unit_initiatives(unit_id).await?)
    }

    /// The initiatives page: the register of a unit's subtree, and what the caller may do.
    pub async fn initiatives_view(
        &self,
        p: &Principal,
        unit_id: i64,
    ) -> AppResult<InitiativesView> {
        let unit = self.store.unit(unit_id).await?;
        self.authorize(p, Action::PersonRead, unit_id).await?;
        let items = self.store.unit_initiatives(unit_id).await?;
        let ids: Vec<i64> = self
            .store
            .unit_ancestors(unit_id)
            .await?
            .iter()
            .map(|u| u.id)
            .collect();
        let may = |a| tdkt_domain::access::permits(&p.grants, a, unit_id, &ids);
        let may_register = may(Action::PersonWrite);
        Ok(InitiativesView {
            unit,
            items,
            may_review: may(Action::InitiativeReview),
            staff: if may_register {
                self.unit_staff(unit_id)
                    .await?
                    .into_iter()
                    .map(|x| (x.id, x.full_name))
                    .collect()
            } else {
                vec![]
            },
            may_register,
        })
    }

    pub async fn initiative(&self, p: &Principal, id: i64) -> AppResult<InitiativeRow> {
        let i = self.store.initiative(id).await?;
        self.authorize(p, Action::PersonRead, i.unit_id).await?;
        Ok(i)
    }
}

/// A CSV text as rows of cells; the error names the line.
fn read_csv(text: &str) -> Result<Vec<Vec<String>>, (usize, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            r.map(|r| r.iter().map(str::to_string).collect())
                .map_err(|e| (i + 1, e.to_string()))
        })
        .collect()
}

/// The first sheet of an XLSX workbook as rows of cells.
fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|_| "Tệp không phải là bảng tính XLSX".to_string())?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| "Bảng tính không có trang nào".to_string())?
        .map_err(|e| format!("Không đọc được trang đầu của bảng tính: {e}"))?;
    Ok(range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct UnitRatingInput {
    pub year: i32,
    /// `htxsnv`, `httnv`, `htnv` or `khtnv`.
    pub rating: String,
    /// Members disciplined at warning level or above that year.
    pub disciplined: Option<i32>,
}

/// Awards the unit page checks.
pub const UNIT_AWARDS: &[&str] = &["tap_the_lao_dong_tien_tien", "tap_the_lao_dong_xuat_sac"];

impl App {
    pub async fn put_unit_ratings(
        &self,
        p: &Principal,
        unit_id: i64,
        input: &[UnitRatingInput],
    ) -> AppResult<Vec<UnitRatingRow>> {
        let mut rows = Vec::new();
        for (i, r) in input.iter().enumerate() {
            let f = format!("xep_loai[{i}]");
            if r.disciplined.is_some_and(|d| d < 0) {
                return Err(Invalid::new(
                    format!("{f}.disciplined"),
                    "Số người bị kỷ luật không được âm",
                )
                .into());
            }
            rows.push(UnitRatingRow {
                year: parse_year(&format!("{f}.year"), r.year, today())?,
                rating: tdkt_domain::person::TaskRating::parse(&format!("{f}.rating"), &r.rating)?,
                disciplined: r.disciplined,
            });
        }
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::UnitWrite, unit_id).await?;
        Ok(self
            .store
            .put_unit_ratings(&p.actor(), unit_id, &rows)
            .await?)
    }

    /// A collective in the engine's terms: its own ratings and, for each rated year, its
    /// members counted from the people of its subtree.
    pub async fn unit_subject(&self, unit_id: i64) -> AppResult<Subject> {
        let ratings = self.store.unit_ratings(unit_id).await?;
        let mut members = Vec::new();
        for r in &ratings {
            let st = self.store.member_stats(unit_id, r.year).await?;
            members.push(tdkt_domain::eligibility::MemberYear {
                year: r.year,
                total: st.total as u32,
                ratings: st
                    .ratings
                    .iter()
                    .filter_map(|(k, n)| {
                        Some((
                            tdkt_domain::person::TaskRating::parse("xep_loai", k).ok()?,
                            *n as u32,
                        ))
                    })
                    .collect(),
                titles: st
                    .titles
                    .iter()
                    .map(|(k, n)| (k.clone(), *n as u32))
                    .collect(),
                disciplined: r.disciplined.map(|d| d as u32),
            });
        }
        Ok(Subject {
            kind: SubjectKind::Collective,
            ratings: ratings
                .iter()
                .map(|r| RatingRecord {
                    year: r.year,
                    rating: r.rating,
                })
                .collect(),
            titles: vec![],
            awards: self
                .store
                .unit_award_records(unit_id)
                .await?
                .into_iter()
                .filter(|a| a.revoked_on.is_none())
                .map(|a| AwardRecord {
                    code: a.code,
                    date: a.date,
                    decision: a.decision,
                })
                .collect(),
            initiatives: vec![],
            members,
        })
    }

    /// Collective verdicts; they count members, so the caller must be allowed to see them.
    pub async fn unit_eligibility(
        &self,
        p: &Principal,
        unit_id: i64,
        on: Date,
    ) -> AppResult<Vec<Verdict>> {
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::PersonRead, unit_id).await?;
        let subject = self.unit_subject(unit_id).await?;
        let mut out = Vec::new();
        for code in UNIT_AWARDS {
            match self.rules.check(&CheckRequest {
                award: code.to_string(),
                reference_date: on,
                subject: subject.clone(),
            }) {
                Ok(v) => out.push(v),
                Err(e) if e.field == "reference_date" => return Err(AppError::Invalid(e)),
                Err(_) => {}
            }
        }
        Ok(out)
    }
}
