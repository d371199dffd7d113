//! The functions' own CloudWatch metrics, written as embedded metric format (EMF) lines on
//! stdout: Lambda sends stdout to the function's log group and CloudWatch Logs turns each such
//! line into metric values (no SDK call, no permission, nothing billed per call). The namespace
//! is the stack's (`MENDWORK_METRICS_NAMESPACE`, set by the template), so two stacks in one
//! account keep apart; the alarms in template.yaml read these metrics.

use mendwork_app::ports::{Clock as _, SystemClock};
use serde_json::{Map, Value, json};

/// The environment variable naming the namespace; `Mendwork` when unset.
pub const NAMESPACE_VAR: &str = "MENDWORK_METRICS_NAMESPACE";

/// Age of the oldest outbox record left undone (the sweeper's measure), seconds.
pub const OLDEST_UNDONE: &str = "OldestUndoneOutboxSeconds";
/// Outbox records the sweeper carried out again.
pub const REDRIVEN: &str = "OutboxRedriven";
/// Outbox records left pending because the deployment may not carry them out.
pub const PARKED: &str = "OutboxParked";
/// Work orders put in front of the team as overdue.
pub const OVERDUE: &str = "OverdueWorkOrders";
/// Configuration faults met (authorization errors and the like): the alarm that tells the team.
pub const CONFIGURATION_FAULTS: &str = "ConfigurationFaults";

/// A CloudWatch unit.
#[derive(Debug, Clone, Copy)]
pub enum Unit {
    Count,
    Seconds,
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Seconds => "Seconds",
        }
    }
}

/// One EMF line with `metrics` (no dimensions: one series per metric in the namespace) at
/// `timestamp_ms`.
pub fn emf_line(namespace: &str, metrics: &[(&str, f64, Unit)], timestamp_ms: i64) -> String {
    let mut root = Map::new();
    let definitions: Vec<Value> = metrics
        .iter()
        .map(|(name, _, unit)| json!({ "Name": name, "Unit": unit.as_str() }))
        .collect();
    root.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": [[]],
                "Metrics": definitions,
            }],
        }),
    );
    for (name, value, _) in metrics {
        root.insert((*name).to_string(), json!(value));
    }
    Value::Object(root).to_string()
}

/// The namespace this function writes to.
pub fn namespace() -> String {
    std::env::var(NAMESPACE_VAR)
        .ok()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "Mendwork".into())
}

/// Writes `metrics` now (real time: CloudWatch files them by when they happened).
pub fn emit(metrics: &[(&str, f64, Unit)]) {
    let now = SystemClock.now().timestamp_millis();
    println!("{}", emf_line(&namespace(), metrics, now));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emf_line_declares_each_metric_and_carries_its_value() {
        let line = emf_line(
            "Mendwork/prod",
            &[
                (OLDEST_UNDONE, 42.0, Unit::Seconds),
                (REDRIVEN, 3.0, Unit::Count),
            ],
            1_772_636_400_000,
        );
        let v: Value = serde_json::from_str(&line).unwrap_or_default();
        assert_eq!(v["_aws"]["Timestamp"], 1_772_636_400_000i64);
        let m = &v["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(m["Namespace"], "Mendwork/prod");
        assert_eq!(m["Dimensions"], json!([[]]));
        assert_eq!(
            m["Metrics"][0],
            json!({"Name": OLDEST_UNDONE, "Unit": "Seconds"})
        );
        assert_eq!(v[OLDEST_UNDONE], 42.0);
        assert_eq!(v[REDRIVEN], 3.0);
        assert!(!line.contains('\n'), "one line");
    }
}
