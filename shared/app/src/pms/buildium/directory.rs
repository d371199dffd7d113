//! Buildium's records of the portfolio for the import: rental properties (`GET /v1/rentals`),
//! their units (`GET /v1/rentals/units`), tenants (`GET /v1/leases/tenants`, each with its
//! leases) and vendors (`GET /v1/vendors`, with category and insurance), each read whole with
//! `offset`/`limit` paging through the adapter's one call policy (429 after `Retry-After`, 5xx
//! with backoff, 401/403/404 at once). Field names are the JSON names of Buildium's reference
//! (`RentalMessage`, `RentalUnitMessage`, `TenantMessage`, `LeaseMessage`, `VendorMessage`,
//! `PhoneNumberMessage`).

use super::{Buildium, PAGE};
use crate::pms::{PmsDirectory, PmsError};
use async_trait::async_trait;
use chrono::NaiveDate;
use mendwork_domain::import::{Directory, PmsProperty, PmsTenant, PmsUnit, PmsVendor};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A list read whole is at most this many pages (a runaway answer cannot loop the import).
const MAX_PAGES: usize = 1000;

impl Buildium {
    /// Every record of a list endpoint, page after page until a short one.
    async fn all<T: DeserializeOwned>(&self, path: &str, what: &str) -> Result<Vec<T>, PmsError> {
        let mut out = vec![];
        for page in 0..MAX_PAGES {
            let offset = page * PAGE;
            let got: Vec<T> = self
                .get(
                    path,
                    &[("offset", offset.to_string()), ("limit", PAGE.to_string())],
                    what,
                )
                .await?;
            let last = got.len() < PAGE;
            out.extend(got);
            if last {
                return Ok(out);
            }
        }
        Err(PmsError::Unexpected(format!(
            "{what}: more than {MAX_PAGES} pages"
        )))
    }
}

#[async_trait]
impl PmsDirectory for Buildium {
    async fn directory(&self) -> Result<Directory, PmsError> {
        let rentals: Vec<RentalMessage> = self.all("/v1/rentals", "rental properties").await?;
        let units: Vec<RentalUnitMessage> = self.all("/v1/rentals/units", "rental units").await?;
        let tenants: Vec<TenantMessage> = self.all("/v1/leases/tenants", "tenants").await?;
        let vendors: Vec<VendorMessage> = self.all("/v1/vendors", "vendors").await?;
        Ok(Directory {
            properties: rentals
                .into_iter()
                .filter_map(|r| {
                    Some(PmsProperty {
                        pms_id: r.id?.to_string(),
                        name: r.name.unwrap_or_default(),
                        address: r.address.and_then(AddressMessage::one_line),
                    })
                })
                .collect(),
            units: units
                .into_iter()
                .filter_map(|u| {
                    Some(PmsUnit {
                        pms_id: u.id?.to_string(),
                        property: u.property_id?.to_string(),
                        name: u.unit_number.unwrap_or_default(),
                    })
                })
                .collect(),
            tenants: tenants
                .into_iter()
                .filter_map(TenantMessage::into_pms)
                .collect(),
            vendors: vendors
                .into_iter()
                .filter_map(VendorMessage::into_pms)
                .collect(),
        })
    }
}

/// The numbers to text, best first: a cell phone, then the others; never a fax.
fn phones(list: Option<Vec<PhoneNumberMessage>>) -> Vec<String> {
    const ORDER: [&str; 6] = ["Cell", "Personal", "Home", "Office", "Other", "NotSet"];
    let mut list: Vec<PhoneNumberMessage> = list
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.r#type.as_deref() != Some("Fax"))
        .collect();
    list.sort_by_key(|p| {
        ORDER
            .iter()
            .position(|o| Some(*o) == p.r#type.as_deref())
            .unwrap_or(ORDER.len())
    });
    list.into_iter().filter_map(|p| p.number).collect()
}

fn name(first: Option<String>, last: Option<String>) -> String {
    [first, last]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AddressMessage {
    address_line1: Option<String>,
    address_line2: Option<String>,
    address_line3: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
}

impl AddressMessage {
    /// `line1 line2, city, state postal`, or `None` when it has no street.
    fn one_line(self) -> Option<String> {
        let street = [self.address_line1, self.address_line2, self.address_line3]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if street.is_empty() {
            return None;
        }
        let state = [self.state, self.postal_code]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Some(
            [Some(street), self.city, Some(state)]
                .into_iter()
                .flatten()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        )
    }
}

/// `RentalMessage`, the fields the import reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RentalMessage {
    id: Option<i64>,
    name: Option<String>,
    address: Option<AddressMessage>,
}

/// `RentalUnitMessage`, the fields the import reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RentalUnitMessage {
    id: Option<i64>,
    property_id: Option<i64>,
    unit_number: Option<String>,
}

/// `PhoneNumberMessage`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PhoneNumberMessage {
    number: Option<String>,
    r#type: Option<String>,
}

/// `LeaseMessage`, the fields the import reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LeaseMessage {
    property_id: Option<i64>,
    unit_id: Option<i64>,
    lease_status: Option<String>,
}

/// `TenantMessage`, the fields the import reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TenantMessage {
    id: Option<i64>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone_numbers: Option<Vec<PhoneNumberMessage>>,
    #[serde(rename = "SMSOptInStatus")]
    sms_opt_in_status: Option<String>,
    leases: Option<Vec<LeaseMessage>>,
}

impl TenantMessage {
    fn into_pms(self) -> Option<PmsTenant> {
        let lease = self
            .leases
            .unwrap_or_default()
            .into_iter()
            .find(|l| l.lease_status.as_deref() == Some("Active"));
        // A resident who opted out of texts in Buildium gets none from Mendwork either (the
        // reference does not list the values; any that reads "out" counts).
        let opted_out = self
            .sms_opt_in_status
            .as_deref()
            .is_some_and(|s| s.to_ascii_lowercase().contains("out"));
        Some(PmsTenant {
            pms_id: self.id?.to_string(),
            name: name(self.first_name, self.last_name),
            phones: if opted_out {
                vec![]
            } else {
                phones(self.phone_numbers)
            },
            email: self.email.filter(|e| !e.trim().is_empty()),
            property: lease
                .as_ref()
                .and_then(|l| l.property_id)
                .map(|i| i.to_string()),
            unit: lease.and_then(|l| l.unit_id).map(|i| i.to_string()),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CategoryMessage {
    name: Option<String>,
}

/// `VendorInsuranceMessage`, the field the import reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VendorInsuranceMessage {
    expiration_date: Option<String>,
}

/// `VendorMessage`, the fields the import reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VendorMessage {
    id: Option<i64>,
    is_company: Option<bool>,
    is_active: Option<bool>,
    first_name: Option<String>,
    last_name: Option<String>,
    company_name: Option<String>,
    primary_email: Option<String>,
    phone_numbers: Option<Vec<PhoneNumberMessage>>,
    category: Option<CategoryMessage>,
    vendor_insurance: Option<VendorInsuranceMessage>,
}

impl VendorMessage {
    fn into_pms(self) -> Option<PmsVendor> {
        let person = name(self.first_name, self.last_name);
        let company = self.company_name.filter(|c| !c.trim().is_empty());
        let name = match (self.is_company.unwrap_or(false), company) {
            (true, Some(c)) => c,
            (false, _) if !person.is_empty() => person,
            (_, Some(c)) => c,
            _ => person,
        };
        Some(PmsVendor {
            pms_id: self.id?.to_string(),
            name,
            category: self.category.and_then(|c| c.name),
            phones: phones(self.phone_numbers),
            email: self.primary_email.filter(|e| !e.trim().is_empty()),
            // A date, or a time whose first ten characters are the date.
            insurance_expires: self
                .vendor_insurance
                .and_then(|i| i.expiration_date)
                .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok()),
            active: self.is_active.unwrap_or(true),
        })
    }
}
