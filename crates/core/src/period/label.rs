//! Human labels of periods, in Vietnamese (for reports and the web) and in
//! English.
//!
//! | kind | `label_vi` | `label_en` |
//! | --- | --- | --- |
//! | year | Năm 2023 | 2023 |
//! | half-year | 6 tháng đầu năm 2023 / 6 tháng cuối năm 2023 | January–June 2023 / July–December 2023 |
//! | quarter | Quý III/2023 | Q3 2023 |
//! | month | Tháng 10/2023, Tháng 1/2023 | October 2023 |
//! | week | Tuần 35 (24/8–30/8/2024), Tuần 1 (30/12/2024–5/1/2025) | Week 35 (24 Aug – 30 Aug 2024), Week 1 (30 Dec 2024 – 5 Jan 2025) |
//! | day | Ngày 31/10/2024 | 31 Oct 2024 |
//!
//! Days and months are written without leading zeros; the year of a week's
//! dates is written once when both are in the same year. The dash is an en
//! dash (–).

use super::{Period, PeriodType};
use chrono::{Datelike, NaiveDate};

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_en(d: NaiveDate) -> &'static str {
    MONTHS_EN[d.month0() as usize]
}

fn month_en_short(d: NaiveDate) -> &'static str {
    &month_en(d)[..3]
}

impl Period {
    /// The Vietnamese label: "Năm 2023", "6 tháng đầu năm 2023", "Quý III/2023",
    /// "Tháng 10/2023", "Tuần 35 (24/8–30/8/2024)", "Ngày 31/10/2024".
    pub fn label_vi(&self) -> String {
        let (s, e) = (self.start(), self.end());
        let y = self.period_year();
        match self.period_type() {
            PeriodType::Yearly => format!("Năm {y}"),
            PeriodType::SixMonthly => {
                let half = if self.index_in_year() == 1 { "đầu" } else { "cuối" };
                format!("6 tháng {half} năm {y}")
            }
            PeriodType::Quarterly => {
                format!("Quý {}/{y}", ROMAN[self.index_in_year() as usize - 1])
            }
            PeriodType::Monthly => format!("Tháng {}/{y}", s.month()),
            PeriodType::Weekly(_) => {
                let w = self.index_in_year();
                if s.year() == e.year() {
                    format!("Tuần {w} ({}/{}–{}/{}/{})", s.day(), s.month(), e.day(), e.month(), e.year())
                } else {
                    format!("Tuần {w} ({}/{}/{}–{}/{}/{})", s.day(), s.month(), s.year(), e.day(), e.month(), e.year())
                }
            }
            PeriodType::Daily => format!("Ngày {}/{}/{}", s.day(), s.month(), s.year()),
        }
    }

    /// The English label: "2023", "January–June 2023", "Q3 2023",
    /// "October 2023", "Week 35 (24 Aug – 30 Aug 2024)", "31 Oct 2024".
    pub fn label_en(&self) -> String {
        let (s, e) = (self.start(), self.end());
        let y = self.period_year();
        match self.period_type() {
            PeriodType::Yearly => format!("{y}"),
            PeriodType::SixMonthly => {
                let months = if self.index_in_year() == 1 { "January–June" } else { "July–December" };
                format!("{months} {y}")
            }
            PeriodType::Quarterly => format!("Q{} {y}", self.index_in_year()),
            PeriodType::Monthly => format!("{} {y}", month_en(s)),
            PeriodType::Weekly(_) => {
                let w = self.index_in_year();
                let (sm, em) = (month_en_short(s), month_en_short(e));
                if s.year() == e.year() {
                    format!("Week {w} ({} {sm} – {} {em} {})", s.day(), e.day(), e.year())
                } else {
                    format!("Week {w} ({} {sm} {} – {} {em} {})", s.day(), s.year(), e.day(), e.year())
                }
            }
            PeriodType::Daily => format!("{} {} {}", s.day(), month_en_short(s), s.year()),
        }
    }
}
