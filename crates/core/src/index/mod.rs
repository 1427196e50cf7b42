//! The digital-transformation index (DTI): definition, scoring, ranking.
//!
//! An index is data ([`Index`]): a tree of pillars → main indices → component
//! indices, each node with its maximum points (`points`) or a `weight` that
//! shares its parent's points among its siblings. A component is scored from a
//! data element or indicator value, normalised against a target or min–max
//! across the compared units, or by assessors (a 0–1 score with evidence).
//!
//! The caller supplies every value ([`UnitInputs`], one per unit of a
//! comparable group); [`score`] gives each unit the points and the 0–1 value of
//! every node, [`rank`] ranks the group overall, per pillar and per main index
//! (ties share a rank), [`Rankings::compare`] adds the change since a previous
//! period, and [`merge_units`] gives merged units an earlier period's index as
//! the mean of their predecessors' main indices. No I/O: the built-in template
//! ([`builtin_provincial`]) is compiled in.
//!
//! In files a component's `scoring` is a map or a word:
//! `{ indicator: TL_DUNG_HAN, target: 100 }` (value/target capped at 1),
//! `{ indicator: TL_TRE_HAN, target: 2, lower_is_better: true }` (target/value
//! capped at 1), `{ element: HS_TIEP_NHAN.TRUC_TUYEN, min_max: true }`
//! ((v − min)/(max − min) across the compared units; (max − v)/(max − min) when
//! lower is better) or `assessed`.

use crate::code::Code;
use crate::expr::ElementRef;
use crate::number::round_half_away;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Decimals of the published 0–1 value; ranks compare values rounded to this,
/// so units showing the same figure share a rank.
pub const SCALE_DECIMALS: i32 = 4;

/// Tolerance when checking that children's points add up to their parent's.
const POINTS_EPSILON: f64 = 1e-6;

/// An index, versioned by code and year ("DTI_2026").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub code: Code,
    pub name: String,
    pub year: i32,
    /// The method it follows: "Quyết định 922/QĐ-BTTTT".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Total points; required when the pillars are given by weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    /// How a merged unit's index of earlier periods is taken when ranks are
    /// compared: the mean of its predecessors' main indices unless the
    /// office says otherwise.
    #[serde(default, skip_serializing_if = "MergedHistory::is_default")]
    pub merged_history: MergedHistory,
    /// The pillars.
    pub nodes: Vec<Node>,
}

/// A merged unit's index for the periods before the merger ([`merge_units`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergedHistory {
    /// The mean of its predecessors' main indices (itself included when it
    /// existed before and others were merged into it).
    #[default]
    MeanOfPredecessors,
    /// Only its own earlier index: a unit created by the merger has none, so
    /// it shows no change of rank.
    OwnOnly,
}

impl MergedHistory {
    pub fn is_default(&self) -> bool {
        *self == MergedHistory::MeanOfPredecessors
    }
}

/// A pillar (depth 1), main index (depth 2) or component index (depth 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Unique within the whole index.
    pub code: Code,
    pub name: String,
    /// Maximum points; 0 = collected but not scored (Đô thị thông minh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    /// Share of the parent's points relative to the siblings' weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Components only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<Scoring>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

/// How a component is scored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ScoringRepr", into = "ScoringRepr")]
pub enum Scoring {
    /// From a value the caller supplies.
    Measured { source: Source, normalise: Normalise },
    /// Assessors give a 0–1 score with evidence.
    Assessed,
}

/// Where a measured component's value comes from. Shown as `elements[CODE.OPTION]`
/// or `indicators[CODE]` (the place of a bad input).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Element(ElementRef),
    Indicator(Code),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Element(ElementRef { element, option: Some(o) }) => write!(f, "elements[{element}.{o}]"),
            Source::Element(ElementRef { element, option: None }) => write!(f, "elements[{element}]"),
            Source::Indicator(c) => write!(f, "indicators[{c}]"),
        }
    }
}

/// How a value becomes a 0–1 score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Normalise {
    /// value/target capped at 1 (floored at 0); target/value capped at 1 when
    /// lower is better (a value ≤ 0 then scores 1).
    Target { target: f64, lower_is_better: bool },
    /// (v − min)/(max − min) across the compared units that have a value;
    /// (max − v)/(max − min) when lower is better; 1 for all when max = min.
    MinMax { lower_is_better: bool },
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum ScoringRepr {
    Map(ScoringMap),
    Word(String),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoringMap {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    element: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    indicator: Option<Code>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<f64>,
    #[serde(default, skip_serializing_if = "is_false")]
    min_max: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    lower_is_better: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Reads `CODE` or `CODE.OPTION` into an element reference.
fn parse_element(s: &str) -> Result<ElementRef, String> {
    let (e, o) = match s.split_once('.') {
        Some((e, o)) => (e, Some(o)),
        None => (s, None),
    };
    let e = Code::new(e).map_err(|err| err.to_string())?;
    match o {
        Some(o) => Ok(ElementRef::option(e.as_str(), Code::new(o).map_err(|err| err.to_string())?.as_str())),
        None => Ok(ElementRef::total(e.as_str())),
    }
}

impl TryFrom<ScoringRepr> for Scoring {
    type Error = String;
    fn try_from(r: ScoringRepr) -> Result<Self, String> {
        let m = match r {
            ScoringRepr::Word(w) if w == "assessed" => return Ok(Scoring::Assessed),
            ScoringRepr::Word(w) => {
                return Err(format!(
                    "cách chấm \"{w}\" không hợp lệ (cần {{ element: MÃ, ... }}, {{ indicator: MÃ, ... }} hoặc assessed)"
                ));
            }
            ScoringRepr::Map(m) => m,
        };
        let source = match (m.element, m.indicator) {
            (Some(e), None) => Source::Element(parse_element(&e)?),
            (None, Some(i)) => Source::Indicator(i),
            _ => return Err("cần đúng một trong element hoặc indicator".into()),
        };
        let normalise = match (m.target, m.min_max) {
            (Some(target), false) => Normalise::Target { target, lower_is_better: m.lower_is_better },
            (None, true) => Normalise::MinMax { lower_is_better: m.lower_is_better },
            _ => return Err("cần đúng một trong target hoặc min_max: true".into()),
        };
        Ok(Scoring::Measured { source, normalise })
    }
}

impl From<Scoring> for ScoringRepr {
    fn from(s: Scoring) -> Self {
        match s {
            Scoring::Assessed => ScoringRepr::Word("assessed".into()),
            Scoring::Measured { source, normalise } => {
                let (element, indicator) = match source {
                    Source::Element(e) => {
                        (Some(e.option.as_ref().map_or(e.element.clone(), |o| format!("{}.{o}", e.element))), None)
                    }
                    Source::Indicator(c) => (None, Some(c)),
                };
                let (target, min_max, lower_is_better) = match normalise {
                    Normalise::Target { target, lower_is_better } => (Some(target), false, lower_is_better),
                    Normalise::MinMax { lower_is_better } => (None, true, lower_is_better),
                };
                ScoringRepr::Map(ScoringMap { element, indicator, target, min_max, lower_is_better })
            }
        }
    }
}

/// The level of a node, from its depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Pillar,
    Main,
    Component,
}

/// One problem in an index definition or its inputs, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexError {
    /// "index[DTI_2026].nodes[2].children[1].weight"
    pub place: String,
    pub message: String,
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// All the problems found at once.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("bộ chỉ số có {} lỗi:\n{}", .0.len(), .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
pub struct IndexErrors(pub Vec<IndexError>);

/// A node as the scorer sees it: preorder position, level, resolved maximum.
#[derive(Clone, Debug)]
pub struct FlatNode<'a> {
    pub node: &'a Node,
    pub level: Level,
    /// Preorder position of the parent; `None` for pillars.
    pub parent: Option<usize>,
    /// Resolved maximum points (weights turned into points).
    pub max_points: f64,
}

impl Index {
    /// Checks the definition and lists every problem with its place.
    pub fn validate(&self) -> Result<(), IndexErrors> {
        self.flatten().map(|_| ())
    }

    /// The nodes in preorder with their level and maximum points; the
    /// definition's problems if it is not valid.
    pub fn flatten(&self) -> Result<Vec<FlatNode<'_>>, IndexErrors> {
        let mut errs = Vec::new();
        let mut out = Vec::new();
        let root = format!("index[{}]", self.code);
        if let Some(p) = self.points
            && !(p.is_finite() && p >= 0.0)
        {
            errs.push(IndexError {
                place: format!("{root}.points"), message: format!("điểm tối đa {p} không hợp lệ")
            });
        }
        if self.nodes.is_empty() {
            errs.push(IndexError { place: format!("{root}.nodes"), message: "chưa có trụ cột nào".into() });
        }
        walk(
            &self.nodes,
            None,
            self.points,
            0,
            &format!("{root}.nodes"),
            &format!("{root}.points"),
            &mut errs,
            &mut out,
        );
        let mut seen = BTreeSet::new();
        for f in &out {
            if !seen.insert(&f.node.code) {
                errs.push(IndexError {
                    place: format!("{root}.nodes[{}]", f.node.code),
                    message: "mã bị trùng".into(),
                });
            }
        }
        if errs.is_empty() { Ok(out) } else { Err(IndexErrors(errs)) }
    }

    /// The total maximum points (1000 for the national index).
    pub fn max_points(&self) -> f64 {
        self.points.unwrap_or_else(|| {
            self.flatten()
                .map(|f| f.iter().filter(|n| n.level == Level::Pillar).map(|n| n.max_points).sum())
                .unwrap_or(0.0)
        })
    }

    /// Every value the caller must supply for measured components.
    pub fn sources(&self) -> BTreeSet<Source> {
        fn go(nodes: &[Node], out: &mut BTreeSet<Source>) {
            for n in nodes {
                if let Some(Scoring::Measured { source, .. }) = &n.scoring {
                    out.insert(source.clone());
                }
                go(&n.children, out);
            }
        }
        let mut out = BTreeSet::new();
        go(&self.nodes, &mut out);
        out
    }

    /// Codes of the pillars and of the main indices, in order.
    pub fn pillars_and_mains(&self) -> Vec<(Level, &Code)> {
        let mut out = Vec::new();
        for p in &self.nodes {
            out.push((Level::Pillar, &p.code));
            out.extend(p.children.iter().map(|m| (Level::Main, &m.code)));
        }
        out
    }
}

#[allow(clippy::too_many_arguments)]
fn walk<'a>(
    nodes: &'a [Node],
    parent: Option<usize>,
    parent_max: Option<f64>,
    depth: usize,
    list_place: &str,
    parent_points_place: &str,
    errs: &mut Vec<IndexError>,
    out: &mut Vec<FlatNode<'a>>,
) {
    let level = match depth {
        0 => Level::Pillar,
        1 => Level::Main,
        _ => Level::Component,
    };
    let by_weight = nodes.iter().filter(|n| n.weight.is_some()).count();
    let by_points = nodes.iter().filter(|n| n.points.is_some()).count();
    let weight_sum: f64 = nodes.iter().filter_map(|n| n.weight).filter(|w| w.is_finite() && *w > 0.0).sum();
    if by_weight > 0 && by_points > 0 {
        errs.push(IndexError {
            place: list_place.to_string(),
            message: "các thành phần cùng cấp phải cùng cho điểm (points) hoặc cùng cho trọng số (weight)".into(),
        });
    }
    if by_points == nodes.len()
        && !nodes.is_empty()
        && let Some(m) = parent_max
    {
        let sum: f64 = nodes.iter().filter_map(|n| n.points).sum();
        if (sum - m).abs() > POINTS_EPSILON {
            errs.push(IndexError {
                place: parent_points_place.to_string(),
                message: format!("tổng điểm các thành phần là {sum}, khác điểm tối đa {m}"),
            });
        }
    }
    for (i, n) in nodes.iter().enumerate() {
        let place = format!("{list_place}[{i}]");
        let max = match (n.points, n.weight) {
            (Some(p), None) => {
                if !(p.is_finite() && p >= 0.0) {
                    errs.push(IndexError {
                        place: format!("{place}.points"),
                        message: format!("điểm {p} không hợp lệ"),
                    });
                }
                p
            }
            (None, Some(w)) => {
                if !(w.is_finite() && w > 0.0) {
                    errs.push(IndexError {
                        place: format!("{place}.weight"),
                        message: format!("trọng số {w} không hợp lệ (cần số dương)"),
                    });
                    0.0
                } else if let Some(m) = parent_max {
                    m * w / weight_sum
                } else {
                    errs.push(IndexError {
                        place: format!("{place}.weight"),
                        message: "có trọng số nhưng cấp trên chưa có điểm tối đa (points)".into(),
                    });
                    0.0
                }
            }
            _ => {
                errs.push(IndexError {
                    place: format!("{place}.points"),
                    message: "cần đúng một trong points hoặc weight".into(),
                });
                0.0
            }
        };
        let me = out.len();
        out.push(FlatNode { node: n, level, parent, max_points: max });
        match level {
            Level::Pillar | Level::Main => {
                let what = if level == Level::Pillar { "trụ cột" } else { "chỉ số chính" };
                if n.scoring.is_some() {
                    errs.push(IndexError {
                        place: format!("{place}.scoring"),
                        message: format!("{what} không chấm trực tiếp; điểm là tổng các thành phần"),
                    });
                }
                if n.children.is_empty() {
                    errs.push(IndexError {
                        place: format!("{place}.children"),
                        message: format!("{what} cần ít nhất một thành phần"),
                    });
                }
                walk(
                    &n.children,
                    Some(me),
                    Some(max),
                    depth + 1,
                    &format!("{place}.children"),
                    &format!("{place}.points"),
                    errs,
                    out,
                );
            }
            Level::Component => {
                if !n.children.is_empty() {
                    errs.push(IndexError {
                        place: format!("{place}.children"),
                        message: "chỉ số thành phần là cấp cuối (trụ cột → chỉ số chính → chỉ số thành phần)".into(),
                    });
                }
                match &n.scoring {
                    None => errs.push(IndexError {
                        place: format!("{place}.scoring"),
                        message: "chưa có cách chấm điểm".into(),
                    }),
                    Some(Scoring::Measured { normalise: Normalise::Target { target, .. }, .. })
                        if !(target.is_finite() && *target > 0.0) =>
                    {
                        errs.push(IndexError {
                            place: format!("{place}.scoring.target"),
                            message: format!("mục tiêu {target} không hợp lệ (cần số dương)"),
                        })
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

/// An assessor's score of a component: 0–1, with the evidence it rests on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    pub score: f64,
    #[serde(default)]
    pub evidence: String,
}

/// What the caller supplies for one unit: the values of the sources the index
/// names ([`Index::sources`]) and the assessors' scores by component code.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitInputs {
    pub elements: BTreeMap<ElementRef, f64>,
    pub indicators: BTreeMap<Code, f64>,
    pub assessed: BTreeMap<Code, Assessment>,
}

impl UnitInputs {
    /// Adds an element value; `element` is `CODE` or `CODE.OPTION`.
    pub fn element(mut self, element: &str, value: f64) -> Self {
        let r = parse_element(element).unwrap_or_else(|e| panic!("{e}"));
        self.elements.insert(r, value);
        self
    }
    pub fn indicator(mut self, indicator: &str, value: f64) -> Self {
        self.indicators.insert(crate::code::code(indicator), value);
        self
    }
    pub fn assess(mut self, component: &str, score: f64, evidence: &str) -> Self {
        self.assessed.insert(crate::code::code(component), Assessment { score, evidence: evidence.into() });
        self
    }
    fn value(&self, s: &Source) -> Option<f64> {
        match s {
            Source::Element(e) => self.elements.get(e).copied(),
            Source::Indicator(c) => self.indicators.get(c).copied(),
        }
    }
}

/// The score of one node for one unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeScore {
    pub points: f64,
    pub max_points: f64,
    /// 0–1: points/max_points; for a node worth 0 points, the mean of its
    /// children's values (a component: its normalised score).
    pub scale: f64,
}

impl NodeScore {
    /// Sums children; the value is points/max, or the children's mean value
    /// when the node is worth nothing.
    fn combine(children: &[NodeScore], max_points: f64) -> NodeScore {
        let points: f64 = children.iter().map(|c| c.points).sum();
        let scale = if max_points > 0.0 {
            points / max_points
        } else if children.is_empty() {
            0.0
        } else {
            children.iter().map(|c| c.scale).sum::<f64>() / children.len() as f64
        };
        NodeScore { points, max_points, scale }
    }
}

/// One unit's index: the total and every node by code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitScores {
    pub unit: Code,
    pub total: NodeScore,
    pub nodes: BTreeMap<Code, NodeScore>,
    /// Components with no value or assessment (scored 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Code>,
}

impl UnitScores {
    /// The total, or a node's score.
    pub fn get(&self, node: Option<&Code>) -> Option<&NodeScore> {
        match node {
            None => Some(&self.total),
            Some(c) => self.nodes.get(c),
        }
    }
}

/// Normalises one measured value. `range` is (min, max) across the compared units.
pub fn normalise(n: Normalise, value: f64, range: (f64, f64)) -> f64 {
    let s = match n {
        Normalise::Target { target, lower_is_better: false } => value / target,
        Normalise::Target { target, lower_is_better: true } => {
            if value <= 0.0 {
                1.0
            } else {
                target / value
            }
        }
        Normalise::MinMax { lower_is_better } => {
            let (lo, hi) = range;
            if hi - lo <= 0.0 {
                1.0
            } else if lower_is_better {
                (hi - value) / (hi - lo)
            } else {
                (value - lo) / (hi - lo)
            }
        }
    };
    s.clamp(0.0, 1.0)
}

/// Scores every unit of a comparable group (min–max components compare these
/// units). Missing values and assessments score 0 and are listed in
/// `missing`; non-finite values and assessments outside 0–1 are errors.
pub fn score(index: &Index, group: &BTreeMap<Code, UnitInputs>) -> Result<Vec<UnitScores>, IndexErrors> {
    let flat = index.flatten()?;
    let mut errs = Vec::new();
    // Component scale per preorder position, per unit.
    let mut scales: BTreeMap<&Code, Vec<Option<f64>>> = group.keys().map(|u| (u, vec![None; flat.len()])).collect();
    for (i, f) in flat.iter().enumerate() {
        let Some(scoring) = &f.node.scoring else { continue };
        match scoring {
            Scoring::Assessed => {
                for (u, inputs) in group {
                    if let Some(a) = inputs.assessed.get(&f.node.code) {
                        if !(a.score.is_finite() && (0.0..=1.0).contains(&a.score)) {
                            errs.push(IndexError {
                                place: format!("units[{u}].assessed[{}]", f.node.code),
                                message: format!("điểm chấm {} phải từ 0 đến 1", a.score),
                            });
                        }
                        scales.get_mut(u).expect("unit")[i] = Some(a.score.clamp(0.0, 1.0));
                    }
                }
            }
            Scoring::Measured { source, normalise: n } => {
                let mut values = Vec::new();
                for (u, inputs) in group {
                    if let Some(v) = inputs.value(source) {
                        if v.is_finite() {
                            values.push((u, v));
                        } else {
                            errs.push(IndexError {
                                place: format!("units[{u}].{source}"),
                                message: format!("giá trị {v} không hợp lệ"),
                            });
                        }
                    }
                }
                let lo = values.iter().map(|(_, v)| *v).fold(f64::INFINITY, f64::min);
                let hi = values.iter().map(|(_, v)| *v).fold(f64::NEG_INFINITY, f64::max);
                for (u, v) in values {
                    scales.get_mut(u).expect("unit")[i] = Some(normalise(*n, v, (lo, hi)));
                }
            }
        }
    }
    if !errs.is_empty() {
        return Err(IndexErrors(errs));
    }
    Ok(group
        .keys()
        .map(|u| {
            let comp = &scales[u];
            let mut scores = vec![NodeScore { points: 0.0, max_points: 0.0, scale: 0.0 }; flat.len()];
            let mut children: Vec<Vec<NodeScore>> = vec![Vec::new(); flat.len()];
            let mut missing = Vec::new();
            let mut pillars = Vec::new();
            for i in (0..flat.len()).rev() {
                let f = &flat[i];
                let s = if f.level == Level::Component {
                    let scale = comp[i].unwrap_or_else(|| {
                        missing.push(f.node.code.clone());
                        0.0
                    });
                    NodeScore { points: scale * f.max_points, max_points: f.max_points, scale }
                } else {
                    let mut kids = std::mem::take(&mut children[i]);
                    kids.reverse();
                    NodeScore::combine(&kids, f.max_points)
                };
                scores[i] = s;
                match f.parent {
                    Some(p) => children[p].push(s),
                    None => pillars.push(s),
                }
            }
            pillars.reverse();
            missing.reverse();
            let total_max = index.points.unwrap_or_else(|| pillars.iter().map(|p| p.max_points).sum());
            UnitScores {
                unit: u.clone(),
                total: NodeScore::combine(&pillars, total_max),
                nodes: flat.iter().zip(scores).map(|(f, s)| (f.node.code.clone(), s)).collect(),
                missing,
            }
        })
        .collect())
}

/// One unit's place in a ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    pub unit: Code,
    pub points: f64,
    /// The 0–1 value, rounded to [`SCALE_DECIMALS`] (what is published and compared).
    pub scale: f64,
    /// 1 = best; ties share the rank and the next rank is skipped (1, 2, 2, 4).
    pub rank: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_rank: Option<u32>,
    /// previous − current: positive = moved up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<i32>,
}

/// Ranks units on the total (`None`) or on a node, best first, ties by code.
pub fn rank_by(scores: &[UnitScores], node: Option<&Code>) -> Vec<Ranked> {
    let mut rows: Vec<Ranked> = scores
        .iter()
        .filter_map(|u| {
            u.get(node).map(|s| Ranked {
                unit: u.unit.clone(),
                points: s.points,
                scale: round_half_away(s.scale, SCALE_DECIMALS),
                rank: 0,
                previous_rank: None,
                change: None,
            })
        })
        .collect();
    rows.sort_by(|a, b| b.scale.total_cmp(&a.scale).then_with(|| a.unit.cmp(&b.unit)));
    for i in 0..rows.len() {
        rows[i].rank = if i > 0 && rows[i].scale == rows[i - 1].scale { rows[i - 1].rank } else { i as u32 + 1 };
    }
    rows
}

impl Ranked {
    /// The change as tables show it: "▲2", "▼1", "=" or "mới" (not ranked then).
    pub fn change_label(&self) -> String {
        match self.change {
            None => "mới".into(),
            Some(0) => "=".into(),
            Some(c) if c > 0 => format!("▲{c}"),
            Some(c) => format!("▼{}", -c),
        }
    }

    /// The change as text says it: "tăng 2 bậc", "giảm 1 bậc", "giữ nguyên
    /// thứ hạng"; `None` when the unit was not ranked then.
    pub fn change_phrase(&self) -> Option<String> {
        Some(match self.change? {
            0 => "giữ nguyên thứ hạng".into(),
            c if c > 0 => format!("tăng {c} bậc"),
            c => format!("giảm {} bậc", -c),
        })
    }
}

/// A group's rankings: overall, per pillar and per main index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rankings {
    pub overall: Vec<Ranked>,
    /// By pillar or main-index code.
    pub nodes: BTreeMap<Code, Vec<Ranked>>,
}

/// Ranks a comparable group overall, per pillar and per main index.
pub fn rank(index: &Index, scores: &[UnitScores]) -> Rankings {
    Rankings {
        overall: rank_by(scores, None),
        nodes: index.pillars_and_mains().into_iter().map(|(_, c)| (c.clone(), rank_by(scores, Some(c)))).collect(),
    }
}

impl Rankings {
    /// Fills `previous_rank` and `change` from a previous period's rankings
    /// (units absent then keep `None`).
    pub fn compare(&mut self, previous: &Rankings) {
        fn fill(rows: &mut [Ranked], prev: Option<&Vec<Ranked>>) {
            let Some(prev) = prev else { return };
            for r in rows {
                if let Some(p) = prev.iter().find(|p| p.unit == r.unit) {
                    r.previous_rank = Some(p.rank);
                    r.change = Some(p.rank as i32 - r.rank as i32);
                }
            }
        }
        fill(&mut self.overall, Some(&previous.overall));
        for (c, rows) in &mut self.nodes {
            fill(rows, previous.nodes.get(c));
        }
    }

    /// The ranking of the total (`None`) or of a pillar or main index.
    pub fn get(&self, node: Option<&Code>) -> Option<&[Ranked]> {
        match node {
            None => Some(&self.overall),
            Some(c) => self.nodes.get(c).map(|v| v.as_slice()),
        }
    }
}

/// A merged unit and the units it replaced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Succession {
    pub successor: Code,
    pub predecessors: Vec<Code>,
}

/// An earlier period's scores restated on today's units: each successor gets
/// the mean of its predecessors' main indices (points and values; predecessors
/// without scores are left out of the mean; none at all → no successor row),
/// its pillars and total summed from them, unless `overrides` holds a row for
/// it, which is taken as it is. Predecessors' rows are dropped; other units
/// are kept; successors come after them in the order of `links`.
pub fn merge_units(
    index: &Index,
    previous: &[UnitScores],
    links: &[Succession],
    overrides: &[UnitScores],
) -> Result<Vec<UnitScores>, IndexErrors> {
    let flat = index.flatten()?;
    let replaced: BTreeSet<&Code> = links.iter().flat_map(|l| &l.predecessors).collect();
    let mut out: Vec<UnitScores> = previous.iter().filter(|u| !replaced.contains(&u.unit)).cloned().collect();
    for link in links {
        if let Some(o) = overrides.iter().find(|o| o.unit == link.successor) {
            out.push(o.clone());
            continue;
        }
        let preds: Vec<&UnitScores> =
            link.predecessors.iter().filter_map(|p| previous.iter().find(|u| &u.unit == p)).collect();
        if preds.is_empty() {
            continue;
        }
        let n = preds.len() as f64;
        let mut nodes = BTreeMap::new();
        let mut pillars = Vec::new();
        for (i, p) in flat.iter().enumerate().filter(|(_, f)| f.level == Level::Pillar) {
            let mains: Vec<NodeScore> = flat
                .iter()
                .filter(|m| m.parent == Some(i))
                .map(|m| {
                    let of = |f: fn(&NodeScore) -> f64| {
                        preds.iter().filter_map(|u| u.nodes.get(&m.node.code)).map(f).sum::<f64>() / n
                    };
                    let s = NodeScore { points: of(|s| s.points), max_points: m.max_points, scale: of(|s| s.scale) };
                    nodes.insert(m.node.code.clone(), s);
                    s
                })
                .collect();
            let s = NodeScore::combine(&mains, p.max_points);
            nodes.insert(p.node.code.clone(), s);
            pillars.push(s);
        }
        let total_max = index.points.unwrap_or_else(|| pillars.iter().map(|p| p.max_points).sum());
        out.push(UnitScores {
            unit: link.successor.clone(),
            total: NodeScore::combine(&pillars, total_max),
            nodes,
            missing: Vec::new(),
        });
    }
    Ok(out)
}

const PROVINCIAL_YAML: &str = include_str!("provincial.yaml");

/// The built-in template modelled on the national provincial index (Quyết định
/// 922/QĐ-BTTTT): 2 pillars, 9 main indices, 1000 points, a few components per
/// main index. The office copies and adapts it (codes, targets, year).
pub fn builtin_provincial() -> Index {
    serde_yaml_ng::from_str(PROVINCIAL_YAML).expect("the built-in index template is valid YAML")
}

/// The built-in template's text, for an office to copy and edit.
pub fn builtin_provincial_yaml() -> &'static str {
    PROVINCIAL_YAML
}
