//! `PersonStore`: folded name search, scope and paging, positions, ratings.

use std::sync::Arc;

use tdkt_domain::person::{Birth, Gender, TaskRating};
use time::macros::date;

use super::fixtures::*;
use crate::*;

pub async fn people_search_folds_diacritics(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let names = [
        "Nguyễn Văn Đức",
        "Nguyễn Văn Dục",
        "Trần Văn Đức",
        "Lê Thị Hoa",
        "Nguyễn Thị Đức Hạnh",
        "Lê Văn Dũng",
    ];
    for n in names {
        s.create_person(&sys(), new_person(n, root.id))
            .await
            .unwrap();
    }
    // Whole-phrase matches come first, then people whose words match in another order.
    s.create_person(&sys(), new_person("Nguyễn Đức Văn", root.id))
        .await
        .unwrap();
    let ranked: Vec<String> = s
        .search_people(&PersonFilter {
            q: Some("nguyen van duc".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.full_name)
        .collect();
    assert_eq!(ranked.len(), 3);
    assert_eq!(ranked[2], "Nguyễn Đức Văn");
    let mut plain = ranked[..2].to_vec();
    plain.sort();
    assert_eq!(plain, ["Nguyễn Văn Dục", "Nguyễn Văn Đức"]);
    let find = |q: &'static str| async move {
        let mut v: Vec<String> = s
            .search_people(&PersonFilter {
                q: Some(q.into()),
                ..Default::default()
            })
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.full_name)
            .filter(|n| n != "Nguyễn Đức Văn")
            .collect();
        v.sort();
        v
    };
    assert_eq!(find("Nguyễn Văn Đức").await, plain);
    assert_eq!(find("NGUYEN   VAN   DUC").await, plain);
    assert_eq!(find("đức").await.len(), 4);
    assert_eq!(find("van").await.len(), 4);
    // Words of under three letters still match.
    assert_eq!(find("le").await, ["Lê Thị Hoa", "Lê Văn Dũng"]);
    assert_eq!(find("le dung").await, ["Lê Văn Dũng"]);
    assert!(find("khong co ai").await.is_empty());
}

pub async fn people_scope_and_paging(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let a = unit(s, "a", Some(root.id)).await;
    let a1 = unit(s, "a1", Some(a.id)).await;
    let b = unit(s, "b", Some(root.id)).await;
    for i in 0..7 {
        s.create_person(
            &sys(),
            new_person(
                &format!(
                    "Người Số {}",
                    ["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy"][i]
                ),
                if i < 3 {
                    a.id
                } else if i < 5 {
                    a1.id
                } else {
                    b.id
                },
            ),
        )
        .await
        .unwrap();
    }
    let count = |f: PersonFilter| async move { s.search_people(&f).await.unwrap().total };
    assert_eq!(count(PersonFilter::default()).await, 7);
    assert_eq!(
        count(PersonFilter {
            scope: Some(vec![a.id]),
            ..Default::default()
        })
        .await,
        5
    );
    assert_eq!(
        count(PersonFilter {
            scope: Some(vec![a1.id, b.id]),
            ..Default::default()
        })
        .await,
        4
    );
    assert_eq!(
        count(PersonFilter {
            scope: Some(vec![]),
            ..Default::default()
        })
        .await,
        0
    );
    assert_eq!(
        count(PersonFilter {
            under_unit: Some(a1.id),
            ..Default::default()
        })
        .await,
        2
    );
    assert_eq!(
        count(PersonFilter {
            under_unit: Some(a.id),
            scope: Some(vec![b.id]),
            ..Default::default()
        })
        .await,
        0
    );
    let p2 = s
        .search_people(&PersonFilter {
            paging: Paging::new(Some(2), Some(3)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((p2.total, p2.items.len(), p2.page), (7, 3, 2));
    let p3 = s
        .search_people(&PersonFilter {
            paging: Paging::new(Some(3), Some(3)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(p3.items.len(), 1);
    assert!(
        p2.items
            .iter()
            .all(|p| p3.items.iter().all(|q| q.id != p.id))
    );
}

/// Phạm Thị Lan at the root, and the unit `so_noi_vu` she may move to.
async fn lan(s: &dyn Store) -> (PersonRow, UnitRow) {
    let root = unit(s, "vn", None).await;
    let other = unit(s, "so_noi_vu", Some(root.id)).await;
    let mut np = new_person("Phạm Thị Lan", root.id);
    np.gender = Gender::Female;
    np.birth = Some(Birth::Date(date!(1985 - 03 - 02)));
    np.cccd = Some("001185000123".into());
    let p = s.create_person(&sys(), np).await.unwrap();
    assert_eq!(p.birth, Some(Birth::Date(date!(1985 - 03 - 02))));
    assert_eq!(p.unit_name, "Đơn vị vn");
    (p, other)
}

/// A move to `unit_id` as head of office from `since`, with a 2022 rating.
fn move_to(p: &PersonRow, unit_id: i64, since: time::Date) -> PersonChanges {
    PersonChanges {
        full_name: p.full_name.clone(),
        gender: p.gender,
        birth: p.birth,
        cccd: p.cccd.clone(),
        unit_id,
        position: Some("Trưởng phòng".into()),
        position_since: since,
        ratings: vec![RatingRow {
            year: 2022,
            rating: TaskRating::Completed,
        }],
    }
}

fn r(year: i32, rating: TaskRating) -> RatingRow {
    RatingRow { year, rating }
}

/// A new position dated before the current one began is refused, and writes no rating.
pub async fn a_position_change_before_the_current_one_is_refused(s: Arc<dyn Store>) {
    let s = &*s;
    let (p, other) = lan(s).await;
    let err = s
        .update_person(&sys(), p.id, move_to(&p, other.id, date!(2019 - 01 - 01)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref i) if i.field == "ngay_nhan_chuc_vu"),
        "{err:?}"
    );
    assert!(s.person_ratings(p.id).await.unwrap().is_empty());
    assert_eq!(s.person_positions(p.id).await.unwrap().len(), 1);
}

/// A move ends the previous position the day before the new one; the update's rating is
/// written with it.
pub async fn a_position_change_closes_the_previous_position(s: Arc<dyn Store>) {
    let s = &*s;
    let (p, other) = lan(s).await;
    s.update_person(&sys(), p.id, move_to(&p, other.id, date!(2019 - 01 - 01)))
        .await
        .unwrap_err();
    let moved = s
        .update_person(&sys(), p.id, move_to(&p, other.id, date!(2024 - 03 - 01)))
        .await
        .unwrap();
    assert_eq!(moved.unit_id, other.id);
    let pos = s.person_positions(p.id).await.unwrap();
    assert_eq!(pos.len(), 2);
    assert_eq!(pos[0].unit_id, other.id);
    assert_eq!(pos[0].end_date, None);
    assert_eq!(pos[1].end_date, Some(date!(2024 - 02 - 29)));
    // The refused update wrote no rating; the accepted one wrote its 2022 rating with it.
    assert_eq!(
        s.person_ratings(p.id).await.unwrap(),
        [r(2022, TaskRating::Completed)]
    );
}

/// Ratings put for some years replace those years only; an unknown person is not found.
pub async fn ratings_are_merged_by_year(s: Arc<dyn Store>) {
    let s = &*s;
    let (p, other) = lan(s).await;
    s.update_person(&sys(), p.id, move_to(&p, other.id, date!(2024 - 03 - 01)))
        .await
        .unwrap();
    s.put_ratings(
        &sys(),
        p.id,
        &[r(2023, TaskRating::Good), r(2024, TaskRating::Excellent)],
    )
    .await
    .unwrap();
    let after = s
        .put_ratings(&sys(), p.id, &[r(2023, TaskRating::Excellent)])
        .await
        .unwrap();
    assert_eq!(
        after,
        [
            r(2022, TaskRating::Completed),
            r(2023, TaskRating::Excellent),
            r(2024, TaskRating::Excellent)
        ]
    );
    assert_eq!(s.person_ratings(p.id).await.unwrap(), after);
    assert!(matches!(
        s.put_ratings(&sys(), 999_999, &[r(2023, TaskRating::Good)])
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// A CCCD already held by someone is a conflict that names it; an unknown id is not found.
pub async fn a_duplicate_cccd_is_a_clear_conflict(s: Arc<dyn Store>) {
    let s = &*s;
    let root = unit(s, "vn", None).await;
    let mut a = new_person("Hoàng Văn An", root.id);
    a.cccd = Some("001080000001".into());
    s.create_person(&sys(), a.clone()).await.unwrap();
    a.full_name = "Hoàng Văn Bình".into();
    let err = s.create_person(&sys(), a).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("CCCD")),
        "{err:?}"
    );
    assert!(matches!(
        s.person(424_242).await,
        Err(StoreError::NotFound(_))
    ));
}
