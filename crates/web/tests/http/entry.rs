//! Data entry by a commune reporter: home, saving Vietnamese numbers,
//! refusals that name the field, rule checks on submit, the office's return
//! and approval, the lock on approved data, uploads, scope.

use crate::{TestApp, enc};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chiso_core::Code;
use chiso_core::period::Period;
use chiso_core::value::SubmissionStatus;
use chiso_store::{AuditFilter, ValueFilter};

/// The monthly report the demo leaves open on 23/11/2026: under Decree 09
/// the window of 12/2026 (15/11–14/12) holds today; due 25/12/2026.
pub const OPEN: &str = "/forms/BC_THANG/202612/TT_AN_PHU";
pub const REVIEW: &str = "/review/BC_THANG/202612/TT_AN_PHU";

pub fn body(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

pub async fn stored(app: &TestApp, element: &str, option: Option<&str>) -> Option<String> {
    let filter = ValueFilter {
        elements: vec![Code::new(element).unwrap()],
        units: vec![Code::new("TT_AN_PHU").unwrap()],
        periods: vec![Period::parse("202612").unwrap()],
        between: None,
    };
    let values = app.state.store.values(&filter).await.unwrap();
    values.into_iter().find(|v| v.option.as_ref().map(|o| o.as_str()) == option).map(|v| v.value)
}

pub async fn status(app: &TestApp) -> Option<SubmissionStatus> {
    let subs = app
        .state
        .store
        .submissions(Some(&Code::new("BC_THANG").unwrap()), &[Period::parse("202612").unwrap()])
        .await
        .unwrap();
    subs.into_iter().find(|s| s.unit.as_str() == "TT_AN_PHU").map(|s| s.status)
}

fn row<'a>(html: &'a str, attrs: &str) -> &'a str {
    let i = html.find(attrs).unwrap_or_else(|| panic!("no row {attrs}"));
    let end = html[i..].find("</tr>").unwrap() + i;
    &html[i..end]
}

#[tokio::test]
async fn home_lists_the_open_month_and_entry_saves_vietnamese_numbers() {
    let app = TestApp::new().await;
    let c = app.login("xa.anphu").await;
    let home = app.get("/", Some(&c)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains(r#"id="due-forms""#));
    let r = row(&home.body, r#"data-form="BC_THANG" data-period="202612" data-unit="TT_AN_PHU""#);
    assert!(r.contains(r#"data-status="not_started""#), "{r}");
    assert!(r.contains("Tháng 12/2026") && r.contains("25/12/2026"), "{r}");
    assert!(r.contains(r#"class="open-form"#) && r.contains(OPEN));
    // Last month, sent on 19/11 and waiting for the office, is listed too.
    let r = row(&home.body, r#"data-form="BC_THANG" data-period="202611" data-unit="TT_AN_PHU""#);
    assert!(r.contains(r#"data-status="submitted""#), "{r}");

    let page = app.get(OPEN, Some(&c)).await;
    assert_eq!(page.status, StatusCode::OK);
    for id in [
        r#"id="entry-form""#,
        r#"id="v-HS_GIAI_QUYET""#,
        r#"id="v-HS_TIEP_NHAN-TRUC_TUYEN""#,
        r#"id="n-KET_QUA""#,
        r#"id="upload-form""#,
    ] {
        assert!(page.body.contains(id), "{id}");
    }
    assert!(page.body.contains(r#"data-status="not_started""#));
    // Last period's value beside the field: 336 dossiers resolved in 11/2026.
    assert!(page.body.contains("Tháng 11/2026: 336"));
    assert!(page.body.contains(r#"value="save_draft""#) && page.body.contains(r#"value="submit""#));

    let r = app
        .post_form(
            OPEN,
            Some(&c),
            &body(&[("v:HS_GIAI_QUYET", "1.205"), ("n:KET_QUA", "Tiếp nhận tốt"), ("action", "save_draft")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"id="saved""#));
    assert_eq!(stored(&app, "HS_GIAI_QUYET", None).await.as_deref(), Some("1205"));
    assert_eq!(status(&app).await, Some(SubmissionStatus::Draft));
    assert!(r.body.contains(r#"value="1.205""#));
    let narratives = app
        .state
        .store
        .narratives(Some(&Code::new("BC_THANG").unwrap()), Some(&Period::parse("202612").unwrap()))
        .await
        .unwrap();
    assert!(narratives.iter().any(|n| n.unit.as_str() == "TT_AN_PHU" && n.text == "Tiếp nhận tốt"));
    // The engine sees the new figure at once.
    let snap = app.state.snapshot();
    use chiso_analytics::{AnalyticsEngine, DxItem};
    let dx = DxItem::Element { code: Code::new("HS_GIAI_QUYET").unwrap(), option: None };
    let ix = snap.model.tree().index("TT_AN_PHU").unwrap();
    assert_eq!(snap.engine.value(&dx, ix, &Period::parse("202612").unwrap()), Some(1205.0));

    // "12,5" is no integer: refused, the field named, the text kept, nothing stored.
    let r = app
        .post_form(
            OPEN,
            Some(&c),
            &body(&[("v:HS_DUNG_HAN", "12,5"), ("v:HS_GIAI_QUYET", "99"), ("action", "save_draft")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Số hồ sơ giải quyết đúng hạn"), "{}", r.body);
    assert!(r.body.contains(r#"value="12,5""#));
    assert!(r.body.contains(r#"class="invalid""#));
    assert!(!r.body.contains(r#"id="saved""#));
    assert_eq!(stored(&app, "HS_DUNG_HAN", None).await, None);
    assert_eq!(stored(&app, "HS_GIAI_QUYET", None).await.as_deref(), Some("1205"), "nothing saved");

    // An empty field deletes the value.
    let r = app.post_form(OPEN, Some(&c), &body(&[("v:HS_GIAI_QUYET", ""), ("action", "save_draft")])).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(stored(&app, "HS_GIAI_QUYET", None).await, None);
    let snap = app.state.snapshot();
    assert_eq!(snap.engine.value(&dx, ix, &Period::parse("202612").unwrap()), None);
}

#[tokio::test]
async fn the_monthly_cycle_submit_return_resubmit_approve_lock_reopen() {
    let app = TestApp::new().await;
    let c = app.login("xa.anphu").await;
    let office = app.login("vanphong").await;

    let board = app.get("/review/BC_THANG/202612", Some(&office)).await;
    assert_eq!(board.status, StatusCode::OK);
    let on_time_before = board.body.matches(r#"data-status="on_time""#).count();
    assert!(row(&board.body, r#"data-unit="TT_AN_PHU""#).contains(r#"data-status="not_due""#));

    // Resolved (1.205) more than received (100 + 50 + 5): blocked by GQ_LE_TN.
    let figures = [
        ("v:HS_TIEP_NHAN.TRUC_TUYEN", "100"),
        ("v:HS_TIEP_NHAN.TRUC_TIEP", "50"),
        ("v:HS_TIEP_NHAN.BUU_CHINH", "5"),
        ("v:HS_GIAI_QUYET", "1.205"),
    ];
    let mut f = figures.to_vec();
    f.push(("action", "submit"));
    let r = app.post_form(OPEN, Some(&c), &body(&f)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(r#"<li data-rule="GQ_LE_TN" data-severity="error""#), "{}", r.body);
    assert!(r.body.contains("Số hồ sơ thủ tục hành chính đã giải quyết"));
    assert!(r.body.contains("lưu nháp"));
    assert_eq!(status(&app).await, Some(SubmissionStatus::Draft), "not submitted, saved as draft");
    assert_eq!(stored(&app, "HS_GIAI_QUYET", None).await.as_deref(), Some("1205"));
    assert_eq!(stored(&app, "HS_TIEP_NHAN", Some("TRUC_TIEP")).await.as_deref(), Some("50"));

    // Fixed, but more dossiers digitised (200) than resolved (150): a warning to explain.
    let fixed = [
        ("v:HS_GIAI_QUYET", "150"),
        ("v:HS_DUNG_HAN", "140"),
        ("v:HS_TRE_HAN", "10"),
        ("v:HS_TY_LE_TRE_HAN", "6,67"),
        ("v:HS_SO_HOA", "200"),
        ("action", "submit"),
    ];
    let r = app.post_form(OPEN, Some(&c), &body(&fixed)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!r.body.contains(r#"data-rule="GQ_LE_TN""#));
    assert!(r.body.contains(r#"<li data-rule="SO_HOA_LE_GQ" data-severity="warning""#), "{}", r.body);
    assert!(r.body.contains(r#"name="explain:SO_HOA_LE_GQ""#));
    assert_eq!(status(&app).await, Some(SubmissionStatus::Draft));
    assert_eq!(stored(&app, "HS_TY_LE_TRE_HAN", None).await.as_deref(), Some("6.67"));

    let r = app
        .post_form(
            OPEN,
            Some(&c),
            &body(&[("explain:SO_HOA_LE_GQ", "Số hóa cả hồ sơ tồn kỳ trước"), ("action", "submit")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"id="saved""#));
    assert!(r.body.contains(r#"id="status" class="badge submitted" data-status="submitted""#), "{}", r.body);
    assert_eq!(status(&app).await, Some(SubmissionStatus::Submitted));
    let sub = app
        .state
        .store
        .submissions(Some(&Code::new("BC_THANG").unwrap()), &[Period::parse("202612").unwrap()])
        .await
        .unwrap();
    let sub = sub.iter().find(|s| s.unit.as_str() == "TT_AN_PHU").unwrap();
    let first_sent = sub.submitted_at.expect("submitted_at");
    assert_eq!(first_sent.date(), crate::today());
    assert_eq!(sub.submitted_by.as_deref(), Some("xa.anphu"));
    // The explanation is the comment of the rule's left-hand value.
    let v = app
        .state
        .store
        .values(&ValueFilter {
            elements: vec![Code::new("HS_SO_HOA").unwrap()],
            units: vec![Code::new("TT_AN_PHU").unwrap()],
            periods: vec![Period::parse("202612").unwrap()],
            between: None,
        })
        .await
        .unwrap();
    assert_eq!(v[0].comment.as_deref(), Some("Số hóa cả hồ sơ tồn kỳ trước"));
    // Submitted: read-only for the reporter, who may recall it.
    let page = app.get(OPEN, Some(&c)).await;
    assert!(page.body.contains(r#"value="recall""#) && !page.body.contains(r#"value="submit""#));

    // The board counts it on time.
    let board = app.get("/review/BC_THANG/202612", Some(&office)).await;
    assert_eq!(board.body.matches(r#"data-status="on_time""#).count(), on_time_before + 1);
    assert!(row(&board.body, r#"data-unit="TT_AN_PHU""#).contains(r#"data-status="on_time""#));

    // The office returns it: a reason is required.
    let r = app.post_form(REVIEW, Some(&office), "action=return&comment=").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(status(&app).await, Some(SubmissionStatus::Submitted));
    let reason = "Bổ sung số văn bản đi trong tháng";
    let r = app.post_form(REVIEW, Some(&office), &body(&[("action", "return"), ("comment", reason)])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"data-status="returned""#));
    assert_eq!(status(&app).await, Some(SubmissionStatus::Returned));

    // The reporter sees it returned with the reason, on home and on the form.
    let home = app.get("/", Some(&c)).await;
    let r = row(&home.body, r#"data-form="BC_THANG" data-period="202612" data-unit="TT_AN_PHU""#);
    assert!(r.contains(r#"data-status="returned""#) && r.contains("Bị trả lại") && r.contains(reason), "{r}");
    let page = app.get(OPEN, Some(&c)).await;
    assert!(page.body.contains(reason));

    // Saving keeps it returned; resubmitting sends it again, first time kept.
    let r = app
        .post_form(OPEN, Some(&c), &body(&[("v:VB_DI", "120"), ("v:VB_DI_DIEN_TU", "118"), ("action", "save_draft")]))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(status(&app).await, Some(SubmissionStatus::Returned));
    let r = app.post_form(OPEN, Some(&c), "action=submit").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(status(&app).await, Some(SubmissionStatus::Submitted));

    // The office approves: the data is locked for everyone.
    let r = app.post_form(REVIEW, Some(&office), "action=approve&comment=").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(status(&app).await, Some(SubmissionStatus::Approved));
    let r = app.post_form(OPEN, Some(&c), &body(&[("v:HOP", "5"), ("action", "save_draft")])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("đã được duyệt"), "{}", r.body);
    let r = app.post_form(OPEN, Some(&office), &body(&[("v:HOP", "5"), ("action", "save_draft")])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(stored(&app, "HOP", None).await, None);
    let r = app.get(OPEN, Some(&c)).await;
    assert!(r.body.contains("readonly") && !r.body.contains(r#"value="save_draft""#));

    // Reopened by the office: it may correct the figures again.
    let r = app.post_form(REVIEW, Some(&office), "action=reopen&comment=").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(status(&app).await, Some(SubmissionStatus::Submitted));
    let r = app.post_form(OPEN, Some(&office), &body(&[("v:HOP", "5"), ("action", "save_draft")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(stored(&app, "HOP", None).await.as_deref(), Some("5"));

    // The audit trail holds every status change with who and the route.
    let filter = AuditFilter {
        kind: Some("submission".into()),
        unit: Some(Code::new("TT_AN_PHU").unwrap()),
        form: Some(Code::new("BC_THANG").unwrap()),
        period: Some(Period::parse("202612").unwrap()),
        ..AuditFilter::default()
    };
    let trail: Vec<_> = app.state.store.audit(&filter).await.unwrap().into_iter().rev().collect();
    let steps: Vec<(String, String, Option<String>)> =
        trail.iter().map(|e| (e.username.clone(), e.new.clone().unwrap_or_default(), e.comment.clone())).collect();
    let want = [
        ("xa.anphu", "draft"),
        ("xa.anphu", "submitted"),
        ("vanphong", "returned"),
        ("xa.anphu", "submitted"),
        ("vanphong", "approved"),
        ("vanphong", "submitted"),
    ];
    assert_eq!(steps.iter().map(|(u, s, _)| (u.as_str(), s.as_str())).collect::<Vec<_>>(), want);
    assert!(trail.iter().all(|e| e.route == "web"));
    assert_eq!(steps[2].2.as_deref(), Some(reason));
    // The review page shows that history.
    let r = app.get(REVIEW, Some(&office)).await;
    assert!(r.body.contains(r#"id="history""#) && r.body.contains(reason));
    let sub = app
        .state
        .store
        .submissions(Some(&Code::new("BC_THANG").unwrap()), &[Period::parse("202612").unwrap()])
        .await
        .unwrap();
    assert_eq!(sub.iter().find(|s| s.unit.as_str() == "TT_AN_PHU").unwrap().submitted_at, Some(first_sent));
}

#[tokio::test]
async fn a_commune_reporter_stays_in_its_commune() {
    let app = TestApp::new().await;
    let c = app.login("xa.anphu").await;
    let model = app.state.model();
    let tree = model.tree();
    let h = tree.index("H_AN_PHU").unwrap();
    let other = tree.children(h).iter().map(|&u| tree.unit(u).code.to_string()).find(|c| c != "TT_AN_PHU").unwrap();
    let path = format!("/forms/BC_THANG/202612/{other}");
    assert_eq!(app.get(&path, Some(&c)).await.status, StatusCode::FORBIDDEN);
    let r = app.post_form(&path, Some(&c), "v:HOP=3&action=save_draft").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post_form(&format!("{path}/upload"), Some(&c), "").await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST), "{}", r.status);
    // A commune does not report the weekly form; unknown forms and periods are 404.
    assert_eq!(app.get("/forms/BC_TUAN/2026SatW47/TT_AN_PHU", Some(&c)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/forms/NOPE/202612/TT_AN_PHU", Some(&c)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/forms/BC_THANG/2026Q4/TT_AN_PHU", Some(&c)).await.status, StatusCode::NOT_FOUND);
    // Reporters do not see the review pages.
    assert_eq!(app.get("/review", Some(&c)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(REVIEW, Some(&c)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post_form(REVIEW, Some(&c), "action=approve").await.status, StatusCode::FORBIDDEN);
    // Anonymous visitors are sent to log in.
    assert_eq!(app.get(OPEN, None).await.status, StatusCode::SEE_OTHER);
}

fn multipart(path: &str, cookie: &str, file_name: &str, content: &str) -> Request<Body> {
    let boundary = "chisoBOUNDARY7MA4YWxkTrZu0gW";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    Request::builder()
        .method("POST")
        .uri(path)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn a_csv_upload_fills_the_form_as_a_draft() {
    let app = TestApp::new().await;
    let c = app.login("xa.anphu").await;
    let csv = "dataelement,period,orgunit,categoryoptioncombo,value\n\
        HS_TIEP_NHAN,202612,TT_AN_PHU,TRUC_TUYEN,210\n\
        HS_TIEP_NHAN,202612,TT_AN_PHU,TRUC_TIEP,\"1.150\"\n\
        HS_GIAI_QUYET,202612,TT_AN_PHU,,\"1.205\"\n\
        HOP,202611,TT_AN_PHU,,7\n\
        HOP,202612,X_LAC_LOC,,7\n";
    let r = app.send(multipart(&format!("{OPEN}/upload"), &c, "thang12.csv", csv)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"id="saved""#) && r.body.contains("3"), "{}", r.body);
    assert!(r.body.contains(r#"id="upload-notes""#) && r.body.contains("Bỏ qua 2"), "{}", r.body);
    assert_eq!(stored(&app, "HS_TIEP_NHAN", Some("TRUC_TIEP")).await.as_deref(), Some("1150"));
    assert_eq!(stored(&app, "HS_GIAI_QUYET", None).await.as_deref(), Some("1205"));
    assert_eq!(status(&app).await, Some(SubmissionStatus::Draft));
    assert!(r.body.contains(r#"value="1.150""#));

    // A bad cell: nothing saved, the line named.
    let bad = "dataelement,period,orgunit,categoryoptioncombo,value\nHOP,202612,TT_AN_PHU,,\"12,5\"\nVB_DI,202612,TT_AN_PHU,,9\n";
    let r = app.send(multipart(&format!("{OPEN}/upload"), &c, "sai.csv", bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("sai.csv dòng 2"), "{}", r.body);
    assert_eq!(stored(&app, "VB_DI", None).await, None);
}

/// The JSON API over the same service (active once `api::reports` is wired).
#[tokio::test]
async fn the_json_api_runs_the_same_cycle() {
    use serde_json::json;
    let app = TestApp::new().await;
    let path = "/api/reports/BC_THANG/202612/TT_AN_PHU";
    let r = app.api("GET", path, "xa.anphu", None).await;
    if r.status == StatusCode::NOT_FOUND && r.body.contains("trang này") {
        eprintln!("api::reports is not wired into the router yet; skipping");
        return;
    }
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["status"], "not_started");
    assert_eq!(j["previousValues"]["HS_GIAI_QUYET"], "336");
    assert_eq!(j["actions"], json!(["save_draft", "submit"]));
    let list = app.api("GET", "/api/reports?form=BC_THANG", "xa.anphu", None).await.json();
    assert!(
        list["reports"].as_array().unwrap().iter().any(|x| x["period"] == "202612" && x["status"] == "not_started")
    );

    let r = app.api("PUT", path, "xa.anphu", Some(json!({"values": {"HOP": "12,5"}}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["errors"][0]["field"].as_str().unwrap().contains("họp"), "{}", r.body);
    assert_eq!(stored(&app, "HOP", None).await, None);
    let r = app
        .api(
            "PUT",
            path,
            "xa.anphu",
            Some(json!({"values": {"HS_TIEP_NHAN.TRUC_TUYEN": "40", "HS_GIAI_QUYET": "1.205"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(stored(&app, "HS_GIAI_QUYET", None).await.as_deref(), Some("1205"));
    let r = app.api("POST", &format!("{path}/submit"), "xa.anphu", None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["violations"][0]["rule"], "GQ_LE_TN");
    let r =
        app.api("POST", &format!("{path}/submit"), "xa.anphu", Some(json!({"values": {"HS_GIAI_QUYET": "30"}}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["report"]["status"], "submitted");
    let r = app.api("POST", &format!("{path}/return"), "vanphong", Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.api("POST", &format!("{path}/approve"), "lanhdao", None).await.status, StatusCode::FORBIDDEN);
    let r = app.api("POST", &format!("{path}/approve"), "vanphong", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.api("PUT", path, "vanphong", Some(json!({"values": {"HOP": "3"}}))).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The trail says "api".
    let trail = app
        .state
        .store
        .audit(&AuditFilter {
            kind: Some("submission".into()),
            unit: Some(Code::new("TT_AN_PHU").unwrap()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(trail.iter().any(|e| e.username == "vanphong" && e.route == "api" && e.new.as_deref() == Some("approved")));
    // Scope and completeness.
    assert_eq!(
        app.api("GET", "/api/reports/BC_THANG/202612/X_LAC_LOC", "xa.anphu", None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api("GET", "/api/completeness/BC_THANG/202612", "xa.anphu", None).await.status,
        StatusCode::FORBIDDEN
    );
    let c = app.api("GET", "/api/completeness/BC_THANG/202612", "vanphong", None).await.json();
    assert!(c["units"].as_array().unwrap().iter().any(|u| u["unit"] == "TT_AN_PHU" && u["status"] == "on_time"));
}
