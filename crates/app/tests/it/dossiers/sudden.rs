//! The simplified procedure of a sudden commendation (đột xuất): shorter time limits, and from
//! appraisal straight to the leader and a decision, without consultation or council. A merit
//! dossier cannot take that path.

use tdkt_app::on_both;
use tdkt_app::register::RegisterQuery;
use tdkt_app::testing::Backend;
use tdkt_app::{AppError, today};
use tdkt_domain::dossier::{CommendationType, State, Step};
use tdkt_store::DossierRow;

use super::fixtures::*;

on_both!(
    a_sudden_commendation_has_shorter_time_limits,
    only_the_leader_approves_a_sudden_commendation,
    a_sudden_commendation_goes_straight_to_a_decision,
    a_merit_dossier_waits_for_the_council_not_the_leader,
);

/// Bình's Giấy khen for saving a pupil from drowning, appraised.
async fn rescue(w: &World) -> DossierRow {
    w.appraised(
        "dot_xuat",
        vec![person_nominee(
            w.binh.id,
            "giay_khen",
            "Dũng cảm cứu học sinh bị đuối nước",
        )],
    )
    .await
}

async fn a_sudden_commendation_has_shorter_time_limits(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = rescue(&w).await;
    assert_eq!(d.state, State::Appraised);
    assert_eq!(d.kind, CommendationType::DotXuat);
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
}

/// The leader's step, not the specialist's: it is on the leader's page and in the leader's
/// inbox.
async fn only_the_leader_approves_a_sudden_commendation(b: Backend) {
    let w = world(b).await;
    let d = rescue(&w).await;
    assert!(matches!(
        refused(&w, Some(d.id), w.step(&w.specialist, d.id, "duyet", None)).await,
        AppError::Forbidden(_)
    ));
    let view = w.t.app.dossier_view(&w.leader, d.id).await.unwrap();
    assert!(view.steps.contains(&Step::Approve));
    assert_eq!(w.inbox(&w.leader, "duyet").await, [d.id]);
}

/// Approved and decided with neither consultation nor council on the way; the award is in the
/// register.
async fn a_sudden_commendation_goes_straight_to_a_decision(b: Backend) {
    let w = world(b).await;
    let d = rescue(&w).await;
    let d = w.step(&w.leader, d.id, "duyet", None).await.unwrap();
    assert_eq!(d.state, State::Approved);
    let dec = w.issue(d.id).await.unwrap();
    assert_eq!(dec.number, "1/QĐ-UBND");
    let d = w.t.store().dossier(d.id).await.unwrap();
    assert_eq!(d.state, State::DecisionIssued);
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
    let reg =
        w.t.app
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
}

/// The same step on a merit (công trạng) dossier straight from appraisal is refused.
async fn a_merit_dossier_waits_for_the_council_not_the_leader(b: Backend) {
    let w = world(b).await;
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
    let view = w.t.app.dossier_view(&w.leader, c.id).await.unwrap();
    assert!(!view.steps.contains(&Step::Approve));
}
