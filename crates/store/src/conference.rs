//! Rows of the cluster conference: covenant, scores, ballots, proposals.

use serde::{Deserialize, Serialize};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotStatus {
    Draft,
    Open,
    Closed,
}

impl BallotStatus {
    pub fn code(self) -> &'static str {
        match self {
            BallotStatus::Draft => "draft",
            BallotStatus::Open => "open",
            BallotStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(BallotStatus::Draft),
            "open" => Some(BallotStatus::Open),
            "closed" => Some(BallotStatus::Closed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotRow {
    pub id: i64,
    pub cluster_id: i64,
    pub year: i32,
    pub title: String,
    pub rules_json: String,
    pub rule_hash: Option<String>,
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
pub struct ProposalRow {
    pub id: i64,
    pub cluster_id: i64,
    pub year: i32,
    pub unit_id: i64,
    pub unit_name: String,
    pub award_code: String,
    pub ballot_id: Option<i64>,
    pub votes: i64,
    pub status: String,
}
