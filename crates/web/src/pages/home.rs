//! The home page: the reports the account's units owe, overdue first.
//! The office is pointed to the review board, leaders go to the dashboard.

use crate::auth::CurrentUser;
use crate::error::PageResult;
use crate::pages::Chrome;
use crate::reports::{self, DueReport};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use chiso_core::access::Role;
use std::sync::Arc;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    reviewer: bool,
    reports: Vec<DueReport>,
    overdue: usize,
    returned: usize,
}

async fn home(State(state): State<Arc<AppState>>, user: CurrentUser) -> PageResult {
    if user.role() == Role::Leader {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    let reviewer = user.role() != Role::Reporter;
    let reports = if reviewer { Vec::new() } else { reports::due_reports(&state, &user, None, None).await? };
    let chrome = Chrome::new(&state, &user, user.lang.pick("Báo cáo của đơn vị", "My reports"), "/");
    let page = HomePage {
        chrome,
        reviewer,
        overdue: reports.iter().filter(|r| r.overdue).count(),
        returned: reports.iter().filter(|r| r.status == "returned").count(),
        reports,
    };
    Ok(Html(page.render()?).into_response())
}
