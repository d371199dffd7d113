//! The visitor desk: the buildings with a desk, and for one building and day the visitors
//! expected, with check-in / check-out buttons, a form to add a visit (optionally linked to a
//! work order by its request id) and a form to link an existing visit.

use super::tenant::capitalise;
use super::{Errors, Notice, PageForm, layout, when};
use crate::error::{PageError, WebError};
use crate::intake::{FieldError, MAX_NAME, local_date, local_window, optional_text, required_text};
use crate::ops;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use maud::{Markup, html};
use mendwork_app::App;
use mendwork_domain::{Property, PropertyId, VisitId, VisitStatus};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/desk", get(buildings))
        .route("/desk/{property}", get(day))
        .route("/desk/{property}/visits", post(create))
        .route("/desk/visits/{id}/{action}", post(act))
}

async fn buildings(State(app): State<App>) -> Markup {
    let portfolio = app.portfolio();
    let desks: Vec<&Property> = portfolio
        .properties
        .iter()
        .filter(|p| p.visitor_desk)
        .collect();
    layout(
        "Front desk",
        html! {
            h1 { "Front desk" }
            @if desks.is_empty() { p { "No building has a visitor desk." } }
            ul {
                @for p in desks {
                    li { a href=(format!("/desk/{}", p.id)) { (p.name) } " — " (p.address) }
                }
            }
        },
    )
}

fn property(app: &App, id: &str) -> Result<Property, WebError> {
    app.portfolio()
        .property(&PropertyId(id.to_string()))
        .cloned()
        .ok_or_else(|| WebError::NotFound(format!("There is no property {id:?}.")))
}

#[derive(Debug, Default, Deserialize)]
struct DayQuery {
    #[serde(default)]
    date: Option<String>,
}

fn the_date(app: &App, p: &Property, value: Option<&str>) -> Result<NaiveDate, WebError> {
    match value.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Ok(local_date("date", d)?),
        None => Ok(ops::today(app, p.timezone)),
    }
}

async fn day(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(q): Query<DayQuery>,
) -> Result<Markup, PageError> {
    let p = property(&app, &id)?;
    let date = the_date(&app, &p, q.date.as_deref())?;
    Ok(day_page(
        &app,
        &p,
        date,
        None,
        &Errors::default(),
        &VisitForm::default(),
    )
    .await?)
}

async fn day_page(
    app: &App,
    p: &Property,
    date: NaiveDate,
    notice: Option<&Notice>,
    errors: &Errors,
    values: &VisitForm,
) -> Result<Markup, WebError> {
    let visits = ops::visits_on(app, p, date).await?;
    let tz = p.timezone;
    let all_day = ops::whole_day(tz, date);
    let d = date.format("%Y-%m-%d").to_string();
    let prev = date.pred_opt().map(|x| x.format("%Y-%m-%d").to_string());
    let next = date.succ_opt().map(|x| x.format("%Y-%m-%d").to_string());
    Ok(layout(
        &format!("Front desk — {}", p.name),
        html! {
            h1 { (p.name) ": visitors on " (date.format("%a %b %-d, %Y").to_string()) }
            nav aria-label="Days" {
                p {
                    @if let Some(x) = &prev { a href=(format!("/desk/{}?date={x}", p.id)) { "← Previous day" } " · " }
                    a href=(format!("/desk/{}", p.id)) { "Today" }
                    @if let Some(x) = &next { " · " a href=(format!("/desk/{}?date={x}", p.id)) { "Next day →" } }
                }
            }
            (Notice::render(notice))
            (errors.summary())
            section {
                h2 { "Expected" }
                @if visits.is_empty() { p { "No visitors expected." } }
                @for v in &visits {
                    article {
                        h3 {
                            (v.visitor) @if let Some(c) = &v.company { " — " (c) }
                            " " span.badge { (format!("{:?}", v.status).to_lowercase().replace("checked", "checked ")) }
                        }
                        p {
                            @if let Some(w) = &v.expected {
                                @if Some(*w) == all_day { "Any time that day" } @else { (when(tz, w)) }
                            } @else { "No time given" }
                            @if let Some(code) = &v.work_order_code { " · job " (code) }
                            @if v.automatic { " · from the work order" }
                        }
                        @if v.status == VisitStatus::Expected {
                            form method="post" action=(format!("/desk/visits/{}/check-in", v.id)) {
                                input type="hidden" name="date" value=(d);
                                button type="submit" { "Check in" span.visually-hidden { " " (v.visitor) } }
                            }
                        }
                        @if v.status == VisitStatus::CheckedIn {
                            form method="post" action=(format!("/desk/visits/{}/check-out", v.id)) {
                                input type="hidden" name="date" value=(d);
                                button type="submit" { "Check out" span.visually-hidden { " " (v.visitor) } }
                            }
                        }
                        @if v.work_order.is_none() && matches!(v.status, VisitStatus::Expected | VisitStatus::CheckedIn) {
                            @let field = format!("link-{}", v.id);
                            form method="post" action=(format!("/desk/visits/{}/link", v.id)) {
                                input type="hidden" name="date" value=(d);
                                label for=(field) { "Link to a work order (request id)" }
                                input type="text" id=(field) name="request_id" placeholder="e.g. KP27"
                                    aria-invalid=[errors.invalid(&field)] aria-describedby=[errors.described_by(&field)];
                                (errors.beside(&field))
                                button.secondary type="submit" { "Link" }
                            }
                        }
                    }
                }
            }
            section {
                h2 { "Add a visit" }
                form method="post" action=(format!("/desk/{}/visits", p.id)) {
                    label for="visitor" { "Visitor's name" }
                    input type="text" id="visitor" name="visitor" required value=(values.visitor)
                        aria-invalid=[errors.invalid("visitor")] aria-describedby=[errors.described_by("visitor")];
                    (errors.beside("visitor"))
                    label for="company" { "Company (optional)" }
                    input type="text" id="company" name="company" value=(values.company)
                        aria-invalid=[errors.invalid("company")] aria-describedby=[errors.described_by("company")];
                    (errors.beside("company"))
                    div.row {
                        div {
                            label for="date" { "Date" }
                            input type="date" id="date" name="date" value=(if values.date.is_empty() { d.clone() } else { values.date.clone() })
                                aria-invalid=[errors.invalid("window")] aria-describedby=[errors.described_by("window")];
                        }
                        div {
                            label for="start" { "From (optional)" }
                            input type="time" id="start" name="start" value=(values.start)
                                aria-invalid=[errors.invalid("window")] aria-describedby=[errors.described_by("window")];
                        }
                        div {
                            label for="end" { "To (optional)" }
                            input type="time" id="end" name="end" value=(values.end)
                                aria-invalid=[errors.invalid("window")] aria-describedby=[errors.described_by("window")];
                        }
                    }
                    (errors.beside("window"))
                    label for="request_id" { "Work order request id (optional)" }
                    input type="text" id="request_id" name="request_id" value=(values.request_id) placeholder="e.g. KP27"
                        aria-invalid=[errors.invalid("request_id")] aria-describedby=[errors.described_by("request_id")];
                    (errors.beside("request_id"))
                    button type="submit" { "Add visit" }
                }
            }
        },
    ))
}

#[derive(Debug, Clone, Default, Deserialize)]
struct VisitForm {
    #[serde(default)]
    visitor: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    request_id: String,
}

async fn create(
    State(app): State<App>,
    Path(id): Path<String>,
    PageForm(f): PageForm<VisitForm>,
) -> Result<Response, PageError> {
    let p = property(&app, &id)?;
    let date = the_date(&app, &p, Some(&f.date)).unwrap_or_else(|_| ops::today(&app, p.timezone));
    let mut errors = vec![];
    let visitor = required_text("visitor", &f.visitor, MAX_NAME, "the visitor's name")
        .map_err(|e| errors.push(e))
        .ok();
    let company = optional_text("company", Some(&f.company), MAX_NAME)
        .map_err(|e| errors.push(e))
        .ok();
    let request_id = optional_text("request_id", Some(&f.request_id), MAX_NAME)
        .map_err(|e| errors.push(e))
        .ok();
    let expected = match (f.start.trim().is_empty(), f.end.trim().is_empty()) {
        (true, true) => Some(None),
        (false, false) => {
            // A visit may be for today, so only the end must be in the future.
            local_window("window", p.timezone, &f.date, &f.start, &f.end, app.now())
                .map(Some)
                .map_err(|e| errors.push(e))
                .ok()
        }
        _ => {
            errors.push(FieldError::new(
                "window",
                "Give both the start and the end time, or neither.",
            ));
            None
        }
    };
    let (Some(visitor), Some(company), Some(request_id), Some(expected)) =
        (visitor, company, request_id, expected)
    else {
        let page = day_page(&app, &p, date, None, &Errors(errors), &f).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let new = ops::NewVisit {
        property: p.id.clone(),
        visitor,
        company,
        expected,
        day: date,
        request_id,
    };
    match ops::create_visit(&app, new).await {
        Ok(_) => Ok(back(&p.id, date)),
        Err(e) => refused(&app, &p, date, e, "request_id", &f).await,
    }
}

fn back(property: &PropertyId, date: NaiveDate) -> Response {
    Redirect::to(&format!(
        "/desk/{property}?date={}",
        date.format("%Y-%m-%d")
    ))
    .into_response()
}

/// The desk page again with what went wrong (409 for a refusal, 422 for bad input).
async fn refused(
    app: &App,
    p: &Property,
    date: NaiveDate,
    e: WebError,
    field: &str,
    values: &VisitForm,
) -> Result<Response, PageError> {
    match e {
        WebError::Field { message, .. } => {
            let errors = Errors(vec![FieldError::new(field, message)]);
            let page = day_page(app, p, date, None, &errors, values).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        WebError::Rejected(_) | WebError::Invalid(_) | WebError::NotFound(_) => {
            let notice = Notice::Problem(capitalise(&e.message()));
            let page = day_page(app, p, date, Some(&notice), &Errors::default(), values).await?;
            Ok((e.status(), page).into_response())
        }
        other => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ActForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    request_id: String,
}

async fn act(
    State(app): State<App>,
    Path((id, action)): Path<(String, String)>,
    PageForm(f): PageForm<ActForm>,
) -> Result<Response, PageError> {
    let id = VisitId(id);
    let visit = ops::load_visit(&app, &id).await?;
    let p = property(&app, visit.property.as_str())?;
    let date = the_date(&app, &p, Some(&f.date)).unwrap_or_else(|_| ops::today(&app, p.timezone));
    let field = format!("link-{id}");
    let result = match action.as_str() {
        "check-in" => ops::check_in(&app, &id).await,
        "check-out" => ops::check_out(&app, &id).await,
        "link" => match required_text(&field, &f.request_id, MAX_NAME, "the request id") {
            Ok(request) => ops::link(&app, visit, &request).await,
            Err(e) => Err(e.into()),
        },
        other => Err(WebError::NotFound(format!("There is no action {other:?}."))),
    };
    match result {
        Ok(_) => Ok(back(&p.id, date)),
        Err(e) => refused(&app, &p, date, e, &field, &VisitForm::default()).await,
    }
}
