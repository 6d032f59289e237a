//! The covenant editor, rotation order and evidence notes.

use super::*;

on_both!(covenant_editor);

/// The covenant editor: groups and criteria as form rows, errors named by row, clerks kept out.
async fn covenant_editor(b: Backend) {
    let t = TestApp::new(b).await;
    let vn = t.unit("vn", None).await;
    let a = t.unit("tinh_a", Some(vn.id)).await.id;
    let bb = t.unit("tinh_b", Some(vn.id)).await.id;
    let cluster = t
        .store()
        .create_cluster(
            &Actor::system("test"),
            NewCluster {
                code: "cum".into(),
                name: "Cụm".into(),
                kind: ClusterKind::Block,
                organiser: "Hội đồng".into(),
                organiser_unit_id: Some(vn.id),
                supervisor: None,
                source: None,
                note: None,
                years: vec![NewClusterYear {
                    year: 2026,
                    note: None,
                    roles_illustrative: false,
                    members: vec![
                        (a, MemberRole::Member, false),
                        (bb, MemberRole::Member, false),
                    ],
                }],
            },
        )
        .await
        .unwrap();
    for (user, role, unit) in [
        ("chuyenvien", "chuyen_vien_ban", "vn"),
        ("cb_a", "can_bo_don_vi", "tinh_a"),
    ] {
        t.app
            .create_user(
                None,
                UserInput {
                    username: user.into(),
                    display_name: user.into(),
                    password: PASSWORD.into(),
                    grants: vec![(role.into(), unit.into())],
                },
            )
            .await
            .unwrap();
    }
    let s = Server::serve(t).await;
    let (mgr, csrf) = s.login("chuyenvien").await;
    let url = s.url(&format!(
        "/cum-thi-dua/{}/nam/2026/giao-uoc/sua",
        cluster.id
    ));
    assert_eq!(mgr.get(&url).send().await.unwrap().status(), StatusCode::OK);
    let row = |kind: &str, id: &str, name: &str, max: &str, scale: &str| {
        vec![
            ("loai".to_string(), kind.to_string()),
            ("ma".into(), id.into()),
            ("ten".into(), name.into()),
            ("toi_da".into(), max.into()),
            ("thang".into(), scale.into()),
            ("huong_dan".into(), "".into()),
            ("minh_chung".into(), "Báo cáo năm".into()),
        ]
    };
    let mut form = vec![
        ("_csrf".to_string(), csrf.clone()),
        ("tieu_de".into(), "Giao ước năm 2026".into()),
        ("phuong_phap".into(), "median".into()),
    ];
    form.extend(row("nhom", "1", "Nhiệm vụ chuyên môn", "", ""));
    form.extend(row("score", "1.1", "Hoàn thành chỉ tiêu", "40", ""));
    form.extend(row("score", "1.2", "Giải ngân vốn đầu tư công", "abc", ""));
    let r = mgr.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Dòng 3: «abc» không phải là số") && body.contains("Hoàn thành chỉ tiêu"),
        "typed rows are kept: {body}"
    );
    let last = form.len() - 4;
    form[last].1 = "10".into();
    form.push(("thang".into(), "".into()));
    form.extend(row(
        "score",
        "1.3",
        "Giải ngân (tính từ chỉ số)",
        "10",
        "90:0; 100:8; 110:10",
    ));
    form.extend(row("penalty", "9", "Điểm trừ vi phạm", "5", ""));
    let r = mgr.post(&url).form(&form).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let page = s
        .page(&mgr, &format!("/cum-thi-dua/{}/nam/2026", cluster.id))
        .await;
    assert!(
        page.contains("Giao ước năm 2026")
            && page.contains("trung vị")
            && page.contains("90→0, 100→8, 110→10")
            && page.contains("Minh chứng: Báo cáo năm"),
        "{page}"
    );
    let (clerk, clerk_csrf) = s.login("cb_a").await;
    assert_eq!(
        clerk.get(&url).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    // A self-score with its evidence note, kept with each score of the row.
    let base = format!("/cum-thi-dua/{}/nam/2026", cluster.id);
    let r = s
        .post_form(
            &clerk,
            &format!("{base}/cham-diem/{a}"),
            &[
                ("_csrf", clerk_csrf.as_str()),
                (&format!("d_{a}_1.1"), "38"),
                (&format!("n_{a}"), "Báo cáo tổng kết năm, trang 4"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (scores, _) = s.t.store().cluster_scores(cluster.id, 2026).await.unwrap();
    assert_eq!(
        scores[0].note.as_deref(),
        Some("Báo cáo tổng kết năm, trang 4")
    );
    let grid = s.page(&clerk, &format!("{base}/cham-diem/{a}")).await;
    assert!(grid.contains("Báo cáo tổng kết năm, trang 4"));

    // The rotation order and the waiting years.
    let rot = s.url(&format!("{base}/luan-phien"));
    let r = mgr
        .post(&rot)
        .form(&[
            ("_csrf", csrf.as_str()),
            (&format!("vt_{a}"), "2"),
            (&format!("vt_{bb}"), "1"),
            ("so_nam", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        s.t.store().cluster_rotation(cluster.id).await.unwrap(),
        (vec![bb, a], 1)
    );
    let r = mgr
        .post(&rot)
        .form(&[("_csrf", csrf.as_str()), ("so_nam", "99")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = clerk
        .post(&rot)
        .form(&[("_csrf", clerk_csrf.as_str()), ("so_nam", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = s.page(&mgr, &base).await;
    assert!(
        page.contains("đơn vị đề xuất làm Cụm trưởng năm 2027: <strong>Đơn vị tinh_b</strong>"),
        "{page}"
    );
}
