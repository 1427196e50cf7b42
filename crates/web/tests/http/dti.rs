//! The digital-transformation index pages and API: `/dti` ranks a group
//! exactly as `chiso_analytics::index::score_group` does over the store's
//! registers and the resident engine; `/dti/{unit}` breaks one unit down.

use super::*;
use chiso_analytics::index::score_group;
use chiso_core::number::format_number;
use chiso_core::period::Period;

/// Who reaches the index: the province readers (office, admin, leader).
pub const DTI_PAGE: [u16; 7] = [200, 200, 200, 403, 403, 403, 303];
pub const DTI_API: [u16; 7] = [200, 200, 200, 403, 403, 403, 401];

/// The best-ranked district on DTI_2026 computed directly: (code, name,
/// points, 0–1 value, rank change), and the whole order.
async fn expected(app: &TestApp, group: &str) -> (Vec<String>, String, f64, f64, Option<i32>) {
    let reg = app.state.store.load_registers().await.unwrap();
    let snap = app.state.snapshot();
    let model = snap.model.clone();
    let tree = model.tree();
    let ix = reg.index("DTI_2026").expect("DTI_2026 in the demo registers");
    let period = Period::year(ix.year).unwrap();
    let previous = period.previous();
    let prev_ix = reg.index_of_year(chrono::Datelike::year(&previous.start())).unwrap_or(ix);
    let units: Vec<_> = model
        .group_members(group)
        .unwrap()
        .iter()
        .copied()
        .filter(|&u| tree.unit(u).is_open_on(period.end()))
        .collect();
    let g = score_group(&snap.engine, ix, &units, &period, &reg.assessments, Some((prev_ix, &previous))).unwrap();
    let ranked = g.rankings.get(None).unwrap();
    let best = &ranked[0];
    let name = tree.unit(tree.index(best.unit.as_str()).unwrap()).name.clone();
    (ranked.iter().map(|r| r.unit.to_string()).collect(), name, best.points, best.scale, best.change)
}

fn change_mark(c: Option<i32>) -> String {
    match c {
        None => "mới".into(),
        Some(0) => "=".into(),
        Some(c) if c > 0 => format!("▲{c}"),
        Some(c) => format!("▼{}", -c),
    }
}

/// The units of the ranking table's rows, in order.
fn table_units(body: &str) -> Vec<String> {
    let table = &body[body.find(r#"id="dti-ranking""#).expect("ranking table")..];
    let table = &table[..table.find("</table>").unwrap()];
    table.split(r#"<tr data-unit=""#).skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

#[tokio::test]
async fn ranking_first_row_is_the_engines_best() {
    let app = TestApp::new().await;
    let (order, name, points, value, change) = expected(&app, "UBND_HUYEN").await;
    let cookie = app.login("vanphong").await;
    let r = app.get("/dti?index=DTI_2026&group=UBND_HUYEN&node=", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(table_units(&r.body), order);
    let first = &r.body[r.body.find(&format!(r#"<tr data-unit="{}""#, order[0])).unwrap()..];
    let first = &first[..first.find("</tr>").unwrap()];
    assert!(first.contains(r#"data-rank="1""#), "{first}");
    assert!(first.contains(&name), "{first}");
    let (pts, val) = (format_number(points, 2), format_number(value, 4));
    assert!(first.contains(&format!(r#"<td class="num points">{pts}</td>"#)), "{pts} in {first}");
    assert!(first.contains(&format!(r#"<td class="num value">{val}</td>"#)), "{val} in {first}");
    assert!(val.contains(','), "Vietnamese decimal comma: {val}");
    assert!(first.contains(&format!(r#"data-change="{}""#, change_mark(change))), "{first}");
    // The demo: Huyện Phú Lộc leads with 813,39 points = 0,8134, up one place.
    assert_eq!((name.as_str(), pts.as_str(), val.as_str()), ("Huyện Phú Lộc", "813,39", "0,8134"));
    assert_eq!(change, Some(1));
    // Rank-change marks, pillar names as headers, group and node pickers, the chart.
    assert!(r.body.contains('▲') || r.body.contains('▼') || r.body.contains(r#"data-change="=""#));
    let reg = app.state.store.load_registers().await.unwrap();
    let ix = reg.index("DTI_2026").unwrap();
    for p in &ix.nodes {
        assert!(r.body.contains(&format!(r#"<th data-node="{}">{}</th>"#, p.code, p.name)), "header {}", p.name);
        assert!(r.body.contains(&format!(r#"<option value="{}""#, p.code)), "node picker {}", p.code);
    }
    for g in ["UBND_HUYEN", "SO_NGANH", "UBND_XA"] {
        assert!(r.body.contains(&format!(r#"<option value="{g}""#)), "group picker {g}");
    }
    assert!(r.body.contains("<svg class=\"chart bar-chart\""));
    assert!(r.body.contains(r#"href="/dti""#), "nav item");
}

#[tokio::test]
async fn departments_and_pillar_ranking() {
    let app = TestApp::new().await;
    let (order, ..) = expected(&app, "SO_NGANH").await;
    let cookie = app.login("admin").await;
    let r = app.get("/dti?index=DTI_2026&group=SO_NGANH", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(table_units(&r.body), order);
    let reg = app.state.store.load_registers().await.unwrap();
    let pillar = reg.index("DTI_2026").unwrap().nodes[0].code.to_string();
    let r = app.get(&format!("/dti?index=DTI_2026&group=UBND_HUYEN&node={pillar}"), Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!(r#"<th data-node="{pillar}" class="selected">"#)));
    let r = app.get("/dti?index=DTI_2026&group=UBND_HUYEN&node=NOPE", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn reporter_forbidden_leader_reads() {
    let app = TestApp::new().await;
    for who in ["xa.anphu", "huyen.anphu", "so.khcn"] {
        let cookie = app.login(who).await;
        assert_eq!(app.get("/dti", Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.get("/dti/H_AN_PHU", Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.api("GET", "/api/dti", who, None).await.status, StatusCode::FORBIDDEN, "{who}");
        assert!(!app.get("/", Some(&cookie)).await.body.contains(r#"href="/dti""#), "no nav item for {who}");
    }
    let cookie = app.login("lanhdao").await;
    let r = app.get("/dti?index=DTI_2026&group=UBND_HUYEN&node=", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"id="dti-ranking""#));
}

#[tokio::test]
async fn api_gives_the_same_order() {
    let app = TestApp::new().await;
    let (order, name, points, value, change) = expected(&app, "UBND_HUYEN").await;
    let r = app.api("GET", "/api/dti?index=DTI_2026&group=UBND_HUYEN&node=", "lanhdao", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    let units: Vec<String> = j["rows"].as_array().unwrap().iter().map(|x| x["unit"].as_str().unwrap().into()).collect();
    assert_eq!(units, order);
    assert_eq!(j["rows"][0]["name"], name.as_str());
    assert_eq!(j["rows"][0]["points"].as_f64().unwrap(), points);
    assert_eq!(j["rows"][0]["value"].as_f64().unwrap(), value);
    assert_eq!(j["rows"][0]["change"].as_i64().map(|c| c as i32), change);
    assert_eq!(j["index"], "DTI_2026");
    assert!(app.api("GET", "/api/openapi.json", "lanhdao", None).await.body.contains("/api/dti/{unit}"));
}

#[tokio::test]
async fn unit_breakdown() {
    let app = TestApp::new().await;
    let (order, _, points, value, _) = expected(&app, "UBND_HUYEN").await;
    let best = &order[0];
    let r = app.api("GET", &format!("/api/dti/{best}?index=DTI_2026"), "vanphong", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["rank"], 1);
    assert_eq!(j["points"].as_f64().unwrap(), points);
    let nodes = j["nodes"].as_array().unwrap();
    let components: Vec<_> = nodes.iter().filter(|n| n["level"] == "component").collect();
    assert!(!components.is_empty());
    // Components carry their input or the assessor's score; the unit's
    // points add up from its pillars.
    assert!(components.iter().any(|n| n["input"].is_number() || n["score"].is_number()));
    let pillars: f64 = nodes.iter().filter(|n| n["level"] == "pillar").map(|n| n["points"].as_f64().unwrap()).sum();
    assert!((pillars - points).abs() < 1e-6);
    let cookie = app.login("vanphong").await;
    let r = app.get(&format!("/dti/{best}?index=DTI_2026"), Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"id="dti-breakdown""#));
    assert!(r.body.contains(&format_number(points, 2)) && r.body.contains(&format_number(value, 4)));
    assert_eq!(app.get("/dti/NOPE?index=DTI_2026", Some(&cookie)).await.status, StatusCode::NOT_FOUND);
}
