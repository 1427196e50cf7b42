//! Editing the register of information systems and their security-level
//! dossiers (Nghị định 85/2016/NĐ-CP) from the web: registering and editing a
//! system (`/systems/new`, `/systems/{code}/edit`), deleting one that has no
//! dossier, submitting a dossier (`/dossiers/new`) and recording its next
//! step (`/dossiers/{code}`). The pages and the JSON API (`api::dossiers`)
//! call the same functions (`save_system`, `delete_system`, `submit_dossier`,
//! `record_step`, `dossier_detail`); every write goes through
//! `register_edit::apply` (one audited transaction, the whole registers
//! checked against the model).
//!
//! Who: the owner unit's reporters (and the office and admins, who write for
//! every unit) register and edit its systems, submit their dossiers and
//! record a resubmission; appraisal, return and approval are recorded by the
//! office or an admin, acting for the appraising authority. Only they delete
//! a system, and only one without dossiers (dossiers are what reports
//! count). Leaders never write.
//!
//! The order of steps is the core's (`DossierStatus::may_go_to`); a step is
//! dated no earlier than the step before it and no later than today. A
//! system has at most one dossier in progress; a new one after an approved
//! dossier (a new level) says why in its note.

use crate::auth::{CurrentUser, urlencode};
use crate::error::{AppError, PageResult};
use crate::pages::dossiers::{authority_key, authority_label, state_key, state_label, status_key, status_label};
use crate::pages::registers::{Choice, day};
use crate::pages::{Chrome, datetime};
use crate::register_edit::{self, Change, place};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chiso_core::Code;
use chiso_core::access::{Role, Scope};
use chiso_core::element::parse_date;
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::register::Registers;
use chiso_core::register::security::{ApprovalAuthority, Dossier, DossierStatus, DossierStep, InformationSystem};
use chiso_store::AuditFilter;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/systems/new", get(new_system_page).post(new_system_post))
        .route("/systems/{code}/edit", get(edit_system_page).post(edit_system_post))
        .route("/systems/{code}/delete", post(delete_system_post))
        .route("/dossiers/new", get(new_dossier_page).post(new_dossier_post))
        .route("/dossiers/{code}", get(dossier_page))
        .route("/dossiers/{code}/steps", post(step_post))
}

// ------------------------------------------------------------------ rules

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// Whether `scope` writes for `owner` (registers its systems, submits their
/// dossiers, records a resubmission).
pub fn writes_for(model: &Model, scope: &Scope, owner: &Code) -> bool {
    let tree = model.tree();
    tree.index(owner.as_str()).is_some_and(|ix| scope.can_write(tree, ix))
}

fn reads_for(model: &Model, scope: &Scope, owner: &Code) -> bool {
    let tree = model.tree();
    tree.index(owner.as_str()).is_some_and(|ix| scope.can_read(tree, ix))
}

/// Whether `scope` writes for any unit: who is offered "Đăng ký hệ thống".
pub fn writes_any(model: &Model, scope: &Scope) -> bool {
    let tree = model.tree();
    scope.role != Role::Leader && scope.units(tree).into_iter().any(|ix| scope.can_write(tree, ix))
}

/// The status after every recorded step (steps are never dated after today).
pub fn current_status(d: &Dossier) -> DossierStatus {
    d.history.last().map_or(DossierStatus::Submitted, |s| s.status)
}

/// The date of the last step (the submission when there is none).
fn last_date(d: &Dossier) -> NaiveDate {
    d.history.last().map_or(d.submitted, |s| s.date)
}

/// The dossier of `system` still in progress (not approved), if any.
pub fn open_dossier<'a>(reg: &'a Registers, system: &Code) -> Option<&'a Dossier> {
    reg.dossiers.iter().find(|d| d.system == *system && current_status(d) != DossierStatus::Approved)
}

fn only_office() -> AppError {
    AppError::Forbidden(
        "Chỉ Văn phòng hoặc quản trị hệ thống (thay mặt cơ quan thẩm định, phê duyệt) được ghi bước thẩm định, \
         trả lại hoặc phê duyệt hồ sơ; đơn vị chủ quản ghi việc nộp lại hồ sơ."
            .into(),
    )
}

fn not_owner(owner: &Code) -> AppError {
    AppError::Forbidden(format!("Tài khoản không được ghi hồ sơ của đơn vị {owner} (đơn vị chủ quản hệ thống)."))
}

fn leaders_never_write(user: &CurrentUser) -> Result<(), AppError> {
    if user.role() == Role::Leader { Err(AppError::forbidden()) } else { Ok(()) }
}

fn why_not_next(current: DossierStatus, next: DossierStatus) -> String {
    let allowed = current.allowed_next();
    if allowed.is_empty() {
        format!(
            "Bước (status): hồ sơ đã được phê duyệt, không ghi thêm bước \"{}\"; cấp độ mới cần một bộ hồ sơ mới.",
            next.label_vi()
        )
    } else {
        let names: Vec<String> = allowed.iter().map(|s| format!("{} ({})", s.label_vi(), status_key(*s))).collect();
        format!(
            "Bước (status): không thể chuyển từ \"{}\" sang \"{}\"; bước tiếp theo có thể là: {}.",
            current.label_vi(),
            next.label_vi(),
            names.join(", ")
        )
    }
}

/// `step` checked as the next step of `d` recorded on `today` by an account
/// that may (`manage`) or may not record the appraising authority's steps;
/// answers it with its texts trimmed.
pub fn next_step(d: &Dossier, step: DossierStep, manage: bool, today: NaiveDate) -> Result<DossierStep, AppError> {
    use DossierStatus::*;
    if step.status == Submitted {
        return Err(AppError::BadRequest(
            "Bước (status): ngày nộp ghi khi nộp hồ sơ; nộp lại sau khi bổ sung là \"resubmitted\".".into(),
        ));
    }
    if step.status != Resubmitted && !manage {
        return Err(only_office());
    }
    let current = current_status(d);
    if !current.may_go_to(step.status) {
        return Err(AppError::BadRequest(why_not_next(current, step.status)));
    }
    if step.date > today {
        return Err(AppError::BadRequest(format!("Ngày (date): {} sau hôm nay ({}).", day(step.date), day(today))));
    }
    let last = last_date(d);
    if step.date < last {
        return Err(AppError::BadRequest(format!(
            "Ngày (date): {} trước bước trước đó ({}, {}).",
            day(step.date),
            current.label_vi(),
            day(last)
        )));
    }
    let step = DossierStep {
        missing: trimmed(step.missing),
        decision: trimmed(step.decision),
        note: trimmed(step.note),
        ..step
    };
    match step.status {
        Returned if step.missing.is_none() => {
            return Err(AppError::BadRequest(
                "Nội dung cần bổ sung (missing): hồ sơ trả lại phải ghi rõ còn thiếu gì.".into(),
            ));
        }
        Approved if step.decision.is_none() => {
            return Err(AppError::BadRequest(
                "Số quyết định (decision): hồ sơ được phê duyệt phải ghi số quyết định phê duyệt, ví dụ 1520/QĐ-UBND."
                    .into(),
            ));
        }
        _ => {}
    }
    if step.status != Approved && step.decision.is_some() {
        return Err(AppError::BadRequest("Số quyết định (decision): chỉ ghi ở bước phê duyệt (approved).".into()));
    }
    if step.status != Returned && step.missing.is_some() {
        return Err(AppError::BadRequest("Nội dung cần bổ sung (missing): chỉ ghi ở bước trả lại (returned).".into()));
    }
    Ok(step)
}

// ------------------------------------------------------------------ writes

/// Creates or replaces the system `code` (the code of `sys` is set to it);
/// `create_only` refuses a code that exists. Answers whether it was created
/// and the registers after the change (unscoped).
pub async fn save_system(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    mut sys: InformationSystem,
    create_only: bool,
) -> Result<(bool, Registers), AppError> {
    leaders_never_write(user)?;
    let code = Code::new(code.trim()).map_err(|e| AppError::BadRequest(format!("Mã hệ thống (code): {e}.")))?;
    let model = state.model();
    let today = state.today();
    if model.tree().index(sys.owner.as_str()).is_none() {
        return Err(AppError::BadRequest(format!("Đơn vị chủ quản (owner): không có đơn vị {}.", sys.owner)));
    }
    if !writes_for(&model, user.scope(), &sys.owner) {
        return Err(AppError::Forbidden(format!(
            "Đơn vị chủ quản (owner): tài khoản không được đăng ký hệ thống cho đơn vị {}.",
            sys.owner
        )));
    }
    if let Some(d) = sys.in_operation_since
        && d > today
    {
        return Err(AppError::BadRequest(format!(
            "Ngày đưa vào vận hành (in_operation_since): {} sau hôm nay; để trống nếu hệ thống đang xây dựng.",
            day(d)
        )));
    }
    sys.code = code.clone();
    sys.name = sys.name.trim().to_string();
    sys.purpose = sys.purpose.trim().to_string();
    sys.note = trimmed(sys.note);
    let mut created = false;
    let reg = register_edit::apply(state, user, |reg| {
        match reg.systems.iter().position(|s| s.code == code) {
            Some(i) => {
                let old = &reg.systems[i];
                if create_only {
                    return Err(AppError::Conflict(format!(
                        "Mã hệ thống (code): đã có hệ thống {code} ({}); chọn mã khác.",
                        old.name
                    )));
                }
                if !writes_for(&model, user.scope(), &old.owner) {
                    return Err(AppError::Forbidden(format!(
                        "Hệ thống {code} thuộc đơn vị {}: tài khoản không được sửa.",
                        old.owner
                    )));
                }
                reg.systems[i] = sys.clone();
            }
            None => {
                reg.systems.push(sys.clone());
                created = true;
            }
        }
        let one = Registers { systems: vec![sys], ..Registers::default() };
        Ok(Change::save(one, vec![place("systems", &code)]))
    })
    .await?;
    Ok((created, reg))
}

/// Deletes the system `code` (office and admins), refused while it has dossiers.
pub async fn delete_system(state: &AppState, user: &CurrentUser, code: &str) -> Result<InformationSystem, AppError> {
    if !user.can_manage() {
        return Err(AppError::Forbidden("Chỉ Văn phòng hoặc quản trị hệ thống được xóa hệ thống thông tin.".into()));
    }
    let mut deleted = None;
    register_edit::apply(state, user, |reg| {
        let i = reg
            .systems
            .iter()
            .position(|s| s.code.as_str() == code)
            .ok_or_else(|| AppError::not_found(format!("hệ thống thông tin {code}")))?;
        let dossiers: Vec<&str> = reg.dossiers.iter().filter(|d| d.system.as_str() == code).map(|d| d.code.as_str()).collect();
        if !dossiers.is_empty() {
            return Err(AppError::Conflict(format!(
                "Không xóa được hệ thống {code}: hệ thống đã có {} bộ hồ sơ đề xuất cấp độ ({}), là căn cứ của các báo cáo.",
                dossiers.len(),
                dossiers.join(", ")
            )));
        }
        let sys = reg.systems.remove(i);
        deleted = Some(sys.clone());
        Ok(Change::delete(Registers { systems: vec![sys], ..Registers::default() }))
    })
    .await?;
    Ok(deleted.expect("set by the edit"))
}

/// A dossier to submit: the `Dossier` serde form without `history`, the code
/// and the date optional.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDossier {
    /// Mã hồ sơ; để trống: HS_<mã hệ thống bỏ tiền tố HT_>.
    #[serde(default)]
    pub code: Option<String>,
    /// Mã hệ thống thông tin.
    pub system: String,
    /// Ngày nộp (YYYY-MM-DD); mặc định hôm nay.
    #[serde(default)]
    pub submitted: Option<NaiveDate>,
    /// Ghi chú; bắt buộc khi hệ thống đã có hồ sơ được phê duyệt (lý do nộp hồ sơ mới, ví dụ thay đổi cấp độ).
    #[serde(default)]
    pub note: Option<String>,
}

/// The code a new dossier of `system` gets: HS_QLVB for HT_QLVB, with a
/// number after it when taken.
pub fn proposed_code(reg: &Registers, system: &Code) -> Code {
    let rest = system.as_str().strip_prefix("HT_").unwrap_or(system.as_str());
    let base: String = format!("HS_{rest}").chars().take(60).collect();
    let taken = |c: &str| reg.dossiers.iter().any(|d| d.code.as_str() == c);
    let code = if !taken(&base) {
        base
    } else {
        (2..).map(|n| format!("{base}_{n}")).find(|c| !taken(c)).expect("a free number")
    };
    Code::new(code).expect("built from a valid code")
}

/// Whether `system` may get a new dossier now: not while one is in progress.
fn may_submit(reg: &Registers, system: &Code) -> Result<(), AppError> {
    match open_dossier(reg, system) {
        Some(d) => Err(AppError::Conflict(format!(
            "Hệ thống (system): hệ thống {system} đang có hồ sơ {} chưa được phê duyệt (tình trạng: {}); ghi bước \
             tiếp theo vào hồ sơ đó.",
            d.code,
            current_status(d).label_vi()
        ))),
        None => Ok(()),
    }
}

/// Submits a new dossier; answers it and the registers after (unscoped).
pub async fn submit_dossier(
    state: &AppState,
    user: &CurrentUser,
    input: NewDossier,
) -> Result<(Dossier, Registers), AppError> {
    leaders_never_write(user)?;
    let model = state.model();
    let today = state.today();
    let submitted = input.submitted.unwrap_or(today);
    if submitted > today {
        return Err(AppError::BadRequest(format!("Ngày nộp (submitted): {} sau hôm nay.", day(submitted))));
    }
    let note = trimmed(input.note);
    let mut made = None;
    let reg = register_edit::apply(state, user, |reg| {
        let system_code = input.system.trim();
        let sys = reg.systems.iter().find(|s| s.code.as_str() == system_code).ok_or_else(|| {
            AppError::BadRequest(format!("Hệ thống (system): không có hệ thống thông tin \"{system_code}\"."))
        })?;
        if !writes_for(&model, user.scope(), &sys.owner) {
            return Err(not_owner(&sys.owner));
        }
        let system = sys.code.clone();
        may_submit(reg, &system)?;
        let earlier: Vec<&Dossier> = reg.dossiers.iter().filter(|d| d.system == system).collect();
        if let Some(prev) = earlier.last()
            && note.is_none()
        {
            return Err(AppError::BadRequest(format!(
                "Ghi chú (note): hệ thống đã có hồ sơ {} được phê duyệt{}; ghi lý do nộp hồ sơ mới (ví dụ thay đổi cấp độ).",
                prev.code,
                prev.history.last().and_then(|s| s.decision.as_deref()).map(|q| format!(" (quyết định {q})")).unwrap_or_default()
            )));
        }
        if let Some(prev) = earlier.iter().max_by_key(|d| last_date(d))
            && submitted < last_date(prev)
        {
            return Err(AppError::BadRequest(format!(
                "Ngày nộp (submitted): {} trước ngày phê duyệt hồ sơ trước ({}, {}).",
                day(submitted),
                prev.code,
                day(last_date(prev))
            )));
        }
        let code = match trimmed(input.code) {
            None => proposed_code(reg, &system),
            Some(c) => {
                let c = Code::new(c).map_err(|e| AppError::BadRequest(format!("Mã hồ sơ (code): {e}.")))?;
                if c.as_str() == "new" {
                    return Err(AppError::BadRequest("Mã hồ sơ (code): \"new\" là từ dành riêng; chọn mã khác.".into()));
                }
                if reg.dossiers.iter().any(|d| d.code == c) {
                    return Err(AppError::Conflict(format!("Mã hồ sơ (code): đã có hồ sơ {c}; chọn mã khác.")));
                }
                c
            }
        };
        let d = Dossier { code: code.clone(), system, submitted, history: Vec::new(), note };
        reg.dossiers.push(d.clone());
        made = Some(d.clone());
        Ok(Change::save(Registers { dossiers: vec![d], ..Registers::default() }, vec![place("dossiers", &code)]))
    })
    .await?;
    Ok((made.expect("set by the edit"), reg))
}

/// Records the next step of dossier `code`; answers the dossier and the
/// registers after (unscoped).
pub async fn record_step(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    step: DossierStep,
) -> Result<(Dossier, Registers), AppError> {
    leaders_never_write(user)?;
    let model = state.model();
    let today = state.today();
    let mut after = None;
    let reg = register_edit::apply(state, user, |reg| {
        let i = reg
            .dossiers
            .iter()
            .position(|d| d.code.as_str() == code)
            .ok_or_else(|| AppError::not_found(format!("hồ sơ {code}")))?;
        let d = &reg.dossiers[i];
        let owner = reg.systems.iter().find(|s| s.code == d.system).map(|s| s.owner.clone()).ok_or_else(|| {
            AppError::Conflict(format!("Hồ sơ {code} thuộc hệ thống {} không còn trong sổ.", d.system))
        })?;
        if !writes_for(&model, user.scope(), &owner) {
            return Err(not_owner(&owner));
        }
        let step = next_step(d, step, user.can_manage(), today)?;
        let d = &mut reg.dossiers[i];
        d.history.push(step);
        after = Some(d.clone());
        let one = Registers { dossiers: vec![d.clone()], ..Registers::default() };
        Ok(Change::save(one, vec![place("dossiers", code)]))
    })
    .await?;
    Ok((after.expect("set by the edit"), reg))
}

// ------------------------------------------------------------------ one dossier

/// Who recorded a step, from the audit trail.
#[derive(Clone, Debug, Serialize)]
pub struct Recorded {
    pub username: String,
    pub at: NaiveDateTime,
    /// web, api, cli...
    pub route: String,
}

/// A step of a dossier as the page and the API show it; the first is the submission.
#[derive(Clone, Debug, Serialize)]
pub struct StepRow {
    pub date: NaiveDate,
    pub status: &'static str,
    pub status_label: &'static str,
    pub missing: Option<String>,
    pub decision: Option<String>,
    pub note: Option<String>,
    pub recorded: Option<Recorded>,
}

impl StepRow {
    pub fn date_text(&self) -> String {
        day(self.date)
    }
    pub fn recorded_text(&self) -> String {
        self.recorded
            .as_ref()
            .map_or_else(String::new, |r| format!("{} · {} ({})", r.username, datetime(r.at), r.route))
    }
}

/// A step the account may record next.
#[derive(Clone, Debug, Serialize)]
pub struct NextStep {
    pub status: &'static str,
    pub label: &'static str,
}

/// One dossier with its system, steps and what may come next.
#[derive(Clone, Debug, Serialize)]
pub struct DossierDetail {
    pub code: String,
    pub system: String,
    pub system_name: String,
    pub purpose: String,
    pub unit: String,
    pub unit_name: String,
    pub level: Option<u8>,
    pub authority: Option<&'static str>,
    pub authority_label: Option<&'static str>,
    pub submitted: NaiveDate,
    pub note: Option<String>,
    /// The status after the last step, and the report's group.
    pub status: &'static str,
    pub status_label: &'static str,
    pub state: &'static str,
    pub state_label: &'static str,
    /// The date of the last step: the next one may not be earlier.
    pub since: NaiveDate,
    pub steps: Vec<StepRow>,
    /// The steps this account may record next (empty: none).
    pub next: Vec<NextStep>,
    /// The steps that may follow whoever records them.
    pub allowed_next: Vec<&'static str>,
    /// The other dossiers of the system (code, status label).
    pub others: Vec<(String, &'static str)>,
    #[serde(skip)]
    pub can_edit_system: bool,
    #[serde(skip)]
    pub can_submit_new: bool,
}

impl DossierDetail {
    pub fn since_text(&self) -> String {
        day(self.since)
    }
    pub fn submitted_text(&self) -> String {
        day(self.submitted)
    }
}

/// Who recorded each step of dossier `code` (index 0: the submission), read
/// from its audit entries: each saved version that has more steps than the
/// one before was recorded by that entry's user.
async fn recorders(state: &AppState, code: &str) -> Result<Vec<Option<Recorded>>, AppError> {
    let filter = AuditFilter {
        kind: Some("register".into()),
        register_kind: Some("dossier".into()),
        register_code: Some(code.into()),
        ..AuditFilter::default()
    };
    let entries = state.store.audit(&filter).await?;
    let steps = |body: &Option<String>| -> Option<usize> {
        let d: Dossier = serde_json::from_str(body.as_deref()?).ok()?;
        Some(d.history.len() + 1)
    };
    let mut out: Vec<Option<Recorded>> = Vec::new();
    for e in entries.iter().rev() {
        let Some(new) = steps(&e.new) else {
            // Deleted: a dossier created again under the code starts afresh.
            out.clear();
            continue;
        };
        let old = steps(&e.old).unwrap_or(0);
        if out.len() < new {
            out.resize(new, None);
        }
        for slot in out.iter_mut().take(new).skip(old) {
            *slot = Some(Recorded { username: e.username.clone(), at: e.at, route: e.route.clone() });
        }
    }
    Ok(out)
}

fn unit_name(model: &Model, code: &Code) -> String {
    model.tree().get(code.as_str()).map(|u| u.display_name().to_string()).unwrap_or_else(|| code.to_string())
}

/// Dossier `code` as `user` sees it (403 outside its units).
pub async fn dossier_detail(
    state: &AppState,
    user: &CurrentUser,
    reg: &Registers,
    code: &str,
) -> Result<DossierDetail, AppError> {
    let model = state.model();
    let lang = user.lang;
    let scope = user.scope();
    let d = reg
        .dossiers
        .iter()
        .find(|d| d.code.as_str() == code)
        .ok_or_else(|| AppError::not_found(format!("hồ sơ {code}")))?;
    let sys = reg.systems.iter().find(|s| s.code == d.system);
    let owner = sys.map(|s| s.owner.clone());
    if !owner.as_ref().is_some_and(|o| reads_for(&model, scope, o)) && !user.can_manage() {
        return Err(AppError::forbidden());
    }
    let writes = owner.as_ref().is_some_and(|o| writes_for(&model, scope, o)) && user.role() != Role::Leader;
    let recorded = recorders(state, code).await?;
    let who = |i: usize| recorded.get(i).cloned().flatten();
    let mut steps = vec![StepRow {
        date: d.submitted,
        status: status_key(DossierStatus::Submitted),
        status_label: status_label(lang, DossierStatus::Submitted),
        missing: None,
        decision: None,
        note: d.note.clone(),
        recorded: who(0),
    }];
    steps.extend(d.history.iter().enumerate().map(|(i, s)| StepRow {
        date: s.date,
        status: status_key(s.status),
        status_label: status_label(lang, s.status),
        missing: s.missing.clone(),
        decision: s.decision.clone(),
        note: s.note.clone(),
        recorded: who(i + 1),
    }));
    let current = current_status(d);
    let next = current
        .allowed_next()
        .into_iter()
        .filter(|&s| writes && (s == DossierStatus::Resubmitted || user.can_manage()))
        .map(|s| NextStep { status: status_key(s), label: status_label(lang, s) })
        .collect();
    let authority = sys.and_then(InformationSystem::authority);
    let others = reg
        .dossiers
        .iter()
        .filter(|o| o.system == d.system && o.code != d.code)
        .map(|o| (o.code.to_string(), status_label(lang, current_status(o))))
        .collect();
    Ok(DossierDetail {
        code: d.code.to_string(),
        system: d.system.to_string(),
        system_name: sys.map_or_else(|| d.system.to_string(), |s| s.name.clone()),
        purpose: sys.map(|s| s.purpose.clone()).unwrap_or_default(),
        unit: owner.as_ref().map(Code::to_string).unwrap_or_default(),
        unit_name: owner.as_ref().map_or_else(|| "—".into(), |o| unit_name(&model, o)),
        level: sys.map(|s| s.level),
        authority: authority.map(authority_key),
        authority_label: authority.map(|a| authority_label(lang, a)),
        submitted: d.submitted,
        note: d.note.clone(),
        status: status_key(current),
        status_label: status_label(lang, current),
        state: state_key(current.state()),
        state_label: state_label(lang, current.state()),
        since: last_date(d),
        steps,
        next,
        allowed_next: current.allowed_next().into_iter().map(status_key).collect(),
        others,
        can_edit_system: writes,
        can_submit_new: writes && sys.is_some_and(|s| open_dossier(reg, &s.code).is_none()),
    })
}

// ------------------------------------------------------------------ pages: systems

/// The system form as the browser sends it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SystemForm {
    pub code: Option<String>,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub purpose: Option<String>,
    pub level: Option<String>,
    pub in_operation_since: Option<String>,
    pub note: Option<String>,
}

impl SystemForm {
    fn system(self, code: &str) -> Result<InformationSystem, AppError> {
        let code = Code::new(code.trim()).map_err(|e| AppError::BadRequest(format!("Mã hệ thống (code): {e}.")))?;
        let owner = trimmed(self.owner)
            .ok_or_else(|| AppError::BadRequest("Đơn vị chủ quản (owner): chưa chọn đơn vị.".into()))?;
        let owner = Code::new(owner).map_err(|e| AppError::BadRequest(format!("Đơn vị chủ quản (owner): {e}.")))?;
        let level = trimmed(self.level).unwrap_or_default();
        let level = level
            .parse::<u8>()
            .map_err(|_| AppError::BadRequest(format!("Cấp độ (level): \"{level}\" không phải số từ 1 đến 5.")))?;
        let in_operation_since = match trimmed(self.in_operation_since) {
            None => None,
            Some(s) => Some(parse_date(&s).ok_or_else(|| {
                AppError::BadRequest(format!("Ngày đưa vào vận hành (in_operation_since): \"{s}\" không phải ngày."))
            })?),
        };
        Ok(InformationSystem {
            code,
            name: self.name.unwrap_or_default(),
            owner,
            purpose: self.purpose.unwrap_or_default(),
            level,
            in_operation_since,
            note: self.note,
        })
    }
}

/// The fields the form shows.
struct SystemFields {
    code: String,
    name: String,
    purpose: String,
    in_operation_since: String,
    note: String,
}

#[derive(Template)]
#[template(path = "system_edit.html")]
struct SystemEditPage {
    chrome: Chrome,
    /// The code when editing; None for a new system.
    editing: Option<String>,
    f: SystemFields,
    owners: Vec<Choice>,
    levels: Vec<Choice>,
    authority: Option<&'static str>,
    /// Office and admins delete a system without dossiers.
    manage: bool,
    can_delete: bool,
    /// The system's dossiers (code, status label).
    dossiers: Vec<(String, &'static str)>,
    can_submit: bool,
}

/// The units `scope` may own systems for, in tree order ("— " per level
/// below the province), open today or already `selected`.
fn owner_choices(model: &Model, scope: &Scope, today: NaiveDate, selected: Option<&Code>) -> Vec<Choice> {
    let tree = model.tree();
    (0..tree.len())
        .map(|i| i as chiso_core::orgunit::UnitIx)
        .filter(|&ix| scope.can_write(tree, ix))
        .filter_map(|ix| {
            let u = tree.unit(ix);
            let chosen = selected.is_some_and(|s| *s == u.code);
            (u.is_open_on(today) || chosen).then(|| Choice {
                code: u.code.to_string(),
                name: format!("{}{}", "— ".repeat(tree.level(ix).saturating_sub(1) as usize), u.display_name()),
                selected: chosen,
            })
        })
        .collect()
}

fn level_choices(lang: Lang, selected: u8) -> Vec<Choice> {
    (1..=5u8)
        .map(|l| Choice {
            code: l.to_string(),
            name: match ApprovalAuthority::for_level(l) {
                Some(a) => format!("{} {l} — {}", lang.pick("Cấp độ", "Level"), authority_label(lang, a)),
                None => l.to_string(),
            },
            selected: l == selected,
        })
        .collect()
}

async fn new_system_page(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult<Html<String>> {
    let model = state.model();
    if !writes_any(&model, user.scope()) {
        return Err(AppError::forbidden());
    }
    let own = user.scope().unit.clone().filter(|_| user.role() == Role::Reporter);
    let page = SystemEditPage {
        chrome: Chrome::new(
            &state,
            &user,
            user.lang.pick("Đăng ký hệ thống thông tin", "Register a system"),
            "/dossiers",
        ),
        editing: None,
        f: SystemFields {
            code: String::new(),
            name: String::new(),
            purpose: String::new(),
            in_operation_since: String::new(),
            note: String::new(),
        },
        owners: owner_choices(&model, user.scope(), state.today(), own.as_ref()),
        levels: level_choices(user.lang, 2),
        authority: None,
        manage: user.can_manage(),
        can_delete: false,
        dossiers: Vec::new(),
        can_submit: false,
    };
    Ok(Html(page.render()?))
}

async fn new_system_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Form(f): Form<SystemForm>,
) -> PageResult<Response> {
    let code =
        trimmed(f.code.clone()).ok_or_else(|| AppError::BadRequest("Mã hệ thống (code): chưa nhập mã.".into()))?;
    let sys = f.system(&code)?;
    save_system(&state, &user, &code, sys, true).await?;
    Ok(Redirect::to(&format!("/dossiers?saved={}#system-{code}", urlencode(&code))).into_response())
}

async fn edit_system_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> PageResult<Html<String>> {
    leaders_never_write(&user)?;
    let model = state.model();
    let reg = state.store.load_registers().await?;
    let sys = reg
        .systems
        .iter()
        .find(|s| s.code.as_str() == code)
        .ok_or_else(|| AppError::not_found(format!("hệ thống thông tin {code}")))?;
    if !writes_for(&model, user.scope(), &sys.owner) {
        return Err(AppError::forbidden());
    }
    let dossiers: Vec<(String, &'static str)> = reg
        .dossiers
        .iter()
        .filter(|d| d.system == sys.code)
        .map(|d| (d.code.to_string(), status_label(user.lang, current_status(d))))
        .collect();
    let page = SystemEditPage {
        chrome: Chrome::new(
            &state,
            &user,
            format!("{} {}", user.lang.pick("Hệ thống", "System"), sys.code),
            "/dossiers",
        ),
        editing: Some(sys.code.to_string()),
        f: SystemFields {
            code: sys.code.to_string(),
            name: sys.name.clone(),
            purpose: sys.purpose.clone(),
            in_operation_since: sys.in_operation_since.map(|d| d.to_string()).unwrap_or_default(),
            note: sys.note.clone().unwrap_or_default(),
        },
        owners: owner_choices(&model, user.scope(), state.today(), Some(&sys.owner)),
        levels: level_choices(user.lang, sys.level),
        authority: sys.authority().map(|a| authority_label(user.lang, a)),
        manage: user.can_manage(),
        can_delete: user.can_manage() && dossiers.is_empty(),
        can_submit: open_dossier(&reg, &sys.code).is_none(),
        dossiers,
    };
    Ok(Html(page.render()?))
}

async fn edit_system_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(f): Form<SystemForm>,
) -> PageResult<Response> {
    // The code is fixed once created: the one in the address counts.
    let sys = f.system(&code)?;
    let exists = state.store.load_registers().await?.systems.iter().any(|s| s.code.as_str() == code);
    if !exists {
        return Err(AppError::not_found(format!("hệ thống thông tin {code}")));
    }
    save_system(&state, &user, &code, sys, false).await?;
    Ok(Redirect::to(&format!("/dossiers?saved={}#system-{code}", urlencode(&code))).into_response())
}

async fn delete_system_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> PageResult<Response> {
    delete_system(&state, &user, &code).await?;
    Ok(Redirect::to(&format!("/dossiers?deleted={}", urlencode(&code))).into_response())
}

// ------------------------------------------------------------------ pages: dossiers

#[derive(Clone, Debug, Default, Deserialize)]
pub struct NewDossierQuery {
    pub system: Option<String>,
}

/// A system that may get a new dossier, as the new-dossier form offers it.
struct SystemChoice {
    code: String,
    label: String,
    selected: bool,
    /// Its earlier (approved) dossier: a new one says why.
    approved: Option<String>,
}

#[derive(Template)]
#[template(path = "dossier_new.html")]
struct DossierNewPage {
    chrome: Chrome,
    systems: Vec<SystemChoice>,
    /// The chosen system's proposed code, level and authority.
    proposed: Option<String>,
    level: Option<u8>,
    authority: Option<&'static str>,
    today: String,
}

async fn new_dossier_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<NewDossierQuery>,
) -> PageResult<Html<String>> {
    let model = state.model();
    if !writes_any(&model, user.scope()) {
        return Err(AppError::forbidden());
    }
    let reg = state.store.load_registers().await?;
    let chosen = match trimmed(q.system) {
        None => None,
        Some(c) => {
            let sys = reg
                .systems
                .iter()
                .find(|s| s.code.as_str() == c)
                .ok_or_else(|| AppError::not_found(format!("hệ thống thông tin {c}")))?;
            if !writes_for(&model, user.scope(), &sys.owner) {
                return Err(not_owner(&sys.owner));
            }
            may_submit(&reg, &sys.code)?;
            Some(sys)
        }
    };
    let systems: Vec<SystemChoice> = reg
        .systems
        .iter()
        .filter(|s| writes_for(&model, user.scope(), &s.owner) && open_dossier(&reg, &s.code).is_none())
        .map(|s| SystemChoice {
            code: s.code.to_string(),
            label: format!("{} — {} ({} {})", s.code, s.name, user.lang.pick("cấp độ", "level"), s.level),
            selected: chosen.is_some_and(|c| c.code == s.code),
            approved: reg.dossiers.iter().rfind(|d| d.system == s.code).map(|d| d.code.to_string()),
        })
        .collect();
    let page = DossierNewPage {
        chrome: Chrome::new(&state, &user, user.lang.pick("Nộp hồ sơ đề xuất cấp độ", "Submit a dossier"), "/dossiers"),
        systems,
        proposed: chosen.map(|s| proposed_code(&reg, &s.code).to_string()),
        level: chosen.map(|s| s.level),
        authority: chosen.and_then(|s| s.authority()).map(|a| authority_label(user.lang, a)),
        today: state.today().to_string(),
    };
    Ok(Html(page.render()?))
}

/// The new-dossier form as the browser sends it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DossierForm {
    pub system: Option<String>,
    pub code: Option<String>,
    pub submitted: Option<String>,
    pub note: Option<String>,
}

async fn new_dossier_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Form(f): Form<DossierForm>,
) -> PageResult<Response> {
    let system =
        trimmed(f.system).ok_or_else(|| AppError::BadRequest("Hệ thống (system): chưa chọn hệ thống.".into()))?;
    let submitted = match trimmed(f.submitted) {
        None => None,
        Some(s) => Some(
            parse_date(&s)
                .ok_or_else(|| AppError::BadRequest(format!("Ngày nộp (submitted): \"{s}\" không phải ngày.")))?,
        ),
    };
    let (d, _) = submit_dossier(&state, &user, NewDossier { code: f.code, system, submitted, note: f.note }).await?;
    Ok(Redirect::to(&format!("/dossiers/{}?saved=submitted", urlencode(d.code.as_str()))).into_response())
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    chrome: Chrome,
    d: DossierDetail,
    saved: Option<&'static str>,
    today: String,
    min: String,
}

async fn dossier_page(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<SavedQuery>,
) -> PageResult<Html<String>> {
    let reg = state.store.load_registers().await?;
    let d = dossier_detail(&state, &user, &reg, &code).await?;
    let saved = trimmed(q.saved).and_then(|s| {
        DossierStatus::ALL.into_iter().find(|st| status_key(*st) == s).map(|st| status_label(user.lang, st))
    });
    let page = DossierPage {
        chrome: Chrome::new(&state, &user, format!("{} {}", user.lang.pick("Hồ sơ", "Dossier"), d.code), "/dossiers"),
        min: d.since.to_string(),
        today: state.today().to_string(),
        saved,
        d,
    };
    Ok(Html(page.render()?))
}

/// The step form as the browser sends it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StepForm {
    pub date: Option<String>,
    pub status: Option<String>,
    pub missing: Option<String>,
    pub decision: Option<String>,
    pub note: Option<String>,
}

/// A step's status from its key ("under_appraisal").
pub fn parse_status(s: &str) -> Result<DossierStatus, AppError> {
    DossierStatus::ALL.into_iter().find(|st| status_key(*st) == s).ok_or_else(|| {
        AppError::BadRequest(format!(
            "Bước (status): \"{s}\" không hợp lệ (under_appraisal, returned, resubmitted, approved)."
        ))
    })
}

async fn step_post(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(f): Form<StepForm>,
) -> PageResult<Response> {
    let status = trimmed(f.status).ok_or_else(|| AppError::BadRequest("Bước (status): chưa chọn bước.".into()))?;
    let status = parse_status(&status)?;
    let date = match trimmed(f.date) {
        None => state.today(),
        Some(s) => {
            parse_date(&s).ok_or_else(|| AppError::BadRequest(format!("Ngày (date): \"{s}\" không phải ngày.")))?
        }
    };
    let step = DossierStep { date, status, missing: f.missing, decision: f.decision, note: f.note };
    record_step(&state, &user, &code, step).await?;
    Ok(Redirect::to(&format!("/dossiers/{}?saved={}", urlencode(&code), status_key(status))).into_response())
}
