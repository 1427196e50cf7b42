//! The registers that reports draw on besides the periodic figures: the
//! projects-and-budgets register ([`budget`]), the plan's task assignments
//! ([`task`]) and the information systems with their security-level dossiers
//! ([`security`]), and the digital-transformation indices with their
//! assessors' scores ([`assess`]).
//!
//! `Registers` is what a file or the store holds (plain lists, serde forms
//! with `deny_unknown_fields`, like [`Metadata`](crate::metadata::Metadata)):
//!
//! ```yaml
//! state_budget: [{ year: 2026, amount: 11250000 }]
//! projects: [{ code: DA_01, name: ..., kind: public_investment, ... }]
//! recurrent_tasks: [{ code: TX_01, unit: SO_KHCN, year: 2026, amount: 1770, ... }]
//! tasks: [{ code: NV_01, name: ..., year: 2026, lead: [SO_KHCN], due: Tháng 09/2026 }]
//! progress_reports: [{ task: NV_01, date: 2026-06-30, by: SO_KHCN, percent: 60 }]
//! systems: [{ code: HT_QLVB, name: ..., owner: VP_UBND, level: 3 }]
//! dossiers: [{ code: HS_QLVB, system: HT_QLVB, submitted: 2026-03-02, history: [...] }]
//! indices: [{ code: DTI_2026, year: 2026, points: 1000, nodes: [...] }]
//! assessments: [{ index: DTI_2026, period: 2026, unit: H_AN_PHU, component: NT_CHI_DAO, score: 0.85 }]
//! ```
//!
//! [`Registers::validate`] checks it against a [`Model`] and lists every
//! problem at once with its place (`projects[DA_01].funding[1].amount: ...`).
//! The appendix tables of a plan (Phụ lục II, III, V, VI, VII of
//! `examples/004`) come out as an [`Appendix`]: a neutral table of rows
//! (grand total, group with subtotal, item) that the report crate maps to its
//! documents; every total row equals the sum of the item rows under it
//! ([`Appendix::check_totals`]).

pub mod assess;
pub mod budget;
pub mod security;
pub mod task;

pub use assess::{IndexAssessment, add_assessments};
pub use budget::{
    Allocation, BudgetKind, BudgetLine, Decision, Disbursement, Funding, InvestmentProject, Money, MoneyError,
    ProjectStatus, RecurrentTask, Source, StateBudget, YearSpan,
};
pub use security::{
    ApprovalAuthority, Dossier, DossierCounts, DossierStanding, DossierState, DossierStatus, DossierStep,
    InformationSystem,
};
pub use task::{ProgressReport, Standing, Task, TaskCounts, TaskState, TaskStatus};

use crate::metadata::Model;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The registers of one deployment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct Registers {
    /// The province's total state-budget spending per year (tổng chi ngân
    /// sách nhà nước), the denominator of the digital-transformation share.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub state_budget: Vec<StateBudget>,
    pub projects: Vec<InvestmentProject>,
    pub recurrent_tasks: Vec<RecurrentTask>,
    pub tasks: Vec<Task>,
    pub progress_reports: Vec<ProgressReport>,
    /// The information systems and their security levels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub systems: Vec<InformationSystem>,
    /// Their security-level dossiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dossiers: Vec<Dossier>,
    /// The digital-transformation indices, one per year (`DTI_2026`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indices: Vec<crate::index::Index>,
    /// The assessors' scores of the indices' `assessed` components.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assessments: Vec<IndexAssessment>,
}

impl Registers {
    /// Checks every reference and figure against `model`; all problems at once.
    pub fn validate(&self, model: &Model) -> Result<(), RegisterErrors> {
        let mut errs = Vec::new();
        budget::check(self, model, &mut errs);
        task::check(self, model, &mut errs);
        security::check(self, model, &mut errs);
        assess::check(self, model, &mut errs);
        if errs.is_empty() { Ok(()) } else { Err(RegisterErrors(errs)) }
    }
}

/// One problem in a register, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterError {
    /// "projects[DA_01].funding[1].amount" (list positions count from 0).
    pub place: String,
    pub message: String,
}

impl fmt::Display for RegisterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// All the problems found, so a user fixes a register in one pass.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("sổ theo dõi có {} lỗi:\n{}", .0.len(), .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
pub struct RegisterErrors(pub Vec<RegisterError>);

pub(crate) fn push(errs: &mut Vec<RegisterError>, place: impl Into<String>, message: impl Into<String>) {
    errs.push(RegisterError { place: place.into(), message: message.into() });
}

// ------------------------------------------------------------ the neutral table

/// A plan appendix as plain data: the report crate maps it to DOCX/XLSX/HTML.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Appendix {
    /// "DANH MỤC CÁC DỰ ÁN CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN ĐẦU TƯ CÔNG NĂM 2026".
    pub title: String,
    /// "ĐVT: Triệu đồng" for money tables.
    pub unit_note: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub header: String,
    /// Amount columns hold [`Cell::Amount`]; `summed` ones are totalled on
    /// total and group rows ("Vốn năm 2026"), others are not ("Tổng mức đầu tư").
    pub amount: bool,
    pub summed: bool,
}

impl Column {
    pub(crate) fn text(header: impl Into<String>) -> Column {
        Column { header: header.into(), amount: false, summed: false }
    }
    pub(crate) fn amount(header: impl Into<String>, summed: bool) -> Column {
        Column { header: header.into(), amount: true, summed }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// "TỔNG CỘNG": the sum of every item row.
    Total,
    /// A group heading with its subtotal ("I | SỞ KHOA HỌC VÀ CÔNG NGHỆ | 16.390");
    /// depth 0 is the outermost grouping.
    Group {
        depth: u8,
    },
    Item,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub kind: RowKind,
    /// One cell per column; column 0 is the number (Stt), column 1 the label.
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Empty,
    Text(String),
    Amount(Money),
}

impl Cell {
    /// The cell as it is printed: amounts in millions with dots, "75.152".
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Amount(m) => m.to_string(),
        }
    }
    pub fn amount(&self) -> Option<Money> {
        match self {
            Cell::Amount(m) => Some(*m),
            _ => None,
        }
    }
}

impl Appendix {
    /// The grand total of a summed column (zero when the table has no total row).
    pub fn total(&self, column: usize) -> Money {
        self.rows
            .iter()
            .find(|r| r.kind == RowKind::Total)
            .and_then(|r| r.cells.get(column))
            .and_then(Cell::amount)
            .unwrap_or_default()
    }

    /// Checks that every total and group row equals the sum of the item rows
    /// under it, in every summed column; the message names the row and column.
    pub fn check_totals(&self) -> Result<(), String> {
        for (c, col) in self.columns.iter().enumerate() {
            if !col.summed {
                continue;
            }
            let amount = |r: &Row| r.cells.get(c).and_then(Cell::amount).unwrap_or_default();
            for (i, row) in self.rows.iter().enumerate() {
                let want = match row.kind {
                    RowKind::Item => continue,
                    RowKind::Total => self.rows.iter().filter(|r| r.kind == RowKind::Item).map(amount).sum::<Money>(),
                    RowKind::Group { depth } => self.rows[i + 1..]
                        .iter()
                        .take_while(|r| !matches!(r.kind, RowKind::Group { depth: d } if d <= depth))
                        .take_while(|r| r.kind != RowKind::Total)
                        .filter(|r| r.kind == RowKind::Item)
                        .map(amount)
                        .sum(),
                };
                if amount(row) != want {
                    return Err(format!(
                        "dòng {} (\"{}\"), cột \"{}\": {} khác tổng các dòng {}",
                        i + 1,
                        row.cells.get(1).map(Cell::display).unwrap_or_default(),
                        col.header,
                        amount(row),
                        want
                    ));
                }
            }
        }
        Ok(())
    }
}

/// How an appendix groups its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Group items by their unit's ancestor at this level (the unit itself if
    /// it is shallower), with a subtotal per group, as Phụ lục III and VI do
    /// (a centre under Sở TT&TT counts in the Sở's group). `None`: one list.
    pub unit_level: Option<u8>,
    /// The grand total above the groups (III, VI) or below the items (II, V).
    pub total_first: bool,
}

impl Layout {
    /// One numbered list, the total last (Phụ lục II, V).
    pub fn flat() -> Layout {
        Layout { unit_level: None, total_first: false }
    }
    /// Groups by the unit at `level` with subtotals, the total first (Phụ lục III, VI).
    pub fn by_unit(level: u8) -> Layout {
        Layout { unit_level: Some(level), total_first: true }
    }
}

/// Where the grand total goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TotalAt {
    First,
    Last,
    Nowhere,
}

impl TotalAt {
    pub(crate) fn first(first: bool) -> TotalAt {
        if first { TotalAt::First } else { TotalAt::Last }
    }
}

/// An item of a table being built: the group path it belongs to (outermost
/// first, each a sort key and a label) and its cells from column 1 on.
pub(crate) struct Item {
    pub groups: Vec<(u64, String)>,
    pub cells: Vec<Cell>,
}

/// Numbers a group at `depth` of `levels` nested groupings: with two levels
/// A, B... then I, II...; with one level I, II...
fn group_number(depth: usize, levels: usize, n: usize) -> String {
    if levels >= 2 && depth == 0 {
        char::from(b'A' + ((n - 1) % 26) as u8).to_string()
    } else if depth + 1 == levels || levels == 1 {
        crate::number::roman(n)
    } else {
        n.to_string()
    }
}

/// Builds the rows: items sorted by their group keys (stable, so items keep
/// their order within a group), a group row with subtotals at each change of
/// group, numbers restarting at 1 in each innermost group, and a grand total.
pub(crate) fn build_rows(columns: &[Column], mut items: Vec<Item>, total: TotalAt) -> Vec<Row> {
    let levels = items.iter().map(|i| i.groups.len()).max().unwrap_or(0);
    items.sort_by(|a, b| {
        let ka: Vec<u64> = a.groups.iter().map(|g| g.0).collect();
        let kb: Vec<u64> = b.groups.iter().map(|g| g.0).collect();
        ka.cmp(&kb)
    });
    let sum_cells = |rows: &mut dyn Iterator<Item = &Item>| -> Vec<Money> {
        let mut sums = vec![Money::ZERO; columns.len()];
        for it in rows {
            for (c, cell) in it.cells.iter().enumerate() {
                if let Some(m) = cell.amount() {
                    sums[c + 1] += m;
                }
            }
        }
        sums
    };
    let summary = |number: String, label: String, sums: &[Money], kind: RowKind| -> Row {
        let mut cells = vec![Cell::Text(number), Cell::Text(label)];
        for (c, col) in columns.iter().enumerate().skip(2) {
            cells.push(if col.summed { Cell::Amount(sums[c]) } else { Cell::Empty });
        }
        Row { kind, cells }
    };
    let total_row = summary(String::new(), "TỔNG CỘNG".into(), &sum_cells(&mut items.iter()), RowKind::Total);
    let mut rows = Vec::new();
    if total == TotalAt::First {
        rows.push(total_row.clone());
    }
    let mut counters = vec![0usize; levels + 1];
    let mut current: Vec<u64> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let keys: Vec<u64> = it.groups.iter().map(|g| g.0).collect();
        // The first depth at which this item leaves the current group path.
        let first_change = (0..keys.len()).find(|&d| current.get(d) != Some(&keys[d]));
        if let Some(from) = first_change {
            for d in from..keys.len() {
                counters[d] += 1;
                for c in counters.iter_mut().skip(d + 1) {
                    *c = 0;
                }
                let prefix = &keys[..=d];
                let sums = sum_cells(&mut items[i..].iter().take_while(|x| {
                    x.groups.len() > d && x.groups[..=d].iter().map(|g| g.0).eq(prefix.iter().copied())
                }));
                rows.push(summary(
                    group_number(d, levels, counters[d]),
                    it.groups[d].1.clone(),
                    &sums,
                    RowKind::Group { depth: d as u8 },
                ));
            }
            current = keys;
        }
        counters[levels] += 1;
        let mut cells = vec![Cell::Text(counters[levels].to_string())];
        cells.extend(it.cells.iter().cloned());
        rows.push(Row { kind: RowKind::Item, cells });
    }
    if total == TotalAt::Last {
        rows.push(total_row);
    }
    rows
}

/// The group key and label of a unit rolled up to `level`: its preorder
/// position (so groups follow the tree) and its full name in capitals.
pub(crate) fn unit_group(model: &Model, unit: &crate::Code, level: u8) -> (u64, String) {
    let tree = model.tree();
    match tree.index(unit.as_str()) {
        Some(ix) => {
            let at = tree.ancestor_at_level(ix, level).unwrap_or(ix);
            (u64::from(at), tree.unit(at).name.to_uppercase())
        }
        None => (u64::MAX, unit.to_string().to_uppercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        let got: Vec<String> = [1, 2, 3, 4, 5, 6, 7, 9, 14, 40].into_iter().map(crate::number::roman).collect();
        assert_eq!(got, ["I", "II", "III", "IV", "V", "VI", "VII", "IX", "XIV", "XL"]);
        assert_eq!(group_number(0, 2, 2), "B");
        assert_eq!(group_number(1, 2, 3), "III");
        assert_eq!(group_number(0, 1, 3), "III");
    }

    fn item(groups: &[(u64, &str)], amount: i64) -> Item {
        Item {
            groups: groups.iter().map(|(k, l)| (*k, l.to_string())).collect(),
            cells: vec![Cell::Text("x".into()), Cell::Amount(Money::million(amount))],
        }
    }

    #[test]
    fn rows_group_number_and_total() {
        let cols = [Column::text("Stt"), Column::text("Tên"), Column::amount("Kinh phí", true)];
        let items = vec![item(&[(2, "B")], 5), item(&[(1, "A")], 1), item(&[(1, "A")], 2), item(&[(2, "B")], 7)];
        let rows = build_rows(&cols, items, TotalAt::First);
        let shown: Vec<Vec<String>> = rows.iter().map(|r| r.cells.iter().map(Cell::display).collect()).collect();
        assert_eq!(
            shown,
            [
                ["", "TỔNG CỘNG", "15"],
                ["I", "A", "3"],
                ["1", "x", "1"],
                ["2", "x", "2"],
                ["II", "B", "12"],
                ["1", "x", "5"],
                ["2", "x", "7"],
            ]
        );
        let table = Appendix { title: "t".into(), unit_note: None, columns: cols.to_vec(), rows };
        table.check_totals().unwrap();
        assert_eq!(table.total(2), Money::million(15));
        let mut broken = table.clone();
        broken.rows[4].cells[2] = Cell::Amount(Money::million(11));
        let e = broken.check_totals().unwrap_err();
        assert!(e.contains("dòng 5") && e.contains("11") && e.contains("12"), "{e}");
    }

    #[test]
    fn nested_groups_number_letters_then_romans() {
        let cols = [Column::text("Stt"), Column::text("Tên"), Column::amount("Kinh phí", true)];
        let items = vec![
            item(&[(1, "VỐN A"), (5, "SỞ X")], 1),
            item(&[(1, "VỐN A"), (6, "SỞ Y")], 2),
            item(&[(2, "VỐN B"), (5, "SỞ X")], 4),
        ];
        let rows = build_rows(&cols, items, TotalAt::Last);
        let shown: Vec<String> = rows
            .iter()
            .map(|r| format!("{}|{}|{}", r.cells[0].display(), r.cells[1].display(), r.cells[2].display()))
            .collect();
        assert_eq!(
            shown,
            ["A|VỐN A|3", "I|SỞ X|1", "1|x|1", "II|SỞ Y|2", "1|x|2", "B|VỐN B|4", "I|SỞ X|4", "1|x|4", "|TỔNG CỘNG|7"]
        );
        let table = Appendix { title: "t".into(), unit_note: None, columns: cols.to_vec(), rows };
        table.check_totals().unwrap();
    }

    #[test]
    fn flat_rows_number_through() {
        let cols = [Column::text("Stt"), Column::text("Tên"), Column::amount("Kinh phí", true)];
        let rows = build_rows(&cols, vec![item(&[], 1), item(&[], 2), item(&[], 3)], TotalAt::Last);
        let nums: Vec<String> = rows.iter().map(|r| r.cells[0].display()).collect();
        assert_eq!(nums, ["1", "2", "3", ""]);
        assert_eq!(rows[3].cells[2], Cell::Amount(Money::million(6)));
    }
}
