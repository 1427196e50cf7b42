//! The digital-transformation index computed from the engine's figures.
//!
//! [`index_inputs`] fetches every value an index names ([`Index::sources`])
//! for each unit of a comparable group from the engine — an element as the
//! engine aggregates it over the period (with the unit's descendants), an
//! indicator as the ratio of the sums — and adds the assessors' scores of the
//! `assessed` components. [`score_group`] scores and ranks the group, with the
//! change of rank since the previous period when its scores are given.

use crate::engine::AnalyticsEngine;
use crate::query::DxItem;
use chiso_core::Code;
use chiso_core::index::{Index, IndexErrors, Rankings, Source, UnitInputs, UnitScores, rank, score};
use chiso_core::orgunit::UnitIx;
use chiso_core::period::Period;
use chiso_core::register::{IndexAssessment, add_assessments};
use std::collections::BTreeMap;

/// The engine's item for an index source (`None` for a code that is not one).
pub fn source_dx(source: &Source) -> Option<DxItem> {
    Some(match source {
        Source::Element(e) => DxItem::Element {
            code: Code::new(e.element.as_str()).ok()?,
            option: match &e.option {
                Some(o) => Some(Code::new(o.as_str()).ok()?),
                None => None,
            },
        },
        Source::Indicator(c) => DxItem::Indicator(c.clone()),
    })
}

/// Each unit's inputs for `index` over `period`: the engine's value of every
/// source (absent when the engine has none) and the assessments of `index`
/// for `period`.
pub fn index_inputs(
    engine: &dyn AnalyticsEngine,
    index: &Index,
    units: &[UnitIx],
    period: &Period,
    assessments: &[IndexAssessment],
) -> BTreeMap<Code, UnitInputs> {
    let tree = engine.model().tree();
    let sources = index.sources();
    let mut out = BTreeMap::new();
    for &u in units {
        let mut inputs = UnitInputs::default();
        for s in &sources {
            let Some(v) = source_dx(s).and_then(|dx| engine.value(&dx, u, period)) else { continue };
            match s {
                Source::Element(e) => {
                    inputs.elements.insert(e.clone(), v);
                }
                Source::Indicator(c) => {
                    inputs.indicators.insert(c.clone(), v);
                }
            }
        }
        out.insert(tree.unit(u).code.clone(), inputs);
    }
    add_assessments(&mut out, assessments, &index.code, period);
    out
}

/// A comparable group's index for one period.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupIndex {
    /// Each unit's points and 0–1 values, in the order of the units' codes.
    pub scores: Vec<UnitScores>,
    /// Overall, per pillar and per main index, with the change since the
    /// previous period when it was given.
    pub rankings: Rankings,
}

impl GroupIndex {
    /// The scores of a unit.
    pub fn unit(&self, code: &Code) -> Option<&UnitScores> {
        self.scores.iter().find(|s| &s.unit == code)
    }
}

/// Scores and ranks `units` on `index` over `period`; `previous` (the index
/// and period to compare with, usually last year's) fills the rank change,
/// unless nothing at all was measured or assessed then.
pub fn score_group(
    engine: &dyn AnalyticsEngine,
    index: &Index,
    units: &[UnitIx],
    period: &Period,
    assessments: &[IndexAssessment],
    previous: Option<(&Index, &Period)>,
) -> Result<GroupIndex, IndexErrors> {
    let scores = score(index, &index_inputs(engine, index, units, period, assessments))?;
    let mut rankings = rank(index, &scores);
    if let Some((pix, pp)) = previous {
        let inputs = index_inputs(engine, pix, units, pp, assessments);
        // No figure and no assessment then: nothing to compare with.
        if inputs.values().any(|i| !(i.elements.is_empty() && i.indicators.is_empty() && i.assessed.is_empty())) {
            rankings.compare(&rank(pix, &score(pix, &inputs)?));
        }
    }
    Ok(GroupIndex { scores, rankings })
}
