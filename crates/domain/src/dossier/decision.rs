//! The decision's arithmetic and wording: each awardee's bonus (Decree 152), awardees grouped by
//! award, the title, the issuing body's lines and the sentences of the articles. Money is
//! formatted by the documents crate: sentences that show amounts take them preformatted.

use super::procedure::bonus_amount;
use crate::text::tidy;
use crate::unit::UnitKind;

/// Orders (huân chương): collectives receive twice the individual amount (Decree 152).
fn is_order(code: &str) -> bool {
    code.starts_with("huan_chuong")
}

/// One awardee's bonus in đồng: the award's `multiple` of the base salary, doubled for a
/// collective receiving an order, rounded up to `rounding` đồng.
pub fn awardee_bonus(
    multiple: f64,
    collective: bool,
    code: &str,
    base_salary: u64,
    rounding: i64,
) -> i64 {
    let factor = if collective && is_order(code) {
        2.0
    } else {
        1.0
    };
    bonus_amount(multiple * factor, base_salary, rounding)
}

/// The awardees of one award kind with their bonuses.
#[derive(Debug, Clone, PartialEq)]
pub struct AwardGroup<'a, T> {
    pub code: &'a str,
    /// Each awardee with its bonus (đồng), in the order given.
    pub awardees: Vec<(&'a T, i64)>,
    pub subtotal: i64,
}

/// Groups `items` by award code in first-seen order, prices each with `amount`, and returns the
/// groups with the grand total.
pub fn group_awards<'a, T>(
    items: &'a [T],
    code: impl Fn(&'a T) -> &'a str,
    mut amount: impl FnMut(&'a T) -> i64,
) -> (Vec<AwardGroup<'a, T>>, i64) {
    let mut groups: Vec<AwardGroup<'a, T>> = Vec::new();
    for item in items {
        let c = code(item);
        let a = amount(item);
        match groups.iter_mut().find(|g| g.code == c) {
            Some(g) => {
                g.awardees.push((item, a));
                g.subtotal += a;
            }
            None => groups.push(AwardGroup {
                code: c,
                awardees: vec![(item, a)],
                subtotal: a,
            }),
        }
    }
    let total = groups.iter().map(|g| g.subtotal).sum();
    (groups, total)
}

/// The note under an award's group: "mức thưởng 1,5 lần mức lương cơ sở", saying that
/// collectives get twice as much for orders.
pub fn group_note(multiple: f64, code: &str) -> String {
    format!(
        "mức thưởng {} lần mức lương cơ sở{}",
        format!("{multiple}").replace('.', ","),
        if is_order(code) {
            " (tập thể gấp đôi)"
        } else {
            ""
        }
    )
}

/// An award kind of a decision as its title needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TitleAward<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// An emulation title (danh hiệu) rather than a form of commendation.
    pub is_title: bool,
}

/// The decision's title ("Về việc …") from its award kinds in order.
pub fn decision_title(awards: &[TitleAward<'_>]) -> String {
    match awards {
        [a] if a.is_title && !a.code.starts_with("co_thi_dua") => {
            format!("Về việc tặng danh hiệu {}", a.name)
        }
        [a] => format!("Về việc tặng {}", a.name),
        _ => "Về việc khen thưởng".to_string(),
    }
}

/// Issuing body and competence lines of an authority, upper case.
pub fn authority_lines(kind: UnitKind, name: &str) -> (String, String) {
    let upper = name.to_uppercase();
    match kind {
        UnitKind::Province | UnitKind::City => (
            format!("ỦY BAN NHÂN DÂN {upper}"),
            format!("CHỦ TỊCH ỦY BAN NHÂN DÂN {upper}"),
        ),
        UnitKind::Nation => ("THỦ TƯỚNG CHÍNH PHỦ".into(), "THỦ TƯỚNG CHÍNH PHỦ".into()),
        // A commune's decisions are the People's Committee chairman's (Decree 129/2025).
        UnitKind::Commune | UnitKind::Ward => (
            format!("ỦY BAN NHÂN DÂN {upper}"),
            format!("CHỦ TỊCH ỦY BAN NHÂN DÂN {upper}"),
        ),
        UnitKind::Department => (upper.clone(), format!("GIÁM ĐỐC {upper}")),
        _ => (upper.clone(), format!("THỦ TRƯỞNG {upper}")),
    }
}

/// The competent authority inside a sentence ("Chủ tịch Ủy ban nhân dân tỉnh Gia Lai"), for
/// "(Kèm theo Quyết định số … của …)".
pub fn competence_sentence(kind: UnitKind, name: &str) -> String {
    match kind {
        UnitKind::Province | UnitKind::City | UnitKind::Commune | UnitKind::Ward => {
            format!("Chủ tịch Ủy ban nhân dân {}", lower_first(name))
        }
        UnitKind::Nation => "Thủ tướng Chính phủ".into(),
        UnitKind::Department => format!("Giám đốc {name}"),
        _ => format!("Thủ trưởng {name}"),
    }
}

/// The authority as named inside a sentence ("Ủy ban nhân dân tỉnh Gia Lai").
pub fn authority_line_lower(kind: UnitKind, name: &str) -> String {
    match kind {
        UnitKind::Province | UnitKind::City | UnitKind::Commune | UnitKind::Ward => {
            format!("Ủy ban nhân dân {}", lower_first(name))
        }
        _ => name.to_string(),
    }
}

/// "Gia Lai" from "Tỉnh Gia Lai", for the place line of documents.
pub fn place_of(name: &str) -> &str {
    for prefix in [
        "Tỉnh ",
        "Thành phố ",
        "tỉnh ",
        "thành phố ",
        "Xã ",
        "Phường ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest;
        }
    }
    name
}

/// "tỉnh Gia Lai" from "Tỉnh Gia Lai": only the first letter changes.
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The sentence on where bonuses come from; `base_salary` and `rounding` are formatted amounts,
/// `basis` the act that set the base salary.
pub fn bonus_basis(base_salary: &str, basis: &str, rounding: &str) -> String {
    format!(
        "Tiền thưởng theo Nghị định số 152/2025/NĐ-CP; mức lương cơ sở {base_salary} đồng ({basis}), làm tròn lên bội số {rounding} đồng; chi từ Quỹ thi đua, khen thưởng."
    )
}

/// The article on who carries the decision out.
pub fn execution(authority_kind: UnitKind, authority_name: &str, unit_name: &str) -> String {
    format!(
        "Chánh Văn phòng {}, Thủ trưởng {unit_name} và các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        authority_line_lower(authority_kind, authority_name)
    )
}

/// "Xét đề nghị của …": the text given (tidied), or the default naming the proposing unit and
/// the dossier when it is missing or blank.
pub fn proposal(given: Option<&str>, unit_name: &str, dossier_code: &str) -> String {
    given
        .map(tidy)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            format!(
                "Xét đề nghị của {unit_name} (hồ sơ {dossier_code}) và kết quả thẩm định của Ban Thi đua - Khen thưởng."
            )
        })
}

/// The decision's symbol after its number: the configured one for a province or city, the
/// Prime Minister's for the nation, plain "QĐ" otherwise.
pub fn decision_symbol(authority_kind: UnitKind, provincial: &str) -> &str {
    match authority_kind {
        UnitKind::Province | UnitKind::City | UnitKind::Commune | UnitKind::Ward => provincial,
        UnitKind::Nation => "QĐ-TTg",
        _ => "QĐ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: u64 = 2_340_000;

    #[test]
    fn bonuses_double_for_collectives_receiving_orders() {
        // Bằng khen: 1.5 × base, the same for a person and a collective.
        assert_eq!(
            awardee_bonus(1.5, false, "bang_khen_tinh", BASE, 10_000),
            3_510_000
        );
        assert_eq!(
            awardee_bonus(1.5, true, "bang_khen_tinh", BASE, 10_000),
            3_510_000
        );
        // Huân chương Lao động hạng Ba: 4.5 × base for a person, twice for a collective.
        assert_eq!(
            awardee_bonus(4.5, false, "huan_chuong_lao_dong_hang_ba", BASE, 10_000),
            10_530_000
        );
        assert_eq!(
            awardee_bonus(4.5, true, "huan_chuong_lao_dong_hang_ba", BASE, 10_000),
            21_060_000
        );
        // Rounded up: 0.3 × 2 340 000 = 702 000 → 710 000.
        assert_eq!(
            awardee_bonus(0.3, false, "giay_khen", BASE, 10_000),
            710_000
        );
        assert_eq!(awardee_bonus(0.3, false, "giay_khen", BASE, 1), 702_000);
        // 0.15 × 2 = 0.3 for a collective's order, rounded the same way.
        assert_eq!(
            awardee_bonus(0.15, true, "huan_chuong_x", BASE, 10_000),
            710_000
        );
        // An award without a bonus.
        assert_eq!(awardee_bonus(0.0, true, "huan_chuong_x", BASE, 10_000), 0);
    }

    #[test]
    fn groups_keep_first_seen_order_with_subtotals() {
        // (award code, awardee, bonus)
        let items = [
            ("a", "An", 10),
            ("b", "Bình", 5),
            ("a", "Chi", 7),
            ("c", "Dũng", 0),
            ("b", "Em", 1),
        ];
        let (groups, total) = group_awards(&items, |i| i.0, |i| i.2 * 1000);
        type Seen<'a> = (&'a str, Vec<(&'a str, i64)>, i64);
        let seen: Vec<Seen> = groups
            .iter()
            .map(|g| {
                (
                    g.code,
                    g.awardees.iter().map(|(i, a)| (i.1, *a)).collect(),
                    g.subtotal,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("a", vec![("An", 10_000), ("Chi", 7_000)], 17_000),
                ("b", vec![("Bình", 5_000), ("Em", 1_000)], 6_000),
                ("c", vec![("Dũng", 0)], 0),
            ]
        );
        assert_eq!(total, 23_000);
        // The groups borrow the items themselves.
        assert!(std::ptr::eq(groups[0].awardees[1].0, &items[2]));
        let (none, zero) = group_awards(&[] as &[(&str, i64)], |i| i.0, |i| i.1);
        assert!(none.is_empty());
        assert_eq!(zero, 0);
    }

    #[test]
    fn notes_use_a_decimal_comma_and_mention_doubling_for_orders() {
        assert_eq!(
            group_note(1.5, "bang_khen_tinh"),
            "mức thưởng 1,5 lần mức lương cơ sở"
        );
        assert_eq!(
            group_note(4.5, "huan_chuong_lao_dong_hang_ba"),
            "mức thưởng 4,5 lần mức lương cơ sở (tập thể gấp đôi)"
        );
        assert_eq!(
            group_note(3.0, "bang_khen_thu_tuong"),
            "mức thưởng 3 lần mức lương cơ sở"
        );
        assert_eq!(group_note(0.0, "x"), "mức thưởng 0 lần mức lương cơ sở");
    }

    #[test]
    fn titles_name_a_single_award() {
        let csd = TitleAward {
            code: "chien_si_thi_dua_co_so",
            name: "Chiến sĩ thi đua cơ sở",
            is_title: true,
        };
        let flag = TitleAward {
            code: "co_thi_dua_tinh",
            name: "Cờ thi đua cấp tỉnh",
            is_title: true,
        };
        let bk = TitleAward {
            code: "bang_khen_tinh",
            name: "Bằng khen cấp tỉnh",
            is_title: false,
        };
        assert_eq!(
            decision_title(&[csd]),
            "Về việc tặng danh hiệu Chiến sĩ thi đua cơ sở"
        );
        assert_eq!(decision_title(&[flag]), "Về việc tặng Cờ thi đua cấp tỉnh");
        assert_eq!(decision_title(&[bk]), "Về việc tặng Bằng khen cấp tỉnh");
        assert_eq!(decision_title(&[csd, bk]), "Về việc khen thưởng");
        assert_eq!(decision_title(&[]), "Về việc khen thưởng");
    }

    #[test]
    fn authority_lines_by_kind() {
        assert_eq!(
            authority_lines(UnitKind::Province, "Tỉnh Gia Lai"),
            (
                "ỦY BAN NHÂN DÂN TỈNH GIA LAI".to_string(),
                "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI".to_string()
            )
        );
        assert_eq!(
            authority_lines(UnitKind::City, "Thành phố Đà Nẵng"),
            (
                "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG".to_string(),
                "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG".to_string()
            )
        );
        assert_eq!(
            authority_lines(UnitKind::Nation, "Việt Nam"),
            (
                "THỦ TƯỚNG CHÍNH PHỦ".to_string(),
                "THỦ TƯỚNG CHÍNH PHỦ".to_string()
            )
        );
        assert_eq!(
            authority_lines(UnitKind::Department, "Sở Nội vụ"),
            ("SỞ NỘI VỤ".to_string(), "GIÁM ĐỐC SỞ NỘI VỤ".to_string())
        );
        // A commune's decisions are its People's Committee chairman's.
        assert_eq!(
            authority_lines(UnitKind::Commune, "Xã Tân Lập"),
            (
                "ỦY BAN NHÂN DÂN XÃ TÂN LẬP".to_string(),
                "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN LẬP".to_string()
            )
        );
        assert_eq!(
            competence_sentence(UnitKind::Ward, "Phường Ninh Kiều"),
            "Chủ tịch Ủy ban nhân dân phường Ninh Kiều"
        );
        assert_eq!(
            competence_sentence(UnitKind::Department, "Sở Y tế"),
            "Giám đốc Sở Y tế"
        );
        assert_eq!(place_of("Phường Ninh Kiều"), "Ninh Kiều");
        assert_eq!(
            authority_line_lower(UnitKind::Province, "Tỉnh Gia Lai"),
            "Ủy ban nhân dân tỉnh Gia Lai"
        );
        assert_eq!(
            authority_line_lower(UnitKind::City, "Thành phố Đà Nẵng"),
            "Ủy ban nhân dân thành phố Đà Nẵng"
        );
        assert_eq!(
            authority_line_lower(UnitKind::Nation, "Việt Nam"),
            "Việt Nam"
        );
        assert_eq!(
            authority_line_lower(UnitKind::Department, "Sở Nội vụ"),
            "Sở Nội vụ"
        );
    }

    #[test]
    fn places_drop_the_kind_of_province_or_city() {
        assert_eq!(place_of("Tỉnh Gia Lai"), "Gia Lai");
        assert_eq!(place_of("Thành phố Đà Nẵng"), "Đà Nẵng");
        assert_eq!(place_of("tỉnh Gia Lai"), "Gia Lai");
        assert_eq!(place_of("thành phố Huế"), "Huế");
        assert_eq!(place_of("Sở Nội vụ"), "Sở Nội vụ");
        assert_eq!(place_of(""), "");
    }

    #[test]
    fn lower_first_changes_only_the_first_letter() {
        assert_eq!(lower_first("Tỉnh Gia Lai"), "tỉnh Gia Lai");
        assert_eq!(lower_first("Đà Nẵng"), "đà Nẵng");
        assert_eq!(lower_first("Ủy ban"), "ủy ban");
        assert_eq!(lower_first("ĐỨC"), "đỨC");
        assert_eq!(lower_first("sở"), "sở");
        assert_eq!(lower_first(""), "");
    }

    #[test]
    fn sentences_of_the_articles() {
        assert_eq!(
            bonus_basis("2.340.000", "Nghị định số 73/2024/NĐ-CP", "10.000"),
            "Tiền thưởng theo Nghị định số 152/2025/NĐ-CP; mức lương cơ sở 2.340.000 đồng (Nghị định số 73/2024/NĐ-CP), làm tròn lên bội số 10.000 đồng; chi từ Quỹ thi đua, khen thưởng."
        );
        assert_eq!(
            execution(UnitKind::Province, "Tỉnh Gia Lai", "Trường THPT Pleiku"),
            "Chánh Văn phòng Ủy ban nhân dân tỉnh Gia Lai, Thủ trưởng Trường THPT Pleiku và các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này."
        );
        assert_eq!(
            execution(UnitKind::Department, "Sở Nội vụ", "Phòng Tổ chức"),
            "Chánh Văn phòng Sở Nội vụ, Thủ trưởng Phòng Tổ chức và các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này."
        );
        let default = "Xét đề nghị của Trường THPT Pleiku (hồ sơ HS-2026-001) và kết quả thẩm định của Ban Thi đua - Khen thưởng.";
        assert_eq!(proposal(None, "Trường THPT Pleiku", "HS-2026-001"), default);
        assert_eq!(
            proposal(Some("  \n "), "Trường THPT Pleiku", "HS-2026-001"),
            default
        );
        assert_eq!(
            proposal(
                Some("  Xét đề nghị của   Giám đốc Sở Nội vụ. "),
                "Trường THPT Pleiku",
                "HS-2026-001"
            ),
            "Xét đề nghị của Giám đốc Sở Nội vụ."
        );
    }

    #[test]
    fn symbols_by_authority_kind() {
        assert_eq!(decision_symbol(UnitKind::Province, "QĐ-UBND"), "QĐ-UBND");
        assert_eq!(decision_symbol(UnitKind::City, "QĐ-UBND"), "QĐ-UBND");
        assert_eq!(decision_symbol(UnitKind::Nation, "QĐ-UBND"), "QĐ-TTg");
        assert_eq!(decision_symbol(UnitKind::Department, "QĐ-UBND"), "QĐ");
        assert_eq!(decision_symbol(UnitKind::Commune, "QĐ-UBND"), "QĐ-UBND");
        assert_eq!(decision_symbol(UnitKind::School, "QĐ-UBND"), "QĐ");
    }
}
