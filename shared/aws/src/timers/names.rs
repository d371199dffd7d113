//! The pure formatting of schedules: a timer's or a template's schedule name, a timer's
//! `at()` expression in its zone, the inputs the scheduler hands back, and which function a
//! timer fires into.

use crate::error::AwsError;
use chrono::{DateTime, Duration, LocalResult, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use mendwork_app::ports::{TimerSpec, TimerTarget};
use mendwork_domain::TimerKind;
use sha2::{Digest, Sha256};

/// Schedule names: 1–64 characters of `[0-9a-zA-Z-_.]`.
pub const MAX_NAME: usize = 64;

/// The schedule name of a timer: its own name when that is a valid schedule name, otherwise
/// the name with every other character replaced by `-`, cut, and suffixed with a hash of the
/// original, so that distinct timer names never share a schedule.
///
/// Invariant: a pure function of `spec.name` (so `cancel(name)` finds what `set` created),
/// always 1–64 characters of `[0-9a-zA-Z-_.]`.
pub fn schedule_name(spec: &TimerSpec) -> String {
    schedule_name_of(&spec.name)
}

/// [`schedule_name`] from the timer name alone.
pub fn schedule_name_of(name: &str) -> String {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !name.is_empty() && name.len() <= MAX_NAME && name.chars().all(allowed) {
        return name.to_string();
    }
    let hash = Sha256::digest(name.as_bytes());
    let tag: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
    let clean: String = name
        .chars()
        .map(|c| if allowed(c) { c } else { '-' })
        .take(MAX_NAME - tag.len() - 1)
        .collect();
    format!("{clean}-{tag}")
}

/// The prefix of every recurring template's schedule name.
pub const RECURRING_PREFIX: &str = "mw-rec-";

/// The Scheduler context attribute a recurring schedule's input carries as its occurrence.
pub const SCHEDULED_TIME: &str = "<aws.scheduler.scheduled-time>";

/// The one schedule of a recurring template: `mw-rec-<template>`, cleaned and hashed like
/// [`schedule_name_of`] when the id does not fit as it is.
///
/// Invariant: a pure function of the template id, 1–64 characters of `[0-9a-zA-Z-_.]`,
/// starting with [`RECURRING_PREFIX`].
pub fn recurring_schedule_name(template: &str) -> String {
    schedule_name_of(&format!("{RECURRING_PREFIX}{template}"))
}

/// The input of a recurring template's schedule (see the module documentation).
pub fn recurring_input(template: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "recurring",
        "template": template,
        "occurrence": SCHEDULED_TIME,
    })
}

/// The one-time schedule expression of a timer and the zone it is written in:
/// `("at(2026-03-05T18:00:00)", "America/New_York")`, the timer's instant in local time of
/// its zone (UTC when it has none), rounded up to the whole second.
///
/// Invariant: the pair denotes exactly `spec.at` (rounded up). Where the local time is
/// ambiguous (the repeated hour when clocks go back) the expression is written in UTC instead.
pub fn at_expression(spec: &TimerSpec) -> (String, String) {
    at_expression_of(spec.at, spec.zone)
}

pub(super) fn at_expression_of(at: DateTime<Utc>, zone: Option<Tz>) -> (String, String) {
    let at = ceil_second(at);
    let zone = zone.unwrap_or(Tz::UTC);
    let local = at.with_timezone(&zone).naive_local();
    let (naive, zone) = match zone.from_local_datetime(&local) {
        LocalResult::Single(t) if t.with_timezone(&Utc) == at => (local, zone),
        _ => (at.naive_utc(), Tz::UTC),
    };
    (
        format!("at({})", naive.format("%Y-%m-%dT%H:%M:%S")),
        zone.name().to_string(),
    )
}

fn ceil_second(at: DateTime<Utc>) -> DateTime<Utc> {
    if at.nanosecond() == 0 {
        return at;
    }
    let floor = at.with_nanosecond(0).unwrap_or(at);
    floor + Duration::seconds(1)
}

/// The schedule's input: the [`TimerSpec`] JSON with the [`TimerTarget`]'s fields also at the
/// top level, so that a handler may read it as either type.
pub fn timer_input(spec: &TimerSpec) -> Result<serde_json::Value, AwsError> {
    let mut value =
        serde_json::to_value(spec).map_err(|e| crate::error::json("encoding a timer", e))?;
    let target = serde_json::to_value(&spec.target)
        .map_err(|e| crate::error::json("encoding a timer target", e))?;
    if let (Some(top), serde_json::Value::Object(fields)) = (value.as_object_mut(), target) {
        for (k, v) in fields {
            top.entry(k).or_insert(v);
        }
    }
    Ok(value)
}

/// What a timer function was invoked with: a schedule input written by [`timer_input`], a bare
/// [`TimerSpec`] or a bare [`TimerTarget`] (`{"type":"recurring","template":…,"occurrence":…}`).
pub fn timer_target(input: &serde_json::Value) -> Result<TimerTarget, AwsError> {
    if input.get("target").is_some() {
        let spec: TimerSpec = serde_json::from_value(input.clone())
            .map_err(|e| crate::error::json("decoding a timer input", e))?;
        return Ok(spec.target);
    }
    serde_json::from_value(input.clone())
        .map_err(|e| crate::error::json("decoding a timer input", e))
}

/// Which function a timer fires into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerFunction {
    /// An offer's accept timeout (the dispatch step).
    Accept,
    /// Every other work-order timer.
    FollowUp,
    /// A recurring template's occurrence.
    Recurring,
}

impl TimerFunction {
    pub fn of(target: &TimerTarget) -> TimerFunction {
        match target {
            TimerTarget::WorkOrder {
                kind: TimerKind::AcceptTimeout,
                ..
            } => TimerFunction::Accept,
            TimerTarget::WorkOrder { .. } => TimerFunction::FollowUp,
            TimerTarget::Recurring { .. } => TimerFunction::Recurring,
        }
    }
}
