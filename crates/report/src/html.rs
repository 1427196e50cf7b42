//! The HTML preview of a [`Document`]: what the office sees on screen before
//! downloading the DOCX, laid out as it will print (Nghị định 30/2020/NĐ-CP).
//!
//! [`to_html`] returns a fragment (one `<article class="nd30">`, no `<html>` or
//! `<head>`) that the web page embeds together with [`PREVIEW_CSS`]. Every text
//! of the document is HTML-escaped; the only attribute the renderer writes
//! from the model is a column's width, as a number. The markup is also
//! well-formed XML (void elements written `<br/>`, `<col/>`; no named
//! entities but the XML ones), so it can be checked or transformed as XHTML.
//!
//! # Element classes (stable: the web app and its tests rely on them)
//!
//! | class | element | what |
//! | --- | --- | --- |
//! | `nd30` | `article` | the whole document |
//! | `nd30-page` | `div` / `section` | one sheet of paper on screen: the main document, then each appendix |
//! | `nd30-main` | `div.nd30-page` | the document itself (letterhead to signer) |
//! | `nd30-letterhead` | `header` | the two-column block at the top of page 1 |
//! | `nd30-issuer` | `div` | left column: `nd30-parent-body`, `nd30-issuing-body`, `nd30-number` (all `p`) |
//! | `nd30-motto` | `div` | right column: `nd30-nation`, `nd30-slogan`, `nd30-place-date` (all `p`) |
//! | `nd30-kind` | `h1` | "BÁO CÁO" |
//! | `nd30-summary` | `p` | the summary lines, separated by `<br/>` |
//! | `nd30-body` | `div` | the body blocks |
//! | `nd30-h1` … `nd30-h4` | `h2` … `h5` | a heading of level 1 … 4; its number in `span.nd30-heading-number` |
//! | `nd30-paragraph` | `p` | a paragraph; runs as `strong` / `em` |
//! | `nd30-list` | `ul` | a list; each `li` starts with the literal "- " |
//! | `nd30-table` | `figure` | a table with `figcaption.nd30-caption`, `p.nd30-unit-note`, `div.nd30-table-scroll` > `table` |
//! | `nd30-row-item`, `nd30-row-group`, `nd30-row-part`, `nd30-row-subtotal`, `nd30-row-total` | `tr` | a row by its `RowKind` |
//! | `nd30-cell-text`, `nd30-cell-centered`, `nd30-cell-number` | `th` / `td` | a cell by its column's `ColumnKind` |
//! | `nd30-closing` | `div` | "Nơi nhận:" and the signer, side by side |
//! | `nd30-recipients` | `div` | `p.nd30-recipients-title` ("Nơi nhận:") and `ul` of "- …;" lines |
//! | `nd30-signer` | `div` | `nd30-authority`, `nd30-signer-title`, `nd30-signature-space`, `nd30-signer-name` (all `p`) |
//! | `nd30-appendix` | `section.nd30-page` | an appendix, after a page break; `nd30-landscape` when landscape |
//! | `nd30-appendix-head` | `header` | `nd30-appendix-label`, `nd30-appendix-title`, `nd30-appendix-subtitle` (all `p`) |
//!
//! Numbers are written with [`chiso_core::number`]: "75.152", "92,12".

use crate::document::{Appendix, Block, ColumnKind, Document, Letterhead, Row, RowKind, Run, Signer, Table};
use std::fmt::Write;

/// The national motto, first line (bold capitals).
pub const NATIONAL_MOTTO: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// The national slogan under the motto (bold, underlined).
pub const NATIONAL_SLOGAN: &str = "Độc lập - Tự do - Hạnh phúc";

/// Stylesheet for the fragment [`to_html`] writes. Every rule is scoped under
/// `.nd30` (and print pages are the named pages `nd30-portrait` and
/// `nd30-landscape`), so it can be included in any page without touching the
/// rest of it. On screen each `.nd30-page` looks like a sheet of A4 paper
/// (landscape appendices wider) with the legal margins; on a phone the pages
/// use the full width and wide tables scroll horizontally.
pub const PREVIEW_CSS: &str = r#"
.nd30 { font-family: "Times New Roman", Tinos, "Liberation Serif", Times, serif; font-size: 13pt; line-height: 1.35; color: #000; }
.nd30 * { box-sizing: border-box; }
.nd30 p { margin: 0; }
.nd30-page { background: #fff; width: 100%; max-width: 210mm; min-height: 120mm; margin: 0 auto 24px; padding: 20mm 15mm 20mm 30mm; box-shadow: 0 1px 4px rgba(0,0,0,.25); page: nd30-portrait; }
.nd30-page.nd30-landscape { max-width: 297mm; page: nd30-landscape; }
.nd30-letterhead { display: flex; justify-content: space-between; gap: 4mm; margin-bottom: 6mm; }
.nd30-issuer { flex: 0 0 40%; text-align: center; }
.nd30-motto { flex: 0 0 58%; text-align: center; }
.nd30-parent-body { font-size: 12.5pt; text-transform: uppercase; }
.nd30-issuing-body { font-size: 12.5pt; font-weight: bold; text-transform: uppercase; }
.nd30-issuing-body::after, .nd30-slogan::after { content: ""; display: block; margin: 1px auto 0; border-top: 1px solid #000; }
.nd30-issuing-body::after { width: 35%; }
.nd30-slogan::after { width: 72%; }
.nd30-number { margin-top: 2mm !important; font-size: 13pt; }
.nd30-nation { font-size: 12.5pt; font-weight: bold; white-space: nowrap; }
.nd30-slogan { font-size: 13.5pt; font-weight: bold; }
.nd30-place-date { margin-top: 2mm !important; font-style: italic; }
.nd30-kind { font-size: 14pt; font-weight: bold; text-align: center; margin: 4mm 0 0; }
.nd30-summary { font-size: 14pt; font-weight: bold; text-align: center; margin-bottom: 6mm !important; }
.nd30-body h2, .nd30-body h3, .nd30-body h4, .nd30-body h5, .nd30-appendix h2, .nd30-appendix h3, .nd30-appendix h4, .nd30-appendix h5 { font-size: 13pt; margin: 3mm 0 1.5mm; text-indent: 1cm; text-align: left; }
.nd30-h1 { font-weight: bold; }
.nd30-h2 { font-weight: bold; }
.nd30-h3 { font-weight: bold; font-style: italic; }
.nd30-h4 { font-weight: normal; font-style: italic; }
.nd30-paragraph { text-indent: 1cm; text-align: justify; margin: 0 0 1.5mm !important; }
.nd30-list { list-style: none; margin: 0 0 1.5mm; padding: 0; }
.nd30-list li { text-indent: 1cm; text-align: justify; margin-bottom: 1mm; }
.nd30-table { margin: 3mm 0 4mm; }
.nd30-caption { font-weight: bold; text-align: center; margin-bottom: 1mm; }
.nd30-unit-note { font-style: italic; text-align: right; margin-bottom: 1mm !important; }
.nd30-table-scroll { width: 100%; overflow-x: auto; -webkit-overflow-scrolling: touch; }
.nd30-table table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 12pt; }
.nd30-table th, .nd30-table td { border: 1px solid #000; padding: 1mm 1.5mm; vertical-align: middle; overflow-wrap: anywhere; }
.nd30-table th { font-weight: bold; text-align: center; }
.nd30-cell-text { text-align: left; }
td.nd30-cell-centered { text-align: center; }
td.nd30-cell-number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.nd30-row-group td, .nd30-row-subtotal td, .nd30-row-total td { font-weight: bold; }
.nd30-row-part td { font-weight: bold; }
.nd30-row-subtotal td { font-style: italic; }
.nd30-closing { display: flex; justify-content: space-between; gap: 4mm; margin-top: 6mm; }
.nd30-recipients { flex: 0 0 45%; font-size: 11pt; }
.nd30-recipients-title { font-size: 12pt; font-weight: bold; font-style: italic; }
.nd30-recipients ul { list-style: none; margin: 0; padding: 0; }
.nd30-signer { flex: 0 0 50%; text-align: center; font-weight: bold; }
.nd30-signature-space { height: 25mm; }
.nd30-appendix-head { text-align: center; margin-bottom: 4mm; }
.nd30-appendix-label, .nd30-appendix-title { font-weight: bold; }
.nd30-appendix-subtitle { font-style: italic; }
@media screen and (max-width: 720px) {
  .nd30 { font-size: 12pt; }
  .nd30-page { padding: 16px 12px; min-height: 0; margin-bottom: 16px; }
  .nd30-letterhead, .nd30-closing { flex-direction: column; align-items: stretch; }
  .nd30-nation { white-space: normal; }
  .nd30-paragraph, .nd30-list li { text-align: left; }
  .nd30-table table { min-width: 560px; }
  .nd30-landscape .nd30-table table { min-width: 760px; }
  .nd30-signature-space { height: 12mm; }
}
@media print {
  .nd30-page { box-shadow: none; max-width: none; min-height: 0; margin: 0; padding: 0; }
  .nd30-appendix { break-before: page; }
  .nd30-table tr { break-inside: avoid; }
  .nd30-table thead { display: table-header-group; }
}
@page nd30-portrait { size: A4 portrait; margin: 20mm 15mm 20mm 30mm; }
@page nd30-landscape { size: A4 landscape; margin: 30mm 20mm 15mm 20mm; }
"#;

/// The document as an HTML fragment (see the module documentation for its
/// classes).
pub fn to_html(doc: &Document) -> String {
    let mut h = String::with_capacity(16 * 1024);
    h.push_str("<article class=\"nd30\">\n<div class=\"nd30-page nd30-main\">\n");
    letterhead(&mut h, &doc.letterhead);
    let _ = writeln!(h, "<h1 class=\"nd30-kind\">{}</h1>", esc(&doc.kind));
    if !doc.summary.is_empty() {
        let lines: Vec<String> = doc.summary.iter().map(|s| esc(s)).collect();
        let _ = writeln!(h, "<p class=\"nd30-summary\">{}</p>", lines.join("<br/>"));
    }
    h.push_str("<div class=\"nd30-body\">\n");
    for b in &doc.body {
        block(&mut h, b);
    }
    h.push_str("</div>\n");
    closing(&mut h, &doc.recipient_lines(), &doc.signer);
    h.push_str("</div>\n");
    for a in &doc.appendices {
        appendix(&mut h, a);
    }
    h.push_str("</article>\n");
    h
}

/// Escapes the five characters that matter in HTML text and attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The place-date line, with the blanks of an undated draft kept visible.
fn place_date(l: &Letterhead) -> String {
    esc(&l.place_date()).replace("  ", "&#160;&#160;")
}

fn letterhead(h: &mut String, l: &Letterhead) {
    h.push_str("<header class=\"nd30-letterhead\">\n<div class=\"nd30-issuer\">\n");
    if let Some(p) = &l.parent_body {
        let _ = writeln!(h, "<p class=\"nd30-parent-body\">{}</p>", esc(p));
    }
    let _ = writeln!(h, "<p class=\"nd30-issuing-body\">{}</p>", esc(&l.issuing_body));
    // Blanks of a draft number ("   /BC-SKHCN") stay visible.
    let number = esc(&l.number_line()).replace("  ", "&#160;&#160;");
    let _ = writeln!(h, "<p class=\"nd30-number\">{number}</p>");
    h.push_str("</div>\n<div class=\"nd30-motto\">\n");
    let _ = writeln!(h, "<p class=\"nd30-nation\">{NATIONAL_MOTTO}</p>");
    let _ = writeln!(h, "<p class=\"nd30-slogan\">{NATIONAL_SLOGAN}</p>");
    let _ = writeln!(h, "<p class=\"nd30-place-date\">{}</p>", place_date(l));
    h.push_str("</div>\n</header>\n");
}

fn block(h: &mut String, b: &Block) {
    match b {
        Block::Heading { level, number, text } => {
            let level = (*level).clamp(1, 4);
            let tag = level + 1;
            let _ = write!(h, "<h{tag} class=\"nd30-h{level}\">");
            if !number.is_empty() {
                let _ = write!(h, "<span class=\"nd30-heading-number\">{}</span> ", esc(number));
            }
            let _ = writeln!(h, "{}</h{tag}>", esc(text));
        }
        Block::Paragraph { runs } => {
            h.push_str("<p class=\"nd30-paragraph\">");
            for r in runs {
                run(h, r);
            }
            h.push_str("</p>\n");
        }
        Block::List { items } => {
            h.push_str("<ul class=\"nd30-list\">\n");
            for i in items {
                let _ = writeln!(h, "<li>- {}</li>", esc(i));
            }
            h.push_str("</ul>\n");
        }
        Block::Table(t) => table(h, t),
    }
}

fn run(h: &mut String, r: &Run) {
    let text = esc(&r.text);
    match (r.bold, r.italic) {
        (false, false) => h.push_str(&text),
        (true, false) => {
            let _ = write!(h, "<strong>{text}</strong>");
        }
        (false, true) => {
            let _ = write!(h, "<em>{text}</em>");
        }
        (true, true) => {
            let _ = write!(h, "<strong><em>{text}</em></strong>");
        }
    }
}

fn kind_class(k: ColumnKind) -> &'static str {
    match k {
        ColumnKind::Text => "nd30-cell-text",
        ColumnKind::Centered => "nd30-cell-centered",
        ColumnKind::Number { .. } => "nd30-cell-number",
    }
}

fn row_class(k: RowKind) -> &'static str {
    match k {
        RowKind::Item => "nd30-row-item",
        RowKind::Group => "nd30-row-group",
        RowKind::Part => "nd30-row-part",
        RowKind::Subtotal => "nd30-row-subtotal",
        RowKind::Total => "nd30-row-total",
    }
}

fn table(h: &mut String, t: &Table) {
    h.push_str("<figure class=\"nd30-table\">\n");
    if let Some(c) = &t.caption {
        let _ = writeln!(h, "<figcaption class=\"nd30-caption\">{}</figcaption>", esc(c));
    }
    if let Some(u) = &t.unit_note {
        let _ = writeln!(h, "<p class=\"nd30-unit-note\">{}</p>", esc(u));
    }
    h.push_str("<div class=\"nd30-table-scroll\">\n<table>\n");
    let total: f64 = t.columns.iter().map(|c| f64::from(c.width)).sum();
    if total > 0.0 {
        h.push_str("<colgroup>");
        for c in &t.columns {
            let _ = write!(h, "<col style=\"width:{:.2}%\"/>", f64::from(c.width) * 100.0 / total);
        }
        h.push_str("</colgroup>\n");
    }
    h.push_str("<thead><tr>");
    for c in &t.columns {
        let _ = write!(h, "<th scope=\"col\" class=\"{}\">{}</th>", kind_class(c.kind), esc(&c.title));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in &t.rows {
        table_row(h, t, r);
    }
    h.push_str("</tbody>\n</table>\n</div>\n</figure>\n");
}

fn table_row(h: &mut String, t: &Table, r: &Row) {
    let _ = write!(h, "<tr class=\"{}\">", row_class(r.kind));
    // A row shorter than the header is padded so the borders stay whole.
    let n = r.cells.len().max(t.columns.len());
    for j in 0..n {
        let col = t.columns.get(j);
        let class = col.map_or("nd30-cell-text", |c| kind_class(c.kind));
        let text = r.cells.get(j).map(|c| esc(&c.display(col.map(|c| c.kind)))).unwrap_or_default();
        let _ = write!(h, "<td class=\"{class}\">{text}</td>");
    }
    h.push_str("</tr>\n");
}

/// "- Như trên;" … "- Lưu: VT." (a final ";" or "." already typed is not doubled).
/// `recipients` are the finished lines (`Document::recipient_lines`).
fn closing(h: &mut String, recipients: &[String], s: &Signer) {
    h.push_str("<div class=\"nd30-closing\">\n<div class=\"nd30-recipients\">\n");
    if !recipients.is_empty() {
        h.push_str("<p class=\"nd30-recipients-title\">Nơi nhận:</p>\n<ul>\n");
        for line in recipients {
            let _ = writeln!(h, "<li>{}</li>", esc(line));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</div>\n<div class=\"nd30-signer\">\n");
    if let Some(a) = &s.authority {
        let _ = writeln!(h, "<p class=\"nd30-authority\">{}</p>", esc(a));
    }
    let _ = writeln!(h, "<p class=\"nd30-signer-title\">{}</p>", esc(&s.title));
    h.push_str("<p class=\"nd30-signature-space\"></p>\n");
    let _ = writeln!(h, "<p class=\"nd30-signer-name\">{}</p>", esc(&s.name));
    h.push_str("</div>\n</div>\n");
}

fn appendix(h: &mut String, a: &Appendix) {
    let class = if a.landscape { "nd30-page nd30-appendix nd30-landscape" } else { "nd30-page nd30-appendix" };
    let _ = writeln!(h, "<section class=\"{class}\">\n<header class=\"nd30-appendix-head\">");
    let _ = writeln!(h, "<p class=\"nd30-appendix-label\">{}</p>", esc(&a.label));
    if !a.title.is_empty() {
        let _ = writeln!(h, "<p class=\"nd30-appendix-title\">{}</p>", esc(&a.title));
    }
    for s in &a.subtitle {
        let _ = writeln!(h, "<p class=\"nd30-appendix-subtitle\">{}</p>", esc(s));
    }
    h.push_str("</header>\n");
    for b in &a.blocks {
        block(h, b);
    }
    h.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn lh(date: Option<NaiveDate>) -> Letterhead {
        Letterhead {
            parent_body: None,
            issuing_body: "SỞ X".into(),
            number: "   /BC-SX".into(),
            place: "Hòa Lâm".into(),
            date,
            year: 2026,
        }
    }

    #[test]
    fn place_date_line_pads_day_and_first_two_months() {
        assert_eq!(place_date(&lh(NaiveDate::from_ymd_opt(2024, 2, 5))), "Hòa Lâm, ngày 05 tháng 02 năm 2024");
        assert_eq!(place_date(&lh(NaiveDate::from_ymd_opt(2024, 3, 15))), "Hòa Lâm, ngày 15 tháng 3 năm 2024");
        assert_eq!(place_date(&lh(NaiveDate::from_ymd_opt(2023, 12, 1))), "Hòa Lâm, ngày 01 tháng 12 năm 2023");
        assert!(place_date(&lh(None)).ends_with("năm 2026"));
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn css_is_scoped() {
        for line in PREVIEW_CSS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('}')) {
            assert!(line.starts_with(".nd30") || line.starts_with('@') || line.starts_with("td.nd30"), "{line}");
        }
    }
}
