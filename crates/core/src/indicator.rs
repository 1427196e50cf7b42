//! Indicators: computed figures, numerator ÷ denominator × factor.
//!
//! An indicator over several units or periods is the ratio of the aggregated
//! numerator and the aggregated denominator, never the mean of the units'
//! rates: 104.220/156.903, 37.367/43.266 and 152.083/207.426 give the province
//! 293.670/407.595 = 72,05%, not the mean of 66,42%, 86,37% and 73,32%.

use crate::code::Code;
use crate::expr::Expression;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub code: Code,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    pub numerator: Expression,
    #[serde(default = "one")]
    pub denominator: Expression,
    /// 100 for a percentage, 1 for a plain ratio.
    #[serde(default = "hundred")]
    pub factor: f64,
    #[serde(default = "two")]
    pub decimals: u8,
    /// "%", "hồ sơ/ngày"...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_of_measure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pillar: Option<Code>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn one() -> Expression {
    Expression::parse("1").expect("literal 1 parses")
}
fn hundred() -> f64 {
    100.0
}
fn two() -> u8 {
    2
}

impl Indicator {
    /// The value from already aggregated numerator and denominator.
    /// None when the denominator is zero or either side is missing.
    pub fn value(&self, numerator: Option<f64>, denominator: Option<f64>) -> Option<f64> {
        let (n, d) = (numerator?, denominator?);
        if d == 0.0 { None } else { Some(n / d * self.factor) }
    }
    pub fn display_name(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }
}
