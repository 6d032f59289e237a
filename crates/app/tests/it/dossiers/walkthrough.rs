//! One end-to-end walkthrough: draft → register → revocation, nothing lost at any step.

use super::*;

on_both!(the_whole_path_from_draft_to_revocation);

async fn the_whole_path_from_draft_to_revocation(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();
    let sys = Actor::system("test");
    // A spare unit whose note receives counts made with raw SQL (raw_exec only executes).
    s.create_unit(&sys, new_unit("dem", "Ô đếm", UnitKind::Other, None))
        .await
        .unwrap();

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
                movement: Some("Thi đua dạy tốt, học tốt".into()),
                cluster_proposal_id: None,
                nominees: vec![
                    person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
                    person_nominee(
                        w.binh.id,
                        "chien_si_thi_dua_co_so",
                        "Có một sáng kiến cấp cơ sở",
                    ),
                    unit_nominee(
                        w.school.id,
                        "co_thi_dua_tinh",
                        "Dẫn đầu khối thi đua các trường",
                    ),
                ],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        d.authority_id, w.province.id,
        "the nearest province decides, not the nation above it"
    );
    assert_eq!((d.state, d.version), (State::Draft, 1));
    assert_eq!(d.code, format!("HS-2026-{:05}", d.id));
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
    assert_eq!(d.nominees.len(), 3);
    assert!(d.nominees[0].summary.contains("2 sáng kiến"));
    trail.check(&w, 1, "sửa danh sách").await;
    // The first list is still in the database, marked removed.
    w.t.raw_exec(
        "UPDATE units SET note = CAST((SELECT COUNT(*) FROM dossier_nominees WHERE removed = TRUE) AS TEXT) || '/' || CAST((SELECT COUNT(*) FROM dossier_nominees) AS TEXT) WHERE code = 'dem'",
    )
    .await;
    assert_eq!(
        s.unit_by_code("dem").await.unwrap().note.as_deref(),
        Some("3/6"),
        "removed / all nominee rows"
    );

    let to_trinh = w
        .upload(id, None, "to_trinh", "to-trinh.pdf", pdf("tờ trình"))
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
    assert_eq!(report.versions.len(), 1);
    assert_eq!(to_trinh.versions[0].state, State::Draft);

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
    let report2 = w
        .upload(
            id,
            Some(report.id),
            "bao_cao_thanh_tich",
            "bao-cao-bo-sung.pdf",
            pdf("báo cáo bản 2, có xác nhận"),
        )
        .await;
    assert_eq!(report2.id, report.id);
    assert_eq!(
        report2
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(report2.versions[0], report.versions[0]);
    assert_eq!(report2.versions[1].state, State::Returned);
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

    // ---- appraisal
    let duc_n = World::nominee(&d, Some(w.duc.id), None);
    let binh_n = World::nominee(&d, Some(w.binh.id), None);
    let school_n = World::nominee(&d, None, Some(w.school.id));
    let appraise = |nominee_id: i64, result: &str, reason: Option<&str>| {
        app.appraise_nominee(
            &w.specialist,
            id,
            AppraisalInput {
                version: None,
                nominee_id,
                result: result.into(),
                override_reason: reason.map(str::to_string),
            },
        )
    };
    // Đức has no stored history: the engine cannot find him eligible, so "đạt" needs the
    // specialist's written grounds.
    for reason in [None, Some("ngắn quá")] {
        let (field, msg) = invalid(refused(&w, Some(id), appraise(duc_n, "dat", reason)).await);
        assert_eq!(field, "override_reason");
        assert!(msg.contains("ít nhất 10 ký tự"), "{msg}");
    }
    trail.check(&w, 0, "thẩm định bị từ chối").await;
    let d = appraise(duc_n, "dat", Some(CHECKED)).await.unwrap();
    let n = d.nominees.iter().find(|n| n.id == duc_n).unwrap();
    assert!(
        matches!(
            n.verdict.map(|x| x.code()),
            Some("not_eligible" | "needs_review" | "manual")
        ),
        "{:?}",
        n.verdict
    );
    assert_eq!(n.result.map(|x| x.code()), Some("dat"));
    assert_eq!(n.override_reason.as_deref(), Some(CHECKED));
    assert!(n.verdict_json.is_some());
    trail.check(&w, 1, "thẩm định Đức").await;
    appraise(binh_n, "khong_dat", Some("Sáng kiến chưa được công nhận"))
        .await
        .unwrap();
    trail.check(&w, 1, "thẩm định Bình").await;
    appraise(school_n, "dat", Some(CHECKED)).await.unwrap();
    trail.check(&w, 1, "thẩm định trường").await;
    // Each recorded result moved the version, as a step does.
    assert_eq!(w.version(id).await, 10);

    let d = w
        .step_at(&w.specialist, id, 10, "xong_tham_dinh", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Appraised, 11));
    trail.check(&w, 1, "xong thẩm định").await;

    // ---- public consultation
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
    assert_eq!(
        d.consultation_until,
        Some(today() + time::Duration::days(10))
    );
    trail.check(&w, 1, "công khai").await;
    assert!(
        app.public_consultations()
            .await
            .unwrap()
            .iter()
            .any(|x| x.id == id)
    );
    let ip: IpAddr = "203.113.1.10".parse().unwrap();
    app.add_public_comment(
        id,
        "Lê Văn Dân",
        Some("dan@example.vn"),
        "Tôi đồng ý đề nghị khen thưởng thầy Đức, thầy rất tận tụy.",
        "",
        ip,
    )
    .await
    .unwrap();
    trail.check(&w, 1, "ý kiến công khai").await;
    let comment = s.dossier_comments(id).await.unwrap().pop().unwrap();
    assert_eq!(comment.status.code(), "cho_duyet");
    // The council cannot vote while the consultation runs.
    let msg = conflict(
        refused(
            &w,
            Some(id),
            w.step_at(&w.specialist, id, 12, "mo_bo_phieu", None),
        )
        .await,
    );
    assert!(msg.contains("Còn lấy ý kiến công khai"), "{msg}");
    let c = app
        .moderate_comment(&w.specialist, id, comment.id, "da_duyet")
        .await
        .unwrap();
    assert_eq!(c.status.code(), "da_duyet");
    trail.check(&w, 1, "duyệt ý kiến").await;

    // ---- the council's vote
    // The consultation period passes (moved into the past behind the application's back).
    w.t.raw_exec(
        "UPDATE dossiers SET consultation_until = '2000-01-01' WHERE state = 'lay_y_kien'",
    )
    .await;
    trail.check(&w, 0, "hết thời gian lấy ý kiến").await;
    let d = w
        .step_at(&w.specialist, id, 12, "mo_bo_phieu", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::CouncilVote, 13));
    trail.check(&w, 1, "mở bỏ phiếu").await;
    let ballot = s.council_ballot(id).await.unwrap().unwrap();
    assert_eq!(ballot.status.code(), "mo");
    let rules: tdkt_domain::dossier::council::CouncilRules =
        serde_json::from_str(&ballot.rules_json).unwrap();
    let mut members = rules.members.clone();
    members.sort_unstable();
    assert_eq!(
        members,
        w.members.iter().map(|m| m.user_id).collect::<Vec<_>>()
    );
    assert_eq!(ballot.rule_hash, rules.hash());
    // Only the nominees who passed appraisal are put to the vote.
    let mut asked: Vec<i64> = rules.questions.iter().map(|q| q.nominee_id).collect();
    asked.sort_unstable();
    let mut expected = vec![duc_n, school_n];
    expected.sort_unstable();
    assert_eq!(asked, expected);

    let paper = |duc: Choice, school: Choice| BTreeMap::from([(duc_n, duc), (school_n, school)]);
    use Choice::{Agree, Disagree};
    assert_eq!(w.inbox(&w.members[0], "bo_phieu").await, [id]);
    app.cast_council_vote(&w.members[0], id, paper(Agree, Agree))
        .await
        .unwrap();
    app.cast_council_vote(&w.members[1], id, paper(Agree, Agree))
        .await
        .unwrap();
    app.cast_council_vote(&w.members[2], id, paper(Agree, Disagree))
        .await
        .unwrap();
    assert!(
        w.inbox(&w.members[0], "bo_phieu").await.is_empty(),
        "a member who voted has nothing left to vote on"
    );
    // Member 3 is absent and voted in writing; the secretary enters the paper. Member 4 does
    // not take part.
    app.record_written_vote(
        &w.specialist,
        id,
        w.members[3].user_id,
        paper(Disagree, Agree),
    )
    .await
    .unwrap();
    // Votes are audited (who and how, never what) but are not steps of the dossier.
    trail.check(&w, 0, "bỏ phiếu").await;
    assert_eq!(w.inbox(&w.members[4], "bo_phieu").await, [id]);
    let result = app.close_council_vote(&w.specialist, id).await.unwrap();
    trail.check(&w, 1, "kết thúc bỏ phiếu").await;
    assert_eq!(
        (
            result.members,
            result.present,
            result.written,
            result.quorum_needed
        ),
        (5, 3, 1, 4)
    );
    assert!(result.quorum_met);
    let item = |n: i64| result.items.iter().find(|i| i.nominee_id == n).unwrap();
    // Bằng khen: more than half of ALL five members, i.e. 3; Cờ thi đua: 80% of five, i.e. 4.
    let duc_item = item(duc_n);
    assert_eq!(
        (duc_item.agree, duc_item.disagree, duc_item.needed),
        (3, 1, 3)
    );
    assert!(duc_item.passed);
    assert_eq!(duc_item.threshold, "> 50% tổng số thành viên (3/5)");
    let school_item = item(school_n);
    assert_eq!(
        (school_item.agree, school_item.disagree, school_item.needed),
        (3, 1, 4)
    );
    assert!(
        !school_item.passed,
        "3 of 4 votes cast is 75%, but the share counts all five members"
    );
    assert_eq!(result.items.len(), 2);
    let d = s.dossier(id).await.unwrap();
    let passed = |n: i64| {
        d.nominees
            .iter()
            .find(|x| x.id == n)
            .unwrap()
            .council_passed
    };
    assert_eq!(
        (passed(duc_n), passed(school_n), passed(binh_n)),
        (Some(true), Some(false), None)
    );
    assert_eq!(
        s.council_ballot(id).await.unwrap().unwrap().status.code(),
        "dong"
    );
    let minutes = app.council_minutes_pdf(&w.leader, id).await.unwrap();
    assert!(minutes.starts_with(b"%PDF-"));

    // ---- the leader approves and signs
    assert!(w.inbox(&w.members[4], "bo_phieu").await.is_empty());
    assert_eq!(w.inbox(&w.leader, "duyet").await, [id]);
    let d = w.step_at(&w.leader, id, 13, "duyet", None).await.unwrap();
    assert_eq!((d.state, d.version), (State::Approved, 14));
    trail.check(&w, 1, "duyệt").await;
    assert_eq!(w.inbox(&w.leader, "ky").await, [id]);
    let dec = w.issue(id).await.unwrap();
    assert_eq!(dec.number, "1/QĐ-UBND");
    assert_eq!(
        (dec.seq, dec.year, dec.authority_id),
        (1, today().year(), w.province.id)
    );
    let d = s.dossier(id).await.unwrap();
    assert_eq!((d.state, d.version), (State::DecisionIssued, 15));
    // The step and the decision's own line.
    trail.check(&w, 2, "ban hành quyết định").await;
    assert_eq!(w.inbox(&w.specialist, "trao").await, [id]);
    assert!(
        trail
            .events
            .last()
            .unwrap()
            .note
            .as_deref()
            .unwrap()
            .contains("1/QĐ-UBND")
    );

    // ---- the register: found by name without diacritics, with the rounded bonus
    let (base, _) = app.rules.catalog.base_salary_on(today()).unwrap();
    let base = base as i64;
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
    let row = &found[0];
    assert_eq!(row.subject_name, "Nguyễn Văn Đức");
    assert_eq!(row.person_id, Some(w.duc.id));
    assert_eq!(row.code, "bang_khen_tinh");
    assert_eq!(row.date, today());
    assert_eq!(
        row.decision.as_deref(),
        Some(format!("1/QĐ-UBND ngày {}", vn(today())).as_str())
    );
    // Bằng khen: 1.5 × the base salary, rounded up to 10 000 đồng.
    assert_eq!(row.amount, Some(rounded_up(base * 15 / 10)));
    assert_eq!(row.dossier_id, Some(id));
    assert_eq!(row.revoked_on, None);
    // The collective failed the council's vote, Bình failed appraisal: not in the register.
    for q in ["truong thpt pleiku", "TRAN THI BINH"] {
        let none = app
            .search_register(
                &w.specialist,
                &RegisterQuery {
                    q: Some(q.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(none.is_empty(), "{q}: {none:?}");
    }
    let xlsx = app
        .register_xlsx(&w.specialist, &RegisterQuery::default())
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));

    // ---- printed documents
    let (number, decision_pdf) = app.decision_pdf(&w.leader, id).await.unwrap();
    assert_eq!(number, "1/QĐ-UBND");
    assert!(decision_pdf.len() > 1000 && decision_pdf.starts_with(b"%PDF-"));
    let (_, docx) = app.decision_docx(&w.clerk, id).await.unwrap();
    assert!(docx.len() > 1000 && docx.starts_with(b"PK"));
    let certs = app
        .certificates_pdf(&w.specialist, id, None, "https://tdkt.gialai.gov.vn")
        .await
        .unwrap();
    assert!(certs.len() > 1000 && certs.starts_with(b"%PDF-"));

    // ---- the certificate's public verification
    let key = row.cert_key.clone().unwrap();
    assert_eq!(key.len(), 32);
    let pc = app.verify_certificate(&key).await.unwrap();
    assert_eq!(pc.name, "Nguyễn Văn Đức");
    assert_eq!(pc.award, "Bằng khen cấp bộ, ban, ngành, tỉnh");
    assert!(pc.decision.contains("1/QĐ-UBND"), "{}", pc.decision);
    assert_eq!(pc.revoked, None);
    let public = serde_json::to_string(&pc).unwrap();
    for private in [DUC_CCCD, "1980", "cccd", "birth", "ngay_sinh"] {
        assert!(!public.contains(private), "{private} in {public}");
    }
    assert!(matches!(
        app.verify_certificate(&"0".repeat(32)).await,
        Err(AppError::NotFound(_))
    ));

    // ---- handed out, then revoked
    let d = w
        .step_at(&w.specialist, id, 15, "da_trao", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Awarded, 16));
    trail.check(&w, 1, "đã trao").await;
    let (field, _) =
        invalid(refused(&w, Some(id), w.step_at(&w.leader, id, 16, "huy", None)).await);
    assert_eq!(field, "ly_do");
    let revoke_why = "Phát hiện kê khai thành tích không đúng sự thật";
    let d = w
        .step_at(&w.leader, id, 16, "huy", Some(revoke_why))
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Revoked, 17));
    trail.check(&w, 1, "huỷ").await;
    let pc = app.verify_certificate(&key).await.unwrap();
    assert_eq!(
        pc.revoked.as_deref(),
        Some(format!("Đã bị huỷ ngày {}", vn(today())).as_str())
    );
    let rows = app
        .search_register(
            &w.specialist,
            &RegisterQuery {
                person: Some(w.duc.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].revoked_on, Some(today()));
    assert_eq!(rows[0].revoked_reason.as_deref(), Some(revoke_why));
    let msg = conflict(
        app.certificates_pdf(&w.specialist, id, None, "https://tdkt.gialai.gov.vn")
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("không còn khen thưởng"), "{msg}");
    assert_eq!(
        trail.versions.len(),
        3,
        "every version survived the whole path"
    );

    // ---- the authority's next decision of the year is number 2
    let second = w
        .appraised(
            "dot_xuat",
            vec![person_nominee(
                w.binh.id,
                "giay_khen",
                "Dũng cảm cứu học sinh bị đuối nước",
            )],
        )
        .await;
    w.step(&w.leader, second.id, "duyet", None).await.unwrap();
    let dec2 = w.issue(second.id).await.unwrap();
    assert_eq!(dec2.number, "2/QĐ-UBND");
    let rows = app
        .search_register(
            &w.specialist,
            &RegisterQuery {
                q: Some("tran thi binh".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // Giấy khen: 0.3 × the base salary (702 000 at 2 340 000), rounded up to 710 000.
    assert_eq!(rows[0].amount, Some(rounded_up(base * 3 / 10)));
    if base == 2_340_000 {
        assert_eq!(rows[0].amount, Some(710_000));
    }
}
