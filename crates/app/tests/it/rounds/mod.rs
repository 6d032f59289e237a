//! The year-end round (bình xét cuối năm) through the use cases, on both backends:
//!
//! | module | what is true |
//! |---|---|
//! | `open` | default participants, due dates per depth, one round per authority and year, rights, overdue |
//! | `ratings` | the grid and the XLSX template and import; broken files named by row and column with nothing written; progress |
//! | `verdicts` | every candidate's stored verdict is the engine's for the same history and date |
//! | `selection` | reasons where the selection departs from the verdict, kept on recompute; limits warn |
//! | `vote` | the council's one paper over every candidate, thresholds over all members, written votes, secrecy, minutes |
//! | `decisions` | the unit's own decisions: records and titles, numbering, refusals, all or nothing |
//! | `collective` | collective titles by year, by hand and by decision |
//! | `send` | one dossier per destination with verdicts, minutes and list attached |
//! | `batch` | one decision over many dossiers, grouped by proposing unit; refusals write nothing |
//! | `cycle` | CSTĐ tỉnh counted by 3-year cycles for CSTĐ toàn quốc |
//!
//! `fixtures` builds the world and the round in a given state.

mod fixtures;

mod batch;
mod collective;
mod cycle;
mod decisions;
mod open;
mod ratings;
mod selection;
mod send;
mod verdicts;
mod vote;
