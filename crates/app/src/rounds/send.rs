//! Up a level in bulk: what the unit's head may not grant becomes one draft dossier per
//! deciding authority, with every nominee, the engine's verdicts carried, the unit council's
//! minutes and the proposal list attached. From there the dossier workflow takes over (the
//! clerk adds the achievement reports and submits).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use tdkt_documents as docs;
use tdkt_domain::access::Action;
use tdkt_domain::dossier::council::CouncilBallotStatus;
use tdkt_domain::dossier::decision::authority_lines;
use tdkt_domain::dossier::{CommendationType, DocumentSlot, NomineeVerdict};
use tdkt_domain::eligibility::VerdictKind;
use tdkt_domain::text::fold;
use tdkt_store::*;

use crate::decision::place_date;
use crate::error::doc_err;
use crate::{App, AppError, AppResult, Principal};

fn pdf_document(
    slot: DocumentSlot,
    title: String,
    filename: String,
    bytes: Vec<u8>,
) -> NewDocument {
    NewDocument {
        document_id: None,
        slot,
        title,
        filename,
        mime: "application/pdf".into(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes,
        uploaded_by: None,
    }
}

impl App {
    /// Sends the unit's passed proposals up: one dossier per deciding authority.
    pub async fn send_round_up(
        &self,
        p: &Principal,
        round_unit_id: i64,
    ) -> AppResult<Vec<DossierRow>> {
        let u = self
            .participant_for(p, round_unit_id, Action::RoundRate)
            .await?;
        let closed = self
            .store
            .round_ballot(u.id)
            .await?
            .is_some_and(|b| b.status == CouncilBallotStatus::Closed);
        if !closed {
            return Err(AppError::Conflict(
                "Hội đồng của đơn vị chưa kết thúc bỏ phiếu".into(),
            ));
        }
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
        let mut by_dest: BTreeMap<i64, Vec<&CandidateRow>> = BTreeMap::new();
        for c in chosen.iter().filter(|c| {
            c.council_passed == Some(true)
                && c.destination_id != u.unit_id
                && c.dossier_id.is_none()
        }) {
            by_dest.entry(c.destination_id).or_default().push(c);
        }
        if by_dest.is_empty() {
            return Err(AppError::Conflict(
                "Không có đề nghị nào vượt thẩm quyền của đơn vị được Hội đồng thông qua".into(),
            ));
        }
        let local = self.store.local_award_kinds().await?;
        let minutes =
            docs::council_minutes_pdf(&self.round_minutes_doc(&u).await?).map_err(doc_err)?;
        let unit = self.store.unit(u.unit_id).await?;
        let today = self.today();
        let mut out = Vec::new();
        for (dest, list) in by_dest {
            let authority = self.store.unit(dest).await?;
            let nominees = list
                .iter()
                .map(|c| {
                    let award = self.award_name(&local, &c.award_code);
                    let summary = format!(
                        "{} — đề nghị {award} năm {}, theo kết quả bình xét và bỏ phiếu của Hội đồng Thi đua - Khen thưởng {}",
                        c.name, u.year, unit.name
                    );
                    NewNominee {
                        person_id: c.person_id,
                        unit_id: c.unit_id,
                        award_code: c.award_code.clone(),
                        summary_key: fold(&summary),
                        summary,
                        verdict: VerdictKind::try_from(c.verdict.clone())
                            .ok()
                            .map(NomineeVerdict::from),
                        verdict_json: Some(c.verdict_json.clone()),
                    }
                })
                .collect();
            let list_doc = docs::ForwardListDoc {
                authority: authority_lines(unit.kind, &unit.name).0,
                number: format!("{}/DS-BX", u.id),
                place_date: place_date(&self.place_for(&unit).await?, today),
                to: format!("Kính gửi: {}", authority.name),
                title: "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG".into(),
                subtitle: format!(
                    "(Kết quả bình xét thi đua, khen thưởng năm {} của {})",
                    u.year, unit.name
                ),
                rows: list
                    .iter()
                    .map(|c| docs::ForwardRow {
                        nominee: c.name.clone(),
                        detail: c.detail.clone(),
                        award: self.award_name(&local, &c.award_code),
                        summary: String::new(),
                        verdict: format!(
                            "{}; Hội đồng đơn vị đạt tỷ lệ phiếu",
                            VerdictKind::try_from(c.verdict.clone())
                                .map(|v| v.label())
                                .unwrap_or("")
                        ),
                    })
                    .collect(),
                signer_title: "THỦ TRƯỞNG ĐƠN VỊ".into(),
                signer_name: String::new(),
            };
            let list_pdf = docs::forward_list_pdf(&list_doc).map_err(doc_err)?;
            out.push(RoundDossier {
                dossier: NewDossier {
                    title: format!("Đề nghị khen thưởng năm {} — {}", u.year, unit.name),
                    unit_id: unit.id,
                    authority_id: dest,
                    kind: CommendationType::CongTrang,
                    year: u.year,
                    movement_id: None,
                    cluster_proposal_id: None,
                    created_by: Some(p.user_id),
                    today,
                    nominees,
                },
                candidate_ids: list.iter().map(|c| c.id).collect(),
                documents: vec![
                    pdf_document(
                        DocumentSlot::Minutes,
                        format!("Biên bản kiểm phiếu bình xét năm {}", u.year),
                        format!("bien-ban-binh-xet-{}.pdf", u.year),
                        minutes.clone(),
                    ),
                    pdf_document(
                        DocumentSlot::Proposal,
                        format!("Danh sách đề nghị khen thưởng năm {}", u.year),
                        format!("danh-sach-de-nghi-{}.pdf", u.year),
                        list_pdf,
                    ),
                ],
            });
        }
        Ok(self
            .store
            .send_round_up(&p.actor(), u.id, out, today)
            .await?)
    }
}
