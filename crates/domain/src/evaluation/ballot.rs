//! The secret ballot of a conference (suy tôn / bình xét): categories with seats, candidates,
//! an election threshold and a quorum. Papers carry choices only, never a voter. The rules, with
//! their candidate lists resolved, are hashed so the minutes can prove they did not change.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::input::Member;
use super::scoring::RankedUnit;
use crate::Invalid;

code_enum!(
    /// A conference ballot's state (`ballots.status`): rules editable while a draft, papers
    /// accepted while open, the result counted when closed. Labels are lower-case: the
    /// conference page says them inside a sentence.
    BallotStatus, "Trạng thái cuộc bỏ phiếu" {
        Draft = "draft", "bản nháp";
        Open = "open", "đang bỏ phiếu";
        Closed = "closed", "đã kiểm phiếu";
    }
);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotInput {
    pub rules: BallotRules,
    /// The papers, anonymous: category id → chosen candidate ids.
    #[serde(default)]
    pub ballots: Vec<BTreeMap<String, Vec<String>>>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BallotRules {
    /// Members entitled to vote (default: every member).
    pub eligible_voters: Option<usize>,
    /// Share of eligible voters who must cast a paper for the ballot to count (default 2/3).
    #[serde(default = "two_thirds")]
    pub quorum: f64,
    pub categories: Vec<Category>,
}

fn two_thirds() -> f64 {
    2.0 / 3.0
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub seats: usize,
    /// Candidate member ids (default: every member).
    pub candidates: Option<Vec<String>>,
    /// Only members ranked this high or better may be candidates.
    pub top_n: Option<usize>,
    #[serde(default)]
    pub threshold: Threshold,
    /// Award code the elected are proposed for (e.g. `co_thi_dua_chinh_phu`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub award: Option<String>,
    /// `cum_truong` or `cum_pho`: the elected take this role next year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_role: Option<String>,
}

/// Who is elected: more than (`strict`) or at least `fraction` of the basis.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub basis: Basis,
    pub fraction: f64,
    pub strict: bool,
}

impl Default for Threshold {
    /// More than half of all members.
    fn default() -> Self {
        Self {
            basis: Basis::Members,
            fraction: 0.5,
            strict: true,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// All eligible voters, present or not.
    Members,
    /// Valid papers cast in the category.
    VotesCast,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CandidateVotes {
    pub id: String,
    pub name: String,
    pub votes: usize,
    pub meets_threshold: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tie {
    /// Candidates with equal votes competing for the remaining seats: a second round decides.
    pub candidates: Vec<String>,
    pub seats_left: usize,
    pub votes: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CategoryOutcome {
    pub id: String,
    pub name: String,
    pub seats: usize,
    pub candidates: Vec<String>,
    pub valid: usize,
    pub invalid: usize,
    /// Valid papers that chose nobody in this category.
    pub blank: usize,
    /// Votes a candidate needs (the threshold applied to its basis).
    pub votes_needed: f64,
    pub counts: Vec<CandidateVotes>,
    pub elected: Vec<String>,
    pub tie: Option<Tie>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BallotOutcome {
    /// SHA-256 of the rules with candidate lists resolved.
    pub rule_hash: String,
    pub eligible_voters: usize,
    pub ballots_cast: usize,
    pub quorum_needed: usize,
    pub quorum_met: bool,
    pub categories: Vec<CategoryOutcome>,
}

/// The rules as frozen when voting opens: candidate lists resolved and sorted.
pub fn resolve_rules(
    rules: &BallotRules,
    members: &[Member],
    ranking: &[RankedUnit],
) -> Result<BallotRules, Invalid> {
    let ids: BTreeSet<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let eligible = rules.eligible_voters.unwrap_or(members.len());
    if eligible == 0 {
        return Err(Invalid::new(
            "ballot.rules.eligible_voters",
            "Số người có quyền bỏ phiếu phải lớn hơn 0",
        ));
    }
    if !(0.0..=1.0).contains(&rules.quorum) {
        return Err(Invalid::new(
            "ballot.rules.quorum",
            "Tỷ lệ tối thiểu có mặt phải trong khoảng 0–1",
        ));
    }
    let mut seen = BTreeSet::new();
    let mut categories = Vec::new();
    for (i, c) in rules.categories.iter().enumerate() {
        let f = |x: &str| format!("ballot.rules.categories[{i}].{x}");
        if !seen.insert(c.id.as_str()) {
            return Err(Invalid::new(f("id"), format!("Hạng mục «{}» bị lặp", c.id)));
        }
        if let Some(r) = &c.next_role
            && r != "cum_truong"
            && r != "cum_pho"
        {
            return Err(Invalid::new(
                f("next_role"),
                format!("Vai trò «{r}» không hợp lệ; dùng cum_truong hoặc cum_pho"),
            ));
        }
        if c.seats == 0 {
            return Err(Invalid::new(
                f("seats"),
                format!("Hạng mục «{}» cần ít nhất 1 suất", c.name),
            ));
        }
        if !(c.threshold.fraction > 0.0 && c.threshold.fraction <= 1.0) {
            return Err(Invalid::new(
                f("threshold.fraction"),
                "Tỷ lệ trúng cử phải trong khoảng (0, 1]",
            ));
        }
        let mut cands: Vec<String> = match &c.candidates {
            Some(list) => {
                for id in list {
                    if !ids.contains(id.as_str()) {
                        return Err(Invalid::new(
                            f("candidates"),
                            format!("Ứng viên «{id}» không phải thành viên cụm"),
                        ));
                    }
                }
                list.clone()
            }
            None => members.iter().map(|m| m.id.clone()).collect(),
        };
        if let Some(n) = c.top_n {
            cands.retain(|id| ranking.iter().any(|u| &u.id == id && u.rank <= n));
        }
        cands.sort();
        cands.dedup();
        if cands.is_empty() {
            return Err(Invalid::new(
                f("candidates"),
                format!("Hạng mục «{}» không có ứng viên", c.name),
            ));
        }
        categories.push(Category {
            candidates: Some(cands),
            ..c.clone()
        });
    }
    Ok(BallotRules {
        eligible_voters: Some(eligible),
        quorum: rules.quorum,
        categories,
    })
}

pub fn rule_hash(resolved: &BallotRules) -> String {
    let json = serde_json::to_string(resolved).expect("rules serialise");
    hex::encode(Sha256::digest(json.as_bytes()))
}

/// Counts the papers under the resolved rules.
pub fn tally(
    input: &BallotInput,
    members: &[Member],
    ranking: &[RankedUnit],
) -> Result<BallotOutcome, Invalid> {
    let rules = resolve_rules(&input.rules, members, ranking)?;
    let eligible = rules.eligible_voters.expect("resolved");
    let cast = input.ballots.len();
    if cast > eligible {
        return Err(Invalid::new(
            "ballot.ballots",
            format!("Có {cast} phiếu nhưng chỉ {eligible} người có quyền bỏ phiếu"),
        ));
    }
    // A paper naming a category the rules do not have is invalid in every category (it is not
    // a paper of this ballot), not a reason to refuse the count.
    let foreign = |paper: &BTreeMap<String, Vec<String>>| {
        paper
            .keys()
            .any(|k| !rules.categories.iter().any(|c| &c.id == k))
    };
    let quorum_needed = (rules.quorum * eligible as f64 - 1e-9).ceil().max(0.0) as usize;
    let quorum_met = cast >= quorum_needed;
    let name_of = |id: &str| {
        members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    let categories = rules
        .categories
        .iter()
        .map(|c| {
            let cands = c.candidates.clone().expect("resolved");
            let mut votes: BTreeMap<&str, usize> =
                cands.iter().map(|id| (id.as_str(), 0)).collect();
            let (mut valid, mut invalid, mut blank) = (0, 0, 0);
            for paper in &input.ballots {
                if foreign(paper) {
                    invalid += 1;
                    continue;
                }
                let chosen = paper.get(&c.id).map(Vec::as_slice).unwrap_or(&[]);
                let distinct: BTreeSet<&String> = chosen.iter().collect();
                let ok = chosen.len() <= c.seats
                    && distinct.len() == chosen.len()
                    && chosen.iter().all(|x| votes.contains_key(x.as_str()));
                if !ok {
                    invalid += 1;
                    continue;
                }
                valid += 1;
                if chosen.is_empty() {
                    blank += 1;
                }
                for x in chosen {
                    *votes.get_mut(x.as_str()).expect("checked") += 1;
                }
            }
            let basis = match c.threshold.basis {
                Basis::Members => eligible,
                Basis::VotesCast => valid,
            } as f64;
            let needed = c.threshold.fraction * basis;
            let meets = |v: usize| {
                if c.threshold.strict {
                    v as f64 > needed + 1e-9
                } else {
                    v as f64 >= needed - 1e-9
                }
            };
            let mut counts: Vec<CandidateVotes> = votes
                .iter()
                .map(|(id, v)| CandidateVotes {
                    id: id.to_string(),
                    name: name_of(id),
                    votes: *v,
                    meets_threshold: meets(*v),
                })
                .collect();
            counts.sort_by(|a, b| b.votes.cmp(&a.votes).then_with(|| a.id.cmp(&b.id)));
            let (elected, tie) = if quorum_met {
                elect(&counts, c.seats)
            } else {
                (vec![], None)
            };
            CategoryOutcome {
                id: c.id.clone(),
                name: c.name.clone(),
                seats: c.seats,
                candidates: cands,
                valid,
                invalid,
                blank,
                votes_needed: needed,
                counts,
                elected,
                tie,
            }
        })
        .collect();
    Ok(BallotOutcome {
        rule_hash: rule_hash(&rules),
        eligible_voters: eligible,
        ballots_cast: cast,
        quorum_needed,
        quorum_met,
        categories,
    })
}

/// Elects, among those meeting the threshold, the most voted up to `seats`; an equal count
/// across the last seat is a tie for a second round.
fn elect(counts: &[CandidateVotes], seats: usize) -> (Vec<String>, Option<Tie>) {
    let qualified: Vec<&CandidateVotes> = counts
        .iter()
        .filter(|c| c.meets_threshold && c.votes > 0)
        .collect();
    if qualified.len() <= seats {
        return (qualified.iter().map(|c| c.id.clone()).collect(), None);
    }
    let boundary = qualified[seats - 1].votes;
    if qualified[seats].votes < boundary {
        return (
            qualified[..seats].iter().map(|c| c.id.clone()).collect(),
            None,
        );
    }
    let elected: Vec<String> = qualified
        .iter()
        .filter(|c| c.votes > boundary)
        .map(|c| c.id.clone())
        .collect();
    let tied: Vec<String> = qualified
        .iter()
        .filter(|c| c.votes == boundary)
        .map(|c| c.id.clone())
        .collect();
    let seats_left = seats - elected.len();
    (
        elected,
        Some(Tie {
            candidates: tied,
            seats_left,
            votes: boundary,
        }),
    )
}
