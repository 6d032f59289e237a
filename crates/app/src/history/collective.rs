//! A collective (a unit): its yearly ratings, the unit in the engine's terms (its members
//! counted from the people of its subtree) and its verdicts.

use serde::Deserialize;
use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::eligibility::{
    AwardRecord, CheckRequest, RatingRecord, Subject, SubjectKind, Verdict,
};
use tdkt_domain::person::parse_year;
use tdkt_store::*;
use time::Date;

use crate::{App, AppError, AppResult, Principal, today};

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
                    absent_days: None,
                    discipline: None,
                })
                .collect(),
            // The unit's own collective titles by year (Tập thể LĐTT/LĐXS, Cờ thi đua).
            titles: self
                .store
                .unit_titles(unit_id)
                .await?
                .into_iter()
                .map(|t| tdkt_domain::eligibility::TitleRecord {
                    year: t.year,
                    code: t.code,
                })
                .collect(),
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
