//! The JSON API: dataValueSets and analytics as DHIS2 clients use them,
//! and the OpenAPI document.

use super::*;
use chiso_analytics::{AnalyticsEngine, DxItem};
use chiso_core::Code;
use chiso_core::period::Period;
use chiso_core::value::SubmissionStatus;
use chiso_store::ValueFilter;
use serde_json::json;

fn code(s: &str) -> Code {
    Code::new(s).unwrap()
}

fn period(s: &str) -> Period {
    s.parse().unwrap()
}

/// The stored values of one unit and period of the monthly form, as (element.option, value).
async fn stored(app: &TestApp, unit: &str, pe: &str) -> Vec<(String, String)> {
    let model = app.state.model();
    let elements = model.form("BC_THANG").unwrap().elements().cloned().collect();
    let f = ValueFilter { elements, units: vec![code(unit)], periods: vec![period(pe)], between: None };
    let mut out: Vec<(String, String)> = app
        .state
        .store
        .values(&f)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (format!("{}.{}", v.element, v.option.map(|o| o.to_string()).unwrap_or_default()), v.value))
        .collect();
    out.sort();
    out
}

fn rows_of(body: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = body["dataValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let el = v["dataElement"].as_str().unwrap();
            let opt = v["categoryOptionCombo"].as_str().unwrap_or("");
            let value = v["value"].as_str().unwrap();
            // Values are written as stored, except an ambiguous "1.205" → "1.2050".
            let parsed = chiso_core::number::parse_number(value).map(|x| x.to_string()).unwrap_or(value.into());
            (format!("{el}.{opt}"), parsed)
        })
        .collect();
    out.sort();
    out
}

fn normalised(v: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut v: Vec<_> = v.into_iter().map(|(k, x)| (k, x.parse::<f64>().map(|f| f.to_string()).unwrap_or(x))).collect();
    v.sort();
    v
}

#[tokio::test]
async fn data_value_sets_answers_the_stored_figures() {
    let app = TestApp::new().await;
    let want = stored(&app, "SO_KHCN", "202610").await;
    assert!(want.len() > 10, "{want:?}");
    for who in ["vanphong", "so.khcn", "lanhdao"] {
        let r = app.api("GET", "/api/dataValueSets?dataSet=BC_THANG&period=202610&orgUnit=SO_KHCN", who, None).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.body);
        assert_eq!(rows_of(&r.json()), normalised(want.clone()), "{who}");
    }
    // CSV by suffix, and by Accept.
    let r =
        app.api("GET", "/api/dataValueSets.csv?dataSet=BC_THANG&period=202610&orgUnit=SO_KHCN", "so.khcn", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with("dataelement,period,orgunit,categoryoptioncombo,value,storedby,comment"), "{}", r.body);
    assert_eq!(r.body.lines().count(), want.len() + 1);
    // A reporter asking for another unit is refused, naming it.
    let r = app.api("GET", "/api/dataValueSets?dataSet=BC_THANG&period=202610&orgUnit=H_AN_PHU", "so.khcn", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.json()["message"].as_str().unwrap().contains("H_AN_PHU"), "{}", r.body);
    // A district reporter with children gets its district and communes only.
    let r = app
        .api(
            "GET",
            "/api/dataValueSets?dataSet=BC_THANG&period=202610&orgUnit=H_AN_PHU&children=true",
            "huyen.anphu",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let model = app.state.model();
    let tree = model.tree();
    let district = tree.index("H_AN_PHU").unwrap();
    let units: std::collections::BTreeSet<String> =
        r.json()["dataValues"].as_array().unwrap().iter().map(|v| v["orgUnit"].as_str().unwrap().to_string()).collect();
    assert!(units.len() > 2, "{units:?}");
    assert!(units.iter().all(|u| tree.is_descendant_or_self(tree.index(u).unwrap(), district)));
    // Periods are required.
    let r = app.api("GET", "/api/dataValueSets?orgUnit=SO_KHCN", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn posting_values_imports_them_all_or_nothing() {
    let app = TestApp::new().await;
    let subs = app.state.store.submissions(Some(&code("BC_THANG")), &[period("202611")]).await.unwrap();
    assert!(
        !subs.iter().any(|s| s.unit.as_str() == "SO_KHCN" && s.status == SubmissionStatus::Approved),
        "the test needs an open report"
    );
    let body = json!({"dataSet": "BC_THANG", "dataValues": [
        {"dataElement": "HOP", "period": "202611", "orgUnit": "SO_KHCN", "value": "17"},
        {"dataElement": "VB_DI", "period": "202611", "orgUnit": "SO_KHCN", "value": "1.205", "comment": "qua API"},
    ]});
    let before = stored(&app, "SO_KHCN", "202611").await;

    // A dry run counts and writes nothing.
    let r = app.api("POST", "/api/dataValueSets?dryRun=true", "so.khcn", Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["status"], "SUCCESS");
    assert_eq!(j["importCount"]["imported"].as_u64().unwrap() + j["importCount"]["updated"].as_u64().unwrap(), 2);
    assert_eq!(stored(&app, "SO_KHCN", "202611").await, before);

    let r = app.api("POST", "/api/dataValueSets", "so.khcn", Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["status"], "SUCCESS", "{j}");
    let new = before.iter().filter(|(k, _)| k == "HOP." || k == "VB_DI.").count() as u64;
    assert_eq!(j["importCount"]["imported"].as_u64().unwrap(), 2 - new, "{j}");
    assert_eq!(j["importCount"]["updated"].as_u64().unwrap(), new, "{j}");
    let now = stored(&app, "SO_KHCN", "202611").await;
    assert!(now.contains(&("HOP.".into(), "17".into())), "{now:?}");
    // "1.205" in Vietnamese notation is one thousand two hundred and five.
    assert!(now.contains(&("VB_DI.".into(), "1205".into())), "{now:?}");
    // The engine sees the new figure at once.
    let snap = app.state.snapshot();
    let ix = snap.model.tree().index("SO_KHCN").unwrap();
    let hop = DxItem::parse("HOP", &snap.model).unwrap();
    assert_eq!(snap.engine.value(&hop, ix, &period("202611")), Some(17.0));

    // The same again: nothing new, both ignored.
    let r = app.api("POST", "/api/dataValueSets", "so.khcn", Some(body.clone())).await;
    let j = r.json();
    assert_eq!(j["importCount"], json!({"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}), "{j}");

    // Another unit's value: a conflict, and the good value is not written either.
    let mixed = json!({"dataValues": [
        {"dataElement": "HOP", "period": "202611", "orgUnit": "SO_KHCN", "value": "18"},
        {"dataElement": "HOP", "period": "202611", "orgUnit": "H_AN_PHU", "value": "3"},
    ]});
    let r = app.api("POST", "/api/dataValueSets", "so.khcn", Some(mixed)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let j = r.json();
    assert_eq!(j["status"], "ERROR");
    assert_eq!(j["conflicts"][0]["object"], "H_AN_PHU", "{j}");
    assert_eq!(j["importCount"]["imported"], 0);
    let after = stored(&app, "SO_KHCN", "202611").await;
    assert!(after.contains(&("HOP.".into(), "17".into())), "nothing written: {after:?}");

    // A bad code is a conflict naming its place.
    let bad =
        json!({"dataValues": [{"dataElement": "KHONG_CO", "period": "202611", "orgUnit": "SO_KHCN", "value": "1"}]});
    let r = app.api("POST", "/api/dataValueSets", "so.khcn", Some(bad)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.json()["conflicts"][0]["value"].as_str().unwrap().contains("KHONG_CO"), "{}", r.body);

    // CSV by content type.
    let req = Request::post("/api/dataValueSets")
        .header(header::AUTHORIZATION, basic("so.khcn"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from("dataelement,period,orgunit,value\nHOP,202611,SO_KHCN,\"19\"\n"))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["importCount"]["updated"], 1);

    // Leaders read, never write.
    let r = app.api("POST", "/api/dataValueSets", "lanhdao", Some(body)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

pub fn basic(username: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{username}:{PASSWORD}")))
}

#[tokio::test]
async fn approved_reports_are_locked() {
    let app = TestApp::new().await;
    let subs = app.state.store.submissions(Some(&code("BC_THANG")), &[]).await.unwrap();
    let s = subs.iter().find(|s| s.status == SubmissionStatus::Approved).expect("an approved report in the demo");
    let body = json!({"dataValues": [
        {"dataElement": "HOP", "period": s.period.to_string(), "orgUnit": s.unit.to_string(), "value": "99"},
    ]});
    let r = app.api("POST", "/api/dataValueSets", "vanphong", Some(body)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let j = r.json();
    assert!(j["conflicts"][0]["value"].as_str().unwrap().contains("đã được duyệt, cần văn phòng mở lại"), "{j}");
    assert_eq!(j["conflicts"][0]["object"], "HOP");
}

#[tokio::test]
async fn analytics_answers_what_the_engine_says() {
    let app = TestApp::new().await;
    let r = app
        .api("GET", "/api/analytics?dimension=dx:TL_DUNG_HAN&dimension=pe:202610&dimension=ou:HL", "lanhdao", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["headers"].as_array().unwrap().len(), 4);
    assert!(j["metaData"]["items"]["TL_DUNG_HAN"]["name"].is_string(), "{j}");
    let snap = app.state.snapshot();
    let want = snap
        .engine
        .value(
            &DxItem::parse("TL_DUNG_HAN", &snap.model).unwrap(),
            snap.model.tree().index("HL").unwrap(),
            &period("202610"),
        )
        .expect("a figure");
    let row = &j["rows"][0];
    assert_eq!(row[0], "TL_DUNG_HAN");
    assert_eq!(row[2], "HL");
    let got: f64 = row[3].as_str().unwrap().parse().unwrap();
    assert!((got - want).abs() < 1e-4, "{got} vs {want}");

    // Relative periods, levels, CSV.
    let r = app
        .api(
            "GET",
            "/api/analytics.csv?dimension=dx:HS_TIEP_NHAN&dimension=pe:LAST_12_MONTHS&dimension=ou:HL;LEVEL-2",
            "vanphong",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.lines().count() > 100, "{}", r.body);

    // Reporters: their own unit only.
    let r =
        app.api("GET", "/api/analytics?dimension=dx:HOP&dimension=pe:202610&dimension=ou:HL", "so.khcn", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.json()["message"].as_str().unwrap().contains("(HL)"), "{}", r.body);
    let r = app
        .api("GET", "/api/analytics?dimension=dx:HOP&dimension=pe:202610&dimension=ou:SO_KHCN", "so.khcn", None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r =
        app.api("GET", "/api/analytics?dimension=dx:NOPE&dimension=pe:202610&dimension=ou:HL", "vanphong", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_openapi_document_lists_the_routes() {
    let app = TestApp::new().await;
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert!(j["openapi"].as_str().unwrap().starts_with("3.1"), "{}", j["openapi"]);
    for p in
        ["/api/dataValueSets", "/api/analytics", "/api/me", "/api/accounts", "/api/accounts/{username}", "/api/audit"]
    {
        assert!(j["paths"][p].is_object(), "{p} missing");
    }
    assert!(j["paths"]["/api/dataValueSets"]["post"].is_object());
    assert!(j["components"]["schemas"]["ImportSummary"].is_object());
}

#[tokio::test]
async fn me_and_metadata() {
    let app = TestApp::new().await;
    let r = app.api("GET", "/api/me", "huyen.anphu", None).await;
    let j = r.json();
    assert_eq!(j["username"], "huyen.anphu");
    assert_eq!(j["role"], "reporter");
    assert_eq!(j["unit"], "H_AN_PHU");
    assert_eq!(j["includeDescendants"], true);
    let r = app.api("GET", "/api/metadata", "xa.anphu", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["forms"].as_array().unwrap().iter().any(|f| f["code"] == "BC_THANG"));
}
