//! JSON endpoints for the monthly cycle: reports due, one report (values,
//! narratives, status, violations, actions), saving it, workflow actions,
//! and the completeness of a form and period. Same service as the pages
//! (`crate::reports`), same scope and workflow checks.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, AppError};
use crate::reports::{self, Outcome, ReportInput};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chiso_core::workflow::Action;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/reports", get(list))
        .route("/api/reports/{form}/{period}/{unit}", get(one).put(put))
        .route("/api/reports/{form}/{period}/{unit}/{action}", post(action))
        .route("/api/completeness/{form}/{period}", get(completeness))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(list, one, put, action, completeness), components(schemas(ReportInput, ActionBody)))]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

#[derive(Deserialize)]
struct ListQuery {
    form: Option<String>,
    period: Option<String>,
}

#[utoipa::path(get, path = "/api/reports", tag = "reports",
    description = "Các báo cáo đơn vị của tài khoản phải gửi (như trang chủ): kỳ đang mở và các kỳ trước chưa duyệt, quá hạn trước.",
    params(("form" = Option<String>, Query, description = "Mã biểu mẫu"), ("period" = Option<String>, Query, description = "Kỳ, ví dụ 202612")),
    responses((status = 200, description = "{\"reports\": [{form, period, unit, status, due, overdue, comment, ...}]}")))]
async fn list(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let reports = reports::due_reports(&state, &user, q.form.as_deref(), q.period.as_deref()).await?;
    Ok(Json(json!({ "reports": reports })))
}

#[utoipa::path(get, path = "/api/reports/{form}/{period}/{unit}", tag = "reports",
    description = "Một báo cáo: giá trị (kèm kỳ trước), nội dung, trạng thái, vi phạm quy tắc, các thao tác được phép.",
    params(("form" = String, Path, description = "Mã biểu mẫu"), ("period" = String, Path, description = "Kỳ"), ("unit" = String, Path, description = "Mã đơn vị")),
    responses((status = 200, description = "Báo cáo"), (status = 403, description = "Ngoài phạm vi"), (status = 404, description = "Không có báo cáo này")))]
async fn one(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period, unit)): Path<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    let t = reports::locate(&state, &form, &period, &unit)?;
    user.require_read(&state, t.unit)?;
    report_json(&state, &user, &t).await.map(Json)
}

async fn report_json(state: &AppState, user: &CurrentUser, t: &reports::Target) -> ApiResult<Value> {
    let r = reports::view(state, user, t, None, &[]).await?;
    let mut values = serde_json::Map::new();
    let mut previous = serde_json::Map::new();
    for s in &r.sections {
        for e in &s.elements {
            for c in &e.cells {
                if let Some(v) = &c.value {
                    values.insert(c.key.clone(), json!(v));
                }
                if let Some(v) = &c.previous {
                    previous.insert(c.key.clone(), json!(v));
                }
            }
        }
    }
    let narratives: serde_json::Map<String, Value> =
        r.narratives.iter().map(|n| (n.code.clone(), json!(n.text))).collect();
    Ok(json!({
        "form": r.form, "period": r.period, "unit": r.unit, "unitName": r.unit_name,
        "status": r.status_code, "due": r.due, "overdue": r.overdue,
        "submittedAt": r.submitted_at, "submittedBy": r.submitted_by, "review": r.review,
        "canEdit": r.can_edit, "actions": r.actions,
        "values": values, "previousPeriod": r.previous_period, "previousValues": previous,
        "narratives": narratives, "violations": r.violations,
    }))
}

fn outcome_response(o: Outcome, report: Value) -> Response {
    let status = match &o {
        Outcome::Done { .. } => StatusCode::OK,
        Outcome::Invalid { .. } | Outcome::Blocked { .. } => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut body = serde_json::to_value(&o).unwrap_or_else(|_| json!({}));
    body["httpStatusCode"] = json!(status.as_u16());
    body["status"] = json!(if status.is_success() { "OK" } else { "ERROR" });
    body["report"] = report;
    (status, Json(body)).into_response()
}

#[utoipa::path(put, path = "/api/reports/{form}/{period}/{unit}", tag = "reports",
    description = "Lưu nháp giá trị và nội dung (như nút Lưu nháp). Giá trị theo mã `ELEMENT` hoặc `ELEMENT.OPTION`, viết kiểu Việt Nam (\"1.205\", \"92,12\"); chuỗi rỗng xóa giá trị. Giá trị sai: 422, không lưu gì. Báo cáo đã duyệt: 409.",
    params(("form" = String, Path, description = "Mã biểu mẫu"), ("period" = String, Path, description = "Kỳ"), ("unit" = String, Path, description = "Mã đơn vị")),
    request_body(content = ReportInput, content_type = "application/json"),
    responses((status = 200, description = "Đã lưu"), (status = 422, description = "Giá trị không hợp lệ"), (status = 409, description = "Đã duyệt, bị khóa"), (status = 403, description = "Không có quyền")))]
async fn put(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period, unit)): Path<(String, String, String)>,
    Json(input): Json<ReportInput>,
) -> ApiResult<Response> {
    let t = reports::locate(&state, &form, &period, &unit)?;
    user.require_write(&state, t.unit)?;
    let o = reports::act(&state, &user, &t, Action::SaveDraft, &input, None).await?;
    Ok(outcome_response(o, report_json(&state, &user, &t).await?))
}

/// The body of a workflow action: the office's reason, and optionally the
/// values to save with `save_draft`/`submit`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default, flatten)]
    pub input: ReportInput,
}

#[utoipa::path(post, path = "/api/reports/{form}/{period}/{unit}/{action}", tag = "reports",
    description = "Thao tác: save_draft, submit (lỗi quy tắc chặn; cảnh báo cần giải trình trong `explanations`), recall, approve, return (bắt buộc `comment`), reopen.",
    params(("form" = String, Path, description = "Mã biểu mẫu"), ("period" = String, Path, description = "Kỳ"), ("unit" = String, Path, description = "Mã đơn vị"),
           ("action" = String, Path, description = "save_draft | submit | recall | approve | return | reopen")),
    request_body(content = ActionBody, content_type = "application/json"),
    responses((status = 200, description = "Đã thực hiện"), (status = 422, description = "Bị chặn bởi quy tắc hoặc giá trị sai"), (status = 409, description = "Trạng thái không cho phép"), (status = 403, description = "Không có quyền")))]
async fn action(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period, unit, action)): Path<(String, String, String, String)>,
    body: Option<Json<ActionBody>>,
) -> ApiResult<Response> {
    let t = reports::locate(&state, &form, &period, &unit)?;
    user.require_write(&state, t.unit)?;
    let a = Action::from_code(&action)
        .ok_or_else(|| ApiError(AppError::NotFound(format!("Không có thao tác {action}."))))?;
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let o = reports::act(&state, &user, &t, a, &body.input, body.comment.as_deref()).await?;
    Ok(outcome_response(o, report_json(&state, &user, &t).await?))
}

#[utoipa::path(get, path = "/api/completeness/{form}/{period}", tag = "reports",
    description = "Tình hình báo cáo (như `chiso completeness`): từng đơn vị đúng hạn, trễ hạn, chưa báo cáo, chưa đến hạn; tỷ lệ theo đơn vị cấp trên. Văn phòng, quản trị, lãnh đạo.",
    params(("form" = String, Path, description = "Mã biểu mẫu"), ("period" = String, Path, description = "Kỳ")),
    responses((status = 200, description = "Tình hình báo cáo"), (status = 403, description = "Cán bộ báo cáo không xem được")))]
async fn completeness(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    user.require_province_reader()?;
    let b = reports::board(&state, &form, &period, user.lang).await?;
    Ok(Json(json!({
        "form": b.form, "period": b.period, "due": b.due, "total": b.total,
        "reportingRate": b.reporting_rate, "onTimeRate": b.on_time_rate,
        "byParent": b.by_parent, "units": b.units, "reminder": b.reminder,
    })))
}
