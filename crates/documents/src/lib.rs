//! PDF documents. Each document is a typst template (templates/*.typ) fed one JSON value as
//! `sys.inputs.data`; fonts are embedded (Liberation Serif: metric-compatible with Times New
//! Roman, every Vietnamese letter, SIL OFL 1.1), so nothing is read from the system or the
//! network. Layout follows Decree 30/2020/NĐ-CP: A4, margins 20/15/20/30 mm, national motto,
//! issuing body, place and date, title, body, signature block, page numbers from page 2.
//!
//! Also: decisions as DOCX (docx-rs, Times New Roman) for offices that edit before signing,
//! the text of certificates printed onto pre-printed blanks with a verification QR code
//! ([`certificate_pdf`]), and amounts in figures and words ([`vnd`], [`vnd_words`]).

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

/// The documents tdkt prints. Each reads one JSON value (see [`pdf`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    /// Biên bản kiểm phiếu of a cluster ballot.
    BallotMinutes,
    /// Giao ước thi đua of a cluster year.
    Covenant,
    /// Quyết định khen thưởng; data: a [`DecisionDoc`].
    Decision,
    /// Biên bản kiểm phiếu of a council's secret vote; data: a [`CouncilMinutesDoc`].
    CouncilMinutes,
    /// Danh sách đề nghị khen thưởng sent to the higher level; data: a [`ForwardListDoc`].
    ForwardList,
    /// Text of certificates printed onto pre-printed blanks. Its data is internal (QR codes are
    /// prepared in Rust): use [`certificate_pdf`] and [`certificate_test_print`].
    Certificate,
}

impl Doc {
    const ALL: [Doc; 6] = [
        Doc::BallotMinutes,
        Doc::Covenant,
        Doc::Decision,
        Doc::CouncilMinutes,
        Doc::ForwardList,
        Doc::Certificate,
    ];

    fn source(self) -> &'static str {
        match self {
            Doc::BallotMinutes => include_str!("../templates/ballot_minutes.typ"),
            Doc::Covenant => include_str!("../templates/covenant.typ"),
            Doc::Decision => include_str!("../templates/decision.typ"),
            Doc::CouncilMinutes => include_str!("../templates/council_minutes.typ"),
            Doc::ForwardList => include_str!("../templates/forward_list.typ"),
            Doc::Certificate => include_str!("../templates/certificate.typ"),
        }
    }

    fn index(self) -> usize {
        Doc::ALL.iter().position(|d| *d == self).unwrap_or(0)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("không dựng được tài liệu: {0}")]
    Layout(String),
    #[error("không xuất được PDF: {0}")]
    Pdf(String),
    #[error("không xuất được DOCX: {0}")]
    Docx(String),
}

type Engine = TypstEngine<typst_as_lib::TypstTemplateMainFile>;

fn engine(doc: Doc) -> &'static Engine {
    // Fonts are parsed once per template and reused.
    static ENGINES: [OnceLock<Engine>; Doc::ALL.len()] =
        [const { OnceLock::new() }; Doc::ALL.len()];
    ENGINES[doc.index()].get_or_init(|| {
        TypstEngine::builder()
            .main_file(doc.source())
            .with_static_source_file_resolver([("common.typ", COMMON)])
            .fonts(FONTS)
            .build()
    })
}

/// Renders a document from its data. The data is serialised to JSON and read by the template
/// with `json(bytes(sys.inputs.data))`; it is never spliced into typst source, so user text such
/// as `#set` or `*` prints literally.
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

mod certificate;
mod decision;
mod money;

pub use certificate::{
    CERTIFICATE_KEYS, CertificateData, CertificateTemplate, FieldPos, QrPos, certificate_pdf,
    certificate_test_print,
};
pub use decision::{
    APPENDIX_AFTER, Awardee, CouncilItem, CouncilMinutesDoc, DecisionDoc, DecisionGroup,
    ForwardListDoc, ForwardRow, council_minutes_pdf, decision_docx, decision_pdf, forward_list_pdf,
    needs_appendix,
};
pub use money::{vnd, vnd_words};

#[cfg(test)]
mod tests;
