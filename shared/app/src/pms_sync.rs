//! The two-way PMS sync on the [`Pms`] port. Pull: requests made in the PMS since the stored
//! cursor become work orders, each exactly once (submitted under the idempotency key
//! `pms:<system>:<kind>:<id>`, so overlapping or repeated polls find the one already made).
//! Push: a status change of a work order that came from the PMS goes back to it as a delivery
//! of the outbound event (endpoint `pms:<system>`), retried on the webhooks' schedule and
//! written once per event id.

use crate::deliveries::{Answer, WebhookDelivery};
use crate::pms::{ExternalRequest, Pms, PmsCursors, PmsError, PmsUpdate};
use crate::ports::StoreError;
use crate::steps::{App, AppError};
use chrono::{DateTime, Duration, Utc};
use mendwork_domain::attention::Cause;
use mendwork_domain::outbound::Published;
use mendwork_domain::{
    Contact, Language, NewWorkOrder, Portfolio, Property, Source, Status, WorkOrderId,
};

/// Each poll reads again from this long before the cursor: changes stamped a little late (the
/// PMS's clock, a slow save) are not missed; the keys make the overlap harmless.
pub const OVERLAP: Duration = Duration::hours(1);
/// The first poll of a newly connected PMS reads this far back.
pub const FIRST_POLL: Duration = Duration::days(7);
/// A poll reads at most this many pages (a runaway answer cannot loop it forever).
const MAX_PAGES: usize = 1000;
/// A work order's description, at most (the PMS's may be much longer).
const MAX_DESCRIPTION: usize = 2000;
/// The prefix of the delivery endpoint of a PMS: `pms:buildium`. Webhook endpoint names are
/// lowercase letters, digits and dashes, so none can take it.
const ENDPOINT_PREFIX: &str = "pms:";

/// The event kinds that go back to the PMS.
const PUSHED: [&str; 13] = [
    "work_order.accepted",
    "work_order.assigned",
    "work_order.scheduled",
    "work_order.arrived",
    "work_order.done",
    "work_order.not_done",
    "work_order.needs_attention",
    "work_order.estimate",
    "work_order.approval_requested",
    "work_order.approval_decided",
    "work_order.invoice",
    "work_order.closed",
    "work_order.cancelled",
];

/// Whether an event of `kind` on a work order from `source` goes back to its PMS.
pub fn pushed(source: &Source, kind: &str) -> bool {
    matches!(source, Source::Pms { .. }) && PUSHED.contains(&kind)
}

/// The PMS systems Mendwork can connect (each one's adapter names itself so).
pub const SYSTEMS: [&str; 1] = ["buildium"];

/// The delivery endpoint of a PMS's updates: `pms:<system>`.
pub fn pms_endpoint(system: &str) -> String {
    format!("{ENDPOINT_PREFIX}{system}")
}

/// Whether a delivery's endpoint is a PMS rather than a webhook endpoint.
pub fn is_pms_endpoint(endpoint: &str) -> bool {
    endpoint.starts_with(ENDPOINT_PREFIX)
}

/// The token a request is submitted under (stored as `submit:<token>`): one work order per
/// PMS record, however often it is read.
pub fn pms_token(system: &str, request: &ExternalRequest) -> String {
    format!("pms:{system}:{}", request.reference.key())
}

/// What one poll did. Counts only: nothing about the people in the requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// New work orders made.
    pub created: usize,
    /// Requests that already had their work order.
    pub already: usize,
    /// Requests finished in the PMS before Mendwork saw them: nothing to dispatch.
    pub finished: usize,
    /// Requests for a property the portfolio does not map (`pms_id`): read again next poll.
    pub unmapped: usize,
    /// Requests the workflow refused (their reason is logged): read again next poll.
    pub refused: usize,
    /// Work orders cancelled because their request was closed or put off in the PMS.
    pub cancelled: usize,
    /// Open work orders put before the team: their request the PMS marks completed, or
    /// assigns to a vendor that is no active vendor here.
    pub flagged: usize,
    /// Open work orders handed to the vendor the PMS now assigns.
    pub reassigned: usize,
    /// The cursor after the poll (another poll's, when it moved it first).
    pub cursor: Option<DateTime<Utc>>,
}

/// Why a poll stopped. What it made before stopping stays made; the cursor did not move.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error(transparent)]
    Pms(#[from] PmsError),
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl App {
    /// One poll of `pms`: every request changed since the stored cursor (less [`OVERLAP`])
    /// becomes a work order unless it has one; then the cursor moves to the newest change read
    /// — but never past a request left for later (unmapped or refused), so the next poll reads
    /// it again.
    pub async fn pull_pms(
        &self,
        pms: &dyn Pms,
        cursors: &dyn PmsCursors,
    ) -> Result<PullReport, PullError> {
        let system = pms.system();
        let stored = cursors.cursor(system).await?;
        let since = stored.unwrap_or_else(|| self.now() - FIRST_POLL) - OVERLAP;
        let portfolio = self.portfolio();
        let mut report = PullReport::default();
        let mut newest: Option<DateTime<Utc>> = None;
        let mut held: Option<DateTime<Utc>> = None;
        let mut page: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let got = pms.changes(since, page.as_deref()).await?;
            for request in &got.requests {
                let at = request.updated_at;
                newest = newest.max(at);
                let kept = self
                    .pull_one(system, request, &portfolio, &mut report)
                    .await?;
                if !kept {
                    // Unknown time: hold the cursor where it was (not where this poll's overlap
                    // began, or each poll would move it back an hour).
                    let hold = at.unwrap_or(since + OVERLAP);
                    held = Some(held.map_or(hold, |h| h.min(hold)));
                }
            }
            page = got.next;
            if page.is_none() {
                break;
            }
        }
        let next = match held {
            Some(h) => Some(h.min(newest.unwrap_or(h))),
            None => newest,
        };
        if let Some(next) = next.filter(|n| Some(*n) > stored || held.is_some()) {
            if cursors.set_cursor(system, stored, next).await? {
                report.cursor = Some(next);
            } else {
                // An overlapping poll moved it first and read what this one read (the keys
                // made that harmless): its cursor stands.
                report.cursor = cursors.cursor(system).await?;
                tracing::info!(
                    system,
                    "another poll moved the PMS cursor first; left as it is"
                );
            }
        } else {
            report.cursor = stored;
        }
        if report.unmapped > 0 {
            tracing::warn!(
                system,
                unmapped = report.unmapped,
                "PMS requests for properties the portfolio does not map (pms_id); read again next poll"
            );
        }
        tracing::info!(
            system,
            created = report.created,
            already = report.already,
            finished = report.finished,
            unmapped = report.unmapped,
            refused = report.refused,
            cancelled = report.cancelled,
            flagged = report.flagged,
            reassigned = report.reassigned,
            "PMS poll"
        );
        Ok(report)
    }

    /// One request: `false` when it is left for a later poll.
    async fn pull_one(
        &self,
        system: &str,
        request: &ExternalRequest,
        portfolio: &Portfolio,
        report: &mut PullReport,
    ) -> Result<bool, PullError> {
        let token = pms_token(system, request);
        if let Some(id) = self
            .keys
            .idempotent(&crate::steps::submission_key(&token))
            .await?
        {
            report.already += 1;
            return self
                .follow_change(system, request, &WorkOrderId(id), &token, report)
                .await;
        }
        if !request.state.is_open() {
            report.finished += 1;
            return Ok(true);
        }
        let Some(property) = request.property.as_deref().and_then(|id| {
            portfolio
                .properties
                .iter()
                .find(|p| p.pms_id.as_deref() == Some(id))
        }) else {
            report.unmapped += 1;
            tracing::info!(system, request = %request.reference.key(), "a PMS request for an unmapped property");
            return Ok(false);
        };
        match self
            .submit(
                new_work_order(system, request, property, portfolio),
                Some(&token),
            )
            .await
        {
            Ok(done) if done.duplicate => report.already += 1,
            Ok(_) => {
                report.created += 1;
                // The vendor the PMS names now is the baseline of a later change, not one.
                self.vendor_read(&token, 0, request.vendor.as_deref())
                    .await?;
            }
            Err(AppError::Rejected(r)) => {
                report.refused += 1;
                tracing::warn!(system, request = %request.reference.key(), reason = %r, "a PMS request was refused");
                return Ok(false);
            }
            Err(AppError::Invalid(why)) => {
                report.refused += 1;
                tracing::warn!(system, request = %request.reference.key(), reason = %why, "a PMS request was refused");
                return Ok(false);
            }
            Err(e) => return Err(e.into()),
        }
        Ok(true)
    }

    /// The PMS delivery of `event`, when it goes back to the PMS: its work order came from the
    /// connected PMS and its kind is one that is pushed.
    pub(crate) async fn pms_delivery(
        &self,
        event: &Published,
        published_at: DateTime<Utc>,
        due: DateTime<Utc>,
    ) -> Result<Option<WebhookDelivery>, AppError> {
        let Some(pms) = &self.webhooks.pms else {
            return Ok(None);
        };
        if !PUSHED.contains(&event.kind.as_str()) {
            return Ok(None);
        }
        if by_the_pms(&event.body, pms.system()) {
            // The PMS made this change itself (`pms_changes`): writing it back would overwrite
            // what the team set there (a deferred request would read closed).
            return Ok(None);
        }
        let Some(id) = work_order_of(&event.body) else {
            return Ok(None);
        };
        let Some(stored) = self.work_orders.load(&id).await? else {
            return Ok(None);
        };
        match &stored.wo.request.source {
            Source::Pms { system, .. } if system == pms.system() => Ok(Some(WebhookDelivery::new(
                &pms_endpoint(system),
                event,
                published_at,
                due,
            ))),
            _ => Ok(None),
        }
    }

    /// One attempt of a PMS delivery, as the delivery log records it: 200 written (now or
    /// before), 401/403 the credentials, 410 for a record gone from the PMS (not retried), an
    /// error text for what is retried.
    pub(crate) async fn push_to_pms(&self, d: &WebhookDelivery) -> Answer {
        let Some(pms) = &self.webhooks.pms else {
            return Err("the PMS is not connected in this process".into());
        };
        let Some(id) = work_order_of(&d.body) else {
            return Ok(410);
        };
        let wo = match self.work_orders.load(&id).await {
            Ok(Some(s)) => s.wo,
            Ok(None) => return Ok(410),
            Err(e) => return Err(format!("reading the work order: {e}")),
        };
        let Source::Pms { kind, id: ext, .. } = &wo.request.source else {
            return Ok(410);
        };
        let portfolio = self.portfolio();
        let update = PmsUpdate {
            key: d.event_id.clone(),
            reference: crate::pms::ExternalRef {
                kind: kind.clone(),
                id: ext.clone(),
            },
            status: status_of(&d.body).unwrap_or(wo.status),
            note: note(&d.kind, &d.body, &wo, &portfolio, self.links.base_url()),
            vendor: wo
                .vendor
                .as_ref()
                .and_then(|v| portfolio.vendor(v))
                .and_then(|v| v.pms_id.clone()),
        };
        match pms.push(&update).await {
            Ok(()) => Ok(200),
            Err(e) => {
                tracing::warn!(event = %d.event_id, error = %e, "a PMS update was not written");
                match e {
                    PmsError::Unauthorized => Ok(401),
                    PmsError::Forbidden(_) => Ok(403),
                    PmsError::NotFound(_) => Ok(410),
                    PmsError::Retryable(why)
                    | PmsError::Unexpected(why)
                    | PmsError::NoCredentials(why) => Err(why),
                }
            }
        }
    }
}

/// The work order a published event is about.
fn work_order_of(body: &str) -> Option<WorkOrderId> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    Some(WorkOrderId(v["work_order"]["id"].as_str()?.to_string()))
}

/// Whether the event records what `system` itself did or said: a change it made (its
/// `data.by` is the PMS), or a flag it raised — its own "completed" (written back, the flag
/// would turn the request there from `Completed` to `New`) or a vendor it named that is not
/// one here — known by the flag's typed cause (`data` of `needs_attention` is the cause with
/// its `code`), never by its words.
fn by_the_pms(body: &str, system: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body).is_ok_and(|v| {
        v["data"]["by"]["role"].as_str() == Some("pms")
            || (v["type"].as_str() == Some("work_order.needs_attention")
                && serde_json::from_value::<Cause>(v["data"].clone())
                    .is_ok_and(|c| c.raised_by_pms(system)))
    })
}

/// The work order's status after the event, as the event says.
fn status_of(body: &str) -> Option<Status> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    serde_json::from_value(v["work_order"]["status"].clone()).ok()
}

/// The note written on the PMS's record, for the team (the PMS is the team's own system, so
/// the vendor's name and the appointment are in it; no phone or address is). `body` is the
/// event as published (what the vendor wrote, the photos, the owner's decision); photos are
/// linked through the job's page in Mendwork, which the team signs in to — a file's own link
/// is signed for days and would go stale in a record kept for years.
fn note(
    kind: &str,
    body: &str,
    wo: &mendwork_domain::WorkOrder,
    portfolio: &Portfolio,
    base_url: &str,
) -> String {
    let data = serde_json::from_str::<serde_json::Value>(body)
        .map(|v| v["data"].clone())
        .unwrap_or_default();
    let vendor = wo
        .vendor
        .as_ref()
        .and_then(|v| portfolio.vendor(v))
        .map(|v| v.name.clone())
        .unwrap_or_else(|| "the vendor".into());
    let zone = portfolio
        .property(&wo.request.property)
        .map(|p| p.timezone)
        .unwrap_or(chrono_tz::UTC);
    let what = match kind {
        "work_order.accepted" => format!("{vendor} accepted the job."),
        "work_order.assigned" => format!("assigned to {vendor}."),
        "work_order.scheduled" => match wo.appointment {
            Some(w) => format!(
                "{vendor} comes {} to {} ({zone}).",
                w.start.with_timezone(&zone).format("%a %b %-d %H:%M"),
                w.end.with_timezone(&zone).format("%H:%M")
            ),
            None => format!("{vendor} scheduled a visit."),
        },
        "work_order.arrived" => format!("{vendor} is on site."),
        "work_order.done" => {
            let mut what = match data["notes"].as_str().map(str::trim) {
                Some(n) if !n.is_empty() => {
                    let stop = if n.ends_with(['.', '!', '?']) {
                        ""
                    } else {
                        "."
                    };
                    format!("{vendor} reports the work done: {n}{stop}")
                }
                _ => format!("{vendor} reports the work done."),
            };
            let photos = data["photos"].as_array().map_or(0, Vec::len);
            if photos > 0 {
                let s = if photos == 1 { "" } else { "s" };
                what.push_str(&format!(
                    " {photos} photo{s} on the job's page: {}/pm/wo/{}",
                    base_url.trim_end_matches('/'),
                    wo.id
                ));
            }
            what
        }
        "work_order.not_done" => format!("{vendor} could not finish the work."),
        "work_order.needs_attention" => "needs the team's attention in Mendwork.".into(),
        "work_order.estimate" => match &wo.estimate {
            Some(e) => {
                let said = e.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
                let said = said.map(|n| format!(" ({n})")).unwrap_or_default();
                // The domain's decision, not a second comparison with the limit.
                let within = if e.decision == mendwork_domain::EstimateDecision::WithinLimit {
                    "within"
                } else {
                    "over"
                };
                format!(
                    "{vendor} sent an estimate of {}{said}, {within} the limit of {}.",
                    e.amount, e.limit
                )
            }
            None => format!("{vendor} sent an estimate."),
        },
        "work_order.approval_requested" => match &wo.estimate {
            Some(e) => format!(
                "the estimate of {} waits for the owner's approval (limit {}).",
                e.amount, e.limit
            ),
            None => "an estimate waits for the owner's approval.".into(),
        },
        "work_order.approval_decided" => {
            let decided = if data["approved"].as_bool() == Some(true) {
                "approved"
            } else {
                "declined"
            };
            match &wo.estimate {
                Some(e) => format!("the owner {decided} the estimate of {}.", e.amount),
                None => format!("the owner {decided} the estimate."),
            }
        }
        "work_order.invoice" => match &wo.invoice {
            Some(i) => match &i.reference {
                Some(r) => format!("{vendor}'s invoice came in: {} (reference {r}).", i.amount),
                None => format!("{vendor}'s invoice came in: {}.", i.amount),
            },
            None => format!("{vendor}'s invoice came in."),
        },
        "work_order.closed" => "closed.".into(),
        "work_order.cancelled" => "cancelled in Mendwork.".into(),
        other => other.to_string(),
    };
    format!("Mendwork job {}: {what}", wo.code)
}

/// The work order a PMS request becomes. The tenant who asked is the portfolio's imported
/// tenant of that PMS id on that property, when there is one: their phone and email are how
/// Mendwork reaches them; otherwise only the PMS's name for them is known.
fn new_work_order(
    system: &str,
    r: &ExternalRequest,
    property: &Property,
    portfolio: &Portfolio,
) -> NewWorkOrder {
    let known = r
        .requester
        .as_deref()
        .and_then(|id| portfolio.tenant_by_pms_id(id))
        .filter(|t| t.property == property.id);
    let tenant = match known {
        Some(t) => Contact {
            name: t.name.clone(),
            email: t.email.clone(),
            phone: t.phone.clone(),
        },
        None => Contact {
            name: r.requested_by.clone().unwrap_or_default(),
            email: None,
            phone: None,
        },
    };
    let unit = r
        .unit
        .as_ref()
        .map(|u| {
            property
                .pms_units
                .get(u)
                .cloned()
                .unwrap_or_else(|| u.clone())
        })
        .unwrap_or_default();
    let mut description = match (r.title.trim(), r.description.trim()) {
        (t, "") => t.to_string(),
        ("", d) => d.to_string(),
        (t, d) if d.starts_with(t) => d.to_string(),
        (t, d) => format!("{t}. {d}"),
    };
    if description.chars().count() > MAX_DESCRIPTION {
        description = description.chars().take(MAX_DESCRIPTION).collect();
    }
    NewWorkOrder {
        property: property.id.clone(),
        unit,
        tenant,
        description,
        category: None,
        emergency: false,
        permission_to_enter: r.entry_permitted.unwrap_or(false),
        pets: r
            .pets
            .filter(|p| *p)
            .map(|_| "yes (as the PMS says)".into()),
        access_notes: r.entry_notes.clone(),
        photos: vec![],
        availability: vec![],
        source: Source::Pms {
            system: system.to_string(),
            kind: r.reference.kind.clone(),
            id: r.reference.id.clone(),
        },
        language: Language::En,
    }
}
