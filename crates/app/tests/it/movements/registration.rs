//! Registration by form: versions kept; only the unit's people and collectives, only titles,
//! each once; the deadline (a newcomer is late, an amendment is the board's); the overview's
//! standings and totals, scoped to what the caller follows.

use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::movement::progress::Timeliness;
use tdkt_domain::movement::{MovementState, RegistrationSource, Subject};
use tdkt_store::RegistrationRow;
use time::macros::date;

use super::fixtures::*;

on_both!(
    a_clerk_registers_by_form_and_every_version_is_kept,
    a_registration_names_only_the_units_people_and_titles_once,
    a_registration_is_refused_off_target_off_year_or_while_closed,
    after_the_deadline_a_newcomer_is_late_and_only_the_board_amends,
    the_overview_counts_each_standing_and_totals_the_current_versions,
    a_clerk_follows_only_the_units_under_it,
);

fn line_keys(r: &RegistrationRow) -> Vec<(Option<i64>, Option<i64>, String, Subject)> {
    let mut v: Vec<_> = r
        .lines
        .iter()
        .map(|l| (l.person_id, l.unit_id, l.award_code.clone(), l.subject))
        .collect();
    v.sort();
    v
}

async fn a_clerk_registers_by_form_and_every_version_is_kept(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let m = w.at(MovementState::Launched).await;
    let seq = w.audit_seq().await;
    let v1 = app
        .register(
            &w.clerk,
            m.id,
            w.dept.id,
            &reg(vec![
                unit_line(w.dept.id, "tap_the_lao_dong_tien_tien"),
                person_line(w.duc.id, "lao_dong_tien_tien"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(
        (v1.version, v1.source, v1.year),
        (1, RegistrationSource::Form, 2026)
    );
    assert_eq!(v1.submitted_on, DAY_ONE);
    assert_eq!(w.audit_seq().await, seq + 1);
    let duc_line = v1
        .lines
        .iter()
        .find(|l| l.person_id == Some(w.duc.id))
        .unwrap();
    assert_eq!(
        (duc_line.name.as_str(), duc_line.subject),
        ("Nguyễn Văn Đức", Subject::Individual)
    );

    w.t.app.set_clock(Some(date!(2026 - 02 - 10)));
    let mut amended = reg(vec![
        unit_line(w.dept.id, "tap_the_lao_dong_xuat_sac"),
        unit_line(w.school.id, "tap_the_lao_dong_tien_tien"),
        person_line(w.duc.id, "chien_si_thi_dua_co_so"),
        // A person of the school is the dept's too.
        person_line(w.binh.id, "lao_dong_tien_tien"),
    ]);
    amended.note = Some("Bổ sung trường THPT".into());
    let v2 = app
        .register(&w.clerk, m.id, w.dept.id, &amended)
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.note.as_deref(), Some("Bổ sung trường THPT"));
    assert_eq!(v2.submitted_on, date!(2026 - 02 - 10));

    let page = app
        .registration_page(&w.clerk, m.id, w.dept.id, 2026)
        .await
        .unwrap();
    assert!(page.may_register);
    assert_eq!(page.deadline, REGISTRATION_DUE);
    assert_eq!(
        page.versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    // The first version is kept as it was.
    assert_eq!(line_keys(&page.versions[0]), line_keys(&v1));
    assert_eq!(line_keys(page.current.as_ref().unwrap()), line_keys(&v2));
    assert_eq!(page.current.as_ref().unwrap().lines.len(), 4);
    let staff: Vec<i64> = page.staff.iter().map(|s| s.id).collect();
    assert!(
        staff.contains(&w.duc.id) && staff.contains(&w.binh.id),
        "{staff:?}"
    );
    assert!(!staff.contains(&w.yen.id));
    assert!(page.titles.contains(&(
        "lao_dong_tien_tien".into(),
        "Lao động tiên tiến".into(),
        Subject::Individual
    )));
    assert!(
        page.titles
            .iter()
            .all(|(c, _, _)| c != "bang_khen_tinh" && c != "giay_khen"),
        "only titles are offered"
    );
    // The leader follows the unit but does not register for it.
    let page = app
        .registration_page(&w.leader, m.id, w.dept.id, 2026)
        .await
        .unwrap();
    assert!(!page.may_register && page.staff.is_empty());
    assert_eq!(page.versions.len(), 2);
}

/// Each bad line is named by its position and nothing is written; then a good registration is
/// the unit's first version.
async fn a_registration_names_only_the_units_people_and_titles_once(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let m = w.at(MovementState::Launched).await;
    let both = tdkt_app::movements::RegistrationLineInput {
        person_id: Some(w.duc.id),
        unit_id: Some(w.dept.id),
        award_code: "lao_dong_tien_tien".into(),
    };
    let cases = vec![
        (
            "lines[0].person_id",
            "không thuộc đơn vị",
            vec![person_line(w.yen.id, "lao_dong_tien_tien")],
        ),
        (
            "lines[0].person_id",
            "không thuộc đơn vị",
            vec![person_line(w.ngoai.id, "lao_dong_tien_tien")],
        ),
        (
            "lines[1].unit_id",
            "không thuộc đơn vị",
            vec![
                person_line(w.duc.id, "lao_dong_tien_tien"),
                unit_line(w.dept2.id, "tap_the_lao_dong_tien_tien"),
            ],
        ),
        // A form of commendation is not registered, only titles.
        (
            "lines[0].award_code",
            "chỉ ghi danh hiệu",
            vec![person_line(w.duc.id, "bang_khen_tinh")],
        ),
        (
            "lines[0].award_code",
            "cá nhân",
            vec![person_line(w.duc.id, "tap_the_lao_dong_tien_tien")],
        ),
        (
            "lines[0].award_code",
            "tập thể",
            vec![unit_line(w.dept.id, "chien_si_thi_dua_co_so")],
        ),
        (
            "lines[2].award_code",
            "dòng 1",
            vec![
                person_line(w.duc.id, "lao_dong_tien_tien"),
                person_line(w.binh.id, "lao_dong_tien_tien"),
                person_line(w.duc.id, "lao_dong_tien_tien"),
            ],
        ),
        (
            "lines[0].person_id",
            "một cá nhân hoặc một tập thể",
            vec![both],
        ),
        ("lines", "ít nhất một", vec![]),
    ];
    for (field, words, lines) in cases {
        let e = refused(
            &w,
            None,
            app.register(&w.clerk, m.id, w.dept.id, &reg(lines)),
        )
        .await;
        let (f, msg) = invalid(e);
        assert_eq!(f, field, "{msg}");
        assert!(msg.contains(words), "{field}: {msg}");
    }
    assert!(
        w.t.store()
            .registration_versions(m.id, w.dept.id, 2026)
            .await
            .unwrap()
            .is_empty()
    );
    // The same person may strive for two titles.
    let r = app
        .register(
            &w.clerk,
            m.id,
            w.dept.id,
            &reg(vec![
                person_line(w.duc.id, "lao_dong_tien_tien"),
                person_line(w.duc.id, "chien_si_thi_dua_co_so"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!((r.version, r.lines.len()), (1, 2));
}

/// A unit outside the movement's targets, a year outside its span, another unit's clerk, a
/// draft, a closed movement: refused, nothing written.
async fn a_registration_is_refused_off_target_off_year_or_while_closed(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let mut f = w.form();
    f.target_unit_id = Some(w.dept.id);
    let m = w.bring(w.draft_of(&f).await, MovementState::Launched).await;
    let lines = || reg(vec![unit_line(w.dept2.id, "tap_the_lao_dong_tien_tien")]);
    let e = refused(
        &w,
        None,
        app.register(&w.clerk2, m.id, w.dept2.id, &lines()),
    )
    .await;
    assert_eq!(invalid(e).0, "unit_id");
    let mut y = reg(vec![unit_line(w.dept.id, "tap_the_lao_dong_tien_tien")]);
    y.year = 2027;
    let e = refused(&w, None, app.register(&w.clerk, m.id, w.dept.id, &y)).await;
    assert_eq!(invalid(e).0, "year");
    let own = || reg(vec![unit_line(w.dept.id, "tap_the_lao_dong_tien_tien")]);
    forbidden(refused(&w, None, app.register(&w.clerk2, m.id, w.dept.id, &own())).await);
    // The leader follows, the specialist registers (the board may register for a unit).
    forbidden(refused(&w, None, app.register(&w.leader, m.id, w.dept.id, &own())).await);

    let draft = w.draft().await;
    forbidden(
        refused(
            &w,
            None,
            app.register(&w.clerk, draft.id, w.dept.id, &own()),
        )
        .await,
    );
    conflict(
        refused(
            &w,
            None,
            app.register(&w.specialist, draft.id, w.dept.id, &own()),
        )
        .await,
    );
    for state in [
        MovementState::Reviewed,
        MovementState::Closed,
        MovementState::Cancelled,
    ] {
        let m = w.at(state).await;
        let e = refused(
            &w,
            None,
            app.register(&w.specialist, m.id, w.dept.id, &own()),
        )
        .await;
        conflict(e);
    }
    let r = app
        .register(&w.specialist, m.id, w.dept.id, &own())
        .await
        .unwrap();
    assert_eq!(r.version, 1);
}

/// After the deadline a unit that never registered may still do so and shows as late; the
/// clerk's amendment is refused as a conflict, the board's goes through.
async fn after_the_deadline_a_newcomer_is_late_and_only_the_board_amends(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let m = w.at(MovementState::UnderWay).await;
    let dept_v1 = reg(vec![unit_line(w.dept.id, "tap_the_lao_dong_tien_tien")]);
    app.set_clock(Some(date!(2026 - 03 - 01)));
    app.register(&w.clerk, m.id, w.dept.id, &dept_v1)
        .await
        .unwrap();
    // On the deadline itself an amendment is still the clerk's.
    app.set_clock(Some(REGISTRATION_DUE));
    let r = app
        .register(&w.clerk, m.id, w.dept.id, &dept_v1)
        .await
        .unwrap();
    assert_eq!(r.version, 2);

    app.set_clock(Some(date!(2026 - 04 - 10)));
    let late = app
        .register(
            &w.clerk2,
            m.id,
            w.dept2.id,
            &reg(vec![person_line(w.yen.id, "lao_dong_tien_tien")]),
        )
        .await
        .unwrap();
    assert_eq!(late.version, 1);
    let msg = conflict(refused(&w, None, app.register(&w.clerk, m.id, w.dept.id, &dept_v1)).await);
    assert!(msg.contains("hết hạn"), "{msg}");
    // Once it has registered, the late unit cannot amend either.
    conflict(
        refused(
            &w,
            None,
            app.register(
                &w.clerk2,
                m.id,
                w.dept2.id,
                &reg(vec![unit_line(w.dept2.id, "tap_the_lao_dong_tien_tien")]),
            ),
        )
        .await,
    );
    let board = app
        .register(
            &w.specialist,
            m.id,
            w.dept.id,
            &reg(vec![
                unit_line(w.dept.id, "tap_the_lao_dong_tien_tien"),
                person_line(w.duc.id, "lao_dong_tien_tien"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!((board.version, board.lines.len()), (3, 2));

    let o = app
        .registration_overview(&w.specialist, m.id, 2026)
        .await
        .unwrap();
    assert_eq!(o.deadline, REGISTRATION_DUE);
    let standing = |u: i64| o.units.iter().find(|s| s.unit_id == u).unwrap();
    // Amended after the deadline by the board, the dept was on time by its first version.
    assert_eq!(standing(w.dept.id).status, Timeliness::OnTime);
    assert_eq!(standing(w.dept.id).first_on, Some(date!(2026 - 03 - 01)));
    assert_eq!(standing(w.dept.id).version, Some(3));
    assert_eq!(standing(w.dept2.id).status, Timeliness::Late);
    assert_eq!(standing(w.dept2.id).first_on, Some(date!(2026 - 04 - 10)));
    assert_eq!(standing(w.school.id).status, Timeliness::Missing);
    assert_eq!((o.on_time, o.late, o.missing, o.open), (1, 1, 1, 0));
}

async fn the_overview_counts_each_standing_and_totals_the_current_versions(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let m = w.at(MovementState::Launched).await;
    app.set_clock(Some(date!(2026 - 03 - 01)));
    app.register(
        &w.clerk,
        m.id,
        w.dept.id,
        &reg(vec![
            unit_line(w.dept.id, "tap_the_lao_dong_tien_tien"),
            unit_line(w.school.id, "tap_the_lao_dong_tien_tien"),
            person_line(w.duc.id, "lao_dong_tien_tien"),
            person_line(w.binh.id, "chien_si_thi_dua_co_so"),
        ]),
    )
    .await
    .unwrap();
    let o = app
        .registration_overview(&w.leader, m.id, 2026)
        .await
        .unwrap();
    assert_eq!(o.units.len(), 3);
    assert_eq!((o.on_time, o.late, o.missing, o.open), (1, 0, 0, 2));
    let dept = o.units.iter().find(|s| s.unit_id == w.dept.id).unwrap();
    assert_eq!(
        (dept.status, dept.version, dept.lines),
        (Timeliness::OnTime, Some(1), 4)
    );
    assert_eq!(dept.unit_name, w.dept.name);
    let school = o.units.iter().find(|s| s.unit_id == w.school.id).unwrap();
    assert_eq!(
        (school.status, school.version, school.lines),
        (Timeliness::Open, None, 0)
    );

    app.register(
        &w.clerk2,
        m.id,
        w.dept2.id,
        &reg(vec![
            unit_line(w.dept2.id, "tap_the_lao_dong_tien_tien"),
            person_line(w.yen.id, "lao_dong_tien_tien"),
        ]),
    )
    .await
    .unwrap();
    // The dept drops Bình: totals count the current versions only.
    app.register(
        &w.clerk,
        m.id,
        w.dept.id,
        &reg(vec![
            unit_line(w.dept.id, "tap_the_lao_dong_tien_tien"),
            unit_line(w.school.id, "tap_the_lao_dong_tien_tien"),
            person_line(w.duc.id, "lao_dong_tien_tien"),
        ]),
    )
    .await
    .unwrap();
    let o = app
        .registration_overview(&w.specialist, m.id, 2026)
        .await
        .unwrap();
    assert_eq!((o.on_time, o.late, o.missing, o.open), (2, 0, 0, 1));
    let t = |s: &str, c: &str, n: &str, k: i64| (s.to_string(), c.to_string(), n.to_string(), k);
    assert_eq!(
        o.totals,
        [
            t(
                "tap_the",
                "tap_the_lao_dong_tien_tien",
                "Tập thể lao động tiên tiến",
                3
            ),
            t("ca_nhan", "lao_dong_tien_tien", "Lao động tiên tiến", 2),
        ]
    );
    // After the deadline the unit that never registered is missing.
    app.set_clock(Some(date!(2026 - 04 - 01)));
    let o = app
        .registration_overview(&w.specialist, m.id, 2026)
        .await
        .unwrap();
    assert_eq!((o.on_time, o.late, o.missing, o.open), (2, 0, 1, 0));
    let e = app
        .registration_overview(&w.specialist, m.id, 2025)
        .await
        .unwrap_err();
    assert_eq!(invalid(e).0, "year");
}

/// A department's clerk sees its own unit and the units below it, nothing else; a clerk with
/// nothing targeted below it sees nothing.
async fn a_clerk_follows_only_the_units_under_it(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let m = w.at(MovementState::Launched).await;
    app.register(
        &w.clerk,
        m.id,
        w.dept.id,
        &reg(vec![unit_line(w.dept.id, "tap_the_lao_dong_tien_tien")]),
    )
    .await
    .unwrap();
    let units = |o: &tdkt_app::movements::RegistrationOverview| {
        let mut v: Vec<i64> = o.units.iter().map(|s| s.unit_id).collect();
        v.sort();
        v
    };
    let o = app
        .registration_overview(&w.clerk2, m.id, 2026)
        .await
        .unwrap();
    assert_eq!(units(&o), [w.dept2.id]);
    assert_eq!((o.on_time, o.late, o.missing, o.open), (0, 0, 0, 1));
    let o = app
        .registration_overview(&w.clerk, m.id, 2026)
        .await
        .unwrap();
    let mut mine = vec![w.dept.id, w.school.id];
    mine.sort();
    assert_eq!(units(&o), mine);
    assert_eq!((o.on_time, o.open), (1, 1));
    let o = app
        .registration_overview(&w.leader, m.id, 2026)
        .await
        .unwrap();
    assert_eq!(o.units.len(), 3);
    forbidden(
        app.registration_overview(&w.other_clerk, m.id, 2026)
            .await
            .unwrap_err(),
    );
    forbidden(
        app.registration_page(&w.clerk2, m.id, w.dept.id, 2026)
            .await
            .err()
            .unwrap(),
    );
}
