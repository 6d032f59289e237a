//! Emulation movements. This module holds the movement itself: its inputs and views, the
//! lifecycle steps, the launch decision's file, and who may see what. The rest has its own
//! file:
//! - `draft`: a draft checked against the master data and the catalog, its targets resolved;
//! - `registration`: units register the titles they strive for, by form or XLSX, until the
//!   round's deadline, every version kept; the board's overview and totals;
//! - `reports`: progress and review reports per milestone, the units × milestones matrix and
//!   the indicators summed up the tree;
//! - `review`: the outstanding units at a review, and the dossier opened for them;
//! - `links`: registrations beside year-end proposals, covenants naming their movements.

mod draft;
mod links;
mod registration;
mod reports;
mod review;

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, Role, allows, reach};
use tdkt_domain::dates::parse_iso;
use tdkt_domain::dossier::Refusal;
use tdkt_domain::movement::*;
use tdkt_domain::text::{fold, tidy};
use tdkt_store::*;
use time::Date;

use crate::{App, AppError, AppResult, Principal};

pub use links::UnregisteredNominee;
pub use registration::{
    RegistrationInput, RegistrationLineInput, RegistrationOverview, RegistrationPage,
    RegistrationStanding,
};
pub use reports::{MatrixRow, Progress, ReportInput, ReportValueInput};
pub use review::{Candidate, ReviewInput};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CriterionForm {
    pub award_code: String,
    pub text: String,
    #[serde(default)]
    pub mandatory: bool,
    #[serde(default)]
    pub legal_basis: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct MilestoneForm {
    /// `so_ket` or `tong_ket`.
    pub kind: String,
    pub name: String,
    /// ISO date.
    pub due_on: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct IndicatorForm {
    /// ASCII snake_case, unique in the movement.
    pub code: String,
    pub name: String,
    /// `so`, `phan_tram` or `tien`.
    pub measure: String,
    #[serde(default)]
    pub target: Option<f64>,
}

/// A movement as the board drafts it (a form or the API).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct MovementForm {
    /// Made from the year and the name when empty.
    #[serde(default)]
    pub code: Option<String>,
    pub name: String,
    #[serde(default)]
    pub slogan: Option<String>,
    pub goals: String,
    /// The launching unit.
    pub authority_id: i64,
    /// `trung_uong`, `bo_tinh`, `co_quan_don_vi`.
    pub level: String,
    /// `thuong_xuyen`, `chuyen_de`, `dot_xuat`, `dac_biet`.
    pub kind: String,
    /// `toan_quoc`, `bo_tinh`, `cum_khoi`, `co_quan`.
    pub scope: String,
    pub starts_on: String,
    pub ends_on: String,
    /// The higher-level movement this one carries out.
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub decision_number: Option<String>,
    #[serde(default)]
    pub decision_date: Option<String>,
    #[serde(default)]
    pub decision_signer: Option<String>,
    /// The registration deadline of the first year; by default the configured day.
    #[serde(default)]
    pub registration_due_on: Option<String>,
    /// `cay_don_vi` (with `target_unit_id`), `cum_khoi` (with `target_cluster_id`) or
    /// `danh_sach` (with `target_unit_ids`).
    pub target_kind: String,
    #[serde(default)]
    pub target_unit_id: Option<i64>,
    #[serde(default)]
    pub target_cluster_id: Option<i64>,
    #[serde(default)]
    pub target_unit_ids: Vec<i64>,
    #[serde(default)]
    pub criteria: Vec<CriterionForm>,
    #[serde(default)]
    pub milestones: Vec<MilestoneForm>,
    #[serde(default)]
    pub indicators: Vec<IndicatorForm>,
}

/// A lifecycle step asked for.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct MovementStepInput {
    /// `phat_dong`, `trien_khai`, `so_ket`, `tiep_tuc`, `tong_ket`, `ket_thuc`, `huy`.
    pub step: String,
    /// The version the caller saw.
    pub version: i64,
    #[serde(default)]
    pub reason: Option<String>,
}

/// What a movement page shows.
pub struct MovementView {
    pub movement: MovementRow,
    pub band: DurationBand,
    pub targets: Vec<TargetRow>,
    /// Movements of lower levels that carry this one out.
    pub children: Vec<MovementSummary>,
    pub steps: Vec<MovementStep>,
    pub may_manage: bool,
    /// Targeted units the caller may register or report for.
    pub my_units: Vec<TargetRow>,
    pub may_follow: bool,
}

pub(crate) fn invalid(field: impl Into<String>, msg: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid::new(field, msg))
}

fn opt_text(s: &Option<String>) -> Option<String> {
    s.as_deref().map(tidy).filter(|s| !s.is_empty())
}

fn opt_date(field: &str, s: &Option<String>) -> AppResult<Option<Date>> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(parse_iso(field, s)?)),
        None => Ok(None),
    }
}

/// A code made of the year and the folded name: `2026_thi_dua_chuyen_doi_so`.
fn code_from(year: i32, name: &str) -> String {
    let words: Vec<String> = fold(name)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut code = year.to_string();
    for w in words {
        if code.len() + w.len() + 1 > 60 {
            break;
        }
        code.push('_');
        code.push_str(&w);
    }
    code
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 60
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl App {
    /// The roles of the caller's grants that allow `action` on `unit_id`.
    pub(crate) async fn roles_on(
        &self,
        p: &Principal,
        action: Action,
        unit_id: i64,
    ) -> AppResult<Vec<Role>> {
        let ancestors: Vec<i64> = self
            .store
            .unit_ancestors(unit_id)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let mut roles: Vec<Role> = p
            .grants
            .iter()
            .filter(|g| allows(g.role, action, reach(g.unit_id, unit_id, &ancestors)))
            .map(|g| g.role)
            .collect();
        roles.sort();
        roles.dedup();
        Ok(roles)
    }

    /// A movement the caller may read: launched ones are public; drafts and cancelled ones
    /// are for those who manage the authority's movements.
    pub async fn movement(&self, p: &Principal, id: i64) -> AppResult<MovementRow> {
        let m = self.store.movement(id).await?;
        if !m.state.is_public() {
            self.authorize(p, Action::MovementManage, m.authority_id)
                .await?;
        }
        Ok(m)
    }

    pub async fn movement_view(&self, p: &Principal, id: i64) -> AppResult<MovementView> {
        let movement = self.movement(p, id).await?;
        let manage_roles = self
            .roles_on(p, Action::MovementManage, movement.authority_id)
            .await?;
        let mut steps: Vec<MovementStep> = manage_roles
            .iter()
            .flat_map(|r| steps_for(movement.state, *r))
            .collect();
        steps.sort();
        steps.dedup();
        let targets = self.store.movement_targets(id).await?;
        // The caller's units among the targets: the subtrees of the grants that may register
        // or report (a few), not a rights check per target (a national movement has thousands).
        let mut mine: BTreeSet<i64> = BTreeSet::new();
        for action in [Action::MovementRegister, Action::MovementReport] {
            for root in tdkt_domain::access::scope_roots(&p.grants, action) {
                mine.extend(
                    self.store
                        .subtree_units(root, self.today())
                        .await?
                        .into_iter()
                        .map(|u| u.id),
                );
            }
        }
        let my_units: Vec<TargetRow> = targets
            .iter()
            .filter(|t| mine.contains(&t.unit_id))
            .take(50)
            .cloned()
            .collect();
        let children = self
            .store
            .list_movements(&MovementFilter {
                parent_id: Some(id),
                paging: Paging::new(Some(1), Some(200)),
                ..Default::default()
            })
            .await?
            .items;
        Ok(MovementView {
            band: duration_band(movement.starts_on, movement.ends_on),
            may_follow: !manage_roles.is_empty()
                || self
                    .may(p, Action::MovementFollow, movement.authority_id)
                    .await?
                || !my_units.is_empty(),
            may_manage: !manage_roles.is_empty(),
            movement,
            targets,
            children,
            steps,
            my_units,
        })
    }

    /// True when the caller may do `action` on `unit_id` (no error).
    pub(crate) async fn may(&self, p: &Principal, action: Action, unit_id: i64) -> AppResult<bool> {
        Ok(!self.roles_on(p, action, unit_id).await?.is_empty())
    }

    /// Movements the caller may see: every launched one, and drafts of the authorities whose
    /// movements the caller manages.
    pub async fn movements(
        &self,
        p: &Principal,
        year: Option<i32>,
        targeting: Option<i64>,
        paging: Paging,
    ) -> AppResult<Page<MovementSummary>> {
        let drafts_under = tdkt_domain::access::scope_roots(&p.grants, Action::MovementManage);
        Ok(self
            .store
            .list_movements(&MovementFilter {
                public_only: false,
                drafts_under,
                states: None,
                year,
                targeting,
                parent_id: None,
                paging,
            })
            .await?)
    }

    /// The public list: launched movements only, nothing private.
    pub async fn public_movements(&self, paging: Paging) -> AppResult<Page<MovementSummary>> {
        Ok(self
            .store
            .list_movements(&MovementFilter {
                public_only: true,
                paging,
                ..Default::default()
            })
            .await?)
    }

    pub async fn public_movement(&self, id: i64) -> AppResult<MovementRow> {
        let m = self.store.movement(id).await?;
        if !m.state.is_public() {
            return Err(StoreError::NotFound("phong trào thi đua").into());
        }
        Ok(m)
    }

    /// The launch decision of a public movement (or a report's attachment for those who may
    /// follow the reporting unit).
    pub async fn public_launch_file(&self, id: i64) -> AppResult<(MovementFileRow, Vec<u8>)> {
        let m = self.public_movement(id).await?;
        let Some(file) = m.decision_file_id else {
            return Err(StoreError::NotFound("văn bản phát động").into());
        };
        Ok(self.store.movement_file(id, file).await?)
    }

    pub async fn create_movement(&self, p: &Principal, f: &MovementForm) -> AppResult<MovementRow> {
        self.store
            .unit(f.authority_id)
            .await
            .map_err(|_| invalid("authority_id", "Đơn vị phát động không tồn tại"))?;
        self.authorize(p, Action::MovementManage, f.authority_id)
            .await?;
        let input = self.movement_input(f).await?;
        Ok(self
            .store
            .create_movement(&p.actor(), &input, Some(p.user_id), self.today())
            .await?)
    }

    /// Changes a draft (the caller saw `version`).
    pub async fn update_movement(
        &self,
        p: &Principal,
        id: i64,
        version: i64,
        f: &MovementForm,
    ) -> AppResult<MovementRow> {
        let m = self.store.movement(id).await?;
        self.authorize(p, Action::MovementManage, m.authority_id)
            .await?;
        if f.authority_id != m.authority_id {
            self.authorize(p, Action::MovementManage, f.authority_id)
                .await?;
        }
        if !m.state.is_editable() {
            return Err(AppError::Conflict(format!(
                "Phong trào đang ở trạng thái «{}»: chỉ sửa được khi còn là dự thảo",
                m.state.label()
            )));
        }
        if f.parent_id == Some(id) {
            return Err(invalid(
                "parent_id",
                "Phong trào không thể thực hiện chính nó",
            ));
        }
        let input = self.movement_input(f).await?;
        Ok(self
            .store
            .update_movement(&p.actor(), id, version, &input)
            .await?)
    }

    /// A lifecycle step: the domain's table decides, the store applies it at the version seen.
    pub async fn movement_step(
        &self,
        p: &Principal,
        id: i64,
        input: &MovementStepInput,
    ) -> AppResult<MovementRow> {
        let m = self.store.movement(id).await?;
        let roles = self
            .roles_on(p, Action::MovementManage, m.authority_id)
            .await?;
        if roles.is_empty() {
            return Err(AppError::forbidden());
        }
        let step = MovementStep::parse("step", &input.step)?;
        let reason = input.reason.as_deref().map(tidy).filter(|r| !r.is_empty());
        let mut refusal = None;
        let mut to = None;
        for r in &roles {
            match next(m.state, step, *r, reason.as_deref()) {
                Ok(s) => {
                    to = Some(s);
                    break;
                }
                Err(e) => refusal = refusal.or(Some(e)),
            }
        }
        let Some(to) = to else {
            return Err(match refusal.expect("a role was tried") {
                Refusal::NotFromHere(m) => AppError::Conflict(m),
                Refusal::NotYourRole(m) => AppError::Forbidden(m),
                Refusal::Reason(i) => AppError::Invalid(i),
            });
        };
        if step == MovementStep::Launch {
            let targets = self.store.movement_targets(id).await?.len();
            launch_ready(
                m.decision_number.as_deref(),
                m.decision_date,
                m.decision_signer.as_deref(),
                targets,
            )?;
            if m.milestones.is_empty() {
                return Err(invalid(
                    "milestones",
                    "Cần ít nhất một mốc sơ kết hoặc tổng kết trước khi phát động",
                ));
            }
        }
        Ok(self
            .store
            .move_movement(
                &p.actor(),
                id,
                &MovementMove {
                    expected_version: input.version,
                    from: m.state,
                    to,
                    step,
                    reason,
                    today: self.today(),
                },
            )
            .await?)
    }

    /// Uploads the launch decision (PDF or DOCX).
    pub async fn set_launch_file(
        &self,
        p: &Principal,
        id: i64,
        filename: &str,
        bytes: Vec<u8>,
    ) -> AppResult<MovementRow> {
        let m = self.store.movement(id).await?;
        self.authorize(p, Action::MovementManage, m.authority_id)
            .await?;
        let (filename, mime, sha256) = self.checked_file(filename, &bytes)?;
        if !mime.contains("pdf") && !mime.contains("wordprocessing") {
            return Err(invalid("tep", "Văn bản phát động cần là tệp PDF hoặc DOCX"));
        }
        Ok(self
            .store
            .set_launch_file(
                &p.actor(),
                id,
                &NewFile {
                    filename,
                    mime: mime.to_string(),
                    sha256,
                    bytes,
                },
                Some(p.user_id),
            )
            .await?)
    }

    /// Targets of a movement the caller may follow: all of them for whoever follows the
    /// authority, else those inside the caller's subtrees.
    pub(crate) async fn followed_targets(
        &self,
        p: &Principal,
        m: &MovementRow,
    ) -> AppResult<Vec<TargetRow>> {
        let targets = self.store.movement_targets(m.id).await?;
        if self.may(p, Action::MovementFollow, m.authority_id).await?
            || self.may(p, Action::MovementManage, m.authority_id).await?
        {
            return Ok(targets);
        }
        let roots: BTreeSet<i64> =
            tdkt_domain::access::scope_roots(&p.grants, Action::MovementFollow)
                .into_iter()
                .collect();
        if roots.is_empty() {
            return Err(AppError::forbidden());
        }
        // Walk up through the targets themselves; ask the store only where the chain leaves them.
        let parent: HashMap<i64, Option<i64>> =
            targets.iter().map(|t| (t.unit_id, t.parent_id)).collect();
        let mut inside: HashMap<i64, bool> = HashMap::new();
        let mut out = Vec::new();
        for t in &targets {
            let mut chain = vec![];
            let mut at = Some(t.unit_id);
            let mut verdict = None;
            while let Some(u) = at {
                if let Some(v) = inside.get(&u) {
                    verdict = Some(*v);
                    break;
                }
                if roots.contains(&u) {
                    verdict = Some(true);
                    break;
                }
                chain.push(u);
                match parent.get(&u) {
                    Some(pp) => at = *pp,
                    None => {
                        let anc = self.ancestors_of(u).await?;
                        verdict = Some(anc.iter().any(|a| roots.contains(a)));
                        break;
                    }
                }
            }
            let v = verdict.unwrap_or(false);
            for u in chain {
                inside.insert(u, v);
            }
            if v {
                out.push(t.clone());
            }
        }
        if out.is_empty() {
            return Err(AppError::forbidden());
        }
        Ok(out)
    }

    /// The movement a dossier names: it must exist and have been launched.
    pub(crate) async fn dossier_movement(&self, id: Option<i64>) -> AppResult<Option<i64>> {
        let Some(id) = id else { return Ok(None) };
        let m = self
            .store
            .movement(id)
            .await
            .map_err(|_| invalid("movement_id", "Không có phong trào thi đua này"))?;
        if !m.state.is_public() {
            return Err(invalid(
                "movement_id",
                format!("Phong trào «{}» chưa được phát động", m.name),
            ));
        }
        Ok(Some(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_made_from_the_year_and_the_name() {
        assert_eq!(
            code_from(2026, "Thi đua “Chuyển đổi số” năm 2026!"),
            "2026_thi_dua_chuyen_doi_so_nam_2026"
        );
        assert!(code_from(2021, &"Đoàn kết ".repeat(20)).len() <= 60);
        assert!(is_code("2026_thi_dua"));
        assert!(!is_code("Thi đua") && !is_code(""));
    }
}
