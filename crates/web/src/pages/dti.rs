//! The digital-transformation index (issue 5, "The index and the rankings"):
//! `/dti` ranks a comparable group of units (districts, departments,
//! communes) on an index (DTI_2026), overall or on a pillar / main index,
//! with the change of rank since the previous year's index; `/dti/{unit}`
//! shows one unit's breakdown node by node with the inputs behind each
//! component and what is missing.
//!
//! Every figure comes from `chiso_analytics::index::rank_group` /
//! `index_inputs` over the resident engine and the registers' definitions and
//! assessments — the same calls as `chiso index`. Province readers only
//! (office, admin, leader). The JSON API (`api::dti`) uses the same builders.

use crate::auth::CurrentUser;
use crate::charts::{Bar, bar_chart};
use crate::error::{AppError, PageResult};
use crate::pages::{Chrome, num};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use chiso_analytics::index::{RankingError, index_inputs, rank_group, ranking_node};
use chiso_core::Code;
use chiso_core::index::{Index, Level, Ranked, Scoring, Source};
use chiso_core::lang::Lang;
use chiso_core::period::Period;
use chiso_core::register::Registers;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/dti", get(ranking_page))
        .route("/dti/{unit}", get(unit_page))
        .merge(crate::pages::dti_admin::routes())
}

/// The comparable groups offered.
pub const GROUPS: [&str; 3] = ["UBND_HUYEN", "SO_NGANH", "UBND_XA"];

#[derive(Debug, Default, Deserialize)]
pub struct DtiQuery {
    pub index: Option<String>,
    pub group: Option<String>,
    pub node: Option<String>,
}

/// A choice of a picker.
#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// One row of the ranking.
#[derive(Clone, Debug, Serialize)]
pub struct RankRow {
    pub rank: u32,
    pub unit: String,
    pub name: String,
    pub points: f64,
    pub value: f64,
    /// Each pillar's and main index's 0–1 value, in the order of `columns`.
    pub nodes: Vec<Option<f64>>,
    pub previous_rank: Option<u32>,
    pub change: Option<i32>,
    /// "▲2", "▼1", "=" or "mới".
    pub change_label: String,
    pub missing: Vec<String>,
}

impl RankRow {
    pub fn points_text(&self) -> String {
        num(self.points, 2)
    }
    pub fn value_text(&self) -> String {
        num(self.value, 4)
    }
    /// Each pillar's and main index's value, "0,8134" ("—" when not scored).
    pub fn node_texts(&self) -> Vec<String> {
        self.nodes.iter().map(|v| v.map_or_else(|| "—".into(), |x| num(x, 4))).collect()
    }
    pub fn change_class(&self) -> &'static str {
        match self.change {
            None => "new",
            Some(0) => "same",
            Some(c) if c > 0 => "up",
            Some(_) => "down",
        }
    }
}

/// The ranking of a group on an index.
#[derive(Clone, Debug, Serialize)]
pub struct RankingView {
    pub index: String,
    pub index_name: String,
    pub year: i32,
    pub period: String,
    pub previous_index: String,
    pub previous_year: i32,
    pub group: String,
    pub group_name: String,
    /// `None`: overall.
    pub node: Option<String>,
    pub node_name: Option<String>,
    pub max_points: f64,
    /// (code, name) of each pillar and main index.
    pub columns: Vec<Choice>,
    pub rows: Vec<RankRow>,
    #[serde(skip)]
    pub indices: Vec<Choice>,
    #[serde(skip)]
    pub groups: Vec<Choice>,
    #[serde(skip)]
    pub nodes: Vec<Choice>,
    #[serde(skip)]
    pub chart: String,
}

/// One node of a unit's breakdown.
#[derive(Clone, Debug, Serialize)]
pub struct BreakdownRow {
    pub code: String,
    pub name: String,
    /// "pillar" | "main" | "component"
    pub level: &'static str,
    pub points: f64,
    pub max_points: f64,
    pub value: f64,
    /// A measured component: where its value comes from and the value.
    pub source: Option<String>,
    pub input: Option<f64>,
    /// An assessed component: the assessor's score and evidence.
    pub assessed: bool,
    pub score: Option<f64>,
    pub evidence: Option<String>,
    pub missing: bool,
}

impl BreakdownRow {
    pub fn points_text(&self) -> String {
        num(self.points, 2)
    }
    pub fn max_text(&self) -> String {
        num(self.max_points, 2)
    }
    pub fn value_text(&self) -> String {
        num(self.value, 4)
    }
    pub fn input_text(&self) -> String {
        match (self.input, self.score) {
            (Some(v), _) => num(v, 2),
            (None, Some(s)) => num(s, 2),
            _ => "—".into(),
        }
    }
}

/// One unit's index.
#[derive(Clone, Debug, Serialize)]
pub struct UnitView {
    pub index: String,
    pub index_name: String,
    pub year: i32,
    pub unit: String,
    pub unit_name: String,
    pub group: String,
    pub group_name: String,
    pub rank: Option<u32>,
    pub of: usize,
    pub change_label: Option<String>,
    pub points: f64,
    pub max_points: f64,
    pub value: f64,
    pub nodes: Vec<BreakdownRow>,
    pub missing: Vec<String>,
}

impl UnitView {
    pub fn points_text(&self) -> String {
        num(self.points, 2)
    }
    pub fn max_text(&self) -> String {
        num(self.max_points, 2)
    }
    pub fn value_text(&self) -> String {
        num(self.value, 4)
    }
}

impl RankingView {
    pub fn max_text(&self) -> String {
        num(self.max_points, 0)
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// The index asked for, or the one of today's year (else the latest before, else the latest).
fn pick_index<'a>(reg: &'a Registers, code: Option<&str>, today_year: i32) -> Result<&'a Index, AppError> {
    match code.filter(|c| !c.is_empty()) {
        Some(c) => reg.index(c).ok_or_else(|| AppError::not_found(format!("bộ chỉ số {c}"))),
        None => reg
            .index_for_year(today_year)
            .or_else(|| reg.indices.iter().max_by_key(|i| i.year))
            .ok_or_else(|| AppError::not_found("bộ chỉ số nào trong sổ theo dõi")),
    }
}

/// A ranking error as the user sees it: a group or node that does not exist is theirs.
fn ranking_error(e: RankingError) -> AppError {
    match e {
        RankingError::Index(e) => internal(e),
        other => AppError::BadRequest(other.to_string()),
    }
}

fn node_names(ix: &Index) -> Result<BTreeMap<Code, String>, AppError> {
    Ok(ix.flatten().map_err(internal)?.iter().map(|f| (f.node.code.clone(), f.node.name.clone())).collect())
}

fn group_name(state: &AppState, code: &str) -> String {
    state
        .model()
        .metadata()
        .unit_groups
        .iter()
        .find(|g| g.code.as_str() == code)
        .map_or_else(|| code.to_string(), |g| g.name.clone())
}

/// The ranking of `q.group` (default districts) on `q.index` (default: this
/// year's), overall or on `q.node`.
pub fn ranking_view(state: &AppState, lang: Lang, reg: &Registers, q: &DtiQuery) -> Result<RankingView, AppError> {
    let today_year = chrono::Datelike::year(&state.today());
    let ix = pick_index(reg, q.index.as_deref(), today_year)?;
    let period = Period::year(ix.year).map_err(internal)?;
    let group = q.group.as_deref().filter(|g| !g.is_empty()).unwrap_or("UBND_HUYEN").to_string();
    let names = node_names(ix)?;
    let node = ranking_node(ix, q.node.as_deref()).map_err(ranking_error)?;
    let snap = state.snapshot();
    let tree = snap.model.tree();
    let ranking = rank_group(&snap.engine, reg, ix, period, &group).map_err(ranking_error)?;
    let (prev_ix, result) = (ranking.previous_index, &ranking.result);
    let previous_year = chrono::Datelike::year(&ranking.previous.start());
    let ranked = ranking.ranked(node.as_ref()).ok_or_else(|| internal("không có bảng xếp hạng"))?;
    let mains = ix.pillars_and_mains();
    let name = |u: &Code| tree.index(u.as_str()).map_or_else(|| u.to_string(), |i| tree.unit(i).name.clone());
    let mut rows = Vec::new();
    for r in ranked {
        let s = result.unit(&r.unit).ok_or_else(|| internal("đơn vị không có điểm"))?;
        rows.push(RankRow {
            rank: r.rank,
            unit: r.unit.to_string(),
            name: name(&r.unit),
            points: r.points,
            value: r.scale,
            nodes: mains.iter().map(|(_, c)| s.nodes.get(*c).map(|n| n.scale)).collect(),
            previous_rank: r.previous_rank,
            change: r.change,
            change_label: r.change_label(),
            missing: s.missing.iter().map(|c| c.to_string()).collect(),
        });
    }
    let node_name = node.as_ref().and_then(|n| names.get(n).cloned());
    let columns: Vec<Choice> = mains
        .iter()
        .map(|(_, c)| Choice {
            code: c.to_string(),
            name: names.get(*c).cloned().unwrap_or_else(|| c.to_string()),
            selected: node.as_ref() == Some(*c),
        })
        .collect();
    let mut nodes =
        vec![Choice {
            code: String::new(), name: lang.pick("Tổng thể", "Overall").into(), selected: node.is_none()
        }];
    nodes.extend(mains.iter().map(|(level, c)| {
        let n = names.get(*c).cloned().unwrap_or_else(|| c.to_string());
        Choice {
            code: c.to_string(),
            name: if *level == Level::Main { format!("— {n}") } else { n },
            selected: node.as_ref() == Some(*c),
        }
    }));
    let bars: Vec<Bar> = rows.iter().map(|r| Bar { label: r.name.clone(), value: r.value, highlight: false }).collect();
    let title =
        format!("{} — {}", ix.name, node_name.clone().unwrap_or_else(|| lang.pick("Tổng thể", "Overall").into()));
    let chart = bar_chart(&title, &bars, 4, "");
    let mut indices: Vec<&Index> = reg.indices.iter().collect();
    indices.sort_by(|a, b| b.year.cmp(&a.year).then(a.code.cmp(&b.code)));
    Ok(RankingView {
        index: ix.code.to_string(),
        index_name: ix.name.clone(),
        year: ix.year,
        period: period.to_string(),
        previous_index: prev_ix.code.to_string(),
        previous_year,
        group_name: group_name(state, &group),
        groups: GROUPS
            .iter()
            .map(|g| Choice { code: g.to_string(), name: group_name(state, g), selected: *g == group })
            .collect(),
        group,
        node: node.as_ref().map(|c| c.to_string()),
        node_name,
        max_points: ix.max_points(),
        columns,
        rows,
        indices: indices
            .iter()
            .map(|i| Choice { code: i.code.to_string(), name: i.name.clone(), selected: i.code == ix.code })
            .collect(),
        nodes,
        chart,
    })
}

/// One unit's breakdown on `index` (default: this year's), scored within its
/// comparable group.
pub fn unit_view(state: &AppState, reg: &Registers, unit: &str, index: Option<&str>) -> Result<UnitView, AppError> {
    let today_year = chrono::Datelike::year(&state.today());
    let ix = pick_index(reg, index, today_year)?;
    let period = Period::year(ix.year).map_err(internal)?;
    let snap = state.snapshot();
    let model = snap.model.clone();
    let tree = model.tree();
    let u = tree.index(unit).ok_or_else(|| AppError::not_found(format!("đơn vị {unit}")))?;
    let group = GROUPS
        .iter()
        .find(|g| model.group_members(g).is_some_and(|m| m.contains(&u)))
        .ok_or_else(|| AppError::not_found(format!("nhóm so sánh của đơn vị {unit}")))?;
    let ranking = rank_group(&snap.engine, reg, ix, period, group).map_err(ranking_error)?;
    let result = &ranking.result;
    let code = tree.unit(u).code.clone();
    let s = result.unit(&code).ok_or_else(|| AppError::not_found(format!("điểm của đơn vị {unit} năm {}", ix.year)))?;
    let ranked = result.rankings.get(None).unwrap_or(&[]);
    let me = ranked.iter().find(|r| r.unit == code);
    let inputs = index_inputs(&snap.engine, ix, &[u], &period, &reg.assessments).remove(&code).unwrap_or_default();
    let mut nodes = Vec::new();
    for f in ix.flatten().map_err(internal)? {
        let n = f.node;
        let sc = s.nodes.get(&n.code).copied();
        let (mut source, mut input, mut assessed, mut score, mut evidence) = (None, None, false, None, None);
        match &n.scoring {
            Some(Scoring::Measured { source: src, .. }) => {
                source = Some(src.to_string());
                input = match src {
                    Source::Element(e) => inputs.elements.get(e).copied(),
                    Source::Indicator(c) => inputs.indicators.get(c).copied(),
                };
            }
            Some(Scoring::Assessed) => {
                assessed = true;
                if let Some(a) = inputs.assessed.get(&n.code) {
                    score = Some(a.score);
                    evidence = Some(a.evidence.clone());
                }
            }
            None => {}
        }
        nodes.push(BreakdownRow {
            code: n.code.to_string(),
            name: n.name.clone(),
            level: match f.level {
                Level::Pillar => "pillar",
                Level::Main => "main",
                Level::Component => "component",
            },
            points: sc.map_or(0.0, |x| x.points),
            max_points: sc.map_or(f.max_points, |x| x.max_points),
            value: sc.map_or(0.0, |x| x.scale),
            source,
            input,
            assessed,
            score,
            evidence,
            missing: s.missing.contains(&n.code),
        });
    }
    Ok(UnitView {
        index: ix.code.to_string(),
        index_name: ix.name.clone(),
        year: ix.year,
        unit: code.to_string(),
        unit_name: tree.unit(u).name.clone(),
        group: group.to_string(),
        group_name: group_name(state, group),
        rank: me.map(|r| r.rank),
        of: ranked.len(),
        change_label: me.map(Ranked::change_label),
        points: s.total.points,
        max_points: s.total.max_points,
        value: s.total.scale,
        nodes,
        missing: s.missing.iter().map(|c| c.to_string()).collect(),
    })
}

#[derive(Template)]
#[template(path = "dti.html")]
struct RankingPage {
    chrome: Chrome,
    v: RankingView,
    /// Office and admins: links to the definition editor and the scores.
    can_edit: bool,
}

async fn ranking_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<DtiQuery>,
) -> PageResult<Html<String>> {
    user.require_province_reader()?;
    let reg = state.store.load_registers().await?;
    let v = ranking_view(&state, user.lang, &reg, &q)?;
    let chrome =
        Chrome::new(&state, &user, user.lang.pick("Chỉ số chuyển đổi số", "Digital transformation index"), "/dti");
    Ok(Html(RankingPage { chrome, v, can_edit: user.can_manage() }.render()?))
}

#[derive(Debug, Default, Deserialize)]
pub struct UnitQuery {
    pub index: Option<String>,
}

#[derive(Template)]
#[template(path = "dti_unit.html")]
struct UnitPage {
    chrome: Chrome,
    v: UnitView,
}

async fn unit_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(unit): Path<String>,
    Query(q): Query<UnitQuery>,
) -> PageResult<Html<String>> {
    user.require_province_reader()?;
    let reg = state.store.load_registers().await?;
    let v = unit_view(&state, &reg, &unit, q.index.as_deref())?;
    let chrome = Chrome::new(&state, &user, format!("{} — {}", v.index_name, v.unit_name), "/dti");
    Ok(Html(UnitPage { chrome, v }.render()?))
}
