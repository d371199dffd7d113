//! The PM pages' API keys: the signed-in team makes a key (shown once, never again — not on
//! reload, not when the form is sent twice), sees it listed with its scope and last use, and
//! revokes it; strangers are sent to sign in, and cross-site posts are refused like every
//! other PM form.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{TestApp, deployed};

/// The `mwk_…` key shown on a page, if any.
fn shown_key(page: &str) -> Option<String> {
    let at = page.find("value=\"mwk_")? + "value=\"".len();
    let end = page[at..].find('"')? + at;
    Some(page[at..end].to_string())
}

async fn api_status(t: &TestApp, key: &str) -> StatusCode {
    let req = Request::get("/api/work-orders")
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::COOKIE, "")
        .body(Body::empty())
        .unwrap();
    t.send(req).await.status
}

#[tokio::test]
async fn the_team_makes_a_key_that_is_shown_once_and_not_on_reload_or_a_second_post() {
    // Given the team signed in on a deployment
    let t = deployed();
    t.sign_in().await;
    let page = t.get("/pm/api-keys").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("No key yet"));
    assert!(
        page.body.contains("href=\"/pm/api-keys\""),
        "linked from the navigation"
    );
    assert!(page.body.contains("name=\"token\""));
    // When a PM makes a read-write key named buildium
    let made = t
        .post_form(
            "/pm/api-keys",
            &[
                ("name", "buildium"),
                ("scope", "read-write"),
                ("token", "form-1"),
            ],
        )
        .await;
    // Then the answer shows the key once, with how to use it
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let key = shown_key(&made.body).expect("the new key on the page");
    assert!(made.body.contains("shown only this once"));
    assert!(made.body.contains("Authorization: Bearer"));
    assert_eq!(api_status(&t, &key).await, StatusCode::OK);
    // And the list afterwards shows it without the key itself
    let list = t.get("/pm/api-keys").await;
    assert!(shown_key(&list.body).is_none());
    assert!(!list.body.contains(&key));
    assert!(list.body.contains("buildium") && list.body.contains("read-write"));
    assert!(list.body.contains("by maintenance@example.com"));
    assert!(list.body.contains(">Revoke</button>"));
    // And the same form sent again (a reload) makes no second key and shows none
    let again = t
        .post_form(
            "/pm/api-keys",
            &[
                ("name", "buildium"),
                ("scope", "read-write"),
                ("token", "form-1"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(shown_key(&again.body).is_none());
    assert!(again.body.contains("not shown again"));
    assert_eq!(t.app.api_keys.list().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_key_revoked_on_the_page_is_refused_from_then_on() {
    let t = deployed();
    t.sign_in().await;
    let made = t
        .post_form(
            "/pm/api-keys",
            &[("name", "old-sync"), ("scope", "read"), ("token", "form-2")],
        )
        .await;
    let key = shown_key(&made.body).unwrap();
    let id = mendwork_app::api_keys::parse_token(&key)
        .unwrap()
        .0
        .to_string();
    assert_eq!(api_status(&t, &key).await, StatusCode::OK);
    // The list shows its last use
    let list = t.get("/pm/api-keys").await;
    assert!(!list.body.contains(">never<"), "{}", list.body);
    // When the PM revokes it
    let revoked = t.post_form(&format!("/pm/api-keys/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    let back = t.get(&revoked.location()).await;
    assert!(
        back.body.contains("The key old-sync is revoked"),
        "{}",
        back.body
    );
    assert!(!back.body.contains(">Revoke</button>"));
    // Then the API refuses it
    assert_eq!(api_status(&t, &key).await, StatusCode::UNAUTHORIZED);
    // And a key nobody has is a 404
    let missing = t.post_form("/pm/api-keys/zzzzzzzz/revoke", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_name_or_scope_is_shown_beside_its_field_and_nothing_is_made() {
    let t = deployed();
    t.sign_in().await;
    let a = t
        .post_form(
            "/pm/api-keys",
            &[
                ("name", "Buildium Sync"),
                ("scope", "read"),
                ("token", "form-3"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("id=\"name-error\""), "{}", a.body);
    assert!(a.body.contains("lowercase letters, digits and dashes"));
    let b = t
        .post_form(
            "/pm/api-keys",
            &[("name", "pms"), ("scope", "admin"), ("token", "form-4")],
        )
        .await;
    assert_eq!(b.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b.body.contains("Choose read or read-write"));
    assert!(t.app.api_keys.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn strangers_are_sent_to_sign_in_and_cross_site_posts_are_refused() {
    let t = deployed();
    assert_eq!(t.get("/pm/api-keys").await.location(), "/login");
    let a = t
        .post_form("/pm/api-keys", &[("name", "x"), ("scope", "read-write")])
        .await;
    assert_eq!(a.location(), "/login");
    assert!(t.app.api_keys.list().await.unwrap().is_empty());
    // Signed in, a post from another site is refused before it reaches the page.
    t.sign_in().await;
    let req = Request::post("/pm/api-keys")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from("name=evil&scope=read-write"))
        .unwrap();
    assert_eq!(t.send(req).await.status, StatusCode::FORBIDDEN);
    assert!(t.app.api_keys.list().await.unwrap().is_empty());
    // And an API key is no way into the pages.
    let (_, plain) = mendwork_app::api_keys::create(
        t.app.api_keys.as_ref(),
        "pms",
        mendwork_app::api_keys::Scope::ReadWrite,
        "cli",
        t.app.now(),
    )
    .await
    .unwrap();
    let req = Request::get("/pm/api-keys")
        .header(header::AUTHORIZATION, format!("Bearer {}", plain.reveal()))
        .header(header::COOKIE, "")
        .body(Body::empty())
        .unwrap();
    assert_eq!(t.send(req).await.location(), "/login");
}
