//! The property team's pages: the queue (needs attention first, then by status and age) and a
//! work order's details with its whole timeline (every message and timer) and the PM actions.

use super::tenant::capitalise;
use super::timeline::pm_timeline;
use super::{Errors, Notice, PageForm, layout, when};
use crate::error::{PageError, WebError};
use crate::intake::{FieldError, MAX_NOTES, optional_text, required_text};
use crate::ops;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use mendwork_app::App;
use mendwork_app::ports::ListFilter;
use mendwork_domain::{Command, EstimateDecision, Status, VendorId, WorkOrder};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/pm", get(queue))
        .route("/pm/wo/{id}", get(detail))
        .route("/pm/wo/{id}/{action}", post(act))
}

/// The order the queue shows statuses in: what needs the team first.
const QUEUE_ORDER: [Status; 10] = [
    Status::NeedsAttention,
    Status::AwaitingApproval,
    Status::Submitted,
    Status::Dispatching,
    Status::Accepted,
    Status::Scheduled,
    Status::InProgress,
    Status::Completed,
    Status::Closed,
    Status::Cancelled,
];

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

#[derive(Debug, Default, Deserialize)]
struct QueueQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    all: Option<String>,
}

async fn queue(State(app): State<App>, Query(q): Query<QueueQuery>) -> Result<Markup, PageError> {
    let status = q.status.as_deref().and_then(Status::parse);
    let all = q.all.is_some() || status.is_some_and(Status::is_final);
    let filter = ListFilter {
        status,
        property: None,
        open_only: !all,
        limit: None,
    };
    let wos = app.store.list(&filter).await.map_err(ops::store)?;
    let portfolio = app.portfolio();
    let now = app.now();
    let groups: Vec<(Status, Vec<&WorkOrder>)> = QUEUE_ORDER
        .iter()
        .map(|s| {
            let mut g: Vec<&WorkOrder> = wos.iter().filter(|w| w.status == *s).collect();
            g.sort_by_key(|w| w.created_at);
            (*s, g)
        })
        .filter(|(_, g)| !g.is_empty())
        .collect();
    Ok(layout(
        "Work orders",
        html! {
            h1 { "Work orders" }
            nav aria-label="Filters" {
                p {
                    a href="/pm" { "Open" } " · "
                    a href="/pm?all=1" { "All, including closed" } " · "
                    a href="/report" { "New request" }
                }
            }
            @if groups.is_empty() {
                p { "Nothing here." }
            }
            @for (s, g) in &groups {
                section {
                    h2 { (s.label()) " (" (g.len()) ")" }
                    table {
                        thead { tr { th { "Job" } th { "Where" } th { "Problem" } th { "Vendor" } th { "Age" } } }
                        tbody {
                            @for wo in g {
                                tr {
                                    td { a href=(format!("/pm/wo/{}", wo.id)) { (wo.code) } br; span.hint { (wo.priority.as_str()) } }
                                    td {
                                        (portfolio.property(&wo.request.property).map_or(wo.request.property.to_string(), |p| p.name.clone()))
                                        ", " (wo.request.unit)
                                    }
                                    td {
                                        (short(&wo.request.description, 80))
                                        @if let Some(a) = &wo.attention { br; strong { (a) } }
                                    }
                                    td { (wo.vendor.as_ref().and_then(|v| portfolio.vendor(v)).map_or("—".to_string(), |v| v.name.clone())) }
                                    td { (age(now, wo.created_at)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
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

async fn detail(State(app): State<App>, Path(id): Path<String>) -> Result<Markup, PageError> {
    Ok(detail_page(&app, &id, None, &Errors::default()).await?)
}

async fn detail_page(
    app: &App,
    id: &str,
    notice: Option<&Notice>,
    errors: &Errors,
) -> Result<Markup, WebError> {
    let wo = ops::get(app, id).await?;
    let timeline = app.store.timeline(&wo.id).await.map_err(ops::store)?;
    let portfolio = app.portfolio();
    let p = portfolio.property(&wo.request.property);
    let tz = p.map_or(chrono_tz::UTC, |p| p.timezone);
    let t = &wo.request.tenant;
    let base = format!("/pm/wo/{}", wo.id);
    let open = !wo.status.is_final();
    let phase = wo.phase();
    let mut vendors: Vec<_> = portfolio.vendors.iter().filter(|v| v.active).collect();
    vendors.sort_by_key(|v| (!v.trades.contains(&wo.trade), v.rank, v.name.clone()));
    let approval_open = phase == Status::AwaitingApproval
        && wo.estimate.as_ref().is_some_and(|e| {
            matches!(
                e.decision,
                EstimateDecision::Pending | EstimateDecision::Declined
            )
        });
    Ok(layout(
        &format!("Work order {}", wo.code),
        html! {
            h1 { "Work order " (wo.code) " " span class=(format!("badge {}", wo.status.as_str())) { (wo.status.label()) } }
            (Notice::render(notice))
            (errors.summary())
            @if let Some(a) = &wo.attention { p.notice.alert role="status" { strong { "Needs attention: " } (a) } }
            section {
                dl {
                    dt { "Id" } dd { (wo.id) }
                    dt { "Property" } dd { (p.map_or(wo.request.property.to_string(), |p| p.name.clone())) ", unit " (wo.request.unit) }
                    dt { "Tenant" } dd {
                        (t.name)
                        @if let Some(e) = &t.email { " · " (e) }
                        @if let Some(ph) = &t.phone { " · " (ph) }
                    }
                    dt { "Problem" } dd { (wo.request.description) }
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
                        dt { "Invoice" } dd { (i.amount.to_string()) @if let Some(r) = &i.reference { " (ref " (r) ")" } }
                    }
                    @if let Some(f) = &wo.feedback {
                        dt { "Feedback" } dd { (f.rating) "/5" @if let Some(c) = &f.comment { " — " (c) } }
                    }
                    dt { "Created" } dd { (super::at(tz, wo.created_at)) }
                }
            }
            section {
                h2 { "Timers" }
                @let armed: Vec<_> = wo.timers.iter().filter_map(|(k, t)| t.due.map(|d| (k, t.generation, d))).collect();
                @if armed.is_empty() { p { "None armed." } }
                ul {
                    @for (k, g, d) in armed {
                        li { (k.as_str()) " #" (g) " — " (super::at(tz, d)) }
                    }
                }
            }
            @if open {
                section {
                    h2 { "Actions" }
                    form method="post" action=(format!("{base}/assign")) {
                        label for="vendor" { "Assign a vendor" }
                        select id="vendor" name="vendor" aria-invalid=[errors.invalid("vendor")] aria-describedby=[errors.described_by("vendor")] {
                            @for v in &vendors {
                                option value=(v.id) selected[wo.vendor.as_ref() == Some(&v.id)] {
                                    (v.name) " — " (v.trades.iter().map(|t| t.label()).collect::<Vec<_>>().join(", "))
                                }
                            }
                        }
                        (errors.beside("vendor"))
                        button type="submit" { "Assign" }
                    }
                    @if approval_open {
                        form method="post" action=(format!("{base}/approval")) {
                            p { "Decide the estimate instead of the owner:" }
                            button type="submit" name="decision" value="approve" { "Approve" }
                            button.danger type="submit" name="decision" value="decline" { "Decline" }
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
                    form method="post" action=(format!("{base}/cancel")) {
                        label for="reason" { "Cancel — reason (optional)" }
                        input type="text" id="reason" name="reason" maxlength="1000" aria-describedby=[errors.described_by("reason")];
                        (errors.beside("reason"))
                        button.danger type="submit" { "Cancel the work order" }
                    }
                }
            }
            section {
                h2 { "Timeline" }
                (pm_timeline(&timeline, &portfolio, tz))
            }
            p { a href=(format!("/api/work-orders/{}", wo.id)) { "This work order as JSON" } }
        },
    ))
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
}

fn command(action: &str, f: &ActionForm, wo: &WorkOrder) -> Result<Command, FieldError> {
    let by = ops::pm();
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
        "reschedule" => Command::RequestReschedule { by },
        _ => return Err(FieldError::new("action", "There is no such action.")),
    })
}

async fn act(
    State(app): State<App>,
    Path((id, action)): Path<(String, String)>,
    PageForm(f): PageForm<ActionForm>,
) -> Result<Response, PageError> {
    let wo = ops::get(&app, &id).await?;
    let cmd = match command(&action, &f, &wo) {
        Ok(c) => c,
        Err(e) => {
            let page = detail_page(&app, &id, None, &Errors(vec![e])).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    match ops::run(&app, &wo.id, cmd).await {
        Ok(_) => Ok(Redirect::to(&format!("/pm/wo/{}", wo.id)).into_response()),
        Err(e @ (WebError::Rejected(_) | WebError::Invalid(_))) => {
            let notice = Notice::Problem(capitalise(&e.message()));
            let page = detail_page(&app, wo.id.as_str(), Some(&notice), &Errors::default()).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
