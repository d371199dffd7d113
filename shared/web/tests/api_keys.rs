//! The JSON API called with an integration's API key (`Authorization: Bearer mwk_…`), against
//! the embedded adapters: what a read and a read-write key may do, the refusals (401 with a
//! Bearer challenge, 403, 429 with Retry-After), the key's name on the timeline, its last use
//! written once a minute, and both modes — deployed (a key is one of the two ways in) and
//! local (a key, when sent, must be good and names the caller).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use mendwork_app::api_keys::{self, Scope};
use mendwork_domain::limits::{API_PER_KEY_HOUR, api_key_counter};
use support::{Answer, TestApp, app, create_body, deployed, start};

/// Makes a key as the dashboard would, returning the key as its holder uses it.
async fn key(t: &TestApp, name: &str, scope: Scope) -> String {
    let (_, plain) = api_keys::create(t.app.api_keys.as_ref(), name, scope, "cli", t.app.now())
        .await
        .unwrap();
    plain.reveal().to_string()
}

fn id_of(key: &str) -> String {
    api_keys::parse_token(key).unwrap().0.to_string()
}

async fn call(
    t: &TestApp,
    method: &str,
    uri: &str,
    authorization: &str,
    body: Option<&str>,
) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, authorization);
    let body = match body {
        Some(b) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    t.send(req.body(body).unwrap()).await
}

async fn get_with(t: &TestApp, uri: &str, key: &str) -> Answer {
    call(t, "GET", uri, &format!("Bearer {key}"), None).await
}

async fn post_with(t: &TestApp, uri: &str, key: &str, body: &str) -> Answer {
    call(t, "POST", uri, &format!("Bearer {key}"), Some(body)).await
}

fn challenge(a: &Answer) -> String {
    a.headers
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn deployed_a_read_key_lists_work_orders_without_a_session() {
    // Given a deployment with one work order, and a read key
    let t = deployed();
    t.sign_in().await;
    assert_eq!(
        t.post_json("/api/work-orders", &create_body()).await.status,
        StatusCode::CREATED
    );
    t.sign_out_locally();
    let k = key(&t, "reporting", Scope::Read).await;
    // When the key lists work orders, with no cookie at all
    let a = get_with(&t, "/api/work-orders", &k).await;
    // Then it gets them
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["work_orders"].as_array().unwrap().len(), 1);
    // And the same call with neither key nor session is refused, naming both ways in
    let none = t.get("/api/work-orders").await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(challenge(&none).starts_with("Bearer"), "{:?}", none.headers);
    assert!(none.json()["error"].as_str().unwrap().contains("API key"));
}

#[tokio::test]
async fn a_read_key_that_asks_to_change_anything_is_refused_with_403_and_nothing_changes() {
    let t = deployed();
    let k = key(&t, "reporting", Scope::Read).await;
    let a = post_with(&t, "/api/work-orders", &k, &create_body()).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let error = a.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("may only read") && error.contains("reporting"),
        "{error}"
    );
    assert_eq!(t.count().await, 0);
}

#[tokio::test]
async fn a_revoked_key_is_refused_with_401_and_a_bearer_challenge() {
    let t = deployed();
    let k = key(&t, "old-pms", Scope::ReadWrite).await;
    assert_eq!(
        get_with(&t, "/api/vendors", &k).await.status,
        StatusCode::OK
    );
    assert!(
        t.app
            .api_keys
            .revoke(&id_of(&k), t.app.now())
            .await
            .unwrap()
    );
    let a = get_with(&t, "/api/vendors", &k).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    assert!(
        challenge(&a).contains("error=\"invalid_token\""),
        "{}",
        challenge(&a)
    );
    assert!(a.json()["error"].as_str().unwrap().contains("revoked"));
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_401_and_says_no_more_than_not_valid() {
    let t = deployed();
    let k = key(&t, "pms", Scope::ReadWrite).await;
    let id = id_of(&k);
    let wrong = format!("mwk_{id}_{}", "a".repeat(52));
    let a = get_with(&t, "/api/work-orders", &wrong).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    assert!(challenge(&a).contains("invalid_token"));
    let error = a.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("not valid") && !error.contains("revoked"),
        "{error}"
    );
    // An id nobody has answers the same words.
    let unknown = format!("mwk_zzzzzzzz_{}", "a".repeat(52));
    assert_eq!(
        get_with(&t, "/api/work-orders", &unknown).await.json(),
        a.json()
    );
}

#[tokio::test]
async fn a_malformed_authorization_header_is_refused_with_401() {
    let t = deployed();
    let k = key(&t, "pms", Scope::ReadWrite).await;
    for header in [
        "Basic dXNlcjpwYXNz".to_string(),
        "Bearer".to_string(),
        "Bearer ".to_string(),
        "Bearer mwk_short".to_string(),
        format!("Token {k}"),
        k.clone(),
    ] {
        let a = call(&t, "GET", "/api/work-orders", &header, None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{header}: {}", a.body);
        assert!(challenge(&a).starts_with("Bearer realm="), "{header}");
        assert!(
            a.json()["error"].as_str().unwrap().contains("Bearer"),
            "{header}"
        );
    }
    // The scheme's case does not matter.
    let a = call(&t, "GET", "/api/work-orders", &format!("bearer {k}"), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn a_bad_key_is_refused_even_when_a_valid_session_comes_with_it() {
    // Given a signed-in PM whose browser (or script) also sends a revoked key
    let t = deployed();
    t.sign_in().await;
    let k = key(&t, "pms", Scope::ReadWrite).await;
    t.app
        .api_keys
        .revoke(&id_of(&k), t.app.now())
        .await
        .unwrap();
    // Then the request is judged by the key alone
    let a = get_with(&t, "/api/work-orders", &k).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    // And a read key with the PM's session still may not write
    let read = key(&t, "reporting", Scope::Read).await;
    let a = post_with(&t, "/api/work-orders", &read, &create_body()).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert_eq!(t.count().await, 0);
    // While the session alone works as before
    assert_eq!(t.get("/api/work-orders").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_key_over_its_hourly_allowance_gets_429_with_retry_after_until_the_next_hour() {
    // Given a key that has used all but one call of this hour (15:00–16:00)
    let t = deployed();
    let k = key(&t, "busy", Scope::Read).await;
    let counter = api_key_counter(&id_of(&k), t.app.now());
    for _ in 1..API_PER_KEY_HOUR {
        assert!(t.app.limits.take(&counter).await.unwrap());
    }
    // When it calls twice
    let last = get_with(&t, "/api/properties", &k).await;
    let over = get_with(&t, "/api/properties", &k).await;
    // Then the first goes through and the second is refused until the hour ends
    assert_eq!(last.status, StatusCode::OK, "{}", last.body);
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.body);
    assert_eq!(over.headers[header::RETRY_AFTER], "3600");
    assert!(over.json()["error"].as_str().unwrap().contains("600 calls"));
    // And another key is not held up by it
    let other = key(&t, "quiet", Scope::Read).await;
    assert_eq!(
        get_with(&t, "/api/properties", &other).await.status,
        StatusCode::OK
    );
    // And in the next hour the key may call again
    t.store
        .clock()
        .set_mode(mendwork_embedded::ClockMode::Frozen(
            start() + Duration::hours(1),
        ))
        .unwrap();
    assert_eq!(
        get_with(&t, "/api/properties", &k).await.status,
        StatusCode::OK
    );
}

fn timeline_has(wo: &serde_json::Value, kind: &str, by: &serde_json::Value) -> bool {
    wo["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == kind && &e["by"] == by)
}

#[tokio::test]
async fn what_a_read_write_key_does_is_on_the_timeline_under_the_keys_name() {
    // Given a deployment and a read-write key named buildium
    let t = deployed();
    let k = key(&t, "buildium", Scope::ReadWrite).await;
    // When it creates a work order and adds instructions, then cancels it
    let created = post_with(&t, "/api/work-orders", &k, &create_body()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let wo = created.json();
    let id = wo["id"].as_str().unwrap();
    assert_eq!(
        wo["source"],
        serde_json::json!({"type": "integration", "name": "buildium"})
    );
    let noted = post_with(
        &t,
        &format!("/api/work-orders/{id}/instructions"),
        &k,
        r#"{"text": "Gate code 4411"}"#,
    )
    .await;
    assert_eq!(noted.status, StatusCode::OK, "{}", noted.body);
    let cancelled = post_with(
        &t,
        &format!("/api/work-orders/{id}/cancel"),
        &k,
        r#"{"reason": "cancelled in the PMS"}"#,
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    // Then the timeline names the key for each
    let wo = cancelled.json();
    let by = serde_json::json!({"type": "integration", "id": "buildium"});
    assert!(
        timeline_has(&wo, "instructions_added", &by),
        "{:#}",
        wo["timeline"]
    );
    assert!(timeline_has(&wo, "cancelled", &by), "{:#}", wo["timeline"]);
    // And the PM's page says so in words
    t.sign_in().await;
    let page = t.get(&format!("/pm/wo/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Cancelled by integration buildium"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Instructions from integration buildium"));
    assert!(page.body.contains("created (integration buildium)"));
}

#[tokio::test]
async fn a_keys_last_use_is_written_at_most_once_a_minute() {
    let t = deployed();
    let k = key(&t, "sync", Scope::Read).await;
    let id = id_of(&k);
    let last = |t: &TestApp| {
        let id = id.clone();
        let keys = t.app.api_keys.clone();
        async move { keys.find(&id).await.unwrap().unwrap().last_used_at }
    };
    assert_eq!(last(&t).await, None);
    let at = |s: i64| {
        t.store
            .clock()
            .set_mode(mendwork_embedded::ClockMode::Frozen(
                start() + Duration::seconds(s),
            ))
            .unwrap()
    };
    at(0);
    get_with(&t, "/api/vendors", &k).await;
    assert_eq!(last(&t).await, Some(start()));
    at(45);
    get_with(&t, "/api/vendors", &k).await;
    assert_eq!(
        last(&t).await,
        Some(start()),
        "not written again within the minute"
    );
    at(61);
    get_with(&t, "/api/vendors", &k).await;
    assert_eq!(last(&t).await, Some(start() + Duration::seconds(61)));
}

#[tokio::test]
async fn locally_a_key_names_the_caller_and_a_bad_one_is_refused_though_the_api_is_open() {
    let t = app();
    // Open without a key, as the harness needs
    assert_eq!(t.get("/api/work-orders").await.status, StatusCode::OK);
    // A bad key is refused all the same
    let bad = format!("mwk_zzzzzzzz_{}", "a".repeat(52));
    assert_eq!(
        get_with(&t, "/api/work-orders", &bad).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A read key may not write even here
    let read = key(&t, "reporting", Scope::Read).await;
    assert_eq!(
        post_with(&t, "/api/work-orders", &read, &create_body())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A good one names the caller on the timeline
    let k = key(&t, "buildium", Scope::ReadWrite).await;
    let wo = post_with(&t, "/api/work-orders", &k, &create_body())
        .await
        .json();
    let id = wo["id"].as_str().unwrap();
    let closed = post_with(&t, &format!("/api/work-orders/{id}/cancel"), &k, "{}").await;
    let by = serde_json::json!({"type": "integration", "id": "buildium"});
    assert!(timeline_has(&closed.json(), "cancelled", &by));
}

#[tokio::test]
async fn the_cross_site_guard_is_not_relaxed_for_a_key() {
    // A key sent from a page on another site (a browser would need a CORS grant we never
    // give) is refused by the guard before the key is even read.
    let t = deployed();
    let k = key(&t, "pms", Scope::ReadWrite).await;
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let req = Request::post("/api/work-orders")
            .header(header::AUTHORIZATION, format!("Bearer {k}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(name, value)
            .body(Body::from(create_body()))
            .unwrap();
        let a = t.send(req).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{name}: {}", a.body);
        assert!(
            !a.body.contains("may only read"),
            "the guard answered, not the key"
        );
    }
    // A form body is still 415 with a key: the API takes JSON only.
    let req = Request::post("/api/work-orders")
        .header(header::AUTHORIZATION, format!("Bearer {k}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("property=maple-court"))
        .unwrap();
    assert_eq!(t.send(req).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(t.count().await, 0);
    // A server calling with the key (no Origin, no Sec-Fetch-Site) goes through.
    let a = post_with(&t, "/api/work-orders", &k, &create_body()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
}

#[tokio::test]
async fn a_key_reaches_the_visits_api_too() {
    let t = deployed();
    let read = key(&t, "desk-screen", Scope::Read).await;
    let a = get_with(&t, "/api/visits?property=maple-court", &read).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let refused = post_with(
        &t,
        "/api/visits",
        &read,
        r#"{"property": "maple-court", "visitor": "Lee"}"#,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_read_write_key_checking_a_vendor_in_is_named_on_the_work_orders_timeline() {
    // Given a work order assigned to Pat, with a visit linked to it
    let t = deployed();
    let k = key(&t, "lobby-system", Scope::ReadWrite).await;
    let wo = post_with(&t, "/api/work-orders", &k, &create_body())
        .await
        .json();
    let id = wo["id"].as_str().unwrap();
    let assigned = post_with(
        &t,
        &format!("/api/work-orders/{id}/assign"),
        &k,
        r#"{"vendor": "pat-plumbing"}"#,
    )
    .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    let body =
        serde_json::json!({"property": "maple-court", "visitor": "Pat", "request_id": wo["code"]});
    let visit = post_with(&t, "/api/visits", &k, &body.to_string()).await;
    assert_eq!(visit.status, StatusCode::CREATED, "{}", visit.body);
    let vid = visit.json()["id"].as_str().unwrap().to_string();
    // When the key checks the vendor in
    let a = post_with(&t, &format!("/api/visits/{vid}/check-in"), &k, "{}").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // Then the arrival is the key's, by name
    let after = get_with(&t, &format!("/api/work-orders/{id}"), &k)
        .await
        .json();
    assert_eq!(after["status"], "in_progress");
    let by = serde_json::json!({"type": "integration", "id": "lobby-system"});
    assert!(
        timeline_has(&after, "arrived", &by),
        "{:#}",
        after["timeline"]
    );
    assert!(
        timeline_has(&after, "assigned", &by),
        "{:#}",
        after["timeline"]
    );
}
