//! The candidates' verdicts are the engine's: for people with different pasts the stored
//! verdict of every (person, title) equals what the engine says of the person's history on the
//! same date, with the titles the unit grants in this round (once selected) counted for the
//! awards judged after them; where no such title is in play it is what the person page shows.

use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::eligibility::{CheckRequest, TitleRecord, Verdict, VerdictKind};

use super::fixtures::*;

on_both!(stored_verdicts_are_the_engines);

async fn stored_verdicts_are_the_engines(b: Backend) {
    let w = world(b).await;
    let (_, part) = w.rated().await;
    let app = &w.t.app;
    let cands = w.candidates(&part).await;
    let mut compared = 0;
    let mut carried = 0;
    for p in [&w.an80, &w.an90, &w.bich, &w.cuong, &w.dung] {
        let page = app
            .person_eligibility(&w.specialist, p.id, REF)
            .await
            .unwrap();
        let mut subject = app.person_subject(p.id).await.unwrap();
        let mut this_year = false;
        for award in [LDTT, CSTDCS, CSTDT, BKT] {
            let c = cands
                .iter()
                .find(|c| c.person_id == Some(p.id) && c.award_code == award)
                .unwrap_or_else(|| panic!("{} has a line for {award}", p.full_name));
            let stored: Verdict = serde_json::from_str(&c.verdict_json).unwrap();
            let engine = app
                .rules
                .check(&CheckRequest {
                    award: award.into(),
                    reference_date: REF,
                    subject: subject.clone(),
                })
                .unwrap();
            assert_eq!(
                serde_json::to_value(&stored).unwrap(),
                serde_json::to_value(&engine).unwrap(),
                "{} {award}",
                p.full_name
            );
            assert_eq!(c.verdict, engine.verdict.code(), "{} {award}", p.full_name);
            if let Some(v) = page.iter().find(|v| v.award == award)
                && !this_year
            {
                assert_eq!(
                    serde_json::to_value(v).unwrap(),
                    serde_json::to_value(&stored).unwrap(),
                    "{} {award}: the person page agrees",
                    p.full_name
                );
                compared += 1;
            }
            // A new line starts selected exactly when eligible.
            assert_eq!(c.selected, engine.verdict == VerdictKind::Eligible);
            // LĐTT and CSTĐ cơ sở are the department's own: selected, they count this year.
            if c.selected && (award == LDTT || award == CSTDCS) {
                subject.titles.push(TitleRecord {
                    year: 2025,
                    code: award.into(),
                });
                this_year = true;
                if award == CSTDCS {
                    carried += 1;
                }
            }
        }
    }
    assert!(
        carried >= 1,
        "some CSTĐ cơ sở of this round counted for what follows"
    );
    assert!(
        compared >= 10,
        "the person page covers LĐTT and CSTĐ cơ sở at least"
    );
    let kind = |person: i64, award: &str| {
        cands
            .iter()
            .find(|c| c.person_id == Some(person) && c.award_code == award)
            .unwrap()
            .verdict
            .clone()
    };
    // The histories make a difference, as the law says.
    assert_eq!(kind(w.an80.id, LDTT), "eligible");
    assert_eq!(
        kind(w.cuong.id, LDTT),
        "not_eligible",
        "absent 45 days > 40"
    );
    assert_eq!(kind(w.dung.id, LDTT), "not_eligible", "a reprimand");
    assert_eq!(kind(w.an90.id, CSTDCS), "eligible", "HTXSNV");
    assert_eq!(
        kind(w.an80.id, CSTDCS),
        "needs_review",
        "HTTNV: only a judgement can carry it"
    );
    assert_eq!(
        kind(w.bich.id, CSTDT),
        "eligible",
        "CSTĐ cơ sở 2022–2024 and a province initiative"
    );
    assert_eq!(kind(w.an90.id, CSTDT), "not_eligible");
    assert_eq!(kind(w.bich.id, BKT), "eligible", "2 consecutive CSTĐ cơ sở");
    // The person's line reflects a change of facts once computed again.
    app.put_round_ratings(
        &w.clerk,
        part.id,
        &[facts(w.cuong.id, "httnv", Some(10), None, &[])],
    )
    .await
    .unwrap();
    app.compute_round_candidates(&w.clerk, part.id)
        .await
        .unwrap();
    assert_eq!(
        w.candidate(&part, w.cuong.id, LDTT).await.verdict,
        "eligible"
    );
}
