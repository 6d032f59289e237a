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

fn decision() -> DecisionDoc {
    let awardee = |name: &str, detail: &str| Awardee {
        name: name.to_string(),
        detail: detail.to_string(),
        amount: vnd(3_510_000),
        ..Awardee::default()
    };
    DecisionDoc {
        parent_authority: String::new(),
        authority: "Ủy ban nhân dân tỉnh Gia Lai".to_string(),
        number: "125/QĐ-UBND".to_string(),
        place_date: place_date("Gia Lai", 2, 12, 2026),
        title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".to_string(),
        competence: "Chủ tịch Ủy ban nhân dân tỉnh Gia Lai".to_string(),
        legal_basis: vec![
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;".to_string(),
            "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ;".to_string(),
        ],
        proposal: "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 45/TTr-SNV.".to_string(),
        groups: vec![
            DecisionGroup {
                award: "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".to_string(),
                awardees: vec![
                    awardee("Nguyễn Thị Hoa", "Chuyên viên, Sở Nội vụ"),
                    awardee("Rơ Mah Hlim", "Trưởng phòng, Sở Y tế"),
                ],
                amount_each_note: "mỗi cá nhân 1,5 lần mức lương cơ sở".to_string(),
                subtotal: vnd(7_020_000),
                ..DecisionGroup::default()
            },
            DecisionGroup {
                award: "Giấy khen".to_string(),
                awardees: vec![Awardee {
                    name: "Phòng Kế hoạch - Tài chính".to_string(),
                    detail: String::new(),
                    amount: String::new(),
                    ..Awardee::default()
                }],
                amount_each_note: String::new(),
                subtotal: String::new(),
                ..DecisionGroup::default()
            },
        ],
        total: vnd(12_636_000),
        total_words: vnd_words(12_636_000),
        bonus_basis: "Tiền thưởng theo Nghị định 152/2025/NĐ-CP, mức lương cơ sở 2.340.000 đồng."
            .to_string(),
        execution: "Chánh Văn phòng và các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này."
            .to_string(),
        signer_title: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".to_string(),
        signer_name: "Trần Văn Bình".to_string(),
        recipients: vec!["Như Điều 3;".to_string(), "Lưu: VT, SNV.".to_string()],
        ..DecisionDoc::default()
    }
}

#[test]
fn decision_pdf_holds_number_awardees_total_and_motto() {
    let text = squash(&text_of(&decision_pdf(&decision()).unwrap()));
    for needle in [
        "CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM",
        "Độclập-Tựdo-Hạnhphúc",
        "Số:125/QĐ-UBND",
        "QUYẾTĐỊNH",
        "CHỦTỊCHỦYBANNHÂNDÂNTỈNHGIALAI",
        "NguyễnThịHoa",
        "RơMahHlim",
        "PhòngKếhoạch-Tàichính",
        "12.636.000đồng",
        "Mườihaitriệusáutrămbamươisáunghìnđồng",
        "KT.CHỦTỊCH",
        "PHÓCHỦTỊCH",
        "TrầnVănBình",
        "Nơinhận:",
        "GiaLai,ngày02tháng12năm2026",
    ] {
        assert!(text.contains(needle), "missing {needle} in {text}");
    }
}

#[test]
fn decision_docx_reads_back() {
    let bytes = decision_docx(&decision()).unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip file");
    let json = docx_rs::read_docx(&bytes).expect("readable DOCX").json();
    for needle in [
        "125/QĐ-UBND",
        "Nguyễn Thị Hoa",
        "Rơ Mah Hlim",
        "Phòng Kế hoạch - Tài chính",
        "12.636.000 đồng",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "PHÓ CHỦ TỊCH",
    ] {
        assert!(json.contains(needle), "missing {needle} in the DOCX");
    }
}

#[test]
fn user_text_prints_literally() {
    let mut d = decision();
    let odd = r#"#set text(red) *Lê* $x$ _Văn_ [A] @ref <l> `c` \ // "q" #{1+1} = ~"#;
    d.groups[0].awardees[0].name = odd.to_string();
    d.signer_name = "#pagebreak()".to_string();
    d.recipients.push("- Mục * đầu".to_string());
    let pdf_text = squash(&text_of(&decision_pdf(&d).unwrap()));
    for needle in [
        squash(odd),
        "#pagebreak()".to_string(),
        "-Mục*đầu".to_string(),
    ] {
        assert!(pdf_text.contains(&needle), "missing {needle} in {pdf_text}");
    }
    let docx = docx_rs::read_docx(&decision_docx(&d).unwrap())
        .unwrap()
        .json();
    assert!(docx.contains("#set text(red) *Lê* $x$ _Văn_ [A] @ref <l> `c`"));
}

/// A year-end decision: 40 Lao động tiên tiến in three proposing units (sorted by unit) and
/// three collectives with a Bằng khen, listed in an appendix.
fn appendix_decision() -> DecisionDoc {
    let units = [
        ("Sở Giáo dục và Đào tạo", 14),
        ("Sở Y tế", 20),
        ("Sở Tài chính", 6),
    ];
    let mut people = Vec::new();
    let mut totals = Vec::new();
    for (unit, n) in units {
        for _ in 0..n {
            people.push(Awardee {
                name: format!("Nguyễn Thị Mai {:03}", people.len() + 1),
                detail: "Chuyên viên".to_string(),
                amount: vnd(702_000),
                group: unit.to_string(),
                collective: false,
            });
        }
        totals.push((unit.to_string(), vnd(702_000 * n)));
    }
    let collective = |name: &str| Awardee {
        name: name.to_string(),
        detail: String::new(),
        amount: vnd(4_680_000),
        group: String::new(),
        collective: true,
    };
    let mut d = decision();
    d.title = "Về việc khen thưởng năm 2025".to_string();
    d.groups = vec![
        DecisionGroup {
            award: "Lao động tiên tiến".to_string(),
            awardees: people,
            amount_each_note: "mức thưởng 0,3 lần mức lương cơ sở".to_string(),
            subtotal: vnd(702_000 * 40),
            group_totals: totals,
        },
        DecisionGroup {
            award: "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".to_string(),
            awardees: vec![
                collective("Phòng Tổ chức cán bộ"),
                collective("Trường THPT Pleiku"),
                collective("Bệnh viện Đa khoa tỉnh"),
            ],
            amount_each_note: String::new(),
            subtotal: vnd(3 * 4_680_000),
            group_totals: vec![],
        },
    ];
    d.appendix = true;
    d.year = Some(2025);
    d.competence_sentence = "Chủ tịch Ủy ban nhân dân tỉnh Gia Lai".to_string();
    d
}

/// What both the PDF and the DOCX of [`appendix_decision`] must say, white space left in.
fn appendix_needles() -> Vec<String> {
    let mut v: Vec<String> = [
        "Tặng danh hiệu Lao động tiên tiến năm 2025 cho 40 cá nhân có tên trong danh sách kèm theo (mức thưởng 0,3 lần mức lương cơ sở).",
        "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 3 tập thể có tên trong danh sách kèm theo.",
        "DANH SÁCH",
        "Lao động tiên tiến năm 2025",
        "(Kèm theo Quyết định số 125/QĐ-UBND ngày 02 tháng 12 năm 2026 của Chủ tịch Ủy ban nhân dân tỉnh Gia Lai)",
        "Sở Giáo dục và Đào tạo",
        "Sở Y tế",
        "Sở Tài chính",
        "Cộng: 14 cá nhân",
        "9.828.000",
        "Cộng: 20 cá nhân",
        "14.040.000",
        "Cộng: 6 cá nhân",
        "4.212.000",
        "Tổng cộng",
        "28.080.000",
        "Phòng Tổ chức cán bộ",
        "Bệnh viện Đa khoa tỉnh",
        "14.040.000",
    ]
    .map(String::from)
    .to_vec();
    v.extend((1..=40).map(|i| format!("Nguyễn Thị Mai {i:03}")));
    v
}

#[test]
fn decision_with_an_appendix_lists_awardees_after_the_signature() {
    let d = appendix_decision();
    assert!(needs_appendix(&d));
    let pdf = decision_pdf(&d).unwrap();
    let text = squash(&text_of(&pdf));
    for needle in appendix_needles() {
        assert!(
            text.contains(&squash(&needle)),
            "missing {needle} in {text}"
        );
    }
    // Sub-heading, then its first row; its last row, then its "Cộng" row and amount.
    for needle in [
        "SởYtế15NguyễnThịMai015",
        "NguyễnThịMai014Chuyênviên702.000Cộng:14cánhân9.828.000",
        "NguyễnThịMai040Chuyênviên702.000Cộng:6cánhân4.212.000Tổngcộng28.080.000",
    ] {
        assert!(text.contains(needle), "missing {needle} in {text}");
    }
    assert!(!text.contains("Khenthưởngcáctậpthể,cánhâncóthànhtíchnhưsau"));
    // Điều 1 to the signature on the first pages; each award's list on pages of its own.
    let pages: Vec<String> = pdf_extract::extract_text_from_mem_by_pages(&pdf)
        .unwrap()
        .iter()
        .map(|p| squash(p))
        .collect();
    let signed = pages
        .iter()
        .position(|p| p.contains("TrầnVănBình"))
        .unwrap();
    let lists: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].contains("DANHSÁCH"))
        .collect();
    assert_eq!(lists.len(), 2, "one list per award");
    assert!(lists[0] > signed, "the list after the signature");
    assert!(!pages[lists[0]].contains("Điều3."));
    assert!(
        pages[lists[0]].starts_with("DANHSÁCH")
            || pages[lists[0]].contains("DANHSÁCHLaođộngtiêntiếnnăm2025")
    );
    assert!(pages[lists[1]].contains("DANHSÁCHBằngkhen"));
    assert!(
        !pages[lists[1]].contains("NguyễnThịMai"),
        "the second list on a new page"
    );
}

#[test]
fn decision_docx_with_an_appendix_reads_back() {
    let bytes = decision_docx(&appendix_decision()).unwrap();
    let json = docx_rs::read_docx(&bytes).expect("readable DOCX").json();
    for needle in appendix_needles() {
        assert!(json.contains(&needle), "missing {needle} in the DOCX");
    }
    assert!(
        json.contains(r#""breakType": "page""#),
        "lists on new pages"
    );
    assert!(!json.contains("Khen thưởng các tập thể, cá nhân có thành tích như sau"));
    // The appendix follows the signature block.
    let signer = json.find("Trần Văn Bình").unwrap();
    assert!(json.find("DANH SÁCH").unwrap() > signer);
    assert!(json.find("Nguyễn Thị Mai 001").unwrap() > signer);
}

#[test]
fn decision_without_an_appendix_keeps_its_tables_in_article_1() {
    let d = decision();
    assert!(!needs_appendix(&d));
    let text = squash(&text_of(&decision_pdf(&d).unwrap()));
    assert!(text.contains("Điều1.Khenthưởngcáctậpthể,cánhâncóthànhtíchnhưsau:"));
    assert!(text.contains("1.BằngkhencủaChủtịchỦybannhândântỉnh"));
    for absent in ["DANHSÁCH", "kèmtheo", "Tổngcộng", "Cộng:"] {
        assert!(!text.contains(absent), "{absent} in {text}");
    }
    // Table order: Nguyễn Thị Hoa, then Rơ Mah Hlim, then "Cộng" and the group's sub-total.
    assert!(
        text.contains("RơMahHlimTrưởngphòng,SởYtế3.510.000Cộng7.020.000"),
        "{text}"
    );
    let docx = docx_rs::read_docx(&decision_docx(&d).unwrap())
        .unwrap()
        .json();
    assert!(docx.contains("Khen thưởng các tập thể, cá nhân có thành tích như sau:"));
    for absent in [
        "DANH SÁCH",
        "kèm theo",
        "Tổng cộng",
        "Cộng:",
        r#""breakType": "page""#,
    ] {
        assert!(!docx.contains(absent), "{absent} in the DOCX");
    }
}

#[test]
fn appendix_only_past_the_threshold() {
    let mut d = decision();
    let one = d.groups[0].awardees[0].clone();
    d.groups[0].awardees = vec![one.clone(); APPENDIX_AFTER - 1];
    assert!(!needs_appendix(&d), "29 + 1 awardees");
    d.groups[0].awardees.push(one);
    assert!(needs_appendix(&d), "30 + 1 awardees");
}

#[test]
fn stored_decisions_without_the_new_fields_still_read() {
    // A decision stored before the appendix: no appendix, year, competence_sentence,
    // group_totals, group or collective.
    let mut old = serde_json::to_value(decision()).unwrap();
    let o = old.as_object_mut().unwrap();
    for k in ["appendix", "year", "competence_sentence"] {
        assert!(o.remove(k).is_some(), "{k}");
    }
    for g in o["groups"].as_array_mut().unwrap() {
        let g = g.as_object_mut().unwrap();
        assert!(g.remove("group_totals").is_some());
        for a in g["awardees"].as_array_mut().unwrap() {
            let a = a.as_object_mut().unwrap();
            assert!(a.remove("group").is_some() && a.remove("collective").is_some());
        }
    }
    let text = old.to_string();
    assert!(!text.contains("appendix") && !text.contains("group_totals"));
    let back: DecisionDoc = serde_json::from_str(&text).unwrap();
    assert_eq!(back, decision());
    assert!(!back.appendix && back.year.is_none());
    // And the template reads such JSON as it did.
    let pdf = squash(&text_of(&pdf(Doc::Decision, &old).unwrap()));
    assert!(pdf.contains("RơMahHlim") && !pdf.contains("DANHSÁCH"));
}

fn council() -> CouncilMinutesDoc {
    let item = |nominee: &str, agree, passed| CouncilItem {
        nominee: nominee.to_string(),
        award: "Chiến sĩ thi đua cấp tỉnh".to_string(),
        agree,
        disagree: 11 - agree,
        threshold: "≥ 90% tổng số thành viên (10/11)".to_string(),
        passed,
    };
    CouncilMinutesDoc {
        authority: "Ủy ban nhân dân tỉnh Gia Lai".to_string(),
        council: "Hội đồng Thi đua - Khen thưởng tỉnh Gia Lai".to_string(),
        place_date: place_date("Gia Lai", 20, 11, 2026),
        title: "Phiên họp xét khen thưởng năm 2026".to_string(),
        members_total: 11,
        present: 9,
        written: 2,
        quorum: "Có mặt 9/11 thành viên, 2 thành viên có ý kiến bằng văn bản: đủ điều kiện (ít nhất 80%).".to_string(),
        rule_hash: "181cd7a2a9f175bc6a423a061ed0c768d720765d128eb353447f6489d75d0b96".to_string(),
        items: vec![item("Nguyễn Văn An", 11, true), item("Ksor Y Blang", 8, false)],
        secretary: "Lê Thị Thư".to_string(),
        chair: "Phạm Văn Chủ".to_string(),
    }
}

#[test]
fn council_minutes_show_counts_and_results() {
    let text = squash(&text_of(&council_minutes_pdf(&council()).unwrap()));
    for needle in [
        "BIÊNBẢNKIỂMPHIẾU",
        "HỘIĐỒNGTHIĐUA-KHENTHƯỞNGTỈNHGIALAI",
        "NguyễnVănAn",
        "KsorYBlang",
        "Đạt",
        "Khôngđạt",
        "72,7%",
        "181cd7a2a9f175bc",
        "LêThịThư",
        "PhạmVănChủ",
    ] {
        assert!(text.contains(needle), "missing {needle} in {text}");
    }
}

fn forward() -> ForwardListDoc {
    let row = |nominee: &str, verdict: &str| ForwardRow {
        nominee: nominee.to_string(),
        detail: "Giám đốc Sở Y tế".to_string(),
        award: "Bằng khen của Thủ tướng Chính phủ".to_string(),
        summary: "Hoàn thành xuất sắc nhiệm vụ 2 năm liên tục".to_string(),
        verdict: verdict.to_string(),
    };
    ForwardListDoc {
        authority: "Ủy ban nhân dân tỉnh Gia Lai".to_string(),
        number: "88/DS-UBND".to_string(),
        place_date: place_date("Gia Lai", 5, 1, 2027),
        to: "Kính gửi: Ban Thi đua - Khen thưởng Trung ương".to_string(),
        title: "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG".to_string(),
        subtitle: "(Kèm theo Tờ trình số 12/TTr-UBND)".to_string(),
        rows: vec![
            row("Đinh Văn Hùng", "Đủ điều kiện"),
            row("Siu H'Mai", "Đủ điều kiện"),
        ],
        signer_title: "CHỦ TỊCH".to_string(),
        signer_name: "Trương Văn Ký".to_string(),
    }
}

#[test]
fn forward_list_has_its_rows() {
    let pdf = forward_list_pdf(&forward()).unwrap();
    let text = squash(&text_of(&pdf));
    for needle in [
        "DANHSÁCHĐỀNGHỊKHENTHƯỞNG",
        "Số:88/DS-UBND",
        "Kínhgửi:BanThiđua-KhenthưởngTrungương",
        "ĐinhVănHùng",
        "SiuH'Mai",
        "BằngkhencủaThủtướngChínhphủ",
        "Đủđiềukiện",
        "TrươngVănKý",
    ] {
        assert!(text.contains(needle), "missing {needle} in {text}");
    }
}

/// Pages of a PDF file.
fn page_count(pdf: &[u8]) -> usize {
    pdf_extract::Document::load_mem(pdf)
        .expect("readable PDF")
        .get_pages()
        .len()
}

fn certificate(name: &str) -> CertificateData {
    let values = [
        ("recipient", name),
        ("detail", "Chuyên viên, Sở Nội vụ tỉnh Gia Lai"),
        ("achievement", "Đã có thành tích xuất sắc năm 2026"),
        ("decision", "Quyết định số 125/QĐ-UBND ngày 02/12/2026"),
        ("signer_title", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
        ("serial", "Số vào sổ: 0125"),
    ];
    CertificateData {
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        verify_url: format!("https://tdkt.example.vn/xac-minh/{}", name.len()),
    }
}

#[test]
fn certificates_one_page_each() {
    let t = CertificateTemplate::default_for("bang_khen_tinh");
    let names = ["Nguyễn Thị Hoa", "Rơ Mah Hlim", "Tập thể Phòng *Nội vụ* #1"];
    let items: Vec<_> = names.iter().map(|n| certificate(n)).collect();
    let pdf = certificate_pdf(&t, &items).unwrap();
    assert_eq!(page_count(&pdf), 3);
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    for (page, name) in pages.iter().zip(names) {
        assert!(
            squash(page).contains(&squash(name)),
            "{name} on its own page"
        );
    }
    let text = squash(&text_of(&pdf));
    for needle in names.iter().map(|n| squash(n)).chain([
        "Quyếtđịnhsố125/QĐ-UBND".to_string(),
        "https://tdkt.example.vn/xac-minh/".to_string(),
    ]) {
        assert!(text.contains(&needle), "missing {needle} in {text}");
    }
    assert!(certificate_pdf(&t, &[]).is_err());
}

#[test]
fn certificate_test_print_shows_the_labels() {
    for code in ["bang_khen_tinh", "giay_khen_so"] {
        let t = CertificateTemplate::default_for(code);
        t.check().unwrap();
        let text = squash(&text_of(&certificate_test_print(&t).unwrap()));
        for (_, label) in CERTIFICATE_KEYS {
            assert!(text.contains(&squash(label)), "missing {label} in {text}");
        }
        assert!(text.contains("MãQRxácminh"), "{text}");
        assert!(text.contains(&squash(&t.name)), "{text}");
    }
    assert_ne!(
        CertificateTemplate::default_for("giay_khen_so"),
        CertificateTemplate::default_for("bang_khen_tinh")
    );
}

#[test]
fn template_check_names_the_bad_field() {
    let good = CertificateTemplate::default_for("bang_khen");
    assert_eq!(good.check(), Ok(()));

    let mut t = good.clone();
    t.fields[1].x_mm = 150.0; // detail: 150 + 200 > 297
    let e = t.check().unwrap_err();
    assert!(
        e.contains("Chức vụ, đơn vị") && e.contains("ngoài trang"),
        "{e}"
    );

    let mut t = good.clone();
    t.fields[0].y_mm = 215.0;
    assert!(t.check().unwrap_err().contains("Họ tên / tên tập thể"));

    let mut t = good.clone();
    t.fields[2].size_pt = 80.0;
    assert!(t.check().unwrap_err().contains("Thành tích"));

    let mut t = good.clone();
    t.fields[3].width_mm = 0.0;
    assert!(t.check().unwrap_err().contains("place_date"));

    let mut t = good.clone();
    t.fields[4].align = "justify".to_string();
    assert!(t.check().unwrap_err().contains("justify"));

    let mut t = good.clone();
    t.fields[5].key = "photo".to_string();
    assert!(t.check().unwrap_err().contains("photo"));

    let mut t = good.clone();
    t.qr.size_mm = 8.0;
    assert!(t.check().unwrap_err().contains("Mã QR"));

    let mut t = good.clone();
    t.qr.x_mm = 280.0;
    assert!(t.check().unwrap_err().contains("Mã QR nằm ngoài trang"));

    let mut t = good.clone();
    t.fields[0].x_mm = f64::NAN;
    assert!(t.check().is_err());

    // Printing refuses a bad template with the same message.
    let mut t = good;
    t.fields[1].x_mm = 150.0;
    let e = certificate_pdf(&t, &[certificate("A")]).unwrap_err();
    assert!(e.to_string().contains("Chức vụ, đơn vị"), "{e}");
}

#[test]
fn money_in_figures_and_words() {
    for (n, s) in [
        (0, "0"),
        (5, "5"),
        (999, "999"),
        (1_000, "1.000"),
        (2_340_000, "2.340.000"),
        (12_636_000, "12.636.000"),
        (1_234_567_890, "1.234.567.890"),
        (-1_500, "-1.500"),
    ] {
        assert_eq!(vnd(n), s);
    }
    for (n, s) in [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (14, "Mười bốn đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi tư đồng"),
        (25, "Hai mươi lăm đồng"),
        (101, "Một trăm linh một đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (115, "Một trăm mười lăm đồng"),
        (1_000, "Một nghìn đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (2_340_000, "Hai triệu ba trăm bốn mươi nghìn đồng"),
        (3_510_000, "Ba triệu năm trăm mười nghìn đồng"),
        (12_636_000, "Mười hai triệu sáu trăm ba mươi sáu nghìn đồng"),
        (100_000_000, "Một trăm triệu đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (
            2_050_000_001,
            "Hai tỷ không trăm năm mươi triệu không trăm linh một đồng",
        ),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (-21_000, "Âm hai mươi mốt nghìn đồng"),
    ] {
        assert_eq!(vnd_words(n), s, "{n}");
    }
    assert!(vnd_words(i64::MIN).starts_with("Âm chín tỷ tỷ"));
}

#[test]
fn new_documents_route_through_pdf() {
    let text = squash(&text_of(&pdf(Doc::Decision, &decision()).unwrap()));
    assert!(text.contains("125/QĐ-UBND"));
    assert!(matches!(
        pdf(Doc::CouncilMinutes, &json!({"title": "thiếu"})),
        Err(DocError::Layout(_))
    ));
}
