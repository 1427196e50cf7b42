//! Running validation rules over reported values: each rule is checked per
//! unit and period on the values that unit reported for that period.

use crate::Code;
use crate::expr::ElementRef;
use crate::metadata::Model;
use crate::period::Period;
use crate::rule::{Importance, RuleOutcome, ValidationRule};
use crate::value::DataValue;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub rule: Code,
    pub importance: Importance,
    pub unit: Code,
    pub period: Period,
    pub left: f64,
    pub right: f64,
}

/// The values of one unit and period, by element and option.
#[derive(Default, Debug)]
pub struct CellValues {
    /// (element, option) → value; option None is an undisaggregated value.
    values: HashMap<(String, Option<String>), f64>,
}

impl CellValues {
    pub fn insert(&mut self, element: &str, option: Option<&str>, value: f64) {
        self.values.insert((element.to_string(), option.map(String::from)), value);
    }
    /// A reference's value: one option, or the element's total (sum of its options).
    pub fn get(&self, r: &ElementRef) -> Option<f64> {
        match &r.option {
            Some(o) => self.values.get(&(r.element.clone(), Some(o.clone()))).copied(),
            None => {
                let mut hit = false;
                let mut total = 0.0;
                for ((e, _), v) in &self.values {
                    if *e == r.element {
                        hit = true;
                        total += v;
                    }
                }
                hit.then_some(total)
            }
        }
    }
    pub fn has_element(&self, element: &str) -> bool {
        self.values.keys().any(|(e, _)| e == element)
    }
}

/// Checks `rules` (all the model's when None) on `values`; violations ordered by
/// rule, then period, then unit in tree order.
pub fn check_values(model: &Model, rules: Option<&[&ValidationRule]>, values: &[DataValue]) -> Vec<Violation> {
    let all: Vec<&ValidationRule> = model.metadata().validation_rules.iter().collect();
    let rules = rules.unwrap_or(&all);
    let tree = model.tree();
    let mut cells: BTreeMap<(Period, u32, &str), CellValues> = BTreeMap::new();
    for v in values {
        let Some(x) = v.numeric() else { continue };
        let ix = tree.index(v.unit.as_str()).unwrap_or(u32::MAX);
        cells.entry((v.period, ix, v.unit.as_str())).or_default().insert(
            v.element.as_str(),
            v.option.as_ref().map(Code::as_str),
            x,
        );
    }
    let constants = |c: &str| model.constant(c);
    let mut out = Vec::new();
    for rule in rules {
        let elements: Vec<String> = rule.element_refs().into_iter().map(|r| r.element).collect();
        for ((period, _, unit), cell) in &cells {
            if rule.period_type.is_some_and(|t| t != period.period_type()) {
                continue;
            }
            if !elements.iter().any(|e| cell.has_element(e)) {
                continue;
            }
            if let RuleOutcome::Violated { left, right } = rule.check(&|r| cell.get(r), &constants) {
                out.push(Violation {
                    rule: rule.code.clone(),
                    importance: rule.importance,
                    unit: Code::new(*unit).expect("stored unit codes are valid"),
                    period: *period,
                    left,
                    right,
                });
            }
        }
    }
    out
}
