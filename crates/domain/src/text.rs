//! Vietnamese text folding. Search keys are computed here, in Rust, so that SQLite and
//! PostgreSQL agree: SQLite's remove_diacritics does not fold `đ`, Postgres' unaccent does.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-case, strip diacritics, fold `đ`/`Đ` to `d`, keep letters and digits, collapse the
/// rest to single spaces. "Nguyễn Văn Đức" and "nguyen  van duc" give "nguyen van duc".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// NFC with runs of white space collapsed: how names are stored, so that the same name typed
/// on two keyboards (composed or decomposed marks) is one string.
pub fn tidy(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_names() {
        assert_eq!(fold("Nguyễn Văn Đức"), "nguyen van duc");
        assert_eq!(fold("  NGUYỄN   văn   đức "), "nguyen van duc");
        assert_eq!(fold("Đắk Lắk"), "dak lak");
        assert_eq!(fold("Bà Rịa - Vũng Tàu"), "ba ria vung tau");
        assert_eq!(fold("Thừa Thiên Huế"), "thua thien hue");
    }

    #[test]
    fn decomposed_input_folds_the_same() {
        let decomposed: String = "Nguyễn Văn Đức".nfd().collect();
        assert_ne!(decomposed, "Nguyễn Văn Đức");
        assert_eq!(fold(&decomposed), "nguyen van duc");
        assert_eq!(tidy(&decomposed), "Nguyễn Văn Đức");
    }

    #[test]
    fn tidy_collapses_space() {
        assert_eq!(tidy("  Lê \t Thị  Hoa "), "Lê Thị Hoa");
    }
}
