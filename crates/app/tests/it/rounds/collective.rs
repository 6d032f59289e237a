//! Collective titles by year: recorded by hand for the past, written by the unit's decision
//! for the round's year, and seen by the engine's subject of the unit.

use tdkt_app::history::{TitleInput, UnitRatingInput};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::dossier::council::Choice;

use super::decisions::input;
use super::fixtures::*;

on_both!(unit_titles_by_hand_and_by_decision);

async fn unit_titles_by_hand_and_by_decision(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let past: Vec<TitleInput> = [2023, 2024]
        .into_iter()
        .map(|y| TitleInput {
            year: y,
            code: TTLDTT.into(),
            decision: Some(format!("{y}/QĐ-UBND")),
            initiatives: vec![],
        })
        .collect();
    app.put_unit_titles(&w.specialist, w.dept2.id, &past)
        .await
        .unwrap();
    // A personal title is no collective's; another province's board may not write here.
    let personal = [TitleInput {
        year: 2024,
        code: LDTT.into(),
        decision: None,
        initiatives: vec![],
    }];
    invalid(
        refused(
            &w,
            app.put_unit_titles(&w.specialist, w.dept2.id, &personal),
        )
        .await,
    );
    forbidden(
        refused(
            &w,
            app.put_unit_titles(&w.other_specialist, w.dept2.id, &past),
        )
        .await,
    );

    // dept2 in the round: rated HTTNV as a unit, both its people LĐTT.
    app.put_unit_ratings(
        &w.specialist,
        w.dept2.id,
        &[UnitRatingInput {
            year: YEAR,
            rating: "httnv".into(),
            disciplined: Some(0),
        }],
    )
    .await
    .unwrap();
    let r = w.open().await;
    let part = w.part(&r, w.dept2.id).await;
    app.put_round_ratings(
        &w.clerk2,
        part.id,
        &[
            facts(w.yen.id, "httnv", None, None, &[]),
            facts(w.ha.id, "httnv", None, None, &[]),
        ],
    )
    .await
    .unwrap();
    app.compute_round_candidates(&w.clerk2, part.id)
        .await
        .unwrap();
    let coll = w
        .candidates(&part)
        .await
        .into_iter()
        .find(|c| c.unit_id == Some(w.dept2.id) && c.award_code == TTLDTT)
        .expect("the unit's own collective line");
    assert_eq!(
        (coll.verdict.as_str(), coll.selected),
        ("eligible", true),
        "{}",
        coll.verdict_json
    );
    app.open_round_vote(&w.clerk2, part.id).await.unwrap();
    let q = app.round_questions(&w.clerk2, part.id).await.unwrap();
    assert!(q.iter().any(|x| x.0 == coll.id));
    for m in &w.members2 {
        app.cast_round_vote(m, part.id, q.iter().map(|x| (x.0, Choice::Agree)).collect())
            .await
            .unwrap();
    }
    app.close_round_vote(&w.clerk2, part.id).await.unwrap();
    let dec = app
        .issue_round_decision(&w.head2, part.id, input(TTLDTT))
        .await
        .unwrap();
    let titles = app.unit_titles(w.dept2.id).await.unwrap();
    let years: Vec<(i32, &str)> = titles.iter().map(|t| (t.year, t.code.as_str())).collect();
    assert_eq!(years, [(2023, TTLDTT), (2024, TTLDTT), (YEAR, TTLDTT)]);
    assert!(
        titles[2]
            .decision
            .as_deref()
            .unwrap()
            .starts_with(&dec.number)
    );
    let s = app.unit_subject(w.dept2.id).await.unwrap();
    let mut seen: Vec<(i32, String)> = s.titles.iter().map(|t| (t.year, t.code.clone())).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (2023, TTLDTT.to_string()),
            (2024, TTLDTT.to_string()),
            (YEAR, TTLDTT.to_string())
        ]
    );
    // The collective's register row.
    let recs = w.t.store().unit_award_records(w.dept2.id).await.unwrap();
    assert_eq!(recs.iter().filter(|a| a.code == TTLDTT).count(), 1);
    // The people's titles came with their own decision, not this one.
    assert!(
        w.t.store()
            .person_titles(w.yen.id)
            .await
            .unwrap()
            .is_empty()
    );
}
