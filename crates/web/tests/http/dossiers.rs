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

// ------------------------------------------------------------------ editing (systems, dossiers, steps)

use crate::enc;
use chiso_core::register::DossierStatus;
use chiso_store::{AuditFilter, AuditSubject};

/// The demo's sentence on 23/11/2026, before any edit.
const DEMO_SENTENCE: &str = "23 đơn vị, 42 bộ hồ sơ: 28 đã phê duyệt, 10 chờ phê duyệt, 4 cần bổ sung";

/// The sentence of `/dossiers` as the office sees it.
async fn office_sentence(app: &TestApp, office: &str) -> String {
    let r = app.get("/dossiers", Some(office)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    by_id(&r.body, "dossier-counts")
}

/// The audit entries of one register object, newest first.
async fn audit_of(app: &TestApp, kind: &str, code: &str) -> Vec<chiso_store::AuditEntry> {
    let filter = AuditFilter {
        kind: Some("register".into()),
        register_kind: Some(kind.into()),
        register_code: Some(code.into()),
        ..AuditFilter::default()
    };
    app.state.store.audit(&filter).await.unwrap()
}

async fn stored(app: &TestApp) -> Registers {
    app.state.store.load_registers().await.unwrap()
}

/// A form body from pairs, values percent-encoded.
fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect::<Vec<_>>().join("&")
}

/// The option values of the select box with `id`.
fn options_of(body: &str, id: &str) -> Vec<String> {
    let t = body.split(&format!(r#"id="{id}""#)).nth(1).unwrap_or_else(|| panic!("no select #{id}"));
    let t = t.split("</select>").next().unwrap();
    t.split(r#"<option value=""#).skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
}

/// The `recorded` cells of the steps table, in order.
fn recorded_cells(body: &str) -> Vec<String> {
    let t = body.split(r#"id="steps""#).nth(1).unwrap().split("</table>").next().unwrap();
    t.split(r#"class="muted recorded">"#).skip(1).map(|s| s.split('<').next().unwrap().trim().to_string()).collect()
}

#[tokio::test]
async fn a_reporter_registers_a_system_and_the_office_approves_its_dossier() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let so = app.login("so.khcn").await;
    let demo_reg = demo();
    assert_eq!(counts(&standings(&demo_reg, today())).sentence(), DEMO_SENTENCE);
    assert_eq!(office_sentence(&app, &office).await, DEMO_SENTENCE);

    // so.khcn registers a level-3 system for its own unit; the form offers only SO_KHCN.
    let r = app.get("/systems/new", Some(&so)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(options_of(&r.body, "owner"), ["SO_KHCN"]);
    assert!(r.body.contains("Cấp độ 3 — Chủ quản hệ thống thông tin phê duyệt, sau khi đơn vị chuyên trách"));
    let body = form(&[
        ("code", "HT_KHO_DL"),
        ("name", "Kho dữ liệu dùng chung của tỉnh"),
        ("owner", "SO_KHCN"),
        ("purpose", "Lưu trữ, chia sẻ dữ liệu mở của tỉnh"),
        ("level", "3"),
        ("in_operation_since", "2026-06-01"),
    ]);
    let r = app.post_form("/systems/new", Some(&so), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/dossiers?saved=HT_KHO_DL#system-HT_KHO_DL"));
    let reg = stored(&app).await;
    let sys = reg.systems.iter().find(|s| s.code.as_str() == "HT_KHO_DL").expect("stored");
    assert_eq!((sys.owner.as_str(), sys.level, sys.name.as_str()), ("SO_KHCN", 3, "Kho dữ liệu dùng chung của tỉnh"));
    assert_eq!(sys.in_operation_since, Some("2026-06-01".parse().unwrap()));
    assert_eq!(reg.systems.len(), 45);
    // A system without a dossier is not counted yet; the list offers to submit one.
    assert_eq!(office_sentence(&app, &office).await, DEMO_SENTENCE);
    let r = app.get("/dossiers", Some(&so)).await;
    assert!(r.body.contains(r#"href="/systems/HT_KHO_DL/edit""#));
    assert!(r.body.contains(r#"href="/dossiers/new?system=HT_KHO_DL""#));
    assert!(r.body.contains(r#"id="new-system""#) && r.body.contains("Đăng ký hệ thống"));

    // so.khcn submits its dossier (the code proposed from the system's).
    let r = app.get("/dossiers/new?system=HT_KHO_DL", Some(&so)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"value="HS_KHO_DL""#));
    let r = app.post_form("/dossiers/new", Some(&so), "system=HT_KHO_DL&submitted=2026-11-02").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/dossiers/HS_KHO_DL?saved=submitted"));
    assert_eq!(
        office_sentence(&app, &office).await,
        "23 đơn vị, 43 bộ hồ sơ: 28 đã phê duyệt, 11 chờ phê duyệt, 4 cần bổ sung"
    );
    // A second one while it is in progress: refused.
    let r = app.post_form("/dossiers/new", Some(&so), "system=HT_KHO_DL").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("HS_KHO_DL"));

    // Appraisal is the office's to record, not the owner's.
    let steps = "/dossiers/HS_KHO_DL/steps";
    let r = app.post_form(steps, Some(&so), "status=under_appraisal&date=2026-11-05").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post_form(steps, Some(&office), "status=under_appraisal&date=2026-11-05").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        office_sentence(&app, &office).await,
        "23 đơn vị, 43 bộ hồ sơ: 28 đã phê duyệt, 11 chờ phê duyệt, 4 cần bổ sung"
    );
    let missing = "thiếu phương án bảo đảm an toàn thông tin theo cấp độ";
    let body = form(&[("status", "returned"), ("date", "2026-11-10"), ("missing", missing)]);
    let r = app.post_form(steps, Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/dossiers/HS_KHO_DL?saved=returned"));
    // Returned: pending −1, returned +1.
    assert_eq!(
        office_sentence(&app, &office).await,
        "23 đơn vị, 43 bộ hồ sơ: 28 đã phê duyệt, 10 chờ phê duyệt, 5 cần bổ sung"
    );

    // The owner sees what is missing and may only resubmit.
    let r = app.get("/dossiers/HS_KHO_DL?saved=returned", Some(&so)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(missing));
    assert_eq!(options_of(&r.body, "status"), ["resubmitted"]);
    let r = app.post_form(steps, Some(&so), "status=resubmitted&date=2026-11-18").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        office_sentence(&app, &office).await,
        "23 đơn vị, 43 bộ hồ sơ: 28 đã phê duyệt, 11 chờ phê duyệt, 4 cần bổ sung"
    );

    // The office approves with the decision.
    let r = app.get("/dossiers/HS_KHO_DL", Some(&office)).await;
    assert_eq!(options_of(&r.body, "status"), ["under_appraisal", "returned", "approved"]);
    let body = form(&[("status", "approved"), ("date", "2026-11-23"), ("decision", "1520/QĐ-UBND")]);
    let r = app.post_form(steps, Some(&office), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        office_sentence(&app, &office).await,
        "23 đơn vị, 43 bộ hồ sơ: 29 đã phê duyệt, 10 chờ phê duyệt, 4 cần bổ sung"
    );

    // What the register holds, and the counts the core makes of it.
    let reg = stored(&app).await;
    let d = reg.dossiers.iter().find(|d| d.code.as_str() == "HS_KHO_DL").unwrap();
    assert_eq!((d.system.as_str(), d.submitted), ("HT_KHO_DL", "2026-11-02".parse().unwrap()));
    let statuses: Vec<DossierStatus> = d.history.iter().map(|s| s.status).collect();
    use DossierStatus::*;
    assert_eq!(statuses, [UnderAppraisal, Returned, Resubmitted, Approved]);
    assert_eq!(d.history[1].missing.as_deref(), Some(missing));
    assert_eq!(d.history[3].decision.as_deref(), Some("1520/QĐ-UBND"));
    let c = counts(&standings(&reg, today()));
    assert_eq!((c.dossiers, c.approved, c.pending, c.returned), (43, 29, 10, 4));

    // The dossier page: approved, its decision, who recorded each step, no form.
    let r = app.get("/dossiers/HS_KHO_DL", Some(&office)).await;
    assert!(r.body.contains(r#"data-step="approved""#));
    assert!(r.body.contains("Quyết định 1520/QĐ-UBND ngày 23/11/2026"));
    assert!(r.body.contains("Cấp độ") && r.body.contains("sau khi đơn vị chuyên trách về an toàn thông tin thẩm định"));
    assert!(!r.body.contains(r#"id="step-form""#));
    let who: Vec<String> = recorded_cells(&r.body).iter().map(|c| c.split(' ').next().unwrap().to_string()).collect();
    assert_eq!(who, ["so.khcn", "vanphong", "vanphong", "so.khcn", "vanphong"]);
    assert!(recorded_cells(&r.body).iter().all(|c| c.ends_with("(web)")));

    // The audit trail: kind register, who and the route, old → new.
    let entries = audit_of(&app, "dossier", "HS_KHO_DL").await;
    let users: Vec<&str> = entries.iter().map(|e| e.username.as_str()).collect();
    assert_eq!(users, ["vanphong", "so.khcn", "vanphong", "vanphong", "so.khcn"]);
    assert!(entries.iter().all(|e| e.route == "web"));
    assert_eq!(entries[0].subject, AuditSubject::Register { kind: "dossier".into(), code: "HS_KHO_DL".into() });
    assert!(entries[4].old.is_none(), "the submission creates it");
    assert!(entries[0].new.as_deref().unwrap().contains("1520/QĐ-UBND"));
    let entries = audit_of(&app, "system", "HT_KHO_DL").await;
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0].username.as_str(), entries[0].route.as_str()), ("so.khcn", "web"));

    // After approval: nothing more on it; a new dossier (a new level) says why.
    let r = app.post_form(steps, Some(&so), "status=resubmitted").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.post_form("/dossiers/new", Some(&so), "system=HT_KHO_DL").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("(note)"), "{}", r.body);
    // so.khcn edits its system: level 4 now needs the ministry's appraisal.
    let body = form(&[("name", "Kho dữ liệu dùng chung"), ("owner", "SO_KHCN"), ("level", "4"), ("code", "KHAC")]);
    let r = app.post_form("/systems/HT_KHO_DL/edit", Some(&so), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let reg = stored(&app).await;
    assert!(reg.systems.iter().all(|s| s.code.as_str() != "KHAC"), "the code is fixed once created");
    let sys = reg.systems.iter().find(|s| s.code.as_str() == "HT_KHO_DL").unwrap();
    assert_eq!((sys.level, sys.name.as_str(), sys.in_operation_since), (4, "Kho dữ liệu dùng chung", None));
    let r = app.get("/systems/HT_KHO_DL/edit", Some(&so)).await;
    assert!(by_id(&r.body, "authority").contains("sau khi có ý kiến thẩm định của Bộ"));
    let body = form(&[("system", "HT_KHO_DL"), ("note", "Nâng lên cấp độ 4")]);
    let r = app.post_form("/dossiers/new", Some(&so), &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/dossiers/HS_KHO_DL_2?saved=submitted"));
    assert_eq!(
        office_sentence(&app, &office).await,
        "23 đơn vị, 44 bộ hồ sơ: 29 đã phê duyệt, 11 chờ phê duyệt, 4 cần bổ sung"
    );
}

#[tokio::test]
async fn out_of_order_steps_are_refused_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let reg = demo();
    let st = standings(&reg, today());
    let status_of = |code: &str| st.iter().find(|s| s.dossier.code.as_str() == code).unwrap().status;
    // HS_LGSP (SO_KHCN) is approved, HS_HNTH (SO_KHCN) returned, HS_PACS (SO_YT) only submitted.
    assert_eq!(status_of("HS_LGSP"), DossierStatus::Approved);
    assert_eq!(status_of("HS_HNTH"), DossierStatus::Returned);
    assert_eq!(status_of("HS_PACS"), DossierStatus::Submitted);
    let before = stored(&app).await;
    let mut audit_before = Vec::new();
    for code in ["HS_LGSP", "HS_HNTH", "HS_PACS"] {
        audit_before.push(audit_of(&app, "dossier", code).await.len());
    }

    let cases: &[(&str, &str, serde_json::Value, &str)] = &[
        // Nothing after approval, even from the owner.
        ("so.khcn", "HS_LGSP", serde_json::json!({"status": "resubmitted"}), "status"),
        ("vanphong", "HS_LGSP", serde_json::json!({"status": "under_appraisal"}), "status"),
        // After a return, only a resubmission.
        ("vanphong", "HS_HNTH", serde_json::json!({"status": "approved", "decision": "1/QĐ-UBND"}), "status"),
        // Approval names its decision; a return what is missing.
        ("vanphong", "HS_PACS", serde_json::json!({"status": "approved"}), "decision"),
        ("vanphong", "HS_PACS", serde_json::json!({"status": "approved", "decision": "  "}), "decision"),
        ("vanphong", "HS_PACS", serde_json::json!({"status": "returned"}), "missing"),
        ("vanphong", "HS_PACS", serde_json::json!({"status": "under_appraisal", "decision": "2/QĐ-UBND"}), "decision"),
        // Submitted, resubmitted out of turn, unknown status.
        ("vanphong", "HS_PACS", serde_json::json!({"status": "submitted"}), "status"),
        ("vanphong", "HS_PACS", serde_json::json!({"status": "resubmitted"}), "status"),
        ("vanphong", "HS_PACS", serde_json::json!({"status": "da_duyet"}), "status"),
        // Dated after today, or before the submission.
        ("vanphong", "HS_PACS", serde_json::json!({"status": "under_appraisal", "date": "2026-11-24"}), "date"),
        ("vanphong", "HS_PACS", serde_json::json!({"status": "under_appraisal", "date": "2026-11-09"}), "date"),
        ("vanphong", "HS_PACS", serde_json::json!({"status": "under_appraisal", "date": "23-11-2026"}), "date"),
        // Fields the step does not have.
        ("vanphong", "HS_PACS", serde_json::json!({"status": "under_appraisal", "history": []}), "history"),
    ];
    for (who, code, body, field) in cases {
        let r = app.api("POST", &format!("/api/dossiers/{code}/steps"), who, Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{who} {code} {body}: {}", r.body);
        let j = r.json();
        let msg = j["message"].as_str().unwrap();
        assert!(msg.contains(field), "{body}: the message names {field}: {msg}");
        assert_eq!(j["httpStatusCode"], 400);
    }
    // The page refuses the same way.
    let office = app.login("vanphong").await;
    let r = app.post_form("/dossiers/HS_PACS/steps", Some(&office), "status=approved&date=2026-11-23").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Số quyết định (decision)"));
    // Nothing stored, nothing audited.
    let after = stored(&app).await;
    assert_eq!(after.dossiers, before.dossiers);
    for (code, n) in ["HS_LGSP", "HS_HNTH", "HS_PACS"].into_iter().zip(audit_before) {
        assert_eq!(audit_of(&app, "dossier", code).await.len(), n, "no audit entry for {code}");
    }
    assert_eq!(office_sentence(&app, &office).await, DEMO_SENTENCE);
}

#[tokio::test]
async fn other_units_and_leaders_cannot_write() {
    let app = TestApp::new().await;
    let before = stored(&app).await;
    let system = serde_json::json!({"name": "Hệ thống thử", "owner": "SO_KHCN", "level": 2});
    // xa.anphu and SO_KHCN's systems and dossiers.
    for (method, path, body) in [
        ("PUT", "/api/systems/HT_LGSP", Some(system.clone())),
        ("PUT", "/api/systems/HT_MOI", Some(system.clone())),
        ("POST", "/api/dossiers", Some(serde_json::json!({"system": "HT_HNTH"}))),
        ("POST", "/api/dossiers/HS_HNTH/steps", Some(serde_json::json!({"status": "resubmitted"}))),
        ("GET", "/api/dossiers/HS_LGSP", None),
        ("DELETE", "/api/systems/HT_LGSP", None),
    ] {
        let r = app.api(method, path, "xa.anphu", body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "xa.anphu {method} {path}: {}", r.body);
    }
    let xa = app.login("xa.anphu").await;
    for path in ["/systems/HT_LGSP/edit", "/dossiers/HS_LGSP", "/dossiers/new?system=HT_LGSP"] {
        assert_eq!(app.get(path, Some(&xa)).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = app.post_form("/dossiers/HS_HNTH/steps", Some(&xa), "status=resubmitted").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post_form("/systems/new", Some(&xa), "code=HT_MOI&name=X&owner=SO_KHCN&level=2").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The commune's own owner list holds only what it writes for.
    let r = app.get("/systems/new", Some(&xa)).await;
    assert_eq!(r.status, StatusCode::OK);
    let xa_unit = app.state.store.account("xa.anphu").await.unwrap().unwrap().0.scope.unit.unwrap().to_string();
    assert_eq!(options_of(&r.body, "owner"), [xa_unit]);

    // The leader reads but never writes.
    let leader = app.login("lanhdao").await;
    for (method, path, body) in [
        ("PUT", "/api/systems/HT_LGSP", Some(system.clone())),
        ("PUT", "/api/systems/HT_MOI", Some(system.clone())),
        ("DELETE", "/api/systems/HT_DU_LICH", None),
        ("POST", "/api/dossiers", Some(serde_json::json!({"system": "HT_DU_LICH"}))),
        ("POST", "/api/dossiers/HS_HNTH/steps", Some(serde_json::json!({"status": "resubmitted"}))),
        ("POST", "/api/dossiers/HS_PACS/steps", Some(serde_json::json!({"status": "approved", "decision": "9/QĐ"}))),
    ] {
        let r = app.api(method, path, "lanhdao", body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "lanhdao {method} {path}: {}", r.body);
    }
    for (path, body) in [
        ("/systems/new", "code=HT_MOI&name=X&owner=SO_KHCN&level=2"),
        ("/systems/HT_LGSP/edit", "name=X&owner=SO_KHCN&level=2"),
        ("/systems/HT_DU_LICH/delete", ""),
        ("/dossiers/new", "system=HT_DU_LICH"),
        ("/dossiers/HS_HNTH/steps", "status=resubmitted"),
        ("/dossiers/HS_PACS/steps", "status=approved&decision=9%2FQ%C4%90"),
    ] {
        assert_eq!(app.post_form(path, Some(&leader), body).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    for path in ["/systems/new", "/systems/HT_LGSP/edit", "/dossiers/new"] {
        assert_eq!(app.get(path, Some(&leader)).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = app.get("/dossiers/HS_LGSP", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains(r#"id="step-form""#));
    let r = app.get("/dossiers", Some(&leader)).await;
    assert!(!r.body.contains(r#"id="new-system""#) && !r.body.contains("/systems/HT_LGSP/edit"));

    // The owner may not record the appraising authority's steps.
    for (code, status) in [("HS_HNTH", "approved"), ("HS_HNTH", "returned"), ("HS_LGSP", "under_appraisal")] {
        let body = serde_json::json!({"status": status, "decision": "9/QĐ-UBND", "missing": "thiếu"});
        let r = app.api("POST", &format!("/api/dossiers/{code}/steps"), "so.khcn", Some(body)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "so.khcn {status} {code}: {}", r.body);
        assert!(r.json()["message"].as_str().unwrap().contains("Văn phòng"));
    }
    // Nor delete its system; the office may not delete one with dossiers.
    assert_eq!(app.api("DELETE", "/api/systems/HT_LGSP", "so.khcn", None).await.status, StatusCode::FORBIDDEN);
    let office = app.login("vanphong").await;
    let r = app.post_form("/systems/HT_LGSP/delete", Some(&office), "").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Không xóa được hệ thống HT_LGSP") && r.body.contains("HS_LGSP"), "{}", r.body);
    let r = app.get("/systems/HT_LGSP/edit", Some(&office)).await;
    assert!(r.body.contains(r#"id="no-delete""#) && !r.body.contains(r#"id="delete-form""#));

    assert_eq!(stored(&app).await, before, "nothing was stored");
}

#[tokio::test]
async fn systems_and_dossiers_round_trip_over_the_api() {
    let app = TestApp::new().await;
    let sys = serde_json::json!({
        "name": "Hệ thống sao lưu dữ liệu tập trung",
        "owner": "SO_TC",
        "purpose": "Sao lưu dữ liệu tài chính",
        "level": 4,
        "in_operation_since": "2025-03-01"
    });
    let r = app.api("PUT", "/api/systems/HT_SAO_LUU", "vanphong", Some(sys.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!(j["authority"], "owner_after_ministry");
    assert_eq!(j["system"]["code"], "HT_SAO_LUU");
    // Replacing: level 5, the Government approves.
    let mut five = sys.clone();
    five["level"] = 5.into();
    five["code"] = "HT_SAO_LUU".into();
    let r = app.api("PUT", "/api/systems/HT_SAO_LUU", "vanphong", Some(five)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["authority"], "government");
    let j = app.api("GET", "/api/systems?unit=SO_TC", "vanphong", None).await.json();
    let row = j["systems"].as_array().unwrap().iter().find(|s| s["code"] == "HT_SAO_LUU").unwrap().clone();
    assert_eq!((row["level"].as_u64(), row["dossier"].is_null()), (Some(5), true));
    assert_eq!(row["authority_label"], "Thủ tướng Chính phủ phê duyệt");
    let reg = stored(&app).await;
    let position = reg.systems.iter().position(|s| s.code.as_str() == "HT_SAO_LUU").unwrap();
    assert_eq!(position, 44, "a new system goes last, a replaced one keeps its place");

    // Bad bodies name the field; nothing stored.
    for (body, field) in [
        (serde_json::json!({"code": "HT_KHAC", "name": "X", "owner": "SO_TC", "level": 2}), "code"),
        (serde_json::json!({"name": "X", "owner": "SO_TC", "level": 7}), "level"),
        (serde_json::json!({"name": "  ", "owner": "SO_TC", "level": 2}), "name"),
        (serde_json::json!({"name": "X", "owner": "KHONG_CO", "level": 2}), "owner"),
        (
            serde_json::json!({"name": "X", "owner": "SO_TC", "level": 2, "in_operation_since": "2027-01-01"}),
            "in_operation_since",
        ),
        (serde_json::json!({"name": "X", "owner": "SO_TC", "level": 2, "cap_do": 2}), "cap_do"),
    ] {
        let r = app.api("PUT", "/api/systems/HT_SAI", "vanphong", Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert!(r.json()["message"].as_str().unwrap().contains(field), "{body}: {}", r.body);
    }
    assert!(stored(&app).await.systems.iter().all(|s| s.code.as_str() != "HT_SAI"));
    // A district reporter may not register for a department.
    let r = app.api("PUT", "/api/systems/HT_SAI", "huyen.anphu", Some(sys.clone())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Submit, then one more while in progress: 409; delete with a dossier: 409.
    let r = app
        .api(
            "POST",
            "/api/dossiers",
            "vanphong",
            Some(serde_json::json!({"system": "HT_SAO_LUU", "submitted": "2026-11-20"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!(j["dossier"]["code"], "HS_SAO_LUU");
    assert_eq!(j["dossier"]["status"], "submitted");
    assert_eq!(j["dossier"]["authority"], "government");
    let next: Vec<&str> =
        j["dossier"]["next"].as_array().unwrap().iter().map(|n| n["status"].as_str().unwrap()).collect();
    assert_eq!(next, ["under_appraisal", "returned", "approved"]);
    // SO_TC had dossiers already: 23 units still, one more pending.
    assert_eq!(j["sentence"], "23 đơn vị, 43 bộ hồ sơ: 28 đã phê duyệt, 11 chờ phê duyệt, 4 cần bổ sung");
    let r = app.api("POST", "/api/dossiers", "vanphong", Some(serde_json::json!({"system": "HT_SAO_LUU"}))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app.api("DELETE", "/api/systems/HT_SAO_LUU", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.json()["message"].as_str().unwrap().contains("HS_SAO_LUU"));

    // Approval over the API: the counts follow.
    let body = serde_json::json!({"status": "approved", "date": "2026-11-22", "decision": "88/QĐ-TTg", "note": "Thủ tướng phê duyệt"});
    let r = app.api("POST", "/api/dossiers/HS_SAO_LUU/steps", "vanphong", Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    assert_eq!(j["counts"]["approved"], 29);
    assert_eq!(j["sentence"], "23 đơn vị, 43 bộ hồ sơ: 29 đã phê duyệt, 10 chờ phê duyệt, 4 cần bổ sung");
    let j = app.api("GET", "/api/dossiers/HS_SAO_LUU", "vanphong", None).await.json();
    assert_eq!(j["status"], "approved");
    assert_eq!(j["state"], "approved");
    assert!(j["next"].as_array().unwrap().is_empty() && j["allowed_next"].as_array().unwrap().is_empty());
    let steps = j["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[1]["decision"], "88/QĐ-TTg");
    assert_eq!(steps[1]["date"], "2026-11-22");
    assert_eq!(
        (steps[1]["recorded"]["username"].as_str(), steps[1]["recorded"]["route"].as_str()),
        (Some("vanphong"), Some("api"))
    );
    // The list agrees with the dossier.
    let j = app.api("GET", "/api/dossiers?unit=SO_TC", "vanphong", None).await.json();
    let d = j["dossiers"].as_array().unwrap().iter().find(|d| d["code"] == "HS_SAO_LUU").unwrap().clone();
    assert_eq!((d["state"].as_str(), d["decision"].as_str()), (Some("approved"), Some("88/QĐ-TTg")));
    // Audit: route api.
    let entries = audit_of(&app, "dossier", "HS_SAO_LUU").await;
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.username == "vanphong" && e.route == "api"));
    let entries = audit_of(&app, "system", "HT_SAO_LUU").await;
    assert_eq!(entries.len(), 2);
    let level = |body: &Option<String>| {
        serde_json::from_str::<serde_json::Value>(body.as_deref().unwrap()).unwrap()["level"].clone()
    };
    assert_eq!((level(&entries[0].old), level(&entries[0].new)), (4.into(), 5.into()));

    // A new dossier after approval says why; it gets the next free code.
    let r = app.api("POST", "/api/dossiers", "vanphong", Some(serde_json::json!({"system": "HT_SAO_LUU"}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"].as_str().unwrap().contains("note"));
    let r = app
        .api(
            "POST",
            "/api/dossiers",
            "vanphong",
            Some(serde_json::json!({"system": "HT_SAO_LUU", "note": "Đánh giá lại sau nâng cấp", "history": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "history is recorded step by step");
    let r = app
        .api(
            "POST",
            "/api/dossiers",
            "vanphong",
            Some(serde_json::json!({"system": "HT_SAO_LUU", "note": "Đánh giá lại sau nâng cấp"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["dossier"]["code"], "HS_SAO_LUU_2");

    // A system without dossiers: the office deletes it, the register forgets it.
    assert_eq!(app.api("DELETE", "/api/systems/HT_DU_LICH", "so.khcn", None).await.status, StatusCode::FORBIDDEN);
    let r = app.api("DELETE", "/api/systems/HT_DU_LICH", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["deleted"], "HT_DU_LICH");
    assert!(stored(&app).await.systems.iter().all(|s| s.code.as_str() != "HT_DU_LICH"));
    let entries = audit_of(&app, "system", "HT_DU_LICH").await;
    assert_eq!(
        (entries[0].username.as_str(), entries[0].route.as_str(), entries[0].new.is_none()),
        ("vanphong", "api", true)
    );
    assert_eq!(app.api("DELETE", "/api/systems/HT_DU_LICH", "vanphong", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.api("GET", "/api/dossiers/KHONG_CO", "vanphong", None).await.status, StatusCode::NOT_FOUND);

    // The routes are documented.
    let doc = app.api("GET", "/api/openapi.json", "vanphong", None).await.json();
    for p in ["/api/systems/{code}", "/api/dossiers/{code}", "/api/dossiers/{code}/steps"] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
    assert!(doc["paths"]["/api/dossiers"]["post"].is_object());
    assert!(doc["paths"]["/api/systems/{code}"]["delete"].is_object());
}
