//! The vendor's job page, reached by a signed link (the richer alternative to SMS replies):
//! the job, and the actions that fit its state — accept or decline an offer, choose a slot or
//! propose a time, arrived, done (with photos of the work) / not done, send an estimate or an
//! invoice (with the document). The tenant's photos are shown with the job.

use super::tenant::{capitalise, photo_links};
use super::timeline::{priority_key, trade_key};
use super::{Errors, Nav, Notice, page as chrome};
use crate::error::{PageError, WebError};
use crate::files::{
    self, Attachments, INVOICE, MAX_BODY_BYTES, Mode, NotStored, PHOTOS, WithFiles,
};
use crate::i18n::{self, Lang};
use crate::intake::{FieldError, FieldReason, MAX_NOTES, local_window, optional_text};
use crate::ops;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use maud::{Markup, html};
use mendwork_app::{App, AppError, Claim, Exec};
use mendwork_domain::catalogue;
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

/// The catalogue key of the fixed thank-you line after an action (never text from the request).
fn done_line(action: &str) -> Option<&'static str> {
    Some(match action {
        "accept" => "vendor.done.accept",
        "decline" => "vendor.done.decline",
        "slot" => "vendor.done.slot",
        "propose" => "vendor.done.propose",
        "arrived" => "vendor.done.arrived",
        "done" => "vendor.done.done",
        "not_done" => "vendor.done.not_done",
        "estimate" => "vendor.done.estimate",
        "invoice" => "vendor.done.invoice",
        _ => return None,
    })
}

/// The catalogue's words for `key` in `lang`, with `vars` filled in.
fn say(lang: Lang, key: &str, vars: &[(&str, String)]) -> String {
    catalogue::render(key, lang.into(), vars)
}

/// The page chrome for a vendor, in the language their browser asks for.
fn layout(title: &str, lang: Lang, body: Markup) -> Markup {
    chrome(title, lang, Nav::Guest, body)
}

async fn show(
    State(app): State<App>,
    files: Option<Extension<Attachments>>,
    Path(token): Path<String>,
    Query(q): Query<ShowQuery>,
    lang: Lang,
) -> Result<Response, PageError> {
    let (id, vendor) = claim(&app, &token)?;
    let wo = ops::get(&app, id.as_str()).await?;
    let notice =
        q.ok.as_deref()
            .and_then(done_line)
            .map(|k| Notice::Ok(lang.w(k).into()));
    let view = View {
        app: &app,
        vendor: &vendor,
        token: &token,
        mode: Mode::of(&app, files.as_ref().map(|Extension(a)| a)),
        lang,
    };
    Ok(view.page(&wo, notice.as_ref(), &Errors::default()))
}

/// What the job page is rendered for: the vendor, their link, how the page takes files and
/// the language of the vendor's browser (`?lang=`, else `Accept-Language`).
struct View<'a> {
    app: &'a App,
    vendor: &'a VendorId,
    token: &'a str,
    mode: Mode,
    lang: Lang,
}

impl View<'_> {
    /// The job page, or a 410 page when the job is no longer this vendor's.
    fn page(&self, wo: &WorkOrder, notice: Option<&Notice>, errors: &Errors) -> Response {
        let View {
            app,
            vendor,
            token,
            ref mode,
            lang,
        } = *self;
        let errors = &errors.translated(lang);
        let code = || wo.code.to_string();
        let offered = wo.offer.as_ref().is_some_and(|o| &o.vendor == vendor);
        let mine = wo.vendor.as_ref() == Some(vendor);
        if !offered && !mine {
            let why = if wo.tried.contains(vendor) {
                lang.w("vendor.gone_declined")
            } else {
                lang.w("vendor.gone_not_offered")
            };
            let body = html! {
                h1 { (say(lang, "vendor.job", &[("code", code())])) }
                (Notice::render(notice))
                p.notice role="status" { (why) " " (lang.w("vendor.nothing_more")) }
            };
            return (
                StatusCode::GONE,
                layout(lang.w("vendor.gone_title"), lang, body),
            )
                .into_response();
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
        // The forms keep an explicit `?lang=` so the answer is in the same language.
        let action = format!("/v/{token}{}", lang.query());
        let min_date = ops::today(app, tz).format("%Y-%m-%d").to_string();
        let t = &wo.request.tenant;
        let body = html! {
            h1 { (say(lang, "vendor.job_trade", &[("code", code()), ("trade", lang.w(trade_key(wo.trade)).to_string())])) }
            (Notice::render(notice))
            (errors.summary_in(lang))
            section {
                dl {
                    @if let Some(p) = p {
                        dt { (lang.w("vendor.where")) } dd { (p.name) br; (p.address) ", " (say(lang, "vendor.unit", &[("unit", wo.request.unit.clone())])) }
                    }
                    dt { (lang.w("vendor.priority")) } dd { (lang.w(priority_key(wo.priority))) }
                    dt { (lang.w("vendor.problem")) } dd { (wo.request.description) }
                    @if !wo.request.photos.is_empty() {
                        dt { (lang.w("vendor.photos")) } dd { (photo_links(lang, &files::links(app, &wo.request.photos))) }
                    }
                    @if let Some(tr) = &wo.triage { dt { (lang.w("vendor.diagnosis")) } dd { (tr.diagnosis_in(lang.into())) } }
                    dt { (lang.w("vendor.access")) } dd {
                        (if wo.request.permission_to_enter { lang.w("vendor.permission_to_enter") } else { lang.w("vendor.tenant_must_be_home") })
                        @if let Some(pets) = &wo.request.pets { "; " (say(lang, "vendor.pets", &[("pets", pets.clone())])) }
                        @if let Some(n) = access_notes_for(wo, vendor) { "; " (n) }
                    }
                    @if let Some(n) = p.and_then(|p| p.notes.as_ref()) { dt { (lang.w("vendor.building_notes")) } dd { (n) } }
                    @if let Some(nte) = nte { dt { (lang.w("vendor.not_to_exceed")) } dd { (say(lang, "vendor.without_approval", &[("amount", nte.to_string())])) } }
                    @if mine {
                        dt { (lang.w("vendor.tenant")) } dd {
                            (t.name)
                            @if let Some(ph) = &t.phone { " — " a href=(format!("tel:{ph}")) { (ph) } }
                        }
                    }
                    @for i in &wo.instructions { dt { (lang.w("vendor.instructions")) } dd { (i) } }
                    @if let Some(a) = &wo.appointment { dt { (lang.w("vendor.appointment")) } dd { strong { (i18n::when(lang, tz, a)) } } }
                    @if let Some(w) = &wo.proposal { dt { (lang.w("vendor.you_proposed")) } dd { (i18n::when(lang, tz, w)) " " (lang.w("vendor.waiting_for_tenant")) } }
                    @if let Some(e) = &wo.estimate { dt { (lang.w("vendor.your_estimate")) } dd { (e.amount.to_string()) } }
                    @if !wo.completion_photos.is_empty() {
                        dt { (lang.w("vendor.your_photos")) } dd { (photo_links(lang, &files::links(app, &wo.completion_photos))) }
                    }
                    dt { (lang.w("vendor.status")) } dd { (i18n::status_label(lang, wo.status)) }
                }
            }
            @if open && offered {
                section {
                    h2 { (lang.w("vendor.take_job")) }
                    @if let Some(o) = &wo.offer { p.hint { (say(lang, "vendor.offer_expires", &[("at", i18n::at(lang, tz, o.expires_at))])) } }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="accept";
                        button type="submit" { (lang.w("vendor.accept")) }
                    }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="decline";
                        label for="decline-reason" { (lang.w("vendor.decline_reason")) }
                        input type="text" id="decline-reason" name="reason" maxlength="200";
                        button.secondary type="submit" { (lang.w("vendor.decline")) }
                    }
                }
            }
            @if open && mine && phase == Status::Accepted && wo.appointment.is_none() && !wo.slots.is_empty() {
                section {
                    h2 { (lang.w("vendor.choose_time")) }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="slot";
                        fieldset {
                            legend { (lang.w("vendor.tenant_times")) }
                            @for (i, w) in wo.slots.iter().enumerate() {
                                div {
                                    input type="radio" id=(format!("slot-{}", i + 1)) name="slot" value=(i + 1)
                                        aria-describedby=[errors.described_by("slot")];
                                    label.inline for=(format!("slot-{}", i + 1)) { (i + 1) ". " (i18n::when(lang, tz, w)) }
                                }
                            }
                            (errors.beside("slot"))
                        }
                        button type="submit" { (lang.w("vendor.book")) }
                    }
                }
            }
            @if open && mine && matches!(phase, Status::Accepted | Status::Scheduled) {
                section {
                    h2 { @if phase == Status::Scheduled { (lang.w("vendor.another_time")) } @else { (lang.w("vendor.propose_time")) } }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="propose";
                        div.row {
                            div {
                                label for="date" { (lang.w("page.date")) }
                                input type="date" id="date" name="date" min=(min_date)
                                    aria-invalid=[errors.invalid("window")] aria-describedby=[errors.described_by("window")];
                            }
                            div {
                                label for="start" { (lang.w("page.from")) }
                                input type="time" id="start" name="start"
                                    aria-invalid=[errors.invalid("window")] aria-describedby=[errors.described_by("window")];
                            }
                            div {
                                label for="end" { (lang.w("page.to")) }
                                input type="time" id="end" name="end"
                                    aria-invalid=[errors.invalid("window")] aria-describedby=[errors.described_by("window")];
                            }
                        }
                        (errors.beside("window"))
                        button type="submit" { (lang.w("vendor.propose_this")) }
                    }
                }
            }
            @if open && mine && matches!(phase, Status::Accepted | Status::Scheduled) {
                section {
                    h2 { (lang.w("vendor.on_site")) }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="arrived";
                        button type="submit" { (lang.w("vendor.arrived")) }
                    }
                }
            }
            @if open && mine && matches!(phase, Status::Scheduled | Status::InProgress) {
                section {
                    h2 { (lang.w("vendor.is_done")) }
                    form method="post" action=(action) enctype=[mode.enctype()] data-upload=[mode.upload_url()] {
                        input type="hidden" name="action" value="done";
                        label for="notes" { (lang.w("vendor.completion_notes")) }
                        textarea id="notes" name="notes" maxlength="1000" aria-describedby=[errors.described_by("notes")] {}
                        (errors.beside("notes"))
                        (files::field(mode, &PHOTOS, lang.w("vendor.finished_photos"), lang.w("vendor.finished_photos_hint"), errors, lang))
                        button type="submit" { (lang.w("vendor.done")) }
                    }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="not_done";
                        label for="not-done-reason" { (lang.w("vendor.why_not")) }
                        input type="text" id="not-done-reason" name="reason" maxlength="1000"
                            aria-describedby=[errors.described_by("reason")];
                        (errors.beside("reason"))
                        button.secondary type="submit" { (lang.w("vendor.not_done")) }
                    }
                }
            }
            @if open && mine && matches!(phase, Status::Accepted | Status::Scheduled | Status::InProgress) {
                section {
                    h2 { (lang.w("vendor.send_estimate")) }
                    form method="post" action=(action) {
                        input type="hidden" name="action" value="estimate";
                        label for="estimate-amount" { (lang.w("vendor.amount")) }
                        input type="text" id="estimate-amount" name="amount" inputmode="decimal" placeholder=(lang.w("vendor.amount_example"))
                            aria-invalid=[errors.invalid("amount")] aria-describedby=[errors.described_by("amount")];
                        (errors.beside("amount"))
                        label for="estimate-note" { (lang.w("vendor.scope")) }
                        textarea id="estimate-note" name="notes" maxlength="1000" {}
                        button type="submit" { (lang.w("vendor.send_estimate_button")) }
                    }
                }
            }
            @if open && mine && phase == Status::Completed && wo.invoice.is_none() {
                section {
                    h2 { (lang.w("vendor.send_invoice")) }
                    form method="post" action=(action) enctype=[mode.enctype()] data-upload=[mode.upload_url()] {
                        input type="hidden" name="action" value="invoice";
                        label for="invoice-amount" { (lang.w("vendor.amount")) }
                        input type="text" id="invoice-amount" name="amount" inputmode="decimal"
                            aria-invalid=[errors.invalid("amount")] aria-describedby=[errors.described_by("amount")];
                        (errors.beside("amount"))
                        label for="reference" { (lang.w("vendor.invoice_number")) }
                        input type="text" id="reference" name="reference" maxlength="200";
                        (files::field(mode, &INVOICE, lang.w("vendor.invoice_file"), lang.w("vendor.invoice_file_hint"), errors, lang))
                        button type="submit" { (lang.w("vendor.send_invoice_button")) }
                    }
                }
            }
        };
        layout(&say(lang, "vendor.job", &[("code", code())]), lang, body).into_response()
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
    lang: Lang,
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
        lang,
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
    let done = app.execute(&id, cmd, Exec::default()).await;
    ops::settle(&app).await;
    // A refusal is said in the vendor's language from the catalogue, never as an English
    // sentence; anything else the app refuses reads as the catalogue's "couldn't be done".
    let said = match &done {
        Err(AppError::Rejected(r)) => Some(i18n::rejection(lang, r, &app.portfolio())),
        _ => None,
    };
    match done.map_err(WebError::from) {
        Ok(_) => Ok(Redirect::to(&format!(
            "/v/{token}?ok={}{}",
            f.action.trim(),
            lang.query().replacen('?', "&", 1)
        ))
        .into_response()),
        Err(e @ (WebError::Rejected(_) | WebError::Invalid(_))) => {
            let wo = ops::get(&app, id.as_str()).await?;
            let words = said.unwrap_or_else(|| {
                let other = mendwork_domain::Rejection::Invalid(e.message());
                i18n::rejection(lang, &other, &app.portfolio())
            });
            let notice = Notice::Problem(capitalise(&words));
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
