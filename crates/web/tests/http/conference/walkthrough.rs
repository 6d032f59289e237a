//! One year of an emulation cluster, end to end: the covenant through the API, every clerk's
//! scores through the form, scoring closed and the ranking shown to members, the ballot
//! created, opened, voted by every unit and closed, its results, minutes and proposals, and
//! next year's leader and deputy. The refusals along the way have tests of their own.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::cluster::MemberRole;

use super::{Conference, Stage, holder};
use crate::server::{assert_redirect, assert_status};

on_both!(a_cluster_year_goes_from_covenant_to_next_years_leaders);

async fn a_cluster_year_goes_from_covenant_to_next_years_leaders(b: Backend) {
    let mut c = Conference::at(b, Stage::Start).await;
    // The covenant through the API, as the board specialist.
    assert_status(c.put_covenant(&c.mgr).await, StatusCode::NO_CONTENT).await;
    // Each clerk scores through the form; strengths: a > b > c > d.
    for i in 0..c.units.len() {
        let r = c.score(i).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "scores of clerk {i}");
    }
    let page = c.mgr.get_text(&c.base).await;
    assert!(page.contains("Xếp hạng theo trung bình cộng"));
    assert_redirect(c.mgr_post("dong-cham-diem").await).await;
    let page = c.clerks[0].get_text(&c.base).await;
    assert!(
        page.contains("Xếp hạng theo trung bình cộng"),
        "results visible to members after closing"
    );

    // Ballot: leader and deputy for 2025, and the Government flag (top 4).
    c.create_ballot().await;
    assert_redirect(c.mgr_post(&format!("phieu/{}/mo", c.ballot)).await).await;
    for i in 0..c.units.len() {
        let r = c.vote(i).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "vote {i}");
    }
    assert_redirect(c.mgr_post(&format!("phieu/{}/dong", c.ballot)).await).await;
    let page = c.clerks[0].get_text(&c.base).await;
    assert!(
        page.contains("Trúng") && page.contains("Cờ thi đua của Chính phủ"),
        "results and proposals shown"
    );
    let minutes = c.clerks[0]
        .get_text(&format!("{}/phieu/{}/bien-ban", c.base, c.ballot))
        .await;
    let hash =
        c.s.t
            .store()
            .ballot(c.ballot)
            .await
            .unwrap()
            .rule_hash
            .unwrap();
    assert!(
        minutes.contains("BIÊN BẢN KIỂM PHIẾU") && minutes.contains(&hash),
        "{minutes}"
    );
    let proposals =
        c.s.t
            .store()
            .cluster_proposals(c.cluster, 2024)
            .await
            .unwrap();
    assert_eq!(proposals.len(), 2);
    // Next year: b leads, c deputises, as elected.
    assert_eq!(
        holder(&c.s, c.cluster, 2025, MemberRole::Leader).await,
        c.units[1]
    );
    assert_eq!(
        holder(&c.s, c.cluster, 2025, MemberRole::Deputy).await,
        c.units[2]
    );
}
