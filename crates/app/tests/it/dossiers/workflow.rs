//! Steps of the procedure: each applies only at the version the caller saw (two specialists
//! receiving at once: one wins), a returned dossier keeps every document version, reasons and
//! roles are checked.

use tdkt_app::AppError;
use tdkt_app::dossiers::StepInput;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::dossier::State;
use tdkt_store::DossierRow;

use super::fixtures::*;

on_both!(
    two_specialists_receive_at_once_one_wins,
    a_version_seen_before_a_step_is_refused_whatever_the_step,
    a_draft_list_from_a_stale_version_is_refused,
    returning_a_dossier_keeps_every_version,
    an_unknown_step_is_refused,
    a_return_needs_a_reason_of_five_letters,
    a_step_of_another_role_is_forbidden,
);

fn duc_merit(w: &World) -> Vec<tdkt_app::dossiers::NomineeInput> {
    vec![person_nominee(
        w.duc.id,
        "bang_khen_tinh",
        "Hoàn thành xuất sắc nhiệm vụ",
    )]
}

/// A submitted dossier for Đức and Bình, received by the Board.
async fn received(w: &World) -> DossierRow {
    let d = w
        .submitted(
            "cong_trang",
            vec![
                person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
                person_nominee(w.binh.id, "giay_khen", "Hoàn thành tốt nhiệm vụ được giao"),
            ],
        )
        .await;
    w.step(&w.specialist, d.id, "tiep_nhan", None)
        .await
        .unwrap()
}

/// Three times over: both specialists receive the same submitted dossier at the same version
/// at once; one succeeds, the other is told someone else was first, and the timeline has one
/// receipt.
async fn two_specialists_receive_at_once_one_wins(b: Backend) {
    let w = world(b).await;
    for _ in 0..3 {
        let d = w.submitted("cong_trang", duc_merit(&w)).await;
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
    }
}

async fn a_version_seen_before_a_step_is_refused_whatever_the_step(b: Backend) {
    let w = world(b).await;
    let d = w.submitted("cong_trang", duc_merit(&w)).await;
    w.step_at(&w.specialist, d.id, d.version, "tiep_nhan", None)
        .await
        .unwrap();
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
}

/// The same for the unit's list on a draft.
async fn a_draft_list_from_a_stale_version_is_refused(b: Backend) {
    let w = world(b).await;
    let draft = w.draft("cong_trang", duc_merit(&w)).await;
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

/// The Board returns a dossier under appraisal for a supplement, with its reason on the
/// timeline; the unit adds a new version of the report (the first one stays) and sends it
/// back. No document version is lost and the timeline keeps its past at every step.
async fn returning_a_dossier_keeps_every_version(b: Backend) {
    let w = world(b).await;
    let d = w.draft("cong_trang", duc_merit(&w)).await;
    let id = d.id;
    let mut trail = Trail::new(id);
    trail.check(&w, 1, "tạo hồ sơ").await;
    w.upload(id, None, "to_trinh", "to-trinh.pdf", pdf("tờ trình"))
        .await;
    let report = w
        .upload(
            id,
            None,
            "bao_cao_thanh_tich",
            "bao-cao.pdf",
            pdf("báo cáo bản 1"),
        )
        .await;
    trail.check(&w, 2, "tài liệu").await;
    for (p, step, state) in [
        (&w.clerk, "gui", State::Submitted),
        (&w.specialist, "tiep_nhan", State::Received),
        (&w.specialist, "tham_dinh", State::UnderAppraisal),
    ] {
        assert_eq!(w.step(p, id, step, None).await.unwrap().state, state);
        trail.check(&w, 1, step).await;
    }
    let why = "Báo cáo thành tích chưa có xác nhận của thủ trưởng đơn vị";
    let d = w
        .step(&w.specialist, id, "tra_lai", Some(why))
        .await
        .unwrap();
    assert_eq!(d.state, State::Returned);
    trail.check(&w, 1, "trả lại").await;
    assert_eq!(trail.events.last().unwrap().note.as_deref(), Some(why));
    assert_eq!(
        trail.versions.len(),
        2,
        "a returned dossier keeps its documents"
    );
    assert_eq!(w.inbox(&w.specialist, "bo_sung").await, [id]);
    assert!(w.inbox(&w.specialist, "tiep_nhan").await.is_empty());

    let returned_at = w.version(id).await;
    let report2 = w
        .upload(
            id,
            Some(report.id),
            "bao_cao_thanh_tich",
            "bao-cao-bo-sung.pdf",
            pdf("báo cáo bản 2, có xác nhận"),
        )
        .await;
    assert_eq!(report2.id, report.id);
    assert_eq!(
        report2
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(report2.versions[0], report.versions[0]);
    assert_eq!(report2.versions[1].state, State::Returned);
    trail.check(&w, 1, "bổ sung báo cáo").await;
    assert_eq!(trail.versions.len(), 3);
    assert_eq!(
        w.version(id).await,
        returned_at,
        "an upload does not move the version"
    );
    let d = w.step(&w.clerk, id, "gui_bo_sung", None).await.unwrap();
    assert_eq!(
        (d.state, d.version),
        (State::UnderAppraisal, returned_at + 1)
    );
    trail.check(&w, 1, "gửi bổ sung").await;
    assert_eq!(trail.versions.len(), 3);
}

async fn an_unknown_step_is_refused(b: Backend) {
    let w = world(b).await;
    let d = w.draft("cong_trang", duc_merit(&w)).await;
    w.upload(d.id, None, "to_trinh", "to-trinh.pdf", pdf("tờ trình"))
        .await;
    w.upload(
        d.id,
        None,
        "bao_cao_thanh_tich",
        "bao-cao.pdf",
        pdf("báo cáo"),
    )
    .await;
    let (f, _) = invalid(refused(&w, Some(d.id), w.step(&w.clerk, d.id, "bay_len", None)).await);
    assert_eq!(f, "step");
    w.step(&w.clerk, d.id, "gui", None).await.unwrap();
}

async fn a_return_needs_a_reason_of_five_letters(b: Backend) {
    let w = world(b).await;
    let id = received(&w).await.id;
    for reason in [None, Some("    "), Some("sai")] {
        let (f, m) =
            invalid(refused(&w, Some(id), w.step(&w.specialist, id, "tra_lai", reason)).await);
        assert_eq!(f, "ly_do");
        assert!(m.contains("cần ghi lý do (ít nhất 5 ký tự)"), "{m}");
    }
}

/// Steps of someone else's role are refused as forbidden.
async fn a_step_of_another_role_is_forbidden(b: Backend) {
    let w = world(b).await;
    let id = received(&w).await.id;
    assert!(matches!(
        refused(&w, Some(id), w.step(&w.clerk, id, "tham_dinh", None)).await,
        AppError::Forbidden(_)
    ));
    w.step(&w.specialist, id, "tham_dinh", None).await.unwrap();
}
