//! The contract of the metrics projection: the rows a store reads back for a range of weeks
//! are the sum of the metric deltas its commits carried — added in the commit, every row
//! created as needed, negative deltas taken off — and a refused commit adds nothing.

// Test binaries that include the contract without running these would call them dead.
#![allow(dead_code)]

use super::*;
use mendwork_app::metrics::MetricsProjection;
use mendwork_domain::metrics::{
    Count, Figures, MetricKey, MetricRow, Timing, Weeks, accumulate, contribution, week_of,
};
use std::collections::BTreeMap;

/// A short history of three work orders of `property` and two vendors, committed step by step
/// (the deltas of each commit are the domain's): one fixed at the first visit, one declined,
/// one whose vendor did not come and then reported the job not done. Returns the work orders
/// as stored at the end.
pub async fn short_history<S: WorkOrders + ?Sized>(s: &S, property: &PropertyId) -> Vec<Wo> {
    short_history_with(s, property, true).await
}

/// [`short_history`], the work orders `tracked` by the projection — or not, as an older build
/// wrote them (no marks, no metric deltas).
pub async fn short_history_with<S: WorkOrders + ?Sized>(
    s: &S,
    property: &PropertyId,
    tracked: bool,
) -> Vec<Wo> {
    let submit = |at| {
        let mut w = Wo::submit(property, None, at);
        if !tracked {
            w.wo.metrics = None;
        }
        w
    };
    let pat = VendorId(format!("{}-pat", property.as_str()));
    let dana = VendorId(format!("{}-dana", property.as_str()));
    let at = t0();
    let step = |w: Wo, e: Event, m: i64| w.then(e, at + mins(m));
    let mut done = vec![];

    // Fixed at the first visit, 30 minutes to accept.
    let mut w = submit(at);
    w = commit(s, w).await;
    for (e, m) in [
        (
            Event::Offered {
                vendor: pat.clone(),
                expires_at: at + mins(120),
            },
            10,
        ),
        (
            Event::Accepted {
                vendor: pat.clone(),
            },
            40,
        ),
        (
            Event::Scheduled {
                window: window(at + mins(2880), 120),
                by: Actor::Vendor(pat.clone()),
            },
            60,
        ),
        (
            Event::Arrived {
                by: Actor::Vendor(pat.clone()),
            },
            2890,
        ),
        (
            Event::Completed {
                notes: None,
                photos: vec![],
            },
            2950,
        ),
    ] {
        w = commit(s, step(w, e, m)).await;
    }
    done.push(w);

    // Declined by Pat, then nobody.
    let mut w = submit(at + mins(5));
    w = commit(s, w).await;
    w = commit(
        s,
        step(
            w,
            Event::Offered {
                vendor: pat.clone(),
                expires_at: at + mins(200),
            },
            15,
        ),
    )
    .await;
    w = commit(
        s,
        step(
            w,
            Event::Declined {
                vendor: pat.clone(),
                reason: None,
            },
            25,
        ),
    )
    .await;
    done.push(w);

    // Dana did not come (counted when the outcome is asked), then reported it not done.
    let mut w = submit(at + mins(7));
    w = commit(s, w).await;
    for (e, m) in [
        (
            Event::Assigned {
                vendor: dana.clone(),
                by: Actor::Pm("team".into()),
            },
            20,
        ),
        (
            Event::Scheduled {
                window: window(at + mins(1440), 60),
                by: Actor::Vendor(dana.clone()),
            },
            30,
        ),
        (Event::OutcomeAsked { n: 1 }, 1560),
        (Event::NotDone { reason: None }, 1600),
    ] {
        w = commit(s, step(w, e, m)).await;
    }
    done.push(w);
    done
}

async fn commit<S: WorkOrders + ?Sized>(s: &S, w: Wo) -> Wo {
    s.commit(w.commit(0, None)).await.unwrap();
    w.committed()
}

/// The rows of `property` in the weeks of the short history.
pub async fn rows_of<S: MetricsProjection + ?Sized>(
    s: &S,
    property: &PropertyId,
) -> BTreeMap<MetricKey, Figures> {
    let weeks = Weeks::covering(t0(), t0() + mins(3000));
    let rows = s.read(&weeks).await.unwrap();
    let mut out = BTreeMap::new();
    let mine: Vec<MetricRow> = rows
        .into_iter()
        .filter(|r| &r.key.property == property)
        .collect();
    accumulate(&mut out, &mine);
    out
}

pub async fn the_projection_is_the_sum_of_the_commits_deltas<S>(s: &S)
where
    S: WorkOrders + MetricsProjection,
{
    // Given a short history committed step by step
    let property = PropertyId(unique("metrics-"));
    let history = short_history(s, &property).await;
    // When the weeks it lies in are read
    let rows = rows_of(s, &property).await;
    // Then they are the sum of the work orders' contributions
    let mut expected = BTreeMap::new();
    for w in &history {
        let c: Vec<MetricRow> = contribution(&w.wo)
            .into_iter()
            .map(|(key, figures)| MetricRow { key, figures })
            .collect();
        accumulate(&mut expected, &c);
    }
    assert_eq!(rows, expected);
    // And they say what happened: three requests in one week, one no-show (Dana), one
    // first-time fix (Pat), Pat's acceptance in the 30–45 minute bucket
    let own = &rows[&MetricKey {
        week: week_of(t0()),
        property: property.clone(),
        vendor: None,
    }];
    assert_eq!(own.count(Count::Requests), 3);
    assert_eq!(own.count(Count::Appointments), 2);
    assert_eq!(own.count(Count::NoShows), 1);
    assert_eq!(own.count(Count::FirstTimeFixes), 1);
    let pat = &rows[&MetricKey {
        week: week_of(t0()),
        property: property.clone(),
        vendor: Some(VendorId(format!("{}-pat", property.as_str()))),
    }];
    assert_eq!(pat.count(Count::OffersEnded), 2);
    assert_eq!(pat.count(Count::Declined), 1);
    assert_eq!(
        pat.histogram(Timing::ToAccept).counts[mendwork_domain::metrics::bucket_of(30 * 60)],
        1
    );
}

pub async fn a_refused_commit_adds_nothing_to_the_projection<S>(s: &S)
where
    S: WorkOrders + MetricsProjection,
{
    // Given a stored work order
    let property = PropertyId(unique("metrics-"));
    let w = commit(s, Wo::submit(&property, None, t0())).await;
    let before = rows_of(s, &property).await;
    // When a commit expecting a stale version (carrying deltas) is refused
    let mut stale = w
        .clone()
        .then(
            Event::Assigned {
                vendor: VendorId("v".into()),
                by: Actor::Pm("team".into()),
            },
            t0() + mins(5),
        )
        .commit(0, None);
    assert!(!stale.metrics.is_empty());
    stale.expected_version = 7;
    assert!(matches!(
        s.commit(stale).await,
        Err(CommitError::Conflict(_))
    ));
    // Then the rows are as they were
    assert_eq!(rows_of(s, &property).await, before);
}
