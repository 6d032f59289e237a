//! Use cases of tdkt. Each one authorises the caller (deny by default, here and only here),
//! parses its input with the domain types, and makes one store call that writes the change
//! and its audit entry in one transaction.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod certificates;
pub mod clusters;
pub mod conference;
pub mod council;
pub mod decision;
pub mod demo;
mod demo_conference;
mod demo_dossiers;
mod demo_movements;
mod demo_rounds;
pub mod dossiers;
pub mod error;
pub mod history;
pub mod movements;
pub mod people;
pub mod register;
pub mod rounds;
#[cfg(feature = "testing")]
pub mod testing;
pub mod units;

use std::sync::Arc;

use tdkt_domain::access::{Action, Grant, permits};
use tdkt_store::{Actor, Store};
use time::{Date, OffsetDateTime, UtcOffset};

pub use error::{AppError, AppResult};

/// Vietnam keeps one time zone, UTC+7, all year.
pub const VN_OFFSET: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

/// Today in Vietnam.
pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(VN_OFFSET).date()
}

/// Settings the use cases need (the binary reads them from configuration).
#[derive(Debug, Clone)]
pub struct Settings {
    pub session_hours: i64,
    /// Failed logins in a row before an account is locked.
    pub login_max_failures: i32,
    pub login_lock_minutes: i64,
    /// Failed logins from one address within the lock window before it is throttled.
    pub login_max_failures_per_ip: u32,
    /// The registration deadline of a year when a movement names none: (month, day).
    pub registration_deadline: (u8, u8),
    /// What a year-end nominee who did not register gets: a flag, a refusal, or nothing.
    pub unregistered_nominee: tdkt_domain::movement::UnregisteredPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_hours: 8,
            login_max_failures: 5,
            login_lock_minutes: 15,
            login_max_failures_per_ip: 30,
            // Provinces commonly ask for registrations by the end of the first quarter.
            registration_deadline: (3, 31),
            unregistered_nominee: tdkt_domain::movement::UnregisteredPolicy::Flag,
        }
    }
}

/// The application: a store and its settings. Cheap to clone.
#[derive(Clone)]
pub struct App {
    /// Only the app talks to storage: pages and the API go through use cases.
    pub(crate) store: Arc<dyn Store>,
    pub settings: Settings,
    /// The award catalog and rule packs (rules/*.toml).
    pub rules: Arc<tdkt_domain::eligibility::RuleSet>,
    /// Dossier procedure settings (rules/procedure.toml): time limits, holidays, council
    /// thresholds, consultation, document limits.
    pub procedure: Arc<tdkt_domain::dossier::procedure::Procedure>,
    /// Ballot presets of cluster conferences (rules/conference.toml): categories and quorum.
    pub ballot_presets: Arc<tdkt_domain::evaluation::BallotPresets>,
    /// Year-end round settings (rules/round.toml): due dates per level, what each kind of unit
    /// may grant, the candidates' titles, limits warned on.
    pub round: Arc<tdkt_domain::round::RoundSettings>,
    pub(crate) throttle: Arc<auth::IpThrottle>,
    /// Public comments per address.
    pub(crate) comment_throttle: Arc<auth::IpThrottle>,
    /// "Today" for the dossier workflow when set: the demo replays a past year with it.
    pub(crate) clock: Arc<std::sync::RwLock<Option<Date>>>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, settings: Settings) -> Self {
        Self {
            store,
            settings,
            rules: Arc::new(tdkt_domain::eligibility::RuleSet::builtin()),
            procedure: Arc::new(tdkt_domain::dossier::procedure::Procedure::builtin()),
            ballot_presets: Arc::new(tdkt_domain::evaluation::BallotPresets::builtin()),
            round: Arc::new(tdkt_domain::round::RoundSettings::builtin()),
            throttle: Arc::default(),
            comment_throttle: Arc::default(),
            clock: Arc::default(),
        }
    }
}

impl App {
    /// Today in Vietnam, or the day the clock was set to.
    pub fn today(&self) -> Date {
        self.clock
            .read()
            .map(|c| c.unwrap_or_else(today))
            .unwrap_or_else(|_| today())
    }

    /// Pretends today is `day` (the demo loader replays past dossiers; tests let time pass);
    /// `None` goes back to the real date.
    pub fn set_clock(&self, day: Option<Date>) {
        if let Ok(mut c) = self.clock.write() {
            *c = day;
        }
    }
}

/// Who is calling: a signed-in user with their role grants.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<Grant>,
    /// The session's CSRF token; `None` for API tokens (no cookie, no CSRF).
    pub csrf_token: Option<String>,
}

impl Principal {
    pub fn actor(&self) -> Actor {
        Actor::user(self.user_id, &self.username)
    }
}

impl App {
    /// Deny by default: the caller needs a grant whose role allows `action` at the place of
    /// `unit_id` relative to the granted unit.
    pub async fn authorize(&self, p: &Principal, action: Action, unit_id: i64) -> AppResult<()> {
        let ancestors: Vec<i64> = self
            .store
            .unit_ancestors(unit_id)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        if permits(&p.grants, action, unit_id, &ancestors) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }
}

/// Opens the store named by a database URL: `postgres://…` or `postgresql://…` for
/// PostgreSQL, anything else (`sqlite://file.db`, a path) for SQLite. Migrates it.
pub async fn open_store(
    url: &str,
    sqlite_synchronous: &str,
    max_connections: u32,
) -> AppResult<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let s = tdkt_store_postgres::PgStore::connect(url, max_connections).await?;
        s.migrate().await?;
        Ok(Arc::new(s))
    } else {
        let opts = tdkt_store_sqlite::SqliteOptions {
            synchronous: sqlite_synchronous.to_string(),
            readers: max_connections,
        };
        let s = tdkt_store_sqlite::SqliteStore::open(url, &opts).await?;
        s.migrate().await?;
        Ok(Arc::new(s))
    }
}
