//! The end-to-end scenarios, written once against the [`Driver`] port and run by every driver
//! (the local runner over HTTP, the Lambda handlers on moto): each is a `pub async fn` generic
//! over the driver, and [`shared_scenarios!`](crate::shared_scenarios) makes one `#[tokio::test]`
//! per scenario for a driver. Every scenario starts on Wed 2026-03-04 15:00 UTC (10:00 in New
//! York) with the sample portfolio unless it says otherwise.

pub mod approval;
pub mod form;
pub mod happy_path;
pub mod offers;
pub mod texts;
pub mod time;
pub mod visits;

use crate::driver::{Driver, Fired, PendingTimer, fired_for};
use crate::{Message, WorkOrder, clock_start, utc, window, window_of};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

pub const MAPLE: &str = "maple-court";
pub const NY: &str = "America/New_York";
pub const SAGUARO: &str = "saguaro";
pub const PHOENIX: &str = "America/Phoenix";

pub const TENANT_NAME: &str = "Alex Rivera";
pub const TENANT_PHONE: &str = "+13475550191";
pub const TENANT_EMAIL: &str = "alex.rivera@example.org";
pub const UNKNOWN_PHONE: &str = "+14155550199";

pub const PAT: &str = "pat-plumbing";
pub const DANA: &str = "dana-plumbing";
pub const LOU: &str = "lou-plumbing";
pub const OWNER_EMAIL: &str = "harriet.lindqvist@example.com";

/// A fresh deployment at [`clock_start`]; `None` when the driver is skipped here.
pub async fn start<D: Driver>() -> Option<D> {
    D::start(clock_start()).await
}

/// The tenant's windows at Maple Court: Thu 5 Mar 09:00–12:00 and Fri 6 Mar 13:00–17:00, New
/// York time (EST, UTC-5). Slot 1 and slot 2 as the vendor sees them.
pub fn slot1() -> (DateTime<Utc>, DateTime<Utc>) {
    (utc("2026-03-05T14:00:00Z"), utc("2026-03-05T17:00:00Z"))
}
pub fn slot2() -> (DateTime<Utc>, DateTime<Utc>) {
    (utc("2026-03-06T18:00:00Z"), utc("2026-03-06T22:00:00Z"))
}

/// A routine plumbing request at Maple Court, unit 4B, as the PM API takes it.
pub fn plumbing_request(description: &str) -> Value {
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
pub fn form_fields<'a>(description: &'a str, submission: &'a str) -> Vec<(&'static str, &'a str)> {
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

/// The tenant form's fields for a routine plumbing request of Sam Okafor (+1 347 555 0188) at
/// Maple Court, unit 2A, with one window, 09:00–12:00 on `window_date`.
pub fn sam_form(
    description: &str,
    window_date: &str,
    submission: &str,
) -> Vec<(&'static str, String)> {
    [
        ("property", MAPLE),
        ("unit", "2A"),
        ("name", "Sam Okafor"),
        ("email", "sam.okafor@example.org"),
        ("phone", "+13475550188"),
        ("description", description),
        ("category", "plumbing"),
        ("emergency", "no"),
        ("permission_to_enter", "yes"),
        ("pets", ""),
        ("access_notes", ""),
        ("window_date", window_date),
        ("window_start", "09:00"),
        ("window_end", "12:00"),
        ("submission", submission),
        ("website", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

/// The outcome of handling a text (`executed`, `replied`, `duplicate`…).
pub fn outcome(v: &Value) -> &str {
    v["outcome"].as_str().unwrap_or("")
}

pub fn keys(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.key.as_str()).collect()
}

/// A routine plumbing work order at Maple Court created by the PM API: offered to Pat at once.
pub async fn created<D: Driver>(d: &D, description: &str) -> WorkOrder {
    let wo = d.create_work_order(plumbing_request(description)).await;
    let wo = d.work_order(&wo.id()).await;
    assert_eq!(wo.status(), "dispatching", "{:?}", wo.0);
    assert_eq!(wo.offer_vendor().as_deref(), Some(PAT), "{:?}", wo.0);
    wo
}

/// [`created`], then Pat accepts and picks `slot`. Returns the work order as it stands then.
pub async fn booked<D: Driver>(d: &D, description: &str, slot: u32) -> WorkOrder {
    let wo = created(d, description).await;
    let pat = d.vendor_phone(PAT).await;
    let r = d.text(&pat, &format!("YES {}", wo.code())).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let r = d.text(&pat, &slot.to_string()).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&wo.id()).await;
    assert_eq!(wo.status(), "scheduled", "{:?}", wo.0);
    wo
}

/// Makes one `#[tokio::test]` per shared scenario, run by the driver type given, named after
/// the scenario (call it inside a module named after the driver: `local::…`, `aws::…`).
#[macro_export]
macro_rules! shared_scenarios {
    ($driver:ty) => {
        $crate::shared_scenarios!(@each $driver;
            happy_path::a_tenant_request_goes_from_the_form_to_closed_with_every_message_on_time,
            offers::a_declined_offer_goes_to_the_next_vendor_at_once,
            offers::unanswered_offers_lapse_vendor_after_vendor_until_the_pm_is_asked,
            offers::when_nobody_accepts_the_work_order_needs_attention_and_the_pm_is_emailed,
            offers::a_bare_yes_from_a_vendor_with_two_open_offers_asks_which_job,
            texts::the_same_inbound_sms_delivered_twice_acts_once,
            texts::a_text_from_an_unknown_number_gets_a_polite_reply_that_reveals_nothing,
            texts::a_reply_from_another_vendors_phone_does_not_act,
            texts::a_tenant_who_texts_to_move_the_visit_to_a_time_has_it_offered_to_the_vendor,
            approval::an_estimate_over_the_nte_goes_to_the_owner_who_approves_and_the_vendor_reschedules,
            approval::the_approval_page_shows_but_never_decides_on_get,
            approval::an_owner_who_declines_the_estimate_puts_the_work_order_in_front_of_the_pm,
            approval::a_job_not_done_goes_back_to_the_same_vendor_for_a_new_time,
            visits::a_vendor_visit_follows_the_work_order_from_accept_to_check_out,
            visits::a_visit_made_at_the_desk_links_to_a_work_order_of_the_same_property_only,
            time::a_recurring_work_order_is_created_on_time_and_dispatched,
            time::a_pm_cancel_tells_everyone_and_leaves_nothing_pending,
            time::reminders_go_at_the_local_hour_of_each_property_across_the_dst_change,
            time::a_routine_request_at_night_waits_for_morning_while_an_emergency_goes_out_at_once,
            form::form_errors_come_back_beside_their_fields_and_store_nothing,
            form::the_same_form_submitted_twice_makes_one_work_order,
        );
    };
    (@each $driver:ty; $($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                $crate::scenarios::$module::$name::<$driver>().await;
            }
        )*
    };
}
