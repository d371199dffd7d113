//! The workflow tests' shared steps: events and commands as the tests write them (timers set,
//! cancelled and fired, offers, accepts, declines, slots, a PM's cancel), a few fixtures, and
//! every timer kind.

use super::{pm, vid, window};
use TimerKind as K;
use mendwork_domain::*;

pub fn timer_set(timer: TimerKind, generation: u32, at: chrono::DateTime<chrono::Utc>) -> Event {
    Event::TimerSet {
        timer,
        generation,
        at,
    }
}

pub fn timer_cancelled(timer: TimerKind, generation: u32) -> Event {
    Event::TimerCancelled { timer, generation }
}

pub fn timer_elapsed(timer: TimerKind, generation: u32) -> Event {
    Event::TimerElapsed { timer, generation }
}

pub fn offered(vendor: &str, expires_at: chrono::DateTime<chrono::Utc>) -> Event {
    Event::Offered {
        vendor: vid(vendor),
        expires_at,
    }
}

pub fn choose(vendor: &str, slot: u32) -> Command {
    Command::ChooseSlot {
        vendor: vid(vendor),
        slot,
    }
}

pub fn decline(vendor: &str) -> Command {
    Command::Decline {
        vendor: vid(vendor),
        reason: None,
    }
}

pub fn accept(vendor: &str) -> Command {
    Command::Accept {
        vendor: vid(vendor),
    }
}

pub fn fire(kind: TimerKind, generation: u32) -> Command {
    Command::TimerFired { kind, generation }
}

/// Sat Mar 7, 10 AM–12 PM EST at Elm House: a time the tenant did not offer.
pub fn elm_sat() -> Window {
    window("2026-03-07T15:00:00Z", "2026-03-07T17:00:00Z")
}

pub fn cancel_by_pm() -> Command {
    Command::Cancel {
        by: pm(),
        reason: Some("the owner fixed it".into()),
    }
}

pub fn desk_visit(id: &str, property: &str) -> Visit {
    Visit {
        id: VisitId(id.into()),
        property: PropertyId::from(property),
        work_order: None,
        work_order_code: None,
        visitor: "Ray Diaz".into(),
        company: None,
        expected: None,
        status: VisitStatus::Expected,
        checked_in_at: None,
        checked_out_at: None,
        automatic: false,
    }
}

pub fn no_contact(mut r: NewWorkOrder) -> NewWorkOrder {
    r.tenant = Contact {
        name: "Unit 4B".into(),
        email: None,
        phone: None,
    };
    r.source = Source::Pm;
    r
}

pub const ALL_TIMERS: [TimerKind; 10] = [
    K::QuietHoursEnd,
    K::AcceptTimeout,
    K::ScheduleNudge,
    K::ProposalTimeout,
    K::ReminderDayBefore,
    K::ReminderMorning,
    K::OutcomeAsk,
    K::ApprovalReminder,
    K::InvoiceFollowUp,
    K::CloseAfterInvoice,
];
