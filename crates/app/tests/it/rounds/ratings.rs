//! The year's ratings: the grid and the personnel office's XLSX (the template filled in, read
//! back), every error named by row and column, nothing written on any error, an initiative
//! written once however often the file comes, and the progress moving to "rating".

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::person::TaskRating;
use tdkt_domain::round::RoundProgress;
use tdkt_store::RoundUnitRow;

use super::fixtures::*;

on_both!(
    the_grid_writes_ratings_and_starts_the_unit,
    the_template_filled_in_imports_and_twice_adds_no_initiative,
    every_broken_file_names_row_and_column_and_writes_nothing,
);

/// Cells of the first sheet as text, row by row.
fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let (r0, c0) = range.start().unwrap();
    let mut out = vec![vec![]; r0 as usize];
    for row in range.rows() {
        let mut v = vec![String::new(); c0 as usize];
        v.extend(row.iter().map(|c| match c {
            Data::Empty => String::new(),
            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            other => other.to_string(),
        }));
        out.push(v);
    }
    out
}

/// An XLSX of these rows (strings; empty cells left out).
fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn row(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const HEAD: &[&str] = &[
    "STT",
    "Họ và tên",
    "Năm sinh",
    "Xếp loại",
    "Số ngày nghỉ",
    "Kỷ luật",
    "Sáng kiến cấp cơ sở được công nhận",
];

async fn the_grid_writes_ratings_and_starts_the_unit(b: Backend) {
    let w = world(b).await;
    let r = w.open().await;
    let part = w.part(&r, w.dept.id).await;
    assert_eq!(part.progress, RoundProgress::NotStarted);
    // A person of another unit: refused, nothing written, still not started.
    let e = refused(
        &w,
        w.t.app.put_round_ratings(
            &w.clerk,
            part.id,
            &[
                facts(w.bich.id, "httnv", None, None, &[]),
                facts(w.yen.id, "httnv", None, None, &[]),
            ],
        ),
    )
    .await;
    assert!(invalid(e).1.contains("Dòng 2"));
    assert_eq!(w.rating_of(w.bich.id).await, None);
    assert_eq!(w.reload(&part).await.progress, RoundProgress::NotStarted);
    // Another unit's clerk may not rate here.
    forbidden(
        refused(
            &w,
            w.t.app.put_round_ratings(
                &w.clerk2,
                part.id,
                &[facts(w.bich.id, "httnv", None, None, &[])],
            ),
        )
        .await,
    );
    let done =
        w.t.app
            .put_round_ratings(&w.clerk, part.id, &w.dept_facts())
            .await
            .unwrap();
    assert_eq!((done.rows, done.initiatives), (5, 1));
    let cuong = w.rating_of(w.cuong.id).await.unwrap();
    assert_eq!(
        (cuong.rating, cuong.absent_days),
        (TaskRating::Good, Some(45))
    );
    let dung = w.rating_of(w.dung.id).await.unwrap();
    assert_eq!(dung.discipline.as_deref(), Some("khien_trach"));
    assert_eq!(w.reload(&part).await.progress, RoundProgress::Rating);
    let page =
        w.t.app
            .round_people_page(&w.clerk, part.id, 1, 50, None)
            .await
            .unwrap();
    assert_eq!((page.total, page.rated), (5, 5));
    let by = |r: TaskRating| page.by_rating.iter().find(|x| x.0 == r).unwrap().1;
    assert_eq!((by(TaskRating::Excellent), by(TaskRating::Good)), (2, 3));
}

async fn template(w: &World, part: &RoundUnitRow) -> Vec<Vec<String>> {
    let bytes =
        w.t.app
            .round_ratings_template(&w.clerk, part.id)
            .await
            .unwrap();
    cells(&bytes)
}

async fn the_template_filled_in_imports_and_twice_adds_no_initiative(b: Backend) {
    let w = world(b).await;
    let r = w.open().await;
    let part = w.part(&r, w.dept.id).await;
    let mut rows = template(&w, &part).await;
    assert!(rows[0][0].contains("2025"), "{:?}", rows[0]);
    assert_eq!(
        rows[2][..11],
        row(&[
            "STT",
            "Mã cá nhân",
            "Họ và tên",
            "CCCD",
            "Năm sinh",
            "Đơn vị",
            "Chức vụ",
            "Xếp loại",
            "Số ngày nghỉ",
            "Kỷ luật",
            "Sáng kiến cấp cơ sở được công nhận",
        ])[..]
    );
    // The dept's five people with their codes, not the school's.
    let mut listed: Vec<(String, String)> = rows[3..]
        .iter()
        .filter(|r| r.len() > 2 && !r[2].is_empty())
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    listed.sort();
    let mut want: Vec<(String, String)> = [&w.an80, &w.an90, &w.bich, &w.cuong, &w.dung]
        .iter()
        .map(|p| (p.id.to_string(), p.full_name.clone()))
        .collect();
    want.sort();
    assert_eq!(listed, want);
    // Filled in: each person's rating, Bích with an initiative.
    for r in rows.iter_mut().skip(3) {
        if r.len() < 3 || r[2].is_empty() {
            continue;
        }
        r.resize(11, String::new());
        let id: i64 = r[1].parse().unwrap();
        let (rating, absent, discipline, init) = if id == w.bich.id {
            ("HTXSNV", "2", "", "Sổ điểm điện tử; Thư viện số")
        } else if id == w.cuong.id {
            ("HTTNV", "45", "", "")
        } else if id == w.dung.id {
            ("HTNV", "", "Khiển trách", "")
        } else {
            ("HTTNV", "0", "", "")
        };
        r[7] = rating.into();
        r[8] = absent.into();
        r[9] = discipline.into();
        r[10] = init.into();
    }
    let file = xlsx(&rows);
    let done =
        w.t.app
            .import_round_ratings(&w.clerk, part.id, &file)
            .await
            .unwrap();
    assert_eq!((done.rows, done.initiatives), (5, 2));
    assert_eq!(w.reload(&part).await.progress, RoundProgress::Rating);
    let bich = w.rating_of(w.bich.id).await.unwrap();
    assert_eq!(
        (bich.rating, bich.absent_days),
        (TaskRating::Excellent, Some(2))
    );
    let dung = w.rating_of(w.dung.id).await.unwrap();
    assert_eq!(
        (dung.rating, dung.discipline.as_deref()),
        (TaskRating::Completed, Some("khien_trach"))
    );
    let first = held(&w).await;
    assert_eq!(first.len(), 2);
    assert!(first.iter().all(|i| i.scope.as_deref() == Some("co_so")));
    // The same file again: the ratings stay, no second initiative.
    w.t.app
        .import_round_ratings(&w.clerk, part.id, &file)
        .await
        .unwrap();
    assert_eq!(held(&w).await, first);
    // The template now shows what is recorded.
    let again = template(&w, &part).await;
    let line = again
        .iter()
        .find(|r| r.len() > 7 && r[1] == w.bich.id.to_string())
        .unwrap();
    assert_eq!(line[7], "HTXSNV");
}

/// Each broken file is refused with the row and column; the good ratings entered before stay
/// as they were, the progress stays "not started" (nothing at all was written).
async fn every_broken_file_names_row_and_column_and_writes_nothing(b: Backend) {
    let w = world(b).await;
    let r = w.open().await;
    let part = w.part(&r, w.dept.id).await;
    let good = |name: &str| row(&["1", name, "", "HTTNV", "", "", ""]);
    let cases: Vec<(Vec<Vec<String>>, &str)> = vec![
        (
            vec![
                row(HEAD),
                good("Trần Thị Bích"),
                row(&["2", "Lê Văn Cường", "", "Xuất sắc lắm", "", "", ""]),
            ],
            "Dòng 3, cột «Xếp loại»",
        ),
        (
            vec![
                row(HEAD),
                good("Trần Thị Bích"),
                row(&["2", "Lê Văn Cường", "", "HTTNV", "abc", "", ""]),
            ],
            "Dòng 3, cột «Số ngày nghỉ»",
        ),
        (
            vec![
                row(HEAD),
                row(&["1", "Phạm Thị Dung", "", "HTNV", "", "Phạt tiền", ""]),
                good("Trần Thị Bích"),
            ],
            "Dòng 2, cột «Kỷ luật»",
        ),
        (
            vec![row(HEAD), good("Trần Thị Bích"), good("Ngô Văn Lạ")],
            "Dòng 3, cột «Họ và tên»",
        ),
        (
            vec![
                row(HEAD),
                good("Trần Thị Bích"),
                good("Lê Văn Cường"),
                good("trần thị bích"),
            ],
            "Dòng 4, cột «Họ và tên»",
        ),
        (
            vec![row(HEAD), good("Trần Thị Bích"), good("Nguyễn Văn An")],
            "Dòng 3, cột «Họ và tên»",
        ),
    ];
    for (rows, place) in cases {
        let file = xlsx(&rows);
        let e = refused(&w, w.t.app.import_round_ratings(&w.clerk, part.id, &file)).await;
        let (field, msg) = invalid(e);
        assert_eq!(field, "tep");
        assert!(msg.contains(place), "{place} in «{msg}»");
        assert!(msg.starts_with("Không ghi gì"), "{msg}");
        assert_eq!(w.rating_of(w.bich.id).await, None, "{place}: Bích written");
        assert_eq!(
            w.rating_of(w.cuong.id).await,
            None,
            "{place}: Cường written"
        );
        assert_eq!(
            w.reload(&part).await.progress,
            RoundProgress::NotStarted,
            "{place}"
        );
    }
    // The same two Ans told apart by birth year go in.
    let file = xlsx(&[
        row(HEAD),
        row(&["1", "Nguyễn Văn An", "1980", "HTTNV", "", "", ""]),
        row(&["2", "Nguyễn Văn An", "1990", "HTXSNV", "", "", ""]),
    ]);
    w.t.app
        .import_round_ratings(&w.clerk, part.id, &file)
        .await
        .unwrap();
    assert_eq!(
        w.rating_of(w.an80.id).await.unwrap().rating,
        TaskRating::Good
    );
    assert_eq!(
        w.rating_of(w.an90.id).await.unwrap().rating,
        TaskRating::Excellent
    );
    // After real ratings a broken file leaves them as they were.
    let before = (w.rating_of(w.an80.id).await, w.reload(&part).await.progress);
    let file = xlsx(&[
        row(HEAD),
        row(&["1", "Nguyễn Văn An", "1980", "HTNV", "abc", "", ""]),
    ]);
    refused(&w, w.t.app.import_round_ratings(&w.clerk, part.id, &file)).await;
    assert_eq!(
        (w.rating_of(w.an80.id).await, w.reload(&part).await.progress),
        before
    );
}

async fn held(w: &World) -> Vec<tdkt_store::HeldInitiative> {
    w.t.store()
        .person_history(w.bich.id)
        .await
        .unwrap()
        .initiatives
}
