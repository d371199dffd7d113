//! `sweeper`: invoked on a schedule (every five minutes, template.yaml), runs the sweep of
//! `mendwork_app::sweep` — outbox records left undone re-driven, overdue work orders put in
//! front of the team, a page of old timelines archived — and the webhook retries that are due, and writes its figures as metrics
//! (the age of the oldest undone record has an alarm; so have configuration faults). The event's content is not used.

use crate::metrics::{self, Unit};
use crate::{HandlerError, fail};
use lambda_runtime::{Diagnostic, LambdaEvent};
use mendwork_app::App;
use mendwork_app::sweep::{SweepPolicy, Swept, sweep as run};
use serde_json::Value;

/// The most webhook retries one sweep makes, side by side (each waits at most the sender's
/// timeout, well inside the function's; the rest are still due at the next sweep).
const WEBHOOK_BATCH: usize = 50;

pub async fn sweep(app: &App, _event: LambdaEvent<Value>) -> Result<Swept, Diagnostic> {
    let swept = run(app, &SweepPolicy::default()).await.map_err(|e| {
        fail(HandlerError::step(
            "sweeping the outbox and the work orders",
        )(e))
    })?;
    let count = |n: usize| n as f64;
    metrics::emit(&[
        (
            metrics::OLDEST_UNDONE,
            swept.oldest_undone_seconds as f64,
            Unit::Seconds,
        ),
        (metrics::REDRIVEN, count(swept.redriven), Unit::Count),
        (metrics::PARKED, count(swept.parked), Unit::Count),
        (metrics::OVERDUE, count(swept.flagged.len()), Unit::Count),
        (
            metrics::CONFIGURATION_FAULTS,
            count(swept.faults.len()),
            Unit::Count,
        ),
    ]);
    // Webhook deliveries whose next attempt is due (`mendwork_domain::delivery`'s schedule).
    // A failure here is the next sweep's to retry; it does not undo the sweep above.
    match app.send_due_webhooks(WEBHOOK_BATCH).await {
        Ok(n) => tracing::info!(attempted = n, "webhook retries"),
        Err(e) => {
            tracing::error!(error = %crate::chain(&e), "webhook retries failed; the next sweep tries again")
        }
    }
    for fault in &swept.faults {
        tracing::error!(%fault, "configuration fault: records stay parked until it is fixed");
    }
    tracing::info!(
        due = swept.due,
        redriven = swept.redriven,
        parked = swept.parked,
        failed = swept.failed,
        oldest_undone_seconds = swept.oldest_undone_seconds,
        overdue = swept.flagged.len(),
        archived = swept.archive.archived.len(),
        archive_finished = swept.archive.finished,
        archive_skipped = swept.archive.skipped,
        "swept"
    );
    Ok(swept)
}
