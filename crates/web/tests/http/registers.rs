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
    s.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", "\"").replace("&#x27;", "'")
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
