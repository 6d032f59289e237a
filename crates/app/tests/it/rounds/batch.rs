//! One decision over many dossiers: both departments' round dossiers, driven through the
//! dossier workflow to "approved", decided together — one number, both dossiers issued, each
//! award record with its dossier, the document grouped by proposing unit with totals;
//! dossiers of different authorities and stale versions refused with nothing written.

use std::collections::BTreeMap;

use tdkt_app::decision::DecisionInput;
use tdkt_app::dossiers::{AppraisalInput, DossierInput, NomineeInput, StepInput};
use tdkt_app::on_both;
use tdkt_app::register::RegisterQuery;
use tdkt_app::testing::Backend;
use tdkt_app::{AppResult, Principal};
use tdkt_domain::dossier::State;
use tdkt_domain::dossier::council::Choice;
use tdkt_store::{DecisionDossier, DossierRow};

use super::fixtures::*;

on_both!(one_decision_covers_both_departments);

fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {tag}\n1 0 obj << >> endobj\n%%EOF\n").into_bytes()
}

async fn step(w: &World, p: &Principal, id: i64, step: &str) -> AppResult<DossierRow> {
    let version = w.t.store().dossier(id).await.unwrap().version;
    w.t.app
        .dossier_step(
            p,
            id,
            StepInput {
                step: step.into(),
                version,
                reason: None,
                days: None,
            },
        )
        .await
}

/// Submitted by `clerk` (with the achievement report), received, every nominee appraised
/// `dat`, appraisal finished.
async fn appraised(w: &World, clerk: &Principal, id: i64, report: bool) {
    let app = &w.t.app;
    if report {
        app.add_document(
            clerk,
            id,
            None,
            "bao_cao_thanh_tich",
            None,
            "bao-cao.pdf",
            pdf("báo cáo"),
        )
        .await
        .unwrap();
    }
    step(w, clerk, id, "gui").await.unwrap();
    step(w, &w.specialist, id, "tiep_nhan").await.unwrap();
    let d = step(w, &w.specialist, id, "tham_dinh").await.unwrap();
    for n in &d.nominees {
        app.appraise_nominee(
            &w.specialist,
            id,
            AppraisalInput {
                version: Some(w.t.store().dossier(id).await.unwrap().version),
                nominee_id: n.id,
                result: "dat".into(),
                override_reason: Some(REASON.into()),
            },
        )
        .await
        .unwrap();
    }
    step(w, &w.specialist, id, "xong_tham_dinh").await.unwrap();
}

/// A regular dossier from appraisal to approval: published, the consultation over, the
/// province council's five agree on every nominee, the leader approves.
async fn approved(w: &World, clerk: &Principal, id: i64) -> DossierRow {
    let app = &w.t.app;
    appraised(w, clerk, id, true).await;
    step(w, &w.specialist, id, "cong_khai").await.unwrap();
    w.t.raw_exec(
        "UPDATE dossiers SET consultation_until = '2000-01-01' WHERE state = 'lay_y_kien'",
    )
    .await;
    let d = step(w, &w.specialist, id, "mo_bo_phieu").await.unwrap();
    for m in &w.province_members {
        let paper: BTreeMap<i64, Choice> =
            d.nominees.iter().map(|n| (n.id, Choice::Agree)).collect();
        app.cast_council_vote(m, id, paper).await.unwrap();
    }
    app.close_council_vote(&w.specialist, id).await.unwrap();
    let d = step(w, &w.leader, id, "duyet").await.unwrap();
    assert_eq!(d.state, State::Approved);
    d
}

fn signed() -> DecisionInput {
    DecisionInput {
        version: 0,
        signed_on: DAY.to_string(),
        signer_name: "Rah Lan Chung".into(),
        signer_title: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into(),
        proposal: None,
    }
}

fn of(d: &DossierRow) -> DecisionDossier {
    DecisionDossier {
        id: d.id,
        expected_version: d.version,
    }
}

async fn one_decision_covers_both_departments(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    // The dept's Bằng khen for Bích (see `voted`).
    let v = w.voted().await;
    let d1 = app
        .send_round_up(&w.clerk, v.part.id)
        .await
        .unwrap()
        .remove(0);
    // dept2: Yến proposed for a Bằng khen by the clerk's judgement, all three members agree.
    let part2 = w.part(&v.round, w.dept2.id).await;
    app.put_round_ratings(
        &w.clerk2,
        part2.id,
        &[facts(w.yen.id, "htxsnv", None, None, &[])],
    )
    .await
    .unwrap();
    app.compute_round_candidates(&w.clerk2, part2.id)
        .await
        .unwrap();
    let yen_bkt = w.candidate(&part2, w.yen.id, BKT).await;
    w.select(&w.clerk2, &part2, &[yen_bkt.id], true).await;
    app.open_round_vote(&w.clerk2, part2.id).await.unwrap();
    let q = app.round_questions(&w.clerk2, part2.id).await.unwrap();
    for m in &w.members2 {
        app.cast_round_vote(
            m,
            part2.id,
            q.iter().map(|x| (x.0, Choice::Agree)).collect(),
        )
        .await
        .unwrap();
    }
    app.close_round_vote(&w.clerk2, part2.id).await.unwrap();
    let d2 = app
        .send_round_up(&w.clerk2, part2.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        (d1.authority_id, d2.authority_id),
        (w.province.id, w.province.id)
    );
    let d1 = approved(&w, &w.clerk, d1.id).await;
    let d2 = approved(&w, &w.clerk2, d2.id).await;

    // A sudden dossier of the school decided by the dept: another authority.
    let sudden = app
        .create_dossier(
            &w.school_clerk,
            DossierInput {
                title: "Khen thưởng đột xuất năm 2025".into(),
                unit_id: w.school.id,
                authority_id: Some(w.dept.id),
                kind: "dot_xuat".into(),
                year: YEAR,
                movement_id: None,
                cluster_proposal_id: None,
                nominees: vec![NomineeInput {
                    person_id: Some(w.em.id),
                    unit_id: None,
                    award_code: "giay_khen".into(),
                    summary: "Dũng cảm cứu học sinh đuối nước".into(),
                }],
            },
        )
        .await
        .unwrap();
    app.add_document(
        &w.school_clerk,
        sudden.id,
        None,
        "to_trinh",
        None,
        "to-trinh.pdf",
        pdf("tờ trình"),
    )
    .await
    .unwrap();
    appraised(&w, &w.school_clerk, sudden.id, false).await;
    let sudden = step(&w, &w.leader, sudden.id, "duyet").await.unwrap();
    assert_eq!(sudden.state, State::Approved);

    let (field, _) = invalid(
        refused(
            &w,
            app.issue_batch_decision(&w.leader, vec![of(&d1), of(&sudden)], signed()),
        )
        .await,
    );
    assert_eq!(field, "dossiers");
    unchanged(&w, &d1, &d2).await;
    let stale = DecisionDossier {
        id: d2.id,
        expected_version: d2.version - 1,
    };
    conflict(
        refused(
            &w,
            app.issue_batch_decision(&w.leader, vec![of(&d1), stale], signed()),
        )
        .await,
    );
    unchanged(&w, &d1, &d2).await;
    invalid(
        refused(
            &w,
            app.issue_batch_decision(&w.leader, vec![of(&d1), of(&d1)], signed()),
        )
        .await,
    );
    forbidden(
        refused(
            &w,
            app.issue_batch_decision(&w.specialist, vec![of(&d1), of(&d2)], signed()),
        )
        .await,
    );
    unchanged(&w, &d1, &d2).await;

    let dec = app
        .issue_batch_decision(&w.leader, vec![of(&d1), of(&d2)], signed())
        .await
        .unwrap();
    assert_eq!((dec.authority_id, dec.seq), (w.province.id, 1));
    for d in [&d1, &d2] {
        assert_eq!(
            w.t.store().dossier(d.id).await.unwrap().state,
            State::DecisionIssued
        );
        assert_eq!(
            w.t.store().decision_of(d.id).await.unwrap().as_ref(),
            Some(&dec)
        );
    }
    let mut both = vec![d1.id, d2.id];
    both.sort();
    assert_eq!(w.t.store().decision_dossiers(dec.id).await.unwrap(), both);
    // Each record carries its own dossier.
    let rows = app
        .search_register(
            &w.specialist,
            &RegisterQuery {
                award: Some(BKT.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut got: Vec<(Option<i64>, Option<i64>)> =
        rows.iter().map(|r| (r.person_id, r.dossier_id)).collect();
    got.sort();
    let mut want = vec![
        (Some(w.bich.id), Some(d1.id)),
        (Some(w.yen.id), Some(d2.id)),
    ];
    want.sort();
    assert_eq!(got, want);
    assert!(
        rows.iter()
            .all(|r| r.decision.as_deref().unwrap().starts_with(&dec.number))
    );
    // The document groups the awardees by proposing unit, with a total per unit.
    let doc: serde_json::Value = serde_json::from_str(&dec.doc_json).unwrap();
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "one award");
    let awardees = groups[0]["awardees"].as_array().unwrap();
    let by_unit: Vec<(&str, &str)> = awardees
        .iter()
        .map(|a| (a["group"].as_str().unwrap(), a["name"].as_str().unwrap()))
        .collect();
    let mut by_unit_sorted = by_unit.clone();
    by_unit_sorted.sort();
    assert_eq!(by_unit, by_unit_sorted, "each unit's awardees together");
    assert_eq!(
        by_unit_sorted,
        [
            ("Sở Giáo dục và Đào tạo", "Trần Thị Bích"),
            ("Sở Y tế", "Võ Thị Yến")
        ]
    );
    let totals: Vec<&str> = groups[0]["group_totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t[0].as_str().unwrap())
        .collect();
    assert_eq!(totals, ["Sở Giáo dục và Đào tạo", "Sở Y tế"]);
    assert_eq!(
        dec.total,
        rows.iter().map(|r| r.amount.unwrap()).sum::<i64>()
    );
    let (number, pdf) = app.decision_pdf(&w.clerk2, d2.id).await.unwrap();
    assert_eq!(number, dec.number);
    let text = text_of(&pdf);
    for s in [
        "Sở Giáo dục và Đào tạo",
        "Sở Y tế",
        "Trần Thị Bích",
        "Võ Thị Yến",
    ] {
        assert!(text.contains(&squash(s)), "{s} in the decision");
    }
}

/// Both dossiers still approved at their version, undecided, nothing in the register.
async fn unchanged(w: &World, d1: &DossierRow, d2: &DossierRow) {
    for d in [d1, d2] {
        let now = w.t.store().dossier(d.id).await.unwrap();
        assert_eq!((now.state, now.version), (State::Approved, d.version));
        assert!(w.t.store().decision_of(d.id).await.unwrap().is_none());
    }
    let recs = w.t.store().person_award_records(w.bich.id).await.unwrap();
    assert!(recs.iter().all(|r| r.code != BKT));
    assert!(
        w.t.store()
            .person_award_records(w.yen.id)
            .await
            .unwrap()
            .is_empty()
    );
}
