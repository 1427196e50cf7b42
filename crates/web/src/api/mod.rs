//! The JSON API: DHIS2-compatible data endpoints (`/api/dataValueSets`,
//! `/api/analytics`), the account and audit administration, and the
//! OpenAPI document of them all at `/api/openapi.json`.
//!
//! Every module under `api/` exposes `routes()` and `openapi()`; `routes()`
//! here merges the routers and `openapi()` merges the documents (add a new
//! module's `openapi()` to the list in `parts()`).
//!
//! Authentication is the `CurrentUser` extractor (HTTP Basic, API tokens or
//! the session cookie); errors answer DHIS2's web-message JSON (`ApiError`).

use crate::state::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::Arc;
use utoipa::openapi::OpenApi;

pub mod admin;
pub mod analytics;
pub mod boards;
pub mod documents;
pub mod dossiers;
pub mod dti;
pub mod dvs;
pub mod me;
pub mod registers;
pub mod reports;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .merge(me::routes())
        .merge(dvs::routes())
        .merge(analytics::routes())
        .merge(admin::routes())
        .merge(reports::routes())
        .merge(boards::routes())
        .merge(documents::routes())
        .merge(dossiers::routes())
        .merge(dti::routes())
        .merge(registers::routes())
        .route("/api/openapi.json", get(openapi_json))
}

/// The OpenAPI documents of every API module, to merge.
fn parts() -> Vec<OpenApi> {
    vec![
        openapi_self(),
        me::openapi(),
        dvs::openapi(),
        analytics::openapi(),
        admin::openapi(),
        reports::openapi(),
        boards::openapi(),
        documents::openapi(),
        dossiers::openapi(),
        dti::openapi(),
        registers::openapi(),
    ]
}

/// The OpenAPI document of every JSON route.
pub fn openapi() -> OpenApi {
    merged(parts())
}

/// One document from several: paths, schemas and tags of each part, under
/// chiso's title, version and security schemes.
pub fn merged(parts: Vec<OpenApi>) -> OpenApi {
    use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
    use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApiBuilder, SecurityRequirement};
    let info = InfoBuilder::new()
        .title("chiso API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Báo cáo chuyển đổi số cấp tỉnh. Các điểm cuối dataValueSets và analytics theo quy ước DHIS2 \
             (mã thay cho UID). Xác thực: HTTP Basic, hoặc tiêu đề `Authorization: ApiToken <mã>` \
             (hay `Bearer <mã>`).",
        ))
        .build();
    let components = ComponentsBuilder::new()
        .security_scheme("basic", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()))
        .security_scheme("apiToken", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("Authorization"))))
        .build();
    let mut doc = OpenApiBuilder::new()
        .info(info)
        .components(Some(components))
        .security(Some(vec![
            SecurityRequirement::new("basic", Vec::<String>::new()),
            SecurityRequirement::new("apiToken", Vec::<String>::new()),
        ]))
        .build();
    for p in parts {
        doc.merge(p);
    }
    doc
}

#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "Tài liệu OpenAPI 3.1 của API", content_type = "application/json")))]
async fn openapi_json() -> impl IntoResponse {
    let body = crate::api::openapi().to_pretty_json().unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json")], body)
}

/// The documentation route itself, for `merged`.
pub(crate) fn openapi_self() -> OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(openapi_json))]
    struct Doc;
    <Doc as utoipa::OpenApi>::openapi()
}

/// Query parameters as pairs, keeping repeated keys (`orgUnit=A&orgUnit=B`).
pub(crate) type Pairs = Vec<(String, String)>;

/// Every value of a repeatable parameter; `;`- or `,`-separated lists too
/// (`orgUnit=A;B`), as DHIS2 clients send either.
pub(crate) fn all<'a>(q: &'a Pairs, key: &str) -> Vec<&'a str> {
    q.iter()
        .filter(|(k, _)| k == key)
        .flat_map(|(_, v)| v.split([';', ',']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The last value of a parameter.
pub(crate) fn one<'a>(q: &'a Pairs, key: &str) -> Option<&'a str> {
    q.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.trim()).filter(|s| !s.is_empty())
}

/// `true`/`1`/`yes` (any case).
pub(crate) fn flag(q: &Pairs, key: &str) -> bool {
    one(q, key).is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
}
