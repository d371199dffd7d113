//! What the edges' guards still let through: same-origin and header-less posts (old
//! browsers, scripts, the PMS), and the team's own sign-in whatever strangers ask for. The
//! attacks themselves are in abuse.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::*;

async fn post_form_with(t: &TestApp, pairs: &[(&str, &str)], headers: &[(&str, &str)]) -> Answer {
    let body: String = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&");
    let mut req =
        Request::post("/report").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    t.send(req.body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn same_origin_and_header_less_posts_still_work_as_old_browsers_and_scripts_need() {
    let t = app();
    let f = fields("tok-x2", "The kitchen sink drips", "no");
    let a = post_form_with(&t, &f, &[("sec-fetch-site", "same-origin")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let f = fields("tok-x3", "The kitchen sink drips", "no");
    let a = post_form_with(
        &t,
        &f,
        &[
            ("origin", "http://localhost:8080"),
            ("host", "localhost:8080"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let a = t.post_json("/api/work-orders", &create_body()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(t.count().await, 3);
}

#[tokio::test]
async fn strangers_cannot_use_up_the_team_s_sign_in_allowance() {
    let t = app();
    for i in 0..40 {
        let email = format!("stranger{i}@example.net");
        t.post_form("/login", &[("email", &email)]).await;
    }
    t.post_form("/login", &[("email", TEAM_EMAIL)]).await;
    assert_eq!(t.sent_to(TEAM_EMAIL).len(), 1);
}
