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
//!
//! The names, expressions and inputs are in `names`, the crontab conversion in `crontab`, the
//! scheduler client in `scheduler`, and the reconciliation of recurring templates in
//! `recurring`.

mod crontab;
mod names;
mod recurring;
mod scheduler;
#[cfg(test)]
mod tests;

pub use crontab::aws_cron;
pub use names::{
    MAX_NAME, RECURRING_PREFIX, SCHEDULED_TIME, TimerFunction, at_expression, recurring_input,
    recurring_schedule_name, schedule_name, schedule_name_of, timer_input, timer_target,
};
pub use recurring::ensure_recurring_schedules;
pub use scheduler::{SchedulerTargets, SchedulerTimers};
