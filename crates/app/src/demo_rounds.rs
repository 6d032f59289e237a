//! The 2025 year-end round (bình xét cuối năm) of Cần Thơ (data/demo/rounds.toml), replayed
//! through the round's use cases by the demo accounts with the clock set to each step's day:
//! Sở Y tế (its sub-units and ~300 generated people) and phường Ninh Kiều (~40 people) import
//! their 2025 ratings from the XLSX template, select their candidates, have their councils vote,
//! issue their own decisions and send the rest up; the Board drives the two dossiers to approval
//! and the city's leader signs one decision covering both. People are generated from name lists
//! with a fixed seed, so every load makes the same ones.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use tdkt_domain::dates::{parse_iso, ymd};
use tdkt_domain::dossier::council::Choice;
use tdkt_domain::person::{Birth, Discipline, Gender, TaskRating};
use tdkt_domain::text::fold;
use tdkt_domain::unit::UnitKind;
use tdkt_store::*;

use crate::accounts::UserInput;
use crate::decision::DecisionInput;
use crate::demo::DEMO_PASSWORD;
use crate::demo_dossiers::demo_pdf;
use crate::dossiers::{AppraisalInput, StepInput};
use crate::error::internal;
use crate::rounds::{OpenRoundInput, RoundDecisionInput, SelectionInput};
use crate::{App, AppError, AppResult, Principal};

const ROUNDS: &str = include_str!("../../../data/demo/rounds.toml");

#[derive(Deserialize)]
struct File {
    round: RoundToml,
    names: Names,
    unit: Vec<UnitToml>,
    participant: Vec<ParticipantToml>,
}

#[derive(Deserialize)]
struct RoundToml {
    authority: String,
    year: i32,
    seed: u64,
    note: String,
}

#[derive(Deserialize)]
struct Names {
    family: Vec<String>,
    male_middle: Vec<String>,
    female_middle: Vec<String>,
    male_given: Vec<String>,
    female_given: Vec<String>,
    grassroots_initiatives: Vec<String>,
    province_initiatives: Vec<String>,
}

#[derive(Deserialize)]
struct UnitToml {
    code: String,
    parent: String,
    kind: String,
    name: String,
    short_name: String,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    note: Option<String>,
    people: usize,
    women: f64,
    rating: String,
    lead: Vec<String>,
    staff: Vec<String>,
}

#[derive(Deserialize)]
struct Account {
    username: String,
    name: String,
}

#[derive(Deserialize)]
struct Council {
    prefix: String,
    count: usize,
    name: String,
}

#[derive(Deserialize)]
struct ParticipantToml {
    unit: String,
    rating: String,
    clerk: Account,
    head: Account,
    council: Council,
    signer_name: String,
    signer_title: String,
    streak: usize,
    pair: usize,
    cstd_2022: usize,
    initiative: usize,
    absent: usize,
    discipline: usize,
    htnv: usize,
    excellent: f64,
    deselect_own_collective: String,
}

/// What the round part added.
#[derive(Debug, Clone, Default)]
pub struct RoundsReport {
    pub units: usize,
    pub people: usize,
    pub accounts: usize,
    /// Units taking part in the round.
    pub participants: usize,
    /// Rating rows imported from the participants' XLSX files.
    pub rated: usize,
    /// The participants' own decisions.
    pub decisions: usize,
    /// Dossiers the participants sent up.
    pub dossiers: usize,
    /// Awardees of the city's one decision over those dossiers.
    pub batch_awardees: usize,
}

fn bad(what: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("dữ liệu demo rounds.toml: {what}"))
}

/// SplitMix64: small, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a>(&mut self, v: &'a [String]) -> &'a str {
        &v[self.below(v.len())]
    }
}

/// How a generated person's history makes the verdicts differ (rounds.toml explains each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    Plain,
    Streak,
    Pair,
    Cstd2022 { first: bool },
    Initiative,
    Absent,
    Discipline,
    Htnv,
}

/// A generated person and what the ratings file will say of them for the year.
struct Generated {
    id: i64,
    profile: Profile,
    rating: TaskRating,
    absent_days: Option<i32>,
    discipline: Option<Discipline>,
    initiative: Option<String>,
}

async fn who(app: &App, username: &str) -> AppResult<Principal> {
    let u = app
        .store
        .user_by_username(username)
        .await?
        .ok_or_else(|| bad(format!("thiếu tài khoản {username}")))?;
    Ok(Principal {
        user_id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        grants: app.store.user_grants(u.id).await?,
        csrf_token: None,
    })
}

async fn account(app: &App, username: &str, name: &str, role: &str, unit: &str) -> AppResult<()> {
    app.create_user(
        None,
        UserInput {
            username: username.into(),
            display_name: name.into(),
            password: DEMO_PASSWORD.into(),
            grants: vec![(role.into(), unit.into())],
        },
    )
    .await?;
    Ok(())
}

/// The demo accounts this part creates: (user name, display name, role code, unit code).
pub fn accounts() -> Vec<(String, String, &'static str, String)> {
    let Ok(file) = toml::from_str::<File>(ROUNDS) else {
        return vec![];
    };
    let mut out = Vec::new();
    for p in &file.participant {
        out.push((
            p.clerk.username.clone(),
            p.clerk.name.clone(),
            "can_bo_don_vi",
            p.unit.clone(),
        ));
        out.push((
            p.head.username.clone(),
            p.head.name.clone(),
            "lanh_dao_ban",
            p.unit.clone(),
        ));
        for i in 1..=p.council.count {
            out.push((
                format!("{}{i}", p.council.prefix),
                format!("{} ({i})", p.council.name),
                "thanh_vien_hoi_dong",
                p.unit.clone(),
            ));
        }
    }
    out
}

/// Loads the round; the clock is back to the real date afterwards.
pub(crate) async fn load(app: &App) -> AppResult<RoundsReport> {
    let result = load_all(app).await;
    app.set_clock(None);
    result
}

async fn load_all(app: &App) -> AppResult<RoundsReport> {
    let file: File = toml::from_str(ROUNDS).map_err(bad)?;
    let actor = Actor::system("demo");
    let mut report = RoundsReport::default();
    let mut rng = Rng(file.round.seed);
    let year = file.round.year;
    let merged = ymd(2025, 7, 1);

    // Units and their generated staff with 2022–2024 ratings.
    let mut staff_of: HashMap<String, Vec<(i64, usize)>> = HashMap::new();
    let mut cccd_seq = 0u32;
    for u in &file.unit {
        let parent = app
            .store
            .unit_by_code(&u.parent)
            .await
            .map_err(|_| bad(format!("không có đơn vị {}", u.parent)))?;
        let row = app
            .store
            .create_unit(
                &actor,
                NewUnit {
                    code: u.code.clone(),
                    kind: UnitKind::parse("kind", &u.kind)?,
                    name: u.name.clone(),
                    short_name: Some(u.short_name.clone()),
                    parent_id: Some(parent.id),
                    valid_from: Some(match &u.valid_from {
                        Some(d) => parse_iso("valid_from", d)?,
                        None => merged,
                    }),
                    valid_to: None,
                    note: u.note.clone(),
                    illustrative: u.note.is_none(),
                },
            )
            .await?;
        report.units += 1;
        let rating = TaskRating::parse("rating", &u.rating)?;
        app.store
            .put_unit_ratings(
                &actor,
                row.id,
                &[UnitRatingRow {
                    year,
                    rating,
                    disciplined: None,
                }],
            )
            .await?;
        let mut ids = Vec::new();
        for i in 0..u.people {
            let woman = rng.chance(u.women);
            let n = &file.names;
            let family = rng.pick(&n.family).to_string();
            let (middle, given) = if woman {
                (rng.pick(&n.female_middle), rng.pick(&n.female_given))
            } else {
                (rng.pick(&n.male_middle), rng.pick(&n.male_given))
            };
            let full_name = format!("{family} {middle} {given}");
            let born = 1968 + rng.below(31) as i32;
            let birth = format!("{born}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
            cccd_seq += 1;
            // Province of birth: Cần Thơ, Hậu Giang or Sóc Trăng (the merged city's three parts).
            let province = ["092", "092", "093", "094"][rng.below(4)];
            let cccd = (!rng.chance(0.12)).then(|| {
                format!(
                    "{province}{}{:02}{:06}",
                    if woman { 1 } else { 0 },
                    born % 100,
                    (cccd_seq * 7919 + 100_003) % 1_000_000
                )
            });
            let position = match u.lead.get(i) {
                Some(p) => p.clone(),
                None => rng.pick(&u.staff).to_string(),
            };
            // The young ones were recruited in 2023.
            let from = if born >= 1996 { 2023 } else { 2022 };
            let ratings = (from..year)
                .map(|y| RatingRow {
                    year: y,
                    rating: if rng.chance(0.12) {
                        TaskRating::Excellent
                    } else if rng.chance(0.03) {
                        TaskRating::Completed
                    } else {
                        TaskRating::Good
                    },
                })
                .collect();
            let p = app
                .store
                .create_person(
                    &actor,
                    NewPerson {
                        full_name,
                        gender: if woman { Gender::Female } else { Gender::Male },
                        birth: Some(Birth::parse(&birth, crate::today())?),
                        cccd,
                        unit_id: row.id,
                        position: Some(position),
                        position_since: merged,
                        illustrative: true,
                        ratings,
                    },
                )
                .await?;
            ids.push((p.id, i));
            report.people += 1;
        }
        // A participant collects the staff of the units below it.
        let key = if file.participant.iter().any(|p| p.unit == u.code) {
            u.code.clone()
        } else {
            u.parent.clone()
        };
        staff_of.entry(key).or_default().extend(ids);
    }
    // Participants that were not created here (Sở Y tế) get their own 2025 rating too.
    for p in &file.participant {
        if !file.unit.iter().any(|u| u.code == p.unit) {
            let unit = app.store.unit_by_code(&p.unit).await?;
            app.store
                .put_unit_ratings(
                    &actor,
                    unit.id,
                    &[UnitRatingRow {
                        year,
                        rating: TaskRating::parse("rating", &p.rating)?,
                        disciplined: None,
                    }],
                )
                .await?;
        }
    }

    // Profiles, past titles, awards and city-level initiatives.
    let mut generated: HashMap<String, Vec<Generated>> = HashMap::new();
    let mut titles: Vec<(i64, Vec<TitleRow>)> = Vec::new();
    let mut province_initiatives = file.names.province_initiatives.iter();
    let mut grassroots = file.names.grassroots_initiatives.iter().cycle();
    for p in &file.participant {
        let unit = app.store.unit_by_code(&p.unit).await?;
        let mut people: Vec<i64> = staff_of
            .get(&p.unit)
            .map(|v| v.iter().map(|(id, _)| *id).collect())
            .unwrap_or_default();
        // A seeded shuffle picks who has which history.
        for i in (1..people.len()).rev() {
            let j = rng.below(i + 1);
            people.swap(i, j);
        }
        let mut plan: Vec<Profile> = Vec::new();
        plan.extend(std::iter::repeat_n(Profile::Streak, p.streak));
        plan.extend(std::iter::repeat_n(Profile::Pair, p.pair));
        for i in 0..p.cstd_2022 {
            plan.push(Profile::Cstd2022 { first: i == 0 });
        }
        plan.extend(std::iter::repeat_n(Profile::Initiative, p.initiative));
        plan.extend(std::iter::repeat_n(Profile::Absent, p.absent));
        plan.extend(std::iter::repeat_n(Profile::Discipline, p.discipline));
        plan.extend(std::iter::repeat_n(Profile::Htnv, p.htnv));
        let mut out = Vec::new();
        for (i, id) in people.iter().enumerate() {
            let profile = plan.get(i).copied().unwrap_or(Profile::Plain);
            let t = |y: i32, code: &str| TitleRow {
                year: y,
                code: code.into(),
                decision: Some(format!("Quyết định khen thưởng năm {y} (minh hoạ)")),
            };
            let excellent_years: &[i32] = match profile {
                Profile::Streak => &[2022, 2023, 2024],
                Profile::Pair | Profile::Cstd2022 { .. } => &[2023, 2024],
                _ => &[],
            };
            if !excellent_years.is_empty() {
                let mut rows: Vec<TitleRow> = excellent_years
                    .iter()
                    .map(|y| t(*y, "chien_si_thi_dua_co_so"))
                    .collect();
                if matches!(profile, Profile::Cstd2022 { .. }) {
                    rows.push(t(2022, "chien_si_thi_dua_tinh"));
                    rows.push(t(2022, "chien_si_thi_dua_co_so"));
                }
                // A title needs the rating: HTXSNV in those years.
                let ratings: Vec<RatingRow> = rows
                    .iter()
                    .filter(|r| r.code == "chien_si_thi_dua_co_so")
                    .map(|r| RatingRow {
                        year: r.year,
                        rating: TaskRating::Excellent,
                    })
                    .collect();
                app.store.put_ratings(&actor, *id, &ratings).await?;
                titles.push((*id, rows));
            }
            // A Bằng khen already received: the consecutive titles before it do not count again.
            let bang_khen = match profile {
                Profile::Streak => Some(ymd(2024, 12, 20)),
                Profile::Cstd2022 { first: true } => Some(ymd(2023, 6, 15)),
                _ => None,
            };
            if let Some(date) = bang_khen {
                app.store
                    .create_award_record(
                        &actor,
                        NewAwardRecord {
                            person_id: Some(*id),
                            unit_id: None,
                            code: "bang_khen_tinh".into(),
                            date,
                            decision: Some(format!(
                                "Quyết định khen thưởng ngày {} (minh hoạ)",
                                tdkt_domain::dates::vn(date)
                            )),
                            note: Some("Khen thưởng trước hợp nhất (minh hoạ)".into()),
                            uses: None,
                        },
                    )
                    .await?;
            }
            if matches!(profile, Profile::Streak | Profile::Cstd2022 { first: true }) {
                let title = province_initiatives
                    .next()
                    .ok_or_else(|| bad("thiếu tên sáng kiến cấp thành phố"))?;
                let n = app
                    .store
                    .create_initiative(
                        &actor,
                        NewInitiative {
                            code: format!("SK-CT-{year}-{id}"),
                            title: title.clone(),
                            unit_id: unit.id,
                            field: Some("Y tế, hành chính".into()),
                            submitted_on: ymd(year, 3, 10),
                            authors: vec![*id],
                        },
                    )
                    .await?;
                app.store
                    .review_initiative(
                        &actor,
                        n.id,
                        "tinh",
                        ymd(year, 9, 15),
                        Some("Được Hội đồng sáng kiến thành phố công nhận, áp dụng toàn thành phố (minh hoạ)".into()),
                    )
                    .await?;
            }
            let excellent = matches!(
                profile,
                Profile::Streak | Profile::Pair | Profile::Cstd2022 { .. }
            ) || (profile == Profile::Plain && rng.chance(p.excellent));
            let rating = match profile {
                Profile::Htnv | Profile::Discipline => TaskRating::Completed,
                _ if excellent => TaskRating::Excellent,
                _ => TaskRating::Good,
            };
            let absent_days = match profile {
                Profile::Absent => Some(41 + rng.below(15) as i32),
                Profile::Plain if rng.chance(0.1) => Some(1 + rng.below(12) as i32),
                _ => None,
            };
            out.push(Generated {
                id: *id,
                profile,
                rating,
                absent_days,
                discipline: (profile == Profile::Discipline).then_some(Discipline::Reprimand),
                initiative: (profile == Profile::Initiative)
                    .then(|| grassroots.next().cloned())
                    .flatten(),
            });
        }
        generated.insert(p.unit.clone(), out);
    }
    app.store
        .import_history(
            &actor,
            &HistoryBatch {
                ratings: vec![],
                titles,
            },
        )
        .await?;

    // Accounts: a clerk, a head and the council of each participant.
    for (username, name, role, unit) in accounts() {
        account(app, &username, &name, role, &unit).await?;
        report.accounts += 1;
    }

    // The Board opens the round for the two units.
    let board = who(app, "chuyenvien").await?;
    let authority = app.store.unit_by_code(&file.round.authority).await?;
    app.set_clock(Some(ymd(year, 12, 1)));
    let mut unit_ids = Vec::new();
    for p in &file.participant {
        unit_ids.push(app.store.unit_by_code(&p.unit).await?.id);
    }
    let round = app
        .open_round(
            &board,
            OpenRoundInput {
                authority_id: authority.id,
                year,
                note: Some(file.round.note.clone()),
                unit_ids: Some(unit_ids.clone()),
            },
        )
        .await?;
    let participants = app.store.round_units(round.id).await?;
    report.participants = participants.len();

    let mut dossiers = Vec::new();
    for (k, p) in file.participant.iter().enumerate() {
        let ru = participants
            .iter()
            .find(|r| r.unit_id == unit_ids[k])
            .ok_or_else(|| bad(format!("{} không có trong đợt bình xét", p.unit)))?
            .id;
        let clerk = who(app, &p.clerk.username).await?;
        let head = who(app, &p.head.username).await?;
        let mut members = Vec::new();
        for i in 1..=p.council.count {
            members.push(who(app, &format!("{}{i}", p.council.prefix)).await?);
        }
        let people = generated.remove(&p.unit).unwrap_or_default();
        let day = |d: u8| ymd(year, 12, d + k as u8);

        // Ratings: the template downloaded, filled in and imported.
        app.set_clock(Some(day(3)));
        let template = app.round_ratings_template(&clerk, ru).await?;
        let filled = fill_template(app, year, &template, &people).await?;
        report.rated += app.import_round_ratings(&clerk, ru, &filled).await?.rows;
        app.compute_round_candidates(&clerk, ru).await?;

        // Selection: the verdicts, one collective left out and one person put in, with reasons.
        let all = app
            .store
            .candidates(ru, &CandidateFilter::default())
            .await?
            .items;
        let mut changes = Vec::new();
        if !p.deselect_own_collective.is_empty()
            && let Some(c) = all.iter().find(|c| {
                c.unit_id == Some(unit_ids[k])
                    && c.award_code == "tap_the_lao_dong_tien_tien"
                    && c.selected
            })
        {
            changes.push(SelectionInput {
                candidate_id: c.id,
                selected: false,
                reason: Some(p.deselect_own_collective.clone()),
            });
        }
        if let Some(g) = people
            .iter()
            .find(|g| g.profile == Profile::Cstd2022 { first: true })
            && let Some(c) = all.iter().find(|c| {
                c.person_id == Some(g.id) && c.award_code == "chien_si_thi_dua_tinh" && !c.selected
            })
        {
            changes.push(SelectionInput {
                candidate_id: c.id,
                selected: true,
                reason: Some("Danh hiệu Chiến sĩ thi đua cơ sở năm 2025 được xét trong cùng đợt (3 lần liên tục 2023–2025 sau Chiến sĩ thi đua thành phố năm 2022); sáng kiến cấp thành phố được công nhận năm 2025".into()),
            });
        }
        if !changes.is_empty() {
            app.select_round_candidates(&clerk, ru, &changes).await?;
        }

        // The council's secret ballot: nearly all agree; one member votes in writing.
        app.set_clock(Some(day(8)));
        app.open_round_vote(&clerk, ru).await?;
        let questions = app.round_questions(&clerk, ru).await?;
        let selected = app
            .store
            .candidates(
                ru,
                &CandidateFilter {
                    selected: Some(true),
                    ..Default::default()
                },
            )
            .await?
            .items;
        let lines = |award: &str| -> Vec<i64> {
            selected
                .iter()
                .filter(|c| c.award_code == award && c.person_id.is_some())
                .filter(|c| {
                    people
                        .iter()
                        .any(|g| Some(g.id) == c.person_id && g.profile == Profile::Plain)
                })
                .map(|c| c.id)
                .collect()
        };
        let (ldtt, cstdcs) = (lines("lao_dong_tien_tien"), lines("chien_si_thi_dua_co_so"));
        app.set_clock(Some(day(9)));
        let written = members.len() - 1;
        for (i, m) in members.iter().enumerate() {
            let mut paper: BTreeMap<i64, Choice> =
                questions.iter().map(|q| (q.0, Choice::Agree)).collect();
            match i {
                // One member against two LĐTT names (they still pass)…
                2 => {
                    for c in ldtt.iter().take(2) {
                        paper.insert(*c, Choice::Disagree);
                    }
                }
                // …two against the same CSTĐ cơ sở name (it misses the 80% of members)…
                1 | 3 if k == 0 => {
                    if let Some(c) = cstdcs.first() {
                        paper.insert(*c, Choice::Disagree);
                    }
                }
                // …and one leaves a name blank.
                4 => {
                    if let Some(c) = ldtt.get(3) {
                        paper.remove(c);
                    }
                }
                _ => {}
            }
            if i == written {
                app.record_round_written_vote(&clerk, ru, m.user_id, paper)
                    .await?;
            } else {
                app.cast_round_vote(m, ru, paper).await?;
            }
        }
        app.close_round_vote(&clerk, ru).await?;

        // The head's own decisions, one per title it grants.
        app.set_clock(Some(day(10)));
        // Individual titles first, then the collectives (the order decisions are numbered in).
        let order = ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"];
        let mut titles = app.round_titles_to_decide(&head, ru).await?;
        titles.sort_by_key(|(code, _, _)| {
            order.iter().position(|o| o == code).unwrap_or(order.len())
        });
        for (code, _, _) in titles {
            app.issue_round_decision(
                &head,
                ru,
                RoundDecisionInput {
                    award_code: code,
                    signed_on: tdkt_domain::dates::iso(day(10)),
                    signer_name: p.signer_name.clone(),
                    signer_title: p.signer_title.clone(),
                    proposal: None,
                },
            )
            .await?;
            report.decisions += 1;
        }

        // The rest goes up: one dossier to the city, with its achievement report, submitted.
        app.set_clock(Some(day(11)));
        let sent = app.send_round_up(&clerk, ru).await?;
        for d in &sent {
            app.add_document(
                &clerk,
                d.id,
                None,
                "bao_cao_thanh_tich",
                Some("Báo cáo thành tích của các cá nhân, tập thể được đề nghị"),
                "bao-cao-thanh-tich.pdf",
                demo_pdf("Bao cao thanh tich ca nhan tap the de nghi khen thuong nam 2025"),
            )
            .await?;
            step(app, &clerk, d.id, "gui", None).await?;
            dossiers.push(d.id);
        }
        report.dossiers += sent.len();
    }

    // The Board: receive, appraise, publish, the council, approval; one decision for all.
    let leader = who(app, "lanhdao").await?;
    let council = [
        who(app, "hoidong").await?,
        who(app, "hoidong2").await?,
        who(app, "hoidong3").await?,
    ];
    app.set_clock(Some(ymd(year, 12, 15)));
    for id in &dossiers {
        step(app, &board, *id, "tiep_nhan", None).await?;
        step(app, &board, *id, "tham_dinh", None).await?;
        let d = app.store.dossier(*id).await?;
        for n in &d.nominees {
            app.appraise_nominee(
                &board,
                *id,
                AppraisalInput {
                    version: None,
                    nominee_id: n.id,
                    result: "dat".into(),
                    override_reason: Some(
                        "Đối chiếu biên bản bình xét, quyết định công nhận danh hiệu năm 2025 của đơn vị".into(),
                    ),
                },
            )
            .await?;
        }
        step(app, &board, *id, "xong_tham_dinh", None).await?;
        step(app, &board, *id, "cong_khai", None).await?;
    }
    app.set_clock(Some(ymd(year, 12, 23)));
    for id in &dossiers {
        step(app, &board, *id, "mo_bo_phieu", None).await?;
        let questions = app.council_questions(&board, *id).await?;
        for m in &council {
            let paper = questions.iter().map(|q| (*q, Choice::Agree)).collect();
            app.cast_council_vote(m, *id, paper).await?;
        }
        app.close_council_vote(&board, *id).await?;
    }
    app.set_clock(Some(ymd(year, 12, 24)));
    for id in &dossiers {
        step(app, &leader, *id, "duyet", None).await?;
    }
    let signed = ymd(year + 1, 1, 8);
    app.set_clock(Some(signed));
    let mut batch = Vec::new();
    for id in &dossiers {
        let d = app.store.dossier(*id).await?;
        report.batch_awardees += d
            .nominees
            .iter()
            .filter(|n| n.council_passed == Some(true))
            .count();
        batch.push(DecisionDossier {
            id: *id,
            expected_version: d.version,
        });
    }
    if !batch.is_empty() {
        app.issue_batch_decision(
            &leader,
            batch,
            DecisionInput {
                version: 0,
                signed_on: tdkt_domain::dates::iso(signed),
                signer_name: "Trần Văn Minh".into(),
                signer_title: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into(),
                proposal: Some(format!(
                    "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV ngày 05 tháng 01 năm {} về khen thưởng tổng kết năm {year}.",
                    year + 1
                )),
            },
        )
        .await?;
    }
    Ok(report)
}

async fn step(
    app: &App,
    p: &Principal,
    id: i64,
    step: &str,
    reason: Option<&str>,
) -> AppResult<()> {
    let v = app.store.dossier(id).await?.version;
    app.dossier_step(
        p,
        id,
        StepInput {
            step: step.into(),
            version: v,
            reason: reason.map(str::to_string),
            days: None,
        },
    )
    .await?;
    Ok(())
}

/// The personnel office's file: the template's rows (in its order, with its person codes), the
/// year's rating and facts filled in; a row already rated keeps what it says.
async fn fill_template(
    app: &App,
    year: i32,
    template: &[u8],
    people: &[Generated],
) -> AppResult<Vec<u8>> {
    let rows = crate::history::imports::read_xlsx(template).map_err(bad)?;
    let head = rows
        .iter()
        .position(|r| r.iter().any(|c| fold(c) == "ma ca nhan"))
        .ok_or_else(|| bad("mẫu xếp loại không có cột «Mã cá nhân»"))?;
    let col = |name: &str| rows[head].iter().position(|c| fold(c) == fold(name));
    let by_id: HashMap<i64, &Generated> = people.iter().map(|g| (g.id, g)).collect();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(
        0,
        0,
        format!("Kết quả đánh giá, xếp loại năm {year} (Phòng Tổ chức cán bộ)"),
    )
    .map_err(internal)?;
    for (c, h) in rows[head].iter().enumerate() {
        ws.write_string(2, c as u16, h).map_err(internal)?;
    }
    let (id_col, rating_col) = (col("Mã cá nhân"), col("Xếp loại"));
    let (absent_col, discipline_col) = (col("Số ngày nghỉ"), col("Kỷ luật"));
    let initiative_col = col("Sáng kiến cấp cơ sở được công nhận");
    // Numbers stay numbers; a CCCD keeps its leading zero as text.
    let numeric = [col("STT"), id_col, col("Năm sinh"), absent_col];
    let mut r = 3u32;
    for row in rows.iter().skip(head + 1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut cells = row.clone();
        let set = |cells: &mut Vec<String>, c: Option<usize>, v: String| {
            if let Some(c) = c {
                if cells.len() <= c {
                    cells.resize(c + 1, String::new());
                }
                cells[c] = v;
            }
        };
        let id = id_col
            .and_then(|c| row.get(c))
            .and_then(|s| s.trim().parse::<f64>().ok())
            .map(|f| f as i64);
        let already = rating_col
            .and_then(|c| row.get(c))
            .is_some_and(|s| !s.trim().is_empty());
        if let Some(g) = id.and_then(|i| by_id.get(&i)) {
            set(&mut cells, rating_col, g.rating.code().to_uppercase());
            set(
                &mut cells,
                absent_col,
                g.absent_days.map(|d| d.to_string()).unwrap_or_default(),
            );
            set(
                &mut cells,
                discipline_col,
                g.discipline
                    .map(|d| d.label().to_string())
                    .unwrap_or_default(),
            );
            set(
                &mut cells,
                initiative_col,
                g.initiative.clone().unwrap_or_default(),
            );
        } else if !already {
            // Someone the template lists but this part did not make: their recorded rating.
            let rated = match id {
                Some(i) => app
                    .store
                    .person_ratings(i)
                    .await?
                    .into_iter()
                    .find(|x| x.year == year)
                    .map(|x| x.rating),
                None => None,
            };
            set(
                &mut cells,
                rating_col,
                rated.unwrap_or(TaskRating::Good).code().to_uppercase(),
            );
        }
        for (c, v) in cells.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) if numeric.contains(&Some(c)) => ws.write_number(r, c as u16, n),
                _ => ws.write_string(r, c as u16, v),
            }
            .map_err(internal)?;
        }
        r += 1;
    }
    wb.save_to_buffer().map_err(internal)
}
