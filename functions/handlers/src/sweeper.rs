//! `sweeper`: invoked on a schedule (every five minutes, template.yaml), runs the sweep of
//! `mendwork_app::sweep` — outbox records left undone re-driven, overdue work orders put in
//! front of the team — and writes its figures as metrics (the age of the oldest undone record
//! has an alarm; so have configuration faults). The event's content is not used.

use crate::metrics::{self, Unit};
use crate::{HandlerError, fail};
use lambda_runtime::{Diagnostic, LambdaEvent};
use mendwork_app::App;
use mendwork_app::sweep::{SweepPolicy, Swept, sweep as run};
use serde_json::Value;

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
        "swept"
    );
    Ok(swept)
}
