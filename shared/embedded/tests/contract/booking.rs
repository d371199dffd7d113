//! The contract of a vendor's calendar in the store: a commit that books a vendor's time is
//! refused, atomically, when another work order booked an overlapping time since `decide`
//! looked; releasing a booking (reschedule, cancel, close) frees the time.

use super::*;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// Runs every future at once on this task (each store call that waits lets the others on),
/// and returns their results in order.
pub async fn all_at_once<'f, T>(
    futures: Vec<Pin<Box<dyn Future<Output = T> + Send + 'f>>>,
) -> Vec<T> {
    let mut running: Vec<Option<Pin<Box<dyn Future<Output = T> + Send + 'f>>>> =
        futures.into_iter().map(Some).collect();
    let mut out: Vec<Option<T>> = running.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, slot) in running.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => {
                        out[i] = Some(v);
                        *slot = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|v| v.unwrap()).collect()
}

/// A work order of a fresh property accepted by `vendor` and committed.
async fn accepted(s: &dyn Store, property: &PropertyId, vendor: &VendorId) -> Wo {
    let w = Wo::submit(property, None, t0()).then(
        Event::Accepted {
            vendor: vendor.clone(),
        },
        t0(),
    );
    commit_ok(s, w, 0).await
}

fn scheduled(w: Wo, vendor: &VendorId, slot: Window) -> Wo {
    w.then(
        Event::Scheduled {
            window: slot,
            by: Actor::Vendor(vendor.clone()),
        },
        t0() + mins(1),
    )
}

/// Ten work orders of one vendor pick overlapping slots at the same moment, each commit
/// expecting its own work order's current version (as ten steps that each read the vendor
/// free would): exactly one is booked, the nine others are conflicts that wrote nothing.
pub async fn concurrent_picks_of_overlapping_slots_for_one_vendor_book_exactly_one(s: &dyn Store) {
    const N: usize = 10;
    let p = PropertyId(unique("prop-"));
    let v = VendorId(unique("vendor-"));
    let mut wos = vec![];
    for _ in 0..N {
        wos.push(accepted(s, &p, &v).await);
    }
    // Each slot overlaps every other (all contain t0 + 26 h, they start 10 minutes apart).
    let picks: Vec<Wo> = wos
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let start = t0() + Duration::hours(24) + mins(10 * i as i64);
            scheduled(w.clone(), &v, window(start, 120))
        })
        .collect();
    let commits = picks
        .iter()
        .map(|w| {
            let c = w.commit(1, None);
            Box::pin(async move { s.commit(c).await })
                as Pin<Box<dyn Future<Output = Result<(), CommitError>> + Send + '_>>
        })
        .collect();
    let results = all_at_once(commits).await;
    let won: Vec<usize> = (0..N).filter(|i| results[*i].is_ok()).collect();
    assert_eq!(won.len(), 1, "exactly one booking: {results:?}");
    for (i, r) in results.iter().enumerate().filter(|(i, _)| *i != won[0]) {
        assert!(
            matches!(r, Err(CommitError::Conflict(_))),
            "pick {i}: {r:?}"
        );
        let st = stored(s, &wos[i].id()).await;
        assert_eq!(st.version, wos[i].version, "the loser {i} wrote nothing");
        assert_eq!(st.wo.appointment, None);
    }
    let booked = s.vendor_appointments(&v).await.unwrap();
    assert_eq!(booked.len(), 1, "{booked:?}");
    assert_eq!(booked[0].0, wos[won[0]].id());
}

/// A commit that books a time the vendor holds on another work order is a conflict even
/// when it comes long after (the stale read of a step that decided before the booking).
pub async fn a_booking_over_another_work_orders_booking_is_a_conflict_until_it_is_released(
    s: &dyn Store,
) {
    let p = PropertyId(unique("prop-"));
    let v = VendorId(unique("vendor-"));
    let slot = window(t0() + Duration::hours(48), 120);
    let first = accepted(s, &p, &v).await;
    let second = accepted(s, &p, &v).await;
    let first = commit_ok(s, scheduled(first, &v, slot), 0).await;

    let late = scheduled(second.clone(), &v, window(slot.start + mins(60), 60));
    let err = s.commit(late.commit(0, None)).await.unwrap_err();
    assert!(
        matches!(&err, CommitError::Conflict(id) if id == &second.id()),
        "{err:?}"
    );
    // Back to back is no overlap.
    let after = scheduled(second.clone(), &v, window(slot.end, 60));
    let second_booked = commit_ok(s, after, 0).await;

    // Another vendor's calendar is another calendar.
    let w = VendorId(unique("vendor-"));
    let other = accepted(s, &p, &w).await;
    commit_ok(s, scheduled(other, &w, slot), 0).await;

    // The first is rescheduled: its time is free again, and the second may move there.
    let first = commit_ok(
        s,
        first.then(
            Event::Unscheduled {
                reason: mendwork_domain::unscheduled::Reason::AskedToReschedule {
                    by: Actor::Tenant,
                    window: None,
                },
            },
            t0() + mins(2),
        ),
        0,
    )
    .await;
    let moved = second_booked
        .then(
            Event::Unscheduled {
                reason: mendwork_domain::unscheduled::Reason::VendorProposed,
            },
            t0() + mins(3),
        )
        .then(
            Event::Scheduled {
                window: slot,
                by: Actor::Tenant,
            },
            t0() + mins(3),
        );
    let moved = commit_ok(s, moved, 0).await;
    // Now the first cannot take its old time back...
    let back = scheduled(first.clone(), &v, slot);
    assert!(matches!(
        s.commit(back.commit(0, None)).await,
        Err(CommitError::Conflict(_))
    ));
    // ...until the second is cancelled (or closed), which frees it.
    commit_ok(
        s,
        moved.then(
            Event::Cancelled {
                by: Actor::Tenant,
                reason: None,
            },
            t0() + mins(4),
        ),
        0,
    )
    .await;
    commit_ok(s, scheduled(first.clone(), &v, slot), 0).await;
    assert_eq!(
        s.vendor_appointments(&v).await.unwrap(),
        [(first.id(), slot)]
    );
}
