//! `ConferenceStore`: the covenant, scores, the cluster's ballot, proposals, rotation.

use std::sync::Arc;

use tdkt_domain::cluster::MemberRole;
use time::macros::date;

use super::fixtures::*;
use crate::*;

/// The covenant of 2022 put twice (the second replaces the first) and signed by one member.
pub async fn covenants_are_replaced_and_signed(s: Arc<dyn Store>) {
    let s = &*s;
    let (cid, m) = conference_fixture(s).await;
    assert!(s.covenant(cid, 2022).await.unwrap().is_none());
    s.put_covenant(
        &sys(),
        cid,
        2022,
        "Giao ước 2022",
        "{\"criteria\":[]}",
        "{}",
    )
    .await
    .unwrap();
    s.put_covenant(
        &sys(),
        cid,
        2022,
        "Giao ước thi đua năm 2022",
        "{\"criteria\":[1]}",
        "{\"method\":{\"name\":\"mean\"}}",
    )
    .await
    .unwrap();
    s.sign_covenant(
        &sys(),
        cid,
        2022,
        SignatureRow {
            unit_id: m[1],
            signer: "Phó Chủ tịch UBND tỉnh".into(),
            signed_on: date!(2022 - 03 - 30),
        },
    )
    .await
    .unwrap();
    let cov = s.covenant(cid, 2022).await.unwrap().unwrap();
    assert_eq!(
        (
            cov.title.as_str(),
            cov.table_json.as_str(),
            cov.scoring_closed
        ),
        ("Giao ước thi đua năm 2022", "{\"criteria\":[1]}", false)
    );
    assert_eq!(cov.signatures.len(), 1);
    verify_chain(s).await;
}

/// A scorer's points for a target and criterion are replaced, not added; scoring closes.
pub async fn scores_are_replaced_and_closed(s: Arc<dyn Store>) {
    let s = &*s;
    let (cid, m) = conference_fixture(s).await;
    s.put_covenant(
        &sys(),
        cid,
        2022,
        "Giao ước thi đua năm 2022",
        "{\"criteria\":[1]}",
        "{\"method\":{\"name\":\"mean\"}}",
    )
    .await
    .unwrap();
    let sc = |scorer, target, p: f64| ScoreRow {
        scorer_id: scorer,
        target_id: target,
        criterion_id: "1.1".into(),
        points: p,
        note: None,
    };
    s.put_scores(
        &sys(),
        cid,
        2022,
        &[sc(m[0], m[1], 8.0), sc(m[0], m[2], 7.5)],
        &[IndicatorRow {
            unit_id: m[1],
            criterion_id: "1.2".into(),
            value: 105.54,
        }],
    )
    .await
    .unwrap();
    s.put_scores(&sys(), cid, 2022, &[sc(m[0], m[1], 9.0)], &[])
        .await
        .unwrap();
    let (scores, ind) = s.cluster_scores(cid, 2022).await.unwrap();
    assert_eq!(scores.len(), 2);
    assert_eq!(
        scores.iter().find(|x| x.target_id == m[1]).unwrap().points,
        9.0
    );
    assert_eq!(ind[0].value, 105.54);
    s.set_scoring_closed(&sys(), cid, 2022, true).await.unwrap();
    assert!(s.covenant(cid, 2022).await.unwrap().unwrap().scoring_closed);
    verify_chain(s).await;
}

/// The cluster of five with its covenant of 2022 and a draft ballot «Suy tôn 2022».
async fn draft_ballot(s: &dyn Store) -> (i64, Vec<i64>, BallotRow) {
    let (cid, m) = conference_fixture(s).await;
    s.put_covenant(&sys(), cid, 2022, "Giao ước", "{}", "{}")
        .await
        .unwrap();
    let b = s
        .create_ballot(&sys(), cid, 2022, "Suy tôn 2022", "{\"categories\":[]}")
        .await
        .unwrap();
    (cid, m, b)
}

/// The ballot opened, one unit's own vote and three units' papers recorded: four papers.
async fn voted_ballot(s: &dyn Store) -> (i64, Vec<i64>, BallotRow) {
    let (cid, m, b) = draft_ballot(s).await;
    let b = s
        .open_ballot(&sys(), b.id, "{\"resolved\":true}", "abc")
        .await
        .unwrap();
    s.cast_vote(&sys(), b.id, m[0], "{\"truong\":[\"a\"]}")
        .await
        .unwrap();
    s.record_papers(
        &sys(),
        b.id,
        &[m[1], m[2], m[3]],
        &[
            "{\"truong\":[\"b\"]}".into(),
            "{\"truong\":[\"c\"]}".into(),
            "{}".into(),
        ],
    )
    .await
    .unwrap();
    (cid, m, b)
}

/// Not before it opens, opened once, one vote per unit.
pub async fn a_ballot_takes_votes_only_while_open(s: Arc<dyn Store>) {
    let s = &*s;
    let (_, m, b) = draft_ballot(s).await;
    assert_eq!(b.status, BallotStatus::Draft);
    assert!(
        matches!(s.cast_vote(&sys(), b.id, m[0], "{}").await, Err(StoreError::Conflict(ref e)) if e.contains("chưa mở"))
    );
    let b = s
        .open_ballot(&sys(), b.id, "{\"resolved\":true}", "abc")
        .await
        .unwrap();
    assert_eq!(
        (b.status, b.rule_hash.as_deref()),
        (BallotStatus::Open, Some("abc"))
    );
    assert!(matches!(
        s.open_ballot(&sys(), b.id, "{}", "x").await,
        Err(StoreError::Conflict(_))
    ));
    s.cast_vote(&sys(), b.id, m[0], "{\"truong\":[\"a\"]}")
        .await
        .unwrap();
    let again = s
        .cast_vote(&sys(), b.id, m[0], "{\"truong\":[\"b\"]}")
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::Conflict(ref e) if e.contains("đã bỏ phiếu")),
        "{again:?}"
    );
    verify_chain(s).await;
}

/// Papers recorded for absent voters come one per voter; the audit log never says what a unit
/// chose.
pub async fn papers_must_match_their_voters(s: Arc<dyn Store>) {
    let s = &*s;
    let (_, m, b) = draft_ballot(s).await;
    s.open_ballot(&sys(), b.id, "{\"resolved\":true}", "abc")
        .await
        .unwrap();
    s.cast_vote(&sys(), b.id, m[0], "{\"truong\":[\"a\"]}")
        .await
        .unwrap();
    assert!(
        s.record_papers(&sys(), b.id, &[m[1]], &["{}".into(), "{}".into()])
            .await
            .is_err()
    );
    s.record_papers(
        &sys(),
        b.id,
        &[m[1], m[2], m[3]],
        &[
            "{\"truong\":[\"b\"]}".into(),
            "{\"truong\":[\"c\"]}".into(),
            "{}".into(),
        ],
    )
    .await
    .unwrap();
    assert_eq!(s.ballot_voters(b.id).await.unwrap().len(), 4);
    assert_eq!(s.ballot_papers(b.id).await.unwrap().len(), 4);
    // Nothing in the audit log says what a unit chose.
    let log = s.audit_entries(0, 1000).await.unwrap();
    assert!(
        log.iter()
            .filter(|e| e.action.starts_with("ballot."))
            .all(|e| !e.after.as_deref().unwrap_or("").contains("truong"))
    );
    verify_chain(s).await;
}

/// Closing stores the result, the proposals and next year's roles, keeps every paper and
/// takes no more votes.
pub async fn closing_a_ballot_keeps_every_paper_and_elects_next_years_roles(s: Arc<dyn Store>) {
    let s = &*s;
    let (cid, m, b) = voted_ballot(s).await;
    let mut before = s.ballot_papers(b.id).await.unwrap();
    before.sort();
    let closed = s
        .close_ballot(
            &sys(),
            b.id,
            BallotClose {
                papers_counted: 4,
                result_json: "{\"ok\":true}".into(),
                proposals: vec![NewProposal {
                    unit_id: m[2],
                    award_code: "co_thi_dua_chinh_phu".into(),
                    votes: 4,
                }],
                next_year: Some(NewClusterYear {
                    year: 2023,
                    note: Some("Bầu tại hội nghị".into()),
                    roles_illustrative: false,
                    members: vec![
                        (m[2], MemberRole::Leader, false),
                        (m[3], MemberRole::Deputy, false),
                        (m[0], MemberRole::Member, false),
                    ],
                }),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (closed.status, closed.result_json.as_deref()),
        (BallotStatus::Closed, Some("{\"ok\":true}"))
    );
    let mut after = s.ballot_papers(b.id).await.unwrap();
    after.sort();
    assert_eq!(before, after, "closing keeps every paper");
    assert!(
        matches!(s.cast_vote(&sys(), b.id, m[4], "{}").await, Err(StoreError::Conflict(ref e)) if e.contains("kết thúc"))
    );
    let props = s.cluster_proposals(cid, 2022).await.unwrap();
    assert_eq!(
        (
            props[0].unit_id,
            props[0].award_code.as_str(),
            props[0].votes
        ),
        (m[2], "co_thi_dua_chinh_phu", 4)
    );
    let c = s.cluster(cid).await.unwrap();
    let y23 = c.years.iter().find(|y| y.year == 2023).unwrap();
    assert_eq!(y23.members[0].role, MemberRole::Leader);
    assert_eq!(y23.members[0].unit.id, m[2]);
    assert_eq!(s.ballots(cid, 2022).await.unwrap().len(), 1);
    verify_chain(s).await;
}

/// A count that misses a paper (one cast while counting) is refused; the ballot stays open.
pub async fn a_stale_count_is_refused(s: Arc<dyn Store>) {
    let s = &*s;
    let (cid, _, b) = voted_ballot(s).await;
    let stale = s
        .close_ballot(
            &sys(),
            b.id,
            BallotClose {
                papers_counted: 3,
                result_json: "{}".into(),
                proposals: vec![],
                next_year: None,
            },
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict(ref m)) if m.contains("kiểm phiếu lại")),
        "{stale:?}"
    );
    assert_eq!(
        s.ballots(cid, 2022).await.unwrap()[0].status,
        BallotStatus::Open
    );
    verify_chain(s).await;
}

pub async fn rotation_is_stored(s: Arc<dyn Store>) {
    let s = &*s;
    let (cid, m) = conference_fixture(s).await;
    s.set_cluster_rotation(&sys(), cid, &[m[3], m[1], m[2]], 2)
        .await
        .unwrap();
    assert_eq!(
        s.cluster_rotation(cid).await.unwrap(),
        (vec![m[3], m[1], m[2]], 2)
    );
    verify_chain(s).await;
}
