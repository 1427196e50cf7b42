//! The DOCX renderer: a [`Document`] laid out as an administrative document
//! of Nghị định 30/2020/NĐ-CP (Phụ lục I, Mẫu 1.4), which staff open in Word,
//! edit and sign.
//!
//! Layout, as the regulation and `DOMAIN.md` state it:
//! - A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm;
//!   Times New Roman everywhere (the fonts table names Liberation Serif as its
//!   alternative, which LibreOffice substitutes by metric compatibility).
//! - The letterhead is a borderless two-column table: the parent body (not
//!   bold) and the issuing body (bold) with a short rule under it, then
//!   "Số: ..." on the left; the national motto, the slogan with a rule as long
//!   as itself, then the place and date line in italics on the right.
//! - The kind ("BÁO CÁO") and the summary centred in bold, a short rule under
//!   them; the body justified with a first-line indent and 6 pt between
//!   paragraphs; headings numbered as the model says (I. and 1. bold, 1.1.
//!   bold italic, a) italic).
//! - Tables with borders, the header row repeated on each page, figures
//!   right-aligned in Vietnamese format, group / subtotal / total rows bold.
//! - "Nơi nhận:" (12 pt bold italic, its list 11 pt) on the left and the
//!   signer's block on the right, in a borderless table.
//! - Page numbers centred in the top margin, none on page 1.
//! - Each appendix in its own section, starting a new page (landscape when
//!   asked), its label and title centred in bold, the subtitle in italics;
//!   page numbering continues.
//!
//! `word/document.xml` is deterministic: the same `Document` gives the same
//! bytes (only `docProps/core.xml` carries timestamps).

use std::io::Cursor;

use docx_rs as dx;

use crate::document::{Appendix, Block, Cell, ColumnKind, Document, Letterhead, Row, RowKind, Signer, Table};

/// Why a document could not be written as DOCX.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("không ghi được tệp DOCX: {0}")]
    Write(#[from] dx::DocxError),
    #[error("bảng {table}: dòng {row} có {cells} ô nhưng bảng có {columns} cột")]
    RaggedRow { table: String, row: usize, cells: usize, columns: usize },
    #[error("bảng {table} không có cột nào")]
    NoColumns { table: String },
    #[error("lỗi nội bộ khi dựng tệp DOCX: {0}")]
    Internal(String),
}

/// The font every run names; the fonts table gives Liberation Serif as its
/// alternative (metric-compatible).
pub const FONT: &str = "Times New Roman";
/// The metric-compatible face named as the fallback in the fonts table.
pub const FALLBACK_FONT: &str = "Liberation Serif";

const fn mm(x: f64) -> i32 {
    // 1 mm = 1440 / 25.4 twips; rounded to the nearest twip.
    (x * 1440.0 / 25.4 + 0.5) as i32
}

/// A4 in twips.
pub const A4_SHORT: u32 = 11906;
pub const A4_LONG: u32 = 16838;

/// Portrait margins (twips): top, bottom 20 mm, left 30 mm, right 15 mm.
const PORTRAIT: Margins = Margins { top: mm(20.0), bottom: mm(20.0), left: mm(30.0), right: mm(15.0) };
/// Landscape pages are the portrait page turned: the binding edge (left,
/// 30 mm) is on top, the other three 20, 15 and 20 mm.
const LANDSCAPE: Margins = Margins { top: mm(30.0), bottom: mm(15.0), left: mm(20.0), right: mm(20.0) };
/// Distance from the page edge to the header (the page number), in the top margin.
const HEADER_DISTANCE: i32 = mm(10.0);

#[derive(Clone, Copy, Debug)]
struct Margins {
    top: i32,
    bottom: i32,
    left: i32,
    right: i32,
}

/// Sizes in half-points.
const BODY: usize = 28; // 14 pt
const NUMBER_LINE: usize = 26; // 13 pt
const LETTERHEAD_LEFT: usize = 26; // 13 pt
const MOTTO: usize = 24; // 12 pt
const SLOGAN: usize = 26; // 13 pt
const TABLE_TEXT: usize = 24; // 12 pt
const RECIPIENTS_HEADING: usize = 24; // 12 pt
const RECIPIENTS: usize = 22; // 11 pt

/// First-line indent of body paragraphs: 1 cm... 1,27 cm; 1 cm here.
const FIRST_LINE: i32 = mm(10.0);
/// 6 pt between paragraphs.
const PARA_SPACING: u32 = 120;

/// The marker height (twips) that identifies table header rows in the built
/// XML, where `w:tblHeader` (which docx-rs cannot write) is added.
const HEADER_ROW_HEIGHT: f32 = 397.0;
const HEADER_ROW_MARKER: &str = r#"<w:trHeight w:val="397" w:hRule="atLeast" />"#;
const HEADER_ROW_REPLACEMENT: &str = r#"<w:tblHeader /><w:trHeight w:val="397" w:hRule="atLeast" />"#;

/// Writes `doc` as a DOCX package.
pub fn to_docx(doc: &Document) -> Result<Vec<u8>, DocxError> {
    let mut header_rows = 0usize;
    let mut parts = vec![Part { items: main_part(doc, &mut header_rows)?, landscape: false }];
    for a in &doc.appendices {
        parts.push(Part { items: appendix_part(a, &mut header_rows)?, landscape: a.landscape });
    }

    let mut docx = dx::Docx::new().default_fonts(fonts()).default_size(BODY).default_tab_stop(720);
    let last = parts.len() - 1;
    for (i, part) in parts.into_iter().enumerate() {
        let (w, h) = if part.landscape { (A4_LONG, A4_SHORT) } else { (A4_SHORT, A4_LONG) };
        let m = page_margin(if part.landscape { LANDSCAPE } else { PORTRAIT });
        let orient =
            if part.landscape { dx::PageOrientationType::Landscape } else { dx::PageOrientationType::Portrait };
        if i < last {
            let mut s = dx::Section::new().page_size(dx::PageSize::new().size(w, h)).page_margin(m);
            if part.landscape {
                s = s.page_orient(orient);
            }
            for it in part.items {
                s = match it {
                    Item::P(p) => s.add_paragraph(*p),
                    Item::T(t) => s.add_table(*t),
                };
            }
            docx = docx.add_section(s);
        } else {
            docx = docx.page_size(w, h).page_margin(m);
            if part.landscape {
                docx = docx.page_orient(orient);
            }
            // The headers go on the last section here (docx-rs keeps only one
            // header per `Section`) and move to the first in `move_headers`.
            docx = docx.header(page_number_header()).first_header(dx::Header::new().add_paragraph(empty_header_para()));
            for it in part.items {
                docx = match it {
                    Item::P(p) => docx.add_paragraph(*p),
                    Item::T(t) => docx.add_table(*t),
                };
            }
        }
    }

    let mut xml = docx.build();
    let document =
        String::from_utf8(std::mem::take(&mut xml.document)).map_err(|e| DocxError::Internal(e.to_string()))?;
    let document = renumber_para_ids(&move_headers(&mark_header_rows(document, header_rows)?)?);
    xml.document = document.into_bytes();
    xml.font_table = font_table().into_bytes();
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(dx::DocxError::from)?;
    Ok(out.into_inner())
}

// ---------------------------------------------------------------------------
// Parts and sections

enum Item {
    P(Box<dx::Paragraph>),
    T(Box<dx::Table>),
}

impl Item {
    fn p(p: dx::Paragraph) -> Item {
        Item::P(Box::new(p))
    }
    fn t(t: dx::Table) -> Item {
        Item::T(Box::new(t))
    }
}

struct Part {
    items: Vec<Item>,
    landscape: bool,
}

fn page_margin(m: Margins) -> dx::PageMargin {
    dx::PageMargin {
        top: m.top,
        left: m.left,
        bottom: m.bottom,
        right: m.right,
        header: HEADER_DISTANCE,
        footer: HEADER_DISTANCE,
        gutter: 0,
    }
}

/// The width (twips) between the margins.
fn text_width(landscape: bool) -> usize {
    let (w, m) = if landscape { (A4_LONG, LANDSCAPE) } else { (A4_SHORT, PORTRAIT) };
    (w as i32 - m.left - m.right) as usize
}

fn main_part(doc: &Document, header_rows: &mut usize) -> Result<Vec<Item>, DocxError> {
    let width = text_width(false);
    let mut items = vec![Item::t(letterhead(&doc.letterhead, width))];

    // The kind and the summary, with a short rule under them.
    items.push(Item::p(
        para(dx::AlignmentType::Center, 360, 0)
            .keep_next(true)
            .add_run(run(&doc.kind.to_uppercase(), Style::new(BODY).bold())),
    ));
    for line in &doc.summary {
        items.push(Item::p(
            para(dx::AlignmentType::Center, 0, 0).keep_next(true).add_run(run(line, Style::new(BODY).bold())),
        ));
    }
    let longest = doc.summary.iter().map(|s| text_extent(s, BODY, true)).max().unwrap_or(0).min(width);
    items.push(Item::p(rule(width, (longest / 3).max(mm(25.0) as usize).min(width), 100)));

    let mut before = 240;
    for b in &doc.body {
        block(&mut items, b, width, before, header_rows, TABLE_TEXT)?;
        before = if matches!(b, Block::Table(_)) { 240 } else { PARA_SPACING };
    }
    items.push(Item::p(para(dx::AlignmentType::Left, 0, 0).add_run(run("", Style::new(BODY)))));
    items.push(Item::t(closing(&doc.recipient_lines(), &doc.signer, width)));
    Ok(items)
}

fn appendix_part(a: &Appendix, header_rows: &mut usize) -> Result<Vec<Item>, DocxError> {
    let width = text_width(a.landscape);
    let mut items = vec![
        Item::p(para(dx::AlignmentType::Center, 0, 0).keep_next(true).add_run(run(&a.label, Style::new(BODY).bold()))),
        Item::p(para(dx::AlignmentType::Center, 0, 0).keep_next(true).add_run(run(&a.title, Style::new(BODY).bold()))),
    ];
    for s in &a.subtitle {
        items.push(Item::p(
            para(dx::AlignmentType::Center, 0, 0).keep_next(true).add_run(run(s, Style::new(BODY).italic())),
        ));
    }
    items.push(Item::p(para(dx::AlignmentType::Center, 0, 0).add_run(run("", Style::new(BODY)))));
    let mut before = 0;
    // The appendix's own size for its tables' text (half-points), within 11–14 pt.
    let table_text = a.text_size.map_or(TABLE_TEXT, |pt| usize::from(pt.clamp(11, 14)) * 2);
    for b in &a.blocks {
        block(&mut items, b, width, before, header_rows, table_text)?;
        before = if matches!(b, Block::Table(_)) { 240 } else { PARA_SPACING };
    }
    // Word wants a paragraph after a table that ends a section.
    if matches!(items.last(), Some(Item::T(_))) {
        items.push(Item::p(para(dx::AlignmentType::Left, 0, 0)));
    }
    Ok(items)
}

// ---------------------------------------------------------------------------
// Letterhead and closing

fn letterhead(l: &Letterhead, width: usize) -> dx::Table {
    let left_w = width * 41 / 100;
    let right_w = width - left_w;
    let tight = |a| para(a, 0, 0);

    let mut left = dx::TableCell::new().width(left_w, dx::WidthType::Dxa);
    if let Some(parent) = &l.parent_body {
        left = left.add_paragraph(tight(dx::AlignmentType::Center).add_run(run(
            &balance_lines(&parent.to_uppercase(), LETTERHEAD_LEFT, false, left_w),
            Style::new(LETTERHEAD_LEFT),
        )));
    }
    let issuer = balance_lines(&l.issuing_body.to_uppercase(), LETTERHEAD_LEFT, true, left_w);
    left =
        left.add_paragraph(tight(dx::AlignmentType::Center).add_run(run(&issuer, Style::new(LETTERHEAD_LEFT).bold())));
    // A rule 1/3 to 1/2 as long as the issuer's longest line, centred under it.
    let issuer_line = issuer.lines().map(|s| text_extent(s, LETTERHEAD_LEFT, true)).max().unwrap_or(0).min(left_w);
    left = left.add_paragraph(rule(left_w, (issuer_line * 2 / 5).max(mm(15.0) as usize), 80));

    let slogan = "Độc lập - Tự do - Hạnh phúc";
    let right = dx::TableCell::new()
        .width(right_w, dx::WidthType::Dxa)
        .add_paragraph(
            tight(dx::AlignmentType::Center)
                .add_run(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Style::new(MOTTO).bold())),
        )
        .add_paragraph(tight(dx::AlignmentType::Center).add_run(run(slogan, Style::new(SLOGAN).bold())))
        .add_paragraph(rule(right_w, text_extent(slogan, SLOGAN, true), 80));

    let number = dx::TableCell::new()
        .width(left_w, dx::WidthType::Dxa)
        .add_paragraph(para(dx::AlignmentType::Center, 60, 0).add_run(run(&l.number_line(), Style::new(NUMBER_LINE))));
    let date = dx::TableCell::new()
        .width(right_w, dx::WidthType::Dxa)
        .add_paragraph(para(dx::AlignmentType::Center, 60, 0).add_run(run(&l.place_date(), Style::new(BODY).italic())));

    borderless(vec![dx::TableRow::new(vec![left, right]), dx::TableRow::new(vec![number, date])], &[left_w, right_w])
}

/// `recipients` are the finished lines (`Document::recipient_lines`).
fn closing(recipients: &[String], signer: &Signer, width: usize) -> dx::Table {
    let left_w = width * 45 / 100;
    let right_w = width - left_w;

    let mut left = dx::TableCell::new().width(left_w, dx::WidthType::Dxa);
    if !recipients.is_empty() {
        left = left.add_paragraph(
            para(dx::AlignmentType::Left, 0, 0)
                .add_run(run("Nơi nhận:", Style::new(RECIPIENTS_HEADING).bold().italic())),
        );
        for r in recipients {
            left = left.add_paragraph(para(dx::AlignmentType::Left, 0, 0).add_run(run(r, Style::new(RECIPIENTS))));
        }
    } else {
        left = left.add_paragraph(para(dx::AlignmentType::Left, 0, 0));
    }

    let centred = |text: &str| {
        para(dx::AlignmentType::Center, 0, 0)
            .keep_next(true)
            .add_run(run(&text.to_uppercase(), Style::new(BODY).bold()))
    };
    let mut right = dx::TableCell::new().width(right_w, dx::WidthType::Dxa);
    if let Some(a) = &signer.authority {
        right = right.add_paragraph(centred(a));
    }
    right = right.add_paragraph(centred(&signer.title));
    // Room for the signature and the seal.
    for _ in 0..5 {
        right = right
            .add_paragraph(para(dx::AlignmentType::Center, 0, 0).keep_next(true).add_run(run("", Style::new(BODY))));
    }
    right = right
        .add_paragraph(para(dx::AlignmentType::Center, 0, 0).add_run(run(signer.name.trim(), Style::new(BODY).bold())));

    borderless(vec![dx::TableRow::new(vec![left, right]).cant_split()], &[left_w, right_w])
}

fn borderless(rows: Vec<dx::TableRow>, grid: &[usize]) -> dx::Table {
    let mut borders = dx::TableBorders::with_empty();
    for pos in [
        dx::TableBorderPosition::Top,
        dx::TableBorderPosition::Left,
        dx::TableBorderPosition::Bottom,
        dx::TableBorderPosition::Right,
        dx::TableBorderPosition::InsideH,
        dx::TableBorderPosition::InsideV,
    ] {
        borders = borders.set(dx::TableBorder::new(pos).border_type(dx::BorderType::None).size(0));
    }
    dx::Table::without_borders(rows)
        .set_borders(borders)
        .set_grid(grid.to_vec())
        .width(grid.iter().sum(), dx::WidthType::Dxa)
        .layout(dx::TableLayoutType::Fixed)
        .margins(dx::TableCellMargins::new().margin(0, 0, 0, 0))
}

/// A short horizontal rule of `len` twips centred in `width`: an empty
/// paragraph with a top border and indents, which Word keeps editable.
fn rule(width: usize, len: usize, before: u32) -> dx::Paragraph {
    let len = len.min(width);
    let side = ((width - len) / 2) as i32;
    dx::Paragraph::new()
        .align(dx::AlignmentType::Center)
        .indent(Some(side), None, Some(side), None)
        .line_spacing(dx::LineSpacing::new().before(before).after(0).line(80).line_rule(dx::LineSpacingType::Exact))
        .size(8)
        .fonts(fonts())
        .set_borders(
            dx::ParagraphBorders::with_empty().set(
                dx::ParagraphBorder::new(dx::ParagraphBorderPosition::Top)
                    .val(dx::BorderType::Single)
                    .size(6)
                    .space(1)
                    .color("000000"),
            ),
        )
}

/// Breaks a name that does not fit on one line of `width` twips into two
/// lines of about equal length ("SỞ THÔNG TIN VÀ" / "TRUYỀN THÔNG") rather
/// than leaving one word on the second line. Text with its own line breaks is
/// kept as it is.
fn balance_lines(text: &str, size: usize, bold: bool, width: usize) -> String {
    let text = text.trim();
    if text.contains('\n') || text_extent(text, size, bold) <= width {
        return text.to_string();
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut best: Option<(usize, usize)> = None;
    for k in 1..words.len() {
        let a = text_extent(&words[..k].join(" "), size, bold);
        let b = text_extent(&words[k..].join(" "), size, bold);
        // On a tie the longer first line wins.
        if best.is_none_or(|(m, _)| a.max(b) <= m) {
            best = Some((a.max(b), k));
        }
    }
    match best {
        Some((m, k)) if m <= width => format!("{}\n{}", words[..k].join(" "), words[k..].join(" ")),
        _ => text.to_string(),
    }
}

/// A rough width (twips) of `text` set in Times New Roman at `size`
/// half-points, to size the rules under the issuer, the slogan and the
/// summary. Average advance widths in ems, per kind of character.
fn text_extent(text: &str, size: usize, bold: bool) -> usize {
    let ems: f64 = text
        .chars()
        .map(|c| {
            if c == ' ' {
                0.25
            } else if c.is_uppercase() {
                if bold { 0.72 } else { 0.68 }
            } else if c.is_alphabetic() {
                if bold { 0.5 } else { 0.46 }
            } else if c.is_ascii_digit() {
                0.5
            } else {
                0.33
            }
        })
        .sum();
    // size is in half-points; one point is 20 twips.
    (ems * size as f64 * 10.0).round() as usize
}

// ---------------------------------------------------------------------------
// Body blocks

fn block(
    items: &mut Vec<Item>,
    b: &Block,
    width: usize,
    before: u32,
    rows: &mut usize,
    table_text: usize,
) -> Result<(), DocxError> {
    match b {
        Block::Heading { level, number, text } => {
            let style = match level {
                0..=2 => Style::new(BODY).bold(),
                3 => Style::new(BODY).bold().italic(),
                _ => Style::new(BODY).italic(),
            };
            let label = if number.trim().is_empty() { text.clone() } else { format!("{} {}", number.trim(), text) };
            items.push(Item::p(body_para(before).keep_next(true).add_run(run(&label, style))));
        }
        Block::Paragraph { runs } => {
            let mut p = body_para(before);
            for r in runs {
                let mut s = Style::new(BODY);
                s.bold = r.bold;
                s.italic = r.italic;
                p = p.add_run(run(&r.text, s));
            }
            items.push(Item::p(p));
        }
        Block::List { items: list } => {
            for (i, it) in list.iter().enumerate() {
                let t = it.trim();
                let t = t.strip_prefix("- ").unwrap_or(t);
                items.push(Item::p(
                    body_para(if i == 0 { before } else { PARA_SPACING })
                        .add_run(run(&format!("- {t}"), Style::new(BODY))),
                ));
            }
        }
        Block::Table(t) => table(items, t, width, before, rows, table_text)?,
    }
    Ok(())
}

fn body_para(before: u32) -> dx::Paragraph {
    dx::Paragraph::new()
        .align(dx::AlignmentType::Both)
        .indent(None, Some(dx::SpecialIndentType::FirstLine(FIRST_LINE)), None, None)
        .line_spacing(dx::LineSpacing::new().before(before).after(0).line(276).line_rule(dx::LineSpacingType::Auto))
        .widow_control(true)
        .size(BODY)
        .fonts(fonts())
}

fn table(
    items: &mut Vec<Item>,
    t: &Table,
    width: usize,
    before: u32,
    rows: &mut usize,
    text: usize,
) -> Result<(), DocxError> {
    let name = t.caption.clone().unwrap_or_else(|| "(không tên)".to_string());
    let n = t.columns.len();
    if n == 0 {
        return Err(DocxError::NoColumns { table: name });
    }
    for (i, r) in t.rows.iter().enumerate() {
        if r.cells.len() > n {
            return Err(DocxError::RaggedRow { table: name, row: i + 1, cells: r.cells.len(), columns: n });
        }
    }

    let mut before = before;
    if let Some(c) = &t.caption {
        items.push(Item::p(
            para(dx::AlignmentType::Center, before, 60).keep_next(true).add_run(run(c, Style::new(BODY).bold())),
        ));
        before = 0;
    }
    if let Some(u) = &t.unit_note {
        items.push(Item::p(
            para(dx::AlignmentType::Right, before, 60)
                .keep_next(true)
                .add_run(run(u, Style::new(NUMBER_LINE).italic())),
        ));
    } else if before > 0 {
        // Space above a table without a caption.
        items.push(Item::p(para(dx::AlignmentType::Left, 0, 0).line_spacing(
            dx::LineSpacing::new().before(0).after(0).line(before as i32).line_rule(dx::LineSpacingType::Exact),
        )));
    }

    // Column widths: shares scaled to the text width; the last takes the rest.
    let total: usize = t.columns.iter().map(|c| c.width.max(1) as usize).sum();
    let mut grid: Vec<usize> = t.columns.iter().map(|c| width * c.width.max(1) as usize / total).collect();
    let used: usize = grid[..n - 1].iter().sum();
    grid[n - 1] = width - used;

    let header = dx::TableRow::new(
        t.columns
            .iter()
            .zip(&grid)
            .map(|(c, w)| {
                cell(*w).add_paragraph(
                    cell_para(dx::AlignmentType::Center, text).add_run(run(&c.title, Style::new(text).bold())),
                )
            })
            .collect(),
    )
    .cant_split()
    .row_height(HEADER_ROW_HEIGHT)
    .height_rule(dx::HeightRule::AtLeast);
    *rows += 1;

    let mut out = vec![header];
    for r in &t.rows {
        out.push(body_row(r, t, &grid, text));
    }
    let mut borders = dx::TableBorders::new();
    for pos in [
        dx::TableBorderPosition::Top,
        dx::TableBorderPosition::Left,
        dx::TableBorderPosition::Bottom,
        dx::TableBorderPosition::Right,
        dx::TableBorderPosition::InsideH,
        dx::TableBorderPosition::InsideV,
    ] {
        borders = borders.set(dx::TableBorder::new(pos).border_type(dx::BorderType::Single).size(4).color("000000"));
    }
    items.push(Item::t(
        dx::Table::new(out)
            .set_borders(borders)
            .set_grid(grid.clone())
            .width(width, dx::WidthType::Dxa)
            .layout(dx::TableLayoutType::Fixed)
            .margins(dx::TableCellMargins::new().margin(0, 85, 0, 85)),
    ));
    Ok(())
}

fn body_row(r: &Row, t: &Table, grid: &[usize], text: usize) -> dx::TableRow {
    let bold = matches!(r.kind, RowKind::Group | RowKind::Part | RowKind::Subtotal | RowKind::Total);
    let cells = t
        .columns
        .iter()
        .zip(grid)
        .enumerate()
        .map(|(j, (col, w))| {
            let c = r.cells.get(j).unwrap_or(&Cell::Empty);
            let align = match col.kind {
                ColumnKind::Text => dx::AlignmentType::Left,
                ColumnKind::Centered => dx::AlignmentType::Center,
                ColumnKind::Number { .. } => dx::AlignmentType::Right,
            };
            let mut s = Style::new(text);
            s.bold = bold;
            cell(*w).add_paragraph(cell_para(align, text).add_run(run(&c.display(Some(col.kind)), s)))
        })
        .collect();
    dx::TableRow::new(cells).cant_split()
}

fn cell(w: usize) -> dx::TableCell {
    dx::TableCell::new().width(w, dx::WidthType::Dxa).vertical_align(dx::VAlignType::Center)
}

fn cell_para(align: dx::AlignmentType, text: usize) -> dx::Paragraph {
    para(align, 40, 40).size(text)
}

// ---------------------------------------------------------------------------
// Runs and paragraphs

#[derive(Clone, Copy)]
struct Style {
    size: usize,
    bold: bool,
    italic: bool,
}

impl Style {
    fn new(size: usize) -> Style {
        Style { size, bold: false, italic: false }
    }
    fn bold(mut self) -> Style {
        self.bold = true;
        self
    }
    fn italic(mut self) -> Style {
        self.italic = true;
        self
    }
}

fn fonts() -> dx::RunFonts {
    dx::RunFonts::new().ascii(FONT).hi_ansi(FONT).east_asia(FONT).cs(FONT)
}

/// A run in Times New Roman; line breaks in `text` become `w:br`.
fn run(text: &str, s: Style) -> dx::Run {
    let mut r = dx::Run::new().fonts(fonts()).size(s.size);
    if s.bold {
        r = r.bold();
    }
    if s.italic {
        r = r.italic();
    }
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(dx::BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    r
}

/// A single-spaced paragraph with `before` / `after` spacing (twips).
fn para(align: dx::AlignmentType, before: u32, after: u32) -> dx::Paragraph {
    dx::Paragraph::new()
        .align(align)
        .line_spacing(dx::LineSpacing::new().before(before).after(after).line(240).line_rule(dx::LineSpacingType::Auto))
        .fonts(fonts())
}

fn page_number_header() -> dx::Header {
    let field = dx::Run::new()
        .fonts(fonts())
        .size(BODY)
        .add_field_char(dx::FieldCharType::Begin, false)
        .add_instr_text(dx::InstrText::PAGE(dx::InstrPAGE {}))
        .add_field_char(dx::FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(dx::FieldCharType::End, false);
    dx::Header::new().add_paragraph(para(dx::AlignmentType::Center, 0, 0).add_run(field))
}

fn empty_header_para() -> dx::Paragraph {
    para(dx::AlignmentType::Center, 0, 0)
}

// ---------------------------------------------------------------------------
// Post-processing of the built parts

/// Adds `w:tblHeader` (repeat as header row on each page) to the header rows,
/// found by their marker height.
fn mark_header_rows(xml: String, expected: usize) -> Result<String, DocxError> {
    let found = xml.matches(HEADER_ROW_MARKER).count();
    if found != expected {
        return Err(DocxError::Internal(format!("tìm thấy {found} dòng tiêu đề bảng, cần {expected}")));
    }
    Ok(xml.replace(HEADER_ROW_MARKER, HEADER_ROW_REPLACEMENT))
}

/// Moves the page-number headers and the different first page (`titlePg`)
/// from the last section, where docx-rs wrote them, to the first: the
/// report's first page has no number, the appendix sections inherit the
/// default header (so numbering shows and continues there) and their first
/// pages are numbered. The references go first in `w:sectPr`, as the schema
/// orders them.
fn move_headers(xml: &str) -> Result<String, DocxError> {
    const OPEN: &str = "<w:sectPr>";
    const CLOSE: &str = "</w:sectPr>";
    const TITLE_PG: &str = "<w:titlePg />";
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(start) = xml[from..].find(OPEN).map(|i| from + i) {
        let end = xml[start..]
            .find(CLOSE)
            .map(|i| start + i + CLOSE.len())
            .ok_or_else(|| DocxError::Internal("w:sectPr không đóng".to_string()))?;
        ranges.push(start..end);
        from = end;
    }
    let (Some(first), Some(last)) = (ranges.first().cloned(), ranges.last().cloned()) else {
        return Err(DocxError::Internal("không có w:sectPr".to_string()));
    };

    // Pull the header references out of the last section.
    let mut last_sect = xml[last.clone()].to_string();
    let mut refs = Vec::new();
    while let Some(i) = last_sect.find("<w:headerReference ") {
        let j = last_sect[i..]
            .find("/>")
            .map(|j| i + j + 2)
            .ok_or_else(|| DocxError::Internal("w:headerReference không đóng".to_string()))?;
        refs.push(last_sect[i..j].to_string());
        last_sect.replace_range(i..j, "");
    }
    let has_title_pg = last_sect.contains(TITLE_PG);
    last_sect = last_sect.replace(TITLE_PG, "");
    let default_ref: Vec<&String> = refs.iter().filter(|r| r.contains(r#"w:type="default""#)).collect();

    let with_refs = |sect: &str, refs: &[&String], title_pg: bool| {
        let inner = &sect[OPEN.len()..sect.len() - CLOSE.len()];
        let refs: String = refs.iter().map(|r| r.as_str()).collect();
        format!("{OPEN}{refs}{inner}{}{CLOSE}", if title_pg { TITLE_PG } else { "" })
    };
    let all: Vec<&String> = refs.iter().collect();
    if first == last {
        return Ok(format!("{}{}{}", &xml[..first.start], with_refs(&last_sect, &all, has_title_pg), &xml[last.end..]));
    }
    let first_sect = with_refs(&xml[first.clone()], &all, has_title_pg);
    let last_sect = with_refs(&last_sect, &default_ref, false);
    Ok(format!("{}{}{}{}{}", &xml[..first.start], first_sect, &xml[first.end..last.start], last_sect, &xml[last.end..]))
}

/// Numbers the paragraphs' `w14:paraId` in document order. docx-rs draws them
/// from a per-thread counter that is not reset between documents, so the
/// same document would otherwise get other ids on a second rendering. They
/// start high to stay clear of the ids of the header parts.
fn renumber_para_ids(xml: &str) -> String {
    const ATTR: &str = "w14:paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    let mut next = 0x0010_0000u32;
    while let Some(i) = rest.find(ATTR) {
        let start = i + ATTR.len();
        let Some(len) = rest[start..].find('"') else { break };
        out.push_str(&rest[..start]);
        out.push_str(&format!("{next:08X}"));
        next += 1;
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// The fonts table: Times New Roman with Liberation Serif (metric-compatible)
/// as its alternative name, and Liberation Serif itself.
fn font_table() -> String {
    let font = |name: &str, alt: &str, panose: &str| {
        format!(
            r#"<w:font w:name="{name}"><w:altName w:val="{alt}" /><w:panose1 w:val="{panose}" /><w:charset w:val="00" /><w:family w:val="roman" /><w:pitch w:val="variable" /></w:font>"#
        )
    };
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
            r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{}{}"#,
            r#"<w:font w:name="Symbol"><w:charset w:val="02" /><w:family w:val="roman" /><w:pitch w:val="variable" /></w:font>"#,
            r#"</w:fonts>"#
        ),
        font(FONT, FALLBACK_FONT, "02020603050405020304"),
        font(FALLBACK_FONT, FONT, "02020603050405020304"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_in_twips() {
        assert_eq!(PORTRAIT.top, 1134);
        assert_eq!(PORTRAIT.left, 1701);
        assert_eq!(PORTRAIT.right, 850);
        assert!((f64::from(PORTRAIT.right) / 56.692_913 - 15.0).abs() < 0.1);
    }
}
