//! Imports of yearly ratings and titles of a unit's staff from CSV or the first sheet of an
//! XLSX workbook: every row checked first (errors name the row and column), then all written in
//! one transaction.

use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::person::parse_year;
use tdkt_store::*;

use crate::{App, AppError, AppResult, Principal, today};

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
            let person = find_person(people, name, cccd).map_err(|(c, m)| err(row, c, m))?;
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
}

/// The person of a unit's staff a row names: by CCCD (and then the name must agree), else by a
/// unique name. The error names the column at fault.
pub(crate) fn find_person<'a>(
    people: &'a [PersonRow],
    name: &str,
    cccd: &str,
) -> Result<&'a PersonRow, (&'static str, String)> {
    let key = tdkt_domain::text::fold(name);
    if !cccd.is_empty() {
        let x = people
            .iter()
            .find(|x| x.cccd.as_deref() == Some(cccd))
            .ok_or_else(|| ("cccd", format!("không có ai trong đơn vị có CCCD {cccd}")))?;
        // A typo in the CCCD must not write onto someone else.
        if !name.is_empty() && tdkt_domain::text::fold(&x.full_name) != key {
            return Err((
                "ho_ten",
                format!("CCCD {cccd} là của «{}», không phải «{name}»", x.full_name),
            ));
        }
        return Ok(x);
    }
    let found: Vec<&PersonRow> = people
        .iter()
        .filter(|x| tdkt_domain::text::fold(&x.full_name) == key)
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(("ho_ten", format!("không có «{name}» trong đơn vị"))),
        _ => Err((
            "ho_ten",
            format!("có {} người tên «{name}»; cần ghi CCCD", found.len()),
        )),
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
pub(crate) fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
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
