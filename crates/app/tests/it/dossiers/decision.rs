//! Decisions: numbered per authority and year, printed as PDF and DOCX, signed no earlier than
//! the approval; the titles they grant count until a revocation, which needs a reason and
//! marks the certificate and the register.

use tdkt_app::decision::DecisionInput;
use tdkt_app::on_both;
use tdkt_app::register::RegisterQuery;
use tdkt_app::testing::Backend;
use tdkt_app::today;
use tdkt_domain::dates::vn;
use tdkt_domain::dossier::State;

use super::fixtures::*;

on_both!(
    the_first_decision_of_the_year_is_number_one,
    the_authoritys_next_decision_is_number_two,
    a_decision_prints_as_pdf_and_docx,
    a_signing_date_before_the_approval_is_refused,
    titles_granted_by_a_decision_count_until_revoked,
    a_revocation_needs_a_reason_and_marks_the_certificate_and_the_register,
);

/// The step and the decision's own line are on the timeline; the Board hands the award over.
async fn the_first_decision_of_the_year_is_number_one(b: Backend) {
    let w = world(b).await;
    let v = w.council_closed().await;
    w.step(&w.leader, v.id, "duyet", None).await.unwrap();
    let mut trail = Trail::from_now(&w, v.id).await;
    let before = w.version(v.id).await;
    let dec = w.issue(v.id).await.unwrap();
    assert_eq!(dec.number, "1/QĐ-UBND");
    assert_eq!(
        (dec.seq, dec.year, dec.authority_id),
        (1, today().year(), w.province.id)
    );
    let d = w.t.store().dossier(v.id).await.unwrap();
    assert_eq!((d.state, d.version), (State::DecisionIssued, before + 1));
    trail.check(&w, 2, "ban hành quyết định").await;
    assert_eq!(w.inbox(&w.specialist, "trao").await, [v.id]);
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
}

/// After decision 1, the next of the authority that year is number 2; its Giấy khen is
/// 0.3 × the base salary (702 000 at 2 340 000), rounded up to 710 000.
async fn the_authoritys_next_decision_is_number_two(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    w.decided().await;
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
    let (base, _) = app.rules.catalog.base_salary_on(today()).unwrap();
    let base = base as i64;
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
    assert_eq!(rows[0].amount, Some(rounded_up(base * 3 / 10)));
    if base == 2_340_000 {
        assert_eq!(rows[0].amount, Some(710_000));
    }
}

async fn a_decision_prints_as_pdf_and_docx(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let (v, _) = w.decided().await;
    let (number, decision_pdf) = app.decision_pdf(&w.leader, v.id).await.unwrap();
    assert_eq!(number, "1/QĐ-UBND");
    assert!(decision_pdf.len() > 1000 && decision_pdf.starts_with(b"%PDF-"));
    let (_, docx) = app.decision_docx(&w.clerk, v.id).await.unwrap();
    assert!(docx.len() > 1000 && docx.starts_with(b"PK"));
}

/// Đức's base-level title by a sudden commendation, approved.
async fn approved_title(w: &World) -> i64 {
    let d = w
        .appraised(
            "dot_xuat",
            vec![person_nominee(
                w.duc.id,
                "chien_si_thi_dua_co_so",
                "Sáng kiến đổi mới phương pháp dạy học được công nhận cấp cơ sở",
            )],
        )
        .await;
    w.step(&w.leader, d.id, "duyet", None).await.unwrap();
    d.id
}

async fn a_signing_date_before_the_approval_is_refused(b: Backend) {
    let w = world(b).await;
    let id = approved_title(&w).await;
    let d = w.t.store().dossier(id).await.unwrap();
    let early = refused(
        &w,
        Some(id),
        w.t.app.issue_decision(
            &w.leader,
            d.id,
            DecisionInput {
                version: d.version,
                signed_on: (d.state_since - time::Duration::days(1)).to_string(),
                signer_name: "Rah Lan Chung".into(),
                signer_title: "CHỦ TỊCH".into(),
                proposal: None,
            },
        ),
    )
    .await;
    assert_eq!(invalid(early).0, "signed_on");
}

/// A title granted through a decision lands in the person's titles of the dossier's year (the
/// eligibility engine counts titles by year); revoking the decision takes it back and the
/// revoked award stops counting as a prerequisite, while its register row stays.
async fn titles_granted_by_a_decision_count_until_revoked(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let id = approved_title(&w).await;
    let dec = w.issue(id).await.unwrap();
    let titles = w.t.store().person_titles(w.duc.id).await.unwrap();
    let t = titles
        .iter()
        .find(|t| t.code == "chien_si_thi_dua_co_so" && t.year == 2026)
        .expect("the title is in the person's history");
    assert!(t.decision.as_deref().unwrap().starts_with(&dec.number));
    let subject = app.person_subject(w.duc.id).await.unwrap();
    assert!(
        subject
            .titles
            .iter()
            .any(|t| t.code == "chien_si_thi_dua_co_so" && t.year == 2026)
    );
    assert_eq!(subject.awards.len(), 1);

    w.step(&w.specialist, id, "da_trao", None).await.unwrap();
    w.step(&w.leader, id, "huy", Some("Hồ sơ kê khai không trung thực"))
        .await
        .unwrap();
    let titles = w.t.store().person_titles(w.duc.id).await.unwrap();
    assert!(
        !titles.iter().any(|t| t.code == "chien_si_thi_dua_co_so"),
        "{titles:?}"
    );
    let subject = app.person_subject(w.duc.id).await.unwrap();
    assert!(
        subject.awards.is_empty(),
        "a revoked award is no prerequisite"
    );
    let rows = w.t.store().person_award_records(w.duc.id).await.unwrap();
    assert_eq!(rows.len(), 1, "the register keeps the revoked award");
    assert!(rows[0].revoked_on.is_some());
}

/// Handed out, then revoked: the certificate's public page says so, the register row keeps
/// the date and reason, and no certificate prints any more.
async fn a_revocation_needs_a_reason_and_marks_the_certificate_and_the_register(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let (v, _) = w.decided().await;
    let id = v.id;
    let by_duc = RegisterQuery {
        person: Some(w.duc.id),
        ..Default::default()
    };
    let key = app.search_register(&w.specialist, &by_duc).await.unwrap()[0]
        .cert_key
        .clone()
        .unwrap();
    let d = w.step(&w.specialist, id, "da_trao", None).await.unwrap();
    assert_eq!(d.state, State::Awarded);
    let (field, _) = invalid(refused(&w, Some(id), w.step(&w.leader, id, "huy", None)).await);
    assert_eq!(field, "ly_do");
    let revoke_why = "Phát hiện kê khai thành tích không đúng sự thật";
    let d = w
        .step(&w.leader, id, "huy", Some(revoke_why))
        .await
        .unwrap();
    assert_eq!(d.state, State::Revoked);
    let pc = app.verify_certificate(&key).await.unwrap();
    assert_eq!(
        pc.revoked.as_deref(),
        Some(format!("Đã bị huỷ ngày {}", vn(today())).as_str())
    );
    let rows = app.search_register(&w.specialist, &by_duc).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].revoked_on, Some(today()));
    assert_eq!(rows[0].revoked_reason.as_deref(), Some(revoke_why));
    let msg = conflict(
        app.certificates_pdf(&w.specialist, id, None, "https://tdkt.gialai.gov.vn")
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("không còn khen thưởng"), "{msg}");
}
