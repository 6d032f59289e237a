//! Initiatives: registered with their authors, reviewed (scope and date of recognition) until
//! a title or award uses them, and the initiatives page of a unit's subtree.

use serde::Deserialize;
use tdkt_domain::Invalid;
use tdkt_domain::access::Action;
use tdkt_domain::dates::parse_iso;
use tdkt_store::*;

use super::scope_of;
use crate::{App, AppError, AppResult, Principal, today};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct InitiativeInput {
    pub code: String,
    pub title: String,
    pub unit_id: i64,
    pub field: Option<String>,
    /// ISO date.
    pub submitted_on: String,
    /// Authors (person ids).
    pub authors: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct InitiativeReviewInput {
    /// `co_so`, `tinh` or `toan_quoc`.
    pub scope: String,
    /// ISO date of recognition.
    pub recognized_on: String,
    pub effect: Option<String>,
}

pub struct InitiativesView {
    pub unit: UnitRow,
    pub items: Vec<InitiativeRow>,
    pub may_register: bool,
    pub may_review: bool,
    /// People who may be named authors: (id, name).
    pub staff: Vec<(i64, String)>,
}

impl App {
    pub async fn create_initiative(
        &self,
        p: &Principal,
        input: InitiativeInput,
    ) -> AppResult<InitiativeRow> {
        let code = input.code.trim().to_string();
        if code.is_empty() || code.len() > 64 {
            return Err(Invalid::new("code", "Mã sáng kiến phải có từ 1 đến 64 ký tự").into());
        }
        let title = tdkt_domain::text::tidy(&input.title);
        if title.chars().count() < 3 {
            return Err(Invalid::new("title", "Cần nhập tên sáng kiến").into());
        }
        let submitted_on = parse_iso("submitted_on", &input.submitted_on)?;
        if input.authors.is_empty() {
            return Err(Invalid::new("authors", "Sáng kiến cần ít nhất một tác giả").into());
        }
        self.store
            .unit(input.unit_id)
            .await
            .map_err(|_| Invalid::new("unit_id", "Đơn vị không tồn tại"))?;
        self.authorize(p, Action::PersonWrite, input.unit_id)
            .await?;
        for a in &input.authors {
            let person = self
                .store
                .person(*a)
                .await
                .map_err(|_| Invalid::new("authors", format!("Không có cá nhân mã số {a}")))?;
            // Naming someone an author writes into their history.
            self.authorize(p, Action::PersonWrite, person.unit_id)
                .await?;
        }
        let mut authors = input.authors.clone();
        authors.sort_unstable();
        authors.dedup();
        if authors.len() != input.authors.len() {
            return Err(Invalid::new("authors", "Một tác giả bị ghi hai lần").into());
        }
        Ok(self
            .store
            .create_initiative(
                &p.actor(),
                NewInitiative {
                    code,
                    title,
                    unit_id: input.unit_id,
                    field: input.field,
                    submitted_on,
                    authors: input.authors,
                },
            )
            .await?)
    }

    pub async fn review_initiative(
        &self,
        p: &Principal,
        id: i64,
        input: InitiativeReviewInput,
    ) -> AppResult<InitiativeRow> {
        let i = self.store.initiative(id).await?;
        self.authorize(p, Action::InitiativeReview, i.unit_id)
            .await?;
        scope_of(input.scope.trim()).ok_or_else(|| {
            Invalid::new(
                "scope",
                "Phạm vi công nhận phải là co_so, tinh hoặc toan_quoc",
            )
        })?;
        if let Some(by) = &i.used_by {
            return Err(AppError::Conflict(format!(
                "Sáng kiến đã được dùng cho {by}; không xét lại phạm vi công nhận"
            )));
        }
        let on = parse_iso("recognized_on", &input.recognized_on)?;
        if on > today() {
            return Err(Invalid::new("recognized_on", "Ngày công nhận ở tương lai").into());
        }
        if on < i.submitted_on {
            return Err(Invalid::new(
                "recognized_on",
                "Ngày công nhận trước ngày đăng ký sáng kiến",
            )
            .into());
        }
        Ok(self
            .store
            .review_initiative(&p.actor(), id, input.scope.trim(), on, input.effect)
            .await?)
    }

    /// Initiatives of a unit and the units under it, with their review and use.
    pub async fn unit_initiatives(
        &self,
        p: &Principal,
        unit_id: i64,
    ) -> AppResult<Vec<InitiativeRow>> {
        self.store.unit(unit_id).await?;
        self.authorize(p, Action::PersonRead, unit_id).await?;
        Ok(self.store.unit_initiatives(unit_id).await?)
    }

    /// The initiatives page: the register of a unit's subtree, and what the caller may do.
    pub async fn initiatives_view(
        &self,
        p: &Principal,
        unit_id: i64,
    ) -> AppResult<InitiativesView> {
        let unit = self.store.unit(unit_id).await?;
        self.authorize(p, Action::PersonRead, unit_id).await?;
        let items = self.store.unit_initiatives(unit_id).await?;
        let ids: Vec<i64> = self
            .store
            .unit_ancestors(unit_id)
            .await?
            .iter()
            .map(|u| u.id)
            .collect();
        let may = |a| tdkt_domain::access::permits(&p.grants, a, unit_id, &ids);
        let may_register = may(Action::PersonWrite);
        Ok(InitiativesView {
            unit,
            items,
            may_review: may(Action::InitiativeReview),
            staff: if may_register {
                self.unit_staff(unit_id)
                    .await?
                    .into_iter()
                    .map(|x| (x.id, x.full_name))
                    .collect()
            } else {
                vec![]
            },
            may_register,
        })
    }

    pub async fn initiative(&self, p: &Principal, id: i64) -> AppResult<InitiativeRow> {
        let i = self.store.initiative(id).await?;
        self.authorize(p, Action::PersonRead, i.unit_id).await?;
        Ok(i)
    }
}
