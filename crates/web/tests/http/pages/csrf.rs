//! CSRF on a logged-in session, request by request: the form token or the htmx header, same
//! origin only; logout is a POST.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::{Browser, Server};

on_both!(
    a_form_without_a_valid_token_or_from_another_site_is_refused,
    htmx_may_send_the_token_as_a_header,
    logging_out_is_a_post_that_ends_the_session
);

/// Posts the API-token form of the account page with the session's cookie only: extra
/// headers and the form exactly as given.
async fn post_token_form(
    s: &Server,
    c: &Browser,
    headers: Vec<(&'static str, String)>,
    form: Vec<(&'static str, String)>,
) -> reqwest::Response {
    let mut r = c.client.post(s.url("/tai-khoan/ma-truy-cap")).form(&form);
    for (k, v) in headers {
        r = r.header(k, v);
    }
    r.send().await.unwrap()
}

fn name() -> (&'static str, String) {
    ("ten", "Máy báo cáo".to_string())
}

async fn a_form_without_a_valid_token_or_from_another_site_is_refused(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let token = c.csrf.clone();
    for (headers, form) in [
        (vec![], vec![name()]),
        (vec![], vec![name(), ("_csrf", "sai".into())]),
        (
            vec![("origin", "http://evil.example".into())],
            vec![name(), ("_csrf", token.clone())],
        ),
        (
            vec![("sec-fetch-site", "cross-site".into())],
            vec![name(), ("_csrf", token.clone())],
        ),
    ] {
        let what = format!("{headers:?} {form:?}");
        assert_eq!(
            post_token_form(&s, &c, headers, form).await.status(),
            StatusCode::FORBIDDEN,
            "{what}"
        );
    }
    assert_eq!(
        s.t.store().list_api_tokens(1).await.unwrap().len(),
        0,
        "nothing was created"
    );
    let ok = post_token_form(&s, &c, vec![], vec![name(), ("_csrf", token)]).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(ok.text().await.unwrap().contains("tdkt_"));
}

async fn htmx_may_send_the_token_as_a_header(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let header = vec![("x-csrf-token", c.csrf.clone())];
    let ok = post_token_form(&s, &c, header, vec![name()]).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

async fn logging_out_is_a_post_that_ends_the_session(b: Backend) {
    let s = Server::start(b).await;
    let c = s.login("quantri").await;
    let r = c.post_form::<&str, &str>("/dang-xuat", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(c.get("/").await.status(), StatusCode::SEE_OTHER);
}
