//! The "wide" spreadsheet offices use: one sheet per period, one row per
//! unit, one column per element.
//!
//! ```text
//!        A            B                 C              D                 E
//!  1  Mã đơn vị    Tên đơn vị        HS_TIEP_NHAN   HS_GIAI_QUYET     HS_DVC.XA
//!  2                                 Hồ sơ tiếp nhận Hồ sơ giải quyết  ...        (optional names row)
//!  3  XA_1         Xã Thạch Hạ       80.020         58.109
//! ```
//!
//! The sheet name is the period: a DHIS2 id (`202308`, `2023Q3`, `2024W35`)
//! or a Vietnamese label: "Tháng 8/2023" (also "Tháng 8-2023", "Tháng 08 năm
//! 2023", "T8.2023": Excel forbids `/` in sheet names), "Quý III/2023" (or
//! "Quý 3-2023"), "Tuần 35 2024" (ISO week), "Năm 2023", "6 tháng đầu năm
//! 2023". The header row is the first row (of the first ten) with a "Mã đơn
//! vị" cell, which marks the unit column, so title rows above the table are
//! skipped; "Tên đơn vị" and empty headers are ignored; every other header is an element code or
//! `CODE.OPTION`. The row after the headers is a names row when its unit
//! cell is empty, or is not a unit code and the row holds no numbers (nor
//! text that reads as a number).
//! Percentages are the numbers 0–100: a cell Excel shows as "92,12%" holds
//! 0,9212 and is read as 0,9212%, so type rates as plain numbers. Empty cells
//! are counted as ignored. The layout has no comment column, so
//! an import keeps the comment stored for each cell it writes. A whole sheet is read into memory at a
//! time (that is how spreadsheets are stored); rows are handed on one by one.

use crate::error::{ImportError, IoError, Location, file_label};
use crate::raw::{FieldLabels, RawCell, RawItem, RawSink, RawValue};
use crate::resolve::is_default_option;
use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use chiso_core::element::ValueType;
use chiso_core::metadata::Model;
use chiso_core::period::{Period, PeriodType};
use chiso_core::value::DataValue;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

/// The DHIS2 period id a sheet name stands for, if it names a period.
pub fn period_from_sheet_name(name: &str) -> Option<Period> {
    let name = name.trim();
    if let Ok(p) = name.parse::<Period>() {
        return Some(p);
    }
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || "/-._,".contains(c))
        .filter(|w| !w.is_empty() && !matches!(*w, "năm" | "nam"))
        .collect();
    let num = |s: &str| s.parse::<u32>().ok();
    let year = |s: &str| num(s).filter(|y| (1900..=2999).contains(y));
    let id = match words.as_slice() {
        ["tháng" | "thang", m, y] => format!("{}{:02}", year(y)?, num(m).filter(|m| (1..=12).contains(m))?),
        [m, y] if m.starts_with('t') && !m.starts_with("tu") => {
            let m = num(m.trim_start_matches('t'))?;
            format!("{}{:02}", year(y)?, Some(m).filter(|m| (1..=12).contains(m))?)
        }
        ["quý" | "quy", q, y] => format!("{}Q{}", year(y)?, quarter(q)?),
        [q, y] if q.starts_with('q') && !q.starts_with("qu") => {
            format!("{}Q{}", year(y)?, quarter(&q[1..])?)
        }
        ["tuần" | "tuan", w, y] => {
            format!("{}W{}", year(y)?, num(w).filter(|w| (1..=53).contains(w))?)
        }
        ["6", "tháng" | "thang", "đầu" | "dau", y] => format!("{}S1", year(y)?),
        ["6", "tháng" | "thang", "cuối" | "cuoi", y] => format!("{}S2", year(y)?),
        [y] if lower.starts_with("năm") || lower.starts_with("nam") => year(y)?.to_string(),
        _ => return None,
    };
    id.parse().ok()
}

fn quarter(s: &str) -> Option<u32> {
    match s {
        "i" | "1" => Some(1),
        "ii" | "2" => Some(2),
        "iii" | "3" => Some(3),
        "iv" | "4" => Some(4),
        _ => None,
    }
}

/// "C7" for 0-based row 6, column 2.
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        letters.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8(letters).expect("ASCII letters"), row + 1)
}

/// Lower-cased header without spaces, for matching "Mã đơn vị" loosely.
fn header_key(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '_').collect::<String>().to_lowercase()
}

const UNIT_HEADERS: [&str; 4] = ["mãđơnvị", "madonvi", "orgunit", "mãđv"];
const NAME_HEADERS: [&str; 4] = ["tênđơnvị", "tendonvi", "đơnvị", "orgunitname"];
/// Rows searched for the header row.
const HEADER_SEARCH: usize = 10;

fn cell_text(d: &Data) -> Option<String> {
    let s = match d {
        Data::Empty => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => chiso_core::element::plain(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => chiso_core::element::plain(dt.as_f64()),
        Data::Error(e) => format!("{e}"),
    };
    (!s.is_empty()).then_some(s)
}

/// A cell as a raw value; `Err` for a formula error such as `#DIV/0!`.
fn cell_value(d: &Data) -> Result<Option<RawCell>, String> {
    Ok(Some(match d {
        Data::Empty => return Ok(None),
        Data::String(s) if s.trim().is_empty() => return Ok(None),
        Data::String(s) | Data::DurationIso(s) => RawCell::Text(s.clone()),
        Data::DateTimeIso(s) => RawCell::Text(s.get(..10).filter(|d| d.len() == 10).unwrap_or(s).to_string()),
        Data::Int(i) => RawCell::Number(*i as f64),
        Data::Float(f) => RawCell::Number(*f),
        Data::Bool(b) => RawCell::Text(b.to_string()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            RawCell::Text(format!("{y:04}-{m:02}-{d:02}"))
        }
        Data::DateTime(dt) => RawCell::Number(dt.as_f64()),
        Data::Error(e) => return Err(format!("ô có lỗi công thức {e}")),
    }))
}

struct Column {
    col: u32,
    element: String,
    option: Option<String>,
    labels: Arc<FieldLabels>,
}

/// Streams the values of a wide workbook into `sink`. Needs the model to
/// check each column header and unit once, rather than once per cell.
pub fn read_wide_xlsx(path: &Path, model: &Model, sink: &mut RawSink<'_>) -> Result<(), IoError> {
    let file = file_label(path);
    let mut book: Xlsx<_> =
        open_workbook(path).map_err(|e| IoError::format(&file, format!("không đọc được tệp Excel: {e}")))?;
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| IoError::format(&file, format!("không đọc được trang \"{name}\": {e}")))?;
        if range.is_empty() {
            continue;
        }
        if read_sheet(&file, &name, &range, model, sink).is_break() {
            break;
        }
    }
    Ok(())
}

/// The periods the sheets of a workbook stand for.
pub(crate) fn sheet_periods(path: &Path) -> Result<Vec<Period>, IoError> {
    let file = file_label(path);
    let book: Xlsx<_> =
        open_workbook(path).map_err(|e| IoError::format(&file, format!("không đọc được tệp Excel: {e}")))?;
    Ok(book.sheet_names().iter().filter_map(|n| period_from_sheet_name(n)).collect())
}

fn read_sheet(file: &str, sheet: &str, range: &Range<Data>, model: &Model, sink: &mut RawSink<'_>) -> ControlFlow<()> {
    let err = |location: Location, field: &str, message: String| {
        RawItem::Error(ImportError { file: file.to_string(), location, field: field.to_string(), message })
    };
    let Some(period) = period_from_sheet_name(sheet) else {
        return sink(err(
            Location::Sheet(sheet.to_string()),
            "",
            "tên trang không phải kỳ báo cáo (ghi mã kỳ như 202308, 2023Q3 hoặc \"Tháng 8-2023\", \"Quý III-2023\")"
                .into(),
        ));
    };
    let period_id = period.to_string();
    let (row0, col0) = range.start().expect("a non-empty range has a start");
    // The header row is the first with a "Mã đơn vị" cell, so that a title
    // row or two above the table do no harm.
    let is_unit_header = |d: &Data| cell_text(d).is_some_and(|t| UNIT_HEADERS.contains(&header_key(&t).as_str()));
    let Some(header_at) = range.rows().take(HEADER_SEARCH).position(|row| row.iter().any(is_unit_header)) else {
        return sink(err(
            Location::Sheet(sheet.to_string()),
            "",
            format!("không thấy dòng tiêu đề có cột \"Mã đơn vị\" ({HEADER_SEARCH} dòng đầu)"),
        ));
    };
    let cell = |r: usize, c: usize| Location::Cell {
        sheet: sheet.to_string(),
        cell: cell_name(row0 + (header_at + r) as u32, col0 + c as u32),
    };
    let mut rows = range.rows().skip(header_at);
    let header = rows.next().unwrap_or(&[]);
    let mut unit_col = None;
    let mut unit_label = String::from("Mã đơn vị");
    let mut columns = Vec::new();
    for (c, h) in header.iter().enumerate() {
        let Some(text) = cell_text(h) else { continue };
        let key = header_key(&text);
        if UNIT_HEADERS.contains(&key.as_str()) {
            unit_col = Some(c);
            unit_label = text;
            continue;
        }
        if NAME_HEADERS.contains(&key.as_str()) {
            continue;
        }
        let (element, option) = match text.split_once('.') {
            Some((e, o)) => (e.trim().to_string(), Some(o.trim().to_string()).filter(|o| !is_default_option(o))),
            None => (text.clone(), None),
        };
        let problem = match (model.element(&element), model.element_disaggregation(&element), &option) {
            (None, ..) => Some(format!("chỉ tiêu dữ liệu \"{element}\" không tồn tại")),
            (Some(_), None, Some(o)) => {
                Some(format!("chỉ tiêu {element} không có phân tổ, không nhận lựa chọn \"{o}\""))
            }
            (Some(_), Some(d), None) => Some(format!(
                "chỉ tiêu {element} có phân tổ \"{}\": tiêu đề cột phải là {element}.<lựa chọn> ({})",
                d.name,
                d.options.iter().map(|o| o.code.as_str()).collect::<Vec<_>>().join(", ")
            )),
            (Some(_), Some(d), Some(o)) if !d.options.iter().any(|x| x.code.as_str() == o) => {
                Some(format!("lựa chọn \"{o}\" không thuộc phân tổ \"{}\" của chỉ tiêu {element}", d.name))
            }
            _ => None,
        };
        if let Some(message) = problem {
            sink(err(cell(0, c), &text, message))?;
            continue;
        }
        let labels = Arc::new(FieldLabels {
            element: text.clone(),
            option: text.clone(),
            period: format!("(trang {sheet})"),
            unit: String::new(),
            value: text,
        });
        columns.push(Column { col: c as u32, element, option, labels });
    }
    let unit_col = unit_col.expect("the header row has a unit column");
    for col in &mut columns {
        Arc::make_mut(&mut col.labels).unit = unit_label.clone();
    }
    let tree = model.tree();
    for (r, row) in rows.enumerate() {
        let r = r + 1;
        let unit = row.get(unit_col).and_then(cell_text);
        let has_values =
            columns.iter().any(|c| row.get(c.col as usize).is_some_and(|d| !matches!(cell_value(d), Ok(None))));
        let known_unit = unit.as_deref().and_then(|u| tree.index(u));
        if r == 1 && known_unit.is_none() {
            // Figures typed as text ("80.020") count as numbers: a data row
            // with a mistyped unit code must not pass for the names row.
            let numbers = columns.iter().any(|c| match row.get(c.col as usize) {
                Some(Data::Float(_) | Data::Int(_)) => true,
                Some(Data::String(s)) => chiso_core::number::parse_number(s).is_ok(),
                _ => false,
            });
            if unit.is_none() || !numbers {
                continue; // the names row
            }
        }
        let unit = match (unit, known_unit) {
            (_, Some(ix)) => tree.unit(ix).code.to_string(),
            (None, None) if !has_values => continue,
            (None, None) => {
                sink(err(cell(r, unit_col), &unit_label, "thiếu mã đơn vị".into()))?;
                continue;
            }
            (Some(u), None) => {
                sink(err(cell(r, unit_col), &unit_label, format!("đơn vị \"{u}\" không tồn tại")))?;
                continue;
            }
        };
        for col in &columns {
            let location = cell(r, col.col as usize);
            match row.get(col.col as usize).map(cell_value).unwrap_or(Ok(None)) {
                Ok(None) => sink(RawItem::Ignored(1))?,
                Err(message) => sink(err(location, &col.labels.value, message))?,
                Ok(Some(value)) => sink(RawItem::Value(RawValue {
                    location,
                    labels: col.labels.clone(),
                    element: col.element.clone(),
                    option: col.option.clone(),
                    period: period_id.clone(),
                    unit: unit.clone(),
                    value,
                    stored_by: None,
                    comment: None,
                }))?,
            }
        }
    }
    ControlFlow::Continue(())
}

/// A column of the written workbook: an element, with an option when it is
/// disaggregated.
type ColumnKey<'v> = (&'v str, Option<&'v str>);

/// Elements in the order forms list them, then the rest in metadata order.
fn element_order(model: &Model) -> HashMap<&str, usize> {
    let meta = model.metadata();
    let mut order = HashMap::new();
    let codes = meta.forms.iter().flat_map(|f| f.elements()).chain(meta.data_elements.iter().map(|e| &e.code));
    for code in codes {
        let next = order.len();
        order.entry(code.as_str()).or_insert(next);
    }
    order
}

/// Builds the wide workbook in memory.
fn build_workbook(
    model: &Model,
    values: &[DataValue],
) -> Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let order = element_order(model);
    let tree = model.tree();
    // Sheets by period type (months before quarters), then in period order.
    let mut sheets: BTreeMap<(PeriodType, Period), Vec<&DataValue>> = BTreeMap::new();
    for v in values {
        sheets.entry((v.period.period_type(), v.period)).or_default().push(v);
    }
    let bold = Format::new().set_bold();
    let names = Format::new().set_italic().set_text_wrap();
    let integer = Format::new().set_num_format("#,##0");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let mut book = Workbook::new();
    for ((_, period), vals) in &sheets {
        let rank = |k: &ColumnKey| {
            let e = order.get(k.0).copied().unwrap_or(usize::MAX);
            let o = match (model.element_disaggregation(k.0), k.1) {
                (Some(d), Some(o)) => d.options.iter().position(|x| x.code.as_str() == o).unwrap_or(usize::MAX),
                _ => 0,
            };
            (e, o)
        };
        let mut keys: Vec<ColumnKey> =
            vals.iter().map(|v| (v.element.as_str(), v.option.as_ref().map(|o| o.as_str()))).collect();
        keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
        keys.dedup();
        let col_of: HashMap<ColumnKey, u16> = keys.iter().enumerate().map(|(i, k)| (*k, i as u16 + 2)).collect();
        let units: BTreeSet<(u32, &str)> =
            vals.iter().map(|v| (tree.index(v.unit.as_str()).unwrap_or(u32::MAX), v.unit.as_str())).collect();
        let row_of: HashMap<&str, u32> = units.iter().enumerate().map(|(i, (_, u))| (*u, i as u32 + 2)).collect();

        let ws = book.add_worksheet();
        ws.set_name(period.to_string())?;
        ws.write_string_with_format(0, 0, "Mã đơn vị", &bold)?;
        ws.write_string_with_format(0, 1, "Tên đơn vị", &bold)?;
        ws.set_column_width(0, 14)?;
        ws.set_column_width(1, 32)?;
        for (k, &c) in &col_of {
            let header = match k.1 {
                Some(o) => format!("{}.{o}", k.0),
                None => k.0.to_string(),
            };
            ws.write_string_with_format(0, c, header, &bold)?;
            let mut name = model.element(k.0).map(|e| e.display_name().to_string()).unwrap_or_default();
            if let (Some(o), Some(d)) = (k.1, model.element_disaggregation(k.0))
                && let Some(opt) = d.options.iter().find(|x| x.code.as_str() == o)
            {
                name = format!("{name} ({})", opt.name);
            }
            ws.write_string_with_format(1, c, name, &names)?;
            ws.set_column_width(c, 16)?;
        }
        for (u, &r) in &row_of {
            ws.write_string(r, 0, *u)?;
            ws.write_string(r, 1, tree.get(u).map(|x| x.name.as_str()).unwrap_or(""))?;
        }
        for v in vals {
            let (r, c) =
                (row_of[v.unit.as_str()], col_of[&(v.element.as_str(), v.option.as_ref().map(|o| o.as_str()))]);
            let vt = model.element(v.element.as_str()).map(|e| e.value_type).unwrap_or(ValueType::Text);
            let number = v.value.parse::<f64>().ok();
            match (vt, number) {
                (ValueType::Integer, Some(x)) => ws.write_number_with_format(r, c, x, &integer)?,
                (ValueType::Number | ValueType::Percentage, Some(x)) => ws.write_number(r, c, x)?,
                (ValueType::YesNo, _) => ws.write_string(r, c, if v.value == "true" { "Có" } else { "Không" })?,
                (ValueType::Date, _) => {
                    match chiso_core::element::parse_date(&v.value).and_then(|d| {
                        use chrono::Datelike;
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).ok()
                    }) {
                        Some(d) => ws.write_datetime_with_format(r, c, d, &date)?,
                        None => ws.write_string(r, c, &v.value)?,
                    }
                }
                _ => ws.write_string(r, c, &v.value)?,
            };
        }
        ws.set_freeze_panes(2, 2)?;
    }
    if sheets.is_empty() {
        book.add_worksheet();
    }
    Ok(book)
}

/// Writes the wide workbook: one sheet per period (named by its DHIS2 id;
/// shorter period types first, each in period order), units in tree order with their names, element columns
/// in form order, a names row under the headers; numbers as numbers, yes/no
/// as "Có"/"Không", dates as dates.
pub fn write_wide_xlsx(model: &Model, values: &[DataValue], path: &Path) -> Result<(), IoError> {
    let file = file_label(path);
    let mut book = build_workbook(model, values).map_err(|e| IoError::format(&file, e.to_string()))?;
    book.save(path).map_err(|e| match e {
        rust_xlsxwriter::XlsxError::IoError(io) => IoError::file(&file, io),
        other => IoError::format(&file, other.to_string()),
    })
}

/// The wide workbook as bytes (for a download).
pub fn wide_xlsx_bytes(model: &Model, values: &[DataValue]) -> Result<Vec<u8>, IoError> {
    let mut book = build_workbook(model, values).map_err(|e| IoError::format(crate::export::OUTPUT, e.to_string()))?;
    book.save_to_buffer().map_err(|e| IoError::format(crate::export::OUTPUT, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_that_are_periods() {
        let cases = [
            ("202308", Some("202308")),
            ("2023Q3", Some("2023Q3")),
            ("Tháng 8/2023", Some("202308")),
            ("Tháng 08-2023", Some("202308")),
            ("tháng 8 năm 2023", Some("202308")),
            ("Thang 12.2023", Some("202312")),
            ("T8-2023", Some("202308")),
            ("Quý III/2023", Some("2023Q3")),
            ("Quý 4-2023", Some("2023Q4")),
            ("Q1 2024", Some("2024Q1")),
            ("Tuần 35 2024", Some("2024W35")),
            ("Năm 2023", Some("2023")),
            ("6 tháng đầu năm 2023", Some("2023S1")),
            ("Tháng 13/2023", None),
            ("Quý V/2023", None),
            ("Hướng dẫn", None),
            ("Sheet1", None),
        ];
        for (name, want) in cases {
            assert_eq!(period_from_sheet_name(name).map(|p| p.to_string()).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(6, 2), "C7");
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(9, 25), "Z10");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(0, 701), "ZZ1");
        assert_eq!(cell_name(0, 702), "AAA1");
    }
}
