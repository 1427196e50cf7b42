//! Data values as a DHIS2 `dataValueSets` JSON document, by code:
//!
//! ```json
//! {"dataSet": "BC_THANG", "period": "202308", "orgUnit": "XA_1", "completeDate": "2023-09-05",
//!  "dataValues": [{"dataElement": "HS_TIEP_NHAN", "value": "80.020"}, ...]}
//! ```
//!
//! The top-level `period` and `orgUnit` are defaults for rows that lack
//! them. The `dataValues` array is streamed (a `DeserializeSeed` visitor hands
//! each row on as it is parsed), so a large file is never held whole. Values
//! may be JSON strings (Vietnamese or plain notation) or numbers.
//! `attributeOptionCombo`, `dataSet`, `completeDate`, `lastUpdated`,
//! `followup` and unknown properties are ignored. Rows that lack a period or
//! unit while the top-level default comes only *after* `dataValues` wait until
//! the end of the document (DHIS2 itself writes the defaults first).

use crate::error::{IoError, Location};
use crate::raw::{FieldLabels, RawCell, RawItem, RawSink, RawValue};
use chiso_core::metadata::Model;
use chiso_core::value::DataValue;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::io::{BufReader, Read, Write};
use std::sync::Arc;

/// A JSON scalar as found: strings, numbers and booleans are all accepted
/// wherever a code or value is expected.
#[derive(Clone, Debug, PartialEq)]
enum Scalar {
    Null,
    Text(String),
    Number(f64),
}

impl Scalar {
    fn into_text(self) -> Option<String> {
        match self {
            Scalar::Null => None,
            Scalar::Text(s) => Some(s),
            Scalar::Number(x) => Some(chiso_core::element::plain(x)),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("một chuỗi, một số hoặc true/false")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
        }
        d.deserialize_any(V)
    }
}

/// One element of `dataValues`; unknown properties are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonRow {
    #[serde(default)]
    data_element: Option<Scalar>,
    #[serde(default)]
    period: Option<Scalar>,
    #[serde(default)]
    org_unit: Option<Scalar>,
    #[serde(default)]
    category_option_combo: Option<Scalar>,
    #[serde(default)]
    value: Option<Scalar>,
    #[serde(default)]
    stored_by: Option<Scalar>,
    #[serde(default)]
    comment: Option<Scalar>,
}

fn text(s: Option<Scalar>) -> Option<String> {
    s.and_then(Scalar::into_text)
}

/// Reading state shared by the document and array visitors.
struct State<'s, 'a> {
    sink: &'s mut RawSink<'a>,
    labels: Arc<FieldLabels>,
    period: Option<String>,
    unit: Option<String>,
    /// Whether the top-level keys were seen (later defaults cannot apply to
    /// earlier rows unless those rows wait).
    period_seen: bool,
    unit_seen: bool,
    waiting: Vec<RawValue>,
    index: u64,
    stopped: bool,
}

impl State<'_, '_> {
    fn emit(&mut self, item: RawItem) -> bool {
        if (self.sink)(item).is_break() {
            self.stopped = true;
        }
        !self.stopped
    }

    fn row(&mut self, row: JsonRow) -> bool {
        self.index += 1;
        let value = match row.value {
            None | Some(Scalar::Null) => return self.emit(RawItem::Ignored(1)),
            Some(Scalar::Text(s)) if s.trim().is_empty() => return self.emit(RawItem::Ignored(1)),
            Some(Scalar::Text(s)) => RawCell::Text(s),
            Some(Scalar::Number(x)) => RawCell::Number(x),
        };
        let period = text(row.period).filter(|s| !s.trim().is_empty());
        let unit = text(row.org_unit).filter(|s| !s.trim().is_empty());
        let wait = (period.is_none() && !self.period_seen) || (unit.is_none() && !self.unit_seen);
        let raw = RawValue {
            location: Location::Item(self.index),
            labels: self.labels.clone(),
            element: text(row.data_element).unwrap_or_default(),
            option: crate::raw::non_empty(text(row.category_option_combo)),
            period: period.or_else(|| self.period.clone()).unwrap_or_default(),
            unit: unit.or_else(|| self.unit.clone()).unwrap_or_default(),
            value,
            stored_by: crate::raw::non_empty(text(row.stored_by)),
            comment: crate::raw::non_empty(text(row.comment)),
        };
        if wait {
            self.waiting.push(raw);
            true
        } else {
            self.emit(RawItem::Value(raw))
        }
    }
}

struct Document<'r, 's, 'a>(&'r mut State<'s, 'a>);

impl<'de> DeserializeSeed<'de> for Document<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Document<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("một đối tượng dataValueSet {\"dataValues\": [...]}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "period" => {
                    st.period = text(map.next_value()?).filter(|s| !s.trim().is_empty());
                    st.period_seen = true;
                }
                "orgUnit" => {
                    st.unit = text(map.next_value()?).filter(|s| !s.trim().is_empty());
                    st.unit_seen = true;
                }
                "dataValues" => map.next_value_seed(Rows(&mut *st))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if st.stopped {
                return Err(de::Error::custom("đã dừng"));
            }
        }
        for mut raw in std::mem::take(&mut st.waiting) {
            if raw.period.is_empty() {
                raw.period = st.period.clone().unwrap_or_default();
            }
            if raw.unit.is_empty() {
                raw.unit = st.unit.clone().unwrap_or_default();
            }
            if !st.emit(RawItem::Value(raw)) {
                break;
            }
        }
        Ok(())
    }
}

struct Rows<'r, 's, 'a>(&'r mut State<'s, 'a>);

impl<'de> DeserializeSeed<'de> for Rows<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("một mảng dataValues")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(row) = seq.next_element::<JsonRow>()? {
            if !self.0.row(row) {
                return Err(de::Error::custom("đã dừng"));
            }
        }
        Ok(())
    }
}

fn json_labels() -> FieldLabels {
    FieldLabels {
        element: "dataElement".into(),
        option: "categoryOptionCombo".into(),
        period: "period".into(),
        unit: "orgUnit".into(),
        value: "value".into(),
    }
}

pub(crate) fn syntax_error(file: &str, e: serde_json::Error) -> IoError {
    if e.is_io() {
        return IoError::file(file, e.into());
    }
    let (line, column) = (e.line(), e.column());
    let message = e.to_string();
    // serde_json appends " at line L column C"; the location is shown once.
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    IoError::Syntax { file: file.to_string(), line, column: Some(column), message }
}

/// Streams the rows of a dataValueSets JSON document into `sink`.
pub fn read_json_values<R: Read>(reader: R, file: &str, sink: &mut RawSink<'_>) -> Result<(), IoError> {
    let mut state = State {
        sink,
        labels: Arc::new(json_labels()),
        period: None,
        unit: None,
        period_seen: false,
        unit_seen: false,
        waiting: Vec::new(),
        index: 0,
        stopped: false,
    };
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(64 * 1024, reader));
    match Document(&mut state).deserialize(&mut de).and_then(|()| de.end()) {
        Ok(()) => Ok(()),
        Err(_) if state.stopped => Ok(()),
        Err(e) => Err(syntax_error(file, e)),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRowOut<'a> {
    data_element: &'a str,
    period: String,
    org_unit: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    category_option_combo: Option<&'a str>,
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    stored_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
}

/// Writes a `{"dataValues": [...]}` document one value at a time.
pub struct JsonValueWriter<'m, W: Write> {
    model: &'m Model,
    out: W,
    count: u64,
}

fn out_error(e: std::io::Error) -> IoError {
    IoError::file(crate::export::OUTPUT, e)
}

impl<'m, W: Write> crate::export::ValueWriter for JsonValueWriter<'m, W> {
    fn write(&mut self, v: &DataValue) -> Result<(), IoError> {
        JsonValueWriter::write(self, v)
    }
    fn finish(self) -> Result<u64, IoError> {
        JsonValueWriter::finish(self)
    }
}

impl<'m, W: Write> JsonValueWriter<'m, W> {
    pub fn new(model: &'m Model, mut out: W) -> Result<Self, IoError> {
        out.write_all(b"{\"dataValues\": [").map_err(out_error)?;
        Ok(JsonValueWriter { model, out, count: 0 })
    }
    pub fn write(&mut self, v: &DataValue) -> Result<(), IoError> {
        let value = crate::export::value_text(self.model, v);
        let row = JsonRowOut {
            data_element: v.element.as_str(),
            period: v.period.to_string(),
            org_unit: v.unit.as_str(),
            category_option_combo: v.option.as_ref().map(|o| o.as_str()),
            value: &value,
            stored_by: v.stored_by.as_deref(),
            comment: v.comment.as_deref(),
        };
        self.out.write_all(if self.count == 0 { b"\n  " } else { b",\n  " }).map_err(out_error)?;
        serde_json::to_writer(&mut self.out, &row).map_err(|e| out_error(e.into()))?;
        self.count += 1;
        Ok(())
    }
    /// Closes the document and returns the number of values written.
    pub fn finish(mut self) -> Result<u64, IoError> {
        self.out.write_all(b"\n]}\n").and_then(|()| self.out.flush()).map_err(out_error)?;
        Ok(self.count)
    }
}

/// Writes data values as a dataValueSets JSON document; returns how many.
pub fn write_data_value_set_json<'a>(
    model: &Model,
    values: impl IntoIterator<Item = &'a DataValue>,
    out: impl Write,
) -> Result<u64, IoError> {
    crate::export::write_all(JsonValueWriter::new(model, out)?, values)
}

/// Whether a JSON document is a dataValueSet or metadata, judged from its
/// top-level keys, reading no further than the first telling key.
pub(crate) fn probe_json<R: Read>(reader: R, file: &str) -> Result<crate::FileKind, IoError> {
    struct Probe<'a>(&'a mut Option<crate::FileKind>);
    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("một đối tượng JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                let kind = match key.as_str() {
                    "dataValues" | "dataSet" | "completeDate" | "orgUnit" | "period" | "attributeOptionCombo" => {
                        crate::FileKind::DataValues(crate::DataFormat::Json)
                    }
                    "levels" | "unit_kinds" | "org_units" | "unit_groups" | "pillars" | "disaggregations"
                    | "data_elements" | "indicators" | "constants" | "validation_rules" | "forms" | "plans" => {
                        crate::FileKind::Metadata(crate::MetadataFormat::Json)
                    }
                    "state_budget" | "projects" | "recurrent_tasks" | "tasks" | "progress_reports" | "systems"
                    | "dossiers" | "indices" | "assessments" => crate::FileKind::Registers(crate::RegisterFormat::Json),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                };
                *self.0 = Some(kind);
                return Err(de::Error::custom("đã nhận ra"));
            }
            *self.0 = Some(crate::FileKind::Metadata(crate::MetadataFormat::Json));
            Ok(())
        }
    }
    let mut found = None;
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(reader));
    let r = de.deserialize_map(Probe(&mut found));
    match (found, r) {
        (Some(kind), _) => Ok(kind),
        (None, Err(e)) => Err(syntax_error(file, e)),
        (None, Ok(())) => unreachable!("the probe records a kind before returning Ok"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::ControlFlow;

    fn read(text: &str) -> Result<Vec<RawItem>, IoError> {
        let mut items = Vec::new();
        read_json_values(text.as_bytes(), "data.json", &mut |i| {
            items.push(i);
            ControlFlow::Continue(())
        })?;
        Ok(items)
    }

    fn brief(items: &[RawItem]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                RawItem::Value(v) => {
                    format!("{:?} {} {} {} {:?} {:?}", v.location, v.element, v.period, v.unit, v.option, v.value)
                }
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn defaults_strings_and_numbers() {
        let doc = r#"{"dataSet":"BC_THANG","period":"202308","orgUnit":"XA_1","completeDate":"2023-09-05",
            "dataValues":[
              {"dataElement":"HS_TIEP_NHAN","value":"80.020"},
              {"dataElement":"HS_GIAI_QUYET","value":58109,"orgUnit":"XA_2","attributeOptionCombo":"x"},
              {"dataElement":"TY_LE","value":92.12,"categoryOptionCombo":"default","followup":false},
              {"dataElement":"HS_TRE","value":""},
              {"dataElement":"HS_TRE","value":null}
            ]}"#;
        assert_eq!(
            brief(&read(doc).unwrap()),
            vec![
                "Item(1) HS_TIEP_NHAN 202308 XA_1 None Text(\"80.020\")",
                "Item(2) HS_GIAI_QUYET 202308 XA_2 None Number(58109.0)",
                "Item(3) TY_LE 202308 XA_1 Some(\"default\") Number(92.12)",
                "Ignored(1)",
                "Ignored(1)",
            ]
        );
    }

    #[test]
    fn defaults_given_after_the_rows_still_apply() {
        let doc = r#"{"dataValues":[{"dataElement":"A","value":"1"},{"dataElement":"B","period":"202309","value":"2"}],
                      "period":"202308","orgUnit":"XA_1"}"#;
        assert_eq!(
            brief(&read(doc).unwrap()),
            vec!["Item(1) A 202308 XA_1 None Text(\"1\")", "Item(2) B 202309 XA_1 None Text(\"2\")"]
        );
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let e = read("{\"dataValues\": [\n {\"dataElement\": \"A\", \"value\": 1},\n {\"dataElement\" \"B\"}\n]}")
            .unwrap_err();
        assert_eq!(e.to_string(), "data.json dòng 3, cột 17: expected `:`");
    }

    #[test]
    fn probe_reads_only_to_the_first_telling_key() {
        let kind = |s: &str| probe_json(s.as_bytes(), "x.json").unwrap();
        assert_eq!(
            kind(r#"{"dataSet":"X","dataValues":[ this is never read"#),
            crate::FileKind::DataValues(crate::DataFormat::Json)
        );
        assert_eq!(kind(r#"{"name":"Tỉnh","org_units":[]}"#), crate::FileKind::Metadata(crate::MetadataFormat::Json));
        assert_eq!(kind("{}"), crate::FileKind::Metadata(crate::MetadataFormat::Json));
        assert!(probe_json("[1,2]".as_bytes(), "x.json").is_err());
    }
}
