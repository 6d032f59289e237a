//! The council's secret vote on a dossier: opened after the consultation with its members and
//! thresholds frozen and hashed, papers cast by members or entered from written votes, closed
//! and counted against the same hash; the roll (who voted, never what) and the minutes.

use std::collections::BTreeMap;

use tdkt_documents as docs;
use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, Role};
use tdkt_domain::dates::vn;
use tdkt_domain::dossier::council::{CouncilBallotStatus, VoteMode};
use tdkt_domain::dossier::council::{CouncilResult, CouncilRules, Paper, check_paper, tally};
use tdkt_domain::dossier::decision::lower_first;
use tdkt_domain::dossier::{AppraisalResult, CommentStatus, State, Step};
use tdkt_store::*;

use crate::decision::place_date;
use crate::error::{doc_err, internal};
use crate::{App, AppError, AppResult, Principal};

/// A council member on the roll of a vote: how they took part, if they did.
#[derive(Debug, Clone)]
pub struct RollLine {
    pub user_id: i64,
    pub name: String,
    pub mode: Option<VoteMode>,
}

impl App {
    fn council_rules(b: &CouncilBallotRow) -> AppResult<CouncilRules> {
        serde_json::from_str(&b.rules_json).map_err(internal)
    }

    /// The nominees the council's ballot asks about, in paper order.
    pub async fn council_questions(&self, p: &Principal, dossier_id: i64) -> AppResult<Vec<i64>> {
        self.dossier_for_read(p, dossier_id).await?;
        let b = self
            .store
            .council_ballot(dossier_id)
            .await?
            .ok_or_else(|| AppError::NotFound("phiên bỏ phiếu".into()))?;
        Ok(Self::council_rules(&b)?
            .questions
            .iter()
            .map(|q| q.nominee_id)
            .collect())
    }

    /// Consultation → council vote: freezes the members (council accounts granted on the
    /// authority) and each nominee's threshold, hashes them, opens the ballot.
    pub async fn open_council_vote(
        &self,
        p: &Principal,
        id: i64,
        version: i64,
    ) -> AppResult<(DossierRow, CouncilBallotRow)> {
        let d = self.store.dossier(id).await?;
        self.authorize(p, Action::DossierProcess, d.authority_id)
            .await?;
        crate::dossiers::fresh(&d, version)?;
        let to = self.decide_step(&d, Step::OpenVote, &[Role::BoardSpecialist], None)?;
        if let Some(until) = d.consultation_until
            && until >= self.today()
        {
            return Err(AppError::Conflict(format!(
                "Còn lấy ý kiến công khai đến hết ngày {}",
                vn(until)
            )));
        }
        let pending = self
            .store
            .dossier_comments(id)
            .await?
            .iter()
            .filter(|c| c.status == CommentStatus::Pending)
            .count();
        if pending > 0 {
            return Err(AppError::Conflict(format!(
                "Còn {pending} ý kiến công khai chưa xử lý"
            )));
        }
        let members: Vec<i64> = self
            .store
            .users_with_role(Role::CouncilMember, d.authority_id)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        if members.is_empty() {
            return Err(AppError::Conflict(format!(
                "{} chưa có tài khoản thành viên Hội đồng Thi đua - Khen thưởng",
                d.authority_name
            )));
        }
        let local = self.store.local_award_kinds().await?;
        let questions = d
            .nominees
            .iter()
            .filter(|n| n.result == Some(AppraisalResult::Passed))
            .map(|n| {
                (
                    n.id,
                    n.name.clone(),
                    n.award_code.clone(),
                    self.award_name(&local, &n.award_code),
                )
            })
            .collect::<Vec<_>>();
        if questions.is_empty() {
            return Err(AppError::Conflict(
                "Không có người, tập thể nào đạt thẩm định".into(),
            ));
        }
        let rules = CouncilRules::new(members, &self.procedure, questions);
        let json = serde_json::to_string(&rules).map_err(internal)?;
        let now = self.today();
        let ballot = self
            .store
            .open_council_vote(
                &p.actor(),
                id,
                DossierMove {
                    expected_version: version,
                    from: d.state,
                    to,
                    step: Step::OpenVote,
                    reason: None,
                    today: now,
                    due_on: self.procedure.due(to, d.kind, now),
                    consultation_until: None,
                    revoke_awards: false,
                },
                &json,
                &rules.hash(),
            )
            .await?;
        Ok((self.store.dossier(id).await?, ballot))
    }

    /// The open ballot of a dossier still in the council's vote, after checking the caller may
    /// take `action` on the authority (so nobody else learns whether a ballot exists).
    async fn open_ballot_of(
        &self,
        p: &Principal,
        action: Action,
        id: i64,
    ) -> AppResult<(DossierRow, CouncilBallotRow, CouncilRules)> {
        let d = self.store.dossier(id).await?;
        self.authorize(p, action, d.authority_id).await?;
        if d.state != State::CouncilVote {
            return Err(AppError::Conflict(format!(
                "Hồ sơ đang ở trạng thái «{}»: không còn bỏ phiếu",
                d.state.label()
            )));
        }
        let b = self
            .store
            .council_ballot(id)
            .await?
            .ok_or_else(|| AppError::NotFound("phiên bỏ phiếu của hồ sơ".into()))?;
        if b.status != CouncilBallotStatus::Open {
            return Err(AppError::Conflict("Phiên bỏ phiếu đã kết thúc".into()));
        }
        let rules = Self::council_rules(&b)?;
        Ok((d, b, rules))
    }

    fn paper(
        rules: &CouncilRules,
        choices: BTreeMap<i64, tdkt_domain::dossier::council::Choice>,
    ) -> AppResult<String> {
        let paper: Paper = choices;
        check_paper(rules, &paper).map_err(|m| AppError::Invalid(Invalid::new("phieu", m)))?;
        serde_json::to_string(&paper).map_err(internal)
    }

    /// A council member's own secret vote.
    pub async fn cast_council_vote(
        &self,
        p: &Principal,
        id: i64,
        choices: BTreeMap<i64, tdkt_domain::dossier::council::Choice>,
    ) -> AppResult<()> {
        let (_, b, rules) = self.open_ballot_of(p, Action::CouncilVote, id).await?;
        if !rules.members.contains(&p.user_id) {
            return Err(AppError::Forbidden(
                "Tài khoản này không có trong danh sách thành viên Hội đồng của phiên bỏ phiếu"
                    .into(),
            ));
        }
        let paper = Self::paper(&rules, choices)?;
        Ok(self
            .store
            .cast_council_vote(&p.actor(), b.id, p.user_id, VoteMode::InPerson, &paper)
            .await?)
    }

    /// The written vote of an absent member, entered by the council's secretary (a Board
    /// specialist), as the minutes record it.
    pub async fn record_written_vote(
        &self,
        p: &Principal,
        id: i64,
        member: i64,
        choices: BTreeMap<i64, tdkt_domain::dossier::council::Choice>,
    ) -> AppResult<()> {
        let (_, b, rules) = self.open_ballot_of(p, Action::DossierProcess, id).await?;
        if !rules.members.contains(&member) {
            return Err(AppError::Invalid(Invalid::new(
                "thanh_vien",
                "Người này không có trong danh sách thành viên Hội đồng của phiên bỏ phiếu",
            )));
        }
        let paper = Self::paper(&rules, choices)?;
        Ok(self
            .store
            .cast_council_vote(&p.actor(), b.id, member, VoteMode::Written, &paper)
            .await?)
    }

    /// Closes the vote: re-checks the frozen rules' hash, counts, and records each nominee's
    /// outcome.
    pub async fn close_council_vote(&self, p: &Principal, id: i64) -> AppResult<CouncilResult> {
        let (_, b, rules) = self.open_ballot_of(p, Action::DossierProcess, id).await?;
        let voters = self.store.council_voters(b.id).await?;
        let papers = self.store.council_papers(b.id).await?;
        let (result, passed) = count(&rules, &b.rule_hash, &voters, &papers)?;
        self.store
            .close_council_vote(
                &p.actor(),
                b.id,
                &serde_json::to_string(&result).map_err(internal)?,
                &passed,
                papers.len(),
            )
            .await?;
        Ok(result)
    }

    /// The roll of a ballot's frozen members: who voted and how (never what).
    pub(crate) async fn roll_of(
        &self,
        rules: &CouncilRules,
        voters: &[CouncilVoter],
    ) -> Vec<RollLine> {
        let mut out = Vec::new();
        for m in &rules.members {
            let name = self
                .store
                .user(*m)
                .await
                .map(|u| u.display_name)
                .unwrap_or_default();
            let mode = voters.iter().find(|v| v.user_id == *m).map(|v| v.mode);
            out.push(RollLine {
                user_id: *m,
                name,
                mode,
            });
        }
        out
    }

    /// Council members of the dossier's ballot with whether they voted (never what).
    pub async fn council_roll(&self, p: &Principal, id: i64) -> AppResult<Vec<RollLine>> {
        let d = self.dossier_for_read(p, id).await?;
        let Some(b) = self.store.council_ballot(d.id).await? else {
            return Ok(vec![]);
        };
        let rules = Self::council_rules(&b)?;
        let voters = self.store.council_voters(b.id).await?;
        Ok(self.roll_of(&rules, &voters).await)
    }

    pub async fn council_minutes_pdf(&self, p: &Principal, id: i64) -> AppResult<Vec<u8>> {
        let d = self.dossier_for_read(p, id).await?;
        let b = self
            .store
            .council_ballot(id)
            .await?
            .filter(|b| b.status == CouncilBallotStatus::Closed)
            .ok_or_else(|| AppError::Conflict("Hội đồng chưa kết thúc bỏ phiếu".into()))?;
        let result: CouncilResult =
            serde_json::from_str(b.result_json.as_deref().unwrap_or("null")).map_err(internal)?;
        let authority = self.store.unit(d.authority_id).await?;
        let closed = b
            .closed_at
            .map(|t| t.to_offset(crate::VN_OFFSET).date())
            .unwrap_or_else(crate::today);
        let doc = minutes_doc(
            &authority,
            &self.place_for(&authority).await?,
            format!(
                "Kiểm phiếu bỏ phiếu kín đối với hồ sơ {} — {}",
                d.code, d.title
            ),
            &result,
            &b.rule_hash,
            closed,
        );
        docs::council_minutes_pdf(&doc).map_err(doc_err)
    }
}

/// The vote-count minutes of a council of `authority` (a dossier's or a round unit's).
pub(crate) fn minutes_doc(
    authority: &UnitRow,
    place: &str,
    title: String,
    result: &CouncilResult,
    rule_hash: &str,
    closed: time::Date,
) -> docs::CouncilMinutesDoc {
    docs::CouncilMinutesDoc {
        authority: format!(
            "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG {}",
            authority.name.to_uppercase()
        ),
        council: format!(
            "Hội đồng Thi đua - Khen thưởng {}",
            lower_first(&authority.name)
        ),
        place_date: place_date(place, closed),
        title,
        members_total: result.members,
        present: result.present,
        written: result.written,
        quorum: format!(
            "Cần ít nhất {}/{} thành viên tham gia (có mặt hoặc bằng văn bản): {}",
            result.quorum_needed,
            result.members,
            if result.quorum_met {
                "đạt"
            } else {
                "không đạt"
            }
        ),
        rule_hash: rule_hash.to_string(),
        items: result
            .items
            .iter()
            .map(|i| docs::CouncilItem {
                nominee: i.nominee.clone(),
                award: i.award_name.clone(),
                agree: i.agree,
                disagree: i.disagree,
                threshold: i.threshold.clone(),
                passed: i.passed,
            })
            .collect(),
        secretary: String::new(),
        chair: String::new(),
    }
}

/// Counts a closed ballot's papers against its frozen rules (whose hash must be the one taken
/// at opening): the result and each question's outcome.
pub(crate) fn count(
    rules: &CouncilRules,
    hash: &str,
    voters: &[CouncilVoter],
    papers: &[String],
) -> AppResult<(CouncilResult, Vec<(i64, bool)>)> {
    if rules.hash() != hash {
        return Err(AppError::Internal(
            "quy tắc bỏ phiếu đã bị sửa sau khi mở".into(),
        ));
    }
    let papers: Vec<Paper> = papers
        .iter()
        .map(|s| serde_json::from_str(s).map_err(internal))
        .collect::<AppResult<_>>()?;
    let present = voters
        .iter()
        .filter(|v| v.mode == VoteMode::InPerson)
        .count() as u32;
    let written = voters.len() as u32 - present;
    let result = tally(rules, &papers, present, written);
    let passed = result
        .items
        .iter()
        .map(|i| (i.nominee_id, i.passed))
        .collect();
    Ok((result, passed))
}
