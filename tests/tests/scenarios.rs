//! End-to-end scenarios: each test starts its own local runner (sample portfolio, temporary
//! store, clock frozen at Wed 2026-03-04 15:00 UTC = 10:00 in New York) and drives it over HTTP
//! only, asserting on what an outside client can see: work-order JSON, timelines, visits, and
//! the messages recorded at /dev/outbox with their (local) times.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use mendwork_tests::*;
use serde_json::{Value, json};

const MAPLE: &str = "maple-court";
const NY: &str = "America/New_York";
const SAGUARO: &str = "saguaro";
const PHOENIX: &str = "America/Phoenix";

const TENANT_NAME: &str = "Alex Rivera";
const TENANT_PHONE: &str = "+13475550191";
const TENANT_EMAIL: &str = "alex.rivera@example.org";
const UNKNOWN_PHONE: &str = "+14155550199";

const PAT: &str = "pat-plumbing";
const DANA: &str = "dana-plumbing";
const LOU: &str = "lou-plumbing";
const OWNER_EMAIL: &str = "harriet.lindqvist@example.com";

/// The tenant's windows at Maple Court: Thu 5 Mar 09:00–12:00 and Fri 6 Mar 13:00–17:00, New
/// York time (EST, UTC-5). Slot 1 and slot 2 as the vendor sees them.
fn slot1() -> (DateTime<Utc>, DateTime<Utc>) {
    (utc("2026-03-05T14:00:00Z"), utc("2026-03-05T17:00:00Z"))
}
fn slot2() -> (DateTime<Utc>, DateTime<Utc>) {
    (utc("2026-03-06T18:00:00Z"), utc("2026-03-06T22:00:00Z"))
}

/// A routine plumbing request at Maple Court, unit 4B, as the PM API takes it.
fn plumbing_request(description: &str) -> Value {
    json!({
        "property": MAPLE,
        "unit": "4B",
        "tenant": { "name": TENANT_NAME, "email": TENANT_EMAIL, "phone": TENANT_PHONE },
        "description": description,
        "category": "plumbing",
        "emergency": false,
        "availability": [
            window(NY, "2026-03-05", "09:00", "12:00"),
            window(NY, "2026-03-06", "13:00", "17:00"),
        ],
    })
}

/// The tenant form's fields for a routine plumbing request at Maple Court, unit 4B.
fn form_fields<'a>(description: &'a str, submission: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("property", MAPLE),
        ("unit", "4B"),
        ("name", TENANT_NAME),
        ("email", TENANT_EMAIL),
        ("phone", TENANT_PHONE),
        ("description", description),
        ("category", "plumbing"),
        ("emergency", "no"),
        ("permission_to_enter", "yes"),
        ("pets", "a friendly cat"),
        ("access_notes", ""),
        ("window_date", "2026-03-05"),
        ("window_start", "09:00"),
        ("window_end", "12:00"),
        ("window_date", "2026-03-06"),
        ("window_start", "13:00"),
        ("window_end", "17:00"),
        ("submission", submission),
        ("website", ""),
    ]
}

fn outcome(v: &Value) -> &str {
    v["outcome"].as_str().unwrap_or("")
}

fn keys(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.key.as_str()).collect()
}

/// Creates a routine plumbing work order at Maple Court (offered to Pat at once), Pat accepts
/// and picks `slot`. Returns the work order as it stands then.
async fn booked(app: &TestApp, description: &str, slot: u32) -> WorkOrder {
    let wo = app.create_work_order(plumbing_request(description)).await;
    let pat = app.vendor_phone(PAT).await;
    assert_eq!(wo.offer_vendor().as_deref(), Some(PAT), "{:?}", wo.0);
    let r = app.sms(&pat, &format!("YES {}", wo.code())).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let r = app.sms(&pat, &slot.to_string()).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&wo.id()).await;
    assert_eq!(wo.status(), "scheduled", "{:?}", wo.0);
    wo
}

/// The happy path, driven through the tenant form; returns the closed work order's id.
async fn happy_path(app: &TestApp) -> String {
    let description = "Bathroom faucet drips.";
    let pat = app.vendor_phone(PAT).await;
    let pat_email = app.vendor_email(PAT).await;

    // The tenant submits the form: 303 to their status page.
    let page = app
        .submit_form(&form_fields(description, "happy-path-token"))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.clone().unwrap_or_default();
    assert!(
        location.contains("/s/"),
        "redirect to the status page, got {location:?}"
    );
    let status_page = app.get_page(&location).await;
    assert_eq!(status_page.status, 200);

    // Triage and the first offer happened within that request: Pat is the first Go-To
    // plumber at Maple Court, and his offer SMS is already out, at the same virtual instant.
    let wo = app.find_by_description(description).await;
    let id = wo.id();
    let code = wo.code();
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(wo["trade"], "plumbing");
    assert_eq!(wo["priority"], "routine");
    assert_eq!(wo.source().as_deref(), Some("tenant"));
    assert_eq!(
        app.offered_vendor(&id).await,
        Some((PAT.to_string(), pat.clone()))
    );
    assert_eq!(
        wo.offer_expires(),
        Some(clock_start() + Duration::hours(2)),
        "routine: 2h to accept"
    );
    let offer = app.last_with_key(&pat, "vendor.offer.sms").await;
    let all = app.outbox().await;
    let offer = offer.unwrap_or_else(|| panic!("no offer SMS to Pat: {:?}", keys(&all)));
    assert_eq!(offer.at, clock_start());
    assert_eq!(offer.work_order.as_deref(), Some(id.as_str()));
    assert!(
        offer.body.contains(&format!("Reply YES {code}")),
        "{}",
        offer.body
    );
    assert!(offer.body.contains("412 Maple Avenue"), "{}", offer.body);
    assert!(
        app.last_with_key(&pat_email, "vendor.offer.email")
            .await
            .is_some()
    );
    let tenant_keys = keys(&app.messages_to(TENANT_PHONE).await).join(" ");
    assert!(
        tenant_keys.contains("tenant.confirmation.sms"),
        "{tenant_keys}"
    );
    let confirmation = app
        .last_with_key(TENANT_EMAIL, "tenant.confirmation.plain.email")
        .await;
    let confirmation = confirmation.unwrap_or_else(|| panic!("no confirmation email"));
    assert!(
        confirmation.link("/s/").is_some(),
        "status link in {}",
        confirmation.body
    );

    // Pat accepts: he gets the tenant's windows as numbered slots.
    let r = app.sms(&pat, &format!("YES {code}")).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.vendor().as_deref(), Some(PAT));
    let slots = app
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(slots.key, "vendor.slots.sms");
    assert!(slots.body.contains("1) Thu Mar 5"), "{}", slots.body);
    assert!(slots.body.contains("2) Fri Mar 6"), "{}", slots.body);
    assert!(
        app.last_with_key(TENANT_PHONE, "tenant.assigned.sms")
            .await
            .is_some()
    );

    // "2": Friday 13:00-17:00 New York time.
    let r = app.sms(&pat, "2").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "scheduled");
    assert_eq!(wo.appointment(), Some(slot2()));
    let booked_mail = app
        .last_with_key(TENANT_EMAIL, "tenant.scheduled.email")
        .await;
    let booked_mail = booked_mail.unwrap_or_else(|| panic!("no booking email to the tenant"));
    let ics = booked_mail.ics.clone().unwrap_or_default();
    assert!(
        ics.contains("BEGIN:VCALENDAR") && ics.contains("BEGIN:VEVENT"),
        "{ics}"
    );
    assert!(
        ics.contains("20260306T180000Z"),
        "invite starts Fri 18:00 UTC: {ics}"
    );
    assert!(
        ics.contains("20260306T220000Z"),
        "invite ends Fri 22:00 UTC: {ics}"
    );
    let tenant_sms = app
        .last_with_key(TENANT_PHONE, "tenant.scheduled.sms")
        .await;
    assert!(tenant_sms.is_some_and(|m| m.body.contains("Fri Mar 6, 1-5 PM")));
    let vendor_sms = app.last_with_key(&pat, "vendor.scheduled.sms").await;
    assert!(vendor_sms.is_some_and(|m| m.body.contains("Fri Mar 6, 1-5 PM")));

    // The day before at 18:00 New York time: reminder emails to tenant and vendor.
    let moved = app.clock_to("2026-03-05T23:00:00Z").await;
    assert!(
        !moved.for_work_order(&id).is_empty(),
        "the day-before reminder fired: {moved:?}"
    );
    let eve = app
        .last_with_key(TENANT_EMAIL, "tenant.reminder_eve.email")
        .await;
    let eve = eve.unwrap_or_else(|| panic!("no day-before email to the tenant"));
    assert_eq!(
        eve.local_at(NY).format("%Y-%m-%d %H:%M").to_string(),
        "2026-03-05 18:00"
    );
    assert!(
        app.last_with_key(&pat_email, "vendor.reminder_eve.email")
            .await
            .is_some()
    );

    // The morning of, 07:30: SMS reminders.
    app.clock_to("2026-03-06T12:30:00Z").await;
    let morning = app
        .last_with_key(TENANT_PHONE, "tenant.reminder_morning.sms")
        .await;
    let morning = morning.unwrap_or_else(|| panic!("no morning SMS to the tenant"));
    assert_eq!(
        morning.local_at(NY).format("%Y-%m-%d %H:%M").to_string(),
        "2026-03-06 07:30"
    );
    assert!(
        app.last_with_key(&pat, "vendor.reminder_morning.sms")
            .await
            .is_some()
    );

    // On site, then done.
    app.clock_to("2026-03-06T18:05:00Z").await;
    let r = app.sms(&pat, "ARRIVED").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "in_progress");
    app.advance(3600).await;
    let r = app.sms(&pat, "DONE replaced the cartridge").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "completed");
    let ask = app
        .last_with_key(TENANT_PHONE, "tenant.completed.sms")
        .await;
    assert!(ask.is_some_and(|m| m.body.contains("1 (poor) to 5 (great)")));

    // The tenant rates it, the vendor invoices: closed.
    let r = app.sms(TENANT_PHONE, "5").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo["feedback"]["rating"], 5);
    assert_eq!(wo.status(), "completed", "still waiting for the invoice");
    let r = app.sms(&pat, "INVOICE 385").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "closed");
    assert_eq!(wo["invoice"]["amount"].as_f64(), Some(385.0));
    assert!(
        wo.timer_kinds().is_empty(),
        "nothing pending once closed: {:?}",
        wo["timers"]
    );
    assert!(
        app.last_with_key(&pat, "vendor.invoice_ack.sms")
            .await
            .is_some()
    );
    let kinds = wo.timeline_kinds();
    assert!(
        in_order(
            &kinds,
            &[
                "submitted",
                "triaged",
                "offered",
                "accepted",
                "slots_offered",
                "scheduled",
                "reminded",
                "reminded",
                "arrived",
                "completed",
                "feedback_received",
                "invoice_received",
                "closed",
            ]
        ),
        "timeline: {kinds:?}"
    );
    id
}

#[tokio::test]
async fn a_tenant_request_goes_from_the_form_to_closed_with_every_message_on_time() {
    let app = TestApp::spawn().await;
    happy_path(&app).await;
}

#[tokio::test]
async fn every_sms_of_the_happy_path_fits_one_segment_where_it_can() {
    let app = TestApp::spawn().await;
    let id = happy_path(&app).await;
    let sms: Vec<Message> = app
        .messages_for(&id)
        .await
        .into_iter()
        .filter(Message::is_sms)
        .collect();
    assert!(sms.len() >= 10, "{:?}", keys(&sms));
    for m in &sms {
        assert!(
            is_gsm7(&m.body),
            "{} falls back to UCS-2: {:?}",
            m.key,
            m.body
        );
        // A message carrying a link cannot reasonably fit 160 characters; every other one must.
        if !m.body.contains("http") {
            assert_eq!(
                sms_segments(&m.body),
                1,
                "{} takes {} segments: {:?}",
                m.key,
                sms_segments(&m.body),
                m.body
            );
        }
    }
    for key in [
        "vendor.offer.sms",
        "vendor.slots.sms",
        "tenant.scheduled.sms",
        "vendor.scheduled.sms",
        "tenant.reminder_morning.sms",
        "vendor.reminder_morning.sms",
    ] {
        let m = sms.iter().find(|m| m.key == key);
        let m = m.unwrap_or_else(|| panic!("no {key} in {:?}", keys(&sms)));
        assert_eq!(
            sms_segments(&m.body),
            1,
            "{key}: {:?} ({} chars)",
            m.body,
            m.body.chars().count()
        );
    }
}

#[tokio::test]
async fn a_declined_offer_goes_to_the_next_vendor_at_once() {
    let app = TestApp::spawn().await;
    let wo = app
        .create_work_order(plumbing_request("Kitchen sink drains slowly"))
        .await;
    let (id, code) = (wo.id(), wo.code());
    let pat = app.vendor_phone(PAT).await;
    let dana = app.vendor_phone(DANA).await;
    assert_eq!(wo.offer_vendor().as_deref(), Some(PAT));

    let r = app.sms(&pat, &format!("NO {code} booked all week")).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(
        app.offered_vendor(&id).await,
        Some((DANA.to_string(), dana.clone()))
    );
    assert_eq!(wo.offer_expires(), Some(clock_start() + Duration::hours(2)));
    let ack = app
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(ack.key, "vendor.declined_ack.sms");
    let offer = app.last_with_key(&dana, "vendor.offer.sms").await;
    let offer = offer.unwrap_or_else(|| panic!("no offer to Dana"));
    assert_eq!(offer.at, clock_start(), "offered at once");
    assert!(offer.body.contains(&format!("Reply YES {code}")));

    let r = app.sms(&dana, "yes").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.vendor().as_deref(), Some(DANA));
    assert!(app.last_with_key(&dana, "vendor.slots.sms").await.is_some());
    let kinds = wo.timeline_kinds();
    assert!(
        in_order(&kinds, &["offered", "declined", "offered", "accepted"]),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn an_unanswered_offer_lapses_after_the_accept_timeout_and_goes_to_the_next_vendor() {
    let app = TestApp::spawn().await;
    let wo = app
        .create_work_order(plumbing_request("Toilet runs all night"))
        .await;
    let id = wo.id();
    let pat = app.vendor_phone(PAT).await;
    let dana = app.vendor_phone(DANA).await;
    let expires = clock_start() + Duration::hours(2);
    assert_eq!(wo.offer_expires(), Some(expires));

    // A minute before the deadline nothing happens.
    let moved = app.advance(2 * 3600 - 60).await;
    assert!(moved.for_work_order(&id).is_empty(), "{moved:?}");
    assert_eq!(
        app.work_order(&id).await.offer_vendor().as_deref(),
        Some(PAT)
    );
    assert!(app.last_with_key(&dana, "vendor.offer.sms").await.is_none());

    // At the deadline the offer lapses: Pat is told, Dana is offered the job.
    let moved = app.advance(60).await;
    assert_eq!(moved.for_work_order(&id).len(), 1, "{moved:?}");
    assert_eq!(moved.for_work_order(&id)[0].at, expires);
    let lapsed = app
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(lapsed.key, "vendor.lapsed.sms");
    assert_eq!(lapsed.at, expires);
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(wo.offer_vendor().as_deref(), Some(DANA));
    assert_eq!(wo.offer_expires(), Some(expires + Duration::hours(2)));
    let offer = app.last_with_key(&dana, "vendor.offer.sms").await;
    assert_eq!(offer.map(|m| m.at), Some(expires));
    let kinds = wo.timeline_kinds();
    assert!(
        in_order(&kinds, &["offered", "offer_lapsed", "offered"]),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn when_nobody_accepts_the_work_order_needs_attention_and_the_pm_is_emailed() {
    let app = TestApp::spawn().await;
    let wo = app
        .create_work_order(plumbing_request("Shower has no hot water pressure"))
        .await;
    let id = wo.id();
    let code = wo.code();
    for vendor in [PAT, DANA, LOU] {
        let (offered, phone) = app
            .offered_vendor(&id)
            .await
            .unwrap_or_else(|| panic!("no offer out before {vendor}"));
        assert_eq!(offered, vendor);
        let r = app.sms(&phone, "no").await;
        assert_eq!(outcome(&r), "executed", "{r}");
    }
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "needs_attention");
    assert!(wo["offer"].is_null());
    assert!(
        wo["attention"].as_str().is_some_and(|a| !a.is_empty()),
        "{:?}",
        wo["attention"]
    );
    let mail = app.last_with_key(PM_EMAIL, "pm.attention.email").await;
    let mail = mail.unwrap_or_else(|| panic!("no email to the PM"));
    assert!(
        mail.subject.as_deref().is_some_and(|s| s.contains(&code)),
        "{:?}",
        mail.subject
    );
    assert!(
        app.list("needs_attention")
            .await
            .iter()
            .any(|w| w.id() == id)
    );
}

#[tokio::test]
async fn an_estimate_over_the_nte_goes_to_the_owner_who_approves_and_the_vendor_reschedules() {
    let app = TestApp::spawn().await;
    let wo = booked(&app, "Water heater leaks at the base", 2).await;
    let id = wo.id();
    let pat = app.vendor_phone(PAT).await;

    let r = app
        .sms(
            &pat,
            "ESTIMATE 900 the tank is cracked and must be replaced",
        )
        .await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "awaiting_approval");
    assert!(
        wo.appointment().is_none(),
        "the visit is off until the owner decides"
    );
    assert_eq!(wo["estimate"]["amount"].as_f64(), Some(900.0));
    assert_eq!(wo["estimate"]["limit"].as_f64(), Some(500.0));
    let wait = app.last_sms_to(&pat).await.map(|m| m.key);
    assert!(
        app.sms_to(&pat)
            .await
            .iter()
            .any(|m| m.key == "vendor.estimate_wait.sms"),
        "last SMS to Pat: {wait:?}"
    );

    let mail = app.last_with_key(OWNER_EMAIL, "owner.approval.email").await;
    let mail = mail.unwrap_or_else(|| panic!("no approval email to the owner"));
    assert!(mail.body.contains("$900"), "{}", mail.body);
    let link = mail
        .link("/approve/")
        .unwrap_or_else(|| panic!("no link in {}", mail.body));

    let (page, result) = app.approve_via_link(&link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("$900"), "the page shows the amount");
    assert!(
        page.body.contains("Maple Court"),
        "the page shows the property"
    );
    assert!(
        result.status == 200 || result.status == 303,
        "{} {}",
        result.status,
        result.body
    );

    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.vendor().as_deref(), Some(PAT), "the same vendor");
    assert_eq!(wo["estimate"]["decision"], "approved");
    let pat_keys: Vec<String> = app.sms_to(&pat).await.into_iter().map(|m| m.key).collect();
    assert!(
        in_order(
            &pat_keys,
            &[
                "vendor.estimate_wait.sms",
                "vendor.approved.sms",
                "vendor.slots.sms"
            ]
        ),
        "{pat_keys:?}"
    );

    let r = app.sms(&pat, "1").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "scheduled");
    assert_eq!(wo.appointment(), Some(slot1()));
    let kinds = wo.timeline_kinds();
    assert!(
        in_order(
            &kinds,
            &[
                "scheduled",
                "estimate_received",
                "approval_requested",
                "approved",
                "slots_offered",
                "scheduled"
            ]
        ),
        "{kinds:?}"
    );

    // The link does not work twice.
    let again = app.post_form(&link, &[("decision", "decline")]).await;
    assert!(
        again.status == 410 || again.status == 403,
        "{} {}",
        again.status,
        again.body
    );
    assert_eq!(app.work_order(&id).await.status(), "scheduled");
}

#[tokio::test]
async fn the_approval_page_shows_but_never_decides_on_get() {
    let app = TestApp::spawn().await;
    let wo = booked(&app, "Basement laundry tub drains slowly", 2).await;
    let pat = app.vendor_phone(PAT).await;
    app.sms(&pat, "ESTIMATE 1200 replace the drain line").await;
    let mail = app.last_with_key(OWNER_EMAIL, "owner.approval.email").await;
    let link = mail
        .and_then(|m| m.link("/approve/"))
        .unwrap_or_else(|| panic!("no approval link"));
    for _ in 0..3 {
        let page = app.get_page(&link).await;
        assert_eq!(page.status, 200);
    }
    assert_eq!(app.work_order(&wo.id()).await.status(), "awaiting_approval");
}

#[tokio::test]
async fn an_owner_who_declines_the_estimate_puts_the_work_order_in_front_of_the_pm() {
    let app = TestApp::spawn().await;
    let wo = booked(&app, "Bathtub drain pipe corroded", 2).await;
    let id = wo.id();
    let pat = app.vendor_phone(PAT).await;
    let r = app.sms(&pat, "ESTIMATE 1400 replace the drain stack").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let mail = app.last_with_key(OWNER_EMAIL, "owner.approval.email").await;
    let link = mail
        .and_then(|m| m.link("/approve/"))
        .unwrap_or_else(|| panic!("no approval link"));

    let (page, result) = app.decide_via_link(&link, "decline").await;
    assert_eq!(page.status, 200);
    assert!(
        result.status == 200 || result.status == 303,
        "{} {}",
        result.status,
        result.body
    );
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "needs_attention");
    assert_eq!(wo["estimate"]["decision"], "declined");
    assert!(
        app.sms_to(&pat)
            .await
            .iter()
            .any(|m| m.key == "vendor.declined.sms")
    );
    let pm = app.last_with_key(PM_EMAIL, "pm.attention.email").await;
    assert!(
        pm.is_some_and(|m| m.body.contains("$1,400")),
        "the PM is told what was declined"
    );
}

#[tokio::test]
async fn a_job_not_done_goes_back_to_the_same_vendor_for_a_new_time() {
    let app = TestApp::spawn().await;
    let wo = booked(&app, "Garbage disposal hums but does not spin", 1).await;
    let id = wo.id();
    let pat = app.vendor_phone(PAT).await;
    assert_eq!(wo.appointment(), Some(slot1()));

    // An hour after the appointment ends (12:00 New York), Pat is asked whether it is done.
    let moved = app.clock_to("2026-03-05T18:00:00Z").await;
    assert!(!moved.for_work_order(&id).is_empty(), "{moved:?}");
    let ask = app
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(ask.key, "vendor.outcome.sms");
    assert_eq!(ask.at, utc("2026-03-05T18:00:00Z"));

    let r = app
        .sms(&pat, "NOT DONE need a part from the supplier")
        .await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.vendor().as_deref(), Some(PAT));
    assert!(wo.appointment().is_none());
    let slots = app
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert!(
        slots.body.contains("1) Fri Mar 6"),
        "only the windows still ahead: {}",
        slots.body
    );
    assert!(!slots.body.contains("Thu Mar 5"), "{}", slots.body);

    let r = app.sms(&pat, "1").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "scheduled");
    assert_eq!(wo.appointment(), Some(slot2()));
    let not_done = wo.events("not_done");
    assert_eq!(not_done.len(), 1);
    assert!(
        not_done[0].to_string().contains("need a part"),
        "{}",
        not_done[0]
    );
}

#[tokio::test]
async fn a_vendor_visit_follows_the_work_order_from_accept_to_check_out() {
    let app = TestApp::spawn().await;
    let wo = app
        .create_work_order(plumbing_request("Radiator valve leaks"))
        .await;
    let id = wo.id();
    let pat = app.vendor_phone(PAT).await;

    // Pat's company (RapidFlow) auto-creates visits, and Maple Court has a desk.
    app.sms(&pat, &format!("YES {}", wo.code())).await;
    let wo = app.work_order(&id).await;
    assert_eq!(
        wo.visit_status().as_deref(),
        Some("expected"),
        "{:?}",
        wo["visit"]
    );
    assert_eq!(wo["visit"]["automatic"], true);
    assert_eq!(wo["visit"]["visitor"], "Pat Alvarez");
    assert_eq!(wo["visit"]["work_order"].as_str(), Some(id.as_str()));
    let visit = wo["visit"]["id"].as_str().unwrap_or_default().to_string();

    // The visit's window is the appointment…
    app.sms(&pat, "2").await;
    let wo = app.work_order(&id).await;
    assert_eq!(wo.visit_expected(), Some(slot2()));
    let friday = app.visits(MAPLE, "2026-03-06").await;
    assert!(
        friday.iter().any(|v| v["id"] == visit.as_str()),
        "{friday:?}"
    );

    // …and moves with it.
    let r = app.pm_reschedule(&id).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    app.sms(&pat, "1").await;
    let wo = app.work_order(&id).await;
    assert_eq!(wo.appointment(), Some(slot1()));
    assert_eq!(wo.visit_expected(), Some(slot1()));
    assert_eq!(
        wo["visit"]["id"].as_str(),
        Some(visit.as_str()),
        "the same visit moved"
    );
    let thursday = app.visits(MAPLE, "2026-03-05").await;
    assert!(
        thursday.iter().any(|v| v["id"] == visit.as_str()),
        "{thursday:?}"
    );
    let friday = app.visits(MAPLE, "2026-03-06").await;
    assert!(
        !friday.iter().any(|v| v["id"] == visit.as_str()),
        "{friday:?}"
    );

    // The desk checks Pat in: the work order is in progress.
    app.clock_to("2026-03-05T14:10:00Z").await;
    let r = app.desk_check_in(&visit).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "checked_in");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "in_progress");
    assert_eq!(wo.visit_status().as_deref(), Some("checked_in"));

    // Done: the visit is checked out and leaves the desk's queue of expected visitors.
    app.clock_to("2026-03-05T16:00:00Z").await;
    let r = app.sms(&pat, "DONE").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "completed");
    assert_eq!(wo.visit_status().as_deref(), Some("checked_out"));
    assert_eq!(
        wo["visit"]["checked_out_at"].as_str().map(utc),
        Some(utc("2026-03-05T16:00:00Z"))
    );
    let desk = app.visits(MAPLE, "2026-03-05").await;
    assert!(
        desk.iter()
            .all(|v| v["id"] != visit.as_str() || v["status"] == "checked_out"),
        "{desk:?}"
    );
}

#[tokio::test]
async fn a_visit_made_at_the_desk_links_to_a_work_order_of_the_same_property_only() {
    let app = TestApp::spawn().await;
    // Erin's company (Brightline) does not auto-create visits.
    let mut request = plumbing_request("Bedroom ceiling light flickers");
    request["category"] = json!("electrical");
    let wo = app.create_work_order(request).await;
    let (id, code) = (wo.id(), wo.code());
    let (vendor, erin) = app
        .offered_vendor(&id)
        .await
        .unwrap_or_else(|| panic!("no offer"));
    assert_eq!(vendor, "erin-electric");
    app.sms(&erin, "YES").await;
    app.sms(&erin, "2").await;
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "scheduled");
    assert!(
        wo["visit"].is_null(),
        "no automatic visit: {:?}",
        wo["visit"]
    );

    // A visit made at another property's desk is refused, with the reason.
    let r = app
        .create_visit(
            json!({ "property": "lakeview", "visitor": "Erin Walsh", "request_id": code }),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    let reason = r.error().to_lowercase();
    assert!(
        reason.contains("lakeview") && reason.contains("maple"),
        "{reason}"
    );
    assert!(app.work_order(&id).await["visit"].is_null());

    // The same visit at Maple Court's desk links by the job code.
    let r = app
        .create_visit(json!({
            "property": MAPLE,
            "visitor": "Erin Walsh",
            "company": "Brightline Electric",
            "request_id": code,
        }))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["work_order"].as_str(), Some(id.as_str()));
    assert_eq!(r.body["automatic"], false);
    let visit = r.body["id"].as_str().unwrap_or_default().to_string();
    let wo = app.work_order(&id).await;
    assert_eq!(wo["visit"]["id"].as_str(), Some(visit.as_str()));
    assert_eq!(
        wo.visit_expected(),
        Some(slot2()),
        "it takes the appointment's window"
    );
    let friday = app.visits(MAPLE, "2026-03-06").await;
    assert!(
        friday.iter().any(|v| v["id"] == visit.as_str()),
        "{friday:?}"
    );
}

#[tokio::test]
async fn a_recurring_work_order_is_created_on_time_and_dispatched() {
    let app = TestApp::spawn().await;
    // maple-pest: "0 10 15 * *" in New York → Sun 15 Mar 2026 10:00 EDT = 14:00 UTC.
    let due = utc("2026-03-15T14:00:00Z");
    let is_pest =
        |w: &WorkOrder| w.source().as_deref() == Some("recurring") || w["trade"] == "pest";

    app.clock_to("2026-03-15T13:59:00Z").await;
    assert!(
        !app.all_work_orders().await.iter().any(is_pest),
        "not before its time"
    );

    let moved = app.clock_to("2026-03-15T14:30:00Z").await;
    assert!(moved.fired.iter().any(|f| f.at == due), "{moved:?}");
    let all = app.all_work_orders().await;
    let found: Vec<&WorkOrder> = all.iter().filter(|w| is_pest(w)).collect();
    assert_eq!(found.len(), 1, "{all:?}");
    let wo = app.work_order(&found[0].id()).await;
    assert_eq!(wo.source().as_deref(), Some("recurring"));
    assert_eq!(wo["property"]["id"], MAPLE);
    assert_eq!(wo["trade"], "pest");
    assert_eq!(wo["created_at"].as_str().map(utc), Some(due));
    assert_eq!(wo.status(), "dispatching");
    let jordan = app.vendor_phone("jordan-pest").await;
    assert_eq!(
        app.offered_vendor(&wo.id()).await,
        Some(("jordan-pest".into(), jordan.clone()))
    );
    let offer = app.last_with_key(&jordan, "vendor.offer.sms").await;
    assert_eq!(offer.map(|m| m.at), Some(due));
}

#[tokio::test]
async fn a_pm_cancel_tells_everyone_and_leaves_nothing_pending() {
    let app = TestApp::spawn().await;
    let wo = booked(&app, "Leaky pipe under the kitchen sink", 2).await;
    let id = wo.id();
    let pat = app.vendor_phone(PAT).await;
    assert_eq!(wo.visit_status().as_deref(), Some("expected"));
    assert!(!wo.timer_kinds().is_empty());

    let short_id = id.trim_start_matches("wo-");
    let armed = app.pending_timers().await;
    assert!(
        armed.iter().any(|t| t.to_string().contains(short_id)),
        "timers armed for {id} before the cancel: {armed:?}"
    );

    let r = app.pm_cancel(&id, "the tenant fixed it").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "cancelled");
    assert!(wo.timer_kinds().is_empty(), "{:?}", wo["timers"]);
    assert_eq!(wo.visit_status().as_deref(), Some("cancelled"));
    assert!(
        app.last_with_key(TENANT_PHONE, "tenant.cancelled.sms")
            .await
            .is_some()
    );
    assert!(
        app.last_with_key(TENANT_EMAIL, "tenant.cancelled.email")
            .await
            .is_some()
    );
    let told = app
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(told.key, "vendor.cancelled.sms");
    let pending = app.pending_timers().await;
    assert!(
        !pending.iter().any(|t| t.to_string().contains(short_id)),
        "timers left for {id}: {pending:?}"
    );
    let friday = app.visits(MAPLE, "2026-03-06").await;
    assert!(
        friday
            .iter()
            .all(|v| v["work_order"] != id.as_str() || v["status"] == "cancelled"),
        "{friday:?}"
    );

    let sent = app.messages_for(&id).await.len();
    let moved = app.clock_to("2026-03-12T00:00:00Z").await;
    assert!(moved.for_work_order(&id).is_empty(), "{moved:?}");
    assert_eq!(
        app.messages_for(&id).await.len(),
        sent,
        "nothing more was sent about it"
    );
    assert_eq!(app.work_order(&id).await.status(), "cancelled");
}

#[tokio::test]
async fn reminders_go_at_the_local_hour_of_each_property_across_the_dst_change() {
    let app = TestApp::spawn().await;
    // Maple Court (New York, springs forward on Sun 8 Mar) and Saguaro Gardens (Phoenix, no
    // DST); both appointments Mon 9 Mar 09:00-11:00 local, booked on Wed 4 Mar.
    let tenant_ny = (TENANT_PHONE, TENANT_EMAIL);
    let tenant_az = ("+16025550192", "jamie.ortiz@example.org");
    let mut ny = plumbing_request("Slow drip from the tub spout");
    ny["availability"] = json!([window(NY, "2026-03-09", "09:00", "11:00")]);
    let az = json!({
        "property": SAGUARO,
        "unit": "12",
        "tenant": { "name": "Jamie Ortiz", "email": tenant_az.1, "phone": tenant_az.0 },
        "description": "Thermostat screen is blank",
        "category": "hvac",
        "availability": [window(PHOENIX, "2026-03-09", "09:00", "11:00")],
    });
    let mut booked_ids = vec![];
    for (request, tz) in [(ny, NY), (az, PHOENIX)] {
        let wo = app.create_work_order(request).await;
        assert_eq!(wo["priority"], "routine");
        // Routine offers last 2h, except where a property overrides it (Saguaro: 1h).
        let timeout = if tz == NY { 2 } else { 1 };
        assert_eq!(
            wo.offer_expires(),
            Some(clock_start() + Duration::hours(timeout))
        );
        let (_, phone) = app
            .offered_vendor(&wo.id())
            .await
            .unwrap_or_else(|| panic!("no offer"));
        app.sms(&phone, "YES").await;
        app.sms(&phone, "1").await;
        let wo = app.work_order(&wo.id()).await;
        assert_eq!(wo.status(), "scheduled", "{:?}", wo.0);
        let (start, _) = wo.appointment().unwrap_or_else(|| panic!("no appointment"));
        assert_eq!(start, local(tz, "2026-03-09", "09:00"));
        booked_ids.push((wo.id(), tz, phone));
    }

    app.clock_to("2026-03-09T19:30:00Z").await;

    for ((id, tz, vendor_phone), (tenant_phone, tenant_email)) in
        booked_ids.iter().zip([tenant_ny, tenant_az])
    {
        let at = |m: Option<Message>, what: &str| {
            m.unwrap_or_else(|| panic!("no {what} for {id}"))
                .local_at(tz)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string()
        };
        let eve = app
            .last_with_key(tenant_email, "tenant.reminder_eve.email")
            .await;
        let morning = app
            .last_with_key(tenant_phone, "tenant.reminder_morning.sms")
            .await;
        let vendor_morning = app
            .last_with_key(vendor_phone, "vendor.reminder_morning.sms")
            .await;
        let (eve_expected, morning_expected) = if *tz == NY {
            ("2026-03-08 18:00 EDT", "2026-03-09 07:30 EDT")
        } else {
            ("2026-03-08 18:00 MST", "2026-03-09 07:30 MST")
        };
        assert_eq!(at(eve, "day-before email"), eve_expected);
        assert_eq!(at(morning, "morning SMS"), morning_expected);
        assert_eq!(at(vendor_morning, "vendor morning SMS"), morning_expected);
    }
    // The same local hours are different UTC instants on each side of the change.
    let ny_eve = app
        .last_with_key(TENANT_EMAIL, "tenant.reminder_eve.email")
        .await;
    assert_eq!(ny_eve.map(|m| m.at), Some(utc("2026-03-08T22:00:00Z")));
    let az_eve = app
        .last_with_key(tenant_az.1, "tenant.reminder_eve.email")
        .await;
    assert_eq!(az_eve.map(|m| m.at), Some(utc("2026-03-09T01:00:00Z")));
}

#[tokio::test]
async fn the_same_inbound_sms_delivered_twice_acts_once() {
    let app = TestApp::spawn().await;
    let wo = app
        .create_work_order(plumbing_request("Dishwasher drain hose leaks"))
        .await;
    let pat = app.vendor_phone(PAT).await;
    let body = format!("YES {}", wo.code());

    let first = app.sms_with_id(&pat, &body, "dup-0001").await;
    assert_eq!(outcome(&first), "executed", "{first}");
    let sent = app.outbox().await.len();
    let second = app.sms_with_id(&pat, &body, "dup-0001").await;
    assert_eq!(outcome(&second), "duplicate", "{second}");

    let wo = app.work_order(&wo.id()).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.events("accepted").len(), 1);
    assert_eq!(wo.events("slots_offered").len(), 1);
    assert_eq!(
        app.outbox().await.len(),
        sent,
        "no second round of messages"
    );
}

#[tokio::test]
async fn a_text_from_an_unknown_number_gets_a_polite_reply_that_reveals_nothing() {
    let app = TestApp::spawn().await;
    let wo = app
        .create_work_order(plumbing_request("Bathroom sink stopper broken"))
        .await;
    let code = wo.code();

    let r = app.sms(UNKNOWN_PHONE, &format!("YES {code}")).await;
    assert_eq!(outcome(&r), "replied", "{r}");
    let replies = app.sms_to(UNKNOWN_PHONE).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    let body = &replies[0].body;
    assert!(body.starts_with("Sorry"), "{body}");
    for secret in [
        code.as_str(),
        "Maple",
        "412",
        "4B",
        "Pat",
        "Alvarez",
        TENANT_NAME,
        "plumb",
    ] {
        assert!(!body.contains(secret), "{secret:?} revealed in {body:?}");
    }
    let wo = app.work_order(&wo.id()).await;
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(wo.offer_vendor().as_deref(), Some(PAT));
}

#[tokio::test]
async fn a_reply_from_another_vendors_phone_does_not_act() {
    let app = TestApp::spawn().await;
    let wo = app
        .create_work_order(plumbing_request("Laundry sink faucet loose"))
        .await;
    let (id, code) = (wo.id(), wo.code());
    let dana = app.vendor_phone(DANA).await;

    for body in [
        format!("YES {code}"),
        "YES".to_string(),
        format!("NO {code}"),
    ] {
        let r = app.sms(&dana, &body).await;
        assert_ne!(outcome(&r), "executed", "{body}: {r}");
    }
    let wo = app.work_order(&id).await;
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(wo.offer_vendor().as_deref(), Some(PAT));
    assert!(wo.vendor().is_none());
    let kinds = wo.timeline_kinds();
    assert!(
        !kinds.iter().any(|k| k == "accepted" || k == "declined"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_routine_request_at_night_waits_for_morning_while_an_emergency_goes_out_at_once() {
    let app = TestApp::spawn().await;
    // 23:00 in New York on Wed 4 Mar (EST).
    let night = utc("2026-03-05T04:00:00Z");
    let morning = utc("2026-03-05T13:00:00Z");
    app.clock_to("2026-03-05T04:00:00Z").await;
    let pat = app.vendor_phone(PAT).await;

    let page = app
        .submit_form(&form_fields("Bathroom faucet drips.", "night-routine"))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let routine = app.find_by_description("Bathroom faucet drips.").await;
    assert_eq!(routine.status(), "submitted", "held, not offered");
    assert!(routine["offer"].is_null());
    assert!(
        routine.events("offer_held").len() == 1,
        "{:?}",
        routine.timeline_kinds()
    );
    let vendor_sms_at_night = |all: Vec<Message>, id: String| {
        all.into_iter()
            .filter(|m| m.is_sms() && m.work_order.as_deref() == Some(id.as_str()))
            .filter(|m| m.key.starts_with("vendor."))
            .count()
    };
    assert_eq!(vendor_sms_at_night(app.outbox().await, routine.id()), 0);

    // An emergency at the same hour goes out at once, with safety instructions and a PM alert.
    let gas = "I smell gas in the kitchen";
    let fields = [
        ("property", MAPLE),
        ("unit", "7C"),
        ("name", "Sam Lee"),
        ("email", "sam.lee@example.org"),
        ("phone", "+13475550193"),
        ("description", gas),
        ("category", ""),
        ("emergency", "yes"),
        ("permission_to_enter", "yes"),
        ("submission", "night-gas"),
        ("website", ""),
    ];
    let page = app.submit_form(&fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let emergency = app.find_by_description(gas).await;
    assert_eq!(emergency["priority"], "emergency");
    assert_eq!(emergency.status(), "dispatching");
    assert_eq!(
        emergency.offer_expires(),
        Some(night + Duration::minutes(15))
    );
    let (_, phone) = app
        .offered_vendor(&emergency.id())
        .await
        .unwrap_or_else(|| panic!("no emergency offer"));
    let offer = app.last_with_key(&phone, "vendor.offer.sms").await;
    assert_eq!(offer.map(|m| m.at), Some(night));
    let safety = app.last_with_key("+13475550193", "tenant.safety.sms").await;
    let safety = safety.unwrap_or_else(|| panic!("no safety SMS"));
    assert_eq!(safety.at, night);
    assert!(safety.body.starts_with("SAFETY"), "{}", safety.body);
    let alert = app.last_with_key(PM_EMAIL, "pm.emergency.email").await;
    assert_eq!(alert.map(|m| m.at), Some(night));
    let alert_sms = app.last_with_key(PM_PHONE, "pm.emergency.sms").await;
    assert_eq!(alert_sms.map(|m| m.at), Some(night));

    // 08:00 in New York: the routine offer goes out.
    app.clock_to("2026-03-05T13:00:00Z").await;
    let routine = app.work_order(&routine.id()).await;
    assert_eq!(routine.status(), "dispatching");
    assert_eq!(routine.offer_vendor().as_deref(), Some(PAT));
    let offers: Vec<Message> = app
        .sms_to(&pat)
        .await
        .into_iter()
        .filter(|m| {
            m.key == "vendor.offer.sms" && m.work_order.as_deref() == Some(routine.id().as_str())
        })
        .collect();
    assert_eq!(offers.len(), 1, "{offers:?}");
    assert_eq!(offers[0].at, morning);
    assert_eq!(offers[0].local_at(NY).format("%H:%M").to_string(), "08:00");
}

#[tokio::test]
async fn a_bare_yes_from_a_vendor_with_two_open_offers_asks_which_job() {
    let app = TestApp::spawn().await;
    let first = app
        .create_work_order(plumbing_request("Kitchen faucet sprays sideways"))
        .await;
    let mut second_request = plumbing_request("Hall closet water valve stuck");
    second_request["unit"] = json!("2A");
    let second = app.create_work_order(second_request).await;
    let pat = app.vendor_phone(PAT).await;
    assert_eq!(first.offer_vendor().as_deref(), Some(PAT));
    assert_eq!(second.offer_vendor().as_deref(), Some(PAT));

    let r = app.sms(&pat, "YES").await;
    assert_eq!(outcome(&r), "replied", "{r}");
    let question = app
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no reply"));
    assert!(question.body.contains(&first.code()), "{}", question.body);
    assert!(question.body.contains(&second.code()), "{}", question.body);
    assert_eq!(app.work_order(&first.id()).await.status(), "dispatching");
    assert_eq!(app.work_order(&second.id()).await.status(), "dispatching");

    let r = app.sms(&pat, &format!("yes {}", second.code())).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    assert_eq!(app.work_order(&first.id()).await.status(), "dispatching");
    assert_eq!(app.work_order(&second.id()).await.status(), "accepted");
}

#[tokio::test]
async fn form_errors_come_back_beside_their_fields_and_store_nothing() {
    let app = TestApp::spawn().await;
    let mut fields = form_fields("", "bad-form");
    for f in fields.iter_mut() {
        if f.0 == "phone" {
            f.1 = "12";
        }
    }
    let page = app.submit_form(&fields).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.location.is_none());
    // The input is kept.
    assert!(page.body.contains(TENANT_NAME), "the name is kept");
    assert!(page.body.contains("4B"), "the unit is kept");
    assert!(page.body.contains("12"), "the bad phone is shown back");
    // Each error sits beside its own field (after its input, before the next field)…
    let phone = error_beside(&page.body, "phone").unwrap_or_default();
    assert!(phone.contains("phone number"), "phone error: {phone:?}");
    let description = error_beside(&page.body, "description").unwrap_or_default();
    assert!(
        description.contains("problem"),
        "description error: {description:?}"
    );
    // …and the fields without a mistake carry none.
    for fine in ["unit", "name", "email", "category"] {
        assert_eq!(error_beside(&page.body, fine), None, "{fine} has an error");
    }
    assert!(app.all_work_orders().await.is_empty(), "nothing stored");
    assert!(app.outbox().await.is_empty(), "nothing sent");
}

#[tokio::test]
async fn the_same_form_submitted_twice_makes_one_work_order() {
    let app = TestApp::spawn().await;
    let fields = form_fields("Bathroom faucet drips.", "double-click-token");
    let first = app.submit_form(&fields).await;
    let second = app.submit_form(&fields).await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(second.status, 303, "{}", second.body);
    assert_eq!(
        first.location, second.location,
        "both lead to the same status page"
    );
    let all = app.all_work_orders().await;
    assert_eq!(all.len(), 1, "{all:?}");
    let pat = app.vendor_phone(PAT).await;
    let offers = app.sms_to(&pat).await;
    assert_eq!(offers.len(), 1, "one offer: {offers:?}");
    let confirmations: Vec<Message> = app.sms_to(TENANT_PHONE).await;
    assert_eq!(
        confirmations.len(),
        1,
        "one confirmation: {confirmations:?}"
    );
}
