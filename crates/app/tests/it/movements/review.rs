//! The review (sơ kết, tổng kết): candidates ranked by their reports; the dossier the board
//! opens for the chosen ones, linked to the movement and already received; refused before a
//! review, off target or of the wrong kind; carried to a decision, the awards name the movement.

use tdkt_app::decision::DecisionInput;
use tdkt_app::dossiers::{AppraisalInput, StepInput};
use tdkt_app::movements::ReviewInput;
use tdkt_app::on_both;
use tdkt_app::register::RegisterQuery;
use tdkt_app::testing::Backend;
use tdkt_domain::dossier::{CommendationType, State, Step};
use tdkt_domain::movement::MovementState;
use tdkt_store::DossierRow;

use super::fixtures::*;

on_both!(
    candidates_rank_by_how_far_units_reached_their_targets,
    a_review_dossier_is_opened_received_and_linked_to_the_movement,
    a_review_dossier_is_refused_before_a_review_off_target_or_of_another_kind,
    the_awards_decided_from_a_review_name_the_movement,
);

fn review(unit_ids: Vec<i64>, person_ids: Vec<i64>, kind: Option<&str>) -> ReviewInput {
    ReviewInput {
        title: "Khen thưởng sơ kết phong trào chuyển đổi số".into(),
        kind: kind.map(str::to_string),
        award_code: "bang_khen_tinh".into(),
        unit_ids,
        person_ids,
        summary: "Dẫn đầu phong trào chuyển đổi số 6 tháng đầu năm".into(),
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// At the mid-term review: the school reached 40 % of its count and 112.5 % of its percentage
/// (mean 76.25), the dept 50 % and 87.5 % (68.75), dept2 reported nothing; one milestone is
/// due.
async fn candidates_rank_by_how_far_units_reached_their_targets(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    w.step(&w.specialist, r.m.id, "so_ket", None).await.unwrap();
    let c =
        w.t.app
            .review_candidates(&w.specialist, r.m.id)
            .await
            .unwrap();
    assert_eq!(
        c.iter().map(|c| c.unit_id).collect::<Vec<_>>(),
        [w.school.id, w.dept.id, w.dept2.id]
    );
    assert!(close(c[0].score, 76.25), "{:?}", c[0].score);
    assert!(close(c[1].score, 68.75), "{:?}", c[1].score);
    assert_eq!(c[2].score, None);
    assert_eq!(c.iter().map(|c| c.due).collect::<Vec<_>>(), [1, 1, 1]);
    // The dept was late, dept2 missing. (The school's count is left out here: it also counts
    // its early final report, which is not due yet; see `known_bugs`.)
    assert_eq!((c[1].on_time, c[2].on_time), (0, 0));
    assert!(c[0].on_time >= 1);
    assert_eq!(c[0].unit_name, w.school.name);
}

async fn a_review_dossier_is_opened_received_and_linked_to_the_movement(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    let m = w.step(&w.specialist, r.m.id, "so_ket", None).await.unwrap();
    let seq = w.audit_seq().await;
    let d =
        w.t.app
            .open_review_dossier(
                &w.specialist,
                m.id,
                &review(vec![w.school.id], vec![], None),
            )
            .await
            .unwrap();
    assert!(w.audit_seq().await > seq);
    assert_eq!(d.kind, CommendationType::ChuyenDe);
    assert_eq!(d.state, State::Received);
    assert_eq!(d.movement_id, Some(m.id));
    assert_eq!(d.movement_name.as_deref(), Some(m.name.as_str()));
    assert_eq!((d.unit_id, d.authority_id), (w.province.id, w.province.id));
    assert_eq!(d.year, 2026);
    let nominees: Vec<_> = d
        .nominees
        .iter()
        .map(|n| (n.person_id, n.unit_id, n.award_code.as_str()))
        .collect();
    assert_eq!(nominees, [(None, Some(w.school.id), "bang_khen_tinh")]);
    // The timeline says where it came from: sent and received at once.
    let events = w.t.store().dossier_events(d.id).await.unwrap();
    let steps: Vec<Step> = events.iter().filter_map(|e| e.step).collect();
    assert_eq!(steps, [Step::Submit, Step::Receive]);
    assert!(
        events
            .iter()
            .filter(|e| e.step.is_some())
            .all(|e| e.note.as_deref().is_some_and(|n| n.contains(&m.name))),
        "{events:?}"
    );
    // The board's dossier page reads the same link.
    let view = w.t.app.dossier_view(&w.specialist, d.id).await.unwrap();
    assert_eq!(view.dossier.movement_id, Some(m.id));
    assert!(view.steps.contains(&Step::StartAppraisal));
    // After the final review too, a sudden (đột xuất) one for a unit and a person.
    let m = w.step(&w.leader, m.id, "tong_ket", None).await.unwrap();
    let d =
        w.t.app
            .open_review_dossier(
                &w.leader,
                m.id,
                &review(vec![w.dept.id], vec![w.duc.id], Some("dot_xuat")),
            )
            .await
            .unwrap();
    assert_eq!(
        (d.kind, d.state),
        (CommendationType::DotXuat, State::Received)
    );
    assert_eq!(d.nominees.len(), 2);
}

async fn a_review_dossier_is_refused_before_a_review_off_target_or_of_another_kind(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    let app = &w.t.app;
    let school = || review(vec![w.school.id], vec![], None);
    let msg = conflict(
        refused(
            &w,
            Some(r.m.id),
            app.open_review_dossier(&w.specialist, r.m.id, &school()),
        )
        .await,
    );
    assert!(msg.contains("sơ kết hoặc tổng kết"), "{msg}");
    let m = w.step(&w.specialist, r.m.id, "so_ket", None).await.unwrap();
    let cases = vec![
        // The province launches; it is not one of its own targets.
        (
            "unit_ids[1]",
            review(vec![w.school.id, w.province.id], vec![], None),
        ),
        ("unit_ids[0]", review(vec![w.other_dept.id], vec![], None)),
        (
            "kind",
            review(vec![w.school.id], vec![], Some("cong_trang")),
        ),
        ("kind", review(vec![w.school.id], vec![], Some("nien_han"))),
        ("unit_ids", review(vec![], vec![], None)),
        ("nominees[0].award_code", {
            let mut i = school();
            i.award_code = "huy_chuong_vang".into();
            i
        }),
        ("title", {
            let mut i = school();
            i.title = "Khen".into();
            i
        }),
    ];
    for (field, input) in cases {
        let e = refused(
            &w,
            Some(m.id),
            app.open_review_dossier(&w.specialist, m.id, &input),
        )
        .await;
        assert_eq!(invalid(e).0, field);
    }
    for p in [
        &w.clerk,
        &w.province_clerk,
        &w.other_specialist,
        &w.other_leader,
    ] {
        forbidden(refused(&w, Some(m.id), app.open_review_dossier(p, m.id, &school())).await);
    }
    // Resumed, or closed after the final review: no longer at a review.
    let m = w.step(&w.leader, m.id, "tiep_tuc", None).await.unwrap();
    assert_eq!(m.state, MovementState::UnderWay);
    conflict(
        refused(
            &w,
            Some(m.id),
            app.open_review_dossier(&w.specialist, m.id, &school()),
        )
        .await,
    );
    w.step(&w.leader, m.id, "tong_ket", None).await.unwrap();
    let m = w.step(&w.leader, m.id, "ket_thuc", None).await.unwrap();
    conflict(
        refused(
            &w,
            Some(m.id),
            app.open_review_dossier(&w.specialist, m.id, &school()),
        )
        .await,
    );
    assert!(
        app.inbox(&w.specialist)
            .await
            .unwrap()
            .iter()
            .all(|s| s.items.is_empty()),
        "no dossier was made"
    );
}

async fn dossier_step(
    w: &World,
    p: &tdkt_app::Principal,
    d: &DossierRow,
    step: &str,
) -> DossierRow {
    let version = w.t.store().dossier(d.id).await.unwrap().version;
    w.t.app
        .dossier_step(
            p,
            d.id,
            StepInput {
                step: step.into(),
                version,
                reason: None,
                days: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{step}: {e:?}"))
}

/// A sudden (đột xuất) dossier from the mid-term review, for the school and Đức, appraised,
/// approved and decided: the school's and Đức's awards in the register and on Đức's page name
/// the movement.
async fn the_awards_decided_from_a_review_name_the_movement(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    let app = &w.t.app;
    let m = w.step(&w.specialist, r.m.id, "so_ket", None).await.unwrap();
    let d = app
        .open_review_dossier(
            &w.specialist,
            m.id,
            &review(vec![w.school.id], vec![w.duc.id], Some("dot_xuat")),
        )
        .await
        .unwrap();
    let d = dossier_step(&w, &w.specialist, &d, "tham_dinh").await;
    let mut d = d;
    for n in d.nominees.clone() {
        d = app
            .appraise_nominee(
                &w.specialist,
                d.id,
                AppraisalInput {
                    version: Some(d.version),
                    nominee_id: n.id,
                    result: "dat".into(),
                    override_reason: Some(CHECKED.into()),
                },
            )
            .await
            .unwrap();
    }
    let d = dossier_step(&w, &w.specialist, &d, "xong_tham_dinh").await;
    let d = dossier_step(&w, &w.leader, &d, "duyet").await;
    assert_eq!(d.state, State::Approved);
    app.issue_decision(
        &w.leader,
        d.id,
        DecisionInput {
            version: d.version,
            signed_on: app.today().to_string(),
            signer_name: "Rah Lan Chung".into(),
            signer_title: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into(),
            proposal: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        w.t.store().dossier(d.id).await.unwrap().state,
        State::DecisionIssued
    );
    let reg = app
        .search_register(
            &w.leader,
            &RegisterQuery {
                collective: Some(w.school.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(reg.len(), 1);
    assert_eq!(reg[0].code, "bang_khen_tinh");
    assert_eq!(reg[0].movement_id, Some(m.id));
    assert_eq!(reg[0].movement_name.as_deref(), Some(m.name.as_str()));
    assert_eq!(reg[0].dossier_id, Some(d.id));
    let duc = app.person_view(&w.leader, w.duc.id).await.unwrap();
    let award = duc
        .awards
        .iter()
        .find(|a| a.code == "bang_khen_tinh")
        .expect("Đức's award");
    assert_eq!(award.movement_id, Some(m.id));
    assert_eq!(award.movement_name.as_deref(), Some(m.name.as_str()));
}
