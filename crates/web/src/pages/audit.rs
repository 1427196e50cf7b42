//! The audit trail: `/audit` (office and admin) searches every recorded
//! change; `/audit/value?element=&option=&period=&unit=` shows the history
//! of one cell, for anyone who may read the unit (entry and review pages
//! link to it from a value).

use crate::api::admin::AuditQuery;
use crate::auth::{CurrentUser, urlencode};
use crate::error::{AppError, PageResult};
use crate::pages::{Chrome, datetime};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use chiso_core::Code;
use chiso_core::element::ValueType;
use chiso_core::lang::Lang;
use chiso_core::metadata::Model;
use chiso_core::number::format_auto;
use chiso_core::period::Period;
use chiso_core::value::SubmissionStatus;
use chiso_store::{AuditEntry, AuditFilter, AuditSubject};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Rows per page of `/audit`.
const PAGE: u32 = 50;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/audit", get(audit_page)).route("/audit/value", get(value_history))
}

/// One change as the pages show it.
pub struct Row {
    pub when: String,
    pub who: String,
    pub username: String,
    pub route: String,
    pub kind: &'static str,
    pub what: String,
    pub old: String,
    pub new: String,
    pub comment: String,
    /// The history of the cell, for value entries.
    pub history: Option<String>,
}

fn label(lang: Lang, p: &Period) -> String {
    match lang {
        Lang::Vi => p.label_vi(),
        Lang::En => p.label_en(),
    }
}

fn unit_name(model: &Model, c: &Code) -> String {
    model.tree().get(c.as_str()).map(|u| u.name.clone()).unwrap_or_else(|| c.to_string())
}

fn element_name(model: &Model, e: &Code, option: Option<&Code>) -> String {
    let base = model.element(e.as_str()).map(|x| x.name.clone()).unwrap_or_else(|| e.to_string());
    match option {
        None => base,
        Some(o) => {
            let oname = model
                .element_disaggregation(e.as_str())
                .and_then(|d| d.options.iter().find(|x| x.code == *o))
                .map(|x| x.name.clone())
                .unwrap_or_else(|| o.to_string());
            format!("{base} ({oname})")
        }
    }
}

fn form_name(model: &Model, f: &Code) -> String {
    model.form(f.as_str()).map(|x| x.name.clone()).unwrap_or_else(|| f.to_string())
}

/// A stored value in Vietnamese notation for its element's type.
pub fn show_value(model: &Model, lang: Lang, element: &Code, v: Option<&str>) -> String {
    let Some(v) = v else { return "—".into() };
    if v.is_empty() {
        return lang.pick("(trống)", "(empty)").into();
    }
    let vt = model.element(element.as_str()).map(|e| e.value_type);
    match (vt, v) {
        (Some(ValueType::YesNo), "true") => lang.pick("Có", "Yes").into(),
        (Some(ValueType::YesNo), "false") => lang.pick("Không", "No").into(),
        (Some(t), _) if t.is_numeric() => v.parse::<f64>().map(|x| format_auto(x, 4)).unwrap_or_else(|_| v.into()),
        _ => v.into(),
    }
}

fn show_status(lang: Lang, s: Option<&str>) -> String {
    let Some(s) = s else { return "—".into() };
    let status: Option<SubmissionStatus> = serde_json::from_value(serde_json::Value::String(s.into())).ok();
    match (status, lang) {
        (Some(st), Lang::Vi) => st.label_vi().into(),
        _ => s.into(),
    }
}

/// Shortens long texts (narratives) for the table.
fn short(s: Option<&str>) -> String {
    match s {
        None => "—".into(),
        Some(t) if t.chars().count() > 160 => format!("{}…", t.chars().take(160).collect::<String>()),
        Some(t) => t.into(),
    }
}

pub fn history_link(element: &Code, option: Option<&Code>, period: &Period, unit: &Code) -> String {
    let mut s = format!("/audit/value?element={}&period={}&unit={}", element, urlencode(&period.to_string()), unit);
    if let Some(o) = option {
        s.push_str(&format!("&option={o}"));
    }
    s
}

pub fn row(model: &Model, lang: Lang, names: &HashMap<String, String>, e: &AuditEntry) -> Row {
    let (kind, what, old, new, history) = match &e.subject {
        AuditSubject::Value { element, option, period, unit } => (
            "value",
            format!(
                "{} — {} — {}",
                element_name(model, element, option.as_ref()),
                unit_name(model, unit),
                label(lang, period)
            ),
            show_value(model, lang, element, e.old.as_deref()),
            show_value(model, lang, element, e.new.as_deref()),
            Some(history_link(element, option.as_ref(), period, unit)),
        ),
        AuditSubject::Narrative { form, section, period, unit } => {
            let title = model
                .form(form.as_str())
                .and_then(|f| f.narratives.iter().find(|n| n.code == *section))
                .map(|n| n.title.clone())
                .unwrap_or_else(|| section.to_string());
            (
                "narrative",
                format!("{} / {title} — {} — {}", form_name(model, form), unit_name(model, unit), label(lang, period)),
                short(e.old.as_deref()),
                short(e.new.as_deref()),
                None,
            )
        }
        AuditSubject::Submission { form, period, unit } => (
            "submission",
            format!("{} — {} — {}", form_name(model, form), unit_name(model, unit), label(lang, period)),
            show_status(lang, e.old.as_deref()),
            show_status(lang, e.new.as_deref()),
            None,
        ),
        AuditSubject::Account { username } => (
            "account",
            format!("{} {username}", lang.pick("Tài khoản", "Account")),
            short(e.old.as_deref()),
            short(e.new.as_deref()),
            None,
        ),
        AuditSubject::Template { name } => (
            "template",
            format!("{} {name}", lang.pick("Mẫu báo cáo", "Report template")),
            short(e.old.as_deref()),
            short(e.new.as_deref()),
            None,
        ),
        AuditSubject::Register { kind, code } => (
            "register",
            format!("{} {kind} {code}", lang.pick("Sổ theo dõi", "Register")),
            short(e.old.as_deref()),
            short(e.new.as_deref()),
            None,
        ),
    };
    Row {
        when: datetime(e.at),
        who: names.get(&e.username).cloned().unwrap_or_else(|| e.username.clone()),
        username: e.username.clone(),
        route: e.route.clone(),
        kind,
        what,
        old,
        new,
        comment: e.comment.clone().unwrap_or_default(),
        history,
    }
}

async fn full_names(state: &AppState) -> Result<HashMap<String, String>, AppError> {
    Ok(state.store.accounts().await?.into_iter().map(|a| (a.username, a.full_name)).collect())
}

/// An option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    q: Form,
    rows: Vec<Row>,
    error: Option<String>,
    units: Vec<Choice>,
    forms: Vec<Choice>,
    kinds: Vec<Choice>,
    page: u32,
    prev: Option<String>,
    next: Option<String>,
}

/// The search form as typed (empty strings for empty fields).
#[derive(Deserialize, Default, Clone)]
struct Form {
    #[serde(default)]
    username: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    element: String,
    #[serde(default)]
    form: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    page: Option<u32>,
}

impl Form {
    fn query(&self, page: u32) -> AuditQuery {
        let o = |s: &String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        AuditQuery {
            username: o(&self.username).map(|u| u.to_lowercase()),
            unit: o(&self.unit),
            element: o(&self.element),
            form: o(&self.form),
            period: o(&self.period),
            kind: o(&self.kind),
            register_kind: None,
            register_code: None,
            since: o(&self.since),
            until: o(&self.until),
            limit: Some(PAGE + 1),
            offset: Some(page * PAGE),
        }
    }
    fn link(&self, page: u32) -> String {
        let pairs = [
            ("username", &self.username),
            ("unit", &self.unit),
            ("element", &self.element),
            ("form", &self.form),
            ("period", &self.period),
            ("kind", &self.kind),
            ("since", &self.since),
            ("until", &self.until),
        ];
        let mut s = String::from("/audit?");
        for (k, v) in pairs {
            if !v.trim().is_empty() {
                s.push_str(&format!("{k}={}&", urlencode(v.trim())));
            }
        }
        format!("{s}page={page}")
    }
}

/// The units of the model, indented by level, for a select.
pub fn unit_choices(model: &Model, selected: &str) -> Vec<Choice> {
    let tree = model.tree();
    (0..tree.len() as chiso_core::orgunit::UnitIx)
        .map(|ix| {
            let u = tree.unit(ix);
            let indent = "\u{a0}\u{a0}\u{a0}".repeat(tree.level(ix).saturating_sub(1) as usize);
            Choice {
                value: u.code.to_string(),
                label: format!("{indent}{} ({})", u.name, u.code),
                selected: u.code.as_str() == selected,
            }
        })
        .collect()
}

async fn audit_page(State(state): State<Arc<AppState>>, user: CurrentUser, Query(q): Query<Form>) -> PageResult {
    user.require_manage()?;
    let lang = user.lang;
    let model = state.model();
    let page = q.page.unwrap_or(0);
    let (mut rows, error) = match q.query(page).filter() {
        Ok(filter) => {
            let names = full_names(&state).await?;
            let entries = state.store.audit(&filter).await?;
            (entries.iter().map(|e| row(&model, lang, &names, e)).collect::<Vec<_>>(), None)
        }
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let more = rows.len() > PAGE as usize;
    rows.truncate(PAGE as usize);
    let forms = model
        .metadata()
        .forms
        .iter()
        .map(|f| Choice { value: f.code.to_string(), label: f.name.clone(), selected: f.code.as_str() == q.form })
        .collect();
    let kinds = [
        ("value", lang.pick("Số liệu", "Value")),
        ("narrative", lang.pick("Thuyết minh", "Narrative")),
        ("submission", lang.pick("Trạng thái báo cáo", "Report status")),
        ("account", lang.pick("Tài khoản", "Account")),
        ("template", lang.pick("Mẫu báo cáo", "Report template")),
        ("register", lang.pick("Sổ theo dõi", "Register")),
    ]
    .into_iter()
    .map(|(v, l)| Choice { value: v.into(), label: l.into(), selected: q.kind == v })
    .collect();
    let page_view = AuditPage {
        chrome: Chrome::new(&state, &user, lang.pick("Nhật ký thay đổi", "Audit trail"), "/audit"),
        units: unit_choices(&model, q.unit.trim()),
        forms,
        kinds,
        rows,
        error,
        page,
        prev: (page > 0).then(|| q.link(page - 1)),
        next: more.then(|| q.link(page + 1)),
        q,
    };
    let status =
        if page_view.error.is_some() { axum::http::StatusCode::BAD_REQUEST } else { axum::http::StatusCode::OK };
    Ok((status, Html(page_view.render()?)).into_response())
}

#[derive(Deserialize)]
struct CellQuery {
    element: String,
    #[serde(default)]
    option: Option<String>,
    period: String,
    unit: String,
}

#[derive(Template)]
#[template(path = "admin_audit_value.html")]
struct ValuePage {
    chrome: Chrome,
    what: String,
    current: String,
    rows: Vec<Row>,
}

async fn value_history(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Query(q): Query<CellQuery>,
) -> PageResult {
    let lang = user.lang;
    let model = state.model();
    let tree = model.tree();
    let unit_ix = tree.index(q.unit.trim()).ok_or_else(|| AppError::not_found(format!("đơn vị \"{}\"", q.unit)))?;
    user.require_read(&state, unit_ix)?;
    let element = model
        .element(q.element.trim())
        .ok_or_else(|| AppError::not_found(format!("chỉ tiêu \"{}\"", q.element)))?
        .code
        .clone();
    let period: Period =
        q.period.trim().parse().map_err(|e| AppError::BadRequest(format!("Kỳ \"{}\" không hợp lệ: {e}", q.period)))?;
    let option = match q.option.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        None => None,
        Some(o) => Some(
            model
                .element_disaggregation(element.as_str())
                .and_then(|d| d.options.iter().find(|x| x.code.as_str() == o))
                .ok_or_else(|| AppError::not_found(format!("phân tổ \"{o}\"")))?
                .code
                .clone(),
        ),
    };
    let unit = tree.unit(unit_ix).code.clone();
    let filter = AuditFilter {
        kind: Some("value".into()),
        element: Some(element.clone()),
        unit: Some(unit.clone()),
        period: Some(period),
        limit: 1000,
        ..Default::default()
    };
    let names = full_names(&state).await?;
    let entries: Vec<AuditEntry> = state
        .store
        .audit(&filter)
        .await?
        .into_iter()
        .filter(|e| matches!(&e.subject, AuditSubject::Value { option: o, .. } if *o == option))
        .collect();
    let rows = entries.iter().map(|e| row(&model, lang, &names, e)).collect();
    let stored = state
        .store
        .values(&chiso_store::ValueFilter {
            elements: vec![element.clone()],
            units: vec![unit.clone()],
            periods: vec![period],
            between: None,
        })
        .await?;
    let current = stored.iter().find(|v| v.option == option).map(|v| v.value.as_str());
    let what = format!(
        "{} — {} — {}",
        element_name(&model, &element, option.as_ref()),
        unit_name(&model, &unit),
        label(lang, &period)
    );
    let page = ValuePage {
        chrome: Chrome::new(&state, &user, lang.pick("Lịch sử số liệu", "Value history"), "/audit"),
        what,
        current: show_value(&model, lang, &element, current),
        rows,
    };
    Ok(Html(page.render()?).into_response())
}
