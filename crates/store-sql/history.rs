//! Titles by year, awards received, initiatives, and member counts of a collective. Over 600
//! lines because the bulk import writes titles, ratings and initiative uses with the same
//! statements as the single writes, in one transaction; splitting would scatter them.

use async_trait::async_trait;
use sqlx::FromRow;
use sqlx::Pool;
use tdkt_store::*;
use time::Date;

use super::audit::{Change, append, json};
use super::{Backend, Db, DbRow, Dialect, Tx, begin, commit, db_err, get, now};

async fn titles_ex<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    person_id: i64,
) -> StoreResult<Vec<TitleRow>> {
    let rows = sqlx::query(
        "SELECT year, code, decision FROM person_titles WHERE person_id = $1 ORDER BY year, code",
    )
    .bind(person_id)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| TitleRow::from_row(r).map_err(db_err))
        .collect()
}

#[async_trait]
impl HistoryStore for Backend {
    async fn put_person_titles(
        &self,
        actor: &Actor,
        person_id: i64,
        titles: &[TitleRow],
        uses: &[InitiativeUse],
    ) -> StoreResult<Vec<TitleRow>> {
        let mut tx = begin(self).await?;
        let after = put_titles_tx(&mut tx, actor, person_id, titles).await?;
        for u in uses {
            mark_used(&mut tx, actor, person_id, u).await?;
        }
        commit(tx).await?;
        Ok(after)
    }

    async fn delete_person_title(
        &self,
        actor: &Actor,
        person_id: i64,
        year: i32,
        code: &str,
        label: &str,
    ) -> StoreResult<Vec<TitleRow>> {
        let mut tx = begin(self).await?;
        let before = titles_ex(&mut *tx, person_id).await?;
        let n = sqlx::query(
            "DELETE FROM person_titles WHERE person_id = $1 AND year = $2 AND code = $3",
        )
        .bind(person_id)
        .bind(year)
        .bind(code)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("danh hiệu"));
        }
        // Initiatives the title used count again.
        sqlx::query(
            "UPDATE initiatives SET used_by = NULL, used_on = NULL WHERE used_by = $1
             AND id IN (SELECT initiative_id FROM initiative_authors WHERE person_id = $2)",
        )
        .bind(label)
        .bind(person_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let after = audit_titles(&mut tx, actor, person_id, &before).await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn import_history(&self, actor: &Actor, batch: &HistoryBatch) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        for (id, rs) in &batch.ratings {
            super::people::put_ratings_tx(&mut tx, actor, *id, rs).await?;
        }
        for (id, ts) in &batch.titles {
            put_titles_tx(&mut tx, actor, *id, ts).await?;
        }
        commit(tx).await
    }

    async fn person_titles(&self, person_id: i64) -> StoreResult<Vec<TitleRow>> {
        let pool = self.reader();
        titles_ex(pool, person_id).await
    }

    async fn create_award_record(
        &self,
        actor: &Actor,
        n: NewAwardRecord,
    ) -> StoreResult<AwardRecordRow> {
        let mut tx = begin(self).await?;
        let sql = format!(
            "INSERT INTO award_records (person_id, unit_id, code, award_date, decision, note, created_at, subject_name, name_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7,
                     COALESCE((SELECT full_name FROM people WHERE id = $1), (SELECT name FROM units WHERE id = $2)),
                     COALESCE((SELECT search_key FROM people WHERE id = $1), (SELECT search_key FROM units WHERE id = $2)))
             RETURNING {AWARD_COLUMNS}"
        );
        let r = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(n.person_id)
            .bind(n.unit_id)
            .bind(&n.code)
            .bind(n.date)
            .bind(&n.decision)
            .bind(&n.note)
            .bind(now())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let row = award_from(&r)?;
        if let (Some(u), Some(person)) = (&n.uses, n.person_id) {
            mark_used(&mut tx, actor, person, u).await?;
        }
        append(
            &mut tx,
            actor,
            Change {
                action: "award_record.create",
                entity: "award_record",
                entity_id: row.id.to_string(),
                before: None,
                after: json(&row),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn person_award_records(&self, person_id: i64) -> StoreResult<Vec<AwardRecordRow>> {
        awards_of(self.reader(), "person_id", person_id).await
    }

    async fn unit_award_records(&self, unit_id: i64) -> StoreResult<Vec<AwardRecordRow>> {
        awards_of(self.reader(), "unit_id", unit_id).await
    }

    async fn create_initiative(
        &self,
        actor: &Actor,
        n: NewInitiative,
    ) -> StoreResult<InitiativeRow> {
        let mut tx = begin(self).await?;
        let r = sqlx::query(
            "INSERT INTO initiatives (code, title, unit_id, field, submitted_on, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&n.code)
        .bind(&n.title)
        .bind(n.unit_id)
        .bind(&n.field)
        .bind(n.submitted_on)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict("Mã sáng kiến đã tồn tại".into()),
            other => other,
        })?;
        let id: i64 = get(&r, "id")?;
        for a in &n.authors {
            sqlx::query(
                "INSERT INTO initiative_authors (initiative_id, person_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(*a)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        let row = initiative_tx(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "initiative.create",
                entity: "initiative",
                entity_id: id.to_string(),
                before: None,
                after: json(&row),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn review_initiative(
        &self,
        actor: &Actor,
        id: i64,
        scope: &str,
        on: Date,
        effect: Option<String>,
    ) -> StoreResult<InitiativeRow> {
        let mut tx = begin(self).await?;
        let before = initiative_tx(&mut tx, id).await?;
        sqlx::query(
            "UPDATE initiatives SET scope = $1, recognized_on = $2, effect = $3 WHERE id = $4",
        )
        .bind(scope)
        .bind(on)
        .bind(&effect)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let after = initiative_tx(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "initiative.review",
                entity: "initiative",
                entity_id: id.to_string(),
                before: json(&before),
                after: json(&after),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn initiative(&self, id: i64) -> StoreResult<InitiativeRow> {
        let pool = self.reader();
        initiatives_where(pool, "i.id = $1", id)
            .await?
            .pop()
            .ok_or(StoreError::NotFound("sáng kiến"))
    }

    async fn person_initiatives(&self, person_id: i64) -> StoreResult<Vec<InitiativeRow>> {
        let pool = self.reader();
        initiatives_where(
            pool,
            "i.id IN (SELECT initiative_id FROM initiative_authors WHERE person_id = $1)",
            person_id,
        )
        .await
    }

    async fn unit_initiatives(&self, unit_id: i64) -> StoreResult<Vec<InitiativeRow>> {
        let pool = self.reader();
        let mut v = initiatives_where(
            pool,
            "i.unit_id IN (SELECT u.id FROM units u WHERE u.tree_path LIKE (SELECT tree_path FROM units WHERE id = $1) || '%')",
            unit_id,
        )
        .await?;
        v.reverse();
        Ok(v)
    }

    async fn create_local_award_kind(
        &self,
        actor: &Actor,
        k: LocalAwardKind,
    ) -> StoreResult<LocalAwardKind> {
        let mut tx = begin(self).await?;
        sqlx::query(
            "INSERT INTO local_award_kinds (code, name, kind, subjects, level, granted_by, bonus, unit_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&k.code)
        .bind(&k.name)
        .bind(k.kind.code())
        .bind(k.subjects.join(","))
        .bind(&k.level)
        .bind(&k.granted_by)
        .bind(k.bonus)
        .bind(k.unit_id)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("Mã «{}» đã có trong danh mục", k.code)),
            other => other,
        })?;
        append(
            &mut tx,
            actor,
            Change {
                action: "catalog.local_kind",
                entity: "award_kind",
                entity_id: k.code.clone(),
                before: None,
                after: json(&k),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(k)
    }

    async fn local_award_kinds(&self) -> StoreResult<Vec<LocalAwardKind>> {
        let pool = self.reader();
        let rows = sqlx::query("SELECT code, name, kind, subjects, level, granted_by, bonus, unit_id FROM local_award_kinds ORDER BY code")
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let subjects: String = get(r, "subjects")?;
                Ok(LocalAwardKind {
                    code: get(r, "code")?,
                    name: get(r, "name")?,
                    kind: super::code(r, "kind")?,
                    subjects: subjects
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                    level: get(r, "level")?,
                    granted_by: get(r, "granted_by")?,
                    bonus: get(r, "bonus")?,
                    unit_id: get(r, "unit_id")?,
                })
            })
            .collect()
    }

    async fn put_unit_ratings(
        &self,
        actor: &Actor,
        unit_id: i64,
        rows: &[UnitRatingRow],
    ) -> StoreResult<Vec<UnitRatingRow>> {
        let mut tx = begin(self).await?;
        let before = unit_ratings_ex(&mut *tx, unit_id).await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO unit_ratings (unit_id, year, rating, disciplined) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (unit_id, year) DO UPDATE SET rating = excluded.rating, disciplined = excluded.disciplined",
            )
            .bind(unit_id)
            .bind(r.year)
            .bind(r.rating.code())
            .bind(r.disciplined)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        let after = unit_ratings_ex(&mut *tx, unit_id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "unit.ratings",
                entity: "unit",
                entity_id: unit_id.to_string(),
                before: json(&before),
                after: json(&after),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn unit_ratings(&self, unit_id: i64) -> StoreResult<Vec<UnitRatingRow>> {
        let pool = self.reader();
        unit_ratings_ex(pool, unit_id).await
    }

    async fn member_stats(&self, unit_id: i64, year: i32) -> StoreResult<MemberStats> {
        let pool = self.reader();
        // Members that year: anyone who held a position in the subtree at some time in the year
        // (today's staff list would count newcomers and forget those who left).
        let members =
            "SELECT DISTINCT pp.person_id FROM person_positions pp JOIN units u ON u.id = pp.unit_id
             WHERE u.tree_path LIKE (SELECT tree_path FROM units WHERE id = $1) || '%'
             AND pp.start_date <= $3 AND (pp.end_date IS NULL OR pp.end_date >= $2)";
        let first = Date::from_calendar_date(year, time::Month::January, 1)
            .map_err(|e| StoreError::Db(e.to_string()))?;
        let last = Date::from_calendar_date(year, time::Month::December, 31)
            .map_err(|e| StoreError::Db(e.to_string()))?;
        let total: i64 = get(
            &sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) AS n FROM ({members}) m"
            )))
            .bind(unit_id)
            .bind(first)
            .bind(last)
            .fetch_one(pool)
            .await
            .map_err(db_err)?,
            "n",
        )?;
        let pairs = |rows: Vec<DbRow>| -> StoreResult<Vec<(String, i64)>> {
            rows.iter()
                .map(|r| Ok((get(r, "k")?, get(r, "n")?)))
                .collect()
        };
        let ratings = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT r.rating AS k, COUNT(*) AS n FROM person_ratings r WHERE r.person_id IN ({members}) AND r.year = $4 GROUP BY r.rating ORDER BY r.rating"
        )))
        .bind(unit_id)
        .bind(first)
        .bind(last)
        .bind(year)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        let titles = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT t.code AS k, COUNT(*) AS n FROM person_titles t WHERE t.person_id IN ({members}) AND t.year = $4 GROUP BY t.code ORDER BY t.code"
        )))
        .bind(unit_id)
        .bind(first)
        .bind(last)
        .bind(year)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        Ok(MemberStats {
            total,
            ratings: pairs(ratings)?,
            titles: pairs(titles)?,
        })
    }
}

async fn put_titles_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    titles: &[TitleRow],
) -> StoreResult<Vec<TitleRow>> {
    let before = titles_ex(&mut **tx, person_id).await?;
    for t in titles {
        sqlx::query(
            "INSERT INTO person_titles (person_id, year, code, decision) VALUES ($1, $2, $3, $4)
             ON CONFLICT (person_id, year, code) DO UPDATE SET decision = excluded.decision",
        )
        .bind(person_id)
        .bind(t.year)
        .bind(&t.code)
        .bind(&t.decision)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    audit_titles(tx, actor, person_id, &before).await
}

/// Reads the titles after a change and audits it against `before`.
async fn audit_titles(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    before: &[TitleRow],
) -> StoreResult<Vec<TitleRow>> {
    let after = titles_ex(&mut **tx, person_id).await?;
    append(
        tx,
        actor,
        Change {
            action: "person.titles",
            entity: "person",
            entity_id: person_id.to_string(),
            before: json(&before),
            after: json(&after),
        },
    )
    .await?;
    Ok(after)
}

/// Marks initiatives of the person as used. The update only takes an unused initiative, so
/// two awards racing for the same one cannot both have it.
async fn mark_used(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    u: &InitiativeUse,
) -> StoreResult<()> {
    for code in &u.codes {
        let found = sqlx::query(
            "SELECT i.id, i.used_by, i.recognized_on FROM initiatives i JOIN initiative_authors a ON a.initiative_id = i.id
             WHERE i.code = $1 AND a.person_id = $2",
        )
        .bind(code)
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
        let Some(r) = found else {
            return Err(tdkt_domain::Invalid::new(
                "sang_kien",
                format!("Sáng kiến «{code}» không có hoặc cá nhân này không phải tác giả"),
            )
            .into());
        };
        let id: i64 = get(&r, "id")?;
        let recognized: Option<Date> = get(&r, "recognized_on")?;
        if recognized.is_none() {
            return Err(tdkt_domain::Invalid::new(
                "sang_kien",
                format!("Sáng kiến «{code}» chưa được hội đồng công nhận"),
            )
            .into());
        }
        let before = initiative_tx(tx, id).await?;
        let n = sqlx::query(
            "UPDATE initiatives SET used_by = $1, used_on = $2 WHERE id = $3 AND used_by IS NULL",
        )
        .bind(&u.label)
        .bind(u.on)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if n != 1 {
            let by: Option<String> = get(&r, "used_by")?;
            return Err(StoreError::Conflict(format!(
                "Sáng kiến «{code}» đã được dùng cho {}; mỗi sáng kiến chỉ tính một lần",
                by.unwrap_or_else(|| "khen thưởng khác".into())
            )));
        }
        let after = initiative_tx(tx, id).await?;
        append(
            tx,
            actor,
            Change {
                action: "initiative.use",
                entity: "initiative",
                entity_id: id.to_string(),
                before: json(&before),
                after: json(&after),
            },
        )
        .await?;
    }
    Ok(())
}

const AWARD_COLUMNS: &str = "id, person_id, unit_id, code, award_date, decision, note, revoked_on, movement_id, (SELECT name FROM movements m WHERE m.id = award_records.movement_id) AS movement_name";

fn award_from(r: &DbRow) -> StoreResult<AwardRecordRow> {
    AwardRecordRow::from_row(r).map_err(db_err)
}

pub(crate) async fn awards_of(
    pool: &Pool<Db>,
    column: &'static str,
    id: i64,
) -> StoreResult<Vec<AwardRecordRow>> {
    let sql = format!(
        "SELECT {AWARD_COLUMNS} FROM award_records WHERE {column} = $1 ORDER BY award_date, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(award_from).collect()
}

const INITIATIVE_COLUMNS: &str = "i.id, i.code, i.title, i.unit_id, i.field, i.submitted_on, i.scope, i.recognized_on, i.effect, i.used_by, i.used_on";

async fn initiatives_where<'e, E>(
    ex: E,
    clause: &'static str,
    id: i64,
) -> StoreResult<Vec<InitiativeRow>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    // One query: initiatives with their authors, folded in Rust.
    let sql = format!(
        "SELECT {INITIATIVE_COLUMNS}, p.id AS author_id, p.full_name AS author_name
         FROM initiatives i LEFT JOIN initiative_authors a ON a.initiative_id = i.id LEFT JOIN people p ON p.id = a.person_id
         WHERE {clause} ORDER BY i.submitted_on, i.id, p.full_name"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(ex)
        .await
        .map_err(db_err)?;
    let mut out: Vec<InitiativeRow> = Vec::new();
    for r in &rows {
        let iid: i64 = get(r, "id")?;
        if out.last().is_none_or(|x| x.id != iid) {
            out.push(InitiativeRow {
                id: iid,
                code: get(r, "code")?,
                title: get(r, "title")?,
                unit_id: get(r, "unit_id")?,
                field: get(r, "field")?,
                submitted_on: get(r, "submitted_on")?,
                scope: get(r, "scope")?,
                recognized_on: get(r, "recognized_on")?,
                effect: get(r, "effect")?,
                used_by: get(r, "used_by")?,
                used_on: get(r, "used_on")?,
                authors: vec![],
            });
        }
        let author: Option<i64> = get(r, "author_id")?;
        if let Some(a) = author {
            let name: String = get(r, "author_name")?;
            out.last_mut().expect("pushed").authors.push(UnitRef {
                id: a,
                code: String::new(),
                name,
            });
        }
    }
    Ok(out)
}

async fn initiative_tx(tx: &mut Tx, id: i64) -> StoreResult<InitiativeRow> {
    initiatives_where(&mut **tx, "i.id = $1", id)
        .await?
        .pop()
        .ok_or(StoreError::NotFound("sáng kiến"))
}

async fn unit_ratings_ex<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    unit_id: i64,
) -> StoreResult<Vec<UnitRatingRow>> {
    let rows = sqlx::query(
        "SELECT year, rating, disciplined FROM unit_ratings WHERE unit_id = $1 ORDER BY year",
    )
    .bind(unit_id)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(UnitRatingRow {
                year: get(r, "year")?,
                rating: super::code(r, "rating")?,
                disciplined: get(r, "disciplined")?,
            })
        })
        .collect()
}
