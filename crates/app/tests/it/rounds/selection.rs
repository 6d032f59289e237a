//! The clerk's selection: departing from the verdict needs a written reason (refused whole
//! without one), the reason survives a new computation, and limits only warn.

use tdkt_app::on_both;
use tdkt_app::rounds::SelectionInput;
use tdkt_app::testing::Backend;
use tdkt_store::CandidateFilter;

use super::fixtures::*;

on_both!(
    departing_from_the_verdict_needs_a_reason,
    a_reason_survives_a_new_computation,
    limits_warn_and_never_refuse,
);

fn pick(id: i64, selected: bool, reason: Option<&str>) -> SelectionInput {
    SelectionInput {
        candidate_id: id,
        selected,
        reason: reason.map(str::to_string),
    }
}

async fn departing_from_the_verdict_needs_a_reason(b: Backend) {
    let w = world(b).await;
    let (_, part) = w.rated().await;
    let app = &w.t.app;
    let eligible = w.candidate(&part, w.an80.id, LDTT).await;
    let not = w.candidate(&part, w.cuong.id, LDTT).await;
    assert!(eligible.selected && !not.selected);
    for input in [
        vec![pick(eligible.id, false, None)],
        vec![pick(not.id, true, Some("  "))],
        // One good change and one without a reason: neither is made.
        vec![pick(eligible.id, true, None), pick(not.id, true, None)],
    ] {
        let (field, _) =
            invalid(refused(&w, app.select_round_candidates(&w.clerk, part.id, &input)).await);
        assert_eq!(field, "ly_do");
        assert_eq!(w.candidate(&part, w.an80.id, LDTT).await, eligible);
        assert_eq!(w.candidate(&part, w.cuong.id, LDTT).await, not);
    }
    // Choosing as the verdict says needs none (and keeps none).
    app.select_round_candidates(&w.clerk, part.id, &[pick(eligible.id, true, Some(REASON))])
        .await
        .unwrap();
    assert_eq!(w.candidate(&part, w.an80.id, LDTT).await.reason, None);
    // Another unit's clerk may not select here.
    forbidden(
        refused(
            &w,
            app.select_round_candidates(&w.clerk2, part.id, &[pick(not.id, true, Some(REASON))]),
        )
        .await,
    );
}

async fn a_reason_survives_a_new_computation(b: Backend) {
    let w = world(b).await;
    let (_, part) = w.rated().await;
    let app = &w.t.app;
    let dropped = w.candidate(&part, w.an80.id, LDTT).await;
    let added = w.candidate(&part, w.cuong.id, LDTT).await;
    app.select_round_candidates(
        &w.clerk,
        part.id,
        &[
            pick(dropped.id, false, Some("Xin rút, nhường cho đồng nghiệp")),
            pick(
                added.id,
                true,
                Some("Nghỉ 45 ngày do điều trị tai nạn lao động"),
            ),
        ],
    )
    .await
    .unwrap();
    app.compute_round_candidates(&w.clerk, part.id)
        .await
        .unwrap();
    let d = w.candidate(&part, w.an80.id, LDTT).await;
    let a = w.candidate(&part, w.cuong.id, LDTT).await;
    assert_eq!(
        (d.id, d.selected, d.reason.as_deref()),
        (dropped.id, false, Some("Xin rút, nhường cho đồng nghiệp"))
    );
    assert_eq!(
        (a.id, a.selected, a.reason.as_deref(), a.verdict.as_str()),
        (
            added.id,
            true,
            Some("Nghỉ 45 ngày do điều trị tai nạn lao động"),
            "not_eligible"
        )
    );
    let view = app
        .round_candidates(&w.clerk, part.id, CandidateFilter::default())
        .await
        .unwrap();
    let line = view.lines.items.iter().find(|l| l.row.id == a.id).unwrap();
    assert!(line.needs_reason && line.own);
}

/// 2 CSTĐ cơ sở over 3 LĐTT exceed 15%: a warning, the selection made.
async fn limits_warn_and_never_refuse(b: Backend) {
    let w = world(b).await;
    let (_, part) = w.rated().await;
    let app = &w.t.app;
    let an80 = w.candidate(&part, w.an80.id, CSTDCS).await;
    let warnings = app
        .select_round_candidates(&w.clerk, part.id, &[pick(an80.id, true, None)])
        .await
        .unwrap();
    assert!(
        w.candidate(&part, w.an80.id, CSTDCS).await.selected,
        "needs_review: no reason needed"
    );
    let warn = warnings
        .iter()
        .find(|x| x.award == CSTDCS && x.of == LDTT)
        .expect("a warning on CSTĐ cơ sở");
    assert_eq!((warn.count, warn.of_count, warn.max), (3, 3, 0));
    assert!(warn.text.contains("15%"), "{}", warn.text);
    let view = app
        .round_candidates(&w.clerk, part.id, CandidateFilter::default())
        .await
        .unwrap();
    assert_eq!(view.warnings, warnings);
    let counts = view
        .counts
        .iter()
        .find(|c| c.0.award_code == CSTDCS)
        .unwrap();
    assert_eq!(counts.0.selected, 3);
}
