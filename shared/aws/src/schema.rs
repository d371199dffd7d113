//! The one DynamoDB table, in one place: its key schema ([`create_table`] and `template.yaml`
//! must agree with the constants here) and how every kind of item is keyed.
//!
//! # Table
//!
//! | | |
//! |---|---|
//! | key | `pk` (S, hash), `sk` (S, range) |
//! | `gsi1` | `gsi1pk` (S, hash), `gsi1sk` (S, range), projection ALL |
//! | `gsi2` | `gsi2pk` (S, hash), `gsi2sk` (S, range), projection ALL |
//! | `gsi3`, `gsi4`, `gsi5` | `gsiNpk` (S, hash), `gsiNsk` (S, range), projection ALL: pages |
//! | `gsi6` | `gsi6pk` (S, hash), `gsi6sk` (S, range), projection ALL: tenant phones |
//! | stream | `NEW_IMAGE` |
//! | TTL | `expires_at` (number, epoch seconds) |
//! | billing | on demand |
//!
//! The adapters read whole items from the indexes, so every GSI must project ALL.
//!
//! # Items
//!
//! Timestamps are RFC 3339 UTC with nanoseconds (fixed width, so text order is time order).
//!
//! | item | `pk` | `sk` | other attributes | `gsi1` | `gsi2` |
//! |---|---|---|---|---|---|
//! | work order | `WO#<id>` | `META` | `version` (N), `json`, `status`, `open`, `code`, `property`, `vendor`, `offer_vendor`, `tenant_phone`, `created_at`, `updated_at`, `archived` (once its timeline is archived) | `STATUS#<status>` / `<created_at>#<id>` | `PROPERTY#<property>` / `<created_at>#<id>` |
//!
//! A work order with a tenant phone is also in `gsi6`: `TENANT#<hex SHA-256 of the E.164
//! phone>` / `<created_at>#<id>`, open or closed, so a text from a tenant of an earlier work
//! order finds it with one query (the phone itself is not an index key). Work orders last
//! written before this index existed are in it from their next commit.
//! | timeline event | `WO#<id>` | `EV#<version:010>#<index:04>` | `at`, `event` (JSON), `version` | | |
//! | open-WO lookup | `BYVENDOR#<vendor>`, `BYPHONE#<phone>`, `BYCODE#<code>` | `WO#<id>` | `wo` | | |
//! | outbox record | `OUTBOX#<record id>` | `OUTBOX` | `kind` (the effect tag: `email`, `sms`, `set_timer`, `cancel_timer`, `run`), `record` (JSON), `wo`, `created_at` | `OUTBOX` / `<commit time>#<index:04>` | |
//! | idempotency key | `IDEM#<key>` | `IDEM` | `value`, `at`, `expires_at` (+30 days) | | |
//! | visit | `VISIT#<id>` | `VISIT` | `json`, `property`, `work_order`, `status`, `expected_start`, `expected_end` | `VISITS#<property>` / `<expected_end>#<id>` (only with a window) | `CHECKEDIN#<property>` / `<id>` (only while checked in) |
//! | opt-out | `OPTOUTS` | `PHONE#<phone>` | `at` | | |
//! | vendor calendar | `CAL#<vendor>` | `CAL` | `rev` (N), `bookings` (JSON: work order, window) | | |
//! | sent guard | `SENT#<outbox id>` | `SENT` | `state` (`sending`/`sent`), `at`, `channel`, `message_id`, `wo`, `expires_at` (+30 days) | | |
//! | portfolio | `CONFIG` | `PORTFOLIO` | `version` (N), `digest`, `json`, `loaded_at` | | |
//! | vendor by phone | `VENDORPHONE#<phone>` | `VENDORPHONE` | `vendor` | `VENDORPHONES` / `<phone>` | |
//! | rate-limit window | `LIMIT#<kind>#<hashed key>#<window start>` | `LIMIT` | `count` (N), `expires_at` (window end + 1 h) | | |
//! | webhook delivery | `WEBHOOK#<endpoint>` | `EVT#<event id>` | see `deliveries` | `WEBHOOKDUE` | `WEBHOOKLOG#<endpoint>` |
//! | API key | `APIKEYS` | `KEY#<id>` | `name`, `scope`, `hash`, `created_at`, `created_by`, `last_used_at`, `revoked_at` (see `api_keys`) | | |
//! | PMS pull cursor | `PMS#<system>` | `CURSOR` | `at` (the newest change read; moved by a put conditioned on the value read, see `pms_cursors`) | | |
//! | metrics row | `METRIC#<Monday of the week>` | `<property>#<vendor or empty>` | `week`, `property`, `vendor`, one N per non-zero field (`requests`, `to_assign_07`, …; see `crate::metrics`) | | |
//!
//! A work order is also in the page indexes: `gsi3` `WORKORDERS` / `<created_at>#<id>` (every
//! work order, newest first); while open, `gsi4` `QUEUE` / queue key and `gsi5`
//! `QUEUE#<property>` / queue key (the queue key is `mendwork_app::queries::queue_key`). The
//! queue indexes are sparse: a closed or cancelled work order leaves them, so the queue never
//! reads one. `gsi4` also holds, apart from the queue, the archive's pages
//! (`mendwork_app::archive`): a closed or cancelled work order not yet archived is in its
//! `ARCHIVE` partition by last change (`<updated_at>#<id>`), one marked archived whose events
//! are not yet given their expiry in `ARCHIVED` (`<id>`), and an archived one in neither; the
//! mark is the `archived` attribute (and the work order's own `archived`). `WORKORDERS` is one partition: a small team writes a few work orders an hour,
//! far below a partition's 1,000 writes a second.
//!
//! Rules that keep this sound:
//! - Only outbox items carry an attribute named `kind`: the Streams consumers filter on it
//!   (`kind = run` → dispatch, `kind <> run` → outbox). Nothing else may use that name.
//! - A work order's `version` is the number of its commits; a commit's timeline keys are
//!   derived from the version it writes, so two commits can never interleave their events.
//! - Lookup items exist exactly for open work orders (one per vendor holding the offer or the
//!   assignment, one for the tenant phone, one for the code), maintained in the commit's
//!   transaction; readers still re-check the work order itself.
//! - Outbox items are deleted when done (a `REMOVE` stream record has no `NewImage`, so the
//!   consumers' filters drop it); until then they sit in the `OUTBOX` partition of `gsi1`.
//! - Opt-outs are one small item per phone in the `OPTOUTS` partition (no item grows with
//!   their number, so no flood of STOPs can push one past DynamoDB's 400 KB): the sender's
//!   last gate is one `GetItem`, the whole list one paged `Query`; STOP and START are a `Put`
//!   and a `Delete`, idempotent.
//! - A vendor's calendar item lists the bookings of its open work orders; every commit that
//!   takes or gives up a booking rewrites it in the same transaction, conditioned on the
//!   revision it read (see `calendar`), so two commits cannot book one vendor's time twice.
//!   Bookings a day past their end are dropped on the next write, so the item stays as small
//!   as the vendor's open appointments.

use crate::error::{AwsError, build, sdk};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};
use chrono::{DateTime, SecondsFormat, Utc};

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1: &str = "gsi1";
pub const GSI1PK: &str = "gsi1pk";
pub const GSI1SK: &str = "gsi1sk";
pub const GSI2: &str = "gsi2";
pub const GSI2PK: &str = "gsi2pk";
pub const GSI2SK: &str = "gsi2sk";
pub const GSI3: &str = "gsi3";
pub const GSI3PK: &str = "gsi3pk";
pub const GSI3SK: &str = "gsi3sk";
pub const GSI4: &str = "gsi4";
pub const GSI4PK: &str = "gsi4pk";
pub const GSI4SK: &str = "gsi4sk";
pub const GSI5: &str = "gsi5";
pub const GSI5PK: &str = "gsi5pk";
pub const GSI5SK: &str = "gsi5sk";
/// Every work order, in `gsi3`.
pub const WORK_ORDERS_INDEX: &str = "WORKORDERS";
/// Open work orders in queue order, in `gsi4`.
pub const QUEUE_INDEX: &str = "QUEUE";
/// Closed or cancelled work orders whose timeline is not archived yet, in `gsi4`, by last
/// change (`<updated_at>#<id>`): the archive's due page.
pub const ARCHIVE_INDEX: &str = "ARCHIVE";
/// Work orders marked archived whose event items have not been given their expiry yet, in
/// `gsi4` (`<id>`): left only by a sweep that stopped between the two.
pub const ARCHIVED_INDEX: &str = "ARCHIVED";
pub const GSI6: &str = "gsi6";
pub const GSI6PK: &str = "gsi6pk";
pub const GSI6SK: &str = "gsi6sk";
/// The TTL attribute (epoch seconds).
pub const TTL: &str = "expires_at";
/// The attribute the Streams consumers filter on; only outbox items have it.
pub const KIND: &str = "kind";

pub const META: &str = "META";
pub const OUTBOX_SK: &str = "OUTBOX";
pub const OUTBOX_INDEX: &str = "OUTBOX";
pub const IDEM_SK: &str = "IDEM";
pub const VISIT_SK: &str = "VISIT";
pub const SENT_SK: &str = "SENT";
pub const OPTOUTS: &str = "OPTOUTS";
pub const CONFIG: &str = "CONFIG";
pub const PORTFOLIO_SK: &str = "PORTFOLIO";
pub const VENDOR_PHONE_SK: &str = "VENDORPHONE";
pub const VENDOR_PHONES_INDEX: &str = "VENDORPHONES";

/// How long idempotency keys and sent guards live (DynamoDB deletes them some time after).
pub const KEEP_DAYS: i64 = 30;

pub fn wo_pk(id: &str) -> String {
    format!("WO#{id}")
}
pub fn event_sk(version: u64, index: usize) -> String {
    format!("EV#{version:010}#{index:04}")
}
pub const EVENT_PREFIX: &str = "EV#";
pub fn by_vendor_pk(vendor: &str) -> String {
    format!("BYVENDOR#{vendor}")
}
pub fn by_phone_pk(phone: &str) -> String {
    format!("BYPHONE#{phone}")
}
pub fn by_code_pk(code: &str) -> String {
    format!("BYCODE#{code}")
}
pub fn lookup_sk(wo: &str) -> String {
    format!("WO#{wo}")
}
pub fn status_index(status: &str) -> String {
    format!("STATUS#{status}")
}
pub fn property_index(property: &str) -> String {
    format!("PROPERTY#{property}")
}
/// The `gsi6` partition of a tenant phone's work orders: a hash, so the index keys hold no
/// phone number.
pub fn tenant_index(phone: &str) -> String {
    use sha2::{Digest, Sha256};
    let hex: String = Sha256::digest(phone.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("TENANT#{hex}")
}

/// Open work orders of one property in queue order, in `gsi5`.
pub fn property_queue_index(property: &str) -> String {
    format!("QUEUE#{property}")
}
pub fn newest_sk(created_at: DateTime<Utc>, id: &str) -> String {
    format!("{}#{id}", ts(created_at))
}
pub fn outbox_pk(id: &str) -> String {
    format!("OUTBOX#{id}")
}
pub fn outbox_order(commit_time: DateTime<Utc>, index: usize) -> String {
    format!("{}#{index:04}", ts(commit_time))
}
pub fn idem_pk(key: &str) -> String {
    format!("IDEM#{key}")
}
pub fn visit_pk(id: &str) -> String {
    format!("VISIT#{id}")
}
pub fn visits_index(property: &str) -> String {
    format!("VISITS#{property}")
}
pub fn checked_in_index(property: &str) -> String {
    format!("CHECKEDIN#{property}")
}
pub fn sent_pk(id: &str) -> String {
    format!("SENT#{id}")
}
pub fn calendar_pk(vendor: &str) -> String {
    format!("CAL#{vendor}")
}
pub const CAL_SK: &str = "CAL";
pub fn opt_out_sk(phone: &str) -> String {
    format!("PHONE#{phone}")
}
pub const OPT_OUT_PREFIX: &str = "PHONE#";
pub fn vendor_phone_pk(phone: &str) -> String {
    format!("VENDORPHONE#{phone}")
}
/// A rate-limit counter's window (`storage_key` is `<kind>#<hashed key>#<window start>`, so no
/// phone, address or IP address is stored in the clear).
pub fn limit_pk(storage_key: &str) -> String {
    format!("LIMIT#{storage_key}")
}
pub const LIMIT_SK: &str = "LIMIT";

/// The partition of the metrics projection's rows of one week (its Monday, `YYYY-MM-DD`).
pub fn metric_pk(week: chrono::NaiveDate) -> String {
    format!("METRIC#{}", week.format("%Y-%m-%d"))
}
/// A metrics row within its week: the property and the vendor (empty for the work orders'
/// own figures). Property ids hold no `#` (portfolio ids are slugs), so keys cannot collide.
pub fn metric_sk(
    property: &mendwork_domain::PropertyId,
    vendor: Option<&mendwork_domain::VendorId>,
) -> String {
    format!(
        "{}#{}",
        property.as_str(),
        vendor.map_or("", mendwork_domain::VendorId::as_str)
    )
}

/// A connected PMS's pull cursor (`system` is lowercase letters, e.g. `buildium`).
pub fn pms_pk(system: &str) -> String {
    format!("PMS#{system}")
}
pub const PMS_CURSOR_SK: &str = "CURSOR";

/// A timestamp as stored: RFC 3339 UTC with nanoseconds, fixed width for years 1000–9999.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub fn parse_ts(s: &str) -> Result<DateTime<Utc>, AwsError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AwsError::Invalid(format!("the stored time {s:?} is not RFC 3339: {e}")))
}

/// Epoch seconds `KEEP_DAYS` after `now`, for the TTL attribute.
pub fn expiry(now: DateTime<Utc>) -> String {
    (now + chrono::Duration::days(KEEP_DAYS))
        .timestamp()
        .to_string()
}

fn key(name: &str, kind: KeyType) -> Result<KeySchemaElement, AwsError> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .map_err(|e| build("building the key schema", e))
}

fn string_attribute(name: &str) -> Result<AttributeDefinition, AwsError> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(|e| build("building the attribute definitions", e))
}

fn gsi(name: &str, hash: &str, range: &str) -> Result<GlobalSecondaryIndex, AwsError> {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(hash, KeyType::Hash)?)
        .key_schema(key(range, KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .map_err(|e| build(format!("building index {name}"), e))
}

/// Creates the table as `template.yaml` declares it (for tests and local set-up), waits until
/// it is active and turns TTL on. An existing table of that name is left as it is.
pub async fn create_table(client: &Client, table: &str) -> Result<(), AwsError> {
    let mut create = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(SK, KeyType::Range)?)
        .global_secondary_indexes(gsi(GSI1, GSI1PK, GSI1SK)?)
        .global_secondary_indexes(gsi(GSI2, GSI2PK, GSI2SK)?)
        .global_secondary_indexes(gsi(GSI3, GSI3PK, GSI3SK)?)
        .global_secondary_indexes(gsi(GSI4, GSI4PK, GSI4SK)?)
        .global_secondary_indexes(gsi(GSI5, GSI5PK, GSI5SK)?)
        .global_secondary_indexes(gsi(GSI6, GSI6PK, GSI6SK)?)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewImage)
                .build()
                .map_err(|e| build("building the stream specification", e))?,
        );
    for name in [
        PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK, GSI4PK, GSI4SK, GSI5PK, GSI5SK,
        GSI6PK, GSI6SK,
    ] {
        create = create.attribute_definitions(string_attribute(name)?);
    }
    match create.send().await {
        Ok(_) => {}
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_in_use_exception()) =>
        {
            return Ok(());
        }
        Err(e) => return Err(sdk(format!("creating table {table}"), e)),
    }
    for _ in 0..600 {
        let described = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| sdk(format!("describing table {table}"), e))?;
        let active = described
            .table()
            .and_then(|t| t.table_status())
            .is_some_and(|s| s.as_str() == "ACTIVE");
        if active {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(TTL)
                .build()
                .map_err(|e| build("building the TTL specification", e))?,
        )
        .send()
        .await
        .map_err(|e| sdk(format!("turning on TTL for table {table}"), e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_index_key_is_one_per_phone_and_does_not_show_it() {
        let a = tenant_index("+13475550188");
        assert_eq!(a, tenant_index("+13475550188"));
        assert_ne!(a, tenant_index("+13475550189"));
        assert!(!a.contains("3475550188"), "{a}");
        assert_eq!(a.len(), "TENANT#".len() + 64);
    }
}
