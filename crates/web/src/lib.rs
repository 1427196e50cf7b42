//! chiso-web: the web application and its JSON API.
//!
//! A thin shell: handlers check who is asking (`auth`), ask the core and the
//! analytics engine held in `state`, and render askama templates or JSON.
//! Every route checks `chiso_core::access::Scope` for the units it touches.
//!
//! Map: `auth` (login, sessions, tokens, CSRF), `state` (store + resident
//! engine), `pages/*` (HTML, one module per area), `api/*` (JSON, DHIS2
//! endpoints, OpenAPI), `demo` (demo accounts).

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::Arc;

pub mod api;
pub mod auth;
pub mod charts;
pub mod demo;
pub mod error;
pub mod pages;
pub mod register_edit;
pub mod reports;
pub mod state;

pub use state::{AppState, Config};

/// The whole application.
pub fn router(state: Arc<AppState>) -> Router {
    let throttle = Arc::new(auth::LoginThrottle::default());
    Router::new()
        .merge(pages::account::routes())
        .merge(pages::home::routes())
        .merge(pages::entry::routes())
        .merge(pages::review::routes())
        .merge(pages::targets::routes())
        .merge(pages::dashboard::routes())
        .merge(pages::audit::routes())
        .merge(pages::accounts::routes())
        .merge(pages::reports::routes())
        .merge(pages::registers::routes())
        .merge(pages::dossiers::routes())
        .merge(pages::dti::routes())
        .merge(api::routes())
        .route("/static/app.css", get(|| static_file(CSS, include_str!("../static/app.css"))))
        .route("/static/entry.js", get(|| static_file(JS, include_str!("../static/entry.js"))))
        .route("/static/entry.css", get(|| static_file(CSS, include_str!("../static/entry.css"))))
        .route("/static/boards.css", get(|| static_file(CSS, include_str!("../static/boards.css"))))
        .route("/static/admin.css", get(|| static_file(CSS, include_str!("../static/admin.css"))))
        .route("/static/app.js", get(|| static_file(JS, include_str!("../static/app.js"))))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(|| async { error::AppError::not_found("trang này") })
        .layer(axum::Extension(throttle))
        .layer(axum::middleware::from_fn(auth::same_origin_only))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

async fn static_file(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=300")], body)
}

/// Serves the application on `addr` until the process is stopped.
pub async fn serve(state: Arc<AppState>, addr: std::net::SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener).await
}

/// Serves on a listener already bound (tests bind port 0).
pub async fn serve_on(state: Arc<AppState>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}
