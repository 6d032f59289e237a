//! `DecisionStore`: decisions numbered per authority and year, issued only at the version
//! the signer saw.

use std::sync::Arc;

use tdkt_domain::dossier::State;

use super::fixtures::*;
use crate::*;

/// A stale version issues nothing and uses no number: the next decision is still number 1.
pub async fn a_stale_version_issues_no_decision(s: Arc<dyn Store>) {
    let g = Dossiers::new(&*s).await;
    let st = g.st;
    let first = g.approved("Hồ sơ được duyệt 1", g.province.id).await;
    let mut stale = g.decision(&first, g.province.id, 2025, 'a');
    stale.dossiers[0].expected_version -= 1;
    let e = st.issue_decision(&sys(), stale).await.unwrap_err();
    assert!(is_stale(&e), "{e:?}");
    assert_eq!(st.decision_of(first.id).await.unwrap(), None);
    let dec1 = st
        .issue_decision(&sys(), g.decision(&first, g.province.id, 2025, 'a'))
        .await
        .unwrap();
    assert_eq!((dec1.seq, dec1.number.as_str()), (1, "1/QĐ-UBND"));
    verify_chain(st).await;
}

/// Numbers run per authority and year; issuing moves the dossier one version on.
pub async fn decisions_are_numbered_per_authority_and_year(s: Arc<dyn Store>) {
    let g = Dossiers::new(&*s).await;
    let st = g.st;
    let first = g.approved("Hồ sơ được duyệt 1", g.province.id).await;
    let dec1 = st
        .issue_decision(&sys(), g.decision(&first, g.province.id, 2025, 'a'))
        .await
        .unwrap();
    assert_eq!((dec1.seq, dec1.number.as_str()), (1, "1/QĐ-UBND"));
    let after = st.dossier(first.id).await.unwrap();
    assert_eq!(
        (after.state, after.version),
        (State::DecisionIssued, first.version + 1)
    );
    assert_eq!(st.decision_of(first.id).await.unwrap(), Some(dec1.clone()));
    let second = g.approved("Hồ sơ được duyệt 2", g.province.id).await;
    let dec2 = st
        .issue_decision(&sys(), g.decision(&second, g.province.id, 2025, 'b'))
        .await
        .unwrap();
    assert_eq!((dec2.seq, dec2.number.as_str()), (2, "2/QĐ-UBND"));
    let next_year = g.approved("Hồ sơ năm sau", g.province.id).await;
    let dec3 = st
        .issue_decision(&sys(), g.decision(&next_year, g.province.id, 2026, 'c'))
        .await
        .unwrap();
    assert_eq!(
        (dec3.seq, dec3.year, dec3.number.as_str()),
        (1, 2026, "1/QĐ-UBND")
    );
    let elsewhere = g.approved("Hồ sơ tỉnh khác", g.other_province.id).await;
    let dec4 = st
        .issue_decision(
            &sys(),
            g.decision(&elsewhere, g.other_province.id, 2025, 'd'),
        )
        .await
        .unwrap();
    assert_eq!(dec4.seq, 1);
    verify_chain(st).await;
}
