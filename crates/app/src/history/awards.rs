//! Award kinds and awards received: an authority's own award kinds beside the shipped catalog,
//! the name of any kind, and the awards a person received (possibly using initiatives).

use serde::Deserialize;
use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::dates::parse_iso;
use tdkt_store::*;

use super::initiative_codes;
use crate::{App, AppError, AppResult, Principal, today};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AwardInput {
    /// A catalog code, e.g. `bang_khen_tinh`.
    pub code: String,
    /// ISO date of the decision.
    pub date: String,
    pub decision: Option<String>,
    pub note: Option<String>,
    /// Codes of the person's recognised initiatives this award used.
    #[serde(default)]
    pub initiatives: Vec<String>,
}

impl App {
    /// Adds an award kind of an authority's own (admins only), beside the shipped catalog.
    pub async fn create_local_award_kind(
        &self,
        p: &Principal,
        k: LocalAwardKind,
    ) -> AppResult<LocalAwardKind> {
        let code = k.code.trim().to_ascii_lowercase();
        if code.is_empty()
            || code.len() > 64
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(Invalid::new(
                "code",
                "Mã chỉ gồm chữ không dấu, số và «_», tối đa 64 ký tự",
            )
            .into());
        }
        if self.rules.catalog.get(&code).is_some() {
            return Err(AppError::Conflict(format!(
                "Mã «{code}» đã có trong danh mục chung"
            )));
        }
        let name = tdkt_domain::text::tidy(&k.name);
        if name.chars().count() < 3 {
            return Err(Invalid::new("name", "Cần nhập tên").into());
        }
        if k.subjects.is_empty()
            || k.subjects
                .iter()
                .any(|s| !matches!(s.as_str(), "ca_nhan" | "tap_the" | "ho_gia_dinh"))
        {
            return Err(
                Invalid::new("subjects", "Đối tượng là ca_nhan, tap_the hoặc ho_gia_dinh").into(),
            );
        }
        if !matches!(k.level.as_str(), "co_so" | "bo_tinh" | "nha_nuoc") {
            return Err(Invalid::new("level", "Cấp là co_so, bo_tinh hoặc nha_nuoc").into());
        }
        if !(k.bonus.is_finite() && (0.0..=100.0).contains(&k.bonus)) {
            return Err(Invalid::new("bonus", "Hệ số tiền thưởng phải từ 0 đến 100").into());
        }
        self.store
            .unit(k.unit_id)
            .await
            .map_err(|_| Invalid::new("unit_id", "Đơn vị không tồn tại"))?;
        self.authorize(p, Action::CatalogWrite, k.unit_id).await?;
        Ok(self
            .store
            .create_local_award_kind(&p.actor(), LocalAwardKind { code, name, ..k })
            .await?)
    }

    pub async fn local_award_kinds(&self) -> AppResult<Vec<LocalAwardKind>> {
        Ok(self.store.local_award_kinds().await?)
    }

    /// The name of a shipped or local award kind (its code when unknown).
    pub fn award_name(&self, local: &[LocalAwardKind], code: &str) -> String {
        self.rules
            .catalog
            .get(code)
            .map(|a| a.name.clone())
            .or_else(|| {
                local
                    .iter()
                    .find(|k| k.code == code)
                    .map(|k| k.name.clone())
            })
            .unwrap_or_else(|| code.to_string())
    }

    pub async fn add_person_award(
        &self,
        p: &Principal,
        person_id: i64,
        input: AwardInput,
    ) -> AppResult<AwardRecordRow> {
        let local = self.store.local_award_kinds().await?;
        let code = self.catalog_code(&local, "code", &input.code, false)?;
        let date = parse_iso("date", &input.date)?;
        if date > today() {
            return Err(Invalid::new("date", "Ngày quyết định ở tương lai").into());
        }
        self.person_for_write(p, person_id).await?;
        let decision = input
            .decision
            .map(|d| tdkt_domain::text::tidy(&d))
            .filter(|d| !d.is_empty());
        let codes = initiative_codes(&input.initiatives);
        let uses = (!codes.is_empty()).then(|| {
            let name = self.award_name(&local, &code);
            InitiativeUse {
                codes,
                label: format!(
                    "{name} ({}{})",
                    tdkt_domain::dates::vn(date),
                    decision
                        .as_ref()
                        .map(|d| format!(", {d}"))
                        .unwrap_or_default()
                ),
                on: date,
            }
        });
        Ok(self
            .store
            .create_award_record(
                &p.actor(),
                NewAwardRecord {
                    person_id: Some(person_id),
                    unit_id: None,
                    code,
                    date,
                    decision,
                    note: input.note.filter(|n| !n.trim().is_empty()),
                    uses,
                },
            )
            .await?)
    }
}
