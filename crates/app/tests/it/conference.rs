//! Conference rules that span ballots: a second ballot keeps what the first decided; scoring
//! cannot reopen once voting on the ranking has started; a stray paper does not block the count.

use std::collections::BTreeMap;

use tdkt_app::AppError;
use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp, principal};
use tdkt_domain::access::Role;
use tdkt_domain::cluster::{ClusterKind, MemberRole};
use tdkt_domain::evaluation::{BallotRules, Category, Threshold};
use tdkt_store::{Actor, NewCluster, NewClusterYear};

on_both!(second_ballot_keeps_the_first_ones_roles);

fn role_ballot(id: &str, role: &str) -> BallotRules {
    BallotRules {
        eligible_voters: None,
        quorum: 0.5,
        categories: vec![Category {
            id: id.into(),
            name: id.into(),
            seats: 1,
            candidates: None,
            top_n: None,
            threshold: Threshold::default(),
            award: None,
            next_role: Some(role.into()),
        }],
    }
}

async fn second_ballot_keeps_the_first_ones_roles(b: Backend) {
    let t = TestApp::new(b).await;
    let vn = t.unit("vn", None).await;
    let mut u = Vec::new();
    for code in ["a", "b", "c"] {
        u.push(t.unit(code, Some(vn.id)).await.id);
    }
    let c = t
        .store()
        .create_cluster(
            &Actor::system("test"),
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
                    members: u.iter().map(|x| (*x, MemberRole::Member, false)).collect(),
                }],
            },
        )
        .await
        .unwrap();
    let admin = principal(0, Role::Admin, vn.id);
    let vote = |ballot: i64, cat: &str, pick: i64| {
        let paper = BTreeMap::from([(cat.to_string(), vec![pick.to_string()])]);
        (ballot, paper)
    };
    // Ballot 1: the leader. A stray paper (another ballot's category) is recorded too.
    let b1 = t
        .app
        .create_ballot(
            &admin,
            c.id,
            2024,
            "Cụm trưởng",
            role_ballot("truong", "cum_truong"),
        )
        .await
        .unwrap();
    t.app.open_ballot(&admin, b1.id).await.unwrap();
    let (_, p) = vote(b1.id, "truong", u[0]);
    let stray = BTreeMap::from([("pho".to_string(), vec![u[1].to_string()])]);
    t.app
        .record_papers(&admin, b1.id, &u, vec![p.clone(), p, stray])
        .await
        .unwrap();
    t.app.close_ballot(&admin, b1.id).await.unwrap();
    // Ballot 2: the deputy; the leader elected by ballot 1 stays.
    let b2 = t
        .app
        .create_ballot(&admin, c.id, 2024, "Cụm phó", role_ballot("pho", "cum_pho"))
        .await
        .unwrap();
    t.app.open_ballot(&admin, b2.id).await.unwrap();
    let (_, p) = vote(b2.id, "pho", u[1]);
    t.app
        .record_papers(&admin, b2.id, &u, vec![p.clone(), p.clone(), p])
        .await
        .unwrap();
    t.app.close_ballot(&admin, b2.id).await.unwrap();
    let y = t
        .store()
        .cluster(c.id)
        .await
        .unwrap()
        .years
        .into_iter()
        .find(|y| y.year == 2025)
        .unwrap();
    let role_of = |id: i64| y.members.iter().find(|m| m.unit.id == id).map(|m| m.role);
    assert_eq!(role_of(u[0]), Some(MemberRole::Leader));
    assert_eq!(role_of(u[1]), Some(MemberRole::Deputy));
    assert_eq!(role_of(u[2]), Some(MemberRole::Member));
    // Closing twice is a conflict, not an integrity alarm.
    assert!(matches!(
        t.app.close_ballot(&admin, b2.id).await,
        Err(AppError::Conflict(_))
    ));

    // Once a ballot has opened, scoring cannot reopen.
    t.store()
        .put_covenant(
            &Actor::system("test"),
            c.id,
            2024,
            "Giao ước",
            r#"{"groups":[],"criteria":[]}"#,
            "{}",
        )
        .await
        .unwrap();
    t.app
        .set_scoring_closed(&admin, c.id, 2024, true)
        .await
        .unwrap();
    let e = t
        .app
        .set_scoring_closed(&admin, c.id, 2024, false)
        .await
        .unwrap_err();
    assert!(
        matches!(e, AppError::Conflict(ref m) if m.contains("không thể mở lại")),
        "{e:?}"
    );
}
