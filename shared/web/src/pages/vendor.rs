//! The vendor's job page, reached by a signed link (the richer alternative to SMS replies):
//! the job, and the actions that fit its state — accept or decline an offer, choose a slot or
//! propose a time, arrived, done (with photos of the work) / not done, send an estimate or an
//! invoice (with the document). The tenant's photos are shown with the job.

use super::tenant::{capitalise, photo_links};
use super::{Errors, Notice, guest_layout, when};
use crate::error::{PageError, WebError};
use crate::files::{
    self, Attachments, INVOICE, MAX_BODY_BYTES, Mode, NotStored, PHOTOS, WithFiles,
};
use crate::i18n::Lang;
use crate::intake::{FieldError, FieldReason, MAX_NOTES, local_window, optional_text};
use crate::ops;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use maud::html;
use mendwork_app::{App, Claim};
use mendwork_domain::disclosure::access_notes_for;
use mendwork_domain::types::dollars;
use mendwork_domain::{Actor, Command, Money, Priority, Status, VendorId, WorkOrder, WorkOrderId};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new().route(
        "/v/{token}",
        get(show)
            .post(act)
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
    )
}

fn claim(app: &App, token: &str) -> Result<(WorkOrderId, VendorId), WebError> {
    match app.links.verify(token)? {
        Claim::Vendor { work_order, vendor } => Ok((work_order, vendor)),
        _ => Err(WebError::Forbidden(
            "This link is not a vendor job link.".into(),
        )),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ShowQuery {
    #[serde(default)]
    ok: Option<String>,
}

/// Fixed thank-you lines after an action (never text from the request).
fn done_line(action: &str) -> Option<&'static str> {
    Some(match action {
        "accept" => "Thanks — the job is yours. Now choose a time.",
        "decline" => "Thanks for letting us know.",
        "slot" => "The appointment is set; the tenant has been told.",
        "propose" => "We've asked the tenant to confirm your proposed time.",
        "arrived" => "Checked in. Tell us when the job is done.",
        "done" => "Marked done. Please send your invoice when it's ready.",
        "not_done" => "Noted. We'll arrange the next step.",
        "estimate" => "Estimate received.",
        "invoice" => "Invoice received. Thank you!",
        _ => return None,
    })
}

async fn show(
    State(app): State<App>,
    files: Option<Extension<Attachments>>,
    Path(token): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let (id, vendor) = claim(&app, &token)?;
    let wo = ops::get(&app, id.as_str()).await?;
    let notice =
        q.ok.as_deref()
            .and_then(done_line)
            .map(|m| Notice::Ok(m.into()));
    let view = View {
        app: &app,
        vendor: &vendor,
        token: &token,
        mode: Mode::of(&app, files.as_ref().map(|Extension(a)| a)),
    };
    Ok(view.page(&wo, notice.as_ref(), &Errors::default()))
}

/// What the job page is rendered for: the vendor, their link and how the page takes files.
struct View<'a> {
    app: &'a App,
    vendor: &'a VendorId,
    token: &'a str,
    mode: Mode,
}

impl View<'_> {
    /// The job page, or a 410 page when the job is no longer this vendor's.
    fn page(&self, wo: &WorkOrder, notice: Option<&Notice>, errors: &Errors) -> Response {
        let View {
            app,
            vendor,
            token,
            ref mode,
        } = *self;
        let offered = wo.offer.as_ref().is_some_and(|o| &o.vendor == vendor);
        let mine = wo.vendor.as_ref() == Some(vendor);
        if !offered && !mine {
            let why = if wo.tried.contains(vendor) {
                "You declined this job, or the offer expired, so it went to another vendor."
            } else {
                "This job is no longer offered to you."
            };
            let body = html! {
                h1 { "Job " (wo.code) }
                (Notice::render(notice))
                p.notice role="status" { (why) " Nothing more is needed from you." }
            };
            return (StatusCode::GONE, guest_layout("Job no longer yours", body)).into_response();
        }
        let portfolio = app.portfolio();
        let p = portfolio.property(&wo.request.property);
        let tz = p.map_or(chrono_tz::UTC, |p| p.timezone);
        let nte = p.map(|p| {
            if wo.priority == Priority::Emergency {
                p.emergency_nte
            } else {
                p.nte
            }
        });
        let phase = wo.phase();
        let open = !wo.status.is_final();
        let action = format!("/v/{token}");
        let min_date = ops::today(app, tz).format("%Y-%m-%d").to_string();
        let t = &wo.request.tenant;
        let body = html! {
            h1 { "Job " (wo.code) ": " (wo.trade.label()) }
            (Notice::render(notice))
            (errors.summary())
            section {
                dl {
                    @if let Some(p) = p {
                        dt { "Where" } dd { (p.name) br; (p.address) ", unit " (wo.request.unit) }
                    }
                    dt { "Priority" } dd { (wo.priority.as_str()) }
                    dt { "Problem" } dd { (wo.request.description) }
                    @if !wo.request.photos.is_empty() {
                        dt { "Photos" } dd { (photo_links(Lang::En, &files::links(app, &wo.request.photos))) }
                    }
                    @if let Some(tr) = &wo.triage { dt { "Diagnosis" } dd { (tr.diagnosis) } }
                    dt { "Access" } dd {
                        (if wo.request.permission_to_enter { "Permission to enter" } else { "The tenant must be home" })
                        @if let Some(pets) = &wo.request.pets { "; pets: " (pets) }
                        @if let Some(n) = access_notes_for(wo, vendor) { "; " (n) }
                    }
                    @if let Some(n) = p.and_then(|p| p.notes.as_ref()) { dt { "Building notes" } dd { (n) } }
                    @if let Some(nte) = nte { dt { "Not to exceed" } dd { (nte.to_string()) " without approval" } }
                    @if mine {
                        dt { "Tenant" } dd {
                            (t.name)
                            @if let Some(ph) = &t.phone { " — " a href=(format!("tel:{ph}")) { (ph) } }
                        }
                    }
                    @for i in &wo.instructions { dt { "Instructions" } dd { (i) } }
                    @if let Some(a) = &wo.appointment { dt { "Appointment" } dd { strong { (when(tz, a)) } } }
                    @if let Some(w) = &wo.proposal { dt { "You proposed" } dd { (when(tz, w)) " (waiting for the tenant)" } }
                    @if let Some(e) = &wo.estimate { dt { "Your estimate" } dd { (e.amount.to_string()) } }
                    @if !wo.completion_photos.is_empty() {
                        dt { "Your photos" } dd { (photo_links(Lang::En, &files::links(app, &wo.completion_photos))) }
                    }
                    dt { "Status" } dd { (wo.status.label()) }
                }
            }
            @if open && offered {
                section {
                    h2 { "Will you take this job?" }
                    @if let Some(o) = &wo.offer { p.hint { "This offer expires " (super::at(tz, o.expires_at)) "." } }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="accept";
                        button type="submit" { "Accept the job" }
                    }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="decline";
                        label for="decline-reason" { "Reason for declining (optional)" }
                        input type="text" id="decline-reason" name="reason" maxlength="200";
                        button.secondary type="submit" { "Decline" }
                    }
                }
            }
            @if open && mine && phase == Status::Accepted && wo.appointment.is_none() && !wo.slots.is_empty() {
                section {
                    h2 { "Choose a time" }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="slot";
                        fieldset {
                            legend { "The tenant's available times" }
                            @for (i, w) in wo.slots.iter().enumerate() {
                                div {
                                    input type="radio" id=(format!("slot-{}", i + 1)) name="slot" value=(i + 1)
                                        aria-describedby=[errors.described_by("slot")];
                                    label.inline for=(format!("slot-{}", i + 1)) { (i + 1) ". " (when(tz, w)) }
                                }
                            }
                            (errors.beside("slot"))
                        }
                        button type="submit" { "Book this time" }
                    }
                }
            }
            @if open && mine && matches!(phase, Status::Accepted | Status::Scheduled) {
                section {
                    h2 { @if phase == Status::Scheduled { "Need another time?" } @else { "Propose a time" } }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="propose";
                        div.row {
                            div {
                                label for="date" { "Date" }
                                input type="date" id="date" name="date" min=(min_date)
                                    aria-invalid=[errors.invalid("window")] aria-describedby=[errors.described_by("window")];
                            }
                            div {
                                label for="start" { "From" }
                                input type="time" id="start" name="start"
                                    aria-invalid=[errors.invalid("window")] aria-describedby=[errors.described_by("window")];
                            }
                            div {
                                label for="end" { "To" }
                                input type="time" id="end" name="end"
                                    aria-invalid=[errors.invalid("window")] aria-describedby=[errors.described_by("window")];
                            }
                        }
                        (errors.beside("window"))
                        button type="submit" { "Propose this time" }
                    }
                }
            }
            @if open && mine && matches!(phase, Status::Accepted | Status::Scheduled) {
                section {
                    h2 { "On site" }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="arrived";
                        button type="submit" { "I've arrived" }
                    }
                }
            }
            @if open && mine && matches!(phase, Status::Scheduled | Status::InProgress) {
                section {
                    h2 { "Is the job done?" }
                    form method="post" action=(action) enctype=[mode.enctype()] data-upload=[mode.upload_url()] {
                        input type="hidden" name="action" value="done";
                        label for="notes" { "Completion notes (optional)" }
                        textarea id="notes" name="notes" maxlength="1000" aria-describedby=[errors.described_by("notes")] {}
                        (errors.beside("notes"))
                        (files::field(mode, &PHOTOS, "Photos of the finished work (optional)", "Up to 5 photos, 8 MB each.", errors, Lang::En))
                        button type="submit" { "Done" }
                    }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="not_done";
                        label for="not-done-reason" { "Why not? (e.g. needs parts)" }
                        input type="text" id="not-done-reason" name="reason" maxlength="1000"
                            aria-describedby=[errors.described_by("reason")];
                        (errors.beside("reason"))
                        button.secondary type="submit" { "Not done" }
                    }
                }
            }
            @if open && mine && matches!(phase, Status::Accepted | Status::Scheduled | Status::InProgress) {
                section {
                    h2 { "Send an estimate" }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="estimate";
                        label for="estimate-amount" { "Amount (US dollars)" }
                        input type="text" id="estimate-amount" name="amount" inputmode="decimal" placeholder="e.g. 350 or 1250.50"
                            aria-invalid=[errors.invalid("amount")] aria-describedby=[errors.described_by("amount")];
                        (errors.beside("amount"))
                        label for="estimate-note" { "Scope of work" }
                        textarea id="estimate-note" name="notes" maxlength="1000" {}
                        button type="submit" { "Send estimate" }
                    }
                }
            }
            @if open && mine && phase == Status::Completed && wo.invoice.is_none() {
                section {
                    h2 { "Send your invoice" }
                    form method="post" action=(action) enctype=[mode.enctype()] data-upload=[mode.upload_url()] {
                        input type="hidden" name="action" value="invoice";
                        label for="invoice-amount" { "Amount (US dollars)" }
                        input type="text" id="invoice-amount" name="amount" inputmode="decimal"
                            aria-invalid=[errors.invalid("amount")] aria-describedby=[errors.described_by("amount")];
                        (errors.beside("amount"))
                        label for="reference" { "Invoice number (optional)" }
                        input type="text" id="reference" name="reference" maxlength="200";
                        (files::field(mode, &INVOICE, "The invoice (PDF or photo, optional)", "One file, up to 8 MB.", errors, Lang::En))
                        button type="submit" { "Send invoice" }
                    }
                }
            }
        };
        guest_layout(&format!("Job {}", wo.code), body).into_response()
    }
}

#[derive(Debug, Default, Deserialize)]
struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
    /// The signed grant of the page's direct uploads (see [`crate::files`]).
    #[serde(default)]
    upload: String,
    #[serde(default)]
    upload_id: Vec<String>,
}

fn amount(value: &str) -> Result<Money, FieldError> {
    dollars::parse(value)
        .filter(|m| m.cents() > 0)
        .ok_or_else(|| FieldError::new("amount", FieldReason::BadAmount))
}

/// The command a form asks for, read in the property's zone.
fn command(
    f: &ActionForm,
    vendor: &VendorId,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Command, FieldError> {
    let v = vendor.clone();
    Ok(match f.action.trim() {
        "accept" => Command::Accept { vendor: v },
        "decline" => Command::Decline {
            vendor: v,
            reason: optional_text("reason", Some(&f.reason), MAX_NOTES)?,
        },
        "slot" => {
            let slot = f
                .slot
                .trim()
                .parse::<u32>()
                .map_err(|_| FieldError::new("slot", FieldReason::ChooseSlot))?;
            Command::ChooseSlot { vendor: v, slot }
        }
        "propose" => {
            if f.date.trim().is_empty() || f.start.trim().is_empty() || f.end.trim().is_empty() {
                return Err(FieldError::new("window", FieldReason::IncompleteWindow));
            }
            let window = local_window("window", tz, &f.date, &f.start, &f.end, now)?;
            if window.start <= now {
                return Err(FieldError::new("window", FieldReason::ProposeFuture));
            }
            Command::ProposeTime { vendor: v, window }
        }
        "arrived" => Command::Arrived {
            by: Actor::Vendor(v),
        },
        "done" => Command::Done {
            vendor: v,
            notes: optional_text("notes", Some(&f.notes), MAX_NOTES)?,
            // Filled in once the command is known to be well formed and the files are stored.
            photos: vec![],
        },
        "not_done" => Command::NotDone {
            vendor: v,
            reason: optional_text("reason", Some(&f.reason), MAX_NOTES)?,
        },
        "estimate" => Command::Estimate {
            vendor: v,
            amount: amount(&f.amount)?,
            note: optional_text("notes", Some(&f.notes), MAX_NOTES)?,
        },
        "invoice" => Command::Invoice {
            vendor: v,
            amount: amount(&f.amount)?,
            reference: optional_text("reference", Some(&f.reference), 200)?,
            file: None,
        },
        _ => {
            return Err(FieldError::new("action", FieldReason::UseButtons));
        }
    })
}

async fn act(
    State(app): State<App>,
    files: Option<Extension<Attachments>>,
    Path(token): Path<String>,
    body: WithFiles<ActionForm>,
) -> Result<Response, PageError> {
    let WithFiles { form: f, sent } = body;
    let files = files.map(|Extension(a)| a);
    let (id, vendor) = claim(&app, &token)?;
    let wo = ops::get(&app, id.as_str()).await?;
    let tz = app
        .portfolio()
        .property(&wo.request.property)
        .map_or(chrono_tz::UTC, |p| p.timezone);
    let view = View {
        app: &app,
        vendor: &vendor,
        token: &token,
        mode: Mode::of(&app, files.as_ref()),
    };
    let refuse = |wo: &WorkOrder, e: FieldError| {
        let page = view.page(wo, None, &Errors(vec![e]));
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    };
    let mut cmd = match command(&f, &vendor, tz, app.now()) {
        Ok(c) => c,
        Err(e) => return Ok(refuse(&wo, e)),
    };
    // Only the done and invoice forms carry files; anything sent with another is ignored.
    let accept = match cmd {
        Command::Done { .. } => Some(&PHOTOS),
        Command::Invoice { .. } => Some(&INVOICE),
        _ => None,
    };
    if let Some(accept) = accept {
        let names =
            match files::store(&app, files.as_ref(), sent, &f.upload, &f.upload_id, accept).await {
                Ok(names) => names,
                Err(NotStored::Field(e)) => return Ok(refuse(&wo, e)),
                Err(NotStored::Failed(e)) => return Err(e.into()),
            };
        match &mut cmd {
            Command::Done { photos, .. } => *photos = names,
            Command::Invoice { file, .. } => *file = names.into_iter().next(),
            _ => {}
        }
    }
    match ops::run(&app, &id, cmd).await {
        Ok(_) => Ok(Redirect::to(&format!("/v/{token}?ok={}", f.action.trim())).into_response()),
        Err(e @ (WebError::Rejected(_) | WebError::Invalid(_))) => {
            let wo = ops::get(&app, id.as_str()).await?;
            let notice = Notice::Problem(capitalise(&e.message()));
            let page = view.page(&wo, Some(&notice), &Errors::default());
            let status = if page.status() == StatusCode::GONE {
                StatusCode::GONE
            } else {
                e.status()
            };
            let (mut parts, body) = page.into_parts();
            parts.status = status;
            Ok(Response::from_parts(parts, body))
        }
        Err(e) => Err(e.into()),
    }
}
