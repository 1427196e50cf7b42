//! Account administration and the audit trail.

use super::*;
use serde_json::json;

/// The second commune of Huyện An Phú (the first is xa.anphu's).
fn other_commune(app: &TestApp) -> (String, String) {
    let model = app.state.model();
    let tree = model.tree();
    let district = tree.index("H_AN_PHU").unwrap();
    let u = tree.unit(tree.children(district)[1]);
    (u.code.to_string(), u.name.clone())
}

#[tokio::test]
async fn the_office_creates_a_reporter_who_sees_only_its_unit() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let (commune, commune_name) = other_commune(&app);

    let r = app.get("/accounts/new", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&commune_name), "the unit picker names units");
    assert!(!r.body.contains("value=\"admin\""), "the office is not offered the admin role");

    // Field problems are named.
    let r = app
        .post_form("/accounts/new", Some(&office), "username=Xa+Moi&full_name=&role=reporter&unit=&password=ngan")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for field in ["Tên đăng nhập:", "Họ và tên:", "Đơn vị:", "Mật khẩu:"] {
        assert!(r.body.contains(field), "{field} in {}", r.body);
    }

    let form =
        format!("username=xa.moi&full_name={}&role=reporter&unit={commune}&password={PASSWORD}", enc("Đỗ Thị Mới"));
    let r = app.post_form("/accounts/new", Some(&office), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/accounts/xa.moi?created=1"));
    let r = app.get("/accounts", Some(&office)).await;
    assert!(r.body.contains("data-username=\"xa.moi\"") && r.body.contains("Đỗ Thị Mới"), "{}", r.body);
    // The username is taken now.
    let r = app.post_form("/accounts/new", Some(&office), &form).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("đã có người dùng"));

    // The new account logs in and sees its commune only.
    let cookie = app.login("xa.moi").await;
    assert_eq!(app.get("/account", Some(&cookie)).await.status, StatusCode::OK);
    let me = app.api("GET", "/api/me", "xa.moi", None).await.json();
    assert_eq!(me["unit"], commune.as_str());
    assert_eq!(me["role"], "reporter");
    let r = app.api("GET", "/api/dataValueSets?dataSet=BC_THANG&period=202610", "xa.moi", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let values = r.json()["dataValues"].as_array().unwrap().clone();
    assert!(!values.is_empty());
    assert!(values.iter().all(|v| v["orgUnit"] == commune.as_str()));
    let r = app.api("GET", "/api/dataValueSets?dataSet=BC_THANG&period=202610&orgUnit=SO_KHCN", "xa.moi", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/accounts", Some(&cookie)).await.status, StatusCode::FORBIDDEN);

    // The account creation is in the audit trail.
    let r = app.get("/audit?kind=account&username=vanphong", Some(&office)).await;
    assert!(r.body.contains("Tài khoản xa.moi"), "{}", r.body);
}

#[tokio::test]
async fn the_office_cannot_make_or_change_an_admin() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let r = app
        .post_form("/accounts/new", Some(&office), &format!("username=qt2&full_name=QT&role=admin&password={PASSWORD}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let body = json!({"username": "qt3", "fullName": "QT", "role": "admin", "password": PASSWORD});
    assert_eq!(app.api("POST", "/api/accounts", "vanphong", Some(body.clone())).await.status, StatusCode::FORBIDDEN);
    assert!(app.state.store.account("qt3").await.unwrap().is_none());
    assert_eq!(app.get("/accounts/admin", Some(&office)).await.status, StatusCode::FORBIDDEN);
    let r = app.api("PUT", "/api/accounts/admin", "vanphong", Some(json!({"active": false}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Promoting a reporter to admin is making an admin.
    let r = app.api("PUT", "/api/accounts/so.khcn", "vanphong", Some(json!({"role": "admin"}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An admin may.
    let r = app.api("POST", "/api/accounts", "admin", Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["role"], "admin");
    // Leaders and reporters manage nothing.
    assert_eq!(app.api("GET", "/api/accounts", "lanhdao", None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.api("GET", "/api/accounts", "so.khcn", None).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_deactivated_account_cannot_log_in() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    let session = app.login("xa.anphu").await;
    // Nobody deactivates themselves.
    let r = app
        .post_form("/accounts/vanphong", Some(&office), &format!("full_name={}&role=office", enc("Trần Thị Minh Thu")))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("không thể tự khóa"), "{}", r.body);
    let r = app.api("PUT", "/api/accounts/vanphong", "vanphong", Some(json!({"active": false}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let (account, _) = app.state.store.account("xa.anphu").await.unwrap().unwrap();
    let unit = account.scope.unit.unwrap();
    // Active unticked: deactivated.
    let form = format!("full_name={}&role=reporter&unit={unit}", enc("Võ Văn Tâm"));
    let r = app.post_form("/accounts/xa.anphu", Some(&office), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!app.state.store.account("xa.anphu").await.unwrap().unwrap().0.active);
    // Its session ended, its password no longer opens anything.
    assert_eq!(app.get("/account", Some(&session)).await.status, StatusCode::SEE_OTHER);
    let r = app.post_form("/login", None, &format!("username=xa.anphu&password={PASSWORD}&next=%2F")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.api("GET", "/api/me", "xa.anphu", None).await.status, StatusCode::UNAUTHORIZED);
    let r = app.get("/accounts", Some(&office)).await;
    assert!(r.body.contains("data-username=\"xa.anphu\" data-role=\"reporter\" data-active=\"false\""), "{}", r.body);

    // Reactivated, with a new password.
    let r = app.post_form("/accounts/xa.anphu", Some(&office), &format!("{form}&active=on")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.post_form("/accounts/xa.anphu/password", Some(&office), "password=ngan").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("ít nhất 8 ký tự"));
    let r = app.post_form("/accounts/xa.anphu/password", Some(&office), "password=matkhaumoi9").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.post_form("/login", None, "username=xa.anphu&password=matkhaumoi9&next=%2F").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_audit_page_finds_a_change_made_through_the_api() {
    let app = TestApp::new().await;
    let body = json!({"dataValues": [{"dataElement": "HOP", "period": "202611", "orgUnit": "SO_KHCN", "value": "1234", "comment": "họp tổng kết"}]});
    let r = app.api("POST", "/api/dataValueSets", "so.khcn", Some(body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let office = app.login("vanphong").await;
    let r = app.get("/audit?username=so.khcn&kind=value&unit=SO_KHCN&period=202611", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    let model = app.state.model();
    let hop = &model.element("HOP").unwrap().name;
    let unit = &model.tree().get("SO_KHCN").unwrap().name;
    let row = r.body.split("<tr data-kind=\"value\"").nth(1).expect("a value row");
    assert!(row.contains("data-username=\"so.khcn\" data-route=\"api\""), "{row}");
    assert!(row.contains("Phạm Văn Hùng"), "{row}");
    assert!(row.contains(hop.as_str()) && row.contains(unit.as_str()), "{row}");
    assert!(row.contains("<span class=\"new\">1.234</span>"), "{row}");
    assert!(row.contains("họp tổng kết"));
    // Newest first, with the day in Vietnamese order.
    let today = chrono::Local::now().format("%d/%m/%Y").to_string();
    assert!(row.contains(&today), "{row}");

    // The value's own history, which entry pages link to.
    let link = "/audit/value?element=HOP&period=202611&unit=SO_KHCN";
    assert!(row.contains(&link.replace('&', "&#38;")), "{row}");
    let r = app.get(link, Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<span id=\"current-value\">1.234</span>"), "{}", r.body);
    let reporter = app.login("so.khcn").await;
    assert_eq!(app.get(link, Some(&reporter)).await.status, StatusCode::OK);
    let xa = app.login("xa.anphu").await;
    assert_eq!(app.get(link, Some(&xa)).await.status, StatusCode::FORBIDDEN);

    // The same through the API.
    let r = app.api("GET", "/api/audit?username=so.khcn&kind=value", "admin", None).await;
    let j = r.json();
    assert_eq!(j[0]["route"], "api");
    assert_eq!(j[0]["new"], "1234");
    // A bad filter is named.
    let r = app.get("/audit?period=thang-muoi", Some(&office)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("period"));
}
