//! The `tdkt` binary: configuration, logging, and the commands.

mod config;

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use tdkt_app::accounts::UserInput;
use tdkt_app::{App, open_store};

use crate::config::Config;

#[derive(Parser)]
#[command(
    name = "tdkt",
    version,
    about = "tdkt — quản lý công tác thi đua, khen thưởng (emulation and commendation work)"
)]
struct Cli {
    /// Configuration file (TOML). Default: ./tdkt.toml if it exists. Every key can also be set
    /// as an environment variable TDKT_<KEY>, e.g. TDKT_DATABASE_URL.
    #[arg(long, global = true, env = "TDKT_CONFIG")]
    config: Option<PathBuf>,
    /// Database: a SQLite file (`./tdkt.db`, `sqlite://file.db`) or `postgres://…`.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Create a fresh demo database from data/demo and serve it.
    Demo {
        /// SQLite file for the demo; it is replaced. Ignored with --database-url postgres://…,
        /// which must point at an empty database.
        #[arg(long, default_value = "tdkt-demo.db")]
        database: PathBuf,
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Load the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The audit chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the OpenAPI document of the JSON API.
    Openapi,
    /// The eligibility engine.
    Eligibility {
        #[command(subcommand)]
        command: EligibilityCommand,
    },
    /// Cluster conference tools.
    Cluster {
        #[command(subcommand)]
        command: ClusterCommand,
    },
}

#[derive(Subcommand)]
enum EligibilityCommand {
    /// Check a subject (or an array of them) against an award on a reference date; prints the
    /// verdicts as JSON (format: docs/eligibility.md). Needs no database.
    Check {
        /// The input file; `-` reads standard input.
        #[arg(long)]
        input: PathBuf,
    },
}

#[derive(Subcommand)]
enum ClusterCommand {
    /// Score, rank and tally a cluster year from a JSON file (format: docs/cluster-evaluation.md);
    /// prints the result as JSON. Needs no database.
    Evaluate {
        /// The input file; `-` reads standard input.
        #[arg(long)]
        input: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account with one role on one unit. The password is read from the first line
    /// of standard input (or TDKT_NEW_PASSWORD).
    CreateUser {
        #[arg(long)]
        username: String,
        /// Full name shown in the interface.
        #[arg(long)]
        name: String,
        /// quan_tri, chuyen_vien_ban, lanh_dao_ban, thanh_vien_hoi_dong, can_bo_don_vi,
        /// can_bo_cum or nguoi_xem.
        #[arg(long)]
        role: String,
        /// Code of the unit the role covers (with its subtree), e.g. `vn` or `gia_lai`.
        #[arg(long)]
        unit: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check that no audit entry was edited or deleted.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Pure computation: no configuration or database needed.
    let pure = match &cli.command {
        Command::Cluster {
            command: ClusterCommand::Evaluate { input },
        } => Some(evaluate(input)),
        Command::Eligibility {
            command: EligibilityCommand::Check { input },
        } => Some(eligibility(input)),
        _ => None,
    };
    if let Some(result) = pure {
        return result.unwrap_or_else(|e| {
            eprintln!("Lỗi: {e:#}");
            ExitCode::FAILURE
        });
    }
    let cfg = match Config::load(cli.config.as_deref(), cli.database_url.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cfg.log).unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match rt.block_on(run(cli.command, cfg)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(cfg: &Config) -> Result<App> {
    let store = open_store(
        &cfg.database_url,
        &cfg.sqlite_synchronous,
        cfg.db_max_connections,
    )
    .await
    .map_err(cli_err)
    .with_context(|| format!("không mở được cơ sở dữ liệu {}", redact(&cfg.database_url)))?;
    let app = App::new(store, cfg.settings());
    app.ensure_root().await.map_err(cli_err)?;
    Ok(app)
}

/// Operators see the details that users never do.
fn cli_err(e: tdkt_app::AppError) -> anyhow::Error {
    match e.field() {
        Some(f) => anyhow::anyhow!("{f}: {}", e.detail()),
        None => anyhow::anyhow!("{}", e.detail()),
    }
}

fn read_input(path: &std::path::Path) -> Result<String> {
    Ok(if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(path)
            .with_context(|| format!("không đọc được tệp {}", path.display()))?
    })
}

/// One request or an array of them; a batch answers one verdict (or error) each.
fn eligibility(path: &std::path::Path) -> Result<ExitCode> {
    let text = read_input(path)?;
    let input: tdkt_domain::eligibility::CheckInput = match serde_json::from_str(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!(
                "Lỗi: tệp {} không đúng định dạng (dòng {}, cột {}): {e}",
                path.display(),
                e.line(),
                e.column()
            );
            return Ok(ExitCode::from(2));
        }
    };
    let rules = tdkt_domain::eligibility::RuleSet::builtin();
    match rules.run(&input) {
        Ok(out) => {
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("Lỗi: {}: {}", e.field, e.message);
            Ok(ExitCode::from(2))
        }
    }
}

fn evaluate(path: &std::path::Path) -> Result<ExitCode> {
    let text = read_input(path)?;
    let input: tdkt_domain::evaluation::EvaluationInput = match serde_json::from_str(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!(
                "Lỗi: tệp {} không đúng định dạng (dòng {}, cột {}): {e}",
                path.display(),
                e.line(),
                e.column()
            );
            return Ok(ExitCode::from(2));
        }
    };
    match tdkt_domain::evaluation::evaluate(&input) {
        Ok(out) => {
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("Lỗi: {}: {}", e.field, e.message);
            Ok(ExitCode::from(2))
        }
    }
}

/// Hides a password in a database URL before printing it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

async fn serve(
    app: App,
    cfg: &Config,
    listen: SocketAddr,
    banner: impl FnOnce(SocketAddr),
) -> Result<()> {
    if cfg.public_url.is_none() {
        // Behind a reverse proxy the request's host may be an internal name, and a QR code on
        // paper cannot be corrected later.
        tracing::warn!(
            "public_url chưa được đặt: mã QR trên bằng khen sẽ dùng địa chỉ của từng yêu cầu; hãy đặt public_url khi chạy thật"
        );
    }
    tdkt_web::serve(
        app,
        tdkt_web::WebConfig {
            secure_cookies: cfg.secure_cookies,
            public_url: cfg.public_url.clone(),
        },
        listen,
        banner,
    )
    .await
    .with_context(|| format!("không mở được cổng {listen}"))
}

async fn run(command: Command, mut cfg: Config) -> Result<ExitCode> {
    match command {
        Command::Serve { listen } => {
            let listen = listen.unwrap_or(cfg.listen);
            let app = open(&cfg).await?;
            serve(app, &cfg, listen, |addr| {
                eprintln!(
                    "tdkt đang chạy tại http://{addr} ({})",
                    redact(&cfg.database_url)
                )
            })
            .await?;
        }
        Command::Migrate => {
            open(&cfg).await?;
            println!(
                "Đã cập nhật cấu trúc cơ sở dữ liệu {}",
                redact(&cfg.database_url)
            );
        }
        Command::Demo {
            database,
            listen,
            no_serve,
        } => {
            if !cfg.database_url_is_postgres() {
                for ext in ["", "-wal", "-shm"] {
                    let p = PathBuf::from(format!("{}{ext}", database.display()));
                    if p.exists() {
                        std::fs::remove_file(&p)
                            .with_context(|| format!("không xoá được {}", p.display()))?;
                    }
                }
                cfg.database_url = database.display().to_string();
                // The demo is throwaway data: skip the fsync of every commit.
                cfg.sqlite_synchronous = "normal".into();
            }
            let app = open(&cfg).await?;
            // Only the root, which every start creates, may be there.
            let empty = !app.has_data().await.map_err(cli_err)?;
            if !empty {
                bail!(
                    "cơ sở dữ liệu {} đã có dữ liệu; demo cần một cơ sở dữ liệu trống",
                    redact(&cfg.database_url)
                );
            }
            let started = std::time::Instant::now();
            let r = tdkt_app::demo::load(&app).await.map_err(cli_err)?;
            println!(
                "Đã tạo dữ liệu demo trong {:.1} giây: {} đơn vị, {} biến động, {} cá nhân, {} cụm thi đua, {} tài khoản, {} hồ sơ khen thưởng, {} phong trào thi đua.",
                started.elapsed().as_secs_f64(),
                r.units,
                r.lineage_events,
                r.people,
                r.clusters,
                r.accounts,
                r.dossiers,
                r.movements
            );
            println!(
                "Bình xét cuối năm 2025 của Cần Thơ: {} đơn vị tham gia, {} người được xếp loại, {} quyết định của đơn vị, {} hồ sơ gửi lên thành phố, 1 quyết định chung cho {} người, tập thể.",
                r.round_units, r.round_rated, r.round_decisions, r.round_dossiers, r.batch_awardees
            );
            println!(
                "\nTài khoản demo (mật khẩu chung: {}):",
                tdkt_app::demo::DEMO_PASSWORD
            );
            for (user, display, role, unit) in tdkt_app::demo::ACCOUNTS {
                println!(
                    "  {user:<10} {:<45} {display} — đơn vị {unit}",
                    role.label()
                );
            }
            println!("  Bình xét cuối năm (cán bộ, lãnh đạo, thành viên Hội đồng của đơn vị):");
            for (user, display, role, unit) in tdkt_app::demo::round_accounts() {
                println!("  {user:<13} {role:<20} {display} — đơn vị {unit}");
            }
            if no_serve {
                return Ok(ExitCode::SUCCESS);
            }
            let listen = listen.unwrap_or(cfg.listen);
            serve(app, &cfg, listen, |addr| {
                println!("\nMở trình duyệt tại: http://{addr}/  (Ctrl-C để dừng)")
            })
            .await?;
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    username,
                    name,
                    role,
                    unit,
                },
        } => {
            let password = match std::env::var("TDKT_NEW_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Nhập mật khẩu cho tài khoản {username}:");
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let app = open(&cfg).await?;
            let u = app
                .create_user(
                    None,
                    UserInput {
                        username,
                        display_name: name,
                        password,
                        grants: vec![(role, unit)],
                    },
                )
                .await
                .map_err(cli_err)?;
            println!("Đã tạo tài khoản {} (mã số {})", u.username, u.id);
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let app = open(&cfg).await?;
            return Ok(match app.verify_audit().await.map_err(cli_err)? {
                Ok(n) => {
                    println!("OK: chuỗi nhật ký nguyên vẹn, {n} mục");
                    ExitCode::SUCCESS
                }
                Err(b) => {
                    println!("HỎNG: {b}");
                    ExitCode::FAILURE
                }
            });
        }
        Command::Openapi => println!("{}", tdkt_web::openapi_json()),
        Command::Cluster {
            command: ClusterCommand::Evaluate { input },
        } => return evaluate(&input),
        Command::Eligibility {
            command: EligibilityCommand::Check { input },
        } => return eligibility(&input),
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("./tdkt.db"), "./tdkt.db");
    }
}
