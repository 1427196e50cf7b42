//! `GET /api/me`: who is asking.

use crate::auth::CurrentUser;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/me", get(me))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(me), components(schemas(Me)))]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

/// The logged-in account.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    /// Tên đăng nhập.
    pub username: String,
    pub full_name: String,
    /// admin, office, reporter or leader.
    pub role: String,
    /// The reporter's unit (code), if any.
    pub unit: Option<String>,
    /// The unit's name.
    pub unit_name: Option<String>,
    /// Also the units below the unit.
    pub include_descendants: bool,
    /// "web" (session) or "api" (token, Basic).
    pub route: String,
}

pub(crate) fn role_code(role: chiso_core::access::Role) -> String {
    serde_json::to_value(role).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

#[utoipa::path(get, path = "/api/me", tag = "accounts",
    responses((status = 200, description = "Tài khoản đang đăng nhập", body = Me),
              (status = 401, description = "Chưa đăng nhập")))]
async fn me(State(state): State<Arc<AppState>>, user: CurrentUser) -> Json<Me> {
    let model = state.model();
    let scope = user.scope();
    let unit = scope.unit.as_ref().map(|c| c.to_string());
    let unit_name = unit.as_deref().and_then(|c| model.tree().get(c)).map(|u| u.name.clone());
    Json(Me {
        username: user.account.username.clone(),
        full_name: user.account.full_name.clone(),
        role: role_code(scope.role),
        unit,
        unit_name,
        include_descendants: scope.include_descendants,
        route: user.route().into(),
    })
}
