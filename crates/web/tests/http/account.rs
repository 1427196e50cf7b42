//! Logging in and out, sessions, passwords and API tokens.

use super::*;

#[tokio::test]
async fn login_logout_and_the_pages_behind_it() {
    let app = TestApp::new().await;
    // Not logged in: pages send to the login form, the API answers 401.
    let r = app.get("/account", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login?next=/account"));
    let r = app.get("/api/me", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["httpStatusCode"], 401);

    let r = app.get("/login", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Đăng nhập") && r.body.contains("Tỉnh Hòa Lâm"));

    // A wrong password names no detail.
    let r = app.post_form("/login", None, "username=vanphong&password=sai-mat-khau&next=%2F").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
    assert!(r.cookie("chiso_session").is_none());

    let cookie = app.login("vanphong").await;
    let r = app.get("/account", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Trần Thị Minh Thu — Văn phòng điều phối"), "{}", r.body);

    let r = app.post_form("/logout", Some(&cookie), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The old cookie no longer opens anything.
    let r = app.get("/account", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_login_never_redirects_off_site() {
    let app = TestApp::new().await;
    let r =
        app.post_form("/login", None, &format!("username=lanhdao&password={PASSWORD}&next=%2F%2Fevil.example")).await;
    assert_eq!(r.location(), Some("/"));
    let r = app
        .post_form("/login", None, &format!("username=lanhdao&password={PASSWORD}&next=https%3A%2F%2Fevil.example"))
        .await;
    assert_eq!(r.location(), Some("/"));
    let r = app.post_form("/login", None, &format!("username=lanhdao&password={PASSWORD}&next=%2Ftargets")).await;
    assert_eq!(r.location(), Some("/targets"));
}

#[tokio::test]
async fn five_wrong_passwords_hold_the_account_for_a_minute() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        let r = app.post_form("/login", None, "username=so.khcn&password=doan-bua&next=%2F").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password waits now.
    let r = app.post_form("/login", None, &format!("username=so.khcn&password={PASSWORD}&next=%2F")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Đăng nhập sai quá nhiều lần"), "{}", r.body);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::new().await;
    let cookie = app.login("vanphong").await;
    let req = Request::post("/logout")
        .header(header::COOKIE, &cookie)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    let req = Request::post("/logout")
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    // Still logged in.
    assert_eq!(app.get("/account", Some(&cookie)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions() {
    let app = TestApp::new().await;
    let laptop = app.login("xa.anphu").await;
    let phone = app.login("xa.anphu").await;
    let r = app.post_form("/account/password", Some(&laptop), "current=sai&new=matkhaumoi1&confirm=matkhaumoi1").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Mật khẩu hiện tại không đúng."));
    let r =
        app.post_form("/account/password", Some(&laptop), &format!("current={PASSWORD}&new=ngan&confirm=ngan")).await;
    assert!(r.body.contains("ít nhất 8 ký tự"));
    let r = app
        .post_form(
            "/account/password",
            Some(&laptop),
            &format!("current={PASSWORD}&new=matkhaumoi1&confirm=matkhaumoi2"),
        )
        .await;
    assert!(r.body.contains("không khớp"));
    let r = app
        .post_form(
            "/account/password",
            Some(&laptop),
            &format!("current={PASSWORD}&new=matkhaumoi1&confirm=matkhaumoi1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Đã đổi mật khẩu."));
    let fresh = format!("chiso_session={}", r.cookie("chiso_session").expect("a new session for this browser"));
    assert_eq!(app.get("/account", Some(&fresh)).await.status, StatusCode::OK);
    assert_eq!(app.get("/account", Some(&phone)).await.status, StatusCode::SEE_OTHER);
    // The old password no longer works, the new one does.
    let r = app.post_form("/login", None, &format!("username=xa.anphu&password={PASSWORD}&next=%2F")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.post_form("/login", None, "username=xa.anphu&password=matkhaumoi1&next=%2F").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The audit trail says the password changed, never what it is.
    let entries = app
        .state
        .store
        .audit(&chiso_store::AuditFilter {
            username: Some("xa.anphu".into()),
            kind: Some("account".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| !e.new.clone().unwrap_or_default().contains("argon2")));
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_can_be_revoked() {
    let app = TestApp::new().await;
    let cookie = app.login("lanhdao").await;
    let r = app.post_form("/account/tokens", Some(&cookie), "name=B%C3%A1o+c%C3%A1o+tu%E1%BA%A7n").await;
    assert_eq!(r.status, StatusCode::OK);
    let start = r.body.find("chiso_").expect("token shown");
    let token: String =
        r.body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    assert!(token.len() > 40, "{token}");
    assert!(r.body.contains("Báo cáo tuần"));
    // The page shows it once.
    let again = app.get("/account", Some(&cookie)).await;
    assert!(!again.body.contains(&token));

    let call = |t: String| {
        Request::get("/api/me").header(header::AUTHORIZATION, format!("ApiToken {t}")).body(Body::empty()).unwrap()
    };
    let me = app.send(call(token.clone())).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.json()["username"], "lanhdao");
    let bearer =
        Request::get("/api/me").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    assert_eq!(app.send(bearer).await.status, StatusCode::OK);

    let id = app.state.store.api_tokens("lanhdao").await.unwrap()[0].id;
    let r = app.post_form(&format!("/account/tokens/{id}/delete"), Some(&cookie), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.send(call(token)).await.status, StatusCode::UNAUTHORIZED);
    // Nobody revokes another account's token.
    let r = app.post_form(&format!("/account/tokens/{id}/delete"), Some(&cookie), "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn english_is_a_click_away() {
    let app = TestApp::new().await;
    let r = app.get("/lang/en", None).await;
    assert_eq!(r.cookie("chiso_lang").as_deref(), Some("en"));
    let req = Request::get("/login").header(header::COOKIE, "chiso_lang=en").body(Body::empty()).unwrap();
    let r = app.send(req).await;
    assert!(r.body.contains("Log in") && r.body.contains("Username"), "{}", r.body);
}
