//! The boards: plan targets (`/targets`, `/targets/{plan}/{target}`) and the
//! leaders' dashboard (`/dashboard`), checked against the library's figures
//! for 23/11/2026.

use crate::{TestApp, today};
use axum::http::StatusCode;
use chiso_analytics::AnalyticsEngine;
use chiso_analytics::query::DxItem;
use chiso_analytics::targets::{evaluate_plan, summary_vi};
use chiso_core::Code;
use chiso_core::number::format_number;
use chiso_core::period::Period;
use chiso_core::value::DataValue;
use chiso_core::verdict::Verdict;

/// The `data-target` codes of the board's rows, with their `data-verdict`.
fn target_rows(body: &str) -> Vec<(String, String)> {
    body.split(r#"data-target=""#)
        .skip(1)
        .map(|s| {
            let code = s.split('"').next().unwrap().to_string();
            let verdict = s.split(r#"data-verdict=""#).nth(1).unwrap().split('"').next().unwrap().to_string();
            (code, verdict)
        })
        .collect()
}

/// The `data-unit` codes of the ranking table's rows, in order.
fn ranking_units(body: &str) -> Vec<String> {
    let table = body.split(r#"<table class="data" id="ranking""#).nth(1).expect("ranking table");
    let table = table.split("</table>").next().unwrap();
    table.split(r#"<tr data-unit=""#).skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
}

/// The figure shown on the key-indicator card of `dx`.
fn card_value(body: &str, dx: &str) -> String {
    let marker = format!(r#"<span class="value" data-dx="{dx}">"#);
    body.split(&marker).nth(1).unwrap_or_else(|| panic!("no card for {dx}")).split('<').next().unwrap().to_string()
}

fn dx(code: &str) -> DxItem {
    DxItem::Indicator(Code::new(code).unwrap())
}

#[tokio::test]
async fn the_board_judges_as_chiso_targets_does() {
    let app = TestApp::new().await;
    let leader = app.login("lanhdao").await;
    let r = app.get("/targets", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"<table class="data targets" id="targets">"#));

    let snap = app.state.snapshot();
    let plan = snap.model.plan("KH_CDS_2026").unwrap().clone();
    let evals = evaluate_plan(&snap.engine, &plan, today());
    // The CLI's summary line, word for word.
    let line = summary_vi(&evals);
    assert_eq!(line, "37 chỉ tiêu — Vượt: 5, Đạt: 6, Chưa đạt: 4, Đang thực hiện: 22 (3 có nguy cơ không đạt)");
    assert!(r.body.contains(&line), "summary line missing");

    let rows = target_rows(&r.body);
    assert_eq!(rows.len(), 37);
    for (e, (code, verdict)) in evals.iter().zip(&rows) {
        assert_eq!(e.target.code.as_str(), code);
        let expected = match e.verdict {
            Verdict::Exceeded => "vuot",
            Verdict::Met => "dat",
            Verdict::NotMet => "chua_dat",
            Verdict::InProgress => "dang_thuc_hien",
        };
        assert_eq!(verdict, expected, "{code}");
    }
    // Results and progress texts as the CLI prints them.
    assert!(r.body.contains("96,37%") && r.body.contains("Tiến triển chậm (R = 29%)"));

    // The previous plan is one pick away.
    let r = app.get("/targets?plan=KH_CDS_2025", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK);
    let old = snap.model.plan("KH_CDS_2025").unwrap();
    assert_eq!(target_rows(&r.body).len(), old.targets.len());
    assert_eq!(app.get("/targets?plan=KH_NONE", Some(&leader)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn filters_show_only_matching_targets() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let snap = app.state.snapshot();
    let plan = snap.model.plan("KH_CDS_2026").unwrap().clone();
    let evals = evaluate_plan(&snap.engine, &plan, today());

    let r = app.get("/targets?verdict=chua_dat", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = target_rows(&r.body);
    assert_eq!(rows.len(), evals.iter().filter(|e| e.verdict == Verdict::NotMet).count());
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|(_, v)| v == "chua_dat"));

    let r = app.get("/targets?verdict=risk", Some(&office)).await;
    let rows: Vec<String> = target_rows(&r.body).into_iter().map(|(c, _)| c).collect();
    let risky: Vec<String> = evals.iter().filter(|e| e.at_risk).map(|e| e.target.code.to_string()).collect();
    assert_eq!(rows, risky);
    assert_eq!(rows, ["CT15", "CT24", "CT25"]);

    // Filters combine, as the plain form sends them (empty = all).
    let r = app.get("/targets?plan=KH_CDS_2026&pillar=CHINH_QUYEN&unit=&verdict=vuot", Some(&office)).await;
    let rows: Vec<String> = target_rows(&r.body).into_iter().map(|(c, _)| c).collect();
    let expected: Vec<String> = evals
        .iter()
        .filter(|e| e.target.pillar.as_str() == "CHINH_QUYEN" && e.verdict == Verdict::Exceeded)
        .map(|e| e.target.code.to_string())
        .collect();
    assert_eq!(rows, expected);
    assert!(!rows.is_empty());

    // A unit is involved directly or through its group (SO_NV leads CT15, CT16; departments lead CT11...).
    let r = app.get("/targets?unit=SO_NV", Some(&office)).await;
    let rows: Vec<String> = target_rows(&r.body).into_iter().map(|(c, _)| c).collect();
    assert!(rows.contains(&"CT15".to_string()) && rows.contains(&"CT16".to_string()));
    assert!(rows.contains(&"CT23".to_string()), "SO_NV is one of the departments leading CT23");
    assert!(rows.contains(&"CT29".to_string()), "departments co-operate on CT29");
    assert!(!rows.contains(&"CT12".to_string()), "CT12 is Sở KH&CN's with VP UBND");

    assert_eq!(app.get("/targets?verdict=bogus", Some(&office)).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_target_page_shows_its_history_and_contributors() {
    let app = TestApp::new().await;
    let leader = app.login("lanhdao").await;
    let r = app.get("/targets/KH_CDS_2026/CT23", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("96,37%") && r.body.contains(r#"data-verdict="vuot""#));
    // A line chart with the threshold as a reference line.
    assert!(r.body.contains("<svg class=\"chart line-chart\"") && r.body.contains("class=\"reference\""));
    // October's own value is the engine's.
    let snap = app.state.snapshot();
    let tree = snap.model.tree();
    let hl = tree.index("HL").unwrap();
    let oct = Period::parse("202610").unwrap();
    let v = snap.engine.value(&dx("TL_DUNG_HAN"), hl, &oct).unwrap();
    let row = r.body.split(r#"<tr data-month="10">"#).nth(1).expect("October row").split("</tr>").next().unwrap();
    assert!(row.contains(&format_number(v, 2)), "{row}");
    // Last year's plan measured the same indicator (KH_CDS_2025 CT01).
    assert!(r.body.contains("Lũy kế năm 2025"), "last year's column");
    // Districts and departments contribute.
    assert!(r.body.contains(r#"id="contributors""#) && r.body.contains(r#"<tr data-unit="H_AN_PHU">"#));

    // A manual target has no chart but its results.
    let r = app.get("/targets/KH_CDS_2026/CT03", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Hoàn thành") && !r.body.contains("line-chart"));

    assert_eq!(app.get("/targets/KH_CDS_2026/CT99", Some(&leader)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_dashboard_shows_the_engines_figures() {
    let app = TestApp::new().await;
    let leader = app.login("lanhdao").await;
    let r = app.get("/dashboard", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"<section id="key-indicators""#));
    // The latest complete month on 23/11/2026 is October.
    assert!(r.body.contains(r#"data-period="202610">Tháng 10/2026"#));
    let snap = app.state.snapshot();
    let hl = snap.model.tree().index("HL").unwrap();
    let oct = Period::parse("202610").unwrap();
    let v = snap.engine.value(&dx("TL_DUNG_HAN"), hl, &oct).unwrap();
    assert_eq!(card_value(&r.body, "TL_DUNG_HAN"), format_number(v, 2));
    let received = snap.engine.value(&DxItem::parse("HS_TIEP_NHAN", &snap.model).unwrap(), hl, &oct).unwrap();
    assert_eq!(card_value(&r.body, "HS_TIEP_NHAN"), format_number(received, 0));
    assert!(received > 1000.0 && card_value(&r.body, "HS_TIEP_NHAN").contains('.'));
    // Change vs September in percentage points, from the engine's two values.
    let sep = snap.engine.value(&dx("TL_DUNG_HAN"), hl, &oct.previous()).unwrap();
    let d = v - sep;
    assert!(r.body.contains(&format!("{}{} điểm %", if d > 0.0 { "+" } else { "" }, format_number(d, 2))));

    // The ranking: the districts, best first, by the first key indicator.
    let units = ranking_units(&r.body);
    let districts = snap.model.group_members("UBND_HUYEN").unwrap();
    assert_eq!(units.len(), districts.len());
    let values: Vec<f64> = units
        .iter()
        .map(|c| snap.engine.value(&dx("TL_DUNG_HAN"), snap.model.tree().index(c).unwrap(), &oct).unwrap())
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    assert!(r.body.contains("<svg class=\"chart bar-chart\""));

    // Departments, by another indicator.
    let r = app.get("/dashboard?group=SO_NGANH&rank=TL_HS_TRUC_TUYEN", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK);
    let units = ranking_units(&r.body);
    assert!(units.contains(&"SO_KHCN".to_string()) && !units.contains(&"SO_TTTT".to_string()), "closed units drop out");
    assert!(r.body.contains(r#"data-dx="TL_HS_TRUC_TUYEN""#));

    // Chosen key indicators.
    let r = app.get("/dashboard?dx=TL_XU_LY_1022,VNEID_MUC2", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.matches(r#"<article class="kpi card""#).count(), 2);
    assert_eq!(app.get("/dashboard?dx=NOPE", Some(&leader)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/dashboard?ou=NOPE", Some(&leader)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn drilling_down_ranks_a_districts_communes() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let r = app.get("/dashboard?ou=H_AN_PHU", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let snap = app.state.snapshot();
    let tree = snap.model.tree();
    let ix = tree.index("H_AN_PHU").unwrap();
    let mut communes: Vec<String> = tree.children(ix).iter().map(|&c| tree.unit(c).code.to_string()).collect();
    let mut units = ranking_units(&r.body);
    assert!(!communes.is_empty());
    communes.sort();
    units.sort();
    assert_eq!(units, communes);
    // Breadcrumbs back up to the province; the card is the district's own figure.
    assert!(r.body.contains(r#"<a href="/dashboard?ou=HL"#));
    let oct = Period::parse("202610").unwrap();
    let v = snap.engine.value(&dx("TL_DUNG_HAN"), ix, &oct).unwrap();
    assert_eq!(card_value(&r.body, "TL_DUNG_HAN"), format_number(v, 2));

    // A commune ranks among its neighbours, itself highlighted.
    let first = tree.unit(tree.children(ix)[0]).code.to_string();
    let r = app.get(&format!("/dashboard?ou={first}"), Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!(r#"<tr data-unit="{first}" class="highlight""#)));
    assert!(r.body.contains(r#"<a href="/dashboard?ou=H_AN_PHU"#));
}

#[tokio::test]
async fn a_changed_figure_shows_at_once() {
    let app = TestApp::new().await;
    let leader = app.login("lanhdao").await;
    let oct = Period::parse("202610").unwrap();
    let before = card_value(&app.get("/dashboard", Some(&leader)).await.body, "TL_DUNG_HAN");

    // A commune of An Phú corrects its on-time count for October down to zero.
    let snap = app.state.snapshot();
    let tree = snap.model.tree();
    let on_time = DxItem::parse("HS_DUNG_HAN", &snap.model).unwrap();
    let district = tree.index("H_AN_PHU").unwrap();
    let commune = tree
        .children(district)
        .iter()
        .copied()
        .find(|&c| snap.engine.value(&on_time, c, &oct).is_some_and(|v| v > 50.0))
        .expect("a commune with on-time dossiers");
    let value = DataValue {
        element: Code::new("HS_DUNG_HAN").unwrap(),
        period: oct,
        unit: tree.unit(commune).code.clone(),
        option: None,
        value: "0".into(),
        stored_by: Some("vanphong".into()),
        comment: None,
        updated_at: None,
    };
    let mut tx = app.state.store.begin().await.unwrap();
    tx.put_values(std::slice::from_ref(&value)).await.unwrap();
    tx.commit().await.unwrap();
    app.state.values_written(&[value]).await;

    let snap = app.state.snapshot();
    let hl = tree.index("HL").unwrap();
    let v = snap.engine.value(&dx("TL_DUNG_HAN"), hl, &oct).unwrap();
    let r = app.get("/dashboard", Some(&leader)).await;
    let after = card_value(&r.body, "TL_DUNG_HAN");
    assert_eq!(after, format_number(v, 2));
    assert_ne!(after, before);
    // The district's drill-down shows the commune at 0% now, ranked last.
    let r = app.get("/dashboard?ou=H_AN_PHU&rank=TL_DUNG_HAN", Some(&leader)).await;
    let units = ranking_units(&r.body);
    assert_eq!(units.last().map(String::as_str), Some(tree.unit(commune).code.as_str()));
}

#[tokio::test]
async fn only_province_readers_see_the_boards() {
    let app = TestApp::new().await;
    for who in ["so.khcn", "huyen.anphu", "xa.anphu"] {
        let c = app.login(who).await;
        for path in ["/targets", "/targets/KH_CDS_2026/CT23", "/dashboard", "/dashboard?ou=H_AN_PHU"] {
            assert_eq!(app.get(path, Some(&c)).await.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
    }
    for who in ["lanhdao", "vanphong", "admin"] {
        let c = app.login(who).await;
        for path in ["/targets", "/targets/KH_CDS_2026/CT23", "/dashboard", "/dashboard?ou=H_AN_PHU"] {
            assert_eq!(app.get(path, Some(&c)).await.status, StatusCode::OK, "{who} {path}");
        }
    }
    // Not logged in: to the login page.
    let r = app.get("/dashboard", None).await;
    assert!(r.status.is_redirection(), "{}", r.status);
}

/// The JSON versions, once `api::boards` is wired into the router.
#[tokio::test]
async fn the_api_gives_the_same_figures() {
    let app = TestApp::new().await;
    let r = app.api("GET", "/api/targets", "lanhdao", None).await;
    if r.status == StatusCode::NOT_FOUND {
        eprintln!("api::boards is not wired into the router yet; skipping");
        return;
    }
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["plan"]["code"], "KH_CDS_2026");
    assert_eq!(j["targets"].as_array().unwrap().len(), 37);
    assert_eq!(j["summary"]["vuot"], 5);
    assert_eq!(j["summary"]["at_risk"], 3);
    let j = app.api("GET", "/api/targets?verdict=risk", "lanhdao", None).await.json();
    let codes: Vec<&str> = j["targets"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["CT15", "CT24", "CT25"]);

    let r = app.api("GET", "/api/targets/KH_CDS_2026/CT23", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["evaluation"]["verdict"], "exceeded");

    let r = app.api("GET", "/api/dashboard?ou=H_AN_PHU", "lanhdao", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["period"], "202610");
    let snap = app.state.snapshot();
    let ix = snap.model.tree().index("H_AN_PHU").unwrap();
    let v = snap.engine.value(&dx("TL_DUNG_HAN"), ix, &Period::parse("202610").unwrap()).unwrap();
    assert_eq!(j["indicators"][0]["dx"], "TL_DUNG_HAN");
    assert_eq!(j["indicators"][0]["value"].as_f64().unwrap(), v);
    assert_eq!(j["ranking"]["rows"].as_array().unwrap().len(), snap.model.tree().children(ix).len());

    for path in ["/api/targets", "/api/dashboard"] {
        assert_eq!(app.api("GET", path, "so.khcn", None).await.status, StatusCode::FORBIDDEN);
    }
}
