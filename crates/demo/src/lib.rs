//! chiso-demo: Tỉnh Hòa Lâm, a fictional province for trying chiso and for
//! tests.
//!
//! It owns the demo's metadata (three levels of units: about 20 departments,
//! 10 districts and 120 communes; the ten pillars; a weekly and a monthly
//! report form with their elements, indicators and validation rules; the
//! current year's plan and the previous year's) and its data: two years of
//! values, submissions and narratives with a story in them (chronically late
//! units, a few slips that validation catches, targets met, missed and at
//! risk). [`generate`] is a pure function of `today` with a fixed seed.
//!
//! Architecture invariant: of chiso's crates it depends on chiso-core only
//! (besides chrono, serde and rand). It has no store, does no I/O and reads no
//! clock or environment: it returns data, and the store, the CLI or a test
//! decides what to do with it.
//!
//! The forms: `BC_TUAN`, weekly from Saturday, due 2 working days after the
//! week, for departments and districts; `BC_THANG`, monthly with the Nghị định
//! 09 cut-off (15th to 14th), due on the 25th of the report month, for
//! departments, districts and communes. The weekly form has its own elements
//! (`TUAN_HS_*` ...) so that a month's dossiers are never counted twice. Rates
//! are indicators (ratios of sums); the one rate units type, the stated late
//! rate, is a percentage that is not aggregated and only feeds a validation
//! rule.
//!
//! The story, for `today` late in the year (the demo is tuned for 23/11/2026):
//!
//! - **Late and missing reports** concentrate in Sở Xây dựng and Thanh tra
//!   tỉnh (late more often than not), Huyện Suối Mây and its communes (late or
//!   missing), four communes of Huyện Thạch Bàn, and the Bộ Chỉ huy Quân sự
//!   tỉnh (often sends nothing). Thị xã Bình Sơn was chronically late last
//!   year and has been on time since January.
//! - **Validation** finds Sở Y tế typing its late rate a hundred times too
//!   small in three months (like "0,01%" for 1,08%), Huyện Vĩnh Xuân with on
//!   time + late greater than resolved (its latest monthly report was
//!   returned), the same slip in a recent weekly report of Sở Nông nghiệp và
//!   Môi trường (returned), and a handful of random typos.
//! - **Targets** of the current plan past their evaluation time mix Vượt,
//!   Đạt and Chưa đạt; among the year-end ones the online dossier share,
//!   staff digital skills and the late rate are at risk, the rest on track.
//! - Sở Thông tin và Truyền thông closes on 28/02/2025 with Sở Khoa học và
//!   Công nghệ (the coordinating office) as its successor.

mod catalog;
mod data;
mod index;
mod names;
mod narrative;
mod org;
mod plans;
mod registers;
mod rng;
mod security;

use chiso_core::metadata::Metadata;
use chiso_core::value::{DataValue, Narrative, Submission};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The code of the province (the root unit).
pub const PROVINCE: &str = org::ROOT;
/// The coordinating office.
pub const COORDINATOR: &str = org::COORDINATOR;
pub use index::{INDEX_GROUPS, demo_index};
/// The weekly and the monthly report form.
pub const WEEKLY_FORM: &str = catalog::WEEKLY;
pub const MONTHLY_FORM: &str = catalog::MONTHLY;

/// The day the demo's story is tuned for.
pub fn default_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

/// A generated demo province: metadata and everything its units reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Demo {
    pub metadata: Metadata,
    pub values: Vec<DataValue>,
    pub narratives: Vec<Narrative>,
    pub submissions: Vec<Submission>,
}

/// The metadata alone (units, forms, elements, indicators, rules, plans of
/// `today`'s year and the year before).
pub fn metadata(today: NaiveDate) -> Metadata {
    let org = org::build();
    metadata_for(&org, today)
}

fn metadata_for(org: &org::Org, today: NaiveDate) -> Metadata {
    let year = today.year();
    Metadata {
        name: Some("Tỉnh Hòa Lâm".into()),
        levels: org.levels.clone(),
        unit_kinds: org.kinds.clone(),
        org_units: org.units.clone(),
        unit_groups: org.groups.clone(),
        pillars: catalog::pillars(),
        disaggregations: catalog::disaggregations(),
        data_elements: catalog::elements(),
        indicators: catalog::indicators(),
        constants: vec![],
        validation_rules: catalog::rules(),
        forms: catalog::forms(),
        plans: vec![plans::previous(year - 1, today), plans::current(year, today)],
    }
}

/// The registers as of `today`: the projects-and-budgets register (15
/// investment projects around `today`'s year, 22 recurrent-budget tasks of the
/// year, the province's state budget) and the 26 tasks assigned by the current
/// plan with their progress reports (see `registers.rs` for the story), and
/// 44 information systems with their security-level dossiers (`security.rs`),
/// and the digital-transformation index of the previous and the current year
/// with the assessors' scores of the departments, districts and communes (`index.rs`).
pub fn registers(today: NaiveDate) -> chiso_core::register::Registers {
    registers::build(today)
}

/// Generates the demo as of `today`: data for the whole previous calendar
/// year and the current year up to `today` (every period whose deadline has
/// passed, and the current period partly reported). Deterministic: the same
/// `today` gives the same demo. Each unit's figures for a period are drawn
/// from a generator seeded by the form, unit and period, so a later `today`
/// keeps the earlier periods' figures, except the scripted slips placed near
/// `today` (the returned reports).
pub fn generate(today: NaiveDate) -> Demo {
    let org = org::build();
    let metadata = metadata_for(&org, today);
    let reports = data::generate(&org, &metadata.forms, today);
    Demo { metadata, values: reports.values, narratives: reports.narratives, submissions: reports.submissions }
}

#[cfg(test)]
mod tests;
