//! Drafting a movement: every bad field is named and nothing is written; the targets resolve to
//! units inside the launching authority (a subtree without the authority itself when it has
//! units below, a list, a cluster's members of the year); only a draft may change.

use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::cluster::{ClusterKind, MemberRole};
use tdkt_domain::movement::{MovementState, TargetKind};
use tdkt_store::{Actor, NewCluster, NewClusterYear, Paging};

use super::fixtures::*;

on_both!(
    a_bad_field_of_a_draft_is_named_and_nothing_is_written,
    targets_must_lie_under_the_authority,
    a_subtree_leaves_out_the_authority_when_it_has_units_below,
    a_list_target_keeps_each_unit_once,
    a_cluster_target_takes_the_members_of_the_starting_year,
    only_a_draft_can_change,
);

type Change = fn(&mut tdkt_app::movements::MovementForm);

async fn a_bad_field_of_a_draft_is_named_and_nothing_is_written(b: Backend) {
    let w = world(b).await;
    let cases: Vec<(&str, Change)> = vec![
        ("name", |f| f.name = " Thi ".into()),
        ("goals", |f| f.goals = "Ngắn".into()),
        ("level", |f| f.level = "tinh".into()),
        ("kind", |f| f.kind = "hang_nam".into()),
        ("scope", |f| f.scope = "ca_nuoc".into()),
        ("target_kind", |f| f.target_kind = "ca_tinh".into()),
        ("starts_on", |f| f.starts_on = "15/01/2026".into()),
        ("ends_on", |f| f.ends_on = "2026-01-14".into()),
        ("code", |f| f.code = Some("Thi Đua".into())),
        ("target_unit_id", |f| f.target_unit_id = None),
        ("criteria[0].award_code", |f| {
            f.criteria[0].award_code = "huy_chuong_vang".into()
        }),
        ("milestones[1].kind", |f| {
            f.milestones[1].kind = "giua_ky".into()
        }),
        ("milestones[0].due_on", |f| {
            f.milestones[0].due_on = "2026-01-01".into()
        }),
        ("indicators[0].measure", |f| {
            f.indicators[0].measure = "diem".into()
        }),
        ("indicators[1].code", |f| {
            f.indicators[1].code = f.indicators[0].code.clone()
        }),
        ("indicators[0].target", |f| {
            f.indicators[0].target = Some(-1.0)
        }),
        ("decision_date", |f| f.decision_date = Some("mai".into())),
    ];
    for (field, change) in cases {
        let mut f = w.form();
        change(&mut f);
        let e = refused(&w, None, w.t.app.create_movement(&w.specialist, &f)).await;
        assert_eq!(invalid(e).0, field);
    }
    let all =
        w.t.app
            .movements(&w.specialist, None, None, Paging::default())
            .await
            .unwrap();
    assert_eq!(all.total, 0, "no draft was stored");
    // Without a code the year and the name make one.
    let m = w.draft().await;
    assert!(
        m.code.starts_with("2026_thi_dua_chuyen_doi_so_dot_"),
        "{}",
        m.code
    );
    assert_eq!(m.state, MovementState::Draft);
}

/// A change made to a valid draft form.
type Edit<'a> = Box<dyn Fn(&mut tdkt_app::movements::MovementForm) + 'a>;

/// A subtree or a list reaching outside the launching authority is refused, naming the field
/// (and the list's position); so is a draft for a unit the caller does not manage.
async fn targets_must_lie_under_the_authority(b: Backend) {
    let w = world(b).await;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "target_unit_id",
            Box::new(|f| f.target_unit_id = Some(w.other_dept.id)),
        ),
        (
            "target_unit_ids[1]",
            Box::new(|f| {
                f.target_kind = "danh_sach".into();
                f.target_unit_ids = vec![w.school.id, w.other_province.id];
            }),
        ),
        // Launched by the dept: its sibling is not below it.
        (
            "target_unit_id",
            Box::new(|f| {
                f.authority_id = w.dept.id;
                f.target_unit_id = Some(w.dept2.id);
            }),
        ),
        (
            "target_unit_ids[0]",
            Box::new(|f| {
                f.target_kind = "danh_sach".into();
                f.target_unit_ids = vec![999_999];
            }),
        ),
        (
            "target_cluster_id",
            Box::new(|f| {
                f.target_kind = "cum_khoi".into();
                f.target_cluster_id = Some(999_999);
            }),
        ),
    ];
    for (field, change) in &cases {
        let mut f = w.form();
        change(&mut f);
        let e = refused(&w, None, w.t.app.create_movement(&w.specialist, &f)).await;
        assert_eq!(invalid(e).0, *field);
    }
    // The other province's board cannot launch for this province, nor for its own with our
    // units as targets.
    let mut f = w.form();
    f.authority_id = w.other_province.id;
    let e = refused(&w, None, w.t.app.create_movement(&w.other_specialist, &f)).await;
    assert_eq!(invalid(e).0, "target_unit_id");
    forbidden(
        refused(
            &w,
            None,
            w.t.app.create_movement(&w.other_specialist, &w.form()),
        )
        .await,
    );
}

async fn target_ids(w: &World, id: i64) -> Vec<i64> {
    let mut ids: Vec<i64> =
        w.t.store()
            .movement_targets(id)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.unit_id)
            .collect();
    ids.sort();
    ids
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort();
    v
}

/// The province's own subtree: its departments and the school, not the province (it launches,
/// it does not register with itself). A subtree rooted lower keeps its root; a unit with
/// nothing below it launching for itself is its own target.
async fn a_subtree_leaves_out_the_authority_when_it_has_units_below(b: Backend) {
    let w = world(b).await;
    let m = w.draft().await;
    assert_eq!(m.target_kind, TargetKind::Subtree);
    assert_eq!(m.target_unit_id, Some(w.province.id));
    assert_eq!(
        target_ids(&w, m.id).await,
        sorted(vec![w.dept.id, w.school.id, w.dept2.id])
    );
    let targets = w.t.store().movement_targets(m.id).await.unwrap();
    let school = targets.iter().find(|t| t.unit_id == w.school.id).unwrap();
    assert_eq!(school.parent_id, Some(w.dept.id));
    assert_eq!(school.name, w.school.name);

    let mut f = w.form();
    f.target_unit_id = Some(w.dept.id);
    let m = w.draft_of(&f).await;
    assert_eq!(
        target_ids(&w, m.id).await,
        sorted(vec![w.dept.id, w.school.id])
    );

    let mut f = w.form();
    f.authority_id = w.dept2.id;
    f.level = "co_quan_don_vi".into();
    f.target_unit_id = Some(w.dept2.id);
    let m = w.draft_of(&f).await;
    assert_eq!(target_ids(&w, m.id).await, vec![w.dept2.id]);
}

async fn a_list_target_keeps_each_unit_once(b: Backend) {
    let w = world(b).await;
    let mut f = w.form();
    f.target_kind = "danh_sach".into();
    f.target_unit_id = None;
    f.target_unit_ids = vec![w.school.id, w.dept2.id, w.school.id];
    let m = w.draft_of(&f).await;
    assert_eq!(m.target_kind, TargetKind::List);
    assert_eq!(m.target_unit_id, None);
    assert_eq!(
        target_ids(&w, m.id).await,
        sorted(vec![w.school.id, w.dept2.id])
    );
    // Launchable: a list is a target like any other.
    let m = w.step(&w.leader, m.id, "phat_dong", None).await.unwrap();
    assert_eq!(m.state, MovementState::Launched);
}

/// A cluster target takes the members of the year the movement starts in, not those of
/// another year.
async fn a_cluster_target_takes_the_members_of_the_starting_year(b: Backend) {
    let w = world(b).await;
    let year = |year: i32, members: Vec<i64>| NewClusterYear {
        year,
        note: None,
        roles_illustrative: false,
        members: members
            .into_iter()
            .map(|u| (u, MemberRole::Member, false))
            .collect(),
    };
    let c =
        w.t.store()
            .create_cluster(
                &Actor::system("test"),
                NewCluster {
                    code: "khoi_vhxh".into(),
                    name: "Khối Văn hoá - Xã hội".into(),
                    kind: ClusterKind::Block,
                    organiser: "Hội đồng Thi đua - Khen thưởng tỉnh".into(),
                    organiser_unit_id: Some(w.province.id),
                    supervisor: None,
                    source: None,
                    note: None,
                    years: vec![
                        year(2025, vec![w.dept.id, w.dept2.id]),
                        year(2026, vec![w.dept.id, w.school.id]),
                    ],
                },
            )
            .await
            .unwrap();
    let mut f = w.form();
    f.target_kind = "cum_khoi".into();
    f.target_unit_id = None;
    f.target_cluster_id = Some(c.id);
    f.scope = "cum_khoi".into();
    let m = w.draft_of(&f).await;
    assert_eq!(m.target_kind, TargetKind::Cluster);
    assert_eq!(m.target_cluster_id, Some(c.id));
    assert_eq!(
        target_ids(&w, m.id).await,
        sorted(vec![w.dept.id, w.school.id])
    );
}

/// A draft changes (fields and targets, version by one); a launched movement does not, nor does
/// a clerk change a draft.
async fn only_a_draft_can_change(b: Backend) {
    let w = world(b).await;
    let m = w.draft().await;
    let mut f = w.form();
    f.name = "Thi đua chuyển đổi số năm 2026".into();
    f.target_kind = "danh_sach".into();
    f.target_unit_ids = vec![w.dept2.id];
    f.milestones.truncate(1);
    let m2 =
        w.t.app
            .update_movement(&w.specialist, m.id, m.version, &f)
            .await
            .unwrap();
    assert_eq!(m2.version, m.version + 1);
    assert_eq!(m2.name, "Thi đua chuyển đổi số năm 2026");
    assert_eq!(m2.milestones.len(), 1);
    assert_eq!(target_ids(&w, m.id).await, vec![w.dept2.id]);
    forbidden(
        refused(
            &w,
            Some(m.id),
            w.t.app.update_movement(&w.clerk, m.id, m2.version, &f),
        )
        .await,
    );
    // A movement cannot carry out itself.
    let mut own = f.clone();
    own.parent_id = Some(m.id);
    let e = refused(
        &w,
        Some(m.id),
        w.t.app
            .update_movement(&w.specialist, m.id, m2.version, &own),
    )
    .await;
    assert_eq!(invalid(e).0, "parent_id");

    let m = w.bring(m2, MovementState::Launched).await;
    f.name = "Thi đua chuyển đổi số (đổi tên sau phát động)".into();
    let msg = conflict(
        refused(
            &w,
            Some(m.id),
            w.t.app.update_movement(&w.specialist, m.id, m.version, &f),
        )
        .await,
    );
    assert!(msg.contains("dự thảo"), "{msg}");
    assert_eq!(w.t.store().movement(m.id).await.unwrap().name, m.name);
    assert_eq!(target_ids(&w, m.id).await, vec![w.dept2.id]);
}
