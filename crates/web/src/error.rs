//! Errors as the user sees them: a page for the browser, DHIS2-style JSON
//! for the API. Messages are Vietnamese and say what to do.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BadRequest(String),
    /// The request conflicts with the data's state (approved, locked).
    #[error("{0}")]
    Conflict(String),
    #[error("cần đăng nhập")]
    Unauthorized,
    #[error("lỗi hệ thống: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    pub fn forbidden() -> AppError {
        AppError::Forbidden("Tài khoản của bạn không có quyền truy cập nội dung này.".into())
    }
    pub fn not_found(what: impl std::fmt::Display) -> AppError {
        AppError::NotFound(format!("Không tìm thấy {what}."))
    }
}

impl From<chiso_store::StoreError> for AppError {
    fn from(e: chiso_store::StoreError) -> Self {
        match e {
            chiso_store::StoreError::Invalid { .. } => AppError::BadRequest(e.to_string()),
            _ => AppError::Internal(e.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("không dựng được trang: {e}"))
    }
}

impl From<crate::state::LoadError> for AppError {
    fn from(e: crate::state::LoadError) -> Self {
        AppError::Internal(e.to_string())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    code: u16,
    title: &'a str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing_error(&self);
        }
        let title = match status {
            StatusCode::NOT_FOUND => "Không tìm thấy",
            StatusCode::FORBIDDEN => "Không có quyền",
            StatusCode::BAD_REQUEST => "Dữ liệu không hợp lệ",
            StatusCode::CONFLICT => "Không thực hiện được",
            StatusCode::UNAUTHORIZED => "Cần đăng nhập",
            _ => "Lỗi hệ thống",
        };
        let page = ErrorPage { code: status.as_u16(), title, message: self.to_string() };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.to_string()).into_response(),
        }
    }
}

fn tracing_error(e: &AppError) {
    eprintln!("chiso-web: {e}");
}

/// An error answered as JSON, in DHIS2's web-message shape so DHIS2 clients
/// understand it: `{"httpStatus": "Conflict", "httpStatusCode": 409, "status": "ERROR", "message": ...}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if status.is_server_error() {
            tracing_error(&self.0);
        }
        let body = json!({
            "httpStatus": status.canonical_reason().unwrap_or(""),
            "httpStatusCode": status.as_u16(),
            "status": "ERROR",
            "message": self.0.to_string(),
        });
        (status, Json(body)).into_response()
    }
}

pub type PageResult<T = Response> = Result<T, AppError>;
pub type ApiResult<T> = Result<T, ApiError>;
