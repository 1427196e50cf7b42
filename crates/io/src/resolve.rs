//! Checking raw values against the model: the element, unit, period and
//! disaggregation option exist and fit together, and the value has the
//! element's type. The result is a `DataValue` in canonical form.

use crate::error::ImportError;
use crate::raw::{Field, RawValue};
use chiso_core::element::{DataElement, Disaggregation};
use chiso_core::metadata::Model;
use chiso_core::orgunit::UnitIx;
use chiso_core::period::Period;
use chiso_core::value::DataValue;
use std::collections::HashMap;

/// DHIS2's names for "no disaggregation": its default category option combo
/// by name/code and by its well-known UID.
pub(crate) fn is_default_option(s: &str) -> bool {
    s.is_empty() || s.eq_ignore_ascii_case("default") || s == "HllvX50cXC0"
}

/// The identity of a value in compact form (indices into the model), for
/// spotting the same cell twice in one file without keeping the rows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ValueKey {
    element: u32,
    /// 0 = none, otherwise 1 + the option's position in the disaggregation.
    option: u32,
    unit: UnitIx,
    period: Period,
}

struct ElementInfo<'m> {
    ix: u32,
    element: &'m DataElement,
    disaggregation: Option<&'m Disaggregation>,
}

/// Resolves raw values against one model.
pub struct Resolver<'m> {
    model: &'m Model,
    file: String,
    elements: HashMap<&'m str, ElementInfo<'m>>,
}

impl<'m> Resolver<'m> {
    /// `file` is the name used in error messages.
    pub fn new(model: &'m Model, file: impl Into<String>) -> Resolver<'m> {
        let elements = model
            .metadata()
            .data_elements
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let info = ElementInfo {
                    ix: i as u32,
                    element: e,
                    disaggregation: model.element_disaggregation(e.code.as_str()),
                };
                (e.code.as_str(), info)
            })
            .collect();
        Resolver { model, file: file.into(), elements }
    }

    /// Checks one raw value; the first problem found is the error.
    pub fn resolve(&self, raw: RawValue) -> Result<DataValue, ImportError> {
        self.resolve_keyed(raw).map(|(v, _)| v)
    }

    /// `resolve`, also giving the value's compact key.
    pub fn resolve_keyed(&self, raw: RawValue) -> Result<(DataValue, ValueKey), ImportError> {
        let fail = |field: Field, message: String| ImportError {
            file: self.file.clone(),
            location: raw.location.clone(),
            field: raw.labels.get(field).to_string(),
            message,
        };
        let code = raw.element.trim();
        if code.is_empty() {
            return Err(fail(Field::Element, "thiếu mã chỉ tiêu dữ liệu".into()));
        }
        let Some(info) = self.elements.get(code) else {
            return Err(fail(Field::Element, format!("chỉ tiêu dữ liệu \"{code}\" không tồn tại")));
        };
        let unit_code = raw.unit.trim();
        if unit_code.is_empty() {
            return Err(fail(Field::Unit, "thiếu mã đơn vị".into()));
        }
        let tree = self.model.tree();
        let Some(unit_ix) = tree.index(unit_code) else {
            return Err(fail(Field::Unit, format!("đơn vị \"{unit_code}\" không tồn tại")));
        };
        let period_id = raw.period.trim();
        if period_id.is_empty() {
            return Err(fail(Field::Period, "thiếu kỳ báo cáo".into()));
        }
        let period: Period = period_id
            .parse()
            .map_err(|e| fail(Field::Period, format!("kỳ báo cáo \"{period_id}\" không hợp lệ: {e}")))?;
        let unit = tree.unit(unit_ix);
        if !unit.overlaps(period.start(), period.end()) {
            let from = unit.valid_from.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "…".into());
            let to = unit.valid_to.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "nay".into());
            return Err(fail(
                Field::Unit,
                format!("đơn vị {unit_code} không hoạt động trong kỳ {period} (hoạt động từ {from} đến {to})"),
            ));
        }
        let option_text = raw.option.as_deref().map(str::trim).filter(|o| !is_default_option(o));
        let (option, option_ix) = match (info.disaggregation, option_text) {
            (None, None) => (None, 0),
            (None, Some(o)) => {
                return Err(fail(
                    Field::Option,
                    format!(
                        "chỉ tiêu {code} không có phân tổ, không nhận lựa chọn \"{o}\" (bỏ trống hoặc ghi \"default\")"
                    ),
                ));
            }
            (Some(d), None) => {
                return Err(fail(
                    Field::Option,
                    format!("chỉ tiêu {code} có phân tổ \"{}\": cần ghi một lựa chọn ({})", d.name, option_list(d)),
                ));
            }
            (Some(d), Some(o)) => match d.options.iter().position(|x| x.code.as_str() == o) {
                Some(i) => (Some(d.options[i].code.clone()), i as u32 + 1),
                None => {
                    return Err(fail(
                        Field::Option,
                        format!(
                            "lựa chọn \"{o}\" không thuộc phân tổ \"{}\" của chỉ tiêu {code} ({})",
                            d.name,
                            option_list(d)
                        ),
                    ));
                }
            },
        };
        let vt = info.element.value_type;
        let text = if vt.is_numeric() { raw.value.for_numeric() } else { raw.value.as_plain() };
        let value = vt.normalize(&text).map_err(|e| fail(Field::Value, e.to_string()))?;
        let key = ValueKey { element: info.ix, option: option_ix, unit: unit_ix, period };
        let dv = DataValue {
            element: info.element.code.clone(),
            period,
            unit: unit.code.clone(),
            option,
            value,
            stored_by: raw.stored_by,
            comment: raw.comment,
            updated_at: None,
        };
        Ok((dv, key))
    }

    /// The compact key of a stored value, if its element, option and unit
    /// are in the model.
    pub fn key_of(&self, v: &DataValue) -> Option<ValueKey> {
        let info = self.elements.get(v.element.as_str())?;
        let option = match (&v.option, info.disaggregation) {
            (None, _) => 0,
            (Some(o), Some(d)) => d.options.iter().position(|x| x.code == *o)? as u32 + 1,
            (Some(_), None) => return None,
        };
        let unit = self.model.tree().index(v.unit.as_str())?;
        Some(ValueKey { element: info.ix, option, unit, period: v.period })
    }
}

fn option_list(d: &Disaggregation) -> String {
    d.options.iter().map(|o| o.code.as_str()).collect::<Vec<_>>().join(", ")
}
