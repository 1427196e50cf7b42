//! Information systems and their security-level dossiers (`/dossiers`):
//! the register's sentence ("23 đơn vị, 42 bộ hồ sơ: 28 đã phê duyệt, ..."),
//! the counts by unit and status, and each system with its level, owner,
//! the standing of its dossier, the authority its level requires, what is
//! missing (returned) or the decision (approved).
//!
//! Every standing and count is `chiso_core::register::security`
//! (`standings`, `counts`, `counts_by_unit`), as of the configured today; the
//! JSON API (`api::dossiers`) uses the same view builder.
//!
//! Scope: the province readers see the whole register; a reporter sees the
//! systems owned by the units it reads (`registers::scoped`).
//!
//! Registering and editing systems, submitting dossiers and recording their
//! steps live in `edit` (file `dossier_edit.rs`), whose routes are merged here.

use crate::auth::CurrentUser;
use crate::error::{AppError, PageResult};
use crate::pages::Chrome;
use crate::pages::registers::{Choice, day, visible};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use chiso_core::Code;
use chiso_core::access::Scope;
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::register::Registers;
use chiso_core::register::security::{
    self, ApprovalAuthority, DossierCounts, DossierStanding, DossierState, DossierStatus, InformationSystem,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

// Registering systems, submitting dossiers and recording their steps live in
// `dossier_edit` (this file is the list).
use crate::pages::dossier_edit as edit;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/dossiers", get(dossiers_page)).merge(edit::routes())
}

/// The filters of `/dossiers`, `GET /api/dossiers` and `GET /api/systems` (empty = all).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DossiersQuery {
    /// approved | pending | returned (the report's groups), or a step:
    /// submitted | under_appraisal | resubmitted; `none` for systems without a dossier.
    pub status: Option<String>,
    /// An owner unit (with the units below it).
    pub unit: Option<String>,
    /// The system's level, 1 to 5.
    pub level: Option<String>,
}

fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub fn state_key(s: DossierState) -> &'static str {
    match s {
        DossierState::Approved => "approved",
        DossierState::Pending => "pending",
        DossierState::Returned => "returned",
    }
}

pub fn state_label(lang: Lang, s: DossierState) -> &'static str {
    match s {
        DossierState::Approved => lang.pick("Đã phê duyệt", "Approved"),
        DossierState::Pending => lang.pick("Chờ phê duyệt", "Pending approval"),
        DossierState::Returned => lang.pick("Cần bổ sung", "Returned for more information"),
    }
}

pub fn status_key(s: DossierStatus) -> &'static str {
    match s {
        DossierStatus::Submitted => "submitted",
        DossierStatus::UnderAppraisal => "under_appraisal",
        DossierStatus::Returned => "returned",
        DossierStatus::Resubmitted => "resubmitted",
        DossierStatus::Approved => "approved",
    }
}

pub fn status_label(lang: Lang, s: DossierStatus) -> &'static str {
    match lang {
        Lang::Vi => s.label_vi(),
        Lang::En => match s {
            DossierStatus::Submitted => "Submitted",
            DossierStatus::UnderAppraisal => "Under appraisal",
            DossierStatus::Returned => "Returned for more information",
            DossierStatus::Resubmitted => "Resubmitted",
            DossierStatus::Approved => "Approved",
        },
    }
}

pub fn authority_key(a: ApprovalAuthority) -> &'static str {
    match a {
        ApprovalAuthority::OwnerAfterSecurityUnit => "owner_after_security_unit",
        ApprovalAuthority::OwnerAfterMinistry => "owner_after_ministry",
        ApprovalAuthority::Government => "government",
    }
}

pub fn authority_label(lang: Lang, a: ApprovalAuthority) -> &'static str {
    match lang {
        Lang::Vi => a.label_vi(),
        Lang::En => match a {
            ApprovalAuthority::OwnerAfterSecurityUnit => {
                "The owner approves, after appraisal by its information-security unit"
            }
            ApprovalAuthority::OwnerAfterMinistry => "The owner approves, after the ministry's appraisal",
            ApprovalAuthority::Government => "The Prime Minister approves",
        },
    }
}

/// The status filter.
#[derive(Clone, Copy, Debug, PartialEq)]
enum StatusFilter {
    State(DossierState),
    Step(DossierStatus),
    NoDossier,
}

impl StatusFilter {
    fn parse(s: &str) -> Result<StatusFilter, AppError> {
        Ok(match s {
            "approved" | "da_phe_duyet" => StatusFilter::State(DossierState::Approved),
            "pending" | "cho_phe_duyet" => StatusFilter::State(DossierState::Pending),
            "returned" | "can_bo_sung" => StatusFilter::State(DossierState::Returned),
            "submitted" => StatusFilter::Step(DossierStatus::Submitted),
            "under_appraisal" => StatusFilter::Step(DossierStatus::UnderAppraisal),
            "resubmitted" => StatusFilter::Step(DossierStatus::Resubmitted),
            "none" => StatusFilter::NoDossier,
            other => {
                return Err(AppError::BadRequest(format!(
                    "trạng thái \"{other}\" không hợp lệ (approved, pending, returned, submitted, under_appraisal, \
                     resubmitted, none)"
                )));
            }
        })
    }
    fn matches(self, s: Option<&DossierStanding<'_>>) -> bool {
        match (self, s) {
            (StatusFilter::State(st), Some(s)) => s.state == st,
            (StatusFilter::Step(st), Some(s)) => s.status == st,
            (StatusFilter::NoDossier, None) => true,
            _ => false,
        }
    }
}

/// A dossier as the page and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct DossierRow {
    pub code: String,
    pub system: String,
    pub system_name: String,
    pub unit: String,
    pub unit_name: String,
    pub level: Option<u8>,
    pub submitted: NaiveDate,
    /// The step: submitted, under_appraisal, returned, resubmitted, approved.
    pub status: &'static str,
    pub status_label: &'static str,
    /// The report's group: approved, pending, returned.
    pub state: &'static str,
    pub state_label: &'static str,
    /// The date of the current step.
    pub since: NaiveDate,
    pub missing: Option<String>,
    pub decision: Option<String>,
    pub authority: Option<&'static str>,
    pub authority_label: Option<&'static str>,
}

/// A system with the standing of its latest dossier.
#[derive(Clone, Debug, Serialize)]
pub struct SystemRow {
    pub code: String,
    pub name: String,
    pub owner: String,
    pub owner_name: String,
    pub purpose: String,
    pub level: u8,
    pub in_operation_since: Option<NaiveDate>,
    pub authority: Option<&'static str>,
    pub authority_label: Option<&'static str>,
    /// Its latest dossier submitted by today; None: no dossier yet.
    pub dossier: Option<DossierRow>,
    /// Whether the account may edit it (writes for its owner).
    #[serde(skip)]
    pub can_edit: bool,
    /// Whether the account may submit a new dossier for it (no dossier in progress).
    #[serde(skip)]
    pub can_submit: bool,
}

impl SystemRow {
    /// approved | pending | returned | none.
    pub fn state_key(&self) -> &'static str {
        self.dossier.as_ref().map_or("none", |d| d.state)
    }
}

/// A line of the counts table.
#[derive(Clone, Debug, Serialize)]
pub struct CountRow {
    pub unit: String,
    pub unit_name: String,
    pub dossiers: usize,
    pub approved: usize,
    pub pending: usize,
    pub returned: usize,
}

impl CountRow {
    fn of(unit: String, unit_name: String, c: &DossierCounts) -> CountRow {
        CountRow {
            unit,
            unit_name,
            dossiers: c.dossiers,
            approved: c.approved,
            pending: c.pending,
            returned: c.returned,
        }
    }
}

/// Everything `/dossiers` and the API show.
#[derive(Clone, Debug, Serialize)]
pub struct DossiersView {
    pub as_of: NaiveDate,
    pub counts: DossierCounts,
    /// The core's sentence over the dossiers shown.
    pub sentence: String,
    pub by_unit: Vec<CountRow>,
    pub total: CountRow,
    pub dossiers: Vec<DossierRow>,
    pub systems: Vec<SystemRow>,
    #[serde(skip)]
    pub units: Vec<Choice>,
    #[serde(skip)]
    pub statuses: Vec<Choice>,
    #[serde(skip)]
    pub levels: Vec<Choice>,
    #[serde(skip)]
    pub filtered: bool,
}

impl DossiersView {
    pub fn as_of_text(&self) -> String {
        day(self.as_of)
    }
}

fn unit_name(model: &Model, code: &Code) -> String {
    model.tree().get(code.as_str()).map(|u| u.display_name().to_string()).unwrap_or_else(|| code.to_string())
}

fn dossier_row(model: &Model, lang: Lang, s: &DossierStanding<'_>) -> DossierRow {
    let unit = s.unit().map(|c| c.to_string()).unwrap_or_default();
    DossierRow {
        code: s.dossier.code.to_string(),
        system: s.dossier.system.to_string(),
        system_name: s.system.map_or_else(|| s.dossier.system.to_string(), |x| x.name.clone()),
        unit_name: s.unit().map(|c| unit_name(model, c)).unwrap_or_else(|| "—".into()),
        unit,
        level: s.level(),
        submitted: s.dossier.submitted,
        status: status_key(s.status),
        status_label: status_label(lang, s.status),
        state: state_key(s.state),
        state_label: state_label(lang, s.state),
        since: s.since,
        missing: s.missing.map(str::to_string),
        decision: s.decision.map(str::to_string),
        authority: s.authority().map(authority_key),
        authority_label: s.authority().map(|a| authority_label(lang, a)),
    }
}

fn system_row(
    model: &Model,
    lang: Lang,
    scope: &Scope,
    reg: &Registers,
    sys: &InformationSystem,
    d: Option<&DossierStanding<'_>>,
) -> SystemRow {
    let can_edit = scope.role != chiso_core::access::Role::Leader && edit::writes_for(model, scope, &sys.owner);
    SystemRow {
        can_edit,
        can_submit: can_edit && edit::open_dossier(reg, &sys.code).is_none(),
        code: sys.code.to_string(),
        name: sys.name.clone(),
        owner: sys.owner.to_string(),
        owner_name: unit_name(model, &sys.owner),
        purpose: sys.purpose.clone(),
        level: sys.level,
        in_operation_since: sys.in_operation_since,
        authority: sys.authority().map(authority_key),
        authority_label: sys.authority().map(|a| authority_label(lang, a)),
        dossier: d.map(|d| dossier_row(model, lang, d)),
    }
}

/// The view of the registers `reg` (already scoped) as of `as_of`, filtered by `q`.
pub fn dossiers_view(
    model: &Model,
    lang: Lang,
    scope: &Scope,
    reg: &Registers,
    q: &DossiersQuery,
    as_of: NaiveDate,
) -> Result<DossiersView, AppError> {
    let tree = model.tree();
    let status = given(&q.status).map(StatusFilter::parse).transpose()?;
    let unit = match given(&q.unit) {
        None => None,
        Some(u) => {
            let ix = tree.index(u).ok_or_else(|| AppError::not_found(format!("đơn vị {u}")))?;
            if !scope.can_read(tree, ix) {
                return Err(AppError::forbidden());
            }
            Some(ix)
        }
    };
    let level = match given(&q.level) {
        None => None,
        Some(l) => Some(
            l.parse::<u8>()
                .ok()
                .filter(|l| (1..=5).contains(l))
                .ok_or_else(|| AppError::BadRequest(format!("cấp độ \"{l}\" không hợp lệ (1 đến 5)")))?,
        ),
    };
    let owned = |owner: &Code| {
        unit.is_none_or(|f| tree.index(owner.as_str()).is_some_and(|u| tree.is_descendant_or_self(u, f)))
    };
    let sys_ok = |s: &InformationSystem| owned(&s.owner) && level.is_none_or(|l| s.level == l);

    let all = security::standings(reg, as_of);
    let shown: Vec<DossierStanding<'_>> = all
        .iter()
        .filter(|s| s.system.is_some_and(sys_ok) || (s.system.is_none() && unit.is_none() && level.is_none()))
        .filter(|s| status.is_none_or(|f| f.matches(Some(s))))
        .cloned()
        .collect();
    let counts = security::counts(&shown);
    let by_unit: Vec<CountRow> = security::counts_by_unit(&shown)
        .iter()
        .map(|(u, c)| match u {
            Some(u) => CountRow::of(u.to_string(), unit_name(model, u), c),
            None => CountRow::of(String::new(), "—".into(), c),
        })
        .collect();
    let total = CountRow::of(String::new(), lang.pick("Tổng cộng", "Total").into(), &counts);

    // Each system with its latest dossier (the last submitted by `as_of`).
    let systems: Vec<SystemRow> = reg
        .systems
        .iter()
        .filter(|s| sys_ok(s))
        .filter_map(|sys| {
            let d = all.iter().rfind(|d| d.dossier.system == sys.code);
            status.is_none_or(|f| f.matches(d)).then(|| system_row(model, lang, scope, reg, sys, d))
        })
        .collect();

    let owners: BTreeSet<&Code> = reg.systems.iter().map(|s| &s.owner).collect();
    let units = owners
        .into_iter()
        .map(|c| Choice {
            code: c.to_string(),
            name: unit_name(model, c),
            selected: given(&q.unit) == Some(c.as_str()),
        })
        .collect();
    let sel = given(&q.status);
    let mut statuses: Vec<Choice> = DossierState::ALL
        .iter()
        .map(|&s| Choice {
            code: state_key(s).into(),
            name: state_label(lang, s).into(),
            selected: sel == Some(state_key(s)),
        })
        .collect();
    for s in [DossierStatus::Submitted, DossierStatus::UnderAppraisal, DossierStatus::Resubmitted] {
        statuses.push(Choice {
            code: status_key(s).into(),
            name: format!("— {}", status_label(lang, s)),
            selected: sel == Some(status_key(s)),
        });
    }
    statuses.push(Choice {
        code: "none".into(),
        name: lang.pick("Chưa có hồ sơ", "No dossier yet").into(),
        selected: sel == Some("none"),
    });
    let levels = (1..=5u8)
        .map(|l| Choice {
            code: l.to_string(),
            name: format!("{} {l}", lang.pick("Cấp độ", "Level")),
            selected: level == Some(l),
        })
        .collect();
    Ok(DossiersView {
        as_of,
        sentence: counts.sentence(),
        counts,
        by_unit,
        total,
        dossiers: shown.iter().map(|s| dossier_row(model, lang, s)).collect(),
        systems,
        units,
        statuses,
        levels,
        filtered: status.is_some() || unit.is_some() || level.is_some(),
    })
}

#[derive(Template)]
#[template(path = "dossiers.html")]
struct DossiersPage {
    chrome: Chrome,
    v: DossiersView,
    /// "Đăng ký hệ thống" and "Nộp hồ sơ" for those who write for a unit.
    can_register: bool,
    /// What was just saved or deleted.
    notice: Option<String>,
}

/// What `/dossiers` was sent back with after a change.
#[derive(Clone, Debug, Default, Deserialize)]
struct Notice {
    saved: Option<String>,
    deleted: Option<String>,
}

async fn dossiers_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<DossiersQuery>,
    Query(n): Query<Notice>,
) -> PageResult<Html<String>> {
    let reg = visible(&state, &user).await?;
    let model = state.model();
    let v = dossiers_view(&model, user.lang, user.scope(), &reg, &q, state.today())?;
    let chrome = Chrome::new(&state, &user, user.lang.pick("An toàn thông tin", "Information security"), "/dossiers");
    let lang = user.lang;
    let notice = match (given(&n.saved), given(&n.deleted)) {
        (Some(c), _) => Some(format!("{} {c}.", lang.pick("Đã lưu hệ thống thông tin", "Saved information system"))),
        (None, Some(c)) => {
            Some(format!("{} {c}.", lang.pick("Đã xóa hệ thống thông tin", "Deleted information system")))
        }
        (None, None) => None,
    };
    let can_register = edit::writes_any(&model, user.scope());
    Ok(Html(DossiersPage { chrome, v, can_register, notice }.render()?))
}
