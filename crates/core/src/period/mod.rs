//! Reporting periods (kỳ báo cáo), with DHIS2 period identifiers as their
//! exchange syntax.
//!
//! | kind | identifier | example | Vietnamese label |
//! | --- | --- | --- | --- |
//! | yearly | `yyyy` | `2023` | Năm 2023 |
//! | six-monthly | `yyyySn` | `2023S1` | 6 tháng đầu năm 2023 |
//! | quarterly | `yyyyQn` | `2023Q3` | Quý III/2023 |
//! | monthly | `yyyyMM` | `202310` | Tháng 10/2023 |
//! | ISO week (Monday) | `yyyyWn` | `2024W35` | Tuần 35 (26/8–1/9/2024) |
//! | week from Wednesday / Thursday / Saturday / Sunday | `yyyyWedWn`, `yyyyThuWn`, `yyyySatWn`, `yyyySunWn` | `2024SatW35` | Tuần 35 (24/8–30/8/2024) |
//! | daily | `yyyyMMdd` | `20241031` | Ngày 31/10/2024 |
//!
//! Identifiers are written the way DHIS2 writes them (week numbers without a
//! leading zero: `2024W1`); parsing also accepts a zero-padded week number
//! (`2024W01`), lower-case letters (`2023q3`, `2024satw35`) and surrounding
//! blanks. Years run from 0001 to 9999.
//!
//! # Week numbering
//!
//! For every week start D (Monday for ISO weeks, or Wednesday, Thursday,
//! Saturday, Sunday) a week runs from D to the day before the next D, and
//! **a week belongs to the year in which its 4th day falls**. Week 1 of year
//! Y is therefore the week starting on D that contains the first "D + 3" of
//! the year (for ISO: the week that contains the first Thursday, equivalently
//! 4 January). A year has 52 or 53 weeks. Example: `2024SatW35` runs from
//! Saturday 24/8/2024 to Friday 30/8/2024; its 4th day, Tuesday 27/8, is in
//! 2024, and week 1 of 2024 starts on Saturday 30/12/2023 (4th day Tuesday
//! 2/1/2024, the first Tuesday of 2024).
//!
//! # Which longer period a week falls in
//!
//! A day, month, quarter, half-year or year falls in another period when its
//! dates lie inside that period's dates. **A week falls in a month, quarter,
//! half-year or year when its 4th day does.** So each week belongs to exactly
//! one month (and one quarter, half-year, year): weekly data is aggregated into
//! months, quarters and years by that rule, and the weeks of a year are exactly
//! the weeks numbered in that year.
//!
//! The other parts of this module: reporting cut-offs and due dates
//! ([`CutoffRule`], [`DueRule`]), working days ([`WorkingCalendar`]) and
//! DHIS2 relative periods ([`RelativePeriod`]).

mod calendar;
mod cutoff;
mod label;
mod relative;

pub use calendar::WorkingCalendar;
pub use cutoff::{CutoffRule, DueRule};
pub use relative::RelativePeriod;

use chrono::{Datelike, Days, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The first year an identifier can name.
pub const MIN_YEAR: i32 = 1;
/// The last year an identifier can name (identifiers have 4-digit years).
pub const MAX_YEAR: i32 = 9999;

/// The day a week starts on, for the week period types DHIS2 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WeekStart {
    /// ISO weeks, DHIS2 "W" (`2024W35`), period type `Weekly`.
    Monday,
    /// DHIS2 "WedW" (`2024WedW35`), period type `WeeklyWednesday`.
    Wednesday,
    /// DHIS2 "ThuW" (`2024ThuW35`), period type `WeeklyThursday`.
    Thursday,
    /// DHIS2 "SatW" (`2024SatW35`), period type `WeeklySaturday`.
    Saturday,
    /// DHIS2 "SunW" (`2024SunW35`), period type `WeeklySunday`.
    Sunday,
}

impl WeekStart {
    pub const ALL: [WeekStart; 5] =
        [WeekStart::Monday, WeekStart::Wednesday, WeekStart::Thursday, WeekStart::Saturday, WeekStart::Sunday];

    pub fn weekday(self) -> Weekday {
        match self {
            WeekStart::Monday => Weekday::Mon,
            WeekStart::Wednesday => Weekday::Wed,
            WeekStart::Thursday => Weekday::Thu,
            WeekStart::Saturday => Weekday::Sat,
            WeekStart::Sunday => Weekday::Sun,
        }
    }

    /// The week start for a weekday, when DHIS2 has a week type starting on it.
    pub fn from_weekday(d: Weekday) -> Option<WeekStart> {
        WeekStart::ALL.into_iter().find(|w| w.weekday() == d)
    }

    /// The part of the identifier between the year and the week number:
    /// `W`, `WedW`, `ThuW`, `SatW`, `SunW`.
    pub fn infix(self) -> &'static str {
        match self {
            WeekStart::Monday => "W",
            WeekStart::Wednesday => "WedW",
            WeekStart::Thursday => "ThuW",
            WeekStart::Saturday => "SatW",
            WeekStart::Sunday => "SunW",
        }
    }

    /// "thứ Hai", "thứ Tư", "thứ Năm", "thứ Bảy", "Chủ nhật".
    pub fn label_vi(self) -> &'static str {
        match self {
            WeekStart::Monday => "thứ Hai",
            WeekStart::Wednesday => "thứ Tư",
            WeekStart::Thursday => "thứ Năm",
            WeekStart::Saturday => "thứ Bảy",
            WeekStart::Sunday => "Chủ nhật",
        }
    }

    /// The first day of week 1 of `year`: the week starting on this weekday
    /// that contains 4 January (so its 4th day is the first "start + 3" of
    /// the year). Between 29 December of the year before and 4 January.
    ///
    /// Panics only outside chrono's date range.
    pub fn week1_start(self, year: i32) -> NaiveDate {
        let jan4 = NaiveDate::from_ymd_opt(year, 1, 4).expect("năm ngoài phạm vi lịch");
        jan4 - Days::new(u64::from(days_since(jan4.weekday(), self.weekday())))
    }

    /// 52 or 53.
    pub fn weeks_in_year(self, year: i32) -> u32 {
        let days = (self.week1_start(year + 1) - self.week1_start(year)).num_days();
        (days / 7) as u32
    }

    /// The first day of the week (of this kind) that contains `date`.
    fn start_of_week(self, date: NaiveDate) -> NaiveDate {
        date - Days::new(u64::from(days_since(date.weekday(), self.weekday())))
    }
}

/// Days from the last `from` on or before a day that is a `day`.
fn days_since(day: Weekday, from: Weekday) -> u32 {
    (day.num_days_from_monday() + 7 - from.num_days_from_monday()) % 7
}

/// The kind of a period. `Display`/`FromStr` and serde use DHIS2's period type
/// names: `Daily`, `Weekly` (ISO), `WeeklyWednesday`, `WeeklyThursday`,
/// `WeeklySaturday`, `WeeklySunday`, `Monthly`, `Quarterly`, `SixMonthly`,
/// `Yearly`. Ordered from the shortest to the longest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodType {
    Daily,
    Weekly(WeekStart),
    Monthly,
    Quarterly,
    SixMonthly,
    Yearly,
}

impl PeriodType {
    pub const ALL: [PeriodType; 10] = [
        PeriodType::Daily,
        PeriodType::Weekly(WeekStart::Monday),
        PeriodType::Weekly(WeekStart::Wednesday),
        PeriodType::Weekly(WeekStart::Thursday),
        PeriodType::Weekly(WeekStart::Saturday),
        PeriodType::Weekly(WeekStart::Sunday),
        PeriodType::Monthly,
        PeriodType::Quarterly,
        PeriodType::SixMonthly,
        PeriodType::Yearly,
    ];

    /// The DHIS2 period type name.
    pub fn name(self) -> &'static str {
        match self {
            PeriodType::Daily => "Daily",
            PeriodType::Weekly(WeekStart::Monday) => "Weekly",
            PeriodType::Weekly(WeekStart::Wednesday) => "WeeklyWednesday",
            PeriodType::Weekly(WeekStart::Thursday) => "WeeklyThursday",
            PeriodType::Weekly(WeekStart::Saturday) => "WeeklySaturday",
            PeriodType::Weekly(WeekStart::Sunday) => "WeeklySunday",
            PeriodType::Monthly => "Monthly",
            PeriodType::Quarterly => "Quarterly",
            PeriodType::SixMonthly => "SixMonthly",
            PeriodType::Yearly => "Yearly",
        }
    }

    /// "Năm", "6 tháng", "Quý", "Tháng", "Tuần", "Ngày".
    pub fn label_vi(self) -> &'static str {
        match self {
            PeriodType::Daily => "Ngày",
            PeriodType::Weekly(_) => "Tuần",
            PeriodType::Monthly => "Tháng",
            PeriodType::Quarterly => "Quý",
            PeriodType::SixMonthly => "6 tháng",
            PeriodType::Yearly => "Năm",
        }
    }

    pub fn is_weekly(self) -> bool {
        matches!(self, PeriodType::Weekly(_))
    }

    /// The length in months of month-based types (1, 3, 6, 12); `None` for
    /// days and weeks.
    pub fn months(self) -> Option<u32> {
        match self {
            PeriodType::Daily | PeriodType::Weekly(_) => None,
            PeriodType::Monthly => Some(1),
            PeriodType::Quarterly => Some(3),
            PeriodType::SixMonthly => Some(6),
            PeriodType::Yearly => Some(12),
        }
    }
}

impl fmt::Display for PeriodType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PeriodType {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, PeriodError> {
        let t = s.trim();
        PeriodType::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(t)).ok_or_else(|| {
            PeriodError::InvalidPeriodType {
                input: s.to_string(),
                accepted: PeriodType::ALL.map(PeriodType::name).join(", "),
            }
        })
    }
}

/// Errors of this module. The messages quote the bad input and say, in plain
/// Vietnamese, what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// e.g. `kỳ báo cáo không hợp lệ: "2023Q5" (quý phải từ 1 đến 4)`.
    #[error("kỳ báo cáo không hợp lệ: \"{input}\" ({reason})")]
    InvalidPeriod { input: String, reason: String },
    #[error("loại kỳ báo cáo không hợp lệ: \"{input}\" (chấp nhận: {accepted})")]
    InvalidPeriodType { input: String, accepted: String },
    #[error("kỳ tương đối không hợp lệ: \"{input}\" (chấp nhận: {accepted})")]
    InvalidRelativePeriod { input: String, accepted: String },
    #[error("quy tắc chốt số liệu không hợp lệ: \"{input}\" (chấp nhận: calendar, decree09)")]
    InvalidCutoffRule { input: String },
}

fn invalid(input: impl Into<String>, reason: impl Into<String>) -> PeriodError {
    PeriodError::InvalidPeriod { input: input.into(), reason: reason.into() }
}

const FORMAT_HINT: &str = "không đúng định dạng mã kỳ DHIS2; ví dụ: 2023, 2023S1, 2023Q3, 202310, \
                           2024W35, 2024SatW35, 2024SunW35, 2024WedW35, 2024ThuW35, 20241031";
const YEAR_HINT: &str = "năm phải từ 0001 đến 9999";

fn check_year(input: impl FnOnce() -> String, year: i32) -> Result<(), PeriodError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) { Ok(()) } else { Err(invalid(input(), YEAR_HINT)) }
}

/// A reporting period: a day, a week (of one of the five week starts), a
/// month, a quarter, a half-year or a year.
///
/// Periods are small `Copy` values. They are ordered by start date, then by
/// length (a month comes before the quarter that starts on the same day).
/// `Display`/`FromStr` and serde use the DHIS2 identifier (`2023Q3`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    // Field order matters: the derived `Ord` compares start, then end (that
    // is, length), then kind (which the two dates already determine).
    start: NaiveDate,
    end: NaiveDate,
    kind: PeriodType,
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Period({self})")
    }
}

/// Months since year 0 of the month of `d` (January of year 0 is 0).
fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// The first day of the month with that index.
fn first_of_month(index: i64) -> Option<NaiveDate> {
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    NaiveDate::from_ymd_opt(year, index.rem_euclid(12) as u32 + 1, 1)
}

/// Number of days in the month with that index.
fn days_in_month(index: i64) -> Option<u32> {
    let first = first_of_month(index)?;
    let next = first_of_month(index + 1)?;
    Some((next - first).num_days() as u32)
}

impl Period {
    // ----- constructors -------------------------------------------------

    /// A month-based period of `kind` starting at the month `index`, which
    /// must be aligned (a quarter starts in January, April, July, October).
    fn month_based(kind: PeriodType, index: i64) -> Option<Period> {
        let len = i64::from(kind.months()?);
        debug_assert_eq!(index.rem_euclid(12) % len, 0);
        let start = first_of_month(index)?;
        let end = first_of_month(index + len)?.pred_opt()?;
        Some(Period { start, end, kind })
    }

    fn week_from_start(ws: WeekStart, start: NaiveDate) -> Option<Period> {
        debug_assert_eq!(start.weekday(), ws.weekday());
        let end = start.checked_add_days(Days::new(6))?;
        Some(Period { start, end, kind: PeriodType::Weekly(ws) })
    }

    /// The year `y` (0001–9999).
    pub fn year(y: i32) -> Result<Period, PeriodError> {
        check_year(|| format!("{y:04}"), y)?;
        Ok(Period::month_based(PeriodType::Yearly, i64::from(y) * 12).expect("năm hợp lệ"))
    }

    /// The half-year `h` (1 or 2) of year `y`: `2023S1`, `2023S2`.
    pub fn six_month(y: i32, h: u32) -> Result<Period, PeriodError> {
        let input = || format!("{y:04}S{h}");
        check_year(input, y)?;
        if !(1..=2).contains(&h) {
            return Err(invalid(input(), "kỳ 6 tháng phải là S1 hoặc S2"));
        }
        let index = i64::from(y) * 12 + i64::from(h - 1) * 6;
        Ok(Period::month_based(PeriodType::SixMonthly, index).expect("kỳ hợp lệ"))
    }

    /// The quarter `q` (1–4) of year `y`: `2023Q3`.
    pub fn quarter(y: i32, q: u32) -> Result<Period, PeriodError> {
        let input = || format!("{y:04}Q{q}");
        check_year(input, y)?;
        if !(1..=4).contains(&q) {
            return Err(invalid(input(), "quý phải từ 1 đến 4"));
        }
        let index = i64::from(y) * 12 + i64::from(q - 1) * 3;
        Ok(Period::month_based(PeriodType::Quarterly, index).expect("kỳ hợp lệ"))
    }

    /// The month `m` (1–12) of year `y`: `202310`.
    pub fn month(y: i32, m: u32) -> Result<Period, PeriodError> {
        let input = || format!("{y:04}{m:02}");
        check_year(input, y)?;
        if !(1..=12).contains(&m) {
            return Err(invalid(input(), "tháng phải từ 01 đến 12"));
        }
        let index = i64::from(y) * 12 + i64::from(m - 1);
        Ok(Period::month_based(PeriodType::Monthly, index).expect("kỳ hợp lệ"))
    }

    /// Week `w` of the (ISO-style) week-year `year`, for weeks starting on
    /// `ws`: `Period::week(WeekStart::Saturday, 2024, 35)` is `2024SatW35`.
    /// See the module documentation for the numbering rule.
    pub fn week(ws: WeekStart, year: i32, w: u32) -> Result<Period, PeriodError> {
        let input = || format!("{year:04}{}{w}", ws.infix());
        check_year(input, year)?;
        let weeks = ws.weeks_in_year(year);
        if !(1..=weeks).contains(&w) {
            return Err(invalid(
                input(),
                format!("tuần phải từ 1 đến {weeks} trong năm {year}, với tuần bắt đầu từ {}", ws.label_vi()),
            ));
        }
        let start = ws.week1_start(year) + Days::new(u64::from(w - 1) * 7);
        Ok(Period::week_from_start(ws, start).expect("tuần hợp lệ"))
    }

    /// The day `date`. Identifiers exist for years 0001–9999 only.
    pub fn day(date: NaiveDate) -> Period {
        Period { start: date, end: date, kind: PeriodType::Daily }
    }

    /// The period of type `t` that contains `date`.
    ///
    /// Panics only for dates at the very ends of chrono's range.
    pub fn containing(t: PeriodType, date: NaiveDate) -> Period {
        match t {
            PeriodType::Daily => Some(Period::day(date)),
            PeriodType::Weekly(ws) => Period::week_from_start(ws, ws.start_of_week(date)),
            _ => {
                let len = i64::from(t.months().expect("kỳ theo tháng"));
                let index = month_index(date);
                Period::month_based(t, index - index.rem_euclid(12) % len)
            }
        }
        .expect("ngày ngoài phạm vi lịch")
    }

    /// Parses a DHIS2 identifier; same as `s.parse()`.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        parse_period(s)
    }

    // ----- accessors ----------------------------------------------------

    pub fn period_type(&self) -> PeriodType {
        self.kind
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day (inclusive).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Number of days, both ends included.
    pub fn days(&self) -> u32 {
        (self.end - self.start).num_days() as u32 + 1
    }

    /// `start().num_days_from_ce()`, for fast range arithmetic.
    pub fn start_day(&self) -> i32 {
        self.start.num_days_from_ce()
    }

    /// `end().num_days_from_ce()`.
    pub fn end_day(&self) -> i32 {
        self.end.num_days_from_ce()
    }

    pub fn contains_date(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The year written in the identifier: the calendar year, except for weeks,
    /// whose year is the one their 4th day falls in (`2025W1` starts on
    /// 30/12/2024).
    pub fn period_year(&self) -> i32 {
        match self.kind {
            PeriodType::Weekly(_) => self.fourth_day().year(),
            _ => self.start.year(),
        }
    }

    /// The number of the period within its year, as written in the identifier:
    /// the half (1–2), quarter (1–4), month (1–12), week (1–53), day of the
    /// year (1–366); 1 for a year.
    pub fn index_in_year(&self) -> u32 {
        match self.kind {
            PeriodType::Daily => self.start.ordinal(),
            PeriodType::Weekly(ws) => {
                let week1 = ws.week1_start(self.period_year());
                ((self.start - week1).num_days() / 7) as u32 + 1
            }
            t => self.start.month0() / t.months().expect("kỳ theo tháng") + 1,
        }
    }

    /// The 4th day of a week (the day that decides its year and month);
    /// meaningless for other kinds.
    fn fourth_day(&self) -> NaiveDate {
        self.start + Days::new(3)
    }

    // ----- navigation ---------------------------------------------------

    /// The period `n` periods later (earlier when `n` is negative), or `None`
    /// outside chrono's date range.
    pub fn checked_offset(&self, n: i32) -> Option<Period> {
        match self.kind {
            PeriodType::Daily => self.start.checked_add_signed(Duration::try_days(i64::from(n))?).map(Period::day),
            PeriodType::Weekly(ws) => {
                let start = self.start.checked_add_signed(Duration::try_days(i64::from(n) * 7)?)?;
                Period::week_from_start(ws, start)
            }
            t => {
                let len = i64::from(t.months().expect("kỳ theo tháng"));
                Period::month_based(t, month_index(self.start) + i64::from(n) * len)
            }
        }
    }

    /// The period `n` periods later (earlier when `n` is negative).
    ///
    /// Panics only when leaving chrono's date range (about ±262 000 years).
    /// Identifiers exist for years 0001–9999 only.
    pub fn offset(&self, n: i32) -> Period {
        self.checked_offset(n).expect("kỳ báo cáo ngoài phạm vi lịch")
    }

    pub fn next(&self) -> Period {
        self.offset(1)
    }

    pub fn previous(&self) -> Period {
        self.offset(-1)
    }

    /// The same period one year earlier: `2022Q3` for `2023Q3`. For weeks,
    /// the week with the same number in the previous week-year, clamped to
    /// that year's last week (`2026W53` → `2025W52`, as 2025 has 52 weeks).
    /// For days, the same date; 29 February gives 28 February.
    pub fn same_period_last_year(&self) -> Period {
        match self.kind {
            PeriodType::Daily => {
                let d = self.start;
                let prev = d.with_year(d.year() - 1).or_else(|| NaiveDate::from_ymd_opt(d.year() - 1, 2, 28));
                Period::day(prev.expect("ngày ngoài phạm vi lịch"))
            }
            PeriodType::Weekly(ws) => {
                let year = self.period_year() - 1;
                let w = self.index_in_year().min(ws.weeks_in_year(year));
                let start = ws.week1_start(year) + Days::new(u64::from(w - 1) * 7);
                Period::week_from_start(ws, start).expect("tuần hợp lệ")
            }
            t => self.offset(-(12 / t.months().expect("kỳ theo tháng") as i32)),
        }
    }

    // ----- containment --------------------------------------------------

    /// Whether `other` falls in `self`: its dates lie within self's, except
    /// that a week falls in a month, quarter, half-year or year when its 4th
    /// day does (see the module documentation). A period falls in itself.
    /// Whether the period falls in the date span `start..=end` by the same
    /// rule as [`Period::contains`]: a week when its 4th day does, any other
    /// period when all its days do ("the year so far" is such a span).
    pub fn falls_within(&self, start: NaiveDate, end: NaiveDate) -> bool {
        if self.kind.is_weekly() {
            (start..=end).contains(&self.fourth_day())
        } else {
            start <= self.start && self.end <= end
        }
    }

    pub fn contains(&self, other: &Period) -> bool {
        if other.kind.is_weekly() && self.kind.months().is_some() {
            self.contains_date(other.fourth_day())
        } else {
            self.start <= other.start && other.end <= self.end
        }
    }

    /// The periods of type `t` that fall in `self` (by [`Period::contains`]),
    /// in order: the 3 months of a quarter, the 13 weeks of 2023Q3 whose 4th
    /// day is in July–September, the days of a month. Empty when none does
    /// (the months of a week).
    pub fn periods_within(&self, t: PeriodType) -> Vec<Period> {
        let mut out = Vec::new();
        let mut p = Period::containing(t, self.start);
        while p.start <= self.end {
            if self.contains(&p) {
                out.push(p);
            }
            match p.checked_offset(1) {
                Some(n) => p = n,
                None => break,
            }
        }
        out
    }

    /// The periods of type `t` from `start` to `end`, both included, in order
    /// ("202301..202312"): those falling in the span from `start`'s first day
    /// to `end`'s last day, where, as in [`Period::contains`], a week falls in
    /// the span when its 4th day does and other periods when all their days
    /// do. When `start` and `end` are of type `t` this is simply `start`,
    /// `start.next()`, ..., `end`. Empty when `end` ends before `start` begins.
    pub fn between(t: PeriodType, start: Period, end: Period) -> Vec<Period> {
        let (first, last) = (start.start, end.end);
        let mut out = Vec::new();
        if last < first {
            return out;
        }
        let mut p = Period::containing(t, first);
        while p.start <= last {
            let falls_in = if t.is_weekly() {
                (first..=last).contains(&p.fourth_day())
            } else {
                first <= p.start && p.end <= last
            };
            if falls_in {
                out.push(p);
            }
            match p.checked_offset(1) {
                Some(n) => p = n,
                None => break,
            }
        }
        out
    }
}

// ----- identifiers ------------------------------------------------------

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = self.period_year();
        match self.kind {
            PeriodType::Yearly => write!(f, "{y:04}"),
            PeriodType::SixMonthly => write!(f, "{y:04}S{}", self.index_in_year()),
            PeriodType::Quarterly => write!(f, "{y:04}Q{}", self.index_in_year()),
            PeriodType::Monthly => write!(f, "{y:04}{:02}", self.start.month()),
            PeriodType::Weekly(ws) => write!(f, "{y:04}{}{}", ws.infix(), self.index_in_year()),
            PeriodType::Daily => {
                write!(f, "{y:04}{:02}{:02}", self.start.month(), self.start.day())
            }
        }
    }
}

fn parse_period(input: &str) -> Result<Period, PeriodError> {
    let s = input.trim();
    let bad = |reason: &str| invalid(input, reason);
    if s.is_empty() {
        return Err(bad("chuỗi rỗng; ví dụ hợp lệ: 2023, 2023Q3, 202310, 2024W35"));
    }
    if !s.is_ascii() || s.len() < 4 || !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return Err(bad(FORMAT_HINT));
    }
    let year: i32 = s[..4].parse().map_err(|_| bad(FORMAT_HINT))?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(bad(YEAR_HINT));
    }
    let rest = &s[4..];
    let relabel = |e: PeriodError| match e {
        PeriodError::InvalidPeriod { reason, .. } => invalid(input, reason),
        other => other,
    };
    if rest.bytes().all(|b| b.is_ascii_digit()) {
        return match rest.len() {
            0 => Period::year(year).map_err(relabel),
            2 => Period::month(year, rest.parse().expect("chữ số")).map_err(relabel),
            4 => {
                let m: u32 = rest[..2].parse().expect("chữ số");
                let d: u32 = rest[2..].parse().expect("chữ số");
                if !(1..=12).contains(&m) {
                    return Err(bad("tháng phải từ 01 đến 12"));
                }
                NaiveDate::from_ymd_opt(year, m, d)
                    .map(Period::day)
                    .ok_or_else(|| bad(&format!("ngày {d:02}/{m:02}/{year:04} không có trong lịch")))
            }
            _ => Err(bad(FORMAT_HINT)),
        };
    }
    let letters_end = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
    let (letters, digits) = rest.split_at(letters_end);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(FORMAT_HINT));
    }
    let n: u32 = digits.parse().expect("chữ số");
    let result = match letters.to_ascii_uppercase().as_str() {
        "S" => Period::six_month(year, n),
        "Q" => Period::quarter(year, n),
        "W" => Period::week(WeekStart::Monday, year, n),
        "WEDW" => Period::week(WeekStart::Wednesday, year, n),
        "THUW" => Period::week(WeekStart::Thursday, year, n),
        "SATW" => Period::week(WeekStart::Saturday, year, n),
        "SUNW" => Period::week(WeekStart::Sunday, year, n),
        _ => return Err(bad(FORMAT_HINT)),
    };
    result.map_err(relabel)
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, PeriodError> {
        parse_period(s)
    }
}

/// Serde as the `Display` string, parsed back with `FromStr`.
macro_rules! serde_as_string {
    ($($t:ty),* $(,)?) => {$(
        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $t {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    )*};
}
pub(crate) use serde_as_string;

serde_as_string!(PeriodType);

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads the identifier as a string, or as an integer (YAML `period: 202310`
/// written without quotes).
impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PeriodVisitor;
        impl serde::de::Visitor<'_> for PeriodVisitor {
            type Value = Period;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("mã kỳ báo cáo DHIS2 (2023, 2023S1, 2023Q3, 202310, 2024W35, 2024SatW35, 20241031)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Period, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Period, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Period, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(PeriodVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn p(s: &str) -> Period {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }
    fn ids(ps: &[Period]) -> Vec<String> {
        ps.iter().map(Period::to_string).collect()
    }

    type Ymd = (i32, u32, u32);
    /// identifier, type, first day, last day, label_vi, label_en.
    type Case = (&'static str, PeriodType, Ymd, Ymd, &'static str, &'static str);

    const CASES: &[Case] = &[
        ("2023", PeriodType::Yearly, (2023, 1, 1), (2023, 12, 31), "Năm 2023", "2023"),
        ("2023S1", PeriodType::SixMonthly, (2023, 1, 1), (2023, 6, 30), "6 tháng đầu năm 2023", "January–June 2023"),
        ("2023S2", PeriodType::SixMonthly, (2023, 7, 1), (2023, 12, 31), "6 tháng cuối năm 2023", "July–December 2023"),
        ("2023Q1", PeriodType::Quarterly, (2023, 1, 1), (2023, 3, 31), "Quý I/2023", "Q1 2023"),
        ("2023Q3", PeriodType::Quarterly, (2023, 7, 1), (2023, 9, 30), "Quý III/2023", "Q3 2023"),
        ("2023Q4", PeriodType::Quarterly, (2023, 10, 1), (2023, 12, 31), "Quý IV/2023", "Q4 2023"),
        ("202310", PeriodType::Monthly, (2023, 10, 1), (2023, 10, 31), "Tháng 10/2023", "October 2023"),
        ("202301", PeriodType::Monthly, (2023, 1, 1), (2023, 1, 31), "Tháng 1/2023", "January 2023"),
        ("202402", PeriodType::Monthly, (2024, 2, 1), (2024, 2, 29), "Tháng 2/2024", "February 2024"),
        (
            "2024W35",
            PeriodType::Weekly(WeekStart::Monday),
            (2024, 8, 26),
            (2024, 9, 1),
            "Tuần 35 (26/8–1/9/2024)",
            "Week 35 (26 Aug – 1 Sep 2024)",
        ),
        (
            "2024SatW35",
            PeriodType::Weekly(WeekStart::Saturday),
            (2024, 8, 24),
            (2024, 8, 30),
            "Tuần 35 (24/8–30/8/2024)",
            "Week 35 (24 Aug – 30 Aug 2024)",
        ),
        (
            "2024SunW35",
            PeriodType::Weekly(WeekStart::Sunday),
            (2024, 8, 25),
            (2024, 8, 31),
            "Tuần 35 (25/8–31/8/2024)",
            "Week 35 (25 Aug – 31 Aug 2024)",
        ),
        (
            "2024WedW35",
            PeriodType::Weekly(WeekStart::Wednesday),
            (2024, 8, 28),
            (2024, 9, 3),
            "Tuần 35 (28/8–3/9/2024)",
            "Week 35 (28 Aug – 3 Sep 2024)",
        ),
        (
            "2024ThuW35",
            PeriodType::Weekly(WeekStart::Thursday),
            (2024, 8, 29),
            (2024, 9, 4),
            "Tuần 35 (29/8–4/9/2024)",
            "Week 35 (29 Aug – 4 Sep 2024)",
        ),
        (
            "2025W1",
            PeriodType::Weekly(WeekStart::Monday),
            (2024, 12, 30),
            (2025, 1, 5),
            "Tuần 1 (30/12/2024–5/1/2025)",
            "Week 1 (30 Dec 2024 – 5 Jan 2025)",
        ),
        (
            "2020W53",
            PeriodType::Weekly(WeekStart::Monday),
            (2020, 12, 28),
            (2021, 1, 3),
            "Tuần 53 (28/12/2020–3/1/2021)",
            "Week 53 (28 Dec 2020 – 3 Jan 2021)",
        ),
        (
            // Week 1 of 2024 for Saturday weeks starts on Saturday 30/12/2023:
            // its 4th day, Tuesday 2/1/2024, is the first Tuesday of 2024.
            "2024SatW1",
            PeriodType::Weekly(WeekStart::Saturday),
            (2023, 12, 30),
            (2024, 1, 5),
            "Tuần 1 (30/12/2023–5/1/2024)",
            "Week 1 (30 Dec 2023 – 5 Jan 2024)",
        ),
        ("20241031", PeriodType::Daily, (2024, 10, 31), (2024, 10, 31), "Ngày 31/10/2024", "31 Oct 2024"),
        ("20240105", PeriodType::Daily, (2024, 1, 5), (2024, 1, 5), "Ngày 5/1/2024", "5 Jan 2024"),
    ];

    #[test]
    fn identifiers_dates_and_labels() {
        for &(id, t, (sy, sm, sd), (ey, em, ed), vi, en) in CASES {
            let per = p(id);
            assert_eq!(per.to_string(), id, "round trip of {id}");
            assert_eq!(per.period_type(), t, "{id}");
            assert_eq!(per.start(), d(sy, sm, sd), "start of {id}");
            assert_eq!(per.end(), d(ey, em, ed), "end of {id}");
            assert_eq!(per.days() as i64, (per.end() - per.start()).num_days() + 1);
            assert_eq!(per.end_day() - per.start_day() + 1, per.days() as i32);
            assert_eq!(per.label_vi(), vi, "{id}");
            assert_eq!(per.label_en(), en, "{id}");
            assert_eq!(Period::containing(t, per.start()), per);
            assert_eq!(Period::containing(t, per.end()), per);
            let json = serde_json::to_string(&per).unwrap();
            assert_eq!(json, format!("\"{id}\""));
            assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), per);
        }
    }

    #[test]
    fn saturday_week_35_of_2024_by_the_fourth_day_rule() {
        // The Saturday 24/8/2024 week has its 4th day on Tuesday 27/8/2024.
        let w = Period::containing(PeriodType::Weekly(WeekStart::Saturday), d(2024, 8, 27));
        assert_eq!(w.start(), d(2024, 8, 24));
        assert_eq!(w.start().weekday(), Weekday::Sat);
        assert_eq!(w.start() + Days::new(3), d(2024, 8, 27));
        assert_eq!(w.index_in_year(), 35);
        assert_eq!(w.to_string(), "2024SatW35");
        assert_eq!(w.label_vi(), "Tuần 35 (24/8–30/8/2024)");
    }

    #[test]
    fn constructors() {
        let cases: &[(Result<Period, PeriodError>, &str)] = &[
            (Period::year(2023), "2023"),
            (Period::six_month(2023, 2), "2023S2"),
            (Period::quarter(2023, 3), "2023Q3"),
            (Period::month(2023, 10), "202310"),
            (Period::week(WeekStart::Monday, 2024, 35), "2024W35"),
            (Period::week(WeekStart::Saturday, 2024, 35), "2024SatW35"),
            (Ok(Period::day(d(2024, 10, 31))), "20241031"),
        ];
        for (got, want) in cases {
            assert_eq!(got.as_ref().unwrap().to_string(), *want);
        }
    }

    #[test]
    fn accepted_spellings() {
        for (input, canonical) in [
            ("2024W01", "2024W1"),
            ("2024W1", "2024W1"),
            ("2024w35", "2024W35"),
            ("2024satw35", "2024SatW35"),
            ("2024SATW05", "2024SatW5"),
            ("2023q3", "2023Q3"),
            (" 2023S1 ", "2023S1"),
        ] {
            assert_eq!(p(input).to_string(), canonical, "{input}");
        }
    }

    #[test]
    fn errors_quote_the_input_and_say_why() {
        let cases = [
            ("2023Q5", "kỳ báo cáo không hợp lệ: \"2023Q5\" (quý phải từ 1 đến 4)"),
            ("2023Q0", "kỳ báo cáo không hợp lệ: \"2023Q0\" (quý phải từ 1 đến 4)"),
            ("2023S3", "kỳ báo cáo không hợp lệ: \"2023S3\" (kỳ 6 tháng phải là S1 hoặc S2)"),
            ("202313", "kỳ báo cáo không hợp lệ: \"202313\" (tháng phải từ 01 đến 12)"),
            ("20230230", "kỳ báo cáo không hợp lệ: \"20230230\" (ngày 30/02/2023 không có trong lịch)"),
            ("20231330", "kỳ báo cáo không hợp lệ: \"20231330\" (tháng phải từ 01 đến 12)"),
            (
                "2021W53",
                "kỳ báo cáo không hợp lệ: \"2021W53\" (tuần phải từ 1 đến 52 trong năm 2021, với tuần bắt đầu từ thứ Hai)",
            ),
            (
                "2024SatW54",
                "kỳ báo cáo không hợp lệ: \"2024SatW54\" (tuần phải từ 1 đến 53 trong năm 2024, với tuần bắt đầu từ thứ Bảy)",
            ),
            ("0000", "kỳ báo cáo không hợp lệ: \"0000\" (năm phải từ 0001 đến 9999)"),
        ];
        for (input, message) in cases {
            let err = Period::parse(input).unwrap_err();
            assert_eq!(err.to_string(), message);
        }
        for input in
            ["", "abc", "23", "2023-10", "2023X1", "2023W", "2023W123", "2023Q", "2023BiW1", "năm 2023", "2023101"]
        {
            let err = Period::parse(input).unwrap_err().to_string();
            assert!(err.starts_with(&format!("kỳ báo cáo không hợp lệ: \"{input}\" (")), "{err}");
        }
        assert_eq!(serde_json::from_str::<Period>("202310").unwrap(), p("202310"));
        assert_eq!(serde_json::from_str::<Period>("2023").unwrap(), p("2023"));
        assert!(serde_json::from_str::<Period>("202313").is_err());
        assert!(serde_json::from_str::<Period>("[2023]").is_err());
        assert!(serde_json::from_str::<Period>("\"2023Q5\"").unwrap_err().to_string().contains("quý phải từ 1 đến 4"));
        assert_eq!(
            Period::quarter(2023, 5).unwrap_err().to_string(),
            "kỳ báo cáo không hợp lệ: \"2023Q5\" (quý phải từ 1 đến 4)"
        );
    }

    #[test]
    fn week_53() {
        // (week start, year, number of weeks)
        let cases = [
            (WeekStart::Monday, 2020, 53),
            (WeekStart::Monday, 2021, 52),
            (WeekStart::Monday, 2015, 53),
            (WeekStart::Monday, 2026, 53),
            (WeekStart::Monday, 2024, 52),
            // Saturday weeks: week 53 of 2024 runs 28/12/2024–3/1/2025 (its
            // Tuesday is 31/12/2024); week 1 of 2025 starts on 4/1/2025.
            (WeekStart::Saturday, 2024, 53),
            (WeekStart::Saturday, 2023, 52),
        ];
        for (ws, y, n) in cases {
            assert_eq!(ws.weeks_in_year(y), n, "{ws:?} {y}");
            assert!(Period::week(ws, y, n).is_ok());
            assert!(Period::week(ws, y, n + 1).is_err());
        }
        assert!(Period::parse("2020W53").is_ok());
        assert!(Period::parse("2021W53").is_err());
    }

    #[test]
    fn navigation() {
        let cases = [
            ("2023Q1", "2022Q4", "2023Q2", "2022Q1"),
            ("2024W1", "2023W52", "2024W2", "2023W1"),
            ("2021W1", "2020W53", "2021W2", "2020W1"),
            ("2026W53", "2026W52", "2027W1", "2025W52"),
            ("202301", "202212", "202302", "202201"),
            ("2023S1", "2022S2", "2023S2", "2022S1"),
            ("2023", "2022", "2024", "2022"),
            ("20240301", "20240229", "20240302", "20230301"),
            ("20240229", "20240228", "20240301", "20230228"),
            ("2024SatW1", "2023SatW52", "2024SatW2", "2023SatW1"),
        ];
        for (id, prev, next, last_year) in cases {
            let per = p(id);
            assert_eq!(per.previous().to_string(), prev, "previous of {id}");
            assert_eq!(per.next().to_string(), next, "next of {id}");
            assert_eq!(per.same_period_last_year().to_string(), last_year, "last year of {id}");
        }
        // clamping: week 53 of 2026 → week 52 of 2025 (2025 has 52 weeks)
        assert_eq!(p("2026W53").same_period_last_year().to_string(), "2025W52");
        assert_eq!(p("2020W53").next().to_string(), "2021W1");
        assert_eq!(p("2024W01").previous(), p("2023W52"));
        assert_eq!(p("202310").offset(-10).to_string(), "202212");
        assert_eq!(p("202310").offset(15).to_string(), "202501");
        assert_eq!(p("2023Q3").offset(-7).to_string(), "2021Q4");
        assert_eq!(p("2024W35").offset(20).to_string(), "2025W3");
    }

    #[test]
    fn ordering() {
        let mut v = vec![p("2023Q1"), p("2023"), p("202301"), p("20230101"), p("2023S1"), p("2022W52"), p("202212")];
        v.sort();
        assert_eq!(ids(&v), ["202212", "2022W52", "20230101", "202301", "2023Q1", "2023S1", "2023"]);
    }

    #[test]
    fn quarter_contents() {
        let q = p("2023Q3");
        assert_eq!(ids(&q.periods_within(PeriodType::Monthly)), ["202307", "202308", "202309"]);
        // Weeks whose Thursday falls in July–September 2023: 2023W27 (3/7–9/7)
        // to 2023W39 (25/9–1/10, Thursday 28/9). 2023W26 (26/6–2/7) has its
        // Thursday on 29/6, so it belongs to June.
        let weeks = q.periods_within(PeriodType::Weekly(WeekStart::Monday));
        let want: Vec<String> = (27..=39).map(|w| format!("2023W{w}")).collect();
        assert_eq!(ids(&weeks), want);
        assert_eq!(weeks.len(), 13);
        assert!(!q.contains(&p("2023W26")));
        assert!(q.contains(&p("2023W39")));
        assert!(!q.contains(&p("2023W40")));
        assert!(q.contains(&p("202307")) && q.contains(&p("20230930")) && !q.contains(&p("20231001")));
        assert!(!q.contains(&p("2023S2")) && p("2023S2").contains(&q) && p("2023").contains(&q));
        assert!(q.contains(&q));
        assert_eq!(p("202302").periods_within(PeriodType::Daily).len(), 28);
        assert_eq!(p("2024W35").periods_within(PeriodType::Daily).len(), 7);
        assert!(p("2024W35").periods_within(PeriodType::Monthly).is_empty());
        // A week straddling two months belongs to the month of its 4th day:
        // 2024W35 (26/8–1/9) → August 2024.
        assert!(p("202408").contains(&p("2024W35")) && !p("202409").contains(&p("2024W35")));
        // The weeks of a year are exactly the weeks numbered in that year.
        let w2020 = p("2020").periods_within(PeriodType::Weekly(WeekStart::Monday));
        assert_eq!((w2020.len(), w2020[0].to_string(), w2020[52].to_string()), (53, "2020W1".into(), "2020W53".into()));
        let sat2024 = p("2024").periods_within(PeriodType::Weekly(WeekStart::Saturday));
        assert_eq!(sat2024.len(), 53);
        assert_eq!(sat2024[52].end(), d(2025, 1, 3));
        assert_eq!(sat2024[0].start(), d(2023, 12, 30));
    }

    #[test]
    fn between() {
        let cases: &[(PeriodType, &str, &str, &[&str])] = &[
            (PeriodType::Monthly, "202311", "202402", &["202311", "202312", "202401", "202402"]),
            (PeriodType::Quarterly, "2023Q3", "2024Q1", &["2023Q3", "2023Q4", "2024Q1"]),
            (PeriodType::Weekly(WeekStart::Monday), "2020W52", "2021W2", &["2020W52", "2020W53", "2021W1", "2021W2"]),
            (PeriodType::Monthly, "2023Q1", "2023Q2", &["202301", "202302", "202303", "202304", "202305", "202306"]),
            (PeriodType::Weekly(WeekStart::Monday), "202309", "202309", &["2023W36", "2023W37", "2023W38", "2023W39"]),
            (PeriodType::Yearly, "2021", "2023", &["2021", "2022", "2023"]),
            (PeriodType::Monthly, "202312", "202301", &[]),
        ];
        for &(t, a, b, want) in cases {
            assert_eq!(ids(&Period::between(t, p(a), p(b))), want, "{t} {a}..{b}");
        }
        assert_eq!(Period::between(PeriodType::Monthly, p("202301"), p("202312")).len(), 12);
    }

    #[test]
    fn period_types() {
        for t in PeriodType::ALL {
            assert_eq!(t.to_string().parse::<PeriodType>().unwrap(), t);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.name()));
            assert_eq!(serde_json::from_str::<PeriodType>(&json).unwrap(), t);
        }
        assert_eq!("monthly".parse::<PeriodType>().unwrap(), PeriodType::Monthly);
        assert_eq!("WeeklySaturday".parse::<PeriodType>().unwrap(), PeriodType::Weekly(WeekStart::Saturday));
        let labels: Vec<&str> = ["Yearly", "SixMonthly", "Quarterly", "Monthly", "Weekly", "Daily"]
            .iter()
            .map(|s| s.parse::<PeriodType>().unwrap().label_vi())
            .collect();
        assert_eq!(labels, ["Năm", "6 tháng", "Quý", "Tháng", "Tuần", "Ngày"]);
        let err = "Weekly Saturday".parse::<PeriodType>().unwrap_err().to_string();
        assert!(
            err.starts_with("loại kỳ báo cáo không hợp lệ: \"Weekly Saturday\" (chấp nhận: Daily, Weekly,"),
            "{err}"
        );
    }

    // ----- properties ---------------------------------------------------

    fn any_week_start() -> impl Strategy<Value = WeekStart> {
        proptest::sample::select(WeekStart::ALL.to_vec())
    }

    fn any_week() -> impl Strategy<Value = Period> {
        (any_week_start(), 1i32..=9998, 1u32..=53)
            .prop_map(|(ws, y, w)| Period::week(ws, y, w.min(ws.weeks_in_year(y))).unwrap())
    }

    fn any_period() -> impl Strategy<Value = Period> {
        prop_oneof![
            (1i32..=9999).prop_map(|y| Period::year(y).unwrap()),
            (1i32..=9999, 1u32..=2).prop_map(|(y, h)| Period::six_month(y, h).unwrap()),
            (1i32..=9999, 1u32..=4).prop_map(|(y, q)| Period::quarter(y, q).unwrap()),
            (1i32..=9999, 1u32..=12).prop_map(|(y, m)| Period::month(y, m).unwrap()),
            any_week(),
            (1i32..=9999, 1u32..=366).prop_map(|(y, o)| {
                Period::day(NaiveDate::from_yo_opt(y, o).unwrap_or_else(|| NaiveDate::from_yo_opt(y, 365).unwrap()))
            }),
        ]
    }

    proptest! {
        #[test]
        fn parse_format_round_trip(per in any_period()) {
            let id = per.to_string();
            prop_assert_eq!(Period::parse(&id).unwrap(), per);
            prop_assert_eq!(Period::containing(per.period_type(), per.start()), per);
            prop_assert_eq!(Period::containing(per.period_type(), per.end()), per);
        }

        #[test]
        fn previous_next(per in any_period(), n in -500i32..500) {
            prop_assume!(per.period_year() > 100 && per.period_year() < 9900);
            prop_assert_eq!(per.previous().next(), per);
            prop_assert_eq!(per.next().previous(), per);
            prop_assert_eq!(per.offset(n).offset(-n), per);
            prop_assert!(per.previous().end() < per.start());
            prop_assert_eq!(per.previous().end().succ_opt().unwrap(), per.start());
        }

        #[test]
        fn every_week_in_exactly_one_month(w in any_week()) {
            prop_assume!(w.period_year() > 1);
            let m = Period::containing(PeriodType::Monthly, w.start());
            let candidates = [m.previous(), m, m.next(), m.next().next()];
            let holders: Vec<_> = candidates.iter().filter(|c| c.contains(&w)).collect();
            prop_assert_eq!(holders.len(), 1);
            prop_assert!(holders[0].contains_date(w.start() + Days::new(3)));
            prop_assert!(holders[0].periods_within(w.period_type()).contains(&w));
            let year = Period::year(w.period_year()).unwrap();
            prop_assert!(year.contains(&w));
        }

        #[test]
        fn months_of_a_year(y in 1i32..=9999) {
            let months = Period::year(y).unwrap().periods_within(PeriodType::Monthly);
            prop_assert_eq!(months.len(), 12);
            prop_assert_eq!(months[0], Period::month(y, 1).unwrap());
            for pair in months.windows(2) {
                prop_assert_eq!(pair[0].next(), pair[1]);
            }
        }

        #[test]
        fn labels_never_panic(per in any_period()) {
            prop_assert!(!per.label_vi().is_empty());
            prop_assert!(!per.label_en().is_empty());
        }

        #[test]
        fn same_period_last_year_is_a_year_back(per in any_period()) {
            prop_assume!(per.period_year() > 1);
            let last = per.same_period_last_year();
            prop_assert_eq!(last.period_type(), per.period_type());
            prop_assert_eq!(last.period_year(), per.period_year() - 1);
            if !matches!(per.period_type(), PeriodType::Daily) {
                prop_assert!(last.index_in_year() <= per.index_in_year());
            }
        }
    }
}
