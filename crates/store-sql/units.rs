//! Units, their history and lineage.

use async_trait::async_trait;
use sqlx::FromRow;
use sqlx::QueryBuilder;
use tdkt_domain::text::fold;
use tdkt_domain::unit::LineageKind;
use tdkt_store::*;
use time::Date;

use super::audit::{Change, append, json};
use super::{Backend, Db, DbRow, Dialect, Tx, begin, code, commit, db_err, get, now};

const UNIT_COLUMNS: &str = "u.id, u.code, u.kind, u.name, u.short_name, u.parent_id, u.valid_from, u.valid_to, u.note, u.illustrative,
    (SELECT COUNT(*) FROM units c WHERE c.parent_id = u.id) AS child_count";

fn unit_search_key(code: &str, name: &str, short_name: Option<&str>) -> String {
    fold(&format!("{name} {} {code}", short_name.unwrap_or("")))
}

pub(crate) fn from_row(r: &DbRow) -> StoreResult<UnitRow> {
    UnitRow::from_row(r).map_err(db_err)
}

async fn tree_path_of(tx: &mut Tx, id: i64) -> StoreResult<String> {
    let row = sqlx::query("SELECT tree_path FROM units WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("đơn vị cấp trên"))?;
    get(&row, "tree_path")
}

async fn by_id_tx(tx: &mut Tx, id: i64) -> StoreResult<UnitRow> {
    let sql = format!("SELECT {UNIT_COLUMNS} FROM units u WHERE u.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("đơn vị"))?;
    from_row(&row)
}

#[async_trait]
impl UnitStore for Backend {
    async fn create_unit(&self, actor: &Actor, new: NewUnit) -> StoreResult<UnitRow> {
        let mut tx = begin(self).await?;
        let parent_path = match new.parent_id {
            Some(p) => tree_path_of(&mut tx, p).await?,
            None => "/".to_string(),
        };
        let t = now();
        let row = sqlx::query(
            "INSERT INTO units (code, kind, name, short_name, parent_id, tree_path, valid_from, valid_to,
                 current_since, note, illustrative, search_key, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, '', $6, $7, $6, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(&new.code)
        .bind(new.kind.code())
        .bind(&new.name)
        .bind(&new.short_name)
        .bind(new.parent_id)
        .bind(new.valid_from)
        .bind(new.valid_to)
        .bind(&new.note)
        .bind(new.illustrative)
        .bind(unit_search_key(&new.code, &new.name, new.short_name.as_deref()))
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let id: i64 = get(&row, "id")?;
        sqlx::query("UPDATE units SET tree_path = $1 WHERE id = $2")
            .bind(format!("{parent_path}{id}/"))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let unit = by_id_tx(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "unit.create",
                entity: "unit",
                entity_id: id.to_string(),
                before: None,
                after: json(&unit),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(unit)
    }

    async fn update_unit(
        &self,
        actor: &Actor,
        id: i64,
        changes: UnitChanges,
    ) -> StoreResult<UnitRow> {
        let mut tx = begin(self).await?;
        let before = by_id_tx(&mut tx, id).await?;
        let since_row = sqlx::query("SELECT current_since, tree_path FROM units WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let since: Option<Date> = get(&since_row, "current_since")?;
        let old_path: String = get(&since_row, "tree_path")?;
        let identity_changed = before.name != changes.name
            || before.short_name != changes.short_name
            || before.kind != changes.kind
            || before.parent_id != changes.parent_id;
        if identity_changed {
            let until = changes
                .effective
                .previous_day()
                .expect("not the first day of time");
            if since.is_some_and(|s| s > until) {
                return Err(tdkt_domain::Invalid::new(
                    "ngay_hieu_luc",
                    "Ngày hiệu lực phải sau ngày bắt đầu của tên/cấp trên hiện tại",
                )
                .into());
            }
            sqlx::query(
                "INSERT INTO unit_versions (unit_id, name, short_name, kind, parent_id, valid_from, valid_to)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(&before.name)
            .bind(&before.short_name)
            .bind(before.kind.code())
            .bind(before.parent_id)
            .bind(since)
            .bind(until)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        if before.parent_id != changes.parent_id {
            let parent_path = match changes.parent_id {
                Some(p) => tree_path_of(&mut tx, p).await?,
                None => "/".to_string(),
            };
            let new_path = format!("{parent_path}{id}/");
            if parent_path.starts_with(&old_path) {
                return Err(tdkt_domain::Invalid::new(
                    "don_vi_cap_tren",
                    "Không thể đặt đơn vị làm cấp dưới của chính nó hoặc của cấp dưới của nó",
                )
                .into());
            }
            // Re-root the whole subtree: every descendant's path starts with the old path.
            sqlx::query(
                "UPDATE units SET tree_path = $1 || substr(tree_path, CAST($2 AS INTEGER)) WHERE tree_path LIKE $3",
            )
            .bind(&new_path)
            .bind(old_path.len() as i64 + 1)
            .bind(format!("{old_path}%"))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        sqlx::query(
            "UPDATE units SET kind = $1, name = $2, short_name = $3, parent_id = $4, valid_to = $5,
                 note = $6, search_key = $7, updated_at = $8,
                 current_since = CASE WHEN $9 THEN $10 ELSE current_since END
             WHERE id = $11",
        )
        .bind(changes.kind.code())
        .bind(&changes.name)
        .bind(&changes.short_name)
        .bind(changes.parent_id)
        .bind(changes.valid_to)
        .bind(&changes.note)
        .bind(unit_search_key(
            &before.code,
            &changes.name,
            changes.short_name.as_deref(),
        ))
        .bind(now())
        .bind(identity_changed)
        .bind(changes.effective)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let after = by_id_tx(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "unit.update",
                entity: "unit",
                entity_id: id.to_string(),
                before: json(&before),
                after: json(&after),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn unit(&self, id: i64) -> StoreResult<UnitRow> {
        let pool = self.reader();
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units u WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("đơn vị"))?;
        from_row(&row)
    }

    async fn unit_by_code(&self, code: &str) -> StoreResult<UnitRow> {
        let pool = self.reader();
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units u WHERE u.code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("đơn vị"))?;
        from_row(&row)
    }

    async fn unit_ancestors(&self, id: i64) -> StoreResult<Vec<UnitRef>> {
        let pool = self.reader();
        let row = sqlx::query("SELECT tree_path FROM units WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("đơn vị"))?;
        let path: String = get(&row, "tree_path")?;
        let ids: Vec<i64> = path
            .split('/')
            .filter_map(|s| s.parse().ok())
            .filter(|&a| a != id)
            .collect();
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let mut q = QueryBuilder::<Db>::new("SELECT id, code, name FROM units WHERE id IN (");
        let mut sep = q.separated(", ");
        for a in &ids {
            sep.push_bind(*a);
        }
        q.push(")");
        let rows = q.build().fetch_all(pool).await.map_err(db_err)?;
        let mut refs = rows
            .iter()
            .map(|r| UnitRef::from_row(r).map_err(db_err))
            .collect::<StoreResult<Vec<_>>>()?;
        // Nearest first: the reverse of the path order.
        refs.sort_by_key(|u| std::cmp::Reverse(ids.iter().position(|&a| a == u.id)));
        Ok(refs)
    }

    async fn list_units(&self, filter: &UnitFilter) -> StoreResult<Page<UnitRow>> {
        let pool = self.reader();
        let push_where = |q: &mut QueryBuilder<Db>| {
            q.push(" WHERE 1 = 1");
            if let Some(text) = filter.q.as_deref().map(fold).filter(|s| !s.is_empty()) {
                for word in text.split(' ') {
                    q.push(" AND u.search_key LIKE ")
                        .push_bind(format!("%{word}%"));
                }
            }
            if let Some(kind) = filter.kind {
                q.push(" AND u.kind = ").push_bind(kind.code());
            }
            match filter.parent {
                Some(Some(p)) => {
                    q.push(" AND u.parent_id = ").push_bind(p);
                }
                Some(None) => {
                    q.push(" AND u.parent_id IS NULL");
                }
                None => {}
            }
            if let Some(day) = filter.active_on {
                q.push(" AND (u.valid_from IS NULL OR u.valid_from <= ")
                    .push_bind(day)
                    .push(") AND (u.valid_to IS NULL OR u.valid_to >= ")
                    .push_bind(day)
                    .push(")");
            }
        };
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) AS n FROM units u");
        push_where(&mut count);
        let total: i64 = get(&count.build().fetch_one(pool).await.map_err(db_err)?, "n")?;
        let mut q = QueryBuilder::<Db>::new(format!("SELECT {UNIT_COLUMNS} FROM units u"));
        push_where(&mut q);
        // Units in force first, then by name.
        q.push(
            " ORDER BY CASE WHEN u.valid_to IS NULL THEN 0 ELSE 1 END, u.search_key, u.id LIMIT ",
        )
        .push_bind(filter.paging.per_page)
        .push(" OFFSET ")
        .push_bind(filter.paging.offset());
        let rows = q.build().fetch_all(pool).await.map_err(db_err)?;
        Ok(Page {
            items: rows.iter().map(from_row).collect::<StoreResult<_>>()?,
            total,
            page: filter.paging.page,
            per_page: filter.paging.per_page,
        })
    }

    async fn unit_history(&self, id: i64) -> StoreResult<Vec<UnitVersionRow>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT name, short_name, kind, parent_id, valid_from, valid_to FROM unit_versions
             WHERE unit_id = $1 ORDER BY valid_to, id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| UnitVersionRow::from_row(r).map_err(db_err))
            .collect()
    }

    async fn create_lineage_event(
        &self,
        actor: &Actor,
        new: NewLineageEvent,
    ) -> StoreResult<LineageEventRow> {
        new.kind.check_sides(new.from.len(), new.to.len())?;
        let mut tx = begin(self).await?;
        let row = sqlx::query(
            "INSERT INTO lineage_events (kind, event_date, legal_basis, note, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(new.kind.code())
        .bind(new.date)
        .bind(&new.legal_basis)
        .bind(&new.note)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let id: i64 = get(&row, "id")?;
        for (side, units) in [("from", &new.from), ("to", &new.to)] {
            for u in units {
                sqlx::query(
                    "INSERT INTO lineage_links (event_id, side, unit_id) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(side)
                .bind(*u)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        }
        if matches!(new.kind, LineageKind::Merge | LineageKind::Split) {
            let last_day = new.date.previous_day().expect("not the first day of time");
            for u in &new.from {
                sqlx::query("UPDATE units SET valid_to = $1 WHERE id = $2 AND valid_to IS NULL")
                    .bind(last_day)
                    .bind(*u)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
        }
        let event = lineage_event(&mut *tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "lineage.create",
                entity: "lineage_event",
                entity_id: id.to_string(),
                before: None,
                after: json(&event),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(event)
    }

    async fn unit_lineage(&self, unit_id: i64) -> StoreResult<Vec<LineageEventRow>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT e.id, e.kind, e.event_date, e.legal_basis, e.note, l.side, u.id AS unit_id, u.code, u.name
             FROM lineage_events e JOIN lineage_links l ON l.event_id = e.id JOIN units u ON u.id = l.unit_id
             WHERE e.id IN (SELECT event_id FROM lineage_links WHERE unit_id = $1)
             ORDER BY e.event_date, e.id, l.side, u.name",
        )
        .bind(unit_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        group_events(&rows)
    }
}

async fn lineage_event<'e, E>(ex: E, id: i64) -> StoreResult<LineageEventRow>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let rows = sqlx::query(
        "SELECT e.id, e.kind, e.event_date, e.legal_basis, e.note, l.side, u.id AS unit_id, u.code, u.name
         FROM lineage_events e JOIN lineage_links l ON l.event_id = e.id JOIN units u ON u.id = l.unit_id
         WHERE e.id = $1 ORDER BY l.side, u.name",
    )
    .bind(id)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    group_events(&rows)?
        .pop()
        .ok_or(StoreError::NotFound("biến động"))
}

/// Folds rows of (event, link) into events, keeping the rows' order of events.
fn group_events(rows: &[DbRow]) -> StoreResult<Vec<LineageEventRow>> {
    let mut out: Vec<LineageEventRow> = Vec::new();
    for r in rows {
        let id: i64 = get(r, "id")?;
        if out.last().is_none_or(|e| e.id != id) {
            out.push(LineageEventRow {
                id,
                kind: code(r, "kind")?,
                date: get(r, "event_date")?,
                from: vec![],
                to: vec![],
                legal_basis: get(r, "legal_basis")?,
                note: get(r, "note")?,
            });
        }
        let e = out.last_mut().expect("just pushed");
        let u = UnitRef {
            id: get(r, "unit_id")?,
            code: get(r, "code")?,
            name: get(r, "name")?,
        };
        let side: String = get(r, "side")?;
        if side == "from" {
            e.from.push(u);
        } else {
            e.to.push(u);
        }
    }
    Ok(out)
}
