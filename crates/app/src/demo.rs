//! The demo dataset (data/demo/, embedded in the binary): today's 34 provincial units and the
//! 63 before 1 July 2025 with their merger as lineage, Hậu Giang's districts, a few departments
//! and fictional people per province, the four clusters of the seed articles, and one account
//! per role.

use std::collections::HashMap;

use serde::Deserialize;
use tdkt_domain::access::Role;
use tdkt_domain::cluster::{ClusterKind, MemberRole};
use tdkt_domain::dates::parse_iso;
use tdkt_domain::person::{Birth, Gender, TaskRating};
use tdkt_domain::text::fold;
use tdkt_domain::unit::{LineageKind, UnitKind};
use tdkt_store::*;
use time::macros::date;

use crate::accounts::UserInput;
use crate::{App, AppError, AppResult};

const PROVINCES: &str = include_str!("../../../data/demo/provinces-2025.csv");
const DISTRICTS: &str = include_str!("../../../data/demo/districts.csv");
const PEOPLE: &str = include_str!("../../../data/demo/people.csv");
const CLUSTERS: &str = include_str!("../../../data/demo/clusters.toml");

/// Every demo account has this password (printed by `tdkt demo`).
pub const DEMO_PASSWORD: &str = "Tdkt@2025";

const MERGER_DATE: time::Date = date!(2025 - 07 - 01);
const MERGER_BASIS: &str = "Nghị quyết 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh";
/// Provincial units that were centrally-run cities before 2025.
const OLD_CITIES: &[&str] = &["Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"];
/// The departments every current province gets: (code suffix, name, parent suffix, kind).
const DEPARTMENTS: &[(&str, &str, Option<&str>, UnitKind)] = &[
    ("so_noi_vu", "Sở Nội vụ", None, UnitKind::Department),
    (
        "ban_tdkt",
        "Ban Thi đua - Khen thưởng",
        Some("so_noi_vu"),
        UnitKind::Agency,
    ),
    ("so_tai_chinh", "Sở Tài chính", None, UnitKind::Department),
    (
        "so_gd_dt",
        "Sở Giáo dục và Đào tạo",
        None,
        UnitKind::Department,
    ),
    ("so_y_te", "Sở Y tế", None, UnitKind::Department),
];

/// The demo accounts: (user name, display name, role, unit code).
pub const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    ("quantri", "Quản trị hệ thống", Role::Admin, "vn"),
    (
        "chuyenvien",
        "Chuyên viên Ban TĐKT Cần Thơ",
        Role::BoardSpecialist,
        "can_tho",
    ),
    (
        "lanhdao",
        "Lãnh đạo Sở Nội vụ Cần Thơ",
        Role::BoardLeader,
        "can_tho",
    ),
    (
        "hoidong",
        "Thành viên Hội đồng TĐKT Cần Thơ",
        Role::CouncilMember,
        "can_tho",
    ),
    (
        "hoidong2",
        "Thành viên Hội đồng TĐKT Cần Thơ (2)",
        Role::CouncilMember,
        "can_tho",
    ),
    (
        "hoidong3",
        "Thành viên Hội đồng TĐKT Cần Thơ (3)",
        Role::CouncilMember,
        "can_tho",
    ),
    (
        "canbo",
        "Cán bộ Sở Nội vụ Cần Thơ",
        Role::UnitClerk,
        "can_tho.so_noi_vu",
    ),
    (
        "cumthidua",
        "Cán bộ cụm thi đua (Lâm Đồng)",
        Role::ClusterOfficer,
        "lam_dong",
    ),
    ("nguoixem", "Người xem (Cần Thơ)", Role::Viewer, "can_tho"),
];

/// What was loaded.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub units: usize,
    pub lineage_events: usize,
    pub people: usize,
    pub clusters: usize,
    pub accounts: usize,
    pub dossiers: usize,
    pub movements: usize,
    /// The 2025 year-end round of Cần Thơ (data/demo/rounds.toml): units taking part, rating
    /// rows imported, the units' own decisions, dossiers sent up, awardees of the city's one
    /// decision over them.
    pub round_units: usize,
    pub round_rated: usize,
    pub round_decisions: usize,
    pub round_dossiers: usize,
    pub batch_awardees: usize,
}

/// The accounts of the year-end round (a clerk, a head and the council of each unit taking
/// part): (user name, display name, role code, unit code).
pub fn round_accounts() -> Vec<(String, String, &'static str, String)> {
    crate::demo_rounds::accounts()
}

fn slug(name: &str) -> String {
    fold(name).replace(' ', "_")
}

fn bad(file: &str, line: usize, what: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("dữ liệu demo {file}, dòng {line}: {what}"))
}

fn province_name(kind: UnitKind, short: &str) -> String {
    match kind {
        UnitKind::City => format!("Thành phố {short}"),
        _ => format!("Tỉnh {short}"),
    }
}

struct Loader<'a> {
    app: &'a App,
    actor: Actor,
    report: DemoReport,
}

impl Loader<'_> {
    async fn unit(&mut self, new: NewUnit) -> AppResult<UnitRow> {
        self.report.units += 1;
        Ok(self.app.store.create_unit(&self.actor, new).await?)
    }
}

fn unit(code: String, kind: UnitKind, name: String, short: Option<&str>, parent: i64) -> NewUnit {
    NewUnit {
        code,
        kind,
        name,
        short_name: short.map(str::to_string),
        parent_id: Some(parent),
        valid_from: None,
        valid_to: None,
        note: None,
        illustrative: false,
    }
}

#[derive(Deserialize)]
struct ClusterFile {
    cluster: Vec<ClusterToml>,
}

#[derive(Deserialize)]
struct ClusterToml {
    code: String,
    name: String,
    kind: String,
    organiser: String,
    organiser_unit: String,
    #[serde(default)]
    supervisor: String,
    source: String,
    note: String,
    year: Vec<ClusterYearToml>,
}

#[derive(Deserialize)]
struct ClusterYearToml {
    year: i32,
    members: Vec<String>,
    illustrative_members: Vec<String>,
    leader: String,
    deputies: Vec<String>,
    illustrative_roles: bool,
    note: String,
}

/// Loads the demo into an empty store.
pub async fn load(app: &App) -> AppResult<DemoReport> {
    let mut l = Loader {
        app,
        actor: Actor::system("demo"),
        report: DemoReport::default(),
    };
    let vn = app.ensure_root().await?;
    l.report.units += 1;
    let council = l
        .unit(unit(
            "hdtdkt_tw".into(),
            UnitKind::Agency,
            "Hội đồng Thi đua - Khen thưởng Trung ương".into(),
            Some("Hội đồng TĐKT Trung ương"),
            vn.id,
        ))
        .await?;

    // Provinces: the 63 before the merger, then the successors formed by it.
    let mut rows = Vec::new();
    let mut csv = csv::Reader::from_reader(PROVINCES.as_bytes());
    for (i, rec) in csv.records().enumerate() {
        let rec = rec.map_err(|e| bad("provinces-2025.csv", i + 2, e))?;
        let kind = UnitKind::parse(
            "kind",
            match &rec[1] {
                "thanh_pho" => "thanh_pho",
                _ => "tinh",
            },
        )?;
        let preds: Vec<String> = rec[2].split(';').map(|s| s.trim().to_string()).collect();
        rows.push((rec[0].to_string(), kind, preds));
    }
    // Pre-2025 name → unit id; current name → unit id.
    let mut old: HashMap<String, i64> = HashMap::new();
    let mut current: HashMap<String, i64> = HashMap::new();
    for (succ, kind, preds) in &rows {
        let merged = preds.len() > 1;
        for p in preds {
            let p_kind = if OLD_CITIES.contains(&p.as_str()) {
                UnitKind::City
            } else {
                UnitKind::Province
            };
            let code = if merged && slug(p) == slug(succ) {
                format!("{}_cu", slug(p))
            } else {
                slug(succ_if_single(p, succ, merged))
            };
            let u = l
                .unit(unit(code, p_kind, province_name(p_kind, p), Some(p), vn.id))
                .await?;
            old.insert(p.clone(), u.id);
            if !merged {
                current.insert(succ.clone(), u.id);
                if p != succ {
                    // Thừa Thiên Huế became the centrally-run city of Huế on 2025-01-01.
                    app.store
                        .update_unit(
                            &l.actor,
                            u.id,
                            UnitChanges {
                                kind: *kind,
                                name: province_name(*kind, succ),
                                short_name: Some(succ.clone()),
                                parent_id: Some(vn.id),
                                valid_to: None,
                                note: Some(format!(
                                    "Trước 01/01/2025 là {}",
                                    province_name(p_kind, p)
                                )),
                                effective: date!(2025 - 01 - 01),
                            },
                        )
                        .await?;
                    app.store
                        .create_lineage_event(
                            &l.actor,
                            NewLineageEvent {
                                kind: LineageKind::Rename,
                                date: date!(2025 - 01 - 01),
                                from: vec![u.id],
                                to: vec![u.id],
                                legal_basis: Some(
                                    "Nghị quyết 1314/NQ-UBTVQH15 (cần kiểm tra)".into(),
                                ),
                                note: Some(format!(
                                    "{} trở thành {}",
                                    province_name(p_kind, p),
                                    province_name(*kind, succ)
                                )),
                            },
                        )
                        .await?;
                    l.report.lineage_events += 1;
                }
            }
        }
    }
    for (succ, kind, preds) in rows.iter().filter(|(_, _, p)| p.len() > 1) {
        let mut new = unit(
            slug(succ),
            *kind,
            province_name(*kind, succ),
            Some(succ),
            vn.id,
        );
        new.valid_from = Some(MERGER_DATE);
        let u = l.unit(new).await?;
        current.insert(succ.clone(), u.id);
        app.store
            .create_lineage_event(
                &l.actor,
                NewLineageEvent {
                    kind: LineageKind::Merge,
                    date: MERGER_DATE,
                    from: preds.iter().map(|p| old[p]).collect(),
                    to: vec![u.id],
                    legal_basis: Some(MERGER_BASIS.into()),
                    note: Some(format!(
                        "Sáp nhập {} thành {}",
                        preds.join(", "),
                        province_name(*kind, succ)
                    )),
                },
            )
            .await?;
        l.report.lineage_events += 1;
    }

    // Hậu Giang's districts, abolished with the district level on 2025-07-01.
    let mut districts: HashMap<String, i64> = HashMap::new();
    let mut csv = csv::Reader::from_reader(DISTRICTS.as_bytes());
    for (i, rec) in csv.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad("districts.csv", line, e))?;
        let parent = *old.get(&rec[4]).ok_or_else(|| {
            bad(
                "districts.csv",
                line,
                format!("không có tỉnh «{}»", &rec[4]),
            )
        })?;
        let mut new = unit(
            rec[0].to_string(),
            UnitKind::parse("kind", &rec[3])?,
            rec[1].to_string(),
            Some(&rec[2]),
            parent,
        );
        new.valid_from = Some(parse_iso("valid_from", &rec[5])?);
        new.valid_to = Some(parse_iso("valid_to", &rec[6])?);
        new.note = Some("Cấp huyện chấm dứt hoạt động từ 01/07/2025 (Nghị quyết 202/2025/QH15 và Luật Tổ chức chính quyền địa phương 2025)".into());
        let u = l.unit(new).await?;
        districts.insert(rec[2].to_string(), u.id);
    }

    // A few departments in each current province.
    let mut names: Vec<(&String, &UnitKind)> = rows.iter().map(|(s, k, _)| (s, k)).collect();
    names.sort();
    for (succ, kind) in names {
        let prov = current[succ];
        let merged = rows.iter().any(|(s, _, p)| s == succ && p.len() > 1);
        let mut ids: HashMap<&str, i64> = HashMap::new();
        for (suffix, name, parent, dkind) in DEPARTMENTS {
            let parent_id = parent.map(|p| ids[p]).unwrap_or(prov);
            let place = match kind {
                UnitKind::City => format!("thành phố {succ}"),
                _ => format!("tỉnh {succ}"),
            };
            let mut new = unit(
                format!("{}.{suffix}", slug(succ)),
                *dkind,
                format!("{name} {place}"),
                Some(name),
                parent_id,
            );
            if merged {
                new.valid_from = Some(MERGER_DATE);
            }
            ids.insert(suffix, l.unit(new).await?.id);
        }
    }

    // Fictional people with their yearly ratings.
    let mut csv = csv::Reader::from_reader(PEOPLE.as_bytes());
    for (i, rec) in csv.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad("people.csv", line, e))?;
        let dept = DEPARTMENTS.iter().find(|d| d.1 == &rec[5]).ok_or_else(|| {
            bad(
                "people.csv",
                line,
                format!("không có phòng ban «{}»", &rec[5]),
            )
        })?;
        let unit = app
            .store
            .unit_by_code(&format!("{}.{}", slug(&rec[4]), dept.0))
            .await?;
        let gender = Gender::parse("gender", &rec[1])?;
        let birth = if rec[2].is_empty() {
            None
        } else {
            Some(Birth::parse(&rec[2], crate::today())?)
        };
        let ratings = rec[8]
            .split(';')
            .filter(|s| !s.is_empty())
            .map(|pair| {
                let (y, r) = pair
                    .split_once(':')
                    .ok_or_else(|| bad("people.csv", line, format!("xếp loại «{pair}»")))?;
                Ok(RatingRow {
                    year: y
                        .parse()
                        .map_err(|_| bad("people.csv", line, format!("năm «{y}»")))?,
                    rating: TaskRating::parse("ratings", r)?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        app.store
            .create_person(
                &l.actor,
                NewPerson {
                    full_name: rec[0].to_string(),
                    gender,
                    birth,
                    cccd: Some(rec[3].to_string()).filter(|s| !s.is_empty()),
                    unit_id: unit.id,
                    position: Some(rec[6].to_string()).filter(|s| !s.is_empty()),
                    position_since: parse_iso("position_since", &rec[7])?,
                    illustrative: true,
                    ratings,
                },
            )
            .await?;
        l.report.people += 1;
    }

    // The four clusters of the seed articles; members are the units as they were that year.
    let file: ClusterFile = toml::from_str(CLUSTERS)
        .map_err(|e| AppError::Internal(format!("dữ liệu demo clusters.toml: {e}")))?;
    for c in file.cluster {
        let find = |name: &str| -> AppResult<i64> {
            old.get(name)
                .or_else(|| districts.get(name))
                .copied()
                .ok_or_else(|| {
                    AppError::Internal(format!(
                        "dữ liệu demo clusters.toml, cụm {}: không có đơn vị «{name}»",
                        c.code
                    ))
                })
        };
        let mut years = Vec::new();
        for y in &c.year {
            let mut members = Vec::new();
            for m in &y.members {
                let role = if *m == y.leader {
                    MemberRole::Leader
                } else if y.deputies.contains(m) {
                    MemberRole::Deputy
                } else {
                    MemberRole::Member
                };
                members.push((find(m)?, role, y.illustrative_members.contains(m)));
            }
            years.push(NewClusterYear {
                year: y.year,
                note: Some(y.note.clone()),
                roles_illustrative: y.illustrative_roles,
                members,
            });
        }
        let organiser_unit_id = if c.organiser_unit.is_empty() {
            Some(council.id)
        } else {
            Some(find(&c.organiser_unit)?)
        };
        app.store
            .create_cluster(
                &l.actor,
                NewCluster {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    kind: ClusterKind::parse("kind", &c.kind)?,
                    organiser: c.organiser.clone(),
                    organiser_unit_id,
                    supervisor: Some(c.supervisor.clone()).filter(|s| !s.is_empty()),
                    source: Some(c.source.clone()),
                    note: Some(c.note.clone()),
                    years,
                },
            )
            .await?;
        l.report.clusters += 1;
    }

    let mut admin = None;
    for (username, display, role, unit) in ACCOUNTS {
        let user = app
            .create_user(
                None,
                UserInput {
                    username: username.to_string(),
                    display_name: display.to_string(),
                    password: DEMO_PASSWORD.into(),
                    grants: vec![(role.code().to_string(), unit.to_string())],
                },
            )
            .await?;
        if *role == Role::Admin && admin.is_none() {
            admin = Some(crate::Principal {
                user_id: user.id,
                username: user.username.clone(),
                display_name: user.display_name.clone(),
                grants: app.store.user_grants(user.id).await?,
                csrf_token: None,
            });
        }
        l.report.accounts += 1;
    }

    // Two conferences of the seeds, replayed through the use cases by the demo administrator.
    let admin =
        admin.ok_or_else(|| AppError::Internal("dữ liệu demo thiếu tài khoản quản trị".into()))?;
    crate::demo_conference::replay_seed_003(app, &admin).await?;
    crate::demo_conference::replay_seed_000(app, &admin).await?;
    let so_noi_vu = app.store.unit_by_code("can_tho.so_noi_vu").await?.id;
    l.report.dossiers = crate::demo_dossiers::load(app, so_noi_vu).await?;
    l.report.movements = crate::demo_movements::load(app, &admin).await?;
    let r = crate::demo_rounds::load(app).await?;
    l.report.units += r.units;
    l.report.people += r.people;
    l.report.accounts += r.accounts;
    l.report.round_units = r.participants;
    l.report.round_rated = r.rated;
    l.report.round_decisions = r.decisions;
    l.report.round_dossiers = r.dossiers;
    l.report.batch_awardees = r.batch_awardees;
    Ok(l.report)
}

/// An unmerged province keeps one unit under its current name's code.
fn succ_if_single<'a>(pred: &'a str, succ: &'a str, merged: bool) -> &'a str {
    if merged { pred } else { succ }
}
