//! Documents of a dossier: a file must be what its name says and within the size limit, every
//! version is kept and downloads by its hash, and a dossier is sent only with the documents
//! its procedure requires.

use std::sync::Arc;

use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::dossier::State;
use tdkt_store::DossierRow;

use super::fixtures::*;

on_both!(
    uploads_carry_the_dossiers_state_and_download_by_their_hash,
    a_file_that_is_not_what_its_name_says_is_refused,
    an_unknown_document_slot_is_refused,
    the_size_limit_is_a_setting,
    a_dossier_is_not_sent_without_its_achievement_report,
);

/// A merit draft for Đức and Bình, with no documents yet.
async fn bare_draft(w: &World) -> DossierRow {
    w.draft(
        "cong_trang",
        vec![
            person_nominee(w.duc.id, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ"),
            person_nominee(w.binh.id, "giay_khen", "Hoàn thành tốt nhiệm vụ được giao"),
        ],
    )
    .await
}

/// The clerk's upload of a new document into `slot` through `app` (which may carry other
/// settings than the world's).
fn upload(
    w: &World,
    app: &tdkt_app::App,
    id: i64,
    slot: &str,
    name: &str,
    bytes: Vec<u8>,
) -> impl Future<Output = tdkt_app::AppResult<tdkt_store::DocumentRow>> + use<> {
    let app = app.clone();
    let (clerk, slot, name) = (w.clerk.clone(), slot.to_string(), name.to_string());
    async move {
        app.add_document(&clerk, id, None, &slot, None, &name, bytes)
            .await
    }
}

/// Each upload is one line on the timeline; its version records the state the dossier was
/// in, and downloads with its hash, type and size.
async fn uploads_carry_the_dossiers_state_and_download_by_their_hash(b: Backend) {
    let w = world(b).await;
    let id = bare_draft(&w).await.id;
    let mut trail = Trail::new(id);
    trail.check(&w, 1, "tạo hồ sơ").await;
    let to_trinh = w
        .upload(id, None, "to_trinh", "to-trinh.pdf", pdf("tờ trình"))
        .await;
    trail.check(&w, 1, "tờ trình").await;
    let report = w
        .upload(
            id,
            None,
            "bao_cao_thanh_tich",
            "bao-cao.pdf",
            pdf("báo cáo bản 1"),
        )
        .await;
    trail.check(&w, 1, "báo cáo").await;
    assert_eq!(report.versions.len(), 1);
    assert_eq!(to_trinh.versions[0].state, State::Draft);
    assert_eq!(trail.versions.len(), 2);
    assert_eq!(
        w.version(id).await,
        1,
        "an upload does not move the version"
    );
}

async fn a_file_that_is_not_what_its_name_says_is_refused(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let id = bare_draft(&w).await.id;
    let (f, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(
                &w,
                app,
                id,
                "to_trinh",
                "to-trinh.pdf",
                b"Day khong phai PDF".to_vec(),
            ),
        )
        .await,
    );
    assert_eq!(f, "tep");
    assert!(
        m.contains("không phải PDF, DOCX, XLSX, PNG hoặc JPEG"),
        "{m}"
    );
    let (_, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(
                &w,
                app,
                id,
                "to_trinh",
                "to-trinh.docx",
                b"PK\x03\x04 chi la zip".to_vec(),
            ),
        )
        .await,
    );
    assert!(m.contains("không phải PDF"), "{m}");
    let (_, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(&w, app, id, "to_trinh", "rong.pdf", vec![]),
        )
        .await,
    );
    assert!(m.contains("Tệp rỗng"), "{m}");
    assert!(w.t.store().dossier_documents(id).await.unwrap().is_empty());
}

async fn an_unknown_document_slot_is_refused(b: Backend) {
    let w = world(b).await;
    let id = bare_draft(&w).await.id;
    let (f, _) = invalid(
        refused(
            &w,
            Some(id),
            upload(&w, &w.t.app, id, "hop_dong", "a.pdf", pdf("x")),
        )
        .await,
    );
    assert_eq!(f, "loai");
    assert!(w.t.store().dossier_documents(id).await.unwrap().is_empty());
}

/// An App whose limit is 1 MB refuses a file just above it; under the shipped limit the same
/// file is accepted.
async fn the_size_limit_is_a_setting(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let id = bare_draft(&w).await.id;
    let mut small = (*app.procedure).clone();
    small.documents.max_mb = 1;
    let mut limited = app.clone();
    limited.procedure = Arc::new(small);
    let mut big = pdf("lớn");
    big.resize(1024 * 1024 + 1, b' ');
    let (f, m) = invalid(
        refused(
            &w,
            Some(id),
            upload(&w, &limited, id, "to_trinh", "to-trinh.pdf", big.clone()),
        )
        .await,
    );
    assert_eq!(f, "tep");
    assert!(m.contains("vượt giới hạn 1 MB"), "{m}");
    assert!(w.t.store().dossier_documents(id).await.unwrap().is_empty());
    upload(&w, app, id, "to_trinh", "to-trinh.pdf", big)
        .await
        .unwrap();
}

async fn a_dossier_is_not_sent_without_its_achievement_report(b: Backend) {
    let w = world(b).await;
    let id = bare_draft(&w).await.id;
    w.upload(id, None, "to_trinh", "to-trinh.pdf", pdf("tờ trình"))
        .await;
    let (f, m) = invalid(refused(&w, Some(id), w.step(&w.clerk, id, "gui", None)).await);
    assert_eq!(f, "tai_lieu");
    assert!(m.contains("Hồ sơ còn thiếu: Báo cáo thành tích"), "{m}");
    assert_eq!(w.t.store().dossier(id).await.unwrap().state, State::Draft);
}
