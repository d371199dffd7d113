//! End-to-end scenarios of a tenant who texts the team's number about a new problem, through
//! the local runner over HTTP only: a known tenant gets a link to the form pre-filled with
//! their words, opens it and sends it; emergency wording makes the work order at once, with the
//! safety steps and the team alerted; an unknown number learns nothing; a flood of texts makes
//! no flood of links; a tampered or expired link is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mendwork_tests::*;
use serde_json::Value;

const MAPLE: &str = "maple-court";
const TENANT_PHONE: &str = "+13475550188";
const STRANGER: &str = "+13475550111";
const LEAK_AGAIN: &str = "my kitchen sink is leaking again";
const FLOOD: &str = "water is pouring through the ceiling and the floor is flooding";

fn outcome(v: &Value) -> &str {
    v["outcome"].as_str().unwrap_or("")
}

/// Sam reported a problem on the form once; the PM cancelled it since.
async fn known_tenant(app: &TestApp) -> WorkOrder {
    known_tenant_in(app, "en").await
}

/// [`known_tenant`], with the form read in `lang`.
async fn known_tenant_in(app: &TestApp, lang: &str) -> WorkOrder {
    let page = app
        .submit_form(&[
            ("lang", lang),
            ("property", MAPLE),
            ("unit", "2A"),
            ("name", "Sam Okafor"),
            ("email", "sam.okafor@example.org"),
            ("phone", TENANT_PHONE),
            ("description", "The closet door is off its hinges"),
            ("category", "general"),
            ("emergency", "no"),
            ("permission_to_enter", "yes"),
            ("window_date", "2026-03-05"),
            ("window_start", "09:00"),
            ("window_end", "12:00"),
            ("submission", "texting-first-1"),
            ("website", ""),
        ])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let wo = app
        .find_by_description("The closet door is off its hinges")
        .await;
    let r = app
        .post_json(
            &format!("/api/work-orders/{}/cancel", wo.id()),
            &serde_json::json!({ "reason": "tenant fixed it" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    app.work_order(&wo.id()).await
}

/// The texts to `phone` that carry a pre-filled form link.
async fn form_links(app: &TestApp, phone: &str) -> Vec<String> {
    app.sms_to(phone)
        .await
        .iter()
        .filter_map(|m| m.link("/n/"))
        .collect()
}

/// The value of the form control named `name` (input value or textarea text).
fn field(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..=tag_end];
    if tag.starts_with("<textarea") {
        let end = tag_end + 1 + html[tag_end + 1..].find("</textarea>")?;
        return Some(html[tag_end + 1..end].to_string());
    }
    let v = tag.find("value=\"")? + 7;
    Some(tag[v..v + tag[v..].find('"')?].to_string())
}

#[tokio::test]
async fn a_known_tenant_texts_a_new_problem_opens_the_prefilled_form_and_sends_it() {
    // Given Sam, whose earlier request is cancelled
    let app = TestApp::spawn().await;
    let first = known_tenant(&app).await;
    assert_eq!(first.status(), "cancelled");

    // When Sam texts a new problem
    let r = app.sms(TENANT_PHONE, LEAK_AGAIN).await;
    assert_eq!(outcome(&r), "replied", "{r}");
    assert_eq!(r["reason"], "new problem: form link", "{r}");

    // Then a link to the form comes back at once, within two segments, and nothing is created
    let links = form_links(&app, TENANT_PHONE).await;
    assert_eq!(links.len(), 1, "{links:?}");
    let text = app
        .sms_to(TENANT_PHONE)
        .await
        .into_iter()
        .find(|m| m.link("/n/").is_some())
        .unwrap();
    assert_eq!(text.at, clock_start());
    assert!(sms_segments(&text.body) <= 2, "{}", text.body);
    assert_eq!(app.all_work_orders().await.len(), 1);

    // When Sam opens it, Then the form is filled with the words, property, unit, name, contact
    let page = app.get_page(&links[0]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let html = &page.body;
    assert_eq!(field(html, "description").as_deref(), Some(LEAK_AGAIN));
    assert_eq!(field(html, "property").as_deref(), Some(MAPLE));
    assert_eq!(field(html, "unit").as_deref(), Some("2A"));
    assert_eq!(field(html, "name").as_deref(), Some("Sam Okafor"));
    assert_eq!(field(html, "phone").as_deref(), Some(TENANT_PHONE));
    assert_eq!(
        field(html, "email").as_deref(),
        Some("sam.okafor@example.org")
    );
    let submission = field(html, "submission").unwrap();
    let issued = field(html, "issued").unwrap();

    // When Sam adds a time and sends it (the form's own post, stamp and all)
    let sent = app
        .submit_form(&[
            ("property", MAPLE),
            ("unit", "2A"),
            ("name", "Sam Okafor"),
            ("email", "sam.okafor@example.org"),
            ("phone", TENANT_PHONE),
            ("description", LEAK_AGAIN),
            ("emergency", "no"),
            ("permission_to_enter", "yes"),
            ("window_date", "2026-03-05"),
            ("window_start", "13:00"),
            ("window_end", "16:00"),
            ("submission", &submission),
            ("issued", &issued),
            ("website", ""),
        ])
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);

    // Then the work order is made, for the same place and person
    let wo = app.find_by_description(LEAK_AGAIN).await;
    assert_ne!(wo.id(), first.id());
    assert_eq!(wo["property"]["id"], MAPLE);
    assert_eq!(wo["unit"], "2A");
    assert_eq!(wo["trade"], "plumbing");
    app.shutdown().await;
}

#[tokio::test]
async fn emergency_wording_from_a_known_tenant_brings_safety_steps_and_alerts_the_team() {
    let app = TestApp::spawn().await;
    known_tenant(&app).await;

    // When Sam texts an emergency
    let r = app.sms(TENANT_PHONE, FLOOD).await;
    assert_eq!(outcome(&r), "executed", "{r}");

    // Then the work order exists at once, an emergency, for Sam's unit
    let wo = app.find_by_description(FLOOD).await;
    assert_eq!(wo["priority"], "emergency");
    assert_eq!(wo["unit"], "2A");
    assert_eq!(r["work_order"], wo.id());
    // And Sam has the safety steps, the team the alert by SMS and email, at once
    let safety = app
        .last_with_key(TENANT_PHONE, "tenant.safety.sms")
        .await
        .expect("the safety steps");
    assert_eq!(safety.at, clock_start());
    let alert = app
        .last_with_key(PM_PHONE, "pm.emergency.sms")
        .await
        .expect("the team alerted by SMS");
    assert_eq!(alert.at, clock_start());
    assert!(
        app.last_with_key(PM_EMAIL, "pm.emergency.email")
            .await
            .is_some()
    );
    // No form link for an emergency: it is already reported.
    assert!(form_links(&app, TENANT_PHONE).await.is_empty());

    // When Sam texts it again and again, Then no second work order is made this hour
    for i in 0..3 {
        let r = app
            .sms_with_id(
                TENANT_PHONE,
                &format!("{FLOOD} help {i}"),
                &format!("flood-{i}"),
            )
            .await;
        assert_ne!(outcome(&r), "executed", "{r}");
    }
    let emergencies = app
        .all_work_orders()
        .await
        .into_iter()
        .filter(|w| w["priority"] == "emergency")
        .count();
    assert_eq!(emergencies, 1);
    app.shutdown().await;
}

#[tokio::test]
async fn an_unknown_number_describing_a_problem_learns_nothing_about_anyone() {
    let app = TestApp::spawn().await;
    known_tenant(&app).await;

    // When a number nobody knows texts a problem and an emergency
    for body in [LEAK_AGAIN, FLOOD] {
        let r = app.sms(STRANGER, body).await;
        assert_eq!(r["reason"], "unknown number", "{r}");
    }
    // Then it gets the unknown-number answer and nothing else: no link, no work order
    let texts = app.sms_to(STRANGER).await;
    assert_eq!(texts.len(), 2);
    for t in &texts {
        for secret in ["Sam", "Maple", "2A", "/n/", "/s/", "#"] {
            assert!(!t.body.contains(secret), "{} reveals {secret}", t.body);
        }
    }
    assert_eq!(texts[0].body, texts[1].body);
    assert_eq!(app.all_work_orders().await.len(), 1);
    assert!(
        app.last_with_key(PM_PHONE, "pm.emergency.sms")
            .await
            .is_none()
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_flood_of_texts_from_a_known_tenant_brings_at_most_three_links_an_hour() {
    let app = TestApp::spawn().await;
    known_tenant(&app).await;

    // When Sam texts ten new problems in a minute
    for i in 0..10 {
        app.sms_with_id(
            TENANT_PHONE,
            &format!("{LEAK_AGAIN} {i}"),
            &format!("leak-{i}"),
        )
        .await;
    }
    // Then three links come back, and the rest are recorded unanswered
    assert_eq!(form_links(&app, TENANT_PHONE).await.len(), 3);
    // And STOP still stops them
    app.advance(3600).await;
    let r = app.sms(TENANT_PHONE, "STOP").await;
    assert_eq!(r["reason"], "opted out", "{r}");
    let r = app.sms(TENANT_PHONE, LEAK_AGAIN).await;
    assert_eq!(r["reason"], "opted out: no answer", "{r}");
    assert_eq!(form_links(&app, TENANT_PHONE).await.len(), 3);
    app.shutdown().await;
}

#[tokio::test]
async fn a_tenant_who_wrote_in_spanish_gets_the_text_and_the_form_in_spanish() {
    // Given Sam, whose earlier request was made on the Spanish form
    let app = TestApp::spawn().await;
    known_tenant_in(&app, "es").await;

    // When Sam texts a new problem in Spanish
    let r = app
        .sms(TENANT_PHONE, "se sale el agua del lavabo de la cocina")
        .await;
    assert_eq!(r["reason"], "new problem: form link", "{r}");

    // Then the text is in Spanish, in GSM-7 within two segments
    let text = app
        .sms_to(TENANT_PHONE)
        .await
        .into_iter()
        .find(|m| m.link("/n/").is_some())
        .unwrap();
    assert!(text.body.contains("formulario"), "{}", text.body);
    assert!(is_gsm7(&text.body), "{}", text.body);
    assert!(sms_segments(&text.body) <= 2, "{}", text.body);
    // And the form opens in Spanish, filled in
    let page = app.get_page(&text.link("/n/").unwrap()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("lang=\"es\""), "{}", page.body);
    assert!(
        page.body.contains("Llenamos el formulario"),
        "{}",
        page.body
    );
    assert_eq!(
        field(&page.body, "description").as_deref(),
        Some("se sale el agua del lavabo de la cocina")
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_tampered_or_expired_form_link_is_refused_plainly() {
    let app = TestApp::spawn().await;
    known_tenant(&app).await;
    app.sms(TENANT_PHONE, LEAK_AGAIN).await;
    let link = form_links(&app, TENANT_PHONE).await.remove(0);

    // A changed character breaks the signature
    let (head, tail) = link.split_at(link.len() - 3);
    let flipped = if tail.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{head}{flipped}{}", &tail[1..]);
    let page = app.get_page(&tampered).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(!page.body.contains(LEAK_AGAIN));

    // Eight days later the genuine link has expired
    app.advance(8 * 24 * 3600).await;
    let page = app.get_page(&link).await;
    assert_eq!(page.status, 410, "{}", page.body);
    assert!(!page.body.contains(LEAK_AGAIN));
    app.shutdown().await;
}
