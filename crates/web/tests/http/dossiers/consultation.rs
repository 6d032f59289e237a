//! Public consultation: what an anonymous visitor sees, says and cannot do.

use reqwest::StatusCode;
use reqwest::multipart::Form;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{CCCD, Case, Stage};
use crate::server::{assert_redirect, assert_status, hidden};

on_both!(
    the_public_list_and_page_show_the_nominee_and_nothing_private,
    a_visitors_comment_is_public_only_once_moderated_and_without_contact,
    the_thank_you_is_fixed_text_not_words_from_the_address,
    visitors_without_an_account_upload_nothing
);

async fn the_public_list_and_page_show_the_nominee_and_nothing_private(b: Backend) {
    let c = Case::at(b, Stage::InConsultation).await;
    let anon = c.s.visitor();
    let list = anon.get_text("/cong-khai").await;
    assert!(list.contains(&format!("/cong-khai/{}", c.id)), "{list}");
    let public = anon.get_text(&format!("/cong-khai/{}", c.id)).await;
    assert!(
        public.contains("Nguyễn Văn Đức") && public.contains("chuyển đổi số"),
        "{public}"
    );
    // Not the identity number, the birth date, the return reason or the override reason.
    for private in [
        CCCD,
        "1985",
        "02/04",
        "thiếu xác nhận",
        "đối chiếu minh chứng",
    ] {
        assert!(!public.contains(private), "the public page shows {private}");
    }
}

async fn a_visitors_comment_is_public_only_once_moderated_and_without_contact(b: Backend) {
    let c = Case::at(b, Stage::InConsultation).await;
    let anon = c.s.visitor();
    let public_path = format!("/cong-khai/{}", c.id);
    assert_redirect(c.comment(&anon).await).await;
    let public = anon.get_text(&public_path).await;
    assert!(!public.contains("dịch vụ công trực tuyến"));
    let page = c.page(&c.sp).await;
    assert!(page.contains("hoa@example.vn") && page.contains("Chờ duyệt"));
    c.approve_comment().await;
    let public = anon.get_text(&public_path).await;
    assert!(public.contains("dịch vụ công trực tuyến") && !public.contains("hoa@example.vn"));
}

/// The thank-you is fixed text: the address cannot put words on a public page.
async fn the_thank_you_is_fixed_text_not_words_from_the_address(b: Backend) {
    let c = Case::at(b, Stage::InConsultation).await;
    let anon = c.s.visitor();
    assert_redirect(c.comment(&anon).await).await;
    let forged = anon
        .get_text(&format!(
            "/cong-khai/{}?tb=Th%C3%B4ng+b%C3%A1o+gi%E1%BA%A3",
            c.id
        ))
        .await;
    assert!(!forged.contains("Thông báo giả"));
    let thanks = anon
        .get_text(&format!("/cong-khai/{}?da_gui=1", c.id))
        .await;
    assert!(thanks.contains("Ý kiến đã được ghi nhận"));
}

async fn visitors_without_an_account_upload_nothing(b: Backend) {
    let c = Case::at(b, Stage::InConsultation).await;
    let anon = c.s.visitor();
    let path = format!("/cong-khai/{}", c.id);
    let token = hidden(&anon.get_text(&path).await, "_csrf");
    let form = Form::new()
        .text("_csrf", token)
        .text("noi_dung", "x".repeat(20));
    let r = anon.post_multipart(&path, form).await;
    assert_status(r, StatusCode::FORBIDDEN).await;
}
