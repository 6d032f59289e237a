//! Where movements meet the rest of the year: a year-end (công trạng) nominee for a title they
//! did not register for is flagged, refused or ignored as the setting says; a cluster's
//! covenant names the movements it implements.

use tdkt_app::dossiers::{DossierInput, NomineeInput};
use tdkt_app::movements::UnregisteredNominee;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_app::{AppResult, Principal};
use tdkt_domain::access::Role;
use tdkt_domain::cluster::{ClusterKind, MemberRole};
use tdkt_domain::movement::{MovementState, UnregisteredPolicy};
use tdkt_store::{Actor, DossierRow, NewCluster, NewClusterYear};

use super::fixtures::*;

on_both!(
    an_unregistered_nominee_is_flagged_on_the_dossier,
    only_the_current_registration_of_the_year_counts,
    with_the_block_setting_an_unregistered_nominee_is_refused,
    with_the_ignore_setting_nobody_is_flagged,
    a_covenant_names_the_movements_it_implements,
);

fn nominee(person: Option<i64>, unit: Option<i64>, award: &str) -> NomineeInput {
    NomineeInput {
        person_id: person,
        unit_id: unit,
        award_code: award.into(),
        summary: "Hoàn thành xuất sắc nhiệm vụ năm 2026".into(),
    }
}

async fn propose(
    w: &World,
    kind: &str,
    year: i32,
    nominees: Vec<NomineeInput>,
) -> AppResult<DossierRow> {
    w.t.app
        .create_dossier(
            &w.clerk,
            DossierInput {
                title: format!("Đề nghị khen thưởng ({kind}) năm {year}"),
                unit_id: w.dept.id,
                authority_id: None,
                kind: kind.into(),
                year,
                movement_id: None,
                cluster_proposal_id: None,
                nominees,
            },
        )
        .await
}

/// The dept registered Đức and itself for the base-level titles.
async fn registered(w: &World) -> tdkt_store::MovementRow {
    let m = w.at(MovementState::Launched).await;
    w.t.app
        .register(
            &w.clerk,
            m.id,
            w.dept.id,
            &reg(vec![
                person_line(w.duc.id, "lao_dong_tien_tien"),
                unit_line(w.dept.id, "tap_the_lao_dong_tien_tien"),
            ]),
        )
        .await
        .unwrap();
    m
}

async fn unregistered(w: &World, d: &DossierRow) -> Vec<UnregisteredNominee> {
    w.t.app
        .dossier_view(&w.clerk, d.id)
        .await
        .unwrap()
        .unregistered
}

fn flag(index: usize, name: &str, award: &str) -> UnregisteredNominee {
    UnregisteredNominee {
        index,
        name: name.into(),
        award_code: award.into(),
    }
}

/// By default (flag): Bình and the school, proposed for titles they did not register for, are
/// flagged by position; Đức and the dept, who registered, are not; nor is a form of
/// commendation (not a title), nor anyone on a sudden (đột xuất) proposal.
async fn an_unregistered_nominee_is_flagged_on_the_dossier(b: Backend) {
    let w = world(b).await;
    assert_eq!(
        w.t.app.settings.unregistered_nominee,
        UnregisteredPolicy::Flag
    );
    registered(&w).await;
    let d = propose(
        &w,
        "cong_trang",
        2026,
        vec![
            nominee(Some(w.duc.id), None, "lao_dong_tien_tien"),
            nominee(Some(w.binh.id), None, "lao_dong_tien_tien"),
            nominee(Some(w.duc.id), None, "bang_khen_tinh"),
            nominee(None, Some(w.dept.id), "tap_the_lao_dong_tien_tien"),
            nominee(None, Some(w.school.id), "tap_the_lao_dong_tien_tien"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        unregistered(&w, &d).await,
        [
            flag(1, "Trần Thị Bình", "lao_dong_tien_tien"),
            flag(4, &w.school.name, "tap_the_lao_dong_tien_tien"),
        ]
    );
    // Đức registered for one title, not for another.
    let d = propose(
        &w,
        "cong_trang",
        2026,
        vec![nominee(Some(w.duc.id), None, "chien_si_thi_dua_co_so")],
    )
    .await
    .unwrap();
    assert_eq!(
        unregistered(&w, &d).await,
        [flag(0, "Nguyễn Văn Đức", "chien_si_thi_dua_co_so")]
    );
    let d = propose(
        &w,
        "dot_xuat",
        2026,
        vec![nominee(Some(w.binh.id), None, "lao_dong_tien_tien")],
    )
    .await
    .unwrap();
    assert!(unregistered(&w, &d).await.is_empty());
}

/// A registration counts for its year only, and in its current version: Đức registered for
/// 2026, not 2025; dropped from the dept's second version, he is flagged for 2026 too.
async fn only_the_current_registration_of_the_year_counts(b: Backend) {
    let w = world(b).await;
    let m = registered(&w).await;
    let duc = || vec![nominee(Some(w.duc.id), None, "lao_dong_tien_tien")];
    let d = propose(&w, "cong_trang", 2025, duc()).await.unwrap();
    assert_eq!(
        unregistered(&w, &d).await,
        [flag(0, "Nguyễn Văn Đức", "lao_dong_tien_tien")]
    );
    let d2026 = propose(&w, "cong_trang", 2026, duc()).await.unwrap();
    assert!(unregistered(&w, &d2026).await.is_empty());
    w.t.app
        .register(
            &w.clerk,
            m.id,
            w.dept.id,
            &reg(vec![unit_line(w.dept.id, "tap_the_lao_dong_tien_tien")]),
        )
        .await
        .unwrap();
    assert_eq!(
        unregistered(&w, &d2026).await,
        [flag(0, "Nguyễn Văn Đức", "lao_dong_tien_tien")]
    );
}

/// With `unregistered_nominee = chan`, a year-end proposal naming someone who did not register
/// is refused at creation, naming the line, and nothing is written; the registered pass.
async fn with_the_block_setting_an_unregistered_nominee_is_refused(b: Backend) {
    let mut w = world(b).await;
    w.t.app.settings.unregistered_nominee = UnregisteredPolicy::Block;
    registered(&w).await;
    let e = refused(
        &w,
        None,
        propose(
            &w,
            "cong_trang",
            2026,
            vec![
                nominee(Some(w.duc.id), None, "lao_dong_tien_tien"),
                nominee(Some(w.binh.id), None, "lao_dong_tien_tien"),
            ],
        ),
    )
    .await;
    let (field, msg) = invalid(e);
    assert_eq!(field, "nominees[1].award_code");
    assert!(
        msg.contains("Dòng 2") && msg.contains("Trần Thị Bình"),
        "{msg}"
    );
    let e = refused(
        &w,
        None,
        propose(
            &w,
            "cong_trang",
            2026,
            vec![nominee(
                None,
                Some(w.school.id),
                "tap_the_lao_dong_tien_tien",
            )],
        ),
    )
    .await;
    assert_eq!(invalid(e).0, "nominees[0].award_code");
    let d = propose(
        &w,
        "cong_trang",
        2026,
        vec![
            nominee(Some(w.duc.id), None, "lao_dong_tien_tien"),
            nominee(Some(w.binh.id), None, "bang_khen_tinh"),
            nominee(None, Some(w.dept.id), "tap_the_lao_dong_tien_tien"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(d.nominees.len(), 3);
    assert!(unregistered(&w, &d).await.is_empty());
    // A sudden proposal is not a year-end one.
    propose(
        &w,
        "dot_xuat",
        2026,
        vec![nominee(Some(w.binh.id), None, "lao_dong_tien_tien")],
    )
    .await
    .unwrap();
}

async fn with_the_ignore_setting_nobody_is_flagged(b: Backend) {
    let mut w = world(b).await;
    w.t.app.settings.unregistered_nominee = UnregisteredPolicy::Ignore;
    let d = propose(
        &w,
        "cong_trang",
        2026,
        vec![nominee(Some(w.binh.id), None, "lao_dong_tien_tien")],
    )
    .await
    .unwrap();
    assert!(unregistered(&w, &d).await.is_empty());
}

/// The cluster's manager (its officer on the organising province) names the launched movements
/// the 2026 covenant implements; anyone reads them. A draft or a cancelled movement is refused
/// with nothing written, so is a member's clerk, so is a year without a covenant.
async fn a_covenant_names_the_movements_it_implements(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let officer: Principal = user(&w.t, "canbo_cum", Role::ClusterOfficer, w.province.id).await;
    let year = |year: i32| NewClusterYear {
        year,
        note: None,
        roles_illustrative: false,
        members: vec![
            (w.dept.id, MemberRole::Leader, false),
            (w.dept2.id, MemberRole::Member, false),
        ],
    };
    let c =
        w.t.store()
            .create_cluster(
                &Actor::system("test"),
                NewCluster {
                    code: "khoi_so".into(),
                    name: "Khối các sở".into(),
                    kind: ClusterKind::Block,
                    organiser: "Hội đồng Thi đua - Khen thưởng tỉnh".into(),
                    organiser_unit_id: Some(w.province.id),
                    supervisor: None,
                    source: None,
                    note: None,
                    years: vec![year(2025), year(2026)],
                },
            )
            .await
            .unwrap();
    w.t.store()
        .put_covenant(
            &Actor::system("test"),
            c.id,
            2026,
            "Giao ước thi đua năm 2026",
            r#"{"groups":[],"criteria":[]}"#,
            "{}",
        )
        .await
        .unwrap();
    let launched = w.at(MovementState::Launched).await;
    let under_way = w.at(MovementState::UnderWay).await;
    let draft = w.draft().await;
    let cancelled = w.at(MovementState::Cancelled).await;

    let set = app
        .set_covenant_movements(&officer, c.id, 2026, &[launched.id, under_way.id])
        .await
        .unwrap();
    let ids = |v: &[tdkt_store::MovementSummary]| {
        let mut ids: Vec<i64> = v.iter().map(|m| m.id).collect();
        ids.sort();
        ids
    };
    let mut both = vec![launched.id, under_way.id];
    both.sort();
    assert_eq!(ids(&set), both);
    assert_eq!(
        ids(&app.covenant_movements(&w.clerk2, c.id, 2026).await.unwrap()),
        both
    );
    for bad in [draft.id, cancelled.id] {
        let e = refused(
            &w,
            None,
            app.set_covenant_movements(&officer, c.id, 2026, &[launched.id, bad]),
        )
        .await;
        let (field, msg) = invalid(e);
        assert_eq!(field, "movement_ids[1]");
        assert!(msg.contains("chưa được phát động"), "{msg}");
    }
    let e = refused(
        &w,
        None,
        app.set_covenant_movements(&officer, c.id, 2026, &[999_999]),
    )
    .await;
    assert_eq!(invalid(e).0, "movement_ids[0]");
    // The leading member's clerk does not run the cluster's year.
    forbidden(
        refused(
            &w,
            None,
            app.set_covenant_movements(&w.clerk, c.id, 2026, &[launched.id]),
        )
        .await,
    );
    let e = refused(
        &w,
        None,
        app.set_covenant_movements(&officer, c.id, 2025, &[launched.id]),
    )
    .await;
    assert_eq!(invalid(e).0, "movement_ids");
    assert_eq!(
        ids(&app.covenant_movements(&officer, c.id, 2026).await.unwrap()),
        both,
        "the refusals changed nothing"
    );
    // The list is replaced, not added to.
    let set = app
        .set_covenant_movements(&officer, c.id, 2026, &[under_way.id])
        .await
        .unwrap();
    assert_eq!(ids(&set), [under_way.id]);
    assert!(
        app.covenant_movements(&officer, c.id, 2025)
            .await
            .unwrap()
            .is_empty()
    );
}
