//! Opening a round: who takes part by default, when each must send, one round per authority
//! and year, who may open it, and who is late.

use tdkt_app::on_both;
use tdkt_app::rounds::OpenRoundInput;
use tdkt_app::testing::Backend;
use tdkt_domain::round::RoundProgress;
use time::macros::date;

use super::fixtures::*;

on_both!(
    default_participants_are_staffed_units_that_grant_titles,
    a_second_round_of_the_same_year_is_refused,
    a_clerk_or_another_province_cannot_open,
    the_overview_counts_progress_and_the_late,
);

/// The dept and dept2 (depth 1, due 15/12) and the school (depth 2, due 5/12); not the
/// province itself, the department without staff, the old district, nor the other province.
async fn default_participants_are_staffed_units_that_grant_titles(b: Backend) {
    let w = world(b).await;
    let r = w.open().await;
    assert_eq!((r.authority_id, r.year), (w.province.id, YEAR));
    let mut parts: Vec<(i64, i32, time::Date, RoundProgress)> =
        w.t.store()
            .round_units(r.id)
            .await
            .unwrap()
            .iter()
            .map(|u| (u.unit_id, u.depth, u.due_on, u.progress))
            .collect();
    parts.sort();
    let mut want = vec![
        (
            w.dept.id,
            1,
            date!(2025 - 12 - 15),
            RoundProgress::NotStarted,
        ),
        (
            w.school.id,
            2,
            date!(2025 - 12 - 05),
            RoundProgress::NotStarted,
        ),
        (
            w.dept2.id,
            1,
            date!(2025 - 12 - 15),
            RoundProgress::NotStarted,
        ),
    ];
    want.sort();
    assert_eq!(parts, want);
    for not in [
        w.province.id,
        w.empty_dept.id,
        w.district.id,
        w.other_province.id,
    ] {
        assert!(!parts.iter().any(|p| p.0 == not), "#{not} takes no part");
    }
    // The dept rates its own people only: the school takes part on its own.
    let dept = w.part(&r, w.dept.id).await;
    let people: Vec<i64> =
        w.t.store()
            .round_people(dept.id)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
    assert_eq!(people.len(), 5);
    assert!(!people.contains(&w.em.id));
}

async fn a_second_round_of_the_same_year_is_refused(b: Backend) {
    let w = world(b).await;
    w.open().await;
    let again = refused(
        &w,
        w.t.app.open_round(
            &w.leader,
            OpenRoundInput {
                authority_id: w.province.id,
                year: YEAR,
                note: None,
                unit_ids: None,
            },
        ),
    )
    .await;
    let msg = conflict(again);
    assert!(
        msg.chars()
            .any(|c| "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹỵđĐ".contains(c)),
        "the conflict is said in Vietnamese: {msg}"
    );
    // Another year is a round of its own.
    w.t.app
        .open_round(
            &w.leader,
            OpenRoundInput {
                authority_id: w.province.id,
                year: YEAR - 1,
                note: None,
                unit_ids: None,
            },
        )
        .await
        .unwrap();
}

async fn a_clerk_or_another_province_cannot_open(b: Backend) {
    let w = world(b).await;
    let input = |authority_id| OpenRoundInput {
        authority_id,
        year: YEAR,
        note: None,
        unit_ids: None,
    };
    forbidden(refused(&w, w.t.app.open_round(&w.clerk, input(w.province.id))).await);
    forbidden(refused(&w, w.t.app.open_round(&w.clerk, input(w.dept.id))).await);
    forbidden(
        refused(
            &w,
            w.t.app
                .open_round(&w.other_specialist, input(w.province.id)),
        )
        .await,
    );
    assert!(w.t.store().list_rounds(None).await.unwrap().is_empty());
}

/// On 10/12 the school (due 5/12) is late, the departments (due 15/12) are not; after its
/// ratings the dept is "rating".
async fn the_overview_counts_progress_and_the_late(b: Backend) {
    let w = world(b).await;
    let r = w.open().await;
    w.t.app.set_clock(Some(date!(2025 - 12 - 10)));
    let dept = w.part(&r, w.dept.id).await;
    w.t.app
        .put_round_ratings(
            &w.clerk,
            dept.id,
            &[facts(w.bich.id, "httnv", None, None, &[])],
        )
        .await
        .unwrap();
    let o = w.t.app.round_overview(&w.specialist, r.id).await.unwrap();
    let late: Vec<i64> = o
        .units
        .iter()
        .filter(|u| u.overdue)
        .map(|u| u.row.unit_id)
        .collect();
    assert_eq!(late, [w.school.id]);
    assert_eq!(o.overdue, 1);
    let count = |s: RoundProgress| o.by_progress.iter().find(|(p, _)| *p == s).unwrap().1;
    assert_eq!(count(RoundProgress::NotStarted), 2);
    assert_eq!(count(RoundProgress::Rating), 1);
    // A participant's clerk sees its own line only.
    let own = w.t.app.round_overview(&w.clerk2, r.id).await.unwrap();
    assert_eq!(own.units.len(), 1);
    assert_eq!(own.units[0].row.unit_id, w.dept2.id);
}
