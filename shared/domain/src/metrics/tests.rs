//! Given/when/then tests of the projection's deltas, against the reference computation.

use super::reference::Metrics;
use super::*;
use crate::decide::{Recorded, evolve, start};
use crate::{Actor, Contact, Event, JobCode, NewWorkOrder, Source, Window, WorkOrderId};
use chrono::TimeZone;

fn t0() -> DateTime<Utc> {
    // A Wednesday: its week starts on Monday 2 March 2026.
    Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap()
}

fn mins(m: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(m)
}

fn pat() -> VendorId {
    VendorId("pat".into())
}
fn dana() -> VendorId {
    VendorId("dana".into())
}

fn submitted() -> Event {
    Event::Submitted {
        id: WorkOrderId("wo-m1".into()),
        code: JobCode::from_seed([1, 2, 3, 4]),
        request: NewWorkOrder {
            property: PropertyId("maple".into()),
            unit: "2A".into(),
            tenant: Contact {
                name: "T".into(),
                email: None,
                phone: None,
            },
            description: "leak".into(),
            category: None,
            emergency: false,
            permission_to_enter: true,
            pets: None,
            access_notes: None,
            photos: vec![],
            availability: vec![],
            source: Source::Tenant,
            language: crate::Language::En,
        },
    }
}

/// A work order and its timeline, built commit by commit: each inner list is one commit's
/// events at one time. Returns the deltas of every commit too.
struct Story {
    wo: WorkOrder,
    timeline: Vec<Recorded>,
    rows: BTreeMap<MetricKey, Figures>,
    last: Vec<MetricRow>,
}

impl Story {
    fn new() -> Story {
        let e = submitted();
        let wo = start(&e, t0()).unwrap();
        let last = deltas(None, &wo);
        let mut rows = BTreeMap::new();
        accumulate(&mut rows, &last);
        Story {
            wo,
            timeline: vec![Recorded { at: t0(), event: e }],
            rows,
            last,
        }
    }
    fn commit(&mut self, at: DateTime<Utc>, events: Vec<Event>) -> &mut Story {
        let before = self.wo.clone();
        for e in events {
            self.wo = evolve(self.wo.clone(), &e, at);
            self.timeline.push(Recorded { at, event: e });
        }
        self.last = deltas(Some(&before), &self.wo);
        accumulate(&mut self.rows, &self.last);
        self
    }
    fn whole(&self) -> Figures {
        self.rows
            .iter()
            .filter(|(k, _)| k.vendor.is_none())
            .map(|(_, f)| f.clone())
            .next()
            .unwrap_or_default()
    }
    fn vendor(&self, v: &VendorId) -> Figures {
        self.rows
            .iter()
            .filter(|(k, _)| k.vendor.as_ref() == Some(v))
            .map(|(_, f)| f.clone())
            .next()
            .unwrap_or_default()
    }
    /// The reference's figures for this work order, seen at its last event.
    fn reference(&self) -> Summary {
        let mut m = Metrics::default();
        m.add(&self.wo, &self.timeline, self.wo.updated_at);
        Summary::from_reference(&m)
    }
    fn projected(&self) -> Summary {
        let rows: Vec<MetricRow> = self
            .rows
            .iter()
            .map(|(key, figures)| MetricRow {
                key: key.clone(),
                figures: figures.clone(),
            })
            .collect();
        Summary::from_rows(&rows)
    }
}

fn window(from_min: i64, hours: i64) -> Window {
    Window::new(mins(from_min), mins(from_min) + Duration::hours(hours)).unwrap()
}

fn offered(v: VendorId) -> Event {
    Event::Offered {
        vendor: v,
        expires_at: mins(1000),
    }
}

#[test]
fn a_new_work_order_counts_one_request_in_the_week_it_was_created() {
    // Given a request made on a Wednesday
    let s = Story::new();
    // Then its creation writes one row: its property, no vendor, the Monday of that week
    assert_eq!(s.last.len(), 1);
    let row = &s.last[0];
    assert_eq!(
        row.key.week,
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        "{}",
        row.key
    );
    assert_eq!(row.key.property.as_str(), "maple");
    assert_eq!(row.key.vendor, None);
    assert_eq!(row.figures.count(Count::Requests), 1);
    assert_eq!(row.figures.iter().count(), 1);
}

#[test]
fn time_to_assign_is_counted_once_from_the_first_acceptance() {
    // Given an offer accepted 30 minutes after the request
    let mut s = Story::new();
    s.commit(mins(10), vec![offered(pat())]);
    s.commit(mins(30), vec![Event::Accepted { vendor: pat() }]);
    // Then time to assign is one value in the 30–45 minute bucket, and Pat's acceptance
    // took 20 minutes
    let h = s.whole().histogram(Timing::ToAssign);
    assert_eq!(h.total(), 1);
    assert_eq!(h.counts[bucket_of(30 * 60)], 1);
    let p = s.vendor(&pat());
    assert_eq!(p.count(Count::Accepted), 1);
    assert_eq!(p.count(Count::OffersEnded), 1);
    assert_eq!(p.histogram(Timing::ToAccept).counts[bucket_of(20 * 60)], 1);
    // When the job is taken from Pat and assigned to Dana by the team
    s.commit(
        mins(90),
        vec![
            Event::Unassigned { vendor: pat() },
            Event::Assigned {
                vendor: dana(),
                by: Actor::Pm("team".into()),
            },
        ],
    );
    // Then nothing about the time to assign changes: it was fixed by the first acceptance
    assert!(s.last.is_empty(), "{:?}", s.last);
    assert_eq!(s.projected(), s.reference());
}

#[test]
fn a_commit_that_changes_no_figure_writes_no_row() {
    // Given a scheduled job
    let mut s = Story::new();
    s.commit(mins(10), vec![offered(pat())]);
    s.commit(mins(20), vec![Event::Accepted { vendor: pat() }]);
    s.commit(
        mins(30),
        vec![Event::Scheduled {
            window: window(3000, 2),
            by: Actor::Vendor(pat()),
        }],
    );
    // When a reminder goes out before the appointment
    s.commit(
        mins(1000),
        vec![Event::Reminded {
            which: crate::TimerKind::ReminderDayBefore,
        }],
    );
    // Then the commit has no metric delta
    assert!(s.last.is_empty(), "{:?}", s.last);
}

#[test]
fn an_appointment_nobody_came_to_counts_at_the_next_event_after_its_end_and_an_arrival_takes_it_back()
 {
    // Given a job scheduled for 10:00–12:00 two days later
    let mut s = Story::new();
    s.commit(mins(10), vec![offered(pat())]);
    s.commit(mins(20), vec![Event::Accepted { vendor: pat() }]);
    s.commit(
        mins(30),
        vec![Event::Scheduled {
            window: window(2880, 2),
            by: Actor::Vendor(pat()),
        }],
    );
    assert_eq!(s.whole().count(Count::Appointments), 0);
    // When the outcome question goes out an hour after the end, nobody having arrived
    s.commit(mins(2880 + 180), vec![Event::OutcomeAsked { n: 1 }]);
    // Then it counts as an appointment and a no-show, for the work order and for Pat
    assert_eq!(s.whole().count(Count::Appointments), 1);
    assert_eq!(s.whole().count(Count::NoShows), 1);
    assert_eq!(s.vendor(&pat()).count(Count::NoShows), 1);
    assert_eq!(s.projected(), s.reference());
    // When Pat then reports the job done (he was there after all)
    s.commit(
        mins(2880 + 200),
        vec![Event::Completed {
            notes: None,
            photos: vec![],
        }],
    );
    // Then the no-show is taken back (a negative delta), the appointment stays, the fix is
    // a first-time fix, all as the reference sees it
    let no_show_delta: i64 = s.last.iter().map(|r| r.figures.count(Count::NoShows)).sum();
    assert_eq!(
        no_show_delta, -2,
        "the work order's and Pat's: {:?}",
        s.last
    );
    assert_eq!(s.whole().count(Count::NoShows), 0);
    assert_eq!(s.whole().count(Count::Appointments), 1);
    assert_eq!(s.whole().count(Count::FirstTimeFixes), 1);
    assert_eq!(s.vendor(&pat()).count(Count::Completed), 1);
    assert_eq!(s.projected(), s.reference());
}

#[test]
fn a_not_done_visit_means_no_first_time_fix_and_a_moved_appointment_does_not_count() {
    // Given a job scheduled, moved before its time, then reported not done, then done
    let mut s = Story::new();
    s.commit(mins(10), vec![offered(pat())]);
    s.commit(
        mins(15),
        vec![Event::Declined {
            vendor: pat(),
            reason: None,
        }],
    );
    s.commit(mins(16), vec![offered(dana())]);
    s.commit(mins(200), vec![Event::OfferLapsed { vendor: dana() }]);
    s.commit(
        mins(210),
        vec![Event::Assigned {
            vendor: dana(),
            by: Actor::Pm("team".into()),
        }],
    );
    s.commit(
        mins(220),
        vec![Event::Scheduled {
            window: window(3000, 2),
            by: Actor::Vendor(dana()),
        }],
    );
    s.commit(
        mins(400),
        vec![Event::Unscheduled {
            reason: crate::unscheduled::Reason::VendorProposed,
        }],
    );
    s.commit(
        mins(410),
        vec![Event::Scheduled {
            window: window(4000, 2),
            by: Actor::Vendor(dana()),
        }],
    );
    s.commit(
        mins(4000),
        vec![Event::Arrived {
            by: Actor::Vendor(dana()),
        }],
    );
    s.commit(mins(4100), vec![Event::NotDone { reason: None }]);
    s.commit(
        mins(4200),
        vec![Event::Scheduled {
            window: window(6000, 2),
            by: Actor::Vendor(dana()),
        }],
    );
    s.commit(
        mins(6030),
        vec![Event::Completed {
            notes: None,
            photos: vec![],
        }],
    );
    // Then: Pat declined, Dana lapsed, two appointments kept (the moved one not), no
    // no-show, one completion that was not a first-time fix — exactly the reference
    let p = s.vendor(&pat());
    assert_eq!(
        (p.count(Count::OffersEnded), p.count(Count::Declined)),
        (1, 1)
    );
    let d = s.vendor(&dana());
    assert_eq!(
        (d.count(Count::Lapsed), d.count(Count::Appointments)),
        (1, 2)
    );
    assert_eq!(s.whole().count(Count::Appointments), 2);
    assert_eq!(s.whole().count(Count::NoShows), 0);
    assert_eq!(s.whole().count(Count::Completed), 1);
    assert_eq!(s.whole().count(Count::FirstTimeFixes), 0);
    assert_eq!(s.projected(), s.reference());
}

#[test]
fn the_deltas_of_a_commit_depend_only_on_the_work_order_before_and_after_it() {
    // Given the same transition decided twice (a retry after a conflict re-reads the same
    // stored work order)
    let mut a = Story::new();
    a.commit(mins(10), vec![offered(pat())]);
    let before = a.wo.clone();
    a.commit(mins(30), vec![Event::Accepted { vendor: pat() }]);
    // Then its deltas are the same each time, and none at all against itself
    assert_eq!(deltas(Some(&before), &a.wo), a.last);
    assert!(deltas(Some(&a.wo), &a.wo).is_empty());
}

#[test]
fn a_work_order_stored_before_the_projection_contributes_nothing_until_rebuilt() {
    // Given a work order without marks (stored by an older build)
    let mut s = Story::new();
    s.wo.metrics = None;
    // When it is accepted
    s.commit(mins(10), vec![offered(pat())]);
    s.commit(mins(30), vec![Event::Accepted { vendor: pat() }]);
    // Then no row moves (its history is counted only by a rebuild from its timeline)
    assert!(s.last.is_empty());
    let rebuilt = crate::decide::replay(&s.timeline).unwrap();
    assert_eq!(
        contribution(&rebuilt)
            .values()
            .map(|f| f.count(Count::Accepted))
            .sum::<i64>(),
        1
    );
}

#[test]
fn every_field_name_reads_back_as_its_field() {
    for c in Count::ALL {
        assert_eq!(Field::parse(&Field::Count(c).name()), Some(Field::Count(c)));
    }
    for t in Timing::ALL {
        for b in 0..BUCKETS {
            let f = Field::Bucket(t, b);
            assert_eq!(Field::parse(&f.name()), Some(f));
        }
    }
    assert_eq!(Field::parse("to_assign_99"), None);
    assert_eq!(Field::parse("to_assign_1"), None);
    assert_eq!(Field::parse("nonsense"), None);
}

#[test]
fn a_period_is_the_whole_weeks_that_hold_it() {
    let w = Weeks::covering(t0() - Duration::days(7), t0());
    assert_eq!(w.first, NaiveDate::from_ymd_opt(2026, 2, 23).unwrap());
    assert_eq!(w.last, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    assert_eq!(w.mondays().len(), 2);
}
