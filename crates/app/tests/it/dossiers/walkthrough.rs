//! The whole path of one dossier, from the unit's draft to the register and a revocation,
//! through every hand-over: at each step the state and version move by one, the right inbox
//! holds the dossier, every document version still downloads with its hash and the timeline
//! keeps its past and grows by exactly the step's lines. The details of each use case are
//! checked in their own modules.

use std::collections::BTreeMap;

use tdkt_app::dossiers::{AppraisalInput, DossierInput, StepInput};
use tdkt_app::on_both;
use tdkt_app::register::RegisterQuery;
use tdkt_app::testing::Backend;
use tdkt_domain::dossier::State;

use super::fixtures::*;

on_both!(the_whole_path_from_draft_to_revocation);

async fn the_whole_path_from_draft_to_revocation(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();

    // ---- the unit prepares the dossier
    let d = app
        .create_dossier(
            &w.clerk,
            DossierInput {
                title: "Đề nghị khen thưởng năm học 2025-2026".into(),
                unit_id: w.dept.id,
                authority_id: None,
                kind: "cong_trang".into(),
                year: 2026,
                movement_id: None,
                cluster_proposal_id: None,
                nominees: w.the_three().into_iter().map(|(n, _)| n).collect(),
            },
        )
        .await
        .unwrap();
    assert_eq!(d.authority_id, w.province.id);
    assert_eq!((d.state, d.version), (State::Draft, 1));
    let id = d.id;
    let mut trail = Trail::new(id);
    trail.check(&w, 1, "tạo hồ sơ").await;
    let list = vec![
        person_nominee(
            w.duc.id,
            "bang_khen_tinh",
            "Hoàn thành xuất sắc nhiệm vụ năm học 2025-2026, có 2 sáng kiến cấp cơ sở",
        ),
        person_nominee(
            w.binh.id,
            "chien_si_thi_dua_co_so",
            "Có một sáng kiến cấp cơ sở",
        ),
        unit_nominee(
            w.school.id,
            "co_thi_dua_tinh",
            "Dẫn đầu khối thi đua các trường THPT",
        ),
    ];
    let d = app.update_nominees(&w.clerk, id, 1, &list).await.unwrap();
    assert_eq!((d.state, d.version), (State::Draft, 2));
    trail.check(&w, 1, "sửa danh sách").await;
    w.upload(id, None, "to_trinh", "to-trinh.pdf", pdf("tờ trình"))
        .await;
    trail.check(&w, 1, "tờ trình").await;
    let report = w
        .upload(
            id,
            None,
            "bao_cao_thanh_tich",
            "bao-cao.pdf",
            pdf("báo cáo bản 1"),
        )
        .await;
    trail.check(&w, 1, "báo cáo").await;
    let d = w.step_at(&w.clerk, id, 2, "gui", None).await.unwrap();
    assert_eq!((d.state, d.version), (State::Submitted, 3));
    trail.check(&w, 1, "gửi").await;
    assert_eq!(w.inbox(&w.specialist, "tiep_nhan").await, [id]);
    assert_eq!(w.inbox(&w.clerk, "don_vi").await, [id]);

    // ---- the Board receives, starts, and returns it for a supplement
    let d = w
        .step_at(&w.specialist, id, 3, "tiep_nhan", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Received, 4));
    trail.check(&w, 1, "tiếp nhận").await;
    let d = w
        .step_at(&w.specialist, id, 4, "tham_dinh", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::UnderAppraisal, 5));
    trail.check(&w, 1, "bắt đầu thẩm định").await;
    let why = "Báo cáo thành tích chưa có xác nhận của thủ trưởng đơn vị";
    let d = w
        .step_at(&w.specialist, id, 5, "tra_lai", Some(why))
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Returned, 6));
    trail.check(&w, 1, "trả lại").await;
    assert_eq!(trail.events.last().unwrap().note.as_deref(), Some(why));
    assert_eq!(
        trail.versions.len(),
        2,
        "a returned dossier keeps its documents"
    );
    assert_eq!(w.inbox(&w.specialist, "bo_sung").await, [id]);
    assert!(w.inbox(&w.specialist, "tiep_nhan").await.is_empty());
    // The unit adds a new version of the report (the first one stays) and sends it back.
    w.upload(
        id,
        Some(report.id),
        "bao_cao_thanh_tich",
        "bao-cao-bo-sung.pdf",
        pdf("báo cáo bản 2, có xác nhận"),
    )
    .await;
    trail.check(&w, 1, "bổ sung báo cáo").await;
    assert_eq!(trail.versions.len(), 3);
    assert_eq!(
        w.version(id).await,
        6,
        "an upload does not move the version"
    );
    let d = w
        .step_at(&w.clerk, id, 6, "gui_bo_sung", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::UnderAppraisal, 7));
    trail.check(&w, 1, "gửi bổ sung").await;

    // ---- appraisal: Đức and the school pass, Bình does not
    let duc_n = World::nominee(&d, Some(w.duc.id), None);
    let binh_n = World::nominee(&d, Some(w.binh.id), None);
    let school_n = World::nominee(&d, None, Some(w.school.id));
    for (n, result, reason) in [
        (duc_n, "dat", CHECKED),
        (binh_n, "khong_dat", "Sáng kiến chưa được công nhận"),
        (school_n, "dat", CHECKED),
    ] {
        app.appraise_nominee(
            &w.specialist,
            id,
            AppraisalInput {
                version: None,
                nominee_id: n,
                result: result.into(),
                override_reason: Some(reason.into()),
            },
        )
        .await
        .unwrap();
        trail.check(&w, 1, "thẩm định").await;
    }
    // Each recorded result moved the version, as a step does.
    assert_eq!(w.version(id).await, 10);
    let d = w
        .step_at(&w.specialist, id, 10, "xong_tham_dinh", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Appraised, 11));
    trail.check(&w, 1, "xong thẩm định").await;

    // ---- public consultation, with a comment approved
    let d = app
        .dossier_step(
            &w.specialist,
            id,
            StepInput {
                step: "cong_khai".into(),
                version: 11,
                reason: None,
                days: Some(10),
            },
        )
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Consultation, 12));
    trail.check(&w, 1, "công khai").await;
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
    let comment = s.dossier_comments(id).await.unwrap().pop().unwrap();
    app.moderate_comment(&w.specialist, id, comment.id, "da_duyet")
        .await
        .unwrap();
    trail.check(&w, 1, "duyệt ý kiến").await;

    // ---- the council's vote
    w.end_consultation().await;
    trail.check(&w, 0, "hết thời gian lấy ý kiến").await;
    let d = w
        .step_at(&w.specialist, id, 12, "mo_bo_phieu", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::CouncilVote, 13));
    trail.check(&w, 1, "mở bỏ phiếu").await;
    assert_eq!(w.inbox(&w.members[0], "bo_phieu").await, [id]);
    w.cast_the_papers(id, duc_n, school_n).await;
    assert!(w.inbox(&w.members[0], "bo_phieu").await.is_empty());
    // Votes are audited (who and how, never what) but are not steps of the dossier.
    trail.check(&w, 0, "bỏ phiếu").await;
    assert_eq!(w.inbox(&w.members[4], "bo_phieu").await, [id]);
    let result = app.close_council_vote(&w.specialist, id).await.unwrap();
    trail.check(&w, 1, "kết thúc bỏ phiếu").await;
    let passed: BTreeMap<i64, bool> = result
        .items
        .iter()
        .map(|i| (i.nominee_id, i.passed))
        .collect();
    assert_eq!(passed, BTreeMap::from([(duc_n, true), (school_n, false)]));

    // ---- the leader approves and signs
    assert!(w.inbox(&w.members[4], "bo_phieu").await.is_empty());
    assert_eq!(w.inbox(&w.leader, "duyet").await, [id]);
    let d = w.step_at(&w.leader, id, 13, "duyet", None).await.unwrap();
    assert_eq!((d.state, d.version), (State::Approved, 14));
    trail.check(&w, 1, "duyệt").await;
    assert_eq!(w.inbox(&w.leader, "ky").await, [id]);
    let dec = w.issue(id).await.unwrap();
    assert_eq!(dec.number, "1/QĐ-UBND");
    let d = s.dossier(id).await.unwrap();
    assert_eq!((d.state, d.version), (State::DecisionIssued, 15));
    // The step and the decision's own line.
    trail.check(&w, 2, "ban hành quyết định").await;
    assert_eq!(w.inbox(&w.specialist, "trao").await, [id]);

    // ---- in the register, with a certificate anyone can verify
    let found = app
        .search_register(
            &w.specialist,
            &RegisterQuery {
                q: Some("nguyen van duc".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].dossier_id, Some(id));
    let key = found[0].cert_key.clone().unwrap();
    assert_eq!(
        app.verify_certificate(&key).await.unwrap().name,
        "Nguyễn Văn Đức"
    );
    trail.check(&w, 0, "tra cứu").await;

    // ---- handed out, then revoked
    let d = w
        .step_at(&w.specialist, id, 15, "da_trao", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Awarded, 16));
    trail.check(&w, 1, "đã trao").await;
    let revoke_why = "Phát hiện kê khai thành tích không đúng sự thật";
    let d = w
        .step_at(&w.leader, id, 16, "huy", Some(revoke_why))
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Revoked, 17));
    trail.check(&w, 1, "huỷ").await;
    assert!(
        app.verify_certificate(&key)
            .await
            .unwrap()
            .revoked
            .is_some()
    );
    assert_eq!(
        trail.versions.len(),
        3,
        "every version survived the whole path"
    );
}
