//! The unit's own decisions: one per title its head may grant, every passed candidate once in
//! the register and in the year's titles, numbered in the unit's own sequence; refused for a
//! title beyond its power, before the count, for nobody left; all or nothing.

use tdkt_app::on_both;
use tdkt_app::rounds::RoundDecisionInput;
use tdkt_app::testing::Backend;
use tdkt_domain::round::RoundProgress;

use super::fixtures::*;

on_both!(
    a_decision_writes_one_record_and_title_per_awardee,
    refusals_write_nothing,
    a_failure_in_the_middle_writes_nothing,
    two_decisions_at_once_grant_once,
);

pub(super) fn input(award: &str) -> RoundDecisionInput {
    RoundDecisionInput {
        award_code: award.into(),
        signed_on: DAY.to_string(),
        signer_name: "Nguyễn Thị Hoa".into(),
        signer_title: "GIÁM ĐỐC".into(),
        proposal: None,
    }
}

/// Records of `code` a person holds.
async fn records(w: &World, person: i64, code: &str) -> usize {
    w.t.store()
        .person_award_records(person)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.code == code)
        .count()
}

async fn titles(w: &World, person: i64, code: &str) -> usize {
    w.t.store()
        .person_titles(person)
        .await
        .unwrap()
        .iter()
        .filter(|t| t.code == code && t.year == YEAR)
        .count()
}

async fn a_decision_writes_one_record_and_title_per_awardee(b: Backend) {
    let w = world(b).await;
    let v = w.voted().await;
    let app = &w.t.app;
    let to_decide = app
        .round_titles_to_decide(&w.head, v.part.id)
        .await
        .unwrap();
    assert_eq!(
        to_decide
            .iter()
            .map(|t| (t.0.as_str(), t.2))
            .collect::<Vec<_>>(),
        [(LDTT, 3)]
    );
    let dec = app
        .issue_round_decision(&w.head, v.part.id, input(LDTT))
        .await
        .unwrap();
    assert_eq!((dec.seq, dec.authority_id, dec.year), (1, w.dept.id, YEAR));
    assert!(dec.number.starts_with("1/"), "{}", dec.number);
    assert_eq!(dec.round_unit_id, Some(v.part.id));
    let awardees = [&w.an80, &w.an90, &w.bich];
    for p in awardees {
        assert_eq!(records(&w, p.id, LDTT).await, 1, "{}", p.full_name);
        assert_eq!(titles(&w, p.id, LDTT).await, 1, "{}", p.full_name);
        let s = app.person_subject(p.id).await.unwrap();
        assert!(s.titles.iter().any(|t| t.code == LDTT && t.year == YEAR));
        let c = w.candidate(&v.part, p.id, LDTT).await;
        assert_eq!(c.decision_id, Some(dec.id));
    }
    for p in [&w.cuong, &w.dung] {
        assert_eq!(records(&w, p.id, LDTT).await, 0);
        assert_eq!(titles(&w, p.id, LDTT).await, 0);
    }
    // Not passed at the vote: no record of CSTĐ cơ sở for anyone.
    assert_eq!(records(&w, w.an90.id, CSTDCS).await, 0);
    let part = w.reload(&v.part).await;
    assert_eq!(part.progress, RoundProgress::Decided);
    // The register has the three, on this decision.
    let rows = app
        .search_register(
            &w.specialist,
            &tdkt_app::register::RegisterQuery {
                award: Some(LDTT.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r.decision.as_deref().unwrap().starts_with(&dec.number))
    );
    // Nobody left for that title.
    let msg = conflict(
        refused(
            &w,
            app.issue_round_decision(&w.head, v.part.id, input(LDTT)),
        )
        .await,
    );
    assert!(msg.contains("Không còn ai"), "{msg}");
    assert_eq!(
        app.round_decisions(&w.clerk, v.part.id).await.unwrap(),
        std::slice::from_ref(&dec)
    );
    // The document prints with its number and the three names.
    let (number, pdf) = app.decision_pdf_by_id(&w.clerk, dec.id).await.unwrap();
    assert_eq!(number, dec.number);
    let text = text_of(&pdf);
    assert!(text.contains("TrầnThịBích") && text.contains("NguyễnVănAn"));
    let (_, docx) = app.decision_docx_by_id(&w.clerk, dec.id).await.unwrap();
    assert!(docx.starts_with(b"PK"));
    // The unit's next decision of the year is number 2 (its own sequence, not the province's).
    w.t.app
        .put_round_ratings(
            &w.clerk2,
            w.part(&v.round, w.dept2.id).await.id,
            &[facts(w.yen.id, "httnv", None, None, &[])],
        )
        .await
        .unwrap();
    let d2 = w.part(&v.round, w.dept2.id).await;
    app.compute_round_candidates(&w.clerk2, d2.id)
        .await
        .unwrap();
    app.open_round_vote(&w.clerk2, d2.id).await.unwrap();
    let q = app.round_questions(&w.clerk2, d2.id).await.unwrap();
    for m in &w.members2 {
        let paper = q
            .iter()
            .map(|x| (x.0, tdkt_domain::dossier::council::Choice::Agree))
            .collect();
        app.cast_round_vote(m, d2.id, paper).await.unwrap();
    }
    app.close_round_vote(&w.clerk2, d2.id).await.unwrap();
    let other = app
        .issue_round_decision(&w.head2, d2.id, input(LDTT))
        .await
        .unwrap();
    assert_eq!(
        (other.seq, other.authority_id),
        (1, w.dept2.id),
        "dept2 has its own sequence"
    );
}

async fn refusals_write_nothing(b: Backend) {
    let w = world(b).await;
    let (r, part) = w.rated().await;
    let app = &w.t.app;
    // Before the vote is closed.
    app.open_round_vote(&w.clerk, part.id).await.unwrap();
    let msg = conflict(refused(&w, app.issue_round_decision(&w.head, part.id, input(LDTT))).await);
    assert!(msg.contains("chưa kết thúc"), "{msg}");
    let _ = r;
    // A title beyond the department's power, a clerk, another unit's head.
    let (field, msg) =
        invalid(refused(&w, app.issue_round_decision(&w.head, part.id, input(CSTDT))).await);
    assert_eq!(field, "award_code");
    assert!(msg.contains("không có thẩm quyền"), "{msg}");
    forbidden(refused(&w, app.issue_round_decision(&w.clerk, part.id, input(LDTT))).await);
    forbidden(refused(&w, app.issue_round_decision(&w.head2, part.id, input(LDTT))).await);
    assert!(
        app.round_decisions(&w.clerk, part.id)
            .await
            .unwrap()
            .is_empty()
    );
    for p in [&w.an80, &w.an90, &w.bich] {
        assert_eq!(records(&w, p.id, LDTT).await, 0);
    }
}

/// The last awardee's register row cannot be written (a trigger refuses it): the decision,
/// the first awardees' records and titles, the candidates' links, the number and the
/// progress are all left as they were; once the obstacle is gone the decision is number 1.
async fn a_failure_in_the_middle_writes_nothing(b: Backend) {
    let w = world(b).await;
    let v = w.voted().await;
    let app = &w.t.app;
    match b {
        Backend::Sqlite => {
            w.t.raw_exec(
                "CREATE TRIGGER stop_bich BEFORE INSERT ON award_records WHEN NEW.subject_name = 'Trần Thị Bích'
                 BEGIN SELECT RAISE(ABORT, 'stop'); END",
            )
            .await
        }
        Backend::Postgres => {
            w.t.raw_exec(
                "CREATE FUNCTION stop_bich() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF NEW.subject_name = 'Trần Thị Bích' THEN RAISE EXCEPTION 'stop'; END IF; RETURN NEW; END $$",
            )
            .await;
            w.t.raw_exec(
                "CREATE TRIGGER stop_bich BEFORE INSERT ON award_records FOR EACH ROW EXECUTE FUNCTION stop_bich()",
            )
            .await
        }
    }
    let before = w.reload(&v.part).await;
    app.issue_round_decision(&w.head, v.part.id, input(LDTT))
        .await
        .expect_err("the store refuses the last row");
    for p in [&w.an80, &w.an90, &w.bich] {
        assert_eq!(records(&w, p.id, LDTT).await, 0, "{}", p.full_name);
        assert_eq!(titles(&w, p.id, LDTT).await, 0, "{}", p.full_name);
        assert_eq!(w.candidate(&v.part, p.id, LDTT).await.decision_id, None);
    }
    assert!(
        app.round_decisions(&w.clerk, v.part.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(w.reload(&v.part).await, before);
    match b {
        Backend::Sqlite => w.t.raw_exec("DROP TRIGGER stop_bich").await,
        Backend::Postgres => {
            w.t.raw_exec("DROP TRIGGER stop_bich ON award_records")
                .await
        }
    }
    let dec = app
        .issue_round_decision(&w.head, v.part.id, input(LDTT))
        .await
        .unwrap();
    assert_eq!(dec.seq, 1, "the failed attempt took no number");
    for p in [&w.an80, &w.an90, &w.bich] {
        assert_eq!(records(&w, p.id, LDTT).await, 1);
    }
}

/// Two heads' calls at once: one decision, each awardee once.
async fn two_decisions_at_once_grant_once(b: Backend) {
    let w = world(b).await;
    let v = w.voted().await;
    let app = &w.t.app;
    let (a, c) = tokio::join!(
        app.issue_round_decision(&w.head, v.part.id, input(LDTT)),
        app.issue_round_decision(&w.leader, v.part.id, input(LDTT)),
    );
    assert_eq!(a.is_ok() as u8 + c.is_ok() as u8, 1, "{a:?} {c:?}");
    let failed = match (a, c) {
        (Err(e), _) | (_, Err(e)) => e,
        _ => unreachable!("exactly one failed"),
    };
    conflict(failed);
    assert_eq!(
        app.round_decisions(&w.clerk, v.part.id)
            .await
            .unwrap()
            .len(),
        1
    );
    for p in [&w.an80, &w.an90, &w.bich] {
        assert_eq!(records(&w, p.id, LDTT).await, 1, "{}", p.full_name);
        assert_eq!(titles(&w, p.id, LDTT).await, 1);
    }
}
