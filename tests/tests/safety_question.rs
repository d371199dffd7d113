//! End-to-end scenarios of the safety question through the local runner, over HTTP only:
//! the tenant form → the question by SMS → YES by SMS → emergency dispatch (the vendor gets the
//! emergency offer, the team is alerted); a routine offer withdrawn for an emergency vendor;
//! and NO or no answer keeping the routine path.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use mendwork_tests::scenarios::{outcome, sam_form};
use mendwork_tests::*;
use serde_json::json;

const ASPEN: &str = "aspen-ridge";
const DENVER: &str = "America/Denver";
const TENANT_PHONE: &str = "+13475550188";
const PAT: &str = "pat-plumbing";
const DANA: &str = "dana-plumbing";
const LOU: &str = "lou-plumbing";

/// Triage leaves this danger open: is the water touching the light?
const LEAK: &str = "water dripping from the ceiling right beside the kitchen light";

/// Submits the form; returns the work order and the path of the page the form led to.
async fn submit(app: &TestApp, submission: &str) -> (WorkOrder, String) {
    let fields = sam_form(LEAK, "2026-03-05", submission);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = app.submit_form(&pairs).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.clone().unwrap_or_default();
    let status = app.get_page(&location).await;
    assert!(status.body.contains("Safety check"), "{}", status.body);
    (app.find_by_description(LEAK).await, location)
}

#[tokio::test]
async fn form_then_question_by_sms_then_yes_dispatches_the_emergency_and_alerts_the_team() {
    let app = TestApp::spawn().await;
    let pat = app.vendor_phone(PAT).await;
    let (wo, _) = submit(&app, "safety-yes-1").await;
    let id = wo.id();

    // The routine path did not wait: Pat has the urgent offer (1 h), and the question is out.
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(wo["priority"], "urgent");
    assert_eq!(wo.offer_vendor().as_deref(), Some(PAT));
    assert_eq!(wo.offer_expires(), Some(clock_start() + Duration::hours(1)));
    assert_eq!(wo["safety_question"]["question"], "water_near_electricity");
    let question = app
        .last_with_key(TENANT_PHONE, "question.water_near_electricity")
        .await
        .expect("the question by SMS");
    assert_eq!(question.at, clock_start(), "at once");
    assert!(question.body.contains(&format!("#{}", wo.code())));
    assert_eq!(sms_segments(&question.body), 1);
    assert!(
        app.last_with_key(PM_PHONE, "pm.emergency.sms")
            .await
            .is_none()
    );

    // Five minutes later the tenant answers YES by text.
    app.advance(300).await;
    let r = app.sms(TENANT_PHONE, "yes").await;
    assert_eq!(outcome(&r), "executed", "{r}");

    let wo = app.work_order(&id).await;
    assert_eq!(wo["priority"], "emergency");
    assert_eq!(wo["triage"]["emergency"], "flooding");
    assert_eq!(wo["safety_question"]["answer"], "yes");
    // Pat (emergency-capable, first on the list) gets the offer again as an emergency: 15 min.
    let now = clock_start() + Duration::minutes(5);
    assert_eq!(wo.offer_vendor().as_deref(), Some(PAT));
    assert_eq!(wo.offer_expires(), Some(now + Duration::minutes(15)));
    let offers: Vec<_> = app
        .sms_to(&pat)
        .await
        .into_iter()
        .filter(|m| m.key == "vendor.offer.sms")
        .collect();
    assert_eq!(offers.len(), 2, "the routine offer, then the emergency one");
    assert_eq!(offers[1].at, now);
    let alert = app
        .last_with_key(PM_PHONE, "pm.emergency.sms")
        .await
        .expect("the team alerted");
    assert_eq!(alert.at, now);
    assert!(
        app.last_with_key(PM_EMAIL, "pm.emergency.email")
            .await
            .is_some()
    );
    let safety = app
        .last_with_key(TENANT_PHONE, "tenant.safety.sms")
        .await
        .expect("safety steps for the tenant");
    assert!(
        safety.body.contains("Shut off the water"),
        "{}",
        safety.body
    );
    let kinds = wo.timeline_kinds();
    assert!(
        in_order(
            &kinds,
            &[
                "safety_question_asked",
                "offered",
                "safety_question_answered",
                "offered"
            ]
        ),
        "{kinds:?}"
    );

    // The emergency accept timer runs: unanswered, the offer lapses after 15 min and goes on.
    let moved = app.advance(15 * 60).await;
    assert!(
        moved.kinds_for(&id).contains(&"accept_timeout".to_string()),
        "{moved:?}"
    );
    let wo = app.work_order(&id).await;
    assert_eq!(
        wo.offer_vendor().as_deref(),
        Some(DANA),
        "the next emergency plumber"
    );

    // A second YES is harmless: it changes nothing and alerts nobody again.
    app.sms(TENANT_PHONE, "YES").await;
    let alerts = app
        .messages_to(PM_PHONE)
        .await
        .into_iter()
        .filter(|m| m.key == "pm.emergency.sms")
        .count();
    assert_eq!(alerts, 1);
    app.shutdown().await;
}

#[tokio::test]
async fn yes_withdraws_a_routine_offer_from_a_vendor_who_cannot_take_emergencies() {
    let app = TestApp::spawn().await;
    let lou = app.vendor_phone(LOU).await;
    let dana = app.vendor_phone(DANA).await;
    let wo = app
        .create_work_order(json!({
            "property": ASPEN,
            "unit": "12",
            "tenant": { "name": "Kim Park", "email": "kim.park@example.org", "phone": TENANT_PHONE },
            "description": LEAK,
            "category": "plumbing",
            "emergency": false,
            "availability": [window(DENVER, "2026-03-05", "09:00", "12:00")],
        }))
        .await;
    assert_eq!(wo.offer_vendor().as_deref(), Some(LOU));
    let r = app.sms(TENANT_PHONE, &format!("YES {}", wo.code())).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&wo.id()).await;
    assert_eq!(wo.offer_vendor().as_deref(), Some(DANA));
    assert!(
        app.last_with_key(&lou, "vendor.withdrawn_emergency.sms")
            .await
            .is_some(),
        "Lou is told not to go"
    );
    assert!(app.last_with_key(&dana, "vendor.offer.sms").await.is_some());
    assert_eq!(
        wo.offer_expires(),
        Some(clock_start() + Duration::minutes(15))
    );
    app.shutdown().await;
}

#[tokio::test]
async fn no_or_no_answer_keeps_the_routine_path_and_the_question_goes_on_the_timeline() {
    // NO: acknowledged, the routine offer stands, the question's timer is cancelled.
    let app = TestApp::spawn().await;
    let (wo, _) = submit(&app, "safety-no-1").await;
    let r = app.sms(TENANT_PHONE, "No").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let ack = app
        .last_with_key(TENANT_PHONE, "tenant.question_no.sms")
        .await
        .expect("an acknowledgement");
    assert_eq!(sms_segments(&ack.body), 1);
    let moved = app.advance(45 * 60).await;
    assert!(
        !moved
            .kinds_for(&wo.id())
            .contains(&"safety_question".to_string()),
        "{moved:?}"
    );
    let after = app.work_order(&wo.id()).await;
    assert_eq!(after["priority"], "urgent", "never lowered");
    assert_eq!(after.offer_vendor().as_deref(), Some(PAT));
    assert_eq!(after["safety_question"]["answer"], "no");
    assert!(
        app.last_with_key(PM_PHONE, "pm.emergency.sms")
            .await
            .is_none()
    );
    app.shutdown().await;

    // No answer: after the policy's 30 minutes the question expires; nothing else changes.
    let app = TestApp::spawn().await;
    let (wo, page) = submit(&app, "safety-quiet-1").await;
    assert_eq!(
        wo.timer_due("safety_question"),
        Some(clock_start() + Duration::minutes(30))
    );
    let moved = app.advance(30 * 60).await;
    assert!(
        moved
            .kinds_for(&wo.id())
            .contains(&"safety_question".to_string()),
        "{moved:?}"
    );
    let after = app.work_order(&wo.id()).await;
    assert_eq!(after["priority"], "urgent");
    assert_eq!(after.offer_vendor().as_deref(), Some(PAT));
    assert_eq!(after.offer_expires(), wo.offer_expires());
    assert_eq!(after["safety_question"]["expired"], true);
    assert!(
        after
            .timeline_kinds()
            .contains(&"safety_question_expired".to_string())
    );
    // The status page says so in the tenant's words, and still takes a YES.
    let status = app.get_page(&page).await;
    assert!(
        status
            .body
            .contains("The safety question got no answer in time"),
        "{}",
        status.body
    );
    assert!(status.body.contains("name=\"answer\" value=\"yes\""));
    assert!(status.body.contains("If this changes, answer YES"));
    assert!(
        app.last_with_key(PM_PHONE, "pm.emergency.sms")
            .await
            .is_none()
    );
    app.shutdown().await;
}

#[tokio::test]
async fn stop_while_the_question_is_open_is_an_opt_out_not_an_answer() {
    let app = TestApp::spawn().await;
    let (wo, _) = submit(&app, "safety-stop-1").await;
    let r = app.sms(TENANT_PHONE, "STOP").await;
    assert_ne!(outcome(&r), "executed", "{r}");
    let after = app.work_order(&wo.id()).await;
    assert!(after["safety_question"]["answer"].is_null());
    assert_eq!(after["priority"], "urgent");
    app.shutdown().await;
}
