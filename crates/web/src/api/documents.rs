//! Official report documents over JSON: the versioned report templates
//! (`/api/reportTemplates`) and the generated documents
//! (`/api/documents/{name}/{period}?format=docx|html|xlsx`).
//!
//! The same helpers as the pages (`pages::reports`): one way to choose a
//! template, evaluate it on the resident engine, check and save it.
//! (`/api/reports/...` belongs to the data-entry API of the units' reports.)

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, AppError};
use crate::pages::reports::{self as rp, DocQuery};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/reportTemplates", get(list_templates))
        .route("/api/reportTemplates/{name}", get(get_template).put(put_template))
        .route("/api/documents/{name}/{period}", get(get_document))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(list_templates, get_template, put_template, get_document),
        tags((name = "documents", description = "Báo cáo chính thức: mẫu báo cáo có phiên bản, tài liệu DOCX/HTML/XLSX \
            (văn phòng, quản trị, lãnh đạo đọc; văn phòng, quản trị lưu mẫu)"))
    )]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

#[utoipa::path(get, path = "/api/reportTemplates", tag = "documents",
    description = "Các mẫu báo cáo: phiên bản mới nhất đã lưu của mỗi mẫu, và các mẫu có sẵn chưa lưu phiên bản nào \
        (version null, builtin true), với kỳ mặc định (kỳ gần nhất đã hết hạn báo cáo).",
    responses(
        (status = 200, description = "[{name, title, description, form, periodType, version, author, createdAt, builtin, defaultPeriod}]", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Cán bộ báo cáo"),
    ))]
async fn list_templates(State(state): State<Arc<AppState>>, user: CurrentUser) -> ApiResult<Json<Value>> {
    user.require_province_reader()?;
    let items: Vec<Value> = rp::list(&state, user.lang)
        .await?
        .into_iter()
        .map(|t| {
            json!({
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "form": t.form,
                "periodType": t.period_type,
                "version": t.version,
                "author": t.author,
                "createdAt": t.saved_at,
                "builtin": t.builtin,
                "defaultPeriod": t.default_period,
                "problem": t.problem,
            })
        })
        .collect();
    Ok(Json(Value::Array(items)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// A stored version (default: the latest, else the built-in).
    version: Option<u32>,
}

#[utoipa::path(get, path = "/api/reportTemplates/{name}", tag = "documents",
    description = "Một mẫu báo cáo: nội dung YAML (phiên bản được hỏi, mặc định mới nhất, hoặc mẫu có sẵn) và danh sách \
        các phiên bản đã lưu (mới nhất trước).",
    params(("name" = String, Path, description = "Tên mẫu, ví dụ monthly"), VersionQuery),
    responses(
        (status = 200, description = "{name, title, version, author, createdAt, builtin, body, versions: [{version, author, createdAt}]}", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Cán bộ báo cáo"),
        (status = 404, description = "Không có mẫu hoặc phiên bản"),
    ))]
async fn get_template(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<Value>> {
    user.require_province_reader()?;
    let chosen = rp::choose(&state, &name, q.version).await?;
    let versions: Vec<Value> = state
        .store
        .report_template_versions(&name)
        .await?
        .into_iter()
        .map(|v| json!({ "version": v.version, "author": v.author, "createdAt": v.created_at }))
        .collect();
    Ok(Json(json!({
        "name": name,
        "title": chosen.template.title,
        "form": chosen.template.form.as_ref().map(|f| f.to_string()),
        "periodType": chosen.template.period_type.name(),
        "version": chosen.version,
        "author": chosen.author,
        "createdAt": chosen.saved_at,
        "builtin": chosen.version.is_none(),
        "body": chosen.source,
        "versions": versions,
    })))
}

#[utoipa::path(put, path = "/api/reportTemplates/{name}", tag = "documents",
    description = "Lưu phiên bản mới của mẫu (tạo mẫu mới nếu tên chưa có). Thân yêu cầu là văn bản YAML của mẫu. \
        Mẫu được kiểm tra (đọc YAML, đối chiếu siêu dữ liệu, lập thử báo cáo kỳ gần nhất) và chỉ được lưu khi hợp lệ; \
        trường name trong YAML được thay bằng tên trên đường dẫn. Nội dung trùng phiên bản mới nhất thì không lưu thêm.",
    params(("name" = String, Path, description = "Tên mẫu: chữ thường không dấu, chữ số và '-'")),
    request_body(content = String, content_type = "text/yaml", description = "Mẫu báo cáo (YAML)"),
    responses(
        (status = 200, description = "{name, version, created (false khi nội dung không đổi)}", content_type = "application/json"),
        (status = 400, description = "Mẫu có lỗi: errors [{place, message}], không lưu gì", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải văn phòng/quản trị"),
    ))]
async fn put_template(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(name): Path<String>,
    body: String,
) -> Result<Response, ApiError> {
    user.require_manage()?;
    match rp::check_source(&state, &name, &body).await? {
        Ok((_, body)) => {
            let (version, created) = rp::save(&state, &user, &name, &body).await?;
            Ok(Json(json!({ "name": name, "version": version, "created": created })).into_response())
        }
        Err(problems) => {
            let message = format!(
                "Mẫu báo cáo có {} lỗi, không lưu: {}",
                problems.len(),
                problems.iter().map(rp::Problem::text).collect::<Vec<_>>().join("; ")
            );
            let body = json!({
                "httpStatus": "Bad Request",
                "httpStatusCode": 400,
                "status": "ERROR",
                "message": message,
                "errors": problems,
            });
            Ok((StatusCode::BAD_REQUEST, Json(body)).into_response())
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DocumentQuery {
    /// docx (default), html (a complete page) or xlsx (the tables, with formulas for totals).
    format: Option<String>,
    /// Unit code (default: the province).
    ou: Option<String>,
    /// A stored version of the template (default: the latest, else the built-in).
    version: Option<String>,
}

#[utoipa::path(get, path = "/api/documents/{name}/{period}", tag = "documents",
    description = "Báo cáo chính thức lập từ mẫu cho một kỳ và một đơn vị, từ số liệu hiện có: DOCX theo thể thức Nghị định \
        30/2020/NĐ-CP, trang HTML xem trước, hoặc XLSX các bảng phụ lục — như lệnh `chiso report`. Kỳ có thể kèm phần \
        mở rộng thay cho format (`202610.docx`). Tệp trả về với Content-Disposition: attachment.",
    params(
        ("name" = String, Path, description = "Tên mẫu, ví dụ monthly"),
        ("period" = String, Path, description = "Kỳ báo cáo theo loại kỳ của mẫu, ví dụ 202610 hoặc 2026SatW46"),
        DocumentQuery,
    ),
    responses(
        (status = 200, description = "Tệp DOCX, HTML hoặc XLSX"),
        (status = 400, description = "Kỳ sai, định dạng sai, hoặc mẫu lỗi (thông báo nêu vị trí trong mẫu)"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Cán bộ báo cáo"),
        (status = 404, description = "Không có mẫu, đơn vị, hoặc báo cáo không có bảng nào (xlsx)"),
    ))]
async fn get_document(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((name, period)): Path<(String, String)>,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, ApiError> {
    user.require_province_reader()?;
    let (period, ext_in_path) = match period.rsplit_once('.') {
        Some((p, ext)) => (p.to_string(), Some(ext.to_ascii_lowercase())),
        None => (period, None),
    };
    let ext = match (ext_in_path, q.format.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (Some(e), Some(f)) if !e.eq_ignore_ascii_case(f) => {
            return Err(AppError::BadRequest(format!("Phần mở rộng .{e} và format={f} khác nhau.")).into());
        }
        (Some(e), _) => e,
        (None, Some(f)) => f.to_ascii_lowercase(),
        (None, None) => "docx".to_string(),
    };
    if !matches!(ext.as_str(), "docx" | "html" | "xlsx") {
        return Err(AppError::BadRequest(format!("Định dạng \"{ext}\" không hỗ trợ (docx, html hoặc xlsx).")).into());
    }
    let dq = DocQuery { pe: Some(period), ou: q.ou, version: q.version };
    let chosen = rp::choose(&state, &name, dq.version()?).await?;
    let t = &chosen.template;
    let (period, unit) = rp::resolve(&state, &user, t, dq.pe.as_deref(), dq.ou.as_deref())?;
    let doc = rp::make(&state, t, period, unit)
        .await?
        .map_err(|e| AppError::BadRequest(format!("Không lập được báo cáo từ mẫu {name}: {}", rp::problem_text(&e))))?;
    let (bytes, content_type) = rp::render(&doc, &ext, &t.title)?;
    let model = state.model();
    let mut r = rp::attachment(
        bytes,
        content_type,
        &rp::file_stem(&model, t, &period, unit),
        &rp::file_title(t, &period),
        &ext,
    );
    if let Some(v) = chosen.version
        && let Ok(h) = v.to_string().parse()
    {
        r.headers_mut().insert("x-template-version", h);
    }
    Ok(r)
}
