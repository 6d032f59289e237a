//! What the round tests build on: a province with two departments (one with a school below
//! it), a department without staff, an old district (it grants nothing), a second province;
//! the boards', units' and councils' accounts; five people of the department with different
//! histories (`world`); the round of 2025 opened by the Board (`World::open`), the
//! department's ratings in (`World::rated`), its council's vote closed (`World::voted`); the
//! check that a refused call wrote nothing (`refused`) and PDF text (`text_of`).

use std::collections::BTreeMap;
use std::future::Future;

use tdkt_app::history::{InitiativeInput, InitiativeReviewInput, TitleInput};
use tdkt_app::people::RatingInput;
use tdkt_app::rounds::{FactsInput, OpenRoundInput, SelectionInput};
use tdkt_app::testing::{Backend, TestApp, principal};
use tdkt_app::{AppError, AppResult, Principal};
use tdkt_domain::access::Role;
use tdkt_domain::dossier::council::Choice;
use tdkt_domain::person::Birth;
use tdkt_domain::unit::UnitKind;
use tdkt_store::conformance::{new_person, new_unit};
use tdkt_store::{
    Actor, CandidateFilter, CandidateRow, NewUser, PersonRow, RoundRow, RoundUnitRow, UnitRow,
};
use time::Date;
use time::macros::date;

/// The round's year and the day the tests are seen on (after both due dates).
pub(super) const YEAR: i32 = 2025;
pub(super) const DAY: Date = date!(2025 - 12 - 20);
/// The reference date of the round's verdicts.
pub(super) const REF: Date = date!(2025 - 12 - 31);
pub(super) const LDTT: &str = "lao_dong_tien_tien";
pub(super) const CSTDCS: &str = "chien_si_thi_dua_co_so";
pub(super) const CSTDT: &str = "chien_si_thi_dua_tinh";
pub(super) const BKT: &str = "bang_khen_tinh";
pub(super) const TTLDTT: &str = "tap_the_lao_dong_tien_tien";
pub(super) const REASON: &str = "Đã xác minh thành tích thực tế tại đơn vị";

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

pub(super) fn forbidden(e: AppError) {
    match e {
        AppError::Forbidden(_) => {}
        other => panic!("expected a refusal for lack of rights, got {other:?}"),
    }
}

/// Extracted PDF text without white space (lines break anywhere).
pub(super) fn text_of(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    pdf_extract::extract_text_from_mem(pdf)
        .expect("readable PDF")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

pub(super) fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

pub(super) fn facts(
    person_id: i64,
    rating: &str,
    absent: Option<i32>,
    discipline: Option<&str>,
    initiatives: &[&str],
) -> FactsInput {
    FactsInput {
        person_id,
        rating: rating.into(),
        absent_days: absent,
        discipline: discipline.map(str::to_string),
        initiatives: initiatives.iter().map(|s| s.to_string()).collect(),
    }
}

pub(super) struct World {
    pub(super) t: TestApp,
    pub(super) province: UnitRow,
    pub(super) dept: UnitRow,
    pub(super) school: UnitRow,
    pub(super) dept2: UnitRow,
    pub(super) empty_dept: UnitRow,
    pub(super) district: UnitRow,
    pub(super) other_province: UnitRow,
    /// chuyen_vien_ban and lanh_dao_ban on the province.
    pub(super) specialist: Principal,
    pub(super) leader: Principal,
    /// can_bo_don_vi on the dept, dept2, the school.
    pub(super) clerk: Principal,
    pub(super) clerk2: Principal,
    pub(super) school_clerk: Principal,
    /// lanh_dao_ban on the dept: its head, who signs its own decisions.
    pub(super) head: Principal,
    pub(super) head2: Principal,
    /// chuyen_vien_ban of the other province.
    pub(super) other_specialist: Principal,
    /// Five council members on the dept, three on dept2, five on the province.
    pub(super) members: Vec<Principal>,
    pub(super) members2: Vec<Principal>,
    pub(super) province_members: Vec<Principal>,
    /// The dept's people: An born 1980 and An born 1990 (same name), Bích, Cường, Dung.
    pub(super) an80: PersonRow,
    pub(super) an90: PersonRow,
    pub(super) bich: PersonRow,
    pub(super) cuong: PersonRow,
    pub(super) dung: PersonRow,
    /// The school's Em, dept2's Yến and Hà.
    pub(super) em: PersonRow,
    pub(super) yen: PersonRow,
    pub(super) ha: PersonRow,
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
    t.app.set_clock(Some(DAY));
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
    let empty_dept = unit(
        "so_tp",
        "Sở Tư pháp",
        UnitKind::Department,
        Some(province.id),
    )
    .await;
    let district = unit(
        "chu_pah",
        "Huyện Chư Păh",
        UnitKind::District,
        Some(province.id),
    )
    .await;
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
    let person = |name: &'static str, unit: i64, born: Option<Date>| {
        let sys = sys.clone();
        async move {
            let mut p = new_person(name, unit);
            p.birth = born.map(Birth::Date);
            s.create_person(&sys, p).await.unwrap()
        }
    };
    let an80 = person("Nguyễn Văn An", dept.id, Some(date!(1980 - 03 - 15))).await;
    let an90 = person("Nguyễn Văn An", dept.id, Some(date!(1990 - 08 - 02))).await;
    let bich = person("Trần Thị Bích", dept.id, Some(date!(1985 - 07 - 20))).await;
    let cuong = person("Lê Văn Cường", dept.id, None).await;
    let dung = person("Phạm Thị Dung", dept.id, None).await;
    let em = person("Hoàng Văn Em", school.id, None).await;
    let yen = person("Võ Thị Yến", dept2.id, None).await;
    let ha = person("Đỗ Thị Hà", dept2.id, None).await;
    // Staff of the authority itself, of the old district and of the other province: none of
    // them takes part by default.
    person("Lê Văn Tỉnh", province.id, None).await;
    person("Y Huyện", district.id, None).await;
    person("Phạm Văn Ngoài", other_dept.id, None).await;
    let mut members = Vec::new();
    for i in 0..5 {
        members.push(user(&t, &format!("hd_sogd{i}"), Role::CouncilMember, dept.id).await);
    }
    let mut members2 = Vec::new();
    for i in 0..3 {
        members2.push(user(&t, &format!("hd_soyt{i}"), Role::CouncilMember, dept2.id).await);
    }
    let mut province_members = Vec::new();
    for i in 0..5 {
        province_members
            .push(user(&t, &format!("hd_tinh{i}"), Role::CouncilMember, province.id).await);
    }
    World {
        specialist: user(&t, "chuyenvien", Role::BoardSpecialist, province.id).await,
        leader: user(&t, "lanhdao", Role::BoardLeader, province.id).await,
        clerk: user(&t, "canbo_sogd", Role::UnitClerk, dept.id).await,
        clerk2: user(&t, "canbo_soyt", Role::UnitClerk, dept2.id).await,
        school_clerk: user(&t, "canbo_truong", Role::UnitClerk, school.id).await,
        head: user(&t, "giamdoc_sogd", Role::BoardLeader, dept.id).await,
        head2: user(&t, "giamdoc_soyt", Role::BoardLeader, dept2.id).await,
        other_specialist: user(
            &t,
            "chuyenvien_kt",
            Role::BoardSpecialist,
            other_province.id,
        )
        .await,
        members,
        members2,
        province_members,
        t,
        province,
        dept,
        school,
        dept2,
        empty_dept,
        district,
        other_province,
        an80,
        an90,
        bich,
        cuong,
        dung,
        em,
        yen,
        ha,
    }
}

impl World {
    pub(super) async fn audit_head(&self) -> (i64, String) {
        self.t.store().audit_head().await.unwrap()
    }

    /// The province's round of 2025 with its default participants.
    pub(super) async fn open(&self) -> RoundRow {
        self.t
            .app
            .open_round(
                &self.specialist,
                OpenRoundInput {
                    authority_id: self.province.id,
                    year: YEAR,
                    note: Some("Bình xét thi đua năm 2025".into()),
                    unit_ids: None,
                },
            )
            .await
            .unwrap()
    }

    pub(super) async fn part(&self, round: &RoundRow, unit_id: i64) -> RoundUnitRow {
        self.t
            .store()
            .round_units(round.id)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.unit_id == unit_id)
            .expect("the unit takes part")
    }

    pub(super) async fn reload(&self, part: &RoundUnitRow) -> RoundUnitRow {
        self.t.store().round_unit(part.id).await.unwrap()
    }

    /// The year's rating of a person, as stored.
    pub(super) async fn rating_of(&self, person: i64) -> Option<tdkt_store::YearFacts> {
        self.t
            .store()
            .person_history(person)
            .await
            .unwrap()
            .ratings
            .into_iter()
            .find(|f| f.year == YEAR)
    }

    /// Histories before the round, through the use cases: An 1990 and Bích rated HTXSNV in
    /// 2023 and 2024; Bích CSTĐ cơ sở 2022–2024 with an initiative recognised at province level
    /// in 2024 (so CSTĐ tỉnh and Bằng khen tỉnh are within reach).
    pub(super) async fn history(&self) {
        let app = &self.t.app;
        for p in [&self.an90, &self.bich] {
            app.put_ratings(
                &self.specialist,
                p.id,
                &[
                    RatingInput {
                        year: 2023,
                        rating: "htxsnv".into(),
                    },
                    RatingInput {
                        year: 2024,
                        rating: "htxsnv".into(),
                    },
                ],
            )
            .await
            .unwrap();
        }
        let titles: Vec<TitleInput> = [2022, 2023, 2024]
            .into_iter()
            .map(|y| TitleInput {
                year: y,
                code: CSTDCS.into(),
                decision: Some(format!("{y}/QĐ-SGDĐT")),
                initiatives: vec![],
            })
            .collect();
        app.put_person_titles(&self.specialist, self.bich.id, &titles)
            .await
            .unwrap();
        let i = app
            .create_initiative(
                &self.specialist,
                InitiativeInput {
                    code: "SK-TINH-2024-01".into(),
                    title: "Số hóa hồ sơ học bạ toàn tỉnh".into(),
                    unit_id: self.dept.id,
                    field: None,
                    submitted_on: "2024-03-01".into(),
                    authors: vec![self.bich.id],
                },
            )
            .await
            .unwrap();
        app.review_initiative(
            &self.specialist,
            i.id,
            InitiativeReviewInput {
                scope: "tinh".into(),
                recognized_on: "2024-06-01".into(),
                effect: Some("Áp dụng toàn tỉnh".into()),
            },
        )
        .await
        .unwrap();
    }

    /// The dept's ratings of 2025 in the grid: An 1980 HTTNV, An 1990 and Bích HTXSNV, Cường
    /// HTTNV but absent 45 days, Dung HTTNV with a reprimand.
    pub(super) fn dept_facts(&self) -> Vec<FactsInput> {
        vec![
            facts(self.an80.id, "httnv", Some(3), None, &[]),
            facts(
                self.an90.id,
                "htxsnv",
                None,
                None,
                &["Ứng dụng AI chấm bài"],
            ),
            facts(self.bich.id, "htxsnv", Some(0), None, &[]),
            facts(self.cuong.id, "httnv", Some(45), None, &[]),
            facts(self.dung.id, "httnv", None, Some("khien_trach"), &[]),
        ]
    }

    /// The round open, the dept's history and ratings in, its candidates computed.
    pub(super) async fn rated(&self) -> (RoundRow, RoundUnitRow) {
        let r = self.open().await;
        let part = self.part(&r, self.dept.id).await;
        self.history().await;
        self.t
            .app
            .put_round_ratings(&self.clerk, part.id, &self.dept_facts())
            .await
            .unwrap();
        self.t
            .app
            .compute_round_candidates(&self.clerk, part.id)
            .await
            .unwrap();
        (r, self.reload(&part).await)
    }

    pub(super) async fn candidates(&self, part: &RoundUnitRow) -> Vec<CandidateRow> {
        self.t
            .store()
            .candidates(part.id, &CandidateFilter::default())
            .await
            .unwrap()
            .items
    }

    pub(super) async fn candidate(
        &self,
        part: &RoundUnitRow,
        person: i64,
        award: &str,
    ) -> CandidateRow {
        self.candidates(part)
            .await
            .into_iter()
            .find(|c| c.person_id == Some(person) && c.award_code == award)
            .unwrap_or_else(|| panic!("candidate #{person} for {award}"))
    }

    /// `rated`, the vote opened and closed: members 0–2 agree on every name, member 3
    /// disagrees on every name, member 4 (absent, in writing through the clerk) agrees except
    /// on both CSTĐ cơ sở and An 1980's LĐTT. So: LĐTT 4/5, 4/5 and An 1980 3/5 — all passed
    /// (more than half); CSTĐ cơ sở 3/5 < 80% — not; CSTĐ tỉnh 4/5 < 90% — not; Bích's Bằng
    /// khen 4/5 — passed.
    pub(super) async fn voted(&self) -> Voted {
        let (r, part) = self.rated().await;
        let app = &self.t.app;
        app.open_round_vote(&self.clerk, part.id).await.unwrap();
        let questions = app.round_questions(&self.clerk, part.id).await.unwrap();
        let cands = self.candidates(&part).await;
        let all =
            |c: Choice| -> BTreeMap<i64, Choice> { questions.iter().map(|q| (q.0, c)).collect() };
        for m in &self.members[..3] {
            app.cast_round_vote(m, part.id, all(Choice::Agree))
                .await
                .unwrap();
        }
        app.cast_round_vote(&self.members[3], part.id, all(Choice::Disagree))
            .await
            .unwrap();
        let an80_ldtt = cands
            .iter()
            .find(|c| c.person_id == Some(self.an80.id) && c.award_code == LDTT)
            .unwrap()
            .id;
        let written: BTreeMap<i64, Choice> = questions
            .iter()
            .map(|q| {
                let c = cands.iter().find(|c| c.id == q.0).unwrap();
                let no = c.award_code == CSTDCS || c.id == an80_ldtt;
                (q.0, if no { Choice::Disagree } else { Choice::Agree })
            })
            .collect();
        app.record_round_written_vote(&self.clerk, part.id, self.members[4].user_id, written)
            .await
            .unwrap();
        let result = app.close_round_vote(&self.clerk, part.id).await.unwrap();
        Voted {
            round: r,
            part: self.reload(&part).await,
            result,
        }
    }

    /// Selects `ids` (with a reason, in case the verdict says otherwise).
    pub(super) async fn select(&self, p: &Principal, part: &RoundUnitRow, ids: &[i64], on: bool) {
        let input: Vec<SelectionInput> = ids
            .iter()
            .map(|id| SelectionInput {
                candidate_id: *id,
                selected: on,
                reason: Some(REASON.into()),
            })
            .collect();
        self.t
            .app
            .select_round_candidates(p, part.id, &input)
            .await
            .unwrap();
    }
}

pub(super) struct Voted {
    pub(super) round: RoundRow,
    pub(super) part: RoundUnitRow,
    pub(super) result: tdkt_domain::dossier::council::CouncilResult,
}

/// A refused call: an error, and the audit log did not move.
pub(super) async fn refused<T: std::fmt::Debug>(
    w: &World,
    call: impl Future<Output = AppResult<T>>,
) -> AppError {
    let head = w.audit_head().await;
    let e = call.await.expect_err("the call must be refused");
    assert_eq!(w.audit_head().await, head, "{e:?}: something was written");
    e
}
