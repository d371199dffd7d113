//! Inbound texts: those that must not act (a repeated delivery, a stranger, another vendor's
//! phone), and a tenant's text moving a booked visit to a time they name.

use super::*;

pub async fn the_same_inbound_sms_delivered_twice_acts_once<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let wo = created(&d, "Dishwasher drain hose leaks").await;
    let pat = d.vendor_phone(PAT).await;
    let body = format!("YES {}", wo.code());

    let first = d.text_with_id(&pat, &body, "dup-0001").await;
    assert_eq!(outcome(&first), "executed", "{first}");
    let sent = d.sent().await.len();
    let second = d.text_with_id(&pat, &body, "dup-0001").await;
    assert_eq!(outcome(&second), "duplicate", "{second}");

    let wo = d.work_order(&wo.id()).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.events("accepted").len(), 1);
    assert_eq!(wo.events("slots_offered").len(), 1);
    assert_eq!(d.sent().await.len(), sent, "no second round of messages");
}

pub async fn a_text_from_an_unknown_number_gets_a_polite_reply_that_reveals_nothing<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let wo = created(&d, "Bathroom sink stopper broken").await;
    let code = wo.code();

    let r = d.text(UNKNOWN_PHONE, &format!("YES {code}")).await;
    assert_eq!(outcome(&r), "replied", "{r}");
    let replies = d.sms_to(UNKNOWN_PHONE).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    let body = &replies[0].body;
    assert!(body.starts_with("Sorry"), "{body}");
    let secrets = [
        code.as_str(),
        "Maple",
        "412",
        "4B",
        "Pat",
        "Alvarez",
        TENANT_NAME,
        "plumb",
    ];
    for secret in secrets {
        assert!(!body.contains(secret), "{secret:?} revealed in {body:?}");
    }
    let wo = d.work_order(&wo.id()).await;
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(wo.offer_vendor().as_deref(), Some(PAT));
}

pub async fn a_reply_from_another_vendors_phone_does_not_act<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let wo = created(&d, "Laundry sink faucet loose").await;
    let (id, code) = (wo.id(), wo.code());
    let dana = d.vendor_phone(DANA).await;

    for body in [
        format!("YES {code}"),
        "YES".to_string(),
        format!("NO {code}"),
    ] {
        let r = d.text(&dana, &body).await;
        assert_ne!(outcome(&r), "executed", "{body}: {r}");
    }
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(wo.offer_vendor().as_deref(), Some(PAT));
    assert!(wo.vendor().is_none());
    let kinds = wo.timeline_kinds();
    let acted = kinds.iter().any(|k| k == "accepted" || k == "declined");
    assert!(!acted, "{kinds:?}");
}

pub async fn a_tenant_who_texts_to_move_the_visit_to_a_time_has_it_offered_to_the_vendor<
    D: Driver,
>() {
    let Some(d) = start::<D>().await else { return };
    let wo = booked(&d, "Shower head sprays sideways", 1).await;
    let id = wo.id();
    let pat = d.vendor_phone(PAT).await;
    let saturday = (utc("2026-03-07T15:00:00Z"), utc("2026-03-07T17:00:00Z"));

    // Wednesday 10 AM in New York: Saturday at 10 is ahead, so it is kept.
    let r = d
        .text(TENANT_PHONE, "can we reschedule to Saturday at 10?")
        .await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "accepted", "{:?}", wo.0);
    assert_eq!(wo.appointment(), None);
    let unscheduled = wo.events("unscheduled");
    assert_eq!(unscheduled.len(), 1, "{unscheduled:?}");
    assert_eq!(unscheduled[0]["code"], "asked_to_reschedule");
    assert_eq!(window_of(&unscheduled[0]["window"]), Some(saturday));
    let off = d.last_with_key(&pat, "vendor.unscheduled.sms").await;
    let off = off.map(|m| m.body).unwrap_or_default();
    assert!(
        off.contains("the tenant asks for Sat Mar 7, 10 AM-12 PM"),
        "{off}"
    );

    // The slots come again in time order, the Saturday asked for third; Pat takes it.
    let slots = d.last_with_key(&pat, "vendor.slots.sms").await;
    let slots = slots.map(|m| m.body).unwrap_or_default();
    assert!(slots.contains("3) Sat Mar 7"), "{slots}");
    let r = d.text(&pat, "3").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "scheduled", "{:?}", wo.0);
    assert_eq!(wo.appointment(), Some(saturday));
}
