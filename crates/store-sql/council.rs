//! The council's secret vote on a dossier: frozen rules, voters and papers kept apart.

use async_trait::async_trait;
use sqlx::FromRow;
use tdkt_domain::dossier::EventKind;
use tdkt_domain::dossier::council::{CouncilBallotStatus, VoteMode};
use tdkt_store::*;

use super::audit::{Change, append, json};
use super::conference::paper_key;
use super::{Backend, Db, DbRow, Dialect, Tx, begin, commit, db_err, get, now};

use super::dossiers::{dossier_ex, event, move_tx};

const BALLOT_COLUMNS: &str =
    "id, dossier_id, status, rules_json, rule_hash, result_json, opened_at, closed_at";

fn ballot_from(r: &DbRow) -> StoreResult<CouncilBallotRow> {
    CouncilBallotRow::from_row(r).map_err(db_err)
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

/// One member's paper: the voter row and the paper are written together but unlinked (the
/// paper's key is random). `tables` are the voters' and papers' tables and the audit entity. A
/// second vote by the same member is a conflict.
pub(super) async fn cast_paper(
    tx: &mut Tx,
    actor: &Actor,
    tables: (&'static str, &'static str, &'static str),
    ballot_id: i64,
    member: i64,
    mode: VoteMode,
    choices: &str,
) -> StoreResult<()> {
    let (voters, papers, entity) = tables;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {voters} (ballot_id, user_id, mode) VALUES ($1, $2, $3)"
    )))
    .bind(ballot_id)
    .bind(member)
    .bind(mode.code())
    .execute(&mut **tx)
    .await
    .map_err(|e| match db_err(e) {
        StoreError::Conflict(_) => StoreError::Conflict(
            "Thành viên này đã bỏ phiếu; mỗi thành viên chỉ bỏ một phiếu".into(),
        ),
        other => other,
    })?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {papers} (ballot_id, paper_key, choices_json) VALUES ($1, $2, $3)"
    )))
    .bind(ballot_id)
    .bind(paper_key())
    .bind(choices)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    // The audit says who voted and how (in person or in writing), never what; the page's roll
    // shows the same from the voters' table.
    append(
        tx,
        actor,
        Change {
            action: if entity == "council_ballot" {
                "council.vote"
            } else {
                "round.vote"
            },
            entity,
            entity_id: ballot_id.to_string(),
            before: None,
            after: json(&serde_json::json!({"member": member, "mode": mode})),
        },
    )
    .await
}

/// Members who voted, with how (never what).
pub(super) async fn voters_of(
    pool: &sqlx::Pool<Db>,
    table: &'static str,
    ballot_id: i64,
) -> StoreResult<Vec<CouncilVoter>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT user_id, mode FROM {table} WHERE ballot_id = $1 ORDER BY user_id"
    )))
    .bind(ballot_id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(CouncilVoter {
                user_id: get(r, "user_id")?,
                mode: super::code(r, "mode")?,
            })
        })
        .collect()
}

#[async_trait]
impl CouncilStore for Backend {
    async fn open_council_vote(
        &self,
        actor: &Actor,
        dossier_id: i64,
        mv: DossierMove,
        rules_json: &str,
        rule_hash: &str,
    ) -> StoreResult<CouncilBallotRow> {
        let mut tx = begin(self).await?;
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

    async fn council_ballot(&self, dossier_id: i64) -> StoreResult<Option<CouncilBallotRow>> {
        let pool = self.reader();
        ballot_by(pool, "dossier_id", dossier_id).await
    }

    async fn cast_council_vote(
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
        cast_paper(
            &mut tx,
            actor,
            ("council_voters", "council_papers", "council_ballot"),
            ballot_id,
            member,
            mode,
            choices,
        )
        .await?;
        commit(tx).await
    }

    async fn council_voters(&self, ballot_id: i64) -> StoreResult<Vec<CouncilVoter>> {
        voters_of(self.reader(), "council_voters", ballot_id).await
    }

    async fn council_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>> {
        let pool = self.reader();
        super::conference::list_papers(pool, "council_papers", ballot_id).await
    }

    async fn close_council_vote(
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
            EventKind::Council,
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
}

// ---- decisions and the register
