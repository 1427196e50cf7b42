//! The leaders' dashboard (`/dashboard`, drill-down `/dashboard?ou=CODE`):
//! key indicators of a unit for the latest complete month with their change
//! and a 12-month trend, and a ranking of comparable units.
//!
//! Every figure is `AnalyticsEngine::value` on the resident engine; this
//! module only picks cells, orders them and takes differences for display.

use crate::auth::CurrentUser;
use crate::charts::{self, Bar, LineChart, Series};
use crate::error::{AppError, PageResult};
use crate::pages::Chrome;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use chiso_analytics::AnalyticsEngine;
use chiso_analytics::grid::format_value;
use chiso_analytics::query::DxItem;
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::number::format_number;
use chiso_core::orgunit::UnitIx;
use chiso_core::period::{Period, PeriodType};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/dashboard", get(dashboard_page))
}

/// The key indicators shown when `dx=` is not given: on-time rate, online
/// share, dossiers received, digitised results, electronic documents, online
/// meetings.
pub const DEFAULT_DX: [&str; 6] =
    ["TL_DUNG_HAN", "TL_HS_TRUC_TUYEN", "HS_TIEP_NHAN", "TL_SO_HOA", "TL_VB_DIEN_TU", "TL_HOP_TRUC_TUYEN"];

/// Items where a smaller figure is better (ranked ascending).
const LOWER_IS_BETTER: [&str; 5] = ["TL_TRE_HAN", "HS_TRE_HAN", "TUAN_HS_TRE_HAN", "HS_TY_LE_TRE_HAN", "MA_DOC"];

/// Groups of comparable units a province-level ranking can be over.
pub const RANK_GROUPS: [&str; 3] = ["UBND_HUYEN", "SO_NGANH", "UBND_XA"];

#[derive(Clone, Debug, Default, Deserialize)]
pub struct DashQuery {
    /// The unit looked at (the province when absent).
    pub ou: Option<String>,
    /// Key indicators, comma separated ("TL_DUNG_HAN,HS_TIEP_NHAN").
    pub dx: Option<String>,
    /// The item units are ranked on (the first key indicator when absent).
    pub rank: Option<String>,
    /// At the province: which comparable units to rank (a group code).
    pub group: Option<String>,
}

fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// One key indicator's card.
#[derive(Clone, Debug, Serialize)]
pub struct Card {
    pub dx: String,
    pub name: String,
    pub short_name: String,
    pub unit_of_measure: String,
    pub value: Option<f64>,
    pub value_text: String,
    pub previous_month: Option<f64>,
    pub change_month: Option<f64>,
    pub change_month_text: String,
    pub same_month_last_year: Option<f64>,
    pub change_year: Option<f64>,
    pub change_year_text: String,
    /// "up", "down" or "flat" vs the previous month, "good"/"bad" judged by direction.
    pub trend_class: String,
    pub trend: Vec<(String, Option<f64>)>,
    #[serde(skip)]
    pub chart: String,
}

/// One unit of the ranking.
#[derive(Clone, Debug, Serialize)]
pub struct RankRow {
    pub rank: Option<usize>,
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
    pub value_text: String,
    pub highlight: bool,
    /// Whether the unit has units below it to drill into.
    pub has_children: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Crumb {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// Everything the dashboard shows (also the JSON of `GET /api/dashboard`).
pub struct Dashboard {
    pub unit: Crumb,
    pub breadcrumbs: Vec<Crumb>,
    pub month: Period,
    pub month_label: String,
    pub cards: Vec<Card>,
    pub dx_param: String,
    pub rank_dx: String,
    pub rank_name: String,
    /// What is ranked: "Huyện, thị xã thuộc Tỉnh Hòa Lâm", "các xã của Huyện An Phú".
    pub rank_scope: String,
    pub ranking: Vec<RankRow>,
    pub ranking_chart: String,
    pub rank_choices: Vec<Choice>,
    /// Offered at the province only.
    pub group_choices: Vec<Choice>,
    pub lower_is_better: bool,
}

impl Dashboard {
    /// Query string keeping the chosen indicators and ranking item.
    pub fn keep(&self) -> String {
        let mut s = String::new();
        if !self.dx_param.is_empty() {
            s.push_str("&dx=");
            s.push_str(&crate::auth::urlencode(&self.dx_param));
        }
        s.push_str("&rank=");
        s.push_str(&crate::auth::urlencode(&self.rank_dx));
        s
    }
}

/// The latest month that has ended before `today`.
pub fn latest_complete_month(today: chrono::NaiveDate) -> Period {
    Period::containing(PeriodType::Monthly, today).previous()
}

fn month_label(lang: Lang, p: &Period) -> String {
    match lang {
        Lang::Vi => p.label_vi(),
        Lang::En => p.label_en(),
    }
}

fn short_month(p: &Period) -> String {
    use chrono::Datelike;
    format!("{}/{}", p.start().month(), p.start().year() % 100)
}

fn is_percent(model: &Model, dx: &DxItem) -> bool {
    match dx {
        DxItem::Indicator(c) => model.indicator(c.as_str()).is_some_and(|i| i.unit_of_measure.as_deref() == Some("%")),
        DxItem::Element { code, .. } => {
            model.element(code.as_str()).is_some_and(|e| e.unit_of_measure.as_deref() == Some("%"))
        }
    }
}

fn unit_of_measure(model: &Model, dx: &DxItem) -> String {
    match dx {
        DxItem::Indicator(c) => model.indicator(c.as_str()).and_then(|i| i.unit_of_measure.clone()),
        DxItem::Element { code, .. } => model.element(code.as_str()).and_then(|e| e.unit_of_measure.clone()),
    }
    .unwrap_or_default()
}

fn short_name(model: &Model, dx: &DxItem) -> String {
    match dx {
        DxItem::Indicator(c) => model.indicator(c.as_str()).and_then(|i| i.short_name.clone()),
        DxItem::Element { code, option: None } => model.element(code.as_str()).and_then(|e| e.short_name.clone()),
        DxItem::Element { .. } => None,
    }
    .unwrap_or_else(|| dx.name(model))
}

fn decimals(model: &Model, dx: &DxItem) -> usize {
    match dx {
        DxItem::Indicator(c) => model.indicator(c.as_str()).map_or(2, |i| usize::from(i.decimals)),
        DxItem::Element { .. } => 2,
    }
}

fn lower_is_better(dx: &DxItem) -> bool {
    let code = match dx {
        DxItem::Indicator(c) => c.as_str(),
        DxItem::Element { code, .. } => code.as_str(),
    };
    LOWER_IS_BETTER.contains(&code)
}

/// The change from `before` to `now`: percentage points for rates, percent otherwise.
fn change(lang: Lang, percent: bool, now: Option<f64>, before: Option<f64>) -> (Option<f64>, String) {
    let (Some(n), Some(b)) = (now, before) else { return (None, "—".into()) };
    let sign = |d: f64| if d > 0.0 { "+" } else { "" };
    if percent {
        let d = n - b;
        (Some(d), format!("{}{} {}", sign(d), format_number(d, 2), lang.pick("điểm %", "pp")))
    } else if b != 0.0 {
        let d = (n - b) / b.abs() * 100.0;
        (Some(d), format!("{}{}%", sign(d), format_number(d, 1)))
    } else {
        (None, "—".into())
    }
}

fn parse_dx(model: &Model, s: &str) -> Result<DxItem, AppError> {
    DxItem::parse(s, model).map_err(|e| AppError::BadRequest(e.to_string()))
}

pub fn dashboard(state: &AppState, lang: Lang, q: &DashQuery) -> Result<Dashboard, AppError> {
    let snap = state.snapshot();
    let model = &snap.model;
    let engine = &snap.engine;
    let tree = model.tree();
    let root = *tree.roots().first().ok_or_else(|| AppError::not_found("đơn vị nào"))?;
    let ou = match given(&q.ou) {
        Some(c) => tree.index(c).ok_or_else(|| AppError::not_found(format!("đơn vị {c}")))?,
        None => root,
    };
    let dx_param = given(&q.dx).unwrap_or("").to_string();
    let dx: Vec<DxItem> = if dx_param.is_empty() {
        DEFAULT_DX.iter().filter_map(|c| DxItem::parse(c, model).ok()).collect()
    } else {
        dx_param
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| parse_dx(model, s))
            .collect::<Result<_, _>>()?
    };
    if dx.len() > 12 {
        return Err(AppError::BadRequest("tối đa 12 chỉ số trên bảng điều hành".into()));
    }
    let today = state.today();
    let month = latest_complete_month(today);
    let trend_months: Vec<Period> = (0..12).rev().map(|k| month.offset(-k)).collect();
    let cards = dx
        .iter()
        .map(|d| {
            let percent = is_percent(model, d);
            let value = engine.value(d, ou, &month);
            let previous_month = engine.value(d, ou, &month.previous());
            let same_month_last_year = engine.value(d, ou, &month.same_period_last_year());
            let (change_month, change_month_text) = change(lang, percent, value, previous_month);
            let (change_year, change_year_text) = change(lang, percent, value, same_month_last_year);
            let trend: Vec<(String, Option<f64>)> =
                trend_months.iter().map(|p| (short_month(p), engine.value(d, ou, p))).collect();
            let direction = match change_month {
                Some(c) if c > 0.0 => "up",
                Some(c) if c < 0.0 => "down",
                _ => "flat",
            };
            let good = match (direction, lower_is_better(d)) {
                ("flat", _) => "",
                ("up", false) | ("down", true) => " good",
                _ => " bad",
            };
            let name = d.name(model);
            let suffix = if percent { "%" } else { "" };
            let chart = charts::line_chart(&LineChart {
                title: format!("{name} — {}", lang.pick("12 tháng gần nhất", "last 12 months")),
                labels: trend.iter().map(|(l, _)| l.clone()).collect(),
                series: vec![Series {
                    name: short_name(model, d),
                    values: trend.iter().map(|t| t.1).collect(),
                    muted: false,
                }],
                reference: None,
                decimals: decimals(model, d),
                compact: true,
                suffix: suffix.into(),
            });
            Card {
                dx: d.id(),
                short_name: short_name(model, d),
                name,
                unit_of_measure: unit_of_measure(model, d),
                value,
                value_text: value.map(|v| format_value(model, d, v)).unwrap_or_else(|| "—".into()),
                previous_month,
                change_month,
                change_month_text,
                same_month_last_year,
                change_year,
                change_year_text,
                trend_class: format!("{direction}{good}"),
                trend,
                chart,
            }
        })
        .collect();

    // The ranking: the unit's children, a leaf's siblings, or at the
    // province a group of comparable units.
    let rank_item = match given(&q.rank) {
        Some(r) => parse_dx(model, r)?,
        None => dx
            .first()
            .cloned()
            .unwrap_or_else(|| DxItem::Indicator(chiso_core::Code::new("TL_DUNG_HAN").expect("code"))),
    };
    let group = given(&q.group).unwrap_or(RANK_GROUPS[0]);
    let open = |ix: UnitIx| tree.unit(ix).is_open_on(month.end());
    let mut group_choices = Vec::new();
    let (units, highlight, rank_scope): (Vec<UnitIx>, Option<UnitIx>, String) = if ou == root {
        if !RANK_GROUPS.contains(&group) {
            return Err(AppError::BadRequest(format!("nhóm đơn vị \"{group}\" không dùng để xếp hạng")));
        }
        group_choices = RANK_GROUPS
            .iter()
            .filter_map(|g| {
                model.group(g).map(|x| Choice { code: g.to_string(), name: x.name.clone(), selected: *g == group })
            })
            .collect();
        let members = model.group_members(group).unwrap_or(&[]).iter().copied().filter(|&u| open(u)).collect();
        (members, None, model.group(group).map(|g| g.name.clone()).unwrap_or_default())
    } else if !tree.children(ou).is_empty() {
        let kids = tree.children(ou).iter().copied().filter(|&u| open(u)).collect();
        (kids, None, format!("{} {}", lang.pick("Các đơn vị trực thuộc", "Units under"), tree.unit(ou).name))
    } else {
        let parent = tree.parent(ou).unwrap_or(root);
        let sibs = tree.children(parent).iter().copied().filter(|&u| open(u) || u == ou).collect();
        (
            sibs,
            Some(ou),
            format!(
                "{} {}",
                lang.pick("Các đơn vị cùng cấp thuộc", "Units alongside it under"),
                tree.unit(parent).name
            ),
        )
    };
    let lower = lower_is_better(&rank_item);
    let mut scored: Vec<(UnitIx, Option<f64>)> =
        units.iter().map(|&u| (u, engine.value(&rank_item, u, &month))).collect();
    scored.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => {
            let o = if lower { x.total_cmp(&y) } else { y.total_cmp(&x) };
            o.then_with(|| tree.unit(a.0).name.cmp(&tree.unit(b.0).name))
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => tree.unit(a.0).name.cmp(&tree.unit(b.0).name),
    });
    let mut ranking = Vec::with_capacity(scored.len());
    let mut last: Option<(f64, usize)> = None;
    for (i, &(u, v)) in scored.iter().enumerate() {
        // Equal values share a rank (1, 2, 2, 4).
        let rank = v.map(|v| match last {
            Some((lv, r)) if lv == v => r,
            _ => {
                last = Some((v, i + 1));
                i + 1
            }
        });
        let unit = tree.unit(u);
        ranking.push(RankRow {
            rank,
            code: unit.code.to_string(),
            name: unit.display_name().to_string(),
            value: v,
            value_text: v.map(|v| format_value(model, &rank_item, v)).unwrap_or_else(|| "—".into()),
            highlight: highlight == Some(u),
            has_children: !tree.children(u).is_empty(),
        });
    }
    let rank_name = rank_item.name(model);
    let bars: Vec<Bar> = ranking
        .iter()
        .filter_map(|r| r.value.map(|v| Bar { label: r.name.clone(), value: v, highlight: r.highlight }))
        .collect();
    let ranking_chart = charts::bar_chart(
        &format!("{rank_name} — {} — {}", rank_scope, month_label(lang, &month)),
        &bars,
        decimals(model, &rank_item),
        if is_percent(model, &rank_item) { "%" } else { "" },
    );
    let mut rank_choices: Vec<Choice> =
        dx.iter().map(|d| Choice { code: d.id(), name: d.name(model), selected: *d == rank_item }).collect();
    for i in &model.metadata().indicators {
        let d = DxItem::Indicator(i.code.clone());
        if !dx.contains(&d) {
            rank_choices.push(Choice { code: d.id(), name: i.name.clone(), selected: d == rank_item });
        }
    }
    if !rank_choices.iter().any(|c| c.selected) {
        rank_choices.push(Choice { code: rank_item.id(), name: rank_name.clone(), selected: true });
    }
    let mut breadcrumbs: Vec<Crumb> = tree
        .ancestors(ou)
        .map(|a| Crumb { code: tree.unit(a).code.to_string(), name: tree.unit(a).display_name().to_string() })
        .collect();
    breadcrumbs.reverse();
    let u = tree.unit(ou);
    Ok(Dashboard {
        unit: Crumb { code: u.code.to_string(), name: u.name.clone() },
        breadcrumbs,
        month_label: month_label(lang, &month),
        month,
        cards,
        dx_param,
        rank_dx: rank_item.id(),
        rank_name,
        rank_scope,
        ranking,
        ranking_chart,
        rank_choices,
        group_choices,
        lower_is_better: lower,
    })
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    d: Dashboard,
}

async fn dashboard_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<DashQuery>,
) -> PageResult<Html<String>> {
    user.require_province_reader()?;
    let d = dashboard(&state, user.lang, &q)?;
    let chrome = Chrome::new(
        &state,
        &user,
        format!("{} — {}", user.lang.pick("Bảng điều hành", "Dashboard"), d.unit.name),
        "/dashboard",
    );
    Ok(Html(DashboardPage { chrome, d }.render()?))
}
