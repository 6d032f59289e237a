//! A dossier's documents: a file's type found from its content (never its name or the
//! browser's word), a size limit, one stored copy per hash, and new versions instead of
//! replacements.

use sha2::{Digest, Sha256};
use tdkt_domain::access::Role;
use tdkt_domain::dossier::{DocumentSlot, State};
use tdkt_domain::text::tidy;
use tdkt_store::*;

use super::invalid;
use crate::{App, AppError, AppResult, Principal};

/// A file's type from its first bytes (the name and the browser's word are not trusted).
pub fn sniff(bytes: &[u8], filename: &str) -> Option<&'static str> {
    let lower = filename.to_lowercase();
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"PK\x03\x04") {
        // DOCX and XLSX are ZIP files; their parts name what they are.
        let head = &bytes[..bytes.len().min(64 * 1024)];
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        if has(b"word/") || lower.ends_with(".docx") && has(b"[Content_Types].xml") {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else if has(b"xl/") || lower.ends_with(".xlsx") && has(b"[Content_Types].xml") {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        } else {
            None
        }
    } else {
        None
    }
}

impl App {
    /// An uploaded file checked by its content and size: its cleaned name, type and SHA-256.
    pub(crate) fn checked_file(
        &self,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<(String, &'static str, String)> {
        let max = self.procedure.documents.max_mb as usize * 1024 * 1024;
        if bytes.is_empty() {
            return Err(invalid("tep", "Tệp rỗng"));
        }
        if bytes.len() > max {
            return Err(invalid(
                "tep",
                format!(
                    "Tệp «{filename}» lớn {:.1} MB, vượt giới hạn {} MB",
                    bytes.len() as f64 / 1_048_576.0,
                    self.procedure.documents.max_mb
                ),
            ));
        }
        let Some(mime) = sniff(bytes, filename) else {
            return Err(invalid(
                "tep",
                format!(
                    "Tệp «{filename}» không phải PDF, DOCX, XLSX, PNG hoặc JPEG (kiểm tra theo nội dung tệp)"
                ),
            ));
        };
        let filename: String = filename
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
            .take(200)
            .collect();
        Ok((filename, mime, hex::encode(Sha256::digest(bytes))))
    }
}

impl App {
    /// Attaches a file (a new document, or a new version of one). Checked by content, size
    /// limited, stored once by hash; nothing is ever replaced.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_document(
        &self,
        p: &Principal,
        id: i64,
        document_id: Option<i64>,
        slot: &str,
        title: Option<&str>,
        filename: &str,
        bytes: Vec<u8>,
    ) -> AppResult<DocumentRow> {
        let d = self.store.dossier(id).await?;
        let roles = self.dossier_roles(p, &d).await?;
        let clerk_may =
            roles.contains(&Role::UnitClerk) && matches!(d.state, State::Draft | State::Returned);
        let board_may = roles
            .iter()
            .any(|r| matches!(r, Role::BoardSpecialist | Role::BoardLeader))
            && d.state.is_open();
        if !clerk_may && !board_may {
            if roles.is_empty() {
                return Err(AppError::forbidden());
            }
            return Err(AppError::Conflict(format!(
                "Hồ sơ đang ở trạng thái «{}»: không thêm tài liệu lúc này",
                d.state.label()
            )));
        }
        let Ok(slot) = DocumentSlot::try_from(slot) else {
            return Err(invalid(
                "loai",
                format!("Loại tài liệu «{slot}» không có trong danh mục"),
            ));
        };
        let (filename, mime, sha256) = self.checked_file(filename, &bytes)?;
        let title = title
            .map(tidy)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| slot.label().to_string());
        Ok(self
            .store
            .add_document(
                &p.actor(),
                id,
                NewDocument {
                    document_id,
                    slot,
                    title,
                    filename: if filename.is_empty() {
                        "tep".into()
                    } else {
                        filename
                    },
                    mime: mime.to_string(),
                    sha256,
                    bytes,
                    uploaded_by: Some(p.user_id),
                },
            )
            .await?)
    }

    /// A stored file of a dossier the caller may read.
    pub async fn document_file(
        &self,
        p: &Principal,
        id: i64,
        sha256: &str,
    ) -> AppResult<(String, String, Vec<u8>)> {
        self.dossier_for_read(p, id).await?;
        let docs = self.store.dossier_documents(id).await?;
        let name = docs
            .iter()
            .flat_map(|d| d.versions.iter())
            .find(|v| v.sha256 == sha256)
            .map(|v| v.filename.clone())
            .ok_or_else(|| AppError::NotFound("tài liệu trong hồ sơ này".into()))?;
        let (mime, bytes) = self.store.blob(sha256).await?;
        Ok((name, mime, bytes))
    }
}
