//! The tables of a [`Document`] as an XLSX workbook, for staff who rework the
//! figures in Excel: one worksheet per table, with real formulas for the
//! group, subtotal and total rows.
//!
//! # Layout of every worksheet (0-based rows, as [`HEADER_ROW`] and [`FIRST_DATA_ROW`])
//!
//! | Excel row | content |
//! | --- | --- |
//! | 1 | the title, bold: "Phụ lục II. DANH MỤC …" for an appendix's table, else the caption |
//! | 2 | italic: an appendix table's caption, or else the appendix's subtitle lines (empty for a body table) |
//! | 3 | the unit note ("ĐVT: Triệu đồng"), italic, in the last column (empty when the table has none) |
//! | 4 | the column titles, bold; frozen with the rows above, repeated on every printed page |
//! | 5… | the table's rows in order |
//!
//! The layout is fixed so that formulas, tests and any script reading the
//! file find the figures at the same place whatever the table holds.
//!
//! # Worksheets and their names
//!
//! Tables are taken in reading order: the body's tables, then each
//! appendix's. A sheet is named after its appendix's label ("Phụ lục II";
//! the second table of the same appendix "Phụ lục II (2)") and a body table
//! after its caption ("Bảng 1. Kết quả …", cut to fit) or "Bảng N". Names
//! follow Excel's rules: at most 31 characters, none of `[ ] : * ? / \`,
//! no apostrophe at either end, unique ignoring case.
//!
//! # Figures and totals
//!
//! Numbers are written as numbers with the format `#,##0` (or `#,##0.00` for
//! two decimals…). Excel draws the separators of the viewer's locale, so the
//! file shows "75.152" and "92,12" on a computer set to Vietnamese and
//! "75,152" / "92.12" on one set to English; the stored value is the same.
//!
//! In a number column, the figure of a group, subtotal or total row is a
//! formula `SUM(…)` over exactly the item rows that [`Table::expected_sum`]
//! counts (a total's ranges may be several: `SUM(D5:D7,D9:D12)`), with the
//! sum as its cached result so viewers that do not recalculate (previews,
//! calamine, phones) show the number. A stated figure that is wrong is thus
//! replaced by the right sum: check [`Table::wrong_totals`] before, if the
//! difference matters. Rows that cover no item get the number 0; cells left
//! empty in the model stay empty (no formula).

use crate::document::{Appendix, Block, Cell, ColumnKind, Document, RowKind, Table};
use rust_xlsxwriter as xw;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet};
use std::collections::HashSet;

/// Row (0-based) of the column titles on every worksheet.
pub const HEADER_ROW: u32 = 3;
/// Row (0-based) of the table's first row on every worksheet.
pub const FIRST_DATA_ROW: u32 = HEADER_ROW + 1;

/// Excel's limit on a sheet name, in UTF-16 code units.
const MAX_SHEET_NAME: usize = 31;
/// Excel's limit on a function's arguments.
const MAX_SUM_ARGS: usize = 255;
/// Excel's limit on a formula's length.
const MAX_FORMULA_LEN: usize = 8192;

const FONT: &str = "Times New Roman";

#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("tài liệu không có bảng nào để xuất ra XLSX")]
    NoTables,
    #[error("không ghi được bảng \"{sheet}\" ra XLSX: {source}")]
    Write {
        sheet: String,
        #[source]
        source: xw::XlsxError,
    },
    #[error("không tạo được tệp XLSX: {0}")]
    Save(#[source] xw::XlsxError),
}

/// One table to write, with what names and titles it.
struct Sheet<'a> {
    table: &'a Table,
    name: String,
    title: String,
    subtitle: String,
    landscape: bool,
}

/// Every table of the document (body, then appendices) in one workbook.
pub fn tables_to_xlsx(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let sheets = sheets(doc);
    if sheets.is_empty() {
        return Err(XlsxError::NoTables);
    }
    let mut wb = Workbook::new();
    for s in &sheets {
        let ws = wb.add_worksheet();
        write_sheet(ws, s).map_err(|source| XlsxError::Write { sheet: s.name.clone(), source })?;
    }
    wb.save_to_buffer().map_err(XlsxError::Save)
}

/// The worksheet names [`tables_to_xlsx`] gives, in order.
pub fn sheet_names(doc: &Document) -> Vec<String> {
    sheets(doc).into_iter().map(|s| s.name).collect()
}

fn tables(blocks: &[Block]) -> impl Iterator<Item = &Table> {
    blocks.iter().filter_map(|b| match b {
        Block::Table(t) => Some(t),
        _ => None,
    })
}

fn sheets(doc: &Document) -> Vec<Sheet<'_>> {
    let mut used = HashSet::new();
    let mut out = Vec::new();
    for (n, t) in tables(&doc.body).enumerate() {
        let base = t.caption.clone().unwrap_or_else(|| format!("Bảng {}", n + 1));
        out.push(Sheet {
            table: t,
            name: unique_sheet_name(&base, &mut used),
            title: t.caption.clone().unwrap_or_default(),
            subtitle: String::new(),
            landscape: false,
        });
    }
    for a in &doc.appendices {
        let count = tables(&a.blocks).count();
        for (n, t) in tables(&a.blocks).enumerate() {
            let base = if count > 1 { format!("{} ({})", a.label.trim(), n + 1) } else { a.label.clone() };
            out.push(Sheet {
                table: t,
                name: unique_sheet_name(&base, &mut used),
                title: appendix_title(a),
                subtitle: t.caption.clone().unwrap_or_else(|| a.subtitle.join(" ")),
                landscape: a.landscape,
            });
        }
    }
    out
}

fn appendix_title(a: &Appendix) -> String {
    match (a.label.trim(), a.title.trim()) {
        (l, "") => l.to_string(),
        ("", t) => t.to_string(),
        (l, t) => format!("{l}. {t}"),
    }
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Cuts `s` to at most `max` UTF-16 code units.
fn cut(s: &str, max: usize) -> &str {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        len += c.len_utf16();
        if len > max {
            return &s[..i];
        }
    }
    s
}

/// A valid sheet name from `s` (forbidden characters become spaces, blanks
/// collapse, apostrophes at the ends go, cut to 31), made unique among
/// `used` (ignoring case) with " (2)", " (3)"….
pub fn unique_sheet_name(s: &str, used: &mut HashSet<String>) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let trim = |s: &str| s.trim_matches(|c: char| c == '\'' || c.is_whitespace()).to_string();
    let mut base = trim(cut(&cleaned, MAX_SHEET_NAME));
    if base.is_empty() {
        base = "Bảng".to_string();
    }
    let mut name = base.clone();
    let mut k = 1;
    // "History" is reserved by Excel.
    while used.contains(&name.to_lowercase()) || name.eq_ignore_ascii_case("history") {
        k += 1;
        let suffix = format!(" ({k})");
        name = format!("{}{suffix}", trim(cut(&base, MAX_SHEET_NAME - utf16_len(&suffix))));
    }
    used.insert(name.to_lowercase());
    name
}

fn base_format() -> Format {
    Format::new().set_font_name(FONT).set_font_size(12)
}

fn number_format(decimals: u8) -> String {
    let decimals = decimals.min(15) as usize;
    if decimals == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(decimals)) }
}

/// The format of a table cell in a column of `kind` on a row of `row`.
fn cell_format(kind: ColumnKind, row: RowKind) -> Format {
    let mut f = base_format().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    f = match kind {
        ColumnKind::Text => f.set_text_wrap(),
        ColumnKind::Centered => f.set_align(FormatAlign::Center).set_text_wrap(),
        ColumnKind::Number { decimals } => f.set_align(FormatAlign::Right).set_num_format(number_format(decimals)),
    };
    match row {
        RowKind::Item => f,
        RowKind::Group | RowKind::Part | RowKind::Total => f.set_bold(),
        RowKind::Subtotal => f.set_bold().set_italic(),
    }
}

/// The rows (indices into `t.rows`) whose figures the row `row` sums, as
/// [`Table::expected_sum`] counts them; None for an item row.
pub fn covered_rows(t: &Table, row: usize) -> Option<Vec<usize>> {
    let kind = t.rows.get(row)?.kind;
    let is_item = |i: &usize| t.rows[*i].kind == RowKind::Item;
    Some(match kind {
        RowKind::Item => return None,
        RowKind::Total => (0..t.rows.len()).filter(is_item).collect(),
        RowKind::Group => (row + 1..t.rows.len()).take_while(is_item).collect(),
        RowKind::Part => (row + 1..t.rows.len())
            .take_while(|i| !matches!(t.rows[*i].kind, RowKind::Part | RowKind::Total))
            .filter(is_item)
            .collect(),
        RowKind::Subtotal => {
            let start = t.rows[..row].iter().rposition(|r| r.kind != RowKind::Item).map_or(0, |i| i + 1);
            (start..row).collect()
        }
    })
}

/// The ranges of consecutive rows, as Excel references in column `col`:
/// [4, 5, 6, 9] → ["C5:C7", "C10"] (for data rows from Excel row 5).
fn ranges(rows: &[usize], col: u16) -> Vec<String> {
    let letter = xw::column_number_to_name(col);
    let excel = |i: usize| i as u64 + u64::from(FIRST_DATA_ROW) + 1;
    let mut out = Vec::new();
    let mut k = 0;
    while k < rows.len() {
        let start = rows[k];
        let mut end = start;
        while k + 1 < rows.len() && rows[k + 1] == end + 1 {
            k += 1;
            end = rows[k];
        }
        out.push(if start == end {
            format!("{letter}{}", excel(start))
        } else {
            format!("{letter}{}:{letter}{}", excel(start), excel(end))
        });
        k += 1;
    }
    out
}

/// `SUM(…)` over `ranges`, nested when there are more than Excel's 255
/// arguments; None when there is nothing to sum or the formula would be too
/// long for Excel.
fn sum_formula(ranges: &[String]) -> Option<String> {
    if ranges.is_empty() {
        return None;
    }
    let mut args: Vec<String> = ranges.to_vec();
    while args.len() > MAX_SUM_ARGS {
        args = args.chunks(MAX_SUM_ARGS).map(|c| format!("SUM({})", c.join(","))).collect();
    }
    let f = format!("SUM({})", args.join(","));
    (f.len() < MAX_FORMULA_LEN).then_some(f)
}

/// The sum's text as a formula's cached result.
fn result_text(x: f64) -> String {
    format!("{x}")
}

fn write_sheet(ws: &mut Worksheet, s: &Sheet) -> Result<(), xw::XlsxError> {
    let t = s.table;
    ws.set_name(&s.name)?;
    ws.set_paper_size(9); // A4
    if s.landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    let ncols = t.columns.len().max(t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0)).max(1);
    let last_col = (ncols - 1) as u16;

    if !s.title.is_empty() {
        ws.write_string_with_format(0, 0, &s.title, &base_format().set_bold().set_font_size(13))?;
    }
    if !s.subtitle.is_empty() {
        ws.write_string_with_format(1, 0, &s.subtitle, &base_format().set_italic())?;
    }
    if let Some(u) = &t.unit_note {
        ws.write_string_with_format(2, last_col, u, &base_format().set_italic().set_align(FormatAlign::Right))?;
    }

    let header = base_format()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    for j in 0..ncols {
        let title = t.columns.get(j).map_or("", |c| c.title.as_str());
        ws.write_string_with_format(HEADER_ROW, j as u16, title, &header)?;
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;

    // Widths are shares of the page: about 100 characters across a portrait
    // A4 page, 150 across a landscape one.
    let page_chars = if s.landscape { 150.0 } else { 100.0 };
    let total: f64 = t.columns.iter().map(|c| f64::from(c.width)).sum();
    for j in 0..ncols {
        let w = match t.columns.get(j) {
            Some(c) if total > 0.0 => (f64::from(c.width) / total * page_chars).max(4.0),
            _ => 12.0,
        };
        ws.set_column_width(j as u16, w)?;
    }

    for (i, r) in t.rows.iter().enumerate() {
        let row = FIRST_DATA_ROW + i as u32;
        for j in 0..ncols {
            let kind = t.columns.get(j).map_or(ColumnKind::Text, |c| c.kind);
            let f = cell_format(kind, r.kind);
            let col = j as u16;
            let cell = r.cells.get(j).unwrap_or(&Cell::Empty);
            match cell {
                Cell::Number(_) if r.kind != RowKind::Item && matches!(kind, ColumnKind::Number { .. }) => {
                    let covered = covered_rows(t, i).unwrap_or_default();
                    let sum = t.expected_sum(i, j).unwrap_or(0.0);
                    match sum_formula(&ranges(&covered, col)) {
                        Some(formula) => {
                            let mut formula = Formula::new(formula);
                            if sum.is_finite() {
                                formula = formula.set_result(result_text(sum));
                            }
                            ws.write_formula_with_format(row, col, formula, &f)?;
                        }
                        None if sum.is_finite() => {
                            ws.write_number_with_format(row, col, sum, &f)?;
                        }
                        None => {
                            ws.write_string_with_format(row, col, "—", &f)?;
                        }
                    }
                }
                Cell::Number(x) if x.is_finite() => {
                    ws.write_number_with_format(row, col, *x, &f)?;
                }
                Cell::Number(_) => {
                    ws.write_string_with_format(row, col, "—", &f)?;
                }
                Cell::Text(text) => {
                    ws.write_string_with_format(row, col, text, &f)?;
                }
                Cell::Empty => {
                    ws.write_blank(row, col, &f)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_excel_rules() {
        let mut used = HashSet::new();
        assert_eq!(unique_sheet_name("Phụ lục II", &mut used), "Phụ lục II");
        assert_eq!(unique_sheet_name("phụ lục ii", &mut used), "phụ lục ii (2)");
        assert_eq!(unique_sheet_name("Kết quả [2026]: a/b*c?d\\e", &mut used), "Kết quả 2026 a b c d e");
        assert_eq!(unique_sheet_name("'quoted'", &mut used), "quoted");
        assert_eq!(unique_sheet_name("  ", &mut used), "Bảng");
        assert_eq!(unique_sheet_name("History", &mut used), "History (2)");
        let long = "Bảng 1. Kết quả thực hiện các chỉ tiêu năm 2026";
        let a = unique_sheet_name(long, &mut used);
        let b = unique_sheet_name(long, &mut used);
        assert_eq!(a, "Bảng 1. Kết quả thực hiện các c");
        assert_eq!(b, "Bảng 1. Kết quả thực hiện c (2)");
        for n in used.iter().chain([&a, &b]) {
            assert!(utf16_len(n) <= 31 && xw::check_sheet_name(n).is_ok(), "{n}");
        }
    }

    #[test]
    fn ranges_join_consecutive_rows() {
        assert_eq!(ranges(&[0, 1, 2, 5, 7, 8], 2), ["C5:C7", "C10", "C12:C13"]);
        assert_eq!(sum_formula(&ranges(&[0, 1, 2, 5], 3)).unwrap(), "SUM(D5:D7,D10)");
        assert_eq!(sum_formula(&[]), None);
        let many: Vec<usize> = (0..600).map(|i| i * 2).collect();
        let f = sum_formula(&ranges(&many, 0)).unwrap();
        assert!(f.starts_with("SUM(SUM(A5,A7,") && f.matches("SUM(").count() == 4, "{f}");
    }
}
