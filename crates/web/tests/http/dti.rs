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
    let units = model.group_members(group).unwrap();
    let g = score_group(&snap.engine, ix, units, &period, &reg.assessments, Some((prev_ix, &previous))).unwrap();
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

// ---------------------------------------------------------------------------
// Index definitions and assessors' scores (/dti/indices, /dti/assess, API)
// ---------------------------------------------------------------------------

/// The stored registers.
async fn registers(app: &TestApp) -> chiso_core::register::Registers {
    app.state.store.load_registers().await.unwrap()
}

/// The versions listed in the history table: (number, user), newest first.
fn versions(body: &str) -> Vec<(u32, String)> {
    let table = &body[body.find(r#"id="versions""#).expect("history table")..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .split(r#"<tr data-version=""#)
        .skip(1)
        .map(|s| {
            let n = s[..s.find('"').unwrap()].parse().unwrap();
            let u = &s[s.find(r#"data-user=""#).unwrap() + 11..];
            (n, u[..u.find('"').unwrap()].to_string())
        })
        .collect()
}

/// The ranking table's rows: (unit, rank, points as shown, value as shown).
fn ranking_rows(body: &str) -> Vec<(String, u32, String, String)> {
    let table = &body[body.find(r#"id="dti-ranking""#).expect("ranking table")..];
    let table = &table[..table.find("</table>").unwrap()];
    let cell = |row: &str, class: &str| {
        let from = &row[row.find(&format!(r#"<td class="num {class}">"#)).unwrap() + 17 + class.len()..];
        from[..from.find("</td>").unwrap()].to_string()
    };
    table
        .split(r#"<tr data-unit=""#)
        .skip(1)
        .map(|row| {
            let unit = row[..row.find('"').unwrap()].to_string();
            let rank = &row[row.find(r#"data-rank=""#).unwrap() + 11..];
            let rank = rank[..rank.find('"').unwrap()].parse().unwrap();
            (unit, rank, cell(row, "points"), cell(row, "value"))
        })
        .collect()
}

/// The place of each problem listed on an editor page.
fn problem_places(body: &str) -> Vec<String> {
    body.split(r#"<li data-place=""#).skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

/// The row of node `code` in the tree of an index page.
fn tree_row(body: &str, code: &str) -> String {
    let tree = &body[body.find(r#"id="dti-tree""#).expect("tree")..];
    let row = &tree[tree.find(&format!(r#"<tr data-node="{code}""#)).expect("node row")..];
    row[..row.find("</tr>").unwrap()].to_string()
}

fn yaml(ix: &chiso_core::index::Index) -> String {
    serde_yaml_ng::to_string(ix).unwrap()
}

#[tokio::test]
async fn office_creates_next_years_index_edits_it_and_restores_a_version() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let before = registers(&app).await;
    let d2026 = before.index("DTI_2026").unwrap().clone();
    assert!(before.index("DTI_2027").is_none());

    // The list offers next year's index, copied from the latest.
    let r = app.get("/dti/indices", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Tạo chỉ số cho năm 2027"), "{}", r.body);
    let r = app.post_form("/dti/indices", Some(&office), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/dti/indices/DTI_2027/edit?created=DTI_2026"));
    let created = registers(&app).await.index("DTI_2027").cloned().expect("DTI_2027 stored");
    assert_eq!(created.year, 2027);
    assert_eq!(created.nodes, d2026.nodes, "the tree is copied as it is");
    assert_eq!(created.name, d2026.name.replace("2026", "2027"));
    let r = app.get("/dti/indices", Some(&office)).await;
    let row = &r.body[r.body.find(r#"<tr data-index="DTI_2027" data-year="2027">"#).expect("row of DTI_2027")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("vanphong") && row.contains("(1 phiên bản)"), "{row}");
    // The next offer is the year after.
    assert!(r.body.contains("Tạo chỉ số cho năm 2028"));

    // The editor holds the YAML; change Nhận thức số's components to weights 2:1:1.
    let r = app.get("/dti/indices/DTI_2027/edit", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("code: DTI_2027") && r.body.contains("year: 2027"));
    let mut edited = created.clone();
    let nhan_thuc = &mut edited.nodes[0].children[0];
    assert_eq!(nhan_thuc.points, Some(100.0));
    for (c, w) in nhan_thuc.children.iter_mut().zip([2.0, 1.0, 1.0]) {
        c.points = None;
        c.weight = Some(w);
    }
    let first_component = nhan_thuc.children[0].code.to_string();
    let body = format!("action=save&body={}", enc(&yaml(&edited)));
    let r = app.post_form("/dti/indices/DTI_2027/edit", Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/dti/indices/DTI_2027/edit?saved=2"));
    let stored = registers(&app).await.index("DTI_2027").cloned().unwrap();
    assert_eq!(stored, edited);
    // The weight 2 of 4 gives the component half of the main index's 100 points.
    let r = app.get("/dti/indices/DTI_2027", Some(&office)).await;
    let row = tree_row(&r.body, &first_component);
    assert!(row.contains(r#"<td class="num">50</td>"#) && row.contains(r#"<td class="num">2</td>"#), "{row}");
    assert!(row.contains("Chấm điểm 0–1 kèm minh chứng"), "{row}");

    // Two versions, both by vanphong, from the web.
    let r = app.get("/dti/indices/DTI_2027/edit", Some(&office)).await;
    assert_eq!(versions(&r.body), vec![(2, "vanphong".to_string()), (1, "vanphong".to_string())]);
    let audit = app
        .state
        .store
        .audit(&chiso_store::AuditFilter {
            register_kind: Some("index".into()),
            register_code: Some("DTI_2027".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().all(|a| a.username == "vanphong" && a.route == "web"));
    // The first version is viewable.
    let r = app.get("/dti/indices/DTI_2027?version=1", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"id="old-version""#));
    let row = tree_row(&r.body, &first_component);
    assert!(row.contains(r#"<td class="num">40</td>"#) && row.contains(r#"<td class="num"></td>"#), "{row}");

    // Restoring version 1 saves its body again as version 3.
    let r = app.post_form("/dti/indices/DTI_2027/edit", Some(&office), "action=restore&version=1").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/dti/indices/DTI_2027/edit?restored=1&saved=3"));
    assert_eq!(registers(&app).await.index("DTI_2027").unwrap(), &created);
    let r = app.get("/dti/indices/DTI_2027/edit", Some(&office)).await;
    assert_eq!(versions(&r.body).iter().map(|v| v.0).collect::<Vec<_>>(), vec![3, 2, 1]);
    // Saving the same text again adds no version.
    let body = format!("action=save&body={}", enc(&yaml(&created)));
    let r = app.post_form("/dti/indices/DTI_2027/edit", Some(&office), &body).await;
    assert_eq!(r.location(), Some("/dti/indices/DTI_2027/edit?unchanged=1"));
    let r = app.get("/dti/indices/DTI_2027/edit", Some(&office)).await;
    assert_eq!(versions(&r.body).len(), 3);
}

#[tokio::test]
async fn a_wrong_index_is_refused_with_its_place_and_nothing_saved() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let before = registers(&app).await;
    let audit_before = app.state.store.audit(&chiso_store::AuditFilter::default()).await.unwrap()[0].id;
    let d2026 = before.index("DTI_2026").unwrap().clone();

    // An unknown data element: placed at the component's scoring.
    let mut bad = d2026.clone();
    let mut at = None;
    for (p, pillar) in d2026.nodes.iter().enumerate() {
        for (m, main) in pillar.children.iter().enumerate() {
            for (c, comp) in main.children.iter().enumerate() {
                if at.is_none() && matches!(comp.scoring, Some(chiso_core::index::Scoring::Measured { .. })) {
                    at = Some((p, m, c));
                }
            }
        }
    }
    let (pi, mi, ci) = at.expect("a measured component");
    bad.nodes[pi].children[mi].children[ci].scoring = Some(chiso_core::index::Scoring::Measured {
        source: chiso_core::index::Source::Element(chiso_core::expr::ElementRef::total("KHONG_CO")),
        normalise: chiso_core::index::Normalise::MinMax { lower_is_better: false },
    });
    for action in ["check", "save"] {
        let body = format!("action={action}&body={}", enc(&yaml(&bad)));
        let r = app.post_form("/dti/indices/DTI_2026/edit", Some(&office), &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{action}: {}", r.body);
        let component = &d2026.nodes[pi].children[mi].children[ci].code;
        assert_eq!(problem_places(&r.body), vec![format!("indices[DTI_2026].nodes[{component}].scoring")], "{action}");
        assert!(r.body.contains("KHONG_CO không tồn tại"), "{}", r.body);
        assert!(r.body.contains("KHONG_CO"), "the text sent stays in the editor");
    }

    // Points that do not add up to the main index's: placed at its points.
    let mut bad = d2026.clone();
    let main = &mut bad.nodes[0].children[0];
    let was = main.children[0].points.unwrap();
    main.children[0].points = Some(was + 5.0);
    let body = format!("action=save&body={}", enc(&yaml(&bad)));
    let r = app.post_form("/dti/indices/DTI_2026/edit", Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(problem_places(&r.body), vec!["indices[DTI_2026].nodes[0].children[0].points".to_string()]);
    assert!(r.body.contains("khác điểm tối đa 100"), "{}", r.body);

    // A year another index has: refused as a conflict.
    let mut bad = d2026.clone();
    bad.year = 2025;
    let body = format!("action=save&body={}", enc(&yaml(&bad)));
    let r = app.post_form("/dti/indices/DTI_2026/edit", Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(problem_places(&r.body), vec!["indices[DTI_2026].year".to_string()]);
    assert!(r.body.contains("năm 2025 đã có bộ chỉ số DTI_2025"));

    // Broken YAML: placed at its line.
    let r = app.post_form("/dti/indices/DTI_2026/edit", Some(&office), "action=check&body=code%3A+%5B").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(problem_places(&r.body)[0].starts_with("YAML dòng"), "{}", r.body);

    // A valid text passes the check without being saved.
    let body = format!("action=check&body={}", enc(&yaml(&d2026)));
    let r = app.post_form("/dti/indices/DTI_2026/edit", Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Bộ chỉ số hợp lệ"));

    // Nothing was stored, nothing audited.
    assert_eq!(registers(&app).await, before);
    assert_eq!(app.state.store.audit(&chiso_store::AuditFilter::default()).await.unwrap()[0].id, audit_before);
}

#[tokio::test]
async fn assessors_scores_move_the_ranking() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let reg = registers(&app).await;
    let ix = reg.index("DTI_2026").unwrap().clone();
    let period = Period::year(2026).unwrap();
    let flat = ix.flatten().unwrap();
    let assessed: Vec<(String, f64)> = flat
        .iter()
        .filter(|f| matches!(f.node.scoring, Some(chiso_core::index::Scoring::Assessed)))
        .map(|f| (f.node.code.to_string(), f.max_points))
        .collect();
    assert!(assessed.len() >= 5);

    let url = "/dti?index=DTI_2026&group=UBND_HUYEN&node=";
    let before = ranking_rows(&app.get(url, Some(&office)).await.body);
    let (last, last_rank, ..) = before.last().unwrap().clone();
    assert!(last_rank > 1);
    // The unit's exact points before, as the engine scores them.
    let snap = app.state.snapshot();
    let members = snap.model.group_members("UBND_HUYEN").unwrap().to_vec();
    let g = score_group(&snap.engine, &ix, &members, &period, &reg.assessments, None).unwrap();
    let old_points = g.unit(&chiso_core::Code::new(last.as_str()).unwrap()).unwrap().total.points;
    assert_eq!(format_number(old_points, 2), before.last().unwrap().2);
    let old_score = |comp: &str| {
        reg.assessments
            .iter()
            .find(|a| {
                a.index.as_str() == "DTI_2026"
                    && a.period == period
                    && a.unit.as_str() == last
                    && a.component.as_str() == comp
            })
            .map_or(0.0, |a| a.score)
    };

    // The page shows the stored scores of the group.
    let page = app.get("/dti/assess?index=DTI_2026&period=2026&group=UBND_HUYEN", Some(&office)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let (c0, _) = &assessed[0];
    assert!(
        page.body.contains(&format!(
            r#"name="s.{last}.{c0}" value="{}""#,
            chiso_core::number::format_auto(old_score(c0), 4)
        ))
    );

    // Every assessed component of the last unit gets the full score: the
    // first as "100%", the others as "1".
    let mut form = String::from("index=DTI_2026&period=2026&group=UBND_HUYEN");
    for (i, (c, _)) in assessed.iter().enumerate() {
        let v = if i == 0 { "100%" } else { "1" };
        form += &format!("&s.{last}.{c}={}&e.{last}.{c}={}", enc(v), enc("Biên bản thẩm định số 12/BB-HĐ"));
    }
    let r = app.post_form("/dti/assess", Some(&office), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let changed = assessed.len();
    assert_eq!(
        r.location(),
        Some(format!("/dti/assess?index=DTI_2026&period=2026&group=UBND_HUYEN&saved={changed}").as_str())
    );
    let delta: f64 = assessed.iter().map(|(c, max)| max * (1.0 - old_score(c))).sum();
    assert!(delta > 0.0);

    let after = ranking_rows(&app.get(url, Some(&office)).await.body);
    let mine = after.iter().find(|r| r.0 == last).unwrap();
    let new_points = old_points + delta;
    assert_eq!(mine.2, format_number(new_points, 2), "points + Σ max × (1 − old score)");
    assert_eq!(mine.3, format_number(new_points / ix.max_points(), 4), "the 0–1 value the page shows");
    assert!(mine.1 < last_rank, "{last} moves up from {last_rank} to {}", mine.1);
    // The order follows the values shown, best first.
    let value = |v: &str| chiso_core::number::parse_number(v).unwrap();
    assert!(after.windows(2).all(|w| value(&w[0].3) >= value(&w[1].3)), "{after:?}");
    assert!(after.windows(2).all(|w| w[0].1 <= w[1].1));
    let stored = registers(&app).await;
    let a = stored.assessments.iter().find(|a| a.key() == format!("DTI_2026|2026|{last}|{c0}")).unwrap();
    assert_eq!((a.score, a.evidence.as_str(), a.by.as_ref()), (1.0, "Biên bản thẩm định số 12/BB-HĐ", None));
    let audit = app
        .state
        .store
        .audit(&chiso_store::AuditFilter {
            register_kind: Some("assessment".into()),
            register_code: Some(a.key()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((audit[0].username.as_str(), audit[0].route.as_str()), ("vanphong", "web"));

    // "0,85" is 0.85; an empty cell removes the score.
    let c1 = &assessed[1].0;
    let form = format!(
        "index=DTI_2026&period=2026&group=UBND_HUYEN&s.{last}.{c0}=0%2C85&e.{last}.{c0}={}&s.{last}.{c1}=&e.{last}.{c1}=",
        enc("QĐ 05")
    );
    let r = app.post_form("/dti/assess", Some(&office), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().unwrap().ends_with("&saved=2"));
    let stored = registers(&app).await;
    let find = |c: &str| stored.assessments.iter().find(|a| a.key() == format!("DTI_2026|2026|{last}|{c}")).cloned();
    assert_eq!(find(c0).map(|a| (a.score, a.evidence)), Some((0.85, "QĐ 05".to_string())));
    assert!(find(c1).is_none());

    // 1,5 is refused, and nothing of the batch is stored.
    let form = format!("index=DTI_2026&period=2026&group=UBND_HUYEN&s.{last}.{c1}=0%2C5&s.{last}.{c0}=1%2C5");
    let r = app.post_form("/dti/assess", Some(&office), &form).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("1,5 phải từ 0 đến 1"), "{}", r.body);
    assert_eq!(registers(&app).await, stored);
    // A unit outside the group is refused.
    let r =
        app.post_form("/dti/assess", Some(&office), &format!("index=DTI_2026&group=UBND_HUYEN&s.SO_KHCN.{c0}=1")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn leaders_and_reporters_read_definitions_but_never_write() {
    let app = TestApp::new().await;
    let before = registers(&app).await;
    let d2026 = before.index("DTI_2026").unwrap().clone();
    let body = format!("action=save&body={}", enc(&yaml(&d2026)));
    for who in ["lanhdao", "so.khcn", "huyen.anphu"] {
        let cookie = app.login(who).await;
        let r = app.get("/dti/indices", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
        assert!(r.body.contains(r#"data-index="DTI_2026""#) && !r.body.contains(r#"id="dti-create""#), "{who}");
        let r = app.get("/dti/indices/DTI_2026", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
        assert!(r.body.contains(r#"id="dti-tree""#) && !r.body.contains("/edit"), "{who}");
        for (path, form) in [
            ("/dti/indices", ""),
            ("/dti/indices/DTI_2026/edit", body.as_str()),
            ("/dti/indices/DTI_2026/edit", "action=restore&version=1"),
            ("/dti/assess", "index=DTI_2026&group=UBND_HUYEN&s.H_AN_PHU.NT_CHI_DAO=1"),
        ] {
            assert_eq!(app.post_form(path, Some(&cookie), form).await.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
        assert_eq!(app.get("/dti/indices/DTI_2026/edit", Some(&cookie)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/dti/assess", Some(&cookie)).await.status, StatusCode::FORBIDDEN);
        let r = app.api("PUT", "/api/dti/indices/DTI_2026", who, Some(serde_json::to_value(&d2026).unwrap())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        let one = serde_json::json!([{"index": "DTI_2026", "period": "2026", "unit": "H_AN_PHU", "component": "NT_CHI_DAO", "score": 1.0}]);
        assert_eq!(
            app.api("POST", "/api/dti/assessments", who, Some(one)).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    assert_eq!(registers(&app).await, before);
}

#[tokio::test]
async fn index_and_scores_api_round_trip() {
    let app = TestApp::new().await;
    let r = app.api("GET", "/api/dti/indices", "so.khcn", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let codes: Vec<String> =
        r.json()["indices"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().into()).collect();
    assert_eq!(codes, vec!["DTI_2026", "DTI_2025"]);
    let r = app.api("GET", "/api/dti/indices/DTI_2026", "lanhdao", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let mut ix: chiso_core::index::Index = serde_json::from_str(&r.body).unwrap();
    assert_eq!(&ix, registers(&app).await.index("DTI_2026").unwrap());

    // Create DTI_2027 from it (JSON), then the same again (unchanged).
    ix.code = chiso_core::Code::new("DTI_2027").unwrap();
    ix.year = 2027;
    let body = serde_json::to_value(&ix).unwrap();
    let r = app.api("PUT", "/api/dti/indices/DTI_2027", "vanphong", Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!((r.json()["result"].as_str(), r.json()["version"].as_u64()), (Some("created"), Some(1)));
    let r = app.api("PUT", "/api/dti/indices/DTI_2027", "vanphong", Some(body)).await;
    assert_eq!((r.status, r.json()["result"].as_str()), (StatusCode::OK, Some("unchanged")));
    // Rename it with YAML.
    let mut renamed = ix.clone();
    renamed.name = "Bộ chỉ số năm 2027 (dự thảo)".into();
    let req = axum::http::Request::put("/api/dti/indices/DTI_2027")
        .header(axum::http::header::AUTHORIZATION, super::api::basic("admin"))
        .header(axum::http::header::CONTENT_TYPE, "application/yaml")
        .body(axum::body::Body::from(yaml(&renamed)))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["result"].as_str(), r.json()["version"].as_u64()), (Some("updated"), Some(2)));
    let r = app.api("GET", "/api/dti/indices/DTI_2027", "vanphong", None).await;
    assert_eq!(serde_json::from_str::<chiso_core::index::Index>(&r.body).unwrap(), renamed);
    let r = app.api("GET", "/api/dti/indices/DTI_2027?version=1", "vanphong", None).await;
    assert_eq!(serde_json::from_str::<chiso_core::index::Index>(&r.body).unwrap(), ix);
    let r = app.api("GET", "/api/dti/indices", "vanphong", None).await;
    let row = r.json()["indices"].as_array().unwrap().iter().find(|i| i["code"] == "DTI_2027").cloned().unwrap();
    assert_eq!((row["versions"].as_u64(), row["changed_by"].as_str()), (Some(2), Some("admin")));

    // Refusals: another code than the path's, a year taken, a wrong weight.
    let r = app.api("PUT", "/api/dti/indices/DTI_2099", "vanphong", Some(serde_json::to_value(&ix).unwrap())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let mut taken = ix.clone();
    taken.year = 2026;
    let r = app.api("PUT", "/api/dti/indices/DTI_2027", "vanphong", Some(serde_json::to_value(&taken).unwrap())).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["place"], "indices[DTI_2027].year");
    let mut wrong = ix.clone();
    wrong.nodes[0].children[0].children[0].weight = Some(1.0);
    let r = app.api("PUT", "/api/dti/indices/DTI_2027", "vanphong", Some(serde_json::to_value(&wrong).unwrap())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.json()["errors"][0]["place"].as_str().unwrap().starts_with("indices[DTI_2027].nodes[0].children[0]"));
    assert_eq!(registers(&app).await.index("DTI_2027").unwrap(), &renamed);

    // Scores: a batch with one bad score stores nothing; a good one stores all.
    let comp = ix.nodes[0].children[0].children[0].code.to_string();
    let comp2 = ix.nodes[0].children[0].children[1].code.to_string();
    let batch = |s: f64| {
        serde_json::json!([
            {"index": "DTI_2027", "period": "2027", "unit": "H_AN_PHU", "component": comp, "score": 0.9, "evidence": "BB 01"},
            {"index": "DTI_2027", "period": "2027", "unit": "SO_KHCN", "component": comp2, "score": s},
        ])
    };
    let r = app.api("POST", "/api/dti/assessments", "vanphong", Some(batch(1.5))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(registers(&app).await.assessments.iter().all(|a| a.index.as_str() != "DTI_2027"));
    let r = app.api("POST", "/api/dti/assessments", "vanphong", Some(batch(0.5))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["created"].as_u64(), r.json()["updated"].as_u64()), (Some(2), Some(0)));
    let r = app.api("GET", "/api/dti/assessments?index=DTI_2027&period=2027", "lanhdao", None).await;
    let list = r.json()["assessments"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    assert_eq!(
        (list[0]["unit"].as_str(), list[0]["score"].as_f64(), list[0]["evidence"].as_str()),
        (Some("H_AN_PHU"), Some(0.9), Some("BB 01"))
    );
    // A reporter sees only its own units' scores.
    let r = app.api("GET", "/api/dti/assessments?index=DTI_2027", "so.khcn", None).await;
    let list = r.json()["assessments"].as_array().unwrap().clone();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["unit"], "SO_KHCN");
    assert_eq!(
        app.api("GET", "/api/dti/assessments?unit=H_AN_PHU", "so.khcn", None).await.status,
        StatusCode::FORBIDDEN
    );
    // A component scored from data cannot be assessed.
    let measured = ix
        .flatten()
        .unwrap()
        .iter()
        .find(|f| matches!(f.node.scoring, Some(chiso_core::index::Scoring::Measured { .. })))
        .unwrap()
        .node
        .code
        .to_string();
    let one = serde_json::json!([{"index": "DTI_2027", "period": "2027", "unit": "H_AN_PHU", "component": measured, "score": 1.0}]);
    let r = app.api("POST", "/api/dti/assessments", "vanphong", Some(one)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"].as_str().unwrap().contains("được tính từ số liệu"), "{}", r.body);
    assert!(app.api("GET", "/api/openapi.json", "lanhdao", None).await.body.contains("/api/dti/assessments"));
}
