//! Who may be told what: the rules that keep a stranger's words out of messages to addresses
//! nobody confirmed, and a tenant's door codes away from vendors who never took the job.

use crate::portfolio::VendorId;
use crate::workorder::{Source, WorkOrder};

/// True when the tenant's contact details are unconfirmed: typed into the public form by
/// anyone, for any number or address. The first messages to them (confirmation, tips,
/// safety advice) then carry none of the submitter's text — no name, unit, description or
/// link of theirs — so the form cannot relay a stranger's words (or phishing links) to a
/// third party in our name. Contacts entered by the team (API, dashboard) or none at all
/// (recurring work) are the team's own.
pub fn unconfirmed_contact(wo: &WorkOrder) -> bool {
    matches!(wo.request.source, Source::Tenant)
}

/// The tenant's access notes (door codes, where the key is) as `vendor` may read them: only
/// the vendor holding the job. Invariant: a vendor who was only offered the job — and may
/// decline or let it lapse — never sees them, in a message or on the job page.
pub fn access_notes_for<'w>(wo: &'w WorkOrder, vendor: &VendorId) -> Option<&'w str> {
    if wo.vendor.as_ref() == Some(vendor) {
        wo.request.access_notes.as_deref()
    } else {
        None
    }
}
