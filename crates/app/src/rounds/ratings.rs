//! The year's task ratings of a unit's people with the facts the titles need (days of
//! absence, discipline, initiatives recognised at grassroots level), entered in a grid or
//! imported from the XLSX personnel offices produce. Every row is checked first; one error and
//! nothing is written.

use std::collections::HashMap;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::person::{Discipline, TaskRating};
use tdkt_domain::text::{fold, tidy};
use tdkt_store::*;

use super::reference_date;
use crate::error::internal;
use crate::{App, AppError, AppResult, Principal};

/// One person's line of the grid.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct FactsInput {
    pub person_id: i64,
    /// `htxsnv`, `httnv`, `htnv`, `khtnv`; empty leaves the person unrated.
    pub rating: String,
    pub absent_days: Option<i32>,
    /// A discipline code (`khien_trach`, `canh_cao`, …); empty: none.
    pub discipline: Option<String>,
    /// Titles of initiatives recognised at grassroots level this year.
    #[serde(default)]
    pub initiatives: Vec<String>,
}

/// What an import wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RatingsImport {
    pub rows: usize,
    pub initiatives: usize,
}

/// One page of the ratings grid with the unit's totals.
#[derive(Debug, Clone)]
pub struct PeoplePage {
    pub people: Vec<(RoundPerson, Option<YearFacts>)>,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub rated: usize,
    pub by_rating: Vec<(TaskRating, usize)>,
}

/// Columns of the template, in order (the import finds them by name, in any order).
const COLUMNS: &[&str] = &[
    "STT",
    "Mã cá nhân",
    "Họ và tên",
    "CCCD",
    "Năm sinh",
    "Đơn vị",
    "Chức vụ",
    "Xếp loại",
    "Số ngày nghỉ",
    "Kỷ luật",
    "Sáng kiến cấp cơ sở được công nhận",
];

/// Largest number of errors listed in one message (the rest are counted).
const MAX_LISTED: usize = 20;

fn rating_of(s: &str) -> Option<TaskRating> {
    let k = fold(s).replace(' ', "");
    TaskRating::ALL
        .iter()
        .copied()
        .find(|r| k == r.code() || k == fold(r.label()).replace(' ', ""))
}

fn discipline_of(s: &str) -> Result<Option<Discipline>, String> {
    let k = fold(s);
    if k.is_empty() || k == "khong" {
        return Ok(None);
    }
    Discipline::ALL
        .iter()
        .copied()
        .find(|d| k.replace(' ', "_") == d.code() || k == fold(d.label()))
        .map(Some)
        .ok_or_else(|| {
            format!(
                "«{s}» không phải hình thức kỷ luật ({})",
                Discipline::ALL
                    .iter()
                    .map(|d| d.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// The stable code of an initiative written in the ratings file.
fn initiative_code(year: i32, person_id: i64, title: &str) -> String {
    let h = hex::encode(Sha256::digest(fold(title).as_bytes()));
    format!("SK-{year}-{person_id}-{}", &h[..8])
}

/// Checked facts of one person, or the message of what is wrong (without the place).
struct Line {
    facts: YearFacts,
    initiatives: Vec<String>,
}

fn check_line(
    year: i32,
    person_id: i64,
    rating: &str,
    absent: &str,
    discipline: &str,
) -> Result<Option<Line>, (&'static str, String)> {
    let rating = rating.trim();
    if rating.is_empty() {
        if !absent.trim().is_empty() || !discipline.trim().is_empty() {
            return Err((
                "Xếp loại",
                "cần ghi xếp loại khi có số ngày nghỉ hoặc kỷ luật".into(),
            ));
        }
        return Ok(None);
    }
    let r = rating_of(rating).ok_or_else(|| {
        (
            "Xếp loại",
            format!("«{rating}» không phải mức xếp loại (HTXSNV, HTTNV, HTNV, KHTNV)"),
        )
    })?;
    let absent = absent.trim();
    let absent_days = if absent.is_empty() {
        None
    } else {
        // Spreadsheets write whole numbers as "12" or "12.0".
        let n: f64 = absent
            .replace(',', ".")
            .parse()
            .map_err(|_| ("Số ngày nghỉ", format!("«{absent}» không phải số ngày")))?;
        if !(0.0..=366.0).contains(&n) || n.fract() != 0.0 {
            return Err((
                "Số ngày nghỉ",
                format!("«{absent}» phải là số nguyên từ 0 đến 366"),
            ));
        }
        Some(n as i32)
    };
    let discipline = discipline_of(discipline).map_err(|m| ("Kỷ luật", m))?;
    Ok(Some(Line {
        facts: YearFacts {
            person_id,
            year,
            rating: r,
            absent_days,
            discipline: discipline.map(|d| d.code().to_string()),
        },
        initiatives: vec![],
    }))
}

fn too_many(errors: Vec<String>) -> AppError {
    let n = errors.len();
    let mut msg = errors
        .into_iter()
        .take(MAX_LISTED)
        .collect::<Vec<_>>()
        .join("; ");
    if n > MAX_LISTED {
        msg.push_str(&format!("; … và {} lỗi khác", n - MAX_LISTED));
    }
    AppError::Invalid(Invalid::new(
        "tep",
        format!("Không ghi gì vì có {n} lỗi: {msg}"),
    ))
}

impl App {
    /// Writes checked lines with the initiatives they name.
    async fn write_lines(
        &self,
        p: &Principal,
        u: &RoundUnitRow,
        people: &HashMap<i64, &RoundPerson>,
        lines: Vec<Line>,
    ) -> AppResult<RatingsImport> {
        let on = reference_date(u.year).min(self.today());
        let mut initiatives = Vec::new();
        for l in &lines {
            let unit_id = people
                .get(&l.facts.person_id)
                .map(|x| x.unit_id)
                .unwrap_or(u.unit_id);
            for t in &l.initiatives {
                initiatives.push(YearInitiative {
                    code: initiative_code(u.year, l.facts.person_id, t),
                    title: t.clone(),
                    person_id: l.facts.person_id,
                    unit_id,
                    recognized_on: on,
                });
            }
        }
        let facts: Vec<YearFacts> = lines.into_iter().map(|l| l.facts).collect();
        let rows = self
            .store
            .put_year_facts(&p.actor(), u.id, &facts, &initiatives, self.today())
            .await?;
        Ok(RatingsImport {
            rows,
            initiatives: initiatives.len(),
        })
    }

    /// One page of the unit's people (by name, optionally filtered by a name fragment) with
    /// what is recorded for the year.
    pub async fn round_people_page(
        &self,
        p: &Principal,
        round_unit_id: i64,
        page: usize,
        per_page: usize,
        q: Option<&str>,
    ) -> AppResult<PeoplePage> {
        let u = self.round_participant(p, round_unit_id).await?;
        let all = self.store.round_people(u.id).await?;
        let histories = self.store.round_histories(u.id).await?;
        let year_of = |id: i64| {
            histories
                .get(&id)
                .and_then(|h| h.ratings.iter().find(|f| f.year == u.year))
                .cloned()
        };
        let mut by_rating: Vec<(TaskRating, usize)> =
            TaskRating::ALL.iter().map(|r| (*r, 0)).collect();
        let mut rated = 0;
        for x in &all {
            if let Some(f) = year_of(x.id) {
                rated += 1;
                if let Some(e) = by_rating.iter_mut().find(|(r, _)| *r == f.rating) {
                    e.1 += 1;
                }
            }
        }
        let key = q.map(fold).filter(|k| !k.is_empty());
        let shown: Vec<&RoundPerson> = all
            .iter()
            .filter(|x| {
                key.as_ref()
                    .is_none_or(|k| fold(&x.full_name).contains(k.as_str()))
            })
            .collect();
        let per_page = per_page.clamp(1, 200);
        let page = page.max(1);
        let people = shown
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|x| ((*x).clone(), year_of(x.id)))
            .collect();
        Ok(PeoplePage {
            people,
            total: shown.len(),
            page,
            per_page,
            rated,
            by_rating,
        })
    }

    /// Ratings entered in the page's grid (one page of people at a time).
    pub async fn put_round_ratings(
        &self,
        p: &Principal,
        round_unit_id: i64,
        input: &[FactsInput],
    ) -> AppResult<RatingsImport> {
        let u = self
            .participant_for(p, round_unit_id, Action::RoundRate)
            .await?;
        let all = self.store.round_people(u.id).await?;
        let people: HashMap<i64, &RoundPerson> = all.iter().map(|x| (x.id, x)).collect();
        let mut errors = Vec::new();
        let mut lines = Vec::new();
        for (i, f) in input.iter().enumerate() {
            let Some(person) = people.get(&f.person_id) else {
                errors.push(format!(
                    "Dòng {}: người #{} không thuộc danh sách bình xét của đơn vị",
                    i + 1,
                    f.person_id
                ));
                continue;
            };
            let absent = f.absent_days.map(|d| d.to_string()).unwrap_or_default();
            match check_line(
                u.year,
                f.person_id,
                &f.rating,
                &absent,
                f.discipline.as_deref().unwrap_or(""),
            ) {
                Ok(Some(mut l)) => {
                    l.initiatives = f
                        .initiatives
                        .iter()
                        .map(|t| tidy(t))
                        .filter(|t| !t.is_empty())
                        .collect();
                    lines.push(l);
                }
                Ok(None) => {}
                Err((col, m)) => errors.push(format!("«{}», cột «{col}»: {m}", person.full_name)),
            }
        }
        if !errors.is_empty() {
            return Err(too_many(errors));
        }
        self.write_lines(p, &u, &people, lines).await
    }

    /// The XLSX template: the unit's people with what is already recorded for the year, and a
    /// sheet of the codes.
    pub async fn round_ratings_template(
        &self,
        p: &Principal,
        round_unit_id: i64,
    ) -> AppResult<Vec<u8>> {
        let u = self
            .participant_for(p, round_unit_id, Action::RoundRate)
            .await?;
        let people = self.store.round_people(u.id).await?;
        let histories = self.store.round_histories(u.id).await?;
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let ws = wb.add_worksheet();
        ws.set_name("Xep loai").map_err(internal)?;
        ws.write_string_with_format(
            0,
            0,
            format!("Đánh giá, xếp loại năm {} — {}", u.year, u.unit_name),
            &bold,
        )
        .map_err(internal)?;
        for (c, h) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, *h, &bold)
                .map_err(internal)?;
        }
        for (i, x) in people.iter().enumerate() {
            let r = 3 + i as u32;
            let facts = histories
                .get(&x.id)
                .and_then(|h| h.ratings.iter().find(|f| f.year == u.year));
            ws.write_number(r, 0, (i + 1) as f64).map_err(internal)?;
            ws.write_number(r, 1, x.id as f64).map_err(internal)?;
            ws.write_string(r, 2, &x.full_name).map_err(internal)?;
            ws.write_string(r, 3, x.cccd.as_deref().unwrap_or(""))
                .map_err(internal)?;
            if let Some(y) = x.birth_year {
                ws.write_number(r, 4, y as f64).map_err(internal)?;
            }
            ws.write_string(r, 5, &x.unit_name).map_err(internal)?;
            ws.write_string(r, 6, x.position.as_deref().unwrap_or(""))
                .map_err(internal)?;
            if let Some(f) = facts {
                ws.write_string(r, 7, f.rating.code().to_uppercase())
                    .map_err(internal)?;
                if let Some(d) = f.absent_days {
                    ws.write_number(r, 8, d as f64).map_err(internal)?;
                }
                if let Some(d) = f
                    .discipline
                    .as_deref()
                    .and_then(|c| Discipline::try_from(c.to_string()).ok())
                {
                    ws.write_string(r, 9, d.label()).map_err(internal)?;
                }
            }
        }
        ws.set_column_width(2, 28).map_err(internal)?;
        ws.set_column_width(5, 30).map_err(internal)?;
        ws.set_column_width(7, 12).map_err(internal)?;
        ws.set_column_width(10, 40).map_err(internal)?;
        let codes = wb.add_worksheet();
        codes.set_name("Ma").map_err(internal)?;
        codes
            .write_string_with_format(0, 0, "Xếp loại", &bold)
            .map_err(internal)?;
        for (i, r) in TaskRating::ALL.iter().enumerate() {
            codes
                .write_string(1 + i as u32, 0, r.code().to_uppercase())
                .map_err(internal)?;
            codes
                .write_string(1 + i as u32, 1, r.label())
                .map_err(internal)?;
        }
        codes
            .write_string_with_format(0, 3, "Kỷ luật", &bold)
            .map_err(internal)?;
        for (i, d) in Discipline::ALL.iter().enumerate() {
            codes
                .write_string(1 + i as u32, 3, d.label())
                .map_err(internal)?;
        }
        codes
            .write_string(
                8,
                0,
                "Sáng kiến: ghi tên các sáng kiến được công nhận cấp cơ sở trong năm, cách nhau bởi dấu chấm phẩy (;).",
            )
            .map_err(internal)?;
        wb.save_to_buffer().map_err(internal)
    }

    /// The personnel office's XLSX: the header row is found by its names; each row names its
    /// person by "Mã cá nhân", else CCCD, else name (and birth year when two share a name).
    /// Errors give the row and column; one error and nothing is written.
    pub async fn import_round_ratings(
        &self,
        p: &Principal,
        round_unit_id: i64,
        bytes: &[u8],
    ) -> AppResult<RatingsImport> {
        let u = self
            .participant_for(p, round_unit_id, Action::RoundRate)
            .await?;
        let rows = crate::history::imports::read_xlsx(bytes)
            .map_err(|m| AppError::Invalid(Invalid::new("tep", m)))?;
        let all = self.store.round_people(u.id).await?;
        let people: HashMap<i64, &RoundPerson> = all.iter().map(|x| (x.id, x)).collect();
        let (head, cols) = header(&rows).ok_or_else(|| {
            Invalid::new(
                "tep",
                "Không thấy dòng tiêu đề có các cột «Họ và tên» và «Xếp loại» trong 10 dòng đầu",
            )
        })?;
        let col = |name: &str| cols.get(name).copied();
        let mut errors = Vec::new();
        let mut lines = Vec::new();
        let mut seen: HashMap<i64, usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate().skip(head + 1) {
            let n = i + 1;
            let cell =
                |c: Option<usize>| c.and_then(|c| row.get(c)).map(|s| s.trim()).unwrap_or("");
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let person = match find(
                &all,
                cell(col("id")),
                cell(col("cccd")),
                cell(col("name")),
                cell(col("birth")),
            ) {
                Ok(x) => x,
                Err((c, m)) => {
                    errors.push(format!("Dòng {n}, cột «{c}»: {m}"));
                    continue;
                }
            };
            if let Some(first) = seen.insert(person.id, n) {
                // The column that named the person again (every error gives row and column).
                let by = if !cell(col("id")).is_empty() {
                    "Mã cá nhân"
                } else if !cell(col("cccd")).is_empty() {
                    "CCCD"
                } else {
                    "Họ và tên"
                };
                errors.push(format!(
                    "Dòng {n}, cột «{by}»: «{}» đã có ở dòng {first}",
                    person.full_name
                ));
                continue;
            }
            match check_line(
                u.year,
                person.id,
                cell(col("rating")),
                cell(col("absent")),
                cell(col("discipline")),
            ) {
                Ok(Some(mut l)) => {
                    l.initiatives = cell(col("initiatives"))
                        .split(';')
                        .map(tidy)
                        .filter(|t| !t.is_empty())
                        .collect();
                    lines.push(l);
                }
                Ok(None) => {}
                Err((c, m)) => errors.push(format!("Dòng {n}, cột «{c}»: {m}")),
            }
        }
        if !errors.is_empty() {
            return Err(too_many(errors));
        }
        if lines.is_empty() {
            return Err(Invalid::new("tep", "Tệp không có dòng xếp loại nào").into());
        }
        self.write_lines(p, &u, &people, lines).await
    }
}

/// The header row (within the first 10) and the column of each field by its name.
fn header(rows: &[Vec<String>]) -> Option<(usize, HashMap<&'static str, usize>)> {
    for (i, row) in rows.iter().enumerate().take(10) {
        let mut cols = HashMap::new();
        for (c, cell) in row.iter().enumerate() {
            let k = fold(cell);
            let field = if k.starts_with("ma ca nhan") || k == "ma" {
                "id"
            } else if k.starts_with("ho va ten") || k == "ho ten" {
                "name"
            } else if k.starts_with("cccd") || k.starts_with("so cccd") {
                "cccd"
            } else if k.starts_with("nam sinh") {
                "birth"
            } else if k.starts_with("xep loai") {
                "rating"
            } else if k.starts_with("so ngay nghi") {
                "absent"
            } else if k.starts_with("ky luat") || k.starts_with("hinh thuc ky luat") {
                "discipline"
            } else if k.starts_with("sang kien") {
                "initiatives"
            } else {
                continue;
            };
            cols.entry(field).or_insert(c);
        }
        if cols.contains_key("name") && cols.contains_key("rating") {
            return Some((i, cols));
        }
    }
    None
}

/// The person a row names, or the column at fault and why.
fn find<'a>(
    people: &'a [RoundPerson],
    id: &str,
    cccd: &str,
    name: &str,
    birth: &str,
) -> Result<&'a RoundPerson, (&'static str, String)> {
    let key = fold(name);
    let check_name = |x: &'a RoundPerson, by: &str| {
        // A wrong code or CCCD must not write onto someone else.
        if !name.is_empty() && fold(&x.full_name) != key {
            Err((
                "Họ và tên",
                format!("{by} là của «{}», không phải «{name}»", x.full_name),
            ))
        } else {
            Ok(x)
        }
    };
    if !id.is_empty() {
        let n: f64 = id
            .parse()
            .map_err(|_| ("Mã cá nhân", format!("«{id}» không phải mã cá nhân")))?;
        let x = people.iter().find(|x| x.id as f64 == n).ok_or_else(|| {
            (
                "Mã cá nhân",
                format!("mã {id} không thuộc danh sách bình xét của đơn vị"),
            )
        })?;
        return check_name(x, &format!("Mã {id}"));
    }
    if !cccd.is_empty() {
        let x = people
            .iter()
            .find(|x| x.cccd.as_deref() == Some(cccd))
            .ok_or_else(|| ("CCCD", format!("không có ai trong đơn vị có CCCD {cccd}")))?;
        return check_name(x, &format!("CCCD {cccd}"));
    }
    if key.is_empty() {
        return Err(("Họ và tên", "cần ghi họ tên, mã cá nhân hoặc CCCD".into()));
    }
    let mut found: Vec<&RoundPerson> = people
        .iter()
        .filter(|x| fold(&x.full_name) == key)
        .collect();
    if found.len() > 1 && !birth.is_empty() {
        let y: Option<i32> = birth.split('.').next().and_then(|b| b.trim().parse().ok());
        found.retain(|x| x.birth_year == y);
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err((
            "Họ và tên",
            format!("không có «{name}» trong danh sách bình xét của đơn vị"),
        )),
        _ => Err((
            "Họ và tên",
            format!(
                "có {} người tên «{name}»; cần ghi mã cá nhân hoặc CCCD",
                found.len()
            ),
        )),
    }
}
