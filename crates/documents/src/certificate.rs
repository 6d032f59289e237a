//! Certificates (bằng khen, giấy khen) printed onto pre-printed blanks: only the variable text,
//! at positions in millimetres measured from the top-left corner of the sheet, and a QR code
//! that links to the public verification page.
//!
//! A field's `y_mm` is the BASELINE of its first line — the dotted line printed on the blank —
//! and its box runs from `x_mm` over `width_mm`, text aligned in it and wrapping onto further
//! lines below. The QR's `x_mm`/`y_mm` is the top-left corner of its square (which includes a
//! quiet zone of two modules); the verification URL is printed in 5 pt text just under it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};
use serde::{Deserialize, Serialize};

use crate::{Doc, DocError, pdf};

/// Position and style of one variable text on the blank. `y_mm` is the baseline of the first
/// line, from the top edge of the sheet; `x_mm` the left edge of the field's box.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FieldPos {
    /// One of [`CERTIFICATE_KEYS`].
    pub key: String,
    pub x_mm: f64,
    pub y_mm: f64,
    pub width_mm: f64,
    pub size_pt: f64,
    pub bold: bool,
    pub italic: bool,
    /// "left", "center" or "right".
    pub align: String,
}

/// Top-left corner and side of the QR code's square, in millimetres from the top-left corner of
/// the sheet.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QrPos {
    pub x_mm: f64,
    pub y_mm: f64,
    pub size_mm: f64,
}

/// Where the variable texts go on one kind of pre-printed blank.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CertificateTemplate {
    pub name: String,
    pub width_mm: f64,
    pub height_mm: f64,
    pub fields: Vec<FieldPos>,
    pub qr: QrPos,
}

/// The texts a certificate template can place, with their Vietnamese labels.
pub const CERTIFICATE_KEYS: &[(&str, &str)] = &[
    ("recipient", "Họ tên / tên tập thể"),
    ("detail", "Chức vụ, đơn vị"),
    ("achievement", "Thành tích"),
    ("decision", "Quyết định số … ngày …"),
    ("place_date", "Địa danh, ngày tháng năm"),
    ("signer_title", "Chức vụ người ký"),
    ("signer_name", "Họ tên người ký"),
    ("serial", "Số vào sổ"),
];

/// Sample texts of the test print.
const SAMPLES: &[(&str, &str)] = &[
    ("recipient", "Nguyễn Thị Minh Khai"),
    (
        "detail",
        "Chuyên viên Phòng Thi đua - Khen thưởng, Sở Nội vụ tỉnh Gia Lai",
    ),
    (
        "achievement",
        "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2026",
    ),
    ("decision", "Quyết định số 125/QĐ-UBND ngày 02/12/2026"),
    ("place_date", "Gia Lai, ngày 02 tháng 12 năm 2026"),
    ("signer_title", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
    ("signer_name", "Trần Văn Bình"),
    ("serial", "Số vào sổ: 0125/BK"),
];

const SAMPLE_URL: &str = "https://tdkt.example.vn/xac-minh/BK-2026-000125";

/// One certificate to print: the texts by key (see [`CERTIFICATE_KEYS`]; missing or empty keys
/// print nothing) and the URL encoded in the QR code (none printed when empty).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CertificateData {
    pub values: BTreeMap<String, String>,
    pub verify_url: String,
}

fn field(
    key: &str,
    (x_mm, y_mm, width_mm): (f64, f64, f64),
    size_pt: f64,
    bold: bool,
    italic: bool,
) -> FieldPos {
    FieldPos {
        key: key.to_string(),
        x_mm,
        y_mm,
        width_mm,
        size_pt,
        bold,
        italic,
        align: "center".to_string(),
    }
}

fn label(key: &str) -> &str {
    CERTIFICATE_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, l)| l)
}

impl CertificateTemplate {
    /// Positions for an A4 landscape blank (297 × 210 mm) whose pre-printed part (emblem, motto,
    /// "TẶNG BẰNG KHEN"/"TẶNG GIẤY KHEN", border) fills the top third and the frame: the name
    /// across the middle, detail and achievement under it, place and date, signer's title and
    /// name on the right, decision and serial at the bottom left, QR code on the left.
    /// Codes containing "giay_khen" get the giấy khen layout, anything else the bằng khen one.
    pub fn default_for(award_code: &str) -> CertificateTemplate {
        if award_code.contains("giay_khen") {
            CertificateTemplate {
                name: "Giấy khen (A4 ngang, mặc định)".to_string(),
                width_mm: 297.0,
                height_mm: 210.0,
                fields: vec![
                    field("recipient", (43.5, 95.0, 210.0), 22.0, true, false),
                    field("detail", (43.5, 105.0, 210.0), 14.0, false, false),
                    field("achievement", (43.5, 116.0, 210.0), 14.0, false, true),
                    field("place_date", (150.0, 140.0, 120.0), 13.0, false, true),
                    field("signer_title", (150.0, 148.0, 120.0), 13.0, true, false),
                    field("signer_name", (150.0, 182.0, 120.0), 14.0, true, false),
                    FieldPos {
                        align: "left".to_string(),
                        ..field("decision", (25.0, 172.0, 110.0), 11.0, false, false)
                    },
                    FieldPos {
                        align: "left".to_string(),
                        ..field("serial", (25.0, 179.0, 110.0), 11.0, false, false)
                    },
                ],
                qr: QrPos {
                    x_mm: 25.0,
                    y_mm: 136.0,
                    size_mm: 22.0,
                },
            }
        } else {
            CertificateTemplate {
                name: "Bằng khen (A4 ngang, mặc định)".to_string(),
                width_mm: 297.0,
                height_mm: 210.0,
                fields: vec![
                    field("recipient", (48.5, 98.0, 200.0), 24.0, true, false),
                    field("detail", (48.5, 108.0, 200.0), 15.0, false, false),
                    field("achievement", (48.5, 120.0, 200.0), 15.0, false, true),
                    field("place_date", (160.0, 145.0, 110.0), 13.0, false, true),
                    field("signer_title", (160.0, 153.0, 110.0), 13.0, true, false),
                    field("signer_name", (160.0, 185.0, 110.0), 14.0, true, false),
                    FieldPos {
                        align: "left".to_string(),
                        ..field("decision", (30.0, 174.0, 110.0), 11.0, false, false)
                    },
                    FieldPos {
                        align: "left".to_string(),
                        ..field("serial", (30.0, 181.0, 110.0), 11.0, false, false)
                    },
                ],
                qr: QrPos {
                    x_mm: 30.0,
                    y_mm: 140.0,
                    size_mm: 24.0,
                },
            }
        }
    }

    /// Checks the template before it is saved or printed; the message (Vietnamese) names the
    /// field at fault. Every field's box must lie inside the sheet (x ≥ 0, x + width ≤ sheet
    /// width, a baseline y with room for one line's cap height above it and at most the sheet
    /// height), size 6–72 pt, width > 0, align left/center/right, key one of
    /// [`CERTIFICATE_KEYS`]; the QR side 12–60 mm and its square inside the sheet.
    pub fn check(&self) -> Result<(), String> {
        let (w, h) = (self.width_mm, self.height_mm);
        if !(50.0..=1000.0).contains(&w) || !(50.0..=1000.0).contains(&h) {
            return Err(format!(
                "Khổ giấy {w} × {h} mm không hợp lệ (mỗi chiều từ 50 đến 1000 mm)."
            ));
        }
        for f in &self.fields {
            let Some((_, name)) = CERTIFICATE_KEYS.iter().find(|(k, _)| *k == f.key) else {
                let known: Vec<&str> = CERTIFICATE_KEYS.iter().map(|(k, _)| *k).collect();
                return Err(format!(
                    "Trường «{}» không có trong danh sách ({}).",
                    f.key,
                    known.join(", ")
                ));
            };
            let at = format!("Trường «{name}» ({})", f.key);
            let numbers = [f.x_mm, f.y_mm, f.width_mm, f.size_pt];
            if numbers.iter().any(|v| !v.is_finite()) {
                return Err(format!("{at}: toạ độ, độ rộng và cỡ chữ phải là số."));
            }
            if !(6.0..=72.0).contains(&f.size_pt) {
                return Err(format!(
                    "{at}: cỡ chữ {} pt ngoài khoảng 6–72 pt.",
                    f.size_pt
                ));
            }
            if f.width_mm <= 0.0 {
                return Err(format!("{at}: độ rộng phải lớn hơn 0 mm."));
            }
            if !matches!(f.align.as_str(), "left" | "center" | "right") {
                return Err(format!(
                    "{at}: căn lề «{}» không hợp lệ (left, center hoặc right).",
                    f.align
                ));
            }
            // Cap height of Liberation Serif / Times New Roman is about 0.66 em.
            let cap_mm = f.size_pt * 0.66 * 25.4 / 72.0;
            if f.x_mm < 0.0 || f.x_mm + f.width_mm > w || f.y_mm - cap_mm < 0.0 || f.y_mm > h {
                return Err(format!(
                    "{at} nằm ngoài trang {w} × {h} mm: x = {} mm, rộng {} mm, dòng chân chữ y = {} mm.",
                    f.x_mm, f.width_mm, f.y_mm
                ));
            }
        }
        let q = &self.qr;
        if [q.x_mm, q.y_mm, q.size_mm].iter().any(|v| !v.is_finite()) {
            return Err("Mã QR: toạ độ và cạnh phải là số.".to_string());
        }
        if !(12.0..=60.0).contains(&q.size_mm) {
            return Err(format!(
                "Mã QR: cạnh {} mm ngoài khoảng 12–60 mm.",
                q.size_mm
            ));
        }
        if q.x_mm < 0.0 || q.y_mm < 0.0 || q.x_mm + q.size_mm > w || q.y_mm + q.size_mm > h {
            return Err(format!(
                "Mã QR nằm ngoài trang {w} × {h} mm: x = {} mm, y = {} mm, cạnh {} mm.",
                q.x_mm, q.y_mm, q.size_mm
            ));
        }
        Ok(())
    }
}

/// The QR code of `data` as an SVG square: black modules on white, a quiet zone of 2 modules.
fn qr_svg(data: &str) -> Result<String, DocError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| DocError::Layout(format!("không tạo được mã QR cho «{data}»: {e}")))?;
    let width = code.width();
    let quiet = 2;
    let side = width + 2 * quiet;
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            let _ = write!(path, "M{x} {y}h1v1h-1z");
        }
    }
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

#[derive(Serialize)]
struct Item<'a> {
    values: &'a BTreeMap<String, String>,
    verify_url: &'a str,
    qr_svg: Option<String>,
}

#[derive(Serialize)]
struct Sheet<'a> {
    template: &'a CertificateTemplate,
    test: bool,
    labels: BTreeMap<&'static str, &'static str>,
    items: Vec<Item<'a>>,
}

fn render(
    t: &CertificateTemplate,
    items: &[CertificateData],
    test: bool,
) -> Result<Vec<u8>, DocError> {
    t.check().map_err(DocError::Layout)?;
    if items.is_empty() {
        return Err(DocError::Layout(
            "không có bằng khen, giấy khen nào để in.".to_string(),
        ));
    }
    let items = items
        .iter()
        .map(|it| {
            let qr_svg = if it.verify_url.is_empty() {
                None
            } else {
                Some(qr_svg(&it.verify_url)?)
            };
            Ok(Item {
                values: &it.values,
                verify_url: &it.verify_url,
                qr_svg,
            })
        })
        .collect::<Result<Vec<_>, DocError>>()?;
    let sheet = Sheet {
        template: t,
        test,
        labels: CERTIFICATE_KEYS.iter().copied().collect(),
        items,
    };
    pdf(Doc::Certificate, &sheet)
}

/// One page per certificate, each text at its field's position, the QR code of `verify_url`
/// at the QR position with the URL in small print under it. The template is checked first
/// ([`CertificateTemplate::check`]); its message comes back as [`DocError::Layout`].
pub fn certificate_pdf(
    t: &CertificateTemplate,
    items: &[CertificateData],
) -> Result<Vec<u8>, DocError> {
    render(t, items, false)
}

/// The same page filled with sample texts, over a 10 mm grid, with each field's box outlined,
/// its baseline drawn and its Vietnamese label printed above it, and the QR box outlined: to
/// print on a blank sheet and hold against the pre-printed form.
pub fn certificate_test_print(t: &CertificateTemplate) -> Result<Vec<u8>, DocError> {
    let values = t
        .fields
        .iter()
        .map(|f| {
            let sample = SAMPLES
                .iter()
                .find(|(k, _)| *k == f.key)
                .map_or_else(|| label(&f.key).to_string(), |(_, s)| (*s).to_string());
            (f.key.clone(), sample)
        })
        .collect();
    let item = CertificateData {
        values,
        verify_url: SAMPLE_URL.to_string(),
    };
    render(t, &[item], true)
}
