//! Login through the form, request by request with a bare client: where a visitor is sent,
//! the pre-login CSRF token, the session cookie's flags, the "next" address, throttling.

use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::{PASSWORD, Server, hidden};

on_both!(
    anonymous_visitors_are_sent_to_login_with_their_address,
    logging_in_without_the_form_token_is_refused,
    a_wrong_password_is_refused_keeping_the_user_name,
    logging_in_sets_a_safe_cookie_and_returns_to_the_address,
    an_external_next_address_is_not_followed,
    three_wrong_passwords_lock_the_account_for_a_while
);

/// A bare browser that has opened the login page, and the page's form token.
async fn at_login_page(s: &Server) -> (reqwest::Client, String) {
    let c = Server::browser();
    let page = c
        .get(s.url("/dang-nhap"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&page, "_csrf");
    (c, csrf)
}

async fn anonymous_visitors_are_sent_to_login_with_their_address(b: Backend) {
    let s = Server::start(b).await;
    let r = Server::browser()
        .get(s.url("/ca-nhan?q=duc"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/dang-nhap?tiep=/ca-nhan%3Fq%3Dduc");
}

/// Without the form token: refused, nothing else happens.
async fn logging_in_without_the_form_token_is_refused(b: Backend) {
    let s = Server::start(b).await;
    let (c, _) = at_login_page(&s).await;
    let r = c
        .post(s.url("/dang-nhap"))
        .form(&[("ten_dang_nhap", "quantri"), ("mat_khau", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("CSRF"));
}

async fn a_wrong_password_is_refused_keeping_the_user_name(b: Backend) {
    let s = Server::start(b).await;
    let (c, csrf) = at_login_page(&s).await;
    let wrong = c
        .post(s.url("/dang-nhap"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("ten_dang_nhap", "quantri"),
            ("mat_khau", "sai"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body = wrong.text().await.unwrap();
    assert!(body.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
    assert!(
        body.contains("value=\"quantri\""),
        "the user name stays in the form"
    );
}

async fn logging_in_sets_a_safe_cookie_and_returns_to_the_address(b: Backend) {
    let s = Server::start(b).await;
    let (c, csrf) = at_login_page(&s).await;
    let ok = c
        .post(s.url("/dang-nhap"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("ten_dang_nhap", "quantri"),
            ("mat_khau", PASSWORD),
            ("tiep", "/ca-nhan?q=duc"),
        ])
        .send()
        .await
        .unwrap();
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
}

async fn an_external_next_address_is_not_followed(b: Backend) {
    let s = Server::start(b).await;
    let (c, csrf) = at_login_page(&s).await;
    let r = c
        .post(s.url("/dang-nhap"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("ten_dang_nhap", "quantri"),
            ("mat_khau", PASSWORD),
            ("tiep", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/");
}

/// Three wrong passwords (the test limit) lock the account: 429 with the time.
async fn three_wrong_passwords_lock_the_account_for_a_while(b: Backend) {
    let s = Server::start(b).await;
    let (c, csrf) = at_login_page(&s).await;
    let mut last = None;
    for _ in 0..3 {
        last = Some(
            c.post(s.url("/dang-nhap"))
                .form(&[
                    ("_csrf", csrf.as_str()),
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
