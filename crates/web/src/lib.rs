//! HTTP interface of tdkt: server-rendered Vietnamese pages (askama + htmx, assets embedded)
//! and the JSON API under `/api/v1` with its OpenAPI document. Handlers only translate HTTP to
//! use cases of `tdkt-app` and back.

mod api;
mod assets;
mod auth;
mod csrf;
mod errors;
mod extract;
mod html;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use tdkt_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use api::openapi_json;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// The public address printed in certificates' QR codes (e.g. `https://tdkt.gialai.gov.vn`);
    /// without it, the address the request came to.
    pub public_url: Option<String>,
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub cfg: WebConfig,
}

/// The whole HTTP application.
pub fn router(app: App, cfg: WebConfig) -> Router {
    let state = AppState { app, cfg };
    Router::new()
        .merge(html::routes())
        .merge(api::routes())
        .merge(assets::routes())
        .fallback(html::not_found)
        .layer(middleware::from_fn(csrf::check))
        .layer(middleware::from_fn_with_state(state.clone(), auth::resolve))
        // Dossier documents may be up to the configured size; everything else is small.
        .layer(RequestBodyLimitLayer::new(
            (state.app.procedure.documents.max_mb as usize + 1) * 1024 * 1024,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'",
            ),
        ))
        .layer(CatchPanicLayer::custom(errors::panic_page))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until Ctrl-C / SIGTERM; `on_ready` is called with the bound address.
pub async fn serve(
    app: App,
    cfg: WebConfig,
    listen: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    on_ready(listener.local_addr()?);
    axum::serve(
        listener,
        router(app, cfg).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
}
