//! Ballot secrecy: who voted and what was voted are stored apart, and nothing — columns, keys,
//! order or the audit log — links them.

use std::collections::BTreeMap;

use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp};
use tdkt_domain::cluster::{ClusterKind, MemberRole};
use tdkt_store::{Actor, NewCluster, NewClusterYear};

on_both!(voters_and_papers_cannot_be_linked);

async fn voters_and_papers_cannot_be_linked(b: Backend) {
    let t = TestApp::new(b).await;
    assert_eq!(
        t.raw_columns("ballot_papers").await,
        ["ballot_id", "paper_key", "choices_json"]
    );
    assert_eq!(
        t.raw_columns("ballot_voters").await,
        ["ballot_id", "unit_id"]
    );

    let vn = t.unit("vn", None).await;
    let mut units = Vec::new();
    for i in 0..8 {
        units.push(t.unit(&format!("t{i}"), Some(vn.id)).await.id);
    }
    let sys = Actor::system("test");
    let c = t
        .store()
        .create_cluster(
            &sys,
            NewCluster {
                code: "cum".into(),
                name: "Cụm".into(),
                kind: ClusterKind::Cluster,
                organiser: "Hội đồng".into(),
                organiser_unit_id: Some(vn.id),
                supervisor: None,
                source: None,
                note: None,
                years: vec![NewClusterYear {
                    year: 2024,
                    note: None,
                    roles_illustrative: false,
                    members: units
                        .iter()
                        .map(|u| (*u, MemberRole::Member, false))
                        .collect(),
                }],
            },
        )
        .await
        .unwrap();
    let admin = tdkt_app::testing::principal(0, tdkt_domain::access::Role::Admin, vn.id);
    let rules = tdkt_domain::evaluation::BallotRules {
        eligible_voters: None,
        quorum: 0.5,
        categories: vec![tdkt_domain::evaluation::Category {
            id: "truong".into(),
            name: "Cụm trưởng".into(),
            seats: 1,
            candidates: None,
            top_n: None,
            threshold: Default::default(),
            award: None,
            next_role: None,
        }],
    };
    let ballot = t
        .app
        .create_ballot(&admin, c.id, 2024, "Bầu", rules)
        .await
        .unwrap();
    t.app.open_ballot(&admin, ballot.id).await.unwrap();
    // Unit i votes for unit i: the cast order is the voters' order.
    let mut cast = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let voter =
            tdkt_app::testing::principal(100 + i as i64, tdkt_domain::access::Role::UnitClerk, *u);
        let choice = BTreeMap::from([("truong".to_string(), vec![u.to_string()])]);
        cast.push(serde_json::to_string(&choice).unwrap());
        t.app
            .cast_vote(&voter, ballot.id, *u, choice)
            .await
            .unwrap();
    }
    t.app.close_ballot(&admin, ballot.id).await.unwrap();
    let stored = t.raw_paper_order(ballot.id).await;
    assert_eq!(stored.len(), 8);
    let mut sorted_stored = stored.clone();
    sorted_stored.sort();
    let mut sorted_cast = cast.clone();
    sorted_cast.sort();
    assert_eq!(sorted_stored, sorted_cast, "every paper kept");
    assert_ne!(
        stored, cast,
        "the stored order does not replay the casting order"
    );
    // The audit log names voters, never choices.
    for e in t
        .store()
        .audit_entries(0, 1000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "ballot.vote")
    {
        assert!(
            !e.after.as_deref().unwrap_or("").contains("truong"),
            "{:?}",
            e.after
        );
    }
}
