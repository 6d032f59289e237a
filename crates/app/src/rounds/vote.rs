//! The unit council's secret ballot over the whole proposed list: one paper lists every
//! selected candidate (agree / disagree per name), thresholds per title over all members
//! (rules/procedure.toml), written votes of absent members entered by the clerk, the tally and
//! its minutes. The same guarantees as the dossier council: rules frozen and hashed at opening
//! and re-checked at closing, voters and papers in separate tables, papers re-keyed at close,
//! the audit says who voted and never what.

use std::collections::BTreeMap;

use tdkt_documents as docs;
use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, Role};
use tdkt_domain::dossier::council::{
    Choice, CouncilBallotStatus, CouncilResult, CouncilRules, Paper, VoteMode, check_paper,
};
use tdkt_store::*;

use crate::council::{RollLine, count, minutes_doc};
use crate::error::{doc_err, internal};
use crate::{App, AppError, AppResult, Principal};

fn rules_of(b: &CouncilBallotRow) -> AppResult<CouncilRules> {
    serde_json::from_str(&b.rules_json).map_err(internal)
}

impl App {
    /// Opens the vote: the council members are the accounts granted the council role on the
    /// unit; every selected candidate is a question with its title's threshold.
    pub async fn open_round_vote(
        &self,
        p: &Principal,
        round_unit_id: i64,
    ) -> AppResult<CouncilBallotRow> {
        let u = self
            .participant_for(p, round_unit_id, Action::RoundRate)
            .await?;
        let members: Vec<i64> = self
            .store
            .users_with_role(Role::CouncilMember, u.unit_id)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        if members.is_empty() {
            return Err(AppError::Conflict(format!(
                "{} chưa có tài khoản thành viên Hội đồng Thi đua - Khen thưởng",
                u.unit_name
            )));
        }
        let local = self.store.local_award_kinds().await?;
        let chosen = self
            .store
            .candidates(
                u.id,
                &CandidateFilter {
                    selected: Some(true),
                    ..Default::default()
                },
            )
            .await?
            .items;
        if chosen.is_empty() {
            return Err(AppError::Conflict(
                "Chưa chọn người, tập thể nào để Hội đồng bỏ phiếu".into(),
            ));
        }
        let questions = chosen
            .iter()
            .map(|c| {
                (
                    c.id,
                    c.name.clone(),
                    c.award_code.clone(),
                    self.award_name(&local, &c.award_code),
                )
            })
            .collect();
        let rules = CouncilRules::new(members, &self.procedure, questions);
        let json = serde_json::to_string(&rules).map_err(internal)?;
        Ok(self
            .store
            .open_round_vote(&p.actor(), u.id, &json, &rules.hash(), self.today())
            .await?)
    }

    /// The open ballot of a unit, after checking the caller may take `action` on it.
    async fn open_round_ballot(
        &self,
        p: &Principal,
        round_unit_id: i64,
        action: Action,
    ) -> AppResult<(RoundUnitRow, CouncilBallotRow, CouncilRules)> {
        let u = self.participant_for(p, round_unit_id, action).await?;
        let b = self
            .store
            .round_ballot(u.id)
            .await?
            .ok_or_else(|| AppError::NotFound("phiên bỏ phiếu của đơn vị".into()))?;
        if b.status != CouncilBallotStatus::Open {
            return Err(AppError::Conflict("Phiên bỏ phiếu đã kết thúc".into()));
        }
        let rules = rules_of(&b)?;
        Ok((u, b, rules))
    }

    fn round_paper(rules: &CouncilRules, choices: BTreeMap<i64, Choice>) -> AppResult<String> {
        let paper: Paper = choices;
        check_paper(rules, &paper).map_err(|m| AppError::Invalid(Invalid::new("phieu", m)))?;
        serde_json::to_string(&paper).map_err(internal)
    }

    /// The questions of the unit's ballot, in paper order: (candidate id, name, title).
    pub async fn round_questions(
        &self,
        p: &Principal,
        round_unit_id: i64,
    ) -> AppResult<Vec<(i64, String, String)>> {
        let u = self.round_participant(p, round_unit_id).await?;
        let Some(b) = self.store.round_ballot(u.id).await? else {
            return Ok(vec![]);
        };
        Ok(rules_of(&b)?
            .questions
            .into_iter()
            .map(|q| (q.nominee_id, q.nominee, q.award_name))
            .collect())
    }

    /// A council member's own secret vote.
    pub async fn cast_round_vote(
        &self,
        p: &Principal,
        round_unit_id: i64,
        choices: BTreeMap<i64, Choice>,
    ) -> AppResult<()> {
        let (_, b, rules) = self
            .open_round_ballot(p, round_unit_id, Action::CouncilVote)
            .await?;
        if !rules.members.contains(&p.user_id) {
            return Err(AppError::Forbidden(
                "Tài khoản này không có trong danh sách thành viên Hội đồng của phiên bỏ phiếu"
                    .into(),
            ));
        }
        let paper = Self::round_paper(&rules, choices)?;
        Ok(self
            .store
            .cast_round_vote(&p.actor(), b.id, p.user_id, VoteMode::InPerson, &paper)
            .await?)
    }

    /// The written vote of an absent member, entered by the unit's clerk as the minutes record.
    pub async fn record_round_written_vote(
        &self,
        p: &Principal,
        round_unit_id: i64,
        member: i64,
        choices: BTreeMap<i64, Choice>,
    ) -> AppResult<()> {
        let (_, b, rules) = self
            .open_round_ballot(p, round_unit_id, Action::RoundRate)
            .await?;
        if !rules.members.contains(&member) {
            return Err(AppError::Invalid(Invalid::new(
                "thanh_vien",
                "Người này không có trong danh sách thành viên Hội đồng của phiên bỏ phiếu",
            )));
        }
        let paper = Self::round_paper(&rules, choices)?;
        Ok(self
            .store
            .cast_round_vote(&p.actor(), b.id, member, VoteMode::Written, &paper)
            .await?)
    }

    /// Closes and counts the vote against the frozen rules.
    pub async fn close_round_vote(
        &self,
        p: &Principal,
        round_unit_id: i64,
    ) -> AppResult<CouncilResult> {
        let (_, b, rules) = self
            .open_round_ballot(p, round_unit_id, Action::RoundRate)
            .await?;
        let voters = self.store.round_voters(b.id).await?;
        let papers = self.store.round_papers(b.id).await?;
        let (result, passed) = count(&rules, &b.rule_hash, &voters, &papers)?;
        self.store
            .close_round_vote(
                &p.actor(),
                b.id,
                &serde_json::to_string(&result).map_err(internal)?,
                &passed,
                papers.len(),
            )
            .await?;
        Ok(result)
    }

    /// The unit's ballot and, once closed, its result.
    pub async fn round_vote(
        &self,
        p: &Principal,
        round_unit_id: i64,
    ) -> AppResult<Option<(CouncilBallotRow, Option<CouncilResult>)>> {
        let u = self.round_participant(p, round_unit_id).await?;
        let Some(b) = self.store.round_ballot(u.id).await? else {
            return Ok(None);
        };
        let result = match &b.result_json {
            Some(j) => Some(serde_json::from_str(j).map_err(internal)?),
            None => None,
        };
        Ok(Some((b, result)))
    }

    /// Council members of the unit's ballot with whether they voted (never what).
    pub async fn round_roll(&self, p: &Principal, round_unit_id: i64) -> AppResult<Vec<RollLine>> {
        let u = self.round_participant(p, round_unit_id).await?;
        let Some(b) = self.store.round_ballot(u.id).await? else {
            return Ok(vec![]);
        };
        let rules = rules_of(&b)?;
        let voters = self.store.round_voters(b.id).await?;
        Ok(self.roll_of(&rules, &voters).await)
    }

    /// The vote-count minutes of the unit's council, once the vote is closed.
    pub async fn round_minutes_pdf(&self, p: &Principal, round_unit_id: i64) -> AppResult<Vec<u8>> {
        let u = self.round_participant(p, round_unit_id).await?;
        let doc = self.round_minutes_doc(&u).await?;
        docs::council_minutes_pdf(&doc).map_err(doc_err)
    }

    pub(crate) async fn round_minutes_doc(
        &self,
        u: &RoundUnitRow,
    ) -> AppResult<docs::CouncilMinutesDoc> {
        let b = self
            .store
            .round_ballot(u.id)
            .await?
            .filter(|b| b.status == CouncilBallotStatus::Closed)
            .ok_or_else(|| {
                AppError::Conflict("Hội đồng của đơn vị chưa kết thúc bỏ phiếu".into())
            })?;
        let result: CouncilResult =
            serde_json::from_str(b.result_json.as_deref().unwrap_or("null")).map_err(internal)?;
        let unit = self.store.unit(u.unit_id).await?;
        let closed = b
            .closed_at
            .map(|t| t.to_offset(crate::VN_OFFSET).date())
            .unwrap_or_else(crate::today);
        Ok(minutes_doc(
            &unit,
            &self.place_for(&unit).await?,
            format!("Kiểm phiếu bình xét thi đua, khen thưởng năm {}", u.year),
            &result,
            &b.rule_hash,
            closed,
        ))
    }
}
