//! What the dossier tests build on: a province with a proposing department, a school and
//! another department, the Board's and the unit's accounts and five council members
//! (`world`); dossiers brought to a given state (`World::draft` … `World::decided`); the
//! checks that nothing was lost (`Trail`) and that a refused call wrote nothing (`refused`).

use std::collections::BTreeMap;
use std::future::Future;

use sha2::{Digest, Sha256};
use tdkt_app::decision::DecisionInput;
use tdkt_app::dossiers::{AppraisalInput, DossierInput, NomineeInput, StepInput};
use tdkt_app::testing::{Backend, TestApp, principal};
use tdkt_app::{AppError, AppResult, Principal, today};
use tdkt_domain::access::Role;
use tdkt_domain::dossier::council::Choice;
use tdkt_domain::person::Birth;
use tdkt_domain::unit::UnitKind;
use tdkt_store::conformance::{new_person, new_unit};
use tdkt_store::{Actor, DocumentRow, DossierRow, EventRow, NewUser, PersonRow, UnitRow};
use time::macros::date;

pub(super) const DUC_CCCD: &str = "079080001234";
pub(super) const BINH_CCCD: &str = "079085005678";
/// A reason long enough for an appraisal that differs from (or cannot rely on) the engine.
pub(super) const CHECKED: &str = "Đã xác minh thành tích tại đơn vị, đủ căn cứ đề nghị";

pub(super) fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {tag}\n1 0 obj << >> endobj\n%%EOF\n").into_bytes()
}

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(super) fn person_nominee(id: i64, award: &str, summary: &str) -> NomineeInput {
    NomineeInput {
        person_id: Some(id),
        unit_id: None,
        award_code: award.into(),
        summary: summary.into(),
    }
}

pub(super) fn unit_nominee(id: i64, award: &str, summary: &str) -> NomineeInput {
    NomineeInput {
        person_id: None,
        unit_id: Some(id),
        award_code: award.into(),
        summary: summary.into(),
    }
}

/// A bonus rounded up to 10 000 đồng, computed here without the code under test.
pub(super) fn rounded_up(raw: i64) -> i64 {
    (raw + 9_999) / 10_000 * 10_000
}

pub(super) fn invalid(e: AppError) -> (String, String) {
    match e {
        AppError::Invalid(i) => (i.field, i.message),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

pub(super) fn conflict(e: AppError) -> String {
    match e {
        AppError::Conflict(m) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// A province (the deciding authority) under the nation, a department proposing, a school
/// under it, another department; the Board's and the unit's accounts; five council members.
pub(super) struct World {
    pub(super) t: TestApp,
    pub(super) province: UnitRow,
    pub(super) dept: UnitRow,
    pub(super) school: UnitRow,
    pub(super) clerk: Principal,
    pub(super) specialist: Principal,
    pub(super) specialist2: Principal,
    pub(super) leader: Principal,
    pub(super) members: Vec<Principal>,
    pub(super) duc: PersonRow,
    pub(super) binh: PersonRow,
    pub(super) outsider: PersonRow,
}

pub(super) async fn user(t: &TestApp, username: &str, role: Role, unit: i64) -> Principal {
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

pub(super) async fn world(b: Backend) -> World {
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
    pub(super) async fn version(&self, id: i64) -> i64 {
        self.t.store().dossier(id).await.unwrap().version
    }

    /// A step at an explicit version.
    pub(super) async fn step_at(
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
    pub(super) async fn step(
        &self,
        p: &Principal,
        id: i64,
        step: &str,
        reason: Option<&str>,
    ) -> AppResult<DossierRow> {
        let v = self.version(id).await;
        self.step_at(p, id, v, step, reason).await
    }

    pub(super) async fn upload(
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

    pub(super) async fn draft(&self, kind: &str, nominees: Vec<NomineeInput>) -> DossierRow {
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
                    movement_id: None,
                    cluster_proposal_id: None,
                    nominees,
                },
            )
            .await
            .unwrap()
    }

    pub(super) async fn submitted(&self, kind: &str, nominees: Vec<NomineeInput>) -> DossierRow {
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

    pub(super) async fn appraise(&self, id: i64, nominee_id: i64, result: &str) -> DossierRow {
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

    /// Received and under appraisal.
    pub(super) async fn under_appraisal(
        &self,
        kind: &str,
        nominees: Vec<NomineeInput>,
    ) -> DossierRow {
        let d = self.submitted(kind, nominees).await;
        self.step(&self.specialist, d.id, "tiep_nhan", None)
            .await
            .unwrap();
        self.step(&self.specialist, d.id, "tham_dinh", None)
            .await
            .unwrap()
    }

    /// Received, appraised with the result given for each nominee, and finished.
    pub(super) async fn appraised_as(
        &self,
        kind: &str,
        nominees: Vec<(NomineeInput, &str)>,
    ) -> DossierRow {
        let results: Vec<(Option<i64>, Option<i64>, &str)> = nominees
            .iter()
            .map(|(n, r)| (n.person_id, n.unit_id, *r))
            .collect();
        let d = self
            .under_appraisal(kind, nominees.into_iter().map(|(n, _)| n).collect())
            .await;
        for (person, unit, result) in results {
            self.appraise(d.id, World::nominee(&d, person, unit), result)
                .await;
        }
        self.step(&self.specialist, d.id, "xong_tham_dinh", None)
            .await
            .unwrap()
    }

    /// Received, appraised (every nominee `dat`) and finished.
    pub(super) async fn appraised(&self, kind: &str, nominees: Vec<NomineeInput>) -> DossierRow {
        self.appraised_as(kind, nominees.into_iter().map(|n| (n, "dat")).collect())
            .await
    }

    /// The consultation's end moved into the past behind the application's back: it lasts
    /// days, and a test cannot wait them out.
    pub(super) async fn end_consultation(&self) {
        self.t
            .raw_exec(
                "UPDATE dossiers SET consultation_until = '2000-01-01' WHERE state = 'lay_y_kien'",
            )
            .await;
    }

    /// A merit dossier appraised as given and published for comment.
    pub(super) async fn in_consultation_as(
        &self,
        nominees: Vec<(NomineeInput, &str)>,
    ) -> DossierRow {
        let d = self.appraised_as("cong_trang", nominees).await;
        self.step(&self.specialist, d.id, "cong_khai", None)
            .await
            .unwrap()
    }

    /// Published as appraised, the consultation over, the council's vote open.
    pub(super) async fn in_council_as(&self, nominees: Vec<(NomineeInput, &str)>) -> DossierRow {
        let d = self.in_consultation_as(nominees).await;
        self.end_consultation().await;
        self.step(&self.specialist, d.id, "mo_bo_phieu", None)
            .await
            .unwrap()
    }

    /// Published (every nominee `dat`), the consultation over, the council's vote open.
    pub(super) async fn in_council(&self, nominees: Vec<NomineeInput>) -> DossierRow {
        self.in_council_as(nominees.into_iter().map(|n| (n, "dat")).collect())
            .await
    }

    /// Đức for the province's certificate of merit and the school for the province's
    /// emulation flag, both `dat`; Bình for the base-level title, `khong_dat`.
    pub(super) fn the_three(&self) -> Vec<(NomineeInput, &'static str)> {
        vec![
            (
                person_nominee(
                    self.duc.id,
                    "bang_khen_tinh",
                    "Hoàn thành xuất sắc nhiệm vụ",
                ),
                "dat",
            ),
            (
                person_nominee(
                    self.binh.id,
                    "chien_si_thi_dua_co_so",
                    "Có một sáng kiến cấp cơ sở",
                ),
                "khong_dat",
            ),
            (
                unit_nominee(
                    self.school.id,
                    "co_thi_dua_tinh",
                    "Dẫn đầu khối thi đua các trường",
                ),
                "dat",
            ),
        ]
    }

    /// The council's papers on Đức's and the school's nominations: members 0 and 1 agree on
    /// both, member 2 agrees on Đức only, member 3 (absent) agrees on the school only in
    /// writing, entered by the Board; member 4 does not take part.
    pub(super) async fn cast_the_papers(&self, id: i64, duc: i64, school: i64) {
        use Choice::{Agree, Disagree};
        let paper = |d: Choice, s: Choice| BTreeMap::from([(duc, d), (school, s)]);
        let app = &self.t.app;
        for (m, choices) in self.members[..3].iter().zip([
            paper(Agree, Agree),
            paper(Agree, Agree),
            paper(Agree, Disagree),
        ]) {
            app.cast_council_vote(m, id, choices).await.unwrap();
        }
        app.record_written_vote(
            &self.specialist,
            id,
            self.members[3].user_id,
            paper(Disagree, Agree),
        )
        .await
        .unwrap();
    }

    /// The three in the council, the papers cast and the vote closed: Đức passes (3 of 5 >
    /// 50%), the school does not (3 of 5 < 80%).
    pub(super) async fn council_closed(&self) -> Voted {
        let d = self.in_council_as(self.the_three()).await;
        let duc = World::nominee(&d, Some(self.duc.id), None);
        let binh = World::nominee(&d, Some(self.binh.id), None);
        let school = World::nominee(&d, None, Some(self.school.id));
        self.cast_the_papers(d.id, duc, school).await;
        let result = self
            .t
            .app
            .close_council_vote(&self.specialist, d.id)
            .await
            .unwrap();
        Voted {
            id: d.id,
            duc,
            binh,
            school,
            result,
        }
    }

    /// The three through the council, approved and decided: decision 1/QĐ-UBND grants Đức's
    /// certificate of merit.
    pub(super) async fn decided(&self) -> (Voted, tdkt_store::DecisionRow) {
        let v = self.council_closed().await;
        self.step(&self.leader, v.id, "duyet", None).await.unwrap();
        let dec = self.issue(v.id).await.unwrap();
        (v, dec)
    }

    pub(super) async fn issue(&self, id: i64) -> AppResult<tdkt_store::DecisionRow> {
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
    pub(super) async fn inbox(&self, p: &Principal, key: &str) -> Vec<i64> {
        let sections = self.t.app.inbox(p).await.unwrap();
        let section = sections
            .iter()
            .find(|s| s.key == key)
            .unwrap_or_else(|| panic!("no inbox section {key}"));
        section.items.iter().map(|d| d.id).collect()
    }

    pub(super) fn nominee(d: &DossierRow, person: Option<i64>, unit: Option<i64>) -> i64 {
        d.nominees
            .iter()
            .find(|n| n.person_id == person && n.unit_id == unit)
            .expect("nominee in the dossier")
            .id
    }
}

/// A dossier of the three after the council's vote: its id, the nominees' ids and the count.
pub(super) struct Voted {
    pub(super) id: i64,
    pub(super) duc: i64,
    pub(super) binh: i64,
    pub(super) school: i64,
    pub(super) result: tdkt_domain::dossier::council::CouncilResult,
}

/// What a dossier held after the last call: every document version and the timeline.
pub(super) struct Trail {
    pub(super) id: i64,
    pub(super) versions: Vec<(i64, i32, String)>,
    pub(super) events: Vec<EventRow>,
}

impl Trail {
    pub(super) fn new(id: i64) -> Self {
        Self {
            id,
            versions: vec![],
            events: vec![],
        }
    }

    /// A trail that starts from what the dossier holds now.
    pub(super) async fn from_now(w: &World, id: i64) -> Self {
        let mut trail = Self::new(id);
        let now = w.t.store().dossier_events(id).await.unwrap().len();
        trail.check(w, now, "hiện trạng").await;
        trail
    }

    /// Nothing that was there is gone (every version still downloads with its hash), and the
    /// timeline kept its past and grew by exactly `added`.
    pub(super) async fn check(&mut self, w: &World, added: usize, what: &str) {
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
pub(super) async fn refused<T: std::fmt::Debug>(
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
