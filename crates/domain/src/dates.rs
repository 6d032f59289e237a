//! Dates are ISO 8601 in files and the API, dd/mm/yyyy on screen.

use time::{Date, Month, format_description::BorrowedFormatItem, macros::format_description};

use crate::Invalid;

const ISO: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");
const VN: &[BorrowedFormatItem<'static>] = format_description!("[day]/[month]/[year]");

pub fn parse_iso(field: &str, s: &str) -> Result<Date, Invalid> {
    Date::parse(s.trim(), ISO).map_err(|_| {
        Invalid::new(
            field,
            format!("ngày «{s}» không hợp lệ, cần dạng NNNN-TT-NN (ví dụ 2025-07-01)"),
        )
    })
}

pub fn iso(d: Date) -> String {
    d.format(ISO).expect("ISO date formats")
}

pub fn vn(d: Date) -> String {
    d.format(VN).expect("dd/mm/yyyy formats")
}

pub fn ymd(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).expect("month 1..12"), d).expect("valid date")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let d = parse_iso("ngay", "2025-07-01").unwrap();
        assert_eq!(iso(d), "2025-07-01");
        assert_eq!(vn(d), "01/07/2025");
        let e = parse_iso("ngay_sinh", "01/07/2025").unwrap_err();
        assert_eq!(e.field, "ngay_sinh");
        assert!(e.message.contains("01/07/2025"));
    }
}
