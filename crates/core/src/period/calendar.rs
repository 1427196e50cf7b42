//! Working days, for deadlines counted in working days ("trong 02 ngày làm
//! việc sau ngày chốt số liệu").
//!
//! A working day is Monday to Friday, not a holiday (ngày nghỉ lễ, tết or a
//! day off given in exchange), plus the weekend days declared working days
//! (ngày làm bù, when a weekday off is swapped with a Saturday).
//!
//! # The Vietnamese table ([`WorkingCalendar::vietnam`])
//!
//! For 2015–2040, the days off of state bodies (Bộ luật Lao động 2012 and
//! 2019, art. 112):
//!
//! * the solar holidays 1/1, 30/4, 1/5 and 2/9; from 2021, 2/9 comes with an
//!   adjacent day chosen each year: 3/9 in 2021, 1/9 in 2022 and 2023, 3/9 in
//!   2024, and 1/9 from 2025 on (the later years' choice is not yet known:
//!   1/9 is the default);
//! * Giỗ Tổ Hùng Vương, 10/3 of the lunar calendar: 28/4/2015, 16/4/2016,
//!   6/4/2017, 25/4/2018, 14/4/2019, 2/4/2020, 21/4/2021, 10/4/2022,
//!   29/4/2023, 18/4/2024, 7/4/2025, 26/4/2026, 16/4/2027, 4/4/2028,
//!   23/4/2029, 12/4/2030, 1/4/2031, 19/4/2032, 9/4/2033, 28/4/2034,
//!   17/4/2035, 6/4/2036, 24/4/2037, 13/4/2038, 3/4/2039, 20/4/2040 (the
//!   Vietnamese lunar calendar, UTC+7; in 2037 and 2038 it is a day earlier
//!   than the Chinese one);
//! * when one of those falls on a Saturday or Sunday, the next working day
//!   that is not already off (nghỉ bù), e.g. Monday 2/1/2023 for Sunday 1/1,
//!   Tuesday 2/5 and Wednesday 3/5/2023 for Saturday 29/4 and Sunday 30/4;
//! * Tết Nguyên Đán as announced for state bodies, for the years known:
//!   23–29/1/2020, 10–16/2/2021, 29/1–6/2/2022, 20–26/1/2023, 8–14/2/2024,
//!   25/1–2/2/2025, 14–22/2/2026;
//! * the announced swaps: Monday 29/4/2024 off, Saturday 4/5/2024 worked;
//!   Friday 31/1/2025 off (within Tết), Saturday 8/2/2025 worked; Friday
//!   2/5/2025 off, Saturday 26/4/2025 worked.
//!
//! Not in the table: Tết before 2020 and after 2026, swaps before 2024 and
//! after 2025, and any holiday created later. Deployments add them with
//! [`WorkingCalendar::add_holiday`] and [`WorkingCalendar::add_working_day`]
//! (the calendar is serde-serialisable, so it can live in configuration).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Holidays and declared working weekend days. The default calendar has no
/// holidays: every Monday to Friday is a working day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkingCalendar {
    /// Days off that would otherwise be working days (weekend days may be
    /// listed too; they change nothing).
    holidays: BTreeSet<NaiveDate>,
    /// Saturdays or Sundays that are working days (ngày làm bù).
    working_weekend_days: BTreeSet<NaiveDate>,
}

/// First and last year of the built-in Vietnamese table.
pub const VIETNAM_FIRST_YEAR: i32 = 2015;
pub const VIETNAM_LAST_YEAR: i32 = 2040;

/// (year, month, day).
type Ymd = (i32, u32, u32);

/// Giỗ Tổ Hùng Vương (10/3 lunar), one per year from 2015.
const GIO_TO: [Ymd; 26] = [
    (2015, 4, 28),
    (2016, 4, 16),
    (2017, 4, 6),
    (2018, 4, 25),
    (2019, 4, 14),
    (2020, 4, 2),
    (2021, 4, 21),
    (2022, 4, 10),
    (2023, 4, 29),
    (2024, 4, 18),
    (2025, 4, 7),
    (2026, 4, 26),
    (2027, 4, 16),
    (2028, 4, 4),
    (2029, 4, 23),
    (2030, 4, 12),
    (2031, 4, 1),
    (2032, 4, 19),
    (2033, 4, 9),
    (2034, 4, 28),
    (2035, 4, 17),
    (2036, 4, 6),
    (2037, 4, 24),
    (2038, 4, 13),
    (2039, 4, 3),
    (2040, 4, 20),
];

/// The day that comes with 2/9 from 2021 (Bộ luật Lao động 2019), for the
/// years it differs from the default 1/9.
const NATIONAL_DAY_SECOND: [Ymd; 4] = [(2021, 9, 3), (2022, 9, 1), (2023, 9, 1), (2024, 9, 3)];

/// Tết Nguyên Đán, first and last day off (weekends included), as announced.
const TET: [(Ymd, Ymd); 7] = [
    ((2020, 1, 23), (2020, 1, 29)),
    ((2021, 2, 10), (2021, 2, 16)),
    ((2022, 1, 29), (2022, 2, 6)),
    ((2023, 1, 20), (2023, 1, 26)),
    ((2024, 2, 8), (2024, 2, 14)),
    ((2025, 1, 25), (2025, 2, 2)),
    ((2026, 2, 14), (2026, 2, 22)),
];

/// Swapped days: (weekday off, weekend day worked in exchange).
const SWAPS: [(Ymd, Ymd); 3] =
    [((2024, 4, 29), (2024, 5, 4)), ((2025, 1, 31), (2025, 2, 8)), ((2025, 5, 2), (2025, 4, 26))];

fn date((y, m, d): Ymd) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("ngày trong bảng ngày nghỉ")
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkingCalendar {
    /// Monday to Friday, no holidays.
    pub fn new() -> Self {
        Self::default()
    }

    /// The Vietnamese public holidays of state bodies, 2015–2040 (see the
    /// module documentation for the table and what it leaves out).
    pub fn vietnam() -> Self {
        let mut cal = WorkingCalendar::new();
        // Statutory holidays, which earn a compensatory day when they fall on
        // a weekend.
        let mut statutory: Vec<NaiveDate> = Vec::new();
        for y in VIETNAM_FIRST_YEAR..=VIETNAM_LAST_YEAR {
            for (m, d) in [(1, 1), (4, 30), (5, 1), (9, 2)] {
                statutory.push(date((y, m, d)));
            }
            if y >= 2021 {
                let second = NATIONAL_DAY_SECOND.iter().find(|(yy, _, _)| *yy == y).copied().unwrap_or((y, 9, 1));
                statutory.push(date(second));
            }
        }
        statutory.extend(GIO_TO.iter().copied().map(date));
        statutory.sort();
        cal.holidays.extend(statutory.iter().copied());
        for (first, last) in TET {
            let (first, last) = (date(first), date(last));
            cal.holidays.extend(first.iter_days().take_while(|d| *d <= last));
        }
        for (off, worked) in SWAPS {
            cal.holidays.insert(date(off));
            cal.working_weekend_days.insert(date(worked));
        }
        for h in statutory.into_iter().filter(|h| is_weekend(*h)) {
            let mut d = h;
            loop {
                d = d.succ_opt().expect("ngày trong bảng ngày nghỉ");
                if cal.is_working_day(d) {
                    break;
                }
            }
            cal.holidays.insert(d);
        }
        cal
    }

    /// Adds a day off (a new holiday, a Tết day, a compensatory day).
    pub fn add_holiday(&mut self, date: NaiveDate) -> &mut Self {
        self.holidays.insert(date);
        self.working_weekend_days.remove(&date);
        self
    }

    /// Removes a day off, e.g. when the announced days differ from the table.
    pub fn remove_holiday(&mut self, date: NaiveDate) -> &mut Self {
        self.holidays.remove(&date);
        self
    }

    /// Declares a Saturday or Sunday a working day (ngày làm bù).
    pub fn add_working_day(&mut self, date: NaiveDate) -> &mut Self {
        self.working_weekend_days.insert(date);
        self.holidays.remove(&date);
        self
    }

    /// The days off, in order (weekend days are listed only when added).
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    /// Monday to Friday and not a holiday, or a declared working weekend day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.working_weekend_days.contains(&date) {
            return true;
        }
        !is_weekend(date) && !self.holidays.contains(&date)
    }

    /// The `n`-th working day after `date` (`date` itself when `n` is 0,
    /// working day or not): 2 working days after Friday 14/4/2023 is Tuesday
    /// 18/4/2023.
    ///
    /// Panics only when leaving chrono's date range.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut d = date;
        for _ in 0..n {
            d = self.next_working_day_after(d);
        }
        d
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day_after(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        loop {
            d = d.checked_add_days(Days::new(1)).expect("ngày ngoài phạm vi lịch");
            if self.is_working_day(d) {
                return d;
            }
        }
    }

    /// Number of working days in `first..=last`.
    pub fn working_days_between(&self, first: NaiveDate, last: NaiveDate) -> u32 {
        first.iter_days().take_while(|d| *d <= last).filter(|d| self.is_working_day(*d)).count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn vietnamese_days_off() {
        let cal = WorkingCalendar::vietnam();
        // (date, working?, why)
        let cases = [
            (d(2023, 1, 2), false, "nghỉ bù Tết Dương lịch (1/1/2023 là Chủ nhật)"),
            (d(2023, 1, 3), true, "ngày thường"),
            (d(2023, 1, 20), false, "Tết Quý Mão, 29 Tết"),
            (d(2023, 1, 26), false, "Tết Quý Mão, mùng 5"),
            (d(2023, 1, 27), true, "đi làm lại sau Tết"),
            (d(2023, 4, 28), true, "thứ Sáu trước kỳ nghỉ 30/4"),
            (d(2023, 4, 29), false, "Giỗ Tổ (thứ Bảy)"),
            (d(2023, 5, 1), false, "Quốc tế Lao động"),
            (d(2023, 5, 2), false, "nghỉ bù Giỗ Tổ"),
            (d(2023, 5, 3), false, "nghỉ bù 30/4"),
            (d(2023, 5, 4), true, "đi làm lại"),
            (d(2023, 9, 1), false, "Quốc khánh, ngày liền kề"),
            (d(2023, 9, 4), false, "nghỉ bù 2/9 (thứ Bảy)"),
            (d(2024, 2, 14), false, "Tết Giáp Thìn, mùng 5"),
            (d(2024, 4, 18), false, "Giỗ Tổ 2024"),
            (d(2024, 4, 29), false, "hoán đổi"),
            (d(2024, 5, 4), true, "thứ Bảy làm bù"),
            (d(2024, 9, 3), false, "Quốc khánh, ngày liền kề 2024"),
            (d(2025, 1, 31), false, "Tết Ất Tỵ"),
            (d(2025, 2, 8), true, "thứ Bảy làm bù"),
            (d(2025, 4, 7), false, "Giỗ Tổ 2025"),
            (d(2025, 4, 26), true, "thứ Bảy làm bù"),
            (d(2025, 5, 2), false, "hoán đổi"),
            (d(2025, 9, 1), false, "Quốc khánh, ngày liền kề 2025"),
            (d(2026, 2, 16), false, "Tết Bính Ngọ"),
            (d(2026, 4, 27), false, "nghỉ bù Giỗ Tổ (26/4/2026 là Chủ nhật)"),
            (d(2016, 4, 18), false, "nghỉ bù Giỗ Tổ (16/4/2016 là thứ Bảy)"),
            (d(2030, 9, 2), false, "Quốc khánh"),
            (d(2040, 4, 20), false, "Giỗ Tổ 2040"),
            (d(2024, 8, 24), false, "thứ Bảy"),
        ];
        for (day, working, why) in cases {
            assert_eq!(cal.is_working_day(day), working, "{day}: {why}");
        }
        let empty = WorkingCalendar::new();
        assert!(empty.is_working_day(d(2023, 5, 1)) && !empty.is_working_day(d(2023, 4, 29)));
    }

    #[test]
    fn adding_working_days() {
        let cal = WorkingCalendar::vietnam();
        let cases = [
            (d(2023, 4, 14), 2, d(2023, 4, 18)),
            (d(2023, 4, 14), 0, d(2023, 4, 14)),
            (d(2023, 4, 28), 1, d(2023, 5, 4)),
            (d(2023, 4, 28), 2, d(2023, 5, 5)),
            (d(2024, 2, 7), 1, d(2024, 2, 15)),
            (d(2025, 2, 7), 1, d(2025, 2, 8)),
        ];
        for (from, n, want) in cases {
            assert_eq!(cal.add_working_days(from, n), want, "{from} + {n}");
        }
        assert_eq!(cal.working_days_between(d(2023, 4, 24), d(2023, 5, 7)), 7);
    }

    #[test]
    fn deployments_adjust_the_table() {
        let mut cal = WorkingCalendar::vietnam();
        let new_day = d(2027, 2, 5);
        assert!(cal.is_working_day(new_day));
        cal.add_holiday(new_day);
        assert!(!cal.is_working_day(new_day) && cal.is_holiday(new_day));
        cal.remove_holiday(new_day);
        assert!(cal.is_working_day(new_day));
        cal.add_working_day(d(2027, 2, 6));
        assert!(cal.is_working_day(d(2027, 2, 6)));
        let json = serde_json::to_string(&cal).unwrap();
        assert_eq!(serde_json::from_str::<WorkingCalendar>(&json).unwrap(), cal);
        let tiny: WorkingCalendar = serde_json::from_str(r#"{"holidays": ["2027-02-05"]}"#).unwrap();
        assert!(!tiny.is_working_day(new_day));
    }
}
