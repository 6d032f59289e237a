//! Dossier documents: files stored once by SHA-256, every version kept.

use async_trait::async_trait;
use tdkt_domain::dossier::EventKind;
use tdkt_store::*;

use super::audit::{Change, append, json};
use super::{Backend, Db, Dialect, Tx, begin, commit, db_err, get, now};

use super::dossiers::{dossier_ex, event, state_of};

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
                slot: super::code(r, "slot")?,
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

/// Stores file contents once per hash (a second upload of the same bytes adds nothing).
pub(super) async fn put_blob(
    tx: &mut Tx,
    sha256: &str,
    mime: &str,
    bytes: &[u8],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO blobs (sha256, size, mime, data, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(bytes.len() as i64)
    .bind(mime)
    .bind(bytes)
    .bind(now())
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

#[async_trait]
impl DocumentStore for Backend {
    async fn add_document(
        &self,
        actor: &Actor,
        dossier_id: i64,
        doc: NewDocument,
    ) -> StoreResult<DocumentRow> {
        let mut tx = begin(self).await?;
        let row = add_document_tx(&mut tx, actor, dossier_id, doc).await?;
        commit(tx).await?;
        Ok(row)
    }

    async fn dossier_documents(&self, dossier_id: i64) -> StoreResult<Vec<DocumentRow>> {
        let pool = self.reader();
        document_tx(pool, dossier_id, None).await
    }

    async fn blob(&self, sha256: &str) -> StoreResult<(String, Vec<u8>)> {
        let pool = self.reader();
        let r = sqlx::query("SELECT mime, data FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound("tệp"))?;
        Ok((get(&r, "mime")?, get(&r, "data")?))
    }
}

/// Stores the file once by its hash and adds a version, with its event and audit entry.
pub(super) async fn add_document_tx(
    tx: &mut Tx,
    actor: &Actor,
    dossier_id: i64,
    doc: NewDocument,
) -> StoreResult<DocumentRow> {
    let d = dossier_ex(tx, dossier_id).await?;
    let at = now();
    put_blob(tx, &doc.sha256, &doc.mime, &doc.bytes).await?;
    let document_id = match doc.document_id {
        Some(id) => {
            let found =
                sqlx::query("SELECT id FROM dossier_documents WHERE id = $1 AND dossier_id = $2")
                    .bind(id)
                    .bind(dossier_id)
                    .fetch_optional(&mut **tx)
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
            .bind(doc.slot.code())
            .bind(&doc.title)
            .bind(at)
            .fetch_one(&mut **tx)
            .await
            .map_err(db_err)?;
            get(&r, "id")?
        }
    };
    let r = sqlx::query(
        "SELECT COALESCE(MAX(version), 0) AS v FROM dossier_document_versions WHERE document_id = $1",
    )
    .bind(document_id)
    .fetch_one(&mut **tx)
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
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    event(
        tx,
        actor,
        dossier_id,
        EventKind::Document,
        None,
        None,
        None,
        Some(&format!("{} — {} (bản {version})", doc.title, doc.filename)),
        d.version,
    )
    .await?;
    let row = document_tx(&mut **tx, dossier_id, Some(document_id))
        .await?
        .pop()
        .ok_or(StoreError::NotFound("tài liệu"))?;
    append(
        tx,
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
    Ok(row)
}
