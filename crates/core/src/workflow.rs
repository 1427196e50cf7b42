//! The life of a unit's report: draft, submitted, returned, approved.
//!
//! ```text
//!            save            submit              approve
//!  (none) ───────▶ Draft ───────────▶ Submitted ─────────▶ Approved
//!                    ▲  ◀─── recall ───┘   │  ▲                │
//!                    │                     │  └──── reopen ────┘
//!               save │        return       ▼
//!                    └─────────────── Returned ── submit ──▶ Submitted
//! ```
//!
//! A reporter edits its report while it is not started, a draft or
//! returned; once submitted it can recall it until the office decides.
//! The office may edit anything except approved data, which is locked until
//! the office reopens it. Leaders change nothing. Which units an account may
//! act for is `access::Scope`'s business; this module only knows roles.

use crate::access::Role;
use crate::value::SubmissionStatus;
use serde::{Deserialize, Serialize};

/// What someone does to a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Store the figures typed so far without sending them.
    SaveDraft,
    /// Send the report to the office (rule errors must be fixed first).
    Submit,
    /// Take a submitted report back before the office decides.
    Recall,
    /// The office sends it back with what to fix.
    Return,
    /// The office accepts it; its data is locked.
    Approve,
    /// The office unlocks an approved report (back to submitted).
    Reopen,
}

impl Action {
    pub const ALL: [Action; 6] =
        [Action::SaveDraft, Action::Submit, Action::Recall, Action::Return, Action::Approve, Action::Reopen];

    pub fn code(self) -> &'static str {
        match self {
            Action::SaveDraft => "save_draft",
            Action::Submit => "submit",
            Action::Recall => "recall",
            Action::Return => "return",
            Action::Approve => "approve",
            Action::Reopen => "reopen",
        }
    }
    pub fn from_code(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == s)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Action::SaveDraft => "Lưu nháp",
            Action::Submit => "Gửi báo cáo",
            Action::Recall => "Rút lại",
            Action::Return => "Trả lại",
            Action::Approve => "Duyệt",
            Action::Reopen => "Mở lại",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Action::SaveDraft => "Save draft",
            Action::Submit => "Submit",
            Action::Recall => "Recall",
            Action::Return => "Return",
            Action::Approve => "Approve",
            Action::Reopen => "Reopen",
        }
    }
    /// Only the office reviews.
    fn is_review(self) -> bool {
        matches!(self, Action::Return | Action::Approve | Action::Reopen)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("vai trò {role} không được {action}", role = .role.label_vi(), action = .action.label_vi().to_lowercase())]
    NotAllowed { role: Role, action: Action },
    #[error("không thể {action} báo cáo {state}", action = .action.label_vi().to_lowercase(), state = state_text(*.from))]
    WrongState { from: Option<SubmissionStatus>, action: Action },
    #[error("trả lại báo cáo phải kèm nội dung cần bổ sung, sửa chữa")]
    CommentRequired,
}

fn state_text(s: Option<SubmissionStatus>) -> String {
    match s {
        None => "chưa nhập".into(),
        Some(s) => s.label_vi().to_lowercase(),
    }
}

/// The status a report moves to when `role` does `action` to it, or why not.
/// `comment` is the reason given (required to return a report).
pub fn next_status(
    from: Option<SubmissionStatus>,
    action: Action,
    role: Role,
    comment: Option<&str>,
) -> Result<SubmissionStatus, WorkflowError> {
    use SubmissionStatus::*;
    let allowed = match role {
        Role::Leader => false,
        Role::Reporter => !action.is_review(),
        // Recalling is the sender's own step; the office returns instead.
        Role::Admin | Role::Office => action != Action::Recall,
    };
    if !allowed {
        return Err(WorkflowError::NotAllowed { role, action });
    }
    let to = match (from, action) {
        // Saving a returned report keeps it marked returned until resubmitted.
        (Some(Returned), Action::SaveDraft) => Returned,
        (None | Some(Draft), Action::SaveDraft) => Draft,
        // The office corrects figures of a report under review in place.
        (Some(Submitted), Action::SaveDraft) if role != Role::Reporter => Submitted,
        (None | Some(Draft | Returned), Action::Submit) => Submitted,
        (Some(Submitted), Action::Recall) => Draft,
        (Some(Submitted), Action::Return) => Returned,
        (Some(Submitted), Action::Approve) => Approved,
        (Some(Approved), Action::Reopen) => Submitted,
        _ => return Err(WorkflowError::WrongState { from, action }),
    };
    if action == Action::Return && comment.is_none_or(|c| c.trim().is_empty()) {
        return Err(WorkflowError::CommentRequired);
    }
    Ok(to)
}

/// Whether `role` may change the figures of a report in this state.
pub fn can_edit(status: Option<SubmissionStatus>, role: Role) -> bool {
    next_status(status, Action::SaveDraft, role, None).is_ok()
}

/// The actions `role` can take on a report in this state, in button order.
pub fn available_actions(status: Option<SubmissionStatus>, role: Role) -> Vec<Action> {
    Action::ALL.into_iter().filter(|&a| next_status(status, a, role, Some("-")).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use SubmissionStatus::*;

    #[test]
    fn every_transition_by_role() {
        // (from, action, role, result)
        let cases: &[(Option<SubmissionStatus>, Action, Role, Option<SubmissionStatus>)] = &[
            (None, SaveDraft, Role::Reporter, Some(Draft)),
            (None, Submit, Role::Reporter, Some(Submitted)),
            (Some(Draft), Submit, Role::Reporter, Some(Submitted)),
            (Some(Submitted), SaveDraft, Role::Reporter, None),
            (Some(Submitted), SaveDraft, Role::Office, Some(Submitted)),
            (Some(Submitted), Recall, Role::Reporter, Some(Draft)),
            (Some(Submitted), Return, Role::Reporter, None),
            (Some(Submitted), Return, Role::Office, Some(Returned)),
            (Some(Returned), SaveDraft, Role::Reporter, Some(Returned)),
            (Some(Returned), Submit, Role::Reporter, Some(Submitted)),
            (Some(Submitted), Approve, Role::Office, Some(Approved)),
            (Some(Submitted), Approve, Role::Admin, Some(Approved)),
            (Some(Approved), SaveDraft, Role::Office, None),
            (Some(Approved), SaveDraft, Role::Reporter, None),
            (Some(Approved), Recall, Role::Reporter, None),
            (Some(Approved), Reopen, Role::Reporter, None),
            (Some(Approved), Reopen, Role::Office, Some(Submitted)),
            (Some(Draft), Approve, Role::Office, None),
            (None, SaveDraft, Role::Leader, None),
            (Some(Submitted), Approve, Role::Leader, None),
        ];
        for &(from, action, role, want) in cases {
            let got = next_status(from, action, role, Some("thiếu số liệu")).ok();
            assert_eq!(got, want, "{from:?} {action:?} by {role:?}");
        }
    }

    #[test]
    fn returning_needs_a_reason() {
        assert_eq!(next_status(Some(Submitted), Return, Role::Office, None), Err(WorkflowError::CommentRequired));
        assert_eq!(next_status(Some(Submitted), Return, Role::Office, Some("  ")), Err(WorkflowError::CommentRequired));
        let e = next_status(Some(Approved), Recall, Role::Reporter, None).unwrap_err();
        assert_eq!(e.to_string(), "không thể rút lại báo cáo đã duyệt");
        let e = next_status(Some(Submitted), Approve, Role::Reporter, None).unwrap_err();
        assert_eq!(e.to_string(), "vai trò Cán bộ báo cáo không được duyệt");
    }

    #[test]
    fn approved_data_is_locked_and_buttons_follow_the_state() {
        assert!(can_edit(None, Role::Reporter));
        assert!(can_edit(Some(Returned), Role::Reporter));
        assert!(!can_edit(Some(Submitted), Role::Reporter));
        assert!(can_edit(Some(Submitted), Role::Office));
        assert!(!can_edit(Some(Approved), Role::Office));
        assert!(!can_edit(None, Role::Leader));
        assert_eq!(available_actions(Some(Draft), Role::Reporter), vec![SaveDraft, Submit]);
        assert_eq!(available_actions(Some(Submitted), Role::Reporter), vec![Recall]);
        assert_eq!(available_actions(Some(Submitted), Role::Office), vec![SaveDraft, Return, Approve]);
        assert_eq!(available_actions(Some(Approved), Role::Office), vec![Reopen]);
        assert!(available_actions(Some(Submitted), Role::Leader).is_empty());
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
    }
}
