//! The harness: a real server on a loopback port over a fresh database ([`Server`]), and
//! request helpers so that a test reads as what a user does and what is checked.
//!
//! - [`Server::login`] gives a [`Browser`]: a logged-in user's cookie jar (redirects not
//!   followed) with the session's CSRF token, which [`Browser::post_form`] and
//!   [`Browser::multipart`] put in the body and the JSON calls send as `X-CSRF-Token`.
//!   [`Server::visitor`] is a browser without an account; [`Browser::post_form_as_is`] sends
//!   exactly the fields given.
//! - [`Server::api`] gives an [`Api`] client with a bearer token made through the use case;
//!   [`Server::api_without_token`] one without, on a pool of its own.
//! - [`assert_status`] (body on failure, returned), [`assert_redirect`] (the 303's
//!   `Location`), [`assert_ok_bytes`], [`location`], [`hidden`].
//! - Tests that check CSRF, Origin or cookies request by request keep a bare client
//!   ([`Server::browser`], or [`Browser::client`] for a session).

use std::net::SocketAddr;

use reqwest::multipart::Form;
use reqwest::redirect::Policy;
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use tdkt_app::accounts::UserInput;
use tdkt_app::testing::{Backend, TestApp};
use tdkt_app::units::UnitInput;
use tdkt_domain::access::Role;

pub const PASSWORD: &str = "mật khẩu 2025";

pub struct Server {
    pub base: String,
    pub t: TestApp,
}

impl Server {
    /// A server over a small tree: vn → tinh_a (with so_a), tinh_b; one person in each
    /// province; accounts `quantri` (admin at vn) and `canbo` (clerk at tinh_a).
    pub async fn start(b: Backend) -> Self {
        let t = TestApp::new(b).await;
        let vn = t.unit("vn", None).await;
        let admin = tdkt_app::testing::principal(0, Role::Admin, vn.id);
        let unit = |code: &str, name: &str, kind: &str, parent: i64| UnitInput {
            code: code.into(),
            kind: kind.into(),
            name: name.into(),
            parent_id: Some(parent),
            ..Default::default()
        };
        let a = t
            .app
            .create_unit(&admin, unit("tinh_a", "Tỉnh Đắk Lắk", "tinh", vn.id))
            .await
            .unwrap();
        t.app
            .create_unit(
                &admin,
                unit("so_a", "Sở Nội vụ tỉnh Đắk Lắk", "so_nganh", a.id),
            )
            .await
            .unwrap();
        let bb = t
            .app
            .create_unit(&admin, unit("tinh_b", "Tỉnh Gia Lai", "tinh", vn.id))
            .await
            .unwrap();
        for (name, u) in [("Nguyễn Văn Đức", a.id), ("Nguyễn Văn Đức", bb.id)] {
            t.app
                .create_person(
                    &admin,
                    tdkt_app::people::PersonInput {
                        full_name: name.into(),
                        gender: "nam".into(),
                        unit_id: u,
                        // Members of their unit since 2020, so collective counts see them.
                        position_since: Some("2020-01-01".into()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
        add_users(
            &t,
            &[
                ("quantri", "quan_tri", "vn"),
                ("canbo", "can_bo_don_vi", "tinh_a"),
            ],
        )
        .await;
        Self::serve(t).await
    }

    pub async fn serve(t: TestApp) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = tdkt_web::router(
            t.app.clone(),
            tdkt_web::WebConfig {
                secure_cookies: false,
                public_url: None,
            },
        );
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        Self {
            base: format!("http://{addr}"),
            t,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A bare browser-like client: keeps cookies, does not follow redirects (tests look at
    /// them). For tests that check CSRF, Origin or cookie behaviour request by request.
    pub fn browser() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// A visitor without an account: a fresh [`Browser`] with no session token. Public forms
    /// carry the token of the page they come from: read it with [`hidden`] and send it with
    /// [`Browser::post_form_as_is`].
    pub fn visitor(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            client: Self::browser(),
            csrf: String::new(),
        }
    }

    /// Adds accounts `(user name, role code, unit code)` with [`PASSWORD`].
    pub async fn add_users(&self, users: &[(&str, &str, &str)]) {
        add_users(&self.t, users).await;
    }

    /// The first person of a unit (each province of [`Server::start`] has one).
    pub async fn first_person(&self, unit_code: &str) -> i64 {
        let store = self.t.store();
        let unit = store.unit_by_code(unit_code).await.unwrap().id;
        store
            .search_people(&tdkt_store::PersonFilter {
                under_unit: Some(unit),
                ..Default::default()
            })
            .await
            .unwrap()
            .items[0]
            .id
    }

    /// An API token for an existing account, made through the use case.
    pub async fn token(&self, user: &str) -> String {
        let store = self.t.store();
        let u = store.user_by_username(user).await.unwrap().unwrap();
        let p = tdkt_app::Principal {
            user_id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            grants: store.user_grants(u.id).await.unwrap(),
            csrf_token: None,
        };
        self.t.app.create_api_token(&p, "thử").await.unwrap().0
    }

    /// An API client that sends a fresh bearer token of `user` with every request.
    pub async fn api(&self, user: &str) -> Api {
        let token = self.token(user).await;
        Api {
            base: self.base.clone(),
            client: reqwest::Client::new(),
            token: Some(token),
        }
    }

    /// An API client without a token, on a connection pool of its own: the server answers 401
    /// before reading a request body and closes the connection, which a shared pooled client
    /// could reuse for its next request (EPIPE). Make one per unauthenticated probe.
    pub fn api_without_token(&self) -> Api {
        Api {
            base: self.base.clone(),
            client: reqwest::Client::new(),
            token: None,
        }
    }

    /// Logs in through the form with [`PASSWORD`]; see [`Server::login_with`].
    pub async fn login(&self, user: &str) -> Browser {
        self.login_with(user, PASSWORD).await
    }

    /// Logs in through the form (asserting the 303) and reads the session's CSRF token from
    /// the home page, where htmx gets it.
    pub async fn login_with(&self, user: &str, password: &str) -> Browser {
        let mut b = self.visitor();
        let page = b.get_text("/dang-nhap").await;
        let csrf = hidden(&page, "_csrf");
        let r = b
            .post_form_as_is(
                "/dang-nhap",
                &[
                    ("_csrf", csrf.as_str()),
                    ("ten_dang_nhap", user),
                    ("mat_khau", password),
                    ("tiep", "/"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {user}");
        let home = b.get_text("/").await;
        b.csrf = home
            .split("\"X-CSRF-Token\": \"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("session CSRF token in page")
            .to_string();
        b
    }
}

/// Adds accounts `(user name, role code, unit code)` with [`PASSWORD`], named «Người …».
pub async fn add_users(t: &TestApp, users: &[(&str, &str, &str)]) {
    for (user, role, unit) in users {
        t.app
            .create_user(
                None,
                UserInput {
                    username: (*user).into(),
                    display_name: format!("Người {user}"),
                    password: PASSWORD.into(),
                    grants: vec![((*role).into(), (*unit).into())],
                },
            )
            .await
            .unwrap();
    }
}

/// One user's browser: a cookie jar that does not follow redirects, and (once logged in with
/// [`Server::login`]) the session's CSRF token, which [`Browser::post_form`],
/// [`Browser::multipart`] and the JSON calls add. Paths are relative to the server
/// (`"/ho-so/1"`). Cloning shares the cookie jar (the same session).
#[derive(Clone)]
pub struct Browser {
    base: String,
    /// The underlying client, for requests the helpers do not cover (extra headers, a
    /// deliberately missing or wrong token).
    pub client: reqwest::Client,
    /// The session's CSRF token; empty for a visitor.
    pub csrf: String,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET; the response as it comes (redirects are not followed).
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// GET; the body as text, whatever the status.
    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// GET; the body as bytes, whatever the status.
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        self.get(path).await.bytes().await.unwrap().to_vec()
    }

    /// GET; the body as JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        self.get(path).await.json().await.unwrap()
    }

    /// POSTs a urlencoded form with the session's `_csrf` first, then `fields` in order
    /// (a key may repeat, as from a multiple select).
    pub async fn post_form<K: AsRef<str>, V: AsRef<str>>(
        &self,
        path: &str,
        fields: &[(K, V)],
    ) -> Response {
        assert!(
            !self.csrf.is_empty(),
            "a visitor has no session token: use post_form_as_is with the page's _csrf"
        );
        let mut form = vec![("_csrf", self.csrf.as_str())];
        form.extend(fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())));
        self.post_form_as_is(path, &form).await
    }

    /// POSTs exactly `fields` as a urlencoded form: no token is added.
    pub async fn post_form_as_is<K: AsRef<str>, V: AsRef<str>>(
        &self,
        path: &str,
        fields: &[(K, V)],
    ) -> Response {
        let form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .collect();
        self.client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// A multipart form that starts with the session's `_csrf` field (uploads carry the
    /// token inside the body); add parts and send it with [`Browser::post_multipart`].
    pub fn multipart(&self) -> Form {
        Form::new().text("_csrf", self.csrf.clone())
    }

    /// POSTs a multipart form as built (see [`Browser::multipart`]).
    pub async fn post_multipart(&self, path: &str, form: Form) -> Response {
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Calls the JSON API with the session cookie and the `X-CSRF-Token` header, as the
    /// pages' scripts do.
    pub async fn send_json(&self, method: Method, path: &str, body: &Value) -> Response {
        self.client
            .request(method, self.url(path))
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::PUT, path, body).await
    }
}

/// A client of the JSON API with a bearer token (or none, see [`Server::api_without_token`]).
/// It follows redirects, like any HTTP client of an API.
#[derive(Clone)]
pub struct Api {
    base: String,
    client: reqwest::Client,
    token: Option<String>,
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with the token, for what the helpers below do not cover.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let r = self.client.request(method, self.url(path));
        match &self.token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    /// GET; the body as JSON, whatever the status.
    pub async fn get_json(&self, path: &str) -> Value {
        self.get(path).await.json().await.unwrap()
    }

    pub async fn send_json(&self, method: Method, path: &str, body: &Value) -> Response {
        self.request(method, path).json(body).send().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::PUT, path, body).await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::PATCH, path, body).await
    }

    /// POSTs a raw body, with a content type if given (CSV imports, file uploads, broken JSON).
    pub async fn post_body(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        let mut r = self.request(Method::POST, path).body(body);
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        r.send().await.unwrap()
    }
}

/// Asserts the status of a response and returns its body; on a mismatch the message shows
/// the body (the page's error, the API's error object).
pub async fn assert_status(r: Response, status: StatusCode) -> String {
    let got = r.status();
    let body = r.text().await.unwrap_or_default();
    assert_eq!(got, status, "body: {body}");
    body
}

/// Asserts a 200 OK and returns the body as bytes (PDF, DOCX, XLSX downloads).
pub async fn assert_ok_bytes(r: Response) -> Vec<u8> {
    assert_eq!(r.status(), StatusCode::OK, "{}", r.url());
    r.bytes().await.unwrap().to_vec()
}

/// Asserts a 303 See Other (a form that went through) and returns where it points.
pub async fn assert_redirect(r: Response) -> String {
    let to = location(&r);
    assert_status(r, StatusCode::SEE_OTHER).await;
    to
}

/// The `Location` header of a response, or "" without one.
pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The value of a hidden input.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(&marker)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no hidden {name}"))
        .to_string()
}
