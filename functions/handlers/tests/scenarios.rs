//! Work orders end to end on moto, through the Lambda handlers only: API Gateway requests into
//! the HTTP functions, SNS events into `sms-inbound`, Streams records of the outbox items moto
//! holds into `dispatch` and `outbox`, and the inputs of the schedules moto holds into the timer
//! functions. No step is taken any other way; what people receive is read from what moto
//! recorded as sent. The functions' clock starts on Wed 2026-03-04 15:00 UTC (10:00 in New
//! York) and moves only when the test moves it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use support::aws::{World, find_link, path_of, utc};
use support::proxy::{Fault, FaultKind};

const MAPLE: &str = "maple-court";
const TENANT_NAME: &str = "Alex Rivera";
const TENANT_PHONE: &str = "+13475550191";
const TENANT_EMAIL: &str = "alex.rivera@example.org";
const PM_EMAIL: &str = "maintenance@example.com";
const OWNER_EMAIL: &str = "harriet.lindqvist@example.com";
const PAT: &str = "pat-plumbing";
const DANA: &str = "dana-plumbing";
const LOU: &str = "lou-plumbing";

fn start() -> DateTime<Utc> {
    utc("2026-03-04T15:00:00Z")
}

/// Thu 5 Mar 09:00–12:00 and Fri 6 Mar 13:00–17:00 New York time (EST, UTC-5).
fn slot1() -> Value {
    json!({"start": "2026-03-05T14:00:00Z", "end": "2026-03-05T17:00:00Z"})
}
fn slot2() -> Value {
    json!({"start": "2026-03-06T18:00:00Z", "end": "2026-03-06T22:00:00Z"})
}

fn same_window(a: &Value, b: &Value) -> bool {
    let t = |v: &Value| v.as_str().map(utc);
    t(&a["start"]) == t(&b["start"]) && t(&a["end"]) == t(&b["end"])
}

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

/// A routine plumbing request at Maple Court as the PM API takes it.
fn plumbing_request(description: &str) -> Value {
    json!({
        "property": MAPLE,
        "unit": "4B",
        "tenant": {"name": TENANT_NAME, "email": TENANT_EMAIL, "phone": TENANT_PHONE},
        "description": description,
        "category": "plumbing",
        "emergency": false,
        "availability": [slot1(), slot2()],
    })
}

fn kinds(wo: &Value) -> Vec<String> {
    wo["timeline"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(|e| e["kind"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn in_order(haystack: &[String], needles: &[&str]) -> bool {
    let mut it = haystack.iter();
    needles.iter().all(|n| it.any(|h| h == n))
}

fn outcome(r: &Value) -> &str {
    r[0]["outcome"].as_str().unwrap_or("")
}

/// The schedules in moto that belong to a work order.
async fn schedules_of(w: &World, id: &str) -> Vec<support::aws::Schedule> {
    w.schedules()
        .await
        .into_iter()
        .filter(|s| s.input["work_order"] == id || s.name.starts_with(&format!("{id}-")))
        .collect()
}

/// A work order created by the PM API (the `pm` function); the stream then triages it and
/// offers it to Pat.
async fn created(w: &World, description: &str) -> Value {
    let a = w
        .post_json("/api/work-orders", &plumbing_request(description))
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.function, "pm");
    let id = a.json()["id"].as_str().unwrap().to_string();
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "dispatching", "{wo}");
    assert_eq!(wo["offer"]["vendor"], PAT);
    wo
}

/// Created, accepted by Pat and booked on slot `slot` — each by its handler.
async fn booked(w: &World, description: &str, slot: &str) -> Value {
    let wo = created(w, description).await;
    let id = wo["id"].as_str().unwrap().to_string();
    let pat = w.vendor_phone(PAT).await;
    let code = wo["code"].as_str().unwrap();
    assert_eq!(
        outcome(&w.sms(&pat, &format!("YES {code}")).await),
        "executed"
    );
    assert_eq!(outcome(&w.sms(&pat, slot).await), "executed");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "scheduled", "{wo}");
    wo
}

#[tokio::test]
async fn a_tenant_request_goes_from_the_form_to_closed_through_the_lambda_handlers() {
    let Some(w) = World::start("happy path", start()).await else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let pat = w.vendor_phone(PAT).await;
    w.deliver_streams_twice();

    // The tenant form, served by the intake function: 303 to the status page.
    let description = "Bathroom faucet drips.";
    let posted = w
        .submit_tenant_form(MAPLE, &form_fields(description, "happy-token"))
        .await;
    assert_eq!(posted.function, "intake");
    assert_eq!(posted.status, 303, "{}", posted.body);
    let location = posted.location.clone().unwrap_or_default();
    assert!(location.contains("/s/"), "{location}");
    let status_path = if location.starts_with("http") {
        path_of(&location)
    } else {
        location.clone()
    };
    let status_page = w.get(&status_path).await;
    assert_eq!(status_page.status, 200, "{}", status_page.body);

    // The stream did the rest: dispatch triaged and offered, outbox texted Pat.
    let listed = w.work_orders().await;
    let id = listed
        .iter()
        .find(|wo| wo["description"] == description)
        .and_then(|wo| wo["id"].as_str())
        .unwrap_or_else(|| panic!("no work order: {listed:?}"))
        .to_string();
    let wo = w.work_order(&id).await;
    let code = wo["code"].as_str().unwrap().to_string();
    assert_eq!(wo["status"], "dispatching");
    assert_eq!(wo["trade"], "plumbing");
    assert_eq!(wo["offer"]["vendor"], PAT);
    let offer = w.delivered(&wo, "vendor.offer.sms", &pat).await;
    assert!(offer.contains(&format!("Reply YES {code}")), "{offer}");
    assert!(
        w.sms_to(&pat).await.iter().any(|m| m == &offer),
        "the offer is in what SNS sent to Pat"
    );
    w.delivered(&wo, "tenant.confirmation.sms", TENANT_PHONE)
        .await;
    let confirmation = w
        .delivered(&wo, "tenant.confirmation.plain.email", TENANT_EMAIL)
        .await;
    let link = find_link(&confirmation, "/s/").unwrap_or_else(|| panic!("{confirmation}"));
    assert!(link.starts_with("https://mendwork.example/s/"), "{link}");
    let accept = schedules_of(&w, &id).await;
    assert_eq!(accept.len(), 1, "{accept:?}");
    assert_eq!(accept[0].target_arn, w.cfg.accept_target_arn);
    assert_eq!(accept[0].at, start() + Duration::hours(2));

    // Pat accepts by SMS (SNS → sms-inbound); the same delivery twice acts once.
    let yes = json!({
        "originationNumber": pat,
        "destinationNumber": support::aws::ORIGINATION,
        "messageKeyword": "KEYWORD_123456789012",
        "messageBody": format!("YES {code}"),
        "inboundMessageId": "7f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190",
        "previousPublishedMessageId": null,
    });
    assert_eq!(outcome(&w.sns_inbound(yes.clone()).await), "executed");
    assert_eq!(outcome(&w.sns_inbound(yes).await), "duplicate");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "accepted");
    assert_eq!(wo["vendor"]["id"], PAT);
    let slots = w.delivered(&wo, "vendor.slots.sms", &pat).await;
    assert!(slots.contains("1) Thu Mar 5"), "{slots}");
    assert!(slots.contains("2) Fri Mar 6"), "{slots}");
    assert!(
        schedules_of(&w, &id)
            .await
            .iter()
            .all(|s| s.target_arn != w.cfg.accept_target_arn),
        "the accept timer's schedule was deleted"
    );

    // "2": Friday 13:00–17:00 New York time; the tenant's email carries the invite.
    assert_eq!(outcome(&w.sms(&pat, "2").await), "executed");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "scheduled");
    assert!(
        same_window(&wo["appointment"], &slot2()),
        "{}",
        wo["appointment"]
    );
    let invite = w
        .emails_to(TENANT_EMAIL)
        .await
        .into_iter()
        .find(|m| m.body.contains("BEGIN:VCALENDAR"))
        .unwrap_or_else(|| panic!("no invite email to the tenant"));
    assert!(invite.body.contains("20260306T180000Z"), "{}", invite.body);
    w.delivered(&wo, "vendor.scheduled.sms", &pat).await;

    // The day before at 18:00 New York time, the followups function sends the reminders.
    let fired = w.clock_to(utc("2026-03-05T23:00:00Z")).await;
    assert!(
        fired
            .iter()
            .any(|f| f.function == "followups" && f.at == utc("2026-03-05T23:00:00Z")),
        "{fired:?}"
    );
    let wo = w.work_order(&id).await;
    w.delivered(&wo, "tenant.reminder_eve.email", TENANT_EMAIL)
        .await;
    w.clock_to(utc("2026-03-06T12:30:00Z")).await;
    let wo = w.work_order(&id).await;
    w.delivered(&wo, "tenant.reminder_morning.sms", TENANT_PHONE)
        .await;

    // On site, done, rated, invoiced: closed.
    w.clock_to(utc("2026-03-06T18:05:00Z")).await;
    assert_eq!(outcome(&w.sms(&pat, "ARRIVED").await), "executed");
    assert_eq!(w.work_order(&id).await["status"], "in_progress");
    w.advance(3600).await;
    assert_eq!(
        outcome(&w.sms(&pat, "DONE replaced the cartridge").await),
        "executed"
    );
    assert_eq!(w.work_order(&id).await["status"], "completed");
    assert_eq!(outcome(&w.sms(TENANT_PHONE, "5").await), "executed");
    assert_eq!(outcome(&w.sms(&pat, "INVOICE 385").await), "executed");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "closed", "{wo}");
    assert_eq!(wo["invoice"]["amount"].as_f64(), Some(385.0));
    assert!(
        wo["timers"].as_array().is_some_and(Vec::is_empty),
        "{}",
        wo["timers"]
    );
    assert!(
        schedules_of(&w, &id).await.is_empty(),
        "no schedule left in the scheduler for a closed work order"
    );
    assert!(
        in_order(
            &kinds(&wo),
            &[
                "submitted",
                "triaged",
                "offered",
                "accepted",
                "slots_offered",
                "scheduled",
                "reminded",
                "arrived",
                "completed",
                "invoice_received",
                "closed",
            ]
        ),
        "{:?}",
        kinds(&wo)
    );
    // Every SMS on the timeline went out exactly once, though each stream batch came twice.
    let sent = w.sent().await;
    for e in wo["timeline"].as_array().unwrap() {
        if e["kind"] != "message_sent" || e["channel"] != "sms" {
            continue;
        }
        let copies = sent
            .iter()
            .filter(|m| {
                m.to == e["address"].as_str().unwrap() && m.body == e["body"].as_str().unwrap()
            })
            .count();
        assert_eq!(copies, 1, "{e} was sent {copies} times");
    }
}

#[tokio::test]
async fn unanswered_offers_lapse_vendor_after_vendor_until_the_pm_is_asked() {
    let Some(w) = World::start("timeout chain", start()).await else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let wo = created(&w, "Toilet runs all night").await;
    let id = wo["id"].as_str().unwrap().to_string();
    let pat = w.vendor_phone(PAT).await;
    let dana = w.vendor_phone(DANA).await;
    let lou = w.vendor_phone(LOU).await;

    // A minute before the deadline nothing fires.
    let fired = w.advance(2 * 3600 - 60).await;
    assert!(fired.is_empty(), "{fired:?}");
    assert_eq!(w.work_order(&id).await["offer"]["vendor"], PAT);

    // At the deadline the accept-timeout function lapses Pat's offer and offers Dana the job.
    let fired = w.advance(60).await;
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(fired[0].function, "accept-timeout");
    assert_eq!(fired[0].at, start() + Duration::hours(2));
    let wo = w.work_order(&id).await;
    assert_eq!(wo["offer"]["vendor"], DANA, "{wo}");
    w.delivered(&wo, "vendor.lapsed.sms", &pat).await;
    w.delivered(&wo, "vendor.offer.sms", &dana).await;

    // Dana stays silent too: Lou (the portfolio's backup) is offered it, then lapses as well.
    let fired = w.advance(2 * 3600).await;
    assert_eq!(fired.len(), 1, "{fired:?}");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["offer"]["vendor"], LOU, "{wo}");
    w.delivered(&wo, "vendor.offer.sms", &lou).await;
    let fired = w.advance(2 * 3600).await;
    assert_eq!(fired.len(), 1, "{fired:?}");

    // Nobody left: the PM is asked to step in, by email.
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "needs_attention", "{wo}");
    assert!(wo["offer"].is_null());
    let mail = w.delivered(&wo, "pm.attention.email", PM_EMAIL).await;
    assert!(!mail.is_empty());
    assert!(
        in_order(
            &kinds(&wo),
            &[
                "offered",
                "offer_lapsed",
                "offered",
                "offer_lapsed",
                "offered",
                "offer_lapsed"
            ]
        ),
        "{:?}",
        kinds(&wo)
    );
    assert!(
        schedules_of(&w, &id)
            .await
            .iter()
            .all(|s| s.target_arn != w.cfg.accept_target_arn),
        "no accept timer left"
    );
}

#[tokio::test]
async fn an_estimate_over_the_limit_is_approved_by_the_owner_and_the_same_vendor_reschedules() {
    let Some(w) = World::start("approval", start()).await else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let wo = booked(&w, "Water heater leaks at the base", "2").await;
    let id = wo["id"].as_str().unwrap().to_string();
    let pat = w.vendor_phone(PAT).await;

    let r = w
        .sms(
            &pat,
            "ESTIMATE 900 the tank is cracked and must be replaced",
        )
        .await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "awaiting_approval", "{wo}");
    assert_eq!(wo["estimate"]["amount"].as_f64(), Some(900.0));
    assert_eq!(wo["estimate"]["limit"].as_f64(), Some(500.0));
    w.delivered(&wo, "vendor.estimate_wait.sms", &pat).await;

    // The owner's email (SES) has a one-click link to the approval function.
    let mail = w.delivered(&wo, "owner.approval.email", OWNER_EMAIL).await;
    assert!(mail.contains("$900"), "{mail}");
    let link = find_link(&mail, "/approve/").unwrap_or_else(|| panic!("no link in {mail}"));
    let path = path_of(&link);
    let page = w.get(&path).await;
    assert_eq!(page.function, "approval");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("$900"), "the page shows the amount");
    assert_eq!(
        w.work_order(&id).await["status"],
        "awaiting_approval",
        "GET never decides"
    );
    let decided = w.post_form(&path, &[("decision", "approve")]).await;
    assert_eq!(decided.function, "approval");
    assert!(
        decided.status == 200 || decided.status == 303,
        "{} {}",
        decided.status,
        decided.body
    );

    // Approved: the same vendor gets the slots again and picks one.
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "accepted", "{wo}");
    assert_eq!(wo["vendor"]["id"], PAT, "the same vendor");
    assert_eq!(wo["estimate"]["decision"], "approved");
    w.delivered(&wo, "vendor.approved.sms", &pat).await;
    assert_eq!(outcome(&w.sms(&pat, "1").await), "executed");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "scheduled");
    assert!(
        same_window(&wo["appointment"], &slot1()),
        "{}",
        wo["appointment"]
    );
    assert!(
        in_order(
            &kinds(&wo),
            &[
                "scheduled",
                "estimate_received",
                "approval_requested",
                "approved",
                "slots_offered",
                "scheduled"
            ]
        ),
        "{:?}",
        kinds(&wo)
    );

    // The link does not work twice.
    let again = w.post_form(&path, &[("decision", "decline")]).await;
    assert!(
        again.status == 410 || again.status == 403,
        "{} {}",
        again.status,
        again.body
    );
    assert_eq!(w.work_order(&id).await["status"], "scheduled");
}

#[tokio::test]
async fn a_vendor_visit_shows_at_the_desk_is_checked_in_there_and_out_when_done() {
    let Some(w) = World::start("visitor visit", start()).await else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let wo = created(&w, "Radiator valve leaks").await;
    let id = wo["id"].as_str().unwrap().to_string();
    let pat = w.vendor_phone(PAT).await;

    // Pat's company auto-creates visits and Maple Court has a desk.
    let code = wo["code"].as_str().unwrap();
    assert_eq!(
        outcome(&w.sms(&pat, &format!("YES {code}")).await),
        "executed"
    );
    let wo = w.work_order(&id).await;
    assert_eq!(wo["visit"]["status"], "expected", "{}", wo["visit"]);
    assert_eq!(wo["visit"]["automatic"], true);
    let visit = wo["visit"]["id"].as_str().unwrap().to_string();

    // Its window is the appointment; the desk (its own function) lists it for that day.
    assert_eq!(outcome(&w.sms(&pat, "2").await), "executed");
    let wo = w.work_order(&id).await;
    assert!(
        same_window(&wo["visit"]["expected"], &slot2()),
        "{}",
        wo["visit"]
    );
    let friday = w
        .get("/api/visits?property=maple-court&date=2026-03-06")
        .await;
    assert_eq!(friday.function, "desk");
    assert!(
        friday.json()["visits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == visit.as_str()),
        "{}",
        friday.body
    );
    let page = w.get("/desk/maple-court?date=2026-03-06").await;
    assert_eq!((page.function.as_str(), page.status), ("desk", 200));
    assert!(page.body.contains("Pat"), "{}", page.body);

    // The desk checks Pat in: the work order is in progress.
    w.clock_to(utc("2026-03-06T18:10:00Z")).await;
    let r = w
        .post_json(&format!("/api/visits/{visit}/check-in"), &json!({}))
        .await;
    assert_eq!((r.function.as_str(), r.status), ("desk", 200), "{}", r.body);
    assert_eq!(r.json()["status"], "checked_in");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "in_progress");

    // Done by SMS: the visit is checked out.
    w.clock_to(utc("2026-03-06T20:00:00Z")).await;
    assert_eq!(outcome(&w.sms(&pat, "DONE").await), "executed");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "completed");
    assert_eq!(wo["visit"]["status"], "checked_out", "{}", wo["visit"]);
    assert_eq!(
        wo["visit"]["checked_out_at"].as_str().map(utc),
        Some(utc("2026-03-06T20:00:00Z"))
    );
}

#[tokio::test]
async fn a_pm_cancel_tells_everyone_and_deletes_every_schedule() {
    let Some(w) = World::start("cancel", start()).await else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let wo = booked(&w, "Leaky pipe under the kitchen sink", "2").await;
    let id = wo["id"].as_str().unwrap().to_string();
    let pat = w.vendor_phone(PAT).await;
    assert_eq!(wo["visit"]["status"], "expected");
    let armed = schedules_of(&w, &id).await;
    assert!(
        !armed.is_empty(),
        "reminders are scheduled before the cancel"
    );
    assert!(
        armed
            .iter()
            .all(|s| s.target_arn == w.cfg.followup_target_arn)
    );

    let r = w
        .post_json(
            &format!("/api/work-orders/{id}/cancel"),
            &json!({"reason": "the tenant fixed it"}),
        )
        .await;
    assert_eq!((r.function.as_str(), r.status), ("pm", 200), "{}", r.body);
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "cancelled");
    assert_eq!(wo["visit"]["status"], "cancelled");
    w.delivered(&wo, "tenant.cancelled.sms", TENANT_PHONE).await;
    w.delivered(&wo, "tenant.cancelled.email", TENANT_EMAIL)
        .await;
    w.delivered(&wo, "vendor.cancelled.sms", &pat).await;
    assert!(
        schedules_of(&w, &id).await.is_empty(),
        "the outbox deleted every schedule of the work order"
    );

    // Nothing more happens to it, however long we wait.
    let sent = w.sent().await.len();
    let fired = w
        .clock_to(Utc.with_ymd_and_hms(2026, 3, 12, 0, 0, 0).unwrap())
        .await;
    assert!(
        fired.iter().all(|f| f.answer["work_order"] != id.as_str()),
        "{fired:?}"
    );
    assert_eq!(w.sent().await.len(), sent, "nothing more was sent");
    assert_eq!(w.work_order(&id).await["status"], "cancelled");
}

/// A text SNS will not carry (it refuses it for good, as it does a number it will not send to;
/// a text over its 1,600 characters can no longer reach it: every text is fitted to 3
/// segments) is not retried into the dead-letter queue: the outbox function puts it on the
/// timeline as not delivered and the team gets an email saying who missed what.
#[tokio::test]
async fn a_text_sns_refuses_is_on_the_timeline_as_not_delivered_and_the_team_is_emailed() {
    let Some(w) = World::start_with("refused", start(), |p| {
        p.messages.insert(
            "vendor.instructions.sms".into(),
            "Job {code}: {text} Again: {text}".into(),
        );
    })
    .await
    else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let wo = booked(&w, "Leaky pipe under the kitchen sink", "2").await;
    let id = wo["id"].as_str().unwrap().to_string();
    let pat = w.vendor_phone(PAT).await;
    let note = "Ring twice; the buzzer is broken. ".repeat(28);
    w.proxy.inject(Fault {
        operation: "Publish",
        key_prefix: None,
        kind: FaultKind::Refuse,
        times: 1,
    });
    let r = w
        .post_json(
            &format!("/api/work-orders/{id}/instructions"),
            &json!({ "text": note }),
        )
        .await;
    assert_eq!((r.function.as_str(), r.status), ("pm", 200), "{}", r.body);
    let wo = w.work_order(&id).await;
    let timeline = wo["timeline"].as_array().unwrap();
    let refused: Vec<&Value> = timeline
        .iter()
        .filter(|e| e["kind"] == "message_undelivered")
        .collect();
    assert_eq!(refused.len(), 1, "{timeline:#?}");
    assert_eq!(refused[0]["key"], "vendor.instructions.sms");
    assert_eq!(refused[0]["address"], pat.as_str());
    assert!(
        refused[0]["reason"]
            .as_str()
            .unwrap()
            .contains("InvalidParameter"),
        "{}",
        refused[0]
    );
    assert!(
        !w.sent()
            .await
            .iter()
            .any(|m| m.to.contains(&pat) && m.body.contains("buzzer")),
        "nothing went to Pat"
    );
    let notice = w.delivered(&wo, "pm.undelivered.email", PM_EMAIL).await;
    assert!(notice.contains("vendor.instructions.sms"), "{notice}");
    // The work order carries on as before.
    assert_eq!(wo["status"], "scheduled");
}

/// A recurring template is one cron schedule in its property's zone: each firing (with the
/// occurrence the scheduler fills in) creates that occurrence's work order, and the schedule
/// stays for the next one.
#[tokio::test]
async fn a_recurring_template_fires_from_its_cron_schedule_and_stays_armed() {
    async fn pest(w: &World) -> support::aws::Schedule {
        w.schedules()
            .await
            .into_iter()
            .find(|s| s.name == "mw-rec-maple-pest")
            .expect("the template's schedule")
    }
    let Some(w) = World::start("recurring cron", utc("2026-03-14T12:00:00Z")).await else {
        return;
    };
    // 15 March 10:00 in New York is 14:00 UTC (EDT).
    assert_eq!(pest(&w).await.at, utc("2026-03-15T14:00:00Z"));
    let fired = w.clock_to(utc("2026-03-15T14:30:00Z")).await;
    let occurrence = fired
        .iter()
        .find(|f| f.function == "recurring")
        .unwrap_or_else(|| panic!("the template fired: {fired:?}"));
    assert_eq!(occurrence.schedule, "mw-rec-maple-pest");
    assert_eq!(occurrence.at, utc("2026-03-15T14:00:00Z"));
    let id = occurrence.answer["work_order"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        occurrence.answer["events"].as_u64().unwrap() > 0,
        "{fired:?}"
    );
    // The occurrence's deterministic id: `wo-r<template slug><local time>`.
    assert!(id.starts_with("wo-r"), "{id}");
    // Still armed, for 15 April.
    assert_eq!(pest(&w).await.at, utc("2026-04-15T14:00:00Z"));
    assert_eq!(
        fired.iter().filter(|f| f.function == "recurring").count(),
        1,
        "{fired:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Attached files: straight from the browser to the bucket.

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-a-real-image-but-png-magic";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";

/// What the page's upload script does with one file: asks `/uploads` (the intake function)
/// for an upload form with the page's grant, posts the file straight to the bucket (moto), and
/// returns the id the form then names in `upload_id`.
async fn upload_from_page(w: &World, page: &str, id: &str, bytes: &[u8]) -> String {
    let grant = support::aws::hidden_value(page, "upload")
        .unwrap_or_else(|| panic!("no upload grant in the page: {page}"));
    let form = w.post_form("/uploads", &[("grant", &grant)]).await;
    assert_eq!(
        (form.function.as_str(), form.status),
        ("intake", 200),
        "{}",
        form.body
    );
    let form = form.json();
    let url = form["url"].as_str().unwrap();
    assert!(
        // (The functions reach AWS, moto here, through the test's recording proxy.)
        url.starts_with(&w.proxy.endpoint),
        "the browser posts to the bucket, not to us: {url}"
    );
    let mut body = reqwest::multipart::Form::new()
        .text(
            "key",
            format!("{}{id}", form["key_prefix"].as_str().unwrap()),
        )
        .text("Content-Type", "image/png");
    for f in form["fields"].as_array().unwrap() {
        body = body.text(
            f[0].as_str().unwrap().to_string(),
            f[1].as_str().unwrap().to_string(),
        );
    }
    body = body.part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("f"),
    );
    let posted = reqwest::Client::new()
        .post(url)
        .multipart(body)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status().as_u16(), 204);
    grant
}

/// Opens one of our file links as a browser does: the intake function redirects to a
/// presigned address of the bucket, which serves the bytes. (status, content type, bytes)
async fn open_file(w: &World, link: &str) -> (String, Vec<u8>, Option<String>) {
    let a = w.get(&path_of(link)).await;
    assert_eq!(
        (a.function.as_str(), a.status),
        ("intake", 302),
        "{}",
        a.body
    );
    let to = a.location.clone().unwrap();
    assert!(to.starts_with(&w.proxy.endpoint), "{to}");
    let r = reqwest::get(&to).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let header = |n: &str| r.headers().get(n).map(|v| v.to_str().unwrap().to_string());
    let (ct, cd) = (
        header("content-type").unwrap_or_default(),
        header("content-disposition"),
    );
    (ct, r.bytes().await.unwrap().to_vec(), cd)
}

#[tokio::test]
async fn photos_and_the_invoice_go_straight_to_the_bucket_and_reach_the_people_who_need_them() {
    let Some(w) = World::start("attached files", start()).await else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let pat = w.vendor_phone(PAT).await;

    // The tenant's photo: uploaded by the page's script, named in the form post.
    let form = w.get(&format!("/report/{MAPLE}")).await;
    assert!(
        form.body.contains("data-upload=\"/uploads\""),
        "{}",
        form.body
    );
    let issued = support::aws::hidden_value(&form.body, "issued").unwrap();
    let grant = upload_from_page(&w, &form.body, "tenantPhoto000000001", PNG).await;
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let description = "Water under the kitchen sink, photo attached.";
    let mut fields = form_fields(description, "files-token");
    fields.extend([
        ("issued", issued.as_str()),
        ("upload", grant.as_str()),
        ("upload_id", "tenantPhoto000000001"),
    ]);
    let posted = w.post_form("/report", &fields).await;
    assert_eq!(
        (posted.function.as_str(), posted.status),
        ("intake", 303),
        "{}",
        posted.body
    );

    let id = w
        .work_orders()
        .await
        .iter()
        .find(|wo| wo["description"] == description)
        .and_then(|wo| wo["id"].as_str())
        .unwrap()
        .to_string();
    let wo = w.work_order(&id).await;
    let photo = wo["photos"][0].as_str().unwrap().to_string();
    assert!(
        photo.starts_with("https://mendwork.example/files/"),
        "{photo}"
    );
    let (ct, bytes, _) = open_file(&w, &photo).await;
    assert_eq!((ct.as_str(), bytes.as_slice()), ("image/png", PNG));

    // Pat's offer email links it; Pat takes the job by text.
    let offer = w
        .delivered(&wo, "vendor.offer.email", "pat.alvarez@example.com")
        .await;
    let linked = find_link(&offer, "/files/").unwrap_or_else(|| panic!("{offer}"));
    let (ct, _, _) = open_file(&w, &linked).await;
    assert_eq!(ct, "image/png");
    let vendor_link = find_link(&offer, "/v/").unwrap();
    assert_eq!(outcome(&w.sms(&pat, "yes").await), "executed");
    assert_eq!(outcome(&w.sms(&pat, "1").await), "executed");

    // Done, with a photo of the work, from the vendor's page.
    let page = w.get(&path_of(&vendor_link)).await;
    assert!(
        page.body.contains("Photos of the finished work"),
        "{}",
        page.body
    );
    let grant = upload_from_page(&w, &page.body, "donePhoto00000000001", PNG).await;
    let done = w
        .post_form(
            &path_of(&vendor_link),
            &[
                ("action", "done"),
                ("notes", "New trap fitted"),
                ("upload", &grant),
                ("upload_id", "donePhoto00000000001"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "completed");
    let after = wo["completion_photos"][0].as_str().unwrap().to_string();
    assert_eq!(open_file(&w, &after).await.1, PNG);

    // The invoice, as a PDF: downloaded, never shown as a page.
    let page = w.get(&path_of(&vendor_link)).await;
    let grant = upload_from_page(&w, &page.body, "invoicePdf0000000001", PDF).await;
    let sent = w
        .post_form(
            &path_of(&vendor_link),
            &[
                ("action", "invoice"),
                ("amount", "385"),
                ("upload", &grant),
                ("upload_id", "invoicePdf0000000001"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let wo = w.work_order(&id).await;
    let doc = wo["invoice"]["file"].as_str().unwrap().to_string();
    let (ct, bytes, disposition) = open_file(&w, &doc).await;
    assert_eq!((ct.as_str(), bytes.as_slice()), ("application/pdf", PDF));
    assert!(
        disposition.is_some_and(|d| d.starts_with("attachment")),
        "a document is downloaded"
    );
}
