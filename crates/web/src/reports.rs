//! A unit's reports: the service behind the home page, the entry and review
//! pages and the JSON API (`api::reports`). No HTTP here: callers hand in the
//! account and what was typed, and get views and outcomes back.
//!
//! - `due_reports`: the reports an account's units owe (home, `GET /api/reports`).
//! - `locate` + `view`: one report (form × period × unit) with its values, last
//!   period's values, narratives, status, rule violations and actions.
//! - `act`: the workflow (`chiso_core::workflow`): save a draft, submit (rule
//!   checks: errors block, warnings need an explanation), recall, return,
//!   approve, reopen — values, narratives and status in one transaction,
//!   written as the account (`begin_as`), then the engine is updated.
//! - `read_upload`: a CSV/XLSX/JSON file read with chiso-io into this report's values.
//! - `board`: completeness of a form and period, as `chiso completeness` computes it.
//!
//! Explanations of warnings (`explain:RULE`) are stored as the comment of the
//! value of the rule's first left-hand element (for a disaggregated element:
//! its first option that has a value), as DHIS2 keeps a value's comment.
//!
//! Submission times: `submitted_at` keeps the first submission (timeliness);
//! `submitted_by` is who sent it last. `review` holds the office's last
//! decision (return, approval, reopening) and is cleared when the unit sends
//! the report again; every decision stays in the audit trail.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use chiso_core::Code;
use chiso_core::completeness::{Rates, ReportStatus, completeness, latest_due_period};
use chiso_core::element::ValueType;
use chiso_core::form::ReportForm;
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::number::{format_auto, format_integer, format_number};
use chiso_core::orgunit::UnitIx;
use chiso_core::period::{Period, WorkingCalendar};
use chiso_core::rule::ValidationRule;
use chiso_core::validate::check_values;
use chiso_core::value::{DataValue, Narrative, Review, Submission, SubmissionStatus};
use chiso_core::workflow::{self, Action, WorkflowError};
use chiso_store::{AuditFilter, AuditSubject, ValueFilter};
use chrono::{Local, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Previous periods a home page looks back for reports still owed.
pub const LOOKBACK: i32 = 3;
/// Periods offered by the review board's period picker.
pub const PICKER_PERIODS: i32 = 12;

/// The application's clock: the configured day at the current time of day.
pub fn now(state: &AppState) -> NaiveDateTime {
    state.today().and_time(Local::now().time())
}

/// "not_started", "draft", "submitted", "returned", "approved".
pub fn status_code(s: Option<SubmissionStatus>) -> &'static str {
    match s {
        None => "not_started",
        Some(SubmissionStatus::Draft) => "draft",
        Some(SubmissionStatus::Submitted) => "submitted",
        Some(SubmissionStatus::Returned) => "returned",
        Some(SubmissionStatus::Approved) => "approved",
    }
}

pub fn status_label(s: Option<SubmissionStatus>, lang: Lang) -> &'static str {
    match (s, lang) {
        (None, Lang::Vi) => "Chưa nhập",
        (None, Lang::En) => "Not started",
        (Some(s), Lang::Vi) => s.label_vi(),
        (Some(SubmissionStatus::Draft), Lang::En) => "Draft",
        (Some(SubmissionStatus::Submitted), Lang::En) => "Submitted",
        (Some(SubmissionStatus::Returned), Lang::En) => "Returned",
        (Some(SubmissionStatus::Approved), Lang::En) => "Approved",
    }
}

pub fn period_label(p: &Period, lang: Lang) -> String {
    match lang {
        Lang::Vi => p.label_vi(),
        Lang::En => p.label_en(),
    }
}

/// How a stored value reads: "1.205", "92,12", "Có".
pub fn display_value(vt: ValueType, stored: &str, lang: Lang) -> String {
    match vt {
        ValueType::Integer | ValueType::Number | ValueType::Percentage => match stored.parse::<f64>() {
            Ok(x) if vt == ValueType::Integer => format_integer(x.round() as i64),
            Ok(x) => format_auto(x, 6),
            Err(_) => stored.to_string(),
        },
        ValueType::YesNo => match stored {
            "true" => lang.pick("Có", "Yes").into(),
            "false" => lang.pick("Không", "No").into(),
            s => s.into(),
        },
        ValueType::Date => {
            stored.parse::<NaiveDate>().map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|_| stored.into())
        }
        ValueType::Text => stored.to_string(),
    }
}

fn workflow_error(e: WorkflowError, lang: Lang) -> AppError {
    let msg = capitalize(&e.to_string());
    match e {
        WorkflowError::NotAllowed { .. } => AppError::Forbidden(format!("{msg}.")),
        WorkflowError::WrongState { from: Some(SubmissionStatus::Approved), .. } => AppError::Conflict(format!(
            "{msg}: {}",
            lang.pick(
                "báo cáo đã được duyệt nên số liệu bị khóa. Văn phòng điều phối cần mở lại báo cáo trước khi sửa.",
                "the report is approved and its data locked. The office must reopen it first."
            )
        )),
        WorkflowError::WrongState { .. } => AppError::Conflict(format!("{msg}.")),
        WorkflowError::CommentRequired => AppError::BadRequest(format!("{msg}.")),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------
// One report

/// A report found: form × period × unit, the unit assigned to the form.
#[derive(Clone)]
pub struct Target {
    pub model: Arc<Model>,
    pub form: ReportForm,
    pub period: Period,
    pub unit: UnitIx,
    pub unit_code: Code,
}

impl Target {
    pub fn href(&self) -> String {
        format!("/forms/{}/{}/{}", self.form.code, self.period, self.unit_code)
    }
    pub fn review_href(&self) -> String {
        format!("/review/{}/{}/{}", self.form.code, self.period, self.unit_code)
    }
    fn filter(&self, period: Period) -> ValueFilter {
        ValueFilter {
            elements: self.form.elements().cloned().collect(),
            units: vec![self.unit_code.clone()],
            periods: vec![period],
            between: None,
        }
    }
    /// The form's input cells: element and option, in form order.
    fn cells(&self) -> Vec<(Code, Option<Code>)> {
        let mut out = Vec::new();
        for e in self.form.elements() {
            match self.model.element_disaggregation(e.as_str()) {
                Some(d) => out.extend(d.options.iter().map(|o| (e.clone(), Some(o.code.clone())))),
                None => out.push((e.clone(), None)),
            }
        }
        out
    }
    /// The rules on this form's elements only.
    fn rules(&self) -> Vec<&ValidationRule> {
        let elements: Vec<&str> = self.form.elements().map(Code::as_str).collect();
        self.model
            .metadata()
            .validation_rules
            .iter()
            .filter(|r| {
                r.period_type.is_none_or(|t| t == self.period.period_type())
                    && r.element_refs().iter().all(|x| elements.contains(&x.element.as_str()))
            })
            .collect()
    }
    fn element_name(&self, code: &str) -> String {
        self.model.element(code).map_or_else(|| code.to_string(), |e| e.name.clone())
    }
}

/// `ELEMENT` or `ELEMENT.OPTION`: a cell's key in forms and JSON.
pub fn cell_key(element: &str, option: Option<&str>) -> String {
    match option {
        Some(o) => format!("{element}.{o}"),
        None => element.to_string(),
    }
}

/// Finds the report; 404 when the form, period or unit does not exist or the
/// unit does not report this form.
pub fn locate(state: &AppState, form: &str, period: &str, unit: &str) -> Result<Target, AppError> {
    let model = state.model();
    let f = model.form(form).ok_or_else(|| AppError::not_found(format!("biểu mẫu {form}")))?.clone();
    let p = Period::parse(period)
        .ok()
        .filter(|p| p.period_type() == f.period_type)
        .ok_or_else(|| AppError::not_found(format!("kỳ báo cáo {period} của biểu mẫu {form}")))?;
    let ix = model.tree().index(unit).ok_or_else(|| AppError::not_found(format!("đơn vị {unit}")))?;
    if !model.form_units(&f).contains(&ix) {
        return Err(AppError::not_found(format!("báo cáo {form} của đơn vị {unit}")));
    }
    let unit_code = model.tree().unit(ix).code.clone();
    Ok(Target { model, form: f, period: p, unit: ix, unit_code })
}

/// One input of the form.
#[derive(Clone, Debug, Serialize)]
pub struct CellView {
    /// `ELEMENT` or `ELEMENT.OPTION` (the input is `v:` + key).
    pub key: String,
    /// The input's id: `v-ELEMENT` or `v-ELEMENT-OPTION`.
    pub id: String,
    pub option: Option<String>,
    pub option_name: Option<String>,
    /// The stored value (canonical form).
    pub value: Option<String>,
    /// What the input shows: the stored value in Vietnamese format, or what was typed.
    pub text: String,
    pub previous: Option<String>,
    pub previous_text: String,
    /// Change from last period: absolute and in %.
    pub change_text: String,
    pub change_pct_text: String,
    pub comment: Option<String>,
    /// Why what was typed was refused.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ElementView {
    pub code: String,
    pub name: String,
    pub unit_of_measure: String,
    pub value_type: ValueType,
    pub type_label: &'static str,
    /// "integer" or "number" for numeric inputs (checked as typed), else "".
    pub vt: &'static str,
    pub numeric: bool,
    pub disaggregated: bool,
    pub cells: Vec<CellView>,
    /// For a disaggregated element: the total of its options.
    pub total_text: String,
    pub previous_total_text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SectionView {
    pub name: String,
    pub elements: Vec<ElementView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NarrativeView {
    pub code: String,
    pub title: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ViolationView {
    pub rule: String,
    pub name: String,
    pub message: String,
    /// "error" (blocks submitting) or "warning" (needs an explanation).
    pub severity: &'static str,
    /// "336 ≤ 300"
    pub sides: String,
    /// Names of the elements the rule is about.
    pub elements: Vec<String>,
    pub explanation: Option<String>,
}

impl ViolationView {
    pub fn is_error(&self) -> bool {
        self.severity == "error"
    }
}

/// A line of the review history.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryEntry {
    pub at: NaiveDateTime,
    pub at_text: String,
    pub username: String,
    pub route: String,
    pub from: String,
    pub to: String,
    pub to_code: String,
    pub comment: Option<String>,
}

/// Everything a page or the API shows of one report.
#[derive(Clone, Debug, Serialize)]
pub struct ReportView {
    pub form: String,
    pub form_name: String,
    pub period: String,
    pub period_label: String,
    pub previous_period: String,
    pub previous_period_label: String,
    pub unit: String,
    pub unit_name: String,
    pub status: Option<SubmissionStatus>,
    pub status_code: &'static str,
    pub status_label: &'static str,
    pub due: NaiveDate,
    pub due_text: String,
    pub overdue: bool,
    pub submitted_at: Option<NaiveDateTime>,
    pub submitted_by: Option<String>,
    pub review: Option<Review>,
    pub can_edit: bool,
    pub actions: Vec<Action>,
    pub sections: Vec<SectionView>,
    pub narratives: Vec<NarrativeView>,
    pub violations: Vec<ViolationView>,
    pub href: String,
    pub review_href: String,
}

impl ReportView {
    pub fn has_action(&self, code: &str) -> bool {
        self.actions.iter().any(|a| a.code() == code)
    }
    pub fn errors(&self) -> usize {
        self.violations.iter().filter(|v| v.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.violations.len() - self.errors()
    }
}

/// What was typed: values by key (`ELEMENT`, `ELEMENT.OPTION`; empty text
/// deletes the value, a key left out is not changed), narratives by section
/// code, explanations of warnings by rule code.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ReportInput {
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub narratives: BTreeMap<String, String>,
    #[serde(default)]
    pub explanations: BTreeMap<String, String>,
}

impl ReportInput {
    /// From form fields `v:KEY`, `n:SECTION`, `explain:RULE`.
    pub fn from_fields(fields: &[(String, String)]) -> ReportInput {
        let mut input = ReportInput::default();
        for (k, v) in fields {
            if let Some(key) = k.strip_prefix("v:") {
                input.values.insert(key.to_string(), v.clone());
            } else if let Some(s) = k.strip_prefix("n:") {
                input.narratives.insert(s.to_string(), v.clone());
            } else if let Some(r) = k.strip_prefix("explain:") {
                input.explanations.insert(r.to_string(), v.clone());
            }
        }
        input
    }
}

/// A typed value refused.
#[derive(Clone, Debug, Serialize)]
pub struct FieldError {
    pub key: String,
    /// The input's id (`v-ELEMENT-OPTION`).
    pub id: String,
    /// "Hồ sơ tiếp nhận — Trực tuyến"
    pub field: String,
    pub text: String,
    pub message: String,
}

async fn submission(state: &AppState, t: &Target) -> Result<Option<Submission>, AppError> {
    let subs = state.store.submissions(Some(&t.form.code), &[t.period]).await?;
    Ok(subs.into_iter().find(|s| s.unit == t.unit_code))
}

fn by_key(values: Vec<DataValue>) -> HashMap<String, DataValue> {
    values.into_iter().map(|v| (cell_key(v.element.as_str(), v.option.as_ref().map(Code::as_str)), v)).collect()
}

/// The cell a rule's explanation is kept on, among `values`.
fn explain_cell(t: &Target, rule: &ValidationRule, values: &HashMap<String, DataValue>) -> Option<String> {
    let first = rule.left.element_refs().into_iter().next().or_else(|| rule.element_refs().into_iter().next())?;
    if let Some(o) = &first.option {
        let k = cell_key(&first.element, Some(o));
        return values.contains_key(&k).then_some(k);
    }
    t.cells()
        .into_iter()
        .filter(|(e, _)| e.as_str() == first.element)
        .map(|(e, o)| cell_key(e.as_str(), o.as_ref().map(Code::as_str)))
        .find(|k| values.contains_key(k))
}

/// The rule violations of these values of the report.
fn violations(t: &Target, values: &HashMap<String, DataValue>) -> Vec<ViolationView> {
    let rules = t.rules();
    let list: Vec<DataValue> = values.values().cloned().collect();
    check_values(&t.model, Some(&rules), &list)
        .into_iter()
        .filter_map(|v| {
            let r = rules.iter().find(|r| r.code == v.rule)?;
            let mut elements: Vec<String> = Vec::new();
            for x in r.element_refs() {
                let name = t.element_name(&x.element);
                if !elements.contains(&name) {
                    elements.push(name);
                }
            }
            let explanation = explain_cell(t, r, values).and_then(|k| values.get(&k)).and_then(|v| v.comment.clone());
            Some(ViolationView {
                rule: r.code.to_string(),
                name: r.name.clone(),
                message: r.message.clone(),
                severity: if r.importance.is_error() { "error" } else { "warning" },
                sides: format!("{} {} {}", format_auto(v.left, 2), op_symbol(r), format_auto(v.right, 2)),
                elements,
                explanation,
            })
        })
        .collect()
}

fn op_symbol(r: &ValidationRule) -> &'static str {
    match r.operator.symbol() {
        "<=" => "≤",
        ">=" => "≥",
        "!=" => "≠",
        "==" => "=",
        s => s,
    }
}

fn change_texts(vt: ValueType, now: Option<&str>, before: Option<&str>) -> (String, String) {
    let (Some(a), Some(b)) = (now.and_then(|s| s.parse::<f64>().ok()), before.and_then(|s| s.parse::<f64>().ok()))
    else {
        return (String::new(), String::new());
    };
    if !vt.is_numeric() || vt == ValueType::YesNo {
        return (String::new(), String::new());
    }
    let d = a - b;
    let sign = if d > 0.0 { "+" } else { "" };
    let abs = if vt == ValueType::Integer {
        format!("{sign}{}", format_integer(d.round() as i64))
    } else {
        format!("{sign}{}", format_auto(d, 2))
    };
    let pct = if b != 0.0 {
        let p = d / b.abs() * 100.0;
        format!("{}{}%", if p > 0.0 { "+" } else { "" }, format_number(p, 1))
    } else {
        String::new()
    };
    (abs, pct)
}

/// The report as stored; `typed` and `errors` show what was typed instead
/// (a page re-rendered after a refused input).
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    t: &Target,
    typed: Option<&ReportInput>,
    errors: &[FieldError],
) -> Result<ReportView, AppError> {
    let lang = user.lang;
    let model = &t.model;
    let stored = by_key(state.store.values(&t.filter(t.period)).await?);
    let prev_period = t.period.previous();
    let previous = by_key(state.store.values(&t.filter(prev_period)).await?);
    let sub = submission(state, t).await?;
    let status = sub.as_ref().map(|s| s.status);
    let narratives_stored: Vec<Narrative> = state
        .store
        .narratives(Some(&t.form.code), Some(&t.period))
        .await?
        .into_iter()
        .filter(|n| n.unit == t.unit_code)
        .collect();
    let cal = WorkingCalendar::vietnam();
    let due = t.form.due.due_date(&t.period, t.form.cutoff, &cal);
    let sections = t
        .form
        .sections
        .iter()
        .map(|s| SectionView {
            name: s.name.clone(),
            elements: s
                .elements
                .iter()
                .filter_map(|e| model.element(e.as_str()))
                .map(|e| {
                    let opts: Vec<(Option<Code>, Option<String>)> = match model.element_disaggregation(e.code.as_str())
                    {
                        Some(d) => d.options.iter().map(|o| (Some(o.code.clone()), Some(o.name.clone()))).collect(),
                        None => vec![(None, None)],
                    };
                    let vt = e.value_type;
                    let cells: Vec<CellView> = opts
                        .into_iter()
                        .map(|(o, oname)| {
                            let key = cell_key(e.code.as_str(), o.as_ref().map(Code::as_str));
                            let id = match &o {
                                Some(o) => format!("v-{}-{}", e.code, o),
                                None => format!("v-{}", e.code),
                            };
                            let value = stored.get(&key).map(|v| v.value.clone());
                            let prev = previous.get(&key).map(|v| v.value.clone());
                            let text = match typed.and_then(|i| i.values.get(&key)) {
                                Some(s) => s.clone(),
                                None => value.as_deref().map(|v| display_value(vt, v, lang)).unwrap_or_default(),
                            };
                            let (change_text, change_pct_text) = change_texts(vt, value.as_deref(), prev.as_deref());
                            CellView {
                                id,
                                option: o.as_ref().map(|c| c.to_string()),
                                option_name: oname,
                                previous_text: prev.as_deref().map(|v| display_value(vt, v, lang)).unwrap_or_default(),
                                previous: prev,
                                comment: stored.get(&key).and_then(|v| v.comment.clone()),
                                error: errors.iter().find(|x| x.key == key).map(|x| x.message.clone()),
                                value,
                                text,
                                change_text,
                                change_pct_text,
                                key,
                            }
                        })
                        .collect();
                    let disaggregated = cells.len() > 1 || cells.first().is_some_and(|c| c.option.is_some());
                    let sum = |f: &dyn Fn(&CellView) -> Option<&String>| -> String {
                        let xs: Vec<f64> = cells.iter().filter_map(|c| f(c)?.parse().ok()).collect();
                        if disaggregated && !xs.is_empty() {
                            display_value(vt, &xs.iter().sum::<f64>().to_string(), lang)
                        } else {
                            String::new()
                        }
                    };
                    let total_text = sum(&|c| c.value.as_ref());
                    let previous_total_text = sum(&|c| c.previous.as_ref());
                    ElementView {
                        code: e.code.to_string(),
                        name: e.name.clone(),
                        unit_of_measure: e.unit_of_measure.clone().unwrap_or_default(),
                        value_type: vt,
                        type_label: vt.label_vi(),
                        vt: match vt {
                            ValueType::Integer => "integer",
                            ValueType::Number | ValueType::Percentage => "number",
                            _ => "",
                        },
                        numeric: vt.is_numeric() && vt != ValueType::YesNo,
                        disaggregated,
                        cells,
                        total_text,
                        previous_total_text,
                    }
                })
                .collect(),
        })
        .collect();
    let narratives = t
        .form
        .narratives
        .iter()
        .map(|n| NarrativeView {
            code: n.code.to_string(),
            title: n.title.clone(),
            text: match typed.and_then(|i| i.narratives.get(n.code.as_str())) {
                Some(s) => s.clone(),
                None => {
                    narratives_stored.iter().find(|x| x.section == n.code).map(|x| x.text.clone()).unwrap_or_default()
                }
            },
        })
        .collect();
    let mut violations = violations(t, &stored);
    if let Some(i) = typed {
        for v in &mut violations {
            if let Some(x) = i.explanations.get(&v.rule) {
                v.explanation = Some(x.clone());
            }
        }
    }
    let role = user.role();
    let can_edit = workflow::can_edit(status, role) && user.scope().can_write(model.tree(), t.unit);
    let actions = if user.scope().can_write(model.tree(), t.unit) {
        workflow::available_actions(status, role)
    } else {
        Vec::new()
    };
    let today = state.today();
    Ok(ReportView {
        form: t.form.code.to_string(),
        form_name: t.form.name.clone(),
        period: t.period.to_string(),
        period_label: period_label(&t.period, lang),
        previous_period: prev_period.to_string(),
        previous_period_label: period_label(&prev_period, lang),
        unit: t.unit_code.to_string(),
        unit_name: model.tree().unit(t.unit).name.clone(),
        status,
        status_code: status_code(status),
        status_label: status_label(status, lang),
        due,
        due_text: due.format("%d/%m/%Y").to_string(),
        overdue: due < today && !status.is_some_and(SubmissionStatus::is_reported),
        submitted_at: sub.as_ref().and_then(|s| s.submitted_at),
        submitted_by: sub.as_ref().and_then(|s| s.submitted_by.clone()),
        review: sub.and_then(|s| s.review),
        can_edit,
        actions,
        sections,
        narratives,
        violations,
        href: t.href(),
        review_href: t.review_href(),
    })
}

/// The status changes of the report, newest first, from the audit trail.
pub async fn history(state: &AppState, t: &Target, lang: Lang) -> Result<Vec<HistoryEntry>, AppError> {
    let filter = AuditFilter {
        kind: Some("submission".into()),
        unit: Some(t.unit_code.clone()),
        form: Some(t.form.code.clone()),
        period: Some(t.period),
        ..AuditFilter::default()
    };
    let label = |s: Option<&str>| -> String {
        let st = s.and_then(|c| serde_json::from_value::<SubmissionStatus>(serde_json::Value::String(c.into())).ok());
        if s.is_none() { String::new() } else { status_label(st, lang).to_string() }
    };
    Ok(state
        .store
        .audit(&filter)
        .await?
        .into_iter()
        .filter(|e| matches!(e.subject, AuditSubject::Submission { .. }))
        .map(|e| HistoryEntry {
            at: e.at,
            at_text: e.at.format("%d/%m/%Y %H:%M").to_string(),
            username: e.username.clone(),
            route: e.route.clone(),
            from: label(e.old.as_deref()),
            to: label(e.new.as_deref()),
            to_code: e.new.clone().unwrap_or_default(),
            comment: e.comment.clone(),
        })
        .collect())
}

// ---------------------------------------------------------------------------
// Acting on a report

/// What an action did.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Done: the report is now in `status`.
    Done { status: SubmissionStatus, message: String, changed_values: usize },
    /// Some typed values were refused; nothing was saved.
    Invalid { errors: Vec<FieldError>, message: String },
    /// The submit was refused by the rules (errors, or warnings not
    /// explained); the figures were saved as a draft.
    Blocked { status: SubmissionStatus, violations: Vec<ViolationView>, message: String },
}

impl Outcome {
    pub fn message(&self) -> &str {
        match self {
            Outcome::Done { message, .. } | Outcome::Invalid { message, .. } | Outcome::Blocked { message, .. } => {
                message
            }
        }
    }
}

/// Values to write: key → canonical value (None deletes it).
type Changes = Vec<(String, Option<String>)>;

/// Parses typed values against the form: Vietnamese numbers ("1.205",
/// "92,12"), yes/no, dates; each refusal names the field.
pub fn parse_input(t: &Target, input: &ReportInput, lang: Lang) -> Result<Changes, Vec<FieldError>> {
    let cells = t.cells();
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    for (key, text) in &input.values {
        let found = cells.iter().find(|(e, o)| cell_key(e.as_str(), o.as_ref().map(Code::as_str)) == *key);
        let Some((e, o)) = found else {
            errors.push(FieldError {
                key: key.clone(),
                id: format!("v-{}", key.replace('.', "-")),
                field: key.clone(),
                text: text.clone(),
                message: format!(
                    "{} {key} {}",
                    lang.pick("Ô", "Field"),
                    lang.pick("không thuộc biểu mẫu này", "is not part of this form")
                ),
            });
            continue;
        };
        let element = t.model.element(e.as_str()).expect("form elements exist");
        let field = match o {
            Some(o) => {
                let oname = t
                    .model
                    .element_disaggregation(e.as_str())
                    .and_then(|d| d.options.iter().find(|x| &x.code == o))
                    .map_or_else(|| o.to_string(), |x| x.name.clone());
                format!("{} — {oname}", element.name)
            }
            None => element.name.clone(),
        };
        if text.trim().is_empty() {
            changes.push((key.clone(), None));
            continue;
        }
        match element.value_type.normalize(text) {
            Ok(v) => changes.push((key.clone(), Some(v))),
            Err(err) => errors.push(FieldError {
                key: key.clone(),
                id: format!("v-{}", key.replace('.', "-")),
                message: format!("{field}: {}", err),
                field,
                text: text.clone(),
            }),
        }
    }
    if errors.is_empty() { Ok(changes) } else { Err(errors) }
}

/// Does `action` to the report as `user`: checks scope and workflow, then
/// (save_draft, submit) parses and saves what was typed, or (the others)
/// changes the status. `comment` is the office's reason (required to return).
pub async fn act(
    state: &AppState,
    user: &CurrentUser,
    t: &Target,
    action: Action,
    input: &ReportInput,
    comment: Option<&str>,
) -> Result<Outcome, AppError> {
    user.require_write(state, t.unit)?;
    let sub = submission(state, t).await?;
    let from = sub.as_ref().map(|s| s.status);
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    workflow::next_status(from, action, user.role(), comment).map_err(|e| workflow_error(e, user.lang))?;
    let changes = match action {
        Action::SaveDraft | Action::Submit => match parse_input(t, input, user.lang) {
            Ok(c) => c,
            Err(errors) => {
                let message = format!(
                    "{} {}",
                    user.lang.pick("Chưa lưu: có giá trị không hợp lệ —", "Not saved: invalid values —"),
                    errors.iter().map(|e| e.field.clone()).collect::<Vec<_>>().join("; ")
                );
                return Ok(Outcome::Invalid { errors, message });
            }
        },
        _ => Vec::new(),
    };
    apply(state, user, t, sub, action, changes, input, comment).await
}

/// Saves parsed values (an upload) as a draft.
pub async fn save_values(
    state: &AppState,
    user: &CurrentUser,
    t: &Target,
    changes: Changes,
) -> Result<Outcome, AppError> {
    user.require_write(state, t.unit)?;
    let sub = submission(state, t).await?;
    let from = sub.as_ref().map(|s| s.status);
    workflow::next_status(from, Action::SaveDraft, user.role(), None).map_err(|e| workflow_error(e, user.lang))?;
    apply(state, user, t, sub, Action::SaveDraft, changes, &ReportInput::default(), None).await
}

#[allow(clippy::too_many_arguments)]
async fn apply(
    state: &AppState,
    user: &CurrentUser,
    t: &Target,
    sub: Option<Submission>,
    action: Action,
    changes: Changes,
    input: &ReportInput,
    comment: Option<&str>,
) -> Result<Outcome, AppError> {
    let lang = user.lang;
    let role = user.role();
    let from = sub.as_ref().map(|s| s.status);
    let at = now(state);
    let edits = matches!(action, Action::SaveDraft | Action::Submit);

    // The values after the change.
    let stored = if edits { by_key(state.store.values(&t.filter(t.period)).await?) } else { HashMap::new() };
    let mut after = stored.clone();
    for (key, value) in &changes {
        match value {
            None => {
                after.remove(key);
            }
            Some(v) => {
                let (element, option) = match key.split_once('.') {
                    Some((e, o)) => (e, Some(o)),
                    None => (key.as_str(), None),
                };
                let comment = after.get(key).and_then(|x| x.comment.clone());
                after.insert(
                    key.clone(),
                    DataValue {
                        element: Code::new(element).map_err(|e| AppError::BadRequest(e.to_string()))?,
                        period: t.period,
                        unit: t.unit_code.clone(),
                        option: option.map(Code::new).transpose().map_err(|e| AppError::BadRequest(e.to_string()))?,
                        value: v.clone(),
                        stored_by: Some(user.username().to_string()),
                        comment,
                        updated_at: None,
                    },
                );
            }
        }
    }
    // Explanations of warnings, kept as the comment of the rule's cell.
    let mut problems = if edits { violations(t, &after) } else { Vec::new() };
    if edits {
        let rules = t.rules();
        for p in &mut problems {
            let Some(text) = input.explanations.get(&p.rule).map(|s| s.trim()).filter(|s| !s.is_empty()) else {
                continue;
            };
            let Some(rule) = rules.iter().find(|r| r.code.as_str() == p.rule) else { continue };
            if let Some(k) = explain_cell(t, rule, &after)
                && let Some(v) = after.get_mut(&k)
            {
                v.comment = Some(text.to_string());
                p.explanation = Some(text.to_string());
            }
        }
    }
    let mut blocked = false;
    if action == Action::Submit {
        blocked = problems.iter().any(|p| p.is_error() || p.explanation.as_deref().is_none_or(str::is_empty));
    }
    let effective = if blocked { Action::SaveDraft } else { action };
    let to = workflow::next_status(from, effective, role, comment).map_err(|e| workflow_error(e, lang))?;

    // What to write.
    let mut puts: Vec<DataValue> = Vec::new();
    let mut deleted_elements: Vec<String> = Vec::new();
    let mut cleared: Vec<DataValue> = Vec::new();
    if edits {
        for (k, v) in &after {
            let old = stored.get(k);
            if old.is_none_or(|o| o.value != v.value || o.comment != v.comment) {
                puts.push(v.clone());
            }
        }
        for (k, v) in &stored {
            if !after.contains_key(k) {
                if !deleted_elements.contains(&v.element.to_string()) {
                    deleted_elements.push(v.element.to_string());
                }
                cleared.push(DataValue { value: String::new(), comment: None, ..v.clone() });
            }
        }
        // A store deletes whole elements: put back the options kept.
        for e in &deleted_elements {
            for v in after.values().filter(|v| v.element.as_str() == e) {
                if !puts.iter().any(|p| p.key() == v.key()) {
                    puts.push(v.clone());
                }
            }
        }
        puts.sort_by(|a, b| a.key().cmp(&b.key()));
    }
    let narratives: Vec<Narrative> = if edits {
        let current = state.store.narratives(Some(&t.form.code), Some(&t.period)).await?;
        t.form
            .narratives
            .iter()
            .filter_map(|n| {
                let text = input.narratives.get(n.code.as_str())?.trim().to_string();
                let old = current.iter().find(|x| x.unit == t.unit_code && x.section == n.code);
                let changed = match old {
                    Some(o) => o.text != text,
                    None => !text.is_empty(),
                };
                changed.then(|| Narrative {
                    form: t.form.code.clone(),
                    period: t.period,
                    unit: t.unit_code.clone(),
                    section: n.code.clone(),
                    text,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut new_sub = sub.clone().unwrap_or(Submission {
        form: t.form.code.clone(),
        period: t.period,
        unit: t.unit_code.clone(),
        status: to,
        submitted_at: None,
        submitted_by: None,
        review: None,
    });
    new_sub.status = to;
    match effective {
        Action::Submit => {
            new_sub.submitted_at = new_sub.submitted_at.or(Some(at));
            new_sub.submitted_by = Some(user.username().to_string());
            new_sub.review = None;
        }
        Action::Return | Action::Approve | Action::Reopen => {
            new_sub.review = Some(Review { by: user.username().to_string(), at, comment: comment.map(str::to_string) });
        }
        _ => {}
    }

    let mut tx = state.store.begin_as(&user.actor()).await?;
    for e in &deleted_elements {
        tx.delete_values(&ValueFilter {
            elements: vec![Code::new(e.as_str()).expect("stored code")],
            units: vec![t.unit_code.clone()],
            periods: vec![t.period],
            between: None,
        })
        .await?;
    }
    if !puts.is_empty() {
        tx.put_values(&puts).await?;
    }
    if !narratives.is_empty() {
        tx.put_narratives(&narratives).await?;
    }
    if sub.as_ref() != Some(&new_sub) {
        tx.put_submissions(std::slice::from_ref(&new_sub)).await?;
    }
    tx.commit().await?;
    let mut written = cleared;
    written.extend(puts.iter().cloned());
    let changed_values = written.len();
    state.values_written(&written).await;

    if blocked {
        let errors = problems.iter().filter(|p| p.is_error()).count();
        let names: Vec<String> = problems
            .iter()
            .filter(|p| p.is_error() || p.explanation.is_none())
            .map(|p| format!("{} ({})", p.rule, p.elements.join(", ")))
            .collect();
        let why = if errors > 0 {
            lang.pick(
                "Chưa gửi được: số liệu vi phạm quy tắc kiểm tra",
                "Not submitted: the figures break validation rules",
            )
        } else {
            lang.pick("Chưa gửi được: cần giải trình các cảnh báo", "Not submitted: explain the warnings first")
        };
        let message = format!(
            "{why} — {}. {}",
            names.join("; "),
            lang.pick(
                "Số liệu đã nhập được lưu nháp; hãy sửa rồi gửi lại.",
                "The figures typed were saved as a draft; fix them and submit again."
            )
        );
        return Ok(Outcome::Blocked { status: to, violations: problems, message });
    }
    let message = match effective {
        Action::SaveDraft => lang.pick("Đã lưu nháp.", "Draft saved."),
        Action::Submit => lang.pick("Đã gửi báo cáo.", "Report submitted."),
        Action::Recall => lang.pick("Đã rút lại báo cáo; có thể sửa và gửi lại.", "Report recalled."),
        Action::Return => lang.pick("Đã trả lại báo cáo cho đơn vị.", "Report returned to the unit."),
        Action::Approve => lang.pick("Đã duyệt báo cáo; số liệu được khóa.", "Report approved; its data is locked."),
        Action::Reopen => lang.pick("Đã mở lại báo cáo.", "Report reopened."),
    };
    Ok(Outcome::Done { status: to, message: message.to_string(), changed_values })
}

// ---------------------------------------------------------------------------
// Uploads

/// A file read into this report's values, not yet saved.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Upload {
    pub changes: Vec<(String, Option<String>)>,
    /// Rows or cells refused, each naming its place.
    pub errors: Vec<String>,
    /// Values of other forms, units or periods (not taken), and empty cells.
    pub ignored: u64,
    pub ignored_examples: Vec<String>,
}

/// Reads an uploaded file (CSV, XLSX or dataValueSets JSON, by its name)
/// with chiso-io's readers; keeps only this report's values.
pub fn read_upload(t: &Target, file_name: &str, bytes: &[u8], lang: Lang) -> Result<Upload, AppError> {
    let ext =
        std::path::Path::new(file_name).extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "csv" | "xlsx" | "xlsm" | "json") {
        return Err(AppError::BadRequest(
            lang.pick("Tệp phải là .csv, .xlsx hoặc .json.", "The file must be .csv, .xlsx or .json.").into(),
        ));
    }
    // chiso-io reads files by path: a private temporary copy.
    let mut rnd = [0u8; 12];
    getrandom::fill(&mut rnd).map_err(|e| AppError::Internal(e.to_string()))?;
    let dir = std::env::temp_dir()
        .join(format!("chiso-upload-{}", rnd.iter().map(|b| format!("{b:02x}")).collect::<String>()));
    std::fs::create_dir(&dir).map_err(|e| AppError::Internal(e.to_string()))?;
    let safe_name: String = file_name
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '.' || c == '-' || c == '_' { c } else { '_' })
        .collect();
    let path = dir.join(if safe_name.is_empty() { format!("upload.{ext}") } else { safe_name });
    let result = std::fs::write(&path, bytes)
        .map_err(|e| AppError::Internal(e.to_string()))
        .and_then(|_| chiso_io::read_values(&t.model, &path, None).map_err(|e| AppError::BadRequest(e.to_string())));
    let _ = std::fs::remove_dir_all(&dir);
    let read = result?;
    let cells: Vec<String> =
        t.cells().iter().map(|(e, o)| cell_key(e.as_str(), o.as_ref().map(Code::as_str))).collect();
    let mut out = Upload { ignored: read.ignored, ..Upload::default() };
    out.errors = read.errors.iter().map(ToString::to_string).collect();
    for v in read.values {
        let key = cell_key(v.element.as_str(), v.option.as_ref().map(Code::as_str));
        if v.unit == t.unit_code && v.period == t.period && cells.contains(&key) {
            out.changes.retain(|(k, _)| *k != key);
            out.changes.push((key, Some(v.value)));
        } else {
            out.ignored += 1;
            if out.ignored_examples.len() < 5 {
                out.ignored_examples.push(format!("{key} · {} · {}", v.period, v.unit));
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Reports due (home)

#[derive(Clone, Debug, Serialize)]
pub struct DueReport {
    pub form: String,
    pub form_name: String,
    pub period: String,
    pub period_label: String,
    pub unit: String,
    pub unit_name: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub due: NaiveDate,
    pub due_text: String,
    pub overdue: bool,
    /// The office's reason for returning it.
    pub comment: Option<String>,
    pub href: String,
}

/// The reports the account's units owe: per form they report, the period
/// now open and the previous ones not yet approved; overdue first.
pub async fn due_reports(
    state: &AppState,
    user: &CurrentUser,
    form: Option<&str>,
    period: Option<&str>,
) -> Result<Vec<DueReport>, AppError> {
    let model = state.model();
    let tree = model.tree();
    let lang = user.lang;
    let today = state.today();
    let cal = WorkingCalendar::vietnam();
    let mine = user.scope().units(tree);
    let mut out = Vec::new();
    for f in &model.metadata().forms {
        if form.is_some_and(|c| c != f.code.as_str()) {
            continue;
        }
        let units: Vec<UnitIx> = model.form_units(f).into_iter().filter(|u| mine.binary_search(u).is_ok()).collect();
        if units.is_empty() {
            continue;
        }
        let current = f.cutoff.period_for_date(f.period_type, today);
        let periods: Vec<Period> = match period {
            Some(p) => match Period::parse(p) {
                Ok(p) if p.period_type() == f.period_type => vec![p],
                _ => continue,
            },
            None => (0..=LOOKBACK).map(|i| current.offset(-i)).collect(),
        };
        let subs = state.store.submissions(Some(&f.code), &periods).await?;
        for p in &periods {
            let due = f.due.due_date(p, f.cutoff, &cal);
            for &u in &units {
                let unit = tree.unit(u);
                if !unit.overlaps(p.start(), p.end()) {
                    continue;
                }
                let sub = subs.iter().find(|s| s.period == *p && s.unit == unit.code);
                let status = sub.map(|s| s.status);
                if period.is_none() && *p != current && status == Some(SubmissionStatus::Approved) {
                    continue;
                }
                out.push(DueReport {
                    form: f.code.to_string(),
                    form_name: f.name.clone(),
                    period: p.to_string(),
                    period_label: period_label(p, lang),
                    unit: unit.code.to_string(),
                    unit_name: unit.name.clone(),
                    status: status_code(status),
                    status_label: status_label(status, lang),
                    due,
                    due_text: due.format("%d/%m/%Y").to_string(),
                    overdue: due < today && !status.is_some_and(SubmissionStatus::is_reported),
                    comment: sub
                        .filter(|s| s.status == SubmissionStatus::Returned)
                        .and_then(|s| s.review.as_ref())
                        .and_then(|r| r.comment.clone()),
                    href: format!("/forms/{}/{}/{}", f.code, p, unit.code),
                });
            }
        }
    }
    out.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.due.cmp(&b.due)));
    Ok(out)
}

// ---------------------------------------------------------------------------
// Review board (completeness)

#[derive(Clone, Debug, Serialize)]
pub struct BoardRow {
    pub unit: String,
    pub unit_name: String,
    pub parent_name: String,
    /// "on_time", "late", "missing", "not_due".
    pub status: &'static str,
    pub status_label: &'static str,
    /// The report's workflow status.
    pub report_status: &'static str,
    pub report_status_label: &'static str,
    pub submitted_at: String,
    pub days_late: Option<i64>,
    pub href: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParentRates {
    pub parent: Option<String>,
    pub name: String,
    pub rates: Rates,
    pub reporting_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Board {
    pub form: String,
    pub form_name: String,
    pub period: String,
    pub period_label: String,
    pub due: NaiveDate,
    pub due_text: String,
    pub total: Rates,
    pub reporting_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub units: Vec<BoardRow>,
    pub by_parent: Vec<ParentRates>,
    pub reminder: String,
    /// The form's recent periods, newest first: (id, label).
    pub periods: Vec<(String, String)>,
}

pub fn report_status_code(s: ReportStatus) -> &'static str {
    match s {
        ReportStatus::OnTime => "on_time",
        ReportStatus::Late => "late",
        ReportStatus::Missing => "missing",
        ReportStatus::NotYetDue => "not_due",
    }
}

/// The board's default: the first monthly form (else the first form) and
/// its latest period past its deadline.
pub fn default_board(state: &AppState) -> Option<(String, String)> {
    let model = state.model();
    let forms = &model.metadata().forms;
    let f = forms.iter().find(|f| f.period_type.months() == Some(1)).or_else(|| forms.first())?;
    let p = latest_due_period(f, state.today(), &WorkingCalendar::vietnam());
    Some((f.code.to_string(), p.to_string()))
}

/// Who reported the form for the period, on time, late or not at all, as
/// `chiso completeness` computes it for the same day.
pub async fn board(state: &AppState, form: &str, period: &str, lang: Lang) -> Result<Board, AppError> {
    let model = state.model();
    let f = model.form(form).ok_or_else(|| AppError::not_found(format!("biểu mẫu {form}")))?;
    let p = Period::parse(period)
        .ok()
        .filter(|p| p.period_type() == f.period_type)
        .ok_or_else(|| AppError::not_found(format!("kỳ báo cáo {period} của biểu mẫu {form}")))?;
    let today = state.today();
    let cal = WorkingCalendar::vietnam();
    let now = Local::now().naive_local().min(today.and_hms_opt(23, 59, 59).expect("valid time"));
    let subs = state.store.submissions(Some(&f.code), &[p]).await?;
    let c = completeness(&model, f, &p, &subs, now, &cal);
    let tree = model.tree();
    let total = c.total();
    let units = c
        .units
        .iter()
        .map(|u| {
            let unit = tree.unit(u.unit);
            let st = subs.iter().find(|s| s.unit == unit.code).map(|s| s.status);
            BoardRow {
                unit: unit.code.to_string(),
                unit_name: unit.name.clone(),
                parent_name: tree.parent(u.unit).map(|p| tree.unit(p).name.clone()).unwrap_or_default(),
                status: report_status_code(u.status),
                status_label: match lang {
                    Lang::Vi => u.status.label_vi(),
                    Lang::En => u.status.label_en(),
                },
                report_status: status_code(st),
                report_status_label: status_label(st, lang),
                submitted_at: u.submitted_at.map(|t| t.format("%d/%m/%Y %H:%M").to_string()).unwrap_or_default(),
                days_late: u.days_late,
                href: format!("/review/{}/{}/{}", f.code, p, unit.code),
            }
        })
        .collect();
    let by_parent = c
        .by_parent(&model)
        .into_iter()
        .map(|(parent, rates)| ParentRates {
            parent: parent.map(|x| tree.unit(x).code.to_string()),
            name: parent.map_or_else(|| "—".to_string(), |x| tree.unit(x).name.clone()),
            reporting_rate: rates.reporting_rate(),
            on_time_rate: rates.on_time_rate(),
            rates,
        })
        .collect();
    let names = |s: ReportStatus| c.with_status(s).map(|u| tree.unit(u.unit).name.clone()).collect::<Vec<_>>();
    let (missing, late) = (names(ReportStatus::Missing), names(ReportStatus::Late));
    let mut reminder = String::new();
    let label = period_label(&p, lang);
    let due_text = c.due.format("%d/%m/%Y").to_string();
    if !missing.is_empty() {
        reminder.push_str(&match lang {
            Lang::Vi => format!(
                "Đề nghị các đơn vị sau gửi báo cáo {} {} (hạn {due_text}): {}.",
                f.name.to_lowercase().trim_start_matches("báo cáo ").trim(),
                label.to_lowercase(),
                missing.join(", ")
            ),
            Lang::En => {
                format!("Please send the report {} for {label} (due {due_text}): {}.", f.name, missing.join(", "))
            }
        });
    }
    if !late.is_empty() {
        if !reminder.is_empty() {
            reminder.push('\n');
        }
        reminder.push_str(&match lang {
            Lang::Vi => {
                format!("Các đơn vị gửi báo cáo trễ hạn, đề nghị lưu ý thời hạn các kỳ sau: {}.", late.join(", "))
            }
            Lang::En => format!("Reports sent late (mind the deadline next time): {}.", late.join(", ")),
        });
    }
    let current = f.cutoff.period_for_date(f.period_type, today);
    let periods =
        (0..PICKER_PERIODS).map(|i| current.offset(-i)).map(|x| (x.to_string(), period_label(&x, lang))).collect();
    Ok(Board {
        form: f.code.to_string(),
        form_name: f.name.clone(),
        period: p.to_string(),
        period_label: label,
        due: c.due,
        due_text,
        reporting_rate: total.reporting_rate(),
        on_time_rate: total.on_time_rate(),
        total,
        units,
        by_parent,
        reminder,
        periods,
    })
}

/// The forms for pickers: (code, name).
pub fn forms(state: &AppState) -> Vec<(String, String)> {
    state.model().metadata().forms.iter().map(|f| (f.code.to_string(), f.name.clone())).collect()
}
