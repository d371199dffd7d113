//! Recurring work orders: each active template's next occurrence is a timer; when it fires the
//! work order is created (once, by its deterministic id) and the following occurrence is set.

use crate::ports::{TimerSpec, TimerTarget};
use crate::steps::{App, AppError, Executed};
use chrono::{DateTime, Utc};
use mendwork_domain::config::parse_cron;
use mendwork_domain::{Contact, NewWorkOrder, Portfolio, RecurringTemplate, Source, TemplateId};

/// The first occurrence of `template` strictly after `after`, computed in the property's zone.
pub fn next_occurrence(
    portfolio: &Portfolio,
    template: &RecurringTemplate,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let property = portfolio.property(&template.property)?;
    let schedule = parse_cron(&template.schedule).ok()?;
    let local = after.with_timezone(&property.timezone);
    schedule.after(&local).next().map(|t| t.with_timezone(&Utc))
}

/// The timer of one occurrence. Its name is deterministic, so setting it twice is harmless.
pub fn occurrence_timer(
    template: &TemplateId,
    occurrence: DateTime<Utc>,
    zone: Option<chrono_tz::Tz>,
) -> TimerSpec {
    TimerSpec {
        zone,
        name: format!("rec-{}-{}", template, occurrence.format("%Y%m%d%H%M")),
        at: occurrence,
        target: TimerTarget::Recurring {
            template: template.clone(),
            occurrence,
        },
    }
}

fn zone_of(portfolio: &Portfolio, t: &RecurringTemplate) -> Option<chrono_tz::Tz> {
    portfolio.property(&t.property).map(|p| p.timezone)
}

fn active(t: &RecurringTemplate) -> bool {
    t.active.unwrap_or(true)
}

/// Sets the next occurrence timer of every active template (at start-up and after a config
/// load). Idempotent.
pub async fn ensure_all(app: &App) -> Result<usize, AppError> {
    let portfolio = app.portfolio();
    let now = app.now();
    let mut n = 0;
    for t in portfolio.recurring.iter().filter(|t| active(t)) {
        if let Some(at) = next_occurrence(&portfolio, t, now) {
            app.timers
                .set(&occurrence_timer(&t.id, at, zone_of(&portfolio, t)))
                .await?;
            n += 1;
        }
    }
    Ok(n)
}

/// Sets the occurrence after `after` for one template.
pub async fn schedule_next(
    app: &App,
    template: &TemplateId,
    after: DateTime<Utc>,
) -> Result<(), AppError> {
    let portfolio = app.portfolio();
    let Some(t) = portfolio
        .recurring
        .iter()
        .find(|t| &t.id == template && active(t))
    else {
        return Ok(());
    };
    if let Some(at) = next_occurrence(&portfolio, t, after) {
        app.timers
            .set(&occurrence_timer(&t.id, at, zone_of(&portfolio, t)))
            .await?;
    }
    Ok(())
}

/// Creates the work order of one occurrence (once). A template removed or paused since the
/// timer was set creates nothing.
pub async fn create(
    app: &App,
    template: &TemplateId,
    occurrence: DateTime<Utc>,
) -> Result<Option<Executed>, AppError> {
    let portfolio = app.portfolio();
    let Some(t) = portfolio
        .recurring
        .iter()
        .find(|t| &t.id == template && active(t))
    else {
        return Ok(None);
    };
    let request = NewWorkOrder {
        property: t.property.clone(),
        unit: t.unit.clone().unwrap_or_else(|| "common areas".into()),
        tenant: Contact {
            name: "Property staff".into(),
            email: None,
            phone: None,
        },
        description: t.description.clone(),
        category: Some(t.trade),
        emergency: false,
        permission_to_enter: true,
        pets: None,
        access_notes: None,
        photos: vec![],
        availability: vec![],
        source: Source::Recurring {
            template: t.id.clone(),
            occurrence,
        },
        language: mendwork_domain::Language::En,
    };
    let key = format!("recurring:{}:{}", t.id, occurrence.timestamp());
    app.submit(request, Some(&key)).await.map(Some)
}
