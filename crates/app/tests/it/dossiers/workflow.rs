//! Workflow steps: optimistic concurrency, the simplified path of sudden commendation, forwarding above the authority.

use super::*;

on_both!(
    concurrent_steps_have_one_winner,
    sudden_commendation_goes_straight_to_the_leader,
    awards_above_the_authority_are_forwarded
);

async fn concurrent_steps_have_one_winner(b: Backend) {
    let w = world(b).await;
    let mut last = None;
    for _ in 0..3 {
        let d = w
            .submitted(
                "cong_trang",
                vec![person_nominee(
                    w.duc.id,
                    "bang_khen_tinh",
                    "Hoàn thành xuất sắc nhiệm vụ",
                )],
            )
            .await;
        let mut handles = Vec::new();
        for p in [w.specialist.clone(), w.specialist2.clone()] {
            let app = w.t.app.clone();
            let (id, version) = (d.id, d.version);
            handles.push(tokio::spawn(async move {
                app.dossier_step(
                    &p,
                    id,
                    StepInput {
                        step: "tiep_nhan".into(),
                        version,
                        reason: None,
                        days: None,
                    },
                )
                .await
            }));
        }
        let mut ok = 0;
        for h in handles {
            match h.await.unwrap() {
                Ok(x) => {
                    assert_eq!((x.state, x.version), (State::Received, d.version + 1));
                    ok += 1;
                }
                Err(AppError::Conflict(m)) => {
                    assert!(m.contains("vừa được người khác cập nhật"), "{m}")
                }
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        assert_eq!(ok, 1);
        let after = w.t.store().dossier(d.id).await.unwrap();
        assert_eq!(
            (after.state, after.version),
            (State::Received, d.version + 1)
        );
        let received =
            w.t.store()
                .dossier_events(d.id)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.step.map(|x| x.code()) == Some("tiep_nhan"))
                .count();
        assert_eq!(received, 1, "one receipt on the timeline");
        last = Some(d);
    }
    // A version seen before a successful step is refused, whatever the step.
    let d = last.unwrap();
    for step in ["tham_dinh", "tiep_nhan"] {
        let msg = conflict(
            refused(
                &w,
                Some(d.id),
                w.step_at(&w.specialist, d.id, d.version, step, None),
            )
            .await,
        );
        assert!(
            msg.contains("vừa được người khác cập nhật"),
            "{step}: {msg}"
        );
    }
    // The same for the unit's list on a draft.
    let draft = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
        )
        .await;
    let list = [person_nominee(
        w.binh.id,
        "giay_khen",
        "Hoàn thành tốt nhiệm vụ được giao",
    )];
    w.t.app
        .update_nominees(&w.clerk, draft.id, 1, &list)
        .await
        .unwrap();
    let msg = conflict(
        refused(
            &w,
            Some(draft.id),
            w.t.app.update_nominees(&w.clerk, draft.id, 1, &list),
        )
        .await,
    );
    assert!(msg.contains("vừa được người khác cập nhật"), "{msg}");
}

async fn sudden_commendation_goes_straight_to_the_leader(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .appraised(
            "dot_xuat",
            vec![person_nominee(
                w.binh.id,
                "giay_khen",
                "Dũng cảm cứu học sinh bị đuối nước",
            )],
        )
        .await;
    assert_eq!(d.state, State::Appraised);
    assert_eq!(d.kind, CommendationType::DotXuat);
    // Shorter time limits on the simplified procedure.
    assert_eq!(
        d.due_on,
        app.procedure
            .due(State::Appraised, CommendationType::DotXuat, today())
    );
    assert!(
        app.procedure
            .limit(State::Appraised, CommendationType::DotXuat)
            < app
                .procedure
                .limit(State::Appraised, CommendationType::CongTrang)
    );
    // The leader's step, not the specialist's.
    assert!(matches!(
        refused(&w, Some(d.id), w.step(&w.specialist, d.id, "duyet", None)).await,
        AppError::Forbidden(_)
    ));
    let view = app.dossier_view(&w.leader, d.id).await.unwrap();
    assert!(view.steps.contains(&tdkt_domain::dossier::Step::Approve));
    assert_eq!(w.inbox(&w.leader, "duyet").await, [d.id]);
    let d = w.step(&w.leader, d.id, "duyet", None).await.unwrap();
    assert_eq!(d.state, State::Approved);
    let dec = w.issue(d.id).await.unwrap();
    assert_eq!(dec.number, "1/QĐ-UBND");
    let d = w.t.store().dossier(d.id).await.unwrap();
    assert_eq!(d.state, State::DecisionIssued);
    // Neither consultation nor council on the way.
    assert!(w.t.store().council_ballot(d.id).await.unwrap().is_none());
    let steps: Vec<String> =
        w.t.store()
            .dossier_events(d.id)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|e| e.step.map(|s| s.code().to_string()))
            .collect();
    assert_eq!(
        steps,
        [
            "gui",
            "tiep_nhan",
            "tham_dinh",
            "xong_tham_dinh",
            "duyet",
            "ra_quyet_dinh"
        ]
    );
    let reg = app
        .search_register(
            &w.leader,
            &RegisterQuery {
                person: Some(w.binh.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(reg.len(), 1);
    assert_eq!(reg[0].code, "giay_khen");

    // The same step on a merit (công trạng) dossier straight from appraisal is refused.
    let c = w
        .appraised(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
        )
        .await;
    assert!(
        !w.inbox(&w.leader, "duyet").await.contains(&c.id),
        "a merit dossier waits for the council, not the leader"
    );
    let msg = conflict(refused(&w, Some(c.id), w.step(&w.leader, c.id, "duyet", None)).await);
    assert!(
        msg.contains("Đã thẩm định") && msg.contains("không thể"),
        "{msg}"
    );
    let view = app.dossier_view(&w.leader, c.id).await.unwrap();
    assert!(!view.steps.contains(&tdkt_domain::dossier::Step::Approve));
}

async fn awards_above_the_authority_are_forwarded(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .appraised(
            "dot_xuat",
            vec![
                person_nominee(
                    w.duc.id,
                    "bang_khen_thu_tuong",
                    "Thành tích đặc biệt xuất sắc đột xuất",
                ),
                person_nominee(w.binh.id, "giay_khen", "Dũng cảm cứu học sinh bị đuối nước"),
            ],
        )
        .await;
    let view = app.dossier_view(&w.leader, d.id).await.unwrap();
    assert_eq!(view.above_power, ["bang_khen_thu_tuong"]);
    // A province does not grant the Prime Minister's certificate: the leader cannot approve.
    let msg = conflict(refused(&w, Some(d.id), w.step(&w.leader, d.id, "duyet", None)).await);
    assert!(msg.contains("thẩm quyền"), "{msg}");
    let before = app.forward_list_pdf(&w.specialist, d.id).await.unwrap();
    assert!(before.starts_with(b"%PDF-"));
    let d = w
        .step(&w.specialist, d.id, "chuyen_cap_tren", None)
        .await
        .unwrap();
    assert_eq!(d.state, State::Forwarded);
    let list = app.forward_list_pdf(&w.leader, d.id).await.unwrap();
    assert!(list.len() > 1000 && list.starts_with(b"%PDF-"));
    // Forwarded is final here.
    assert!(matches!(
        refused(&w, Some(d.id), w.step(&w.leader, d.id, "duyet", None)).await,
        AppError::Conflict(_)
    ));

    // A dossier entirely within the province's power is not forwarded.
    let inside = w
        .appraised(
            "dot_xuat",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Thành tích xuất sắc đột xuất",
            )],
        )
        .await;
    let msg = conflict(
        refused(
            &w,
            Some(inside.id),
            w.step(&w.leader, inside.id, "chuyen_cap_tren", None),
        )
        .await,
    );
    assert!(msg.contains("trong thẩm quyền"), "{msg}");
    assert!(
        app.dossier_view(&w.leader, inside.id)
            .await
            .unwrap()
            .above_power
            .is_empty()
    );
}
