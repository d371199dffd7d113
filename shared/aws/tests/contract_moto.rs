//! The shared adapter contract (the same suite the SQLite adapters pass) against
//! `DynamoStore` and `SchedulerTimers` on moto.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../../embedded/tests/contract/mod.rs"]
mod contract;
mod support;

use async_trait::async_trait;
use contract::TimerProbe;
use mendwork_app::ports::TimerSpec;
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
);

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
