//! Replies to commands: what an intent read from a text does to one work order. The reading itself
//! is the language engine's (`mendwork-language`, whose gate holds its figures on the labelled
//! data).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use chrono::NaiveDate;
use mendwork_domain::Command;
use mendwork_domain::replies::{Sender, command_for};
use mendwork_domain::sms::{Intent, parse_reply};
use support::{Given, ny, vid};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

#[test]
fn the_later_one_chooses_the_last_offered_slot() {
    let g = Given::accepted_by_pat();
    let count = u32::try_from(g.wo.slots.len()).unwrap();
    assert!(count >= 2, "the test needs a choice: {count} slot(s)");
    for text in ["the later one", "last one", "la última"] {
        let intent = parse_reply(text, today()).intent;
        assert_eq!(intent, Intent::LastSlot, "{text:?}");
        assert_eq!(
            command_for(&g.wo, &Sender::Vendor(vid("pat")), &intent, ny()),
            Some(Command::ChooseSlot {
                vendor: vid("pat"),
                slot: count
            }),
            "{text:?}"
        );
    }
    // Not the vendor's to choose yet (only offered), or not this vendor's job: nothing.
    let offered = Given::offered_to_pat();
    assert_eq!(
        command_for(
            &offered.wo,
            &Sender::Vendor(vid("pat")),
            &Intent::LastSlot,
            ny()
        ),
        None
    );
    assert_eq!(
        command_for(&g.wo, &Sender::Vendor(vid("ray")), &Intent::LastSlot, ny()),
        None
    );
}
