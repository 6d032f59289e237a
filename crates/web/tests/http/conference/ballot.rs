//! The conference's ballot: opened by the manager only, one vote per unit, by its own clerk,
//! no results while it is open.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{Conference, Stage};
use crate::server::assert_status;

on_both!(
    a_clerk_cannot_open_the_ballot,
    a_unit_that_has_voted_is_told_so_with_409,
    no_one_votes_on_behalf_of_another_unit,
    no_results_are_shown_while_voting_is_open
);

async fn a_clerk_cannot_open_the_ballot(b: Backend) {
    let c = Conference::at(b, Stage::BallotCreated).await;
    let r = c.clerks[0]
        .post_form::<&str, &str>(&format!("{}/phieu/{}/mo", c.base, c.ballot), &[])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a clerk cannot open the ballot"
    );
}

async fn a_unit_that_has_voted_is_told_so_with_409(b: Backend) {
    let c = Conference::at(b, Stage::Voted).await;
    let own = c.units[0].to_string();
    let again = c.clerks[0]
        .post_form(&c.vote_path(), &[("don_vi", own.as_str())])
        .await;
    let body = assert_status(again, StatusCode::CONFLICT).await;
    assert!(body.contains("đã bỏ phiếu"), "{body}");
}

async fn no_one_votes_on_behalf_of_another_unit(b: Backend) {
    let c = Conference::at(b, Stage::Voted).await;
    let other = c.units[1].to_string();
    let r = c.clerks[0]
        .post_form(&c.vote_path(), &[("don_vi", other.as_str())])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "no vote on behalf of another unit"
    );
}

async fn no_results_are_shown_while_voting_is_open(b: Backend) {
    let c = Conference::at(b, Stage::Voted).await;
    let page = c.clerks[0].get_text(&c.base).await;
    assert!(!page.contains("Trúng"));
}
