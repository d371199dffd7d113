//! The happy path, from the tenant form to the closed invoice, and what its texts cost (one
//! scenario: the texts are checked on the work order the happy path closed).

use super::*;
use crate::{clock_start, in_order, is_gsm7, sms_segments};
use chrono::Duration;

/// The happy path, driven through the tenant form; returns the closed work order's id.
async fn happy_path<D: Driver>(d: &D) -> String {
    let description = "Bathroom faucet drips.";
    let pat = d.vendor_phone(PAT).await;
    let pat_email = d.vendor_email(PAT).await;

    // The tenant submits the form: 303 to their status page.
    let page = d
        .submit_form(&form_fields(description, "happy-path-token"))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.clone().unwrap_or_default();
    assert!(
        location.contains("/s/"),
        "redirect to the status page, got {location:?}"
    );
    assert_eq!(d.open(&location).await.status, 200);

    // Triage and the first offer happened within that request: Pat is the first Go-To
    // plumber at Maple Court, and his offer SMS is already out, at the same virtual instant.
    let wo = d.find_by_description(description).await;
    let (id, code) = (wo.id(), wo.code());
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(wo["trade"], "plumbing");
    assert_eq!(wo["priority"], "routine");
    assert_eq!(wo.source().as_deref(), Some("tenant"));
    assert_eq!(
        d.offered_vendor(&id).await,
        Some((PAT.to_string(), pat.clone()))
    );
    let expires = clock_start() + Duration::hours(2);
    assert_eq!(wo.offer_expires(), Some(expires), "routine: 2h to accept");
    let timers = d.timers_of(&id).await;
    assert_eq!(timers.len(), 1, "only the accept timer: {timers:?}");
    assert_eq!(timers[0].kind.as_deref(), Some("accept_timeout"));
    assert_eq!(timers[0].at, expires);
    let offer = d.last_with_key(&pat, "vendor.offer.sms").await;
    let offer = offer.unwrap_or_else(|| panic!("no offer SMS to Pat"));
    assert_eq!(offer.at, clock_start());
    assert_eq!(offer.work_order.as_deref(), Some(id.as_str()));
    assert!(
        offer.body.contains(&format!("Reply YES {code}")),
        "{}",
        offer.body
    );
    assert!(offer.body.contains("412 Maple Avenue"), "{}", offer.body);
    assert!(
        d.last_with_key(&pat_email, "vendor.offer.email")
            .await
            .is_some()
    );
    let tenant_keys = keys(&d.messages_to(TENANT_PHONE).await).join(" ");
    assert!(
        tenant_keys.contains("tenant.confirmation.sms"),
        "{tenant_keys}"
    );
    let confirmation = d
        .last_with_key(TENANT_EMAIL, "tenant.confirmation.plain.email")
        .await;
    let confirmation = confirmation.unwrap_or_else(|| panic!("no confirmation email"));
    let link = confirmation.link("/s/");
    let link = link.unwrap_or_else(|| panic!("status link in {}", confirmation.body));
    assert_eq!(
        d.open(&link).await.status,
        200,
        "the emailed status link opens"
    );

    // Pat accepts: he gets the tenant's windows as numbered slots. The carrier delivering the
    // same text twice changes nothing.
    let yes = format!("YES {code}");
    let r = d
        .text_with_id(&pat, &yes, "7f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190")
        .await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let r = d
        .text_with_id(&pat, &yes, "7f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190")
        .await;
    assert_eq!(outcome(&r), "duplicate", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.vendor().as_deref(), Some(PAT));
    let slots = d
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(slots.key, "vendor.slots.sms");
    assert!(slots.body.contains("1) Thu Mar 5"), "{}", slots.body);
    assert!(slots.body.contains("2) Fri Mar 6"), "{}", slots.body);
    assert!(
        d.last_with_key(TENANT_PHONE, "tenant.assigned.sms")
            .await
            .is_some()
    );
    let timers = d.timers_of(&id).await;
    assert!(
        timers
            .iter()
            .all(|t| t.kind.as_deref() != Some("accept_timeout")),
        "the accept timer is gone: {timers:?}"
    );

    // "2": Friday 13:00-17:00 New York time; the tenant's email carries the invite.
    let r = d.text(&pat, "2").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "scheduled");
    assert_eq!(wo.appointment(), Some(slot2()));
    let booked_mail = d
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
    let tenant_sms = d.last_with_key(TENANT_PHONE, "tenant.scheduled.sms").await;
    assert!(tenant_sms.is_some_and(|m| m.body.contains("Fri Mar 6, 1-5 PM")));
    let vendor_sms = d.last_with_key(&pat, "vendor.scheduled.sms").await;
    assert!(vendor_sms.is_some_and(|m| m.body.contains("Fri Mar 6, 1-5 PM")));

    // The day before at 18:00 New York time: reminder emails to tenant and vendor.
    let eve_at = utc("2026-03-05T23:00:00Z");
    let fired = d.clock_to(eve_at).await;
    assert!(
        fired_for(&fired, &id).iter().any(|f| f.at == eve_at),
        "the day-before reminder fired at its time: {fired:?}"
    );
    let eve = d
        .last_with_key(TENANT_EMAIL, "tenant.reminder_eve.email")
        .await;
    let eve = eve.unwrap_or_else(|| panic!("no day-before email to the tenant"));
    let local_eve = eve.local_at(NY).format("%Y-%m-%d %H:%M").to_string();
    assert_eq!(local_eve, "2026-03-05 18:00");
    assert!(
        d.last_with_key(&pat_email, "vendor.reminder_eve.email")
            .await
            .is_some()
    );

    // The morning of, 07:30: SMS reminders.
    d.clock_to(utc("2026-03-06T12:30:00Z")).await;
    let morning = d
        .last_with_key(TENANT_PHONE, "tenant.reminder_morning.sms")
        .await;
    let morning = morning.unwrap_or_else(|| panic!("no morning SMS to the tenant"));
    let local_morning = morning.local_at(NY).format("%Y-%m-%d %H:%M").to_string();
    assert_eq!(local_morning, "2026-03-06 07:30");
    assert!(
        d.last_with_key(&pat, "vendor.reminder_morning.sms")
            .await
            .is_some()
    );

    // On site, then done.
    d.clock_to(utc("2026-03-06T18:05:00Z")).await;
    let r = d.text(&pat, "ARRIVED").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    assert_eq!(d.work_order(&id).await.status(), "in_progress");
    d.advance(3600).await;
    let r = d.text(&pat, "DONE replaced the cartridge").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    assert_eq!(d.work_order(&id).await.status(), "completed");
    let ask = d.last_with_key(TENANT_PHONE, "tenant.completed.sms").await;
    assert!(ask.is_some_and(|m| m.body.contains("1 (poor) to 5 (great)")));

    // The tenant rates it, the vendor invoices: closed, with nothing left pending.
    let r = d.text(TENANT_PHONE, "5").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo["feedback"]["rating"], 5);
    assert_eq!(wo.status(), "completed", "still waiting for the invoice");
    let r = d.text(&pat, "INVOICE 385").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "closed");
    assert_eq!(wo["invoice"]["amount"].as_f64(), Some(385.0));
    assert!(
        wo.timer_kinds().is_empty(),
        "nothing pending once closed: {:?}",
        wo["timers"]
    );
    let left = d.timers_of(&id).await;
    assert!(
        left.is_empty(),
        "no timer left for a closed work order: {left:?}"
    );
    assert!(
        d.last_with_key(&pat, "vendor.invoice_ack.sms")
            .await
            .is_some()
    );
    let kinds = wo.timeline_kinds();
    let expected = [
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
    ];
    assert!(in_order(&kinds, &expected), "timeline: {kinds:?}");

    // Every SMS on the timeline went out exactly once.
    let sent = d.sent().await;
    for e in wo.events("message_sent") {
        if e["channel"] != "sms" {
            continue;
        }
        let (to, body) = (e["address"].as_str(), e["body"].as_str());
        let copies = sent
            .iter()
            .filter(|m| m.is_sms() && Some(m.to.as_str()) == to && Some(m.body.as_str()) == body)
            .count();
        assert_eq!(copies, 1, "{e} was sent {copies} times");
    }
    id
}

pub async fn a_tenant_request_goes_from_the_form_to_closed_with_every_message_on_time<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let id = happy_path(&d).await;
    every_sms_fits_one_segment_where_it_can(&d, &id).await;
}

/// Every SMS of the happy path is in the GSM-7 alphabet, and every one without a link fits
/// one segment.
async fn every_sms_fits_one_segment_where_it_can<D: Driver>(d: &D, id: &str) {
    let all = d.messages_for(id).await;
    let sms: Vec<Message> = all.into_iter().filter(Message::is_sms).collect();
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
            let n = sms_segments(&m.body);
            assert_eq!(n, 1, "{} takes {n} segments: {:?}", m.key, m.body);
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
        let chars = m.body.chars().count();
        assert_eq!(
            sms_segments(&m.body),
            1,
            "{key}: {:?} ({chars} chars)",
            m.body
        );
    }
}
