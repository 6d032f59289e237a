//! A person in the eligibility engine's terms (ratings, titles, awards not revoked, recognised
//! initiatives) and the verdicts for the awards that matter to them.

use tdkt_domain::access::Action;
use tdkt_domain::eligibility::{
    AwardRecord, CheckRequest, InitiativeRecord, RatingRecord, Subject, SubjectKind, TitleRecord,
    Verdict,
};
use time::Date;

use super::scope_of;
use crate::{App, AppError, AppResult, Principal};

/// Awards the person page checks.
pub const PERSON_AWARDS: &[&str] = &[
    "lao_dong_tien_tien",
    "chien_si_thi_dua_co_so",
    "chien_si_thi_dua_tinh",
    "bang_khen_tinh",
    "bang_khen_thu_tuong",
    "huan_chuong_lao_dong_hang_ba",
];

impl App {
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
