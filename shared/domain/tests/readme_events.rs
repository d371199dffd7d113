//! The README's list of webhook events is the list Mendwork sends: a new kind of event cannot
//! go out undocumented.

use mendwork_domain::endpoints::TEST_EVENT_TYPE;
use mendwork_domain::outbound::EventType;

#[test]
fn the_readme_names_every_event_type_that_goes_out() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .unwrap_or_default();
    let at = readme.find("## Integrations").unwrap_or(readme.len());
    let section = &readme[at..];
    let missing: Vec<&str> = EventType::ALL
        .iter()
        .map(|t| t.as_str())
        .chain([TEST_EVENT_TYPE])
        .filter(|t| !section.contains(&format!("`{t}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the README's Integrations: {missing:?}"
    );
}
