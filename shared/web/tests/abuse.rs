//! The abuse suite: each test plays an attack on the public edges, against the deployed
//! router (or the local one where the attack is the same), and checks it is refused and
//! changes nothing. Cross-site writes, the JSON API's content type, the response headers, the
//! tenant form as an SMS/email relay (stored rate limits, the single-use stamp, countries),
//! sign-in floods, and hostile text. (The local runner's Host check and link-secret file are
//! tested in the `tests` package, which runs it; the AWS counters on moto in shared/aws.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use chrono::Duration;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_web::ClientIp;
use mendwork_web::pages::tenant::stamp;
use sha2::{Digest, Sha256};
use support::*;

fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A form post as a browser sends it, with extra headers, from `ip` when given.
async fn post_form_as(
    t: &TestApp,
    uri: &str,
    pairs: &[(&str, &str)],
    headers: &[(&str, &str)],
    ip: Option<&str>,
) -> Answer {
    let mut req =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::from(form_body(pairs))).unwrap();
    if let Some(ip) = ip {
        req.extensions_mut().insert(ClientIp(ip.parse().unwrap()));
    }
    t.send(req).await
}

/// A person's stamp: handed out 20 seconds ago (the real clock, as the form's stamp is).
fn human_stamp(t: &TestApp) -> String {
    stamp(&t.app, SystemClock.now() - Duration::seconds(20))
}

/// The form's fields from a given phone and email, with a fresh stamp.
fn tenant_fields<'a>(
    token: &'a str,
    email: &'a str,
    phone: &'a str,
    issued: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut f = fields(token, "The kitchen sink drips", "no");
    f.retain(|(k, _)| !matches!(*k, "email" | "phone"));
    f.push(("email", email));
    f.push(("phone", phone));
    f.push(("issued", issued));
    f
}

// ---------------------------------------------------------------------------------------------
// Cross-site requests.

#[tokio::test]
async fn a_cross_site_form_post_to_the_tenant_form_is_refused_and_creates_nothing() {
    let t = app();
    let f = fields("tok-x1", "The kitchen sink drips", "no");
    let a = post_form_as(&t, "/report", &f, &[("sec-fetch-site", "cross-site")], None).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let a = post_form_as(&t, "/report", &f, &[("sec-fetch-site", "same-site")], None).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert_eq!(t.count().await, 0);
}

#[tokio::test]
async fn an_origin_of_another_site_cannot_create_or_cancel_through_the_json_api() {
    let t = app();
    let made = t.post_json("/api/work-orders", &create_body()).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.json()["id"].as_str().unwrap().to_string();
    for origin in ["https://evil.example", "null"] {
        let req = Request::post("/api/work-orders")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, origin)
            .header(header::HOST, "localhost:8080")
            .body(Body::from(create_body()))
            .unwrap();
        assert_eq!(t.send(req).await.status, StatusCode::FORBIDDEN, "{origin}");
        let req = Request::post(format!("/api/work-orders/{id}/cancel"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, origin)
            .header(header::HOST, "localhost:8080")
            .body(Body::from("{}"))
            .unwrap();
        assert_eq!(t.send(req).await.status, StatusCode::FORBIDDEN, "{origin}");
    }
    assert_eq!(t.count().await, 1);
    let wo = t.get(&format!("/api/work-orders/{id}")).await.json();
    assert_ne!(wo["status"], "cancelled");
}

#[tokio::test]
async fn a_text_plain_body_to_the_json_api_is_refused_with_415_and_creates_nothing() {
    let t = app();
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let req = Request::post("/api/work-orders")
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(create_body()))
            .unwrap();
        let a = t.send(req).await;
        assert_eq!(
            a.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{ct}: {}",
            a.body
        );
        assert!(a.json()["error"].is_string());
    }
    let req = Request::post("/api/work-orders")
        .body(Body::from(create_body()))
        .unwrap();
    assert_eq!(t.send(req).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(t.count().await, 0);
}

// ---------------------------------------------------------------------------------------------
// Headers.

fn header_of<'a>(a: &'a Answer, name: &str) -> &'a str {
    a.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_page_forbids_framing_and_referrers_and_secret_pages_are_never_cached() {
    let t = deployed();
    let made = {
        let local = app();
        local.post_json("/api/work-orders", &create_body()).await
    };
    assert_eq!(made.status, StatusCode::CREATED);
    let status_link = t.app.links.sign(
        &mendwork_app::Claim::Tenant {
            work_order: mendwork_domain::WorkOrderId("wo-unknown".into()),
        },
        t.app.now() + Duration::days(1),
    );
    for path in [
        "/".to_string(),
        "/report/maple-court".into(),
        "/login".into(),
        "/login/not-a-token".into(),
        "/pm".into(),
        format!("/s/{status_link}"),
        "/v/forged".into(),
        "/approve/forged".into(),
        "/files/forged".into(),
        "/api/work-orders".into(),
    ] {
        let a = t.get(&path).await;
        let csp = header_of(&a, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp:?}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp:?}");
        assert_eq!(header_of(&a, "referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header_of(&a, "cache-control"), "no-store", "{path}");
    }
}

#[tokio::test]
async fn the_policy_lets_exactly_the_pages_own_inline_scripts_run() {
    let t = deployed();
    let a = t.get("/report/maple-court").await;
    let csp = header_of(&a, "content-security-policy").to_string();
    let mut rest = a.body.as_str();
    let mut scripts = 0;
    while let Some(at) = rest.find("<script>") {
        let after = &rest[at + "<script>".len()..];
        let end = after.find("</script>").unwrap();
        let hash = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(&after.as_bytes()[..end]));
        assert!(
            csp.contains(&format!("'sha256-{hash}'")),
            "script not allowed: {csp}"
        );
        scripts += 1;
        rest = &after[end..];
    }
    assert!(scripts >= 1, "the form has its safety script");
    assert!(
        !csp.split(';')
            .any(|d| d.trim().starts_with("script-src") && d.contains("unsafe"))
    );
}

// ---------------------------------------------------------------------------------------------
// The tenant form as a relay.

#[tokio::test]
async fn a_form_stamp_works_once_and_a_second_submission_with_it_is_refused() {
    let t = deployed();
    let issued = human_stamp(&t);
    let f = tenant_fields("tok-s1", "ana@example.com", "", &issued);
    let a = t.post_form("/report", &f).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    // The same post again (a double click) is the same work order, not a refusal.
    let again = t.post_form("/report", &f).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(again.location(), a.location());
    // A new submission with the used stamp is refused, with a fresh stamp to try again.
    let f = tenant_fields("tok-s2", "bob@example.com", "", &issued);
    let reused = t.post_form("/report", &f).await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.body
    );
    assert!(reused.body.contains("already sent once"), "{}", reused.body);
    assert!(!reused.body.contains(&format!("value=\"{issued}\"")));
    assert_eq!(t.count().await, 1);
    assert!(t.sent_to("bob@example.com").is_empty());
}

#[tokio::test]
async fn one_ip_address_gets_at_most_ten_submissions_an_hour() {
    let t = deployed();
    let mut created = 0;
    let mut refused = 0;
    for i in 0..12 {
        let token = format!("tok-ip{i}");
        let email = format!("tenant{i}@example.com");
        let issued = human_stamp(&t);
        let f = tenant_fields(&token, &email, "", &issued);
        let a = post_form_as(&t, "/report", &f, &[], Some("203.0.113.7")).await;
        match a.status {
            StatusCode::SEE_OTHER => created += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("{other}: {}", a.body),
        }
    }
    assert_eq!((created, refused), (10, 2));
    assert_eq!(t.count().await, 10);
    // Another address is not held back by that one.
    let issued = human_stamp(&t);
    let f = tenant_fields("tok-ip-other", "other@example.com", "", &issued);
    let a = post_form_as(&t, "/report", &f, &[], Some("198.51.100.4")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
}

#[tokio::test]
async fn one_phone_number_is_texted_for_at_most_five_submissions_a_day_from_any_address() {
    let t = deployed();
    let mut statuses = vec![];
    for i in 0..7 {
        let token = format!("tok-ph{i}");
        let issued = human_stamp(&t);
        let f = tenant_fields(&token, "", "+1 (718) 555-0199", &issued);
        let ip = format!("198.51.100.{i}");
        statuses.push(post_form_as(&t, "/report", &f, &[], Some(&ip)).await.status);
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        2,
        "{statuses:?}"
    );
    let texts = t.sent_to("+17185550199");
    let confirmations = texts
        .iter()
        .filter(|m| m.key == "tenant.confirmation.sms")
        .count();
    assert_eq!(confirmations, 5);
}

#[tokio::test]
async fn case_variants_of_one_email_address_share_its_daily_limit() {
    let t = deployed();
    let mut refused = 0;
    for (i, email) in [
        "Victim@Example.com",
        "victim@example.com",
        "VICTIM@EXAMPLE.COM",
        "vIcTiM@example.com",
        "victim@EXAMPLE.com",
        "Victim@example.COM",
        "victim@Example.Com",
    ]
    .iter()
    .enumerate()
    {
        let token = format!("tok-em{i}");
        let issued = human_stamp(&t);
        let f = tenant_fields(&token, email, "", &issued);
        let ip = format!("198.51.100.{i}");
        if post_form_as(&t, "/report", &f, &[], Some(&ip)).await.status
            == StatusCode::TOO_MANY_REQUESTS
        {
            refused += 1;
        }
    }
    assert_eq!(refused, 2);
}

#[tokio::test]
async fn a_number_in_a_country_the_team_does_not_text_is_refused_beside_the_phone_field() {
    let t = deployed();
    let issued = human_stamp(&t);
    // A premium-rate style number abroad (SMS pumping), an ordinary UK mobile, and a Jamaican
    // number that shares +1 with the team's country but is texted (and priced) abroad.
    for phone in ["+882 1234 5678", "+44 7700 900123", "+1 876 555 0134"] {
        let f = tenant_fields("tok-c1", "", phone, &issued);
        let a = t.post_form("/report", &f).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{phone}: {}",
            a.body
        );
        assert!(
            a.body.contains("We can only text numbers starting +1"),
            "{}",
            a.body
        );
    }
    let a = t
        .post_form("/report?lang=es", &{
            let mut f = tenant_fields("tok-c2", "", "+44 7700 900123", &issued);
            f.push(("lang", "es"));
            f
        })
        .await;
    assert!(
        a.body.contains("Solo podemos enviar mensajes"),
        "{}",
        a.body
    );
    assert_eq!(t.count().await, 0);
}

#[tokio::test]
async fn a_stranger_s_words_and_links_are_not_relayed_to_the_address_they_typed() {
    let t = app();
    let mut f = fields(
        "tok-r1",
        "URGENT your account is locked, verify at http://evil.example/login",
        "no",
    );
    f.retain(|(k, _)| *k != "name");
    f.push(("name", "Click http://evil.example now"));
    let a = t.post_form("/report", &f).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let mail = t.sent_to("ana@example.com");
    assert!(!mail.is_empty());
    for m in &mail {
        assert!(!m.body.contains("evil.example"), "{}", m.body);
        assert!(!m.body.contains("locked"), "{}", m.body);
    }
}

// ---------------------------------------------------------------------------------------------
// Sign-in.

#[tokio::test]
async fn case_variants_of_the_team_address_get_at_most_five_sign_in_emails_an_hour() {
    let t = app();
    for variant in [
        "maintenance@example.com",
        "Maintenance@example.com",
        "MAINTENANCE@EXAMPLE.COM",
        "maintenance@Example.com",
        " maintenance@example.com ",
        "mAintenance@example.com",
    ] {
        for _ in 0..5 {
            let a = t.post_form("/login", &[("email", variant)]).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        }
    }
    let sent: usize = [
        "maintenance@example.com",
        "Maintenance@example.com",
        "MAINTENANCE@EXAMPLE.COM",
        "maintenance@Example.com",
        "mAintenance@example.com",
    ]
    .iter()
    .map(|a| t.sent_to(a).len())
    .sum();
    assert_eq!(sent, 5);
}

#[tokio::test]
async fn one_ip_address_is_turned_away_after_twenty_sign_in_requests_an_hour() {
    let t = deployed();
    let mut last = StatusCode::OK;
    for i in 0..21 {
        let email = format!("someone{i}@example.net");
        last = post_form_as(&t, "/login", &[("email", &email)], &[], Some("203.0.113.9"))
            .await
            .status;
        if i < 20 {
            assert_eq!(last, StatusCode::OK, "request {i}");
        }
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // The team's own address from elsewhere still gets its link.
    let a = post_form_as(
        &t,
        "/login",
        &[("email", TEAM_EMAIL)],
        &[],
        Some("198.51.100.1"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(t.sent_to(TEAM_EMAIL).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Hostile text.

#[tokio::test]
async fn bidi_overrides_and_invisible_characters_are_stripped_from_what_a_tenant_types() {
    let t = app();
    let sneaky = "Sink \u{202E}kaerb\u{202C} drips\u{200B}\u{2066}!\u{2069}";
    let f = fields("tok-b1", sneaky, "no");
    let a = t.post_form("/report", &f).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let list = t.get("/api/work-orders").await.json();
    let text = list.to_string();
    assert!(text.contains("Sink kaerb drips!"), "{text}");
    for c in ['\u{202E}', '\u{202C}', '\u{200B}', '\u{2066}', '\u{2069}'] {
        assert!(!text.contains(c), "{c:?} kept");
    }
}

#[tokio::test]
async fn email_addresses_with_commas_quotes_bidi_or_nul_are_refused() {
    let t = app();
    for email in [
        "a,b@example.com",
        "\"a b\"@example.com",
        "ana\u{202E}@example.com",
        "ana\u{0}@example.com",
        "ana@exa_mple.com",
        "ana@@example.com",
        ".ana@example.com",
    ] {
        let mut f = fields("tok-e1", "The kitchen sink drips", "no");
        f.retain(|(k, _)| *k != "email");
        f.push(("email", email));
        let a = t.post_form("/report", &f).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{email:?}");
    }
    assert_eq!(t.count().await, 0);
}
