//! The projects-and-budgets register: investment projects (dự án, with their
//! decisions, total investment, funding sources, yearly allocations and
//! disbursements) and recurrent-budget tasks (nhiệm vụ chi thường xuyên).
//!
//! **Money is exact.** Amounts are [`Money`]: a whole number of thousand đồng
//! in an `i64`, entered and shown in millions of đồng ("ĐVT: Triệu đồng"), so
//! every total is an integer sum and a table's total equals the sum of its
//! rows to the last đồng shown. Only a share ([`share_of_budget`], the
//! disbursement rate) is an `f64`, computed once from two exact sums (a ratio
//! of sums, never an average of rates).
//!
//! **What is summed.** A [`BudgetLine`] is one allocation of a project for one
//! year and one source, or one recurrent task's amount for one source; the
//! totals by year, source, unit, pillar and kind add up lines. A recurrent task
//! that states no funding split is local budget (NSĐP): provincial recurrent
//! spending is, unless a central programme pays a part (then it lists its
//! `funding`). An allocation without a source takes the project's only
//! funding source; with several sources it must name one (the validation says
//! so), and until it does its line has no source.
//!
//! **Disbursements** are amounts paid in a period or on a day (not running
//! totals). One counts as of `as_of` when its day (the date, or the end of its
//! period) is on or before `as_of`; for a project it counts against the
//! allocation of the year of that day, for a recurrent task against the task's
//! year.

use super::{Appendix, Column, Item, Layout, RegisterError, Registers, TotalAt, build_rows, push, unit_group};
use crate::code::Code;
use crate::metadata::Model;
use crate::number::{format_auto, format_billion_vnd, parse_number};
use crate::period::Period;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

// ------------------------------------------------------------------ money

/// An amount of money held exactly as a whole number of thousand đồng, entered
/// and shown in millions of đồng. In files: a number of millions with at most
/// three decimals (`5600`, `12.5`), or a Vietnamese-formatted text (`"5.600"`,
/// `"12,5"`). Displays as the tables print it: `75.152`, `12,5`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MoneyError {
    #[error("số tiền \"{0}\" không phải là số")]
    NotANumber(String),
    #[error("số tiền {0} triệu đồng lẻ dưới 1.000 đồng (tối đa 3 chữ số thập phân)")]
    TooPrecise(String),
    #[error("số tiền {0} triệu đồng quá lớn")]
    TooLarge(String),
}

/// Largest amount accepted: 10^15 thousand đồng, far beyond any budget and
/// exactly representable in an f64.
const MAX_THOUSAND: i64 = 1_000_000_000_000_000;

impl Money {
    pub const ZERO: Money = Money(0);

    /// `n` million đồng.
    pub const fn million(n: i64) -> Money {
        Money(n * 1000)
    }
    /// `n` thousand đồng.
    pub const fn from_thousand(n: i64) -> Money {
        Money(n)
    }
    /// An amount stated in millions: `Money::from_million(12.5)` is 12.500.000 đồng.
    pub fn from_million(x: f64) -> Result<Money, MoneyError> {
        if !x.is_finite() {
            return Err(MoneyError::NotANumber(x.to_string()));
        }
        let t = x * 1000.0;
        if t.abs() > MAX_THOUSAND as f64 {
            return Err(MoneyError::TooLarge(format_auto(x, 3)));
        }
        let r = t.round();
        if (t - r).abs() > 1e-6 * r.abs().max(1.0) {
            return Err(MoneyError::TooPrecise(x.to_string()));
        }
        Ok(Money(r as i64))
    }
    /// Reads "5.600", "12,5", "5600" (millions).
    pub fn parse_million(s: &str) -> Result<Money, MoneyError> {
        let x = parse_number(s).map_err(|_| MoneyError::NotANumber(s.to_string()))?;
        Money::from_million(x)
    }
    pub fn thousand(self) -> i64 {
        self.0
    }
    /// The amount in millions (exact below 9·10^12 million).
    pub fn as_million(self) -> f64 {
        self.0 as f64 / 1000.0
    }
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
    /// Stated in billions as plan texts do: "105,24 tỷ đồng".
    pub fn billion_text(self) -> String {
        format_billion_vnd(self.as_million())
    }
    /// `self` as a percentage of `whole`; `None` when `whole` is zero.
    pub fn percent_of(self, whole: Money) -> Option<f64> {
        (whole.0 != 0).then(|| self.0 as f64 / whole.0 as f64 * 100.0)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_auto(self.as_million(), 3))
    }
}
impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        self.0 -= o.0;
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(it: I) -> Money {
        Money(it.map(|m| m.0).sum())
    }
}
impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(it: I) -> Money {
        it.copied().sum()
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 1000 == 0 { s.serialize_i64(self.0 / 1000) } else { s.serialize_f64(self.as_million()) }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("số tiền (triệu đồng), như 5600, 12.5 hoặc \"5.600\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
                v.checked_mul(1000)
                    .filter(|t| t.abs() <= MAX_THOUSAND)
                    .map(Money)
                    .ok_or_else(|| E::custom(MoneyError::TooLarge(v.to_string())))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
                let v = i64::try_from(v).map_err(|_| E::custom(MoneyError::TooLarge(v.to_string())))?;
                self.visit_i64(v)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Money, E> {
                Money::from_million(v).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse_million(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

// ------------------------------------------------------------------ words

/// Where money comes from. In files: `NSTW`, `NSDP` (or `NSĐP`), `XSKT`, or
/// `{ other: "Vốn ODA" }`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "SourceRepr", into = "SourceRepr")]
pub enum Source {
    /// Ngân sách trung ương.
    Nstw,
    /// Ngân sách địa phương.
    Nsdp,
    /// Xổ số kiến thiết (the lottery fund).
    Xskt,
    Other(String),
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum SourceRepr {
    Word(String),
    Other { other: String },
}

impl TryFrom<SourceRepr> for Source {
    type Error = String;
    fn try_from(r: SourceRepr) -> Result<Source, String> {
        match r {
            SourceRepr::Other { other } if !other.trim().is_empty() => Ok(Source::Other(other.trim().to_string())),
            SourceRepr::Other { .. } => Err("nguồn vốn khác cần có tên".into()),
            SourceRepr::Word(w) => match w.trim().to_uppercase().replace('Đ', "D").as_str() {
                "NSTW" => Ok(Source::Nstw),
                "NSDP" => Ok(Source::Nsdp),
                "XSKT" => Ok(Source::Xskt),
                _ => Err(format!("nguồn vốn \"{w}\" không hợp lệ (cần NSTW, NSDP, XSKT hoặc {{ other: tên }})")),
            },
        }
    }
}

impl From<Source> for SourceRepr {
    fn from(s: Source) -> SourceRepr {
        match s {
            Source::Nstw => SourceRepr::Word("NSTW".into()),
            Source::Nsdp => SourceRepr::Word("NSDP".into()),
            Source::Xskt => SourceRepr::Word("XSKT".into()),
            Source::Other(other) => SourceRepr::Other { other },
        }
    }
}

impl Source {
    /// "NSTW", "NSĐP", "XSKT", or the other source's name.
    pub fn label(&self) -> &str {
        match self {
            Source::Nstw => "NSTW",
            Source::Nsdp => "NSĐP",
            Source::Xskt => "XSKT",
            Source::Other(s) => s,
        }
    }
    pub fn name_vi(&self) -> &str {
        match self {
            Source::Nstw => "Ngân sách trung ương",
            Source::Nsdp => "Ngân sách địa phương",
            Source::Xskt => "Xổ số kiến thiết",
            Source::Other(s) => s,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Public investment (vốn đầu tư công) or recurrent spending (chi thường xuyên).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetKind {
    PublicInvestment,
    Recurrent,
}

impl BudgetKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            BudgetKind::PublicInvestment => "Vốn đầu tư công",
            BudgetKind::Recurrent => "Vốn chi thường xuyên",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// Chuẩn bị đầu tư: no investment decision yet.
    Planned,
    Ongoing,
    /// Đã đưa vào sử dụng.
    Completed,
    Suspended,
}

impl ProjectStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            ProjectStatus::Planned => "Chuẩn bị đầu tư",
            ProjectStatus::Ongoing => "Đang triển khai",
            ProjectStatus::Completed => "Đã đưa vào sử dụng",
            ProjectStatus::Suspended => "Tạm dừng",
        }
    }
}

// ------------------------------------------------------------------ records

/// An investment decision or its amendment: "Số 1153/QĐ-UBND ngày 21/10/2022".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// "1153/QĐ-UBND".
    pub number: String,
    pub date: NaiveDate,
    /// "UBND tỉnh", "Chủ tịch UBND tỉnh".
    pub authority: String,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Số {} ngày {}", self.number, self.date.format("%d/%m/%Y"))
    }
}

/// The years a project runs, both included: `{ from: 2025, to: 2027 }`, shown "2025 - 2027".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearSpan {
    pub from: i32,
    pub to: i32,
}

impl YearSpan {
    pub fn contains(&self, year: i32) -> bool {
        (self.from..=self.to).contains(&year)
    }
}

impl fmt::Display for YearSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} - {}", self.from, self.to)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    pub source: Source,
    pub amount: Money,
}

/// Capital allocated to a project for a year (vốn bố trí).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    pub year: i32,
    /// The project's only funding source when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    pub amount: Money,
}

/// An amount paid (giải ngân) on a day or in a period: `{ date: 2026-11-20, amount: 450 }`
/// or `{ period: 202610, amount: 1200 }`; exactly one of the two.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disbursement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    pub amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Disbursement {
    /// The day it counts from: the date, or the last day of the period.
    pub fn day(&self) -> Option<NaiveDate> {
        self.date.or_else(|| self.period.map(|p| p.end()))
    }
    fn counts_by(&self, as_of: NaiveDate) -> bool {
        self.day().is_some_and(|d| d <= as_of)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestmentProject {
    pub code: Code,
    pub name: String,
    /// The investment decision and its amendments, oldest first; none yet
    /// while the project is being prepared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
    /// Tổng mức đầu tư.
    pub total_investment: Money,
    /// Thời gian thực hiện.
    pub period: YearSpan,
    /// The sources and their shares of the total investment.
    pub funding: Vec<Funding>,
    pub kind: BudgetKind,
    /// The implementing unit (đơn vị thực hiện / chủ đầu tư).
    pub unit: Code,
    /// Mục tiêu đầu tư.
    #[serde(default)]
    pub objective: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pillar: Option<Code>,
    pub status: ProjectStatus,
    /// Dự án chuyển tiếp (continued from an earlier year) rather than khởi công mới.
    #[serde(default)]
    pub transition: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allocations: Vec<Allocation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disbursements: Vec<Disbursement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl InvestmentProject {
    /// The source an allocation draws on: its own, or the project's only one.
    pub fn source_of<'a>(&'a self, a: &'a Allocation) -> Option<&'a Source> {
        let only = match self.funding.as_slice() {
            [only] => Some(&only.source),
            _ => None,
        };
        a.source.as_ref().or(only)
    }
    pub fn allocated_in(&self, year: i32) -> Money {
        self.allocations.iter().filter(|a| a.year == year).map(|a| a.amount).sum()
    }
    pub fn allocated(&self) -> Money {
        self.allocations.iter().map(|a| a.amount).sum()
    }
    /// Paid in `year` up to `as_of`.
    pub fn disbursed_in(&self, year: i32, as_of: NaiveDate) -> Money {
        self.disbursements
            .iter()
            .filter(|d| d.counts_by(as_of) && d.day().is_some_and(|x| x.year() == year))
            .map(|d| d.amount)
            .sum()
    }
    /// Paid since the start, up to `as_of`.
    pub fn disbursed_until(&self, as_of: NaiveDate) -> Money {
        self.disbursements.iter().filter(|d| d.counts_by(as_of)).map(|d| d.amount).sum()
    }
    /// Paid in `year` up to `as_of` as a percentage of the year's allocation.
    pub fn disbursement_rate(&self, year: i32, as_of: NaiveDate) -> Option<f64> {
        self.disbursed_in(year, as_of).percent_of(self.allocated_in(year))
    }
    /// The year's allocation by source, sources in their order in `funding`.
    pub fn allocation_by_source(&self, year: i32) -> Vec<(Option<&Source>, Money)> {
        let mut out: Vec<(Option<&Source>, Money)> = Vec::new();
        for a in self.allocations.iter().filter(|a| a.year == year) {
            let s = self.source_of(a);
            match out.iter_mut().find(|(x, _)| *x == s) {
                Some((_, m)) => *m += a.amount,
                None => out.push((s, a.amount)),
            }
        }
        let rank = |s: &Option<&Source>| self.funding.iter().position(|f| Some(&f.source) == *s).unwrap_or(usize::MAX);
        out.sort_by_key(|(s, _)| rank(s));
        out
    }
}

/// A recurrent-budget task of one year (Phụ lục III, VI).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurrentTask {
    pub code: Code,
    pub unit: Code,
    pub name: String,
    pub year: i32,
    /// Kinh phí bố trí.
    pub amount: Money,
    /// The budget line as the plan names it: "SNKT", "QLNN", "SN GDĐT", "Chi khác".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_line: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pillar: Option<Code>,
    /// The split by source when not all local budget ("Nguồn TW: 350 trđ;
    /// địa phương (đối ứng): 150 trđ"); empty: all NSĐP.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<Funding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disbursements: Vec<Disbursement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RecurrentTask {
    pub fn disbursed(&self, as_of: NaiveDate) -> Money {
        self.disbursements.iter().filter(|d| d.counts_by(as_of)).map(|d| d.amount).sum()
    }
    /// The amount by source: `funding`, or all of it from NSĐP.
    pub fn by_source(&self) -> Vec<(Source, Money)> {
        if self.funding.is_empty() {
            vec![(Source::Nsdp, self.amount)]
        } else {
            self.funding.iter().map(|f| (f.source.clone(), f.amount)).collect()
        }
    }
}

/// The province's total state-budget spending of a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateBudget {
    pub year: i32,
    pub amount: Money,
    /// "Nghị quyết số 25/NQ-HĐND ngày 10/12/2025 về dự toán ngân sách".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

// ------------------------------------------------------------------ lines and totals

/// One amount of the register: a project's allocation for a year (and source)
/// or a recurrent task's amount (for a source).
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetLine<'a> {
    /// The project's or recurrent task's code.
    pub item: &'a Code,
    pub name: &'a str,
    /// Whether it is a project's allocation (rather than a recurrent task).
    pub project: bool,
    pub kind: BudgetKind,
    pub year: i32,
    /// `None` only for an allocation whose source is ambiguous (an invalid register).
    pub source: Option<Source>,
    pub unit: &'a Code,
    pub pillar: Option<&'a Code>,
    pub amount: Money,
}

/// Every amount of the register, projects first, in register order.
pub fn budget_lines(reg: &Registers) -> Vec<BudgetLine<'_>> {
    let mut out = Vec::new();
    for p in &reg.projects {
        for a in &p.allocations {
            out.push(BudgetLine {
                item: &p.code,
                name: &p.name,
                project: true,
                kind: p.kind,
                year: a.year,
                source: p.source_of(a).cloned(),
                unit: &p.unit,
                pillar: p.pillar.as_ref(),
                amount: a.amount,
            });
        }
    }
    for t in &reg.recurrent_tasks {
        for (source, amount) in t.by_source() {
            out.push(BudgetLine {
                item: &t.code,
                name: &t.name,
                project: false,
                kind: BudgetKind::Recurrent,
                year: t.year,
                source: Some(source),
                unit: &t.unit,
                pillar: t.pillar.as_ref(),
                amount,
            });
        }
    }
    out
}

/// The lines of one year.
pub fn lines_of_year(reg: &Registers, year: i32) -> Vec<BudgetLine<'_>> {
    budget_lines(reg).into_iter().filter(|l| l.year == year).collect()
}

pub fn total(lines: &[BudgetLine<'_>]) -> Money {
    lines.iter().map(|l| l.amount).sum()
}

/// Sums of `lines` by any key.
pub fn totals_by<K: Ord>(lines: &[BudgetLine<'_>], key: impl Fn(&BudgetLine<'_>) -> K) -> BTreeMap<K, Money> {
    let mut out = BTreeMap::new();
    for l in lines {
        *out.entry(key(l)).or_insert(Money::ZERO) += l.amount;
    }
    out
}

pub fn totals_by_year(lines: &[BudgetLine<'_>]) -> BTreeMap<i32, Money> {
    totals_by(lines, |l| l.year)
}
/// By source; the key `None` holds allocations whose source is ambiguous.
pub fn totals_by_source(lines: &[BudgetLine<'_>]) -> BTreeMap<Option<Source>, Money> {
    totals_by(lines, |l| l.source.clone())
}
/// By implementing unit as recorded (see [`totals_by_unit_at_level`] to roll up).
pub fn totals_by_unit(lines: &[BudgetLine<'_>]) -> BTreeMap<Code, Money> {
    totals_by(lines, |l| l.unit.clone())
}
/// By the implementing unit's ancestor at `level` (the unit itself when shallower).
pub fn totals_by_unit_at_level(lines: &[BudgetLine<'_>], model: &Model, level: u8) -> BTreeMap<Code, Money> {
    let tree = model.tree();
    totals_by(lines, |l| {
        tree.index(l.unit.as_str())
            .map(|ix| tree.unit(tree.ancestor_at_level(ix, level).unwrap_or(ix)).code.clone())
            .unwrap_or_else(|| l.unit.clone())
    })
}
/// By pillar; the key `None` holds lines with no pillar.
pub fn totals_by_pillar(lines: &[BudgetLine<'_>]) -> BTreeMap<Option<Code>, Money> {
    totals_by(lines, |l| l.pillar.cloned())
}
pub fn totals_by_kind(lines: &[BudgetLine<'_>]) -> BTreeMap<BudgetKind, Money> {
    totals_by(lines, |l| l.kind)
}

/// Allocated (projects) or assigned (recurrent tasks) for `year`, of one kind or all.
pub fn allocated(reg: &Registers, year: i32, kind: Option<BudgetKind>) -> Money {
    lines_of_year(reg, year).iter().filter(|l| kind.is_none_or(|k| l.kind == k)).map(|l| l.amount).sum()
}

/// Paid against `year`'s money up to `as_of`, of one kind or all.
pub fn disbursed(reg: &Registers, year: i32, as_of: NaiveDate, kind: Option<BudgetKind>) -> Money {
    let projects: Money =
        reg.projects.iter().filter(|p| kind.is_none_or(|k| p.kind == k)).map(|p| p.disbursed_in(year, as_of)).sum();
    let tasks: Money = if kind.is_none_or(|k| k == BudgetKind::Recurrent) {
        reg.recurrent_tasks.iter().filter(|t| t.year == year).map(|t| t.disbursed(as_of)).sum()
    } else {
        Money::ZERO
    };
    projects + tasks
}

/// Disbursed ÷ allocated for `year` as of `as_of`, in percent (a ratio of sums).
pub fn disbursement_rate(reg: &Registers, year: i32, as_of: NaiveDate, kind: Option<BudgetKind>) -> Option<f64> {
    disbursed(reg, year, as_of, kind).percent_of(allocated(reg, year, kind))
}

/// The share of digital-transformation spending in the province's total
/// state-budget spending, in percent ("1,57%"); `None` when the total is zero.
pub fn share_of_budget(spending: Money, state_budget: Money) -> Option<f64> {
    spending.percent_of(state_budget)
}

/// The figures of a plan's "Kinh phí thực hiện" section for `year`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BudgetSummary {
    pub year: i32,
    pub public_investment: Money,
    pub recurrent: Money,
    pub total: Money,
    /// The province's state budget of the year, when the register has it.
    pub state_budget: Option<Money>,
    /// `total` as a percentage of `state_budget`.
    pub share: Option<f64>,
}

impl BudgetSummary {
    /// "Tổng kinh phí: 105,24 tỷ đồng. Trong đó: vốn đầu tư công 75,15 tỷ đồng;
    /// vốn chi thường xuyên 30,09 tỷ đồng."
    pub fn sentence(&self) -> String {
        format!(
            "Tổng kinh phí: {}. Trong đó: vốn đầu tư công {}; vốn chi thường xuyên {}.",
            self.total.billion_text(),
            self.public_investment.billion_text(),
            self.recurrent.billion_text()
        )
    }
}

pub fn summary(reg: &Registers, year: i32) -> BudgetSummary {
    let by_kind = totals_by_kind(&lines_of_year(reg, year));
    let public_investment = by_kind.get(&BudgetKind::PublicInvestment).copied().unwrap_or_default();
    let recurrent = by_kind.get(&BudgetKind::Recurrent).copied().unwrap_or_default();
    let total = public_investment + recurrent;
    let state_budget = reg.state_budget.iter().find(|b| b.year == year).map(|b| b.amount);
    BudgetSummary {
        year,
        public_investment,
        recurrent,
        total,
        state_budget,
        share: state_budget.and_then(|b| share_of_budget(total, b)),
    }
}

/// "NSTW" for one source, "NSTW: 4.341; XSKT: 1.000" for several.
pub fn sources_text(parts: &[(Option<&Source>, Money)]) -> String {
    let label = |s: Option<&Source>| s.map(Source::label).unwrap_or("chưa rõ nguồn").to_string();
    match parts {
        [] => String::new(),
        [(s, _)] => label(*s),
        _ => parts.iter().map(|(s, m)| format!("{}: {m}", label(*s))).collect::<Vec<_>>().join("; "),
    }
}

// ------------------------------------------------------------------ appendices

const MONEY_NOTE: &str = "ĐVT: Triệu đồng";

fn decisions_text(p: &InvestmentProject) -> String {
    if p.decisions.is_empty() {
        if p.status == ProjectStatus::Planned {
            "Đang thực hiện thủ tục chủ trương đầu tư".into()
        } else {
            String::new()
        }
    } else {
        p.decisions.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    }
}

fn text(s: impl Into<String>) -> super::Cell {
    let s = s.into();
    if s.is_empty() { super::Cell::Empty } else { super::Cell::Text(s) }
}

fn groups_for(model: &Model, unit: &Code, layout: Layout) -> Vec<(u64, String)> {
    layout.unit_level.map(|l| vec![unit_group(model, unit, l)]).unwrap_or_default()
}

/// Phụ lục V: the public-investment projects with capital in `year` — Stt,
/// Tên dự án, QĐ đầu tư, Tổng mức đầu tư, Thời gian thực hiện, Vốn năm
/// `year` (totalled), Ghi chú (sources; "Khởi công mới" for a project that is
/// not a transition one).
pub fn investment_appendix(reg: &Registers, model: &Model, year: i32, layout: Layout) -> Appendix {
    let columns = vec![
        Column::text("Stt"),
        Column::text("Tên dự án"),
        Column::text("QĐ đầu tư"),
        Column::amount("Tổng mức đầu tư", false),
        Column::text("Thời gian thực hiện"),
        Column::amount(format!("Vốn năm {year}"), true),
        Column::text("Ghi chú"),
    ];
    let items = reg
        .projects
        .iter()
        .filter(|p| p.kind == BudgetKind::PublicInvestment && p.allocations.iter().any(|a| a.year == year))
        .map(|p| {
            let mut note = sources_text(&p.allocation_by_source(year));
            if !p.transition {
                note =
                    if note.is_empty() { "Khởi công mới".into() } else { format!("{note}; khởi công mới") };
            }
            Item {
                groups: groups_for(model, &p.unit, layout),
                cells: vec![
                    text(p.name.clone()),
                    text(decisions_text(p)),
                    super::Cell::Amount(p.total_investment),
                    text(p.period.to_string()),
                    super::Cell::Amount(p.allocated_in(year)),
                    text(note),
                ],
            }
        })
        .collect();
    let rows = build_rows(&columns, items, TotalAt::first(layout.total_first));
    Appendix {
        title: format!("DANH MỤC CÁC DỰ ÁN CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN ĐẦU TƯ CÔNG NĂM {year}"),
        unit_note: Some(MONEY_NOTE.into()),
        columns,
        rows,
    }
}

/// Phụ lục II: the public-investment projects with capital in any of `years`
/// — Stt, Tên dự án, Tổng mức đầu tư, Mục tiêu đầu tư, Nguồn vốn, Vốn bố trí
/// năm … (one totalled column per year), Hiện trạng.
pub fn investment_results_appendix(reg: &Registers, model: &Model, years: &[i32], layout: Layout) -> Appendix {
    let mut columns = vec![
        Column::text("Stt"),
        Column::text("Tên dự án"),
        Column::amount("Tổng mức đầu tư", false),
        Column::text("Mục tiêu đầu tư"),
        Column::text("Nguồn vốn"),
    ];
    columns.extend(years.iter().map(|y| Column::amount(format!("Vốn bố trí năm {y}"), true)));
    columns.push(Column::text("Hiện trạng"));
    let items = reg
        .projects
        .iter()
        .filter(|p| p.kind == BudgetKind::PublicInvestment && p.allocations.iter().any(|a| years.contains(&a.year)))
        .map(|p| {
            let sources: Vec<(Option<&Source>, Money)> =
                p.funding.iter().map(|f| (Some(&f.source), f.amount)).collect();
            let mut cells = vec![
                text(p.name.clone()),
                super::Cell::Amount(p.total_investment),
                text(p.objective.clone()),
                text(sources_text(&sources)),
            ];
            cells.extend(years.iter().map(|&y| {
                let m = p.allocated_in(y);
                if m.is_zero() { super::Cell::Empty } else { super::Cell::Amount(m) }
            }));
            cells.push(text(p.status.label_vi()));
            Item { groups: groups_for(model, &p.unit, layout), cells }
        })
        .collect();
    let rows = build_rows(&columns, items, TotalAt::first(layout.total_first));
    let title = match years {
        [y] => format!("DANH MỤC CÁC DỰ ÁN CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN ĐẦU TƯ CÔNG NĂM {y}"),
        _ => format!(
            "DANH MỤC CÁC DỰ ÁN CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN ĐẦU TƯ CÔNG NĂM {}",
            years.iter().map(ToString::to_string).collect::<Vec<_>>().join(" - ")
        ),
    };
    Appendix { title, unit_note: Some(MONEY_NOTE.into()), columns, rows }
}

fn unit_short_name(model: &Model, unit: &Code) -> String {
    model.tree().get(unit.as_str()).map(|u| u.display_name().to_string()).unwrap_or_else(|| unit.to_string())
}

/// The recurrent-spending rows of `year`: the recurrent tasks, then the
/// year's allocations of projects financed from recurrent spending.
fn recurrent_items(
    reg: &Registers,
    model: &Model,
    year: i32,
    mut groups: impl FnMut(&Code) -> Vec<(u64, String)>,
) -> Vec<Item> {
    let mut items = Vec::new();
    for t in reg.recurrent_tasks.iter().filter(|t| t.year == year) {
        let mut source = t.budget_line.clone().unwrap_or_default();
        if t.funding.len() > 1 {
            let parts: Vec<(Option<&Source>, Money)> = t.funding.iter().map(|f| (Some(&f.source), f.amount)).collect();
            let split = sources_text(&parts);
            source = if source.is_empty() { split } else { format!("{source} ({split})") };
        } else if let [only] = t.funding.as_slice()
            && source.is_empty()
        {
            source = only.source.label().to_string();
        }
        items.push(Item {
            groups: groups(&t.unit),
            cells: vec![
                text(t.name.clone()),
                text(unit_short_name(model, &t.unit)),
                super::Cell::Amount(t.amount),
                text(source),
            ],
        });
    }
    for p in
        reg.projects.iter().filter(|p| p.kind == BudgetKind::Recurrent && p.allocations.iter().any(|a| a.year == year))
    {
        items.push(Item {
            groups: groups(&p.unit),
            cells: vec![
                text(p.name.clone()),
                text(unit_short_name(model, &p.unit)),
                super::Cell::Amount(p.allocated_in(year)),
                text(sources_text(&p.allocation_by_source(year))),
            ],
        });
    }
    items
}

/// Phụ lục III / VI: the recurrent-spending tasks of `year` (and the year's
/// allocations of projects financed from recurrent spending) — Stt, Danh mục,
/// Đơn vị thực hiện, Kinh phí bố trí (totalled), Nguồn kinh phí — grouped by
/// unit with subtotals when the layout says so.
pub fn recurrent_appendix(reg: &Registers, model: &Model, year: i32, layout: Layout) -> Appendix {
    let columns = vec![
        Column::text("Stt"),
        Column::text("Danh mục"),
        Column::text("Đơn vị thực hiện"),
        Column::amount("Kinh phí bố trí", true),
        Column::text("Nguồn kinh phí"),
    ];
    let items = recurrent_items(reg, model, year, |u| groups_for(model, u, layout));
    let rows = build_rows(&columns, items, TotalAt::first(layout.total_first));
    Appendix {
        title: format!("DANH MỤC CÁC NHIỆM VỤ CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN CHI THƯỜNG XUYÊN NĂM {year}"),
        unit_note: Some(MONEY_NOTE.into()),
        columns,
        rows,
    }
}

/// All the money of `year` in one table: A. Vốn đầu tư công, B. Vốn chi
/// thường xuyên, each with its subtotal, then (with `unit_level`) the units
/// within each, and the grand total first — Stt, Nội dung, Đơn vị thực hiện,
/// Kinh phí năm `year` (totalled), Nguồn vốn.
pub fn budget_appendix(reg: &Registers, model: &Model, year: i32, unit_level: Option<u8>) -> Appendix {
    let columns = vec![
        Column::text("Stt"),
        Column::text("Nội dung"),
        Column::text("Đơn vị thực hiện"),
        Column::amount(format!("Kinh phí năm {year}"), true),
        Column::text("Nguồn vốn"),
    ];
    let kind_group = |k: BudgetKind| (k as u64, k.label_vi().to_uppercase());
    let with_unit = |k: BudgetKind, u: &Code| {
        let mut g = vec![kind_group(k)];
        if let Some(l) = unit_level {
            g.push(unit_group(model, u, l));
        }
        g
    };
    let mut items: Vec<Item> = reg
        .projects
        .iter()
        .filter(|p| p.kind == BudgetKind::PublicInvestment && p.allocations.iter().any(|a| a.year == year))
        .map(|p| Item {
            groups: with_unit(BudgetKind::PublicInvestment, &p.unit),
            cells: vec![
                text(p.name.clone()),
                text(unit_short_name(model, &p.unit)),
                super::Cell::Amount(p.allocated_in(year)),
                text(sources_text(&p.allocation_by_source(year))),
            ],
        })
        .collect();
    items.extend(recurrent_items(reg, model, year, |u| with_unit(BudgetKind::Recurrent, u)));
    let rows = build_rows(&columns, items, TotalAt::First);
    Appendix {
        title: format!("KINH PHÍ THỰC HIỆN CHUYỂN ĐỔI SỐ NĂM {year}"),
        unit_note: Some(MONEY_NOTE.into()),
        columns,
        rows,
    }
}

// ------------------------------------------------------------------ validation

pub(crate) fn check(reg: &Registers, model: &Model, errs: &mut Vec<RegisterError>) {
    let tree = model.tree();
    let pillars: HashSet<&Code> = model.metadata().pillars.iter().map(|p| &p.code).collect();
    let negative = |errs: &mut Vec<RegisterError>, place: String, m: Money| {
        if m.is_negative() {
            push(errs, place, format!("số tiền âm ({m} triệu đồng)"));
        }
    };
    let mut years_seen = HashSet::new();
    for (i, b) in reg.state_budget.iter().enumerate() {
        if !years_seen.insert(b.year) {
            push(errs, format!("state_budget[{i}].year"), format!("năm {} bị trùng", b.year));
        }
        if b.amount <= Money::ZERO {
            push(errs, format!("state_budget[{i}].amount"), "tổng chi ngân sách phải lớn hơn 0");
        }
    }

    let mut codes = HashSet::new();
    for p in &reg.projects {
        let place = |field: &str| format!("projects[{}].{field}", p.code);
        if !codes.insert(&p.code) {
            push(errs, format!("projects[{}]", p.code), "mã bị trùng");
        }
        if p.name.trim().is_empty() {
            push(errs, place("name"), "chưa có tên dự án");
        }
        let span_ok = p.period.from <= p.period.to;
        if !span_ok {
            push(errs, place("period"), format!("năm bắt đầu {} sau năm kết thúc {}", p.period.from, p.period.to));
        }
        match tree.get(p.unit.as_str()) {
            None => push(errs, place("unit"), format!("đơn vị {} không tồn tại", p.unit)),
            Some(u) => {
                if let (Some(start), Some(end)) =
                    (NaiveDate::from_ymd_opt(p.period.from, 1, 1), NaiveDate::from_ymd_opt(p.period.to, 12, 31))
                    && span_ok
                    && !u.overlaps(start, end)
                {
                    push(
                        errs,
                        place("unit"),
                        format!("đơn vị {} không hoạt động trong thời gian thực hiện {}", p.unit, p.period),
                    );
                }
            }
        }
        if let Some(pl) = &p.pillar
            && !pillars.contains(pl)
        {
            push(errs, place("pillar"), format!("trụ cột {pl} không tồn tại"));
        }
        for (k, d) in p.decisions.iter().enumerate() {
            if d.number.trim().is_empty() {
                push(errs, place(&format!("decisions[{k}].number")), "chưa có số quyết định");
            }
        }
        negative(errs, place("total_investment"), p.total_investment);
        if p.funding.is_empty() {
            push(errs, place("funding"), "chưa có nguồn vốn");
        }
        let mut sources = HashSet::new();
        for (k, f) in p.funding.iter().enumerate() {
            negative(errs, place(&format!("funding[{k}].amount")), f.amount);
            if !sources.insert(&f.source) {
                push(errs, place(&format!("funding[{k}].source")), format!("nguồn vốn {} bị trùng", f.source));
            }
        }
        let funded: Money = p.funding.iter().map(|f| f.amount).sum();
        if !p.funding.is_empty() && funded != p.total_investment {
            push(
                errs,
                place("funding"),
                format!("tổng các nguồn vốn {funded} khác tổng mức đầu tư {} (triệu đồng)", p.total_investment),
            );
        }
        let mut seen = HashSet::new();
        let mut by_source: HashMap<&Source, Money> = HashMap::new();
        for (k, a) in p.allocations.iter().enumerate() {
            let at = |field: &str| place(&format!("allocations[{k}].{field}"));
            negative(errs, at("amount"), a.amount);
            if span_ok && !p.period.contains(a.year) {
                push(errs, at("year"), format!("năm {} ngoài thời gian thực hiện {}", a.year, p.period));
            }
            match (&a.source, p.source_of(a)) {
                (Some(s), _) if !sources.contains(s) => {
                    push(errs, at("source"), format!("nguồn vốn {s} không có trong các nguồn vốn của dự án"))
                }
                (None, None) if p.funding.len() > 1 => {
                    push(errs, at("source"), "dự án có nhiều nguồn vốn: cần ghi nguồn của khoản vốn bố trí")
                }
                _ => {}
            }
            if let Some(s) = p.source_of(a) {
                if !seen.insert((a.year, s)) {
                    push(errs, at("year"), format!("vốn năm {} nguồn {s} bị ghi hai lần", a.year));
                }
                *by_source.entry(s).or_default() += a.amount;
            }
        }
        for f in &p.funding {
            if let Some(&m) = by_source.get(&f.source)
                && m > f.amount
            {
                push(
                    errs,
                    place("allocations"),
                    format!("vốn bố trí nguồn {} ({m}) vượt phần vốn của nguồn ({})", f.source, f.amount),
                );
            }
        }
        if p.allocated() > p.total_investment {
            push(
                errs,
                place("allocations"),
                format!("tổng vốn bố trí {} vượt tổng mức đầu tư {} (triệu đồng)", p.allocated(), p.total_investment),
            );
        }
        check_disbursements(errs, &place("disbursements"), &p.disbursements, |d| {
            (span_ok && !p.period.contains(d.year()))
                .then(|| format!("ngày {} ngoài thời gian thực hiện {}", d.format("%d/%m/%Y"), p.period))
        });
        if p.status == ProjectStatus::Planned && !p.disbursements.is_empty() {
            push(errs, place("status"), "dự án đang chuẩn bị đầu tư nhưng đã có giải ngân");
        }
        // Paid up to the end of each year never exceeds what was allocated up to it.
        let mut years: Vec<i32> = p.disbursements.iter().filter_map(|d| d.day()).map(|d| d.year()).collect();
        years.sort_unstable();
        years.dedup();
        for y in years {
            let paid: Money =
                p.disbursements.iter().filter(|d| d.day().is_some_and(|x| x.year() <= y)).map(|d| d.amount).sum();
            let given: Money = p.allocations.iter().filter(|a| a.year <= y).map(|a| a.amount).sum();
            if paid > given {
                push(
                    errs,
                    place("disbursements"),
                    format!("giải ngân lũy kế đến hết năm {y} ({paid}) vượt vốn bố trí lũy kế ({given})"),
                );
            }
        }
    }

    let mut codes = HashSet::new();
    for t in &reg.recurrent_tasks {
        let place = |field: &str| format!("recurrent_tasks[{}].{field}", t.code);
        if !codes.insert(&t.code) {
            push(errs, format!("recurrent_tasks[{}]", t.code), "mã bị trùng");
        }
        if t.name.trim().is_empty() {
            push(errs, place("name"), "chưa có tên nhiệm vụ");
        }
        match tree.get(t.unit.as_str()) {
            None => push(errs, place("unit"), format!("đơn vị {} không tồn tại", t.unit)),
            Some(u) => {
                if let (Some(start), Some(end)) =
                    (NaiveDate::from_ymd_opt(t.year, 1, 1), NaiveDate::from_ymd_opt(t.year, 12, 31))
                    && !u.overlaps(start, end)
                {
                    push(errs, place("unit"), format!("đơn vị {} không hoạt động trong năm {}", t.unit, t.year));
                }
            }
        }
        if let Some(pl) = &t.pillar
            && !pillars.contains(pl)
        {
            push(errs, place("pillar"), format!("trụ cột {pl} không tồn tại"));
        }
        negative(errs, place("amount"), t.amount);
        let mut sources = HashSet::new();
        for (k, f) in t.funding.iter().enumerate() {
            negative(errs, place(&format!("funding[{k}].amount")), f.amount);
            if !sources.insert(&f.source) {
                push(errs, place(&format!("funding[{k}].source")), format!("nguồn vốn {} bị trùng", f.source));
            }
        }
        let funded: Money = t.funding.iter().map(|f| f.amount).sum();
        if !t.funding.is_empty() && funded != t.amount {
            push(
                errs,
                place("funding"),
                format!("tổng các nguồn {funded} khác kinh phí bố trí {} (triệu đồng)", t.amount),
            );
        }
        check_disbursements(errs, &place("disbursements"), &t.disbursements, |d| {
            (d.year() != t.year).then(|| format!("ngày {} ngoài năm {}", d.format("%d/%m/%Y"), t.year))
        });
        let paid: Money = t.disbursements.iter().map(|d| d.amount).sum();
        if paid > t.amount && !t.amount.is_negative() {
            push(errs, place("disbursements"), format!("tổng giải ngân {paid} vượt kinh phí bố trí {}", t.amount));
        }
    }
}

fn check_disbursements(
    errs: &mut Vec<RegisterError>,
    place: &str,
    list: &[Disbursement],
    outside: impl Fn(NaiveDate) -> Option<String>,
) {
    for (k, d) in list.iter().enumerate() {
        let at = format!("{place}[{k}]");
        if d.amount.is_negative() {
            push(errs, format!("{at}.amount"), format!("số tiền âm ({} triệu đồng)", d.amount));
        }
        match (d.date, d.period) {
            (Some(_), Some(_)) => push(errs, at, "chỉ ghi ngày (date) hoặc kỳ (period), không ghi cả hai"),
            (None, None) => push(errs, at, "cần ghi ngày (date) hoặc kỳ (period) giải ngân"),
            _ => {
                if let Some(msg) = d.day().and_then(&outside) {
                    push(errs, at, msg);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_exact_thousands_shown_in_millions() {
        assert_eq!(Money::from_million(12.5).unwrap(), Money::from_thousand(12_500));
        assert_eq!(Money::from_million(0.001).unwrap().thousand(), 1);
        assert!(matches!(Money::from_million(0.0001), Err(MoneyError::TooPrecise(_))));
        assert!(Money::from_million(f64::NAN).is_err());
        assert!(Money::from_million(1e20).is_err());
        assert_eq!(Money::parse_million("75.152").unwrap(), Money::million(75_152));
        assert_eq!(Money::parse_million("12,5").unwrap(), Money::from_thousand(12_500));
        assert!(Money::parse_million("abc").is_err());
        assert_eq!(Money::million(75_152).to_string(), "75.152");
        assert_eq!(Money::from_thousand(12_500).to_string(), "12,5");
        assert_eq!(Money::from_thousand(-1_234_567).to_string(), "-1.234,567");
        assert_eq!(Money::million(105_240).billion_text(), "105,24 tỷ đồng");
        assert_eq!(Money::million(12_400).billion_text(), "12,4 tỷ đồng");
        // 0.1 + 0.2 in millions adds up exactly.
        let s: Money = [0.1, 0.2].iter().map(|&x| Money::from_million(x).unwrap()).sum();
        assert_eq!(s, Money::from_million(0.3).unwrap());
        assert_eq!(Money::million(1).percent_of(Money::ZERO), None);
        assert_eq!(Money::million(1).percent_of(Money::million(4)), Some(25.0));
    }

    #[test]
    fn money_in_files() {
        let m: Vec<Money> = serde_json::from_str(r#"[5600, 12.5, "5.600", "0,25"]"#).unwrap();
        assert_eq!(
            m,
            [Money::million(5600), Money::from_thousand(12_500), Money::million(5600), Money::from_thousand(250)]
        );
        assert_eq!(serde_json::to_string(&m).unwrap(), "[5600,12.5,5600,0.25]");
        let e = serde_json::from_str::<Money>("1.00001").unwrap_err().to_string();
        assert!(e.contains("lẻ dưới 1.000 đồng"), "{e}");
        assert!(serde_json::from_str::<Money>("true").is_err());
    }

    #[test]
    fn sources_in_files() {
        let s: Vec<Source> = serde_json::from_str(r#"["NSTW", "NSĐP", "nsdp", "XSKT", {"other": "Vốn ODA"}]"#).unwrap();
        assert_eq!(s, [Source::Nstw, Source::Nsdp, Source::Nsdp, Source::Xskt, Source::Other("Vốn ODA".into())]);
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"["NSTW","NSDP","NSDP","XSKT",{"other":"Vốn ODA"}]"#);
        let e = serde_json::from_str::<Source>(r#""ODA""#).unwrap_err().to_string();
        assert!(e.contains("nguồn vốn \"ODA\" không hợp lệ"), "{e}");
        assert_eq!(Source::Nsdp.label(), "NSĐP");
    }

    #[test]
    fn source_texts() {
        assert_eq!(sources_text(&[]), "");
        assert_eq!(sources_text(&[(Some(&Source::Nstw), Money::million(28_000))]), "NSTW");
        assert_eq!(
            sources_text(&[(Some(&Source::Nstw), Money::million(4_341)), (Some(&Source::Xskt), Money::million(1_000))]),
            "NSTW: 4.341; XSKT: 1.000"
        );
    }
}
