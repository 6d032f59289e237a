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
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Awardee {
    /// Họ tên, or the collective's name.
    pub name: String,
    /// Position and unit; may be empty.
    pub detail: String,
    /// Bonus, formatted ("2.340.000"); may be empty.
    pub amount: String,
    /// Proposing unit ("Sở Giáo dục và Đào tạo"), or "". Consecutive awardees with the same
    /// non-empty group get a sub-heading row before them and a "Cộng" row after them (count
    /// and the sub-total from [`DecisionGroup::group_totals`]): sort awardees by group.
    #[serde(default)]
    pub group: String,
    /// A collective (tập thể) rather than a person: Điều 1 of a decision with an appendix
    /// counts "… tập thể và … cá nhân".
    #[serde(default)]
    pub collective: bool,
}

/// The awardees of one award in Điều 1.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DecisionGroup {
    /// e.g. "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".
    pub award: String,
    pub awardees: Vec<Awardee>,
    /// e.g. "mỗi cá nhân 1,5 lần mức lương cơ sở", or "".
    pub amount_each_note: String,
    /// Formatted total of the group ("Cộng" row, "Tổng cộng" when the awardees have
    /// groups); no row when empty.
    pub subtotal: String,
    /// Formatted sub-total of each proposing unit ([`Awardee::group`] → "23.400.000"), for
    /// the "Cộng" row closing its rows; a unit missing here gets the count only.
    #[serde(default)]
    pub group_totals: Vec<(String, String)>,
}

/// A decision on awards (Quyết định khen thưởng), Decree 30/2020 layout.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
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
    /// Awardees in an appendix: Điều 1 then holds one sentence per award ("Tặng danh hiệu Lao
    /// động tiên tiến năm 2025 cho 1.874 cá nhân có tên trong danh sách kèm theo.") and each
    /// award's table follows the signature block on a new page under "DANH SÁCH" / the award
    /// and year / "(Kèm theo Quyết định số … ngày … của …)". See [`needs_appendix`].
    #[serde(default)]
    pub appendix: bool,
    /// Year of the achievements, appended to emulation titles (not to Bằng khen, Huân chương …)
    /// in the appendix and in Điều 1's sentences ("Lao động tiên tiến năm 2025") unless the
    /// award already says "năm"; not used without an appendix.
    #[serde(default)]
    pub year: Option<i32>,
    /// The competent authority inside a sentence, for the appendix heading "(Kèm theo Quyết
    /// định số … của Chủ tịch Ủy ban nhân dân tỉnh Gia Lai)". When empty, `competence` is used
    /// if it is not all upper case; otherwise "của …" is left out.
    #[serde(default)]
    pub competence_sentence: String,
}

/// Above this many awardees (all awards together) a decision lists them in an appendix after
/// the signature block rather than in Điều 1: Decree 30/2020 practice for year-end decisions of
/// a unit or a province. A setting in spirit; change it here.
pub const APPENDIX_AFTER: usize = 30;

/// Whether the decision has too many awardees for Điều 1 (more than [`APPENDIX_AFTER`]); the
/// caller sets [`DecisionDoc::appendix`] from it, or from the user's choice.
pub fn needs_appendix(d: &DecisionDoc) -> bool {
    d.groups.iter().map(|g| g.awardees.len()).sum::<usize>() > APPENDIX_AFTER
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

// --- Wording of a decision with an appendix (templates/decision.typ says the same) -----------

/// Awards granted by their own name; any other award is an emulation title, "danh hiệu …".
const FORMS: [&str; 9] = [
    "bằng khen",
    "giấy khen",
    "huân chương",
    "huy chương",
    "kỷ niệm chương",
    "cờ thi đua",
    "giải thưởng",
    "danh hiệu",
    "giấy chứng nhận",
];

/// Whether the award is an emulation title ("danh hiệu"), not a form of commendation.
fn is_title(award: &str) -> bool {
    let lower = award.to_lowercase();
    !FORMS.iter().any(|f| lower.starts_with(f))
}

/// "Lao động tiên tiến năm 2025": a title with the decision's year, unless it has one.
fn award_year(d: &DecisionDoc, g: &DecisionGroup) -> String {
    match d.year {
        Some(y) if is_title(&g.award) && !g.award.contains(" năm ") => {
            format!("{} năm {y}", g.award)
        }
        _ => g.award.clone(),
    }
}

/// "4 tập thể và 1.870 cá nhân", "1.874 cá nhân", "12 tập thể".
fn who(awardees: &[Awardee]) -> String {
    let c = awardees.iter().filter(|a| a.collective).count();
    let p = awardees.len() - c;
    let n = |k: usize| crate::vnd(k as i64);
    match (c, p) {
        (0, p) => format!("{} cá nhân", n(p)),
        (c, 0) => format!("{} tập thể", n(c)),
        (c, p) => format!("{} tập thể và {} cá nhân", n(c), n(p)),
    }
}

/// Điều 1's sentence for one award of a decision with an appendix.
fn grant_sentence(d: &DecisionDoc, g: &DecisionGroup) -> String {
    let title = if is_title(&g.award) {
        "danh hiệu "
    } else {
        ""
    };
    let note = if g.amount_each_note.is_empty() {
        String::new()
    } else {
        format!(" ({})", g.amount_each_note)
    };
    format!(
        "Tặng {title}{} cho {} có tên trong danh sách kèm theo{note}.",
        award_year(d, g),
        who(&g.awardees)
    )
}

/// "(Kèm theo Quyết định số 125/QĐ-UBND ngày 02 tháng 12 năm 2026 của Chủ tịch …)".
fn annex_of(d: &DecisionDoc) -> String {
    let number = if d.number.is_empty() {
        "……"
    } else {
        &d.number
    };
    let date = d
        .place_date
        .find("ngày")
        .map_or("ngày ……", |i| &d.place_date[i..]);
    let by = if !d.competence_sentence.is_empty() {
        d.competence_sentence.as_str()
    } else if d.competence != d.competence.to_uppercase() {
        d.competence.as_str()
    } else {
        ""
    };
    let by = if by.is_empty() {
        String::new()
    } else {
        format!(" của {by}")
    };
    format!("(Kèm theo Quyết định số {number} {date}{by})")
}

/// Runs of consecutive awardees with the same group: (group, first index, end index).
fn runs(awardees: &[Awardee]) -> Vec<(&str, usize, usize)> {
    let mut out: Vec<(&str, usize, usize)> = Vec::new();
    for (i, a) in awardees.iter().enumerate() {
        match out.last_mut() {
            Some(last) if last.0 == a.group => last.2 = i + 1,
            _ => out.push((&a.group, i, i + 1)),
        }
    }
    out
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
    let totals = |name: &str| {
        g.group_totals
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let sum_row = |label: &str, amount: &str| {
        TableRow::new(vec![
            cell(
                widths[0] + widths[1] + widths[2],
                vec![
                    Paragraph::new()
                        .align(AlignmentType::Right)
                        .add_run(run(label, PT13).bold()),
                ],
            )
            .grid_span(3),
            cell(
                widths[3],
                vec![
                    Paragraph::new()
                        .align(AlignmentType::Right)
                        .add_run(run(amount, PT13).bold()),
                ],
            ),
        ])
    };
    let sub_groups = g.awardees.iter().any(|a| !a.group.is_empty());
    for (name, from, to) in runs(&g.awardees) {
        if !name.is_empty() {
            rows.push(TableRow::new(vec![
                cell(
                    TEXT_WIDTH,
                    vec![Paragraph::new().add_run(run(name, PT13).bold())],
                )
                .grid_span(4),
            ]));
        }
        for (i, a) in g.awardees[from..to].iter().enumerate() {
            rows.push(TableRow::new(vec![
                cell(
                    widths[0],
                    vec![centred(run(&(from + i + 1).to_string(), PT13))],
                ),
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
        if !name.is_empty() {
            rows.push(sum_row(
                &format!("Cộng: {}", who(&g.awardees[from..to])),
                totals(name),
            ));
        }
    }
    if !g.subtotal.is_empty() {
        let label = if sub_groups {
            "Tổng cộng"
        } else {
            "Cộng"
        };
        rows.push(sum_row(label, &g.subtotal));
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
    doc = doc.add_paragraph(
        centred(run("QUYẾT ĐỊNH:", PT14).bold())
            .line_spacing(LineSpacing::new().before(120).after(120)),
    );
    if d.appendix {
        let mut art1 = body().add_run(run("Điều 1.", PT14).bold());
        if let [g] = d.groups.as_slice() {
            art1 = art1.add_run(run(&format!(" {}", grant_sentence(d, g)), PT14));
        }
        doc = doc.add_paragraph(art1);
        if d.groups.len() > 1 {
            for (i, g) in d.groups.iter().enumerate() {
                doc = doc.add_paragraph(
                    body().add_run(run(&format!("{}. {}", i + 1, grant_sentence(d, g)), PT14)),
                );
            }
        }
    } else {
        doc = doc.add_paragraph(body().add_run(run("Điều 1.", PT14).bold()).add_run(run(
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

    if d.appendix {
        for g in &d.groups {
            doc = doc
                .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
                .add_paragraph(centred(run("DANH SÁCH", PT14).bold()))
                .add_paragraph(centred(run(&award_year(d, g), PT14).bold()))
                .add_paragraph(
                    centred(run(&annex_of(d), PT14).italic())
                        .line_spacing(LineSpacing::new().after(240)),
                )
                .add_table(awardee_table(g));
        }
    }

    let mut buf = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| DocError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}
