//! The team's sign-in by emailed link, against the embedded adapters: the same answer for any
//! address, a link that only signs in on POST and only once, the session cookie's attributes,
//! sign-out, the guarded dashboard and the API in both modes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use mendwork_app::Claim;
use mendwork_domain::{Email, Portfolio};
use mendwork_web::WebConfig;
use support::{TEAM_EMAIL, TestApp, app, build, create_body, deployed, sample};

#[tokio::test]
async fn the_dashboard_sends_a_stranger_to_the_sign_in_page() {
    let t = app();
    for path in [
        "/pm",
        "/pm/metrics",
        "/pm/properties",
        "/pm/vendors",
        "/pm/rules",
    ] {
        let a = t.get(path).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(a.location(), "/login", "{path}");
    }
    let a = t.post_form("/pm/wo/wo-x/close", &[]).await;
    assert_eq!(a.location(), "/login");
    let page = t.get("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<label for=\"email\">Email address</label>")
    );
    assert!(page.body.contains("Email me a sign-in link"));
}

#[tokio::test]
async fn the_emailed_link_shows_a_button_on_get_and_signs_in_once_on_post() {
    let t = app();
    let link = t.login_link(TEAM_EMAIL).await;
    assert!(link.starts_with("/login/"), "{link}");

    let page = t.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(">Sign in</button>"));
    assert!(page.set_cookie().is_none(), "GET never signs in");

    let a = t.post_form(&link, &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), "/pm");
    let cookie = a.set_cookie().unwrap();
    assert!(cookie.starts_with("mw_session="), "{cookie}");
    for attr in ["HttpOnly", "SameSite=Lax", "Max-Age=43200", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain http in local mode: {cookie}"
    );

    let again = t.post_form(&link, &[]).await;
    assert_eq!(again.status, StatusCode::GONE, "single use");
    assert_eq!(t.get(&link).await.status, StatusCode::GONE);

    let pair = cookie.split(';').next().unwrap().to_string();
    *t.cookie.lock().unwrap() = Some(pair);
    let q = t.get("/pm").await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.body.contains(&format!("Signed in as {TEAM_EMAIL}")));
    assert!(q.body.contains(">Sign out</button>"));
}

#[tokio::test]
async fn any_address_gets_the_same_answer_but_only_the_team_gets_an_email() {
    let t = app();
    let team = t.post_form("/login", &[("email", TEAM_EMAIL)]).await;
    let stranger = t
        .post_form("/login", &[("email", "mallory@example.net")])
        .await;
    assert_eq!(team.status, StatusCode::OK);
    assert_eq!(stranger.status, StatusCode::OK);
    let strip = |b: &str, e: &str| b.replace(e, "");
    assert_eq!(
        strip(&team.body, TEAM_EMAIL),
        strip(&stranger.body, "mallory@example.net"),
        "no account enumeration"
    );
    assert_eq!(t.sent_to(TEAM_EMAIL).len(), 1);
    assert!(t.sent_to("mallory@example.net").is_empty());

    let bad = t.post_form("/login", &[("email", "not an address")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"email-error\""));
}

#[tokio::test]
async fn an_address_gets_at_most_five_sign_in_emails_an_hour_and_the_answer_never_changes() {
    let t = app();
    let first = t.post_form("/login", &[("email", TEAM_EMAIL)]).await;
    for _ in 0..7 {
        let again = t.post_form("/login", &[("email", TEAM_EMAIL)]).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.body, first.body, "the same page, limited or not");
    }
    assert_eq!(t.sent_to(TEAM_EMAIL).len(), 5);
    // The newest link still works.
    let mail = t.sent_to(TEAM_EMAIL).pop().unwrap();
    let at = mail.body.find("/login/").unwrap();
    let link = mail.body[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(t.post_form(&link, &[]).await.status, StatusCode::SEE_OTHER);
    // Another hour, another allowance.
    t.store
        .clock()
        .set_mode(mendwork_embedded::ClockMode::Frozen(
            support::start() + Duration::hours(1),
        ))
        .unwrap();
    t.post_form("/login", &[("email", TEAM_EMAIL)]).await;
    assert_eq!(t.sent_to(TEAM_EMAIL).len(), 6);
}

#[tokio::test]
async fn a_team_member_listed_under_members_may_sign_in_too() {
    let mut p: Portfolio = sample();
    p.team
        .members
        .push(Email::parse("Lee@Example.com").unwrap());
    let t = build(p, "http://localhost:8080", WebConfig::default());
    t.sign_in_as("lee@example.com").await;
    assert_eq!(t.get("/pm").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_expired_or_forged_link_is_explained_and_signs_nobody_in() {
    let t = app();
    let expired = t.app.links.sign(
        &Claim::Login {
            email: Email::parse(TEAM_EMAIL).unwrap(),
            nonce: "abc".into(),
        },
        t.app.now() - Duration::minutes(1),
    );
    let a = t.post_form(&format!("/login/{expired}"), &[]).await;
    assert_eq!(a.status, StatusCode::GONE);
    assert!(a.body.contains("expired"));
    assert!(a.set_cookie().is_none());

    let a = t.post_form("/login/garbage.token", &[]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    // A tenant's status link is not a sign-in link.
    let tenant = t.app.links.sign(
        &Claim::Tenant {
            work_order: mendwork_domain::WorkOrderId("wo-1".into()),
        },
        t.app.now() + Duration::minutes(5),
    );
    assert_eq!(
        t.get(&format!("/login/{tenant}")).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_link_expires_after_fifteen_minutes_of_the_app_clock() {
    let t = app();
    let link = t.login_link(TEAM_EMAIL).await;
    let clock = t.store.clock();
    clock
        .set_mode(mendwork_embedded::ClockMode::Frozen(
            support::start() + Duration::minutes(16),
        ))
        .unwrap();
    assert_eq!(t.post_form(&link, &[]).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn signing_out_ends_the_session_even_for_a_copied_cookie() {
    let t = app();
    t.sign_in().await;
    let copied = t.cookie.lock().unwrap().clone().unwrap();
    let out = t.post_form("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/login?out=1");
    assert!(out.set_cookie().unwrap().contains("Max-Age=0"));
    let req = Request::get("/pm")
        .header(header::COOKIE, copied)
        .body(Body::empty())
        .unwrap();
    let a = t.send(req).await;
    assert_eq!(
        a.status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
    assert!(t.get("/login?out=1").await.body.contains("signed out"));
}

#[tokio::test]
async fn a_tampered_cookie_is_no_session() {
    let t = app();
    t.sign_in().await;
    let good = t.cookie.lock().unwrap().clone().unwrap();
    let (payload, _) = good.split_once('.').unwrap();
    *t.cookie.lock().unwrap() = Some(format!("{payload}.AAAAAAAAAAAAAAAAAAAAAA"));
    assert_eq!(t.get("/pm").await.status, StatusCode::SEE_OTHER);
}

async fn deployed_signed_in() -> TestApp {
    let t = deployed();
    t.sign_in().await;
    t
}

#[tokio::test]
async fn deployed_the_api_answers_401_json_without_a_session_and_works_with_one() {
    let t = deployed();
    let a = t.get("/api/work-orders").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.json()["error"].as_str().unwrap().contains("sign in"));
    let a = t.post_json("/api/work-orders", &create_body()).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.count().await, 0);

    let t = deployed_signed_in().await;
    let cookie = t.cookie.lock().unwrap().clone().unwrap();
    assert!(!cookie.is_empty());
    let a = t.post_json("/api/work-orders", &create_body()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let id = a.json()["id"].as_str().unwrap().to_string();
    let a = t
        .post_json(
            &format!("/api/work-orders/{id}/assign"),
            r#"{"vendor":"dana-plumbing"}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let timeline = a.json()["timeline"].as_array().unwrap().clone();
    let assigned = timeline
        .iter()
        .find(|e| e["kind"] == "assigned")
        .expect("an assigned entry");
    assert_eq!(
        assigned["by"]["id"], TEAM_EMAIL,
        "the signed-in member is the actor"
    );
}

#[tokio::test]
async fn deployed_the_session_cookie_is_secure() {
    let t = deployed();
    let link = t.login_link(TEAM_EMAIL).await;
    let a = t.post_form(&link, &[]).await;
    assert!(a.set_cookie().unwrap().contains("; Secure"));
}

#[tokio::test]
async fn locally_the_api_stays_open_for_the_harness() {
    let t = app();
    assert_eq!(t.get("/api/work-orders").await.status, StatusCode::OK);
    assert_eq!(t.get("/api/properties").await.status, StatusCode::OK);
}

#[tokio::test]
async fn deployed_the_visitor_desk_asks_for_a_sign_in_while_the_local_harness_serves_it() {
    let t = deployed();
    for uri in ["/desk", "/desk/maple-court"] {
        let a = t.get(uri).await;
        assert!(a.status.is_redirection(), "{uri}: {}", a.status);
        assert_eq!(a.location(), "/login", "{uri}");
    }
    let a = t
        .post_form("/desk/maple-court/visits", &[("visitor", "Someone")])
        .await;
    assert_eq!(
        a.location(),
        "/login",
        "no visit is created without a session"
    );

    let t = deployed_signed_in().await;
    assert_eq!(t.get("/desk/maple-court").await.status, StatusCode::OK);

    let t = app();
    assert_eq!(t.get("/desk/maple-court").await.status, StatusCode::OK);
}
