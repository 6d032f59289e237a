//! Paper ballots collected in the room, and members merged into their successors.

use super::*;

on_both!(paper_ballots_and_merged_members);

/// Paper ballots through the API, and a member merged away carried over as its successor.
async fn paper_ballots_and_merged_members(b: Backend) {
    let t = TestApp::new(b).await;
    let vn = t.unit("vn", None).await;
    let mut units = Vec::new();
    for code in ["tinh_a", "tinh_b", "tinh_c"] {
        units.push(t.unit(code, Some(vn.id)).await.id);
    }
    // tinh_c merges into tinh_moi on 2025-07-01.
    let moi = t.unit("tinh_moi", Some(vn.id)).await.id;
    let sys = Actor::system("test");
    t.store()
        .create_lineage_event(
            &sys,
            tdkt_store::NewLineageEvent {
                kind: tdkt_domain::unit::LineageKind::Merge,
                date: time::macros::date!(2025 - 07 - 01),
                from: vec![units[2], units[1]],
                to: vec![moi],
                legal_basis: None,
                note: None,
            },
        )
        .await
        .unwrap();
    let cluster = t
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
                    year: 2025,
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
    t.app
        .create_user(
            None,
            UserInput {
                username: "chuyenvien".into(),
                display_name: "CV".into(),
                password: PASSWORD.into(),
                grants: vec![("chuyen_vien_ban".into(), "vn".into())],
            },
        )
        .await
        .unwrap();
    let s = Server::serve(t).await;
    let (mgr, csrf) = s.login("chuyenvien").await;
    let base = format!("/cum-thi-dua/{}/nam/2025", cluster.id);
    let r = s
        .post_form(
            &mgr,
            &format!("{base}/phieu"),
            &[
                ("_csrf", csrf.as_str()),
                ("tieu_de", "Suy tôn"),
                ("hang_muc", "cum_truong"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let bid = s.t.store().ballots(cluster.id, 2025).await.unwrap()[0].id;
    mgr.post(s.url(&format!("{base}/phieu/{bid}/mo")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let paper = json!({"cum_truong_2026": [units[0].to_string()]});
    let url = s.url(&format!("/api/v1/ballots/{bid}/papers"));
    let too_many = json!({"voter_units": [units[0]], "papers": [paper, paper]});
    let r = mgr
        .post(&url)
        .header("x-csrf-token", &csrf)
        .json(&too_many)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ok = json!({"voter_units": units, "papers": [paper, paper, paper]});
    let r = mgr
        .post(&url)
        .header("x-csrf-token", &csrf)
        .json(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NO_CONTENT,
        "{}",
        r.text().await.unwrap()
    );
    let r = mgr
        .post(&url)
        .header("x-csrf-token", &csrf)
        .json(&json!({"voter_units": [units[0]], "papers": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "a unit cannot vote twice");
    mgr.post(s.url(&format!("{base}/phieu/{bid}/dong")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let c = s.t.store().cluster(cluster.id).await.unwrap();
    let y2026 = c.years.iter().find(|y| y.year == 2026).unwrap();
    let mut ids: Vec<i64> = y2026.members.iter().map(|m| m.unit.id).collect();
    ids.sort();
    assert_eq!(
        ids,
        [units[0], moi],
        "the two merged members carry over as their successor, once"
    );
    assert_eq!(
        y2026
            .members
            .iter()
            .find(|m| m.role == MemberRole::Leader)
            .unwrap()
            .unit
            .id,
        units[0]
    );
}
