//! Passwords (Argon2id), sessions, API tokens and login throttling. Secrets are random 32
//! bytes; only their SHA-256 is stored, so a copy of the database opens no session.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use base64::Engine;
use sha2::{Digest, Sha256};
use tdkt_domain::Invalid;
use tdkt_store::{ApiTokenRow, NewSession};
use time::{Duration, OffsetDateTime};

use crate::{App, AppError, AppResult, Principal};

/// Hashes a password with Argon2id off the async threads (it takes tens of milliseconds on
/// purpose).
pub async fn hash_password(password: &str) -> AppResult<String> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (pw, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash that matches no password, verified for unknown users so that a wrong user name
/// takes as long as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2mI0ZZ+9n7oFqnHVZ6qbQ0JjKCD93Q8qM3g5hYb5vEk";

pub fn check_new_password(pw: &str) -> Result<(), Invalid> {
    if pw.chars().count() < 8 {
        return Err(Invalid::new(
            "mat_khau_moi",
            "Mật khẩu phải có ít nhất 8 ký tự",
        ));
    }
    if pw.chars().count() > 256 {
        return Err(Invalid::new("mat_khau_moi", "Mật khẩu dài quá 256 ký tự"));
    }
    if !(pw.chars().any(|c| c.is_alphabetic()) && pw.chars().any(|c| !c.is_alphabetic())) {
        return Err(Invalid::new(
            "mat_khau_moi",
            "Mật khẩu cần có cả chữ và số hoặc ký hiệu",
        ));
    }
    Ok(())
}

/// A fresh random secret, URL-safe.
pub fn random_token() -> String {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).expect("the OS has randomness");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Prefix of API tokens, so that a leaked one is recognisable.
pub const API_TOKEN_PREFIX: &str = "tdkt_";

/// Counts failed logins per address in a sliding window, in memory: it slows down guessing
/// across many accounts from one place; the per-account lock lives in the database.
#[derive(Default)]
pub struct IpThrottle {
    failures: Mutex<HashMap<IpAddr, Vec<OffsetDateTime>>>,
}

impl IpThrottle {
    pub(crate) fn blocked(
        &self,
        ip: IpAddr,
        now: OffsetDateTime,
        window: Duration,
        max: u32,
    ) -> bool {
        let mut map = self.failures.lock().expect("throttle lock");
        let list = map.entry(ip).or_default();
        list.retain(|t| *t > now - window);
        list.len() as u32 >= max
    }

    pub(crate) fn fail(&self, ip: IpAddr, now: OffsetDateTime) {
        let mut map = self.failures.lock().expect("throttle lock");
        map.entry(ip).or_default().push(now);
        // Keep memory bounded under a spray of addresses.
        if map.len() > 100_000 {
            map.clear();
        }
    }
}

/// A new session: the cookie value and the CSRF token forms must carry.
#[derive(Debug, Clone)]
pub struct LoginOk {
    pub session_token: String,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

impl App {
    pub async fn login(&self, username: &str, password: &str, ip: IpAddr) -> AppResult<LoginOk> {
        let now = OffsetDateTime::now_utc();
        let window = Duration::minutes(self.settings.login_lock_minutes);
        if self
            .throttle
            .blocked(ip, now, window, self.settings.login_max_failures_per_ip)
        {
            return Err(AppError::Throttled);
        }
        let user = self.store.user_by_username(username.trim()).await?;
        let Some(user) = user.filter(|u| u.active) else {
            verify_password(password, DUMMY_HASH).await;
            self.throttle.fail(ip, now);
            return Err(AppError::BadCredentials);
        };
        if let Some(until) = user.locked_until.filter(|t| *t > now) {
            return Err(AppError::Locked(until));
        }
        if !verify_password(password, &user.password_hash).await {
            self.throttle.fail(ip, now);
            let lock = (user.failed_logins + 1 >= self.settings.login_max_failures)
                .then_some(now + window);
            self.store.record_login_failure(user.id, lock).await?;
            return Err(match lock {
                Some(until) => AppError::Locked(until),
                None => AppError::BadCredentials,
            });
        }
        let ok = LoginOk {
            session_token: random_token(),
            csrf_token: random_token(),
            expires_at: now + Duration::hours(self.settings.session_hours),
        };
        self.store
            .open_session(
                user.id,
                NewSession {
                    token_hash: token_hash(&ok.session_token),
                    csrf_token: ok.csrf_token.clone(),
                    expires_at: ok.expires_at,
                },
            )
            .await?;
        Ok(ok)
    }

    async fn principal(&self, user_id: i64, csrf_token: Option<String>) -> AppResult<Principal> {
        let user = self.store.user(user_id).await?;
        Ok(Principal {
            user_id,
            username: user.username,
            display_name: user.display_name,
            grants: self.store.user_grants(user_id).await?,
            csrf_token,
        })
    }

    /// The user behind a session cookie, if the session is live.
    pub async fn session_principal(&self, session_token: &str) -> AppResult<Option<Principal>> {
        let now = OffsetDateTime::now_utc();
        match self.store.session(&token_hash(session_token), now).await? {
            Some(s) => Ok(Some(self.principal(s.user_id, Some(s.csrf_token)).await?)),
            None => Ok(None),
        }
    }

    /// The user behind an API token (`Authorization: Bearer tdkt_…`).
    pub async fn token_principal(&self, token: &str) -> AppResult<Option<Principal>> {
        if !token.starts_with(API_TOKEN_PREFIX) {
            return Ok(None);
        }
        match self.store.api_token_user(&token_hash(token)).await? {
            Some(user_id) => Ok(Some(self.principal(user_id, None).await?)),
            None => Ok(None),
        }
    }

    pub async fn logout(&self, p: &Principal, session_token: &str) -> AppResult<()> {
        Ok(self
            .store
            .close_session(&p.actor(), &token_hash(session_token))
            .await?)
    }

    /// Changes the caller's own password; every session of the account ends.
    pub async fn change_password(
        &self,
        p: &Principal,
        current: &str,
        new: &str,
        repeat: &str,
    ) -> AppResult<()> {
        let user = self.store.user(p.user_id).await?;
        if !verify_password(current, &user.password_hash).await {
            return Err(Invalid::new("mat_khau_hien_tai", "Mật khẩu hiện tại không đúng").into());
        }
        check_new_password(new)?;
        if new != repeat {
            return Err(
                Invalid::new("nhap_lai_mat_khau", "Hai lần nhập mật khẩu mới không khớp").into(),
            );
        }
        if new == current {
            return Err(
                Invalid::new("mat_khau_moi", "Mật khẩu mới phải khác mật khẩu hiện tại").into(),
            );
        }
        let hash = hash_password(new).await?;
        Ok(self
            .store
            .set_password(&p.actor(), p.user_id, &hash)
            .await?)
    }

    /// Creates an API token for the caller; the secret is returned once and never stored.
    pub async fn create_api_token(
        &self,
        p: &Principal,
        name: &str,
    ) -> AppResult<(String, ApiTokenRow)> {
        let name = tdkt_domain::text::tidy(name);
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Invalid::new("ten", "Tên mã truy cập phải có từ 1 đến 100 ký tự").into());
        }
        let secret = format!("{API_TOKEN_PREFIX}{}", random_token());
        let row = self
            .store
            .create_api_token(&p.actor(), p.user_id, &name, &token_hash(&secret))
            .await?;
        Ok((secret, row))
    }

    pub async fn list_api_tokens(&self, p: &Principal) -> AppResult<Vec<ApiTokenRow>> {
        Ok(self.store.list_api_tokens(p.user_id).await?)
    }

    pub async fn revoke_api_token(&self, p: &Principal, token_id: i64) -> AppResult<()> {
        Ok(self
            .store
            .revoke_api_token(&p.actor(), p.user_id, token_id)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_password_rules() {
        assert!(check_new_password("ngắn1").is_err());
        assert!(check_new_password("chiconchu").is_err());
        assert!(check_new_password("12345678").is_err());
        assert!(check_new_password("mật khẩu 2025").is_ok());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[tokio::test]
    async fn argon2id_round_trip() {
        let h = hash_password("mật khẩu 2025").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu 2025", &h).await);
        assert!(!verify_password("mat khau 2025", &h).await);
        assert!(!verify_password("x", DUMMY_HASH).await);
        assert!(!verify_password("x", "not a hash").await);
    }

    #[test]
    fn ip_throttle_window() {
        let t = IpThrottle::default();
        let ip: IpAddr = "127.0.0.2".parse().unwrap();
        let now = OffsetDateTime::now_utc();
        for _ in 0..3 {
            t.fail(ip, now);
        }
        assert!(t.blocked(ip, now, Duration::minutes(15), 3));
        assert!(!t.blocked(ip, now + Duration::minutes(16), Duration::minutes(15), 3));
    }
}
