//! Arming and disarming recurring templates: the group's `mw-rec-*` schedules reconciled with
//! a loaded portfolio.

use super::names::{RECURRING_PREFIX, recurring_schedule_name};
use super::scheduler::SchedulerTimers;
use crate::error::AwsError;
use chrono::{DateTime, Utc};
use mendwork_app::recurring::next_occurrence;
use mendwork_domain::Portfolio;
use std::collections::BTreeSet;

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
