//! Nomination dossiers through the use cases, on both backends: the whole path from the unit's
//! draft to the register and a revocation, nothing lost on the way, optimistic concurrency, the
//! simplified procedure, forwarding, duplicates, validation, the public pages and the council's
//! secret vote.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tdkt_app::decisions::{DecisionInput, RegisterQuery};
use tdkt_app::dossiers::{AppraisalInput, DossierInput, NomineeInput, StepInput};
use tdkt_app::testing::{Backend, TestApp, principal};
use tdkt_app::{AppError, AppResult, Principal, on_both, today};
use tdkt_domain::access::Role;
use tdkt_domain::dates::vn;
use tdkt_domain::dossier::council::Choice;
use tdkt_domain::dossier::{CommendationType, State};
use tdkt_domain::person::Birth;
use tdkt_domain::unit::UnitKind;
use tdkt_store::conformance::{new_person, new_unit};
use tdkt_store::{
    Actor, DocumentRow, DossierFilter, DossierRow, EventRow, NewUser, PersonRow, UnitRow,
};
use time::macros::date;

mod appraisal;
mod certificates;
mod council;
mod create;
mod decision;
mod public;
mod walkthrough;
mod workflow;

const DUC_CCCD: &str = "079080001234";
const BINH_CCCD: &str = "079085005678";
/// A reason long enough for an appraisal that differs from (or cannot rely on) the engine.
const CHECKED: &str = "Đã xác minh thành tích tại đơn vị, đủ căn cứ đề nghị";

fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {tag}\n1 0 obj << >> endobj\n%%EOF\n").into_bytes()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn person_nominee(id: i64, award: &str, summary: &str) -> NomineeInput {
    NomineeInput {
        person_id: Some(id),
        unit_id: None,
        award_code: award.into(),
        summary: summary.into(),
    }
}

fn unit_nominee(id: i64, award: &str, summary: &str) -> NomineeInput {
    NomineeInput {
        person_id: None,
        unit_id: Some(id),
        award_code: award.into(),
        summary: summary.into(),
    }
}

/// A bonus rounded up to 10 000 đồng, computed here without the code under test.
fn rounded_up(raw: i64) -> i64 {
    (raw + 9_999) / 10_000 * 10_000
}

fn invalid(e: AppError) -> (String, String) {
    match e {
        AppError::Invalid(i) => (i.field, i.message),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn conflict(e: AppError) -> String {
    match e {
        AppError::Conflict(m) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// A province (the deciding authority) under the nation, a department proposing, a school
/// under it, another department; the Board's and the unit's accounts; five council members.
struct World {
    t: TestApp,
    province: UnitRow,
    dept: UnitRow,
    school: UnitRow,
    clerk: Principal,
    specialist: Principal,
    specialist2: Principal,
    leader: Principal,
    members: Vec<Principal>,
    duc: PersonRow,
    binh: PersonRow,
    outsider: PersonRow,
}

async fn user(t: &TestApp, username: &str, role: Role, unit: i64) -> Principal {
    let u = t
        .store()
        .create_user(
            &Actor::system("test"),
            NewUser {
                username: username.into(),
                display_name: format!("Tài khoản {username}"),
                password_hash: "x".into(),
                grants: vec![(role, unit)],
            },
        )
        .await
        .unwrap();
    principal(u.id, role, unit)
}

async fn world(b: Backend) -> World {
    let t = TestApp::new(b).await;
    let sys = Actor::system("test");
    let s = t.store();
    let nation = s
        .create_unit(&sys, new_unit("vn", "Việt Nam", UnitKind::Nation, None))
        .await
        .unwrap();
    let province = s
        .create_unit(
            &sys,
            new_unit(
                "gia_lai",
                "Tỉnh Gia Lai",
                UnitKind::Province,
                Some(nation.id),
            ),
        )
        .await
        .unwrap();
    let dept = s
        .create_unit(
            &sys,
            new_unit(
                "so_gd",
                "Sở Giáo dục và Đào tạo",
                UnitKind::Department,
                Some(province.id),
            ),
        )
        .await
        .unwrap();
    let school = s
        .create_unit(
            &sys,
            new_unit(
                "thpt_pleiku",
                "Trường THPT Pleiku",
                UnitKind::School,
                Some(dept.id),
            ),
        )
        .await
        .unwrap();
    let elsewhere = s
        .create_unit(
            &sys,
            new_unit("so_yt", "Sở Y tế", UnitKind::Department, Some(province.id)),
        )
        .await
        .unwrap();
    let mut duc = new_person("Nguyễn Văn Đức", dept.id);
    duc.cccd = Some(DUC_CCCD.into());
    duc.birth = Some(Birth::Date(date!(1980 - 03 - 15)));
    let duc = s.create_person(&sys, duc).await.unwrap();
    let mut binh = new_person("Trần Thị Bình", school.id);
    binh.cccd = Some(BINH_CCCD.into());
    binh.birth = Some(Birth::Date(date!(1985 - 07 - 20)));
    let binh = s.create_person(&sys, binh).await.unwrap();
    let outsider = s
        .create_person(&sys, new_person("Phạm Văn Ngoài", elsewhere.id))
        .await
        .unwrap();
    let clerk = user(&t, "canbo", Role::UnitClerk, dept.id).await;
    let specialist = user(&t, "chuyenvien", Role::BoardSpecialist, province.id).await;
    let specialist2 = user(&t, "chuyenvien2", Role::BoardSpecialist, province.id).await;
    let leader = user(&t, "lanhdao", Role::BoardLeader, province.id).await;
    let mut members = Vec::new();
    for i in 0..5 {
        members.push(user(&t, &format!("hoidong{i}"), Role::CouncilMember, province.id).await);
    }
    World {
        t,
        province,
        dept,
        school,
        clerk,
        specialist,
        specialist2,
        leader,
        members,
        duc,
        binh,
        outsider,
    }
}

impl World {
    async fn version(&self, id: i64) -> i64 {
        self.t.store().dossier(id).await.unwrap().version
    }

    /// A step at an explicit version.
    async fn step_at(
        &self,
        p: &Principal,
        id: i64,
        version: i64,
        step: &str,
        reason: Option<&str>,
    ) -> AppResult<DossierRow> {
        self.t
            .app
            .dossier_step(
                p,
                id,
                StepInput {
                    step: step.into(),
                    version,
                    reason: reason.map(str::to_string),
                    days: None,
                },
            )
            .await
    }

    /// A step at the version the dossier is at now.
    async fn step(
        &self,
        p: &Principal,
        id: i64,
        step: &str,
        reason: Option<&str>,
    ) -> AppResult<DossierRow> {
        let v = self.version(id).await;
        self.step_at(p, id, v, step, reason).await
    }

    async fn upload(
        &self,
        id: i64,
        document_id: Option<i64>,
        slot: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> DocumentRow {
        self.t
            .app
            .add_document(&self.clerk, id, document_id, slot, None, filename, bytes)
            .await
            .unwrap()
    }

    async fn draft(&self, kind: &str, nominees: Vec<NomineeInput>) -> DossierRow {
        self.t
            .app
            .create_dossier(
                &self.clerk,
                DossierInput {
                    title: format!("Đề nghị khen thưởng ({kind}) năm 2026"),
                    unit_id: self.dept.id,
                    authority_id: None,
                    kind: kind.into(),
                    year: 2026,
                    movement: None,
                    cluster_proposal_id: None,
                    nominees,
                },
            )
            .await
            .unwrap()
    }

    async fn submitted(&self, kind: &str, nominees: Vec<NomineeInput>) -> DossierRow {
        let d = self.draft(kind, nominees).await;
        self.upload(d.id, None, "to_trinh", "to-trinh.pdf", pdf("tờ trình"))
            .await;
        if kind != "dot_xuat" {
            self.upload(
                d.id,
                None,
                "bao_cao_thanh_tich",
                "bao-cao.pdf",
                pdf("báo cáo"),
            )
            .await;
        }
        self.step(&self.clerk, d.id, "gui", None).await.unwrap()
    }

    async fn appraise(&self, id: i64, nominee_id: i64, result: &str) -> DossierRow {
        self.t
            .app
            .appraise_nominee(
                &self.specialist,
                id,
                AppraisalInput {
                    version: Some(self.version(id).await),
                    nominee_id,
                    result: result.into(),
                    override_reason: Some(CHECKED.into()),
                },
            )
            .await
            .unwrap()
    }

    /// Received, appraised (every nominee `dat`) and finished.
    async fn appraised(&self, kind: &str, nominees: Vec<NomineeInput>) -> DossierRow {
        let d = self.submitted(kind, nominees).await;
        self.step(&self.specialist, d.id, "tiep_nhan", None)
            .await
            .unwrap();
        self.step(&self.specialist, d.id, "tham_dinh", None)
            .await
            .unwrap();
        for n in &d.nominees {
            self.appraise(d.id, n.id, "dat").await;
        }
        self.step(&self.specialist, d.id, "xong_tham_dinh", None)
            .await
            .unwrap()
    }

    /// Published, the consultation over, the council's vote open.
    async fn in_council(&self, nominees: Vec<NomineeInput>) -> DossierRow {
        let d = self.appraised("cong_trang", nominees).await;
        self.step(&self.specialist, d.id, "cong_khai", None)
            .await
            .unwrap();
        // The consultation lasts days; a test cannot wait them out, so its end is moved into
        // the past behind the application's back.
        self.t
            .raw_exec(
                "UPDATE dossiers SET consultation_until = '2000-01-01' WHERE state = 'lay_y_kien'",
            )
            .await;
        self.step(&self.specialist, d.id, "mo_bo_phieu", None)
            .await
            .unwrap()
    }

    async fn issue(&self, id: i64) -> AppResult<tdkt_store::DecisionRow> {
        let version = self.version(id).await;
        self.t
            .app
            .issue_decision(
                &self.leader,
                id,
                DecisionInput {
                    version,
                    signed_on: today().to_string(),
                    signer_name: "Rah Lan Chung".into(),
                    signer_title: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into(),
                    proposal: None,
                },
            )
            .await
    }

    /// The dossiers in one section of the caller's inbox.
    async fn inbox(&self, p: &Principal, key: &str) -> Vec<i64> {
        let sections = self.t.app.inbox(p).await.unwrap();
        let section = sections
            .iter()
            .find(|s| s.key == key)
            .unwrap_or_else(|| panic!("no inbox section {key}"));
        section.items.iter().map(|d| d.id).collect()
    }

    fn nominee(d: &DossierRow, person: Option<i64>, unit: Option<i64>) -> i64 {
        d.nominees
            .iter()
            .find(|n| n.person_id == person && n.unit_id == unit)
            .expect("nominee in the dossier")
            .id
    }
}

/// What a dossier held after the last call: every document version and the timeline.
struct Trail {
    id: i64,
    versions: Vec<(i64, i32, String)>,
    events: Vec<EventRow>,
}

impl Trail {
    fn new(id: i64) -> Self {
        Self {
            id,
            versions: vec![],
            events: vec![],
        }
    }

    /// Nothing that was there is gone (every version still downloads with its hash), and the
    /// timeline kept its past and grew by exactly `added`.
    async fn check(&mut self, w: &World, added: usize, what: &str) {
        let docs = w.t.store().dossier_documents(self.id).await.unwrap();
        let versions: Vec<(i64, i32, String)> = docs
            .iter()
            .flat_map(|d| {
                d.versions
                    .iter()
                    .map(move |v| (d.id, v.version, v.sha256.clone()))
            })
            .collect();
        for v in &self.versions {
            assert!(versions.contains(v), "{what}: lost document version {v:?}");
        }
        for v in docs.iter().flat_map(|d| &d.versions) {
            let (_, mime, bytes) =
                w.t.app
                    .document_file(&w.specialist, self.id, &v.sha256)
                    .await
                    .unwrap();
            assert_eq!(sha256_hex(&bytes), v.sha256, "{what}");
            assert_eq!(mime, v.mime, "{what}");
            assert_eq!(bytes.len() as i64, v.size, "{what}");
        }
        let events = w.t.store().dossier_events(self.id).await.unwrap();
        assert_eq!(
            events.len(),
            self.events.len() + added,
            "{what}: new events {:#?}",
            &events[self.events.len().min(events.len())..]
        );
        assert_eq!(
            events[..self.events.len()],
            self.events[..],
            "{what}: the timeline's past changed"
        );
        self.versions = versions;
        self.events = events;
    }
}

/// A refused call: an error, and neither the audit log nor the dossier's version moved.
async fn refused<T: std::fmt::Debug>(
    w: &World,
    id: Option<i64>,
    call: impl Future<Output = AppResult<T>>,
) -> AppError {
    let head = w.t.store().audit_head().await.unwrap();
    let version = match id {
        Some(id) => Some(w.version(id).await),
        None => None,
    };
    let e = call.await.expect_err("the call must be refused");
    assert_eq!(
        w.t.store().audit_head().await.unwrap(),
        head,
        "{e:?}: something was written"
    );
    if let (Some(id), Some(v)) = (id, version) {
        assert_eq!(w.version(id).await, v, "{e:?}: the version moved");
    }
    e
}
