//! A person's emulation titles by year, each possibly using recognised initiatives (which then
//! do not count again until the title is removed).

use serde::Deserialize;
use tdkt_domain::Invalid;
use tdkt_domain::person::parse_year;
use tdkt_store::*;
use time::Date;

use super::initiative_codes;
use crate::{App, AppResult, Principal, today};

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

impl App {
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
}
