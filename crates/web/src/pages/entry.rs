//! Data entry: a unit's report for one form and period — the figures by
//! section with last period's beside them, the narratives, the rule checks
//! and the workflow buttons; uploading a CSV/XLSX file into it.
//! The work is done by `crate::reports`; this module is HTTP and templates.

use crate::auth::CurrentUser;
use crate::error::{AppError, PageResult};
use crate::pages::Chrome;
use crate::reports::{self, FieldError, Outcome, ReportInput, ReportView, Target};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use chiso_core::access::Role;
use chiso_core::workflow::Action;
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/forms/{form}/{period}/{unit}", get(show).post(save))
        .route("/forms/{form}/{period}/{unit}/upload", post(upload))
}

#[derive(Template)]
#[template(path = "entry.html")]
pub(crate) struct EntryPage {
    chrome: Chrome,
    r: ReportView,
    /// The success message.
    saved: Option<String>,
    /// A refusal (bad numbers, blocked submit, upload errors).
    error: Option<String>,
    errors: Vec<FieldError>,
    /// Details of an upload: rows refused, values ignored.
    notes: Vec<String>,
    /// The office may review this report.
    reviewer: bool,
}

impl EntryPage {
    fn action_label(&self, a: &Action) -> &'static str {
        match self.chrome.lang {
            chiso_core::lang::Lang::Vi => a.label_vi(),
            chiso_core::lang::Lang::En => a.label_en(),
        }
    }
    fn entry_actions(&self) -> Vec<Action> {
        self.r
            .actions
            .iter()
            .copied()
            .filter(|a| matches!(a, Action::SaveDraft | Action::Submit | Action::Recall))
            .collect()
    }
}

pub(crate) struct Rendered {
    pub status: StatusCode,
    pub saved: Option<String>,
    pub error: Option<String>,
    pub errors: Vec<FieldError>,
    pub notes: Vec<String>,
}

impl Default for Rendered {
    fn default() -> Self {
        Rendered { status: StatusCode::OK, saved: None, error: None, errors: Vec::new(), notes: Vec::new() }
    }
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    t: &Target,
    typed: Option<&ReportInput>,
    out: Rendered,
) -> PageResult {
    let r = reports::view(state, user, t, typed, &out.errors).await?;
    let title = format!("{} — {}", r.form_name, r.period_label);
    let chrome = Chrome::new(state, user, title, "/");
    let reviewer = matches!(user.role(), Role::Office | Role::Admin | Role::Leader);
    let page =
        EntryPage { chrome, r, saved: out.saved, error: out.error, errors: out.errors, notes: out.notes, reviewer };
    Ok((out.status, Html(page.render()?)).into_response())
}

async fn show(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period, unit)): Path<(String, String, String)>,
) -> PageResult {
    let t = reports::locate(&state, &form, &period, &unit)?;
    user.require_read(&state, t.unit)?;
    render(&state, &user, &t, None, Rendered::default()).await
}

async fn save(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period, unit)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let t = reports::locate(&state, &form, &period, &unit)?;
    user.require_write(&state, t.unit)?;
    let code = fields.iter().rev().find(|(k, _)| k == "action").map(|(_, v)| v.as_str()).unwrap_or("save_draft");
    let action =
        Action::from_code(code).ok_or_else(|| AppError::BadRequest(format!("Thao tác không hợp lệ: {code}.")))?;
    let comment = fields.iter().rev().find(|(k, _)| k == "comment").map(|(_, v)| v.as_str());
    let input = ReportInput::from_fields(&fields);
    let outcome = reports::act(&state, &user, &t, action, &input, comment).await?;
    let out = match outcome {
        Outcome::Done { message, .. } => Rendered { saved: Some(message), ..Rendered::default() },
        Outcome::Invalid { errors, message } => {
            return render(
                &state,
                &user,
                &t,
                Some(&input),
                Rendered {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    error: Some(message),
                    errors,
                    ..Rendered::default()
                },
            )
            .await;
        }
        Outcome::Blocked { message, .. } => {
            let typed = ReportInput { explanations: input.explanations.clone(), ..ReportInput::default() };
            return render(
                &state,
                &user,
                &t,
                Some(&typed),
                Rendered { status: StatusCode::UNPROCESSABLE_ENTITY, error: Some(message), ..Rendered::default() },
            )
            .await;
        }
    };
    render(&state, &user, &t, None, out).await
}

async fn upload(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period, unit)): Path<(String, String, String)>,
    mut multipart: Multipart,
) -> PageResult {
    let t = reports::locate(&state, &form, &period, &unit)?;
    user.require_write(&state, t.unit)?;
    let l = user.lang;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| AppError::BadRequest(e.to_string()))? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|e| AppError::BadRequest(e.to_string()))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let error = l.pick("Hãy chọn một tệp .csv hoặc .xlsx để tải lên.", "Choose a .csv or .xlsx file to upload.");
        let out = Rendered { status: StatusCode::BAD_REQUEST, error: Some(error.into()), ..Rendered::default() };
        return render(&state, &user, &t, None, out).await;
    };
    let read = match reports::read_upload(&t, &name, &bytes, l) {
        Ok(r) => r,
        Err(AppError::BadRequest(m)) => {
            let out = Rendered { status: StatusCode::UNPROCESSABLE_ENTITY, error: Some(m), ..Rendered::default() };
            return render(&state, &user, &t, None, out).await;
        }
        Err(e) => return Err(e),
    };
    let mut notes = Vec::new();
    if read.ignored > 0 {
        notes.push(format!(
            "{} {} {}",
            l.pick("Bỏ qua", "Ignored"),
            read.ignored,
            l.pick(
                "giá trị trống hoặc không thuộc báo cáo này (biểu mẫu, kỳ, đơn vị khác)",
                "empty values or values of other forms, periods or units"
            )
        ));
        notes.extend(read.ignored_examples.iter().map(|e| format!("{}: {e}", l.pick("bỏ qua", "ignored"))));
    }
    if !read.errors.is_empty() {
        let error = format!(
            "{} {} {}",
            l.pick("Chưa lưu gì: tệp có", "Nothing saved: the file has"),
            read.errors.len(),
            l.pick("lỗi, hãy sửa rồi tải lại.", "errors; fix them and upload again.")
        );
        let mut all = read.errors.clone();
        all.extend(notes);
        let out = Rendered {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error: Some(error),
            notes: all,
            ..Rendered::default()
        };
        return render(&state, &user, &t, None, out).await;
    }
    if read.changes.is_empty() {
        let error = l.pick("Tệp không có giá trị nào của báo cáo này.", "The file holds no value of this report.");
        let out = Rendered {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error: Some(error.into()),
            notes,
            ..Rendered::default()
        };
        return render(&state, &user, &t, None, out).await;
    }
    let n = read.changes.len();
    reports::save_values(&state, &user, &t, read.changes).await?;
    let saved = format!(
        "{} {n} {} {name}. {}",
        l.pick("Đã nhận", "Took"),
        l.pick("giá trị từ tệp", "values from"),
        l.pick("Số liệu được lưu nháp: hãy kiểm tra rồi gửi báo cáo.", "Saved as a draft: check them, then submit.")
    );
    render(&state, &user, &t, None, Rendered { saved: Some(saved), notes, ..Rendered::default() }).await
}
