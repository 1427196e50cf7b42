//! Who is asking: password login with a session cookie for browsers, API
//! tokens or HTTP Basic for scripts (what DHIS2 clients send), and the
//! `CurrentUser` every handler takes.
//!
//! The cookie holds a random token; the store keeps only its SHA-256, so a
//! copy of the database opens no session. Passwords are argon2 hashes.
//! Cross-site form posts are refused by `same_origin_only` and by the
//! cookie's SameSite=Strict.

use crate::error::{ApiError, AppError};
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chiso_core::access::{Role, Scope};
use chiso_core::lang::Lang;
use chiso_core::orgunit::UnitIx;
use chiso_store::{Account, Session};
use chrono::{Local, NaiveDateTime};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const SESSION_COOKIE: &str = "chiso_session";
pub const LANG_COOKIE: &str = "chiso_lang";
/// A session lasts a working day and a half.
const SESSION_HOURS: i64 = 12;
/// Wrong passwords in a row before an account is held for `LOCK_SECS`.
const MAX_FAILURES: u32 = 5;
const LOCK_SECS: i64 = 60;
pub const MIN_PASSWORD_LEN: usize = 8;

pub fn hash_password(password: &str) -> String {
    let hash: PasswordHash = Argon2::default().hash_password(password.as_bytes()).expect("argon2 hashes any password");
    hash.to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A random secret of 32 bytes, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the system has a random source");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

pub fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

/// How the request proved who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
    Basic,
}

/// The logged-in account behind a request, and its language.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub account: Account,
    pub via: Via,
    pub lang: Lang,
}

impl CurrentUser {
    pub fn scope(&self) -> &Scope {
        &self.account.scope
    }
    pub fn role(&self) -> Role {
        self.account.scope.role
    }
    pub fn username(&self) -> &str {
        &self.account.username
    }
    pub fn can_manage(&self) -> bool {
        self.account.scope.can_manage()
    }
    pub fn require_manage(&self) -> Result<(), AppError> {
        if self.can_manage() { Ok(()) } else { Err(AppError::forbidden()) }
    }
    /// Office, admin and leaders: province-wide boards and dashboards.
    pub fn require_province_reader(&self) -> Result<(), AppError> {
        if self.role() == Role::Reporter { Err(AppError::forbidden()) } else { Ok(()) }
    }
    pub fn require_read(&self, state: &AppState, unit: UnitIx) -> Result<(), AppError> {
        if self.scope().can_read(state.model().tree(), unit) { Ok(()) } else { Err(AppError::forbidden()) }
    }
    pub fn require_write(&self, state: &AppState, unit: UnitIx) -> Result<(), AppError> {
        if self.scope().can_write(state.model().tree(), unit) { Ok(()) } else { Err(AppError::forbidden()) }
    }
    /// "web" or "api", for the audit trail.
    pub fn route(&self) -> &'static str {
        match self.via {
            Via::Session => "web",
            Via::Token | Via::Basic => "api",
        }
    }
    pub fn actor(&self) -> chiso_store::Actor {
        chiso_store::Actor::new(self.account.username.clone(), self.route())
    }
}

/// The language chosen by cookie (Vietnamese unless set to English).
pub fn lang_of(headers: &HeaderMap) -> Lang {
    let jar = CookieJar::from_headers(headers);
    match jar.get(LANG_COOKIE).map(Cookie::value) {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    }
}

/// The language of a request with or without a login.
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLang(lang_of(&parts.headers)))
    }
}

fn is_api(parts: &Parts) -> bool {
    parts.uri.path().starts_with("/api")
}

impl FromRequestParts<Arc<AppState>> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let found = identify(parts, state).await;
        match found {
            Ok(Some((account, via))) => Ok(CurrentUser { account, via, lang }),
            Ok(None) if is_api(parts) => {
                let mut r = ApiError(AppError::Unauthorized).into_response();
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, "Basic realm=\"chiso\"".parse().expect("valid header"));
                Err(r)
            }
            Ok(None) => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let to = format!("/login?next={}", urlencode(next));
                Err(Redirect::to(&to).into_response())
            }
            Err(e) if is_api(parts) => Err(ApiError(e).into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

async fn identify(parts: &Parts, state: &AppState) -> Result<Option<(Account, Via)>, AppError> {
    let active = |a: Option<(Account, String)>| a.filter(|(a, _)| a.active);
    if let Some(auth) = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, rest) = auth.split_once(' ').unwrap_or((auth, ""));
        let rest = rest.trim();
        if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("apitoken") {
            let Some(username) = state.store.api_token_account(&token_hash(rest)).await? else { return Ok(None) };
            return Ok(active(state.store.account(&username).await?).map(|(a, _)| (a, Via::Token)));
        }
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = STANDARD.decode(rest).ok().and_then(|b| String::from_utf8(b).ok());
            let Some((user, password)) = decoded.as_deref().and_then(|s| s.split_once(':')) else { return Ok(None) };
            let Some((account, hash)) = active(state.store.account(user).await?) else { return Ok(None) };
            let password = password.to_string();
            let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
            return Ok(ok.then_some((account, Via::Basic)));
        }
        return Ok(None);
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(token) = jar.get(SESSION_COOKIE) else { return Ok(None) };
    let Some(session) = state.store.session(&token_hash(token.value()), now()).await? else { return Ok(None) };
    Ok(active(state.store.account(&session.username).await?).map(|(a, _)| (a, Via::Session)))
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Refuses state-changing requests that a browser sends from another site
/// (CSRF), using the Fetch Metadata and Origin headers browsers add.
pub async fn same_origin_only(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let h = req.headers();
        let site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        let cross_site = matches!(site, Some(s) if s != "same-origin" && s != "none");
        let origin_host = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(|o| {
            let o = o.split_once("://").map_or(o, |(_, rest)| rest);
            o.trim_end_matches('/').to_string()
        });
        let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
        let foreign_origin = matches!((&origin_host, host), (Some(o), Some(h)) if o != h && o != "null");
        if cross_site || foreign_origin {
            return (StatusCode::FORBIDDEN, "Yêu cầu từ trang web khác bị từ chối.").into_response();
        }
    }
    next.run(req).await
}

/// Counts wrong passwords per username to slow down guessing.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, NaiveDateTime)>>,
}

impl LoginThrottle {
    /// Seconds left before this username may try again.
    pub fn locked_for(&self, username: &str, at: NaiveDateTime) -> Option<i64> {
        let map = self.failures.lock().expect("throttle lock");
        let &(n, last) = map.get(username)?;
        let left = LOCK_SECS - (at - last).num_seconds();
        (n >= MAX_FAILURES && left > 0).then_some(left)
    }
    pub fn failed(&self, username: &str, at: NaiveDateTime) {
        let mut map = self.failures.lock().expect("throttle lock");
        let e = map.entry(username.to_string()).or_insert((0, at));
        if (at - e.1).num_seconds() > LOCK_SECS {
            e.0 = 0;
        }
        e.0 += 1;
        e.1 = at;
    }
    pub fn succeeded(&self, username: &str) {
        self.failures.lock().expect("throttle lock").remove(username);
    }
}

/// Checks a username and password; on success opens a session and returns
/// the cookie to set.
pub async fn log_in(
    state: &AppState,
    throttle: &LoginThrottle,
    username: &str,
    password: &str,
) -> Result<Cookie<'static>, String> {
    let at = now();
    if let Some(s) = throttle.locked_for(username, at) {
        return Err(format!("Đăng nhập sai quá nhiều lần. Hãy thử lại sau {s} giây."));
    }
    let wrong = "Tên đăng nhập hoặc mật khẩu không đúng.".to_string();
    let found = state.store.account(username).await.map_err(|e| e.to_string())?;
    let Some((account, hash)) = found else {
        throttle.failed(username, at);
        return Err(wrong);
    };
    let pw = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash)).await.unwrap_or(false);
    if !ok {
        throttle.failed(username, at);
        return Err(wrong);
    }
    if !account.active {
        return Err("Tài khoản đã bị khóa. Hãy liên hệ văn phòng điều phối.".into());
    }
    throttle.succeeded(username);
    let token = new_token();
    let session = Session {
        token_hash: token_hash(&token),
        username: account.username.clone(),
        created_at: at,
        expires_at: at + chrono::Duration::hours(SESSION_HOURS),
        csrf: new_token(),
    };
    let write = async {
        let mut tx = state.store.begin_as(&chiso_store::Actor::new(&account.username, "web")).await?;
        tx.create_session(&session).await?;
        tx.commit().await
    };
    write.await.map_err(|e| e.to_string())?;
    Ok(session_cookie(token, state.config.secure_cookies))
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(time_hours(SESSION_HOURS))
        .build()
}

fn time_hours(h: i64) -> cookie::time::Duration {
    cookie::time::Duration::hours(h)
}

/// Ends the session of this browser.
pub async fn log_out(state: &AppState, jar: &CookieJar) -> Result<(), AppError> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        let mut tx = state.store.begin().await?;
        tx.delete_session(&token_hash(c.value())).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The state extractor most handlers use.
pub type AppStateRef = State<Arc<AppState>>;
