//! Data values as DHIS2-style CSV, by code.
//!
//! Reading: a header `dataelement,period,orgunit,categoryoptioncombo,value,storedby,comment`
//! (names case-insensitive, any order, DHIS2's other columns such as
//! `attributeoptioncombo`, `lastupdated`, `followup` accepted and ignored), or
//! no header at all. A headerless file is read in chiso's column order above
//! when its first row has at most 7 fields, and in DHIS2's full order
//! (`dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup`)
//! when it has 8 or more. The delimiter is `,`, or `;` when the first line
//! has more semicolons than commas (Excel on a Vietnamese locale saves so).
//! A UTF-8 byte-order mark is skipped. Rows are streamed, never held.
//!
//! Writing: always with chiso's 7-column header, values in canonical form.

use crate::error::{IoError, Location};
use crate::raw::{FieldLabels, RawCell, RawItem, RawSink, RawValue, non_empty};
use chiso_core::metadata::Model;
use chiso_core::value::DataValue;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;

/// The header chiso writes, and the order of a short headerless file.
pub const CSV_HEADER: [&str; 7] =
    ["dataelement", "period", "orgunit", "categoryoptioncombo", "value", "storedby", "comment"];

/// Column positions of the fields a reader uses.
#[derive(Clone, Debug)]
struct Columns {
    element: usize,
    period: usize,
    unit: usize,
    option: Option<usize>,
    value: usize,
    stored_by: Option<usize>,
    comment: Option<usize>,
}

const CHISO_ORDER: Columns =
    Columns { element: 0, period: 1, unit: 2, option: Some(3), value: 4, stored_by: Some(5), comment: Some(6) };
const DHIS2_ORDER: Columns =
    Columns { element: 0, period: 1, unit: 2, option: Some(3), value: 5, stored_by: Some(6), comment: Some(8) };

/// What a header cell names, after lower-casing and dropping spaces and `_`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Element,
    Period,
    Unit,
    Option,
    Value,
    StoredBy,
    Comment,
    Other,
}

fn known(header: &str) -> Option<Known> {
    let h: String =
        header.trim().chars().filter(|c| !c.is_whitespace() && *c != '_').collect::<String>().to_lowercase();
    Some(match h.as_str() {
        "dataelement" | "de" => Known::Element,
        "period" | "pe" => Known::Period,
        "orgunit" | "ou" => Known::Unit,
        "categoryoptioncombo" | "catoptcombo" | "coc" => Known::Option,
        "value" => Known::Value,
        "storedby" => Known::StoredBy,
        "comment" => Known::Comment,
        "attributeoptioncombo" | "attroptcombo" | "aoc" | "lastupdated" | "created" | "followup" | "deleted" => {
            Known::Other
        }
        _ => return None,
    })
}

fn header_columns(record: &csv::StringRecord, file: &str) -> Result<(Columns, FieldLabels), IoError> {
    let (mut element, mut period, mut unit, mut option, mut value, mut stored_by, mut comment) =
        (None, None, None, None, None, None, None);
    let mut labels = FieldLabels {
        element: String::new(),
        option: String::new(),
        period: String::new(),
        unit: String::new(),
        value: String::new(),
    };
    for (i, h) in record.iter().enumerate() {
        let name = h.trim().to_string();
        match known(h) {
            Some(Known::Element) => (element, labels.element) = (Some(i), name),
            Some(Known::Period) => (period, labels.period) = (Some(i), name),
            Some(Known::Unit) => (unit, labels.unit) = (Some(i), name),
            Some(Known::Option) => (option, labels.option) = (Some(i), name),
            Some(Known::Value) => (value, labels.value) = (Some(i), name),
            Some(Known::StoredBy) => stored_by = Some(i),
            Some(Known::Comment) => comment = Some(i),
            Some(Known::Other) | None => {}
        }
    }
    if labels.option.is_empty() {
        labels.option = "categoryoptioncombo".into();
    }
    let missing: Vec<&str> = [(element, "dataelement"), (period, "period"), (unit, "orgunit"), (value, "value")]
        .iter()
        .filter(|(c, _)| c.is_none())
        .map(|(_, n)| *n)
        .collect();
    match (element, period, unit, value) {
        (Some(element), Some(period), Some(unit), Some(value)) => {
            Ok((Columns { element, period, unit, option, value, stored_by, comment }, labels))
        }
        _ => Err(IoError::format(file, format!("dòng tiêu đề thiếu cột {}", missing.join(", ")))),
    }
}

fn is_header(record: &csv::StringRecord) -> bool {
    record.iter().any(|h| matches!(known(h), Some(Known::Element | Known::Value | Known::Unit | Known::Period)))
}

fn canonical_labels() -> FieldLabels {
    FieldLabels {
        element: "dataelement".into(),
        option: "categoryoptioncombo".into(),
        period: "period".into(),
        unit: "orgunit".into(),
        value: "value".into(),
    }
}

/// Skips a UTF-8 BOM and guesses the delimiter from the first line.
fn prepare<R: Read>(reader: R, file: &str) -> Result<(BufReader<R>, u8), IoError> {
    let mut buf = BufReader::with_capacity(64 * 1024, reader);
    let head = buf.fill_buf().map_err(|e| IoError::file(file, e))?;
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let line = &head[if bom { 3 } else { 0 }..];
    let line = &line[..line.iter().position(|&b| b == b'\n').unwrap_or(line.len())];
    let (mut commas, mut semis, mut quoted) = (0, 0, false);
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if bom {
        buf.consume(3);
    }
    Ok((buf, if semis > commas { b';' } else { b',' }))
}

fn csv_error(file: &str, e: csv::Error) -> IoError {
    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => IoError::file(file, io),
        _ => IoError::Syntax { file: file.to_string(), line, column: None, message },
    }
}

/// Streams the rows of a CSV file into `sink`. Rows with an empty value are
/// passed on as ignored.
pub fn read_csv_values<R: Read>(reader: R, file: &str, sink: &mut RawSink<'_>) -> Result<(), IoError> {
    let (buf, delimiter) = prepare(reader, file)?;
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(buf);
    let mut record = csv::StringRecord::new();
    let mut layout: Option<(Columns, Arc<FieldLabels>)> = None;
    while rdr.read_record(&mut record).map_err(|e| csv_error(file, e))? {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if layout.is_none() {
            let header = is_header(&record);
            let (cols, labels) = if header {
                header_columns(&record, file)?
            } else if record.len() >= 8 {
                (DHIS2_ORDER, canonical_labels())
            } else {
                (CHISO_ORDER, canonical_labels())
            };
            layout = Some((cols, Arc::new(labels)));
            if header {
                continue;
            }
        }
        let (cols, labels) = layout.as_ref().expect("layout set above");
        let get = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let opt = |i: Option<usize>| non_empty(i.and_then(|i| record.get(i)).map(str::to_string));
        let value = get(cols.value);
        let item = if value.is_empty() {
            RawItem::Ignored(1)
        } else {
            RawItem::Value(RawValue {
                location: Location::Line(line),
                labels: labels.clone(),
                element: get(cols.element),
                option: opt(cols.option),
                period: get(cols.period),
                unit: get(cols.unit),
                value: RawCell::Text(value),
                stored_by: opt(cols.stored_by),
                comment: opt(cols.comment),
            })
        };
        if sink(item).is_break() {
            break;
        }
    }
    Ok(())
}

/// Writes data values as CSV with chiso's header, one by one.
pub struct CsvValueWriter<'m, W: Write> {
    model: &'m Model,
    out: csv::Writer<W>,
    count: u64,
}

impl<'m, W: Write> crate::export::ValueWriter for CsvValueWriter<'m, W> {
    fn write(&mut self, v: &DataValue) -> Result<(), IoError> {
        CsvValueWriter::write(self, v)
    }
    fn finish(self) -> Result<u64, IoError> {
        CsvValueWriter::finish(self)
    }
}

impl<'m, W: Write> CsvValueWriter<'m, W> {
    pub fn new(model: &'m Model, out: W) -> Result<Self, IoError> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(CSV_HEADER).map_err(write_error)?;
        Ok(CsvValueWriter { model, out, count: 0 })
    }
    pub fn write(&mut self, v: &DataValue) -> Result<(), IoError> {
        let value = crate::export::value_text(self.model, v);
        let period = v.period.to_string();
        let row: [&str; 7] = [
            v.element.as_str(),
            &period,
            v.unit.as_str(),
            v.option.as_ref().map(|o| o.as_str()).unwrap_or(""),
            &value,
            v.stored_by.as_deref().unwrap_or(""),
            v.comment.as_deref().unwrap_or(""),
        ];
        self.out.write_record(row).map_err(write_error)?;
        self.count += 1;
        Ok(())
    }
    /// Flushes and returns the number of values written.
    pub fn finish(mut self) -> Result<u64, IoError> {
        self.out.flush().map_err(|e| IoError::file(crate::export::OUTPUT, e))?;
        Ok(self.count)
    }
}

fn write_error(e: csv::Error) -> IoError {
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => IoError::file(crate::export::OUTPUT, io),
        _ => IoError::format(crate::export::OUTPUT, message),
    }
}

/// Writes data values as CSV with chiso's header; returns how many.
pub fn write_csv<'a>(
    model: &Model,
    values: impl IntoIterator<Item = &'a DataValue>,
    out: impl Write,
) -> Result<u64, IoError> {
    crate::export::write_all(CsvValueWriter::new(model, out)?, values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::ControlFlow;

    fn read(text: &str) -> Result<Vec<RawItem>, IoError> {
        let mut items = Vec::new();
        read_csv_values(text.as_bytes(), "data.csv", &mut |i| {
            items.push(i);
            ControlFlow::Continue(())
        })?;
        Ok(items)
    }

    /// "line element period unit option value" of each value read.
    fn values(items: &[RawItem]) -> Vec<String> {
        items
            .iter()
            .filter_map(|i| match i {
                RawItem::Value(v) => {
                    Some(format!("{:?} {} {} {} {:?} {:?}", v.location, v.element, v.period, v.unit, v.option, v.value))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn header_in_any_order_and_case() {
        let items = read("Value,OrgUnit,Period,DataElement\n\"80.020\",XA_1,202308,HS_TIEP_NHAN\n").unwrap();
        assert_eq!(values(&items), ["Line(2) HS_TIEP_NHAN 202308 XA_1 None Text(\"80.020\")"]);
        let RawItem::Value(v) = &items[0] else { panic!() };
        assert_eq!(v.labels.value, "Value");
    }

    #[test]
    fn headerless_short_and_dhis2_order() {
        let items = read("HS,202308,XA_1,,58.109\n").unwrap();
        assert_eq!(values(&items), ["Line(1) HS 202308 XA_1 None Text(\"58.109\")"]);
        let items = read("HS,202308,XA_1,default,HllvX50cXC0,629,admin,2023-09-01,ghi chú,false\n").unwrap();
        let RawItem::Value(v) = &items[0] else { panic!() };
        assert_eq!(v.value, RawCell::Text("629".into()));
        assert_eq!(v.option.as_deref(), Some("default"));
        assert_eq!(v.stored_by.as_deref(), Some("admin"));
        assert_eq!(v.comment.as_deref(), Some("ghi chú"));
    }

    #[test]
    fn bom_semicolons_blank_lines_and_empty_values() {
        let items =
            read("\u{feff}dataelement;period;orgunit;value\nHS;202308;XA_1;92,12\n\nHS;202308;XA_2;\n").unwrap();
        assert_eq!(values(&items), ["Line(2) HS 202308 XA_1 None Text(\"92,12\")"]);
        assert_eq!(items[1], RawItem::Ignored(1));
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn header_missing_a_column_is_an_error() {
        let e = read("dataelement,period,value\nHS,202308,1\n").unwrap_err();
        assert_eq!(e.to_string(), "data.csv: dòng tiêu đề thiếu cột orgunit");
    }

    #[test]
    fn a_stop_from_the_sink_ends_reading() {
        let mut n = 0;
        read_csv_values("HS,202308,A,,1\nHS,202308,B,,2\n".as_bytes(), "d.csv", &mut |_| {
            n += 1;
            ControlFlow::Break(())
        })
        .unwrap();
        assert_eq!(n, 1);
    }
}
