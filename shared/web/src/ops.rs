//! What the API and the pages both do: find a work order by id or job code, run a command and
//! carry out its outbox before answering, and the visitor-desk operations on visits.

use crate::error::{WebError, log_internal};
use crate::intake::FieldError;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use mendwork_app::{App, AppError, Exec, Executed};
use mendwork_domain::localtime::{at_local, local_date};
use mendwork_domain::visits::{DeskAction, desk};
use mendwork_domain::{
    Actor, Command, JobCode, LocalTime, Property, PropertyId, Visit, VisitId, VisitStatus, Window,
    WorkOrder, WorkOrderId,
};

/// The acting PM until logins exist.
pub fn pm() -> Actor {
    Actor::Pm("PM".into())
}

/// Carries out the outbox (messages, timers, follow-up commands) so the caller sees the result
/// of its request. A failure here loses nothing (the records stay pending and are retried), so
/// it is logged and the request still counts as done.
pub async fn settle(app: &App) {
    if let Err(e) = app.drain().await {
        log_internal(&e);
    }
}

/// Runs one command, then settles the outbox.
pub async fn run(app: &App, id: &WorkOrderId, command: Command) -> Result<Executed, WebError> {
    let done = app.execute(id, command, Exec::default()).await;
    settle(app).await;
    Ok(done?)
}

/// A work order by id (`wo-…`) or by job code (open work orders only).
pub async fn find(app: &App, id_or_code: &str) -> Result<Option<WorkOrder>, WebError> {
    let key = id_or_code.trim();
    if let Some(wo) = app
        .work_order(&WorkOrderId(key.to_string()))
        .await
        .map_err(store)?
    {
        return Ok(Some(wo));
    }
    match JobCode::parse(key) {
        Some(code) => Ok(app.open_by_code(&code).await.map_err(store)?),
        None => Ok(None),
    }
}

/// Like [`find`], but missing is a 404.
pub async fn get(app: &App, id_or_code: &str) -> Result<WorkOrder, WebError> {
    find(app, id_or_code).await?.ok_or_else(|| {
        WebError::NotFound(format!("There is no work order {:?}.", id_or_code.trim()))
    })
}

pub fn store(e: mendwork_app::ports::StoreError) -> WebError {
    WebError::store(&e)
}

/// The instants bounding a local calendar day in `tz`.
pub fn day_bounds(tz: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = LocalTime(NaiveTime::MIN);
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    (at_local(tz, date, midnight), at_local(tz, next, midnight))
}

/// Today's date where the property is.
pub fn today(app: &App, tz: Tz) -> NaiveDate {
    local_date(tz, app.now())
}

/// The visits a property's desk expects on a local date (and any still checked in).
pub async fn visits_on(
    app: &App,
    property: &Property,
    date: NaiveDate,
) -> Result<Vec<Visit>, WebError> {
    let (from, to) = day_bounds(property.timezone, date);
    let mut visits = app
        .visits_between(&property.id, from, to)
        .await
        .map_err(store)?;
    visits.sort_by_key(|v| (v.expected.map(|w| w.start), v.visitor.clone()));
    Ok(visits)
}

/// A visit made at the desk, before it is stored or linked.
pub struct NewVisit {
    pub property: PropertyId,
    pub visitor: String,
    pub company: Option<String>,
    /// `None`: the appointment of the linked work order if it has one, else all of `day`.
    pub expected: Option<Window>,
    /// The local day the visit is for when no time is given.
    pub day: NaiveDate,
    pub request_id: Option<String>,
}

/// All of a local day, as a window (a visit expected "some time that day").
pub fn whole_day(tz: Tz, date: NaiveDate) -> Option<Window> {
    let (from, to) = day_bounds(tz, date);
    Window::new(from, to)
}

/// Creates a visit; with a request id it is linked to that work order in the same step (and
/// not created at all if the link is refused).
pub async fn create_visit(app: &App, new: NewVisit) -> Result<Visit, WebError> {
    let tz = app
        .portfolio()
        .property(&new.property)
        .map_or(chrono_tz::UTC, |p| p.timezone);
    let expected = match (new.expected, &new.request_id) {
        (Some(w), _) => Some(w),
        (None, Some(request)) => match find(app, request).await? {
            Some(wo) if wo.appointment.is_some() => None,
            _ => whole_day(tz, new.day),
        },
        (None, None) => whole_day(tz, new.day),
    };
    let visit = Visit {
        id: app.ids.visit_id(),
        property: new.property,
        work_order: None,
        work_order_code: None,
        visitor: new.visitor,
        company: new.company,
        expected,
        status: VisitStatus::Expected,
        checked_in_at: None,
        checked_out_at: None,
        automatic: false,
    };
    match new.request_id {
        Some(request) => link(app, visit, &request).await,
        None => {
            app.save_manual_visit(&visit).await.map_err(store)?;
            settle(app).await;
            Ok(visit)
        }
    }
}

/// Links a visit to the work order with this request id (job code or id).
pub async fn link(app: &App, visit: Visit, request_id: &str) -> Result<Visit, WebError> {
    let wo = find(app, request_id).await?.ok_or_else(|| {
        WebError::from(FieldError::new(
            "request_id",
            format!(
                "No open work order has the request id {:?}.",
                request_id.trim()
            ),
        ))
    })?;
    let id = visit.id.clone();
    let done = run(app, &wo.id, Command::LinkVisit { visit }).await?;
    match done.wo.visit {
        Some(v) if v.id == id => Ok(v),
        _ => load_visit(app, &id).await,
    }
}

pub async fn load_visit(app: &App, id: &VisitId) -> Result<Visit, WebError> {
    app.visit(id)
        .await
        .map_err(store)?
        .ok_or_else(|| WebError::NotFound(format!("There is no visit {id}.")))
}

/// Checks the visitor in: a linked visit through its work order (the vendor arrived), a manual
/// one directly. Checking in twice is harmless.
pub async fn check_in(app: &App, id: &VisitId) -> Result<Visit, WebError> {
    desk_action(app, id, DeskAction::CheckIn, Actor::Desk).await
}

/// Checks the visitor out. Checking out twice is harmless; before check-in it is refused.
pub async fn check_out(app: &App, id: &VisitId) -> Result<Visit, WebError> {
    desk_action(app, id, DeskAction::CheckOut, Actor::Desk).await
}

/// [`check_in`] or [`check_out`] done by `by` (an integration's key through the API) rather
/// than the front desk: the work order's timeline names it.
pub async fn desk_action_by(
    app: &App,
    id: &VisitId,
    action: DeskAction,
    by: Actor,
) -> Result<Visit, WebError> {
    desk_action(app, id, action, by).await
}

/// The desk's action, as the domain's [`desk`] rule allows it: a visit linked to a work order
/// changes through that work order's commands (check-in is the vendor's arrival), a visit made
/// at the desk is stored directly.
async fn desk_action(
    app: &App,
    id: &VisitId,
    action: DeskAction,
    by: Actor,
) -> Result<Visit, WebError> {
    let visit = load_visit(app, id).await?;
    let Some(next) = desk(&visit, action, app.now()).map_err(AppError::Rejected)? else {
        return Ok(visit);
    };
    match &visit.work_order {
        Some(wo) => {
            let command = match action {
                DeskAction::CheckIn => Command::Arrived { by },
                DeskAction::CheckOut => Command::CheckOut { by },
            };
            run(app, wo, command).await?;
            load_visit(app, id).await
        }
        None => {
            app.save_manual_visit(&next).await.map_err(store)?;
            settle(app).await;
            Ok(next)
        }
    }
}
