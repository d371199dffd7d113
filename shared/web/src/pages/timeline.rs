//! The timeline in words: [`describe_in`] for the tenant (plain words from the catalogue,
//! internal bookkeeping hidden) and [`describe_pm`] for the property team (everything, messages
//! with their text; English).

use super::when;
use crate::i18n::Lang;
use chrono_tz::Tz;
use maud::{Markup, html};
use mendwork_app::steps::recipient_label;
use mendwork_domain::catalogue;
use mendwork_domain::decide::Recorded;
use mendwork_domain::{
    Actor, Channel, Event, Language, Portfolio, Priority, Recipient, TimerKind, Trade, VendorId,
    VisitChange,
};

fn vendor_name(portfolio: &Portfolio, id: &VendorId) -> String {
    portfolio
        .vendor(id)
        .map_or_else(|| id.to_string(), |v| v.name.clone())
}

fn actor(portfolio: &Portfolio, a: &Actor) -> String {
    match a {
        Actor::Vendor(v) => vendor_name(portfolio, v),
        Actor::Pm(_) => "the property team".into(),
        Actor::Owner => "the owner".into(),
        Actor::Tenant => "the tenant".into(),
        Actor::Desk => "the front desk".into(),
        Actor::System => "Mendwork".into(),
        Actor::Integration(name) => format!("integration {name}"),
        Actor::Pms(system) => format!("the team's PMS ({system})"),
    }
}

fn recipient(portfolio: &Portfolio, r: &Recipient) -> String {
    match r {
        Recipient::Vendor(v) => vendor_name(portfolio, v),
        other => recipient_label(other),
    }
}

fn channel(c: Channel) -> &'static str {
    match c {
        Channel::Sms => "text",
        Channel::Email => "email",
    }
}

fn timer(kind: TimerKind) -> &'static str {
    match kind {
        TimerKind::QuietHoursEnd => "end of quiet hours",
        TimerKind::AcceptTimeout => "offer expiry",
        TimerKind::ScheduleNudge => "scheduling nudge",
        TimerKind::ProposalTimeout => "proposed-time expiry",
        TimerKind::ReminderDayBefore => "day-before reminder",
        TimerKind::ReminderMorning => "morning reminder",
        TimerKind::OutcomeAsk => "\"done?\" question",
        TimerKind::ApprovalReminder => "approval reminder",
        TimerKind::InvoiceFollowUp => "invoice follow-up",
        TimerKind::CloseAfterInvoice => "close after invoice",
        TimerKind::SafetyQuestion => "safety question expiry",
        TimerKind::SlotsUpdate => "new slots text",
    }
}

/// What a tenant reads about an event, in English; see [`describe_in`].
pub fn describe(event: &Event, portfolio: &Portfolio, tz: Tz) -> Option<String> {
    describe_in(Lang::En, event, portfolio, tz)
}

/// What a tenant reads about an event in `lang`, from the catalogue (`timeline.*`), or `None`
/// for what is not theirs to see (timers, other people's messages, vendors declining, money).
pub fn describe_in(lang: Lang, event: &Event, portfolio: &Portfolio, tz: Tz) -> Option<String> {
    let (key, vars) = tenant_entry(lang, event, portfolio, tz)?;
    Some(catalogue::render(key, lang.into(), &vars))
}

/// The catalogue key of a tenant's timeline entry and the values it needs, said in `lang`.
fn tenant_entry(
    lang: Lang,
    event: &Event,
    portfolio: &Portfolio,
    tz: Tz,
) -> Option<(&'static str, Vec<(&'static str, String)>)> {
    let word = |key: &'static str| lang.w(key).to_string();
    let when = |w| crate::i18n::when(lang, tz, w);
    let none = Vec::new;
    Some(match event {
        Event::Submitted { code, .. } => ("timeline.submitted", vec![("code", code.to_string())]),
        Event::Triaged { triage, .. } => (
            "timeline.triaged",
            vec![
                ("trade", word(trade_key(triage.trade))),
                ("priority", word(priority_key(triage.priority))),
            ],
        ),
        Event::OfferHeld { until } => (
            "timeline.offer_held",
            vec![("at", crate::i18n::at(lang, tz, *until))],
        ),
        Event::Offered { .. } => ("timeline.offered", none()),
        Event::NeedsAttention { .. } => ("timeline.needs_attention", none()),
        Event::Accepted { vendor } | Event::Assigned { vendor, .. } => (
            "timeline.assigned",
            vec![("vendor", vendor_name(portfolio, vendor))],
        ),
        Event::Unassigned { .. } => ("timeline.unassigned", none()),
        Event::SlotsOffered { .. } => ("timeline.slots_offered", none()),
        Event::TimeProposed { window } => ("timeline.time_proposed", vec![("when", when(window))]),
        Event::ProposalDeclined { window } => {
            ("timeline.proposal_declined", vec![("when", when(window))])
        }
        Event::Scheduled { window, .. } => ("timeline.scheduled", vec![("when", when(window))]),
        Event::Unscheduled { .. } => ("timeline.unscheduled", none()),
        Event::AvailabilityAdded { windows } => match windows.len() {
            1 => ("timeline.availability_added_one", none()),
            n => ("timeline.availability_added", vec![("n", n.to_string())]),
        },
        Event::Arrived { .. } => ("timeline.arrived", none()),
        Event::RunningLate { minutes } => match minutes {
            Some(m) => (
                "timeline.running_late_minutes",
                vec![("minutes", m.to_string())],
            ),
            None => ("timeline.running_late", none()),
        },
        Event::Completed { .. } => ("timeline.completed", none()),
        Event::NotDone { .. } => ("timeline.not_done", none()),
        Event::ApprovalRequested { .. } => ("timeline.approval_requested", none()),
        Event::Approved { .. } => ("timeline.approved", none()),
        Event::ApprovalDeclined { .. } => ("timeline.approval_declined", none()),
        Event::FeedbackRequested => ("timeline.feedback_requested", none()),
        Event::FeedbackReceived { .. } => ("timeline.feedback_received", none()),
        Event::Closed { .. } => ("timeline.closed", none()),
        Event::Cancelled { by, .. } => match by {
            Actor::Tenant => ("timeline.cancelled_by_tenant", none()),
            _ => ("timeline.cancelled", none()),
        },
        Event::MessageSent {
            to: Recipient::Tenant,
            channel: c,
            ..
        } => match c {
            Channel::Email => ("timeline.emailed", none()),
            Channel::Sms => ("timeline.texted", none()),
        },
        Event::SafetyQuestionAsked { .. } => ("timeline.question_asked", none()),
        Event::SafetyQuestionAnswered { yes: true, .. } => ("timeline.question_yes", none()),
        Event::SafetyQuestionAnswered { yes: false, .. } => ("timeline.question_no", none()),
        Event::SafetyQuestionExpired { .. } => ("timeline.question_expired", none()),
        Event::DangerReported { .. } => ("timeline.danger_reported", none()),
        Event::Declined { .. }
        | Event::OfferLapsed { .. }
        | Event::VendorSkipped { .. }
        | Event::OfferWithdrawn { .. }
        | Event::OfferWithdrawnForEmergency { .. }
        | Event::InstructionsAdded { .. }
        | Event::ScheduleNudged { .. }
        | Event::Reminded { .. }
        | Event::Visit { .. }
        | Event::OutcomeAsked { .. }
        | Event::EstimateReceived { .. }
        | Event::ApprovalReminded { .. }
        | Event::ApprovalEscalated
        | Event::InvoiceRequested { .. }
        | Event::InvoiceEscalated
        | Event::InvoiceReceived { .. }
        | Event::TimerSet { .. }
        | Event::TimerCancelled { .. }
        | Event::TimerElapsed { .. }
        | Event::MessageReceived { .. }
        | Event::MessageSent { .. }
        | Event::MessageUndelivered { .. }
        | Event::MessageResent { .. } => return None,
    })
}

/// The catalogue key of a trade as a tenant reads it, lowercase (`trade.<trade>`).
pub fn trade_key(t: Trade) -> &'static str {
    match t {
        Trade::Plumbing => "trade.plumbing",
        Trade::Electrical => "trade.electrical",
        Trade::Hvac => "trade.hvac",
        Trade::Appliance => "trade.appliance",
        Trade::Locksmith => "trade.locksmith",
        Trade::Pest => "trade.pest",
        Trade::Roofing => "trade.roofing",
        Trade::General => "trade.general",
    }
}

/// The catalogue key of a priority as people read it (`priority.<priority>`).
pub fn priority_key(p: Priority) -> &'static str {
    match p {
        Priority::Emergency => "priority.emergency",
        Priority::Urgent => "priority.urgent",
        Priority::Routine => "priority.routine",
    }
}

/// The tenant's timeline, oldest first, internal entries left out, in their language.
pub fn tenant_timeline(
    lang: crate::i18n::Lang,
    events: &[Recorded],
    portfolio: &Portfolio,
    tz: Tz,
) -> Markup {
    let text = |e: &Event| describe_in(lang, e, portfolio, tz);
    html! {
        ol.timeline {
            @for r in events {
                @if let Some(t) = text(&r.event) {
                    li { time datetime=(r.at.to_rfc3339()) { (crate::i18n::at(lang, tz, r.at)) } (t) }
                }
            }
        }
    }
}

/// What the property team reads about an event: everything.
pub fn describe_pm(event: &Event, portfolio: &Portfolio, tz: Tz) -> Markup {
    let v = |id: &VendorId| vendor_name(portfolio, id);
    match event {
        Event::Submitted { code, request, .. } => html! {
            "Work order " (code) " created (" (request.source) ")."
        },
        Event::Triaged {
            triage,
            emergency_alert,
            suggested_vendors,
            policies,
        } => html! {
            "Triaged: " (triage.trade.label()) ", " (triage.priority.as_str()) " priority"
            @if let Some(k) = triage.emergency { " (" (k.label()) ")" }
            @if *emergency_alert { " — emergency alert sent" } ". "
            (triage.diagnosis)
            ul {
                @if !triage.drivers.is_empty() { li { "Why: " (triage.drivers.join("; ")) } }
                @if !suggested_vendors.is_empty() {
                    li { "Suggested vendors: " (suggested_vendors.iter().map(&v).collect::<Vec<_>>().join(", ")) }
                }
                @for p in policies { li { "Policy: " (p) } }
                @if let Some(s) = &triage.safety_instructions { li { "Safety instructions: " (s) } }
                @for t in &triage.tips { li { "Tip: " (t) } }
            }
        },
        Event::OfferHeld { until } => {
            html! { "Offer held for quiet hours until " (super::at(tz, *until)) "." }
        }
        Event::Offered { vendor, expires_at } => html! {
            "Offered to " (v(vendor)) "; expires " (super::at(tz, *expires_at)) "."
        },
        Event::Declined { vendor, reason } => html! {
            (v(vendor)) " declined" @if let Some(r) = reason { ": " (r) } "."
        },
        Event::OfferLapsed { vendor } => html! { "The offer to " (v(vendor)) " lapsed." },
        Event::VendorSkipped { vendor, reason } => html! {
            "Not offered to " (v(vendor)) ": " (reason.describe()) "."
        },
        Event::OfferWithdrawn { vendor } => html! { "The offer to " (v(vendor)) " was withdrawn." },
        Event::OfferWithdrawnForEmergency { vendor } => html! {
            "The offer to " (v(vendor)) " was withdrawn: the job became an emergency."
        },
        Event::SafetyQuestionAsked { question } => html! {
            "Safety question asked of the tenant (" (question.label()) "): YES makes it an emergency ("
            (question.emergency_if_yes().label()) ")."
        },
        Event::SafetyQuestionAnswered {
            question, yes, by, ..
        } => html! {
            "Safety question (" (question.label()) ") answered "
            @if *yes { strong { "YES" } } @else { "NO" }
            " by " (actor(portfolio, by))
            @if *yes { ": now an emergency." } @else { ": the routine path stands." }
        },
        Event::SafetyQuestionExpired { question } => html! {
            "Safety question (" (question.label()) ") unanswered in time: the routine path stands."
        },
        Event::DangerReported { by, .. } => html! {
            strong { "Danger reported" } " by " (actor(portfolio, by)) "."
        },
        Event::NeedsAttention { cause } => html! {
            strong { "Needs attention: " } (cause.describe(portfolio, tz, Language::En))
        },
        Event::Accepted { vendor } => html! { (v(vendor)) " accepted." },
        Event::Assigned { vendor, by } => {
            html! { "Assigned to " (v(vendor)) " by " (actor(portfolio, by)) "." }
        }
        Event::Unassigned { vendor } => html! { (v(vendor)) " was unassigned." },
        Event::InstructionsAdded { text, by } => html! {
            "Instructions from " (actor(portfolio, by)) ": " (text)
        },
        Event::SlotsOffered { slots } => html! {
            "Slots offered to the vendor: "
            (slots.iter().enumerate().map(|(i, w)| format!("{}. {}", i + 1, when(tz, w))).collect::<Vec<_>>().join("; "))
        },
        Event::ScheduleNudged { vendor, n } => {
            html! { (v(vendor)) " nudged to pick a time (" (n) ")." }
        }
        Event::TimeProposed { window } => html! { "Vendor proposed " (when(tz, window)) "." },
        Event::ProposalDeclined { window } => html! { "Tenant declined " (when(tz, window)) "." },
        Event::Scheduled { window, by } => html! {
            "Scheduled for " (when(tz, window)) " by " (actor(portfolio, by)) "."
        },
        Event::Unscheduled { reason } => html! {
            "Unscheduled: " (reason.describe(portfolio, tz, Language::En)) "."
        },
        Event::AvailabilityAdded { windows } => html! {
            "Tenant availability added: "
            (windows.iter().map(|w| when(tz, w)).collect::<Vec<_>>().join("; "))
        },
        Event::Reminded { which } => html! { "Reminder sent (" (timer(*which)) ")." },
        Event::Visit { change, visit } => html! {
            "Visit " (visit.id) " "
            (match change {
                VisitChange::Created => "created",
                VisitChange::Moved => "moved",
                VisitChange::CheckedIn => "checked in",
                VisitChange::CheckedOut => "checked out",
                VisitChange::Cancelled => "cancelled",
                VisitChange::Linked => "linked",
            })
            @if let Some(w) = &visit.expected { " (expected " (when(tz, w)) ")" } "."
        },
        Event::Arrived { by } => {
            html! { "Vendor arrived (recorded by " (actor(portfolio, by)) ")." }
        }
        Event::RunningLate { minutes } => html! {
            "Vendor running late" @if let Some(m) = minutes { " (" (m) " min)" } "."
        },
        Event::OutcomeAsked { n } => html! { "Vendor asked whether the job is done (" (n) ")." },
        Event::Completed { notes, photos } => html! {
            "Completed" @if let Some(n) = notes { ": " (n) }
            @match photos.len() { 0 => {}, 1 => { " (1 photo)" }, n => { " (" (n) " photos)" } } "."
        },
        Event::NotDone { reason } => html! {
            "Not done" @if let Some(r) = reason { ": " (r) } "."
        },
        Event::EstimateReceived { estimate } => html! {
            "Estimate from " (v(&estimate.vendor)) ": " (estimate.amount.to_string())
            " (limit " (estimate.limit.to_string()) ")"
            @if let Some(n) = &estimate.note { " — " (n) } "."
        },
        Event::ApprovalRequested { round } => {
            html! { "Owner approval requested (round " (round) ")." }
        }
        Event::ApprovalReminded { n } => html! { "Owner reminded about the approval (" (n) ")." },
        Event::ApprovalEscalated => {
            html! { strong { "Approval escalated: " } "the owner has not answered." }
        }
        Event::Approved { by } => html! { "Approved by " (actor(portfolio, by)) "." },
        Event::ApprovalDeclined { by } => html! { "Declined by " (actor(portfolio, by)) "." },
        Event::InvoiceRequested { n } => html! { "Invoice requested (" (n) ")." },
        Event::InvoiceEscalated => {
            html! { strong { "Invoice overdue: " } "the vendor has not sent it." }
        }
        Event::InvoiceReceived { invoice } => html! {
            "Invoice received: " (invoice.amount.to_string())
            @if let Some(r) = &invoice.reference { " (ref " (r) ")" }
            @if invoice.file.is_some() { ", with the invoice document" } "."
        },
        Event::FeedbackRequested => html! { "Tenant feedback requested." },
        Event::FeedbackReceived { feedback } => html! {
            "Tenant feedback: " (feedback.rating) "/5"
            @if let Some(c) = &feedback.comment { " — " (c) } "."
        },
        Event::Closed { by } => html! { "Closed by " (actor(portfolio, by)) "." },
        Event::Cancelled { by, reason } => html! {
            "Cancelled by " (actor(portfolio, by)) @if let Some(r) = reason { ": " (r) } "."
        },
        Event::TimerSet {
            timer: k,
            generation,
            at,
        } => html! {
            "Timer set: " (timer(*k)) " #" (generation) " for " (super::at(tz, *at)) "."
        },
        Event::TimerCancelled {
            timer: k,
            generation,
        } => html! {
            "Timer cancelled: " (timer(*k)) " #" (generation) "."
        },
        Event::TimerElapsed {
            timer: k,
            generation,
        } => html! {
            "Timer fired: " (timer(*k)) " #" (generation) "."
        },
        Event::MessageReceived {
            from,
            channel: c,
            address,
            body,
        } => html! {
            "Message in (" (channel(*c)) ") from " (recipient(portfolio, from)) " <" (address) ">:"
            pre { (body) }
        },
        Event::MessageSent {
            to,
            channel: c,
            address,
            subject,
            body,
            key,
        } => html! {
            "Message out (" (channel(*c)) ") to " (recipient(portfolio, to)) " <" (address) ">"
            " " span.hint { "[" (key) "]" }
            @if let Some(s) = subject { br; strong { (s) } }
            pre { (body) }
        },
        Event::MessageResent { message } => html! {
            "The property team sent a message again (" (channel(message.channel)) ") to "
            (recipient(portfolio, &message.to)) " <" (message.address) ">"
            " " span.hint { "[" (message.key) "]" }
        },
        Event::MessageUndelivered {
            to,
            channel: c,
            address,
            key,
            reason,
        } => html! {
            strong.undelivered { "Not delivered" } " (" (channel(*c)) ") to " (recipient(portfolio, to)) " <" (address) ">"
            " " span.hint { "[" (key) "]" } ": " (reason)
        },
    }
}

/// The full timeline for the property team, oldest first.
pub fn pm_timeline(events: &[Recorded], portfolio: &Portfolio, tz: Tz) -> Markup {
    html! {
        ol.timeline {
            @for r in events {
                li { (super::time_el(tz, r.at)) (describe_pm(&r.event, portfolio, tz)) }
            }
        }
    }
}
