//! Decisions with their number sequence per authority and year, and certificate layouts.

use async_trait::async_trait;
use sqlx::FromRow;
use tdkt_domain::dossier::EventKind;
use tdkt_domain::dossier::State;
use tdkt_domain::round::RoundProgress;
use tdkt_store::*;

use super::audit::{Change, append, json};
use super::{Backend, DbRow, Dialect, begin, commit, db_err, get, now};

use super::Tx;
use super::dossiers::{event, move_tx};

/// One awardee's register record and, for an emulation title, the year's title of the person
/// or the unit.
async fn write_award(
    tx: &mut Tx,
    row: &DecisionRow,
    label: &str,
    on: time::Date,
    a: &NewDecisionAward,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO award_records (person_id, unit_id, code, award_date, decision, note, created_at, decision_id, nominee_id, candidate_id, dossier_id, subject_name, name_key, amount, cert_key, movement_id)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, $11, $12, $13, $14, (SELECT movement_id FROM dossiers WHERE id = $10))",
    )
    .bind(a.person_id)
    .bind(a.unit_id)
    .bind(&a.code)
    .bind(on)
    .bind(label)
    .bind(now())
    .bind(row.id)
    .bind(a.nominee_id)
    .bind(a.candidate_id)
    .bind(a.dossier_id)
    .bind(&a.subject_name)
    .bind(&a.name_key)
    .bind(a.amount)
    .bind(&a.cert_key)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    let Some(year) = a.title_year else {
        return Ok(());
    };
    let (table, column, id) = match (a.person_id, a.unit_id) {
        (Some(p), _) => ("person_titles", "person_id", p),
        (None, Some(u)) => ("unit_titles", "unit_id", u),
        (None, None) => return Ok(()),
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} ({column}, year, code, decision) VALUES ($1, $2, $3, $4)
         ON CONFLICT ({column}, year, code) DO UPDATE SET decision = excluded.decision"
    )))
    .bind(id)
    .bind(year)
    .bind(&a.code)
    .bind(label)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

const DECISION_COLUMNS: &str = "id, authority_id, dossier_id, round_unit_id, award_code, year, seq, number, signed_on, signer_name, signer_title, doc_json, base_salary, total";

fn decision_from(r: &DbRow) -> StoreResult<DecisionRow> {
    DecisionRow::from_row(r).map_err(db_err)
}

/// Decisions matching `clause` (which uses `$1`), oldest first.
pub(super) async fn decisions_where(
    pool: &sqlx::Pool<super::Db>,
    clause: &'static str,
    id: i64,
) -> StoreResult<Vec<DecisionRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DECISION_COLUMNS} FROM decisions WHERE {clause} ORDER BY signed_on, id"
    )))
    .bind(id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter().map(decision_from).collect()
}

#[async_trait]
impl DecisionStore for Backend {
    async fn issue_decision(&self, actor: &Actor, n: NewDecision) -> StoreResult<DecisionRow> {
        let mut tx = begin(self).await?;
        for d in &n.dossiers {
            move_tx(
                &mut tx,
                actor,
                d.id,
                &DossierMove {
                    expected_version: d.expected_version,
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
        }
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
            "INSERT INTO decisions (authority_id, dossier_id, round_unit_id, award_code, year, seq, number, signed_on, signer_name, signer_title, doc_json, base_salary, total, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {DECISION_COLUMNS}"
        )))
        .bind(n.authority_id)
        .bind(n.dossiers.first().map(|d| d.id))
        .bind(n.round_unit_id)
        .bind(&n.award_code)
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
        for d in &n.dossiers {
            sqlx::query("INSERT INTO decision_dossiers (decision_id, dossier_id) VALUES ($1, $2)")
                .bind(row.id)
                .bind(d.id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        let label = format!("{number} ngày {}", tdkt_domain::dates::vn(n.signed_on));
        for a in &n.awards {
            write_award(&mut tx, &row, &label, n.signed_on, a).await?;
            if let Some(c) = a.candidate_id {
                // A candidate is decided once: a second decision naming it is refused whole.
                let done = sqlx::query(
                    "UPDATE round_candidates SET decision_id = $1 WHERE id = $2 AND round_unit_id = $3 AND decision_id IS NULL",
                )
                .bind(row.id)
                .bind(c)
                .bind(n.round_unit_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::Conflict(format!(
                        "«{}» đã có quyết định hoặc không thuộc danh sách của đơn vị",
                        a.subject_name
                    )));
                }
            }
        }
        for d in &n.dossiers {
            let version = sqlx::query("SELECT version FROM dossiers WHERE id = $1")
                .bind(d.id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            let of_dossier = n
                .awards
                .iter()
                .filter(|a| a.dossier_id == Some(d.id))
                .count();
            event(
                &mut tx,
                actor,
                d.id,
                EventKind::Decision,
                None,
                None,
                None,
                Some(&format!(
                    "Quyết định số {label}: {of_dossier} khen thưởng ghi vào sổ"
                )),
                get(&version, "version")?,
            )
            .await?;
        }
        if let Some(ru) = n.round_unit_id {
            sqlx::query(
                "UPDATE round_units SET progress = $1, progress_since = $2 WHERE id = $3 AND progress IN ($4, $5, $6)",
            )
            .bind(RoundProgress::Decided.code())
            .bind(n.signed_on)
            .bind(ru)
            .bind(RoundProgress::NotStarted.code())
            .bind(RoundProgress::Rating.code())
            .bind(RoundProgress::Voting.code())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
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

    async fn decision_of(&self, dossier_id: i64) -> StoreResult<Option<DecisionRow>> {
        let pool = self.reader();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE id = (SELECT decision_id FROM decision_dossiers WHERE dossier_id = $1)"
        )))
        .bind(dossier_id)
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(decision_from)
        .transpose()
    }

    async fn decision(&self, id: i64) -> StoreResult<DecisionRow> {
        let pool = self.reader();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(decision_from)
        .transpose()?
        .ok_or(StoreError::NotFound("quyết định"))
    }

    async fn decision_dossiers(&self, decision_id: i64) -> StoreResult<Vec<i64>> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT dossier_id FROM decision_dossiers WHERE decision_id = $1 ORDER BY dossier_id",
        )
        .bind(decision_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(|r| get(r, "dossier_id")).collect()
    }

    async fn certificate_template(&self, unit_id: i64, code: &str) -> StoreResult<Option<String>> {
        let pool = self.reader();
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

    async fn put_certificate_template(
        &self,
        actor: &Actor,
        unit_id: i64,
        code: &str,
        body: &str,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
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
}
