//! Projects and budgets (`/projects`, `/projects/{code}`) and task
//! assignments (`/tasks`, progress reports), with their JSON API, checked
//! against `chiso_core::register` on the demo registers of 23/11/2026.

use crate::{TestApp, today};
use axum::http::StatusCode;
use chiso_core::number::format_percent;
use chiso_core::register::budget::{self, BudgetKind};
use chiso_core::register::task::{at_risk, counts, overdue, statuses};
use chiso_core::register::{Money, Registers};
use serde_json::json;

fn demo() -> Registers {
    chiso_demo::registers(today())
}

/// The text of the element with `id`, up to the next tag.
fn by_id(body: &str, id: &str) -> String {
    let marker = format!(r#"id="{id}""#);
    let rest = body.split(&marker).nth(1).unwrap_or_else(|| panic!("no element #{id}"));
    rest.split_once('>').unwrap().1.split('<').next().unwrap().trim().to_string()
}

/// The values of `attr` on the rows of the table with `id`, in order.
fn rows_of(body: &str, table: &str, attr: &str) -> Vec<String> {
    let t = body.split(&format!(r#"id="{table}""#)).nth(1).unwrap_or_else(|| panic!("no table #{table}"));
    let t = t.split("</table>").next().unwrap();
    t.split(&format!(r#"{attr}=""#)).skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
}

/// (data-task, data-standing) of the task list.
fn task_rows(body: &str) -> Vec<(String, String)> {
    let t = body.split(r#"id="tasks""#).nth(1).expect("task table").split("</table>").next().unwrap();
    t.split(r#"<tr id="task-"#)
        .skip(1)
        .map(|s| {
            let code = s.split(r#"data-task=""#).nth(1).unwrap().split('"').next().unwrap().to_string();
            let standing = s.split(r#"data-standing=""#).nth(1).unwrap().split('"').next().unwrap().to_string();
            (code, standing)
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#34;", "\"")
        .replace("&#38;", "&")
}

#[tokio::test]
async fn the_year_money_is_the_registers() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let reg = demo();
    let s = budget::summary(&reg, 2026);
    assert_eq!(s.public_investment, Money::million(185_400));
    assert_eq!(s.recurrent, Money::million(45_100));

    let r = app.get("/projects?year=2026", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"href="/static/registers.css""#));
    assert_eq!(by_id(&r.body, "sum-public"), "185.400");
    assert_eq!(by_id(&r.body, "sum-recurrent"), "45.100");
    assert_eq!(by_id(&r.body, "sum-public"), s.public_investment.to_string());
    assert_eq!(by_id(&r.body, "sum-total"), s.total.to_string());
    let sentence = unescape(&by_id(&r.body, "budget-sentence"));
    assert_eq!(sentence, s.sentence());
    assert!(sentence.contains("230,5 tỷ đồng"), "{sentence}");
    assert_eq!(by_id(&r.body, "sum-share"), format_percent(s.share.unwrap(), 2));
    assert_eq!(by_id(&r.body, "sum-disbursed"), budget::disbursed(&reg, 2026, today(), None).to_string());

    // The projects of the year: every project with money in 2026 is listed,
    // and the list's total is the sum of their allocations.
    let listed = rows_of(&r.body, "projects", "data-project");
    for p in reg.projects.iter().filter(|p| !p.allocated_in(2026).is_zero()) {
        assert!(listed.contains(&p.code.to_string()), "{} missing", p.code);
    }
    let allocated: Money = reg.projects.iter().map(|p| p.allocated_in(2026)).sum();
    assert_eq!(by_id(&r.body, "projects-allocated"), allocated.to_string());
    let recurrent: Money = reg.recurrent_tasks.iter().filter(|t| t.year == 2026).map(|t| t.amount).sum();
    assert_eq!(by_id(&r.body, "recurrent-amount"), recurrent.to_string());
    assert_eq!(rows_of(&r.body, "recurrent-tasks", "data-task").len(), 22);
    // One row per year in the totals by year; 2026 as the summary says.
    assert!(rows_of(&r.body, "totals-by-year", "data-year").contains(&"2026".to_string()));

    // Breakdowns add up to the total.
    let lines = budget::lines_of_year(&reg, 2026);
    let r = app.get("/projects?year=2026&by=source", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(rows_of(&r.body, "totals-breakdown", "data-key"), ["NSTW", "NSDP", "XSKT"]);
    assert_eq!(budget::totals_by_source(&lines).len(), 3);
    let r = app.get("/projects?year=2026&by=pillar", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(rows_of(&r.body, "totals-breakdown", "data-key").len(), budget::totals_by_pillar(&lines).len());
    // Filters: one unit's projects only.
    let r = app.get("/projects?year=2026&unit=SO_KHCN&kind=public_investment", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    let mut want: Vec<String> = reg
        .projects
        .iter()
        .filter(|p| p.unit.as_str() == "SO_KHCN" && p.kind == BudgetKind::PublicInvestment && p.period.contains(2026))
        .map(|p| p.code.to_string())
        .collect();
    let mut got = rows_of(&r.body, "projects", "data-project");
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert!(rows_of(&r.body, "recurrent-tasks", "data-task").is_empty());
    assert_eq!(app.get("/projects?year=abc", Some(&office)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/projects?by=colour", Some(&office)).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_project_page_tells_its_money() {
    let app = TestApp::new().await;
    let leader = app.login("lanhdao").await;
    let reg = demo();
    let p = reg.projects.iter().find(|p| p.code.as_str() == "DA_SOHOA_DD").unwrap();
    let r = app.get("/projects/DA_SOHOA_DD", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(unescape(&r.body).contains(&p.name));
    for d in &p.decisions {
        assert!(r.body.contains(&d.number), "decision {} missing", d.number);
    }
    assert_eq!(by_id(&r.body, "total-investment"), p.total_investment.to_string());
    assert_eq!(by_id(&r.body, "project-allocated"), p.allocated().to_string());
    assert_eq!(by_id(&r.body, "project-disbursed"), p.disbursed_until(today()).to_string());
    assert_eq!(rows_of(&r.body, "funding", "data-source").len(), p.funding.len());
    let years = rows_of(&r.body, "allocations", "data-year");
    assert!(years.contains(&"2026".to_string()), "{years:?}");
    // Disbursements over time: one row per payment.
    let t = r.body.split(r#"id="disbursements""#).nth(1).unwrap().split("</table>").next().unwrap();
    assert_eq!(t.matches("<tr").count() - 1, p.disbursements.len().max(1));
    // A recurrent task has a page too.
    let r = app.get("/projects/TX01", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(by_id(&r.body, "recurrent-amount"), "3.200");
    assert_eq!(app.get("/projects/KHONG_CO", Some(&leader)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn reporters_see_their_units_only() {
    let app = TestApp::new().await;
    let reg = demo();
    let so = app.login("so.khcn").await;
    let r = app.get("/projects?year=2026", Some(&so)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listed = rows_of(&r.body, "projects", "data-project");
    assert!(!listed.is_empty());
    for code in &listed {
        let p = reg.projects.iter().find(|p| p.code.as_str() == code).unwrap();
        assert_eq!(p.unit.as_str(), "SO_KHCN", "{code}");
    }
    assert!(!r.body.contains(r#"id="sum-share""#), "the province's share is not a unit's figure");
    // The unit's own totals: the register restricted to it.
    let mine = Registers {
        projects: reg.projects.iter().filter(|p| p.unit.as_str() == "SO_KHCN").cloned().collect(),
        recurrent_tasks: reg.recurrent_tasks.iter().filter(|t| t.unit.as_str() == "SO_KHCN").cloned().collect(),
        ..Registers::default()
    };
    assert_eq!(by_id(&r.body, "sum-total"), budget::summary(&mine, 2026).total.to_string());
    assert_eq!(app.get("/projects/DA_GIS_AP", Some(&so)).await.status, StatusCode::FORBIDDEN);
    // Nav: reporters have tasks, not projects.
    assert!(r.body.contains(r#"<a href="/tasks""#));
    assert!(!r.body.contains(r#"<a href="/projects""#));
    let office = app.login("vanphong").await;
    let home = app.get("/tasks", Some(&office)).await;
    assert!(home.body.contains(r#"<a href="/projects""#) && home.body.contains(r#"<a href="/tasks""#));

    let huyen = app.login("huyen.anphu").await;
    let r = app.get("/projects?year=2026", Some(&huyen)).await;
    assert_eq!(rows_of(&r.body, "projects", "data-project"), ["DA_GIS_AP"]);
    assert_eq!(rows_of(&r.body, "recurrent-tasks", "data-task"), ["TX21"]);
    assert_eq!(app.get("/projects/DA_GIS_AP", Some(&huyen)).await.status, StatusCode::OK);
    assert_eq!(app.get("/projects/DA_TTDL", Some(&huyen)).await.status, StatusCode::FORBIDDEN);
    // Tasks: only those naming the district (directly or through its group).
    let r = app.get("/tasks", Some(&huyen)).await;
    let model = app.state.model();
    let ix = model.tree().index("H_AN_PHU").unwrap();
    for (code, _) in task_rows(&r.body) {
        let t = reg.tasks.iter().find(|t| t.code.as_str() == code).unwrap();
        let names_it = t.lead.iter().chain(&t.cooperating).any(|c| {
            c.as_str() == "H_AN_PHU"
                || model
                    .group_members(c.as_str())
                    .is_some_and(|m| m.iter().any(|&u| model.tree().is_descendant_or_self(u, ix)))
        });
        assert!(names_it, "{code} shown to huyen.anphu");
    }
}

#[tokio::test]
async fn tasks_overdue_first_then_at_risk() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let reg = demo();
    let st = statuses(&reg, today());
    let c = counts(&st);
    let r = app.get("/tasks", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"href="/static/registers.css""#));
    assert_eq!(unescape(&by_id(&r.body, "task-counts")), c.sentence());
    let rows = task_rows(&r.body);
    assert_eq!(rows.len(), 26);
    let first: Vec<(&str, &str)> = rows.iter().take(8).map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(
        first,
        [
            ("NV03", "overdue"),
            ("NV18", "overdue"),
            ("NV21", "overdue"),
            ("NV02", "at_risk"),
            ("NV08", "at_risk"),
            ("NV12", "at_risk"),
            ("NV16", "at_risk"),
            ("NV26", "at_risk"),
        ]
    );
    let core: Vec<String> = overdue(&st).iter().chain(at_risk(&st).iter()).map(|s| s.task.code.to_string()).collect();
    assert_eq!(rows.iter().take(8).map(|r| r.0.clone()).collect::<Vec<_>>(), core);
    // Filters.
    let r = app.get("/tasks?status=overdue", Some(&office)).await;
    assert_eq!(task_rows(&r.body).iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["NV03", "NV18", "NV21"]);
    let r = app.get("/tasks?status=completed", Some(&office)).await;
    assert_eq!(task_rows(&r.body).len(), 7);
    let r = app.get("/tasks?unit=SO_YT", Some(&office)).await;
    let codes: Vec<String> = task_rows(&r.body).into_iter().map(|r| r.0).collect();
    assert!(codes.contains(&"NV16".to_string()) && codes.contains(&"NV17".to_string()), "{codes:?}");
    assert_eq!(app.get("/tasks?status=bogus", Some(&office)).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_lead_unit_reports_progress() {
    let app = TestApp::new().await;
    let so = app.login("so.khcn").await;
    // so.khcn leads NV02 (data-sharing rules, at risk at 45 %): it has the form.
    let r = app.get("/tasks", Some(&so)).await;
    assert!(r.body.contains(r#"action="/tasks/NV02/progress""#));
    assert!(!r.body.contains(r#"action="/tasks/NV03/progress""#), "NV03 is led by Sở Tài chính");

    let before = app.get("/tasks", Some(&app.login("vanphong").await)).await;
    let c0: usize =
        before.body.split(r#"data-completed=""#).nth(1).unwrap().split('"').next().unwrap().parse().unwrap();

    // Other units, leaders: refused, nothing stored.
    for who in ["huyen.anphu", "xa.anphu", "lanhdao"] {
        let cookie = app.login(who).await;
        let r = app.post_form("/tasks/NV02/progress", Some(&cookie), "percent=100").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
    }
    let r = app.post_form("/tasks/NV03/progress", Some(&so), "percent=100").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Bad input.
    assert_eq!(app.post_form("/tasks/NV02/progress", Some(&so), "percent=abc").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.post_form("/tasks/NV02/progress", Some(&so), "percent=120").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.post_form("/tasks/NV02/progress", Some(&so), "comment=x").await.status, StatusCode::BAD_REQUEST);
    let r = app.post_form("/tasks/NV02/progress", Some(&so), "percent=80&state=completed").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("100%"), "{}", r.body);
    assert_eq!(app.post_form("/tasks/NV99/progress", Some(&so), "percent=5").await.status, StatusCode::NOT_FOUND);

    let body = format!("percent=100&comment={}", crate::enc("Đã trình UBND tỉnh ban hành Quy chế"));
    let r = app.post_form("/tasks/NV02/progress", Some(&so), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/tasks?saved=NV02#task-NV02"));

    // Stored as the unit's report of today.
    let stored = app.state.store.load_registers().await.unwrap();
    let rep = stored.progress_reports.iter().find(|r| r.task.as_str() == "NV02" && r.date == today()).unwrap();
    assert_eq!((rep.by.as_str(), rep.percent), ("SO_KHCN", Some(100.0)));
    assert_eq!(rep.comment.as_deref(), Some("Đã trình UBND tỉnh ban hành Quy chế"));

    // NV02 is now completed (on time: due Quý IV), the counts move.
    let r = app.get("/tasks?saved=NV02", Some(&so)).await;
    assert!(r.body.contains(r#"id="saved""#));
    let office = app.login("vanphong").await;
    let r = app.get("/tasks", Some(&office)).await;
    let rows = task_rows(&r.body);
    let nv02 = rows.iter().find(|r| r.0 == "NV02").unwrap();
    assert_eq!(nv02.1, "completed_on_time");
    let c = counts(&statuses(&stored, today()));
    assert_eq!((c.completed, c.at_risk), (c0 + 1, 4));
    assert_eq!(unescape(&by_id(&r.body, "task-counts")), c.sentence());

    // The office reports for any task, in the name of a lead unit.
    let r = app.post_form("/tasks/NV03/progress", Some(&office), "state=at_risk&percent=70").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.state.store.load_registers().await.unwrap();
    let rep = stored.progress_reports.iter().find(|r| r.task.as_str() == "NV03" && r.date == today()).unwrap();
    assert_eq!(rep.by.as_str(), "SO_TC");
}

#[tokio::test]
async fn the_api_answers_the_same_figures() {
    let app = TestApp::new().await;
    let reg = demo();
    let s = budget::summary(&reg, 2026);
    let r = app.api("GET", "/api/budget/summary?year=2026", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["summary"]["public_investment"], json!(185_400));
    assert_eq!(j["summary"]["recurrent"], json!(45_100));
    assert_eq!(j["summary"]["total_text"], json!("230,5 tỷ đồng"));
    assert_eq!(j["summary"]["sentence"], json!(s.sentence()));
    assert!((j["summary"]["share"].as_f64().unwrap() - s.share.unwrap()).abs() < 1e-9);
    let sum = |k: &str| j[k].as_array().unwrap().iter().map(|r| r["total"].as_f64().unwrap()).sum::<f64>();
    for k in ["by_source", "by_unit", "by_pillar"] {
        assert!((sum(k) - 230_500.0).abs() < 1e-6, "{k}: {}", sum(k));
    }
    let rate = budget::disbursement_rate(&reg, 2026, today(), None).unwrap();
    assert!((j["disbursement_rate"].as_f64().unwrap() - rate).abs() < 1e-9);

    let r = app.api("GET", "/api/projects?year=2026", "lanhdao", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    let allocated: f64 = j["projects"].as_array().unwrap().iter().map(|p| p["allocated"].as_f64().unwrap()).sum();
    assert_eq!(allocated, reg.projects.iter().map(|p| p.allocated_in(2026)).sum::<Money>().as_million());
    assert_eq!(j["recurrent_tasks"].as_array().unwrap().len(), 22);
    let r = app.api("GET", "/api/projects?year=2026", "huyen.anphu", None).await;
    let j = r.json();
    assert_eq!(j["projects"].as_array().unwrap().len(), 1);
    assert_eq!(j["projects"][0]["code"], json!("DA_GIS_AP"));
    assert_eq!(j["summary"]["share"], json!(null));

    let r = app.api("GET", "/api/projects/DA_SOHOA_DD", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = reg.projects.iter().find(|p| p.code.as_str() == "DA_SOHOA_DD").unwrap();
    assert_eq!(r.json()["disbursed"].as_f64().unwrap(), p.disbursed_until(today()).as_million());
    assert_eq!(app.api("GET", "/api/projects/DA_SOHOA_DD", "so.khcn", None).await.status, StatusCode::FORBIDDEN);

    let r = app.api("GET", "/api/tasks", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    let c = counts(&statuses(&reg, today()));
    assert_eq!(j["counts"]["overdue"], json!(3));
    assert_eq!(j["counts"]["at_risk"], json!(5));
    assert_eq!(j["sentence"], json!(c.sentence()));
    let codes: Vec<&str> = j["tasks"].as_array().unwrap().iter().take(3).map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["NV03", "NV18", "NV21"]);
    let r = app.api("GET", "/api/tasks?status=at_risk", "so.khcn", None).await;
    let j = r.json();
    assert!(j["tasks"].as_array().unwrap().iter().all(|t| t["standing"] == json!("at_risk")));

    // Progress over JSON: the lead unit (Sở NN&MT leads NV08) or the office; not so.khcn, not leaders.
    let body = json!({ "percent": 100, "comment": "Hoàn thành số hóa 5 huyện" });
    assert_eq!(
        app.api("POST", "/api/tasks/NV08/progress", "so.khcn", Some(body.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api("POST", "/api/tasks/NV08/progress", "lanhdao", Some(body.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.api("POST", "/api/tasks/NV08/progress", "vanphong", Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!(j["task"]["standing"], json!("completed_on_time"));
    assert_eq!(j["report"]["by"], json!("SO_NNMT"));
    assert_eq!(j["counts"]["at_risk"], json!(4));
    let r = app.api("POST", "/api/tasks/NV12/progress", "so.khcn", Some(json!({ "state": "done" }))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .api("POST", "/api/tasks/NV12/progress", "so.khcn", Some(json!({ "state": "in_progress", "percent": 60 })))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // The OpenAPI document lists the routes.
    let doc = app.api("GET", "/api/openapi.json", "vanphong", None).await.json();
    for path in
        ["/api/projects", "/api/projects/{code}", "/api/budget/summary", "/api/tasks", "/api/tasks/{code}/progress"]
    {
        assert!(doc["paths"][path].is_object(), "{path} not documented");
    }
}

// ------------------------------------------------------------------ editing the registers (pages::budget_edit)

/// A form body from its fields, in order (rows repeat their names).
fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}={}", crate::enc(v))).collect::<Vec<_>>().join("&")
}

fn money(shown: &str) -> Money {
    Money::parse_million(shown).unwrap_or_else(|e| panic!("{shown}: {e}"))
}

/// The new project DA_MOI as the office types it: Vietnamese amounts, an
/// empty row between filled ones (as the browser sends the blank rows).
fn new_project_form(total: &str) -> String {
    form(&[
        ("code", "DA_MOI"),
        ("name", "Xây dựng kho dữ liệu dùng chung tỉnh Hòa Lâm"),
        ("kind", "public_investment"),
        ("unit", "SO_KHCN"),
        ("total_investment", total),
        ("year_from", "2026"),
        ("year_to", "2027"),
        ("pillar", "DU_LIEU"),
        ("status", "ongoing"),
        ("objective", "Kho dữ liệu dùng chung, kết nối LGSP"),
        ("note", ""),
        ("decision_number", "1501/QĐ-UBND"),
        ("decision_date", "2026-03-02"),
        ("decision_authority", ""),
        ("decision_number", ""),
        ("decision_date", ""),
        ("decision_authority", ""),
        ("funding_source", "NSTW"),
        ("funding_other", ""),
        ("funding_amount", "1.000"),
        ("funding_source", ""),
        ("funding_other", ""),
        ("funding_amount", ""),
        ("funding_source", "XSKT"),
        ("funding_other", ""),
        ("funding_amount", "250,5"),
        ("alloc_year", "2026"),
        ("alloc_source", "NSTW"),
        ("alloc_other", ""),
        ("alloc_amount", "400,25"),
        ("alloc_year", "2026"),
        ("alloc_source", "XSKT"),
        ("alloc_other", ""),
        ("alloc_amount", "100"),
        ("alloc_year", ""),
        ("alloc_source", ""),
        ("alloc_other", ""),
        ("alloc_amount", ""),
        ("alloc_year", "2027"),
        ("alloc_source", "NSTW"),
        ("alloc_other", ""),
        ("alloc_amount", "599,75"),
    ])
}

async fn register_audit(app: &TestApp, kind: &str, code: &str) -> Vec<chiso_store::AuditEntry> {
    let filter = chiso_store::AuditFilter {
        kind: Some("register".into()),
        register_kind: Some(kind.into()),
        register_code: Some(code.into()),
        ..Default::default()
    };
    app.state.store.audit(&filter).await.unwrap()
}

#[tokio::test]
async fn the_office_creates_a_project_with_vietnamese_amounts() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let before = app.get("/projects?year=2026", Some(&office)).await;
    assert!(before.body.contains(r#"href="/projects/new""#), "the office has the link");
    let s0 = budget::summary(&demo(), 2026);
    assert_eq!(money(&by_id(&before.body, "sum-public")), s0.public_investment);

    let r = app.get("/projects/new", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"id="project-form""#));
    let r = app.post_form("/projects/new", Some(&office), &new_project_form("1.250,5")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/projects/DA_MOI?saved=project"));

    // Stored exactly: thousands of đồng, sources and rows as typed, empty rows dropped.
    let stored = app.state.store.load_registers().await.unwrap();
    let p = stored.projects.iter().find(|p| p.code.as_str() == "DA_MOI").expect("stored");
    assert_eq!(p.total_investment, Money::from_thousand(1_250_500));
    assert_eq!(
        p.funding.iter().map(|f| f.amount).collect::<Vec<_>>(),
        [Money::million(1000), Money::from_thousand(250_500)]
    );
    assert_eq!(p.allocations.len(), 3);
    assert_eq!(p.allocated_in(2026), Money::from_thousand(500_250));
    assert_eq!(p.allocated_in(2027), Money::from_thousand(599_750));
    assert_eq!((p.decisions.len(), p.decisions[0].authority.as_str()), (1, "UBND tỉnh"));
    assert_eq!((p.unit.as_str(), p.transition, p.disbursements.len()), ("SO_KHCN", false, 0));

    // The year's totals move by exactly the 2026 allocation.
    let added = Money::from_thousand(500_250);
    let after = app.get("/projects?year=2026", Some(&office)).await;
    assert_eq!(money(&by_id(&after.body, "sum-public")), s0.public_investment + added);
    assert_eq!(money(&by_id(&after.body, "sum-total")), s0.total + added);
    assert_eq!(
        money(&by_id(&after.body, "projects-allocated")),
        money(&by_id(&before.body, "projects-allocated")) + added
    );
    let s1 = budget::summary(&stored, 2026);
    assert_eq!(s1.total, s0.total + added);
    assert_eq!(unescape(&by_id(&after.body, "budget-sentence")), s1.sentence());
    assert!(rows_of(&after.body, "projects", "data-project").contains(&"DA_MOI".to_string()));
    let j = app.api("GET", "/api/budget/summary?year=2026", "vanphong", None).await.json();
    assert_eq!(Money::from_million(j["summary"]["total"].as_f64().unwrap()).unwrap(), s0.total + added);
    assert!((j["summary"]["share"].as_f64().unwrap() - s1.share.unwrap()).abs() < 1e-9);

    // The audit: one creation, by the office, from the web.
    let audit = register_audit(&app, "project", "DA_MOI").await;
    assert_eq!(audit.len(), 1);
    assert_eq!((audit[0].username.as_str(), audit[0].route.as_str()), ("vanphong", "web"));
    assert!(audit[0].old.is_none() && audit[0].new.as_deref().is_some_and(|b| b.contains("DA_MOI")));

    // The project's page, and its form shows the amounts as they were typed.
    let r = app.get("/projects/DA_MOI?saved=project", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"id="saved""#));
    assert_eq!(by_id(&r.body, "total-investment"), "1.250,5");
    assert!(r.body.contains(r#"href="/projects/DA_MOI/edit""#) && r.body.contains(r#"href="/projects/DA_MOI/delete""#));
    let r = app.get("/projects/DA_MOI/edit", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for shown in [r#"value="1.250,5""#, r#"value="250,5""#, r#"value="400,25""#, r#"value="599,75""#] {
        assert!(r.body.contains(shown), "{shown} not in the form");
    }

    // An edit keeps the code and replaces the rest; the audit has old → new.
    let body = new_project_form("1.250,5").replace("status=ongoing", "status=suspended");
    let r = app.post_form("/projects/DA_MOI/edit", Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.state.store.load_registers().await.unwrap();
    let p = stored.projects.iter().find(|p| p.code.as_str() == "DA_MOI").unwrap();
    assert_eq!(p.status, chiso_core::register::ProjectStatus::Suspended);
    let audit = register_audit(&app, "project", "DA_MOI").await;
    assert_eq!(audit.len(), 2);
    assert!(audit[0].old.as_deref().is_some_and(|b| b.contains("ongoing")));
    // Creating it again is refused on the form, which keeps what was typed.
    let r = app.post_form("/projects/new", Some(&office), &new_project_form("1.250,5")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains(r#"id="errors""#) && r.body.contains("DA_MOI"), "{}", r.body);
}

#[tokio::test]
async fn a_bad_amount_names_its_field_and_stores_nothing() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let audit_before = app.state.store.audit(&chiso_store::AuditFilter::default()).await.unwrap()[0].id;

    let r = app.post_form("/projects/new", Some(&office), &new_project_form("12,5,0")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let errors = unescape(r.body.split(r#"id="errors""#).nth(1).expect("errors").split("</div>").next().unwrap());
    assert!(errors.contains(r#"data-field="total_investment""#), "{errors}");
    assert!(errors.contains("Tổng mức đầu tư: số tiền \"12,5,0\" không phải là số"), "{errors}");
    // What was typed is shown again.
    assert!(r.body.contains(r#"value="12,5,0""#) && r.body.contains(r#"value="400,25""#));
    assert!(unescape(&r.body).contains("Xây dựng kho dữ liệu dùng chung tỉnh Hòa Lâm"));

    // A row's amount: the row is named.
    let body = new_project_form("1.250,5").replace("alloc_amount=100", "alloc_amount=abc");
    let r = app.post_form("/projects/new", Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(unescape(&r.body).contains("Vốn bố trí, dòng 2: số tiền \"abc\" không phải là số"), "{}", r.body);

    // The core's rules: sources that do not add up to the total investment.
    let r = app.post_form("/projects/new", Some(&office), &new_project_form("1.300")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let text = unescape(&r.body);
    assert!(text.contains("projects[DA_MOI].funding") && text.contains("1.250,5") && text.contains("1.300"), "{text}");

    let stored = app.state.store.load_registers().await.unwrap();
    assert!(stored.projects.iter().all(|p| p.code.as_str() != "DA_MOI"));
    assert_eq!(stored, demo(), "nothing stored");
    let audit_after = app.state.store.audit(&chiso_store::AuditFilter::default()).await.unwrap()[0].id;
    assert_eq!(audit_after, audit_before, "nothing audited");
}

#[tokio::test]
async fn the_implementing_unit_records_a_disbursement() {
    let app = TestApp::new().await;
    let so = app.login("so.khcn").await;
    let reg = demo();
    let p0 = reg.projects.iter().find(|p| p.code.as_str() == "DA_TTDL").unwrap().clone();
    let r = app.get("/projects/DA_TTDL", Some(&so)).await;
    assert!(r.body.contains(r#"action="/projects/DA_TTDL/disbursements""#));
    assert!(!r.body.contains(r#"href="/projects/DA_TTDL/edit""#), "a reporter does not edit the project");
    let office = app.login("vanphong").await;
    let list0 = app.get("/projects?year=2026", Some(&office)).await;

    // Others may not: nothing stored.
    let body = form(&[("date", "20/11/2026"), ("amount", "1.234,5"), ("note", "Thanh toán đợt 4")]);
    for who in ["xa.anphu", "huyen.anphu", "lanhdao"] {
        let cookie = app.login(who).await;
        let r = app.post_form("/projects/DA_TTDL/disbursements", Some(&cookie), &body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
        let r = app.get("/projects/DA_TTDL", Some(&cookie)).await;
        assert!(!r.body.contains(r#"id="disbursement-form""#), "{who} has no form");
    }
    let bad = |amount: &str, date: &str| form(&[("date", date), ("amount", amount)]);
    for (b, says) in [
        (bad("abc", "20/11/2026"), "Số tiền giải ngân: số tiền \"abc\""),
        (bad("0", "20/11/2026"), "phải lớn hơn 0"),
        (bad("5", "24/11/2026"), "sau hôm nay"),
        (bad("5", "2026-13-01"), "Ngày giải ngân"),
        (bad("100.000", "20/11/2026"), "vượt vốn bố trí lũy kế"),
    ] {
        let r = app.post_form("/projects/DA_TTDL/disbursements", Some(&so), &b).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}: {}", r.body);
        assert!(unescape(&r.body).contains(says), "{says}: {}", r.body);
    }
    assert_eq!(app.state.store.load_registers().await.unwrap(), reg, "nothing stored");

    let r = app.post_form("/projects/DA_TTDL/disbursements", Some(&so), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/projects/DA_TTDL?saved=disbursement#disbursements"));
    let stored = app.state.store.load_registers().await.unwrap();
    let p = stored.projects.iter().find(|p| p.code.as_str() == "DA_TTDL").unwrap();
    let paid = Money::from_thousand(1_234_500);
    assert_eq!(p.disbursements.len(), p0.disbursements.len() + 1);
    let last = p.disbursements.last().unwrap();
    assert_eq!(
        (last.date, last.amount, last.note.as_deref()),
        (Some("2026-11-20".parse().unwrap()), paid, Some("Thanh toán đợt 4"))
    );
    assert_eq!(p.disbursed_in(2026, today()), p0.disbursed_in(2026, today()) + paid);
    let rate = p.disbursement_rate(2026, today()).unwrap();
    assert!(rate > p0.disbursement_rate(2026, today()).unwrap());

    // The project's page: the new totals, and who recorded it.
    let r = app.get("/projects/DA_TTDL?saved=disbursement", Some(&so)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"data-saved="disbursement""#));
    assert_eq!(money(&by_id(&r.body, "project-disbursed")), p.disbursed_until(today()));
    let row = r.body.split(r#"data-year="2026""#).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains(&p.disbursed_in(2026, today()).to_string()), "{row}");
    assert!(row.contains(&chiso_web::pages::pct(Some(rate))), "{row}");
    let payments = r.body.split(r#"id="disbursements""#).nth(1).unwrap().split("</table>").next().unwrap();
    assert!(payments.contains("so.khcn · "), "{payments}");
    // The list: the year's disbursed total moves by exactly the payment.
    let list1 = app.get("/projects?year=2026", Some(&office)).await;
    assert_eq!(
        money(&by_id(&list1.body, "projects-disbursed")),
        money(&by_id(&list0.body, "projects-disbursed")) + paid
    );
    assert_eq!(money(&by_id(&list1.body, "sum-disbursed")), money(&by_id(&list0.body, "sum-disbursed")) + paid);
    let audit = register_audit(&app, "project", "DA_TTDL").await;
    assert_eq!((audit[0].username.as_str(), audit[0].route.as_str()), ("so.khcn", "web"));

    // The district's reporter records for its own project.
    let huyen = app.login("huyen.anphu").await;
    let r = app
        .post_form(
            "/projects/DA_GIS_AP/disbursements",
            Some(&huyen),
            &form(&[("date", "2026-11-21"), ("amount", "50")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.post_form("/projects/KHONG_CO/disbursements", Some(&so), &body).await.status, StatusCode::NOT_FOUND);

    // Paying more in a year than that year's allocation, within what was allocated up to it
    // (the core's rule), is stored, and the page warns.
    let p = json!({
        "name": "Dự án thử giải ngân", "total_investment": 1100, "period": { "from": 2025, "to": 2026 },
        "funding": [{ "source": "NSDP", "amount": 1100 }], "kind": "public_investment", "unit": "SO_KHCN",
        "status": "ongoing", "allocations": [{ "year": 2025, "amount": 1000 }, { "year": 2026, "amount": 100 }]
    });
    assert_eq!(app.api("PUT", "/api/projects/DA_WARN", "vanphong", Some(p)).await.status, StatusCode::CREATED);
    let r = app.get("/projects/DA_WARN", Some(&so)).await;
    assert!(!r.body.contains("over-allocation"));
    let r = app
        .post_form("/projects/DA_WARN/disbursements", Some(&so), &form(&[("date", "2026-11-20"), ("amount", "500")]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.get("/projects/DA_WARN", Some(&so)).await;
    let warning =
        unescape(r.body.split(r#"class="alert warn over-allocation" data-year="2026">"#).nth(1).expect("a warning"));
    assert!(warning.starts_with("Năm 2026: đã giải ngân 500 triệu đồng, vượt vốn bố trí của năm 100."), "{warning}");
}

#[tokio::test]
async fn leaders_and_other_units_write_nothing() {
    let app = TestApp::new().await;
    let project = new_project_form("1.250,5");
    let pages: [(&str, &str, &str); 12] = [
        ("GET", "/projects/new", ""),
        ("POST", "/projects/new", &project),
        ("GET", "/projects/DA_TTDL/edit", ""),
        ("POST", "/projects/DA_TTDL/edit", &project),
        ("GET", "/projects/DA_TTDL/delete", ""),
        ("POST", "/projects/DA_TTDL/delete", ""),
        ("GET", "/projects/recurrent/new", ""),
        ("POST", "/projects/recurrent/TX01/edit", "name=x&unit=SO_KHCN&year=2026&amount=1"),
        ("POST", "/projects/state-budget", "year=2026&amount=1"),
        ("POST", "/tasks/new", "code=NV99&name=x&year=2026&lead=SO_KHCN&due=Cu%E1%BB%91i+n%C4%83m+2026"),
        ("POST", "/tasks/NV02/edit", "name=x&year=2026&lead=SO_KHCN&due=x"),
        ("POST", "/tasks/NV02/delete", ""),
    ];
    for who in ["lanhdao", "so.khcn", "xa.anphu"] {
        let cookie = app.login(who).await;
        for (method, path, body) in pages {
            let r = if method == "GET" {
                app.get(path, Some(&cookie)).await
            } else {
                app.post_form(path, Some(&cookie), body).await
            };
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {method} {path}: {}", r.body);
        }
        // The pages show them no editing links.
        let r = app.get("/tasks", Some(&cookie)).await;
        assert!(!r.body.contains(r#"href="/tasks/new""#) && !r.body.contains("/edit\""), "{who}");
    }
    let api: [(&str, &str, serde_json::Value); 8] = [
        ("PUT", "/api/projects/DA_TTDL", json!({ "name": "x" })),
        ("DELETE", "/api/projects/DA_TTDL", json!(null)),
        ("PUT", "/api/recurrentTasks/TX01", json!({ "name": "x" })),
        ("PUT", "/api/stateBudget/2026", json!({ "amount": 1 })),
        ("PUT", "/api/tasks/NV02", json!({ "name": "x" })),
        ("DELETE", "/api/tasks/NV02", json!(null)),
        ("POST", "/api/projects/DA_TTDL/disbursements", json!({ "date": "2026-11-20", "amount": 1 })),
        ("POST", "/api/projects/TX01/disbursements", json!({ "date": "2026-11-20", "amount": 1 })),
    ];
    for (method, path, body) in api {
        let body = (!body.is_null()).then_some(body);
        let r = app.api(method, path, "lanhdao", body.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "lanhdao {method} {path}: {}", r.body);
        let r = app.api(method, path, "xa.anphu", body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "xa.anphu {method} {path}: {}", r.body);
    }
    assert_eq!(app.state.store.load_registers().await.unwrap(), demo(), "nothing stored");
}

#[tokio::test]
async fn the_api_puts_and_deletes_register_objects() {
    let app = TestApp::new().await;
    let project = json!({
        "name": "Nền tảng học liệu số dùng chung",
        "decisions": [{ "number": "77/QĐ-UBND", "date": "2026-02-10", "authority": "UBND tỉnh" }],
        "total_investment": "2.500,75",
        "period": { "from": 2026, "to": 2027 },
        "funding": [{ "source": "NSDP", "amount": "2.500,75" }],
        "kind": "public_investment",
        "unit": "SO_GDDT",
        "objective": "Học liệu số cho các trường phổ thông",
        "pillar": "NHAN_LUC",
        "status": "ongoing",
        "allocations": [{ "year": 2026, "amount": 800.5 }]
    });
    let r = app.api("PUT", "/api/projects/DA_API", "so.khcn", Some(project.clone())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.api("PUT", "/api/projects/DA_API", "vanphong", Some(project.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!((j["code"].clone(), j["total_investment"].clone()), (json!("DA_API"), json!(2500.75)));
    let stored = app.state.store.load_registers().await.unwrap();
    let p = stored.projects.iter().find(|p| p.code.as_str() == "DA_API").unwrap();
    assert_eq!(p.total_investment, Money::from_thousand(2_500_750));
    assert_eq!(p.allocated_in(2026), Money::from_thousand(800_500));
    assert_eq!(
        budget::summary(&stored, 2026).public_investment,
        budget::summary(&demo(), 2026).public_investment + Money::from_thousand(800_500)
    );
    // The answer is what GET answers.
    let g = app.api("GET", "/api/projects/DA_API", "vanphong", None).await.json();
    assert_eq!(g["project"], j);

    // Replace: 200; the code in the body must be the path's.
    let mut changed = project.clone();
    changed["status"] = json!("completed");
    changed["code"] = json!("DA_API");
    let r = app.api("PUT", "/api/projects/DA_API", "admin", Some(changed.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], json!("completed"));
    let r = app.api("PUT", "/api/projects/DA_KHAC", "admin", Some(changed.clone())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let mut wrong = project.clone();
    wrong["total_investment"] = json!(3000);
    let r = app.api("PUT", "/api/projects/DA_API", "vanphong", Some(wrong)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"].as_str().unwrap().contains("projects[DA_API].funding"), "{}", r.body);
    let mut typo = project.clone();
    typo["budget"] = json!(1);
    assert_eq!(app.api("PUT", "/api/projects/DA_API", "vanphong", Some(typo)).await.status, StatusCode::BAD_REQUEST);
    // A code of a recurrent task is not a project's.
    assert_eq!(
        app.api("PUT", "/api/projects/TX01", "vanphong", Some(project.clone())).await.status,
        StatusCode::CONFLICT
    );

    // Disbursements: the office, or Sở GD&ĐT's reporter (none in the demo accounts).
    let d = json!({ "date": "2026-11-18", "amount": "300,25", "note": "Tạm ứng" });
    assert_eq!(
        app.api("POST", "/api/projects/DA_API/disbursements", "so.khcn", Some(d.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.api("POST", "/api/projects/DA_API/disbursements", "vanphong", Some(d)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["disbursements"], json!([{ "date": "2026-11-18", "amount": 300.25, "note": "Tạm ứng" }]));
    let g = app.api("GET", "/api/projects/DA_API", "vanphong", None).await.json();
    assert_eq!(g["disbursed"], json!(300.25));
    let r = app.api("POST", "/api/projects/DA_API/disbursements", "vanphong", Some(json!({ "amount": 1 }))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // Delete: the object answered, then gone; the audit has the three writes from the API.
    let r = app.api("DELETE", "/api/projects/DA_API", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["code"], json!("DA_API"));
    assert_eq!(app.api("GET", "/api/projects/DA_API", "vanphong", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.api("DELETE", "/api/projects/DA_API", "vanphong", None).await.status, StatusCode::NOT_FOUND);
    let audit = register_audit(&app, "project", "DA_API").await;
    assert_eq!(audit.len(), 4);
    assert!(audit.iter().all(|e| e.route == "api"));
    assert!(audit[0].new.is_none() && audit[0].old.is_some(), "the deletion keeps the old document");
    assert!(app.state.store.load_registers().await.unwrap().projects.iter().all(|p| p.code.as_str() != "DA_API"));

    // A recurrent task, the state budget, a task.
    let t = json!({ "unit": "SO_KHCN", "name": "Thuê chữ ký số", "year": 2026, "amount": "1.770,5", "budget_line": "QLNN" });
    let r = app.api("PUT", "/api/recurrentTasks/TX_API", "vanphong", Some(t)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app.api("PUT", "/api/stateBudget/2026", "vanphong", Some(json!({ "amount": "15.000.000" }))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!({ "year": 2026, "amount": 15_000_000 }));
    let stored = app.state.store.load_registers().await.unwrap();
    let s = budget::summary(&stored, 2026);
    assert_eq!(s.recurrent, budget::summary(&demo(), 2026).recurrent + Money::from_thousand(1_770_500));
    assert_eq!(s.state_budget, Some(Money::million(15_000_000)));
    let j = app.api("GET", "/api/budget/summary?year=2026", "vanphong", None).await.json();
    assert!((j["summary"]["share"].as_f64().unwrap() - s.share.unwrap()).abs() < 1e-12);
    assert_eq!(
        app.api("PUT", "/api/stateBudget/2029", "vanphong", Some(json!({ "year": 2030, "amount": 1 }))).await.status,
        StatusCode::BAD_REQUEST
    );
    let task =
        json!({ "name": "Rà soát danh mục dữ liệu mở", "year": 2026, "lead": ["SO_KHCN"], "due": "Tháng 12/2026" });
    let r = app.api("PUT", "/api/tasks/NV_API", "admin", Some(task)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["due"], json!("Tháng 12/2026"));
    let r = app.api("DELETE", "/api/tasks/NV_API", "admin", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["code"], json!("NV_API"));

    let doc = app.api("GET", "/api/openapi.json", "vanphong", None).await.json();
    for (path, method) in [
        ("/api/projects/{code}", "put"),
        ("/api/projects/{code}", "delete"),
        ("/api/projects/{code}/disbursements", "post"),
        ("/api/recurrentTasks/{code}", "put"),
        ("/api/stateBudget/{year}", "put"),
        ("/api/tasks/{code}", "put"),
        ("/api/tasks/{code}", "delete"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} not documented");
    }
}

#[tokio::test]
async fn a_task_created_through_the_form_appears_on_the_list() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let r = app.get("/tasks", Some(&office)).await;
    assert!(r.body.contains(r#"href="/tasks/new""#) && r.body.contains(r#"href="/tasks/NV02/edit""#));
    let c0 = counts(&statuses(&demo(), today()));
    let r = app.get("/tasks/new", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"id="task-form""#) && r.body.contains(r#"value="KH_CDS_2026" selected"#));

    let body = form(&[
        ("code", "NV27"),
        ("name", "Xây dựng kho dữ liệu dùng chung của tỉnh"),
        ("year", "2026"),
        ("plan", "KH_CDS_2026"),
        ("target", ""),
        ("pillar", "DU_LIEU"),
        ("lead", "SO_KHCN"),
        ("lead", "SO_YT"),
        ("cooperating", "UBND_HUYEN"),
        ("due", "Tháng 12/2026"),
        ("assigned_on", "2026-11-01"),
        ("note", "Kho dữ liệu vận hành, kết nối LGSP"),
    ]);
    let r = app.post_form("/tasks/new", Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/tasks/NV27/edit?saved=1"));
    let r = app.get("/tasks/NV27/edit?saved=1", Some(&office)).await;
    assert!(r.body.contains(r#"id="saved""#));
    assert_eq!(by_id(&r.body, "deadline").split(' ').next_back().unwrap(), "31/12/2026");

    let stored = app.state.store.load_registers().await.unwrap();
    let t = stored.tasks.iter().find(|t| t.code.as_str() == "NV27").unwrap();
    let lead: Vec<&str> = t.lead.iter().map(|c| c.as_str()).collect();
    assert_eq!(lead, ["SO_KHCN", "SO_YT"]);
    assert_eq!(t.deadline(), "2026-12-31".parse().unwrap());
    let c1 = counts(&statuses(&stored, today()));
    assert_eq!((c1.assigned, c1.not_reported), (c0.assigned + 1, c0.not_reported + 1));

    let r = app.get("/tasks", Some(&office)).await;
    assert_eq!(unescape(&by_id(&r.body, "task-counts")), c1.sentence());
    assert!(task_rows(&r.body).contains(&("NV27".to_string(), "not_reported".to_string())));
    let row = r.body.split(r#"<tr id="task-NV27""#).nth(1).unwrap().split("</tr>").next().unwrap();
    let model = app.state.model();
    assert!(
        unescape(row).contains(&model.party_name("SO_KHCN")) && unescape(row).contains(&model.party_name("SO_YT")),
        "{row}"
    );
    let r = app.get("/tasks?unit=SO_YT", Some(&office)).await;
    assert!(task_rows(&r.body).iter().any(|(c, _)| c == "NV27"));
    // Sở KH&CN leads it: its reporter sees it and may report progress.
    let so = app.login("so.khcn").await;
    let r = app.get("/tasks", Some(&so)).await;
    assert!(r.body.contains(r#"action="/tasks/NV27/progress""#));
    let audit = register_audit(&app, "task", "NV27").await;
    assert_eq!((audit[0].username.as_str(), audit[0].route.as_str()), ("vanphong", "web"));

    // Wrong forms: shown again with the fields named; nothing stored.
    let r = app
        .post_form("/tasks/new", Some(&office), &body.replace("NV27", "NV28").replace("&lead=SO_KHCN&lead=SO_YT", ""))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(r#"data-field="lead""#), "{}", r.body);
    let r = app
        .post_form("/tasks/new", Some(&office), &body.replace("NV27", "NV28").replace("KH_CDS_2026", "KH_KHONG"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("tasks[NV28].plan"), "{}", r.body);
    assert!(app.state.store.load_registers().await.unwrap().tasks.iter().all(|t| t.code.as_str() != "NV28"));

    // An edit: recurring work now; its progress reports are kept.
    let nv02 = task_form_of(&app, "NV02", "Nhiệm vụ thường xuyên").await;
    let r = app.post_form("/tasks/NV02/edit", Some(&office), &nv02).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.state.store.load_registers().await.unwrap();
    assert!(stored.tasks.iter().find(|t| t.code.as_str() == "NV02").unwrap().due.is_recurring());
    let reports = stored.progress_reports.iter().filter(|r| r.task.as_str() == "NV02").count();
    assert!(reports > 0);

    // Deleting NV02 asks first, then takes its progress reports with it.
    let r = app.get("/tasks/NV02/delete", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"id="confirm-delete""#) && r.body.contains(&format!("{reports} báo cáo tiến độ")));
    let r = app.post_form("/tasks/NV02/delete", Some(&office), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/tasks?deleted=NV02"));
    let stored = app.state.store.load_registers().await.unwrap();
    assert!(stored.tasks.iter().all(|t| t.code.as_str() != "NV02"));
    assert!(stored.progress_reports.iter().all(|r| r.task.as_str() != "NV02"));
    let r = app.get("/tasks?deleted=NV02", Some(&office)).await;
    assert!(r.body.contains(r#"id="deleted""#));
    assert_eq!(r.body.split(r#"data-assigned=""#).nth(1).unwrap().split('"').next().unwrap(), c0.assigned.to_string());
    let audit = register_audit(&app, "task", "NV02").await;
    assert!(audit[0].new.is_none() && audit[0].old.is_some());
}

/// The edit form of a stored task as the browser sends it back, with another due phrase.
async fn task_form_of(app: &TestApp, code: &str, due: &str) -> String {
    let stored = app.state.store.load_registers().await.unwrap();
    let t = stored.tasks.iter().find(|t| t.code.as_str() == code).unwrap();
    let text = |c: &Option<chiso_core::Code>| c.as_ref().map(|c| c.to_string()).unwrap_or_default();
    let mut fields: Vec<(&str, String)> = vec![
        ("name", t.name.clone()),
        ("year", t.year.to_string()),
        ("plan", text(&t.plan)),
        ("target", text(&t.target)),
        ("pillar", text(&t.pillar)),
        ("due", due.to_string()),
    ];
    fields.extend(t.lead.iter().map(|c| ("lead", c.to_string())));
    fields.extend(t.cooperating.iter().map(|c| ("cooperating", c.to_string())));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form(&pairs)
}

#[tokio::test]
async fn recurrent_tasks_the_state_budget_and_deletions_from_the_pages() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let s0 = budget::summary(&demo(), 2026);
    let r = app.get("/projects/recurrent/new", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = form(&[
        ("code", "TX23"),
        ("name", "Thuê dịch vụ chữ ký số cho cán bộ, công chức"),
        ("unit", "SO_KHCN"),
        ("year", "2026"),
        ("amount", "1.770,5"),
        ("budget_line", "QLNN"),
        ("pillar", "CHINH_QUYEN"),
        ("note", ""),
        ("funding_source", ""),
        ("funding_other", ""),
        ("funding_amount", ""),
    ]);
    let r = app.post_form("/projects/recurrent/new", Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/projects/TX23?saved=recurrent"));
    let r = app.get("/projects/TX23", Some(&office)).await;
    assert_eq!(by_id(&r.body, "recurrent-amount"), "1.770,5");
    let r = app.get("/projects?year=2026", Some(&office)).await;
    assert_eq!(money(&by_id(&r.body, "sum-recurrent")), s0.recurrent + Money::from_thousand(1_770_500));
    // A split that does not add up is the core's to refuse, on the form.
    let split = body.replace("TX23", "TX24").replacen("funding_source=", "funding_source=NSTW", 1).replacen(
        "funding_amount=",
        "funding_amount=1.000",
        1,
    );
    let r = app.post_form("/projects/recurrent/new", Some(&office), &split).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(unescape(&r.body).contains("recurrent_tasks[TX24].funding"), "{}", r.body);
    // /projects/TX23/edit leads to the recurrent form; the same code cannot be a project.
    let r = app.get("/projects/TX23/edit", Some(&office)).await;
    assert_eq!(r.location(), Some("/projects/recurrent/TX23/edit"));
    let r = app.post_form("/projects/new", Some(&office), &new_project_form("1.250,5").replace("DA_MOI", "TX23")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // The state budget of the year: the share follows.
    let r = app.get("/projects?year=2026", Some(&office)).await;
    assert!(r.body.contains(r#"id="state-budget-form""#) && r.body.contains(r#"value="14.820.000""#));
    let r = app.post_form("/projects/state-budget", Some(&office), "year=2026&amount=15.000.000&note=NQ+25").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/projects?year=2026&saved=state_budget"));
    let stored = app.state.store.load_registers().await.unwrap();
    let s = budget::summary(&stored, 2026);
    assert_eq!(s.state_budget, Some(Money::million(15_000_000)));
    let r = app.get("/projects?year=2026&saved=state_budget", Some(&office)).await;
    assert!(r.body.contains(r#"id="saved""#));
    assert_eq!(by_id(&r.body, "sum-share"), format_percent(s.share.unwrap(), 2));
    let r = app.post_form("/projects/state-budget", Some(&office), "year=2026&amount=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(unescape(&r.body).contains("Tổng chi ngân sách nhà nước: số tiền \"abc\""), "{}", r.body);

    // Deleting a project: a confirm page, then gone from the year's totals.
    let qh = demo().projects.into_iter().find(|p| p.code.as_str() == "DA_QH_DO_THI").unwrap();
    let r = app.get("/projects/DA_QH_DO_THI/delete", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"action="/projects/DA_QH_DO_THI/delete""#));
    let r = app.post_form("/projects/DA_QH_DO_THI/delete", Some(&office), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/projects?year=2026&deleted=DA_QH_DO_THI"));
    let r = app.get("/projects?year=2026&deleted=DA_QH_DO_THI", Some(&office)).await;
    assert!(r.body.contains(r#"id="deleted""#));
    assert!(!rows_of(&r.body, "projects", "data-project").contains(&"DA_QH_DO_THI".to_string()));
    assert_eq!(money(&by_id(&r.body, "sum-public")), s0.public_investment - qh.allocated_in(2026));
    assert_eq!(app.get("/projects/DA_QH_DO_THI", Some(&office)).await.status, StatusCode::NOT_FOUND);
    let audit = register_audit(&app, "project", "DA_QH_DO_THI").await;
    assert!(audit[0].new.is_none() && audit[0].username == "vanphong");
}
