//! Emulation movements through the use cases, on both backends, one module per topic:
//!
//! | module | what is true |
//! |---|---|
//! | `lifecycle` | every (state, step, role) as the domain's table says, refusals write nothing; launch needs; reasons; stale pages; another province; drafts private |
//! | `drafts` | bad fields named, targets inside the authority (subtree, list, cluster), only drafts change |
//! | `registration` | form registration with versions; people, titles and lines checked; the deadline; overview standings, totals and scoping |
//! | `xlsx` | the registration template, a filled one imported, broken files named by row and column with nothing written |
//! | `reports` | the units × milestones matrix, indicators summed up the tree, amendments, attachments, refusals |
//! | `review` | candidates ranked, the review dossier linked to the movement, refusals, the awards decided from it |
//! | `links` | unregistered year-end nominees flagged, refused or ignored by the setting; covenants naming movements |
//! | `regressions` | five defects found by this suite and fixed: scoped totals, cancelled movements in lists, people of a review, percent means, on-time counts |
//!
//! `fixtures` builds the world and movements in a given state.

mod fixtures;

mod drafts;
mod lifecycle;
mod links;
mod registration;
mod regressions;
mod reports;
mod review;
mod xlsx;
