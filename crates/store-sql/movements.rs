//! Emulation movements, their registrations (a row per version) and reports. Over 600 lines
//! because it is one storage area behind one trait: the three parts share the movement's
//! loader, its targets and the file helpers.

use async_trait::async_trait;
use sqlx::{FromRow, QueryBuilder};
use tdkt_domain::movement::{MovementState, Subject};
use tdkt_store::*;
use time::Date;

use super::audit::{Change, append, json};
use super::documents::put_blob;
use super::{Backend, Db, DbRow, Dialect, Tx, begin, commit, db_err, get, now};

type Conn = <Db as sqlx::Database>::Connection;

const MOVEMENT_COLUMNS: &str = "m.id, m.code, m.name, m.slogan, m.goals, m.authority_id, a.name AS authority_name,
    m.level, m.kind, m.scope, m.starts_on, m.ends_on, m.parent_id, p.name AS parent_name, m.decision_number,
    m.decision_date, m.decision_signer, m.decision_file_id, m.registration_due_on, m.target_kind,
    m.target_unit_id, m.target_cluster_id, m.state, m.state_since, m.version, m.created_at";
const MOVEMENT_FROM: &str = "FROM movements m JOIN units a ON a.id = m.authority_id LEFT JOIN movements p ON p.id = m.parent_id";
const SUMMARY_COLUMNS: &str = "m.id, m.code, m.name, m.authority_id, a.name AS authority_name, m.level, m.kind,
    m.scope, m.starts_on, m.ends_on, m.parent_id, m.decision_number, m.decision_date, m.decision_file_id, m.state,
    (SELECT COUNT(*) FROM movement_targets t WHERE t.movement_id = m.id) AS targets";

/// A movement with its criteria, milestones and indicators, read on one connection (a
/// transaction's or the reader's).
async fn load(c: &mut Conn, id: i64) -> StoreResult<MovementRow> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {MOVEMENT_COLUMNS} {MOVEMENT_FROM} WHERE m.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await
    .map_err(db_err)?
    .ok_or(StoreError::NotFound("phong trào thi đua"))?;
    let mut m = MovementRow::from_row(&r).map_err(db_err)?;
    m.criteria = sqlx::query(
        "SELECT award_code, text, mandatory, legal_basis FROM movement_criteria WHERE movement_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await
    .map_err(db_err)?
    .iter()
    .map(|r| {
        Ok(CriterionRow {
            award_code: get(r, "award_code")?,
            text: get(r, "text")?,
            mandatory: get(r, "mandatory")?,
            legal_basis: get(r, "legal_basis")?,
        })
    })
    .collect::<StoreResult<_>>()?;
    m.milestones = sqlx::query(
        "SELECT id, kind, name, due_on FROM movement_milestones WHERE movement_id = $1 AND removed = $2 ORDER BY position",
    )
    .bind(id)
    .bind(false)
    .fetch_all(&mut *c)
    .await
    .map_err(db_err)?
    .iter()
    .map(|r| MilestoneRow::from_row(r).map_err(db_err))
    .collect::<StoreResult<_>>()?;
    m.indicators = sqlx::query(
        "SELECT id, code, name, measure, target FROM movement_indicators WHERE movement_id = $1 AND removed = $2 ORDER BY position",
    )
    .bind(id)
    .bind(false)
    .fetch_all(&mut *c)
    .await
    .map_err(db_err)?
    .iter()
    .map(|r| MovementIndicatorRow::from_row(r).map_err(db_err))
    .collect::<StoreResult<_>>()?;
    Ok(m)
}

/// Writes a draft's children: the old targets and criteria go (nothing refers to them), the
/// old milestones and indicators are kept, marked removed.
async fn write_children(tx: &mut Tx, id: i64, input: &MovementInput) -> StoreResult<()> {
    for sql in [
        "DELETE FROM movement_targets WHERE movement_id = $1",
        "DELETE FROM movement_criteria WHERE movement_id = $1",
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    for sql in [
        "UPDATE movement_milestones SET removed = $2 WHERE movement_id = $1",
        "UPDATE movement_indicators SET removed = $2 WHERE movement_id = $1",
    ] {
        sqlx::query(sql)
            .bind(id)
            .bind(true)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    // Targets can be thousands of units: insert them in chunks.
    for chunk in input.targets.chunks(500) {
        let mut q = QueryBuilder::<Db>::new("INSERT INTO movement_targets (movement_id, unit_id) ");
        q.push_values(chunk, |mut b, u| {
            b.push_bind(id).push_bind(*u);
        });
        q.push(" ON CONFLICT DO NOTHING");
        q.build().execute(&mut **tx).await.map_err(db_err)?;
    }
    for (i, c) in input.criteria.iter().enumerate() {
        sqlx::query(
            "INSERT INTO movement_criteria (movement_id, position, award_code, text, mandatory, legal_basis) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(i as i32)
        .bind(&c.award_code)
        .bind(&c.text)
        .bind(c.mandatory)
        .bind(&c.legal_basis)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    for (i, ms) in input.milestones.iter().enumerate() {
        sqlx::query(
            "INSERT INTO movement_milestones (movement_id, position, kind, name, due_on, removed) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(i as i32)
        .bind(ms.kind.code())
        .bind(&ms.name)
        .bind(ms.due_on)
        .bind(false)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    for (i, ind) in input.indicators.iter().enumerate() {
        sqlx::query(
            "INSERT INTO movement_indicators (movement_id, position, code, name, measure, target, removed) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(i as i32)
        .bind(&ind.code)
        .bind(&ind.name)
        .bind(ind.measure.code())
        .bind(ind.target)
        .bind(false)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// Moves the version on if it is still `expected` (and the state `from`, when given).
async fn bump(
    tx: &mut Tx,
    id: i64,
    expected: i64,
    from: Option<MovementState>,
) -> StoreResult<MovementRow> {
    let current = load(tx, id).await?;
    if current.version != expected || from.is_some_and(|f| f != current.state) {
        return Err(StoreError::Conflict(format!(
            "Phong trào «{}» vừa được người khác cập nhật (nay ở trạng thái «{}»); hãy tải lại trang",
            current.name,
            current.state.label()
        )));
    }
    sqlx::query("UPDATE movements SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(current)
}

async fn add_file(
    tx: &mut Tx,
    movement_id: i64,
    report_id: Option<i64>,
    f: &NewFile,
    by: Option<i64>,
) -> StoreResult<i64> {
    put_blob(tx, &f.sha256, &f.mime, &f.bytes).await?;
    let r = sqlx::query(
        "INSERT INTO movement_files (movement_id, report_id, filename, sha256, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(movement_id)
    .bind(report_id)
    .bind(&f.filename)
    .bind(&f.sha256)
    .bind(by)
    .bind(now())
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)?;
    get(&r, "id")
}

const FILE_COLUMNS: &str = "f.id, f.filename, b.mime, b.size, f.sha256, f.uploaded_at";
const FILE_FROM: &str = "FROM movement_files f JOIN blobs b ON b.sha256 = f.sha256";

/// The subject of a registration line.
fn subject(person_id: Option<i64>) -> Subject {
    if person_id.is_some() {
        Subject::Individual
    } else {
        Subject::Collective
    }
}

async fn registration_lines(c: &mut Conn, id: i64) -> StoreResult<Vec<RegistrationLineRow>> {
    sqlx::query(
        "SELECT l.person_id, l.unit_id, l.award_code, COALESCE(p.full_name, u.name) AS name
         FROM registration_lines l LEFT JOIN people p ON p.id = l.person_id LEFT JOIN units u ON u.id = l.unit_id
         WHERE l.registration_id = $1 ORDER BY l.position",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await
    .map_err(db_err)?
    .iter()
    .map(|r| {
        let person_id: Option<i64> = get(r, "person_id")?;
        Ok(RegistrationLineRow {
            person_id,
            unit_id: get(r, "unit_id")?,
            name: get(r, "name")?,
            subject: subject(person_id),
            award_code: get(r, "award_code")?,
        })
    })
    .collect()
}

fn registration_from(r: &DbRow) -> StoreResult<RegistrationRow> {
    Ok(RegistrationRow {
        id: get(r, "id")?,
        movement_id: get(r, "movement_id")?,
        unit_id: get(r, "unit_id")?,
        year: get(r, "year")?,
        version: get(r, "version")?,
        source: super::code(r, "source")?,
        note: get(r, "note")?,
        submitted_on: get(r, "submitted_on")?,
        submitted_at: get(r, "submitted_at")?,
        actor: get(r, "actor")?,
        lines: vec![],
    })
}

const REGISTRATION_COLUMNS: &str =
    "id, movement_id, unit_id, year, version, source, note, submitted_on, submitted_at, actor";

/// Current registrations: the highest version of each (movement, unit, year).
const CURRENT: &str = "r.version = (SELECT MAX(r2.version) FROM movement_registrations r2
    WHERE r2.movement_id = r.movement_id AND r2.unit_id = r.unit_id AND r2.year = r.year)";

async fn report_load(c: &mut Conn, r: &DbRow) -> StoreResult<ReportRow> {
    let id: i64 = get(r, "id")?;
    let values = sqlx::query(
        "SELECT v.indicator_id, v.target, v.achieved FROM report_values v JOIN movement_indicators i ON i.id = v.indicator_id
         WHERE v.report_id = $1 ORDER BY i.position",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await
    .map_err(db_err)?
    .iter()
    .map(|v| {
        Ok(ReportValue {
            indicator_id: get(v, "indicator_id")?,
            target: get(v, "target")?,
            achieved: get(v, "achieved")?,
        })
    })
    .collect::<StoreResult<_>>()?;
    let files = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {FILE_COLUMNS} {FILE_FROM} WHERE f.report_id = $1 ORDER BY f.id"
    )))
    .bind(id)
    .fetch_all(&mut *c)
    .await
    .map_err(db_err)?
    .iter()
    .map(|f| MovementFileRow::from_row(f).map_err(db_err))
    .collect::<StoreResult<_>>()?;
    Ok(ReportRow {
        id,
        movement_id: get(r, "movement_id")?,
        milestone_id: get(r, "milestone_id")?,
        unit_id: get(r, "unit_id")?,
        text: get(r, "text")?,
        version: get(r, "version")?,
        first_on: get(r, "first_on")?,
        last_on: get(r, "last_on")?,
        values,
        files,
    })
}

const REPORT_COLUMNS: &str =
    "id, movement_id, milestone_id, unit_id, text, version, first_on, last_on";

type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>;

/// The movement's own fields as `$1`..`$18`, in the order both the insert and the update name
/// them.
fn bind_fields<'q>(q: Query<'q>, input: &'q MovementInput) -> Query<'q> {
    q.bind(&input.code)
        .bind(&input.name)
        .bind(&input.slogan)
        .bind(&input.goals)
        .bind(input.authority_id)
        .bind(input.level.code())
        .bind(input.kind.code())
        .bind(input.scope.code())
        .bind(input.starts_on)
        .bind(input.ends_on)
        .bind(input.parent_id)
        .bind(&input.decision_number)
        .bind(input.decision_date)
        .bind(&input.decision_signer)
        .bind(input.registration_due_on)
        .bind(input.target_kind.code())
        .bind(input.target_unit_id)
        .bind(input.target_cluster_id)
}

impl Backend {
    async fn read_conn(&self) -> StoreResult<sqlx::pool::PoolConnection<Db>> {
        self.reader().acquire().await.map_err(db_err)
    }
}

#[async_trait]
impl MovementStore for Backend {
    async fn create_movement(
        &self,
        actor: &Actor,
        input: &MovementInput,
        created_by: Option<i64>,
        today: Date,
    ) -> StoreResult<MovementRow> {
        let mut tx = begin(self).await?;
        let at = now();
        let q = sqlx::query(
            "INSERT INTO movements (code, name, slogan, goals, authority_id, level, kind, scope, starts_on, ends_on, parent_id,
                 decision_number, decision_date, decision_signer, registration_due_on, target_kind, target_unit_id,
                 target_cluster_id, state, state_since, version, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21, $22, $22)
             RETURNING id",
        );
        let r = bind_fields(q, input)
            .bind(MovementState::Draft.code())
            .bind(today)
            .bind(created_by)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let id: i64 = get(&r, "id")?;
        write_children(&mut tx, id, input).await?;
        let row = load(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "movement.create",
                entity: "movement",
                entity_id: id.to_string(),
                before: None,
                after: json(&(&row, &input.targets)),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn update_movement(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        input: &MovementInput,
    ) -> StoreResult<MovementRow> {
        let mut tx = begin(self).await?;
        let before = bump(&mut tx, id, expected_version, None).await?;
        if !before.state.is_editable() {
            return Err(StoreError::Conflict(format!(
                "Phong trào đang ở trạng thái «{}»: chỉ sửa được khi còn là dự thảo",
                before.state.label()
            )));
        }
        let q = sqlx::query(
            "UPDATE movements SET code = $1, name = $2, slogan = $3, goals = $4, authority_id = $5, level = $6, kind = $7,
                 scope = $8, starts_on = $9, ends_on = $10, parent_id = $11, decision_number = $12, decision_date = $13,
                 decision_signer = $14, registration_due_on = $15, target_kind = $16, target_unit_id = $17,
                 target_cluster_id = $18 WHERE id = $19",
        );
        bind_fields(q, input)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        write_children(&mut tx, id, input).await?;
        let row = load(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "movement.update",
                entity: "movement",
                entity_id: id.to_string(),
                before: json(&before),
                after: json(&(&row, &input.targets)),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn movement(&self, id: i64) -> StoreResult<MovementRow> {
        let mut c = self.read_conn().await?;
        load(&mut c, id).await
    }

    async fn movement_by_code(&self, code: &str) -> StoreResult<MovementRow> {
        let mut c = self.read_conn().await?;
        let r = sqlx::query("SELECT id FROM movements WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("phong trào thi đua"))?;
        load(&mut c, get(&r, "id")?).await
    }

    async fn list_movements(&self, f: &MovementFilter) -> StoreResult<Page<MovementSummary>> {
        let filter = |q: &mut QueryBuilder<Db>| {
            let hidden = [MovementState::Draft.code(), MovementState::Cancelled.code()];
            if f.public_only {
                q.push(" AND m.state NOT IN (")
                    .push_bind(hidden[0])
                    .push(", ")
                    .push_bind(hidden[1])
                    .push(")");
            } else {
                // Drafts and cancelled ones only for those who may manage them.
                q.push(" AND (m.state NOT IN (")
                    .push_bind(hidden[0])
                    .push(", ")
                    .push_bind(hidden[1])
                    .push(")");
                if !f.drafts_under.is_empty() {
                    q.push(" OR EXISTS (SELECT 1 FROM units r WHERE r.id IN (");
                    let mut sep = q.separated(", ");
                    for id in &f.drafts_under {
                        sep.push_bind(*id);
                    }
                    q.push(") AND a.tree_path LIKE r.tree_path || '%')");
                }
                q.push(")");
            }
            if let Some(states) = &f.states {
                super::push_codes_in(q, "m.state", states);
            }
            if let Some(y) = f.year {
                let first =
                    Date::from_calendar_date(y, time::Month::January, 1).expect("valid year");
                let last =
                    Date::from_calendar_date(y, time::Month::December, 31).expect("valid year");
                q.push(" AND m.starts_on <= ")
                    .push_bind(last)
                    .push(" AND m.ends_on >= ")
                    .push_bind(first);
            }
            if let Some(pid) = f.parent_id {
                q.push(" AND m.parent_id = ").push_bind(pid);
            }
            if let Some(u) = f.targeting {
                q.push(" AND EXISTS (SELECT 1 FROM movement_targets t WHERE t.movement_id = m.id AND t.unit_id = ")
                    .push_bind(u)
                    .push(")");
            }
        };
        let pool = self.reader();
        let mut count = QueryBuilder::<Db>::new(
            "SELECT COUNT(*) AS n FROM movements m JOIN units a ON a.id = m.authority_id WHERE 1 = 1",
        );
        filter(&mut count);
        let total: i64 = get(&count.build().fetch_one(pool).await.map_err(db_err)?, "n")?;
        let mut q = QueryBuilder::<Db>::new(format!(
            "SELECT {SUMMARY_COLUMNS} FROM movements m JOIN units a ON a.id = m.authority_id WHERE 1 = 1"
        ));
        filter(&mut q);
        q.push(" ORDER BY m.starts_on DESC, m.id DESC LIMIT ")
            .push_bind(f.paging.per_page)
            .push(" OFFSET ")
            .push_bind(f.paging.offset());
        let items = q
            .build()
            .fetch_all(pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| MovementSummary::from_row(r).map_err(db_err))
            .collect::<StoreResult<_>>()?;
        Ok(Page {
            items,
            total,
            page: f.paging.page,
            per_page: f.paging.per_page,
        })
    }

    async fn move_movement(
        &self,
        actor: &Actor,
        id: i64,
        mv: &MovementMove,
    ) -> StoreResult<MovementRow> {
        let mut tx = begin(self).await?;
        let before = bump(&mut tx, id, mv.expected_version, Some(mv.from)).await?;
        sqlx::query("UPDATE movements SET state = $1, state_since = $2 WHERE id = $3")
            .bind(mv.to.code())
            .bind(mv.today)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let row = load(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "movement.step",
                entity: "movement",
                entity_id: id.to_string(),
                before: json(&(before.state, before.version)),
                after: json(&(mv.step, row.state, row.version, &mv.reason)),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn set_launch_file(
        &self,
        actor: &Actor,
        id: i64,
        file: &NewFile,
        by: Option<i64>,
    ) -> StoreResult<MovementRow> {
        let mut tx = begin(self).await?;
        let before = load(&mut tx, id).await?;
        let file_id = add_file(&mut tx, id, None, file, by).await?;
        sqlx::query("UPDATE movements SET decision_file_id = $1, updated_at = $2 WHERE id = $3")
            .bind(file_id)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let row = load(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "movement.launch_file",
                entity: "movement",
                entity_id: id.to_string(),
                before: json(&before.decision_file_id),
                after: json(&(file_id, &file.filename, &file.sha256)),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn movement_targets(&self, id: i64) -> StoreResult<Vec<TargetRow>> {
        sqlx::query(
            "SELECT u.id AS unit_id, u.code, u.name, u.parent_id FROM movement_targets t JOIN units u ON u.id = t.unit_id
             WHERE t.movement_id = $1 ORDER BY u.tree_path",
        )
        .bind(id)
        .fetch_all(self.reader())
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| TargetRow::from_row(r).map_err(db_err))
        .collect()
    }

    async fn subtree_units(&self, root: i64, on: Date) -> StoreResult<Vec<UnitRef>> {
        sqlx::query(
            "SELECT d.id, d.code, d.name FROM units r JOIN units d ON d.tree_path LIKE r.tree_path || '%'
             WHERE r.id = $1 AND (d.valid_from IS NULL OR d.valid_from <= $2) AND (d.valid_to IS NULL OR d.valid_to >= $2)
             ORDER BY d.tree_path",
        )
        .bind(root)
        .bind(on)
        .fetch_all(self.reader())
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| UnitRef::from_row(r).map_err(db_err))
        .collect()
    }

    async fn movement_file(
        &self,
        movement_id: i64,
        file_id: i64,
    ) -> StoreResult<(MovementFileRow, Vec<u8>)> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {FILE_COLUMNS}, b.data {FILE_FROM} WHERE f.id = $1 AND f.movement_id = $2"
        )))
        .bind(file_id)
        .bind(movement_id)
        .fetch_optional(self.reader())
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("tệp của phong trào"))?;
        Ok((
            MovementFileRow::from_row(&r).map_err(db_err)?,
            get(&r, "data")?,
        ))
    }

    async fn save_registration(
        &self,
        actor: &Actor,
        reg: &NewRegistration,
    ) -> StoreResult<RegistrationRow> {
        let mut tx = begin(self).await?;
        let r = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) AS v FROM movement_registrations WHERE movement_id = $1 AND unit_id = $2 AND year = $3",
        )
        .bind(reg.movement_id)
        .bind(reg.unit_id)
        .bind(reg.year)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let version: i32 = get::<i32>(&r, "v")? + 1;
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO movement_registrations (movement_id, unit_id, year, version, source, note, submitted_on, submitted_at, submitted_by, actor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {REGISTRATION_COLUMNS}"
        )))
        .bind(reg.movement_id)
        .bind(reg.unit_id)
        .bind(reg.year)
        .bind(version)
        .bind(reg.source.code())
        .bind(&reg.note)
        .bind(reg.on)
        .bind(now())
        .bind(reg.by)
        .bind(&actor.label)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let mut row = registration_from(&r)?;
        for (chunk_no, chunk) in reg.lines.chunks(500).enumerate() {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO registration_lines (registration_id, position, person_id, unit_id, award_code) ",
            );
            q.push_values(chunk.iter().enumerate(), |mut b, (i, l)| {
                b.push_bind(row.id)
                    .push_bind((chunk_no * 500 + i) as i32)
                    .push_bind(l.person_id)
                    .push_bind(l.unit_id)
                    .push_bind(&l.award_code);
            });
            q.build().execute(&mut *tx).await.map_err(db_err)?;
        }
        row.lines = registration_lines(&mut tx, row.id).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "movement.register",
                entity: "movement_registration",
                entity_id: row.id.to_string(),
                before: None,
                after: json(&row),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn registration(
        &self,
        movement_id: i64,
        unit_id: i64,
        year: i32,
    ) -> StoreResult<Option<RegistrationRow>> {
        let mut c = self.read_conn().await?;
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REGISTRATION_COLUMNS} FROM movement_registrations WHERE movement_id = $1 AND unit_id = $2 AND year = $3
             ORDER BY version DESC LIMIT 1"
        )))
        .bind(movement_id)
        .bind(unit_id)
        .bind(year)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)?
        else {
            return Ok(None);
        };
        let mut row = registration_from(&r)?;
        row.lines = registration_lines(&mut c, row.id).await?;
        Ok(Some(row))
    }

    async fn registration_versions(
        &self,
        movement_id: i64,
        unit_id: i64,
        year: i32,
    ) -> StoreResult<Vec<RegistrationRow>> {
        let mut c = self.read_conn().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REGISTRATION_COLUMNS} FROM movement_registrations WHERE movement_id = $1 AND unit_id = $2 AND year = $3
             ORDER BY version"
        )))
        .bind(movement_id)
        .bind(unit_id)
        .bind(year)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut row = registration_from(r)?;
            row.lines = registration_lines(&mut c, row.id).await?;
            out.push(row);
        }
        Ok(out)
    }

    async fn registration_overview(
        &self,
        movement_id: i64,
        year: i32,
    ) -> StoreResult<Vec<RegistrationStatusRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT t.unit_id, (SELECT MIN(f.submitted_on) FROM movement_registrations f
                     WHERE f.movement_id = t.movement_id AND f.unit_id = t.unit_id AND f.year = $2) AS first_on,
                    r.version, (SELECT COUNT(*) FROM registration_lines l WHERE l.registration_id = r.id) AS lines
             FROM movement_targets t JOIN units u ON u.id = t.unit_id
             LEFT JOIN movement_registrations r ON r.movement_id = t.movement_id AND r.unit_id = t.unit_id AND r.year = $2 AND {CURRENT}
             WHERE t.movement_id = $1 ORDER BY u.tree_path"
        )))
        .bind(movement_id)
        .bind(year)
        .fetch_all(self.reader())
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(RegistrationStatusRow {
                    unit_id: get(r, "unit_id")?,
                    first_on: get(r, "first_on")?,
                    version: get(r, "version")?,
                    lines: get(r, "lines")?,
                })
            })
            .collect()
    }

    async fn registration_totals(
        &self,
        movement_id: i64,
        year: i32,
    ) -> StoreResult<Vec<RegistrationTotal>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT CASE WHEN l.person_id IS NULL THEN 0 ELSE 1 END AS individual, l.award_code, COUNT(*) AS n
             FROM movement_registrations r JOIN registration_lines l ON l.registration_id = r.id
             WHERE r.movement_id = $1 AND r.year = $2 AND {CURRENT}
             GROUP BY CASE WHEN l.person_id IS NULL THEN 0 ELSE 1 END, l.award_code ORDER BY individual, l.award_code"
        )))
        .bind(movement_id)
        .bind(year)
        .fetch_all(self.reader())
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let individual: i32 = get(r, "individual")?;
                Ok(RegistrationTotal {
                    subject: if individual == 1 {
                        Subject::Individual
                    } else {
                        Subject::Collective
                    },
                    award_code: get(r, "award_code")?,
                    count: get(r, "n")?,
                })
            })
            .collect()
    }

    async fn registered_lines(
        &self,
        year: i32,
        person_ids: &[i64],
        unit_ids: &[i64],
    ) -> StoreResult<Vec<RegisteredLine>> {
        if person_ids.is_empty() && unit_ids.is_empty() {
            return Ok(vec![]);
        }
        let mut q = QueryBuilder::<Db>::new(
            "SELECT DISTINCT l.person_id, l.unit_id, l.award_code FROM movement_registrations r
             JOIN registration_lines l ON l.registration_id = r.id WHERE r.year = ",
        );
        q.push_bind(year).push(format!(" AND {CURRENT} AND (1 = 0"));
        if !person_ids.is_empty() {
            q.push(" OR l.person_id IN (");
            let mut sep = q.separated(", ");
            for id in person_ids {
                sep.push_bind(*id);
            }
            q.push(")");
        }
        if !unit_ids.is_empty() {
            q.push(" OR l.unit_id IN (");
            let mut sep = q.separated(", ");
            for id in unit_ids {
                sep.push_bind(*id);
            }
            q.push(")");
        }
        q.push(")");
        q.build()
            .fetch_all(self.reader())
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| RegisteredLine::from_row(r).map_err(db_err))
            .collect()
    }

    async fn submit_report(&self, actor: &Actor, rep: &NewReport) -> StoreResult<ReportRow> {
        let mut tx = begin(self).await?;
        let before = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM movement_reports WHERE milestone_id = $1 AND unit_id = $2"
        )))
        .bind(rep.milestone_id)
        .bind(rep.unit_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        let before = match before {
            Some(r) => Some(report_load(&mut tx, &r).await?),
            None => None,
        };
        let id: i64 = match &before {
            Some(b) => {
                sqlx::query(
                    "UPDATE movement_reports SET text = $1, version = version + 1, last_on = $2, submitted_by = $3, updated_at = $4 WHERE id = $5",
                )
                .bind(&rep.text)
                .bind(rep.on)
                .bind(rep.by)
                .bind(now())
                .bind(b.id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                sqlx::query("DELETE FROM report_values WHERE report_id = $1")
                    .bind(b.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                b.id
            }
            None => get(
                &sqlx::query(
                    "INSERT INTO movement_reports (movement_id, milestone_id, unit_id, text, version, first_on, last_on, submitted_by, updated_at)
                     VALUES ($1, $2, $3, $4, 1, $5, $5, $6, $7) RETURNING id",
                )
                .bind(rep.movement_id)
                .bind(rep.milestone_id)
                .bind(rep.unit_id)
                .bind(&rep.text)
                .bind(rep.on)
                .bind(rep.by)
                .bind(now())
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?,
                "id",
            )?,
        };
        for v in &rep.values {
            sqlx::query(
                "INSERT INTO report_values (report_id, indicator_id, target, achieved) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(v.indicator_id)
            .bind(v.target)
            .bind(v.achieved)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        for f in &rep.files {
            add_file(&mut tx, rep.movement_id, Some(id), f, rep.by).await?;
        }
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM movement_reports WHERE id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let row = report_load(&mut tx, &r).await?;
        append(
            &mut tx,
            actor,
            Change {
                action: "movement.report",
                entity: "movement_report",
                entity_id: id.to_string(),
                before: before.as_ref().and_then(json),
                after: json(&row),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn report(&self, milestone_id: i64, unit_id: i64) -> StoreResult<Option<ReportRow>> {
        let mut c = self.read_conn().await?;
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM movement_reports WHERE milestone_id = $1 AND unit_id = $2"
        )))
        .bind(milestone_id)
        .bind(unit_id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)?;
        match r {
            Some(r) => Ok(Some(report_load(&mut c, &r).await?)),
            None => Ok(None),
        }
    }

    async fn report_cells(&self, movement_id: i64) -> StoreResult<Vec<ReportCell>> {
        sqlx::query(
            "SELECT unit_id, milestone_id, first_on FROM movement_reports WHERE movement_id = $1",
        )
        .bind(movement_id)
        .fetch_all(self.reader())
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| ReportCell::from_row(r).map_err(db_err))
        .collect()
    }

    async fn milestone_figures(&self, milestone_id: i64) -> StoreResult<Vec<UnitFigure>> {
        sqlx::query(
            "SELECT r.unit_id, v.indicator_id, v.target, v.achieved FROM movement_reports r
             JOIN report_values v ON v.report_id = r.id WHERE r.milestone_id = $1",
        )
        .bind(milestone_id)
        .fetch_all(self.reader())
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| UnitFigure::from_row(r).map_err(db_err))
        .collect()
    }

    async fn set_covenant_movements(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        movement_ids: &[i64],
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        sqlx::query("DELETE FROM covenant_movements WHERE cluster_id = $1 AND year = $2")
            .bind(cluster_id)
            .bind(year)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for m in movement_ids {
            sqlx::query(
                "INSERT INTO covenant_movements (cluster_id, year, movement_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(cluster_id)
            .bind(year)
            .bind(*m)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        append(
            &mut tx,
            actor,
            Change {
                action: "covenant.movements",
                entity: "covenant",
                entity_id: format!("{cluster_id}/{year}"),
                before: None,
                after: json(&movement_ids),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(())
    }

    async fn covenant_movements(
        &self,
        cluster_id: i64,
        year: i32,
    ) -> StoreResult<Vec<MovementSummary>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM covenant_movements c JOIN movements m ON m.id = c.movement_id
             JOIN units a ON a.id = m.authority_id WHERE c.cluster_id = $1 AND c.year = $2 ORDER BY m.name"
        )))
        .bind(cluster_id)
        .bind(year)
        .fetch_all(self.reader())
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| MovementSummary::from_row(r).map_err(db_err))
        .collect()
    }
}
