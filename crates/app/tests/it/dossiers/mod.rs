//! Nomination dossiers through the use cases, on both backends, one module per use case:
//!
//! | module | what is true |
//! |---|---|
//! | `create` | drafts: the deciding authority, the nominee list, validation with nothing written |
//! | `documents` | uploads: what a file must be, versions, downloads by hash, required documents |
//! | `workflow` | steps: optimistic versions, concurrent receipts, return for a supplement, reasons, roles |
//! | `sudden` | the simplified procedure of a sudden commendation: straight to the leader |
//! | `forwarding` | awards above the authority's power go up, and only then |
//! | `appraisal` | results against the engine's verdict, grounds, duplicates |
//! | `public` | consultation: public pages, comments, moderation, throttling |
//! | `council` | the council's secret vote: frozen members, thresholds, written votes, secrecy |
//! | `decision` | numbering, printing, titles granted, revocation |
//! | `certificates` | layouts per authority, public verification by QR key |
//! | `register` | search without diacritics, amounts, XLSX export |
//! | `walkthrough` | the whole path from the unit's draft to a revocation, nothing lost on the way |
//!
//! `fixtures` builds the world and dossiers in a given state.

mod fixtures;

mod appraisal;
mod certificates;
mod council;
mod create;
mod decision;
mod documents;
mod forwarding;
mod public;
mod register;
mod sudden;
mod walkthrough;
mod workflow;
