//! [`SchedulerTimers`]: timers as EventBridge Scheduler schedules, plus the pure formatting of
//! their names, expressions and inputs.
//!
//! A work order's timer is one `at()` schedule named after the timer, in the schedule group,
//! deleted by the scheduler after it ran (`ActionAfterCompletion=DELETE`).
//!
//! A recurring template is ONE `cron()` schedule, [`recurring_schedule_name`] (`mw-rec-…`),
//! with the template's crontab converted by [`aws_cron`] and written in the property's zone
//! (`ScheduleExpressionTimezone`), so the scheduler itself keeps the rhythm across clock
//! changes. Its input is `{"type":"recurring","template":…,"occurrence":
//! "<aws.scheduler.scheduled-time>"}`: the scheduler substitutes the occurrence's time. Setting
//! any occurrence's timer of a template (the app does after every firing) only makes sure the
//! template's schedule exists; cancelling one is a no-op. Templates are armed and disarmed by
//! [`ensure_recurring_schedules`] when a portfolio is loaded.

use crate::error::{AwsError, build, sdk};
use async_trait::async_trait;
use aws_sdk_scheduler::Client;
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, FlexibleTimeWindow, FlexibleTimeWindowMode, Target,
};
use chrono::{DateTime, Duration, LocalResult, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::ports::{StoreError, TimerSpec, TimerTarget, Timers};
use mendwork_app::recurring::next_occurrence;
use mendwork_domain::{Portfolio, RecurringTemplate, TimerKind};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Schedule names: 1–64 characters of `[0-9a-zA-Z-_.]`.
pub const MAX_NAME: usize = 64;

/// How many times [`SchedulerTimers::put_recurring`] tries before it reports a failure.
const PUT_ATTEMPTS: u32 = 4;

/// What CreateSchedule found.
enum Created {
    New,
    /// A schedule of that name was there (its content may differ).
    Existed,
}

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

const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A five-field crontab (`min hour day-of-month month day-of-week`, as the portfolio's
/// `recurring[].schedule`) as an EventBridge Scheduler expression, `cron(min hour dom month dow
/// year)`: `?` in whichever day field the crontab leaves open (the day of the week when both
/// are), the day of the week written with names (`SUN`…`SAT`: crontab counts Sunday as 0 or 7,
/// AWS as 1), the year `*`.
///
/// Errors: anything [`mendwork_domain::config::parse_cron`] rejects, including a crontab that
/// restricts both day fields.
pub fn aws_cron(expr: &str) -> Result<String, AwsError> {
    mendwork_domain::config::parse_cron(expr)
        .map_err(|e| AwsError::Invalid(format!("the recurring schedule {e}")))?;
    let f: Vec<&str> = expr.split_whitespace().collect();
    let [min, hour, dom, month, dow] = f.as_slice() else {
        return Err(AwsError::Invalid(format!(
            "the recurring schedule {expr:?} does not have five fields"
        )));
    };
    let month = month.to_ascii_uppercase();
    let (dom, dow) = if *dow == "*" || *dow == "?" {
        let dom = if *dom == "?" { "*" } else { dom };
        (dom.to_string(), "?".to_string())
    } else {
        (
            "?".to_string(),
            day_names(dow)
                .map_err(|e| AwsError::Invalid(format!("the recurring schedule {expr:?}: {e}")))?,
        )
    };
    Ok(format!("cron({min} {hour} {dom} {month} {dow} *)"))
}

/// A crontab day-of-week field as the set of days it names, written as AWS day names with
/// runs as ranges (`1-5` → `MON-FRI`, `*/2` → `SUN,TUE,THU,SAT`, `5-7` → `SUN,FRI-SAT`).
fn day_names(field: &str) -> Result<String, String> {
    let day = |s: &str| -> Result<usize, String> {
        if let Ok(n) = s.parse::<usize>() {
            return if n <= 7 {
                Ok(n % 7)
            } else {
                Err(format!("{n} is not a day of the week"))
            };
        }
        DAY_NAMES
            .iter()
            .position(|d| d.eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("{s:?} is not a day of the week"))
    };
    let mut days = [false; 7];
    for item in field.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((b, s)) => (
                b,
                s.parse::<usize>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("{item:?} has no valid step"))?,
            ),
            None => (item, 1),
        };
        // Crontab numbering: 0..=7, with 7 also Sunday; ranges run on those numbers.
        let number = |s: &str| -> Result<usize, String> {
            match s.parse::<usize>() {
                Ok(n) if n <= 7 => Ok(n),
                _ => day(s),
            }
        };
        let (from, to) = match base.split_once('-') {
            _ if base == "*" => (0, 6),
            Some((a, b)) => (number(a)?, number(b)?),
            None if step > 1 => (number(base)?, 6),
            None => {
                let n = number(base)?;
                (n, n)
            }
        };
        if from > to {
            return Err(format!("{item:?} runs backwards"));
        }
        for n in (from..=to).step_by(step) {
            days[n % 7] = true;
        }
    }
    let mut parts = Vec::new();
    let mut i = 0;
    while i < 7 {
        if !days[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i + 1 < 7 && days[i + 1] {
            i += 1;
        }
        parts.push(if start == i {
            DAY_NAMES[start].to_string()
        } else {
            format!("{}-{}", DAY_NAMES[start], DAY_NAMES[i])
        });
        i += 1;
    }
    if parts.is_empty() {
        return Err(format!("{field:?} names no day"));
    }
    Ok(parts.join(","))
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
///
/// A recurring template is one cron schedule instead (see the module documentation), looked up
/// in the portfolio given with [`SchedulerTimers::with_portfolio`]: without one, or for a
/// template that is not there and active, setting a recurring timer does nothing.
pub struct SchedulerTimers {
    client: Client,
    targets: SchedulerTargets,
    portfolio: Option<Arc<Portfolio>>,
}

impl SchedulerTimers {
    pub fn new(client: Client, targets: SchedulerTargets) -> SchedulerTimers {
        SchedulerTimers {
            client,
            targets,
            portfolio: None,
        }
    }

    /// The portfolio whose recurring templates `set` arms.
    pub fn with_portfolio(mut self, portfolio: Arc<Portfolio>) -> SchedulerTimers {
        self.portfolio = Some(portfolio);
        self
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

    /// Creates the schedule of a timer; an existing one of that name is left as it is. A
    /// recurring occurrence's timer makes sure its template's cron schedule exists.
    pub async fn create(&self, spec: &TimerSpec) -> Result<(), AwsError> {
        if let TimerTarget::Recurring { template, .. } = &spec.target {
            let Some(portfolio) = &self.portfolio else {
                return Ok(());
            };
            let Some(t) = portfolio
                .recurring
                .iter()
                .find(|t| &t.id == template && t.active.unwrap_or(true))
            else {
                return Ok(());
            };
            let zone = portfolio
                .property(&t.property)
                .map(|p| p.timezone)
                .or(spec.zone);
            return self.create_recurring(t, zone).await;
        }
        self.create_at(spec, SystemClock.now()).await
    }

    /// Creates the cron schedule of a recurring template in `zone` (UTC when none); an
    /// existing one is left as it is.
    pub async fn create_recurring(
        &self,
        template: &RecurringTemplate,
        zone: Option<Tz>,
    ) -> Result<(), AwsError> {
        let name = recurring_schedule_name(template.id.as_str());
        let expression = aws_cron(&template.schedule)?;
        let zone = zone.unwrap_or(Tz::UTC).name().to_string();
        let input = recurring_input(template.id.as_str()).to_string();
        self.create_schedule(
            &name,
            &expression,
            &zone,
            TimerFunction::Recurring,
            input,
            None,
        )
        .await
    }

    async fn create_at(&self, spec: &TimerSpec, now: DateTime<Utc>) -> Result<(), AwsError> {
        let name = schedule_name(spec);
        let at = spec.at.max(now + Duration::seconds(MIN_LEAD_SECONDS));
        let (expression, zone) = at_expression_of(at, spec.zone);
        let input = timer_input(spec)?.to_string();
        self.create_schedule(
            &name,
            &expression,
            &zone,
            TimerFunction::of(&spec.target),
            input,
            Some(ActionAfterCompletion::Delete),
        )
        .await
    }

    /// Creates one schedule (window OFF, the timer function as target with `input`). The name
    /// is the identity: an existing schedule of that name is success.
    async fn create_schedule(
        &self,
        name: &str,
        expression: &str,
        zone: &str,
        function: TimerFunction,
        input: String,
        after: Option<ActionAfterCompletion>,
    ) -> Result<(), AwsError> {
        match self
            .try_create(name, expression, zone, function, input, after)
            .await?
        {
            Created::New | Created::Existed => Ok(()),
        }
    }

    fn target(&self, function: TimerFunction, input: String) -> Result<Target, AwsError> {
        Target::builder()
            .arn(self.arn(function))
            .role_arn(&self.targets.role_arn)
            .input(input)
            .build()
            .map_err(|e| build("building a schedule target", e))
    }

    fn window() -> Result<FlexibleTimeWindow, AwsError> {
        FlexibleTimeWindow::builder()
            .mode(FlexibleTimeWindowMode::Off)
            .build()
            .map_err(|e| build("building a schedule window", e))
    }

    /// CreateSchedule, telling a new schedule from one of that name already there.
    async fn try_create(
        &self,
        name: &str,
        expression: &str,
        zone: &str,
        function: TimerFunction,
        input: String,
        after: Option<ActionAfterCompletion>,
    ) -> Result<Created, AwsError> {
        let target = self.target(function, input)?;
        let window = Self::window()?;
        let created = self
            .client
            .create_schedule()
            .name(name)
            .group_name(&self.targets.group)
            .schedule_expression(expression)
            .schedule_expression_timezone(zone)
            .flexible_time_window(window)
            .set_action_after_completion(after)
            .target(target)
            .send()
            .await;
        match created {
            Ok(_) => Ok(Created::New),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conflict_exception()) =>
            {
                Ok(Created::Existed)
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

    /// UpdateSchedule: the schedule `name` becomes this cron schedule of the recurring
    /// function, whatever it was. `false` when there is no such schedule (any more).
    async fn update_recurring_schedule(
        &self,
        name: &str,
        expression: &str,
        zone: &str,
        input: String,
    ) -> Result<bool, AwsError> {
        let updated = self
            .client
            .update_schedule()
            .name(name)
            .group_name(&self.targets.group)
            .schedule_expression(expression)
            .schedule_expression_timezone(zone)
            .flexible_time_window(Self::window()?)
            .target(self.target(TimerFunction::Recurring, input)?)
            .send()
            .await;
        match updated {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk(
                format!(
                    "updating schedule {name} ({expression} {zone}) in group {}",
                    self.targets.group
                ),
                e,
            )),
        }
    }

    /// Makes the cron schedule of `template` exist as it should, in place: created when
    /// missing, updated when it differs (never deleted and created again, which could leave
    /// the template with none while the old one is still being deleted), then read back.
    ///
    /// Errors: the schedule still is not what it should be after a few tries.
    pub async fn put_recurring(
        &self,
        template: &RecurringTemplate,
        zone: Option<Tz>,
    ) -> Result<(), AwsError> {
        let name = recurring_schedule_name(template.id.as_str());
        let expression = aws_cron(&template.schedule)?;
        let zone_name = zone.unwrap_or(Tz::UTC).name().to_string();
        let input = recurring_input(template.id.as_str()).to_string();
        for attempt in 0..PUT_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(250 << attempt)).await;
            }
            match self.out_of_date(&name, template, zone).await? {
                Some(false) => return Ok(()),
                Some(true) => {
                    // Gone between the read and the update: create it on the next turn.
                    self.update_recurring_schedule(&name, &expression, &zone_name, input.clone())
                        .await?;
                }
                None => {
                    self.try_create(
                        &name,
                        &expression,
                        &zone_name,
                        TimerFunction::Recurring,
                        input.clone(),
                        None,
                    )
                    .await?;
                }
            }
        }
        match self.out_of_date(&name, template, zone).await? {
            Some(false) => Ok(()),
            found => Err(AwsError::Invalid(format!(
                "the schedule {name} of recurring template {:?} is {} after {PUT_ATTEMPTS} tries",
                template.id.as_str(),
                if found.is_some() {
                    "still not the template's"
                } else {
                    "still missing"
                }
            ))),
        }
    }

    /// Deletes the schedule of a timer; a missing one is fine. A recurring occurrence's timer
    /// (`rec-…`) is not a schedule of its own: nothing to do.
    pub async fn delete(&self, timer_name: &str) -> Result<(), AwsError> {
        if timer_name.starts_with("rec-") || timer_name.starts_with(RECURRING_PREFIX) {
            return Ok(());
        }
        self.delete_schedule(&schedule_name_of(timer_name)).await
    }

    async fn delete_schedule(&self, name: &str) -> Result<(), AwsError> {
        match self
            .client
            .delete_schedule()
            .name(name)
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

    /// Every schedule name in the group.
    pub async fn schedule_names(&self) -> Result<Vec<String>, AwsError> {
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
        Ok(names)
    }

    /// Every work-order timer pending in the group, read back from the schedules' inputs (for
    /// tests and operations: one `GetSchedule` per schedule). Recurring templates' cron
    /// schedules are not timers of their own and are left out.
    pub async fn pending(&self) -> Result<Vec<TimerSpec>, AwsError> {
        let names = self.schedule_names().await?;
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            if name.starts_with(RECURRING_PREFIX) {
                continue;
            }
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

/// Reconciles the group's recurring schedules with `portfolio`: puts the cron schedule of
/// every active template that has an occurrence after `now` (in its property's zone) — created
/// when missing, updated in place when its crontab, zone or target changed
/// ([`SchedulerTimers::put_recurring`]) — and deletes every `mw-rec-*` schedule of a template no
/// longer there or active. Idempotent. Run it after loading a portfolio. Returns how many
/// templates are armed.
///
/// Errors: two templates whose schedule names would be the same (ids cleaned and hashed to one
/// name), before anything is changed; a schedule that could not be put.
pub async fn ensure_recurring_schedules(
    timers: &SchedulerTimers,
    portfolio: &Portfolio,
    now: DateTime<Utc>,
) -> Result<usize, AwsError> {
    let mut names: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    for t in &portfolio.recurring {
        let name = recurring_schedule_name(t.id.as_str());
        if let Some(other) = names.insert(name.clone(), t.id.as_str())
            && other != t.id.as_str()
        {
            return Err(AwsError::Invalid(format!(
                "recurring templates {other:?} and {:?} would share the schedule {name}: \
                 rename one",
                t.id.as_str()
            )));
        }
    }
    let existing = timers.schedule_names().await?;
    let mut armed = BTreeSet::new();
    for t in portfolio
        .recurring
        .iter()
        .filter(|t| t.active.unwrap_or(true))
    {
        if next_occurrence(portfolio, t, now).is_none() {
            continue;
        }
        let zone = portfolio.property(&t.property).map(|p| p.timezone);
        timers.put_recurring(t, zone).await?;
        armed.insert(recurring_schedule_name(t.id.as_str()));
    }
    for name in existing
        .iter()
        .filter(|n| n.starts_with(RECURRING_PREFIX) && !armed.contains(*n))
    {
        timers.delete_schedule(name).await?;
    }
    Ok(armed.len())
}

impl SchedulerTimers {
    /// Whether the schedule `name` differs from what `template` in `zone` would be: `None`
    /// when there is no such schedule.
    async fn out_of_date(
        &self,
        name: &str,
        template: &RecurringTemplate,
        zone: Option<Tz>,
    ) -> Result<Option<bool>, AwsError> {
        let got = self
            .client
            .get_schedule()
            .name(name)
            .group_name(&self.targets.group)
            .send()
            .await;
        let got = match got {
            Ok(g) => g,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(sdk(format!("reading schedule {name}"), e)),
        };
        let expression = aws_cron(&template.schedule)?;
        let zone = zone.unwrap_or(Tz::UTC);
        let input = recurring_input(template.id.as_str());
        let stored_input = got
            .target()
            .and_then(|t| t.input())
            .and_then(|i| serde_json::from_str::<serde_json::Value>(i).ok());
        Ok(Some(
            got.schedule_expression() != Some(expression.as_str())
                || got.schedule_expression_timezone() != Some(zone.name())
                || got.target().map(|t| t.arn()) != Some(self.arn(TimerFunction::Recurring))
                || got.target().map(|t| t.role_arn()) != Some(self.targets.role_arn.as_str())
                || stored_input.as_ref() != Some(&input),
        ))
    }
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
        let at = Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap();
        assert_eq!(schedule_name(&spec(&name, at, None)), name);
        // The longest work-order timer name fits: a recurring occurrence's id (`wo-r`, the
        // template's 12-digit occurrence key, 10 digits), the longest kind, a 10-digit
        // generation.
        let long = timer_name(
            &mendwork_app::steps::recurring_id(
                &"monthly-checks-plumbing-and-drains".into(),
                Utc.with_ymd_and_hms(2026, 3, 1, 14, 0, 0).unwrap(),
            ),
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
    fn crontabs_become_aws_cron_expressions() {
        let cases = [
            ("0 9 1 */3 *", "cron(0 9 1 */3 ? *)"),
            ("30 7 * * 1-5", "cron(30 7 ? * MON-FRI *)"),
            ("0 10 15 * *", "cron(0 10 15 * ? *)"),
            ("*/15 * * * *", "cron(*/15 * * * ? *)"),
            ("0 9 * * 0", "cron(0 9 ? * SUN *)"),
            ("0 9 * * 7", "cron(0 9 ? * SUN *)"),
            ("0 9 * * 1", "cron(0 9 ? * MON *)"),
            ("0 9 * * 6", "cron(0 9 ? * SAT *)"),
            ("0 9 * * 5-7", "cron(0 9 ? * SUN,FRI-SAT *)"),
            ("0 9 * * 0-6", "cron(0 9 ? * SUN-SAT *)"),
            ("0 9 * * */2", "cron(0 9 ? * SUN,TUE,THU,SAT *)"),
            ("0 9 * * 1,3,5", "cron(0 9 ? * MON,WED,FRI *)"),
            ("0 9 * * mon-fri", "cron(0 9 ? * MON-FRI *)"),
            ("0 9 ? * *", "cron(0 9 * * ? *)"),
            ("0 8 1,15 jan,jul *", "cron(0 8 1,15 JAN,JUL ? *)"),
        ];
        for (crontab, aws) in cases {
            match aws_cron(crontab) {
                Ok(got) => assert_eq!(got, aws, "{crontab}"),
                Err(e) => panic!("{crontab}: {e}"),
            }
        }
    }

    #[test]
    fn every_aws_cron_has_six_fields_and_exactly_one_question_mark_day() {
        for crontab in [
            "0 9 1 */3 *",
            "30 7 * * 1-5",
            "0 10 15 * *",
            "*/15 * * * *",
            "0 0 * * *",
            "5 4 * * 0,7",
            "0 9 ? * *",
        ] {
            let Ok(e) = aws_cron(crontab) else {
                panic!("{crontab}")
            };
            let inner = e
                .strip_prefix("cron(")
                .and_then(|x| x.strip_suffix(')'))
                .unwrap_or("");
            let f: Vec<&str> = inner.split(' ').collect();
            assert_eq!(f.len(), 6, "{e}");
            assert!((f[2] == "?") != (f[4] == "?"), "{e}");
            assert_eq!(f[5], "*", "{e}");
        }
    }

    #[test]
    fn crontabs_the_config_rejects_are_errors() {
        for bad in [
            "0 9 1 * 1",
            "0 9 * *",
            "0 0 9 1 */3 *",
            "0 9 * * 8",
            "x y z w v",
        ] {
            assert!(aws_cron(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_template_has_one_deterministic_valid_schedule_name() {
        assert_eq!(recurring_schedule_name("maple-pest"), "mw-rec-maple-pest");
        let long = recurring_schedule_name(&"t".repeat(100));
        assert!(
            valid_name(&long) && long.starts_with(RECURRING_PREFIX),
            "{long}"
        );
        assert_eq!(long, recurring_schedule_name(&"t".repeat(100)));
        assert_ne!(long, recurring_schedule_name(&"t".repeat(101)));
        let odd = recurring_schedule_name("Hall #2/filters");
        assert!(
            valid_name(&odd) && odd.starts_with(RECURRING_PREFIX),
            "{odd}"
        );
    }

    #[test]
    fn the_recurring_input_reads_as_a_target_once_the_scheduler_fills_in_the_time() {
        let input = recurring_input("hvac");
        assert_eq!(input["occurrence"], SCHEDULED_TIME);
        // What EventBridge Scheduler substitutes for <aws.scheduler.scheduled-time>.
        let fired = input
            .to_string()
            .replace(SCHEDULED_TIME, "2026-03-01T14:00:00Z");
        let fired: serde_json::Value = serde_json::from_str(&fired).unwrap_or_default();
        assert_eq!(
            timer_target(&fired).ok(),
            Some(TimerTarget::Recurring {
                template: "hvac".into(),
                occurrence: utc("2026-03-01T14:00:00Z")
            })
        );
        let offset = serde_json::json!({
            "type": "recurring", "template": "hvac", "occurrence": "2026-03-01T09:00:00-05:00"
        });
        assert_eq!(
            timer_target(&offset).ok(),
            Some(TimerTarget::Recurring {
                template: "hvac".into(),
                occurrence: utc("2026-03-01T14:00:00Z")
            })
        );
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
