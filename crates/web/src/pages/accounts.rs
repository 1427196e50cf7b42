//! Account administration pages (office and admin): `/accounts` (list),
//! `/accounts/new` (create), `/accounts/{username}` (edit, reset the
//! password). The rules are `api::admin::{create, update}`, shared with the
//! JSON API.

use crate::api::admin::{self, AccountError, AccountInput, AccountUpdate, FieldError};
use crate::auth::{self, CurrentUser};
use crate::error::{AppError, PageResult};
use crate::pages::Chrome;
use crate::pages::audit::{Choice, unit_choices};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use chiso_core::access::Role;
use chiso_core::lang::Lang;
use chiso_store::Account;
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/accounts", get(list))
        .route("/accounts/new", get(new_page).post(create))
        .route("/accounts/{username}", get(edit_page).post(update))
        .route("/accounts/{username}/password", post(reset_password))
}

struct AccountRow {
    username: String,
    full_name: String,
    role: &'static str,
    role_code: String,
    unit: String,
    active: bool,
    editable: bool,
}

fn role_label(lang: Lang, r: Role) -> &'static str {
    match lang {
        Lang::Vi => r.label_vi(),
        Lang::En => r.label_en(),
    }
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<AccountRow>,
}

async fn list(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult {
    user.require_manage()?;
    let model = state.model();
    let lang = user.lang;
    let rows = state
        .store
        .accounts()
        .await?
        .into_iter()
        .map(|a| {
            let unit = a
                .scope
                .unit
                .as_ref()
                .map(|c| {
                    let name = model.tree().get(c.as_str()).map(|u| u.name.clone()).unwrap_or_else(|| c.to_string());
                    if a.scope.include_descendants {
                        format!("{name} {}", lang.pick("(và cấp dưới)", "(and below)"))
                    } else {
                        name
                    }
                })
                .unwrap_or_default();
            AccountRow {
                editable: may_edit(&user, &a),
                role: role_label(lang, a.scope.role),
                role_code: crate::api::me::role_code(a.scope.role),
                username: a.username,
                full_name: a.full_name,
                unit,
                active: a.active,
            }
        })
        .collect();
    let page =
        ListPage { chrome: Chrome::new(&state, &user, lang.pick("Tài khoản", "Accounts"), "/accounts"), rows };
    Ok(Html(page.render()?).into_response())
}

fn may_edit(user: &CurrentUser, a: &Account) -> bool {
    !(user.role() == Role::Office && a.scope.role == Role::Admin)
}

/// The create/edit form's fields, as typed.
#[derive(Deserialize, Default, Clone)]
struct AccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    /// Checkbox: present when ticked.
    #[serde(default)]
    include_descendants: Option<String>,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "account_edit.html")]
struct EditPage {
    chrome: Chrome,
    /// None when creating.
    editing: Option<String>,
    f: AccountForm,
    roles: Vec<Choice>,
    units: Vec<Choice>,
    errors: Vec<FieldError>,
    message: Option<String>,
    is_self: bool,
    min_len: usize,
}

impl EditPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
    fn has_error(&self, field: &str) -> bool {
        self.error(field).is_some()
    }
}

fn role_choices(user: &CurrentUser, selected: &str) -> Vec<Choice> {
    [Role::Reporter, Role::Leader, Role::Office, Role::Admin]
        .into_iter()
        .filter(|r| user.role() == Role::Admin || *r != Role::Admin)
        .map(|r| {
            let value = crate::api::me::role_code(r);
            Choice { selected: value == selected, label: role_label(user.lang, r).into(), value }
        })
        .collect()
}

fn render_edit(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<String>,
    f: AccountForm,
    errors: Vec<FieldError>,
    message: Option<String>,
) -> PageResult {
    let lang = user.lang;
    let title = match &editing {
        None => lang.pick("Tạo tài khoản", "New account").to_string(),
        Some(u) => format!("{} {u}", lang.pick("Tài khoản", "Account")),
    };
    let model = state.model();
    let page = EditPage {
        chrome: Chrome::new(state, user, title, "/accounts"),
        is_self: editing.as_deref() == Some(user.username()),
        roles: role_choices(user, &f.role),
        units: unit_choices(&model, f.unit.trim()),
        editing,
        f,
        message,
        min_len: auth::MIN_PASSWORD_LEN,
        errors,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok((status, Html(page.render()?)).into_response())
}

async fn new_page(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult {
    user.require_manage()?;
    let f = AccountForm { role: "reporter".into(), active: Some("on".into()), ..Default::default() };
    render_edit(&state, &user, None, f, Vec::new(), None)
}

async fn create(State(state): State<Arc<AppState>>, user: CurrentUser, Form(f): Form<AccountForm>) -> PageResult {
    user.require_manage()?;
    let input = AccountInput {
        username: f.username.trim().to_string(),
        full_name: f.full_name.clone(),
        role: f.role.clone(),
        unit: Some(f.unit.clone()),
        include_descendants: f.include_descendants.is_some(),
        password: f.password.clone(),
    };
    match admin::create(&state, &user, &input).await {
        Ok(a) => Ok(Redirect::to(&format!("/accounts/{}?created=1", a.username)).into_response()),
        Err(AccountError::Fields(errors)) => {
            let f = AccountForm { password: String::new(), ..f };
            render_edit(&state, &user, None, f, errors, None)
        }
        Err(AccountError::Other(e)) => Err(e),
    }
}

fn form_of(a: &Account) -> AccountForm {
    AccountForm {
        username: a.username.clone(),
        full_name: a.full_name.clone(),
        role: crate::api::me::role_code(a.scope.role),
        unit: a.scope.unit.as_ref().map(|c| c.to_string()).unwrap_or_default(),
        include_descendants: a.scope.include_descendants.then(|| "on".into()),
        active: a.active.then(|| "on".into()),
        password: String::new(),
    }
}

async fn load(state: &AppState, user: &CurrentUser, username: &str) -> Result<Account, AppError> {
    user.require_manage()?;
    let Some((a, _)) = state.store.account(username).await? else {
        return Err(AppError::not_found(format!("tài khoản \"{username}\"")));
    };
    if !may_edit(user, &a) {
        return Err(AppError::Forbidden(
            user.lang
                .pick(
                    "Văn phòng điều phối không được xem hay sửa tài khoản quản trị.",
                    "The office cannot open administrator accounts.",
                )
                .into(),
        ));
    }
    Ok(a)
}

#[derive(Deserialize)]
struct Done {
    created: Option<String>,
    saved: Option<String>,
    password: Option<String>,
}

async fn edit_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(username): Path<String>,
    Query(done): Query<Done>,
) -> PageResult {
    let a = load(&state, &user, &username).await?;
    let l = user.lang;
    let message = if done.created.is_some() {
        Some(l.pick("Đã tạo tài khoản.", "Account created."))
    } else if done.saved.is_some() {
        Some(l.pick("Đã lưu.", "Saved."))
    } else if done.password.is_some() {
        Some(l.pick(
            "Đã đặt lại mật khẩu; các phiên đăng nhập của tài khoản đã kết thúc.",
            "Password reset; the account's sessions ended.",
        ))
    } else {
        None
    };
    render_edit(&state, &user, Some(a.username.clone()), form_of(&a), Vec::new(), message.map(String::from))
}

async fn update(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(username): Path<String>,
    Form(f): Form<AccountForm>,
) -> PageResult {
    let a = load(&state, &user, &username).await?;
    let change = AccountUpdate {
        full_name: Some(f.full_name.clone()),
        role: Some(f.role.clone()),
        unit: Some(f.unit.clone()),
        include_descendants: Some(f.include_descendants.is_some()),
        active: Some(f.active.is_some()),
        password: None,
    };
    match admin::update(&state, &user, &a.username, &change).await {
        Ok(a) => Ok(Redirect::to(&format!("/accounts/{}?saved=1", a.username)).into_response()),
        Err(AccountError::Fields(errors)) => {
            let f = AccountForm { username: a.username.clone(), ..f };
            render_edit(&state, &user, Some(a.username), f, errors, None)
        }
        Err(AccountError::Other(e)) => Err(e),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
}

async fn reset_password(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(username): Path<String>,
    Form(p): Form<PasswordForm>,
) -> PageResult {
    let a = load(&state, &user, &username).await?;
    let change = AccountUpdate { password: Some(p.password), ..Default::default() };
    match admin::update(&state, &user, &a.username, &change).await {
        Ok(a) => Ok(Redirect::to(&format!("/accounts/{}?password=1", a.username)).into_response()),
        Err(AccountError::Fields(errors)) => {
            render_edit(&state, &user, Some(a.username.clone()), form_of(&a), errors, None)
        }
        Err(AccountError::Other(e)) => Err(e),
    }
}
