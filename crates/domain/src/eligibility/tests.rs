//! A table of cases per rule: pass, fail and the boundary; pack selection by date; pack errors.
//! Long because it is a table: one block per rule of the packs.

use std::collections::BTreeMap;

use super::*;
use crate::dates::ymd;
use crate::person::TaskRating::{self, *};

fn set() -> RuleSet {
    RuleSet::builtin()
}

fn person(ratings: &[(i32, TaskRating)], titles: &[(i32, &str)]) -> Subject {
    Subject {
        kind: SubjectKind::Individual,
        ratings: ratings
            .iter()
            .map(|(y, r)| RatingRecord {
                year: *y,
                rating: *r,
                absent_days: None,
                discipline: None,
            })
            .collect(),
        titles: titles
            .iter()
            .map(|(y, c)| TitleRecord {
                year: *y,
                code: c.to_string(),
            })
            .collect(),
        awards: vec![],
        initiatives: vec![],
        members: vec![],
    }
}

fn award(code: &str, y: i32, m: u8, d: u8) -> AwardRecord {
    AwardRecord {
        code: code.into(),
        date: ymd(y, m, d),
        decision: Some("123/QĐ-UBND".into()),
    }
}

fn initiative(id: &str, scope: InitiativeScope, y: i32, used_by: Option<&str>) -> InitiativeRecord {
    InitiativeRecord {
        id: id.into(),
        scope,
        recognized: ymd(y, 10, 1),
        used_by: used_by.map(str::to_string),
        used_on: None,
    }
}

fn check(code: &str, date: (i32, u8, u8), s: &Subject) -> Verdict {
    set()
        .check(&CheckRequest {
            award: code.into(),
            reference_date: ymd(date.0, date.1, date.2),
            subject: s.clone(),
        })
        .unwrap()
}

const DEC: (i32, u8, u8) = (2025, 12, 15);

#[test]
fn builtin_packs_load_and_pick_by_date() {
    let s = set();
    assert_eq!(s.packs.len(), 2);
    assert_eq!(
        s.pack_on(ymd(2025, 6, 30)).unwrap().id,
        "luat_06_2022_nd_98_2023"
    );
    assert_eq!(
        s.pack_on(ymd(2025, 7, 1)).unwrap().id,
        "luat_06_2022_nd_152_2025"
    );
    assert!(s.pack_on(ymd(2023, 12, 31)).is_none());
    let p = person(&[(2025, Good)], &[]);
    assert_eq!(
        check("lao_dong_tien_tien", (2025, 6, 30), &p).rule_pack.id,
        "luat_06_2022_nd_98_2023"
    );
    assert_eq!(
        check("lao_dong_tien_tien", (2025, 7, 1), &p).rule_pack.id,
        "luat_06_2022_nd_152_2025"
    );
    let e = set()
        .check(&CheckRequest {
            award: "lao_dong_tien_tien".into(),
            reference_date: ymd(2023, 12, 1),
            subject: p,
        })
        .unwrap_err();
    assert_eq!(e.field, "reference_date");
}

#[test]
fn lao_dong_tien_tien() {
    assert_eq!(
        check("lao_dong_tien_tien", DEC, &person(&[(2025, Good)], &[])).verdict,
        VerdictKind::Eligible
    );
    assert_eq!(
        check(
            "lao_dong_tien_tien",
            DEC,
            &person(&[(2025, Excellent)], &[])
        )
        .verdict,
        VerdictKind::Eligible
    );
    let v = check(
        "lao_dong_tien_tien",
        DEC,
        &person(&[(2025, Completed)], &[]),
    );
    assert_eq!(v.verdict, VerdictKind::NotEligible);
    assert!(v.missing[0].contains("chưa đạt"));
    let v = check("lao_dong_tien_tien", DEC, &person(&[(2024, Good)], &[]));
    assert_eq!(v.missing, ["thiếu xếp loại chất lượng năm 2025"]);
    assert_eq!(v.criteria[1].status, CriterionStatus::Attested);
}

#[test]
fn chien_si_thi_dua_co_so() {
    // HTXSNV in the year: eligible.
    assert_eq!(
        check(
            "chien_si_thi_dua_co_so",
            DEC,
            &person(&[(2025, Excellent)], &[])
        )
        .verdict,
        VerdictKind::Eligible
    );
    // HTTNV without an initiative: the other alternatives need a person.
    let v = check("chien_si_thi_dua_co_so", DEC, &person(&[(2025, Good)], &[]));
    assert_eq!(v.verdict, VerdictKind::NeedsReview);
    // HTTNV with an unused grassroots initiative: eligible; a used one does not count.
    let mut p = person(&[(2025, Good)], &[]);
    p.initiatives = vec![initiative(
        "SK-1",
        InitiativeScope::CoSo,
        2025,
        Some("bang_khen_tinh 2024"),
    )];
    assert_eq!(
        check("chien_si_thi_dua_co_so", DEC, &p).verdict,
        VerdictKind::NeedsReview
    );
    p.initiatives
        .push(initiative("SK-2", InitiativeScope::CoSo, 2025, None));
    let v = check("chien_si_thi_dua_co_so", DEC, &p);
    assert_eq!(v.verdict, VerdictKind::Eligible);
    assert!(v.criteria[1].records.iter().any(|r| r.contains("SK-2")));
    // Not LĐTT standard: not eligible whatever else.
    assert_eq!(
        check(
            "chien_si_thi_dua_co_so",
            DEC,
            &person(&[(2025, Completed)], &[])
        )
        .verdict,
        VerdictKind::NotEligible
    );
}

#[test]
fn chien_si_thi_dua_tinh() {
    let cs = "chien_si_thi_dua_co_so";
    let mut p = person(
        &[(2023, Excellent), (2024, Excellent), (2025, Excellent)],
        &[(2023, cs), (2024, cs), (2025, cs)],
    );
    p.initiatives = vec![initiative("SK-T", InitiativeScope::Tinh, 2025, None)];
    assert_eq!(
        check("chien_si_thi_dua_tinh", DEC, &p).verdict,
        VerdictKind::Eligible
    );
    // One year short.
    p.titles.retain(|t| t.year != 2023);
    let v = check("chien_si_thi_dua_tinh", DEC, &p);
    assert_eq!(v.verdict, VerdictKind::NotEligible);
    assert_eq!(
        v.missing,
        ["thiếu 1 danh hiệu Chiến sĩ thi đua cơ sở năm 2023"]
    );
    // A gap in the run.
    p.titles.push(TitleRecord {
        year: 2022,
        code: cs.into(),
    });
    assert_eq!(
        check("chien_si_thi_dua_tinh", DEC, &p).verdict,
        VerdictKind::NotEligible
    );
    // Before this year's title is granted, the window ends with last year.
    let mut q = person(
        &[(2022, Excellent), (2023, Excellent), (2024, Excellent)],
        &[(2022, cs), (2023, cs), (2024, cs)],
    );
    q.initiatives = vec![initiative("SK-T", InitiativeScope::Tinh, 2024, None)];
    assert_eq!(
        check("chien_si_thi_dua_tinh", DEC, &q).verdict,
        VerdictKind::Eligible
    );
    // A province-level initiative already used by another award does not count; a grassroots one is too narrow.
    q.initiatives = vec![
        initiative("SK-T", InitiativeScope::Tinh, 2024, Some("CSTĐ tỉnh 2021")),
        initiative("SK-C", InitiativeScope::CoSo, 2024, None),
    ];
    let v = check("chien_si_thi_dua_tinh", DEC, &q);
    assert_eq!(v.verdict, VerdictKind::NotEligible);
    assert!(
        v.criteria[1]
            .detail
            .contains("không tính: sáng kiến SK-T đã dùng cho CSTĐ tỉnh 2021"),
        "{}",
        v.criteria[1].detail
    );
}

#[test]
fn chien_si_thi_dua_toan_quoc() {
    let t = "chien_si_thi_dua_tinh";
    // CSTĐ tỉnh is a 3-year cycle title: two in a row are 2022 and 2025.
    let mut p = person(&[], &[(2022, t), (2025, t)]);
    p.initiatives = vec![initiative("SK-Q", InitiativeScope::ToanQuoc, 2025, None)];
    assert_eq!(
        check("chien_si_thi_dua_toan_quoc", DEC, &p).verdict,
        VerdictKind::Eligible
    );
    p.initiatives.clear();
    assert_eq!(
        check("chien_si_thi_dua_toan_quoc", DEC, &p).verdict,
        VerdictKind::NeedsReview,
        "a national research topic is for a person to judge"
    );
    p.titles.remove(0);
    assert_eq!(
        check("chien_si_thi_dua_toan_quoc", DEC, &p).verdict,
        VerdictKind::NotEligible
    );
}

#[test]
fn bang_khen_tinh_alternatives() {
    let cs = "chien_si_thi_dua_co_so";
    assert_eq!(
        check(
            "bang_khen_tinh",
            DEC,
            &person(&[], &[(2024, cs), (2025, cs)])
        )
        .verdict,
        VerdictKind::Eligible
    );
    // Two years HTXSNV with two unused grassroots initiatives recognised in those years.
    let mut p = person(&[(2024, Excellent), (2025, Excellent)], &[]);
    p.initiatives = vec![
        initiative("A", InitiativeScope::CoSo, 2024, None),
        initiative("B", InitiativeScope::CoSo, 2025, None),
    ];
    assert_eq!(
        check("bang_khen_tinh", DEC, &p).verdict,
        VerdictKind::Eligible
    );
    // …not when one of them was already used (for the CSTĐCS, say): then the manual options remain.
    p.initiatives[1].used_by = Some("chien_si_thi_dua_co_so 2025".into());
    assert_eq!(
        check("bang_khen_tinh", DEC, &p).verdict,
        VerdictKind::NeedsReview
    );
}

fn bk_tinh_2019() -> Subject {
    let cs = "chien_si_thi_dua_co_so";
    let mut p = person(
        &[
            (2019, Good),
            (2020, Good),
            (2021, Excellent),
            (2022, Good),
            (2023, Excellent),
            (2024, Good),
            (2025, Excellent),
        ],
        &[(2021, cs), (2023, cs), (2025, cs)],
    );
    p.awards = vec![award("bang_khen_tinh", 2019, 12, 20)];
    p
}

#[test]
fn bang_khen_thu_tuong() {
    // Bằng khen tỉnh in 2019, then 2020–2025 HTTNV or better with 3 CSTĐCS.
    let p = bk_tinh_2019();
    let v = check("bang_khen_thu_tuong", DEC, &p);
    assert_eq!(v.verdict, VerdictKind::Eligible, "{v:#?}");
    assert!(v.criteria[1].detail.contains("6 năm liên tục"));
    // A gap: 2022 only "htnv" breaks the run (2023–2025 is 3 years).
    let mut q = p.clone();
    q.ratings
        .iter_mut()
        .find(|r| r.year == 2022)
        .unwrap()
        .rating = Completed;
    let v = check("bang_khen_thu_tuong", DEC, &q);
    assert_eq!(v.verdict, VerdictKind::NotEligible);
    assert!(
        v.missing[0].contains("cần thêm 2 năm") && v.missing[0].contains("năm 2022"),
        "{:?}",
        v.missing
    );
    // Years before the Bằng khen tỉnh do not count: awarded in 2021 → only 2022–2025.
    let mut r = p.clone();
    r.awards = vec![award("bang_khen_tinh", 2021, 1, 15)];
    let v = check("bang_khen_thu_tuong", DEC, &r);
    assert_eq!(v.verdict, VerdictKind::NotEligible);
    assert!(v.missing.iter().any(|m| m.contains("cần thêm 1 năm")));
    // Without the Bằng khen tỉnh.
    let mut s = p.clone();
    s.awards.clear();
    let v = check("bang_khen_thu_tuong", DEC, &s);
    assert!(
        v.missing
            .contains(&"chưa có Bằng khen cấp bộ, ban, ngành, tỉnh".to_string())
    );
    // Two CSTĐCS only.
    let mut t = p;
    t.titles.pop();
    let v = check("bang_khen_thu_tuong", DEC, &t);
    assert!(
        v.missing
            .iter()
            .any(|m| m.contains("thiếu 1 danh hiệu Chiến sĩ thi đua cơ sở")),
        "{:?}",
        v.missing
    );
}

#[test]
fn huan_chuong_lao_dong() {
    let mut p = bk_tinh_2019();
    p.awards.push(award("bang_khen_thu_tuong", 2019, 12, 30));
    let v = check("huan_chuong_lao_dong_hang_ba", DEC, &p);
    assert_eq!(v.verdict, VerdictKind::Eligible, "{v:#?}");
    let v = check("huan_chuong_lao_dong_hang_nhi", DEC, &p);
    assert_eq!(v.verdict, VerdictKind::NotEligible);
    assert!(
        v.missing
            .contains(&"chưa có Huân chương Lao động hạng Ba".to_string())
    );
    p.awards
        .push(award("huan_chuong_lao_dong_hang_ba", 2019, 12, 31));
    let v = check("huan_chuong_lao_dong_hang_nhi", DEC, &p);
    assert!(
        v.missing
            .iter()
            .any(|m| m.contains("danh hiệu Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh")),
        "{:?}",
        v.missing
    );
    p.titles.push(TitleRecord {
        year: 2024,
        code: "chien_si_thi_dua_tinh".into(),
    });
    assert_eq!(
        check("huan_chuong_lao_dong_hang_nhi", DEC, &p).verdict,
        VerdictKind::Eligible
    );
    assert_eq!(
        check("huan_chuong_lao_dong_hang_nhat", DEC, &p).verdict,
        VerdictKind::NeedsReview
    );
}

fn collective(
    total: u32,
    ldtt: u32,
    cstdcs: u32,
    ratings: &[(TaskRating, u32)],
    disciplined: u32,
) -> Subject {
    Subject {
        kind: SubjectKind::Collective,
        ratings: vec![RatingRecord {
            year: 2025,
            rating: Excellent,
            absent_days: None,
            discipline: None,
        }],
        titles: vec![],
        awards: vec![],
        initiatives: vec![],
        members: vec![MemberYear {
            year: 2025,
            total,
            ratings: ratings.iter().copied().collect::<BTreeMap<_, _>>(),
            titles: BTreeMap::from([
                ("lao_dong_tien_tien".to_string(), ldtt),
                ("chien_si_thi_dua_co_so".to_string(), cstdcs),
            ]),
            disciplined: Some(disciplined),
        }],
    }
}

#[test]
fn collectives_use_member_ratios() {
    let all_done = [(Excellent, 5), (Good, 15)];
    assert_eq!(
        check(
            "tap_the_lao_dong_xuat_sac",
            DEC,
            &collective(20, 14, 1, &all_done, 0)
        )
        .verdict,
        VerdictKind::Eligible
    );
    // 13 of 20 LĐTT is 65% < 70%: one member short.
    let v = check(
        "tap_the_lao_dong_xuat_sac",
        DEC,
        &collective(20, 13, 1, &all_done, 0),
    );
    assert_eq!(v.verdict, VerdictKind::NotEligible);
    assert!(
        v.missing
            .iter()
            .any(|m| m.contains("cần thêm 1 thành viên")),
        "{:?}",
        v.missing
    );
    // One member did not complete tasks; no CSTĐCS; a disciplined member (discipline is not a
    // criterion of this title in DOMAIN.md §3, so two rules fail).
    let v = check(
        "tap_the_lao_dong_xuat_sac",
        DEC,
        &collective(20, 14, 0, &[(Good, 19), (NotCompleted, 1)], 1),
    );
    assert_eq!(
        v.criteria
            .iter()
            .filter(|c| c.passed == Some(false))
            .count(),
        2
    );
    assert_eq!(
        check(
            "tap_the_lao_dong_tien_tien",
            DEC,
            &collective(10, 7, 0, &[(Good, 10)], 0)
        )
        .verdict,
        VerdictKind::Eligible
    );
    // Individual awards are refused for collectives.
    let e = set()
        .check(&CheckRequest {
            award: "lao_dong_tien_tien".into(),
            reference_date: ymd(2025, 12, 15),
            subject: collective(1, 1, 0, &[], 0),
        })
        .unwrap_err();
    assert_eq!(e.field, "subject.kind");
}

#[test]
fn what_is_the_subject_eligible_for_now() {
    let mut p = bk_tinh_2019();
    p.initiatives = vec![initiative("SK", InitiativeScope::CoSo, 2025, None)];
    let all = set().eligible_now(&p, ymd(2025, 12, 15));
    let eligible: Vec<&str> = all
        .iter()
        .filter(|v| v.verdict == VerdictKind::Eligible)
        .map(|v| v.award.as_str())
        .collect();
    assert!(
        eligible.contains(&"lao_dong_tien_tien")
            && eligible.contains(&"chien_si_thi_dua_co_so")
            && eligible.contains(&"bang_khen_thu_tuong"),
        "{eligible:?}"
    );
    assert!(!eligible.contains(&"huan_chuong_lao_dong_hang_ba"));
    assert!(all.iter().all(|v| !v.award.starts_with("tap_the")));
}

#[test]
fn pack_errors_name_file_and_line() {
    let cat = BUILTIN_CATALOG;
    let bad_syntax = "[pack]\nid = \"x\"\nname = \"X\"\neffective_from = 2025-07-01\n\n[[award]]\ncode = \"lao_dong_tien_tien\"\nsubjects = [\"individual\"\nrules = []\n";
    let e = RuleSet::load(cat, &[("rules/x.toml", bad_syntax)]).unwrap_err();
    assert_eq!(e.file, "rules/x.toml");
    assert!(e.line >= 8, "{e}");
    let unknown_award = "[pack]\nid = \"x\"\nname = \"X\"\neffective_from = 2025-07-01\n\n[[award]]\ncode = \"bang_khen_khong_co\"\nsubjects = [\"individual\"]\nrules = []\n";
    let e = RuleSet::load(cat, &[("rules/y.toml", unknown_award)]).unwrap_err();
    assert_eq!(e.line, 7);
    assert!(e.message.contains("bang_khen_khong_co"));
    let bad_kind = "[pack]\nid = \"x\"\nname = \"X\"\neffective_from = 2025-07-01\n\n[[award]]\ncode = \"lao_dong_tien_tien\"\nsubjects = [\"individual\"]\nrules = [\n  { id = \"r1\", citation = \"c\", text = \"t\", check = { kind = \"doan_bua\" } },\n]\n";
    let e = RuleSet::load(cat, &[("rules/z.toml", bad_kind)]).unwrap_err();
    assert_eq!(e.line, 10, "{e}");
    assert!(e.message.contains("doan_bua"), "{e}");
    let bad_setting = "[pack]\nid = \"x\"\nname = \"X\"\neffective_from = 2025-07-01\n\n[[award]]\ncode = \"tap_the_lao_dong_tien_tien\"\nsubjects = [\"collective\"]\nrules = [\n  { id = \"r1\", citation = \"c\", text = \"t\", check = { kind = \"member_share\", title = \"lao_dong_tien_tien\", min = \"$khong_co\" } },\n]\n";
    let e = RuleSet::load(cat, &[("rules/w.toml", bad_setting)]).unwrap_err();
    assert_eq!(e.line, 10, "{e}");
    assert!(e.message.contains("$khong_co"), "{e}");
}

#[test]
fn base_salary_is_dated() {
    let c = &set().catalog;
    assert_eq!(
        c.base_salary_on(ymd(2024, 6, 30)).map(|x| x.0),
        Some(1_800_000)
    );
    assert_eq!(
        c.base_salary_on(ymd(2025, 12, 15)).map(|x| x.0),
        Some(2_340_000)
    );
    assert_eq!(c.base_salary_on(ymd(2020, 1, 1)), None);
    // Bằng khen of the Prime Minister: 3.0 × base salary.
    assert_eq!(
        (c.get("bang_khen_thu_tuong").unwrap().bonus * 2_340_000.0) as u64,
        7_020_000
    );
}

#[test]
fn an_initiative_counts_for_its_own_period_only() {
    // CSTĐCS: a grassroots initiative recognised in an earlier year does not make every later
    // year eligible.
    let mut p = person(&[(2025, Good)], &[]);
    p.initiatives = vec![initiative("SK-OLD", InitiativeScope::CoSo, 2023, None)];
    let v = check("chien_si_thi_dua_co_so", DEC, &p);
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{v:#?}");
    p.initiatives[0].recognized = ymd(2025, 3, 1);
    assert_eq!(
        check("chien_si_thi_dua_co_so", DEC, &p).verdict,
        VerdictKind::Eligible
    );
    // CSTĐ tỉnh: the province-level initiative must fall in the three-year window (a setting).
    let cs = "chien_si_thi_dua_co_so";
    let mut q = person(&[], &[(2023, cs), (2024, cs), (2025, cs)]);
    q.initiatives = vec![initiative("SK-T", InitiativeScope::Tinh, 2022, None)];
    let v = check("chien_si_thi_dua_tinh", DEC, &q);
    assert_eq!(v.verdict, VerdictKind::NotEligible);
    assert!(
        v.missing.iter().any(|m| m.contains("2023–2025")),
        "{:?}",
        v.missing
    );
    q.initiatives[0].recognized = ymd(2023, 1, 5);
    assert_eq!(
        check("chien_si_thi_dua_tinh", DEC, &q).verdict,
        VerdictKind::Eligible
    );
}

#[test]
fn an_initiative_used_later_still_counts_on_an_earlier_date() {
    let mut p = person(&[(2025, Good)], &[]);
    let mut i = initiative("SK-1", InitiativeScope::CoSo, 2025, Some("Bằng khen tỉnh"));
    i.used_on = Some(ymd(2025, 12, 20));
    p.initiatives = vec![i];
    // On 15 December it was not used yet; from 20 December it is.
    assert_eq!(
        check("chien_si_thi_dua_co_so", DEC, &p).verdict,
        VerdictKind::Eligible
    );
    assert_eq!(
        check("chien_si_thi_dua_co_so", (2025, 12, 20), &p).verdict,
        VerdictKind::NeedsReview
    );
}

#[test]
fn titles_counted_for_an_award_do_not_count_again() {
    let cs = "chien_si_thi_dua_co_so";
    // CSTĐ tỉnh 2024 on CSTĐCS 2022–2024; in 2025, before this year's title, the same three
    // titles must not make the person eligible again.
    let mut p = person(
        &[],
        &[
            (2022, cs),
            (2023, cs),
            (2024, cs),
            (2024, "chien_si_thi_dua_tinh"),
        ],
    );
    p.initiatives = vec![initiative("SK-T", InitiativeScope::Tinh, 2024, None)];
    let v = check("chien_si_thi_dua_tinh", DEC, &p);
    assert_eq!(v.verdict, VerdictKind::NotEligible, "{v:#?}");
    assert!(v.criteria[0].detail.contains("chỉ tính từ năm 2025"));
    // Evaluated for 2024 itself, the record stands.
    assert_eq!(
        check("chien_si_thi_dua_tinh", (2024, 12, 1), &p).verdict,
        VerdictKind::Eligible
    );
    // Bằng khen tỉnh for two CSTĐCS (2023, 2024) received in 2024: in 2025 the 2024 title
    // cannot pair with a 2025 one... unless there are two new ones.
    let mut q = person(&[], &[(2023, cs), (2024, cs)]);
    q.awards = vec![award("bang_khen_tinh", 2024, 12, 20)];
    let v = check("bang_khen_tinh", DEC, &q);
    assert_ne!(v.verdict, VerdictKind::Eligible, "{v:#?}");
    q.titles.push(TitleRecord {
        year: 2025,
        code: cs.into(),
    });
    assert_ne!(
        check("bang_khen_tinh", DEC, &q).verdict,
        VerdictKind::Eligible
    );
    q.titles.push(TitleRecord {
        year: 2026,
        code: cs.into(),
    });
    assert_eq!(
        check("bang_khen_tinh", (2026, 12, 1), &q).verdict,
        VerdictKind::Eligible
    );
}

#[test]
fn a_plain_run_counts_initiatives_in_its_last_years_only() {
    // Five years HTXSNV; the two grassroots initiatives are from 2021 and 2022, outside the
    // last two years: they do not make Bằng khen tỉnh.
    let mut p = person(
        &[
            (2021, Excellent),
            (2022, Excellent),
            (2023, Excellent),
            (2024, Excellent),
            (2025, Excellent),
        ],
        &[],
    );
    p.initiatives = vec![
        initiative("A", InitiativeScope::CoSo, 2021, None),
        initiative("B", InitiativeScope::CoSo, 2022, None),
    ];
    assert_eq!(
        check("bang_khen_tinh", DEC, &p).verdict,
        VerdictKind::NeedsReview
    );
    p.initiatives[0].recognized = ymd(2024, 5, 1);
    p.initiatives[1].recognized = ymd(2025, 5, 1);
    assert_eq!(
        check("bang_khen_tinh", DEC, &p).verdict,
        VerdictKind::Eligible
    );
}

#[test]
fn packs_refuse_loose_numbers_and_empty_references() {
    let cat = BUILTIN_CATALOG;
    let head = "[pack]\nid = \"x\"\nname = \"X\"\neffective_from = 2025-07-01\n\n";
    // A fraction where a count of years is expected.
    let fraction = format!(
        "{head}[[award]]\ncode = \"chien_si_thi_dua_tinh\"\nsubjects = [\"individual\"]\nrules = [\n  {{ id = \"r1\", citation = \"c\", text = \"t\", check = {{ kind = \"consecutive_titles\", title = \"chien_si_thi_dua_co_so\", count = 2.5 }} }},\n]\n"
    );
    let e = RuleSet::load(cat, &[("rules/f.toml", &fraction)]).unwrap_err();
    assert_eq!(e.line, 10, "{e}");
    assert!(e.message.contains("số nguyên"), "{e}");
    // A share above 1.
    let share = format!(
        "{head}[[award]]\ncode = \"tap_the_lao_dong_tien_tien\"\nsubjects = [\"collective\"]\nrules = [\n  {{ id = \"r1\", citation = \"c\", text = \"t\", check = {{ kind = \"member_share\", title = \"lao_dong_tien_tien\", min = 70 }} }},\n]\n"
    );
    let e = RuleSet::load(cat, &[("rules/s.toml", &share)]).unwrap_err();
    assert!(e.message.contains("tỷ lệ"), "{e}");
    // meets_award of an award the pack has no rules for.
    let empty = format!(
        "{head}[[award]]\ncode = \"chien_si_thi_dua_co_so\"\nsubjects = [\"individual\"]\nrules = [\n  {{ id = \"r1\", citation = \"c\", text = \"t\", check = {{ kind = \"meets_award\", award = \"lao_dong_tien_tien\" }} }},\n]\n"
    );
    let e = RuleSet::load(cat, &[("rules/m.toml", &empty)]).unwrap_err();
    assert_eq!(e.line, 10, "{e}");
    assert!(e.message.contains("lao_dong_tien_tien"), "{e}");
}

#[test]
fn an_attested_option_decides_any_of() {
    let text = "[pack]\nid = \"x\"\nname = \"X\"\neffective_from = 2025-07-01\n\n[[award]]\ncode = \"giay_khen\"\nsubjects = [\"individual\"]\nrules = [\n  { id = \"r1\", citation = \"c\", text = \"t\", check = { kind = \"any_of\", options = [{ kind = \"rating_in_year\", min = \"htxsnv\" }, { kind = \"attested\", text = \"Đơn vị xác nhận\" }] } },\n]\n";
    let set = RuleSet::load(BUILTIN_CATALOG, &[("rules/a.toml", text)]).unwrap();
    let v = set
        .check(&CheckRequest {
            award: "giay_khen".into(),
            reference_date: ymd(2025, 12, 1),
            subject: person(&[(2025, Good)], &[]),
        })
        .unwrap();
    assert_eq!(v.verdict, VerdictKind::Eligible);
    assert_eq!(v.criteria[0].status, CriterionStatus::Attested);
}

#[test]
fn collective_excellent_has_no_discipline_rule_of_its_own() {
    // DOMAIN.md §3 lists no discipline criterion for Tập thể lao động xuất sắc.
    for p in &set().packs {
        let a = p.award("tap_the_lao_dong_xuat_sac").unwrap();
        assert!(
            a.rules.iter().all(|r| r.check != Check::NoDiscipline {}),
            "{}",
            p.id
        );
    }
}

#[test]
fn the_issue_example_says_what_is_missing_in_words() {
    // The request of docs/eligibility.md: Bằng khen tỉnh in December 2020, ratings only for
    // 2021–2022, nothing since.
    let mut p = person(
        &[(2021, Good), (2022, Excellent)],
        &[(2022, "chien_si_thi_dua_co_so")],
    );
    p.awards = vec![award("bang_khen_tinh", 2020, 12, 20)];
    let v = check("bang_khen_thu_tuong", DEC, &p);
    assert_eq!(v.verdict, VerdictKind::NotEligible);
    assert_eq!(
        v.missing,
        [
            "cần thêm 5 năm liên tục hoàn thành tốt nhiệm vụ trở lên (năm 2024 chưa có xếp loại)",
            "thiếu 3 danh hiệu Chiến sĩ thi đua cơ sở trong chuỗi năm liên tục"
        ]
    );
}

// --- Consecutive titles: yearly titles and cycle titles, under both packs. ---

/// A day in each pack that evaluates 2025.
const PACK_DAYS: [((i32, u8, u8), &str); 2] = [
    ((2025, 6, 15), "luat_06_2022_nd_98_2023"),
    ((2025, 12, 15), "luat_06_2022_nd_152_2025"),
];

/// Checks under a given pack, making sure that pack is the one used.
fn in_pack(code: &str, day: (i32, u8, u8), pack: &str, s: &Subject) -> Verdict {
    let v = check(code, day, s);
    assert_eq!(v.rule_pack.id, pack);
    v
}

fn criterion<'a>(v: &'a Verdict, rule: &str) -> &'a CriterionResult {
    v.criteria
        .iter()
        .find(|c| c.rule == rule)
        .unwrap_or_else(|| panic!("no rule {rule} in {v:#?}"))
}

/// The titles each rule counts, walking `any_of`: (rule id, title, "chain" or "count").
fn title_rules(p: &RulePack) -> Vec<(String, String, &'static str)> {
    fn walk(id: &str, c: &Check, out: &mut Vec<(String, String, &'static str)>) {
        match c {
            Check::ConsecutiveTitles { title, .. } => {
                out.push((id.into(), title.clone(), "chain"));
            }
            Check::Run { including, .. } => {
                for t in including.iter().filter_map(|i| i.title.as_ref()) {
                    out.push((id.into(), t.clone(), "count"));
                }
            }
            Check::AnyOf { options } => options.iter().for_each(|o| walk(id, o, out)),
            _ => {}
        }
    }
    let mut out = vec![];
    for a in &p.awards {
        for r in &a.rules {
            walk(&r.id, &r.check, &mut out);
        }
    }
    out
}

#[test]
fn every_rule_counting_titles_is_known_and_tested_below() {
    // Each of these has a test in this block under both packs; a new one must get one too.
    let cs = "chien_si_thi_dua_co_so";
    let t = "chien_si_thi_dua_tinh";
    let expected: Vec<(String, String, &str)> = [
        ("cstdt.ba_lan_cstdcs", cs, "chain"),
        ("cstdtq.hai_lan_cstdt", t, "chain"),
        ("bkt.thanh_tich", cs, "chain"),
        ("bkttg.nam_nam", cs, "count"),
        ("hcld3.nam_nam", cs, "count"),
        ("hcld2.nam_nam", t, "count"),
    ]
    .iter()
    .map(|(r, t, k)| (r.to_string(), t.to_string(), *k))
    .collect();
    let s = set();
    for p in &s.packs {
        assert_eq!(title_rules(p), expected, "{}", p.id);
    }
    // Only the chain of CSTĐ tỉnh is a chain of cycles.
    assert_eq!(s.catalog.cycle_years(cs), 1);
    assert_eq!(s.catalog.cycle_years(t), 3);
}

#[test]
fn two_consecutive_cstd_tinh_are_two_cycles_apart() {
    let t = "chien_si_thi_dua_tinh";
    let tq = "chien_si_thi_dua_toan_quoc";
    let rule = "cstdtq.hai_lan_cstdt";
    let name = "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh";
    for (day, pack) in PACK_DAYS {
        let with = |years: &[i32]| {
            let titles: Vec<(i32, &str)> = years.iter().map(|y| (*y, t)).collect();
            let mut p = person(&[], &titles);
            let mut i = initiative("SK-Q", InitiativeScope::ToanQuoc, 2025, None);
            i.recognized = ymd(2025, 3, 1);
            p.initiatives = vec![i];
            p
        };
        // 2022 and 2025: two cycles in a row.
        let v = in_pack(tq, day, pack, &with(&[2022, 2025]));
        assert_eq!(v.verdict, VerdictKind::Eligible, "{pack}: {v:#?}");
        let c = criterion(&v, rule);
        assert!(
            c.detail.starts_with(&format!(
                "Cần 2 lần liên tục đạt {name} (mỗi lần một chu kỳ 3 năm) đến năm đề nghị; có 2 lần (2022, 2025)"
            )),
            "{}",
            c.detail
        );
        assert_eq!(c.records, [format!("{name} 2022"), format!("{name} 2025")]);
        // 2024 and 2025 are not two cycles: the one before 2025 is 2022.
        let v = in_pack(tq, day, pack, &with(&[2024, 2025]));
        assert_eq!(v.verdict, VerdictKind::NotEligible, "{pack}");
        let c = criterion(&v, rule);
        assert_eq!(c.status, CriterionStatus::Failed);
        assert!(
            c.detail.contains("có 1 lần (2025)") && c.detail.ends_with("thiếu danh hiệu năm 2022"),
            "{}",
            c.detail
        );
        assert_eq!(v.missing, [format!("thiếu 1 danh hiệu {name} năm 2022")]);
        // Two years apart is not a cycle either.
        let v = in_pack(tq, day, pack, &with(&[2023, 2025]));
        assert_eq!(criterion(&v, rule).status, CriterionStatus::Failed);
        // 2019 and 2022, nothing in 2025: the chain would end with 2024 or 2025; it is stale.
        let v = in_pack(tq, day, pack, &with(&[2019, 2022]));
        assert_eq!(v.verdict, VerdictKind::NotEligible, "{pack}");
        assert_eq!(v.missing, [format!("thiếu 1 danh hiệu {name} năm 2025")]);
        // 2021 and 2024, proposed in 2025 before this year's title: the chain ends last year.
        let v = in_pack(tq, day, pack, &with(&[2021, 2024]));
        assert_eq!(
            criterion(&v, rule).status,
            CriterionStatus::Passed,
            "{pack}"
        );
        // A longer chain still has its last two.
        let v = in_pack(tq, day, pack, &with(&[2019, 2022, 2025]));
        assert_eq!(v.verdict, VerdictKind::Eligible);
        // A CSTĐ toàn quốc received in 2022 used the 2019–2022 pair: 2022 cannot pair again.
        let mut p = with(&[2019, 2022, 2025]);
        p.titles.push(TitleRecord {
            year: 2022,
            code: tq.into(),
        });
        let v = in_pack(tq, day, pack, &p);
        assert_eq!(v.verdict, VerdictKind::NotEligible, "{pack}");
        let c = criterion(&v, rule);
        assert!(
            c.detail.contains("có 1 lần (2025)")
                && c.detail.contains(
                    "chỉ tính từ năm 2023, sau lần được Chiến sĩ thi đua toàn quốc trước"
                ),
            "{}",
            c.detail
        );
        assert_eq!(v.missing, [format!("thiếu 1 danh hiệu {name} năm 2022")]);
    }
    // Later years (the 2025 pack only): 2022 and 2025 still qualify in 2026, before the 2026
    // title, not in 2027.
    let p = person(&[], &[(2022, t), (2025, t)]);
    let v = check(tq, (2026, 12, 1), &p);
    assert_eq!(criterion(&v, rule).status, CriterionStatus::Passed);
    let v = check(tq, (2027, 12, 1), &p);
    assert_eq!(criterion(&v, rule).status, CriterionStatus::Failed);
    assert_eq!(
        v.missing[..2],
        [
            format!("thiếu 1 danh hiệu {name} năm 2024"),
            format!("thiếu 1 danh hiệu {name} năm 2027")
        ]
    );
}

#[test]
fn three_consecutive_cstdcs_are_calendar_years() {
    let cs = "chien_si_thi_dua_co_so";
    let rule = "cstdt.ba_lan_cstdcs";
    for (day, pack) in PACK_DAYS {
        let mut p = person(&[], &[(2023, cs), (2024, cs), (2025, cs)]);
        p.initiatives = vec![initiative("SK-T", InitiativeScope::Tinh, 2024, None)];
        let v = in_pack("chien_si_thi_dua_tinh", day, pack, &p);
        assert_eq!(v.verdict, VerdictKind::Eligible, "{pack}");
        let c = criterion(&v, rule);
        assert_eq!(
            c.detail,
            "Cần 3 năm liên tục đạt Chiến sĩ thi đua cơ sở đến năm đề nghị; có 3 năm (2023–2025)"
        );
        // Three CSTĐCS with a gap are not consecutive.
        p.titles = vec![
            TitleRecord {
                year: 2022,
                code: cs.into(),
            },
            TitleRecord {
                year: 2023,
                code: cs.into(),
            },
            TitleRecord {
                year: 2025,
                code: cs.into(),
            },
        ];
        let v = in_pack("chien_si_thi_dua_tinh", day, pack, &p);
        assert_eq!(criterion(&v, rule).status, CriterionStatus::Failed);
        assert_eq!(
            v.missing,
            ["thiếu 1 danh hiệu Chiến sĩ thi đua cơ sở năm 2024"]
        );
    }
}

#[test]
fn two_consecutive_cstdcs_for_bang_khen_tinh_are_calendar_years() {
    let cs = "chien_si_thi_dua_co_so";
    for (day, pack) in PACK_DAYS {
        let v = in_pack(
            "bang_khen_tinh",
            day,
            pack,
            &person(&[], &[(2024, cs), (2025, cs)]),
        );
        assert_eq!(v.verdict, VerdictKind::Eligible, "{pack}");
        assert!(
            criterion(&v, "bkt.thanh_tich")
                .detail
                .contains("Cần 2 năm liên tục đạt Chiến sĩ thi đua cơ sở")
        );
        // 2023 and 2025: not consecutive; the manual alternatives remain for a person.
        let v = in_pack(
            "bang_khen_tinh",
            day,
            pack,
            &person(&[], &[(2023, cs), (2025, cs)]),
        );
        assert_eq!(v.verdict, VerdictKind::NeedsReview, "{pack}");
        assert_eq!(
            v.missing,
            ["thiếu 1 danh hiệu Chiến sĩ thi đua cơ sở năm 2024"]
        );
    }
}

#[test]
fn titles_inside_a_run_are_counted_not_chained() {
    let t = "chien_si_thi_dua_tinh";
    for (day, pack) in PACK_DAYS {
        // Bằng khen Thủ tướng and HCLĐ hạng Ba: 3 CSTĐCS anywhere in the run (2021, 2023, 2025).
        let mut p = bk_tinh_2019();
        let v = in_pack("bang_khen_thu_tuong", day, pack, &p);
        assert_eq!(v.verdict, VerdictKind::Eligible, "{pack}: {v:#?}");
        assert!(
            criterion(&v, "bkttg.nam_nam")
                .detail
                .contains("trong đó 3 danh hiệu Chiến sĩ thi đua cơ sở (cần 3)")
        );
        p.awards.push(award("bang_khen_thu_tuong", 2019, 12, 30));
        let v = in_pack("huan_chuong_lao_dong_hang_ba", day, pack, &p);
        assert_eq!(v.verdict, VerdictKind::Eligible, "{pack}");
        p.titles.retain(|x| x.year != 2023);
        let v = in_pack("huan_chuong_lao_dong_hang_ba", day, pack, &p);
        assert_eq!(v.verdict, VerdictKind::NotEligible, "{pack}");
        assert!(
            v.missing.contains(
                &"thiếu 1 danh hiệu Chiến sĩ thi đua cơ sở trong giai đoạn 2020–2025".to_string()
            ),
            "{:?}",
            v.missing
        );
        // HCLĐ hạng Nhì: one CSTĐ tỉnh in the run is enough, with no second cycle before it.
        let mut p = bk_tinh_2019();
        p.awards
            .push(award("huan_chuong_lao_dong_hang_ba", 2019, 12, 31));
        p.titles.push(TitleRecord {
            year: 2021,
            code: t.into(),
        });
        let v = in_pack("huan_chuong_lao_dong_hang_nhi", day, pack, &p);
        assert_eq!(v.verdict, VerdictKind::Eligible, "{pack}: {v:#?}");
        // A CSTĐ tỉnh of the Order's own year is before the run and does not count.
        p.titles.retain(|x| x.code != t);
        p.titles.push(TitleRecord {
            year: 2019,
            code: t.into(),
        });
        let v = in_pack("huan_chuong_lao_dong_hang_nhi", day, pack, &p);
        assert_eq!(v.verdict, VerdictKind::NotEligible, "{pack}");
        assert!(
            v.missing.iter().any(|m| m.contains(
                "thiếu 1 danh hiệu Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh trong giai đoạn 2020–2025"
            )),
            "{:?}",
            v.missing
        );
    }
}

// --- Individual discipline and absence (LĐTT, inherited by CSTĐ cơ sở). ---

fn rated(rating: TaskRating, absent_days: Option<u32>, discipline: Option<Discipline>) -> Subject {
    let mut p = person(&[(2024, Good), (2025, rating)], &[]);
    let r = p.ratings.iter_mut().find(|r| r.year == 2025).unwrap();
    r.absent_days = absent_days;
    r.discipline = discipline;
    p
}

use crate::person::Discipline;

#[test]
fn lao_dong_tien_tien_refuses_discipline_in_the_year() {
    for (day, pack) in PACK_DAYS {
        let v = in_pack("lao_dong_tien_tien", day, pack, &rated(Good, None, None));
        assert_eq!(v.verdict, VerdictKind::Eligible, "{pack}");
        let c = criterion(&v, "ldtt.ky_luat");
        assert_eq!(c.status, CriterionStatus::Passed);
        assert_eq!(c.detail, "Không có thông tin kỷ luật trong năm 2025");
        assert!(c.citation.contains("(cần kiểm tra)"), "{}", c.citation);
        for d in Discipline::ALL {
            let v = in_pack(
                "lao_dong_tien_tien",
                day,
                pack,
                &rated(Good, None, Some(*d)),
            );
            assert_eq!(v.verdict, VerdictKind::NotEligible, "{pack} {d}");
            let c = criterion(&v, "ldtt.ky_luat");
            assert_eq!(c.status, CriterionStatus::Failed);
            assert_eq!(c.detail, format!("Bị kỷ luật «{}» năm 2025", d.label()));
            assert_eq!(c.records, [format!("2025: {}", d.code())]);
            assert_eq!(v.missing, [format!("bị kỷ luật «{}» năm 2025", d.label())]);
        }
        let v = in_pack(
            "lao_dong_tien_tien",
            day,
            pack,
            &rated(Good, None, Some(Discipline::Reprimand)),
        );
        assert_eq!(
            criterion(&v, "ldtt.ky_luat").detail,
            "Bị kỷ luật «Khiển trách» năm 2025"
        );
        // Last year's discipline is not this year's.
        let mut p = rated(Good, None, None);
        p.ratings[0].discipline = Some(Discipline::Warning);
        assert_eq!(
            in_pack("lao_dong_tien_tien", day, pack, &p).verdict,
            VerdictKind::Eligible
        );
    }
}

#[test]
fn lao_dong_tien_tien_limits_absence() {
    for (day, pack) in PACK_DAYS {
        let s = set();
        let setting =
            &s.packs.iter().find(|p| p.id == pack).unwrap().settings["ldtt_so_ngay_nghi_toi_da"];
        assert_eq!(setting.value, 40.0);
        assert!(setting.to_verify && setting.note.contains("thai sản"));
        // The boundary: 40 days pass, 41 do not.
        let v = in_pack(
            "lao_dong_tien_tien",
            day,
            pack,
            &rated(Good, Some(40), None),
        );
        assert_eq!(v.verdict, VerdictKind::Eligible, "{pack}");
        let c = criterion(&v, "ldtt.ngay_nghi");
        assert_eq!(c.detail, "Năm 2025 nghỉ 40 ngày làm việc; tối đa 40 ngày");
        assert_eq!(c.records, ["2025: nghỉ 40 ngày"]);
        let v = in_pack(
            "lao_dong_tien_tien",
            day,
            pack,
            &rated(Good, Some(41), None),
        );
        assert_eq!(v.verdict, VerdictKind::NotEligible, "{pack}");
        assert_eq!(
            criterion(&v, "ldtt.ngay_nghi").status,
            CriterionStatus::Failed
        );
        assert_eq!(v.missing, ["năm 2025 nghỉ 41 ngày làm việc, quá 40 ngày"]);
        // Not reported: passes, and says so.
        let v = in_pack("lao_dong_tien_tien", day, pack, &rated(Good, None, None));
        let c = criterion(&v, "ldtt.ngay_nghi");
        assert_eq!(c.status, CriterionStatus::Passed);
        assert_eq!(
            c.detail,
            "Chưa báo cáo số ngày nghỉ năm 2025; tối đa 40 ngày làm việc"
        );
        // Last year's absence is not this year's.
        let mut p = rated(Good, Some(0), None);
        p.ratings[0].absent_days = Some(100);
        assert_eq!(
            in_pack("lao_dong_tien_tien", day, pack, &p).verdict,
            VerdictKind::Eligible
        );
    }
}

#[test]
fn chien_si_thi_dua_co_so_inherits_discipline_and_absence() {
    for (day, pack) in PACK_DAYS {
        let code = "chien_si_thi_dua_co_so";
        assert_eq!(
            in_pack(code, day, pack, &rated(Excellent, Some(10), None)).verdict,
            VerdictKind::Eligible
        );
        let v = in_pack(
            code,
            day,
            pack,
            &rated(Excellent, None, Some(Discipline::Warning)),
        );
        assert_eq!(v.verdict, VerdictKind::NotEligible, "{pack}");
        assert_eq!(v.missing, ["bị kỷ luật «Cảnh cáo» năm 2025"]);
        let v = in_pack(code, day, pack, &rated(Excellent, Some(45), None));
        assert_eq!(v.verdict, VerdictKind::NotEligible, "{pack}");
        assert_eq!(v.missing, ["năm 2025 nghỉ 45 ngày làm việc, quá 40 ngày"]);
    }
}

#[test]
fn rating_records_read_discipline_and_absence_from_json() {
    let s: Subject = serde_json::from_str(
        r#"{"kind": "individual", "ratings": [
            {"year": 2024, "rating": "httnv"},
            {"year": 2025, "rating": "htxsnv", "absent_days": 12, "discipline": "canh_cao"}]}"#,
    )
    .unwrap();
    assert_eq!(
        (s.ratings[0].absent_days, s.ratings[0].discipline),
        (None, None)
    );
    assert_eq!(
        (s.ratings[1].absent_days, s.ratings[1].discipline),
        (Some(12), Some(Discipline::Warning))
    );
    let e = serde_json::from_str::<Subject>(
        r#"{"kind": "individual", "ratings": [{"year": 2025, "rating": "httnv", "discipline": "phe_binh"}]}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("phe_binh"), "{e}");
    assert_eq!(
        Discipline::label_of("buoc_thoi_viec"),
        Some("Buộc thôi việc")
    );
    assert_eq!(Discipline::ALL.len(), 6);
}

#[test]
fn packs_refuse_misused_absence_and_member_checks() {
    let cat = BUILTIN_CATALOG;
    let head = "[pack]\nid = \"x\"\nname = \"X\"\neffective_from = 2025-07-01\n\n[settings.ngay]\nvalue = 40\nnote = \"n\"\n\n";
    let pack = |code: &str, subjects: &str, check: &str| {
        format!(
            "{head}[[award]]\ncode = \"{code}\"\nsubjects = [{subjects}]\nrules = [\n  {{ id = \"r1\", citation = \"c\", text = \"t\", check = {check} }},\n]\n"
        )
    };
    // Accepted: max_absence and no_discipline for individuals, no_discipline for both.
    let ok = pack(
        "lao_dong_tien_tien",
        "\"individual\"",
        "{ kind = \"max_absence\", days = \"$ngay\" }",
    );
    RuleSet::load(cat, &[("rules/ok.toml", &ok)]).unwrap();
    let ok = pack(
        "giay_khen",
        "\"individual\", \"collective\"",
        "{ kind = \"no_discipline\" }",
    );
    RuleSet::load(cat, &[("rules/ok.toml", &ok)]).unwrap();
    // Refused, each on the rule's line (14).
    let cases = [
        (
            pack(
                "tap_the_lao_dong_tien_tien",
                "\"collective\"",
                "{ kind = \"max_absence\", days = 40 }",
            ),
            "«max_absence» chỉ dùng cho cá nhân",
        ),
        (
            pack(
                "giay_khen",
                "\"individual\", \"collective\"",
                "{ kind = \"any_of\", options = [{ kind = \"max_absence\", days = 40 }] }",
            ),
            "«max_absence» chỉ dùng cho cá nhân",
        ),
        (
            pack(
                "lao_dong_tien_tien",
                "\"individual\"",
                "{ kind = \"member_share\", title = \"lao_dong_tien_tien\", min = 0.7 }",
            ),
            "«member_share» chỉ dùng cho tập thể",
        ),
        (
            pack(
                "lao_dong_tien_tien",
                "\"individual\"",
                "{ kind = \"member_count\", title = \"lao_dong_tien_tien\", count = 1 }",
            ),
            "«member_count» chỉ dùng cho tập thể",
        ),
        (
            pack(
                "lao_dong_tien_tien",
                "\"individual\"",
                "{ kind = \"max_absence\", days = 40.5 }",
            ),
            "số ngày phải là số nguyên từ 0 đến 366",
        ),
        (
            pack(
                "lao_dong_tien_tien",
                "\"individual\"",
                "{ kind = \"max_absence\", days = 400 }",
            ),
            "số ngày phải là số nguyên từ 0 đến 366",
        ),
        (
            pack(
                "lao_dong_tien_tien",
                "\"individual\"",
                "{ kind = \"max_absence\", days = \"$khong_co\" }",
            ),
            "$khong_co",
        ),
    ];
    for (text, want) in &cases {
        let e = RuleSet::load(cat, &[("rules/bad.toml", text)]).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("rules/bad.toml", 14), "{e}");
        assert!(e.message.contains(want), "{e}");
    }
    // Malformed checks are refused by the parser, also on the rule's line.
    for check in [
        "{ kind = \"max_absence\" }",
        "{ kind = \"max_absence\", days = 40, ngay = 1 }",
        "{ kind = \"no_discipline\", days = 40 }",
    ] {
        let text = pack("lao_dong_tien_tien", "\"individual\"", check);
        let e = RuleSet::load(cat, &[("rules/bad.toml", &text)]).unwrap_err();
        assert_eq!(e.line, 14, "{check}: {e}");
    }
}
