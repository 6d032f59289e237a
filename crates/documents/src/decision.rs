//! Quyết định khen thưởng (PDF and DOCX), biên bản kiểm phiếu of a council's secret vote, and
//! the list of proposals forwarded to the higher level.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Header, LineSpacing, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};
use serde::{Deserialize, Serialize};

use crate::{Doc, DocError, pdf};

/// One person or collective in a decision.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Awardee {
    /// Họ tên, or the collective's name.
    pub name: String,
    /// Position and unit; may be empty.
    pub detail: String,
    /// Bonus, formatted ("2.340.000"); may be empty.
    pub amount: String,
}

/// The awardees of one award in Điều 1.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DecisionGroup {
    /// e.g. "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".
    pub award: String,
    pub awardees: Vec<Awardee>,
    /// e.g. "mỗi cá nhân 1,5 lần mức lương cơ sở", or "".
    pub amount_each_note: String,
    /// Formatted total of the group ("Cộng" row); no row when empty.
    pub subtotal: String,
}

/// A decision on awards (Quyết định khen thưởng), Decree 30/2020 layout.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DecisionDoc {
    /// Line above the issuing body ("UBND TỈNH GIA LAI" above "SỞ NỘI VỤ"); may be "".
    pub parent_authority: String,
    /// Issuing body, e.g. "ỦY BAN NHÂN DÂN TỈNH GIA LAI".
    pub authority: String,
    /// "125/QĐ-UBND".
    pub number: String,
    /// "Gia Lai, ngày 02 tháng 12 năm 2026".
    pub place_date: String,
    /// Summary: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".
    pub title: String,
    /// The competent authority under the title: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI".
    pub competence: String,
    /// "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" …
    pub legal_basis: Vec<String>,
    /// "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số …".
    pub proposal: String,
    /// Điều 1: one heading and one numbered table per award.
    pub groups: Vec<DecisionGroup>,
    /// Formatted total, in đồng ("12.636.000"); the sentence is left out when empty.
    pub total: String,
    /// "Mười hai triệu sáu trăm ba mươi sáu nghìn đồng".
    pub total_words: String,
    /// Điều 2: source of the bonus and base salary.
    pub bonus_basis: String,
    /// Điều 3: who carries out the decision.
    pub execution: String,
    /// May hold several lines: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".
    pub signer_title: String,
    pub signer_name: String,
    /// "Nơi nhận:", bottom left.
    pub recipients: Vec<String>,
}

/// One nominee voted on by the council.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CouncilItem {
    pub nominee: String,
    pub award: String,
    pub agree: u32,
    pub disagree: u32,
    /// "≥ 80% tổng số thành viên (9/11)".
    pub threshold: String,
    pub passed: bool,
}

/// Biên bản kiểm phiếu of a council's secret vote.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CouncilMinutesDoc {
    pub authority: String,
    /// "Hội đồng Thi đua - Khen thưởng tỉnh Gia Lai".
    pub council: String,
    pub place_date: String,
    pub title: String,
    pub members_total: u32,
    pub present: u32,
    /// Absent members who voted in writing.
    pub written: u32,
    /// The quorum rule and whether it was met.
    pub quorum: String,
    /// SHA-256 of the frozen rules.
    pub rule_hash: String,
    pub items: Vec<CouncilItem>,
    pub secretary: String,
    pub chair: String,
}

/// One proposal in the list forwarded to the higher level.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ForwardRow {
    pub nominee: String,
    pub detail: String,
    pub award: String,
    pub summary: String,
    pub verdict: String,
}

/// Danh sách đề nghị khen thưởng sent with the dossiers to the higher level (A4 landscape).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ForwardListDoc {
    pub authority: String,
    pub number: String,
    pub place_date: String,
    /// "Kính gửi: Ban Thi đua - Khen thưởng Trung ương".
    pub to: String,
    /// "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG".
    pub title: String,
    pub subtitle: String,
    pub rows: Vec<ForwardRow>,
    pub signer_title: String,
    pub signer_name: String,
}

/// The decision as PDF (A4, Decree 30/2020 layout).
pub fn decision_pdf(d: &DecisionDoc) -> Result<Vec<u8>, DocError> {
    pdf(Doc::Decision, d)
}

/// The council's vote-count minutes as PDF.
pub fn council_minutes_pdf(d: &CouncilMinutesDoc) -> Result<Vec<u8>, DocError> {
    pdf(Doc::CouncilMinutes, d)
}

/// The forwarded list as PDF (A4 landscape).
pub fn forward_list_pdf(d: &ForwardListDoc) -> Result<Vec<u8>, DocError> {
    pdf(Doc::ForwardList, d)
}

// --- DOCX -----------------------------------------------------------------------------------

/// Twentieths of a point (twips) in a millimetre.
fn twips(mm: f64) -> i32 {
    (mm * 1440.0 / 25.4).round() as i32
}

/// Font sizes of docx-rs are in half points.
const PT13: usize = 26;
const PT14: usize = 28;
const PT12: usize = 24;
const PT11: usize = 22;

/// Width of the text block: 210 mm less the 30 mm and 15 mm margins.
const TEXT_WIDTH: usize = 9355;

fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size)
}

/// Lines separated by '\n' as one run with line breaks.
fn lines_run(text: &str, size: usize) -> Run {
    let mut r = Run::new().size(size);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    r
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new().align(AlignmentType::Center).add_run(r)
}

/// A body paragraph: justified, first line indented 1 cm, 6 pt after.
fn body() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(twips(10.0))),
            None,
            None,
        )
        .line_spacing(LineSpacing::new().before(0).after(120))
}

/// A table cell; Word wants at least one paragraph in each.
fn cell(width: usize, mut paragraphs: Vec<Paragraph>) -> TableCell {
    if paragraphs.is_empty() {
        paragraphs.push(Paragraph::new());
    }
    paragraphs
        .into_iter()
        .fold(TableCell::new().width(width, WidthType::Dxa), |c, p| {
            c.add_paragraph(p)
        })
}

fn awardee_table(g: &DecisionGroup) -> Table {
    let widths = [700, 3000, 3955, 1700];
    let head = [
        "STT",
        "Họ tên / Tập thể",
        "Chức vụ - đơn vị",
        "Tiền thưởng (đồng)",
    ];
    let mut rows = vec![TableRow::new(
        widths
            .iter()
            .zip(head)
            .map(|(w, h)| cell(*w, vec![centred(run(h, PT13).bold())]))
            .collect(),
    )];
    for (i, a) in g.awardees.iter().enumerate() {
        rows.push(TableRow::new(vec![
            cell(widths[0], vec![centred(run(&(i + 1).to_string(), PT13))]),
            cell(
                widths[1],
                vec![Paragraph::new().add_run(run(&a.name, PT13))],
            ),
            cell(
                widths[2],
                vec![Paragraph::new().add_run(run(&a.detail, PT13))],
            ),
            cell(
                widths[3],
                vec![
                    Paragraph::new()
                        .align(AlignmentType::Right)
                        .add_run(run(&a.amount, PT13)),
                ],
            ),
        ]));
    }
    if !g.subtotal.is_empty() {
        rows.push(TableRow::new(vec![
            cell(
                widths[0] + widths[1] + widths[2],
                vec![
                    Paragraph::new()
                        .align(AlignmentType::Right)
                        .add_run(run("Cộng", PT13).bold()),
                ],
            )
            .grid_span(3),
            cell(
                widths[3],
                vec![
                    Paragraph::new()
                        .align(AlignmentType::Right)
                        .add_run(run(&g.subtotal, PT13).bold()),
                ],
            ),
        ]));
    }
    Table::new(rows)
        .set_grid(widths.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// The decision as DOCX, for offices that edit before signing: Times New Roman 13–14 pt, A4
/// with the Decree 30 margins, page numbers at the top from page 2, the same content as the PDF
/// (awardees in tables).
pub fn decision_docx(d: &DecisionDoc) -> Result<Vec<u8>, DocError> {
    let tnr = "Times New Roman";
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(twips(20.0))
                .bottom(twips(20.0))
                .left(twips(30.0))
                .right(twips(15.0))
                .header(twips(10.0))
                .footer(twips(10.0)),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(tnr)
                .hi_ansi(tnr)
                .cs(tnr)
                .east_asia(tnr),
        )
        .default_size(PT14)
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .size(PT13)
                    .add_page_num(docx_rs::PageNum::new()),
            ),
        )
        .first_header(Header::new().add_paragraph(Paragraph::new()))
        .title_pg();

    // Issuing body and number | motto and place, date.
    let (left, right) = (3800, TEXT_WIDTH - 3800);
    let mut issuer = Vec::new();
    if !d.parent_authority.is_empty() {
        issuer.push(centred(run(&d.parent_authority.to_uppercase(), PT13)));
    }
    issuer.push(centred(run(&d.authority.to_uppercase(), PT13).bold()));
    let motto = vec![
        centred(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", PT12).bold()),
        centred(run("Độc lập - Tự do - Hạnh phúc", PT13).bold()),
    ];
    let number = if d.number.is_empty() {
        Paragraph::new()
    } else {
        centred(run(&format!("Số: {}", d.number), PT13))
    };
    doc = doc.add_table(
        Table::without_borders(vec![
            TableRow::new(vec![cell(left, issuer), cell(right, motto)]),
            TableRow::new(vec![
                cell(left, vec![number]),
                cell(right, vec![centred(run(&d.place_date, PT13).italic())]),
            ]),
        ])
        .set_grid(vec![left, right])
        .width(TEXT_WIDTH, WidthType::Dxa),
    );

    doc = doc
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(run("QUYẾT ĐỊNH", PT14).bold()))
        .add_paragraph(centred(run(&d.title, PT14).bold()))
        .add_paragraph(Paragraph::new())
        .add_paragraph(
            centred(run(&d.competence.to_uppercase(), PT14).bold())
                .line_spacing(LineSpacing::new().after(240)),
        );
    for b in &d.legal_basis {
        doc = doc.add_paragraph(body().add_run(run(b, PT14).italic()));
    }
    if !d.proposal.is_empty() {
        doc = doc.add_paragraph(body().add_run(run(&d.proposal, PT14).italic()));
    }
    doc = doc
        .add_paragraph(
            centred(run("QUYẾT ĐỊNH:", PT14).bold())
                .line_spacing(LineSpacing::new().before(120).after(120)),
        )
        .add_paragraph(body().add_run(run("Điều 1.", PT14).bold()).add_run(run(
            " Khen thưởng các tập thể, cá nhân có thành tích như sau:",
            PT14,
        )));
    for (i, g) in d.groups.iter().enumerate() {
        let mut heading = body().add_run(run(&format!("{}. {}", i + 1, g.award), PT14).bold());
        if !g.amount_each_note.is_empty() {
            heading = heading.add_run(run(&format!(" ({})", g.amount_each_note), PT14));
        }
        doc = doc
            .add_paragraph(heading.add_run(run(":", PT14)))
            .add_table(awardee_table(g))
            .add_paragraph(Paragraph::new());
    }
    let mut art2 = body()
        .add_run(run("Điều 2.", PT14).bold())
        .add_run(run(&format!(" {}", d.bonus_basis), PT14));
    if !d.total.is_empty() {
        art2 = art2
            .add_run(run(" Tổng số tiền thưởng: ", PT14))
            .add_run(run(&format!("{} đồng", d.total), PT14).bold());
        if !d.total_words.is_empty() {
            art2 = art2
                .add_run(run(" (bằng chữ: ", PT14))
                .add_run(run(&d.total_words, PT14).italic())
                .add_run(run(")", PT14));
        }
        art2 = art2.add_run(run(".", PT14));
    }
    doc = doc.add_paragraph(art2).add_paragraph(
        body()
            .add_run(run("Điều 3.", PT14).bold())
            .add_run(run(&format!(" {}", d.execution), PT14)),
    );

    // Recipients | signer.
    let half = TEXT_WIDTH / 2;
    let mut recipients = Vec::new();
    if !d.recipients.is_empty() {
        recipients.push(Paragraph::new().add_run(run("Nơi nhận:", PT12).bold().italic()));
        for r in &d.recipients {
            recipients.push(Paragraph::new().add_run(run(&format!("- {r}"), PT11)));
        }
    }
    let mut signer = vec![centred(
        lines_run(&d.signer_title.to_uppercase(), PT14).bold(),
    )];
    signer.extend((0..4).map(|_| Paragraph::new()));
    signer.push(centred(run(&d.signer_name, PT14).bold()));
    doc = doc.add_paragraph(Paragraph::new()).add_table(
        Table::without_borders(vec![TableRow::new(vec![
            cell(half, recipients),
            cell(TEXT_WIDTH - half, signer),
        ])])
        .set_grid(vec![half, TEXT_WIDTH - half])
        .width(TEXT_WIDTH, WidthType::Dxa),
    );

    let mut buf = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| DocError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}
