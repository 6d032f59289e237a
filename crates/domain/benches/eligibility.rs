//! Year-end batch: 100 000 synthetic people checked for the awards that matter in December.
//! Run: `cargo bench -p tdkt-domain --bench eligibility` (goal: under 2 s per batch).

use tdkt_domain::dates::ymd;
use tdkt_domain::eligibility::*;
use tdkt_domain::person::TaskRating;

fn main() {
    divan::main();
}

/// Deterministic, varied histories: 6 years of ratings, some titles, a Bằng khen for some.
fn subjects(n: usize) -> Vec<Subject> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let mut s = Subject {
                kind: SubjectKind::Individual,
                ratings: vec![],
                titles: vec![],
                awards: vec![],
                initiatives: vec![],
                members: vec![],
            };
            for y in 2020..=2025 {
                let rating = match next() % 10 {
                    0 => TaskRating::Completed,
                    1..=3 => TaskRating::Excellent,
                    _ => TaskRating::Good,
                };
                s.ratings.push(RatingRecord {
                    year: y,
                    rating,
                    absent_days: None,
                    discipline: None,
                });
                if rating == TaskRating::Excellent && next() % 2 == 0 {
                    s.titles.push(TitleRecord {
                        year: y,
                        code: "chien_si_thi_dua_co_so".into(),
                    });
                }
            }
            if next() % 3 == 0 {
                s.awards.push(AwardRecord {
                    code: "bang_khen_tinh".into(),
                    date: ymd(2019, 12, 20),
                    decision: None,
                });
            }
            if next() % 4 == 0 {
                s.initiatives.push(InitiativeRecord {
                    id: "SK".into(),
                    scope: InitiativeScope::CoSo,
                    recognized: ymd(2025, 10, 1),
                    used_by: None,
                    used_on: None,
                });
            }
            s
        })
        .collect()
}

const AWARDS: [&str; 4] = [
    "lao_dong_tien_tien",
    "chien_si_thi_dua_co_so",
    "bang_khen_tinh",
    "bang_khen_thu_tuong",
];

#[divan::bench(sample_count = 5)]
fn batch_100k(b: divan::Bencher) {
    let rules = RuleSet::builtin();
    let people = subjects(100_000);
    let date = ymd(2025, 12, 15);
    b.bench_local(|| {
        let mut eligible = 0usize;
        for (i, s) in people.iter().enumerate() {
            let req = CheckRequest {
                award: AWARDS[i % AWARDS.len()].into(),
                reference_date: date,
                subject: s.clone(),
            };
            if rules
                .check(&req)
                .map(|v| v.verdict == VerdictKind::Eligible)
                .unwrap_or(false)
            {
                eligible += 1;
            }
        }
        divan::black_box(eligible)
    });
}
