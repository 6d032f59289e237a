//! Year-end decision of a province: 2 000 Lao động tiên tiến proposed by 20 units, listed in
//! an appendix, as PDF and as DOCX.
//! Run: `cargo bench -p tdkt-documents --bench decision` (goal: PDF and DOCX under 5 s).

use tdkt_documents::*;

fn main() {
    divan::main();
}

const UNITS: usize = 20;
const PEOPLE: usize = 2_000;
const BONUS: i64 = 702_000;

fn decision() -> DecisionDoc {
    let per_unit = PEOPLE / UNITS;
    let mut awardees = Vec::with_capacity(PEOPLE);
    let mut group_totals = Vec::with_capacity(UNITS);
    for u in 0..UNITS {
        let unit = format!("Sở ngành thứ {:02} của tỉnh", u + 1);
        for _ in 0..per_unit {
            let i = awardees.len() + 1;
            awardees.push(Awardee {
                name: format!("Nguyễn Thị Mai {i:04}"),
                detail: format!("Chuyên viên phòng {}, {unit}", i % 7 + 1),
                amount: vnd(BONUS),
                group: unit.clone(),
                collective: false,
            });
        }
        group_totals.push((unit, vnd(BONUS * per_unit as i64)));
    }
    let total = BONUS * PEOPLE as i64;
    DecisionDoc {
        authority: "Ủy ban nhân dân tỉnh Gia Lai".to_string(),
        number: "1250/QĐ-UBND".to_string(),
        place_date: place_date("Gia Lai", 20, 1, 2026),
        title: "Về việc tặng danh hiệu Lao động tiên tiến".to_string(),
        competence: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI".to_string(),
        competence_sentence: "Chủ tịch Ủy ban nhân dân tỉnh Gia Lai".to_string(),
        legal_basis: vec!["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;".to_string()],
        proposal: "Xét đề nghị của Giám đốc Sở Nội vụ.".to_string(),
        groups: vec![DecisionGroup {
            award: "Lao động tiên tiến".to_string(),
            awardees,
            amount_each_note: "mức thưởng 0,3 lần mức lương cơ sở".to_string(),
            subtotal: vnd(total),
            group_totals,
        }],
        total: vnd(total),
        total_words: vnd_words(total),
        bonus_basis: "Tiền thưởng theo Nghị định 152/2025/NĐ-CP.".to_string(),
        execution: "Chánh Văn phòng và các cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành."
            .to_string(),
        signer_title: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".to_string(),
        signer_name: "Trần Văn Bình".to_string(),
        recipients: vec!["Như Điều 3;".to_string(), "Lưu: VT.".to_string()],
        appendix: true,
        year: Some(2025),
        ..DecisionDoc::default()
    }
}

#[divan::bench(sample_count = 5)]
fn pdf_2000(b: divan::Bencher) {
    let d = decision();
    assert!(needs_appendix(&d));
    b.bench_local(|| divan::black_box(decision_pdf(&d).unwrap()));
}

#[divan::bench(sample_count = 5)]
fn docx_2000(b: divan::Bencher) {
    let d = decision();
    b.bench_local(|| divan::black_box(decision_docx(&d).unwrap()));
}

/// What issuing a decision renders: the PDF and the DOCX.
#[divan::bench(sample_count = 5)]
fn pdf_and_docx_2000(b: divan::Bencher) {
    let d = decision();
    b.bench_local(|| {
        divan::black_box((decision_pdf(&d).unwrap(), decision_docx(&d).unwrap()));
    });
}
