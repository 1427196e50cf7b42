//! The office's review board and submission page; leaders read, never act.

use crate::TestApp;
use crate::entry::{OPEN, REVIEW, body};
use axum::http::StatusCode;
use chiso_core::completeness::{ReportStatus, completeness};
use chiso_core::period::{Period, WorkingCalendar};

#[tokio::test]
async fn the_board_counts_as_chiso_completeness_does() {
    let app = TestApp::new().await;
    let office = app.login("vanphong").await;
    // Default: the monthly form's latest period past its deadline (10/2026, due 25/10).
    let r = app.get("/review", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("Tháng 10/2026") && r.body.contains(r#"id="units""#) && r.body.contains(r#"id="by-parent""#)
    );

    let r = app.get("/review/BC_THANG/202611", Some(&office)).await;
    assert_eq!(r.status, StatusCode::OK);
    // The same counts as the library for the same day.
    let model = app.state.model();
    let form = model.form("BC_THANG").unwrap();
    let p = Period::parse("202611").unwrap();
    let subs = app.state.store.submissions(Some(&form.code), &[p]).await.unwrap();
    let now = crate::today().and_hms_opt(23, 59, 59).unwrap().min(chrono::Local::now().naive_local());
    let c = completeness(&model, form, &p, &subs, now, &WorkingCalendar::vietnam());
    for (status, code) in [
        (ReportStatus::OnTime, "on_time"),
        (ReportStatus::Late, "late"),
        (ReportStatus::Missing, "missing"),
        (ReportStatus::NotYetDue, "not_due"),
    ] {
        let rows = r.body.matches(&format!(r#"data-status="{code}">"#)).count();
        assert_eq!(rows, c.with_status(status).count(), "{code}");
    }
    assert!(c.with_status(ReportStatus::NotYetDue).count() > 0, "11/2026 is due 25/11");
    assert!(r.body.contains(&format!(r#"data-count="expected">{}<"#, c.total().expected)));
    // A month past its deadline with missing reports gets a reminder listing them.
    let r = app.get("/review/BC_THANG/202610", Some(&office)).await;
    let p = Period::parse("202610").unwrap();
    let subs = app.state.store.submissions(Some(&form.code), &[p]).await.unwrap();
    let c = completeness(&model, form, &p, &subs, now, &WorkingCalendar::vietnam());
    let missing: Vec<_> =
        c.with_status(ReportStatus::Missing).map(|u| model.tree().unit(u.unit).name.clone()).collect();
    if let Some(first) = missing.first() {
        let start = r.body.find(r#"id="reminder""#).unwrap();
        let area = &r.body[start..start + r.body[start..].find("</textarea>").unwrap()];
        assert!(area.contains("Đề nghị các đơn vị sau gửi báo cáo") && area.contains(first.as_str()), "{area}");
    }
    // Picker: the form and period chosen by query.
    let r = app.get("/review?form=BC_THANG&period=202609", Some(&office)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/review/BC_THANG/202609"));
    // The JSON twin answers the same counts.
    let j = app.api("GET", "/api/completeness/BC_THANG/202610", "vanphong", None).await;
    if j.status == StatusCode::OK {
        assert_eq!(j.json()["total"]["missing"], c.total().missing);
    }
}

#[tokio::test]
async fn leaders_read_the_review_pages_but_cannot_decide() {
    let app = TestApp::new().await;
    let c = app.login("xa.anphu").await;
    let r = app
        .post_form(
            OPEN,
            Some(&c),
            &body(&[("v:HS_TIEP_NHAN.TRUC_TUYEN", "40"), ("v:HS_GIAI_QUYET", "30"), ("action", "submit")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let leader = app.login("lanhdao").await;
    let r = app.get(REVIEW, Some(&leader)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"data-status="submitted""#));
    assert!(!r.body.contains(r#"value="approve""#), "no buttons for a leader");
    assert!(r.body.contains("Tháng 11/2026"), "last period's column");
    assert_eq!(app.get("/review/BC_THANG/202612", Some(&leader)).await.status, StatusCode::OK);
    let r = app.post_form(REVIEW, Some(&leader), "action=approve&comment=").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post_form(OPEN, Some(&leader), "v:HOP=1&action=save_draft").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The office sees the values with the change from last month.
    let office = app.login("vanphong").await;
    let r = app.get(REVIEW, Some(&office)).await;
    assert!(r.body.contains(r#"id="review-form""#) && r.body.contains(r#"id="review-comment""#));
    assert!(r.body.contains(r#"value="approve""#) && r.body.contains(r#"value="return""#));
    // 30 resolved against 336 in 11/2026: −306, −91,1%.
    assert!(r.body.contains("-306") && r.body.contains("-91,1%"), "{}", r.body);
}
