//! After appraisal: the council's secret vote, the decision (number, bonus amounts, PDF and DOCX)
//! that writes the register, the list forwarded to the higher level, certificates with their
//! QR verification, and the register's search and export.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tdkt_documents as docs;
use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, Role, scope_roots, unscoped};
use tdkt_domain::dates::{parse_iso, vn};
use tdkt_domain::dossier::council::{CouncilBallotStatus, VoteMode};
use tdkt_domain::dossier::council::{CouncilResult, CouncilRules, Paper, check_paper, tally};
use tdkt_domain::dossier::decision::{
    TitleAward, authority_lines, awardee_bonus, bonus_basis, decision_symbol, decision_title,
    execution, group_awards, group_note, lower_first, place_of, proposal,
};
use tdkt_domain::dossier::{AppraisalResult, CommentStatus, State, Step};
use tdkt_domain::text::{fold, tidy};
use tdkt_store::*;

use crate::{App, AppError, AppResult, Principal};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct DecisionInput {
    /// The dossier version the caller saw.
    pub version: i64,
    /// ISO date of signing.
    pub signed_on: String,
    pub signer_name: String,
    /// e.g. "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".
    pub signer_title: String,
    /// "Xét đề nghị của …" (a default is written when empty).
    pub proposal: Option<String>,
}

/// What the public verification page shows: the award, the decision and its date; nothing
/// private.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicCertificate {
    pub name: String,
    pub award: String,
    pub decision: String,
    pub date: String,
    pub authority: String,
    /// "Đã bị huỷ ngày …" when revoked.
    pub revoked: Option<String>,
}

/// A register search from a form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct RegisterQuery {
    /// Name with or without diacritics.
    pub q: Option<String>,
    pub award: Option<String>,
    pub year: Option<i32>,
    /// Units inside this subtree (the person's unit or the collective).
    pub unit: Option<i64>,
    pub person: Option<i64>,
    pub collective: Option<i64>,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

fn doc_err(e: docs::DocError) -> AppError {
    AppError::Internal(e.to_string())
}

fn place_date(place: &str, d: time::Date) -> String {
    docs::place_date(place, d.day(), d.month() as u8, d.year())
}

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
        if rules.hash() != b.rule_hash {
            return Err(AppError::Internal(
                "quy tắc bỏ phiếu đã bị sửa sau khi mở".into(),
            ));
        }
        let voters = self.store.council_voters(b.id).await?;
        let papers: Vec<Paper> = self
            .store
            .council_papers(b.id)
            .await?
            .iter()
            .map(|s| serde_json::from_str(s).map_err(internal))
            .collect::<AppResult<_>>()?;
        let present = voters
            .iter()
            .filter(|v| v.mode == VoteMode::InPerson)
            .count() as u32;
        let written = voters.len() as u32 - present;
        let result = tally(&rules, &papers, present, written);
        let passed: Vec<(i64, bool)> = result
            .items
            .iter()
            .map(|i| (i.nominee_id, i.passed))
            .collect();
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

    /// Council members of the dossier's ballot with whether they voted (never what).
    pub async fn council_roll(&self, p: &Principal, id: i64) -> AppResult<Vec<RollLine>> {
        let d = self.dossier_for_read(p, id).await?;
        let Some(b) = self.store.council_ballot(d.id).await? else {
            return Ok(vec![]);
        };
        let rules = Self::council_rules(&b)?;
        let voters = self.store.council_voters(b.id).await?;
        let mut out = Vec::new();
        for m in rules.members {
            let name = self
                .store
                .user(m)
                .await
                .map(|u| u.display_name)
                .unwrap_or_default();
            let mode = voters.iter().find(|v| v.user_id == m).map(|v| v.mode);
            out.push(RollLine {
                user_id: m,
                name,
                mode,
            });
        }
        Ok(out)
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
        let doc = docs::CouncilMinutesDoc {
            authority: format!(
                "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG {}",
                authority.name.to_uppercase()
            ),
            council: format!(
                "Hội đồng Thi đua - Khen thưởng {}",
                lower_first(&authority.name)
            ),
            place_date: place_date(place_of(&authority.name), closed),
            title: format!(
                "Kiểm phiếu bỏ phiếu kín đối với hồ sơ {} — {}",
                d.code, d.title
            ),
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
            rule_hash: b.rule_hash.clone(),
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
        };
        docs::council_minutes_pdf(&doc).map_err(doc_err)
    }

    /// The nominees a decision grants: passed appraisal, and the council's vote unless the
    /// simplified procedure skipped it.
    fn awardees(d: &DossierRow, voted: bool) -> Vec<&NomineeRow> {
        d.nominees
            .iter()
            .filter(|n| n.result == Some(AppraisalResult::Passed))
            .filter(|n| !voted || n.council_passed == Some(true))
            .collect()
    }

    /// Issues the decision: numbered per authority and year, one award record per awardee with
    /// its bonus and a certificate key, the dossier moved to "decision issued".
    pub async fn issue_decision(
        &self,
        p: &Principal,
        id: i64,
        input: DecisionInput,
    ) -> AppResult<DecisionRow> {
        let d = self.store.dossier(id).await?;
        self.authorize(p, Action::DossierDecide, d.authority_id)
            .await?;
        crate::dossiers::fresh(&d, input.version)?;
        self.decide_step(&d, Step::IssueDecision, &[Role::BoardLeader], None)?;
        let signed_on = parse_iso("signed_on", &input.signed_on)?;
        if signed_on > self.today() {
            return Err(Invalid::new("signed_on", "Ngày ký ở tương lai").into());
        }
        if signed_on < d.state_since {
            return Err(Invalid::new(
                "signed_on",
                format!(
                    "Ngày ký trước ngày hồ sơ được duyệt ({})",
                    vn(d.state_since)
                ),
            )
            .into());
        }
        let signer_name = tidy(&input.signer_name);
        let signer_title = input.signer_title.trim().to_string();
        if signer_name.chars().count() < 3 {
            return Err(Invalid::new("signer_name", "Cần ghi họ tên người ký").into());
        }
        if signer_title.chars().count() < 3 {
            return Err(Invalid::new("signer_title", "Cần ghi chức vụ người ký").into());
        }
        let voted = self.store.council_ballot(id).await?.is_some();
        let awardees = Self::awardees(&d, voted);
        if awardees.is_empty() {
            return Err(AppError::Conflict(
                "Không có người, tập thể nào được khen thưởng".into(),
            ));
        }
        let (base, basis) = self
            .rules
            .catalog
            .base_salary_on(signed_on)
            .ok_or_else(|| {
                Invalid::new("signed_on", "Chưa có mức lương cơ sở áp dụng cho ngày ký")
            })?;
        let rounding = self.procedure.decision.rounding;
        let local = self.store.local_award_kinds().await?;
        let authority = self.store.unit(d.authority_id).await?;
        let catalog = &self.rules.catalog;
        let multiple = |code: &str| {
            catalog
                .get(code)
                .map(|a| a.bonus)
                .or_else(|| local.iter().find(|k| k.code == code).map(|k| k.bonus))
                .unwrap_or(0.0)
        };
        let (priced, total) = group_awards(
            &awardees,
            |n| n.award_code.as_str(),
            |n| {
                awardee_bonus(
                    multiple(&n.award_code),
                    n.unit_id.is_some(),
                    &n.award_code,
                    base,
                    rounding,
                )
            },
        );
        let names: Vec<String> = priced
            .iter()
            .map(|g| self.award_name(&local, g.code))
            .collect();
        let mut awards = Vec::new();
        let mut groups: Vec<docs::DecisionGroup> = Vec::new();
        for (g, name) in priced.iter().zip(&names) {
            let is_title = catalog
                .get(g.code)
                .map(|a| a.kind == "danh_hieu")
                .or_else(|| {
                    local
                        .iter()
                        .find(|k| k.code == g.code)
                        .map(|k| k.kind == "danh_hieu")
                })
                .unwrap_or(false);
            for &(n, amount) in &g.awardees {
                awards.push(NewDecisionAward {
                    nominee_id: n.id,
                    person_id: n.person_id,
                    unit_id: n.unit_id,
                    subject_name: n.name.clone(),
                    name_key: fold(&n.name),
                    code: g.code.to_string(),
                    amount,
                    cert_key: cert_key(),
                    title_year: (is_title && n.person_id.is_some()).then_some(d.year),
                });
            }
            groups.push(docs::DecisionGroup {
                award: name.clone(),
                awardees: g
                    .awardees
                    .iter()
                    .map(|&(n, amount)| docs::Awardee {
                        name: n.name.clone(),
                        detail: n.detail.clone(),
                        amount: docs::vnd(amount),
                    })
                    .collect(),
                amount_each_note: group_note(multiple(g.code), g.code),
                subtotal: docs::vnd(g.subtotal),
            });
        }
        // Only the shipped catalog makes the title say "danh hiệu": a local title kind reads
        // "Về việc tặng …" (unlike the register's title year above, which counts local kinds).
        let heads: Vec<TitleAward> = priced
            .iter()
            .zip(&names)
            .map(|(g, name)| TitleAward {
                code: g.code,
                name,
                is_title: catalog.get(g.code).is_some_and(|a| a.kind == "danh_hieu"),
            })
            .collect();
        let (authority_line, competence) = authority_lines(authority.kind, &authority.name);
        let doc = docs::DecisionDoc {
            parent_authority: String::new(),
            authority: authority_line,
            number: String::new(),
            place_date: place_date(place_of(&authority.name), signed_on),
            title: decision_title(&heads),
            competence,
            legal_basis: self.procedure.decision.legal_basis.clone(),
            proposal: proposal(input.proposal.as_deref(), &d.unit_name, &d.code),
            groups,
            total: docs::vnd(total),
            total_words: docs::vnd_words(total),
            bonus_basis: bonus_basis(&docs::vnd(base as i64), basis, &docs::vnd(rounding)),
            execution: execution(authority.kind, &authority.name, &d.unit_name),
            signer_title: signer_title.clone(),
            signer_name: signer_name.clone(),
            recipients: vec!["Như Điều 3;".into(), "Lưu: VT, Ban TĐKT.".into()],
        };
        let symbol = decision_symbol(authority.kind, &self.procedure.decision.symbol).to_string();
        Ok(self
            .store
            .issue_decision(
                &p.actor(),
                NewDecision {
                    dossier_id: id,
                    expected_version: input.version,
                    authority_id: d.authority_id,
                    year: signed_on.year(),
                    symbol,
                    signed_on,
                    signer_name,
                    signer_title,
                    doc_json: serde_json::to_string(&doc).map_err(internal)?,
                    base_salary: base as i64,
                    total,
                    awards,
                    due_on: self
                        .procedure
                        .due(State::DecisionIssued, d.kind, self.today()),
                },
            )
            .await?)
    }

    async fn decision_doc(
        &self,
        p: &Principal,
        id: i64,
    ) -> AppResult<(DecisionRow, docs::DecisionDoc)> {
        self.dossier_for_read(p, id).await?;
        let dec = self
            .store
            .decision_of(id)
            .await?
            .ok_or_else(|| AppError::NotFound("quyết định của hồ sơ".into()))?;
        let mut doc: docs::DecisionDoc = serde_json::from_str(&dec.doc_json).map_err(internal)?;
        doc.number = dec.number.clone();
        Ok((dec, doc))
    }

    pub async fn decision_pdf(&self, p: &Principal, id: i64) -> AppResult<(String, Vec<u8>)> {
        let (dec, doc) = self.decision_doc(p, id).await?;
        Ok((dec.number, docs::decision_pdf(&doc).map_err(doc_err)?))
    }

    pub async fn decision_docx(&self, p: &Principal, id: i64) -> AppResult<(String, Vec<u8>)> {
        let (dec, doc) = self.decision_doc(p, id).await?;
        Ok((dec.number, docs::decision_docx(&doc).map_err(doc_err)?))
    }

    /// The list sent with a dossier forwarded to the higher level.
    pub async fn forward_list_pdf(&self, p: &Principal, id: i64) -> AppResult<Vec<u8>> {
        let d = self.dossier_for_read(p, id).await?;
        if !matches!(
            d.state,
            State::Forwarded | State::Appraised | State::CouncilVote
        ) {
            return Err(AppError::Conflict(
                "Danh sách chuyển cấp trên lập sau khi thẩm định".into(),
            ));
        }
        let authority = self.store.unit(d.authority_id).await?;
        let local = self.store.local_award_kinds().await?;
        let doc = docs::ForwardListDoc {
            authority: authority_lines(authority.kind, &authority.name).0,
            number: format!("{}/DS-TĐKT", d.id),
            place_date: place_date(place_of(&authority.name), self.today()),
            to: "Kính gửi: Ban Thi đua - Khen thưởng Trung ương".into(),
            title: "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG".into(),
            subtitle: format!(
                "(Kèm theo hồ sơ {} — {}; {})",
                d.code,
                d.title,
                d.kind.label()
            ),
            rows: d
                .nominees
                .iter()
                .filter(|n| {
                    n.result == Some(AppraisalResult::Passed) && n.council_passed != Some(false)
                })
                .map(|n| docs::ForwardRow {
                    nominee: n.name.clone(),
                    detail: n.detail.clone(),
                    award: self.award_name(&local, &n.award_code),
                    summary: n.summary.clone(),
                    verdict: match n.council_passed {
                        Some(true) => "Đạt thẩm định; Hội đồng đạt tỷ lệ phiếu".into(),
                        _ => "Đạt thẩm định".into(),
                    },
                })
                .collect(),
            signer_title: "TRƯỞNG BAN".into(),
            signer_name: String::new(),
        };
        docs::forward_list_pdf(&doc).map_err(doc_err)
    }

    // ---- certificates

    /// An authority's layout for an award kind: its own, its nearest ancestor's, or the shipped
    /// default.
    pub async fn certificate_template(
        &self,
        unit_id: i64,
        code: &str,
    ) -> AppResult<docs::CertificateTemplate> {
        match self.store.certificate_template(unit_id, code).await? {
            Some(json) => serde_json::from_str(&json).map_err(internal),
            None => Ok(docs::CertificateTemplate::default_for(code)),
        }
    }

    /// Stores an authority's layout for an award kind (its blanks are its own).
    pub async fn put_certificate_template(
        &self,
        p: &Principal,
        unit_id: i64,
        code: &str,
        t: docs::CertificateTemplate,
    ) -> AppResult<()> {
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::TemplateWrite, unit_id).await?;
        let local = self.store.local_award_kinds().await?;
        if self.rules.catalog.get(code).is_none() && !local.iter().any(|k| k.code == code) {
            return Err(Invalid::new("ma", format!("Không có «{code}» trong danh mục")).into());
        }
        t.check()
            .map_err(|m| AppError::Invalid(Invalid::new("mau", m)))?;
        self.store
            .put_certificate_template(
                &p.actor(),
                unit_id,
                code,
                &serde_json::to_string(&t).map_err(internal)?,
            )
            .await?;
        Ok(())
    }

    /// The units whose layouts the caller may edit.
    pub fn template_units(&self, p: &Principal) -> Vec<i64> {
        let mut v = scope_roots(&p.grants, Action::TemplateWrite);
        v.dedup();
        v
    }

    pub async fn certificate_test_print(&self, unit_id: i64, code: &str) -> AppResult<Vec<u8>> {
        let t = self.certificate_template(unit_id, code).await?;
        docs::certificate_test_print(&t).map_err(doc_err)
    }

    /// Certificates of a dossier's decision, one page each, with the QR code to the public
    /// verification page (`base_url` + `/xac-minh/{key}`).
    pub async fn certificates_pdf(
        &self,
        p: &Principal,
        id: i64,
        award: Option<&str>,
        base_url: &str,
    ) -> AppResult<Vec<u8>> {
        let (dec, doc) = self.decision_doc(p, id).await?;
        let d = self.store.dossier(id).await?;
        let all: Vec<RegisterRow> = self
            .store
            .search_register(&RegisterFilter {
                decision_id: Some(dec.id),
                limit: 100_000,
                ..Default::default()
            })
            .await?
            .into_iter()
            .filter(|r| r.revoked_on.is_none())
            .collect();
        let mut codes: Vec<&str> = all.iter().map(|r| r.code.as_str()).collect();
        codes.dedup();
        codes.sort_unstable();
        codes.dedup();
        let code = match award {
            Some(c) => c.to_string(),
            None if codes.len() == 1 => codes[0].to_string(),
            None if codes.is_empty() => {
                return Err(AppError::Conflict(
                    "Quyết định không còn khen thưởng nào để in".into(),
                ));
            }
            None => {
                return Err(Invalid::new(
                    "khen_thuong",
                    "Quyết định có nhiều hình thức: chọn hình thức cần in",
                )
                .into());
            }
        };
        let mut rows: Vec<&RegisterRow> = all.iter().filter(|r| r.code == code).collect();
        // In the decision's order.
        rows.sort_by_key(|r| r.id);
        if rows.is_empty() {
            return Err(AppError::NotFound(format!(
                "khen thưởng «{code}» trong quyết định"
            )));
        }
        let template = self.certificate_template(d.authority_id, &code).await?;
        let mut items: Vec<docs::CertificateData> = Vec::new();
        for r in rows {
            let n = d.nominees.iter().find(|n| {
                (n.person_id.is_some() && n.person_id == r.person_id)
                    || (n.unit_id.is_some() && n.unit_id == r.unit_id)
            });
            let mut values = BTreeMap::new();
            values.insert("recipient".to_string(), r.subject_name.clone());
            values.insert(
                "detail".to_string(),
                n.map(|n| n.detail.clone()).unwrap_or_default(),
            );
            values.insert(
                "achievement".to_string(),
                n.map(|n| format!("Đã có thành tích: {}", n.summary))
                    .unwrap_or_default(),
            );
            values.insert(
                "decision".to_string(),
                format!("Quyết định số {} ngày {}", dec.number, vn(dec.signed_on)),
            );
            values.insert("place_date".to_string(), doc.place_date.clone());
            values.insert("signer_title".to_string(), dec.signer_title.clone());
            values.insert("signer_name".to_string(), dec.signer_name.clone());
            values.insert(
                "serial".to_string(),
                format!("Số vào sổ: {:06}/{}", r.id, dec.signed_on.year()),
            );
            let url = format!(
                "{}/xac-minh/{}",
                base_url.trim_end_matches('/'),
                r.cert_key.clone().unwrap_or_default()
            );
            items.push(docs::CertificateData {
                values,
                verify_url: url,
            });
        }
        docs::certificate_pdf(&template, &items).map_err(doc_err)
    }

    /// The public verification of a certificate's QR code.
    pub async fn verify_certificate(&self, key: &str) -> AppResult<PublicCertificate> {
        let key = key.trim();
        if key.len() != 32 || !key.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(AppError::NotFound("chứng nhận".into()));
        }
        let r = self
            .store
            .search_register(&RegisterFilter {
                cert_key: Some(key.to_string()),
                limit: 1,
                ..Default::default()
            })
            .await?
            .pop()
            .ok_or_else(|| AppError::NotFound("chứng nhận".into()))?;
        let local = self.store.local_award_kinds().await?;
        let authority = match r.dossier_id {
            Some(did) => match self.store.decision_of(did).await? {
                Some(dec) => self
                    .store
                    .unit(dec.authority_id)
                    .await
                    .map(|u| authority_lines(u.kind, &u.name).1)
                    .unwrap_or_default(),
                None => String::new(),
            },
            None => String::new(),
        };
        Ok(PublicCertificate {
            name: r.subject_name,
            award: self.award_name(&local, &r.code),
            decision: r.decision.unwrap_or_default(),
            date: vn(r.date),
            authority,
            revoked: r.revoked_on.map(|d| format!("Đã bị huỷ ngày {}", vn(d))),
        })
    }

    // ---- register

    fn register_filter(&self, p: &Principal, q: &RegisterQuery, limit: i64) -> RegisterFilter {
        RegisterFilter {
            name_key: q.q.as_deref().map(fold).filter(|s| !s.is_empty()),
            code: q.award.clone().filter(|a| !a.trim().is_empty()),
            year: q.year,
            unit_root: q.unit,
            scope_roots: if unscoped(&p.grants, Action::PersonRead) {
                None
            } else {
                Some(scope_roots(&p.grants, Action::PersonRead))
            },
            person_id: q.person,
            unit_id: q.collective,
            cert_key: None,
            decision_id: None,
            limit,
        }
    }

    /// Awards found by name (with or without diacritics), award, year and unit, within what the
    /// caller may read.
    pub async fn search_register(
        &self,
        p: &Principal,
        q: &RegisterQuery,
    ) -> AppResult<Vec<RegisterRow>> {
        if p.grants.is_empty() {
            return Err(AppError::forbidden());
        }
        Ok(self
            .store
            .search_register(&self.register_filter(p, q, 500))
            .await?)
    }

    /// The same search as an XLSX file (up to 100 000 rows).
    pub async fn register_xlsx(&self, p: &Principal, q: &RegisterQuery) -> AppResult<Vec<u8>> {
        if p.grants.is_empty() {
            return Err(AppError::forbidden());
        }
        let rows = self
            .store
            .search_register(&self.register_filter(p, q, 100_000))
            .await?;
        let local = self.store.local_award_kinds().await?;
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("So khen thuong").map_err(internal)?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let headers = [
            "STT",
            "Họ tên / Tập thể",
            "Đơn vị",
            "Danh hiệu, hình thức",
            "Ngày",
            "Quyết định",
            "Tiền thưởng (đồng)",
            "Tình trạng",
        ];
        for (c, h) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(internal)?;
        }
        for (i, r) in rows.iter().enumerate() {
            let row = i as u32 + 1;
            sheet
                .write_number(row, 0, (i + 1) as f64)
                .map_err(internal)?;
            sheet
                .write_string(row, 1, &r.subject_name)
                .map_err(internal)?;
            sheet.write_string(row, 2, &r.unit_name).map_err(internal)?;
            sheet
                .write_string(row, 3, self.award_name(&local, &r.code))
                .map_err(internal)?;
            sheet.write_string(row, 4, vn(r.date)).map_err(internal)?;
            sheet
                .write_string(row, 5, r.decision.clone().unwrap_or_default())
                .map_err(internal)?;
            if let Some(a) = r.amount {
                sheet.write_number(row, 6, a as f64).map_err(internal)?;
            }
            let status = match r.revoked_on {
                Some(d) => format!("Đã huỷ ngày {}", vn(d)),
                None => "Còn hiệu lực".into(),
            };
            sheet.write_string(row, 7, status).map_err(internal)?;
        }
        sheet.set_column_width(1, 30).map_err(internal)?;
        sheet.set_column_width(2, 30).map_err(internal)?;
        sheet.set_column_width(3, 40).map_err(internal)?;
        sheet.set_column_width(5, 28).map_err(internal)?;
        sheet.set_column_width(6, 18).map_err(internal)?;
        book.save_to_buffer().map_err(internal)
    }
}

/// A random public key for a certificate's QR code (128 bits, hex).
fn cert_key() -> String {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("the OS has randomness");
    hex::encode(buf)
}
