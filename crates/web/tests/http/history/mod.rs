//! A person's and a collective's history over HTTP: ratings, titles and awards through the
//! person page and the API, CSV imports, initiatives and their review, local award kinds, and
//! the engine's verdicts from what is stored.

mod collective;
mod import;
mod local_kinds;
mod person;

use serde_json::Value;

/// The verdict for `award` in an eligibility answer (a list, one entry per award).
pub fn verdict<'a>(v: &'a Value, award: &str) -> &'a Value {
    v.as_array()
        .unwrap()
        .iter()
        .find(|x| x["award"] == award)
        .unwrap_or_else(|| panic!("no verdict for {award}: {v}"))
}

/// Whether any of the verdict's missing conditions mentions `needle`.
pub fn missing_mentions(verdict: &Value, needle: &str) -> bool {
    verdict["missing"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m.as_str().unwrap().contains(needle))
}
