//! The council's secret vote: when it may open, one paper per member, the result and minutes.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{Case, Stage, pdf_text};
use crate::server::{assert_redirect, assert_status};

on_both!(
    the_council_cannot_vote_while_the_consultation_runs,
    each_member_votes_once_a_second_paper_gets_409,
    two_of_three_members_agreeing_is_more_than_half_and_passes,
    the_minutes_pdf_names_the_nominee_and_the_result
);

async fn the_council_cannot_vote_while_the_consultation_runs(b: Backend) {
    let c = Case::at(b, Stage::InConsultation).await;
    let r = c.step(&c.sp, "mo_bo_phieu", &[]).await;
    assert_status(r, StatusCode::CONFLICT).await;
}

async fn each_member_votes_once_a_second_paper_gets_409(b: Backend) {
    let c = Case::at(b, Stage::Voting).await;
    for member in ["hoidong1", "hoidong2"] {
        let (m, r) = c.vote_in_person(member, "dong_y").await;
        assert_redirect(r).await;
        assert_status(c.vote(&m, "khong_dong_y").await, StatusCode::CONFLICT).await;
    }
}

async fn two_of_three_members_agreeing_is_more_than_half_and_passes(b: Backend) {
    let c = Case::at(b, Stage::VoteClosed).await;
    let page = c.page(&c.sp).await;
    assert!(
        page.contains("Đạt tỷ lệ phiếu") && page.contains("&#62; 50% tổng số thành viên (2/3)"),
        "{page}"
    );
}

async fn the_minutes_pdf_names_the_nominee_and_the_result(b: Backend) {
    let c = Case::at(b, Stage::VoteClosed).await;
    let minutes = pdf_text(
        &c.sp
            .get_bytes(&format!("/ho-so/{}/bien-ban.pdf", c.id))
            .await,
    );
    assert!(
        minutes.contains("NguyễnVănĐức") && minutes.contains("Đạt"),
        "{minutes}"
    );
}
