//! The tenant's pages: the report form (property chooser, form, submission with its
//! idempotency token and honeypot), the neutral thank-you page, and the status page reached by
//! the signed link, with its forms (add availability, cancel, answer a proposed time, feedback).

use super::timeline::tenant_timeline;
use super::{Errors, Notice, PageForm, layout, path_of, when, window_rows};
use crate::error::{PageError, WebError};
use crate::intake::{
    FieldError, MAX_WINDOWS, ReportForm, local_windows, optional_text, submission_token,
};
use crate::ops;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use mendwork_app::{App, Claim};
use mendwork_domain::effects::Links;
use mendwork_domain::{
    Actor, Command, Portfolio, Property, PropertyId, Status, Trade, WorkOrder, WorkOrderId,
};
use rand::Rng;
use rand::distr::Alphanumeric;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/report", get(chooser).post(submit))
        .route("/report/{property}", get(form))
        .route("/thanks", get(thanks))
        .route("/s/{token}", get(status))
        .route("/s/{token}/availability", post(add_availability))
        .route("/s/{token}/cancel", post(cancel))
        .route("/s/{token}/proposal", post(proposal))
        .route("/s/{token}/feedback", post(feedback))
}

/// A fresh submission token for one rendering of the form.
pub fn new_token() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect()
}

async fn chooser(State(app): State<App>) -> Markup {
    let portfolio = app.portfolio();
    layout(
        "Report a problem",
        html! {
            h1 { "Report a maintenance problem" }
            p { "Choose your building:" }
            ul {
                @for p in &portfolio.properties {
                    li { a href=(format!("/report/{}", p.id)) { (p.name) } " — " (p.address) }
                }
            }
        },
    )
}

async fn form(State(app): State<App>, Path(property): Path<String>) -> Result<Markup, PageError> {
    let portfolio = app.portfolio();
    let p = portfolio
        .property(&PropertyId(property.clone()))
        .ok_or_else(|| WebError::NotFound(format!("There is no property {property:?}.")))?;
    let values = ReportForm {
        property: p.id.to_string(),
        submission: new_token(),
        ..ReportForm::default()
    };
    Ok(report_page(&app, p, &values, &Errors::default()))
}

/// The form, filled with `values`, each error beside its field.
fn report_page(app: &App, p: &Property, values: &ReportForm, errors: &Errors) -> Markup {
    let min_date = ops::today(app, p.timezone).format("%Y-%m-%d").to_string();
    let filled = values.window_date.len().max(values.window_start.len());
    let rows = (filled + 1).clamp(3, MAX_WINDOWS);
    let emergency = values.emergency.as_deref() == Some("yes");
    let no_entry = values.permission_to_enter.as_deref() == Some("no");
    let contact_err = errors.get("contact").is_some();
    let described = |field: &str| -> Option<String> {
        let mut ids = vec![];
        if let Some(id) = errors.described_by(field) {
            ids.push(id);
        }
        if contact_err && (field == "email" || field == "phone") {
            ids.push("contact-error".into());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let invalid = |field: &str| -> Option<&'static str> {
        (errors.get(field).is_some() || (contact_err && (field == "email" || field == "phone")))
            .then_some("true")
    };
    layout(
        "Report a problem",
        html! {
            h1 { "Report a problem at " (p.name) }
            p.hint { (p.address) }
            (errors.summary())
            form method="post" action="/report" novalidate {
                input type="hidden" name="property" value=(p.id);
                input type="hidden" name="submission" value=(values.submission);
                div.visually-hidden aria-hidden="true" {
                    label for="website" { "Leave this field empty" }
                    input type="text" id="website" name="website" tabindex="-1" autocomplete="off" value="";
                }
                section {
                    h2 { "About you" }
                    label for="unit" { "Unit" }
                    input type="text" id="unit" name="unit" value=(values.unit) required
                        autocomplete="address-line2" aria-invalid=[invalid("unit")] aria-describedby=[described("unit")];
                    (errors.beside("unit"))
                    label for="name" { "Your name" }
                    input type="text" id="name" name="name" value=(values.name) required
                        autocomplete="name" aria-invalid=[invalid("name")] aria-describedby=[described("name")];
                    (errors.beside("name"))
                    p.hint id="contact-hint" { "Give an email address, a mobile number, or both: we'll send updates there." }
                    label for="email" { "Email" }
                    input type="email" id="email" name="email" value=(values.email) autocomplete="email"
                        aria-invalid=[invalid("email")] aria-describedby=[described("email")];
                    (errors.beside("email"))
                    label for="phone" { "Mobile number" }
                    input type="tel" id="phone" name="phone" value=(values.phone) autocomplete="tel"
                        aria-invalid=[invalid("phone")] aria-describedby=[described("phone")];
                    (errors.beside("phone"))
                    (errors.beside("contact"))
                }
                section {
                    h2 { "The problem" }
                    label for="description" { "What's wrong?" }
                    textarea id="description" name="description" required maxlength="4000"
                        aria-invalid=[invalid("description")] aria-describedby=[described("description")] {
                        (values.description)
                    }
                    (errors.beside("description"))
                    label for="category" { "Kind of problem" }
                    select id="category" name="category" aria-invalid=[invalid("category")]
                        aria-describedby=[described("category")] {
                        option value="" { "Not sure — let us decide" }
                        @for t in Trade::ALL {
                            option value=(t.as_str()) selected[values.category == t.as_str()] { (t.label()) }
                        }
                    }
                    (errors.beside("category"))
                    fieldset {
                        legend { "Is this an emergency? (gas smell, flooding, sparks, no heat, sewage, locked out)" }
                        input type="radio" id="emergency-no" name="emergency" value="no" checked[!emergency];
                        label.inline for="emergency-no" { "No" }
                        input type="radio" id="emergency-yes" name="emergency" value="yes" checked[emergency];
                        label.inline for="emergency-yes" { "Yes" }
                        p.hint { "If you smell gas or see fire, leave the building and call 911 first." }
                    }
                }
                section {
                    h2 { "Access" }
                    fieldset {
                        legend { "May the vendor enter if you're not home?" }
                        input type="radio" id="pte-yes" name="permission_to_enter" value="yes" checked[!no_entry];
                        label.inline for="pte-yes" { "Yes" }
                        input type="radio" id="pte-no" name="permission_to_enter" value="no" checked[no_entry];
                        label.inline for="pte-no" { "No, I must be home" }
                    }
                    label for="pets" { "Pets" }
                    input type="text" id="pets" name="pets" value=(values.pets) placeholder="e.g. a friendly dog"
                        aria-invalid=[invalid("pets")] aria-describedby=[described("pets")];
                    (errors.beside("pets"))
                    label for="access_notes" { "Access notes" }
                    textarea id="access_notes" name="access_notes" maxlength="1000"
                        aria-invalid=[invalid("access_notes")] aria-describedby=[described("access_notes")] {
                        (values.access_notes)
                    }
                    (errors.beside("access_notes"))
                }
                section {
                    h2 { "When can someone come?" }
                    p.hint { "Give up to " (MAX_WINDOWS) " times that suit you, in the building's local time. Leave unused rows empty." }
                    (window_rows(rows, &values.window_date, &values.window_start, &values.window_end, errors, &min_date))
                    (errors.beside("windows"))
                }
                button type="submit" { "Send request" }
            }
        },
    )
}

async fn submit(
    State(app): State<App>,
    PageForm(values): PageForm<ReportForm>,
) -> Result<Response, PageError> {
    if values.is_bot() {
        return Ok(Redirect::to("/thanks").into_response());
    }
    let portfolio = app.portfolio();
    let request = match values.parse(&portfolio, app.now()) {
        Ok(r) => r,
        Err(errors) => {
            let Some(p) = portfolio.property(&PropertyId(values.property.trim().to_string()))
            else {
                return Err(WebError::NotFound(
                    "Please choose your building from the list.".into(),
                )
                .into());
            };
            let mut values = values.clone();
            if submission_token(Some(&values.submission)).is_none() {
                values.submission = new_token();
            }
            let page = report_page(&app, p, &values, &Errors(errors));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let token = submission_token(Some(&values.submission));
    let created = app.submit(request, token.as_deref()).await;
    ops::settle(&app).await;
    let created = created?;
    let url = app.links.tenant_status(&created.wo);
    Ok(Redirect::to(&path_of(&url, app.links.base_url())).into_response())
}

async fn thanks() -> Markup {
    layout(
        "Thank you",
        html! {
            h1 { "Thank you" }
            p { "We received your message." }
        },
    )
}

// ---------------------------------------------------------------------------------------------
// The status page.

/// The work order a tenant link is for.
fn claim(app: &App, token: &str) -> Result<WorkOrderId, WebError> {
    match app.links.verify(token)? {
        Claim::Tenant { work_order } => Ok(work_order),
        _ => Err(WebError::Forbidden(
            "This link is not a status link.".into(),
        )),
    }
}

#[derive(Debug, Default, Deserialize)]
struct StatusQuery {
    #[serde(default)]
    ok: Option<String>,
}

/// Fixed thank-you lines after an action (never text from the request).
fn done_line(action: &str) -> Option<&'static str> {
    Some(match action {
        "availability" => "Thanks — we've added your times.",
        "cancel" => "Your request is cancelled.",
        "proposal" => "Thanks — we've passed on your answer.",
        "feedback" => "Thank you for your feedback!",
        _ => return None,
    })
}

async fn status(
    State(app): State<App>,
    Path(token): Path<String>,
    Query(q): Query<StatusQuery>,
) -> Result<Markup, PageError> {
    let id = claim(&app, &token)?;
    let notice =
        q.ok.as_deref()
            .and_then(done_line)
            .map(|m| Notice::Ok(m.into()));
    Ok(status_page(&app, &id, &token, notice.as_ref(), &Errors::default()).await?)
}

/// A sentence on where things stand.
fn explain(wo: &WorkOrder) -> &'static str {
    match wo.status {
        Status::Submitted => "We have your request and are reviewing it.",
        Status::Dispatching => "We're finding a vendor for the job.",
        Status::NeedsAttention => "Our team is handling your request personally.",
        Status::Accepted => "A vendor has taken the job and is arranging a time.",
        Status::Scheduled => "Your appointment is set.",
        Status::InProgress => "The vendor is working on it.",
        Status::AwaitingApproval => "The repair is waiting for the owner's approval.",
        Status::Completed => "The repair is done.",
        Status::Closed => "This request is closed.",
        Status::Cancelled => "This request was cancelled.",
    }
}

async fn status_page(
    app: &App,
    id: &WorkOrderId,
    token: &str,
    notice: Option<&Notice>,
    errors: &Errors,
) -> Result<Markup, WebError> {
    let wo = ops::get(app, id.as_str()).await?;
    let timeline = app.store.timeline(&wo.id).await.map_err(ops::store)?;
    let portfolio = app.portfolio();
    let Some(p) = portfolio.property(&wo.request.property) else {
        return Err(WebError::NotFound(
            "This building is no longer served here.".into(),
        ));
    };
    let tz = p.timezone;
    let phase = wo.phase();
    let base = format!("/s/{token}");
    let min_date = ops::today(app, tz).format("%Y-%m-%d").to_string();
    let can_cancel = !wo.status.is_final()
        && matches!(
            phase,
            Status::Submitted | Status::Dispatching | Status::Accepted | Status::Scheduled
        );
    let can_add = !wo.status.is_final() && !matches!(phase, Status::Completed | Status::InProgress);
    let wants_feedback =
        phase == Status::Completed && wo.feedback_requested && wo.feedback.is_none();
    Ok(layout(
        "Your request",
        html! {
            h1 { "Request " (wo.code) }
            (Notice::render(notice))
            (errors.summary())
            @if let Some(s) = wo.triage.as_ref().and_then(|t| t.safety_instructions.as_ref()).filter(|_| !wo.status.is_final()) {
                section.notice.alert role="alert" {
                    h2 { "Do this now" }
                    p { (s) }
                }
            }
            section {
                p { span class=(format!("badge {}", wo.status.as_str())) { (wo.status.label()) } " " (explain(&wo)) }
                dl {
                    dt { "Where" } dd { (p.name) ", unit " (wo.request.unit) }
                    dt { "Problem" } dd { (wo.request.description) }
                    @if let Some(v) = wo.vendor.as_ref().and_then(|v| portfolio.vendor(v)) {
                        dt { "Vendor" } dd { (v.name) }
                    }
                    @if let Some(a) = &wo.appointment {
                        dt { "Appointment" } dd { strong { (when(tz, a)) } }
                    }
                }
            }
            @if let Some(t) = wo.triage.as_ref().filter(|t| !t.tips.is_empty() && matches!(phase, Status::Submitted | Status::Dispatching | Status::Accepted | Status::NeedsAttention)) {
                section {
                    h2 { "While you wait, you could try" }
                    ul { @for tip in &t.tips { li { (tip) } } }
                }
            }
            @if let (Some(w), Status::Accepted) = (&wo.proposal, phase) {
                section {
                    h2 { "Does this time work for you?" }
                    p { "The vendor proposed " strong { (when(tz, w)) } "." }
                    form method="post" action=(format!("{base}/proposal")) {
                        button type="submit" name="decision" value="yes" { "Yes, that works" }
                        button.secondary type="submit" name="decision" value="no" { "No, it doesn't" }
                    }
                }
            }
            @if wants_feedback {
                section {
                    h2 { "How did it go?" }
                    form method="post" action=(format!("{base}/feedback")) {
                        fieldset {
                            legend { "Your rating" }
                            @for r in 1..=5u8 {
                                input type="radio" id=(format!("rating-{r}")) name="rating" value=(r) required
                                    aria-describedby=[errors.described_by("rating")];
                                label.inline for=(format!("rating-{r}")) { (r) @if r == 1 { " (poor)" } @if r == 5 { " (great)" } }
                            }
                            (errors.beside("rating"))
                        }
                        label for="comment" { "Anything to add? (optional)" }
                        textarea id="comment" name="comment" maxlength="1000" aria-describedby=[errors.described_by("comment")] {}
                        (errors.beside("comment"))
                        button type="submit" { "Send feedback" }
                    }
                }
            }
            @if can_add {
                section {
                    h2 { "Add times when you're available" }
                    form method="post" action=(format!("{base}/availability")) {
                        (window_rows(2, &[], &[], &[], errors, &min_date))
                        (errors.beside("windows"))
                        button type="submit" { "Add these times" }
                    }
                }
            }
            section {
                h2 { "What has happened" }
                (tenant_timeline(&timeline, &portfolio, tz))
            }
            @if can_cancel {
                section {
                    h2 { "Cancel this request" }
                    form method="post" action=(format!("{base}/cancel")) {
                        label for="reason" { "Why? (optional)" }
                        input type="text" id="reason" name="reason" maxlength="200"
                            aria-describedby=[errors.described_by("reason")];
                        (errors.beside("reason"))
                        button.danger type="submit" { "Cancel the request" }
                    }
                }
            }
        },
    ))
}

/// Runs a tenant command and answers: back to the status page on success; the status page with
/// the reason on a refusal.
async fn act(
    app: &App,
    kind: &str,
    token: &str,
    id: &WorkOrderId,
    command: Result<Command, Vec<FieldError>>,
) -> Result<Response, PageError> {
    let back = format!("/s/{token}?ok={kind}");
    let command = match command {
        Ok(c) => c,
        Err(errors) => {
            let page = status_page(app, id, token, None, &Errors(errors)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    match ops::run(app, id, command).await {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(e @ (WebError::Rejected(_) | WebError::Invalid(_))) => {
            let notice = Notice::Problem(capitalise(&e.message()));
            let page = status_page(app, id, token, Some(&notice), &Errors::default()).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The domain's rejections are sentence fragments; pages show them as sentences.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    let mut out: String = match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[derive(Debug, Default, Deserialize)]
struct WindowsForm {
    #[serde(default)]
    window_date: Vec<String>,
    #[serde(default)]
    window_start: Vec<String>,
    #[serde(default)]
    window_end: Vec<String>,
}

async fn add_availability(
    State(app): State<App>,
    Path(token): Path<String>,
    PageForm(f): PageForm<WindowsForm>,
) -> Result<Response, PageError> {
    let id = claim(&app, &token)?;
    let wo = ops::get(&app, id.as_str()).await?;
    let tz = property_tz(&app.portfolio(), &wo);
    let mut errors = vec![];
    let windows = local_windows(
        tz,
        &f.window_date,
        &f.window_start,
        &f.window_end,
        app.now(),
        &mut errors,
    );
    if windows.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "window-1",
            "Please give a date, a start time and an end time.",
        ));
    }
    let command = if errors.is_empty() {
        Ok(Command::AddAvailability { windows })
    } else {
        Err(errors)
    };
    act(&app, "availability", &token, &id, command).await
}

fn property_tz(portfolio: &Portfolio, wo: &WorkOrder) -> chrono_tz::Tz {
    portfolio
        .property(&wo.request.property)
        .map_or(chrono_tz::UTC, |p| p.timezone)
}

#[derive(Debug, Default, Deserialize)]
struct CancelForm {
    #[serde(default)]
    reason: String,
}

async fn cancel(
    State(app): State<App>,
    Path(token): Path<String>,
    PageForm(f): PageForm<CancelForm>,
) -> Result<Response, PageError> {
    let id = claim(&app, &token)?;
    let command = optional_text("reason", Some(&f.reason), 200)
        .map(|reason| Command::Cancel {
            by: Actor::Tenant,
            reason,
        })
        .map_err(|e| vec![e]);
    act(&app, "cancel", &token, &id, command).await
}

#[derive(Debug, Default, Deserialize)]
struct ProposalForm {
    #[serde(default)]
    decision: String,
}

async fn proposal(
    State(app): State<App>,
    Path(token): Path<String>,
    PageForm(f): PageForm<ProposalForm>,
) -> Result<Response, PageError> {
    let id = claim(&app, &token)?;
    let command = match f.decision.trim() {
        "yes" => Ok(Command::AnswerProposal { accept: true }),
        "no" => Ok(Command::AnswerProposal { accept: false }),
        _ => Err(vec![FieldError::new(
            "decision",
            "Please choose yes or no.",
        )]),
    };
    act(&app, "proposal", &token, &id, command).await
}

#[derive(Debug, Default, Deserialize)]
struct FeedbackForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

async fn feedback(
    State(app): State<App>,
    Path(token): Path<String>,
    PageForm(f): PageForm<FeedbackForm>,
) -> Result<Response, PageError> {
    let id = claim(&app, &token)?;
    let rating = f
        .rating
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| FieldError::new("rating", "Please choose a rating from 1 to 5."));
    let comment = optional_text("comment", Some(&f.comment), 1000);
    let command = match (rating, comment) {
        (Ok(rating), Ok(comment)) => Ok(Command::Feedback { rating, comment }),
        (r, c) => Err(r.err().into_iter().chain(c.err()).collect()),
    };
    act(&app, "feedback", &token, &id, command).await
}
