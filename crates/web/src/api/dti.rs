//! JSON of the digital-transformation index: a group's ranking and one
//! unit's breakdown — the same builders as the pages (`pages::dti`), so the
//! API and the HTML show the same order and figures. Province readers only.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::pages::dti::{DtiQuery, UnitQuery, ranking_view, unit_view};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/dti", get(ranking)).route("/api/dti/{unit}", get(unit))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(ranking, unit),
        tags((name = "dti", description = "Chỉ số chuyển đổi số (DTI): xếp hạng nhóm đơn vị và chi tiết điểm một đơn vị (văn phòng, quản trị, lãnh đạo)"))
    )]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

#[utoipa::path(get, path = "/api/dti", tag = "dti",
    description = "Xếp hạng một nhóm đơn vị so sánh theo bộ chỉ số (tổng thể hoặc theo một trụ cột / chỉ số chính), \
        với điểm, giá trị 0–1, giá trị từng trụ cột và chỉ số chính, thay đổi hạng so với bộ chỉ số năm trước.",
    params(
        ("index" = Option<String>, Query, description = "Mã bộ chỉ số, ví dụ DTI_2026 (mặc định: của năm nay)"),
        ("group" = Option<String>, Query, description = "UBND_HUYEN (mặc định) | SO_NGANH | UBND_XA"),
        ("node" = Option<String>, Query, description = "Mã trụ cột hoặc chỉ số chính (mặc định: tổng thể)"),
    ),
    responses(
        (status = 200, description = "index, group, node, columns, rows (rank, unit, name, points, value, nodes, change)", content_type = "application/json"),
        (status = 400, description = "Nhóm hoặc mã chỉ số sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Cán bộ báo cáo"),
        (status = 404, description = "Không có bộ chỉ số"),
    ))]
async fn ranking(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<DtiQuery>,
) -> ApiResult<Json<Value>> {
    user.require_province_reader()?;
    let reg = state.store.load_registers().await?;
    let v = ranking_view(&state, user.lang, &reg, &q)?;
    Ok(Json(serde_json::to_value(&v).unwrap_or_else(|_| json!({}))))
}

#[utoipa::path(get, path = "/api/dti/{unit}", tag = "dti",
    description = "Chi tiết điểm của một đơn vị: từng trụ cột, chỉ số chính và chỉ số thành phần (điểm, tối đa, giá trị 0–1), \
        giá trị đầu vào hoặc điểm chấm với minh chứng, và các chỉ số thành phần còn thiếu.",
    params(
        ("unit" = String, Path, description = "Mã đơn vị, ví dụ H_AN_PHU"),
        ("index" = Option<String>, Query, description = "Mã bộ chỉ số (mặc định: của năm nay)"),
    ),
    responses(
        (status = 200, description = "index, unit, rank, points, value, nodes, missing", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Cán bộ báo cáo"),
        (status = 404, description = "Không có đơn vị hay bộ chỉ số"),
    ))]
async fn unit(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(unit): Path<String>,
    Query(q): Query<UnitQuery>,
) -> ApiResult<Json<Value>> {
    user.require_province_reader()?;
    let reg = state.store.load_registers().await?;
    let v = unit_view(&state, &reg, &unit, q.index.as_deref())?;
    Ok(Json(serde_json::to_value(&v).unwrap_or_else(|_| json!({}))))
}
