//! Registration (đăng ký thi đua): a targeted unit names the collective titles it strives for
//! and its people's individual titles, by form or XLSX (checked row by row, all or nothing),
//! until the round's deadline; every version is kept. The board sees who registered, who is
//! late, who is missing, and the totals by title. Over 600 lines: the form, the XLSX import and
//! its template check the same rules (titles, subjects, one line each) and belong together.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tdkt_domain::access::Action;
use tdkt_domain::eligibility::AwardKind;
use tdkt_domain::movement::progress::{Timeliness, timeliness};
use tdkt_domain::movement::{RegistrationSource, Subject};
use tdkt_domain::text::{fold, tidy};
use tdkt_store::*;
use time::Date;

use super::invalid;
use crate::history::imports::{find_person, read_xlsx};
use crate::{App, AppError, AppResult, Principal};

/// The most lines one registration may hold (a unit of 2 000 people and its collectives).
const MAX_LINES: usize = 5000;

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RegistrationLineInput {
    /// A person of the registering unit's subtree …
    #[serde(default)]
    pub person_id: Option<i64>,
    /// … or a collective (the unit itself or a unit below it).
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// Catalog code of an emulation title.
    pub award_code: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RegistrationInput {
    pub year: i32,
    #[serde(default)]
    pub note: Option<String>,
    pub lines: Vec<RegistrationLineInput>,
}

/// What the registration page of a unit shows.
pub struct RegistrationPage {
    pub movement: MovementRow,
    pub unit: UnitRow,
    pub year: i32,
    pub deadline: Date,
    pub current: Option<RegistrationRow>,
    pub versions: Vec<RegistrationRow>,
    pub staff: Vec<PersonRow>,
    /// Titles that may be registered: (code, name, subject).
    pub titles: Vec<(String, String, Subject)>,
    pub may_register: bool,
}

/// A targeted unit's standing in the overview.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrationStanding {
    pub unit_id: i64,
    pub unit_name: String,
    #[schema(value_type = String)]
    pub status: Timeliness,
    #[schema(value_type = Option<String>)]
    pub first_on: Option<Date>,
    pub version: Option<i32>,
    pub lines: i64,
}

/// The board's view of a registration round.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrationOverview {
    pub movement_id: i64,
    pub year: i32,
    #[schema(value_type = String)]
    pub deadline: Date,
    pub units: Vec<RegistrationStanding>,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub open: usize,
    /// (subject, award code, award name, count)
    pub totals: Vec<(String, String, String, i64)>,
}

impl App {
    /// The deadline of a year's registration round: the movement's own date for its first
    /// year, else the configured day of that year.
    pub fn registration_deadline(&self, m: &MovementRow, year: i32) -> Date {
        if let Some(d) = m.registration_due_on.filter(|d| d.year() == year) {
            return d;
        }
        let (month, day) = self.settings.registration_deadline;
        time::Month::try_from(month)
            .ok()
            .and_then(|mo| Date::from_calendar_date(year, mo, day).ok())
            .unwrap_or_else(|| tdkt_domain::dates::ymd(year, 3, 31))
    }

    /// Emulation titles for a subject (the catalog's and the authority's own).
    async fn registrable_titles(&self) -> AppResult<Vec<(String, String, Subject)>> {
        let local = self.store.local_award_kinds().await?;
        let mut out = Vec::new();
        let subjects = |s: &[String]| {
            let mut v = vec![];
            if s.iter().any(|x| x == "tap_the") {
                v.push(Subject::Collective);
            }
            if s.iter().any(|x| x == "ca_nhan") {
                v.push(Subject::Individual);
            }
            v
        };
        for a in &self.rules.catalog.awards {
            if a.kind == AwardKind::Title {
                for s in subjects(&a.subject) {
                    out.push((a.code.clone(), a.name.clone(), s));
                }
            }
        }
        for k in &local {
            if k.kind == AwardKind::Title {
                for s in subjects(&k.subjects) {
                    out.push((k.code.clone(), k.name.clone(), s));
                }
            }
        }
        Ok(out)
    }

    /// Checks that a unit is one the movement targets and the movement takes registrations.
    async fn open_for(&self, m: &MovementRow, unit_id: i64, what: &str) -> AppResult<TargetRow> {
        if !m.state.is_open() {
            return Err(AppError::Conflict(format!(
                "Phong trào đang ở trạng thái «{}»: không nhận {what}",
                m.state.label()
            )));
        }
        self.store
            .movement_targets(m.id)
            .await?
            .into_iter()
            .find(|t| t.unit_id == unit_id)
            .ok_or_else(|| {
                invalid(
                    "unit_id",
                    format!("Đơn vị không thuộc đối tượng của phong trào «{}»", m.name),
                )
            })
    }

    fn check_year(m: &MovementRow, year: i32) -> AppResult<()> {
        if year < m.starts_on.year() || year > m.ends_on.year() {
            return Err(invalid(
                "year",
                format!(
                    "Phong trào diễn ra từ {} đến {}: không đăng ký cho năm {year}",
                    tdkt_domain::dates::vn(m.starts_on),
                    tdkt_domain::dates::vn(m.ends_on)
                ),
            ));
        }
        Ok(())
    }

    pub async fn registration_page(
        &self,
        p: &Principal,
        movement_id: i64,
        unit_id: i64,
        year: i32,
    ) -> AppResult<RegistrationPage> {
        let movement = self.movement(p, movement_id).await?;
        self.authorize(p, Action::MovementFollow, unit_id).await?;
        let unit = self.store.unit(unit_id).await?;
        let may_register = self.may(p, Action::MovementRegister, unit_id).await?;
        Ok(RegistrationPage {
            deadline: self.registration_deadline(&movement, year),
            current: self.store.registration(movement_id, unit_id, year).await?,
            versions: self
                .store
                .registration_versions(movement_id, unit_id, year)
                .await?,
            staff: if may_register {
                self.unit_staff(unit_id).await?
            } else {
                vec![]
            },
            titles: self.registrable_titles().await?,
            may_register,
            movement,
            unit,
            year,
        })
    }

    /// Saves a new version of a unit's registration from a form or the API.
    pub async fn register(
        &self,
        p: &Principal,
        movement_id: i64,
        unit_id: i64,
        input: &RegistrationInput,
    ) -> AppResult<RegistrationRow> {
        let (m, staff) = self
            .registration_ground(p, movement_id, unit_id, input.year)
            .await?;
        let titles = self.registrable_titles().await?;
        let subtree: HashSet<i64> = self
            .store
            .subtree_units(unit_id, self.today())
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let staff_ids: HashSet<i64> = staff.iter().map(|s| s.id).collect();
        if input.lines.is_empty() {
            return Err(invalid("lines", "Cần đăng ký ít nhất một danh hiệu"));
        }
        if input.lines.len() > MAX_LINES {
            return Err(invalid(
                "lines",
                format!("Một bản đăng ký có tối đa {MAX_LINES} dòng"),
            ));
        }
        let mut lines = Vec::with_capacity(input.lines.len());
        let mut seen: HashMap<(Option<i64>, Option<i64>, String), usize> = HashMap::new();
        for (i, l) in input.lines.iter().enumerate() {
            let field = |k: &str| format!("lines[{i}].{k}");
            let code = l.award_code.trim();
            let subject = match (l.person_id, l.unit_id) {
                (Some(pid), None) => {
                    if !staff_ids.contains(&pid) {
                        return Err(invalid(
                            field("person_id"),
                            format!("Dòng {}: cá nhân mã số {pid} không thuộc đơn vị", i + 1),
                        ));
                    }
                    Subject::Individual
                }
                (None, Some(uid)) => {
                    if !subtree.contains(&uid) {
                        return Err(invalid(
                            field("unit_id"),
                            format!("Dòng {}: tập thể mã số {uid} không thuộc đơn vị", i + 1),
                        ));
                    }
                    Subject::Collective
                }
                _ => {
                    return Err(invalid(
                        field("person_id"),
                        format!("Dòng {}: chọn một cá nhân hoặc một tập thể", i + 1),
                    ));
                }
            };
            check_title(&titles, code, subject)
                .map_err(|m| invalid(field("award_code"), format!("Dòng {}: {m}", i + 1)))?;
            if let Some(first) = seen.insert((l.person_id, l.unit_id, code.to_string()), i + 1) {
                return Err(invalid(
                    field("award_code"),
                    format!(
                        "Dòng {}: cùng cá nhân (tập thể) và cùng danh hiệu đã có ở dòng {first}",
                        i + 1
                    ),
                ));
            }
            lines.push(RegistrationLine {
                person_id: l.person_id,
                unit_id: l.unit_id,
                award_code: code.to_string(),
            });
        }
        self.save(
            p,
            &m,
            unit_id,
            input.year,
            &input.note,
            RegistrationSource::Form,
            lines,
        )
        .await
    }

    /// Saves a new version from the first sheet of an XLSX workbook with the header
    /// `doi_tuong, ho_ten, cccd, ma_don_vi, danh_hieu` (the template). Rows without a title are
    /// skipped; every other row is checked before anything is written, and an error names the
    /// row and the column.
    pub async fn register_from_xlsx(
        &self,
        p: &Principal,
        movement_id: i64,
        unit_id: i64,
        year: i32,
        bytes: &[u8],
    ) -> AppResult<RegistrationRow> {
        // Rights and the round first: a caller who may not register learns nothing of the file.
        let (m, staff) = self
            .registration_ground(p, movement_id, unit_id, year)
            .await?;
        let rows = read_xlsx(bytes).map_err(|m| invalid("tep", m))?;
        let titles = self.registrable_titles().await?;
        let units: HashMap<String, i64> = self
            .store
            .subtree_units(unit_id, self.today())
            .await?
            .into_iter()
            .map(|u| (u.code, u.id))
            .collect();
        let err = |row: usize, col: &str, msg: String| {
            AppError::Invalid(tdkt_domain::Invalid::new(
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
        let (Some(c_kind), Some(c_title)) = (col("doi_tuong"), col("danh_hieu")) else {
            return Err(err(
                1,
                "tieu_de",
                "cần các cột doi_tuong, ho_ten, cccd, ma_don_vi, danh_hieu (tải mẫu về để điền)"
                    .into(),
            ));
        };
        let (c_name, c_cccd, c_unit) = (col("ho_ten"), col("cccd"), col("ma_don_vi"));
        let mut lines = Vec::new();
        let mut seen: HashMap<(Option<i64>, Option<i64>, String), usize> = HashMap::new();
        for (i, rec) in it.enumerate() {
            let row = i + 2;
            let cell =
                |c: Option<usize>| c.and_then(|c| rec.get(c)).map(|s| s.trim()).unwrap_or("");
            let title = cell(Some(c_title));
            if title.is_empty() {
                continue;
            }
            let kind = fold(cell(Some(c_kind))).replace(' ', "_");
            let (person_id, collective, subject) = match kind.as_str() {
                "ca_nhan" => {
                    let x = find_person(&staff, cell(c_name), cell(c_cccd))
                        .map_err(|(c, m)| err(row, c, m))?;
                    (Some(x.id), None, Subject::Individual)
                }
                "tap_the" => {
                    let code = cell(c_unit);
                    let uid = if code.is_empty() {
                        unit_id
                    } else {
                        *units.get(code).ok_or_else(|| {
                            err(
                                row,
                                "ma_don_vi",
                                format!("không có đơn vị mã «{code}» trong đơn vị"),
                            )
                        })?
                    };
                    (None, Some(uid), Subject::Collective)
                }
                _ => {
                    return Err(err(
                        row,
                        "doi_tuong",
                        format!("«{}» không phải ca_nhan hoặc tap_the", cell(Some(c_kind))),
                    ));
                }
            };
            // A title may be written by its code or its name.
            let code = titles
                .iter()
                .find(|(c, n, _)| c == title || fold(n) == fold(title))
                .map(|(c, _, _)| c.clone())
                .unwrap_or_else(|| title.to_string());
            check_title(&titles, &code, subject).map_err(|m| err(row, "danh_hieu", m))?;
            if let Some(first) = seen.insert((person_id, collective, code.clone()), row) {
                return Err(err(
                    row,
                    "danh_hieu",
                    format!("cùng đối tượng và cùng danh hiệu đã có ở dòng {first}"),
                ));
            }
            lines.push(RegistrationLine {
                person_id,
                unit_id: collective,
                award_code: code,
            });
            if lines.len() > MAX_LINES {
                return Err(err(
                    row,
                    "dong",
                    format!("một bản đăng ký có tối đa {MAX_LINES} dòng"),
                ));
            }
        }
        if lines.is_empty() {
            return Err(err(
                2,
                "danh_hieu",
                "tệp không có dòng nào ghi danh hiệu".into(),
            ));
        }
        self.save(
            p,
            &m,
            unit_id,
            year,
            &None,
            RegistrationSource::Spreadsheet,
            lines,
        )
        .await
    }

    /// The movement, checks common to both ways of registering, and the unit's staff.
    async fn registration_ground(
        &self,
        p: &Principal,
        movement_id: i64,
        unit_id: i64,
        year: i32,
    ) -> AppResult<(MovementRow, Vec<PersonRow>)> {
        let m = self.movement(p, movement_id).await?;
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::MovementRegister, unit_id).await?;
        self.open_for(&m, unit_id, "đăng ký").await?;
        Self::check_year(&m, year)?;
        // After the deadline a unit that never registered may still do so (it shows as
        // late); amending is closed then, except for the board that runs the movement.
        let deadline = self.registration_deadline(&m, year);
        if self.today() > deadline
            && self
                .store
                .registration(m.id, unit_id, year)
                .await?
                .is_some()
            && !self.may(p, Action::MovementManage, m.authority_id).await?
        {
            return Err(AppError::Conflict(format!(
                "Đã hết hạn đăng ký thi đua năm {year} ({}): không sửa bản đăng ký được nữa; liên hệ Ban Thi đua - Khen thưởng",
                tdkt_domain::dates::vn(deadline)
            )));
        }
        let staff = self.unit_staff(unit_id).await?;
        Ok((m, staff))
    }

    #[allow(clippy::too_many_arguments)]
    async fn save(
        &self,
        p: &Principal,
        m: &MovementRow,
        unit_id: i64,
        year: i32,
        note: &Option<String>,
        source: RegistrationSource,
        lines: Vec<RegistrationLine>,
    ) -> AppResult<RegistrationRow> {
        Ok(self
            .store
            .save_registration(
                &p.actor(),
                &NewRegistration {
                    movement_id: m.id,
                    unit_id,
                    year,
                    source,
                    note: note.as_deref().map(tidy).filter(|n| !n.is_empty()),
                    lines,
                    by: Some(p.user_id),
                    on: self.today(),
                },
            )
            .await?)
    }

    /// The XLSX template of a unit's registration: a collective row for the unit and one row
    /// per person of its staff, the title column left to fill; a second sheet lists the titles.
    pub async fn registration_template(
        &self,
        p: &Principal,
        movement_id: i64,
        unit_id: i64,
    ) -> AppResult<Vec<u8>> {
        let m = self.movement(p, movement_id).await?;
        self.authorize(p, Action::MovementRegister, unit_id).await?;
        let unit = self.store.unit(unit_id).await?;
        self.open_for(&m, unit_id, "đăng ký").await?;
        let staff = self.unit_staff(unit_id).await?;
        let titles = self.registrable_titles().await?;
        let x = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("XLSX: {e}"));
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let ws = wb.add_worksheet();
        ws.set_name("Dang ky").map_err(x)?;
        for (c, h) in ["doi_tuong", "ho_ten", "cccd", "ma_don_vi", "danh_hieu"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(x)?;
        }
        ws.write_string(1, 0, "tap_the").map_err(x)?;
        ws.write_string(1, 1, &unit.name).map_err(x)?;
        ws.write_string(1, 3, &unit.code).map_err(x)?;
        for (i, person) in staff.iter().enumerate() {
            let r = (i + 2) as u32;
            ws.write_string(r, 0, "ca_nhan").map_err(x)?;
            ws.write_string(r, 1, &person.full_name).map_err(x)?;
            if let Some(c) = &person.cccd {
                ws.write_string(r, 2, c).map_err(x)?;
            }
        }
        ws.set_column_width(1, 32).map_err(x)?;
        ws.set_column_width(4, 36).map_err(x)?;
        let list = wb.add_worksheet();
        list.set_name("Danh hieu").map_err(x)?;
        for (c, h) in ["ma", "ten", "doi_tuong"].iter().enumerate() {
            list.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(x)?;
        }
        for (i, (code, name, s)) in titles.iter().enumerate() {
            let r = (i + 1) as u32;
            list.write_string(r, 0, code).map_err(x)?;
            list.write_string(r, 1, name).map_err(x)?;
            list.write_string(r, 2, s.code()).map_err(x)?;
        }
        list.write_string(
            (titles.len() + 2) as u32,
            0,
            format!("Phong trào: {}", m.name),
        )
        .map_err(x)?;
        wb.save_to_buffer().map_err(x)
    }

    /// Who has registered for a year, who is late, who is missing, and the totals by title.
    pub async fn registration_overview(
        &self,
        p: &Principal,
        movement_id: i64,
        year: i32,
    ) -> AppResult<RegistrationOverview> {
        let m = self.movement(p, movement_id).await?;
        Self::check_year(&m, year)?;
        let targets = self.followed_targets(p, &m).await?;
        let names: HashMap<i64, &TargetRow> = targets.iter().map(|t| (t.unit_id, t)).collect();
        let deadline = self.registration_deadline(&m, year);
        let today = self.today();
        let local = self.store.local_award_kinds().await?;
        let mut o = RegistrationOverview {
            movement_id,
            year,
            deadline,
            units: vec![],
            on_time: 0,
            late: 0,
            missing: 0,
            open: 0,
            totals: vec![],
        };
        let all = self.store.registration_overview(movement_id, year).await?;
        // Totals over what the caller follows: the store's sums when that is every target,
        // else the followed units' current registrations added up here.
        let totals = if targets.len() == all.len() {
            self.store.registration_totals(movement_id, year).await?
        } else {
            let mut sums: std::collections::BTreeMap<(Subject, String), i64> = Default::default();
            for r in all
                .iter()
                .filter(|r| names.contains_key(&r.unit_id) && r.version.is_some())
            {
                if let Some(reg) = self
                    .store
                    .registration(movement_id, r.unit_id, year)
                    .await?
                {
                    for l in reg.lines {
                        *sums.entry((l.subject, l.award_code)).or_default() += 1;
                    }
                }
            }
            sums.into_iter()
                .map(|((subject, award_code), count)| RegistrationTotal {
                    subject,
                    award_code,
                    count,
                })
                .collect()
        };
        o.totals = totals
            .into_iter()
            .map(|t| {
                (
                    t.subject.code().to_string(),
                    t.award_code.clone(),
                    self.award_name(&local, &t.award_code),
                    t.count,
                )
            })
            .collect();
        for r in all {
            let Some(t) = names.get(&r.unit_id) else {
                continue;
            };
            let status = timeliness(deadline, r.first_on, today);
            match status {
                Timeliness::OnTime => o.on_time += 1,
                Timeliness::Late => o.late += 1,
                Timeliness::Missing => o.missing += 1,
                Timeliness::Open => o.open += 1,
            }
            o.units.push(RegistrationStanding {
                unit_id: r.unit_id,
                unit_name: t.name.clone(),
                status,
                first_on: r.first_on,
                version: r.version,
                lines: r.lines,
            });
        }
        Ok(o)
    }
}

/// A registered title must be an emulation title meant for the subject.
fn check_title(
    titles: &[(String, String, Subject)],
    code: &str,
    subject: Subject,
) -> Result<(), String> {
    if titles.iter().any(|(c, _, s)| c == code && *s == subject) {
        return Ok(());
    }
    if titles.iter().any(|(c, _, _)| c == code) {
        return Err(format!(
            "«{code}» không phải danh hiệu dành cho {}",
            subject.label().to_lowercase()
        ));
    }
    Err(format!(
        "«{code}» không phải danh hiệu thi đua trong danh mục (đăng ký thi đua chỉ ghi danh hiệu)"
    ))
}
