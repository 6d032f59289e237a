//! Awards above the deciding authority's power: the dossier is forwarded with its list, and
//! only so; one entirely within the power is not; after the council, only once the vote is
//! counted.

use std::collections::BTreeMap;

use tdkt_app::AppError;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::dossier::State;
use tdkt_domain::dossier::council::Choice;

use super::fixtures::*;

on_both!(
    awards_above_the_authority_are_forwarded,
    a_dossier_within_the_authority_is_not_forwarded,
    after_the_council_a_dossier_is_forwarded_once_the_vote_is_counted,
);

/// A province does not grant the Prime Minister's certificate: the leader cannot approve, the
/// Board forwards it with the list, and forwarded is final here.
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
    assert!(matches!(
        refused(&w, Some(d.id), w.step(&w.leader, d.id, "duyet", None)).await,
        AppError::Conflict(_)
    ));
}

async fn a_dossier_within_the_authority_is_not_forwarded(b: Backend) {
    let w = world(b).await;
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
        w.t.app
            .dossier_view(&w.leader, inside.id)
            .await
            .unwrap()
            .above_power
            .is_empty()
    );
}

/// A regular dossier is forwarded only after the council's vote is counted.
async fn after_the_council_a_dossier_is_forwarded_once_the_vote_is_counted(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .in_council(vec![person_nominee(
            w.duc.id,
            "bang_khen_thu_tuong",
            "Năm năm liền hoàn thành xuất sắc nhiệm vụ, ba lần CSTĐ cơ sở",
        )])
        .await;
    let e = w
        .step(&w.specialist, d.id, "chuyen_cap_tren", None)
        .await
        .unwrap_err();
    assert!(conflict(e).contains("chưa kết thúc bỏ phiếu"));
    let n = d.nominees[0].id;
    for m in &w.members {
        app.cast_council_vote(m, d.id, BTreeMap::from([(n, Choice::Agree)]))
            .await
            .unwrap();
    }
    app.close_council_vote(&w.specialist, d.id).await.unwrap();
    let d = w
        .step(&w.specialist, d.id, "chuyen_cap_tren", None)
        .await
        .unwrap();
    assert_eq!(d.state, State::Forwarded);
    let list = app.forward_list_pdf(&w.specialist, d.id).await.unwrap();
    assert!(list.starts_with(b"%PDF-"));
}
