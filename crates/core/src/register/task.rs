//! Task assignments (phân công nhiệm vụ): the plan's tasks with their lead and
//! co-operating units and due time, the progress reports the units send, and
//! what the office and the national level ask of them — each task's standing
//! on a day, the overdue and at-risk lists, and the counts (assigned,
//! completed, completed on time, overdue, at risk of not completing this year).
//!
//! **Standing of a task on `as_of`** (reports dated after `as_of` are ignored):
//!
//! 1. Completed — the latest run of reports says completed (state `completed`
//!    or 100 %): on time when the first report of that run is dated on or
//!    before the deadline, late otherwise.
//! 2. Overdue — not completed and `as_of` is after the deadline. Recurring
//!    tasks ("Nhiệm vụ thường xuyên") are never overdue.
//! 3. Not reported — no report yet.
//! 4. At risk — the latest report says `at_risk`; or the task is due within
//!    `as_of`'s year and its pace is too slow: the progress measure of
//!    [`measure_progress`] (the Statistics Canada / Open SDG ratio used for
//!    targets) on a milestone, from 0 % at the task's start (`assigned_on`,
//!    else 1 January of its year) to the latest reported percentage at
//!    `as_of` (progress not reported since counts as no progress since),
//!    against 100 % at the deadline. With a linear pace this is
//!    R = (percent ÷ elapsed time) ÷ (100 ÷ allotted time); R < 0,6 (limited
//!    progress or deterioration) is at risk. The pace is judged once a
//!    quarter of the allotted time has passed, and not for recurring tasks.
//! 5. On track otherwise (in progress, or not started with time to spare).

use super::{Appendix, Column, Item, RegisterError, Registers, TotalAt, build_rows, push};
use crate::code::Code;
use crate::metadata::Model;
use crate::plan::{EvaluationTime, Plan};
use crate::threshold::Threshold;
use crate::verdict::{ProgressMeasure, measure_progress};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// A task assigned by a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub code: Code,
    /// The task as the plan states it.
    pub name: String,
    /// The plan that assigns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Code>,
    /// The plan's target it serves (needs `plan`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Code>,
    /// The pillar it is listed under in the assignment table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pillar: Option<Code>,
    /// The plan's year: the deadline of a phrase that names no date.
    pub year: i32,
    /// Lead units: unit or group codes ("Các sở, ngành Tỉnh; UBND cấp huyện" are groups).
    pub lead: Vec<Code>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cooperating: Vec<Code>,
    /// "Tháng 09/2026", "Cuối năm 2026", "Nhiệm vụ thường xuyên", as the plan words it.
    pub due: EvaluationTime,
    /// When the task was assigned; 1 January of `year` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Task {
    pub fn deadline(&self) -> NaiveDate {
        self.due.deadline(self.year)
    }
    pub fn start(&self) -> NaiveDate {
        self.assigned_on.unwrap_or_else(|| NaiveDate::from_ymd_opt(self.year, 1, 1).expect("valid year"))
    }
}

/// The tasks of a plan's targets, one per target (code, lead, co-operating
/// units and evaluation time as the plan states them): the assignment table
/// when the plan assigns its targets themselves, as Phụ lục VII of examples/004 does.
pub fn tasks_from_plan(plan: &Plan) -> Vec<Task> {
    plan.targets
        .iter()
        .map(|t| Task {
            code: t.code.clone(),
            name: t.name.clone(),
            plan: Some(plan.code.clone()),
            target: Some(t.code.clone()),
            pillar: Some(t.pillar.clone()),
            year: plan.year,
            lead: t.lead.clone(),
            cooperating: t.cooperating.clone(),
            due: t.evaluation.clone(),
            assigned_on: plan.issued_on,
            note: None,
        })
        .collect()
}

/// What a unit reports of a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    NotStarted,
    InProgress,
    Completed,
    AtRisk,
}

impl TaskState {
    pub fn label_vi(self) -> &'static str {
        match self {
            TaskState::NotStarted => "Chưa triển khai",
            TaskState::InProgress => "Đang triển khai",
            TaskState::Completed => "Hoàn thành",
            TaskState::AtRisk => "Có nguy cơ chậm tiến độ",
        }
    }
}

/// A progress report: a percentage, a state, or both (the state wins when
/// both are given: "at risk" at 40 %).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressReport {
    pub task: Code,
    pub date: NaiveDate,
    /// The reporting unit.
    pub by: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<TaskState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl ProgressReport {
    /// The state stated, or read from the percentage (0 not started, 100 completed).
    pub fn effective_state(&self) -> Option<TaskState> {
        self.state.or(match self.percent {
            Some(p) if p >= 100.0 => Some(TaskState::Completed),
            Some(p) if p <= 0.0 => Some(TaskState::NotStarted),
            Some(_) => Some(TaskState::InProgress),
            None => None,
        })
    }
}

/// Where a task stands on a day; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    CompletedOnTime,
    CompletedLate,
    Overdue,
    AtRisk,
    OnTrack,
    NotReported,
}

impl Standing {
    pub fn label_vi(self) -> &'static str {
        match self {
            Standing::CompletedOnTime => "Hoàn thành đúng hạn",
            Standing::CompletedLate => "Hoàn thành trễ hạn",
            Standing::Overdue => "Quá hạn",
            Standing::AtRisk => "Có nguy cơ không hoàn thành",
            Standing::OnTrack => "Đang thực hiện",
            Standing::NotReported => "Chưa báo cáo",
        }
    }
    pub fn is_completed(self) -> bool {
        matches!(self, Standing::CompletedOnTime | Standing::CompletedLate)
    }
}

impl fmt::Display for Standing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// A task's standing on a day, with what it was judged from.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskStatus<'a> {
    pub task: &'a Task,
    pub deadline: NaiveDate,
    pub standing: Standing,
    /// The latest report on or before the day.
    pub latest: Option<&'a ProgressReport>,
    /// The latest state reported (or read from a percentage).
    pub state: Option<TaskState>,
    /// The latest percentage reported.
    pub percent: Option<f64>,
    pub completed_on: Option<NaiveDate>,
    /// The pace measure when the pace rule was applied.
    pub pace: Option<ProgressMeasure>,
}

/// The share of a task's allotted time after which its pace is judged.
pub const PACE_GRACE: f64 = 0.25;

/// The standing of one task on `as_of`, from its reports (any order; reports
/// of other tasks are ignored).
pub fn task_status<'a>(task: &'a Task, reports: &[&'a ProgressReport], as_of: NaiveDate) -> TaskStatus<'a> {
    let mut mine: Vec<&ProgressReport> =
        reports.iter().copied().filter(|r| r.task == task.code && r.date <= as_of).collect();
    mine.sort_by_key(|r| r.date); // stable: same-day reports keep register order
    let deadline = task.deadline();
    let recurring = task.due.is_recurring();
    let mut completed_on = None;
    for r in &mine {
        match r.effective_state() {
            Some(TaskState::Completed) => completed_on = completed_on.or(Some(r.date)),
            Some(_) => completed_on = None,
            None => {}
        }
    }
    let latest = mine.last().copied();
    let state = mine.iter().rev().find_map(|r| r.effective_state());
    let percent = mine.iter().rev().find_map(|r| r.percent);
    let mut pace = None;
    let standing = if let Some(done) = completed_on {
        if done <= deadline { Standing::CompletedOnTime } else { Standing::CompletedLate }
    } else if !recurring && as_of > deadline {
        Standing::Overdue
    } else if latest.is_none() {
        Standing::NotReported
    } else if state == Some(TaskState::AtRisk) {
        Standing::AtRisk
    } else {
        let start = task.start();
        let current = percent.or(match state {
            Some(TaskState::NotStarted) => Some(0.0),
            _ => None,
        });
        let allotted = (deadline - start).num_days() as f64;
        let elapsed = (as_of - start).num_days() as f64;
        let judged = !recurring
            && deadline.year() == as_of.year()
            && allotted > 0.0
            && elapsed >= PACE_GRACE * allotted
            && current.is_some();
        if judged {
            let m = measure_progress(
                &Threshold::Milestone { label: task.name.clone() },
                0.0,
                0.0,
                elapsed,
                current.unwrap_or(0.0),
                allotted,
            );
            let risky = m.progress.at_risk();
            pace = Some(m);
            if risky { Standing::AtRisk } else { Standing::OnTrack }
        } else {
            Standing::OnTrack
        }
    };
    TaskStatus { task, deadline, standing, latest, state, percent, completed_on, pace }
}

/// The standing of every task of the register on `as_of`, in register order.
pub fn statuses(reg: &Registers, as_of: NaiveDate) -> Vec<TaskStatus<'_>> {
    let mut by_task: HashMap<&Code, Vec<&ProgressReport>> = HashMap::new();
    for r in &reg.progress_reports {
        by_task.entry(&r.task).or_default().push(r);
    }
    reg.tasks.iter().map(|t| task_status(t, by_task.get(&t.code).map(Vec::as_slice).unwrap_or(&[]), as_of)).collect()
}

/// The overdue ones, earliest deadline first.
pub fn overdue<'a, 'b>(statuses: &'b [TaskStatus<'a>]) -> Vec<&'b TaskStatus<'a>> {
    let mut v: Vec<_> = statuses.iter().filter(|s| s.standing == Standing::Overdue).collect();
    v.sort_by_key(|s| s.deadline);
    v
}

/// The ones at risk of not completing on time, earliest deadline first.
pub fn at_risk<'a, 'b>(statuses: &'b [TaskStatus<'a>]) -> Vec<&'b TaskStatus<'a>> {
    let mut v: Vec<_> = statuses.iter().filter(|s| s.standing == Standing::AtRisk).collect();
    v.sort_by_key(|s| s.deadline);
    v
}

/// The counts the national level asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TaskCounts {
    pub assigned: usize,
    pub completed: usize,
    pub completed_on_time: usize,
    pub completed_late: usize,
    pub overdue: usize,
    /// At risk of not completing on time (this year, by the pace rule).
    pub at_risk: usize,
    pub on_track: usize,
    pub not_reported: usize,
}

impl TaskCounts {
    /// "Giao 25 nhiệm vụ: đã hoàn thành 9 (đúng hạn 7), quá hạn 3, có nguy cơ
    /// không hoàn thành trong năm 4, đang thực hiện 8, chưa báo cáo 1."
    pub fn sentence(&self) -> String {
        format!(
            "Giao {} nhiệm vụ: đã hoàn thành {} (đúng hạn {}), quá hạn {}, có nguy cơ không hoàn thành trong năm {}, đang thực hiện {}, chưa báo cáo {}.",
            self.assigned,
            self.completed,
            self.completed_on_time,
            self.overdue,
            self.at_risk,
            self.on_track,
            self.not_reported
        )
    }
}

pub fn counts(statuses: &[TaskStatus<'_>]) -> TaskCounts {
    let mut c = TaskCounts { assigned: statuses.len(), ..TaskCounts::default() };
    for s in statuses {
        match s.standing {
            Standing::CompletedOnTime => c.completed_on_time += 1,
            Standing::CompletedLate => c.completed_late += 1,
            Standing::Overdue => c.overdue += 1,
            Standing::AtRisk => c.at_risk += 1,
            Standing::OnTrack => c.on_track += 1,
            Standing::NotReported => c.not_reported += 1,
        }
    }
    c.completed = c.completed_on_time + c.completed_late;
    c
}

/// Phụ lục VII: the tasks of `year` by pillar (in the model's pillar order;
/// tasks with no pillar last, under "NHIỆM VỤ KHÁC") — Stt, Tên nhiệm vụ, Đơn
/// vị chủ trì, Đơn vị phối hợp, Thời điểm đánh giá. No totals.
pub fn assignment_appendix(reg: &Registers, model: &Model, year: i32) -> Appendix {
    let columns = vec![
        Column::text("Stt"),
        Column::text("Tên nhiệm vụ"),
        Column::text("Đơn vị chủ trì"),
        Column::text("Đơn vị phối hợp"),
        Column::text("Thời điểm đánh giá"),
    ];
    let pillars = &model.metadata().pillars;
    let names = |codes: &[Code]| codes.iter().map(|c| model.party_name(c.as_str())).collect::<Vec<_>>().join("; ");
    let items = reg
        .tasks
        .iter()
        .filter(|t| t.year == year)
        .map(|t| {
            let group = t
                .pillar
                .as_ref()
                .and_then(|p| {
                    pillars.iter().position(|x| &x.code == p).map(|i| (i as u64, pillars[i].name.to_uppercase()))
                })
                .unwrap_or((u64::MAX, "NHIỆM VỤ KHÁC".into()));
            let cell = |s: String| if s.is_empty() { super::Cell::Empty } else { super::Cell::Text(s) };
            Item {
                groups: vec![group],
                cells: vec![
                    cell(t.name.clone()),
                    cell(names(&t.lead)),
                    cell(names(&t.cooperating)),
                    cell(t.due.phrase().to_string()),
                ],
            }
        })
        .collect();
    let rows = build_rows(&columns, items, TotalAt::Nowhere);
    Appendix {
        title: "PHÂN CÔNG THEO DÕI, ĐÔN ĐỐC THỰC HIỆN CÁC NHIỆM VỤ, CHỈ TIÊU KẾ HOẠCH".into(),
        unit_note: None,
        columns,
        rows,
    }
}

pub(crate) fn check(reg: &Registers, model: &Model, errs: &mut Vec<RegisterError>) {
    let tree = model.tree();
    let pillars: HashSet<&Code> = model.metadata().pillars.iter().map(|p| &p.code).collect();
    let unit_or_group = |c: &Code| tree.index(c.as_str()).is_some() || model.group(c.as_str()).is_some();
    let mut codes = HashSet::new();
    for t in &reg.tasks {
        let place = |field: &str| format!("tasks[{}].{field}", t.code);
        if !codes.insert(&t.code) {
            push(errs, format!("tasks[{}]", t.code), "mã bị trùng");
        }
        if t.name.trim().is_empty() {
            push(errs, place("name"), "chưa có tên nhiệm vụ");
        }
        if t.lead.is_empty() {
            push(errs, place("lead"), "chưa có đơn vị chủ trì");
        }
        for (field, list) in [("lead", &t.lead), ("cooperating", &t.cooperating)] {
            for u in list.iter().filter(|u| !unit_or_group(u)) {
                push(errs, place(field), format!("đơn vị hoặc nhóm {u} không tồn tại"));
            }
        }
        if let Some(p) = &t.pillar
            && !pillars.contains(p)
        {
            push(errs, place("pillar"), format!("trụ cột {p} không tồn tại"));
        }
        match (&t.plan, &t.target) {
            (None, Some(_)) => push(errs, place("target"), "cần ghi kế hoạch (plan) của chỉ tiêu"),
            (Some(pc), target) => match model.plan(pc.as_str()) {
                None => push(errs, place("plan"), format!("kế hoạch {pc} không tồn tại")),
                Some(plan) => {
                    if plan.year != t.year {
                        push(errs, place("year"), format!("năm {} khác năm của kế hoạch {pc} ({})", t.year, plan.year));
                    }
                    if let Some(tc) = target
                        && !plan.targets.iter().any(|x| &x.code == tc)
                    {
                        push(errs, place("target"), format!("kế hoạch {pc} không có chỉ tiêu {tc}"));
                    }
                }
            },
            (None, None) => {}
        }
        if let Some(a) = t.assigned_on
            && a >= t.deadline()
        {
            push(
                errs,
                place("assigned_on"),
                format!("ngày giao {} không trước hạn {}", a.format("%d/%m/%Y"), t.deadline().format("%d/%m/%Y")),
            );
        }
    }
    for (i, r) in reg.progress_reports.iter().enumerate() {
        let place = |field: &str| format!("progress_reports[{i}].{field}");
        if !codes.contains(&r.task) {
            push(errs, place("task"), format!("nhiệm vụ {} không tồn tại", r.task));
        }
        if tree.index(r.by.as_str()).is_none() {
            push(errs, place("by"), format!("đơn vị {} không tồn tại", r.by));
        }
        match r.percent {
            Some(p) if !(0.0..=100.0).contains(&p) => {
                push(errs, place("percent"), format!("tỷ lệ hoàn thành {p} ngoài khoảng 0–100"))
            }
            Some(p) if r.state == Some(TaskState::Completed) && p < 100.0 => {
                push(errs, place("state"), format!("báo hoàn thành nhưng tỷ lệ {p}% chưa đủ 100%"))
            }
            None if r.state.is_none() => {
                push(errs, place("state"), "cần ghi tỷ lệ hoàn thành (percent) hoặc trạng thái (state)")
            }
            _ => {}
        }
    }
}
