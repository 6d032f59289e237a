//! The whole path of a nomination dossier, end to end: the clerk drafts and submits with
//! documents, the specialist receives it, returns it for supplement and gets a new version of
//! the report, appraises with an override reason, public consultation with an anonymous
//! visitor's comment, the council's secret vote with one written vote, the leader's approval
//! and decision, the certificate whose QR address verifies publicly, the register, the
//! hand-over. The refusals and the details along the way have tests of their own beside this.

use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{Case, OVERRIDE_REASON, pdf_text, verification_key};
use crate::server::{assert_ok_bytes, assert_redirect};

on_both!(dossier_goes_from_draft_to_printed_certificate);

async fn dossier_goes_from_draft_to_printed_certificate(b: Backend) {
    let mut c = Case::new(b).await;
    // ---- the clerk drafts the dossier from what the form offers, and submits it
    let form = c.clerk.get_text("/ho-so/moi").await;
    assert!(
        form.contains(&format!("p:{}", c.duc))
            && form.contains("Bằng khen của Chủ tịch UBND cấp tỉnh")
            || form.contains("bang_khen_tinh"),
        "{form}"
    );
    c.draft().await;
    let id = c.id;
    c.upload_documents().await;
    c.submit().await;

    // ---- the specialist finds it waiting, receives it, starts the appraisal
    let inbox = c.sp.get_text("/ho-so").await;
    assert!(
        inbox.contains("Chờ tiếp nhận") && inbox.contains(&format!("/ho-so/{id}")),
        "{inbox}"
    );
    c.receive().await;
    c.ok_step(&c.sp, "tham_dinh", &[]).await;

    // ---- returned for supplement: the clerk reads why and sends a new version of the report
    c.return_for_supplement().await;
    let page = c.page(&c.clerk).await;
    assert!(
        page.contains("Báo cáo thành tích thiếu xác nhận"),
        "the reason is on the timeline"
    );
    c.resubmit_with_new_report().await;
    let page = c.page(&c.sp).await;
    assert!(
        page.contains("Bản 1: bao-cao.pdf") && page.contains("Bản 2: bao-cao-co-xac-nhan.pdf"),
        "{page}"
    );

    // ---- appraisal: no history in the engine, so "đạt" carries a written reason
    assert_redirect(c.appraise(OVERRIDE_REASON).await).await;
    c.ok_step(&c.sp, "xong_tham_dinh", &[]).await;
    c.publish().await;

    // ---- public consultation, no login: a comment, published once moderated
    let anon = c.s.visitor();
    let list = anon.get_text("/cong-khai").await;
    assert!(list.contains(&format!("/cong-khai/{id}")), "{list}");
    let public = anon.get_text(&format!("/cong-khai/{id}")).await;
    assert!(
        public.contains("Nguyễn Văn Đức") && public.contains("chuyển đổi số"),
        "{public}"
    );
    assert_redirect(c.comment(&anon).await).await;
    c.approve_comment().await;
    let public = anon.get_text(&format!("/cong-khai/{id}")).await;
    assert!(public.contains("dịch vụ công trực tuyến"));

    // ---- the council's secret vote: two in person, one absent in writing
    c.end_consultation().await;
    c.ok_step(&c.sp, "mo_bo_phieu", &[]).await;
    for member in ["hoidong1", "hoidong2"] {
        let m = c.s.login(member).await;
        let inbox = m.get_text("/ho-so").await;
        assert!(inbox.contains("Chờ bỏ phiếu") && inbox.contains(&format!("/ho-so/{id}")));
        assert_redirect(c.vote(&m, "dong_y").await).await;
    }
    assert_redirect(c.written_vote_of_absent_member("khong_dong_y").await).await;
    c.close_vote().await;
    let page = c.page(&c.sp).await;
    assert!(page.contains("Đạt tỷ lệ phiếu"), "{page}");

    // ---- the leader approves and signs; the decision is printed
    c.ok_step(&c.lead, "duyet", &[]).await;
    c.decide().await;
    let page = c.page(&c.lead).await;
    assert!(page.contains("Quyết định số 1/QĐ-UBND"), "{page}");
    let decision = pdf_text(
        &c.lead
            .get_bytes(&format!("/ho-so/{id}/quyet-dinh.pdf"))
            .await,
    );
    assert!(decision.contains("1/QĐ-UBND"), "{decision}");

    // ---- the certificate: its QR address verifies publicly
    let cert = assert_ok_bytes(c.certificate().await).await;
    let key = verification_key(&pdf_text(&cert));
    let verify = anon.get_text(&format!("/xac-minh/{key}")).await;
    assert!(
        verify.contains("Nguyễn Văn Đức") && verify.contains("1/QĐ-UBND"),
        "{verify}"
    );

    // ---- the register finds it; handed over, the timeline names every state
    let found = c.sp.get_text("/so-khen-thuong?q=nguyen+van+duc").await;
    assert!(found.contains("1/QĐ-UBND"), "{found}");
    c.ok_step(&c.sp, "da_trao", &[]).await;
    let page = c.page(&c.sp).await;
    assert!(page.contains("Ghi nhận đã trao"), "{page}");
}
