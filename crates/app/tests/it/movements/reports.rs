//! Reports per milestone: the units × milestones matrix (on time, late, missing, not yet due),
//! indicators summed up the tree (counts add, percentages average), amendments keeping the
//! first day, attachments, and refusals that write nothing.

use tdkt_app::AppError;
use tdkt_app::movements::{MatrixRow, Progress};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::movement::MovementState;
use tdkt_domain::movement::progress::{Figures, Timeliness};
use time::macros::date;

use super::fixtures::*;

on_both!(
    the_matrix_shows_each_unit_at_each_milestone,
    count_indicators_add_up_the_tree_and_percentages_average,
    a_clerk_sees_the_matrix_of_its_own_units_only,
    an_amended_report_keeps_its_first_day,
    report_files_are_kept_and_download_for_those_who_follow,
    a_report_is_refused_with_nothing_written,
);

fn row(p: &Progress, unit: i64) -> &MatrixRow {
    p.rows
        .iter()
        .find(|r| r.unit.unit_id == unit)
        .unwrap_or_else(|| panic!("no row for unit {unit}"))
}

fn cell(p: &Progress, unit: i64, milestone: i64) -> (Timeliness, Option<time::Date>) {
    let i = p.milestones.iter().position(|m| m.id == milestone).unwrap();
    row(p, unit).cells[i]
}

fn at(p: &Progress, indicator: i64) -> usize {
    p.movement
        .indicators
        .iter()
        .position(|x| x.id == indicator)
        .unwrap()
}

fn fig(target: f64, achieved: f64, reports: usize) -> Option<Figures> {
    Some(Figures {
        target: Some(target),
        achieved: Some(achieved),
        reports,
    })
}

/// Seen on 10/7: the mid-term milestone is past due, the final one is not. The school is on
/// time at both (it reported the final one early), the dept late at the mid-term, dept2 missing
/// there; both open at the final one.
async fn the_matrix_shows_each_unit_at_each_milestone(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    let p =
        w.t.app
            .movement_progress(&w.specialist, r.m.id, None)
            .await
            .unwrap();
    assert_eq!(p.rows.len(), 3);
    assert_eq!(
        p.milestone_id,
        Some(r.mid),
        "the last milestone already due"
    );
    assert_eq!(
        cell(&p, w.school.id, r.mid),
        (Timeliness::OnTime, Some(date!(2026 - 06 - 20)))
    );
    assert_eq!(
        cell(&p, w.school.id, r.fin),
        (Timeliness::OnTime, Some(date!(2026 - 07 - 06)))
    );
    assert_eq!(
        cell(&p, w.dept.id, r.mid),
        (Timeliness::Late, Some(date!(2026 - 07 - 01)))
    );
    assert_eq!(cell(&p, w.dept.id, r.fin), (Timeliness::Open, None));
    assert_eq!(cell(&p, w.dept2.id, r.mid), (Timeliness::Missing, None));
    assert_eq!(cell(&p, w.dept2.id, r.fin), (Timeliness::Open, None));
    let i_mid = p.milestones.iter().position(|m| m.id == r.mid).unwrap();
    let i_fin = p.milestones.iter().position(|m| m.id == r.fin).unwrap();
    assert_eq!(p.counts[i_mid], (1, 1, 1, 0));
    assert_eq!(p.counts[i_fin], (1, 0, 0, 2));
    // Depth under the view's roots: the departments are roots, the school is below one.
    assert_eq!(row(&p, w.dept.id).depth, 0);
    assert_eq!(row(&p, w.school.id).depth, 1);
    assert_eq!(row(&p, w.dept2.id).depth, 0);
    // Past the final deadline, what is still open is missing.
    w.t.app.set_clock(Some(date!(2026 - 12 - 16)));
    let p =
        w.t.app
            .movement_progress(&w.specialist, r.m.id, None)
            .await
            .unwrap();
    assert_eq!(p.milestone_id, Some(r.fin));
    assert_eq!(p.counts[i_fin], (1, 0, 2, 0));
    // Before anything is due, every cell is open and the first milestone is shown.
    w.t.app.set_clock(Some(date!(2026 - 03 - 01)));
    let m = w.at(MovementState::UnderWay).await;
    let p =
        w.t.app
            .movement_progress(&w.leader, m.id, None)
            .await
            .unwrap();
    assert_eq!(p.milestone_id, Some(m.milestones[0].id));
    assert!(
        p.rows
            .iter()
            .all(|r| r.cells.iter().all(|c| *c == (Timeliness::Open, None)))
    );
    assert!(p.counts.iter().all(|c| *c == (0, 0, 0, 3)));
}

/// At the mid-term: the school gave no target (the movement's 10 and 80 apply), the dept its
/// own (12 and 80). The dept's subtree adds the counts (22 targeted, 10 achieved, 2 reports) and
/// averages the percentages ((90 + 70) / 2); dept2 reported nothing. At the final milestone
/// only the school reported: the dept has no figures of its own, its subtree has the school's.
async fn count_indicators_add_up_the_tree_and_percentages_average(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    let app = &w.t.app;
    let p = app
        .movement_progress(&w.specialist, r.m.id, Some(r.mid))
        .await
        .unwrap();
    let (c, q) = (at(&p, r.count), at(&p, r.pct));
    let school = row(&p, w.school.id);
    assert_eq!(school.own[c], fig(10.0, 4.0, 1));
    assert_eq!(school.own[q], fig(80.0, 90.0, 1));
    assert_eq!(school.subtree[c], school.own[c]);
    let dept = row(&p, w.dept.id);
    assert_eq!(dept.own[c], fig(12.0, 6.0, 1));
    assert_eq!(dept.own[q], fig(80.0, 70.0, 1));
    assert_eq!(dept.subtree[c], fig(22.0, 10.0, 2));
    assert_eq!(dept.subtree[q], fig(80.0, 80.0, 2));
    let dept2 = row(&p, w.dept2.id);
    assert_eq!((dept2.own[c], dept2.subtree[c]), (None, None));
    assert_eq!(p.totals[c], fig(22.0, 10.0, 2).unwrap());
    assert_eq!(p.totals[q], fig(80.0, 80.0, 2).unwrap());
    assert_eq!(p.totals[c].percent_of_target(), Some(10.0 / 22.0 * 100.0));

    let p = app
        .movement_progress(&w.specialist, r.m.id, Some(r.fin))
        .await
        .unwrap();
    assert_eq!(p.milestone_id, Some(r.fin));
    let (c, q) = (at(&p, r.count), at(&p, r.pct));
    assert_eq!(row(&p, w.school.id).own[c], fig(10.0, 9.0, 1));
    assert_eq!(row(&p, w.school.id).own[q], None);
    assert_eq!(row(&p, w.dept.id).own[c], None);
    assert_eq!(row(&p, w.dept.id).subtree[c], fig(10.0, 9.0, 1));
    assert_eq!(p.totals[c], fig(10.0, 9.0, 1).unwrap());
    assert_eq!(p.totals[q], Figures::default());
    // A milestone of another movement falls back to the default.
    let other = w.at(MovementState::UnderWay).await;
    let p = app
        .movement_progress(&w.specialist, r.m.id, Some(other.milestones[0].id))
        .await
        .unwrap();
    assert_eq!(p.milestone_id, Some(r.mid));
}

/// The dept's clerk sees the dept and the school (the dept's subtree sums as the board's);
/// dept2's clerk sees dept2 alone and totals of nothing; another province's clerk nothing.
async fn a_clerk_sees_the_matrix_of_its_own_units_only(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    let app = &w.t.app;
    let p = app.movement_progress(&w.clerk, r.m.id, None).await.unwrap();
    let mut units: Vec<i64> = p.rows.iter().map(|r| r.unit.unit_id).collect();
    units.sort();
    let mut mine = vec![w.dept.id, w.school.id];
    mine.sort();
    assert_eq!(units, mine);
    let c = at(&p, r.count);
    assert_eq!(row(&p, w.dept.id).subtree[c], fig(22.0, 10.0, 2));
    let i_mid = p.milestones.iter().position(|m| m.id == r.mid).unwrap();
    assert_eq!(p.counts[i_mid], (1, 1, 0, 0));

    let p = app
        .movement_progress(&w.clerk2, r.m.id, None)
        .await
        .unwrap();
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].unit.unit_id, w.dept2.id);
    assert_eq!(p.totals[c], Figures::default());
    assert!(matches!(
        app.movement_progress(&w.other_clerk, r.m.id, None).await,
        Err(AppError::Forbidden(_))
    ));
    // The school's report, for whoever follows the school.
    let rep = app
        .movement_report(&w.clerk, r.m.id, r.mid, w.school.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rep.text, "Trường đã triển khai 4 mô hình số");
    forbidden(
        app.movement_report(&w.clerk2, r.m.id, r.mid, w.school.id)
            .await
            .unwrap_err(),
    );
    assert!(
        app.movement_report(&w.clerk2, r.m.id, r.mid, w.dept2.id)
            .await
            .unwrap()
            .is_none()
    );
}

/// An amendment replaces the text and the figures and counts a version, but the first day
/// stays: a late report amended is still late, an on-time one still on time.
async fn an_amended_report_keeps_its_first_day(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    let amended = w
        .report_on(
            date!(2026 - 07 - 08),
            r.m.id,
            r.mid,
            w.dept.id,
            &report(
                "Sở đã triển khai 8 mô hình số (bổ sung)",
                vec![value(r.count, Some(12.0), Some(8.0))],
            ),
        )
        .await;
    assert_eq!(amended.version, 2);
    assert_eq!(amended.first_on, date!(2026 - 07 - 01));
    assert_eq!(amended.last_on, date!(2026 - 07 - 08));
    assert_eq!(amended.text, "Sở đã triển khai 8 mô hình số (bổ sung)");
    assert_eq!(amended.values.len(), 1, "the figures are replaced");
    w.report_on(
        date!(2026 - 07 - 08),
        r.m.id,
        r.mid,
        w.school.id,
        &report("Trường bổ sung báo cáo sơ kết", vec![]),
    )
    .await;
    w.t.app.set_clock(Some(SEEN_ON));
    let p =
        w.t.app
            .movement_progress(&w.specialist, r.m.id, Some(r.mid))
            .await
            .unwrap();
    assert_eq!(
        cell(&p, w.dept.id, r.mid),
        (Timeliness::Late, Some(date!(2026 - 07 - 01)))
    );
    assert_eq!(
        cell(&p, w.school.id, r.mid),
        (Timeliness::OnTime, Some(date!(2026 - 06 - 20)))
    );
    let c = at(&p, r.count);
    assert_eq!(row(&p, w.dept.id).own[c], fig(12.0, 8.0, 1));
    // The school's amendment gave no figures: it has none left.
    assert_eq!(row(&p, w.school.id).own[c], None);
    assert_eq!(row(&p, w.dept.id).subtree[c], fig(12.0, 8.0, 1));
}

/// A report's attachments are stored with it, kept across amendments and download with their
/// bytes for whoever follows the unit; not through another report, not for another unit's
/// clerk.
async fn report_files_are_kept_and_download_for_those_who_follow(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    let app = &w.t.app;
    let first = pdf("báo cáo sơ kết của sở");
    let rep = app
        .submit_report(
            &w.clerk,
            r.m.id,
            r.fin,
            w.dept.id,
            &report("Sở tổng kết sớm, kèm báo cáo", vec![]),
            vec![("bao-cao-so-ket.pdf".into(), first.clone())],
        )
        .await
        .unwrap();
    assert_eq!(rep.files.len(), 1);
    let f1 = rep.files[0].clone();
    assert_eq!(f1.filename, "bao-cao-so-ket.pdf");
    assert_eq!(f1.size, first.len() as i64);
    assert!(f1.mime.contains("pdf"), "{}", f1.mime);
    let (row, bytes) = app
        .report_file(&w.specialist, r.m.id, f1.id, r.fin, w.dept.id)
        .await
        .unwrap();
    assert_eq!((row.id, bytes), (f1.id, first.clone()));
    // An amendment with another file keeps the first.
    let second = pdf("phụ lục");
    let rep = app
        .submit_report(
            &w.clerk,
            r.m.id,
            r.fin,
            w.dept.id,
            &report("Sở tổng kết sớm, kèm phụ lục", vec![]),
            vec![
                ("phu-luc.pdf".into(), second.clone()),
                ("rong.pdf".into(), vec![]),
            ],
        )
        .await
        .unwrap();
    assert_eq!(rep.files.len(), 2);
    let f2 = rep.files.iter().find(|f| f.id != f1.id).unwrap();
    assert_eq!(
        app.report_file(&w.clerk, r.m.id, f2.id, r.fin, w.dept.id)
            .await
            .unwrap()
            .1,
        second
    );
    assert_eq!(
        app.report_file(&w.leader, r.m.id, f1.id, r.fin, w.dept.id)
            .await
            .unwrap()
            .1,
        first
    );
    // Not through the school's report, nor for dept2's clerk.
    assert!(matches!(
        app.report_file(&w.specialist, r.m.id, f1.id, r.mid, w.school.id)
            .await,
        Err(AppError::NotFound(_))
    ));
    forbidden(
        app.report_file(&w.clerk2, r.m.id, f1.id, r.fin, w.dept.id)
            .await
            .unwrap_err(),
    );
    // A file that is not a document is refused with the report.
    let e = refused(
        &w,
        None,
        app.submit_report(
            &w.clerk,
            r.m.id,
            r.fin,
            w.dept.id,
            &report("Sở tổng kết sớm, kèm tệp lạ", vec![]),
            vec![("virus.exe".into(), b"MZ\x90\x00binary".to_vec())],
        ),
    )
    .await;
    assert_eq!(invalid(e).0, "tep");
    assert_eq!(
        app.movement_report(&w.specialist, r.m.id, r.fin, w.dept.id)
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
}

async fn a_report_is_refused_with_nothing_written(b: Backend) {
    let w = world(b).await;
    let r = w.reported().await;
    let app = &w.t.app;
    let other = w.at(MovementState::UnderWay).await;
    let submit = |p: &tdkt_app::Principal,
                  movement: i64,
                  milestone: i64,
                  unit: i64,
                  input: tdkt_app::movements::ReportInput| {
        let p = p.clone();
        async move {
            app.submit_report(&p, movement, milestone, unit, &input, vec![])
                .await
        }
    };
    let ok_text = "Báo cáo tổng kết của Sở Y tế";
    let cases = vec![
        (
            "values[0].indicator_id",
            report(
                ok_text,
                vec![value(other.indicators[0].id, None, Some(1.0))],
            ),
        ),
        (
            "values[1].indicator_id",
            report(
                ok_text,
                vec![
                    value(r.count, None, Some(1.0)),
                    value(r.count, None, Some(2.0)),
                ],
            ),
        ),
        (
            "values[0].achieved",
            report(ok_text, vec![value(r.count, None, Some(-1.0))]),
        ),
        (
            "values[0].target",
            report(ok_text, vec![value(r.pct, Some(5000.0), None)]),
        ),
        ("text", report("Ngắn", vec![])),
    ];
    for (field, input) in cases {
        let e = refused(
            &w,
            None,
            submit(&w.clerk2, r.m.id, r.fin, w.dept2.id, input),
        )
        .await;
        assert_eq!(invalid(e).0, field);
    }
    let good = || report(ok_text, vec![value(r.count, None, Some(3.0))]);
    // A milestone of another movement, a unit the movement does not target (the province
    // itself), another unit's clerk.
    let e = refused(
        &w,
        None,
        submit(
            &w.clerk2,
            r.m.id,
            other.milestones[0].id,
            w.dept2.id,
            good(),
        ),
    )
    .await;
    assert_eq!(invalid(e).0, "milestone_id");
    let e = refused(
        &w,
        None,
        submit(&w.specialist, r.m.id, r.fin, w.province.id, good()),
    )
    .await;
    assert_eq!(invalid(e).0, "unit_id");
    forbidden(
        refused(
            &w,
            None,
            submit(&w.clerk, r.m.id, r.fin, w.dept2.id, good()),
        )
        .await,
    );
    // The leader follows, it does not report.
    forbidden(
        refused(
            &w,
            None,
            submit(&w.leader, r.m.id, r.fin, w.dept2.id, good()),
        )
        .await,
    );
    // Not while a draft (the clerk cannot even see it), nor once reviewed or closed.
    let draft = w.draft().await;
    forbidden(
        refused(
            &w,
            None,
            submit(
                &w.clerk2,
                draft.id,
                draft.milestones[0].id,
                w.dept2.id,
                good(),
            ),
        )
        .await,
    );
    conflict(
        refused(
            &w,
            None,
            submit(
                &w.specialist,
                draft.id,
                draft.milestones[0].id,
                w.dept2.id,
                good(),
            ),
        )
        .await,
    );
    let m = w.step(&w.leader, r.m.id, "tong_ket", None).await.unwrap();
    assert_eq!(m.state, MovementState::Reviewed);
    let msg = conflict(
        refused(
            &w,
            None,
            submit(&w.clerk2, r.m.id, r.fin, w.dept2.id, good()),
        )
        .await,
    );
    assert!(msg.contains("không nhận báo cáo"), "{msg}");
    let m = w.step(&w.leader, r.m.id, "ket_thuc", None).await.unwrap();
    assert_eq!(m.state, MovementState::Closed);
    conflict(
        refused(
            &w,
            None,
            submit(&w.clerk2, r.m.id, r.fin, w.dept2.id, good()),
        )
        .await,
    );
    assert!(
        app.movement_report(&w.specialist, r.m.id, r.fin, w.dept2.id)
            .await
            .unwrap()
            .is_none()
    );
}
