//! `RegisterStore`: the register rows a decision writes, searched by decision.

use std::sync::Arc;

use super::fixtures::*;
use crate::*;

/// The decision wrote the register: the subject, the amount, the decision's number and date.
pub async fn a_decision_writes_the_register(s: Arc<dyn Store>) {
    let g = Dossiers::new(&*s).await;
    let st = g.st;
    let first = g.approved("Hồ sơ được duyệt 1", g.province.id).await;
    let dec1 = st
        .issue_decision(&sys(), g.decision(&first, g.province.id, 2025, 'a'))
        .await
        .unwrap();
    let reg = st
        .search_register(&RegisterFilter {
            decision_id: Some(dec1.id),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(reg.len(), 1);
    assert_eq!(reg[0].subject_name, "Lý Thị Hoa");
    assert_eq!(reg[0].amount, Some(3_510_000));
    assert_eq!(
        reg[0].decision.as_deref(),
        Some("1/QĐ-UBND ngày 01/12/2025")
    );
    assert_eq!(reg[0].dossier_id, Some(first.id));
    assert_eq!(reg[0].revoked_on, None);
    verify_chain(st).await;
}
