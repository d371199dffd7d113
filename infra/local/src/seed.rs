//! A history to measure against: `n` work orders spread over some years of a portfolio, in the
//! proportions of a small team's real history — most closed, a few cancelled, an open backlog
//! of the last weeks in every open status; emergencies and urgent jobs among routine ones;
//! each with the timeline its lifecycle writes (the lifecycle's events through the domain's
//! `evolve`, and a message out at each step). Deterministic for a given seed.

use chrono::{DateTime, Duration, Utc};
use mendwork_domain::decide::{Recorded, evolve, start};
use mendwork_domain::{
    Actor, Channel, Contact, Email, Event, JobCode, NewWorkOrder, Portfolio, Priority, Recipient,
    Source, Status, VendorId, Window, WorkOrder, WorkOrderId,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub work_orders: usize,
    pub years: u32,
    /// The newest work order is created just before this.
    pub end: DateTime<Utc>,
    /// Work orders younger than this are still open; older ones closed or cancelled.
    pub open_days: i64,
    pub seed: u64,
}

/// The open statuses of the backlog, with their shares (percent).
const OPEN_MIX: [(Status, u32); 8] = [
    (Status::Submitted, 5),
    (Status::Dispatching, 15),
    (Status::NeedsAttention, 8),
    (Status::Accepted, 15),
    (Status::Scheduled, 27),
    (Status::InProgress, 5),
    (Status::AwaitingApproval, 5),
    (Status::Completed, 20),
];
/// Of the work orders past the backlog, this many percent were cancelled; the rest closed.
const CANCELLED_PERCENT: u32 = 7;

fn pick_open(rng: &mut StdRng) -> Status {
    let mut roll = rng.random_range(0..100);
    for (s, share) in OPEN_MIX {
        if roll < share {
            return s;
        }
        roll -= share;
    }
    Status::Scheduled
}

fn priority(rng: &mut StdRng) -> Priority {
    match rng.random_range(0..100) {
        0..5 => Priority::Emergency,
        5..25 => Priority::Urgent,
        _ => Priority::Routine,
    }
}

const PROBLEMS: [&str; 6] = [
    "Kitchen sink drips constantly and the cabinet below is wet",
    "No hot water since this morning",
    "Bedroom outlet sparks when a plug goes in",
    "The heating makes a banging noise at night",
    "Front door lock sticks and the key will not turn",
    "Dishwasher does not drain; water stays at the bottom",
];

/// The history `plan` asks for, oldest first: each work order as it stands and its timeline.
pub fn history(
    portfolio: &Portfolio,
    plan: &Plan,
) -> impl Iterator<Item = (WorkOrder, Vec<Recorded>)> {
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let span = Duration::days(365 * i64::from(plan.years.max(1)));
    let first = plan.end - span;
    let n = plan.work_orders.max(1);
    let step = span / i32::try_from(n).unwrap_or(i32::MAX);
    let properties: Vec<_> = portfolio.properties.iter().map(|p| p.id.clone()).collect();
    let vendors: Vec<VendorId> = portfolio.vendors.iter().map(|v| v.id.clone()).collect();
    let open_from = plan.end - Duration::days(plan.open_days);
    (0..plan.work_orders).filter_map(move |i| {
        let at = first + step * i32::try_from(i).ok()? + Duration::seconds(rng.random_range(0..60));
        let property = properties
            .get(rng.random_range(0..properties.len().max(1)))?
            .clone();
        let vendor = vendors
            .get(rng.random_range(0..vendors.len().max(1)))
            .cloned();
        let target = if at >= open_from {
            pick_open(&mut rng)
        } else if rng.random_range(0..100) < CANCELLED_PERCENT {
            Status::Cancelled
        } else {
            Status::Closed
        };
        let prio = priority(&mut rng);
        let request = NewWorkOrder {
            property,
            unit: format!("{}{}", rng.random_range(1..12), ['A', 'B', 'C', 'D'][i % 4]),
            tenant: Contact {
                name: "Tenant".into(),
                email: Email::parse(&format!("tenant{}@example.com", i % 997)).ok(),
                phone: None,
            },
            description: PROBLEMS[i % PROBLEMS.len()].into(),
            category: None,
            emergency: prio == Priority::Emergency,
            permission_to_enter: true,
            pets: None,
            access_notes: None,
            photos: vec![],
            availability: vec![],
            source: Source::Tenant,
            language: mendwork_domain::Language::En,
        };
        let id = WorkOrderId(format!("wo-h{:07}s{}", i, plan.seed % 1000));
        let code = JobCode::from_seed([rng.random(), rng.random(), rng.random(), rng.random()]);
        // Open appointments each get a time of their own (3 h apart after the history's end),
        // so no vendor is booked twice and every one of them commits.
        let appointment = if target.is_final() {
            at + Duration::days(2)
        } else {
            plan.end + Duration::days(1) + Duration::hours(3 * i64::try_from(i).ok()?)
        };
        lifecycle(id, code, request, at, target, prio, vendor, appointment)
    })
}

/// Runs a work order's lifecycle up to `target`, an hour or so between steps.
#[allow(clippy::too_many_arguments)]
fn lifecycle(
    id: WorkOrderId,
    code: JobCode,
    request: NewWorkOrder,
    at: DateTime<Utc>,
    target: Status,
    prio: Priority,
    vendor: Option<VendorId>,
    appointment: DateTime<Utc>,
) -> Option<(WorkOrder, Vec<Recorded>)> {
    let submitted = Event::Submitted { id, code, request };
    let mut wo = start(&submitted, at)?;
    let mut timeline = vec![Recorded {
        at,
        event: submitted,
    }];
    let mut now = at;
    let order = [
        Status::Dispatching,
        Status::Accepted,
        Status::Scheduled,
        Status::InProgress,
        Status::Completed,
        Status::Closed,
    ];
    let reach = match target {
        Status::Submitted => 0,
        Status::Dispatching | Status::NeedsAttention | Status::Cancelled => 1,
        Status::Accepted | Status::AwaitingApproval => 2,
        Status::Scheduled => 3,
        Status::InProgress => 4,
        Status::Completed => 5,
        Status::Closed => 6,
    };
    let vendor = vendor.unwrap_or_else(|| VendorId("vendor".into()));
    for s in order.iter().take(reach) {
        let event = match s {
            Status::Dispatching => Event::Offered {
                vendor: vendor.clone(),
                expires_at: now + Duration::hours(2),
            },
            Status::Accepted => Event::Accepted {
                vendor: vendor.clone(),
            },
            Status::Scheduled => match Window::new(appointment, appointment + Duration::hours(2)) {
                Some(window) => Event::Scheduled {
                    window,
                    by: Actor::Vendor(vendor.clone()),
                },
                None => continue,
            },
            Status::InProgress => Event::Arrived {
                by: Actor::Vendor(vendor.clone()),
            },
            Status::Completed => Event::Completed {
                notes: Some("Fixed and tested.".into()),
                photos: vec![],
            },
            _ => Event::Closed { by: Actor::System },
        };
        wo = step(wo, &mut now, event, &mut timeline);
    }
    match target {
        Status::NeedsAttention => {
            let trade = wo.trade;
            wo = step(
                wo,
                &mut now,
                Event::NeedsAttention {
                    cause: mendwork_domain::attention::Cause::AllDeclined {
                        trade,
                        passed_over: vec![],
                    },
                },
                &mut timeline,
            );
        }
        Status::Cancelled => {
            wo = step(
                wo,
                &mut now,
                Event::Cancelled {
                    by: Actor::Pm("team@example.com".into()),
                    reason: Some("Tenant fixed it".into()),
                },
                &mut timeline,
            );
        }
        _ => {}
    }
    // The lifecycle above reaches the status in all but the approval case (which needs an
    // estimate's story); the share of each status is what matters here, so it is set.
    wo.status = target;
    wo.priority = prio;
    Some((wo, timeline))
}

/// One step of a lifecycle: the event, through `evolve`, and the message it sends.
fn step(
    wo: WorkOrder,
    now: &mut DateTime<Utc>,
    event: Event,
    timeline: &mut Vec<Recorded>,
) -> WorkOrder {
    *now += Duration::minutes(55);
    let at = *now;
    let next = evolve(wo, &event, at);
    timeline.push(Recorded { at, event });
    timeline.push(Recorded {
        at,
        event: Event::MessageSent {
            to: Recipient::Tenant,
            channel: Channel::Email,
            address: "tenant@example.com".into(),
            subject: Some("An update on your request".into()),
            body: "Your request moved on; the status page has the details.".into(),
            key: "tenant.update".into(),
        },
    });
    next
}

/// Writes the history `plan` asks for into `store`, each work order as one commit with its
/// timeline, calendar and metrics rows (as the workflow's commits write them); calls
/// `progress` with the count after each. The number written.
pub async fn write_history(
    store: &dyn mendwork_app::ports::WorkOrders,
    portfolio: &Portfolio,
    plan: &Plan,
    mut progress: impl FnMut(usize),
) -> Result<usize, mendwork_app::ports::CommitError> {
    let mut written = 0usize;
    for (wo, events) in history(portfolio, plan) {
        let calendar = mendwork_domain::booking::CalendarChange::between(None, &wo);
        let metrics = mendwork_domain::metrics::deltas(None, &wo);
        store
            .commit(mendwork_app::ports::Commit {
                wo,
                metrics,
                expected_version: 0,
                events,
                outbox: vec![],
                idempotency_key: None,
                calendar,
            })
            .await?;
        written += 1;
        progress(written);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use mendwork_domain::config::parse_portfolio;
    use std::collections::BTreeSet;

    fn plan(n: usize) -> Plan {
        Plan {
            work_orders: n,
            years: 5,
            end: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            open_days: 30,
            seed: 3,
        }
    }

    #[test]
    fn a_history_is_mostly_closed_behind_an_open_backlog_of_recent_work_orders() {
        // Given the sample portfolio and five years of 3,000 work orders
        let portfolio = parse_portfolio(crate::SAMPLE_PORTFOLIO, "sample").unwrap();
        let p = plan(3_000);
        let h: Vec<(WorkOrder, Vec<Recorded>)> = history(&portfolio, &p).collect();
        // Then every one is there once, oldest first, each with its lifecycle's timeline
        assert_eq!(h.len(), 3_000);
        let ids: BTreeSet<&str> = h.iter().map(|(w, _)| w.id.as_str()).collect();
        assert_eq!(ids.len(), 3_000);
        assert!(h.windows(2).all(|w| w[0].0.created_at <= w[1].0.created_at));
        let closed = h.iter().filter(|(w, _)| w.status == Status::Closed).count();
        let cancelled = h
            .iter()
            .filter(|(w, _)| w.status == Status::Cancelled)
            .count();
        assert!(closed > 2_500, "{closed}");
        assert!((100..300).contains(&cancelled), "{cancelled}");
        let backlog_from = p.end - Duration::days(p.open_days);
        for (w, timeline) in &h {
            assert_eq!(w.status.is_final(), w.created_at < backlog_from, "{}", w.id);
            assert!(!timeline.is_empty());
        }
        let closed_timeline = h
            .iter()
            .find(|(w, _)| w.status == Status::Closed)
            .map(|(_, t)| t.len())
            .unwrap();
        assert!(closed_timeline >= 10, "{closed_timeline}");
        // And the same seed draws the same history
        let again: Vec<_> = history(&portfolio, &p).map(|(w, _)| w.status).collect();
        assert_eq!(again, h.iter().map(|(w, _)| w.status).collect::<Vec<_>>());
    }
}
