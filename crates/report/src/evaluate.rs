//! Evaluating a template into a `Document`, for a period and a unit.
//!
//! Pure: everything is passed in [`ReportInput`] (the engine, the period,
//! the unit, "today", the submissions and narratives); no I/O, no clock.
//! Every figure comes from `AnalyticsEngine::value`/`value_between`,
//! completeness from `chiso_core::completeness`, targets from
//! `chiso_analytics::targets::evaluate_plan` — the same paths as the CLI.
//!
//! # In text templates (minijinja)
//!
//! | name | gives |
//! | --- | --- |
//! | `value("HS_TIEP_NHAN")` | the figure for the report's period and unit (none when there is no data) |
//! | `value("TL_DUNG_HAN", pe="LAST_MONTH", ou="H_AN_PHU")` | another period (fixed `202609`, relative to the report's period, or `YEAR_TO_DATE`) or unit |
//! | `change("DX", "previous"\|"last_year", "tài khoản", pe=, ou=)` | "tăng 90 tài khoản so với tuần trước", "giảm 1,2 điểm phần trăm so với cùng kỳ năm trước", "bằng tháng trước"; the unit word defaults to the element's unit of measure, rates change in percentage points |
//! | `name_of("CODE")` | the name of an element, indicator or unit |
//! | `period_label()`, `period_label("long")`, `period_label("until")`, `period_label("title", pe="LAST_MONTH")` | "tháng 10/2026", "tháng 10 năm 2026" / "tuần từ 14/11 đến 20/11/2026", "đến tháng 10/2026", "Tháng 10/2026" |
//! | `period` | `{id, label, long, title, kind, year, start, end, previous: {...}, next: {...}}` |
//! | `province`, `province_short`, `unit_name`, `unit_code` | "Tỉnh Hòa Lâm", "Hòa Lâm", the report's unit |
//! | `reports` | completeness of the template's form for the period in the unit's subtree: `expected, due, reported, on_time, late, missing, not_yet_due, reporting_rate, on_time_rate, due_date, form_name` |
//! | `targets` | the plan of the report's year: `plan, total, exceeded, met, not_met, in_progress, at_risk, achieved (exceeded + met), summary` |
//! | `budget()`, `budget(2027)`, `budget("NEXT_YEAR")` | the year's money from the registers, in millions: `year, public_investment, recurrent, total, state_budget, share, projects, recurrent_items, sentence` |
//! | `budget_summary()` | the core's sentence: "Tổng kinh phí: 230,5 tỷ đồng. Trong đó: vốn đầu tư công 185,4 tỷ đồng; ..." |
//! | `task_counts()` | the counts of the year's tasks on the day targets are judged: "Giao 26 nhiệm vụ: đã hoàn thành 7 (đúng hạn 6), ..." |
//! | `index_rank()`, `index_rank("H_AN_PHU", node="CHINH_QUYEN", group=, index=)` | a unit's place in its comparable group on the index of the report's year: `rank, of, points, max_points, value, value_text, previous_rank, previous_year, change, change_phrase, group_name, index_name, node_name, sentence` ("Huyện An Phú xếp thứ 3/9 trong nhóm UBND cấp huyện, giá trị 0,6512 (651,2/1.000 điểm), tăng 2 bậc so với năm 2025") |
//! | `index_ranking(group="UBND_HUYEN", node=, index=)` | every unit of the group in rank order, each as `index_rank` gives it (`r[0].unit_name` leads) |
//! | `dossier_summary()` | the security-level dossiers on the same day (the earlier of today and the period's end), the core's sentence: "23 đơn vị, 42 bộ hồ sơ: 28 đã phê duyệt, 10 chờ phê duyệt, 4 cần bổ sung" |
//! | `document_number`, `document_date` | "05/BC-SKHCN" or "      /BC-SKHCN"; "ngày 05 tháng 02 năm 2024" or "ngày      tháng      năm 2026" |
//! | `x \| num`, `x \| num(2)` | "1.205.780" (integers; otherwise at most 2 decimals), "92,12"; none gives "—" |
//! | `x \| pct`, `x \| pct(1)` | "92,12%" |
//! | `x \| billion` | million đồng stated in billions: "105,24 tỷ đồng" |
//! | `s \| lower_first`, `s \| upper_first` | "tỉnh Hòa Lâm" |
//!
//! Undefined names are errors (strict mode). Every error names the template
//! place, the line and the call: `sections[0].sections[1].blocks[0].text
//! (dòng 1): value("HS_XYZ"): chiều dữ liệu dx: "HS_XYZ" không phải ...`.
//!
//! Relative periods are resolved as if "today" were the last day of the
//! report's period (THIS_MONTH is the report's month, LAST_MONTH the one
//! before); several periods (LAST_3_MONTHS) give the figure over their span.
//! Targets are judged as of the earlier of `today` and the period's end, so
//! a report on October made in November shows the targets as of October.
//!
//! # Why a helper thread
//!
//! minijinja's functions must be `'static`, and the engine is borrowed. So
//! the functions ask a scoped thread that holds the borrowed input, through a
//! channel, and wait for the answer: no unsafe code, no copy of the engine.
//! The thread ends when the template environment (the last sender) is dropped.

use crate::document::{
    Appendix, Block, Cell, Column, ColumnKind, Document, Letterhead, Row, RowKind, Run, Signer, Table,
};
use crate::template::{
    AssignmentItems, BlockTemplate, Dimension, ListName, ListSpec, NarrativesSpec, ProjectShape, Section, TableKind,
    TableLayout, TableSpec, TargetFilter, Template, TemplateErrors, Years,
};
use chiso_analytics::index::{GroupRanking, rank_group, ranking_node};
use chiso_analytics::targets::evaluate_plan;
use chiso_analytics::{AnalyticsEngine, DxItem, PeItem, Query};
use chiso_core::completeness::{Completeness, Rates, ReportStatus, completeness};
use chiso_core::element::ValueType;
use chiso_core::evaluation::TargetEvaluation;
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::number::{format_auto, format_billion_vnd, format_integer, format_number, format_percent, roman};
use chiso_core::orgunit::UnitIx;
use chiso_core::period::{Period, PeriodType, WeekStart, WorkingCalendar};
use chiso_core::plan::Plan;
use chiso_core::register::{self, Registers};
use chiso_core::value::{Narrative, Submission};
use chiso_core::verdict::Verdict;
use chrono::{Datelike, NaiveDate};
use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::mpsc;

/// What a report is evaluated on.
pub struct ReportInput<'a> {
    /// The engine (and through it the model).
    pub engine: &'a dyn AnalyticsEngine,
    pub period: Period,
    /// The unit reported on (with everything below it); the root by default.
    pub unit: UnitIx,
    /// The day the report is made: completeness counts missing reports as of it.
    pub today: NaiveDate,
    pub submissions: &'a [Submission],
    pub narratives: &'a [Narrative],
    /// The document's number ("5" or "05" → "05/BC-..."); None leaves it blank.
    pub number: Option<String>,
    /// The date of signature; None leaves the day blank.
    pub date: Option<NaiveDate>,
    /// The registers (projects, budgets, task assignments) that the tables
    /// `projects`, `recurrent`, `budget`, `assignments`, the lists of tasks
    /// and the functions `budget`, `budget_summary`, `task_counts` draw on
    /// (and the dossiers: `dossier_summary`, list `returned_dossiers`, table `dossiers`);
    /// None: a template that needs them is an error naming its place.
    pub registers: Option<&'a Registers>,
}

impl<'a> ReportInput<'a> {
    /// An input for the province (the first root), with no submissions or
    /// narratives, no number and no date.
    pub fn new(engine: &'a dyn AnalyticsEngine, period: Period, today: NaiveDate) -> ReportInput<'a> {
        let unit = engine.model().tree().roots().first().copied().unwrap_or_default();
        ReportInput {
            engine,
            period,
            unit,
            today,
            submissions: &[],
            narratives: &[],
            number: None,
            date: None,
            registers: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Invalid(TemplateErrors),
    #[error("mẫu báo cáo \"{template}\" dành cho kỳ {expected}, không dùng được cho kỳ {period} ({kind})")]
    PeriodType { template: String, expected: PeriodType, period: String, kind: PeriodType },
    /// A placeholder or block that failed: its place in the template and why.
    #[error("{place}: {message}")]
    At { place: String, message: String },
}

fn at(place: &str, message: impl Into<String>) -> ReportError {
    ReportError::At { place: place.to_string(), message: message.into() }
}

/// Evaluates `template` on `input` into a document.
pub fn evaluate(template: &Template, input: &ReportInput) -> Result<Document, ReportError> {
    let model = input.engine.model();
    template.check().map_err(ReportError::Invalid)?;
    template.check_model(model).map_err(ReportError::Invalid)?;
    if input.period.period_type() != template.period_type {
        return Err(ReportError::PeriodType {
            template: template.name.clone(),
            expected: template.period_type,
            period: input.period.to_string(),
            kind: input.period.period_type(),
        });
    }
    let facts = Facts::new(template, input);
    let (tx, rx) = mpsc::channel::<Job>();
    std::thread::scope(|scope| {
        let server = Server {
            engine: input.engine,
            period: input.period,
            unit: input.unit,
            registers: input.registers,
            as_of: facts.targets_as_of,
        };
        scope.spawn(move || {
            for job in rx {
                job(&server);
            }
        });
        // The environment owns every sender: dropping it ends the helper thread.
        let env = environment(Bridge(tx), template, input, &facts);
        Builder { env, input, model, facts: &facts, template }.document()
    })
}

// ----- the bridge to the borrowed engine ------------------------------------

/// What the helper thread holds: the borrowed engine and registers, and the
/// report's period, unit and the day tasks are judged at.
struct Server<'s> {
    engine: &'s dyn AnalyticsEngine,
    period: Period,
    unit: UnitIx,
    registers: Option<&'s Registers>,
    as_of: NaiveDate,
}

/// The message when a template needs the registers and none were given.
pub const NO_REGISTERS: &str = "mẫu cần sổ theo dõi dự án, kinh phí và nhiệm vụ (registers) nhưng báo cáo không được \
     cấp sổ này; hãy nạp sổ theo dõi trước khi lập báo cáo";

/// A year argument of a function: a number (2027) or a word relative to the
/// report's year ("NEXT_YEAR"); the report's year when absent.
fn year_arg(v: Option<&Value>, report_year: i32) -> Result<i32, String> {
    let Some(v) = v.filter(|v| !v.is_none() && !v.is_undefined()) else { return Ok(report_year) };
    let years = match i64::try_from(v.clone()) {
        Ok(y) => Years::Year(i32::try_from(y).map_err(|_| format!("năm {y} không hợp lệ"))?),
        Err(_) => Years::Words(v.as_str().ok_or_else(|| format!("năm {v} không hợp lệ"))?.to_string()),
    };
    match years.resolve(report_year)?.as_slice() {
        [y] => Ok(*y),
        _ => Err("cần đúng một năm".into()),
    }
}

/// The figures of a year's money, for templates: amounts in millions of đồng
/// (`budget().total | billion` gives "230,5 tỷ đồng").
#[derive(Serialize)]
struct BudgetInfo {
    year: i32,
    public_investment: f64,
    recurrent: f64,
    total: f64,
    state_budget: Option<f64>,
    share: Option<f64>,
    /// Investment projects with capital in the year.
    projects: usize,
    /// Recurrent-spending items of the year.
    recurrent_items: usize,
    /// "Tổng kinh phí: 230,5 tỷ đồng. Trong đó: ..."
    sentence: String,
}

type Job = Box<dyn for<'s> FnOnce(&Server<'s>) + Send>;

#[derive(Clone)]
struct Bridge(mpsc::Sender<Job>);

impl Bridge {
    fn ask<R: Send + 'static>(
        &self,
        f: impl for<'s> FnOnce(&Server<'s>) -> R + Send + 'static,
    ) -> Result<R, minijinja::Error> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |s| {
            let _ = tx.send(f(s));
        });
        let lost = || minijinja::Error::new(ErrorKind::InvalidOperation, "bộ máy số liệu không trả lời");
        self.0.send(job).map_err(|_| lost())?;
        rx.recv().map_err(|_| lost())
    }
}

/// A span of time a figure covers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Span {
    Period(Period),
    Between(NaiveDate, NaiveDate),
}

/// Resolves a `pe` argument against the report's period: a fixed period,
/// a relative one (as of the period's last day), or YEAR_TO_DATE.
fn resolve_pe(pe: Option<&str>, report: &Period, week_start: WeekStart) -> Result<Span, String> {
    let Some(s) = pe.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(Span::Period(*report)) };
    if s == "YEAR_TO_DATE" {
        let year = Period::year(report.period_year()).map_err(|e| e.to_string())?;
        return Ok(Span::Between(year.start(), report.end()));
    }
    let periods = match PeItem::parse(s).map_err(|e| e.to_string())? {
        PeItem::Fixed(p) => vec![p],
        PeItem::Relative(r) => r.resolve(report.end(), week_start),
    };
    match periods.as_slice() {
        [one] => Ok(Span::Period(*one)),
        [first, .., last] => Ok(Span::Between(first.start(), last.end())),
        [] => Err(format!("kỳ \"{s}\" không có kỳ nào")),
    }
}

fn resolve_ou(model: &Model, ou: Option<&str>, default: UnitIx) -> Result<UnitIx, String> {
    match ou.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(code) => model.tree().index(code).ok_or_else(|| format!("đơn vị \"{code}\" không tồn tại")),
    }
}

fn span_value(engine: &dyn AnalyticsEngine, dx: &DxItem, unit: UnitIx, span: Span) -> Option<f64> {
    match span {
        Span::Period(p) => engine.value(dx, unit, &p),
        Span::Between(s, e) => engine.value_between(dx, unit, s, e),
    }
}

/// How a data item's figures are written and compared.
struct DxStyle {
    decimals: usize,
    rate: bool,
    unit: String,
}

fn dx_style(model: &Model, dx: &DxItem) -> DxStyle {
    match dx {
        DxItem::Indicator(c) => {
            let i = model.indicator(c.as_str());
            let unit = i.and_then(|i| i.unit_of_measure.clone()).unwrap_or_default();
            let rate = unit == "%" || i.is_some_and(|i| i.factor == 100.0);
            DxStyle { decimals: i.map_or(2, |i| usize::from(i.decimals)), rate, unit }
        }
        DxItem::Element { code, .. } => {
            let e = model.element(code.as_str());
            let unit = e.and_then(|e| e.unit_of_measure.clone()).unwrap_or_default();
            let vt = e.map(|e| e.value_type);
            let rate = unit == "%" || vt == Some(ValueType::Percentage);
            let decimals = if matches!(vt, Some(ValueType::Integer) | Some(ValueType::YesNo)) { 0 } else { 2 };
            DxStyle { decimals, rate, unit }
        }
    }
}

impl Server<'_> {
    fn value(&self, dx: &str, pe: Option<&str>, ou: Option<&str>) -> Result<Option<f64>, String> {
        let model = self.engine.model();
        let item = DxItem::parse(dx, model).map_err(|e| e.to_string())?;
        let span = resolve_pe(pe, &self.period, model.week_start())?;
        let unit = resolve_ou(model, ou, self.unit)?;
        Ok(span_value(self.engine, &item, unit, span))
    }

    fn change(
        &self,
        dx: &str,
        base: &str,
        unit_word: Option<&str>,
        pe: Option<&str>,
        ou: Option<&str>,
    ) -> Result<String, String> {
        let model = self.engine.model();
        let item = DxItem::parse(dx, model).map_err(|e| e.to_string())?;
        let Span::Period(period) = resolve_pe(pe, &self.period, model.week_start())? else {
            return Err("change() cần một kỳ, không phải một khoảng nhiều kỳ".into());
        };
        let unit = resolve_ou(model, ou, self.unit)?;
        let against = Against::parse(base)?;
        let before = match against {
            Against::Previous => period.previous(),
            Against::LastYear => period.same_period_last_year(),
        };
        let style = dx_style(model, &item);
        let word = match unit_word {
            Some(w) => w.to_string(),
            None if style.rate => "điểm phần trăm".to_string(),
            None => style.unit.clone(),
        };
        let now = self.engine.value(&item, unit, &period);
        let then = self.engine.value(&item, unit, &before);
        Ok(change_phrase(now, then, style.decimals, &word, &against.words(period.period_type())))
    }

    fn registers(&self) -> Result<&Registers, String> {
        self.registers.ok_or_else(|| NO_REGISTERS.to_string())
    }

    fn budget(&self, year: i32) -> Result<BudgetInfo, String> {
        let reg = self.registers()?;
        let s = register::budget::summary(reg, year);
        let has = |p: &register::InvestmentProject| p.allocations.iter().any(|a| a.year == year);
        Ok(BudgetInfo {
            year,
            public_investment: s.public_investment.as_million(),
            recurrent: s.recurrent.as_million(),
            total: s.total.as_million(),
            state_budget: s.state_budget.map(register::Money::as_million),
            share: s.share,
            projects: reg
                .projects
                .iter()
                .filter(|p| p.kind == register::BudgetKind::PublicInvestment && has(p))
                .count(),
            recurrent_items: reg.recurrent_tasks.iter().filter(|t| t.year == year).count()
                + reg.projects.iter().filter(|p| p.kind == register::BudgetKind::Recurrent && has(p)).count(),
            sentence: s.sentence(),
        })
    }

    /// The counts of the tasks of `year` on the day tasks are judged at.
    fn task_counts(&self, year: i32) -> Result<register::TaskCounts, String> {
        let reg = self.registers()?;
        let st: Vec<_> =
            register::task::statuses(reg, self.as_of).into_iter().filter(|s| s.task.year == year).collect();
        Ok(register::task::counts(&st))
    }

    /// `unit`'s place on the index of the report's year.
    fn index_rank(
        &self,
        unit: Option<&str>,
        index: Option<&str>,
        group: Option<&str>,
        node: Option<&str>,
    ) -> Result<IndexRankInfo, String> {
        let reg = self.registers()?;
        let model = self.engine.model();
        let unit = resolve_ou(model, unit, self.unit)?;
        let r = index_ranking(self.engine, reg, self.period.period_year(), index, group, unit)?;
        index_rank_info(&r, model, unit, node)
    }

    /// Every unit of a group in rank order, as `index_rank` gives each.
    fn index_ranking(
        &self,
        group: Option<&str>,
        index: Option<&str>,
        node: Option<&str>,
    ) -> Result<Vec<IndexRankInfo>, String> {
        let reg = self.registers()?;
        let model = self.engine.model();
        let r = index_ranking(self.engine, reg, self.period.period_year(), index, group, self.unit)?;
        let node_code = ranking_node(r.index, node).map_err(|e| e.to_string())?;
        let tree = model.tree();
        r.ranked(node_code.as_ref())
            .unwrap_or(&[])
            .iter()
            .filter_map(|x| tree.index(x.unit.as_str()))
            .map(|u| index_rank_info(&r, model, u, node))
            .collect()
    }

    /// The core's sentence of the dossiers on the day tasks are judged at.
    fn dossier_summary(&self) -> Result<String, String> {
        let reg = self.registers()?;
        let st = dossier_standings(reg, self.engine.model(), self.unit, self.as_of);
        Ok(register::security::counts(&st).sentence())
    }

    fn name_of(&self, code: &str) -> Result<String, String> {
        let model = self.engine.model();
        if let Some(u) = model.tree().get(code) {
            return Ok(u.name.clone());
        }
        DxItem::parse(code, model).map(|d| d.name(model)).map_err(|e| e.to_string())
    }
}

/// What a change is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Against {
    Previous,
    LastYear,
}

impl Against {
    pub fn parse(s: &str) -> Result<Against, String> {
        match s {
            "previous" => Ok(Against::Previous),
            "last_year" => Ok(Against::LastYear),
            _ => Err(format!("so sánh \"{s}\" không hợp lệ (cần \"previous\" hoặc \"last_year\")")),
        }
    }
    /// "tuần trước", "tháng trước", "cùng kỳ năm trước".
    pub fn words(self, kind: PeriodType) -> String {
        match self {
            Against::LastYear => "cùng kỳ năm trước".into(),
            Against::Previous => match kind {
                PeriodType::Daily => "ngày trước".into(),
                PeriodType::Weekly(_) => "tuần trước".into(),
                PeriodType::Monthly => "tháng trước".into(),
                PeriodType::Quarterly => "quý trước".into(),
                PeriodType::SixMonthly => "6 tháng trước".into(),
                PeriodType::Yearly => "năm trước".into(),
            },
        }
    }
}

/// "tăng 90 tài khoản so với tuần trước", "giảm 1,2 điểm phần trăm so với
/// cùng kỳ năm trước", "bằng tháng trước". Both figures are rounded at
/// `decimals` first (as the report prints them), so the stated change is the
/// difference of the printed figures; trailing zeros are dropped.
pub fn change_phrase(now: Option<f64>, before: Option<f64>, decimals: usize, unit: &str, against: &str) -> String {
    let (Some(a), Some(b)) = (now, before) else {
        return format!("chưa có số liệu để so sánh với {against}");
    };
    let d = decimals as i32;
    let r = |x: f64| chiso_core::number::round_half_away(x, d);
    let diff = r(r(a) - r(b));
    if diff == 0.0 {
        return format!("bằng {against}");
    }
    let sign = if diff > 0.0 { "tăng" } else { "giảm" };
    let magnitude = format_auto(diff.abs(), decimals);
    if unit.is_empty() {
        format!("{sign} {magnitude} so với {against}")
    } else {
        format!("{sign} {magnitude} {unit} so với {against}")
    }
}

// ----- period words -----------------------------------------------------------

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

/// The period in words. `style`: "label" ("tháng 10/2026", the core label
/// with a small first letter), "title" ("Tháng 10/2026"), "long" ("tháng 10
/// năm 2026", "tuần từ 14/11 đến 20/11/2026", "quý III năm 2026"), "until"
/// ("đến tháng 10/2026"), "kind" ("tháng").
pub fn period_words(p: &Period, style: &str) -> Result<String, String> {
    let (s, e) = (p.start(), p.end());
    let y = p.period_year();
    Ok(match style {
        "label" => lower_first(&p.label_vi()),
        "title" => p.label_vi(),
        "until" => format!("đến {}", lower_first(&p.label_vi())),
        "kind" => p.period_type().label_vi().to_lowercase(),
        "long" => match p.period_type() {
            PeriodType::Yearly => format!("năm {y}"),
            PeriodType::SixMonthly => lower_first(&p.label_vi()),
            PeriodType::Quarterly => format!("quý {} năm {y}", ROMAN[p.index_in_year() as usize - 1]),
            PeriodType::Monthly => format!("tháng {} năm {y}", s.month()),
            PeriodType::Weekly(_) if s.year() == e.year() => {
                format!("tuần từ {}/{} đến {}/{}/{}", s.day(), s.month(), e.day(), e.month(), e.year())
            }
            PeriodType::Weekly(_) => {
                format!("tuần từ {}/{}/{} đến {}/{}/{}", s.day(), s.month(), s.year(), e.day(), e.month(), e.year())
            }
            PeriodType::Daily => format!("ngày {}/{}/{}", s.day(), s.month(), s.year()),
        },
        other => {
            return Err(format!(
                "kiểu nhãn kỳ \"{other}\" không hợp lệ (cần \"label\", \"title\", \"long\", \"until\" hoặc \"kind\")"
            ));
        }
    })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[derive(Serialize)]
struct PeriodBrief {
    id: String,
    label: String,
    long: String,
    title: String,
}

#[derive(Serialize)]
struct PeriodInfo {
    id: String,
    label: String,
    long: String,
    title: String,
    kind: String,
    year: i32,
    start: String,
    end: String,
    previous: PeriodBrief,
    next: PeriodBrief,
}

fn brief(p: &Period) -> PeriodBrief {
    PeriodBrief {
        id: p.to_string(),
        label: period_words(p, "label").unwrap_or_default(),
        long: period_words(p, "long").unwrap_or_default(),
        title: p.label_vi(),
    }
}

fn period_info(p: &Period) -> PeriodInfo {
    let b = brief(p);
    PeriodInfo {
        id: b.id,
        label: b.label,
        long: b.long,
        title: b.title,
        kind: period_words(p, "kind").unwrap_or_default(),
        year: p.period_year(),
        start: p.start().format("%d/%m/%Y").to_string(),
        end: p.end().format("%d/%m/%Y").to_string(),
        previous: brief(&p.previous()),
        next: brief(&p.next()),
    }
}

/// "ngày 05 tháng 02 năm 2024" (day below 10 and months 1 and 2 with a
/// leading zero), or blanks for the signer to fill.
fn date_words(date: Option<NaiveDate>, year: i32) -> String {
    match date {
        Some(d) if d.month() <= 2 => format!("ngày {:02} tháng {:02} năm {}", d.day(), d.month(), d.year()),
        Some(d) => format!("ngày {:02} tháng {} năm {}", d.day(), d.month(), d.year()),
        None => format!("ngày      tháng      năm {year}"),
    }
}

fn document_number(number: Option<&str>, symbol: &str) -> String {
    match number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => match n.parse::<u32>() {
            Ok(k) => format!("{k:02}/{symbol}"),
            Err(_) => format!("{n}/{symbol}"),
        },
        None => format!("      /{symbol}"),
    }
}

// ----- facts computed once --------------------------------------------------------

#[derive(Serialize, Default)]
struct ReportsInfo {
    form: String,
    form_name: String,
    expected: u32,
    due: u32,
    reported: u32,
    on_time: u32,
    late: u32,
    missing: u32,
    not_yet_due: u32,
    reporting_rate: Option<f64>,
    on_time_rate: Option<f64>,
    due_date: String,
}

#[derive(Serialize, Default)]
struct TargetsInfo {
    plan: String,
    total: usize,
    exceeded: usize,
    met: usize,
    achieved: usize,
    not_met: usize,
    in_progress: usize,
    at_risk: usize,
    summary: String,
}

struct Facts {
    /// The plan of the report's year (or the latest) and its evaluations.
    plan: Option<(Plan, Vec<TargetEvaluation>)>,
    /// The day targets are judged at.
    targets_as_of: NaiveDate,
}

impl Facts {
    fn new(_template: &Template, input: &ReportInput) -> Facts {
        let model = input.engine.model();
        let year = input.period.period_year();
        let plan = model.metadata().plans.iter().find(|p| p.year == year).or_else(|| model.latest_plan()).cloned();
        let targets_as_of = input.today.min(input.period.end());
        let plan = plan.map(|p| {
            let evals = evaluate_plan(input.engine, &p, targets_as_of);
            (p, evals)
        });
        Facts { plan, targets_as_of }
    }
}

/// The completeness of a form for the report's period, within the report's unit.
fn form_completeness(input: &ReportInput, form_code: &str) -> Result<Completeness, String> {
    let model = input.engine.model();
    let form = model.form(form_code).ok_or_else(|| format!("biểu mẫu {form_code} không tồn tại"))?;
    if form.period_type != input.period.period_type() {
        return Err(format!(
            "biểu mẫu {form_code} báo cáo theo kỳ {}, báo cáo này theo kỳ {}",
            form.period_type,
            input.period.period_type()
        ));
    }
    let now = input.today.and_hms_opt(23, 59, 59).expect("valid time");
    let mut c = completeness(model, form, &input.period, input.submissions, now, &WorkingCalendar::vietnam());
    let tree = model.tree();
    c.units.retain(|u| tree.is_descendant_or_self(u.unit, input.unit));
    Ok(c)
}

fn reports_info(input: &ReportInput, form_code: Option<&str>) -> ReportsInfo {
    let Some(code) = form_code else { return ReportsInfo::default() };
    let Ok(c) = form_completeness(input, code) else { return ReportsInfo::default() };
    let r = c.total();
    ReportsInfo {
        form: code.to_string(),
        form_name: input.engine.model().form(code).map(|f| f.name.clone()).unwrap_or_default(),
        expected: r.expected,
        due: r.due(),
        reported: r.reported(),
        on_time: r.on_time,
        late: r.late,
        missing: r.missing,
        not_yet_due: r.not_yet_due,
        reporting_rate: r.reporting_rate(),
        on_time_rate: r.on_time_rate(),
        due_date: c.due.format("%d/%m/%Y").to_string(),
    }
}

fn targets_info(facts: &Facts) -> TargetsInfo {
    let Some((plan, evals)) = &facts.plan else { return TargetsInfo::default() };
    let count = |v: Verdict| evals.iter().filter(|e| e.verdict == v).count();
    TargetsInfo {
        plan: plan.title.clone(),
        total: evals.len(),
        exceeded: count(Verdict::Exceeded),
        met: count(Verdict::Met),
        achieved: count(Verdict::Exceeded) + count(Verdict::Met),
        not_met: count(Verdict::NotMet),
        in_progress: count(Verdict::InProgress),
        at_risk: evals.iter().filter(|e| e.at_risk).count(),
        summary: chiso_analytics::targets::summary_vi(evals),
    }
}

// ----- the template environment ---------------------------------------------------

fn fail(msg: impl Into<String>) -> minijinja::Error {
    minijinja::Error::new(ErrorKind::InvalidOperation, msg.into())
}

fn quote_call(f: &str, args: &[Option<&str>], kwargs: &[(&str, Option<&str>)]) -> String {
    let mut parts: Vec<String> = args.iter().flatten().map(|a| format!("\"{a}\"")).collect();
    parts.extend(kwargs.iter().filter_map(|(k, v)| v.map(|v| format!("{k}=\"{v}\""))));
    format!("{f}({})", parts.join(", "))
}

/// A number argument of a filter: None for none/undefined.
fn number_arg(v: &Value, filter: &str) -> Result<Option<f64>, minijinja::Error> {
    if v.is_none() || v.is_undefined() {
        return Ok(None);
    }
    f64::try_from(v.clone()).map(Some).map_err(|_| fail(format!("bộ lọc {filter} cần một số, nhận được {v}")))
}

fn environment<'e>(bridge: Bridge, template: &Template, input: &ReportInput, facts: &Facts) -> Environment<'e> {
    let model = input.engine.model();
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);

    let b = bridge.clone();
    env.add_function("value", move |dx: String, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
        let pe: Option<String> = kwargs.get("pe")?;
        let ou: Option<String> = kwargs.get("ou")?;
        kwargs.assert_all_used()?;
        let call = quote_call("value", &[Some(&dx)], &[("pe", pe.as_deref()), ("ou", ou.as_deref())]);
        match b.ask(move |s| s.value(&dx, pe.as_deref(), ou.as_deref()))? {
            Ok(Some(x)) => Ok(Value::from(x)),
            Ok(None) => Ok(Value::from(())),
            Err(m) => Err(fail(format!("{call}: {m}"))),
        }
    });
    let b = bridge.clone();
    env.add_function(
        "change",
        move |dx: String,
              base: Option<String>,
              unit: Option<String>,
              kwargs: Kwargs|
              -> Result<String, minijinja::Error> {
            let pe: Option<String> = kwargs.get("pe")?;
            let ou: Option<String> = kwargs.get("ou")?;
            kwargs.assert_all_used()?;
            let base = base.unwrap_or_else(|| "previous".into());
            let call = quote_call(
                "change",
                &[Some(&dx), Some(&base), unit.as_deref()],
                &[("pe", pe.as_deref()), ("ou", ou.as_deref())],
            );
            b.ask(move |s| s.change(&dx, &base, unit.as_deref(), pe.as_deref(), ou.as_deref()))?
                .map_err(|m| fail(format!("{call}: {m}")))
        },
    );
    let report_year = input.period.period_year();
    let b = bridge.clone();
    env.add_function("budget", move |year: Option<Value>| -> Result<Value, minijinja::Error> {
        let call = format!("budget({})", year.as_ref().map(|y| y.to_string()).unwrap_or_default());
        let y = year_arg(year.as_ref(), report_year).map_err(|m| fail(format!("{call}: {m}")))?;
        match b.ask(move |s| s.budget(y))? {
            Ok(info) => Ok(Value::from(Serde(info))),
            Err(m) => Err(fail(format!("{call}: {m}"))),
        }
    });
    let b = bridge.clone();
    env.add_function("budget_summary", move |year: Option<Value>| -> Result<String, minijinja::Error> {
        let call = format!("budget_summary({})", year.as_ref().map(|y| y.to_string()).unwrap_or_default());
        let y = year_arg(year.as_ref(), report_year).map_err(|m| fail(format!("{call}: {m}")))?;
        b.ask(move |s| s.budget(y).map(|i| i.sentence))?.map_err(|m| fail(format!("{call}: {m}")))
    });
    let b = bridge.clone();
    env.add_function("task_counts", move |year: Option<Value>| -> Result<String, minijinja::Error> {
        let call = format!("task_counts({})", year.as_ref().map(|y| y.to_string()).unwrap_or_default());
        let y = year_arg(year.as_ref(), report_year).map_err(|m| fail(format!("{call}: {m}")))?;
        b.ask(move |s| s.task_counts(y).map(|c| c.sentence()))?.map_err(|m| fail(format!("{call}: {m}")))
    });
    let b = bridge.clone();
    env.add_function("dossier_summary", move || -> Result<String, minijinja::Error> {
        b.ask(move |s| s.dossier_summary())?.map_err(|m| fail(format!("dossier_summary(): {m}")))
    });
    let b = bridge.clone();
    env.add_function("index_rank", move |ou: Option<String>, kw: Kwargs| -> Result<Value, minijinja::Error> {
        let index: Option<String> = kw.get("index")?;
        let group: Option<String> = kw.get("group")?;
        let node: Option<String> = kw.get("node")?;
        kw.assert_all_used()?;
        let call = quote_call(
            "index_rank",
            &[ou.as_deref()],
            &[("index", index.as_deref()), ("group", group.as_deref()), ("node", node.as_deref())],
        );
        let info = b
            .ask(move |s| s.index_rank(ou.as_deref(), index.as_deref(), group.as_deref(), node.as_deref()))?
            .map_err(|m| fail(format!("{call}: {m}")))?;
        Ok(Value::from(Serde(info)))
    });
    let b = bridge.clone();
    env.add_function("index_ranking", move |kw: Kwargs| -> Result<Value, minijinja::Error> {
        let index: Option<String> = kw.get("index")?;
        let group: Option<String> = kw.get("group")?;
        let node: Option<String> = kw.get("node")?;
        kw.assert_all_used()?;
        let call = quote_call(
            "index_ranking",
            &[],
            &[("group", group.as_deref()), ("index", index.as_deref()), ("node", node.as_deref())],
        );
        let rows = b
            .ask(move |s| s.index_ranking(group.as_deref(), index.as_deref(), node.as_deref()))?
            .map_err(|m| fail(format!("{call}: {m}")))?;
        Ok(Value::from(Serde(rows)))
    });
    let b = bridge;
    env.add_function("name_of", move |code: String| -> Result<String, minijinja::Error> {
        let call = quote_call("name_of", &[Some(&code)], &[]);
        b.ask(move |s| s.name_of(&code))?.map_err(|m| fail(format!("{call}: {m}")))
    });
    let (period, week_start) = (input.period, model.week_start());
    env.add_function(
        "period_label",
        move |style: Option<String>, kwargs: Kwargs| -> Result<String, minijinja::Error> {
            let pe: Option<String> = kwargs.get("pe")?;
            kwargs.assert_all_used()?;
            let style = style.unwrap_or_else(|| "label".into());
            let call = quote_call("period_label", &[Some(&style)], &[("pe", pe.as_deref())]);
            let p = match resolve_pe(pe.as_deref(), &period, week_start) {
                Ok(Span::Period(p)) => p,
                Ok(Span::Between(..)) => return Err(fail(format!("{call}: cần một kỳ"))),
                Err(m) => return Err(fail(format!("{call}: {m}"))),
            };
            period_words(&p, &style).map_err(|m| fail(format!("{call}: {m}")))
        },
    );

    env.add_filter("num", |v: Value, decimals: Option<usize>| -> Result<String, minijinja::Error> {
        Ok(match number_arg(&v, "num")? {
            None => "—".into(),
            Some(x) => match decimals {
                Some(d) => format_number(x, d),
                None if x.fract() == 0.0 && x.abs() < 9e15 => format_integer(x as i64),
                None => format_auto(x, 2),
            },
        })
    });
    env.add_filter("pct", |v: Value, decimals: Option<usize>| -> Result<String, minijinja::Error> {
        Ok(number_arg(&v, "pct")?.map_or_else(|| "—".into(), |x| format_percent(x, decimals.unwrap_or(2))))
    });
    env.add_filter("billion", |v: Value| -> Result<String, minijinja::Error> {
        Ok(number_arg(&v, "billion")?.map_or_else(|| "—".into(), format_billion_vnd))
    });
    env.add_filter("lower_first", |s: String| lower_first(&s));
    env.add_filter("upper_first", |s: String| upper_first(&s));

    let tree = model.tree();
    let root = tree.roots().first().map(|&r| tree.unit(r).name.clone()).unwrap_or_default();
    let short = ["Tỉnh ", "Thành phố ", "tỉnh ", "thành phố "]
        .iter()
        .find_map(|p| root.strip_prefix(p))
        .unwrap_or(&root)
        .to_string();
    let unit = tree.unit(input.unit);
    env.add_global("province", root);
    env.add_global("province_short", short);
    env.add_global("unit_name", unit.name.clone());
    env.add_global("unit_code", unit.code.to_string());
    env.add_global("period", Value::from(Serde(period_info(&input.period))));
    env.add_global("reports", Value::from(Serde(reports_info(input, template.form.as_ref().map(|c| c.as_str())))));
    env.add_global("targets", Value::from(Serde(targets_info(facts))));
    env.add_global("targets_as_of", facts.targets_as_of.format("%d/%m/%Y").to_string());
    env.add_global("document_number", document_number(input.number.as_deref(), &template.letterhead.symbol));
    let year = input.date.map_or(input.today.year(), |d| d.year());
    env.add_global("document_date", date_words(input.date, year));
    env
}

// ----- building the document ----------------------------------------------------

struct Builder<'b, 'e> {
    env: Environment<'e>,
    input: &'b ReportInput<'b>,
    model: &'b Model,
    facts: &'b Facts,
    template: &'b Template,
}

impl Builder<'_, '_> {
    fn document(&self) -> Result<Document, ReportError> {
        let t = self.template;
        let lh = &t.letterhead;
        let year = self.input.date.map_or(self.input.today.year(), |d| d.year());
        let letterhead = Letterhead {
            parent_body: lh.parent_body.as_ref().map(|p| self.line("letterhead.parent_body", p)).transpose()?,
            issuing_body: self.line("letterhead.issuing_body", &lh.issuing_body)?,
            number: document_number(self.input.number.as_deref(), &lh.symbol),
            place: self.line("letterhead.place", &lh.place)?,
            date: self.input.date,
            year,
        };
        let summary = t
            .summary
            .iter()
            .enumerate()
            .map(|(i, s)| self.line(&format!("summary[{i}]"), s))
            .collect::<Result<Vec<_>, _>>()?;
        let mut body = Vec::new();
        self.blocks("preamble", &t.preamble, &mut body)?;
        self.sections("sections", &t.sections, "", 1, &mut body)?;
        self.blocks("closing", &t.closing, &mut body)?;
        let recipients = t
            .recipients
            .iter()
            .enumerate()
            .map(|(i, s)| self.line(&format!("recipients[{i}]"), s))
            .collect::<Result<Vec<_>, _>>()?;
        let signer = Signer {
            authority: t.signer.authority.clone().filter(|a| !a.trim().is_empty()),
            title: t.signer.title.clone(),
            name: t.signer.name.clone(),
        };
        let mut appendices = Vec::new();
        for (i, a) in t.appendices.iter().enumerate() {
            let place = format!("appendices[{i}]");
            let mut blocks = Vec::new();
            self.blocks(&format!("{place}.blocks"), &a.blocks, &mut blocks)?;
            let no_items = |b: &Block| match b {
                Block::Table(t) => t.rows.iter().all(|r| r.kind != RowKind::Item),
                _ => true,
            };
            if a.omit_empty && blocks.iter().all(no_items) {
                continue;
            }
            let ctx = minijinja::context! { appendix_number => roman(appendices.len() + 1) };
            let line = |field: &str, src: &str| -> Result<String, ReportError> {
                Ok(self
                    .render_in(&format!("{place}.{field}"), src, ctx.clone())?
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "))
            };
            appendices.push(Appendix {
                label: line("label", &a.label)?,
                title: line("title", &a.title)?,
                subtitle: a
                    .subtitle
                    .iter()
                    .enumerate()
                    .map(|(j, s)| line(&format!("subtitle[{j}]"), s))
                    .collect::<Result<Vec<_>, _>>()?,
                landscape: a.landscape,
                text_size: a.text_size,
                blocks,
            });
        }
        Ok(Document { letterhead, kind: self.line("kind", &t.kind)?, summary, body, recipients, signer, appendices })
    }

    fn render(&self, place: &str, src: &str) -> Result<String, ReportError> {
        self.render_in(place, src, Value::from(()))
    }

    /// Renders with extra names (`appendix_number`) besides the globals.
    fn render_in(&self, place: &str, src: &str, ctx: Value) -> Result<String, ReportError> {
        self.env.render_named_str(place, src, ctx).map_err(|e| {
            let what = e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string());
            let snippet = e
                .range()
                .and_then(|r| src.get(r))
                .filter(|s| !what.contains(*s))
                .map(|s| format!(" [{}]", s.trim()))
                .unwrap_or_default();
            match e.line() {
                Some(l) => at(place, format!("(dòng {l}){snippet} {what}")),
                None => at(place, format!("{snippet} {what}").trim().to_string()),
            }
        })
    }

    /// One line of text: whitespace collapsed.
    fn line(&self, place: &str, src: &str) -> Result<String, ReportError> {
        Ok(self.render(place, src)?.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    /// Paragraphs: blank lines separate them, line breaks inside are spaces.
    fn paragraphs(&self, place: &str, src: &str) -> Result<Vec<String>, ReportError> {
        let text = self.render(place, src)?;
        let mut out = Vec::new();
        let mut current: Vec<&str> = Vec::new();
        for l in text.lines().map(str::trim).chain(std::iter::once("")) {
            if l.is_empty() {
                if !current.is_empty() {
                    out.push(current.join(" ").split_whitespace().collect::<Vec<_>>().join(" "));
                    current.clear();
                }
            } else {
                current.push(l);
            }
        }
        Ok(out)
    }

    fn sections(
        &self,
        place: &str,
        sections: &[Section],
        parent_number: &str,
        depth: usize,
        out: &mut Vec<Block>,
    ) -> Result<(), ReportError> {
        for (i, s) in sections.iter().enumerate() {
            let here = format!("{place}[{i}]");
            let number = heading_number(depth, i + 1, parent_number);
            out.push(Block::Heading {
                level: depth as u8,
                number: number.clone(),
                text: self.line(&format!("{here}.heading"), &s.heading)?,
            });
            self.blocks(&format!("{here}.blocks"), &s.blocks, out)?;
            self.sections(&format!("{here}.sections"), &s.sections, &number, depth + 1, out)?;
        }
        Ok(())
    }

    fn blocks(&self, place: &str, blocks: &[BlockTemplate], out: &mut Vec<Block>) -> Result<(), ReportError> {
        for (i, b) in blocks.iter().enumerate() {
            let here = format!("{place}[{i}].{}", b.key());
            match b {
                BlockTemplate::Text(src) => out.extend(self.paragraphs(&here, src)?.into_iter().map(Block::text)),
                BlockTemplate::List(spec) => self.list(&here, spec, out)?,
                BlockTemplate::Table(spec) => out.push(Block::Table(self.table(&here, spec)?)),
                BlockTemplate::Narratives(spec) => self.narratives(&here, spec, out)?,
            }
        }
        Ok(())
    }

    fn form_of(&self, place: &str, f: &Option<chiso_core::Code>) -> Result<String, ReportError> {
        f.as_ref()
            .or(self.template.form.as_ref())
            .map(|c| c.to_string())
            .ok_or_else(|| at(place, "cần biểu mẫu (form) của mẫu hoặc của khối"))
    }

    fn evaluations(&self, place: &str, plan: &Option<chiso_core::Code>) -> Result<Vec<TargetEvaluation>, ReportError> {
        match plan {
            Some(code) => {
                let p = self
                    .model
                    .plan(code.as_str())
                    .ok_or_else(|| at(place, format!("kế hoạch {code} không tồn tại")))?;
                Ok(evaluate_plan(self.input.engine, p, self.facts.targets_as_of))
            }
            None => Ok(self.facts.plan.as_ref().map(|(_, e)| e.clone()).unwrap_or_default()),
        }
    }

    /// The registers, or an error naming the place that needs them.
    fn registers(&self, place: &str) -> Result<&Registers, ReportError> {
        self.input.registers.ok_or_else(|| at(place, NO_REGISTERS))
    }

    /// "Ban hành Quy chế ... (chủ trì: Sở Khoa học và Công nghệ; thời hạn: Quý IV/2026; đã thực hiện 45%)".
    fn task_line(&self, s: &register::TaskStatus<'_>) -> String {
        let t = s.task;
        let lead = t.lead.iter().map(|c| self.model.party_name(c.as_str())).collect::<Vec<_>>().join(", ");
        let mut parts = vec![format!("chủ trì: {lead}"), format!("thời hạn: {}", t.due.phrase())];
        match (s.percent, s.state) {
            (Some(p), _) => parts.push(format!("đã thực hiện {}", format_percent(p, 0))),
            (None, Some(state)) => parts.push(lower_first(state.label_vi())),
            (None, None) => parts.push("chưa báo cáo tiến độ".into()),
        }
        if let Some(c) = s.latest.and_then(|r| r.comment.as_deref()).map(str::trim).filter(|c| !c.is_empty()) {
            parts.push(lower_first(c.trim_end_matches('.')));
        }
        format!("{} ({})", t.name.trim_end_matches('.'), parts.join("; "))
    }

    fn list(&self, place: &str, spec: &ListSpec, out: &mut Vec<Block>) -> Result<(), ReportError> {
        let tree = self.model.tree();
        let items: Vec<String> = match spec.name {
            ListName::LateUnits | ListName::MissingUnits | ListName::LateOrMissingUnits => {
                let form = self.form_of(place, &spec.form)?;
                let c = form_completeness(self.input, &form).map_err(|m| at(place, m))?;
                let late = (spec.name != ListName::MissingUnits).then(|| c.with_status(ReportStatus::Late));
                let missing = (spec.name != ListName::LateUnits).then(|| c.with_status(ReportStatus::Missing));
                late.into_iter()
                    .flatten()
                    .chain(missing.into_iter().flatten())
                    .map(|u| {
                        let name = &tree.unit(u.unit).name;
                        let days = u.days_late.unwrap_or(0);
                        match (u.status, u.submitted_at) {
                            (ReportStatus::Late, Some(t)) => {
                                format!("{name} (gửi ngày {}, trễ {days} ngày)", t.format("%d/%m/%Y"))
                            }
                            (ReportStatus::Late, None) => format!("{name} (trễ hạn)"),
                            _ => format!("{name} (chưa gửi, quá hạn {days} ngày)"),
                        }
                    })
                    .collect()
            }
            ListName::TargetsAtRisk | ListName::TargetsNotMet => {
                let evals = self.evaluations(&format!("{place}.plan"), &spec.plan)?;
                evals
                    .iter()
                    .filter(
                        |e| if spec.name == ListName::TargetsAtRisk { e.at_risk } else { e.verdict == Verdict::NotMet },
                    )
                    .map(|e| {
                        let result = e.result_text.clone().unwrap_or_else(|| "chưa có số liệu".into());
                        let how = if e.verdict == Verdict::InProgress {
                            e.progress_text(Lang::Vi)
                        } else {
                            e.verdict_text(Lang::Vi)
                        };
                        format!("{}: kết quả {result}, {}", e.target.name.trim_end_matches('.'), lower_first(&how))
                    })
                    .collect()
            }
            ListName::OverdueTasks | ListName::TasksAtRisk => {
                let reg = self.registers(place)?;
                let year = self.input.period.period_year();
                let st: Vec<_> = register::task::statuses(reg, self.facts.targets_as_of)
                    .into_iter()
                    .filter(|s| s.task.year == year)
                    .collect();
                let chosen = if spec.name == ListName::OverdueTasks {
                    register::task::overdue(&st)
                } else {
                    register::task::at_risk(&st)
                };
                chosen.into_iter().map(|s| self.task_line(s)).collect()
            }
            ListName::ReturnedDossiers => {
                let reg = self.registers(place)?;
                dossier_standings(reg, self.model, self.input.unit, self.facts.targets_as_of)
                    .iter()
                    .filter(|s| s.state == register::DossierState::Returned)
                    .map(|s| {
                        let system = s.system.map_or_else(|| s.dossier.system.to_string(), |x| x.name.clone());
                        let unit = s.unit().map_or_else(|| "—".to_string(), |u| self.model.party_name(u.as_str()));
                        let missing = s.missing.map(|m| m.trim().trim_end_matches('.')).unwrap_or("chưa ghi nội dung");
                        format!("{system} — {unit} — {missing}")
                    })
                    .collect()
            }
        };
        if items.is_empty() {
            let default = match spec.name {
                ListName::LateUnits => "Không có đơn vị gửi báo cáo trễ hạn.",
                ListName::MissingUnits => "Tất cả các đơn vị đã gửi báo cáo.",
                ListName::LateOrMissingUnits => "Tất cả các đơn vị đã gửi báo cáo đúng hạn.",
                ListName::TargetsAtRisk => "Không có chỉ tiêu có nguy cơ không đạt.",
                ListName::TargetsNotMet => "Không có chỉ tiêu chưa đạt.",
                ListName::OverdueTasks => "Không có nhiệm vụ quá hạn.",
                ListName::TasksAtRisk => "Không có nhiệm vụ có nguy cơ không hoàn thành đúng hạn.",
                ListName::ReturnedDossiers => "Không có hồ sơ đề xuất cấp độ phải bổ sung.",
            };
            let text = match &spec.empty {
                Some(src) => self.line(&format!("{place}.empty"), src)?,
                None => default.to_string(),
            };
            if !text.is_empty() {
                out.push(Block::text(text));
            }
        } else {
            out.push(Block::List { items });
        }
        Ok(())
    }

    fn narratives(&self, place: &str, spec: &NarrativesSpec, out: &mut Vec<Block>) -> Result<(), ReportError> {
        let form = self.form_of(place, &spec.form)?;
        let tree = self.model.tree();
        let mut found: Vec<(UnitIx, &Narrative)> = self
            .input
            .narratives
            .iter()
            .filter(|n| n.form.as_str() == form && n.period == self.input.period && n.section == spec.section)
            .filter(|n| !n.text.trim().is_empty())
            .filter_map(|n| tree.index(n.unit.as_str()).map(|u| (u, n)))
            .filter(|(u, _)| tree.is_descendant_or_self(*u, self.input.unit))
            .collect();
        found.sort_by_key(|(u, _)| *u);
        if found.is_empty() {
            let text = match &spec.empty {
                Some(src) => self.line(&format!("{place}.empty"), src)?,
                None => "Chưa có đơn vị nào báo cáo nội dung này.".to_string(),
            };
            if !text.is_empty() {
                out.push(Block::text(text));
            }
            return Ok(());
        }
        for (u, n) in found {
            let text = n.text.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push(Block::Paragraph {
                runs: vec![
                    Run { text: format!("{}: ", tree.unit(u).name), bold: true, italic: false },
                    Run::plain(text),
                ],
            });
        }
        Ok(())
    }

    fn table(&self, place: &str, spec: &TableSpec) -> Result<Table, ReportError> {
        let caption = spec.caption.as_ref().map(|c| self.line(&format!("{place}.caption"), c)).transpose()?;
        let unit_note = spec.unit_note.as_ref().map(|c| self.line(&format!("{place}.unit_note"), c)).transpose()?;
        let (columns, rows, default_note) = match spec.kind {
            TableKind::Analytics => with_no_note(self.analytics_table(place, spec)?),
            TableKind::Targets => with_no_note(self.targets_table(place, spec)?),
            TableKind::Completeness => with_no_note(self.completeness_table(place, spec)?),
            TableKind::Dossiers => with_no_note(self.dossiers_table(place)?),
            TableKind::Index => with_no_note(self.index_table(place, spec)?),
            TableKind::Projects | TableKind::Recurrent | TableKind::Budget | TableKind::Assignments => {
                register_table(&self.register_appendix(place, spec)?)
            }
        };
        Ok(Table { caption, unit_note: unit_note.or(default_note), columns, rows })
    }

    /// The years of a register table, resolved against the report's year.
    fn years(&self, place: &str, spec: &TableSpec) -> Result<Vec<i32>, ReportError> {
        let report_year = self.input.period.period_year();
        spec.year
            .as_ref()
            .map_or(Ok(vec![report_year]), |y| y.resolve(report_year))
            .map_err(|m| at(&format!("{place}.year"), m))
    }

    /// A table of the registers, as the core builds it.
    fn register_appendix(&self, place: &str, spec: &TableSpec) -> Result<register::Appendix, ReportError> {
        let model = self.model;
        let years = self.years(place, spec)?;
        let year = years[0];
        let level = spec.unit_level.unwrap_or(2);
        let layout = match spec.layout.unwrap_or_default() {
            TableLayout::Flat => register::Layout::flat(),
            TableLayout::ByUnit => register::Layout::by_unit(level),
        };
        Ok(match spec.kind {
            TableKind::Projects => {
                let reg = self.registers(place)?;
                match spec.shape.unwrap_or_default() {
                    ProjectShape::Plan => register::budget::investment_appendix(reg, model, year, layout),
                    ProjectShape::Results => register::budget::investment_results_appendix(reg, model, &years, layout),
                }
            }
            TableKind::Recurrent => register::budget::recurrent_appendix(self.registers(place)?, model, year, layout),
            TableKind::Budget => {
                register::budget::budget_appendix(self.registers(place)?, model, year, layout.unit_level)
            }
            _ => {
                let include = spec.include.unwrap_or_default();
                let plan = match &spec.plan {
                    Some(code) => Some(
                        model
                            .plan(code.as_str())
                            .ok_or_else(|| at(&format!("{place}.plan"), format!("kế hoạch {code} không tồn tại")))?,
                    ),
                    None => self.facts.plan.as_ref().map(|(p, _)| p),
                };
                // The plan's year unless the table names one.
                let year = match (&spec.year, plan) {
                    (None, Some(p)) => p.year,
                    _ => year,
                };
                let mut tasks = Vec::new();
                if include != AssignmentItems::Tasks {
                    let plan = plan.ok_or_else(|| at(place, format!("không có kế hoạch của năm {year}")))?;
                    tasks.extend(register::task::tasks_from_plan(plan));
                }
                if include != AssignmentItems::Targets {
                    // With the targets listed, a task serving a target is that target's row.
                    let serves_listed = |t: &register::Task| include == AssignmentItems::All && t.target.is_some();
                    tasks.extend(
                        self.registers(place)?.tasks.iter().filter(|t| t.year == year && !serves_listed(t)).cloned(),
                    );
                }
                let reg = Registers { tasks, ..Registers::default() };
                register::task::assignment_appendix(&reg, model, year)
            }
        })
    }

    fn analytics_table(&self, place: &str, spec: &TableSpec) -> Result<(Vec<Column>, Vec<Row>), ReportError> {
        let model = self.model;
        let tree = model.tree();
        let unit_code = tree.unit(self.input.unit).code.to_string();
        let ou: Vec<String> = spec
            .ou
            .as_deref()
            .unwrap_or("UNIT")
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "UNIT" => unit_code.clone(),
                "CHILDREN" => format!("CHILDREN-{unit_code}"),
                other => other.to_string(),
            })
            .collect();
        let pe = spec.pe.clone().unwrap_or_else(|| self.input.period.to_string());
        let q = Query::from_lists(model, spec.dx.as_deref().unwrap_or_default(), &pe, &ou.join(";"))
            .map_err(|e| at(place, e.to_string()))?;
        let mut periods: Vec<Period> = Vec::new();
        for item in &q.pe {
            let ps = match item {
                PeItem::Fixed(p) => vec![*p],
                PeItem::Relative(r) => r.resolve(self.input.period.end(), model.week_start()),
            };
            for p in ps {
                if !periods.contains(&p) {
                    periods.push(p);
                }
            }
        }
        let units = q.units(model).map_err(|e| at(place, e.to_string()))?;
        let dxs = q.dx.clone();
        let styles: Vec<DxStyle> = dxs.iter().map(|d| dx_style(model, d)).collect();
        let short_dx = |d: &DxItem| {
            match d {
                DxItem::Indicator(c) => model.indicator(c.as_str()).map(|i| i.display_name().to_string()),
                DxItem::Element { code, option: None } => {
                    model.element(code.as_str()).map(|e| e.display_name().to_string())
                }
                DxItem::Element { .. } => None,
            }
            .unwrap_or_else(|| d.name(model))
        };
        // Labels per dimension: (label for a column, label for a row).
        let labels = |dim: Dimension, i: usize| -> String {
            match dim {
                Dimension::Dx => short_dx(&dxs[i]),
                Dimension::Pe => periods[i].label_vi(),
                Dimension::Ou => tree.unit(units[i]).name.clone(),
            }
        };
        let len = |dim: Dimension| match dim {
            Dimension::Dx => dxs.len(),
            Dimension::Pe => periods.len(),
            Dimension::Ou => units.len(),
        };
        let across = spec.across.unwrap_or(Dimension::Pe);
        let down: Vec<Dimension> =
            [Dimension::Dx, Dimension::Ou, Dimension::Pe].into_iter().filter(|d| *d != across).collect();
        let (outer, inner) = (down[0], down[1]);
        let uniform = styles.windows(2).all(|w| w[0].decimals == w[1].decimals);
        let first_title = match (len(outer) > 1, len(inner) > 1) {
            (_, true) if len(outer) == 1 => dim_title(inner),
            (true, false) => dim_title(outer),
            (true, true) => format!("{} / {}", dim_title(outer), dim_title(inner)),
            _ => dim_title(outer),
        };
        let n = len(across).max(1);
        let mut columns = vec![Column { title: first_title, width: 40, kind: ColumnKind::Text }];
        for i in 0..len(across) {
            let decimals = match across {
                Dimension::Dx => styles[i].decimals,
                _ if uniform => styles.first().map_or(0, |s| s.decimals),
                _ => 0,
            };
            columns.push(Column {
                title: labels(across, i),
                width: (60 / n).max(8) as u16,
                kind: ColumnKind::Number { decimals: decimals as u8 },
            });
        }
        let mut rows = Vec::new();
        for o in 0..len(outer) {
            for k in 0..len(inner) {
                let label = match (len(outer) > 1, len(inner) > 1) {
                    (true, true) => format!("{} — {}", labels(outer, o), labels(inner, k)),
                    (true, false) => labels(outer, o),
                    _ => labels(inner, k),
                };
                let mut cells = vec![Cell::Text(label)];
                for a in 0..len(across) {
                    let idx = |dim: Dimension| {
                        if dim == across {
                            a
                        } else if dim == outer {
                            o
                        } else {
                            k
                        }
                    };
                    let (d, p, u) = (idx(Dimension::Dx), idx(Dimension::Pe), idx(Dimension::Ou));
                    let v = self.input.engine.value(&dxs[d], units[u], &periods[p]);
                    cells.push(match v {
                        None => Cell::Empty,
                        // Mixed decimals down the rows: each figure written its own way.
                        Some(x) if across != Dimension::Dx && !uniform => {
                            Cell::Text(format_number(x, styles[d].decimals))
                        }
                        Some(x) => Cell::Number(x),
                    });
                }
                rows.push(Row { kind: RowKind::Item, cells });
            }
        }
        Ok((columns, rows))
    }

    fn targets_table(&self, place: &str, spec: &TableSpec) -> Result<(Vec<Column>, Vec<Row>), ReportError> {
        let evals = self.evaluations(&format!("{place}.plan"), &spec.plan)?;
        let keep = |e: &TargetEvaluation| match spec.only.unwrap_or_default() {
            TargetFilter::All => true,
            TargetFilter::AtRisk => e.at_risk,
            TargetFilter::NotMet => e.verdict == Verdict::NotMet,
        };
        let columns = vec![
            Column { title: "STT".into(), width: 6, kind: ColumnKind::Centered },
            Column { title: "Tên chỉ tiêu".into(), width: 46, kind: ColumnKind::Text },
            Column { title: "Kết quả thực hiện".into(), width: 14, kind: ColumnKind::Centered },
            Column { title: "Đánh giá".into(), width: 14, kind: ColumnKind::Centered },
            Column { title: "Ghi chú".into(), width: 20, kind: ColumnKind::Text },
        ];
        let row = |n: usize, e: &TargetEvaluation| {
            let note = if e.verdict == Verdict::InProgress {
                e.progress_text(Lang::Vi)
            } else {
                e.note.clone().or_else(|| e.target.note.clone()).unwrap_or_default()
            };
            Row {
                kind: RowKind::Item,
                cells: vec![
                    Cell::Text(n.to_string()),
                    Cell::Text(e.target.name.clone()),
                    Cell::Text(e.result_text.clone().unwrap_or_else(|| "—".into())),
                    Cell::Text(e.verdict_text(Lang::Vi)),
                    Cell::Text(note),
                ],
            }
        };
        let mut rows = Vec::new();
        let kept: Vec<&TargetEvaluation> = evals.iter().filter(|e| keep(e)).collect();
        if spec.by_pillar {
            let mut pillars: Vec<&chiso_core::Code> = Vec::new();
            for e in &kept {
                if !pillars.contains(&&e.target.pillar) {
                    pillars.push(&e.target.pillar);
                }
            }
            let mut n = 0;
            for (g, p) in pillars.iter().enumerate() {
                let name = self.model.pillar_name(p.as_str()).unwrap_or(p.as_str()).to_string();
                let roman = roman(g + 1);
                rows.push(Row {
                    kind: RowKind::Group,
                    cells: vec![Cell::Text(roman), Cell::Text(name), Cell::Empty, Cell::Empty, Cell::Empty],
                });
                for e in kept.iter().filter(|e| &&e.target.pillar == p) {
                    n += 1;
                    rows.push(row(n, e));
                }
            }
        } else {
            rows.extend(kept.iter().enumerate().map(|(i, e)| row(i + 1, e)));
        }
        Ok((columns, rows))
    }

    /// A group ranked on the index: rank, unit, points, value, each pillar's
    /// value (or each main index's, when ranked on a pillar) and the change.
    fn index_table(&self, place: &str, spec: &TableSpec) -> Result<(Vec<Column>, Vec<Row>), ReportError> {
        let reg = self.registers(place)?;
        let r = index_ranking(
            self.input.engine,
            reg,
            self.input.period.period_year(),
            spec.index.as_ref().map(chiso_core::Code::as_str),
            spec.group.as_ref().map(chiso_core::Code::as_str),
            self.input.unit,
        )
        .map_err(|m| at(place, m))?;
        let node = ranking_node(r.index, spec.node.as_ref().map(chiso_core::Code::as_str))
            .map_err(|e| at(&format!("{place}.node"), e.to_string()))?;
        let flat = r.index.flatten().map_err(|e| at(place, e.to_string()))?;
        // The parts shown beside the total: the pillars, or a pillar's main indices.
        let parent = node.as_ref().and_then(|n| flat.iter().position(|f| &f.node.code == n));
        let parts: Vec<&chiso_core::index::FlatNode> = match parent {
            None => flat.iter().filter(|f| f.level == chiso_core::index::Level::Pillar).collect(),
            Some(i) => flat.iter().filter(|f| f.parent == Some(i)).collect(),
        };
        let value = |title: String| Column {
            title,
            width: 11,
            kind: ColumnKind::Number { decimals: chiso_core::index::SCALE_DECIMALS as u8 },
        };
        let mut columns = vec![
            Column { title: "Hạng".into(), width: 7, kind: ColumnKind::Centered },
            Column { title: "Đơn vị".into(), width: 30, kind: ColumnKind::Text },
            Column { title: "Điểm".into(), width: 10, kind: ColumnKind::Number { decimals: 1 } },
            value("Giá trị (0–1)".into()),
        ];
        columns.extend(parts.iter().map(|f| value(f.node.name.clone())));
        columns.push(Column {
            title: format!("So với năm {}", r.previous.period_year()),
            width: 9,
            kind: ColumnKind::Centered,
        });
        let tree = self.model.tree();
        let ranked = r.ranked(node.as_ref()).unwrap_or(&[]);
        let mut rows = Vec::with_capacity(ranked.len());
        for x in ranked {
            let s = r.result.unit(&x.unit).ok_or_else(|| at(place, format!("đơn vị {} không có điểm", x.unit)))?;
            let name = tree.get(x.unit.as_str()).map_or_else(|| x.unit.to_string(), |u| u.name.clone());
            let mut cells =
                vec![Cell::Text(x.rank.to_string()), Cell::Text(name), Cell::Number(x.points), Cell::Number(x.scale)];
            cells
                .extend(parts.iter().map(|f| s.nodes.get(&f.node.code).map_or(Cell::Empty, |n| Cell::Number(n.scale))));
            cells.push(Cell::Text(x.change_label()));
            rows.push(Row { kind: RowKind::Item, cells });
        }
        Ok((columns, rows))
    }

    /// The dossiers by owner unit and status, with a total row.
    fn dossiers_table(&self, place: &str) -> Result<(Vec<Column>, Vec<Row>), ReportError> {
        let reg = self.registers(place)?;
        let st = dossier_standings(reg, self.model, self.input.unit, self.facts.targets_as_of);
        let num = |title: &str| Column { title: title.into(), width: 12, kind: ColumnKind::Number { decimals: 0 } };
        let columns = vec![
            Column { title: "STT".into(), width: 6, kind: ColumnKind::Centered },
            Column { title: "Đơn vị".into(), width: 34, kind: ColumnKind::Text },
            num("Số bộ hồ sơ"),
            num("Đã phê duyệt"),
            num("Chờ phê duyệt"),
            num("Cần bổ sung"),
        ];
        let count = |x: usize| Cell::Number(x as f64);
        let cells = |stt: String, name: String, c: &register::security::DossierCounts| {
            vec![
                Cell::Text(stt),
                Cell::Text(name),
                count(c.dossiers),
                count(c.approved),
                count(c.pending),
                count(c.returned),
            ]
        };
        let mut rows: Vec<Row> = register::security::counts_by_unit(&st)
            .iter()
            .enumerate()
            .map(|(i, (u, c))| {
                let name = u.as_ref().map_or_else(|| "—".to_string(), |u| self.model.party_name(u.as_str()));
                Row { kind: RowKind::Item, cells: cells((i + 1).to_string(), name, c) }
            })
            .collect();
        rows.push(Row {
            kind: RowKind::Total,
            cells: cells(String::new(), "Tổng cộng".into(), &register::security::counts(&st)),
        });
        Ok((columns, rows))
    }

    fn completeness_table(&self, place: &str, spec: &TableSpec) -> Result<(Vec<Column>, Vec<Row>), ReportError> {
        let form = self.form_of(place, &spec.form)?;
        let c = form_completeness(self.input, &form).map_err(|m| at(place, m))?;
        let tree = self.model.tree();
        let num = |title: &str| Column { title: title.into(), width: 11, kind: ColumnKind::Number { decimals: 0 } };
        let columns = vec![
            Column { title: "STT".into(), width: 6, kind: ColumnKind::Centered },
            Column { title: "Đơn vị".into(), width: 28, kind: ColumnKind::Text },
            num("Phải báo cáo"),
            num("Đã báo cáo"),
            num("Đúng hạn"),
            num("Trễ hạn"),
            num("Chưa báo cáo"),
            Column { title: "Tỷ lệ đúng hạn".into(), width: 11, kind: ColumnKind::Centered },
        ];
        let cells = |stt: String, name: String, r: &Rates| {
            vec![
                Cell::Text(stt),
                Cell::Text(name),
                Cell::Number(f64::from(r.due())),
                Cell::Number(f64::from(r.reported())),
                Cell::Number(f64::from(r.on_time)),
                Cell::Number(f64::from(r.late)),
                Cell::Number(f64::from(r.missing)),
                Cell::Text(r.on_time_rate().map_or_else(|| "—".into(), |x| format_percent(x, 2))),
            ]
        };
        let by_parent: BTreeMap<Option<UnitIx>, Rates> = c.by_parent(self.model);
        let mut rows: Vec<Row> = by_parent
            .iter()
            .enumerate()
            .map(|(i, (p, r))| {
                let name = p.map_or_else(|| "—".to_string(), |p| format!("Các đơn vị thuộc {}", tree.unit(p).name));
                Row { kind: RowKind::Item, cells: cells((i + 1).to_string(), name, r) }
            })
            .collect();
        rows.push(Row { kind: RowKind::Total, cells: cells(String::new(), "Tổng cộng".into(), &c.total()) });
        Ok((columns, rows))
    }
}

/// The standings of the dossiers on `as_of` whose system's owner is `unit`
/// or below it (all of them for a report on a root unit).
fn dossier_standings<'r>(
    reg: &'r Registers,
    model: &Model,
    unit: UnitIx,
    as_of: NaiveDate,
) -> Vec<register::security::DossierStanding<'r>> {
    let tree = model.tree();
    let all = register::security::standings(reg, as_of);
    if tree.roots().contains(&unit) {
        return all;
    }
    all.into_iter()
        .filter(|s| s.unit().and_then(|u| tree.index(u.as_str())).is_some_and(|u| tree.is_descendant_or_self(u, unit)))
        .collect()
}

/// The index ranking a report shows: `index` (else the index of the
/// report's year, else the latest before it) over its year, for `group`
/// (else the first group of the metadata holding `unit`).
fn index_ranking<'r>(
    engine: &dyn AnalyticsEngine,
    reg: &'r Registers,
    report_year: i32,
    index: Option<&str>,
    group: Option<&str>,
    unit: UnitIx,
) -> Result<GroupRanking<'r>, String> {
    let model = engine.model();
    let ix = match index.map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => reg.index(c).ok_or_else(|| format!("bộ chỉ số {c} không có trong sổ theo dõi"))?,
        None => reg
            .index_for_year(report_year)
            .ok_or_else(|| format!("sổ theo dõi chưa có bộ chỉ số cho năm {report_year}"))?,
    };
    let group = match group.map(str::trim).filter(|s| !s.is_empty()) {
        Some(g) => g.to_string(),
        None => model
            .metadata()
            .unit_groups
            .iter()
            .find(|g| model.group_members(g.code.as_str()).is_some_and(|m| m.contains(&unit)))
            .map(|g| g.code.to_string())
            .ok_or_else(|| {
                format!("đơn vị {} không thuộc nhóm so sánh nào; hãy nêu nhóm (group)", model.tree().unit(unit).code)
            })?,
    };
    let period = Period::year(ix.year).map_err(|e| e.to_string())?;
    rank_group(engine, reg, ix, period, &group).map_err(|e| e.to_string())
}

/// A unit's place on the index, as `index_rank()` gives it to templates.
#[derive(Debug, Clone, Serialize)]
struct IndexRankInfo {
    index: String,
    index_name: String,
    year: i32,
    unit: String,
    unit_name: String,
    group: String,
    group_name: String,
    /// The pillar or main index ranked on (none: the total).
    node: Option<String>,
    node_name: Option<String>,
    rank: u32,
    /// How many units were ranked.
    of: usize,
    points: f64,
    max_points: f64,
    /// 0–1, as published ("0,6512" in `value_text`).
    value: f64,
    value_text: String,
    previous_year: i32,
    previous_rank: Option<u32>,
    /// Places gained (positive) or lost since the previous year.
    change: Option<i32>,
    /// "tăng 2 bậc", "giảm 1 bậc", "giữ nguyên thứ hạng"; none when not ranked then.
    change_phrase: Option<String>,
    /// "Huyện An Phú xếp thứ 3/9 trong nhóm UBND cấp huyện, giá trị 0,6512
    /// (651,2/1.000 điểm), tăng 2 bậc so với năm 2025".
    sentence: String,
}

fn index_rank_info(r: &GroupRanking, model: &Model, unit: UnitIx, node: Option<&str>) -> Result<IndexRankInfo, String> {
    let node = ranking_node(r.index, node).map_err(|e| e.to_string())?;
    let tree = model.tree();
    let code = &tree.unit(unit).code;
    let ranked = r.ranked(node.as_ref()).unwrap_or(&[]);
    let me = ranked
        .iter()
        .find(|x| &x.unit == code)
        .ok_or_else(|| format!("đơn vị {code} không được xếp hạng trong nhóm {} năm {}", r.group, r.index.year))?;
    let flat = r.index.flatten().map_err(|e| e.to_string())?;
    let node_name = node.as_ref().and_then(|n| flat.iter().find(|f| &f.node.code == n)).map(|f| f.node.name.clone());
    let max_points = match &node {
        None => r.index.max_points(),
        Some(n) => flat.iter().find(|f| &f.node.code == n).map_or(0.0, |f| f.max_points),
    };
    let group_name = model.group(r.group.as_str()).map_or_else(|| r.group.to_string(), |g| g.name.clone());
    let previous_year = r.previous.period_year();
    let value_text = format_number(me.scale, chiso_core::index::SCALE_DECIMALS as usize);
    let about = node_name.as_ref().map_or_else(String::new, |n| format!(" về {}", lower_first(n)));
    let mut sentence = format!(
        "{} xếp thứ {}/{} trong nhóm {}{about}, giá trị {value_text} ({}/{} điểm)",
        tree.unit(unit).name,
        me.rank,
        ranked.len(),
        group_name,
        format_auto(me.points, 1),
        format_auto(max_points, 1),
    );
    if let Some(p) = me.change_phrase() {
        sentence.push_str(&format!(", {p} so với năm {previous_year}"));
    }
    Ok(IndexRankInfo {
        index: r.index.code.to_string(),
        index_name: r.index.name.clone(),
        year: r.index.year,
        unit: code.to_string(),
        unit_name: tree.unit(unit).name.clone(),
        group: r.group.to_string(),
        group_name,
        node: node.map(|n| n.to_string()),
        node_name,
        rank: me.rank,
        of: ranked.len(),
        points: me.points,
        max_points,
        value: me.scale,
        value_text,
        previous_year,
        previous_rank: me.previous_rank,
        change: me.change,
        change_phrase: me.change_phrase(),
        sentence,
    })
}

fn with_no_note((columns, rows): (Vec<Column>, Vec<Row>)) -> (Vec<Column>, Vec<Row>, Option<String>) {
    (columns, rows, None)
}

/// The decimals a column of amounts needs: 0 for whole millions, up to 3
/// (thousand đồng).
fn money_decimals(amounts: impl Iterator<Item = register::Money>) -> u8 {
    amounts
        .map(|m| {
            let t = m.thousand().rem_euclid(1000);
            if t == 0 {
                0
            } else if t % 100 == 0 {
                1
            } else if t % 10 == 0 {
                2
            } else {
                3
            }
        })
        .max()
        .unwrap_or(0)
}

/// A column's share of the width and alignment, from its header.
fn register_column(header: &str, index: usize, amount: bool) -> (u16, ColumnKind) {
    if amount {
        return (10, ColumnKind::Number { decimals: 0 });
    }
    match (index, header) {
        (0, _) => (5, ColumnKind::Centered),
        (1, _) => (30, ColumnKind::Text),
        (_, "Thời gian thực hiện" | "Thời điểm đánh giá" | "Hiện trạng") => {
            (11, ColumnKind::Centered)
        }
        (_, "Nguồn vốn" | "Nguồn kinh phí") => (10, ColumnKind::Centered),
        (_, "QĐ đầu tư") => (15, ColumnKind::Text),
        (_, "Mục tiêu đầu tư") => (22, ColumnKind::Text),
        (_, "Đơn vị chủ trì" | "Đơn vị phối hợp") => (19, ColumnKind::Text),
        _ => (13, ColumnKind::Text),
    }
}

/// A register table as a document table: amounts as figures in millions,
/// group rows with their subtotals (the outer groups of a two-level table
/// as parts), the grand total; its unit note ("ĐVT: Triệu đồng").
fn register_table(a: &register::Appendix) -> (Vec<Column>, Vec<Row>, Option<String>) {
    let columns = a
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (width, mut kind) = register_column(&c.header, i, c.amount);
            if c.amount {
                let decimals = money_decimals(a.rows.iter().filter_map(|r| r.cells.get(i)).filter_map(|x| x.amount()));
                kind = ColumnKind::Number { decimals };
            }
            let title = if i == 0 && c.header == "Stt" { "STT".to_string() } else { c.header.clone() };
            Column { title, width, kind }
        })
        .collect();
    let levels = a
        .rows
        .iter()
        .filter_map(|r| match r.kind {
            register::RowKind::Group { depth } => Some(usize::from(depth) + 1),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let rows = a
        .rows
        .iter()
        .map(|r| {
            // Only the innermost groups and the outermost (parts) can state sums
            // the document model checks; a middle level would show its sums as text.
            let (kind, sums) = match r.kind {
                register::RowKind::Item => (RowKind::Item, true),
                register::RowKind::Total => (RowKind::Total, true),
                register::RowKind::Group { depth } if usize::from(depth) + 1 == levels => (RowKind::Group, true),
                register::RowKind::Group { depth: 0 } => (RowKind::Part, true),
                register::RowKind::Group { .. } => (RowKind::Group, false),
            };
            let cells = r
                .cells
                .iter()
                .map(|c| match c {
                    register::Cell::Empty => Cell::Empty,
                    register::Cell::Text(t) => Cell::Text(t.clone()),
                    register::Cell::Amount(m) if sums => Cell::Number(m.as_million()),
                    register::Cell::Amount(m) => Cell::Text(m.to_string()),
                })
                .collect();
            Row { kind, cells }
        })
        .collect();
    (columns, rows, a.unit_note.clone())
}

fn dim_title(d: Dimension) -> String {
    match d {
        Dimension::Dx => "Chỉ tiêu".into(),
        Dimension::Pe => "Kỳ".into(),
        Dimension::Ou => "Đơn vị".into(),
    }
}

/// The number of the `n`th heading (from 1) at `depth` under `parent`:
/// "I.", "1.", "1.1." (the parent's number without its final dot), "a)".
pub fn heading_number(depth: usize, n: usize, parent: &str) -> String {
    match depth {
        1 => format!("{}.", roman(n)),
        2 => format!("{n}."),
        3 => format!("{}.{n}.", parent.trim_end_matches('.')),
        _ => {
            // The Vietnamese alphabet of legal texts: a) b) c) d) đ) e) g) h) i) k) ...
            let letters = "abcdđeghiklmnopqrstuvxy";
            let c = letters.chars().nth((n - 1) % letters.chars().count()).unwrap_or('a');
            format!("{c})")
        }
    }
}
