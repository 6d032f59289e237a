//! The SQL implementation of `Store`, written once and compiled into each backend crate with
//! `#[path]` (see README.md beside this file). The including crate defines `Db` (its sqlx
//! database), `Backend` (its store struct) and implements [`Dialect`] for `Backend`: that trait
//! is everything that differs between the backends (write locking, readers, name search,
//! constraint names). Each area's `impl <Area>Store for Backend` lives in `<area>.rs`.
//! This avoids both `sqlx::Any` (no macros, missing types) and a second copy of every query.

mod accounts;
mod audit;
mod clusters;
mod comments;
mod conference;
mod council;
mod decisions;
mod documents;
mod dossiers;
mod history;
pub mod migrate;
mod movements;
mod people;
mod register;
mod rounds;
mod units;

use sqlx::error::DatabaseError;
use sqlx::{Pool, QueryBuilder, Row};
use tdkt_domain::CodeEnum;
use tdkt_store::*;
use time::OffsetDateTime;

use super::{Backend, Db};

pub(crate) type Tx = sqlx::Transaction<'static, Db>;
pub(crate) type DbRow = <Db as sqlx::Database>::Row;

/// What the shared SQL needs from its backend. Implemented once per backend crate, for
/// `Backend`; static dispatch only.
pub(crate) trait Dialect {
    /// `sqlite` or `postgres`.
    const NAME: &'static str;

    /// Starts a write transaction that serialises with every other write (the audit head is a
    /// single row, so writes are serial anyway).
    async fn begin_write(&self) -> Result<Tx, sqlx::Error>;

    /// Starts the migrator's transaction, serialised with concurrent starts.
    async fn begin_migration(pool: &Pool<Db>) -> Result<Tx, sqlx::Error>;

    /// The pool reads go to.
    fn reader(&self) -> &Pool<Db>;

    /// Adds conditions matching people whose folded name (alias `p`) holds every word.
    fn push_name_match(q: &mut QueryBuilder<Db>, words: &[&str]);

    /// Adds conditions matching award records whose folded name as awarded (alias `r`) holds
    /// every word.
    fn push_register_match(q: &mut QueryBuilder<Db>, words: &[&str]);

    /// The violated unique constraint, as `table.column[,column]`: SQLite names the columns in
    /// its message, PostgreSQL names the constraint.
    fn unique_constraint(e: &dyn DatabaseError) -> Option<String>;
}

/// Unique constraints a user can run into, by `table.column`, with what to tell them.
const UNIQUE_CONFLICTS: &[(&str, &str)] = &[
    ("units.code", "Mã đơn vị đã tồn tại"),
    ("clusters.code", "Mã cụm, khối thi đua đã tồn tại"),
    ("people.cccd", "Số CCCD đã có trong hồ sơ của người khác"),
    ("users.username", "Tên đăng nhập đã tồn tại"),
    ("movements.code", "Mã phong trào thi đua đã tồn tại"),
    // SQLite names both columns; PostgreSQL's default constraint name joins them with `_`.
    (
        "rounds.authority_id,year",
        "Đơn vị đã mở đợt bình xét của năm này",
    ),
    (
        "rounds.authority_id_year",
        "Đơn vị đã mở đợt bình xét của năm này",
    ),
    (
        "local_award_kinds.code",
        "Mã hình thức khen thưởng đã tồn tại",
    ),
];

/// Maps database errors to store errors; unique violations become a Vietnamese conflict
/// message naming the field, found by the constraint (never by guessing from message text).
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound("bản ghi"),
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            let key = <Backend as Dialect>::unique_constraint(d.as_ref());
            let what = UNIQUE_CONFLICTS
                .iter()
                .find(|(k, _)| key.as_deref() == Some(*k))
                .map_or("Bản ghi trùng với bản ghi đã có", |(_, m)| m);
            StoreError::Conflict(what.to_string())
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::Conflict("Tham chiếu tới bản ghi không tồn tại".to_string())
        }
        _ => StoreError::Db(e.to_string()),
    }
}

pub(crate) fn get<'r, T>(row: &'r DbRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Db> + sqlx::Type<Db>,
{
    row.try_get(col).map_err(db_err)
}

/// Reads a code column as its enum; a bad value means the database was edited by hand.
pub(crate) fn code<T: CodeEnum>(row: &DbRow, col: &str) -> StoreResult<T> {
    let s: String = get(row, col)?;
    T::try_from(s).map_err(|e| StoreError::Db(format!("giá trị lạ trong cột {col}: {e}")))
}

/// The same for a column that may be empty.
pub(crate) fn code_opt<T: CodeEnum>(row: &DbRow, col: &str) -> StoreResult<Option<T>> {
    let s: Option<String> = get(row, col)?;
    s.map(T::try_from)
        .transpose()
        .map_err(|e| StoreError::Db(format!("giá trị lạ trong cột {col}: {e}")))
}

/// Adds ` AND {column} IN (codes…)`; an empty list matches nothing.
pub(crate) fn push_codes_in<T: CodeEnum>(q: &mut QueryBuilder<Db>, column: &str, codes: &[T]) {
    if codes.is_empty() {
        q.push(" AND 1 = 0");
        return;
    }
    q.push(format!(" AND {column} IN ("));
    let mut sep = q.separated(", ");
    for c in codes {
        sep.push_bind(c.code());
    }
    q.push(")");
}

pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub(crate) async fn begin(b: &Backend) -> StoreResult<Tx> {
    b.begin_write().await.map_err(db_err)
}

pub(crate) async fn commit(tx: Tx) -> StoreResult<()> {
    tx.commit().await.map_err(db_err)
}

impl Store for Backend {
    fn backend(&self) -> &'static str {
        Self::NAME
    }
}
