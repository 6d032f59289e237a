//! `tdkt audit verify` finds edits and deletions made behind the application's back.

use tdkt_domain::audit::ChainBreak;
use tdkt_store::Actor;
use tdkt_store::conformance::new_person;

use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp};

on_both!(edit_is_named, deletion_is_named, tail_deletion_is_named);

async fn with_writes(b: Backend) -> TestApp {
    let t = TestApp::new(b).await;
    let root = t.unit("vn", None).await;
    for n in ["Một", "Hai", "Ba", "Bốn"] {
        t.store()
            .create_person(
                &Actor::system("test"),
                new_person(&format!("Người {n}"), root.id),
            )
            .await
            .unwrap();
    }
    assert_eq!(tdkt_app::audit::verify(t.store()).await.unwrap(), Ok(5));
    t
}

async fn edit_is_named(b: Backend) {
    let t = with_writes(b).await;
    t.raw_exec(
        "UPDATE audit_log SET after = replace(after, 'Người Ba', 'Người Khác') WHERE seq = 4",
    )
    .await;
    assert_eq!(
        tdkt_app::audit::verify(t.store()).await.unwrap(),
        Err(ChainBreak::Altered { seq: 4 })
    );
}

async fn deletion_is_named(b: Backend) {
    let t = with_writes(b).await;
    t.raw_exec("DELETE FROM audit_log WHERE seq = 2").await;
    let r = tdkt_app::audit::verify(t.store()).await.unwrap();
    assert_eq!(
        r,
        Err(ChainBreak::Missing {
            expected: 2,
            found: 3
        })
    );
    assert!(
        r.unwrap_err()
            .to_string()
            .contains("thiếu mục nhật ký số 2")
    );
}

async fn tail_deletion_is_named(b: Backend) {
    let t = with_writes(b).await;
    t.raw_exec("DELETE FROM audit_log WHERE seq = 5").await;
    assert_eq!(
        tdkt_app::audit::verify(t.store()).await.unwrap(),
        Err(ChainBreak::Head {
            expected_seq: 5,
            found_seq: 4
        })
    );
}
