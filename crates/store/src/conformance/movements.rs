//! `MovementStore`: a movement with its children, drafts editable only as drafts, steps at the
//! version seen, registrations kept in every version, reports amended but dated by their first
//! submission, and the links from dossiers and award records.

use std::sync::Arc;

use tdkt_domain::movement::*;
use time::macros::date;

use super::fixtures::*;
use crate::*;

/// A province's movement of 2026 targeting the province and its department, with one
/// criterion, two milestones and two indicators.
fn input(g: &Dossiers<'_>, code: &str) -> MovementInput {
    MovementInput {
        code: code.into(),
        name: "Thi đua chuyển đổi số năm 2026".into(),
        slogan: Some("Đoàn kết, sáng tạo".into()),
        goals: "Mọi thủ tục hành chính được giải quyết trực tuyến".into(),
        authority_id: g.province.id,
        level: LaunchLevel::MinistryProvince,
        kind: MovementKind::Thematic,
        scope: MovementScope::MinistryProvince,
        starts_on: date!(2026 - 01 - 15),
        ends_on: date!(2026 - 12 - 31),
        parent_id: None,
        decision_number: Some("12/KH-UBND".into()),
        decision_date: Some(date!(2026 - 01 - 10)),
        decision_signer: Some("Chủ tịch UBND tỉnh".into()),
        registration_due_on: Some(date!(2026 - 03 - 31)),
        target_kind: TargetKind::Subtree,
        target_unit_id: Some(g.province.id),
        target_cluster_id: None,
        targets: vec![g.province.id, g.dept.id],
        criteria: vec![CriterionInput {
            award_code: "bang_khen_tinh".into(),
            text: "Dẫn đầu về tỷ lệ hồ sơ trực tuyến".into(),
            mandatory: true,
            legal_basis: Some("Điều 74 Luật Thi đua, khen thưởng".into()),
        }],
        milestones: vec![
            MilestoneInput {
                kind: MilestoneKind::Interim,
                name: "Sơ kết 6 tháng".into(),
                due_on: date!(2026 - 06 - 30),
            },
            MilestoneInput {
                kind: MilestoneKind::Final,
                name: "Tổng kết".into(),
                due_on: date!(2026 - 12 - 15),
            },
        ],
        indicators: vec![
            IndicatorInput {
                code: "ho_so_truc_tuyen".into(),
                name: "Tỷ lệ hồ sơ trực tuyến".into(),
                measure: Measure::Percent,
                target: Some(80.0),
            },
            IndicatorInput {
                code: "kinh_phi".into(),
                name: "Kinh phí".into(),
                measure: Measure::Money,
                target: None,
            },
        ],
    }
}

fn step(expected: i64, from: MovementState, to: MovementState, s: MovementStep) -> MovementMove {
    MovementMove {
        expected_version: expected,
        from,
        to,
        step: s,
        reason: None,
        today: date!(2026 - 01 - 20),
    }
}

pub async fn a_movement_keeps_its_children_and_is_edited_only_as_a_draft(st: Arc<dyn Store>) {
    let g = Dossiers::new(st.as_ref()).await;
    let m = st
        .create_movement(&sys(), &input(&g, "cds_2026"), None, date!(2026 - 01 - 12))
        .await
        .unwrap();
    assert_eq!(m.state, MovementState::Draft);
    assert_eq!(m.version, 1);
    assert_eq!(m.authority_name, "Tỉnh Thử Nghiệm");
    assert_eq!(m.criteria.len(), 1);
    assert!(m.criteria[0].mandatory);
    assert_eq!(m.milestones.len(), 2);
    assert_eq!(m.milestones[1].kind, MilestoneKind::Final);
    assert_eq!(m.indicators[0].measure, Measure::Percent);
    assert_eq!(m.indicators[1].target, None);
    let targets = st.movement_targets(m.id).await.unwrap();
    assert_eq!(
        targets.iter().map(|t| t.unit_id).collect::<Vec<_>>(),
        vec![g.province.id, g.dept.id]
    );
    assert_eq!(targets[1].parent_id, Some(g.province.id));
    assert_eq!(st.movement_by_code("cds_2026").await.unwrap().id, m.id);

    // Editing replaces the lists; a stale version is refused.
    let mut changed = input(&g, "cds_2026");
    changed.name = "Thi đua chuyển đổi số".into();
    changed.milestones.truncate(1);
    changed.targets = vec![g.dept.id];
    assert!(matches!(
        st.update_movement(&sys(), m.id, 7, &changed).await,
        Err(StoreError::Conflict(_))
    ));
    let m2 = st.update_movement(&sys(), m.id, 1, &changed).await.unwrap();
    assert_eq!((m2.version, m2.name.as_str()), (2, "Thi đua chuyển đổi số"));
    assert_eq!(m2.milestones.len(), 1);
    assert_eq!(st.movement_targets(m.id).await.unwrap().len(), 1);

    // Once launched the movement's fields are frozen.
    let l = st
        .move_movement(
            &sys(),
            m.id,
            &step(
                2,
                MovementState::Draft,
                MovementState::Launched,
                MovementStep::Launch,
            ),
        )
        .await
        .unwrap();
    assert_eq!((l.state, l.version), (MovementState::Launched, 3));
    let e = st
        .update_movement(&sys(), m.id, 3, &changed)
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref m) if m.contains("dự thảo")),
        "{e:?}"
    );
    // A step from a state it is no longer in is refused too.
    assert!(matches!(
        st.move_movement(
            &sys(),
            m.id,
            &step(
                3,
                MovementState::Draft,
                MovementState::Launched,
                MovementStep::Launch
            )
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    // The same code twice is a clear conflict.
    let e = st
        .create_movement(&sys(), &input(&g, "cds_2026"), None, date!(2026 - 01 - 12))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref m) if m.contains("Mã phong trào")),
        "{e:?}"
    );
}

pub async fn lists_hide_drafts_from_the_public_and_filter(st: Arc<dyn Store>) {
    let g = Dossiers::new(st.as_ref()).await;
    let draft = st
        .create_movement(&sys(), &input(&g, "a"), None, date!(2026 - 01 - 12))
        .await
        .unwrap();
    let mut other = input(&g, "b");
    other.authority_id = g.other_province.id;
    other.targets = vec![g.other_province.id];
    other.starts_on = date!(2021 - 01 - 01);
    other.ends_on = date!(2025 - 12 - 31);
    let launched = st
        .create_movement(&sys(), &other, None, date!(2021 - 01 - 01))
        .await
        .unwrap();
    st.move_movement(
        &sys(),
        launched.id,
        &step(
            1,
            MovementState::Draft,
            MovementState::Launched,
            MovementStep::Launch,
        ),
    )
    .await
    .unwrap();
    let ids = |p: Page<MovementSummary>| p.items.iter().map(|m| m.id).collect::<Vec<_>>();
    let public = MovementFilter {
        public_only: true,
        ..Default::default()
    };
    assert_eq!(
        ids(st.list_movements(&public).await.unwrap()),
        vec![launched.id]
    );
    // Drafts show under the roots that may manage them, and only there.
    let mine = MovementFilter {
        drafts_under: vec![g.province.id],
        ..Default::default()
    };
    assert_eq!(
        ids(st.list_movements(&mine).await.unwrap()),
        vec![draft.id, launched.id]
    );
    let theirs = MovementFilter {
        drafts_under: vec![g.other_province.id],
        ..Default::default()
    };
    assert_eq!(
        ids(st.list_movements(&theirs).await.unwrap()),
        vec![launched.id]
    );
    let by_year = MovementFilter {
        drafts_under: vec![g.province.id],
        year: Some(2023),
        ..Default::default()
    };
    assert_eq!(
        ids(st.list_movements(&by_year).await.unwrap()),
        vec![launched.id]
    );
    let targeting = MovementFilter {
        drafts_under: vec![g.province.id],
        targeting: Some(g.dept.id),
        ..Default::default()
    };
    let page = st.list_movements(&targeting).await.unwrap();
    assert_eq!((page.total, page.items[0].targets), (1, 2));
}

pub async fn registrations_keep_every_version(st: Arc<dyn Store>) {
    let g = Dossiers::new(st.as_ref()).await;
    let m = st
        .create_movement(&sys(), &input(&g, "a"), None, date!(2026 - 01 - 12))
        .await
        .unwrap();
    let reg = |lines: Vec<RegistrationLine>, on| NewRegistration {
        movement_id: m.id,
        unit_id: g.dept.id,
        year: 2026,
        source: RegistrationSource::Form,
        note: None,
        lines,
        by: None,
        on,
    };
    let person = |code: &str| RegistrationLine {
        person_id: Some(g.person.id),
        unit_id: None,
        award_code: code.into(),
    };
    let collective = RegistrationLine {
        person_id: None,
        unit_id: Some(g.dept.id),
        award_code: "tap_the_lao_dong_xuat_sac".into(),
    };
    let v1 = st
        .save_registration(
            &sys(),
            &reg(
                vec![collective.clone(), person("lao_dong_tien_tien")],
                date!(2026 - 02 - 10),
            ),
        )
        .await
        .unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(v1.lines[0].name, g.dept.name);
    assert_eq!(v1.lines[0].subject, Subject::Collective);
    assert_eq!(v1.lines[1].name, "Lý Thị Hoa");
    let v2 = st
        .save_registration(
            &sys(),
            &reg(
                vec![collective, person("chien_si_thi_dua_co_so")],
                date!(2026 - 04 - 02),
            ),
        )
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    let current = st
        .registration(m.id, g.dept.id, 2026)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.lines[1].award_code, "chien_si_thi_dua_co_so");
    let all = st
        .registration_versions(m.id, g.dept.id, 2026)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].lines[1].award_code, "lao_dong_tien_tien");
    assert!(
        st.registration(m.id, g.dept.id, 2025)
            .await
            .unwrap()
            .is_none()
    );

    // The overview names every target; the first version dates the registration.
    let o = st.registration_overview(m.id, 2026).await.unwrap();
    assert_eq!(o.len(), 2);
    let prov = o.iter().find(|r| r.unit_id == g.province.id).unwrap();
    assert_eq!((prov.first_on, prov.version, prov.lines), (None, None, 0));
    let dept = o.iter().find(|r| r.unit_id == g.dept.id).unwrap();
    assert_eq!(
        (dept.first_on, dept.version, dept.lines),
        (Some(date!(2026 - 02 - 10)), Some(2), 2)
    );
    // Totals count current versions only.
    let t = st.registration_totals(m.id, 2026).await.unwrap();
    assert_eq!(
        t,
        vec![
            RegistrationTotal {
                subject: Subject::Collective,
                award_code: "tap_the_lao_dong_xuat_sac".into(),
                count: 1
            },
            RegistrationTotal {
                subject: Subject::Individual,
                award_code: "chien_si_thi_dua_co_so".into(),
                count: 1
            },
        ]
    );
    let lines = st
        .registered_lines(2026, &[g.person.id], &[])
        .await
        .unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].award_code, "chien_si_thi_dua_co_so");
    assert!(
        st.registered_lines(2025, &[g.person.id], &[g.dept.id])
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn a_report_is_amended_but_dated_by_its_first_submission(st: Arc<dyn Store>) {
    let g = Dossiers::new(st.as_ref()).await;
    let m = st
        .create_movement(&sys(), &input(&g, "a"), None, date!(2026 - 01 - 12))
        .await
        .unwrap();
    let (ms, ind) = (m.milestones[0].id, m.indicators[0].id);
    let rep = |text: &str, achieved, on, files: Vec<NewFile>| NewReport {
        movement_id: m.id,
        milestone_id: ms,
        unit_id: g.dept.id,
        text: text.into(),
        values: vec![ReportValue {
            indicator_id: ind,
            target: Some(80.0),
            achieved: Some(achieved),
        }],
        files,
        by: None,
        on,
    };
    let file = NewFile {
        filename: "bao-cao.pdf".into(),
        mime: "application/pdf".into(),
        sha256: PDF_X_SHA.into(),
        bytes: PDF_X.to_vec(),
    };
    let r1 = st
        .submit_report(
            &sys(),
            &rep("Báo cáo sơ kết", 70.0, date!(2026 - 06 - 28), vec![file]),
        )
        .await
        .unwrap();
    assert_eq!((r1.version, r1.files.len()), (1, 1));
    let r2 = st
        .submit_report(
            &sys(),
            &rep(
                "Báo cáo sơ kết (bổ sung)",
                85.0,
                date!(2026 - 07 - 05),
                vec![],
            ),
        )
        .await
        .unwrap();
    assert_eq!(r2.id, r1.id);
    assert_eq!(
        (r2.version, r2.first_on, r2.last_on),
        (2, date!(2026 - 06 - 28), date!(2026 - 07 - 05))
    );
    assert_eq!(r2.values[0].achieved, Some(85.0));
    assert_eq!(
        r2.files.len(),
        1,
        "an amendment keeps the files sent before"
    );
    let (f, bytes) = st.movement_file(m.id, r2.files[0].id).await.unwrap();
    assert_eq!(
        (f.filename.as_str(), bytes.as_slice()),
        ("bao-cao.pdf", PDF_X)
    );
    assert!(st.movement_file(m.id + 1000, r2.files[0].id).await.is_err());
    assert_eq!(
        st.report_cells(m.id).await.unwrap(),
        vec![ReportCell {
            unit_id: g.dept.id,
            milestone_id: ms,
            first_on: date!(2026 - 06 - 28)
        }]
    );
    let figs = st.milestone_figures(ms).await.unwrap();
    assert_eq!(figs.len(), 1);
    assert_eq!(figs[0].achieved, Some(85.0));
    assert!(
        st.report(m.milestones[1].id, g.dept.id)
            .await
            .unwrap()
            .is_none()
    );
    // The launch decision is a file of the movement too.
    let with = st
        .set_launch_file(
            &sys(),
            m.id,
            &NewFile {
                filename: "ke-hoach.pdf".into(),
                mime: "application/pdf".into(),
                sha256: PDF_X_SHA.into(),
                bytes: PDF_X.to_vec(),
            },
            None,
        )
        .await
        .unwrap();
    let (f, _) = st
        .movement_file(m.id, with.decision_file_id.unwrap())
        .await
        .unwrap();
    assert_eq!(f.filename, "ke-hoach.pdf");
}

pub async fn dossiers_and_awards_carry_their_movement(st: Arc<dyn Store>) {
    let g = Dossiers::new(st.as_ref()).await;
    let m = st
        .create_movement(&sys(), &input(&g, "a"), None, date!(2026 - 01 - 12))
        .await
        .unwrap();
    let mut new = g.draft("Hồ sơ theo phong trào", g.province.id);
    new.movement_id = Some(m.id);
    let d = st.create_dossier(&sys(), new).await.unwrap();
    assert_eq!(d.movement_id, Some(m.id));
    assert_eq!(
        d.movement_name.as_deref(),
        Some("Thi đua chuyển đổi số năm 2026")
    );
    let d = st
        .move_dossier(
            &sys(),
            d.id,
            mv(
                1,
                tdkt_domain::dossier::State::Draft,
                tdkt_domain::dossier::State::Approved,
                tdkt_domain::dossier::Step::Approve,
            ),
        )
        .await
        .unwrap();
    st.issue_decision(&sys(), g.decision(&d, g.province.id, 2025, 'm'))
        .await
        .unwrap();
    let awards = st.person_award_records(g.person.id).await.unwrap();
    assert_eq!(awards.len(), 1);
    assert_eq!(awards[0].movement_id, Some(m.id));
    assert_eq!(
        awards[0].movement_name.as_deref(),
        Some("Thi đua chuyển đổi số năm 2026")
    );
}
