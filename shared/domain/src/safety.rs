//! The safety question, decided once: when triage leaves a danger open ("a leak near the
//! light", "it smells funny"), the tenant is asked one yes/no question at once — by SMS and on
//! the status page the form leads to — while the routine path carries on, never held for it.
//!
//! - **YES** (by SMS or the page's button) makes the request the emergency the question names,
//!   with everything an emergency gets at submission: what to do now, to the tenant; the team
//!   alerted (at any hour); an emergency vendor offered the job with the emergency accept
//!   timeout, quiet hours or not. A routine offer already out is re-made as the emergency
//!   offer when its vendor is the first emergency-capable one on the list (they get the offer
//!   again with the emergency deadline), and otherwise withdrawn (they are told not to go)
//!   and the job offered to the first emergency vendor at once. Withdrawn rather than left
//!   out, because a routine vendor may not be able to come now and its offer would run on the
//!   routine deadline while the danger waits. A vendor who already accepted keeps the job
//!   (taking it away would cost time, not save it) and is told it is now an emergency; the
//!   team, alerted, decides whether to reassign.
//! - **NO**, or no answer within the policy's `safety_question_timeout`, keeps the routine
//!   path. A hazard-raised priority is never lowered: NO leaves the urgent priority triage
//!   gave the open danger.
//! - **A second answer is harmless**: the same answer again, or NO after YES, changes nothing.
//!   YES after NO or after the question expired still makes it an emergency: a danger the
//!   tenant reports is never ignored because it was reported late.
//!
//! Question, answer and expiry are events on the timeline; the texts are the catalogue's
//! (`advice`: `question.*`; `messages`: `tenant.question_no.sms` and the emergency texts), in
//! the tenant's language.

use crate::decide::{Tx, candidates, offer_next};
use crate::effects::{Out, emergency_messages};
use crate::messages::render_in;
use crate::portfolio::Portfolio;
use crate::triage::{SafetyQuestion, safety_instructions};
use crate::types::{EmergencyKind, JobCode, Language, Priority};
use crate::workorder::{Actor, Event, Rejection, Status, TimerKind, WorkOrder};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The tenant's answer to the safety question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SafetyAnswer {
    Yes,
    No,
}

/// The safety question asked on a work order and where it stands.
///
/// Invariants: at most one question per work order, asked once; `answer` only moves from
/// nothing to an answer, or from NO to YES; `expired` is set only while unanswered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyCheck {
    pub question: SafetyQuestion,
    pub asked_at: DateTime<Utc>,
    pub answer: Option<SafetyAnswer>,
    pub answered_at: Option<DateTime<Utc>>,
    /// No answer came within the policy's time (the routine path stood).
    pub expired: bool,
}

impl SafetyCheck {
    /// Asked, unanswered and within its time: a tenant's bare YES or NO answers it first.
    pub fn is_open(&self) -> bool {
        self.answer.is_none() && !self.expired
    }

    /// Whether an answer (`yes` or not) would still change anything: any first answer, and a
    /// YES after a NO.
    pub fn takes(&self, yes: bool) -> bool {
        match self.answer {
            None => true,
            Some(SafetyAnswer::No) => yes,
            Some(SafetyAnswer::Yes) => false,
        }
    }
}

impl WorkOrder {
    /// The safety question a tenant's YES would still act on, if any: asked, not yet made an
    /// emergency, on a work order still open and not done. The status page shows the question
    /// exactly then (its NO button only while unanswered), and a tenant's YES by text goes to it
    /// then (a NO only while unanswered; see `replies::command_for`).
    pub fn safety_question_pending(&self) -> Option<&SafetyCheck> {
        let check = self.safety.as_ref()?;
        let live = !self.status.is_final() && self.phase() != Status::Completed;
        (live && check.takes(true) && self.priority != Priority::Emergency).then_some(check)
    }
}

/// The question as asked where buttons answer it (the status page, an email): the catalogue's
/// text for `lang` (the one the SMS carries, a portfolio's rewording included) without the
/// job-code prefix and the closing "reply YES or NO", capitalised. A text that lacks that
/// shape is given whole.
pub fn question_asked(
    portfolio: &Portfolio,
    question: SafetyQuestion,
    lang: Language,
    code: &JobCode,
) -> String {
    let full = render_in(
        portfolio,
        question.key(),
        lang,
        &[("code", code.to_string())],
    );
    let asked = full
        .split_once(": ")
        .map_or(full.as_str(), |(_, rest)| rest)
        .rsplit_once('?')
        .map(|(q, _)| format!("{q}?"))
        .unwrap_or_else(|| full.clone());
    // The first letter, after an opening "¿" where Spanish has one.
    match asked.char_indices().find(|(_, c)| c.is_alphabetic()) {
        Some((i, c)) if c.is_lowercase() => {
            format!(
                "{}{}{}",
                &asked[..i],
                c.to_uppercase(),
                &asked[i + c.len_utf8()..]
            )
        }
        _ => asked,
    }
}

/// Asks the question triage named, if it left one open and the request is not already an
/// emergency. Called by `decide` right after the `Triaged` event, before the first offer.
pub(crate) fn ask(tx: &mut Tx) {
    let Some(triage) = &tx.wo.triage else { return };
    if triage.priority == Priority::Emergency || tx.wo.safety.is_some() {
        return;
    }
    let Some(question) = triage.question else {
        return;
    };
    tx.push(Event::SafetyQuestionAsked { question });
    let at = tx.now() + tx.policy().safety_question_timeout.to_chrono();
    tx.set_timer(TimerKind::SafetyQuestion, at);
}

/// The tenant's answer (or the team's, taking it by phone); `report` when it is a report of
/// danger taken as the question's YES, with how it came ([`crate::danger::report`]).
pub(crate) fn answer(
    tx: &mut Tx,
    yes: bool,
    by: &Actor,
    report: Option<Option<crate::danger::Via>>,
) -> Result<(), Rejection> {
    if !(matches!(by, Actor::Tenant) || by.is_team()) {
        return Err(Rejection::Invalid(
            "only the tenant or the property team can answer the safety question".into(),
        ));
    }
    let Some(check) = tx.wo.safety.clone() else {
        return Err(Rejection::NoSafetyQuestion);
    };
    if !check.takes(yes) || tx.wo.priority == Priority::Emergency {
        return Ok(());
    }
    if tx.wo.phase() == Status::Completed {
        return Err(Rejection::WrongStatus(tx.wo.status.as_str()));
    }
    tx.cancel_timer(TimerKind::SafetyQuestion);
    tx.push(Event::SafetyQuestionAnswered {
        question: check.question,
        yes,
        by: by.clone(),
        danger_report: report.is_some(),
        via: report.flatten(),
    });
    if yes {
        dispatch_as_emergency(tx);
    }
    Ok(())
}

/// The emergency offer after a YES (the work order is already an emergency in `tx`).
fn dispatch_as_emergency(tx: &mut Tx) {
    // Assigned: the vendor keeps it and is told (effects); needs attention: the team has it
    // and is alerted.
    if tx.wo.vendor.is_some() || !matches!(tx.wo.status, Status::Submitted | Status::Dispatching) {
        return;
    }
    // A routine offer held for quiet hours goes out now: emergencies ignore them.
    tx.cancel_timer(TimerKind::QuietHoursEnd);
    if let Some(offer) = tx.wo.offer.clone() {
        let first = candidates(
            tx.ctx.portfolio,
            tx.ctx.property,
            &tx.wo,
            tx.ctx.opted_out,
            tx.now(),
        )
        .first()
        .map(|v| v.id.clone());
        if first.as_ref() != Some(&offer.vendor) {
            tx.cancel_timer(TimerKind::AcceptTimeout);
            tx.push(Event::OfferWithdrawnForEmergency {
                vendor: offer.vendor,
            });
        }
    }
    // The same vendor first again: their offer is re-made with the emergency deadline.
    offer_next(tx);
}

/// The question's timer fired: unanswered, it expires (the routine path stands).
pub(crate) fn expire(tx: &mut Tx) {
    if let Some(check) = &tx.wo.safety
        && check.is_open()
    {
        let question = check.question;
        tx.push(Event::SafetyQuestionExpired { question });
    }
}

/// Folds this module's events into the work order.
pub(crate) fn evolve(wo: &mut WorkOrder, event: &Event, at: DateTime<Utc>) {
    match event {
        Event::SafetyQuestionAsked { question } => {
            wo.safety = Some(SafetyCheck {
                question: *question,
                asked_at: at,
                answer: None,
                answered_at: None,
                expired: false,
            });
        }
        Event::SafetyQuestionAnswered { question, yes, .. } => {
            if let Some(check) = wo.safety.as_mut() {
                check.answer = Some(if *yes {
                    SafetyAnswer::Yes
                } else {
                    SafetyAnswer::No
                });
                check.answered_at = Some(at);
            }
            if *yes {
                raise(wo, question.emergency_if_yes());
            }
        }
        Event::SafetyQuestionExpired { .. } => {
            if let Some(check) = wo.safety.as_mut() {
                check.expired = true;
            }
        }
        Event::OfferWithdrawnForEmergency { .. } => wo.offer = None,
        _ => {}
    }
}

/// Makes the work order the emergency `kind`, keeping triage's invariants (an emergency has
/// its kind and safety instructions, and no open question).
fn raise(wo: &mut WorkOrder, kind: EmergencyKind) {
    wo.priority = Priority::Emergency;
    if let Some(t) = wo.triage.as_mut() {
        t.priority = Priority::Emergency;
        if t.emergency.is_none() {
            t.emergency = Some(kind);
            t.safety_instructions = Some(safety_instructions(kind).to_string());
        }
        t.question = None;
    }
}

/// The messages of this module's events.
pub(crate) fn effects(o: &mut Out, before: &WorkOrder, event: &Event) {
    match event {
        Event::SafetyQuestionAsked { question } => {
            o.tenant_sms(question.key(), &[]);
            // A tenant with no mobile number gets it by email, answered on the status page.
            if o.wo.request.tenant.phone.is_none() {
                let lang = o.lang();
                let asked = question_asked(o.portfolio(), *question, lang, &o.wo.code);
                let extra = [("question", asked), ("link", o.links.tenant_status(o.wo))];
                o.tenant_email(
                    "tenant.question.email",
                    "tenant.question.subject",
                    &extra,
                    None,
                );
            }
        }
        Event::SafetyQuestionAnswered { yes: true, .. }
            if before.priority != Priority::Emergency =>
        {
            let kind = o.wo.triage.as_ref().and_then(|t| t.emergency);
            emergency_messages(o, kind, true);
            if let (Some(v), Some(kind)) = (o.wo.vendor.clone(), kind) {
                let extra = [("kind", kind.label().to_string())];
                o.vendor_sms(&v, "vendor.now_emergency.sms", &extra);
            }
        }
        Event::SafetyQuestionAnswered { yes: false, .. } => {
            o.tenant_sms("tenant.question_no.sms", &[]);
        }
        Event::OfferWithdrawnForEmergency { vendor } => {
            o.vendor_sms(vendor, "vendor.withdrawn_emergency.sms", &[]);
        }
        _ => {}
    }
}
