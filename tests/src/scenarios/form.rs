//! The public tenant form: mistakes shown beside their fields, a double submission.

use super::*;
use crate::error_beside;

pub async fn form_errors_come_back_beside_their_fields_and_store_nothing<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let mut fields = form_fields("", "bad-form");
    for f in fields.iter_mut() {
        if f.0 == "phone" {
            f.1 = "12";
        }
    }
    let page = d.submit_form(&fields).await;
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
    assert!(d.all_work_orders().await.is_empty(), "nothing stored");
    assert!(d.sent().await.is_empty(), "nothing sent");
}

pub async fn the_same_form_submitted_twice_makes_one_work_order<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let fields = form_fields("Bathroom faucet drips.", "double-click-token");
    let first = d.submit_form(&fields).await;
    let second = d.submit_form(&fields).await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(second.status, 303, "{}", second.body);
    assert_eq!(
        first.location, second.location,
        "both lead to the same status page"
    );
    let all = d.all_work_orders().await;
    assert_eq!(all.len(), 1, "{all:?}");
    let pat = d.vendor_phone(PAT).await;
    let offers = d.sms_to(&pat).await;
    assert_eq!(offers.len(), 1, "one offer: {offers:?}");
    let confirmations = d.sms_to(TENANT_PHONE).await;
    assert_eq!(
        confirmations.len(),
        1,
        "one confirmation: {confirmations:?}"
    );
}
