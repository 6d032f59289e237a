//! Up a level: every passed proposal beyond the unit's power goes in one draft dossier per
//! deciding authority, with the engine's verdicts, the council's minutes and the proposal list.

use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::dossier::{DocumentSlot, NomineeVerdict, State};
use tdkt_domain::eligibility::VerdictKind;
use tdkt_domain::round::RoundProgress;

use super::fixtures::*;

on_both!(
    the_passed_proposals_go_up_in_one_dossier,
    nothing_goes_up_before_the_count
);

async fn the_passed_proposals_go_up_in_one_dossier(b: Backend) {
    let w = world(b).await;
    let v = w.voted().await;
    let app = &w.t.app;
    let sent = app.send_round_up(&w.clerk, v.part.id).await.unwrap();
    assert_eq!(sent.len(), 1, "one destination: the province");
    let d = &sent[0];
    assert_eq!(
        (d.unit_id, d.authority_id, d.year, d.state),
        (w.dept.id, w.province.id, YEAR, State::Draft)
    );
    // Bích's Bằng khen passed; her CSTĐ tỉnh did not, the LĐTTs are the dept's own.
    let bkt = w.candidate(&v.part, w.bich.id, BKT).await;
    assert_eq!(d.nominees.len(), 1, "{:?}", d.nominees);
    let n = &d.nominees[0];
    assert_eq!((n.person_id, n.award_code.as_str()), (Some(w.bich.id), BKT));
    assert_eq!(n.verdict, Some(NomineeVerdict::from(VerdictKind::Eligible)));
    assert_eq!(n.verdict_json.as_deref(), Some(bkt.verdict_json.as_str()));
    assert_eq!(bkt.dossier_id, Some(d.id));
    assert_eq!(
        w.candidate(&v.part, w.bich.id, CSTDT).await.dossier_id,
        None
    );
    // The minutes and the list, as PDF files the dossier serves.
    let docs = w.t.store().dossier_documents(d.id).await.unwrap();
    let mut slots: Vec<DocumentSlot> = docs.iter().map(|x| x.slot).collect();
    slots.sort_by_key(|s| s.code());
    let mut want = vec![DocumentSlot::Minutes, DocumentSlot::Proposal];
    want.sort_by_key(|s| s.code());
    assert_eq!(slots, want);
    for doc in &docs {
        let ver = doc.versions.last().unwrap();
        let (_, mime, bytes) = app
            .document_file(&w.clerk, d.id, &ver.sha256)
            .await
            .unwrap();
        assert_eq!(mime, "application/pdf");
        let text = text_of(&bytes);
        assert!(text.contains("TrầnThịBích"), "{:?}", doc.slot);
    }
    assert_eq!(w.reload(&v.part).await.progress, RoundProgress::SentUp);
    // The dossier is the clerk's to continue.
    let seen = app.dossier(&w.clerk, d.id).await.unwrap();
    assert_eq!(seen.id, d.id);
    let msg = conflict(refused(&w, app.send_round_up(&w.clerk, v.part.id)).await);
    assert!(msg.contains("Không có đề nghị"), "{msg}");
    // Another unit's clerk cannot send this one.
    forbidden(refused(&w, app.send_round_up(&w.clerk2, v.part.id)).await);
}

async fn nothing_goes_up_before_the_count(b: Backend) {
    let w = world(b).await;
    let (_, part) = w.rated().await;
    conflict(refused(&w, w.t.app.send_round_up(&w.clerk, part.id)).await);
    w.t.app.open_round_vote(&w.clerk, part.id).await.unwrap();
    conflict(refused(&w, w.t.app.send_round_up(&w.clerk, part.id)).await);
    assert!(
        w.candidates(&part)
            .await
            .iter()
            .all(|c| c.dossier_id.is_none())
    );
}
