//! Service-level badges for the queue: how a work order stands against the time its current
//! stage should take, by priority — e.g. an emergency not accepted within 15 minutes is red.
//! Measured from facts the work order carries (created, estimate and appointment times), so
//! the queue needs no timeline reads.

use chrono::{DateTime, Duration, Utc};
use mendwork_domain::{Priority, Status, WorkOrder};

/// How a work order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Green,
    Amber,
    Red,
}

impl Level {
    pub fn class(self) -> &'static str {
        match self {
            Level::Green => "green",
            Level::Amber => "amber",
            Level::Red => "red",
        }
    }
    pub fn word(self) -> &'static str {
        match self {
            Level::Green => "On track",
            Level::Amber => "At risk",
            Level::Red => "Overdue",
        }
    }
}

/// A badge: its level and what it is about, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    pub level: Level,
    pub text: String,
}

/// The targets, for the rules page: (stage, emergency, urgent, routine).
pub fn targets() -> Vec<(&'static str, Duration, Duration, Duration)> {
    vec![
        (
            "accepted by a vendor (from the request)",
            accept_target(Priority::Emergency),
            accept_target(Priority::Urgent),
            accept_target(Priority::Routine),
        ),
        (
            "scheduled (from the request)",
            schedule_target(Priority::Emergency),
            schedule_target(Priority::Urgent),
            schedule_target(Priority::Routine),
        ),
        (
            "approval decided (from the estimate)",
            approval_target(),
            approval_target(),
            approval_target(),
        ),
    ]
}

fn accept_target(p: Priority) -> Duration {
    match p {
        Priority::Emergency => Duration::minutes(15),
        Priority::Urgent => Duration::hours(2),
        Priority::Routine => Duration::hours(24),
    }
}

fn schedule_target(p: Priority) -> Duration {
    match p {
        Priority::Emergency => Duration::hours(4),
        Priority::Urgent => Duration::hours(48),
        Priority::Routine => Duration::days(5),
    }
}

fn approval_target() -> Duration {
    Duration::hours(48)
}

/// A duration in words: `15 min`, `2 h`, `5 days`.
pub fn span(d: Duration) -> String {
    let m = d.num_minutes().max(0);
    if m < 120 {
        format!("{m} min")
    } else if m < 72 * 60 {
        format!("{} h", m / 60)
    } else {
        format!("{} days", m / (24 * 60))
    }
}

/// Elapsed against target: green under half, amber from half, red past it.
fn against(since: DateTime<Utc>, target: Duration, now: DateTime<Utc>, what: &str) -> Badge {
    let elapsed = now - since;
    if elapsed > target {
        Badge {
            level: Level::Red,
            text: format!("not {what} within {}", span(target)),
        }
    } else if elapsed * 2 >= target {
        Badge {
            level: Level::Amber,
            text: format!("{what} due in {}", span(target - elapsed)),
        }
    } else {
        Badge {
            level: Level::Green,
            text: format!("{what} due in {}", span(target - elapsed)),
        }
    }
}

/// The badge of an open work order; `None` for closed, cancelled and completed ones.
pub fn badge(wo: &WorkOrder, now: DateTime<Utc>) -> Option<Badge> {
    if wo.status.is_final() {
        return None;
    }
    let p = wo.priority;
    Some(match wo.phase() {
        Status::Submitted | Status::Dispatching | Status::NeedsAttention if wo.vendor.is_none() => {
            against(wo.created_at, accept_target(p), now, "accepted")
        }
        Status::Submitted | Status::Dispatching | Status::NeedsAttention | Status::Accepted => {
            against(wo.created_at, schedule_target(p), now, "scheduled")
        }
        Status::AwaitingApproval => {
            let since = wo.estimate.as_ref().map_or(wo.updated_at, |e| e.at);
            against(since, approval_target(), now, "decided")
        }
        Status::Scheduled => match wo.appointment {
            Some(a) if now > a.end + Duration::hours(2) => Badge {
                level: Level::Red,
                text: "no outcome after the appointment".into(),
            },
            Some(a) if now > a.end => Badge {
                level: Level::Amber,
                text: "appointment over, outcome pending".into(),
            },
            _ => Badge {
                level: Level::Green,
                text: "appointment set".into(),
            },
        },
        Status::InProgress => Badge {
            level: Level::Green,
            text: "vendor on site".into(),
        },
        Status::Completed | Status::Closed | Status::Cancelled => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_the_target_is_amber_and_past_it_red() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        let b = against(
            t0,
            Duration::minutes(15),
            t0 + Duration::minutes(5),
            "accepted",
        );
        assert_eq!(b.level, Level::Green);
        let b = against(
            t0,
            Duration::minutes(15),
            t0 + Duration::minutes(8),
            "accepted",
        );
        assert_eq!(b.level, Level::Amber);
        let b = against(
            t0,
            Duration::minutes(15),
            t0 + Duration::minutes(16),
            "accepted",
        );
        assert_eq!(b.level, Level::Red);
        assert_eq!(b.text, "not accepted within 15 min");
    }

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(Duration::minutes(15)), "15 min");
        assert_eq!(span(Duration::hours(48)), "48 h");
        assert_eq!(span(Duration::days(5)), "5 days");
    }
}
