//! Certificates: each authority's layout per award kind (its own, an ancestor's, or the
//! shipped default), a test print, the certificates of a decision with their QR codes, and the
//! public verification those codes lead to.

use std::collections::BTreeMap;

use serde::Serialize;
use tdkt_documents as docs;
use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, scope_roots};
use tdkt_domain::dates::vn;
use tdkt_domain::dossier::decision::authority_lines;
use tdkt_store::*;

use crate::error::{doc_err, internal};
use crate::{App, AppError, AppResult, Principal};

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

impl App {
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
}
