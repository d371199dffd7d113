//! template.yaml's Buildium connector: deployed only in a stack that connects it (the
//! `BuildiumConnector` parameter), nothing else depending on it, and its poll every five
//! minutes. (The grants of its functions are checked with every function's in
//! template_grants.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::template::Template;

/// Whether `v` refers to one of `names` outside an `!If [ConnectBuildium, …]`.
fn refers_unconditionally(v: &Value, names: &BTreeSet<String>) -> bool {
    match v {
        Value::Object(m) => {
            if m.get("Fn::If").is_some_and(|b| b[0] == "ConnectBuildium") {
                return false;
            }
            if let Some(Value::String(r)) = m.get("Ref")
                && names.contains(r)
            {
                return true;
            }
            if let Some(Value::String(sub)) = m.get("Fn::Sub")
                && names.iter().any(|n| sub.contains(&format!("${{{n}")))
            {
                return true;
            }
            if let Some(Value::String(att)) = m.get("Fn::GetAtt")
                && names.iter().any(|n| att.starts_with(&format!("{n}.")))
            {
                return true;
            }
            m.values().any(|x| refers_unconditionally(x, names))
        }
        Value::Array(a) => a.iter().any(|x| refers_unconditionally(x, names)),
        _ => false,
    }
}

#[test]
fn buildium_is_polled_every_five_minutes_only_in_a_stack_that_connects_it() {
    let t = Template::load();
    assert_eq!(
        t.0["Parameters"]["BuildiumConnector"]["Default"],
        "disabled"
    );
    assert_eq!(
        t.0["Conditions"]["ConnectBuildium"],
        json!({"Fn::Equals": [{"Ref": "BuildiumConnector"}, "enabled"]})
    );
    let conditional: BTreeSet<String> = t.0["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Condition"] == "ConnectBuildium")
        .map(|(n, _)| n.clone())
        .collect();
    let want: BTreeSet<String> = [
        "BuildiumSecret",
        "PmsPollFunction",
        "PmsPollLogs",
        "PmsPollErrorsAlarm",
    ]
    .map(String::from)
    .into();
    assert_eq!(
        conditional, want,
        "what a stack without Buildium does not deploy"
    );
    // Nothing deployed without Buildium refers to them but under the same condition.
    for (name, r) in t.0["Resources"].as_object().unwrap() {
        if conditional.contains(name) {
            continue;
        }
        assert!(
            !refers_unconditionally(r, &conditional),
            "{name} needs a Buildium resource in every stack"
        );
    }
    for (name, o) in t.outputs().as_object().unwrap() {
        if refers_unconditionally(&o["Value"], &conditional) {
            assert_eq!(o["Condition"], "ConnectBuildium", "{name}");
        }
    }
    let poll = t.resource("PmsPollFunction");
    let events = poll["Properties"]["Events"].as_object().unwrap();
    assert_eq!(events.len(), 1);
    let schedule = events.values().next().unwrap();
    assert_eq!(schedule["Type"], "ScheduleV2");
    assert_eq!(
        schedule["Properties"]["ScheduleExpression"], "rate(5 minutes)",
        "a request reaches Mendwork within five minutes"
    );
    assert_eq!(
        poll["Properties"]["EventInvokeConfig"]["MaximumRetryAttempts"], 0,
        "the next poll reads the same changes again"
    );
}
