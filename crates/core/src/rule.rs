//! Validation rules: left expression, operator, right expression.
//!
//! "Resolved ≤ received", "on time + late ≤ resolved", "the stated late rate
//! equals late ÷ resolved × 100 within its rounding". A rule is checked per
//! unit and period on the values that unit reported.

use crate::code::Code;
use crate::expr::{ElementRef, Expression, MissingValues};
use crate::period::PeriodType;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operator {
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl Operator {
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Eq => "==",
            Operator::Ne => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
        }
    }
    /// Compares with an absolute tolerance for (in)equality, so a stated rate
    /// rounded to 2 decimals can equal the computed one.
    pub fn holds(self, left: f64, right: f64, tolerance: f64) -> bool {
        let eq = (left - right).abs() <= tolerance + 1e-9 * right.abs().max(1.0);
        match self {
            Operator::Eq => eq,
            Operator::Ne => !eq,
            Operator::Lt => left < right && !eq,
            Operator::Le => left <= right || eq,
            Operator::Gt => left > right && !eq,
            Operator::Ge => left >= right || eq,
        }
    }
}

/// High importance blocks a submission (an error); medium and low are warnings
/// a unit may explain in a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    High,
    Medium,
    Low,
}

impl Importance {
    pub fn is_error(self) -> bool {
        self == Importance::High
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Importance::High => "lỗi",
            Importance::Medium => "cảnh báo",
            Importance::Low => "lưu ý",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidationRule {
    pub code: Code,
    pub name: String,
    pub left: Expression,
    pub operator: Operator,
    pub right: Expression,
    #[serde(default = "medium")]
    pub importance: Importance,
    /// Shown to the unit, in Vietnamese.
    pub message: String,
    /// Absolute tolerance for == and != (0,005 for a rate stated with 2 decimals).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tolerance: f64,
    #[serde(default = "skip_any", skip_serializing_if = "is_skip_any")]
    pub missing: MissingValues,
    /// Only checked on periods of this type (None: every period data exists for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_type: Option<PeriodType>,
}

fn medium() -> Importance {
    Importance::Medium
}
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}
fn skip_any() -> MissingValues {
    MissingValues::SkipIfAnyMissing
}
fn is_skip_any(m: &MissingValues) -> bool {
    *m == MissingValues::SkipIfAnyMissing
}

/// The result of checking one rule on one unit and period.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleOutcome {
    Holds {
        left: f64,
        right: f64,
    },
    Violated {
        left: f64,
        right: f64,
    },
    /// Not checked: values missing under the rule's missing-value strategy.
    Skipped,
}

impl ValidationRule {
    pub fn element_refs(&self) -> Vec<ElementRef> {
        let mut refs = self.left.element_refs();
        for r in self.right.element_refs() {
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
        refs
    }

    pub fn check(
        &self,
        values: &dyn Fn(&ElementRef) -> Option<f64>,
        constants: &dyn Fn(&str) -> Option<f64>,
    ) -> RuleOutcome {
        if self.missing == MissingValues::SkipIfAllMissing && self.element_refs().iter().all(|r| values(r).is_none()) {
            return RuleOutcome::Skipped;
        }
        let l = self.left.eval(values, constants, self.missing);
        let r = self.right.eval(values, constants, self.missing);
        match (l, r) {
            (Some(left), Some(right)) => {
                if self.operator.holds(left, right, self.tolerance) {
                    RuleOutcome::Holds { left, right }
                } else {
                    RuleOutcome::Violated { left, right }
                }
            }
            _ => RuleOutcome::Skipped,
        }
    }
}
