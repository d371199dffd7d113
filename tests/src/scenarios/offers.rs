//! Offers: a vendor declines, stays silent, nobody takes the job, one vendor has two offers.

use super::*;
use crate::{PM_EMAIL, in_order};
use chrono::Duration;

pub async fn a_declined_offer_goes_to_the_next_vendor_at_once<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let wo = created(&d, "Kitchen sink drains slowly").await;
    let (id, code) = (wo.id(), wo.code());
    let pat = d.vendor_phone(PAT).await;
    let dana = d.vendor_phone(DANA).await;

    let r = d.text(&pat, &format!("NO {code} booked all week")).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(
        d.offered_vendor(&id).await,
        Some((DANA.to_string(), dana.clone()))
    );
    assert_eq!(wo.offer_expires(), Some(clock_start() + Duration::hours(2)));
    let ack = d
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(ack.key, "vendor.declined_ack.sms");
    let offer = d.last_with_key(&dana, "vendor.offer.sms").await;
    let offer = offer.unwrap_or_else(|| panic!("no offer to Dana"));
    assert_eq!(offer.at, clock_start(), "offered at once");
    assert!(offer.body.contains(&format!("Reply YES {code}")));

    let r = d.text(&dana, "yes").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "accepted");
    assert_eq!(wo.vendor().as_deref(), Some(DANA));
    assert!(d.last_with_key(&dana, "vendor.slots.sms").await.is_some());
    let kinds = wo.timeline_kinds();
    let expected = ["offered", "declined", "offered", "accepted"];
    assert!(in_order(&kinds, &expected), "{kinds:?}");
}

pub async fn unanswered_offers_lapse_vendor_after_vendor_until_the_pm_is_asked<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let wo = created(&d, "Toilet runs all night").await;
    let id = wo.id();
    let pat = d.vendor_phone(PAT).await;
    let dana = d.vendor_phone(DANA).await;
    let lou = d.vendor_phone(LOU).await;
    let expires = clock_start() + Duration::hours(2);
    assert_eq!(wo.offer_expires(), Some(expires));

    // A minute before the deadline nothing happens.
    let fired = d.advance(2 * 3600 - 60).await;
    assert!(fired.is_empty(), "{fired:?}");
    assert_eq!(d.work_order(&id).await.offer_vendor().as_deref(), Some(PAT));
    assert!(d.last_with_key(&dana, "vendor.offer.sms").await.is_none());

    // At the deadline the offer lapses: Pat is told, Dana is offered the job.
    let fired = d.advance(60).await;
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(fired_for(&fired, &id).len(), 1, "{fired:?}");
    assert_eq!(fired[0].at, expires);
    let lapsed = d
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no SMS to Pat"));
    assert_eq!(lapsed.key, "vendor.lapsed.sms");
    assert_eq!(lapsed.at, expires);
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "dispatching");
    assert_eq!(wo.offer_vendor().as_deref(), Some(DANA));
    assert_eq!(wo.offer_expires(), Some(expires + Duration::hours(2)));
    let offer = d.last_with_key(&dana, "vendor.offer.sms").await;
    assert_eq!(offer.map(|m| m.at), Some(expires));
    let kinds = wo.timeline_kinds();
    let expected = ["offered", "offer_lapsed", "offered"];
    assert!(in_order(&kinds, &expected), "{kinds:?}");

    // Dana stays silent too: Lou (the portfolio's backup) is offered it, then lapses as well.
    let fired = d.advance(2 * 3600).await;
    assert_eq!(fired.len(), 1, "{fired:?}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.offer_vendor().as_deref(), Some(LOU), "{:?}", wo.0);
    assert!(d.last_with_key(&lou, "vendor.offer.sms").await.is_some());
    let fired = d.advance(2 * 3600).await;
    assert_eq!(fired.len(), 1, "{fired:?}");

    // Nobody left: the PM is asked to step in, by email.
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "needs_attention", "{:?}", wo.0);
    assert!(wo["offer"].is_null());
    let mail = d.last_with_key(PM_EMAIL, "pm.attention.email").await;
    assert!(mail.is_some_and(|m| !m.body.is_empty()));
    let kinds = wo.timeline_kinds();
    let expected = [
        "offered",
        "offer_lapsed",
        "offered",
        "offer_lapsed",
        "offered",
        "offer_lapsed",
    ];
    assert!(in_order(&kinds, &expected), "{kinds:?}");
    let left = d.timers_of(&id).await;
    assert!(
        left.iter()
            .all(|t| t.kind.as_deref() != Some("accept_timeout")),
        "no accept timer left: {left:?}"
    );
}

pub async fn when_nobody_accepts_the_work_order_needs_attention_and_the_pm_is_emailed<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let wo = created(&d, "Shower has no hot water pressure").await;
    let (id, code) = (wo.id(), wo.code());
    for vendor in [PAT, DANA, LOU] {
        let offered = d.offered_vendor(&id).await;
        let (offered, phone) = offered.unwrap_or_else(|| panic!("no offer out before {vendor}"));
        assert_eq!(offered, vendor);
        let r = d.text(&phone, "no").await;
        assert_eq!(outcome(&r), "executed", "{r}");
    }
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "needs_attention");
    assert!(wo["offer"].is_null());
    let attention = wo["attention"].as_str();
    assert!(
        attention.is_some_and(|a| !a.is_empty()),
        "{:?}",
        wo["attention"]
    );
    let mail = d.last_with_key(PM_EMAIL, "pm.attention.email").await;
    let mail = mail.unwrap_or_else(|| panic!("no email to the PM"));
    let subject = mail.subject.as_deref();
    assert!(subject.is_some_and(|s| s.contains(&code)), "{subject:?}");
    let listed = d.list("needs_attention").await;
    assert!(listed.iter().any(|w| w.id() == id), "{listed:?}");
}

pub async fn a_bare_yes_from_a_vendor_with_two_open_offers_asks_which_job<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let first = created(&d, "Kitchen faucet sprays sideways").await;
    let mut second_request = plumbing_request("Hall closet water valve stuck");
    second_request["unit"] = json!("2A");
    let second = d.create_work_order(second_request).await;
    let second = d.work_order(&second.id()).await;
    let pat = d.vendor_phone(PAT).await;
    assert_eq!(second.offer_vendor().as_deref(), Some(PAT));

    let r = d.text(&pat, "YES").await;
    assert_eq!(outcome(&r), "replied", "{r}");
    let question = d
        .last_sms_to(&pat)
        .await
        .unwrap_or_else(|| panic!("no reply"));
    assert!(question.body.contains(&first.code()), "{}", question.body);
    assert!(question.body.contains(&second.code()), "{}", question.body);
    assert_eq!(d.work_order(&first.id()).await.status(), "dispatching");
    assert_eq!(d.work_order(&second.id()).await.status(), "dispatching");

    let r = d.text(&pat, &format!("yes {}", second.code())).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    assert_eq!(d.work_order(&first.id()).await.status(), "dispatching");
    assert_eq!(d.work_order(&second.id()).await.status(), "accepted");
}
