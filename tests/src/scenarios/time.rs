//! Time: recurring work orders, reminders at local hours across the DST change, quiet hours at
//! night, and a cancel that leaves nothing pending however long one waits.

use super::*;
use crate::{PM_EMAIL, PM_PHONE, local};
use chrono::Duration;

pub async fn a_recurring_work_order_is_created_on_time_and_dispatched<D: Driver>() {
    let Some(d) = D::start(utc("2026-03-14T12:00:00Z")).await else {
        return;
    };
    // maple-pest: "0 10 15 * *" in New York → Sun 15 Mar 2026 10:00 EDT = 14:00 UTC.
    let due = utc("2026-03-15T14:00:00Z");
    let next = utc("2026-04-15T14:00:00Z");
    let is_pest =
        |w: &WorkOrder| w.source().as_deref() == Some("recurring") || w["trade"] == "pest";
    let pest_timer = |timers: Vec<PendingTimer>| {
        let pest = timers
            .into_iter()
            .find(|t| t.template.as_deref() == Some("maple-pest"));
        pest.map(|t| t.at)
    };
    assert_eq!(
        pest_timer(d.pending_timers().await),
        Some(due),
        "armed for its time"
    );

    d.clock_to(utc("2026-03-15T13:59:00Z")).await;
    let before = d.all_work_orders().await;
    assert!(
        !before.iter().any(is_pest),
        "not before its time: {before:?}"
    );

    let fired = d.clock_to(utc("2026-03-15T14:30:00Z")).await;
    let at_due: Vec<&Fired> = fired.iter().filter(|f| f.at == due).collect();
    assert_eq!(at_due.len(), 1, "the template fired once: {fired:?}");
    let all = d.all_work_orders().await;
    let found: Vec<&WorkOrder> = all.iter().filter(|w| is_pest(w)).collect();
    assert_eq!(found.len(), 1, "{all:?}");
    let wo = d.work_order(&found[0].id()).await;
    // The occurrence's deterministic id: `wo-r<template slug><local time>`.
    assert!(wo.id().starts_with("wo-r"), "{}", wo.id());
    assert_eq!(wo.source().as_deref(), Some("recurring"));
    assert_eq!(wo["property"]["id"], MAPLE);
    assert_eq!(wo["trade"], "pest");
    assert_eq!(wo["created_at"].as_str().map(utc), Some(due));
    assert_eq!(wo.status(), "dispatching");
    let jordan = d.vendor_phone("jordan-pest").await;
    let offered = d.offered_vendor(&wo.id()).await;
    assert_eq!(offered, Some(("jordan-pest".into(), jordan.clone())));
    let offer = d.last_with_key(&jordan, "vendor.offer.sms").await;
    assert_eq!(offer.map(|m| m.at), Some(due));
    // Still armed, for 15 April.
    assert_eq!(
        pest_timer(d.pending_timers().await),
        Some(next),
        "armed for next month"
    );
}

pub async fn a_pm_cancel_tells_everyone_and_leaves_nothing_pending<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let wo = booked(&d, "Leaky pipe under the kitchen sink", 2).await;
    let id = wo.id();
    let pat = d.vendor_phone(PAT).await;
    assert_eq!(wo.visit_status().as_deref(), Some("expected"));
    assert!(!wo.timer_kinds().is_empty());
    let armed = d.timers_of(&id).await;
    assert!(!armed.is_empty(), "timers armed for {id} before the cancel");
    let reminders = armed
        .iter()
        .all(|t| t.kind.as_deref().is_some_and(|k| k != "accept_timeout"));
    assert!(reminders, "only follow-ups once booked: {armed:?}");

    let r = d
        .pm_action(&id, "cancel", json!({ "reason": "the tenant fixed it" }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "cancelled");
    assert!(wo.timer_kinds().is_empty(), "{:?}", wo["timers"]);
    assert_eq!(wo.visit_status().as_deref(), Some("cancelled"));
    assert!(
        d.last_with_key(TENANT_PHONE, "tenant.cancelled.sms")
            .await
            .is_some()
    );
    assert!(
        d.last_with_key(TENANT_EMAIL, "tenant.cancelled.email")
            .await
            .is_some()
    );
    let told = d
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(told.key, "vendor.cancelled.sms");
    let pending = d.timers_of(&id).await;
    assert!(pending.is_empty(), "timers left for {id}: {pending:?}");
    let friday = d.visits(MAPLE, "2026-03-06").await;
    let off = friday
        .iter()
        .all(|v| v["work_order"] != id.as_str() || v["status"] == "cancelled");
    assert!(off, "{friday:?}");

    // Nothing more happens to it, however long we wait.
    let sent = d.sent().await.len();
    let about = d.messages_for(&id).await.len();
    let fired = d.clock_to(utc("2026-03-12T00:00:00Z")).await;
    assert!(fired_for(&fired, &id).is_empty(), "{fired:?}");
    assert_eq!(d.sent().await.len(), sent, "nothing more was sent");
    assert_eq!(d.messages_for(&id).await.len(), about);
    assert_eq!(d.work_order(&id).await.status(), "cancelled");
}

pub async fn reminders_go_at_the_local_hour_of_each_property_across_the_dst_change<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
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
        let wo = d.create_work_order(request).await;
        let wo = d.work_order(&wo.id()).await;
        assert_eq!(wo["priority"], "routine");
        // Routine offers last 2h, except where a property overrides it (Saguaro: 1h).
        let timeout = if tz == NY { 2 } else { 1 };
        let expires = clock_start() + Duration::hours(timeout);
        assert_eq!(wo.offer_expires(), Some(expires));
        let offered = d.offered_vendor(&wo.id()).await;
        let (_, phone) = offered.unwrap_or_else(|| panic!("no offer"));
        d.text(&phone, "YES").await;
        d.text(&phone, "1").await;
        let wo = d.work_order(&wo.id()).await;
        assert_eq!(wo.status(), "scheduled", "{:?}", wo.0);
        let (start, _) = wo.appointment().unwrap_or_else(|| panic!("no appointment"));
        assert_eq!(start, local(tz, "2026-03-09", "09:00"));
        booked_ids.push((wo.id(), tz, phone));
    }

    d.clock_to(utc("2026-03-09T19:30:00Z")).await;

    for ((id, tz, vendor_phone), (tenant_phone, tenant_email)) in
        booked_ids.iter().zip([tenant_ny, tenant_az])
    {
        let at = |m: Option<Message>, what: &str| {
            m.unwrap_or_else(|| panic!("no {what} for {id}"))
                .local_at(tz)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string()
        };
        let eve = d
            .last_with_key(tenant_email, "tenant.reminder_eve.email")
            .await;
        let morning = d
            .last_with_key(tenant_phone, "tenant.reminder_morning.sms")
            .await;
        let vendor_morning = d
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
    let ny_eve = d
        .last_with_key(TENANT_EMAIL, "tenant.reminder_eve.email")
        .await;
    assert_eq!(ny_eve.map(|m| m.at), Some(utc("2026-03-08T22:00:00Z")));
    let az_eve = d
        .last_with_key(tenant_az.1, "tenant.reminder_eve.email")
        .await;
    assert_eq!(az_eve.map(|m| m.at), Some(utc("2026-03-09T01:00:00Z")));
}

pub async fn a_routine_request_at_night_waits_for_morning_while_an_emergency_goes_out_at_once<
    D: Driver,
>() {
    // 23:00 in New York on Wed 4 Mar (EST).
    let night = utc("2026-03-05T04:00:00Z");
    let morning = utc("2026-03-05T13:00:00Z");
    let Some(d) = D::start(night).await else {
        return;
    };
    let pat = d.vendor_phone(PAT).await;

    let page = d
        .submit_form(&form_fields("Bathroom faucet drips.", "night-routine"))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let routine = d.find_by_description("Bathroom faucet drips.").await;
    assert_eq!(routine.status(), "submitted", "held, not offered");
    assert!(routine["offer"].is_null());
    let held = routine.events("offer_held").len();
    assert_eq!(held, 1, "{:?}", routine.timeline_kinds());
    let to_vendors = d
        .messages_for(&routine.id())
        .await
        .into_iter()
        .filter(|m| m.is_sms() && m.key.starts_with("vendor."))
        .count();
    assert_eq!(to_vendors, 0);

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
    let page = d.submit_form(&fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let emergency = d.find_by_description(gas).await;
    assert_eq!(emergency["priority"], "emergency");
    assert_eq!(emergency.status(), "dispatching");
    assert_eq!(d.now(), night);
    assert_eq!(
        emergency.offer_expires(),
        Some(night + Duration::minutes(15))
    );
    let offered = d.offered_vendor(&emergency.id()).await;
    let (_, phone) = offered.unwrap_or_else(|| panic!("no emergency offer"));
    let offer = d.last_with_key(&phone, "vendor.offer.sms").await;
    assert_eq!(offer.map(|m| m.at), Some(night));
    let safety = d.last_with_key("+13475550193", "tenant.safety.sms").await;
    let safety = safety.unwrap_or_else(|| panic!("no safety SMS"));
    assert_eq!(safety.at, night);
    assert!(safety.body.starts_with("SAFETY"), "{}", safety.body);
    let alert = d.last_with_key(PM_EMAIL, "pm.emergency.email").await;
    assert_eq!(alert.map(|m| m.at), Some(night));
    let alert_sms = d.last_with_key(PM_PHONE, "pm.emergency.sms").await;
    assert_eq!(alert_sms.map(|m| m.at), Some(night));

    // 08:00 in New York: the routine offer goes out.
    d.clock_to(morning).await;
    let routine = d.work_order(&routine.id()).await;
    assert_eq!(routine.status(), "dispatching");
    assert_eq!(routine.offer_vendor().as_deref(), Some(PAT));
    let offers: Vec<Message> = d
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
