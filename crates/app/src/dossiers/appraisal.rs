//! Appraisal: the eligibility engine's verdict for each nominee on the dossier's year, and the
//! specialist's result, which needs a written reason where it differs from the verdict.
//! (Possible duplicates are found by the store and shown on the dossier page.)

use serde::{Deserialize, Serialize};
use tdkt_domain::access::Action;
use tdkt_domain::dossier::{AppraisalResult, NomineeVerdict};
use tdkt_domain::eligibility::CheckRequest;
use tdkt_domain::text::tidy;
use tdkt_store::*;

use super::{fresh, invalid};
use crate::{App, AppError, AppResult, Principal};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AppraisalInput {
    /// The dossier version the caller saw (pages always send it); a stale one is refused.
    #[serde(default)]
    pub version: Option<i64>,
    pub nominee_id: i64,
    /// `dat` or `khong_dat`.
    pub result: String,
    /// Required when the result differs from the engine's verdict.
    pub override_reason: Option<String>,
}

/// The engine's verdict in lines for people: each criterion with its citation, then what is
/// missing.
pub(super) fn verdict_lines(v: &tdkt_domain::eligibility::Verdict) -> Vec<String> {
    let mut lines: Vec<String> = v
        .criteria
        .iter()
        .map(|c| {
            let mark = match c.passed {
                Some(true) => "Đạt",
                Some(false) => "Không đạt",
                None => "Cần xem xét",
            };
            format!("{mark} — {} ({}): {}", c.text, c.citation, c.detail)
        })
        .collect();
    lines.extend(v.missing.iter().map(|m| format!("Còn thiếu: {m}")));
    lines
}

impl App {
    /// The engine's verdict for one nominee on the dossier's year, as (kind, json).
    pub(super) async fn nominee_verdict(
        &self,
        d: &DossierRow,
        n: &NomineeRow,
    ) -> AppResult<(NomineeVerdict, String, Vec<String>)> {
        let subject = match (n.person_id, n.unit_id) {
            (Some(pid), _) => self.person_subject(pid).await?,
            (_, Some(uid)) => self.unit_subject(uid).await?,
            _ => return Ok((NomineeVerdict::Manual, "null".into(), vec![])),
        };
        let on = tdkt_domain::dates::ymd(d.year, 12, 31);
        match self.rules.check(&CheckRequest {
            award: n.award_code.clone(),
            reference_date: on,
            subject,
        }) {
            Ok(v) => Ok((
                v.verdict.into(),
                serde_json::to_string(&v).unwrap_or_default(),
                verdict_lines(&v),
            )),
            // No rule for this award (or no pack in force): the specialist checks by hand.
            Err(e) => Ok((
                NomineeVerdict::Manual,
                "null".into(),
                vec![format!("Kiểm tra thủ công theo tiêu chuẩn: {}", e.message)],
            )),
        }
    }

    /// Records the appraisal of one nominee: the engine's verdict is stored with it, and a
    /// result that differs from the verdict needs a written reason.
    pub async fn appraise_nominee(
        &self,
        p: &Principal,
        id: i64,
        input: AppraisalInput,
    ) -> AppResult<DossierRow> {
        let d = self.store.dossier(id).await?;
        self.authorize(p, Action::DossierProcess, d.authority_id)
            .await?;
        if let Some(v) = input.version {
            fresh(&d, v)?;
        }
        let n = d
            .nominees
            .iter()
            .find(|n| n.id == input.nominee_id)
            .ok_or_else(|| AppError::NotFound("người được đề nghị trong hồ sơ".into()))?;
        let Ok(result) = AppraisalResult::try_from(input.result.as_str()) else {
            return Err(invalid(
                "result",
                "Kết quả thẩm định là «dat» hoặc «khong_dat»",
            ));
        };
        let (verdict, json, _) = self.nominee_verdict(&d, n).await?;
        let agrees = verdict.agrees(result);
        let reason = input
            .override_reason
            .as_deref()
            .map(tidy)
            .filter(|r| !r.is_empty());
        if !agrees && reason.as_ref().is_none_or(|r| r.chars().count() < 10) {
            return Err(invalid(
                "override_reason",
                match verdict {
                    NomineeVerdict::Eligible | NomineeVerdict::NotEligible => {
                        "Kết quả khác với kết quả kiểm tra tiêu chuẩn: cần ghi lý do (ít nhất 10 ký tự)"
                    }
                    _ => {
                        "Tiêu chuẩn cần xem xét thủ công: cần ghi căn cứ của kết quả (ít nhất 10 ký tự)"
                    }
                },
            ));
        }
        Ok(self
            .store
            .appraise(
                &p.actor(),
                id,
                &Appraisal {
                    expected_version: d.version,
                    nominee_id: n.id,
                    verdict,
                    verdict_json: json,
                    result,
                    override_reason: if agrees { None } else { reason },
                    by: Some(p.user_id),
                },
            )
            .await?)
    }
}
