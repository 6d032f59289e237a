//! Real PDFs, read back: the text extracted from the file holds what was put in.

use serde_json::json;

use super::*;

fn text_of(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    pdf_extract::extract_text_from_mem(pdf).expect("readable PDF")
}

/// Extracted text may break lines anywhere: compare without white space.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn ballot_minutes_carry_the_results_and_the_hash() {
    let data = json!({
        "organiser": "Hội đồng Thi đua - Khen thưởng Trung ương",
        "cluster": "Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung",
        "place_date": place_date("Buôn Ma Thuột", 30, 3, 2023),
        "title": "Bình xét, suy tôn năm 2022",
        "eligible": 10, "cast": 10, "quorum": 7, "quorum_met": "đạt",
        "rule_hash": "181cd7a2a9f175bc6a423a061ed0c768d720765d128eb353447f6489d75d0b96",
        "categories": [{
            "name": "Đề nghị Chính phủ tặng Cờ thi đua", "seats": 2, "valid": 10, "invalid": 0, "blank": 0,
            "rule": "trên 50% tổng số thành viên",
            "counts": [{"name": "Tỉnh Bình Định", "votes": 10, "verdict": "Trúng"}, {"name": "Tỉnh Đắk Nông", "votes": 9, "verdict": "Trúng"}],
            "tie": null
        }]
    });
    let pdf = pdf(Doc::BallotMinutes, &data).unwrap();
    let text = squash(&text_of(&pdf));
    for needle in [
        "BIÊNBẢNKIỂMPHIẾU",
        "CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM",
        "TỉnhBìnhĐịnh",
        "TỉnhĐắkNông",
        "BuônMaThuột,ngày30tháng03năm2023",
        "181cd7a2a9f175bc",
    ] {
        assert!(text.contains(needle), "missing {needle} in {text}");
    }
}

#[test]
fn covenant_lists_criteria_and_signatures() {
    let data = json!({
        "organiser": "Hội đồng Thi đua - Khen thưởng Trung ương", "cluster": "Cụm thi đua thử",
        "place_date": "", "title": "Giao ước thi đua năm 2024", "year": 2024, "method": "trung bình cộng",
        "members": ["Tỉnh Gia Lai", "Tỉnh Đắk Lắk"],
        "groups": [{"id": "1", "name": "Phát triển kinh tế - xã hội", "criteria": [
            {"id": "1.1", "name": "Thu ngân sách so với dự toán", "max": "10", "how": "Tính từ chỉ số báo cáo"}]}],
        "signatures": [{"unit": "Tỉnh Gia Lai", "signer": "Phó Chủ tịch UBND tỉnh", "date": "30/03/2024"}]
    });
    let text = squash(&text_of(&pdf(Doc::Covenant, &data).unwrap()));
    for needle in [
        "GIAOƯỚCTHIĐUA",
        "Thungânsáchsovớidựtoán",
        "PhóChủtịchUBNDtỉnh",
        "TỉnhĐắkLắk",
    ] {
        assert!(text.contains(needle), "missing {needle} in {text}");
    }
}

#[test]
fn bad_data_is_an_error_not_a_panic() {
    let e = pdf(Doc::BallotMinutes, &json!({"title": "thiếu trường"})).unwrap_err();
    assert!(matches!(e, DocError::Layout(_)));
}
