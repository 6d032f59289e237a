//! Configuration: defaults, then a TOML file, then `TDKT_*` environment variables, then
//! command-line flags. A bad value is reported with the key and where it came from.

use std::net::SocketAddr;
use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// SQLite file (default) or `postgres://…`.
    pub database_url: String,
    pub listen: SocketAddr,
    /// SQLite `synchronous`: full (default), normal or off.
    pub sqlite_synchronous: String,
    pub db_max_connections: u32,
    /// Mark cookies Secure: set when served behind TLS.
    pub secure_cookies: bool,
    pub session_hours: i64,
    pub login_max_failures: i32,
    pub login_lock_minutes: i64,
    pub login_max_failures_per_ip: u32,
    /// Registration deadline of a year when a movement names none, `MM-DD`.
    pub registration_deadline: String,
    /// A year-end nominee who did not register: `canh_bao` (flag), `chan` (refuse), `bo_qua`.
    pub unregistered_nominee: tdkt_domain::movement::UnregisteredPolicy,
    /// Log filter, e.g. `info` or `tdkt_web=debug`.
    pub log: String,
    /// Public address printed in certificates' QR codes, e.g. `https://tdkt.gialai.gov.vn`
    /// (default: the address each request came to).
    #[serde(default)]
    pub public_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        let s = tdkt_app::Settings::default();
        Self {
            database_url: "./tdkt.db".into(),
            listen: "127.0.0.1:8080".parse().expect("valid address"),
            sqlite_synchronous: "full".into(),
            db_max_connections: 8,
            secure_cookies: false,
            session_hours: s.session_hours,
            login_max_failures: s.login_max_failures,
            login_lock_minutes: s.login_lock_minutes,
            login_max_failures_per_ip: s.login_max_failures_per_ip,
            registration_deadline: format!(
                "{:02}-{:02}",
                s.registration_deadline.0, s.registration_deadline.1
            ),
            unregistered_nominee: s.unregistered_nominee,
            log: "info".into(),
            public_url: None,
        }
    }
}

impl Config {
    pub fn load(file: Option<&Path>, database_url: Option<&str>) -> Result<Self, String> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(f) if !f.exists() => {
                return Err(format!("Không tìm thấy tệp cấu hình {}", f.display()));
            }
            Some(f) => fig = fig.merge(Toml::file_exact(f)),
            None => fig = fig.merge(Toml::file("tdkt.toml")),
        }
        fig = fig.merge(Env::prefixed("TDKT_").ignore(&["config", "new_password", "test_pg_url"]));
        if let Some(url) = database_url {
            fig = fig.merge(Serialized::default("database_url", url));
        }
        let cfg: Config = fig.extract().map_err(|errors| {
            let lines: Vec<String> = errors
                .into_iter()
                .map(|e| {
                    let key = e.path.join(".");
                    let source = e
                        .metadata
                        .as_ref()
                        .map(|m| match &m.source {
                            Some(s) => format!("{} ({s})", m.name),
                            None => m.name.to_string(),
                        })
                        .unwrap_or_else(|| "không rõ nguồn".into());
                    format!("  - khoá «{key}» từ {source}: {}", e.kind)
                })
                .collect();
            format!("Cấu hình không hợp lệ:\n{}", lines.join("\n"))
        })?;
        cfg.check()?;
        Ok(cfg)
    }

    fn check(&self) -> Result<(), String> {
        if !matches!(self.sqlite_synchronous.as_str(), "full" | "normal" | "off") {
            return Err(format!(
                "Cấu hình không hợp lệ: sqlite_synchronous = «{}»; dùng full, normal hoặc off",
                self.sqlite_synchronous
            ));
        }
        if self.session_hours < 1
            || self.login_max_failures < 1
            || self.login_lock_minutes < 1
            || self.db_max_connections < 1
        {
            return Err("Cấu hình không hợp lệ: session_hours, login_max_failures, login_lock_minutes và db_max_connections phải lớn hơn 0".into());
        }
        self.deadline()?;
        Ok(())
    }

    /// `registration_deadline` as (month, day), checked against a leap year.
    fn deadline(&self) -> Result<(u8, u8), String> {
        let bad = || {
            format!(
                "Cấu hình không hợp lệ: registration_deadline = «{}»; ghi tháng-ngày, ví dụ 03-31",
                self.registration_deadline
            )
        };
        let (m, d) = self.registration_deadline.split_once('-').ok_or_else(bad)?;
        let (m, d): (u8, u8) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        time::Month::try_from(m)
            .ok()
            .and_then(|mo| time::Date::from_calendar_date(2024, mo, d).ok())
            .ok_or_else(bad)?;
        Ok((m, d))
    }

    pub fn database_url_is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://")
    }

    pub fn settings(&self) -> tdkt_app::Settings {
        tdkt_app::Settings {
            session_hours: self.session_hours,
            login_max_failures: self.login_max_failures,
            login_lock_minutes: self.login_lock_minutes,
            login_max_failures_per_ip: self.login_max_failures_per_ip,
            registration_deadline: self.deadline().unwrap_or((3, 31)),
            unregistered_nominee: self.unregistered_nominee,
        }
    }
}
