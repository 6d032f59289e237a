//! The workflow: one step at a time (the domain's state machine decides, the store applies it
//! only at the version the caller saw), with what each step needs first and the time limit of
//! the state it leads to; and the inbox of each role.

use serde::{Deserialize, Serialize};
use tdkt_domain::access::{Action, Role, scope_roots};
use tdkt_domain::dossier::council::CouncilBallotStatus;
use tdkt_domain::dossier::{AppraisalResult, CommendationType, DocumentSlot, State, Step, next};
use tdkt_domain::text::tidy;
use tdkt_store::*;
use time::Duration;

use super::{InboxSection, fresh, invalid};
use crate::{App, AppError, AppResult, Principal};

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct StepInput {
    /// A step code of docs/dossiers.md (`gui`, `tiep_nhan`, `tra_lai`, …).
    pub step: String,
    /// The dossier version the caller saw.
    pub version: i64,
    pub reason: Option<String>,
    /// For `cong_khai`: days on the public page (default from the settings).
    pub days: Option<u32>,
}

impl App {
    /// Takes one workflow step. The state machine decides; the store applies it only if the
    /// dossier is still at the version the caller saw.
    pub async fn dossier_step(
        &self,
        p: &Principal,
        id: i64,
        input: StepInput,
    ) -> AppResult<DossierRow> {
        let step = Step::parse("step", input.step.trim())?;
        if step == Step::IssueDecision {
            return Err(invalid(
                "step",
                "Ban hành quyết định bằng mẫu quyết định (số, ngày ký, người ký)",
            ));
        }
        if step == Step::OpenVote {
            return self
                .open_council_vote(p, id, input.version)
                .await
                .map(|(d, _)| d);
        }
        let d = self.store.dossier(id).await?;
        let roles = self.dossier_roles(p, &d).await?;
        if roles.is_empty() {
            return Err(AppError::forbidden());
        }
        fresh(&d, input.version)?;
        let reason = input.reason.as_deref().map(tidy).filter(|r| !r.is_empty());
        let to = self.decide_step(&d, step, &roles, reason.as_deref())?;
        let mut consultation_until = None;
        let now = self.today();
        match step {
            Step::Submit | Step::Resubmit => {
                let docs = self.store.dossier_documents(id).await?;
                let has = |slot: DocumentSlot| docs.iter().any(|x| x.slot == slot);
                let mut need = vec![DocumentSlot::Proposal];
                if d.kind != CommendationType::DotXuat {
                    need.push(DocumentSlot::Report);
                }
                let missing: Vec<&str> = need
                    .into_iter()
                    .filter(|s| !has(*s))
                    .map(DocumentSlot::label)
                    .collect();
                if !missing.is_empty() {
                    return Err(invalid(
                        "tai_lieu",
                        format!("Hồ sơ còn thiếu: {}", missing.join("; ")),
                    ));
                }
                if d.nominees.is_empty() {
                    return Err(invalid(
                        "nominees",
                        "Hồ sơ chưa có người, tập thể được đề nghị",
                    ));
                }
            }
            Step::FinishAppraisal => {
                let left: Vec<&str> = d
                    .nominees
                    .iter()
                    .filter(|n| n.result.is_none())
                    .map(|n| n.name.as_str())
                    .collect();
                if !left.is_empty() {
                    return Err(invalid(
                        "tham_dinh",
                        format!("Chưa ghi kết quả thẩm định của: {}", left.join(", ")),
                    ));
                }
            }
            Step::Publish => {
                let c = &self.procedure.consultation;
                let days = input.days.unwrap_or(c.default_days);
                if days == 0 || days > c.max_days {
                    return Err(invalid(
                        "so_ngay",
                        format!("Số ngày lấy ý kiến phải từ 1 đến {}", c.max_days),
                    ));
                }
                if !d
                    .nominees
                    .iter()
                    .any(|n| n.result == Some(AppraisalResult::Passed))
                {
                    return Err(invalid(
                        "tham_dinh",
                        "Không có người, tập thể nào đạt thẩm định để công khai",
                    ));
                }
                consultation_until = Some(now + Duration::days(days as i64));
            }
            Step::Approve => {
                if !self.above_power(&d).await?.is_empty() {
                    return Err(AppError::Conflict(
                        "Hồ sơ có hình thức vượt thẩm quyền: hãy chuyển cấp trên".into(),
                    ));
                }
                if d.state == State::CouncilVote {
                    let ballot = self.store.council_ballot(id).await?;
                    if ballot
                        .as_ref()
                        .is_none_or(|b| b.status != CouncilBallotStatus::Closed)
                    {
                        return Err(AppError::Conflict("Hội đồng chưa kết thúc bỏ phiếu".into()));
                    }
                    if !d.nominees.iter().any(|n| n.council_passed == Some(true)) {
                        return Err(AppError::Conflict(
                            "Không có người, tập thể nào đạt tỷ lệ phiếu của Hội đồng".into(),
                        ));
                    }
                } else if !d
                    .nominees
                    .iter()
                    .any(|n| n.result == Some(AppraisalResult::Passed))
                {
                    return Err(AppError::Conflict(
                        "Không có người, tập thể nào đạt thẩm định".into(),
                    ));
                }
            }
            Step::Forward => {
                if self.above_power(&d).await?.is_empty() {
                    return Err(AppError::Conflict(
                        "Các hình thức đề nghị đều trong thẩm quyền; không cần chuyển cấp trên"
                            .into(),
                    ));
                }
                // After the council's vote: only once it is counted, and someone passed it.
                if d.state == State::CouncilVote {
                    let closed = self
                        .store
                        .council_ballot(id)
                        .await?
                        .is_some_and(|b| b.status == CouncilBallotStatus::Closed);
                    if !closed {
                        return Err(AppError::Conflict("Hội đồng chưa kết thúc bỏ phiếu".into()));
                    }
                    if !d.nominees.iter().any(|n| n.council_passed == Some(true)) {
                        return Err(AppError::Conflict(
                            "Không có người, tập thể nào đạt tỷ lệ phiếu của Hội đồng".into(),
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(self
            .store
            .move_dossier(
                &p.actor(),
                id,
                DossierMove {
                    expected_version: input.version,
                    from: d.state,
                    to,
                    step,
                    reason,
                    today: now,
                    due_on: self.procedure.due(to, d.kind, now),
                    consultation_until,
                    revoke_awards: step == Step::Revoke,
                },
            )
            .await?)
    }

    /// Which state a step leads to for the caller, trying each of their roles.
    pub(crate) fn decide_step(
        &self,
        d: &DossierRow,
        step: Step,
        roles: &[Role],
        reason: Option<&str>,
    ) -> AppResult<State> {
        if roles.is_empty() {
            return Err(AppError::forbidden());
        }
        let mut last = None;
        for r in roles {
            match next(d.state, step, *r, d.kind, reason) {
                Ok(s) => return Ok(s),
                Err(e) => last = Some(e),
            }
        }
        Err(match last.expect("at least one role") {
            tdkt_domain::dossier::Refusal::NotFromHere(m) => AppError::Conflict(m),
            tdkt_domain::dossier::Refusal::NotYourRole(m) => AppError::Forbidden(m),
            tdkt_domain::dossier::Refusal::Reason(i) => AppError::Invalid(i),
        })
    }

    /// The inbox sections for the caller's roles.
    pub async fn inbox(&self, p: &Principal) -> AppResult<Vec<InboxSection>> {
        let has = |r: Role| p.grants.iter().any(|g| g.role == r);
        let roots = |r: Role| -> Vec<i64> {
            p.grants
                .iter()
                .filter(|g| g.role == r)
                .map(|g| g.unit_id)
                .collect()
        };
        let mut out = Vec::new();
        let list = |f: DossierFilter| async move { self.store.list_dossiers(&f).await };
        if has(Role::UnitClerk) {
            out.push(InboxSection {
                key: "don_vi",
                title: "Hồ sơ của đơn vị",
                items: list(DossierFilter {
                    unit_roots: Some(roots(Role::UnitClerk)),
                    limit: 200,
                    ..Default::default()
                })
                .await?,
            });
        }
        if has(Role::BoardSpecialist) {
            let r = Some(roots(Role::BoardSpecialist));
            for (key, title, states) in [
                ("tiep_nhan", "Chờ tiếp nhận", vec![State::Submitted]),
                (
                    "tham_dinh",
                    "Chờ thẩm định",
                    vec![State::Received, State::UnderAppraisal],
                ),
                (
                    "bo_sung",
                    "Đã trả lại, chờ đơn vị bổ sung",
                    vec![State::Returned],
                ),
                (
                    "cong_khai",
                    "Đã thẩm định, đang lấy ý kiến, chờ Hội đồng",
                    vec![State::Appraised, State::Consultation, State::CouncilVote],
                ),
                (
                    "trao",
                    "Đã có quyết định, chờ trao",
                    vec![State::DecisionIssued],
                ),
            ] {
                out.push(InboxSection {
                    key,
                    title,
                    items: list(DossierFilter {
                        authority_roots: r.clone(),
                        states: Some(states),
                        limit: 200,
                        ..Default::default()
                    })
                    .await?,
                });
            }
            let open: Vec<State> = State::ALL.iter().copied().filter(|s| s.is_open()).collect();
            out.push(InboxSection {
                key: "qua_han",
                title: "Quá hạn xử lý",
                items: list(DossierFilter {
                    authority_roots: r,
                    states: Some(open),
                    due_before: Some(self.today()),
                    limit: 200,
                    ..Default::default()
                })
                .await?,
            });
        }
        if has(Role::CouncilMember) {
            let mine = list(DossierFilter {
                authority_roots: Some(scope_roots(&p.grants, Action::DossierRead)),
                states: Some(vec![State::CouncilVote]),
                limit: 200,
                ..Default::default()
            })
            .await?;
            let mut items = Vec::new();
            for d in mine {
                if let Some(b) = self.store.council_ballot(d.id).await?
                    && b.status == CouncilBallotStatus::Open
                {
                    let rules: tdkt_domain::dossier::council::CouncilRules =
                        serde_json::from_str(&b.rules_json)
                            .map_err(|e| AppError::Internal(e.to_string()))?;
                    let voted = self
                        .store
                        .council_voters(b.id)
                        .await?
                        .iter()
                        .any(|v| v.user_id == p.user_id);
                    if rules.members.contains(&p.user_id) && !voted {
                        items.push(d);
                    }
                }
            }
            out.push(InboxSection {
                key: "bo_phieu",
                title: "Chờ bỏ phiếu",
                items,
            });
        }
        if has(Role::BoardLeader) {
            let r = Some(roots(Role::BoardLeader));
            out.push(InboxSection {
                key: "duyet",
                title: "Chờ duyệt",
                items: list(DossierFilter {
                    authority_roots: r.clone(),
                    states: Some(vec![State::CouncilVote, State::Appraised]),
                    limit: 200,
                    ..Default::default()
                })
                .await?
                .into_iter()
                .filter(|d| d.state == State::CouncilVote || d.kind == CommendationType::DotXuat)
                .collect(),
            });
            out.push(InboxSection {
                key: "ky",
                title: "Chờ ký quyết định",
                items: list(DossierFilter {
                    authority_roots: r,
                    states: Some(vec![State::Approved]),
                    limit: 200,
                    ..Default::default()
                })
                .await?,
            });
        }
        Ok(out)
    }
}
