//! Pure domain of tdkt: types that parse instead of validate, the access policy, the audit
//! chain's hashing and Vietnamese text folding. No IO and no async here, so most tests live here.

#[macro_use]
pub mod codes;

pub mod access;
pub mod audit;
pub mod cluster;
pub mod dates;
pub mod dossier;
pub mod eligibility;
pub mod error;
pub mod evaluation;
pub mod movement;
pub mod person;
pub mod rotation;
pub mod round;
pub mod text;
pub mod unit;

pub use codes::CodeEnum;
pub use error::Invalid;
