//! The PMS import's merge rule (`mendwork_domain::import`) on the sample portfolio: what the PMS
//! wins, what the file keeps, how new, linked and vanished entries are treated, and that the
//! merged portfolio still loads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mendwork_domain::Trade;
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::import::{
    Change, Directory, PmsProperty, PmsTenant, PmsUnit, PmsVendor, Section, merge,
    trade_of_category,
};
use mendwork_domain::{Portfolio, VendorId};

fn sample() -> Portfolio {
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../infra/sample-portfolio.yaml"
    ))
    .unwrap()
    .replacen(
        "  - id: maple-court\n",
        "  - id: maple-court\n    pms_id: \"5001\"\n",
        1,
    );
    parse_portfolio(&yaml, "p.yaml").unwrap()
}

fn vendor(id: &str, name: &str, category: &str, phone: &str, email: &str) -> PmsVendor {
    PmsVendor {
        pms_id: id.into(),
        name: name.into(),
        category: Some(category.into()),
        phones: vec![phone.into()],
        email: Some(email.into()),
        insurance_expires: chrono::NaiveDate::from_ymd_opt(2027, 5, 31),
        active: true,
    }
}

fn directory() -> Directory {
    Directory {
        properties: vec![
            PmsProperty {
                pms_id: "5001".into(),
                name: "Maple Court Apartments".into(),
                address: Some("1 Maple Court, Brooklyn, NY 11201".into()),
            },
            PmsProperty {
                pms_id: "5999".into(),
                name: "Unmapped Towers".into(),
                address: None,
            },
        ],
        units: vec![PmsUnit {
            pms_id: "1042".into(),
            property: "5001".into(),
            name: "4B".into(),
        }],
        tenants: vec![PmsTenant {
            pms_id: "501".into(),
            name: "Ana Ruiz".into(),
            phones: vec!["(718) 555-0199".into()],
            email: Some("ana.ruiz@example.com".into()),
            property: Some("5001".into()),
            unit: Some("1042".into()),
        }],
        vendors: vec![
            // Pat, by phone: linked on the first import, her email changed in Buildium.
            vendor(
                "88",
                "Pat Alvarez",
                "Plumbing",
                "(718) 555-0110",
                "pat@rapidflow.example.com",
            ),
            vendor(
                "89",
                "Nia Okafor",
                "Electrical contractors",
                "(646) 555-0177",
                "nia@example.com",
            ),
            vendor(
                "90",
                "Signs & Co",
                "Signage",
                "(646) 555-0178",
                "signs@example.com",
            ),
        ],
    }
}

#[test]
fn a_vendor_typed_by_hand_is_linked_by_its_phone_and_takes_the_pms_contact_details() {
    let (merged, report) = merge(&sample(), &directory());
    let pat = merged.vendor(&VendorId::from("pat-plumbing")).unwrap();
    assert_eq!(pat.pms_id.as_deref(), Some("88"));
    assert_eq!(pat.email.as_str(), "pat@rapidflow.example.com");
    assert_eq!(
        pat.insurance_expires,
        chrono::NaiveDate::from_ymd_opt(2027, 5, 31)
    );
    // The file's own fields stay.
    assert_eq!(pat.rank, 10);
    assert!(pat.emergency);
    assert_eq!(pat.company.as_ref().map(|c| c.as_str()), Some("rapidflow"));
    assert_eq!(
        report.line(Section::Vendor, "pat-plumbing").unwrap().change,
        Change::Updated(vec!["pms_id", "email", "insurance_expires"])
    );
    // Still on Maple Court's plumbing list, first.
    let maple = merged
        .properties
        .iter()
        .find(|p| p.id.as_str() == "maple-court")
        .unwrap();
    assert_eq!(maple.vendors[&Trade::Plumbing][0].as_str(), "pat-plumbing");
}

#[test]
fn a_new_pms_vendor_is_added_under_its_pms_id_and_one_without_a_trade_is_skipped_with_why() {
    let (merged, report) = merge(&sample(), &directory());
    let nia = merged.vendor(&VendorId::from("buildium-89")).unwrap();
    assert_eq!(nia.trades, vec![Trade::Electrical]);
    assert_eq!(nia.phone.as_str(), "+16465550177");
    assert_eq!(report.count(Section::Vendor, &Change::Added), 1);
    assert!(merged.vendor(&VendorId::from("buildium-90")).is_none());
    let signs = report.line(Section::Vendor, "buildium 90").unwrap();
    assert!(matches!(&signs.change, Change::Skipped(why) if why.contains("Signage")));
}

#[test]
fn a_second_import_of_the_same_pms_changes_nothing() {
    let (once, _) = merge(&sample(), &directory());
    let (twice, report) = merge(&once, &directory());
    assert!(!report.changed(), "{report}");
    assert_eq!(twice.vendors.len(), once.vendors.len());
    assert_eq!(twice.tenants, once.tenants);
}

#[test]
fn a_vendor_gone_from_the_pms_is_reported_and_kept() {
    let (once, _) = merge(&sample(), &directory());
    let mut later = directory();
    later.vendors.retain(|v| v.pms_id != "88");
    let (merged, report) = merge(&once, &later);
    assert!(merged.vendor(&VendorId::from("pat-plumbing")).is_some());
    assert_eq!(
        report.line(Section::Vendor, "pat-plumbing").unwrap().change,
        Change::Gone { removed: false }
    );
    assert!(
        report
            .to_string()
            .contains("pat-plumbing (Pat Alvarez): in the file but gone")
    );
}

#[test]
fn a_mapped_property_takes_the_pms_name_address_and_units_and_an_unmapped_one_is_reported() {
    let (merged, report) = merge(&sample(), &directory());
    let maple = merged
        .properties
        .iter()
        .find(|p| p.id.as_str() == "maple-court")
        .unwrap();
    assert_eq!(maple.name, "Maple Court Apartments");
    assert_eq!(maple.pms_units.get("1042").map(String::as_str), Some("4B"));
    assert_eq!(merged.properties.len(), sample().properties.len());
    assert!(matches!(
        report
            .line(Section::Property, "buildium 5999")
            .unwrap()
            .change,
        Change::Skipped(_)
    ));
}

#[test]
fn tenants_come_from_the_pms_alone_and_one_who_left_is_removed() {
    let (once, report) = merge(&sample(), &directory());
    let ana = once.tenant_by_pms_id("501").unwrap();
    assert_eq!(ana.property.as_str(), "maple-court");
    assert_eq!(ana.unit, "4B");
    assert_eq!(ana.phone.as_ref().unwrap().as_str(), "+17185550199");
    assert_eq!(report.count(Section::Tenant, &Change::Added), 1);
    let mut later = directory();
    later.tenants.clear();
    let (merged, report) = merge(&once, &later);
    assert!(merged.tenants.is_empty());
    assert_eq!(
        report.line(Section::Tenant, "501").unwrap().change,
        Change::Gone { removed: true }
    );
}

#[test]
fn the_merged_portfolio_written_out_loads_again_with_its_imported_fields() {
    let (merged, _) = merge(&sample(), &directory());
    let yaml = serde_yaml_ng::to_string(&merged).unwrap();
    let back = parse_portfolio(&yaml, "merged.yaml").unwrap();
    assert_eq!(back.tenants, merged.tenants);
    assert_eq!(
        back.vendor(&VendorId::from("pat-plumbing"))
            .unwrap()
            .pms_id
            .as_deref(),
        Some("88")
    );
}

#[test]
fn one_pms_vendor_id_on_two_vendors_is_refused_at_load() {
    let (mut merged, _) = merge(&sample(), &directory());
    merged.vendors[1].pms_id = Some("88".into());
    let yaml = serde_yaml_ng::to_string(&merged).unwrap();
    let err = parse_portfolio(&yaml, "merged.yaml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("vendors[1].pms_id"), "{err}");
}

#[test]
fn pms_categories_name_trades_by_their_words() {
    assert_eq!(trade_of_category("HVAC repair"), Some(Trade::Hvac));
    assert_eq!(trade_of_category("Pest Control"), Some(Trade::Pest));
    assert_eq!(trade_of_category("Locksmiths"), Some(Trade::Locksmith));
    assert_eq!(trade_of_category("Landscaping"), None);
}
