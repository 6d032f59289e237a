//! What the movement tests build on: a province with two departments (one with a school below
//! it) and a second province, the boards' and the units' accounts, a few people (`world`); the
//! draft every test starts from (`World::form`), movements brought to a state through the use
//! cases (`World::at`), a movement with its reports in (`World::reported`), and the check that a
//! refused call wrote nothing (`refused`).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use tdkt_app::movements::{
    CriterionForm, IndicatorForm, MilestoneForm, MovementForm, MovementStepInput,
    RegistrationInput, RegistrationLineInput, ReportInput, ReportValueInput,
};
use tdkt_app::testing::{Backend, TestApp, principal};
use tdkt_app::{AppError, AppResult, Principal};
use tdkt_domain::access::Role;
use tdkt_domain::movement::{MilestoneKind, MovementState, MovementStep};
use tdkt_domain::person::Birth;
use tdkt_domain::unit::UnitKind;
use tdkt_store::conformance::{new_person, new_unit};
use tdkt_store::{Actor, MovementRow, NewUser, PersonRow, ReportRow, UnitRow};
use time::Date;
use time::macros::date;

pub(super) const DUC_CCCD: &str = "079080001234";
pub(super) const BINH_CCCD: &str = "079085005678";
/// The day every world starts on: the movement has started, registration is open.
pub(super) const DAY_ONE: Date = date!(2026 - 02 - 01);
/// The registration deadline the draft names.
pub(super) const REGISTRATION_DUE: Date = date!(2026 - 03 - 31);
/// The mid-term (sơ kết) milestone.
pub(super) const MID_DUE: Date = date!(2026 - 06 - 30);
/// The final (tổng kết) milestone.
pub(super) const FINAL_DUE: Date = date!(2026 - 12 - 15);
/// A cancellation reason long enough.
pub(super) const REASON: &str = "Không còn phù hợp với kế hoạch của tỉnh";
/// A reason for an appraisal that differs from the engine.
pub(super) const CHECKED: &str = "Đã xác minh thành tích tại đơn vị, đủ căn cứ đề nghị";

pub(super) fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {tag}\n1 0 obj << >> endobj\n%%EOF\n").into_bytes()
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

pub(super) fn forbidden(e: AppError) -> String {
    match e {
        AppError::Forbidden(m) => m,
        other => panic!("expected a refusal for lack of rights, got {other:?}"),
    }
}

pub(super) fn person_line(id: i64, award: &str) -> RegistrationLineInput {
    RegistrationLineInput {
        person_id: Some(id),
        unit_id: None,
        award_code: award.into(),
    }
}

pub(super) fn unit_line(id: i64, award: &str) -> RegistrationLineInput {
    RegistrationLineInput {
        person_id: None,
        unit_id: Some(id),
        award_code: award.into(),
    }
}

/// A registration for 2026.
pub(super) fn reg(lines: Vec<RegistrationLineInput>) -> RegistrationInput {
    RegistrationInput {
        year: 2026,
        note: None,
        lines,
    }
}

/// Nation → Gia Lai (province) → Sở Giáo dục (dept) → THPT Pleiku (school), and Sở Y tế (dept2);
/// Nation → Kon Tum (other province) → its Sở Giáo dục (other_dept).
pub(super) struct World {
    pub(super) t: TestApp,
    pub(super) province: UnitRow,
    pub(super) dept: UnitRow,
    pub(super) school: UnitRow,
    pub(super) dept2: UnitRow,
    pub(super) other_province: UnitRow,
    pub(super) other_dept: UnitRow,
    /// chuyen_vien_ban on the province.
    pub(super) specialist: Principal,
    /// lanh_dao_ban on the province.
    pub(super) leader: Principal,
    /// can_bo_don_vi on the province itself (the role, not the place, is what it lacks).
    pub(super) province_clerk: Principal,
    /// can_bo_don_vi on the dept.
    pub(super) clerk: Principal,
    /// can_bo_don_vi on dept2.
    pub(super) clerk2: Principal,
    /// can_bo_don_vi on the other province's dept.
    pub(super) other_clerk: Principal,
    /// chuyen_vien_ban and lanh_dao_ban of the other province.
    pub(super) other_specialist: Principal,
    pub(super) other_leader: Principal,
    /// Đức of the dept, Bình of the school, Yến of dept2, Ngoài of the other province.
    pub(super) duc: PersonRow,
    pub(super) binh: PersonRow,
    pub(super) yen: PersonRow,
    pub(super) ngoai: PersonRow,
    seq: AtomicUsize,
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
    t.app.set_clock(Some(DAY_ONE));
    let sys = Actor::system("test");
    let s = t.store();
    let unit = |code: &'static str, name: &'static str, kind: UnitKind, parent: Option<i64>| {
        let sys = sys.clone();
        async move {
            s.create_unit(&sys, new_unit(code, name, kind, parent))
                .await
                .unwrap()
        }
    };
    let nation = unit("vn", "Việt Nam", UnitKind::Nation, None).await;
    let province = unit(
        "gia_lai",
        "Tỉnh Gia Lai",
        UnitKind::Province,
        Some(nation.id),
    )
    .await;
    let dept = unit(
        "so_gd",
        "Sở Giáo dục và Đào tạo",
        UnitKind::Department,
        Some(province.id),
    )
    .await;
    let school = unit(
        "thpt_pleiku",
        "Trường THPT Pleiku",
        UnitKind::School,
        Some(dept.id),
    )
    .await;
    let dept2 = unit("so_yt", "Sở Y tế", UnitKind::Department, Some(province.id)).await;
    let other_province = unit(
        "kon_tum",
        "Tỉnh Kon Tum",
        UnitKind::Province,
        Some(nation.id),
    )
    .await;
    let other_dept = unit(
        "so_gd_kt",
        "Sở Giáo dục và Đào tạo Kon Tum",
        UnitKind::Department,
        Some(other_province.id),
    )
    .await;
    let mut duc = new_person("Nguyễn Văn Đức", dept.id);
    duc.cccd = Some(DUC_CCCD.into());
    duc.birth = Some(Birth::Date(date!(1980 - 03 - 15)));
    let duc = s.create_person(&sys, duc).await.unwrap();
    let mut binh = new_person("Trần Thị Bình", school.id);
    binh.cccd = Some(BINH_CCCD.into());
    binh.birth = Some(Birth::Date(date!(1985 - 07 - 20)));
    let binh = s.create_person(&sys, binh).await.unwrap();
    let yen = s
        .create_person(&sys, new_person("Lê Thị Yến", dept2.id))
        .await
        .unwrap();
    let ngoai = s
        .create_person(&sys, new_person("Phạm Văn Ngoài", other_dept.id))
        .await
        .unwrap();
    World {
        specialist: user(&t, "chuyenvien", Role::BoardSpecialist, province.id).await,
        leader: user(&t, "lanhdao", Role::BoardLeader, province.id).await,
        province_clerk: user(&t, "canbo_tinh", Role::UnitClerk, province.id).await,
        clerk: user(&t, "canbo_sogd", Role::UnitClerk, dept.id).await,
        clerk2: user(&t, "canbo_soyt", Role::UnitClerk, dept2.id).await,
        other_clerk: user(&t, "canbo_kt", Role::UnitClerk, other_dept.id).await,
        other_specialist: user(
            &t,
            "chuyenvien_kt",
            Role::BoardSpecialist,
            other_province.id,
        )
        .await,
        other_leader: user(&t, "lanhdao_kt", Role::BoardLeader, other_province.id).await,
        t,
        province,
        dept,
        school,
        dept2,
        other_province,
        other_dept,
        duc,
        binh,
        yen,
        ngoai,
        seq: AtomicUsize::new(0),
    }
}

/// A movement with its reports in, seen on 10/7/2026: the school reported the mid-term on time
/// (20/6) and the final one early (6/7), the dept the mid-term late (1/7), dept2 nothing.
pub(super) struct Reported {
    pub(super) m: MovementRow,
    /// The mid-term (sơ kết) milestone, due 30/6, and the final one, due 15/12.
    pub(super) mid: i64,
    pub(super) fin: i64,
    /// The count indicator (target 10) and the percent one (target 80).
    pub(super) count: i64,
    pub(super) pct: i64,
}

/// The day `Reported` is seen on.
pub(super) const SEEN_ON: Date = date!(2026 - 07 - 10);

pub(super) fn value(
    indicator: i64,
    target: Option<f64>,
    achieved: Option<f64>,
) -> ReportValueInput {
    ReportValueInput {
        indicator_id: indicator,
        target,
        achieved,
    }
}

pub(super) fn report(text: &str, values: Vec<ReportValueInput>) -> ReportInput {
    ReportInput {
        text: text.into(),
        values,
    }
}

impl World {
    fn next_seq(&self) -> usize {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The province's draft: a year-long thematic movement for its whole subtree, with its
    /// launch decision, a criterion, a mid-term and a final milestone, a count and a percent
    /// indicator, registration due on 31/3. Each call has its own name (and so its own code).
    pub(super) fn form(&self) -> MovementForm {
        let n = self.next_seq();
        MovementForm {
            code: None,
            name: format!("Thi đua chuyển đổi số đợt {n}"),
            slogan: Some("Chuyển đổi số vì nhân dân".into()),
            goals: "Mọi hồ sơ khen thưởng được tiếp nhận trực tuyến".into(),
            authority_id: self.province.id,
            level: "bo_tinh".into(),
            kind: "chuyen_de".into(),
            scope: "bo_tinh".into(),
            starts_on: "2026-01-15".into(),
            ends_on: "2026-12-31".into(),
            parent_id: None,
            decision_number: Some("15/KH-UBND".into()),
            decision_date: Some("2026-01-10".into()),
            decision_signer: Some("Phó Chủ tịch UBND tỉnh".into()),
            registration_due_on: Some(REGISTRATION_DUE.to_string()),
            target_kind: "cay_don_vi".into(),
            target_unit_id: Some(self.province.id),
            target_cluster_id: None,
            target_unit_ids: vec![],
            criteria: vec![CriterionForm {
                award_code: "tap_the_lao_dong_tien_tien".into(),
                text: "Có mô hình số được nhân rộng".into(),
                mandatory: true,
                legal_basis: None,
            }],
            milestones: vec![
                MilestoneForm {
                    kind: "so_ket".into(),
                    name: "Sơ kết 6 tháng".into(),
                    due_on: MID_DUE.to_string(),
                },
                MilestoneForm {
                    kind: "tong_ket".into(),
                    name: "Tổng kết năm".into(),
                    due_on: FINAL_DUE.to_string(),
                },
            ],
            indicators: vec![
                IndicatorForm {
                    code: "so_mo_hinh".into(),
                    name: "Số mô hình chuyển đổi số".into(),
                    measure: "so".into(),
                    target: Some(10.0),
                },
                IndicatorForm {
                    code: "ty_le_truc_tuyen".into(),
                    name: "Tỷ lệ hồ sơ trực tuyến".into(),
                    measure: "phan_tram".into(),
                    target: Some(80.0),
                },
            ],
        }
    }

    /// The specialist's draft of `form`.
    pub(super) async fn draft_of(&self, f: &MovementForm) -> MovementRow {
        self.t
            .app
            .create_movement(&self.specialist, f)
            .await
            .unwrap()
    }

    pub(super) async fn draft(&self) -> MovementRow {
        self.draft_of(&self.form()).await
    }

    pub(super) async fn version(&self, id: i64) -> i64 {
        self.t.store().movement(id).await.unwrap().version
    }

    pub(super) async fn audit_seq(&self) -> i64 {
        self.t.store().audit_head().await.unwrap().0
    }

    /// A lifecycle step at an explicit version.
    pub(super) async fn step_at(
        &self,
        p: &Principal,
        id: i64,
        version: i64,
        step: &str,
        reason: Option<&str>,
    ) -> AppResult<MovementRow> {
        self.t
            .app
            .movement_step(
                p,
                id,
                &MovementStepInput {
                    step: step.into(),
                    version,
                    reason: reason.map(str::to_string),
                },
            )
            .await
    }

    /// A lifecycle step at the version the movement is at now.
    pub(super) async fn step(
        &self,
        p: &Principal,
        id: i64,
        step: &str,
        reason: Option<&str>,
    ) -> AppResult<MovementRow> {
        let v = self.version(id).await;
        self.step_at(p, id, v, step, reason).await
    }

    /// A fresh draft brought to `state` by the leader through the use case.
    pub(super) async fn at(&self, state: MovementState) -> MovementRow {
        let m = self.draft().await;
        self.bring(m, state).await
    }

    /// A draft brought to `state` by the leader (the leader may take every step).
    pub(super) async fn bring(&self, m: MovementRow, state: MovementState) -> MovementRow {
        use MovementStep::*;
        let path: &[MovementStep] = match state {
            MovementState::Draft => &[],
            MovementState::Launched => &[Launch],
            MovementState::UnderWay => &[Launch, Start],
            MovementState::MidReviewed => &[Launch, Start, MidReview],
            MovementState::Reviewed => &[Launch, Start, FinalReview],
            MovementState::Closed => &[Launch, Start, FinalReview, Close],
            MovementState::Cancelled => &[Cancel],
        };
        let mut m = m;
        for step in path {
            m = self
                .step_at(&self.leader, m.id, m.version, step.code(), Some(REASON))
                .await
                .unwrap_or_else(|e| panic!("{step} towards {state}: {e:?}"));
        }
        assert_eq!(m.state, state);
        m
    }

    pub(super) fn milestone(m: &MovementRow, kind: MilestoneKind) -> i64 {
        m.milestones
            .iter()
            .find(|x| x.kind == kind)
            .expect("milestone of that kind")
            .id
    }

    pub(super) fn indicator(m: &MovementRow, code: &str) -> i64 {
        m.indicators
            .iter()
            .find(|x| x.code == code)
            .expect("indicator of that code")
            .id
    }

    /// The dept's clerk reports for `unit` on `day`.
    pub(super) async fn report_on(
        &self,
        day: Date,
        m: i64,
        milestone: i64,
        unit: i64,
        input: &ReportInput,
    ) -> ReportRow {
        self.t.app.set_clock(Some(day));
        self.t
            .app
            .submit_report(&self.clerk, m, milestone, unit, input, vec![])
            .await
            .unwrap()
    }

    /// See `Reported`. The school gives no target (the movement's applies), the dept its own.
    pub(super) async fn reported(&self) -> Reported {
        let m = self.at(MovementState::UnderWay).await;
        let mid = Self::milestone(&m, MilestoneKind::Interim);
        let fin = Self::milestone(&m, MilestoneKind::Final);
        let count = Self::indicator(&m, "so_mo_hinh");
        let pct = Self::indicator(&m, "ty_le_truc_tuyen");
        self.report_on(
            date!(2026 - 06 - 20),
            m.id,
            mid,
            self.school.id,
            &report(
                "Trường đã triển khai 4 mô hình số",
                vec![value(count, None, Some(4.0)), value(pct, None, Some(90.0))],
            ),
        )
        .await;
        self.report_on(
            date!(2026 - 07 - 01),
            m.id,
            mid,
            self.dept.id,
            &report(
                "Sở đã triển khai 6 mô hình số",
                vec![
                    value(count, Some(12.0), Some(6.0)),
                    value(pct, Some(80.0), Some(70.0)),
                ],
            ),
        )
        .await;
        self.report_on(
            date!(2026 - 07 - 06),
            m.id,
            fin,
            self.school.id,
            &report(
                "Trường tổng kết sớm: 9 mô hình số",
                vec![value(count, None, Some(9.0))],
            ),
        )
        .await;
        self.t.app.set_clock(Some(SEEN_ON));
        Reported {
            m: self.t.store().movement(m.id).await.unwrap(),
            mid,
            fin,
            count,
            pct,
        }
    }
}

/// A refused call: an error, and neither the audit log nor the movement's version moved.
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
