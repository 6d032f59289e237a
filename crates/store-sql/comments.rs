//! Public comments on a dossier under consultation, and their moderation.

use async_trait::async_trait;
use sqlx::FromRow;
use tdkt_domain::dossier::State;
use tdkt_domain::dossier::{CommentStatus, EventKind};
use tdkt_store::*;

use super::audit::{Change, append, json};
use super::{Backend, DbRow, Dialect, begin, commit, db_err, now};

use super::dossiers::{dossier_ex, event};

const COMMENT_COLUMNS: &str = "id, dossier_id, author, contact, body, at, status";

fn comment_from(r: &DbRow) -> StoreResult<CommentRow> {
    CommentRow::from_row(r).map_err(db_err)
}

#[async_trait]
impl CommentStore for Backend {
    async fn add_comment(
        &self,
        actor: &Actor,
        dossier_id: i64,
        c: NewComment,
    ) -> StoreResult<CommentRow> {
        let mut tx = begin(self).await?;
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
            EventKind::Comment,
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

    async fn moderate_comment(
        &self,
        actor: &Actor,
        id: i64,
        status: CommentStatus,
    ) -> StoreResult<CommentRow> {
        let mut tx = begin(self).await?;
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
            .bind(status.code())
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
            EventKind::Comment,
            None,
            None,
            None,
            Some(&format!(
                "Ý kiến của {}: {}",
                before.author,
                if status == CommentStatus::Approved {
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

    async fn dossier_comments(&self, dossier_id: i64) -> StoreResult<Vec<CommentRow>> {
        let pool = self.reader();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COMMENT_COLUMNS} FROM dossier_comments WHERE dossier_id = $1 ORDER BY id"
        )))
        .bind(dossier_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(comment_from).collect()
    }
}

// ---- council vote
