//! The audit chain: each entry's hash covers its own fields and the previous entry's hash, so
//! editing or deleting a row breaks the chain at that row.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that stands before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored. `before` and `after` are JSON text, hashed as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Hash of an entry's content chained to `prev_hash`. Fields are length-prefixed so that no
/// two different entries hash the same bytes.
#[allow(clippy::too_many_arguments)]
pub fn chain_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let mut field = |s: Option<&str>| match s {
        None => h.update(b"-"),
        Some(s) => {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
    };
    field(Some(prev_hash));
    field(Some(&seq.to_string()));
    field(Some(at));
    field(Some(actor));
    field(Some(action));
    field(Some(entity));
    field(Some(entity_id));
    field(before);
    field(after);
    hex::encode(h.finalize())
}

impl AuditEntry {
    pub fn expected_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.entity,
            &self.entity_id,
            self.before.as_deref(),
            self.after.as_deref(),
        )
    }
}

/// What is wrong with the chain, at the first bad place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// Entry `seq` does not hash to what it says: it was edited.
    Altered { seq: i64 },
    /// Entry `seq` does not point at the previous entry's hash.
    Unlinked { seq: i64 },
    /// Entries are missing before `seq` (expected `expected`).
    Missing { expected: i64, found: i64 },
    /// The recorded head (count and last hash) does not match the entries: rows were removed
    /// from the end, or the head was edited.
    Head { expected_seq: i64, found_seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq } => {
                write!(
                    f,
                    "mục nhật ký số {seq} đã bị sửa (mã băm không khớp nội dung)"
                )
            }
            ChainBreak::Unlinked { seq } => write!(
                f,
                "mục nhật ký số {seq} không nối với mục trước (mã băm trước không khớp)"
            ),
            ChainBreak::Missing { expected, found } => write!(
                f,
                "thiếu mục nhật ký số {expected} (mục kế tiếp có là số {found}): đã bị xoá"
            ),
            ChainBreak::Head {
                expected_seq,
                found_seq,
            } => write!(
                f,
                "đầu chuỗi ghi mục cuối là số {expected_seq} nhưng mục cuối còn lại là số {found_seq}: các mục cuối đã bị xoá"
            ),
        }
    }
}

/// Walks entries in order of `seq` and keeps the running state, so a verifier can stream rows
/// instead of loading the whole log.
#[derive(Debug)]
pub struct ChainVerifier {
    next_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            next_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        if e.seq != self.next_seq {
            return Err(ChainBreak::Missing {
                expected: self.next_seq,
                found: e.seq,
            });
        }
        if e.expected_hash() != e.hash {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::Unlinked { seq: e.seq });
        }
        self.next_seq += 1;
        self.prev_hash = e.hash.clone();
        Ok(())
    }

    /// Checks the end of the chain against the stored head (last seq and hash).
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last = self.next_seq - 1;
        if head_seq != last || (last > 0 && head_hash != self.prev_hash) {
            return Err(ChainBreak::Head {
                expected_seq: head_seq,
                found_seq: last,
            });
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: format!("2026-01-01T00:00:{seq:02}Z"),
                    actor: "user:1".into(),
                    action: "unit.create".into(),
                    entity: "unit".into(),
                    entity_id: seq.to_string(),
                    before: None,
                    after: Some(format!("{{\"n\":{seq}}}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.expected_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.push(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (5, &c[4].hash)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS)), Ok(0));
    }

    #[test]
    fn edit_names_the_entry() {
        let mut c = chain(5);
        c[2].after = Some("{\"n\":99}".into());
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, (5, &head)), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn rehashed_edit_breaks_the_link() {
        let mut c = chain(5);
        c[2].after = Some("{\"n\":99}".into());
        c[2].hash = c[2].expected_hash();
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, (5, &head)), Err(ChainBreak::Unlinked { seq: 4 }));
    }

    #[test]
    fn deletion_is_named() {
        let mut c = chain(5);
        c.remove(1);
        let head = c[3].hash.clone();
        assert_eq!(
            verify(&c, (5, &head)),
            Err(ChainBreak::Missing {
                expected: 2,
                found: 3
            })
        );
        let mut c = chain(5);
        c.pop();
        assert_eq!(
            verify(&c, (5, "x")),
            Err(ChainBreak::Head {
                expected_seq: 5,
                found_seq: 4
            })
        );
    }

    #[test]
    fn hash_separates_fields() {
        let a = chain_hash(GENESIS, 1, "t", "ab", "c", "e", "1", None, None);
        let b = chain_hash(GENESIS, 1, "t", "a", "bc", "e", "1", None, None);
        assert_ne!(a, b);
        let c = chain_hash(GENESIS, 1, "t", "a", "bc", "e", "1", Some(""), None);
        assert_ne!(b, c);
    }
}
