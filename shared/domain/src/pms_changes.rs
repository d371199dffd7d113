//! What the team's PMS says about a work order that the workflow cannot carry out by itself,
//! decided here once: a vendor assigned there that is no active vendor here. Mendwork does not
//! guess who that is (a vendor of the same name, the Go-To list's first): the job stays as it
//! is, and the team is put in front of it with the PMS's id for the vendor, once per flag.
//! (A vendor that maps is handed the job with the ordinary `Command::Assign` by the PMS.) The
//! flag is [`Cause::UnknownVendorInPms`], which the PMS sync knows by its variant and does not
//! write back to the PMS that raised it.

use crate::attention::Cause;
use crate::decide::Tx;
use crate::workorder::{Event, Rejection, Status};

/// `Command::UnknownVendorInPms`: the team is asked, unless the job is already done here or
/// already waits on the team for this same vendor.
pub(crate) fn unknown_vendor(tx: &mut Tx, system: &str, vendor: &str) -> Result<(), Rejection> {
    if tx.wo.phase() == Status::Completed {
        return Ok(());
    }
    let cause = Cause::UnknownVendorInPms {
        system: system.to_string(),
        pms_vendor: vendor.to_string(),
    }
    .bounded();
    if tx.wo.status == Status::NeedsAttention && tx.wo.attention.as_ref() == Some(&cause) {
        return Ok(());
    }
    tx.push(Event::NeedsAttention { cause });
    Ok(())
}
