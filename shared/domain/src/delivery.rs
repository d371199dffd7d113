//! When a webhook delivery is tried again, and when it is given up: the rule, decided once, for
//! every endpoint a team configures (Standard Webhooks' recommended retry schedule, about a day
//! in all).

use chrono::{DateTime, Duration, Utc};

/// The waits after the 1st, 2nd, … failed attempt. After the last one fails the delivery is
/// marked failed and shown to the team: 8 attempts over 27 h 35 m 5 s.
pub const BACKOFF: [Duration; 7] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(10),
];

/// The most attempts a delivery gets.
pub const MAX_ATTEMPTS: u32 = BACKOFF.len() as u32 + 1;

/// What one attempt came to, read from the receiver's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer: the receiver has it.
    Delivered,
    /// 410 Gone: the receiver says this endpoint no longer exists; retrying cannot help.
    Gone,
    /// Any other answer, no answer in time, or no connection: worth trying again.
    Failed,
}

impl Outcome {
    /// The outcome of an HTTP answer with `status`, or of no answer at all (`None`).
    pub fn of(status: Option<u16>) -> Outcome {
        match status {
            Some(200..=299) => Outcome::Delivered,
            Some(410) => Outcome::Gone,
            _ => Outcome::Failed,
        }
    }
}

/// What becomes of a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    /// Try again at this instant (the same `webhook-id`, a new timestamp and signature).
    RetryAt(DateTime<Utc>),
    /// No more attempts: the team sees it failed and may send it again by hand.
    GaveUp,
}

/// The delivery's next state after its `attempt`-th attempt (1 for the first) ended at `at`
/// with `outcome`.
pub fn after_attempt(attempt: u32, outcome: Outcome, at: DateTime<Utc>) -> Next {
    match outcome {
        Outcome::Delivered => Next::Delivered,
        Outcome::Gone => Next::GaveUp,
        Outcome::Failed => match attempt.checked_sub(1).and_then(|i| BACKOFF.get(i as usize)) {
            Some(wait) => Next::RetryAt(at + *wait),
            None => Next::GaveUp,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_772_636_400, 0).unwrap_or_default()
    }

    #[test]
    fn a_failing_endpoint_is_tried_for_about_a_day_then_given_up() {
        let mut at = t0();
        let mut attempts = 1;
        while let Next::RetryAt(next) = after_attempt(attempts, Outcome::Failed, at) {
            assert!(next > at, "each retry is later than the attempt before");
            at = next;
            attempts += 1;
        }
        assert_eq!(attempts, MAX_ATTEMPTS);
        let span = at - t0();
        assert!(
            span > Duration::hours(24) && span < Duration::hours(30),
            "{span}"
        );
    }

    #[test]
    fn the_waits_grow() {
        assert!(BACKOFF.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(
            after_attempt(1, Outcome::Failed, t0()),
            Next::RetryAt(t0() + Duration::seconds(5))
        );
    }

    #[test]
    fn only_a_2xx_delivers_and_410_gives_up_at_once() {
        for s in [200, 201, 204, 299] {
            assert_eq!(Outcome::of(Some(s)), Outcome::Delivered);
        }
        for s in [300, 400, 401, 404, 429, 500, 503] {
            assert_eq!(Outcome::of(Some(s)), Outcome::Failed, "{s}");
        }
        assert_eq!(Outcome::of(None), Outcome::Failed);
        assert_eq!(after_attempt(1, Outcome::of(Some(410)), t0()), Next::GaveUp);
        assert_eq!(after_attempt(3, Outcome::Delivered, t0()), Next::Delivered);
    }
}
