//! The year-end round at size, on SQLite, through the use cases: a unit of 2 000 people with
//! three years of history (ratings, titles) and a province of 25 such units (50 000 people).
//! Measures the candidates table of the big unit (first page, counts, warnings, registrations),
//! the verdicts of the whole province (history read + engine, per unit and in total, then with
//! the candidates stored), and issuing a 2 000-name LĐTT decision (records and titles in one
//! transaction) with its PDF.
//! Run: `cargo bench -p tdkt-app --bench rounds` (set `ROUND_UNITS=5` for a quicker run).
//! Not divan: issuing a decision is one-shot (its candidates are then decided), so each figure
//! is one timed run after a warm-up read, printed with what it covered.

use std::collections::BTreeMap;
use std::time::Instant;

use tdkt_app::rounds::{FactsInput, OpenRoundInput, RoundDecisionInput};
use tdkt_app::testing::{Backend, TestApp, principal};
use tdkt_domain::access::Role;
use tdkt_domain::dossier::council::Choice;
use tdkt_domain::person::{Gender, TaskRating};
use tdkt_domain::unit::UnitKind;
use tdkt_store::conformance::new_unit;
use tdkt_store::*;
use time::macros::date;

const PER_UNIT: usize = 2_000;

fn secs(t: Instant) -> String {
    format!("{:.3} s", t.elapsed().as_secs_f64())
}

fn main() {
    let units: usize = std::env::var("ROUND_UNITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(run(units));
}

async fn run(units: usize) {
    let t = TestApp::new(Backend::Sqlite).await;
    let st = t.store();
    let sys = Actor::system("bench");
    let setup = Instant::now();
    let province = st
        .create_unit(
            &sys,
            new_unit("tinh", "Thành phố Cần Thơ", UnitKind::City, None),
        )
        .await
        .unwrap();
    let family = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    ];
    let middle = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu"];
    let given = [
        "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Khánh", "Lan", "Long", "Mai", "Nam",
        "Oanh", "Phúc", "Quang", "Sơn", "Tâm", "Trang", "Tuấn", "Yến",
    ];
    let mut depts = Vec::new();
    for u in 0..units {
        let d = st
            .create_unit(
                &sys,
                new_unit(
                    &format!("so{u}"),
                    &format!("Sở số {u}"),
                    UnitKind::Department,
                    Some(province.id),
                ),
            )
            .await
            .unwrap();
        for i in 0..PER_UNIT {
            let name = format!(
                "{} {} {}",
                family[(i + u) % family.len()],
                middle[(i / 7) % middle.len()],
                given[(i * 13 + u) % given.len()]
            );
            let x = st
                .create_person(
                    &sys,
                    NewPerson {
                        full_name: name,
                        gender: if i % 2 == 0 {
                            Gender::Female
                        } else {
                            Gender::Male
                        },
                        birth: None,
                        cccd: None,
                        unit_id: d.id,
                        position: None,
                        position_since: date!(2018 - 01 - 01),
                        illustrative: true,
                        ratings: vec![],
                    },
                )
                .await
                .unwrap();
            // Three years of history: mostly good, every fifth excellent with CSTĐ cơ sở.
            let excellent = i % 5 == 0;
            let rating = if excellent {
                TaskRating::Excellent
            } else {
                TaskRating::Good
            };
            let ratings: Vec<RatingRow> = (2022..=2024)
                .map(|year| RatingRow { year, rating })
                .collect();
            let titles: Vec<TitleRow> = if excellent {
                (2023..=2024)
                    .map(|year| TitleRow {
                        year,
                        code: "chien_si_thi_dua_co_so".into(),
                        decision: None,
                    })
                    .collect()
            } else {
                vec![]
            };
            st.import_history(
                &sys,
                &HistoryBatch {
                    ratings: vec![(x.id, ratings)],
                    titles: vec![(x.id, titles)],
                },
            )
            .await
            .unwrap();
        }
        depts.push(d);
    }
    println!(
        "setup: {units} units × {PER_UNIT} people with 3 years of history in {}",
        secs(setup)
    );
    let board = principal(0, Role::BoardSpecialist, province.id);
    t.app.set_clock(Some(date!(2025 - 12 - 10)));
    let round = t
        .app
        .open_round(
            &board,
            OpenRoundInput {
                authority_id: province.id,
                year: 2025,
                note: None,
                unit_ids: None,
            },
        )
        .await
        .unwrap();
    let parts = st.round_units(round.id).await.unwrap();
    // The 2025 ratings, one grid post per unit.
    let rate = Instant::now();
    for (n, ru) in parts.iter().enumerate() {
        let people = st.round_people(ru.id).await.unwrap();
        let input: Vec<FactsInput> = people
            .iter()
            .enumerate()
            .map(|(i, x)| FactsInput {
                person_id: x.id,
                rating: if (i + n) % 5 == 0 { "htxsnv" } else { "httnv" }.into(),
                absent_days: Some((i % 50) as i32),
                discipline: None,
                initiatives: vec![],
            })
            .collect();
        t.app
            .put_round_ratings(&board, ru.id, &input)
            .await
            .unwrap();
    }
    println!(
        "ratings of {} people written (grid, one post per unit) in {}",
        parts.len() * PER_UNIT,
        secs(rate)
    );

    // ---- the province's verdicts: history read + engine for every person and title
    let check = Instant::now();
    let mut verdicts = 0usize;
    for ru in &parts {
        let h = st.round_histories(ru.id).await.unwrap();
        for (_, hist) in h.iter() {
            let s = tdkt_app::rounds::individual_subject(hist);
            for code in &t.app.round.individual {
                if t.app
                    .rules
                    .check(&tdkt_domain::eligibility::CheckRequest {
                        award: code.clone(),
                        reference_date: date!(2025 - 12 - 31),
                        subject: s.clone(),
                    })
                    .is_ok()
                {
                    verdicts += 1;
                }
            }
        }
    }
    println!(
        "province check: {verdicts} verdicts for {} people (history read + engine) in {}",
        parts.len() * PER_UNIT,
        secs(check)
    );
    let store_all = Instant::now();
    let mut rows = 0;
    for ru in &parts {
        rows += t.app.compute_round_candidates(&board, ru.id).await.unwrap();
    }
    println!(
        "province candidates computed and stored: {rows} rows in {} ({:.0} ms per unit of {PER_UNIT})",
        secs(store_all),
        store_all.elapsed().as_secs_f64() * 1000.0 / parts.len() as f64
    );

    // ---- the big unit's candidates table: first page of 100, counts, warnings
    let big = &parts[0];
    let _ = t
        .app
        .round_candidates(&board, big.id, CandidateFilter::default())
        .await
        .unwrap();
    for (what, filter) in [
        (
            "first page",
            CandidateFilter {
                paging: Some(Paging::new(Some(1), Some(100))),
                ..Default::default()
            },
        ),
        (
            "LĐTT, not eligible, page 1",
            CandidateFilter {
                award: Some("lao_dong_tien_tien".into()),
                verdict: Some("not_eligible".into()),
                paging: Some(Paging::new(Some(1), Some(100))),
                ..Default::default()
            },
        ),
        (
            "page 40",
            CandidateFilter {
                paging: Some(Paging::new(Some(40), Some(100))),
                ..Default::default()
            },
        ),
    ] {
        let t0 = Instant::now();
        let v = t
            .app
            .round_candidates(&board, big.id, filter)
            .await
            .unwrap();
        println!(
            "candidates table ({what}) of a unit of {PER_UNIT}: {} of {} lines in {}",
            v.lines.items.len(),
            v.lines.total,
            secs(t0)
        );
    }

    // ---- the vote (one member, all agree) and the 2 000-name LĐTT decision
    let member = t
        .app
        .create_user(
            None,
            tdkt_app::accounts::UserInput {
                username: "hoidong".into(),
                display_name: "Thành viên Hội đồng".into(),
                password: "Tdkt@2025-bench".into(),
                grants: vec![("thanh_vien_hoi_dong".into(), big.unit_code.clone())],
            },
        )
        .await
        .unwrap();
    t.app.open_round_vote(&board, big.id).await.unwrap();
    let q = t.app.round_questions(&board, big.id).await.unwrap();
    let paper: BTreeMap<i64, Choice> = q.iter().map(|(id, _, _)| (*id, Choice::Agree)).collect();
    let voter = principal(member.id, Role::CouncilMember, big.unit_id);
    let v0 = Instant::now();
    t.app.cast_round_vote(&voter, big.id, paper).await.unwrap();
    let r = t.app.close_round_vote(&board, big.id).await.unwrap();
    println!(
        "vote: one paper of {} questions cast and counted in {}",
        r.items.len(),
        secs(v0)
    );
    let leader = principal(0, Role::BoardLeader, big.unit_id);
    let d0 = Instant::now();
    let dec = t
        .app
        .issue_round_decision(
            &leader,
            big.id,
            RoundDecisionInput {
                award_code: "lao_dong_tien_tien".into(),
                signed_on: "2025-12-10".into(),
                signer_name: "Trần Văn Giám".into(),
                signer_title: "GIÁM ĐỐC".into(),
                proposal: None,
            },
        )
        .await
        .unwrap();
    let records = d0.elapsed();
    let p0 = Instant::now();
    let (_, pdf) = t.app.decision_pdf_by_id(&leader, dec.id).await.unwrap();
    let pdf_time = p0.elapsed();
    let awardees = st
        .candidates(
            big.id,
            &CandidateFilter {
                award: Some("lao_dong_tien_tien".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .iter()
        .filter(|c| c.decision_id == Some(dec.id))
        .count();
    println!(
        "decision {}: {awardees} awardees, records and titles written in {:.3} s, PDF ({} KB) in {:.3} s, total {:.3} s",
        dec.number,
        records.as_secs_f64(),
        pdf.len() / 1024,
        pdf_time.as_secs_f64(),
        (records + pdf_time).as_secs_f64()
    );
}
