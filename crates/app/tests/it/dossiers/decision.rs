//! Decisions: titles granted by a decision count for eligibility until revoked.

use super::*;

on_both!(titles_granted_by_a_decision_count_until_revoked);

/// A title granted through a decision lands in the person's titles of the dossier's year (the
/// eligibility engine counts titles by year); revoking the decision takes it back and the
/// revoked award stops counting as a prerequisite, while its register row stays.
async fn titles_granted_by_a_decision_count_until_revoked(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
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
    // A signing date before the approval is refused.
    let d = w.t.store().dossier(d.id).await.unwrap();
    let early = app
        .issue_decision(
            &w.leader,
            d.id,
            DecisionInput {
                version: d.version,
                signed_on: (d.state_since - time::Duration::days(1)).to_string(),
                signer_name: "Rah Lan Chung".into(),
                signer_title: "CHỦ TỊCH".into(),
                proposal: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(invalid(early).0, "signed_on");
    let dec = w.issue(d.id).await.unwrap();
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

    w.step(&w.specialist, d.id, "da_trao", None).await.unwrap();
    w.step(
        &w.leader,
        d.id,
        "huy",
        Some("Hồ sơ kê khai không trung thực"),
    )
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
