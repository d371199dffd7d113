//! What each event does in the world: the messages to tenant, vendor, owner and PM, and the
//! timers to set or cancel. Pure: links come from a [`Links`] the caller provides.

use crate::decide::Context;
use crate::disclosure::unconfirmed_contact;
use crate::localtime::{format_deadline, format_instant, format_window, format_window_in};
use crate::messages::render_in;
use crate::triage::{safety_instructions_in, tips_in};
use crate::types::{EmergencyKind, Language};
use crate::workorder::*;

mod out;

pub use out::Links;
pub(crate) use out::Out;

/// The iCalendar invite for the appointment (RFC 5545), with a stable UID per work order so
/// that a moved appointment updates the same calendar entry.
pub fn appointment_ics(wo: &WorkOrder, ctx: &Context, vendor_name: &str) -> Option<String> {
    use icalendar::{Calendar, Component, Event as IcsEvent, EventLike};
    let w = wo.appointment?;
    let p = ctx.property;
    let say = |key: &str, vars: &[(&str, String)]| {
        render_in(ctx.portfolio, key, wo.request.language, vars)
    };
    let event = IcsEvent::new()
        .uid(&format!("{}@mendwork", wo.id))
        .summary(&say(
            "calendar.summary",
            &[
                ("code", wo.code.to_string()),
                ("vendor", vendor_name.to_string()),
            ],
        ))
        .description(&wo.request.description)
        .location(&say(
            "calendar.location",
            &[
                ("address", p.address.clone()),
                ("unit", wo.request.unit.clone()),
            ],
        ))
        .starts(w.start)
        .ends(w.end)
        .timestamp(ctx.now)
        .done();
    let mut cal = Calendar::new();
    cal.push(event);
    Some(cal.done().to_string())
}

/// The placeholders of an approval request: amount, limit, the vendor's note, the owner's link.
pub(crate) fn approval_vars(
    wo: &WorkOrder,
    links: &dyn Links,
) -> Option<[(&'static str, String); 4]> {
    let e = wo.estimate.as_ref()?;
    Some([
        ("amount", e.amount.to_string()),
        ("limit", e.limit.to_string()),
        ("note", e.note.clone().unwrap_or_else(|| "none".into())),
        ("link", links.owner_approval(wo)),
    ])
}

/// The effects of one event, given the work order before and after it. Deterministic: the
/// same inputs give the same effects in the same order (outbox ids depend on it).
pub fn effects(
    before: &WorkOrder,
    wo: &WorkOrder,
    event: &Event,
    ctx: &Context,
    links: &dyn Links,
) -> Vec<Effect> {
    let mut o = Out {
        wo,
        ctx,
        links,
        effects: vec![],
    };
    let tz = ctx.property.timezone;
    match event {
        Event::Submitted { .. } => {
            let link = links.tenant_status(wo);
            o.tenant_sms("tenant.confirmation.sms", &[("link", link.clone())]);
            // An unconfirmed address gets none of the submitter's words (see `disclosure`).
            let plain = unconfirmed_contact(wo);
            o.tenant_email(
                if plain {
                    "tenant.confirmation.plain.email"
                } else {
                    "tenant.confirmation.email"
                },
                "tenant.confirmation.subject",
                &[("link", link)],
                None,
            );
            o.effects.push(Effect::Run {
                command: Command::Triage,
            });
        }
        Event::Triaged {
            triage,
            emergency_alert,
            ..
        } => {
            if triage.emergency.is_none() && !triage.tips.is_empty() {
                let lang = o.lang();
                let tips: String = tips_in(triage, lang)
                    .iter()
                    .map(|t| format!("- {t}\n"))
                    .collect();
                let extra = [("tips", tips), ("link", links.tenant_status(wo))];
                let key = if unconfirmed_contact(wo) {
                    "tenant.tips.plain.email"
                } else {
                    "tenant.tips.email"
                };
                o.tenant_email(key, "tenant.tips.subject", &extra, None);
            }
            emergency_messages(&mut o, triage.emergency, *emergency_alert);
        }
        // The team reads it on the timeline; the vendor passed over is not told.
        Event::OfferHeld { .. } | Event::VendorSkipped { .. } => {}
        Event::Offered { vendor, expires_at } => {
            let extra = [
                ("expires", format_deadline(tz, *expires_at, ctx.now)),
                ("expires_long", format_instant(tz, *expires_at)),
                ("link", links.vendor_job(wo, vendor)),
            ];
            o.vendor_sms(vendor, "vendor.offer.sms", &extra);
            o.vendor_email(vendor, "vendor.offer.email", "vendor.offer.subject", &extra);
        }
        Event::Declined { vendor, .. } => o.vendor_sms(vendor, "vendor.declined_ack.sms", &[]),
        Event::OfferLapsed { vendor } => o.vendor_sms(vendor, "vendor.lapsed.sms", &[]),
        Event::OfferWithdrawn { vendor } => o.vendor_sms(vendor, "vendor.withdrawn.sms", &[]),
        Event::Unassigned { vendor } => o.vendor_sms(vendor, "vendor.unassigned.sms", &[]),
        // The first report of danger flags the work order with its own alert (`pm.danger.*`):
        // the generic notice would tell the team the same thing twice.
        Event::NeedsAttention { cause } if !cause.emails_the_team() => {}
        Event::NeedsAttention { cause } => {
            let reason = cause.describe(ctx.portfolio, tz, Language::En);
            o.pm_email(
                "pm.attention.email",
                "pm.attention.subject",
                &[("reason", reason)],
            );
        }
        Event::Accepted { .. } | Event::Assigned { .. } => {
            o.tenant_sms("tenant.assigned.sms", &[]);
        }
        Event::SlotsOffered { slots } => {
            if let Some(v) = wo.vendor.clone() {
                let key = if slots.is_empty() {
                    "vendor.noslots.sms"
                } else {
                    "vendor.slots.sms"
                };
                o.vendor_sms(&v, key, &[]);
            }
        }
        Event::ScheduleNudged { vendor, .. } => o.vendor_sms(vendor, "vendor.nudge.sms", &[]),
        Event::InstructionsAdded { text, .. } => {
            if let Some(v) = wo.vendor.clone() {
                o.vendor_sms(&v, "vendor.instructions.sms", &[("text", text.clone())]);
            }
        }
        Event::TimeProposed { window } => {
            let extra = [
                ("when", format_window_in(tz, window, o.lang())),
                ("link", links.tenant_status(wo)),
            ];
            o.tenant_sms("tenant.proposal.sms", &extra);
            o.tenant_email(
                "tenant.proposal.email",
                "tenant.proposal.subject",
                &extra,
                None,
            );
        }
        Event::ProposalDeclined { window } => {
            if let Some(v) = wo.vendor.clone() {
                o.vendor_sms(
                    &v,
                    "vendor.proposal_declined.sms",
                    &[("when", format_window(tz, window))],
                );
            }
        }
        Event::Scheduled { .. } => {
            let vendor_name = o
                .vars()
                .iter()
                .find(|(k, _)| *k == "vendor")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let ics = appointment_ics(wo, ctx, &vendor_name);
            let link = links.tenant_status(wo);
            o.tenant_sms("tenant.scheduled.sms", &[]);
            o.tenant_email(
                "tenant.scheduled.email",
                "tenant.scheduled.subject",
                &[("link", link)],
                ics,
            );
            if let Some(v) = wo.vendor.clone() {
                o.vendor_sms(&v, "vendor.scheduled.sms", &[]);
            }
        }
        Event::Unscheduled { reason } => {
            if let Some(w) = before.appointment {
                let lang = o.lang();
                let tenant = [
                    ("when", format_window_in(tz, &w, lang)),
                    ("reason", reason.describe(o.portfolio(), tz, lang)),
                ];
                o.tenant_sms("tenant.unscheduled.sms", &tenant);
                let extra = [
                    ("when", format_window(tz, &w)),
                    ("reason", reason.describe(o.portfolio(), tz, Language::En)),
                ];
                if let Some(v) = before.vendor.clone() {
                    o.vendor_sms(&v, "vendor.unscheduled.sms", &extra);
                }
            }
        }
        Event::AvailabilityAdded { .. } => {}
        Event::Reminded { which } => {
            let link = links.tenant_status(wo);
            match which {
                TimerKind::ReminderDayBefore => {
                    o.tenant_email(
                        "tenant.reminder_eve.email",
                        "tenant.reminder_eve.subject",
                        &[("link", link)],
                        None,
                    );
                    if let Some(v) = wo.vendor.clone() {
                        o.vendor_email(
                            &v,
                            "vendor.reminder_eve.email",
                            "vendor.reminder_eve.subject",
                            &[],
                        );
                    }
                }
                _ => {
                    o.tenant_sms("tenant.reminder_morning.sms", &[]);
                    if let Some(v) = wo.vendor.clone() {
                        o.vendor_sms(&v, "vendor.reminder_morning.sms", &[]);
                    }
                }
            }
        }
        Event::Visit { .. } => {}
        Event::Arrived { by } => {
            if let Actor::Vendor(v) = by {
                o.vendor_sms(v, "vendor.arrived_ack.sms", &[]);
            }
        }
        Event::RunningLate { minutes } => {
            let m = minutes
                .map(|m| {
                    let vars = [("minutes", m.to_string())];
                    render_in(o.portfolio(), "fill.late_minutes", o.lang(), &vars)
                })
                .unwrap_or_default();
            o.tenant_sms("tenant.late.sms", &[("minutes", m)]);
            if let Some(v) = wo.vendor.clone() {
                o.vendor_sms(&v, "vendor.late_ack.sms", &[]);
            }
        }
        Event::OutcomeAsked { .. } => {
            if let Some(v) = wo.vendor.clone() {
                o.vendor_sms(&v, "vendor.outcome.sms", &[]);
            }
        }
        Event::Completed { .. } => {
            if let Some(v) = wo.vendor.clone() {
                o.vendor_sms(&v, "vendor.completed.sms", &[]);
            }
        }
        Event::FeedbackRequested => {
            let link = links.tenant_status(wo);
            o.tenant_sms("tenant.completed.sms", &[]);
            o.tenant_email(
                "tenant.completed.email",
                "tenant.completed.subject",
                &[("link", link)],
                None,
            );
        }
        // The vendor's next step (slots or approval) follows in its own message.
        Event::NotDone { .. } => {}
        Event::EstimateReceived { estimate } => {
            let extra = [
                ("amount", estimate.amount.to_string()),
                ("limit", estimate.limit.to_string()),
            ];
            let key = if estimate.decision == EstimateDecision::WithinLimit {
                "vendor.estimate_ok.sms"
            } else {
                "vendor.estimate_wait.sms"
            };
            o.vendor_sms(&estimate.vendor, key, &extra);
        }
        Event::ApprovalRequested { .. } => {
            if let Some(extra) = approval_vars(wo, links) {
                o.owner_email("owner.approval.email", "owner.approval.subject", &extra);
                o.pm_email(
                    "pm.approval_requested.email",
                    "pm.approval_requested.subject",
                    &extra,
                );
            }
        }
        Event::ApprovalReminded { .. } => {
            if let Some(extra) = approval_vars(wo, links) {
                o.owner_email("owner.approval.email", "owner.reminder.subject", &extra);
            }
        }
        Event::ApprovalEscalated => {
            if let Some(e) = &wo.estimate {
                let extra = [
                    ("amount", e.amount.to_string()),
                    ("n", ctx.policy.approval_reminders.to_string()),
                ];
                o.pm_email(
                    "pm.approval_escalated.email",
                    "pm.approval_escalated.subject",
                    &extra,
                );
            }
        }
        Event::Approved { .. } => {
            if let (Some(v), Some(e)) = (wo.vendor.clone(), &wo.estimate) {
                o.vendor_sms(
                    &v,
                    "vendor.approved.sms",
                    &[("amount", e.amount.to_string())],
                );
            }
        }
        Event::ApprovalDeclined { .. } => {
            if let (Some(v), Some(e)) = (wo.vendor.clone(), &wo.estimate) {
                o.vendor_sms(
                    &v,
                    "vendor.declined.sms",
                    &[("amount", e.amount.to_string())],
                );
            }
        }
        Event::InvoiceRequested { .. } => {
            if let Some(v) = wo.vendor.clone() {
                let link = links.vendor_job(wo, &v);
                o.vendor_sms(&v, "vendor.invoice.sms", &[("link", link)]);
            }
        }
        Event::InvoiceEscalated => {
            o.pm_email(
                "pm.invoice.email",
                "pm.invoice.subject",
                &[("n", ctx.policy.invoice_followups.to_string())],
            );
        }
        Event::InvoiceReceived { invoice } => {
            if let Some(v) = wo.vendor.clone() {
                o.vendor_sms(
                    &v,
                    "vendor.invoice_ack.sms",
                    &[("amount", invoice.amount.to_string())],
                );
            }
        }
        Event::FeedbackReceived { .. } => o.tenant_sms("tenant.feedback_ack.sms", &[]),
        Event::Closed { .. } => {}
        Event::Cancelled { reason, .. } => {
            let reason = reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            o.tenant_sms("tenant.cancelled.sms", &[]);
            o.tenant_email(
                "tenant.cancelled.email",
                "tenant.cancelled.subject",
                &[("reason", reason)],
                None,
            );
            let vendor = before
                .vendor
                .clone()
                .or_else(|| before.offer.as_ref().map(|o| o.vendor.clone()));
            if let Some(v) = vendor {
                o.vendor_sms(&v, "vendor.cancelled.sms", &[]);
            }
            let awaiting = before.status == Status::AwaitingApproval
                && before
                    .estimate
                    .as_ref()
                    .is_some_and(|e| e.decision == EstimateDecision::Pending);
            if awaiting {
                o.owner_email("owner.cancelled.email", "owner.cancelled.subject", &[]);
            }
        }
        Event::TimerSet {
            timer,
            generation,
            at,
        } => o.effects.push(Effect::SetTimer {
            name: timer_name(&wo.id, *timer, *generation),
            kind: *timer,
            generation: *generation,
            at: *at,
            zone: tz,
        }),
        Event::TimerCancelled { timer, generation } => o.effects.push(Effect::CancelTimer {
            name: timer_name(&wo.id, *timer, *generation),
        }),
        Event::MessageUndelivered {
            to,
            channel,
            address,
            key,
            reason,
        } => {
            // The team's own messages are not reported to the team (they would fail alike).
            if *to != Recipient::Pm {
                let who = match to {
                    Recipient::Tenant => "the tenant".to_string(),
                    Recipient::Vendor(v) => o
                        .vendor(v)
                        .map_or_else(|| format!("vendor {v}"), |v| v.name.clone()),
                    Recipient::Owner => "the owner".to_string(),
                    Recipient::Pm | Recipient::Other => "someone".to_string(),
                };
                let channel = match channel {
                    Channel::Email => "email",
                    Channel::Sms => "text message",
                };
                let extra = [
                    ("who", who),
                    ("channel", channel.to_string()),
                    ("to_address", address.clone()),
                    ("message", key.clone()),
                    ("reason", reason.clone()),
                ];
                o.pm_email("pm.undelivered.email", "pm.undelivered.subject", &extra);
            }
        }
        Event::MessageResent { message } => {
            let m = message.as_ref();
            match m.channel {
                Channel::Email => {
                    if let Ok(to) = crate::portfolio::Email::parse(&m.address) {
                        let language = match m.to {
                            Recipient::Tenant => o.lang(),
                            _ => Language::En,
                        };
                        o.effects.push(Effect::Email(EmailMessage {
                            to,
                            recipient: m.to.clone(),
                            subject: m.subject.clone().unwrap_or_default(),
                            text: m.body.clone(),
                            ics: None,
                            key: m.key.clone(),
                            language,
                        }));
                    }
                }
                Channel::Sms => {
                    if let Ok(to) = crate::portfolio::Phone::parse(&m.address) {
                        o.effects.push(Effect::Sms(SmsMessage {
                            to,
                            recipient: m.to.clone(),
                            body: m.body.clone(),
                            key: m.key.clone(),
                        }));
                    }
                }
            }
        }
        Event::TimerElapsed { .. } | Event::MessageReceived { .. } | Event::MessageSent { .. } => {}
        Event::SafetyQuestionAsked { .. }
        | Event::SafetyQuestionAnswered { .. }
        | Event::SafetyQuestionExpired { .. }
        | Event::OfferWithdrawnForEmergency { .. } => crate::safety::effects(&mut o, before, event),
        Event::DangerReported { .. } => crate::danger::effects(&mut o, before, event),
    }
    o.effects
}

/// What an emergency gets at once, at submission or when the tenant's YES to the safety
/// question makes it one: what to do now for `kind`, to the tenant in their language (SMS and
/// email), and, when `alert`, the team's alert (email and SMS, at any hour).
pub(crate) fn emergency_messages(o: &mut Out, kind: Option<EmergencyKind>, alert: bool) {
    if let Some(kind) = kind {
        let lang = o.lang();
        let extra = [
            ("kind", kind.label_in(lang).to_string()),
            (
                "instructions",
                safety_instructions_in(kind, lang).to_string(),
            ),
        ];
        o.tenant_sms("tenant.safety.sms", &extra);
        let key = if unconfirmed_contact(o.wo) {
            "tenant.safety.plain.email"
        } else {
            "tenant.safety.email"
        };
        o.tenant_email(key, "tenant.safety.subject", &extra, None);
    }
    if alert {
        let kind = kind.map_or_else(|| "emergency".to_string(), |k| k.label().to_string());
        let extra = [("kind", kind)];
        o.pm_email("pm.emergency.email", "pm.emergency.subject", &extra);
        o.pm_sms("pm.emergency.sms", &extra);
    }
}
