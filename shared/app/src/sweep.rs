//! The sweep: what makes the pipeline lose nothing when a delivery does. Run on a schedule — by
//! the `sweeper` function in AWS, on the local runner's loop — it (1) carries out again every
//! outbox record left undone for a while (a stream batch that used up its retries, a crash after
//! a send was claimed, a configuration fault since fixed), through the same idempotent
//! [`App::carry_out`], so a record that did go out is not repeated; (2) measures how old the
//! oldest undone record is, for an alarm; and (3) puts in front of the team every work order
//! whose next step is overdue with nothing pending to carry it out
//! ([`mendwork_domain::overdue`], decided by `Command::FlagOverdue`, once per work order); and
//! (4) archives a page of old timelines ([`crate::archive::archive_due`]) where the app has an
//! archive.

use crate::ports::{ListFilter, OutboxRecord, configuration_fault};
use crate::steps::{App, AppError, Exec};
use chrono::Duration;
use mendwork_domain::overdue::overdue;
use mendwork_domain::{Command, Status, WorkOrderId};
use serde::Serialize;
use std::collections::BTreeSet;

/// How a sweep goes.
#[derive(Debug, Clone, Copy)]
pub struct SweepPolicy {
    /// A record is re-driven once it has waited this long: longer than its stream delivery
    /// normally takes, so the sweep rarely races the stream (which is harmless anyway).
    pub redrive_after: Duration,
    /// At most this many records per sweep (oldest first); the rest wait for the next one.
    pub batch: usize,
}

impl Default for SweepPolicy {
    fn default() -> Self {
        SweepPolicy {
            redrive_after: Duration::minutes(5),
            batch: 100,
        }
    }
}

/// What a sweep did (the sweeper returns it; its figures become metrics).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Swept {
    /// Undone records old enough to re-drive.
    pub due: usize,
    /// Re-driven and marked done.
    pub redriven: usize,
    /// Left pending because the deployment may not carry them out (a configuration fault):
    /// the next sweep tries again, the alarm tells the team. A parked record does not hold up
    /// the records after it (what the deployment may do goes on).
    pub parked: usize,
    /// Left pending after a passing failure (or behind an earlier record of the same work
    /// order, which keeps each work order's messages in order).
    pub failed: usize,
    /// Seconds since the oldest record still undone after this sweep was committed; 0 when
    /// none is.
    pub oldest_undone_seconds: i64,
    /// Work orders put in front of the team as overdue by this sweep.
    pub flagged: Vec<WorkOrderId>,
    /// The configuration faults met, each once (code and what was being done).
    pub faults: BTreeSet<String>,
    /// What the archive's page did (empty without an archive, or when reading its page
    /// failed: logged, and the next sweep tries again).
    pub archive: crate::archive::ArchiveSwept,
}

/// One sweep (see the module documentation). Failures of single records or work orders are
/// counted, not returned: one stuck record must not stop the others. Only failing to read the
/// outbox or the work orders is an error.
pub async fn sweep(app: &App, policy: &SweepPolicy) -> Result<Swept, AppError> {
    let mut out = Swept::default();
    redrive(app, policy, &mut out).await?;
    flag_overdue(app, &mut out).await?;
    if let Some(archive) = &app.archive {
        match crate::archive::archive_due(archive, app.clock.as_ref(), crate::archive::ARCHIVE_PAGE)
            .await
        {
            Ok(done) => out.archive = done,
            Err(e) => {
                tracing::error!(error = %crate::redact::chain(&e), "could not read the archive's page; the next sweep tries again");
            }
        }
    }
    Ok(out)
}

async fn redrive(app: &App, policy: &SweepPolicy, out: &mut Swept) -> Result<(), AppError> {
    let now = app.now();
    let pending = app.outbox.pending_outbox(policy.batch).await?;
    // A work order whose earlier record failed (a passing failure) keeps its later ones for the
    // next sweep, so its messages stay in order.
    let mut held: BTreeSet<Option<WorkOrderId>> = BTreeSet::new();
    let mut undone: Vec<&OutboxRecord> = vec![];
    for record in &pending {
        let due = now - record.created_at >= policy.redrive_after;
        let key = record.work_order.clone();
        if !due || (key.is_some() && held.contains(&key)) {
            out.due += usize::from(due);
            out.failed += usize::from(due);
            undone.push(record);
            continue;
        }
        out.due += 1;
        let done = match app.carry_out(record).await {
            Ok(()) => app
                .outbox
                .outbox_done(&record.id)
                .await
                .map_err(AppError::from),
            Err(e) => Err(e),
        };
        match done {
            Ok(()) => out.redriven += 1,
            Err(e) => {
                match configuration_fault(&e) {
                    Some(fault) => {
                        out.parked += 1;
                        out.faults.insert(fault.to_string());
                        tracing::warn!(outbox = %record.id, fault = %fault, "outbox record parked: the deployment may not carry it out");
                    }
                    None => {
                        out.failed += 1;
                        held.insert(key);
                        tracing::warn!(outbox = %record.id, error = %crate::redact::chain(&e), "outbox record still undone; the next sweep tries again");
                    }
                }
                undone.push(record);
            }
        }
    }
    out.oldest_undone_seconds = undone
        .iter()
        .map(|r| (now - r.created_at).num_seconds())
        .max()
        .unwrap_or(0)
        .max(0);
    Ok(())
}

async fn flag_overdue(app: &App, out: &mut Swept) -> Result<(), AppError> {
    let portfolio = app.portfolio();
    // Needs-attention, closed and cancelled work orders are never overdue: not read at all.
    let watched = Status::ALL
        .into_iter()
        .filter(|s| !s.is_final() && *s != Status::NeedsAttention);
    for status in watched {
        let filter = ListFilter {
            status: Some(status),
            open_only: true,
            ..ListFilter::default()
        };
        for wo in app.lookups.list(&filter).await? {
            let Some(property) = portfolio.property(&wo.request.property) else {
                continue;
            };
            let policy = portfolio.policy_for(property);
            if overdue(&wo, &policy, app.now()).is_none() {
                continue;
            }
            match app
                .execute(&wo.id, Command::FlagOverdue, Exec::default())
                .await
            {
                Ok(done) if !done.events.is_empty() => {
                    tracing::warn!(work_order = %wo.id, "work order overdue: the team is told");
                    out.flagged.push(wo.id);
                }
                Ok(_) => {}
                Err(e) => {
                    if let Some(fault) = configuration_fault(&e) {
                        out.faults.insert(fault.to_string());
                    }
                    tracing::warn!(work_order = %wo.id, error = %crate::redact::chain(&e), "could not flag an overdue work order; the next sweep tries again");
                }
            }
        }
    }
    Ok(())
}
