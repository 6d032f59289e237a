//! Nomination dossiers: workflow with optimistic concurrency, nominees and appraisal, documents
//! stored once by hash with every version kept, timeline, public comments, the council's secret
//! vote, decisions with their number sequence, and the register of awards.

use sqlx::{Pool, QueryBuilder};
use tdkt_domain::dossier::{CommendationType, State};
use tdkt_store::*;

use super::audit::{Change, append, json};
use super::conference::paper_key;
use super::{Backend, Db, DbRow, Tx, begin, commit, db_err, get, now};

fn state_of(r: &DbRow, col: &str) -> StoreResult<State> {
    super::code(r, col, State::parse)
}

const DOSSIER_COLUMNS: &str = "d.id, d.code, d.title, d.unit_id, u.name AS unit_name, d.authority_id, a.name AS authority_name, d.kind, d.year, d.movement, d.cluster_proposal_id, d.state, d.state_since, d.due_on, d.consultation_until, d.version, d.created_at";

async fn nominees_ex<'e, E: sqlx::Executor<'e, Database = Db>>(
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
                verdict: get(r, "verdict")?,
                verdict_json: get(r, "verdict_json")?,
                result: get(r, "result")?,
                override_reason: get(r, "override_reason")?,
                council_passed: get(r, "council_passed")?,
            })
        })
        .collect()
}

/// A dossier without its nominees.
async fn head_ex<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    id: i64,
) -> StoreResult<DossierRow> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOSSIER_COLUMNS} FROM dossiers d JOIN units u ON u.id = d.unit_id JOIN units a ON a.id = d.authority_id WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(ex)
    .await
    .map_err(db_err)?
    .ok_or(StoreError::NotFound("hồ sơ"))?;
    dossier_from(&r)
}

async fn dossier_ex(tx: &mut Tx, id: i64) -> StoreResult<DossierRow> {
    let mut d = head_ex(&mut **tx, id).await?;
    d.nominees = nominees_ex(&mut **tx, id).await?;
    Ok(d)
}

fn dossier_from(r: &DbRow) -> StoreResult<DossierRow> {
    Ok(DossierRow {
        id: get(r, "id")?,
        code: get(r, "code")?,
        title: get(r, "title")?,
        unit_id: get(r, "unit_id")?,
        unit_name: get(r, "unit_name")?,
        authority_id: get(r, "authority_id")?,
        authority_name: get(r, "authority_name")?,
        kind: super::code(r, "kind", CommendationType::parse)?,
        year: get(r, "year")?,
        movement: get(r, "movement")?,
        cluster_proposal_id: get(r, "cluster_proposal_id")?,
        state: state_of(r, "state")?,
        state_since: get(r, "state_since")?,
        due_on: get(r, "due_on")?,
        consultation_until: get(r, "consultation_until")?,
        version: get(r, "version")?,
        created_at: get(r, "created_at")?,
        nominees: vec![],
    })
}

pub(crate) async fn by_id(pool: &Pool<Db>, id: i64) -> StoreResult<DossierRow> {
    let mut d = head_ex(pool, id).await?;
    d.nominees = nominees_ex(pool, id).await?;
    Ok(d)
}

#[allow(clippy::too_many_arguments)]
async fn event(
    tx: &mut Tx,
    actor: &Actor,
    dossier_id: i64,
    kind: &str,
    step: Option<&str>,
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
    .bind(kind)
    .bind(step)
    .bind(from.map(|s| s.code()))
    .bind(to.map(|s| s.code()))
    .bind(note)
    .bind(version)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn insert_nominees(tx: &mut Tx, dossier_id: i64, list: &[NewNominee]) -> StoreResult<()> {
    for (i, n) in list.iter().enumerate() {
        sqlx::query(
            "INSERT INTO dossier_nominees (dossier_id, position, person_id, unit_id, award_code, summary, summary_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(dossier_id)
        .bind(i as i32)
        .bind(n.person_id)
        .bind(n.unit_id)
        .bind(&n.award_code)
        .bind(&n.summary)
        .bind(&n.summary_key)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

fn audit<'a>(
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

pub(crate) async fn create(b: &Backend, actor: &Actor, n: NewDossier) -> StoreResult<DossierRow> {
    let mut tx = begin(b).await?;
    let at = now();
    let r = sqlx::query(
        "INSERT INTO dossiers (code, title, unit_id, authority_id, kind, year, movement, cluster_proposal_id, state, state_since, version, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $12) RETURNING id",
    )
    .bind(format!("tam-{}", paper_key()))
    .bind(&n.title)
    .bind(n.unit_id)
    .bind(n.authority_id)
    .bind(n.kind.code())
    .bind(n.year)
    .bind(&n.movement)
    .bind(n.cluster_proposal_id)
    .bind(State::Draft.code())
    .bind(n.today)
    .bind(n.created_by)
    .bind(at)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let id: i64 = get(&r, "id")?;
    sqlx::query("UPDATE dossiers SET code = $1 WHERE id = $2")
        .bind(format!("HS-{}-{id:05}", n.year))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    insert_nominees(&mut tx, id, &n.nominees).await?;
    event(
        &mut tx,
        actor,
        id,
        "tao",
        None,
        None,
        Some(State::Draft),
        None,
        1,
    )
    .await?;
    let after = dossier_ex(&mut tx, id).await?;
    append(&mut tx, actor, audit("dossier.create", id, None, &after)).await?;
    commit(tx).await?;
    Ok(after)
}

/// Bumps the version if it is still `expected` (and the state still `from`, when given).
async fn bump(tx: &mut Tx, id: i64, expected: i64, from: Option<State>) -> StoreResult<DossierRow> {
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

pub(crate) async fn replace_nominees(
    b: &Backend,
    actor: &Actor,
    id: i64,
    expected: i64,
    list: &[NewNominee],
) -> StoreResult<DossierRow> {
    let mut tx = begin(b).await?;
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
        "ho_so",
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

async fn move_tx(tx: &mut Tx, actor: &Actor, id: i64, mv: &DossierMove) -> StoreResult<DossierRow> {
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
                 SELECT 1 FROM award_records r JOIN decisions dd ON dd.id = r.decision_id
                 WHERE dd.dossier_id = $1 AND r.revoked_on IS NULL AND r.person_id = person_titles.person_id
                   AND r.code = person_titles.code AND r.decision = person_titles.decision)",
        )
        .bind(id)
        .bind(before.year)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "UPDATE award_records SET revoked_on = $1, revoked_reason = $2
             WHERE decision_id IN (SELECT id FROM decisions WHERE dossier_id = $3) AND revoked_on IS NULL",
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
        "chuyen_buoc",
        Some(mv.step.code()),
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

pub(crate) async fn move_dossier(
    b: &Backend,
    actor: &Actor,
    id: i64,
    mv: DossierMove,
) -> StoreResult<DossierRow> {
    let mut tx = begin(b).await?;
    let after = move_tx(&mut tx, actor, id, &mv).await?;
    commit(tx).await?;
    Ok(after)
}

pub(crate) async fn list(pool: &Pool<Db>, f: &DossierFilter) -> StoreResult<Vec<DossierSummary>> {
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
    roots(&mut q, "u", &f.unit_roots);
    roots(&mut q, "a", &f.authority_roots);
    if let Some(states) = &f.states {
        q.push(" AND d.state IN (");
        let mut sep = q.separated(", ");
        for s in states {
            sep.push_bind(s.code());
        }
        q.push(")");
        if states.is_empty() {
            q.push(" AND 1 = 0");
        }
    }
    if let Some(d) = f.due_before {
        q.push(" AND d.due_on < ").push_bind(d);
    }
    if let Some(d) = f.consultation_on {
        q.push(" AND d.state = ")
            .push_bind(State::Consultation.code())
            .push(" AND d.consultation_until >= ")
            .push_bind(d);
    }
    if let Some(ids) = &f.ids {
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
        .push_bind(f.limit.clamp(1, 1000));
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
                kind: super::code(r, "kind", CommendationType::parse)?,
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

// ---- documents

async fn document_tx<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    dossier_id: i64,
    only: Option<i64>,
) -> StoreResult<Vec<DocumentRow>> {
    let rows = sqlx::query(
        "SELECT d.id, d.slot, d.title, v.version, v.sha256, v.filename, v.state, v.uploaded_at, b.mime, b.size
         FROM dossier_documents d JOIN dossier_document_versions v ON v.document_id = d.id JOIN blobs b ON b.sha256 = v.sha256
         WHERE d.dossier_id = $1 AND ($2 IS NULL OR d.id = $2) ORDER BY d.id, v.version",
    )
    .bind(dossier_id)
    .bind(only)
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    let mut out: Vec<DocumentRow> = Vec::new();
    for r in &rows {
        let id: i64 = get(r, "id")?;
        if out.last().is_none_or(|d| d.id != id) {
            out.push(DocumentRow {
                id,
                slot: get(r, "slot")?,
                title: get(r, "title")?,
                versions: vec![],
            });
        }
        out.last_mut()
            .expect("pushed")
            .versions
            .push(DocumentVersionRow {
                version: get(r, "version")?,
                sha256: get(r, "sha256")?,
                filename: get(r, "filename")?,
                mime: get(r, "mime")?,
                size: get(r, "size")?,
                state: state_of(r, "state")?,
                uploaded_at: get(r, "uploaded_at")?,
            });
    }
    Ok(out)
}

pub(crate) async fn add_document(
    b: &Backend,
    actor: &Actor,
    dossier_id: i64,
    doc: NewDocument,
) -> StoreResult<DocumentRow> {
    let mut tx = begin(b).await?;
    let d = dossier_ex(&mut tx, dossier_id).await?;
    let at = now();
    sqlx::query(
        "INSERT INTO blobs (sha256, size, mime, data, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&doc.sha256)
    .bind(doc.bytes.len() as i64)
    .bind(&doc.mime)
    .bind(&doc.bytes)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    let document_id = match doc.document_id {
        Some(id) => {
            let found =
                sqlx::query("SELECT id FROM dossier_documents WHERE id = $1 AND dossier_id = $2")
                    .bind(id)
                    .bind(dossier_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
            if found.is_none() {
                return Err(StoreError::NotFound("tài liệu của hồ sơ"));
            }
            id
        }
        None => {
            let r = sqlx::query(
                "INSERT INTO dossier_documents (dossier_id, slot, title, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(dossier_id)
            .bind(&doc.slot)
            .bind(&doc.title)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            get(&r, "id")?
        }
    };
    let r = sqlx::query(
        "SELECT COALESCE(MAX(version), 0) AS v FROM dossier_document_versions WHERE document_id = $1",
    )
    .bind(document_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let version: i32 = get::<i32>(&r, "v")? + 1;
    sqlx::query(
        "INSERT INTO dossier_document_versions (document_id, version, sha256, filename, state, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(document_id)
    .bind(version)
    .bind(&doc.sha256)
    .bind(&doc.filename)
    .bind(d.state.code())
    .bind(doc.uploaded_by)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    event(
        &mut tx,
        actor,
        dossier_id,
        "tai_lieu",
        None,
        None,
        None,
        Some(&format!("{} — {} (bản {version})", doc.title, doc.filename)),
        d.version,
    )
    .await?;
    let row = document_tx(&mut *tx, dossier_id, Some(document_id))
        .await?
        .pop()
        .ok_or(StoreError::NotFound("tài liệu"))?;
    append(
        &mut tx,
        actor,
        Change {
            action: "dossier.document",
            entity: "dossier",
            entity_id: dossier_id.to_string(),
            before: None,
            after: json(&row),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(row)
}

pub(crate) async fn documents(pool: &Pool<Db>, dossier_id: i64) -> StoreResult<Vec<DocumentRow>> {
    document_tx(pool, dossier_id, None).await
}

pub(crate) async fn blob(pool: &Pool<Db>, sha256: &str) -> StoreResult<(String, Vec<u8>)> {
    let r = sqlx::query("SELECT mime, data FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("tệp"))?;
    Ok((get(&r, "mime")?, get(&r, "data")?))
}

pub(crate) async fn events(pool: &Pool<Db>, dossier_id: i64) -> StoreResult<Vec<EventRow>> {
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
                kind: get(r, "kind")?,
                step: get(r, "step")?,
                from_state: get(r, "from_state")?,
                to_state: get(r, "to_state")?,
                note: get(r, "note")?,
                version: get(r, "version")?,
            })
        })
        .collect()
}

// ---- appraisal and duplicates

pub(crate) async fn appraise(
    b: &Backend,
    actor: &Actor,
    dossier_id: i64,
    a: &Appraisal,
) -> StoreResult<DossierRow> {
    let mut tx = begin(b).await?;
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
    .bind(&a.verdict)
    .bind(&a.verdict_json)
    .bind(&a.result)
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
        if a.result == "dat" {
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
        "tham_dinh",
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

pub(crate) async fn duplicates(pool: &Pool<Db>, dossier_id: i64) -> StoreResult<Vec<DuplicateRow>> {
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
            source: "ho_so".into(),
            dossier_code: get(r, "dossier_code")?,
            award_code: get(r, "award_code")?,
            reason: get(r, "reason")?,
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
            source: "so_khen_thuong".into(),
            dossier_code: None,
            award_code: get(r, "award_code")?,
            reason: "cung_khen_thuong".into(),
        });
    }
    Ok(out)
}

// ---- public comments

const COMMENT_COLUMNS: &str = "id, dossier_id, author, contact, body, at, status";

fn comment_from(r: &DbRow) -> StoreResult<CommentRow> {
    Ok(CommentRow {
        id: get(r, "id")?,
        dossier_id: get(r, "dossier_id")?,
        author: get(r, "author")?,
        contact: get(r, "contact")?,
        body: get(r, "body")?,
        at: get(r, "at")?,
        status: get(r, "status")?,
    })
}

pub(crate) async fn add_comment(
    b: &Backend,
    actor: &Actor,
    dossier_id: i64,
    c: NewComment,
) -> StoreResult<CommentRow> {
    let mut tx = begin(b).await?;
    let d = dossier_ex(&mut tx, dossier_id).await?;
    if d.state != State::Consultation {
        return Err(StoreError::Conflict(
            "Hồ sơ không còn trong thời gian lấy ý kiến".into(),
        ));
    }
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO dossier_comments (dossier_id, author, contact, body, at, status) VALUES ($1, $2, $3, $4, $5, 'cho_duyet') RETURNING {COMMENT_COLUMNS}"
    )))
    .bind(dossier_id)
    .bind(&c.author)
    .bind(&c.contact)
    .bind(&c.body)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let row = comment_from(&r)?;
    event(
        &mut tx,
        actor,
        dossier_id,
        "y_kien",
        None,
        None,
        None,
        Some("Có ý kiến công khai mới, chờ duyệt"),
        d.version,
    )
    .await?;
    append(
        &mut tx,
        actor,
        Change {
            action: "dossier.comment",
            entity: "dossier_comment",
            entity_id: row.id.to_string(),
            before: None,
            after: json(&row),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(row)
}

pub(crate) async fn moderate_comment(
    b: &Backend,
    actor: &Actor,
    id: i64,
    status: &str,
) -> StoreResult<CommentRow> {
    let mut tx = begin(b).await?;
    let q = format!("SELECT {COMMENT_COLUMNS} FROM dossier_comments WHERE id = $1");
    let before = comment_from(
        &sqlx::query(sqlx::AssertSqlSafe(q.clone()))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("ý kiến"))?,
    )?;
    sqlx::query("UPDATE dossier_comments SET status = $1, moderated_by = $2, moderated_at = $3 WHERE id = $4")
        .bind(status)
        .bind(actor.user_id)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let after = comment_from(
        &sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?,
    )?;
    let d = dossier_ex(&mut tx, before.dossier_id).await?;
    event(
        &mut tx,
        actor,
        before.dossier_id,
        "y_kien",
        None,
        None,
        None,
        Some(&format!(
            "Ý kiến của {}: {}",
            before.author,
            if status == "da_duyet" {
                "đã duyệt, đưa vào hồ sơ"
            } else {
                "không đăng"
            }
        )),
        d.version,
    )
    .await?;
    append(
        &mut tx,
        actor,
        Change {
            action: "dossier.comment_moderate",
            entity: "dossier_comment",
            entity_id: id.to_string(),
            before: json(&before),
            after: json(&after),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(after)
}

pub(crate) async fn comments(pool: &Pool<Db>, dossier_id: i64) -> StoreResult<Vec<CommentRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COMMENT_COLUMNS} FROM dossier_comments WHERE dossier_id = $1 ORDER BY id"
    )))
    .bind(dossier_id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter().map(comment_from).collect()
}

// ---- council vote

const BALLOT_COLUMNS: &str =
    "id, dossier_id, status, rules_json, rule_hash, result_json, opened_at, closed_at";

fn ballot_from(r: &DbRow) -> StoreResult<CouncilBallotRow> {
    Ok(CouncilBallotRow {
        id: get(r, "id")?,
        dossier_id: get(r, "dossier_id")?,
        status: get(r, "status")?,
        rules_json: get(r, "rules_json")?,
        rule_hash: get(r, "rule_hash")?,
        result_json: get(r, "result_json")?,
        opened_at: get(r, "opened_at")?,
        closed_at: get(r, "closed_at")?,
    })
}

async fn ballot_by<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    column: &'static str,
    id: i64,
) -> StoreResult<Option<CouncilBallotRow>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BALLOT_COLUMNS} FROM council_ballots WHERE {column} = $1"
    )))
    .bind(id)
    .fetch_optional(ex)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(ballot_from)
    .transpose()
}

pub(crate) async fn open_council_vote(
    b: &Backend,
    actor: &Actor,
    dossier_id: i64,
    mv: DossierMove,
    rules_json: &str,
    rule_hash: &str,
) -> StoreResult<CouncilBallotRow> {
    let mut tx = begin(b).await?;
    move_tx(&mut tx, actor, dossier_id, &mv).await?;
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO council_ballots (dossier_id, status, rules_json, rule_hash, opened_at) VALUES ($1, 'mo', $2, $3, $4) RETURNING {BALLOT_COLUMNS}"
    )))
    .bind(dossier_id)
    .bind(rules_json)
    .bind(rule_hash)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let row = ballot_from(&r)?;
    append(
        &mut tx,
        actor,
        Change {
            action: "council.open",
            entity: "council_ballot",
            entity_id: row.id.to_string(),
            before: None,
            after: json(&row),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(row)
}

pub(crate) async fn council_ballot(
    pool: &Pool<Db>,
    dossier_id: i64,
) -> StoreResult<Option<CouncilBallotRow>> {
    ballot_by(pool, "dossier_id", dossier_id).await
}

pub(crate) async fn cast_council_vote(
    b: &Backend,
    actor: &Actor,
    ballot_id: i64,
    member: i64,
    mode: &str,
    choices: &str,
) -> StoreResult<()> {
    let mut tx = begin(b).await?;
    let ballot = ballot_by(&mut *tx, "id", ballot_id)
        .await?
        .ok_or(StoreError::NotFound("phiên bỏ phiếu"))?;
    if ballot.status != "mo" {
        return Err(StoreError::Conflict("Phiên bỏ phiếu đã kết thúc".into()));
    }
    sqlx::query("INSERT INTO council_voters (ballot_id, user_id, mode) VALUES ($1, $2, $3)")
        .bind(ballot_id)
        .bind(member)
        .bind(mode)
        .execute(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict(
                "Thành viên này đã bỏ phiếu; mỗi thành viên chỉ bỏ một phiếu".into(),
            ),
            other => other,
        })?;
    sqlx::query(
        "INSERT INTO council_papers (ballot_id, paper_key, choices_json) VALUES ($1, $2, $3)",
    )
    .bind(ballot_id)
    .bind(paper_key())
    .bind(choices)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    // The audit says who voted and how (in person or in writing), never what; the page's roll
    // shows the same from `council_voters`.
    append(
        &mut tx,
        actor,
        Change {
            action: "council.vote",
            entity: "council_ballot",
            entity_id: ballot_id.to_string(),
            before: None,
            after: json(&serde_json::json!({"member": member, "mode": mode})),
        },
    )
    .await?;
    commit(tx).await
}

pub(crate) async fn council_voters(
    pool: &Pool<Db>,
    ballot_id: i64,
) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT user_id, mode FROM council_voters WHERE ballot_id = $1 ORDER BY user_id",
    )
    .bind(ballot_id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| Ok((get(r, "user_id")?, get(r, "mode")?)))
        .collect()
}

pub(crate) async fn council_papers(pool: &Pool<Db>, ballot_id: i64) -> StoreResult<Vec<String>> {
    super::conference::list_papers(pool, "council_papers", ballot_id).await
}

pub(crate) async fn close_council_vote(
    b: &Backend,
    actor: &Actor,
    ballot_id: i64,
    result_json: &str,
    passed: &[(i64, bool)],
    counted: usize,
) -> StoreResult<CouncilBallotRow> {
    let mut tx = begin(b).await?;
    let before = ballot_by(&mut *tx, "id", ballot_id)
        .await?
        .ok_or(StoreError::NotFound("phiên bỏ phiếu"))?;
    if before.status != "mo" {
        return Err(StoreError::Conflict("Phiên bỏ phiếu đã kết thúc".into()));
    }
    super::conference::reshuffle_papers(&mut tx, "council_papers", ballot_id, counted).await?;
    sqlx::query("UPDATE council_ballots SET status = 'dong', result_json = $1, closed_at = $2 WHERE id = $3")
        .bind(result_json)
        .bind(now())
        .bind(ballot_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    for (nominee, ok) in passed {
        sqlx::query(
            "UPDATE dossier_nominees SET council_passed = $1 WHERE id = $2 AND dossier_id = $3",
        )
        .bind(*ok)
        .bind(*nominee)
        .bind(before.dossier_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    let d = dossier_ex(&mut tx, before.dossier_id).await?;
    let n_ok = passed.iter().filter(|(_, ok)| *ok).count();
    event(
        &mut tx,
        actor,
        before.dossier_id,
        "hoi_dong",
        None,
        None,
        None,
        Some(&format!(
            "Kết thúc bỏ phiếu: {n_ok}/{} đạt tỷ lệ",
            passed.len()
        )),
        d.version,
    )
    .await?;
    let after = ballot_by(&mut *tx, "id", ballot_id)
        .await?
        .ok_or(StoreError::NotFound("phiên bỏ phiếu"))?;
    append(
        &mut tx,
        actor,
        Change {
            action: "council.close",
            entity: "council_ballot",
            entity_id: ballot_id.to_string(),
            before: json(&before),
            after: json(&after),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(after)
}

// ---- decisions and the register

const DECISION_COLUMNS: &str = "id, authority_id, dossier_id, year, seq, number, signed_on, signer_name, signer_title, doc_json, base_salary, total";

fn decision_from(r: &DbRow) -> StoreResult<DecisionRow> {
    Ok(DecisionRow {
        id: get(r, "id")?,
        authority_id: get(r, "authority_id")?,
        dossier_id: get(r, "dossier_id")?,
        year: get(r, "year")?,
        seq: get(r, "seq")?,
        number: get(r, "number")?,
        signed_on: get(r, "signed_on")?,
        signer_name: get(r, "signer_name")?,
        signer_title: get(r, "signer_title")?,
        doc_json: get(r, "doc_json")?,
        base_salary: get(r, "base_salary")?,
        total: get(r, "total")?,
    })
}

pub(crate) async fn issue_decision(
    b: &Backend,
    actor: &Actor,
    n: NewDecision,
) -> StoreResult<DecisionRow> {
    let mut tx = begin(b).await?;
    move_tx(
        &mut tx,
        actor,
        n.dossier_id,
        &DossierMove {
            expected_version: n.expected_version,
            from: State::Approved,
            to: State::DecisionIssued,
            step: tdkt_domain::dossier::Step::IssueDecision,
            reason: None,
            today: n.signed_on,
            due_on: n.due_on,
            consultation_until: None,
            revoke_awards: false,
        },
    )
    .await?;
    // The next number of the authority's year; the row lock of the upsert serialises it.
    let r = sqlx::query(
        "INSERT INTO decision_sequences (authority_id, year, last) VALUES ($1, $2, 1)
         ON CONFLICT (authority_id, year) DO UPDATE SET last = decision_sequences.last + 1 RETURNING last",
    )
    .bind(n.authority_id)
    .bind(n.year)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let seq: i32 = get(&r, "last")?;
    let number = format!("{seq}/{}", n.symbol);
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO decisions (authority_id, dossier_id, year, seq, number, signed_on, signer_name, signer_title, doc_json, base_salary, total, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {DECISION_COLUMNS}"
    )))
    .bind(n.authority_id)
    .bind(n.dossier_id)
    .bind(n.year)
    .bind(seq)
    .bind(&number)
    .bind(n.signed_on)
    .bind(&n.signer_name)
    .bind(&n.signer_title)
    .bind(&n.doc_json)
    .bind(n.base_salary)
    .bind(n.total)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let row = decision_from(&r)?;
    let label = format!("{number} ngày {}", tdkt_domain::dates::vn(n.signed_on));
    for a in &n.awards {
        sqlx::query(
            "INSERT INTO award_records (person_id, unit_id, code, award_date, decision, note, created_at, decision_id, nominee_id, subject_name, name_key, amount, cert_key)
             VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(a.person_id)
        .bind(a.unit_id)
        .bind(&a.code)
        .bind(n.signed_on)
        .bind(&label)
        .bind(now())
        .bind(row.id)
        .bind(a.nominee_id)
        .bind(&a.subject_name)
        .bind(&a.name_key)
        .bind(a.amount)
        .bind(&a.cert_key)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        if let (Some(year), Some(person)) = (a.title_year, a.person_id) {
            sqlx::query(
                "INSERT INTO person_titles (person_id, year, code, decision) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (person_id, year, code) DO UPDATE SET decision = excluded.decision",
            )
            .bind(person)
            .bind(year)
            .bind(&a.code)
            .bind(&label)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
    }
    event(
        &mut tx,
        actor,
        n.dossier_id,
        "quyet_dinh",
        None,
        None,
        None,
        Some(&format!(
            "Quyết định số {label}: {} khen thưởng ghi vào sổ",
            n.awards.len()
        )),
        n.expected_version + 1,
    )
    .await?;
    append(
        &mut tx,
        actor,
        Change {
            action: "decision.issue",
            entity: "decision",
            entity_id: row.id.to_string(),
            before: None,
            after: json(&serde_json::json!({"decision": &row, "awards": &n.awards})),
        },
    )
    .await?;
    commit(tx).await?;
    Ok(row)
}

pub(crate) async fn decision_of(
    pool: &Pool<Db>,
    dossier_id: i64,
) -> StoreResult<Option<DecisionRow>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DECISION_COLUMNS} FROM decisions WHERE dossier_id = $1"
    )))
    .bind(dossier_id)
    .fetch_optional(pool)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(decision_from)
    .transpose()
}

pub(crate) async fn search_register(
    pool: &Pool<Db>,
    f: &RegisterFilter,
) -> StoreResult<Vec<RegisterRow>> {
    let mut q = QueryBuilder::<Db>::new(
        "SELECT r.id, r.person_id, r.unit_id, COALESCE(r.subject_name, p.full_name, cu.name, '') AS subject_name,
                COALESCE(pu.name, cu.name, '') AS unit_name, r.code, r.award_date, r.decision, r.amount, r.cert_key,
                r.revoked_on, r.revoked_reason, n.dossier_id
         FROM award_records r
         LEFT JOIN people p ON p.id = r.person_id LEFT JOIN units pu ON pu.id = p.unit_id
         LEFT JOIN units cu ON cu.id = r.unit_id
         LEFT JOIN dossier_nominees n ON n.id = r.nominee_id
         WHERE 1 = 1",
    );
    if let Some(k) = f.name_key.as_deref().filter(|k| !k.is_empty()) {
        let words: Vec<&str> = k.split(' ').filter(|w| !w.is_empty()).collect();
        super::dialect::push_register_match(&mut q, &words);
    }
    if let Some(c) = &f.code {
        q.push(" AND r.code = ").push_bind(c.clone());
    }
    if let Some(y) = f.year {
        q.push(" AND r.award_date >= ")
            .push_bind(tdkt_domain::dates::ymd(y, 1, 1))
            .push(" AND r.award_date <= ")
            .push_bind(tdkt_domain::dates::ymd(y, 12, 31));
    }
    if let Some(id) = f.person_id {
        q.push(" AND r.person_id = ").push_bind(id);
    }
    if let Some(id) = f.unit_id {
        q.push(" AND r.unit_id = ").push_bind(id);
    }
    if let Some(id) = f.decision_id {
        q.push(" AND r.decision_id = ").push_bind(id);
    }
    if let Some(k) = &f.cert_key {
        q.push(" AND r.cert_key = ").push_bind(k.clone());
    }
    if let Some(root) = f.unit_root {
        q.push(" AND COALESCE(pu.tree_path, cu.tree_path) LIKE (SELECT tree_path FROM units WHERE id = ")
            .push_bind(root)
            .push(") || '%'");
    }
    if let Some(scope) = &f.scope_roots {
        if scope.is_empty() {
            q.push(" AND 1 = 0");
        } else {
            q.push(" AND EXISTS (SELECT 1 FROM units s WHERE s.id IN (");
            let mut sep = q.separated(", ");
            for id in scope {
                sep.push_bind(*id);
            }
            q.push(") AND COALESCE(pu.tree_path, cu.tree_path) LIKE s.tree_path || '%')");
        }
    }
    q.push(" ORDER BY r.award_date DESC, r.id DESC LIMIT ")
        .push_bind(f.limit.clamp(1, 100_000));
    let rows = q.build().fetch_all(pool).await.map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(RegisterRow {
                id: get(r, "id")?,
                person_id: get(r, "person_id")?,
                unit_id: get(r, "unit_id")?,
                subject_name: get(r, "subject_name")?,
                unit_name: get(r, "unit_name")?,
                code: get(r, "code")?,
                date: get(r, "award_date")?,
                decision: get(r, "decision")?,
                amount: get(r, "amount")?,
                cert_key: get(r, "cert_key")?,
                revoked_on: get(r, "revoked_on")?,
                revoked_reason: get(r, "revoked_reason")?,
                dossier_id: get(r, "dossier_id")?,
            })
        })
        .collect()
}

pub(crate) async fn certificate_template(
    pool: &Pool<Db>,
    unit_id: i64,
    code: &str,
) -> StoreResult<Option<String>> {
    // The unit's own layout, else the nearest ancestor's: the longest tree path that prefixes
    // the unit's.
    sqlx::query(
        "SELECT t.json FROM certificate_templates t JOIN units a ON a.id = t.unit_id
         JOIN units u ON u.id = $1 AND u.tree_path LIKE a.tree_path || '%'
         WHERE t.award_code = $2 ORDER BY LENGTH(a.tree_path) DESC LIMIT 1",
    )
    .bind(unit_id)
    .bind(code)
    .fetch_optional(pool)
    .await
    .map_err(db_err)?
    .map(|r| get(&r, "json"))
    .transpose()
}

pub(crate) async fn put_certificate_template(
    b: &Backend,
    actor: &Actor,
    unit_id: i64,
    code: &str,
    body: &str,
) -> StoreResult<()> {
    let mut tx = begin(b).await?;
    let before: Option<String> = sqlx::query(
        "SELECT json FROM certificate_templates WHERE unit_id = $1 AND award_code = $2",
    )
    .bind(unit_id)
    .bind(code)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?
    .map(|r| get(&r, "json"))
    .transpose()?;
    sqlx::query(
        "INSERT INTO certificate_templates (unit_id, award_code, json, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (unit_id, award_code) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at",
    )
    .bind(unit_id)
    .bind(code)
    .bind(body)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    append(
        &mut tx,
        actor,
        Change {
            action: "certificate_template.put",
            entity: "certificate_template",
            entity_id: format!("{unit_id}:{code}"),
            before,
            after: Some(body.to_string()),
        },
    )
    .await?;
    commit(tx).await
}
