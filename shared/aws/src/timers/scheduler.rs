//! [`SchedulerTimers`]: the EventBridge Scheduler client behind the `Timers` port; one-time
//! schedules for work-order timers, a cron schedule put in place for a recurring template.

use super::crontab::aws_cron;
use super::names::{
    RECURRING_PREFIX, TimerFunction, at_expression_of, recurring_input, recurring_schedule_name,
    schedule_name, schedule_name_of, timer_input,
};
use crate::error::{AwsError, build, sdk};
use async_trait::async_trait;
use aws_sdk_scheduler::Client;
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, FlexibleTimeWindow, FlexibleTimeWindowMode, Target,
};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::ports::{StoreError, TimerSpec, TimerTarget, Timers};
use mendwork_domain::{Portfolio, RecurringTemplate};
use std::sync::Arc;

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

    pub(super) async fn delete_schedule(&self, name: &str) -> Result<(), AwsError> {
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
