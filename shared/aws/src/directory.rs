//! The portfolio in the table: [`load_portfolio`] (the config loader) writes it, every function
//! reads it once at cold start ([`read_portfolio`]) and serves it from memory
//! ([`TableDirectory`]).

use crate::error::{AwsError, sdk};
use crate::item::{doc, from_json, get_s, item, key, n, req_u64, s, to_json};
use crate::schema::*;
use aws_sdk_dynamodb::Client;
use mendwork_app::ports::Directory;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_domain::Portfolio;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// DynamoDB's item size limit is 400 KB; leave room for the other attributes.
const MAX_PORTFOLIO_BYTES: usize = 380 * 1024;

/// The portfolio as stored, with its version (1 for the first load, +1 per changed load).
#[derive(Debug, Clone)]
pub struct StoredPortfolio {
    pub version: u64,
    pub digest: String,
    pub portfolio: Portfolio,
}

/// The portfolio item, if one was loaded (strongly consistent read).
pub async fn read_portfolio(
    client: &Client,
    table: &str,
) -> Result<Option<StoredPortfolio>, AwsError> {
    let got = client
        .get_item()
        .table_name(table)
        .set_key(Some(key(CONFIG, PORTFOLIO_SK)))
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| sdk(format!("reading the portfolio from {table}"), e))?;
    let Some(it) = got.item else {
        return Ok(None);
    };
    Ok(Some(StoredPortfolio {
        version: req_u64(&it, "version", "the portfolio item")?,
        digest: get_s(&it, "digest").unwrap_or_default().to_string(),
        portfolio: doc(&it, "json", "the portfolio")?,
    }))
}

/// The config loader: writes the portfolio (see [`store_portfolio`]). Idempotent.
pub async fn load_portfolio(
    client: &Client,
    table: &str,
    portfolio: &Portfolio,
) -> Result<(), AwsError> {
    store_portfolio(client, table, portfolio).await.map(|_| ())
}

/// Writes the portfolio: the vendor-by-phone items first (stale ones deleted), then the
/// portfolio item, whose `version` goes up by one. Idempotent: loading the same portfolio again
/// writes nothing. Returns the stored version.
///
/// The portfolio item is written last and conditioned on the version it replaces, so a reader
/// never sees a portfolio whose phone items are missing, and two loaders racing cannot both
/// win (the loser gets an error and may run again).
pub async fn store_portfolio(
    client: &Client,
    table: &str,
    portfolio: &Portfolio,
) -> Result<u64, AwsError> {
    let json = to_json(portfolio, "the portfolio")?;
    if json.len() > MAX_PORTFOLIO_BYTES {
        return Err(AwsError::Invalid(format!(
            "the portfolio is {} KB as JSON; one DynamoDB item holds at most {} KB",
            json.len() / 1024,
            MAX_PORTFOLIO_BYTES / 1024
        )));
    }
    // What was stored must read back as what was given (e.g. no field lost to serde skips).
    from_json::<Portfolio>(&json, "the portfolio as it would be stored")?;
    let digest: String = Sha256::digest(json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let current = read_portfolio(client, table).await?;
    if let Some(c) = &current
        && c.digest == digest
    {
        return Ok(c.version);
    }

    // Vendor-by-phone items: the wanted set, then the stored set, then the difference.
    let wanted: BTreeMap<String, String> = portfolio
        .vendors
        .iter()
        .map(|v| (v.phone.to_string(), v.id.to_string()))
        .collect();
    let mut stored: BTreeMap<String, String> = BTreeMap::new();
    let mut start = None;
    loop {
        let page = client
            .query()
            .table_name(table)
            .index_name(GSI1)
            .key_condition_expression("#h = :h")
            .expression_attribute_names("#h", GSI1PK)
            .expression_attribute_values(":h", s(VENDOR_PHONES_INDEX))
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| sdk("listing vendor phone items", e))?;
        for it in page.items.unwrap_or_default() {
            if let (Some(p), Some(v)) = (get_s(&it, GSI1SK), get_s(&it, "vendor")) {
                stored.insert(p.to_string(), v.to_string());
            }
        }
        match page.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => break,
        }
    }
    for (phone, vendor) in &wanted {
        if stored.get(phone) == Some(vendor) {
            continue;
        }
        client
            .put_item()
            .table_name(table)
            .set_item(Some(item([
                (PK, s(vendor_phone_pk(phone))),
                (SK, s(VENDOR_PHONE_SK)),
                ("vendor", s(vendor.as_str())),
                (GSI1PK, s(VENDOR_PHONES_INDEX)),
                (GSI1SK, s(phone.as_str())),
            ])))
            .send()
            .await
            .map_err(|e| sdk("writing a vendor's phone lookup", e))?;
    }
    for phone in stored.keys().filter(|p| !wanted.contains_key(*p)) {
        client
            .delete_item()
            .table_name(table)
            .set_key(Some(key(vendor_phone_pk(phone), VENDOR_PHONE_SK)))
            .send()
            .await
            .map_err(|e| sdk("deleting a vendor's phone lookup", e))?;
    }

    let version = current.as_ref().map_or(1, |c| c.version + 1);
    let mut put = client.put_item().table_name(table).set_item(Some(item([
        (PK, s(CONFIG)),
        (SK, s(PORTFOLIO_SK)),
        ("version", n(version)),
        ("digest", s(digest)),
        ("json", s(json)),
        ("loaded_at", s(ts(SystemClock.now()))),
    ])));
    put = match &current {
        None => put
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK),
        Some(c) => put
            .condition_expression("#v = :v")
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":v", n(c.version)),
    };
    put.send().await.map_err(|e| {
        sdk(
            format!("writing portfolio version {version} (another load may have raced this one)"),
            e,
        )
    })?;
    Ok(version)
}

/// The vendor a phone number belongs to, from the vendor-by-phone items.
pub async fn vendor_of_phone(
    client: &Client,
    table: &str,
    phone: &str,
) -> Result<Option<String>, AwsError> {
    let got = client
        .get_item()
        .table_name(table)
        .set_key(Some(key(vendor_phone_pk(phone), VENDOR_PHONE_SK)))
        .send()
        .await
        .map_err(|e| sdk("reading a vendor's phone lookup", e))?;
    Ok(got
        .item
        .as_ref()
        .and_then(|it| get_s(it, "vendor"))
        .map(str::to_string))
}

/// The portfolio read at cold start. A new portfolio reaches a function when its container
/// is replaced (a deployment or Lambda's own recycling).
pub struct TableDirectory {
    portfolio: Arc<Portfolio>,
}

impl TableDirectory {
    pub fn new(portfolio: Portfolio) -> TableDirectory {
        TableDirectory {
            portfolio: Arc::new(portfolio),
        }
    }
}

impl Directory for TableDirectory {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.portfolio.clone()
    }
}
