//! The decision on a dossier: numbered per authority and year, bonus amounts from the base
//! salary on the day of signing, one register record per awardee; its PDF and DOCX; and the
//! list sent with a dossier forwarded to the higher level.

use serde::{Deserialize, Serialize};
use tdkt_documents as docs;
use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, Role};
use tdkt_domain::dates::{parse_iso, vn};
use tdkt_domain::dossier::decision::{
    TitleAward, authority_lines, awardee_bonus, bonus_basis, decision_symbol, decision_title,
    execution, group_awards, group_note, place_of, proposal,
};
use tdkt_domain::dossier::{AppraisalResult, State, Step};
use tdkt_domain::eligibility::AwardKind;
use tdkt_domain::text::{fold, tidy};
use tdkt_store::*;

use crate::error::{doc_err, internal};
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

/// The dateline of an authority's document ("Hà Nội, ngày … tháng … năm …").
pub(crate) fn place_date(place: &str, d: time::Date) -> String {
    docs::place_date(place, d.day(), d.month() as u8, d.year())
}

impl App {
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
                .map(|a| a.kind == AwardKind::Title)
                .or_else(|| {
                    local
                        .iter()
                        .find(|k| k.code == g.code)
                        .map(|k| k.kind == AwardKind::Title)
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
                is_title: catalog
                    .get(g.code)
                    .is_some_and(|a| a.kind == AwardKind::Title),
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

    /// The stored decision of a dossier the caller may read, with its number.
    pub(crate) async fn decision_doc(
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
}

/// A random public key for a certificate's QR code (128 bits, hex).
fn cert_key() -> String {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("the OS has randomness");
    hex::encode(buf)
}
