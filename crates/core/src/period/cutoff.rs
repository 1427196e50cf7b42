//! Data cut-offs and due dates of periodic reports.
//!
//! Under Nghị định 09/2019/NĐ-CP (reporting regime of state administrative
//! bodies) a periodic report's figures are cut off on the 14th: the monthly
//! report of 10/2023 covers 15/09/2023–14/10/2023, the quarterly report of
//! quarter I/2023 covers 15/12/2022–14/03/2023, the six-month reports
//! 15/12–14/06 and 15/06–14/12, the yearly report 15/12 of the previous year
//! to 14/12. A form chooses its [`CutoffRule`] and its [`DueRule`], the
//! deadline counted from the end of that window.

use super::{Period, PeriodError, PeriodType, WorkingCalendar, days_in_month, first_of_month, month_index};
use chrono::{Datelike, Days, NaiveDate};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::str::FromStr;

/// Which dates a period's report covers. Serde: `"calendar"`, `"decree09"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CutoffRule {
    /// The period's own dates.
    #[default]
    Calendar,
    /// Nghị định 09/2019/NĐ-CP: a month-based period (month, quarter,
    /// half-year, year) runs from the 15th of the month before its first month
    /// to the 14th of its last month. Weeks and days keep their own dates.
    Decree09,
}

impl CutoffRule {
    pub const ALL: [CutoffRule; 2] = [CutoffRule::Calendar, CutoffRule::Decree09];

    /// `"calendar"` or `"decree09"`, as in serde.
    pub fn name(self) -> &'static str {
        match self {
            CutoffRule::Calendar => "calendar",
            CutoffRule::Decree09 => "decree09",
        }
    }

    /// "theo lịch" / "theo Nghị định 09/2019/NĐ-CP (chốt ngày 14)".
    pub fn label_vi(self) -> &'static str {
        match self {
            CutoffRule::Calendar => "theo lịch",
            CutoffRule::Decree09 => "theo Nghị định 09/2019/NĐ-CP (chốt số liệu ngày 14)",
        }
    }

    /// The first and last day (inclusive) of the data a report for `p`
    /// covers: 202310 under `Decree09` → (15/09/2023, 14/10/2023).
    pub fn window(&self, p: &Period) -> (NaiveDate, NaiveDate) {
        match (self, p.period_type().months()) {
            (CutoffRule::Decree09, Some(_)) => {
                let first = first_of_month(month_index(p.start()) - 1).expect("ngày trong phạm vi lịch");
                let last = first_of_month(month_index(p.end())).expect("ngày trong phạm vi lịch");
                (first + Days::new(14), last + Days::new(13))
            }
            _ => (p.start(), p.end()),
        }
    }

    /// The period of type `t` whose window contains `date`: under `Decree09`
    /// a dossier dated 15/12/2022 counts in 2023Q1 and in 2023.
    pub fn period_for_date(&self, t: PeriodType, date: NaiveDate) -> Period {
        match (self, t.months()) {
            (CutoffRule::Decree09, Some(_)) if date.day() >= 15 => {
                let next_month = first_of_month(month_index(date) + 1).expect("ngày trong phạm vi lịch");
                Period::containing(t, next_month)
            }
            _ => Period::containing(t, date),
        }
    }
}

impl fmt::Display for CutoffRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CutoffRule {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, PeriodError> {
        let t = s.trim();
        CutoffRule::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| PeriodError::InvalidCutoffRule { input: s.to_string() })
    }
}

/// When a report is due, counted from the last day of its cut-off window.
///
/// Serde uses serde's externally tagged representation with snake_case names:
///
/// ```yaml
/// due: { days_after: 5 }                 # DaysAfter(5)
/// due: { working_days_after: 2 }         # WorkingDaysAfter(2)
/// due: { day_of_month: { day: 25, months_after: 0 } }   # DayOfMonth
/// ```
///
/// It is written as a plain map (never a YAML tag), `DayOfMonth` flat:
/// `{ day_of_month: 25, months_after: 1 }`; for reading, the nested form
/// above is accepted too and `months_after` may be left out (0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DueRule {
    /// `n` days after the window's last day (0: that day itself).
    DaysAfter(u16),
    /// The `n`-th working day after the window's last day (0: that day
    /// itself), per the [`WorkingCalendar`].
    WorkingDaysAfter(u16),
    /// Day `day` of the month in which the window ends, moved `months_after`
    /// months later, clamped to the month's length (day 31 in April is
    /// 30/4). Note that with the calendar cut-off a monthly report due
    /// "day 25" of the following month needs `months_after: 1`.
    DayOfMonth { day: u8, months_after: u8 },
}

impl DueRule {
    /// The due date of the report for `p`.
    pub fn due_date(&self, p: &Period, cutoff: CutoffRule, cal: &WorkingCalendar) -> NaiveDate {
        let (_, end) = cutoff.window(p);
        match *self {
            DueRule::DaysAfter(n) => end + Days::new(u64::from(n)),
            DueRule::WorkingDaysAfter(n) => cal.add_working_days(end, u32::from(n)),
            DueRule::DayOfMonth { day, months_after } => {
                let index = month_index(end) + i64::from(months_after);
                let first = first_of_month(index).expect("ngày trong phạm vi lịch");
                let len = days_in_month(index).expect("ngày trong phạm vi lịch");
                let day = u32::from(day).clamp(1, len);
                first + Days::new(u64::from(day - 1))
            }
        }
    }
}

impl fmt::Display for DueRule {
    /// "5 ngày sau kỳ", "2 ngày làm việc sau kỳ", "ngày 25 hằng tháng",
    /// "ngày 25 của tháng thứ 1 sau tháng chốt số liệu".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DueRule::DaysAfter(0) | DueRule::WorkingDaysAfter(0) => f.write_str("ngày cuối kỳ"),
            DueRule::DaysAfter(n) => write!(f, "{n} ngày sau kỳ"),
            DueRule::WorkingDaysAfter(n) => write!(f, "{n} ngày làm việc sau kỳ"),
            DueRule::DayOfMonth { day, months_after: 0 } => write!(f, "ngày {day} hằng tháng"),
            DueRule::DayOfMonth { day, months_after } => {
                write!(f, "ngày {day} của tháng thứ {months_after} sau tháng chốt số liệu")
            }
        }
    }
}

const DUE_FIELDS: &[&str] = &["days_after", "working_days_after", "day_of_month", "months_after"];
const DUE_HINT: &str = "hạn nộp báo cáo cần đúng một trong days_after, working_days_after, day_of_month \
                        (ví dụ { days_after: 5 }, { working_days_after: 2 }, { day_of_month: 25, months_after: 0 })";

/// `day_of_month: 25` or `day_of_month: { day: 25, months_after: 0 }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum DayOfMonthValue {
    Day(u8),
    Full {
        day: u8,
        #[serde(default)]
        months_after: u8,
    },
}

impl Serialize for DueRule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match *self {
            DueRule::DaysAfter(n) => m.serialize_entry("days_after", &n)?,
            DueRule::WorkingDaysAfter(n) => m.serialize_entry("working_days_after", &n)?,
            DueRule::DayOfMonth { day, months_after } => {
                m.serialize_entry("day_of_month", &day)?;
                m.serialize_entry("months_after", &months_after)?;
            }
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for DueRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(DueRuleVisitor)
    }
}

struct DueRuleVisitor;

impl<'de> Visitor<'de> for DueRuleVisitor {
    type Value = DueRule;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(DUE_HINT)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DueRule, A::Error> {
        let mut days_after: Option<u16> = None;
        let mut working_days_after: Option<u16> = None;
        let mut day_of_month: Option<DayOfMonthValue> = None;
        let mut months_after: Option<u8> = None;
        let mut keys = 0;
        while let Some(key) = map.next_key::<String>()? {
            keys += 1;
            match key.as_str() {
                "days_after" => days_after = Some(map.next_value()?),
                "working_days_after" => working_days_after = Some(map.next_value()?),
                "day_of_month" => day_of_month = Some(map.next_value()?),
                "months_after" => months_after = Some(map.next_value()?),
                other => return Err(de::Error::unknown_field(other, DUE_FIELDS)),
            }
        }
        let rule = match (days_after, working_days_after, day_of_month, months_after) {
            (Some(n), None, None, None) if keys == 1 => DueRule::DaysAfter(n),
            (None, Some(n), None, None) if keys == 1 => DueRule::WorkingDaysAfter(n),
            (None, None, Some(DayOfMonthValue::Day(day)), months) => {
                DueRule::DayOfMonth { day, months_after: months.unwrap_or(0) }
            }
            (None, None, Some(DayOfMonthValue::Full { day, months_after }), None) => {
                DueRule::DayOfMonth { day, months_after }
            }
            _ => return Err(de::Error::custom(DUE_HINT)),
        };
        if let DueRule::DayOfMonth { day, .. } = rule
            && !(1..=31).contains(&day)
        {
            return Err(de::Error::custom(format!("hạn nộp báo cáo: day_of_month phải từ 1 đến 31, không phải {day}")));
        }
        Ok(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn windows() {
        use CutoffRule::*;
        let cases = [
            (Decree09, "202310", d(2023, 9, 15), d(2023, 10, 14)),
            (Decree09, "202301", d(2022, 12, 15), d(2023, 1, 14)),
            (Decree09, "2023Q1", d(2022, 12, 15), d(2023, 3, 14)),
            (Decree09, "2023Q3", d(2023, 6, 15), d(2023, 9, 14)),
            (Decree09, "2023S1", d(2022, 12, 15), d(2023, 6, 14)),
            (Decree09, "2023S2", d(2023, 6, 15), d(2023, 12, 14)),
            (Decree09, "2023", d(2022, 12, 15), d(2023, 12, 14)),
            (Decree09, "2024SatW35", d(2024, 8, 24), d(2024, 8, 30)),
            (Decree09, "20241031", d(2024, 10, 31), d(2024, 10, 31)),
            (Calendar, "202310", d(2023, 10, 1), d(2023, 10, 31)),
            (Calendar, "2023Q1", d(2023, 1, 1), d(2023, 3, 31)),
            (Calendar, "2024W35", d(2024, 8, 26), d(2024, 9, 1)),
        ];
        for (rule, id, first, last) in cases {
            assert_eq!(rule.window(&p(id)), (first, last), "{rule} {id}");
        }
    }

    #[test]
    fn period_for_date_inverts_window() {
        let types = [
            PeriodType::Monthly,
            PeriodType::Quarterly,
            PeriodType::SixMonthly,
            PeriodType::Yearly,
            PeriodType::Daily,
            PeriodType::Weekly(super::super::WeekStart::Saturday),
        ];
        let cases = [
            (PeriodType::Quarterly, d(2022, 12, 15), "2023Q1"),
            (PeriodType::Quarterly, d(2022, 12, 14), "2022Q4"),
            (PeriodType::Yearly, d(2023, 12, 15), "2024"),
            (PeriodType::Monthly, d(2023, 10, 14), "202310"),
        ];
        for (t, date, want) in cases {
            assert_eq!(CutoffRule::Decree09.period_for_date(t, date).to_string(), want);
        }
        for rule in CutoffRule::ALL {
            for t in types {
                for date in d(2022, 11, 1).iter_days().take(500) {
                    let per = rule.period_for_date(t, date);
                    let (first, last) = rule.window(&per);
                    assert!(first <= date && date <= last, "{rule} {t} {date} {per}");
                }
            }
        }
    }

    #[test]
    fn due_dates() {
        use CutoffRule::*;
        use DueRule::*;
        let cal = WorkingCalendar::vietnam();
        let cases = [
            // Window 15/3–14/4/2023 ends on Friday 14/4: Mon 17/4, Tue 18/4.
            (WorkingDaysAfter(2), Decree09, "202304", d(2023, 4, 18)),
            // Window ends Friday 28/4/2023: Sat 29/4 (Giỗ Tổ), Sun 30/4, Mon
            // 1/5, and the compensatory Tue 2/5 and Wed 3/5 are off.
            (WorkingDaysAfter(2), Calendar, "2023SatW17", d(2023, 5, 5)),
            (WorkingDaysAfter(1), Calendar, "2023SatW17", d(2023, 5, 4)),
            (WorkingDaysAfter(0), Decree09, "202304", d(2023, 4, 14)),
            (DaysAfter(0), Decree09, "202310", d(2023, 10, 14)),
            (DaysAfter(5), Calendar, "202310", d(2023, 11, 5)),
            (DayOfMonth { day: 25, months_after: 0 }, Decree09, "202310", d(2023, 10, 25)),
            (DayOfMonth { day: 25, months_after: 1 }, Calendar, "202310", d(2023, 11, 25)),
            (DayOfMonth { day: 31, months_after: 0 }, Decree09, "202302", d(2023, 2, 28)),
            (DayOfMonth { day: 31, months_after: 1 }, Calendar, "202401", d(2024, 2, 29)),
            (DayOfMonth { day: 6, months_after: 0 }, Decree09, "2023Q1", d(2023, 3, 6)),
            (DayOfMonth { day: 25, months_after: 11 }, Decree09, "2023", d(2024, 11, 25)),
        ];
        for (rule, cutoff, id, want) in cases {
            assert_eq!(rule.due_date(&p(id), cutoff, &cal), want, "{rule} {cutoff} {id}");
        }
        assert_eq!(p("2023SatW17").end(), d(2023, 4, 28));
    }

    #[test]
    fn due_rule_text_and_serde() {
        let cases = [
            (DueRule::DaysAfter(5), "5 ngày sau kỳ", r#"{"days_after":5}"#),
            (DueRule::WorkingDaysAfter(2), "2 ngày làm việc sau kỳ", r#"{"working_days_after":2}"#),
            (
                DueRule::DayOfMonth { day: 25, months_after: 0 },
                "ngày 25 hằng tháng",
                r#"{"day_of_month":25,"months_after":0}"#,
            ),
            (
                DueRule::DayOfMonth { day: 15, months_after: 1 },
                "ngày 15 của tháng thứ 1 sau tháng chốt số liệu",
                r#"{"day_of_month":15,"months_after":1}"#,
            ),
        ];
        for (rule, text, json) in cases {
            assert_eq!(rule.to_string(), text);
            assert_eq!(serde_json::to_string(&rule).unwrap(), json);
            assert_eq!(serde_json::from_str::<DueRule>(json).unwrap(), rule);
        }
        let accepted = [
            (r#"{"day_of_month":25,"months_after":0}"#, DueRule::DayOfMonth { day: 25, months_after: 0 }),
            (r#"{"day_of_month":25}"#, DueRule::DayOfMonth { day: 25, months_after: 0 }),
            (r#"{"months_after":1,"day_of_month":6}"#, DueRule::DayOfMonth { day: 6, months_after: 1 }),
            (r#"{"day_of_month":{"day":6}}"#, DueRule::DayOfMonth { day: 6, months_after: 0 }),
        ];
        for (json, rule) in accepted {
            assert_eq!(serde_json::from_str::<DueRule>(json).unwrap(), rule, "{json}");
        }
        for json in [
            r#"{"days_after":5,"working_days_after":2}"#,
            r#"{"days_after":5,"months_after":1}"#,
            r#"{}"#,
            r#"{"day_of_month":0}"#,
            r#"{"day_of_month":32}"#,
            r#"{"weeks_after":1}"#,
            r#""days_after""#,
        ] {
            assert!(serde_json::from_str::<DueRule>(json).is_err(), "{json}");
        }
        let err = serde_json::from_str::<DueRule>(r#"{}"#).unwrap_err().to_string();
        assert!(err.contains("days_after, working_days_after, day_of_month"), "{err}");
    }

    #[test]
    fn cutoff_names() {
        for rule in CutoffRule::ALL {
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.name()));
            assert_eq!(serde_json::from_str::<CutoffRule>(&json).unwrap(), rule);
            assert_eq!(rule.to_string().parse::<CutoffRule>().unwrap(), rule);
        }
        assert_eq!(
            "nd09".parse::<CutoffRule>().unwrap_err().to_string(),
            "quy tắc chốt số liệu không hợp lệ: \"nd09\" (chấp nhận: calendar, decree09)"
        );
    }
}
