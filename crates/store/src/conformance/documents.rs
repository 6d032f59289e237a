//! `DocumentStore`: every version of a document kept, each file stored once by its hash.

use std::sync::Arc;

use tdkt_domain::dossier::{State, Step};

use super::fixtures::*;
use crate::*;

/// A dossier moved to submitted (version 2).
async fn submitted(g: &Dossiers<'_>) -> DossierRow {
    let d =
        g.st.create_dossier(&sys(), g.draft("Hồ sơ thứ nhất", g.province.id))
            .await
            .unwrap();
    g.st.move_dossier(
        &sys(),
        d.id,
        mv(1, State::Draft, State::Submitted, Step::Submit),
    )
    .await
    .unwrap()
}

/// `PDF_X` uploaded as a new document, or as a new version of `document_id`.
fn doc(document_id: Option<i64>, slot: &str, filename: &str) -> NewDocument {
    NewDocument {
        document_id,
        slot: tdkt_domain::dossier::DocumentSlot::parse("slot", slot).unwrap(),
        title: slot.into(),
        filename: filename.into(),
        mime: "application/pdf".into(),
        sha256: PDF_X_SHA.into(),
        bytes: PDF_X.to_vec(),
        uploaded_by: None,
    }
}

/// Two documents, the second with two versions, all three with the same bytes.
async fn three_uploads(st: &dyn Store, id: i64) -> (DocumentRow, DocumentRow, DocumentRow) {
    let a = st
        .add_document(&sys(), id, doc(None, "to_trinh", "to-trinh.pdf"))
        .await
        .unwrap();
    let b1 = st
        .add_document(&sys(), id, doc(None, "bao_cao_thanh_tich", "bao-cao.pdf"))
        .await
        .unwrap();
    let b2 = st
        .add_document(
            &sys(),
            id,
            doc(Some(b1.id), "bao_cao_thanh_tich", "bao-cao-v2.pdf"),
        )
        .await
        .unwrap();
    (a, b1, b2)
}

/// Two versions of one document, with the same bytes as another document: every version is
/// listed, the file is stored once and read back by its hash.
pub async fn document_versions_share_one_stored_file(s: Arc<dyn Store>) {
    let g = Dossiers::new(&*s).await;
    let st = g.st;
    let d = submitted(&g).await;
    let (a, b1, b2) = three_uploads(st, d.id).await;
    assert_ne!(a.id, b1.id);
    assert_eq!(b2.id, b1.id);
    assert_eq!(
        b2.versions
            .iter()
            .map(|v| (v.version, v.filename.as_str(), v.sha256.as_str()))
            .collect::<Vec<_>>(),
        [
            (1, "bao-cao.pdf", PDF_X_SHA),
            (2, "bao-cao-v2.pdf", PDF_X_SHA)
        ]
    );
    let docs = st.dossier_documents(d.id).await.unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].versions.len(), 1);
    assert_eq!(docs[1].versions.len(), 2);
    for v in docs.iter().flat_map(|d| &d.versions) {
        assert_eq!(v.sha256, PDF_X_SHA);
        assert_eq!(v.size, PDF_X.len() as i64);
        assert_eq!(v.mime, "application/pdf");
        assert_eq!(v.state, State::Submitted);
    }
    assert_eq!(
        st.blob(PDF_X_SHA).await.unwrap(),
        ("application/pdf".to_string(), PDF_X.to_vec())
    );
    assert!(matches!(
        st.blob(&"0".repeat(64)).await,
        Err(StoreError::NotFound(_))
    ));
    verify_chain(st).await;
}

/// Uploads are on the timeline but do not move the dossier's version.
pub async fn uploads_are_on_the_timeline_but_keep_the_version(s: Arc<dyn Store>) {
    let g = Dossiers::new(&*s).await;
    let st = g.st;
    let d = submitted(&g).await;
    three_uploads(st, d.id).await;
    assert_eq!(st.dossier_events(d.id).await.unwrap().len(), 5);
    assert_eq!(st.dossier(d.id).await.unwrap().version, 2);
    verify_chain(st).await;
}
