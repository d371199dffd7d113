//! The property team's work-order pages (signed in): the queue (needs attention first, then by
//! status; emergencies then oldest first in each; age and SLA badges), and a work order's
//! details with its whole timeline (every message with its text — emails also as their HTML
//! version — and every timer) and the PM actions: assign or override the vendor, decide an
//! estimate, reschedule, close, add instructions, cancel, and resend a message.

use super::tenant::capitalise;
use super::timeline::describe_pm;
use super::{Errors, Nav, Notice, PageForm, page, when};
use crate::auth::Session;
use crate::error::{PageError, WebError};
use crate::i18n::Lang;
use crate::intake::{FieldError, MAX_NOTES, optional_text, required_text, submission_token};
use crate::ops;
use crate::paging;
use crate::sla;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};
use mendwork_app::email_html::render_html;
use mendwork_app::queries::{DEFAULT_PAGE, Listing, QUEUE_ORDER, queue_key};
use mendwork_app::{App, Exec};
use mendwork_domain::decide::Recorded;
use mendwork_domain::effects::Links;
use mendwork_domain::{
    Channel, Command, Email, EmailMessage, EstimateDecision, Event, Language, Portfolio,
    PropertyId, Recipient, SentMessage, Status, VendorId, WorkOrder,
};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/pm", get(queue))
        .route("/pm/wo/{id}", get(detail))
        .route("/pm/wo/{id}/messages/{n}", get(email_view))
        .route("/pm/wo/{id}/{action}", post(act))
}

/// How long ago, briefly: `5m`, `3h`, `2d`.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let m = (now - then).num_minutes().max(0);
    if m < 60 {
        format!("{m}m")
    } else if m < 48 * 60 {
        format!("{}h", m / 60)
    } else {
        format!("{}d", m / (24 * 60))
    }
}

/// A property's name, or its id when it left the portfolio.
pub fn property_name(portfolio: &Portfolio, id: &PropertyId) -> String {
    portfolio
        .property(id)
        .map_or_else(|| id.to_string(), |p| p.name.clone())
}

pub fn sla_badge(b: &sla::Badge) -> Markup {
    html! {
        span class=(format!("sla {}", b.level.class())) title=(b.text) {
            (b.level.word()) span.visually-hidden { ": " } " · " (b.text)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct QueueQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    all: Option<String>,
    #[serde(default)]
    property: Option<String>,
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

async fn queue(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    Query(q): Query<QueueQuery>,
) -> Result<Markup, PageError> {
    let status = q.status.as_deref().and_then(Status::parse);
    let all =
        q.all.as_deref().is_some_and(|a| !a.is_empty()) || status.is_some_and(Status::is_final);
    let portfolio = app.portfolio();
    let property = q
        .property
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| PropertyId(p.to_string()))
        .filter(|p| portfolio.property(p).is_some());
    // The open queue pages in queue order; a status or "all" shows the newest first.
    let listing = if all || status.is_some() {
        Listing::Newest {
            status,
            property: property.clone(),
        }
    } else {
        Listing::Queue {
            property: property.clone(),
        }
    };
    let asked = paging::params(&listing, q.limit.as_deref(), q.cursor.as_deref())
        .map_err(PageError::from)?;
    let found = app
        .page(&listing, asked.after.as_ref(), asked.limit)
        .await
        .map_err(ops::store)?;
    let next_link = found.next.as_ref().map(|k| {
        let cursor = paging::cursor(&listing, k);
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if let Some(st) = status {
            pairs.push(("status", st.as_str()));
        }
        if all {
            pairs.push(("all", "1"));
        }
        if let Some(p) = &property {
            pairs.push(("property", p.as_str()));
        }
        let limit = asked.limit.to_string();
        if asked.limit != DEFAULT_PAGE {
            pairs.push(("limit", &limit));
        }
        pairs.push(("cursor", &cursor));
        format!("/pm?{}", paging::query_string(&pairs))
    });
    let wos = found.items;
    let now = app.now();
    let groups: Vec<(Status, Vec<&WorkOrder>)> = QUEUE_ORDER
        .iter()
        .map(|s| {
            let mut g: Vec<&WorkOrder> = wos.iter().filter(|w| w.status == *s).collect();
            g.sort_by_key(|w| queue_key(w));
            (*s, g)
        })
        .filter(|(_, g)| !g.is_empty())
        .collect();
    let badges: Vec<(&WorkOrder, Option<sla::Badge>)> =
        wos.iter().map(|w| (w, sla::badge(w, now))).collect();
    let overdue = badges
        .iter()
        .filter(|(_, b)| b.as_ref().is_some_and(|b| b.level == sla::Level::Red))
        .count();
    let attention = wos
        .iter()
        .filter(|w| w.status == Status::NeedsAttention)
        .count();
    let badge_of = |w: &WorkOrder| {
        badges
            .iter()
            .find(|(x, _)| x.id == w.id)
            .and_then(|(_, b)| b.clone())
    };
    Ok(page(
        "Work orders",
        Lang::En,
        Nav::Staff(&session),
        html! {
            h1 { "Work orders" }
            p #queue-summary role="status" {
                // Counts of the page shown: the queue puts what needs attention first, so the
                // first page holds it unless it is longer than a page.
                "On this page: " strong { (attention) } " need attention · " strong { (overdue) } " overdue · "
                (wos.len()) " shown"
                @if asked.after.is_some() { " (a later page)" }
            }
            form.noprint method="get" action="/pm" aria-label="Filter the queue" {
                div.row {
                    div {
                        label for="filter-property" { "Property" }
                        select id="filter-property" name="property" {
                            option value="" { "All properties" }
                            @for p in &portfolio.properties {
                                option value=(p.id) selected[property.as_ref() == Some(&p.id)] { (p.name) }
                            }
                        }
                    }
                    div {
                        label for="filter-all" { "Show" }
                        select id="filter-all" name="all" {
                            option value="" selected[!all] { "Open work orders" }
                            option value="1" selected[all] { "All, including closed" }
                        }
                    }
                }
                button.secondary type="submit" { "Filter" }
                a.button href="/report" { "New request" }
            }
            @if groups.is_empty() {
                p { "Nothing here." }
            }
            @for (s, g) in &groups {
                section aria-labelledby=(format!("group-{}", s.as_str())) {
                    h2 id=(format!("group-{}", s.as_str())) { (s.label()) " (" (g.len()) ")" }
                    table data-status=(s.as_str()) {
                        thead { tr { th scope="col" { "Job" } th scope="col" { "Where" } th scope="col" { "Problem" } th scope="col" { "Vendor" } th scope="col" { "Age" } th scope="col" { "SLA" } } }
                        tbody {
                            @for wo in g {
                                tr data-wo=(wo.id) {
                                    td { a href=(format!("/pm/wo/{}", wo.id)) { (wo.code) } br; span.hint { (wo.priority.as_str()) } }
                                    td {
                                        (property_name(&portfolio, &wo.request.property))
                                        ", " (wo.request.unit)
                                    }
                                    td {
                                        (short(&wo.request.description, 80))
                                        @if let Some(a) = &wo.attention { br; strong { (a.describe(&portfolio, tz_of(&portfolio, wo), Language::En)) } }
                                    }
                                    td { (wo.vendor.as_ref().and_then(|v| portfolio.vendor(v)).map_or("—".to_string(), |v| v.name.clone())) }
                                    td { time datetime=(wo.created_at.to_rfc3339()) title=(super::at(tz_of(&portfolio, wo), wo.created_at)) { (age(now, wo.created_at)) } }
                                    td { @if let Some(b) = badge_of(wo) { (sla_badge(&b)) } @else { "—" } }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(href) = &next_link {
                nav.noprint aria-label="More work orders" {
                    a #next-page rel="next" href=(href) { "Next page" }
                }
            }
        },
    ))
}

fn tz_of(portfolio: &Portfolio, wo: &WorkOrder) -> Tz {
    portfolio
        .property(&wo.request.property)
        .map_or(chrono_tz::UTC, |p| p.timezone)
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n).collect();
        out.push('…');
        out
    }
}

#[derive(Debug, Default, Deserialize)]
struct DetailQuery {
    /// The action just done (after the redirect that follows it).
    #[serde(default)]
    ok: Option<String>,
}

/// What the page says after an action went through (fixed words, never the request's).
fn done_line(action: &str) -> Option<&'static str> {
    Some(match action {
        "assign" => "Vendor assigned.",
        "cancel" => "Work order cancelled; everyone concerned has been told.",
        "approval" => "Decision recorded.",
        "close" => "Work order closed.",
        "instructions" => "Instructions added.",
        "reschedule" => {
            "The appointment was released; the vendor has been asked to choose a new time."
        }
        "resend" => "Message sent again.",
        _ => return None,
    })
}

async fn detail(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Markup, PageError> {
    let notice =
        q.ok.as_deref()
            .and_then(done_line)
            .map(|m| Notice::Ok(m.into()));
    Ok(detail_page(&app, &session, &id, notice.as_ref(), &Errors::default()).await?)
}

/// The latest message sent to each recipient on each channel: (timeline index, entry).
fn last_messages(timeline: &[Recorded]) -> Vec<(usize, &Recorded)> {
    let mut out: Vec<(usize, &Recorded)> = vec![];
    for (i, r) in timeline.iter().enumerate() {
        if let Event::MessageSent { to, channel, .. } = &r.event {
            out.retain(|(_, x)| {
                !matches!(&x.event, Event::MessageSent { to: t, channel: c, .. } if t == to && c == channel)
            });
            out.push((i, r));
        }
    }
    out
}

fn who(portfolio: &Portfolio, r: &Recipient) -> String {
    match r {
        Recipient::Tenant => "Tenant".into(),
        Recipient::Owner => "Owner".into(),
        Recipient::Pm => "Property team".into(),
        Recipient::Other => "Other".into(),
        Recipient::Vendor(v) => portfolio
            .vendor(v)
            .map_or_else(|| v.to_string(), |v| v.name.clone()),
    }
}

async fn detail_page(
    app: &App,
    session: &Session,
    id: &str,
    notice: Option<&Notice>,
    errors: &Errors,
) -> Result<Markup, WebError> {
    let wo = ops::get(app, id).await?;
    let timeline = app.timeline_of(&wo).await.map_err(ops::store)?;
    let portfolio = app.portfolio();
    let p = portfolio.property(&wo.request.property);
    let tz = p.map_or(chrono_tz::UTC, |p| p.timezone);
    let t = &wo.request.tenant;
    let base = format!("/pm/wo/{}", wo.id);
    let open = !wo.status.is_final();
    let phase = wo.phase();
    let mut of_trade: Vec<_> = portfolio
        .vendors
        .iter()
        .filter(|v| v.active && v.trades.contains(&wo.trade))
        .collect();
    of_trade.sort_by_key(|v| (v.rank, v.name.clone()));
    let mut others: Vec<_> = portfolio
        .vendors
        .iter()
        .filter(|v| v.active && !v.trades.contains(&wo.trade))
        .collect();
    others.sort_by_key(|v| (v.rank, v.name.clone()));
    let approval_open = phase == Status::AwaitingApproval
        && wo.estimate.as_ref().is_some_and(|e| {
            matches!(
                e.decision,
                EstimateDecision::Pending | EstimateDecision::Declined
            )
        });
    let resendable = last_messages(&timeline);
    let badge = sla::badge(&wo, app.now());
    let vendor_option = |v: &mendwork_domain::Vendor| {
        html! {
            option value=(v.id) selected[wo.vendor.as_ref() == Some(&v.id)] {
                (v.name) " — " (v.trades.iter().map(|t| t.label()).collect::<Vec<_>>().join(", "))
            }
        }
    };
    Ok(page(
        &format!("Work order {}", wo.code),
        Lang::En,
        Nav::Staff(session),
        html! {
            p.noprint { a href="/pm" { "← Back to the queue" } }
            h1 { "Work order " (wo.code) " " span class=(format!("badge {}", wo.status.as_str())) { (wo.status.label()) } }
            @if let Some(b) = &badge { p { (sla_badge(b)) } }
            (Notice::render(notice))
            (errors.summary())
            @if let Some(a) = &wo.attention { p.notice.alert role="status" { strong { "Needs attention: " } (a.describe(&portfolio, tz_of(&portfolio, &wo), Language::En)) } }
            section aria-label="Details" {
                dl {
                    dt { "Id" } dd { (wo.id) }
                    dt { "Property" } dd { (p.map_or(wo.request.property.to_string(), |p| p.name.clone())) ", unit " (wo.request.unit) }
                    dt { "Tenant" } dd {
                        (t.name)
                        @if let Some(e) = &t.email { " · " (e) }
                        @if let Some(ph) = &t.phone { " · " (ph) }
                        @if wo.request.language != Language::En {
                            " · writes in " span lang=(wo.request.language.code()) { (wo.request.language.name()) }
                        }
                    }
                    dt { "Problem" } dd { (wo.request.description) }
                    @if !wo.request.photos.is_empty() {
                        dt { "Photos" } dd { (super::tenant::photo_links(Lang::En, &crate::files::links(app, &wo.request.photos))) }
                    }
                    dt { "Trade / priority" } dd { (wo.trade.label()) " · " (wo.priority.as_str()) @if wo.request.emergency { " (tenant says emergency)" } }
                    dt { "Access" } dd {
                        (if wo.request.permission_to_enter { "Permission to enter" } else { "Tenant must be home" })
                        @if let Some(pets) = &wo.request.pets { "; pets: " (pets) }
                        @if let Some(n) = &wo.request.access_notes { "; " (n) }
                    }
                    dt { "Availability" } dd {
                        @if wo.request.availability.is_empty() { "—" }
                        @for w in &wo.request.availability { (when(tz, w)) br; }
                    }
                    dt { "Vendor" } dd { (wo.vendor.as_ref().and_then(|v| portfolio.vendor(v)).map_or("—".to_string(), |v| format!("{} ({})", v.name, v.phone))) }
                    @if let Some(o) = &wo.offer {
                        dt { "Offer" } dd { "to " (portfolio.vendor(&o.vendor).map_or(o.vendor.to_string(), |v| v.name.clone())) ", expires " (super::at(tz, o.expires_at)) }
                    }
                    @if let Some(a) = &wo.appointment { dt { "Appointment" } dd { (when(tz, a)) } }
                    @if let Some(w) = &wo.proposal { dt { "Proposed" } dd { (when(tz, w)) } }
                    @if let Some(e) = &wo.estimate {
                        dt { "Estimate" } dd { (e.amount.to_string()) " (limit " (e.limit.to_string()) ", " (format!("{:?}", e.decision).to_lowercase()) ")" @if let Some(n) = &e.note { " — " (n) } }
                    }
                    @if let Some(v) = &wo.visit {
                        dt { "Visit" } dd { (v.id) " · " (format!("{:?}", v.status).to_lowercase()) @if let Some(w) = &v.expected { " · " (when(tz, w)) } }
                    }
                    @if let Some(i) = &wo.invoice {
                        dt { "Invoice" } dd {
                            (i.amount.to_string()) @if let Some(r) = &i.reference { " (ref " (r) ")" }
                            @if let Some(f) = &i.file { " · " a href=(app.links.file(f)) { "the invoice document" } }
                        }
                    }
                    @if wo.completion_notes.is_some() || !wo.completion_photos.is_empty() {
                        dt { "Completion" } dd {
                            @if let Some(n) = &wo.completion_notes { (n) }
                            @if !wo.completion_photos.is_empty() { (super::tenant::photo_links(Lang::En, &crate::files::links(app, &wo.completion_photos))) }
                        }
                    }
                    @if let Some(f) = &wo.feedback {
                        dt { "Feedback" } dd { (f.rating) "/5" @if let Some(c) = &f.comment { " — " (c) } }
                    }
                    @if !wo.instructions.is_empty() {
                        dt { "Instructions" } dd {
                            @for i in &wo.instructions { (i) br; }
                            @if wo.earlier_instructions() > 0 { "(" (wo.earlier_instructions()) " earlier: see the timeline)" }
                        }
                    }
                    dt { "Created" } dd { (super::at(tz, wo.created_at)) }
                }
            }
            section aria-labelledby="timers-heading" {
                h2 #timers-heading { "Timers" }
                @let armed: Vec<_> = wo.timers.iter().filter_map(|(k, t)| t.due.map(|d| (k, t.generation, d))).collect();
                @if armed.is_empty() { p { "None armed." } }
                ul {
                    @for (k, g, d) in armed {
                        li { (k.as_str()) " #" (g) " — " (super::at(tz, d)) }
                    }
                }
            }
            @if open {
                section.noprint #actions aria-labelledby="actions-heading" {
                    h2 #actions-heading { "Actions" }
                    form method="post" action=(format!("{base}/assign")) {
                        label for="vendor" { "Assign a vendor" }
                        p.hint #vendor-hint {
                            @if wo.vendor.is_some() { "Choosing another vendor overrides the current one; both are told." }
                            @else { "The vendor is told at once and the offer timer stops." }
                        }
                        select id="vendor" name="vendor" aria-invalid=[errors.invalid("vendor")]
                            aria-describedby=(match errors.described_by("vendor") { Some(e) => format!("{e} vendor-hint"), None => "vendor-hint".into() }) {
                            optgroup label=(format!("{} vendors", wo.trade.label())) {
                                @for v in &of_trade { (vendor_option(v)) }
                            }
                            @if !others.is_empty() {
                                optgroup label="Other vendors" {
                                    @for v in &others { (vendor_option(v)) }
                                }
                            }
                        }
                        (errors.beside("vendor"))
                        button type="submit" { "Assign" }
                    }
                    @if approval_open {
                        form method="post" action=(format!("{base}/approval")) {
                            p #approval-label { "Decide the estimate instead of the owner:" }
                            button type="submit" name="decision" value="approve" aria-describedby="approval-label" { "Approve" }
                            button.danger type="submit" name="decision" value="decline" aria-describedby="approval-label" { "Decline" }
                        }
                    }
                    @if phase == Status::Scheduled {
                        form method="post" action=(format!("{base}/reschedule")) {
                            button.secondary type="submit" { "Reschedule (offer the slots again)" }
                        }
                    }
                    @if phase == Status::Completed {
                        form method="post" action=(format!("{base}/close")) {
                            button type="submit" { "Close the work order" }
                        }
                    }
                    form method="post" action=(format!("{base}/instructions")) {
                        label for="text" { "Add instructions for the vendor" }
                        textarea id="text" name="text" maxlength="1000" aria-invalid=[errors.invalid("text")] aria-describedby=[errors.described_by("text")] {}
                        (errors.beside("text"))
                        button type="submit" { "Add instructions" }
                    }
                    @if !resendable.is_empty() {
                        form method="post" action=(format!("{base}/resend")) {
                            input type="hidden" name="token" value=(super::tenant::new_token());
                            label for="message" { "Resend the last message to" }
                            select id="message" name="message" aria-invalid=[errors.invalid("message")] aria-describedby=[errors.described_by("message")] {
                                @for (i, r) in resendable.iter().rev() {
                                    @if let Event::MessageSent { to, channel, address, subject, body, .. } = &r.event {
                                        option value=(i) {
                                            (who(&portfolio, to)) " — "
                                            (if *channel == Channel::Email { "email" } else { "text" })
                                            " to " (address) ": "
                                            (short(subject.as_deref().unwrap_or(body), 50))
                                        }
                                    }
                                }
                            }
                            (errors.beside("message"))
                            button.secondary type="submit" { "Resend" }
                        }
                    }
                    form method="post" action=(format!("{base}/cancel")) {
                        label for="reason" { "Cancel — reason (optional)" }
                        input type="text" id="reason" name="reason" maxlength="1000" aria-describedby=[errors.described_by("reason")];
                        (errors.beside("reason"))
                        button.danger type="submit" { "Cancel the work order" }
                    }
                }
            }
            section aria-labelledby="timeline-heading" {
                h2 #timeline-heading { "Timeline" }
                (timeline_view(&base, &timeline, &portfolio, tz))
            }
            p { a href=(format!("/api/work-orders/{}", wo.id)) { "This work order as JSON" } }
        },
    ))
}

/// The full timeline, oldest first; each email also in its HTML version.
fn timeline_view(base: &str, events: &[Recorded], portfolio: &Portfolio, tz: Tz) -> Markup {
    html! {
        ol.timeline {
            @for (i, r) in events.iter().enumerate() {
                li id=(format!("t{i}")) data-kind=(kind_of(&r.event)) {
                    (super::time_el(tz, r.at))
                    (describe_pm(&r.event, portfolio, tz))
                    @if let Some(email) = as_email(&r.event, Language::En) {
                        details {
                            summary { "HTML version" }
                            iframe.email sandbox="" title=(format!("HTML version of “{}”", email.subject)) srcdoc=(render_html(&email)) {}
                            p { a href=(format!("{base}/messages/{i}")) { "Open the HTML version on its own" } }
                        }
                    }
                }
            }
        }
    }
}

fn kind_of(e: &Event) -> String {
    match serde_json::to_value(e) {
        Ok(serde_json::Value::Object(m)) => m
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    }
}

/// The email a `message_sent` entry recorded (without its calendar attachment, which the
/// timeline does not keep); a tenant's is framed in `tenant`, their language.
fn as_email(e: &Event, tenant: Language) -> Option<EmailMessage> {
    match e {
        Event::MessageSent {
            to,
            channel: Channel::Email,
            address,
            subject,
            body,
            key,
        } => Some(EmailMessage {
            to: Email::parse(address).ok()?,
            recipient: to.clone(),
            subject: subject.clone().unwrap_or_default(),
            text: body.clone(),
            ics: None,
            key: key.clone(),
            language: language_of(to, tenant),
        }),
        _ => None,
    }
}

/// The language a message to `to` is in: the tenant's for the tenant, else English.
fn language_of(to: &Recipient, tenant: Language) -> Language {
    if *to == Recipient::Tenant {
        tenant
    } else {
        Language::En
    }
}

async fn email_view(
    State(app): State<App>,
    Path((id, n)): Path<(String, usize)>,
) -> Result<Response, PageError> {
    let wo = ops::get(&app, &id).await?;
    let timeline = app.timeline_of(&wo).await.map_err(ops::store)?;
    let email = timeline
        .get(n)
        .and_then(|r| as_email(&r.event, wo.request.language))
        .ok_or_else(|| WebError::NotFound("There is no such email on this work order.".into()))?;
    let mut res = render_html(&email).into_response();
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The message is shown as sent, and may run nothing.
    res.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; style-src 'unsafe-inline'"),
    );
    Ok(res)
}

#[derive(Debug, Default, Deserialize)]
struct ActionForm {
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    token: String,
}

fn command(
    action: &str,
    f: &ActionForm,
    wo: &WorkOrder,
    session: &Session,
) -> Result<Command, FieldError> {
    let by = session.actor();
    Ok(match action {
        "assign" => Command::Assign {
            vendor: VendorId(required_text("vendor", &f.vendor, 200, "a vendor")?),
            by,
        },
        "cancel" => Command::Cancel {
            by,
            reason: optional_text("reason", Some(&f.reason), MAX_NOTES)?,
        },
        "approval" => Command::DecideApproval {
            approve: match f.decision.trim() {
                "approve" => true,
                "decline" => false,
                _ => {
                    return Err(FieldError::new(
                        "decision",
                        "Please choose approve or decline.",
                    ));
                }
            },
            by,
            round: wo.approval_round,
        },
        "close" => Command::Close { by },
        "instructions" => Command::AddInstructions {
            text: required_text("text", &f.text, MAX_NOTES, "the instructions")?,
            by,
        },
        "reschedule" => Command::RequestReschedule { by, window: None },
        _ => return Err(FieldError::new("action", "There is no such action.")),
    })
}

async fn act(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    Path((id, action)): Path<(String, String)>,
    PageForm(f): PageForm<ActionForm>,
) -> Result<Response, PageError> {
    let wo = ops::get(&app, &id).await?;
    let result = if action == "resend" {
        resend(&app, &wo, &f).await
    } else {
        match command(&action, &f, &wo, &session) {
            Ok(cmd) => ops::run(&app, &wo.id, cmd).await.map(|_| ()),
            Err(e) => Err(e.into()),
        }
    };
    match result {
        Ok(()) => {
            let ok = if done_line(&action).is_some() {
                format!("?ok={action}")
            } else {
                String::new()
            };
            Ok(Redirect::to(&format!("/pm/wo/{}{ok}", wo.id)).into_response())
        }
        Err(WebError::Field { field, message }) => {
            let errors = Errors(vec![FieldError::new(field, message)]);
            let page = detail_page(&app, &session, wo.id.as_str(), None, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e @ (WebError::Rejected(_) | WebError::Invalid(_))) => {
            let notice = Notice::Problem(capitalise(&e.message()));
            let page = detail_page(
                &app,
                &session,
                wo.id.as_str(),
                Some(&notice),
                &Errors::default(),
            )
            .await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Sends again the message at a timeline position: the domain's `Resend` decides (not on a
/// closed work order, not to a number that opted out) and the message goes out as a new one
/// with its own outbox record and `message_sent` entry. The form's token makes a double click
/// send once.
async fn resend(app: &App, wo: &WorkOrder, f: &ActionForm) -> Result<(), WebError> {
    let bad = || FieldError::new("message", "Please choose a message to resend.");
    let index: usize = f.message.trim().parse().map_err(|_| bad())?;
    let key = submission_token(Some(&f.token))
        .map(|t| format!("resend:{}:{t}", wo.id))
        .ok_or_else(|| WebError::BadRequest("Please reload the page and try again.".into()))?;
    let timeline = app.timeline_of(wo).await.map_err(ops::store)?;
    let Some(Event::MessageSent {
        to,
        channel,
        address,
        subject,
        body,
        key: message_key,
    }) = timeline.get(index).map(|r| r.event.clone())
    else {
        return Err(bad().into());
    };
    let message = SentMessage {
        to,
        channel,
        address,
        subject,
        body,
        key: message_key,
    };
    let exec = Exec {
        idempotency_key: Some(key),
        inbound: None,
    };
    let done = app
        .execute(
            &wo.id,
            Command::Resend {
                message: Box::new(message),
            },
            exec,
        )
        .await;
    ops::settle(app).await;
    done?;
    Ok(())
}
