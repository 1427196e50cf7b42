//! JSON of the digital-transformation index: a group's ranking and one
//! unit's breakdown — the same builders as the pages (`pages::dti`), so the
//! API and the HTML show the same order and figures (province readers only);
//! the index definitions (everyone reads, the office and admins create or
//! replace them) and the assessors' scores (the office and admins write,
//! all or nothing) through the same functions as the pages
//! (`pages::dti_admin`).

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, AppError};
use crate::pages::dti::{DtiQuery, UnitQuery, ranking_view, unit_view};
use crate::pages::dti_admin::{
    Saved, ScoreEdit, collision_of, history, index_problems, index_rows, parse_index, save_index, save_scores,
};
use crate::pages::reports::Problem;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chiso_core::access::Role;
use chiso_core::index::Index;
use chiso_core::period::Period;
use chiso_core::register::IndexAssessment;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/dti", get(ranking))
        .route("/api/dti/indices", get(list_indices))
        .route("/api/dti/indices/{code}", get(get_index).put(put_index))
        .route("/api/dti/assessments", get(list_assessments).post(post_assessments))
        .route("/api/dti/{unit}", get(unit))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(ranking, unit, list_indices, get_index, put_index, list_assessments, post_assessments),
        tags((name = "dti", description = "Chỉ số chuyển đổi số (DTI): xếp hạng nhóm đơn vị và chi tiết điểm một đơn vị (văn phòng, quản trị, lãnh đạo); các bộ chỉ số theo năm (mọi tài khoản đọc, văn phòng và quản trị sửa) và điểm chấm của hội đồng đánh giá"))
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

#[utoipa::path(get, path = "/api/dti/indices", tag = "dti",
    description = "Các bộ chỉ số theo năm (mới nhất trước): mã, tên, năm, điểm tối đa, số trụ cột, chỉ số chính, \
        chỉ số thành phần và chỉ số thành phần chấm điểm, số điểm chấm đã nhập, lần sửa cuối (thời gian, người sửa) và số phiên bản.",
    responses(
        (status = 200, description = "indices: [{code, name, year, points, pillars, mains, components, assessed, scores, changed_at, changed_by, versions}]", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
    ))]
async fn list_indices(State(state): State<Arc<AppState>>, _user: CurrentUser) -> ApiResult<Json<Value>> {
    let reg = state.store.load_registers().await?;
    Ok(Json(json!({ "indices": index_rows(&state, &reg).await? })))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct IndexQuery {
    /// A saved version (1 = the first); default: the current one.
    version: Option<usize>,
}

#[utoipa::path(get, path = "/api/dti/indices/{code}", tag = "dti",
    description = "Định nghĩa một bộ chỉ số ở dạng JSON (dạng lưu trữ của Index: code, name, year, basis, points, nodes \
        với children, points hoặc weight, scoring), bản đang dùng hoặc một phiên bản đã lưu.",
    params(("code" = String, Path, description = "Mã bộ chỉ số, ví dụ DTI_2026"), IndexQuery),
    responses(
        (status = 200, description = "Index (JSON)", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 404, description = "Không có bộ chỉ số hoặc phiên bản"),
    ))]
async fn get_index(
    State(state): State<Arc<AppState>>,
    _user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<IndexQuery>,
) -> ApiResult<Json<Index>> {
    if let Some(n) = q.version {
        let versions = history(&state, &code).await?;
        let body = versions.into_iter().find(|v| v.number == n).and_then(|v| v.body);
        return Ok(Json(body.ok_or_else(|| AppError::not_found(format!("phiên bản {n} của bộ chỉ số {code}")))?));
    }
    let reg = state.store.load_registers().await?;
    let ix = reg.index(&code).cloned().ok_or_else(|| AppError::not_found(format!("bộ chỉ số {code}")))?;
    Ok(Json(ix))
}

/// A refusal with every problem listed, DHIS2-style.
fn problems_response(status: StatusCode, problems: &[Problem]) -> Response {
    let message = format!(
        "Bộ chỉ số có {} lỗi, không lưu: {}",
        problems.len(),
        problems.iter().map(Problem::text).collect::<Vec<_>>().join("; ")
    );
    let body = json!({
        "httpStatus": status.canonical_reason().unwrap_or(""),
        "httpStatusCode": status.as_u16(),
        "status": "ERROR",
        "message": message,
        "errors": problems,
    });
    (status, Json(body)).into_response()
}

#[utoipa::path(put, path = "/api/dti/indices/{code}", tag = "dti",
    description = "Tạo hoặc thay bộ chỉ số có mã này (mỗi lần thay đổi là một phiên bản mới trong nhật ký, có người sửa và thời gian). \
        Thân yêu cầu là JSON của Index, hoặc YAML với Content-Type application/yaml (hay text/yaml). Mã trong nội dung phải \
        trùng mã trên đường dẫn. Được kiểm tra như trang sửa: điểm và trọng số khớp nhau, mã không trùng, dữ liệu và chỉ tiêu \
        có trong siêu dữ liệu, năm chưa có bộ chỉ số khác, các điểm chấm đã nhập vẫn hợp lệ; có lỗi thì không lưu gì.",
    params(("code" = String, Path, description = "Mã bộ chỉ số, ví dụ DTI_2027")),
    request_body(content = Object, description = "Index (JSON) hoặc văn bản YAML với Content-Type application/yaml"),
    responses(
        (status = 200, description = "{code, result: updated | unchanged, version}", content_type = "application/json"),
        (status = 201, description = "{code, result: created, version}", content_type = "application/json"),
        (status = 400, description = "Nội dung có lỗi: errors [{place, message}], không lưu gì", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải văn phòng/quản trị"),
        (status = 409, description = "Năm đã có bộ chỉ số khác", content_type = "application/json"),
    ))]
async fn put_index(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.require_manage()?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parsed = if content_type.contains("yaml") {
        parse_index(&String::from_utf8_lossy(&body))
    } else {
        serde_json::from_slice::<Index>(&body).map_err(|e| Problem {
            place: format!("JSON dòng {}, cột {}", e.line(), e.column()),
            message: format!("không đọc được bộ chỉ số: {e}"),
        })
    };
    let ix = match parsed {
        Ok(ix) => ix,
        Err(p) => return Ok(problems_response(StatusCode::BAD_REQUEST, &[p])),
    };
    if ix.code.as_str() != code {
        return Err(
            AppError::BadRequest(format!("Mã trong nội dung ({}) khác mã trên đường dẫn ({code}).", ix.code)).into()
        );
    }
    let reg = state.store.load_registers().await?;
    let problems = index_problems(&state.model(), &reg, &code, &ix);
    if !problems.is_empty() {
        let status = if collision_of(&reg, &code, &ix) { StatusCode::CONFLICT } else { StatusCode::BAD_REQUEST };
        return Ok(problems_response(status, &problems));
    }
    let saved = save_index(&state, &user, &code, ix).await?;
    let version = history(&state, &code).await?.first().map(|v| v.number);
    let status = if saved == Saved::Created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({ "code": code, "result": saved, "version": version }))).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AssessmentsQuery {
    /// Index code, e.g. DTI_2026.
    index: Option<String>,
    /// Period, e.g. 2026.
    period: Option<String>,
    /// Unit code (exactly this unit).
    unit: Option<String>,
}

#[utoipa::path(get, path = "/api/dti/assessments", tag = "dti",
    description = "Điểm chấm (0–1) các chỉ số thành phần chấm điểm, kèm minh chứng và đơn vị chấm, lọc theo bộ chỉ số, kỳ và \
        đơn vị. Văn phòng, quản trị và lãnh đạo thấy mọi đơn vị; cán bộ báo cáo chỉ thấy đơn vị của mình.",
    params(AssessmentsQuery),
    responses(
        (status = 200, description = "assessments: [{index, period, unit, component, score, evidence, by}]", content_type = "application/json"),
        (status = 400, description = "Kỳ sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Đơn vị ngoài phạm vi của tài khoản"),
        (status = 404, description = "Không có đơn vị"),
    ))]
async fn list_assessments(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<AssessmentsQuery>,
) -> ApiResult<Json<Value>> {
    let model = state.model();
    let tree = model.tree();
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => {
            Some(p.parse::<Period>().map_err(|e| AppError::BadRequest(format!("Kỳ \"{p}\" không hợp lệ: {e}")))?)
        }
        None => None,
    };
    let unit = q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    if let Some(u) = unit {
        let ix = tree.index(u).ok_or_else(|| AppError::not_found(format!("đơn vị {u}")))?;
        user.require_read(&state, ix)?;
    }
    let index = q.index.as_deref().map(str::trim).filter(|i| !i.is_empty());
    let reg = state.store.load_registers().await?;
    let readable = |code: &str| {
        user.role() != Role::Reporter || tree.index(code).is_some_and(|ix| user.scope().can_read(tree, ix))
    };
    let list: Vec<&IndexAssessment> = reg
        .assessments
        .iter()
        .filter(|a| index.is_none_or(|i| a.index.as_str() == i))
        .filter(|a| period.is_none_or(|p| a.period == p))
        .filter(|a| unit.is_none_or(|u| a.unit.as_str() == u))
        .filter(|a| readable(a.unit.as_str()))
        .collect();
    Ok(Json(json!({ "assessments": list })))
}

#[utoipa::path(post, path = "/api/dti/assessments", tag = "dti",
    description = "Ghi một danh sách điểm chấm (dạng IndexAssessment: index, period, unit, component, score 0–1, evidence, by) \
        trong một giao dịch: tất cả được lưu hoặc không gì cả. Điểm đã có của cùng bộ chỉ số, kỳ, đơn vị và chỉ số thành phần \
        được thay. Thiếu by thì lấy đơn vị của tài khoản (nếu có). Văn phòng và quản trị.",
    request_body(content = Object, description = "[{index, period, unit, component, score, evidence?, by?}]"),
    responses(
        (status = 200, description = "{created, updated, deleted, unchanged}", content_type = "application/json"),
        (status = 400, description = "Điểm sai (ngoài 0–1, bộ chỉ số, chỉ số thành phần hay đơn vị không có): không lưu gì"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải văn phòng/quản trị"),
    ))]
async fn post_assessments(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    user.require_manage()?;
    let list: Vec<IndexAssessment> = serde_json::from_slice(&body).map_err(|e| {
        AppError::BadRequest(format!("Danh sách điểm chấm không đọc được (dòng {}, cột {}): {e}", e.line(), e.column()))
    })?;
    let edits = list
        .into_iter()
        .map(|a| ScoreEdit {
            index: a.index,
            period: a.period,
            unit: a.unit,
            component: a.component,
            score: Some(a.score),
            evidence: a.evidence,
            by: a.by,
        })
        .collect();
    let counts = save_scores(&state, &user, edits).await?;
    Ok(Json(serde_json::to_value(counts).unwrap_or_else(|_| json!({}))))
}
