//! Administration over JSON: accounts (`/api/accounts`), the audit trail
//! (`/api/audit`) and the metadata (`/api/metadata`).
//!
//! The account rules are here and shared with the account pages
//! (`pages::accounts`): usernames are lower-case letters, digits, `.`, `_`
//! and `-`; a reporter needs a unit; the office cannot create or change an
//! admin; nobody deactivates themselves; deactivating ends the account's
//! sessions.

use crate::auth::{self, CurrentUser};
use crate::error::{ApiError, ApiResult, AppError};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chiso_core::Code;
use chiso_core::access::{Role, Scope};
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::period::Period;
use chiso_store::{Account, AuditFilter, NewAccount};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/accounts", get(list_accounts).post(create_account))
        .route("/api/accounts/{username}", get(get_account).put(update_account))
        .route("/api/audit", get(audit))
        .route("/api/metadata", get(metadata))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(list_accounts, create_account, get_account, update_account, audit, metadata),
        components(schemas(AccountJson, AccountInput, AccountUpdate)),
        tags((name = "accounts", description = "Tài khoản (văn phòng, quản trị)"),
             (name = "audit", description = "Nhật ký thay đổi (văn phòng, quản trị)"),
             (name = "metadata", description = "Siêu dữ liệu"))
    )]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

/// An account as the API shows it (never a password).
#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AccountJson {
    pub username: String,
    pub full_name: String,
    /// admin, office, reporter, leader
    pub role: String,
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    pub include_descendants: bool,
    pub active: bool,
}

impl AccountJson {
    pub fn new(a: &Account, model: &Model) -> AccountJson {
        let unit = a.scope.unit.as_ref().map(|c| c.to_string());
        AccountJson {
            username: a.username.clone(),
            full_name: a.full_name.clone(),
            role: crate::api::me::role_code(a.scope.role),
            unit_name: unit.as_deref().and_then(|c| model.tree().get(c)).map(|u| u.name.clone()),
            unit,
            include_descendants: a.scope.include_descendants,
            active: a.active,
        }
    }
}

/// A new account.
#[derive(Deserialize, ToSchema, Debug, Clone, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccountInput {
    pub username: String,
    pub full_name: String,
    /// admin, office, reporter, leader
    pub role: String,
    /// Required for reporters: the unit's code.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub include_descendants: bool,
    /// At least 8 characters.
    pub password: String,
}

/// Changes to an account; absent fields stay as they are.
#[derive(Deserialize, ToSchema, Debug, Clone, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccountUpdate {
    pub full_name: Option<String>,
    pub role: Option<String>,
    /// A unit code; "" removes the unit.
    pub unit: Option<String>,
    pub include_descendants: Option<bool>,
    pub active: Option<bool>,
    /// A new password (at least 8 characters).
    pub password: Option<String>,
}

/// A problem with one field: (field name, message).
pub type FieldError = (&'static str, String);

pub fn parse_role(s: &str) -> Option<Role> {
    match s.trim() {
        "admin" => Some(Role::Admin),
        "office" => Some(Role::Office),
        "reporter" => Some(Role::Reporter),
        "leader" => Some(Role::Leader),
        _ => None,
    }
}

pub fn valid_username(u: &str) -> bool {
    (2..=64).contains(&u.len())
        && u.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
        && u.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}

/// The scope from role, unit and "and below", checked against the model.
fn scope_of(
    model: &Model,
    lang: Lang,
    role: Option<&str>,
    unit: Option<&str>,
    below: bool,
    errors: &mut Vec<FieldError>,
) -> Option<Scope> {
    let Some(role) = role.and_then(parse_role) else {
        errors.push((
            "role",
            lang.pick(
                "Vai trò: hãy chọn quản trị, văn phòng, cán bộ báo cáo hoặc lãnh đạo.",
                "Role: choose admin, office, reporter or leader.",
            )
            .into(),
        ));
        return None;
    };
    if role != Role::Reporter {
        return Some(Scope { role, unit: None, include_descendants: false });
    }
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    let Some(code) = unit else {
        errors.push((
            "unit",
            lang.pick("Đơn vị: cán bộ báo cáo cần một đơn vị.", "Unit: a reporter needs a unit.").into(),
        ));
        return None;
    };
    let Some(u) = model.tree().get(code) else {
        errors.push((
            "unit",
            format!("{} \"{code}\".", lang.pick("Đơn vị: không có đơn vị mã", "Unit: no unit with code")),
        ));
        return None;
    };
    Some(Scope { role, unit: Some(u.code.clone()), include_descendants: below })
}

fn check_password(lang: Lang, p: &str, errors: &mut Vec<FieldError>) {
    if p.chars().count() < auth::MIN_PASSWORD_LEN {
        errors.push((
            "password",
            format!(
                "{} {} {}",
                lang.pick("Mật khẩu: cần ít nhất", "Password: at least"),
                auth::MIN_PASSWORD_LEN,
                lang.pick("ký tự.", "characters.")
            ),
        ));
    }
}

fn no_admin_for_office(actor: &CurrentUser, role: Role) -> Result<(), AppError> {
    if actor.role() == Role::Office && role == Role::Admin {
        return Err(AppError::Forbidden(
            actor
                .lang
                .pick(
                    "Văn phòng điều phối không được tạo hay sửa tài khoản quản trị.",
                    "The office cannot create or change administrator accounts.",
                )
                .into(),
        ));
    }
    Ok(())
}

/// What went wrong creating or changing an account.
pub enum AccountError {
    /// Field problems, to show beside the form.
    Fields(Vec<FieldError>),
    Other(AppError),
}

impl From<AppError> for AccountError {
    fn from(e: AppError) -> Self {
        AccountError::Other(e)
    }
}

impl From<chiso_store::StoreError> for AccountError {
    fn from(e: chiso_store::StoreError) -> Self {
        AccountError::Other(e.into())
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Fields(f) => {
                ApiError(AppError::BadRequest(f.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")))
            }
            AccountError::Other(e) => ApiError(e),
        }
    }
}

async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Creates an account on behalf of `actor` (office or admin).
pub async fn create(state: &AppState, actor: &CurrentUser, input: &AccountInput) -> Result<Account, AccountError> {
    actor.require_manage()?;
    let lang = actor.lang;
    let model = state.model();
    let mut errors = Vec::new();
    let username = input.username.trim().to_string();
    if !valid_username(&username) {
        errors.push((
            "username",
            lang.pick(
                "Tên đăng nhập: chỉ gồm chữ thường không dấu, chữ số và . _ - (ít nhất 2 ký tự, bắt đầu bằng chữ hoặc số).",
                "Username: lower-case letters, digits and . _ - only (at least 2, starting with a letter or digit).",
            )
            .into(),
        ));
    }
    let full_name = input.full_name.trim().to_string();
    if full_name.is_empty() {
        errors.push(("full_name", lang.pick("Họ và tên: không được để trống.", "Full name: required.").into()));
    }
    let scope =
        scope_of(&model, lang, Some(&input.role), input.unit.as_deref(), input.include_descendants, &mut errors);
    check_password(lang, &input.password, &mut errors);
    if let Some(s) = &scope {
        no_admin_for_office(actor, s.role)?;
    }
    if errors.is_empty() && state.store.account(&username).await?.is_some() {
        errors.push((
            "username",
            format!(
                "{} \"{username}\" {}",
                lang.pick("Tên đăng nhập:", "Username:"),
                lang.pick("đã có người dùng.", "is taken.")
            ),
        ));
    }
    let (true, Some(scope)) = (errors.is_empty(), scope) else { return Err(AccountError::Fields(errors)) };
    let account = Account { username, full_name, scope, active: true };
    let password_hash = hash(input.password.clone()).await?;
    let mut tx = state.store.begin_as(&actor.actor()).await?;
    tx.create_account(&NewAccount { account: account.clone(), password_hash }).await?;
    tx.commit().await?;
    Ok(account)
}

/// Changes an account on behalf of `actor` (office or admin).
pub async fn update(
    state: &AppState,
    actor: &CurrentUser,
    username: &str,
    change: &AccountUpdate,
) -> Result<Account, AccountError> {
    actor.require_manage()?;
    let lang = actor.lang;
    let model = state.model();
    let Some((old, _)) = state.store.account(username).await? else {
        return Err(AppError::not_found(format!("tài khoản \"{username}\"")).into());
    };
    no_admin_for_office(actor, old.scope.role)?;
    let mut errors = Vec::new();
    let full_name = change.full_name.as_deref().map(str::trim).unwrap_or(&old.full_name).to_string();
    if full_name.is_empty() {
        errors.push(("full_name", lang.pick("Họ và tên: không được để trống.", "Full name: required.").into()));
    }
    let role = change.role.clone().unwrap_or_else(|| crate::api::me::role_code(old.scope.role));
    let unit = match &change.unit {
        Some(u) => Some(u.clone()),
        None => old.scope.unit.as_ref().map(|c| c.to_string()),
    };
    let below = change.include_descendants.unwrap_or(old.scope.include_descendants);
    let scope = scope_of(&model, lang, Some(&role), unit.as_deref(), below, &mut errors);
    if let Some(s) = &scope {
        no_admin_for_office(actor, s.role)?;
    }
    let active = change.active.unwrap_or(old.active);
    if !active && old.username == actor.username() {
        errors.push((
            "active",
            lang.pick("Hoạt động: không thể tự khóa tài khoản của mình.", "Active: you cannot deactivate yourself.")
                .into(),
        ));
    }
    if let Some(p) = &change.password {
        check_password(lang, p, &mut errors);
    }
    let (true, Some(scope)) = (errors.is_empty(), scope) else { return Err(AccountError::Fields(errors)) };
    let account = Account { username: old.username.clone(), full_name, scope, active };
    let password_hash = match &change.password {
        Some(p) => Some(hash(p.clone()).await?),
        None => None,
    };
    let mut tx = state.store.begin_as(&actor.actor()).await?;
    tx.update_account(&account).await?;
    if let Some(h) = &password_hash {
        tx.set_password(&account.username, h).await?;
    }
    if (old.active && !active) || password_hash.is_some() {
        tx.delete_sessions_of(&account.username).await?;
    }
    tx.commit().await?;
    Ok(account)
}

#[utoipa::path(get, path = "/api/accounts", tag = "accounts",
    responses((status = 200, description = "Mọi tài khoản", body = Vec<AccountJson>),
              (status = 401, description = "Chưa đăng nhập"), (status = 403, description = "Không phải văn phòng/quản trị")))]
async fn list_accounts(State(state): State<Arc<AppState>>, user: CurrentUser) -> ApiResult<Json<Vec<AccountJson>>> {
    user.require_manage()?;
    let model = state.model();
    Ok(Json(state.store.accounts().await?.iter().map(|a| AccountJson::new(a, &model)).collect()))
}

#[utoipa::path(post, path = "/api/accounts", tag = "accounts", request_body = AccountInput,
    responses((status = 201, description = "Đã tạo", body = AccountJson),
              (status = 400, description = "Trường không hợp lệ (thông báo nêu tên trường)"),
              (status = 401, description = "Chưa đăng nhập"),
              (status = 403, description = "Không phải văn phòng/quản trị, hoặc văn phòng tạo tài khoản quản trị")))]
async fn create_account(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Json(input): Json<AccountInput>,
) -> ApiResult<Response> {
    let a = create(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(AccountJson::new(&a, &state.model()))).into_response())
}

#[utoipa::path(get, path = "/api/accounts/{username}", tag = "accounts",
    params(("username" = String, Path, description = "Tên đăng nhập")),
    responses((status = 200, description = "Tài khoản", body = AccountJson),
              (status = 403, description = "Không phải văn phòng/quản trị"), (status = 404, description = "Không có")))]
async fn get_account(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(username): Path<String>,
) -> ApiResult<Json<AccountJson>> {
    user.require_manage()?;
    let Some((a, _)) = state.store.account(&username).await? else {
        return Err(AppError::not_found(format!("tài khoản \"{username}\"")).into());
    };
    Ok(Json(AccountJson::new(&a, &state.model())))
}

#[utoipa::path(put, path = "/api/accounts/{username}", tag = "accounts", request_body = AccountUpdate,
    params(("username" = String, Path, description = "Tên đăng nhập")),
    responses((status = 200, description = "Đã lưu", body = AccountJson),
              (status = 400, description = "Trường không hợp lệ"),
              (status = 403, description = "Không phải văn phòng/quản trị, hoặc văn phòng sửa tài khoản quản trị"),
              (status = 404, description = "Không có")))]
async fn update_account(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(username): Path<String>,
    Json(change): Json<AccountUpdate>,
) -> ApiResult<Json<AccountJson>> {
    let a = update(&state, &user, &username, &change).await?;
    Ok(Json(AccountJson::new(&a, &state.model())))
}

/// The audit filter as query parameters.
#[derive(Deserialize, IntoParams, Debug, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Who made the change.
    pub username: Option<String>,
    /// Unit code.
    pub unit: Option<String>,
    /// Element code.
    pub element: Option<String>,
    /// Form code.
    pub form: Option<String>,
    /// Period (202610...).
    pub period: Option<String>,
    /// value, narrative, submission, account, template or register.
    pub kind: Option<String>,
    /// Register entries of this object kind (project, recurrent_task, task, system, dossier, index, assessment...).
    pub register_kind: Option<String>,
    /// Register entries of this object code (with register_kind: one object's history).
    pub register_code: Option<String>,
    /// From this day (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM:SS).
    pub since: Option<String>,
    /// Up to and including this day, or before this time.
    pub until: Option<String>,
    /// At most this many (default 200).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

fn text_of(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

fn code_of(field: &str, s: &Option<String>) -> Result<Option<Code>, AppError> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            Code::new(s).map(Some).map_err(|_| AppError::BadRequest(format!("{field}: mã \"{s}\" không hợp lệ")))
        }
    }
}

/// A day or a time; `end` turns a day into the start of the next one.
fn time_of(field: &str, s: &Option<String>, end: bool) -> Result<Option<NaiveDateTime>, AppError> {
    let Some(s) = s.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { return Ok(None) };
    if let Ok(t) = s.parse::<NaiveDateTime>() {
        return Ok(Some(t));
    }
    let day = s
        .parse::<NaiveDate>()
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| AppError::BadRequest(format!("{field}: \"{s}\" không phải ngày (2026-11-23 hoặc 23/11/2026)")))?;
    let day = if end { day.succ_opt().unwrap_or(day) } else { day };
    Ok(day.and_hms_opt(0, 0, 0))
}

impl AuditQuery {
    pub fn filter(&self) -> Result<AuditFilter, AppError> {
        let period = match self.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(p) => Some(
                p.parse::<Period>().map_err(|e| AppError::BadRequest(format!("period: \"{p}\" không hợp lệ: {e}")))?,
            ),
        };
        let kind = self.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        if let Some(k) = &kind
            && !["value", "narrative", "submission", "account", "template", "register"].contains(&k.as_str())
        {
            return Err(AppError::BadRequest(format!(
                "kind: \"{k}\" không hợp lệ (value, narrative, submission, account, template hoặc register)"
            )));
        }
        Ok(AuditFilter {
            username: text_of(&self.username),
            unit: code_of("unit", &self.unit)?,
            element: code_of("element", &self.element)?,
            form: code_of("form", &self.form)?,
            period,
            kind,
            register_kind: text_of(&self.register_kind),
            register_code: text_of(&self.register_code),
            since: time_of("since", &self.since, false)?,
            until: time_of("until", &self.until, true)?,
            limit: self.limit.unwrap_or(200).min(5000),
            offset: self.offset.unwrap_or(0),
        })
    }
}

#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "Các thay đổi, mới nhất trước", content_type = "application/json"),
              (status = 400, description = "Tham số sai"),
              (status = 403, description = "Không phải văn phòng/quản trị")))]
async fn audit(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<chiso_store::AuditEntry>>> {
    user.require_manage()?;
    let filter = q.filter()?;
    Ok(Json(state.store.audit(&filter).await?))
}

#[utoipa::path(get, path = "/api/metadata", tag = "metadata",
    responses((status = 200, description = "Toàn bộ siêu dữ liệu (đơn vị, chỉ tiêu, biểu mẫu, kế hoạch...)", content_type = "application/json"),
              (status = 401, description = "Chưa đăng nhập")))]
async fn metadata(State(state): State<Arc<AppState>>, _user: CurrentUser) -> Response {
    let model = state.model();
    Json(model.metadata()).into_response()
}
