//! A new dossier: its nominee list checked against the master data and the catalog (people
//! and collectives of the proposing unit's subtree, awards meant for them, no line twice), its
//! deciding authority, and the link to a cluster's election it may come from.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tdkt_domain::access::{Action, Role};
use tdkt_domain::dossier::{CommendationType, State};
use tdkt_domain::person::parse_year;
use tdkt_domain::text::{fold, tidy};
use tdkt_domain::unit::UnitKind;
use tdkt_store::*;

use super::{fresh, invalid};
use crate::{App, AppError, AppResult, Principal};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NomineeInput {
    /// A person of the proposing unit's subtree …
    pub person_id: Option<i64>,
    /// … or a collective (a unit of that subtree).
    pub unit_id: Option<i64>,
    /// Catalog code of the award requested.
    pub award_code: String,
    /// Summary of the achievement.
    pub summary: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct DossierInput {
    pub title: String,
    /// The proposing unit.
    pub unit_id: i64,
    /// The deciding authority; by default the nearest province (or the nation) above the unit.
    pub authority_id: Option<i64>,
    /// `cong_trang`, `dot_xuat`, `chuyen_de`, `cong_hien`, `nien_han`, `doi_ngoai`.
    pub kind: String,
    /// The year of the achievement.
    pub year: i32,
    /// The movement the proposal comes from (a launched one).
    #[serde(default)]
    pub movement_id: Option<i64>,
    pub cluster_proposal_id: Option<i64>,
    pub nominees: Vec<NomineeInput>,
}

/// A proposal a cluster's ballot elected, with the names a page shows.
#[derive(Debug, Clone)]
pub struct ElectedProposal {
    pub proposal: ProposalRow,
    pub cluster_name: String,
    pub award_name: String,
}

impl App {
    /// Proposals a unit's clusters elected it for, newest year first, to start a dossier from.
    pub async fn elected_proposals(
        &self,
        p: &Principal,
        unit_id: i64,
    ) -> AppResult<Vec<ElectedProposal>> {
        self.authorize(p, Action::DossierRead, unit_id).await?;
        let clusters = self.store.list_clusters().await?;
        let local = self.store.local_award_kinds().await?;
        Ok(self
            .store
            .unit_cluster_proposals(unit_id)
            .await?
            .into_iter()
            .map(|pr| ElectedProposal {
                cluster_name: clusters
                    .iter()
                    .find(|c| c.id == pr.cluster_id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                award_name: self.award_name(&local, &pr.award_code),
                proposal: pr,
            })
            .collect())
    }

    /// One elected proposal, readable by whoever may read the elected unit's dossiers.
    pub async fn elected_proposal(&self, p: &Principal, id: i64) -> AppResult<ElectedProposal> {
        let pr = self.store.cluster_proposal(id).await?;
        self.authorize(p, Action::DossierRead, pr.unit_id).await?;
        let cluster = self.store.cluster(pr.cluster_id).await?;
        let local = self.store.local_award_kinds().await?;
        Ok(ElectedProposal {
            cluster_name: cluster.name,
            award_name: self.award_name(&local, &pr.award_code),
            proposal: pr,
        })
    }

    /// Whether `unit` is `root` or below it, remembered in `cache`.
    async fn within(
        &self,
        cache: &mut std::collections::HashMap<i64, bool>,
        unit: i64,
        root: i64,
    ) -> AppResult<bool> {
        if let Some(known) = cache.get(&unit) {
            return Ok(*known);
        }
        let inside = unit == root || self.ancestors_of(unit).await?.contains(&root);
        cache.insert(unit, inside);
        Ok(inside)
    }

    /// The nearest unit at or above `unit_id` that grants awards at province level or above.
    async fn default_authority(&self, unit_id: i64) -> AppResult<i64> {
        let mut chain = vec![unit_id];
        chain.extend(self.ancestors_of(unit_id).await?);
        for id in &chain {
            let u = self.store.unit(*id).await?;
            if matches!(
                u.kind,
                UnitKind::Province | UnitKind::City | UnitKind::Nation
            ) {
                return Ok(u.id);
            }
        }
        Ok(*chain.last().expect("the unit itself"))
    }

    /// Checks a nominee list against the master data and the catalog.
    pub(crate) async fn nominees(
        &self,
        unit_id: i64,
        input: &[NomineeInput],
    ) -> AppResult<Vec<NewNominee>> {
        if input.is_empty() {
            return Err(invalid(
                "nominees",
                "Hồ sơ cần ít nhất một cá nhân hoặc tập thể được đề nghị",
            ));
        }
        if input.len() > 500 {
            return Err(invalid(
                "nominees",
                "Một hồ sơ có tối đa 500 người, tập thể được đề nghị",
            ));
        }
        let local = self.store.local_award_kinds().await?;
        // Many nominees share a unit: look each unit's place in the tree up once.
        let mut inside = std::collections::HashMap::new();
        let mut out: Vec<NewNominee> = Vec::new();
        for (i, n) in input.iter().enumerate() {
            let f = |k: &str| format!("nominees[{i}].{k}");
            let code = n.award_code.trim();
            let subjects: Vec<String> = match (
                self.rules.catalog.get(code),
                local.iter().find(|k| k.code == code),
            ) {
                (Some(a), _) => a.subject.clone(),
                (None, Some(k)) => k.subjects.clone(),
                _ => {
                    return Err(invalid(
                        f("award_code"),
                        format!(
                            "Dòng {}: không có «{code}» trong danh mục danh hiệu, hình thức khen thưởng",
                            i + 1
                        ),
                    ));
                }
            };
            let summary = tidy(&n.summary);
            if summary.chars().count() < 10 {
                return Err(invalid(
                    f("summary"),
                    format!("Dòng {}: cần tóm tắt thành tích (ít nhất 10 ký tự)", i + 1),
                ));
            }
            let (person_id, collective) = match (n.person_id, n.unit_id) {
                (Some(pid), None) => {
                    let person = self.store.person(pid).await.map_err(|_| {
                        invalid(
                            f("person_id"),
                            format!("Dòng {}: không có cá nhân mã số {pid}", i + 1),
                        )
                    })?;
                    if !self.within(&mut inside, person.unit_id, unit_id).await? {
                        return Err(invalid(
                            f("person_id"),
                            format!(
                                "Dòng {}: {} không thuộc đơn vị đề nghị",
                                i + 1,
                                person.full_name
                            ),
                        ));
                    }
                    if !subjects.iter().any(|s| s == "ca_nhan") {
                        return Err(invalid(
                            f("award_code"),
                            format!("Dòng {}: «{code}» không dành cho cá nhân", i + 1),
                        ));
                    }
                    (Some(pid), None)
                }
                (None, Some(uid)) => {
                    let u = self.store.unit(uid).await.map_err(|_| {
                        invalid(
                            f("unit_id"),
                            format!("Dòng {}: không có đơn vị mã số {uid}", i + 1),
                        )
                    })?;
                    if !self.within(&mut inside, u.id, unit_id).await? {
                        return Err(invalid(
                            f("unit_id"),
                            format!("Dòng {}: {} không thuộc đơn vị đề nghị", i + 1, u.name),
                        ));
                    }
                    if !subjects.iter().any(|s| s == "tap_the") {
                        return Err(invalid(
                            f("award_code"),
                            format!("Dòng {}: «{code}» không dành cho tập thể", i + 1),
                        ));
                    }
                    (None, Some(uid))
                }
                _ => {
                    return Err(invalid(
                        f("person_id"),
                        format!("Dòng {}: chọn một cá nhân hoặc một tập thể", i + 1),
                    ));
                }
            };
            if out.iter().any(|o| {
                o.person_id == person_id && o.unit_id == collective && o.award_code == code
            }) {
                return Err(invalid(
                    f("award_code"),
                    format!(
                        "Dòng {}: cùng người (tập thể) và cùng hình thức đã có ở dòng trên",
                        i + 1
                    ),
                ));
            }
            out.push(NewNominee {
                person_id,
                unit_id: collective,
                award_code: code.to_string(),
                summary_key: fold(&summary),
                verdict: None,
                verdict_json: None,
                summary,
            });
        }
        Ok(out)
    }

    pub async fn create_dossier(
        &self,
        p: &Principal,
        input: DossierInput,
    ) -> AppResult<DossierRow> {
        let title = tidy(&input.title);
        if title.chars().count() < 5 {
            return Err(invalid(
                "title",
                "Cần nhập trích yếu của hồ sơ (ít nhất 5 ký tự)",
            ));
        }
        let kind = CommendationType::parse("kind", input.kind.trim())?;
        let year = parse_year("year", input.year, self.today())?;
        self.store
            .unit(input.unit_id)
            .await
            .map_err(|_| invalid("unit_id", "Đơn vị đề nghị không tồn tại"))?;
        self.authorize(p, Action::DossierPrepare, input.unit_id)
            .await?;
        let authority_id = match input.authority_id {
            Some(a) => {
                self.store
                    .unit(a)
                    .await
                    .map_err(|_| invalid("authority_id", "Cấp quyết định không tồn tại"))?;
                if a != input.unit_id && !self.ancestors_of(input.unit_id).await?.contains(&a) {
                    return Err(invalid(
                        "authority_id",
                        "Cấp quyết định phải là đơn vị cấp trên của đơn vị đề nghị",
                    ));
                }
                a
            }
            None => self.default_authority(input.unit_id).await?,
        };
        let nominees = self.nominees(input.unit_id, &input.nominees).await?;
        self.check_registered(kind, year, &nominees).await?;
        let movement_id = self.dossier_movement(input.movement_id).await?;
        if let Some(pid) = input.cluster_proposal_id {
            self.check_cluster_proposal(pid, input.unit_id, &nominees)
                .await?;
        }
        Ok(self
            .store
            .create_dossier(
                &p.actor(),
                NewDossier {
                    title,
                    unit_id: input.unit_id,
                    authority_id,
                    kind,
                    year,
                    movement_id,
                    cluster_proposal_id: input.cluster_proposal_id,
                    created_by: Some(p.user_id),
                    today: self.today(),
                    nominees,
                },
            )
            .await?)
    }

    /// A dossier made from a cluster's election: the elected unit is the proposing unit or in
    /// its subtree, and the list holds it with the elected award.
    async fn check_cluster_proposal(
        &self,
        id: i64,
        unit_id: i64,
        nominees: &[NewNominee],
    ) -> AppResult<()> {
        let pr = self.store.cluster_proposal(id).await.map_err(|_| {
            invalid(
                "cluster_proposal_id",
                "Không có đề nghị này trong kết quả suy tôn của cụm, khối thi đua",
            )
        })?;
        if pr.unit_id != unit_id && !self.ancestors_of(pr.unit_id).await?.contains(&unit_id) {
            return Err(invalid(
                "cluster_proposal_id",
                format!("{} không thuộc đơn vị đề nghị", pr.unit_name),
            ));
        }
        if !nominees
            .iter()
            .any(|n| n.unit_id == Some(pr.unit_id) && n.award_code == pr.award_code)
        {
            let local = self.store.local_award_kinds().await?;
            return Err(invalid(
                "cluster_proposal_id",
                format!(
                    "Theo kết quả suy tôn, danh sách cần có {} với {}",
                    pr.unit_name,
                    self.award_name(&local, &pr.award_code)
                ),
            ));
        }
        Ok(())
    }

    /// Replaces the nominee list while the unit still holds the dossier (draft, or returned for
    /// supplement); the previous list is kept in the record.
    pub async fn update_nominees(
        &self,
        p: &Principal,
        id: i64,
        version: i64,
        input: &[NomineeInput],
    ) -> AppResult<DossierRow> {
        let d = self.store.dossier(id).await?;
        self.authorize(p, Action::DossierPrepare, d.unit_id).await?;
        if !matches!(d.state, State::Draft | State::Returned) {
            return Err(AppError::Conflict(format!(
                "Hồ sơ đang ở trạng thái «{}»: chỉ sửa danh sách khi còn dự thảo hoặc được trả lại để bổ sung",
                d.state.label()
            )));
        }
        fresh(&d, version)?;
        let list = self.nominees(d.unit_id, input).await?;
        Ok(self
            .store
            .replace_nominees(&p.actor(), id, version, &list)
            .await?)
    }

    /// Units whose dossiers the caller may prepare (for the "new dossier" form).
    pub fn prepare_units(&self, p: &Principal) -> Vec<i64> {
        p.grants
            .iter()
            .filter(|g| g.role == Role::UnitClerk)
            .map(|g| g.unit_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }
}
