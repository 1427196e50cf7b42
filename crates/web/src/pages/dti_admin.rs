//! The digital-transformation index as the office keeps it (issue 5: "An
//! index is data ... The office can define and version one per year", and
//! components "scored by assessors with evidence"):
//!
//! - `/dti/indices`: the indices by year, with their size, their assessors'
//!   scores and their last change; "Tạo chỉ số cho năm N" copies the latest
//!   year's index (or the built-in provincial template) for the next year.
//! - `/dti/indices/{code}`: one index read-only, as a tree (pillar → main →
//!   component, points or weights, the scoring method in words), any earlier
//!   version of it, and its versions.
//! - `/dti/indices/{code}/edit`: the definition as YAML (the serde form of
//!   `Index`), checked and saved as a new version; restoring an earlier
//!   version saves its body again as the newest.
//! - `/dti/assess`: assessors' scores (0–1, with evidence) of the `assessed`
//!   components for one index, period and comparable group, saved at once.
//!
//! Versions are the audit trail of the register object (`register` entries
//! of kind `index`): every saved change is one, with its author and time.
//! Every write goes through `register_edit::apply`, so the whole registers
//! are checked against the model before anything is stored; the rankings on
//! `/dti` are computed from the stored definitions and scores, so they follow
//! at once. The office and admins edit; everyone logged in reads the
//! definitions (leaders and reporters too); the JSON API (`api::dti`) uses
//! the same functions.

use crate::auth::CurrentUser;
use crate::error::{AppError, PageResult};
use crate::pages::dti::{Choice, GROUPS};
use crate::pages::reports::Problem;
use crate::pages::{Chrome, datetime};
use crate::register_edit::{self, Change, place, within};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use chiso_core::Code;
use chiso_core::index::{Index, Level, Node, Normalise, Scoring, Source, builtin_provincial_yaml};
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::number::{format_auto, format_integer, parse_number};
use chiso_core::period::Period;
use chiso_core::register::{IndexAssessment, Registers};
use chiso_store::AuditFilter;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/dti/indices", get(list_page).post(create_post))
        .route("/dti/indices/{code}", get(view_page))
        .route("/dti/indices/{code}/edit", get(edit_page).post(edit_post))
        .route("/dti/assess", get(assess_page).post(assess_post))
        .route("/static/dti.css", get(dti_css))
}

async fn dti_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")],
        include_str!("../../static/dti.css"),
    )
}

// ---------------------------------------------------------------------------
// Shared with the API
// ---------------------------------------------------------------------------

/// An index as YAML: its serde form, the form the editor and files use.
pub fn index_yaml(ix: &Index) -> String {
    serde_yaml_ng::to_string(ix).unwrap_or_else(|e| format!("# {e}\n"))
}

/// Reads an index from YAML (JSON is YAML too); a syntax or field error is
/// one problem placed at its line and column.
pub fn parse_index(text: &str) -> Result<Index, Problem> {
    serde_yaml_ng::from_str::<Index>(text).map_err(|e| Problem {
        place: e.location().map(|l| format!("YAML dòng {}, cột {}", l.line(), l.column())).unwrap_or_default(),
        message: format!("không đọc được bộ chỉ số: {e}"),
    })
}

/// Another index with the candidate's code (when it is saved from `from`
/// under a new code) or with its year: one index per year and per code.
fn collision(reg: &Registers, from: &str, ix: &Index) -> Option<Problem> {
    if ix.code.as_str() != from && reg.index(ix.code.as_str()).is_some() {
        return Some(Problem {
            place: format!("indices[{}].code", ix.code),
            message: format!("mã {} đã là của một bộ chỉ số khác", ix.code),
        });
    }
    reg.indices.iter().find(|o| o.code != ix.code && o.year == ix.year).map(|o| Problem {
        place: format!("indices[{}].year", ix.code),
        message: format!("năm {} đã có bộ chỉ số {} ({})", ix.year, o.code, o.name),
    })
}

/// Whether saving `ix` (edited as `from`) would take another index's code or year.
pub fn collision_of(reg: &Registers, from: &str, ix: &Index) -> bool {
    collision(reg, from, ix).is_some()
}

/// `reg` with `ix` in place of the index of its code (or added).
fn with_index(reg: &mut Registers, ix: &Index) {
    match reg.indices.iter_mut().find(|o| o.code == ix.code) {
        Some(o) => *o = ix.clone(),
        None => reg.indices.push(ix.clone()),
    }
}

/// Every problem of saving `ix` (edited as `from`) into `reg`: a code or
/// year taken by another index, the registers' checks at the index
/// (`Index::validate`, data elements and indicators the model does not
/// have), and assessors' scores of this index that the change would make
/// invalid (a component removed or no longer assessed).
pub fn index_problems(model: &Model, reg: &Registers, from: &str, ix: &Index) -> Vec<Problem> {
    let mut out: Vec<Problem> = collision(reg, from, ix).into_iter().collect();
    let before: BTreeSet<String> = match reg.validate(model) {
        Ok(()) => BTreeSet::new(),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    };
    let mut after = reg.clone();
    with_index(&mut after, ix);
    let own = format!("indices[{}]", ix.code);
    let scores: Vec<String> =
        after.assessments.iter().filter(|a| a.index == ix.code).map(|a| place("assessments", a.key())).collect();
    if let Err(errs) = after.validate(model) {
        for e in errs.0 {
            let mine = within(&e.place, &own);
            let broken_score = scores.iter().any(|p| within(&e.place, p)) && !before.contains(&e.to_string());
            if mine || broken_score {
                let message = if broken_score {
                    format!("{} (xóa điểm chấm này ở trang Chấm điểm trước khi sửa bộ chỉ số)", e.message)
                } else {
                    e.message
                };
                out.push(Problem { place: e.place, message });
            }
        }
    }
    out
}

/// The problems as one refusal: 409 when the code or year is taken by
/// another index, else 400.
pub fn refusal(problems: &[Problem], taken: bool) -> AppError {
    let text = problems.iter().map(Problem::text).collect::<Vec<_>>().join("; ");
    if taken {
        AppError::Conflict(format!("Không lưu được bộ chỉ số: {text}."))
    } else {
        AppError::BadRequest(format!("Bộ chỉ số có {} lỗi, không lưu: {text}.", problems.len()))
    }
}

/// What saving an index did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Saved {
    Created,
    Updated,
    Unchanged,
}

/// Saves `ix`, edited as the index `from` (the page's or the path's code):
/// a new code creates another index beside `from`. Refused with every
/// problem of [`index_problems`] (nothing stored); office and admins only.
pub async fn save_index(state: &AppState, user: &CurrentUser, from: &str, ix: Index) -> Result<Saved, AppError> {
    user.require_manage()?;
    let model = state.model();
    let mut saved = Saved::Unchanged;
    register_edit::apply(state, user, |reg| {
        let problems = index_problems(&model, reg, from, &ix);
        if !problems.is_empty() {
            return Err(refusal(&problems, collision(reg, from, &ix).is_some()));
        }
        saved = match reg.index(ix.code.as_str()) {
            None => Saved::Created,
            Some(old) if *old == ix => Saved::Unchanged,
            Some(_) => Saved::Updated,
        };
        with_index(reg, &ix);
        let one = Registers { indices: vec![ix.clone()], ..Registers::default() };
        Ok(Change::save(one, vec![place("indices", &ix.code)]))
    })
    .await?;
    Ok(saved)
}

/// One saved version of an index: an audit entry of its register object.
#[derive(Clone, Debug, Serialize)]
pub struct Version {
    /// 1 = the first saved; the newest has the highest number.
    pub number: usize,
    pub at: NaiveDateTime,
    pub username: String,
    /// "web", "api" or "cli".
    pub route: String,
    /// The definition as saved; `None` when the change deleted it.
    #[serde(skip)]
    pub body: Option<Index>,
    /// The newest version, which is the stored index.
    pub current: bool,
}

impl Version {
    pub fn at_text(&self) -> String {
        datetime(self.at)
    }
}

/// Every saved version of the index `code`, newest first.
pub async fn history(state: &AppState, code: &str) -> Result<Vec<Version>, AppError> {
    let entries = state
        .store
        .audit(&AuditFilter {
            kind: Some("register".into()),
            register_kind: Some("index".into()),
            register_code: Some(code.to_string()),
            limit: 10_000,
            ..AuditFilter::default()
        })
        .await?;
    let n = entries.len();
    Ok(entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let body = e.new.as_deref().and_then(|b| serde_json::from_str::<Index>(b).ok());
            Version {
                number: n - i,
                at: e.at,
                username: e.username,
                route: e.route,
                current: i == 0 && body.is_some(),
                body,
            }
        })
        .collect())
}

/// The next year without an index, and the index to copy for it: the latest
/// year's (`None`: there is none, start from the built-in template).
pub fn next_year(reg: &Registers, today_year: i32) -> (i32, Option<&Index>) {
    match reg.indices.iter().max_by_key(|i| i.year) {
        Some(latest) => (latest.year + 1, Some(latest)),
        None => (today_year, None),
    }
}

/// The latest year's index copied for `year` as `DTI_<year>`: same tree,
/// the year in its name moved on.
pub fn copy_for_year(from: &Index, year: i32) -> Result<Index, AppError> {
    let code = Code::new(format!("DTI_{year}")).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut ix = from.clone();
    ix.name = if from.name.contains(&from.year.to_string()) {
        from.name.replace(&from.year.to_string(), &year.to_string())
    } else {
        format!("{} năm {year}", from.name)
    };
    ix.code = code;
    ix.year = year;
    Ok(ix)
}

/// The built-in provincial template's text (with its explanatory comments)
/// with `code` and `year` put in, for the office to adapt before saving.
pub fn builtin_text(code: &str, year: i32) -> String {
    builtin_provincial_yaml()
        .lines()
        .map(|l| {
            if l.starts_with("code: ") {
                format!("code: {code}")
            } else if l.starts_with("year: ") {
                format!("year: {year}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The size of an index: pillars, main indices, components, assessed components.
pub fn counts(ix: &Index) -> (usize, usize, usize, usize) {
    let mains = ix.nodes.iter().map(|p| p.children.len()).sum();
    let comps: Vec<&Node> = ix.nodes.iter().flat_map(|p| &p.children).flat_map(|m| &m.children).collect();
    let assessed = comps.iter().filter(|c| matches!(c.scoring, Some(Scoring::Assessed))).count();
    (ix.nodes.len(), mains, comps.len(), assessed)
}

/// One index in the list.
#[derive(Clone, Debug, Serialize)]
pub struct IndexRow {
    pub code: String,
    pub name: String,
    pub year: i32,
    pub points: f64,
    pub pillars: usize,
    pub mains: usize,
    pub components: usize,
    pub assessed: usize,
    /// Assessors' scores stored for it (all periods and units).
    pub scores: usize,
    pub changed_at: Option<NaiveDateTime>,
    pub changed_by: Option<String>,
    /// Saved versions.
    pub versions: usize,
}

impl IndexRow {
    pub fn points_text(&self) -> String {
        format_auto(self.points, 2)
    }
    pub fn scores_text(&self) -> String {
        format_integer(self.scores as i64)
    }
    pub fn changed_text(&self) -> String {
        self.changed_at.map(datetime).unwrap_or_default()
    }
}

/// The indices, newest year first.
pub async fn index_rows(state: &AppState, reg: &Registers) -> Result<Vec<IndexRow>, AppError> {
    let mut list: Vec<&Index> = reg.indices.iter().collect();
    list.sort_by(|a, b| b.year.cmp(&a.year).then(a.code.cmp(&b.code)));
    let mut rows = Vec::new();
    for ix in list {
        let versions = history(state, ix.code.as_str()).await?;
        let (pillars, mains, components, assessed) = counts(ix);
        rows.push(IndexRow {
            code: ix.code.to_string(),
            name: ix.name.clone(),
            year: ix.year,
            points: ix.max_points(),
            pillars,
            mains,
            components,
            assessed,
            scores: reg.assessments.iter().filter(|a| a.index == ix.code).count(),
            changed_at: versions.first().map(|v| v.at),
            changed_by: versions.first().map(|v| v.username.clone()),
            versions: versions.len(),
        });
    }
    Ok(rows)
}

/// One node of the tree as a reader sees it.
#[derive(Clone, Debug, Serialize)]
pub struct TreeRow {
    pub code: String,
    pub name: String,
    /// "pillar" | "main" | "component"
    pub level: &'static str,
    /// Maximum points, weights turned into points.
    pub max_points: f64,
    /// The weight given instead of points, if any.
    pub weight: Option<f64>,
    /// How a component is scored, in words; empty for pillars and main indices.
    pub scoring: String,
    pub assessed: bool,
}

impl TreeRow {
    pub fn max_text(&self) -> String {
        format_auto(self.max_points, 2)
    }
    pub fn weight_text(&self) -> String {
        self.weight.map(|w| format_auto(w, 4)).unwrap_or_default()
    }
}

/// Where a measured component's value comes from, named.
fn source_text(model: &Model, source: &Source, lang: Lang) -> String {
    match source {
        Source::Element(e) => {
            let name = model.element(&e.element).map(|d| d.name.clone()).unwrap_or_default();
            let code = match &e.option {
                Some(o) => format!("{}.{o}", e.element),
                None => e.element.clone(),
            };
            format!("{} {code} ({name})", lang.pick("dữ liệu", "data element"))
        }
        Source::Indicator(c) => {
            let name = model.indicator(c.as_str()).map(|d| d.name.clone()).unwrap_or_default();
            format!("{} {c} ({name})", lang.pick("chỉ tiêu", "indicator"))
        }
    }
}

/// A component's scoring method in words.
pub fn scoring_text(model: &Model, scoring: &Scoring, lang: Lang) -> String {
    match scoring {
        Scoring::Assessed => {
            lang.pick("Chấm điểm 0–1 kèm minh chứng", "Assessed: a 0–1 score with evidence").to_string()
        }
        Scoring::Measured { source, normalise } => {
            let src = source_text(model, source, lang);
            match *normalise {
                Normalise::Target { target, lower_is_better: false } => format!(
                    "{src}: {} {} {}",
                    lang.pick("giá trị ÷ mục tiêu", "value ÷ target"),
                    format_auto(target, 4),
                    lang.pick("(tối đa 1)", "(capped at 1)")
                ),
                Normalise::Target { target, lower_is_better: true } => format!(
                    "{src}: {} {} {}",
                    lang.pick("mục tiêu", "target"),
                    format_auto(target, 4),
                    lang.pick("÷ giá trị, càng thấp càng tốt (tối đa 1)", "÷ value, lower is better (capped at 1)")
                ),
                Normalise::MinMax { lower_is_better: false } => format!(
                    "{src}: {}",
                    lang.pick(
                        "so sánh min–max giữa các đơn vị cùng nhóm, cao hơn tốt hơn",
                        "min–max across the compared units, higher is better"
                    )
                ),
                Normalise::MinMax { lower_is_better: true } => format!(
                    "{src}: {}",
                    lang.pick(
                        "so sánh min–max giữa các đơn vị cùng nhóm, thấp hơn tốt hơn",
                        "min–max across the compared units, lower is better"
                    )
                ),
            }
        }
    }
}

/// The tree in preorder (empty when the definition is not valid).
pub fn tree_rows(model: &Model, ix: &Index, lang: Lang) -> Vec<TreeRow> {
    let Ok(flat) = ix.flatten() else { return Vec::new() };
    flat.iter()
        .map(|f| TreeRow {
            code: f.node.code.to_string(),
            name: f.node.name.clone(),
            level: match f.level {
                Level::Pillar => "pillar",
                Level::Main => "main",
                Level::Component => "component",
            },
            max_points: f.max_points,
            weight: f.node.weight,
            scoring: f.node.scoring.as_ref().map(|s| scoring_text(model, s, lang)).unwrap_or_default(),
            assessed: matches!(f.node.scoring, Some(Scoring::Assessed)),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// /dti/indices
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "dti_indices.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<IndexRow>,
    can_edit: bool,
    next_year: i32,
    /// The code copied from, or empty: the built-in template.
    copy_from: String,
}

async fn list_page(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult {
    let reg = state.store.load_registers().await?;
    let today_year = chrono::Datelike::year(&state.today());
    let (next_year, from) = next_year(&reg, today_year);
    let page = ListPage {
        chrome: Chrome::new(&state, &user, user.lang.pick("Các bộ chỉ số chuyển đổi số", "DTI definitions"), "/dti"),
        rows: index_rows(&state, &reg).await?,
        can_edit: user.can_manage(),
        next_year,
        copy_from: from.map(|i| i.code.to_string()).unwrap_or_default(),
    };
    Ok(Html(page.render()?).into_response())
}

/// Creates the next year's index from the latest one and opens it in the
/// editor; with no index yet, opens the built-in template (saved by "Lưu").
async fn create_post(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult {
    user.require_manage()?;
    let reg = state.store.load_registers().await?;
    let (year, from) = next_year(&reg, chrono::Datelike::year(&state.today()));
    let code = format!("DTI_{year}");
    let Some(from) = from else {
        return Ok(Redirect::to(&format!("/dti/indices/{code}/edit?builtin=1")).into_response());
    };
    let ix = copy_for_year(from, year)?;
    if reg.index(&code).is_some() {
        return Err(AppError::Conflict(format!("Đã có bộ chỉ số {code}.")));
    }
    let from_code = from.code.to_string();
    save_index(&state, &user, &code, ix).await?;
    Ok(Redirect::to(&format!("/dti/indices/{code}/edit?created={from_code}")).into_response())
}

// ---------------------------------------------------------------------------
// /dti/indices/{code}
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "dti_index.html")]
struct ViewPage {
    chrome: Chrome,
    code: String,
    ix: Index,
    /// The version shown when it is not the current one.
    version: Option<usize>,
    version_line: String,
    tree: Vec<TreeRow>,
    yaml: String,
    versions: Vec<Version>,
    can_edit: bool,
    counts: (usize, usize, usize, usize),
    points: String,
}

#[derive(Debug, Default, Deserialize)]
struct VersionQuery {
    version: Option<String>,
}

/// The version number asked for (`?version=3`), or none.
fn version_number(v: Option<&str>) -> Result<Option<usize>, AppError> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<usize>()
            .map(Some)
            .map_err(|_| AppError::BadRequest(format!("Phiên bản \"{v}\" không hợp lệ (cần một số)."))),
    }
}

/// The body of version `n` of `code`.
fn version_body(versions: &[Version], code: &str, n: usize) -> Result<Index, AppError> {
    versions
        .iter()
        .find(|v| v.number == n)
        .and_then(|v| v.body.clone())
        .ok_or_else(|| AppError::not_found(format!("phiên bản {n} của bộ chỉ số {code}")))
}

async fn view_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
) -> PageResult {
    let lang = user.lang;
    let reg = state.store.load_registers().await?;
    let versions = history(&state, &code).await?;
    let wanted = version_number(q.version.as_deref())?;
    let (ix, version) = match wanted {
        Some(n) if !versions.iter().any(|v| v.number == n && v.current) => {
            (version_body(&versions, &code, n)?, Some(n))
        }
        _ => (reg.index(&code).cloned().ok_or_else(|| AppError::not_found(format!("bộ chỉ số {code}")))?, None),
    };
    let shown = versions.iter().find(|v| Some(v.number) == version || (version.is_none() && v.current));
    let version_line = match shown {
        Some(v) => format!("{} {} ({}, {})", lang.pick("phiên bản", "version"), v.number, v.username, v.at_text()),
        None => String::new(),
    };
    let model = state.model();
    let page = ViewPage {
        chrome: Chrome::new(&state, &user, format!("{} ({})", ix.name, ix.code), "/dti"),
        code,
        tree: tree_rows(&model, &ix, lang),
        yaml: index_yaml(&ix),
        counts: counts(&ix),
        points: format_auto(ix.max_points(), 2),
        ix,
        version,
        version_line,
        versions,
        can_edit: user.can_manage(),
    };
    Ok(Html(page.render()?).into_response())
}

// ---------------------------------------------------------------------------
// /dti/indices/{code}/edit
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "dti_index_edit.html")]
struct EditPage {
    chrome: Chrome,
    code: String,
    /// What the editor holds: "phiên bản 3", "mẫu có sẵn", "nội dung vừa gửi".
    loaded: String,
    body: String,
    ok: Option<String>,
    problems: Vec<Problem>,
    versions: Vec<Version>,
    /// The stored index as a tree (empty when it is not stored yet).
    tree: Vec<TreeRow>,
    exists: bool,
}

#[derive(Debug, Default, Deserialize)]
struct EditQuery {
    version: Option<String>,
    builtin: Option<String>,
    saved: Option<usize>,
    unchanged: Option<String>,
    created: Option<String>,
    restored: Option<usize>,
}

/// The year an index code names (`DTI_2027` → 2027).
fn year_of_code(code: &str) -> Option<i32> {
    let digits: String = code.chars().rev().take_while(|c| c.is_ascii_digit()).collect();
    digits.chars().rev().collect::<String>().parse().ok().filter(|y| (1900..=2200).contains(y))
}

async fn edit_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<EditQuery>,
) -> PageResult {
    user.require_manage()?;
    let lang = user.lang;
    let reg = state.store.load_registers().await?;
    let versions = history(&state, &code).await?;
    let stored = reg.index(&code);
    let today_year = chrono::Datelike::year(&state.today());
    let (loaded, body) = match (version_number(q.version.as_deref())?, q.builtin.is_some(), stored) {
        (Some(n), _, _) => {
            let ix = version_body(&versions, &code, n)?;
            (format!("{} {n}", lang.pick("phiên bản", "version")), index_yaml(&ix))
        }
        (None, true, _) => {
            let year = stored.map(|i| i.year).or_else(|| year_of_code(&code)).unwrap_or(today_year);
            (
                lang.pick("mẫu có sẵn (chưa lưu)", "the built-in template (not saved)").to_string(),
                builtin_text(&code, year),
            )
        }
        (None, false, Some(ix)) => {
            let what = versions.iter().find(|v| v.current).map_or_else(
                || lang.pick("bản đang dùng", "the stored index").to_string(),
                |v| format!("{} {} ({}, {})", lang.pick("phiên bản", "version"), v.number, v.username, v.at_text()),
            );
            (what, index_yaml(ix))
        }
        (None, false, None) => return Err(AppError::not_found(format!("bộ chỉ số {code}"))),
    };
    let ok = if let Some(from) = q.created.as_deref() {
        Some(format!(
            "{} {code} {} {from}. {}",
            lang.pick("Đã tạo bộ chỉ số", "Created index"),
            lang.pick("từ", "from"),
            lang.pick("Sửa cho năm mới rồi lưu.", "Adapt it for the new year and save.")
        ))
    } else if let Some(n) = q.restored {
        q.saved.map(|m| {
            format!(
                "{} {n} {} {m}.",
                lang.pick("Đã khôi phục phiên bản", "Restored version"),
                lang.pick("thành phiên bản", "as version")
            )
        })
    } else if let Some(n) = q.saved {
        Some(format!("{} {n}.", lang.pick("Đã lưu bộ chỉ số thành phiên bản", "The index was saved as version")))
    } else {
        q.unchanged.as_ref().map(|_| {
            lang.pick("Nội dung không đổi: không lưu phiên bản mới.", "Unchanged: no new version.").to_string()
        })
    };
    let model = state.model();
    let page = EditPage {
        chrome: Chrome::new(&state, &user, format!("{} — {code}", lang.pick("Sửa bộ chỉ số", "Edit index")), "/dti"),
        tree: stored.map(|ix| tree_rows(&model, ix, lang)).unwrap_or_default(),
        exists: stored.is_some(),
        code,
        loaded,
        body,
        ok,
        problems: Vec::new(),
        versions,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Deserialize)]
struct EditForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    version: Option<String>,
}

async fn edit_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(f): Form<EditForm>,
) -> PageResult {
    user.require_manage()?;
    let lang = user.lang;
    let model = state.model();
    let reg = state.store.load_registers().await?;
    let versions = history(&state, &code).await?;
    let (ix, saving) = match f.action.as_str() {
        "restore" => {
            let n = version_number(f.version.as_deref())?
                .ok_or_else(|| AppError::BadRequest("Cần chọn phiên bản để khôi phục.".into()))?;
            let ix = version_body(&versions, &code, n)?;
            save_index(&state, &user, &code, ix).await?;
            let newest = history(&state, &code).await?.first().map_or(0, |v| v.number);
            return Ok(Redirect::to(&format!("/dti/indices/{code}/edit?restored={n}&saved={newest}")).into_response());
        }
        "save" | "check" => (parse_index(&f.body), f.action == "save"),
        other => return Err(AppError::BadRequest(format!("Thao tác không hợp lệ: {other}."))),
    };
    let problems = match &ix {
        Ok(ix) => index_problems(&model, &reg, &code, ix),
        Err(p) => vec![p.clone()],
    };
    if let (Ok(ix), true, true) = (&ix, saving, problems.is_empty()) {
        let target = ix.code.to_string();
        let saved = save_index(&state, &user, &code, ix.clone()).await?;
        let to = match saved {
            Saved::Unchanged => format!("/dti/indices/{target}/edit?unchanged=1"),
            _ => {
                let newest = history(&state, &target).await?.first().map_or(0, |v| v.number);
                format!("/dti/indices/{target}/edit?saved={newest}")
            }
        };
        return Ok(Redirect::to(&to).into_response());
    }
    let status = if problems.is_empty() {
        StatusCode::OK
    } else if ix.as_ref().is_ok_and(|ix| collision(&reg, &code, ix).is_some()) {
        StatusCode::CONFLICT
    } else {
        StatusCode::BAD_REQUEST
    };
    let ok = problems.is_empty().then(|| {
        lang.pick(
            "Bộ chỉ số hợp lệ: điểm và trọng số khớp nhau, dữ liệu và chỉ tiêu có trong siêu dữ liệu. Chưa lưu.",
            "The index is valid: points and weights add up, data elements and indicators exist. Not saved yet.",
        )
        .to_string()
    });
    let stored = reg.index(&code);
    let page = EditPage {
        chrome: Chrome::new(&state, &user, format!("{} — {code}", lang.pick("Sửa bộ chỉ số", "Edit index")), "/dti"),
        tree: stored.map(|ix| tree_rows(&model, ix, lang)).unwrap_or_default(),
        exists: stored.is_some(),
        code,
        loaded: lang.pick("nội dung vừa gửi (chưa lưu)", "the text just sent (not saved)").to_string(),
        body: f.body,
        ok,
        problems,
        versions,
    };
    Ok((status, Html(page.render()?)).into_response())
}

// ---------------------------------------------------------------------------
// Assessors' scores
// ---------------------------------------------------------------------------

/// A score as the office types it: "0,85", "0.85" or "85%" (0–1).
pub fn parse_score(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (number, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v = parse_number(number).map_err(|e| format!("\"{t}\" không phải là số ({e})"))?;
    let v = if percent { v / 100.0 } else { v };
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{t} phải từ 0 đến 1 (hoặc 0% đến 100%)"))
    }
}

/// One score to set (`score: None`: remove it).
#[derive(Clone, Debug)]
pub struct ScoreEdit {
    pub index: Code,
    pub period: Period,
    pub unit: Code,
    pub component: Code,
    pub score: Option<f64>,
    pub evidence: String,
    /// The assessing unit; `None`: the account's unit, if it has one.
    pub by: Option<Code>,
}

/// What a batch of scores did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScoreCounts {
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

impl ScoreCounts {
    pub fn changed(&self) -> usize {
        self.created + self.updated + self.deleted
    }
}

/// Sets and removes assessors' scores in one transaction: all are stored or
/// none (the registers' checks at every changed score: an existing index,
/// one of its `assessed` components, an existing unit, a score of 0–1).
/// An unchanged score (same value and evidence) is left as it is, with its
/// assessor. Office and admins only.
pub async fn save_scores(state: &AppState, user: &CurrentUser, edits: Vec<ScoreEdit>) -> Result<ScoreCounts, AppError> {
    user.require_manage()?;
    let mut keys = BTreeSet::new();
    for e in &edits {
        let key = format!("{}|{}|{}|{}", e.index, e.period, e.unit, e.component);
        if !keys.insert(key.clone()) {
            return Err(AppError::BadRequest(format!("Điểm chấm {key} được gửi hai lần.")));
        }
        if let Some(s) = e.score
            && !(s.is_finite() && (0.0..=1.0).contains(&s))
        {
            return Err(AppError::BadRequest(format!(
                "assessments[{key}].score: điểm chấm {} phải từ 0 đến 1.",
                format_auto(s, 4)
            )));
        }
    }
    let own_unit = user.account.scope.unit.clone();
    let mut counts = ScoreCounts::default();
    register_edit::apply(state, user, |reg| {
        let mut save = Vec::new();
        let mut delete = Vec::new();
        let mut places = Vec::new();
        for e in edits {
            let at = reg.assessments.iter().position(|a| {
                a.index == e.index && a.period == e.period && a.unit == e.unit && a.component == e.component
            });
            match (e.score, at) {
                (None, None) => counts.unchanged += 1,
                (None, Some(i)) => {
                    delete.push(reg.assessments.remove(i));
                    counts.deleted += 1;
                }
                (Some(score), at) => {
                    let evidence = e.evidence.trim().to_string();
                    if let Some(i) = at
                        && reg.assessments[i].score == score
                        && reg.assessments[i].evidence == evidence
                        && (e.by.is_none() || reg.assessments[i].by == e.by)
                    {
                        counts.unchanged += 1;
                        continue;
                    }
                    let a = IndexAssessment {
                        index: e.index,
                        period: e.period,
                        unit: e.unit,
                        component: e.component,
                        score,
                        evidence,
                        by: e.by.or_else(|| own_unit.clone()),
                    };
                    places.push(place("assessments", a.key()));
                    match at {
                        Some(i) => {
                            reg.assessments[i] = a.clone();
                            counts.updated += 1;
                        }
                        None => {
                            reg.assessments.push(a.clone());
                            counts.created += 1;
                        }
                    }
                    save.push(a);
                }
            }
        }
        Ok(Change {
            save: Registers { assessments: save, ..Registers::default() },
            delete: Registers { assessments: delete, ..Registers::default() },
            places,
        })
    })
    .await?;
    Ok(counts)
}

/// The index asked for, else today's year's, else the latest.
pub fn pick_index<'a>(reg: &'a Registers, code: Option<&str>, today_year: i32) -> Result<&'a Index, AppError> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => reg.index(c).ok_or_else(|| AppError::not_found(format!("bộ chỉ số {c}"))),
        None => reg
            .index_of_year(today_year)
            .or_else(|| reg.indices.iter().max_by_key(|i| i.year))
            .ok_or_else(|| AppError::not_found("bộ chỉ số nào trong sổ theo dõi")),
    }
}

/// A column of the scores table: an `assessed` component.
#[derive(Clone, Debug, Serialize)]
pub struct AssessColumn {
    pub code: String,
    pub name: String,
    /// Its main index's name.
    pub main: String,
    pub max_points: f64,
}

impl AssessColumn {
    pub fn max_text(&self) -> String {
        format_auto(self.max_points, 2)
    }
}

/// One cell: a unit's score of a component.
#[derive(Clone, Debug, Serialize)]
pub struct AssessCell {
    pub component: String,
    /// "0,85"; empty when not scored.
    pub score: String,
    pub evidence: String,
    pub by: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AssessRow {
    pub unit: String,
    pub name: String,
    pub cells: Vec<AssessCell>,
}

/// The `assessed` components of an index, in order.
fn assessed_columns(ix: &Index) -> Result<Vec<AssessColumn>, AppError> {
    let flat = ix.flatten().map_err(|e| AppError::BadRequest(format!("Bộ chỉ số {} chưa hợp lệ: {e}", ix.code)))?;
    Ok(flat
        .iter()
        .filter(|f| matches!(f.node.scoring, Some(Scoring::Assessed)))
        .map(|f| AssessColumn {
            code: f.node.code.to_string(),
            name: f.node.name.clone(),
            main: f.parent.map(|p| flat[p].node.name.clone()).unwrap_or_default(),
            max_points: f.max_points,
        })
        .collect())
}

/// The units of a comparable group open at the end of `period`.
fn group_units(model: &Model, group: &str, period: &Period) -> Result<Vec<(Code, String)>, AppError> {
    let tree = model.tree();
    let members =
        model.group_members(group).ok_or_else(|| AppError::BadRequest(format!("nhóm đơn vị {group} không tồn tại")))?;
    Ok(chiso_analytics::index::open_members(tree, members, period)
        .into_iter()
        .map(|u| (tree.unit(u).code.clone(), tree.unit(u).name.clone()))
        .collect())
}

#[derive(Debug, Default, Deserialize)]
struct AssessQuery {
    index: Option<String>,
    period: Option<String>,
    group: Option<String>,
    saved: Option<usize>,
}

#[derive(Template)]
#[template(path = "dti_assess.html")]
struct AssessPage {
    chrome: Chrome,
    index: String,
    index_name: String,
    period: String,
    group: String,
    group_name: String,
    indices: Vec<Choice>,
    groups: Vec<Choice>,
    columns: Vec<AssessColumn>,
    rows: Vec<AssessRow>,
    scored: usize,
    saved: Option<usize>,
}

/// The index, period and group of a scores page or post.
fn assess_target<'a>(
    state: &AppState,
    reg: &'a Registers,
    index: Option<&str>,
    period: Option<&str>,
    group: Option<&str>,
) -> Result<(&'a Index, Period, String), AppError> {
    let ix = pick_index(reg, index, chrono::Datelike::year(&state.today()))?;
    let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p.parse::<Period>().map_err(|e| AppError::BadRequest(format!("Kỳ \"{p}\" không hợp lệ: {e}")))?,
        None => Period::year(ix.year).map_err(|e| AppError::Internal(e.to_string()))?,
    };
    let group = group.map(str::trim).filter(|g| !g.is_empty()).unwrap_or(GROUPS[0]).to_string();
    if !GROUPS.contains(&group.as_str()) {
        return Err(AppError::BadRequest(format!(
            "Nhóm đơn vị {group} không phải nhóm so sánh ({}).",
            GROUPS.join(", ")
        )));
    }
    Ok((ix, period, group))
}

fn group_label(model: &Model, code: &str) -> String {
    model.group(code).map_or_else(|| code.to_string(), |g| g.name.clone())
}

async fn assess_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<AssessQuery>,
) -> PageResult {
    user.require_manage()?;
    let lang = user.lang;
    let reg = state.store.load_registers().await?;
    let (ix, period, group) = assess_target(&state, &reg, q.index.as_deref(), q.period.as_deref(), q.group.as_deref())?;
    let model = state.model();
    let columns = assessed_columns(ix)?;
    let stored: BTreeMap<(&Code, &Code), &IndexAssessment> = reg
        .assessments
        .iter()
        .filter(|a| a.index == ix.code && a.period == period)
        .map(|a| ((&a.unit, &a.component), a))
        .collect();
    let mut scored = 0;
    let rows: Vec<AssessRow> = group_units(&model, &group, &period)?
        .into_iter()
        .map(|(unit, name)| AssessRow {
            cells: columns
                .iter()
                .map(|c| {
                    let a = Code::new(c.code.as_str()).ok().and_then(|cc| stored.get(&(&unit, &cc)).copied());
                    scored += usize::from(a.is_some());
                    AssessCell {
                        component: c.code.clone(),
                        score: a.map(|a| format_auto(a.score, 4)).unwrap_or_default(),
                        evidence: a.map(|a| a.evidence.clone()).unwrap_or_default(),
                        by: a.and_then(|a| a.by.as_ref()).map(|b| model.party_name(b.as_str())).unwrap_or_default(),
                    }
                })
                .collect(),
            unit: unit.to_string(),
            name,
        })
        .collect();
    let mut indices: Vec<&Index> = reg.indices.iter().collect();
    indices.sort_by(|a, b| b.year.cmp(&a.year).then(a.code.cmp(&b.code)));
    let page = AssessPage {
        chrome: Chrome::new(
            &state,
            &user,
            format!("{} — {}", lang.pick("Chấm điểm chỉ số", "Assess the index"), ix.code),
            "/dti",
        ),
        index: ix.code.to_string(),
        index_name: ix.name.clone(),
        period: period.to_string(),
        group_name: group_label(&model, &group),
        indices: indices
            .iter()
            .map(|i| Choice { code: i.code.to_string(), name: i.name.clone(), selected: i.code == ix.code })
            .collect(),
        groups: GROUPS
            .iter()
            .map(|g| Choice { code: g.to_string(), name: group_label(&model, g), selected: *g == group })
            .collect(),
        group,
        columns,
        rows,
        scored,
        saved: q.saved,
    };
    Ok(Html(page.render()?).into_response())
}

/// Saves every cell of the table at once: `s.UNIT.COMPONENT` the score
/// (empty: none), `e.UNIT.COMPONENT` its evidence.
async fn assess_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.require_manage()?;
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let reg = state.store.load_registers().await?;
    let (ix, period, group) = assess_target(&state, &reg, field("index"), field("period"), field("group"))?;
    let model = state.model();
    let units: BTreeMap<Code, String> = group_units(&model, &group, &period)?.into_iter().collect();
    let components: BTreeMap<String, AssessColumn> =
        assessed_columns(ix)?.into_iter().map(|c| (c.code.clone(), c)).collect();
    let mut edits = Vec::new();
    for (name, value) in &fields {
        let Some(rest) = name.strip_prefix("s.") else { continue };
        let (unit, component) = rest
            .split_once('.')
            .ok_or_else(|| AppError::BadRequest(format!("Ô {name} không hợp lệ (cần s.ĐƠN_VỊ.CHỈ_SỐ).")))?;
        let (unit_code, unit_name) = units.get_key_value(unit).ok_or_else(|| {
            AppError::BadRequest(format!("Đơn vị {unit} không thuộc nhóm {group} mở cửa trong kỳ {period}."))
        })?;
        let column = components.get(component).ok_or_else(|| {
            AppError::BadRequest(format!("Bộ chỉ số {} không có chỉ số thành phần chấm điểm {component}.", ix.code))
        })?;
        let evidence = field(&format!("e.{unit}.{component}")).unwrap_or_default().trim().to_string();
        let score = match value.trim() {
            "" if evidence.is_empty() => None,
            "" => {
                return Err(AppError::BadRequest(format!(
                    "{unit_name} — {}: có minh chứng nhưng chưa có điểm.",
                    column.name
                )));
            }
            v => Some(parse_score(v).map_err(|m| {
                AppError::BadRequest(format!("Điểm của {unit_name} — {} ({component}): {m}.", column.name))
            })?),
        };
        edits.push(ScoreEdit {
            index: ix.code.clone(),
            period,
            unit: unit_code.clone(),
            component: Code::new(component).map_err(|e| AppError::BadRequest(e.to_string()))?,
            score,
            evidence,
            by: None,
        });
    }
    let index = ix.code.to_string();
    let counts = save_scores(&state, &user, edits).await?;
    Ok(Redirect::to(&format!("/dti/assess?index={index}&period={period}&group={group}&saved={}", counts.changed()))
        .into_response())
}
