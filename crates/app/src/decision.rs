//! The decision on a dossier: numbered per authority and year, bonus amounts from the base
//! salary on the day of signing, one register record per awardee; its PDF and DOCX; and the
//! list sent with a dossier forwarded to the higher level.

use serde::{Deserialize, Serialize};
use tdkt_documents as docs;
use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, Role};
use tdkt_domain::dates::{parse_iso, vn};
use tdkt_domain::dossier::decision::{
    TitleAward, authority_lines, awardee_bonus, bonus_basis, competence_sentence, decision_symbol,
    decision_title, execution, group_awards, group_note, place_of, proposal,
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

/// One awardee of a decision, from a dossier nominee or a round candidate.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub name: String,
    pub detail: String,
    pub code: String,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub nominee_id: Option<i64>,
    pub candidate_id: Option<i64>,
    pub dossier_id: Option<i64>,
    /// The proposing unit when a decision lists several ("" otherwise).
    pub group: String,
    /// The year an emulation title is for.
    pub year: i32,
}

/// A decision ready to store: its document (without the number), register rows and sums.
pub(crate) struct Drafted {
    pub doc: docs::DecisionDoc,
    pub awards: Vec<NewDecisionAward>,
    pub base: i64,
    pub total: i64,
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
        self.issue_batch_decision(
            p,
            vec![DecisionDossier {
                id,
                expected_version: input.version,
            }],
            input,
        )
        .await
    }

    /// One decision covering many approved dossiers of the same authority (the province's
    /// "Bằng khen năm 2025"): awardees grouped by proposing unit, with totals and bonus sums;
    /// every dossier moves to "decision issued" in the same transaction.
    pub async fn issue_batch_decision(
        &self,
        p: &Principal,
        dossiers: Vec<DecisionDossier>,
        input: DecisionInput,
    ) -> AppResult<DecisionRow> {
        if dossiers.is_empty() {
            return Err(Invalid::new("dossiers", "Cần chọn ít nhất một hồ sơ").into());
        }
        let mut rows = Vec::new();
        for dd in &dossiers {
            if rows.iter().any(|d: &DossierRow| d.id == dd.id) {
                return Err(Invalid::new("dossiers", "Một hồ sơ được chọn hai lần").into());
            }
            let d = self.store.dossier(dd.id).await?;
            self.authorize(p, Action::DossierDecide, d.authority_id)
                .await?;
            crate::dossiers::fresh(&d, dd.expected_version)?;
            self.decide_step(&d, Step::IssueDecision, &[Role::BoardLeader], None)?;
            if rows
                .first()
                .is_some_and(|f: &DossierRow| f.authority_id != d.authority_id)
            {
                return Err(Invalid::new(
                    "dossiers",
                    format!(
                        "Hồ sơ {} do {} quyết định, không cùng cấp với các hồ sơ khác",
                        d.code, d.authority_name
                    ),
                )
                .into());
            }
            rows.push(d);
        }
        let (signed_on, signer_name, signer_title) = self.signer(&input)?;
        let latest = rows
            .iter()
            .map(|d| d.state_since)
            .max()
            .unwrap_or(signed_on);
        if signed_on < latest {
            return Err(Invalid::new(
                "signed_on",
                format!("Ngày ký trước ngày hồ sơ được duyệt ({})", vn(latest)),
            )
            .into());
        }
        let many = rows.len() > 1;
        let mut grants = Vec::new();
        for d in &rows {
            let voted = self.store.council_ballot(d.id).await?.is_some();
            for n in Self::awardees(d, voted) {
                grants.push(Grant {
                    name: n.name.clone(),
                    detail: n.detail.clone(),
                    code: n.award_code.clone(),
                    person_id: n.person_id,
                    unit_id: n.unit_id,
                    nominee_id: Some(n.id),
                    candidate_id: None,
                    dossier_id: Some(d.id),
                    group: if many {
                        d.unit_name.clone()
                    } else {
                        String::new()
                    },
                    year: d.year,
                });
            }
        }
        if grants.is_empty() {
            return Err(AppError::Conflict(
                "Không có người, tập thể nào được khen thưởng".into(),
            ));
        }
        let authority = self.store.unit(rows[0].authority_id).await?;
        let proposing: Vec<&str> = {
            let mut v: Vec<&str> = rows.iter().map(|d| d.unit_name.as_str()).collect();
            v.dedup();
            v
        };
        let proposal_text = if many {
            proposal(
                input.proposal.as_deref(),
                &proposing.join(", "),
                &rows
                    .iter()
                    .map(|d| d.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        } else {
            proposal(input.proposal.as_deref(), &rows[0].unit_name, &rows[0].code)
        };
        let drafted = self
            .draft_decision(
                &authority,
                signed_on,
                &signer_name,
                &signer_title,
                proposal_text,
                &proposing.join(", "),
                grants,
            )
            .await?;
        let kind = rows[0].kind;
        Ok(self
            .store
            .issue_decision(
                &p.actor(),
                NewDecision {
                    dossiers,
                    round_unit_id: None,
                    award_code: None,
                    authority_id: authority.id,
                    year: signed_on.year(),
                    symbol: decision_symbol(authority.kind, &self.procedure.decision.symbol)
                        .to_string(),
                    signed_on,
                    signer_name,
                    signer_title,
                    doc_json: serde_json::to_string(&drafted.doc).map_err(internal)?,
                    base_salary: drafted.base,
                    total: drafted.total,
                    awards: drafted.awards,
                    due_on: self
                        .procedure
                        .due(State::DecisionIssued, kind, self.today()),
                },
            )
            .await?)
    }

    /// Approved dossiers waiting for the caller's decision (the many-dossier decision form).
    pub async fn approved_dossiers(&self, p: &Principal) -> AppResult<Vec<DossierSummary>> {
        let roots = tdkt_domain::access::scope_roots(&p.grants, Action::DossierDecide);
        if roots.is_empty() {
            return Ok(vec![]);
        }
        Ok(self
            .store
            .list_dossiers(&DossierFilter {
                authority_roots: Some(roots),
                states: Some(vec![State::Approved]),
                limit: 500,
                ..Default::default()
            })
            .await?)
    }

    /// The signing date (not in the future), signer's name and title, checked.
    pub(crate) fn signer(&self, input: &DecisionInput) -> AppResult<(time::Date, String, String)> {
        let signed_on = parse_iso("signed_on", &input.signed_on)?;
        if signed_on > self.today() {
            return Err(Invalid::new("signed_on", "Ngày ký ở tương lai").into());
        }
        let signer_name = tidy(&input.signer_name);
        let signer_title = input.signer_title.trim().to_string();
        if signer_name.chars().count() < 3 {
            return Err(Invalid::new("signer_name", "Cần ghi họ tên người ký").into());
        }
        if signer_title.chars().count() < 3 {
            return Err(Invalid::new("signer_title", "Cần ghi chức vụ người ký").into());
        }
        Ok((signed_on, signer_name, signer_title))
    }

    /// Prices the awardees (catalog multiple × base salary on the day of signing), groups them
    /// by award (and by proposing unit when `group` is set), and writes the decision's text:
    /// the register rows and the document the store keeps.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn draft_decision(
        &self,
        authority: &UnitRow,
        signed_on: time::Date,
        signer_name: &str,
        signer_title: &str,
        proposal: String,
        proposing: &str,
        mut grants: Vec<Grant>,
    ) -> AppResult<Drafted> {
        let (base, basis) = self
            .rules
            .catalog
            .base_salary_on(signed_on)
            .ok_or_else(|| {
                Invalid::new("signed_on", "Chưa có mức lương cơ sở áp dụng cho ngày ký")
            })?;
        // Grouped lists keep each proposing unit's awardees together (stable: order within a
        // unit is the dossier's).
        grants.sort_by(|a, b| a.group.cmp(&b.group));
        let rounding = self.procedure.decision.rounding;
        let local = self.store.local_award_kinds().await?;
        let catalog = &self.rules.catalog;
        let multiple = |code: &str| {
            catalog
                .get(code)
                .map(|a| a.bonus)
                .or_else(|| local.iter().find(|k| k.code == code).map(|k| k.bonus))
                .unwrap_or(0.0)
        };
        let (priced, total) = group_awards(
            &grants,
            |n| n.code.as_str(),
            |n| {
                awardee_bonus(
                    multiple(&n.code),
                    n.unit_id.is_some(),
                    &n.code,
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
            let mut group_totals: Vec<(String, String)> = Vec::new();
            let mut sums: Vec<(String, i64)> = Vec::new();
            for &(n, amount) in &g.awardees {
                awards.push(NewDecisionAward {
                    nominee_id: n.nominee_id,
                    candidate_id: n.candidate_id,
                    dossier_id: n.dossier_id,
                    person_id: n.person_id,
                    unit_id: n.unit_id,
                    subject_name: n.name.clone(),
                    name_key: fold(&n.name),
                    code: g.code.to_string(),
                    amount,
                    cert_key: cert_key(),
                    title_year: is_title.then_some(n.year),
                });
                if !n.group.is_empty() {
                    match sums.last_mut() {
                        Some((k, v)) if *k == n.group => *v += amount,
                        _ => sums.push((n.group.clone(), amount)),
                    }
                }
            }
            for (k, v) in sums {
                group_totals.push((k, docs::vnd(v)));
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
                        group: n.group.clone(),
                        collective: n.unit_id.is_some(),
                    })
                    .collect(),
                amount_each_note: group_note(multiple(g.code), g.code),
                subtotal: docs::vnd(g.subtotal),
                group_totals,
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
        let mut doc = docs::DecisionDoc {
            parent_authority: String::new(),
            authority: authority_line,
            number: String::new(),
            place_date: place_date(&self.place_for(authority).await?, signed_on),
            title: decision_title(&heads),
            competence,
            legal_basis: self.procedure.decision.legal_basis.clone(),
            proposal,
            groups,
            total: docs::vnd(total),
            total_words: docs::vnd_words(total),
            bonus_basis: bonus_basis(&docs::vnd(base as i64), basis, &docs::vnd(rounding)),
            execution: execution(authority.kind, &authority.name, proposing),
            signer_title: signer_title.to_string(),
            signer_name: signer_name.to_string(),
            recipients: vec!["Như Điều 3;".into(), "Lưu: VT, Ban TĐKT.".into()],
            appendix: false,
            year: grants.first().map(|g| g.year),
            competence_sentence: competence_sentence(authority.kind, &authority.name),
        };
        doc.appendix = docs::needs_appendix(&doc);
        Ok(Drafted {
            doc,
            awards,
            base: base as i64,
            total,
        })
    }

    /// The place on an authority's dateline: its own name for a province or commune, else the
    /// province it lies in.
    pub(crate) async fn place_for(&self, authority: &UnitRow) -> AppResult<String> {
        use tdkt_domain::unit::UnitKind as K;
        if matches!(
            authority.kind,
            K::Province | K::City | K::Commune | K::Ward | K::Nation
        ) {
            return Ok(place_of(&authority.name).to_string());
        }
        for a in self.store.unit_ancestors(authority.id).await? {
            let u = self.store.unit(a.id).await?;
            if matches!(u.kind, K::Province | K::City) {
                return Ok(place_of(&u.name).to_string());
            }
        }
        Ok(place_of(&authority.name).to_string())
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
