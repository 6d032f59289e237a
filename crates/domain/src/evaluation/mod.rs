//! The verifiable core of a cluster conference: aggregate the members' cross-scores, rank with
//! an explained tie-break ladder, test the ranking's sensitivity to the method, flag pairs that
//! score each other suspiciously high, and tally the secret ballot. Pure functions over plain
//! data: the CLI (`tdkt cluster evaluate`), the API and the UI all call `evaluate`.

mod ballot;
mod input;
mod presets;
mod scoring;
#[cfg(test)]
mod tests;

pub use ballot::*;
pub use input::*;
pub use presets::*;
pub use scoring::*;

use serde::Serialize;

use crate::Invalid;

/// Everything `evaluate` returns.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub method: Method,
    pub ranking: Vec<RankedUnit>,
    pub sensitivity: Sensitivity,
    pub flags: Vec<PairFlag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ballot: Option<BallotOutcome>,
}

/// Validates the input, then scores, ranks and tallies.
pub fn evaluate(input: &EvaluationInput) -> Result<Evaluation, Invalid> {
    let checked = input.check()?;
    let ranking = rank(&checked, input.method);
    let sensitivity = sensitivity(&checked, input.method, input.sensitivity_top_n.unwrap_or(3));
    let flags = pair_flags(&checked, &input.flags.clone().unwrap_or_default());
    let ballot = match &input.ballot {
        Some(b) => Some(tally(b, &input.members, &ranking)?),
        None => None,
    };
    Ok(Evaluation {
        method: input.method,
        ranking,
        sensitivity,
        flags,
        ballot,
    })
}
