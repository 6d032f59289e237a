use std::net::SocketAddr;

use reqwest::StatusCode;
use reqwest::redirect::Policy;
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
        for (user, role, unit) in [
            ("quantri", "quan_tri", "vn"),
            ("canbo", "can_bo_don_vi", "tinh_a"),
        ] {
            t.app
                .create_user(
                    None,
                    UserInput {
                        username: user.into(),
                        display_name: format!("Người {user}"),
                        password: PASSWORD.into(),
                        grants: vec![(role.into(), unit.into())],
                    },
                )
                .await
                .unwrap();
        }
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

    /// Posts a form as `client` (a logged-in browser puts its `_csrf` among the fields);
    /// redirects are not followed, so the caller sees the 303 and its `Location`.
    pub async fn post_form<F: serde::Serialize + ?Sized>(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &F,
    ) -> reqwest::Response {
        client.post(self.url(path)).form(form).send().await.unwrap()
    }

    /// A page's text as `client` sees it, whatever the status.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn browser() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
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

    /// Logs in through the form; returns the client and the session's CSRF token.
    pub async fn login(&self, user: &str) -> (reqwest::Client, String) {
        let c = Self::browser();
        let page = c
            .get(self.url("/dang-nhap"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&page, "_csrf");
        let r = c
            .post(self.url("/dang-nhap"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("ten_dang_nhap", user),
                ("mat_khau", PASSWORD),
                ("tiep", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {user}");
        let home = c
            .get(self.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = home
            .split("\"X-CSRF-Token\": \"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("session CSRF token in page")
            .to_string();
        (c, token)
    }
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
