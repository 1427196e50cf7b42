//! DHIS2 relative periods ("LAST_12_MONTHS"), resolved against a date.
//!
//! Semantics follow DHIS2: "this" is the period containing `today`, "last"
//! the one before it, and "last N" the N periods before the current one
//! (the current one excluded), oldest first. "…_THIS_YEAR" lists the periods
//! of the calendar year of `today` (for weeks: those whose 4th day falls in
//! it, i.e. the weeks numbered in that year). Day ranges ("LAST_7_DAYS")
//! exclude today.

use super::{Period, PeriodError, PeriodType, WeekStart, serde_as_string};
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

macro_rules! relative_periods {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A DHIS2 relative period. `Display`, `FromStr` and serde use the
        /// DHIS2 names (`LAST_12_MONTHS`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RelativePeriod {
            $($(#[$doc])* $variant,)*
        }

        impl RelativePeriod {
            /// Every relative period, in declaration order.
            pub const ALL: &'static [RelativePeriod] = &[$(RelativePeriod::$variant,)*];

            /// The DHIS2 name.
            pub fn name(self) -> &'static str {
                match self {
                    $(RelativePeriod::$variant => $name,)*
                }
            }
        }
    };
}

relative_periods! {
    /// [today]
    Today = "TODAY",
    /// [yesterday]
    Yesterday = "YESTERDAY",
    /// The 3 days before today.
    Last3Days = "LAST_3_DAYS",
    /// The 7 days before today.
    Last7Days = "LAST_7_DAYS",
    /// The 14 days before today.
    Last14Days = "LAST_14_DAYS",
    /// The 30 days before today.
    Last30Days = "LAST_30_DAYS",
    ThisWeek = "THIS_WEEK",
    LastWeek = "LAST_WEEK",
    /// The 4 weeks before the current week.
    Last4Weeks = "LAST_4_WEEKS",
    Last12Weeks = "LAST_12_WEEKS",
    Last52Weeks = "LAST_52_WEEKS",
    /// The weeks numbered in the current calendar year.
    WeeksThisYear = "WEEKS_THIS_YEAR",
    ThisMonth = "THIS_MONTH",
    LastMonth = "LAST_MONTH",
    Last3Months = "LAST_3_MONTHS",
    Last6Months = "LAST_6_MONTHS",
    /// The 12 months before the current one, oldest first.
    Last12Months = "LAST_12_MONTHS",
    /// The 12 months of the current year.
    MonthsThisYear = "MONTHS_THIS_YEAR",
    MonthsLastYear = "MONTHS_LAST_YEAR",
    ThisQuarter = "THIS_QUARTER",
    LastQuarter = "LAST_QUARTER",
    Last4Quarters = "LAST_4_QUARTERS",
    QuartersThisYear = "QUARTERS_THIS_YEAR",
    QuartersLastYear = "QUARTERS_LAST_YEAR",
    ThisSixMonth = "THIS_SIX_MONTH",
    LastSixMonth = "LAST_SIX_MONTH",
    Last2SixMonths = "LAST_2_SIXMONTHS",
    /// [current year]
    ThisYear = "THIS_YEAR",
    LastYear = "LAST_YEAR",
    Last5Years = "LAST_5_YEARS",
    Last10Years = "LAST_10_YEARS",
}

/// The `n` periods before `current`, oldest first.
fn last_n(current: Period, n: i32) -> Vec<Period> {
    (1..=n).rev().map(|k| current.offset(-k)).collect()
}

impl RelativePeriod {
    /// The type of the periods it resolves to.
    pub fn period_type(self, week_start: WeekStart) -> PeriodType {
        use RelativePeriod::*;
        match self {
            Today | Yesterday | Last3Days | Last7Days | Last14Days | Last30Days => PeriodType::Daily,
            ThisWeek | LastWeek | Last4Weeks | Last12Weeks | Last52Weeks | WeeksThisYear => {
                PeriodType::Weekly(week_start)
            }
            ThisMonth | LastMonth | Last3Months | Last6Months | Last12Months | MonthsThisYear | MonthsLastYear => {
                PeriodType::Monthly
            }
            ThisQuarter | LastQuarter | Last4Quarters | QuartersThisYear | QuartersLastYear => PeriodType::Quarterly,
            ThisSixMonth | LastSixMonth | Last2SixMonths => PeriodType::SixMonthly,
            ThisYear | LastYear | Last5Years | Last10Years => PeriodType::Yearly,
        }
    }

    /// The periods it stands for on `today`, in order; weekly ones use
    /// `week_start`. For 2024-10-31: LAST_12_MONTHS = 202310..202409,
    /// THIS_YEAR = [2024], LAST_4_WEEKS = 2024W40..2024W43.
    pub fn resolve(&self, today: NaiveDate, week_start: WeekStart) -> Vec<Period> {
        use RelativePeriod::*;
        let current = Period::containing(self.period_type(week_start), today);
        let this_year = Period::containing(PeriodType::Yearly, today);
        match self {
            Today | ThisWeek | ThisMonth | ThisQuarter | ThisSixMonth | ThisYear => vec![current],
            Yesterday | LastWeek | LastMonth | LastQuarter | LastSixMonth | LastYear => {
                vec![current.previous()]
            }
            Last3Days | Last3Months => last_n(current, 3),
            Last7Days => last_n(current, 7),
            Last14Days => last_n(current, 14),
            Last30Days => last_n(current, 30),
            Last4Weeks | Last4Quarters => last_n(current, 4),
            Last12Weeks | Last12Months => last_n(current, 12),
            Last52Weeks => last_n(current, 52),
            Last6Months => last_n(current, 6),
            Last2SixMonths => last_n(current, 2),
            Last5Years => last_n(current, 5),
            Last10Years => last_n(current, 10),
            WeeksThisYear | MonthsThisYear | QuartersThisYear => this_year.periods_within(current.period_type()),
            MonthsLastYear | QuartersLastYear => this_year.previous().periods_within(current.period_type()),
        }
    }
}

impl fmt::Display for RelativePeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RelativePeriod {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, PeriodError> {
        let t = s.trim();
        RelativePeriod::ALL.iter().copied().find(|r| r.name() == t).ok_or_else(|| PeriodError::InvalidRelativePeriod {
            input: s.to_string(),
            accepted: RelativePeriod::ALL.iter().map(|r| r.name()).collect::<Vec<_>>().join(", "),
        })
    }
}

serde_as_string!(RelativePeriod);

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn resolved(r: &str, today: NaiveDate, ws: WeekStart) -> Vec<String> {
        r.parse::<RelativePeriod>().unwrap().resolve(today, ws).iter().map(Period::to_string).collect()
    }

    fn range(prefix: &str, from: u32, to: u32, pad: bool) -> Vec<String> {
        (from..=to).map(|n| if pad { format!("{prefix}{n:02}") } else { format!("{prefix}{n}") }).collect()
    }

    #[test]
    fn resolve_on_31_october_2024() {
        let today = d(2024, 10, 31); // a Thursday, in 2024W44 and 2024SatW44
        let mon = WeekStart::Monday;
        let cases: Vec<(&str, WeekStart, Vec<String>)> = vec![
            ("TODAY", mon, vec!["20241031".into()]),
            ("YESTERDAY", mon, vec!["20241030".into()]),
            ("LAST_3_DAYS", mon, vec!["20241028".into(), "20241029".into(), "20241030".into()]),
            ("THIS_WEEK", mon, vec!["2024W44".into()]),
            ("THIS_WEEK", WeekStart::Saturday, vec!["2024SatW44".into()]),
            ("LAST_WEEK", mon, vec!["2024W43".into()]),
            ("LAST_4_WEEKS", mon, range("2024W", 40, 43, false)),
            ("LAST_12_WEEKS", mon, range("2024W", 32, 43, false)),
            ("THIS_MONTH", mon, vec!["202410".into()]),
            ("LAST_MONTH", mon, vec!["202409".into()]),
            ("LAST_3_MONTHS", mon, range("2024", 7, 9, true)),
            ("LAST_6_MONTHS", mon, range("2024", 4, 9, true)),
            ("LAST_12_MONTHS", mon, [range("2023", 10, 12, true), range("2024", 1, 9, true)].concat()),
            ("MONTHS_THIS_YEAR", mon, range("2024", 1, 12, true)),
            ("MONTHS_LAST_YEAR", mon, range("2023", 1, 12, true)),
            ("THIS_QUARTER", mon, vec!["2024Q4".into()]),
            ("LAST_QUARTER", mon, vec!["2024Q3".into()]),
            ("LAST_4_QUARTERS", mon, vec!["2023Q4".into(), "2024Q1".into(), "2024Q2".into(), "2024Q3".into()]),
            ("QUARTERS_THIS_YEAR", mon, range("2024Q", 1, 4, false)),
            ("QUARTERS_LAST_YEAR", mon, range("2023Q", 1, 4, false)),
            ("THIS_SIX_MONTH", mon, vec!["2024S2".into()]),
            ("LAST_SIX_MONTH", mon, vec!["2024S1".into()]),
            ("LAST_2_SIXMONTHS", mon, vec!["2023S2".into(), "2024S1".into()]),
            ("THIS_YEAR", mon, vec!["2024".into()]),
            ("LAST_YEAR", mon, vec!["2023".into()]),
            ("LAST_5_YEARS", mon, range("", 2019, 2023, false)),
            ("LAST_10_YEARS", mon, range("", 2014, 2023, false)),
        ];
        for (name, ws, want) in cases {
            assert_eq!(resolved(name, today, ws), want, "{name}");
        }
    }

    #[test]
    fn counts_and_year_boundaries() {
        let ws = WeekStart::Monday;
        // 1/1/2021 is in ISO week 2020W53.
        assert_eq!(resolved("THIS_WEEK", d(2021, 1, 1), ws), ["2020W53"]);
        assert_eq!(resolved("LAST_MONTH", d(2021, 1, 1), ws), ["202012"]);
        assert_eq!(resolved("LAST_QUARTER", d(2021, 1, 1), ws), ["2020Q4"]);
        assert_eq!(resolved("THIS_SIX_MONTH", d(2021, 1, 1), ws), ["2021S1"]);
        let weeks_2020 = resolved("WEEKS_THIS_YEAR", d(2020, 6, 1), ws);
        assert_eq!((weeks_2020.len(), weeks_2020[0].as_str(), weeks_2020[52].as_str()), (53, "2020W1", "2020W53"));
        assert_eq!(resolved("WEEKS_THIS_YEAR", d(2024, 6, 1), WeekStart::Saturday).len(), 53);
        let lens = [("LAST_52_WEEKS", 52), ("LAST_7_DAYS", 7), ("LAST_14_DAYS", 14), ("LAST_30_DAYS", 30)];
        for (name, n) in lens {
            let got = resolved(name, d(2024, 3, 1), ws);
            assert_eq!(got.len(), n, "{name}");
        }
        assert_eq!(resolved("LAST_7_DAYS", d(2024, 3, 1), ws)[6], "20240229");
    }

    #[test]
    fn names() {
        for &r in RelativePeriod::ALL {
            assert_eq!(r.to_string().parse::<RelativePeriod>().unwrap(), r);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<RelativePeriod>(&json).unwrap(), r);
            // every one resolves to periods of its type, in order
            let ps = r.resolve(d(2024, 10, 31), WeekStart::Sunday);
            assert!(!ps.is_empty());
            assert!(ps.iter().all(|p| p.period_type() == r.period_type(WeekStart::Sunday)));
            assert!(ps.windows(2).all(|w| w[0].next() == w[1]), "{r}");
        }
        let required = [
            "TODAY",
            "YESTERDAY",
            "THIS_WEEK",
            "LAST_WEEK",
            "LAST_4_WEEKS",
            "LAST_12_WEEKS",
            "LAST_52_WEEKS",
            "THIS_MONTH",
            "LAST_MONTH",
            "LAST_3_MONTHS",
            "LAST_6_MONTHS",
            "LAST_12_MONTHS",
            "MONTHS_THIS_YEAR",
            "THIS_QUARTER",
            "LAST_QUARTER",
            "LAST_4_QUARTERS",
            "QUARTERS_THIS_YEAR",
            "THIS_SIX_MONTH",
            "LAST_SIX_MONTH",
            "THIS_YEAR",
            "LAST_YEAR",
            "LAST_5_YEARS",
            "WEEKS_THIS_YEAR",
        ];
        for name in required {
            assert!(name.parse::<RelativePeriod>().is_ok(), "{name}");
        }
        let err = "last_12_months".parse::<RelativePeriod>().unwrap_err().to_string();
        assert!(
            err.starts_with("kỳ tương đối không hợp lệ: \"last_12_months\" (chấp nhận: TODAY, YESTERDAY,"),
            "{err}"
        );
        assert!(err.contains("LAST_12_MONTHS"));
    }
}
