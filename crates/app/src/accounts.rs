//! Creating accounts and granting roles.

use tdkt_domain::Invalid;
use tdkt_domain::access::{Action, Role};
use tdkt_store::{Actor, NewUser, UserRow};

use crate::auth::{check_new_password, hash_password};
use crate::{App, AppResult, Principal};

/// A new account: roles are given as (role code, unit code).
#[derive(Debug, Clone)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub grants: Vec<(String, String)>,
}

fn parse_username(s: &str) -> Result<String, Invalid> {
    let s = s.trim().to_ascii_lowercase();
    if !(3..=64).contains(&s.len()) {
        return Err(Invalid::new(
            "ten_dang_nhap",
            "Tên đăng nhập phải có từ 3 đến 64 ký tự",
        ));
    }
    if let Some(bad) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(Invalid::new(
            "ten_dang_nhap",
            format!("Tên đăng nhập chỉ gồm chữ không dấu, số, «.», «_», «-»; có ký tự «{bad}»"),
        ));
    }
    Ok(s)
}

impl App {
    /// Creates an account. With a principal the caller needs `UserAdmin` over every unit
    /// granted; without one (`tdkt admin create-user`, the demo) it runs as the system.
    pub async fn create_user(
        &self,
        by: Option<&Principal>,
        input: UserInput,
    ) -> AppResult<UserRow> {
        let username = parse_username(&input.username)?;
        let display_name = tdkt_domain::text::tidy(&input.display_name);
        if display_name.is_empty() {
            return Err(Invalid::new("ho_ten", "Cần nhập họ tên người dùng").into());
        }
        check_new_password(&input.password).map_err(|e| Invalid::new("mat_khau", e.message))?;
        if input.grants.is_empty() {
            return Err(Invalid::new("vai_tro", "Tài khoản cần ít nhất một vai trò").into());
        }
        let mut grants = Vec::new();
        for (i, (role, unit)) in input.grants.iter().enumerate() {
            let role = Role::parse(&format!("vai_tro[{i}]"), role)?;
            let unit = self.store.unit_by_code(unit.trim()).await.map_err(|_| {
                Invalid::new(
                    format!("don_vi[{i}]"),
                    format!("Không có đơn vị mã «{unit}»"),
                )
            })?;
            if let Some(p) = by {
                self.authorize(p, Action::UserAdmin, unit.id).await?;
            }
            grants.push((role, unit.id));
        }
        let actor = by
            .map(Principal::actor)
            .unwrap_or_else(|| Actor::system("admin-cli"));
        let password_hash = hash_password(&input.password).await?;
        Ok(self
            .store
            .create_user(
                &actor,
                NewUser {
                    username,
                    display_name,
                    password_hash,
                    grants,
                },
            )
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(parse_username(" ChuyenVien.01 ").unwrap(), "chuyenvien.01");
        assert!(parse_username("ab").is_err());
        assert!(
            parse_username("chuyên viên")
                .unwrap_err()
                .message
                .contains("«ê»")
        );
    }
}
