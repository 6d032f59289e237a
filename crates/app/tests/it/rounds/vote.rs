//! The unit council's vote: members are the accounts with the council role on the unit, one
//! paper lists every selected candidate, thresholds count over all members, a member votes
//! once, outsiders cannot, absent members vote in writing through the clerk; nothing links a
//! voter to a paper, the papers are re-keyed at close, the audit never holds a choice; the
//! minutes print names and counts.

use std::collections::BTreeMap;

use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::access::Role;
use tdkt_domain::dossier::council::{Choice, CouncilBallotStatus};
use tdkt_domain::round::RoundProgress;
use tdkt_store::CandidateFilter;

use super::fixtures::*;

on_both!(
    the_paper_lists_every_selected_candidate,
    thresholds_count_over_all_members,
    one_paper_per_member_and_none_from_outsiders,
    nothing_links_a_voter_to_a_paper,
    the_minutes_print_names_and_counts,
);

async fn the_paper_lists_every_selected_candidate(b: Backend) {
    let w = world(b).await;
    let (_, part) = w.rated().await;
    let app = &w.t.app;
    let ballot = app.open_round_vote(&w.clerk, part.id).await.unwrap();
    assert_eq!(ballot.status, CouncilBallotStatus::Open);
    assert_eq!(w.reload(&part).await.progress, RoundProgress::Voting);
    let mut asked: Vec<i64> = app
        .round_questions(&w.members[0], part.id)
        .await
        .unwrap()
        .iter()
        .map(|q| q.0)
        .collect();
    asked.sort();
    let mut selected: Vec<i64> =
        w.t.store()
            .candidates(
                part.id,
                &CandidateFilter {
                    selected: Some(true),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items
            .iter()
            .map(|c| c.id)
            .collect();
    selected.sort();
    assert_eq!(asked, selected);
    // LĐTT ×3, CSTĐ cơ sở ×2, CSTĐ tỉnh and Bằng khen for Bích.
    assert_eq!(asked.len(), 7);
    let roll = app.round_roll(&w.clerk, part.id).await.unwrap();
    let mut ids: Vec<i64> = roll.iter().map(|r| r.user_id).collect();
    ids.sort();
    let mut want: Vec<i64> = w.members.iter().map(|m| m.user_id).collect();
    want.sort();
    assert_eq!(ids, want, "the council is the unit's five members");
    // The list is locked now.
    let c = w.candidate(&part, w.cuong.id, LDTT).await;
    let e = refused(
        &w,
        app.select_round_candidates(
            &w.clerk,
            part.id,
            &[tdkt_app::rounds::SelectionInput {
                candidate_id: c.id,
                selected: true,
                reason: Some(REASON.into()),
            }],
        ),
    )
    .await;
    conflict(e);
    let e = refused(&w, app.open_round_vote(&w.clerk, part.id)).await;
    conflict(e);
}

async fn thresholds_count_over_all_members(b: Backend) {
    let w = world(b).await;
    let v = w.voted().await;
    assert_eq!(
        (v.result.members, v.result.present, v.result.written),
        (5, 4, 1)
    );
    assert!(v.result.quorum_met);
    let cands = w.candidates(&v.part).await;
    let item = |person: i64, award: &str| {
        let id = cands
            .iter()
            .find(|c| c.person_id == Some(person) && c.award_code == award)
            .unwrap()
            .id;
        v.result
            .items
            .iter()
            .find(|i| i.nominee_id == id)
            .unwrap()
            .clone()
    };
    let an80 = item(w.an80.id, LDTT);
    assert_eq!(
        (an80.agree, an80.disagree, an80.passed),
        (3, 2, true),
        "3/5 > half"
    );
    let cs = item(w.an90.id, CSTDCS);
    assert_eq!((cs.agree, cs.passed), (3, false), "3/5 < 80%");
    let cst = item(w.bich.id, CSTDT);
    assert_eq!((cst.agree, cst.passed), (4, false), "4/5 < 90%");
    assert!(item(w.bich.id, BKT).passed);
    assert!(item(w.bich.id, LDTT).passed);
    // The outcome is on each candidate.
    for c in &cands {
        let want = v
            .result
            .items
            .iter()
            .find(|i| i.nominee_id == c.id)
            .map(|i| i.passed);
        assert_eq!(c.council_passed, want, "{} {}", c.name, c.award_code);
    }
    let counts = w.t.store().candidate_counts(v.part.id).await.unwrap();
    let passed = |a: &str| counts.iter().find(|c| c.award_code == a).unwrap().passed;
    assert_eq!(
        (passed(LDTT), passed(CSTDCS), passed(CSTDT), passed(BKT)),
        (3, 0, 0, 1)
    );
    // Closed: no more papers.
    let e = refused(
        &w,
        w.t.app
            .cast_round_vote(&w.members[0], v.part.id, BTreeMap::new()),
    )
    .await;
    conflict(e);
}

async fn one_paper_per_member_and_none_from_outsiders(b: Backend) {
    let w = world(b).await;
    let (_, part) = w.rated().await;
    let app = &w.t.app;
    // A member who joins after the opening is not on this ballot.
    app.open_round_vote(&w.clerk, part.id).await.unwrap();
    let late = user(&w.t, "hd_muon", Role::CouncilMember, w.dept.id).await;
    // No minutes before the count.
    conflict(app.round_minutes_pdf(&w.clerk, part.id).await.unwrap_err());
    let questions = app.round_questions(&w.clerk, part.id).await.unwrap();
    let paper: BTreeMap<i64, Choice> = questions.iter().map(|q| (q.0, Choice::Agree)).collect();
    app.cast_round_vote(&w.members[0], part.id, paper.clone())
        .await
        .unwrap();
    conflict(
        refused(
            &w,
            app.cast_round_vote(&w.members[0], part.id, paper.clone()),
        )
        .await,
    );
    forbidden(refused(&w, app.cast_round_vote(&late, part.id, paper.clone())).await);
    // Another unit's council member, the clerk: no vote here.
    forbidden(
        refused(
            &w,
            app.cast_round_vote(&w.members2[0], part.id, paper.clone()),
        )
        .await,
    );
    forbidden(refused(&w, app.cast_round_vote(&w.clerk, part.id, paper.clone())).await);
    // A written vote for someone off the ballot, or twice for a member who voted.
    let (field, _) = invalid(
        refused(
            &w,
            app.record_round_written_vote(&w.clerk, part.id, late.user_id, paper.clone()),
        )
        .await,
    );
    assert_eq!(field, "thanh_vien");
    conflict(
        refused(
            &w,
            app.record_round_written_vote(&w.clerk, part.id, w.members[0].user_id, paper.clone()),
        )
        .await,
    );
    // Only the unit's clerk enters written votes.
    forbidden(
        refused(
            &w,
            app.record_round_written_vote(&w.clerk2, part.id, w.members[1].user_id, paper.clone()),
        )
        .await,
    );
    // A paper naming someone not on the ballot.
    let mut bad = paper.clone();
    bad.insert(-1, Choice::Agree);
    invalid(refused(&w, app.cast_round_vote(&w.members[1], part.id, bad)).await);
    let voters =
        w.t.store()
            .round_voters(
                app.round_vote(&w.clerk, part.id)
                    .await
                    .unwrap()
                    .unwrap()
                    .0
                    .id,
            )
            .await
            .unwrap();
    assert_eq!(voters.len(), 1);
}

/// Eight members, eight different papers: the tables share only the ballot, the audit says who
/// and how but never what, and closing re-keys the papers.
async fn nothing_links_a_voter_to_a_paper(b: Backend) {
    let w = world(b).await;
    let voters_cols = w.t.raw_columns("round_voters").await;
    let papers_cols = w.t.raw_columns("round_papers").await;
    assert_eq!(voters_cols, ["ballot_id", "user_id", "mode"]);
    assert_eq!(papers_cols, ["ballot_id", "paper_key", "choices_json"]);
    let common: Vec<&String> = voters_cols
        .iter()
        .filter(|c| papers_cols.contains(c))
        .collect();
    assert_eq!(common, ["ballot_id"]);

    let mut members = w.members.clone();
    for i in 0..3 {
        members.push(user(&w.t, &format!("hd_them{i}"), Role::CouncilMember, w.dept.id).await);
    }
    let (_, part) = w.rated().await;
    let app = &w.t.app;
    let ballot = app.open_round_vote(&w.clerk, part.id).await.unwrap();
    let questions = app.round_questions(&w.clerk, part.id).await.unwrap();
    assert_eq!(questions.len(), 7);
    // Member i disagrees on question i only; the last agrees on all.
    let mut cast = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let paper: BTreeMap<i64, Choice> = questions
            .iter()
            .enumerate()
            .map(|(j, q)| {
                (
                    q.0,
                    if i == j {
                        Choice::Disagree
                    } else {
                        Choice::Agree
                    },
                )
            })
            .collect();
        cast.push(serde_json::to_string(&paper).unwrap());
        if i == 7 {
            app.record_round_written_vote(&w.clerk, part.id, m.user_id, paper)
                .await
                .unwrap();
        } else {
            app.cast_round_vote(m, part.id, paper).await.unwrap();
        }
    }
    let before = w.t.store().round_papers(ballot.id).await.unwrap();
    app.close_round_vote(&w.clerk, part.id).await.unwrap();
    let after = w.t.store().round_papers(ballot.id).await.unwrap();
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    assert_eq!(sorted(&after), sorted(&cast), "every paper kept");
    assert_eq!(sorted(&before), sorted(&cast));
    assert_ne!(
        after, cast,
        "the stored order does not replay the casting order"
    );
    assert_ne!(after, before, "closing gave the papers new keys");
    let entries = w.t.store().audit_entries(0, 10_000).await.unwrap();
    let votes: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "round.vote")
        .collect();
    assert_eq!(votes.len(), 8, "each vote is audited");
    for e in &entries {
        let text = format!("{:?} {:?}", e.before, e.after);
        assert!(
            !text.contains("dong_y") && !text.contains("Disagree") && !text.contains("Agree"),
            "{}: {text}",
            e.action
        );
    }
    for e in votes {
        let after = e.after.as_deref().unwrap();
        assert!(
            after.contains("member") && after.contains("mode"),
            "{after}"
        );
    }
}

async fn the_minutes_print_names_and_counts(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let v = w.voted().await;
    let pdf = app
        .round_minutes_pdf(&w.members[0], v.part.id)
        .await
        .unwrap();
    let text = text_of(&pdf);
    for name in [
        "Nguyễn Văn An",
        "Trần Thị Bích",
        "Chiến sĩ thi đua cơ sở",
        "Lao động tiên tiến",
    ] {
        assert!(text.contains(&squash(name)), "{name} in the minutes");
    }
    assert!(text.contains("2025"), "the year");
    assert!(
        text.contains(&squash(&format!("{}/5", v.result.quorum_needed))),
        "the quorum over 5 members"
    );
    let (ballot, _) = app.round_vote(&w.clerk, v.part.id).await.unwrap().unwrap();
    assert!(text.contains(&ballot.rule_hash[..16]), "the rules' hash");
}
