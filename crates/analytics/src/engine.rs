//! The analytics engine: the single definition of every figure.
//!
//! `AnalyticsEngine::value` answers one cell — a data item, for a unit and
//! everything below it, over a period — by each element's rules: values are
//! combined over time within each unit (`DataElement::time_rule`), then over
//! units (`DataElement::aggregation`). Indicators are the ratio of the
//! aggregated numerator and denominator. `query` builds a grid of cells.
//!
//! `MemoryEngine` keeps each element's values sorted by unit in tree preorder,
//! so a unit's subtree is one contiguous slice found by binary search. It is
//! the first engine; a pre-aggregated one can replace it behind the trait
//! without its callers changing.

use crate::query::{DxItem, Query, QueryError};
use chiso_core::Code;
use chiso_core::aggregate::combine;
use chiso_core::element::Aggregation;
use chiso_core::expr::{ElementRef, MissingValues};
use chiso_core::metadata::Model;
use chiso_core::orgunit::UnitIx;
use chiso_core::period::Period;
use chiso_core::value::DataValue;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Arc;

/// One answered cell of a grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub dx: DxItem,
    pub period: Period,
    pub unit: UnitIx,
    pub value: Option<f64>,
}

/// The answer to a query: cells in dx × period × unit order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grid {
    pub cells: Vec<Cell>,
    pub periods: Vec<Period>,
    pub units: Vec<UnitIx>,
    pub dx: Vec<DxItem>,
}

pub trait AnalyticsEngine: Send + Sync {
    fn model(&self) -> &Model;

    /// The value of `dx` for `unit` (with its descendants) over `period`.
    fn value(&self, dx: &DxItem, unit: UnitIx, period: &Period) -> Option<f64>;

    /// The value over the reported periods falling within `start..=end`
    /// ("the year so far"): the same rules as `value`, over a date span.
    fn value_between(&self, dx: &DxItem, unit: UnitIx, start: NaiveDate, end: NaiveDate) -> Option<f64>;

    /// Answers a query; relative periods are resolved against `today`.
    fn query(&self, q: &Query, today: NaiveDate) -> Result<Grid, QueryError> {
        let model = self.model();
        let periods = q.periods(today, model.week_start());
        let units = q.units(model)?;
        let mut dx: Vec<DxItem> = Vec::new();
        for item in &q.dx {
            match item {
                DxItem::Element { code, option: None } if q.by_option => match model
                    .element_disaggregation(code.as_str())
                {
                    Some(d) => dx.extend(
                        d.options.iter().map(|o| DxItem::Element { code: code.clone(), option: Some(o.code.clone()) }),
                    ),
                    None => dx.push(item.clone()),
                },
                _ => dx.push(item.clone()),
            }
        }
        let mut cells = Vec::with_capacity(dx.len() * periods.len() * units.len());
        for d in &dx {
            for p in &periods {
                for &u in &units {
                    let value = self.value(d, u, p);
                    if value.is_some() || q.include_empty {
                        cells.push(Cell { dx: d.clone(), period: *p, unit: u, value });
                    }
                }
            }
        }
        Ok(Grid { cells, periods, units, dx })
    }
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    unit: UnitIx,
    /// 0 = no option; i + 1 = the element's disaggregation option i.
    option: u16,
    period: Period,
    value: f64,
}

/// Values held in memory, per element, sorted by (unit, period start, option).
/// Cloning is cheap enough (a few MB for a province's year) to update a copy
/// while readers keep using the original.
#[derive(Clone)]
pub struct MemoryEngine {
    model: Arc<Model>,
    series: HashMap<Code, Vec<Entry>>,
    /// Values whose element, unit or option is not in the model (kept out of figures).
    orphans: u64,
    sorted: bool,
}

impl MemoryEngine {
    pub fn new(model: Arc<Model>) -> MemoryEngine {
        MemoryEngine { model, series: HashMap::new(), orphans: 0, sorted: true }
    }

    pub fn from_values<'a>(model: Arc<Model>, values: impl IntoIterator<Item = &'a DataValue>) -> MemoryEngine {
        let mut e = MemoryEngine::new(model);
        for v in values {
            e.add(v);
        }
        e.finish();
        e
    }

    /// Adds one value; call `finish` after the last one.
    pub fn add(&mut self, v: &DataValue) {
        let Some(value) = v.numeric() else { return };
        let (Some(_), Some(unit)) = (self.model.element(v.element.as_str()), self.model.tree().index(v.unit.as_str()))
        else {
            self.orphans += 1;
            return;
        };
        let option = match &v.option {
            None => 0,
            Some(o) => match self.option_index(v.element.as_str(), o.as_str()) {
                Some(i) => i,
                None => {
                    self.orphans += 1;
                    return;
                }
            },
        };
        self.series.entry(v.element.clone()).or_default().push(Entry { unit, option, period: v.period, value });
        self.sorted = false;
    }

    /// Replaces the figure of the value's cell (element, option, period,
    /// unit) with the value's, or removes the cell's figure when `value` is
    /// empty. Keeps the engine sorted: no `finish` needed.
    pub fn upsert(&mut self, v: &DataValue) {
        self.finish();
        let Some(unit) = self.model.tree().index(v.unit.as_str()) else { return };
        let option = match &v.option {
            None => 0,
            Some(o) => match self.option_index(v.element.as_str(), o.as_str()) {
                Some(i) => i,
                None => return,
            },
        };
        let key = |e: &Entry| (e.unit, e.period.start_day(), e.period.end_day(), e.option);
        let entry = v.numeric().map(|value| Entry { unit, option, period: v.period, value });
        let Some(series) = self.series.get_mut(&v.element) else {
            if let Some(e) = entry.filter(|_| self.model.element(v.element.as_str()).is_some()) {
                self.series.insert(v.element.clone(), vec![e]);
            }
            return;
        };
        let want = (unit, v.period.start_day(), v.period.end_day(), option);
        let at = series.partition_point(|e| key(e) < want);
        // Periods of one span and kind share a key: compare the period itself.
        let same = series[at..].iter().take_while(|e| key(e) == want).position(|e| e.period == v.period);
        match (same.map(|i| at + i), entry) {
            (Some(i), Some(e)) => series[i] = e,
            (Some(i), None) => {
                series.remove(i);
            }
            (None, Some(e)) => series.insert(at, e),
            (None, None) => {}
        }
    }

    pub fn finish(&mut self) {
        if !self.sorted {
            for s in self.series.values_mut() {
                s.sort_by_key(|e| (e.unit, e.period.start_day(), e.period.end_day(), e.option));
            }
            self.sorted = true;
        }
    }

    pub fn orphans(&self) -> u64 {
        self.orphans
    }

    pub fn len(&self) -> usize {
        self.series.values().map(Vec::len).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn option_index(&self, element: &str, option: &str) -> Option<u16> {
        let d = self.model.element_disaggregation(element)?;
        d.options.iter().position(|o| o.code.as_str() == option).map(|i| i as u16 + 1)
    }

    fn element_value(&self, code: &str, option: Option<&str>, unit: UnitIx, window: Window) -> Option<f64> {
        debug_assert!(self.sorted, "MemoryEngine::finish not called");
        let element = self.model.element(code)?;
        let series = self.series.get(code)?;
        let want_option = match option {
            Some(o) => Some(self.option_index(code, o)?),
            None => None,
        };
        let option_ok = |e: &Entry| want_option.is_none_or(|o| e.option == o);
        let (rule_units, rule_time) = (element.aggregation, element.time_rule());
        if rule_units == Aggregation::None || rule_time == Aggregation::None {
            // Shown only where and when it was reported.
            let Window::Period(period) = window else { return None };
            let lo = series.partition_point(|e| e.unit < unit);
            let hits: Vec<f64> = series[lo..]
                .iter()
                .take_while(|e| e.unit == unit)
                .filter(|e| e.period == *period && option_ok(e))
                .map(|e| e.value)
                .collect();
            return if hits.is_empty() { None } else { Some(hits.iter().sum()) };
        }
        let range = self.model.tree().subtree(unit);
        let lo = series.partition_point(|e| e.unit < *range.start());
        let hi = series.partition_point(|e| e.unit <= *range.end());
        let slice = &series[lo..hi];

        let mut per_unit: Vec<(i64, f64)> = Vec::new();
        let mut i = 0;
        while i < slice.len() {
            let u = slice[i].unit;
            let mut j = i;
            let mut per_period: Vec<(i64, f64)> = Vec::new();
            while j < slice.len() && slice[j].unit == u {
                // Options of one period add up to its total.
                let p = slice[j].period;
                let mut total = None;
                while j < slice.len() && slice[j].unit == u && slice[j].period == p {
                    let e = &slice[j];
                    if option_ok(e) && window.covers(&e.period) {
                        total = Some(total.unwrap_or(0.0) + e.value);
                    }
                    j += 1;
                }
                if let Some(t) = total {
                    per_period.push((i64::from(p.start_day()), t));
                }
            }
            // A stock of a unit closed before the window ends has passed to its
            // successors: counting its last value too would count it twice.
            let closed =
                rule_time == Aggregation::Last && self.model.tree().unit(u).valid_to.is_some_and(|t| t < window.end());
            if let Some(v) = combine(rule_time, per_period).filter(|_| !closed) {
                per_unit.push((i64::from(u), v));
            }
            i = j;
        }
        combine(rule_units, per_unit)
    }
}

impl MemoryEngine {
    fn dx_value(&self, dx: &DxItem, unit: UnitIx, window: Window) -> Option<f64> {
        match dx {
            DxItem::Element { code, option } => {
                self.element_value(code.as_str(), option.as_ref().map(Code::as_str), unit, window)
            }
            DxItem::Indicator(code) => {
                let ind = self.model.indicator(code.as_str())?;
                let values = |r: &ElementRef| self.element_value(&r.element, r.option.as_deref(), unit, window);
                let constants = |c: &str| self.model.constant(c);
                let n = ind.numerator.eval(&values, &constants, MissingValues::SkipIfAllMissing);
                let d = ind.denominator.eval(&values, &constants, MissingValues::SkipIfAllMissing);
                ind.value(n, d)
            }
        }
    }
}

impl AnalyticsEngine for MemoryEngine {
    fn model(&self) -> &Model {
        &self.model
    }

    fn value(&self, dx: &DxItem, unit: UnitIx, period: &Period) -> Option<f64> {
        self.dx_value(dx, unit, Window::Period(period))
    }

    fn value_between(&self, dx: &DxItem, unit: UnitIx, start: NaiveDate, end: NaiveDate) -> Option<f64> {
        self.dx_value(dx, unit, Window::Span(start, end))
    }
}

/// The reported periods a cell covers: those falling in a period, or in a span of days.
#[derive(Clone, Copy)]
enum Window<'a> {
    Period(&'a Period),
    Span(NaiveDate, NaiveDate),
}

impl Window<'_> {
    fn covers(&self, p: &Period) -> bool {
        match self {
            Window::Period(w) => w.contains(p),
            Window::Span(s, e) => p.falls_within(*s, *e),
        }
    }
    fn end(&self) -> NaiveDate {
        match self {
            Window::Period(w) => w.end(),
            Window::Span(_, e) => *e,
        }
    }
}
