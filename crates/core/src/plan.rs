//! Plans and their targets.
//!
//! A plan (Kế hoạch chuyển đổi số năm N) has targets grouped by pillar. Each
//! target is a sentence with a threshold phrase ("đạt 80% trở lên"), a lead
//! unit, co-operating units, an evaluation time, and what it is measured on:
//! an indicator, a data element, or results entered by hand (milestones, or
//! figures the system does not collect, stated as "Trên 85%").

use crate::code::Code;
use crate::period::Period;
use crate::threshold::ThresholdPhrase;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A pillar of the programme: Nhận thức số, Thể chế số, Hạ tầng số...
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pillar {
    pub code: Code,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub code: Code,
    pub year: i32,
    /// "144/KH-UBND".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<NaiveDate>,
    #[serde(default)]
    pub targets: Vec<Target>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub code: Code,
    pub pillar: Code,
    /// The sentence as the plan states it.
    pub name: String,
    pub threshold: ThresholdPhrase,
    /// Lead units: unit or group codes ("Các sở, ngành Tỉnh" is a group).
    pub lead: Vec<Code>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cooperating: Vec<Code>,
    pub evaluation: EvaluationTime,
    #[serde(default)]
    pub measure: Measure,
    /// The unit whose (aggregated) value is judged; the root when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_unit: Option<Code>,
    /// Decimals the result is compared at.
    #[serde(default = "two")]
    pub decimals: u8,
    /// Starting point of the progress measure; the start of the year's data when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// Results entered by hand, oldest first; the latest one counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<ManualResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn two() -> u8 {
    2
}

/// What a target is measured on. In files: `measure: { indicator: CODE }`,
/// `measure: { element: CODE }` or `measure: manual` (the default).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MeasureRepr", into = "MeasureRepr")]
pub enum Measure {
    Indicator(Code),
    Element(Code),
    /// Results are entered by the office (milestones, outside figures).
    #[default]
    Manual,
}

/// The file form of `Measure`: a map naming the indicator or element, or a word.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum MeasureRepr {
    Indicator { indicator: Code },
    Element { element: Code },
    Word(String),
}

impl TryFrom<MeasureRepr> for Measure {
    type Error = String;
    fn try_from(r: MeasureRepr) -> Result<Self, String> {
        match r {
            MeasureRepr::Indicator { indicator } => Ok(Measure::Indicator(indicator)),
            MeasureRepr::Element { element } => Ok(Measure::Element(element)),
            MeasureRepr::Word(w) if w == "manual" => Ok(Measure::Manual),
            MeasureRepr::Word(w) => {
                Err(format!("cách đo \"{w}\" không hợp lệ (cần {{ indicator: MÃ }}, {{ element: MÃ }} hoặc manual)"))
            }
        }
    }
}

impl From<Measure> for MeasureRepr {
    fn from(m: Measure) -> Self {
        match m {
            Measure::Indicator(indicator) => MeasureRepr::Indicator { indicator },
            Measure::Element(element) => MeasureRepr::Element { element },
            Measure::Manual => MeasureRepr::Word("manual".into()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub date: NaiveDate,
    pub value: f64,
}

/// A result entered by hand: "Trên 85%", "Hoàn thành", "320".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualResult {
    pub date: NaiveDate,
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// When a target is judged: "Cuối năm 2023", "Tháng 09/2023",
/// "Trước tháng 05/2023", "Quý III/2023", "Nhiệm vụ thường xuyên", "31/12/2023".
/// Phrases that name no date ("Trước khi đưa vào sử dụng chính thức") are kept
/// as written and judged at the end of the plan's year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvaluationTime {
    phrase: String,
    deadline: Option<NaiveDate>,
    recurring: bool,
}

impl EvaluationTime {
    pub fn parse(phrase: &str) -> EvaluationTime {
        let phrase = phrase.trim().to_string();
        let lower = phrase.to_lowercase();
        let recurring = lower.contains("thường xuyên") || lower.contains("hằng năm") || lower.contains("hàng năm");
        let deadline = if recurring { None } else { parse_deadline(&lower) };
        EvaluationTime { phrase, deadline, recurring }
    }
    pub fn at_year_end(year: i32) -> EvaluationTime {
        EvaluationTime::parse(&format!("Cuối năm {year}"))
    }
    pub fn phrase(&self) -> &str {
        &self.phrase
    }
    pub fn is_recurring(&self) -> bool {
        self.recurring
    }
    /// The day on which the target is judged, for a plan of `plan_year`.
    pub fn deadline(&self, plan_year: i32) -> NaiveDate {
        self.deadline.unwrap_or_else(|| NaiveDate::from_ymd_opt(plan_year, 12, 31).expect("valid date"))
    }
    /// Whether the phrase named a date (rather than falling back to year end).
    pub fn names_date(&self) -> bool {
        self.deadline.is_some()
    }
}

fn month_end(y: i32, m: u32) -> Option<NaiveDate> {
    let first_next =
        if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(y, m + 1, 1)? };
    first_next.pred_opt()
}

fn parse_deadline(lower: &str) -> Option<NaiveDate> {
    let before = lower.starts_with("trước");
    let nums: Vec<u32> =
        lower.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
    let roman = |s: &str| -> Option<u32> {
        ["iv", "iii", "ii", "i"]
            .iter()
            .zip([4, 3, 2, 1])
            .find(|(r, _)| s.contains(&format!("quý {r}/")))
            .map(|(_, q)| q)
    };
    if let Ok(p) = lower.trim().parse::<Period>() {
        return Some(p.end());
    }
    // dd/mm/yyyy
    if nums.len() == 3 && nums[2] > 1900 {
        let d = NaiveDate::from_ymd_opt(nums[2] as i32, nums[1], nums[0])?;
        return Some(if before { d.pred_opt()? } else { d });
    }
    if lower.contains("quý") {
        let q = roman(lower).or_else(|| nums.first().copied().filter(|q| (1..=4).contains(q)))?;
        let y = *nums.iter().find(|&&n| n > 1900)? as i32;
        let end = month_end(y, q * 3)?;
        return Some(if before { NaiveDate::from_ymd_opt(y, q * 3 - 2, 1)?.pred_opt()? } else { end });
    }
    if lower.contains("6 tháng đầu năm") {
        return month_end(*nums.iter().find(|&&n| n > 1900)? as i32, 6);
    }
    if lower.contains("năm") && !lower.contains("tháng") {
        let y = *nums.iter().find(|&&n| n > 1900)? as i32;
        return Some(if before && !lower.contains("cuối") {
            NaiveDate::from_ymd_opt(y, 1, 1)?.pred_opt()?
        } else {
            month_end(y, 12)?
        });
    }
    // mm/yyyy with or without "tháng"
    if nums.len() == 2 && (1..=12).contains(&nums[0]) && nums[1] > 1900 {
        let (m, y) = (nums[0], nums[1] as i32);
        return if before { NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt() } else { month_end(y, m) };
    }
    None
}

impl fmt::Display for EvaluationTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.phrase)
    }
}
impl Serialize for EvaluationTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.phrase)
    }
}
impl<'de> Deserialize<'de> for EvaluationTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(EvaluationTime::parse(&s))
    }
}

/// Fraction of the year elapsed at `day`, for progress charts.
pub fn year_fraction(day: NaiveDate) -> f64 {
    let len = if NaiveDate::from_ymd_opt(day.year(), 2, 29).is_some() { 366.0 } else { 365.0 };
    f64::from(day.ordinal0()) / len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluation_times_from_the_plan() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let cases: &[(&str, Option<NaiveDate>, bool)] = &[
            ("Cuối năm 2023", Some(d(2023, 12, 31)), false),
            ("Tháng 09/2023", Some(d(2023, 9, 30)), false),
            ("Trước 09/2023", Some(d(2023, 8, 31)), false),
            ("Trước tháng 05/2023", Some(d(2023, 4, 30)), false),
            ("Quý III/2023", Some(d(2023, 9, 30)), false),
            ("6 tháng đầu năm 2023", Some(d(2023, 6, 30)), false),
            ("31/12/2023", Some(d(2023, 12, 31)), false),
            ("Cuối năm 2025", Some(d(2025, 12, 31)), false),
            ("Nhiệm vụ thường xuyên", None, true),
            ("Trước khi đưa vào sử dụng chính thức", None, false),
            ("Theo thời gian yêu cầu của các cơ quan TW", None, false),
        ];
        for (phrase, want, recurring) in cases {
            let e = EvaluationTime::parse(phrase);
            assert_eq!(e.deadline, *want, "{phrase}");
            assert_eq!(e.is_recurring(), *recurring, "{phrase}");
            assert_eq!(e.to_string(), *phrase);
            assert_eq!(e.deadline(2023), want.unwrap_or(d(2023, 12, 31)));
        }
    }
}
