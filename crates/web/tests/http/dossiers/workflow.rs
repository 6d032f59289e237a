//! The workflow's guards: what a step refuses, and what a finished dossier shows.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{Case, Stage, version};
use crate::server::{Browser, Server, assert_status};

on_both!(
    submitting_without_documents_is_refused_naming_what_is_missing,
    two_specialists_receive_at_once_one_gets_409,
    returning_for_supplement_needs_a_reason,
    passing_a_nominee_without_history_needs_a_written_reason,
    the_timeline_of_a_handed_over_dossier_names_every_state,
    the_print_view_names_the_nominee_and_the_decision,
    anonymous_users_are_sent_to_login_from_a_dossier
);

async fn submitting_without_documents_is_refused_naming_what_is_missing(b: Backend) {
    let c = Case::at(b, Stage::Draft).await;
    let r = c.step(&c.clerk, "gui", &[]).await;
    let body = assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        body.contains("Hồ sơ còn thiếu") && body.contains("Tờ trình"),
        "{body}"
    );
}

async fn two_specialists_receive_at_once_one_gets_409(b: Backend) {
    let c = Case::at(b, Stage::Submitted).await;
    let sp2 = c.s.login("chuyenvien2").await;
    let v = version(&c.page(&c.sp).await);
    let path = format!("/ho-so/{}/buoc", c.id);
    // Both read the same version, then post at the same time.
    let receive = |who: Browser| {
        let (path, v) = (path.clone(), v.clone());
        async move {
            who.post_form(&path, &[("buoc", "tiep_nhan"), ("phien_ban", v.as_str())])
                .await
        }
    };
    let (r1, r2) = tokio::join!(receive(c.sp.clone()), receive(sp2));
    let statuses = [r1.status(), r2.status()];
    assert!(
        statuses.contains(&StatusCode::SEE_OTHER) && statuses.contains(&StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let loser = if r1.status() == StatusCode::CONFLICT {
        r1
    } else {
        r2
    };
    let msg = loser.text().await.unwrap();
    assert!(
        msg.contains("vừa được người khác cập nhật") && msg.contains("Đã tiếp nhận"),
        "{msg}"
    );
}

async fn returning_for_supplement_needs_a_reason(b: Backend) {
    let c = Case::at(b, Stage::InAppraisal).await;
    let r = c.step(&c.sp, "tra_lai", &[("ly_do", "")]).await;
    assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
}

/// The engine finds no history for the nominee, so "đạt" needs a written reason.
async fn passing_a_nominee_without_history_needs_a_written_reason(b: Backend) {
    let mut c = Case::at(b, Stage::Resubmitted).await;
    let body = assert_status(c.appraise("").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("cần ghi"), "{body}");
}

async fn the_timeline_of_a_handed_over_dossier_names_every_state(b: Backend) {
    let c = Case::at(b, Stage::HandedOver).await;
    let page = c.page(&c.sp).await;
    for label in [
        "Gửi hồ sơ",
        "Tiếp nhận",
        "Trả lại để bổ sung",
        "Hoàn thành thẩm định",
        "Đăng công khai",
        "Đưa ra Hội đồng",
        "Ban hành",
        "Ghi nhận đã trao",
    ] {
        assert!(page.contains(label), "timeline lacks {label}");
    }
}

async fn the_print_view_names_the_nominee_and_the_decision(b: Backend) {
    let c = Case::at(b, Stage::HandedOver).await;
    let print = c.sp.get_text(&format!("/ho-so/{}/in", c.id)).await;
    assert!(print.contains("Nguyễn Văn Đức") && print.contains("1/QĐ-UBND"));
}

async fn anonymous_users_are_sent_to_login_from_a_dossier(b: Backend) {
    let c = Case::at(b, Stage::Draft).await;
    let r = Server::browser()
        .get(c.s.url(&c.path()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "anonymous users go to the login page"
    );
}
