//! The eligibility engine: for an award, a reference date and a subject's history, says
//! whether the subject qualifies, why, under which article, and what is missing. Rules are data
//! (rules/*.toml): a rule pack per legal basis and period, each rule citing its article; the
//! pack in force on the reference date is used.

mod catalog;
mod engine;
mod pack;
mod subject;

pub use catalog::*;
pub use engine::*;
pub use pack::*;
pub use subject::*;

#[cfg(test)]
mod tests;
