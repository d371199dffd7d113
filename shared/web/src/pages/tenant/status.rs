//! The tenant's status page, reached by the signed link: where the request stands, its
//! timeline and photos, and the forms a tenant answers on it (add availability, cancel, answer
//! a proposed time, feedback), each through the shared workflow step.

use super::super::timeline::tenant_timeline;
use super::super::{Errors, Notice, PageForm, window_rows};
use super::{TenantError, keep, tenant_page};
use crate::error::WebError;
use crate::files;
use crate::i18n::{self, Lang, status_label};
use crate::intake::{FieldError, FieldReason, local_windows, optional_text};
use crate::ops;
use crate::safety;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use mendwork_app::{App, Claim};
use mendwork_domain::{Actor, Command, Portfolio, Status, WorkOrder, WorkOrderId};
use serde::Deserialize;

/// The status page and its forms.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/s/{token}", get(status))
        .route("/s/{token}/availability", post(add_availability))
        .route("/s/{token}/cancel", post(cancel))
        .route("/s/{token}/proposal", post(proposal))
        .route("/s/{token}/feedback", post(feedback))
}

/// The work order a tenant link is for.
pub(crate) fn claim(app: &App, token: &str) -> Result<WorkOrderId, WebError> {
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
fn done_line(lang: Lang, action: &str) -> Option<&'static str> {
    Some(match action {
        "availability" => lang.w("page.thanks_weve_added_your_times"),
        "cancel" => lang.w("page.your_request_is_cancelled"),
        "proposal" => lang.w("page.thanks_weve_passed_on_your_answer"),
        "feedback" => lang.w("page.thank_you_for_your_feedback"),
        "safety" => lang.w("page.thanks_weve_got_your_answer_to"),
        super::super::danger::DONE => lang.w("page.danger_reported_ack"),
        _ => return None,
    })
}

async fn status(
    State(app): State<App>,
    Path(token): Path<String>,
    Query(q): Query<StatusQuery>,
    lang: Lang,
) -> Result<Markup, TenantError> {
    let id = claim(&app, &token).map_err(|e| TenantError(lang, e))?;
    let notice =
        q.ok.as_deref()
            .and_then(|a| done_line(lang, a))
            .map(|m| Notice::Ok(m.into()));
    status_page(&app, &id, &token, notice.as_ref(), &Errors::default(), lang)
        .await
        .map_err(|e| TenantError(lang, e))
}

/// A sentence on where things stand.
fn explain(lang: Lang, wo: &WorkOrder) -> &'static str {
    match wo.status {
        Status::Submitted => lang.w("page.we_have_your_request_and_are"),
        Status::Dispatching => lang.w("page.were_finding_a_vendor_for_the"),
        Status::NeedsAttention => lang.w("page.our_team_is_handling_your_request"),
        Status::Accepted => lang.w("page.a_vendor_has_taken_the_job"),
        Status::Scheduled => lang.w("page.your_appointment_is_set"),
        Status::InProgress => lang.w("page.the_vendor_is_working_on_it"),
        Status::AwaitingApproval => lang.w("page.the_repair_is_waiting_for_the"),
        Status::Completed => lang.w("page.the_repair_is_done"),
        Status::Closed => lang.w("page.this_request_is_closed"),
        Status::Cancelled => lang.w("page.this_request_was_cancelled"),
    }
}

async fn status_page(
    app: &App,
    id: &WorkOrderId,
    token: &str,
    notice: Option<&Notice>,
    errors: &Errors,
    lang: Lang,
) -> Result<Markup, WebError> {
    let errors = &errors.translated(lang);
    let wo = ops::get(app, id.as_str()).await?;
    let timeline = app.timeline_of(&wo).await.map_err(ops::store)?;
    let portfolio = app.portfolio();
    let Some(p) = portfolio.property(&wo.request.property) else {
        return Err(WebError::NotFound(
            "This building is no longer served here.".into(),
        ));
    };
    let tz = p.timezone;
    let phase = wo.phase();
    let base = format!("/s/{token}");
    let action = |what: &str| keep(lang, &format!("{base}/{what}"));
    let min_date = ops::today(app, tz).format("%Y-%m-%d").to_string();
    let can_cancel = !wo.status.is_final()
        && matches!(
            phase,
            Status::Submitted | Status::Dispatching | Status::Accepted | Status::Scheduled
        );
    let can_add = !wo.status.is_final() && !matches!(phase, Status::Completed | Status::InProgress);
    let wants_feedback =
        phase == Status::Completed && wo.feedback_requested && wo.feedback.is_none();
    let hazards = safety::hazards(
        &wo.request.description,
        wo.triage.as_ref().and_then(|t| t.emergency),
    );
    let urgent_now = !wo.status.is_final() && !matches!(phase, Status::Completed);
    Ok(tenant_page(
        lang.w("page.your_request"),
        lang,
        &base,
        html! {
            h1 { (lang.w("page.request")) " " (wo.code) }
            (Notice::render(notice))
            (errors.summary_in(lang))
            @if urgent_now {
                (safety::now_block(lang, wo.request.emergency, &hazards))
            }
            (super::super::safety_question::section(&portfolio, &wo, lang, &action("safety")))
            (super::super::danger::section(&wo, lang, &action(super::super::danger::DONE)))
            section aria-label=(lang.w("page.status")) {
                p { span class=(format!("badge {}", wo.status.as_str())) { (status_label(lang, wo.status)) } " " (explain(lang, &wo)) }
                dl {
                    dt { (lang.w("page.where")) } dd { (p.name) ", " (lang.w("page.unit_2")) " " (wo.request.unit) }
                    dt { (lang.w("page.problem")) } dd { (wo.request.description) }
                    @if !wo.request.photos.is_empty() {
                        dt { (lang.w("page.photos")) } dd { (photo_links(lang, &files::links(app, &wo.request.photos))) }
                    }
                    @if let Some(v) = wo.vendor.as_ref().and_then(|v| portfolio.vendor(v)) {
                        dt { (lang.w("page.vendor")) } dd { (v.name) }
                    }
                    @if let Some(a) = &wo.appointment {
                        dt { (lang.w("page.appointment")) } dd { strong { (i18n::when(lang, tz, a)) } }
                    }
                }
            }
            @if let Some(tr) = wo.triage.as_ref().filter(|tr| lang == Lang::En && !tr.tips.is_empty() && matches!(phase, Status::Submitted | Status::Dispatching | Status::Accepted | Status::NeedsAttention)) {
                section {
                    h2 { "While you wait, you could try" }
                    ul { @for tip in &tr.tips { li { (tip) } } }
                }
            }
            @if let (Some(w), Status::Accepted) = (&wo.proposal, phase) {
                section aria-labelledby="proposal-heading" {
                    h2 #proposal-heading { (lang.w("page.does_this_time_work_for_you")) }
                    p { (lang.w("page.the_vendor_proposed")) " " strong { (i18n::when(lang, tz, w)) } "." }
                    form method="post" action=(action("proposal")) {
                        button type="submit" name="decision" value="yes" { (lang.w("page.yes_that_works")) }
                        button.secondary type="submit" name="decision" value="no" { (lang.w("page.no_it_doesnt")) }
                    }
                }
            }
            @if wants_feedback {
                section aria-labelledby="feedback-heading" {
                    h2 #feedback-heading { (lang.w("page.how_did_it_go")) }
                    form method="post" action=(action("feedback")) {
                        fieldset {
                            legend { (lang.w("page.your_rating")) }
                            @for r in 1..=5u8 {
                                input type="radio" id=(format!("rating-{r}")) name="rating" value=(r) required
                                    aria-describedby=[errors.described_by("rating")];
                                label.inline for=(format!("rating-{r}")) { (r) @if r == 1 { " (" (lang.w("page.poor")) ")" } @if r == 5 { " (" (lang.w("page.great")) ")" } }
                            }
                            (errors.beside("rating"))
                        }
                        label for="comment" { (lang.w("page.anything_to_add_optional")) }
                        textarea id="comment" name="comment" maxlength="1000" aria-describedby=[errors.described_by("comment")] {}
                        (errors.beside("comment"))
                        button type="submit" { (lang.w("page.send_feedback")) }
                    }
                }
            }
            @if can_add {
                section aria-labelledby="add-heading" {
                    h2 #add-heading { (lang.w("page.add_times_when_youre_available")) }
                    form method="post" action=(action("availability")) {
                        (window_rows(lang, 2, &[], &[], &[], errors, &min_date))
                        (errors.beside("windows"))
                        button type="submit" { (lang.w("page.add_these_times")) }
                    }
                }
            }
            section aria-labelledby="history-heading" {
                h2 #history-heading { (lang.w("page.what_has_happened")) }
                (tenant_timeline(lang, &timeline, &portfolio, tz))
            }
            @if can_cancel {
                section aria-labelledby="cancel-heading" {
                    h2 #cancel-heading { (lang.w("page.cancel_this_request")) }
                    form method="post" action=(action("cancel")) {
                        label for="reason" { (lang.w("page.why_optional")) }
                        input type="text" id="reason" name="reason" maxlength="200"
                            aria-describedby=[errors.described_by("reason")];
                        (errors.beside("reason"))
                        button.danger type="submit" { (lang.w("page.cancel_the_request")) }
                    }
                }
            }
        },
    ))
}

/// The photos of a request as small linked thumbnails.
pub fn photo_links(lang: Lang, urls: &[String]) -> Markup {
    html! {
        ul.photos {
            @for (i, u) in urls.iter().enumerate() {
                li { a href=(u) { img src=(u) alt=(format!("{} {}", lang.w("page.photo"), i + 1)) loading="lazy" width="120"; } }
            }
        }
    }
}

/// Runs a tenant command and answers: back to the status page on success; the status page with
/// the reason on a refusal.
pub(crate) async fn act(
    app: &App,
    kind: &str,
    token: &str,
    id: &WorkOrderId,
    command: Result<Command, Vec<FieldError>>,
    lang: Lang,
) -> Result<Response, TenantError> {
    let back = keep(lang, &format!("/s/{token}?ok={kind}"));
    let command = match command {
        Ok(c) => c,
        Err(errors) => {
            let page = status_page(app, id, token, None, &Errors(errors), lang)
                .await
                .map_err(|e| TenantError(lang, e))?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let done = app
        .execute(id, command, mendwork_app::Exec::default())
        .await;
    ops::settle(app).await;
    // A rejection is said in the tenant's language from the catalogue; anything else the app
    // refuses reads as the catalogue's "couldn't be done", never as an English sentence.
    let said = match &done {
        Err(mendwork_app::AppError::Rejected(r)) => {
            Some(i18n::rejection(lang, r, &app.portfolio()))
        }
        _ => None,
    };
    match done.map_err(WebError::from) {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(e @ (WebError::Rejected(_) | WebError::Invalid(_))) => {
            let words = capitalise(&said.unwrap_or_else(|| {
                let other = mendwork_domain::Rejection::Invalid(e.message());
                i18n::rejection(lang, &other, &app.portfolio())
            }));
            let notice = Notice::Problem(words);
            let page = status_page(app, id, token, Some(&notice), &Errors::default(), lang)
                .await
                .map_err(|e| TenantError(lang, e))?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(TenantError(lang, e)),
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
    lang: Lang,
    PageForm(f): PageForm<WindowsForm>,
) -> Result<Response, TenantError> {
    let id = claim(&app, &token).map_err(|e| TenantError(lang, e))?;
    let wo = ops::get(&app, id.as_str())
        .await
        .map_err(|e| TenantError(lang, e))?;
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
        errors.push(FieldError::new("window-1", FieldReason::IncompleteWindow));
    }
    let command = if errors.is_empty() {
        Ok(Command::AddAvailability { windows })
    } else {
        Err(errors)
    };
    act(&app, "availability", &token, &id, command, lang).await
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
    lang: Lang,
    PageForm(f): PageForm<CancelForm>,
) -> Result<Response, TenantError> {
    let id = claim(&app, &token).map_err(|e| TenantError(lang, e))?;
    let command = optional_text("reason", Some(&f.reason), 200)
        .map(|reason| Command::Cancel {
            by: Actor::Tenant,
            reason,
        })
        .map_err(|e| vec![e]);
    act(&app, "cancel", &token, &id, command, lang).await
}

#[derive(Debug, Default, Deserialize)]
struct ProposalForm {
    #[serde(default)]
    decision: String,
}

async fn proposal(
    State(app): State<App>,
    Path(token): Path<String>,
    lang: Lang,
    PageForm(f): PageForm<ProposalForm>,
) -> Result<Response, TenantError> {
    let id = claim(&app, &token).map_err(|e| TenantError(lang, e))?;
    let command = match f.decision.trim() {
        "yes" => Ok(Command::AnswerProposal { accept: true }),
        "no" => Ok(Command::AnswerProposal { accept: false }),
        _ => Err(vec![FieldError::new("decision", FieldReason::ChooseYesNo)]),
    };
    act(&app, "proposal", &token, &id, command, lang).await
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
    lang: Lang,
    PageForm(f): PageForm<FeedbackForm>,
) -> Result<Response, TenantError> {
    let id = claim(&app, &token).map_err(|e| TenantError(lang, e))?;
    let rating = f
        .rating
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| FieldError::new("rating", FieldReason::ChooseRating));
    let comment = optional_text("comment", Some(&f.comment), 1000);
    let command = match (rating, comment) {
        (Ok(rating), Ok(comment)) => Ok(Command::Feedback { rating, comment }),
        (r, c) => Err(r.err().into_iter().chain(c.err()).collect()),
    };
    act(&app, "feedback", &token, &id, command, lang).await
}
