//! Properties of the scoring and the ballot, and worked examples.

use proptest::prelude::*;

use super::*;

fn members(n: usize) -> Vec<Member> {
    (0..n)
        .map(|i| Member {
            id: format!("u{i}"),
            name: format!("Đơn vị {i}"),
        })
        .collect()
}

fn criteria() -> Vec<Criterion> {
    let c = |id: &str, group: &str, max: f64, kind| Criterion {
        id: id.into(),
        name: id.into(),
        group: Some(group.into()),
        max,
        kind,
        scale: None,
        guide: None,
        evidence: None,
    };
    vec![
        c("1.1", "1", 30.0, CriterionKind::Score),
        c("1.2", "1", 20.0, CriterionKind::Score),
        c("2.1", "2", 50.0, CriterionKind::Score),
        c("3.1", "2", 5.0, CriterionKind::Penalty),
    ]
}

fn groups() -> Vec<Group> {
    vec![
        Group {
            id: "1".into(),
            name: "Kinh tế".into(),
        },
        Group {
            id: "2".into(),
            name: "Xã hội".into(),
        },
    ]
}

fn input(n: usize, scores: Vec<Score>, method: Method) -> EvaluationInput {
    EvaluationInput {
        note: None,
        members: members(n),
        groups: groups(),
        criteria: criteria(),
        scores,
        indicators: vec![],
        method,
        sensitivity_top_n: None,
        flags: None,
        ballot: None,
    }
}

/// Full score matrices: every member scores every member on every criterion, in whole points.
fn matrix() -> impl Strategy<Value = (usize, Vec<Score>)> {
    (4usize..7).prop_flat_map(|n| {
        let crit = criteria();
        let cells = n * n * crit.len();
        (Just(n), proptest::collection::vec(0u32..=100, cells)).prop_map(move |(n, raw)| {
            let mut out = Vec::new();
            let mut it = raw.into_iter();
            for s in 0..n {
                for t in 0..n {
                    for c in &crit {
                        let p = (it.next().unwrap() as f64 / 100.0 * c.max).round();
                        out.push(Score {
                            scorer: format!("u{s}"),
                            target: format!("u{t}"),
                            criterion: c.id.clone(),
                            points: p,
                            note: None,
                        });
                    }
                }
            }
            (n, out)
        })
    })
}

fn methods() -> [Method; 4] {
    [
        Method::Mean,
        Method::Median,
        Method::TrimmedMean { k: 1 },
        Method::Zscore,
    ]
}

fn ranks(e: &Evaluation) -> Vec<(String, usize, i64)> {
    let mut v: Vec<_> = e
        .ranking
        .iter()
        .map(|u| (u.id.clone(), u.rank, (u.total * 1e6).round() as i64))
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn own_scores_never_change_anyones_rank((n, scores) in matrix(), bump in 0u32..=100, who in 0usize..4) {
        for m in methods() {
            let base = evaluate(&input(n, scores.clone(), m)).unwrap();
            let mut changed = scores.clone();
            for s in changed.iter_mut().filter(|s| s.scorer == format!("u{who}") && s.target == s.scorer) {
                let max = criteria().iter().find(|c| c.id == s.criterion).unwrap().max;
                s.points = (bump as f64 / 100.0 * max).round();
            }
            let after = evaluate(&input(n, changed, m)).unwrap();
            prop_assert_eq!(ranks(&base), ranks(&after));
        }
    }

    #[test]
    fn order_of_scorers_and_scores_changes_nothing((n, scores) in matrix(), seed in any::<u64>()) {
        for m in methods() {
            let base = evaluate(&input(n, scores.clone(), m)).unwrap();
            let mut shuffled = scores.clone();
            // A deterministic shuffle from the seed.
            let mut x = seed | 1;
            for i in (1..shuffled.len()).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                shuffled.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let mut inp = input(n, shuffled, m);
            inp.members.reverse();
            let after = evaluate(&inp).unwrap();
            prop_assert_eq!(ranks(&base), ranks(&after));
            prop_assert_eq!(&base.flags.len(), &after.flags.len());
        }
    }

    #[test]
    fn totals_stay_finite_and_in_bounds((n, scores) in matrix()) {
        for m in methods() {
            let e = evaluate(&input(n, scores.clone(), m)).unwrap();
            for u in &e.ranking {
                prop_assert!(u.total.is_finite());
                prop_assert!(u.total >= -5.0 - 1e-9 && u.total <= 100.0 + 1e-9, "{} {}", u.id, u.total);
            }
        }
    }
}

fn flat(n: usize, per_target: &[f64]) -> Vec<Score> {
    // Every scorer gives target t the same split of per_target[t] over the criteria.
    let mut out = Vec::new();
    for s in 0..n {
        for (t, total) in per_target.iter().enumerate() {
            for (c, share) in [("1.1", 0.3), ("1.2", 0.2), ("2.1", 0.5)] {
                out.push(Score {
                    scorer: format!("u{s}"),
                    target: format!("u{t}"),
                    criterion: c.into(),
                    points: total * share,
                    note: None,
                });
            }
        }
    }
    out
}

#[test]
fn zscore_with_a_scorer_who_gives_everyone_the_same() {
    let mut scores = flat(4, &[80.0, 70.0, 60.0, 50.0]);
    // u0 gives everyone 60.
    for s in scores.iter_mut().filter(|s| s.scorer == "u0") {
        s.points = match s.criterion.as_str() {
            "1.1" => 18.0,
            "1.2" => 12.0,
            _ => 30.0,
        };
    }
    let e = evaluate(&input(4, scores, Method::Zscore)).unwrap();
    assert!(e.ranking.iter().all(|u| u.total.is_finite()));
    let order: Vec<&str> = e.ranking.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(order, ["u0", "u1", "u2", "u3"]);
}

#[test]
fn ties_follow_the_ladder_and_show_the_path() {
    // u0 and u1 have the same total; u0 is stronger on group 1.
    let mut scores = flat(4, &[70.0, 70.0, 60.0, 60.0]);
    for s in scores.iter_mut().filter(|s| s.target == "u0") {
        match s.criterion.as_str() {
            "1.1" => s.points += 5.0,
            "2.1" => s.points -= 5.0,
            _ => {}
        }
    }
    let e = evaluate(&input(4, scores, Method::Mean)).unwrap();
    let r = &e.ranking;
    assert_eq!((r[0].id.as_str(), r[0].rank), ("u0", 1));
    assert_eq!((r[1].id.as_str(), r[1].rank), ("u1", 2));
    assert_eq!(r[0].tie_break[0].decided_by, TieRule::FirstGroup);
    assert_eq!(r[1].tie_break[0].with, "u0");
    // u2 and u3 are equal on every rung: they share rank 3 and go to the ballot.
    assert_eq!((r[2].rank, r[3].rank), (3, 3));
    assert_eq!(r[3].tie_break[0].decided_by, TieRule::Unresolved);
}

#[test]
fn first_places_break_a_tie_when_groups_are_equal() {
    let n = 4;
    let mut scores = flat(n, &[70.0, 70.0, 50.0, 40.0]);
    // u2 and u3 both put u0 first (u0 above u1 for them) while u1 gets the same total overall:
    // u2 gives u0 +4 and u1 −4 on 2.1; u3 gives u0 −4 and u1 +4 — but on 1.1 so groups change…
    // keep groups equal by moving points within group 2 only.
    for s in scores.iter_mut() {
        if s.criterion == "2.1" && s.scorer == "u2" && s.target == "u0" {
            s.points += 4.0;
        }
        if s.criterion == "2.1" && s.scorer == "u2" && s.target == "u1" {
            s.points -= 4.0;
        }
        if s.criterion == "2.1" && s.scorer == "u3" && s.target == "u0" {
            s.points += 2.0;
        }
        if s.criterion == "2.1" && s.scorer == "u3" && s.target == "u1" {
            s.points -= 2.0;
        }
        if s.criterion == "2.1" && s.scorer == "u1" && s.target == "u0" {
            s.points -= 6.0;
        }
    }
    // u0's total from others: u1 −6, u2 +4, u3 +2 → 0; u1's: u2 −4, u3 −2, u0 0 → −6/3. Rebalance u1.
    for s in scores.iter_mut() {
        if s.criterion == "2.1" && s.scorer == "u0" && s.target == "u1" {
            s.points += 6.0;
        }
    }
    let e = evaluate(&input(n, scores, Method::Mean)).unwrap();
    let r = &e.ranking;
    assert_eq!(r[0].total, r[1].total);
    assert_eq!(r[0].id, "u0");
    assert_eq!(r[0].tie_break[0].decided_by, TieRule::FirstPlaces);
    assert!(r[0].first_places > r[1].first_places);
}

#[test]
fn bad_scores_are_named() {
    let mut scores = flat(3, &[70.0, 60.0, 50.0]);
    scores[4].points = 25.0; // 1.2 has max 20
    let e = evaluate(&input(3, scores.clone(), Method::Mean)).unwrap_err();
    assert_eq!(e.field, "scores[4].points");
    assert!(e.message.contains("ngoài khoảng 0–20"), "{}", e.message);
    scores[4].points = 1.0;
    scores[0].scorer = "khong_co".into();
    assert_eq!(
        evaluate(&input(3, scores.clone(), Method::Mean))
            .unwrap_err()
            .field,
        "scores[0].scorer"
    );
    scores[0].scorer = "u0".into();
    scores.push(scores[0].clone());
    assert!(
        evaluate(&input(3, scores, Method::Mean))
            .unwrap_err()
            .message
            .contains("hai lần")
    );
    let e = evaluate(&input(
        3,
        flat(3, &[1.0, 2.0, 3.0]),
        Method::TrimmedMean { k: 1 },
    ))
    .unwrap_err();
    assert_eq!(e.field, "method.k");
}

#[test]
fn computed_criteria_use_the_scale() {
    let mut inp = input(3, flat(3, &[60.0, 60.0, 60.0]), Method::Mean);
    inp.criteria.push(Criterion {
        id: "thu_ngan_sach".into(),
        name: "Thu ngân sách so với kế hoạch".into(),
        group: Some("1".into()),
        max: 10.0,
        kind: CriterionKind::Score,
        scale: Some(Scale {
            points: vec![[90.0, 0.0], [100.0, 8.0], [110.0, 10.0]],
        }),
        guide: Some("Theo báo cáo quyết toán của Sở Tài chính".into()),
        evidence: Some("Báo cáo thu ngân sách năm".into()),
    });
    inp.indicators = vec![
        IndicatorValue {
            member: "u1".into(),
            criterion: "thu_ngan_sach".into(),
            value: 105.54,
        },
        IndicatorValue {
            member: "u0".into(),
            criterion: "thu_ngan_sach".into(),
            value: 96.11,
        },
    ];
    let e = evaluate(&inp).unwrap();
    assert_eq!(e.ranking[0].id, "u1");
    assert!((e.ranking[0].total - 69.108).abs() < 1e-9);
    assert!((e.ranking[1].total - (60.0 + 8.0 * 0.611)).abs() < 1e-9);
    inp.scores.push(Score {
        scorer: "u0".into(),
        target: "u1".into(),
        criterion: "thu_ngan_sach".into(),
        points: 5.0,
        note: None,
    });
    assert!(
        evaluate(&inp)
            .unwrap_err()
            .message
            .contains("không chấm tay")
    );
}

#[test]
fn mutual_high_scores_are_flagged() {
    let n = 6;
    let mut scores = flat(n, &[60.0, 60.0, 60.0, 60.0, 60.0, 60.0]);
    // Break perfect uniformity so the others' spread is not zero.
    for s in scores.iter_mut().filter(|s| s.criterion == "2.1") {
        let (a, b) = (s.scorer.as_bytes()[1] - b'0', s.target.as_bytes()[1] - b'0');
        s.points += ((a + b) % 3) as f64;
    }
    for s in scores.iter_mut().filter(|s| s.criterion == "2.1") {
        if (s.scorer == "u1" && s.target == "u4") || (s.scorer == "u4" && s.target == "u1") {
            s.points = 50.0;
        }
    }
    let e = evaluate(&input(n, scores, Method::Mean)).unwrap();
    assert_eq!(e.flags.len(), 1);
    assert_eq!((e.flags[0].a.as_str(), e.flags[0].b.as_str()), ("u1", "u4"));
    assert!(e.flags[0].a_gives_b > e.flags[0].others_give_b + 5.0);
}

fn paper(pairs: &[(&str, &[&str])]) -> std::collections::BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

fn ballot(papers: Vec<std::collections::BTreeMap<String, Vec<String>>>) -> BallotInput {
    BallotInput {
        rules: BallotRules {
            eligible_voters: None,
            quorum: 2.0 / 3.0,
            categories: vec![
                Category {
                    id: "co".into(),
                    name: "Cờ thi đua của Chính phủ".into(),
                    seats: 2,
                    candidates: None,
                    top_n: None,
                    threshold: Threshold::default(),
                    award: Some("co_thi_dua_chinh_phu".into()),
                    next_role: None,
                },
                Category {
                    id: "truong".into(),
                    name: "Cụm trưởng".into(),
                    seats: 1,
                    candidates: None,
                    top_n: Some(2),
                    threshold: Threshold::default(),
                    award: None,
                    next_role: Some("cum_truong".into()),
                },
            ],
        },
        ballots: papers,
    }
}

#[test]
fn ballot_elects_counts_invalid_and_reports_ties() {
    let mut inp = input(5, flat(5, &[90.0, 80.0, 70.0, 60.0, 50.0]), Method::Mean);
    inp.ballot = Some(ballot(vec![
        paper(&[("co", &["u0", "u1"]), ("truong", &["u0"])]),
        paper(&[("co", &["u0", "u2"]), ("truong", &["u1"])]),
        paper(&[("co", &["u0", "u1"]), ("truong", &["u0"])]),
        paper(&[("co", &["u1", "u2", "u3"]), ("truong", &["u4"])]), // too many flags; u4 not a candidate
        paper(&[("co", &["u2"])]),
    ]));
    let e = evaluate(&inp).unwrap();
    let b = e.ballot.unwrap();
    assert_eq!(
        (b.ballots_cast, b.quorum_needed, b.quorum_met),
        (5, 4, true)
    );
    let co = &b.categories[0];
    assert_eq!((co.valid, co.invalid), (4, 1));
    // More than half of 5 members = 3 votes: only u0.
    assert_eq!(co.elected, ["u0"]);
    assert_eq!(co.tie, None);
    let truong = &b.categories[1];
    assert_eq!(truong.candidates, ["u0", "u1"], "top 2 of the ranking only");
    assert_eq!((truong.invalid, truong.blank), (1, 1));
    assert_eq!(
        truong.elected,
        Vec::<String>::new(),
        "2 votes of 5 is not more than half"
    );
    assert_eq!(b.rule_hash.len(), 64);

    // Threshold over votes cast, and a tie on the last seat.
    let mut inp2 = inp.clone();
    let b2 = inp2.ballot.as_mut().unwrap();
    b2.rules.categories[0].threshold = Threshold {
        basis: Basis::VotesCast,
        fraction: 0.5,
        strict: false,
    };
    b2.ballots = vec![
        paper(&[("co", &["u0", "u1"])]),
        paper(&[("co", &["u0", "u2"])]),
        paper(&[("co", &["u1", "u2"])]),
        paper(&[("co", &["u0"])]),
    ];
    let out = evaluate(&inp2).unwrap().ballot.unwrap();
    let co = &out.categories[0];
    assert_eq!(co.elected, ["u0"]);
    assert_eq!(co.tie.as_ref().unwrap().candidates, ["u1", "u2"]);
    assert_eq!(co.tie.as_ref().unwrap().seats_left, 1);
    assert_ne!(out.rule_hash, b.rule_hash, "changed rules change the hash");

    // Without a quorum nobody is elected.
    let mut inp3 = inp.clone();
    inp3.ballot.as_mut().unwrap().ballots.truncate(3);
    let out = evaluate(&inp3).unwrap().ballot.unwrap();
    assert!(!out.quorum_met && out.categories.iter().all(|c| c.elected.is_empty()));
    // A paper naming a category of another ballot is invalid everywhere, not an error.
    let mut inp5 = inp.clone();
    inp5.ballot.as_mut().unwrap().ballots[4] = paper(&[("khac", &["u1"])]);
    let out = evaluate(&inp5).unwrap().ballot.unwrap();
    assert_eq!(out.categories[0].invalid, 2);
    // More papers than voters is refused.
    let mut inp4 = inp.clone();
    let extra = inp4.ballot.as_ref().unwrap().ballots[0].clone();
    inp4.ballot.as_mut().unwrap().ballots.push(extra);
    assert!(evaluate(&inp4).unwrap_err().message.contains("6 phiếu"));
}

/// The worked example of docs/cluster-evaluation.md reproduces what seed 003 reports.
#[test]
fn seed_003_example_gives_the_reported_outcome() {
    let inp: EvaluationInput = serde_json::from_str(include_str!(
        "../../../../docs/examples/cluster-2022-tay-nguyen.json"
    ))
    .unwrap();
    let e = evaluate(&inp).unwrap();
    let top: Vec<&str> = e.ranking.iter().take(4).map(|u| u.id.as_str()).collect();
    assert_eq!(
        top,
        ["binh_dinh", "dak_nong", "quang_ngai_cu", "dak_lak_cu"]
    );
    let b = e.ballot.unwrap();
    let elected = |id: &str| {
        b.categories
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .elected
            .clone()
    };
    assert_eq!(elected("co_thi_dua_chinh_phu"), ["binh_dinh", "dak_nong"]);
    assert_eq!(
        elected("bang_khen_thu_tuong"),
        ["dak_lak_cu", "quang_ngai_cu"]
    );
    assert_eq!(elected("cum_truong_2023"), ["binh_dinh"]);
    assert_eq!(elected("cum_pho_2023"), ["lam_dong_cu"]);
    assert!(e.sensitivity.top_stable);
}
