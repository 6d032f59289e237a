//! Clusters keep the members of each year.

use super::*;

pub async fn clusters_keep_historic_members(s: Arc<dyn Store>) {
    use tdkt_domain::cluster::{ClusterKind, MemberRole};
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let bd = unit(s, "binh_dinh", Some(root.id)).await;
    let ld = unit(s, "lam_dong_cu", Some(root.id)).await;
    let kt = unit(s, "kon_tum", Some(root.id)).await;
    let c = s
        .create_cluster(
            &sys(),
            NewCluster {
                code: "tay_nguyen".into(),
                name: "Cụm thi đua Tây Nguyên".into(),
                kind: ClusterKind::Cluster,
                organiser: "Hội đồng Thi đua - Khen thưởng Trung ương".into(),
                organiser_unit_id: None,
                supervisor: None,
                source: Some("003".into()),
                note: None,
                years: vec![
                    NewClusterYear {
                        year: 2023,
                        note: Some("Bầu cụm trưởng".into()),
                        roles_illustrative: false,
                        members: vec![
                            (kt.id, MemberRole::Member, true),
                            (ld.id, MemberRole::Deputy, false),
                            (bd.id, MemberRole::Leader, false),
                        ],
                    },
                    NewClusterYear {
                        year: 2022,
                        note: None,
                        roles_illustrative: false,
                        members: vec![(bd.id, MemberRole::Member, false)],
                    },
                ],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        c.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        [2022, 2023]
    );
    let y23 = &c.years[1];
    assert_eq!(
        y23.members
            .iter()
            .map(|m| (m.unit.code.as_str(), m.role))
            .collect::<Vec<_>>(),
        [
            ("binh_dinh", MemberRole::Leader),
            ("lam_dong_cu", MemberRole::Deputy),
            ("kon_tum", MemberRole::Member)
        ]
    );
    assert!(y23.members[2].illustrative);
    assert_eq!(s.cluster(c.id).await.unwrap(), c);
    assert_eq!(s.list_clusters().await.unwrap(), std::slice::from_ref(&c));
    let of_bd = s.unit_clusters(bd.id).await.unwrap();
    assert_eq!(
        of_bd.iter().map(|r| (r.year, r.role)).collect::<Vec<_>>(),
        [(2022, MemberRole::Member), (2023, MemberRole::Leader)]
    );
    let dup = s
        .create_cluster(
            &sys(),
            NewCluster {
                code: "tay_nguyen".into(),
                name: "Trùng mã".into(),
                kind: ClusterKind::Block,
                organiser: "X".into(),
                organiser_unit_id: None,
                supervisor: None,
                source: None,
                note: None,
                years: vec![],
            },
        )
        .await;
    assert!(
        matches!(dup, Err(StoreError::Conflict(ref m)) if m == "Mã cụm, khối thi đua đã tồn tại"),
        "{dup:?}"
    );
}
