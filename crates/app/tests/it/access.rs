//! Walks every role × action × reach through the real use cases and checks that exactly what
//! the policy lists is allowed: enforcement, not just the table.

use std::collections::BTreeMap;

use tdkt_app::AppError;
use tdkt_app::accounts::UserInput;
use tdkt_app::dossiers::{DossierInput, NomineeInput, StepInput};
use tdkt_app::people::PersonPatch;
use tdkt_app::units::{LineageInput, UnitPatch};
use tdkt_domain::access::{Action, Reach, Role, allows};
use tdkt_domain::dossier::council::{Choice, CouncilRules};
use tdkt_domain::dossier::{CommendationType, State, Step};
use tdkt_store::conformance::new_person;
use tdkt_store::{
    Actor, Appraisal, DossierMove, DossierRow, NewDossier, NewNominee, NewUser, Store,
};

use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp, principal};

on_both!(every_role_action_and_reach);

/// A dossier proposed by `unit` and decided there, with one nominee, put straight into `state`
/// by the store (the state machine is the use cases' business, not the store's). From
/// appraisal on, the nominee has passed it.
async fn dossier_in(
    s: &dyn Store,
    unit: i64,
    person: i64,
    kind: CommendationType,
    state: State,
) -> DossierRow {
    let sys = Actor::system("test");
    let d = s
        .create_dossier(
            &sys,
            NewDossier {
                title: "Hồ sơ thử quyền".into(),
                unit_id: unit,
                authority_id: unit,
                kind,
                year: 2026,
                movement_id: None,
                cluster_proposal_id: None,
                created_by: None,
                today: time::macros::date!(2026 - 11 - 02),
                nominees: vec![NewNominee {
                    person_id: Some(person),
                    unit_id: None,
                    award_code: "giay_khen".into(),
                    summary: "Hoàn thành tốt nhiệm vụ".into(),
                    summary_key: "hoan thanh tot nhiem vu".into(),
                    verdict: None,
                    verdict_json: None,
                }],
            },
        )
        .await
        .unwrap();
    let mv = |d: &DossierRow, to: State, step: Step| DossierMove {
        expected_version: d.version,
        from: d.state,
        to,
        step,
        reason: None,
        today: time::macros::date!(2026 - 11 - 03),
        due_on: None,
        consultation_until: None,
        revoke_awards: false,
    };
    match state {
        State::Draft => d,
        State::Submitted => s
            .move_dossier(&sys, d.id, mv(&d, state, Step::Submit))
            .await
            .unwrap(),
        _ => {
            let d = s
                .move_dossier(
                    &sys,
                    d.id,
                    mv(&d, State::UnderAppraisal, Step::StartAppraisal),
                )
                .await
                .unwrap();
            let d = s
                .appraise(
                    &sys,
                    d.id,
                    &Appraisal {
                        expected_version: d.version,
                        nominee_id: d.nominees[0].id,
                        verdict: tdkt_domain::dossier::NomineeVerdict::NeedsReview,
                        verdict_json: "null".into(),
                        result: tdkt_domain::dossier::AppraisalResult::Passed,
                        override_reason: Some("Đủ tiêu chuẩn theo quy chế".into()),
                        by: None,
                    },
                )
                .await
                .unwrap();
            s.move_dossier(&sys, d.id, mv(&d, state, Step::FinishAppraisal))
                .await
                .unwrap()
        }
    }
}

async fn every_role_action_and_reach(b: Backend) {
    let t = TestApp::new(b).await;
    let s = t.store();
    let root = t.unit("vn", None).await;
    let own = t.unit("own", Some(root.id)).await;
    let child = t.unit("child", Some(own.id)).await;
    let other = t.unit("other", Some(root.id)).await;
    let sys = Actor::system("test");
    let targets = [
        (Reach::Own, own.id),
        (Reach::Subtree, child.id),
        (Reach::Other, other.id),
    ];
    let mut people = Vec::new();
    for (_, u) in targets {
        people.push(
            s.create_person(&sys, new_person("Người Trong Đơn Vị", u))
                .await
                .unwrap(),
        );
    }
    let user = s
        .create_user(
            &sys,
            NewUser {
                username: "thu".into(),
                display_name: "Thử".into(),
                password_hash: "x".into(),
                grants: vec![],
            },
        )
        .await
        .unwrap();
    // One cluster per target, organised by it, with all three units as members and a covenant
    // with one criterion.
    let mut clusters = Vec::new();
    for (_, t) in &targets {
        let c = s
            .create_cluster(
                &sys,
                tdkt_store::NewCluster {
                    code: format!("cum_{t}"),
                    name: format!("Cụm {t}"),
                    kind: tdkt_domain::cluster::ClusterKind::Cluster,
                    organiser: "Đơn vị tổ chức".into(),
                    organiser_unit_id: Some(*t),
                    supervisor: None,
                    source: None,
                    note: None,
                    years: vec![tdkt_store::NewClusterYear {
                        year: 2022,
                        note: None,
                        roles_illustrative: false,
                        members: targets
                            .iter()
                            .map(|(_, u)| (*u, tdkt_domain::cluster::MemberRole::Member, false))
                            .collect(),
                    }],
                },
            )
            .await
            .unwrap();
        s.put_covenant(&sys, c.id, 2022, "Giao ước", r#"{"groups":[],"criteria":[{"id":"1","name":"Tiêu chí","group":null,"max":10.0,"kind":"score","scale":null}]}"#, "{}")
            .await
            .unwrap();
        clusters.push(c.id);
    }
    // One dossier per target to read, proposed and decided there.
    let mut readable = Vec::new();
    for (i, (_, u)) in targets.iter().enumerate() {
        readable.push(
            dossier_in(
                s,
                *u,
                people[i].id,
                CommendationType::CongTrang,
                State::Appraised,
            )
            .await
            .id,
        );
    }
    let mut seq = 0;
    let mut checked = 0;
    for role in Role::ALL {
        let p = principal(user.id, *role, own.id);
        for action in Action::ALL {
            for (i, (reach, target)) in targets.iter().enumerate() {
                seq += 1;
                let result: Result<(), AppError> = match action {
                    Action::UnitRead => t.app.unit(&p, *target).await.map(drop),
                    Action::UnitWrite => t
                        .app
                        .update_unit(
                            &p,
                            *target,
                            UnitPatch {
                                note: Some(format!("ghi chú {seq}")),
                                ..Default::default()
                            },
                        )
                        .await
                        .map(drop),
                    Action::LineageWrite => t
                        .app
                        .create_lineage(
                            &p,
                            LineageInput {
                                kind: "doi_ten".into(),
                                date: "2025-07-01".into(),
                                from: vec![*target],
                                to: vec![*target],
                                legal_basis: None,
                                note: None,
                            },
                        )
                        .await
                        .map(drop),
                    Action::PersonRead => t.app.person(&p, people[i].id).await.map(drop),
                    Action::PersonWrite => t
                        .app
                        .update_person(
                            &p,
                            people[i].id,
                            PersonPatch {
                                position: Some(format!("Chuyên viên {seq}")),
                                position_since: Some(format!("{}-01-01", 2030 + seq)),
                                ..Default::default()
                            },
                        )
                        .await
                        .map(drop),
                    Action::ClusterManage => {
                        t.app
                            .sign_covenant(
                                &p,
                                clusters[i],
                                2022,
                                targets[0].1,
                                "Phó Chủ tịch UBND",
                                time::macros::date!(2022 - 03 - 30),
                            )
                            .await
                    }
                    Action::ClusterScore => {
                        t.app
                            .put_scores(
                                &p,
                                clusters[i],
                                2022,
                                *target,
                                &[tdkt_app::conference::ScoreEntry {
                                    target: targets[0].1,
                                    criterion: "1".into(),
                                    points: 5.0,
                                    note: None,
                                }],
                                &[],
                            )
                            .await
                    }
                    Action::ClusterVote => {
                        let b = s
                            .create_ballot(
                                &sys,
                                clusters[i],
                                2022,
                                "Bỏ phiếu",
                                r#"{"quorum":0.5,"categories":[]}"#,
                            )
                            .await
                            .unwrap();
                        s.open_ballot(
                            &sys,
                            b.id,
                            r#"{"eligible_voters":3,"quorum":0.5,"categories":[]}"#,
                            "h",
                        )
                        .await
                        .unwrap();
                        t.app.cast_vote(&p, b.id, *target, Default::default()).await
                    }
                    Action::InitiativeReview => {
                        let i = s
                            .create_initiative(
                                &sys,
                                tdkt_store::NewInitiative {
                                    code: format!("SK-{seq}"),
                                    title: "Sáng kiến".into(),
                                    unit_id: *target,
                                    field: None,
                                    submitted_on: time::macros::date!(2025 - 03 - 01),
                                    authors: vec![people[i].id],
                                },
                            )
                            .await
                            .unwrap();
                        t.app
                            .review_initiative(
                                &p,
                                i.id,
                                tdkt_app::history::InitiativeReviewInput {
                                    scope: "co_so".into(),
                                    recognized_on: "2025-10-01".into(),
                                    effect: None,
                                },
                            )
                            .await
                            .map(drop)
                    }
                    Action::CatalogWrite => t
                        .app
                        .create_local_award_kind(
                            &p,
                            tdkt_store::LocalAwardKind {
                                code: format!("giay_khen_rieng_{seq}"),
                                name: "Giấy khen riêng".into(),
                                kind: tdkt_domain::eligibility::AwardKind::Form,
                                subjects: vec!["ca_nhan".into()],
                                level: "co_so".into(),
                                granted_by: "Giám đốc Sở".into(),
                                bonus: 0.3,
                                unit_id: *target,
                            },
                        )
                        .await
                        .map(drop),
                    Action::UserAdmin => {
                        let code = s.unit(*target).await.unwrap().code;
                        t.app
                            .create_user(
                                Some(&p),
                                UserInput {
                                    username: format!("moi{seq}"),
                                    display_name: "Tài khoản mới".into(),
                                    password: "mật khẩu 2025".into(),
                                    grants: vec![("nguoi_xem".into(), code)],
                                },
                            )
                            .await
                            .map(drop)
                    }
                    Action::DossierRead => t.app.dossier_view(&p, readable[i]).await.map(drop),
                    Action::DossierPrepare => t
                        .app
                        .create_dossier(
                            &p,
                            DossierInput {
                                title: format!("Đề nghị khen thưởng {seq}"),
                                unit_id: *target,
                                authority_id: None,
                                kind: "cong_trang".into(),
                                year: 2026,
                                movement_id: None,
                                cluster_proposal_id: None,
                                nominees: vec![NomineeInput {
                                    person_id: Some(people[i].id),
                                    unit_id: None,
                                    award_code: "giay_khen".into(),
                                    summary: "Hoàn thành tốt nhiệm vụ được giao".into(),
                                }],
                            },
                        )
                        .await
                        .map(drop),
                    // Receiving a submitted dossier decided by the target.
                    Action::DossierProcess => {
                        let d = dossier_in(
                            s,
                            *target,
                            people[i].id,
                            CommendationType::CongTrang,
                            State::Submitted,
                        )
                        .await;
                        t.app
                            .dossier_step(
                                &p,
                                d.id,
                                StepInput {
                                    step: "tiep_nhan".into(),
                                    version: d.version,
                                    reason: None,
                                    days: None,
                                },
                            )
                            .await
                            .map(drop)
                    }
                    // Approving an appraised sudden commendation decided by the target.
                    Action::DossierDecide => {
                        let d = dossier_in(
                            s,
                            *target,
                            people[i].id,
                            CommendationType::DotXuat,
                            State::Appraised,
                        )
                        .await;
                        t.app
                            .dossier_step(
                                &p,
                                d.id,
                                StepInput {
                                    step: "duyet".into(),
                                    version: d.version,
                                    reason: None,
                                    days: None,
                                },
                            )
                            .await
                            .map(drop)
                    }
                    // A vote on a ballot of the target authority whose frozen members include
                    // the caller.
                    Action::CouncilVote => {
                        let d = dossier_in(
                            s,
                            *target,
                            people[i].id,
                            CommendationType::CongTrang,
                            State::Consultation,
                        )
                        .await;
                        let n = &d.nominees[0];
                        let rules = CouncilRules::new(
                            vec![user.id],
                            &t.app.procedure,
                            vec![(
                                n.id,
                                n.name.clone(),
                                n.award_code.clone(),
                                "Giấy khen".into(),
                            )],
                        );
                        s.open_council_vote(
                            &sys,
                            d.id,
                            DossierMove {
                                expected_version: d.version,
                                from: State::Consultation,
                                to: State::CouncilVote,
                                step: Step::OpenVote,
                                reason: None,
                                today: time::macros::date!(2026 - 11 - 20),
                                due_on: None,
                                consultation_until: None,
                                revoke_awards: false,
                            },
                            &serde_json::to_string(&rules).unwrap(),
                            &rules.hash(),
                        )
                        .await
                        .unwrap();
                        t.app
                            .cast_council_vote(&p, d.id, BTreeMap::from([(n.id, Choice::Agree)]))
                            .await
                    }
                    // The target's own certificate layout for an award kind.
                    Action::TemplateWrite => {
                        let code = format!("giay_khen_mau_{seq}");
                        s.create_local_award_kind(
                            &sys,
                            tdkt_store::LocalAwardKind {
                                code: code.clone(),
                                name: "Giấy khen của đơn vị".into(),
                                kind: tdkt_domain::eligibility::AwardKind::Form,
                                subjects: vec!["ca_nhan".into()],
                                level: "co_so".into(),
                                granted_by: "Thủ trưởng đơn vị".into(),
                                bonus: 0.3,
                                unit_id: *target,
                            },
                        )
                        .await
                        .unwrap();
                        let layout = t.app.certificate_template(*target, &code).await.unwrap();
                        t.app
                            .put_certificate_template(&p, *target, &code, layout)
                            .await
                    }
                    // A fresh movement of the target's, under way, for each check.
                    Action::MovementManage => {
                        let f = movement_form(*target, seq);
                        t.app.create_movement(&p, &f).await.map(drop)
                    }
                    Action::MovementRegister => {
                        let m = movement_at(s, *target, seq).await;
                        t.app
                            .register(
                                &p,
                                m.id,
                                *target,
                                &tdkt_app::movements::RegistrationInput {
                                    year: t.app.today().year(),
                                    note: None,
                                    lines: vec![tdkt_app::movements::RegistrationLineInput {
                                        person_id: None,
                                        unit_id: Some(*target),
                                        award_code: "tap_the_lao_dong_tien_tien".into(),
                                    }],
                                },
                            )
                            .await
                            .map(drop)
                    }
                    Action::MovementReport => {
                        let m = movement_at(s, *target, seq).await;
                        t.app
                            .submit_report(
                                &p,
                                m.id,
                                m.milestones[0].id,
                                *target,
                                &tdkt_app::movements::ReportInput {
                                    text: "Báo cáo sơ kết của đơn vị".into(),
                                    values: vec![],
                                },
                                vec![],
                            )
                            .await
                            .map(drop)
                    }
                    // A round of the target's, one year per role (a round per authority and year).
                    Action::RoundManage => {
                        let year = 2000 + Role::ALL.iter().position(|r| r == role).unwrap() as i32;
                        t.app
                            .open_round(
                                &p,
                                tdkt_app::rounds::OpenRoundInput {
                                    authority_id: *target,
                                    year,
                                    note: None,
                                    unit_ids: Some(vec![*target]),
                                },
                            )
                            .await
                            .map(drop)
                    }
                    Action::RoundRate => {
                        let part = round_part(s, *target, seq).await;
                        t.app.put_round_ratings(&p, part, &[]).await.map(drop)
                    }
                    // Nothing is voted yet: past the rights the use case refuses otherwise, which
                    // still shows the rights were granted.
                    Action::RoundDecide => {
                        let part = round_part(s, *target, seq).await;
                        match t
                            .app
                            .issue_round_decision(
                                &p,
                                part,
                                tdkt_app::rounds::RoundDecisionInput {
                                    award_code: "lao_dong_tien_tien".into(),
                                    signed_on: "2025-12-20".into(),
                                    signer_name: "Người ký".into(),
                                    signer_title: "GIÁM ĐỐC".into(),
                                    proposal: None,
                                },
                            )
                            .await
                        {
                            Err(AppError::Forbidden(m)) => Err(AppError::Forbidden(m)),
                            _ => Ok(()),
                        }
                    }
                    Action::MovementFollow => {
                        let m = movement_at(s, *target, seq).await;
                        t.app
                            .registration_overview(&p, m.id, t.app.today().year())
                            .await
                            .map(drop)
                    }
                };
                let allowed = allows(*role, *action, *reach);
                let _ = &clusters;
                match (&result, allowed) {
                    (Ok(()), true) | (Err(AppError::Forbidden(_)), false) => {}
                    _ => panic!(
                        "{role} {action} {reach:?}: policy says {allowed}, use case gave {result:?}"
                    ),
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, Role::ALL.len() * Action::ALL.len() * 3);
}

/// A round of `unit`'s own (a year of its own per check) with the unit taking part; its
/// participant's id.
async fn round_part(s: &dyn tdkt_store::Store, unit: i64, seq: usize) -> i64 {
    let r = s
        .open_round(
            &tdkt_store::Actor::system("test"),
            tdkt_store::NewRound {
                authority_id: unit,
                year: 1000 + seq as i32,
                opened_on: time::macros::date!(2025 - 11 - 01),
                note: None,
                created_by: None,
                units: vec![tdkt_store::NewRoundUnit {
                    unit_id: unit,
                    depth: 0,
                    due_on: time::macros::date!(2025 - 12 - 15),
                }],
            },
        )
        .await
        .unwrap();
    s.round_units(r.id).await.unwrap()[0].id
}

/// A movement drafted for `authority` that targets it alone, this year.
fn movement_form(authority: i64, seq: usize) -> tdkt_app::movements::MovementForm {
    let year = tdkt_app::today().year();
    tdkt_app::movements::MovementForm {
        code: Some(format!("pt_{seq}")),
        name: format!("Phong trào thử {seq}"),
        slogan: None,
        goals: "Mục tiêu của phong trào thử".into(),
        authority_id: authority,
        level: "co_quan_don_vi".into(),
        kind: "chuyen_de".into(),
        scope: "co_quan".into(),
        starts_on: format!("{year}-01-01"),
        ends_on: format!("{year}-12-31"),
        parent_id: None,
        decision_number: Some("1/KH".into()),
        decision_date: Some(format!("{year}-01-01")),
        decision_signer: Some("Thủ trưởng".into()),
        registration_due_on: Some(format!("{year}-12-31")),
        target_kind: "danh_sach".into(),
        target_unit_id: None,
        target_cluster_id: None,
        target_unit_ids: vec![authority],
        criteria: vec![],
        milestones: vec![tdkt_app::movements::MilestoneForm {
            kind: "tong_ket".into(),
            name: "Tổng kết".into(),
            due_on: format!("{year}-12-31"),
        }],
        indicators: vec![],
    }
}

/// The same movement stored and brought under way (registration open all year).
async fn movement_at(
    s: &dyn tdkt_store::Store,
    authority: i64,
    seq: usize,
) -> tdkt_store::MovementRow {
    use tdkt_domain::movement::{
        LaunchLevel, MilestoneKind, MovementKind, MovementScope, MovementState as S,
        MovementStep as T, TargetKind,
    };
    let year = tdkt_app::today().year();
    let d = |m: u8, day: u8| tdkt_domain::dates::ymd(year, m, day);
    let sys = Actor::system("test");
    let m = s
        .create_movement(
            &sys,
            &tdkt_store::MovementInput {
                code: format!("dang_trien_khai_{seq}"),
                name: format!("Phong trào đang triển khai {seq}"),
                slogan: None,
                goals: "Mục tiêu".into(),
                authority_id: authority,
                level: LaunchLevel::Agency,
                kind: MovementKind::Thematic,
                scope: MovementScope::Agency,
                starts_on: d(1, 1),
                ends_on: d(12, 31),
                parent_id: None,
                decision_number: Some("1/KH".into()),
                decision_date: Some(d(1, 1)),
                decision_signer: Some("Thủ trưởng".into()),
                registration_due_on: Some(d(12, 31)),
                target_kind: TargetKind::List,
                target_unit_id: None,
                target_cluster_id: None,
                targets: vec![authority],
                criteria: vec![],
                milestones: vec![tdkt_store::MilestoneInput {
                    kind: MilestoneKind::Final,
                    name: "Tổng kết".into(),
                    due_on: d(12, 31),
                }],
                indicators: vec![],
            },
            None,
            d(1, 1),
        )
        .await
        .unwrap();
    let mut m = m;
    for (from, step, to) in [
        (S::Draft, T::Launch, S::Launched),
        (S::Launched, T::Start, S::UnderWay),
    ] {
        m = s
            .move_movement(
                &sys,
                m.id,
                &tdkt_store::MovementMove {
                    expected_version: m.version,
                    from,
                    to,
                    step,
                    reason: None,
                    today: d(1, 2),
                },
            )
            .await
            .unwrap();
    }
    m
}
