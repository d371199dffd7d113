//! The shared adapter contract (the same suite the SQLite adapters pass) against
//! `DynamoStore` and `SchedulerTimers` on moto.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../../embedded/tests/contract/mod.rs"]
mod contract;
mod support;

use async_trait::async_trait;
use contract::TimerProbe;
use mendwork_app::ports::{Lookups, TimerSpec};
use mendwork_aws::{DynamoStore, SchedulerTimers};
use support::MotoServer;

struct Probe<'a>(&'a SchedulerTimers);

#[async_trait]
impl TimerProbe for Probe<'_> {
    async fn pending(&self) -> Vec<TimerSpec> {
        self.0.pending().await.unwrap()
    }
}

async fn store(server: &MotoServer) -> DynamoStore {
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    DynamoStore::new(client, table)
}

async fn timers(server: &MotoServer) -> SchedulerTimers {
    let sdk = server.sdk().await;
    let (client, group) = support::schedule_group(&sdk).await;
    SchedulerTimers::new(client, support::targets(&group))
}

macro_rules! store_contract {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let Some(server) = MotoServer::shared(stringify!($name)) else { return };
            let s = store(&server).await;
            contract::$name(&s).await;
        }
    )*};
}

macro_rules! timer_contract {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let Some(server) = MotoServer::shared(stringify!($name)) else { return };
            let t = timers(&server).await;
            contract::$name(&t, &Probe(&t)).await;
        }
    )*};
}

store_contract!(
    a_stale_expected_version_is_a_conflict_and_writes_nothing,
    creating_a_work_order_that_exists_is_a_conflict,
    a_used_idempotency_key_is_a_duplicate_and_writes_nothing,
    timeline_and_outbox_are_committed_with_the_work_order,
    pending_outbox_is_oldest_first_and_done_records_leave_it,
    commit_outbox_writes_its_key_and_records_together,
    open_queries_find_work_orders_by_vendor_code_phone_and_status,
    visits_between_finds_overlapping_and_checked_in_visits_of_the_property,
    opt_outs_are_recorded_and_withdrawn,
    latest_for_tenant_phone_finds_open_and_closed_work_orders_newest_first,
    a_booking_over_another_work_orders_booking_is_a_conflict_until_it_is_released,
    paging_through_a_listing_yields_each_work_order_once_in_its_order,
    the_whole_portfolio_listings_page_through_every_work_order_once,
    work_orders_committed_between_pages_never_make_one_show_twice,
);

#[tokio::test]
async fn the_projection_is_the_sum_of_the_commits_deltas() {
    let Some(server) = MotoServer::shared("the_projection_is_the_sum_of_the_commits_deltas") else {
        return;
    };
    contract::metrics::the_projection_is_the_sum_of_the_commits_deltas(&store(&server).await).await;
}

#[tokio::test]
async fn a_refused_commit_adds_nothing_to_the_projection() {
    let Some(server) = MotoServer::shared("a_refused_commit_adds_nothing_to_the_projection") else {
        return;
    };
    contract::metrics::a_refused_commit_adds_nothing_to_the_projection(&store(&server).await).await;
}

#[tokio::test]
async fn a_history_from_before_the_projection_is_backfilled_once_from_its_timelines() {
    let Some(server) = MotoServer::shared(
        "a_history_from_before_the_projection_is_backfilled_once_from_its_timelines",
    ) else {
        return;
    };
    // Given a history an older build wrote to DynamoDB (no marks, no metric rows), and the
    // same history on SQLite as this build writes it
    let p = mendwork_domain::PropertyId(contract::unique("metrics-"));
    let dynamo = store(&server).await;
    contract::metrics::short_history_with(&dynamo, &p, false).await;
    assert!(contract::metrics::rows_of(&dynamo, &p).await.is_empty());
    let sqlite = mendwork_embedded::SqliteStore::open_in_memory().unwrap();
    contract::metrics::short_history(&sqlite, &p).await;
    let expected = contract::metrics::rows_of(&sqlite, &p).await;
    // When the backfill runs, twice
    assert_eq!(dynamo.backfill_metrics().await.unwrap(), 3);
    assert_eq!(dynamo.backfill_metrics().await.unwrap(), 0);
    // Then the rows are the ones this build's commits would have written, counted once
    assert_eq!(contract::metrics::rows_of(&dynamo, &p).await, expected);
}

#[tokio::test]
async fn the_aws_adapter_writes_the_same_metric_rows_as_sqlite_for_the_same_history() {
    let Some(server) = MotoServer::shared(
        "the_aws_adapter_writes_the_same_metric_rows_as_sqlite_for_the_same_history",
    ) else {
        return;
    };
    // Given the same short history committed to DynamoDB (moto) and to SQLite
    let p = mendwork_domain::PropertyId(contract::unique("metrics-"));
    let dynamo = store(&server).await;
    contract::metrics::short_history(&dynamo, &p).await;
    let sqlite = mendwork_embedded::SqliteStore::open_in_memory().unwrap();
    contract::metrics::short_history(&sqlite, &p).await;
    // Then both read back the same rows
    let from_dynamo = contract::metrics::rows_of(&dynamo, &p).await;
    assert!(!from_dynamo.is_empty());
    assert_eq!(from_dynamo, contract::metrics::rows_of(&sqlite, &p).await);
}

// `cancelling_a_missing_timer_is_fine` is left out: it reads a recurring occurrence's timer
// back by its name and cancels it, while on AWS a recurring template is ONE cron schedule
// (`mw-rec-<template>`, set from the portfolio, disarmed only by config reconciliation), so
// setting an occurrence arms the template and cancelling one is a no-op. That behaviour is
// tested in aws_moto.rs (`a_recurring_template_is_one_cron_schedule_in_its_zone` and the next).
timer_contract!(
    setting_a_timer_twice_keeps_one_timer,
    a_replaced_timer_has_a_new_name_and_the_old_one_is_cancelled,
);

/// The work-order half of `cancelling_a_missing_timer_is_fine`.
#[tokio::test]
async fn cancelling_a_missing_work_order_timer_is_fine() {
    let Some(server) = MotoServer::shared("cancelling_a_missing_work_order_timer_is_fine") else {
        return;
    };
    let t = timers(&server).await;
    let name = contract::unique("wo-nothing-");
    mendwork_app::ports::Timers::cancel(&t, &name)
        .await
        .unwrap();
    mendwork_app::ports::Timers::cancel(&t, &name)
        .await
        .unwrap();
    assert!(t.pending().await.unwrap().iter().all(|s| s.name != name));
}

/// The race on an unthreaded moto: moto's threaded server runs concurrent transactions
/// without isolation (a failed one restores the table as it copied it, erasing a winner's
/// writes), which DynamoDB never does. The steps still race here — all ten read the vendor's
/// calendar before any of them writes — only moto applies each transaction whole.
#[tokio::test]
async fn concurrent_picks_of_overlapping_slots_for_one_vendor_book_exactly_one() {
    let Some(server) = MotoServer::serialized(
        "concurrent_picks_of_overlapping_slots_for_one_vendor_book_exactly_one",
    ) else {
        return;
    };
    let s = store(&server).await;
    contract::concurrent_picks_of_overlapping_slots_for_one_vendor_book_exactly_one(&s).await;
}

/// The whole store contract on ONE table, as the functions share one in production: the rules
/// that tolerate a shared store must hold with each other's items around.
#[tokio::test]
async fn the_store_contract_holds_on_one_shared_table() {
    let Some(server) = MotoServer::shared("the_store_contract_holds_on_one_shared_table") else {
        return;
    };
    let s = store(&server).await;
    contract::a_stale_expected_version_is_a_conflict_and_writes_nothing(&s).await;
    contract::creating_a_work_order_that_exists_is_a_conflict(&s).await;
    contract::a_used_idempotency_key_is_a_duplicate_and_writes_nothing(&s).await;
    contract::timeline_and_outbox_are_committed_with_the_work_order(&s).await;
    contract::commit_outbox_writes_its_key_and_records_together(&s).await;
    contract::open_queries_find_work_orders_by_vendor_code_phone_and_status(&s).await;
    contract::visits_between_finds_overlapping_and_checked_in_visits_of_the_property(&s).await;
    contract::opt_outs_are_recorded_and_withdrawn(&s).await;
    contract::a_booking_over_another_work_orders_booking_is_a_conflict_until_it_is_released(&s)
        .await;
}

/// Beyond the shared contract: what only a store shared by many processes must get right.
mod dynamo_only {
    use super::*;
    use contract::{Wo, commit_ok, t0, unique};
    use mendwork_app::ports::{CommitError, WorkOrders};
    use mendwork_domain::{Actor, Event, PropertyId, VendorId};

    async fn lookup_items(s: &DynamoStore, pk: &str) -> usize {
        s.client()
            .query()
            .table_name(s.table())
            .key_condition_expression("pk = :p")
            .expression_attribute_values(
                ":p",
                aws_sdk_dynamodb::types::AttributeValue::S(pk.to_string()),
            )
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .count() as usize
    }

    #[tokio::test]
    async fn of_many_concurrent_commits_from_one_version_exactly_one_lands() {
        let Some(server) = MotoServer::serialized("of_many_concurrent_commits") else {
            return;
        };
        let sdk = server.sdk().await;
        let (client, table) = support::table(&sdk).await;
        let first = DynamoStore::new(client.clone(), table.clone());
        let p = PropertyId(unique("p-"));
        let w = commit_ok(&first, Wo::submit(&p, None, t0()), 0).await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..8 {
            // Separate handles, as separate Lambda containers would be.
            let s = DynamoStore::new(client.clone(), table.clone());
            let next = w.clone().then(
                Event::Accepted {
                    vendor: VendorId(format!("v{i}")),
                },
                t0() + contract::mins(1),
            );
            tasks.spawn(async move { s.commit(next.commit(1, None)).await });
        }
        let mut landed = 0;
        while let Some(r) = tasks.join_next().await {
            match r.unwrap() {
                Ok(()) => landed += 1,
                Err(CommitError::Conflict(id)) => assert_eq!(id, w.id()),
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(landed, 1);
        let stored = first.load(&w.id()).await.unwrap().unwrap();
        assert_eq!(stored.version, 2);
        assert_eq!(first.timeline(&w.id()).await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn lookup_items_follow_the_work_order_from_any_handle_and_vanish_when_it_closes() {
        let Some(server) = MotoServer::shared("lookup_items_follow_the_work_order") else {
            return;
        };
        let sdk = server.sdk().await;
        let (client, table) = support::table(&sdk).await;
        let a = DynamoStore::new(client.clone(), table.clone());
        let p = PropertyId(unique("p-"));
        let v1 = VendorId(unique("vendor-"));
        let v2 = VendorId(unique("vendor-"));
        let phone = contract::unique_phone();
        let w = Wo::submit(&p, Some(phone.clone()), t0()).then(
            Event::Offered {
                vendor: v1.clone(),
                expires_at: t0() + contract::mins(30),
            },
            t0(),
        );
        let w = commit_ok(&a, w, 0).await;
        let v1_pk = format!("BYVENDOR#{v1}");
        assert_eq!(lookup_items(&a, &v1_pk).await, 1);

        // Another handle, which never saw the previous version, moves the offer to v2.
        let b = DynamoStore::new(client.clone(), table.clone());
        let w = commit_ok(
            &b,
            w.then(
                Event::Accepted { vendor: v2.clone() },
                t0() + contract::mins(1),
            ),
            0,
        )
        .await;
        let ids = |wos: Vec<mendwork_domain::WorkOrder>| -> Vec<_> {
            wos.into_iter().map(|x| x.id).collect()
        };
        assert_eq!(ids(a.open_for_vendor(&v2).await.unwrap()), [w.id()]);
        // The offer to v1 stays on the work order after the accept, so its lookup stays too.
        let still_offered = w.wo.offer.as_ref().is_some_and(|o| o.vendor == v1);
        assert_eq!(lookup_items(&a, &v1_pk).await, usize::from(still_offered));

        // Cancelled: every lookup item goes, whichever handle commits.
        let code = w.wo.code.clone();
        commit_ok(
            &a,
            w.then(
                Event::Cancelled {
                    by: Actor::Pm("lee".into()),
                    reason: None,
                },
                t0() + contract::mins(2),
            ),
            0,
        )
        .await;
        for pk in [
            v1_pk,
            format!("BYVENDOR#{v2}"),
            format!("BYPHONE#{phone}"),
            format!("BYCODE#{code}"),
        ] {
            assert_eq!(lookup_items(&a, &pk).await, 0, "{pk}");
        }
        assert!(a.open_for_tenant_phone(&phone).await.unwrap().is_empty());
    }
}

/// What a page costs: DynamoDB requests and read units (both counted by SDK interceptors on the
/// store's client, [`Billing`] for the units), at two sizes of history.
mod page_cost {
    use super::*;
    use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
    use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
    use aws_sdk_dynamodb::error::BoxError;
    use contract::{Wo, commit_ok, mins, t0, unique};
    use mendwork_app::ports::WorkOrderQueries;
    use mendwork_app::queries::{Listing, PageKey};
    use mendwork_aws::Billing;
    use mendwork_domain::{PropertyId, Status};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug, Clone, Default)]
    struct Requests(Arc<AtomicUsize>);

    impl Intercept for Requests {
        fn name(&self) -> &'static str {
            "Requests"
        }
        fn read_before_transmit(
            &self,
            _: &BeforeTransmitInterceptorContextRef<'_>,
            _: &RuntimeComponents,
            _: &mut ConfigBag,
        ) -> Result<(), BoxError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    /// Requests and read units of the first two pages of each listing.
    async fn cost(
        s: &DynamoStore,
        counter: &Requests,
        billing: &Billing,
        listings: &[Listing],
    ) -> Vec<(usize, f64)> {
        let mut out = Vec::new();
        for listing in listings {
            let requests = counter.0.load(Ordering::SeqCst);
            let units = billing.usage().read_units;
            let first = s.page(listing, None, 10).await.unwrap();
            let after: Option<PageKey> = first.next.clone();
            assert!(after.is_some(), "{listing:?} has a second page");
            s.page(listing, after.as_ref(), 10).await.unwrap();
            out.push((
                counter.0.load(Ordering::SeqCst) - requests,
                billing.usage().read_units - units,
            ));
        }
        out
    }

    async fn commit_many(
        s: &DynamoStore,
        p: &PropertyId,
        n: usize,
        status: Option<Status>,
        from: chrono::DateTime<chrono::Utc>,
    ) {
        for i in 0..n {
            let mut w = Wo::submit(p, None, from + mins(i as i64 * 7));
            if let Some(st) = status {
                w.wo.status = st;
            }
            commit_ok(s, w, 0).await;
        }
    }

    #[tokio::test]
    async fn a_pages_requests_and_read_units_do_not_grow_with_history() {
        let Some(server) = MotoServer::shared("a_pages_requests_and_read_units") else {
            return;
        };
        // Given a store whose client counts every request it sends, and 25 recent open work
        // orders of a property (and 25 recent closed ones)
        let sdk = server.sdk().await;
        let (_, table) = support::table(&sdk).await;
        let counter = Requests::default();
        let billing = Billing::default();
        let config = aws_sdk_dynamodb::config::Builder::from(&sdk)
            .interceptor(counter.clone())
            .interceptor(billing.clone())
            .build();
        let s = DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(config), table);
        let p = PropertyId(unique("p-"));
        let recent = t0() + chrono::Duration::days(5 * 365);
        commit_many(&s, &p, 25, None, recent).await;
        commit_many(&s, &p, 25, Some(Status::Closed), recent + mins(1)).await;
        let listings = [
            Listing::Queue { property: None },
            Listing::Queue {
                property: Some(p.clone()),
            },
            Listing::Newest {
                status: None,
                property: None,
            },
            Listing::Newest {
                status: Some(Status::Submitted),
                property: None,
            },
            Listing::Newest {
                status: Some(Status::Closed),
                property: None,
            },
            Listing::Newest {
                status: None,
                property: Some(p.clone()),
            },
        ];
        let small = cost(&s, &counter, &billing, &listings).await;
        // When years of closed and cancelled work orders are added before them (imported as
        // a history is; an open one is refused)
        let other = PropertyId(unique("p-"));
        let old = |p: &PropertyId, i: usize, st: Status| {
            let mut w = Wo::submit(p, None, t0() + mins(i as i64 * 600));
            w.wo.status = st;
            (w.wo, w.pending)
        };
        let history: Vec<_> = (0..600)
            .map(|i| match i % 3 {
                0 => old(&other, i, Status::Cancelled),
                _ => old(&p, i, Status::Closed),
            })
            .collect();
        let open = old(&p, 0, Status::Scheduled);
        assert!(s.import_closed(&[open]).await.is_err());
        s.import_closed(&history).await.unwrap();
        let big = cost(&s, &counter, &billing, &listings).await;
        // Then every page costs what it cost before: one request, the same read units
        for ((listing, (r0, u0)), (r1, u1)) in listings.iter().zip(&small).zip(&big) {
            eprintln!("{listing:?}: {r0} → {r1} requests, {u0} → {u1} read units");
            assert_eq!(r0, r1, "{listing:?}");
            assert_eq!(*r0, 2, "{listing:?}: one request a page");
            assert!((u1 - u0).abs() <= u0 * 0.1, "{listing:?}: {u0} → {u1}");
        }
    }
}
