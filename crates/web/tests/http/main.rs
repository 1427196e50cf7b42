//! The web application over HTTP, in process: each test gets its own copy
//! of the demo province (generated once for 23/11/2026 into a template
//! database file, then copied) and logs in with the demo accounts.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chiso_store::SqliteStore;
use chiso_web::{AppState, Config};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;
use tokio::sync::OnceCell;
use tower::ServiceExt;

mod account;
mod admin;
mod api;
mod boards;
mod documents;
mod dossiers;
mod dti;
mod entry;
mod registers;
mod review;
mod scope;

pub const TODAY: &str = "2026-11-23";
pub const PASSWORD: &str = chiso_web::demo::DEMO_PASSWORD;

pub fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

/// The demo database, made once per test run.
async fn template_db() -> &'static PathBuf {
    static TEMPLATE: OnceCell<(TempDir, PathBuf)> = OnceCell::const_new();
    let (_, path) = TEMPLATE
        .get_or_init(|| async {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("template.db");
            let store = SqliteStore::open(&path).await.unwrap();
            chiso_web::demo::load_demo(&store, today(), &mut |_, _| {}).await.unwrap();
            chiso_web::demo::create_demo_accounts(&store).await.unwrap();
            // Closing the last connection folds the WAL into the main file,
            // so a plain copy is complete.
            store.close().await;
            (dir, path)
        })
        .await;
    path
}

/// One application on its own copy of the demo database.
pub struct TestApp {
    pub state: Arc<AppState>,
    pub router: Router,
    _dir: TempDir,
}

/// A response with its body read.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }
    /// The value of the `name=value` cookie the response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_string())
        })
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        let template = template_db().await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiso.db");
        std::fs::copy(template, &path).unwrap();
        let store = SqliteStore::open(&path).await.unwrap();
        let config = Config { secure_cookies: false, today: Some(today()) };
        let state = Arc::new(AppState::load(Arc::new(store), config).await.unwrap());
        let router = chiso_web::router(state.clone());
        TestApp { state, router, _dir: dir }
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20).await.unwrap();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// Logs in through the login form; returns the session cookie header value.
    pub async fn login(&self, username: &str) -> String {
        let body = format!("username={username}&password={PASSWORD}&next=%2F");
        let r = self.send(form_request("POST", "/login", None, &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login of {username}: {}", r.body);
        format!("chiso_session={}", r.cookie("chiso_session").expect("session cookie"))
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut b = Request::get(path);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// A form post as a browser on this site sends it.
    pub async fn post_form(&self, path: &str, cookie: Option<&str>, body: &str) -> Reply {
        self.send(form_request("POST", path, cookie, body)).await
    }

    /// A JSON API call with HTTP Basic credentials.
    pub async fn api(&self, method: &str, path: &str, username: &str, body: Option<serde_json::Value>) -> Reply {
        use base64::Engine;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{PASSWORD}"));
        let mut b = Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Basic {auth}"));
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).unwrap()).await
    }
}

pub fn form_request(method: &str, path: &str, cookie: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_string())).unwrap()
}

/// Percent-encodes a form field value.
pub fn enc(s: &str) -> String {
    chiso_web::auth::urlencode(s).replace('/', "%2F")
}
