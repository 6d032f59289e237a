//! Paper ballots entered through the API, and members merged away carried over as their
//! successor.

use reqwest::StatusCode;
use serde_json::json;
use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp};
use tdkt_domain::cluster::{ClusterKind, MemberRole};
use tdkt_store::Actor;

use super::{cluster, holder};
use crate::server::{Browser, Server, add_users, assert_redirect, assert_status};

on_both!(
    more_paper_ballots_than_voters_are_refused,
    paper_ballots_are_entered_once_per_unit,
    merged_members_carry_over_once_as_their_successor
);

/// The cluster of 2025 with tinh_a, tinh_b and tinh_c, of which b and c merge into tinh_moi
/// on 2025-07-01; a ballot for next year's leader, open; the manager logged in.
struct Papers {
    s: Server,
    cluster: i64,
    units: Vec<i64>,
    moi: i64,
    mgr: Browser,
    base: String,
    ballot: i64,
}

impl Papers {
    async fn open(b: Backend) -> Self {
        let t = TestApp::new(b).await;
        let vn = t.unit("vn", None).await;
        let mut units = Vec::new();
        for code in ["tinh_a", "tinh_b", "tinh_c"] {
            units.push(t.unit(code, Some(vn.id)).await.id);
        }
        let moi = t.unit("tinh_moi", Some(vn.id)).await.id;
        t.store()
            .create_lineage_event(
                &Actor::system("test"),
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
        let cluster = cluster(
            &t,
            vn.id,
            ("cum", "Cụm"),
            ClusterKind::Cluster,
            2025,
            &units,
        )
        .await;
        add_users(&t, &[("chuyenvien", "chuyen_vien_ban", "vn")]).await;
        let s = Server::serve(t).await;
        let mgr = s.login("chuyenvien").await;
        let base = format!("/cum-thi-dua/{cluster}/nam/2025");
        let r = mgr
            .post_form(
                &format!("{base}/phieu"),
                &[("tieu_de", "Suy tôn"), ("hang_muc", "cum_truong")],
            )
            .await;
        assert_redirect(r).await;
        let ballot = s.t.store().ballots(cluster, 2025).await.unwrap()[0].id;
        mgr.post_form::<&str, &str>(&format!("{base}/phieu/{ballot}/mo"), &[])
            .await;
        Self {
            s,
            cluster,
            units,
            moi,
            mgr,
            base,
            ballot,
        }
    }

    /// Posts `papers` papers for the `voters`, each for tinh_a as next year's leader.
    async fn enter(&self, voters: &[i64], papers: usize) -> reqwest::Response {
        let paper = json!({"cum_truong_2026": [self.units[0].to_string()]});
        self.mgr
            .post_json(
                &format!("/api/v1/ballots/{}/papers", self.ballot),
                &json!({"voter_units": voters, "papers": vec![paper; papers]}),
            )
            .await
    }
}

async fn more_paper_ballots_than_voters_are_refused(b: Backend) {
    let p = Papers::open(b).await;
    let r = p.enter(&[p.units[0]], 2).await;
    assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
}

async fn paper_ballots_are_entered_once_per_unit(b: Backend) {
    let p = Papers::open(b).await;
    assert_status(p.enter(&p.units, 3).await, StatusCode::NO_CONTENT).await;
    let r = p.enter(&[p.units[0]], 0).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a unit cannot vote twice");
}

async fn merged_members_carry_over_once_as_their_successor(b: Backend) {
    let p = Papers::open(b).await;
    assert_status(p.enter(&p.units, 3).await, StatusCode::NO_CONTENT).await;
    p.mgr
        .post_form::<&str, &str>(&format!("{}/phieu/{}/dong", p.base, p.ballot), &[])
        .await;
    let c = p.s.t.store().cluster(p.cluster).await.unwrap();
    let y2026 = c.years.iter().find(|y| y.year == 2026).unwrap();
    let mut ids: Vec<i64> = y2026.members.iter().map(|m| m.unit.id).collect();
    ids.sort();
    assert_eq!(
        ids,
        [p.units[0], p.moi],
        "the two merged members carry over as their successor, once"
    );
    assert_eq!(
        holder(&p.s, p.cluster, 2026, MemberRole::Leader).await,
        p.units[0]
    );
}
