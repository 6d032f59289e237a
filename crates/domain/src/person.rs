//! People (cá nhân): the master record every dossier and award will refer to.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::Invalid;

code_enum!(Gender, "Giới tính" {
    Male = "nam", "Nam";
    Female = "nu", "Nữ";
});

code_enum!(
    /// Yearly task rating of a civil servant (xếp loại chất lượng).
    TaskRating, "Mức xếp loại" {
        Excellent = "htxsnv", "Hoàn thành xuất sắc nhiệm vụ";
        Good = "httnv", "Hoàn thành tốt nhiệm vụ";
        Completed = "htnv", "Hoàn thành nhiệm vụ";
        NotCompleted = "khtnv", "Không hoàn thành nhiệm vụ";
    }
);

code_enum!(
    /// Disciplinary measure a civil servant or public employee received in a year (the forms of
    /// both statutes, mildest first). Any of them, "khiển trách trở lên", bars the yearly titles.
    Discipline, "Hình thức kỷ luật" {
        Reprimand = "khien_trach", "Khiển trách";
        Warning = "canh_cao", "Cảnh cáo";
        PayGradeCut = "ha_bac_luong", "Hạ bậc lương";
        Demotion = "giang_chuc", "Giáng chức";
        RemovalFromPost = "cach_chuc", "Cách chức";
        Dismissal = "buoc_thoi_viec", "Buộc thôi việc";
    }
);

/// A full name: tidied (NFC, single spaces), 2 to 128 characters, letters, spaces and a few
/// marks only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullName(String);

impl FullName {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = crate::text::tidy(s);
        let n = s.chars().count();
        if !(2..=128).contains(&n) {
            return Err(Invalid::new("ho_ten", "Họ tên phải có từ 2 đến 128 ký tự"));
        }
        if let Some(bad) = s
            .chars()
            .find(|c| !(c.is_alphabetic() || *c == ' ' || *c == '-' || *c == '\''))
        {
            return Err(Invalid::new(
                "ho_ten",
                format!("Họ tên có ký tự không hợp lệ «{bad}»"),
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Date of birth, or only the year when that is all the records say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Birth {
    Date(Date),
    Year(i32),
}

impl Birth {
    /// `YYYY-MM-DD` or `YYYY`.
    pub fn parse(s: &str, today: Date) -> Result<Self, Invalid> {
        let s = s.trim();
        let birth = if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            Birth::Year(s.parse().expect("four digits"))
        } else {
            Birth::Date(crate::dates::parse_iso("ngay_sinh", s)?)
        };
        let y = birth.year();
        if y < 1900 || y > today.year() {
            return Err(Invalid::new(
                "ngay_sinh",
                format!("Năm sinh {y} nằm ngoài khoảng 1900–{}", today.year()),
            ));
        }
        if let Birth::Date(d) = birth
            && d > today
        {
            return Err(Invalid::new("ngay_sinh", "Ngày sinh ở tương lai"));
        }
        Ok(birth)
    }

    pub fn year(self) -> i32 {
        match self {
            Birth::Date(d) => d.year(),
            Birth::Year(y) => y,
        }
    }

    /// As it goes into files and the API.
    pub fn iso(self) -> String {
        match self {
            Birth::Date(d) => crate::dates::iso(d),
            Birth::Year(y) => format!("{y:04}"),
        }
    }

    /// As it is shown on screen.
    pub fn vn(self) -> String {
        match self {
            Birth::Date(d) => crate::dates::vn(d),
            Birth::Year(y) => format!("{y}"),
        }
    }
}

/// Citizen identity card number (CCCD): 12 digits. The fourth digit encodes sex and century
/// (0/1 for men/women born 1900–1999, 2/3 for 2000–2099, …) and the fifth and sixth the last two
/// digits of the birth year; when gender and birth year are known they must agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cccd(String);

impl Cccd {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                "cccd",
                format!("Số CCCD phải gồm đúng 12 chữ số; đã nhập «{s}»"),
            ));
        }
        Ok(Self(s))
    }

    /// Checks the sex/century digit and the year digits against what the record says.
    pub fn check_against(&self, gender: Gender, birth: Option<Birth>) -> Result<(), Invalid> {
        let b = self.0.as_bytes();
        let code = (b[3] - b'0') as i32;
        let century = 1900 + (code / 2) * 100;
        let female = code % 2 == 1;
        if female != (gender == Gender::Female) {
            return Err(Invalid::new(
                "cccd",
                "Chữ số thứ 4 của CCCD không khớp giới tính đã nhập",
            ));
        }
        if let Some(birth) = birth {
            let yy = ((b[4] - b'0') * 10 + (b[5] - b'0')) as i32;
            if century + yy != birth.year() {
                return Err(Invalid::new(
                    "cccd",
                    format!(
                        "CCCD ghi năm sinh {}, không khớp năm sinh {} đã nhập",
                        century + yy,
                        birth.year()
                    ),
                ));
            }
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A year for ratings and titles: 1945 (the first emulation movement) to next year.
pub fn parse_year(field: &str, y: i32, today: Date) -> Result<i32, Invalid> {
    if (1945..=today.year() + 1).contains(&y) {
        Ok(y)
    } else {
        Err(Invalid::new(
            field,
            format!("Năm {y} nằm ngoài khoảng 1945–{}", today.year() + 1),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::ymd;

    fn today() -> Date {
        ymd(2026, 11, 23)
    }

    #[test]
    fn names() {
        assert_eq!(
            FullName::parse("  nguyễn  Văn Đức ").unwrap().as_str(),
            "nguyễn Văn Đức"
        );
        assert!(FullName::parse("A").is_err());
        assert!(
            FullName::parse("Nguyễn Văn 2")
                .unwrap_err()
                .message
                .contains("«2»")
        );
    }

    #[test]
    fn births() {
        assert_eq!(Birth::parse("1980", today()).unwrap(), Birth::Year(1980));
        assert_eq!(
            Birth::parse("1980-02-29", today()).unwrap(),
            Birth::Date(ymd(1980, 2, 29))
        );
        assert!(Birth::parse("1981-02-29", today()).is_err());
        assert!(Birth::parse("1850", today()).is_err());
        assert!(Birth::parse("2026-12-01", today()).is_err());
        assert_eq!(Birth::Date(ymd(1980, 2, 9)).vn(), "09/02/1980");
    }

    #[test]
    fn cccd_digits_and_consistency() {
        let c = Cccd::parse("001 085 012345").unwrap();
        assert_eq!(c.as_str(), "001085012345");
        assert!(
            c.check_against(Gender::Male, Some(Birth::Year(1985)))
                .is_ok()
        );
        assert!(c.check_against(Gender::Female, None).is_err());
        assert!(
            c.check_against(Gender::Male, Some(Birth::Year(1986)))
                .unwrap_err()
                .message
                .contains("1985")
        );
        let f2000 = Cccd::parse("079301000001").unwrap();
        assert!(
            f2000
                .check_against(Gender::Female, Some(Birth::Year(2001)))
                .is_ok()
        );
        assert!(Cccd::parse("12345678901").is_err());
        assert!(Cccd::parse("12345678901a").is_err());
    }

    #[test]
    fn years() {
        assert!(parse_year("nam", 2027, today()).is_ok());
        assert!(parse_year("nam", 2028, today()).is_err());
        assert!(parse_year("nam", 1944, today()).is_err());
    }
}
