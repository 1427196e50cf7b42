//! Who may reach which route: one table, every role.
//!
//! Each row is a request and the status each account gets, in the order of
//! `ROLES` (the last column is a request without login: 401 for the API, a
//! redirect to the login page for pages). `{XA}` in a path or body stands for
//! the commune of xa.anphu. Every 200 a reporter gets is also checked for
//! data of units outside its scope (dataValueSets `orgUnit`, analytics rows).
//!
//! To add an area's routes, append rows to `ROUTES` (or add a table and call
//! `check_table`).

use super::*;
use chiso_core::access::Scope;

/// The accounts of each column; "" is a request without login.
pub const ROLES: [&str; 7] = ["admin", "vanphong", "lanhdao", "so.khcn", "huyen.anphu", "xa.anphu", ""];

/// (method, path, body, expected status per role). API bodies are JSON,
/// page bodies are form fields.
pub type Row = (&'static str, &'static str, Option<&'static str>, [u16; 7]);

const ALL: [u16; 7] = [200, 200, 200, 200, 200, 200, 401];
const MANAGE_API: [u16; 7] = [200, 200, 403, 403, 403, 403, 401];
const MANAGE_PAGE: [u16; 7] = [200, 200, 403, 403, 403, 403, 303];
const ADMIN_ONLY_API: [u16; 7] = [200, 403, 403, 403, 403, 403, 401];
/// SO_KHCN's data: the province readers and so.khcn.
const SO_API: [u16; 7] = [200, 200, 200, 200, 403, 403, 401];
/// H_AN_PHU and below: the province readers and the district reporter.
const HUYEN_API: [u16; 7] = [200, 200, 200, 403, 200, 403, 401];
/// xa.anphu's commune: also the district reporter above it.
const XA_API: [u16; 7] = [200, 200, 200, 403, 200, 200, 401];
/// The whole province: the province readers only.
const PROVINCE_API: [u16; 7] = [200, 200, 200, 403, 403, 403, 401];

pub const ROUTES: &[Row] = &[
    // api/me, metadata, OpenAPI
    ("GET", "/api/me", None, ALL),
    ("GET", "/api/metadata", None, ALL),
    ("GET", "/api/openapi.json", None, [200; 7]),
    // dataValueSets
    ("GET", "/api/dataValueSets?dataSet=BC_THANG&period=202610&orgUnit=SO_KHCN", None, SO_API),
    ("GET", "/api/dataValueSets.csv?dataSet=BC_THANG&period=202610&orgUnit=SO_KHCN", None, SO_API),
    ("GET", "/api/dataValueSets?dataSet=BC_THANG&period=202610&orgUnit=H_AN_PHU&children=true", None, HUYEN_API),
    ("GET", "/api/dataValueSets?dataSet=BC_THANG&period=202610&orgUnit={XA}", None, XA_API),
    ("GET", "/api/dataValueSets?dataSet=BC_THANG&period=202610&orgUnit=HL&children=true", None, PROVINCE_API),
    // No unit named: each gets the units it reads (checked for leaks).
    ("GET", "/api/dataValueSets?dataSet=BC_THANG&period=202610", None, ALL),
    (
        "POST",
        "/api/dataValueSets",
        Some(r#"{"dataValues":[{"dataElement":"HOP","period":"202611","orgUnit":"SO_KHCN","value":"5"}]}"#),
        [200, 200, 403, 200, 409, 409, 401],
    ),
    (
        "POST",
        "/api/dataValueSets",
        Some(r#"{"dataValues":[{"dataElement":"HOP","period":"202611","orgUnit":"{XA}","value":"2"}]}"#),
        [200, 200, 403, 409, 200, 200, 401],
    ),
    // analytics
    ("GET", "/api/analytics?dimension=dx:HOP&dimension=pe:202610&dimension=ou:HL", None, PROVINCE_API),
    ("GET", "/api/analytics?dimension=dx:HOP&dimension=pe:202610&dimension=ou:LEVEL-2", None, PROVINCE_API),
    ("GET", "/api/analytics?dimension=dx:HOP&dimension=pe:202610&dimension=ou:SO_KHCN", None, SO_API),
    ("GET", "/api/analytics?dimension=dx:HOP&dimension=pe:202610&dimension=ou:H_AN_PHU", None, HUYEN_API),
    ("GET", "/api/analytics.csv?dimension=dx:HOP&dimension=pe:202610&dimension=ou:{XA}", None, XA_API),
    ("GET", "/api/analytics?dimension=dx:HOP&dimension=pe:202610&filter=ou:HL", None, PROVINCE_API),
    // accounts and audit over JSON
    ("GET", "/api/accounts", None, MANAGE_API),
    ("GET", "/api/accounts/so.khcn", None, MANAGE_API),
    ("PUT", "/api/accounts/so.khcn", Some(r#"{"fullName":"Phạm Văn Hùng"}"#), MANAGE_API),
    ("PUT", "/api/accounts/admin", Some(r#"{"fullName":"Quản trị hệ thống"}"#), ADMIN_ONLY_API),
    (
        "POST",
        "/api/accounts",
        Some(r#"{"username":"qt.api","fullName":"QT","role":"admin","password":"matkhau-dai"}"#),
        [201, 403, 403, 403, 403, 403, 401],
    ),
    ("GET", "/api/audit", None, MANAGE_API),
    ("GET", "/api/audit?kind=value&unit=SO_KHCN", None, MANAGE_API),
    // audit pages
    ("GET", "/audit", None, MANAGE_PAGE),
    ("GET", "/audit?kind=value&unit=SO_KHCN&page=1", None, MANAGE_PAGE),
    ("GET", "/audit/value?element=HOP&period=202610&unit=SO_KHCN", None, [200, 200, 200, 200, 403, 403, 303]),
    ("GET", "/audit/value?element=HOP&period=202610&unit={XA}", None, [200, 200, 200, 403, 200, 200, 303]),
    // account pages
    ("GET", "/accounts", None, MANAGE_PAGE),
    ("GET", "/accounts/new", None, MANAGE_PAGE),
    ("GET", "/accounts/so.khcn", None, MANAGE_PAGE),
    ("GET", "/accounts/admin", None, [200, 403, 403, 403, 403, 403, 303]),
    (
        "POST",
        "/accounts/so.khcn",
        Some("full_name=Ph%E1%BA%A1m+V%C4%83n+H%C3%B9ng&role=reporter&unit=SO_KHCN&active=on"),
        [303, 303, 403, 403, 403, 403, 303],
    ),
    (
        "POST",
        "/accounts/new",
        Some("username=qt.page&full_name=QT&role=admin&password=matkhau-dai"),
        [303, 403, 403, 403, 403, 403, 303],
    ),
];

/// Runs every row for every role, on one application; lists every mismatch.
pub async fn check_table(app: &TestApp, rows: &[Row]) {
    let xa = app.state.store.account("xa.anphu").await.unwrap().unwrap().0.scope.unit.unwrap().to_string();
    let mut cookies = Vec::new();
    let mut scopes: Vec<Option<Scope>> = Vec::new();
    for who in ROLES {
        if who.is_empty() {
            cookies.push(None);
            scopes.push(None);
        } else {
            cookies.push(Some(app.login(who).await));
            scopes.push(Some(app.state.store.account(who).await.unwrap().unwrap().0.scope));
        }
    }
    let mut failures = Vec::new();
    for &(method, path, body, expect) in rows {
        let path = path.replace("{XA}", &xa);
        let body = body.map(|b| b.replace("{XA}", &xa));
        for (i, who) in ROLES.iter().enumerate() {
            let r = if path.starts_with("/api") {
                let mut b = Request::builder().method(method).uri(&path);
                if !who.is_empty() {
                    b = b.header(header::AUTHORIZATION, super::api::basic(who));
                }
                let req = match &body {
                    Some(j) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(j.clone())),
                    None => b.body(Body::empty()),
                };
                app.send(req.unwrap()).await
            } else if method == "GET" {
                app.get(&path, cookies[i].as_deref()).await
            } else {
                app.send(form_request(method, &path, cookies[i].as_deref(), body.as_deref().unwrap_or(""))).await
            };
            if r.status.as_u16() != expect[i] {
                let who = if who.is_empty() { "(no login)" } else { who };
                let excerpt: String = r.body.chars().take(200).collect();
                failures.push(format!("{method} {path} as {who}: {} (expected {}) {excerpt}", r.status, expect[i]));
                continue;
            }
            if let (Some(scope), true) = (&scopes[i], r.status == StatusCode::OK)
                && let Some(leak) = leaked_unit(app, scope, &r)
            {
                failures.push(format!("{method} {path} as {who}: answered data of {leak}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// A unit outside the scope whose data the reply holds (JSON dataValues,
/// analytics rows, CSV of values or analytics).
fn leaked_unit(app: &TestApp, scope: &Scope, r: &Reply) -> Option<String> {
    let model = app.state.model();
    let tree = model.tree();
    let readable = |code: &str| tree.index(code).is_some_and(|ix| scope.can_read(tree, ix));
    let content_type = r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut units: Vec<String> = Vec::new();
    if content_type.starts_with("application/json") {
        let j: serde_json::Value = serde_json::from_str(&r.body).ok()?;
        if let Some(values) = j["dataValues"].as_array() {
            units.extend(values.iter().filter_map(|v| v["orgUnit"].as_str().map(String::from)));
        }
        if let Some(rows) = j["rows"].as_array() {
            units.extend(rows.iter().filter_map(|row| row[2].as_str().map(String::from)));
        }
    } else if content_type.starts_with("text/csv") {
        let mut lines = r.body.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
        let col = header.iter().position(|h| *h == "orgunit" || *h == "ou")?;
        units.extend(lines.filter_map(|l| csv_fields(l).into_iter().nth(col)));
    }
    units.into_iter().find(|u| !readable(u))
}

/// Reporting, review and the boards.
pub const WORKFLOW_ROUTES: &[Row] = &[
    // Leaders have no reports of their own: home sends them to the dashboard.
    ("GET", "/", None, [200, 200, 303, 200, 200, 200, 303]),
    ("GET", "/forms/BC_THANG/202612/SO_KHCN", None, [200, 200, 200, 200, 403, 403, 303]),
    ("GET", "/forms/BC_THANG/202612/{XA}", None, [200, 200, 200, 403, 200, 200, 303]),
    ("GET", "/forms/BC_THANG/202612/H_AN_PHU", None, [200, 200, 200, 403, 200, 403, 303]),
    // A save answers with the form again, saved.
    ("POST", "/forms/BC_THANG/202612/{XA}", Some("action=save_draft&v%3AHOP=4"), [200, 200, 403, 403, 200, 200, 303]),
    (
        "POST",
        "/forms/BC_THANG/202612/SO_KHCN",
        Some("action=save_draft&v%3AHOP=4"),
        [200, 200, 403, 200, 403, 403, 303],
    ),
    ("GET", "/review", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/review/BC_THANG/202610", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/review/BC_THANG/202611/{XA}", None, [200, 200, 200, 403, 403, 403, 303]),
    // Roles run in column order: the admin approves the submitted report, so
    // the office then finds it approved already (409).
    ("POST", "/review/BC_THANG/202611/{XA}", Some("action=approve"), [200, 409, 403, 403, 403, 403, 303]),
    ("GET", "/targets", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/targets/KH_CDS_2026/CT01", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/dashboard", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/dashboard?ou=H_AN_PHU", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/api/reports", None, ALL),
    ("GET", "/api/reports/BC_THANG/202612/SO_KHCN", None, SO_API),
    ("GET", "/api/reports/BC_THANG/202612/{XA}", None, XA_API),
    ("GET", "/api/completeness/BC_THANG/202610", None, PROVINCE_API),
    ("GET", "/api/targets", None, PROVINCE_API),
    ("GET", "/api/targets/KH_CDS_2026/CT01", None, PROVINCE_API),
    ("GET", "/api/dashboard", None, PROVINCE_API),
];

/// Official reports: templates, previews, downloads and the editor (issue 4).
/// Province readers preview and download; the office and admins edit;
/// reporters get nothing. The posted templates are invalid (400: checked,
/// not stored) so the table does not depend on the order of the roles.
pub const DOCUMENT_ROUTES: &[Row] = &[
    ("GET", "/reports", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/reports/monthly?pe=202610", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/reports/monthly?pe=202610&ou=H_AN_PHU", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/reports/monthly?pe=202610&ou={XA}", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/reports/weekly", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/reports/monthly/download.docx?pe=202610", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/reports/monthly/download.xlsx?pe=202610", None, [200, 200, 200, 403, 403, 403, 303]),
    ("GET", "/reports/monthly/edit", None, MANAGE_PAGE),
    ("POST", "/reports/monthly/edit", Some("action=check&body=name%3A+x"), [400, 400, 403, 403, 403, 403, 303]),
    ("POST", "/reports/monthly/edit", Some("action=save&body=name%3A+x"), [400, 400, 403, 403, 403, 403, 303]),
    ("GET", "/static/report-preview.css", None, [200; 7]),
    ("GET", "/api/reportTemplates", None, PROVINCE_API),
    ("GET", "/api/reportTemplates/monthly", None, PROVINCE_API),
    ("PUT", "/api/reportTemplates/monthly", Some("name: x"), [400, 400, 403, 403, 403, 403, 401]),
    ("GET", "/api/documents/monthly/202610", None, PROVINCE_API),
    ("GET", "/api/documents/monthly/202610?format=html&ou=H_AN_PHU", None, PROVINCE_API),
    ("GET", "/api/documents/monthly/202610.xlsx", None, PROVINCE_API),
];

#[tokio::test]
async fn every_role_reaches_only_what_it_may() {
    let app = TestApp::new().await;
    check_table(&app, ROUTES).await;
}

#[tokio::test]
async fn every_role_reaches_only_its_reports_and_boards() {
    let app = TestApp::new().await;
    check_table(&app, WORKFLOW_ROUTES).await;
}

/// The fields of a CSV line (quotes respected; no line breaks inside fields).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut out, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

#[tokio::test]
async fn every_role_reaches_only_the_official_reports_it_may() {
    let app = TestApp::new().await;
    check_table(&app, DOCUMENT_ROUTES).await;
}

const REGISTER_PAGE: [u16; 7] = [200, 200, 200, 200, 200, 200, 303];
const REGISTER_API: [u16; 7] = [200, 200, 200, 200, 200, 200, 401];

/// Projects, budgets and tasks (issue 5): everyone reads (reporters their units' part);
/// the lead unit's reporter and the office report progress.
pub const REGISTER_ROUTES: &[Row] = &[
    ("GET", "/projects", None, REGISTER_PAGE),
    ("GET", "/projects?year=2025&by=source", None, REGISTER_PAGE),
    ("GET", "/projects/DA_TTDL", None, [200, 200, 200, 200, 403, 403, 303]),
    ("GET", "/projects/DA_GIS_AP", None, [200, 200, 200, 403, 200, 403, 303]),
    ("GET", "/projects/TX21", None, [200, 200, 200, 403, 200, 403, 303]),
    ("GET", "/projects/KHONG_CO", None, [404, 404, 404, 404, 404, 404, 303]),
    ("GET", "/tasks", None, REGISTER_PAGE),
    ("GET", "/tasks?status=overdue&unit=SO_KHCN", None, REGISTER_PAGE),
    ("POST", "/tasks/NV04/progress", Some("percent=50"), [303, 303, 403, 303, 403, 403, 303]),
    ("POST", "/tasks/NV03/progress", Some("percent=75"), [303, 303, 403, 403, 403, 403, 303]),
    ("GET", "/static/registers.css", None, [200; 7]),
    ("GET", "/api/projects?year=2026", None, REGISTER_API),
    ("GET", "/api/projects/DA_TTDL", None, [200, 200, 200, 200, 403, 403, 401]),
    ("GET", "/api/projects/DA_GIS_AP", None, [200, 200, 200, 403, 200, 403, 401]),
    ("GET", "/api/budget/summary?year=2026", None, REGISTER_API),
    ("GET", "/api/tasks", None, REGISTER_API),
    ("POST", "/api/tasks/NV04/progress", Some(r#"{"percent":55}"#), [201, 201, 403, 201, 403, 403, 401]),
    // Editing the registers (pages::budget_edit): the office and admins; disbursements also the unit's reporter.
    ("GET", "/projects/new", None, MANAGE_PAGE),
    (
        "POST",
        "/projects/new",
        Some(
            "code=DA_SCOPE&name=x&kind=public_investment&unit=SO_KHCN&total_investment=12%2C5%2C0&year_from=2026&year_to=2026&status=ongoing&funding_source=NSDP&funding_amount=1",
        ),
        [400, 400, 403, 403, 403, 403, 303],
    ),
    ("GET", "/projects/DA_TTDL/edit", None, MANAGE_PAGE),
    (
        "POST",
        "/projects/DA_IOC2/edit",
        Some(
            "name=IOC+giai+%C4%91o%E1%BA%A1n+2&kind=public_investment&unit=SO_KHCN&total_investment=32.800&year_from=2025&year_to=2026&pillar=NEN_TANG&status=ongoing&transition=on&decision_number=1340%2FQ%C4%90-UBND&decision_date=2024-11-02&decision_authority=&funding_source=NSDP&funding_other=&funding_amount=32.800&alloc_year=2025&alloc_source=&alloc_other=&alloc_amount=12.000&alloc_year=2026&alloc_source=&alloc_other=&alloc_amount=20.800",
        ),
        [303, 303, 403, 403, 403, 403, 303],
    ),
    ("GET", "/projects/DA_TTDL/delete", None, MANAGE_PAGE),
    // The admin deletes it; the office then finds nothing.
    ("POST", "/projects/DA_NN_SO/delete", None, [303, 404, 403, 403, 403, 403, 303]),
    (
        "POST",
        "/projects/DA_TTDL/disbursements",
        Some("date=20%2F11%2F2026&amount=1"),
        [303, 303, 403, 303, 403, 403, 303],
    ),
    (
        "POST",
        "/projects/DA_GIS_AP/disbursements",
        Some("date=2026-11-20&amount=1"),
        [303, 303, 403, 403, 303, 403, 303],
    ),
    ("GET", "/projects/recurrent/new", None, MANAGE_PAGE),
    ("GET", "/projects/recurrent/TX01/edit", None, MANAGE_PAGE),
    (
        "POST",
        "/projects/recurrent/TX21/edit",
        Some(
            "name=Duy+tr%C3%AC+m%E1%BA%A1ng+c%E1%BA%A5p+II&unit=H_AN_PHU&year=2026&amount=380&budget_line=QLNN&pillar=HA_TANG",
        ),
        [303, 303, 403, 403, 403, 403, 303],
    ),
    ("POST", "/projects/state-budget", Some("year=2027&amount=15.500.000"), [303, 303, 403, 403, 403, 403, 303]),
    ("GET", "/tasks/new", None, MANAGE_PAGE),
    ("GET", "/tasks/NV04/edit", None, MANAGE_PAGE),
    (
        "POST",
        "/tasks/NV04/edit",
        Some(
            "name=Ho%C3%A0n+th%C3%A0nh+h%E1%BA%A1ng+m%E1%BB%A5c+n%C4%83m+2026&year=2026&lead=SO_KHCN&pillar=HA_TANG&due=Cu%E1%BB%91i+n%C4%83m+2026",
        ),
        [303, 303, 403, 403, 403, 403, 303],
    ),
    ("GET", "/tasks/NV04/delete", None, MANAGE_PAGE),
    ("POST", "/tasks/NV26/delete", None, [303, 404, 403, 403, 403, 403, 303]),
    (
        "PUT",
        "/api/projects/DA_SCOPE",
        Some(
            r#"{"name":"Dự án thử","total_investment":100,"period":{"from":2026,"to":2026},"funding":[{"source":"NSDP","amount":100}],"kind":"public_investment","unit":"SO_KHCN","status":"ongoing"}"#,
        ),
        [201, 200, 403, 403, 403, 403, 401],
    ),
    ("DELETE", "/api/projects/DA_SCOPE", None, [200, 404, 403, 403, 403, 403, 401]),
    (
        "POST",
        "/api/projects/DA_TTDL/disbursements",
        Some(r#"{"date":"2026-11-20","amount":1}"#),
        [201, 201, 403, 201, 403, 403, 401],
    ),
    (
        "POST",
        "/api/projects/TX21/disbursements",
        Some(r#"{"date":"2026-11-20","amount":1}"#),
        [201, 201, 403, 403, 201, 403, 401],
    ),
    (
        "PUT",
        "/api/recurrentTasks/TX_SCOPE",
        Some(r#"{"unit":"SO_KHCN","name":"Thử","year":2026,"amount":10}"#),
        [201, 200, 403, 403, 403, 403, 401],
    ),
    ("PUT", "/api/stateBudget/2028", Some(r#"{"amount":"16.000.000"}"#), [201, 200, 403, 403, 403, 403, 401]),
    (
        "PUT",
        "/api/tasks/NV_SCOPE",
        Some(r#"{"name":"Thử","year":2026,"lead":["SO_KHCN"],"due":"Cuối năm 2026"}"#),
        [201, 200, 403, 403, 403, 403, 401],
    ),
    ("DELETE", "/api/tasks/NV_SCOPE", None, [200, 404, 403, 403, 403, 403, 401]),
];

#[tokio::test]
async fn every_role_reaches_only_its_registers() {
    let app = TestApp::new().await;
    check_table(&app, REGISTER_ROUTES).await;
}

/// Information systems and security dossiers (issue 5): everyone reads
/// (reporters their units' part); a unit outside the reporter's scope is refused.
pub const DOSSIER_ROUTES: &[Row] = &[
    ("GET", "/dossiers", None, REGISTER_PAGE),
    ("GET", "/dossiers?status=returned&level=3", None, REGISTER_PAGE),
    ("GET", "/dossiers?unit=SO_KHCN", None, [200, 200, 200, 200, 403, 403, 303]),
    ("GET", "/dossiers?unit=H_AN_PHU", None, [200, 200, 200, 403, 200, 403, 303]),
    ("GET", "/api/dossiers", None, REGISTER_API),
    ("GET", "/api/dossiers?unit=SO_KHCN", None, [200, 200, 200, 200, 403, 403, 401]),
    ("GET", "/api/systems", None, REGISTER_API),
    ("GET", "/api/systems?unit=H_AN_PHU&level=2", None, [200, 200, 200, 403, 200, 403, 401]),
    // Editing systems and dossiers: the owner unit's writers; appraisal, return, approval and
    // deletion the office's; leaders never. Rows run in column order (admin first).
    ("GET", "/systems/new", None, [200, 200, 403, 200, 200, 200, 303]),
    ("GET", "/systems/HT_LGSP/edit", None, [200, 200, 403, 200, 403, 403, 303]),
    ("GET", "/systems/HT_GIS_AP/edit", None, [200, 200, 403, 403, 200, 403, 303]),
    ("GET", "/systems/KHONG_CO/edit", None, [404, 404, 403, 404, 404, 404, 303]),
    ("GET", "/dossiers/HS_LGSP", None, [200, 200, 200, 200, 403, 403, 303]),
    ("GET", "/dossiers/HS_GIS_AP", None, [200, 200, 200, 403, 200, 403, 303]),
    ("GET", "/dossiers/KHONG_CO", None, [404, 404, 404, 404, 404, 404, 303]),
    ("GET", "/dossiers/new", None, [200, 200, 403, 200, 200, 200, 303]),
    ("GET", "/dossiers/new?system=HT_DU_LICH", None, [200, 200, 403, 403, 403, 403, 303]),
    ("GET", "/api/dossiers/HS_LGSP", None, [200, 200, 200, 200, 403, 403, 401]),
    ("GET", "/api/dossiers/HS_GIS_AP", None, [200, 200, 200, 403, 200, 403, 401]),
    ("POST", "/systems/HT_LGSP/edit", Some("name=LGSP&owner=SO_KHCN&level=3"), [303, 303, 403, 303, 403, 403, 303]),
    ("POST", "/systems/new", Some("code=HT_SCOPE&name=X&owner=SO_KHCN&level=2"), [303, 409, 403, 409, 403, 403, 303]),
    ("POST", "/systems/HT_LGSP/delete", None, [409, 409, 403, 403, 403, 403, 303]),
    ("POST", "/dossiers/new", Some("system=HT_LAN_SM"), [303, 409, 403, 403, 403, 403, 303]),
    ("POST", "/dossiers/HS_PACS/steps", Some("status=approved&date=2026-11-23"), [400, 400, 403, 403, 403, 403, 303]),
    ("POST", "/dossiers/HS_HNTH/steps", Some("status=resubmitted"), [303, 400, 403, 400, 403, 403, 303]),
    (
        "PUT",
        "/api/systems/HT_API_SCOPE",
        Some(r#"{"name":"Thử","owner":"H_AN_PHU","level":2}"#),
        [201, 200, 403, 403, 200, 403, 401],
    ),
    ("DELETE", "/api/systems/HT_API_SCOPE", None, [200, 404, 403, 403, 403, 403, 401]),
    ("DELETE", "/api/systems/HT_LGSP", None, [409, 409, 403, 403, 403, 403, 401]),
    ("POST", "/api/dossiers", Some(r#"{"system":"HT_DU_LICH"}"#), [201, 409, 403, 403, 403, 403, 401]),
    ("POST", "/api/dossiers/HS_PACS/steps", Some(r#"{"status":"approved"}"#), [400, 400, 403, 403, 403, 403, 401]),
];

#[tokio::test]
async fn every_role_reaches_only_its_dossiers() {
    let app = TestApp::new().await;
    check_table(&app, DOSSIER_ROUTES).await;
}

/// The digital-transformation index: province readers only.
pub const DTI_ROUTES: &[Row] = &[
    ("GET", "/dti?index=DTI_2026&group=UBND_HUYEN&node=", None, super::dti::DTI_PAGE),
    ("GET", "/dti/H_AN_PHU?index=DTI_2026", None, super::dti::DTI_PAGE),
    ("GET", "/api/dti?index=DTI_2026&group=SO_NGANH", None, super::dti::DTI_API),
    ("GET", "/api/dti/SO_KHCN?index=DTI_2026", None, super::dti::DTI_API),
    // Index definitions: everyone reads; the office and admins write. The
    // posted definition is broken (400: checked, not stored); the create
    // makes DTI_2027 for the admin, then DTI_2028 for the office.
    ("GET", "/dti/indices", None, REGISTER_PAGE),
    ("GET", "/dti/indices/DTI_2026", None, REGISTER_PAGE),
    ("GET", "/dti/indices/DTI_2026?version=1", None, REGISTER_PAGE),
    ("GET", "/dti/indices/DTI_2026/edit", None, MANAGE_PAGE),
    ("POST", "/dti/indices/DTI_2026/edit", Some("action=check&body=code%3A+%5B"), [400, 400, 403, 403, 403, 403, 303]),
    ("POST", "/dti/indices", Some(""), [303, 303, 403, 403, 403, 403, 303]),
    ("GET", "/dti/assess?index=DTI_2026&group=SO_NGANH", None, MANAGE_PAGE),
    (
        "POST",
        "/dti/assess",
        Some("index=DTI_2026&period=2026&group=UBND_HUYEN&s.H_AN_PHU.NT_CHI_DAO=0%2C8&e.H_AN_PHU.NT_CHI_DAO=BB"),
        [303, 303, 403, 403, 403, 403, 303],
    ),
    ("GET", "/static/dti.css", None, [200; 7]),
    ("GET", "/api/dti/indices", None, REGISTER_API),
    ("GET", "/api/dti/indices/DTI_2026", None, REGISTER_API),
    ("PUT", "/api/dti/indices/DTI_2026", Some("{}"), [400, 400, 403, 403, 403, 403, 401]),
    ("GET", "/api/dti/assessments?index=DTI_2026&unit=H_AN_PHU", None, HUYEN_API),
    ("GET", "/api/dti/assessments?index=DTI_2026", None, REGISTER_API),
    (
        "POST",
        "/api/dti/assessments",
        Some(r#"[{"index":"DTI_2026","period":"2026","unit":"H_AN_PHU","component":"NT_CHI_DAO","score":0.8}]"#),
        [200, 200, 403, 403, 403, 403, 401],
    ),
];

#[tokio::test]
async fn dti_routes_by_role() {
    let app = TestApp::new().await;
    check_table(&app, DTI_ROUTES).await;
}
