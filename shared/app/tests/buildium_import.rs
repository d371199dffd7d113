//! The portfolio import from Buildium (`pms_import` on the adapter's `PmsDirectory`) against a
//! fake Buildium started by each test: into a portfolio with nothing imported yet and into one
//! imported before, paging over several pages, a 429 waited out, a 401 giving nothing — and
//! every request checked against the documented schema.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_app::pms::PmsError;
use mendwork_app::pms::buildium::{Buildium, BuildiumConfig, PAGE};
use mendwork_app::pms_import::{ImportError, import};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::import::{Change, Section};
use mendwork_domain::{Portfolio, Trade, VendorId};
use serde_json::json;
use support::fake_buildium::{CLIENT_ID, CLIENT_SECRET, FakeBuildium};

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
    parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap()
}

fn client(fake: &FakeBuildium) -> Buildium {
    Buildium::new(BuildiumConfig {
        base_url: fake.url.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
    })
    .unwrap()
}

/// Maple Court with two units and a tenant, Pat (the sample's plumber, by her phone) and a new
/// electrician.
async fn buildium() -> FakeBuildium {
    let fake = FakeBuildium::start().await;
    fake.add_rental(5001, "Maple Court", "120 Maple Court");
    fake.add_unit(1042, 5001, "4B");
    fake.add_unit(1043, 5001, "4C");
    fake.add_tenant(
        501,
        ("Ana", "Ruiz"),
        5001,
        1042,
        "(718) 555-0199",
        "ana.ruiz@example.com",
    );
    fake.add_vendor(
        88,
        ("Pat", "Alvarez"),
        "Plumbing",
        "(718) 555-0110",
        "pat@rapidflow.example.com",
        Some("2027-05-31T00:00:00"),
    );
    fake.add_vendor(
        89,
        ("Nia", "Okafor"),
        "Electrical",
        "(646) 555-0177",
        "nia@example.com",
        None,
    );
    fake
}

#[tokio::test]
async fn an_import_into_a_portfolio_with_nothing_imported_adds_tenants_units_and_vendors() {
    let fake = buildium().await;
    let done = import(&sample(), &client(&fake)).await.unwrap();
    let p = &done.portfolio;
    let maple = p
        .properties
        .iter()
        .find(|x| x.id.as_str() == "maple-court")
        .unwrap();
    assert_eq!(maple.pms_units.get("1043").map(String::as_str), Some("4C"));
    assert_eq!(maple.address, "120 Maple Court, Brooklyn, NY 11201");
    let ana = p.tenant_by_pms_id("501").unwrap();
    // The cell phone, not the fax; the unit of the current lease, by its name here.
    assert_eq!(ana.phone.as_ref().unwrap().as_str(), "+17185550199");
    assert_eq!(ana.unit, "4B");
    let nia = p.vendor(&VendorId::from("buildium-89")).unwrap();
    assert_eq!(nia.trades, vec![Trade::Electrical]);
    assert_eq!(nia.phone.as_str(), "+16465550177");
    let pat = p.vendor(&VendorId::from("pat-plumbing")).unwrap();
    assert_eq!(pat.pms_id.as_deref(), Some("88"));
    assert_eq!(
        pat.insurance_expires,
        chrono::NaiveDate::from_ymd_opt(2027, 5, 31)
    );
    // The written text is what was checked, and loads.
    assert!(done.yaml.starts_with("# The portfolio, merged"));
    parse_portfolio(&done.yaml, "merged.yaml").unwrap();
    let report = done.report.to_string();
    assert!(report.contains("vendors: 1 added, 1 updated"), "{report}");
    assert!(report.contains("tenants: 1 added"), "{report}");
    // Nothing of a person's phone or address in what is printed.
    assert!(
        !report.contains("555") && !report.contains("Maple Court,"),
        "{report}"
    );
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn an_import_into_an_imported_portfolio_updates_contacts_keeps_the_files_fields_and_reports_a_vendor_gone()
 {
    let fake = buildium().await;
    let first = import(&sample(), &client(&fake)).await.unwrap().portfolio;
    fake.edit_vendor(89, "PrimaryEmail", json!("nia.okafor@example.com"));
    fake.with(|s| s.vendors.remove(&88));
    let done = import(&first, &client(&fake)).await.unwrap();
    let p = &done.portfolio;
    assert_eq!(
        p.vendor(&VendorId::from("buildium-89"))
            .unwrap()
            .email
            .as_str(),
        "nia.okafor@example.com"
    );
    assert_eq!(
        done.report
            .line(Section::Vendor, "buildium-89")
            .unwrap()
            .change,
        Change::Updated(vec!["email"])
    );
    // Gone from Buildium: reported, kept with the file's rank and on the Go-To lists.
    let pat = p.vendor(&VendorId::from("pat-plumbing")).unwrap();
    assert_eq!(pat.rank, 10);
    assert_eq!(
        done.report
            .line(Section::Vendor, "pat-plumbing")
            .unwrap()
            .change,
        Change::Gone { removed: false }
    );
    let maple = p
        .properties
        .iter()
        .find(|x| x.id.as_str() == "maple-court")
        .unwrap();
    assert_eq!(maple.vendors[&Trade::Plumbing][0].as_str(), "pat-plumbing");
    assert_eq!(maple.nte, first.properties[0].nte);
    assert_eq!(
        done.report.line(Section::Tenant, "501").unwrap().change,
        Change::Unchanged
    );
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn vendors_are_read_over_several_pages() {
    let fake = buildium().await;
    let many = PAGE as i64 * 2 + 30;
    for i in 0..many {
        fake.add_vendor(
            1000 + i,
            ("Vendor", &format!("{i}")),
            "General maintenance",
            &format!("(917) 555-{:04}", i),
            &format!("v{i}@example.com"),
            None,
        );
    }
    let done = import(&sample(), &client(&fake)).await.unwrap();
    assert_eq!(
        done.report.count(Section::Vendor, &Change::Added),
        many as usize + 1
    );
    let offsets: Vec<String> = fake
        .seen()
        .into_iter()
        .filter(|s| s.path == "/v1/vendors")
        .filter_map(|s| {
            s.query
                .into_iter()
                .find(|(k, _)| k == "offset")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!(offsets, vec!["0", "100", "200"]);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn a_429_is_waited_out_and_the_import_completes() {
    let fake = buildium().await;
    fake.with(|s| s.throttle_next = 1);
    let done = import(&sample(), &client(&fake)).await.unwrap();
    assert!(done.portfolio.tenant_by_pms_id("501").is_some());
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn a_401_gives_an_error_and_no_portfolio() {
    let fake = buildium().await;
    fake.with(|s| s.refuse_all = true);
    let err = import(&sample(), &client(&fake)).await.unwrap_err();
    assert!(
        matches!(err, ImportError::Pms(PmsError::Unauthorized)),
        "{err}"
    );
    assert!(err.to_string().contains("401"));
}

#[tokio::test]
async fn a_pms_phone_already_used_by_another_vendor_refuses_the_whole_import_and_says_where() {
    let fake = buildium().await;
    // Nia's Buildium phone is Dana's in the file: two vendors on one phone cannot load.
    fake.edit_vendor(
        89,
        "PhoneNumbers",
        json!([{"Number": "(312) 555-0111", "Type": "Cell"}]),
    );
    fake.edit_vendor(89, "PrimaryEmail", json!("dana.whitfield@example.com"));
    fake.edit_vendor(89, "Category", json!({"Id": 5, "Name": "Electrical"}));
    // Dana is linked by her phone: her Buildium record is Nia's, so she takes the electrical
    // trade rather than being duplicated.
    let done = import(&sample(), &client(&fake)).await.unwrap();
    assert_eq!(
        done.portfolio
            .vendor(&VendorId::from("dana-plumbing"))
            .unwrap()
            .pms_id
            .as_deref(),
        Some("89")
    );
    // A new vendor on a phone the file gives another vendor is refused with the path.
    fake.add_vendor(
        95,
        ("Rae", "Lin"),
        "Roofing",
        "(312) 555-0111",
        "rae@example.com",
        None,
    );
    let err = import(&done.portfolio, &client(&fake)).await.unwrap_err();
    assert!(matches!(err, ImportError::Invalid(_)), "{err}");
    assert!(err.to_string().contains("vendors["), "{err}");
}
