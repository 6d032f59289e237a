//! What several areas' scenarios build on: inputs for units and people, a system actor, the
//! audit chain check, a cluster of five provinces and a province with a proposing department.

use tdkt_domain::audit::ChainVerifier;
use tdkt_domain::dossier::{CommendationType, State, Step};
use tdkt_domain::person::{Birth, Gender};
use tdkt_domain::unit::UnitKind;
use time::macros::date;

use crate::*;

pub(super) fn sys() -> Actor {
    Actor::system("test")
}

pub fn new_unit(code: &str, name: &str, kind: UnitKind, parent: Option<i64>) -> NewUnit {
    NewUnit {
        code: code.into(),
        kind,
        name: name.into(),
        short_name: None,
        parent_id: parent,
        valid_from: None,
        valid_to: None,
        note: None,
        illustrative: false,
    }
}

pub fn new_person(name: &str, unit: i64) -> NewPerson {
    NewPerson {
        full_name: name.into(),
        gender: Gender::Male,
        birth: Some(Birth::Year(1980)),
        cccd: None,
        unit_id: unit,
        position: Some("Chuyên viên".into()),
        position_since: date!(2020 - 01 - 01),
        illustrative: false,
        ratings: vec![],
    }
}

/// A unit of kind `Other` named «Đơn vị `code`».
pub(super) async fn unit(s: &dyn Store, code: &str, parent: Option<i64>) -> UnitRow {
    s.create_unit(
        &sys(),
        new_unit(code, &format!("Đơn vị {code}"), UnitKind::Other, parent),
    )
    .await
    .expect("create unit")
}

/// Walks the whole audit log and checks the chain up to the head; returns the head's seq.
pub(super) async fn verify_chain(s: &dyn Store) -> i64 {
    let mut v = ChainVerifier::default();
    let mut after = 0;
    loop {
        let page = s.audit_entries(after, 100).await.unwrap();
        if page.is_empty() {
            break;
        }
        for e in &page {
            v.push(e).unwrap_or_else(|b| panic!("chain broken: {b}"));
        }
        after = page.last().unwrap().seq;
    }
    let (seq, hash) = s.audit_head().await.unwrap();
    v.finish(seq, &hash).unwrap()
}

/// A cluster `cum` of five provinces under the nation in 2022, the first its leader; returns
/// the cluster's id and the members' unit ids.
pub(super) async fn conference_fixture(s: &dyn Store) -> (i64, Vec<i64>) {
    use tdkt_domain::cluster::{ClusterKind, MemberRole};
    let root = unit(s, "vn", None).await;
    let mut members = Vec::new();
    for i in 0..5 {
        members.push(unit(s, &format!("tinh_{i}"), Some(root.id)).await.id);
    }
    let c = s
        .create_cluster(
            &sys(),
            NewCluster {
                code: "cum".into(),
                name: "Cụm thử".into(),
                kind: ClusterKind::Cluster,
                organiser: "Hội đồng".into(),
                organiser_unit_id: Some(root.id),
                supervisor: None,
                source: None,
                note: None,
                years: vec![NewClusterYear {
                    year: 2022,
                    note: None,
                    roles_illustrative: false,
                    members: members
                        .iter()
                        .enumerate()
                        .map(|(i, u)| {
                            (
                                *u,
                                if i == 0 {
                                    MemberRole::Leader
                                } else {
                                    MemberRole::Member
                                },
                                false,
                            )
                        })
                        .collect(),
                }],
            },
        )
        .await
        .unwrap();
    (c.id, members)
}

/// Bytes of a small PDF and their SHA-256 (the store trusts the hash the use case computed).
pub(super) const PDF_X: &[u8] = b"%PDF-1.4\n% tdkt conformance\n%%EOF\n";
pub(super) const PDF_X_SHA: &str =
    "a9977bc06552b9270a80e9968545081131052ee2b858edfc8c8d7f6064c96853";

/// Two provinces without a parent, a department `so` of the first and Lý Thị Hoa in it: the
/// ground of the dossier, document, decision and register scenarios.
pub(super) struct Dossiers<'a> {
    pub st: &'a dyn Store,
    pub province: UnitRow,
    pub other_province: UnitRow,
    pub dept: UnitRow,
    pub person: PersonRow,
}

impl<'a> Dossiers<'a> {
    pub async fn new(st: &'a dyn Store) -> Self {
        let province = st
            .create_unit(
                &sys(),
                new_unit("tinh", "Tỉnh Thử Nghiệm", UnitKind::Province, None),
            )
            .await
            .unwrap();
        let other_province = st
            .create_unit(
                &sys(),
                new_unit("tinh_khac", "Tỉnh Khác", UnitKind::Province, None),
            )
            .await
            .unwrap();
        let dept = unit(st, "so", Some(province.id)).await;
        let person = st
            .create_person(&sys(), new_person("Lý Thị Hoa", dept.id))
            .await
            .unwrap();
        Self {
            st,
            province,
            other_province,
            dept,
            person,
        }
    }

    /// A merit dossier of 2025 from the department, decided by `authority`, proposing Lý Thị
    /// Hoa for the province's certificate of merit.
    pub fn draft(&self, title: &str, authority: i64) -> NewDossier {
        NewDossier {
            title: title.into(),
            unit_id: self.dept.id,
            authority_id: authority,
            kind: CommendationType::CongTrang,
            year: 2025,
            movement_id: None,
            cluster_proposal_id: None,
            created_by: None,
            today: date!(2025 - 11 - 03),
            nominees: vec![NewNominee {
                person_id: Some(self.person.id),
                unit_id: None,
                award_code: "bang_khen_tinh".into(),
                summary: "Hoàn thành xuất sắc nhiệm vụ năm 2025".into(),
                summary_key: "hoan thanh xuat sac nhiem vu nam 2025".into(),
                verdict: None,
                verdict_json: None,
            }],
        }
    }

    /// A dossier created and moved straight from draft to approved.
    pub async fn approved(&self, title: &str, authority: i64) -> DossierRow {
        let d = self
            .st
            .create_dossier(&sys(), self.draft(title, authority))
            .await
            .unwrap();
        self.st
            .move_dossier(
                &sys(),
                d.id,
                mv(1, State::Draft, State::Approved, Step::Approve),
            )
            .await
            .unwrap()
    }

    /// The decision on an approved dossier `d`, at the version it is at; `key` fills the
    /// certificate key.
    pub fn decision(&self, d: &DossierRow, authority: i64, year: i32, key: char) -> NewDecision {
        NewDecision {
            dossiers: vec![DecisionDossier {
                id: d.id,
                expected_version: d.version,
            }],
            round_unit_id: None,
            award_code: None,
            authority_id: authority,
            year,
            symbol: "QĐ-UBND".into(),
            signed_on: tdkt_domain::dates::ymd(year, 12, 1),
            signer_name: "Nguyễn Văn Ký".into(),
            signer_title: "CHỦ TỊCH".into(),
            doc_json: "{}".into(),
            base_salary: 2_340_000,
            total: 3_510_000,
            awards: vec![NewDecisionAward {
                nominee_id: Some(d.nominees[0].id),
                candidate_id: None,
                dossier_id: Some(d.id),
                person_id: Some(self.person.id),
                unit_id: None,
                subject_name: "Lý Thị Hoa".into(),
                name_key: "ly thi hoa".into(),
                code: "bang_khen_tinh".into(),
                amount: 3_510_000,
                cert_key: key.to_string().repeat(32),
                title_year: None,
            }],
            due_on: None,
        }
    }
}

/// A move from `from` to `to` by `step`, expecting the dossier at version `expected`.
pub(super) fn mv(expected: i64, from: State, to: State, step: Step) -> DossierMove {
    DossierMove {
        expected_version: expected,
        from,
        to,
        step,
        reason: None,
        today: date!(2025 - 11 - 04),
        due_on: None,
        consultation_until: None,
        revoke_awards: false,
    }
}

/// The conflict a write from a version (or state) the dossier is no longer at gets.
pub(super) fn is_stale(e: &StoreError) -> bool {
    matches!(e, StoreError::Conflict(m) if m.contains("vừa được người khác cập nhật"))
}
