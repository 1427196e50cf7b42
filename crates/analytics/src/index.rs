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
use chiso_core::index::{
    Index, IndexErrors, MergedHistory, Ranked, Rankings, Source, Succession, UnitInputs, UnitScores, merge_units, rank,
    score,
};
use chiso_core::orgunit::{OrgUnitTree, UnitIx};
use chiso_core::period::Period;
use chiso_core::register::{IndexAssessment, Registers, add_assessments};
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

/// The members of a group open on the last day of `period`: a unit closed
/// by then (merged away) or not yet opened is not compared.
pub fn open_members(tree: &OrgUnitTree, members: &[UnitIx], period: &Period) -> Vec<UnitIx> {
    members.iter().copied().filter(|&u| tree.unit(u).is_open_on(period.end())).collect()
}

/// Which of `units` (open at the end of `period`) took over units that
/// were open at the end of `previous` and are closed by the end of `period`,
/// following successor links to the end. A successor that existed then is
/// one of its own predecessors: its earlier index is the mean of all of them.
pub fn successions(tree: &OrgUnitTree, units: &[UnitIx], period: &Period, previous: &Period) -> Vec<Succession> {
    let mut links: BTreeMap<UnitIx, Vec<UnitIx>> = BTreeMap::new();
    for p in 0..tree.len() as UnitIx {
        let unit = tree.unit(p);
        if unit.successors.is_empty() || unit.is_open_on(period.end()) || !unit.is_open_on(previous.end()) {
            continue;
        }
        for s in tree.final_successors(p) {
            if units.contains(&s) {
                links.entry(s).or_default().push(p);
            }
        }
    }
    links
        .into_iter()
        .map(|(s, mut preds)| {
            if tree.unit(s).is_open_on(previous.end()) {
                preds.insert(0, s);
            }
            Succession {
                successor: tree.unit(s).code.clone(),
                predecessors: preds.into_iter().map(|p| tree.unit(p).code.clone()).collect(),
            }
        })
        .collect()
}

/// Scores and ranks a comparable group (`members`: the group's units, open
/// or not) on `index` over `period`: the members open at the period's end
/// are compared. `previous` (the index and period to compare with, usually
/// last year's) fills the rank change, unless nothing at all was measured
/// or assessed then; its scores are those of the members open then,
/// restated on today's units (a merged unit takes the mean of its
/// predecessors' main indices, or its own, as the index says:
/// [`MergedHistory`]).
pub fn score_group(
    engine: &dyn AnalyticsEngine,
    index: &Index,
    members: &[UnitIx],
    period: &Period,
    assessments: &[IndexAssessment],
    previous: Option<(&Index, &Period)>,
) -> Result<GroupIndex, IndexErrors> {
    let tree = engine.model().tree();
    let units = open_members(tree, members, period);
    let scores = score(index, &index_inputs(engine, index, &units, period, assessments))?;
    let mut rankings = rank(index, &scores);
    if let Some((pix, pp)) = previous {
        let links = match pix.merged_history {
            MergedHistory::MeanOfPredecessors => successions(tree, &units, period, pp),
            MergedHistory::OwnOnly => Vec::new(),
        };
        let mut then = open_members(tree, members, pp);
        for p in links.iter().flat_map(|l| &l.predecessors) {
            if let Some(ix) = tree.index(p.as_str())
                && !then.contains(&ix)
            {
                then.push(ix);
            }
        }
        let inputs = index_inputs(engine, pix, &then, pp, assessments);
        // No figure and no assessment then: nothing to compare with.
        if inputs.values().any(|i| !(i.elements.is_empty() && i.indicators.is_empty() && i.assessed.is_empty())) {
            let restated = merge_units(pix, &score(pix, &inputs)?, &links, &[])?;
            rankings.compare(&rank(pix, &restated));
        }
    }
    Ok(GroupIndex { scores, rankings })
}

/// A comparable group ranked on an index over a period, with what it was
/// compared with: what `chiso index`, the `/dti` pages and the reports show.
#[derive(Clone, Debug)]
pub struct GroupRanking<'r> {
    pub index: &'r Index,
    pub period: Period,
    /// The index and period the rank change is measured against
    /// ([`Registers::previous_index`]).
    pub previous_index: &'r Index,
    pub previous: Period,
    pub group: Code,
    pub result: GroupIndex,
}

impl GroupRanking<'_> {
    /// The ranking overall (`None`) or on a pillar or main index.
    pub fn ranked(&self, node: Option<&Code>) -> Option<&[Ranked]> {
        self.result.rankings.get(node)
    }
}

/// Why a group could not be ranked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RankingError {
    #[error("nhóm đơn vị {0} không tồn tại")]
    UnknownGroup(String),
    #[error("bộ chỉ số {0} không có trụ cột hay chỉ số chính {1}")]
    UnknownNode(Code, String),
    #[error(transparent)]
    Index(#[from] IndexErrors),
}

/// Ranks group `group` of the model on `index` over `period`, compared
/// with the period before on that period's index (the registers'
/// assessments for both).
pub fn rank_group<'r>(
    engine: &dyn AnalyticsEngine,
    registers: &'r Registers,
    index: &'r Index,
    period: Period,
    group: &str,
) -> Result<GroupRanking<'r>, RankingError> {
    let members = engine.model().group_members(group).ok_or_else(|| RankingError::UnknownGroup(group.to_string()))?;
    let group = Code::new(group).map_err(|_| RankingError::UnknownGroup(group.to_string()))?;
    let (previous_index, previous) = registers.previous_index(index, &period);
    let result =
        score_group(engine, index, members, &period, &registers.assessments, Some((previous_index, &previous)))?;
    Ok(GroupRanking { index, period, previous_index, previous, group, result })
}

/// A pillar or main index of `index` named by code (what rankings exist
/// for); `None` for the overall ranking.
pub fn ranking_node(index: &Index, node: Option<&str>) -> Result<Option<Code>, RankingError> {
    let Some(n) = node.map(str::trim).filter(|n| !n.is_empty()) else { return Ok(None) };
    index
        .pillars_and_mains()
        .iter()
        .find(|(_, c)| c.as_str() == n)
        .map(|(_, c)| Some((*c).clone()))
        .ok_or_else(|| RankingError::UnknownNode(index.code.clone(), n.to_string()))
}
