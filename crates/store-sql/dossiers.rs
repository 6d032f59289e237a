//! Nomination dossiers: workflow with optimistic concurrency, nominees, appraisal, duplicates and
//! the timeline, and the helpers (head, nominees, version bump, move, event) that documents,
//! comments, the council and decisions share. Slightly over 600 lines: the shared helpers and
//! the trait impl that uses them most belong together.

use async_trait::async_trait;
use sqlx::FromRow;
use sqlx::QueryBuilder;
use tdkt_domain::dossier::{
    AppraisalResult, DuplicateReason, DuplicateSource, EventKind, State, Step,
};
use tdkt_store::*;

use super::audit::{Change, append, json};
use super::conference::paper_key;
use super::{Backend, Db, DbRow, Dialect, Tx, begin, commit, db_err, get, now};

pub(super) fn state_of(r: &DbRow, col: &str) -> StoreResult<State> {
    super::code(r, col)
}

const DOSSIER_COLUMNS: &str = "d.id, d.code, d.title, d.unit_id, u.name AS unit_name, d.authority_id, a.name AS authority_name, d.kind, d.year, d.movement_id, m.name AS movement_name, d.cluster_proposal_id, d.state, d.state_since, d.due_on, d.consultation_until, d.version, d.created_at";

pub(super) async fn nominees_ex<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    dossier_id: i64,
) -> StoreResult<Vec<NomineeRow>> {
    let rows = sqlx::query(
        "SELECT n.id, n.person_id, n.unit_id, n.award_code, n.summary, n.summary_key, n.verdict, n.verdict_json,
                n.result, n.override_reason, n.council_passed,
                COALESCE(p.full_name, cu.name) AS name, COALESCE(pu.name, cp.name, '') AS detail
         FROM dossier_nominees n
         LEFT JOIN people p ON p.id = n.person_id LEFT JOIN units pu ON pu.id = p.unit_id
         LEFT JOIN units cu ON cu.id = n.unit_id LEFT JOIN units cp ON cp.id = cu.parent_id
         WHERE n.dossier_id = $1 AND n.removed = $2 ORDER BY n.position, n.id",
    )
    .bind(dossier_id)
    .bind(false)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(NomineeRow {
                id: get(r, "id")?,
                person_id: get(r, "person_id")?,
                unit_id: get(r, "unit_id")?,
                name: get(r, "name")?,
                detail: get(r, "detail")?,
                award_code: get(r, "award_code")?,
                summary: get(r, "summary")?,
                summary_key: get(r, "summary_key")?,
                verdict: super::code_opt(r, "verdict")?,
                verdict_json: get(r, "verdict_json")?,
                result: super::code_opt(r, "result")?,
                override_reason: get(r, "override_reason")?,
                council_passed: get(r, "council_passed")?,
            })
        })
        .collect()
}

/// A dossier without its nominees.
pub(super) async fn head_ex<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    id: i64,
) -> StoreResult<DossierRow> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOSSIER_COLUMNS} FROM dossiers d JOIN units u ON u.id = d.unit_id JOIN units a ON a.id = d.authority_id LEFT JOIN movements m ON m.id = d.movement_id WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(ex)
    .await
    .map_err(db_err)?
    .ok_or(StoreError::NotFound("hồ sơ"))?;
    dossier_from(&r)
}

pub(super) async fn dossier_ex(tx: &mut Tx, id: i64) -> StoreResult<DossierRow> {
    let mut d = head_ex(&mut **tx, id).await?;
    d.nominees = nominees_ex(&mut **tx, id).await?;
    Ok(d)
}

pub(super) fn dossier_from(r: &DbRow) -> StoreResult<DossierRow> {
    DossierRow::from_row(r).map_err(db_err)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn event(
    tx: &mut Tx,
    actor: &Actor,
    dossier_id: i64,
    kind: EventKind,
    step: Option<Step>,
    from: Option<State>,
    to: Option<State>,
    note: Option<&str>,
    version: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO dossier_events (dossier_id, at, actor, kind, step, from_state, to_state, note, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(dossier_id)
    .bind(now())
    .bind(&actor.label)
    .bind(kind.code())
    .bind(step.map(|s| s.code()))
    .bind(from.map(|s| s.code()))
    .bind(to.map(|s| s.code()))
    .bind(note)
    .bind(version)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(super) async fn insert_nominees(
    tx: &mut Tx,
    dossier_id: i64,
    list: &[NewNominee],
) -> StoreResult<()> {
    for (i, n) in list.iter().enumerate() {
        sqlx::query(
            "INSERT INTO dossier_nominees (dossier_id, position, person_id, unit_id, award_code, summary, summary_key, verdict, verdict_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(dossier_id)
        .bind(i as i32)
        .bind(n.person_id)
        .bind(n.unit_id)
        .bind(&n.award_code)
        .bind(&n.summary)
        .bind(&n.summary_key)
        .bind(n.verdict.map(|v| v.code()))
        .bind(&n.verdict_json)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

pub(super) fn audit<'a>(
    action: &'a str,
    id: i64,
    before: Option<&DossierRow>,
    after: &DossierRow,
) -> Change<'a> {
    Change {
        action,
        entity: "dossier",
        entity_id: id.to_string(),
        before: before.and_then(json),
        after: json(after),
    }
}

/// Bumps the version if it is still `expected` (and the state still `from`, when given).
pub(super) async fn bump(
    tx: &mut Tx,
    id: i64,
    expected: i64,
    from: Option<State>,
) -> StoreResult<DossierRow> {
    let current = dossier_ex(tx, id).await?;
    if current.version != expected || from.is_some_and(|f| f != current.state) {
        return Err(StoreError::Conflict(format!(
            "Hồ sơ {} vừa được người khác cập nhật (nay ở trạng thái «{}»); hãy tải lại trang để xem thay đổi",
            current.code,
            current.state.label()
        )));
    }
    let n = sqlx::query(
        "UPDATE dossiers SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
    )
    .bind(now())
    .bind(id)
    .bind(expected)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    if n != 1 {
        return Err(StoreError::Conflict(format!(
            "Hồ sơ {} vừa được người khác cập nhật; hãy tải lại trang",
            current.code
        )));
    }
    Ok(current)
}

#[async_trait]
impl DossierStore for Backend {
    async fn create_dossier(&self, actor: &Actor, new: NewDossier) -> StoreResult<DossierRow> {
        let mut tx = begin(self).await?;
        let after = create_dossier_tx(&mut tx, actor, &new).await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn dossier(&self, id: i64) -> StoreResult<DossierRow> {
        let pool = self.reader();
        let mut d = head_ex(pool, id).await?;
        d.nominees = nominees_ex(pool, id).await?;
        Ok(d)
    }

    async fn list_dossiers(&self, filter: &DossierFilter) -> StoreResult<Vec<DossierSummary>> {
        let pool = self.reader();
        let mut q = QueryBuilder::<Db>::new(
            "SELECT d.id, d.code, d.title, d.unit_id, u.name AS unit_name, d.authority_id, d.kind, d.year, d.state,
                    d.state_since, d.due_on, d.consultation_until, d.version,
                    (SELECT COUNT(*) FROM dossier_nominees n WHERE n.dossier_id = d.id AND n.removed = ",
        );
        q.push_bind(false);
        q.push(") AS nominees FROM dossiers d JOIN units u ON u.id = d.unit_id JOIN units a ON a.id = d.authority_id WHERE 1 = 1");
        let roots = |q: &mut QueryBuilder<Db>, alias: &str, ids: &Option<Vec<i64>>| {
            if let Some(ids) = ids {
                if ids.is_empty() {
                    q.push(" AND 1 = 0");
                } else {
                    q.push(" AND EXISTS (SELECT 1 FROM units r WHERE r.id IN (");
                    let mut sep = q.separated(", ");
                    for id in ids {
                        sep.push_bind(*id);
                    }
                    q.push(format!(") AND {alias}.tree_path LIKE r.tree_path || '%')"));
                }
            }
        };
        roots(&mut q, "u", &filter.unit_roots);
        roots(&mut q, "a", &filter.authority_roots);
        if let Some(states) = &filter.states {
            super::push_codes_in(&mut q, "d.state", states);
        }
        if let Some(d) = filter.due_before {
            q.push(" AND d.due_on < ").push_bind(d);
        }
        if let Some(d) = filter.consultation_on {
            q.push(" AND d.state = ")
                .push_bind(State::Consultation.code())
                .push(" AND d.consultation_until >= ")
                .push_bind(d);
        }
        if let Some(ids) = &filter.ids {
            q.push(" AND d.id IN (");
            let mut sep = q.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            q.push(")");
            if ids.is_empty() {
                q.push(" AND 1 = 0");
            }
        }
        q.push(" ORDER BY d.due_on IS NULL, d.due_on, d.id DESC LIMIT ")
            .push_bind(filter.limit.clamp(1, 1000));
        let rows = q.build().fetch_all(pool).await.map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(DossierSummary {
                    id: get(r, "id")?,
                    code: get(r, "code")?,
                    title: get(r, "title")?,
                    unit_id: get(r, "unit_id")?,
                    unit_name: get(r, "unit_name")?,
                    authority_id: get(r, "authority_id")?,
                    kind: super::code(r, "kind")?,
                    year: get(r, "year")?,
                    state: state_of(r, "state")?,
                    state_since: get(r, "state_since")?,
                    due_on: get(r, "due_on")?,
                    consultation_until: get(r, "consultation_until")?,
                    nominees: get(r, "nominees")?,
                    version: get(r, "version")?,
                })
            })
            .collect()
    }

    async fn replace_nominees(
        &self,
        actor: &Actor,
        id: i64,
        expected: i64,
        list: &[NewNominee],
    ) -> StoreResult<DossierRow> {
        let mut tx = begin(self).await?;
        let before = bump(&mut tx, id, expected, None).await?;
        sqlx::query("UPDATE dossier_nominees SET removed = $1 WHERE dossier_id = $2")
            .bind(true)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        insert_nominees(&mut tx, id, list).await?;
        event(
            &mut tx,
            actor,
            id,
            EventKind::Edited,
            None,
            None,
            None,
            Some(&format!(
                "Cập nhật danh sách đề nghị ({} người, tập thể)",
                list.len()
            )),
            expected + 1,
        )
        .await?;
        let after = dossier_ex(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            audit("dossier.nominees", id, Some(&before), &after),
        )
        .await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn move_dossier(
        &self,
        actor: &Actor,
        id: i64,
        mv: DossierMove,
    ) -> StoreResult<DossierRow> {
        let mut tx = begin(self).await?;
        let after = move_tx(&mut tx, actor, id, &mv).await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn dossier_events(&self, dossier_id: i64) -> StoreResult<Vec<EventRow>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT at, actor, kind, step, from_state, to_state, note, version FROM dossier_events WHERE dossier_id = $1 ORDER BY id",
        )
        .bind(dossier_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(EventRow {
                    at: get(r, "at")?,
                    actor: get(r, "actor")?,
                    kind: super::code(r, "kind")?,
                    step: super::code_opt(r, "step")?,
                    from_state: super::code_opt(r, "from_state")?,
                    to_state: super::code_opt(r, "to_state")?,
                    note: get(r, "note")?,
                    version: get(r, "version")?,
                })
            })
            .collect()
    }

    async fn appraise(
        &self,
        actor: &Actor,
        dossier_id: i64,
        a: &Appraisal,
    ) -> StoreResult<DossierRow> {
        let mut tx = begin(self).await?;
        let before = bump(&mut tx, dossier_id, a.expected_version, None).await?;
        if before.state != State::UnderAppraisal {
            return Err(StoreError::Conflict(format!(
                "Hồ sơ đang ở trạng thái «{}»: chỉ ghi kết quả thẩm định khi đang thẩm định",
                before.state.label()
            )));
        }
        let n = sqlx::query(
            "UPDATE dossier_nominees SET verdict = $1, verdict_json = $2, result = $3, override_reason = $4,
                 appraised_by = $5, appraised_at = $6 WHERE id = $7 AND dossier_id = $8 AND removed = $9",
        )
        .bind(a.verdict.code())
        .bind(&a.verdict_json)
        .bind(a.result.code())
        .bind(&a.override_reason)
        .bind(a.by)
        .bind(now())
        .bind(a.nominee_id)
        .bind(dossier_id)
        .bind(false)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound("người được đề nghị trong hồ sơ"));
        }
        let who = before
            .nominees
            .iter()
            .find(|x| x.id == a.nominee_id)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        let note = format!(
            "{who}: {}{}",
            if a.result == AppraisalResult::Passed {
                "đạt"
            } else {
                "không đạt"
            },
            a.override_reason
                .as_ref()
                .map(|r| format!(" (khác kết quả kiểm tra tự động: {r})"))
                .unwrap_or_default()
        );
        event(
            &mut tx,
            actor,
            dossier_id,
            EventKind::Appraisal,
            None,
            None,
            None,
            Some(&note),
            before.version + 1,
        )
        .await?;
        let after = dossier_ex(&mut tx, dossier_id).await?;
        append(
            &mut tx,
            actor,
            audit("dossier.appraise", dossier_id, Some(&before), &after),
        )
        .await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn nominee_duplicates(&self, dossier_id: i64) -> StoreResult<Vec<DuplicateRow>> {
        let pool = self.reader();
        let year = head_ex(pool, dossier_id).await?.year;
        let live = [
            State::Withdrawn.code(),
            State::Rejected.code(),
            State::Revoked.code(),
        ];
        // Same person or collective, same award, same year, in another live dossier.
        let rows = sqlx::query(
            "SELECT n.id AS nominee_id, o.code AS dossier_code, m.award_code, 'cung_khen_thuong' AS reason
             FROM dossier_nominees n JOIN dossiers d ON d.id = n.dossier_id
             JOIN dossier_nominees m ON m.award_code = n.award_code AND m.removed = $2 AND m.dossier_id <> n.dossier_id
                  AND ((n.person_id IS NOT NULL AND m.person_id = n.person_id) OR (n.unit_id IS NOT NULL AND m.unit_id = n.unit_id))
             JOIN dossiers o ON o.id = m.dossier_id AND o.year = d.year AND o.state NOT IN ($3, $4, $5)
             WHERE n.dossier_id = $1 AND n.removed = $2
             UNION ALL
             SELECT n.id AS nominee_id, o.code AS dossier_code, m.award_code, 'cung_thanh_tich' AS reason
             FROM dossier_nominees n
             JOIN dossier_nominees m ON m.summary_key = n.summary_key AND m.removed = $2 AND m.id <> n.id
                  AND ((n.person_id IS NOT NULL AND m.person_id = n.person_id) OR (n.unit_id IS NOT NULL AND m.unit_id = n.unit_id))
             JOIN dossiers o ON o.id = m.dossier_id AND o.state NOT IN ($3, $4, $5)
             WHERE n.dossier_id = $1 AND n.removed = $2 AND n.summary_key <> '' AND m.dossier_id <> n.dossier_id
             ORDER BY 1, 2",
        )
        .bind(dossier_id)
        .bind(false)
        .bind(live[0])
        .bind(live[1])
        .bind(live[2])
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        let mut out = Vec::new();
        for r in &rows {
            out.push(DuplicateRow {
                nominee_id: get(r, "nominee_id")?,
                source: DuplicateSource::Dossier,
                dossier_code: get(r, "dossier_code")?,
                award_code: get(r, "award_code")?,
                reason: super::code(r, "reason")?,
            });
        }
        // Already in the register for that year (and not revoked), from another dossier or by hand.
        let rows = sqlx::query(
            "SELECT n.id AS nominee_id, r.code AS award_code, r.nominee_id AS from_nominee
             FROM dossier_nominees n JOIN dossiers d ON d.id = n.dossier_id
             JOIN award_records r ON r.code = n.award_code AND r.revoked_on IS NULL
                  AND ((n.person_id IS NOT NULL AND r.person_id = n.person_id) OR (n.unit_id IS NOT NULL AND r.unit_id = n.unit_id))
             LEFT JOIN dossier_nominees rn ON rn.id = r.nominee_id LEFT JOIN dossiers rd ON rd.id = rn.dossier_id
             WHERE n.dossier_id = $1 AND n.removed = $2 AND (r.nominee_id IS NULL OR r.nominee_id <> n.id)
               -- Awarded through a dossier: that dossier's year; entered by hand: decided that year
               -- or the next (titles of a year are granted early the next).
               AND ((rd.id IS NOT NULL AND rd.year = d.year)
                    OR (rd.id IS NULL AND r.award_date >= $3 AND r.award_date <= $4))",
        )
        .bind(dossier_id)
        .bind(false)
        .bind(tdkt_domain::dates::ymd(year, 1, 1))
        .bind(tdkt_domain::dates::ymd(year + 1, 12, 31))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        for r in &rows {
            out.push(DuplicateRow {
                nominee_id: get(r, "nominee_id")?,
                source: DuplicateSource::Register,
                dossier_code: None,
                award_code: get(r, "award_code")?,
                reason: DuplicateReason::SameAward,
            });
        }
        Ok(out)
    }
}

pub(super) async fn move_tx(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    mv: &DossierMove,
) -> StoreResult<DossierRow> {
    let before = bump(tx, id, mv.expected_version, Some(mv.from)).await?;
    sqlx::query(
        "UPDATE dossiers SET state = $1, state_since = $2, due_on = $3,
             consultation_until = COALESCE($4, consultation_until) WHERE id = $5",
    )
    .bind(mv.to.code())
    .bind(mv.today)
    .bind(mv.due_on)
    .bind(mv.consultation_until)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    if mv.revoke_awards {
        // Titles the decision wrote into people's history stop counting with it; the award
        // records stay, marked revoked.
        sqlx::query(
            "DELETE FROM person_titles WHERE year = $2 AND EXISTS (
                 SELECT 1 FROM award_records r
                 WHERE r.dossier_id = $1 AND r.decision_id IS NOT NULL AND r.revoked_on IS NULL AND r.person_id = person_titles.person_id
                   AND r.code = person_titles.code AND r.decision = person_titles.decision)",
        )
        .bind(id)
        .bind(before.year)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "DELETE FROM unit_titles WHERE year = $2 AND EXISTS (
                 SELECT 1 FROM award_records r
                 WHERE r.dossier_id = $1 AND r.decision_id IS NOT NULL AND r.revoked_on IS NULL AND r.unit_id = unit_titles.unit_id
                   AND r.code = unit_titles.code AND r.decision = unit_titles.decision)",
        )
        .bind(id)
        .bind(before.year)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
        // Only this dossier's records: a decision may cover many dossiers.
        sqlx::query(
            "UPDATE award_records SET revoked_on = $1, revoked_reason = $2
             WHERE dossier_id = $3 AND decision_id IS NOT NULL AND revoked_on IS NULL",
        )
        .bind(mv.today)
        .bind(&mv.reason)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    event(
        tx,
        actor,
        id,
        EventKind::Moved,
        Some(mv.step),
        Some(mv.from),
        Some(mv.to),
        mv.reason.as_deref(),
        mv.expected_version + 1,
    )
    .await?;
    let after = dossier_ex(tx, id).await?;
    append(tx, actor, audit("dossier.step", id, Some(&before), &after)).await?;
    Ok(after)
}

// ---- appraisal and duplicates

/// A new draft dossier with its nominees, event and audit entry.
pub(super) async fn create_dossier_tx(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewDossier,
) -> StoreResult<DossierRow> {
    let at = now();
    let r = sqlx::query(
        "INSERT INTO dossiers (code, title, unit_id, authority_id, kind, year, movement_id, cluster_proposal_id, state, state_since, version, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $12) RETURNING id",
    )
    .bind(format!("tam-{}", paper_key()))
    .bind(&new.title)
    .bind(new.unit_id)
    .bind(new.authority_id)
    .bind(new.kind.code())
    .bind(new.year)
    .bind(new.movement_id)
    .bind(new.cluster_proposal_id)
    .bind(State::Draft.code())
    .bind(new.today)
    .bind(new.created_by)
    .bind(at)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)?;
    let id: i64 = get(&r, "id")?;
    sqlx::query("UPDATE dossiers SET code = $1 WHERE id = $2")
        .bind(format!("HS-{}-{id:05}", new.year))
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    insert_nominees(tx, id, &new.nominees).await?;
    event(
        tx,
        actor,
        id,
        EventKind::Created,
        None,
        None,
        Some(State::Draft),
        None,
        1,
    )
    .await?;
    let after = dossier_ex(tx, id).await?;
    append(tx, actor, audit("dossier.create", id, None, &after)).await?;
    Ok(after)
}
