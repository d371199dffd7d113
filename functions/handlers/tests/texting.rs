//! A tenant who texts a new problem, end to end on moto through the Lambda handlers only: the
//! SNS event into `sms-inbound` finds the tenant's earlier work order through the tenant-history
//! index and texts back a link to the form pre-filled; the intake function shows it and takes
//! the post (stamp and all); an emergency text makes the work order at once and alerts the
//! team; a number nobody knows learns nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use support::aws::{World, find_link, hidden_value, path_of, utc};

const MAPLE: &str = "maple-court";
const TENANT_PHONE: &str = "+13475550191";
const TENANT_EMAIL: &str = "alex.rivera@example.org";
const PM_EMAIL: &str = "maintenance@example.com";
const STRANGER: &str = "+13475550123";
const LEAK_AGAIN: &str = "my kitchen sink is leaking again";
const FLOOD: &str = "water is pouring through the ceiling and the floor is flooding";

fn start() -> DateTime<Utc> {
    utc("2026-03-04T15:00:00Z")
}

fn outcome(r: &Value) -> &str {
    r[0]["outcome"].as_str().unwrap_or("")
}

fn fields<'a>(description: &'a str, submission: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("property", MAPLE),
        ("unit", "4B"),
        ("name", "Alex Rivera"),
        ("email", TENANT_EMAIL),
        ("phone", TENANT_PHONE),
        ("description", description),
        ("emergency", "no"),
        ("permission_to_enter", "yes"),
        ("window_date", "2026-03-05"),
        ("window_start", "09:00"),
        ("window_end", "12:00"),
        ("submission", submission),
        ("website", ""),
    ]
}

/// Alex reported a problem on the form once; the PM cancelled it since.
async fn known_tenant(w: &World) -> String {
    w.sign_in(PM_EMAIL).await;
    let posted = w
        .submit_tenant_form(MAPLE, &fields("The closet door is off its hinges", "tx-1"))
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let id = w
        .work_orders()
        .await
        .iter()
        .find(|wo| wo["description"] == "The closet door is off its hinges")
        .and_then(|wo| wo["id"].as_str().map(str::to_string))
        .unwrap();
    let r = w
        .post_json(
            &format!("/api/work-orders/{id}/cancel"),
            &json!({"reason": "fixed it myself"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    id
}

#[tokio::test]
async fn a_known_tenant_texts_gets_the_prefilled_form_and_sends_it_through_the_handlers() {
    let Some(w) = World::start("texting link", start()).await else {
        return;
    };
    w.deliver_streams_twice();
    let first = known_tenant(&w).await;

    // When Alex texts a new problem
    let r = w.sms(TENANT_PHONE, LEAK_AGAIN).await;
    assert_eq!(outcome(&r), "replied", "{r}");

    // Then SNS sent back a link to the form
    let link = w
        .sms_to(TENANT_PHONE)
        .await
        .iter()
        .find_map(|m| find_link(m, "/n/"))
        .expect("a form link by SMS");

    // The intake function shows the form pre-filled
    let page = w.get(&path_of(&link)).await;
    assert_eq!((page.function.as_str(), page.status), ("intake", 200));
    assert!(page.body.contains(LEAK_AGAIN), "{}", page.body);
    assert!(page.body.contains("Alex Rivera"));
    assert!(page.body.contains("value=\"4B\""));
    let issued = hidden_value(&page.body, "issued").unwrap();
    let submission = hidden_value(&page.body, "submission").unwrap();

    // And takes its post a person's few seconds later
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let mut all = fields(LEAK_AGAIN, &submission);
    all.push(("issued", &issued));
    let sent = w.post_form("/report", &all).await;
    assert_eq!((sent.function.as_str(), sent.status), ("intake", 303));
    let made = w
        .work_orders()
        .await
        .into_iter()
        .find(|wo| wo["description"] == LEAK_AGAIN)
        .expect("the work order from the form");
    assert_ne!(made["id"].as_str(), Some(first.as_str()));
}

#[tokio::test]
async fn emergency_text_and_a_stranger_through_the_handlers() {
    let Some(w) = World::start("texting emergency", start()).await else {
        return;
    };
    w.deliver_streams_twice();
    known_tenant(&w).await;

    // A number nobody knows gets the same answer as ever
    let r = w.sms(STRANGER, FLOOD).await;
    assert_eq!(r[0]["reason"], "unknown number", "{r}");
    for body in w.sms_to(STRANGER).await {
        assert!(!body.contains("Alex") && !body.contains("/n/"), "{body}");
    }

    // Alex's emergency text makes the work order at once
    let r = w.sms(TENANT_PHONE, FLOOD).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let id = r[0]["work_order"].as_str().unwrap().to_string();
    let wo = w.work_order(&id).await;
    assert_eq!(wo["priority"], "emergency", "{wo}");
    w.delivered(&wo, "tenant.safety.sms", TENANT_PHONE).await;
    w.delivered(&wo, "pm.emergency.email", PM_EMAIL).await;
}
