//! The public consultation: a published dossier has a public page showing nothing private,
//! anyone may comment (bots and floods are held off), the Board moderates, and pending
//! comments hold the council back.

use std::net::IpAddr;

use tdkt_app::dossiers::StepInput;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_app::{AppError, today};
use tdkt_domain::dossier::State;
use tdkt_store::DossierRow;

use super::fixtures::*;

on_both!(
    publishing_opens_the_consultation_for_the_days_given,
    a_public_comment_waits_for_moderation,
    the_council_cannot_vote_while_the_consultation_runs,
    a_dossier_not_in_consultation_has_no_public_page,
    the_public_page_shows_nothing_private,
    a_bot_filling_the_hidden_field_is_told_it_worked_and_nothing_is_stored,
    one_address_is_throttled_after_its_comments_of_the_hour,
    pending_comments_hold_the_council_back,
    the_unit_sees_approved_comments_only_and_no_contacts,
);

const IP: &str = "198.51.100.7";

/// Đức's merit dossier appraised and published for `days` days.
async fn published_for(w: &World, days: u32) -> DossierRow {
    let d = w
        .appraised(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
        )
        .await;
    let version = w.version(d.id).await;
    w.t.app
        .dossier_step(
            &w.specialist,
            d.id,
            StepInput {
                step: "cong_khai".into(),
                version,
                reason: None,
                days: Some(days),
            },
        )
        .await
        .unwrap()
}

async fn publishing_opens_the_consultation_for_the_days_given(b: Backend) {
    let w = world(b).await;
    let d = published_for(&w, 10).await;
    assert_eq!(d.state, State::Consultation);
    assert_eq!(
        d.consultation_until,
        Some(today() + time::Duration::days(10))
    );
    assert!(
        w.t.app
            .public_consultations()
            .await
            .unwrap()
            .iter()
            .any(|x| x.id == d.id)
    );
}

async fn a_public_comment_waits_for_moderation(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let id = published_for(&w, 10).await.id;
    let mut trail = Trail::new(id);
    trail.check(&w, 9, "công khai").await;
    app.add_public_comment(
        id,
        "Lê Văn Dân",
        Some("dan@example.vn"),
        "Tôi đồng ý đề nghị khen thưởng thầy Đức, thầy rất tận tụy.",
        "",
        "203.113.1.10".parse().unwrap(),
    )
    .await
    .unwrap();
    trail.check(&w, 1, "ý kiến công khai").await;
    let comment =
        w.t.store()
            .dossier_comments(id)
            .await
            .unwrap()
            .pop()
            .unwrap();
    assert_eq!(comment.status.code(), "cho_duyet");
    let c = app
        .moderate_comment(&w.specialist, id, comment.id, "da_duyet")
        .await
        .unwrap();
    assert_eq!(c.status.code(), "da_duyet");
    trail.check(&w, 1, "duyệt ý kiến").await;
}

async fn the_council_cannot_vote_while_the_consultation_runs(b: Backend) {
    let w = world(b).await;
    let id = published_for(&w, 10).await.id;
    let msg = conflict(refused(&w, Some(id), w.step(&w.specialist, id, "mo_bo_phieu", None)).await);
    assert!(msg.contains("Còn lấy ý kiến công khai"), "{msg}");
}

/// Not in consultation: no public page, no comment.
async fn a_dossier_not_in_consultation_has_no_public_page(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .submitted(
            "cong_trang",
            vec![
                person_nominee(
                    w.duc.id,
                    "bang_khen_tinh",
                    "Hoàn thành xuất sắc nhiệm vụ năm 2026",
                ),
                person_nominee(w.binh.id, "giay_khen", "Hoàn thành tốt nhiệm vụ được giao"),
            ],
        )
        .await;
    let ip: IpAddr = IP.parse().unwrap();
    assert!(matches!(
        app.public_dossier(d.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.add_public_comment(
            d.id,
            "Lê Văn Dân",
            None,
            "Ý kiến về hồ sơ chưa công khai",
            "",
            ip
        )
        .await,
        Err(AppError::NotFound(_))
    ));
}

/// Đức passed appraisal, Bình did not; published for comment.
async fn in_consultation(w: &World) -> i64 {
    w.in_consultation_as(vec![
        (
            person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ năm 2026",
            ),
            "dat",
        ),
        (
            person_nominee(w.binh.id, "giay_khen", "Hoàn thành tốt nhiệm vụ được giao"),
            "khong_dat",
        ),
    ])
    .await
    .id
}

/// A comment with a private contact address.
async fn comment(
    w: &World,
    id: i64,
    author: &str,
    body: &str,
    ip: IpAddr,
) -> tdkt_app::AppResult<()> {
    w.t.app
        .add_public_comment(id, author, Some("lienhe.rieng@example.vn"), body, "", ip)
        .await
        .map(drop)
}

/// Three comments: the first approved, the second hidden, the third pending (a moderation
/// to «xoa» is refused).
async fn three_comments(w: &World, id: i64) {
    let app = &w.t.app;
    let ip: IpAddr = IP.parse().unwrap();
    comment(
        w,
        id,
        "Người Đồng Ý",
        "Tôi đồng ý với đề nghị khen thưởng.",
        ip,
    )
    .await
    .unwrap();
    comment(
        w,
        id,
        "Người Bị Ẩn",
        "Nội dung không phù hợp để đăng công khai.",
        ip,
    )
    .await
    .unwrap();
    comment(
        w,
        id,
        "Người Chờ Duyệt",
        "Ý kiến này còn đang chờ duyệt.",
        ip,
    )
    .await
    .unwrap();
    let stored = w.t.store().dossier_comments(id).await.unwrap();
    assert_eq!(stored.len(), 3);
    app.moderate_comment(&w.specialist, id, stored[0].id, "da_duyet")
        .await
        .unwrap();
    app.moderate_comment(&w.specialist, id, stored[1].id, "an")
        .await
        .unwrap();
    assert!(matches!(
        app.moderate_comment(&w.specialist, id, stored[2].id, "xoa")
            .await,
        Err(AppError::Invalid(_))
    ));
}

/// Only the nominees who passed appraisal and the approved comments; no identity number,
/// birth date, contact, hidden or pending comment, or appraisal detail.
async fn the_public_page_shows_nothing_private(b: Backend) {
    let w = world(b).await;
    let id = in_consultation(&w).await;
    three_comments(&w, id).await;
    let page = w.t.app.public_dossier(id).await.unwrap();
    assert_eq!(
        page.nominees
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>(),
        ["Nguyễn Văn Đức"],
        "only nominees who passed appraisal"
    );
    assert_eq!(page.nominees[0].award, "Bằng khen cấp bộ, ban, ngành, tỉnh");
    assert_eq!(
        page.comments
            .iter()
            .map(|c| c.author.as_str())
            .collect::<Vec<_>>(),
        ["Người Đồng Ý"],
        "only approved comments"
    );
    let json = serde_json::to_string(&page).unwrap();
    for private in [
        DUC_CCCD,
        BINH_CCCD,
        "Trần Thị Bình",
        "1980",
        "lienhe.rieng",
        "Người Bị Ẩn",
        "Người Chờ Duyệt",
        CHECKED,
        "verdict",
        "override",
    ] {
        assert!(!json.contains(private), "{private} in {json}");
    }
}

async fn a_bot_filling_the_hidden_field_is_told_it_worked_and_nothing_is_stored(b: Backend) {
    let w = world(b).await;
    let s = w.t.store();
    let id = in_consultation(&w).await;
    three_comments(&w, id).await;
    let head = s.audit_head().await.unwrap();
    w.t.app
        .add_public_comment(
            id,
            "Máy Tự Động",
            None,
            "Quảng cáo dịch vụ không liên quan gì cả.",
            "http://spam.example",
            "192.0.2.99".parse().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(s.dossier_comments(id).await.unwrap().len(), 3);
    assert_eq!(s.audit_head().await.unwrap(), head);
}

/// One address may leave `comments_per_hour` comments an hour, then it is throttled; another
/// address is not affected.
async fn one_address_is_throttled_after_its_comments_of_the_hour(b: Backend) {
    let w = world(b).await;
    let id = in_consultation(&w).await;
    three_comments(&w, id).await;
    let flood: IpAddr = "192.0.2.1".parse().unwrap();
    let max = w.t.app.procedure.consultation.comments_per_hour as usize;
    let (who, what) = ("Người Gửi Nhiều", "Ý kiến gửi nhiều lần trong một giờ.");
    for _ in 0..max {
        comment(&w, id, who, what, flood).await.unwrap();
    }
    assert!(matches!(
        comment(&w, id, who, what, flood).await,
        Err(AppError::TooMany(m)) if m.contains("ý kiến từ địa chỉ này")
    ));
    assert_eq!(
        w.t.store().dossier_comments(id).await.unwrap().len(),
        3 + max
    );
    comment(
        &w,
        id,
        "Người Khác",
        "Ý kiến từ một địa chỉ khác.",
        "192.0.2.2".parse().unwrap(),
    )
    .await
    .unwrap();
}

/// Once the period is over the page closes, but a pending comment still holds the council
/// back.
async fn pending_comments_hold_the_council_back(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let id = in_consultation(&w).await;
    three_comments(&w, id).await;
    w.end_consultation().await;
    assert!(matches!(
        app.public_dossier(id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.public_consultations().await.unwrap().is_empty());
    let msg = conflict(refused(&w, Some(id), w.step(&w.specialist, id, "mo_bo_phieu", None)).await);
    assert!(msg.contains("ý kiến công khai chưa xử lý"), "{msg}");
}

/// Pending comments are the Board's alone, with the commenter's contact; the commenter's name
/// is not on the timeline; once approved the unit sees the comment, without the contact.
async fn the_unit_sees_approved_comments_only_and_no_contacts(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .in_consultation_as(vec![(
            person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Dẫn đầu phong trào chuyển đổi số của ngành",
            ),
            "dat",
        )])
        .await;
    app.add_public_comment(
        d.id,
        "Lê Văn Góp",
        Some("gop@example.vn"),
        "Tôi đề nghị xem lại thành tích năm 2025.",
        "",
        "192.0.2.10".parse().unwrap(),
    )
    .await
    .unwrap();
    assert!(
        app.dossier_view(&w.clerk, d.id)
            .await
            .unwrap()
            .comments
            .is_empty(),
        "the unit does not see pending comments"
    );
    let board = app
        .dossier_view(&w.specialist, d.id)
        .await
        .unwrap()
        .comments;
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].contact.as_deref(), Some("gop@example.vn"));
    let events = w.t.store().dossier_events(d.id).await.unwrap();
    assert!(
        !events
            .iter()
            .any(|e| e.note.as_deref().unwrap_or_default().contains("Lê Văn Góp")),
        "no commenter's name on the timeline"
    );
    app.moderate_comment(&w.specialist, d.id, board[0].id, "da_duyet")
        .await
        .unwrap();
    let seen = app.dossier_view(&w.clerk, d.id).await.unwrap().comments;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].contact, None, "contacts stay with the Board");
}
