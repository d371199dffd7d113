//! Helpers shared by the triage tests: descriptions run outside and inside the heating months,
//! and assertions on the emergency, the priority, the tips and the reasons.

#![allow(dead_code)]

use mendwork_domain::triage::*;
use mendwork_domain::{EmergencyKind, Priority};

pub fn run(description: &str) -> Triage {
    triage(&TriageInput::new(description))
}

/// In the heating season, so that "no heat" counts as the emergency it then is.
pub fn in_winter(description: &str) -> Triage {
    triage(&TriageInput {
        cold_weather: true,
        ..TriageInput::new(description)
    })
}

pub fn assert_emergency(kind: EmergencyKind, descriptions: &[&str]) {
    for d in descriptions {
        let t = in_winter(d);
        assert_eq!(t.emergency, Some(kind), "{d:?} gave {t:#?}");
        assert_eq!(t.priority, Priority::Emergency, "{d:?} gave {t:#?}");
        assert_eq!(
            t.safety_instructions.as_deref(),
            Some(safety_instructions(kind)),
            "{d:?}"
        );
    }
}

pub fn assert_no_emergency(descriptions: &[&str]) {
    for d in descriptions {
        let t = in_winter(d);
        assert_eq!(t.emergency, None, "{d:?} gave {t:#?}");
        assert_ne!(t.priority, Priority::Emergency, "{d:?}");
        assert_eq!(t.safety_instructions, None, "{d:?}");
    }
}

pub fn assert_priority(priority: Priority, descriptions: &[&str]) {
    for d in descriptions {
        let t = run(d);
        assert_eq!(t.priority, priority, "{d:?} gave {t:#?}");
    }
}

pub fn has_tip(t: &Triage, needle: &str) -> bool {
    t.tips.iter().any(|tip| tip.contains(needle))
}

pub fn has_driver(t: &Triage, needle: &str) -> bool {
    t.drivers.iter().any(|d| d.contains(needle))
}
