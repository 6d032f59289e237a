//! Units (đơn vị) and what became of them (lineage).

use serde::{Deserialize, Serialize};

use crate::Invalid;

code_enum!(
    /// Kind of unit. District-level kinds are kept for history: the district level was
    /// abolished on 2025-07-01 (Resolution 202/2025/QH15).
    UnitKind, "Loại đơn vị" {
        Nation = "quoc_gia", "Quốc gia";
        Province = "tinh", "Tỉnh";
        City = "thanh_pho", "Thành phố trực thuộc Trung ương";
        District = "huyen", "Huyện";
        ProvincialCity = "thanh_pho_thuoc_tinh", "Thành phố thuộc tỉnh";
        Town = "thi_xa", "Thị xã";
        Commune = "xa", "Xã";
        Ward = "phuong", "Phường";
        Department = "so_nganh", "Sở, ban, ngành";
        Agency = "co_quan", "Cơ quan";
        Enterprise = "doanh_nghiep", "Doanh nghiệp";
        School = "truong_hoc", "Trường học";
        Other = "khac", "Khác";
    }
);

code_enum!(
    /// What happened to units on a date.
    LineageKind, "Loại biến động" {
        Merge = "sap_nhap", "Sáp nhập";
        Split = "chia_tach", "Chia tách";
        Rename = "doi_ten", "Đổi tên";
        Move = "dieu_chuyen", "Điều chuyển trực thuộc";
    }
);

code_enum!(
    /// Which side of a lineage event a unit stands on (`lineage_links.side`): the units before
    /// it or the units after it.
    LineageSide, "Phía biến động" {
        From = "from", "Đơn vị trước biến động";
        To = "to", "Đơn vị sau biến động";
    }
);

impl LineageKind {
    /// How many units may stand on each side of the event.
    pub fn check_sides(self, from: usize, to: usize) -> Result<(), Invalid> {
        let ok = match self {
            LineageKind::Merge => from >= 2 && to == 1,
            LineageKind::Split => from == 1 && to >= 2,
            LineageKind::Rename | LineageKind::Move => from == 1 && to == 1,
        };
        if ok {
            Ok(())
        } else {
            Err(Invalid::new(
                "don_vi",
                match self {
                    LineageKind::Merge => "Sáp nhập cần ít nhất 2 đơn vị cũ và đúng 1 đơn vị mới",
                    LineageKind::Split => "Chia tách cần đúng 1 đơn vị cũ và ít nhất 2 đơn vị mới",
                    LineageKind::Rename => "Đổi tên cần đúng 1 đơn vị trước và 1 đơn vị sau",
                    LineageKind::Move => "Điều chuyển cần đúng 1 đơn vị trước và 1 đơn vị sau",
                },
            ))
        }
    }
}

/// A unit's code: ASCII letters, digits, `_`, `-` and `.`, 1 to 64 characters, stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim().to_ascii_lowercase();
        if s.is_empty() || s.len() > 64 {
            return Err(Invalid::new("ma", "Mã đơn vị phải có từ 1 đến 64 ký tự"));
        }
        if let Some(bad) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        {
            return Err(Invalid::new(
                "ma",
                format!("Mã đơn vị chỉ gồm chữ không dấu, số, «_», «-», «.»; có ký tự «{bad}»"),
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A unit's name: tidied, 2 to 255 characters.
pub fn parse_unit_name(field: &str, s: &str) -> Result<String, Invalid> {
    let s = crate::text::tidy(s);
    let n = s.chars().count();
    if !(2..=255).contains(&n) {
        return Err(Invalid::new(field, "Tên đơn vị phải có từ 2 đến 255 ký tự"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse("loai", k.code()).unwrap(), *k);
        }
        let e = UnitKind::parse("loai", "district").unwrap_err();
        assert_eq!(e.field, "loai");
        assert!(e.message.contains("district") && e.message.contains("tinh"));
    }

    #[test]
    fn unit_codes() {
        assert_eq!(UnitCode::parse(" GIA_LAI ").unwrap().as_str(), "gia_lai");
        assert!(
            UnitCode::parse("gia lai")
                .unwrap_err()
                .message
                .contains("« »")
        );
        assert!(UnitCode::parse("").is_err());
        assert!(UnitCode::parse("đắk").is_err());
    }

    #[test]
    fn lineage_sides() {
        assert!(LineageKind::Merge.check_sides(2, 1).is_ok());
        assert!(LineageKind::Merge.check_sides(1, 1).is_err());
        assert!(LineageKind::Split.check_sides(1, 3).is_ok());
        assert!(LineageKind::Split.check_sides(2, 3).is_err());
        assert!(LineageKind::Rename.check_sides(1, 1).is_ok());
        assert!(LineageKind::Move.check_sides(1, 2).is_err());
    }
}
