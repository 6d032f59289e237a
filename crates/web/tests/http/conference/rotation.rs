//! The rotation of the cluster's leadership: the order and the waiting years, set by the
//! manager only, and the proposal it gives on the conference page.

use reqwest::StatusCode;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::Editor;
use crate::server::{assert_redirect, assert_status};

on_both!(
    the_rotation_order_and_waiting_years_are_saved,
    waiting_years_out_of_range_are_refused,
    clerks_cannot_set_the_rotation,
    the_page_proposes_next_years_leader_from_the_rotation
);

/// The block with its covenant saved; b before a, one waiting year.
async fn rotated(b: Backend) -> Editor {
    let e = Editor::new(b).await;
    e.save_covenant().await;
    let (a, bb) = (format!("vt_{}", e.a), format!("vt_{}", e.b));
    let r = e
        .mgr
        .post_form(
            &format!("{}/luan-phien", e.base),
            &[(a.as_str(), "2"), (bb.as_str(), "1"), ("so_nam", "1")],
        )
        .await;
    assert_redirect(r).await;
    e
}

async fn the_rotation_order_and_waiting_years_are_saved(b: Backend) {
    let e = rotated(b).await;
    assert_eq!(
        e.s.t.store().cluster_rotation(e.cluster).await.unwrap(),
        (vec![e.b, e.a], 1)
    );
}

async fn waiting_years_out_of_range_are_refused(b: Backend) {
    let e = rotated(b).await;
    let r = e
        .mgr
        .post_form(&format!("{}/luan-phien", e.base), &[("so_nam", "99")])
        .await;
    assert_status(r, StatusCode::UNPROCESSABLE_ENTITY).await;
}

async fn clerks_cannot_set_the_rotation(b: Backend) {
    let e = rotated(b).await;
    let r = e
        .clerk
        .post_form(&format!("{}/luan-phien", e.base), &[("so_nam", "1")])
        .await;
    assert_status(r, StatusCode::FORBIDDEN).await;
}

async fn the_page_proposes_next_years_leader_from_the_rotation(b: Backend) {
    let e = rotated(b).await;
    let page = e.mgr.get_text(&e.base).await;
    assert!(
        page.contains("đơn vị đề xuất làm Cụm trưởng năm 2027: <strong>Đơn vị tinh_b</strong>"),
        "{page}"
    );
}
