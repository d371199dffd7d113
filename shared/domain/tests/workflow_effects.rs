//! Given/when/then tests of the work-order state machine: the effects of a decision (texts,
//! emails, timers, one SMS segment each) and messages the service refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::segments::sms_segments;
use mendwork_domain::*;
use support::workflow::*;
use support::*;

// ---------------------------------------------------------------------------------------------
// Effects

#[test]
fn an_offer_texts_and_emails_the_vendor_and_sets_a_deterministically_named_accept_timer() {
    let t = Given::submitted(elm_drip()).when(Command::Triage);
    let pat = vendor("pat");
    let sms = t.sms("vendor.offer.sms");
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].to, pat.phone);
    assert_eq!(sms[0].recipient, Recipient::Vendor(vid("pat")));
    assert!(sms[0].body.contains("KP27"), "{}", sms[0].body);
    let mail = t.emails("vendor.offer.email");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, pat.email);
    assert!(
        mail[0].text.contains("https://mw.example.com/j/KP27/pat"),
        "{}",
        mail[0].text
    );
    assert!(
        mail[0].text.contains("$500"),
        "the NTE is in the offer: {}",
        mail[0].text
    );
    assert!(t.effects.contains(&Effect::SetTimer {
        name: "wo-k3x9m2-accept-1".into(),
        kind: K::AcceptTimeout,
        generation: 1,
        at: now() + hours(2),
        zone: chrono_tz::Tz::America__New_York,
    }));
}

#[test]
fn a_cancelled_timer_cancels_the_schedule_of_the_same_name() {
    let t = Given::offered_to_pat().when(decline("pat"));
    let names: Vec<&Effect> = t
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::CancelTimer { .. } | Effect::SetTimer { .. }))
        .collect();
    assert_eq!(
        names[0],
        &Effect::CancelTimer {
            name: "wo-k3x9m2-accept-1".into()
        }
    );
    assert!(matches!(names[1], Effect::SetTimer { name, .. } if name == "wo-k3x9m2-accept-2"));
}

/// The one text of `key` among the effects, asserted to fit a single SMS segment.
fn assert_one_segment(t: &Then, key: &str) {
    let sms = t.sms(key);
    assert_eq!(sms.len(), 1, "{key}");
    let body = &sms[0].body;
    assert_eq!(
        sms_segments(body),
        1,
        "{key} takes {} segments ({} chars): {body}",
        sms_segments(body),
        body.chars().count()
    );
}

#[test]
fn the_offer_text_fits_one_sms_segment() {
    let offered = Given::submitted(elm_drip()).when(Command::Triage);
    assert_one_segment(&offered, "vendor.offer.sms");
}

#[test]
fn the_slots_text_fits_one_sms_segment() {
    let slots = Given::offered_to_pat()
        .later(minutes(10))
        .when(accept("pat"));
    assert_one_segment(&slots, "vendor.slots.sms");
}

#[test]
fn the_booking_text_fits_one_sms_segment() {
    let booked = Given::accepted_by_pat()
        .later(minutes(5))
        .when(choose("pat", 1));
    assert_one_segment(&booked, "tenant.scheduled.sms");
}

#[test]
fn the_booking_email_carries_a_calendar_invite_for_the_appointment() {
    let t = Given::accepted_by_pat().when(choose("pat", 1));
    let mail = t.emails("tenant.scheduled.email");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to.as_str(), "tina.brooks@example.net");
    let ics = mail[0]
        .ics
        .as_deref()
        .unwrap_or_else(|| panic!("no invite attached"));
    assert!(ics.contains("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("DTSTART"), "{ics}");
    assert!(ics.contains("20260305T140000Z"), "{ics}");
    assert!(ics.contains("DTEND"), "{ics}");
    assert!(ics.contains("wo-k3x9m2@mendwork"), "{ics}");
}

// ---------------------------------------------------------------------------------------------
// Messages the service refused

fn refused_sms(to: Recipient) -> Command {
    Command::MessageUndelivered {
        to,
        channel: Channel::Sms,
        address: "+17185550110".into(),
        key: "vendor.cancelled.sms".into(),
        reason: "Invalid parameter: PhoneNumber (InvalidParameter)".into(),
    }
}

#[test]
fn a_refused_message_is_recorded_and_the_team_is_told_who_missed_what_and_why() {
    let g = Given::offered_to_pat();
    let t = g.when(refused_sms(Recipient::Vendor(vid("pat"))));
    assert_eq!(t.events().len(), 1, "{:?}", t.events());
    assert!(matches!(
        &t.events()[0],
        Event::MessageUndelivered { channel: Channel::Sms, key, .. } if key == "vendor.cancelled.sms"
    ));
    assert_eq!(t.wo().status, g.wo.status, "nothing else changes");
    let mail = t.emails("pm.undelivered.email");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].subject,
        format!(
            "Not delivered: text message to {} for #{}",
            vendor("pat").name,
            g.wo.code
        )
    );
    assert!(
        mail[0].text.contains("InvalidParameter"),
        "{}",
        mail[0].text
    );
    assert!(mail[0].text.contains("+17185550110"), "{}", mail[0].text);
}

#[test]
fn a_cancellation_the_vendor_never_got_is_recorded_even_on_a_cancelled_work_order() {
    let g = Given::accepted_by_pat().did(Command::Cancel {
        by: pm(),
        reason: None,
    });
    assert_eq!(g.wo.status, Status::Cancelled);
    let t = g.when(refused_sms(Recipient::Vendor(vid("pat"))));
    assert_eq!(t.events().len(), 1);
    assert_eq!(t.emails("pm.undelivered.email").len(), 1);
    // Anything else stays refused there.
    g.when(Command::Close { by: pm() })
        .rejected_with(Rejection::WrongStatus("cancelled"));
}

#[test]
fn the_teams_own_refused_messages_are_recorded_but_not_mailed_to_the_team() {
    let t = Given::offered_to_pat().when(refused_sms(Recipient::Pm));
    assert_eq!(t.events().len(), 1);
    assert!(t.effects.is_empty(), "{:?}", t.effects);
}
