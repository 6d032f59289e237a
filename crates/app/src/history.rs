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
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AwardInput {
    /// A catalog code, e.g. `bang_khen_tinh`.
    pub code: String,
    /// ISO date of the decision.
    pub date: String,
    pub decision: Option<String>,
    pub note: Option<String>,
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

fn scope_of(s: &str) -> Option<InitiativeScope> {
    match s {
        "co_so" => Some(InitiativeScope::CoSo),
        "tinh" => Some(InitiativeScope::Tinh),
        "toan_quoc" => Some(InitiativeScope::ToanQuoc),
        _ => None,
    }
}

impl App {
    fn catalog_code(&self, field: &str, code: &str, titles_only: bool) -> AppResult<String> {
        let code = code.trim();
        match self.rules.catalog.get(code) {
            Some(a) if !titles_only || a.kind == "danh_hieu" => Ok(a.code.clone()),
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
        let mut rows = Vec::new();
        for (i, t) in input.iter().enumerate() {
            let f = format!("danh_hieu[{i}]");
            rows.push(TitleRow {
                year: parse_year(&format!("{f}.year"), t.year, today())?,
                code: self.catalog_code(&format!("{f}.code"), &t.code, true)?,
                decision: t
                    .decision
                    .clone()
                    .map(|d| tdkt_domain::text::tidy(&d))
                    .filter(|d| !d.is_empty()),
            });
        }
        self.person_for_write(p, person_id).await?;
        Ok(self
            .store
            .put_person_titles(&p.actor(), person_id, &rows)
            .await?)
    }

    pub async fn add_person_award(
        &self,
        p: &Principal,
        person_id: i64,
        input: AwardInput,
    ) -> AppResult<AwardRecordRow> {
        let code = self.catalog_code("code", &input.code, false)?;
        let date = parse_iso("date", &input.date)?;
        if date > today() {
            return Err(Invalid::new("date", "Ngày quyết định ở tương lai").into());
        }
        self.person_for_write(p, person_id).await?;
        Ok(self
            .store
            .create_award_record(
                &p.actor(),
                NewAwardRecord {
                    person_id: Some(person_id),
                    unit_id: None,
                    code,
                    date,
                    decision: input
                        .decision
                        .map(|d| tdkt_domain::text::tidy(&d))
                        .filter(|d| !d.is_empty()),
                    note: input.note.filter(|n| !n.trim().is_empty()),
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
            self.authorize(p, Action::PersonRead, person.unit_id)
                .await?;
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
        let on = parse_iso("recognized_on", &input.recognized_on)?;
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
            awards: awards
                .into_iter()
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
