//! The council's secret vote: put to the members frozen when it opened, on the nominees who
//! passed appraisal; a share of all members decides; written votes are entered by the Board;
//! nothing links a voter to a paper, and the audit log never says what anyone chose.

use std::collections::BTreeMap;

use tdkt_app::AppError;
use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp};
use tdkt_domain::access::Role;
use tdkt_domain::dossier::council::{Choice, CouncilRules};

use super::fixtures::*;

on_both!(
    nothing_links_a_voter_to_a_paper,
    the_vote_is_on_the_nominees_who_passed_appraisal,
    thresholds_count_all_members_not_the_votes_cast,
    a_member_who_voted_has_nothing_left_to_vote_on,
    votes_are_no_steps_of_the_dossier_but_closing_is,
    only_the_members_frozen_at_the_opening_vote,
    a_paper_about_someone_not_on_the_ballot_is_refused,
    a_member_votes_once_in_person_or_in_writing,
    the_audit_log_says_who_voted_and_how_never_what,
    a_closed_ballot_takes_no_papers,
    a_rejected_dossiers_ballot_takes_no_more_votes,
);

async fn nothing_links_a_voter_to_a_paper(b: Backend) {
    let t = TestApp::new(b).await;
    let voters = t.raw_columns("council_voters").await;
    let papers = t.raw_columns("council_papers").await;
    assert_eq!(voters, ["ballot_id", "user_id", "mode"]);
    assert_eq!(papers, ["ballot_id", "paper_key", "choices_json"]);
    let common: Vec<&String> = voters.iter().filter(|c| papers.contains(c)).collect();
    assert_eq!(common, ["ballot_id"], "nothing links a voter to a paper");
}

/// The frozen rules name the five members, their hash is the ballot's, and only the nominees
/// who passed appraisal are put to the vote.
async fn the_vote_is_on_the_nominees_who_passed_appraisal(b: Backend) {
    let w = world(b).await;
    let d = w.in_council_as(w.the_three()).await;
    let ballot = w.t.store().council_ballot(d.id).await.unwrap().unwrap();
    assert_eq!(ballot.status.code(), "mo");
    let rules: CouncilRules = serde_json::from_str(&ballot.rules_json).unwrap();
    let mut members = rules.members.clone();
    members.sort_unstable();
    assert_eq!(
        members,
        w.members.iter().map(|m| m.user_id).collect::<Vec<_>>()
    );
    assert_eq!(ballot.rule_hash, rules.hash());
    let mut asked: Vec<i64> = rules.questions.iter().map(|q| q.nominee_id).collect();
    asked.sort_unstable();
    let mut expected = vec![
        World::nominee(&d, Some(w.duc.id), None),
        World::nominee(&d, None, Some(w.school.id)),
    ];
    expected.sort_unstable();
    assert_eq!(asked, expected);
}

/// Bằng khen: more than half of ALL five members, i.e. 3; Cờ thi đua: 80% of five, i.e. 4.
/// Three present, one written, one absent: the quorum of four is met.
async fn thresholds_count_all_members_not_the_votes_cast(b: Backend) {
    let w = world(b).await;
    let v = w.council_closed().await;
    let result = &v.result;
    assert_eq!(
        (
            result.members,
            result.present,
            result.written,
            result.quorum_needed
        ),
        (5, 3, 1, 4)
    );
    assert!(result.quorum_met);
    let item = |n: i64| result.items.iter().find(|i| i.nominee_id == n).unwrap();
    let duc_item = item(v.duc);
    assert_eq!(
        (duc_item.agree, duc_item.disagree, duc_item.needed),
        (3, 1, 3)
    );
    assert!(duc_item.passed);
    assert_eq!(duc_item.threshold, "> 50% tổng số thành viên (3/5)");
    let school_item = item(v.school);
    assert_eq!(
        (school_item.agree, school_item.disagree, school_item.needed),
        (3, 1, 4)
    );
    assert!(
        !school_item.passed,
        "3 of 4 votes cast is 75%, but the share counts all five members"
    );
    assert_eq!(result.items.len(), 2);
    let s = w.t.store();
    let d = s.dossier(v.id).await.unwrap();
    let passed = |n: i64| {
        d.nominees
            .iter()
            .find(|x| x.id == n)
            .unwrap()
            .council_passed
    };
    assert_eq!(
        (passed(v.duc), passed(v.school), passed(v.binh)),
        (Some(true), Some(false), None)
    );
    assert_eq!(
        s.council_ballot(v.id).await.unwrap().unwrap().status.code(),
        "dong"
    );
    let minutes = w.t.app.council_minutes_pdf(&w.leader, v.id).await.unwrap();
    assert!(minutes.starts_with(b"%PDF-"));
}

async fn a_member_who_voted_has_nothing_left_to_vote_on(b: Backend) {
    let w = world(b).await;
    let d = w.in_council_as(w.the_three()).await;
    let (duc, school) = (
        World::nominee(&d, Some(w.duc.id), None),
        World::nominee(&d, None, Some(w.school.id)),
    );
    assert_eq!(w.inbox(&w.members[0], "bo_phieu").await, [d.id]);
    w.cast_the_papers(d.id, duc, school).await;
    assert!(
        w.inbox(&w.members[0], "bo_phieu").await.is_empty(),
        "a member who voted has nothing left to vote on"
    );
    assert_eq!(w.inbox(&w.members[4], "bo_phieu").await, [d.id]);
    w.t.app
        .close_council_vote(&w.specialist, d.id)
        .await
        .unwrap();
    assert!(w.inbox(&w.members[4], "bo_phieu").await.is_empty());
}

/// Votes are audited (who and how, never what) but are not steps of the dossier; closing the
/// vote is.
async fn votes_are_no_steps_of_the_dossier_but_closing_is(b: Backend) {
    let w = world(b).await;
    let d = w.in_council_as(w.the_three()).await;
    let mut trail = Trail::from_now(&w, d.id).await;
    let (duc, school) = (
        World::nominee(&d, Some(w.duc.id), None),
        World::nominee(&d, None, Some(w.school.id)),
    );
    w.cast_the_papers(d.id, duc, school).await;
    trail.check(&w, 0, "bỏ phiếu").await;
    w.t.app
        .close_council_vote(&w.specialist, d.id)
        .await
        .unwrap();
    trail.check(&w, 1, "kết thúc bỏ phiếu").await;
}

/// Đức's and the school's nominations in the council; returns the dossier and Đức's nominee.
async fn secret_ballot(w: &World) -> (i64, i64) {
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
    (d.id, World::nominee(&d, Some(w.duc.id), None))
}

/// A council account created after the vote opened.
async fn late_member(w: &World) -> tdkt_app::Principal {
    user(&w.t, "hoidong_moi", Role::CouncilMember, w.province.id).await
}

/// Member 0 disagrees on Đức, members 1 to 3 agree, member 4 agrees in writing.
async fn all_five_vote(w: &World, id: i64, duc: i64) {
    let paper = |c: Choice| BTreeMap::from([(duc, c)]);
    let app = &w.t.app;
    app.cast_council_vote(&w.members[0], id, paper(Choice::Disagree))
        .await
        .unwrap();
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
}

/// A member added later is not in the frozen list; nor may the Board vote in a member's
/// place, except by recording a written paper of a member.
async fn only_the_members_frozen_at_the_opening_vote(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let (id, duc_n) = secret_ballot(&w).await;
    let paper = |c: Choice| BTreeMap::from([(duc_n, c)]);
    let late = late_member(&w).await;
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(&late, id, paper(Choice::Agree))
        )
        .await,
        AppError::Forbidden(_)
    ));
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
}

async fn a_paper_about_someone_not_on_the_ballot_is_refused(b: Backend) {
    let w = world(b).await;
    let (id, _) = secret_ballot(&w).await;
    assert!(matches!(
        refused(
            &w,
            None,
            w.t.app.cast_council_vote(
                &w.members[0],
                id,
                BTreeMap::from([(999_999, Choice::Agree)])
            )
        )
        .await,
        AppError::Invalid(_)
    ));
}

async fn a_member_votes_once_in_person_or_in_writing(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let (id, duc_n) = secret_ballot(&w).await;
    let paper = |c: Choice| BTreeMap::from([(duc_n, c)]);
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
}

/// Every member voted (one in writing): the page and the roll say so, the audit log has who
/// and how for each, never a choice, and the count is 4 to 1.
async fn the_audit_log_says_who_voted_and_how_never_what(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let (id, duc_n) = secret_ballot(&w).await;
    all_five_vote(&w, id, duc_n).await;
    let view = app.dossier_view(&w.members[1], id).await.unwrap();
    assert!(view.may_vote && view.has_voted);
    let roll = app.council_roll(&w.specialist, id).await.unwrap();
    assert_eq!(roll.len(), 5);
    assert!(roll.iter().all(|l| l.mode.is_some()));
    let entries = w.t.store().audit_entries(0, 10_000).await.unwrap();
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
}

/// Closed: no more papers, even from someone who could never vote.
async fn a_closed_ballot_takes_no_papers(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let (id, duc_n) = secret_ballot(&w).await;
    let late = late_member(&w).await;
    all_five_vote(&w, id, duc_n).await;
    app.close_council_vote(&w.specialist, id).await.unwrap();
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(&late, id, BTreeMap::from([(duc_n, Choice::Agree)]))
        )
        .await,
        AppError::Conflict(_)
    ));
}

/// The ballot closes to votes once the dossier leaves the council's stage.
async fn a_rejected_dossiers_ballot_takes_no_more_votes(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .in_council(vec![person_nominee(
            w.binh.id,
            "bang_khen_tinh",
            "Giáo viên dạy giỏi cấp tỉnh ba năm liền",
        )])
        .await;
    let n = d.nominees[0].id;
    app.cast_council_vote(&w.members[0], d.id, BTreeMap::from([(n, Choice::Agree)]))
        .await
        .unwrap();
    w.step(
        &w.leader,
        d.id,
        "khong_duyet",
        Some("Chưa đủ thời gian công tác"),
    )
    .await
    .unwrap();
    let e = app
        .cast_council_vote(&w.members[1], d.id, BTreeMap::from([(n, Choice::Agree)]))
        .await
        .unwrap_err();
    assert!(conflict(e).contains("không còn bỏ phiếu"));
}
