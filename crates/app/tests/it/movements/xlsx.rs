//! Registration by XLSX: the template holds the unit and its staff; a filled template is a new
//! version; a broken file is refused naming its row and column, and nothing is written.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use tdkt_app::on_both;
use tdkt_app::testing::Backend;
use tdkt_domain::movement::{MovementState, RegistrationSource};

use super::fixtures::*;

on_both!(
    the_template_holds_the_unit_and_one_row_per_person,
    a_filled_template_is_imported_as_a_new_version,
    a_broken_file_is_refused_naming_row_and_column_with_nothing_written,
);

const HEADER: [&str; 5] = ["doi_tuong", "ho_ten", "cccd", "ma_don_vi", "danh_hieu"];

/// The cells of a sheet as text.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook");
    wb.worksheet_range(name)
        .expect("the sheet")
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// A workbook of one sheet with these rows, every cell a string.
fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

fn header() -> Vec<String> {
    row(&HEADER)
}

async fn the_template_holds_the_unit_and_one_row_per_person(b: Backend) {
    let w = world(b).await;
    let m = w.at(MovementState::Launched).await;
    let bytes =
        w.t.app
            .registration_template(&w.clerk, m.id, w.dept.id)
            .await
            .unwrap();
    let rows = sheet(&bytes, "Dang ky");
    assert_eq!(rows[0], HEADER);
    assert_eq!(
        rows[1],
        [
            "tap_the",
            w.dept.name.as_str(),
            "",
            w.dept.code.as_str(),
            ""
        ]
    );
    // One row per person of the dept's subtree (Đức of the dept, Bình of the school).
    let mut people: Vec<(String, String, String)> = rows[2..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    people.sort();
    assert_eq!(
        people,
        [
            ("ca_nhan".into(), "Nguyễn Văn Đức".into(), DUC_CCCD.into()),
            ("ca_nhan".into(), "Trần Thị Bình".into(), BINH_CCCD.into()),
        ]
    );
    assert!(
        rows[2..]
            .iter()
            .all(|r| r.get(4).is_none_or(|c| c.is_empty()))
    );
    let titles = sheet(&bytes, "Danh hieu");
    assert_eq!(titles[0], ["ma", "ten", "doi_tuong"]);
    assert!(
        titles
            .iter()
            .any(|r| r[..3] == ["lao_dong_tien_tien", "Lao động tiên tiến", "ca_nhan"])
    );
    assert!(
        titles
            .iter()
            .any(|r| r[0] == "tap_the_lao_dong_tien_tien" && r[2] == "tap_the")
    );
    assert!(!titles.iter().any(|r| r[0] == "bang_khen_tinh"));
    // Another department's clerk gets no template of this one.
    forbidden(
        w.t.app
            .registration_template(&w.clerk2, m.id, w.dept.id)
            .await
            .unwrap_err(),
    );
}

/// The template filled in: the collective by its code, Đức's title by its name, Bình's row left
/// empty (skipped), a row added for the school. Imported, it is version 1 from a spreadsheet;
/// a second file is version 2 and the first stays.
async fn a_filled_template_is_imported_as_a_new_version(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let m = w.at(MovementState::Launched).await;
    let template = app
        .registration_template(&w.clerk, m.id, w.dept.id)
        .await
        .unwrap();
    let mut rows = sheet(&template, "Dang ky");
    for r in rows.iter_mut().skip(1) {
        r.resize(5, String::new());
        if r[0] == "tap_the" {
            r[4] = "tap_the_lao_dong_tien_tien".into();
        } else if r[1] == "Nguyễn Văn Đức" {
            r[4] = "Lao động tiên tiến".into();
        }
    }
    rows.push(row(&[
        "tap_the",
        "",
        "",
        &w.school.code,
        "tap_the_lao_dong_xuat_sac",
    ]));
    let seq = w.audit_seq().await;
    let r = app
        .register_from_xlsx(&w.clerk, m.id, w.dept.id, 2026, &xlsx(&rows))
        .await
        .unwrap();
    assert_eq!((r.version, r.source), (1, RegistrationSource::Spreadsheet));
    assert_eq!(w.audit_seq().await, seq + 1);
    let mut lines: Vec<(Option<i64>, Option<i64>, String)> = r
        .lines
        .iter()
        .map(|l| (l.person_id, l.unit_id, l.award_code.clone()))
        .collect();
    lines.sort();
    let mut expected = vec![
        (
            None,
            Some(w.dept.id),
            "tap_the_lao_dong_tien_tien".to_string(),
        ),
        (
            None,
            Some(w.school.id),
            "tap_the_lao_dong_xuat_sac".to_string(),
        ),
        (Some(w.duc.id), None, "lao_dong_tien_tien".to_string()),
    ];
    expected.sort();
    assert_eq!(lines, expected);

    // Written by hand, without the template: by CCCD only, a collective without a code is the
    // unit itself, «Cá nhân» with its diacritics.
    let second = xlsx(&[
        header(),
        row(&["Cá nhân", "", BINH_CCCD, "", "chien_si_thi_dua_co_so"]),
        row(&["tap_the", "", "", "", "tap_the_lao_dong_xuat_sac"]),
    ]);
    let r2 = app
        .register_from_xlsx(&w.clerk, m.id, w.dept.id, 2026, &second)
        .await
        .unwrap();
    assert_eq!(r2.version, 2);
    assert!(r2.lines.iter().any(|l| l.person_id == Some(w.binh.id)));
    assert!(r2.lines.iter().any(|l| l.unit_id == Some(w.dept.id)));
    let page = app
        .registration_page(&w.clerk, m.id, w.dept.id, 2026)
        .await
        .unwrap();
    assert_eq!(page.versions.len(), 2);
    assert_eq!(page.versions[0].lines.len(), 3);
    assert_eq!(page.versions[0].source, RegistrationSource::Spreadsheet);
}

async fn a_broken_file_is_refused_naming_row_and_column_with_nothing_written(b: Backend) {
    let w = world(b).await;
    let app = &w.t.app;
    let m = w.at(MovementState::Launched).await;
    let good = || row(&["tap_the", "", "", "", "tap_the_lao_dong_tien_tien"]);
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("tep", "XLSX", b"PK\x03\x04 not a workbook".to_vec()),
        ("tep", "XLSX", b"doi_tuong,ho_ten,danh_hieu\n".to_vec()),
        (
            "dong[1].tieu_de",
            "danh_hieu",
            xlsx(&[
                row(&["doi_tuong", "ho_ten", "cccd", "ma_don_vi"]),
                row(&["ca_nhan", "Nguyễn Văn Đức"]),
            ]),
        ),
        (
            "dong[3].ho_ten",
            "Dòng 3, cột «ho_ten»",
            xlsx(&[
                header(),
                good(),
                row(&[
                    "ca_nhan",
                    "Hoàng Văn Không Có",
                    "",
                    "",
                    "lao_dong_tien_tien",
                ]),
            ]),
        ),
        // A person of another department is not in the unit.
        (
            "dong[2].ho_ten",
            "Dòng 2, cột «ho_ten»",
            xlsx(&[
                header(),
                row(&["ca_nhan", "Lê Thị Yến", "", "", "lao_dong_tien_tien"]),
            ]),
        ),
        // Bình's CCCD with Đức's name.
        (
            "dong[2].ho_ten",
            "Trần Thị Bình",
            xlsx(&[
                header(),
                row(&[
                    "ca_nhan",
                    "Nguyễn Văn Đức",
                    BINH_CCCD,
                    "",
                    "lao_dong_tien_tien",
                ]),
            ]),
        ),
        (
            "dong[3].danh_hieu",
            "Dòng 3, cột «danh_hieu»",
            xlsx(&[
                header(),
                good(),
                row(&["ca_nhan", "Nguyễn Văn Đức", "", "", "Người tốt việc tốt"]),
            ]),
        ),
        (
            "dong[2].danh_hieu",
            "chỉ ghi danh hiệu",
            xlsx(&[
                header(),
                row(&["ca_nhan", "Nguyễn Văn Đức", "", "", "bang_khen_tinh"]),
            ]),
        ),
        (
            "dong[2].doi_tuong",
            "Dòng 2, cột «doi_tuong»",
            xlsx(&[
                header(),
                row(&["nhom", "Tổ Toán", "", "", "tap_the_lao_dong_tien_tien"]),
            ]),
        ),
        (
            "dong[2].ma_don_vi",
            "so_yt",
            xlsx(&[
                header(),
                row(&["tap_the", "", "", "so_yt", "tap_the_lao_dong_tien_tien"]),
            ]),
        ),
        (
            "dong[3].danh_hieu",
            "dòng 2",
            xlsx(&[header(), good(), good()]),
        ),
        (
            "dong[2].danh_hieu",
            "không có dòng nào",
            xlsx(&[header(), row(&["ca_nhan", "Nguyễn Văn Đức", "", "", ""])]),
        ),
    ];
    for (field, words, bytes) in cases {
        let e = refused(
            &w,
            None,
            app.register_from_xlsx(&w.clerk, m.id, w.dept.id, 2026, &bytes),
        )
        .await;
        let (f, msg) = invalid(e);
        assert_eq!(f, field, "{msg}");
        assert!(msg.contains(words), "{field}: {msg}");
        assert!(
            w.t.store()
                .registration_versions(m.id, w.dept.id, 2026)
                .await
                .unwrap()
                .is_empty(),
            "{field}: a version was written"
        );
    }
    // A good file from another unit's clerk is refused for lack of rights.
    forbidden(
        refused(
            &w,
            None,
            app.register_from_xlsx(&w.clerk2, m.id, w.dept.id, 2026, &xlsx(&[header(), good()])),
        )
        .await,
    );
    let r = app
        .register_from_xlsx(&w.clerk, m.id, w.dept.id, 2026, &xlsx(&[header(), good()]))
        .await
        .unwrap();
    assert_eq!(r.version, 1, "nothing was written before");
}
