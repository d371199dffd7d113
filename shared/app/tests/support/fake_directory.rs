//! The fake Buildium's records for the import, in the documented JSON shapes (PascalCase
//! names of `RentalMessage`, `RentalUnitMessage`, `TenantMessage` with its `LeaseMessage`s,
//! `VendorMessage` with `PhoneNumberMessage`s, its category and `VendorInsuranceMessage`),
//! served by `GET /v1/rentals`, `/v1/rentals/units`, `/v1/leases/tenants` and `/v1/vendors`
//! with `offset`/`limit` paging.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::fake_buildium::FakeBuildium;
use serde_json::{Value, json};

impl FakeBuildium {
    /// A rental property, as `GET /v1/rentals` returns it.
    pub fn add_rental(&self, id: i64, name: &str, street: &str) {
        let r = json!({
            "Id": id,
            "Name": name,
            "StructureDescription": "",
            "NumberUnits": 12,
            "IsActive": true,
            "OperatingBankAccountId": 10,
            "Reserve": 0.0,
            "Address": {"AddressLine1": street, "AddressLine2": "", "AddressLine3": "", "City": "Brooklyn", "State": "NY", "PostalCode": "11201", "Country": "UnitedStates"},
            "YearBuilt": 1962,
            "RentalType": "Residential",
            "RentalSubType": "MultiFamily",
            "RentalManager": null
        });
        self.with(|s| s.rentals.insert(id, r));
    }

    /// A unit of rental property `property`.
    pub fn add_unit(&self, id: i64, property: i64, number: &str) {
        let u = json!({
            "Id": id,
            "PropertyId": property,
            "BuildingName": "",
            "UnitNumber": number,
            "Description": "",
            "MarketRent": null,
            "Address": null,
            "UnitBedrooms": "TwoBed",
            "UnitBathrooms": "OneBath",
            "UnitSize": null,
            "IsUnitListed": false,
            "IsUnitOccupied": true
        });
        self.with(|s| s.units.insert(id, u));
    }

    /// A tenant on a current (`Active`) lease of `unit` in `property`, with a cell phone.
    pub fn add_tenant(
        &self,
        id: i64,
        (first, last): (&str, &str),
        property: i64,
        unit: i64,
        cell: &str,
        email: &str,
    ) {
        let t = json!({
            "Id": id,
            "FirstName": first,
            "LastName": last,
            "Email": email,
            "AlternateEmail": "",
            "PhoneNumbers": [{"Number": "(212) 555-0100", "Type": "Fax"}, {"Number": cell, "Type": "Cell"}],
            "CreatedDateTime": "2025-08-01T12:00:00Z",
            "EmergencyContact": null,
            "DateOfBirth": null,
            "SMSOptInStatus": null,
            "Address": null,
            "AlternateAddress": null,
            "MailingPreference": "PrimaryAddress",
            "Leases": [
                {"Id": 70, "PropertyId": property, "UnitId": unit - 1, "UnitNumber": "old", "LeaseStatus": "Past"},
                {"Id": 77, "PropertyId": property, "UnitId": unit, "UnitNumber": "", "LeaseStatus": "Active"}
            ],
            "Comment": "",
            "TaxId": null
        });
        self.with(|s| s.tenants.insert(id, t));
    }

    /// A vendor (a person), with a cell and an office phone, a category and insurance.
    pub fn add_vendor(
        &self,
        id: i64,
        (first, last): (&str, &str),
        category: &str,
        cell: &str,
        email: &str,
        insurance: Option<&str>,
    ) {
        let v = json!({
            "Id": id,
            "IsCompany": false,
            "IsActive": true,
            "FirstName": first,
            "LastName": last,
            "PrimaryEmail": email,
            "AlternateEmail": "",
            "CompanyName": "",
            "PhoneNumbers": [{"Number": "(212) 555-0199", "Type": "Office"}, {"Number": cell, "Type": "Cell"}],
            "Website": "",
            "Category": {"Id": 5, "Name": category},
            "Address": null,
            "VendorInsurance": {"Provider": "Acme Mutual", "PolicyNumber": "P-1", "ExpirationDate": insurance},
            "Comments": "",
            "AccountNumber": "",
            "ExpenseGLAccountId": null,
            "TaxInformation": null
        });
        self.with(|s| s.vendors.insert(id, v));
    }

    /// Changes a field of vendor `id` as the team would in Buildium.
    pub fn edit_vendor(&self, id: i64, field: &str, value: Value) {
        self.with(|s| s.vendors.get_mut(&id).unwrap()[field] = value);
    }
}
