//! The binary as an operator uses it: real processes, a real SQLite file and a real
//! PostgreSQL database.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use sqlx::Connection;

fn tdkt(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tdkt"));
    cmd.arg("--database-url")
        .arg(db)
        .args(args)
        .env_remove("TDKT_NEW_PASSWORD")
        .env("TDKT_LOG", "warn");
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("tdkt runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// migrate → create the first admin → verify → tamper → verify names the entry.
fn operator_story(db: &str, tamper: impl FnOnce(&str)) {
    let o = tdkt(db, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = tdkt(
        db,
        &[
            "admin",
            "create-user",
            "--username",
            "quantri",
            "--name",
            "Quản trị",
            "--role",
            "quan_tri",
            "--unit",
            "vn",
        ],
        Some("mật khẩu 2025\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Đã tạo tài khoản quantri"));
    let o = tdkt(
        db,
        &[
            "admin",
            "create-user",
            "--username",
            "nguoi_x",
            "--name",
            "X",
            "--role",
            "quan_tri",
            "--unit",
            "khong_co",
        ],
        Some("mật khẩu 2025\n"),
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("Không có đơn vị mã «khong_co»"),
        "{}",
        text(&o)
    );
    let o = tdkt(
        db,
        &[
            "admin",
            "create-user",
            "--username",
            "nguoi_y",
            "--name",
            "Y",
            "--role",
            "giam_doc",
            "--unit",
            "vn",
        ],
        Some("mật khẩu 2025\n"),
    );
    assert!(text(&o).contains("vai_tro[0]"), "{}", text(&o));
    let o = tdkt(db, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("OK: chuỗi nhật ký nguyên vẹn, 2 mục"),
        "{}",
        text(&o)
    );
    tamper(db);
    let o = tdkt(db, &["audit", "verify"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("HỎNG: mục nhật ký số 2 đã bị sửa"),
        "{}",
        text(&o)
    );
}

#[test]
fn operator_story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tdkt.db").display().to_string();
    operator_story(&db, |db| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{db}"))
                .await
                .unwrap();
            sqlx::query("UPDATE audit_log SET actor = 'system:ai-do' WHERE seq = 2")
                .execute(&mut c)
                .await
                .unwrap();
        });
    });
}

#[test]
fn operator_story_on_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(tdkt_store_postgres::testing::TestDatabase::create());
    operator_story(&db.url, |url| {
        rt.block_on(async {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query("UPDATE audit_log SET actor = 'system:ai-do' WHERE seq = 2")
                .execute(&mut c)
                .await
                .unwrap();
        });
    });
}

#[test]
fn demo_builds_a_fresh_database_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.db").display().to_string();
    for _ in 0..2 {
        let o = tdkt(
            "unused.db",
            &["demo", "--database", &file, "--no-serve"],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        let out = text(&o);
        assert!(
            out.contains(
                "276 đơn vị, 24 biến động, 450 cá nhân, 4 cụm thi đua, 25 tài khoản, 5 hồ sơ khen thưởng"
            ) && out.contains("Bình xét cuối năm 2025 của Cần Thơ: 2 đơn vị tham gia"),
            "{out}"
        );
        for user in [
            "quantri",
            "chuyenvien",
            "lanhdao",
            "hoidong",
            "canbo",
            "cumthidua",
            "nguoixem",
        ] {
            assert!(out.contains(user), "{user} missing from {out}");
        }
    }
    let o = tdkt(&file, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn bad_configuration_names_key_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("tdkt.toml");
    std::fs::write(&cfg, "listen = \"not an address\"\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tdkt"))
        .arg("--config")
        .arg(&cfg)
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o);
    assert!(e.contains("«listen»") && e.contains("tdkt.toml"), "{e}");
    let empty = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tdkt"))
        .arg("migrate")
        .env("TDKT_SQLITE_SYNCHRONOUS", "maybe")
        .current_dir(empty.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("sqlite_synchronous"), "{}", text(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_tdkt"))
        .arg("migrate")
        .env("TDKT_NO_SUCH_KEY", "1")
        .current_dir(empty.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "unknown keys are refused: {}",
        text(&o)
    );
}

#[test]
fn serve_answers_http() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db").display().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tdkt"))
        .args([
            "--database-url",
            &db,
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut answer = String::new();
    for _ in 0..100 {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .unwrap();
            s.read_to_string(&mut answer).unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok"),
        "{answer}"
    );
}

#[test]
fn cluster_evaluate_reads_the_documented_example() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/cluster-2022-tay-nguyen.json"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_tdkt"))
        .args(["cluster", "evaluate", "--input", example])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ranking"][0]["id"], "binh_dinh");
    assert_eq!(
        v["ballot"]["categories"][0]["elected"],
        serde_json::json!(["binh_dinh", "dak_nong"])
    );
    assert_eq!(v["ballot"]["rule_hash"].as_str().unwrap().len(), 64);

    // A score above the criterion's maximum is refused, naming the item.
    let mut bad: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    bad["scores"][3]["points"] = serde_json::json!(99);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, bad.to_string()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tdkt"))
        .args(["cluster", "evaluate", "--input"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("scores[3].points") && text(&o).contains("ngoài khoảng"),
        "{}",
        text(&o)
    );
    std::fs::write(&path, "{\"members\": [").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tdkt"))
        .args(["cluster", "evaluate", "--input"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("không đúng định dạng (dòng 1"),
        "{}",
        text(&o)
    );
}

#[test]
fn eligibility_check_one_and_batch() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/eligibility-bang-khen-thu-tuong.json"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_tdkt"))
        .args(["eligibility", "check", "--input", example])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "not_eligible");
    assert_eq!(v["rule_pack"]["id"], "luat_06_2022_nd_152_2025");
    assert_eq!(
        v["missing"][0],
        "thiếu 1 danh hiệu Chiến sĩ thi đua cơ sở trong giai đoạn 2020–2024"
    );

    // A batch answers each request, errors included.
    let one: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    let mut other = one.clone();
    other["award"] = serde_json::json!("khong_co");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.json");
    std::fs::write(&path, serde_json::json!([one, other]).to_string()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tdkt"))
        .args(["eligibility", "check", "--input"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["verdict"], "not_eligible");
    assert_eq!(v[1]["error"]["field"], "award");
}
