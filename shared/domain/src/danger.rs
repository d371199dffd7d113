//! The tenant's own report of danger, decided once, next to the safety question
//! ([`crate::safety`]). Triage misses some emergencies; the floor that does not depend on it is
//! a tenant who says "this is dangerous now" — EMERGENCY (or EMERGENCIA) by text, or the status
//! page's "Report danger now" button — and is heard at any hour.
//!
//! - **A safety question was asked and not answered YES** (open, answered NO, or expired): the
//!   report is that question's YES ([`crate::safety::answer`]), so one rule decides the
//!   emergency: the kind the question names, its safety steps to the tenant, the team alerted,
//!   an emergency vendor offered the job.
//! - **No question, no emergency**: the priority is raised to at least urgent (never lowered,
//!   triage included), [`Event::DangerReported`] goes on the timeline, the team is alerted by
//!   SMS and email at once (texts are never held for quiet hours; only offers are), the work
//!   order is put in front of the team with the cause they read ([`Cause::DangerReported`]), and the tenant
//!   is told by text that the team knows and, if anyone is in danger, to call 911.
//!   **No emergency vendor is dispatched here**: no emergency kind is known, so no trade can be
//!   picked for it (a gas smell wants the gas company and 911, a flood a plumber, sparks an
//!   electrician); the team, alerted, decides. The (now urgent) path carries on meanwhile.
//! - **Already an emergency**: the team was alerted when it became one; the tenant is told
//!   again that the team knows and to call 911, and nobody else is.
//! - **Reported again**: recorded on the timeline and acknowledged again (a tenant who asks
//!   again must hear again that the team knows and that 911 is the help for now), but the team
//!   is not alerted a second time: it has the first alert, the flag, and every report on the
//!   timeline. A report within [`REPEAT_QUIET`] of the previous one changes nothing and sends
//!   nothing (the page still shows the acknowledgement): a button pressed over and over, or a
//!   script with the status link, must not text the tenant or grow the timeline each time.
//! - **Completed, closed or cancelled**: refused ([`Rejection::DangerOnFinishedRequest`]) and
//!   nothing is sent through the request; the refusal the tenant reads says to call 911, then
//!   the team.
//!
//! The texts are the catalogue's (`tenant.danger_ack.sms`; `pm.danger.*` for the team; the
//! refusal `refusal.danger_on_finished_request`), in the tenant's language.

use crate::attention::Cause;
use crate::decide::Tx;
use crate::effects::Out;
use crate::safety::SafetyAnswer;
use crate::types::Priority;
use crate::workorder::{Actor, Event, Rejection, Status, WorkOrder};
use serde::{Deserialize, Serialize};

/// How long after a report another one is taken as the same report (nothing recorded, nothing
/// sent).
pub const REPEAT_QUIET: chrono::Duration = chrono::Duration::minutes(10);

/// The key of the text that acknowledges a report of danger to the tenant.
pub const ACK_MESSAGE: &str = "tenant.danger_ack.sms";

/// The priority `wo` takes when something (triage) sets it to `p`: never below urgent once the
/// tenant reported danger.
pub fn floor(wo: &WorkOrder, p: Priority) -> Priority {
    if wo.danger_reported.is_some() {
        p.min(Priority::Urgent)
    } else {
        p
    }
}

/// Whether a report of danger on `wo` can still do something: false once the work is done
/// (completed, closed or cancelled), where it is refused. Pages offer the button only then.
pub fn takes_reports(wo: &WorkOrder) -> bool {
    !wo.status.is_final() && wo.phase() != Status::Completed
}

/// How a tenant reported danger: a text (EMERGENCY, EMERGENCIA…) or the status page's button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Sms,
    Page,
}

/// The tenant's report of danger (or the team's, taking it by phone), as the module docs say;
/// `via` is how it came, kept on the timeline and told to integrations.
pub(crate) fn report(tx: &mut Tx, by: &Actor, via: Option<Via>) -> Result<(), Rejection> {
    if !(matches!(by, Actor::Tenant) || by.is_team()) {
        return Err(Rejection::Invalid(
            "only the tenant or the property team can report danger".into(),
        ));
    }
    if !takes_reports(&tx.wo) {
        return Err(Rejection::DangerOnFinishedRequest);
    }
    let emergency = tx.wo.priority == Priority::Emergency;
    let question = tx
        .wo
        .safety
        .as_ref()
        .is_some_and(|c| c.answer != Some(SafetyAnswer::Yes));
    if question && !emergency {
        return crate::safety::answer(tx, true, by, Some(via));
    }
    let at = tx.now();
    if tx
        .wo
        .danger_last_reported
        .is_some_and(|last| at < last + REPEAT_QUIET)
    {
        return Ok(());
    }
    let alert = alerts(&tx.wo);
    tx.push(Event::DangerReported {
        at,
        by: by.clone(),
        via,
    });
    if alert {
        tx.push(Event::NeedsAttention {
            cause: Cause::DangerReported,
        });
    }
    Ok(())
}

/// Whether a report on `wo` as it stands alerts the team: the first, on a request that is not
/// already an emergency (whose alert went out when it became one).
fn alerts(wo: &WorkOrder) -> bool {
    wo.priority != Priority::Emergency && wo.danger_reported.is_none()
}

/// Folds [`Event::DangerReported`] into the work order.
pub(crate) fn evolve(wo: &mut WorkOrder, event: &Event) {
    if let Event::DangerReported { at, .. } = event {
        if wo.danger_reported.is_none() {
            wo.danger_reported = Some(*at);
        }
        wo.danger_last_reported = Some(*at);
        wo.priority = wo.priority.min(Priority::Urgent);
    }
}

/// The messages of a report: the tenant's acknowledgement always; the team's alert (SMS and
/// email, at any hour) when the report alerts ([`alerts`], judged on the work order before it).
pub(crate) fn effects(o: &mut Out, before: &WorkOrder, event: &Event) {
    if !matches!(event, Event::DangerReported { .. }) {
        return;
    }
    o.tenant_sms(ACK_MESSAGE, &[]);
    if alerts(before) {
        o.pm_sms("pm.danger.sms", &[]);
        o.pm_email("pm.danger.email", "pm.danger.subject", &[]);
    }
}
