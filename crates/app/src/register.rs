//! The register of awards: search by name (with or without diacritics), award, year and unit
//! within what the caller may read, and the same search as an XLSX file.

use serde::Deserialize;
use tdkt_domain::access::{Action, scope_roots, unscoped};
use tdkt_domain::dates::vn;
use tdkt_domain::text::fold;
use tdkt_store::*;

use crate::error::internal;
use crate::{App, AppError, AppResult, Principal};

/// A register search from a form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct RegisterQuery {
    /// Name with or without diacritics.
    pub q: Option<String>,
    pub award: Option<String>,
    pub year: Option<i32>,
    /// Units inside this subtree (the person's unit or the collective).
    pub unit: Option<i64>,
    pub person: Option<i64>,
    pub collective: Option<i64>,
}

impl App {
    fn register_filter(&self, p: &Principal, q: &RegisterQuery, limit: i64) -> RegisterFilter {
        RegisterFilter {
            name_key: q.q.as_deref().map(fold).filter(|s| !s.is_empty()),
            code: q.award.clone().filter(|a| !a.trim().is_empty()),
            year: q.year,
            unit_root: q.unit,
            scope_roots: if unscoped(&p.grants, Action::PersonRead) {
                None
            } else {
                Some(scope_roots(&p.grants, Action::PersonRead))
            },
            person_id: q.person,
            unit_id: q.collective,
            cert_key: None,
            decision_id: None,
            limit,
        }
    }

    /// Awards found by name (with or without diacritics), award, year and unit, within what the
    /// caller may read.
    pub async fn search_register(
        &self,
        p: &Principal,
        q: &RegisterQuery,
    ) -> AppResult<Vec<RegisterRow>> {
        if p.grants.is_empty() {
            return Err(AppError::forbidden());
        }
        Ok(self
            .store
            .search_register(&self.register_filter(p, q, 500))
            .await?)
    }

    /// The same search as an XLSX file (up to 100 000 rows).
    pub async fn register_xlsx(&self, p: &Principal, q: &RegisterQuery) -> AppResult<Vec<u8>> {
        if p.grants.is_empty() {
            return Err(AppError::forbidden());
        }
        let rows = self
            .store
            .search_register(&self.register_filter(p, q, 100_000))
            .await?;
        let local = self.store.local_award_kinds().await?;
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("So khen thuong").map_err(internal)?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let headers = [
            "STT",
            "Họ tên / Tập thể",
            "Đơn vị",
            "Danh hiệu, hình thức",
            "Ngày",
            "Quyết định",
            "Tiền thưởng (đồng)",
            "Tình trạng",
        ];
        for (c, h) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(internal)?;
        }
        for (i, r) in rows.iter().enumerate() {
            let row = i as u32 + 1;
            sheet
                .write_number(row, 0, (i + 1) as f64)
                .map_err(internal)?;
            sheet
                .write_string(row, 1, &r.subject_name)
                .map_err(internal)?;
            sheet.write_string(row, 2, &r.unit_name).map_err(internal)?;
            sheet
                .write_string(row, 3, self.award_name(&local, &r.code))
                .map_err(internal)?;
            sheet.write_string(row, 4, vn(r.date)).map_err(internal)?;
            sheet
                .write_string(row, 5, r.decision.clone().unwrap_or_default())
                .map_err(internal)?;
            if let Some(a) = r.amount {
                sheet.write_number(row, 6, a as f64).map_err(internal)?;
            }
            let status = match r.revoked_on {
                Some(d) => format!("Đã huỷ ngày {}", vn(d)),
                None => "Còn hiệu lực".into(),
            };
            sheet.write_string(row, 7, status).map_err(internal)?;
        }
        sheet.set_column_width(1, 30).map_err(internal)?;
        sheet.set_column_width(2, 30).map_err(internal)?;
        sheet.set_column_width(3, 40).map_err(internal)?;
        sheet.set_column_width(5, 28).map_err(internal)?;
        sheet.set_column_width(6, 18).map_err(internal)?;
        book.save_to_buffer().map_err(internal)
    }
}
