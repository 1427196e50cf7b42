//! A plan's targets evaluated on the engine's figures.
//!
//! For a target measured on an indicator or element, the value judged is the
//! plan year's figure at the target's unit (the province when none is named)
//! from the start of the year to the end of the last month with data, and no
//! later than the target's evaluation time. The progress measure
//! starts from the target's baseline, or from zero at the start of the year for
//! counts that add up over time, or from the first month's figure otherwise.

use crate::engine::AnalyticsEngine;
use crate::query::DxItem;
use chiso_core::element::Aggregation;
use chiso_core::evaluation::{Measured, Observation, TargetEvaluation, evaluate_target};
use chiso_core::period::{Period, PeriodType};
use chiso_core::plan::{Measure, Plan, Target};
use chiso_core::verdict::Verdict;
use chrono::NaiveDate;

pub use chiso_core::evaluation;

pub fn evaluate_plan(engine: &dyn AnalyticsEngine, plan: &Plan, today: NaiveDate) -> Vec<TargetEvaluation> {
    plan.targets.iter().map(|t| evaluate(engine, plan, t, today)).collect()
}

pub fn evaluate(engine: &dyn AnalyticsEngine, plan: &Plan, target: &Target, today: NaiveDate) -> TargetEvaluation {
    let measured = measure(engine, plan, target, today);
    let decimals = usize::from(target.decimals);
    evaluate_target(plan, target, today, measured, decimals)
}

fn measure(engine: &dyn AnalyticsEngine, plan: &Plan, target: &Target, today: NaiveDate) -> Measured {
    let model = engine.model();
    let (dx, cumulative) = match &target.measure {
        Measure::Manual => return Measured::default(),
        Measure::Indicator(c) => (DxItem::Indicator(c.clone()), false),
        Measure::Element(c) => (
            DxItem::Element { code: c.clone(), option: None },
            model.element(c.as_str()).is_some_and(|e| e.time_rule() == Aggregation::Sum),
        ),
    };
    let tree = model.tree();
    let unit = match &target.measure_unit {
        Some(u) => tree.index(u.as_str()),
        None => tree.roots().first().copied(),
    };
    let (Some(unit), Ok(year)) = (unit, Period::year(plan.year)) else { return Measured::default() };
    // Judged on the data up to the evaluation time (or today, before it).
    let cut = target.evaluation.deadline(plan.year).min(today);
    let months: Vec<Period> =
        year.periods_within(PeriodType::Monthly).into_iter().filter(|m| m.start() <= cut).collect();
    let with_data: Vec<(Period, f64)> =
        months.iter().filter_map(|m| engine.value(&dx, unit, m).map(|v| (*m, v))).collect();
    let Some(&(last, _)) = with_data.last() else { return Measured::default() };
    let as_of = last.end().min(cut);
    let current = engine.value_between(&dx, unit, year.start(), as_of).map(|value| Observation { date: as_of, value });
    let base = match &target.baseline {
        Some(b) => Some(Observation { date: b.date, value: b.value }),
        None if cumulative => Some(Observation { date: year.start().pred_opt().unwrap_or(year.start()), value: 0.0 }),
        None => with_data.first().map(|&(p, v)| Observation { date: p.end(), value: v }),
    };
    Measured { current, base }
}

/// "Vượt: 6, Đạt: 7, Chưa đạt: 2, Đang thực hiện: 12 (3 có nguy cơ)".
pub fn summary_vi(evals: &[TargetEvaluation]) -> String {
    let count = |v: Verdict| evals.iter().filter(|e| e.verdict == v).count();
    let at_risk = evals.iter().filter(|e| e.at_risk).count();
    format!(
        "{} chỉ tiêu — Vượt: {}, Đạt: {}, Chưa đạt: {}, Đang thực hiện: {} ({} có nguy cơ không đạt)",
        evals.len(),
        count(Verdict::Exceeded),
        count(Verdict::Met),
        count(Verdict::NotMet),
        count(Verdict::InProgress),
        at_risk
    )
}
