//! Accounts, sessions and API tokens.

use super::*;

pub async fn accounts_sessions_tokens(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let u = s
        .create_user(
            &sys(),
            NewUser {
                username: "chuyenvien".into(),
                display_name: "Chuyên viên Một".into(),
                password_hash: "$argon2id$fake".into(),
                grants: vec![(Role::BoardSpecialist, root.id), (Role::Viewer, root.id)],
            },
        )
        .await
        .unwrap();
    assert!(u.active);
    let dup = s
        .create_user(
            &sys(),
            NewUser {
                username: "chuyenvien".into(),
                display_name: "X".into(),
                password_hash: "h".into(),
                grants: vec![],
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(ref m) if m.contains("Tên đăng nhập")));
    assert_eq!(
        s.user_grants(u.id).await.unwrap(),
        [
            Grant {
                role: Role::BoardSpecialist,
                unit_id: root.id
            },
            Grant {
                role: Role::Viewer,
                unit_id: root.id
            }
        ]
    );
    assert_eq!(
        s.user_by_username("chuyenvien").await.unwrap().unwrap().id,
        u.id
    );
    assert!(s.user_by_username("khong").await.unwrap().is_none());

    // Failures count up; a lock resets the counter and sets the time.
    s.record_login_failure(u.id, None).await.unwrap();
    s.record_login_failure(u.id, None).await.unwrap();
    assert_eq!(s.user(u.id).await.unwrap().failed_logins, 2);
    let until = OffsetDateTime::now_utc() + Duration::minutes(15);
    s.record_login_failure(u.id, Some(until)).await.unwrap();
    let locked = s.user(u.id).await.unwrap();
    assert_eq!(locked.failed_logins, 0);
    assert_eq!(
        locked.locked_until.map(|t| t.unix_timestamp()),
        Some(until.unix_timestamp())
    );

    let now = OffsetDateTime::now_utc();
    s.open_session(
        u.id,
        NewSession {
            token_hash: "h1".into(),
            csrf_token: "c1".into(),
            expires_at: now + Duration::hours(8),
        },
    )
    .await
    .unwrap();
    assert_eq!(s.user(u.id).await.unwrap().locked_until, None);
    let sess = s.session("h1", now).await.unwrap().unwrap();
    assert_eq!((sess.user_id, sess.csrf_token.as_str()), (u.id, "c1"));
    assert!(
        s.session("h1", now + Duration::hours(9))
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.session("other", now).await.unwrap().is_none());
    s.close_session(&Actor::user(u.id, "chuyenvien"), "h1")
        .await
        .unwrap();
    assert!(s.session("h1", now).await.unwrap().is_none());

    // Password change ends every session.
    s.open_session(
        u.id,
        NewSession {
            token_hash: "h2".into(),
            csrf_token: "c2".into(),
            expires_at: now + Duration::hours(8),
        },
    )
    .await
    .unwrap();
    s.set_password(&sys(), u.id, "$argon2id$new").await.unwrap();
    assert!(s.session("h2", now).await.unwrap().is_none());
    assert_eq!(s.user(u.id).await.unwrap().password_hash, "$argon2id$new");

    let t = s
        .create_api_token(&sys(), u.id, "máy chủ báo cáo", "th1")
        .await
        .unwrap();
    assert_eq!(s.api_token_user("th1").await.unwrap(), Some(u.id));
    assert!(
        s.list_api_tokens(u.id).await.unwrap()[0]
            .last_used_at
            .is_some()
    );
    assert!(matches!(
        s.revoke_api_token(&sys(), u.id + 1, t.id).await,
        Err(StoreError::NotFound(_))
    ));
    s.revoke_api_token(&sys(), u.id, t.id).await.unwrap();
    assert_eq!(s.api_token_user("th1").await.unwrap(), None);
    assert!(
        s.list_api_tokens(u.id).await.unwrap()[0]
            .revoked_at
            .is_some()
    );
    verify_chain(s).await;
}
