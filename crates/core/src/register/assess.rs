//! The digital-transformation indices the office defines (one per year,
//! [`Index::year`], e.g. `DTI_2026`) and the assessors' scores of their
//! `assessed` components ([`IndexAssessment`]).
//!
//! ```yaml
//! indices: [{ code: DTI_2026, name: ..., year: 2026, points: 1000, nodes: [...] }]
//! assessments: [{ index: DTI_2026, period: 2026, unit: H_AN_PHU, component: NT_CHI_DAO, score: 0.85, evidence: ..., by: SO_KHCN }]
//! ```

use super::{RegisterError, Registers, push};
use crate::code::Code;
use crate::index::{Assessment, Index, Level, Scoring, Source, UnitInputs};
use crate::metadata::Model;
use crate::period::Period;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// An assessor's 0–1 score of one `assessed` component of an index, for one
/// unit and period, with the evidence it rests on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexAssessment {
    /// The index's code (`DTI_2026`).
    pub index: Code,
    /// The period assessed (usually the index's year: `2026`).
    pub period: Period,
    pub unit: Code,
    /// An `assessed` component of the index.
    pub component: Code,
    /// 0–1.
    pub score: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// The assessing unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Code>,
}

impl IndexAssessment {
    /// Its key in the store: "index|period|unit|component".
    pub fn key(&self) -> String {
        format!("{}|{}|{}|{}", self.index, self.period, self.unit, self.component)
    }
}

impl Registers {
    /// The index of `code`.
    pub fn index(&self, code: &str) -> Option<&Index> {
        self.indices.iter().find(|i| i.code.as_str() == code)
    }

    /// The index of a year (the last listed when several).
    pub fn index_of_year(&self, year: i32) -> Option<&Index> {
        self.indices.iter().rev().find(|i| i.year == year)
    }

    /// The index a year is judged on: its own, else the latest of an earlier year.
    pub fn index_for_year(&self, year: i32) -> Option<&Index> {
        self.index_of_year(year).or_else(|| self.indices.iter().filter(|i| i.year <= year).max_by_key(|i| i.year))
    }

    /// What a ranking of `index` for `period` is compared with: the period
    /// before and the index of that period's year (the same index when the
    /// office defined none for it).
    pub fn previous_index<'a>(&'a self, index: &'a Index, period: &Period) -> (&'a Index, Period) {
        let previous = period.previous();
        let year = chrono::Datelike::year(&previous.start());
        (self.index_of_year(year).unwrap_or(index), previous)
    }

    /// The assessments of `index` for `period`, by unit: ready to go into
    /// [`UnitInputs::assessed`].
    pub fn assessments_of(&self, index: &Code, period: &Period) -> BTreeMap<Code, BTreeMap<Code, Assessment>> {
        let mut out: BTreeMap<Code, BTreeMap<Code, Assessment>> = BTreeMap::new();
        for a in self.assessments.iter().filter(|a| &a.index == index && &a.period == period) {
            out.entry(a.unit.clone())
                .or_default()
                .insert(a.component.clone(), Assessment { score: a.score, evidence: a.evidence.clone() });
        }
        out
    }
}

/// Adds the assessments of `index` for `period` to each unit's inputs.
pub fn add_assessments(
    inputs: &mut BTreeMap<Code, UnitInputs>,
    assessments: &[IndexAssessment],
    index: &Code,
    period: &Period,
) {
    for a in assessments.iter().filter(|a| &a.index == index && &a.period == period) {
        if let Some(u) = inputs.get_mut(&a.unit) {
            u.assessed.insert(a.component.clone(), Assessment { score: a.score, evidence: a.evidence.clone() });
        }
    }
}

/// Why a measured component's source is not in the metadata, if it is not.
fn unknown_source(model: &Model, source: &Source) -> Option<String> {
    match source {
        Source::Indicator(c) => {
            model.indicator(c.as_str()).is_none().then(|| format!("chỉ tiêu tính toán {c} không tồn tại"))
        }
        Source::Element(e) => {
            let Some(_) = model.element(e.element.as_str()) else {
                return Some(format!("chỉ tiêu dữ liệu {} không tồn tại", e.element));
            };
            let o = e.option.as_ref()?;
            let known = model
                .element_disaggregation(e.element.as_str())
                .is_some_and(|d| d.options.iter().any(|x| x.code.as_str() == o.as_str()));
            (!known).then(|| format!("chỉ tiêu dữ liệu {} không có phân tổ {o}", e.element))
        }
    }
}

pub(crate) fn check(reg: &Registers, model: &Model, errs: &mut Vec<RegisterError>) {
    let tree = model.tree();
    // Each index's components (assessed or not); `None` when the definition is
    // broken (reported once, its assessments' components not checked).
    let mut indices: HashMap<&Code, Option<HashMap<&Code, bool>>> = HashMap::new();
    for ix in &reg.indices {
        if indices.contains_key(&ix.code) {
            push(errs, format!("indices[{}]", ix.code), "mã bị trùng");
        }
        match ix.flatten() {
            Ok(flat) => {
                for f in &flat {
                    if let Some(Scoring::Measured { source, .. }) = &f.node.scoring
                        && let Some(problem) = unknown_source(model, source)
                    {
                        push(errs, format!("indices[{}].nodes[{}].scoring", ix.code, f.node.code), problem);
                    }
                }
                let comps = flat
                    .iter()
                    .filter(|f| f.level == Level::Component)
                    .map(|f| (&f.node.code, matches!(f.node.scoring, Some(Scoring::Assessed))))
                    .collect();
                indices.insert(&ix.code, Some(comps));
            }
            Err(e) => {
                indices.insert(&ix.code, None);
                for e in e.0 {
                    let place = e.place.strip_prefix("index").map(|p| format!("indices{p}")).unwrap_or(e.place);
                    push(errs, place, e.message);
                }
            }
        }
    }
    let mut seen = HashSet::new();
    for a in &reg.assessments {
        let key = a.key();
        let place = |field: &str| format!("assessments[{key}].{field}");
        if !seen.insert(key.clone()) {
            push(errs, format!("assessments[{key}]"), "điểm chấm bị trùng");
        }
        match indices.get(&a.index) {
            None => push(errs, place("index"), format!("bộ chỉ số {} không tồn tại", a.index)),
            Some(None) => {}
            Some(Some(comps)) => match comps.get(&a.component) {
                None => push(
                    errs,
                    place("component"),
                    format!("bộ chỉ số {} không có chỉ số thành phần {}", a.index, a.component),
                ),
                Some(false) => push(
                    errs,
                    place("component"),
                    format!("chỉ số thành phần {} được tính từ số liệu, không chấm điểm", a.component),
                ),
                Some(true) => {}
            },
        }
        if tree.index(a.unit.as_str()).is_none() {
            push(errs, place("unit"), format!("đơn vị {} không tồn tại", a.unit));
        }
        if let Some(by) = &a.by
            && tree.index(by.as_str()).is_none()
        {
            push(errs, place("by"), format!("đơn vị {by} không tồn tại"));
        }
        if !(a.score.is_finite() && (0.0..=1.0).contains(&a.score)) {
            push(errs, place("score"), format!("điểm chấm {} phải từ 0 đến 1", a.score));
        }
    }
}
