//! The signed-in team's pages against the embedded adapters: the queue's SLA badges, the
//! timeline with every message (and its HTML version), the vendor choice, resending a message,
//! the read-only portfolio pages (the metrics page has its own file, `metrics_page.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use chrono::Duration;
use mendwork_app::Exec;
use mendwork_domain::effects::Links;
use mendwork_domain::{Actor, Command, WorkOrderId};
use mendwork_embedded::ClockMode;
use support::{TestApp, app, create_body, start};

async fn created(t: &TestApp, body: &str) -> WorkOrderId {
    let a = t.post_json("/api/work-orders", body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    WorkOrderId(a.json()["id"].as_str().unwrap().to_string())
}

fn emergency_body() -> String {
    serde_json::json!({
        "property": "maple-court",
        "unit": "2A",
        "tenant": {"name": "Bo Lind", "phone": "+17185550177"},
        "description": "Strong smell of gas in the kitchen",
        "emergency": true
    })
    .to_string()
}

fn at(t: &TestApp, minutes: i64) {
    t.store
        .clock()
        .set_mode(ClockMode::Frozen(start() + Duration::minutes(minutes)))
        .unwrap();
}

#[tokio::test]
async fn an_emergency_not_accepted_within_fifteen_minutes_is_red_and_the_queue_says_so() {
    let t = app();
    let id = created(&t, &emergency_body()).await;
    t.sign_in().await;
    let q = t.get("/pm").await;
    assert_eq!(q.status, StatusCode::OK);
    let row_at = q.body.find(&format!("data-wo=\"{}\"", id.0)).unwrap();
    let row = &q.body[row_at..row_at + q.body[row_at..].find("</tr>").unwrap()];
    assert!(row.contains("sla green"), "{row}");

    at(&t, 16);
    let q = t.get("/pm").await;
    let row_at = q.body.find(&format!("data-wo=\"{}\"", id.0)).unwrap();
    let row = &q.body[row_at..row_at + q.body[row_at..].find("</tr>").unwrap()];
    assert!(row.contains("sla red"), "{row}");
    assert!(row.contains("not accepted within 15 min"), "{row}");
    assert!(
        q.body.contains("<strong>1</strong> overdue"),
        "the summary counts it"
    );
}

#[tokio::test]
async fn the_timeline_shows_each_email_also_as_html_and_the_vendor_choice_is_by_trade() {
    let t = app();
    let id = created(&t, &create_body()).await;
    t.sign_in().await;
    let d = t.get(&format!("/pm/wo/{}", id.0)).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.body.contains("<summary>HTML version</summary>"));
    assert!(d.body.contains("<iframe class=\"email\" sandbox=\"\""));
    assert!(d.body.contains("<optgroup label=\"Plumbing vendors\">"));
    assert!(d.body.contains("Timer set"));

    // The first email on the timeline, on its own, as sent.
    let n = d
        .body
        .split("<li id=\"t")
        .skip(1)
        .find(|li| li.contains("<summary>HTML version</summary>"))
        .and_then(|li| li.split('"').next())
        .unwrap()
        .to_string();
    let e = t.get(&format!("/pm/wo/{}/messages/{n}", id.0)).await;
    assert_eq!(e.status, StatusCode::OK);
    assert!(e.body.starts_with("<!DOCTYPE html>"), "{}", e.body);
    assert!(
        e.headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );
    assert_eq!(
        t.get(&format!("/pm/wo/{}/messages/0", id.0)).await.status,
        StatusCode::NOT_FOUND,
        "the submission is no email"
    );
}

#[tokio::test]
async fn resend_sends_the_chosen_message_again_once_and_writes_it_on_the_timeline() {
    let t = app();
    let id = created(&t, &create_body()).await;
    t.sign_in().await;
    let before = t.sent_to("ana@example.com").len();
    assert!(before >= 1);
    let d = t.get(&format!("/pm/wo/{}", id.0)).await;
    assert!(
        d.body
            .contains("<label for=\"message\">Resend the last message to</label>")
    );
    let timeline = t.app.work_orders.timeline(&id).await.unwrap();
    let index = timeline
        .iter()
        .position(|r| {
            matches!(&r.event, mendwork_domain::Event::MessageSent { address, channel: mendwork_domain::Channel::Email, .. } if address == "ana@example.com")
        })
        .unwrap()
        .to_string();
    let form = [("message", index.as_str()), ("token", "resend-1")];
    let a = t.post_form(&format!("/pm/wo/{}/resend", id.0), &form).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let again = t.post_form(&format!("/pm/wo/{}/resend", id.0), &form).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let sent = t.sent_to("ana@example.com");
    assert_eq!(sent.len(), before + 1, "a double post sends once");
    assert_eq!(sent[sent.len() - 1].body, sent[0].body);
    let after = t.app.work_orders.timeline(&id).await.unwrap();
    assert_eq!(
        after.len(),
        timeline.len() + 2,
        "who resent it, and what went out"
    );
    assert!(matches!(
        &after[after.len() - 2].event,
        mendwork_domain::Event::MessageResent { .. }
    ));
    assert!(matches!(
        &after[after.len() - 1].event,
        mendwork_domain::Event::MessageSent { .. }
    ));

    let a = t
        .post_form(
            &format!("/pm/wo/{}/resend", id.0),
            &[("message", "0"), ("token", "resend-2")],
        )
        .await;
    assert_eq!(
        a.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "entry 0 is no message"
    );
    assert!(a.body.contains("id=\"message-error\""));
}

#[tokio::test]
async fn a_text_to_a_number_that_opted_out_is_not_resent_and_the_team_is_told_why() {
    let t = app();
    let id = created(&t, &create_body()).await;
    t.sign_in().await;
    let timeline = t.app.work_orders.timeline(&id).await.unwrap();
    let (index, phone) = timeline
        .iter()
        .enumerate()
        .find_map(|(i, r)| match &r.event {
            mendwork_domain::Event::MessageSent {
                address,
                channel: mendwork_domain::Channel::Sms,
                ..
            } => Some((i, address.clone())),
            _ => None,
        })
        .expect("a text went out");
    let phone = mendwork_domain::Phone::parse(&phone).unwrap();
    t.app.opt_outs.set_opted_out(&phone, true).await.unwrap();
    let before = t.sent_to(phone.as_str()).len();
    let form = [
        ("message", index.to_string()),
        ("token", "resend-stop".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = t.post_form(&format!("/pm/wo/{}/resend", id.0), &form).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "refused");
    assert!(a.body.contains("opted out"), "{}", a.body);
    assert_eq!(t.sent_to(phone.as_str()).len(), before);
}

#[tokio::test]
async fn pm_actions_are_recorded_as_the_signed_in_member() {
    let t = app();
    let id = created(&t, &create_body()).await;
    t.sign_in().await;
    let a = t
        .post_form(
            &format!("/pm/wo/{}/assign", id.0),
            &[("vendor", "dana-plumbing")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let timeline = t.app.work_orders.timeline(&id).await.unwrap();
    assert!(timeline.iter().any(|r| matches!(
        &r.event,
        mendwork_domain::Event::Assigned { by: Actor::Pm(who), .. } if who == support::TEAM_EMAIL
    )));
}

#[tokio::test]
async fn the_portfolio_pages_show_properties_vendors_and_rules() {
    let t = app();
    t.sign_in().await;
    let p = t.get("/pm/properties").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Maple Court"));
    assert!(p.body.contains("href=\"/report/maple-court/qr\""));
    let v = t.get("/pm/vendors").await;
    assert!(v.body.contains("Pat Alvarez"));
    assert!(v.body.contains("id=\"vendor-pat-plumbing\""));
    let r = t.get("/pm/rules").await;
    assert!(r.body.contains("Dispatch"));
    assert!(r.body.contains("Queue SLA badges"));
    assert!(r.body.contains("15 min"));
}

#[tokio::test]
async fn a_message_the_service_refused_reads_as_not_delivered_on_the_timeline_and_in_the_api() {
    let t = app();
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = WorkOrderId(wo["id"].as_str().unwrap().to_string());
    t.app
        .execute(
            &id,
            Command::MessageUndelivered {
                to: mendwork_domain::Recipient::Tenant,
                channel: mendwork_domain::Channel::Email,
                address: "ana@example.com".into(),
                key: "tenant.confirmation.email".into(),
                reason: "Email address is not verified (MessageRejected)".into(),
            },
            Exec::default(),
        )
        .await
        .unwrap();
    t.sign_in().await;
    let page = t.get(&format!("/pm/wo/{}", id.as_str())).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Not delivered"), "{}", page.body);
    assert!(
        page.body
            .contains("Email address is not verified (MessageRejected)")
    );
    let json = t
        .get(&format!("/api/work-orders/{}", id.as_str()))
        .await
        .json();
    let kinds: Vec<&str> = json["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"message_undelivered"), "{kinds:?}");
    // The tenant's own page does not show it.
    let link = t
        .app
        .links
        .tenant_status(&t.app.work_orders.load(&id).await.unwrap().unwrap().wo);
    let status = t.get(&link[link.find("/s/").unwrap()..]).await;
    assert!(!status.body.contains("MessageRejected"));
}
