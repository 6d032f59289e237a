//! `HistoryStore`: titles, award records, initiatives and their single use, member
//! statistics, imports.

use std::sync::Arc;

use tdkt_domain::person::TaskRating;
use time::macros::date;

use super::fixtures::*;
use crate::*;

/// vn ── so ── phong; Đỗ Văn Một in the department, Đỗ Văn Hai in its office, Đỗ Văn Ba at
/// the root.
struct Ground {
    root: UnitRow,
    dept: UnitRow,
    team: UnitRow,
    a: PersonRow,
    b: PersonRow,
}

async fn ground(s: &dyn Store) -> Ground {
    let root = unit(s, "vn", None).await;
    let dept = unit(s, "so", Some(root.id)).await;
    let team = unit(s, "phong", Some(dept.id)).await;
    let a = s
        .create_person(&sys(), new_person("Đỗ Văn Một", dept.id))
        .await
        .unwrap();
    let b = s
        .create_person(&sys(), new_person("Đỗ Văn Hai", team.id))
        .await
        .unwrap();
    s.create_person(&sys(), new_person("Đỗ Văn Ba", root.id))
        .await
        .unwrap();
    Ground {
        root,
        dept,
        team,
        a,
        b,
    }
}

fn t(year: i32, code: &str) -> TitleRow {
    TitleRow {
        year,
        code: code.into(),
        decision: None,
    }
}

fn rating(year: i32, rating: TaskRating) -> RatingRow {
    RatingRow { year, rating }
}

/// Một: LĐTT 2024, CSTĐCS 2025 (by 5/QĐ-SNV), HTXSNV 2025; Hai: LĐTT 2025, HTTNV 2025.
async fn titles_and_ratings(s: &dyn Store, g: &Ground) -> Vec<TitleRow> {
    s.put_person_titles(
        &sys(),
        g.a.id,
        &[
            t(2024, "lao_dong_tien_tien"),
            t(2025, "chien_si_thi_dua_co_so"),
        ],
        &[],
    )
    .await
    .unwrap();
    let after = s
        .put_person_titles(
            &sys(),
            g.a.id,
            &[TitleRow {
                year: 2025,
                code: "chien_si_thi_dua_co_so".into(),
                decision: Some("5/QĐ-SNV".into()),
            }],
            &[],
        )
        .await
        .unwrap();
    s.put_person_titles(&sys(), g.b.id, &[t(2025, "lao_dong_tien_tien")], &[])
        .await
        .unwrap();
    s.put_ratings(&sys(), g.a.id, &[rating(2025, TaskRating::Excellent)])
        .await
        .unwrap();
    s.put_ratings(&sys(), g.b.id, &[rating(2025, TaskRating::Good)])
        .await
        .unwrap();
    after
}

fn initiative(
    code: &str,
    title: &str,
    unit_id: i64,
    on: time::Date,
    authors: Vec<i64>,
) -> NewInitiative {
    NewInitiative {
        code: code.into(),
        title: title.into(),
        unit_id,
        field: None,
        submitted_on: on,
        authors,
    }
}

/// SK-2025-01 of the department by Một and Hai, recognised at base level on 2025-10-01.
async fn reviewed_sk(s: &dyn Store, g: &Ground) -> (InitiativeRow, InitiativeRow) {
    let mut new = initiative(
        "SK-2025-01",
        "Số hoá hồ sơ khen thưởng",
        g.dept.id,
        date!(2025 - 03 - 01),
        vec![g.a.id, g.b.id],
    );
    new.field = Some("Hành chính".into());
    let sk = s.create_initiative(&sys(), new).await.unwrap();
    let reviewed = s
        .review_initiative(
            &sys(),
            sk.id,
            "co_so",
            date!(2025 - 10 - 01),
            Some("Giảm 30% thời gian".into()),
        )
        .await
        .unwrap();
    (sk, reviewed)
}

/// SK-2024-07 of the office by Hai, not yet reviewed.
async fn unreviewed_sk2(s: &dyn Store, g: &Ground) -> InitiativeRow {
    s.create_initiative(
        &sys(),
        initiative(
            "SK-2024-07",
            "Phần mềm chấm điểm",
            g.team.id,
            date!(2024 - 02 - 01),
            vec![g.b.id],
        ),
    )
    .await
    .unwrap()
}

/// Đỗ Văn Bốn, in the office since 2020.
async fn fourth(s: &dyn Store, g: &Ground) -> PersonRow {
    s.create_person(&sys(), new_person("Đỗ Văn Bốn", g.team.id))
        .await
        .unwrap()
}

fn use_sk(label: &str, on: time::Date) -> InitiativeUse {
    InitiativeUse {
        codes: vec!["SK-2025-01".into()],
        label: label.into(),
        on,
    }
}

/// Titles put again for a year and award replace that one (here: its decision), not the rest.
pub async fn titles_are_merged_by_year_and_award(s: Arc<dyn Store>) {
    let s = &*s;
    let g = ground(s).await;
    let after = titles_and_ratings(s, &g).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[1].decision.as_deref(), Some("5/QĐ-SNV"));
    verify_chain(s).await;
}

pub async fn award_records_are_for_a_person_or_a_unit(s: Arc<dyn Store>) {
    let s = &*s;
    let g = ground(s).await;
    let record = |person_id, unit_id, code: &str, date, decision: Option<&str>| NewAwardRecord {
        person_id,
        unit_id,
        code: code.into(),
        date,
        decision: decision.map(str::to_string),
        note: None,
        uses: None,
    };
    let rec = s
        .create_award_record(
            &sys(),
            record(
                Some(g.a.id),
                None,
                "bang_khen_tinh",
                date!(2019 - 12 - 20),
                Some("123/QĐ-UBND"),
            ),
        )
        .await
        .unwrap();
    s.create_award_record(
        &sys(),
        record(
            None,
            Some(g.dept.id),
            "co_thi_dua_tinh",
            date!(2024 - 01 - 10),
            None,
        ),
    )
    .await
    .unwrap();
    assert_eq!(s.person_award_records(g.a.id).await.unwrap(), [rec]);
    assert_eq!(s.unit_award_records(g.dept.id).await.unwrap().len(), 1);
    let both = s
        .create_award_record(
            &sys(),
            record(
                Some(g.a.id),
                Some(g.dept.id),
                "x",
                date!(2024 - 01 - 10),
                None,
            ),
        )
        .await;
    assert!(
        both.is_err(),
        "a record is for a person or a unit, not both"
    );
    verify_chain(s).await;
}

pub async fn initiatives_are_created_and_reviewed(s: Arc<dyn Store>) {
    let s = &*s;
    let g = ground(s).await;
    let (sk, reviewed) = reviewed_sk(s, &g).await;
    assert_eq!(sk.authors.len(), 2);
    assert_eq!(sk.scope, None);
    let dup = s
        .create_initiative(
            &sys(),
            initiative(
                "SK-2025-01",
                "Trùng",
                g.dept.id,
                date!(2025 - 03 - 01),
                vec![],
            ),
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(ref m)) if m.contains("Mã sáng kiến")));
    assert_eq!(
        (reviewed.scope.as_deref(), reviewed.recognized_on),
        (Some("co_so"), Some(date!(2025 - 10 - 01)))
    );
    assert_eq!(s.person_initiatives(g.b.id).await.unwrap()[0].id, sk.id);
    assert_eq!(s.initiative(sk.id).await.unwrap(), reviewed);
    verify_chain(s).await;
}

/// The department's subtree holds Một and Hai; the root's also the third person. Members are
/// counted by the positions held that year.
pub async fn member_stats_count_the_positions_held_that_year(s: Arc<dyn Store>) {
    let s = &*s;
    let g = ground(s).await;
    titles_and_ratings(s, &g).await;
    let st = s.member_stats(g.dept.id, 2025).await.unwrap();
    assert_eq!(st.total, 2);
    assert_eq!(
        st.ratings,
        [("httnv".to_string(), 1), ("htxsnv".to_string(), 1)]
    );
    assert_eq!(
        st.titles,
        [
            ("chien_si_thi_dua_co_so".to_string(), 1),
            ("lao_dong_tien_tien".to_string(), 1)
        ]
    );
    assert_eq!(s.member_stats(g.root.id, 2025).await.unwrap().total, 3);
    // Someone who left the subtree before 2025 is not a member in 2025 but was in 2024.
    let c = fourth(s, &g).await;
    s.update_person(
        &sys(),
        c.id,
        PersonChanges {
            full_name: c.full_name.clone(),
            gender: c.gender,
            birth: c.birth,
            cccd: None,
            unit_id: g.root.id,
            position: Some("Chuyên viên".into()),
            position_since: date!(2024 - 07 - 01),
            ratings: vec![],
        },
    )
    .await
    .unwrap();
    assert_eq!(s.member_stats(g.dept.id, 2025).await.unwrap().total, 2);
    assert_eq!(s.member_stats(g.dept.id, 2024).await.unwrap().total, 3);
    assert_eq!(s.member_stats(g.dept.id, 2019).await.unwrap().total, 0);
    verify_chain(s).await;
}

/// An award that uses an initiative marks it in the same transaction; a second use is refused
/// and leaves no award behind; someone who is not an author cannot use it.
pub async fn an_initiative_is_used_by_one_award_only(s: Arc<dyn Store>) {
    let s = &*s;
    let g = ground(s).await;
    let (sk, _) = reviewed_sk(s, &g).await;
    let c = fourth(s, &g).await;
    s.create_award_record(
        &sys(),
        NewAwardRecord {
            person_id: Some(g.a.id),
            unit_id: None,
            code: "bang_khen_tinh".into(),
            date: date!(2025 - 12 - 20),
            decision: Some("9/QĐ-UBND".into()),
            note: None,
            uses: Some(use_sk("Bằng khen tỉnh 2025", date!(2025 - 12 - 20))),
        },
    )
    .await
    .unwrap();
    let used = s.initiative(sk.id).await.unwrap();
    assert_eq!(used.used_by.as_deref(), Some("Bằng khen tỉnh 2025"));
    assert_eq!(used.used_on, Some(date!(2025 - 12 - 20)));
    let again = s
        .create_award_record(
            &sys(),
            NewAwardRecord {
                person_id: Some(g.b.id),
                unit_id: None,
                code: "bang_khen_tinh".into(),
                date: date!(2025 - 12 - 21),
                decision: None,
                note: None,
                uses: Some(use_sk("Bằng khen tỉnh (b)", date!(2025 - 12 - 21))),
            },
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(ref m)) if m.contains("Bằng khen tỉnh 2025")),
        "{again:?}"
    );
    assert!(s.person_award_records(g.b.id).await.unwrap().is_empty());
    let c_uses = s
        .put_person_titles(
            &sys(),
            c.id,
            &[t(2025, "chien_si_thi_dua_co_so")],
            &[use_sk("CSTĐCS 2025", date!(2025 - 12 - 31))],
        )
        .await;
    assert!(matches!(c_uses, Err(StoreError::Invalid(_))), "{c_uses:?}");
    assert!(s.person_titles(c.id).await.unwrap().is_empty());
    verify_chain(s).await;
}

/// An unrecognised initiative cannot be used; a title that used one releases it when deleted.
pub async fn deleting_a_title_releases_its_initiative(s: Arc<dyn Store>) {
    let s = &*s;
    let g = ground(s).await;
    titles_and_ratings(s, &g).await;
    let sk2 = unreviewed_sk2(s, &g).await;
    let use_sk2 = || InitiativeUse {
        codes: vec!["SK-2024-07".into()],
        label: "CSTĐCS năm 2024".into(),
        on: date!(2024 - 12 - 31),
    };
    let unreviewed = s
        .put_person_titles(
            &sys(),
            g.b.id,
            &[t(2024, "chien_si_thi_dua_co_so")],
            &[use_sk2()],
        )
        .await;
    assert!(
        matches!(unreviewed, Err(StoreError::Invalid(ref e)) if e.message.contains("chưa được hội đồng công nhận"))
    );
    s.review_initiative(&sys(), sk2.id, "co_so", date!(2024 - 11 - 01), None)
        .await
        .unwrap();
    s.put_person_titles(
        &sys(),
        g.b.id,
        &[t(2024, "chien_si_thi_dua_co_so")],
        &[use_sk2()],
    )
    .await
    .unwrap();
    assert!(s.initiative(sk2.id).await.unwrap().used_by.is_some());
    let left = s
        .delete_person_title(
            &sys(),
            g.b.id,
            2024,
            "chien_si_thi_dua_co_so",
            "CSTĐCS năm 2024",
        )
        .await
        .unwrap();
    assert_eq!(left, [t(2025, "lao_dong_tien_tien")]);
    assert_eq!(s.initiative(sk2.id).await.unwrap().used_by, None);
    assert!(matches!(
        s.delete_person_title(&sys(), g.b.id, 2024, "chien_si_thi_dua_co_so", "x")
            .await,
        Err(StoreError::NotFound(_))
    ));
    verify_chain(s).await;
}

/// The unit's initiatives: its own and those of units below, newest first.
pub async fn unit_initiatives_include_the_subtree_newest_first(s: Arc<dyn Store>) {
    let s = &*s;
    let g = ground(s).await;
    reviewed_sk(s, &g).await;
    unreviewed_sk2(s, &g).await;
    let listed = s.unit_initiatives(g.dept.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
        ["SK-2025-01", "SK-2024-07"]
    );
    assert_eq!(s.unit_initiatives(g.team.id).await.unwrap().len(), 1);
}

/// An import is all or nothing: a bad person id at the end leaves nothing written.
pub async fn an_import_is_all_or_nothing(s: Arc<dyn Store>) {
    let s = &*s;
    let g = ground(s).await;
    let c = fourth(s, &g).await;
    let batch = HistoryBatch {
        ratings: vec![(c.id, vec![rating(2023, TaskRating::Good)])],
        titles: vec![(999_999, vec![t(2023, "lao_dong_tien_tien")])],
    };
    assert!(s.import_history(&sys(), &batch).await.is_err());
    assert!(s.person_ratings(c.id).await.unwrap().is_empty());
    let batch = HistoryBatch {
        titles: vec![(c.id, vec![t(2023, "lao_dong_tien_tien")])],
        ..batch
    };
    s.import_history(&sys(), &batch).await.unwrap();
    assert_eq!(s.person_ratings(c.id).await.unwrap().len(), 1);
    assert_eq!(s.person_titles(c.id).await.unwrap().len(), 1);
    verify_chain(s).await;
}
