//! Plan targets: the board of a plan's targets (`/targets`) and one target's
//! page with its history (`/targets/{plan}/{target}`).
//!
//! Verdicts and progress come from `chiso_analytics::targets::evaluate_plan`
//! on the resident engine, exactly as `chiso targets` computes them; the
//! monthly history and the contributing units are `AnalyticsEngine` values.

use crate::auth::CurrentUser;
use crate::charts::{self, Bar, LineChart, Series};
use crate::error::{AppError, PageResult};
use crate::pages::{Chrome, date};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use chiso_analytics::AnalyticsEngine;
use chiso_analytics::grid::format_value;
use chiso_analytics::query::DxItem;
use chiso_analytics::targets::evaluate_plan;
use chiso_core::evaluation::TargetEvaluation;
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::period::{Period, PeriodType};
use chiso_core::plan::{Measure, Plan, Target};
use chiso_core::verdict::Verdict;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/targets", get(board_page)).route("/targets/{plan}/{target}", get(target_page))
}

/// The verdict's key in URLs, CSS classes and `data-verdict`.
pub fn verdict_key(v: Verdict) -> &'static str {
    match v {
        Verdict::Exceeded => "vuot",
        Verdict::Met => "dat",
        Verdict::NotMet => "chua_dat",
        Verdict::InProgress => "dang_thuc_hien",
    }
}

/// The board's filters, as the form sends them (empty = all).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct BoardQuery {
    pub plan: Option<String>,
    pub pillar: Option<String>,
    pub unit: Option<String>,
    pub verdict: Option<String>,
}

fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// One target as the board shows it.
#[derive(Clone, Debug, Serialize)]
pub struct TargetRow {
    pub code: String,
    pub pillar: String,
    pub pillar_name: String,
    pub name: String,
    pub threshold: String,
    /// The result as judged ("96,37%", "Hoàn thành"), "—" when none.
    pub result: String,
    pub verdict: &'static str,
    pub verdict_text: String,
    pub progress_text: String,
    pub at_risk: bool,
    pub lead: Vec<String>,
    pub lead_names: String,
    pub cooperating: Vec<String>,
    pub cooperating_names: String,
    pub evaluation: String,
    pub deadline: NaiveDate,
    pub as_of: Option<NaiveDate>,
    pub note: Option<String>,
}

impl TargetRow {
    fn new(model: &Model, lang: Lang, e: &TargetEvaluation) -> TargetRow {
        let t = &e.target;
        let names =
            |cs: &[chiso_core::Code]| cs.iter().map(|c| model.party_name(c.as_str())).collect::<Vec<_>>().join("; ");
        TargetRow {
            code: t.code.to_string(),
            pillar: t.pillar.to_string(),
            pillar_name: model.pillar_name(t.pillar.as_str()).unwrap_or(t.pillar.as_str()).to_string(),
            name: t.name.clone(),
            threshold: t.threshold.to_string(),
            result: e.result_text.clone().unwrap_or_else(|| "—".into()),
            verdict: verdict_key(e.verdict),
            verdict_text: e.verdict_text(lang),
            progress_text: e.progress_text(lang),
            at_risk: e.at_risk,
            lead: t.lead.iter().map(|c| c.to_string()).collect(),
            lead_names: names(&t.lead),
            cooperating: t.cooperating.iter().map(|c| c.to_string()).collect(),
            cooperating_names: names(&t.cooperating),
            evaluation: t.evaluation.phrase().to_string(),
            deadline: e.deadline,
            as_of: e.as_of,
            note: e.note.clone().or_else(|| t.note.clone()),
        }
    }
    pub fn deadline_text(&self) -> String {
        date(self.deadline)
    }
    pub fn as_of_text(&self) -> String {
        self.as_of.map(date).unwrap_or_default()
    }
}

/// Counts per verdict, as in the CLI's summary line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub total: usize,
    pub vuot: usize,
    pub dat: usize,
    pub chua_dat: usize,
    pub dang_thuc_hien: usize,
    pub at_risk: usize,
}

impl Summary {
    pub fn of(evals: &[TargetEvaluation]) -> Summary {
        let count = |v: Verdict| evals.iter().filter(|e| e.verdict == v).count();
        Summary {
            total: evals.len(),
            vuot: count(Verdict::Exceeded),
            dat: count(Verdict::Met),
            chua_dat: count(Verdict::NotMet),
            dang_thuc_hien: count(Verdict::InProgress),
            at_risk: evals.iter().filter(|e| e.at_risk).count(),
        }
    }
    /// "37 chỉ tiêu — Vượt: 5, Đạt: 6, ..." (the CLI's line) or its English.
    pub fn line(&self, lang: Lang, evals: &[TargetEvaluation]) -> String {
        match lang {
            Lang::Vi => chiso_analytics::targets::summary_vi(evals),
            Lang::En => format!(
                "{} targets — Exceeded: {}, Met: {}, Not met: {}, In progress: {} ({} at risk of not being met)",
                self.total, self.vuot, self.dat, self.chua_dat, self.dang_thuc_hien, self.at_risk
            ),
        }
    }
}

/// A choice of a select box.
#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

pub struct PillarGroup {
    pub code: String,
    pub name: String,
    pub rows: Vec<TargetRow>,
}

/// Everything the board shows (also the JSON of `GET /api/targets`).
pub struct Board {
    pub plan: Plan,
    pub evals: Vec<TargetEvaluation>,
    pub summary: Summary,
    pub summary_line: String,
    /// The rows passing the filters, in plan order.
    pub rows: Vec<TargetRow>,
    pub plans: Vec<Choice>,
    pub pillars: Vec<Choice>,
    pub units: Vec<Choice>,
    pub verdicts: Vec<Choice>,
    pub today: NaiveDate,
}

/// The plan asked for, or the latest one.
pub fn find_plan(model: &Model, code: Option<&str>) -> Result<Plan, AppError> {
    match code {
        Some(c) => model.plan(c).cloned().ok_or_else(|| AppError::not_found(format!("kế hoạch {c}"))),
        None => model.latest_plan().cloned().ok_or_else(|| AppError::not_found("kế hoạch nào")),
    }
}

/// Whether a target names `party` as lead or co-operating, directly or through a group.
fn involves(model: &Model, t: &Target, party: &str) -> bool {
    let ix = model.tree().index(party);
    t.lead.iter().chain(&t.cooperating).any(|c| {
        c.as_str() == party || ix.is_some_and(|ix| model.group_members(c.as_str()).is_some_and(|m| m.contains(&ix)))
    })
}

fn matches_verdict(e: &TargetEvaluation, key: &str) -> bool {
    if key == "risk" { e.at_risk } else { verdict_key(e.verdict) == key }
}

pub fn board(state: &AppState, lang: Lang, q: &BoardQuery) -> Result<Board, AppError> {
    let snap = state.snapshot();
    let model = &snap.model;
    let plan = find_plan(model, given(&q.plan))?;
    let today = state.today();
    let evals = evaluate_plan(&snap.engine, &plan, today);
    let summary = Summary::of(&evals);
    let summary_line = summary.line(lang, &evals);
    let (pillar, unit, verdict) = (given(&q.pillar), given(&q.unit), given(&q.verdict));
    if let Some(v) = verdict
        && !["vuot", "dat", "chua_dat", "dang_thuc_hien", "risk"].contains(&v)
    {
        return Err(AppError::BadRequest(format!("đánh giá \"{v}\" không hợp lệ")));
    }
    let rows = evals
        .iter()
        .filter(|e| pillar.is_none_or(|p| e.target.pillar.as_str() == p))
        .filter(|e| unit.is_none_or(|u| involves(model, &e.target, u)))
        .filter(|e| verdict.is_none_or(|v| matches_verdict(e, v)))
        .map(|e| TargetRow::new(model, lang, e))
        .collect();
    let mut plans: Vec<Choice> = model
        .metadata()
        .plans
        .iter()
        .map(|p| Choice { code: p.code.to_string(), name: p.title.clone(), selected: p.code == plan.code })
        .collect();
    plans.sort_by(|a, b| b.code.cmp(&a.code));
    let mut pillars: Vec<Choice> = Vec::new();
    let mut units: Vec<Choice> = Vec::new();
    for t in &plan.targets {
        if !pillars.iter().any(|c| c.code == t.pillar.as_str()) {
            pillars.push(Choice {
                code: t.pillar.to_string(),
                name: model.pillar_name(t.pillar.as_str()).unwrap_or(t.pillar.as_str()).to_string(),
                selected: pillar == Some(t.pillar.as_str()),
            });
        }
        for c in t.lead.iter().chain(&t.cooperating) {
            if !units.iter().any(|u| u.code == c.as_str()) {
                units.push(Choice {
                    code: c.to_string(),
                    name: model.party_name(c.as_str()),
                    selected: unit == Some(c.as_str()),
                });
            }
        }
    }
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let verdicts = [
        ("vuot", "Vượt", "Exceeded"),
        ("dat", "Đạt", "Met"),
        ("chua_dat", "Chưa đạt", "Not met"),
        ("dang_thuc_hien", "Đang thực hiện", "In progress"),
        ("risk", "Có nguy cơ không đạt", "At risk"),
    ]
    .iter()
    .map(|&(k, vi, en)| Choice { code: k.into(), name: lang.pick(vi, en).into(), selected: verdict == Some(k) })
    .collect();
    Ok(Board { plan, evals, summary, summary_line, rows, plans, pillars, units, verdicts, today })
}

impl Board {
    pub fn groups(&self) -> Vec<PillarGroup> {
        let mut out: Vec<PillarGroup> = Vec::new();
        for r in &self.rows {
            match out.iter_mut().find(|g| g.code == r.pillar) {
                Some(g) => g.rows.push(r.clone()),
                None => {
                    out.push(PillarGroup { code: r.pillar.clone(), name: r.pillar_name.clone(), rows: vec![r.clone()] })
                }
            }
        }
        out
    }
    pub fn filtered(&self) -> bool {
        self.pillars.iter().chain(&self.units).chain(&self.verdicts).any(|c| c.selected)
    }
    pub fn today_text(&self) -> String {
        date(self.today)
    }
}

#[derive(Template)]
#[template(path = "targets.html")]
struct BoardPage {
    chrome: Chrome,
    b: Board,
}

async fn board_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<BoardQuery>,
) -> PageResult<Html<String>> {
    user.require_province_reader()?;
    let b = board(&state, user.lang, &q)?;
    let chrome = Chrome::new(&state, &user, user.lang.pick("Chỉ tiêu kế hoạch", "Plan targets"), "/targets");
    Ok(Html(BoardPage { chrome, b }.render()?))
}

/// One month of a target's history.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryRow {
    pub month: u32,
    pub label: String,
    /// The month's own value.
    pub value: Option<f64>,
    pub value_text: String,
    /// The year so far up to the month's end: the figure the target is judged on.
    pub to_date: Option<f64>,
    pub to_date_text: String,
    /// The same for the previous year's plan's target with the same measure.
    pub previous_to_date: Option<f64>,
    pub previous_to_date_text: String,
    /// The month the verdict or progress stands at.
    pub judged: bool,
}

/// A unit's share of a target's measure.
#[derive(Clone, Debug, Serialize)]
pub struct Contributor {
    pub code: String,
    pub name: String,
    pub value: f64,
    pub value_text: String,
}

/// A target's page (also the JSON of `GET /api/targets/{plan}/{target}`).
pub struct Detail {
    pub plan: Plan,
    pub row: TargetRow,
    pub eval: TargetEvaluation,
    /// "Chỉ số: Tỷ lệ hồ sơ ... (TL_DUNG_HAN)"; empty for manual targets.
    pub measure: String,
    pub measure_unit: String,
    pub previous: Option<(Plan, Target)>,
    pub history: Vec<HistoryRow>,
    pub chart: String,
    pub contributors: Vec<Contributor>,
    pub contributors_chart: String,
    pub manual_results: Vec<(String, String, String)>,
}

impl Detail {
    pub fn previous_label(&self) -> String {
        self.previous.as_ref().map(|(p, t)| format!("{} — {} ({})", p.title, t.code, t.name)).unwrap_or_default()
    }
    pub fn previous_year(&self) -> String {
        self.previous.as_ref().map(|(p, _)| p.year.to_string()).unwrap_or_default()
    }
}

fn measure_dx(m: &Measure) -> Option<DxItem> {
    match m {
        Measure::Indicator(c) => Some(DxItem::Indicator(c.clone())),
        Measure::Element(c) => Some(DxItem::Element { code: c.clone(), option: None }),
        Measure::Manual => None,
    }
}

/// The year's months up to `cut`: (month, its value, the year so far).
fn year_series(
    engine: &dyn AnalyticsEngine,
    dx: &DxItem,
    unit: u32,
    year: i32,
    cut: NaiveDate,
) -> Vec<(Period, Option<f64>, Option<f64>)> {
    let Ok(y) = Period::year(year) else { return Vec::new() };
    y.periods_within(PeriodType::Monthly)
        .into_iter()
        .filter(|m| m.start() <= cut)
        .map(|m| {
            let v = engine.value(dx, unit, &m);
            let to_date = v.and_then(|_| engine.value_between(dx, unit, y.start(), m.end().min(cut)));
            (m, v, to_date)
        })
        .collect()
}

pub fn detail(state: &AppState, lang: Lang, plan: &str, target: &str) -> Result<Detail, AppError> {
    let snap = state.snapshot();
    let model = &snap.model;
    let engine = &snap.engine;
    let plan = find_plan(model, Some(plan))?;
    let t = plan
        .targets
        .iter()
        .find(|t| t.code.as_str() == target)
        .cloned()
        .ok_or_else(|| AppError::not_found(format!("chỉ tiêu {target} của kế hoạch {}", plan.code)))?;
    let today = state.today();
    let eval = chiso_analytics::targets::evaluate(engine, &plan, &t, today);
    let row = TargetRow::new(model, lang, &eval);
    let tree = model.tree();
    let unit = match &t.measure_unit {
        Some(u) => tree.index(u.as_str()),
        None => tree.roots().first().copied(),
    };
    let previous = model.metadata().plans.iter().filter(|p| p.year == plan.year - 1).find_map(|p| {
        p.targets
            .iter()
            .find(|pt| pt.measure != Measure::Manual && pt.measure == t.measure && pt.measure_unit == t.measure_unit)
            .map(|pt| (p.clone(), pt.clone()))
    });
    let mut history = Vec::new();
    let mut chart = String::new();
    let mut contributors = Vec::new();
    let mut contributors_chart = String::new();
    let mut measure = String::new();
    let mut measure_unit = String::new();
    let percent = matches!(t.threshold.threshold().unit(), Some(chiso_core::threshold::Unit::Percent));
    let suffix = if percent { "%" } else { "" };
    if let (Some(dx), Some(unit)) = (measure_dx(&t.measure), unit) {
        let kind = match dx {
            DxItem::Indicator(_) => lang.pick("Chỉ số", "Indicator"),
            DxItem::Element { .. } => lang.pick("Chỉ tiêu dữ liệu", "Data element"),
        };
        measure = format!("{kind}: {} ({})", dx.name(model), dx.id());
        measure_unit = tree.unit(unit).name.clone();
        // The whole year so far (also after an early evaluation time): the
        // figure at the evaluation time is the one judged.
        let cut = t.evaluation.deadline(plan.year).min(today);
        let this = year_series(engine, &dx, unit, plan.year, today);
        let last = previous.as_ref().map(|(p, _)| year_series(engine, &dx, unit, p.year, today)).unwrap_or_default();
        let fmt = |v: Option<f64>| v.map(|v| format_value(model, &dx, v)).unwrap_or_else(|| "—".into());
        let months = this.len().max(last.len());
        for i in 0..months {
            let (value, to_date) = this.get(i).map(|&(_, v, d)| (v, d)).unwrap_or((None, None));
            let previous_to_date = last.get(i).and_then(|&(_, _, d)| d);
            let m = i as u32 + 1;
            history.push(HistoryRow {
                month: m,
                label: match lang {
                    Lang::Vi => format!("Tháng {m}"),
                    Lang::En => format!("Month {m}"),
                },
                value,
                value_text: fmt(value),
                to_date,
                to_date_text: fmt(to_date),
                previous_to_date,
                previous_to_date_text: fmt(previous_to_date),
                judged: this.get(i).zip(eval.as_of).is_some_and(|(&(p, _, _), d)| p.contains_date(d)),
            });
        }
        let mut series = vec![Series {
            name: format!("{} {}", lang.pick("Năm", "Year"), plan.year),
            values: history.iter().map(|h| h.to_date).collect(),
            muted: false,
        }];
        if let Some((p, _)) = &previous {
            series.push(Series {
                name: format!("{} {}", lang.pick("Năm", "Year"), p.year),
                values: history.iter().map(|h| h.previous_to_date).collect(),
                muted: true,
            });
        }
        let reference = t
            .threshold
            .threshold()
            .value()
            .map(|v| (v, format!("{}: {}", lang.pick("Ngưỡng", "Threshold"), t.threshold)));
        let decimals = match &dx {
            DxItem::Indicator(c) => model.indicator(c.as_str()).map_or(2, |i| usize::from(i.decimals)),
            DxItem::Element { .. } => 2,
        };
        chart = charts::line_chart(&LineChart {
            title: format!("{} — {}", t.code, lang.pick("lũy kế từ đầu năm theo tháng", "year to date by month")),
            labels: (1..=months).map(|m| format!("T{m}")).collect(),
            series,
            reference,
            decimals,
            compact: false,
            suffix: suffix.into(),
        });
        // Each part of the measured unit over the same span.
        if let Ok(y) = Period::year(plan.year) {
            let as_of = eval.as_of.unwrap_or(cut);
            for &c in tree.children(unit) {
                if let Some(v) = engine.value_between(&dx, c, y.start(), as_of) {
                    let u = tree.unit(c);
                    contributors.push(Contributor {
                        code: u.code.to_string(),
                        name: u.display_name().to_string(),
                        value: v,
                        value_text: format_value(model, &dx, v),
                    });
                }
            }
            contributors.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.name.cmp(&b.name)));
            let bars: Vec<Bar> =
                contributors.iter().map(|c| Bar { label: c.name.clone(), value: c.value, highlight: false }).collect();
            contributors_chart = charts::bar_chart(
                &format!("{} — {}", t.code, lang.pick("theo đơn vị", "by unit")),
                &bars,
                decimals,
                suffix,
            );
        }
    }
    let manual_results =
        t.results.iter().map(|r| (date(r.date), r.outcome.clone(), r.note.clone().unwrap_or_default())).collect();
    Ok(Detail {
        plan,
        row,
        eval,
        measure,
        measure_unit,
        previous,
        history,
        chart,
        contributors,
        contributors_chart,
        manual_results,
    })
}

#[derive(Template)]
#[template(path = "target.html")]
struct TargetPage {
    chrome: Chrome,
    d: Detail,
    year: i32,
}

async fn target_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((plan, target)): Path<(String, String)>,
) -> PageResult<Html<String>> {
    user.require_province_reader()?;
    let d = detail(&state, user.lang, &plan, &target)?;
    let chrome = Chrome::new(&state, &user, format!("{} — {}", d.row.code, d.plan.title), "/targets");
    let year = d.plan.year;
    Ok(Html(TargetPage { chrome, d, year }.render()?))
}
