//! The whole year-end round over real HTTP, on both backends: the board opens the 2025 round; a
//! department's clerk downloads the ratings template, uploads a broken file (nothing written,
//! row and column named) and a good one, computes the candidates, changes a selection (refused
//! without a reason), opens the council's vote; members vote in person, an absent member's
//! written vote is entered; the clerk closes and gets the minutes; the department's head issues
//! its LĐTT decision (PDF and DOCX); the clerk sends the rest up; the province's leader issues one
//! decision over that dossier and another department's.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use reqwest::StatusCode;
use reqwest::multipart::Part;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::access::Role;
use tdkt_domain::dossier::{State, Step};
use tdkt_domain::person::TaskRating;
use tdkt_store::{Actor, DossierMove, RatingRow, TitleRow};
use time::macros::date;

use crate::dossiers::pdf_text;
use crate::server::{Server, add_users, assert_ok_bytes, assert_redirect, assert_status};

on_both!(a_unit_rates_votes_decides_and_sends_up);

/// Rows of a ratings file: (name, rating, days absent, discipline, initiatives).
fn ratings_file(rows: &[(&str, &str, &str, &str, &str)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Đánh giá, xếp loại năm 2025")
        .unwrap();
    for (c, h) in [
        "STT",
        "Họ và tên",
        "Xếp loại",
        "Số ngày nghỉ",
        "Kỷ luật",
        "Sáng kiến",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let n = 3 + i as u32;
        ws.write_number(n, 0, (i + 1) as f64).unwrap();
        ws.write_string(n, 1, r.0).unwrap();
        ws.write_string(n, 2, r.1).unwrap();
        ws.write_string(n, 3, r.2).unwrap();
        ws.write_string(n, 4, r.3).unwrap();
        ws.write_string(n, 5, r.4).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn xlsx_part(bytes: Vec<u8>) -> Part {
    Part::bytes(bytes)
        .file_name("xep-loai.xlsx")
        .mime_str("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .unwrap()
}

/// The first number after `marker` in `page`.
fn id_after(page: &str, marker: &str) -> i64 {
    page.split(marker)
        .nth(1)
        .and_then(|x| {
            let digits: String = x.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse().ok()
        })
        .unwrap_or_else(|| panic!("no id after {marker} in {page}"))
}

async fn a_unit_rates_votes_decides_and_sends_up(b: Backend) {
    let s = Server::start(b).await;
    let store = s.t.store();
    let tinh_a = store.unit_by_code("tinh_a").await.unwrap();
    let so_a = store.unit_by_code("so_a").await.unwrap();
    let admin = tdkt_app::testing::principal(0, Role::Admin, tinh_a.id);
    add_users(
        &s.t,
        &[
            ("chuyenvien", "chuyen_vien_ban", "tinh_a"),
            ("lanhdao", "lanh_dao_ban", "tinh_a"),
            ("canbo_so", "can_bo_don_vi", "so_a"),
            ("giamdoc", "lanh_dao_ban", "so_a"),
            ("hd1", "thanh_vien_hoi_dong", "so_a"),
            ("hd2", "thanh_vien_hoi_dong", "so_a"),
            ("hd3", "thanh_vien_hoi_dong", "so_a"),
        ],
    )
    .await;
    // Three people of the department: Hoa excellent with two CSTĐ cơ sở behind her (Bằng khen
    // tỉnh), Lan good, Minh good; the history comes in by hand.
    let mut ids = Vec::new();
    for (name, gender) in [
        ("Lý Thị Hoa", "nu"),
        ("Phạm Thị Lan", "nu"),
        ("Đỗ Văn Minh", "nam"),
    ] {
        let x =
            s.t.app
                .create_person(
                    &admin,
                    tdkt_app::people::PersonInput {
                        full_name: name.into(),
                        gender: gender.into(),
                        unit_id: so_a.id,
                        position_since: Some("2018-01-01".into()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        ids.push(x.id);
    }
    let sys = Actor::system("test");
    for y in 2022..=2024 {
        store
            .put_ratings(
                &sys,
                ids[0],
                &[RatingRow {
                    year: y,
                    rating: TaskRating::Excellent,
                }],
            )
            .await
            .unwrap();
    }
    store
        .put_person_titles(
            &sys,
            ids[0],
            &[2023, 2024].map(|year| TitleRow {
                year,
                code: "chien_si_thi_dua_co_so".into(),
                decision: Some(format!("QĐ {year}")),
            }),
            &[],
        )
        .await
        .unwrap();
    s.t.app.set_clock(Some(date!(2025 - 12 - 10)));
    let sp = s.login("chuyenvien").await;
    let clerk = s.login("canbo_so").await;

    // ---- the board opens the round; the department takes part, not yet started
    let to = assert_redirect(
        sp.post_form(
            "/binh-xet",
            &[("co_quan", tinh_a.id.to_string().as_str()), ("nam", "2025")],
        )
        .await,
    )
    .await;
    let round: i64 = id_after(&to, "/binh-xet/");
    let overview = sp.get_text(&format!("/binh-xet/{round}")).await;
    assert!(
        overview.contains("Sở Nội vụ tỉnh Đắk Lắk") && overview.contains("Chưa bắt đầu"),
        "{overview}"
    );
    let ru = id_after(&overview, "/binh-xet/don-vi/");
    // A second round of the same year is refused, in Vietnamese, on the page.
    let again = sp
        .post_form(
            "/binh-xet",
            &[("co_quan", tinh_a.id.to_string().as_str()), ("nam", "2025")],
        )
        .await;
    let body = assert_status(again, StatusCode::CONFLICT).await;
    assert!(body.contains("đã mở đợt bình xét"), "{body}");
    // The clerk's list shows the round through the department.
    assert!(clerk.get_text("/binh-xet").await.contains("Tỉnh Đắk Lắk"));

    // ---- the ratings template lists the department's people
    let tpl = assert_ok_bytes(clerk.get(&format!("/binh-xet/don-vi/{ru}/mau.xlsx")).await).await;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(tpl)).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "Xếp loại"), "{cells:?}");
    for name in ["Lý Thị Hoa", "Phạm Thị Lan", "Đỗ Văn Minh"] {
        assert!(cells.iter().any(|c| c == name), "{name} in {cells:?}");
    }

    // ---- a broken file: the page names row and column, nothing is written
    let broken = ratings_file(&[
        ("Lý Thị Hoa", "HTXSNV", "", "", ""),
        ("Phạm Thị Lan", "XUẤT SẮC", "", "", ""),
        ("Đỗ Văn Minh", "HTTNV", "abc", "", ""),
    ]);
    let r = clerk
        .post_multipart(
            &format!("/binh-xet/don-vi/{ru}/tep"),
            clerk.multipart().part("tep", xlsx_part(broken)),
        )
        .await;
    let body = assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        body.contains("Dòng 5, cột «Xếp loại»") && body.contains("Dòng 6, cột «Số ngày nghỉ»"),
        "{body}"
    );
    assert!(
        store
            .person_ratings(ids[0])
            .await
            .unwrap()
            .iter()
            .all(|r| r.year != 2025)
    );

    // ---- the good file
    let good = ratings_file(&[
        ("Lý Thị Hoa", "HTXSNV", "", "", "Số hoá hồ sơ thi đua"),
        ("Phạm Thị Lan", "httnv", "3", "", ""),
        ("Đỗ Văn Minh", "Hoàn thành tốt nhiệm vụ", "", "", ""),
    ]);
    let to = assert_redirect(
        clerk
            .post_multipart(
                &format!("/binh-xet/don-vi/{ru}/tep"),
                clerk.multipart().part("tep", xlsx_part(good)),
            )
            .await,
    )
    .await;
    assert!(to.contains("tb="), "{to}");
    let page = clerk.get_text(&format!("/binh-xet/don-vi/{ru}")).await;
    assert!(page.contains("đã xếp loại 3"), "{page}");
    assert!(page.contains("Đang đánh giá, xếp loại"), "{page}");

    // ---- candidates: the engine's verdicts for every person and title
    assert_redirect(
        clerk
            .post_form(&format!("/binh-xet/don-vi/{ru}/tinh"), &[("x", "1")])
            .await,
    )
    .await;
    let page = clerk
        .get_text(&format!(
            "/binh-xet/don-vi/{ru}?danh_hieu=lao_dong_tien_tien"
        ))
        .await;
    assert!(
        page.contains("Lao động tiên tiến") && page.contains("Đủ điều kiện"),
        "{page}"
    );
    // Leaving Lan out of LĐTT (she is eligible) needs a reason.
    let lan_ldtt = {
        let row = page
            .split("<tr>")
            .find(|r| r.contains("Phạm Thị Lan") && r.contains("name=\"ids\""))
            .expect("Lan's LĐTT line");
        id_after(row, "name=\"ids\" value=\"")
    };
    let body = assert_status(
        clerk
            .post_form(
                &format!("/binh-xet/don-vi/{ru}/chon"),
                &[("ids", lan_ldtt.to_string().as_str())],
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("cần ghi lý do"), "{body}");
    assert_redirect(
        clerk
            .post_form(
                &format!("/binh-xet/don-vi/{ru}/chon"),
                &[
                    ("ids", lan_ldtt.to_string().as_str()),
                    (
                        &format!("ly_do_{lan_ldtt}"),
                        "Chuyển công tác từ tháng 10, đơn vị mới xét",
                    ),
                ],
            )
            .await,
    )
    .await;

    // ---- the council's vote
    assert_redirect(
        clerk
            .post_form(
                &format!("/binh-xet/don-vi/{ru}/bo-phieu"),
                &[("buoc", "mo")],
            )
            .await,
    )
    .await;
    let hd1 = s.login("hd1").await;
    let ballot = hd1.get_text(&format!("/binh-xet/don-vi/{ru}")).await;
    assert!(
        ballot.contains("Gửi phiếu") && ballot.contains("Lý Thị Hoa"),
        "{ballot}"
    );
    assert!(
        !ballot.contains(&format!("name=\"p_{lan_ldtt}\"")),
        "a deselected line is not on the paper"
    );
    // Everyone's paper agrees with every line: the form's default.
    let agree_all = |page: &str| -> Vec<(String, String)> {
        page.split("name=\"p_")
            .skip(1)
            .filter_map(|x| x.split('"').next())
            .map(|id| (format!("p_{id}"), "dong_y".to_string()))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .collect()
    };
    let paper = agree_all(&ballot);
    assert!(!paper.is_empty());
    assert_redirect(
        hd1.post_form(&format!("/binh-xet/don-vi/{ru}/phieu"), &paper)
            .await,
    )
    .await;
    // A second paper from the same member is refused.
    let twice = hd1
        .post_form(&format!("/binh-xet/don-vi/{ru}/phieu"), &paper)
        .await;
    assert_status(twice, StatusCode::CONFLICT).await;
    let hd2 = s.login("hd2").await;
    assert_redirect(
        hd2.post_form(&format!("/binh-xet/don-vi/{ru}/phieu"), &paper)
            .await,
    )
    .await;
    let hd3 = store.user_by_username("hd3").await.unwrap().unwrap();
    let mut written = paper.clone();
    written.push(("thanh_vien".into(), hd3.id.to_string()));
    assert_redirect(
        clerk
            .post_form(&format!("/binh-xet/don-vi/{ru}/phieu"), &written)
            .await,
    )
    .await;
    let roll = clerk.get_text(&format!("/binh-xet/don-vi/{ru}")).await;
    assert!(roll.contains("Gửi phiếu bằng văn bản"), "{roll}");
    assert_redirect(
        clerk
            .post_form(
                &format!("/binh-xet/don-vi/{ru}/bo-phieu"),
                &[("buoc", "dong")],
            )
            .await,
    )
    .await;
    let minutes = assert_ok_bytes(
        clerk
            .get(&format!("/binh-xet/don-vi/{ru}/bien-ban.pdf"))
            .await,
    )
    .await;
    let text = pdf_text(&minutes);
    assert!(
        text.contains("ĐắkLắk,ngày")
            && text.contains("Kếtquảkiểmphiếu(4/4trườnghợpđạt)")
            && text.contains("ĐỗVănMinhLaođộngtiêntiến"),
        "{text}"
    );

    // ---- the department's head issues its LĐTT decision
    let head = s.login("giamdoc").await;
    let page = head.get_text(&format!("/binh-xet/don-vi/{ru}")).await;
    assert!(page.contains("Ban hành quyết định"), "{page}");
    assert_redirect(
        head.post_form(
            &format!("/binh-xet/don-vi/{ru}/quyet-dinh"),
            &[
                ("danh_hieu", "lao_dong_tien_tien"),
                ("ngay_ky", "2025-12-10"),
                ("nguoi_ky", "Trần Văn Giám"),
                ("chuc_vu", "GIÁM ĐỐC"),
            ],
        )
        .await,
    )
    .await;
    let page = head
        .get_text(&format!("/binh-xet/don-vi/{ru}#quyet-dinh"))
        .await;
    let dec = id_after(&page, "/quyet-dinh/");
    let pdf = assert_ok_bytes(head.get(&format!("/quyet-dinh/{dec}/tep.pdf")).await).await;
    let text = pdf_text(&pdf);
    assert!(
        text.contains("LaođộngtiêntiếnLýThịHoa")
            || (text.contains("LýThịHoa") && text.contains("ĐỗVănMinh")),
        "{text}"
    );
    assert!(!text.contains("PhạmThịLan"), "Lan was left out: {text}");
    let docx = assert_ok_bytes(head.get(&format!("/quyet-dinh/{dec}/tep.docx")).await).await;
    assert!(docx.starts_with(b"PK"));
    // Hoa and Minh hold LĐTT 2025 now; Lan does not.
    let ldtt_2025 = |t: &[TitleRow]| {
        t.iter()
            .any(|t| t.year == 2025 && t.code == "lao_dong_tien_tien")
    };
    assert!(ldtt_2025(&store.person_titles(ids[0]).await.unwrap()));
    assert!(ldtt_2025(&store.person_titles(ids[2]).await.unwrap()));
    assert!(!ldtt_2025(&store.person_titles(ids[1]).await.unwrap()));
    // Another province's board sees nothing of it.
    add_users(&s.t, &[("chuyenvien_b", "chuyen_vien_ban", "tinh_b")]).await;
    let other = s.login("chuyenvien_b").await;
    assert_status(
        other.get(&format!("/binh-xet/don-vi/{ru}")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_status(
        other.get(&format!("/quyet-dinh/{dec}/tep.pdf")).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // ---- the rest goes up: one dossier to the province, minutes and list attached
    let to = assert_redirect(
        clerk
            .post_form(&format!("/binh-xet/don-vi/{ru}/gui"), &[("x", "1")])
            .await,
    )
    .await;
    assert!(to.contains("tb="), "{to}");
    let page = clerk.get_text(&format!("/binh-xet/{round}")).await;
    assert!(page.contains("Đã gửi cấp trên"), "{page}");
    let sent = store
        .list_dossiers(&tdkt_store::DossierFilter {
            unit_roots: Some(vec![so_a.id]),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let d = store.dossier(sent[0].id).await.unwrap();
    assert_eq!(d.authority_id, tinh_a.id);
    assert!(
        d.nominees
            .iter()
            .any(|n| n.award_code == "bang_khen_tinh" && n.person_id == Some(ids[0]))
    );
    assert!(
        d.nominees.iter().all(|n| n.verdict.is_some()),
        "verdicts carried"
    );
    let docs = store.dossier_documents(d.id).await.unwrap();
    assert_eq!(docs.len(), 2, "{docs:?}");

    // ---- the province decides that dossier with another department's in one decision. The
    // dossier workflow up to approval is tested on its own; here both are moved there directly.
    let so_b =
        s.t.app
            .create_unit(
                &admin,
                tdkt_app::units::UnitInput {
                    code: "so_b".into(),
                    kind: "so_nganh".into(),
                    name: "Sở Y tế tỉnh Đắk Lắk".into(),
                    parent_id: Some(tinh_a.id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    let nurse =
        s.t.app
            .create_person(
                &admin,
                tdkt_app::people::PersonInput {
                    full_name: "Võ Thị Thu".into(),
                    gender: "nu".into(),
                    unit_id: so_b.id,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    add_users(&s.t, &[("canbo_yte", "can_bo_don_vi", "so_b")]).await;
    let clerk_b = s.login("canbo_yte").await;
    let to = assert_redirect(
        clerk_b
            .post_form(
                "/ho-so/moi",
                &[
                    ("don_vi", so_b.id.to_string().as_str()),
                    ("trich_yeu", "Đề nghị tặng Bằng khen năm 2025 — Sở Y tế"),
                    ("loai_hinh", "cong_trang"),
                    ("nam", "2025"),
                    ("doi_tuong_0", format!("p:{}", nurse.id).as_str()),
                    ("khen_thuong_0", "bang_khen_tinh"),
                    (
                        "thanh_tich_0",
                        "Dẫn đầu phong trào chăm sóc người bệnh năm 2025",
                    ),
                ],
            )
            .await,
    )
    .await;
    let other_id: i64 = id_after(&to, "/ho-so/");
    let to_state = |cur: &tdkt_store::DossierRow, to: State, step: Step| DossierMove {
        expected_version: cur.version,
        from: cur.state,
        to,
        step,
        reason: None,
        today: date!(2025 - 12 - 10),
        due_on: None,
        consultation_until: None,
        revoke_awards: false,
    };
    for id in [d.id, other_id] {
        let cur = store.dossier(id).await.unwrap();
        store
            .move_dossier(
                &sys,
                id,
                to_state(&cur, State::UnderAppraisal, Step::StartAppraisal),
            )
            .await
            .unwrap();
        // Appraisal passed every nominee (the decision grants those).
        for n in &cur.nominees {
            let v = store.dossier(id).await.unwrap().version;
            store
                .appraise(
                    &sys,
                    id,
                    &tdkt_store::Appraisal {
                        expected_version: v,
                        nominee_id: n.id,
                        verdict: tdkt_domain::dossier::NomineeVerdict::Eligible,
                        verdict_json: "{}".into(),
                        result: tdkt_domain::dossier::AppraisalResult::Passed,
                        override_reason: None,
                        by: None,
                    },
                )
                .await
                .unwrap();
        }
        let cur = store.dossier(id).await.unwrap();
        store
            .move_dossier(&sys, id, to_state(&cur, State::Approved, Step::Approve))
            .await
            .unwrap();
    }
    let lead = s.login("lanhdao").await;
    let form = lead.get_text("/ho-so/quyet-dinh-chung").await;
    assert!(
        form.contains("Sở Nội vụ tỉnh Đắk Lắk") && form.contains("Sở Y tế tỉnh Đắk Lắk"),
        "{form}"
    );
    let chosen: Vec<(String, String)> = form
        .split("name=\"hs\" value=\"")
        .skip(1)
        .filter_map(|x| x.split('"').next())
        .map(|v| ("hs".to_string(), v.to_string()))
        .collect();
    assert_eq!(chosen.len(), 2, "{form}");
    let mut post = chosen.clone();
    post.extend([
        ("ngay_ky".to_string(), "2025-12-10".to_string()),
        ("nguoi_ky".to_string(), "Nguyễn Văn Ký".to_string()),
        ("chuc_vu".to_string(), "CHỦ TỊCH".to_string()),
    ]);
    assert_redirect(lead.post_form("/ho-so/quyet-dinh-chung", &post).await).await;
    let a = store
        .decision_of(d.id)
        .await
        .unwrap()
        .expect("decision of the round's dossier");
    let b2 = store
        .decision_of(other_id)
        .await
        .unwrap()
        .expect("decision of the other");
    assert_eq!(a.id, b2.id, "one decision covers both dossiers");
    assert_eq!(store.decision_dossiers(a.id).await.unwrap().len(), 2);
    for id in [d.id, other_id] {
        assert_eq!(
            store.dossier(id).await.unwrap().state,
            State::DecisionIssued
        );
    }
    let pdf = assert_ok_bytes(lead.get(&format!("/quyet-dinh/{}/tep.pdf", a.id)).await).await;
    let text = pdf_text(&pdf);
    assert!(
        text.contains("SởNộivụtỉnhĐắkLắk")
            && text.contains("SởYtếtỉnhĐắkLắk")
            && text.contains("VõThịThu"),
        "{text}"
    );
}
