//! Analytics queries in DHIS2's dimension syntax.
//!
//! `dx:HS_DUNG_HAN;TL_DUNG_HAN` (elements, `ELEMENT.OPTION`, indicators),
//! `pe:202308;THIS_YEAR;LAST_12_MONTHS` (fixed and relative periods),
//! `ou:TINH;LEVEL-3;CHILDREN-H01;OU_GROUP-SO_NGANH` (units, a level — within
//! the units named beside it, as DHIS2 does —, a unit's children, a group).

use chiso_core::Code;
use chiso_core::metadata::Model;
use chiso_core::orgunit::UnitIx;
use chiso_core::period::{Period, RelativePeriod, WeekStart};
use chrono::NaiveDate;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    #[error("chiều dữ liệu dx: \"{0}\" không phải chỉ tiêu dữ liệu hay chỉ số")]
    UnknownDx(String),
    #[error("chỉ tiêu dữ liệu {element} không có phân tổ {option}")]
    UnknownOption { element: String, option: String },
    #[error(
        "chiều thời gian pe: \"{0}\" không phải kỳ báo cáo (202308, 2023Q3, 2024W35...) hay kỳ tương đối (THIS_YEAR, LAST_12_MONTHS...)"
    )]
    BadPeriod(String),
    #[error("chiều đơn vị ou: \"{0}\" không phải đơn vị, LEVEL-n, CHILDREN-mã hay OU_GROUP-mã")]
    BadUnit(String),
    #[error("truy vấn thiếu chiều {0}")]
    Missing(&'static str),
    #[error("tham số \"{0}\" không hiểu được (cần dạng dx:..., pe:..., ou:...)")]
    BadDimension(String),
}

/// One item of the data dimension.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DxItem {
    /// A data element's total, or one option of its disaggregation.
    Element {
        code: Code,
        option: Option<Code>,
    },
    Indicator(Code),
}

impl DxItem {
    pub fn id(&self) -> String {
        match self {
            DxItem::Element { code, option: Some(o) } => format!("{code}.{o}"),
            DxItem::Element { code, option: None } => code.to_string(),
            DxItem::Indicator(c) => c.to_string(),
        }
    }
    pub fn name(&self, model: &Model) -> String {
        match self {
            DxItem::Element { code, option } => {
                let base = model.element(code.as_str()).map(|e| e.name.clone()).unwrap_or_else(|| code.to_string());
                match option {
                    None => base,
                    Some(o) => {
                        let oname = model
                            .element_disaggregation(code.as_str())
                            .and_then(|d| d.options.iter().find(|x| x.code == *o))
                            .map(|x| x.name.clone())
                            .unwrap_or_else(|| o.to_string());
                        format!("{base} ({oname})")
                    }
                }
            }
            DxItem::Indicator(c) => {
                model.indicator(c.as_str()).map(|i| i.name.clone()).unwrap_or_else(|| c.to_string())
            }
        }
    }
    /// Resolves "CODE" or "CODE.OPTION" against the model.
    pub fn parse(s: &str, model: &Model) -> Result<DxItem, QueryError> {
        let s = s.trim();
        let (code, option) = match s.split_once('.') {
            Some((c, o)) => (c, Some(o)),
            None => (s, None),
        };
        if model.indicator(code).is_some() && option.is_none() {
            return Ok(DxItem::Indicator(Code::new(code).map_err(|_| QueryError::UnknownDx(s.into()))?));
        }
        if model.element(code).is_none() {
            return Err(QueryError::UnknownDx(s.into()));
        }
        let code = Code::new(code).map_err(|_| QueryError::UnknownDx(s.into()))?;
        let option = match option {
            None => None,
            Some(o) => {
                let ok = model
                    .element_disaggregation(code.as_str())
                    .is_some_and(|d| d.options.iter().any(|x| x.code.as_str() == o));
                if !ok {
                    return Err(QueryError::UnknownOption { element: code.to_string(), option: o.into() });
                }
                Some(Code::new(o).map_err(|_| QueryError::UnknownDx(s.into()))?)
            }
        };
        Ok(DxItem::Element { code, option })
    }
}

/// A period item: fixed or relative to "today".
#[derive(Clone, Debug, PartialEq)]
pub enum PeItem {
    Fixed(Period),
    Relative(RelativePeriod),
}

impl PeItem {
    pub fn parse(s: &str) -> Result<PeItem, QueryError> {
        let s = s.trim();
        if let Ok(p) = s.parse::<Period>() {
            return Ok(PeItem::Fixed(p));
        }
        s.parse::<RelativePeriod>().map(PeItem::Relative).map_err(|_| QueryError::BadPeriod(s.into()))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum OuItem {
    Unit(Code),
    Children(Code),
    Level(u8),
    Group(Code),
}

impl OuItem {
    pub fn parse(s: &str) -> Result<OuItem, QueryError> {
        let s = s.trim();
        let bad = || QueryError::BadUnit(s.into());
        if let Some(l) = s.strip_prefix("LEVEL-") {
            return l.parse().ok().filter(|&l: &u8| l >= 1).map(OuItem::Level).ok_or_else(bad);
        }
        if let Some(c) = s.strip_prefix("CHILDREN-") {
            return Code::new(c).map(OuItem::Children).map_err(|_| bad());
        }
        if let Some(c) = s.strip_prefix("OU_GROUP-") {
            return Code::new(c).map(OuItem::Group).map_err(|_| bad());
        }
        Code::new(s).map(OuItem::Unit).map_err(|_| bad())
    }
}

/// A parsed query; resolve it against a model and a date to get the cells.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    pub dx: Vec<DxItem>,
    pub pe: Vec<PeItem>,
    pub ou: Vec<OuItem>,
    /// Split element totals by their disaggregation options.
    pub by_option: bool,
    /// Keep cells without a value (shown empty).
    pub include_empty: bool,
}

impl Query {
    /// Builds a query from DHIS2-style lists: `dx` "A;B", `pe` "THIS_YEAR;202301", `ou` "TINH;LEVEL-2".
    pub fn from_lists(model: &Model, dx: &str, pe: &str, ou: &str) -> Result<Query, QueryError> {
        let items =
            |s: &str| s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect::<Vec<_>>();
        let dx = items(dx).iter().map(|s| DxItem::parse(s, model)).collect::<Result<Vec<_>, _>>()?;
        let pe = items(pe).iter().map(|s| PeItem::parse(s)).collect::<Result<Vec<_>, _>>()?;
        let ou = items(ou).iter().map(|s| OuItem::parse(s)).collect::<Result<Vec<_>, _>>()?;
        if dx.is_empty() {
            return Err(QueryError::Missing("dx"));
        }
        if pe.is_empty() {
            return Err(QueryError::Missing("pe"));
        }
        if ou.is_empty() {
            return Err(QueryError::Missing("ou"));
        }
        Ok(Query { dx, pe, ou, by_option: false, include_empty: false })
    }

    /// Builds a query from DHIS2 `dimension=` parameters ("dx:A;B", "pe:...", "ou:...").
    pub fn from_dimensions<'a>(model: &Model, dims: impl IntoIterator<Item = &'a str>) -> Result<Query, QueryError> {
        let (mut dx, mut pe, mut ou) = (String::new(), String::new(), String::new());
        let mut by_option = false;
        for d in dims {
            let (k, v) = d.split_once(':').ok_or_else(|| QueryError::BadDimension(d.into()))?;
            let slot = match k {
                "dx" => &mut dx,
                "pe" => &mut pe,
                "ou" => &mut ou,
                "co" => {
                    by_option = true;
                    continue;
                }
                _ => return Err(QueryError::BadDimension(d.into())),
            };
            if !slot.is_empty() {
                slot.push(';');
            }
            slot.push_str(v);
        }
        let mut q = Query::from_lists(model, &dx, &pe, &ou)?;
        q.by_option = by_option;
        Ok(q)
    }

    /// The concrete periods, in the order asked, without repeats.
    pub fn periods(&self, today: NaiveDate, week_start: WeekStart) -> Vec<Period> {
        let mut out: Vec<Period> = Vec::new();
        for p in &self.pe {
            let ps = match p {
                PeItem::Fixed(p) => vec![*p],
                PeItem::Relative(r) => r.resolve(today, week_start),
            };
            for p in ps {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// The concrete units, in tree order. `LEVEL-n` alone means every unit at
    /// that level; beside named units it means the units at that level under them.
    pub fn units(&self, model: &Model) -> Result<Vec<UnitIx>, QueryError> {
        let tree = model.tree();
        let mut named: Vec<UnitIx> = Vec::new();
        let mut out = BTreeSet::new();
        let mut levels = Vec::new();
        for item in &self.ou {
            match item {
                OuItem::Unit(c) => {
                    named.push(tree.index(c.as_str()).ok_or_else(|| QueryError::BadUnit(c.to_string()))?)
                }
                OuItem::Children(c) => {
                    let ix = tree.index(c.as_str()).ok_or_else(|| QueryError::BadUnit(c.to_string()))?;
                    out.extend(tree.children(ix).iter().copied());
                }
                OuItem::Level(l) => levels.push(*l),
                OuItem::Group(g) => out.extend(
                    model
                        .group_members(g.as_str())
                        .ok_or_else(|| QueryError::BadUnit(format!("OU_GROUP-{g}")))?
                        .iter()
                        .copied(),
                ),
            }
        }
        if levels.is_empty() {
            out.extend(named.iter().copied());
        } else if named.is_empty() {
            for l in levels {
                out.extend(tree.at_level(l, None));
            }
        } else {
            for l in levels {
                for &n in &named {
                    out.extend(tree.at_level(l, Some(n)));
                }
            }
        }
        Ok(out.into_iter().collect())
    }
}
