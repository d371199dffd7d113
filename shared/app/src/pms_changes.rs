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
//! Reassignment is not followed: a resident request carries no vendor in Buildium's reference
//! (`ResidentRequestTaskMessage` has only `AssignedToUserId`, a staff user), and a Buildium work
//! order's `VendorId` has nothing to map to — portfolio vendors carry no PMS id yet.

use crate::pms::{ExternalRequest, ExternalState};
use crate::pms_sync::{PullError, PullReport};
use crate::steps::{App, AppError, Exec};
use mendwork_domain::{Actor, Command, Status, WorkOrderId};

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
            return Ok(true);
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
}
