//! Changes made in the PMS to a request Mendwork already holds as a work order, carried out here
//! through the workflow's own commands (the domain decides; its effects tell whoever the
//! command concerns). Closed or put off there: the work order is cancelled, by the PMS (the
//! vendor and the tenant are told as for any cancellation). Completed there while the job is
//! open here: the team is asked to decide (a PMS's "completed" is not a vendor's report, so
//! nothing is closed on it). Each change acts once: it runs under the idempotency key
//! `<request's token>:<change>`, and a work order already cancelled, closed or completed here is
//! left as it is — which also keeps Mendwork's own updates, read back on the next poll (a
//! cancelled job pushed as `Closed`, a finished one as `Completed`), from acting again.
//!
//! Reassigned there (a Buildium work order's `VendorId`; a resident request carries no vendor):
//! the vendor the PMS names is compared with the one it named when last read, kept as a log
//! of write-once keys `<token>:vendor-seen:<n>` on the `Keys` port (sync bookkeeping about the
//! PMS's record, like the cursor — not a fact of the job, so not an event on the timeline; and
//! a compare-and-set, since two polls cannot both add entry `n`). The first reading only sets
//! the baseline: the vendor a PMS work order names when it is pulled is not a change, and
//! Mendwork dispatches it by the Go-To list as any other. A change to a vendor that maps to an
//! active portfolio vendor (`pms_id`) other than the job's own hands the job over by
//! `Command::Assign` with the PMS as the actor (the old vendor is told the job was withdrawn,
//! the new one gets the assignment, the tenant hears as for any reassignment); to one that maps
//! to no active vendor, the team is asked (`Command::UnknownVendorInPms`), nothing guessed; to
//! the job's own vendor, or to none, nothing. Each reading acts once, under
//! `<token>:vendor:<n>:<its id>` (`n` the reading's place), however often polls overlap — and a
//! vendor the PMS names again after another (A, then B, then A) is a new reading, so the job
//! goes back. The vendor Mendwork writes to a Buildium work order is the job's own, so reading
//! it back is no change.

use crate::pms::{ExternalRequest, ExternalState};
use crate::pms_sync::{PullError, PullReport};
use crate::ports::CommitError;
use crate::steps::{App, AppError, Exec};
use mendwork_domain::{Actor, Command, Status, WorkOrderId};

/// At most this many vendor changes are followed on one request (a runaway record cannot make
/// a poll read keys forever); later ones are logged and left to the team.
const MAX_VENDOR_CHANGES: usize = 64;

impl App {
    /// Follows the PMS's state of `request` on its work order `id` (submitted under `token`).
    /// `true`: nothing is left for a later poll (a refusal is logged, not retried — the domain
    /// would refuse the same again).
    pub(crate) async fn follow_change(
        &self,
        system: &str,
        request: &ExternalRequest,
        id: &WorkOrderId,
        token: &str,
        report: &mut PullReport,
    ) -> Result<bool, PullError> {
        if request.state.is_open() {
            return self.follow_vendor(system, request, id, token, report).await;
        }
        let Some(stored) = self.work_orders.load(id).await? else {
            return Ok(true);
        };
        let wo = stored.wo;
        // Final here, or the vendor already reported it done: the PMS has nothing to change.
        if wo.status.is_final() || wo.phase() == Status::Completed {
            return Ok(true);
        }
        let (change, command) = match request.state {
            ExternalState::Open => return Ok(true),
            ExternalState::Closed | ExternalState::Deferred => (
                "cancelled",
                Command::Cancel {
                    by: Actor::Pms(system.to_string()),
                    // The tenant's cancellation email shows a reason as written: none rather
                    // than words outside the catalogue. The timeline names the PMS as the actor.
                    reason: None,
                },
            ),
            ExternalState::Completed => (
                "completed",
                Command::CompletedInPms {
                    system: system.to_string(),
                },
            ),
        };
        let exec = Exec {
            idempotency_key: Some(format!("{token}:{change}")),
            inbound: None,
        };
        match self.execute(id, command, exec).await {
            Ok(done) if done.duplicate || done.events.is_empty() => {}
            Ok(_) if change == "cancelled" => report.cancelled += 1,
            Ok(_) => report.flagged += 1,
            Err(AppError::Rejected(r)) => {
                tracing::warn!(system, request = %request.reference.key(), reason = %r, "a change made in the PMS was refused");
            }
            Err(e) => return Err(e.into()),
        }
        Ok(true)
    }

    /// Follows the vendor the PMS names on an open request (see the module's header). `true`
    /// always: a refusal is logged, not retried.
    async fn follow_vendor(
        &self,
        system: &str,
        request: &ExternalRequest,
        id: &WorkOrderId,
        token: &str,
        report: &mut PullReport,
    ) -> Result<bool, PullError> {
        let (seen, last) = self.vendor_seen(token).await?;
        let now = seen_value(request.vendor.as_deref());
        if seen > 0 && last.as_deref() == Some(now.as_str()) {
            return Ok(true);
        }
        if seen >= MAX_VENDOR_CHANGES {
            tracing::warn!(system, request = %request.reference.key(), "too many vendor changes in the PMS; no longer followed");
            return Ok(true);
        }
        if seen > 0
            && let Some(vendor) = request.vendor.as_deref()
        {
            self.hand_over(
                system,
                request,
                vendor,
                id,
                &format!("{token}:vendor:{seen}"),
                report,
            )
            .await?;
        }
        // After acting, so that a poll stopped in between acts again (the key keeps it once).
        self.vendor_read(token, seen, request.vendor.as_deref())
            .await?;
        Ok(true)
    }

    /// Keeps reading `n` of the vendor the PMS names for the request submitted under `token`
    /// (the pull keeps reading 0 when it makes the work order). Already kept by an overlapping
    /// poll: the same reading, nothing to do.
    pub(crate) async fn vendor_read(
        &self,
        token: &str,
        n: usize,
        vendor: Option<&str>,
    ) -> Result<(), PullError> {
        match self
            .keys
            .remember(&format!("{token}:vendor-seen:{n}"), &seen_value(vendor))
            .await
        {
            Ok(()) | Err(CommitError::Duplicate(_)) => Ok(()),
            Err(e) => Err(AppError::from(e).into()),
        }
    }

    /// How many vendor readings of the request are kept, and the last one.
    async fn vendor_seen(&self, token: &str) -> Result<(usize, Option<String>), PullError> {
        let mut last = None;
        for n in 0..=MAX_VENDOR_CHANGES {
            match self
                .keys
                .idempotent(&format!("{token}:vendor-seen:{n}"))
                .await?
            {
                Some(v) => last = Some(v),
                None => return Ok((n, last)),
            }
        }
        Ok((MAX_VENDOR_CHANGES + 1, last))
    }

    /// The PMS now names `vendor` (its id there) for the request on work order `id`, in the
    /// reading whose key is `reading` (so one reading acts once).
    async fn hand_over(
        &self,
        system: &str,
        request: &ExternalRequest,
        vendor: &str,
        id: &WorkOrderId,
        reading: &str,
        report: &mut PullReport,
    ) -> Result<(), PullError> {
        let Some(stored) = self.work_orders.load(id).await? else {
            return Ok(());
        };
        let wo = stored.wo;
        if wo.status.is_final() || wo.phase() == Status::Completed {
            return Ok(());
        }
        let portfolio = self.portfolio();
        let (command, handed) = match portfolio.vendor_by_pms_id(vendor).filter(|v| v.active) {
            Some(v) if wo.vendor.as_ref() == Some(&v.id) => return Ok(()),
            Some(v) => (
                Command::Assign {
                    vendor: v.id.clone(),
                    by: Actor::Pms(system.to_string()),
                },
                true,
            ),
            None => (
                Command::UnknownVendorInPms {
                    system: system.to_string(),
                    vendor: vendor.to_string(),
                },
                false,
            ),
        };
        let exec = Exec {
            idempotency_key: Some(format!("{reading}:{vendor}")),
            inbound: None,
        };
        match self.execute(id, command, exec).await {
            Ok(done) if done.duplicate || done.events.is_empty() => {}
            Ok(_) if handed => report.reassigned += 1,
            Ok(_) => report.flagged += 1,
            Err(AppError::Rejected(r)) => {
                tracing::warn!(system, request = %request.reference.key(), reason = %r, "a vendor change made in the PMS was refused");
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }
}

/// A vendor reading as kept: `v:<id>`, or `none` when the PMS names no vendor.
fn seen_value(vendor: Option<&str>) -> String {
    vendor.map_or_else(|| "none".to_string(), |v| format!("v:{v}"))
}
