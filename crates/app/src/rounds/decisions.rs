//! The unit's own decisions of the round: one per title its head may grant (rules/round.toml),
//! listing every candidate selected and passed by the council, numbered in the unit's sequence;
//! issuing it writes every award record and the year's titles in one transaction.

use serde::Deserialize;
use tdkt_documents as docs;
use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::dossier::council::CouncilBallotStatus;
use tdkt_domain::dossier::decision::decision_symbol;
use tdkt_domain::round::RoundProgress;
use tdkt_store::*;

use crate::decision::{DecisionInput, Grant};
use crate::error::{doc_err, internal};
use crate::{App, AppError, AppResult, Principal};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RoundDecisionInput {
    /// The title granted, e.g. `lao_dong_tien_tien`.
    pub award_code: String,
    /// ISO date of signing.
    pub signed_on: String,
    pub signer_name: String,
    pub signer_title: String,
    /// "Xét đề nghị của …" (a default is written when empty).
    pub proposal: Option<String>,
}

impl App {
    /// Issues the unit's decision for one title.
    pub async fn issue_round_decision(
        &self,
        p: &Principal,
        round_unit_id: i64,
        input: RoundDecisionInput,
    ) -> AppResult<DecisionRow> {
        let u = self
            .participant_for(p, round_unit_id, Action::RoundDecide)
            .await?;
        let unit = self.store.unit(u.unit_id).await?;
        let code = input.award_code.trim().to_string();
        if !self.round.may_grant(unit.kind, &code) {
            return Err(Invalid::new(
                "award_code",
                format!(
                    "Thủ trưởng {} không có thẩm quyền tặng «{}»",
                    unit.name,
                    self.award_name(&self.store.local_award_kinds().await?, &code)
                ),
            )
            .into());
        }
        let voted = self
            .store
            .round_ballot(u.id)
            .await?
            .is_some_and(|b| b.status == CouncilBallotStatus::Closed);
        if !voted {
            return Err(AppError::Conflict(
                "Hội đồng của đơn vị chưa kết thúc bỏ phiếu".into(),
            ));
        }
        let (signed_on, signer_name, signer_title) = self.signer(&DecisionInput {
            version: 0,
            signed_on: input.signed_on.clone(),
            signer_name: input.signer_name.clone(),
            signer_title: input.signer_title.clone(),
            proposal: None,
        })?;
        if signed_on.year() < u.year {
            return Err(Invalid::new(
                "signed_on",
                format!(
                    "Quyết định khen thưởng năm {} ký từ năm {} trở đi",
                    u.year, u.year
                ),
            )
            .into());
        }
        let chosen = self
            .store
            .candidates(
                u.id,
                &CandidateFilter {
                    award: Some(code.clone()),
                    selected: Some(true),
                    ..Default::default()
                },
            )
            .await?
            .items;
        let grants: Vec<Grant> = chosen
            .iter()
            .filter(|c| c.council_passed == Some(true) && c.destination_id == u.unit_id)
            .filter(|c| c.decision_id.is_none())
            .map(|c| Grant {
                name: c.name.clone(),
                detail: c.detail.clone(),
                code: c.award_code.clone(),
                person_id: c.person_id,
                unit_id: c.unit_id,
                nominee_id: None,
                candidate_id: Some(c.id),
                dossier_id: None,
                group: String::new(),
                year: u.year,
            })
            .collect();
        if grants.is_empty() {
            return Err(AppError::Conflict(
                "Không còn ai được Hội đồng thông qua cho danh hiệu này mà chưa có quyết định"
                    .into(),
            ));
        }
        let proposal = input
            .proposal
            .as_deref()
            .map(tdkt_domain::text::tidy)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| {
                format!(
                    "Xét đề nghị của Hội đồng Thi đua - Khen thưởng {} tại biên bản họp bình xét thi đua năm {}.",
                    unit.name, u.year
                )
            });
        let drafted = self
            .draft_decision(
                &unit,
                signed_on,
                &signer_name,
                &signer_title,
                proposal,
                "các phòng, bộ phận",
                grants,
            )
            .await?;
        Ok(self
            .store
            .issue_decision(
                &p.actor(),
                NewDecision {
                    dossiers: vec![],
                    round_unit_id: Some(u.id),
                    award_code: Some(code),
                    authority_id: unit.id,
                    year: signed_on.year(),
                    symbol: decision_symbol(unit.kind, &self.procedure.decision.symbol).to_string(),
                    signed_on,
                    signer_name,
                    signer_title,
                    doc_json: serde_json::to_string(&drafted.doc).map_err(internal)?,
                    base_salary: drafted.base,
                    total: drafted.total,
                    awards: drafted.awards,
                    due_on: None,
                },
            )
            .await?)
    }

    /// The unit's decisions of the round, oldest first.
    pub async fn round_decisions(
        &self,
        p: &Principal,
        round_unit_id: i64,
    ) -> AppResult<Vec<DecisionRow>> {
        let u = self.round_participant(p, round_unit_id).await?;
        Ok(self.store.round_decisions(u.id).await?)
    }

    /// Titles the unit's head may grant whose decision is still to be issued.
    pub async fn round_titles_to_decide(
        &self,
        p: &Principal,
        round_unit_id: i64,
    ) -> AppResult<Vec<(String, String, i64)>> {
        let u = self.round_participant(p, round_unit_id).await?;
        if !matches!(
            u.progress,
            RoundProgress::Voting | RoundProgress::Decided | RoundProgress::SentUp
        ) {
            return Ok(vec![]);
        }
        let local = self.store.local_award_kinds().await?;
        let passed = self
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
        let mut out: Vec<(String, String, i64)> = Vec::new();
        for c in passed.iter().filter(|c| {
            c.council_passed == Some(true)
                && c.destination_id == u.unit_id
                && c.decision_id.is_none()
        }) {
            match out.iter_mut().find(|(k, _, _)| *k == c.award_code) {
                Some(e) => e.2 += 1,
                None => out.push((
                    c.award_code.clone(),
                    self.award_name(&local, &c.award_code),
                    1,
                )),
            }
        }
        Ok(out)
    }

    /// A decision the caller may read (its round unit's, or a dossier's), with its number.
    pub async fn decision_by_id(
        &self,
        p: &Principal,
        id: i64,
    ) -> AppResult<(DecisionRow, docs::DecisionDoc)> {
        let dec = self.store.decision(id).await?;
        match (dec.round_unit_id, dec.dossier_id) {
            (Some(ru), _) => {
                self.round_participant(p, ru).await?;
            }
            (None, Some(d)) => {
                self.dossier_for_read(p, d).await?;
            }
            (None, None) => return Err(AppError::NotFound("quyết định".into())),
        }
        let mut doc: docs::DecisionDoc = serde_json::from_str(&dec.doc_json).map_err(internal)?;
        doc.number = dec.number.clone();
        Ok((dec, doc))
    }

    pub async fn decision_pdf_by_id(&self, p: &Principal, id: i64) -> AppResult<(String, Vec<u8>)> {
        let (dec, doc) = self.decision_by_id(p, id).await?;
        Ok((dec.number, docs::decision_pdf(&doc).map_err(doc_err)?))
    }

    pub async fn decision_docx_by_id(
        &self,
        p: &Principal,
        id: i64,
    ) -> AppResult<(String, Vec<u8>)> {
        let (dec, doc) = self.decision_by_id(p, id).await?;
        Ok((dec.number, docs::decision_docx(&doc).map_err(doc_err)?))
    }
}
