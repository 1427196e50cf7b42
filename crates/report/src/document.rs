//! The document model: what an official report says, independent of how it
//! is written out (DOCX, HTML, XLSX). Templates evaluate to a `Document`;
//! renderers only lay it out. Pure data, no I/O.
//!
//! The parts follow Nghị định 30/2020/NĐ-CP (Mẫu 1.4): the letterhead
//! (parent body, issuing body, number line; national motto and slogan),
//! place and date, the kind ("BÁO CÁO") and summary, the body with numbered
//! headings, "Nơi nhận:" and the signer's block, then appendices (which may
//! be landscape for wide tables).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub letterhead: Letterhead,
    /// "BÁO CÁO", "KẾ HOẠCH".
    pub kind: String,
    /// The summary under the kind, one entry per line:
    /// ["Tình hình triển khai Đề án Chuyển đổi số của tỉnh Hòa Lâm", "đến tháng 8 năm 2023"].
    pub summary: Vec<String>,
    pub body: Vec<Block>,
    /// "Nơi nhận:" entries, each rendered with its leading "- " and final ";" or "." by the renderer.
    pub recipients: Vec<String>,
    pub signer: Signer,
    pub appendices: Vec<Appendix>,
}

/// The block at the top of page 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Letterhead {
    /// The body above the issuer, not bold: "UBND TỈNH HÒA LÂM".
    pub parent_body: Option<String>,
    /// The issuer, bold capitals: "SỞ KHOA HỌC VÀ CÔNG NGHỆ".
    pub issuing_body: String,
    /// The number and symbol after "Số: ", e.g. "05/BC-SKHCN"; a draft
    /// leaves the number blank: "   /BC-SKHCN".
    pub number: String,
    /// "Hòa Lâm" in "Hòa Lâm, ngày 05 tháng 02 năm 2024".
    pub place: String,
    /// None leaves the day blank for the signer ("ngày    tháng    năm 2026").
    pub date: Option<NaiveDate>,
    /// The year written when `date` is None.
    pub year: i32,
}

impl Letterhead {
    /// The number line: "Số: 05/BC-SKHCN".
    pub fn number_line(&self) -> String {
        format!("Số: {}", self.number)
    }

    /// The place and date line: "Hòa Lâm, ngày 05 tháng 02 năm 2024"; days
    /// below 10 and the months 1 and 2 take a leading zero. Without a date
    /// the day and month are left blank for the signer:
    /// "Hòa Lâm, ngày      tháng      năm 2026".
    pub fn place_date(&self) -> String {
        use chrono::Datelike;
        let place = self.place.trim();
        match self.date {
            Some(d) => {
                let month = if d.month() <= 2 { format!("{:02}", d.month()) } else { d.month().to_string() };
                format!("{place}, ngày {:02} tháng {month} năm {}", d.day(), d.year())
            }
            None => format!("{place}, ngày      tháng      năm {}", self.year),
        }
    }
}

impl Document {
    /// The "Nơi nhận:" lines as written: "- Như trên;" ... the last ends with ".".
    pub fn recipient_lines(&self) -> Vec<String> {
        let n = self.recipients.len();
        self.recipients
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let r = r.trim();
                let r = r.strip_prefix('-').unwrap_or(r).trim().trim_end_matches([';', '.', ',']).trim_end();
                format!("- {r}{}", if i + 1 == n { "." } else { ";" })
            })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signer {
    /// "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN" (None when the head signs).
    pub authority: Option<String>,
    /// "PHÓ GIÁM ĐỐC", "CHỦ TỊCH".
    pub title: String,
    /// The signer's full name, under the space for the signature.
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Appendix {
    /// "Phụ lục I".
    pub label: String,
    /// "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2026".
    pub title: String,
    /// Lines under the title, italic: "(Kèm theo Báo cáo số .../BC-SKHCN ngày ...)".
    pub subtitle: Vec<String>,
    pub landscape: bool,
    /// The size in points of its tables' text; 12 when absent. An appendix of
    /// long tables may take 13 so that most of the document keeps the body's
    /// 13–14 pt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_size: Option<u8>,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A numbered heading: level 1 "I.", 2 "1.", 3 "1.1.", 4 "a)". The
    /// number is part of the model so every output numbers alike.
    Heading {
        level: u8,
        number: String,
        text: String,
    },
    Paragraph {
        runs: Vec<Run>,
    },
    /// A bulleted list ("- " items), e.g. the units late this period.
    List {
        items: Vec<String>,
    },
    Table(Table),
}

impl Block {
    pub fn text(s: impl Into<String>) -> Block {
        Block::Paragraph { runs: vec![Run::plain(s)] }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bold: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub italic: bool,
}

impl Run {
    pub fn plain(s: impl Into<String>) -> Run {
        Run { text: s.into(), bold: false, italic: false }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Shown above the table, bold: "Bảng 1. Kết quả thực hiện chỉ tiêu".
    pub caption: Option<String>,
    /// Right-aligned above the table, italic: "ĐVT: Triệu đồng".
    pub unit_note: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub title: String,
    /// Share of the table's width, in percent; the renderer scales them to 100.
    pub width: u16,
    pub kind: ColumnKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Left-aligned text.
    Text,
    /// Centred short text: "STT", verdicts, dates.
    Centered,
    /// Right-aligned figures in Vietnamese format with this many decimals;
    /// totals rows sum them.
    Number { decimals: u8 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub kind: RowKind,
    pub cells: Vec<Cell>,
}

/// What a row is; totals are the sums of the figures they cover, so an
/// XLSX writer can put formulas there and a test can check them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// An ordinary row.
    Item,
    /// A bold heading row for the items below it ("I. Dự án chuyển tiếp"),
    /// its figures (if any) are the sum of its items up to the next group.
    Group,
    /// The sum of the items since the last group row.
    Subtotal,
    /// A heading over several groups ("A. VỐN ĐẦU TƯ CÔNG" above "I. SỞ ...");
    /// its figures are the sum of every item up to the next part or total row.
    Part,
    /// The sum of every item of the table ("Tổng cộng").
    Total,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Number(f64),
    Text(String),
    Empty,
}

impl Cell {
    /// The cell as written in a column of `kind`: figures of number columns
    /// with the column's decimals, other figures with at most two decimals
    /// and no trailing zeros, Vietnamese style (1.205.780; 92,12).
    pub fn display(&self, kind: Option<ColumnKind>) -> String {
        use chiso_core::number::{format_auto, format_number};
        match (self, kind) {
            (Cell::Number(x), Some(ColumnKind::Number { decimals })) => format_number(*x, decimals as usize),
            (Cell::Number(x), _) => format_auto(*x, 2),
            (Cell::Text(s), _) => s.clone(),
            (Cell::Empty, _) => String::new(),
        }
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Number(x) => Some(*x),
            _ => None,
        }
    }
}

impl Table {
    /// The sum that a group, subtotal or total row at `row` must show in
    /// column `col`: the items it covers. None for item rows.
    pub fn expected_sum(&self, row: usize, col: usize) -> Option<f64> {
        let kind = self.rows.get(row)?.kind;
        let covered: Vec<&Row> = match kind {
            RowKind::Item => return None,
            RowKind::Total => self.rows.iter().filter(|r| r.kind == RowKind::Item).collect(),
            RowKind::Group => self.rows[row + 1..].iter().take_while(|r| r.kind == RowKind::Item).collect(),
            RowKind::Part => self.rows[row + 1..]
                .iter()
                .take_while(|r| !matches!(r.kind, RowKind::Part | RowKind::Total))
                .filter(|r| r.kind == RowKind::Item)
                .collect(),
            RowKind::Subtotal => {
                let start = self.rows[..row].iter().rposition(|r| r.kind != RowKind::Item).map_or(0, |i| i + 1);
                self.rows[start..row].iter().collect()
            }
        };
        Some(covered.iter().filter_map(|r| r.cells.get(col).and_then(Cell::number)).sum())
    }

    /// Rows whose stated total differs from the sum of what it covers:
    /// (row, column, stated, sum).
    pub fn wrong_totals(&self) -> Vec<(usize, usize, f64, f64)> {
        let mut out = Vec::new();
        for (i, r) in self.rows.iter().enumerate() {
            for (j, c) in r.cells.iter().enumerate() {
                if let (Some(stated), Some(sum)) = (c.number(), self.expected_sum(i, j))
                    && (stated - sum).abs() > 1e-6 * sum.abs().max(1.0)
                {
                    out.push((i, j, stated, sum));
                }
            }
        }
        out
    }
}
