//! One end-to-end walkthrough of a conference: covenant, scores, visibility, ballot, results, minutes, next year.

use super::*;

on_both!(conference_flow);

async fn conference_flow(b: Backend) {
    let t = TestApp::new(b).await;
    let vn = t.unit("vn", None).await;
    let mut units = Vec::new();
    for code in ["tinh_a", "tinh_b", "tinh_c", "tinh_d"] {
        units.push(t.unit(code, Some(vn.id)).await.id);
    }
    let sys = Actor::system("test");
    let cluster = t
        .store()
        .create_cluster(
            &sys,
            NewCluster {
                code: "cum_thu".into(),
                name: "Cụm thi đua thử".into(),
                kind: ClusterKind::Cluster,
                organiser: "Hội đồng".into(),
                organiser_unit_id: Some(vn.id),
                supervisor: None,
                source: None,
                note: None,
                years: vec![NewClusterYear {
                    year: 2024,
                    note: None,
                    roles_illustrative: false,
                    members: units
                        .iter()
                        .map(|u| (*u, MemberRole::Member, false))
                        .collect(),
                }],
            },
        )
        .await
        .unwrap();
    let mk = |user: &'static str, role: &'static str, unit: &'static str| UserInput {
        username: user.into(),
        display_name: user.into(),
        password: PASSWORD.into(),
        grants: vec![(role.into(), unit.into())],
    };
    t.app
        .create_user(None, mk("chuyenvien", "chuyen_vien_ban", "vn"))
        .await
        .unwrap();
    for (i, code) in ["tinh_a", "tinh_b", "tinh_c", "tinh_d"].iter().enumerate() {
        let user: &'static str = ["cb_a", "cb_b", "cb_c", "cb_d"][i];
        t.app
            .create_user(None, mk(user, "can_bo_don_vi", code))
            .await
            .unwrap();
    }
    let s = Server::serve(t).await;
    let base = format!("/cum-thi-dua/{}/nam/2024", cluster.id);

    // The covenant through the API, as the board specialist.
    let (mgr, mgr_csrf) = s.login("chuyenvien").await;
    let covenant = json!({
        "title": "Giao ước thi đua năm 2024",
        "groups": [{"id": "1", "name": "Kinh tế"}, {"id": "2", "name": "Thi đua"}],
        "criteria": [
            {"id": "1.1", "name": "Tăng trưởng", "group": "1", "max": 50},
            {"id": "2.1", "name": "Phong trào", "group": "2", "max": 50}
        ],
        "method": {"name": "mean"}
    });
    let url = s.url(&format!(
        "/api/v1/clusters/{}/years/2024/covenant",
        cluster.id
    ));
    let r = mgr
        .put(&url)
        .header("x-csrf-token", &mgr_csrf)
        .json(&covenant)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NO_CONTENT,
        "{}",
        r.text().await.unwrap()
    );
    let (clerk_a, clerk_a_csrf) = s.login("cb_a").await;
    let r = clerk_a
        .put(&url)
        .header("x-csrf-token", &clerk_a_csrf)
        .json(&covenant)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a clerk does not write the covenant"
    );

    // Each clerk scores through the form; strengths: a > b > c > d.
    let strength = [45.0, 40.0, 35.0, 30.0];
    let mut clerks = Vec::new();
    for (i, user) in ["cb_a", "cb_b", "cb_c", "cb_d"].iter().enumerate() {
        let (c, csrf) = if i == 0 {
            (clerk_a.clone(), clerk_a_csrf.clone())
        } else {
            s.login(user).await
        };
        let mut form = vec![("_csrf".to_string(), csrf.clone())];
        for (j, target) in units.iter().enumerate() {
            for crit in ["1.1", "2.1"] {
                form.push((
                    format!("d_{target}_{crit}"),
                    format!("{}", strength[j] - (i as f64) * 0.5),
                ));
            }
        }
        let r = s
            .post_form(&c, &format!("{base}/cham-diem/{}", units[i]), &form)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "scores of {user}");
        clerks.push((c, csrf));
    }
    // A clerk cannot score for another unit; out-of-range points are named.
    let (c0, csrf0) = &clerks[0];
    let r = c0
        .get(s.url(&format!("{base}/cham-diem/{}", units[1])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = s
        .post_form(
            c0,
            &format!("{base}/cham-diem/{}", units[0]),
            &[
                ("_csrf", csrf0.as_str()),
                (&format!("d_{}_1.1", units[1]), "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("phải trong khoảng 0–50"));
    // Before scoring closes, a clerk sees no ranking; the manager does.
    let page = s.page(c0, &base).await;
    assert!(page.contains("hiển thị sau khi đóng vòng chấm điểm"));
    let page = s.page(&mgr, &base).await;
    assert!(page.contains("Xếp hạng theo trung bình cộng"));

    let post = |c: &reqwest::Client, path: String, form: Vec<(&'static str, String)>| {
        c.post(s.url(&path)).form(&form).send()
    };
    let r = post(
        &mgr,
        format!("{base}/dong-cham-diem"),
        vec![("_csrf", mgr_csrf.clone())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = s
        .post_form(
            c0,
            &format!("{base}/cham-diem/{}", units[0]),
            &[
                ("_csrf", csrf0.as_str()),
                (&format!("d_{}_1.1", units[1]), "10"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "scores cannot change after closing"
    );
    let page = s.page(c0, &base).await;
    assert!(
        page.contains("Xếp hạng theo trung bình cộng"),
        "results visible to members after closing"
    );

    // Ballot: leader and deputy for 2025, and the Government flag (top 4).
    let r = post(
        &mgr,
        format!("{base}/phieu"),
        vec![
            ("_csrf", mgr_csrf.clone()),
            ("tieu_de", "Suy tôn năm 2024".into()),
            ("hang_muc", "co_thi_dua_chinh_phu".into()),
            ("hang_muc", "cum_truong".into()),
            ("hang_muc", "cum_pho".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ballots = s.t.store().ballots(cluster.id, 2024).await.unwrap();
    let bid = ballots[0].id;
    let r = post(
        &clerks[0].0,
        format!("{base}/phieu/{bid}/mo"),
        vec![("_csrf", clerks[0].1.clone())],
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a clerk cannot open the ballot"
    );
    let r = post(
        &mgr,
        format!("{base}/phieu/{bid}/mo"),
        vec![("_csrf", mgr_csrf.clone())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (a, bb) = (units[0].to_string(), units[1].to_string());
    for (i, (c, csrf)) in clerks.iter().enumerate() {
        let r = post(
            c,
            format!("{base}/phieu/{bid}/bo-phieu"),
            vec![
                ("_csrf", csrf.clone()),
                ("don_vi", units[i].to_string()),
                ("c_co_thi_dua_chinh_phu", a.clone()),
                ("c_co_thi_dua_chinh_phu", bb.clone()),
                ("c_cum_truong_2025", bb.clone()),
                ("c_cum_pho_2025", units[2].to_string()),
            ],
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "vote {i}");
    }
    let again = post(
        &clerks[0].0,
        format!("{base}/phieu/{bid}/bo-phieu"),
        vec![
            ("_csrf", clerks[0].1.clone()),
            ("don_vi", units[0].to_string()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again.text().await.unwrap().contains("đã bỏ phiếu"));
    let r = post(
        &clerks[0].0,
        format!("{base}/phieu/{bid}/bo-phieu"),
        vec![
            ("_csrf", clerks[0].1.clone()),
            ("don_vi", units[1].to_string()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "no vote on behalf of another unit"
    );
    // No results while voting is open.
    let page = s.page(c0, &base).await;
    assert!(!page.contains("Trúng"));
    let r = post(
        &mgr,
        format!("{base}/phieu/{bid}/dong"),
        vec![("_csrf", mgr_csrf.clone())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = s.page(c0, &base).await;
    assert!(
        page.contains("Trúng") && page.contains("Cờ thi đua của Chính phủ"),
        "results and proposals shown"
    );
    let minutes = s.page(c0, &format!("{base}/phieu/{bid}/bien-ban")).await;
    let hash = s.t.store().ballot(bid).await.unwrap().rule_hash.unwrap();
    assert!(
        minutes.contains("BIÊN BẢN KIỂM PHIẾU") && minutes.contains(&hash),
        "{minutes}"
    );
    let proposals =
        s.t.store()
            .cluster_proposals(cluster.id, 2024)
            .await
            .unwrap();
    assert_eq!(proposals.len(), 2);
    let next = s.t.store().cluster(cluster.id).await.unwrap();
    let y2025 = next.years.iter().find(|y| y.year == 2025).unwrap();
    assert_eq!(
        y2025
            .members
            .iter()
            .find(|m| m.role == MemberRole::Leader)
            .unwrap()
            .unit
            .id,
        units[1]
    );
    assert_eq!(
        y2025
            .members
            .iter()
            .find(|m| m.role == MemberRole::Deputy)
            .unwrap()
            .unit
            .id,
        units[2]
    );
}
