//! The metrics projection: counters and fixed-bucket histograms per property × vendor × week,
//! kept with every transition, so the metrics page reads O(weeks × vendors) rows and never a
//! timeline (DESIGN §4).
//!
//! - A row is keyed by the **week the work order was created in** (the Monday of its UTC
//!   week), its property, and a vendor — or no vendor for the work order's own figures
//!   (requests, times to assign, schedule and complete, appointments, no-shows, completions).
//!   So every figure of a work order lands in the week it was requested, and the page's
//!   period ("work orders created in the last N days") is a range of weeks: whole weeks, from
//!   the Monday of the week N days ago.
//! - Each work order carries what it has contributed so far ([`Marks`], moved on by
//!   `evolve`); a commit's deltas are its contribution after the commit less its contribution
//!   before ([`deltas`]), written in the commit's own transaction. Summing every row gives the
//!   sum of the work orders' contributions ([`contribution`]), however the commits fell.
//! - The figures are those of [`reference`] (the computation from timelines the page used
//!   before), with one documented difference: an appointment still open counts once its work
//!   order has an event at or after its end, not at page time (see [`Marks`]).

pub mod histogram;
pub mod marks;
pub mod reference;
pub mod summary;

pub use histogram::{BUCKETS, Histogram, bucket_of};
pub use marks::Marks;
pub use summary::Summary;

use crate::{PropertyId, VendorId, WorkOrder};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::collections::BTreeMap;
use std::fmt;

/// A counter of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Count {
    /// Work orders created (the work order's own row).
    Requests,
    /// Appointments over (see [`Marks`]).
    Appointments,
    NoShows,
    /// Work orders completed (once each), and those with no `not_done` before.
    Completed,
    FirstTimeFixes,
    /// A vendor's offers that ended (accepted, declined or lapsed), by how they ended.
    OffersEnded,
    Accepted,
    Declined,
    Lapsed,
}

impl Count {
    pub const ALL: [Count; 9] = [
        Count::Requests,
        Count::Appointments,
        Count::NoShows,
        Count::Completed,
        Count::FirstTimeFixes,
        Count::OffersEnded,
        Count::Accepted,
        Count::Declined,
        Count::Lapsed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Count::Requests => "requests",
            Count::Appointments => "appointments",
            Count::NoShows => "no_shows",
            Count::Completed => "completed",
            Count::FirstTimeFixes => "first_time_fixes",
            Count::OffersEnded => "offers_ended",
            Count::Accepted => "accepted",
            Count::Declined => "declined",
            Count::Lapsed => "lapsed",
        }
    }
}

/// A duration measured into a histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timing {
    /// From the request to the first acceptance or assignment (the work order's own row).
    ToAssign,
    /// From the request to the first appointment.
    ToSchedule,
    /// From the request to the completion.
    ToComplete,
    /// From an offer to its acceptance (the vendor's row).
    ToAccept,
}

impl Timing {
    pub const ALL: [Timing; 4] = [
        Timing::ToAssign,
        Timing::ToSchedule,
        Timing::ToComplete,
        Timing::ToAccept,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Timing::ToAssign => "to_assign",
            Timing::ToSchedule => "to_schedule",
            Timing::ToComplete => "to_complete",
            Timing::ToAccept => "to_accept",
        }
    }
}

/// One number of a row: a counter, or one bucket of a histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Count(Count),
    Bucket(Timing, usize),
}

impl Field {
    /// The stored name (a SQLite value, a DynamoDB attribute name): `requests`,
    /// `to_assign_07`. Lowercase letters, digits and `_` only.
    pub fn name(self) -> String {
        match self {
            Field::Count(c) => c.as_str().to_string(),
            Field::Bucket(t, b) => format!("{}_{b:02}", t.as_str()),
        }
    }

    /// The field a stored name stands for; `None` for a name this build does not know.
    pub fn parse(name: &str) -> Option<Field> {
        if let Some(c) = Count::ALL.into_iter().find(|c| c.as_str() == name) {
            return Some(Field::Count(c));
        }
        let (timing, bucket) = name.rsplit_once('_')?;
        let t = Timing::ALL.into_iter().find(|t| t.as_str() == timing)?;
        let b: usize = bucket.parse().ok()?;
        (bucket.len() == 2 && b < BUCKETS).then_some(Field::Bucket(t, b))
    }
}

/// The numbers of one row (or of a delta to one, or of a sum of rows): zero fields are not
/// kept, so two figures are equal when they hold the same numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures(BTreeMap<Field, i64>);

impl Figures {
    pub fn add(&mut self, field: Field, n: i64) {
        if n == 0 {
            return;
        }
        let v = self.0.entry(field).or_default();
        *v += n;
        if *v == 0 {
            self.0.remove(&field);
        }
    }
    pub fn add_all(&mut self, other: &Figures) {
        for (f, n) in &other.0 {
            self.add(*f, *n);
        }
    }
    pub fn subtract(&mut self, other: &Figures) {
        for (f, n) in &other.0 {
            self.add(*f, -*n);
        }
    }
    pub fn get(&self, field: Field) -> i64 {
        self.0.get(&field).copied().unwrap_or(0)
    }
    pub fn count(&self, c: Count) -> i64 {
        self.get(Field::Count(c))
    }
    pub fn histogram(&self, t: Timing) -> Histogram {
        let mut h = Histogram::default();
        for b in 0..BUCKETS {
            h.add(b, self.get(Field::Bucket(t, b)));
        }
        h
    }
    /// Adds one duration (seconds) to a histogram.
    pub fn time(&mut self, t: Timing, secs: i64) {
        self.add(Field::Bucket(t, bucket_of(secs)), 1);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The non-zero fields.
    pub fn iter(&self) -> impl Iterator<Item = (Field, i64)> + '_ {
        self.0.iter().map(|(f, n)| (*f, *n))
    }
}

/// The Monday (UTC) of the week `t` falls in: the week a work order's figures are kept under.
pub fn week_of(t: DateTime<Utc>) -> NaiveDate {
    let d = t.date_naive();
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Which row: a week (its Monday), a property, and a vendor or none (the work order's own
/// figures).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricKey {
    pub week: NaiveDate,
    pub property: PropertyId,
    pub vendor: Option<VendorId>,
}

impl fmt::Display for MetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.week,
            self.property,
            self.vendor.as_ref().map_or("-", VendorId::as_str)
        )
    }
}

/// A row of the projection as stored, or a delta to one (then its numbers may be negative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricRow {
    pub key: MetricKey,
    pub figures: Figures,
}

/// Which weeks a read covers: from the week of `first` to the week of `last`, both Mondays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weeks {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Weeks {
    /// The whole weeks that hold the work orders created from `since` to `now`.
    pub fn covering(since: DateTime<Utc>, now: DateTime<Utc>) -> Weeks {
        Weeks {
            first: week_of(since),
            last: week_of(now.max(since)),
        }
    }
    /// Every Monday of the range, oldest first.
    pub fn mondays(&self) -> Vec<NaiveDate> {
        let mut out = vec![];
        let mut d = self.first;
        while d <= self.last {
            out.push(d);
            d += Duration::days(7);
        }
        out
    }
    pub fn contains(&self, week: NaiveDate) -> bool {
        self.first <= week && week <= self.last
    }
}

/// Everything a work order has contributed to the projection, by row (none for a work order
/// stored before the projection existed and not rebuilt: `metrics` is `None`).
pub fn contribution(wo: &WorkOrder) -> BTreeMap<MetricKey, Figures> {
    let mut out: BTreeMap<MetricKey, Figures> = BTreeMap::new();
    let Some(m) = &wo.metrics else {
        return out;
    };
    let key = |vendor: Option<&VendorId>| MetricKey {
        week: week_of(wo.created_at),
        property: wo.request.property.clone(),
        vendor: vendor.cloned(),
    };
    let mut own = Figures::default();
    own.add(Field::Count(Count::Requests), 1);
    for (t, v) in [
        (Timing::ToAssign, m.to_assign),
        (Timing::ToSchedule, m.to_schedule),
        (Timing::ToComplete, m.to_complete),
    ] {
        if let Some(secs) = v {
            own.time(t, secs);
        }
    }
    let open = m.open_counts();
    let open_no_show = open.is_some_and(|a| !a.arrived);
    own.add(
        Field::Count(Count::Appointments),
        i64::from(m.appointments) + i64::from(open.is_some()),
    );
    own.add(
        Field::Count(Count::NoShows),
        i64::from(m.no_shows) + i64::from(open_no_show),
    );
    if let Some(c) = &m.completion {
        own.add(Field::Count(Count::Completed), 1);
        own.add(
            Field::Count(Count::FirstTimeFixes),
            i64::from(c.first_time_fix),
        );
    }
    out.insert(key(None), own);
    for (v, t) in &m.vendors {
        let f = out.entry(key(Some(v))).or_default();
        f.add(Field::Count(Count::OffersEnded), i64::from(t.offers_ended));
        f.add(Field::Count(Count::Accepted), i64::from(t.accepted));
        f.add(Field::Count(Count::Declined), i64::from(t.declined));
        f.add(Field::Count(Count::Lapsed), i64::from(t.lapsed));
        for s in &t.accept_secs {
            f.time(Timing::ToAccept, *s);
        }
        f.add(Field::Count(Count::Appointments), i64::from(t.appointments));
        f.add(Field::Count(Count::NoShows), i64::from(t.no_shows));
    }
    if let Some(a) = open
        && let Some(v) = &a.vendor
    {
        let f = out.entry(key(Some(v))).or_default();
        f.add(Field::Count(Count::Appointments), 1);
        f.add(Field::Count(Count::NoShows), i64::from(!a.arrived));
    }
    if let Some(c) = &m.completion
        && let Some(v) = &c.vendor
    {
        let f = out.entry(key(Some(v))).or_default();
        f.add(Field::Count(Count::Completed), 1);
        f.add(
            Field::Count(Count::FirstTimeFixes),
            i64::from(c.first_time_fix),
        );
    }
    out.retain(|_, f| !f.is_empty());
    out
}

/// What a commit adds to the projection: the work order's contribution after it less the one
/// before it (`None`: the commit creates the work order). Rows whose numbers do not change are
/// left out, so most commits (a reminder, a message) write no metric row at all.
pub fn deltas(before: Option<&WorkOrder>, after: &WorkOrder) -> Vec<MetricRow> {
    let mut rows = contribution(after);
    if let Some(b) = before {
        for (k, f) in contribution(b) {
            rows.entry(k).or_default().subtract(&f);
        }
    }
    rows.into_iter()
        .filter(|(_, f)| !f.is_empty())
        .map(|(key, figures)| MetricRow { key, figures })
        .collect()
}

/// Adds `rows` into `into`, row by row (how a store's rows are the sum of the deltas).
pub fn accumulate(into: &mut BTreeMap<MetricKey, Figures>, rows: &[MetricRow]) {
    for r in rows {
        into.entry(r.key.clone()).or_default().add_all(&r.figures);
    }
    into.retain(|_, f| !f.is_empty());
}

#[cfg(test)]
mod tests;
