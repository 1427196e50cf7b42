//! JSON of the information systems and their security-level dossiers: the
//! same view builder as `/dossiers` (`pages::dossiers::dossiers_view`), so the
//! API and the page show the same counts and the same sentence.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::pages::dossiers::{DossiersQuery, dossiers_view};
use crate::pages::registers::visible;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/api/dossiers", get(list_dossiers)).route("/api/systems", get(list_systems))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(list_dossiers, list_systems),
        tags((name = "security", description = "Hệ thống thông tin và hồ sơ đề xuất cấp độ an toàn thông tin (Nghị định 85/2016/NĐ-CP); cán bộ báo cáo chỉ thấy của đơn vị mình"))
    )]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

#[utoipa::path(get, path = "/api/dossiers", tag = "security",
    description = "Các bộ hồ sơ đề xuất cấp độ đã nộp đến hôm nay với tình trạng (bước: submitted, under_appraisal, \
        returned, resubmitted, approved; nhóm: approved, pending, returned), nội dung cần bổ sung, số quyết định \
        phê duyệt và thẩm quyền phê duyệt theo cấp độ; số lượng theo đơn vị và câu tổng hợp \
        (\"23 đơn vị, 42 bộ hồ sơ: 28 đã phê duyệt, 10 chờ phê duyệt, 4 cần bổ sung\").",
    params(
        ("status" = Option<String>, Query, description = "approved | pending | returned | submitted | under_appraisal | resubmitted"),
        ("unit" = Option<String>, Query, description = "Mã đơn vị chủ quản (gồm các đơn vị trực thuộc)"),
        ("level" = Option<u8>, Query, description = "Cấp độ 1 đến 5"),
    ),
    responses(
        (status = 200, description = "as_of, sentence, counts, by_unit, total, dossiers", content_type = "application/json"),
        (status = 400, description = "Bộ lọc sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Đơn vị ngoài phạm vi của tài khoản"),
        (status = 404, description = "Không có đơn vị"),
    ))]
async fn list_dossiers(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<DossiersQuery>,
) -> ApiResult<Json<Value>> {
    let reg = visible(&state, &user).await?;
    let v = dossiers_view(&state.model(), user.lang, user.scope(), &reg, &q, state.today())?;
    Ok(Json(json!({
        "as_of": v.as_of,
        "sentence": v.sentence,
        "counts": v.counts,
        "by_unit": v.by_unit,
        "total": v.total,
        "dossiers": v.dossiers,
    })))
}

#[utoipa::path(get, path = "/api/systems", tag = "security",
    description = "Các hệ thống thông tin (đơn vị chủ quản, mục đích, cấp độ, thẩm quyền phê duyệt) với tình trạng \
        hồ sơ đề xuất cấp độ gần nhất đến hôm nay (null: chưa có hồ sơ).",
    params(
        ("status" = Option<String>, Query, description = "approved | pending | returned | submitted | under_appraisal | resubmitted | none"),
        ("unit" = Option<String>, Query, description = "Mã đơn vị chủ quản (gồm các đơn vị trực thuộc)"),
        ("level" = Option<u8>, Query, description = "Cấp độ 1 đến 5"),
    ),
    responses(
        (status = 200, description = "as_of, systems", content_type = "application/json"),
        (status = 400, description = "Bộ lọc sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Đơn vị ngoài phạm vi của tài khoản"),
        (status = 404, description = "Không có đơn vị"),
    ))]
async fn list_systems(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<DossiersQuery>,
) -> ApiResult<Json<Value>> {
    let reg = visible(&state, &user).await?;
    let v = dossiers_view(&state.model(), user.lang, user.scope(), &reg, &q, state.today())?;
    Ok(Json(json!({ "as_of": v.as_of, "systems": v.systems })))
}
