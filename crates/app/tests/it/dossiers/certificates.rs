//! Certificate layouts belong to an authority and are inherited down the tree.

use super::*;

on_both!(certificate_layouts_belong_to_an_authority);

/// An authority's own layout serves its subtree; another authority keeps the default.
async fn certificate_layouts_belong_to_an_authority(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let mut layout = app
        .certificate_template(w.province.id, "bang_khen_tinh")
        .await
        .unwrap();
    let default = layout.clone();
    layout.qr.x_mm += 5.0;
    app.put_certificate_template(
        &w.specialist,
        w.province.id,
        "bang_khen_tinh",
        layout.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        app.certificate_template(w.school.id, "bang_khen_tinh")
            .await
            .unwrap(),
        layout
    );
    assert_eq!(
        app.certificate_template(w.outsider.unit_id, "bang_khen_tinh")
            .await
            .unwrap(),
        layout
    );
    let nation = w.t.store().unit_by_code("vn").await.unwrap();
    assert_eq!(
        app.certificate_template(nation.id, "bang_khen_tinh")
            .await
            .unwrap(),
        default
    );
    // The province's specialist cannot set the nation's layout.
    let e = app
        .put_certificate_template(&w.specialist, nation.id, "bang_khen_tinh", layout)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden(_)));
    // A layout outside the sheet is refused with the field named.
    let mut bad = default.clone();
    bad.fields[0].x_mm = 400.0;
    let (field, msg) = invalid(
        app.put_certificate_template(&w.specialist, w.province.id, "bang_khen_tinh", bad)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "mau");
    assert!(
        msg.contains(&default.fields[0].key) || msg.contains("recipient") || !msg.is_empty(),
        "{msg}"
    );
}
