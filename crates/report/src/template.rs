//! Report templates as data: what the office edits (YAML or JSON, stored in
//! the database) and `evaluate` turns into a `Document`.
//!
//! ```yaml
//! name: monthly                      # a code: letters, digits, - and _
//! title: Báo cáo tháng               # shown in the UI
//! form: BC_THANG                     # completeness, narratives and lists use it
//! period_type: Monthly               # DHIS2 period type name
//! letterhead: { parent_body: "UBND {{ province | upper }}", issuing_body: SỞ ..., symbol: BC-SKHCN, place: "{{ province_short }}" }
//! kind: BÁO CÁO
//! summary: ["Tình hình ... {{ province | lower_first }}", "{{ period_label('long') }}"]
//! preamble: [ { text: "..." } ]       # paragraphs before the first heading
//! sections:                          # numbered by depth: I. / 1. / 1.1. / a)
//!   - heading: KẾT QUẢ THỰC HIỆN
//!     blocks:
//!       - text: "Đã tiếp nhận {{ value('HS_TIEP_NHAN') | num }} hồ sơ ({{ change('HS_TIEP_NHAN') }})."
//!       - list: { name: late_units }
//!       - table: { kind: analytics, dx: "HS_TIEP_NHAN;TL_DUNG_HAN", pe: "LAST_MONTH;THIS_MONTH", ou: CHILDREN, across: pe }
//!       - narratives: { section: KHO_KHAN }
//!       - table: { kind: projects, shape: results, year: "LAST_YEAR;THIS_YEAR", layout: by_unit }  # registers
//!       - table: { kind: recurrent, layout: by_unit }   # also: budget, assignments (include: all|targets|tasks), dossiers
//!       - list: { name: overdue_tasks }                 # also: tasks_at_risk, returned_dossiers
//!       - table: { kind: index, group: UBND_HUYEN }     # the index ranking (index:, node: optional)
//!     sections: [ ... ]
//! closing: [ { text: "Trên đây là báo cáo ... /." } ]
//! recipients: ["UBND tỉnh", "Lưu: VT"]
//! signer: { authority: KT. GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: "" }
//! appendices: [ { label: "Phụ lục {{ appendix_number }}", title: "...", subtitle: ["..."], landscape: true, text_size: 13, omit_empty: true, blocks: [...] } ]
//! ```
//!
//! Every struct refuses unknown fields, and a block is a map with exactly one
//! of `text`, `list`, `table`, `narratives` (no YAML tags), so a typo is an
//! error. [`Template::check`] then lists every problem at once with its place
//! ("sections[2].blocks[0].text: ..."): template syntax, heading depth (at
//! most 4), table options that do not belong to the table's kind.
//! [`Template::check_model`] adds what needs the metadata: the form, the
//! narrative sections, the codes of analytics tables. Codes inside text
//! templates (`value("HS_XYZ")`) are only known when evaluated; evaluation
//! names the place and the call.
//!
//! Every string shown in the document (summary, headings, texts, recipients,
//! letterhead, appendix titles) is a minijinja template; the functions and
//! filters available are listed in `crate::evaluate`.

use chiso_core::Code;
use chiso_core::period::PeriodType;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The template's code: "weekly", "monthly".
    pub name: String,
    /// Shown in the UI: "Báo cáo tháng".
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The form whose submissions and narratives the report gathers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Code>,
    /// The kind of period the report covers.
    pub period_type: PeriodType,
    pub letterhead: LetterheadTemplate,
    #[serde(default = "bao_cao")]
    pub kind: String,
    pub summary: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preamble: Vec<BlockTemplate>,
    pub sections: Vec<Section>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closing: Vec<BlockTemplate>,
    #[serde(default)]
    pub recipients: Vec<String>,
    pub signer: SignerTemplate,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appendices: Vec<AppendixTemplate>,
}

fn bao_cao() -> String {
    "BÁO CÁO".into()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterheadTemplate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_body: Option<String>,
    pub issuing_body: String,
    /// The symbol after the number: "BC-SKHCN" in "05/BC-SKHCN".
    pub symbol: String,
    /// "Hòa Lâm" in "Hòa Lâm, ngày ...".
    pub place: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerTemplate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    pub title: String,
    #[serde(default)]
    pub name: String,
}

/// A numbered section: its heading (numbered by depth), its blocks, then its
/// subsections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub heading: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<BlockTemplate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppendixTemplate {
    /// "Phụ lục I".
    pub label: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtitle: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub landscape: bool,
    /// Leave the appendix out when none of its tables has a row of items
    /// (next year's projects before any is planned). The label may use
    /// `appendix_number` ("Phụ lục {{ appendix_number }}"): the roman number
    /// of the appendix among those shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub omit_empty: bool,
    /// The size in points of its tables' text (11 to 14; 12 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_size: Option<u8>,
    pub blocks: Vec<BlockTemplate>,
}

/// One block of a section. In files, a map with one key:
/// `text: "..."`, `list: {...}`, `table: {...}` or `narratives: {...}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BlockRepr", into = "BlockRepr")]
pub enum BlockTemplate {
    /// A minijinja template; blank lines separate paragraphs, single line
    /// breaks are spaces.
    Text(String),
    List(ListSpec),
    Table(TableSpec),
    Narratives(NarrativesSpec),
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    list: Option<ListSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    table: Option<TableSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    narratives: Option<NarrativesSpec>,
}

impl TryFrom<BlockRepr> for BlockTemplate {
    type Error = String;
    fn try_from(r: BlockRepr) -> Result<Self, String> {
        match (r.text, r.list, r.table, r.narratives) {
            (Some(t), None, None, None) => Ok(BlockTemplate::Text(t)),
            (None, Some(l), None, None) => Ok(BlockTemplate::List(l)),
            (None, None, Some(t), None) => Ok(BlockTemplate::Table(t)),
            (None, None, None, Some(n)) => Ok(BlockTemplate::Narratives(n)),
            _ => Err("một khối cần đúng một trong text, list, table, narratives".into()),
        }
    }
}

impl From<BlockTemplate> for BlockRepr {
    fn from(b: BlockTemplate) -> Self {
        match b {
            BlockTemplate::Text(t) => BlockRepr { text: Some(t), ..Default::default() },
            BlockTemplate::List(l) => BlockRepr { list: Some(l), ..Default::default() },
            BlockTemplate::Table(t) => BlockRepr { table: Some(t), ..Default::default() },
            BlockTemplate::Narratives(n) => BlockRepr { narratives: Some(n), ..Default::default() },
        }
    }
}

/// The named lists a template can show as "- " items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListName {
    /// Units whose report of the period came after the deadline.
    LateUnits,
    /// Units with no report, past the deadline.
    MissingUnits,
    /// Both, late ones first (the reminder list).
    LateOrMissingUnits,
    /// Targets in progress flagged at risk (slow progress or going backwards).
    TargetsAtRisk,
    /// Targets judged "Chưa đạt".
    TargetsNotMet,
    /// The register's tasks of the report's year past their deadline and not
    /// completed, earliest deadline first (needs the registers).
    OverdueTasks,
    /// The register's tasks of the report's year at risk of not completing
    /// on time (reported at risk, or too slow a pace), earliest deadline first.
    TasksAtRisk,
    /// The security-level dossiers returned for more information, as of the
    /// report's period end (or today): "system — owner unit — what is missing".
    ReturnedDossiers,
}

impl ListName {
    /// Whether the list is drawn from the registers (projects, budgets, tasks).
    pub fn needs_registers(self) -> bool {
        matches!(self, ListName::OverdueTasks | ListName::TasksAtRisk | ListName::ReturnedDossiers)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListSpec {
    pub name: ListName,
    /// The form (lists of units); the template's form when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Code>,
    /// The plan (lists of targets); the plan of the report's year when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Code>,
    /// The paragraph shown instead of an empty list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// Figures from the engine: `dx` × `pe` × `ou` with one dimension across.
    Analytics,
    /// The plan's targets with their results and verdicts.
    Targets,
    /// Reports received, on time, late and missing by parent unit, with a total.
    Completeness,
    /// Public-investment projects with their capital (Phụ lục II with
    /// `shape: results`, Phụ lục V with `shape: plan`); needs the registers.
    Projects,
    /// Recurrent-spending tasks of a year with their amounts (Phụ lục III, VI).
    Recurrent,
    /// All the money of a year: A. public investment, B. recurrent spending.
    Budget,
    /// The assignment table (Phụ lục VII): the plan's targets and/or the
    /// register's tasks with lead and co-operating units and evaluation time.
    Assignments,
    /// The security-level dossiers by owner unit and status (approved,
    /// pending, returned) as of the report's period end, with a total row.
    Dossiers,
    /// A comparable group ranked on the digital-transformation index of the
    /// report's year (`index`, `group`, `node`): rank, unit, points, the 0–1
    /// value, each pillar's value and the change of rank.
    Index,
}

impl TableKind {
    /// The name in files.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Analytics => "analytics",
            TableKind::Targets => "targets",
            TableKind::Completeness => "completeness",
            TableKind::Projects => "projects",
            TableKind::Recurrent => "recurrent",
            TableKind::Budget => "budget",
            TableKind::Assignments => "assignments",
            TableKind::Dossiers => "dossiers",
            TableKind::Index => "index",
        }
    }
    /// Whether the table is drawn from the registers (projects, budgets, tasks).
    pub fn needs_registers(self) -> bool {
        matches!(
            self,
            TableKind::Projects
                | TableKind::Recurrent
                | TableKind::Budget
                | TableKind::Assignments
                | TableKind::Dossiers
                | TableKind::Index
        )
    }
}

/// The years a register table covers: a year (`2026`), a word relative to
/// the report's year (`THIS_YEAR`, `LAST_YEAR`, `NEXT_YEAR`), or several
/// separated by `;` (`"LAST_YEAR;THIS_YEAR"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Years {
    Year(i32),
    Words(String),
}

impl Years {
    /// The years meant, for a report on `report_year`, in the order written.
    pub fn resolve(&self, report_year: i32) -> Result<Vec<i32>, String> {
        match self {
            Years::Year(y) => Ok(vec![*y]),
            Years::Words(w) => {
                let mut out = Vec::new();
                for part in w.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                    let y = match part {
                        "THIS_YEAR" => report_year,
                        "LAST_YEAR" => report_year - 1,
                        "NEXT_YEAR" => report_year + 1,
                        other => other.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y)).ok_or_else(|| {
                            format!(
                                "năm \"{other}\" không hợp lệ (cần năm như 2026, THIS_YEAR, LAST_YEAR hoặc NEXT_YEAR)"
                            )
                        })?,
                    };
                    out.push(y);
                }
                if out.is_empty() {
                    return Err("chưa ghi năm".into());
                }
                Ok(out)
            }
        }
    }
}

/// How a money table groups its items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableLayout {
    /// One numbered list.
    #[default]
    Flat,
    /// A group with its subtotal per unit (at `unit_level`, default 2: the
    /// departments and districts), as Phụ lục III and VI do.
    ByUnit,
}

/// The columns of a projects table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectShape {
    /// Phụ lục V: decision, total investment, period, capital of the year, note.
    #[default]
    Plan,
    /// Phụ lục II: total investment, objective, sources, capital of each year, status.
    Results,
}

/// What the assignment table lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentItems {
    /// The plan's targets, then the register's tasks of the plan's year that
    /// serve no target (a task serving a target is listed as that target).
    #[default]
    All,
    Targets,
    Tasks,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Dx,
    Pe,
    Ou,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetFilter {
    #[default]
    All,
    AtRisk,
    NotMet,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub kind: TableKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// "ĐVT: hồ sơ".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_note: Option<String>,
    /// analytics: data items, "HS_TIEP_NHAN;TL_DUNG_HAN;HS_TIEP_NHAN.TRUC_TUYEN".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dx: Option<String>,
    /// analytics: periods, fixed or relative to the report's period
    /// ("THIS_MONTH;LAST_MONTH"); the report's period when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pe: Option<String>,
    /// analytics: units as in `chiso analytics` (codes, LEVEL-n, CHILDREN-code,
    /// OU_GROUP-code) plus `UNIT` (the report's unit) and `CHILDREN` (its
    /// children); the report's unit when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou: Option<String>,
    /// analytics: the dimension laid across as columns (default pe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub across: Option<Dimension>,
    /// targets: the plan; the plan of the report's year when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Code>,
    /// targets: which targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only: Option<TargetFilter>,
    /// targets: a group row per pillar.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_pillar: bool,
    /// completeness: the form; the template's form when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Code>,
    /// projects, recurrent, budget, assignments: the year (projects with
    /// `shape: results`: the years, one capital column each); the report's
    /// year when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<Years>,
    /// projects, recurrent, budget: flat (default) or by_unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<TableLayout>,
    /// projects, recurrent, budget: the level of the units grouped by (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_level: Option<u8>,
    /// projects: plan (Phụ lục V, default) or results (Phụ lục II).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<ProjectShape>,
    /// assignments: all (default), targets or tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<AssignmentItems>,
    /// index: the index (`DTI_2026`); the index of the report's year when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<Code>,
    /// index: the comparable group of units (`UBND_HUYEN`); the first group
    /// holding the report's unit when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Code>,
    /// index: rank on this pillar or main index instead of the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<Code>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativesSpec {
    /// The form's narrative section: KET_QUA, KHO_KHAN, DE_XUAT.
    pub section: Code,
    /// The template's form when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Code>,
    /// The paragraph shown when no unit wrote anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty: Option<String>,
}

/// A problem in a template, with its place ("sections[2].blocks[0].text").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub place: String,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.place, self.message) }
    }
}

/// Every problem found, in template order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct TemplateErrors(pub Vec<TemplateError>);

impl fmt::Display for TemplateErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "mẫu báo cáo có {n} lỗi:")?;
        for e in &self.0 {
            write!(f, "\n- {e}")?;
        }
        Ok(())
    }
}

/// The deepest heading level: I. / 1. / 1.1. / a).
pub const MAX_DEPTH: usize = 4;

impl Template {
    /// Reads a template from YAML and checks it (without the metadata).
    pub fn from_yaml(s: &str) -> Result<Template, TemplateErrors> {
        let t: Template = serde_yaml_ng::from_str(s).map_err(|e| one("", format!("YAML không hợp lệ: {e}")))?;
        t.check()?;
        Ok(t)
    }

    /// Reads a template from JSON and checks it (without the metadata).
    pub fn from_json(s: &str) -> Result<Template, TemplateErrors> {
        let t: Template = serde_json::from_str(s).map_err(|e| one("", format!("JSON không hợp lệ: {e}")))?;
        t.check()?;
        Ok(t)
    }

    pub fn to_yaml(&self) -> String {
        serde_yaml_ng::to_string(self).expect("a template serialises")
    }

    /// Checks what needs no metadata; lists every problem with its place.
    pub fn check(&self) -> Result<(), TemplateErrors> {
        let mut errs = Vec::new();
        if self.name.is_empty() || !self.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            errs.push(err("name", format!("tên mẫu \"{}\" chỉ được gồm chữ cái ASCII, chữ số, - và _", self.name)));
        }
        let mut syntax = |place: String, src: &str| {
            if let Err(e) = compile_check(src) {
                errs.push(TemplateError { place, message: e });
            }
        };
        if let Some(p) = &self.letterhead.parent_body {
            syntax("letterhead.parent_body".into(), p);
        }
        syntax("letterhead.issuing_body".into(), &self.letterhead.issuing_body);
        syntax("letterhead.place".into(), &self.letterhead.place);
        syntax("kind".into(), &self.kind);
        for (i, s) in self.summary.iter().enumerate() {
            syntax(format!("summary[{i}]"), s);
        }
        for (i, s) in self.recipients.iter().enumerate() {
            syntax(format!("recipients[{i}]"), s);
        }
        for (i, a) in self.appendices.iter().enumerate() {
            syntax(format!("appendices[{i}].label"), &a.label);
            syntax(format!("appendices[{i}].title"), &a.title);
            for (j, s) in a.subtitle.iter().enumerate() {
                syntax(format!("appendices[{i}].subtitle[{j}]"), s);
            }
        }
        for (i, a) in self.appendices.iter().enumerate() {
            if let Some(pt) = a.text_size
                && !(11..=14).contains(&pt)
            {
                errs.push(err(&format!("appendices[{i}].text_size"), format!("cỡ chữ {pt} ngoài khoảng 11–14 pt")));
            }
        }
        check_blocks("preamble", &self.preamble, &mut errs);
        check_sections("sections", &self.sections, 1, &mut errs);
        check_blocks("closing", &self.closing, &mut errs);
        for (i, a) in self.appendices.iter().enumerate() {
            check_blocks(&format!("appendices[{i}].blocks"), &a.blocks, &mut errs);
        }
        if errs.is_empty() { Ok(()) } else { Err(TemplateErrors(errs)) }
    }

    /// Checks the template against the metadata: its form and the forms,
    /// narrative sections, plans and analytics codes its blocks name.
    pub fn check_model(&self, model: &chiso_core::metadata::Model) -> Result<(), TemplateErrors> {
        let mut errs = Vec::new();
        if let Some(f) = &self.form {
            match model.form(f.as_str()) {
                None => errs.push(err("form", format!("biểu mẫu {f} không tồn tại"))),
                Some(form) if form.period_type != self.period_type => errs.push(err(
                    "form",
                    format!(
                        "biểu mẫu {f} báo cáo theo kỳ {}, mẫu báo cáo theo kỳ {}",
                        form.period_type, self.period_type
                    ),
                )),
                _ => {}
            }
        }
        let mut visit = |place: &str, b: &BlockTemplate| {
            let form_of = |f: &Option<Code>| f.clone().or_else(|| self.form.clone());
            match b {
                BlockTemplate::Narratives(n) => match form_of(&n.form) {
                    None => errs.push(err(place, "khối narratives cần biểu mẫu (form) của mẫu hoặc của khối".into())),
                    Some(f) => match model.form(f.as_str()) {
                        None => errs.push(err(&format!("{place}.form"), format!("biểu mẫu {f} không tồn tại"))),
                        Some(form) if !form.narratives.iter().any(|s| s.code == n.section) => errs.push(err(
                            &format!("{place}.section"),
                            format!("biểu mẫu {f} không có phần thuyết minh {}", n.section),
                        )),
                        _ => {}
                    },
                },
                BlockTemplate::List(l) => {
                    if let Some(p) = &l.plan
                        && model.plan(p.as_str()).is_none()
                    {
                        errs.push(err(&format!("{place}.plan"), format!("kế hoạch {p} không tồn tại")));
                    }
                    let units =
                        matches!(l.name, ListName::LateUnits | ListName::MissingUnits | ListName::LateOrMissingUnits);
                    if units {
                        match form_of(&l.form) {
                            None => errs.push(err(place, "danh sách đơn vị cần biểu mẫu (form)".into())),
                            Some(f) if model.form(f.as_str()).is_none() => {
                                errs.push(err(&format!("{place}.form"), format!("biểu mẫu {f} không tồn tại")))
                            }
                            _ => {}
                        }
                    }
                }
                BlockTemplate::Table(t) => match t.kind {
                    TableKind::Analytics => {
                        let dx = t.dx.as_deref().unwrap_or_default();
                        for item in dx.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                            if let Err(e) = chiso_analytics::DxItem::parse(item, model) {
                                errs.push(err(&format!("{place}.dx"), e.to_string()));
                            }
                        }
                    }
                    TableKind::Targets | TableKind::Assignments => {
                        if let Some(p) = &t.plan
                            && model.plan(p.as_str()).is_none()
                        {
                            errs.push(err(&format!("{place}.plan"), format!("kế hoạch {p} không tồn tại")));
                        }
                    }
                    TableKind::Completeness => match form_of(&t.form) {
                        None => errs.push(err(place, "bảng completeness cần biểu mẫu (form)".into())),
                        Some(f) if model.form(f.as_str()).is_none() => {
                            errs.push(err(&format!("{place}.form"), format!("biểu mẫu {f} không tồn tại")))
                        }
                        _ => {}
                    },
                    TableKind::Index => {
                        if let Some(g) = &t.group
                            && model.group(g.as_str()).is_none()
                        {
                            errs.push(err(&format!("{place}.group"), format!("nhóm đơn vị {g} không tồn tại")));
                        }
                    }
                    TableKind::Projects | TableKind::Recurrent | TableKind::Budget | TableKind::Dossiers => {}
                },
                BlockTemplate::Text(_) => {}
            }
        };
        self.for_each_block(&mut visit);
        if errs.is_empty() { Ok(()) } else { Err(TemplateErrors(errs)) }
    }

    /// Calls `f` with every block and its place, in document order.
    pub fn for_each_block(&self, f: &mut dyn FnMut(&str, &BlockTemplate)) {
        fn blocks(place: &str, bs: &[BlockTemplate], f: &mut dyn FnMut(&str, &BlockTemplate)) {
            for (i, b) in bs.iter().enumerate() {
                f(&format!("{place}[{i}].{}", b.key()), b);
            }
        }
        fn sections(place: &str, ss: &[Section], f: &mut dyn FnMut(&str, &BlockTemplate)) {
            for (i, s) in ss.iter().enumerate() {
                blocks(&format!("{place}[{i}].blocks"), &s.blocks, f);
                sections(&format!("{place}[{i}].sections"), &s.sections, f);
            }
        }
        blocks("preamble", &self.preamble, f);
        sections("sections", &self.sections, f);
        blocks("closing", &self.closing, f);
        for (i, a) in self.appendices.iter().enumerate() {
            blocks(&format!("appendices[{i}].blocks"), &a.blocks, f);
        }
    }
}

impl BlockTemplate {
    /// The block's key in files: "text", "list", "table", "narratives".
    pub fn key(&self) -> &'static str {
        match self {
            BlockTemplate::Text(_) => "text",
            BlockTemplate::List(_) => "list",
            BlockTemplate::Table(_) => "table",
            BlockTemplate::Narratives(_) => "narratives",
        }
    }
}

fn err(place: &str, message: String) -> TemplateError {
    TemplateError { place: place.to_string(), message }
}

fn one(place: &str, message: String) -> TemplateErrors {
    TemplateErrors(vec![err(place, message)])
}

/// Compiles a minijinja source to find syntax errors: "dòng 2: ...".
fn compile_check(src: &str) -> Result<(), String> {
    let env = minijinja::Environment::new();
    env.template_from_str(src).map(|_| ()).map_err(|e| {
        let what = e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string());
        match e.line() {
            Some(l) => format!("lỗi cú pháp mẫu ở dòng {l}: {what}"),
            None => format!("lỗi cú pháp mẫu: {what}"),
        }
    })
}

fn check_sections(place: &str, ss: &[Section], depth: usize, errs: &mut Vec<TemplateError>) {
    for (i, s) in ss.iter().enumerate() {
        let here = format!("{place}[{i}]");
        if depth > MAX_DEPTH {
            errs.push(err(&here, format!("đề mục lồng quá {MAX_DEPTH} cấp (I. / 1. / 1.1. / a))")));
        }
        if s.heading.trim().is_empty() {
            errs.push(err(&format!("{here}.heading"), "đề mục trống".into()));
        } else if let Err(e) = compile_check(&s.heading) {
            errs.push(err(&format!("{here}.heading"), e));
        }
        check_blocks(&format!("{here}.blocks"), &s.blocks, errs);
        check_sections(&format!("{here}.sections"), &s.sections, depth + 1, errs);
    }
}

fn check_blocks(place: &str, bs: &[BlockTemplate], errs: &mut Vec<TemplateError>) {
    for (i, b) in bs.iter().enumerate() {
        let here = format!("{place}[{i}].{}", b.key());
        match b {
            BlockTemplate::Text(t) => {
                if let Err(e) = compile_check(t) {
                    errs.push(err(&here, e));
                }
            }
            BlockTemplate::List(l) => {
                if let Some(e) = &l.empty
                    && let Err(m) = compile_check(e)
                {
                    errs.push(err(&format!("{here}.empty"), m));
                }
            }
            BlockTemplate::Narratives(n) => {
                if let Some(e) = &n.empty
                    && let Err(m) = compile_check(e)
                {
                    errs.push(err(&format!("{here}.empty"), m));
                }
            }
            BlockTemplate::Table(t) => check_table(&here, t, errs),
        }
    }
}

fn check_table(place: &str, t: &TableSpec, errs: &mut Vec<TemplateError>) {
    let kind = t.kind.name();
    let mut not_here = |field: &str, given: bool| {
        if given {
            errs.push(err(&format!("{place}.{field}"), format!("trường {field} không dùng cho bảng {kind}")));
        }
    };
    let analytics = t.kind == TableKind::Analytics;
    let targets = t.kind == TableKind::Targets;
    let money = matches!(t.kind, TableKind::Projects | TableKind::Recurrent | TableKind::Budget);
    if !analytics {
        not_here("dx", t.dx.is_some());
        not_here("pe", t.pe.is_some());
        not_here("ou", t.ou.is_some());
        not_here("across", t.across.is_some());
    }
    if !targets && t.kind != TableKind::Assignments {
        not_here("plan", t.plan.is_some());
    }
    if !targets {
        not_here("only", t.only.is_some());
        not_here("by_pillar", t.by_pillar);
    }
    if t.kind != TableKind::Completeness {
        not_here("form", t.form.is_some());
    }
    if !t.kind.needs_registers() || matches!(t.kind, TableKind::Dossiers | TableKind::Index) {
        not_here("year", t.year.is_some());
    }
    if !money {
        not_here("layout", t.layout.is_some());
        not_here("unit_level", t.unit_level.is_some());
    }
    if t.kind != TableKind::Projects {
        not_here("shape", t.shape.is_some());
    }
    if t.kind != TableKind::Assignments {
        not_here("include", t.include.is_some());
    }
    if t.kind != TableKind::Index {
        not_here("index", t.index.is_some());
        not_here("group", t.group.is_some());
        not_here("node", t.node.is_some());
    }
    if analytics && t.dx.as_deref().is_none_or(|d| d.trim().is_empty()) {
        errs.push(err(&format!("{place}.dx"), "bảng analytics cần dx (các chỉ tiêu dữ liệu, chỉ số)".into()));
    }
    if let Some(y) = &t.year {
        let several = t.kind == TableKind::Projects && t.shape == Some(ProjectShape::Results);
        match y.resolve(2000) {
            Err(m) => errs.push(err(&format!("{place}.year"), m)),
            Ok(ys) if ys.len() > 1 && !several => errs.push(err(
                &format!("{place}.year"),
                format!("bảng {kind} chỉ dùng một năm (nhiều năm chỉ cho bảng projects với shape: results)"),
            )),
            Ok(_) => {}
        }
    }
    if let Some(l) = t.unit_level
        && l == 0
    {
        errs.push(err(&format!("{place}.unit_level"), "cấp đơn vị bắt đầu từ 1".into()));
    }
    for (field, v) in [("caption", &t.caption), ("unit_note", &t.unit_note)] {
        if let Some(s) = v
            && let Err(m) = compile_check(s)
        {
            errs.push(err(&format!("{place}.{field}"), m));
        }
    }
}
