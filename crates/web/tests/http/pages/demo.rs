//! The demo data, walked through as its specialist: a merged province's history, a cluster
//! role of 2023, the clusters, people across provinces.

use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::Server;

on_both!(demo_data_walkthrough);

async fn demo_data_walkthrough(b: Backend) {
    let t = tdkt_app::testing::TestApp::new(b).await;
    tdkt_app::demo::load(&t.app).await.unwrap();
    let s = Server::serve(t).await;
    let c = s
        .login_with("chuyenvien", tdkt_app::demo::DEMO_PASSWORD)
        .await;
    let store = s.t.store();
    let gia_lai = store.unit_by_code("gia_lai").await.unwrap().id;
    let body = c.get_text(&format!("/don-vi/{gia_lai}")).await;
    assert!(
        body.contains("Sáp nhập")
            && body.contains("Tỉnh Bình Định")
            && body.contains("Nghị quyết 202/2025/QH15"),
        "{body}"
    );
    let binh_dinh = store.unit_by_code("binh_dinh").await.unwrap().id;
    let body = c.get_text(&format!("/don-vi/{binh_dinh}")).await;
    assert!(body.contains("hết hiệu lực từ ngày 01/07/2025"));
    assert!(
        body.contains("Năm 2023") && body.contains("Cụm trưởng"),
        "cluster role of 2023 shown on the unit page"
    );
    let clusters = c.get_text("/cum-thi-dua").await;
    assert!(clusters.contains("Tây Nguyên"));
    let people = c.get_text("/ca-nhan?q=nguyen+van+duc").await;
    assert!(
        people.contains("Nguyễn Văn Đức")
            && people.contains("Cần Thơ")
            && !people.contains("Nghệ An")
    );
}
