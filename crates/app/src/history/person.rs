//! A person in the eligibility engine's terms (ratings, titles, awards not revoked, recognised
//! initiatives) and the verdicts for the awards that matter to them.

use tdkt_domain::access::Action;
use tdkt_domain::eligibility::{CheckRequest, Subject, Verdict};
use time::Date;

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
    /// The person's history in the engine's terms: the same reads and the same mapping as the
    /// year-end round, so the person page and the round's candidates agree.
    pub async fn person_subject(&self, person_id: i64) -> AppResult<Subject> {
        let h = self.store.person_history(person_id).await?;
        Ok(crate::rounds::individual_subject(&h))
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
