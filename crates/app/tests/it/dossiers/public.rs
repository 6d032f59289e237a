//! Public consultation: nothing private on public pages; comments and ballots only at their stage.

use super::*;

on_both!(
    public_pages_show_nothing_private,
    comments_and_ballots_respect_the_stage
);

async fn public_pages_show_nothing_private(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();
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
    let id = d.id;
    // Not in consultation: no public page, no comment.
    let ip: IpAddr = "198.51.100.7".parse().unwrap();
    assert!(matches!(
        app.public_dossier(id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.add_public_comment(
            id,
            "Lê Văn Dân",
            None,
            "Ý kiến về hồ sơ chưa công khai",
            "",
            ip
        )
        .await,
        Err(AppError::NotFound(_))
    ));
    w.step(&w.specialist, id, "tiep_nhan", None).await.unwrap();
    w.step(&w.specialist, id, "tham_dinh", None).await.unwrap();
    w.appraise(id, World::nominee(&d, Some(w.duc.id), None), "dat")
        .await;
    w.appraise(id, World::nominee(&d, Some(w.binh.id), None), "khong_dat")
        .await;
    w.step(&w.specialist, id, "xong_tham_dinh", None)
        .await
        .unwrap();
    w.step(&w.specialist, id, "cong_khai", None).await.unwrap();

    let comment = |author: &'static str, body: &'static str, ip: IpAddr| {
        app.add_public_comment(id, author, Some("lienhe.rieng@example.vn"), body, "", ip)
    };
    comment("Người Đồng Ý", "Tôi đồng ý với đề nghị khen thưởng.", ip)
        .await
        .unwrap();
    comment(
        "Người Bị Ẩn",
        "Nội dung không phù hợp để đăng công khai.",
        ip,
    )
    .await
    .unwrap();
    comment("Người Chờ Duyệt", "Ý kiến này còn đang chờ duyệt.", ip)
        .await
        .unwrap();
    let stored = s.dossier_comments(id).await.unwrap();
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

    let page = app.public_dossier(id).await.unwrap();
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

    // A bot fills the hidden field: told it worked, nothing stored.
    let head = s.audit_head().await.unwrap();
    app.add_public_comment(
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

    // One address may leave `comments_per_hour` comments an hour, then it is throttled.
    let flood: IpAddr = "192.0.2.1".parse().unwrap();
    let max = app.procedure.consultation.comments_per_hour as usize;
    for _ in 0..max {
        comment(
            "Người Gửi Nhiều",
            "Ý kiến gửi nhiều lần trong một giờ.",
            flood,
        )
        .await
        .unwrap();
    }
    assert!(matches!(
        comment(
            "Người Gửi Nhiều",
            "Ý kiến gửi nhiều lần trong một giờ.",
            flood
        )
        .await,
        Err(AppError::TooMany(m)) if m.contains("ý kiến từ địa chỉ này")
    ));
    assert_eq!(s.dossier_comments(id).await.unwrap().len(), 3 + max);
    // Another address is not affected.
    comment(
        "Người Khác",
        "Ý kiến từ một địa chỉ khác.",
        "192.0.2.2".parse().unwrap(),
    )
    .await
    .unwrap();

    // Pending comments hold the council back even once the period is over.
    w.t.raw_exec(
        "UPDATE dossiers SET consultation_until = '2000-01-01' WHERE state = 'lay_y_kien'",
    )
    .await;
    assert!(matches!(
        app.public_dossier(id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.public_consultations().await.unwrap().is_empty());
    let msg = conflict(refused(&w, Some(id), w.step(&w.specialist, id, "mo_bo_phieu", None)).await);
    assert!(msg.contains("ý kiến công khai chưa xử lý"), "{msg}");
}

/// Pending comments are the Board's alone; the ballot closes to votes once the dossier leaves
/// the council's stage; a regular dossier is forwarded only after the vote is counted.
async fn comments_and_ballots_respect_the_stage(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let ip: IpAddr = "192.0.2.10".parse().unwrap();
    // ---- comments
    let d = w
        .appraised(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Dẫn đầu phong trào chuyển đổi số của ngành",
            )],
        )
        .await;
    w.step(&w.specialist, d.id, "cong_khai", None)
        .await
        .unwrap();
    app.add_public_comment(
        d.id,
        "Lê Văn Góp",
        Some("gop@example.vn"),
        "Tôi đề nghị xem lại thành tích năm 2025.",
        "",
        ip,
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

    // ---- a ballot of a rejected dossier takes no more votes
    let d = w
        .in_council(vec![person_nominee(
            w.binh.id,
            "bang_khen_tinh",
            "Giáo viên dạy giỏi cấp tỉnh ba năm liền",
        )])
        .await;
    let n = d.nominees[0].id;
    app.cast_council_vote(&w.members[0], d.id, BTreeMap::from([(n, Choice::Agree)]))
        .await
        .unwrap();
    w.step(
        &w.leader,
        d.id,
        "khong_duyet",
        Some("Chưa đủ thời gian công tác"),
    )
    .await
    .unwrap();
    let e = app
        .cast_council_vote(&w.members[1], d.id, BTreeMap::from([(n, Choice::Agree)]))
        .await
        .unwrap_err();
    assert!(conflict(e).contains("không còn bỏ phiếu"));

    // ---- forwarding after the council: only once the vote is counted
    let d = w
        .in_council(vec![person_nominee(
            w.duc.id,
            "bang_khen_thu_tuong",
            "Năm năm liền hoàn thành xuất sắc nhiệm vụ, ba lần CSTĐ cơ sở",
        )])
        .await;
    let e = w
        .step(&w.specialist, d.id, "chuyen_cap_tren", None)
        .await
        .unwrap_err();
    assert!(conflict(e).contains("chưa kết thúc bỏ phiếu"));
    let n = d.nominees[0].id;
    for m in &w.members {
        app.cast_council_vote(m, d.id, BTreeMap::from([(n, Choice::Agree)]))
            .await
            .unwrap();
    }
    app.close_council_vote(&w.specialist, d.id).await.unwrap();
    let d = w
        .step(&w.specialist, d.id, "chuyen_cap_tren", None)
        .await
        .unwrap();
    assert_eq!(d.state, State::Forwarded);
    let list = app.forward_list_pdf(&w.specialist, d.id).await.unwrap();
    assert!(list.starts_with(b"%PDF-"));
}
