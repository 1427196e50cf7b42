//! Raw data values: what a reader found in a file, before it is checked
//! against the model. Every format reader produces these; `Resolver` turns
//! them into `DataValue`s or `ImportError`s.

use crate::error::{ImportError, Location};
use chiso_core::element::plain;
use std::sync::Arc;

/// The parts of a value a row names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Element,
    Option,
    Period,
    Unit,
    Value,
}

/// How a file calls each field, for messages: the CSV header as written, the
/// JSON property name, or the XLSX column header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldLabels {
    pub element: String,
    pub option: String,
    pub period: String,
    pub unit: String,
    pub value: String,
}

impl FieldLabels {
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Element => &self.element,
            Field::Option => &self.option,
            Field::Period => &self.period,
            Field::Unit => &self.unit,
            Field::Value => &self.value,
        }
    }
}

/// A value as found in the file.
#[derive(Clone, Debug, PartialEq)]
pub enum RawCell {
    Text(String),
    /// A typed number (JSON number, spreadsheet number cell): unambiguous,
    /// unlike the text "1.205" which Vietnamese notation reads as 1205.
    Number(f64),
}

impl RawCell {
    /// The text to hand to `ValueType::normalize`. A typed number is written
    /// with a decimal comma so that no dot can be taken for a thousands
    /// separator; `as_plain` is for text and date elements.
    pub(crate) fn for_numeric(&self) -> std::borrow::Cow<'_, str> {
        match self {
            RawCell::Text(s) => s.into(),
            RawCell::Number(x) => plain(*x).replace('.', ",").into(),
        }
    }
    pub(crate) fn as_plain(&self) -> std::borrow::Cow<'_, str> {
        match self {
            RawCell::Text(s) => s.into(),
            RawCell::Number(x) => plain(*x).into(),
        }
    }
}

/// One data value read from a file, not yet checked.
#[derive(Clone, Debug, PartialEq)]
pub struct RawValue {
    pub location: Location,
    pub labels: Arc<FieldLabels>,
    pub element: String,
    /// `categoryOptionCombo` as written ("", "default" and absent mean none).
    pub option: Option<String>,
    pub period: String,
    pub unit: String,
    pub value: RawCell,
    pub stored_by: Option<String>,
    pub comment: Option<String>,
}

/// What a reader hands on, in file order.
#[derive(Clone, Debug, PartialEq)]
pub enum RawItem {
    Value(RawValue),
    /// Empty values or cells skipped.
    Ignored(u64),
    /// A row, cell, column or sheet the reader itself could not use.
    Error(ImportError),
}

/// The callback readers push items into; `Break` stops reading.
pub type RawSink<'a> = dyn FnMut(RawItem) -> std::ops::ControlFlow<()> + 'a;

/// Trims and drops empty strings.
pub(crate) fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}
