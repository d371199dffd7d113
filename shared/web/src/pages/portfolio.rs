//! The portfolio as the team configured it, read-only (it lives in the portfolio file): the
//! properties (with their form link and printable QR code), the vendors (with where their
//! insurance stands: expired, or ending within 30 days), and the rules —
//! dispatch lists, policies, SLA targets, recurring work and message overrides.

use super::{Nav, page};
use crate::auth::Session;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::paging;
use crate::sla;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Extension, Router};
use maud::{Markup, html};
use mendwork_app::App;
use mendwork_domain::candidates::{Insurance, insurance, portfolio_today};
use mendwork_domain::{Policy, Portfolio, Property, Trade, Vendor, VendorId};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/pm/properties", get(properties))
        .route("/pm/vendors", get(vendors))
        .route("/pm/rules", get(rules))
}

fn vendor_names(portfolio: &Portfolio, ids: &[VendorId]) -> String {
    ids.iter()
        .map(|id| {
            portfolio
                .vendor(id)
                .map_or_else(|| id.to_string(), |v| v.name.clone())
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

fn readonly_note() -> Markup {
    html! {
        p.hint { "Read-only: these come from the portfolio file. Edit it and restart (or redeploy) to change them." }
    }
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
}

/// The "next page" link of a list page, keeping its page size.
fn next_link(path: &str, limit: Option<&str>, cursor: Option<&String>) -> Markup {
    let Some(cursor) = cursor else {
        return html! {};
    };
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if let Some(l) = limit.map(str::trim).filter(|l| !l.is_empty()) {
        pairs.push(("limit", l));
    }
    pairs.push(("cursor", cursor));
    let href = format!("{path}?{}", paging::query_string(&pairs));
    html! {
        nav.noprint aria-label="More" { a #next-page rel="next" href=(href) { "Next page" } }
    }
}

async fn properties(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    Query(q): Query<PageQuery>,
) -> Result<Markup, PageError> {
    let portfolio = app.portfolio();
    let all: Vec<&Property> = portfolio.properties.iter().collect();
    let shown = paging::list_page(
        "properties",
        &all,
        |p| p.id.to_string(),
        q.limit.as_deref(),
        q.cursor.as_deref(),
    )?;
    Ok(page(
        "Properties",
        Lang::En,
        Nav::Staff(&session),
        html! {
            h1 { "Properties" }
            (readonly_note())
            @for p in &shown.items {
                section id=(format!("property-{}", p.id)) aria-labelledby=(format!("property-{}-name", p.id)) {
                    h2 id=(format!("property-{}-name", p.id)) { (p.name) }
                    dl {
                        dt { "Id" } dd { (p.id) }
                        dt { "Address" } dd { (p.address) }
                        dt { "Time zone" } dd { (p.timezone.name()) }
                        dt { "Not to exceed" } dd { (p.nte.to_string()) " · emergencies " (p.emergency_nte.to_string()) }
                        dt { "Owner" } dd { (p.owner.name) " · " (p.owner.email) @if let Some(ph) = &p.owner.phone { " · " (ph) } }
                        dt { "Visitor desk" } dd { (if p.visitor_desk { "Yes" } else { "No" }) }
                        dt { "Heating months" } dd { (p.heating_months.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")) }
                        @if let Some(n) = &p.notes { dt { "Notes for vendors" } dd { (n) } }
                        dt { "Go-To vendors" } dd {
                            @if p.vendors.is_empty() { "— (portfolio backups)" }
                            @for (trade, ids) in &p.vendors {
                                (trade.label()) ": " (vendor_names(&portfolio, ids)) br;
                            }
                        }
                        dt { "Tenant form" } dd {
                            a href=(format!("/report/{}", p.id)) { (app.links.base_url()) "/report/" (p.id) }
                            " · " a href=(format!("/report/{}/qr", p.id)) { "Printable QR code" }
                        }
                        dt { "Work orders" } dd { a href=(format!("/pm?property={}", p.id)) { "Open work orders here" } }
                    }
                }
            }
            (next_link("/pm/properties", q.limit.as_deref(), shown.next_cursor.as_ref()))
        },
    ))
}

async fn vendors(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    Query(q): Query<PageQuery>,
) -> Result<Markup, PageError> {
    let portfolio = app.portfolio();
    let mut all: Vec<&Vendor> = portfolio.vendors.iter().collect();
    all.sort_by_key(|v| (!v.active, v.rank, v.name.clone()));
    let shown = paging::list_page(
        "vendors",
        &all,
        |v| v.id.to_string(),
        q.limit.as_deref(),
        q.cursor.as_deref(),
    )?;
    let list = shown.items;
    let today = portfolio_today(&portfolio, app.now());
    Ok(page(
        "Vendors",
        Lang::En,
        Nav::Staff(&session),
        html! {
            h1 { "Vendors" }
            (readonly_note())
            table {
                thead { tr {
                    th scope="col" { "Name" } th scope="col" { "Company" } th scope="col" { "Trades" }
                    th scope="col" { "Phone" } th scope="col" { "Email" } th scope="col" { "Rank" }
                    th scope="col" { "Emergencies" } th scope="col" { "Active" }
                    th scope="col" { "Insurance" }
                } }
                tbody {
                    @for v in &list {
                        tr id=(format!("vendor-{}", v.id)) {
                            td { (v.name) br; span.hint { (v.id) } }
                            td { (v.company.as_ref().and_then(|c| portfolio.company(c)).map_or("—".to_string(), |c| c.name.clone())) }
                            td { (v.trades.iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")) }
                            td { a href=(format!("tel:{}", v.phone)) { (v.phone) } }
                            td { a href=(format!("mailto:{}", v.email)) { (v.email) } }
                            td.num { (v.rank) }
                            td { (if v.emergency { "Yes" } else { "No" }) }
                            td { (if v.active { "Yes" } else { "No" }) }
                            td { (insurance_cell(insurance(v, today))) }
                        }
                    }
                }
            }
            (next_link("/pm/vendors", q.limit.as_deref(), shown.next_cursor.as_ref()))
            p { a href="/pm/metrics#vendors" { "Acceptance rates and no-shows by vendor" } }
        },
    ))
}

/// A vendor's insurance as the team reads it: an expired one is not offered new jobs (the
/// rule is the domain's, `mendwork_domain::candidates`), one ending within 30 days is flagged.
fn insurance_cell(i: Insurance) -> Markup {
    let date = |d: chrono::NaiveDate| d.format("%b %-d, %Y").to_string();
    html! {
        @match i {
            Insurance::Unknown => "—",
            Insurance::Current { expires } => { "Until " (date(expires)) }
            Insurance::ExpiresSoon { expires, days_left } => {
                span.badge.insurance-soon { "Expires soon" } " "
                (date(expires))
                @match days_left {
                    0 => " (today is the last day)",
                    1 => " (in 1 day)",
                    n => { " (in " (n) " days)" }
                }
            }
            Insurance::Expired { expires } => {
                span.badge.insurance-expired { "Expired" } " "
                (date(expires)) br;
                span.hint { "Not offered new jobs until renewed." }
            }
        }
    }
}

fn policy_rows(p: &Policy) -> Vec<(&'static str, String)> {
    vec![
        ("Offer expires (routine)", p.accept_timeout.to_string()),
        (
            "Offer expires (urgent)",
            p.urgent_accept_timeout.to_string(),
        ),
        (
            "Offer expires (emergency)",
            p.emergency_accept_timeout.to_string(),
        ),
        (
            "Nudge to schedule after",
            format!(
                "{} (up to {} nudges)",
                p.schedule_nudge_after, p.schedule_nudges
            ),
        ),
        (
            "Reminder the day before",
            String::from(p.reminder_day_before),
        ),
        (
            "Reminder the same morning",
            String::from(p.reminder_morning),
        ),
        (
            "Quiet hours (no routine texts)",
            format!(
                "{}–{}",
                String::from(p.quiet_start),
                String::from(p.quiet_end)
            ),
        ),
        (
            "Ask \"done?\" after the appointment",
            format!(
                "{} (then every {}, {} times)",
                p.outcome_ask_after, p.outcome_nudge_after, p.outcome_nudges
            ),
        ),
        (
            "A proposed time waits for the tenant",
            p.proposal_timeout.to_string(),
        ),
        (
            "Approval reminders",
            format!(
                "every {}, {} times, then escalate",
                p.approval_reminder_after, p.approval_reminders
            ),
        ),
        (
            "Invoice follow-ups",
            format!(
                "every {}, {} times, then escalate",
                p.invoice_followup_after, p.invoice_followups
            ),
        ),
        (
            "Close after the invoice (no feedback)",
            p.close_after_invoice.to_string(),
        ),
        (
            "The tenant's safety question stays open",
            p.safety_question_timeout.to_string(),
        ),
    ]
}

async fn rules(State(app): State<App>, Extension(session): Extension<Session>) -> Markup {
    let portfolio = app.portfolio();
    let policy = &portfolio.policy;
    page(
        "Rules",
        Lang::En,
        Nav::Staff(&session),
        html! {
            h1 { "Rules" }
            (readonly_note())
            section aria-labelledby="dispatch-heading" {
                h2 #dispatch-heading { "Dispatch" }
                p { "A job is offered to the property's Go-To vendors for its trade in order, then to these portfolio backups"
                    (if portfolio.dispatch.any_vendor_of_trade { ", then to any other active vendor of the trade by rank." } else { "; after them the team is asked to assign by hand." }) }
                table {
                    thead { tr { th scope="col" { "Trade" } th scope="col" { "Backups, in order" } } }
                    tbody {
                        @for t in Trade::ALL {
                            tr { td { (t.label()) } td {
                                @match portfolio.dispatch.backups.get(&t) {
                                    Some(ids) if !ids.is_empty() => (vendor_names(&portfolio, ids)),
                                    _ => "—",
                                }
                            } }
                        }
                    }
                }
            }
            section aria-labelledby="policy-heading" {
                h2 #policy-heading { "Policy" }
                table {
                    thead { tr { th scope="col" { "Rule" } th scope="col" { "Portfolio" }
                        @for p in &portfolio.properties { @if p.policy.is_some() { th scope="col" { (p.name) } } } } }
                    tbody {
                        @let base = policy_rows(policy);
                        @let per: Vec<Vec<(&str, String)>> = portfolio.properties.iter().filter(|p| p.policy.is_some()).map(|p| policy_rows(&portfolio.policy_for(p))).collect();
                        @for (i, (name, value)) in base.iter().enumerate() {
                            tr {
                                td { (name) } td { (value) }
                                @for rows in &per {
                                    @let v = rows.get(i).map(|r| r.1.clone()).unwrap_or_default();
                                    td { @if &v == value { span.hint { "same" } } @else { strong { (v) } } }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="sla-heading" {
                h2 #sla-heading { "Queue SLA badges" }
                p.hint { "Amber from half the target, red past it." }
                table {
                    thead { tr { th scope="col" { "Should be…" } th scope="col" { "Emergency" } th scope="col" { "Urgent" } th scope="col" { "Routine" } } }
                    tbody {
                        @for (what, e, u, r) in sla::targets() {
                            tr { td { (what) } td { (sla::span(e)) } td { (sla::span(u)) } td { (sla::span(r)) } }
                        }
                    }
                }
            }
            section aria-labelledby="recurring-heading" {
                h2 #recurring-heading { "Recurring work" }
                @if portfolio.recurring.is_empty() { p { "None." } }
                @else {
                    table {
                        thead { tr { th scope="col" { "What" } th scope="col" { "Where" } th scope="col" { "Trade" } th scope="col" { "Schedule (cron, local time)" } th scope="col" { "Active" } } }
                        tbody {
                            @for r in &portfolio.recurring {
                                tr {
                                    td { (r.description) }
                                    td { (super::pm::property_name(&portfolio, &r.property)) @if let Some(u) = &r.unit { ", " (u) } }
                                    td { (r.trade.label()) }
                                    td { code { (r.schedule) } }
                                    td { (if r.active.unwrap_or(true) { "Yes" } else { "No" }) }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="messages-heading" {
                h2 #messages-heading { "Message texts changed from the defaults" }
                @if portfolio.messages.is_empty() { p { "None: every message uses its default text." } }
                @for (k, v) in &portfolio.messages {
                    h3 { code { (k) } }
                    pre { (v) }
                }
            }
            section aria-labelledby="team-heading" {
                h2 #team-heading { "Team" }
                dl {
                    dt { "Name" } dd { (portfolio.team.name) }
                    dt { "Alerts to" } dd { (portfolio.team.email) @if let Some(p) = &portfolio.team.phone { " · " (p) } }
                    dt { "May sign in" } dd {
                        (portfolio.team.email)
                        @for m in &portfolio.team.members { br; (m) }
                    }
                }
            }
        },
    )
}
