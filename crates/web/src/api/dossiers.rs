//! JSON of the information systems and their security-level dossiers: the
//! same view builder as `/dossiers` (`pages::dossiers::dossiers_view`), so the
//! API and the page show the same counts and the same sentence. Writes
//! (a system, a new dossier, a dossier's next step) call the functions the
//! pages call (`pages::dossier_edit`), with the same rules.

use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::pages::dossier_edit::{
    NewDossier, delete_system, dossier_detail, parse_status, record_step, save_system, submit_dossier,
};
use crate::pages::dossiers::{DossiersQuery, authority_key, dossiers_view};
use crate::pages::registers::{scoped, visible};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chiso_core::Code;
use chiso_core::element::parse_date;
use chiso_core::register::Registers;
use chiso_core::register::security::{DossierStep, InformationSystem};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/dossiers", get(list_dossiers).post(post_dossier))
        .route("/api/dossiers/{code}", get(get_dossier))
        .route("/api/dossiers/{code}/steps", post(post_step))
        .route("/api/systems", get(list_systems))
        .route("/api/systems/{code}", put(put_system).delete(remove_system))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(list_dossiers, list_systems, put_system, remove_system, post_dossier, get_dossier, post_step),
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

/// `body` as `T`, or a 400 that shows the expected form.
fn parse_body<T: DeserializeOwned>(body: &Bytes, form: &str) -> Result<T, AppError> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("Nội dung JSON không hợp lệ ({e}); cần {form}")))
}

/// The counts and the sentence after a change, as `user` sees them.
fn totals(state: &AppState, user: &CurrentUser, reg: Registers) -> Result<Value, AppError> {
    let model = state.model();
    let reg = scoped(&model, user.scope(), reg);
    let v = dossiers_view(&model, user.lang, user.scope(), &reg, &DossiersQuery::default(), state.today())?;
    Ok(json!({ "counts": v.counts, "sentence": v.sentence }))
}

/// An information system over JSON: the serde form of the register
/// (`InformationSystem`), the code taken from the address.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemBody {
    /// Mã hệ thống; nếu có phải trùng mã trên địa chỉ.
    #[serde(default)]
    pub code: Option<String>,
    /// Tên hệ thống thông tin.
    pub name: String,
    /// Mã đơn vị chủ quản.
    pub owner: String,
    /// Mục đích, phạm vi sử dụng.
    #[serde(default)]
    pub purpose: String,
    /// Cấp độ 1 đến 5 (Nghị định 85/2016/NĐ-CP).
    pub level: u8,
    /// Ngày đưa vào vận hành (YYYY-MM-DD); bỏ trống nếu đang xây dựng.
    #[serde(default)]
    pub in_operation_since: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[utoipa::path(put, path = "/api/systems/{code}", tag = "security",
    description = "Đăng ký (201) hoặc sửa (200) một hệ thống thông tin: tên, đơn vị chủ quản, mục đích, cấp độ 1–5, \
        ngày đưa vào vận hành. Văn phòng, quản trị: mọi đơn vị; cán bộ báo cáo: các đơn vị mình được ghi.",
    params(("code" = String, Path, description = "Mã hệ thống, ví dụ HT_QLVB")),
    request_body(content = SystemBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Đã sửa: system, authority", content_type = "application/json"),
        (status = 201, description = "Đã đăng ký: system, authority", content_type = "application/json"),
        (status = 400, description = "Dữ liệu sai (thông báo nêu trường)"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Đơn vị ngoài phạm vi ghi của tài khoản"),
    ))]
async fn put_system(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let b: SystemBody = parse_body(&body, r#"{ "name": "...", "owner": "SO_KHCN", "level": 3 }"#)?;
    if let Some(c) = b.code.as_deref().map(str::trim)
        && c != code
    {
        return Err(AppError::BadRequest(format!("Mã hệ thống (code): \"{c}\" khác mã trên địa chỉ ({code}).")).into());
    }
    let bad = |field: &str, e: String| AppError::BadRequest(format!("{field}: {e}."));
    let sys = InformationSystem {
        code: Code::new(code.trim()).map_err(|e| bad("Mã hệ thống (code)", e.to_string()))?,
        name: b.name,
        owner: Code::new(b.owner.trim()).map_err(|e| bad("Đơn vị chủ quản (owner)", e.to_string()))?,
        purpose: b.purpose,
        level: b.level,
        in_operation_since: match b.in_operation_since.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(parse_date(s).ok_or_else(|| {
                bad("Ngày đưa vào vận hành (in_operation_since)", format!("\"{s}\" không phải ngày"))
            })?),
        },
        note: b.note,
    };
    let (created, reg) = save_system(&state, &user, &code, sys, false).await?;
    let sys = reg.systems.iter().find(|s| s.code.as_str() == code).expect("just saved");
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({ "system": sys, "authority": sys.authority().map(authority_key) }))))
}

#[utoipa::path(delete, path = "/api/systems/{code}", tag = "security",
    description = "Xóa một hệ thống thông tin chưa có hồ sơ đề xuất cấp độ (Văn phòng, quản trị). Hệ thống đã có hồ sơ \
        không xóa được (409).",
    params(("code" = String, Path, description = "Mã hệ thống")),
    responses(
        (status = 200, description = "deleted: mã đã xóa", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải Văn phòng, quản trị"),
        (status = 404, description = "Không có hệ thống"),
        (status = 409, description = "Hệ thống đã có hồ sơ"),
    ))]
async fn remove_system(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let sys = delete_system(&state, &user, &code).await?;
    Ok(Json(json!({ "status": "OK", "deleted": sys.code })))
}

#[utoipa::path(post, path = "/api/dossiers", tag = "security",
    description = "Nộp một bộ hồ sơ đề xuất cấp độ cho một hệ thống (đơn vị chủ quản, Văn phòng, quản trị). Mã mặc định \
        HS_<mã hệ thống bỏ HT_>, ngày nộp mặc định hôm nay. Không nộp được khi hệ thống đang có hồ sơ chưa phê duyệt (409); \
        sau hồ sơ đã phê duyệt, hồ sơ mới (ví dụ thay đổi cấp độ) phải ghi lý do ở note.",
    request_body(content = NewDossier, content_type = "application/json"),
    responses(
        (status = 201, description = "dossier (như GET /api/dossiers/{code}), counts, sentence", content_type = "application/json"),
        (status = 400, description = "Dữ liệu sai (thông báo nêu trường)"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không phải đơn vị chủ quản"),
        (status = 409, description = "Hệ thống đang có hồ sơ chưa phê duyệt, hoặc mã đã có"),
    ))]
async fn post_dossier(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let b: NewDossier = parse_body(&body, r#"{ "system": "HT_QLVB", "submitted": "2026-11-23", "note": "..." }"#)?;
    let (d, reg) = submit_dossier(&state, &user, b).await?;
    let detail = dossier_detail(&state, &user, &reg, d.code.as_str()).await?;
    let mut out = totals(&state, &user, reg)?;
    out["dossier"] = json!(detail);
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(get, path = "/api/dossiers/{code}", tag = "security",
    description = "Một bộ hồ sơ: hệ thống, cấp độ và thẩm quyền phê duyệt, ngày nộp, các bước (ngày, bước, nội dung cần \
        bổ sung, số quyết định, ghi chú, người ghi theo nhật ký), tình trạng hiện nay và các bước tài khoản được ghi tiếp (next).",
    params(("code" = String, Path, description = "Mã hồ sơ, ví dụ HS_QLVB")),
    responses(
        (status = 200, description = "Hồ sơ", content_type = "application/json"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Hồ sơ của đơn vị ngoài phạm vi"),
        (status = 404, description = "Không có hồ sơ"),
    ))]
async fn get_dossier(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let reg = state.store.load_registers().await?;
    Ok(Json(json!(dossier_detail(&state, &user, &reg, &code).await?)))
}

/// The next step of a dossier over JSON: the serde form of `DossierStep`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// Ngày của bước (YYYY-MM-DD), mặc định hôm nay; không trước bước trước, không sau hôm nay.
    #[serde(default)]
    pub date: Option<String>,
    /// under_appraisal | returned | resubmitted | approved
    pub status: String,
    /// Nội dung cần bổ sung (bắt buộc khi returned).
    #[serde(default)]
    pub missing: Option<String>,
    /// Số quyết định phê duyệt (bắt buộc khi approved), ví dụ 1520/QĐ-UBND.
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/dossiers/{code}/steps", tag = "security",
    description = "Ghi bước tiếp theo của hồ sơ theo thứ tự Nghị định 85: sau nộp / nộp lại là thẩm định, trả lại hoặc \
        phê duyệt; sau thẩm định là trả lại hoặc phê duyệt; sau trả lại là nộp lại; sau phê duyệt không còn bước nào. \
        Thẩm định, trả lại, phê duyệt do Văn phòng, quản trị ghi (thay cơ quan thẩm định); nộp lại do đơn vị chủ quản.",
    params(("code" = String, Path, description = "Mã hồ sơ")),
    request_body(content = StepBody, content_type = "application/json"),
    responses(
        (status = 201, description = "dossier (như GET /api/dossiers/{code}), counts, sentence", content_type = "application/json"),
        (status = 400, description = "Bước sai thứ tự, ngày sai, thiếu nội dung cần bổ sung hoặc số quyết định (thông báo nêu trường)"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Không được ghi bước này"),
        (status = 404, description = "Không có hồ sơ"),
    ))]
async fn post_step(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let b: StepBody =
        parse_body(&body, r#"{ "date": "2026-11-23", "status": "approved", "decision": "1520/QĐ-UBND" }"#)?;
    let date = match b.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => state.today(),
        Some(s) => parse_date(s)
            .ok_or_else(|| AppError::BadRequest(format!("Ngày (date): \"{s}\" không phải ngày (YYYY-MM-DD).")))?,
    };
    let step = DossierStep {
        date,
        status: parse_status(b.status.trim())?,
        missing: b.missing,
        decision: b.decision,
        note: b.note,
    };
    let (d, reg) = record_step(&state, &user, &code, step).await?;
    let detail = dossier_detail(&state, &user, &reg, d.code.as_str()).await?;
    let mut out = totals(&state, &user, reg)?;
    out["dossier"] = json!(detail);
    Ok((StatusCode::CREATED, Json(out)))
}
