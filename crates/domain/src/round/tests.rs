//! Round settings: the shipped file, refused files with their line, due dates per depth, powers
//! per unit kind, when a selection needs a reason, limit warnings and lateness.

use std::collections::BTreeMap;

use super::*;
use crate::dates::ymd;
use crate::eligibility::BUILTIN_CATALOG;

fn catalog() -> Catalog {
    Catalog::parse(BUILTIN_CATALOG.0, BUILTIN_CATALOG.1).unwrap()
}

fn parse(text: &str) -> Result<RoundSettings, PackError> {
    RoundSettings::parse("rules/round.toml", text, &catalog())
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn the_shipped_file_parses() {
    let r = RoundSettings::builtin();
    assert_eq!(r, parse(BUILTIN).unwrap());
    assert_eq!(
        r.deadlines,
        [
            LevelDeadline {
                depth: 1,
                month: 12,
                day: 15,
                year_after: false
            },
            LevelDeadline {
                depth: 2,
                month: 12,
                day: 5,
                year_after: false
            },
        ]
    );
    assert_eq!(
        r.individual,
        [
            "lao_dong_tien_tien",
            "chien_si_thi_dua_co_so",
            "chien_si_thi_dua_tinh",
            "bang_khen_tinh"
        ]
    );
    assert_eq!(
        r.collective,
        ["tap_the_lao_dong_tien_tien", "tap_the_lao_dong_xuat_sac"]
    );
    assert_eq!(r.limits.len(), 1);
    let l = &r.limits[0];
    assert_eq!(
        (l.award.as_str(), l.of.as_str(), l.max_share, l.to_verify),
        ("chien_si_thi_dua_co_so", "lao_dong_tien_tien", 0.15, true)
    );
    assert!(l.note.contains("91/2017"), "{}", l.note);
    assert!(
        r.powers
            .iter()
            .all(|p| p.basis.contains("Luật 06/2022/QH15"))
    );
    assert!(r.powers[0].basis.contains("129/2025/NĐ-CP"));
}

#[test]
fn bad_files_are_refused_with_file_and_line() {
    let cases = [
        // An unknown award, in grants, candidates and limits.
        (
            BUILTIN.replacen("\"giay_khen\"]", "\"giay_khen_x\"]", 1),
            "\"giay_khen_x\"",
            "«giay_khen_x» không có trong danh mục",
        ),
        (
            BUILTIN.replacen(
                "collective = [\"tap_the_lao_dong_tien_tien\"",
                "collective = [\"tap_the_khong_co\"",
                1,
            ),
            "tap_the_khong_co",
            "«tap_the_khong_co» không có trong danh mục",
        ),
        (
            BUILTIN.replacen("of = \"lao_dong_tien_tien\"", "of = \"ldtt\"", 1),
            "of = \"ldtt\"",
            "«ldtt» không có trong danh mục",
        ),
        // …also inside a list written over several lines.
        (
            BUILTIN.replacen("\"co_thi_dua_tinh\",\n]", "\"co_thi_dua_x\",\n]", 1),
            "\"co_thi_dua_x\"",
            "«co_thi_dua_x» không có trong danh mục",
        ),
        // A bad date.
        (
            BUILTIN.replacen("date = \"12-05\"", "date = \"13-40\"", 1),
            "\"13-40\"",
            "ngày «13-40» không hợp lệ",
        ),
        (
            BUILTIN.replacen("date = \"12-05\"", "date = \"02-29\"", 1),
            "\"02-29\"",
            "ngày «02-29» không hợp lệ",
        ),
        // An unknown unit kind.
        (
            BUILTIN.replacen("\"truong_hoc\"", "\"truong_dai_hoc\"", 1),
            "\"truong_dai_hoc\"",
            "«truong_dai_hoc»",
        ),
        // A kind given two powers, reported where it is repeated.
        (
            BUILTIN.replacen("kinds = [\"tinh\"", "kinds = [\"xa\", \"tinh\"", 1),
            "kinds = [\"xa\", \"tinh\"",
            "«xa» có trong hai danh sách",
        ),
        // A candidate the catalog does not give to that kind of subject.
        (
            BUILTIN.replacen(
                "collective = [\"tap_the_lao_dong_tien_tien\"",
                "collective = [\"lao_dong_tien_tien\"",
                1,
            ),
            "collective = [\"lao_dong_tien_tien\"",
            "«lao_dong_tien_tien» không xét cho tập thể",
        ),
        // Depths: 0, and twice the same.
        (
            BUILTIN.replacen("depth = 2", "depth = 0", 1),
            "depth = 0",
            "depth phải từ 1",
        ),
        (
            BUILTIN.replacen("depth = 2", "depth = 1", 1),
            "date = \"12-05\"",
            "cấp 1 khai báo hai lần",
        ),
        // A share above 1.
        (
            BUILTIN.replacen("max_share = 0.15", "max_share = 15", 1),
            "max_share = 15",
            "max_share phải từ 0 đến 1",
        ),
        // A key the file does not know.
        (
            BUILTIN.replacen("year_after = false", "nam_sau = false", 1),
            "nam_sau",
            "nam_sau",
        ),
    ];
    for (text, at, want) in cases {
        let e = parse(&text).unwrap_err();
        assert_eq!(e.file, "rules/round.toml");
        // The duplicate depth is reported on its `depth` line, the one before its date.
        let line = if want.contains("hai lần") && want.contains("cấp") {
            line_of(&text, at) - 1
        } else {
            line_of(&text, at)
        };
        assert_eq!(e.line, line, "{want}: {e}");
        assert!(e.message.contains(want), "{want}: {e}");
    }
    // The unknown kind's message lists the valid ones, in Vietnamese.
    let e = parse(&BUILTIN.replacen("\"truong_hoc\"", "\"truong_dai_hoc\"", 1)).unwrap_err();
    assert!(
        e.message.contains("Loại đơn vị") && e.message.contains("so_nganh"),
        "{e}"
    );
}

#[test]
fn deadline_per_depth() {
    let r = RoundSettings::builtin();
    // Direct children of the authority: 15 December; deeper ones: 5 December, at any depth.
    assert_eq!(r.deadline(2025, 1), ymd(2025, 12, 15));
    assert_eq!(r.deadline(2025, 2), ymd(2025, 12, 5));
    assert_eq!(r.deadline(2025, 5), ymd(2025, 12, 5));
    // Shallower than every listed level: the default.
    assert_eq!(r.deadline(2025, 0), ymd(2025, 12, 15));
    // `year_after` moves a date into the next year; a gap in depths takes the level above.
    let text = BUILTIN
        .replacen(
            "depth = 2\ndate = \"12-05\"",
            "depth = 3\ndate = \"01-10\"",
            1,
        )
        .replacen(
            "date = \"01-10\"      # deeper units send to their parent first, by 5 December, so it can consolidate (cần kiểm tra)\nyear_after = false",
            "date = \"01-10\"\nyear_after = true",
            1,
        );
    let r = parse(&text).unwrap();
    assert_eq!(r.deadlines[1].depth, 3);
    assert!(r.deadlines[1].year_after, "{text}");
    assert_eq!(r.deadline(2025, 1), ymd(2025, 12, 15));
    assert_eq!(r.deadline(2025, 2), ymd(2025, 12, 15));
    assert_eq!(r.deadline(2025, 3), ymd(2026, 1, 10));
    assert_eq!(r.deadline(2025, 9), ymd(2026, 1, 10));
    // The default may be in the next year too.
    let text = BUILTIN.replacen(
        "[default_deadline]\ndate = \"12-15\"      # same as depth 1 (cần kiểm tra)\nyear_after = false",
        "[default_deadline]\ndate = \"01-05\"\nyear_after = true",
        1,
    );
    assert_eq!(parse(&text).unwrap().deadline(2025, 0), ymd(2026, 1, 5));
}

#[test]
fn grants_per_unit_kind() {
    let r = RoundSettings::builtin();
    let base = [
        "lao_dong_tien_tien",
        "chien_si_thi_dua_co_so",
        "tap_the_lao_dong_tien_tien",
        "giay_khen",
    ];
    for k in [
        UnitKind::Department,
        UnitKind::Agency,
        UnitKind::Commune,
        UnitKind::Ward,
        UnitKind::Enterprise,
        UnitKind::School,
        UnitKind::Other,
    ] {
        assert_eq!(r.grants(k), base, "{k}");
        assert!(r.may_grant(k, "giay_khen"));
        assert!(!r.may_grant(k, "chien_si_thi_dua_tinh"), "{k}");
        assert!(!r.may_grant(k, "bang_khen_tinh"), "{k}");
    }
    for k in [UnitKind::Province, UnitKind::City] {
        for a in base.iter().chain(&[
            "chien_si_thi_dua_tinh",
            "bang_khen_tinh",
            "tap_the_lao_dong_xuat_sac",
            "co_thi_dua_tinh",
        ]) {
            assert!(r.may_grant(k, a), "{k} {a}");
        }
        assert_eq!(r.grants(k).len(), 8);
        assert!(!r.may_grant(k, "bang_khen_thu_tuong"));
    }
    // The abolished district level and the nation grant nothing in the round.
    for k in [
        UnitKind::District,
        UnitKind::Town,
        UnitKind::ProvincialCity,
        UnitKind::Nation,
    ] {
        assert!(r.grants(k).is_empty(), "{k}");
        assert!(!r.may_grant(k, "lao_dong_tien_tien"));
    }
    // Every kind is in at most one list, and every unit kind was considered.
    let listed: usize = r.powers.iter().map(|p| p.kinds.len()).sum();
    assert_eq!(listed + 4, UnitKind::ALL.len());
}

#[test]
fn a_reason_is_needed_only_against_the_verdict() {
    let table = [
        (VerdictKind::Eligible, true, false),
        (VerdictKind::Eligible, false, true),
        (VerdictKind::NotEligible, true, true),
        (VerdictKind::NotEligible, false, false),
        (VerdictKind::NeedsReview, true, false),
        (VerdictKind::NeedsReview, false, false),
    ];
    for (verdict, selected, want) in table {
        assert_eq!(
            needs_reason(verdict, selected),
            want,
            "{verdict} {selected}"
        );
    }
}

fn counts(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn name(code: &str) -> String {
    catalog()
        .get(code)
        .map(|a| a.name.clone())
        .unwrap_or(code.into())
}

#[test]
fn limits_warn_when_exceeded() {
    let limits = RoundSettings::builtin().limits;
    let cs = "chien_si_thi_dua_co_so";
    let ld = "lao_dong_tien_tien";
    // 20 of 100: over 15%.
    let w = limit_warnings(&limits, &counts(&[(cs, 20), (ld, 100)]), name);
    assert_eq!(
        w,
        [LimitWarning {
            award: cs.into(),
            of: ld.into(),
            count: 20,
            of_count: 100,
            max: 15,
            text: "Chiến sĩ thi đua cơ sở: 20 người, vượt 15% số Lao động tiên tiến (tối đa 15/100) — cần kiểm tra".into(),
            to_verify: true,
        }]
    );
    // 15 of 100 is the limit itself; 16 is over.
    assert!(limit_warnings(&limits, &counts(&[(cs, 15), (ld, 100)]), name).is_empty());
    assert_eq!(
        limit_warnings(&limits, &counts(&[(cs, 16), (ld, 100)]), name)[0].max,
        15
    );
    // 1 of 10: 15% of 10 is 1.5, so at most 1; 2 is over.
    assert!(limit_warnings(&limits, &counts(&[(cs, 1), (ld, 10)]), name).is_empty());
    assert_eq!(
        limit_warnings(&limits, &counts(&[(cs, 2), (ld, 10)]), name)[0].text,
        "Chiến sĩ thi đua cơ sở: 2 người, vượt 15% số Lao động tiên tiến (tối đa 1/10) — cần kiểm tra"
    );
    // No LĐTT selected, one CSTĐCS: warns.
    let w = limit_warnings(&limits, &counts(&[(cs, 1)]), name);
    assert_eq!((w.len(), w[0].max, w[0].of_count), (1, 0, 0));
    assert!(w[0].text.contains("(tối đa 0/0)"), "{}", w[0].text);
    // Nothing selected: nothing to warn about.
    assert!(limit_warnings(&limits, &BTreeMap::new(), name).is_empty());
    // A confirmed limit has no "cần kiểm tra"; a fractional percentage uses a decimal comma;
    // 0.29 × 100 counts as 29, not 28.
    let l = Limit {
        award: cs.into(),
        of: ld.into(),
        max_share: 0.125,
        note: String::new(),
        to_verify: false,
    };
    let w = limit_warnings(std::slice::from_ref(&l), &counts(&[(cs, 2), (ld, 8)]), name);
    assert_eq!(
        w[0].text,
        "Chiến sĩ thi đua cơ sở: 2 người, vượt 12,5% số Lao động tiên tiến (tối đa 1/8)"
    );
    let l = Limit {
        max_share: 0.29,
        ..l
    };
    assert!(limit_warnings(&[l], &counts(&[(cs, 29), (ld, 100)]), name).is_empty());
}

#[test]
fn overdue_until_decided_or_sent_up() {
    let due = ymd(2025, 12, 15);
    for p in [
        RoundProgress::NotStarted,
        RoundProgress::Rating,
        RoundProgress::Voting,
    ] {
        assert!(
            !p.overdue(due, ymd(2025, 12, 15)),
            "{p}: the due day itself is on time"
        );
        assert!(p.overdue(due, ymd(2025, 12, 16)), "{p}");
    }
    for p in [RoundProgress::Decided, RoundProgress::SentUp] {
        assert!(!p.overdue(due, ymd(2026, 1, 31)), "{p}");
    }
    assert_eq!(RoundProgress::Voting.code(), "dang_bo_phieu");
    assert_eq!(RoundProgress::SentUp.label(), "Đã gửi cấp trên");
    assert_eq!(RoundProgress::WHAT, "Tiến độ bình xét");
}
