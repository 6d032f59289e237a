//! Login, lockout, sessions, password change and API tokens.

use std::net::IpAddr;

use tdkt_app::AppError;
use tdkt_app::accounts::UserInput;

use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp};

on_both!(
    login_lockout_and_sessions,
    password_change_ends_sessions,
    api_tokens,
    ip_throttle
);

const IP: &str = "127.0.0.9";

async fn with_user(b: Backend) -> TestApp {
    let t = TestApp::new(b).await;
    t.unit("vn", None).await;
    t.app
        .create_user(
            None,
            UserInput {
                username: "ChuyenVien".into(),
                display_name: "Chuyên viên".into(),
                password: "mật khẩu 2025".into(),
                grants: vec![("chuyen_vien_ban".into(), "vn".into())],
            },
        )
        .await
        .unwrap();
    t
}

fn ip() -> IpAddr {
    IP.parse().unwrap()
}

async fn login_lockout_and_sessions(b: Backend) {
    let t = with_user(b).await;
    let ok = t
        .app
        .login("chuyenvien", "mật khẩu 2025", ip())
        .await
        .unwrap();
    let p = t
        .app
        .session_principal(&ok.session_token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.username, "chuyenvien");
    assert_eq!(p.csrf_token.as_deref(), Some(ok.csrf_token.as_str()));
    assert!(t.app.session_principal("sai").await.unwrap().is_none());
    t.app.logout(&p, &ok.session_token).await.unwrap();
    assert!(
        t.app
            .session_principal(&ok.session_token)
            .await
            .unwrap()
            .is_none()
    );

    // Unknown user and wrong password answer the same.
    assert!(matches!(
        t.app.login("khongco", "x", ip()).await,
        Err(AppError::BadCredentials)
    ));
    assert!(matches!(
        t.app.login("chuyenvien", "sai 1", ip()).await,
        Err(AppError::BadCredentials)
    ));
    assert!(matches!(
        t.app.login("chuyenvien", "sai 2", ip()).await,
        Err(AppError::BadCredentials)
    ));
    // The third failure (the limit in these tests) locks the account, even for the right password.
    let locked = t.app.login("chuyenvien", "sai 3", ip()).await.unwrap_err();
    assert!(matches!(locked, AppError::Locked(_)));
    assert!(locked.to_string().contains("tạm khoá đến"), "{locked}");
    assert!(matches!(
        t.app.login("chuyenvien", "mật khẩu 2025", ip()).await,
        Err(AppError::Locked(_))
    ));
    let verdict = tdkt_app::audit::verify(t.store()).await.unwrap();
    assert!(verdict.is_ok());
    let actions: Vec<String> = t
        .store()
        .audit_entries(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "auth.login_failed").count(),
        2
    );
    assert_eq!(actions.iter().filter(|a| *a == "auth.lock").count(), 1);
}

async fn password_change_ends_sessions(b: Backend) {
    let t = with_user(b).await;
    let ok = t
        .app
        .login("chuyenvien", "mật khẩu 2025", ip())
        .await
        .unwrap();
    let p = t
        .app
        .session_principal(&ok.session_token)
        .await
        .unwrap()
        .unwrap();
    let e = t
        .app
        .change_password(&p, "sai", "mật khẩu mới 1", "mật khẩu mới 1")
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("mat_khau_hien_tai"));
    let e = t
        .app
        .change_password(&p, "mật khẩu 2025", "mật khẩu mới 1", "khác")
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("nhap_lai_mat_khau"));
    let e = t
        .app
        .change_password(&p, "mật khẩu 2025", "ngắn", "ngắn")
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("mat_khau_moi"));
    t.app
        .change_password(&p, "mật khẩu 2025", "mật khẩu mới 1", "mật khẩu mới 1")
        .await
        .unwrap();
    assert!(
        t.app
            .session_principal(&ok.session_token)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        t.app
            .login("chuyenvien", "mật khẩu 2025", ip())
            .await
            .is_err()
    );
    assert!(
        t.app
            .login("chuyenvien", "mật khẩu mới 1", ip())
            .await
            .is_ok()
    );
}

async fn api_tokens(b: Backend) {
    let t = with_user(b).await;
    let ok = t
        .app
        .login("chuyenvien", "mật khẩu 2025", ip())
        .await
        .unwrap();
    let p = t
        .app
        .session_principal(&ok.session_token)
        .await
        .unwrap()
        .unwrap();
    let (secret, row) = t.app.create_api_token(&p, "Máy chủ báo cáo").await.unwrap();
    assert!(secret.starts_with("tdkt_"));
    let via = t.app.token_principal(&secret).await.unwrap().unwrap();
    assert_eq!(via.user_id, p.user_id);
    assert!(via.csrf_token.is_none());
    // The secret is not stored: nothing in the tokens list or the audit log contains it.
    let log = t.store().audit_entries(0, 100).await.unwrap();
    assert!(
        log.iter()
            .all(|e| !e.after.as_deref().unwrap_or("").contains(&secret))
    );
    assert!(t.app.token_principal("tdkt_sai").await.unwrap().is_none());
    assert!(
        t.app
            .token_principal(&ok.session_token)
            .await
            .unwrap()
            .is_none()
    );
    t.app.revoke_api_token(&p, row.id).await.unwrap();
    assert!(t.app.token_principal(&secret).await.unwrap().is_none());
    assert_eq!(
        t.app.create_api_token(&p, "  ").await.unwrap_err().field(),
        Some("ten")
    );
}

async fn ip_throttle(b: Backend) {
    let mut t = with_user(b).await;
    t.app.settings.login_max_failures_per_ip = 2;
    let other: IpAddr = "127.0.0.10".parse().unwrap();
    assert!(matches!(
        t.app.login("a", "x", ip()).await,
        Err(AppError::BadCredentials)
    ));
    assert!(matches!(
        t.app.login("b", "x", ip()).await,
        Err(AppError::BadCredentials)
    ));
    assert!(matches!(
        t.app.login("chuyenvien", "mật khẩu 2025", ip()).await,
        Err(AppError::Throttled)
    ));
    assert!(
        t.app
            .login("chuyenvien", "mật khẩu 2025", other)
            .await
            .is_ok()
    );
}
