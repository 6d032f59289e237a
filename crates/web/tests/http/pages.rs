//! The HTML interface: login, CSRF, pages, errors.

use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::{PASSWORD, Server, hidden};

on_both!(
    login_sets_a_safe_cookie_and_throttles,
    pages_render_in_vietnamese,
    csrf_is_required,
    demo_walkthrough
);

async fn login_sets_a_safe_cookie_and_throttles(b: Backend) {
    let s = Server::start(b).await;
    let c = Server::browser();
    let r = c.get(s.url("/ca-nhan?q=duc")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/dang-nhap?tiep=/ca-nhan%3Fq%3Dduc");

    let page = s.page(&c, "/dang-nhap").await;
    let csrf = hidden(&page, "_csrf");
    // Without the form token: refused, nothing else happens.
    let r = s
        .post_form(
            &c,
            "/dang-nhap",
            &[("ten_dang_nhap", "quantri"), ("mat_khau", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("CSRF"));

    let wrong = s
        .post_form(
            &c,
            "/dang-nhap",
            &[
                ("_csrf", csrf.as_str()),
                ("ten_dang_nhap", "quantri"),
                ("mat_khau", "sai"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body = wrong.text().await.unwrap();
    assert!(body.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
    assert!(
        body.contains("value=\"quantri\""),
        "the user name stays in the form"
    );

    let ok = s
        .post_form(
            &c,
            "/dang-nhap",
            &[
                ("_csrf", csrf.as_str()),
                ("ten_dang_nhap", "quantri"),
                ("mat_khau", PASSWORD),
                ("tiep", "/ca-nhan?q=duc"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[LOCATION], "/ca-nhan?q=duc");
    let cookie = ok
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("tdkt_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "no Secure flag without TLS");

    // An external "next" is not followed.
    let c2 = Server::browser();
    let p2 = s.page(&c2, "/dang-nhap").await;
    let r = s
        .post_form(
            &c2,
            "/dang-nhap",
            &[
                ("_csrf", hidden(&p2, "_csrf").as_str()),
                ("ten_dang_nhap", "quantri"),
                ("mat_khau", PASSWORD),
                ("tiep", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.headers()[LOCATION], "/");

    // Three wrong passwords (the test limit) lock the account: 429 with the time.
    let c3 = Server::browser();
    let p3 = s.page(&c3, "/dang-nhap").await;
    let t3 = hidden(&p3, "_csrf");
    let mut last = None;
    for _ in 0..3 {
        last = Some(
            c3.post(s.url("/dang-nhap"))
                .form(&[
                    ("_csrf", t3.as_str()),
                    ("ten_dang_nhap", "canbo"),
                    ("mat_khau", "sai"),
                ])
                .send()
                .await
                .unwrap(),
        );
    }
    let last = last.unwrap();
    assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(last.text().await.unwrap().contains("tạm khoá đến"));
}

async fn pages_render_in_vietnamese(b: Backend) {
    let s = Server::start(b).await;
    let (c, _) = s.login("quantri").await;
    let get = |path: &'static str| {
        let c = c.clone();
        let url = s.url(path);
        async move {
            let r = c.get(url).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (st, home) = get("/").await;
    assert_eq!(st, StatusCode::OK);
    for module in [
        "Đơn vị",
        "Cá nhân",
        "Danh mục và quy tắc",
        "Phong trào thi đua",
        "Cụm, khối thi đua",
        "Hồ sơ khen thưởng",
        "Sáng kiến",
        "Sổ khen thưởng và báo cáo",
        "Mẫu in",
    ] {
        assert!(home.contains(module), "dashboard lacks {module}");
    }
    assert!(home.contains("lang=\"vi\"") && home.contains("name=\"viewport\""));
    let (st, catalog) = get("/danh-muc").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        catalog.contains("Bằng khen của Thủ tướng Chính phủ") && catalog.contains("7.020.000 đồng"),
        "{catalog}"
    );
    assert!(
        catalog.contains("Nghị định 152/2025/NĐ-CP")
            && catalog.contains("đang áp dụng")
            && catalog.contains("(cần kiểm tra)")
    );
    let (st, later) = get("/phong-trao").await;
    assert_eq!(st, StatusCode::OK);
    assert!(later.contains("chưa được xây dựng"));

    let (_, units) = get("/don-vi").await;
    assert!(units.contains("Tỉnh Đắk Lắk") && units.contains("Tỉnh Gia Lai"));
    let (_, found) = get("/don-vi/tim?q=dak%20lak").await;
    assert!(found.contains("Tỉnh Đắk Lắk") && !found.contains("Gia Lai"));
    let a = s.t.store().unit_by_code("tinh_a").await.unwrap();
    let (_, children) = c
        .get(s.url(&format!("/don-vi/{}/cay", a.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| (0, t))
        .unwrap();
    assert!(children.contains("Sở Nội vụ tỉnh Đắk Lắk"));
    let unit_page = s.page(&c, &format!("/don-vi/{}", a.id)).await;
    assert!(unit_page.contains("Lịch sử biến động") && unit_page.contains("Nguyễn Văn Đức"));

    let (_, people) = get("/ca-nhan?q=NGUYEN%20VAN%20DUC").await;
    assert!(people.contains("2 người"), "{people}");
    let person_id = people
        .split("href=\"/ca-nhan/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let person = s.page(&c, &format!("/ca-nhan/{person_id}")).await;
    assert!(person.contains("Quá trình công tác"));

    let (st, account) = get("/tai-khoan").await;
    assert_eq!(st, StatusCode::OK);
    assert!(account.contains("Đổi mật khẩu") && account.contains("Mã truy cập API"));

    for (path, code) in [
        ("/khong-co-trang-nay", 404),
        ("/don-vi/abc", 404),
        ("/don-vi/987654", 404),
        ("/ca-nhan/987654", 404),
    ] {
        let r = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), code, "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains("Không tìm thấy"), "{path}: {body}");
    }
    let css = c.get(s.url("/static/app.css")).send().await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let htmx = s.page(&c, "/static/htmx.min.js").await;
    assert!(htmx.contains("htmx"));

    // A clerk of Đắk Lắk sees Đắk Lắk's people only, and gets 403 on Gia Lai's person.
    let (clerk, _) = s.login("canbo").await;
    let people = s.page(&clerk, "/ca-nhan?q=duc").await;
    assert!(people.contains("1 người"), "{people}");
    let gia_lai_person =
        s.t.store()
            .search_people(&tdkt_store::PersonFilter {
                under_unit: Some(s.t.store().unit_by_code("tinh_b").await.unwrap().id),
                ..Default::default()
            })
            .await
            .unwrap()
            .items[0]
            .id;
    let r = clerk
        .get(s.url(&format!("/ca-nhan/{gia_lai_person}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Không có quyền truy cập"));
}

async fn csrf_is_required(b: Backend) {
    let s = Server::start(b).await;
    let (c, token) = s.login("quantri").await;
    let post = |extra: Vec<(&'static str, String)>, form: Vec<(&'static str, String)>| {
        let mut r = c.post(s.url("/tai-khoan/ma-truy-cap")).form(&form);
        for (k, v) in extra {
            r = r.header(k, v);
        }
        r.send()
    };
    let name = ("ten", "Máy báo cáo".to_string());
    assert_eq!(
        post(vec![], vec![name.clone()]).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(vec![], vec![name.clone(), ("_csrf", "sai".into())])
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            vec![("origin", "http://evil.example".into())],
            vec![name.clone(), ("_csrf", token.clone())]
        )
        .await
        .unwrap()
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            vec![("sec-fetch-site", "cross-site".into())],
            vec![name.clone(), ("_csrf", token.clone())]
        )
        .await
        .unwrap()
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.t.store().list_api_tokens(1).await.unwrap().len(),
        0,
        "nothing was created"
    );
    let ok = post(vec![], vec![name.clone(), ("_csrf", token.clone())])
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(ok.text().await.unwrap().contains("tdkt_"));
    // htmx sends the token as a header.
    let ok = post(vec![("x-csrf-token", token.clone())], vec![name])
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);

    // Logout is a POST too, and ends the session.
    let r = s
        .post_form(&c, "/dang-xuat", &[("_csrf", token.as_str())])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(s.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
}

async fn demo_walkthrough(b: Backend) {
    let t = tdkt_app::testing::TestApp::new(b).await;
    tdkt_app::demo::load(&t.app).await.unwrap();
    let s = Server::serve(t).await;
    let c = Server::browser();
    let page = s.page(&c, "/dang-nhap").await;
    let r = s
        .post_form(
            &c,
            "/dang-nhap",
            &[
                ("_csrf", hidden(&page, "_csrf").as_str()),
                ("ten_dang_nhap", "chuyenvien"),
                ("mat_khau", tdkt_app::demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let store = s.t.store();
    let gia_lai = store.unit_by_code("gia_lai").await.unwrap().id;
    let body = s.page(&c, &format!("/don-vi/{gia_lai}")).await;
    assert!(
        body.contains("Sáp nhập")
            && body.contains("Tỉnh Bình Định")
            && body.contains("Nghị quyết 202/2025/QH15"),
        "{body}"
    );
    let binh_dinh = store.unit_by_code("binh_dinh").await.unwrap().id;
    let body = s.page(&c, &format!("/don-vi/{binh_dinh}")).await;
    assert!(body.contains("hết hiệu lực từ ngày 01/07/2025"));
    assert!(
        body.contains("Năm 2023") && body.contains("Cụm trưởng"),
        "cluster role of 2023 shown on the unit page"
    );
    let clusters = s.page(&c, "/cum-thi-dua").await;
    assert!(clusters.contains("Tây Nguyên"));
    let people = s.page(&c, "/ca-nhan?q=nguyen+van+duc").await;
    assert!(
        people.contains("Nguyễn Văn Đức")
            && people.contains("Cần Thơ")
            && !people.contains("Nghệ An")
    );
}
