//! Projects and budgets (`/projects`, `/projects/{code}`) and the plan's task
//! assignments (`/tasks`, `POST /tasks/{code}/progress`).
//!
//! The registers come from the store (`Store::load_registers`); every sum,
//! rate, standing and count is `chiso_core::register` (`budget::summary`,
//! `totals_by_*`, `disbursement_rate`, `task::statuses`, `counts`), so the
//! pages, the JSON API (`api::registers`, built on the same view builders)
//! and the plan appendices always agree.
//!
//! Scope: office, admin and leaders see the whole register; a reporter sees
//! the projects and recurrent tasks of the units it reads and the tasks that
//! name one of them (lead or co-operating, directly or through a group), with
//! totals over those only. A progress report is added by a lead unit of the
//! task (a reporter who writes for one of its lead units) or by the office.

use crate::auth::CurrentUser;
use crate::error::{AppError, PageResult};
use crate::pages::{Chrome, date, pct};
use crate::register_edit;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chiso_core::Code;
use chiso_core::access::{Role, Scope};
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::number::{format_auto, parse_number};
use chiso_core::orgunit::UnitIx;
use chiso_core::register::budget::{
    self, BudgetLine, BudgetSummary, lines_of_year, sources_text, totals_by_pillar, totals_by_source,
    totals_by_unit_at_level, totals_by_year,
};
use chiso_core::register::task::{self, TaskStatus};
use chiso_core::register::{
    BudgetKind, InvestmentProject, Money, ProgressReport, ProjectStatus, RecurrentTask, Registers, Source, Standing,
    TaskCounts, TaskState,
};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/projects", get(projects_page))
        .route("/projects/{code}", get(project_page))
        .route("/tasks", get(tasks_page))
        .route("/tasks/{code}/progress", post(progress_post))
        .route("/static/registers.css", get(registers_css))
        .merge(super::budget_edit::routes())
}

async fn registers_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")],
        include_str!("../../static/registers.css"),
    )
}

/// "23/11/2026" from a date or a reference to one (templates hold either).
pub fn day<D: std::borrow::Borrow<NaiveDate>>(d: D) -> String {
    date(*d.borrow())
}

fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

// ------------------------------------------------------------------ scope

/// The units a unit or group code stands for.
fn party_units(model: &Model, code: &Code) -> Vec<UnitIx> {
    match model.tree().index(code.as_str()) {
        Some(ix) => vec![ix],
        None => model.group_members(code.as_str()).map(<[UnitIx]>::to_vec).unwrap_or_default(),
    }
}

/// The part of the registers `scope` may see: everything for the province
/// readers; for a reporter, the items of the units it reads (and no state
/// budget: the share of the province's budget is not a unit's figure).
pub fn scoped(model: &Model, scope: &Scope, mut reg: Registers) -> Registers {
    if scope.role != Role::Reporter {
        return reg;
    }
    let tree = model.tree();
    let reads = |c: &Code| tree.index(c.as_str()).is_some_and(|ix| scope.can_read(tree, ix));
    reg.state_budget.clear();
    reg.projects.retain(|p| reads(&p.unit));
    reg.recurrent_tasks.retain(|t| reads(&t.unit));
    reg.tasks.retain(|t| {
        t.lead.iter().chain(&t.cooperating).any(|c| party_units(model, c).iter().any(|&ix| scope.can_read(tree, ix)))
    });
    let keep: HashSet<Code> = reg.tasks.iter().map(|t| t.code.clone()).collect();
    reg.progress_reports.retain(|r| keep.contains(&r.task));
    // Information systems and their security dossiers: the owner's.
    reg.systems.retain(|s| reads(&s.owner));
    let systems: HashSet<Code> = reg.systems.iter().map(|s| s.code.clone()).collect();
    reg.dossiers.retain(|d| systems.contains(&d.system));
    reg
}

/// The registers as `user` may see them.
pub async fn visible(state: &AppState, user: &CurrentUser) -> Result<Registers, AppError> {
    let reg = state.store.load_registers().await?;
    Ok(scoped(&state.model(), user.scope(), reg))
}

/// The lead units `scope` may report a task's progress for, its own unit
/// first; empty when it may not (leaders, other units' reporters).
pub fn reporting_units(model: &Model, scope: &Scope, t: &chiso_core::register::Task) -> Vec<UnitIx> {
    let tree = model.tree();
    let own = scope.unit.as_ref().and_then(|c| tree.index(c.as_str()));
    let mut out: Vec<UnitIx> = Vec::new();
    for c in &t.lead {
        for ix in party_units(model, c) {
            if scope.can_write(tree, ix) && !out.contains(&ix) {
                out.push(ix);
            }
        }
    }
    if let Some(own) = own
        && let Some(i) = out.iter().position(|&x| x == own)
    {
        out.remove(i);
        out.insert(0, own);
    }
    out
}

pub(crate) fn unit_name(model: &Model, code: &Code) -> String {
    model.tree().get(code.as_str()).map(|u| u.display_name().to_string()).unwrap_or_else(|| code.to_string())
}

fn names(model: &Model, codes: &[Code]) -> String {
    codes.iter().map(|c| model.party_name(c.as_str())).collect::<Vec<_>>().join("; ")
}

/// Whether `unit` is `filter` or below it.
fn under(model: &Model, unit: &Code, filter: &str) -> bool {
    let tree = model.tree();
    match (tree.index(unit.as_str()), tree.index(filter)) {
        (Some(u), Some(f)) => tree.is_descendant_or_self(u, f),
        _ => unit.as_str() == filter,
    }
}

/// A choice of a select box.
#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

// ------------------------------------------------------------------ projects and budgets

/// The filters of `/projects` and `GET /api/projects` (empty = all).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProjectsQuery {
    pub year: Option<String>,
    /// The breakdown shown: unit (default), source or pillar.
    pub by: Option<String>,
    pub unit: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    /// `saved=state_budget` after the office set a year's state budget (pages only).
    pub saved: Option<String>,
    /// `deleted=DA_01` after a deletion (pages only).
    pub deleted: Option<String>,
}

/// The year asked for, or today's.
pub fn year_of(q: Option<&str>, today: NaiveDate) -> Result<i32, AppError> {
    match q {
        None => Ok(today.year()),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| AppError::BadRequest(format!("năm \"{y}\" không hợp lệ"))),
    }
}

pub(crate) fn kind_key(k: BudgetKind) -> &'static str {
    match k {
        BudgetKind::PublicInvestment => "public_investment",
        BudgetKind::Recurrent => "recurrent",
    }
}

pub(crate) fn kind_label(lang: Lang, k: BudgetKind) -> String {
    match lang {
        Lang::Vi => k.label_vi().to_string(),
        Lang::En => match k {
            BudgetKind::PublicInvestment => "Public investment".into(),
            BudgetKind::Recurrent => "Recurrent spending".into(),
        },
    }
}

pub(crate) fn status_key(s: ProjectStatus) -> &'static str {
    match s {
        ProjectStatus::Planned => "planned",
        ProjectStatus::Ongoing => "ongoing",
        ProjectStatus::Completed => "completed",
        ProjectStatus::Suspended => "suspended",
    }
}

pub(crate) fn status_label(lang: Lang, s: ProjectStatus) -> String {
    match lang {
        Lang::Vi => s.label_vi().to_string(),
        Lang::En => match s {
            ProjectStatus::Planned => "Being prepared",
            ProjectStatus::Ongoing => "Ongoing",
            ProjectStatus::Completed => "In use",
            ProjectStatus::Suspended => "Suspended",
        }
        .into(),
    }
}

pub(crate) const STATUSES: [ProjectStatus; 4] =
    [ProjectStatus::Planned, ProjectStatus::Ongoing, ProjectStatus::Completed, ProjectStatus::Suspended];

fn source_key(s: &Source) -> String {
    match s {
        Source::Nstw => "NSTW".into(),
        Source::Nsdp => "NSDP".into(),
        Source::Xskt => "XSKT".into(),
        Source::Other(o) => o.clone(),
    }
}

fn source_matches(s: &Source, key: &str) -> bool {
    source_key(s).eq_ignore_ascii_case(key) || s.label() == key
}

/// One line of a totals table: public investment, recurrent and their sum.
#[derive(Clone, Debug, Serialize)]
pub struct AmountRow {
    pub key: String,
    pub label: String,
    pub public_investment: Money,
    pub recurrent: Money,
    pub total: Money,
    /// `total` as a percentage of the table's total.
    pub share: Option<f64>,
}

impl AmountRow {
    pub fn share_text(&self) -> String {
        pct(self.share)
    }
}

/// Rows keyed by `f`'s keys, from the totals of each kind's lines.
fn amount_rows<K: Ord + Clone>(
    lines: &[BudgetLine<'_>],
    f: impl Fn(&[BudgetLine<'_>]) -> BTreeMap<K, Money>,
    label: impl Fn(&K) -> (String, String),
) -> Vec<AmountRow> {
    let of_kind = |k: BudgetKind| lines.iter().filter(|l| l.kind == k).cloned().collect::<Vec<_>>();
    let public = f(&of_kind(BudgetKind::PublicInvestment));
    let recurrent = f(&of_kind(BudgetKind::Recurrent));
    let all = f(lines);
    let grand = budget::total(lines);
    all.iter()
        .map(|(k, &total)| {
            let (key, label) = label(k);
            AmountRow {
                key,
                label,
                public_investment: public.get(k).copied().unwrap_or_default(),
                recurrent: recurrent.get(k).copied().unwrap_or_default(),
                total,
                share: total.percent_of(grand),
            }
        })
        .collect()
}

/// An investment project as the list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectRow {
    pub code: String,
    pub name: String,
    pub decisions: String,
    pub unit: String,
    pub unit_name: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub total_investment: Money,
    /// "NSTW: 4.341; XSKT: 1.000" (the funding mix of the total investment).
    pub sources: String,
    pub period: String,
    /// The year's allocation, the part of it paid up to today, and their ratio.
    pub allocated: Money,
    pub disbursed: Money,
    pub disbursement_rate: Option<f64>,
    pub status: &'static str,
    pub status_label: String,
    pub transition: bool,
    pub pillar: Option<String>,
}

impl ProjectRow {
    fn new(model: &Model, lang: Lang, p: &InvestmentProject, year: i32, today: NaiveDate) -> ProjectRow {
        let funding: Vec<(Option<&Source>, Money)> = p.funding.iter().map(|f| (Some(&f.source), f.amount)).collect();
        ProjectRow {
            code: p.code.to_string(),
            name: p.name.clone(),
            decisions: p.decisions.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            unit: p.unit.to_string(),
            unit_name: unit_name(model, &p.unit),
            kind: kind_key(p.kind),
            kind_label: kind_label(lang, p.kind),
            total_investment: p.total_investment,
            sources: sources_text(&funding),
            period: p.period.to_string(),
            allocated: p.allocated_in(year),
            disbursed: p.disbursed_in(year, today),
            disbursement_rate: p.disbursement_rate(year, today),
            status: status_key(p.status),
            status_label: status_label(lang, p.status),
            transition: p.transition,
            pillar: p.pillar.as_ref().map(ToString::to_string),
        }
    }
    pub fn rate_text(&self) -> String {
        pct(self.disbursement_rate)
    }
}

/// A recurrent-budget task as the list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct RecurrentRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub unit_name: String,
    pub budget_line: Option<String>,
    pub amount: Money,
    pub sources: String,
    pub disbursed: Money,
    pub disbursement_rate: Option<f64>,
    pub pillar: Option<String>,
}

impl RecurrentRow {
    fn new(model: &Model, t: &RecurrentTask, today: NaiveDate) -> RecurrentRow {
        let parts = t.by_source();
        let parts: Vec<(Option<&Source>, Money)> = parts.iter().map(|(s, m)| (Some(s), *m)).collect();
        let disbursed = t.disbursed(today);
        RecurrentRow {
            code: t.code.to_string(),
            name: t.name.clone(),
            unit: t.unit.to_string(),
            unit_name: unit_name(model, &t.unit),
            budget_line: t.budget_line.clone(),
            amount: t.amount,
            sources: sources_text(&parts),
            disbursed,
            disbursement_rate: disbursed.percent_of(t.amount),
            pillar: t.pillar.as_ref().map(ToString::to_string),
        }
    }
    pub fn rate_text(&self) -> String {
        pct(self.disbursement_rate)
    }
    pub fn line_text(&self) -> &str {
        self.budget_line.as_deref().unwrap_or("")
    }
}

/// Sums of a list's rows.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ListTotals {
    pub allocated: Money,
    pub disbursed: Money,
    pub disbursement_rate: Option<f64>,
}

impl ListTotals {
    fn of(pairs: impl Iterator<Item = (Money, Money)>) -> ListTotals {
        let (mut allocated, mut disbursed) = (Money::ZERO, Money::ZERO);
        for (a, d) in pairs {
            allocated += a;
            disbursed += d;
        }
        ListTotals { allocated, disbursed, disbursement_rate: disbursed.percent_of(allocated) }
    }
    pub fn rate_text(&self) -> String {
        pct(self.disbursement_rate)
    }
}

/// Everything `/projects` shows (also the JSON of the API).
pub struct ProjectsView {
    pub year: i32,
    pub today: NaiveDate,
    /// Whether the view is the whole province's (not a reporter's part).
    pub province: bool,
    pub summary: BudgetSummary,
    pub sentence: String,
    /// Allocated, paid up to today and their ratio, for the year (all kinds).
    pub allocated: Money,
    pub disbursed: Money,
    pub disbursement_rate: Option<f64>,
    pub by_year: Vec<AmountRow>,
    pub by: &'static str,
    pub breakdown: Vec<AmountRow>,
    pub projects: Vec<ProjectRow>,
    pub projects_total: ListTotals,
    pub recurrent: Vec<RecurrentRow>,
    pub recurrent_total: ListTotals,
    pub years: Vec<Choice>,
    pub units: Vec<Choice>,
    pub sources: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub filtered: bool,
}

/// The sentence of the year's money in the page's language.
fn summary_sentence(lang: Lang, s: &BudgetSummary) -> String {
    match lang {
        Lang::Vi => s.sentence(),
        Lang::En => format!(
            "Total funding: {}. Of which: public investment {}; recurrent spending {}.",
            s.total.billion_text(),
            s.public_investment.billion_text(),
            s.recurrent.billion_text()
        ),
    }
}

pub fn projects_view(
    model: &Model,
    lang: Lang,
    reg: &Registers,
    province: bool,
    q: &ProjectsQuery,
    today: NaiveDate,
) -> Result<ProjectsView, AppError> {
    let year = year_of(given(&q.year), today)?;
    let by = match given(&q.by) {
        None | Some("unit") => "unit",
        Some("source") => "source",
        Some("pillar") => "pillar",
        Some(b) => {
            return Err(AppError::BadRequest(format!("cách tổng hợp \"{b}\" không hợp lệ (unit, source, pillar)")));
        }
    };
    let (unit, source, status, kind) = (given(&q.unit), given(&q.source), given(&q.status), given(&q.kind));
    if let Some(u) = unit
        && model.tree().index(u).is_none()
    {
        return Err(AppError::not_found(format!("đơn vị {u}")));
    }
    if let Some(s) = status
        && !STATUSES.iter().any(|x| status_key(*x) == s)
    {
        return Err(AppError::BadRequest(format!("hiện trạng \"{s}\" không hợp lệ")));
    }
    if let Some(k) = kind
        && !["public_investment", "recurrent"].contains(&k)
    {
        return Err(AppError::BadRequest(format!("loại vốn \"{k}\" không hợp lệ (public_investment, recurrent)")));
    }

    let summary = budget::summary(reg, year);
    let sentence = summary_sentence(lang, &summary);
    let all_lines = budget::budget_lines(reg);
    let lines = lines_of_year(reg, year);
    let by_year = amount_rows(&all_lines, totals_by_year, |y| (y.to_string(), y.to_string()));
    let breakdown = match by {
        "source" => amount_rows(&lines, totals_by_source, |s| match s {
            Some(s) => (source_key(s), format!("{} ({})", s.name_vi(), s.label())),
            None => (String::new(), lang.pick("Chưa rõ nguồn", "Source not stated").to_string()),
        }),
        "pillar" => {
            let mut rows = amount_rows(&lines, totals_by_pillar, |p| match p {
                Some(p) => (p.to_string(), model.pillar_name(p.as_str()).unwrap_or(p.as_str()).to_string()),
                None => (String::new(), lang.pick("Chưa gắn trụ cột", "No pillar").to_string()),
            });
            let pillars = &model.metadata().pillars;
            rows.sort_by_key(|r| pillars.iter().position(|p| p.code.as_str() == r.key).unwrap_or(usize::MAX));
            rows
        }
        _ => {
            let mut rows =
                amount_rows(&lines, |l| totals_by_unit_at_level(l, model, 2), |u| (u.to_string(), unit_name(model, u)));
            rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.label.cmp(&b.label)));
            rows
        }
    };

    let kind_ok = |k: BudgetKind| kind.is_none_or(|x| x == kind_key(k));
    let projects: Vec<ProjectRow> = reg
        .projects
        .iter()
        .filter(|p| p.period.contains(year) || !p.allocated_in(year).is_zero())
        .filter(|p| kind_ok(p.kind))
        .filter(|p| unit.is_none_or(|u| under(model, &p.unit, u)))
        .filter(|p| source.is_none_or(|s| p.funding.iter().any(|f| source_matches(&f.source, s))))
        .filter(|p| status.is_none_or(|s| status_key(p.status) == s))
        .map(|p| ProjectRow::new(model, lang, p, year, today))
        .collect();
    let projects_total = ListTotals::of(projects.iter().map(|r| (r.allocated, r.disbursed)));
    let recurrent: Vec<RecurrentRow> = reg
        .recurrent_tasks
        .iter()
        .filter(|t| t.year == year && kind_ok(BudgetKind::Recurrent) && status.is_none())
        .filter(|t| unit.is_none_or(|u| under(model, &t.unit, u)))
        .filter(|t| source.is_none_or(|s| t.by_source().iter().any(|(x, _)| source_matches(x, s))))
        .map(|t| RecurrentRow::new(model, t, today))
        .collect();
    let recurrent_total = ListTotals::of(recurrent.iter().map(|r| (r.amount, r.disbursed)));

    let mut year_set: Vec<i32> = all_lines.iter().map(|l| l.year).collect();
    year_set.push(today.year());
    year_set.push(year);
    year_set.sort_unstable();
    year_set.dedup();
    let years = year_set
        .iter()
        .rev()
        .map(|y| Choice { code: y.to_string(), name: y.to_string(), selected: *y == year })
        .collect();
    let mut unit_codes: Vec<&Code> =
        reg.projects.iter().map(|p| &p.unit).chain(reg.recurrent_tasks.iter().map(|t| &t.unit)).collect();
    let tree = model.tree();
    unit_codes.sort_by_key(|c| tree.index(c.as_str()).unwrap_or(UnitIx::MAX));
    unit_codes.dedup();
    let units = unit_codes
        .iter()
        .map(|c| Choice { code: c.to_string(), name: unit_name(model, c), selected: unit == Some(c.as_str()) })
        .collect();
    let mut source_set: Vec<Source> = reg
        .projects
        .iter()
        .flat_map(|p| p.funding.iter().map(|f| f.source.clone()))
        .chain(reg.recurrent_tasks.iter().flat_map(|t| t.by_source().into_iter().map(|(s, _)| s)))
        .collect();
    source_set.sort();
    source_set.dedup();
    let sources = source_set
        .iter()
        .map(|s| Choice {
            code: source_key(s),
            name: format!("{} ({})", s.name_vi(), s.label()),
            selected: source.is_some_and(|x| source_matches(s, x)),
        })
        .collect();
    let statuses = STATUSES
        .iter()
        .map(|s| Choice {
            code: status_key(*s).into(),
            name: status_label(lang, *s),
            selected: status == Some(status_key(*s)),
        })
        .collect();
    let kinds = [BudgetKind::PublicInvestment, BudgetKind::Recurrent]
        .iter()
        .map(|k| Choice { code: kind_key(*k).into(), name: kind_label(lang, *k), selected: kind == Some(kind_key(*k)) })
        .collect();

    Ok(ProjectsView {
        year,
        today,
        province,
        sentence,
        allocated: budget::allocated(reg, year, None),
        disbursed: budget::disbursed(reg, year, today, None),
        disbursement_rate: budget::disbursement_rate(reg, year, today, None),
        summary,
        by_year,
        by,
        breakdown,
        projects,
        projects_total,
        recurrent,
        recurrent_total,
        years,
        units,
        sources,
        statuses,
        kinds,
        filtered: unit.is_some() || source.is_some() || status.is_some() || kind.is_some(),
    })
}

impl ProjectsView {
    pub fn share_text(&self) -> String {
        self.summary.share.map(|s| chiso_core::number::format_percent(s, 2)).unwrap_or_else(|| "—".into())
    }
    pub fn state_budget_text(&self) -> String {
        self.summary.state_budget.map(|m| m.billion_text()).unwrap_or_else(|| "—".into())
    }
    pub fn rate_text(&self) -> String {
        pct(self.disbursement_rate)
    }
    pub fn today_text(&self) -> String {
        date(self.today)
    }
    /// The query string of the current filters with another breakdown.
    pub fn by_href(&self, by: &str) -> String {
        let mut q = format!("/projects?year={}&by={by}", self.year);
        for (k, list) in
            [("unit", &self.units), ("source", &self.sources), ("status", &self.statuses), ("kind", &self.kinds)]
        {
            if let Some(c) = list.iter().find(|c| c.selected) {
                q.push_str(&format!("&{k}={}", crate::auth::urlencode(&c.code)));
            }
        }
        q
    }
    pub fn breakdown_title(&self, lang: &Lang) -> &'static str {
        match self.by {
            "source" => lang.pick("Theo nguồn vốn", "By source"),
            "pillar" => lang.pick("Theo trụ cột", "By pillar"),
            _ => lang.pick("Theo đơn vị", "By unit"),
        }
    }
    pub fn breakdown_total(&self) -> Money {
        self.breakdown.iter().map(|r| r.total).sum()
    }
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    chrome: Chrome,
    v: ProjectsView,
    /// The office's links and the state-budget form (`pages::budget_edit`).
    can_manage: bool,
    saved: Option<String>,
    deleted: Option<String>,
    /// The basis of the year's state budget, to keep it when the office changes the amount.
    state_budget_note: String,
}

async fn projects_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<ProjectsQuery>,
) -> PageResult<Html<String>> {
    let reg = visible(&state, &user).await?;
    let model = state.model();
    let v = projects_view(&model, user.lang, &reg, user.role() != Role::Reporter, &q, state.today())?;
    let chrome = Chrome::new(&state, &user, user.lang.pick("Dự án, kinh phí", "Projects and budgets"), "/projects");
    let (saved, deleted) = (given(&q.saved).map(String::from), given(&q.deleted).map(String::from));
    let state_budget_note =
        reg.state_budget.iter().find(|b| b.year == v.year).and_then(|b| b.note.clone()).unwrap_or_default();
    let page = ProjectsPage { chrome, v, can_manage: user.can_manage(), saved, deleted, state_budget_note };
    Ok(Html(page.render()?))
}

// ------------------------------------------------------------------ one project

#[derive(Clone, Debug, Serialize)]
pub struct FundingRow {
    pub source: String,
    pub source_name: String,
    pub amount: Money,
    pub share: Option<f64>,
}

impl FundingRow {
    pub fn share_text(&self) -> String {
        pct(self.share)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct YearRow {
    pub year: i32,
    pub sources: String,
    pub allocated: Money,
    pub disbursed: Money,
    pub disbursement_rate: Option<f64>,
}

impl YearRow {
    pub fn rate_text(&self) -> String {
        pct(self.disbursement_rate)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PaymentRow {
    /// "Tháng 10/2026" or "20/11/2026".
    pub when: String,
    pub day: Option<NaiveDate>,
    pub amount: Money,
    /// Paid since the start up to this payment.
    pub cumulative: Money,
    pub note: Option<String>,
    /// Counted as of today (a payment dated later is shown, not counted).
    pub counted: bool,
    /// "vanphong · 23/11/2026 09:15": who recorded it, from the audit (pages only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

impl PaymentRow {
    pub fn note_text(&self) -> &str {
        self.note.as_deref().unwrap_or("")
    }
}

fn payments(list: &[chiso_core::register::Disbursement], lang: Lang, today: NaiveDate) -> Vec<PaymentRow> {
    let mut sorted: Vec<_> = list.iter().collect();
    sorted.sort_by_key(|d| d.day());
    let mut cumulative = Money::ZERO;
    sorted
        .into_iter()
        .map(|d| {
            let counted = d.day().is_some_and(|x| x <= today);
            if counted {
                cumulative += d.amount;
            }
            let when = match (d.date, d.period) {
                (Some(x), _) => date(x),
                (None, Some(p)) => match lang {
                    Lang::Vi => p.label_vi(),
                    Lang::En => p.label_en(),
                },
                _ => String::new(),
            };
            PaymentRow {
                when,
                day: d.day(),
                amount: d.amount,
                cumulative,
                note: d.note.clone(),
                counted,
                recorded_by: None,
            }
        })
        .collect()
}

/// A project's page (also the JSON of `GET /api/projects/{code}`).
pub struct ProjectDetail {
    pub project: InvestmentProject,
    pub row: ProjectRow,
    pub pillar_name: String,
    pub funding: Vec<FundingRow>,
    pub years: Vec<YearRow>,
    pub payments: Vec<PaymentRow>,
    pub allocated: Money,
    pub disbursed: Money,
    pub disbursement_rate: Option<f64>,
}

impl ProjectDetail {
    pub fn rate_text(&self) -> String {
        pct(self.disbursement_rate)
    }
    pub fn objective(&self) -> &str {
        &self.project.objective
    }
    pub fn note(&self) -> &str {
        self.project.note.as_deref().unwrap_or("")
    }
}

/// A recurrent task's page.
pub struct RecurrentDetail {
    pub task: RecurrentTask,
    pub row: RecurrentRow,
    pub pillar_name: String,
    pub funding: Vec<FundingRow>,
    pub payments: Vec<PaymentRow>,
}

impl RecurrentDetail {
    pub fn note(&self) -> &str {
        self.task.note.as_deref().unwrap_or("")
    }
}

pub enum ItemDetail {
    Project(Box<ProjectDetail>),
    Recurrent(Box<RecurrentDetail>),
}

/// The project or recurrent task `code` of the full register, if `scope` reads its unit.
pub fn item_detail(
    model: &Model,
    lang: Lang,
    full: &Registers,
    scope: &Scope,
    code: &str,
    today: NaiveDate,
) -> Result<ItemDetail, AppError> {
    let tree = model.tree();
    let check = |unit: &Code| {
        let readable = tree.index(unit.as_str()).is_some_and(|ix| scope.can_read(tree, ix));
        if readable { Ok(()) } else { Err(AppError::forbidden()) }
    };
    let pillar_name = |p: &Option<Code>| {
        p.as_ref().map(|p| model.pillar_name(p.as_str()).unwrap_or(p.as_str()).to_string()).unwrap_or_default()
    };
    if let Some(p) = full.projects.iter().find(|p| p.code.as_str() == code) {
        check(&p.unit)?;
        let funding = p
            .funding
            .iter()
            .map(|f| FundingRow {
                source: source_key(&f.source),
                source_name: f.source.name_vi().to_string(),
                amount: f.amount,
                share: f.amount.percent_of(p.total_investment),
            })
            .collect();
        let mut ys: Vec<i32> = p.allocations.iter().map(|a| a.year).collect();
        ys.extend(p.disbursements.iter().filter_map(|d| d.day()).map(|d| d.year()));
        ys.sort_unstable();
        ys.dedup();
        let years = ys
            .into_iter()
            .map(|y| YearRow {
                year: y,
                sources: sources_text(&p.allocation_by_source(y)),
                allocated: p.allocated_in(y),
                disbursed: p.disbursed_in(y, today),
                disbursement_rate: p.disbursement_rate(y, today),
            })
            .collect();
        let allocated = p.allocated();
        let disbursed = p.disbursed_until(today);
        return Ok(ItemDetail::Project(Box::new(ProjectDetail {
            row: ProjectRow::new(model, lang, p, today.year(), today),
            pillar_name: pillar_name(&p.pillar),
            funding,
            years,
            payments: payments(&p.disbursements, lang, today),
            allocated,
            disbursed,
            disbursement_rate: disbursed.percent_of(allocated),
            project: p.clone(),
        })));
    }
    if let Some(t) = full.recurrent_tasks.iter().find(|t| t.code.as_str() == code) {
        check(&t.unit)?;
        let funding = t
            .by_source()
            .into_iter()
            .map(|(s, m)| FundingRow {
                source: source_key(&s),
                source_name: s.name_vi().to_string(),
                amount: m,
                share: m.percent_of(t.amount),
            })
            .collect();
        return Ok(ItemDetail::Recurrent(Box::new(RecurrentDetail {
            row: RecurrentRow::new(model, t, today),
            pillar_name: pillar_name(&t.pillar),
            funding,
            payments: payments(&t.disbursements, lang, today),
            task: t.clone(),
        })));
    }
    Err(AppError::not_found(format!("dự án hoặc nhiệm vụ chi thường xuyên {code}")))
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    chrome: Chrome,
    project: Option<Box<ProjectDetail>>,
    recurrent: Option<Box<RecurrentDetail>>,
    payments: Vec<PaymentRow>,
    today: String,
    /// The office's edit and delete links; the disbursement form (`pages::budget_edit`).
    can_manage: bool,
    can_disburse: bool,
    saved: Option<String>,
}

/// `saved=...` after an edit of the project page's item.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

async fn project_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<SavedQuery>,
) -> PageResult<Html<String>> {
    let full = state.store.load_registers().await?;
    let model = state.model();
    let d = item_detail(&model, user.lang, &full, user.scope(), &code, state.today())?;
    let (title, mut payments, unit, kind) = match &d {
        ItemDetail::Project(p) => (p.project.name.clone(), p.payments.clone(), p.project.unit.clone(), "project"),
        ItemDetail::Recurrent(r) => (r.task.name.clone(), r.payments.clone(), r.task.unit.clone(), "recurrent_task"),
    };
    let (project, recurrent) = match d {
        ItemDetail::Project(p) => (Some(p), None),
        ItemDetail::Recurrent(r) => (None, Some(r)),
    };
    super::budget_edit::annotate_payments(&state, kind, &code, &mut payments).await?;
    let can_disburse = model.tree().index(unit.as_str()).is_some_and(|ix| user.scope().can_write(model.tree(), ix));
    let chrome = Chrome::new(&state, &user, title, "/projects");
    let page = ProjectPage {
        chrome,
        project,
        recurrent,
        payments,
        today: date(state.today()),
        can_manage: user.can_manage(),
        can_disburse,
        saved: given(&q.saved).map(String::from),
    };
    Ok(Html(page.render()?))
}

// ------------------------------------------------------------------ tasks

/// The filters of `/tasks` and `GET /api/tasks` (empty = all).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TasksQuery {
    /// A standing (completed_on_time, completed_late, overdue, at_risk,
    /// on_track, not_reported) or `completed` (either completed one).
    pub status: Option<String>,
    /// A unit or group named lead or co-operating (directly or through a group).
    pub unit: Option<String>,
    /// `saved=NV02` after a progress report (pages only).
    pub saved: Option<String>,
    /// `deleted=NV02` after the office deleted a task (pages only).
    pub deleted: Option<String>,
}

pub fn standing_key(s: Standing) -> &'static str {
    match s {
        Standing::CompletedOnTime => "completed_on_time",
        Standing::CompletedLate => "completed_late",
        Standing::Overdue => "overdue",
        Standing::AtRisk => "at_risk",
        Standing::OnTrack => "on_track",
        Standing::NotReported => "not_reported",
    }
}

fn standing_label(lang: Lang, s: Standing) -> String {
    match lang {
        Lang::Vi => s.label_vi().to_string(),
        Lang::En => match s {
            Standing::CompletedOnTime => "Completed on time",
            Standing::CompletedLate => "Completed late",
            Standing::Overdue => "Overdue",
            Standing::AtRisk => "At risk of not completing",
            Standing::OnTrack => "On track",
            Standing::NotReported => "Not reported",
        }
        .into(),
    }
}

/// The badge class of `app.css` for a standing.
fn standing_badge(s: Standing) -> &'static str {
    match s {
        Standing::CompletedOnTime => "on_time",
        Standing::CompletedLate => "late",
        Standing::Overdue => "overdue",
        Standing::AtRisk => "risk",
        Standing::OnTrack => "dang_thuc_hien",
        Standing::NotReported => "missing",
    }
}

fn state_key(s: TaskState) -> &'static str {
    match s {
        TaskState::NotStarted => "not_started",
        TaskState::InProgress => "in_progress",
        TaskState::Completed => "completed",
        TaskState::AtRisk => "at_risk",
    }
}

fn state_label(lang: Lang, s: TaskState) -> String {
    match lang {
        Lang::Vi => s.label_vi().to_string(),
        Lang::En => match s {
            TaskState::NotStarted => "Not started",
            TaskState::InProgress => "In progress",
            TaskState::Completed => "Completed",
            TaskState::AtRisk => "At risk of delay",
        }
        .into(),
    }
}

const TASK_STATES: [TaskState; 4] =
    [TaskState::NotStarted, TaskState::InProgress, TaskState::Completed, TaskState::AtRisk];

pub fn parse_state(s: &str) -> Result<TaskState, AppError> {
    TASK_STATES
        .iter()
        .copied()
        .find(|x| state_key(*x) == s)
        .ok_or_else(|| AppError::BadRequest(format!("trạng thái \"{s}\" không hợp lệ")))
}

/// The counts sentence in the page's language.
pub fn counts_sentence(lang: Lang, c: &TaskCounts) -> String {
    match lang {
        Lang::Vi => c.sentence(),
        Lang::En => format!(
            "{} tasks assigned: {} completed ({} on time), {} overdue, {} at risk of not completing this year, {} on track, {} not reported.",
            c.assigned, c.completed, c.completed_on_time, c.overdue, c.at_risk, c.on_track, c.not_reported
        ),
    }
}

/// A task as the list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct TaskRow {
    pub code: String,
    pub name: String,
    pub pillar: Option<String>,
    pub pillar_name: String,
    pub lead: Vec<String>,
    pub lead_names: String,
    pub cooperating: Vec<String>,
    pub cooperating_names: String,
    pub due: String,
    pub deadline: NaiveDate,
    pub standing: &'static str,
    pub standing_label: String,
    #[serde(skip)]
    pub badge: &'static str,
    pub percent: Option<f64>,
    pub state: Option<&'static str>,
    pub state_label: Option<String>,
    pub latest_date: Option<NaiveDate>,
    pub latest_by: Option<String>,
    pub latest_by_name: Option<String>,
    pub latest_comment: Option<String>,
    pub completed_on: Option<NaiveDate>,
    /// The pace ratio R when the pace rule was applied.
    pub pace: Option<f64>,
    /// The units the viewer may report this task's progress for (empty: none).
    #[serde(skip)]
    pub report_as: Vec<Choice>,
}

impl TaskRow {
    fn new(model: &Model, lang: Lang, scope: &Scope, s: &TaskStatus<'_>) -> TaskRow {
        let t = s.task;
        let tree = model.tree();
        let report_as = reporting_units(model, scope, t)
            .into_iter()
            .map(|ix| {
                let u = tree.unit(ix);
                Choice { code: u.code.to_string(), name: u.display_name().to_string(), selected: false }
            })
            .collect();
        TaskRow {
            code: t.code.to_string(),
            name: t.name.clone(),
            pillar: t.pillar.as_ref().map(ToString::to_string),
            pillar_name: t
                .pillar
                .as_ref()
                .map(|p| model.pillar_name(p.as_str()).unwrap_or(p.as_str()).to_string())
                .unwrap_or_default(),
            lead: t.lead.iter().map(ToString::to_string).collect(),
            lead_names: names(model, &t.lead),
            cooperating: t.cooperating.iter().map(ToString::to_string).collect(),
            cooperating_names: names(model, &t.cooperating),
            due: t.due.phrase().to_string(),
            deadline: s.deadline,
            standing: standing_key(s.standing),
            standing_label: standing_label(lang, s.standing),
            badge: standing_badge(s.standing),
            percent: s.percent,
            state: s.state.map(state_key),
            state_label: s.state.map(|x| state_label(lang, x)),
            latest_date: s.latest.map(|r| r.date),
            latest_by: s.latest.map(|r| r.by.to_string()),
            latest_by_name: s.latest.map(|r| unit_name(model, &r.by)),
            latest_comment: s.latest.and_then(|r| r.comment.clone()),
            completed_on: s.completed_on,
            pace: s.pace.as_ref().and_then(|m| m.ratio),
            report_as,
        }
    }
    pub fn deadline_text(&self) -> String {
        date(self.deadline)
    }
    pub fn percent_text(&self) -> String {
        self.percent.map(|p| format!("{}%", format_auto(p, 1))).unwrap_or_default()
    }
    pub fn completed_text(&self) -> String {
        self.completed_on.map(date).unwrap_or_default()
    }
    pub fn latest_text(&self) -> String {
        self.latest_date.map(date).unwrap_or_default()
    }
    pub fn can_report(&self) -> bool {
        !self.report_as.is_empty()
    }
}

/// Everything `/tasks` shows (also the JSON of the API).
pub struct TasksView {
    pub as_of: NaiveDate,
    pub counts: TaskCounts,
    pub sentence: String,
    /// Overdue first, then at risk (each earliest deadline first), then not
    /// reported, on track, completed (register order).
    pub rows: Vec<TaskRow>,
    pub statuses: Vec<Choice>,
    pub units: Vec<Choice>,
    pub filtered: bool,
    pub saved: Option<String>,
    pub states: Vec<Choice>,
}

const STANDINGS: [Standing; 6] = [
    Standing::Overdue,
    Standing::AtRisk,
    Standing::NotReported,
    Standing::OnTrack,
    Standing::CompletedOnTime,
    Standing::CompletedLate,
];

fn involves(model: &Model, t: &chiso_core::register::Task, party: &str) -> bool {
    let ix = model.tree().index(party);
    t.lead.iter().chain(&t.cooperating).any(|c| {
        c.as_str() == party || ix.is_some_and(|ix| model.group_members(c.as_str()).is_some_and(|m| m.contains(&ix)))
    })
}

pub fn tasks_view(
    model: &Model,
    lang: Lang,
    scope: &Scope,
    reg: &Registers,
    q: &TasksQuery,
    as_of: NaiveDate,
) -> Result<TasksView, AppError> {
    let (status, unit) = (given(&q.status), given(&q.unit));
    if let Some(s) = status
        && s != "completed"
        && !STANDINGS.iter().any(|x| standing_key(*x) == s)
    {
        return Err(AppError::BadRequest(format!("tình trạng \"{s}\" không hợp lệ")));
    }
    if let Some(u) = unit
        && model.tree().index(u).is_none()
        && model.group(u).is_none()
    {
        return Err(AppError::not_found(format!("đơn vị hoặc nhóm {u}")));
    }
    let all = task::statuses(reg, as_of);
    let st: Vec<TaskStatus<'_>> = all.into_iter().filter(|s| unit.is_none_or(|u| involves(model, s.task, u))).collect();
    let counts = task::counts(&st);
    let mut ordered: Vec<&TaskStatus<'_>> = task::overdue(&st);
    ordered.extend(task::at_risk(&st));
    for standing in &STANDINGS[2..] {
        ordered.extend(st.iter().filter(|s| s.standing == *standing));
    }
    let rows = ordered
        .into_iter()
        .filter(|s| match status {
            None => true,
            Some("completed") => s.standing.is_completed(),
            Some(k) => standing_key(s.standing) == k,
        })
        .map(|s| TaskRow::new(model, lang, scope, s))
        .collect();
    let mut statuses: Vec<Choice> = STANDINGS
        .iter()
        .map(|s| Choice {
            code: standing_key(*s).into(),
            name: standing_label(lang, *s),
            selected: status == Some(standing_key(*s)),
        })
        .collect();
    statuses.push(Choice {
        code: "completed".into(),
        name: lang.pick("Đã hoàn thành", "Completed").into(),
        selected: status == Some("completed"),
    });
    let mut parties: Vec<&Code> = reg.tasks.iter().flat_map(|t| t.lead.iter().chain(&t.cooperating)).collect();
    parties.sort();
    parties.dedup();
    let mut units: Vec<Choice> = parties
        .into_iter()
        .map(|c| Choice { code: c.to_string(), name: model.party_name(c.as_str()), selected: unit == Some(c.as_str()) })
        .collect();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let states = TASK_STATES
        .iter()
        .map(|s| Choice { code: state_key(*s).into(), name: state_label(lang, *s), selected: false })
        .collect();
    Ok(TasksView {
        as_of,
        sentence: counts_sentence(lang, &counts),
        counts,
        rows,
        statuses,
        units,
        filtered: status.is_some() || unit.is_some(),
        saved: given(&q.saved).map(String::from),
        states,
    })
}

impl TasksView {
    pub fn as_of_text(&self) -> String {
        date(self.as_of)
    }
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    chrome: Chrome,
    v: TasksView,
    /// The office's new, edit and delete links (`pages::budget_edit`).
    can_manage: bool,
    deleted: Option<String>,
}

async fn tasks_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> PageResult<Html<String>> {
    let reg = visible(&state, &user).await?;
    let model = state.model();
    let v = tasks_view(&model, user.lang, user.scope(), &reg, &q, state.today())?;
    let chrome = Chrome::new(&state, &user, user.lang.pick("Nhiệm vụ", "Tasks"), "/tasks");
    let deleted = given(&q.deleted).map(String::from);
    Ok(Html(TasksPage { chrome, v, can_manage: user.can_manage(), deleted }.render()?))
}

// ------------------------------------------------------------------ progress reports

/// A progress report as a lead unit sends it.
#[derive(Clone, Debug, Default)]
pub struct ProgressInput {
    pub percent: Option<f64>,
    pub state: Option<TaskState>,
    pub comment: Option<String>,
    /// The lead unit reporting (default: the reporter's own unit, or the
    /// first lead unit the account writes for).
    pub by: Option<String>,
}

/// Checks and stores a progress report dated today; answers the report and
/// the registers with it (unscoped).
pub async fn add_progress(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    input: ProgressInput,
) -> Result<(ProgressReport, Registers), AppError> {
    let model = state.model();
    let tree = model.tree();
    if input.percent.is_none() && input.state.is_none() {
        return Err(AppError::BadRequest("Cần ghi tỷ lệ hoàn thành (%) hoặc trạng thái.".into()));
    }
    if let Some(p) = input.percent
        && !(p.is_finite() && (0.0..=100.0).contains(&p))
    {
        return Err(AppError::BadRequest(format!("Tỷ lệ hoàn thành {} phải từ 0 đến 100.", format_auto(p, 2))));
    }
    let comment = input.comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
        return Err(AppError::BadRequest("Ghi chú dài quá 2.000 ký tự.".into()));
    }
    // The store keeps one report per task, day and unit: a second one the same day replaces the first.
    let mut report = None;
    let reg = register_edit::apply(state, user, |reg| {
        let t = reg
            .tasks
            .iter()
            .find(|t| t.code.as_str() == code)
            .ok_or_else(|| AppError::not_found(format!("nhiệm vụ {code}")))?;
        let units = reporting_units(&model, user.scope(), t);
        if units.is_empty() {
            return Err(AppError::Forbidden(
                "Chỉ đơn vị chủ trì nhiệm vụ (hoặc Văn phòng) được báo cáo tiến độ nhiệm vụ này.".into(),
            ));
        }
        let by = match input.by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => units[0],
            Some(b) => tree.index(b).filter(|ix| units.contains(ix)).ok_or_else(|| {
                AppError::Forbidden(format!("Đơn vị {b} không phải đơn vị chủ trì mà tài khoản được báo cáo thay."))
            })?,
        };
        let r = ProgressReport {
            task: t.code.clone(),
            date: state.today(),
            by: tree.unit(by).code.clone(),
            percent: input.percent,
            state: input.state,
            comment,
        };
        let at = match reg.progress_reports.iter().position(|x| x.task == r.task && x.date == r.date && x.by == r.by) {
            Some(i) => {
                reg.progress_reports[i] = r.clone();
                i
            }
            None => {
                reg.progress_reports.push(r.clone());
                reg.progress_reports.len() - 1
            }
        };
        report = Some(r.clone());
        let one = Registers { progress_reports: vec![r], ..Registers::default() };
        Ok(register_edit::Change::save(one, vec![format!("progress_reports[{at}]")]))
    })
    .await?;
    let report = report.expect("set by the edit");
    Ok((report, reg))
}

/// The progress form as the browser sends it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProgressForm {
    pub percent: Option<String>,
    pub state: Option<String>,
    pub comment: Option<String>,
    pub by: Option<String>,
}

impl ProgressForm {
    fn input(self) -> Result<ProgressInput, AppError> {
        let percent = match given(&self.percent) {
            None => None,
            Some(p) => Some(
                parse_number(p.trim_end_matches('%').trim())
                    .map_err(|_| AppError::BadRequest(format!("Tỷ lệ hoàn thành \"{p}\" không phải là số.")))?,
            ),
        };
        let state = given(&self.state).map(parse_state).transpose()?;
        Ok(ProgressInput { percent, state, comment: self.comment, by: self.by })
    }
}

async fn progress_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(f): Form<ProgressForm>,
) -> PageResult<Response> {
    let input = f.input()?;
    let (report, _) = add_progress(&state, &user, &code, input).await?;
    let to = format!("/tasks?saved={}#task-{}", crate::auth::urlencode(report.task.as_str()), report.task);
    Ok(Redirect::to(&to).into_response())
}
