//! Clusters and blocks with their members per year.

use async_trait::async_trait;
use sqlx::{Pool, QueryBuilder};
use tdkt_store::*;

use super::audit::{Change, append, json};
use super::{Backend, Db, Dialect, begin, code, commit, db_err, get, now};

pub(crate) async fn list(pool: &Pool<Db>, id: Option<i64>) -> StoreResult<Vec<ClusterRow>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    load(&mut conn, id).await
}

/// Clusters, then their years and members in one query each (no query per cluster).
async fn load(
    conn: &mut <Db as sqlx::Database>::Connection,
    id: Option<i64>,
) -> StoreResult<Vec<ClusterRow>> {
    let mut q = QueryBuilder::<Db>::new(
        "SELECT id, code, name, kind, organiser, organiser_unit_id, supervisor, source, note FROM clusters",
    );
    if let Some(id) = id {
        q.push(" WHERE id = ").push_bind(id);
    }
    q.push(" ORDER BY name, id");
    let rows = q.build().fetch_all(&mut *conn).await.map_err(db_err)?;
    let mut out = rows
        .iter()
        .map(|r| {
            Ok(ClusterRow {
                id: get(r, "id")?,
                code: get(r, "code")?,
                name: get(r, "name")?,
                kind: code(r, "kind")?,
                organiser: get(r, "organiser")?,
                organiser_unit_id: get(r, "organiser_unit_id")?,
                supervisor: get(r, "supervisor")?,
                source: get(r, "source")?,
                note: get(r, "note")?,
                years: vec![],
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let mut q = QueryBuilder::<Db>::new(
        "SELECT cluster_id, year, note, roles_illustrative FROM cluster_years",
    );
    if let Some(id) = id {
        q.push(" WHERE cluster_id = ").push_bind(id);
    }
    q.push(" ORDER BY cluster_id, year");
    for r in q.build().fetch_all(&mut *conn).await.map_err(db_err)? {
        let cid: i64 = get(&r, "cluster_id")?;
        if let Some(c) = out.iter_mut().find(|c| c.id == cid) {
            c.years.push(ClusterYearRow {
                year: get(&r, "year")?,
                note: get(&r, "note")?,
                roles_illustrative: get(&r, "roles_illustrative")?,
                members: vec![],
            });
        }
    }
    let mut q = QueryBuilder::<Db>::new(
        "SELECT m.cluster_id, m.year, m.role, m.illustrative, u.id, u.code, u.name, u.valid_to
         FROM cluster_members m JOIN units u ON u.id = m.unit_id",
    );
    if let Some(id) = id {
        q.push(" WHERE m.cluster_id = ").push_bind(id);
    }
    // Leader first, then deputies, then members by name.
    q.push(
        " ORDER BY m.cluster_id, m.year, CASE m.role WHEN 'cum_truong' THEN 0 WHEN 'cum_pho' THEN 1 ELSE 2 END, u.search_key",
    );
    for r in q.build().fetch_all(&mut *conn).await.map_err(db_err)? {
        let cid: i64 = get(&r, "cluster_id")?;
        let year: i32 = get(&r, "year")?;
        let member = ClusterMemberRow {
            unit: UnitRef {
                id: get(&r, "id")?,
                code: get(&r, "code")?,
                name: get(&r, "name")?,
            },
            role: code(&r, "role")?,
            illustrative: get(&r, "illustrative")?,
            unit_valid_to: get(&r, "valid_to")?,
        };
        if let Some(y) = out
            .iter_mut()
            .find(|c| c.id == cid)
            .and_then(|c| c.years.iter_mut().find(|y| y.year == year))
        {
            y.members.push(member);
        }
    }
    Ok(out)
}

#[async_trait]
impl ClusterStore for Backend {
    async fn create_cluster(&self, actor: &Actor, new: NewCluster) -> StoreResult<ClusterRow> {
        let mut tx = begin(self).await?;
        let row = sqlx::query(
            "INSERT INTO clusters (code, name, kind, organiser, organiser_unit_id, source, note, created_at, supervisor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&new.code)
        .bind(&new.name)
        .bind(new.kind.code())
        .bind(&new.organiser)
        .bind(new.organiser_unit_id)
        .bind(&new.source)
        .bind(&new.note)
        .bind(now())
        .bind(&new.supervisor)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let id: i64 = get(&row, "id")?;
        for y in &new.years {
            sqlx::query("INSERT INTO cluster_years (cluster_id, year, note, roles_illustrative) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(y.year)
                .bind(&y.note)
                .bind(y.roles_illustrative)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            for (unit, role, illustrative) in &y.members {
                sqlx::query(
                    "INSERT INTO cluster_members (cluster_id, year, unit_id, role, illustrative) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(y.year)
                .bind(*unit)
                .bind(role.code())
                .bind(*illustrative)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        }
        let mut rows = load(&mut tx, Some(id)).await?;
        let cluster = rows.pop().ok_or(StoreError::NotFound("cụm thi đua"))?;
        append(
            &mut tx,
            actor,
            Change {
                action: "cluster.create",
                entity: "cluster",
                entity_id: id.to_string(),
                before: None,
                after: json(&cluster),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(cluster)
    }

    async fn list_clusters(&self) -> StoreResult<Vec<ClusterRow>> {
        list(self.reader(), None).await
    }

    async fn cluster(&self, id: i64) -> StoreResult<ClusterRow> {
        list(self.reader(), Some(id))
            .await?
            .pop()
            .ok_or(StoreError::NotFound("cụm thi đua"))
    }

    async fn unit_clusters(&self, unit_id: i64) -> StoreResult<Vec<UnitClusterRow>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT c.id, c.name, m.year, m.role FROM cluster_members m JOIN clusters c ON c.id = m.cluster_id
             WHERE m.unit_id = $1 ORDER BY m.year, c.name",
        )
        .bind(unit_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(UnitClusterRow {
                    cluster_id: get(r, "id")?,
                    cluster_name: get(r, "name")?,
                    year: get(r, "year")?,
                    role: code(r, "role")?,
                })
            })
            .collect()
    }

    async fn cluster_rotation(&self, cluster_id: i64) -> StoreResult<(Vec<i64>, i32)> {
        let pool = self.reader();
        let row = sqlx::query("SELECT rotation_cooldown FROM clusters WHERE id = $1")
            .bind(cluster_id)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("cụm thi đua"))?;
        let cooldown: i32 = get(&row, "rotation_cooldown")?;
        let rows = sqlx::query(
            "SELECT unit_id FROM cluster_rotation WHERE cluster_id = $1 ORDER BY position",
        )
        .bind(cluster_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        Ok((
            rows.iter()
                .map(|r| get(r, "unit_id"))
                .collect::<StoreResult<_>>()?,
            cooldown,
        ))
    }

    async fn set_cluster_rotation(
        &self,
        actor: &Actor,
        cluster_id: i64,
        order: &[i64],
        cooldown: i32,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        let done = sqlx::query("UPDATE clusters SET rotation_cooldown = $1 WHERE id = $2")
            .bind(cooldown)
            .bind(cluster_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("cụm thi đua"));
        }
        sqlx::query("DELETE FROM cluster_rotation WHERE cluster_id = $1")
            .bind(cluster_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for (i, u) in order.iter().enumerate() {
            sqlx::query(
                "INSERT INTO cluster_rotation (cluster_id, position, unit_id) VALUES ($1, $2, $3)",
            )
            .bind(cluster_id)
            .bind(i as i32)
            .bind(*u)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        append(
            &mut tx,
            actor,
            Change {
                action: "cluster.rotation",
                entity: "cluster",
                entity_id: cluster_id.to_string(),
                before: None,
                after: json(&serde_json::json!({"order": order, "cooldown": cooldown})),
            },
        )
        .await?;
        commit(tx).await
    }

    async fn put_cluster_year(
        &self,
        actor: &Actor,
        cluster_id: i64,
        y: NewClusterYear,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        put_year_tx(&mut tx, cluster_id, &y).await?;
        let members: Vec<serde_json::Value> = y
            .members
            .iter()
            .map(|(u, r, i)| serde_json::json!({"unit_id": u, "role": r.code(), "illustrative": i}))
            .collect();
        append(
            &mut tx,
            actor,
            Change {
                action: "cluster.year",
                entity: "cluster",
                entity_id: format!("{cluster_id}/{}", y.year),
                before: None,
                after: json(&serde_json::json!({"note": y.note, "members": members})),
            },
        )
        .await?;
        commit(tx).await
    }
}

/// Adds or replaces one year's members and roles inside the caller's transaction.
pub(crate) async fn put_year_tx(
    tx: &mut super::Tx,
    cluster_id: i64,
    y: &NewClusterYear,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO cluster_years (cluster_id, year, note, roles_illustrative) VALUES ($1, $2, $3, $4)
         ON CONFLICT (cluster_id, year) DO UPDATE SET note = excluded.note, roles_illustrative = excluded.roles_illustrative",
    )
    .bind(cluster_id)
    .bind(y.year)
    .bind(&y.note)
    .bind(y.roles_illustrative)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    sqlx::query("DELETE FROM cluster_members WHERE cluster_id = $1 AND year = $2")
        .bind(cluster_id)
        .bind(y.year)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    for (unit, role, illustrative) in &y.members {
        sqlx::query("INSERT INTO cluster_members (cluster_id, year, unit_id, role, illustrative) VALUES ($1, $2, $3, $4, $5)")
            .bind(cluster_id)
            .bind(y.year)
            .bind(*unit)
            .bind(role.code())
            .bind(*illustrative)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}
