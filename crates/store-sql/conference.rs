//! The cluster conference: covenant, scores, secret ballots, proposals. Over 600 lines: the
//! ballot's paper handling (random keys, reshuffle at close) is shared with the council's vote
//! and kept beside the ballot it was written for; the next split is `ballots.rs`.

use async_trait::async_trait;
use sqlx::FromRow;
use sqlx::Pool;
use tdkt_store::*;

use super::audit::{Change, append, json};
use super::{Backend, Db, DbRow, Dialect, begin, commit, db_err, get, now};

fn change(
    action: &'static str,
    entity: &'static str,
    id: String,
    after: Option<String>,
) -> Change<'static> {
    Change {
        action,
        entity,
        entity_id: id,
        before: None,
        after,
    }
}

fn year_key(cluster_id: i64, year: i32) -> String {
    format!("{cluster_id}/{year}")
}

#[async_trait]
impl ConferenceStore for Backend {
    async fn covenant(&self, cluster_id: i64, year: i32) -> StoreResult<Option<CovenantRow>> {
        let pool = self.reader();
        let row = sqlx::query("SELECT title, table_json, method_json, scoring_closed FROM covenants WHERE cluster_id = $1 AND year = $2")
            .bind(cluster_id)
            .bind(year)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let sigs = sqlx::query(
            "SELECT unit_id, signer, signed_on FROM covenant_signatures WHERE cluster_id = $1 AND year = $2 ORDER BY signed_on, unit_id",
        )
        .bind(cluster_id)
        .bind(year)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        Ok(Some(CovenantRow {
            cluster_id,
            year,
            title: get(&r, "title")?,
            table_json: get(&r, "table_json")?,
            method_json: get(&r, "method_json")?,
            scoring_closed: get(&r, "scoring_closed")?,
            signatures: sigs
                .iter()
                .map(|s| {
                    Ok(SignatureRow {
                        unit_id: get(s, "unit_id")?,
                        signer: get(s, "signer")?,
                        signed_on: get(s, "signed_on")?,
                    })
                })
                .collect::<StoreResult<_>>()?,
        }))
    }

    async fn put_covenant(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        title: &str,
        table: &str,
        method: &str,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        sqlx::query(
            "INSERT INTO covenants (cluster_id, year, title, table_json, method_json, scoring_closed, updated_at)
             VALUES ($1, $2, $3, $4, $5, FALSE, $6)
             ON CONFLICT (cluster_id, year) DO UPDATE SET title = excluded.title, table_json = excluded.table_json,
                 method_json = excluded.method_json, updated_at = excluded.updated_at",
        )
        .bind(cluster_id)
        .bind(year)
        .bind(title)
        .bind(table)
        .bind(method)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        append(
            &mut tx,
            actor,
            change(
                "covenant.put",
                "covenant",
                year_key(cluster_id, year),
                json(&serde_json::json!({"title": title, "table": table, "method": method})),
            ),
        )
        .await?;
        commit(tx).await
    }

    async fn sign_covenant(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        s: SignatureRow,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        sqlx::query(
            "INSERT INTO covenant_signatures (cluster_id, year, unit_id, signer, signed_on, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (cluster_id, year, unit_id) DO UPDATE SET signer = excluded.signer, signed_on = excluded.signed_on, recorded_by = excluded.recorded_by",
        )
        .bind(cluster_id)
        .bind(year)
        .bind(s.unit_id)
        .bind(&s.signer)
        .bind(s.signed_on)
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        append(
            &mut tx,
            actor,
            change(
                "covenant.sign",
                "covenant",
                year_key(cluster_id, year),
                json(&s),
            ),
        )
        .await?;
        commit(tx).await
    }

    async fn set_scoring_closed(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        closed: bool,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        let done = sqlx::query(
            "UPDATE covenants SET scoring_closed = $1 WHERE cluster_id = $2 AND year = $3",
        )
        .bind(closed)
        .bind(cluster_id)
        .bind(year)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("giao ước thi đua"));
        }
        let action = if closed {
            "scoring.close"
        } else {
            "scoring.reopen"
        };
        append(
            &mut tx,
            actor,
            change(action, "covenant", year_key(cluster_id, year), None),
        )
        .await?;
        commit(tx).await
    }

    async fn put_scores(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        scores: &[ScoreRow],
        indicators: &[IndicatorRow],
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        let closed =
            sqlx::query("SELECT scoring_closed FROM covenants WHERE cluster_id = $1 AND year = $2")
                .bind(cluster_id)
                .bind(year)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?
                .ok_or(StoreError::NotFound("giao ước thi đua"))?;
        if get::<bool>(&closed, "scoring_closed")? {
            return Err(StoreError::Conflict(
                "Vòng chấm điểm đã đóng; không thể sửa điểm".into(),
            ));
        }
        for s in scores {
            sqlx::query(
                "INSERT INTO cluster_scores (cluster_id, year, scorer_id, target_id, criterion_id, points, note, entered_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (cluster_id, year, scorer_id, target_id, criterion_id)
                 DO UPDATE SET points = excluded.points, note = excluded.note, entered_by = excluded.entered_by",
            )
            .bind(cluster_id)
            .bind(year)
            .bind(s.scorer_id)
            .bind(s.target_id)
            .bind(&s.criterion_id)
            .bind(s.points)
            .bind(&s.note)
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        for i in indicators {
            sqlx::query(
                "INSERT INTO cluster_indicators (cluster_id, year, unit_id, criterion_id, value) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (cluster_id, year, unit_id, criterion_id) DO UPDATE SET value = excluded.value",
            )
            .bind(cluster_id)
            .bind(year)
            .bind(i.unit_id)
            .bind(&i.criterion_id)
            .bind(i.value)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        append(
            &mut tx,
            actor,
            change(
                "scores.put",
                "covenant",
                year_key(cluster_id, year),
                json(&serde_json::json!({"scores": scores, "indicators": indicators})),
            ),
        )
        .await?;
        commit(tx).await
    }

    async fn cluster_scores(
        &self,
        cluster_id: i64,
        year: i32,
    ) -> StoreResult<(Vec<ScoreRow>, Vec<IndicatorRow>)> {
        let pool = self.reader();
        let rows = sqlx::query(
            "SELECT scorer_id, target_id, criterion_id, points, note FROM cluster_scores WHERE cluster_id = $1 AND year = $2
             ORDER BY scorer_id, target_id, criterion_id",
        )
        .bind(cluster_id)
        .bind(year)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        let scores = rows
            .iter()
            .map(|r| {
                Ok(ScoreRow {
                    scorer_id: get(r, "scorer_id")?,
                    target_id: get(r, "target_id")?,
                    criterion_id: get(r, "criterion_id")?,
                    points: get(r, "points")?,
                    note: get(r, "note")?,
                })
            })
            .collect::<StoreResult<_>>()?;
        let rows = sqlx::query("SELECT unit_id, criterion_id, value FROM cluster_indicators WHERE cluster_id = $1 AND year = $2 ORDER BY unit_id, criterion_id")
            .bind(cluster_id)
            .bind(year)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        let indicators = rows
            .iter()
            .map(|r| {
                Ok(IndicatorRow {
                    unit_id: get(r, "unit_id")?,
                    criterion_id: get(r, "criterion_id")?,
                    value: get(r, "value")?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok((scores, indicators))
    }

    async fn create_ballot(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        title: &str,
        rules: &str,
    ) -> StoreResult<BallotRow> {
        let mut tx = begin(self).await?;
        let sql = format!(
            "INSERT INTO ballots (cluster_id, year, title, rules_json, status, created_at) VALUES ($1, $2, $3, $4, 'draft', $5) RETURNING {BALLOT_COLUMNS}"
        );
        let r = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(cluster_id)
            .bind(year)
            .bind(title)
            .bind(rules)
            .bind(now())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let ballot = ballot_from(&r)?;
        append(
            &mut tx,
            actor,
            change(
                "ballot.create",
                "ballot",
                ballot.id.to_string(),
                json(&ballot),
            ),
        )
        .await?;
        commit(tx).await?;
        Ok(ballot)
    }

    async fn ballot(&self, id: i64) -> StoreResult<BallotRow> {
        let pool = self.reader();
        let sql = format!("SELECT {BALLOT_COLUMNS} FROM ballots WHERE id = $1");
        let r = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("cuộc bỏ phiếu"))?;
        ballot_from(&r)
    }

    async fn ballots(&self, cluster_id: i64, year: i32) -> StoreResult<Vec<BallotRow>> {
        let pool = self.reader();
        let sql = format!(
            "SELECT {BALLOT_COLUMNS} FROM ballots WHERE cluster_id = $1 AND year = $2 ORDER BY id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(cluster_id)
            .bind(year)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(ballot_from).collect()
    }

    async fn open_ballot(
        &self,
        actor: &Actor,
        id: i64,
        resolved: &str,
        hash: &str,
    ) -> StoreResult<BallotRow> {
        let mut tx = begin(self).await?;
        need(&ballot_tx(&mut tx, id).await?, BallotStatus::Draft)?;
        sqlx::query(
            "UPDATE ballots SET status = 'open', rules_json = $1, rule_hash = $2 WHERE id = $3",
        )
        .bind(resolved)
        .bind(hash)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let after = ballot_tx(&mut tx, id).await?;
        append(
            &mut tx,
            actor,
            change("ballot.open", "ballot", id.to_string(), json(&after)),
        )
        .await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn cast_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        voter: i64,
        choices: &str,
    ) -> StoreResult<()> {
        let mut tx = begin(self).await?;
        need(&ballot_tx(&mut tx, ballot_id).await?, BallotStatus::Open)?;
        add_voter(&mut tx, ballot_id, voter).await?;
        add_paper(&mut tx, ballot_id, choices).await?;
        // The audit says who voted, never what.
        append(
            &mut tx,
            actor,
            change(
                "ballot.vote",
                "ballot",
                ballot_id.to_string(),
                json(&serde_json::json!({"voter_unit": voter})),
            ),
        )
        .await?;
        commit(tx).await
    }

    async fn record_papers(
        &self,
        actor: &Actor,
        ballot_id: i64,
        voters: &[i64],
        papers: &[String],
    ) -> StoreResult<()> {
        if papers.len() > voters.len() {
            return Err(StoreError::Conflict(format!(
                "{} phiếu nhưng chỉ {} đơn vị bỏ phiếu",
                papers.len(),
                voters.len()
            )));
        }
        let mut tx = begin(self).await?;
        need(&ballot_tx(&mut tx, ballot_id).await?, BallotStatus::Open)?;
        for v in voters {
            add_voter(&mut tx, ballot_id, *v).await?;
        }
        for p in papers {
            add_paper(&mut tx, ballot_id, p).await?;
        }
        append(
            &mut tx,
            actor,
            change(
                "ballot.record_papers",
                "ballot",
                ballot_id.to_string(),
                json(&serde_json::json!({"voter_units": voters, "papers": papers.len()})),
            ),
        )
        .await?;
        commit(tx).await
    }

    async fn ballot_voters(&self, ballot_id: i64) -> StoreResult<Vec<i64>> {
        let pool = self.reader();
        let rows =
            sqlx::query("SELECT unit_id FROM ballot_voters WHERE ballot_id = $1 ORDER BY unit_id")
                .bind(ballot_id)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
        rows.iter().map(|r| get(r, "unit_id")).collect()
    }

    async fn ballot_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>> {
        let pool = self.reader();
        list_papers(pool, "ballot_papers", ballot_id).await
    }

    async fn close_ballot(
        &self,
        actor: &Actor,
        ballot_id: i64,
        close: BallotClose,
    ) -> StoreResult<BallotRow> {
        let mut tx = begin(self).await?;
        let ballot = ballot_tx(&mut tx, ballot_id).await?;
        need(&ballot, BallotStatus::Open)?;
        reshuffle_papers(&mut tx, "ballot_papers", ballot_id, close.papers_counted).await?;
        sqlx::query("UPDATE ballots SET status = 'closed', result_json = $1 WHERE id = $2")
            .bind(&close.result_json)
            .bind(ballot_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for p in &close.proposals {
            sqlx::query(
                "INSERT INTO cluster_proposals (cluster_id, year, unit_id, award_code, ballot_id, votes, status, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7)
                 ON CONFLICT (cluster_id, year, unit_id, award_code) DO UPDATE SET ballot_id = excluded.ballot_id, votes = excluded.votes",
            )
            .bind(ballot.cluster_id)
            .bind(ballot.year)
            .bind(p.unit_id)
            .bind(&p.award_code)
            .bind(ballot_id)
            .bind(p.votes)
            .bind(now())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        if let Some(next) = &close.next_year {
            super::clusters::put_year_tx(&mut tx, ballot.cluster_id, next).await?;
        }
        let after = ballot_tx(&mut tx, ballot_id).await?;
        append(
            &mut tx,
            actor,
            change(
                "ballot.close",
                "ballot",
                ballot_id.to_string(),
                json(
                    &serde_json::json!({"result": close.result_json, "proposals": close.proposals}),
                ),
            ),
        )
        .await?;
        commit(tx).await?;
        Ok(after)
    }

    async fn cluster_proposals(&self, cluster_id: i64, year: i32) -> StoreResult<Vec<ProposalRow>> {
        let pool = self.reader();
        proposals_where(
            pool,
            "p.cluster_id = $1 AND p.year = $2 ORDER BY p.award_code, u.search_key",
            cluster_id,
            year,
        )
        .await
    }

    async fn unit_cluster_proposals(&self, unit_id: i64) -> StoreResult<Vec<ProposalRow>> {
        unit_proposals(self.reader(), "unit_id", unit_id).await
    }

    async fn cluster_proposal(&self, id: i64) -> StoreResult<ProposalRow> {
        unit_proposals(self.reader(), "id", id)
            .await?
            .pop()
            .ok_or(StoreError::NotFound("đề nghị của cụm thi đua"))
    }
}

const BALLOT_COLUMNS: &str =
    "id, cluster_id, year, title, rules_json, rule_hash, status, result_json";

fn ballot_from(r: &DbRow) -> StoreResult<BallotRow> {
    BallotRow::from_row(r).map_err(db_err)
}

async fn ballot_tx(tx: &mut super::Tx, id: i64) -> StoreResult<BallotRow> {
    let sql = format!("SELECT {BALLOT_COLUMNS} FROM ballots WHERE id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("cuộc bỏ phiếu"))?;
    ballot_from(&r)
}

fn need(b: &BallotRow, status: BallotStatus) -> StoreResult<()> {
    if b.status == status {
        return Ok(());
    }
    Err(StoreError::Conflict(match (b.status, status) {
        (BallotStatus::Draft, _) => "Cuộc bỏ phiếu chưa mở".into(),
        (BallotStatus::Closed, _) => "Cuộc bỏ phiếu đã kết thúc".into(),
        (BallotStatus::Open, _) => "Cuộc bỏ phiếu đang mở; không thể sửa quy chế".into(),
    }))
}

pub(crate) fn paper_key() -> String {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("the OS has randomness");
    hex::encode(buf)
}

async fn add_voter(tx: &mut super::Tx, ballot_id: i64, unit: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO ballot_voters (ballot_id, unit_id) VALUES ($1, $2)")
        .bind(ballot_id)
        .bind(unit)
        .execute(&mut **tx)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict("Đơn vị này đã bỏ phiếu; mỗi đơn vị chỉ bỏ một phiếu".into())
            }
            other => other,
        })?;
    Ok(())
}

async fn add_paper(tx: &mut super::Tx, ballot_id: i64, choices: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO ballot_papers (ballot_id, paper_key, choices_json) VALUES ($1, $2, $3)",
    )
    .bind(ballot_id)
    .bind(paper_key())
    .bind(choices)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The papers of a ballot (`ballot_papers` of clusters, `council_papers` of councils), in the
/// order of their random keys.
pub(crate) async fn list_papers(
    pool: &Pool<Db>,
    table: &'static str,
    ballot_id: i64,
) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT choices_json FROM {table} WHERE ballot_id = $1 ORDER BY paper_key"
    )))
    .bind(ballot_id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter().map(|r| get(r, "choices_json")).collect()
}

/// At closing: refuses when the ballot no longer holds the `counted` papers (one arrived during
/// the count), then rewrites the papers under fresh random keys so that nothing of the casting
/// order remains.
pub(crate) async fn reshuffle_papers(
    tx: &mut super::Tx,
    table: &'static str,
    ballot_id: i64,
    counted: usize,
) -> StoreResult<()> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT choices_json FROM {table} WHERE ballot_id = $1"
    )))
    .bind(ballot_id)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_err)?;
    if rows.len() != counted {
        return Err(StoreError::Conflict(format!(
            "Có {} phiếu nhưng kết quả kiểm {counted} phiếu (có phiếu mới trong lúc kiểm); hãy kiểm phiếu lại",
            rows.len()
        )));
    }
    let mut papers: Vec<(String, String)> = rows
        .iter()
        .map(|r| Ok((paper_key(), get::<String>(r, "choices_json")?)))
        .collect::<StoreResult<_>>()?;
    papers.sort();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE ballot_id = $1"
    )))
    .bind(ballot_id)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    for (key, choices) in &papers {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} (ballot_id, paper_key, choices_json) VALUES ($1, $2, $3)"
        )))
        .bind(ballot_id)
        .bind(key)
        .bind(choices)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// A unit's proposals from every cluster year (the newest first), or one proposal by id.
pub(crate) async fn unit_proposals(
    pool: &Pool<Db>,
    column: &'static str,
    id: i64,
) -> StoreResult<Vec<ProposalRow>> {
    let clause = match column {
        "id" => "p.id = $1 AND $2 = 0 ORDER BY p.id",
        _ => "p.unit_id = $1 AND $2 = 0 ORDER BY p.year DESC, p.award_code",
    };
    proposals_where(pool, clause, id, 0).await
}

async fn proposals_where(
    pool: &Pool<Db>,
    clause: &'static str,
    a: i64,
    b: i32,
) -> StoreResult<Vec<ProposalRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT p.id, p.cluster_id, p.year, p.unit_id, u.name AS unit_name, p.award_code, p.ballot_id, p.votes, p.status
         FROM cluster_proposals p JOIN units u ON u.id = p.unit_id WHERE {clause}"
    )))
    .bind(a)
    .bind(b)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| ProposalRow::from_row(r).map_err(db_err))
        .collect()
}
