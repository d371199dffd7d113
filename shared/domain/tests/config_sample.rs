//! Keeps infra/sample-portfolio.yaml loadable and honest: it must pass the validator, and the
//! invariants the validator promises are re-checked here independently, plus the promises the
//! sample makes to readers (every trade staffed, fictional phones, default policy shown).

#![allow(clippy::unwrap_used, clippy::expect_used)]

// In a module so the names start with `config_sample::` and `cargo test config` runs them.
mod config_sample {
    use mendwork_domain::config::{load_portfolio, parse_cron};
    use mendwork_domain::{Policy, Portfolio, Trade};
    use std::collections::HashSet;
    use std::path::PathBuf;

    fn sample_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../infra/sample-portfolio.yaml")
    }

    fn sample() -> Portfolio {
        match load_portfolio(&sample_path()) {
            Ok(p) => p,
            Err(e) => panic!("the sample portfolio does not load:\n{e}"),
        }
    }

    fn assert_unique<'a>(what: &str, ids: impl IntoIterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for id in ids {
            assert!(seen.insert(id), "{what} {id:?} appears twice");
        }
    }

    fn is_slug(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 24
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    }

    #[test]
    fn the_sample_portfolio_loads_from_the_infra_directory() {
        let p = sample();
        assert_eq!(p.team.name, "Brightside Property Management");
        assert!(p.visitor_desk_integration);
    }

    #[test]
    fn ids_and_vendor_phones_are_unique_and_ids_are_short_slugs() {
        let p = sample();
        assert_unique("property id", p.properties.iter().map(|x| x.id.as_str()));
        assert_unique("company id", p.companies.iter().map(|x| x.id.as_str()));
        assert_unique("vendor id", p.vendors.iter().map(|x| x.id.as_str()));
        assert_unique("template id", p.recurring.iter().map(|x| x.id.as_str()));
        assert_unique("vendor phone", p.vendors.iter().map(|x| x.phone.as_str()));
        let ids = p
            .properties
            .iter()
            .map(|x| x.id.as_str())
            .chain(p.companies.iter().map(|x| x.id.as_str()))
            .chain(p.vendors.iter().map(|x| x.id.as_str()))
            .chain(p.recurring.iter().map(|x| x.id.as_str()));
        for id in ids {
            assert!(is_slug(id), "{id:?} is not a short slug");
        }
    }

    #[test]
    fn every_listed_vendor_exists_and_does_the_trade_it_is_listed_for() {
        let p = sample();
        let lists = p
            .properties
            .iter()
            .map(|prop| (prop.id.to_string(), &prop.vendors))
            .chain([("dispatch.backups".to_string(), &p.dispatch.backups)]);
        for (owner, lists) in lists {
            for (trade, ids) in lists {
                for id in ids {
                    let Some(v) = p.vendor(id) else {
                        panic!("{owner}: {trade} list names unknown vendor {id}")
                    };
                    assert!(
                        v.trades.contains(trade),
                        "{owner}: {id} does not do {trade}"
                    );
                }
            }
        }
    }

    #[test]
    fn vendors_have_trades_and_known_companies() {
        let p = sample();
        for v in &p.vendors {
            assert!(!v.trades.is_empty(), "{} has no trades", v.id);
            if let Some(c) = &v.company {
                assert!(p.company(c).is_some(), "{} names unknown company {c}", v.id);
            }
        }
    }

    #[test]
    fn amounts_months_and_quiet_hours_are_in_range() {
        let p = sample();
        for prop in &p.properties {
            assert!(prop.nte.cents() > 0, "{}: nte", prop.id);
            assert!(prop.emergency_nte >= prop.nte, "{}: emergency_nte", prop.id);
            assert!(
                prop.heating_months.iter().all(|m| (1..=12).contains(m)),
                "{}: heating_months",
                prop.id
            );
            let policy = p.policy_for(prop);
            assert_ne!(
                policy.quiet_start, policy.quiet_end,
                "{}: quiet hours",
                prop.id
            );
        }
        assert_ne!(p.policy.quiet_start, p.policy.quiet_end);
    }

    #[test]
    fn recurring_templates_name_a_property_and_have_a_five_field_schedule() {
        let p = sample();
        assert!(!p.recurring.is_empty());
        for r in &p.recurring {
            assert!(p.property(&r.property).is_some(), "{}: property", r.id);
            assert_eq!(r.schedule.split_whitespace().count(), 5, "{}", r.id);
            if let Err(e) = parse_cron(&r.schedule) {
                panic!("{}: {e}", r.id);
            }
        }
    }

    #[test]
    fn message_overrides_use_only_known_keys() {
        let p = sample();
        use mendwork_domain::messages::{KEYS, spanish_keys};
        for key in p.messages.keys() {
            let spanish = key
                .strip_suffix(".es")
                .is_some_and(|k| spanish_keys().any(|s| s == k));
            assert!(
                KEYS.contains(&key.as_str()) || spanish,
                "unknown message key {key}"
            );
        }
    }

    #[test]
    fn every_trade_has_at_least_one_active_vendor() {
        let p = sample();
        for trade in Trade::ALL {
            assert!(
                p.vendors
                    .iter()
                    .any(|v| v.active && v.trades.contains(&trade)),
                "no active vendor does {trade}"
            );
        }
    }

    #[test]
    fn the_sample_covers_the_cases_tests_and_readers_rely_on() {
        let p = sample();
        assert!(p.properties.len() >= 4);
        let zones: HashSet<&str> = p.properties.iter().map(|x| x.timezone.name()).collect();
        assert!(zones.len() >= 4, "properties share zones: {zones:?}");
        assert!(p.properties.iter().any(|x| x.visitor_desk));
        assert!(p.companies.iter().any(|c| c.auto_create_visit));
        assert!(p.vendors.len() >= 12);
        let doing = |t: Trade| p.vendors.iter().filter(|v| v.trades.contains(&t)).count();
        assert!(doing(Trade::Plumbing) >= 2);
        assert!(doing(Trade::Hvac) >= 2);
        assert!(p.vendors.iter().any(|v| v.emergency));
        assert!(p.vendors.iter().any(|v| !v.active));
        assert!(!p.dispatch.backups.is_empty());
        // The policy block is there to show the defaults, so it must not drift from them.
        assert_eq!(p.policy, Policy::default());
    }

    #[test]
    fn sample_contacts_are_fictional() {
        let p = sample();
        let phones = p
            .vendors
            .iter()
            .map(|v| &v.phone)
            .chain(p.team.phone.iter())
            .chain(p.properties.iter().filter_map(|x| x.owner.phone.as_ref()));
        for phone in phones {
            // +1 NXX 555-01XX: the North American range reserved for fiction.
            let s = phone.as_str();
            assert!(
                s.len() == 12 && s.starts_with("+1") && &s[5..10] == "55501",
                "{s} is not in the fictional 555-01XX range"
            );
        }
        let emails = p
            .vendors
            .iter()
            .map(|v| &v.email)
            .chain([&p.team.email])
            .chain(p.properties.iter().map(|x| &x.owner.email));
        for email in emails {
            let s = email.as_str();
            assert!(
                s.ends_with("@example.com") || s.ends_with("@example.net"),
                "{s} is not at example.com or example.net"
            );
        }
    }
}
