//! JSON of the registers: projects and budgets, and task assignments with
//! their progress reports. The same builders as the pages
//! (`pages::registers`), so the API and the HTML show the same figures;
//! amounts are numbers of millions of đồng, exact to the thousand.
//!
//! Writes take and answer the objects in their register-file form (the serde
//! form of `chiso_core::register`, `crates/io/REGISTERS.md`) and go through
//! the same functions as the pages (`pages::budget_edit`): the office and
//! admins write; a reporter records disbursements of its units' projects.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, AppError};
use crate::pages::budget_edit::{self, Write};
use crate::pages::registers::{
    self, ItemDetail, ProgressInput, ProjectsQuery, TasksQuery, add_progress, item_detail, projects_view, tasks_view,
    visible,
};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chiso_core::access::Role;
use chiso_core::register::budget::BudgetSummary;
use chiso_core::register::{Disbursement, InvestmentProject, RecurrentTask, StateBudget, Task};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/projects", get(list_projects))
        .route("/api/projects/{code}", get(get_project).put(put_project).delete(delete_project))
        .route("/api/projects/{code}/disbursements", post(post_disbursement))
        .route("/api/recurrentTasks/{code}", put(put_recurrent_task))
        .route("/api/stateBudget/{year}", put(put_state_budget))
        .route("/api/budget/summary", get(budget_summary))
        .route("/api/tasks", get(list_tasks))
        .route("/api/tasks/{code}", put(put_task).delete(delete_task))
        .route("/api/tasks/{code}/progress", post(post_progress))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(
            list_projects, get_project, put_project, delete_project, post_disbursement, put_recurrent_task,
            put_state_budget, budget_summary, list_tasks, post_progress, put_task, delete_task
        ),
        tags((name = "registers", description = "Dự án, kinh phí chuyển đổi số và nhiệm vụ được giao (cán bộ báo cáo chỉ thấy của đơn vị mình)"))
    )]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

fn summary_json(s: &BudgetSummary, sentence: &str) -> Value {
    json!({
        "year": s.year,
        "public_investment": s.public_investment,
        "recurrent": s.recurrent,
        "total": s.total,
        "total_text": s.total.billion_text(),
        "state_budget": s.state_budget,
        "share": s.share,
        "sentence": sentence,
    })
}

#[utoipa::path(get, path = "/api/projects", tag = "registers",
    description = "Dự án đầu tư và nhiệm vụ chi thường xuyên của một năm (mặc định: năm nay) với vốn bố trí, \
        giải ngân đến hôm nay và tỷ lệ giải ngân; tổng hợp kinh phí của năm. Số tiền tính bằng triệu đồng.",
    params(
        ("year" = Option<i32>, Query, description = "Năm, ví dụ 2026"),
        ("unit" = Option<String>, Query, description = "Mã đơn vị thực hiện (gồm các đơn vị trực thuộc)"),
        ("source" = Option<String>, Query, description = "NSTW | NSDP | XSKT"),
        ("status" = Option<String>, Query, description = "planned | ongoing | completed | suspended (chỉ dự án)"),
        ("kind" = Option<String>, Query, description = "public_investment | recurrent"),
    ),
    responses(
        (status = 200, description = "year, summary, projects, recurrent_tasks, totals", content_type = "application/json"),
        (status = 400, description = "Bộ lọc sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 404, description = "Không có đơn vị"),
    ))]
async fn list_projects(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<ProjectsQuery>,
) -> ApiResult<Json<Value>> {
    let reg = visible(&state, &user).await?;
    let v = projects_view(&state.model(), user.lang, &reg, user.role() != Role::Reporter, &q, state.today())?;
    Ok(Json(json!({
        "year": v.year,
        "as_of": v.today,
        "province": v.province,
        "summary": summary_json(&v.summary, &v.sentence),
        "allocated": v.allocated,
        "disbursed": v.disbursed,
        "disbursement_rate": v.disbursement_rate,
        "projects": v.projects,
        "projects_total": v.projects_total,
        "recurrent_tasks": v.recurrent,
        "recurrent_total": v.recurrent_total,
    })))
}

#[utoipa::path(get, path = "/api/projects/{code}", tag = "registers",
    description = "Một dự án (quyết định, cơ cấu nguồn vốn, vốn bố trí và giải ngân theo năm, các lần giải ngân) \
        hoặc một nhiệm vụ chi thường xuyên.",
    params(("code" = String, Path, description = "Mã dự án (DA_TTDL) hoặc nhiệm vụ chi thường xuyên (TX01)")),
    responses(
        (status = 200, description = "kind, project hoặc recurrent_task, funding, years, disbursements", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Dự án của đơn vị khác"),
        (status = 404, description = "Không có dự án"),
    ))]
async fn get_project(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let full = state.store.load_registers().await?;
    let d = item_detail(&state.model(), user.lang, &full, user.scope(), &code, state.today())?;
    Ok(Json(match d {
        ItemDetail::Project(d) => json!({
            "kind": "project",
            "project": d.project,
            "row": d.row,
            "unit_name": d.row.unit_name,
            "funding": d.funding,
            "years": d.years,
            "disbursements": d.payments,
            "allocated": d.allocated,
            "disbursed": d.disbursed,
            "disbursement_rate": d.disbursement_rate,
        }),
        ItemDetail::Recurrent(d) => json!({
            "kind": "recurrent_task",
            "recurrent_task": d.task,
            "row": d.row,
            "unit_name": d.row.unit_name,
            "funding": d.funding,
            "disbursements": d.payments,
            "disbursed": d.row.disbursed,
            "disbursement_rate": d.row.disbursement_rate,
        }),
    }))
}

#[derive(Debug, Default, Deserialize)]
struct SummaryQuery {
    year: Option<String>,
}

#[utoipa::path(get, path = "/api/budget/summary", tag = "registers",
    description = "Kinh phí chuyển đổi số của một năm: vốn đầu tư công, chi thường xuyên, tổng, tỷ trọng trong tổng chi \
        ngân sách tỉnh; tổng theo năm, nguồn vốn, đơn vị (cấp sở/huyện) và trụ cột; giải ngân đến hôm nay.",
    params(("year" = Option<i32>, Query, description = "Năm, ví dụ 2026 (mặc định: năm nay)")),
    responses(
        (status = 200, description = "summary, by_year, by_source, by_unit, by_pillar, allocated, disbursed, disbursement_rate", content_type = "application/json"),
        (status = 400, description = "Năm sai"),
        (status = 401, description = "Chưa đăng nhập"),
    ))]
async fn budget_summary(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<SummaryQuery>,
) -> ApiResult<Json<Value>> {
    let reg = visible(&state, &user).await?;
    let model = state.model();
    let province = user.role() != Role::Reporter;
    let breakdown = |by: &str| -> Result<Value, ApiError> {
        let pq = ProjectsQuery { year: q.year.clone(), by: Some(by.into()), ..ProjectsQuery::default() };
        let v = projects_view(&model, user.lang, &reg, province, &pq, state.today())?;
        Ok(serde_json::to_value(&v.breakdown).unwrap_or(Value::Null))
    };
    let pq = ProjectsQuery { year: q.year.clone(), ..ProjectsQuery::default() };
    let v = projects_view(&model, user.lang, &reg, province, &pq, state.today())?;
    Ok(Json(json!({
        "year": v.year,
        "as_of": v.today,
        "province": v.province,
        "summary": summary_json(&v.summary, &v.sentence),
        "allocated": v.allocated,
        "disbursed": v.disbursed,
        "disbursement_rate": v.disbursement_rate,
        "by_year": v.by_year,
        "by_unit": v.breakdown,
        "by_source": breakdown("source")?,
        "by_pillar": breakdown("pillar")?,
    })))
}

#[utoipa::path(get, path = "/api/tasks", tag = "registers",
    description = "Nhiệm vụ được giao với đơn vị chủ trì, phối hợp, thời hạn, báo cáo tiến độ gần nhất và tình trạng \
        tính đến hôm nay (quá hạn trước, rồi có nguy cơ); số liệu tổng hợp như cấp trên yêu cầu.",
    params(
        ("status" = Option<String>, Query, description = "completed_on_time | completed_late | completed | overdue | at_risk | on_track | not_reported"),
        ("unit" = Option<String>, Query, description = "Mã đơn vị hoặc nhóm chủ trì/phối hợp"),
    ),
    responses(
        (status = 200, description = "as_of, counts, sentence, tasks", content_type = "application/json"),
        (status = 400, description = "Bộ lọc sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 404, description = "Không có đơn vị"),
    ))]
async fn list_tasks(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> ApiResult<Json<Value>> {
    let reg = visible(&state, &user).await?;
    let v = tasks_view(&state.model(), user.lang, user.scope(), &reg, &q, state.today())?;
    let tasks: Vec<Value> = v
        .rows
        .iter()
        .map(|r| {
            let mut j = serde_json::to_value(r).unwrap_or(Value::Null);
            j["can_report"] = json!(r.can_report());
            j
        })
        .collect();
    Ok(Json(json!({ "as_of": v.as_of, "counts": v.counts, "sentence": v.sentence, "tasks": tasks })))
}

/// A progress report over JSON.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressBody {
    /// Tỷ lệ hoàn thành, 0–100.
    pub percent: Option<f64>,
    /// not_started | in_progress | completed | at_risk
    pub state: Option<String>,
    pub comment: Option<String>,
    /// Mã đơn vị chủ trì báo cáo (mặc định: đơn vị của tài khoản).
    pub by: Option<String>,
}

#[utoipa::path(post, path = "/api/tasks/{code}/progress", tag = "registers",
    description = "Báo cáo tiến độ một nhiệm vụ, ghi ngày hôm nay: tỷ lệ hoàn thành và/hoặc trạng thái, kèm ghi chú. \
        Chỉ đơn vị chủ trì (cán bộ báo cáo của đơn vị đó) hoặc Văn phòng, quản trị. Báo cáo lần hai trong ngày của \
        cùng đơn vị thay báo cáo trước.",
    params(("code" = String, Path, description = "Mã nhiệm vụ, ví dụ NV02")),
    request_body(content = ProgressBody, content_type = "application/json"),
    responses(
        (status = 201, description = "report, task (tình trạng mới), counts", content_type = "application/json"),
        (status = 400, description = "Tỷ lệ, trạng thái sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải đơn vị chủ trì"),
        (status = 404, description = "Không có nhiệm vụ"),
    ))]
async fn post_progress(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let b: ProgressBody = serde_json::from_slice(&body).map_err(|e| {
        AppError::BadRequest(format!(
            "Nội dung JSON không hợp lệ ({e}); cần {{ \"percent\": 100, \"state\": \"completed\", \"comment\": \"...\" }}"
        ))
    })?;
    let state_ = b.state.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(registers::parse_state).transpose()?;
    let input = ProgressInput { percent: b.percent, state: state_, comment: b.comment, by: b.by };
    let (report, full) = add_progress(&state, &user, &code, input).await?;
    let model = state.model();
    let reg = registers::scoped(&model, user.scope(), full);
    let q = TasksQuery::default();
    let v = tasks_view(&model, user.lang, user.scope(), &reg, &q, state.today())?;
    let row = v.rows.iter().find(|r| r.code == report.task.as_str());
    Ok((
        StatusCode::CREATED,
        Json(json!({ "report": report, "task": row, "counts": v.counts, "sentence": v.sentence })),
    ))
}

// ------------------------------------------------------------------ writes

/// A JSON body in the register-file form; a missing key (`code`, `year`) is
/// taken from the path, a different one is refused.
fn register_body<T: DeserializeOwned>(body: &Bytes, key: &str, path_value: Value, what: &str) -> Result<T, AppError> {
    let mut v: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("Nội dung JSON không hợp lệ ({e}); cần {what} dạng JSON.")))?;
    let Some(obj) = v.as_object_mut() else {
        return Err(AppError::BadRequest(format!("Nội dung cần là {what} (một đối tượng JSON).")));
    };
    match obj.get(key) {
        None => {
            obj.insert(key.into(), path_value);
        }
        Some(given) if *given != path_value => {
            return Err(AppError::BadRequest(format!(
                "{key} trong nội dung ({given}) khác {key} trong đường dẫn ({path_value})."
            )));
        }
        Some(_) => {}
    }
    serde_json::from_value(v).map_err(|e| AppError::BadRequest(format!("{what} không hợp lệ: {e}.")))
}

fn created_or_ok(created: bool) -> StatusCode {
    if created { StatusCode::CREATED } else { StatusCode::OK }
}

#[utoipa::path(put, path = "/api/projects/{code}", tag = "registers",
    description = "Tạo hoặc thay cả một dự án đầu tư, ở dạng của tệp sổ theo dõi (crates/io/REGISTERS.md): \
        code, name, decisions, total_investment, period { from, to }, funding [{ source, amount }], kind, unit, \
        objective, pillar, status, transition, allocations [{ year, source, amount }], disbursements, note. \
        Số tiền tính bằng triệu đồng (số hoặc chuỗi kiểu Việt Nam \"1.250,5\"). Mã trong nội dung (nếu có) phải \
        trùng mã trong đường dẫn. Cả sổ được kiểm tra theo mô hình (nguồn vốn cộng lại bằng tổng mức đầu tư, vốn \
        bố trí trong thời gian thực hiện...); có lỗi thì không ghi gì. Chỉ Văn phòng và quản trị.",
    params(("code" = String, Path, description = "Mã dự án, ví dụ DA_TTDL")),
    request_body(content = Object, content_type = "application/json", description = "Dự án (InvestmentProject)"),
    responses(
        (status = 200, description = "Đã thay: dự án như đã lưu", content_type = "application/json"),
        (status = 201, description = "Đã tạo: dự án như đã lưu", content_type = "application/json"),
        (status = 400, description = "Nội dung sai hoặc sổ không hợp lệ (thông báo nêu chỗ sai)"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải Văn phòng, quản trị"),
        (status = 409, description = "Mã đã dùng cho một nhiệm vụ chi thường xuyên"),
    ))]
async fn put_project(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<InvestmentProject>)> {
    user.require_manage()?;
    let p: InvestmentProject = register_body(&body, "code", json!(code), "dự án")?;
    let (p, created) = budget_edit::put_project(&state, &user, p, Write::Upsert, false).await?;
    Ok((created_or_ok(created), Json(p)))
}

#[utoipa::path(delete, path = "/api/projects/{code}", tag = "registers",
    description = "Xóa một dự án hoặc một nhiệm vụ chi thường xuyên khỏi sổ (nhật ký giữ nội dung đã xóa). \
        Chỉ Văn phòng và quản trị.",
    params(("code" = String, Path, description = "Mã dự án hoặc nhiệm vụ chi thường xuyên")),
    responses(
        (status = 200, description = "Đối tượng đã xóa", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải Văn phòng, quản trị"),
        (status = 404, description = "Không có dự án, nhiệm vụ"),
    ))]
async fn delete_project(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Json<budget_edit::Item>> {
    Ok(Json(budget_edit::delete_item(&state, &user, &code).await?))
}

#[utoipa::path(post, path = "/api/projects/{code}/disbursements", tag = "registers",
    description = "Ghi một khoản giải ngân của dự án hoặc nhiệm vụ chi thường xuyên: { \"date\": \"2026-11-20\", \
        \"amount\": 450, \"note\": \"Thanh toán đợt 3\" } (hoặc { \"period\": \"202610\", ... }); số tiền triệu đồng, \
        lớn hơn 0, ngày không sau hôm nay. Sổ từ chối khi giải ngân lũy kế vượt vốn bố trí lũy kế, hoặc ngày ngoài \
        thời gian thực hiện. Văn phòng, quản trị, hoặc cán bộ báo cáo của đơn vị thực hiện.",
    params(("code" = String, Path, description = "Mã dự án hoặc nhiệm vụ chi thường xuyên")),
    request_body(content = Object, content_type = "application/json", description = "Khoản giải ngân (Disbursement)"),
    responses(
        (status = 201, description = "Dự án (hoặc nhiệm vụ) như đã lưu, với khoản giải ngân mới", content_type = "application/json"),
        (status = 400, description = "Số tiền, ngày sai; vượt vốn bố trí"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải đơn vị thực hiện"),
        (status = 404, description = "Không có dự án, nhiệm vụ"),
    ))]
async fn post_disbursement(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<budget_edit::Item>)> {
    budget_edit::require_disburse(&state, &user, &code).await?;
    let d: Disbursement = serde_json::from_slice(&body).map_err(|e| {
        AppError::BadRequest(format!(
            "Khoản giải ngân không hợp lệ ({e}); cần {{ \"date\": \"2026-11-20\", \"amount\": 450, \"note\": \"...\" }}"
        ))
    })?;
    let item = budget_edit::add_disbursement(&state, &user, &code, d).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

#[utoipa::path(put, path = "/api/recurrentTasks/{code}", tag = "registers",
    description = "Tạo hoặc thay một nhiệm vụ chi thường xuyên, ở dạng của tệp sổ theo dõi: code, unit, name, year, \
        amount, budget_line, pillar, funding (để trống: toàn bộ NSĐP), disbursements, note. Chỉ Văn phòng và quản trị.",
    params(("code" = String, Path, description = "Mã nhiệm vụ, ví dụ TX01")),
    request_body(content = Object, content_type = "application/json", description = "Nhiệm vụ chi thường xuyên (RecurrentTask)"),
    responses(
        (status = 200, description = "Đã thay", content_type = "application/json"),
        (status = 201, description = "Đã tạo", content_type = "application/json"),
        (status = 400, description = "Nội dung sai hoặc sổ không hợp lệ"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải Văn phòng, quản trị"),
        (status = 409, description = "Mã đã dùng cho một dự án"),
    ))]
async fn put_recurrent_task(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<RecurrentTask>)> {
    user.require_manage()?;
    let t: RecurrentTask = register_body(&body, "code", json!(code), "nhiệm vụ chi thường xuyên")?;
    let (t, created) = budget_edit::put_recurrent(&state, &user, t, Write::Upsert, false).await?;
    Ok((created_or_ok(created), Json(t)))
}

#[utoipa::path(put, path = "/api/stateBudget/{year}", tag = "registers",
    description = "Đặt tổng chi ngân sách nhà nước của tỉnh một năm (mẫu số của tỷ trọng kinh phí chuyển đổi số): \
        { \"amount\": \"14.820.000\", \"note\": \"Nghị quyết số 25/NQ-HĐND\" } (triệu đồng). Chỉ Văn phòng và quản trị.",
    params(("year" = i32, Path, description = "Năm, ví dụ 2026")),
    request_body(content = Object, content_type = "application/json", description = "Tổng chi ngân sách (StateBudget)"),
    responses(
        (status = 200, description = "Đã thay", content_type = "application/json"),
        (status = 201, description = "Đã tạo", content_type = "application/json"),
        (status = 400, description = "Năm, số tiền sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải Văn phòng, quản trị"),
    ))]
async fn put_state_budget(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(year): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<StateBudget>)> {
    user.require_manage()?;
    let year = registers::year_of(Some(&year), state.today())?;
    let b: StateBudget = register_body(&body, "year", json!(year), "tổng chi ngân sách")?;
    let (b, created) = budget_edit::put_state_budget(&state, &user, b).await?;
    Ok((created_or_ok(created), Json(b)))
}

#[utoipa::path(put, path = "/api/tasks/{code}", tag = "registers",
    description = "Tạo hoặc thay một nhiệm vụ được giao, ở dạng của tệp sổ theo dõi: code, name, plan, target, pillar, \
        year, lead (mã đơn vị hoặc nhóm), cooperating, due (\"Tháng 09/2026\", \"Quý IV/2026\", \"Nhiệm vụ thường \
        xuyên\"), assigned_on, note. Các báo cáo tiến độ giữ nguyên. Chỉ Văn phòng và quản trị.",
    params(("code" = String, Path, description = "Mã nhiệm vụ, ví dụ NV02")),
    request_body(content = Object, content_type = "application/json", description = "Nhiệm vụ (Task)"),
    responses(
        (status = 200, description = "Đã thay", content_type = "application/json"),
        (status = 201, description = "Đã tạo", content_type = "application/json"),
        (status = 400, description = "Nội dung sai hoặc sổ không hợp lệ"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải Văn phòng, quản trị"),
    ))]
async fn put_task(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Task>)> {
    user.require_manage()?;
    let t: Task = register_body(&body, "code", json!(code), "nhiệm vụ")?;
    let (t, created) = budget_edit::put_task(&state, &user, t, Write::Upsert).await?;
    Ok((created_or_ok(created), Json(t)))
}

#[utoipa::path(delete, path = "/api/tasks/{code}", tag = "registers",
    description = "Xóa một nhiệm vụ được giao cùng các báo cáo tiến độ của nó. Chỉ Văn phòng và quản trị.",
    params(("code" = String, Path, description = "Mã nhiệm vụ")),
    responses(
        (status = 200, description = "Nhiệm vụ đã xóa", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải Văn phòng, quản trị"),
        (status = 404, description = "Không có nhiệm vụ"),
    ))]
async fn delete_task(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Task>> {
    let (task, _reports) = budget_edit::delete_task(&state, &user, &code).await?;
    Ok(Json(task))
}
