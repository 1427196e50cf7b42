//! Reported data: values, narrative texts, and submissions of a form.

use crate::code::Code;
use crate::period::Period;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// One figure: element (and disaggregation option) × period × unit.
/// `value` is the canonical stored form (see `ValueType::normalize`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataValue {
    pub element: Code,
    pub period: Period,
    pub unit: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<Code>,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<NaiveDateTime>,
}

impl DataValue {
    /// The number for aggregation; yes/no counts as 1/0, text and dates as none.
    pub fn numeric(&self) -> Option<f64> {
        match self.value.as_str() {
            "true" => Some(1.0),
            "false" => Some(0.0),
            v => v.parse().ok(),
        }
    }
    /// The identity of the cell the value fills.
    pub fn key(&self) -> (&Code, Option<&Code>, &Period, &Code) {
        (&self.element, self.option.as_ref(), &self.period, &self.unit)
    }
}

/// A unit's free text under one of the form's narrative headings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Narrative {
    pub form: Code,
    pub period: Period,
    pub unit: Code,
    pub section: Code,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl SubmissionStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            SubmissionStatus::Draft => "Đang nhập",
            SubmissionStatus::Submitted => "Đã gửi",
            SubmissionStatus::Returned => "Bị trả lại",
            SubmissionStatus::Approved => "Đã duyệt",
        }
    }
    /// Counts as reported for completeness.
    pub fn is_reported(self) -> bool {
        matches!(self, SubmissionStatus::Submitted | SubmissionStatus::Approved)
    }
}

/// A unit's report for one form and period (DHIS2's complete registration).
/// Timeliness is judged on the first time it was submitted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub form: Code,
    pub period: Period,
    pub unit: Code,
    pub status: SubmissionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    /// The office's last decision (return or approval): who, when, why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
}

/// The office's decision on a submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub by: String,
    pub at: NaiveDateTime,
    /// Required when returning: what the unit must fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}
