//! `ClusterStore`: clusters, their years and members with the units as they were.

use std::sync::Arc;

use tdkt_domain::cluster::{ClusterKind, MemberRole};

use super::fixtures::*;
use crate::*;

/// Cụm Tây Nguyên: Bình Định a member in 2022; in 2023 leader, with Lâm Đồng deputy and Kon
/// Tum a member whose role is illustrative.
async fn tay_nguyen(s: &dyn Store) -> (ClusterRow, UnitRow) {
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
    (c, bd)
}

/// Years come back in order, members by role, each unit's years with its role that year.
pub async fn clusters_keep_historic_members(s: Arc<dyn Store>) {
    let s = &*s;
    let (c, bd) = tay_nguyen(s).await;
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
}

pub async fn a_duplicate_cluster_code_is_a_clear_conflict(s: Arc<dyn Store>) {
    let s = &*s;
    let (c, _) = tay_nguyen(s).await;
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
    assert_eq!(s.list_clusters().await.unwrap(), std::slice::from_ref(&c));
}
