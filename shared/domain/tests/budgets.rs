//! Budgets on what a stranger can make grow through a tenant's link: the windows a work order
//! keeps (deduplicated, future only, capped), how often the vendor is texted new slots, how
//! long any text and any timeline entry may be.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::budget::{
    MAX_ENTRY_TEXT, MAX_OPEN_WINDOWS, MAX_SLOTS, MAX_SMS_SEGMENTS, bounded, fit_sms, slots_text_gap,
};
use mendwork_domain::segments::sms_segments;
use mendwork_domain::*;
use support::*;

/// `n` distinct two-hour windows on the days after `from`, starting at `first`.
fn windows(from: chrono::DateTime<chrono::Utc>, first: usize, n: usize) -> Vec<Window> {
    (first..first + n)
        .map(|i| {
            let start = from + hours(24 + 3 * i as i64);
            Window::new(start, start + hours(2)).unwrap()
        })
        .collect()
}

fn add(windows: Vec<Window>) -> Command {
    Command::AddAvailability { windows }
}

#[test]
fn windows_the_work_order_already_has_are_not_added_again_and_change_nothing() {
    let g = Given::accepted_by_pat();
    let then = g.when(add(vec![elm_thu(), elm_thu()]));
    then.no_events();
    let fresh = windows(g.now, 40, 1)[0];
    let then = g.when(add(vec![fresh, fresh, elm_thu()]));
    assert!(then.has(|e| matches!(e, Event::AvailabilityAdded { windows } if windows == &[fresh])));
}

#[test]
fn a_window_that_has_ended_is_refused() {
    Given::accepted_by_pat()
        .when(add(vec![elm_past()]))
        .rejected_with(Rejection::BadWindow);
}

#[test]
fn more_open_windows_than_the_cap_are_refused_and_nothing_is_added() {
    let g = Given::submitted(elm_drip());
    let open = g.wo.open_slots(g.now).len();
    let mut g = g;
    let mut first = 0;
    while g
        .wo
        .request
        .availability
        .iter()
        .filter(|w| w.end > g.now)
        .count()
        + 5
        <= MAX_OPEN_WINDOWS
    {
        let at = g.now;
        g = g.did(add(windows(at, first, 5)));
        first += 5;
    }
    let have =
        g.wo.request
            .availability
            .iter()
            .filter(|w| w.end > g.now)
            .count();
    assert!(have > open && have <= MAX_OPEN_WINDOWS);
    let then = g.when(add(windows(g.now, first, MAX_OPEN_WINDOWS + 1 - have)));
    then.rejected_with(Rejection::TooManyWindows {
        max: MAX_OPEN_WINDOWS,
    });
    let en = messages::refusal(&PORTFOLIO, &then.rejected(), Language::En);
    let es = messages::refusal(&PORTFOLIO, &then.rejected(), Language::Es);
    assert!(en.contains(&MAX_OPEN_WINDOWS.to_string()), "{en}");
    assert!(es.contains("horarios") && es != en, "{es}");
}

#[test]
fn windows_that_have_ended_leave_the_list_when_times_are_added() {
    let g = Given::submitted(elm_drip()).did(add(windows(now(), 0, 3)));
    let later = g.clone().later(hours(24 * 30));
    let after = later.did(add(windows(now() + hours(24 * 30), 0, 2)));
    assert_eq!(after.wo.request.availability.len(), 2);
}

#[test]
fn a_text_offers_at_most_the_slot_cap_and_fits_three_segments() {
    let g = Given::submitted(elm_drip()).did(add(windows(now(), 0, MAX_OPEN_WINDOWS - 3)));
    let then = g
        .did(Command::Triage)
        .later(minutes(10))
        .when(Command::Accept { vendor: vid("pat") });
    assert_eq!(then.wo().slots.len(), MAX_SLOTS);
    let texts = then.sms("vendor.slots.sms");
    assert_eq!(texts.len(), 1);
    assert!(
        sms_segments(&texts[0].body) <= MAX_SMS_SEGMENTS,
        "{}",
        texts[0].body
    );
    assert!(
        texts[0].body.contains(&format!("{MAX_SLOTS})")),
        "{}",
        texts[0].body
    );
}

#[test]
fn times_added_soon_after_a_slots_text_go_out_together_when_the_gap_is_over() {
    let g = Given::accepted_by_pat().later(minutes(1));
    // The first change within the gap: no text now, one timer at the end of the gap.
    let then = g.when(add(windows(g.now, 10, 2)));
    assert!(then.sms("vendor.slots.sms").is_empty());
    let sent_at = g.wo.slots_sent_at.expect("slots were sent on accept");
    let (_, due) = then.timer_set(TimerKind::SlotsUpdate);
    assert_eq!(due, sent_at + slots_text_gap());
    // More changes within the gap: still no text, no second timer.
    let g = then.after.later(minutes(1));
    let then = g.when(add(windows(g.now, 12, 2)));
    assert!(then.sms("vendor.slots.sms").is_empty());
    assert!(!then.has(|e| matches!(e, Event::TimerSet { .. })));
    // The gap is over: one text with every change.
    let fired = then.after.when_fired(TimerKind::SlotsUpdate);
    let texts = fired.sms("vendor.slots.sms");
    assert_eq!(texts.len(), 1);
    assert!(
        fired.wo().slots.contains(&windows(now(), 12, 1)[0]) || fired.wo().slots.len() == MAX_SLOTS
    );
    // After the gap, a change goes out at once.
    let g = fired.after.later(slots_text_gap() + minutes(1));
    let then = g.when(add(windows(g.now, 20, 1)));
    assert_eq!(then.sms("vendor.slots.sms").len(), 1);
}

#[test]
fn a_slots_update_timer_that_finds_nothing_new_sends_nothing() {
    let g = Given::accepted_by_pat().later(minutes(1));
    let then = g.when(add(windows(g.now, 10, 1)));
    let g = then.after.did(Command::ChooseSlot {
        vendor: vid("pat"),
        slot: 1,
    });
    let fired = g.when_fired(TimerKind::SlotsUpdate);
    assert!(fired.sms("vendor.slots.sms").is_empty());
}

#[test]
fn every_text_fits_three_segments_however_long_what_went_into_it() {
    let long = "word ".repeat(400);
    let fitted = fit_sms(long.clone());
    assert!(sms_segments(&fitted) <= MAX_SMS_SEGMENTS);
    assert!(fitted.ends_with("..."), "{fitted}");
    let emoji = "🔧 fix ".repeat(100);
    assert!(sms_segments(&fit_sms(emoji)) <= MAX_SMS_SEGMENTS);
    assert_eq!(fit_sms("short".into()), "short");
}

#[test]
fn a_timeline_entry_keeps_at_most_its_budget_of_free_text() {
    let e = Event::MessageReceived {
        from: Recipient::Tenant,
        channel: Channel::Sms,
        address: "+12125550142".into(),
        body: "x".repeat(MAX_ENTRY_TEXT * 5),
    };
    let Event::MessageReceived { body, .. } = bounded(e) else {
        panic!("the kind of event changed")
    };
    assert!(body.chars().count() <= MAX_ENTRY_TEXT, "{}", body.len());
}

/// Pat's offer, after `gone` other vendors had let theirs lapse.
fn offered_to_pat_after(gone: usize) -> Given {
    let mut g = Given::offered_to_pat();
    let expires_at = g.wo.offer.clone().unwrap().expires_at;
    for i in 0..gone {
        g.apply(&Event::OfferLapsed {
            vendor: vid(&format!("gone-{i}")),
        });
    }
    g.apply(&Event::Offered {
        vendor: vid("pat"),
        expires_at,
    });
    g
}

#[test]
fn once_the_most_vendors_were_tried_dispatch_stops_and_the_team_decides() {
    use mendwork_domain::stored::MAX_TRIED;
    // One short of the bound after pat: the next plumber (ray) is asked as ever.
    let then = offered_to_pat_after(MAX_TRIED - 2).when_fired(TimerKind::AcceptTimeout);
    assert!(then.has(|e| matches!(e, Event::Offered { vendor, .. } if vendor == &vid("ray"))));
    // Pat is the last one the bound allows: nobody else is asked, the team is.
    let then = offered_to_pat_after(MAX_TRIED - 1).when_fired(TimerKind::AcceptTimeout);
    assert!(!then.has(|e| matches!(e, Event::Offered { .. })));
    assert!(then.has(|e| matches!(e, Event::NeedsAttention { .. })));
    assert_eq!(then.wo().tried.len(), MAX_TRIED);
}

#[test]
fn the_state_keeps_the_newest_reasons_and_instructions_and_counts_them_all() {
    use mendwork_domain::stored::{KEPT_INSTRUCTIONS, KEPT_NOT_DONE_REASONS, MAX_STATE_TEXT};
    let mut g = Given::accepted_by_pat();
    for i in 0..40 {
        g.apply(&Event::NotDone {
            reason: Some(format!("round {i}: {}", "no part ".repeat(200))),
        });
        g.apply(&Event::InstructionsAdded {
            text: format!("note {i}"),
            by: pm(),
        });
    }
    let wo = &g.wo;
    assert_eq!(wo.not_done_count, 40);
    assert_eq!(wo.not_done_reasons.len(), KEPT_NOT_DONE_REASONS);
    assert!(wo.not_done_reasons[KEPT_NOT_DONE_REASONS - 1].starts_with("round 39:"));
    assert!(
        wo.not_done_reasons
            .iter()
            .all(|r| r.chars().count() <= MAX_STATE_TEXT)
    );
    assert_eq!(wo.instructions_count, 40);
    assert_eq!(wo.instructions.len(), KEPT_INSTRUCTIONS);
    assert_eq!(wo.instructions[KEPT_INSTRUCTIONS - 1], "note 39");
    assert_eq!(wo.earlier_instructions(), 40 - KEPT_INSTRUCTIONS as u32);
    assert_eq!(wo.earlier_not_done(), 40 - KEPT_NOT_DONE_REASONS as u32);
}
