//! The council's secret vote on a dossier: voters and papers apart.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tdkt_domain::dossier::council::{CouncilBallotStatus, VoteMode};
use time::OffsetDateTime;

use crate::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct CouncilBallotRow {
    pub id: i64,
    pub dossier_id: i64,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub status: CouncilBallotStatus,
    pub rules_json: String,
    pub rule_hash: String,
    pub result_json: Option<String>,
    pub opened_at: OffsetDateTime,
    pub closed_at: Option<OffsetDateTime>,
}

/// A member who took part in a council vote (never what they chose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilVoter {
    pub user_id: i64,
    pub mode: VoteMode,
}

#[async_trait]
pub trait CouncilStore: Send + Sync {
    /// Moves the dossier to the council vote and opens the ballot with its frozen rules, in one
    /// transaction.
    async fn open_council_vote(
        &self,
        actor: &Actor,
        dossier_id: i64,
        mv: DossierMove,
        rules_json: &str,
        rule_hash: &str,
    ) -> StoreResult<CouncilBallotRow>;
    async fn council_ballot(&self, dossier_id: i64) -> StoreResult<Option<CouncilBallotRow>>;
    /// One member's paper: the voter row and the paper are written together but unlinked. A
    /// second vote by the same member is a conflict.
    async fn cast_council_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        member: i64,
        mode: VoteMode,
        choices_json: &str,
    ) -> StoreResult<()>;
    /// Members who voted, with how.
    async fn council_voters(&self, ballot_id: i64) -> StoreResult<Vec<CouncilVoter>>;
    async fn council_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>>;
    /// Stores the result and each nominee's outcome; shuffles the papers' keys. Refused when
    /// the ballot no longer holds `counted` papers (a vote arrived after the count).
    async fn close_council_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        result_json: &str,
        passed: &[(i64, bool)],
        counted: usize,
    ) -> StoreResult<CouncilBallotRow>;
}
