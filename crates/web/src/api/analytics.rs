//! `GET /api/analytics`: figures from the analytics engine in DHIS2's
//! dimension syntax and analytics JSON (`Grid::to_dhis2_json`), or CSV.
//!
//! `dimension=dx:A;B&dimension=pe:LAST_12_MONTHS&dimension=ou:HL;LEVEL-2`;
//! relative periods are resolved against the application's today.
//! `filter=` items are accepted and answered as dimensions (the engine
//! does not aggregate over a set of filter items): a single-item filter
//! gives the same figures as in DHIS2, with its column kept in each row.
//! Scope: a reporter may ask only for units whose whole subtree it reads;
//! any other unit is refused with 403 naming it.

use crate::api::{Pairs, flag};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, AppError};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chiso_analytics::{AnalyticsEngine, Query as AQuery};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/analytics", get(analytics))
        .route("/api/analytics.json", get(analytics_json))
        .route("/api/analytics.csv", get(analytics_csv))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(analytics), tags((name = "analytics", description = "Số liệu tổng hợp theo cú pháp analytics của DHIS2")))]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

#[utoipa::path(get, path = "/api/analytics", tag = "analytics",
    description = "Lưới số liệu dx × pe × ou từ bộ máy phân tích, JSON theo DHIS2 (headers, rows, metaData) hoặc CSV \
        (/api/analytics.csv hoặc Accept: text/csv). Kỳ tương đối tính theo ngày hôm nay của hệ thống. \
        filter= được hiểu như dimension=. Cán bộ báo cáo chỉ hỏi được đơn vị trong phạm vi (403 nêu tên đơn vị).",
    params(
        ("dimension" = Vec<String>, Query, description = "dx:A;B, pe:202610;LAST_12_MONTHS, ou:HL;LEVEL-2;CHILDREN-X;OU_GROUP-G, co (lặp lại)"),
        ("filter" = Option<Vec<String>>, Query, description = "Như dimension"),
        ("includeEmpty" = Option<bool>, Query, description = "Giữ các ô trống"),
    ),
    responses(
        (status = 200, description = "Lưới DHIS2: headers, rows, metaData, height, width", content_type = "application/json"),
        (status = 400, description = "Chiều sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Đơn vị ngoài phạm vi"),
    ))]
async fn analytics(
    state: State<Arc<AppState>>,
    user: CurrentUser,
    headers: HeaderMap,
    q: Query<Pairs>,
) -> ApiResult<Response> {
    let csv = super::dvs::wants_csv(&headers);
    answer(state, user, q, csv).await
}

async fn analytics_json(state: State<Arc<AppState>>, user: CurrentUser, q: Query<Pairs>) -> ApiResult<Response> {
    answer(state, user, q, false).await
}

async fn analytics_csv(state: State<Arc<AppState>>, user: CurrentUser, q: Query<Pairs>) -> ApiResult<Response> {
    answer(state, user, q, true).await
}

async fn answer(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<Pairs>,
    csv: bool,
) -> ApiResult<Response> {
    let snap = state.snapshot();
    let model = &snap.model;
    let dims: Vec<&str> = q
        .iter()
        .filter(|(k, _)| k == "dimension" || k == "filter")
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let bad = |e: chiso_analytics::QueryError| ApiError(AppError::BadRequest(e.to_string()));
    let mut query = AQuery::from_dimensions(model, dims).map_err(bad)?;
    query.include_empty = flag(&q, "includeEmpty");
    // Scope: every unit asked, with everything below it, must be readable.
    let tree = model.tree();
    let scope = user.scope();
    for u in query.units(model).map_err(bad)? {
        if !tree.subtree(u).all(|x| scope.can_read(tree, x)) {
            return Err(crate::api::dvs::unit_forbidden(model, u));
        }
    }
    let grid = snap.engine.query(&query, state.today()).map_err(bad)?;
    if csv {
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], grid.to_csv(model)).into_response());
    }
    Ok(Json(grid.to_dhis2_json(model)).into_response())
}
