//! The whole path of a nomination dossier over real HTTP, on both backends: the clerk drafts and
//! submits with documents, two specialists race to receive it (one wins, one is told why),
//! appraisal with an override reason, return for supplement and a new version of a document,
//! public consultation with a comment from an anonymous visitor, the council's secret vote with
//! one written vote, the leader's approval and decision, the decision PDF and DOCX, the
//! certificate PDF whose QR address verifies publicly, the register search and its XLSX export.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use tdkt_app::accounts::UserInput;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::{PASSWORD, Server, hidden};

on_both!(
    dossier_from_draft_to_printed_certificate,
    sudden_commendation_through_the_api
);

const CCCD: &str = "066085000123";

fn pdf_bytes(label: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {label}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n").into_bytes()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn text(r: reqwest::Response) -> String {
    r.text().await.unwrap()
}

/// The dossier's current version, as the page's step forms carry it.
fn version(page: &str) -> String {
    hidden(page, "phien_ban")
}

/// The value after `marker` up to the next `"`.
fn after<'a>(page: &'a str, marker: &str) -> &'a str {
    page.split(marker)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no {marker} in page"))
}

async fn step(
    s: &Server,
    c: &reqwest::Client,
    csrf: &str,
    id: i64,
    step: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let page = text(c.get(s.url(&format!("/ho-so/{id}"))).send().await.unwrap()).await;
    let v = version(&page);
    let mut form = vec![("_csrf", csrf), ("buoc", step), ("phien_ban", v.as_str())];
    form.extend_from_slice(extra);
    c.post(s.url(&format!("/ho-so/{id}/buoc")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn ok_step(
    s: &Server,
    c: &reqwest::Client,
    csrf: &str,
    id: i64,
    name: &str,
    extra: &[(&str, &str)],
) {
    let r = step(s, c, csrf, id, name, extra).await;
    let status = r.status();
    let body = text(r).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "step {name}: {body}");
}

/// Uploads a file as `who` (a client and its CSRF token).
async fn upload(
    s: &Server,
    (c, csrf): (&reqwest::Client, &str),
    id: i64,
    slot: &str,
    doc: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut form = Form::new()
        .text("_csrf", csrf.to_string())
        .text("loai", slot.to_string())
        .part(
            "tep",
            Part::bytes(bytes)
                .file_name(name.to_string())
                .mime_str("application/pdf")
                .unwrap(),
        );
    if let Some(d) = doc {
        form = form.text("tai_lieu", d.to_string());
    }
    c.post(s.url(&format!("/ho-so/{id}/tai-lieu")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn dossier_from_draft_to_printed_certificate(b: Backend) {
    let s = Server::start(b).await;
    let a = s.t.store().unit_by_code("tinh_a").await.unwrap();
    for (user, role) in [
        ("chuyenvien", "chuyen_vien_ban"),
        ("chuyenvien2", "chuyen_vien_ban"),
        ("lanhdao", "lanh_dao_ban"),
        ("hoidong1", "thanh_vien_hoi_dong"),
        ("hoidong2", "thanh_vien_hoi_dong"),
        ("hoidong3", "thanh_vien_hoi_dong"),
    ] {
        s.t.app
            .create_user(
                None,
                UserInput {
                    username: user.into(),
                    display_name: format!("Người {user}"),
                    password: PASSWORD.into(),
                    grants: vec![(role.into(), "tinh_a".into())],
                },
            )
            .await
            .unwrap();
    }
    // The nominee: the person of tinh_a, with an identity number the public must never see.
    let duc =
        s.t.store()
            .search_people(&tdkt_store::PersonFilter {
                q: None,
                under_unit: Some(a.id),
                scope: None,
                paging: tdkt_store::Paging::new(Some(1), Some(10)),
            })
            .await
            .unwrap()
            .items
            .remove(0);
    let admin = tdkt_app::testing::principal(
        0,
        tdkt_domain::access::Role::Admin,
        s.t.store().unit_by_code("vn").await.unwrap().id,
    );
    s.t.app
        .update_person(
            &admin,
            duc.id,
            tdkt_app::people::PersonPatch {
                cccd: Some(CCCD.into()),
                birth: Some("1985-04-02".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    // ---- the clerk drafts the dossier
    let (clerk, clerk_csrf) = s.login("canbo").await;
    let form = text(clerk.get(s.url("/ho-so/moi")).send().await.unwrap()).await;
    assert!(
        form.contains(&format!("p:{}", duc.id))
            && form.contains("Bằng khen của Chủ tịch UBND cấp tỉnh")
            || form.contains("bang_khen_tinh"),
        "{form}"
    );
    let year = tdkt_app::today().year().to_string();
    let r = clerk
        .post(s.url("/ho-so/moi"))
        .form(&[
            ("_csrf", clerk_csrf.as_str()),
            ("don_vi", &a.id.to_string()),
            ("trich_yeu", "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh"),
            ("loai_hinh", "cong_trang"),
            ("nam", &year),
            ("doi_tuong_0", &format!("p:{}", duc.id)),
            ("khen_thuong_0", "bang_khen_tinh"),
            (
                "thanh_tich_0",
                "Hoàn thành xuất sắc nhiệm vụ hai năm liên tục, dẫn đầu phong trào chuyển đổi số",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = loc
        .trim_start_matches("/ho-so/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Submitting without documents is refused and says what is missing.
    let r = step(&s, &clerk, &clerk_csrf, id, "gui", &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(r).await;
    assert!(
        body.contains("Hồ sơ còn thiếu") && body.contains("Tờ trình"),
        "{body}"
    );
    // A file that only claims to be a PDF is refused by its content.
    let r = upload(
        &s,
        (&clerk, &clerk_csrf),
        id,
        "to_trinh",
        None,
        "to-trinh.pdf",
        b"<html>not a pdf</html>".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("không phải PDF"));
    for (slot, name) in [
        ("to_trinh", "to-trinh.pdf"),
        ("bao_cao_thanh_tich", "bao-cao.pdf"),
    ] {
        let r = upload(
            &s,
            (&clerk, &clerk_csrf),
            id,
            slot,
            None,
            name,
            pdf_bytes(name),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    }
    ok_step(&s, &clerk, &clerk_csrf, id, "gui", &[]).await;

    // ---- two specialists receive at the same time: one wins, the other is told why
    let (sp, sp_csrf) = s.login("chuyenvien").await;
    let (sp2, sp2_csrf) = s.login("chuyenvien2").await;
    let inbox = text(sp.get(s.url("/ho-so")).send().await.unwrap()).await;
    assert!(
        inbox.contains("Chờ tiếp nhận") && inbox.contains(&format!("/ho-so/{id}")),
        "{inbox}"
    );
    let page = text(sp.get(s.url(&format!("/ho-so/{id}"))).send().await.unwrap()).await;
    let v = version(&page);
    let send = |c: reqwest::Client, csrf: String, v: String| {
        let url = s.url(&format!("/ho-so/{id}/buoc"));
        async move {
            c.post(url)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("buoc", "tiep_nhan"),
                    ("phien_ban", v.as_str()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let (r1, r2) = tokio::join!(
        send(sp.clone(), sp_csrf.clone(), v.clone()),
        send(sp2.clone(), sp2_csrf.clone(), v.clone())
    );
    let statuses = [r1.status(), r2.status()];
    assert!(
        statuses.contains(&StatusCode::SEE_OTHER) && statuses.contains(&StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let loser = if r1.status() == StatusCode::CONFLICT {
        r1
    } else {
        r2
    };
    let msg = text(loser).await;
    assert!(
        msg.contains("vừa được người khác cập nhật") && msg.contains("Đã tiếp nhận"),
        "{msg}"
    );

    ok_step(&s, &sp, &sp_csrf, id, "tham_dinh", &[]).await;
    // Return for supplement: the reason is required.
    let r = step(&s, &sp, &sp_csrf, id, "tra_lai", &[("ly_do", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    ok_step(
        &s,
        &sp,
        &sp_csrf,
        id,
        "tra_lai",
        &[("ly_do", "Báo cáo thành tích thiếu xác nhận của thủ trưởng")],
    )
    .await;
    // The clerk sends a new version of the report; the first stays.
    let page = text(
        clerk
            .get(s.url(&format!("/ho-so/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        page.contains("Báo cáo thành tích thiếu xác nhận"),
        "the reason is on the timeline"
    );
    let report_doc = page
        .split("name=\"tai_lieu\" value=\"")
        .nth(2)
        .and_then(|x| x.split('"').next())
        .expect("second document's id")
        .to_string();
    let r = upload(
        &s,
        (&clerk, &clerk_csrf),
        id,
        "bao_cao_thanh_tich",
        Some(&report_doc),
        "bao-cao-co-xac-nhan.pdf",
        pdf_bytes("v2"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    ok_step(&s, &clerk, &clerk_csrf, id, "gui_bo_sung", &[]).await;
    let page = text(sp.get(s.url(&format!("/ho-so/{id}"))).send().await.unwrap()).await;
    assert!(
        page.contains("Bản 1: bao-cao.pdf") && page.contains("Bản 2: bao-cao-co-xac-nhan.pdf"),
        "{page}"
    );
    let first_report = after(&page, "Bản 2: bao-cao-co-xac-nhan.pdf");
    let _ = first_report;
    // Every version still downloads, byte for byte.
    let hrefs: Vec<String> = page
        .split(&format!("href=\"/ho-so/{id}/tep/"))
        .skip(1)
        .map(|x| x.split('"').next().unwrap().to_string())
        .collect();
    assert_eq!(hrefs.len(), 3, "three versions in all");
    for h in &hrefs {
        let r = sp
            .get(s.url(&format!("/ho-so/{id}/tep/{h}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }

    // ---- appraisal: the engine finds no history, so "đạt" needs a written reason
    let nominee = after(&page, "name=\"nguoi\" value=\"").to_string();
    let r = sp
        .post(s.url(&format!("/ho-so/{id}/tham-dinh")))
        .form(&[
            ("_csrf", sp_csrf.as_str()),
            ("phien_ban", version(&page).as_str()),
            ("nguoi", nominee.as_str()),
            ("ket_qua", "dat"),
            ("ly_do", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("cần ghi"));
    let r = sp
        .post(s.url(&format!("/ho-so/{id}/tham-dinh")))
        .form(&[
            ("_csrf", sp_csrf.as_str()),
            ("phien_ban", version(&page).as_str()),
            ("nguoi", nominee.as_str()),
            ("ket_qua", "dat"),
            (
                "ly_do",
                "Thành tích đột xuất trong chuyển đổi số, đã đối chiếu minh chứng",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    ok_step(&s, &sp, &sp_csrf, id, "xong_tham_dinh", &[]).await;
    ok_step(&s, &sp, &sp_csrf, id, "cong_khai", &[("so_ngay", "7")]).await;

    // ---- public consultation, no login
    let anon = Server::browser();
    let list = text(anon.get(s.url("/cong-khai")).send().await.unwrap()).await;
    assert!(list.contains(&format!("/cong-khai/{id}")), "{list}");
    let public = text(
        anon.get(s.url(&format!("/cong-khai/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        public.contains("Nguyễn Văn Đức") && public.contains("chuyển đổi số"),
        "{public}"
    );
    for private in [
        CCCD,
        "1985",
        "02/04",
        "thiếu xác nhận",
        "đối chiếu minh chứng",
    ] {
        assert!(!public.contains(private), "the public page shows {private}");
    }
    let csrf_public = hidden(&public, "_csrf");
    let r = anon
        .post(s.url(&format!("/cong-khai/{id}")))
        .form(&[
            ("_csrf", csrf_public.as_str()),
            ("ho_ten", "Trần Thị Hoa"),
            ("lien_he", "hoa@example.vn"),
            ("website", ""),
            (
                "noi_dung",
                "Tôi xác nhận anh Đức đã hướng dẫn cả xã dùng dịch vụ công trực tuyến.",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    // The thank-you is fixed text: the address cannot put words on a public page.
    let forged = text(
        anon.get(s.url(&format!(
            "/cong-khai/{id}?tb=Th%C3%B4ng+b%C3%A1o+gi%E1%BA%A3"
        )))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert!(!forged.contains("Thông báo giả"));
    let thanks = text(
        anon.get(s.url(&format!("/cong-khai/{id}?da_gui=1")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(thanks.contains("Ý kiến đã được ghi nhận"));
    // Visitors without an account upload nothing.
    let r = anon
        .post(s.url(&format!("/cong-khai/{id}")))
        .multipart(
            Form::new()
                .text("_csrf", csrf_public.clone())
                .text("noi_dung", "x".repeat(20)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Not shown before moderation.
    let public = text(
        anon.get(s.url(&format!("/cong-khai/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(!public.contains("dịch vụ công trực tuyến"));
    let page = text(sp.get(s.url(&format!("/ho-so/{id}"))).send().await.unwrap()).await;
    assert!(page.contains("hoa@example.vn") && page.contains("Chờ duyệt"));
    let cid = after(&page, &format!("action=\"/ho-so/{id}/y-kien/")).to_string();
    let r = sp
        .post(s.url(&format!("/ho-so/{id}/y-kien/{cid}")))
        .form(&[("_csrf", sp_csrf.as_str()), ("trang_thai", "da_duyet")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let public = text(
        anon.get(s.url(&format!("/cong-khai/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(public.contains("dịch vụ công trực tuyến") && !public.contains("hoa@example.vn"));

    // The council cannot vote while the consultation runs.
    let r = step(&s, &sp, &sp_csrf, id, "mo_bo_phieu", &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Time passes: the consultation period ends.
    s.t.raw_exec("UPDATE dossiers SET consultation_until = '2000-01-01'")
        .await;
    ok_step(&s, &sp, &sp_csrf, id, "mo_bo_phieu", &[]).await;

    // ---- the council's secret vote: two in person, one absent in writing
    for member in ["hoidong1", "hoidong2"] {
        let (m, m_csrf) = s.login(member).await;
        let inbox = text(m.get(s.url("/ho-so")).send().await.unwrap()).await;
        assert!(inbox.contains("Chờ bỏ phiếu") && inbox.contains(&format!("/ho-so/{id}")));
        let r = m
            .post(s.url(&format!("/ho-so/{id}/bo-phieu")))
            .form(&[
                ("_csrf", m_csrf.as_str()),
                (format!("chon_{nominee}").as_str(), "dong_y"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
        // A second paper from the same member is refused.
        let r = m
            .post(s.url(&format!("/ho-so/{id}/bo-phieu")))
            .form(&[
                ("_csrf", m_csrf.as_str()),
                (format!("chon_{nominee}").as_str(), "khong_dong_y"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
    }
    let page = text(sp.get(s.url(&format!("/ho-so/{id}"))).send().await.unwrap()).await;
    let absent = after(&page, "name=\"thanh_vien\"><option value=\"").to_string();
    let r = sp
        .post(s.url(&format!("/ho-so/{id}/phieu-van-ban")))
        .form(&[
            ("_csrf", sp_csrf.as_str()),
            ("thanh_vien", absent.as_str()),
            (format!("chon_{nominee}").as_str(), "khong_dong_y"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    let r = sp
        .post(s.url(&format!("/ho-so/{id}/ket-thuc-bo-phieu")))
        .form(&[("_csrf", sp_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = text(sp.get(s.url(&format!("/ho-so/{id}"))).send().await.unwrap()).await;
    // 2 of 3 members agree: more than half of all members → passes.
    assert!(
        page.contains("Đạt tỷ lệ phiếu") && page.contains("&#62; 50% tổng số thành viên (2/3)"),
        "{page}"
    );
    let minutes = sp
        .get(s.url(&format!("/ho-so/{id}/bien-ban.pdf")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let minutes = squash(&pdf_extract::extract_text_from_mem(&minutes).unwrap());
    assert!(
        minutes.contains("NguyễnVănĐức") && minutes.contains("Đạt"),
        "{minutes}"
    );

    // ---- the leader approves and signs
    let (lead, lead_csrf) = s.login("lanhdao").await;
    ok_step(&s, &lead, &lead_csrf, id, "duyet", &[]).await;
    let page = text(
        lead.get(s.url(&format!("/ho-so/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let today = tdkt_domain::dates::iso(tdkt_app::today());
    let r = lead
        .post(s.url(&format!("/ho-so/{id}/quyet-dinh")))
        .form(&[
            ("_csrf", lead_csrf.as_str()),
            ("phien_ban", version(&page).as_str()),
            ("ngay_ky", today.as_str()),
            ("chuc_vu", "KT. CHỦ TỊCH\r\nPHÓ CHỦ TỊCH"),
            ("nguoi_ky", "Nguyễn Thị Thanh"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    let page = text(
        lead.get(s.url(&format!("/ho-so/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(page.contains("Quyết định số 1/QĐ-UBND"), "{page}");
    let pdf = lead
        .get(s.url(&format!("/ho-so/{id}/quyet-dinh.pdf")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let decision = squash(&pdf_extract::extract_text_from_mem(&pdf).unwrap());
    // Bằng khen tỉnh: 1.5 × 2 340 000 = 3 510 000 đồng.
    for needle in [
        "1/QĐ-UBND",
        "NguyễnVănĐức",
        "3.510.000",
        "CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM",
        "NguyễnThịThanh",
    ] {
        assert!(
            decision.contains(needle),
            "decision lacks {needle}: {decision}"
        );
    }
    let docx = lead
        .get(s.url(&format!("/ho-so/{id}/quyet-dinh.docx")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(docx.starts_with(b"PK"));

    // ---- certificates: the QR address verifies publicly
    let cert = sp
        .get(s.url(&format!(
            "/ho-so/{id}/bang-khen.pdf?khen_thuong=bang_khen_tinh"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(cert.status(), StatusCode::OK);
    let cert = cert.bytes().await.unwrap();
    let cert_text = pdf_extract::extract_text_from_mem(&cert).unwrap();
    assert!(squash(&cert_text).contains("NguyễnVănĐức"), "{cert_text}");
    let squashed = squash(&cert_text);
    let key: String = squashed
        .split("/xac-minh/")
        .nth(1)
        .expect("verification address printed under the QR code")
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(key.len(), 32, "{squashed}");
    let verify = text(
        anon.get(s.url(&format!("/xac-minh/{key}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        verify.contains("Nguyễn Văn Đức")
            && verify.contains("1/QĐ-UBND")
            && verify.contains("Khen thưởng có trong sổ khen thưởng"),
        "{verify}"
    );
    for private in [CCCD, "1985", "Tỉnh Đắk Lắk"] {
        assert!(!verify.contains(private), "verification shows {private}");
    }
    let r = anon
        .get(s.url("/xac-minh/00000000000000000000000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // ---- the register: found without diacritics, exported to XLSX
    let found = text(
        sp.get(s.url("/so-khen-thuong?q=nguyen+van+duc"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        found.contains("1/QĐ-UBND") && found.contains("3.510.000"),
        "{found}"
    );
    let history = text(
        sp.get(s.url(&format!("/so-khen-thuong?ca_nhan={}", duc.id)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        history.contains("Lịch sử khen thưởng của Nguyễn Văn Đức") && history.contains("1/QĐ-UBND")
    );
    let xlsx = sp
        .get(s.url("/so-khen-thuong.xlsx?q=nguyen+van+duc"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        cells.contains(&"Nguyễn Văn Đức".to_string())
            && cells.iter().any(|c| c.contains("1/QĐ-UBND")),
        "{cells:?}"
    );

    // ---- handed over; the timeline names every state
    ok_step(&s, &sp, &sp_csrf, id, "da_trao", &[]).await;
    let page = text(sp.get(s.url(&format!("/ho-so/{id}"))).send().await.unwrap()).await;
    for label in [
        "Gửi hồ sơ",
        "Tiếp nhận",
        "Trả lại để bổ sung",
        "Hoàn thành thẩm định",
        "Đăng công khai",
        "Đưa ra Hội đồng",
        "Ban hành",
        "Ghi nhận đã trao",
    ] {
        assert!(page.contains(label), "timeline lacks {label}");
    }
    let print = text(
        sp.get(s.url(&format!("/ho-so/{id}/in")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(print.contains("Nguyễn Văn Đức") && print.contains("1/QĐ-UBND"));
    // The clerk of another province sees nothing of it.
    let r = Server::browser()
        .get(s.url(&format!("/ho-so/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "anonymous users go to the login page"
    );
}

/// The simplified procedure of a sudden commendation, entirely through the JSON API with
/// tokens: no consultation and no council; a stale version is refused with 409.
async fn sudden_commendation_through_the_api(b: Backend) {
    let s = Server::start(b).await;
    for (user, role) in [
        ("chuyenvien", "chuyen_vien_ban"),
        ("lanhdao", "lanh_dao_ban"),
    ] {
        s.t.app
            .create_user(
                None,
                UserInput {
                    username: user.into(),
                    display_name: format!("Người {user}"),
                    password: PASSWORD.into(),
                    grants: vec![(role.into(), "tinh_a".into())],
                },
            )
            .await
            .unwrap();
    }
    let a = s.t.store().unit_by_code("tinh_a").await.unwrap();
    let duc =
        s.t.store()
            .search_people(&tdkt_store::PersonFilter {
                q: None,
                under_unit: Some(a.id),
                scope: None,
                paging: tdkt_store::Paging::new(Some(1), Some(10)),
            })
            .await
            .unwrap()
            .items
            .remove(0);
    let c = reqwest::Client::new();
    let (clerk, sp, lead) = (
        s.token("canbo").await,
        s.token("chuyenvien").await,
        s.token("lanhdao").await,
    );
    let year = tdkt_app::today().year();
    let r = c
        .post(s.url("/api/v1/dossiers"))
        .bearer_auth(&clerk)
        .json(&serde_json::json!({
            "title": "Khen thưởng đột xuất cứu người trong lũ", "unit_id": a.id, "kind": "dot_xuat", "year": year,
            "nominees": [{"person_id": duc.id, "award_code": "bang_khen_tinh", "summary": "Cứu hai em nhỏ bị lũ cuốn trôi"}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let d: serde_json::Value = r.json().await.unwrap();
    let id = d["id"].as_i64().unwrap();
    assert!(
        d["code"]
            .as_str()
            .unwrap()
            .starts_with(&format!("HS-{year}-"))
    );
    let r = c
        .post(s.url(&format!(
            "/api/v1/dossiers/{id}/documents?slot=to_trinh&filename=to-trinh.pdf"
        )))
        .bearer_auth(&clerk)
        .body(pdf_bytes("to trinh"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let version = |v: &serde_json::Value| v["version"].as_i64().unwrap();
    let get = |tok: String| {
        let url = s.url(&format!("/api/v1/dossiers/{id}"));
        let c = c.clone();
        async move {
            let v: serde_json::Value = c
                .get(url)
                .bearer_auth(tok)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v
        }
    };
    let take = |tok: String, step: &'static str, v: i64| {
        let url = s.url(&format!("/api/v1/dossiers/{id}/steps"));
        let c = c.clone();
        async move {
            c.post(url)
                .bearer_auth(tok)
                .json(&serde_json::json!({"step": step, "version": v}))
                .send()
                .await
                .unwrap()
        }
    };
    let v0 = version(&get(clerk.clone()).await["dossier"]);
    // The simplified procedure needs only the proposal letter.
    let r = take(clerk.clone(), "gui", v0).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // A stale version is refused in the API's error shape.
    let r = take(sp.clone(), "tiep_nhan", v0).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "conflict");
    for step in ["tiep_nhan", "tham_dinh"] {
        let v = version(&get(sp.clone()).await["dossier"]);
        let r = take(sp.clone(), step, v).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{step}: {}",
            r.text().await.unwrap()
        );
    }
    let view = get(sp.clone()).await;
    let nominee = view["dossier"]["nominees"][0]["id"].as_i64().unwrap();
    assert!(
        view["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "xong_tham_dinh")
    );
    let r = c
        .post(s.url(&format!("/api/v1/dossiers/{id}/appraisals")))
        .bearer_auth(&sp)
        .json(&serde_json::json!({"nominee_id": nominee, "result": "dat", "override_reason": "Thành tích đột xuất, đã xác minh với chính quyền xã"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let v = version(&get(sp.clone()).await["dossier"]);
    assert_eq!(
        take(sp.clone(), "xong_tham_dinh", v).await.status(),
        StatusCode::OK
    );
    // Straight to the leader: no consultation, no council.
    let v = version(&get(lead.clone()).await["dossier"]);
    let r = take(lead.clone(), "duyet", v).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let v = version(&get(lead.clone()).await["dossier"]);
    let r = c
        .post(s.url(&format!("/api/v1/dossiers/{id}/decision")))
        .bearer_auth(&lead)
        .json(&serde_json::json!({"version": v, "signed_on": tdkt_domain::dates::iso(tdkt_app::today()), "signer_name": "Nguyễn Thị Thanh", "signer_title": "CHỦ TỊCH"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let dec: serde_json::Value = r.json().await.unwrap();
    assert_eq!(dec["number"], "1/QĐ-UBND");
    let found: serde_json::Value = c
        .get(s.url("/api/v1/register?q=nguyen+van+duc"))
        .bearer_auth(&sp)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = &found[0];
    assert_eq!(
        row["decision"].as_str().unwrap().split(' ').next(),
        Some("1/QĐ-UBND")
    );
    let key = row["cert_key"].as_str().unwrap();
    // The certificate verifies without login and shows nothing private.
    let r = reqwest::get(s.url(&format!("/api/v1/certificates/{key}")))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cert: serde_json::Value = r.json().await.unwrap();
    assert_eq!(cert["name"], "Nguyễn Văn Đức");
    assert!(cert.get("cccd").is_none() && cert.get("birth").is_none());
    let doc: serde_json::Value = reqwest::get(s.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/dossiers/{id}/steps"].is_object());
}
