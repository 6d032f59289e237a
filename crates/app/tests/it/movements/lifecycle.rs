//! The movement's lifecycle through the use case: every (state, step, role) goes exactly as the
//! domain's table says and a refusal writes nothing; what a launch needs; a cancellation's
//! reason; stale pages; another province's board; drafts kept private until launched.

use tdkt_app::AppError;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::access::Role;
use tdkt_domain::movement::{MovementState, MovementStep, TRANSITIONS, steps_for};
use tdkt_store::Paging;

use super::fixtures::*;

on_both!(
    every_state_step_and_role_goes_exactly_as_the_table_says,
    a_launch_needs_the_decision_a_milestone_and_targets,
    a_cancellation_needs_a_reason,
    a_stale_version_is_a_conflict,
    the_board_of_another_province_is_forbidden,
    drafts_stay_private_until_launched,
);

/// 7 states × 7 steps × 3 roles (each granted on the launching province itself, so only the
/// role differs): allowed exactly where `TRANSITIONS` lists the state and step with the role;
/// an allowed step moves the state as listed, the version by one and the audit by one entry; a
/// refused one is a conflict (no such step from here) or forbidden (not this role's), and
/// writes nothing. The movement page offers exactly the steps the table gives the role.
async fn every_state_step_and_role_goes_exactly_as_the_table_says(b: Backend) {
    let w = world(b).await;
    let who = [
        (Role::BoardSpecialist, &w.specialist),
        (Role::BoardLeader, &w.leader),
        (Role::UnitClerk, &w.province_clerk),
    ];
    let (mut checked, mut allowed) = (0, 0);
    for state in MovementState::ALL {
        let mut m = w.at(*state).await;
        // The buttons of the page.
        for (role, p) in who {
            match w.t.app.movement_view(p, m.id).await {
                Ok(view) => {
                    assert_eq!(view.steps, steps_for(*state, role), "{role} at {state}");
                    assert_eq!(
                        view.may_manage,
                        role != Role::UnitClerk,
                        "{role} at {state}"
                    );
                }
                Err(e) => {
                    assert!(
                        role == Role::UnitClerk && !state.is_public(),
                        "{role} at {state}: {e:?}"
                    );
                    forbidden(e);
                }
            }
        }
        for step in MovementStep::ALL {
            let row = TRANSITIONS
                .iter()
                .find(|t| t.from == *state && t.step == *step);
            for (role, p) in who {
                checked += 1;
                let what = format!("{role} «{step}» from {state}");
                // A reason always, so that only the table decides.
                let reason = step.needs_reason().then_some(REASON);
                match row {
                    Some(t) if t.roles.contains(&role) => {
                        let seq = w.audit_seq().await;
                        let after = w
                            .step(p, m.id, step.code(), reason)
                            .await
                            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
                        assert_eq!(after.state, t.to, "{what}");
                        assert_eq!(after.version, m.version + 1, "{what}");
                        assert_eq!(after.state_since, w.t.app.today(), "{what}");
                        assert_eq!(w.audit_seq().await, seq + 1, "{what}");
                        allowed += 1;
                        // The next role tries on a movement still in `state`.
                        m = w.at(*state).await;
                    }
                    _ => {
                        let e = refused(&w, Some(m.id), w.step(p, m.id, step.code(), reason)).await;
                        match (row, role) {
                            (_, Role::UnitClerk) | (Some(_), _) => {
                                assert!(matches!(e, AppError::Forbidden(_)), "{what}: {e:?}")
                            }
                            (None, _) => {
                                assert!(matches!(e, AppError::Conflict(_)), "{what}: {e:?}")
                            }
                        }
                        assert_eq!(
                            w.t.store().movement(m.id).await.unwrap().state,
                            *state,
                            "{what}"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(
        checked,
        MovementState::ALL.len() * MovementStep::ALL.len() * 3
    );
    // Every transition was taken by each of its roles (the table gives none to a clerk).
    assert_eq!(
        allowed,
        TRANSITIONS.iter().map(|t| t.roles.len()).sum::<usize>()
    );
}

/// A launch needs the decision's number, date and signer, a milestone and a target; each
/// missing one is named, nothing is written and the draft stays a draft. Completed by an
/// update, the same draft launches.
async fn a_launch_needs_the_decision_a_milestone_and_targets(b: Backend) {
    let w = world(b).await;
    type Change = fn(&mut tdkt_app::movements::MovementForm);
    let cases: [(&str, Change); 5] = [
        ("decision_number", |f| f.decision_number = None),
        ("decision_date", |f| f.decision_date = None),
        ("decision_signer", |f| {
            f.decision_signer = Some("   ".into())
        }),
        ("milestones", |f| f.milestones.clear()),
        ("targets", |f| {
            f.target_kind = "danh_sach".into();
            f.target_unit_id = None;
            f.target_unit_ids = vec![];
        }),
    ];
    for (field, change) in cases {
        let mut f = w.form();
        change(&mut f);
        let m = w.draft_of(&f).await;
        let e = refused(&w, Some(m.id), w.step(&w.leader, m.id, "phat_dong", None)).await;
        assert_eq!(invalid(e).0, field);
        assert_eq!(
            w.t.store().movement(m.id).await.unwrap().state,
            MovementState::Draft
        );
        if field == "decision_number" {
            let mut fixed = f.clone();
            fixed.decision_number = Some("15/KH-UBND".into());
            let m =
                w.t.app
                    .update_movement(&w.specialist, m.id, m.version, &fixed)
                    .await
                    .unwrap();
            let m = w
                .step(&w.specialist, m.id, "phat_dong", None)
                .await
                .unwrap();
            assert_eq!(m.state, MovementState::Launched);
            assert_eq!(m.decision_number.as_deref(), Some("15/KH-UBND"));
        }
    }
}

/// Cancelling without a reason (or with a too short one) is refused naming `ly_do`; with one it
/// goes through, and the audit entry carries the reason.
async fn a_cancellation_needs_a_reason(b: Backend) {
    let w = world(b).await;
    for state in [
        MovementState::Draft,
        MovementState::Launched,
        MovementState::UnderWay,
    ] {
        let m = w.at(state).await;
        for reason in [None, Some("  "), Some("huỷ")] {
            let e = refused(&w, Some(m.id), w.step(&w.leader, m.id, "huy", reason)).await;
            assert_eq!(invalid(e).0, "ly_do", "{state} {reason:?}");
        }
        let m = w.step(&w.leader, m.id, "huy", Some(REASON)).await.unwrap();
        assert_eq!(m.state, MovementState::Cancelled);
        let head = w.audit_seq().await;
        let last = w.t.store().audit_entries(head - 1, 1).await.unwrap();
        assert_eq!(last.len(), 1);
        assert!(format!("{:?}", last[0]).contains(REASON), "{:?}", last[0]);
    }
}

/// A step or an update at a version the caller no longer sees is a conflict and writes
/// nothing, also when the state it expects has moved on.
async fn a_stale_version_is_a_conflict(b: Backend) {
    let w = world(b).await;
    let m = w.draft().await;
    let seen = m.version;
    let mut f = w.form();
    f.name = "Thi đua chuyển đổi số (sửa)".into();
    let m2 =
        w.t.app
            .update_movement(&w.specialist, m.id, seen, &f)
            .await
            .unwrap();
    assert_eq!(m2.version, seen + 1);
    let msg = conflict(
        refused(
            &w,
            Some(m.id),
            w.step_at(&w.leader, m.id, seen, "phat_dong", None),
        )
        .await,
    );
    assert!(msg.contains("vừa được người khác cập nhật"), "{msg}");
    conflict(
        refused(
            &w,
            Some(m.id),
            w.t.app.update_movement(&w.specialist, m.id, seen, &f),
        )
        .await,
    );
    // Two leaders on the same page of a launched movement: the first starts it, the second's
    // cancellation meets a movement already under way.
    let m = w.step(&w.leader, m.id, "phat_dong", None).await.unwrap();
    let page = m.version;
    w.step_at(&w.leader, m.id, page, "trien_khai", None)
        .await
        .unwrap();
    conflict(
        refused(
            &w,
            Some(m.id),
            w.step_at(&w.leader, m.id, page, "huy", Some(REASON)),
        )
        .await,
    );
    let now = w.t.store().movement(m.id).await.unwrap();
    assert_eq!(
        (now.state, now.version),
        (MovementState::UnderWay, page + 1)
    );
}

/// The board of another province may neither draft for this province, nor see, change or step
/// its drafts, nor step its launched movements.
async fn the_board_of_another_province_is_forbidden(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let draft = w.draft().await;
    let launched = w.at(MovementState::Launched).await;
    for p in [&w.other_specialist, &w.other_leader] {
        forbidden(refused(&w, None, app.create_movement(p, &w.form())).await);
        forbidden(refused(&w, Some(draft.id), app.movement(p, draft.id)).await);
        forbidden(
            refused(
                &w,
                Some(draft.id),
                app.update_movement(p, draft.id, draft.version, &w.form()),
            )
            .await,
        );
        for (m, step) in [
            (&draft, "phat_dong"),
            (&draft, "huy"),
            (&launched, "trien_khai"),
            (&launched, "huy"),
        ] {
            forbidden(refused(&w, Some(m.id), w.step(p, m.id, step, Some(REASON))).await);
        }
        // A launched movement is public: it may be read, not managed.
        let view = app.movement_view(p, launched.id).await.unwrap();
        assert!(view.steps.is_empty() && !view.may_manage);
    }
}

/// A draft is the board's: a clerk cannot open it, and it is in no public list; launched, it
/// is public; cancelled, it leaves the public list again.
async fn drafts_stay_private_until_launched(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let m = w.draft().await;
    let public_ids = || async {
        app.public_movements(Paging::default())
            .await
            .unwrap()
            .items
            .iter()
            .map(|s| s.id)
            .collect::<Vec<i64>>()
    };
    let listed = |p: &tdkt_app::Principal| {
        let p = p.clone();
        async move {
            app.movements(&p, Some(2026), None, Paging::default())
                .await
                .unwrap()
                .items
                .iter()
                .map(|s| s.id)
                .collect::<Vec<i64>>()
        }
    };
    forbidden(app.movement(&w.clerk, m.id).await.unwrap_err());
    forbidden(app.movement_view(&w.clerk, m.id).await.err().unwrap());
    assert!(matches!(
        app.public_movement(m.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(!public_ids().await.contains(&m.id));
    assert!(!listed(&w.clerk).await.contains(&m.id));
    assert!(listed(&w.specialist).await.contains(&m.id));
    assert_eq!(app.movement(&w.specialist, m.id).await.unwrap().id, m.id);

    let m = w.bring(m, MovementState::Launched).await;
    assert!(public_ids().await.contains(&m.id));
    let summary = app
        .public_movements(Paging::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|s| s.id == m.id)
        .unwrap();
    assert_eq!(summary.state, MovementState::Launched);
    assert_eq!(summary.targets, 3);
    assert_eq!(app.public_movement(m.id).await.unwrap().id, m.id);
    assert_eq!(app.movement(&w.clerk, m.id).await.unwrap().id, m.id);
    assert!(listed(&w.clerk).await.contains(&m.id));

    let m = w.step(&w.leader, m.id, "huy", Some(REASON)).await.unwrap();
    assert_eq!(m.state, MovementState::Cancelled);
    assert!(!public_ids().await.contains(&m.id));
    forbidden(app.movement(&w.clerk, m.id).await.unwrap_err());
}
