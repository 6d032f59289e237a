//! A person's history for the eligibility engine: titles by year, awards received, initiatives;
//! and the engine's verdicts computed from what is stored. Here: what the files share (catalog
//! codes, initiative codes and scopes, write access to a person, a unit's staff); each part has
//! its file:
//! - `titles`: emulation titles by year;
//! - `awards`: local award kinds, award names, awards a person received;
//! - `initiatives`: the register of initiatives, their review, the initiatives page;
//! - `imports`: yearly ratings and titles of a unit's staff from CSV or XLSX, all or nothing;
//! - `person`: a person in the engine's terms and their verdicts;
//! - `collective`: a unit's ratings, the unit in the engine's terms and its verdicts.

mod awards;
mod collective;
pub(crate) mod imports;
mod initiatives;
mod person;
mod titles;

use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::eligibility::AwardKind;
use tdkt_domain::eligibility::InitiativeScope;
use tdkt_store::*;

use crate::{App, AppResult, Principal};

// The public paths stay `tdkt_app::history::…` whichever file a type lives in.
pub use awards::AwardInput;
pub use collective::{UNIT_AWARDS, UnitRatingInput};
pub use imports::ImportReport;
pub use initiatives::{InitiativeInput, InitiativeReviewInput, InitiativesView};
pub use person::PERSON_AWARDS;
pub use titles::TitleInput;

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

pub(crate) fn scope_of(s: &str) -> Option<InitiativeScope> {
    match s {
        "co_so" => Some(InitiativeScope::CoSo),
        "tinh" => Some(InitiativeScope::Tinh),
        "toan_quoc" => Some(InitiativeScope::ToanQuoc),
        _ => None,
    }
}

impl App {
    /// A catalog code (shipped or local), checked; `titles_only` refuses forms of commendation.
    pub(crate) fn catalog_code(
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
            .map(|a| a.kind)
            .or_else(|| local.iter().find(|k| k.code == code).map(|k| k.kind));
        match kind {
            Some(k) if !titles_only || k == AwardKind::Title => Ok(code.to_string()),
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

    pub(crate) async fn unit_staff(&self, unit_id: i64) -> AppResult<Vec<PersonRow>> {
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
}
