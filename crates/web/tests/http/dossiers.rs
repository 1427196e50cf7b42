//! Information systems and security-level dossiers (`/dossiers`,
//! `GET /api/dossiers`, `GET /api/systems`), checked against
//! `chiso_core::register::security` on the demo registers of 23/11/2026.

use crate::{TestApp, today};
use axum::http::StatusCode;
use chiso_core::register::security::{counts, counts_by_unit, standings};
use chiso_core::register::{DossierState, Registers};

fn demo() -> Registers {
    chiso_demo::registers(today())
}

/// The text of the element with `id`, up to the next tag.
fn by_id(body: &str, id: &str) -> String {
    let marker = format!(r#"id="{id}""#);
    let rest = body.split(&marker).nth(1).unwrap_or_else(|| panic!("no element #{id}"));
    rest.split_once('>').unwrap().1.split('<').next().unwrap().trim().to_string()
}

/// The navigation bar.
fn nav(body: &str) -> &str {
    body.split(r#"<nav class="main-nav">"#).nth(1).unwrap().split("</nav>").next().unwrap()
}

/// The values of `attr` on the rows of the table with `id`, in order.
fn rows_of(body: &str, table: &str, attr: &str) -> Vec<String> {
    let t = body.split(&format!(r#"id="{table}""#)).nth(1).unwrap_or_else(|| panic!("no table #{table}"));
    let t = t.split("</table>").next().unwrap();
    t.split(&format!(r#" {attr}=""#)).skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_page_says_the_cores_sentence() {
    let app = TestApp::new().await;
    let reg = demo();
    let st = standings(&reg, today());
    let c = counts(&st);
    let sentence = c.sentence();
    assert_eq!(c.dossiers, c.approved + c.pending + c.returned);
    for who in ["vanphong", "admin", "lanhdao"] {
        let cookie = app.login(who).await;
        let r = app.get("/dossiers", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.body);
        assert_eq!(by_id(&r.body, "dossier-counts"), sentence, "{who}");
        assert!(nav(&r.body).contains(r#"<a href="/dossiers" class="active""#), "nav item for {who}");
        assert!(nav(&r.body).contains("An toàn thông tin"));
    }
    let office = app.login("vanphong").await;
    let r = app.get("/dossiers", Some(&office)).await;
    // Counts by unit: the core's, units in code order, and the total.
    let by_unit = counts_by_unit(&st);
    let units = rows_of(&r.body, "by-unit", "data-unit");
    assert_eq!(units, by_unit.iter().map(|(u, _)| u.as_ref().unwrap().to_string()).collect::<Vec<_>>());
    assert_eq!(units.len(), c.units);
    let returned: usize =
        rows_of(&r.body, "by-unit", "data-returned").iter().map(|x| x.parse::<usize>().unwrap()).sum();
    assert_eq!(returned, c.returned);
    // Every system of the register, with its level and owner.
    let systems = rows_of(&r.body, "systems", "data-system");
    assert_eq!(systems, reg.systems.iter().map(|s| s.code.to_string()).collect::<Vec<_>>());
    // A returned dossier shows what is missing, an approved one its decision.
    let ret = st.iter().find(|s| s.state == DossierState::Returned).unwrap();
    assert!(r.body.contains(&format!("Cần bổ sung: {}", ret.missing.unwrap())), "missing text of {}", ret.dossier.code);
    let ok = st.iter().find(|s| s.state == DossierState::Approved).unwrap();
    assert!(r.body.contains(&format!("Quyết định {}", ok.decision.unwrap())));
    // Level 5 → the Government; level 4 → after the ministry's appraisal.
    assert!(r.body.contains("sau khi có ý kiến thẩm định của Bộ"));
    println!("23/11/2026: {sentence}");
}

#[tokio::test]
async fn filters_narrow_the_counts() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let reg = demo();
    let st = standings(&reg, today());

    // By status: only the returned ones.
    let r = app.get("/dossiers?status=returned", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    let want: Vec<_> = st.iter().filter(|s| s.state == DossierState::Returned).cloned().collect();
    assert_eq!(by_id(&r.body, "dossier-counts"), counts(&want).sentence());
    let statuses = rows_of(&r.body, "systems", "data-status");
    assert_eq!(statuses.len(), want.len());
    assert!(statuses.iter().all(|s| s == "returned"), "{statuses:?}");

    // By unit: SO_KHCN's systems only.
    let r = app.get("/dossiers?unit=SO_KHCN", Some(&office)).await;
    let want: Vec<_> = st.iter().filter(|s| s.unit().unwrap().as_str() == "SO_KHCN").cloned().collect();
    assert_eq!(by_id(&r.body, "dossier-counts"), counts(&want).sentence());
    assert!(rows_of(&r.body, "systems", "data-unit").iter().all(|u| u == "SO_KHCN"));
    assert_eq!(rows_of(&r.body, "by-unit", "data-unit"), ["SO_KHCN"]);

    // By level, through the API too.
    let j = app.api("GET", "/api/dossiers?level=4", "vanphong", None).await;
    assert_eq!(j.status, StatusCode::OK, "{}", j.body);
    let want: Vec<_> = st.iter().filter(|s| s.level() == Some(4)).cloned().collect();
    let j = j.json();
    assert_eq!(j["sentence"], counts(&want).sentence());
    assert_eq!(j["dossiers"].as_array().unwrap().len(), want.len());
    assert!(
        j["dossiers"].as_array().unwrap().iter().all(|d| d["level"] == 4 && d["authority"] == "owner_after_ministry")
    );
    let r = app.get("/dossiers?level=4", Some(&office)).await;
    assert!(rows_of(&r.body, "systems", "data-level").iter().all(|l| l == "4"));

    // The systems without a dossier.
    let j = app.api("GET", "/api/systems?status=none", "vanphong", None).await.json();
    let none: Vec<_> =
        j["systems"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap().to_string()).collect();
    let want: Vec<String> = reg
        .systems
        .iter()
        .filter(|s| !st.iter().any(|d| d.dossier.system == s.code))
        .map(|s| s.code.to_string())
        .collect();
    assert_eq!(none, want);
    assert!(!none.is_empty());

    // Bad filters.
    assert_eq!(app.get("/dossiers?status=xyz", Some(&office)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/dossiers?level=7", Some(&office)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/dossiers?unit=KHONG_CO", Some(&office)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_reporter_sees_only_its_units_dossiers() {
    let app = TestApp::new().await;
    let reg = demo();
    let st = standings(&reg, today());
    let tree_units = |prefix: &[&str]| -> Vec<_> {
        st.iter().filter(|s| prefix.contains(&s.unit().unwrap().as_str())).cloned().collect::<Vec<_>>()
    };

    let so = app.login("so.khcn").await;
    let r = app.get("/dossiers", Some(&so)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!nav(&r.body).contains("/dossiers"), "no nav item for reporters");
    let want = tree_units(&["SO_KHCN"]);
    assert_eq!(by_id(&r.body, "dossier-counts"), counts(&want).sentence());
    assert!(rows_of(&r.body, "systems", "data-unit").iter().all(|u| u == "SO_KHCN"));
    assert!(!r.body.contains("HT_QLVB"), "VP_UBND's system leaked");
    // Another unit: refused.
    assert_eq!(app.get("/dossiers?unit=VP_UBND", Some(&so)).await.status, StatusCode::FORBIDDEN);
    let j = app.api("GET", "/api/dossiers", "so.khcn", None).await.json();
    assert!(j["dossiers"].as_array().unwrap().iter().all(|d| d["unit"] == "SO_KHCN"));
    assert_eq!(j["counts"]["dossiers"], want.len());

    // The district sees H_AN_PHU's; the commune has none.
    let j = app.api("GET", "/api/systems", "huyen.anphu", None).await.json();
    let owners: Vec<_> =
        j["systems"].as_array().unwrap().iter().map(|s| s["owner"].as_str().unwrap().to_string()).collect();
    assert!(!owners.is_empty() && owners.iter().all(|o| o == "H_AN_PHU"), "{owners:?}");
    let j = app.api("GET", "/api/dossiers", "xa.anphu", None).await.json();
    assert_eq!(j["sentence"], "0 đơn vị, 0 bộ hồ sơ: 0 đã phê duyệt, 0 chờ phê duyệt, 0 cần bổ sung");
    assert_eq!(app.api("GET", "/api/dossiers?unit=SO_KHCN", "xa.anphu", None).await.status, StatusCode::FORBIDDEN);
}
