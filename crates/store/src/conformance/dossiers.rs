//! Dossiers: optimistic versions, documents stored once, decisions numbered without gaps.

use super::*;

/// Bytes of a small PDF and their SHA-256 (the store trusts the hash the use case computed).
const PDF_X: &[u8] = b"%PDF-1.4\n% tdkt conformance\n%%EOF\n";

const PDF_X_SHA: &str = "a9977bc06552b9270a80e9968545081131052ee2b858edfc8c8d7f6064c96853";

/// Nomination dossiers: steps apply only at the version the caller saw, documents keep every
/// version with each file stored once, decisions are numbered per authority and year, and of
/// many concurrent moves from the same version exactly one wins.
pub async fn dossiers_versions_documents_decisions(s: Arc<dyn Store>) {
    use tdkt_domain::dossier::{CommendationType, State, Step};
    let st = &*s;
    let province = st
        .create_unit(
            &sys(),
            new_unit("tinh", "Tỉnh Thử Nghiệm", UnitKind::Province, None),
        )
        .await
        .unwrap();
    let other_province = st
        .create_unit(
            &sys(),
            new_unit("tinh_khac", "Tỉnh Khác", UnitKind::Province, None),
        )
        .await
        .unwrap();
    let dept = unit(st, "so", Some(province.id)).await;
    let person = st
        .create_person(&sys(), new_person("Lý Thị Hoa", dept.id))
        .await
        .unwrap();
    let draft = |title: &str, authority: i64| NewDossier {
        title: title.into(),
        unit_id: dept.id,
        authority_id: authority,
        kind: CommendationType::CongTrang,
        year: 2025,
        movement: None,
        cluster_proposal_id: None,
        created_by: None,
        today: date!(2025 - 11 - 03),
        nominees: vec![NewNominee {
            person_id: Some(person.id),
            unit_id: None,
            award_code: "bang_khen_tinh".into(),
            summary: "Hoàn thành xuất sắc nhiệm vụ năm 2025".into(),
            summary_key: "hoan thanh xuat sac nhiem vu nam 2025".into(),
        }],
    };
    let mv = |expected: i64, from: State, to: State, step: Step| DossierMove {
        expected_version: expected,
        from,
        to,
        step,
        reason: None,
        today: date!(2025 - 11 - 04),
        due_on: None,
        consultation_until: None,
        revoke_awards: false,
    };
    let is_stale = |e: &StoreError| matches!(e, StoreError::Conflict(m) if m.contains("vừa được người khác cập nhật"));

    // ---- optimistic versions
    let d = st
        .create_dossier(&sys(), draft("Hồ sơ thứ nhất", province.id))
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Draft, 1));
    assert_eq!(d.code, format!("HS-2025-{:05}", d.id));
    assert_eq!(d.nominees.len(), 1);
    assert_eq!(d.nominees[0].name, "Lý Thị Hoa");
    let moved = st
        .move_dossier(
            &sys(),
            d.id,
            mv(1, State::Draft, State::Submitted, Step::Submit),
        )
        .await
        .unwrap();
    assert_eq!((moved.state, moved.version), (State::Submitted, 2));
    // The version the caller saw is gone: refused, naming the state it is in now.
    let e = st
        .move_dossier(
            &sys(),
            d.id,
            mv(1, State::Submitted, State::Received, Step::Receive),
        )
        .await
        .unwrap_err();
    assert!(is_stale(&e) && e.to_string().contains("Đã gửi"), "{e:?}");
    // The right version but a state the dossier is no longer in: refused too.
    let e = st
        .move_dossier(
            &sys(),
            d.id,
            mv(2, State::Draft, State::Submitted, Step::Submit),
        )
        .await
        .unwrap_err();
    assert!(is_stale(&e), "{e:?}");
    let now = st.dossier(d.id).await.unwrap();
    assert_eq!((now.state, now.version), (State::Submitted, 2));
    let events = st.dossier_events(d.id).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.code()).collect::<Vec<_>>(),
        ["tao", "chuyen_buoc"]
    );
    assert_eq!(events[1].step.map(Step::code), Some("gui"));
    assert_eq!(events[1].version, 2);

    // ---- documents: two versions of one document, with the same bytes as another document
    let doc = |document_id: Option<i64>, slot: &str, filename: &str| NewDocument {
        document_id,
        slot: tdkt_domain::dossier::DocumentSlot::parse("slot", slot).unwrap(),
        title: slot.into(),
        filename: filename.into(),
        mime: "application/pdf".into(),
        sha256: PDF_X_SHA.into(),
        bytes: PDF_X.to_vec(),
        uploaded_by: None,
    };
    let a = st
        .add_document(&sys(), d.id, doc(None, "to_trinh", "to-trinh.pdf"))
        .await
        .unwrap();
    let b1 = st
        .add_document(&sys(), d.id, doc(None, "bao_cao_thanh_tich", "bao-cao.pdf"))
        .await
        .unwrap();
    assert_ne!(a.id, b1.id);
    let b2 = st
        .add_document(
            &sys(),
            d.id,
            doc(Some(b1.id), "bao_cao_thanh_tich", "bao-cao-v2.pdf"),
        )
        .await
        .unwrap();
    assert_eq!(b2.id, b1.id);
    assert_eq!(
        b2.versions
            .iter()
            .map(|v| (v.version, v.filename.as_str(), v.sha256.as_str()))
            .collect::<Vec<_>>(),
        [
            (1, "bao-cao.pdf", PDF_X_SHA),
            (2, "bao-cao-v2.pdf", PDF_X_SHA)
        ]
    );
    let docs = st.dossier_documents(d.id).await.unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].versions.len(), 1);
    assert_eq!(docs[1].versions.len(), 2);
    for v in docs.iter().flat_map(|d| &d.versions) {
        assert_eq!(v.sha256, PDF_X_SHA);
        assert_eq!(v.size, PDF_X.len() as i64);
        assert_eq!(v.mime, "application/pdf");
        assert_eq!(v.state, State::Submitted);
    }
    assert_eq!(
        st.blob(PDF_X_SHA).await.unwrap(),
        ("application/pdf".to_string(), PDF_X.to_vec())
    );
    assert!(matches!(
        st.blob(&"0".repeat(64)).await,
        Err(StoreError::NotFound(_))
    ));
    // Uploads are on the timeline but do not move the dossier's version.
    assert_eq!(st.dossier_events(d.id).await.unwrap().len(), 5);
    assert_eq!(st.dossier(d.id).await.unwrap().version, 2);

    // ---- decision numbers per authority and year
    let approved = |title: &'static str, authority: i64| async move {
        let d = st
            .create_dossier(&sys(), draft(title, authority))
            .await
            .unwrap();
        st.move_dossier(
            &sys(),
            d.id,
            mv(1, State::Draft, State::Approved, Step::Approve),
        )
        .await
        .unwrap()
    };
    let decision = |d: &DossierRow, authority: i64, year: i32, key: char| NewDecision {
        dossier_id: d.id,
        expected_version: d.version,
        authority_id: authority,
        year,
        symbol: "QĐ-UBND".into(),
        signed_on: tdkt_domain::dates::ymd(year, 12, 1),
        signer_name: "Nguyễn Văn Ký".into(),
        signer_title: "CHỦ TỊCH".into(),
        doc_json: "{}".into(),
        base_salary: 2_340_000,
        total: 3_510_000,
        awards: vec![NewDecisionAward {
            nominee_id: d.nominees[0].id,
            person_id: Some(person.id),
            unit_id: None,
            subject_name: "Lý Thị Hoa".into(),
            name_key: "ly thi hoa".into(),
            code: "bang_khen_tinh".into(),
            amount: 3_510_000,
            cert_key: key.to_string().repeat(32),
            title_year: None,
        }],
        due_on: None,
    };
    let first = approved("Hồ sơ được duyệt 1", province.id).await;
    // A stale version issues nothing and uses no number.
    let mut stale = decision(&first, province.id, 2025, 'a');
    stale.expected_version -= 1;
    let e = st.issue_decision(&sys(), stale).await.unwrap_err();
    assert!(is_stale(&e), "{e:?}");
    assert_eq!(st.decision_of(first.id).await.unwrap(), None);
    let dec1 = st
        .issue_decision(&sys(), decision(&first, province.id, 2025, 'a'))
        .await
        .unwrap();
    assert_eq!((dec1.seq, dec1.number.as_str()), (1, "1/QĐ-UBND"));
    let after = st.dossier(first.id).await.unwrap();
    assert_eq!(
        (after.state, after.version),
        (State::DecisionIssued, first.version + 1)
    );
    assert_eq!(st.decision_of(first.id).await.unwrap(), Some(dec1.clone()));
    let second = approved("Hồ sơ được duyệt 2", province.id).await;
    let dec2 = st
        .issue_decision(&sys(), decision(&second, province.id, 2025, 'b'))
        .await
        .unwrap();
    assert_eq!((dec2.seq, dec2.number.as_str()), (2, "2/QĐ-UBND"));
    let next_year = approved("Hồ sơ năm sau", province.id).await;
    let dec3 = st
        .issue_decision(&sys(), decision(&next_year, province.id, 2026, 'c'))
        .await
        .unwrap();
    assert_eq!(
        (dec3.seq, dec3.year, dec3.number.as_str()),
        (1, 2026, "1/QĐ-UBND")
    );
    let elsewhere = approved("Hồ sơ tỉnh khác", other_province.id).await;
    let dec4 = st
        .issue_decision(&sys(), decision(&elsewhere, other_province.id, 2025, 'd'))
        .await
        .unwrap();
    assert_eq!(dec4.seq, 1);
    // Decisions signed at the same time by the same authority get distinct, gapless numbers.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let d = approved("Hồ sơ ký cùng lúc", other_province.id).await;
        let mut new = decision(&d, other_province.id, 2025, 'e');
        new.awards[0].cert_key = format!("{i:032x}");
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.issue_decision(&Actor::system("sign"), new).await
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap().unwrap().seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (2..=9).collect::<Vec<i32>>());
    // The decision wrote the register.
    let reg = st
        .search_register(&RegisterFilter {
            decision_id: Some(dec1.id),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(reg.len(), 1);
    assert_eq!(reg[0].subject_name, "Lý Thị Hoa");
    assert_eq!(reg[0].amount, Some(3_510_000));
    assert_eq!(
        reg[0].decision.as_deref(),
        Some("1/QĐ-UBND ngày 01/12/2025")
    );
    assert_eq!(reg[0].dossier_id, Some(first.id));
    assert_eq!(reg[0].revoked_on, None);

    // ---- 25 concurrent moves from the same version: exactly one wins
    let racing = st
        .create_dossier(&sys(), draft("Hồ sơ tranh chấp", province.id))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..25 {
        let s = s.clone();
        let id = racing.id;
        let m = mv(1, State::Draft, State::Submitted, Step::Submit);
        tasks.push(tokio::spawn(async move {
            s.move_dossier(&Actor::system("race"), id, m).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(d) => {
                assert_eq!(d.version, 2);
                ok += 1;
            }
            Err(e) if is_stale(&e) => {}
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    assert_eq!(ok, 1);
    let now = st.dossier(racing.id).await.unwrap();
    assert_eq!((now.state, now.version), (State::Submitted, 2));
    assert_eq!(st.dossier_events(racing.id).await.unwrap().len(), 2);
    verify_chain(st).await;
}
