//! Evaluating a target: the verdict once its evaluation time has passed, or
//! progress (with the at-risk flag) before it — always with the value it was
//! judged on.

use crate::lang::Lang;
use crate::plan::{Measure, Plan, Target};
use crate::threshold::{Outcome, Threshold, Unit, parse_outcome};
use crate::verdict::{Progress, ProgressMeasure, Verdict, judge, measure_progress};
use chrono::NaiveDate;
use serde::Serialize;

/// A measured value at a date.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Observation {
    pub date: NaiveDate,
    pub value: f64,
}

/// What a measured target's figures say; unused for manual targets.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Measured {
    /// The value to judge (the year so far), as of the last data.
    pub current: Option<Observation>,
    /// The starting point of the progress measure.
    pub base: Option<Observation>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetEvaluation {
    pub target: Target,
    pub deadline: NaiveDate,
    pub verdict: Verdict,
    /// The result as a phrase ("99,21%", "Trên 85%", "Hoàn thành").
    pub result_text: Option<String>,
    /// The number judged, when there is one.
    pub value: Option<f64>,
    /// The date the result stands at.
    pub as_of: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressMeasure>,
    pub at_risk: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl TargetEvaluation {
    pub fn verdict_text(&self, lang: Lang) -> String {
        let mut s = lang.pick(self.verdict.label_vi(), self.verdict.label_en()).to_string();
        if self.at_risk {
            s.push_str(lang.pick(" ⚠ có nguy cơ", " ⚠ at risk"));
        }
        s
    }
    pub fn progress_text(&self, lang: Lang) -> String {
        match &self.progress {
            Some(p) => {
                let label = lang.pick(p.progress.label_vi(), p.progress.label_en());
                match p.ratio {
                    Some(r) if p.progress != Progress::Achieved => {
                        format!("{label} (R = {}%)", crate::number::format_number(r * 100.0, 0))
                    }
                    _ => label.to_string(),
                }
            }
            None => String::new(),
        }
    }
}

/// The latest manual result dated on or before `today`.
fn manual_outcome(target: &Target, today: NaiveDate) -> Option<(NaiveDate, Outcome, String)> {
    target
        .results
        .iter()
        .filter(|r| r.date <= today)
        .max_by_key(|r| r.date)
        .and_then(|r| parse_outcome(&r.outcome).ok().map(|o| (r.date, o, r.outcome.clone())))
}

fn unit_of(t: &Threshold) -> Unit {
    t.unit().cloned().unwrap_or(Unit::Percent)
}

/// Evaluates one target of `plan` as of `today`.
pub fn evaluate_target(
    plan: &Plan,
    target: &Target,
    today: NaiveDate,
    measured: Measured,
    decimals_text: usize,
) -> TargetEvaluation {
    let threshold = target.threshold.threshold();
    let deadline = target.evaluation.deadline(plan.year);
    let (outcome, as_of, result_text) = match target.measure {
        Measure::Manual => match manual_outcome(target, today) {
            Some((d, o, text)) => (Some(o), Some(d), Some(text)),
            None => (None, None, None),
        },
        _ => match measured.current {
            Some(obs) => {
                let unit = unit_of(threshold);
                let text = match unit {
                    Unit::Percent => crate::number::format_percent(obs.value, decimals_text),
                    _ => crate::number::format_auto(obs.value, decimals_text),
                };
                (Some(Outcome::Value(obs.value, unit)), Some(obs.date), Some(text))
            }
            None => (None, None, None),
        },
    };
    let value = outcome.as_ref().and_then(Outcome::value);
    let due = today > deadline;
    let mut note = None;
    let (verdict, progress) = match (&outcome, due) {
        (Some(o), true) => (judge(threshold, o, u32::from(target.decimals)), None),
        (None, true) => {
            note = Some("không có số liệu tại thời điểm đánh giá".to_string());
            (Verdict::NotMet, None)
        }
        (Some(o), false) => {
            // A milestone already done, or a target already met, is settled early
            // only for milestones; figures can still fall before the deadline.
            if matches!(threshold, Threshold::Milestone { .. }) && matches!(o, Outcome::Done) {
                (Verdict::Met, None)
            } else {
                let progress = progress_of(threshold, &measured, o, deadline);
                (Verdict::InProgress, progress)
            }
        }
        (None, false) => (Verdict::InProgress, None),
    };
    let at_risk = progress.as_ref().is_some_and(|p| p.progress.at_risk());
    TargetEvaluation { target: target.clone(), deadline, verdict, result_text, value, as_of, progress, at_risk, note }
}

fn progress_of(
    threshold: &Threshold,
    measured: &Measured,
    outcome: &Outcome,
    deadline: NaiveDate,
) -> Option<ProgressMeasure> {
    let day = |d: NaiveDate| f64::from(d.num_days_from_ce_compat());
    match (measured.base, measured.current) {
        (Some(b), Some(c)) => {
            Some(measure_progress(threshold, day(b.date), b.value, day(c.date), c.value, day(deadline)))
        }
        _ => {
            // Manual numeric results: progress from the plan's baseline is unknown
            // without a series; report achievement when it is already there.
            let v = outcome.value()?;
            Some(measure_progress(threshold, 0.0, v, 0.0, v, 1.0)).filter(|p| p.progress == Progress::Achieved)
        }
    }
}

trait DaysFromCe {
    fn num_days_from_ce_compat(&self) -> i32;
}
impl DaysFromCe for NaiveDate {
    fn num_days_from_ce_compat(&self) -> i32 {
        chrono::Datelike::num_days_from_ce(self)
    }
}
