//! The built-in templates, shipped as YAML beside the crate
//! (`crates/report/templates/`) and compiled in. The office starts from
//! them and edits copies; the store keeps the versions.
//!
//! - `weekly` (BC_TUAN): the week's figures with their change since the
//!   previous week, the completeness of the weekly reports and the late units.
//! - `monthly` (BC_THANG): shaped like a provincial monthly report
//!   (examples/000): results by pillar with figures, the reports' completeness,
//!   the targets at risk, general assessment, the units' difficulties and
//!   proposals, the next month's tasks; appendices with the plan's targets and
//!   the main figures by unit.
//! - `plan-appendices` (yearly): the report on the year's plan with the
//!   plan's appendices shaped like examples/004 — the targets of the year with
//!   their results and verdicts, the public-investment projects (capital of
//!   the previous and this year, by unit with subtotals and the total), the
//!   recurrent-budget tasks by unit, the assignment table (targets and tasks,
//!   lead and co-operating units, evaluation time), and next year's projects
//!   and tasks when the register has them; a short body with the budget
//!   sentence, the task counts and the overdue and at-risk tasks. It needs the
//!   registers (`ReportInput::registers`).

use crate::template::Template;

pub const WEEKLY_YAML: &str = include_str!("../templates/weekly.yaml");
pub const MONTHLY_YAML: &str = include_str!("../templates/monthly.yaml");
pub const PLAN_APPENDICES_YAML: &str = include_str!("../templates/plan-appendices.yaml");

/// The names of the built-in templates.
pub const NAMES: &[&str] = &["weekly", "monthly", "plan-appendices"];

/// The YAML source of a built-in template.
pub fn source(name: &str) -> Option<&'static str> {
    match name {
        "weekly" => Some(WEEKLY_YAML),
        "monthly" => Some(MONTHLY_YAML),
        "plan-appendices" => Some(PLAN_APPENDICES_YAML),
        _ => None,
    }
}

/// A built-in template, parsed and checked.
pub fn get(name: &str) -> Option<Template> {
    source(name).map(|s| Template::from_yaml(s).unwrap_or_else(|e| panic!("built-in template {name}: {e}")))
}

/// Every built-in template.
pub fn all() -> Vec<Template> {
    NAMES.iter().filter_map(|n| get(n)).collect()
}
