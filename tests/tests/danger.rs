//! End-to-end scenarios of the tenant's own report of danger through the local runner, over
//! HTTP only, at 2 a.m. in New York (quiet hours): a routine request whose offer waits for the
//! morning; the tenant texts EMERGENCY → the team is alerted by SMS and email at once, the
//! tenant told to call 911, the timeline and the status page say so, no vendor is woken for
//! it; a second EMERGENCY alerts no one again. And the status page's "Report danger now"
//! button, which leads back to the page with the acknowledgement. EMERGENCY with another
//! tenant's job code is the sender's own report, and says nothing of the other tenant.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use mendwork_tests::scenarios::{outcome, sam_form};
use mendwork_tests::*;

const NEW_YORK: &str = "America/New_York";
const TENANT_PHONE: &str = "+13475550188";
const DRIP: &str = "the bathroom sink faucet drips all day and the handle is loose";

fn night() -> chrono::DateTime<chrono::Utc> {
    local(NEW_YORK, "2026-03-05", "02:00")
}

/// Submits the form at 2 a.m.; returns the work order and the path of the status page.
async fn submit(app: &TestApp, submission: &str) -> (WorkOrder, String) {
    let fields = sam_form(DRIP, "2026-03-06", submission);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = app.submit_form(&pairs).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.clone().unwrap_or_default();
    (app.find_by_description(DRIP).await, location)
}

async fn count(app: &TestApp, address: &str, key: &str) -> usize {
    app.messages_to(address)
        .await
        .into_iter()
        .filter(|m| m.key == key)
        .count()
}

#[tokio::test]
async fn at_two_in_the_morning_emergency_by_text_alerts_the_team_at_once_and_the_timeline_says_so()
{
    let app = TestApp::spawn_at(night()).await;
    let (wo, page) = submit(&app, "danger-night-1").await;
    let id = wo.id();
    assert_eq!(wo["priority"], "routine");
    assert_eq!(
        wo.offer_vendor(),
        None,
        "the routine offer waits for the morning"
    );
    let confirmation = app
        .last_with_key(TENANT_PHONE, "tenant.confirmation.sms")
        .await
        .expect("the confirmation text");
    assert!(
        confirmation.body.contains("Danger now? Reply EMERGENCY."),
        "{}",
        confirmation.body
    );
    assert!(
        sms_segments(&confirmation.body) <= 2,
        "{}",
        confirmation.body
    );

    // Five minutes later the tenant texts EMERGENCY.
    app.advance(300).await;
    let at = night() + Duration::minutes(5);
    let r = app.sms(TENANT_PHONE, "EMERGENCY").await;
    assert_eq!(outcome(&r), "executed", "{r}");

    // The team, at once, at 2:05 a.m.: a text and an email naming the job.
    let alert = app
        .last_with_key(PM_PHONE, "pm.danger.sms")
        .await
        .expect("the team alerted by SMS");
    assert_eq!(alert.at, at);
    assert!(alert.body.contains(&wo.code()), "{}", alert.body);
    assert!(alert.body.contains(TENANT_PHONE), "{}", alert.body);
    let mail = app
        .last_with_key(PM_EMAIL, "pm.danger.email")
        .await
        .expect("the team alerted by email");
    assert_eq!(mail.at, at);
    // The tenant: the team knows; call 911 if anyone is in danger.
    let ack = app
        .last_with_key(TENANT_PHONE, "tenant.danger_ack.sms")
        .await
        .expect("the tenant's acknowledgement");
    assert_eq!(ack.at, at);
    assert!(ack.body.contains("call 911"), "{}", ack.body);
    assert_eq!(sms_segments(&ack.body), 1);

    // Urgent now, in front of the team, on the timeline; no vendor woken for it.
    let after = app.work_order(&id).await;
    assert_eq!(after["priority"], "urgent");
    assert_eq!(after.status(), "needs_attention");
    let kinds = after.timeline_kinds();
    assert!(
        in_order(&kinds, &["submitted", "danger_reported", "needs_attention"]),
        "{kinds:?}"
    );
    assert_eq!(after.offer_vendor(), None);
    assert!(
        app.last_with_key(PM_PHONE, "pm.emergency.sms")
            .await
            .is_none()
    );
    let status = app.get_page(&page).await;
    assert!(
        status.body.contains("You told us it is dangerous now"),
        "{}",
        status.body
    );
    assert!(status.body.contains("The property team has been alerted"));

    // A second EMERGENCY a minute later is the same report: nothing sent again.
    app.advance(60).await;
    let r = app.sms(TENANT_PHONE, "emergency!").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    assert_eq!(count(&app, TENANT_PHONE, "tenant.danger_ack.sms").await, 1);
    // One ten minutes after the first is acknowledged again and alerts no one again.
    app.advance(9 * 60).await;
    let r = app.sms(TENANT_PHONE, "emergency!").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    assert_eq!(count(&app, PM_PHONE, "pm.danger.sms").await, 1);
    assert_eq!(count(&app, PM_EMAIL, "pm.danger.email").await, 1);
    assert_eq!(count(&app, TENANT_PHONE, "tenant.danger_ack.sms").await, 2);
    app.shutdown().await;
}

#[tokio::test]
async fn the_status_page_button_reports_danger_and_comes_back_with_the_acknowledgement() {
    let app = TestApp::spawn_at(night()).await;
    let (wo, page) = submit(&app, "danger-button-1").await;
    let status = app.get_page(&page).await;
    let action = format!("action=\"{page}/danger\"");
    assert!(status.body.contains(&action), "{}", status.body);
    assert!(status.body.contains("Report danger now"));

    let posted = app.post_form(&format!("{page}/danger"), &[]).await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let back = posted.location.clone().unwrap_or_default();
    assert!(back.ends_with("?ok=danger"), "{back}");
    let shown = app.get_page(&back).await;
    assert!(
        shown
            .body
            .contains("We have alerted the property team. If anyone is in danger, call 911"),
        "{}",
        shown.body
    );
    assert!(app.last_with_key(PM_PHONE, "pm.danger.sms").await.is_some());
    assert_eq!(app.work_order(&wo.id()).await["priority"], "urgent");

    // A forged link reports nothing.
    let forged = app.post_form("/s/not-a-real-token/danger", &[]).await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert_eq!(count(&app, PM_PHONE, "pm.danger.sms").await, 1);
    app.shutdown().await;
}

#[tokio::test]
async fn emergency_with_another_tenants_job_code_reports_on_the_senders_own_request() {
    let app = TestApp::spawn_at(night()).await;
    let (sam, _) = submit(&app, "danger-code-1").await;
    // Rosa, another tenant of the building, has a request of her own.
    const ROSA_PHONE: &str = "+13475550199";
    const ROSA_LEAK: &str = "the kitchen radiator valve leaks a little onto the floor";
    let rosa_form: Vec<(&str, String)> = sam_form(ROSA_LEAK, "2026-03-06", "danger-code-2")
        .into_iter()
        .map(|(k, v)| match k {
            "unit" => (k, "5C".to_string()),
            "name" => (k, "Rosa Diaz".to_string()),
            "email" => (k, "rosa.diaz@example.org".to_string()),
            "phone" => (k, ROSA_PHONE.to_string()),
            _ => (k, v),
        })
        .collect();
    let pairs: Vec<(&str, &str)> = rosa_form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.submit_form(&pairs).await.status, 303);
    let rosa = app.find_by_description(ROSA_LEAK).await;
    let to_rosa = app.messages_to(ROSA_PHONE).await.len();

    // Sam texts EMERGENCY with Rosa's code.
    app.advance(300).await;
    let r = app
        .sms(TENANT_PHONE, &format!("EMERGENCY {}", rosa.code()))
        .await;
    assert_eq!(outcome(&r), "executed", "{r}");

    // Sam's own request takes the report: the team alerted, Sam told to call 911.
    let after = app.work_order(&sam.id()).await;
    assert_eq!(after.status(), "needs_attention");
    assert!(
        after
            .timeline_kinds()
            .iter()
            .any(|k| k == "danger_reported")
    );
    assert!(app.last_with_key(PM_PHONE, "pm.danger.sms").await.is_some());
    let ack = app
        .last_with_key(TENANT_PHONE, "tenant.danger_ack.sms")
        .await
        .expect("Sam's acknowledgement");
    assert!(ack.body.contains(&sam.code()), "{}", ack.body);
    // Nothing of Rosa's is touched, told or revealed.
    let hers = app.work_order(&rosa.id()).await;
    assert!(!hers.timeline_kinds().iter().any(|k| k == "danger_reported"));
    assert_eq!(hers["priority"], "routine");
    assert_eq!(app.messages_to(ROSA_PHONE).await.len(), to_rosa);
    for m in app.messages_to(TENANT_PHONE).await {
        assert!(!m.body.contains(&rosa.code()), "{}", m.body);
        assert!(
            !m.body.contains("Rosa") && !m.body.contains("5C"),
            "{}",
            m.body
        );
    }
    app.shutdown().await;
}
