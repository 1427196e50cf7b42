//! Official reports (issue 4): the list of report templates, the HTML
//! preview of a report with its DOCX and XLSX downloads, and the office's
//! YAML editor of the versioned templates.
//!
//! - `/reports`: the templates (latest stored versions, and the built-ins not
//!   stored yet) and a form per template to pick the period and the unit.
//! - `/reports/{name}?pe=&ou=&version=`: the preview (`chiso_report::html`),
//!   `/reports/{name}/download.docx|.xlsx` the files.
//! - `/reports/{name}/edit`: check and save a new version (office, admin).
//!
//! Everything is evaluated by `chiso_report::evaluate::evaluate` on the
//! resident engine (`state.snapshot()`), with the period's submissions and
//! narratives from the store — exactly what `chiso report` does. The
//! helpers here (`choose`, `make`, `check_source`, `attachment`) are shared
//! with the JSON API (`api::documents`).
//!
//! Office, admins and leaders read and download; only the office and admins
//! edit; reporters are refused everywhere.

use crate::auth::CurrentUser;
use crate::error::{AppError, PageResult};
use crate::pages::{Chrome, datetime};
use crate::state::AppState;
use askama::Template as _;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chiso_core::completeness::latest_due_period;
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::orgunit::UnitIx;
use chiso_core::period::{Period, PeriodType, WorkingCalendar};
use chiso_report::document::{Block, Document};
use chiso_report::evaluate::{ReportError, ReportInput, evaluate};
use chiso_report::template::Template;
use chiso_report::{builtin, html};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/reports", get(list_page))
        .route("/reports/{name}", get(view_page))
        .route("/reports/{name}/download.docx", get(download_docx))
        .route("/reports/{name}/download.xlsx", get(download_xlsx))
        .route("/reports/{name}/edit", get(edit_page).post(edit_post))
        .route("/static/report-preview.css", get(preview_css))
        .route("/static/reports.css", get(reports_css))
}

async fn preview_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")],
        html::PREVIEW_CSS,
    )
}

async fn reports_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")],
        include_str!("../../static/reports.css"),
    )
}

// ---------------------------------------------------------------------------
// Shared with the API
// ---------------------------------------------------------------------------

/// A template ready to use, and where it came from.
#[derive(Clone, Debug)]
pub struct Chosen {
    pub template: Template,
    /// The YAML as stored (or the built-in's source).
    pub source: String,
    /// The stored version; None for the built-in.
    pub version: Option<u32>,
    pub author: Option<String>,
    pub saved_at: Option<NaiveDateTime>,
}

impl Chosen {
    /// "phiên bản 2 (vanphong, 23/11/2026 14:05)" or "mẫu có sẵn".
    pub fn describe(&self, lang: Lang) -> String {
        match (self.version, &self.author, self.saved_at) {
            (Some(v), Some(a), Some(t)) => {
                format!("{} {v} ({a}, {})", lang.pick("phiên bản", "version"), datetime(t))
            }
            (Some(v), _, _) => format!("{} {v}", lang.pick("phiên bản", "version")),
            _ => lang.pick("mẫu có sẵn", "built-in").to_string(),
        }
    }
    /// "2" or "builtin", for `data-version`.
    pub fn version_key(&self) -> String {
        self.version.map(|v| v.to_string()).unwrap_or_else(|| "builtin".into())
    }
}

/// A template's name as the office may give it: lowercase ASCII letters,
/// digits and '-', not starting or ending with '-', at most 64 characters.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// The template `name`: the given stored version, else the latest stored
/// version, else the built-in of that name.
pub async fn choose(state: &AppState, name: &str, version: Option<u32>) -> Result<Chosen, AppError> {
    let stored = state.store.report_template(name, version).await?;
    if let Some(s) = stored {
        let template = Template::from_yaml(&s.body).map_err(|e| {
            AppError::BadRequest(format!("Mẫu báo cáo {name} phiên bản {} đã lưu không đọc được: {e}", s.version))
        })?;
        return Ok(Chosen {
            template,
            source: s.body,
            version: Some(s.version),
            author: Some(s.author),
            saved_at: Some(s.created_at),
        });
    }
    if let Some(v) = version {
        return Err(AppError::not_found(format!("phiên bản {v} của mẫu báo cáo {name}")));
    }
    match (builtin::get(name), builtin::source(name)) {
        (Some(template), Some(source)) => {
            Ok(Chosen { template, source: source.to_string(), version: None, author: None, saved_at: None })
        }
        _ => Err(AppError::not_found(format!("mẫu báo cáo \"{name}\""))),
    }
}

/// One template as the list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub form: Option<String>,
    pub form_name: Option<String>,
    pub period_type: String,
    /// "Tháng", "Tuần".
    pub period_kind: String,
    pub version: Option<u32>,
    pub author: Option<String>,
    pub saved_at: Option<NaiveDateTime>,
    pub builtin: bool,
    /// The period the form preselects (the latest complete one).
    pub default_period: String,
    /// Recent periods to choose from: (id, label, selected).
    #[serde(skip)]
    pub periods: Vec<(String, String, bool)>,
    /// A stored body that does not parse any more: why.
    pub problem: Option<String>,
}

impl Listed {
    pub fn saved_text(&self) -> String {
        self.saved_at.map(datetime).unwrap_or_else(|| "—".into())
    }
    pub fn version_text(&self) -> String {
        self.version.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
    }
}

/// The latest stored version of every template, then the built-ins not
/// stored yet; by name.
pub async fn list(state: &AppState, lang: Lang) -> Result<Vec<Listed>, AppError> {
    let model = state.model();
    let today = state.today();
    let stored = state.store.report_templates().await?;
    let mut out = Vec::new();
    let entry = |t: &Template, problem: Option<String>| {
        let default = default_period(&model, t, today);
        Listed {
            name: t.name.clone(),
            title: t.title.clone(),
            description: t.description.clone(),
            form: t.form.as_ref().map(|f| f.to_string()),
            form_name: t.form.as_ref().and_then(|f| model.form(f.as_str())).map(|f| f.name.clone()),
            period_type: t.period_type.name().to_string(),
            period_kind: kind_label(t.period_type, lang).to_string(),
            version: None,
            author: None,
            saved_at: None,
            builtin: true,
            default_period: default.to_string(),
            periods: recent_periods(t.period_type, default, today, lang),
            problem,
        }
    };
    for s in &stored {
        let mut l = match Template::from_yaml(&s.body) {
            Ok(t) => entry(&t, None),
            Err(e) => {
                let mut t = builtin::get(&s.name).unwrap_or_else(|| blank(&s.name));
                t.name = s.name.clone();
                entry(&t, Some(e.to_string()))
            }
        };
        l.name = s.name.clone();
        l.version = Some(s.version);
        l.author = Some(s.author.clone());
        l.saved_at = Some(s.created_at);
        l.builtin = false;
        out.push(l);
    }
    for name in builtin::NAMES {
        if stored.iter().any(|s| s.name == *name) {
            continue;
        }
        if let Some(t) = builtin::get(name) {
            out.push(entry(&t, None));
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// A minimal template, only to list a stored body that no longer parses.
fn blank(name: &str) -> Template {
    let mut t = builtin::get("monthly").expect("the monthly built-in exists");
    t.name = name.to_string();
    t.title = name.to_string();
    t.description = None;
    t.form = None;
    t
}

/// "Tháng" / "Monthly".
pub fn kind_label(t: PeriodType, lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => t.label_vi(),
        Lang::En => match t {
            PeriodType::Daily => "Daily",
            PeriodType::Weekly(_) => "Weekly",
            PeriodType::Monthly => "Monthly",
            PeriodType::Quarterly => "Quarterly",
            PeriodType::SixMonthly => "Six-monthly",
            PeriodType::Yearly => "Yearly",
        },
    }
}

/// The latest complete period of the template: the form's latest period
/// whose deadline has passed (as the review board chooses it) when the
/// template names a form of its period type, else the period before today's.
pub fn default_period(model: &Model, t: &Template, today: NaiveDate) -> Period {
    match t.form.as_ref().and_then(|f| model.form(f.as_str())).filter(|f| f.period_type == t.period_type) {
        Some(form) => latest_due_period(form, today, &WorkingCalendar::vietnam()),
        None => Period::containing(t.period_type, today).previous(),
    }
}

/// Today's period and the 12 before it (and the default, if older), newest
/// first: (id, label, selected).
pub fn recent_periods(kind: PeriodType, default: Period, today: NaiveDate, lang: Lang) -> Vec<(String, String, bool)> {
    let mut p = Period::containing(kind, today);
    if default > p {
        p = default;
    }
    let mut out = Vec::new();
    let mut seen_default = false;
    for _ in 0..13 {
        seen_default |= p == default;
        out.push(p);
        p = p.previous();
    }
    if !seen_default {
        out.push(default);
    }
    out.into_iter().map(|p| (p.to_string(), period_label(&p, lang), p == default)).collect()
}

pub fn period_label(p: &Period, lang: Lang) -> String {
    match lang {
        Lang::Vi => p.label_vi(),
        Lang::En => p.label_en(),
    }
}

/// The units to report on, in tree order, indented: (code, label).
pub fn unit_choices(model: &Model) -> Vec<(String, String)> {
    let tree = model.tree();
    (0..tree.len() as UnitIx)
        .map(|ix| {
            let u = tree.unit(ix);
            let indent = "\u{a0}\u{a0}".repeat(tree.level(ix).saturating_sub(1) as usize);
            (u.code.to_string(), format!("{indent}{}", u.name))
        })
        .collect()
}

/// The period and unit a request names (defaults: the template's latest
/// complete period, the province), checked against the user's scope.
pub fn resolve(
    state: &AppState,
    user: &CurrentUser,
    t: &Template,
    pe: Option<&str>,
    ou: Option<&str>,
) -> Result<(Period, UnitIx), AppError> {
    let model = state.model();
    let period = match pe.map(str::trim).filter(|s| !s.is_empty()) {
        None => default_period(&model, t, state.today()),
        Some(s) => {
            Period::parse(s).map_err(|e| AppError::BadRequest(format!("Kỳ báo cáo \"{s}\" không hợp lệ: {e}")))?
        }
    };
    let tree = model.tree();
    let unit = match ou.map(str::trim).filter(|s| !s.is_empty()) {
        None => tree.roots().first().copied().unwrap_or_default(),
        Some(code) => tree.index(code).ok_or_else(|| AppError::not_found(format!("đơn vị {code}")))?,
    };
    user.require_read(state, unit)?;
    Ok((period, unit))
}

/// A problem of a template or of its evaluation, with its place.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    pub place: String,
    pub message: String,
}

impl Problem {
    pub fn text(&self) -> String {
        if self.place.is_empty() { self.message.clone() } else { format!("{}: {}", self.place, self.message) }
    }
}

/// Every problem a report error names, each with its template place.
pub fn problems(e: &ReportError) -> Vec<Problem> {
    match e {
        ReportError::Invalid(errs) => {
            errs.0.iter().map(|e| Problem { place: e.place.clone(), message: e.message.clone() }).collect()
        }
        ReportError::At { place, message } => vec![Problem { place: place.clone(), message: message.clone() }],
        ReportError::PeriodType { .. } => vec![Problem { place: "period_type".into(), message: e.to_string() }],
    }
}

/// Evaluates the template on the resident engine for the period and unit,
/// with the period's submissions and narratives (of every form, as `chiso
/// report` reads them). The outer error is the application's; the inner one
/// the template's (shown to the user with its place).
pub async fn make(
    state: &AppState,
    template: &Template,
    period: Period,
    unit: UnitIx,
) -> Result<Result<Document, ReportError>, AppError> {
    let submissions = state.store.submissions(None, &[period]).await?;
    let narratives = state.store.narratives(None, Some(&period)).await?;
    let registers = state.store.load_registers().await?;
    let snapshot = state.snapshot();
    let today = state.today();
    let template = template.clone();
    tokio::task::spawn_blocking(move || {
        let mut input = ReportInput::new(&snapshot.engine, period, today);
        input.registers = Some(&registers);
        input.unit = unit;
        input.submissions = &submissions;
        input.narratives = &narratives;
        evaluate(&template, &input)
    })
    .await
    .map_err(|e| AppError::Internal(format!("không lập được báo cáo: {e}")))
}

/// The number of tables (body and appendices): the XLSX needs at least one.
pub fn table_count(doc: &Document) -> usize {
    doc.body
        .iter()
        .chain(doc.appendices.iter().flat_map(|a| a.blocks.iter()))
        .filter(|b| matches!(b, Block::Table(_)))
        .count()
}

/// Checks a template's YAML as it would be saved under `name`: parses it,
/// renames it if its `name:` differs (keeping the text, comments included),
/// checks it against the metadata, and evaluates it once on the resident
/// engine for its latest complete period (codes inside texts, such as
/// `value("HS_XYZ")`, are only known then). Gives the template and the body
/// to store, or every problem with its place.
pub async fn check_source(
    state: &AppState,
    name: &str,
    body: &str,
) -> Result<Result<(Template, String), Vec<Problem>>, AppError> {
    if !valid_name(name) {
        return Ok(Err(vec![Problem {
            place: "name".into(),
            message: format!(
                "tên mẫu \"{name}\" không hợp lệ: chỉ gồm chữ thường không dấu, chữ số và dấu '-', tối đa 64 ký tự"
            ),
        }]));
    }
    let as_problems =
        |e: chiso_report::template::TemplateErrors| -> Vec<Problem> { problems(&ReportError::Invalid(e)) };
    let mut template = match Template::from_yaml(body) {
        Ok(t) => t,
        Err(e) => return Ok(Err(as_problems(e))),
    };
    let mut body = body.replace("\r\n", "\n");
    if template.name != name {
        template.name = name.to_string();
        body = rename(&body, name).unwrap_or_else(|| template.to_yaml());
        match Template::from_yaml(&body) {
            Ok(t) if t.name == name => template = t,
            _ => body = template.to_yaml(),
        }
    }
    let model = state.model();
    if let Err(e) = template.check_model(&model) {
        return Ok(Err(as_problems(e)));
    }
    let period = default_period(&model, &template, state.today());
    let snapshot = state.snapshot();
    let today = state.today();
    let trial = template.clone();
    let registers = state.store.load_registers().await?;
    let result = tokio::task::spawn_blocking(move || {
        evaluate(
            &trial,
            &ReportInput { registers: Some(&registers), ..ReportInput::new(&snapshot.engine, period, today) },
        )
        .map(|_| ())
    })
    .await
    .map_err(|e| AppError::Internal(format!("không kiểm tra được mẫu: {e}")))?;
    match result {
        Ok(()) => Ok(Ok((template, body))),
        Err(e) => Ok(Err(problems(&e))),
    }
}

/// The YAML with its top-level `name:` line replaced, if it has one.
fn rename(body: &str, name: &str) -> Option<String> {
    let mut found = false;
    let lines: Vec<String> = body
        .split('\n')
        .map(|l| {
            if !found && l.starts_with("name:") {
                found = true;
                format!("name: {name}")
            } else {
                l.to_string()
            }
        })
        .collect();
    found.then(|| lines.join("\n"))
}

/// Saves a checked body as the next version of `name` by the user; gives
/// the version and whether it is new (an unchanged body stores nothing).
pub async fn save(state: &AppState, user: &CurrentUser, name: &str, body: &str) -> Result<(u32, bool), AppError> {
    let previous = state.store.report_template(name, None).await?.map(|t| t.version);
    let mut tx = state.store.begin_as(&user.actor()).await?;
    let version = tx.save_report_template(name, body).await?;
    tx.commit().await?;
    Ok((version, previous != Some(version)))
}

/// The ASCII file name: "bao-cao-thang-202610" (plus "-h-an-phu" for a unit
/// other than the province).
pub fn file_stem(model: &Model, t: &Template, period: &Period, unit: UnitIx) -> String {
    let kind = match t.period_type {
        PeriodType::Daily => "ngay",
        PeriodType::Weekly(_) => "tuan",
        PeriodType::Monthly => "thang",
        PeriodType::Quarterly => "quy",
        PeriodType::SixMonthly => "6-thang",
        PeriodType::Yearly => "nam",
    };
    let tree = model.tree();
    let mut stem = format!("bao-cao-{kind}-{period}");
    if !tree.roots().contains(&unit) {
        let code: String = tree
            .unit(unit)
            .code
            .as_str()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
            .collect();
        stem.push('-');
        stem.push_str(&code);
    }
    stem
}

/// "Báo cáo tháng tình hình chuyển đổi số - Tháng 10-2026", for `filename*`.
pub fn file_title(t: &Template, period: &Period) -> String {
    format!("{} - {}", t.title, period.label_vi()).replace(['/', '\\', '"', '\n', '\r'], "-")
}

pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file to download: `Content-Disposition: attachment` with an ASCII
/// `filename` and the UTF-8 `filename*` (RFC 6266).
pub fn attachment(bytes: Vec<u8>, content_type: &str, stem: &str, title: &str, ext: &str) -> Response {
    let mut encoded = String::new();
    for b in format!("{title}.{ext}").bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let disposition = format!("attachment; filename=\"{stem}.{ext}\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A complete HTML page around the preview fragment (to open or print).
pub fn standalone_html(doc: &Document, title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>{}</style>\n</head>\n<body>\n{}\n</body>\n</html>\n",
        escape(title),
        html::PREVIEW_CSS,
        html::to_html(doc)
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The query string of a report: `pe=202610&ou=H_AN_PHU&version=2`.
pub fn report_query(period: &Period, unit: Option<&str>, version: Option<u32>) -> String {
    let mut q = format!("pe={period}");
    if let Some(u) = unit {
        q.push_str("&ou=");
        q.push_str(&crate::auth::urlencode(u));
    }
    if let Some(v) = version {
        q.push_str(&format!("&version={v}"));
    }
    q
}

// ---------------------------------------------------------------------------
// /reports
// ---------------------------------------------------------------------------

#[derive(askama::Template)]
#[template(path = "report_list.html")]
struct ListPage {
    chrome: Chrome,
    templates: Vec<Listed>,
    units: Vec<(String, String)>,
    root: String,
    can_edit: bool,
    today: String,
}

async fn list_page(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult {
    user.require_province_reader()?;
    let templates = list(&state, user.lang).await?;
    let model = state.model();
    let root = model.tree().roots().first().map(|&r| model.tree().unit(r).code.to_string()).unwrap_or_default();
    let chrome = Chrome::new(&state, &user, user.lang.pick("Báo cáo định kỳ", "Official reports"), "/reports");
    let page = ListPage {
        chrome,
        templates,
        units: unit_choices(&model),
        root,
        can_edit: user.can_manage(),
        today: crate::pages::date(state.today()),
    };
    Ok(Html(page.render()?).into_response())
}

// ---------------------------------------------------------------------------
// /reports/{name}
// ---------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct DocQuery {
    pub pe: Option<String>,
    pub ou: Option<String>,
    pub version: Option<String>,
}

impl DocQuery {
    /// The version asked for; "" or absent is the latest.
    pub fn version(&self) -> Result<Option<u32>, AppError> {
        match self.version.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => {
                v.parse::<u32>().map(Some).map_err(|_| AppError::BadRequest(format!("Phiên bản \"{v}\" không hợp lệ.")))
            }
        }
    }
}

#[derive(askama::Template)]
#[template(path = "report_view.html")]
struct ViewPage {
    chrome: Chrome,
    name: String,
    title: String,
    version_key: String,
    version_text: String,
    period: String,
    period_text: String,
    unit: String,
    unit_text: String,
    periods: Vec<(String, String, bool)>,
    units: Vec<(String, String)>,
    /// The query of this report for the download links.
    query: String,
    /// The version pinned by the request (kept in the period/unit form).
    pinned: Option<u32>,
    preview: Option<String>,
    tables: usize,
    problems: Vec<Problem>,
    can_edit: bool,
}

async fn view_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<DocQuery>,
) -> PageResult {
    user.require_province_reader()?;
    let pinned = q.version()?;
    let chosen = choose(&state, &name, pinned).await?;
    let t = &chosen.template;
    let (period, unit) = resolve(&state, &user, t, q.pe.as_deref(), q.ou.as_deref())?;
    let model = state.model();
    let tree = model.tree();
    let made = make(&state, t, period, unit).await?;
    let (status, preview, tables, problems) = match made {
        Ok(doc) => (StatusCode::OK, Some(html::to_html(&doc)), table_count(&doc), Vec::new()),
        Err(e) => (StatusCode::BAD_REQUEST, None, 0, problems(&e)),
    };
    let lang = user.lang;
    let unit_code = tree.unit(unit).code.to_string();
    let ou = (!tree.roots().contains(&unit)).then_some(unit_code.as_str());
    let default = default_period(&model, t, state.today());
    let mut periods = recent_periods(t.period_type, default, state.today(), lang);
    if !periods.iter().any(|(id, _, _)| *id == period.to_string()) && period.period_type() == t.period_type {
        periods.insert(0, (period.to_string(), period_label(&period, lang), true));
    }
    for p in &mut periods {
        p.2 = p.0 == period.to_string();
    }
    let chrome = Chrome::new(&state, &user, format!("{} — {}", t.title, period_label(&period, lang)), "/reports");
    let page = ViewPage {
        chrome,
        name: t.name.clone(),
        title: t.title.clone(),
        version_key: chosen.version_key(),
        version_text: chosen.describe(lang),
        period: period.to_string(),
        period_text: period_label(&period, lang),
        unit: unit_code.clone(),
        unit_text: tree.unit(unit).name.clone(),
        periods,
        units: unit_choices(&model),
        query: report_query(&period, ou, pinned),
        pinned,
        preview,
        tables,
        problems,
        can_edit: user.can_manage(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// A report's file, or the error page naming the template place.
async fn download(state: &AppState, user: &CurrentUser, name: &str, q: &DocQuery, ext: &str) -> PageResult {
    user.require_province_reader()?;
    let chosen = choose(state, name, q.version()?).await?;
    let t = &chosen.template;
    let (period, unit) = resolve(state, user, t, q.pe.as_deref(), q.ou.as_deref())?;
    let doc = make(state, t, period, unit)
        .await?
        .map_err(|e| AppError::BadRequest(format!("Không lập được báo cáo từ mẫu {name}: {}", problem_text(&e))))?;
    let (bytes, content_type) = render(&doc, ext, &t.title)?;
    let model = state.model();
    Ok(attachment(bytes, content_type, &file_stem(&model, t, &period, unit), &file_title(t, &period), ext))
}

/// Every problem of an error on one line.
pub fn problem_text(e: &ReportError) -> String {
    problems(e).iter().map(Problem::text).collect::<Vec<_>>().join("; ")
}

/// The document as a file of the extension: bytes and content type.
pub fn render(doc: &Document, ext: &str, title: &str) -> Result<(Vec<u8>, &'static str), AppError> {
    match ext {
        "docx" => chiso_report::docx::to_docx(doc)
            .map(|b| (b, DOCX))
            .map_err(|e| AppError::Internal(format!("không ghi được DOCX: {e}"))),
        "xlsx" => match chiso_report::xlsx::tables_to_xlsx(doc) {
            Ok(b) => Ok((b, XLSX)),
            Err(chiso_report::xlsx::XlsxError::NoTables) => {
                Err(AppError::NotFound("Báo cáo này không có bảng nào để xuất ra XLSX.".into()))
            }
            Err(e) => Err(AppError::Internal(e.to_string())),
        },
        "html" => Ok((standalone_html(doc, title).into_bytes(), "text/html; charset=utf-8")),
        other => Err(AppError::BadRequest(format!("Định dạng \"{other}\" không hỗ trợ (docx, html hoặc xlsx)."))),
    }
}

async fn download_docx(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<DocQuery>,
) -> PageResult {
    download(&state, &user, &name, &q, "docx").await
}

async fn download_xlsx(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<DocQuery>,
) -> PageResult {
    download(&state, &user, &name, &q, "xlsx").await
}

// ---------------------------------------------------------------------------
// /reports/{name}/edit
// ---------------------------------------------------------------------------

/// A version in the history.
pub struct VersionRow {
    pub version: u32,
    pub author: String,
    pub saved: String,
    pub current: bool,
}

#[derive(askama::Template)]
#[template(path = "report_template_edit.html")]
struct EditPage {
    chrome: Chrome,
    name: String,
    title: String,
    /// What the editor holds: "phiên bản 3", "mẫu có sẵn", "nội dung vừa gửi".
    loaded: String,
    body: String,
    save_as: String,
    versions: Vec<VersionRow>,
    builtin: bool,
    /// A version number just saved (`?saved=N`) or a check that passed.
    ok: Option<String>,
    problems: Vec<Problem>,
    preview_query: String,
}

#[derive(Deserialize, Default)]
struct EditQuery {
    version: Option<String>,
    saved: Option<u32>,
    unchanged: Option<u32>,
    builtin: Option<String>,
}

async fn versions(state: &AppState, name: &str, current: Option<u32>) -> Result<Vec<VersionRow>, AppError> {
    Ok(state
        .store
        .report_template_versions(name)
        .await?
        .into_iter()
        .map(|v| VersionRow {
            version: v.version,
            author: v.author,
            saved: datetime(v.created_at),
            current: Some(v.version) == current,
        })
        .collect())
}

fn preview_query(state: &AppState, t: &Template) -> String {
    format!("pe={}", default_period(&state.model(), t, state.today()))
}

async fn edit_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<EditQuery>,
) -> PageResult {
    user.require_manage()?;
    let version = DocQuery { version: q.version.clone(), ..DocQuery::default() }.version()?;
    let chosen = match (q.builtin.is_some(), builtin::get(&name), builtin::source(&name)) {
        (true, Some(template), Some(source)) => {
            Chosen { template, source: source.to_string(), version: None, author: None, saved_at: None }
        }
        _ => choose(&state, &name, version).await?,
    };
    let lang = user.lang;
    let ok = match (q.saved, q.unchanged) {
        (Some(v), _) => Some(format!(
            "{} {v}.",
            lang.pick("Đã lưu mẫu báo cáo thành phiên bản", "The template was saved as version")
        )),
        (_, Some(v)) => Some(format!(
            "{} {v}.",
            lang.pick(
                "Nội dung không đổi: không lưu phiên bản mới; phiên bản hiện tại là",
                "Unchanged: no new version; the current one is"
            )
        )),
        _ => None,
    };
    let page = EditPage {
        chrome: Chrome::new(
            &state,
            &user,
            format!("{} — {}", lang.pick("Sửa mẫu báo cáo", "Edit report template"), chosen.template.title),
            "/reports",
        ),
        name: name.clone(),
        title: chosen.template.title.clone(),
        loaded: chosen.describe(lang),
        body: chosen.source.clone(),
        save_as: name.clone(),
        versions: versions(&state, &name, chosen.version).await?,
        builtin: builtin::source(&name).is_some(),
        ok,
        problems: Vec::new(),
        preview_query: preview_query(&state, &chosen.template),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    save_as: String,
}

async fn edit_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(name): Path<String>,
    Form(f): Form<EditForm>,
) -> PageResult {
    user.require_manage()?;
    let lang = user.lang;
    let target = match f.save_as.trim() {
        "" => name.clone(),
        s => s.to_string(),
    };
    let saving = match f.action.as_str() {
        "save" => true,
        "check" => false,
        other => return Err(AppError::BadRequest(format!("Thao tác không hợp lệ: {other}."))),
    };
    let checked = check_source(&state, &target, &f.body).await?;
    let (status, ok, problems, title) = match checked {
        Ok((_, body)) if saving => {
            let (version, new) = save(&state, &user, &target, &body).await?;
            let key = if new { "saved" } else { "unchanged" };
            return Ok(Redirect::to(&format!("/reports/{target}/edit?{key}={version}")).into_response());
        }
        Ok((t, _)) => (
            StatusCode::OK,
            Some(
                lang.pick(
                    "Mẫu hợp lệ: đọc được, khớp siêu dữ liệu và lập thử được báo cáo kỳ gần nhất.",
                    "The template is valid: it parses, matches the metadata and evaluates for the latest period.",
                )
                .to_string(),
            ),
            Vec::new(),
            t.title,
        ),
        Err(problems) => (StatusCode::BAD_REQUEST, None, problems, target.clone()),
    };
    let known = state.store.report_template(&name, None).await?;
    let current = known.as_ref().map(|t| t.version);
    let preview_t = choose(&state, &name, None).await.ok();
    let page = EditPage {
        chrome: Chrome::new(
            &state,
            &user,
            format!("{} — {title}", lang.pick("Sửa mẫu báo cáo", "Edit report template")),
            "/reports",
        ),
        name: name.clone(),
        title,
        loaded: lang.pick("nội dung vừa gửi (chưa lưu)", "the text just sent (not saved)").to_string(),
        body: f.body,
        save_as: target,
        versions: versions(&state, &name, current).await?,
        builtin: builtin::source(&name).is_some(),
        ok,
        problems,
        preview_query: preview_t.map(|c| preview_query(&state, &c.template)).unwrap_or_default(),
    };
    Ok((status, Html(page.render()?)).into_response())
}
