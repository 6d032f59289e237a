//! `DossierStore`: numbered drafts, moves only at the version the caller saw, the timeline.

use std::sync::Arc;

use tdkt_domain::dossier::{State, Step};

use super::fixtures::*;
use crate::*;

pub async fn a_new_dossier_is_a_numbered_draft(s: Arc<dyn Store>) {
    let g = Dossiers::new(&*s).await;
    let d =
        g.st.create_dossier(&sys(), g.draft("Hồ sơ thứ nhất", g.province.id))
            .await
            .unwrap();
    assert_eq!((d.state, d.version), (State::Draft, 1));
    assert_eq!(d.code, format!("HS-2025-{:05}", d.id));
    assert_eq!(d.nominees.len(), 1);
    assert_eq!(d.nominees[0].name, "Lý Thị Hoa");
    verify_chain(g.st).await;
}

/// A move names the version and state the caller saw: a stale version, or the right version
/// with a state the dossier has left, is refused and changes nothing.
pub async fn a_step_applies_only_at_the_version_seen(s: Arc<dyn Store>) {
    let g = Dossiers::new(&*s).await;
    let st = g.st;
    let d = st
        .create_dossier(&sys(), g.draft("Hồ sơ thứ nhất", g.province.id))
        .await
        .unwrap();
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
    verify_chain(st).await;
}
