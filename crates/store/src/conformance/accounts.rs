//! `AccountStore`: users and grants, login failures and locks, sessions, API tokens.

use std::sync::Arc;

use tdkt_domain::access::{Grant, Role};
use time::{Duration, OffsetDateTime};

use super::fixtures::*;
use crate::*;

/// The account `chuyenvien`: the Board's specialist and a viewer at the root unit.
async fn specialist(s: &dyn Store) -> (UnitRow, UserRow) {
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
    (root, u)
}

fn session(token_hash: &str, csrf_token: &str, now: OffsetDateTime) -> NewSession {
    NewSession {
        token_hash: token_hash.into(),
        csrf_token: csrf_token.into(),
        expires_at: now + Duration::hours(8),
    }
}

pub async fn users_have_unique_names_and_their_grants(s: Arc<dyn Store>) {
    let s = &*s;
    let (root, u) = specialist(s).await;
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
    verify_chain(s).await;
}

/// Failures count up; a lock resets the counter and sets the time.
pub async fn login_failures_count_up_to_a_lock(s: Arc<dyn Store>) {
    let s = &*s;
    let (_, u) = specialist(s).await;
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
    verify_chain(s).await;
}

/// Opening a session lifts a lock; a session is found by its hash until it expires or closes.
pub async fn sessions_open_expire_and_close(s: Arc<dyn Store>) {
    let s = &*s;
    let (_, u) = specialist(s).await;
    let until = OffsetDateTime::now_utc() + Duration::minutes(15);
    s.record_login_failure(u.id, Some(until)).await.unwrap();
    assert!(s.user(u.id).await.unwrap().locked_until.is_some());

    let now = OffsetDateTime::now_utc();
    s.open_session(u.id, session("h1", "c1", now))
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
    verify_chain(s).await;
}

pub async fn a_password_change_ends_every_session(s: Arc<dyn Store>) {
    let s = &*s;
    let (_, u) = specialist(s).await;
    let now = OffsetDateTime::now_utc();
    s.open_session(u.id, session("h2", "c2", now))
        .await
        .unwrap();
    assert!(s.session("h2", now).await.unwrap().is_some());
    s.set_password(&sys(), u.id, "$argon2id$new").await.unwrap();
    assert!(s.session("h2", now).await.unwrap().is_none());
    assert_eq!(s.user(u.id).await.unwrap().password_hash, "$argon2id$new");
    verify_chain(s).await;
}

/// A token names its user and records its use; only its owner revokes it, and then it names
/// no one.
pub async fn api_tokens_are_used_and_revoked(s: Arc<dyn Store>) {
    let s = &*s;
    let (_, u) = specialist(s).await;
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
