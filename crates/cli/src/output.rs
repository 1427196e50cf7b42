//! Printing answers: a terminal table, CSV or JSON, from one description.

use crate::Format;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde_json::Value;

/// Column headers in the chosen language, from (Vietnamese, English) pairs.
pub fn headers(lang: crate::Lang, pairs: &[(&str, &str)]) -> Vec<String> {
    pairs.iter().map(|(vi, en)| lang.t(vi, en).to_string()).collect()
}

/// A result ready to print: headers, rows of display texts, and its JSON form.
pub struct Report {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns aligned right in tables (figures).
    pub numeric: Vec<usize>,
    pub json: Value,
    /// Lines printed under a table (totals, hints); not part of CSV/JSON.
    pub footer: Vec<String>,
}

impl Report {
    pub fn print(&self, format: Format) -> anyhow::Result<()> {
        match format {
            Format::Table => {
                let mut t = Table::new();
                t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
                t.set_header(self.headers.iter().map(Cell::new));
                for r in &self.rows {
                    t.add_row(r.iter().enumerate().map(|(i, c)| {
                        let cell = Cell::new(c);
                        if self.numeric.contains(&i) { cell.set_alignment(CellAlignment::Right) } else { cell }
                    }));
                }
                let mut text = format!("{t}\n");
                for f in &self.footer {
                    text.push_str(f);
                    text.push('\n');
                }
                write_stdout(&text)?;
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(&self.headers)?;
                for r in &self.rows {
                    w.write_record(r)?;
                }
                write_stdout(&String::from_utf8(w.into_inner()?)?)?;
            }
            Format::Json => write_stdout(&format!("{}\n", serde_json::to_string_pretty(&self.json)?))?,
        }
        Ok(())
    }
}

/// Writes to standard output; a reader that stops early (`| head`) is not an error.
pub fn write_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
