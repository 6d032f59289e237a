//! The council's vote is secret.

use super::*;

on_both!(the_council_vote_is_secret);

async fn the_council_vote_is_secret(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();
    let voters = w.t.raw_columns("council_voters").await;
    let papers = w.t.raw_columns("council_papers").await;
    assert_eq!(voters, ["ballot_id", "user_id", "mode"]);
    assert_eq!(papers, ["ballot_id", "paper_key", "choices_json"]);
    let common: Vec<&String> = voters.iter().filter(|c| papers.contains(c)).collect();
    assert_eq!(common, ["ballot_id"], "nothing links a voter to a paper");

    let d = w
        .in_council(vec![
            person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ năm 2026",
            ),
            unit_nominee(
                w.school.id,
                "co_thi_dua_tinh",
                "Dẫn đầu khối thi đua các trường",
            ),
        ])
        .await;
    let id = d.id;
    let duc_n = World::nominee(&d, Some(w.duc.id), None);
    let paper = |c: Choice| BTreeMap::from([(duc_n, c)]);
    // A council account created after the vote opened is not in the frozen list.
    let late = user(&w.t, "hoidong_moi", Role::CouncilMember, w.province.id).await;
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(&late, id, paper(Choice::Agree))
        )
        .await,
        AppError::Forbidden(_)
    ));
    // Nor may the Board vote in a member's place, except by recording a written paper.
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(&w.specialist, id, paper(Choice::Agree))
        )
        .await,
        AppError::Forbidden(_)
    ));
    assert!(matches!(
        refused(
            &w,
            None,
            app.record_written_vote(&w.specialist, id, late.user_id, paper(Choice::Agree))
        )
        .await,
        AppError::Invalid(_)
    ));
    // A paper about someone not on the ballot is refused.
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(
                &w.members[0],
                id,
                BTreeMap::from([(999_999, Choice::Agree)])
            )
        )
        .await,
        AppError::Invalid(_)
    ));

    app.cast_council_vote(&w.members[0], id, paper(Choice::Disagree))
        .await
        .unwrap();
    let msg = conflict(
        refused(
            &w,
            None,
            app.cast_council_vote(&w.members[0], id, paper(Choice::Agree)),
        )
        .await,
    );
    assert!(msg.contains("đã bỏ phiếu"), "{msg}");
    let msg = conflict(
        refused(
            &w,
            None,
            app.record_written_vote(
                &w.specialist,
                id,
                w.members[0].user_id,
                paper(Choice::Agree),
            ),
        )
        .await,
    );
    assert!(msg.contains("đã bỏ phiếu"), "{msg}");
    for m in &w.members[1..4] {
        app.cast_council_vote(m, id, paper(Choice::Agree))
            .await
            .unwrap();
    }
    app.record_written_vote(
        &w.specialist,
        id,
        w.members[4].user_id,
        paper(Choice::Agree),
    )
    .await
    .unwrap();
    let view = app.dossier_view(&w.members[1], id).await.unwrap();
    assert!(view.may_vote && view.has_voted);
    let roll = app.council_roll(&w.specialist, id).await.unwrap();
    assert_eq!(roll.len(), 5);
    assert!(roll.iter().all(|l| l.mode.is_some()));

    // The audit log says who voted and how, never what.
    let entries = s.audit_entries(0, 10_000).await.unwrap();
    let votes: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "council.vote")
        .collect();
    assert_eq!(votes.len(), 5);
    for e in votes {
        let after = e.after.as_deref().unwrap_or("");
        assert!(after.contains("mode"), "{after}");
        assert!(
            !after.contains("dong_y") && !after.contains("choices"),
            "{after}"
        );
    }
    let result = app.close_council_vote(&w.specialist, id).await.unwrap();
    assert_eq!((result.items[0].agree, result.items[0].disagree), (4, 1));
    // Closed: no more papers.
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(&late, id, paper(Choice::Agree))
        )
        .await,
        AppError::Conflict(_)
    ));
}
