//! People, their positions and yearly task ratings.

use async_trait::async_trait;
use sqlx::FromRow;
use sqlx::QueryBuilder;
use tdkt_domain::person::Birth;
use tdkt_domain::text::fold;
use tdkt_store::*;
use time::Date;

use super::audit::{Change, append, json};
use super::{Backend, Db, DbRow, Dialect, Tx, begin, code, commit, db_err, get, now};

const PERSON_COLUMNS: &str =
    "p.id, p.full_name, p.gender, p.birth_date, p.birth_year, p.cccd, p.unit_id,
    u.name AS unit_name, p.position, p.illustrative";

fn from_row(r: &DbRow) -> StoreResult<PersonRow> {
    let birth_date: Option<Date> = get(r, "birth_date")?;
    let birth_year: Option<i32> = get(r, "birth_year")?;
    Ok(PersonRow {
        id: get(r, "id")?,
        full_name: get(r, "full_name")?,
        gender: code(r, "gender")?,
        birth: birth_date.map(Birth::Date).or(birth_year.map(Birth::Year)),
        cccd: get(r, "cccd")?,
        unit_id: get(r, "unit_id")?,
        unit_name: get(r, "unit_name")?,
        position: get(r, "position")?,
        illustrative: get(r, "illustrative")?,
    })
}

fn birth_columns(b: Option<Birth>) -> (Option<Date>, Option<i32>) {
    match b {
        Some(Birth::Date(d)) => (Some(d), Some(d.year())),
        Some(Birth::Year(y)) => (None, Some(y)),
        None => (None, None),
    }
}

async fn by_id_tx(tx: &mut Tx, id: i64) -> StoreResult<PersonRow> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("cá nhân"))?;
    from_row(&row)
}

async fn open_position(
    tx: &mut Tx,
    person: i64,
    unit: i64,
    position: &Option<String>,
    since: Date,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO person_positions (person_id, unit_id, position, start_date) VALUES ($1, $2, $3, $4)")
        .bind(person)
        .bind(unit)
        .bind(position)
        .bind(since)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Adds the scope and filter conditions shared by the count and the page query.
fn push_filters(q: &mut QueryBuilder<Db>, f: &PersonFilter) -> StoreResult<()> {
    q.push(" WHERE 1 = 1");
    if let Some(text) = f.q.as_deref().map(fold).filter(|s| !s.is_empty()) {
        let words: Vec<&str> = text.split(' ').collect();
        Backend::push_name_match(q, &words);
    }
    if let Some(under) = f.under_unit {
        q.push(" AND u.tree_path LIKE (SELECT tree_path FROM units WHERE id = ")
            .push_bind(under)
            .push(") || '%'");
    }
    if let Some(scope) = &f.scope {
        if scope.is_empty() {
            q.push(" AND 1 = 0");
        } else {
            q.push(" AND EXISTS (SELECT 1 FROM units r WHERE r.id IN (");
            let mut sep = q.separated(", ");
            for id in scope {
                sep.push_bind(*id);
            }
            q.push(") AND u.tree_path LIKE r.tree_path || '%')");
        }
    }
    Ok(())
}

#[async_trait]
impl PersonStore for Backend {
    async fn create_person(&self, actor: &Actor, new: NewPerson) -> StoreResult<PersonRow> {
        let mut tx = begin(self).await?;
        let (birth_date, birth_year) = birth_columns(new.birth);
        let t = now();
        let row = sqlx::query(
            "INSERT INTO people (full_name, search_key, gender, birth_date, birth_year, cccd, unit_id, position,
                 illustrative, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(&new.full_name)
        .bind(fold(&new.full_name))
        .bind(new.gender.code())
        .bind(birth_date)
        .bind(birth_year)
        .bind(&new.cccd)
        .bind(new.unit_id)
        .bind(&new.position)
        .bind(new.illustrative)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let id: i64 = get(&row, "id")?;
        open_position(&mut tx, id, new.unit_id, &new.position, new.position_since).await?;
        let person = by_id_tx(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "person.create",
                entity: "person",
                entity_id: id.to_string(),
                before: None,
                after: json(&person),
            },
        )
        .await?;
        put_ratings_tx(&mut tx, actor, id, &new.ratings).await?;
        commit(tx).await?;
        Ok(person)
    }

    async fn update_person(
        &self,
        actor: &Actor,
        id: i64,
        changes: PersonChanges,
    ) -> StoreResult<PersonRow> {
        let mut tx = begin(self).await?;
        let before = by_id_tx(&mut tx, id).await?;
        if before.unit_id != changes.unit_id || before.position != changes.position {
            let open = sqlx::query(
                "SELECT start_date FROM person_positions WHERE person_id = $1 AND end_date IS NULL",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            if let Some(open) = open {
                let start: Date = get(&open, "start_date")?;
                if changes.position_since <= start {
                    return Err(tdkt_domain::Invalid::new(
                        "ngay_nhan_chuc_vu",
                        format!(
                            "Ngày nhận đơn vị/chức vụ mới phải sau ngày {} (bắt đầu chức vụ hiện tại)",
                            tdkt_domain::dates::vn(start)
                        ),
                    )
                    .into());
                }
            }
            sqlx::query(
                "UPDATE person_positions SET end_date = $1 WHERE person_id = $2 AND end_date IS NULL",
            )
            .bind(changes.position_since.previous_day().expect("a real date"))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            open_position(
                &mut tx,
                id,
                changes.unit_id,
                &changes.position,
                changes.position_since,
            )
            .await?;
        }
        let (birth_date, birth_year) = birth_columns(changes.birth);
        sqlx::query(
            "UPDATE people SET full_name = $1, search_key = $2, gender = $3, birth_date = $4, birth_year = $5,
                 cccd = $6, unit_id = $7, position = $8, updated_at = $9 WHERE id = $10",
        )
        .bind(&changes.full_name)
        .bind(fold(&changes.full_name))
        .bind(changes.gender.code())
        .bind(birth_date)
        .bind(birth_year)
        .bind(&changes.cccd)
        .bind(changes.unit_id)
        .bind(&changes.position)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let after = by_id_tx(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "person.update",
                entity: "person",
                entity_id: id.to_string(),
                before: json(&before),
                after: json(&after),
            },
        )
        .await?;
        put_ratings_tx(&mut tx, actor, id, &changes.ratings).await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn person(&self, id: i64) -> StoreResult<PersonRow> {
        let pool = self.reader();
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("cá nhân"))?;
        from_row(&row)
    }

    async fn search_people(&self, f: &PersonFilter) -> StoreResult<Page<PersonRow>> {
        let pool = self.reader();
        let mut count = QueryBuilder::<Db>::new(
            "SELECT COUNT(*) AS n FROM people p JOIN units u ON u.id = p.unit_id",
        );
        push_filters(&mut count, f)?;
        let total: i64 = get(&count.build().fetch_one(pool).await.map_err(db_err)?, "n")?;
        let mut q = QueryBuilder::<Db>::new(format!(
            "SELECT {PERSON_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id"
        ));
        push_filters(&mut q, f)?;
        // Whole-phrase matches first ("nguyen van duc" before "nguyen duc van").
        q.push(" ORDER BY ");
        if let Some(text) = f.q.as_deref().map(fold).filter(|s| !s.is_empty()) {
            q.push("CASE WHEN p.search_key = ")
                .push_bind(text.clone())
                .push(" THEN 0 WHEN p.search_key LIKE ")
                .push_bind(format!("%{text}%"))
                .push(" THEN 1 ELSE 2 END, ");
        }
        q.push("p.search_key, p.id LIMIT ")
            .push_bind(f.paging.per_page)
            .push(" OFFSET ")
            .push_bind(f.paging.offset());
        let rows = q.build().fetch_all(pool).await.map_err(db_err)?;
        Ok(Page {
            items: rows.iter().map(from_row).collect::<StoreResult<_>>()?,
            total,
            page: f.paging.page,
            per_page: f.paging.per_page,
        })
    }

    async fn person_positions(&self, person_id: i64) -> StoreResult<Vec<PositionRow>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT pp.unit_id, u.name AS unit_name, pp.position, pp.start_date, pp.end_date
             FROM person_positions pp JOIN units u ON u.id = pp.unit_id
             WHERE pp.person_id = $1 ORDER BY pp.start_date DESC, pp.id DESC",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| PositionRow::from_row(r).map_err(db_err))
            .collect()
    }

    async fn put_ratings(
        &self,
        actor: &Actor,
        person_id: i64,
        new: &[RatingRow],
    ) -> StoreResult<Vec<RatingRow>> {
        let mut tx = begin(self).await?;
        by_id_tx(&mut tx, person_id).await?;
        let after = put_ratings_tx(&mut tx, actor, person_id, new).await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn person_ratings(&self, person_id: i64) -> StoreResult<Vec<RatingRow>> {
        let pool = self.reader();
        ratings_ex(pool, person_id).await
    }
}

async fn ratings_ex<'e, E>(ex: E, person_id: i64) -> StoreResult<Vec<RatingRow>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let rows =
        sqlx::query("SELECT year, rating FROM person_ratings WHERE person_id = $1 ORDER BY year")
            .bind(person_id)
            .fetch_all(ex)
            .await
            .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(RatingRow {
                year: get(r, "year")?,
                rating: code(r, "rating")?,
            })
        })
        .collect()
}

/// Upserts ratings and audits the change, inside the caller's transaction.
pub(crate) async fn put_ratings_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    new: &[RatingRow],
) -> StoreResult<Vec<RatingRow>> {
    if new.is_empty() {
        return ratings_ex(&mut **tx, person_id).await;
    }
    let before = ratings_ex(&mut **tx, person_id).await?;
    for r in new {
        sqlx::query(
            "INSERT INTO person_ratings (person_id, year, rating) VALUES ($1, $2, $3)
             ON CONFLICT (person_id, year) DO UPDATE SET rating = excluded.rating",
        )
        .bind(person_id)
        .bind(r.year)
        .bind(r.rating.code())
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    let after = ratings_ex(&mut **tx, person_id).await?;
    append(
        tx,
        actor,
        Change {
            action: "person.ratings",
            entity: "person",
            entity_id: person_id.to_string(),
            before: json(&before),
            after: json(&after),
        },
    )
    .await?;
    Ok(after)
}
