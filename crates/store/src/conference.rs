//! Rows of the cluster conference: covenant, scores, ballots, proposals.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
pub use tdkt_domain::cluster::ProposalStatus;
pub use tdkt_domain::evaluation::BallotStatus;

use crate::{Actor, StoreResult};
use time::Date;

/// A covenant: title, the criteria table and the method, as JSON in the evaluation format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CovenantRow {
    pub cluster_id: i64,
    pub year: i32,
    pub title: String,
    /// `{"groups": [...], "criteria": [...]}`
    pub table_json: String,
    /// `{"method": {...}, "flags": {...}}`
    pub method_json: String,
    pub scoring_closed: bool,
    pub signatures: Vec<SignatureRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureRow {
    pub unit_id: i64,
    pub signer: String,
    pub signed_on: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub scorer_id: i64,
    pub target_id: i64,
    pub criterion_id: String,
    pub points: f64,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub unit_id: i64,
    pub criterion_id: String,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct BallotRow {
    pub id: i64,
    pub cluster_id: i64,
    pub year: i32,
    pub title: String,
    pub rules_json: String,
    pub rule_hash: Option<String>,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub status: BallotStatus,
    pub result_json: Option<String>,
}

/// What closing a ballot writes, all in one transaction.
#[derive(Debug, Clone)]
pub struct BallotClose {
    /// How many papers the result counted: closing is refused if more arrived since.
    pub papers_counted: usize,
    pub result_json: String,
    pub proposals: Vec<NewProposal>,
    /// When the ballot elected next year's leader or deputies: that year's members and roles.
    pub next_year: Option<crate::NewClusterYear>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewProposal {
    pub unit_id: i64,
    pub award_code: String,
    pub votes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct ProposalRow {
    pub id: i64,
    pub cluster_id: i64,
    pub year: i32,
    pub unit_id: i64,
    pub unit_name: String,
    pub award_code: String,
    pub ballot_id: Option<i64>,
    pub votes: i64,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub status: ProposalStatus,
}

#[async_trait]
pub trait ConferenceStore: Send + Sync {
    async fn covenant(&self, cluster_id: i64, year: i32) -> StoreResult<Option<CovenantRow>>;
    /// Creates or replaces the covenant's title, table and method (signatures stay).
    async fn put_covenant(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        title: &str,
        table_json: &str,
        method_json: &str,
    ) -> StoreResult<()>;
    async fn sign_covenant(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        sig: SignatureRow,
    ) -> StoreResult<()>;
    async fn set_scoring_closed(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        closed: bool,
    ) -> StoreResult<()>;
    /// Inserts or replaces one scorer's scores (and optionally indicators) in one transaction.
    async fn put_scores(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        scores: &[ScoreRow],
        indicators: &[IndicatorRow],
    ) -> StoreResult<()>;
    async fn cluster_scores(
        &self,
        cluster_id: i64,
        year: i32,
    ) -> StoreResult<(Vec<ScoreRow>, Vec<IndicatorRow>)>;
    async fn create_ballot(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        title: &str,
        rules_json: &str,
    ) -> StoreResult<BallotRow>;
    async fn ballot(&self, id: i64) -> StoreResult<BallotRow>;
    async fn ballots(&self, cluster_id: i64, year: i32) -> StoreResult<Vec<BallotRow>>;
    /// Freezes the resolved rules and their hash; draft → open.
    async fn open_ballot(
        &self,
        actor: &Actor,
        id: i64,
        resolved_rules_json: &str,
        rule_hash: &str,
    ) -> StoreResult<BallotRow>;
    /// One voter unit's paper: the voter row and the paper go in one transaction but stay
    /// unlinked. A second vote by the same unit is a conflict.
    async fn cast_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        voter_unit: i64,
        choices_json: &str,
    ) -> StoreResult<()>;
    /// Papers collected in the room: the units that voted and the papers, unlinked.
    async fn record_papers(
        &self,
        actor: &Actor,
        ballot_id: i64,
        voter_units: &[i64],
        papers: &[String],
    ) -> StoreResult<()>;
    async fn ballot_voters(&self, ballot_id: i64) -> StoreResult<Vec<i64>>;
    async fn ballot_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>>;
    /// open → closed: stores the result, shuffles the papers, writes proposals and next year's
    /// roles.
    async fn close_ballot(
        &self,
        actor: &Actor,
        ballot_id: i64,
        close: BallotClose,
    ) -> StoreResult<BallotRow>;
    async fn cluster_proposals(&self, cluster_id: i64, year: i32) -> StoreResult<Vec<ProposalRow>>;
    /// Proposals elected for a unit in its clusters, newest year first.
    async fn unit_cluster_proposals(&self, unit_id: i64) -> StoreResult<Vec<ProposalRow>>;
    async fn cluster_proposal(&self, id: i64) -> StoreResult<ProposalRow>;
}
