//! The year-end round (bình xét cuối năm): the units taking part and their progress, the facts
//! of the year, the candidates with their verdicts and selection, the unit council's secret
//! ballot, and what the round sends up.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tdkt_domain::dossier::council::VoteMode;
use tdkt_domain::person::TaskRating;
use tdkt_domain::round::RoundProgress;
use tdkt_domain::unit::UnitKind;
use time::{Date, OffsetDateTime};

use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRoundUnit {
    pub unit_id: i64,
    /// How far below the authority (1 = a direct child); the due date follows it.
    pub depth: i32,
    pub due_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRound {
    pub authority_id: i64,
    pub year: i32,
    pub opened_on: Date,
    pub note: Option<String>,
    pub created_by: Option<i64>,
    pub units: Vec<NewRoundUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRow {
    pub id: i64,
    pub authority_id: i64,
    pub authority_name: String,
    pub year: i32,
    pub opened_on: Date,
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A unit taking part, with its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundUnitRow {
    pub id: i64,
    pub round_id: i64,
    pub year: i32,
    pub authority_id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    pub tree_path: String,
    pub depth: i32,
    pub due_on: Date,
    pub progress: RoundProgress,
    pub progress_since: Date,
    /// Candidate rows (subject × award) and how many are selected.
    pub candidates: i64,
    pub selected: i64,
}

/// A person of a participating unit: staff of its subtree, less those of participating units
/// below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundPerson {
    pub id: i64,
    pub full_name: String,
    pub cccd: Option<String>,
    pub birth_year: Option<i32>,
    pub unit_id: i64,
    pub unit_name: String,
    pub position: Option<String>,
}

/// A person's rating of a year with the facts the titles need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearFacts {
    pub person_id: i64,
    pub year: i32,
    pub rating: TaskRating,
    pub absent_days: Option<i32>,
    /// A `Discipline` code.
    pub discipline: Option<String>,
}

/// An initiative recognised at grassroots level in the year, from the ratings file; its code is
/// derived from the person, year and title, so importing the file again adds nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearInitiative {
    pub code: String,
    pub title: String,
    pub person_id: i64,
    pub unit_id: i64,
    pub recognized_on: Date,
}

/// An initiative a person is an author of, as the engine counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldInitiative {
    pub code: String,
    pub scope: Option<String>,
    pub recognized_on: Option<Date>,
    pub used_by: Option<String>,
    pub used_on: Option<Date>,
}

/// What the engine needs of a person's past, loaded for a whole unit at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PersonHistory {
    pub ratings: Vec<YearFacts>,
    pub titles: Vec<TitleRow>,
    /// Not revoked.
    pub awards: Vec<AwardRecordRow>,
    pub initiatives: Vec<HeldInitiative>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCandidate {
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub name: String,
    pub detail: String,
    pub award_code: String,
    pub destination_id: i64,
    /// `VerdictKind` code.
    pub verdict: String,
    pub verdict_json: String,
    /// The selection a new row starts with (the verdict's); existing rows keep theirs.
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateRow {
    pub id: i64,
    pub round_unit_id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub name: String,
    pub detail: String,
    pub award_code: String,
    pub destination_id: i64,
    pub verdict: String,
    pub verdict_json: String,
    pub selected: bool,
    pub reason: Option<String>,
    pub council_passed: Option<bool>,
    pub decision_id: Option<i64>,
    pub dossier_id: Option<i64>,
}

/// Which candidates a table shows; every given condition must hold.
#[derive(Debug, Clone, Default)]
pub struct CandidateFilter {
    pub award: Option<String>,
    pub verdict: Option<String>,
    pub selected: Option<bool>,
    /// Folded name fragment.
    pub name_key: Option<String>,
    pub paging: Option<Paging>,
}

/// Counts per award of a unit's candidates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CandidateCount {
    pub award_code: String,
    pub total: i64,
    pub eligible: i64,
    pub needs_review: i64,
    pub not_eligible: i64,
    pub selected: i64,
    pub passed: i64,
}

/// A clerk's change of one candidate's selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    pub candidate_id: i64,
    pub selected: bool,
    pub reason: Option<String>,
}

/// One dossier the round sends up: what `create_dossier` takes, the candidates it carries and
/// the files attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundDossier {
    pub dossier: NewDossier,
    /// In the order of `dossier.nominees`.
    pub candidate_ids: Vec<i64>,
    pub documents: Vec<NewDocument>,
}

/// A unit of a subtree with what the round needs to place it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffedUnit {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub tree_path: String,
    /// People whose unit is in this unit's subtree.
    pub staff: i64,
}

#[async_trait]
pub trait RoundStore: Send + Sync {
    /// Units in force in the subtree of `root` (itself included) with their staff counts, in
    /// tree order; units without staff are left out.
    async fn staffed_units(&self, root: i64, on: Date) -> StoreResult<Vec<StaffedUnit>>;
    async fn open_round(&self, actor: &Actor, new: NewRound) -> StoreResult<RoundRow>;
    async fn round(&self, id: i64) -> StoreResult<RoundRow>;
    /// Rounds of authorities inside these subtrees (all when `None`), newest first.
    async fn list_rounds(&self, authority_roots: Option<&[i64]>) -> StoreResult<Vec<RoundRow>>;
    async fn round_units(&self, round_id: i64) -> StoreResult<Vec<RoundUnitRow>>;
    async fn round_unit(&self, id: i64) -> StoreResult<RoundUnitRow>;
    /// The rounds a unit takes part in, newest first.
    async fn rounds_of_unit(&self, unit_id: i64) -> StoreResult<Vec<RoundUnitRow>>;
    async fn set_round_progress(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        progress: RoundProgress,
        today: Date,
    ) -> StoreResult<()>;
    /// The people a participating unit rates, by name.
    async fn round_people(&self, round_unit_id: i64) -> StoreResult<Vec<RoundPerson>>;
    /// The history of every person of the unit, by person id (set-based: a few queries for
    /// any number of people).
    async fn round_histories(
        &self,
        round_unit_id: i64,
    ) -> StoreResult<std::collections::HashMap<i64, PersonHistory>>;
    /// One person's history, read the same way.
    async fn person_history(&self, person_id: i64) -> StoreResult<PersonHistory>;
    /// Ratings with their facts and the year's initiatives, in one transaction; a unit that had
    /// not started moves to "rating".
    async fn put_year_facts(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        facts: &[YearFacts],
        initiatives: &[YearInitiative],
        today: Date,
    ) -> StoreResult<usize>;
    /// Inserts or refreshes the verdicts; rows keep the clerk's selection and reason, and rows
    /// for subjects or awards no longer listed are removed unless already decided or sent.
    async fn put_candidates(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        rows: &[NewCandidate],
    ) -> StoreResult<usize>;
    async fn candidates(
        &self,
        round_unit_id: i64,
        filter: &CandidateFilter,
    ) -> StoreResult<Page<CandidateRow>>;
    async fn candidate_counts(&self, round_unit_id: i64) -> StoreResult<Vec<CandidateCount>>;
    /// Changes the selection of some candidates; refused once the council voted.
    async fn select_candidates(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        changes: &[Selection],
    ) -> StoreResult<()>;
    /// Opens the unit council's ballot with its frozen rules; the unit moves to "voting".
    async fn open_round_vote(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        rules_json: &str,
        rule_hash: &str,
        today: Date,
    ) -> StoreResult<CouncilBallotRow>;
    /// The unit's ballot (`dossier_id` of the row holds the round unit's id).
    async fn round_ballot(&self, round_unit_id: i64) -> StoreResult<Option<CouncilBallotRow>>;
    async fn cast_round_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        member: i64,
        mode: VoteMode,
        choices_json: &str,
    ) -> StoreResult<()>;
    async fn round_voters(&self, ballot_id: i64) -> StoreResult<Vec<CouncilVoter>>;
    async fn round_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>>;
    /// Stores the result and each candidate's outcome; shuffles the papers' keys. Refused when
    /// the ballot no longer holds `counted` papers.
    async fn close_round_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        result_json: &str,
        passed: &[(i64, bool)],
        counted: usize,
    ) -> StoreResult<CouncilBallotRow>;
    /// The unit's own decisions, oldest first.
    async fn round_decisions(&self, round_unit_id: i64) -> StoreResult<Vec<DecisionRow>>;
    /// Creates the dossiers (drafts with their nominees, verdicts and files), links the
    /// candidates to them and moves the unit to "sent up", in one transaction.
    async fn send_round_up(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        dossiers: Vec<RoundDossier>,
        today: Date,
    ) -> StoreResult<Vec<DossierRow>>;
    /// A unit's collective titles by year.
    async fn unit_titles(&self, unit_id: i64) -> StoreResult<Vec<TitleRow>>;
    async fn put_unit_titles(
        &self,
        actor: &Actor,
        unit_id: i64,
        titles: &[TitleRow],
    ) -> StoreResult<Vec<TitleRow>>;
}
