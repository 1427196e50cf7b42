//! Logging in and out, the language switch, and the account page (password
//! change, API tokens).

use crate::auth::{self, CurrentUser, LoginThrottle, RequestLang, Via};
use crate::error::{AppError, PageResult};
use crate::pages::{Chrome, datetime};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use chiso_store::ApiToken;
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{lang}", get(set_lang))
        .route("/account", get(account_page))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/delete", post(delete_token))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site: never redirect a login elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

async fn login_page(
    State(state): State<Arc<AppState>>,
    RequestLang(lang): RequestLang,
    Query(q): Query<NextQuery>,
) -> PageResult<Html<String>> {
    let chrome = Chrome::anonymous(&state, lang, lang.pick("Đăng nhập", "Log in"));
    let page = LoginPage { chrome, next: safe_next(q.next.as_deref()), username: String::new(), error: None };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<Arc<AppState>>,
    Extension(throttle): Extension<Arc<LoginThrottle>>,
    RequestLang(lang): RequestLang,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> PageResult {
    let username = f.username.trim().to_lowercase();
    match auth::log_in(&state, &throttle, &username, &f.password).await {
        Ok(cookie) => Ok((jar.add(cookie), Redirect::to(&safe_next(f.next.as_deref()))).into_response()),
        Err(message) => {
            let chrome = Chrome::anonymous(&state, lang, lang.pick("Đăng nhập", "Log in"));
            let page = LoginPage { chrome, next: safe_next(f.next.as_deref()), username, error: Some(message) };
            Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response())
        }
    }
}

async fn logout(State(state): State<Arc<AppState>>, jar: CookieJar) -> PageResult {
    auth::log_out(&state, &jar).await?;
    Ok((jar.remove(Cookie::build(auth::SESSION_COOKIE).path("/")), Redirect::to("/login")).into_response())
}

async fn set_lang(Path(lang): Path<String>, headers: HeaderMap, jar: CookieJar) -> Response {
    let value = if lang == "en" { "en" } else { "vi" };
    let cookie = Cookie::build((auth::LANG_COOKIE, value)).path("/").permanent().build();
    // Back to the page the switch was clicked on, if it was ours.
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()));
    (jar.add(cookie), Redirect::to(&safe_next(back.as_deref()))).into_response()
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    username: String,
    tokens: Vec<TokenRow>,
    message: Option<String>,
    error: Option<String>,
    /// A token just created, shown once.
    new_token: Option<String>,
    min_len: usize,
}

struct TokenRow {
    id: i64,
    name: String,
    created: String,
    last_used: String,
}

impl From<ApiToken> for TokenRow {
    fn from(t: ApiToken) -> Self {
        TokenRow {
            id: t.id,
            name: t.name,
            created: datetime(t.created_at),
            last_used: t.last_used_at.map(datetime).unwrap_or_else(|| "—".into()),
        }
    }
}

async fn render_account(
    state: &AppState,
    user: &CurrentUser,
    message: Option<String>,
    error: Option<String>,
    new_token: Option<String>,
) -> PageResult {
    let chrome = Chrome::new(state, user, user.lang.pick("Tài khoản của tôi", "My account"), "/account");
    let tokens = state.store.api_tokens(user.username()).await?.into_iter().map(TokenRow::from).collect();
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = AccountPage {
        chrome,
        username: user.account.username.clone(),
        tokens,
        message,
        error,
        new_token,
        min_len: auth::MIN_PASSWORD_LEN,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn account_page(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult {
    render_account(&state, &user, None, None, None).await
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn change_password(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    jar: CookieJar,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    let l = user.lang;
    let Some((_, hash)) = state.store.account(user.username()).await? else { return Err(AppError::Unauthorized) };
    let current = f.current.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&current, &hash)).await.unwrap_or(false);
    let problem = if !ok {
        Some(l.pick("Mật khẩu hiện tại không đúng.", "The current password is wrong."))
    } else if f.new.chars().count() < auth::MIN_PASSWORD_LEN {
        Some(l.pick("Mật khẩu mới phải có ít nhất 8 ký tự.", "The new password needs at least 8 characters."))
    } else if f.new != f.confirm {
        Some(l.pick("Hai lần nhập mật khẩu mới không khớp.", "The two new passwords differ."))
    } else {
        None
    };
    if let Some(p) = problem {
        return render_account(&state, &user, None, Some(p.into()), None).await;
    }
    let new = f.new.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&new))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = state.store.begin_as(&user.actor()).await?;
    tx.set_password(user.username(), &hash).await?;
    // Every other browser logged in as this account is logged out; this one
    // gets a fresh session.
    tx.delete_sessions_of(user.username()).await?;
    tx.commit().await?;
    let throttle = LoginThrottle::default();
    let cookie = auth::log_in(&state, &throttle, user.username(), &f.new).await.map_err(AppError::Internal)?;
    let mut r =
        render_account(&state, &user, Some(l.pick("Đã đổi mật khẩu.", "Password changed.").into()), None, None).await?;
    let jar = jar.add(cookie);
    for (k, v) in jar.into_response().headers() {
        if k == header::SET_COOKIE {
            r.headers_mut().append(k, v.clone());
        }
    }
    Ok(r)
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
}

async fn create_token(State(state): State<Arc<AppState>>, user: CurrentUser, Form(f): Form<TokenForm>) -> PageResult {
    if user.via != Via::Session {
        return Err(AppError::forbidden());
    }
    let name = f.name.trim();
    if name.is_empty() {
        let e = user.lang.pick("Hãy đặt tên cho mã truy cập (ví dụ: tên tập lệnh dùng nó).", "Name the token.");
        return render_account(&state, &user, None, Some(e.into()), None).await;
    }
    let token = format!("chiso_{}", auth::new_token());
    let mut tx = state.store.begin_as(&user.actor()).await?;
    tx.create_api_token(user.username(), name, &auth::token_hash(&token)).await?;
    tx.commit().await?;
    render_account(&state, &user, None, None, Some(token)).await
}

async fn delete_token(State(state): State<Arc<AppState>>, user: CurrentUser, Path(id): Path<i64>) -> PageResult {
    let mut tx = state.store.begin_as(&user.actor()).await?;
    let found = tx.delete_api_token(user.username(), id).await?;
    tx.commit().await?;
    if !found {
        return Err(AppError::not_found("mã truy cập"));
    }
    Ok(Redirect::to("/account").into_response())
}
