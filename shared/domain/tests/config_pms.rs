//! The portfolio's PMS mapping: `pms_id` and `pms_units` are optional (files written before
//! them load as they did), read when given, and one PMS id on two properties is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mendwork_domain::config::parse_portfolio;

fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../infra/sample-portfolio.yaml"
    ))
    .unwrap()
}

#[test]
fn a_portfolio_without_pms_ids_loads_and_maps_nothing() {
    let p = parse_portfolio(&sample(), "p.yaml").unwrap();
    assert!(
        p.properties
            .iter()
            .all(|x| x.pms_id.is_none() && x.pms_units.is_empty())
    );
}

#[test]
fn pms_ids_and_unit_names_are_read_when_given() {
    let yaml = sample().replacen(
        "  - id: maple-court\n",
        "  - id: maple-court\n    pms_id: \"5001\"\n    pms_units: {\"1042\": \"4B\"}\n",
        1,
    );
    let p = parse_portfolio(&yaml, "p.yaml").unwrap();
    let maple = p
        .properties
        .iter()
        .find(|x| x.id.as_str() == "maple-court")
        .unwrap();
    assert_eq!(maple.pms_id.as_deref(), Some("5001"));
    assert_eq!(maple.pms_units.get("1042").map(String::as_str), Some("4B"));
}

#[test]
fn one_pms_id_on_two_properties_is_refused_with_where_it_was_first() {
    let yaml = sample()
        .replacen(
            "  - id: maple-court\n",
            "  - id: maple-court\n    pms_id: \"5001\"\n",
            1,
        )
        .replacen(
            "  - id: lakeview\n",
            "  - id: lakeview\n    pms_id: \"5001\"\n",
            1,
        );
    let err = parse_portfolio(&yaml, "p.yaml").unwrap_err().to_string();
    assert!(
        err.contains("pms_id") && err.contains("\"5001\" is already used by properties[0]"),
        "{err}"
    );
}
