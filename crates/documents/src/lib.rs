//! PDF documents. Each document is a typst template (templates/*.typ) fed one JSON value as
//! `sys.inputs.data`; fonts are embedded (Liberation Serif: metric-compatible with Times New
//! Roman, every Vietnamese letter, SIL OFL 1.1), so nothing is read from the system or the
//! network. Layout follows Decree 30/2020/NĐ-CP: A4, margins 20/15/20/30 mm, national motto,
//! issuing body, place and date, title, body, signature block, page numbers from page 2.

use std::sync::OnceLock;

use serde::Serialize;
use typst::foundations::{Dict, Str, Value};
use typst_as_lib::TypstEngine;

static FONTS: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

const COMMON: &str = include_str!("../templates/common.typ");

/// The documents tdkt prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    /// Biên bản kiểm phiếu of a cluster ballot.
    BallotMinutes,
    /// Giao ước thi đua of a cluster year.
    Covenant,
}

impl Doc {
    fn source(self) -> &'static str {
        match self {
            Doc::BallotMinutes => include_str!("../templates/ballot_minutes.typ"),
            Doc::Covenant => include_str!("../templates/covenant.typ"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("không dựng được tài liệu: {0}")]
    Layout(String),
    #[error("không xuất được PDF: {0}")]
    Pdf(String),
}

fn engine(doc: Doc) -> &'static TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    // Fonts are parsed once per template and reused.
    static MINUTES: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    static COVENANT: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    let cell = match doc {
        Doc::BallotMinutes => &MINUTES,
        Doc::Covenant => &COVENANT,
    };
    cell.get_or_init(|| {
        TypstEngine::builder()
            .main_file(doc.source())
            .with_static_source_file_resolver([("common.typ", COMMON)])
            .fonts(FONTS)
            .build()
    })
}

/// Renders a document from its data.
pub fn pdf(doc: Doc, data: &impl Serialize) -> Result<Vec<u8>, DocError> {
    let json = serde_json::to_string(data).map_err(|e| DocError::Layout(e.to_string()))?;
    let mut inputs = Dict::new();
    inputs.insert(Str::from("data"), Value::Str(Str::from(json)));
    let compiled = engine(doc)
        .compile_with_input(inputs)
        .output
        .map_err(|e| DocError::Layout(format!("{e:?}")))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default())
        .map_err(|e| DocError::Pdf(format!("{e:?}")))
}

/// "Buôn Ma Thuột, ngày 30 tháng 3 năm 2023" — place and date as Decree 30 writes them.
pub fn place_date(place: &str, day: u8, month: u8, year: i32) -> String {
    format!("{place}, ngày {day:02} tháng {month:02} năm {year}")
}

#[cfg(test)]
mod tests;
