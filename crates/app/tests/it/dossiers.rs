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

on_both!(
    the_whole_path_from_draft_to_revocation,
    concurrent_steps_have_one_winner,
    sudden_commendation_goes_straight_to_the_leader,
    awards_above_the_authority_are_forwarded,
    duplicates_are_flagged_both_ways,
    invalid_input_is_refused_in_vietnamese_and_writes_nothing,
    public_pages_show_nothing_private,
    the_council_vote_is_secret,
    titles_granted_by_a_decision_count_until_revoked,
    comments_and_ballots_respect_the_stage,
    certificate_layouts_belong_to_an_authority,
);

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

async fn the_whole_path_from_draft_to_revocation(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();
    let sys = Actor::system("test");
    // A spare unit whose note receives counts made with raw SQL (raw_exec only executes).
    s.create_unit(&sys, new_unit("dem", "Ô đếm", UnitKind::Other, None))
        .await
        .unwrap();

    // ---- the unit prepares the dossier
    let d = app
        .create_dossier(
            &w.clerk,
            DossierInput {
                title: "Đề nghị khen thưởng năm học 2025-2026".into(),
                unit_id: w.dept.id,
                authority_id: None,
                kind: "cong_trang".into(),
                year: 2026,
                movement: Some("Thi đua dạy tốt, học tốt".into()),
                cluster_proposal_id: None,
                nominees: vec![
                    person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
                    person_nominee(
                        w.binh.id,
                        "chien_si_thi_dua_co_so",
                        "Có một sáng kiến cấp cơ sở",
                    ),
                    unit_nominee(
                        w.school.id,
                        "co_thi_dua_tinh",
                        "Dẫn đầu khối thi đua các trường",
                    ),
                ],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        d.authority_id, w.province.id,
        "the nearest province decides, not the nation above it"
    );
    assert_eq!((d.state, d.version), (State::Draft, 1));
    assert_eq!(d.code, format!("HS-2026-{:05}", d.id));
    let id = d.id;
    let mut trail = Trail::new(id);
    trail.check(&w, 1, "tạo hồ sơ").await;

    let list = vec![
        person_nominee(
            w.duc.id,
            "bang_khen_tinh",
            "Hoàn thành xuất sắc nhiệm vụ năm học 2025-2026, có 2 sáng kiến cấp cơ sở",
        ),
        person_nominee(
            w.binh.id,
            "chien_si_thi_dua_co_so",
            "Có một sáng kiến cấp cơ sở",
        ),
        unit_nominee(
            w.school.id,
            "co_thi_dua_tinh",
            "Dẫn đầu khối thi đua các trường THPT",
        ),
    ];
    let d = app.update_nominees(&w.clerk, id, 1, &list).await.unwrap();
    assert_eq!((d.state, d.version), (State::Draft, 2));
    assert_eq!(d.nominees.len(), 3);
    assert!(d.nominees[0].summary.contains("2 sáng kiến"));
    trail.check(&w, 1, "sửa danh sách").await;
    // The first list is still in the database, marked removed.
    w.t.raw_exec(
        "UPDATE units SET note = CAST((SELECT COUNT(*) FROM dossier_nominees WHERE removed = TRUE) AS TEXT) || '/' || CAST((SELECT COUNT(*) FROM dossier_nominees) AS TEXT) WHERE code = 'dem'",
    )
    .await;
    assert_eq!(
        s.unit_by_code("dem").await.unwrap().note.as_deref(),
        Some("3/6"),
        "removed / all nominee rows"
    );

    let to_trinh = w
        .upload(id, None, "to_trinh", "to-trinh.pdf", pdf("tờ trình"))
        .await;
    trail.check(&w, 1, "tờ trình").await;
    let report = w
        .upload(
            id,
            None,
            "bao_cao_thanh_tich",
            "bao-cao.pdf",
            pdf("báo cáo bản 1"),
        )
        .await;
    trail.check(&w, 1, "báo cáo").await;
    assert_eq!(report.versions.len(), 1);
    assert_eq!(to_trinh.versions[0].state, State::Draft);

    let d = w.step_at(&w.clerk, id, 2, "gui", None).await.unwrap();
    assert_eq!((d.state, d.version), (State::Submitted, 3));
    trail.check(&w, 1, "gửi").await;
    assert_eq!(w.inbox(&w.specialist, "tiep_nhan").await, [id]);
    assert_eq!(w.inbox(&w.clerk, "don_vi").await, [id]);

    // ---- the Board receives, starts, and returns it for a supplement
    let d = w
        .step_at(&w.specialist, id, 3, "tiep_nhan", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Received, 4));
    trail.check(&w, 1, "tiếp nhận").await;
    let d = w
        .step_at(&w.specialist, id, 4, "tham_dinh", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::UnderAppraisal, 5));
    trail.check(&w, 1, "bắt đầu thẩm định").await;
    let why = "Báo cáo thành tích chưa có xác nhận của thủ trưởng đơn vị";
    let d = w
        .step_at(&w.specialist, id, 5, "tra_lai", Some(why))
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Returned, 6));
    trail.check(&w, 1, "trả lại").await;
    assert_eq!(trail.events.last().unwrap().note.as_deref(), Some(why));
    assert_eq!(
        trail.versions.len(),
        2,
        "a returned dossier keeps its documents"
    );
    assert_eq!(w.inbox(&w.specialist, "bo_sung").await, [id]);
    assert!(w.inbox(&w.specialist, "tiep_nhan").await.is_empty());

    // The unit adds a new version of the report (the first one stays) and sends it back.
    let report2 = w
        .upload(
            id,
            Some(report.id),
            "bao_cao_thanh_tich",
            "bao-cao-bo-sung.pdf",
            pdf("báo cáo bản 2, có xác nhận"),
        )
        .await;
    assert_eq!(report2.id, report.id);
    assert_eq!(
        report2
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(report2.versions[0], report.versions[0]);
    assert_eq!(report2.versions[1].state, State::Returned);
    trail.check(&w, 1, "bổ sung báo cáo").await;
    assert_eq!(trail.versions.len(), 3);
    assert_eq!(
        w.version(id).await,
        6,
        "an upload does not move the version"
    );
    let d = w
        .step_at(&w.clerk, id, 6, "gui_bo_sung", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::UnderAppraisal, 7));
    trail.check(&w, 1, "gửi bổ sung").await;

    // ---- appraisal
    let duc_n = World::nominee(&d, Some(w.duc.id), None);
    let binh_n = World::nominee(&d, Some(w.binh.id), None);
    let school_n = World::nominee(&d, None, Some(w.school.id));
    let appraise = |nominee_id: i64, result: &str, reason: Option<&str>| {
        app.appraise_nominee(
            &w.specialist,
            id,
            AppraisalInput {
                version: None,
                nominee_id,
                result: result.into(),
                override_reason: reason.map(str::to_string),
            },
        )
    };
    // Đức has no stored history: the engine cannot find him eligible, so "đạt" needs the
    // specialist's written grounds.
    for reason in [None, Some("ngắn quá")] {
        let (field, msg) = invalid(refused(&w, Some(id), appraise(duc_n, "dat", reason)).await);
        assert_eq!(field, "override_reason");
        assert!(msg.contains("ít nhất 10 ký tự"), "{msg}");
    }
    trail.check(&w, 0, "thẩm định bị từ chối").await;
    let d = appraise(duc_n, "dat", Some(CHECKED)).await.unwrap();
    let n = d.nominees.iter().find(|n| n.id == duc_n).unwrap();
    assert!(
        matches!(
            n.verdict.map(|x| x.code()),
            Some("not_eligible" | "needs_review" | "manual")
        ),
        "{:?}",
        n.verdict
    );
    assert_eq!(n.result.map(|x| x.code()), Some("dat"));
    assert_eq!(n.override_reason.as_deref(), Some(CHECKED));
    assert!(n.verdict_json.is_some());
    trail.check(&w, 1, "thẩm định Đức").await;
    appraise(binh_n, "khong_dat", Some("Sáng kiến chưa được công nhận"))
        .await
        .unwrap();
    trail.check(&w, 1, "thẩm định Bình").await;
    appraise(school_n, "dat", Some(CHECKED)).await.unwrap();
    trail.check(&w, 1, "thẩm định trường").await;
    // Each recorded result moved the version, as a step does.
    assert_eq!(w.version(id).await, 10);

    let d = w
        .step_at(&w.specialist, id, 10, "xong_tham_dinh", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Appraised, 11));
    trail.check(&w, 1, "xong thẩm định").await;

    // ---- public consultation
    let d = app
        .dossier_step(
            &w.specialist,
            id,
            StepInput {
                step: "cong_khai".into(),
                version: 11,
                reason: None,
                days: Some(10),
            },
        )
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Consultation, 12));
    assert_eq!(
        d.consultation_until,
        Some(today() + time::Duration::days(10))
    );
    trail.check(&w, 1, "công khai").await;
    assert!(
        app.public_consultations()
            .await
            .unwrap()
            .iter()
            .any(|x| x.id == id)
    );
    let ip: IpAddr = "203.113.1.10".parse().unwrap();
    app.add_public_comment(
        id,
        "Lê Văn Dân",
        Some("dan@example.vn"),
        "Tôi đồng ý đề nghị khen thưởng thầy Đức, thầy rất tận tụy.",
        "",
        ip,
    )
    .await
    .unwrap();
    trail.check(&w, 1, "ý kiến công khai").await;
    let comment = s.dossier_comments(id).await.unwrap().pop().unwrap();
    assert_eq!(comment.status.code(), "cho_duyet");
    // The council cannot vote while the consultation runs.
    let msg = conflict(
        refused(
            &w,
            Some(id),
            w.step_at(&w.specialist, id, 12, "mo_bo_phieu", None),
        )
        .await,
    );
    assert!(msg.contains("Còn lấy ý kiến công khai"), "{msg}");
    let c = app
        .moderate_comment(&w.specialist, id, comment.id, "da_duyet")
        .await
        .unwrap();
    assert_eq!(c.status.code(), "da_duyet");
    trail.check(&w, 1, "duyệt ý kiến").await;

    // ---- the council's vote
    // The consultation period passes (moved into the past behind the application's back).
    w.t.raw_exec(
        "UPDATE dossiers SET consultation_until = '2000-01-01' WHERE state = 'lay_y_kien'",
    )
    .await;
    trail.check(&w, 0, "hết thời gian lấy ý kiến").await;
    let d = w
        .step_at(&w.specialist, id, 12, "mo_bo_phieu", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::CouncilVote, 13));
    trail.check(&w, 1, "mở bỏ phiếu").await;
    let ballot = s.council_ballot(id).await.unwrap().unwrap();
    assert_eq!(ballot.status.code(), "mo");
    let rules: tdkt_domain::dossier::council::CouncilRules =
        serde_json::from_str(&ballot.rules_json).unwrap();
    let mut members = rules.members.clone();
    members.sort_unstable();
    assert_eq!(
        members,
        w.members.iter().map(|m| m.user_id).collect::<Vec<_>>()
    );
    assert_eq!(ballot.rule_hash, rules.hash());
    // Only the nominees who passed appraisal are put to the vote.
    let mut asked: Vec<i64> = rules.questions.iter().map(|q| q.nominee_id).collect();
    asked.sort_unstable();
    let mut expected = vec![duc_n, school_n];
    expected.sort_unstable();
    assert_eq!(asked, expected);

    let paper = |duc: Choice, school: Choice| BTreeMap::from([(duc_n, duc), (school_n, school)]);
    use Choice::{Agree, Disagree};
    assert_eq!(w.inbox(&w.members[0], "bo_phieu").await, [id]);
    app.cast_council_vote(&w.members[0], id, paper(Agree, Agree))
        .await
        .unwrap();
    app.cast_council_vote(&w.members[1], id, paper(Agree, Agree))
        .await
        .unwrap();
    app.cast_council_vote(&w.members[2], id, paper(Agree, Disagree))
        .await
        .unwrap();
    assert!(
        w.inbox(&w.members[0], "bo_phieu").await.is_empty(),
        "a member who voted has nothing left to vote on"
    );
    // Member 3 is absent and voted in writing; the secretary enters the paper. Member 4 does
    // not take part.
    app.record_written_vote(
        &w.specialist,
        id,
        w.members[3].user_id,
        paper(Disagree, Agree),
    )
    .await
    .unwrap();
    // Votes are audited (who and how, never what) but are not steps of the dossier.
    trail.check(&w, 0, "bỏ phiếu").await;
    assert_eq!(w.inbox(&w.members[4], "bo_phieu").await, [id]);
    let result = app.close_council_vote(&w.specialist, id).await.unwrap();
    trail.check(&w, 1, "kết thúc bỏ phiếu").await;
    assert_eq!(
        (
            result.members,
            result.present,
            result.written,
            result.quorum_needed
        ),
        (5, 3, 1, 4)
    );
    assert!(result.quorum_met);
    let item = |n: i64| result.items.iter().find(|i| i.nominee_id == n).unwrap();
    // Bằng khen: more than half of ALL five members, i.e. 3; Cờ thi đua: 80% of five, i.e. 4.
    let duc_item = item(duc_n);
    assert_eq!(
        (duc_item.agree, duc_item.disagree, duc_item.needed),
        (3, 1, 3)
    );
    assert!(duc_item.passed);
    assert_eq!(duc_item.threshold, "> 50% tổng số thành viên (3/5)");
    let school_item = item(school_n);
    assert_eq!(
        (school_item.agree, school_item.disagree, school_item.needed),
        (3, 1, 4)
    );
    assert!(
        !school_item.passed,
        "3 of 4 votes cast is 75%, but the share counts all five members"
    );
    assert_eq!(result.items.len(), 2);
    let d = s.dossier(id).await.unwrap();
    let passed = |n: i64| {
        d.nominees
            .iter()
            .find(|x| x.id == n)
            .unwrap()
            .council_passed
    };
    assert_eq!(
        (passed(duc_n), passed(school_n), passed(binh_n)),
        (Some(true), Some(false), None)
    );
    assert_eq!(
        s.council_ballot(id).await.unwrap().unwrap().status.code(),
        "dong"
    );
    let minutes = app.council_minutes_pdf(&w.leader, id).await.unwrap();
    assert!(minutes.starts_with(b"%PDF-"));

    // ---- the leader approves and signs
    assert!(w.inbox(&w.members[4], "bo_phieu").await.is_empty());
    assert_eq!(w.inbox(&w.leader, "duyet").await, [id]);
    let d = w.step_at(&w.leader, id, 13, "duyet", None).await.unwrap();
    assert_eq!((d.state, d.version), (State::Approved, 14));
    trail.check(&w, 1, "duyệt").await;
    assert_eq!(w.inbox(&w.leader, "ky").await, [id]);
    let dec = w.issue(id).await.unwrap();
    assert_eq!(dec.number, "1/QĐ-UBND");
    assert_eq!(
        (dec.seq, dec.year, dec.authority_id),
        (1, today().year(), w.province.id)
    );
    let d = s.dossier(id).await.unwrap();
    assert_eq!((d.state, d.version), (State::DecisionIssued, 15));
    // The step and the decision's own line.
    trail.check(&w, 2, "ban hành quyết định").await;
    assert_eq!(w.inbox(&w.specialist, "trao").await, [id]);
    assert!(
        trail
            .events
            .last()
            .unwrap()
            .note
            .as_deref()
            .unwrap()
            .contains("1/QĐ-UBND")
    );

    // ---- the register: found by name without diacritics, with the rounded bonus
    let (base, _) = app.rules.catalog.base_salary_on(today()).unwrap();
    let base = base as i64;
    let found = app
        .search_register(
            &w.specialist,
            &RegisterQuery {
                q: Some("nguyen van duc".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let row = &found[0];
    assert_eq!(row.subject_name, "Nguyễn Văn Đức");
    assert_eq!(row.person_id, Some(w.duc.id));
    assert_eq!(row.code, "bang_khen_tinh");
    assert_eq!(row.date, today());
    assert_eq!(
        row.decision.as_deref(),
        Some(format!("1/QĐ-UBND ngày {}", vn(today())).as_str())
    );
    // Bằng khen: 1.5 × the base salary, rounded up to 10 000 đồng.
    assert_eq!(row.amount, Some(rounded_up(base * 15 / 10)));
    assert_eq!(row.dossier_id, Some(id));
    assert_eq!(row.revoked_on, None);
    // The collective failed the council's vote, Bình failed appraisal: not in the register.
    for q in ["truong thpt pleiku", "TRAN THI BINH"] {
        let none = app
            .search_register(
                &w.specialist,
                &RegisterQuery {
                    q: Some(q.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(none.is_empty(), "{q}: {none:?}");
    }
    let xlsx = app
        .register_xlsx(&w.specialist, &RegisterQuery::default())
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));

    // ---- printed documents
    let (number, decision_pdf) = app.decision_pdf(&w.leader, id).await.unwrap();
    assert_eq!(number, "1/QĐ-UBND");
    assert!(decision_pdf.len() > 1000 && decision_pdf.starts_with(b"%PDF-"));
    let (_, docx) = app.decision_docx(&w.clerk, id).await.unwrap();
    assert!(docx.len() > 1000 && docx.starts_with(b"PK"));
    let certs = app
        .certificates_pdf(&w.specialist, id, None, "https://tdkt.gialai.gov.vn")
        .await
        .unwrap();
    assert!(certs.len() > 1000 && certs.starts_with(b"%PDF-"));

    // ---- the certificate's public verification
    let key = row.cert_key.clone().unwrap();
    assert_eq!(key.len(), 32);
    let pc = app.verify_certificate(&key).await.unwrap();
    assert_eq!(pc.name, "Nguyễn Văn Đức");
    assert_eq!(pc.award, "Bằng khen cấp bộ, ban, ngành, tỉnh");
    assert!(pc.decision.contains("1/QĐ-UBND"), "{}", pc.decision);
    assert_eq!(pc.revoked, None);
    let public = serde_json::to_string(&pc).unwrap();
    for private in [DUC_CCCD, "1980", "cccd", "birth", "ngay_sinh"] {
        assert!(!public.contains(private), "{private} in {public}");
    }
    assert!(matches!(
        app.verify_certificate(&"0".repeat(32)).await,
        Err(AppError::NotFound(_))
    ));

    // ---- handed out, then revoked
    let d = w
        .step_at(&w.specialist, id, 15, "da_trao", None)
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Awarded, 16));
    trail.check(&w, 1, "đã trao").await;
    let (field, _) =
        invalid(refused(&w, Some(id), w.step_at(&w.leader, id, 16, "huy", None)).await);
    assert_eq!(field, "ly_do");
    let revoke_why = "Phát hiện kê khai thành tích không đúng sự thật";
    let d = w
        .step_at(&w.leader, id, 16, "huy", Some(revoke_why))
        .await
        .unwrap();
    assert_eq!((d.state, d.version), (State::Revoked, 17));
    trail.check(&w, 1, "huỷ").await;
    let pc = app.verify_certificate(&key).await.unwrap();
    assert_eq!(
        pc.revoked.as_deref(),
        Some(format!("Đã bị huỷ ngày {}", vn(today())).as_str())
    );
    let rows = app
        .search_register(
            &w.specialist,
            &RegisterQuery {
                person: Some(w.duc.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].revoked_on, Some(today()));
    assert_eq!(rows[0].revoked_reason.as_deref(), Some(revoke_why));
    let msg = conflict(
        app.certificates_pdf(&w.specialist, id, None, "https://tdkt.gialai.gov.vn")
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("không còn khen thưởng"), "{msg}");
    assert_eq!(
        trail.versions.len(),
        3,
        "every version survived the whole path"
    );

    // ---- the authority's next decision of the year is number 2
    let second = w
        .appraised(
            "dot_xuat",
            vec![person_nominee(
                w.binh.id,
                "giay_khen",
                "Dũng cảm cứu học sinh bị đuối nước",
            )],
        )
        .await;
    w.step(&w.leader, second.id, "duyet", None).await.unwrap();
    let dec2 = w.issue(second.id).await.unwrap();
    assert_eq!(dec2.number, "2/QĐ-UBND");
    let rows = app
        .search_register(
            &w.specialist,
            &RegisterQuery {
                q: Some("tran thi binh".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // Giấy khen: 0.3 × the base salary (702 000 at 2 340 000), rounded up to 710 000.
    assert_eq!(rows[0].amount, Some(rounded_up(base * 3 / 10)));
    if base == 2_340_000 {
        assert_eq!(rows[0].amount, Some(710_000));
    }
}

async fn concurrent_steps_have_one_winner(b: Backend) {
    let w = world(b).await;
    let mut last = None;
    for _ in 0..3 {
        let d = w
            .submitted(
                "cong_trang",
                vec![person_nominee(
                    w.duc.id,
                    "bang_khen_tinh",
                    "Hoàn thành xuất sắc nhiệm vụ",
                )],
            )
            .await;
        let mut handles = Vec::new();
        for p in [w.specialist.clone(), w.specialist2.clone()] {
            let app = w.t.app.clone();
            let (id, version) = (d.id, d.version);
            handles.push(tokio::spawn(async move {
                app.dossier_step(
                    &p,
                    id,
                    StepInput {
                        step: "tiep_nhan".into(),
                        version,
                        reason: None,
                        days: None,
                    },
                )
                .await
            }));
        }
        let mut ok = 0;
        for h in handles {
            match h.await.unwrap() {
                Ok(x) => {
                    assert_eq!((x.state, x.version), (State::Received, d.version + 1));
                    ok += 1;
                }
                Err(AppError::Conflict(m)) => {
                    assert!(m.contains("vừa được người khác cập nhật"), "{m}")
                }
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        assert_eq!(ok, 1);
        let after = w.t.store().dossier(d.id).await.unwrap();
        assert_eq!(
            (after.state, after.version),
            (State::Received, d.version + 1)
        );
        let received =
            w.t.store()
                .dossier_events(d.id)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.step.map(|x| x.code()) == Some("tiep_nhan"))
                .count();
        assert_eq!(received, 1, "one receipt on the timeline");
        last = Some(d);
    }
    // A version seen before a successful step is refused, whatever the step.
    let d = last.unwrap();
    for step in ["tham_dinh", "tiep_nhan"] {
        let msg = conflict(
            refused(
                &w,
                Some(d.id),
                w.step_at(&w.specialist, d.id, d.version, step, None),
            )
            .await,
        );
        assert!(
            msg.contains("vừa được người khác cập nhật"),
            "{step}: {msg}"
        );
    }
    // The same for the unit's list on a draft.
    let draft = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
        )
        .await;
    let list = [person_nominee(
        w.binh.id,
        "giay_khen",
        "Hoàn thành tốt nhiệm vụ được giao",
    )];
    w.t.app
        .update_nominees(&w.clerk, draft.id, 1, &list)
        .await
        .unwrap();
    let msg = conflict(
        refused(
            &w,
            Some(draft.id),
            w.t.app.update_nominees(&w.clerk, draft.id, 1, &list),
        )
        .await,
    );
    assert!(msg.contains("vừa được người khác cập nhật"), "{msg}");
}

async fn sudden_commendation_goes_straight_to_the_leader(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .appraised(
            "dot_xuat",
            vec![person_nominee(
                w.binh.id,
                "giay_khen",
                "Dũng cảm cứu học sinh bị đuối nước",
            )],
        )
        .await;
    assert_eq!(d.state, State::Appraised);
    assert_eq!(d.kind, CommendationType::DotXuat);
    // Shorter time limits on the simplified procedure.
    assert_eq!(
        d.due_on,
        app.procedure
            .due(State::Appraised, CommendationType::DotXuat, today())
    );
    assert!(
        app.procedure
            .limit(State::Appraised, CommendationType::DotXuat)
            < app
                .procedure
                .limit(State::Appraised, CommendationType::CongTrang)
    );
    // The leader's step, not the specialist's.
    assert!(matches!(
        refused(&w, Some(d.id), w.step(&w.specialist, d.id, "duyet", None)).await,
        AppError::Forbidden(_)
    ));
    let view = app.dossier_view(&w.leader, d.id).await.unwrap();
    assert!(view.steps.contains(&tdkt_domain::dossier::Step::Approve));
    assert_eq!(w.inbox(&w.leader, "duyet").await, [d.id]);
    let d = w.step(&w.leader, d.id, "duyet", None).await.unwrap();
    assert_eq!(d.state, State::Approved);
    let dec = w.issue(d.id).await.unwrap();
    assert_eq!(dec.number, "1/QĐ-UBND");
    let d = w.t.store().dossier(d.id).await.unwrap();
    assert_eq!(d.state, State::DecisionIssued);
    // Neither consultation nor council on the way.
    assert!(w.t.store().council_ballot(d.id).await.unwrap().is_none());
    let steps: Vec<String> =
        w.t.store()
            .dossier_events(d.id)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|e| e.step.map(|s| s.code().to_string()))
            .collect();
    assert_eq!(
        steps,
        [
            "gui",
            "tiep_nhan",
            "tham_dinh",
            "xong_tham_dinh",
            "duyet",
            "ra_quyet_dinh"
        ]
    );
    let reg = app
        .search_register(
            &w.leader,
            &RegisterQuery {
                person: Some(w.binh.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(reg.len(), 1);
    assert_eq!(reg[0].code, "giay_khen");

    // The same step on a merit (công trạng) dossier straight from appraisal is refused.
    let c = w
        .appraised(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
        )
        .await;
    assert!(
        !w.inbox(&w.leader, "duyet").await.contains(&c.id),
        "a merit dossier waits for the council, not the leader"
    );
    let msg = conflict(refused(&w, Some(c.id), w.step(&w.leader, c.id, "duyet", None)).await);
    assert!(
        msg.contains("Đã thẩm định") && msg.contains("không thể"),
        "{msg}"
    );
    let view = app.dossier_view(&w.leader, c.id).await.unwrap();
    assert!(!view.steps.contains(&tdkt_domain::dossier::Step::Approve));
}

async fn awards_above_the_authority_are_forwarded(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .appraised(
            "dot_xuat",
            vec![
                person_nominee(
                    w.duc.id,
                    "bang_khen_thu_tuong",
                    "Thành tích đặc biệt xuất sắc đột xuất",
                ),
                person_nominee(w.binh.id, "giay_khen", "Dũng cảm cứu học sinh bị đuối nước"),
            ],
        )
        .await;
    let view = app.dossier_view(&w.leader, d.id).await.unwrap();
    assert_eq!(view.above_power, ["bang_khen_thu_tuong"]);
    // A province does not grant the Prime Minister's certificate: the leader cannot approve.
    let msg = conflict(refused(&w, Some(d.id), w.step(&w.leader, d.id, "duyet", None)).await);
    assert!(msg.contains("thẩm quyền"), "{msg}");
    let before = app.forward_list_pdf(&w.specialist, d.id).await.unwrap();
    assert!(before.starts_with(b"%PDF-"));
    let d = w
        .step(&w.specialist, d.id, "chuyen_cap_tren", None)
        .await
        .unwrap();
    assert_eq!(d.state, State::Forwarded);
    let list = app.forward_list_pdf(&w.leader, d.id).await.unwrap();
    assert!(list.len() > 1000 && list.starts_with(b"%PDF-"));
    // Forwarded is final here.
    assert!(matches!(
        refused(&w, Some(d.id), w.step(&w.leader, d.id, "duyet", None)).await,
        AppError::Conflict(_)
    ));

    // A dossier entirely within the province's power is not forwarded.
    let inside = w
        .appraised(
            "dot_xuat",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Thành tích xuất sắc đột xuất",
            )],
        )
        .await;
    let msg = conflict(
        refused(
            &w,
            Some(inside.id),
            w.step(&w.leader, inside.id, "chuyen_cap_tren", None),
        )
        .await,
    );
    assert!(msg.contains("trong thẩm quyền"), "{msg}");
    assert!(
        app.dossier_view(&w.leader, inside.id)
            .await
            .unwrap()
            .above_power
            .is_empty()
    );
}

async fn duplicates_are_flagged_both_ways(b: Backend) {
    let w = &world(b).await;
    let app = &w.t.app;
    let dups = |id: i64| async move {
        let v = app.dossier_view(&w.specialist, id).await.unwrap();
        v.duplicates
            .into_iter()
            .map(|x| {
                (
                    x.nominee_id,
                    x.source.code().to_string(),
                    x.dossier_code,
                    x.reason.code().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let a = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ năm 2026",
            )],
        )
        .await;
    assert!(dups(a.id).await.is_empty());
    let b = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Chỉ đạo tốt phong trào chuyển đổi số",
            )],
        )
        .await;
    let (an, bn) = (a.nominees[0].id, b.nominees[0].id);
    let same_award = |n: i64, other: &DossierRow| {
        (
            n,
            "ho_so".to_string(),
            Some(other.code.clone()),
            "cung_khen_thuong".to_string(),
        )
    };
    assert_eq!(dups(a.id).await, [same_award(an, &b)]);
    assert_eq!(dups(b.id).await, [same_award(bn, &a)]);

    // The same achievement written again, spaced and accented differently, for another award.
    let c = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "giay_khen",
                "  hoan thanh XUAT SAC   nhiệm vụ, năm 2026 ",
            )],
        )
        .await;
    let cn = c.nominees[0].id;
    assert_eq!(c.nominees[0].summary_key, a.nominees[0].summary_key);
    let same_text = |n: i64, other: &DossierRow| {
        (
            n,
            "ho_so".to_string(),
            Some(other.code.clone()),
            "cung_thanh_tich".to_string(),
        )
    };
    assert_eq!(dups(c.id).await, [same_text(cn, &a)]);
    let flagged = dups(a.id).await;
    assert!(flagged.contains(&same_award(an, &b)), "{flagged:?}");
    assert!(flagged.contains(&same_text(an, &c)), "{flagged:?}");
    assert_eq!(flagged.len(), 2);
    // Another person with the same award and year is no duplicate; a withdrawn dossier no
    // longer counts.
    let other = w
        .draft(
            "cong_trang",
            vec![person_nominee(
                w.binh.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ năm 2026",
            )],
        )
        .await;
    assert!(dups(other.id).await.is_empty());
    w.step(
        &w.clerk,
        b.id,
        "rut",
        Some("Đơn vị rút để đề nghị ở đợt sau"),
    )
    .await
    .unwrap();
    assert_eq!(dups(a.id).await, [same_text(an, &c)]);
}

async fn invalid_input_is_refused_in_vietnamese_and_writes_nothing(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();
    let all = DossierFilter {
        limit: 100,
        ..Default::default()
    };
    let create = |nominees: Vec<NomineeInput>| {
        app.create_dossier(
            &w.clerk,
            DossierInput {
                title: "Đề nghị khen thưởng năm 2026".into(),
                unit_id: w.dept.id,
                authority_id: None,
                kind: "cong_trang".into(),
                year: 2026,
                movement: None,
                cluster_proposal_id: None,
                nominees,
            },
        )
    };
    let cases: Vec<(Vec<NomineeInput>, &str, &str)> = vec![
        (
            vec![person_nominee(
                w.duc.id,
                "bang_khen_khong_co",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
            "nominees[0].award_code",
            "không có «bang_khen_khong_co» trong danh mục",
        ),
        (
            vec![
                person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
                person_nominee(
                    w.outsider.id,
                    "bang_khen_tinh",
                    "Hoàn thành xuất sắc nhiệm vụ",
                ),
            ],
            "nominees[1].person_id",
            "Phạm Văn Ngoài không thuộc đơn vị đề nghị",
        ),
        (
            vec![person_nominee(
                w.duc.id,
                "co_thi_dua_tinh",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
            "nominees[0].award_code",
            "không dành cho cá nhân",
        ),
        (
            vec![unit_nominee(
                w.school.id,
                "chien_si_thi_dua_co_so",
                "Hoàn thành xuất sắc nhiệm vụ",
            )],
            "nominees[0].award_code",
            "không dành cho tập thể",
        ),
        (
            vec![person_nominee(w.duc.id, "bang_khen_tinh", "   ")],
            "nominees[0].summary",
            "cần tóm tắt thành tích",
        ),
        (vec![], "nominees", "cần ít nhất một"),
    ];
    for (nominees, field, text) in cases {
        let (f, m) = invalid(refused(&w, None, create(nominees)).await);
        assert_eq!(f, field, "{m}");
        assert!(m.contains(text), "{m}");
    }
    assert!(s.list_dossiers(&all).await.unwrap().is_empty());

    // ---- files
    let d = create(vec![
        person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
        person_nominee(w.binh.id, "giay_khen", "Hoàn thành tốt nhiệm vụ được giao"),
    ])
    .await
    .unwrap();
    let id = d.id;
    let upload = |app: &tdkt_app::App, slot: &str, name: &str, bytes: Vec<u8>| {
        let app = app.clone();
        let (clerk, slot, name) = (w.clerk.clone(), slot.to_string(), name.to_string());
        async move {
            app.add_document(&clerk, id, None, &slot, None, &name, bytes)
                .await
        }
    };
    let (f, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(
                app,
                "to_trinh",
                "to-trinh.pdf",
                b"Day khong phai PDF".to_vec(),
            ),
        )
        .await,
    );
    assert_eq!(f, "tep");
    assert!(
        m.contains("không phải PDF, DOCX, XLSX, PNG hoặc JPEG"),
        "{m}"
    );
    let (_, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(
                app,
                "to_trinh",
                "to-trinh.docx",
                b"PK\x03\x04 chi la zip".to_vec(),
            ),
        )
        .await,
    );
    assert!(m.contains("không phải PDF"), "{m}");
    let (_, m) = invalid(refused(&w, Some(id), upload(app, "to_trinh", "rong.pdf", vec![])).await);
    assert!(m.contains("Tệp rỗng"), "{m}");
    let (f, _) = invalid(refused(&w, Some(id), upload(app, "hop_dong", "a.pdf", pdf("x"))).await);
    assert_eq!(f, "loai");
    // The size limit is a setting: an App whose limit is 1 MB refuses a file just above it.
    let mut small = (*app.procedure).clone();
    small.documents.max_mb = 1;
    let mut limited = app.clone();
    limited.procedure = Arc::new(small);
    let mut big = pdf("lớn");
    big.resize(1024 * 1024 + 1, b' ');
    let (f, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(&limited, "to_trinh", "to-trinh.pdf", big.clone()),
        )
        .await,
    );
    assert_eq!(f, "tep");
    assert!(m.contains("vượt giới hạn 1 MB"), "{m}");
    assert!(s.dossier_documents(id).await.unwrap().is_empty());
    // Under the shipped limit the same file is accepted.
    upload(app, "to_trinh", "to-trinh.pdf", big).await.unwrap();

    // ---- steps
    let (f, m) = invalid(refused(&w, Some(id), w.step(&w.clerk, id, "gui", None)).await);
    assert_eq!(f, "tai_lieu");
    assert!(m.contains("Hồ sơ còn thiếu: Báo cáo thành tích"), "{m}");
    w.upload(
        id,
        None,
        "bao_cao_thanh_tich",
        "bao-cao.pdf",
        pdf("báo cáo"),
    )
    .await;
    let (f, _) = invalid(refused(&w, Some(id), w.step(&w.clerk, id, "bay_len", None)).await);
    assert_eq!(f, "step");
    w.step(&w.clerk, id, "gui", None).await.unwrap();
    w.step(&w.specialist, id, "tiep_nhan", None).await.unwrap();
    for reason in [None, Some("    "), Some("sai")] {
        let (f, m) =
            invalid(refused(&w, Some(id), w.step(&w.specialist, id, "tra_lai", reason)).await);
        assert_eq!(f, "ly_do");
        assert!(m.contains("cần ghi lý do (ít nhất 5 ký tự)"), "{m}");
    }
    // Steps of someone else's role are refused as forbidden.
    assert!(matches!(
        refused(&w, Some(id), w.step(&w.clerk, id, "tham_dinh", None)).await,
        AppError::Forbidden(_)
    ));
    w.step(&w.specialist, id, "tham_dinh", None).await.unwrap();
    let d = s.dossier(id).await.unwrap();
    let duc_n = World::nominee(&d, Some(w.duc.id), None);
    let (f, _) = invalid(
        refused(
            &w,
            Some(id),
            app.appraise_nominee(
                &w.specialist,
                id,
                AppraisalInput {
                    version: None,
                    nominee_id: duc_n,
                    result: "tot".into(),
                    override_reason: None,
                },
            ),
        )
        .await,
    );
    assert_eq!(f, "result");
    w.appraise(id, duc_n, "dat").await;
    let (f, m) = invalid(
        refused(
            &w,
            Some(id),
            w.step(&w.specialist, id, "xong_tham_dinh", None),
        )
        .await,
    );
    assert_eq!(f, "tham_dinh");
    assert!(
        m.contains("Chưa ghi kết quả thẩm định của: Trần Thị Bình"),
        "{m}"
    );
    assert_eq!(s.dossier(id).await.unwrap().state, State::UnderAppraisal);
}

async fn public_pages_show_nothing_private(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();
    let d = w
        .submitted(
            "cong_trang",
            vec![
                person_nominee(
                    w.duc.id,
                    "bang_khen_tinh",
                    "Hoàn thành xuất sắc nhiệm vụ năm 2026",
                ),
                person_nominee(w.binh.id, "giay_khen", "Hoàn thành tốt nhiệm vụ được giao"),
            ],
        )
        .await;
    let id = d.id;
    // Not in consultation: no public page, no comment.
    let ip: IpAddr = "198.51.100.7".parse().unwrap();
    assert!(matches!(
        app.public_dossier(id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.add_public_comment(
            id,
            "Lê Văn Dân",
            None,
            "Ý kiến về hồ sơ chưa công khai",
            "",
            ip
        )
        .await,
        Err(AppError::NotFound(_))
    ));
    w.step(&w.specialist, id, "tiep_nhan", None).await.unwrap();
    w.step(&w.specialist, id, "tham_dinh", None).await.unwrap();
    w.appraise(id, World::nominee(&d, Some(w.duc.id), None), "dat")
        .await;
    w.appraise(id, World::nominee(&d, Some(w.binh.id), None), "khong_dat")
        .await;
    w.step(&w.specialist, id, "xong_tham_dinh", None)
        .await
        .unwrap();
    w.step(&w.specialist, id, "cong_khai", None).await.unwrap();

    let comment = |author: &'static str, body: &'static str, ip: IpAddr| {
        app.add_public_comment(id, author, Some("lienhe.rieng@example.vn"), body, "", ip)
    };
    comment("Người Đồng Ý", "Tôi đồng ý với đề nghị khen thưởng.", ip)
        .await
        .unwrap();
    comment(
        "Người Bị Ẩn",
        "Nội dung không phù hợp để đăng công khai.",
        ip,
    )
    .await
    .unwrap();
    comment("Người Chờ Duyệt", "Ý kiến này còn đang chờ duyệt.", ip)
        .await
        .unwrap();
    let stored = s.dossier_comments(id).await.unwrap();
    assert_eq!(stored.len(), 3);
    app.moderate_comment(&w.specialist, id, stored[0].id, "da_duyet")
        .await
        .unwrap();
    app.moderate_comment(&w.specialist, id, stored[1].id, "an")
        .await
        .unwrap();
    assert!(matches!(
        app.moderate_comment(&w.specialist, id, stored[2].id, "xoa")
            .await,
        Err(AppError::Invalid(_))
    ));

    let page = app.public_dossier(id).await.unwrap();
    assert_eq!(
        page.nominees
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>(),
        ["Nguyễn Văn Đức"],
        "only nominees who passed appraisal"
    );
    assert_eq!(page.nominees[0].award, "Bằng khen cấp bộ, ban, ngành, tỉnh");
    assert_eq!(
        page.comments
            .iter()
            .map(|c| c.author.as_str())
            .collect::<Vec<_>>(),
        ["Người Đồng Ý"],
        "only approved comments"
    );
    let json = serde_json::to_string(&page).unwrap();
    for private in [
        DUC_CCCD,
        BINH_CCCD,
        "Trần Thị Bình",
        "1980",
        "lienhe.rieng",
        "Người Bị Ẩn",
        "Người Chờ Duyệt",
        CHECKED,
        "verdict",
        "override",
    ] {
        assert!(!json.contains(private), "{private} in {json}");
    }

    // A bot fills the hidden field: told it worked, nothing stored.
    let head = s.audit_head().await.unwrap();
    app.add_public_comment(
        id,
        "Máy Tự Động",
        None,
        "Quảng cáo dịch vụ không liên quan gì cả.",
        "http://spam.example",
        "192.0.2.99".parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(s.dossier_comments(id).await.unwrap().len(), 3);
    assert_eq!(s.audit_head().await.unwrap(), head);

    // One address may leave `comments_per_hour` comments an hour, then it is throttled.
    let flood: IpAddr = "192.0.2.1".parse().unwrap();
    let max = app.procedure.consultation.comments_per_hour as usize;
    for _ in 0..max {
        comment(
            "Người Gửi Nhiều",
            "Ý kiến gửi nhiều lần trong một giờ.",
            flood,
        )
        .await
        .unwrap();
    }
    assert!(matches!(
        comment(
            "Người Gửi Nhiều",
            "Ý kiến gửi nhiều lần trong một giờ.",
            flood
        )
        .await,
        Err(AppError::TooMany(m)) if m.contains("ý kiến từ địa chỉ này")
    ));
    assert_eq!(s.dossier_comments(id).await.unwrap().len(), 3 + max);
    // Another address is not affected.
    comment(
        "Người Khác",
        "Ý kiến từ một địa chỉ khác.",
        "192.0.2.2".parse().unwrap(),
    )
    .await
    .unwrap();

    // Pending comments hold the council back even once the period is over.
    w.t.raw_exec(
        "UPDATE dossiers SET consultation_until = '2000-01-01' WHERE state = 'lay_y_kien'",
    )
    .await;
    assert!(matches!(
        app.public_dossier(id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.public_consultations().await.unwrap().is_empty());
    let msg = conflict(refused(&w, Some(id), w.step(&w.specialist, id, "mo_bo_phieu", None)).await);
    assert!(msg.contains("ý kiến công khai chưa xử lý"), "{msg}");
}

async fn the_council_vote_is_secret(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let s = w.t.store();
    let voters = w.t.raw_columns("council_voters").await;
    let papers = w.t.raw_columns("council_papers").await;
    assert_eq!(voters, ["ballot_id", "user_id", "mode"]);
    assert_eq!(papers, ["ballot_id", "paper_key", "choices_json"]);
    let common: Vec<&String> = voters.iter().filter(|c| papers.contains(c)).collect();
    assert_eq!(common, ["ballot_id"], "nothing links a voter to a paper");

    let d = w
        .in_council(vec![
            person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Hoàn thành xuất sắc nhiệm vụ năm 2026",
            ),
            unit_nominee(
                w.school.id,
                "co_thi_dua_tinh",
                "Dẫn đầu khối thi đua các trường",
            ),
        ])
        .await;
    let id = d.id;
    let duc_n = World::nominee(&d, Some(w.duc.id), None);
    let paper = |c: Choice| BTreeMap::from([(duc_n, c)]);
    // A council account created after the vote opened is not in the frozen list.
    let late = user(&w.t, "hoidong_moi", Role::CouncilMember, w.province.id).await;
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(&late, id, paper(Choice::Agree))
        )
        .await,
        AppError::Forbidden(_)
    ));
    // Nor may the Board vote in a member's place, except by recording a written paper.
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(&w.specialist, id, paper(Choice::Agree))
        )
        .await,
        AppError::Forbidden(_)
    ));
    assert!(matches!(
        refused(
            &w,
            None,
            app.record_written_vote(&w.specialist, id, late.user_id, paper(Choice::Agree))
        )
        .await,
        AppError::Invalid(_)
    ));
    // A paper about someone not on the ballot is refused.
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(
                &w.members[0],
                id,
                BTreeMap::from([(999_999, Choice::Agree)])
            )
        )
        .await,
        AppError::Invalid(_)
    ));

    app.cast_council_vote(&w.members[0], id, paper(Choice::Disagree))
        .await
        .unwrap();
    let msg = conflict(
        refused(
            &w,
            None,
            app.cast_council_vote(&w.members[0], id, paper(Choice::Agree)),
        )
        .await,
    );
    assert!(msg.contains("đã bỏ phiếu"), "{msg}");
    let msg = conflict(
        refused(
            &w,
            None,
            app.record_written_vote(
                &w.specialist,
                id,
                w.members[0].user_id,
                paper(Choice::Agree),
            ),
        )
        .await,
    );
    assert!(msg.contains("đã bỏ phiếu"), "{msg}");
    for m in &w.members[1..4] {
        app.cast_council_vote(m, id, paper(Choice::Agree))
            .await
            .unwrap();
    }
    app.record_written_vote(
        &w.specialist,
        id,
        w.members[4].user_id,
        paper(Choice::Agree),
    )
    .await
    .unwrap();
    let view = app.dossier_view(&w.members[1], id).await.unwrap();
    assert!(view.may_vote && view.has_voted);
    let roll = app.council_roll(&w.specialist, id).await.unwrap();
    assert_eq!(roll.len(), 5);
    assert!(roll.iter().all(|l| l.mode.is_some()));

    // The audit log says who voted and how, never what.
    let entries = s.audit_entries(0, 10_000).await.unwrap();
    let votes: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "council.vote")
        .collect();
    assert_eq!(votes.len(), 5);
    for e in votes {
        let after = e.after.as_deref().unwrap_or("");
        assert!(after.contains("mode"), "{after}");
        assert!(
            !after.contains("dong_y") && !after.contains("choices"),
            "{after}"
        );
    }
    let result = app.close_council_vote(&w.specialist, id).await.unwrap();
    assert_eq!((result.items[0].agree, result.items[0].disagree), (4, 1));
    // Closed: no more papers.
    assert!(matches!(
        refused(
            &w,
            None,
            app.cast_council_vote(&late, id, paper(Choice::Agree))
        )
        .await,
        AppError::Conflict(_)
    ));
}

/// A title granted through a decision lands in the person's titles of the dossier's year (the
/// eligibility engine counts titles by year); revoking the decision takes it back and the
/// revoked award stops counting as a prerequisite, while its register row stays.
async fn titles_granted_by_a_decision_count_until_revoked(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let d = w
        .appraised(
            "dot_xuat",
            vec![person_nominee(
                w.duc.id,
                "chien_si_thi_dua_co_so",
                "Sáng kiến đổi mới phương pháp dạy học được công nhận cấp cơ sở",
            )],
        )
        .await;
    w.step(&w.leader, d.id, "duyet", None).await.unwrap();
    // A signing date before the approval is refused.
    let d = w.t.store().dossier(d.id).await.unwrap();
    let early = app
        .issue_decision(
            &w.leader,
            d.id,
            DecisionInput {
                version: d.version,
                signed_on: (d.state_since - time::Duration::days(1)).to_string(),
                signer_name: "Rah Lan Chung".into(),
                signer_title: "CHỦ TỊCH".into(),
                proposal: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(invalid(early).0, "signed_on");
    let dec = w.issue(d.id).await.unwrap();
    let titles = w.t.store().person_titles(w.duc.id).await.unwrap();
    let t = titles
        .iter()
        .find(|t| t.code == "chien_si_thi_dua_co_so" && t.year == 2026)
        .expect("the title is in the person's history");
    assert!(t.decision.as_deref().unwrap().starts_with(&dec.number));
    let subject = app.person_subject(w.duc.id).await.unwrap();
    assert!(
        subject
            .titles
            .iter()
            .any(|t| t.code == "chien_si_thi_dua_co_so" && t.year == 2026)
    );
    assert_eq!(subject.awards.len(), 1);

    w.step(&w.specialist, d.id, "da_trao", None).await.unwrap();
    w.step(
        &w.leader,
        d.id,
        "huy",
        Some("Hồ sơ kê khai không trung thực"),
    )
    .await
    .unwrap();
    let titles = w.t.store().person_titles(w.duc.id).await.unwrap();
    assert!(
        !titles.iter().any(|t| t.code == "chien_si_thi_dua_co_so"),
        "{titles:?}"
    );
    let subject = app.person_subject(w.duc.id).await.unwrap();
    assert!(
        subject.awards.is_empty(),
        "a revoked award is no prerequisite"
    );
    let rows = w.t.store().person_award_records(w.duc.id).await.unwrap();
    assert_eq!(rows.len(), 1, "the register keeps the revoked award");
    assert!(rows[0].revoked_on.is_some());
}

/// Pending comments are the Board's alone; the ballot closes to votes once the dossier leaves
/// the council's stage; a regular dossier is forwarded only after the vote is counted.
async fn comments_and_ballots_respect_the_stage(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let ip: IpAddr = "192.0.2.10".parse().unwrap();
    // ---- comments
    let d = w
        .appraised(
            "cong_trang",
            vec![person_nominee(
                w.duc.id,
                "bang_khen_tinh",
                "Dẫn đầu phong trào chuyển đổi số của ngành",
            )],
        )
        .await;
    w.step(&w.specialist, d.id, "cong_khai", None)
        .await
        .unwrap();
    app.add_public_comment(
        d.id,
        "Lê Văn Góp",
        Some("gop@example.vn"),
        "Tôi đề nghị xem lại thành tích năm 2025.",
        "",
        ip,
    )
    .await
    .unwrap();
    assert!(
        app.dossier_view(&w.clerk, d.id)
            .await
            .unwrap()
            .comments
            .is_empty(),
        "the unit does not see pending comments"
    );
    let board = app
        .dossier_view(&w.specialist, d.id)
        .await
        .unwrap()
        .comments;
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].contact.as_deref(), Some("gop@example.vn"));
    let events = w.t.store().dossier_events(d.id).await.unwrap();
    assert!(
        !events
            .iter()
            .any(|e| e.note.as_deref().unwrap_or_default().contains("Lê Văn Góp")),
        "no commenter's name on the timeline"
    );
    app.moderate_comment(&w.specialist, d.id, board[0].id, "da_duyet")
        .await
        .unwrap();
    let seen = app.dossier_view(&w.clerk, d.id).await.unwrap().comments;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].contact, None, "contacts stay with the Board");

    // ---- a ballot of a rejected dossier takes no more votes
    let d = w
        .in_council(vec![person_nominee(
            w.binh.id,
            "bang_khen_tinh",
            "Giáo viên dạy giỏi cấp tỉnh ba năm liền",
        )])
        .await;
    let n = d.nominees[0].id;
    app.cast_council_vote(&w.members[0], d.id, BTreeMap::from([(n, Choice::Agree)]))
        .await
        .unwrap();
    w.step(
        &w.leader,
        d.id,
        "khong_duyet",
        Some("Chưa đủ thời gian công tác"),
    )
    .await
    .unwrap();
    let e = app
        .cast_council_vote(&w.members[1], d.id, BTreeMap::from([(n, Choice::Agree)]))
        .await
        .unwrap_err();
    assert!(conflict(e).contains("không còn bỏ phiếu"));

    // ---- forwarding after the council: only once the vote is counted
    let d = w
        .in_council(vec![person_nominee(
            w.duc.id,
            "bang_khen_thu_tuong",
            "Năm năm liền hoàn thành xuất sắc nhiệm vụ, ba lần CSTĐ cơ sở",
        )])
        .await;
    let e = w
        .step(&w.specialist, d.id, "chuyen_cap_tren", None)
        .await
        .unwrap_err();
    assert!(conflict(e).contains("chưa kết thúc bỏ phiếu"));
    let n = d.nominees[0].id;
    for m in &w.members {
        app.cast_council_vote(m, d.id, BTreeMap::from([(n, Choice::Agree)]))
            .await
            .unwrap();
    }
    app.close_council_vote(&w.specialist, d.id).await.unwrap();
    let d = w
        .step(&w.specialist, d.id, "chuyen_cap_tren", None)
        .await
        .unwrap();
    assert_eq!(d.state, State::Forwarded);
    let list = app.forward_list_pdf(&w.specialist, d.id).await.unwrap();
    assert!(list.starts_with(b"%PDF-"));
}

/// An authority's own layout serves its subtree; another authority keeps the default.
async fn certificate_layouts_belong_to_an_authority(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let mut layout = app
        .certificate_template(w.province.id, "bang_khen_tinh")
        .await
        .unwrap();
    let default = layout.clone();
    layout.qr.x_mm += 5.0;
    app.put_certificate_template(
        &w.specialist,
        w.province.id,
        "bang_khen_tinh",
        layout.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        app.certificate_template(w.school.id, "bang_khen_tinh")
            .await
            .unwrap(),
        layout
    );
    assert_eq!(
        app.certificate_template(w.outsider.unit_id, "bang_khen_tinh")
            .await
            .unwrap(),
        layout
    );
    let nation = w.t.store().unit_by_code("vn").await.unwrap();
    assert_eq!(
        app.certificate_template(nation.id, "bang_khen_tinh")
            .await
            .unwrap(),
        default
    );
    // The province's specialist cannot set the nation's layout.
    let e = app
        .put_certificate_template(&w.specialist, nation.id, "bang_khen_tinh", layout)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden(_)));
    // A layout outside the sheet is refused with the field named.
    let mut bad = default.clone();
    bad.fields[0].x_mm = 400.0;
    let (field, msg) = invalid(
        app.put_certificate_template(&w.specialist, w.province.id, "bang_khen_tinh", bad)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "mau");
    assert!(
        msg.contains(&default.fields[0].key) || msg.contains("recipient") || !msg.is_empty(),
        "{msg}"
    );
}
