//! The cluster conference: covenant, scores, ballots; one vote per unit under concurrency.

use super::*;

async fn conference_fixture(s: &dyn Store) -> (i64, Vec<i64>) {
    use tdkt_domain::cluster::{ClusterKind, MemberRole};
    let root = unit(s, "vn", None).await;
    let mut members = Vec::new();
    for i in 0..5 {
        members.push(unit(s, &format!("tinh_{i}"), Some(root.id)).await.id);
    }
    let c = s
        .create_cluster(
            &sys(),
            NewCluster {
                code: "cum".into(),
                name: "Cụm thử".into(),
                kind: ClusterKind::Cluster,
                organiser: "Hội đồng".into(),
                organiser_unit_id: Some(root.id),
                supervisor: None,
                source: None,
                note: None,
                years: vec![NewClusterYear {
                    year: 2022,
                    note: None,
                    roles_illustrative: false,
                    members: members
                        .iter()
                        .enumerate()
                        .map(|(i, u)| {
                            (
                                *u,
                                if i == 0 {
                                    MemberRole::Leader
                                } else {
                                    MemberRole::Member
                                },
                                false,
                            )
                        })
                        .collect(),
                }],
            },
        )
        .await
        .unwrap();
    (c.id, members)
}

pub async fn conference_flow(s: Arc<dyn Store>) {
    use tdkt_domain::cluster::MemberRole;
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

    let b = s
        .create_ballot(&sys(), cid, 2022, "Suy tôn 2022", "{\"categories\":[]}")
        .await
        .unwrap();
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
    let mut before = s.ballot_papers(b.id).await.unwrap();
    before.sort();
    // Nothing in the audit log says what a unit chose.
    let log = s.audit_entries(0, 1000).await.unwrap();
    assert!(
        log.iter()
            .filter(|e| e.action.starts_with("ballot."))
            .all(|e| !e.after.as_deref().unwrap_or("").contains("truong"))
    );

    // A count that misses a paper (one cast while counting) is refused.
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

    s.set_cluster_rotation(&sys(), cid, &[m[3], m[1], m[2]], 2)
        .await
        .unwrap();
    assert_eq!(
        s.cluster_rotation(cid).await.unwrap(),
        (vec![m[3], m[1], m[2]], 2)
    );
    verify_chain(s).await;
}

pub async fn one_vote_per_unit_under_concurrency(s: Arc<dyn Store>) {
    let (cid, m) = conference_fixture(&*s).await;
    s.put_covenant(&sys(), cid, 2022, "Giao ước", "{}", "{}")
        .await
        .unwrap();
    let b = s
        .create_ballot(&sys(), cid, 2022, "Suy tôn", "{}")
        .await
        .unwrap();
    s.open_ballot(&sys(), b.id, "{}", "h").await.unwrap();
    // 20 attempts by the same unit at once: one paper.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = s.clone();
        let (bid, voter) = (b.id, m[0]);
        tasks.push(tokio::spawn(async move {
            s.cast_vote(
                &Actor::system("vote"),
                bid,
                voter,
                &format!("{{\"n\":{i}}}"),
            )
            .await
        }));
    }
    // …and the four other units at the same time.
    for voter in m[1..].iter().copied() {
        let s = s.clone();
        let bid = b.id;
        tasks.push(tokio::spawn(async move {
            s.cast_vote(&Actor::system("vote"), bid, voter, "{}").await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(ok, 5);
    assert_eq!(s.ballot_voters(b.id).await.unwrap().len(), 5);
    assert_eq!(s.ballot_papers(b.id).await.unwrap().len(), 5);
}
