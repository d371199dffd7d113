//! The portfolio loader's tests: a minimal file broken one rule at a time, the sample file,
//! the wording of every kind of error, and the crontab schedules.

use super::wording::closest;
use super::*;
use chrono::{Datelike, TimeZone, Timelike, Weekday};

const SAMPLE: &str = include_str!("../../../../infra/sample-portfolio.yaml");

/// A small valid portfolio that tests break one rule at a time.
const MINIMAL: &str = r#"
team:
  name: Test PM
  email: pm@example.com
properties:
  - id: elm
    name: Elm Street Flats
    address: 1 Elm St, Springfield, IL 62701
    timezone: America/Chicago
    nte: 500
    emergency_nte: 1500
    owner:
      name: Olive Owner
      email: olive@example.com
    vendors:
      plumbing: [pat]
companies:
  - id: acme
    name: Acme Plumbing
vendors:
  - id: pat
    name: Pat Plumber
    company: acme
    phone: "+13125550101"
    email: pat@example.com
    trades: [plumbing]
  - id: hana
    name: Hana HVAC
    phone: "+13125550102"
    email: hana@example.net
    trades: [hvac]
recurring:
  - id: filters
    property: elm
    description: Replace HVAC filters
    trade: hvac
    schedule: "0 9 1 */3 *"
"#;

fn err(yaml: &str) -> ConfigError {
    match parse_portfolio(yaml, "test.yaml") {
        Ok(_) => panic!("expected an error for:\n{yaml}"),
        Err(e) => e,
    }
}

fn problems(yaml: &str) -> Vec<Problem> {
    match err(yaml) {
        ConfigError::Invalid { problems, .. } => problems,
        other => panic!("expected semantic problems, got: {other}"),
    }
}

fn has(problems: &[Problem], path: &str, words: &str) -> bool {
    problems
        .iter()
        .any(|p| p.path == path && p.message.contains(words))
}

#[test]
fn the_sample_file_parses() {
    let p = match parse_portfolio(SAMPLE, "sample-portfolio.yaml") {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    assert!(p.properties.len() >= 4);
    assert!(p.vendors.len() >= 12);
}

#[test]
fn the_minimal_test_portfolio_parses() {
    if let Err(e) = parse_portfolio(MINIMAL, "test.yaml") {
        panic!("{e}");
    }
}

#[test]
fn a_misspelt_time_zone_names_file_path_value_and_the_nearest_zone() {
    let yaml = MINIMAL.replace("America/Chicago", "America/NewYork");
    let e = err(&yaml);
    let text = e.to_string();
    assert!(
        text.starts_with(
            "test.yaml: properties[0].timezone: \"America/NewYork\" is not an IANA time zone \
             (e.g. America/New_York)"
        ),
        "{text}"
    );
    assert!(text.contains("line 9"), "{text}");
}

#[test]
fn a_yaml_syntax_error_gives_line_and_column() {
    let yaml = "team:\n  name: x\n   email: [oops\n";
    let e = err(yaml);
    match &e {
        ConfigError::Syntax { line, column, .. } => assert!(*line >= 2 && *column >= 1),
        other => panic!("expected a syntax error, got {other}"),
    }
    let text = e.to_string();
    assert!(text.starts_with("test.yaml: line "), "{text}");
    assert!(text.contains("column"), "{text}");
}

#[test]
fn an_unknown_field_is_named_with_its_path_and_a_suggestion() {
    let yaml = MINIMAL.replace("    nte: 500", "    nte: 500\n    emergancy_contact: Bob");
    let text = err(&yaml).to_string();
    assert!(text.starts_with("test.yaml: properties[0]"), "{text}");
    assert!(text.contains("unknown field `emergancy_contact`"), "{text}");
}

#[test]
fn an_unknown_top_level_field_is_named() {
    let yaml = format!("{MINIMAL}\nvendor_list: []\n");
    let text = err(&yaml).to_string();
    assert!(text.contains("unknown field `vendor_list`"), "{text}");
    assert!(text.starts_with("test.yaml: "), "{text}");
}

#[test]
fn a_missing_field_is_named_with_its_parent_path() {
    let yaml = MINIMAL.replace("  email: pm@example.com\n", "");
    let text = err(&yaml).to_string();
    assert!(text.starts_with("test.yaml: team"), "{text}");
    assert!(text.contains("`email` is missing"), "{text}");
}

#[test]
fn a_bad_phone_names_the_vendor_path() {
    let yaml = MINIMAL.replace("\"+13125550102\"", "\"call me\"");
    let text = err(&yaml).to_string();
    assert!(
        text.starts_with("test.yaml: vendors[1].phone: \"call me\" is not a phone number"),
        "{text}"
    );
}

#[test]
fn an_unknown_trade_names_the_value_and_suggests_the_trade() {
    let yaml = MINIMAL.replace("trades: [hvac]", "trades: [hvca]");
    let text = err(&yaml).to_string();
    assert!(text.starts_with("test.yaml: vendors[1].trades"), "{text}");
    assert!(text.contains("unknown trade `hvca`"), "{text}");
    assert!(text.contains("did you mean `hvac`?"), "{text}");
}

#[test]
fn a_misspelt_trade_as_a_list_key_is_named_in_the_path() {
    let yaml = MINIMAL.replace("plumbing: [pat]", "plumber: [pat]");
    let text = err(&yaml).to_string();
    assert!(
        text.starts_with(
            "test.yaml: properties[0].vendors.plumber: unknown trade `plumber` (did you mean \
             `plumbing`?)"
        ),
        "{text}"
    );
}

#[test]
fn a_wrongly_typed_value_is_described_in_plain_words() {
    let yaml = MINIMAL.replace(
        "    vendors:\n      plumbing: [pat]",
        "    heating_months: ten",
    );
    let text = err(&yaml).to_string();
    assert!(
        text.starts_with("test.yaml: properties[0].heating_months"),
        "{text}"
    );
    assert!(text.contains("expected a list"), "{text}");
}

#[test]
fn an_empty_file_says_it_is_empty() {
    let text = err("# nothing yet\n").to_string();
    assert!(text.starts_with("test.yaml: the file is empty"), "{text}");
}

#[test]
fn an_unknown_vendor_on_a_property_list_names_the_list_position() {
    let yaml = MINIMAL.replace("plumbing: [pat]", "plumbing: [pat, patt]");
    let e = err(&yaml);
    assert_eq!(
        e.to_string(),
        "test.yaml: properties[0].vendors.plumbing[1]: \"patt\" is not a vendor listed under \
         `vendors` (did you mean \"pat\"?)"
    );
}

#[test]
fn a_vendor_without_the_trade_cannot_be_on_that_trade_list() {
    let yaml = MINIMAL.replace("plumbing: [pat]", "plumbing: [pat]\n      hvac: [pat]");
    let ps = problems(&yaml);
    assert!(
        has(&ps, "properties[0].vendors.hvac[0]", "does not do hvac"),
        "{ps:?}"
    );
}

#[test]
fn backup_lists_are_checked_like_property_lists() {
    let yaml = format!("{MINIMAL}dispatch:\n  backups:\n    hvac: [hana, pat, ghost]\n");
    let ps = problems(&yaml);
    assert!(
        has(&ps, "dispatch.backups.hvac[1]", "does not do hvac"),
        "{ps:?}"
    );
    assert!(
        has(&ps, "dispatch.backups.hvac[2]", "\"ghost\" is not a vendor"),
        "{ps:?}"
    );
}

#[test]
fn duplicate_ids_and_phones_are_reported() {
    let yaml = MINIMAL
        .replace("id: hana", "id: pat")
        .replace("+13125550102", "+1 (312) 555-0101");
    let ps = problems(&yaml);
    assert!(
        has(&ps, "vendors[1].id", "already used by vendors[0]"),
        "{ps:?}"
    );
    assert!(has(
        &ps,
        "vendors[1].phone",
        "+13125550101 is also the phone of vendors[0]"
    ));
}

#[test]
fn an_unknown_company_is_reported_on_the_vendor() {
    let yaml = MINIMAL.replace("company: acme", "company: acne");
    let ps = problems(&yaml);
    assert!(
        has(
            &ps,
            "vendors[0].company",
            "\"acne\" is not a company listed under `companies`"
        ),
        "{ps:?}"
    );
    assert!(
        has(&ps, "vendors[0].company", "did you mean \"acme\"?"),
        "{ps:?}"
    );
}

#[test]
fn a_vendor_must_have_a_trade() {
    let yaml = MINIMAL.replace("trades: [hvac]", "trades: []");
    let ps = problems(&yaml);
    assert!(
        has(&ps, "vendors[1].trades", "at least one trade"),
        "{ps:?}"
    );
}

#[test]
fn nte_must_be_positive_and_not_above_the_emergency_nte() {
    let yaml = MINIMAL.replace("nte: 500", "nte: 0");
    assert!(has(&problems(&yaml), "properties[0].nte", "more than $0"));
    let yaml = MINIMAL.replace("emergency_nte: 1500", "emergency_nte: 400");
    let text = err(&yaml).to_string();
    assert_eq!(
        text,
        "test.yaml: properties[0].emergency_nte: $400 is less than the routine NTE of $500; \
         the emergency NTE must be at least the NTE"
    );
}

#[test]
fn heating_months_must_be_real_months() {
    let yaml = MINIMAL.replace(
        "    nte: 500",
        "    nte: 500\n    heating_months: [11, 0, 13]",
    );
    let ps = problems(&yaml);
    assert!(has(
        &ps,
        "properties[0].heating_months[1]",
        "0 is not a month"
    ));
    assert!(has(
        &ps,
        "properties[0].heating_months[2]",
        "13 is not a month"
    ));
}

#[test]
fn recurring_templates_need_a_known_property_and_a_valid_schedule() {
    let yaml = MINIMAL
        .replace("property: elm", "property: elmm")
        .replace("\"0 9 1 */3 *\"", "\"0 25 1 */3 *\"");
    let ps = problems(&yaml);
    assert!(
        has(&ps, "recurring[0].property", "\"elmm\" is not a property"),
        "{ps:?}"
    );
    assert!(
        has(&ps, "recurring[0].property", "did you mean \"elm\"?"),
        "{ps:?}"
    );
    assert!(
        has(&ps, "recurring[0].schedule", "the hour field \"25\""),
        "{ps:?}"
    );
}

#[test]
fn templates_whose_ids_differ_only_in_case_are_refused_and_long_shared_starts_are_fine() {
    let two = |a: &str, b: &str| {
        MINIMAL.replace(
            "recurring:\n  - id: filters",
            &format!(
                "recurring:\n  - id: {a}\n    property: elm\n    description: Check\n    \
                 trade: hvac\n    schedule: \"0 9 1 * *\"\n  - id: {b}"
            ),
        )
    };
    // The first 12 letters are the same: still two templates, two kinds of work order.
    let fine = two("monthly-checks-pest", "monthly-checks-plumbing");
    let p = parse_portfolio(&fine, "test.yaml").unwrap();
    assert_ne!(
        p.recurring[0].id.occurrence_key(),
        p.recurring[1].id.occurrence_key()
    );
    let ps = problems(&two("Monthly-Pest", "monthly-pest"));
    assert!(
        has(
            &ps,
            "recurring[1].id",
            "\"monthly-pest\" collides with recurring[0] (\"Monthly-Pest\")"
        ),
        "{ps:?}"
    );
    // The same id twice is reported once, as a duplicate.
    let ps = problems(&two("filters", "filters"));
    assert_eq!(
        ps.iter().filter(|p| p.path == "recurring[1].id").count(),
        1,
        "{ps:?}"
    );
}

#[test]
fn an_unknown_message_key_is_named() {
    let yaml = format!("{MINIMAL}messages:\n  no_such_message_key_xyz: Hello\n");
    let ps = problems(&yaml);
    assert!(
        has(
            &ps,
            "messages.no_such_message_key_xyz",
            "\"no_such_message_key_xyz\" is not a message key"
        ),
        "{ps:?}"
    );
}

#[test]
fn a_misspelt_message_key_suggests_the_closest_known_key() {
    // The key list is filled in elsewhere; this test only bites once it has entries.
    let Some(known) = crate::messages::KEYS.first() else {
        return;
    };
    let typo = format!("{known}x");
    let yaml = format!("{MINIMAL}messages:\n  {typo}: Hello\n");
    let ps = problems(&yaml);
    assert!(has(
        &ps,
        &format!("messages.{typo}"),
        &format!("did you mean {known:?}?")
    ));
}

#[test]
fn quiet_hours_must_not_start_and_end_at_the_same_time() {
    let yaml = format!("{MINIMAL}policy:\n  quiet_start: \"08:00\"\n");
    let ps = problems(&yaml);
    assert!(has(
        &ps,
        "policy.quiet_end",
        "start and end at the same time (08:00)"
    ));
    let yaml = MINIMAL.replace(
        "    nte: 500",
        "    nte: 500\n    policy:\n      quiet_end: \"21:00\"",
    );
    let ps = problems(&yaml);
    assert!(
        has(&ps, "properties[0].policy.quiet_end", "same time (21:00)"),
        "{ps:?}"
    );
}

#[test]
fn a_portfolio_needs_a_property_and_a_vendor() {
    let yaml = "team:\n  name: T\n  email: t@example.com\nproperties: []\nvendors: []\n";
    let ps = problems(yaml);
    assert!(has(&ps, "properties", "at least one property"));
    assert!(has(&ps, "vendors", "at least one vendor"));
}

#[test]
fn several_errors_are_reported_together_each_with_file_and_path() {
    let yaml = MINIMAL
        .replace("plumbing: [pat]", "plumbing: [nobody]")
        .replace("company: acme", "company: nowhere")
        .replace("emergency_nte: 1500", "emergency_nte: 100")
        .replace("\"0 9 1 */3 *\"", "\"every monday\"");
    let e = err(&yaml);
    let ps = e.problems();
    assert_eq!(ps.len(), 4, "{ps:?}");
    let text = e.to_string();
    assert!(text.starts_with("test.yaml: 4 problems\n"), "{text}");
    for path in [
        "properties[0].vendors.plumbing[0]",
        "properties[0].emergency_nte",
        "vendors[0].company",
        "recurring[0].schedule",
    ] {
        assert!(
            text.contains(&format!("\n  test.yaml: {path}: ")),
            "{path} in {text}"
        );
    }
}

#[test]
fn load_portfolio_names_a_missing_file() {
    let e = match load_portfolio(Path::new("/nonexistent/portfolio.yaml")) {
        Ok(_) => panic!("loaded a missing file"),
        Err(e) => e,
    };
    assert!(
        e.to_string()
            .starts_with("/nonexistent/portfolio.yaml: cannot read the file")
    );
}

#[test]
fn parse_cron_accepts_five_fields_and_rejects_others() {
    assert!(parse_cron("0 9 1 */3 *").is_ok());
    assert!(parse_cron("30 8 * * MON-FRI").is_ok());
    let e = match parse_cron("0 0 9 1 */3 *") {
        Err(e) => e,
        Ok(_) => panic!("six fields accepted"),
    };
    assert!(e.contains("has 6 fields"), "{e}");
    assert!(parse_cron("0 9 1 13 *").is_err_and(|e| e.contains("the month field \"13\"")));
    assert!(parse_cron("60 9 * * *").is_err_and(|e| e.contains("the minute field")));
    assert!(parse_cron("0 9 * * 8").is_err_and(|e| e.contains("day-of-week field, 8 is not")));
    assert!(parse_cron("0 9 1 * 1").is_err_and(|e| e.contains("both")));
    assert!(parse_cron("0 9 30 2 *").is_err_and(|e| e.contains("never happens")));
}

#[test]
fn parse_cron_uses_crontab_day_numbers_where_1_is_monday_and_0_and_7_are_sunday() {
    let from = chrono::Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single();
    let Some(from) = from else {
        panic!("bad test date")
    };
    let weekday_of = |expr: &str| -> Vec<Weekday> {
        match parse_cron(expr) {
            Ok(s) => s.after(&from).take(3).map(|t| t.weekday()).collect(),
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(weekday_of("0 9 * * 1"), vec![Weekday::Mon; 3]);
    assert_eq!(weekday_of("0 9 * * 0"), vec![Weekday::Sun; 3]);
    assert_eq!(weekday_of("0 9 * * 7"), vec![Weekday::Sun; 3]);
    assert_eq!(weekday_of("0 9 * * sat"), vec![Weekday::Sat; 3]);
    assert_eq!(
        weekday_of("0 9 * * 5-7"),
        vec![Weekday::Fri, Weekday::Sat, Weekday::Sun]
    );
    assert_eq!(
        weekday_of("0 9 * * FRI-SUN"),
        vec![Weekday::Fri, Weekday::Sat, Weekday::Sun]
    );
    let first = parse_cron("15 9 1 */3 *")
        .ok()
        .and_then(|s| s.after(&from).next());
    assert_eq!(
        first.map(|t| (t.month(), t.day(), t.hour(), t.minute(), t.second())),
        Some((1, 1, 9, 15, 0))
    );
}

#[test]
fn closest_suggests_only_plausible_typos() {
    assert_eq!(closest("plumbng", ["plumbing", "pest"]), Some("plumbing"));
    assert_eq!(
        closest("electrician", ["plumbing", "electrical"]),
        Some("electrical")
    );
    assert_eq!(closest("roof", ["plumbing", "electrical"]), None);
}
