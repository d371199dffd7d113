//! Which command an SMS reply means for one work order, given who sent it and where the work
//! order stands. Pure: the SMS step uses it to find the one work order a reply is about.

use crate::localtime::at_local;
use crate::portfolio::{LocalTime, VendorId};
use crate::sms::{Intent, NewTime};
use crate::types::Language;
use crate::workorder::{Actor, Command, Status, Window, WorkOrder};
use chrono_tz::Tz;

/// Who texted, as far as this work order is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    Vendor(VendorId),
    Tenant,
}

/// The command `intent` means for `wo` from `sender`, or `None` when the work order is not
/// waiting for that kind of reply from them. A vendor only acts on a work order offered or
/// assigned to them; a tenant only on their own (the caller matched the phone).
pub fn command_for(wo: &WorkOrder, sender: &Sender, intent: &Intent, tz: Tz) -> Option<Command> {
    let phase = wo.phase();
    if wo.status.is_final() {
        return None;
    }
    match sender {
        Sender::Vendor(v) => {
            let offered = wo.offer.as_ref().is_some_and(|o| &o.vendor == v);
            let mine = wo.vendor.as_ref() == Some(v);
            let v = v.clone();
            match intent {
                Intent::Accept if offered => Some(Command::Accept { vendor: v }),
                Intent::Decline { reason } if offered => Some(Command::Decline {
                    vendor: v,
                    reason: reason.clone(),
                }),
                _ if !mine => None,
                Intent::Number(n) if phase == Status::Accepted && wo.proposal.is_none() => {
                    Some(Command::ChooseSlot {
                        vendor: v,
                        slot: *n,
                    })
                }
                // "The later one": the last of the slots offered, when there was a choice.
                Intent::LastSlot
                    if phase == Status::Accepted
                        && wo.proposal.is_none()
                        && wo.slots.len() >= 2 =>
                {
                    Some(Command::ChooseSlot {
                        vendor: v,
                        slot: u32::try_from(wo.slots.len()).ok()?,
                    })
                }
                // A vendor moving the visit to a time they name proposes that time: the tenant
                // is asked to accept it, as with any proposal.
                Intent::Propose { date, start, end }
                | Intent::Reschedule {
                    when: Some(NewTime { date, start, end }),
                } if matches!(phase, Status::Accepted | Status::Scheduled) => {
                    let window = window_of(tz, *date, *start, *end)?;
                    Some(Command::ProposeTime { vendor: v, window })
                }
                Intent::Arrived if matches!(phase, Status::Scheduled | Status::Accepted) => {
                    Some(Command::Arrived {
                        by: Actor::Vendor(v),
                    })
                }
                Intent::RunningLate { minutes } if phase == Status::Scheduled => {
                    Some(Command::RunningLate {
                        vendor: v,
                        minutes: *minutes,
                    })
                }
                Intent::Done { notes }
                    if matches!(
                        phase,
                        Status::Scheduled | Status::InProgress | Status::Accepted
                    ) =>
                {
                    Some(Command::Done {
                        vendor: v,
                        notes: notes.clone(),
                        photos: vec![],
                    })
                }
                Intent::NotDone { reason }
                    if matches!(phase, Status::Scheduled | Status::InProgress) =>
                {
                    Some(Command::NotDone {
                        vendor: v,
                        reason: reason.clone(),
                    })
                }
                Intent::Estimate { amount, note }
                    if matches!(
                        phase,
                        Status::Accepted | Status::Scheduled | Status::InProgress
                    ) =>
                {
                    Some(Command::Estimate {
                        vendor: v,
                        amount: *amount,
                        note: note.clone(),
                    })
                }
                Intent::Invoice { amount, reference }
                    if phase == Status::Completed && wo.invoice.is_none() =>
                {
                    Some(Command::Invoice {
                        vendor: v,
                        amount: *amount,
                        reference: reference.clone(),
                        file: None,
                    })
                }
                Intent::Reschedule { when: None } if phase == Status::Scheduled => {
                    Some(Command::RequestReschedule {
                        by: Actor::Vendor(v),
                        window: None,
                    })
                }
                _ => None,
            }
        }
        Sender::Tenant => match intent {
            // Danger now: on any of the tenant's requests still open; one that is completed
            // refuses it with where help is (`crate::danger`).
            Intent::Emergency => Some(Command::ReportDanger {
                by: Actor::Tenant,
                via: Some(crate::danger::Via::Sms),
            }),
            // The safety question first while it is open; once it expired, a proposed time
            // waiting for the tenant takes their YES or NO, else the question still does.
            Intent::Accept
                if wo
                    .safety_question_pending()
                    .is_some_and(|c| c.is_open() || wo.proposal.is_none()) =>
            {
                Some(Command::AnswerSafetyQuestion {
                    yes: true,
                    by: Actor::Tenant,
                })
            }
            Intent::Decline { .. }
                if wo.safety_question_pending().is_some_and(|c| {
                    c.answer.is_none() && (c.is_open() || wo.proposal.is_none())
                }) =>
            {
                Some(Command::AnswerSafetyQuestion {
                    yes: false,
                    by: Actor::Tenant,
                })
            }
            Intent::Accept if wo.proposal.is_some() => {
                Some(Command::AnswerProposal { accept: true })
            }
            Intent::Decline { .. } if wo.proposal.is_some() => {
                Some(Command::AnswerProposal { accept: false })
            }
            Intent::Number(n)
                if phase == Status::Completed && wo.feedback_requested && wo.feedback.is_none() =>
            {
                Some(Command::Feedback {
                    rating: u8::try_from(*n).unwrap_or(u8::MAX),
                    comment: None,
                })
            }
            // The time the tenant names rides along; whether it is still ahead is the
            // decider's to judge. A bare time without a word of moving ("how about friday at
            // 10") is not read as a request to move a booked visit: it may only restate it.
            Intent::Reschedule { when } if phase == Status::Scheduled => {
                Some(Command::RequestReschedule {
                    by: Actor::Tenant,
                    window: when.and_then(|t| window_of(tz, t.date, t.start, t.end)),
                })
            }
            Intent::Cancel
                if matches!(
                    phase,
                    Status::Submitted | Status::Dispatching | Status::Accepted | Status::Scheduled
                ) =>
            {
                Some(Command::Cancel {
                    by: Actor::Tenant,
                    reason: Some("the tenant cancelled by text".into()),
                })
            }
            Intent::Done { .. }
                if matches!(
                    phase,
                    Status::Submitted | Status::Dispatching | Status::Accepted | Status::Scheduled
                ) =>
            {
                Some(Command::Cancel {
                    by: Actor::Tenant,
                    reason: Some("the tenant says the problem is fixed".into()),
                })
            }
            _ => None,
        },
    }
}

/// A date and local times as a window at the property, `None` when it is not one (end not
/// after start, as a clock change can make it).
fn window_of(
    tz: Tz,
    date: chrono::NaiveDate,
    start: chrono::NaiveTime,
    end: chrono::NaiveTime,
) -> Option<Window> {
    Window::new(
        at_local(tz, date, LocalTime(start)),
        at_local(tz, date, LocalTime(end)),
    )
}

/// A one-line hint of what the sender can reply about this work order, for "didn't get that".
pub fn expected_replies(wo: &WorkOrder, sender: &Sender) -> &'static str {
    expected_replies_in(wo, sender, Language::En)
}

/// [`expected_replies`] for a reader of `lang`, from the catalogue (`sms.expect.*`): a Spanish
/// tenant reads the Spanish words our parser also understands (vendors are answered in English).
pub fn expected_replies_in(wo: &WorkOrder, sender: &Sender, lang: Language) -> &'static str {
    let key = match (sender, wo.phase()) {
        (Sender::Vendor(_), Status::Dispatching) => "sms.expect.vendor_offer",
        (Sender::Vendor(_), Status::Accepted) => "sms.expect.vendor_slot",
        (Sender::Vendor(_), Status::Scheduled) => "sms.expect.vendor_scheduled",
        (Sender::Vendor(_), Status::InProgress) => "sms.expect.vendor_on_site",
        (Sender::Vendor(_), Status::Completed) => "sms.expect.vendor_invoice",
        (Sender::Tenant, _) if wo.safety_question_pending().is_some_and(|c| c.is_open()) => {
            "sms.expect.tenant_safety"
        }
        (Sender::Tenant, _) if wo.proposal.is_some() => "sms.expect.tenant_proposal",
        (Sender::Tenant, Status::Completed) => "sms.expect.tenant_rating",
        // Not CANCEL: carriers read it alone as an opt-out from every text.
        (Sender::Tenant, _) => "sms.expect.tenant_other",
        _ => return "",
    };
    let lang = match sender {
        Sender::Vendor(_) => Language::En,
        Sender::Tenant => lang,
    };
    crate::catalogue::text(key, lang).unwrap_or_default()
}
