//! The year-end round: participants and progress, the year's facts, candidates, the unit
//! council's ballot (voters and papers apart, as for the dossier council) and the dossiers sent
//! up. Over 600 lines because the ballot's four statements and the set-based history reads sit
//! with the rest of the round; each part is a short method.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::QueryBuilder;
use tdkt_domain::dossier::council::{CouncilBallotStatus, VoteMode};
use tdkt_domain::round::RoundProgress;
use tdkt_store::*;
use time::Date;

use super::audit::{Change, append, json};
use super::{Backend, Db, DbRow, Dialect, Tx, begin, code, commit, db_err, get, now};

const ROUND_COLUMNS: &str =
    "r.id, r.authority_id, u.name AS authority_name, r.year, r.opened_on, r.note, r.created_at";

fn round_from(r: &DbRow) -> StoreResult<RoundRow> {
    Ok(RoundRow {
        id: get(r, "id")?,
        authority_id: get(r, "authority_id")?,
        authority_name: get(r, "authority_name")?,
        year: get(r, "year")?,
        opened_on: get(r, "opened_on")?,
        note: get(r, "note")?,
        created_at: get(r, "created_at")?,
    })
}

fn part_sql(clause: &str, order: &str) -> String {
    // `$2` is `true`: the selected flag is bound rather than written, as the backends spell
    // booleans differently.
    format!(
        "SELECT ru.id, ru.round_id, r.year, r.authority_id, ru.unit_id, u.code AS unit_code, u.name AS unit_name,
                u.kind AS unit_kind, u.tree_path, ru.depth, ru.due_on, ru.progress, ru.progress_since,
                (SELECT COUNT(*) FROM round_candidates c WHERE c.round_unit_id = ru.id) AS n_candidates,
                (SELECT COUNT(*) FROM round_candidates c WHERE c.round_unit_id = ru.id AND c.selected = $2) AS n_selected
         FROM round_units ru JOIN rounds r ON r.id = ru.round_id JOIN units u ON u.id = ru.unit_id
         WHERE {clause} ORDER BY {order}"
    )
}

fn part_from(r: &DbRow) -> StoreResult<RoundUnitRow> {
    Ok(RoundUnitRow {
        id: get(r, "id")?,
        round_id: get(r, "round_id")?,
        year: get(r, "year")?,
        authority_id: get(r, "authority_id")?,
        unit_id: get(r, "unit_id")?,
        unit_code: get(r, "unit_code")?,
        unit_name: get(r, "unit_name")?,
        unit_kind: code(r, "unit_kind")?,
        tree_path: get(r, "tree_path")?,
        depth: get(r, "depth")?,
        due_on: get(r, "due_on")?,
        progress: code(r, "progress")?,
        progress_since: get(r, "progress_since")?,
        candidates: get(r, "n_candidates")?,
        selected: get(r, "n_selected")?,
    })
}

/// Participants matching `clause` (which uses `$1`).
async fn parts_where<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    clause: &str,
    order: &str,
    id: i64,
) -> StoreResult<Vec<RoundUnitRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(part_sql(clause, order)))
        .bind(id)
        .bind(true)
        .fetch_all(ex)
        .await
        .map_err(db_err)?;
    rows.iter().map(part_from).collect()
}

/// The people of a participant (`$1` = its id): staff of its subtree, less the staff of other
/// participants of the same round below it.
const PEOPLE_OF: &str = "SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id
    JOIN round_units me ON me.id = $1 JOIN units mu ON mu.id = me.unit_id
    WHERE u.tree_path LIKE mu.tree_path || '%'
      AND NOT EXISTS (SELECT 1 FROM round_units o JOIN units ou ON ou.id = o.unit_id
                      WHERE o.round_id = me.round_id AND o.id <> me.id
                        AND ou.tree_path LIKE mu.tree_path || '_%' AND u.tree_path LIKE ou.tree_path || '%')";

const CANDIDATE_COLUMNS: &str = "id, round_unit_id, person_id, unit_id, name, detail, award_code, destination_id, verdict, verdict_json, selected, reason, council_passed, decision_id, dossier_id";

fn candidate_from(r: &DbRow) -> StoreResult<CandidateRow> {
    Ok(CandidateRow {
        id: get(r, "id")?,
        round_unit_id: get(r, "round_unit_id")?,
        person_id: get(r, "person_id")?,
        unit_id: get(r, "unit_id")?,
        name: get(r, "name")?,
        detail: get(r, "detail")?,
        award_code: get(r, "award_code")?,
        destination_id: get(r, "destination_id")?,
        verdict: get(r, "verdict")?,
        verdict_json: get(r, "verdict_json")?,
        selected: get(r, "selected")?,
        reason: get(r, "reason")?,
        council_passed: get(r, "council_passed")?,
        decision_id: get(r, "decision_id")?,
        dossier_id: get(r, "dossier_id")?,
    })
}

fn subject_key(person_id: Option<i64>, unit_id: Option<i64>) -> String {
    match (person_id, unit_id) {
        (Some(p), _) => format!("p{p}"),
        (None, Some(u)) => format!("u{u}"),
        (None, None) => String::new(),
    }
}

const BALLOT_COLUMNS: &str = "id, round_unit_id AS dossier_id, status, rules_json, rule_hash, result_json, opened_at, closed_at";

async fn ballot_by<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    column: &'static str,
    id: i64,
) -> StoreResult<Option<CouncilBallotRow>> {
    use sqlx::FromRow;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BALLOT_COLUMNS} FROM round_ballots WHERE {column} = $1"
    )))
    .bind(id)
    .fetch_optional(ex)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(|r| CouncilBallotRow::from_row(r).map_err(db_err))
    .transpose()
}

/// Moves a participant's progress, with its audit entry.
async fn progress_tx(
    tx: &mut Tx,
    actor: &Actor,
    round_unit_id: i64,
    to: RoundProgress,
    today: Date,
) -> StoreResult<()> {
    let r = sqlx::query(
        "UPDATE round_units SET progress = $1, progress_since = $2 WHERE id = $3 RETURNING progress",
    )
    .bind(to.code())
    .bind(today)
    .bind(round_unit_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    if r.is_none() {
        return Err(StoreError::NotFound("đơn vị tham gia bình xét"));
    }
    append(
        tx,
        actor,
        Change {
            action: "round.progress",
            entity: "round_unit",
            entity_id: round_unit_id.to_string(),
            before: None,
            after: json(&serde_json::json!({"progress": to})),
        },
    )
    .await
}

/// The participant's progress inside a write transaction.
async fn progress_of(tx: &mut Tx, round_unit_id: i64) -> StoreResult<RoundProgress> {
    let r = sqlx::query("SELECT progress FROM round_units WHERE id = $1")
        .bind(round_unit_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("đơn vị tham gia bình xét"))?;
    code(&r, "progress")
}

/// The participant's progress when ratings and the list may still change (before the vote),
/// else the conflict saying what is locked.
async fn unlocked(tx: &mut Tx, round_unit_id: i64, what: &str) -> StoreResult<RoundProgress> {
    let progress = progress_of(tx, round_unit_id).await?;
    if matches!(progress, RoundProgress::NotStarted | RoundProgress::Rating) {
        Ok(progress)
    } else {
        Err(StoreError::Conflict(format!(
            "Đơn vị đang ở bước «{}»: {what}",
            progress.label()
        )))
    }
}

/// The history reads shared by a whole unit and by one person: `ids` is a subquery (or a
/// parameter) giving person ids, bound to `$1`.
async fn histories(
    pool: &sqlx::Pool<Db>,
    ids: &str,
    bind: i64,
) -> StoreResult<HashMap<i64, PersonHistory>> {
    let mut out: HashMap<i64, PersonHistory> = HashMap::new();
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT person_id, year, rating, absent_days, discipline FROM person_ratings WHERE person_id IN ({ids}) ORDER BY person_id, year"
    )))
    .bind(bind)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    for r in &rows {
        let f = YearFacts {
            person_id: get(r, "person_id")?,
            year: get(r, "year")?,
            rating: code(r, "rating")?,
            absent_days: get(r, "absent_days")?,
            discipline: get(r, "discipline")?,
        };
        out.entry(f.person_id).or_default().ratings.push(f);
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT person_id, year, code, decision FROM person_titles WHERE person_id IN ({ids}) ORDER BY person_id, year, code"
    )))
    .bind(bind)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    for r in &rows {
        out.entry(get(r, "person_id")?)
            .or_default()
            .titles
            .push(TitleRow {
                year: get(r, "year")?,
                code: get(r, "code")?,
                decision: get(r, "decision")?,
            });
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, person_id, unit_id, code, award_date, decision, note, revoked_on, movement_id, NULL AS movement_name
         FROM award_records WHERE person_id IN ({ids}) AND revoked_on IS NULL ORDER BY person_id, award_date, id"
    )))
    .bind(bind)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    for r in &rows {
        let a = AwardRecordRow {
            id: get(r, "id")?,
            person_id: get(r, "person_id")?,
            unit_id: get(r, "unit_id")?,
            code: get(r, "code")?,
            date: get(r, "award_date")?,
            decision: get(r, "decision")?,
            note: get(r, "note")?,
            revoked_on: get(r, "revoked_on")?,
            movement_id: get(r, "movement_id")?,
            movement_name: get(r, "movement_name")?,
        };
        out.entry(a.person_id.unwrap_or_default())
            .or_default()
            .awards
            .push(a);
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT a.person_id, i.code, i.scope, i.recognized_on, i.used_by, i.used_on
         FROM initiative_authors a JOIN initiatives i ON i.id = a.initiative_id
         WHERE a.person_id IN ({ids}) ORDER BY a.person_id, i.recognized_on, i.id"
    )))
    .bind(bind)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    for r in &rows {
        out.entry(get(r, "person_id")?)
            .or_default()
            .initiatives
            .push(HeldInitiative {
                code: get(r, "code")?,
                scope: get(r, "scope")?,
                recognized_on: get(r, "recognized_on")?,
                used_by: get(r, "used_by")?,
                used_on: get(r, "used_on")?,
            });
    }
    Ok(out)
}

#[async_trait]
impl RoundStore for Backend {
    async fn staffed_units(&self, root: i64, on: Date) -> StoreResult<Vec<StaffedUnit>> {
        let pool = self.reader();
        // People counted once per unit, then summed up the tree in Rust (one pass, no
        // correlated subquery per unit).
        let rows = sqlx::query(
            "SELECT u.id, u.name, u.kind, u.parent_id, u.tree_path,
                    (SELECT COUNT(*) FROM people p WHERE p.unit_id = u.id) AS own
             FROM units u JOIN units r ON r.id = $1
             WHERE u.tree_path LIKE r.tree_path || '%' AND (u.valid_to IS NULL OR u.valid_to >= $2)
             ORDER BY u.tree_path",
        )
        .bind(root)
        .bind(on)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        let mut units = Vec::with_capacity(rows.len());
        for r in &rows {
            units.push(StaffedUnit {
                id: get(r, "id")?,
                name: get(r, "name")?,
                kind: code(r, "kind")?,
                parent_id: get(r, "parent_id")?,
                tree_path: get(r, "tree_path")?,
                staff: get(r, "own")?,
            });
        }
        // Tree order puts every unit after its ancestors: walking it backwards adds each
        // unit's total to its parent before the parent is passed on.
        let at: HashMap<i64, usize> = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        for i in (0..units.len()).rev() {
            if let Some(&j) = units[i].parent_id.as_ref().and_then(|p| at.get(p)) {
                units[j].staff += units[i].staff;
            }
        }
        units.retain(|u| u.staff > 0);
        Ok(units)
    }

    async fn open_round(&self, actor: &Actor, n: NewRound) -> StoreResult<RoundRow> {
        let mut tx = begin(self).await?;
        let r = sqlx::query(
            "INSERT INTO rounds (authority_id, year, opened_on, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(n.authority_id)
        .bind(n.year)
        .bind(n.opened_on)
        .bind(&n.note)
        .bind(n.created_by)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let id: i64 = get(&r, "id")?;
        for u in &n.units {
            sqlx::query(
                "INSERT INTO round_units (round_id, unit_id, depth, due_on, progress, progress_since) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(u.unit_id)
            .bind(u.depth)
            .bind(u.due_on)
            .bind(RoundProgress::NotStarted.code())
            .bind(n.opened_on)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        append(
            &mut tx,
            actor,
            Change {
                action: "round.open",
                entity: "round",
                entity_id: id.to_string(),
                before: None,
                after: json(&n),
            },
        )
        .await?;
        commit(tx).await?;
        self.round(id).await
    }

    async fn round(&self, id: i64) -> StoreResult<RoundRow> {
        let pool = self.reader();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ROUND_COLUMNS} FROM rounds r JOIN units u ON u.id = r.authority_id WHERE r.id = $1"
        )))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(round_from)
        .transpose()?
        .ok_or(StoreError::NotFound("đợt bình xét"))
    }

    async fn list_rounds(&self, roots: Option<&[i64]>) -> StoreResult<Vec<RoundRow>> {
        let pool = self.reader();
        let mut q = QueryBuilder::<Db>::new(format!(
            "SELECT {ROUND_COLUMNS} FROM rounds r JOIN units u ON u.id = r.authority_id WHERE 1 = 1"
        ));
        if let Some(roots) = roots {
            if roots.is_empty() {
                return Ok(vec![]);
            }
            q.push(" AND EXISTS (SELECT 1 FROM units g WHERE u.tree_path LIKE g.tree_path || '%' AND g.id IN (");
            let mut s = q.separated(", ");
            for r in roots {
                s.push_bind(*r);
            }
            q.push("))");
        }
        q.push(" ORDER BY r.year DESC, r.id DESC LIMIT 500");
        let rows = q.build().fetch_all(pool).await.map_err(db_err)?;
        rows.iter().map(round_from).collect()
    }

    async fn round_units(&self, round_id: i64) -> StoreResult<Vec<RoundUnitRow>> {
        parts_where(
            self.reader(),
            "ru.round_id = $1",
            "u.tree_path, ru.id",
            round_id,
        )
        .await
    }

    async fn round_unit(&self, id: i64) -> StoreResult<RoundUnitRow> {
        parts_where(self.reader(), "ru.id = $1", "ru.id", id)
            .await?
            .pop()
            .ok_or(StoreError::NotFound("đơn vị tham gia bình xét"))
    }

    async fn rounds_of_unit(&self, unit_id: i64) -> StoreResult<Vec<RoundUnitRow>> {
        parts_where(
            self.reader(),
            "ru.unit_id = $1",
            "r.year DESC, ru.id DESC",
            unit_id,
        )
        .await
    }

    async fn set_round_progress(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        progress: RoundProgress,
        today: Date,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        progress_tx(&mut tx, actor, round_unit_id, progress, today).await?;
        commit(tx).await
    }

    async fn round_people(&self, round_unit_id: i64) -> StoreResult<Vec<RoundPerson>> {
        let pool = self.reader();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT p.id, p.full_name, p.cccd, p.birth_year, p.birth_date, p.unit_id, u.name AS unit_name, p.position
             FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id IN ({PEOPLE_OF})
             ORDER BY p.search_key, p.id"
        )))
        .bind(round_unit_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let birth_date: Option<Date> = get(r, "birth_date")?;
                let birth_year: Option<i32> = get(r, "birth_year")?;
                Ok(RoundPerson {
                    id: get(r, "id")?,
                    full_name: get(r, "full_name")?,
                    cccd: get(r, "cccd")?,
                    birth_year: birth_date.map(|d| d.year()).or(birth_year),
                    unit_id: get(r, "unit_id")?,
                    unit_name: get(r, "unit_name")?,
                    position: get(r, "position")?,
                })
            })
            .collect()
    }

    async fn round_histories(
        &self,
        round_unit_id: i64,
    ) -> StoreResult<HashMap<i64, PersonHistory>> {
        histories(self.reader(), PEOPLE_OF, round_unit_id).await
    }

    async fn person_history(&self, person_id: i64) -> StoreResult<PersonHistory> {
        Ok(histories(self.reader(), "$1", person_id)
            .await?
            .remove(&person_id)
            .unwrap_or_default())
    }

    async fn put_year_facts(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        facts: &[YearFacts],
        initiatives: &[YearInitiative],
        today: Date,
    ) -> StoreResult<usize> {
        let mut tx = begin(self).await?;
        let progress = unlocked(
            &mut tx,
            round_unit_id,
            "không sửa kết quả đánh giá, xếp loại nữa",
        )
        .await?;
        for f in facts {
            sqlx::query(
                "INSERT INTO person_ratings (person_id, year, rating, absent_days, discipline) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (person_id, year) DO UPDATE SET rating = excluded.rating, absent_days = excluded.absent_days, discipline = excluded.discipline",
            )
            .bind(f.person_id)
            .bind(f.year)
            .bind(f.rating.code())
            .bind(f.absent_days)
            .bind(&f.discipline)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        let mut added = 0;
        for i in initiatives {
            // The code is derived from the person, year and title: a file imported again adds
            // nothing.
            let r = sqlx::query(
                "INSERT INTO initiatives (code, title, unit_id, field, submitted_on, scope, recognized_on, created_at)
                 VALUES ($1, $2, $3, NULL, $4, 'co_so', $4, $5) ON CONFLICT (code) DO NOTHING RETURNING id",
            )
            .bind(&i.code)
            .bind(&i.title)
            .bind(i.unit_id)
            .bind(i.recognized_on)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            if let Some(r) = r {
                let id: i64 = get(&r, "id")?;
                sqlx::query(
                    "INSERT INTO initiative_authors (initiative_id, person_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(i.person_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                added += 1;
            }
        }
        if progress == RoundProgress::NotStarted {
            sqlx::query("UPDATE round_units SET progress = $1, progress_since = $2 WHERE id = $3")
                .bind(RoundProgress::Rating.code())
                .bind(today)
                .bind(round_unit_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        append(
            &mut tx,
            actor,
            Change {
                action: "round.facts",
                entity: "round_unit",
                entity_id: round_unit_id.to_string(),
                before: None,
                after: json(&serde_json::json!({"ratings": facts.len(), "initiatives_added": added, "facts": facts})),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(facts.len())
    }

    async fn put_candidates(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        rows: &[NewCandidate],
    ) -> StoreResult<usize> {
        let mut tx = begin(self).await?;
        unlocked(&mut tx, round_unit_id, "danh sách đã khóa để bỏ phiếu").await?;
        // Rows no longer listed go (none is decided or sent before the vote).
        let mut keep = std::collections::HashSet::new();
        for c in rows {
            let key = subject_key(c.person_id, c.unit_id);
            keep.insert((key.clone(), c.award_code.clone()));
            sqlx::query(
                "INSERT INTO round_candidates (round_unit_id, subject_key, person_id, unit_id, name, detail, award_code, destination_id, verdict, verdict_json, selected)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (round_unit_id, subject_key, award_code) DO UPDATE SET
                     name = excluded.name, detail = excluded.detail, destination_id = excluded.destination_id,
                     verdict = excluded.verdict, verdict_json = excluded.verdict_json",
            )
            .bind(round_unit_id)
            .bind(&key)
            .bind(c.person_id)
            .bind(c.unit_id)
            .bind(&c.name)
            .bind(&c.detail)
            .bind(&c.award_code)
            .bind(c.destination_id)
            .bind(&c.verdict)
            .bind(&c.verdict_json)
            .bind(c.selected)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        let existing = sqlx::query(
            "SELECT id, subject_key, award_code FROM round_candidates WHERE round_unit_id = $1",
        )
        .bind(round_unit_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        for r in &existing {
            let k: String = get(r, "subject_key")?;
            let a: String = get(r, "award_code")?;
            if !keep.contains(&(k, a)) {
                sqlx::query("DELETE FROM round_candidates WHERE id = $1")
                    .bind(get::<i64>(r, "id")?)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
        }
        append(
            &mut tx,
            actor,
            Change {
                action: "round.candidates",
                entity: "round_unit",
                entity_id: round_unit_id.to_string(),
                before: None,
                after: json(&serde_json::json!({"candidates": rows.len()})),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(rows.len())
    }

    async fn candidates(
        &self,
        round_unit_id: i64,
        f: &CandidateFilter,
    ) -> StoreResult<Page<CandidateRow>> {
        let pool = self.reader();
        let push_where = |q: &mut QueryBuilder<Db>| {
            q.push(" WHERE round_unit_id = ");
            q.push_bind(round_unit_id);
            if let Some(a) = &f.award {
                q.push(" AND award_code = ");
                q.push_bind(a.clone());
            }
            if let Some(v) = &f.verdict {
                q.push(" AND verdict = ");
                q.push_bind(v.clone());
            }
            if let Some(s) = f.selected {
                q.push(" AND selected = ");
                q.push_bind(s);
            }
            if let Some(k) = &f.name_key {
                q.push(" AND subject_key IN (SELECT 'p' || CAST(id AS TEXT) FROM people WHERE search_key LIKE ");
                q.push_bind(format!("%{k}%"));
                q.push(") ");
            }
        };
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) AS n FROM round_candidates");
        push_where(&mut count);
        let total: i64 = get(&count.build().fetch_one(pool).await.map_err(db_err)?, "n")?;
        let paging = f.paging.unwrap_or(Paging {
            page: 1,
            per_page: i64::MAX / 4,
        });
        let mut q =
            QueryBuilder::<Db>::new(format!("SELECT {CANDIDATE_COLUMNS} FROM round_candidates"));
        push_where(&mut q);
        q.push(" ORDER BY CASE WHEN unit_id IS NULL THEN 1 ELSE 0 END, name, subject_key, award_code LIMIT ");
        q.push_bind(paging.per_page);
        q.push(" OFFSET ");
        q.push_bind((paging.page - 1) * paging.per_page);
        let rows = q.build().fetch_all(pool).await.map_err(db_err)?;
        Ok(Page {
            items: rows
                .iter()
                .map(candidate_from)
                .collect::<StoreResult<_>>()?,
            total,
            page: paging.page,
            per_page: paging.per_page,
        })
    }

    async fn candidate_counts(&self, round_unit_id: i64) -> StoreResult<Vec<CandidateCount>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT award_code, verdict, selected, council_passed, COUNT(*) AS n FROM round_candidates
             WHERE round_unit_id = $1 GROUP BY award_code, verdict, selected, council_passed ORDER BY award_code",
        )
        .bind(round_unit_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        let mut out: Vec<CandidateCount> = Vec::new();
        for r in &rows {
            let award: String = get(r, "award_code")?;
            let verdict: String = get(r, "verdict")?;
            let selected: bool = get(r, "selected")?;
            let passed: Option<bool> = get(r, "council_passed")?;
            let n: i64 = get(r, "n")?;
            if out.last().is_none_or(|c| c.award_code != award) {
                out.push(CandidateCount {
                    award_code: award,
                    ..Default::default()
                });
            }
            let c = out.last_mut().expect("just pushed");
            c.total += n;
            match verdict.as_str() {
                "eligible" => c.eligible += n,
                "needs_review" => c.needs_review += n,
                _ => c.not_eligible += n,
            }
            if selected {
                c.selected += n;
            }
            if passed == Some(true) {
                c.passed += n;
            }
        }
        Ok(out)
    }

    async fn select_candidates(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        changes: &[Selection],
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        unlocked(&mut tx, round_unit_id, "danh sách đã khóa để bỏ phiếu").await?;
        for c in changes {
            let done = sqlx::query(
                "UPDATE round_candidates SET selected = $1, reason = $2 WHERE id = $3 AND round_unit_id = $4",
            )
            .bind(c.selected)
            .bind(&c.reason)
            .bind(c.candidate_id)
            .bind(round_unit_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            if done.rows_affected() != 1 {
                return Err(StoreError::NotFound(
                    "người, tập thể trong danh sách bình xét",
                ));
            }
        }
        append(
            &mut tx,
            actor,
            Change {
                action: "round.select",
                entity: "round_unit",
                entity_id: round_unit_id.to_string(),
                before: None,
                after: json(&changes),
            },
        )
        .await?;
        commit(tx).await
    }

    async fn open_round_vote(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        rules_json: &str,
        rule_hash: &str,
        today: Date,
    ) -> StoreResult<CouncilBallotRow> {
        let mut tx = begin(self).await?;
        let progress = progress_of(&mut tx, round_unit_id).await?;
        if progress != RoundProgress::Rating {
            return Err(StoreError::Conflict(format!(
                "Đơn vị đang ở bước «{}»: chỉ mở bỏ phiếu sau khi đánh giá, xếp loại",
                progress.label()
            )));
        }
        let r = sqlx::query(
            "INSERT INTO round_ballots (round_unit_id, status, rules_json, rule_hash, opened_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(round_unit_id)
        .bind(CouncilBallotStatus::Open.code())
        .bind(rules_json)
        .bind(rule_hash)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict("Đơn vị đã mở phiếu bầu của năm này".into())
            }
            other => other,
        })?;
        let id: i64 = get(&r, "id")?;
        progress_tx(&mut tx, actor, round_unit_id, RoundProgress::Voting, today).await?;
        let row = ballot_by(&mut *tx, "id", id)
            .await?
            .ok_or(StoreError::NotFound("phiên bỏ phiếu"))?;
        append(
            &mut tx,
            actor,
            Change {
                action: "round.vote_open",
                entity: "round_ballot",
                entity_id: id.to_string(),
                before: None,
                after: json(&row),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn round_ballot(&self, round_unit_id: i64) -> StoreResult<Option<CouncilBallotRow>> {
        ballot_by(self.reader(), "round_unit_id", round_unit_id).await
    }

    async fn cast_round_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        member: i64,
        mode: VoteMode,
        choices: &str,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        let ballot = ballot_by(&mut *tx, "id", ballot_id)
            .await?
            .ok_or(StoreError::NotFound("phiên bỏ phiếu"))?;
        if ballot.status != CouncilBallotStatus::Open {
            return Err(StoreError::Conflict("Phiên bỏ phiếu đã kết thúc".into()));
        }
        super::council::cast_paper(
            &mut tx,
            actor,
            ("round_voters", "round_papers", "round_ballot"),
            ballot_id,
            member,
            mode,
            choices,
        )
        .await?;
        commit(tx).await
    }

    async fn round_voters(&self, ballot_id: i64) -> StoreResult<Vec<CouncilVoter>> {
        super::council::voters_of(self.reader(), "round_voters", ballot_id).await
    }

    async fn round_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>> {
        super::conference::list_papers(self.reader(), "round_papers", ballot_id).await
    }

    async fn close_round_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        result_json: &str,
        passed: &[(i64, bool)],
        counted: usize,
    ) -> StoreResult<CouncilBallotRow> {
        let mut tx = begin(self).await?;
        let before = ballot_by(&mut *tx, "id", ballot_id)
            .await?
            .ok_or(StoreError::NotFound("phiên bỏ phiếu"))?;
        if before.status != CouncilBallotStatus::Open {
            return Err(StoreError::Conflict("Phiên bỏ phiếu đã kết thúc".into()));
        }
        super::conference::reshuffle_papers(&mut tx, "round_papers", ballot_id, counted).await?;
        sqlx::query(
            "UPDATE round_ballots SET status = $1, result_json = $2, closed_at = $3 WHERE id = $4",
        )
        .bind(CouncilBallotStatus::Closed.code())
        .bind(result_json)
        .bind(now())
        .bind(ballot_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        for (candidate, ok) in passed {
            sqlx::query(
                "UPDATE round_candidates SET council_passed = $1 WHERE id = $2 AND round_unit_id = $3",
            )
            .bind(*ok)
            .bind(*candidate)
            .bind(before.dossier_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        let after = ballot_by(&mut *tx, "id", ballot_id)
            .await?
            .ok_or(StoreError::NotFound("phiên bỏ phiếu"))?;
        append(
            &mut tx,
            actor,
            Change {
                action: "round.vote_close",
                entity: "round_ballot",
                entity_id: ballot_id.to_string(),
                before: json(&before),
                after: json(&after),
            },
        )
        .await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn round_decisions(&self, round_unit_id: i64) -> StoreResult<Vec<DecisionRow>> {
        super::decisions::decisions_where(self.reader(), "round_unit_id = $1", round_unit_id).await
    }

    async fn send_round_up(
        &self,
        actor: &Actor,
        round_unit_id: i64,
        dossiers: Vec<RoundDossier>,
        today: Date,
    ) -> StoreResult<Vec<DossierRow>> {
        let mut tx = begin(self).await?;
        let progress = progress_of(&mut tx, round_unit_id).await?;
        if !matches!(progress, RoundProgress::Voting | RoundProgress::Decided) {
            return Err(StoreError::Conflict(format!(
                "Đơn vị đang ở bước «{}»: gửi cấp trên sau khi Hội đồng đã bỏ phiếu",
                progress.label()
            )));
        }
        let mut out = Vec::new();
        for d in dossiers {
            let row = super::dossiers::create_dossier_tx(&mut tx, actor, &d.dossier).await?;
            for c in &d.candidate_ids {
                let done = sqlx::query(
                    "UPDATE round_candidates SET dossier_id = $1 WHERE id = $2 AND round_unit_id = $3 AND dossier_id IS NULL",
                )
                .bind(row.id)
                .bind(*c)
                .bind(round_unit_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::Conflict(
                        "Có người, tập thể đã được gửi cấp trên trong một hồ sơ khác".into(),
                    ));
                }
            }
            for doc in d.documents {
                super::documents::add_document_tx(&mut tx, actor, row.id, doc).await?;
            }
            out.push(super::dossiers::dossier_ex(&mut tx, row.id).await?);
        }
        progress_tx(&mut tx, actor, round_unit_id, RoundProgress::SentUp, today).await?;
        commit(tx).await?;
        Ok(out)
    }

    async fn unit_titles(&self, unit_id: i64) -> StoreResult<Vec<TitleRow>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT year, code, decision FROM unit_titles WHERE unit_id = $1 ORDER BY year, code",
        )
        .bind(unit_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(TitleRow {
                    year: get(r, "year")?,
                    code: get(r, "code")?,
                    decision: get(r, "decision")?,
                })
            })
            .collect()
    }

    async fn put_unit_titles(
        &self,
        actor: &Actor,
        unit_id: i64,
        titles: &[TitleRow],
    ) -> StoreResult<Vec<TitleRow>> {
        let mut tx = begin(self).await?;
        for t in titles {
            sqlx::query(
                "INSERT INTO unit_titles (unit_id, year, code, decision) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (unit_id, year, code) DO UPDATE SET decision = excluded.decision",
            )
            .bind(unit_id)
            .bind(t.year)
            .bind(&t.code)
            .bind(&t.decision)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        append(
            &mut tx,
            actor,
            Change {
                action: "unit.titles",
                entity: "unit",
                entity_id: unit_id.to_string(),
                before: None,
                after: json(&titles),
            },
        )
        .await?;
        commit(tx).await?;
        self.unit_titles(unit_id).await
    }
}
