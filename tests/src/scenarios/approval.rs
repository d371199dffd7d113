//! Estimates over the not-to-exceed limit and the owner's one-click decision; a job not done.

use super::*;
use crate::{PM_EMAIL, in_order};

/// Pat, booked on `slot`, texts an estimate: the owner is emailed a one-click link. Returns
/// (the work order's id, Pat's phone, the link).
async fn estimated<D: Driver>(
    d: &D,
    description: &str,
    estimate: &str,
) -> (String, String, String) {
    let wo = booked(d, description, 2).await;
    let pat = d.vendor_phone(PAT).await;
    let r = d.text(&pat, estimate).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let mail = d.last_with_key(OWNER_EMAIL, "owner.approval.email").await;
    let mail = mail.unwrap_or_else(|| panic!("no approval email to the owner"));
    let link = mail.link("/approve/");
    let link = link.unwrap_or_else(|| panic!("no link in {}", mail.body));
    (wo.id(), pat, link)
}

pub async fn an_estimate_over_the_nte_goes_to_the_owner_who_approves_and_the_vendor_reschedules<
    D: Driver,
>() {
    let Some(d) = start::<D>().await else { return };
    let estimate = "ESTIMATE 900 the tank is cracked and must be replaced";
    let (id, pat, link) = estimated(&d, "Water heater leaks at the base", estimate).await;
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "awaiting_approval");
    assert!(
        wo.appointment().is_none(),
        "the visit is off until the owner decides"
    );
    assert_eq!(wo["estimate"]["amount"].as_f64(), Some(900.0));
    assert_eq!(wo["estimate"]["limit"].as_f64(), Some(500.0));
    let to_pat = keys(&d.sms_to(&pat).await).join(" ");
    assert!(to_pat.contains("vendor.estimate_wait.sms"), "{to_pat}");
    let mail = d.last_with_key(OWNER_EMAIL, "owner.approval.email").await;
    assert!(mail.is_some_and(|m| m.body.contains("$900")));

    let page = d.open(&link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("$900"), "the page shows the amount");
    assert!(
        page.body.contains("Maple Court"),
        "the page shows the property"
    );
    let status = d.work_order(&id).await.status();
    assert_eq!(status, "awaiting_approval", "GET never decides");
    let result = d.post_page(&link, &[("decision", "approve")]).await;
    assert!(
        result.status == 200 || result.status == 303,
        "{} {}",
        result.status,
        result.body
    );

    // Approved: the same vendor gets the slots again and picks one.
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.vendor().as_deref(), Some(PAT), "the same vendor");
    assert_eq!(wo["estimate"]["decision"], "approved");
    let pat_keys: Vec<String> = d.sms_to(&pat).await.into_iter().map(|m| m.key).collect();
    let expected = [
        "vendor.estimate_wait.sms",
        "vendor.approved.sms",
        "vendor.slots.sms",
    ];
    assert!(in_order(&pat_keys, &expected), "{pat_keys:?}");

    let r = d.text(&pat, "1").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "scheduled");
    assert_eq!(wo.appointment(), Some(slot1()));
    let kinds = wo.timeline_kinds();
    let expected = [
        "scheduled",
        "estimate_received",
        "approval_requested",
        "approved",
        "slots_offered",
        "scheduled",
    ];
    assert!(in_order(&kinds, &expected), "{kinds:?}");

    // The link does not work twice.
    let again = d.post_page(&link, &[("decision", "decline")]).await;
    assert!(
        again.status == 410 || again.status == 403,
        "{} {}",
        again.status,
        again.body
    );
    assert_eq!(d.work_order(&id).await.status(), "scheduled");
}

pub async fn the_approval_page_shows_but_never_decides_on_get<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let estimate = "ESTIMATE 1200 replace the drain line";
    let (id, _, link) = estimated(&d, "Basement laundry tub drains slowly", estimate).await;
    for _ in 0..3 {
        assert_eq!(d.open(&link).await.status, 200);
    }
    assert_eq!(d.work_order(&id).await.status(), "awaiting_approval");
}

pub async fn an_owner_who_declines_the_estimate_puts_the_work_order_in_front_of_the_pm<
    D: Driver,
>() {
    let Some(d) = start::<D>().await else { return };
    let estimate = "ESTIMATE 1400 replace the drain stack";
    let (id, pat, link) = estimated(&d, "Bathtub drain pipe corroded", estimate).await;

    assert_eq!(d.open(&link).await.status, 200);
    let result = d.post_page(&link, &[("decision", "decline")]).await;
    assert!(
        result.status == 200 || result.status == 303,
        "{} {}",
        result.status,
        result.body
    );
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "needs_attention");
    assert_eq!(wo["estimate"]["decision"], "declined");
    let to_pat = keys(&d.sms_to(&pat).await).join(" ");
    assert!(to_pat.contains("vendor.declined.sms"), "{to_pat}");
    let pm = d.last_with_key(PM_EMAIL, "pm.attention.email").await;
    let told = pm.is_some_and(|m| m.body.contains("$1,400"));
    assert!(told, "the PM is told what was declined");
}

pub async fn a_job_not_done_goes_back_to_the_same_vendor_for_a_new_time<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let wo = booked(&d, "Garbage disposal hums but does not spin", 1).await;
    let id = wo.id();
    let pat = d.vendor_phone(PAT).await;
    assert_eq!(wo.appointment(), Some(slot1()));

    // An hour after the appointment ends (12:00 New York), Pat is asked whether it is done.
    let fired = d.clock_to(utc("2026-03-05T18:00:00Z")).await;
    assert!(!fired_for(&fired, &id).is_empty(), "{fired:?}");
    let ask = d
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(ask.key, "vendor.outcome.sms");
    assert_eq!(ask.at, utc("2026-03-05T18:00:00Z"));

    let r = d.text(&pat, "NOT DONE need a part from the supplier").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.vendor().as_deref(), Some(PAT));
    assert!(wo.appointment().is_none());
    let slots = d
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    let ahead = slots.body.contains("1) Fri Mar 6");
    assert!(ahead, "only the windows still ahead: {}", slots.body);
    assert!(!slots.body.contains("Thu Mar 5"), "{}", slots.body);

    let r = d.text(&pat, "1").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "scheduled");
    assert_eq!(wo.appointment(), Some(slot2()));
    let not_done = wo.events("not_done");
    assert_eq!(not_done.len(), 1);
    let noted = not_done[0].to_string().contains("need a part");
    assert!(noted, "{}", not_done[0]);
}
