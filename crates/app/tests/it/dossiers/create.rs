//! Drafts and their input: bad input refused in Vietnamese, nothing written.

use super::*;

on_both!(invalid_input_is_refused_in_vietnamese_and_writes_nothing);

async fn invalid_input_is_refused_in_vietnamese_and_writes_nothing(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();
    let all = DossierFilter {
        limit: 100,
        ..Default::default()
    };
    let create = |nominees: Vec<NomineeInput>| {
        app.create_dossier(
            &w.clerk,
            DossierInput {
                title: "Đề nghị khen thưởng năm 2026".into(),
                unit_id: w.dept.id,
                authority_id: None,
                kind: "cong_trang".into(),
                year: 2026,
                movement: None,
                cluster_proposal_id: None,
                nominees,
            },
        )
    };
    let cases: Vec<(Vec<NomineeInput>, &str, &str)> = vec![
        (
            vec![person_nominee(
                w.duc.id,
                "bang_khen_khong_co",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
            "nominees[0].award_code",
            "không có «bang_khen_khong_co» trong danh mục",
        ),
        (
            vec![
                person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
                person_nominee(
                    w.outsider.id,
                    "bang_khen_tinh",
                    "Hoàn thành xuất sắc nhiệm vụ",
                ),
            ],
            "nominees[1].person_id",
            "Phạm Văn Ngoài không thuộc đơn vị đề nghị",
        ),
        (
            vec![person_nominee(
                w.duc.id,
                "co_thi_dua_tinh",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
            "nominees[0].award_code",
            "không dành cho cá nhân",
        ),
        (
            vec![unit_nominee(
                w.school.id,
                "chien_si_thi_dua_co_so",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
            "nominees[0].award_code",
            "không dành cho tập thể",
        ),
        (
            vec![person_nominee(w.duc.id, "bang_khen_tinh", "   ")],
            "nominees[0].summary",
            "cần tóm tắt thành tích",
        ),
        (vec![], "nominees", "cần ít nhất một"),
    ];
    for (nominees, field, text) in cases {
        let (f, m) = invalid(refused(&w, None, create(nominees)).await);
        assert_eq!(f, field, "{m}");
        assert!(m.contains(text), "{m}");
    }
    assert!(s.list_dossiers(&all).await.unwrap().is_empty());

    // ---- files
    let d = create(vec![
        person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
        person_nominee(w.binh.id, "giay_khen", "Hoàn thành tốt nhiệm vụ được giao"),
    ])
    .await
    .unwrap();
    let id = d.id;
    let upload = |app: &tdkt_app::App, slot: &str, name: &str, bytes: Vec<u8>| {
        let app = app.clone();
        let (clerk, slot, name) = (w.clerk.clone(), slot.to_string(), name.to_string());
        async move {
            app.add_document(&clerk, id, None, &slot, None, &name, bytes)
                .await
        }
    };
    let (f, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(
                app,
                "to_trinh",
                "to-trinh.pdf",
                b"Day khong phai PDF".to_vec(),
            ),
        )
        .await,
    );
    assert_eq!(f, "tep");
    assert!(
        m.contains("không phải PDF, DOCX, XLSX, PNG hoặc JPEG"),
        "{m}"
    );
    let (_, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(
                app,
                "to_trinh",
                "to-trinh.docx",
                b"PK\x03\x04 chi la zip".to_vec(),
            ),
        )
        .await,
    );
    assert!(m.contains("không phải PDF"), "{m}");
    let (_, m) = invalid(refused(&w, Some(id), upload(app, "to_trinh", "rong.pdf", vec![])).await);
    assert!(m.contains("Tệp rỗng"), "{m}");
    let (f, _) = invalid(refused(&w, Some(id), upload(app, "hop_dong", "a.pdf", pdf("x"))).await);
    assert_eq!(f, "loai");
    // The size limit is a setting: an App whose limit is 1 MB refuses a file just above it.
    let mut small = (*app.procedure).clone();
    small.documents.max_mb = 1;
    let mut limited = app.clone();
    limited.procedure = Arc::new(small);
    let mut big = pdf("lớn");
    big.resize(1024 * 1024 + 1, b' ');
    let (f, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(&limited, "to_trinh", "to-trinh.pdf", big.clone()),
        )
        .await,
    );
    assert_eq!(f, "tep");
    assert!(m.contains("vượt giới hạn 1 MB"), "{m}");
    assert!(s.dossier_documents(id).await.unwrap().is_empty());
    // Under the shipped limit the same file is accepted.
    upload(app, "to_trinh", "to-trinh.pdf", big).await.unwrap();

    // ---- steps
    let (f, m) = invalid(refused(&w, Some(id), w.step(&w.clerk, id, "gui", None)).await);
    assert_eq!(f, "tai_lieu");
    assert!(m.contains("Hồ sơ còn thiếu: Báo cáo thành tích"), "{m}");
    w.upload(
        id,
        None,
        "bao_cao_thanh_tich",
        "bao-cao.pdf",
        pdf("báo cáo"),
    )
    .await;
    let (f, _) = invalid(refused(&w, Some(id), w.step(&w.clerk, id, "bay_len", None)).await);
    assert_eq!(f, "step");
    w.step(&w.clerk, id, "gui", None).await.unwrap();
    w.step(&w.specialist, id, "tiep_nhan", None).await.unwrap();
    for reason in [None, Some("    "), Some("sai")] {
        let (f, m) =
            invalid(refused(&w, Some(id), w.step(&w.specialist, id, "tra_lai", reason)).await);
        assert_eq!(f, "ly_do");
        assert!(m.contains("cần ghi lý do (ít nhất 5 ký tự)"), "{m}");
    }
    // Steps of someone else's role are refused as forbidden.
    assert!(matches!(
        refused(&w, Some(id), w.step(&w.clerk, id, "tham_dinh", None)).await,
        AppError::Forbidden(_)
    ));
    w.step(&w.specialist, id, "tham_dinh", None).await.unwrap();
    let d = s.dossier(id).await.unwrap();
    let duc_n = World::nominee(&d, Some(w.duc.id), None);
    let (f, _) = invalid(
        refused(
            &w,
            Some(id),
            app.appraise_nominee(
                &w.specialist,
                id,
                AppraisalInput {
                    version: None,
                    nominee_id: duc_n,
                    result: "tot".into(),
                    override_reason: None,
                },
            ),
        )
        .await,
    );
    assert_eq!(f, "result");
    w.appraise(id, duc_n, "dat").await;
    let (f, m) = invalid(
        refused(
            &w,
            Some(id),
            w.step(&w.specialist, id, "xong_tham_dinh", None),
        )
        .await,
    );
    assert_eq!(f, "tham_dinh");
    assert!(
        m.contains("Chưa ghi kết quả thẩm định của: Trần Thị Bình"),
        "{m}"
    );
    assert_eq!(s.dossier(id).await.unwrap().state, State::UnderAppraisal);
}
