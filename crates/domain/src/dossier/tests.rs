//! The workflow against the table in docs/dossiers.md: every state × step × role × type.

use std::collections::{HashMap, HashSet};

use super::*;

const DOC: &str = include_str!("../../../../docs/dossiers.md");

/// (from, step) → (to, roles, path), read from the documented table.
fn documented() -> HashMap<(State, Step), (State, Vec<Role>, Path)> {
    let mut out = HashMap::new();
    // The workflow table: from its header to the first line that is not a table row.
    for line in DOC
        .lines()
        .skip_while(|l| !l.starts_with("| from | step |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
    {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        assert_eq!(cells.len(), 5, "{line}");
        let from = State::parse("from", cells[0]).unwrap();
        let step = Step::parse("step", cells[1]).unwrap();
        let to = State::parse("to", cells[2]).unwrap();
        let roles = cells[3]
            .split(',')
            .map(|r| Role::parse("who", r).unwrap())
            .collect();
        let path = match cells[4] {
            "all" => Path::Always,
            "dot_xuat" => Path::FastOnly,
            "thuong" => Path::RegularOnly,
            other => panic!("path «{other}»"),
        };
        assert!(
            out.insert((from, step), (to, roles, path)).is_none(),
            "{line} twice"
        );
    }
    assert_eq!(out.len(), TRANSITIONS.len());
    out
}

#[test]
fn the_workflow_is_the_documented_table() {
    let doc = documented();
    let mut checked = 0;
    for &from in State::ALL {
        for &step in Step::ALL {
            for &role in Role::ALL {
                for &kind in CommendationType::ALL {
                    let got = next(from, step, role, kind, Some("lý do đầy đủ"));
                    match doc.get(&(from, step)) {
                        Some((to, roles, path)) if path.applies(kind) => {
                            if roles.contains(&role) {
                                assert_eq!(got, Ok(*to), "{from} {step} {role} {kind}");
                            } else {
                                assert!(
                                    matches!(got, Err(Refusal::NotYourRole(_))),
                                    "{from} {step} {role} {kind}: {got:?}"
                                );
                            }
                        }
                        _ => assert!(
                            matches!(got, Err(Refusal::NotFromHere(_))),
                            "{from} {step} {role} {kind}: {got:?}"
                        ),
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 15 * 15 * 7 * 6);
}

#[test]
fn some_steps_need_a_reason() {
    let k = CommendationType::CongTrang;
    for (from, step, role) in [
        (UnderAppraisal, Return, BoardSpecialist),
        (Appraised, Reject, BoardLeader),
        (Awarded, Revoke, BoardLeader),
        (Draft, Withdraw, UnitClerk),
    ] {
        assert!(matches!(
            next(from, step, role, k, None),
            Err(Refusal::Reason(_))
        ));
        assert!(matches!(
            next(from, step, role, k, Some("  ")),
            Err(Refusal::Reason(_))
        ));
        assert!(next(from, step, role, k, Some("Thiếu biên bản họp")).is_ok());
    }
    // Others do not ask for one.
    assert_eq!(
        next(Submitted, Receive, BoardSpecialist, k, None),
        Ok(Received)
    );
}

#[test]
fn every_state_is_reachable_and_every_open_one_can_end() {
    let mut seen: HashSet<State> = [Draft].into();
    let mut frontier = vec![Draft];
    while let Some(s) = frontier.pop() {
        for t in TRANSITIONS.iter().filter(|t| t.from == s) {
            if seen.insert(t.to) {
                frontier.push(t.to);
            }
        }
    }
    assert_eq!(
        seen.len(),
        State::ALL.len(),
        "unreachable: {:?}",
        State::ALL
    );
    for &s in State::ALL {
        let leaves = TRANSITIONS.iter().any(|t| t.from == s);
        assert_eq!(
            leaves,
            !s.is_final(),
            "{s}: final states have no step, others at least one"
        );
    }
}

#[test]
fn sudden_commendation_skips_consultation_and_vote() {
    let path = [
        (Submit, UnitClerk),
        (Receive, BoardSpecialist),
        (StartAppraisal, BoardSpecialist),
        (FinishAppraisal, BoardSpecialist),
        (Approve, BoardLeader),
        (IssueDecision, BoardLeader),
        (MarkAwarded, BoardSpecialist),
    ];
    let mut s = Draft;
    for (step, role) in path {
        s = next(s, step, role, DotXuat, None).unwrap();
    }
    assert_eq!(s, Awarded);
    // The same path is refused for regular commendation at the approval step.
    assert!(matches!(
        next(
            Appraised,
            Approve,
            BoardLeader,
            CommendationType::CongTrang,
            None
        ),
        Err(Refusal::NotFromHere(_))
    ));
    assert_eq!(
        steps_for(Appraised, BoardLeader, DotXuat),
        [Forward, Approve, Reject]
    );
    // A regular dossier goes up only after the council's vote; a sudden one is not published.
    assert_eq!(
        steps_for(Appraised, BoardLeader, CommendationType::CongTrang),
        [Reject]
    );
    assert_eq!(
        steps_for(Appraised, BoardSpecialist, CommendationType::CongTrang),
        [Publish, Reject]
    );
    assert_eq!(
        steps_for(Appraised, BoardSpecialist, DotXuat),
        [Forward, Reject]
    );
}

#[test]
fn an_appraisal_agrees_only_with_a_clear_verdict() {
    use crate::eligibility::VerdictKind;
    let from = |v: VerdictKind| NomineeVerdict::from(v);
    assert_eq!(from(VerdictKind::Eligible), NomineeVerdict::Eligible);
    assert_eq!(from(VerdictKind::NotEligible), NomineeVerdict::NotEligible);
    assert_eq!(from(VerdictKind::NeedsReview), NomineeVerdict::NeedsReview);
    // Every engine verdict keeps its code as stored.
    for v in VerdictKind::ALL {
        assert_eq!(from(*v).code(), v.code());
    }
    for v in NomineeVerdict::ALL {
        for r in AppraisalResult::ALL {
            let agrees = matches!(
                (v.code(), r.code()),
                ("eligible", "dat") | ("not_eligible", "khong_dat")
            );
            assert_eq!(v.agrees(*r), agrees, "{v} / {r}");
        }
    }
    assert_eq!(
        CommentStatus::DECISIONS
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>(),
        ["da_duyet", "an"]
    );
}
