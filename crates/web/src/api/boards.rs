//! JSON versions of the boards: plan targets and the leaders' dashboard.
//! The same builders as the pages (`pages::targets`, `pages::dashboard`),
//! so the API and the HTML always show the same figures.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::pages::dashboard::{self, DashQuery};
use crate::pages::targets::{self, BoardQuery};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/targets", get(list_targets))
        .route("/api/targets/{plan}/{target}", get(get_target))
        .route("/api/dashboard", get(get_dashboard))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(list_targets, get_target, get_dashboard),
        tags((name = "boards", description = "Chỉ tiêu kế hoạch và bảng điều hành (văn phòng, quản trị, lãnh đạo)"))
    )]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

fn plan_json(p: &chiso_core::plan::Plan) -> Value {
    json!({ "code": p.code.to_string(), "year": p.year, "title": p.title, "number": p.number })
}

#[utoipa::path(get, path = "/api/targets", tag = "boards",
    description = "Các chỉ tiêu của kế hoạch (mặc định: kế hoạch mới nhất) với kết quả, đánh giá, tiến độ — \
        như lệnh `chiso targets`, tính đến ngày hôm nay của hệ thống. Lọc theo trụ cột, đơn vị chủ trì/phối hợp, đánh giá.",
    params(
        ("plan" = Option<String>, Query, description = "Mã kế hoạch, ví dụ KH_CDS_2026"),
        ("pillar" = Option<String>, Query, description = "Mã trụ cột, ví dụ CHINH_QUYEN"),
        ("unit" = Option<String>, Query, description = "Mã đơn vị hoặc nhóm đơn vị chủ trì/phối hợp"),
        ("verdict" = Option<String>, Query, description = "vuot | dat | chua_dat | dang_thuc_hien | risk"),
    ),
    responses(
        (status = 200, description = "plan, summary (số chỉ tiêu theo đánh giá), summary_text, targets", content_type = "application/json"),
        (status = 400, description = "Bộ lọc sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Cán bộ báo cáo"),
        (status = 404, description = "Không có kế hoạch"),
    ))]
async fn list_targets(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<BoardQuery>,
) -> ApiResult<Json<Value>> {
    user.require_province_reader()?;
    let b = targets::board(&state, user.lang, &q)?;
    let evals: Vec<_> = b.evals.iter().filter(|e| b.rows.iter().any(|r| r.code == e.target.code.as_str())).collect();
    let rows: Vec<Value> = b
        .rows
        .iter()
        .zip(&evals)
        .map(|(r, e)| {
            let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
            v["value"] = json!(e.value);
            v["progress"] = serde_json::to_value(&e.progress).unwrap_or(Value::Null);
            v
        })
        .collect();
    Ok(Json(json!({
        "plan": plan_json(&b.plan),
        "today": b.today,
        "summary": b.summary,
        "summary_text": b.summary_line,
        "targets": rows,
    })))
}

#[utoipa::path(get, path = "/api/targets/{plan}/{target}", tag = "boards",
    description = "Một chỉ tiêu: đánh giá, số liệu theo tháng (trong tháng, lũy kế từ đầu năm, lũy kế năm trước) và các đơn vị đóng góp.",
    params(
        ("plan" = String, Path, description = "Mã kế hoạch"),
        ("target" = String, Path, description = "Mã chỉ tiêu, ví dụ CT23"),
    ),
    responses(
        (status = 200, description = "plan, target, evaluation, history, contributors", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Cán bộ báo cáo"),
        (status = 404, description = "Không có kế hoạch hoặc chỉ tiêu"),
    ))]
async fn get_target(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((plan, target)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    user.require_province_reader()?;
    let d = targets::detail(&state, user.lang, &plan, &target)?;
    Ok(Json(json!({
        "plan": plan_json(&d.plan),
        "target": d.row,
        "evaluation": d.eval,
        "measure": d.measure,
        "measure_unit": d.measure_unit,
        "previous": d.previous.as_ref().map(|(p, t)| json!({ "plan": p.code.to_string(), "target": t.code.to_string() })),
        "history": d.history,
        "contributors": d.contributors,
    })))
}

#[utoipa::path(get, path = "/api/dashboard", tag = "boards",
    description = "Bảng điều hành của một đơn vị (mặc định: tỉnh) cho tháng gần nhất đã kết thúc: chỉ số chính với thay đổi so với \
        tháng trước và cùng kỳ năm trước, xu hướng 12 tháng, và xếp hạng các đơn vị so sánh được.",
    params(
        ("ou" = Option<String>, Query, description = "Mã đơn vị"),
        ("dx" = Option<String>, Query, description = "Chỉ số chính, cách nhau bởi dấu phẩy"),
        ("rank" = Option<String>, Query, description = "Chỉ số xếp hạng (mặc định: chỉ số chính đầu tiên)"),
        ("group" = Option<String>, Query, description = "Ở cấp tỉnh: UBND_HUYEN | SO_NGANH | UBND_XA"),
    ),
    responses(
        (status = 200, description = "unit, breadcrumbs, period, indicators, ranking", content_type = "application/json"),
        (status = 400, description = "Chỉ số hoặc nhóm sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Cán bộ báo cáo"),
        (status = 404, description = "Không có đơn vị"),
    ))]
async fn get_dashboard(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<DashQuery>,
) -> ApiResult<Json<Value>> {
    user.require_province_reader()?;
    let d = dashboard::dashboard(&state, user.lang, &q)?;
    Ok(Json(json!({
        "unit": d.unit,
        "breadcrumbs": d.breadcrumbs,
        "period": d.month.to_string(),
        "period_name": d.month_label,
        "indicators": d.cards,
        "ranking": {
            "dx": d.rank_dx,
            "name": d.rank_name,
            "scope": d.rank_scope,
            "lower_is_better": d.lower_is_better,
            "rows": d.ranking,
        },
    })))
}
