//! One end-to-end walkthrough over HTTP: draft → printed certificate, verified publicly, found in the register.

use super::*;

on_both!(dossier_from_draft_to_printed_certificate);

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
    let r = s.post_form(&clerk, "/ho-so/moi", &[
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
        ]).await;
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
    let r = s
        .post_form(
            &sp,
            &format!("/ho-so/{id}/tham-dinh"),
            &[
                ("_csrf", sp_csrf.as_str()),
                ("phien_ban", version(&page).as_str()),
                ("nguoi", nominee.as_str()),
                ("ket_qua", "dat"),
                ("ly_do", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("cần ghi"));
    let r = s
        .post_form(
            &sp,
            &format!("/ho-so/{id}/tham-dinh"),
            &[
                ("_csrf", sp_csrf.as_str()),
                ("phien_ban", version(&page).as_str()),
                ("nguoi", nominee.as_str()),
                ("ket_qua", "dat"),
                (
                    "ly_do",
                    "Thành tích đột xuất trong chuyển đổi số, đã đối chiếu minh chứng",
                ),
            ],
        )
        .await;
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
    let r = s
        .post_form(
            &anon,
            &format!("/cong-khai/{id}"),
            &[
                ("_csrf", csrf_public.as_str()),
                ("ho_ten", "Trần Thị Hoa"),
                ("lien_he", "hoa@example.vn"),
                ("website", ""),
                (
                    "noi_dung",
                    "Tôi xác nhận anh Đức đã hướng dẫn cả xã dùng dịch vụ công trực tuyến.",
                ),
            ],
        )
        .await;
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
    let r = s
        .post_form(
            &sp,
            &format!("/ho-so/{id}/y-kien/{cid}"),
            &[("_csrf", sp_csrf.as_str()), ("trang_thai", "da_duyet")],
        )
        .await;
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
        let r = s
            .post_form(
                &m,
                &format!("/ho-so/{id}/bo-phieu"),
                &[
                    ("_csrf", m_csrf.as_str()),
                    (format!("chon_{nominee}").as_str(), "dong_y"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
        // A second paper from the same member is refused.
        let r = s
            .post_form(
                &m,
                &format!("/ho-so/{id}/bo-phieu"),
                &[
                    ("_csrf", m_csrf.as_str()),
                    (format!("chon_{nominee}").as_str(), "khong_dong_y"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
    }
    let page = text(sp.get(s.url(&format!("/ho-so/{id}"))).send().await.unwrap()).await;
    let absent = after(&page, "name=\"thanh_vien\"><option value=\"").to_string();
    let r = s
        .post_form(
            &sp,
            &format!("/ho-so/{id}/phieu-van-ban"),
            &[
                ("_csrf", sp_csrf.as_str()),
                ("thanh_vien", absent.as_str()),
                (format!("chon_{nominee}").as_str(), "khong_dong_y"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    let r = s
        .post_form(
            &sp,
            &format!("/ho-so/{id}/ket-thuc-bo-phieu"),
            &[("_csrf", sp_csrf.as_str())],
        )
        .await;
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
    let r = s
        .post_form(
            &lead,
            &format!("/ho-so/{id}/quyet-dinh"),
            &[
                ("_csrf", lead_csrf.as_str()),
                ("phien_ban", version(&page).as_str()),
                ("ngay_ky", today.as_str()),
                ("chuc_vu", "KT. CHỦ TỊCH\r\nPHÓ CHỦ TỊCH"),
                ("nguoi_ky", "Nguyễn Thị Thanh"),
            ],
        )
        .await;
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
