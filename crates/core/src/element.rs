//! Data elements: what a unit reports (a count, a rate, yes/no, a text...),
//! and how it adds up over units and over time.

use crate::code::Code;
use crate::number::parse_number;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Integer,
    Number,
    Percentage,
    YesNo,
    Text,
    Date,
}

impl ValueType {
    pub fn is_numeric(self) -> bool {
        matches!(self, ValueType::Integer | ValueType::Number | ValueType::Percentage | ValueType::YesNo)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            ValueType::Integer => "số nguyên",
            ValueType::Number => "số",
            ValueType::Percentage => "tỷ lệ %",
            ValueType::YesNo => "có/không",
            ValueType::Text => "văn bản",
            ValueType::Date => "ngày",
        }
    }

    /// Checks a value as typed by a person or read from a file and returns its
    /// canonical stored form: plain numbers ("1205780", "92.12"), "true"/"false",
    /// ISO dates. Vietnamese number formats are accepted ("1.205.780", "92,12").
    pub fn normalize(self, raw: &str) -> Result<String, ValueError> {
        let s = raw.trim();
        let bad = |why: &str| ValueError { value: raw.to_string(), expected: self, why: why.to_string() };
        if s.is_empty() {
            return Err(bad("giá trị trống"));
        }
        match self {
            ValueType::Integer => {
                let x = parse_number(s).map_err(|e| bad(&e.to_string()))?;
                if x.fract() != 0.0 {
                    return Err(bad("phải là số nguyên"));
                }
                Ok(format!("{}", x as i64))
            }
            ValueType::Number => {
                let x = parse_number(s).map_err(|e| bad(&e.to_string()))?;
                Ok(plain(x))
            }
            ValueType::Percentage => {
                let x = parse_number(s).map_err(|e| bad(&e.to_string()))?;
                if !(0.0..=100.0).contains(&x) {
                    return Err(bad("tỷ lệ phải từ 0 đến 100"));
                }
                Ok(plain(x))
            }
            ValueType::YesNo => match s.to_lowercase().as_str() {
                "true" | "1" | "có" | "co" | "yes" | "x" => Ok("true".into()),
                "false" | "0" | "không" | "khong" | "no" => Ok("false".into()),
                _ => Err(bad("phải là Có hoặc Không")),
            },
            ValueType::Text => Ok(s.to_string()),
            ValueType::Date => {
                parse_date(s).map(|d| d.to_string()).ok_or_else(|| bad("ngày phải dạng dd/mm/yyyy hoặc yyyy-mm-dd"))
            }
        }
    }
}

/// Plain notation for storage: no thousands separators, '.' as the decimal mark.
pub fn plain(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// "31/10/2024", "31/10/24" is refused (ambiguous century), "2024-10-31".
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| {
        let parts: Vec<&str> = s.split('/').collect();
        if parts.len() == 3 && parts[2].len() == 4 {
            NaiveDate::from_ymd_opt(parts[2].parse().ok()?, parts[1].parse().ok()?, parts[0].parse().ok()?)
        } else {
            None
        }
    })
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("giá trị \"{value}\" không hợp lệ cho kiểu {}: {why}", expected.label_vi())]
pub struct ValueError {
    pub value: String,
    pub expected: ValueType,
    pub why: String,
}

/// How values combine: across units (a district = its communes) and across
/// time (a quarter = its months). Devices installed add up over units but a
/// quarter's figure is the last month's, hence the two separate rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    Sum,
    Average,
    /// The latest value within the period (stock figures: devices, accounts).
    Last,
    Max,
    Min,
    /// Not aggregated: only shown at the unit and period where it was reported.
    None,
}

impl Aggregation {
    pub fn label_vi(self) -> &'static str {
        match self {
            Aggregation::Sum => "tổng",
            Aggregation::Average => "trung bình",
            Aggregation::Last => "giá trị cuối kỳ",
            Aggregation::Max => "lớn nhất",
            Aggregation::Min => "nhỏ nhất",
            Aggregation::None => "không cộng dồn",
        }
    }
}

/// A disaggregation (DHIS2 category combo with one category): its options add
/// up to the element's total, e.g. dossiers by level (tỉnh, huyện, xã).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disaggregation {
    pub code: Code,
    pub name: String,
    pub options: Vec<DisaggregationOption>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisaggregationOption {
    pub code: Code,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataElement {
    pub code: Code,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    pub value_type: ValueType,
    /// Rule across units.
    #[serde(default = "default_sum")]
    pub aggregation: Aggregation,
    /// Rule across time; the same as `aggregation` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_aggregation: Option<Aggregation>,
    /// "hồ sơ", "tài khoản", "%", "triệu đồng".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_of_measure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disaggregation: Option<Code>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pillar: Option<Code>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn default_sum() -> Aggregation {
    Aggregation::Sum
}

impl DataElement {
    pub fn time_rule(&self) -> Aggregation {
        self.time_aggregation.unwrap_or(self.aggregation)
    }
    pub fn display_name(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_normalised() {
        let cases: &[(ValueType, &str, Result<&str, ()>)] = &[
            (ValueType::Integer, "1.205.780", Ok("1205780")),
            (ValueType::Integer, "58109", Ok("58109")),
            (ValueType::Integer, "12,5", Err(())),
            (ValueType::Number, "92,12", Ok("92.12")),
            (ValueType::Number, "92.12", Ok("92.12")),
            (ValueType::Percentage, "92,12%", Ok("92.12")),
            (ValueType::Percentage, "120", Err(())),
            (ValueType::YesNo, "Có", Ok("true")),
            (ValueType::YesNo, "không", Ok("false")),
            (ValueType::YesNo, "maybe", Err(())),
            (ValueType::Date, "05/02/2024", Ok("2024-02-05")),
            (ValueType::Date, "2024-02-05", Ok("2024-02-05")),
            (ValueType::Date, "5/2/24", Err(())),
            (ValueType::Text, "  Đã triển khai ", Ok("Đã triển khai")),
            (ValueType::Integer, "", Err(())),
        ];
        for (t, raw, want) in cases {
            let got = t.normalize(raw);
            match want {
                Ok(w) => assert_eq!(got.as_deref(), Ok(*w), "{t:?} {raw}"),
                Err(()) => assert!(got.is_err(), "{t:?} {raw} gave {got:?}"),
            }
        }
    }

    #[test]
    fn error_names_value_and_type() {
        let e = ValueType::Integer.normalize("abc").unwrap_err();
        assert!(e.to_string().starts_with("giá trị \"abc\" không hợp lệ cho kiểu số nguyên"), "{e}");
    }
}
