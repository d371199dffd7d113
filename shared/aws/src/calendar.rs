//! Vendors' calendars on the table: one item per vendor (`CAL#<vendor>` / `CAL`) listing the
//! bookings of its open work orders, written in the same `TransactWriteItems` as every commit
//! that takes or gives up a booking, conditioned on the revision read. Two commits that book
//! one vendor at the same moment cannot both pass that condition, and a commit whose booking
//! clashes with one already there is refused before it is sent: no double booking under races.

use crate::error::{AwsError, build, sdk};
use crate::item::{Item, get_s, item, key, n, req_u64, s, to_json};
use crate::schema::{CAL_SK, PK, calendar_pk};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use chrono::{DateTime, Utc};
use mendwork_domain::VendorId;
use mendwork_domain::booking::{Booking, CalendarChange, apply};

/// The revision attribute every calendar write is conditioned on.
const REV: &str = "rev";
/// The bookings, as a JSON list.
const BOOKINGS: &str = "bookings";

/// What the calendars of a commit came to.
pub(crate) enum Calendars {
    /// Items to write in the commit's transaction (none when the booking did not change).
    Writes(Vec<(Item, Option<u64>)>),
    /// The booking taken would clash with this one of another work order.
    Clash(Booking),
}

/// Reads the calendars `change` touches (consistently) and builds their new items; `now` is
/// the workflow's time, for dropping bookings long over.
pub(crate) async fn calendars(
    client: &Client,
    table: &str,
    change: &CalendarChange,
    now: DateTime<Utc>,
) -> Result<Calendars, AwsError> {
    let mut vendors: Vec<&VendorId> = change
        .release
        .iter()
        .chain(change.hold.iter())
        .map(|b| &b.vendor)
        .collect();
    vendors.dedup();
    let mut out = Vec::new();
    for vendor in vendors {
        let (rev, held) = read(client, table, vendor).await?;
        match apply(&held, change, vendor, now) {
            Ok(bookings) => out.push((calendar_item(vendor, rev + 1, &bookings)?, Some(rev))),
            Err(taken) => return Ok(Calendars::Clash(taken)),
        }
    }
    Ok(Calendars::Writes(out))
}

/// A vendor's calendar as stored: its revision (0 when there is none yet) and bookings.
pub(crate) async fn read(
    client: &Client,
    table: &str,
    vendor: &VendorId,
) -> Result<(u64, Vec<Booking>), AwsError> {
    let got = client
        .get_item()
        .table_name(table)
        .set_key(Some(key(calendar_pk(vendor.as_str()), CAL_SK)))
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| sdk("reading a vendor's calendar", e))?;
    let Some(it) = got.item else {
        return Ok((0, vec![]));
    };
    let rev = req_u64(&it, REV, "a vendor's calendar")?;
    let bookings = match get_s(&it, BOOKINGS) {
        Some(text) => crate::item::from_json(text, "a vendor's calendar")?,
        None => vec![],
    };
    Ok((rev, bookings))
}

fn calendar_item(vendor: &VendorId, rev: u64, bookings: &[Booking]) -> Result<Item, AwsError> {
    Ok(item([
        (PK, s(calendar_pk(vendor.as_str()))),
        (crate::schema::SK, s(CAL_SK)),
        (REV, n(rev)),
        (BOOKINGS, s(to_json(&bookings, "a vendor's calendar")?)),
    ]))
}

/// The transaction action writing a calendar item read at revision `read` (0: absent).
pub(crate) fn put_action(
    table: &str,
    it: Item,
    read: Option<u64>,
) -> Result<TransactWriteItem, AwsError> {
    let mut put = Put::builder().table_name(table).set_item(Some(it));
    put = match read {
        Some(0) | None => put
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK),
        Some(rev) => put
            .condition_expression("#rev = :rev")
            .expression_attribute_names("#rev", REV)
            .expression_attribute_values(":rev", n(rev)),
    };
    let put = put
        .build()
        .map_err(|e| build("building a calendar put", e))?;
    Ok(TransactWriteItem::builder().put(put).build())
}
