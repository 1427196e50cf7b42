//! Report forms (DHIS2 data sets): which elements and narrative sections a
//! unit reports, for which period type, with which cut-off and deadline.

use crate::code::Code;
use crate::period::{CutoffRule, DueRule, PeriodType};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportForm {
    pub code: Code,
    pub name: String,
    pub period_type: PeriodType,
    #[serde(default = "calendar")]
    pub cutoff: CutoffRule,
    pub due: DueRule,
    pub sections: Vec<FormSection>,
    #[serde(default = "default_narratives")]
    pub narratives: Vec<NarrativeSection>,
    /// Assigned units, named one by one...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<Code>,
    /// ...or by group ("UBND cấp xã").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unit_groups: Vec<Code>,
}

fn calendar() -> CutoffRule {
    CutoffRule::Calendar
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSection {
    pub name: String,
    pub elements: Vec<Code>,
}

/// A free-text part of a report: results, difficulties, proposals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeSection {
    pub code: Code,
    pub title: String,
}

/// The three headings every report in the examples has.
pub fn default_narratives() -> Vec<NarrativeSection> {
    [("KET_QUA", "Kết quả đạt được"), ("KHO_KHAN", "Khó khăn, vướng mắc"), ("DE_XUAT", "Đề xuất, kiến nghị")]
        .into_iter()
        .map(|(c, t)| NarrativeSection { code: Code::new(c).expect("valid code"), title: t.to_string() })
        .collect()
}

impl ReportForm {
    pub fn elements(&self) -> impl Iterator<Item = &Code> {
        self.sections.iter().flat_map(|s| s.elements.iter())
    }
}
