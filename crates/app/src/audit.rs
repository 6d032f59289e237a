//! Verifying the audit chain, page by page so a large log is never held in memory.

use tdkt_domain::audit::{ChainBreak, ChainVerifier};
use tdkt_store::Store;

use crate::AppResult;

/// The outcome of a verification: the number of entries checked, or the first break.
pub async fn verify(store: &dyn Store) -> AppResult<Result<i64, ChainBreak>> {
    let mut v = ChainVerifier::default();
    let mut after = 0;
    loop {
        let page = store.audit_entries(after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            if let Err(b) = v.push(e) {
                return Ok(Err(b));
            }
        }
    }
    let (seq, hash) = store.audit_head().await?;
    Ok(v.finish(seq, &hash))
}

impl crate::App {
    /// Verifies the whole audit chain (see [`verify`]).
    pub async fn verify_audit(&self) -> AppResult<Result<i64, ChainBreak>> {
        verify(&*self.store).await
    }
}
