//! A province-sized movement on SQLite: 5 000 targeted units (50 districts × 99 units below
//! each), each registered with 10 lines and reporting one milestone with two indicators. Measures
//! what the board's pages read (overview, totals, matrix cells, figures) and one large
//! registration (a unit of 2 000 people).
//! Run: `cargo bench -p tdkt-store-sqlite --bench movements`.

use std::sync::OnceLock;

use tdkt_domain::movement::*;
use tdkt_domain::unit::UnitKind;
use tdkt_store::conformance::{new_person, new_unit};
use tdkt_store::*;
use tdkt_store_sqlite::{SqliteOptions, SqliteStore};
use time::macros::date;

const DISTRICTS: usize = 50;
const PER_DISTRICT: usize = 99;

fn main() {
    divan::main();
}

struct Fixture {
    rt: tokio::runtime::Runtime,
    store: SqliteStore,
    movement: MovementRow,
    big_unit: i64,
    staff: Vec<i64>,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("movements.db");
        let (store, movement, big_unit, staff) = rt.block_on(async {
            let opts = SqliteOptions {
                synchronous: "normal".into(),
                readers: 4,
            };
            let s = SqliteStore::open(path.to_str().unwrap(), &opts)
                .await
                .unwrap();
            s.migrate().await.unwrap();
            let sys = Actor::system("bench");
            let root = s
                .create_unit(&sys, new_unit("tinh", "Tỉnh", UnitKind::Province, None))
                .await
                .unwrap();
            let mut targets = Vec::new();
            for d in 0..DISTRICTS {
                let du = s
                    .create_unit(
                        &sys,
                        new_unit(
                            &format!("d{d}"),
                            &format!("Đơn vị {d}"),
                            UnitKind::Agency,
                            Some(root.id),
                        ),
                    )
                    .await
                    .unwrap();
                targets.push(du.id);
                for u in 0..PER_DISTRICT {
                    let x = s
                        .create_unit(
                            &sys,
                            new_unit(
                                &format!("d{d}_{u}"),
                                &format!("Đơn vị {d}.{u}"),
                                UnitKind::Agency,
                                Some(du.id),
                            ),
                        )
                        .await
                        .unwrap();
                    targets.push(x.id);
                }
            }
            let big_unit = targets[1];
            let mut staff = Vec::new();
            for i in 0..2000 {
                staff.push(
                    s.create_person(&sys, new_person(&format!("Người {i}"), big_unit))
                        .await
                        .unwrap()
                        .id,
                );
            }
            let m = s
                .create_movement(
                    &sys,
                    &MovementInput {
                        code: "bench".into(),
                        name: "Phong trào".into(),
                        slogan: None,
                        goals: "Mục tiêu".into(),
                        authority_id: root.id,
                        level: LaunchLevel::MinistryProvince,
                        kind: MovementKind::Regular,
                        scope: MovementScope::MinistryProvince,
                        starts_on: date!(2026 - 01 - 01),
                        ends_on: date!(2026 - 12 - 31),
                        parent_id: None,
                        decision_number: None,
                        decision_date: None,
                        decision_signer: None,
                        registration_due_on: None,
                        target_kind: TargetKind::Subtree,
                        target_unit_id: Some(root.id),
                        target_cluster_id: None,
                        targets: targets.clone(),
                        criteria: vec![],
                        milestones: vec![MilestoneInput {
                            kind: MilestoneKind::Interim,
                            name: "Sơ kết".into(),
                            due_on: date!(2026 - 06 - 30),
                        }],
                        indicators: vec![
                            IndicatorInput {
                                code: "a".into(),
                                name: "A".into(),
                                measure: Measure::Count,
                                target: Some(10.0),
                            },
                            IndicatorInput {
                                code: "b".into(),
                                name: "B".into(),
                                measure: Measure::Percent,
                                target: Some(90.0),
                            },
                        ],
                    },
                    None,
                    date!(2026 - 01 - 01),
                )
                .await
                .unwrap();
            for (i, u) in targets.iter().enumerate() {
                let lines = (0..10)
                    .map(|k| RegistrationLine {
                        person_id: None,
                        unit_id: Some(*u),
                        award_code: if k % 2 == 0 {
                            "tap_the_lao_dong_tien_tien".into()
                        } else {
                            format!("danh_hieu_{k}")
                        },
                    })
                    .collect();
                s.save_registration(
                    &sys,
                    &NewRegistration {
                        movement_id: m.id,
                        unit_id: *u,
                        year: 2026,
                        source: RegistrationSource::Form,
                        note: None,
                        lines,
                        by: None,
                        on: date!(2026 - 02 - 01),
                    },
                )
                .await
                .unwrap();
                s.submit_report(
                    &sys,
                    &NewReport {
                        movement_id: m.id,
                        milestone_id: m.milestones[0].id,
                        unit_id: *u,
                        text: "Báo cáo".into(),
                        values: vec![
                            ReportValue {
                                indicator_id: m.indicators[0].id,
                                target: Some(10.0),
                                achieved: Some((i % 15) as f64),
                            },
                            ReportValue {
                                indicator_id: m.indicators[1].id,
                                target: Some(90.0),
                                achieved: Some(80.0 + (i % 20) as f64),
                            },
                        ],
                        files: vec![],
                        by: None,
                        on: date!(2026 - 06 - 20),
                    },
                )
                .await
                .unwrap();
            }
            (s, m, big_unit, staff)
        });
        Fixture {
            rt,
            store,
            movement,
            big_unit,
            staff,
            _dir: dir,
        }
    })
}

#[divan::bench(sample_count = 20)]
fn registration_overview_5000_units() {
    let f = fixture();
    let o =
        f.rt.block_on(f.store.registration_overview(f.movement.id, 2026))
            .unwrap();
    assert_eq!(o.len(), DISTRICTS * (PER_DISTRICT + 1));
}

#[divan::bench(sample_count = 20)]
fn registration_totals_50000_lines() {
    let f = fixture();
    let t =
        f.rt.block_on(f.store.registration_totals(f.movement.id, 2026))
            .unwrap();
    assert!(!t.is_empty());
}

#[divan::bench(sample_count = 20)]
fn matrix_cells_and_figures() {
    let f = fixture();
    let (cells, figs) = f.rt.block_on(async {
        (
            f.store.report_cells(f.movement.id).await.unwrap(),
            f.store
                .milestone_figures(f.movement.milestones[0].id)
                .await
                .unwrap(),
        )
    });
    assert_eq!(cells.len() * 2, figs.len());
}

#[divan::bench(sample_count = 20)]
fn targets_of_a_province() {
    let f = fixture();
    let t =
        f.rt.block_on(f.store.movement_targets(f.movement.id))
            .unwrap();
    assert_eq!(t.len(), DISTRICTS * (PER_DISTRICT + 1));
}

#[divan::bench(sample_count = 10)]
fn save_a_registration_of_2000_people() {
    let f = fixture();
    let lines: Vec<RegistrationLine> = f
        .staff
        .iter()
        .map(|p| RegistrationLine {
            person_id: Some(*p),
            unit_id: None,
            award_code: "lao_dong_tien_tien".into(),
        })
        .collect();
    f.rt.block_on(f.store.save_registration(
        &Actor::system("bench"),
        &NewRegistration {
            movement_id: f.movement.id,
            unit_id: f.big_unit,
            year: 2026,
            source: RegistrationSource::Spreadsheet,
            note: None,
            lines,
            by: None,
            on: date!(2026 - 03 - 01),
        },
    ))
    .unwrap();
}

#[divan::bench(sample_count = 20)]
fn sums_up_a_tree_of_5000_units() {
    use std::collections::HashMap;
    use tdkt_domain::movement::progress::{Figures, roll_up};
    let f = fixture();
    let targets =
        f.rt.block_on(f.store.movement_targets(f.movement.id))
            .unwrap();
    let parents: HashMap<i64, Option<i64>> =
        targets.iter().map(|t| (t.unit_id, t.parent_id)).collect();
    let own: HashMap<i64, Figures> = targets
        .iter()
        .map(|t| {
            (
                t.unit_id,
                Figures {
                    target: Some(10.0),
                    achieved: Some(12.0),
                    reports: 1,
                },
            )
        })
        .collect();
    divan::black_box(roll_up(&parents, &own, Measure::Count));
}
