//! The timeline in words: [`describe`] for the tenant (plain words, internal bookkeeping hidden)
//! and [`describe_pm`] for the property team (everything, messages with their text).

use super::when;
use chrono_tz::Tz;
use maud::{Markup, html};
use mendwork_app::steps::recipient_label;
use mendwork_domain::decide::Recorded;
use mendwork_domain::{
    Actor, Channel, Event, Portfolio, Recipient, TimerKind, VendorId, VisitChange,
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

/// What a tenant reads about an event, or `None` for what is not theirs to see (timers, other
/// people's messages, vendors declining, money).
pub fn describe(event: &Event, portfolio: &Portfolio, tz: Tz) -> Option<String> {
    Some(match event {
        Event::Submitted { code, .. } => format!("We received your request (job {code})."),
        Event::Triaged { triage, .. } => format!(
            "We reviewed your request: {} repair, {} priority.",
            triage.trade.label().to_lowercase(),
            triage.priority.as_str()
        ),
        Event::OfferHeld { until } => format!(
            "We'll contact a vendor at {} (we don't text vendors at night for non-emergencies).",
            super::at(tz, *until)
        ),
        Event::Offered { .. } => "We asked a vendor to take the job.".into(),
        Event::NeedsAttention { .. } => "Our team is looking into your request personally.".into(),
        Event::Accepted { vendor } | Event::Assigned { vendor, .. } => {
            format!("{} will do the repair.", vendor_name(portfolio, vendor))
        }
        Event::Unassigned { .. } => "The vendor was changed.".into(),
        Event::SlotsOffered { .. } => "The vendor is choosing one of your available times.".into(),
        Event::TimeProposed { window } => format!(
            "The vendor proposed {}: please confirm or decline below.",
            when(tz, window)
        ),
        Event::ProposalDeclined { window } => {
            format!("The time {} was declined.", when(tz, window))
        }
        Event::Scheduled { window, .. } => format!("Appointment set: {}.", when(tz, window)),
        Event::Unscheduled { .. } => {
            "The appointment was called off; a new time will be arranged.".into()
        }
        Event::AvailabilityAdded { windows } => match windows.len() {
            1 => "You added a time when you're available.".into(),
            n => format!("You added {n} times when you're available."),
        },
        Event::Arrived { .. } => "The vendor arrived.".into(),
        Event::RunningLate { minutes } => match minutes {
            Some(m) => format!("The vendor is running about {m} minutes late."),
            None => "The vendor is running late.".into(),
        },
        Event::Completed { .. } => "The repair is done.".into(),
        Event::NotDone { .. } => {
            "The vendor could not finish the repair; a return visit will be arranged.".into()
        }
        Event::ApprovalRequested { .. } => "The repair needs the owner's approval.".into(),
        Event::Approved { .. } => "The repair was approved.".into(),
        Event::ApprovalDeclined { .. } => {
            "The repair was not approved as quoted; our team will be in touch.".into()
        }
        Event::FeedbackRequested => "We'd love to hear how it went: see below.".into(),
        Event::FeedbackReceived { .. } => "Thank you for your feedback.".into(),
        Event::Closed { .. } => "Your request is closed.".into(),
        Event::Cancelled { by, .. } => match by {
            Actor::Tenant => "You cancelled this request.".into(),
            _ => "This request was cancelled by the property team.".into(),
        },
        Event::MessageSent {
            to: Recipient::Tenant,
            channel: c,
            ..
        } => {
            if *c == Channel::Email {
                "We sent you an email.".into()
            } else {
                "We sent you a text message.".into()
            }
        }
        Event::SafetyQuestionAsked { .. } => {
            "We asked you a safety question, by text and on this page.".into()
        }
        Event::SafetyQuestionAnswered { yes: true, .. } => {
            "The answer to the safety question was YES: we are treating this as an emergency."
                .into()
        }
        Event::SafetyQuestionAnswered { yes: false, .. } => {
            "The answer to the safety question was NO: it stays a regular repair.".into()
        }
        Event::SafetyQuestionExpired { .. } => {
            "The safety question got no answer in time, so it stays a regular repair. If anyone is in danger, answer YES or call 911."
                .into()
        }
        Event::Declined { .. }
        | Event::OfferLapsed { .. }
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

/// What a tenant reads about an event in Spanish; the same entries as [`describe`].
pub fn describe_es(event: &Event, portfolio: &Portfolio, tz: Tz) -> Option<String> {
    use crate::i18n::{Lang, at, when};
    let es = Lang::Es;
    Some(match event {
        Event::Submitted { code, .. } => format!("Recibimos su solicitud (n.º {code})."),
        Event::Triaged { triage, .. } => format!(
            "Revisamos su solicitud: reparación de {}, prioridad {}.",
            trade_es(triage.trade),
            match triage.priority {
                mendwork_domain::Priority::Emergency => "de emergencia",
                mendwork_domain::Priority::Urgent => "urgente",
                mendwork_domain::Priority::Routine => "normal",
            }
        ),
        Event::OfferHeld { until } => format!(
            "Contactaremos a un técnico a las {} (de noche no enviamos mensajes por asuntos que no son emergencias).",
            at(es, tz, *until)
        ),
        Event::Offered { .. } => "Pedimos a un técnico que acepte el trabajo.".into(),
        Event::NeedsAttention { .. } => {
            "Nuestro equipo está atendiendo su solicitud personalmente.".into()
        }
        Event::Accepted { vendor } | Event::Assigned { vendor, .. } => {
            format!("{} hará la reparación.", vendor_name(portfolio, vendor))
        }
        Event::Unassigned { .. } => "Se cambió el técnico.".into(),
        Event::SlotsOffered { .. } => {
            "El técnico está eligiendo uno de sus horarios disponibles.".into()
        }
        Event::TimeProposed { window } => format!(
            "El técnico propuso {}: confirme o rechace abajo.",
            when(es, tz, window)
        ),
        Event::ProposalDeclined { window } => {
            format!("Se rechazó el horario {}.", when(es, tz, window))
        }
        Event::Scheduled { window, .. } => format!("Cita programada: {}.", when(es, tz, window)),
        Event::Unscheduled { .. } => "Se canceló la cita; se acordará un nuevo horario.".into(),
        Event::AvailabilityAdded { windows } => match windows.len() {
            1 => "Agregó un horario en que está disponible.".into(),
            n => format!("Agregó {n} horarios en que está disponible."),
        },
        Event::Arrived { .. } => "El técnico llegó.".into(),
        Event::RunningLate { minutes } => match minutes {
            Some(m) => format!("El técnico llegará unos {m} minutos tarde."),
            None => "El técnico llegará tarde.".into(),
        },
        Event::Completed { .. } => "La reparación está hecha.".into(),
        Event::NotDone { .. } => {
            "El técnico no pudo terminar la reparación; se acordará otra visita.".into()
        }
        Event::ApprovalRequested { .. } => {
            "La reparación necesita la aprobación del propietario.".into()
        }
        Event::Approved { .. } => "La reparación fue aprobada.".into(),
        Event::ApprovalDeclined { .. } => {
            "La reparación no se aprobó tal como se cotizó; nuestro equipo se comunicará con usted."
                .into()
        }
        Event::FeedbackRequested => "Nos gustaría saber cómo le fue: vea abajo.".into(),
        Event::FeedbackReceived { .. } => "Gracias por su opinión.".into(),
        Event::Closed { .. } => "Su solicitud está cerrada.".into(),
        Event::Cancelled { by, .. } => match by {
            Actor::Tenant => "Usted canceló esta solicitud.".into(),
            _ => "El equipo de mantenimiento canceló esta solicitud.".into(),
        },
        Event::MessageSent {
            to: Recipient::Tenant,
            channel: c,
            ..
        } => if *c == Channel::Email {
            "Le enviamos un correo electrónico."
        } else {
            "Le enviamos un mensaje de texto."
        }
        .into(),
        Event::SafetyQuestionAsked { .. } => {
            "Le hicimos una pregunta de seguridad, por mensaje de texto y en esta página.".into()
        }
        Event::SafetyQuestionAnswered { yes: true, .. } => {
            "La respuesta a la pregunta de seguridad fue SÍ: lo tratamos como una emergencia."
                .into()
        }
        Event::SafetyQuestionAnswered { yes: false, .. } => {
            "La respuesta a la pregunta de seguridad fue NO: sigue como una reparación normal."
                .into()
        }
        Event::SafetyQuestionExpired { .. } => {
            "La pregunta de seguridad no tuvo respuesta a tiempo, así que sigue como una reparación normal. Si alguien corre peligro, responda SÍ o llame al 911."
                .into()
        }
        // The rest is not the tenant's to see (as in `describe`).
        _ => return None,
    })
}

/// A trade in Spanish, lowercase.
pub fn trade_es(t: mendwork_domain::Trade) -> &'static str {
    use mendwork_domain::Trade;
    match t {
        Trade::Plumbing => "plomería",
        Trade::Electrical => "electricidad",
        Trade::Hvac => "calefacción y aire acondicionado",
        Trade::Appliance => "electrodomésticos",
        Trade::Locksmith => "cerrajería",
        Trade::Pest => "control de plagas",
        Trade::Roofing => "techos",
        Trade::General => "mantenimiento general",
    }
}

/// The tenant's timeline, oldest first, internal entries left out, in their language.
pub fn tenant_timeline(
    lang: crate::i18n::Lang,
    events: &[Recorded],
    portfolio: &Portfolio,
    tz: Tz,
) -> Markup {
    let text = |e: &Event| match lang {
        crate::i18n::Lang::En => describe(e, portfolio, tz),
        crate::i18n::Lang::Es => describe_es(e, portfolio, tz),
    };
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
            "Work order " (code) " created (" (format!("{:?}", request.source).to_lowercase()) ")."
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
        Event::OfferWithdrawn { vendor } => html! { "The offer to " (v(vendor)) " was withdrawn." },
        Event::OfferWithdrawnForEmergency { vendor } => html! {
            "The offer to " (v(vendor)) " was withdrawn: the job became an emergency."
        },
        Event::SafetyQuestionAsked { question } => html! {
            "Safety question asked of the tenant (" (question.label()) "): YES makes it an emergency ("
            (question.emergency_if_yes().label()) ")."
        },
        Event::SafetyQuestionAnswered { question, yes, by } => html! {
            "Safety question (" (question.label()) ") answered "
            @if *yes { strong { "YES" } } @else { "NO" }
            " by " (actor(portfolio, by))
            @if *yes { ": now an emergency." } @else { ": the routine path stands." }
        },
        Event::SafetyQuestionExpired { question } => html! {
            "Safety question (" (question.label()) ") unanswered in time: the routine path stands."
        },
        Event::NeedsAttention { reason } => html! { strong { "Needs attention: " } (reason) },
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
        Event::Unscheduled { reason } => html! { "Unscheduled: " (reason) "." },
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
