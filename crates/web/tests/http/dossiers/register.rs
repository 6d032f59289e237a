//! The register of awards: searched without diacritics, per person, exported to XLSX.

use calamine::Reader;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use super::{Case, Stage};

on_both!(
    the_register_finds_the_award_without_diacritics,
    a_persons_register_history_lists_the_decision,
    the_register_search_exports_to_xlsx
);

async fn the_register_finds_the_award_without_diacritics(b: Backend) {
    let c = Case::at(b, Stage::Decided).await;
    let found = c.sp.get_text("/so-khen-thuong?q=nguyen+van+duc").await;
    assert!(
        found.contains("1/QĐ-UBND") && found.contains("3.510.000"),
        "{found}"
    );
}

async fn a_persons_register_history_lists_the_decision(b: Backend) {
    let c = Case::at(b, Stage::Decided).await;
    let history =
        c.sp.get_text(&format!("/so-khen-thuong?ca_nhan={}", c.duc))
            .await;
    assert!(
        history.contains("Lịch sử khen thưởng của Nguyễn Văn Đức") && history.contains("1/QĐ-UBND")
    );
}

async fn the_register_search_exports_to_xlsx(b: Backend) {
    let c = Case::at(b, Stage::Decided).await;
    let xlsx =
        c.sp.get_bytes("/so-khen-thuong.xlsx?q=nguyen+van+duc")
            .await;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        cells.contains(&"Nguyễn Văn Đức".to_string())
            && cells.iter().any(|c| c.contains("1/QĐ-UBND")),
        "{cells:?}"
    );
}
