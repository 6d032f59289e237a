use std::collections::HashMap;

use time::macros::date;

use super::progress::{Figures, Timeliness, roll_up, timeliness};
use super::*;
use crate::access::Role;

/// Every state × step × role: allowed exactly when `TRANSITIONS` lists it, and then to the
/// listed state; a refusal says which (not from here, not your role).
#[test]
fn lifecycle_is_exactly_the_transition_table() {
    let mut allowed = 0;
    for from in MovementState::ALL {
        for step in MovementStep::ALL {
            for role in Role::ALL {
                let row = TRANSITIONS
                    .iter()
                    .find(|t| t.from == *from && t.step == *step);
                let got = next(*from, *step, *role, Some("Lý do đủ dài"));
                match row {
                    None => assert!(
                        matches!(got, Err(Refusal::NotFromHere(_))),
                        "{from} {step} {role}: {got:?}"
                    ),
                    Some(t) if t.roles.contains(role) => {
                        assert_eq!(got.unwrap(), t.to, "{from} {step} {role}");
                        allowed += 1;
                    }
                    Some(_) => assert!(
                        matches!(got, Err(Refusal::NotYourRole(_))),
                        "{from} {step} {role}: {got:?}"
                    ),
                }
            }
        }
    }
    // 10 transitions: 8 for the two board roles, 2 cancels after launch for the leader only.
    assert_eq!(allowed, 8 * 2 + 2);
}

#[test]
fn the_lifecycle_as_documented() {
    use MovementState as S;
    use MovementStep as T;
    let spec = [
        (S::Draft, T::Launch, S::Launched),
        (S::Launched, T::Start, S::UnderWay),
        (S::UnderWay, T::MidReview, S::MidReviewed),
        (S::MidReviewed, T::Resume, S::UnderWay),
        (S::MidReviewed, T::FinalReview, S::Reviewed),
        (S::UnderWay, T::FinalReview, S::Reviewed),
        (S::Reviewed, T::Close, S::Closed),
    ];
    for (from, step, to) in spec {
        assert_eq!(next(from, step, Role::BoardSpecialist, None).unwrap(), to);
    }
    // Closed and cancelled are the end.
    for s in [S::Closed, S::Cancelled] {
        for r in Role::ALL {
            assert!(steps_for(s, *r).is_empty(), "{s} {r}");
        }
    }
}

#[test]
fn cancelling_needs_a_reason_and_after_launch_the_leader() {
    use MovementState as S;
    let e = next(
        S::Draft,
        MovementStep::Cancel,
        Role::BoardSpecialist,
        Some("  x "),
    )
    .unwrap_err();
    assert!(
        matches!(e, Refusal::Reason(ref i) if i.field == "ly_do"),
        "{e:?}"
    );
    let e = next(
        S::UnderWay,
        MovementStep::Cancel,
        Role::BoardSpecialist,
        Some("Trùng phong trào khác"),
    )
    .unwrap_err();
    let Refusal::NotYourRole(m) = e else {
        panic!("{e:?}")
    };
    assert!(m.contains("Lãnh đạo Ban/Sở"), "{m}");
    assert_eq!(
        next(
            S::UnderWay,
            MovementStep::Cancel,
            Role::BoardLeader,
            Some("Trùng phong trào khác")
        )
        .unwrap(),
        S::Cancelled
    );
    // A clerk has no button anywhere.
    for s in MovementState::ALL {
        assert!(steps_for(*s, Role::UnitClerk).is_empty());
    }
    assert_eq!(
        steps_for(S::UnderWay, Role::BoardLeader),
        vec![
            MovementStep::MidReview,
            MovementStep::FinalReview,
            MovementStep::Cancel
        ]
    );
}

#[test]
fn states_say_what_they_open() {
    use MovementState as S;
    let public: Vec<_> = S::ALL.iter().filter(|s| s.is_public()).collect();
    assert_eq!(public.len(), 5);
    assert!(!S::Draft.is_public() && !S::Cancelled.is_public());
    assert!(S::Launched.is_open() && S::MidReviewed.is_open() && !S::Reviewed.is_open());
    assert!(
        S::MidReviewed.is_reviewed() && S::Reviewed.is_reviewed() && !S::UnderWay.is_reviewed()
    );
    assert!(S::Draft.is_editable() && !S::Launched.is_editable());
}

#[test]
fn duration_bands_of_form_0601() {
    use DurationBand as B;
    assert_eq!(
        duration_band(date!(2021 - 03 - 01), date!(2021 - 06 - 30)),
        B::UnderOne
    );
    assert_eq!(
        duration_band(date!(2021 - 01 - 01), date!(2021 - 12 - 31)),
        B::One
    );
    // A yearly movement launched in mid-January is still a one-year one.
    assert_eq!(
        duration_band(date!(2026 - 01 - 15), date!(2026 - 12 - 31)),
        B::One
    );
    assert_eq!(
        duration_band(date!(2021 - 01 - 01), date!(2022 - 12 - 31)),
        B::OneToThree
    );
    assert_eq!(
        duration_band(date!(2021 - 01 - 01), date!(2023 - 12 - 31)),
        B::OneToThree
    );
    assert_eq!(
        duration_band(date!(2021 - 01 - 01), date!(2024 - 12 - 31)),
        B::ThreeToFive
    );
    assert_eq!(
        duration_band(date!(2021 - 01 - 01), date!(2025 - 12 - 31)),
        B::FivePlus
    );
    assert_eq!(
        duration_band(date!(2016 - 01 - 01), date!(2030 - 12 - 31)),
        B::FivePlus
    );
}

#[test]
fn launch_needs_the_decision_and_a_target() {
    let d = Some(date!(2026 - 01 - 10));
    assert!(launch_ready(Some("12/KH-UBND"), d, Some("Chủ tịch UBND"), 3).is_ok());
    assert_eq!(
        launch_ready(Some(" "), d, Some("x"), 3).unwrap_err().field,
        "decision_number"
    );
    assert_eq!(
        launch_ready(Some("1"), None, Some("x"), 3)
            .unwrap_err()
            .field,
        "decision_date"
    );
    assert_eq!(
        launch_ready(Some("1"), d, None, 3).unwrap_err().field,
        "decision_signer"
    );
    assert_eq!(
        launch_ready(Some("1"), d, Some("x"), 0).unwrap_err().field,
        "targets"
    );
}

#[test]
fn timeliness_of_a_report() {
    let due = date!(2026 - 06 - 30);
    assert_eq!(
        timeliness(due, Some(due), date!(2026 - 12 - 01)),
        Timeliness::OnTime
    );
    assert_eq!(
        timeliness(due, Some(date!(2026 - 07 - 01)), due),
        Timeliness::Late
    );
    assert_eq!(
        timeliness(due, None, date!(2026 - 07 - 01)),
        Timeliness::Missing
    );
    assert_eq!(timeliness(due, None, due), Timeliness::Open);
}

/// vn ← tỉnh (1) ← sở A (2) ← phòng (4); tỉnh ← sở B (3).
fn tree() -> HashMap<i64, Option<i64>> {
    HashMap::from([(1, None), (2, Some(1)), (3, Some(1)), (4, Some(2))])
}

fn fig(target: f64, achieved: f64) -> Figures {
    Figures {
        target: Some(target),
        achieved: Some(achieved),
        reports: 1,
    }
}

#[test]
fn counts_and_money_add_up_the_tree() {
    let own = HashMap::from([(2, fig(10.0, 12.0)), (3, fig(5.0, 4.0)), (4, fig(1.0, 1.0))]);
    let t = roll_up(&tree(), &own, Measure::Count);
    assert_eq!(
        t[&1],
        Figures {
            target: Some(16.0),
            achieved: Some(17.0),
            reports: 3
        }
    );
    assert_eq!(
        t[&2],
        Figures {
            target: Some(11.0),
            achieved: Some(13.0),
            reports: 2
        }
    );
    assert_eq!(t[&3], fig(5.0, 4.0));
    assert_eq!(t[&4], fig(1.0, 1.0));
    assert!((t[&1].percent_of_target().unwrap() - 106.25).abs() < 1e-9);
}

#[test]
fn percentages_are_averaged_not_added() {
    let own = HashMap::from([(2, fig(90.0, 95.0)), (3, fig(90.0, 85.0))]);
    let t = roll_up(&tree(), &own, Measure::Percent);
    assert_eq!(
        t[&1],
        Figures {
            target: Some(90.0),
            achieved: Some(90.0),
            reports: 2
        }
    );
    // A unit with no report in its subtree has no figures at all.
    assert!(!t.contains_key(&4));
}

#[test]
fn a_missing_figure_is_not_a_zero() {
    let own = HashMap::from([
        (
            2,
            Figures {
                target: None,
                achieved: Some(3.0),
                reports: 1,
            },
        ),
        (
            3,
            Figures {
                target: None,
                achieved: None,
                reports: 1,
            },
        ),
    ]);
    let t = roll_up(&tree(), &own, Measure::Money);
    assert_eq!(t[&1].target, None);
    assert_eq!(t[&1].achieved, Some(3.0));
    assert_eq!(t[&1].percent_of_target(), None);
    assert_eq!(t[&3].achieved, None);
}

#[test]
fn a_cycle_in_bad_data_ends() {
    let parents = HashMap::from([(1, Some(2)), (2, Some(1))]);
    let t = roll_up(
        &parents,
        &HashMap::from([(1, fig(1.0, 1.0))]),
        Measure::Count,
    );
    assert!(t[&1].reports >= 1);
}

/// docs/movements.md draws the lifecycle as a table; it must say exactly what the code does.
#[test]
fn movement_lifecycle_matches_the_documented_table() {
    let doc = include_str!("../../../../docs/movements.md");
    let section = doc
        .split("## Lifecycle")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Lifecycle section");
    let mut documented = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells[0] == "from" || cells[0].starts_with("---") {
            continue;
        }
        let roles: Vec<Role> = cells[3]
            .split(',')
            .map(|r| Role::parse("role", r.trim()).unwrap())
            .collect();
        documented.push((
            MovementState::parse("from", cells[0]).unwrap(),
            MovementStep::parse("step", cells[1]).unwrap(),
            MovementState::parse("to", cells[2]).unwrap(),
            roles,
        ));
    }
    let code: Vec<_> = TRANSITIONS
        .iter()
        .map(|t| (t.from, t.step, t.to, t.roles.to_vec()))
        .collect();
    assert_eq!(documented, code);
}
