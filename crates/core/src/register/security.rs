//! Information systems and their security-level dossiers (hồ sơ đề xuất cấp
//! độ an toàn hệ thống thông tin, Nghị định 85/2016/NĐ-CP): each system with
//! its owner unit, purpose and level (cấp độ 1 to 5), each dossier with the
//! steps it went through, and the counts reports ask for by unit and status
//! ("246 đơn vị, 257 bộ hồ sơ: 118 đã phê duyệt, 112 chờ phê duyệt, 27 cần
//! bổ sung").
//!
//! **A dossier's steps.** It is submitted on `submitted`; `history` lists the
//! later steps in date order: `under_appraisal` (đang thẩm định), `returned`
//! (trả lại để bổ sung, with what is `missing`), `resubmitted` (nộp lại) and
//! `approved` (phê duyệt, with the `decision` number; the step's date is the
//! decision's date). After a submission or resubmission come appraisal,
//! return or approval; after appraisal, return or approval; after a return,
//! a resubmission; nothing after approval (a new level needs a new dossier).
//!
//! **Its status on a day** is the last step dated on or before the day
//! (`submitted` when there is none); a dossier submitted after the day is
//! not counted. Reports group the statuses in three: approved (đã phê
//! duyệt), returned for more information (cần bổ sung) and pending (chờ phê
//! duyệt: submitted, under appraisal, resubmitted).
//!
//! **Who approves** ([`ApprovalAuthority`], Điều 12 of the Nghị định): levels
//! 1 to 3 the owner's side (chủ quản hệ thống thông tin) after appraisal by
//! its information-security unit; level 4 the owner's side after the
//! ministry's appraisal; level 5 the Government (Thủ tướng Chính phủ).

use super::{RegisterError, Registers, push};
use crate::code::Code;
use crate::metadata::Model;
use crate::number::format_integer;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// An information system (hệ thống thông tin) and its security level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InformationSystem {
    pub code: Code,
    pub name: String,
    /// The owner unit (chủ quản / đơn vị vận hành).
    pub owner: Code,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub purpose: String,
    /// Cấp độ 1 to 5 under Nghị định 85/2016/NĐ-CP.
    pub level: u8,
    /// In operation since (đưa vào vận hành); absent for one being built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_operation_since: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl InformationSystem {
    /// Who approves the dossier of a system of this level; `None` outside 1..=5.
    pub fn authority(&self) -> Option<ApprovalAuthority> {
        ApprovalAuthority::for_level(self.level)
    }
}

/// Who approves a dossier, by the system's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalAuthority {
    /// Levels 1–3: the owner's side, after appraisal by its security unit.
    OwnerAfterSecurityUnit,
    /// Level 4: the owner's side, after the ministry's appraisal.
    OwnerAfterMinistry,
    /// Level 5: the Government.
    Government,
}

impl ApprovalAuthority {
    pub fn for_level(level: u8) -> Option<ApprovalAuthority> {
        match level {
            1..=3 => Some(ApprovalAuthority::OwnerAfterSecurityUnit),
            4 => Some(ApprovalAuthority::OwnerAfterMinistry),
            5 => Some(ApprovalAuthority::Government),
            _ => None,
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            ApprovalAuthority::OwnerAfterSecurityUnit => {
                "Chủ quản hệ thống thông tin phê duyệt, sau khi đơn vị chuyên trách về an toàn thông tin thẩm định"
            }
            ApprovalAuthority::OwnerAfterMinistry => {
                "Chủ quản hệ thống thông tin phê duyệt, sau khi có ý kiến thẩm định của Bộ"
            }
            ApprovalAuthority::Government => "Thủ tướng Chính phủ phê duyệt",
        }
    }
}

impl fmt::Display for ApprovalAuthority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// A step of a dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    Submitted,
    UnderAppraisal,
    Returned,
    Resubmitted,
    Approved,
}

impl DossierStatus {
    /// Every step, in the order a dossier goes through them.
    pub const ALL: [DossierStatus; 5] = [
        DossierStatus::Submitted,
        DossierStatus::UnderAppraisal,
        DossierStatus::Returned,
        DossierStatus::Resubmitted,
        DossierStatus::Approved,
    ];
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierStatus::Submitted => "Đã nộp",
            DossierStatus::UnderAppraisal => "Đang thẩm định",
            DossierStatus::Returned => "Trả lại để bổ sung",
            DossierStatus::Resubmitted => "Đã nộp lại",
            DossierStatus::Approved => "Đã phê duyệt",
        }
    }
    /// The group reports count it in.
    pub fn state(self) -> DossierState {
        match self {
            DossierStatus::Approved => DossierState::Approved,
            DossierStatus::Returned => DossierState::Returned,
            _ => DossierState::Pending,
        }
    }
    /// Whether `next` may follow this step.
    pub fn may_go_to(self, next: DossierStatus) -> bool {
        use DossierStatus::*;
        match self {
            Submitted | Resubmitted => matches!(next, UnderAppraisal | Returned | Approved),
            UnderAppraisal => matches!(next, Returned | Approved),
            Returned => next == Resubmitted,
            Approved => false,
        }
    }
    /// The steps that may follow this one (`may_go_to`), in [`DossierStatus::ALL`] order:
    /// what a form offers as the next step.
    pub fn allowed_next(self) -> Vec<DossierStatus> {
        DossierStatus::ALL.into_iter().filter(|&n| self.may_go_to(n)).collect()
    }
}

impl fmt::Display for DossierStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// The three groups of the report sentence, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierState {
    Approved,
    Pending,
    Returned,
}

impl DossierState {
    pub const ALL: [DossierState; 3] = [DossierState::Approved, DossierState::Pending, DossierState::Returned];
    /// "đã phê duyệt", "chờ phê duyệt", "cần bổ sung" (as in the sentence).
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierState::Approved => "đã phê duyệt",
            DossierState::Pending => "chờ phê duyệt",
            DossierState::Returned => "cần bổ sung",
        }
    }
}

impl fmt::Display for DossierState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// A step after submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierStep {
    pub date: NaiveDate,
    pub status: DossierStatus,
    /// What is missing, for `returned`: "thiếu phương án bảo đảm an toàn thông tin theo cấp độ".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    /// The decision's number, for `approved`: "1520/QĐ-UBND" (its date is the step's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A security-level dossier (hồ sơ đề xuất cấp độ) of a system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dossier {
    pub code: Code,
    pub system: Code,
    pub submitted: NaiveDate,
    /// The steps after submission, in date order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<DossierStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Dossier {
    /// The last step on or before `as_of` (`None`: submitted, nothing since, or not yet submitted).
    pub fn last_step(&self, as_of: NaiveDate) -> Option<&DossierStep> {
        self.history.iter().rfind(|s| s.date <= as_of)
    }
    /// The status on `as_of`; `None` when submitted after it.
    pub fn status_on(&self, as_of: NaiveDate) -> Option<DossierStatus> {
        if self.submitted > as_of {
            return None;
        }
        Some(self.last_step(as_of).map_or(DossierStatus::Submitted, |s| s.status))
    }
}

/// Where a dossier stands on a day.
#[derive(Clone, Debug, PartialEq)]
pub struct DossierStanding<'a> {
    pub dossier: &'a Dossier,
    /// `None` when the register names no such system (an invalid register).
    pub system: Option<&'a InformationSystem>,
    pub status: DossierStatus,
    pub state: DossierState,
    /// The date of the current status.
    pub since: NaiveDate,
    /// For a returned dossier, what is missing.
    pub missing: Option<&'a str>,
    /// For an approved one, the decision number (its date is `since`).
    pub decision: Option<&'a str>,
}

impl DossierStanding<'_> {
    /// The owner unit of the dossier's system.
    pub fn unit(&self) -> Option<&Code> {
        self.system.map(|s| &s.owner)
    }
    pub fn level(&self) -> Option<u8> {
        self.system.map(|s| s.level)
    }
    pub fn authority(&self) -> Option<ApprovalAuthority> {
        self.system.and_then(InformationSystem::authority)
    }
}

/// The standing of every dossier submitted on or before `as_of`, in register order.
pub fn standings(reg: &Registers, as_of: NaiveDate) -> Vec<DossierStanding<'_>> {
    let systems: HashMap<&Code, &InformationSystem> = reg.systems.iter().map(|s| (&s.code, s)).collect();
    reg.dossiers
        .iter()
        .filter_map(|d| {
            let status = d.status_on(as_of)?;
            let step = d.last_step(as_of);
            Some(DossierStanding {
                dossier: d,
                system: systems.get(&d.system).copied(),
                status,
                state: status.state(),
                since: step.map_or(d.submitted, |s| s.date),
                missing: step.filter(|s| s.status == DossierStatus::Returned).and_then(|s| s.missing.as_deref()),
                decision: step.filter(|s| s.status == DossierStatus::Approved).and_then(|s| s.decision.as_deref()),
            })
        })
        .collect()
}

/// Units and dossiers, and the dossiers by group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DossierCounts {
    /// Distinct owner units of the dossiers counted.
    pub units: usize,
    pub dossiers: usize,
    pub approved: usize,
    pub pending: usize,
    pub returned: usize,
}

impl DossierCounts {
    pub fn of(&self, state: DossierState) -> usize {
        match state {
            DossierState::Approved => self.approved,
            DossierState::Pending => self.pending,
            DossierState::Returned => self.returned,
        }
    }
    /// "246 đơn vị, 257 bộ hồ sơ: 118 đã phê duyệt, 112 chờ phê duyệt, 27 cần bổ sung".
    pub fn sentence(&self) -> String {
        let n = |x: usize| format_integer(x as i64);
        format!(
            "{} đơn vị, {} bộ hồ sơ: {} đã phê duyệt, {} chờ phê duyệt, {} cần bổ sung",
            n(self.units),
            n(self.dossiers),
            n(self.approved),
            n(self.pending),
            n(self.returned)
        )
    }
}

/// The counts of `standings`.
pub fn counts(standings: &[DossierStanding<'_>]) -> DossierCounts {
    let mut c = DossierCounts { dossiers: standings.len(), ..DossierCounts::default() };
    let mut units = HashSet::new();
    for s in standings {
        match s.state {
            DossierState::Approved => c.approved += 1,
            DossierState::Pending => c.pending += 1,
            DossierState::Returned => c.returned += 1,
        }
        if let Some(u) = s.unit() {
            units.insert(u);
        }
    }
    c.units = units.len();
    c
}

/// The counts grouped by `key`, in key order.
pub fn counts_by<'a, K: Ord>(
    standings: &[DossierStanding<'a>],
    key: impl Fn(&DossierStanding<'a>) -> K,
) -> Vec<(K, DossierCounts)> {
    let mut groups: BTreeMap<K, Vec<DossierStanding<'a>>> = BTreeMap::new();
    for s in standings {
        groups.entry(key(s)).or_default().push(s.clone());
    }
    groups.into_iter().map(|(k, v)| (k, counts(&v))).collect()
}

/// The counts per owner unit (units in code order; `None`: unknown system).
pub fn counts_by_unit<'a>(standings: &[DossierStanding<'a>]) -> Vec<(Option<Code>, DossierCounts)> {
    counts_by(standings, |s| s.unit().cloned())
}

/// The counts per group (approved, pending, returned; empty groups left out).
pub fn counts_by_state(standings: &[DossierStanding<'_>]) -> Vec<(DossierState, DossierCounts)> {
    counts_by(standings, |s| s.state)
}

/// The counts per level of the system (`None`: unknown system).
pub fn counts_by_level(standings: &[DossierStanding<'_>]) -> Vec<(Option<u8>, DossierCounts)> {
    counts_by(standings, DossierStanding::level)
}

pub(crate) fn check(reg: &Registers, model: &Model, errs: &mut Vec<RegisterError>) {
    let tree = model.tree();
    let mut systems = HashSet::new();
    for s in &reg.systems {
        let place = |field: &str| format!("systems[{}].{field}", s.code);
        if !systems.insert(&s.code) {
            push(errs, format!("systems[{}]", s.code), "mã bị trùng");
        }
        if s.name.trim().is_empty() {
            push(errs, place("name"), "chưa có tên hệ thống thông tin");
        }
        if tree.index(s.owner.as_str()).is_none() {
            push(errs, place("owner"), format!("đơn vị {} không tồn tại", s.owner));
        }
        if !(1..=5).contains(&s.level) {
            push(errs, place("level"), format!("cấp độ {} ngoài khoảng 1–5 (Nghị định 85/2016/NĐ-CP)", s.level));
        }
    }
    let mut dossiers = HashSet::new();
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    for d in &reg.dossiers {
        let place = |field: &str| format!("dossiers[{}].{field}", d.code);
        if !dossiers.insert(&d.code) {
            push(errs, format!("dossiers[{}]", d.code), "mã bị trùng");
        }
        if !systems.contains(&d.system) {
            push(errs, place("system"), format!("hệ thống thông tin {} không tồn tại", d.system));
        }
        let mut prev = (DossierStatus::Submitted, d.submitted);
        for (i, s) in d.history.iter().enumerate() {
            let place = |field: &str| format!("dossiers[{}].history[{i}].{field}", d.code);
            if s.date < prev.1 {
                push(errs, place("date"), format!("ngày {} trước bước trước đó ({})", day(s.date), day(prev.1)));
            }
            if s.status == DossierStatus::Submitted {
                push(errs, place("status"), "ngày nộp ghi ở submitted của hồ sơ; nộp lại là resubmitted");
            } else if !prev.0.may_go_to(s.status) {
                push(
                    errs,
                    place("status"),
                    format!("không thể chuyển từ \"{}\" sang \"{}\"", prev.0.label_vi(), s.status.label_vi()),
                );
            }
            let blank = |o: &Option<String>| o.as_deref().is_none_or(|t| t.trim().is_empty());
            match s.status {
                DossierStatus::Approved if blank(&s.decision) => {
                    push(errs, place("decision"), "hồ sơ được phê duyệt cần số quyết định phê duyệt")
                }
                DossierStatus::Returned if blank(&s.missing) => {
                    push(errs, place("missing"), "hồ sơ trả lại cần ghi nội dung cần bổ sung")
                }
                _ => {}
            }
            if s.status != DossierStatus::Approved && s.decision.is_some() {
                push(errs, place("decision"), "chỉ bước phê duyệt (approved) có số quyết định");
            }
            if s.status != DossierStatus::Returned && s.missing.is_some() {
                push(errs, place("missing"), "chỉ bước trả lại (returned) có nội dung cần bổ sung");
            }
            prev = (s.status, s.date);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DossierStatus::{self, *};

    #[test]
    fn the_next_steps_are_the_allowed_moves() {
        assert_eq!(Submitted.allowed_next(), [UnderAppraisal, Returned, Approved]);
        assert_eq!(Resubmitted.allowed_next(), [UnderAppraisal, Returned, Approved]);
        assert_eq!(UnderAppraisal.allowed_next(), [Returned, Approved]);
        assert_eq!(Returned.allowed_next(), [Resubmitted]);
        assert!(Approved.allowed_next().is_empty());
        // Submission is never a later step: it is the dossier's `submitted`.
        assert!(DossierStatus::ALL.iter().all(|s| !s.allowed_next().contains(&Submitted)));
    }
}
