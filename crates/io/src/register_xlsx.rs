//! The projects appendix workbook offices keep (the layout of Phụ lục V of
//! a yearly plan): one row per investment project under a header row with
//! columns such as "STT", "Tên dự án", "Chủ đầu tư / đơn vị thực hiện",
//! "Quyết định phê duyệt" (or "QĐ đầu tư"), "Tổng mức đầu tư", "Thời gian
//! thực hiện", "Nguồn vốn", "Vốn bố trí năm 2026" (one column per year),
//! "Ghi chú", and optionally "Mã dự án", "Mục tiêu", "Trụ cột", "Hiện trạng".
//! Headers are matched loosely (case, spaces and punctuation ignored) and
//! the columns may come in any order; the header row is found among the
//! first rows of each sheet, and sheets without one are skipped.
//!
//! Rows whose STT is not a number are group headings, subtotals, totals
//! ("TỔNG CỘNG") or a header repeated after a page break: skipped. Amounts
//! are millions of đồng, as numbers or Vietnamese text ("43.037", "12,5").
//! Every problem names the sheet, the cell and its column; all are listed.
//! What a row does not state is filled in as documented in
//! `crates/io/REGISTERS.md` (code `DA_<STT>`, source NSĐP, status from the
//! decision), and the projects are then checked with the whole register.

use crate::error::{ImportError, IoError, Location, file_label};
use crate::xlsx::cell_name;
use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use chiso_core::Code;
use chiso_core::metadata::Model;
use chiso_core::register::{
    Allocation, BudgetKind, Decision, Funding, InvestmentProject, Money, ProjectStatus, Source, YearSpan,
};
use chrono::NaiveDate;
use std::path::Path;

/// Rows searched for the header row.
const HEADER_SEARCH: usize = 15;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Stt,
    Code,
    Name,
    Unit,
    Decision,
    Total,
    Period,
    Source,
    /// Capital allocated for this year.
    Allocation(i32),
    Note,
    Objective,
    Pillar,
    Status,
}

/// Lower-cased header without spaces and punctuation: "Vốn bố trí năm 2026" → "vốnbốtrínăm2026".
fn key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase()
}

fn year_in(k: &str) -> Option<i32> {
    let digits: Vec<char> = k.chars().collect();
    digits.windows(4).rev().find_map(|w| {
        let s: String = w.iter().collect();
        s.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y) && w.iter().all(char::is_ascii_digit))
    })
}

fn role(header: &str) -> Option<Role> {
    let k = key(header);
    let has = |s: &str| k.contains(s);
    Some(if k == "stt" || k == "tt" || k == "sốtt" {
        Role::Stt
    } else if k == "mã" || k == "mãdựán" || k == "code" {
        Role::Code
    } else if has("têndựán") || k == "tên" || has("danhmụcdựán") {
        Role::Name
    } else if has("nguồnvốn") || has("nguồnkinhphí") {
        Role::Source
    } else if has("tổngmức") {
        Role::Total
    } else if has("vốn") && year_in(&k).is_some() {
        Role::Allocation(year_in(&k)?)
    } else if has("chủđầutư") || has("đơnvịthựchiện") || k == "đơnvị" {
        Role::Unit
    } else if has("quyếtđịnh") || k.starts_with("qđ") {
        Role::Decision
    } else if has("thờigian") {
        Role::Period
    } else if has("ghichú") {
        Role::Note
    } else if has("mụctiêu") {
        Role::Objective
    } else if has("trụcột") || has("lĩnhvực") {
        Role::Pillar
    } else if has("hiệntrạng") || has("tìnhtrạng") || has("trạngthái") {
        Role::Status
    } else {
        return None;
    })
}

fn text(d: &Data) -> Option<String> {
    let s = match d {
        Data::Empty => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => chiso_core::element::plain(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => chiso_core::element::plain(dt.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    };
    (!s.is_empty()).then_some(s)
}

/// A column of the header row: its index, what it holds, its header text.
type HeaderCol = (u32, Role, String);

/// The header row of a sheet: its index and the columns it names.
fn header(range: &Range<Data>) -> Option<(usize, Vec<HeaderCol>)> {
    for (r, row) in range.rows().take(HEADER_SEARCH).enumerate() {
        let cols: Vec<HeaderCol> = row
            .iter()
            .enumerate()
            .filter_map(|(c, d)| {
                let h = text(d)?;
                Some((c as u32, role(&h)?, h))
            })
            .collect();
        if cols.iter().any(|(_, r, _)| *r == Role::Name) {
            return Some((r, cols));
        }
    }
    None
}

/// Whether a workbook holds the projects appendix: a "Tên dự án" header in
/// the first rows of one of its sheets.
pub(crate) fn is_projects_workbook(path: &Path) -> Result<bool, IoError> {
    // A workbook that cannot be opened is left to the data importer, which says why.
    let Ok(mut book) = open_workbook::<Xlsx<_>, _>(path) else { return Ok(false) };
    for name in book.sheet_names() {
        if let Ok(range) = book.worksheet_range(&name)
            && header(&range).is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Reads the investment projects of a projects appendix workbook, in sheet
/// and row order, and every problem found (sheet, cell, column). Units are
/// found in `model` by code or by name.
pub fn read_projects_xlsx(path: &Path, model: &Model) -> Result<(Vec<InvestmentProject>, Vec<ImportError>), IoError> {
    let file = file_label(path);
    let mut book: Xlsx<_> =
        open_workbook(path).map_err(|e| IoError::format(&file, format!("không đọc được tệp Excel: {e}")))?;
    let mut projects = Vec::new();
    let mut errors = Vec::new();
    let mut found = false;
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| IoError::format(&file, format!("không đọc được trang \"{name}\": {e}")))?;
        let Some((head, cols)) = header(&range) else { continue };
        found = true;
        let sheet = Sheet { file: &file, name: &name, range: &range, cols, model };
        sheet.read(head, &mut projects, &mut errors);
    }
    if !found {
        return Err(IoError::format(&file, "không có trang nào có cột \"Tên dự án\""));
    }
    Ok((projects, errors))
}

struct Sheet<'a> {
    file: &'a str,
    name: &'a str,
    range: &'a Range<Data>,
    cols: Vec<HeaderCol>,
    model: &'a Model,
}

/// The cells of one row, by role.
struct RowCells<'s> {
    sheet: &'s Sheet<'s>,
    /// Row index within the sheet (0-based, absolute).
    row: u32,
    cells: &'s [Data],
    errors: Vec<ImportError>,
}

impl RowCells<'_> {
    fn col(&self, role: Role) -> Option<&HeaderCol> {
        self.sheet.cols.iter().find(|(_, r, _)| *r == role)
    }
    fn data(&self, col: u32) -> &Data {
        let start = self.sheet.range.start().map_or(0, |(_, c)| c);
        col.checked_sub(start).and_then(|i| self.cells.get(i as usize)).unwrap_or(&Data::Empty)
    }
    fn text(&self, role: Role) -> Option<String> {
        self.col(role).and_then(|(c, _, _)| text(self.data(*c)))
    }
    fn error(&mut self, col: Option<u32>, header: &str, message: impl Into<String>) {
        let cell = cell_name(self.row, col.unwrap_or(0));
        self.errors.push(ImportError {
            file: self.sheet.file.to_string(),
            location: Location::Cell { sheet: self.sheet.name.to_string(), cell },
            field: header.to_string(),
            message: message.into(),
        });
    }
    /// An amount cell in millions: a number, or Vietnamese text.
    fn money_at(&mut self, col: u32, header: &str) -> Option<Money> {
        let d = self.data(col).clone();
        let r = match &d {
            Data::Empty => return None,
            Data::Int(i) => Money::from_million(*i as f64),
            Data::Float(f) => Money::from_million(*f),
            Data::String(s) if s.trim().is_empty() || s.trim() == "-" => return None,
            Data::String(s) => Money::parse_million(s.trim()),
            other => {
                self.error(Some(col), header, format!("\"{}\" không phải số tiền", text(other).unwrap_or_default()));
                return None;
            }
        };
        match r {
            Ok(m) => Some(m),
            Err(e) => {
                self.error(
                    Some(col),
                    header,
                    format!("\"{}\" không phải số tiền (triệu đồng): {e}", text(&d).unwrap_or_default()),
                );
                None
            }
        }
    }
}

/// "Số 1153/QĐ-UBND-HC ngày 21/10/2022; 1126/QĐ-UBND-HC ngày 10/8/2021":
/// the decisions, or `Ok(empty)` for text naming none ("Đang thực hiện thủ tục...").
fn decisions(s: &str) -> Result<Vec<Decision>, String> {
    let mut out = Vec::new();
    for part in s.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((number, date)) = part.split_once(" ngày ") else { continue };
        let number = number.trim();
        let number = number.strip_prefix("Số").or_else(|| number.strip_prefix("số")).unwrap_or(number).trim();
        let date_text = date.trim().trim_end_matches(['.', ',']).split_whitespace().next().unwrap_or("");
        let date = NaiveDate::parse_from_str(date_text, "%d/%m/%Y")
            .map_err(|_| format!("ngày \"{date_text}\" của quyết định {number} không hợp lệ (cần dd/mm/yyyy)"))?;
        out.push(Decision { number: number.to_string(), date, authority: "UBND tỉnh".into() });
    }
    Ok(out)
}

/// "2022 - 2024", "2022-2024", "2026".
fn year_span(s: &str) -> Option<YearSpan> {
    let parts: Vec<&str> = s.split(['-', '–', '—']).map(str::trim).collect();
    let year = |t: &str| t.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y));
    match parts.as_slice() {
        [one] => year(one).map(|y| YearSpan { from: y, to: y }),
        [a, b] => Some(YearSpan { from: year(a)?, to: year(b)? }),
        _ => None,
    }
}

/// "NSTW", "Vốn XSKT", "NSĐP", another name.
fn source(s: &str) -> Source {
    let t = s.trim();
    let bare = ["Vốn ", "vốn ", "Nguồn ", "nguồn "].iter().find_map(|p| t.strip_prefix(p)).unwrap_or(t).trim();
    match bare.to_uppercase().replace('Đ', "D").as_str() {
        "NSTW" | "TW" | "NGÂN SÁCH TRUNG ƯƠNG" => Source::Nstw,
        "NSDP" | "NGÂN SÁCH DỊA PHƯƠNG" | "NGÂN SÁCH TỈNH" => Source::Nsdp,
        "XSKT" | "XỔ SỐ KIẾN THIẾT" => Source::Xskt,
        _ => Source::Other(bare.to_string()),
    }
}

/// Whether a note names only a source ("NSTW", "Vốn XSKT").
fn is_source_word(s: &str) -> bool {
    !matches!(source(s), Source::Other(_))
}

/// "NSTW" or "NSTW: 4.341; XSKT: 1.000".
fn funding(s: &str, total: Money) -> Result<Vec<Funding>, String> {
    let parts: Vec<&str> = s.split([';', '\n', '+']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let mut out = Vec::new();
    for p in &parts {
        match p.split_once(':') {
            Some((src, amount)) => {
                let amount = Money::parse_million(amount.trim())
                    .map_err(|e| format!("số tiền \"{}\" của nguồn {} không hợp lệ: {e}", amount.trim(), src.trim()))?;
                out.push(Funding { source: source(src), amount });
            }
            None if parts.len() == 1 => out.push(Funding { source: source(p), amount: total }),
            None => return Err(format!("ghi số tiền của từng nguồn: \"{p}: số tiền\"")),
        }
    }
    Ok(out)
}

fn status(s: &str) -> Option<ProjectStatus> {
    let k = key(s);
    [ProjectStatus::Planned, ProjectStatus::Ongoing, ProjectStatus::Completed, ProjectStatus::Suspended]
        .into_iter()
        .find(|st| key(st.label_vi()) == k)
        .or_else(|| {
            Some(if k.contains("hoànthành") || k.contains("đưavàosửdụng") {
                ProjectStatus::Completed
            } else if k.contains("tạmdừng") {
                ProjectStatus::Suspended
            } else if k.contains("chuẩnbị") || k.contains("chủtrương") {
                ProjectStatus::Planned
            } else if k.contains("đangtriểnkhai") || k.contains("đangthựchiện") || k.contains("chuyểntiếp")
            {
                ProjectStatus::Ongoing
            } else {
                return None;
            })
        })
}

/// A unit by code, or by name or short name (case, spacing and punctuation ignored).
fn find_unit(model: &Model, s: &str) -> Option<Code> {
    let tree = model.tree();
    if tree.index(s).is_some() {
        return Code::new(s).ok();
    }
    let k = key(s);
    let units = tree.units();
    units
        .iter()
        .find(|u| key(&u.name) == k)
        .or_else(|| units.iter().find(|u| u.short_name.as_deref().is_some_and(|n| key(n) == k)))
        .map(|u| u.code.clone())
}

impl<'a> Sheet<'a> {
    fn read(&'a self, head: usize, projects: &mut Vec<InvestmentProject>, errors: &mut Vec<ImportError>) {
        let first_row = self.range.start().map_or(0, |(r, _)| r);
        for (i, cells) in self.range.rows().enumerate().skip(head + 1) {
            let mut row = RowCells { sheet: self, row: first_row + i as u32, cells, errors: Vec::new() };
            if let Some(p) = self.project(&mut row) {
                projects.push(p);
            }
            errors.append(&mut row.errors);
        }
    }

    /// The project of an item row; `None` for a skipped row or one with errors.
    fn project(&self, row: &mut RowCells<'_>) -> Option<InvestmentProject> {
        if row.cells.iter().all(|d| text(d).is_none()) {
            return None;
        }
        // Group, subtotal and total rows, and repeated headers, have no number.
        let stt = row.text(Role::Stt);
        let number = match (&stt, row.col(Role::Stt)) {
            (Some(s), _) => match s.trim_end_matches('.').parse::<u32>() {
                Ok(n) => n,
                Err(_) => return None,
            },
            (None, Some(_)) => return None,
            (None, None) => row.row,
        };
        let before = row.errors.len();
        let header = |role: Role| -> (Option<u32>, String) {
            self.cols
                .iter()
                .find(|(_, r, _)| *r == role)
                .map_or((None, String::new()), |(c, _, h)| (Some(*c), h.clone()))
        };
        let name = match row.text(Role::Name) {
            Some(n) => n,
            None => {
                let (c, h) = header(Role::Name);
                row.error(c, &h, "dòng có STT nhưng chưa có tên dự án");
                return None;
            }
        };
        let code_text = row.text(Role::Code).unwrap_or_else(|| format!("DA_{number:02}"));
        let code = match Code::new(&code_text) {
            Ok(c) => Some(c),
            Err(e) => {
                let (c, h) = header(Role::Code);
                row.error(c, &h, format!("mã \"{code_text}\" không hợp lệ: {e}"));
                None
            }
        };
        let unit = match (row.text(Role::Unit), header(Role::Unit)) {
            (_, (None, _)) => {
                row.error(None, "", "trang không có cột \"Chủ đầu tư / đơn vị thực hiện\"");
                None
            }
            (None, (c, h)) => {
                row.error(c, &h, "chưa ghi đơn vị thực hiện");
                None
            }
            (Some(u), (c, h)) => {
                let found = find_unit(self.model, &u);
                if found.is_none() {
                    row.error(c, &h, format!("đơn vị \"{u}\" không có trong danh mục đơn vị (ghi mã hoặc tên đầy đủ)"));
                }
                found
            }
        };
        let decisions = match row.text(Role::Decision).map(|s| decisions(&s)).transpose() {
            Ok(d) => d.unwrap_or_default(),
            Err(e) => {
                let (c, h) = header(Role::Decision);
                row.error(c, &h, e);
                Vec::new()
            }
        };
        let total = match header(Role::Total) {
            (Some(c), h) => row.money_at(c, &h),
            (None, _) => None,
        };
        let mut allocations = Vec::new();
        let year_cols: Vec<(u32, i32, String)> = self
            .cols
            .iter()
            .filter_map(|(c, r, h)| match r {
                Role::Allocation(y) => Some((*c, *y, h.clone())),
                _ => None,
            })
            .collect();
        for (c, year, h) in year_cols {
            if let Some(amount) = row.money_at(c, &h) {
                allocations.push(Allocation { year, source: None, amount });
            }
        }
        let total = match total {
            Some(t) => t,
            None => {
                let (c, h) = header(Role::Total);
                if row.errors.len() == before {
                    row.error(c, if h.is_empty() { "Tổng mức đầu tư" } else { &h }, "chưa ghi tổng mức đầu tư");
                }
                return None;
            }
        };
        let note = row.text(Role::Note);
        let funding = match (row.text(Role::Source), &note) {
            (Some(s), _) => match funding(&s, total) {
                Ok(f) => f,
                Err(e) => {
                    let (c, h) = header(Role::Source);
                    row.error(c, &h, e);
                    Vec::new()
                }
            },
            (None, Some(n)) if is_source_word(n) => vec![Funding { source: source(n), amount: total }],
            (None, _) => vec![Funding { source: Source::Nsdp, amount: total }],
        };
        let years = allocations.iter().map(|a| a.year);
        let period = match row.text(Role::Period) {
            Some(s) => match year_span(&s) {
                Some(y) => Some(y),
                None => {
                    let (c, h) = header(Role::Period);
                    row.error(c, &h, format!("\"{s}\" không phải thời gian thực hiện (như \"2025 - 2027\")"));
                    None
                }
            },
            None => match (years.clone().min(), years.max()) {
                (Some(from), Some(to)) => Some(YearSpan { from, to }),
                _ => {
                    let (c, h) = header(Role::Period);
                    row.error(c, if h.is_empty() { "Thời gian thực hiện" } else { &h }, "chưa ghi thời gian thực hiện");
                    None
                }
            },
        };
        let status = match row.text(Role::Status) {
            Some(s) => match status(&s) {
                Some(st) => st,
                None => {
                    let (c, h) = header(Role::Status);
                    row.error(c, &h, format!("hiện trạng \"{s}\" không rõ (Chuẩn bị đầu tư, Đang triển khai, Đã đưa vào sử dụng, Tạm dừng)"));
                    return None;
                }
            },
            None if decisions.is_empty() => ProjectStatus::Planned,
            None => ProjectStatus::Ongoing,
        };
        let pillar = match row.text(Role::Pillar).map(|p| Code::new(&p).map_err(|e| (p, e))).transpose() {
            Ok(p) => p,
            Err((p, e)) => {
                let (c, h) = header(Role::Pillar);
                row.error(c, &h, format!("mã trụ cột \"{p}\" không hợp lệ: {e}"));
                None
            }
        };
        if row.errors.len() > before {
            return None;
        }
        let (code, unit, period) = (code?, unit?, period?);
        // The plan's year is the sheet's last year column: a project begun
        // before it is a transition one, unless its note says "Khởi công mới".
        let plan_year = self
            .cols
            .iter()
            .filter_map(|(_, r, _)| match r {
                Role::Allocation(y) => Some(*y),
                _ => None,
            })
            .max()
            .unwrap_or(period.from);
        let new_start = note.as_deref().is_some_and(|n| key(n).contains("khởicôngmới"));
        Some(InvestmentProject {
            code,
            name,
            decisions,
            total_investment: total,
            period,
            funding,
            kind: BudgetKind::PublicInvestment,
            unit,
            objective: row.text(Role::Objective).unwrap_or_default(),
            pillar,
            status,
            transition: !new_start && period.from < plan_year,
            allocations,
            disbursements: Vec::new(),
            note: note.filter(|n| !is_source_word(n)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_loosely() {
        assert_eq!(role("STT"), Some(Role::Stt));
        assert_eq!(role("Tên dự án"), Some(Role::Name));
        assert_eq!(role("Chủ đầu tư / đơn vị thực hiện"), Some(Role::Unit));
        assert_eq!(role("Quyết định phê duyệt"), Some(Role::Decision));
        assert_eq!(role("QĐ đầu tư"), Some(Role::Decision));
        assert_eq!(role("Tổng mức đầu tư"), Some(Role::Total));
        assert_eq!(role("Nguồn vốn"), Some(Role::Source));
        assert_eq!(role("Vốn bố trí năm 2026"), Some(Role::Allocation(2026)));
        assert_eq!(role("Vốn năm 2023"), Some(Role::Allocation(2023)));
        assert_eq!(role("Thời gian thực hiện"), Some(Role::Period));
        assert_eq!(role("Ghi chú"), Some(Role::Note));
        assert_eq!(role("Xyz"), None);
    }

    #[test]
    fn decisions_sources_and_spans() {
        let d = decisions("Số 528/QĐ-UBND.HC ngày 10/5/2021; 1126/QĐ-UBND-HC ngày 10/8/2021").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].number, "528/QĐ-UBND.HC");
        assert_eq!(d[1].date, NaiveDate::from_ymd_opt(2021, 8, 10).unwrap());
        assert!(decisions("Đang thực hiện thủ tục xin chủ trương đầu tư").unwrap().is_empty());
        assert!(decisions("Số 1/QĐ-UBND ngày 31/02/2021").unwrap_err().contains("31/02/2021"));
        assert_eq!(source("Vốn XSKT"), Source::Xskt);
        assert_eq!(source("NSĐP"), Source::Nsdp);
        let f = funding("NSTW: 4.341; XSKT: 1.000", Money::million(5341)).unwrap();
        assert_eq!(f[1], Funding { source: Source::Xskt, amount: Money::million(1000) });
        assert!(funding("NSTW; XSKT", Money::million(1)).is_err());
        assert_eq!(year_span("2022 - 2024"), Some(YearSpan { from: 2022, to: 2024 }));
        assert_eq!(year_span("2026"), Some(YearSpan { from: 2026, to: 2026 }));
        assert_eq!(year_span("sớm"), None);
    }
}
