//! Many writers at once: read-then-write use cases all succeed, one vote per unit, one winner
//! among moves from the same version, gapless decision numbers.

use std::sync::Arc;

use tdkt_domain::dossier::{State, Step};

use super::fixtures::*;
use crate::*;

pub async fn concurrent_writes_all_succeed(s: Arc<dyn Store>) {
    let root = unit(&*s, "vn", None).await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            // A read-then-write use case: read the unit, then write a person into it.
            let u = s.unit(root.id).await?;
            s.create_person(
                &Actor::system("load"),
                new_person(
                    &format!("Người Thứ {}", "abcdefghij".chars().nth(i % 10).unwrap()),
                    u.id,
                ),
            )
            .await
        }));
    }
    let mut failures = Vec::new();
    for t in tasks {
        if let Err(e) = t.await.unwrap() {
            failures.push(e.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 200 failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert_eq!(
        s.search_people(&PersonFilter::default())
            .await
            .unwrap()
            .total,
        200
    );
    assert_eq!(verify_chain(&*s).await, 201);
}

pub async fn one_vote_per_unit_under_concurrency(s: Arc<dyn Store>) {
    let (cid, m) = conference_fixture(&*s).await;
    s.put_covenant(&sys(), cid, 2022, "Giao ước", "{}", "{}")
        .await
        .unwrap();
    let b = s
        .create_ballot(&sys(), cid, 2022, "Suy tôn", "{}")
        .await
        .unwrap();
    s.open_ballot(&sys(), b.id, "{}", "h").await.unwrap();
    // 20 attempts by the same unit at once: one paper.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = s.clone();
        let (bid, voter) = (b.id, m[0]);
        tasks.push(tokio::spawn(async move {
            s.cast_vote(
                &Actor::system("vote"),
                bid,
                voter,
                &format!("{{\"n\":{i}}}"),
            )
            .await
        }));
    }
    // …and the four other units at the same time.
    for voter in m[1..].iter().copied() {
        let s = s.clone();
        let bid = b.id;
        tasks.push(tokio::spawn(async move {
            s.cast_vote(&Actor::system("vote"), bid, voter, "{}").await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(ok, 5);
    assert_eq!(s.ballot_voters(b.id).await.unwrap().len(), 5);
    assert_eq!(s.ballot_papers(b.id).await.unwrap().len(), 5);
}

/// 25 concurrent moves from the same version: exactly one wins, the others are told the
/// dossier changed, and the timeline has one move.
pub async fn concurrent_moves_from_one_version_have_one_winner(s: Arc<dyn Store>) {
    let g = Dossiers::new(&*s).await;
    let st = g.st;
    let racing = st
        .create_dossier(&sys(), g.draft("Hồ sơ tranh chấp", g.province.id))
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

/// Decisions signed at the same time by the same authority get distinct, gapless numbers,
/// following the one it already issued that year.
pub async fn decisions_signed_at_once_get_gapless_numbers(s: Arc<dyn Store>) {
    let g = Dossiers::new(&*s).await;
    let st = g.st;
    let elsewhere = g.approved("Hồ sơ tỉnh khác", g.other_province.id).await;
    let dec = st
        .issue_decision(
            &sys(),
            g.decision(&elsewhere, g.other_province.id, 2025, 'd'),
        )
        .await
        .unwrap();
    assert_eq!(dec.seq, 1);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let d = g.approved("Hồ sơ ký cùng lúc", g.other_province.id).await;
        let mut new = g.decision(&d, g.other_province.id, 2025, 'e');
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
    verify_chain(st).await;
}
