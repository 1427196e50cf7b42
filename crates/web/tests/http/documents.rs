//! Official reports (issue 4): the preview, the DOCX and XLSX downloads, the
//! template editor with its versions, and the JSON API — every figure equal
//! to the resident engine's.

use super::*;
use chiso_analytics::{AnalyticsEngine, DxItem};
use chiso_core::number::format_integer;
use chiso_core::period::Period;
use std::io::Read;

/// A response with its body as bytes (downloads are binary).
struct Raw {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

impl Raw {
    fn header(&self, name: header::HeaderName) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }
}

async fn raw(app: &TestApp, req: Request<Body>) -> Raw {
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20).await.unwrap().to_vec();
    Raw { status, headers, bytes }
}

async fn get_raw(app: &TestApp, path: &str, cookie: &str) -> Raw {
    raw(app, Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
}

/// The engine's figure for the province, as the report writes integers.
fn engine_integer(app: &TestApp, dx: &str, pe: &str) -> String {
    let snap = app.state.snapshot();
    let model = &snap.model;
    let item = DxItem::parse(dx, model).unwrap();
    let hl = model.tree().index("HL").unwrap();
    let v = snap.engine.value(&item, hl, &Period::parse(pe).unwrap()).unwrap();
    format_integer(v.round() as i64)
}

/// A file of a zip archive, as text.
fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut f = z.by_name(name).unwrap_or_else(|_| panic!("{name} in the archive"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// The text of a DOCX body (runs joined), so a figure split across runs is found.
fn docx_text(bytes: &[u8]) -> String {
    let xml = zip_entry(bytes, "word/document.xml");
    let mut out = String::new();
    let mut rest = xml.as_str();
    while let Some(i) = rest.find("<w:t") {
        rest = &rest[i + 4..];
        let Some(gt) = rest.find('>') else { break };
        if rest[..gt].ends_with('/') || !(rest.starts_with('>') || rest.starts_with(' ')) {
            rest = &rest[gt + 1..];
            continue;
        }
        rest = &rest[gt + 1..];
        let end = rest.find("</w:t>").unwrap_or(rest.len());
        out.push_str(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

const EDITED: &str = "Tình hình thực hiện chuyển đổi số";
const ORIGINAL: &str = "Tình hình triển khai chuyển đổi số";

#[tokio::test]
async fn the_office_previews_the_monthly_report_with_the_engines_figures() {
    let app = TestApp::new().await;
    let cookie = app.login("vanphong").await;
    let received = engine_integer(&app, "HS_TIEP_NHAN", "202610");
    let handled = engine_integer(&app, "HS_GIAI_QUYET", "202610");

    // The list: both built-ins, the monthly one preselecting October (the
    // latest period whose deadline has passed on 23/11/2026).
    let r = app.get("/reports", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"<tr data-template="monthly" data-version="builtin">"#), "{}", r.body);
    assert!(r.body.contains(r#"<tr data-template="weekly" data-version="builtin">"#));
    assert!(r.body.contains(r#"href="/reports/monthly?pe=202610""#));
    assert!(r.body.contains(r#"<option value="202610" selected>Tháng 10/2026</option>"#));
    assert!(r.body.contains(r#"href="/reports">Báo cáo</a>"#) || r.body.contains(r#"href="/reports" class="active""#));

    // The default period of the preview is the same October.
    let r = app.get("/reports/monthly", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"data-period="202610""#));

    let r = app.get("/reports/monthly?pe=202610", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"<article class="nd30">"#));
    assert!(r.body.contains("/static/report-preview.css"));
    assert!(r.body.contains(&format!("{ORIGINAL} của tỉnh Hòa Lâm")), "the summary");
    assert!(r.body.contains("tháng 10 năm 2026"));
    assert!(r.body.contains(&format!("đã tiếp nhận {received} hồ sơ")), "HS_TIEP_NHAN = {received}");
    assert!(
        r.body.contains(&format!("đã giải quyết\n{handled} hồ sơ")) || r.body.contains(&format!("{handled} hồ sơ"))
    );
    assert!(r.body.contains(r#"id="template-version" data-version="builtin""#));
    assert!(r.body.contains(r#"href="/reports/monthly/download.docx?pe=202610""#));
    assert!(r.body.contains(r#"href="/reports/monthly/download.xlsx?pe=202610""#));

    let css = app.get("/static/report-preview.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.body.contains(".nd30-page"));

    // The DOCX: a zip whose body holds the same figure.
    let d = get_raw(&app, "/reports/monthly/download.docx?pe=202610", &cookie).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.bytes.starts_with(b"PK"));
    assert_eq!(
        d.header(header::CONTENT_TYPE),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let disposition = d.header(header::CONTENT_DISPOSITION);
    assert!(disposition.starts_with(r#"attachment; filename="bao-cao-thang-202610.docx""#), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng"), "{disposition}");
    let text = docx_text(&d.bytes);
    assert!(text.contains(&format!("đã tiếp nhận {received} hồ sơ")), "DOCX holds {received}");
    assert!(text.contains("BÁO CÁO"));

    // The XLSX of the tables opens, and its sheets hold the engine's figures.
    let x = get_raw(&app, "/reports/monthly/download.xlsx?pe=202610", &cookie).await;
    assert_eq!(x.status, StatusCode::OK);
    assert_eq!(x.header(header::CONTENT_TYPE), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(x.header(header::CONTENT_DISPOSITION).contains(r#"filename="bao-cao-thang-202610.xlsx""#));
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(x.bytes)).unwrap();
    let sheets = wb.sheet_names().to_vec();
    assert!(!sheets.is_empty());
    let range = wb.worksheet_range(&sheets[0]).unwrap();
    assert!(range.rows().count() > 3, "a table with rows");

    // A unit: the district's own report, with its file name.
    let r = app.get("/reports/monthly?pe=202610&ou=H_AN_PHU", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    let d = get_raw(&app, "/reports/monthly/download.docx?pe=202610&ou=H_AN_PHU", &cookie).await;
    assert!(d.header(header::CONTENT_DISPOSITION).contains(r#"filename="bao-cao-thang-202610-h-an-phu.docx""#));

    // The weekly report.
    let r = app.get("/reports/weekly", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"<article class="nd30">"#));

    // A period of the wrong kind is a 400 page naming why.
    let r = app.get("/reports/monthly?pe=2026SatW46", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(r#"id="report-errors""#));
    assert!(r.body.contains(r#"data-place="period_type""#));
    let r = app.get("/reports/monthly?pe=2026-13", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.get("/reports/khong-co", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_office_edits_templates_in_versions() {
    let app = TestApp::new().await;
    let cookie = app.login("vanphong").await;
    let source = chiso_report::builtin::source("monthly").unwrap();

    let r = app.get("/reports/monthly/edit", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"<textarea id="template-body" name="body""#));
    assert!(
        r.body.contains("Tình hình triển khai chuyển đổi số của {{ province | lower_first }}"),
        "the built-in source"
    );

    // An invalid template: an unknown element inside a value(...). Refused,
    // naming the place; nothing stored.
    let bad = source.replacen("value('HS_TIEP_NHAN')", "value('HS_KHONG_CO')", 1);
    assert_ne!(bad, source);
    for action in ["check", "save"] {
        let r =
            app.post_form("/reports/monthly/edit", Some(&cookie), &format!("action={action}&body={}", enc(&bad))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{action}");
        assert!(r.body.contains(r#"id="template-errors""#));
        assert!(r.body.contains(r#"data-place="sections[0].sections[1].blocks[0].text"#), "{}", r.body);
        assert!(r.body.contains("HS_KHONG_CO"), "the message names the code");
        assert!(
            r.body.contains("value(&#39;HS_KHONG_CO&#39;)")
                || r.body.contains("value(&#x27;HS_KHONG_CO&#x27;)")
                || r.body.contains("value('HS_KHONG_CO')"),
            "the editor keeps the text"
        );
    }
    assert!(app.state.store.report_template_versions("monthly").await.unwrap().is_empty());

    // YAML that does not parse.
    let r = app.post_form("/reports/monthly/edit", Some(&cookie), "action=save&body=name%3A+%5B").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("YAML"));

    // A valid check stores nothing either.
    let good = source.replacen(ORIGINAL, EDITED, 1);
    let r = app.post_form("/reports/monthly/edit", Some(&cookie), &format!("action=check&body={}", enc(&good))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"class="alert ok" id="saved""#));
    assert!(app.state.store.report_template_versions("monthly").await.unwrap().is_empty());

    // Saved: version 1 by vanphong; the preview shows the changed word.
    let r = app.post_form("/reports/monthly/edit", Some(&cookie), &format!("action=save&body={}", enc(&good))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/reports/monthly/edit?saved=1"));
    let stored = app.state.store.report_template("monthly", None).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.author.as_str()), (1, "vanphong"));
    assert_eq!(stored.body, good, "kept as written, comments included");
    let r = app.get("/reports/monthly?pe=202610", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("{EDITED} của tỉnh Hòa Lâm")));
    assert!(r.body.contains(r#"data-version="1""#));
    let d = get_raw(&app, "/reports/monthly/download.docx?pe=202610", &cookie).await;
    assert!(docx_text(&d.bytes).contains(EDITED));

    // The history, and the same body again stores nothing.
    let r = app.get("/reports/monthly/edit?saved=1", Some(&cookie)).await;
    assert!(r.body.contains(r#"<tr data-version="1" class="current">"#), "{}", r.body);
    assert!(r.body.contains("Đã lưu mẫu báo cáo thành phiên bản 1."));
    let r = app.post_form("/reports/monthly/edit", Some(&cookie), &format!("action=save&body={}", enc(&good))).await;
    assert_eq!(r.location(), Some("/reports/monthly/edit?unchanged=1"));

    // Version 2 as admin; version 1 stays viewable and loadable.
    let admin = app.login("admin").await;
    let r = app.post_form("/reports/monthly/edit", Some(&admin), &format!("action=save&body={}", enc(source))).await;
    assert_eq!(r.location(), Some("/reports/monthly/edit?saved=2"));
    let versions = app.state.store.report_template_versions("monthly").await.unwrap();
    assert_eq!(
        versions.iter().map(|v| (v.version, v.author.as_str())).collect::<Vec<_>>(),
        [(2, "admin"), (1, "vanphong")]
    );
    let r = app.get("/reports/monthly?pe=202610", Some(&cookie)).await;
    assert!(r.body.contains(ORIGINAL) && !r.body.contains(EDITED));
    let r = app.get("/reports/monthly?pe=202610&version=1", Some(&cookie)).await;
    assert!(r.body.contains(EDITED));
    let unescaped = r.body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(unescaped.contains(r#"href="/reports/monthly/download.docx?pe=202610&version=1""#));
    let r = app.get("/reports/monthly/edit?version=1", Some(&cookie)).await;
    assert!(r.body.contains(EDITED));
    let r = app.get("/reports/monthly?pe=202610&version=9", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A new template, saved under a new name; its YAML name follows.
    let r = app
        .post_form(
            "/reports/monthly/edit",
            Some(&cookie),
            &format!("action=save&save_as=thang-gon&body={}", enc(&good)),
        )
        .await;
    assert_eq!(r.location(), Some("/reports/thang-gon/edit?saved=1"), "{}", r.body);
    let stored = app.state.store.report_template("thang-gon", None).await.unwrap().unwrap();
    assert!(stored.body.contains("name: thang-gon\n"));
    let r = app.get("/reports", Some(&cookie)).await;
    assert!(r.body.contains(r#"<tr data-template="thang-gon" data-version="1">"#));
    assert!(r.body.contains(r#"<tr data-template="monthly" data-version="2">"#));
    let r = app.get("/reports/thang-gon?pe=202610", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    // Names: lowercase, digits and '-'.
    for bad_name in ["Thang", "thang_gon", "tháng", "-x"] {
        let r = app
            .post_form(
                "/reports/monthly/edit",
                Some(&cookie),
                &format!("action=save&save_as={}&body={}", enc(bad_name), enc(&good)),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad_name}");
        assert!(r.body.contains(r#"data-place="name""#));
    }
    assert_eq!(app.state.store.report_templates().await.unwrap().len(), 2);
}

#[tokio::test]
async fn leaders_preview_and_download_but_do_not_edit_and_reporters_get_nothing() {
    let app = TestApp::new().await;
    let leader = app.login("lanhdao").await;
    let r = app.get("/reports", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("/reports/monthly/edit"), "no edit link for leaders");
    let r = app.get("/reports/monthly?pe=202610", Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("/reports/monthly/edit"));
    let d = get_raw(&app, "/reports/monthly/download.docx?pe=202610", &leader).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.bytes.starts_with(b"PK"));
    assert_eq!(app.get("/reports/monthly/edit", Some(&leader)).await.status, StatusCode::FORBIDDEN);
    let source = chiso_report::builtin::source("monthly").unwrap().replacen(ORIGINAL, EDITED, 1);
    let r = app.post_form("/reports/monthly/edit", Some(&leader), &format!("action=save&body={}", enc(&source))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(app.state.store.report_templates().await.unwrap().is_empty());

    for who in ["so.khcn", "huyen.anphu", "xa.anphu"] {
        let c = app.login(who).await;
        for path in [
            "/reports",
            "/reports/monthly?pe=202610",
            "/reports/monthly?pe=202610&ou=H_AN_PHU",
            "/reports/monthly/download.docx?pe=202610",
            "/reports/monthly/download.xlsx?pe=202610",
            "/reports/monthly/edit",
        ] {
            assert_eq!(app.get(path, Some(&c)).await.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
        let r = app.post_form("/reports/monthly/edit", Some(&c), &format!("action=save&body={}", enc(&source))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let nav = app.get("/", Some(&c)).await;
        assert!(!nav.body.contains(r#"href="/reports""#), "no Reports item for {who}");
    }
    assert!(app.state.store.report_templates().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_api_lists_saves_and_generates_documents() {
    let app = TestApp::new().await;
    let received = engine_integer(&app, "HS_TIEP_NHAN", "202610");

    let r = app.api("GET", "/api/reportTemplates", "lanhdao", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = r.json();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["monthly", "plan-appendices", "weekly"]);
    assert_eq!(list[0]["builtin"], true);
    assert_eq!(list[0]["defaultPeriod"], "202610");
    assert_eq!(list[0]["form"], "BC_THANG");

    let r = app.api("GET", "/api/reportTemplates/monthly", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let source = r.json()["body"].as_str().unwrap().to_string();
    assert_eq!(source, chiso_report::builtin::source("monthly").unwrap());
    assert_eq!(r.json()["versions"], serde_json::json!([]));

    // PUT: YAML text; refused when invalid (naming the place), saved when valid.
    let put = |who: &'static str, body: String| {
        let req = Request::builder()
            .method("PUT")
            .uri("/api/reportTemplates/monthly")
            .header(header::AUTHORIZATION, super::api::basic(who))
            .header(header::CONTENT_TYPE, "text/yaml; charset=utf-8")
            .body(Body::from(body))
            .unwrap();
        app.send(req)
    };
    let bad = source.replacen("value('HS_TIEP_NHAN')", "value('HS_KHONG_CO')", 1);
    let r = put("vanphong", bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["place"], "sections[0].sections[1].blocks[0].text");
    let edited = source.replacen(ORIGINAL, EDITED, 1);
    assert_eq!(put("lanhdao", edited.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(put("so.khcn", edited.clone()).await.status, StatusCode::FORBIDDEN);
    assert!(app.state.store.report_templates().await.unwrap().is_empty());
    let r = put("vanphong", edited.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({ "name": "monthly", "version": 1, "created": true }));
    let stored = app.state.store.report_template("monthly", None).await.unwrap().unwrap();
    assert_eq!(stored.author, "vanphong");
    let r = app.api("GET", "/api/reportTemplates/monthly", "lanhdao", None).await;
    assert_eq!(r.json()["version"], 1);
    assert_eq!(r.json()["versions"][0]["author"], "vanphong");

    // Documents, each format, with the engine's figures.
    let doc = |path: &str, who: &str| {
        let req = Request::get(path).header(header::AUTHORIZATION, super::api::basic(who)).body(Body::empty()).unwrap();
        raw(&app, req)
    };
    let d = doc("/api/documents/monthly/202610?format=html", "lanhdao").await;
    assert_eq!(d.status, StatusCode::OK);
    let html = String::from_utf8(d.bytes).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains(&format!("đã tiếp nhận {received} hồ sơ")));
    assert!(html.contains(EDITED));
    let d = doc("/api/documents/monthly/202610.docx", "vanphong").await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.header(header::CONTENT_DISPOSITION).contains(r#"filename="bao-cao-thang-202610.docx""#));
    assert!(docx_text(&d.bytes).contains(&format!("đã tiếp nhận {received} hồ sơ")));
    let d = doc("/api/documents/monthly/202610?format=xlsx", "admin").await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.bytes.starts_with(b"PK"));
    let d = doc("/api/documents/monthly/202610?format=pdf", "admin").await;
    assert_eq!(d.status, StatusCode::BAD_REQUEST);
    let d = doc("/api/documents/monthly/202610?format=docx&version=1", "so.khcn").await;
    assert_eq!(d.status, StatusCode::FORBIDDEN);
    let d = doc("/api/documents/monthly/2026SatW46", "admin").await;
    assert_eq!(d.status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&d.bytes).contains("period_type"));
}
