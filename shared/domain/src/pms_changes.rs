//! What the team's PMS says about a work order that the workflow cannot carry out by itself,
//! decided here once: a vendor assigned there that is no active vendor here. Mendwork does not
//! guess who that is (a vendor of the same name, the Go-To list's first): the job stays as it
//! is, and the team is put in front of it with the PMS's id for the vendor, once per flag.
//! (A vendor that maps is handed the job with the ordinary `Command::Assign` by the PMS.)

use crate::decide::Tx;
use crate::stored;
use crate::workorder::{Event, Rejection, Status};

/// The PMS's name as the team reads it.
fn display(system: &str) -> &str {
    match system {
        "buildium" => "Buildium",
        other => other,
    }
}

/// What the team reads when the PMS assigns the request to a vendor that is not an active
/// vendor of the portfolio (the reason of the `NeedsAttention` that
/// `Command::UnknownVendorInPms` records; the PMS sync knows the flag by
/// [`is_unknown_vendor_reason`] and does not write it back to the PMS that raised it).
pub fn unknown_vendor_in_pms_reason(system: &str, vendor: &str) -> String {
    let name = display(system);
    format!(
        "{name} assigned this request to its vendor {vendor}, who is not an active vendor here \
         (no vendor in the portfolio has that pms_id, or it is inactive): the job was not \
         handed over — assign it here, or import the vendor from {name}"
    )
}

/// Whether `reason` is the flag [`unknown_vendor_in_pms_reason`] of `system` (any vendor).
pub fn is_unknown_vendor_reason(system: &str, reason: &str) -> bool {
    reason.starts_with(&format!(
        "{} assigned this request to its vendor ",
        display(system)
    ))
}

/// `Command::UnknownVendorInPms`: the team is asked, unless the job is already done here or
/// already waits on the team for this same vendor.
pub(crate) fn unknown_vendor(tx: &mut Tx, system: &str, vendor: &str) -> Result<(), Rejection> {
    if tx.wo.phase() == Status::Completed {
        return Ok(());
    }
    let reason = unknown_vendor_in_pms_reason(system, vendor);
    let shown = stored::state_text(&reason);
    if tx.wo.status == Status::NeedsAttention && tx.wo.attention.as_ref() == Some(&shown) {
        return Ok(());
    }
    tx.push(Event::NeedsAttention { reason });
    Ok(())
}
