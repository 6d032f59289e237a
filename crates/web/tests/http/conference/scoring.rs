//! Scoring: each clerk for their own unit, within the criteria's range, until it closes; the
//! ranking hidden from members until then; a self-score's evidence note kept.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{Conference, Editor, Stage};
use crate::server::{assert_redirect, assert_status};

on_both!(
    a_clerk_cannot_score_for_another_unit,
    out_of_range_points_are_refused_naming_the_range,
    before_scoring_closes_members_see_no_ranking_and_the_manager_does,
    scores_cannot_change_after_scoring_closes,
    a_self_score_keeps_its_evidence_note
);

async fn a_clerk_cannot_score_for_another_unit(b: Backend) {
    let c = Conference::at(b, Stage::Scored).await;
    let r = c.clerks[0].get(&c.scoring_path(1)).await;
    assert_status(r, StatusCode::FORBIDDEN).await;
}

async fn out_of_range_points_are_refused_naming_the_range(b: Backend) {
    let c = Conference::at(b, Stage::Scored).await;
    let field = format!("d_{}_1.1", c.units[1]);
    let r = c.clerks[0]
        .post_form(&c.scoring_path(0), &[(field.as_str(), "60")])
        .await;
    let body = assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("phải trong khoảng 0–50"), "{body}");
}

async fn before_scoring_closes_members_see_no_ranking_and_the_manager_does(b: Backend) {
    let c = Conference::at(b, Stage::Scored).await;
    let page = c.clerks[0].get_text(&c.base).await;
    assert!(page.contains("hiển thị sau khi đóng vòng chấm điểm"));
    let page = c.mgr.get_text(&c.base).await;
    assert!(page.contains("Xếp hạng theo trung bình cộng"));
}

async fn scores_cannot_change_after_scoring_closes(b: Backend) {
    let c = Conference::at(b, Stage::ScoringClosed).await;
    let field = format!("d_{}_1.1", c.units[1]);
    let r = c.clerks[0]
        .post_form(&c.scoring_path(0), &[(field.as_str(), "10")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "scores cannot change after closing"
    );
}

/// A self-score with its evidence note, kept with each score of the row and shown again.
async fn a_self_score_keeps_its_evidence_note(b: Backend) {
    let e = Editor::new(b).await;
    e.save_covenant().await;
    let a = e.a;
    let grid = format!("{}/cham-diem/{a}", e.base);
    let (score, note) = (format!("d_{a}_1.1"), format!("n_{a}"));
    let r = e
        .clerk
        .post_form(
            &grid,
            &[
                (score.as_str(), "38"),
                (note.as_str(), "Báo cáo tổng kết năm, trang 4"),
            ],
        )
        .await;
    assert_redirect(r).await;
    let (scores, _) = e.s.t.store().cluster_scores(e.cluster, 2026).await.unwrap();
    assert_eq!(
        scores[0].note.as_deref(),
        Some("Báo cáo tổng kết năm, trang 4")
    );
    assert!(
        e.clerk
            .get_text(&grid)
            .await
            .contains("Báo cáo tổng kết năm, trang 4")
    );
}
