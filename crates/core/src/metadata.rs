//! The metadata bundle and the validated `Model` built from it.
//!
//! `Metadata` is what files and the store hold: plain lists, human-editable.
//! `Model` is a `Metadata` whose every reference has been checked and indexed;
//! a `Model` that exists is consistent, so the rest of the code looks things
//! up without re-checking.

use crate::code::Code;
use crate::element::{DataElement, Disaggregation};
use crate::expr::{ElementRef, Expression};
use crate::form::ReportForm;
use crate::indicator::Indicator;
use crate::orgunit::{OrgUnit, OrgUnitGroup, OrgUnitLevel, OrgUnitTree, UnitIx, UnitKind};
use crate::plan::{Pillar, Plan};
use crate::rule::ValidationRule;
use crate::threshold::parse_outcome;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

/// A named number usable in expressions as `C{CODE}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constant {
    pub code: Code,
    pub name: String,
    pub value: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct Metadata {
    /// Name of the deployment: "Tỉnh Đồng Tháp".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub levels: Vec<OrgUnitLevel>,
    pub unit_kinds: Vec<UnitKind>,
    pub org_units: Vec<OrgUnit>,
    pub unit_groups: Vec<OrgUnitGroup>,
    pub pillars: Vec<Pillar>,
    pub disaggregations: Vec<Disaggregation>,
    pub data_elements: Vec<DataElement>,
    pub indicators: Vec<Indicator>,
    pub constants: Vec<Constant>,
    pub validation_rules: Vec<ValidationRule>,
    pub forms: Vec<ReportForm>,
    pub plans: Vec<Plan>,
}

impl Metadata {
    /// `self` with the objects of `bundle` merged in by code: an object with a
    /// code already present replaces it in place, a new one is appended; levels
    /// go by their number and the deployment name is replaced when the bundle
    /// has one. This is what `MetadataMode::Merge` stores, so a partial bundle
    /// (new communes under an existing district) can be validated before saving.
    pub fn merge(mut self, bundle: Metadata) -> Metadata {
        fn merge<T, K: Eq + std::hash::Hash>(into: &mut Vec<T>, from: Vec<T>, key: impl Fn(&T) -> K) {
            let mut at: std::collections::HashMap<K, usize> =
                into.iter().enumerate().map(|(i, x)| (key(x), i)).collect();
            for item in from {
                match at.get(&key(&item)) {
                    Some(&i) => into[i] = item,
                    None => {
                        at.insert(key(&item), into.len());
                        into.push(item);
                    }
                }
            }
        }
        if bundle.name.is_some() {
            self.name = bundle.name;
        }
        merge(&mut self.levels, bundle.levels, |l| l.level);
        merge(&mut self.unit_kinds, bundle.unit_kinds, |x| x.code.clone());
        merge(&mut self.org_units, bundle.org_units, |x| x.code.clone());
        merge(&mut self.unit_groups, bundle.unit_groups, |x| x.code.clone());
        merge(&mut self.pillars, bundle.pillars, |x| x.code.clone());
        merge(&mut self.disaggregations, bundle.disaggregations, |x| x.code.clone());
        merge(&mut self.data_elements, bundle.data_elements, |x| x.code.clone());
        merge(&mut self.indicators, bundle.indicators, |x| x.code.clone());
        merge(&mut self.constants, bundle.constants, |x| x.code.clone());
        merge(&mut self.validation_rules, bundle.validation_rules, |x| x.code.clone());
        merge(&mut self.forms, bundle.forms, |x| x.code.clone());
        merge(&mut self.plans, bundle.plans, |x| x.code.clone());
        self
    }
}

/// One problem in a metadata bundle, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetadataError {
    /// "data_elements[HS_TIEP_NHAN].disaggregation"
    pub place: String,
    pub message: String,
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// All the problems found, so a user fixes a file in one pass.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("siêu dữ liệu có {} lỗi:\n{}", .0.len(), .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
pub struct MetadataErrors(pub Vec<MetadataError>);

/// Validated, indexed metadata.
#[derive(Clone, Debug)]
pub struct Model {
    meta: Metadata,
    tree: OrgUnitTree,
    elements: HashMap<Code, usize>,
    indicators: HashMap<Code, usize>,
    disaggregations: HashMap<Code, usize>,
    groups: HashMap<Code, Vec<UnitIx>>,
    forms: HashMap<Code, usize>,
    plans: HashMap<Code, usize>,
    constants: HashMap<Code, f64>,
}

fn index_of<T>(
    items: &[T],
    code: impl Fn(&T) -> &Code,
    list: &str,
    errs: &mut Vec<MetadataError>,
) -> HashMap<Code, usize> {
    let mut map = HashMap::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        if map.insert(code(it).clone(), i).is_some() {
            errs.push(MetadataError { place: format!("{list}[{}]", code(it)), message: "mã bị trùng".into() });
        }
    }
    map
}

impl Model {
    pub fn new(meta: Metadata) -> Result<Model, MetadataErrors> {
        let mut errs = Vec::new();
        let err =
            |errs: &mut Vec<MetadataError>, place: String, message: String| errs.push(MetadataError { place, message });

        let tree = match OrgUnitTree::new(meta.org_units.clone()) {
            Ok(t) => t,
            Err(e) => {
                err(&mut errs, "org_units".into(), e.to_string());
                return Err(MetadataErrors(errs));
            }
        };
        let kinds: HashSet<&Code> = meta.unit_kinds.iter().map(|k| &k.code).collect();
        for u in &meta.org_units {
            if let Some(k) = &u.kind
                && !kinds.contains(k)
            {
                err(&mut errs, format!("org_units[{}].kind", u.code), format!("loại đơn vị {k} không tồn tại"));
            }
            if let (Some(f), Some(t)) = (u.valid_from, u.valid_to)
                && f > t
            {
                err(&mut errs, format!("org_units[{}].valid_to", u.code), "ngày kết thúc trước ngày bắt đầu".into());
            }
        }
        let mut groups = HashMap::new();
        for g in &meta.unit_groups {
            let mut members = Vec::with_capacity(g.members.len());
            for m in &g.members {
                match tree.index(m.as_str()) {
                    Some(ix) => members.push(ix),
                    None => {
                        err(&mut errs, format!("unit_groups[{}].members", g.code), format!("đơn vị {m} không tồn tại"))
                    }
                }
            }
            members.sort_unstable();
            members.dedup();
            if groups.insert(g.code.clone(), members).is_some() {
                err(&mut errs, format!("unit_groups[{}]", g.code), "mã bị trùng".into());
            }
        }
        let pillars: HashSet<&Code> = meta.pillars.iter().map(|p| &p.code).collect();
        let disaggregations = index_of(&meta.disaggregations, |d| &d.code, "disaggregations", &mut errs);
        let elements = index_of(&meta.data_elements, |d| &d.code, "data_elements", &mut errs);
        let indicators = index_of(&meta.indicators, |d| &d.code, "indicators", &mut errs);
        let forms = index_of(&meta.forms, |d| &d.code, "forms", &mut errs);
        let plans = index_of(&meta.plans, |d| &d.code, "plans", &mut errs);
        let constants: HashMap<Code, f64> = meta.constants.iter().map(|c| (c.code.clone(), c.value)).collect();

        for d in &meta.disaggregations {
            let mut seen = HashSet::new();
            for o in &d.options {
                if !seen.insert(&o.code) {
                    err(&mut errs, format!("disaggregations[{}].options[{}]", d.code, o.code), "mã bị trùng".into());
                }
            }
        }
        for e in &meta.data_elements {
            if let Some(d) = &e.disaggregation
                && !disaggregations.contains_key(d)
            {
                err(
                    &mut errs,
                    format!("data_elements[{}].disaggregation", e.code),
                    format!("phân tổ {d} không tồn tại"),
                );
            }
            if let Some(p) = &e.pillar
                && !pillars.contains(p)
            {
                err(&mut errs, format!("data_elements[{}].pillar", e.code), format!("trụ cột {p} không tồn tại"));
            }
        }
        let check_expr = |errs: &mut Vec<MetadataError>, place: String, x: &Expression| {
            for r in x.element_refs() {
                match elements.get(&*r.element) {
                    None => errs.push(MetadataError {
                        place: place.clone(),
                        message: format!("chỉ tiêu dữ liệu #{{{}}} không tồn tại", r.element),
                    }),
                    Some(&i) => {
                        if let Some(o) = &r.option {
                            let de = &meta.data_elements[i];
                            let ok =
                                de.disaggregation.as_ref().and_then(|d| disaggregations.get(d)).is_some_and(|&di| {
                                    meta.disaggregations[di].options.iter().any(|opt| opt.code.as_str() == o)
                                });
                            if !ok {
                                errs.push(MetadataError {
                                    place: place.clone(),
                                    message: format!("#{{{}.{}}}: phân tổ không có lựa chọn {o}", r.element, o),
                                });
                            }
                        }
                    }
                }
            }
            for c in x.constant_refs() {
                if !constants.contains_key(c.as_str()) {
                    errs.push(MetadataError {
                        place: place.clone(),
                        message: format!("hằng số C{{{c}}} không tồn tại"),
                    });
                }
            }
        };
        for i in &meta.indicators {
            check_expr(&mut errs, format!("indicators[{}].numerator", i.code), &i.numerator);
            check_expr(&mut errs, format!("indicators[{}].denominator", i.code), &i.denominator);
            if let Some(p) = &i.pillar
                && !pillars.contains(p)
            {
                err(&mut errs, format!("indicators[{}].pillar", i.code), format!("trụ cột {p} không tồn tại"));
            }
        }
        let mut rule_codes = HashSet::new();
        for r in &meta.validation_rules {
            if !rule_codes.insert(&r.code) {
                err(&mut errs, format!("validation_rules[{}]", r.code), "mã bị trùng".into());
            }
            check_expr(&mut errs, format!("validation_rules[{}].left", r.code), &r.left);
            check_expr(&mut errs, format!("validation_rules[{}].right", r.code), &r.right);
        }
        let unit_or_group = |c: &Code| tree.index(c.as_str()).is_some() || groups.contains_key(c);
        for f in &meta.forms {
            for e in f.elements() {
                if !elements.contains_key(e) {
                    err(
                        &mut errs,
                        format!("forms[{}].sections", f.code),
                        format!("chỉ tiêu dữ liệu {e} không tồn tại"),
                    );
                }
            }
            for u in &f.units {
                if tree.index(u.as_str()).is_none() {
                    err(&mut errs, format!("forms[{}].units", f.code), format!("đơn vị {u} không tồn tại"));
                }
            }
            for g in &f.unit_groups {
                if !groups.contains_key(g) {
                    err(&mut errs, format!("forms[{}].unit_groups", f.code), format!("nhóm đơn vị {g} không tồn tại"));
                }
            }
        }
        for p in &meta.plans {
            let mut seen = HashSet::new();
            for t in &p.targets {
                let place = |field: &str| format!("plans[{}].targets[{}].{field}", p.code, t.code);
                if !seen.insert(&t.code) {
                    err(&mut errs, format!("plans[{}].targets[{}]", p.code, t.code), "mã bị trùng".into());
                }
                if !pillars.contains(&t.pillar) {
                    err(&mut errs, place("pillar"), format!("trụ cột {} không tồn tại", t.pillar));
                }
                if t.lead.is_empty() {
                    err(&mut errs, place("lead"), "chưa có đơn vị chủ trì".into());
                }
                for u in t.lead.iter().chain(&t.cooperating) {
                    if !unit_or_group(u) {
                        err(&mut errs, place("lead/cooperating"), format!("đơn vị hoặc nhóm {u} không tồn tại"));
                    }
                }
                match &t.measure {
                    crate::plan::Measure::Indicator(c) if !indicators.contains_key(c) => {
                        err(&mut errs, place("measure"), format!("chỉ số {c} không tồn tại"))
                    }
                    crate::plan::Measure::Element(c) if !elements.contains_key(c) => {
                        err(&mut errs, place("measure"), format!("chỉ tiêu dữ liệu {c} không tồn tại"))
                    }
                    _ => {}
                }
                if let Some(u) = &t.measure_unit
                    && tree.index(u.as_str()).is_none()
                {
                    err(&mut errs, place("measure_unit"), format!("đơn vị {u} không tồn tại"));
                }
                for r in &t.results {
                    if let Err(e) = parse_outcome(&r.outcome) {
                        err(&mut errs, place("results"), e.to_string());
                    }
                }
            }
        }
        if !errs.is_empty() {
            return Err(MetadataErrors(errs));
        }
        Ok(Model { meta, tree, elements, indicators, disaggregations, groups, forms, plans, constants })
    }

    pub fn metadata(&self) -> &Metadata {
        &self.meta
    }
    pub fn into_metadata(self) -> Metadata {
        self.meta
    }
    pub fn tree(&self) -> &OrgUnitTree {
        &self.tree
    }
    pub fn element(&self, code: &str) -> Option<&DataElement> {
        self.elements.get(code).map(|&i| &self.meta.data_elements[i])
    }
    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.get(code).map(|&i| &self.meta.indicators[i])
    }
    pub fn disaggregation(&self, code: &str) -> Option<&Disaggregation> {
        self.disaggregations.get(code).map(|&i| &self.meta.disaggregations[i])
    }
    /// The disaggregation of an element, if it has one.
    pub fn element_disaggregation(&self, element: &str) -> Option<&Disaggregation> {
        self.element(element)?.disaggregation.as_ref().and_then(|d| self.disaggregation(d.as_str()))
    }
    pub fn group(&self, code: &str) -> Option<&OrgUnitGroup> {
        self.meta.unit_groups.iter().find(|g| g.code.as_str() == code)
    }
    /// The units of a group, as tree indices in preorder.
    pub fn group_members(&self, code: &str) -> Option<&[UnitIx]> {
        self.groups.get(code).map(Vec::as_slice)
    }
    pub fn form(&self, code: &str) -> Option<&ReportForm> {
        self.forms.get(code).map(|&i| &self.meta.forms[i])
    }
    pub fn plan(&self, code: &str) -> Option<&Plan> {
        self.plans.get(code).map(|&i| &self.meta.plans[i])
    }
    /// The plan of the latest year (the last listed among equals).
    pub fn latest_plan(&self) -> Option<&Plan> {
        self.meta.plans.iter().rev().max_by_key(|p| p.year)
    }
    /// The week start of the deployment's weekly forms (ISO Monday when none),
    /// used to resolve relative weeks such as LAST_4_WEEKS.
    pub fn week_start(&self) -> crate::period::WeekStart {
        self.meta
            .forms
            .iter()
            .find_map(|f| match f.period_type {
                crate::period::PeriodType::Weekly(ws) => Some(ws),
                _ => None,
            })
            .unwrap_or(crate::period::WeekStart::Monday)
    }
    pub fn constant(&self, code: &str) -> Option<f64> {
        self.constants.get(code).copied()
    }
    pub fn pillar_name(&self, code: &str) -> Option<&str> {
        self.meta.pillars.iter().find(|p| p.code.as_str() == code).map(|p| p.name.as_str())
    }
    pub fn level_name(&self, level: u8) -> String {
        self.meta
            .levels
            .iter()
            .find(|l| l.level == level)
            .map(|l| l.name.clone())
            .unwrap_or_else(|| format!("Cấp {level}"))
    }
    /// The units a form is assigned to, in preorder.
    pub fn form_units(&self, form: &ReportForm) -> Vec<UnitIx> {
        let mut set: BTreeSet<UnitIx> = form.units.iter().filter_map(|u| self.tree.index(u.as_str())).collect();
        for g in &form.unit_groups {
            set.extend(self.group_members(g.as_str()).unwrap_or(&[]));
        }
        set.into_iter().collect()
    }
    /// A unit's or group's display name (targets name either).
    pub fn party_name(&self, code: &str) -> String {
        if let Some(u) = self.tree.get(code) {
            u.display_name().to_string()
        } else if let Some(g) = self.group(code) {
            g.name.clone()
        } else {
            code.to_string()
        }
    }
    /// Whether an element reference names an existing element (and option).
    pub fn resolves(&self, r: &ElementRef) -> bool {
        match (self.element(&r.element), &r.option) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(_), Some(o)) => {
                self.element_disaggregation(&r.element).is_some_and(|d| d.options.iter().any(|x| x.code.as_str() == o))
            }
        }
    }
}
