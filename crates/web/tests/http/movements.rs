//! The whole path of an emulation movement over real HTTP, on both backends: the board drafts
//! it on the form, completes the launch decision through the API, launches it and uploads the
//! decision; the public sees it (and nothing private); a department's clerk registers by form
//! and by the XLSX template (a broken file writes nothing), reports late; the board follows the
//! registration overview and the matrix, holds the mid-term review and opens the dossier from it.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use reqwest::StatusCode;
use reqwest::multipart::Part;
use serde_json::{Value, json};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use time::macros::date;

use crate::server::{Server, add_users, assert_ok_bytes, assert_redirect, assert_status};

on_both!(a_movement_goes_from_draft_to_a_review_dossier);

const NAME: &str = "Thi đua chuyển đổi số năm 2026";

async fn a_movement_goes_from_draft_to_a_review_dossier(b: Backend) {
    let s = Server::start(b).await;
    add_users(
        &s.t,
        &[
            ("chuyenvien", "chuyen_vien_ban", "tinh_a"),
            ("canbo_so", "can_bo_don_vi", "so_a"),
        ],
    )
    .await;
    let so_a = s.t.store().unit_by_code("so_a").await.unwrap();
    let admin = tdkt_app::testing::principal(0, tdkt_domain::access::Role::Admin, so_a.id);
    let person =
        s.t.app
            .create_person(
                &admin,
                tdkt_app::people::PersonInput {
                    full_name: "Trần Thị Bình".into(),
                    gender: "nu".into(),
                    unit_id: so_a.id,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    s.t.app.set_clock(Some(date!(2026 - 02 - 01)));
    let sp = s.login("chuyenvien").await;
    let clerk = s.login("canbo_so").await;

    // ---- the board drafts the movement on the form (no launch decision yet)
    let form = assert_status(sp.get("/phong-trao/moi").await, StatusCode::OK).await;
    assert!(
        form.contains("Đơn vị phát động") && form.contains("Tỉnh Đắk Lắk"),
        "{form}"
    );
    let tinh_a = s.t.store().unit_by_code("tinh_a").await.unwrap();
    let to = assert_redirect(
        sp.post_form(
            "/phong-trao",
            &[
                ("don_vi", tinh_a.id.to_string().as_str()),
                ("ten", NAME),
                (
                    "muc_tieu",
                    "Mọi hồ sơ khen thưởng được tiếp nhận trực tuyến",
                ),
                ("cap", "bo_tinh"),
                ("loai", "chuyen_de"),
                ("pham_vi", "bo_tinh"),
                ("tu_ngay", "2026-01-15"),
                ("den_ngay", "2026-12-31"),
                ("doi_tuong", "cay_don_vi"),
                ("tc_danh_hieu", "bang_khen_tinh"),
                ("tc_noi_dung", "Dẫn đầu về hồ sơ trực tuyến"),
                ("tc_bat_buoc", "co"),
                ("tc_can_cu", ""),
                ("moc_loai", "so_ket"),
                ("moc_ten", "Sơ kết 6 tháng"),
                ("moc_han", "2026-06-30"),
                ("ct_ma", "ho_so_truc_tuyen"),
                ("ct_ten", "Số hồ sơ trực tuyến"),
                ("ct_loai", "so"),
                ("ct_chi_tieu", "10"),
            ],
        )
        .await,
    )
    .await;
    let id: i64 = to
        .trim_start_matches("/phong-trao/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let page = sp.get_text(&format!("/phong-trao/{id}")).await;
    assert!(
        page.contains(NAME) && page.contains("Dự thảo") && page.contains("Phát động"),
        "{page}"
    );
    // A draft is the board's: not the clerk's, not the public's.
    assert_status(
        clerk.get(&format!("/phong-trao/{id}")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        !s.visitor()
            .get_text("/cong-khai/phong-trao")
            .await
            .contains(NAME)
    );

    // ---- launching without the decision is refused and says what is missing
    let refused = sp
        .post_form(
            &format!("/phong-trao/{id}/buoc"),
            &[("buoc", "phat_dong"), ("phien_ban", "1")],
        )
        .await;
    let body = assert_status(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(body.contains("số, ký hiệu quyết định"), "{body}");

    // ---- the decision is completed through the API, then the movement is launched
    let api = s.api("chuyenvien").await;
    let view = api.get_json(&format!("/api/v1/movements/{id}")).await;
    let m = &view["movement"];
    let mut input = json!({
        "code": m["code"], "name": NAME, "goals": m["goals"], "authority_id": tinh_a.id,
        "level": "bo_tinh", "kind": "chuyen_de", "scope": "bo_tinh",
        "starts_on": "2026-01-15", "ends_on": "2026-12-31",
        "decision_number": "12/KH-UBND", "decision_date": "2026-01-10",
        "decision_signer": "Chủ tịch UBND tỉnh",
        "target_kind": "cay_don_vi", "target_unit_id": tinh_a.id,
        "milestones": [{"kind": "so_ket", "name": "Sơ kết 6 tháng", "due_on": "2026-06-30"}],
        "indicators": [{"code": "ho_so_truc_tuyen", "name": "Số hồ sơ trực tuyến", "measure": "so", "target": 10.0}],
    });
    let r = api
        .put_json(&format!("/api/v1/movements/{id}?version=1"), &input)
        .await;
    let updated: Value = serde_json::from_str(&assert_status(r, StatusCode::OK).await).unwrap();
    assert_eq!(updated["version"], 2);
    // A stale version is a conflict.
    input["name"] = json!("Tên khác");
    let r = api
        .put_json(&format!("/api/v1/movements/{id}?version=1"), &input)
        .await;
    assert_status(r, StatusCode::CONFLICT).await;
    assert_redirect(
        sp.post_form(
            &format!("/phong-trao/{id}/buoc"),
            &[("buoc", "phat_dong"), ("phien_ban", "2")],
        )
        .await,
    )
    .await;
    let pdf = b"%PDF-1.4\n% ke hoach phat dong\n%%EOF\n".to_vec();
    let up = sp.multipart().part(
        "tep",
        Part::bytes(pdf.clone())
            .file_name("ke-hoach-12.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    assert_redirect(
        sp.post_multipart(&format!("/phong-trao/{id}/van-ban"), up)
            .await,
    )
    .await;
    assert_redirect(
        sp.post_form(
            &format!("/phong-trao/{id}/buoc"),
            &[("buoc", "trien_khai"), ("phien_ban", "3")],
        )
        .await,
    )
    .await;

    // ---- the public list and page: launched facts and the decision, nothing private
    let visitor = s.visitor();
    let list = visitor.get_text("/cong-khai/phong-trao").await;
    assert!(list.contains(NAME) && list.contains("12/KH-UBND"), "{list}");
    let public = visitor
        .get_text(&format!("/cong-khai/phong-trao/{id}"))
        .await;
    assert!(public.contains("Tỉnh Đắk Lắk") && public.contains("Sơ kết 6 tháng"));
    let file = assert_ok_bytes(
        visitor
            .get(&format!("/cong-khai/phong-trao/{id}/van-ban"))
            .await,
    )
    .await;
    assert_eq!(file, pdf);
    let public_api = s
        .api_without_token()
        .get_json("/api/v1/public/movements")
        .await;
    assert_eq!(public_api["total"], 1);

    // ---- the clerk registers by form, then by the template (a broken file writes nothing)
    let mine = clerk.get_text(&format!("/phong-trao/{id}")).await;
    assert!(
        mine.contains("Đơn vị của tôi") && mine.contains("Sở Nội vụ tỉnh Đắk Lắk"),
        "{mine}"
    );
    let reg_path = format!("/phong-trao/{id}/dang-ky/{}", so_a.id);
    let reg_page = clerk.get_text(&format!("{reg_path}?nam=2026")).await;
    assert!(
        reg_page.contains("Trần Thị Bình") && reg_page.contains("31/03/2026"),
        "{reg_page}"
    );
    let cn = format!("cn_{}", person.id);
    assert_redirect(
        clerk
            .post_form(
                &reg_path,
                &[
                    ("nam", "2026"),
                    ("tap_the", "tap_the_lao_dong_tien_tien"),
                    (cn.as_str(), "lao_dong_tien_tien"),
                ],
            )
            .await,
    )
    .await;
    let bad = clerk.multipart().text("nam", "2026").part(
        "tep",
        Part::bytes(b"not a workbook".to_vec()).file_name("dang-ky.xlsx"),
    );
    let body = assert_status(
        clerk.post_multipart(&format!("{reg_path}/tep"), bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(body.contains("không phải là bảng tính XLSX"), "{body}");
    let template = assert_ok_bytes(clerk.get(&format!("{reg_path}/mau.xlsx")).await).await;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(template)).unwrap();
    let rows: Vec<Vec<String>> = wb
        .worksheet_range_at(0)
        .unwrap()
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[0],
        ["doi_tuong", "ho_ten", "cccd", "ma_don_vi", "danh_hieu"]
    );
    assert_eq!(rows[1][0], "tap_the");
    assert_eq!(
        (rows[2][0].as_str(), rows[2][1].as_str()),
        ("ca_nhan", "Trần Thị Bình")
    );
    // Fill the title column and send the template back.
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    ws.write_string(1, 4, "Tập thể lao động xuất sắc").unwrap();
    ws.write_string(2, 4, "chien_si_thi_dua_co_so").unwrap();
    let filled = out.save_to_buffer().unwrap();
    let up = clerk
        .multipart()
        .text("nam", "2026")
        .part("tep", Part::bytes(filled).file_name("dang-ky.xlsx"));
    assert_redirect(clerk.post_multipart(&format!("{reg_path}/tep"), up).await).await;
    let reg_page = clerk.get_text(&format!("{reg_path}?nam=2026")).await;
    assert!(
        reg_page.contains("Các lần đăng ký (2)") && reg_page.contains("Chiến sĩ thi đua cơ sở"),
        "{reg_page}"
    );

    // ---- the board's overview: registered on time, totals by title
    let o = sp
        .get_text(&format!("/phong-trao/{id}/dang-ky?nam=2026"))
        .await;
    assert!(
        o.contains("Đã nộp đúng hạn") && o.contains("Tập thể lao động xuất sắc"),
        "{o}"
    );

    // ---- the clerk reports after the due date: late in the matrix, figures summed
    let view = api.get_json(&format!("/api/v1/movements/{id}")).await;
    let ms = view["movement"]["milestones"][0]["id"].as_i64().unwrap();
    let ind = view["movement"]["indicators"][0]["id"].as_i64().unwrap();
    s.t.app.set_clock(Some(date!(2026 - 07 - 03)));
    let report = clerk
        .multipart()
        .text(
            "noi_dung",
            "Đã tiếp nhận trực tuyến 12 hồ sơ trong 6 tháng đầu năm",
        )
        .text(format!("ct_{ind}_dat"), "12")
        .part(
            "tep",
            Part::bytes(b"%PDF-1.4\n% bao cao\n%%EOF\n".to_vec()).file_name("bao-cao.pdf"),
        );
    assert_redirect(
        clerk
            .post_multipart(
                &format!("/phong-trao/{id}/bao-cao/{ms}/{}", so_a.id),
                report,
            )
            .await,
    )
    .await;
    // A second file through the API: the report keeps its text and figures.
    let clerk_api = s.api("canbo_so").await;
    let r = clerk_api
        .post_body(
            &format!(
                "/api/v1/movements/{id}/reports/{ms}/{}/files?filename=anh.png",
                so_a.id
            ),
            Some("application/octet-stream"),
            b"\x89PNG\r\n\x1a\n tiny".to_vec(),
        )
        .await;
    let rep: Value = serde_json::from_str(&assert_status(r, StatusCode::CREATED).await).unwrap();
    assert_eq!(rep["files"].as_array().unwrap().len(), 2);
    assert_eq!(rep["values"][0]["achieved"], 12.0);
    assert_eq!(rep["version"], 2);
    let matrix = sp.get_text(&format!("/phong-trao/{id}/tien-do")).await;
    assert!(
        matrix.contains("Nộp muộn") && matrix.contains("12 / 10 (120%)"),
        "{matrix}"
    );
    let progress = api
        .get_json(&format!("/api/v1/movements/{id}/progress"))
        .await;
    assert_eq!(progress["rows"][0]["cells"][0][0], "nop_muon");

    // ---- mid-term review, and the dossier opened from it
    let v = api.get_json(&format!("/api/v1/movements/{id}")).await;
    let version = v["movement"]["version"].as_i64().unwrap().to_string();
    assert_redirect(
        sp.post_form(
            &format!("/phong-trao/{id}/buoc"),
            &[("buoc", "so_ket"), ("phien_ban", version.as_str())],
        )
        .await,
    )
    .await;
    let to = assert_redirect(
        sp.post_form(
            &format!("/phong-trao/{id}/de-nghi"),
            &[
                (
                    "trich_yeu",
                    "Đề nghị tặng Bằng khen tại sơ kết phong trào chuyển đổi số",
                ),
                ("loai_hinh", "chuyen_de"),
                ("hinh_thuc", "bang_khen_tinh"),
                ("don_vi", so_a.id.to_string().as_str()),
                (
                    "thanh_tich",
                    "Vượt chỉ tiêu hồ sơ trực tuyến 6 tháng đầu năm",
                ),
            ],
        )
        .await,
    )
    .await;
    assert!(to.starts_with("/ho-so/"), "{to}");
    let dossier_page = sp.get_text(to.split('?').next().unwrap()).await;
    assert!(
        dossier_page.contains("theo phong trào") && dossier_page.contains(NAME),
        "{dossier_page}"
    );
    let did = to.trim_start_matches("/ho-so/").split('?').next().unwrap();
    let d = api.get_json(&format!("/api/v1/dossiers/{did}")).await;
    assert_eq!(d["dossier"]["movement_id"], id);
    assert_eq!(d["dossier"]["kind"], "chuyen_de");
    assert_eq!(d["dossier"]["state"], "da_tiep_nhan");
}
