//! The metrics page: figures of the work orders created in a period — time to assign, to
//! schedule and to complete (median and p90), vendor acceptance rate and time to accept,
//! no-shows, first-time fix rate, and weekly volume — each drawn as an inline SVG chart with
//! its table. It reads the metrics projection (`mendwork_domain::metrics`: one set of rows per
//! week of the period, every property and vendor) and never a work order or a timeline, so a
//! view costs the same on day 1,000 as on day 1. The definitions are those of
//! `mendwork_domain::metrics::reference`; the period is whole weeks (from the Monday of the
//! week the period starts in), and medians and p90 are read from fixed buckets (within one
//! bucket of the exact value).

use super::charts::{Bar, columns, hbars};
use super::{Nav, page};
use crate::auth::Session;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::ops;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Extension, Router};
use maud::{Markup, html};
use mendwork_app::App;
use mendwork_domain::VendorId;
use mendwork_domain::metrics::{Count, Figures, Timing};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new().route("/pm/metrics", get(show))
}

fn acceptance_rate(f: &Figures) -> Option<f64> {
    let ended = f.count(Count::OffersEnded);
    (ended > 0).then(|| f.count(Count::Accepted) as f64 / ended as f64)
}

/// Seconds as people read a duration: `45 min`, `3.5 h`, `2.1 days`.
pub fn duration(secs: i64) -> String {
    let m = secs as f64 / 60.0;
    if m < 90.0 {
        format!("{m:.0} min")
    } else if m < 48.0 * 60.0 {
        format!("{:.1} h", m / 60.0)
    } else {
        format!("{:.1} days", m / 1440.0)
    }
}

fn pct(n: i64, of: i64) -> String {
    if of <= 0 {
        "—".into()
    } else {
        format!("{:.0}%", n as f64 * 100.0 / of as f64)
    }
}

#[derive(Debug, Default, Deserialize)]
struct MetricsQuery {
    #[serde(default)]
    days: Option<String>,
}

const PERIODS: [i64; 4] = [7, 30, 90, 365];

async fn show(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    Query(q): Query<MetricsQuery>,
) -> Result<Markup, PageError> {
    let days = q
        .days
        .as_deref()
        .and_then(|d| d.trim().parse::<i64>().ok())
        .filter(|d| PERIODS.contains(d))
        .unwrap_or(90);
    let (m, weeks) = app.metrics(days).await.map_err(ops::store)?;
    let portfolio = app.portfolio();
    let vendor_name = |id: &VendorId| {
        portfolio
            .vendor(id)
            .map_or_else(|| id.to_string(), |v| v.name.clone())
    };
    let hours = |s: i64| s as f64 / 3600.0;
    let stages = [
        ("Assign", m.whole.histogram(Timing::ToAssign)),
        ("Schedule", m.whole.histogram(Timing::ToSchedule)),
        ("Complete", m.whole.histogram(Timing::ToComplete)),
    ];
    let mut time_bars = vec![];
    for (name, h) in &stages {
        if let (Some(med), Some(p90)) = (h.percentile(50), h.percentile(90)) {
            time_bars.push(Bar::new(
                format!("{name} · median"),
                hours(med),
                duration(med),
            ));
            time_bars.push(Bar::new(format!("{name} · p90"), hours(p90), duration(p90)).alt());
        }
    }
    let vendor_rows: Vec<(&VendorId, &Figures)> = m.vendors.iter().collect();
    let accept_bars: Vec<Bar> = vendor_rows
        .iter()
        .filter_map(|(id, s)| {
            acceptance_rate(s).map(|r| {
                Bar::new(
                    vendor_name(id),
                    r * 100.0,
                    pct(s.count(Count::Accepted), s.count(Count::OffersEnded)),
                )
            })
        })
        .collect();
    let week_bars: Vec<Bar> = m
        .weekly
        .iter()
        .map(|(d, n)| Bar::new(d.format("%b %-d").to_string(), *n as f64, n.to_string()))
        .collect();
    Ok(page(
        "Metrics",
        Lang::En,
        Nav::Staff(&session),
        html! {
            h1 { "Metrics" }
            nav.noprint aria-label="Period" {
                p {
                    "Work orders created in the last: "
                    @for d in PERIODS {
                        @if d == days { strong aria-current="page" { (d) " days" } } @else { a href=(format!("/pm/metrics?days={d}")) { (d) " days" } }
                        " "
                    }
                }
            }
            p #metrics-period { "Whole weeks: from Monday " (weeks.first.format("%-d %B %Y")) " to this week." }
            p #metrics-summary {
                strong { (m.count(Count::Requests)) } " work orders · "
                "first-time fix " strong #first-time-fix { (pct(m.count(Count::FirstTimeFixes), m.count(Count::Completed))) } " of " (m.count(Count::Completed)) " completed · "
                "no-shows " strong #no-shows { (m.count(Count::NoShows)) } " of " (m.count(Count::Appointments)) " appointments"
            }
            section aria-labelledby="times-heading" {
                h2 #times-heading { "How long it takes (from the request)" }
                @if time_bars.is_empty() { p { "No work order has been assigned yet in this period." } }
                @else {
                    (hbars("chart-times", "Time to assign, schedule and complete", "Median and 90th percentile, in hours, from the request", &time_bars, None))
                }
                table #times {
                    thead { tr { th scope="col" { "Time to…" } th scope="col" { "Work orders" } th scope="col" { "Median" } th scope="col" { "p90" } } }
                    tbody {
                        @for (name, h) in &stages {
                            tr {
                                td { (name) }
                                td.num { (h.total()) }
                                td.num { (h.percentile(50).map_or("—".into(), duration)) }
                                td.num { (h.percentile(90).map_or("—".into(), duration)) }
                            }
                        }
                    }
                }
            }
            section #vendors aria-labelledby="vendors-heading" {
                h2 #vendors-heading { "Vendors" }
                @if accept_bars.is_empty() { p { "No offer has ended yet in this period." } }
                @else {
                    (hbars("chart-acceptance", "Acceptance rate by vendor", "Share of offers accepted, of those accepted, declined or lapsed", &accept_bars, Some(100.0)))
                }
                table #vendor-metrics {
                    thead { tr {
                        th scope="col" { "Vendor" } th scope="col" { "Offers" } th scope="col" { "Accepted" }
                        th scope="col" { "Declined" } th scope="col" { "Lapsed" } th scope="col" { "Acceptance" }
                        th scope="col" { "Median time to accept" } th scope="col" { "No-shows" } th scope="col" { "First-time fix" }
                    } }
                    tbody {
                        @for (id, s) in &vendor_rows {
                            tr data-vendor=(id.as_str()) {
                                td { (vendor_name(id)) }
                                td.num { (s.count(Count::OffersEnded)) }
                                td.num { (s.count(Count::Accepted)) }
                                td.num { (s.count(Count::Declined)) }
                                td.num { (s.count(Count::Lapsed)) }
                                td.num { (pct(s.count(Count::Accepted), s.count(Count::OffersEnded))) }
                                td.num { (s.histogram(Timing::ToAccept).percentile(50).map_or("—".into(), duration)) }
                                td.num { (s.count(Count::NoShows)) " / " (s.count(Count::Appointments)) }
                                td.num { (pct(s.count(Count::FirstTimeFixes), s.count(Count::Completed))) }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="volume-heading" {
                h2 #volume-heading { "Requests per week" }
                (columns("chart-weekly", "Work orders created per week", "Count of work orders by the week they were created", &week_bars))
            }
            details {
                summary { "How these are measured" }
                ul {
                    li { "Times run from the request to the first acceptance or assignment, the first appointment, and the completion." }
                    li { "Acceptance counts offers that ended: accepted, declined or lapsed." }
                    li { "A no-show is an appointment that ended (or was reported not done) with no arrival and no completion; appointments moved or cancelled beforehand don't count." }
                    li { "First-time fix: completed without any \"not done\" visit before." }
                    li { "Each work order counts in the week it was created (Monday to Sunday, UTC); an appointment that has ended counts from the first thing that happens on its work order afterwards — at the latest the \"is it done?\" question an hour after it." }
                    li { "Medians and 90th percentiles are read from fixed ranges (a minute, 5, 10, 15, 30, 45 minutes, 1, 1.5, 2, 3, 4, 6, 8, 12, 18 hours, 1 to 30 days): each is within its range of the exact figure." }
                }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(600), "10 min");
        assert_eq!(duration(3 * 3600 + 1800), "3.5 h");
        assert_eq!(duration(3 * 86_400), "3.0 days");
    }
}
