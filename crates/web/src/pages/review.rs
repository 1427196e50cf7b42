//! The office's review: the reporting board of a form and period (on time,
//! late, missing — `chiso_core::completeness`, as `chiso completeness`
//! counts), and one unit's submission to approve, return or reopen.
//! Office and admins act; leaders read; reporters are refused.

use crate::auth::CurrentUser;
use crate::error::{AppError, PageResult};
use crate::pages::{Chrome, pct};
use crate::reports::{self, Board, HistoryEntry, Outcome, ReportInput, ReportView, Target};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use chiso_core::workflow::Action;
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/review", get(default_board))
        .route("/review/{form}/{period}", get(board))
        .route("/review/{form}/{period}/{unit}", get(submission).post(decide))
}

#[derive(Template)]
#[template(path = "review_board.html")]
struct BoardPage {
    chrome: Chrome,
    b: Board,
    forms: Vec<(String, String)>,
}

impl BoardPage {
    fn rate(&self, x: &Option<f64>) -> String {
        pct(*x)
    }
}

#[derive(Deserialize)]
struct Pick {
    form: Option<String>,
    period: Option<String>,
}

async fn default_board(State(state): State<Arc<AppState>>, user: CurrentUser, Query(q): Query<Pick>) -> PageResult {
    user.require_province_reader()?;
    let model = state.model();
    match (q.form.as_deref().filter(|s| !s.is_empty()), q.period.as_deref().filter(|s| !s.is_empty())) {
        (Some(f), Some(p))
            if model.form(f).is_some_and(|x| {
                chiso_core::period::Period::parse(p).is_ok_and(|pp| pp.period_type() == x.period_type)
            }) =>
        {
            return Ok(Redirect::to(&format!("/review/{f}/{p}")).into_response());
        }
        (Some(f), _) if model.form(f).is_some() => {
            let form = model.form(f).expect("checked");
            let p = chiso_core::completeness::latest_due_period(
                form,
                state.today(),
                &chiso_core::period::WorkingCalendar::vietnam(),
            );
            return render_board(&state, &user, f, &p.to_string()).await;
        }
        _ => {}
    }
    let Some((f, p)) = reports::default_board(&state) else {
        return Err(AppError::not_found("biểu mẫu báo cáo"));
    };
    render_board(&state, &user, &f, &p).await
}

async fn board(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period)): Path<(String, String)>,
) -> PageResult {
    user.require_province_reader()?;
    render_board(&state, &user, &form, &period).await
}

async fn render_board(state: &AppState, user: &CurrentUser, form: &str, period: &str) -> PageResult {
    let b = reports::board(state, form, period, user.lang).await?;
    let title = format!("{} — {}", user.lang.pick("Tình hình báo cáo", "Reporting status"), b.period_label);
    let chrome = Chrome::new(state, user, title, "/review");
    let page = BoardPage { chrome, b, forms: reports::forms(state) };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "review_submission.html")]
struct SubmissionPage {
    chrome: Chrome,
    r: ReportView,
    history: Vec<HistoryEntry>,
    saved: Option<String>,
    error: Option<String>,
    comment: String,
}

impl SubmissionPage {
    fn review_actions(&self) -> Vec<Action> {
        self.r
            .actions
            .iter()
            .copied()
            .filter(|a| matches!(a, Action::Approve | Action::Return | Action::Reopen))
            .collect()
    }
    fn action_label(&self, a: &Action) -> &'static str {
        match self.chrome.lang {
            chiso_core::lang::Lang::Vi => a.label_vi(),
            chiso_core::lang::Lang::En => a.label_en(),
        }
    }
}

async fn render_submission(
    state: &AppState,
    user: &CurrentUser,
    t: &Target,
    status: StatusCode,
    saved: Option<String>,
    error: Option<String>,
    comment: String,
) -> PageResult {
    let r = reports::view(state, user, t, None, &[]).await?;
    let history = reports::history(state, t, user.lang).await?;
    let title = format!("{} — {} — {}", r.unit_name, r.form_name, r.period_label);
    let chrome = Chrome::new(state, user, title, "/review");
    let page = SubmissionPage { chrome, r, history, saved, error, comment };
    Ok((status, Html(page.render()?)).into_response())
}

async fn submission(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period, unit)): Path<(String, String, String)>,
) -> PageResult {
    user.require_province_reader()?;
    let t = reports::locate(&state, &form, &period, &unit)?;
    render_submission(&state, &user, &t, StatusCode::OK, None, None, String::new()).await
}

#[derive(Deserialize)]
struct Decision {
    action: String,
    #[serde(default)]
    comment: String,
}

async fn decide(
    State(state): State<Arc<AppState>>,
    user: CurrentUser,
    Path((form, period, unit)): Path<(String, String, String)>,
    Form(d): Form<Decision>,
) -> PageResult {
    user.require_province_reader()?;
    let t = reports::locate(&state, &form, &period, &unit)?;
    user.require_write(&state, t.unit)?;
    let action = Action::from_code(&d.action)
        .filter(|a| matches!(a, Action::Approve | Action::Return | Action::Reopen))
        .ok_or_else(|| AppError::BadRequest(format!("Thao tác không hợp lệ: {}.", d.action)))?;
    match reports::act(&state, &user, &t, action, &ReportInput::default(), Some(&d.comment)).await {
        Ok(Outcome::Done { message, .. }) => {
            render_submission(&state, &user, &t, StatusCode::OK, Some(message), None, String::new()).await
        }
        Ok(other) => {
            let m = other.message().to_string();
            render_submission(&state, &user, &t, StatusCode::UNPROCESSABLE_ENTITY, None, Some(m), d.comment).await
        }
        Err(AppError::BadRequest(m)) => {
            render_submission(&state, &user, &t, StatusCode::BAD_REQUEST, None, Some(m), d.comment).await
        }
        Err(e) => Err(e),
    }
}
