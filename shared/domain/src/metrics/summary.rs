//! What the metrics page shows, summed from the projection's rows of a period: the work
//! orders' own figures over every property, each vendor's, and the requests per week.

use super::reference::Metrics;
use super::{Count, Field, Figures, MetricRow, Timing, bucket_of};
use crate::VendorId;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The page model. Invariant: no vendor has all-zero figures, no week a zero count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The work orders' own figures (requests, times, appointments, completions).
    pub whole: Figures,
    pub vendors: BTreeMap<VendorId, Figures>,
    /// Requests per week (its Monday).
    pub weekly: BTreeMap<NaiveDate, i64>,
}

impl Summary {
    /// The sum of `rows` (rows outside the period must be left out by the reader).
    pub fn from_rows(rows: &[MetricRow]) -> Summary {
        let mut s = Summary::default();
        for r in rows {
            match &r.key.vendor {
                None => {
                    s.whole.add_all(&r.figures);
                    let n = r.figures.count(Count::Requests);
                    if n != 0 {
                        *s.weekly.entry(r.key.week).or_default() += n;
                    }
                }
                Some(v) => s.vendors.entry(v.clone()).or_default().add_all(&r.figures),
            }
        }
        s.vendors.retain(|_, f| !f.is_empty());
        s.weekly.retain(|_, n| *n != 0);
        s
    }

    /// The same figures from the reference computation, its exact durations put in the
    /// buckets: what the projection must equal.
    pub fn from_reference(m: &Metrics) -> Summary {
        let mut s = Summary::default();
        let c = |f: &mut Figures, count: Count, n: usize| {
            f.add(Field::Count(count), i64::try_from(n).unwrap_or(i64::MAX));
        };
        c(&mut s.whole, Count::Requests, m.work_orders);
        c(&mut s.whole, Count::Appointments, m.appointments);
        c(&mut s.whole, Count::NoShows, m.no_shows);
        c(&mut s.whole, Count::Completed, m.completed);
        c(&mut s.whole, Count::FirstTimeFixes, m.first_time_fixes);
        for (t, values) in [
            (Timing::ToAssign, &m.to_assign),
            (Timing::ToSchedule, &m.to_schedule),
            (Timing::ToComplete, &m.to_complete),
        ] {
            for v in values {
                s.whole.add(Field::Bucket(t, bucket_of(*v)), 1);
            }
        }
        for (v, st) in &m.vendors {
            let f = s.vendors.entry(v.clone()).or_default();
            c(f, Count::OffersEnded, st.offers_ended);
            c(f, Count::Accepted, st.accepted);
            c(f, Count::Declined, st.declined);
            c(f, Count::Lapsed, st.lapsed);
            c(f, Count::Appointments, st.appointments);
            c(f, Count::NoShows, st.no_shows);
            c(f, Count::Completed, st.completed);
            c(f, Count::FirstTimeFixes, st.first_time_fixes);
            for secs in &st.accept_secs {
                f.add(Field::Bucket(Timing::ToAccept, bucket_of(*secs)), 1);
            }
        }
        s.vendors.retain(|_, f| !f.is_empty());
        for (w, n) in &m.weekly {
            s.weekly.insert(*w, i64::try_from(*n).unwrap_or(i64::MAX));
        }
        s.weekly.retain(|_, n| *n != 0);
        s
    }

    pub fn count(&self, c: Count) -> i64 {
        self.whole.count(c)
    }
}
