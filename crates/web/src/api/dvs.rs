//! `GET`/`POST /api/dataValueSets`: data values in DHIS2's exchange format,
//! by code (form code for `dataSet`, element, unit and option codes).
//!
//! Reading and writing the JSON and CSV bodies, and checking each value
//! against the model, is chiso-io's (`read_json_values`, `read_csv_values`,
//! `Resolver`, `write_data_value_set_json`, `write_csv`); this module adds
//! who may read or write which unit, the lock on approved reports and the
//! DHIS2 ImportSummary.
//!
//! Choices (documented in the OpenAPI description too):
//! - GET: a reporter naming a unit outside its scope gets 403 naming the
//!   unit; with `children=true` the units below are limited to those it may
//!   read. `period` or `startDate`+`endDate` is required (no whole-database dumps).
//! - POST is all or nothing: any conflict (bad code or value, a unit the
//!   account may not write, a value of an approved report) and nothing is
//!   written; the summary says ERROR (HTTP 409) and lists every conflict.
//! - Counts: a value equal to the stored one (value and comment) is
//!   `ignored`, as are empty values and earlier rows for a cell given twice.
//!   `importStrategy` CREATE ignores values that exist, UPDATE ignores new
//!   ones; DELETE is not supported (400). Empty values never delete.

use crate::api::{Pairs, all, flag, one};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, AppError};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chiso_core::Code;
use chiso_core::access::Role;
use chiso_core::metadata::Model;
use chiso_core::period::Period;
use chiso_core::value::{DataValue, SubmissionStatus};
use chiso_io::{RawItem, Resolver, ValueKey};
use chiso_store::{PutOutcome, ValueFilter};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::Arc;
use utoipa::ToSchema;

/// Bodies up to 64 MB (a province's year of values as JSON is a few MB).
const MAX_BODY: usize = 64 << 20;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/dataValueSets", get(get_values).post(post_values))
        .route("/api/dataValueSets.json", get(get_json).post(post_values))
        .route("/api/dataValueSets.csv", get(get_csv).post(post_values))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(
        paths(get_values, post_values),
        components(schemas(ImportSummary, ImportCount, Conflict, DataValueSetIn, DataValueIn)),
        tags((name = "dataValueSets", description = "Số liệu theo định dạng dataValueSets của DHIS2 (theo mã)"))
    )]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(AppError::BadRequest(msg.into()))
}

fn unit_ix(model: &Model, code: &str) -> ApiResult<chiso_core::orgunit::UnitIx> {
    model.tree().index(code).ok_or_else(|| bad(format!("đơn vị \"{code}\" không tồn tại")))
}

/// 403 naming the unit.
pub(crate) fn unit_forbidden(model: &Model, ix: chiso_core::orgunit::UnitIx) -> ApiError {
    let u = model.tree().unit(ix);
    ApiError(AppError::Forbidden(format!(
        "Tài khoản của bạn không được xem số liệu của đơn vị {} ({}).",
        u.name, u.code
    )))
}

/// Builds the store filter of a GET, checking scope.
fn value_filter(model: &Model, user: &CurrentUser, q: &Pairs) -> ApiResult<ValueFilter> {
    let tree = model.tree();
    let scope = user.scope();
    let mut elements: Vec<Code> = Vec::new();
    for ds in all(q, "dataSet") {
        let form = model.form(ds).ok_or_else(|| bad(format!("biểu mẫu (dataSet) \"{ds}\" không tồn tại")))?;
        elements.extend(form.elements().cloned());
    }
    for de in all(q, "dataElement") {
        let e =
            model.element(de).ok_or_else(|| bad(format!("chỉ tiêu dữ liệu (dataElement) \"{de}\" không tồn tại")))?;
        elements.push(e.code.clone());
    }
    elements.sort();
    elements.dedup();
    let mut periods = Vec::new();
    for p in all(q, "period") {
        periods.push(p.parse::<Period>().map_err(|e| bad(format!("kỳ báo cáo (period) \"{p}\" không hợp lệ: {e}")))?);
    }
    let date = |key: &str| -> ApiResult<Option<NaiveDate>> {
        one(q, key)
            .map(|d| d.parse::<NaiveDate>().map_err(|_| bad(format!("{key} \"{d}\" không phải ngày dạng 2026-10-31"))))
            .transpose()
    };
    let between = match (date("startDate")?, date("endDate")?) {
        (Some(a), Some(b)) => Some((a, b)),
        (None, None) => None,
        _ => return Err(bad("cần cả startDate và endDate")),
    };
    if periods.is_empty() && between.is_none() {
        return Err(bad("cần tham số period, hoặc startDate và endDate"));
    }
    let children = flag(q, "children");
    let named = all(q, "orgUnit");
    if named.is_empty() {
        // Every unit the account reads: all of them (an empty list) but for reporters.
        let units = match user.role() {
            Role::Reporter => scope.units(tree).into_iter().map(|u| tree.unit(u).code.clone()).collect(),
            _ => Vec::new(),
        };
        return Ok(ValueFilter { elements, units, periods, between });
    }
    let mut units: Vec<chiso_core::orgunit::UnitIx> = Vec::new();
    for code in named {
        let ix = unit_ix(model, code)?;
        if !scope.can_read(tree, ix) {
            return Err(unit_forbidden(model, ix));
        }
        if children {
            units.extend(tree.subtree(ix).filter(|&u| scope.can_read(tree, u)));
        } else {
            units.push(ix);
        }
    }
    units.sort_unstable();
    units.dedup();
    let units = units.into_iter().map(|u| tree.unit(u).code.clone()).collect();
    Ok(ValueFilter { elements, units, periods, between })
}

pub(crate) fn wants_csv(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/csv"))
}

#[utoipa::path(get, path = "/api/dataValueSets", tag = "dataValueSets",
    description = "Số liệu đã lưu, theo DHIS2. Cần period hoặc startDate+endDate. Cán bộ báo cáo hỏi đơn vị ngoài phạm vi \
        nhận 403 nêu tên đơn vị; children=true chỉ trả các đơn vị cấp dưới mà tài khoản được xem. \
        Mặc định JSON; CSV với /api/dataValueSets.csv hoặc Accept: text/csv.",
    params(
        ("dataSet" = Option<Vec<String>>, Query, description = "Mã biểu mẫu (lặp lại được)"),
        ("dataElement" = Option<Vec<String>>, Query, description = "Mã chỉ tiêu dữ liệu (lặp lại được)"),
        ("period" = Option<Vec<String>>, Query, description = "Kỳ: 202610, 2026Q3, 2026SatW46 (lặp lại được)"),
        ("startDate" = Option<String>, Query, description = "Từ ngày (YYYY-MM-DD)"),
        ("endDate" = Option<String>, Query, description = "Đến ngày (YYYY-MM-DD)"),
        ("orgUnit" = Option<Vec<String>>, Query, description = "Mã đơn vị (lặp lại được); mặc định: mọi đơn vị được xem"),
        ("children" = Option<bool>, Query, description = "Gồm cả các đơn vị cấp dưới"),
    ),
    responses(
        (status = 200, description = "{\"dataValues\": [...]} hoặc CSV", body = DataValueSetIn),
        (status = 400, description = "Tham số sai"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Đơn vị ngoài phạm vi của tài khoản"),
    ))]
async fn get_values(
    state: State<Arc<AppState>>,
    user: CurrentUser,
    headers: HeaderMap,
    q: Query<Pairs>,
) -> ApiResult<Response> {
    let format = if wants_csv(&headers) { Format::Csv } else { Format::Json };
    answer(state, user, q, format).await
}

async fn get_json(state: State<Arc<AppState>>, user: CurrentUser, q: Query<Pairs>) -> ApiResult<Response> {
    answer(state, user, q, Format::Json).await
}

async fn get_csv(state: State<Arc<AppState>>, user: CurrentUser, q: Query<Pairs>) -> ApiResult<Response> {
    answer(state, user, q, Format::Csv).await
}

async fn answer(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<Pairs>,
    format: Format,
) -> ApiResult<Response> {
    let model = state.model();
    let filter = value_filter(&model, &user, &q)?;
    let values = state.store.values(&filter).await?;
    let mut out = Vec::new();
    let internal = |e: chiso_io::IoError| ApiError(AppError::Internal(e.to_string()));
    let content_type = match format {
        Format::Json => {
            chiso_io::write_data_value_set_json(&model, &values, &mut out).map_err(internal)?;
            "application/json"
        }
        Format::Csv => {
            chiso_io::write_csv(&model, &values, &mut out).map_err(internal)?;
            "text/csv; charset=utf-8"
        }
    };
    Ok(([(header::CONTENT_TYPE, content_type)], out).into_response())
}

// ---------------------------------------------------------------------------
// POST

/// A dataValueSets document as posted (for the OpenAPI document; the body is
/// read by chiso-io's streaming reader).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataValueSetIn {
    /// Mã biểu mẫu (bỏ qua khi nhập).
    pub data_set: Option<String>,
    /// Kỳ mặc định cho các dòng không ghi kỳ.
    pub period: Option<String>,
    /// Đơn vị mặc định cho các dòng không ghi đơn vị.
    pub org_unit: Option<String>,
    /// Bỏ qua khi nhập.
    pub complete_date: Option<String>,
    pub data_values: Vec<DataValueIn>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataValueIn {
    pub data_element: String,
    pub period: String,
    pub org_unit: String,
    /// Mã lựa chọn phân tổ ("default" hoặc bỏ trống nếu không phân tổ).
    pub category_option_combo: Option<String>,
    /// Số theo cách viết Việt Nam ("1.205", "92,12") hoặc số JSON.
    pub value: String,
    pub comment: Option<String>,
}

/// DHIS2's ImportSummary.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Always "ImportSummary".
    pub response_type: String,
    /// SUCCESS (written, or counted for a dry run) or ERROR (a conflict: nothing written).
    pub status: String,
    pub description: String,
    pub import_count: ImportCount,
    pub conflicts: Vec<Conflict>,
    pub dry_run: bool,
    pub import_strategy: String,
}

#[derive(Serialize, ToSchema, Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportCount {
    pub imported: u64,
    pub updated: u64,
    pub ignored: u64,
    pub deleted: u64,
}

/// One refused value: `object` names it (unit, element or the place in the
/// body), `value` says why.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Conflict {
    pub object: String,
    pub value: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Strategy {
    CreateAndUpdate,
    Create,
    Update,
}

impl Strategy {
    fn name(self) -> &'static str {
        match self {
            Strategy::CreateAndUpdate => "CREATE_AND_UPDATE",
            Strategy::Create => "CREATE",
            Strategy::Update => "UPDATE",
        }
    }
}

fn place(e: &chiso_io::ImportError) -> String {
    use chiso_io::Location;
    match &e.location {
        Location::Item(n) => format!("dataValues[{n}]"),
        Location::Line(n) => format!("dòng {n}"),
        Location::Cell { sheet, cell } => format!("{sheet}!{cell}"),
        Location::Sheet(s) => s.clone(),
        Location::File => e.field.clone(),
    }
}

#[utoipa::path(post, path = "/api/dataValueSets", tag = "dataValueSets",
    description = "Nhập số liệu (JSON dataValueSets, hoặc CSV với Content-Type: text/csv), tất cả hoặc không: \
        một giá trị bị từ chối (mã sai, đơn vị ngoài phạm vi, báo cáo đã duyệt) thì không ghi gì, trạng thái ERROR (HTTP 409). \
        Giá trị trùng với giá trị đã lưu được tính là ignored. Lãnh đạo nhận 403.",
    params(
        ("dryRun" = Option<bool>, Query, description = "Chỉ kiểm tra và đếm, không ghi"),
        ("importStrategy" = Option<String>, Query, description = "CREATE_AND_UPDATE (mặc định), CREATE hoặc UPDATE"),
    ),
    request_body(description = "dataValueSets JSON hoặc CSV (dataelement,period,orgunit,categoryoptioncombo,value,storedby,comment)",
        content((DataValueSetIn = "application/json"), (String = "text/csv"))),
    responses(
        (status = 200, description = "Đã nhập (hoặc dryRun)", body = ImportSummary),
        (status = 400, description = "Thân yêu cầu không đọc được"),
        (status = 401, description = "Chưa đăng nhập"),
        (status = 403, description = "Tài khoản không được nhập số liệu"),
        (status = 409, description = "Có giá trị bị từ chối; không ghi gì", body = ImportSummary),
    ))]
async fn post_values(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<Pairs>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    if user.role() == Role::Leader {
        return Err(ApiError(AppError::Forbidden("Tài khoản lãnh đạo chỉ xem, không nhập số liệu.".into())));
    }
    let dry_run = flag(&q, "dryRun");
    let strategy = match one(&q, "importStrategy").map(str::to_ascii_uppercase).as_deref() {
        None | Some("CREATE_AND_UPDATE" | "NEW_AND_UPDATES") => Strategy::CreateAndUpdate,
        Some("CREATE" | "NEW") => Strategy::Create,
        Some("UPDATE" | "UPDATES") => Strategy::Update,
        Some(other) => {
            return Err(bad(format!(
                "importStrategy \"{other}\" không được hỗ trợ (CREATE_AND_UPDATE, CREATE hoặc UPDATE)"
            )));
        }
    };
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.contains("csv") || c.starts_with("text/plain"));
    let model = state.model();
    let tree = model.tree();
    let file = "dataValueSets";

    // Read and resolve (chiso-io), keeping the later row of a cell.
    let resolver = Resolver::new(&model, file);
    let mut count = ImportCount::default();
    let mut conflicts: Vec<Conflict> = Vec::new();
    let mut values: Vec<DataValue> = Vec::new();
    let mut seen: HashMap<ValueKey, usize> = HashMap::new();
    let mut read = 0u64;
    let mut sink = |item: RawItem| {
        match item {
            RawItem::Ignored(n) => {
                read += n;
                count.ignored += n;
            }
            RawItem::Error(e) => conflicts.push(Conflict { object: place(&e), value: e.to_string() }),
            RawItem::Value(raw) => {
                read += 1;
                match resolver.resolve_keyed(raw) {
                    Err(e) => conflicts.push(Conflict { object: place(&e), value: e.to_string() }),
                    Ok((mut v, key)) => {
                        v.stored_by = Some(user.account.username.clone());
                        match seen.get(&key) {
                            Some(&i) => {
                                values[i] = v;
                                count.ignored += 1;
                            }
                            None => {
                                seen.insert(key, values.len());
                                values.push(v);
                            }
                        }
                    }
                }
            }
        }
        ControlFlow::Continue(())
    };
    let parsed = if csv {
        chiso_io::read_csv_values(&body[..], file, &mut sink)
    } else {
        chiso_io::read_json_values(&body[..], file, &mut sink)
    };
    parsed.map_err(|e| bad(e.to_string()))?;

    // Scope: every unit must be writable.
    let mut refused_units = HashSet::new();
    for v in &values {
        let ix = tree.index(v.unit.as_str()).expect("resolved units exist");
        if !user.scope().can_write(tree, ix) && refused_units.insert(v.unit.clone()) {
            conflicts.push(Conflict {
                object: v.unit.to_string(),
                value: format!(
                    "Tài khoản {} không được nhập số liệu cho đơn vị {} ({}).",
                    user.username(),
                    tree.unit(ix).name,
                    v.unit
                ),
            });
        }
    }
    // Approved reports are locked.
    let locked = approved_cells(&state, &model, &values).await?;
    let mut refused_locks = HashSet::new();
    for v in &values {
        if let Some(form) = locked.get(&(v.element.clone(), v.period, v.unit.clone()))
            && refused_locks.insert((form.clone(), v.period, v.unit.clone()))
        {
            let unit = tree.get(v.unit.as_str()).map(|u| u.name.clone()).unwrap_or_default();
            conflicts.push(Conflict {
                object: v.element.to_string(),
                value: format!(
                    "Báo cáo {form} kỳ {} của {unit} ({}) đã được duyệt, cần văn phòng mở lại trước khi sửa số liệu (chỉ tiêu {}).",
                    v.period.label_vi(),
                    v.unit,
                    v.element
                ),
            });
        }
    }
    if !conflicts.is_empty() {
        let summary = ImportSummary {
            response_type: "ImportSummary".into(),
            status: "ERROR".into(),
            description: format!(
                "Không nhập giá trị nào: {} giá trị bị từ chối (nhập số liệu là tất cả hoặc không).",
                conflicts.len()
            ),
            import_count: ImportCount { imported: 0, updated: 0, ignored: read, deleted: 0 },
            conflicts,
            dry_run,
            import_strategy: strategy.name().into(),
        };
        return Ok((StatusCode::CONFLICT, Json(summary)).into_response());
    }

    // Strategy: which values to leave alone.
    if strategy != Strategy::CreateAndUpdate && !values.is_empty() {
        let existing = existing_keys(&state, &resolver, &values).await?;
        let before = values.len();
        values.retain(|v| {
            let exists = resolver.key_of(v).is_some_and(|k| existing.contains(&k));
            if strategy == Strategy::Create { !exists } else { exists }
        });
        count.ignored += (before - values.len()) as u64;
    }

    let mut tx = state.store.begin_as(&user.actor()).await?;
    let outcomes = tx.put_values(&values).await?;
    let mut written = Vec::new();
    for (v, o) in values.into_iter().zip(outcomes) {
        match o {
            PutOutcome::Imported => count.imported += 1,
            PutOutcome::Updated => count.updated += 1,
            PutOutcome::Unchanged => count.ignored += 1,
        }
        if o != PutOutcome::Unchanged {
            written.push(v);
        }
    }
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
        state.values_written(&written).await;
    }
    let description = format!(
        "{}{} mới, {} cập nhật, {} bỏ qua.",
        if dry_run { "Chạy thử (không ghi): " } else { "Đã nhập: " },
        count.imported,
        count.updated,
        count.ignored
    );
    let summary = ImportSummary {
        response_type: "ImportSummary".into(),
        status: "SUCCESS".into(),
        description,
        import_count: count,
        conflicts: Vec::new(),
        dry_run,
        import_strategy: strategy.name().into(),
    };
    Ok(Json(summary).into_response())
}

/// (element, period, unit) of values whose report is approved, with the form.
async fn approved_cells(
    state: &AppState,
    model: &Model,
    values: &[DataValue],
) -> ApiResult<HashMap<(Code, Period, Code), Code>> {
    let mut periods: Vec<Period> = values.iter().map(|v| v.period).collect();
    periods.sort();
    periods.dedup();
    let mut out = HashMap::new();
    if periods.is_empty() {
        return Ok(out);
    }
    let subs = state.store.submissions(None, &periods).await?;
    let approved: HashSet<(&Code, Period, &Code)> =
        subs.iter().filter(|s| s.status == SubmissionStatus::Approved).map(|s| (&s.form, s.period, &s.unit)).collect();
    for v in values {
        for form in &model.metadata().forms {
            if approved.contains(&(&form.code, v.period, &v.unit)) && form.elements().any(|e| *e == v.element) {
                out.insert((v.element.clone(), v.period, v.unit.clone()), form.code.clone());
            }
        }
    }
    Ok(out)
}

/// The keys of the values already stored among `values`' cells.
async fn existing_keys(
    state: &AppState,
    resolver: &Resolver<'_>,
    values: &[DataValue],
) -> ApiResult<HashSet<ValueKey>> {
    let mut f = ValueFilter::default();
    for v in values {
        f.elements.push(v.element.clone());
        f.units.push(v.unit.clone());
        f.periods.push(v.period);
    }
    f.elements.sort();
    f.elements.dedup();
    f.units.sort();
    f.units.dedup();
    f.periods.sort();
    f.periods.dedup();
    let stored = state.store.values(&f).await?;
    Ok(stored.iter().filter_map(|v| resolver.key_of(v)).collect())
}
