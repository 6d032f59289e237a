//! The council's secret vote on a dossier: one question per nominee (agree / disagree), counted
//! over the total number of council members (DOMAIN.md §6), with a quorum of members taking part
//! (present, or in writing when absent). The rules are frozen and hashed when voting opens.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::procedure::{Procedure, threshold_text, votes_needed};
use crate::eligibility::AwardLevel;

/// One nominee's question, frozen at opening.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub nominee_id: i64,
    pub nominee: String,
    pub award: String,
    pub award_name: String,
    pub share: f64,
    pub strict: bool,
}

/// The frozen rules of a council vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilRules {
    /// User ids of the council members at opening; the thresholds count all of them.
    pub members: Vec<i64>,
    pub quorum_share: f64,
    pub basis: String,
    pub questions: Vec<Question>,
}

impl CouncilRules {
    pub fn new(
        members: Vec<i64>,
        p: &Procedure,
        questions: Vec<(i64, String, String, String)>,
    ) -> Self {
        Self {
            members,
            quorum_share: p.council.quorum_share,
            basis: p.council.basis.clone(),
            questions: questions
                .into_iter()
                .map(|(nominee_id, nominee, award, award_name)| {
                    let (share, strict) = p.council_threshold(&award);
                    Question {
                        nominee_id,
                        nominee,
                        award,
                        award_name,
                        share,
                        strict,
                    }
                })
                .collect(),
        }
    }

    /// SHA-256 of the canonical JSON: shown on the minutes, re-checked at closing.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(
            serde_json::to_vec(self).expect("rules serialise"),
        ))
    }

    pub fn total(&self) -> u32 {
        self.members.len() as u32
    }

    pub fn quorum_needed(&self) -> u32 {
        votes_needed(self.total(), self.quorum_share, false)
    }
}

code_enum!(
    /// A member's choice on one nominee.
    Choice, "Ý kiến biểu quyết" {
        Agree = "dong_y", "Đồng ý";
        Disagree = "khong_dong_y", "Không đồng ý";
    }
);

code_enum!(
    /// A council vote's state (`council_ballots.status`): open when the dossier goes to the
    /// council, closed when the result is counted.
    CouncilBallotStatus, "Trạng thái phiên bỏ phiếu" {
        Open = "mo", "Đang bỏ phiếu";
        Closed = "dong", "Đã kết thúc";
    }
);

code_enum!(
    /// How a member took part (`council_voters.mode`): present, or absent and in writing
    /// (entered by the secretary). The first counts as present, the second as written.
    VoteMode, "Hình thức bỏ phiếu" {
        InPerson = "truc_tiep", "Bỏ phiếu trực tiếp";
        Written = "van_ban", "Gửi phiếu bằng văn bản";
    }
);

impl VoteMode {
    /// The council page's roll says this of a member who voted this way.
    pub fn roll_label(self) -> &'static str {
        match self {
            VoteMode::InPerson => "Đã bỏ phiếu",
            VoteMode::Written => "Gửi phiếu bằng văn bản",
        }
    }
}

/// A paper: nominee id → choice (a nominee left out is a blank on that question).
pub type Paper = BTreeMap<i64, Choice>;

/// Checks a paper against the questions; says what is wrong in Vietnamese.
pub fn check_paper(rules: &CouncilRules, paper: &Paper) -> Result<(), String> {
    for id in paper.keys() {
        if !rules.questions.iter().any(|q| q.nominee_id == *id) {
            return Err(format!(
                "phiếu có ý kiến về người được đề nghị không có trong danh sách (mã {id})"
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub nominee_id: i64,
    pub nominee: String,
    pub award_name: String,
    pub agree: u32,
    pub disagree: u32,
    pub blank: u32,
    pub needed: u32,
    pub threshold: String,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilResult {
    pub members: u32,
    pub present: u32,
    pub written: u32,
    pub quorum_needed: u32,
    pub quorum_met: bool,
    pub items: Vec<ItemResult>,
}

/// Counts the papers. Without a quorum nothing passes (the counts are still shown).
pub fn tally(rules: &CouncilRules, papers: &[Paper], present: u32, written: u32) -> CouncilResult {
    let total = rules.total();
    let quorum_met = present + written >= rules.quorum_needed();
    let items = rules
        .questions
        .iter()
        .map(|q| {
            let agree = papers
                .iter()
                .filter(|p| p.get(&q.nominee_id) == Some(&Choice::Agree))
                .count() as u32;
            let disagree = papers
                .iter()
                .filter(|p| p.get(&q.nominee_id) == Some(&Choice::Disagree))
                .count() as u32;
            let needed = votes_needed(total, q.share, q.strict);
            ItemResult {
                nominee_id: q.nominee_id,
                nominee: q.nominee.clone(),
                award_name: q.award_name.clone(),
                agree,
                disagree,
                blank: papers.len() as u32 - agree - disagree,
                needed,
                threshold: threshold_text(total, q.share, q.strict),
                passed: quorum_met && agree >= needed,
            }
        })
        .collect();
    CouncilResult {
        members: total,
        present,
        written,
        quorum_needed: rules.quorum_needed(),
        quorum_met,
        items,
    }
}

/// Level of an award's granting authority, ordered: grassroots < ministry/province < state
/// (an unknown code ranks as state). See [`AwardLevel`].
pub fn level_rank(level: &str) -> u8 {
    match AwardLevel::ALL.iter().find(|l| l.code() == level) {
        Some(AwardLevel::Grassroots) => 0,
        Some(AwardLevel::Ministry) => 1,
        Some(AwardLevel::State) | None => 2,
    }
}

/// The highest award level an authority of this unit kind grants itself (its code).
pub fn authority_level(kind: crate::unit::UnitKind) -> &'static str {
    AwardLevel::of_authority(kind).code()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(members: usize) -> CouncilRules {
        CouncilRules::new(
            (1..=members as i64).collect(),
            &Procedure::builtin(),
            vec![
                (
                    1,
                    "Nguyễn Văn A".into(),
                    "chien_si_thi_dua_tinh".into(),
                    "CSTĐ tỉnh".into(),
                ),
                (
                    2,
                    "Trần Thị B".into(),
                    "bang_khen_tinh".into(),
                    "Bằng khen".into(),
                ),
            ],
        )
    }

    fn paper(a: Option<Choice>, b: Option<Choice>) -> Paper {
        let mut p = Paper::new();
        if let Some(c) = a {
            p.insert(1, c);
        }
        if let Some(c) = b {
            p.insert(2, c);
        }
        p
    }

    #[test]
    fn thresholds_count_all_members_not_votes_cast() {
        let r = rules(10);
        // 9 papers, all agree: CSTĐ tỉnh needs 9 of 10 (90%) → passes; Bằng khen needs 6.
        let papers: Vec<Paper> = (0..9)
            .map(|_| paper(Some(Choice::Agree), Some(Choice::Agree)))
            .collect();
        let res = tally(&r, &papers, 8, 1);
        assert!(res.quorum_met);
        assert!(res.items[0].passed);
        assert_eq!(res.items[0].needed, 9);
        // 8 agree of 8 cast (100% of votes cast) is still below 90% of all 10 members.
        let papers: Vec<Paper> = (0..8).map(|_| paper(Some(Choice::Agree), None)).collect();
        let res = tally(&r, &papers, 8, 0);
        assert!(res.quorum_met);
        assert!(!res.items[0].passed);
        assert_eq!(res.items[1].blank, 8);
        assert!(!res.items[1].passed);
    }

    #[test]
    fn no_quorum_no_result() {
        let r = rules(10);
        let papers: Vec<Paper> = (0..7)
            .map(|_| paper(Some(Choice::Agree), Some(Choice::Agree)))
            .collect();
        let res = tally(&r, &papers, 7, 0);
        assert_eq!(res.quorum_needed, 8);
        assert!(!res.quorum_met);
        assert!(res.items.iter().all(|i| !i.passed));
        assert_eq!(res.items[1].agree, 7);
    }

    #[test]
    fn rules_hash_changes_with_any_rule() {
        let a = rules(10);
        let mut b = a.clone();
        assert_eq!(a.hash(), b.hash());
        b.members.pop();
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn stray_nominee_is_refused() {
        let r = rules(3);
        let mut p = Paper::new();
        p.insert(99, Choice::Agree);
        assert!(check_paper(&r, &p).unwrap_err().contains("99"));
    }

    #[test]
    fn authority_power() {
        use crate::unit::UnitKind;
        assert_eq!(authority_level(UnitKind::Province), "bo_tinh");
        assert!(level_rank("nha_nuoc") > level_rank(authority_level(UnitKind::Province)));
        assert!(level_rank("bo_tinh") <= level_rank(authority_level(UnitKind::City)));
        assert_eq!(authority_level(UnitKind::Nation), "nha_nuoc");
        assert_eq!(authority_level(UnitKind::Commune), "co_so");
        let ranks: Vec<u8> = ["co_so", "bo_tinh", "nha_nuoc", "khac", " co_so"]
            .iter()
            .map(|l| level_rank(l))
            .collect();
        assert_eq!(
            ranks,
            [0, 1, 2, 2, 2],
            "unknown codes rank as state, as before"
        );
    }

    #[test]
    fn vote_modes_and_choices_keep_their_codes() {
        assert_eq!(VoteMode::InPerson.code(), "truc_tiep");
        assert_eq!(VoteMode::Written.code(), "van_ban");
        assert_eq!(VoteMode::InPerson.roll_label(), "Đã bỏ phiếu");
        assert_eq!(VoteMode::Written.roll_label(), "Gửi phiếu bằng văn bản");
        let mut p = Paper::new();
        p.insert(1, Choice::Agree);
        p.insert(2, Choice::Disagree);
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"1":"dong_y","2":"khong_dong_y"}"#
        );
    }
}
