//! Editing the projects-and-budgets register and the task assignments from
//! the web: investment projects (`/projects/new`, `/projects/{code}/edit`),
//! recurrent-budget tasks (`/projects/recurrent/...`), a year's state budget
//! (`POST /projects/state-budget`), deletions with a confirm step, the
//! disbursements the implementing units record as the year goes
//! (`POST /projects/{code}/disbursements`) and the plan's tasks
//! (`/tasks/new`, `/tasks/{code}/edit`).
//!
//! The write functions (`put_project`, `add_disbursement`...) are shared with
//! the JSON API (`api::registers`). Each goes through
//! [`register_edit::apply`]: the whole register is checked against the model
//! by the core (`Registers::validate`) and only the touched objects are
//! stored, audited as the user. Who may: the office and admins edit
//! everything; a reporter records disbursements of the projects and recurrent
//! tasks of the units it writes for; leaders write nothing.
//!
//! Forms post plain fields; rows (decisions, funding sources, allocations)
//! repeat their field names, and a wrong form is shown again with what was
//! typed and the problems, each naming its field. Amounts are millions of
//! đồng typed the Vietnamese way ("1.250,5") and stored as exact [`Money`].

use crate::auth::CurrentUser;
use crate::error::{AppError, PageResult};
use crate::pages::registers::{self, Choice, PaymentRow, STATUSES, kind_key, kind_label, status_key, status_label};
use crate::pages::{Chrome, date, datetime};
use crate::register_edit::{self, Change, place};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chiso_core::Code;
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::plan::EvaluationTime;
use chiso_core::register::{
    Allocation, BudgetKind, Decision, Disbursement, Funding, InvestmentProject, Money, ProgressReport, RecurrentTask,
    Registers, Source, StateBudget, Task, YearSpan,
};
use chiso_store::AuditFilter;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/projects/new", get(project_new).post(project_create))
        .route("/projects/{code}/edit", get(project_edit).post(project_update))
        .route("/projects/{code}/delete", get(item_delete_page).post(item_delete_post))
        .route("/projects/{code}/disbursements", post(disbursement_post))
        .route("/projects/recurrent/new", get(recurrent_new).post(recurrent_create))
        .route("/projects/recurrent/{code}/edit", get(recurrent_edit).post(recurrent_update))
        .route("/projects/state-budget", post(state_budget_post))
        .route("/tasks/new", get(task_new).post(task_create))
        .route("/tasks/{code}/edit", get(task_edit).post(task_update))
        .route("/tasks/{code}/delete", get(task_delete_page).post(task_delete_post))
}

// ------------------------------------------------------------------ writes (pages and API)

/// How a write treats an object that is, or is not, there yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// A new object: refused when its code is taken.
    Create,
    /// An existing object: refused when there is none.
    Replace,
    /// Either (the API's PUT).
    Upsert,
}

/// The position of the object with `code` in `list`, if `write` allows what it finds.
fn position<T>(
    list: &[T],
    code: &Code,
    key: impl Fn(&T) -> &Code,
    write: Write,
    what: &str,
) -> Result<Option<usize>, AppError> {
    let at = list.iter().position(|x| key(x) == code);
    match (write, at) {
        (Write::Create, Some(_)) => Err(AppError::Conflict(format!("Mã {code} đã có ({what}); hãy chọn mã khác."))),
        (Write::Replace, None) => Err(AppError::not_found(format!("{what} {code}"))),
        _ => Ok(at),
    }
}

fn put_at<T>(list: &mut Vec<T>, at: Option<usize>, x: T) {
    match at {
        Some(i) => list[i] = x,
        None => list.push(x),
    }
}

/// Projects and recurrent tasks share `/projects/{code}`, so one code names one of them.
fn code_free(reg: &Registers, code: &Code, project: bool) -> Result<(), AppError> {
    let (clash, other) = if project {
        (reg.recurrent_tasks.iter().any(|t| &t.code == code), "một nhiệm vụ chi thường xuyên")
    } else {
        (reg.projects.iter().any(|p| &p.code == code), "một dự án")
    };
    if clash {
        Err(AppError::Conflict(format!("Mã {code} đã dùng cho {other}; hãy chọn mã khác.")))
    } else {
        Ok(())
    }
}

/// A budget item kept at `/projects/{code}`: an investment project or a
/// recurrent-budget task, stored the same way.
trait BudgetItem: Clone + Send {
    /// The register list, as its errors name it ("projects").
    const LIST: &'static str;
    /// What it is called in messages.
    const WHAT: &'static str;
    const IS_PROJECT: bool;
    fn code(&self) -> &Code;
    fn disbursements(&mut self) -> &mut Vec<chiso_core::register::Disbursement>;
    fn list(reg: &mut Registers) -> &mut Vec<Self>;
    fn alone(self) -> Registers;
}

impl BudgetItem for InvestmentProject {
    const LIST: &'static str = "projects";
    const WHAT: &'static str = "dự án";
    const IS_PROJECT: bool = true;
    fn code(&self) -> &Code {
        &self.code
    }
    fn disbursements(&mut self) -> &mut Vec<chiso_core::register::Disbursement> {
        &mut self.disbursements
    }
    fn list(reg: &mut Registers) -> &mut Vec<Self> {
        &mut reg.projects
    }
    fn alone(self) -> Registers {
        Registers { projects: vec![self], ..Registers::default() }
    }
}

impl BudgetItem for RecurrentTask {
    const LIST: &'static str = "recurrent_tasks";
    const WHAT: &'static str = "nhiệm vụ chi thường xuyên";
    const IS_PROJECT: bool = false;
    fn code(&self) -> &Code {
        &self.code
    }
    fn disbursements(&mut self) -> &mut Vec<chiso_core::register::Disbursement> {
        &mut self.disbursements
    }
    fn list(reg: &mut Registers) -> &mut Vec<Self> {
        &mut reg.recurrent_tasks
    }
    fn alone(self) -> Registers {
        Registers { recurrent_tasks: vec![self], ..Registers::default() }
    }
}

/// Stores a budget item as the office; answers it as stored and whether it
/// is new. With `keep_disbursements` the stored disbursements stay (the
/// page's form does not carry them; the API's body does).
async fn put_item<T: BudgetItem>(
    state: &AppState,
    user: &CurrentUser,
    item: T,
    write: Write,
    keep_disbursements: bool,
) -> Result<(T, bool), AppError> {
    user.require_manage()?;
    let mut out = None;
    register_edit::apply(state, user, |reg| {
        let mut item = item;
        code_free(reg, item.code(), T::IS_PROJECT)?;
        let at = position(T::list(reg), item.code(), |x| x.code(), write, T::WHAT)?;
        if keep_disbursements && let Some(i) = at {
            *item.disbursements() = T::list(reg)[i].disbursements().clone();
        }
        put_at(T::list(reg), at, item.clone());
        let places = vec![place(T::LIST, item.code())];
        out = Some((item.clone(), at.is_none()));
        Ok(Change::save(item.alone(), places))
    })
    .await?;
    Ok(out.expect("set by the edit"))
}

/// Stores an investment project as the office ([`put_item`]).
pub async fn put_project(
    state: &AppState,
    user: &CurrentUser,
    p: InvestmentProject,
    write: Write,
    keep_disbursements: bool,
) -> Result<(InvestmentProject, bool), AppError> {
    put_item(state, user, p, write, keep_disbursements).await
}

/// Stores a recurrent-budget task as the office ([`put_item`]).
pub async fn put_recurrent(
    state: &AppState,
    user: &CurrentUser,
    t: RecurrentTask,
    write: Write,
    keep_disbursements: bool,
) -> Result<(RecurrentTask, bool), AppError> {
    put_item(state, user, t, write, keep_disbursements).await
}

/// Sets a year's state budget (created or replaced) as the office.
pub async fn put_state_budget(
    state: &AppState,
    user: &CurrentUser,
    b: StateBudget,
) -> Result<(StateBudget, bool), AppError> {
    user.require_manage()?;
    let mut out = None;
    register_edit::apply(state, user, |reg| {
        let at = reg.state_budget.iter().position(|x| x.year == b.year);
        put_at(&mut reg.state_budget, at, b.clone());
        // The core names a state budget by its position in the list.
        let i = at.unwrap_or(reg.state_budget.len() - 1);
        out = Some((b.clone(), at.is_none()));
        Ok(Change::save(
            Registers { state_budget: vec![b], ..Registers::default() },
            vec![format!("state_budget[{i}]")],
        ))
    })
    .await?;
    Ok(out.expect("set by the edit"))
}

/// Stores a task of the plan as the office; its progress reports are kept.
pub async fn put_task(state: &AppState, user: &CurrentUser, t: Task, write: Write) -> Result<(Task, bool), AppError> {
    user.require_manage()?;
    let mut out = None;
    register_edit::apply(state, user, |reg| {
        let at = position(&reg.tasks, &t.code, |x| &x.code, write, "nhiệm vụ")?;
        put_at(&mut reg.tasks, at, t.clone());
        let places = vec![place("tasks", &t.code)];
        out = Some((t.clone(), at.is_none()));
        Ok(Change::save(Registers { tasks: vec![t], ..Registers::default() }, places))
    })
    .await?;
    Ok(out.expect("set by the edit"))
}

/// A project or a recurrent task, answered in its own serde form.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Item {
    Project(InvestmentProject),
    Recurrent(RecurrentTask),
}

impl Item {
    pub fn name(&self) -> &str {
        match self {
            Item::Project(p) => &p.name,
            Item::Recurrent(t) => &t.name,
        }
    }
}

/// Deletes the project or recurrent task `code` as the office; answers what was deleted.
pub async fn delete_item(state: &AppState, user: &CurrentUser, code: &str) -> Result<Item, AppError> {
    user.require_manage()?;
    let mut out = None;
    register_edit::apply(state, user, |reg| {
        let gone = if let Some(i) = reg.projects.iter().position(|p| p.code.as_str() == code) {
            let p = reg.projects.remove(i);
            out = Some(Item::Project(p.clone()));
            Registers { projects: vec![p], ..Registers::default() }
        } else if let Some(i) = reg.recurrent_tasks.iter().position(|t| t.code.as_str() == code) {
            let t = reg.recurrent_tasks.remove(i);
            out = Some(Item::Recurrent(t.clone()));
            Registers { recurrent_tasks: vec![t], ..Registers::default() }
        } else {
            return Err(AppError::not_found(format!("dự án hoặc nhiệm vụ chi thường xuyên {code}")));
        };
        Ok(Change::delete(gone))
    })
    .await?;
    Ok(out.expect("set by the edit"))
}

/// Deletes task `code` and its progress reports (they mean nothing without
/// it) as the office; answers the task and how many reports went with it.
pub async fn delete_task(state: &AppState, user: &CurrentUser, code: &str) -> Result<(Task, usize), AppError> {
    user.require_manage()?;
    let mut out = None;
    register_edit::apply(state, user, |reg| {
        let i = reg
            .tasks
            .iter()
            .position(|t| t.code.as_str() == code)
            .ok_or_else(|| AppError::not_found(format!("nhiệm vụ {code}")))?;
        let t = reg.tasks.remove(i);
        let (reports, kept): (Vec<ProgressReport>, Vec<ProgressReport>) =
            std::mem::take(&mut reg.progress_reports).into_iter().partition(|r| r.task == t.code);
        reg.progress_reports = kept;
        out = Some((t.clone(), reports.len()));
        Ok(Change::delete(Registers { tasks: vec![t], progress_reports: reports, ..Registers::default() }))
    })
    .await?;
    Ok(out.expect("set by the edit"))
}

/// Refuses, before reading what was sent, those who may not record a
/// disbursement of `code` (not found: 404; not its unit's writer: 403).
pub async fn require_disburse(state: &AppState, user: &CurrentUser, code: &str) -> Result<(), AppError> {
    let reg = state.store.load_registers().await?;
    let unit = reg
        .projects
        .iter()
        .find(|x| x.code.as_str() == code)
        .map(|x| &x.unit)
        .or_else(|| reg.recurrent_tasks.iter().find(|x| x.code.as_str() == code).map(|x| &x.unit))
        .ok_or_else(|| AppError::not_found(format!("dự án hoặc nhiệm vụ chi thường xuyên {code}")))?;
    let model = state.model();
    let tree = model.tree();
    if tree.index(unit.as_str()).is_some_and(|ix| user.scope().can_write(tree, ix)) {
        Ok(())
    } else {
        Err(disburse_refused())
    }
}

fn disburse_refused() -> AppError {
    AppError::Forbidden("Chỉ đơn vị thực hiện (cán bộ báo cáo của đơn vị đó) hoặc Văn phòng được ghi giải ngân.".into())
}

/// Records a disbursement of the project or recurrent task `code`: by the
/// office, or by a reporter who writes for its implementing unit. The core
/// refuses what its rules refuse (paid beyond what was allocated up to the
/// year, a day outside the project's years); a day after today is refused
/// here, as a payment is recorded once it is made.
pub async fn add_disbursement(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    d: Disbursement,
) -> Result<Item, AppError> {
    let model = state.model();
    let tree = model.tree();
    let today = state.today();
    let may = |unit: &Code| tree.index(unit.as_str()).is_some_and(|ix| user.scope().can_write(tree, ix));
    let mut out = None;
    register_edit::apply(state, user, |reg| {
        let project = reg.projects.iter().position(|p| p.code.as_str() == code);
        let recurrent = reg.recurrent_tasks.iter().position(|t| t.code.as_str() == code);
        let unit = match (project, recurrent) {
            (Some(i), _) => &reg.projects[i].unit,
            (None, Some(i)) => &reg.recurrent_tasks[i].unit,
            (None, None) => {
                return Err(AppError::not_found(format!("dự án hoặc nhiệm vụ chi thường xuyên {code}")));
            }
        };
        if !may(unit) {
            return Err(disburse_refused());
        }
        let d = checked_disbursement(d, today)?;
        if let Some(i) = project {
            let p = &mut reg.projects[i];
            p.disbursements.push(d);
            out = Some(Item::Project(p.clone()));
            let places = vec![place("projects", &p.code)];
            Ok(Change::save(Registers { projects: vec![p.clone()], ..Registers::default() }, places))
        } else {
            let t = &mut reg.recurrent_tasks[recurrent.expect("found above")];
            t.disbursements.push(d);
            out = Some(Item::Recurrent(t.clone()));
            let places = vec![place("recurrent_tasks", &t.code)];
            Ok(Change::save(Registers { recurrent_tasks: vec![t.clone()], ..Registers::default() }, places))
        }
    })
    .await?;
    Ok(out.expect("set by the edit"))
}

fn checked_disbursement(mut d: Disbursement, today: NaiveDate) -> Result<Disbursement, AppError> {
    if d.amount <= Money::ZERO {
        return Err(AppError::BadRequest(format!("Số tiền giải ngân ({} triệu đồng) phải lớn hơn 0.", d.amount)));
    }
    match (d.date, d.period) {
        (None, None) => return Err(AppError::BadRequest("Cần ghi ngày giải ngân (date) hoặc kỳ (period).".into())),
        (Some(_), Some(_)) => {
            return Err(AppError::BadRequest(
                "Chỉ ghi ngày giải ngân (date) hoặc kỳ (period), không ghi cả hai.".into(),
            ));
        }
        (Some(x), None) if x > today => {
            return Err(AppError::BadRequest(format!(
                "Ngày giải ngân {} sau hôm nay ({}): chỉ ghi khoản đã chi.",
                date(x),
                date(today)
            )));
        }
        (None, Some(p)) if p.start() > today => {
            return Err(AppError::BadRequest(format!("Kỳ giải ngân {p} chưa bắt đầu.")));
        }
        _ => {}
    }
    d.note = d.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if d.note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(AppError::BadRequest("Ghi chú dài quá 2.000 ký tự.".into()));
    }
    Ok(d)
}

/// Fills who recorded each payment ("vanphong · 23/11/2026 09:15"), read
/// from the object's audit history: a disbursement is credited to the entry
/// whose new document first holds it. One audit query per page (≈14 ms on
/// the demo's 110 000 audit rows in a debug build: `audit` has no index on
/// the register columns yet, so it scans).
pub async fn annotate_payments(
    state: &AppState,
    kind: &str,
    code: &str,
    payments: &mut [PaymentRow],
) -> Result<(), AppError> {
    if payments.is_empty() {
        return Ok(());
    }
    let filter = AuditFilter {
        kind: Some("register".into()),
        register_kind: Some(kind.into()),
        register_code: Some(code.into()),
        limit: 1000,
        ..AuditFilter::default()
    };
    let mut entries = state.store.audit(&filter).await?;
    entries.reverse();
    let list = |doc: &Option<String>| -> Vec<Disbursement> {
        doc.as_deref()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| serde_json::from_value(v["disbursements"].clone()).ok())
            .unwrap_or_default()
    };
    let mut credited: Vec<(Disbursement, String)> = Vec::new();
    for e in &entries {
        let mut old = list(&e.old);
        for d in list(&e.new) {
            match old.iter().position(|o| *o == d) {
                Some(i) => {
                    old.swap_remove(i);
                }
                None => credited.push((d, format!("{} · {}", e.username, datetime(e.at)))),
            }
        }
    }
    for row in payments.iter_mut() {
        let found =
            credited.iter().position(|(d, _)| d.day() == row.day && d.amount == row.amount && d.note == row.note);
        if let Some(i) = found {
            row.recorded_by = Some(credited.remove(i).1);
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ form fields

/// A posted form's fields in order; rows and multiple selects repeat their names.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
    }
    fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).collect()
    }
    fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty())
    }
    /// The rows of fields `names`, each row the values at one position.
    fn rows<const N: usize>(&self, names: [&str; N]) -> Vec<[String; N]> {
        let cols: Vec<Vec<String>> = names.iter().map(|n| self.all(n)).collect();
        let n = cols.iter().map(Vec::len).max().unwrap_or(0);
        (0..n).map(|r| std::array::from_fn(|c| cols[c].get(r).cloned().unwrap_or_default())).collect()
    }
}

/// The problems of a form, each with the field it is about.
#[derive(Debug)]
struct Problems {
    lang: Lang,
    list: Vec<(String, String)>,
}

impl Problems {
    fn new(lang: Lang) -> Problems {
        Problems { lang, list: Vec::new() }
    }
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.list.push((field.into(), message.into()));
    }
    fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(vi, en)
    }
    fn required(&mut self, field: &str, label: &str, value: &str) -> Option<String> {
        if value.is_empty() {
            self.add(field, format!("{label}: {}.", self.t("chưa ghi", "missing")));
            None
        } else {
            Some(value.to_string())
        }
    }
    /// An amount in millions of đồng ("1.250,5"); `None` when empty (a problem if `required`).
    fn money(&mut self, field: &str, label: &str, value: &str, required: bool) -> Option<Money> {
        if value.is_empty() {
            if required {
                self.add(
                    field,
                    format!("{label}: {}.", self.t("chưa ghi số tiền (triệu đồng)", "no amount (million đồng)")),
                );
            }
            return None;
        }
        if value.contains('%') {
            self.add(field, format!("{label}: số tiền \"{value}\" không phải là số."));
            return None;
        }
        match Money::parse_million(value) {
            Ok(m) if m.is_negative() => {
                self.add(
                    field,
                    format!("{label}: {} ({value}).", self.t("số tiền không được âm", "must not be negative")),
                );
                None
            }
            Ok(m) => Some(m),
            Err(e) => {
                self.add(field, format!("{label}: {e}."));
                None
            }
        }
    }
    fn year(&mut self, field: &str, label: &str, value: &str) -> Option<i32> {
        if value.is_empty() {
            self.add(field, format!("{label}: {}.", self.t("chưa ghi năm", "no year")));
            return None;
        }
        let y = value.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y));
        if y.is_none() {
            self.add(
                field,
                format!("{label}: {} \"{value}\" {}.", self.t("năm", "year"), self.t("không hợp lệ", "is not valid")),
            );
        }
        y
    }
    /// "2026-11-20" (a date input) or "20/11/2026".
    fn date(&mut self, field: &str, label: &str, value: &str) -> Option<NaiveDate> {
        let d =
            NaiveDate::parse_from_str(value, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y")).ok();
        if d.is_none() {
            self.add(
                field,
                format!(
                    "{label}: {} \"{value}\" {} (dd/mm/yyyy).",
                    self.t("ngày", "date"),
                    self.t("không hợp lệ", "is not valid")
                ),
            );
        }
        d
    }
    fn code(&mut self, field: &str, label: &str, value: &str) -> Option<Code> {
        let value = self.required(field, label, value)?;
        match Code::new(value) {
            Ok(c) => Some(c),
            Err(e) => {
                self.add(field, format!("{label}: {e}."));
                None
            }
        }
    }
    fn optional_code(&mut self, field: &str, label: &str, value: &str) -> Option<Code> {
        if value.is_empty() { None } else { self.code(field, label, value) }
    }
    /// A source from its select ("", NSTW, NSDP, XSKT, other) and the other source's name.
    fn source(&mut self, field: &str, label: &str, select: &str, other: &str) -> Option<Source> {
        match select {
            "NSTW" => Some(Source::Nstw),
            "NSDP" => Some(Source::Nsdp),
            "XSKT" => Some(Source::Xskt),
            "" | "other" if !other.is_empty() => Some(Source::Other(other.to_string())),
            "other" => {
                self.add(field, format!("{label}: {}.", self.t("chưa ghi tên nguồn khác", "name the other source")));
                None
            }
            "" => None,
            s => {
                self.add(field, format!("{label}: nguồn vốn \"{s}\" không hợp lệ."));
                None
            }
        }
    }
    fn has(&self, field: &str) -> bool {
        self.list.iter().any(|(f, _)| f == field)
    }
}

fn text_or_none(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn source_fields(s: &Source) -> (String, String) {
    match s {
        Source::Nstw => ("NSTW".into(), String::new()),
        Source::Nsdp => ("NSDP".into(), String::new()),
        Source::Xskt => ("XSKT".into(), String::new()),
        Source::Other(o) => ("other".into(), o.clone()),
    }
}

fn source_choices(lang: Lang, selected: &str, blank: &str) -> Vec<Choice> {
    [
        ("", blank),
        ("NSTW", lang.pick("NSTW — Ngân sách trung ương", "NSTW — central budget")),
        ("NSDP", lang.pick("NSĐP — Ngân sách địa phương", "NSĐP — local budget")),
        ("XSKT", lang.pick("XSKT — Xổ số kiến thiết", "XSKT — lottery fund")),
        ("other", lang.pick("Nguồn khác (ghi tên)", "Other (name it)")),
    ]
    .into_iter()
    .map(|(code, name)| Choice { code: code.into(), name: name.into(), selected: code == selected })
    .collect()
}

/// Every unit, in tree order, indented by level; closed units only when
/// already chosen (an old project keeps its unit).
fn unit_choices(model: &Model, today: NaiveDate, selected: &[&str]) -> Vec<Choice> {
    let tree = model.tree();
    (0..tree.len())
        .filter_map(|i| {
            let ix = i as chiso_core::orgunit::UnitIx;
            let u = tree.unit(ix);
            let chosen = selected.contains(&u.code.as_str());
            (u.is_open_on(today) || chosen).then(|| Choice {
                code: u.code.to_string(),
                name: format!("{}{}", "· ".repeat(usize::from(tree.level(ix).saturating_sub(2))), u.name),
                selected: chosen,
            })
        })
        .collect()
}

fn pillar_choices(model: &Model, selected: &str) -> Vec<Choice> {
    model
        .metadata()
        .pillars
        .iter()
        .map(|p| Choice { code: p.code.to_string(), name: p.name.clone(), selected: p.code.as_str() == selected })
        .collect()
}

/// A form page shown again with its problems: 400, not an error page.
fn invalid(html: String) -> Response {
    (StatusCode::BAD_REQUEST, Html(html)).into_response()
}

/// The message of an edit refused for its content (shown on the form), or
/// the error itself (not allowed, not found: an error page).
fn form_problem(e: AppError) -> Result<String, AppError> {
    match e {
        AppError::BadRequest(m) | AppError::Conflict(m) => Ok(m),
        e => Err(e),
    }
}

fn saved_to(to: String) -> Response {
    Redirect::to(&to).into_response()
}

// ------------------------------------------------------------------ investment projects

#[derive(Clone, Debug, Default)]
pub struct DecisionRow {
    pub number: String,
    pub date: String,
    pub authority: String,
}

/// A funding source row (also a recurrent task's split), with its select's choices.
#[derive(Clone, Debug, Default)]
pub struct SourceRow {
    pub source: String,
    pub other: String,
    pub amount: String,
    pub choices: Vec<Choice>,
}

#[derive(Clone, Debug, Default)]
pub struct AllocationRow {
    pub year: String,
    pub source: String,
    pub other: String,
    pub amount: String,
    pub choices: Vec<Choice>,
}

/// The project form as typed.
#[derive(Clone, Debug, Default)]
pub struct ProjectForm {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub total_investment: String,
    pub year_from: String,
    pub year_to: String,
    pub unit: String,
    pub pillar: String,
    pub objective: String,
    pub status: String,
    pub transition: bool,
    pub note: String,
    pub decisions: Vec<DecisionRow>,
    pub funding: Vec<SourceRow>,
    pub allocations: Vec<AllocationRow>,
}

fn source_rows(f: &Fields) -> Vec<SourceRow> {
    f.rows(["funding_source", "funding_other", "funding_amount"])
        .into_iter()
        .filter(|r| r.iter().any(|x| !x.is_empty()))
        .map(|[source, other, amount]| SourceRow { source, other, amount, choices: Vec::new() })
        .collect()
}

fn funding_rows(funding: &[Funding]) -> Vec<SourceRow> {
    funding
        .iter()
        .map(|x| {
            let (source, other) = source_fields(&x.source);
            SourceRow { source, other, amount: x.amount.to_string(), choices: Vec::new() }
        })
        .collect()
}

/// The funding rows that are filled in, as `Funding`.
fn parse_funding(p: &mut Problems, rows: &[SourceRow]) -> Vec<Funding> {
    let mut out = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let label = format!("{} {}", p.t("Nguồn vốn, dòng", "Funding, row"), k + 1);
        let source = p.source(&format!("funding[{k}].source"), &label, &r.source, &r.other);
        if source.is_none() && !p.has(&format!("funding[{k}].source")) {
            let msg = format!("{label}: {}.", p.t("chưa chọn nguồn", "choose a source"));
            p.add(format!("funding[{k}].source"), msg);
        }
        let amount = p.money(&format!("funding[{k}].amount"), &label, &r.amount, true);
        if let (Some(source), Some(amount)) = (source, amount) {
            out.push(Funding { source, amount });
        }
    }
    out
}

impl ProjectForm {
    fn blank(today: NaiveDate) -> ProjectForm {
        ProjectForm {
            kind: "public_investment".into(),
            status: "ongoing".into(),
            year_from: today.year().to_string(),
            year_to: today.year().to_string(),
            ..ProjectForm::default()
        }
    }

    fn from_project(p: &InvestmentProject) -> ProjectForm {
        ProjectForm {
            code: p.code.to_string(),
            name: p.name.clone(),
            kind: kind_key(p.kind).into(),
            total_investment: p.total_investment.to_string(),
            year_from: p.period.from.to_string(),
            year_to: p.period.to.to_string(),
            unit: p.unit.to_string(),
            pillar: p.pillar.as_ref().map(ToString::to_string).unwrap_or_default(),
            objective: p.objective.clone(),
            status: status_key(p.status).into(),
            transition: p.transition,
            note: p.note.clone().unwrap_or_default(),
            decisions: p
                .decisions
                .iter()
                .map(|d| DecisionRow {
                    number: d.number.clone(),
                    date: d.date.format("%Y-%m-%d").to_string(),
                    authority: d.authority.clone(),
                })
                .collect(),
            funding: funding_rows(&p.funding),
            allocations: p
                .allocations
                .iter()
                .map(|a| {
                    let (source, other) = a.source.as_ref().map(source_fields).unwrap_or_default();
                    AllocationRow {
                        year: a.year.to_string(),
                        source,
                        other,
                        amount: a.amount.to_string(),
                        choices: Vec::new(),
                    }
                })
                .collect(),
        }
    }

    fn from_fields(f: &Fields) -> ProjectForm {
        ProjectForm {
            code: f.get("code"),
            name: f.get("name"),
            kind: f.get("kind"),
            total_investment: f.get("total_investment"),
            year_from: f.get("year_from"),
            year_to: f.get("year_to"),
            unit: f.get("unit"),
            pillar: f.get("pillar"),
            objective: f.get("objective"),
            status: f.get("status"),
            transition: f.checked("transition"),
            note: f.get("note"),
            decisions: f
                .rows(["decision_number", "decision_date", "decision_authority"])
                .into_iter()
                .filter(|r| r.iter().any(|x| !x.is_empty()))
                .map(|[number, date, authority]| DecisionRow { number, date, authority })
                .collect(),
            funding: source_rows(f),
            allocations: f
                .rows(["alloc_year", "alloc_source", "alloc_other", "alloc_amount"])
                .into_iter()
                .filter(|r| r.iter().any(|x| !x.is_empty()))
                .map(|[year, source, other, amount]| AllocationRow { year, source, other, amount, choices: Vec::new() })
                .collect(),
        }
    }

    /// The project the form describes (no disbursements), or every problem.
    fn parse(&self, lang: Lang, fixed: Option<&Code>) -> Result<InvestmentProject, Problems> {
        let mut p = Problems::new(lang);
        let code = match fixed {
            Some(c) => Some(c.clone()),
            None => p.code("code", lang.pick("Mã dự án", "Project code"), &self.code),
        };
        let name = p.required("name", lang.pick("Tên dự án", "Project name"), &self.name);
        let kind = match self.kind.as_str() {
            "public_investment" => Some(BudgetKind::PublicInvestment),
            "recurrent" => Some(BudgetKind::Recurrent),
            k => {
                p.add(
                    "kind",
                    format!(
                        "{}: \"{k}\" {}.",
                        lang.pick("Loại vốn", "Kind"),
                        lang.pick("không hợp lệ", "is not valid")
                    ),
                );
                None
            }
        };
        let status = STATUSES.iter().copied().find(|s| status_key(*s) == self.status);
        if status.is_none() {
            p.add(
                "status",
                format!(
                    "{}: \"{}\" {}.",
                    lang.pick("Hiện trạng", "Status"),
                    self.status,
                    lang.pick("không hợp lệ", "is not valid")
                ),
            );
        }
        let mut decisions = Vec::new();
        for (k, r) in self.decisions.iter().enumerate() {
            let label = format!("{} {}", lang.pick("Quyết định, dòng", "Decision, row"), k + 1);
            let number = p.required(
                &format!("decisions[{k}].number"),
                &format!("{label}, {}", lang.pick("số", "number")),
                &r.number,
            );
            let day =
                p.date(&format!("decisions[{k}].date"), &format!("{label}, {}", lang.pick("ngày", "date")), &r.date);
            if let (Some(number), Some(date)) = (number, day) {
                // The authority that usually decides, as the XLSX import assumes.
                let authority = text_or_none(&r.authority).unwrap_or_else(|| "UBND tỉnh".into());
                decisions.push(Decision { number, date, authority });
            }
        }
        let total =
            p.money("total_investment", lang.pick("Tổng mức đầu tư", "Total investment"), &self.total_investment, true);
        let from = p.year("year_from", lang.pick("Thời gian thực hiện, từ năm", "Period, from"), &self.year_from);
        let to = p.year("year_to", lang.pick("Thời gian thực hiện, đến năm", "Period, to"), &self.year_to);
        let funding = parse_funding(&mut p, &self.funding);
        if self.funding.is_empty() {
            p.add(
                "funding",
                format!("{}: {}.", lang.pick("Nguồn vốn", "Funding"), lang.pick("chưa ghi nguồn nào", "no source")),
            );
        }
        let unit = p.code("unit", lang.pick("Đơn vị thực hiện", "Implementing unit"), &self.unit);
        let pillar = p.optional_code("pillar", lang.pick("Trụ cột", "Pillar"), &self.pillar);
        let mut allocations = Vec::new();
        for (k, r) in self.allocations.iter().enumerate() {
            let label = format!("{} {}", lang.pick("Vốn bố trí, dòng", "Allocation, row"), k + 1);
            let year = p.year(&format!("allocations[{k}].year"), &label, &r.year);
            let source = p.source(&format!("allocations[{k}].source"), &label, &r.source, &r.other);
            let amount = p.money(&format!("allocations[{k}].amount"), &label, &r.amount, true);
            if let (Some(year), Some(amount)) = (year, amount) {
                allocations.push(Allocation { year, source, amount });
            }
        }
        if !p.list.is_empty() {
            return Err(p);
        }
        let (Some(code), Some(name), Some(kind), Some(status), Some(total), Some(from), Some(to), Some(unit)) =
            (code, name, kind, status, total, from, to, unit)
        else {
            unreachable!("every missing field is a problem")
        };
        Ok(InvestmentProject {
            code,
            name,
            decisions,
            total_investment: total,
            period: YearSpan { from, to },
            funding,
            kind,
            unit,
            objective: self.objective.trim().to_string(),
            pillar,
            status,
            transition: self.transition,
            allocations,
            disbursements: Vec::new(),
            note: text_or_none(&self.note),
        })
    }

    /// Blank rows to add to, and the choices of each row's select.
    fn for_display(mut self, lang: Lang) -> ProjectForm {
        let pad = |n: usize, extra: usize, min: usize| (n + extra).max(min) - n;
        for _ in 0..pad(self.decisions.len(), 1, 2) {
            self.decisions.push(DecisionRow::default());
        }
        for _ in 0..pad(self.funding.len(), 1, 3) {
            self.funding.push(SourceRow::default());
        }
        for _ in 0..pad(self.allocations.len(), 2, 4) {
            self.allocations.push(AllocationRow::default());
        }
        for r in &mut self.funding {
            r.choices = source_choices(lang, &r.source, "—");
        }
        let only = lang.pick("(nguồn duy nhất của dự án)", "(the project's only source)");
        for r in &mut self.allocations {
            r.choices = source_choices(lang, &r.source, only);
        }
        self
    }
}

#[derive(Template)]
#[template(path = "project_edit.html")]
struct ProjectEditPage {
    chrome: Chrome,
    /// The code of the project edited; `None` for a new one.
    editing: Option<String>,
    f: ProjectForm,
    problems: Vec<(String, String)>,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    units: Vec<Choice>,
    pillars: Vec<Choice>,
    /// Disbursements kept as they are (not on this form).
    disbursements: usize,
}

impl ProjectEditPage {
    fn has_error(&self, field: &str) -> bool {
        self.problems.iter().any(|(f, _)| f == field)
    }
}

fn render_project(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<&InvestmentProject>,
    f: ProjectForm,
    problems: Vec<(String, String)>,
) -> Result<String, AppError> {
    let lang = user.lang;
    let model = state.model();
    let title = match editing {
        Some(p) => format!("{} {}", lang.pick("Sửa dự án", "Edit project"), p.code),
        None => lang.pick("Thêm dự án", "New project").to_string(),
    };
    let kinds = [BudgetKind::PublicInvestment, BudgetKind::Recurrent]
        .iter()
        .map(|k| Choice { code: kind_key(*k).into(), name: kind_label(lang, *k), selected: kind_key(*k) == f.kind })
        .collect();
    let statuses = STATUSES
        .iter()
        .map(|s| Choice {
            code: status_key(*s).into(),
            name: status_label(lang, *s),
            selected: status_key(*s) == f.status,
        })
        .collect();
    let page = ProjectEditPage {
        chrome: Chrome::new(state, user, title, "/projects"),
        editing: editing.map(|p| p.code.to_string()),
        units: unit_choices(&model, state.today(), &[f.unit.as_str()]),
        pillars: pillar_choices(&model, &f.pillar),
        f: f.for_display(lang),
        problems,
        kinds,
        statuses,
        disbursements: editing.map_or(0, |p| p.disbursements.len()),
    };
    Ok(page.render()?)
}

async fn stored_project(state: &AppState, code: &str) -> Result<Option<InvestmentProject>, AppError> {
    Ok(state.store.load_registers().await?.projects.into_iter().find(|p| p.code.as_str() == code))
}

async fn project_new(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult<Html<String>> {
    user.require_manage()?;
    Ok(Html(render_project(&state, &user, None, ProjectForm::blank(state.today()), Vec::new())?))
}

async fn project_create(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.require_manage()?;
    let f = ProjectForm::from_fields(&Fields(fields));
    let problems = match f.parse(user.lang, None) {
        Err(p) => p.list,
        Ok(p) => match put_project(&state, &user, p, Write::Create, false).await {
            Ok((p, _)) => return Ok(saved_to(format!("/projects/{}?saved=project", p.code))),
            Err(e) => vec![(String::new(), form_problem(e)?)],
        },
    };
    Ok(invalid(render_project(&state, &user, None, f, problems)?))
}

async fn project_edit(State(state): State<Arc<AppState>>, user: CurrentUser, Path(code): Path<String>) -> PageResult {
    user.require_manage()?;
    let reg = state.store.load_registers().await?;
    if let Some(p) = reg.projects.iter().find(|p| p.code.as_str() == code) {
        return Ok(
            Html(render_project(&state, &user, Some(p), ProjectForm::from_project(p), Vec::new())?).into_response()
        );
    }
    if reg.recurrent_tasks.iter().any(|t| t.code.as_str() == code) {
        return Ok(saved_to(format!("/projects/recurrent/{code}/edit")));
    }
    Err(AppError::not_found(format!("dự án {code}")))
}

async fn project_update(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.require_manage()?;
    let stored = stored_project(&state, &code).await?.ok_or_else(|| AppError::not_found(format!("dự án {code}")))?;
    let f = ProjectForm { code: code.clone(), ..ProjectForm::from_fields(&Fields(fields)) };
    let problems = match f.parse(user.lang, Some(&stored.code)) {
        Err(p) => p.list,
        Ok(p) => match put_project(&state, &user, p, Write::Replace, true).await {
            Ok((p, _)) => return Ok(saved_to(format!("/projects/{}?saved=project", p.code))),
            Err(e) => vec![(String::new(), form_problem(e)?)],
        },
    };
    Ok(invalid(render_project(&state, &user, Some(&stored), f, problems)?))
}

// ------------------------------------------------------------------ recurrent-budget tasks

/// The recurrent-task form as typed.
#[derive(Clone, Debug, Default)]
pub struct RecurrentForm {
    pub code: String,
    pub unit: String,
    pub name: String,
    pub year: String,
    pub amount: String,
    pub budget_line: String,
    pub pillar: String,
    pub note: String,
    pub funding: Vec<SourceRow>,
}

impl RecurrentForm {
    fn from_task(t: &RecurrentTask) -> RecurrentForm {
        RecurrentForm {
            code: t.code.to_string(),
            unit: t.unit.to_string(),
            name: t.name.clone(),
            year: t.year.to_string(),
            amount: t.amount.to_string(),
            budget_line: t.budget_line.clone().unwrap_or_default(),
            pillar: t.pillar.as_ref().map(ToString::to_string).unwrap_or_default(),
            note: t.note.clone().unwrap_or_default(),
            funding: funding_rows(&t.funding),
        }
    }

    fn from_fields(f: &Fields) -> RecurrentForm {
        RecurrentForm {
            code: f.get("code"),
            unit: f.get("unit"),
            name: f.get("name"),
            year: f.get("year"),
            amount: f.get("amount"),
            budget_line: f.get("budget_line"),
            pillar: f.get("pillar"),
            note: f.get("note"),
            funding: source_rows(f),
        }
    }

    fn parse(&self, lang: Lang, fixed: Option<&Code>) -> Result<RecurrentTask, Problems> {
        let mut p = Problems::new(lang);
        let code = match fixed {
            Some(c) => Some(c.clone()),
            None => p.code("code", lang.pick("Mã nhiệm vụ", "Task code"), &self.code),
        };
        let unit = p.code("unit", lang.pick("Đơn vị thực hiện", "Unit"), &self.unit);
        let name = p.required("name", lang.pick("Tên nhiệm vụ", "Task name"), &self.name);
        let year = p.year("year", lang.pick("Năm", "Year"), &self.year);
        let amount = p.money("amount", lang.pick("Kinh phí bố trí", "Amount"), &self.amount, true);
        let pillar = p.optional_code("pillar", lang.pick("Trụ cột", "Pillar"), &self.pillar);
        let funding = parse_funding(&mut p, &self.funding);
        if !p.list.is_empty() {
            return Err(p);
        }
        let (Some(code), Some(unit), Some(name), Some(year), Some(amount)) = (code, unit, name, year, amount) else {
            unreachable!("every missing field is a problem")
        };
        Ok(RecurrentTask {
            code,
            unit,
            name,
            year,
            amount,
            budget_line: text_or_none(&self.budget_line),
            pillar,
            funding,
            disbursements: Vec::new(),
            note: text_or_none(&self.note),
        })
    }

    fn for_display(mut self, lang: Lang) -> RecurrentForm {
        while self.funding.len() < 3 || self.funding.iter().all(|r| !r.amount.is_empty()) {
            self.funding.push(SourceRow::default());
        }
        for r in &mut self.funding {
            r.choices = source_choices(lang, &r.source, "—");
        }
        self
    }
}

#[derive(Template)]
#[template(path = "recurrent_edit.html")]
struct RecurrentEditPage {
    chrome: Chrome,
    editing: Option<String>,
    f: RecurrentForm,
    problems: Vec<(String, String)>,
    units: Vec<Choice>,
    pillars: Vec<Choice>,
    /// The budget lines already used, offered as suggestions.
    lines: Vec<String>,
    disbursements: usize,
}

impl RecurrentEditPage {
    fn has_error(&self, field: &str) -> bool {
        self.problems.iter().any(|(f, _)| f == field)
    }
}

async fn render_recurrent(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<&RecurrentTask>,
    f: RecurrentForm,
    problems: Vec<(String, String)>,
) -> Result<String, AppError> {
    let lang = user.lang;
    let model = state.model();
    let reg = state.store.load_registers().await?;
    let mut lines: Vec<String> = ["SNKT", "QLNN", "SN GDĐT", "Chi khác"].map(String::from).to_vec();
    lines.extend(reg.recurrent_tasks.iter().filter_map(|t| t.budget_line.clone()));
    lines.sort();
    lines.dedup();
    let title = match editing {
        Some(t) => format!("{} {}", lang.pick("Sửa nhiệm vụ chi thường xuyên", "Edit recurrent-budget task"), t.code),
        None => lang.pick("Thêm nhiệm vụ chi thường xuyên", "New recurrent-budget task").to_string(),
    };
    let page = RecurrentEditPage {
        chrome: Chrome::new(state, user, title, "/projects"),
        editing: editing.map(|t| t.code.to_string()),
        units: unit_choices(&model, state.today(), &[f.unit.as_str()]),
        pillars: pillar_choices(&model, &f.pillar),
        f: f.for_display(lang),
        problems,
        lines,
        disbursements: editing.map_or(0, |t| t.disbursements.len()),
    };
    Ok(page.render()?)
}

async fn recurrent_new(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult<Html<String>> {
    user.require_manage()?;
    let f = RecurrentForm { year: state.today().year().to_string(), ..RecurrentForm::default() };
    Ok(Html(render_recurrent(&state, &user, None, f, Vec::new()).await?))
}

async fn recurrent_create(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.require_manage()?;
    let f = RecurrentForm::from_fields(&Fields(fields));
    let problems = match f.parse(user.lang, None) {
        Err(p) => p.list,
        Ok(t) => match put_recurrent(&state, &user, t, Write::Create, false).await {
            Ok((t, _)) => return Ok(saved_to(format!("/projects/{}?saved=recurrent", t.code))),
            Err(e) => vec![(String::new(), form_problem(e)?)],
        },
    };
    Ok(invalid(render_recurrent(&state, &user, None, f, problems).await?))
}

async fn stored_recurrent(state: &AppState, code: &str) -> Result<RecurrentTask, AppError> {
    state
        .store
        .load_registers()
        .await?
        .recurrent_tasks
        .into_iter()
        .find(|t| t.code.as_str() == code)
        .ok_or_else(|| AppError::not_found(format!("nhiệm vụ chi thường xuyên {code}")))
}

async fn recurrent_edit(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> PageResult<Html<String>> {
    user.require_manage()?;
    let t = stored_recurrent(&state, &code).await?;
    Ok(Html(render_recurrent(&state, &user, Some(&t), RecurrentForm::from_task(&t), Vec::new()).await?))
}

async fn recurrent_update(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.require_manage()?;
    let stored = stored_recurrent(&state, &code).await?;
    let f = RecurrentForm { code: code.clone(), ..RecurrentForm::from_fields(&Fields(fields)) };
    let problems = match f.parse(user.lang, Some(&stored.code)) {
        Err(p) => p.list,
        Ok(t) => match put_recurrent(&state, &user, t, Write::Replace, true).await {
            Ok((t, _)) => return Ok(saved_to(format!("/projects/{}?saved=recurrent", t.code))),
            Err(e) => vec![(String::new(), form_problem(e)?)],
        },
    };
    Ok(invalid(render_recurrent(&state, &user, Some(&stored), f, problems).await?))
}

// ------------------------------------------------------------------ state budget, disbursements

async fn state_budget_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.require_manage()?;
    let f = Fields(fields);
    let lang = user.lang;
    let mut p = Problems::new(lang);
    let year = p.year("year", lang.pick("Năm", "Year"), &f.get("year"));
    let amount = p.money("amount", lang.pick("Tổng chi ngân sách nhà nước", "State budget"), &f.get("amount"), true);
    let (Some(year), Some(amount)) = (year, amount) else {
        return Err(AppError::BadRequest(p.list.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")));
    };
    let b = StateBudget { year, amount, note: text_or_none(&f.get("note")) };
    put_state_budget(&state, &user, b).await?;
    Ok(saved_to(format!("/projects?year={year}&saved=state_budget")))
}

async fn disbursement_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    require_disburse(&state, &user, &code).await?;
    let f = Fields(fields);
    let lang = user.lang;
    let mut p = Problems::new(lang);
    let day = p.date("date", lang.pick("Ngày giải ngân", "Date paid"), &f.get("date"));
    let amount = p.money("amount", lang.pick("Số tiền giải ngân", "Amount paid"), &f.get("amount"), true);
    let (Some(day), Some(amount)) = (day, amount) else {
        return Err(AppError::BadRequest(p.list.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")));
    };
    let d = Disbursement { date: Some(day), period: None, amount, note: text_or_none(&f.get("note")) };
    add_disbursement(&state, &user, &code, d).await?;
    Ok(saved_to(format!("/projects/{code}?saved=disbursement#disbursements")))
}

// ------------------------------------------------------------------ deleting a project or recurrent task

#[derive(Template)]
#[template(path = "project_delete.html")]
struct ItemDeletePage {
    chrome: Chrome,
    code: String,
    name: String,
    /// "dự án" or "nhiệm vụ chi thường xuyên".
    what: String,
    unit_name: String,
    /// Allocated (all years) or the task's amount.
    amount: Money,
    disbursements: usize,
}

async fn item_delete_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> PageResult<Html<String>> {
    user.require_manage()?;
    let lang = user.lang;
    let model = state.model();
    let reg = state.store.load_registers().await?;
    let (name, what, unit, amount, disbursements) =
        if let Some(p) = reg.projects.iter().find(|p| p.code.as_str() == code) {
            (p.name.clone(), lang.pick("dự án", "project"), &p.unit, p.allocated(), p.disbursements.len())
        } else if let Some(t) = reg.recurrent_tasks.iter().find(|t| t.code.as_str() == code) {
            let what = lang.pick("nhiệm vụ chi thường xuyên", "recurrent-budget task");
            (t.name.clone(), what, &t.unit, t.amount, t.disbursements.len())
        } else {
            return Err(AppError::not_found(format!("dự án hoặc nhiệm vụ chi thường xuyên {code}")));
        };
    let title = format!("{} {code}", lang.pick("Xóa", "Delete"));
    let page = ItemDeletePage {
        chrome: Chrome::new(&state, &user, title, "/projects"),
        unit_name: registers::unit_name(&model, unit),
        code,
        name,
        what: what.into(),
        amount,
        disbursements,
    };
    Ok(Html(page.render()?))
}

async fn item_delete_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> PageResult {
    let gone = delete_item(&state, &user, &code).await?;
    let year = match &gone {
        Item::Project(_) => state.today().year(),
        Item::Recurrent(t) => t.year,
    };
    Ok(saved_to(format!("/projects?year={year}&deleted={}", crate::auth::urlencode(&code))))
}

// ------------------------------------------------------------------ tasks

/// The task form as typed.
#[derive(Clone, Debug, Default)]
pub struct TaskForm {
    pub code: String,
    pub name: String,
    pub year: String,
    pub plan: String,
    pub target: String,
    pub pillar: String,
    pub lead: Vec<String>,
    pub cooperating: Vec<String>,
    pub due: String,
    pub assigned_on: String,
    pub note: String,
}

impl TaskForm {
    fn from_task(t: &Task) -> TaskForm {
        let codes = |v: &[Code]| v.iter().map(ToString::to_string).collect();
        TaskForm {
            code: t.code.to_string(),
            name: t.name.clone(),
            year: t.year.to_string(),
            plan: t.plan.as_ref().map(ToString::to_string).unwrap_or_default(),
            target: t.target.as_ref().map(ToString::to_string).unwrap_or_default(),
            pillar: t.pillar.as_ref().map(ToString::to_string).unwrap_or_default(),
            lead: codes(&t.lead),
            cooperating: codes(&t.cooperating),
            due: t.due.phrase().to_string(),
            assigned_on: t.assigned_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            note: t.note.clone().unwrap_or_default(),
        }
    }

    fn from_fields(f: &Fields) -> TaskForm {
        let many = |name: &str| f.all(name).into_iter().filter(|x| !x.is_empty()).collect();
        TaskForm {
            code: f.get("code"),
            name: f.get("name"),
            year: f.get("year"),
            plan: f.get("plan"),
            target: f.get("target"),
            pillar: f.get("pillar"),
            lead: many("lead"),
            cooperating: many("cooperating"),
            due: f.get("due"),
            assigned_on: f.get("assigned_on"),
            note: f.get("note"),
        }
    }

    fn parse(&self, lang: Lang, fixed: Option<&Code>) -> Result<Task, Problems> {
        let mut p = Problems::new(lang);
        let code = match fixed {
            Some(c) => Some(c.clone()),
            None => p.code("code", lang.pick("Mã nhiệm vụ", "Task code"), &self.code),
        };
        let name = p.required("name", lang.pick("Tên nhiệm vụ", "Task name"), &self.name);
        let year = p.year("year", lang.pick("Năm", "Year"), &self.year);
        let plan = p.optional_code("plan", lang.pick("Kế hoạch", "Plan"), &self.plan);
        let target = p.optional_code("target", lang.pick("Chỉ tiêu", "Target"), &self.target);
        let pillar = p.optional_code("pillar", lang.pick("Trụ cột", "Pillar"), &self.pillar);
        let mut codes = |field: &str, label: &str, list: &[String]| -> Vec<Code> {
            list.iter().filter_map(|c| p.code(field, label, c)).collect()
        };
        let lead = codes("lead", lang.pick("Đơn vị chủ trì", "Lead units"), &self.lead);
        let cooperating = codes("cooperating", lang.pick("Đơn vị phối hợp", "Co-operating units"), &self.cooperating);
        if self.lead.is_empty() {
            p.add(
                "lead",
                format!(
                    "{}: {}.",
                    lang.pick("Đơn vị chủ trì", "Lead units"),
                    lang.pick("chưa chọn", "choose at least one")
                ),
            );
        }
        let due = p.required("due", lang.pick("Thời hạn", "Due"), &self.due).map(|d| EvaluationTime::parse(&d));
        let assigned_on = if self.assigned_on.is_empty() {
            None
        } else {
            p.date("assigned_on", lang.pick("Ngày giao", "Assigned on"), &self.assigned_on)
        };
        if !p.list.is_empty() {
            return Err(p);
        }
        let (Some(code), Some(name), Some(year), Some(due)) = (code, name, year, due) else {
            unreachable!("every missing field is a problem")
        };
        Ok(Task {
            code,
            name,
            plan,
            target,
            pillar,
            year,
            lead,
            cooperating,
            due,
            assigned_on,
            note: text_or_none(&self.note),
        })
    }
}

#[derive(Template)]
#[template(path = "task_edit.html")]
struct TaskEditPage {
    chrome: Chrome,
    editing: Option<String>,
    f: TaskForm,
    problems: Vec<(String, String)>,
    saved: bool,
    /// How the due phrase is read: "31/12/2026", or recurring.
    deadline: Option<String>,
    plans: Vec<Choice>,
    /// The plans' targets, offered as suggestions.
    targets: Vec<Choice>,
    pillars: Vec<Choice>,
    /// Unit groups then units, for the lead and co-operating selects.
    lead_groups: Vec<Choice>,
    lead_units: Vec<Choice>,
    coop_groups: Vec<Choice>,
    coop_units: Vec<Choice>,
    reports: usize,
}

impl TaskEditPage {
    fn has_error(&self, field: &str) -> bool {
        self.problems.iter().any(|(f, _)| f == field)
    }
}

fn group_choices(model: &Model, selected: &[String]) -> Vec<Choice> {
    model
        .metadata()
        .unit_groups
        .iter()
        .map(|g| Choice {
            code: g.code.to_string(),
            name: g.name.clone(),
            selected: selected.iter().any(|s| s == g.code.as_str()),
        })
        .collect()
}

async fn render_task(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<&Task>,
    f: TaskForm,
    problems: Vec<(String, String)>,
    saved: bool,
) -> Result<String, AppError> {
    let lang = user.lang;
    let model = state.model();
    let today = state.today();
    let plans = model
        .metadata()
        .plans
        .iter()
        .map(|p| Choice {
            code: p.code.to_string(),
            name: format!("{} ({})", p.title, p.year),
            selected: p.code.as_str() == f.plan,
        })
        .collect();
    let targets = model
        .metadata()
        .plans
        .iter()
        .flat_map(|p| p.targets.iter().map(move |t| (p, t)))
        .map(|(p, t)| Choice { code: t.code.to_string(), name: format!("{} · {}", p.code, t.name), selected: false })
        .collect();
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let deadline = editing.map(|t| {
        if t.due.is_recurring() {
            lang.pick("nhiệm vụ thường xuyên (không có hạn)", "recurring (no deadline)").to_string()
        } else {
            date(t.deadline())
        }
    });
    let reports = match editing {
        Some(t) => state.store.load_registers().await?.progress_reports.iter().filter(|r| r.task == t.code).count(),
        None => 0,
    };
    let title = match editing {
        Some(t) => format!("{} {}", lang.pick("Sửa nhiệm vụ", "Edit task"), t.code),
        None => lang.pick("Giao nhiệm vụ mới", "New task").to_string(),
    };
    let page = TaskEditPage {
        chrome: Chrome::new(state, user, title, "/tasks"),
        editing: editing.map(|t| t.code.to_string()),
        problems,
        saved,
        deadline,
        plans,
        targets,
        pillars: pillar_choices(&model, &f.pillar),
        lead_groups: group_choices(&model, &f.lead),
        lead_units: unit_choices(&model, today, &refs(&f.lead)),
        coop_groups: group_choices(&model, &f.cooperating),
        coop_units: unit_choices(&model, today, &refs(&f.cooperating)),
        reports,
        f,
    };
    Ok(page.render()?)
}

async fn stored_task(state: &AppState, code: &str) -> Result<Task, AppError> {
    state
        .store
        .load_registers()
        .await?
        .tasks
        .into_iter()
        .find(|t| t.code.as_str() == code)
        .ok_or_else(|| AppError::not_found(format!("nhiệm vụ {code}")))
}

async fn task_new(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult<Html<String>> {
    user.require_manage()?;
    let y = state.today().year();
    let plan = state.model().metadata().plans.iter().find(|p| p.year == y).map(|p| p.code.to_string());
    let f = TaskForm {
        year: y.to_string(),
        plan: plan.unwrap_or_default(),
        due: format!("Cuối năm {y}"),
        ..TaskForm::default()
    };
    Ok(Html(render_task(&state, &user, None, f, Vec::new(), false).await?))
}

async fn task_create(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.require_manage()?;
    let f = TaskForm::from_fields(&Fields(fields));
    let problems = match f.parse(user.lang, None) {
        Err(p) => p.list,
        Ok(t) => match put_task(&state, &user, t, Write::Create).await {
            Ok((t, _)) => return Ok(saved_to(format!("/tasks/{}/edit?saved=1", t.code))),
            Err(e) => vec![(String::new(), form_problem(e)?)],
        },
    };
    Ok(invalid(render_task(&state, &user, None, f, problems, false).await?))
}

#[derive(Debug, Default, serde::Deserialize)]
struct SavedFlag {
    saved: Option<String>,
}

async fn task_edit(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<SavedFlag>,
) -> PageResult<Html<String>> {
    user.require_manage()?;
    let t = stored_task(&state, &code).await?;
    let saved = q.saved.is_some_and(|s| !s.is_empty());
    Ok(Html(render_task(&state, &user, Some(&t), TaskForm::from_task(&t), Vec::new(), saved).await?))
}

async fn task_update(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.require_manage()?;
    let stored = stored_task(&state, &code).await?;
    let f = TaskForm { code: code.clone(), ..TaskForm::from_fields(&Fields(fields)) };
    let problems = match f.parse(user.lang, Some(&stored.code)) {
        Err(p) => p.list,
        Ok(t) => match put_task(&state, &user, t, Write::Replace).await {
            Ok((t, _)) => return Ok(saved_to(format!("/tasks/{}/edit?saved=1", t.code))),
            Err(e) => vec![(String::new(), form_problem(e)?)],
        },
    };
    Ok(invalid(render_task(&state, &user, Some(&stored), f, problems, false).await?))
}

#[derive(Template)]
#[template(path = "task_delete.html")]
struct TaskDeletePage {
    chrome: Chrome,
    code: String,
    name: String,
    lead_names: String,
    reports: usize,
}

async fn task_delete_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> PageResult<Html<String>> {
    user.require_manage()?;
    let t = stored_task(&state, &code).await?;
    let model = state.model();
    let reports = state.store.load_registers().await?.progress_reports.iter().filter(|r| r.task == t.code).count();
    let page = TaskDeletePage {
        chrome: Chrome::new(
            &state,
            &user,
            format!("{} {code}", user.lang.pick("Xóa nhiệm vụ", "Delete task")),
            "/tasks",
        ),
        lead_names: t.lead.iter().map(|c| model.party_name(c.as_str())).collect::<Vec<_>>().join("; "),
        code,
        name: t.name,
        reports,
    };
    Ok(Html(page.render()?))
}

async fn task_delete_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> PageResult {
    delete_task(&state, &user, &code).await?;
    Ok(saved_to(format!("/tasks?deleted={}", crate::auth::urlencode(&code))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chiso_core::register::ProjectStatus;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn rows_line_up_by_position_and_empty_rows_drop() {
        let f = fields(&[
            ("funding_source", "NSTW"),
            ("funding_other", ""),
            ("funding_amount", "1.250,5"),
            ("funding_source", ""),
            ("funding_other", ""),
            ("funding_amount", ""),
            ("funding_source", "other"),
            ("funding_other", "Vốn ODA"),
            ("funding_amount", "10"),
        ]);
        let rows = source_rows(&f);
        assert_eq!(rows.len(), 2);
        let mut p = Problems::new(Lang::Vi);
        let funding = parse_funding(&mut p, &rows);
        assert!(p.list.is_empty(), "{:?}", p.list);
        assert_eq!(funding[0], Funding { source: Source::Nstw, amount: Money::from_thousand(1_250_500) });
        assert_eq!(funding[1], Funding { source: Source::Other("Vốn ODA".into()), amount: Money::million(10) });
    }

    #[test]
    fn a_bad_amount_names_its_field() {
        let mut p = Problems::new(Lang::Vi);
        assert_eq!(p.money("total_investment", "Tổng mức đầu tư", "12,5,0", true), None);
        assert_eq!(p.money("x", "Số tiền", "-5", true), None);
        assert_eq!(p.money("y", "Số tiền", "0,0001", true), None);
        assert_eq!(p.money("z", "Số tiền", "", false), None);
        let msgs: Vec<&str> = p.list.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs[0].starts_with("Tổng mức đầu tư: số tiền \"12,5,0\""), "{}", msgs[0]);
        assert!(msgs[1].contains("không được âm"), "{}", msgs[1]);
        assert!(msgs[2].contains("lẻ dưới 1.000 đồng"), "{}", msgs[2]);
        assert_eq!(p.list[0].0, "total_investment");
    }

    #[test]
    fn a_project_form_round_trips() {
        let p = InvestmentProject {
            code: Code::new("DA_X").unwrap(),
            name: "Dự án X".into(),
            decisions: vec![Decision {
                number: "12/QĐ-UBND".into(),
                date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                authority: "UBND tỉnh".into(),
            }],
            total_investment: Money::from_thousand(1_250_500),
            period: YearSpan { from: 2026, to: 2027 },
            funding: vec![
                Funding { source: Source::Nstw, amount: Money::million(1000) },
                Funding { source: Source::Other("ODA".into()), amount: Money::from_thousand(250_500) },
            ],
            kind: BudgetKind::PublicInvestment,
            unit: Code::new("SO_KHCN").unwrap(),
            objective: "Mục tiêu".into(),
            pillar: Some(Code::new("HA_TANG").unwrap()),
            status: ProjectStatus::Ongoing,
            transition: true,
            allocations: vec![Allocation { year: 2026, source: Some(Source::Nstw), amount: Money::million(400) }],
            disbursements: Vec::new(),
            note: None,
        };
        let f = ProjectForm::from_project(&p);
        assert_eq!(f.total_investment, "1.250,5");
        assert_eq!(f.parse(Lang::Vi, None).unwrap(), p);
    }
}
