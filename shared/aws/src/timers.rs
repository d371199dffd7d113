//! [`SchedulerTimers`]: one-time timers as EventBridge Scheduler schedules, plus the pure
//! formatting of their names, expressions and inputs.
//!
//! Every timer — a work order's and a recurring template's next occurrence alike — is one
//! `at()` schedule named after the timer, in the schedule group, deleted by the scheduler after
//! it ran (`ActionAfterCompletion=DELETE`). Recurring templates work as in local mode: the
//! firing of one occurrence creates its work order and sets the next occurrence's timer
//! (`mendwork_app::recurring`), computed in the property's zone by the same code; see
//! [`ensure_recurring_schedules`] for seeding them.

use crate::error::{AwsError, build, sdk};
use async_trait::async_trait;
use aws_sdk_scheduler::Client;
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, FlexibleTimeWindow, FlexibleTimeWindowMode, Target,
};
use chrono::{DateTime, Duration, LocalResult, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use mendwork_app::ports::{StoreError, TimerSpec, TimerTarget, Timers};
use mendwork_app::recurring::{next_occurrence, occurrence_timer};
use mendwork_domain::{Portfolio, TimerKind};
use sha2::{Digest, Sha256};

/// Schedule names: 1–64 characters of `[0-9a-zA-Z-_.]`.
pub const MAX_NAME: usize = 64;

/// How far ahead of "now" a schedule is put at the earliest: a timer already due (the outbox
/// ran late, or the timer was set for "now") still gets a time the scheduler will reach.
const MIN_LEAD_SECONDS: i64 = 30;

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

/// The one-time schedule expression of a timer and the zone it is written in:
/// `("at(2026-03-05T18:00:00)", "America/New_York")`, the timer's instant in local time of
/// its zone (UTC when it has none), rounded up to the whole second.
///
/// Invariant: the pair denotes exactly `spec.at` (rounded up). Where the local time is
/// ambiguous (the repeated hour when clocks go back) the expression is written in UTC instead.
pub fn at_expression(spec: &TimerSpec) -> (String, String) {
    at_expression_of(spec.at, spec.zone)
}

fn at_expression_of(at: DateTime<Utc>, zone: Option<Tz>) -> (String, String) {
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

/// The ARNs a [`SchedulerTimers`] needs.
#[derive(Debug, Clone)]
pub struct SchedulerTargets {
    pub group: String,
    pub role_arn: String,
    pub accept_arn: String,
    pub followup_arn: String,
    pub recurring_arn: String,
}

/// Timers as EventBridge Scheduler one-time schedules in one group.
///
/// Invariants: at most one schedule per timer name; `set` never moves an existing schedule
/// (a name is created once, a new time is a new generation, hence a new name); `set` of an
/// existing name and `cancel` of a missing one are success.
pub struct SchedulerTimers {
    client: Client,
    targets: SchedulerTargets,
}

impl SchedulerTimers {
    pub fn new(client: Client, targets: SchedulerTargets) -> SchedulerTimers {
        SchedulerTimers { client, targets }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn group(&self) -> &str {
        &self.targets.group
    }

    fn arn(&self, f: TimerFunction) -> &str {
        match f {
            TimerFunction::Accept => &self.targets.accept_arn,
            TimerFunction::FollowUp => &self.targets.followup_arn,
            TimerFunction::Recurring => &self.targets.recurring_arn,
        }
    }

    /// Creates the schedule of a timer; an existing one of that name is left as it is.
    pub async fn create(&self, spec: &TimerSpec) -> Result<(), AwsError> {
        self.create_at(spec, Utc::now()).await
    }

    async fn create_at(&self, spec: &TimerSpec, now: DateTime<Utc>) -> Result<(), AwsError> {
        let name = schedule_name(spec);
        let at = spec.at.max(now + Duration::seconds(MIN_LEAD_SECONDS));
        let (expression, zone) = at_expression_of(at, spec.zone);
        let input = timer_input(spec)?.to_string();
        let target = Target::builder()
            .arn(self.arn(TimerFunction::of(&spec.target)))
            .role_arn(&self.targets.role_arn)
            .input(input)
            .build()
            .map_err(|e| build("building a schedule target", e))?;
        let window = FlexibleTimeWindow::builder()
            .mode(FlexibleTimeWindowMode::Off)
            .build()
            .map_err(|e| build("building a schedule window", e))?;
        let created = self
            .client
            .create_schedule()
            .name(&name)
            .group_name(&self.targets.group)
            .schedule_expression(&expression)
            .schedule_expression_timezone(&zone)
            .flexible_time_window(window)
            .action_after_completion(ActionAfterCompletion::Delete)
            .target(target)
            .send()
            .await;
        match created {
            Ok(_) => Ok(()),
            // The name is the identity: the timer exists already.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conflict_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(sdk(
                format!(
                    "creating schedule {name} ({expression} {zone}) in group {}",
                    self.targets.group
                ),
                e,
            )),
        }
    }

    /// Deletes the schedule of a timer; a missing one is fine.
    pub async fn delete(&self, timer_name: &str) -> Result<(), AwsError> {
        let name = schedule_name_of(timer_name);
        match self
            .client
            .delete_schedule()
            .name(&name)
            .group_name(&self.targets.group)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(sdk(
                format!("deleting schedule {name} from group {}", self.targets.group),
                e,
            )),
        }
    }

    /// Every timer pending in the group, read back from the schedules' inputs (for tests and
    /// operations: one `GetSchedule` per schedule).
    pub async fn pending(&self) -> Result<Vec<TimerSpec>, AwsError> {
        let mut names = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_schedules()
                .group_name(&self.targets.group)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| sdk(format!("listing schedules of {}", self.targets.group), e))?;
            names.extend(
                page.schedules()
                    .iter()
                    .filter_map(|s| s.name().map(str::to_string)),
            );
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let got = self
                .client
                .get_schedule()
                .name(&name)
                .group_name(&self.targets.group)
                .send()
                .await;
            let got = match got {
                Ok(g) => g,
                // Fired (and deleted) between the listing and now.
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_resource_not_found_exception()) =>
                {
                    continue;
                }
                Err(e) => return Err(sdk(format!("reading schedule {name}"), e)),
            };
            let Some(input) = got.target().and_then(|t| t.input()) else {
                continue;
            };
            let spec: TimerSpec = serde_json::from_str(input)
                .map_err(|e| crate::error::json(format!("decoding the input of {name}"), e))?;
            out.push(spec);
        }
        out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }
}

#[async_trait]
impl Timers for SchedulerTimers {
    async fn set(&self, timer: &TimerSpec) -> Result<(), StoreError> {
        Ok(self.create(timer).await?)
    }

    async fn cancel(&self, name: &str) -> Result<(), StoreError> {
        Ok(self.delete(name).await?)
    }
}

/// Sets the next occurrence of every active recurring template (idempotent: an occurrence's
/// schedule name is deterministic). Run it after loading a portfolio and at deployment; each
/// firing then sets the occurrence after it. Returns how many templates have a next occurrence.
pub async fn ensure_recurring_schedules(
    timers: &SchedulerTimers,
    portfolio: &Portfolio,
    now: DateTime<Utc>,
) -> Result<usize, AwsError> {
    let mut n = 0;
    for t in portfolio
        .recurring
        .iter()
        .filter(|t| t.active.unwrap_or(true))
    {
        if let Some(at) = next_occurrence(portfolio, t, now) {
            let zone = portfolio.property(&t.property).map(|p| p.timezone);
            timers.create(&occurrence_timer(&t.id, at, zone)).await?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mendwork_domain::{WorkOrderId, timer_name};

    fn spec(name: &str, at: DateTime<Utc>, zone: Option<Tz>) -> TimerSpec {
        TimerSpec {
            name: name.into(),
            at,
            zone,
            target: TimerTarget::WorkOrder {
                work_order: WorkOrderId("wo-abc".into()),
                kind: TimerKind::AcceptTimeout,
                generation: 1,
            },
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        match DateTime::parse_from_rfc3339(s) {
            Ok(t) => t.with_timezone(&Utc),
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn valid_name(n: &str) -> bool {
        (1..=MAX_NAME).contains(&n.len())
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    }

    #[test]
    fn a_valid_timer_name_is_its_own_schedule_name() {
        let name = timer_name(
            &WorkOrderId("wo-abcdefghij".into()),
            TimerKind::ReminderDayBefore,
            12,
        );
        assert_eq!(name, "wo-abcdefghij-remind-eve-12");
        assert_eq!(schedule_name(&spec(&name, Utc::now(), None)), name);
        // The longest work-order timer name fits: a recurring occurrence's id (`wo-r`, a
        // 12-character template slug, 10 digits), the longest kind, a 10-digit generation.
        let long = timer_name(
            &WorkOrderId("wo-rabcdefghijkl2603011400".into()),
            TimerKind::ScheduleNudge,
            u32::MAX,
        );
        assert!(valid_name(&long), "{long}");
        assert_eq!(schedule_name_of(&long), long);
    }

    #[test]
    fn other_names_are_cleaned_cut_and_hashed_so_they_stay_distinct() {
        let a = schedule_name_of("rec-Filter/ Hall #2-202603010900");
        assert!(valid_name(&a), "{a}");
        assert!(a.starts_with("rec-Filter--Hall--2-202603010900-"), "{a}");
        let b = schedule_name_of("rec-Filter/ Hall #3-202603010900");
        assert_ne!(a, b);
        let long = "x".repeat(200);
        let c = schedule_name_of(&long);
        assert!(valid_name(&c) && c.len() == MAX_NAME, "{c}");
        assert_ne!(c, schedule_name_of(&"x".repeat(201)));
        assert!(valid_name(&schedule_name_of("")));
        assert!(valid_name(&schedule_name_of("é")));
        // Deterministic.
        assert_eq!(schedule_name_of(&long), c);
    }

    #[test]
    fn at_is_local_time_in_the_timers_zone() {
        let ny: Tz = "America/New_York".parse().unwrap_or(Tz::UTC);
        // 23:00 UTC on 5 March 2026 is 18:00 EST (UTC-5).
        let s = spec("t", utc("2026-03-05T23:00:00Z"), Some(ny));
        assert_eq!(
            at_expression(&s),
            ("at(2026-03-05T18:00:00)".into(), "America/New_York".into())
        );
        // After the spring change (8 March 2026) New York is UTC-4.
        let s = spec("t", utc("2026-03-10T11:30:00Z"), Some(ny));
        assert_eq!(at_expression(&s).0, "at(2026-03-10T07:30:00)");
        let s = spec("t", utc("2026-07-01T09:05:07Z"), None);
        assert_eq!(
            at_expression(&s),
            ("at(2026-07-01T09:05:07)".into(), "UTC".into())
        );
    }

    #[test]
    fn at_rounds_up_to_the_second_and_never_fires_early() {
        let s = spec("t", utc("2026-07-01T09:05:07.000000001Z"), None);
        assert_eq!(at_expression(&s).0, "at(2026-07-01T09:05:08)");
        let s = spec("t", utc("2026-12-31T23:59:59.5Z"), None);
        assert_eq!(at_expression(&s).0, "at(2027-01-01T00:00:00)");
    }

    #[test]
    fn an_ambiguous_local_time_is_written_in_utc() {
        let ny: Tz = "America/New_York".parse().unwrap_or(Tz::UTC);
        // 1 November 2026: 01:30 happens twice in New York (EDT, then EST).
        let first = spec("t", utc("2026-11-01T05:30:00Z"), Some(ny));
        let second = spec("t", utc("2026-11-01T06:30:00Z"), Some(ny));
        assert_eq!(
            at_expression(&first),
            ("at(2026-11-01T05:30:00)".into(), "UTC".into())
        );
        assert_eq!(
            at_expression(&second),
            ("at(2026-11-01T06:30:00)".into(), "UTC".into())
        );
        // The hour before is unambiguous and stays local.
        let before = spec("t", utc("2026-11-01T04:30:00Z"), Some(ny));
        assert_eq!(
            at_expression(&before),
            ("at(2026-11-01T00:30:00)".into(), "America/New_York".into())
        );
    }

    #[test]
    fn every_at_expression_has_the_documented_shape() {
        let zones: [Tz; 4] = [
            Tz::UTC,
            "Europe/Lisbon".parse().unwrap_or(Tz::UTC),
            "Australia/Lord_Howe".parse().unwrap_or(Tz::UTC),
            "America/Sao_Paulo".parse().unwrap_or(Tz::UTC),
        ];
        let mut t = utc("2026-01-01T00:00:00Z");
        while t < utc("2027-01-01T00:00:00Z") {
            for z in zones {
                let (e, zone) = at_expression(&spec("t", t, Some(z)));
                let inner = e
                    .strip_prefix("at(")
                    .and_then(|x| x.strip_suffix(')'))
                    .unwrap_or("");
                let parsed = chrono::NaiveDateTime::parse_from_str(inner, "%Y-%m-%dT%H:%M:%S");
                assert!(parsed.is_ok() && inner.len() == 19, "{e}");
                let zone: Tz = zone.parse().unwrap_or(Tz::UTC);
                let back = parsed
                    .ok()
                    .and_then(|p| zone.from_local_datetime(&p).single())
                    .map(|x| x.with_timezone(&Utc));
                assert_eq!(back, Some(t), "{e} {zone}");
            }
            t += Duration::minutes(97);
        }
    }

    #[test]
    fn timers_fire_into_the_function_that_owns_them() {
        let wo = |kind| TimerTarget::WorkOrder {
            work_order: WorkOrderId("wo-a".into()),
            kind,
            generation: 1,
        };
        assert_eq!(
            TimerFunction::of(&wo(TimerKind::AcceptTimeout)),
            TimerFunction::Accept
        );
        assert_eq!(
            TimerFunction::of(&wo(TimerKind::ReminderMorning)),
            TimerFunction::FollowUp
        );
        let rec = TimerTarget::Recurring {
            template: "hvac".into(),
            occurrence: utc("2026-01-01T09:00:00Z"),
        };
        assert_eq!(TimerFunction::of(&rec), TimerFunction::Recurring);
    }

    #[test]
    fn the_input_reads_as_a_spec_and_as_a_target() {
        let s = spec("wo-abc-accept-1", utc("2026-01-01T09:00:00Z"), None);
        let input = timer_input(&s).unwrap_or_default();
        assert_eq!(input["type"], "work_order");
        assert_eq!(input["kind"], "accept_timeout");
        let back: Result<TimerSpec, _> = serde_json::from_value(input.clone());
        assert_eq!(back.ok(), Some(s.clone()));
        let bare: Result<TimerTarget, _> = serde_json::from_value(input.clone());
        assert_eq!(bare.ok(), Some(s.target.clone()));
        assert_eq!(timer_target(&input).ok(), Some(s.target.clone()));
        let recurring = serde_json::json!({
            "type": "recurring", "template": "hvac", "occurrence": "2026-03-01T14:00:00Z"
        });
        assert_eq!(
            timer_target(&recurring).ok(),
            Some(TimerTarget::Recurring {
                template: "hvac".into(),
                occurrence: utc("2026-03-01T14:00:00Z")
            })
        );
        assert!(timer_target(&serde_json::json!({"type": "nope"})).is_err());
    }
}
