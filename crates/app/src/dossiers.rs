//! Nomination dossiers: create and edit the nominee list, attach documents, take workflow
//! steps (domain::dossier decides, the store applies with optimistic concurrency), appraise each
//! nominee with the eligibility engine, detect duplicates, the inboxes per role, and the public
//! consultation.

use std::collections::BTreeSet;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, Role, allows, reach, scope_roots};
use tdkt_domain::dossier::council::CouncilBallotStatus;
use tdkt_domain::dossier::council::{authority_level, level_rank};
use tdkt_domain::dossier::{
    AppraisalResult, CommendationType, CommentStatus, DocumentSlot, NomineeVerdict, State, Step,
    TRANSITIONS, next,
};
use tdkt_domain::eligibility::CheckRequest;
use tdkt_domain::person::parse_year;
use tdkt_domain::text::{fold, tidy};
use tdkt_domain::unit::UnitKind;
use tdkt_store::*;
use time::Duration;

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
    pub movement: Option<String>,
    pub cluster_proposal_id: Option<i64>,
    pub nominees: Vec<NomineeInput>,
}

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

/// A file's type from its first bytes (the name and the browser's word are not trusted).
pub fn sniff(bytes: &[u8], filename: &str) -> Option<&'static str> {
    let lower = filename.to_lowercase();
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"PK\x03\x04") {
        // DOCX and XLSX are ZIP files; their parts name what they are.
        let head = &bytes[..bytes.len().min(64 * 1024)];
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        if has(b"word/") || lower.ends_with(".docx") && has(b"[Content_Types].xml") {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else if has(b"xl/") || lower.ends_with(".xlsx") && has(b"[Content_Types].xml") {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        } else {
            None
        }
    } else {
        None
    }
}

/// What a dossier page shows.
pub struct DossierView {
    pub dossier: DossierRow,
    pub documents: Vec<DocumentRow>,
    pub events: Vec<EventRow>,
    pub comments: Vec<CommentRow>,
    pub duplicates: Vec<DuplicateRow>,
    /// Per nominee: the engine's verdict now (or as stored at appraisal), as (kind, summary).
    pub checks: Vec<NomineeCheck>,
    /// Steps the caller may take now.
    pub steps: Vec<Step>,
    pub may_prepare: bool,
    /// May attach files now (the unit while it holds the dossier, the Board while it is open).
    pub may_upload: bool,
    pub may_appraise: bool,
    pub may_moderate: bool,
    /// Award codes above the authority's power.
    pub above_power: Vec<String>,
    pub council: Option<CouncilBallotRow>,
    pub decision: Option<DecisionRow>,
    pub may_vote: bool,
    pub has_voted: bool,
    pub may_record_written: bool,
    pub may_decide: bool,
}

/// The eligibility check shown for one nominee.
#[derive(Debug, Clone)]
pub struct NomineeCheck {
    pub nominee_id: i64,
    pub verdict: NomineeVerdict,
    /// The engine's explanation, one line per criterion.
    pub lines: Vec<String>,
}

/// A proposal a cluster's ballot elected, with the names a page shows.
#[derive(Debug, Clone)]
pub struct ElectedProposal {
    pub proposal: ProposalRow,
    pub cluster_name: String,
    pub award_name: String,
}

/// One section of an inbox.
pub struct InboxSection {
    pub key: &'static str,
    pub title: &'static str,
    pub items: Vec<DossierSummary>,
}

/// A dossier as the public consultation page shows it: names, units, awards, achievements;
/// nothing private (no identity numbers, birth dates, ratings or internal notes).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicDossier {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub unit_name: String,
    pub authority_name: String,
    pub until: String,
    pub nominees: Vec<PublicNominee>,
    pub comments: Vec<PublicComment>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicNominee {
    pub name: String,
    pub detail: String,
    pub award: String,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicComment {
    pub author: String,
    pub body: String,
    pub at: String,
}

fn invalid(field: impl Into<String>, msg: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid::new(field, msg))
}

/// The engine's verdict in lines for people: each criterion with its citation, then what is
/// missing.
fn verdict_lines(v: &tdkt_domain::eligibility::Verdict) -> Vec<String> {
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

/// Refuses a change made on a stale page: someone else changed the dossier since.
pub(crate) fn fresh(d: &DossierRow, version: i64) -> AppResult<()> {
    if d.version == version {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "Hồ sơ {} vừa được người khác cập nhật (nay ở trạng thái «{}»); hãy tải lại trang để xem thay đổi",
            d.code,
            d.state.label()
        )))
    }
}

/// The action a role takes a workflow step under, and on which unit it is checked.
fn step_action(role: Role) -> Option<Action> {
    match role {
        Role::UnitClerk => Some(Action::DossierPrepare),
        Role::BoardSpecialist => Some(Action::DossierProcess),
        Role::BoardLeader => Some(Action::DossierDecide),
        _ => None,
    }
}

impl App {
    async fn ancestors_of(&self, unit_id: i64) -> AppResult<Vec<i64>> {
        Ok(self
            .store
            .unit_ancestors(unit_id)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect())
    }

    /// The roles the caller holds that may act on this dossier for `action`: clerks on the
    /// proposing unit, the Board on the authority.
    async fn dossier_roles(&self, p: &Principal, d: &DossierRow) -> AppResult<Vec<Role>> {
        let unit_anc = self.ancestors_of(d.unit_id).await?;
        let auth_anc = self.ancestors_of(d.authority_id).await?;
        let mut roles = Vec::new();
        for g in &p.grants {
            let Some(action) = step_action(g.role) else {
                continue;
            };
            let (target, anc) = if g.role == Role::UnitClerk {
                (d.unit_id, &unit_anc)
            } else {
                (d.authority_id, &auth_anc)
            };
            if allows(g.role, action, reach(g.unit_id, target, anc)) && !roles.contains(&g.role) {
                roles.push(g.role);
            }
        }
        Ok(roles)
    }

    /// Read access: on the proposing unit or on the authority.
    /// A dossier the caller may read (the proposing unit's or the deciding authority's).
    pub async fn dossier(&self, p: &Principal, id: i64) -> AppResult<DossierRow> {
        self.dossier_for_read(p, id).await
    }

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

    pub(crate) async fn dossier_for_read(&self, p: &Principal, id: i64) -> AppResult<DossierRow> {
        let d = self.store.dossier(id).await?;
        if self
            .authorize(p, Action::DossierRead, d.unit_id)
            .await
            .is_err()
        {
            self.authorize(p, Action::DossierRead, d.authority_id)
                .await?;
        }
        Ok(d)
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

    /// The power of an authority: the highest award level it grants itself.
    async fn authority_rank(&self, authority_id: i64) -> AppResult<u8> {
        let u = self.store.unit(authority_id).await?;
        Ok(level_rank(authority_level(u.kind)))
    }

    async fn above_power(&self, d: &DossierRow) -> AppResult<Vec<String>> {
        let rank = self.authority_rank(d.authority_id).await?;
        let local = self.store.local_award_kinds().await?;
        let mut out = Vec::new();
        for n in &d.nominees {
            let level = self
                .rules
                .catalog
                .get(&n.award_code)
                .map(|a| a.level.clone())
                .or_else(|| {
                    local
                        .iter()
                        .find(|k| k.code == n.award_code)
                        .map(|k| k.level.clone())
                })
                .unwrap_or_default();
            if level_rank(&level) > rank && !out.contains(&n.award_code) {
                out.push(n.award_code.clone());
            }
        }
        Ok(out)
    }

    /// Checks a nominee list against the master data and the catalog.
    async fn nominees(&self, unit_id: i64, input: &[NomineeInput]) -> AppResult<Vec<NewNominee>> {
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
                    movement: input.movement.map(|m| tidy(&m)).filter(|m| !m.is_empty()),
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

    /// Attaches a file (a new document, or a new version of one). Checked by content, size
    /// limited, stored once by hash; nothing is ever replaced.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_document(
        &self,
        p: &Principal,
        id: i64,
        document_id: Option<i64>,
        slot: &str,
        title: Option<&str>,
        filename: &str,
        bytes: Vec<u8>,
    ) -> AppResult<DocumentRow> {
        let d = self.store.dossier(id).await?;
        let roles = self.dossier_roles(p, &d).await?;
        let clerk_may =
            roles.contains(&Role::UnitClerk) && matches!(d.state, State::Draft | State::Returned);
        let board_may = roles
            .iter()
            .any(|r| matches!(r, Role::BoardSpecialist | Role::BoardLeader))
            && d.state.is_open();
        if !clerk_may && !board_may {
            if roles.is_empty() {
                return Err(AppError::forbidden());
            }
            return Err(AppError::Conflict(format!(
                "Hồ sơ đang ở trạng thái «{}»: không thêm tài liệu lúc này",
                d.state.label()
            )));
        }
        let Ok(slot) = DocumentSlot::try_from(slot) else {
            return Err(invalid(
                "loai",
                format!("Loại tài liệu «{slot}» không có trong danh mục"),
            ));
        };
        let max = self.procedure.documents.max_mb as usize * 1024 * 1024;
        if bytes.is_empty() {
            return Err(invalid("tep", "Tệp rỗng"));
        }
        if bytes.len() > max {
            return Err(invalid(
                "tep",
                format!(
                    "Tệp «{filename}» lớn {:.1} MB, vượt giới hạn {} MB",
                    bytes.len() as f64 / 1_048_576.0,
                    self.procedure.documents.max_mb
                ),
            ));
        }
        let Some(mime) = sniff(&bytes, filename) else {
            return Err(invalid(
                "tep",
                format!(
                    "Tệp «{filename}» không phải PDF, DOCX, XLSX, PNG hoặc JPEG (kiểm tra theo nội dung tệp)"
                ),
            ));
        };
        let filename: String = filename
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
            .take(200)
            .collect();
        let title = title
            .map(tidy)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| slot.label().to_string());
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Ok(self
            .store
            .add_document(
                &p.actor(),
                id,
                NewDocument {
                    document_id,
                    slot,
                    title,
                    filename: if filename.is_empty() {
                        "tep".into()
                    } else {
                        filename
                    },
                    mime: mime.to_string(),
                    sha256,
                    bytes,
                    uploaded_by: Some(p.user_id),
                },
            )
            .await?)
    }

    /// A stored file of a dossier the caller may read.
    pub async fn document_file(
        &self,
        p: &Principal,
        id: i64,
        sha256: &str,
    ) -> AppResult<(String, String, Vec<u8>)> {
        self.dossier_for_read(p, id).await?;
        let docs = self.store.dossier_documents(id).await?;
        let name = docs
            .iter()
            .flat_map(|d| d.versions.iter())
            .find(|v| v.sha256 == sha256)
            .map(|v| v.filename.clone())
            .ok_or_else(|| AppError::NotFound("tài liệu trong hồ sơ này".into()))?;
        let (mime, bytes) = self.store.blob(sha256).await?;
        Ok((name, mime, bytes))
    }

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

    /// The engine's verdict for one nominee on the dossier's year, as (kind, json).
    async fn nominee_verdict(
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

    pub async fn dossier_view(&self, p: &Principal, id: i64) -> AppResult<DossierView> {
        let d = self.dossier_for_read(p, id).await?;
        let roles = self.dossier_roles(p, &d).await?;
        let mut steps = Vec::new();
        for t in TRANSITIONS.iter().filter(|t| t.from == d.state) {
            if steps.contains(&t.step) {
                continue;
            }
            let reason = t.step.needs_reason().then_some("lý do đủ dài");
            if roles
                .iter()
                .any(|r| next(d.state, t.step, *r, d.kind, reason).is_ok())
            {
                steps.push(t.step);
            }
        }
        let mut checks = Vec::new();
        for n in &d.nominees {
            // An appraised nominee shows the verdict as it was when the result was recorded.
            let stored = n
                .verdict_json
                .as_deref()
                .filter(|_| n.result.is_some())
                .and_then(|j| serde_json::from_str::<tdkt_domain::eligibility::Verdict>(j).ok());
            let (verdict, _, lines) = match (n.verdict, stored) {
                (Some(v), Some(verdict)) => (v, String::new(), verdict_lines(&verdict)),
                _ => self.nominee_verdict(&d, n).await?,
            };
            checks.push(NomineeCheck {
                nominee_id: n.id,
                verdict,
                lines,
            });
        }
        let council = self.store.council_ballot(id).await?;
        let (may_vote, has_voted) = match &council {
            Some(b) if b.status == CouncilBallotStatus::Open => {
                let rules: tdkt_domain::dossier::council::CouncilRules =
                    serde_json::from_str(&b.rules_json)
                        .map_err(|e| AppError::Internal(e.to_string()))?;
                let member = rules.members.contains(&p.user_id);
                let voted = self
                    .store
                    .council_voters(b.id)
                    .await?
                    .iter()
                    .any(|v| v.user_id == p.user_id);
                (member, voted)
            }
            _ => (false, false),
        };
        let board = roles.contains(&Role::BoardSpecialist);
        let board_all = board || roles.contains(&Role::BoardLeader);
        Ok(DossierView {
            documents: self.store.dossier_documents(id).await?,
            events: self.store.dossier_events(id).await?,
            // Comments waiting for moderation or hidden are the Board's; the others see what
            // was approved (as the public does), without contacts.
            comments: self
                .store
                .dossier_comments(id)
                .await?
                .into_iter()
                .filter(|c| board_all || c.status == CommentStatus::Approved)
                .map(|c| CommentRow {
                    contact: if board_all { c.contact } else { None },
                    ..c
                })
                .collect(),
            duplicates: self.store.nominee_duplicates(id).await?,
            checks,
            steps,
            may_prepare: roles.contains(&Role::UnitClerk)
                && matches!(d.state, State::Draft | State::Returned),
            may_upload: (roles.contains(&Role::UnitClerk)
                && matches!(d.state, State::Draft | State::Returned))
                || (board_all && d.state.is_open()),
            may_appraise: board && d.state == State::UnderAppraisal,
            may_moderate: board,
            above_power: self.above_power(&d).await?,
            may_record_written: board
                && council
                    .as_ref()
                    .is_some_and(|b| b.status == CouncilBallotStatus::Open),
            may_decide: roles.contains(&Role::BoardLeader) && d.state == State::Approved,
            decision: self.store.decision_of(id).await?,
            council,
            may_vote,
            has_voted,
            dossier: d,
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

    /// Moderates a public comment: `da_duyet` attaches it to the dossier (and shows it on the
    /// public page), `an` hides it.
    pub async fn moderate_comment(
        &self,
        p: &Principal,
        dossier_id: i64,
        comment_id: i64,
        status: &str,
    ) -> AppResult<CommentRow> {
        let d = self.store.dossier(dossier_id).await?;
        self.authorize(p, Action::DossierProcess, d.authority_id)
            .await?;
        let Some(status) = CommentStatus::try_from(status)
            .ok()
            .filter(|s| CommentStatus::DECISIONS.contains(s))
        else {
            return Err(invalid("trang_thai", "Chọn «da_duyet» hoặc «an»"));
        };
        if !self
            .store
            .dossier_comments(dossier_id)
            .await?
            .iter()
            .any(|c| c.id == comment_id)
        {
            return Err(AppError::NotFound("ý kiến của hồ sơ này".into()));
        }
        Ok(self
            .store
            .moderate_comment(&p.actor(), comment_id, status)
            .await?)
    }

    // ---- public consultation (no login)

    /// Dossiers open for public comment today.
    pub async fn public_consultations(&self) -> AppResult<Vec<DossierSummary>> {
        Ok(self
            .store
            .list_dossiers(&DossierFilter {
                consultation_on: Some(self.today()),
                limit: 200,
                ..Default::default()
            })
            .await?)
    }

    pub async fn public_dossier(&self, id: i64) -> AppResult<PublicDossier> {
        let d = self.store.dossier(id).await?;
        let until = match d.consultation_until {
            Some(u) if d.state == State::Consultation && u >= self.today() => u,
            _ => return Err(AppError::NotFound("hồ sơ đang lấy ý kiến".into())),
        };
        let local = self.store.local_award_kinds().await?;
        let comments = self.store.dossier_comments(id).await?;
        Ok(PublicDossier {
            id: d.id,
            code: d.code.clone(),
            title: d.title.clone(),
            unit_name: d.unit_name.clone(),
            authority_name: d.authority_name.clone(),
            until: tdkt_domain::dates::vn(until),
            // Only nominees that passed appraisal are put to the public.
            nominees: d
                .nominees
                .iter()
                .filter(|n| n.result == Some(AppraisalResult::Passed))
                .map(|n| PublicNominee {
                    name: n.name.clone(),
                    detail: n.detail.clone(),
                    award: self.award_name(&local, &n.award_code),
                    summary: n.summary.clone(),
                })
                .collect(),
            comments: comments
                .into_iter()
                .filter(|c| c.status == CommentStatus::Approved)
                .map(|c| PublicComment {
                    author: c.author,
                    body: c.body,
                    at: tdkt_domain::dates::vn(c.at.to_offset(crate::VN_OFFSET).date()),
                })
                .collect(),
        })
    }

    /// A comment from the public page: a honeypot field that people leave empty, a limit per
    /// address and hour, and moderation before anything is shown.
    pub async fn add_public_comment(
        &self,
        id: i64,
        author: &str,
        contact: Option<&str>,
        body: &str,
        honeypot: &str,
        ip: IpAddr,
    ) -> AppResult<()> {
        self.public_dossier(id).await?;
        if !honeypot.trim().is_empty() {
            // A bot filled the hidden field: answer as if accepted, store nothing.
            return Ok(());
        }
        let author = tidy(author);
        let body = tidy(body);
        if author.chars().count() < 2 || author.chars().count() > 120 {
            return Err(invalid("ho_ten", "Cần ghi họ tên (2–120 ký tự)"));
        }
        if body.chars().count() < 10 || body.chars().count() > 5000 {
            return Err(invalid("noi_dung", "Ý kiến cần từ 10 đến 5000 ký tự"));
        }
        let now = time::OffsetDateTime::now_utc();
        let max = self.procedure.consultation.comments_per_hour;
        if self
            .comment_throttle
            .blocked(ip, now, Duration::hours(1), max)
        {
            return Err(AppError::TooMany(format!(
                "Đã nhận {max} ý kiến từ địa chỉ này trong một giờ; vui lòng gửi lại sau"
            )));
        }
        self.comment_throttle.fail(ip, now);
        self.store
            .add_comment(
                &tdkt_store::Actor::system("cong_khai"),
                id,
                NewComment {
                    author,
                    contact: contact.map(tidy).filter(|c| !c.is_empty()),
                    body,
                },
            )
            .await?;
        Ok(())
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
