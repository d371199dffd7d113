//! The SQLite adapters: the shared port contract run against `SqliteStore`/`SqliteTimers`, and
//! what only the embedded adapters promise (files that survive drops and kills, the virtual
//! clock, the recording senders, timer firing order, ids).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;

use async_trait::async_trait;
use chrono::Duration;
use contract::*;
use mendwork_app::ports::Texter;
use mendwork_app::ports::{
    Clock, Ids, Keys, Lookups, Mailer, OptOuts, Outbox, OutboxRecord, Store, SystemClock,
    TimerSpec, TimerTarget, Timers, Visits, WorkOrders,
};
use mendwork_domain::decide::replay;
use mendwork_domain::{
    Actor, Channel, Effect, Email, EmailMessage, Event, JobCode, PropertyId, Recipient, SmsMessage,
    TimerKind, VendorId, Visit, VisitChange, VisitId, VisitStatus, WorkOrderId,
};
use mendwork_embedded::{
    ClockMode, RandomIds, RecordingMailer, RecordingTexter, SCHEMA_VERSION, SentFilter,
    SentMessage, SqliteStore, SqliteTimers, VirtualClock,
};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

fn memory() -> SqliteStore {
    SqliteStore::open_in_memory().unwrap()
}

#[async_trait]
impl TimerProbe for SqliteTimers {
    async fn pending(&self) -> Vec<TimerSpec> {
        self.all().unwrap()
    }
}

// ---------------------------------------------------------------------------------------------
// The contract, one fresh store per rule…

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_and_writes_nothing() {
    contract::a_stale_expected_version_is_a_conflict_and_writes_nothing(&memory()).await;
}

#[tokio::test]
async fn latest_for_tenant_phone_finds_open_and_closed_work_orders_newest_first() {
    contract::latest_for_tenant_phone_finds_open_and_closed_work_orders_newest_first(&memory())
        .await;
}

#[tokio::test]
async fn creating_a_work_order_that_exists_is_a_conflict() {
    contract::creating_a_work_order_that_exists_is_a_conflict(&memory()).await;
}

#[tokio::test]
async fn a_used_idempotency_key_is_a_duplicate_and_writes_nothing() {
    contract::a_used_idempotency_key_is_a_duplicate_and_writes_nothing(&memory()).await;
}

#[tokio::test]
async fn timeline_and_outbox_are_committed_with_the_work_order() {
    contract::timeline_and_outbox_are_committed_with_the_work_order(&memory()).await;
}

#[tokio::test]
async fn pending_outbox_is_oldest_first_and_done_records_leave_it() {
    contract::pending_outbox_is_oldest_first_and_done_records_leave_it(&memory()).await;
}

#[tokio::test]
async fn commit_outbox_writes_its_key_and_records_together() {
    contract::commit_outbox_writes_its_key_and_records_together(&memory()).await;
}

#[tokio::test]
async fn open_queries_find_work_orders_by_vendor_code_phone_and_status() {
    contract::open_queries_find_work_orders_by_vendor_code_phone_and_status(&memory()).await;
}

#[tokio::test]
async fn visits_between_finds_overlapping_and_checked_in_visits_of_the_property() {
    contract::visits_between_finds_overlapping_and_checked_in_visits_of_the_property(&memory())
        .await;
}

#[tokio::test]
async fn opt_outs_are_recorded_and_withdrawn() {
    contract::opt_outs_are_recorded_and_withdrawn(&memory()).await;
}

#[tokio::test]
async fn concurrent_picks_of_overlapping_slots_for_one_vendor_book_exactly_one() {
    contract::concurrent_picks_of_overlapping_slots_for_one_vendor_book_exactly_one(&memory())
        .await;
}

#[tokio::test]
async fn a_booking_over_another_work_orders_booking_is_a_conflict_until_it_is_released() {
    contract::a_booking_over_another_work_orders_booking_is_a_conflict_until_it_is_released(
        &memory(),
    )
    .await;
}

#[tokio::test]
async fn setting_a_timer_twice_keeps_one_timer() {
    let t = memory().timers();
    contract::setting_a_timer_twice_keeps_one_timer(&t, &t).await;
}

#[tokio::test]
async fn a_replaced_timer_has_a_new_name_and_the_old_one_is_cancelled() {
    let t = memory().timers();
    contract::a_replaced_timer_has_a_new_name_and_the_old_one_is_cancelled(&t, &t).await;
}

#[tokio::test]
async fn cancelling_a_missing_timer_is_fine() {
    let t = memory().timers();
    contract::cancelling_a_missing_timer_is_fine(&t, &t).await;
}

// …and the shareable rules on one store, as a shared DynamoDB table would run them.
#[tokio::test]
async fn the_shareable_contract_holds_on_one_shared_store_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("shared.db")).unwrap();
    let s: &dyn Store = &store;
    for _ in 0..2 {
        contract::a_stale_expected_version_is_a_conflict_and_writes_nothing(s).await;
        contract::creating_a_work_order_that_exists_is_a_conflict(s).await;
        contract::a_used_idempotency_key_is_a_duplicate_and_writes_nothing(s).await;
        contract::timeline_and_outbox_are_committed_with_the_work_order(s).await;
        contract::commit_outbox_writes_its_key_and_records_together(s).await;
        contract::open_queries_find_work_orders_by_vendor_code_phone_and_status(s).await;
        contract::visits_between_finds_overlapping_and_checked_in_visits_of_the_property(s).await;
        contract::opt_outs_are_recorded_and_withdrawn(s).await;
        contract::concurrent_picks_of_overlapping_slots_for_one_vendor_book_exactly_one(s).await;
        contract::a_booking_over_another_work_orders_booking_is_a_conflict_until_it_is_released(s)
            .await;
        let t = store.timers();
        contract::setting_a_timer_twice_keeps_one_timer(&t, &t).await;
        contract::a_replaced_timer_has_a_new_name_and_the_old_one_is_cancelled(&t, &t).await;
        contract::cancelling_a_missing_timer_is_fine(&t, &t).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Timers as the local runner fires them

fn recurring(name: &str, at_minutes: i64) -> TimerSpec {
    TimerSpec {
        zone: None,
        name: name.into(),
        at: t0() + mins(at_minutes),
        target: TimerTarget::Recurring {
            template: "gutters".into(),
            occurrence: t0(),
        },
    }
}

#[tokio::test]
async fn next_due_returns_the_earliest_due_timer_with_ties_broken_by_name() {
    let store = memory();
    let t = store.timers();
    for spec in [
        recurring("b", 10),
        recurring("late", 60),
        recurring("a", 10),
        recurring("z", 5),
    ] {
        t.set(&spec).await.unwrap();
    }
    let names = |v: Vec<TimerSpec>| v.into_iter().map(|t| t.name).collect::<Vec<_>>();
    assert_eq!(names(t.all().unwrap()), ["z", "a", "b", "late"]);

    assert_eq!(t.next_due(t0()).unwrap(), None);
    assert_eq!(t.next_due(t0() + mins(4)).unwrap(), None);
    assert_eq!(t.next_due(t0() + mins(5)).unwrap(), Some(recurring("z", 5)));
    assert_eq!(
        t.next_due(t0() + mins(30)).unwrap(),
        Some(recurring("z", 5))
    );
    t.remove("z").unwrap();
    assert_eq!(
        t.next_due(t0() + mins(30)).unwrap(),
        Some(recurring("a", 10))
    );
    t.remove("a").unwrap();
    t.remove("a").unwrap();
    assert_eq!(
        t.next_due(t0() + mins(30)).unwrap(),
        Some(recurring("b", 10))
    );
    t.cancel("b").await.unwrap();
    assert_eq!(t.next_due(t0() + mins(30)).unwrap(), None);
    assert_eq!(names(t.all().unwrap()), ["late"]);
}

#[tokio::test]
async fn timer_times_keep_sub_second_precision() {
    let t = memory().timers();
    let spec = TimerSpec {
        zone: None,
        at: t0() + Duration::nanoseconds(123_456_789),
        ..recurring("precise", 0)
    };
    t.set(&spec).await.unwrap();
    assert_eq!(t.next_due(t0()).unwrap(), None);
    assert_eq!(t.next_due(spec.at).unwrap(), Some(spec));
}

// ---------------------------------------------------------------------------------------------
// Durability

#[tokio::test]
async fn a_reopened_store_file_has_everything_written_before_it_was_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mendwork.db");
    let p = PropertyId(unique("p-"));
    let phone = unique_phone();
    let key = unique("form-");
    let timer = wo_timer(&WorkOrderId("wo-x".into()), TimerKind::OutcomeAsk, 3, t0());

    let (wo, commit, loose) = {
        let store = SqliteStore::open(&path).unwrap();
        store.clock().set_mode(ClockMode::Frozen(t0())).unwrap();
        let w = Wo::submit(&p, Some(phone.clone()), t0());
        let mut v = visit_of(&p, &w);
        v.expected = Some(window(t0() + Duration::days(1), 60));
        let w = w.then(
            Event::Visit {
                change: VisitChange::Created,
                visit: v,
            },
            t0(),
        );
        let commit = w.commit(2, Some(key.clone()));
        store.commit(commit.clone()).await.unwrap();
        store.outbox_done(&commit.outbox[0].id).await.unwrap();
        let loose = sms_record(None, 1, 0, t0());
        store
            .commit_outbox("sms-1", "help", vec![loose.clone()])
            .await
            .unwrap();
        store.timers().set(&timer).await.unwrap();
        store.set_opted_out(&phone, true).await.unwrap();
        let clock: Arc<dyn Clock> = Arc::new(store.clock());
        RecordingTexter::new(&store, clock)
            .send(&loose.id, None, &sms(&phone, "hello"))
            .await
            .unwrap();
        store.clock().advance(Duration::hours(2)).unwrap();
        (w.wo, commit, loose)
    };

    let store = SqliteStore::open(&path).unwrap();
    let loaded = stored(&store, &wo.id).await;
    assert_eq!((loaded.version, &loaded.wo), (1, &wo));
    assert_eq!(store.timeline(&wo.id).await.unwrap(), commit.events);
    assert_eq!(
        store.pending_outbox(10).await.unwrap(),
        [commit.outbox[1].clone(), loose.clone()]
    );
    assert_eq!(
        store.idempotent(&key).await.unwrap().as_deref(),
        Some(wo.id.as_str())
    );
    assert_eq!(
        store.idempotent("sms-1").await.unwrap().as_deref(),
        Some("help")
    );
    let v = wo.visit.clone().unwrap();
    assert_eq!(store.visit(&v.id).await.unwrap(), Some(v));
    assert_eq!(store.timers().all().unwrap(), [timer]);
    assert!(store.opted_out().await.unwrap().contains(&phone));
    assert_eq!(store.clock().now(), t0() + Duration::hours(2));
    let sent = store.sent(SentFilter::default()).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].id.as_str(), sent[0].at), (loose.id.as_str(), t0()));
}

const KILL_CHILD_DB: &str = "MENDWORK_EMBEDDED_KILL_CHILD_DB";
const KILL_TEST: &str = "a_store_killed_with_sigkill_mid_commit_loop_reopens_consistent";
const KILL_AFTER: u64 = 300;

/// The child's side: commit as fast as possible (creations and updates) and report each
/// commit once it returned, until killed.
#[tokio::test]
async fn a_record_reported_done_is_not_handed_out_again_and_its_mark_is_written_with_the_next_read()
{
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marks.db");
    let p = PropertyId(unique("p-"));
    let commit = {
        let store = SqliteStore::open(&path).unwrap();
        let w = Wo::submit(&p, None, t0());
        let commit = w.commit(3, None);
        store.commit(commit.clone()).await.unwrap();
        store.outbox_done(&commit.outbox[0].id).await.unwrap();
        store.outbox_done(&commit.outbox[0].id).await.unwrap();
        store.outbox_done("no/such/record").await.unwrap();
        assert_eq!(
            store.pending_outbox(10).await.unwrap(),
            commit.outbox[1..],
            "the read after the report leaves it out"
        );
        // Marked after that read: written when the store is dropped.
        store.outbox_done(&commit.outbox[1].id).await.unwrap();
        commit
    };
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.pending_outbox(10).await.unwrap(), commit.outbox[2..]);
}

#[tokio::test]
async fn records_reported_done_just_before_the_process_dies_are_carried_out_again_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("died.db");
    let p = PropertyId(unique("p-"));
    let store = SqliteStore::open(&path).unwrap();
    let w = Wo::submit(&p, None, t0());
    let commit = w.commit(3, None);
    store.commit(commit.clone()).await.unwrap();
    store.outbox_done(&commit.outbox[0].id).await.unwrap();
    assert_eq!(store.pending_outbox(10).await.unwrap(), commit.outbox[1..]);
    // Carried out, reported, and the process dies before the next read writes the marks: no
    // destructor runs (as with SIGKILL).
    store.outbox_done(&commit.outbox[1].id).await.unwrap();
    store.outbox_done(&commit.outbox[2].id).await.unwrap();
    std::mem::forget(store);

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store.pending_outbox(10).await.unwrap(),
        commit.outbox[1..],
        "the unwritten marks are lost, the records are not"
    );
}

/// An outbox record of `wo`'s commit `version` carrying `effect`.
fn record_of(wo: &WorkOrderId, version: u64, index: usize, effect: Effect) -> OutboxRecord {
    OutboxRecord {
        id: format!("{wo}/{version}/{index}"),
        work_order: Some(wo.clone()),
        effect,
        created_at: t0(),
    }
}

#[tokio::test]
async fn a_commit_sets_and_cancels_its_timers_itself_and_leaves_only_messages_to_the_drain() {
    let store = memory();
    let p = PropertyId(unique("p-"));
    let w = Wo::submit(&p, None, t0());
    let id = w.id();
    let timer = wo_timer(&id, TimerKind::OutcomeAsk, 1, t0() + Duration::hours(4));
    let mut commit = w.commit(1, None);
    commit.outbox.push(record_of(
        &id,
        1,
        1,
        Effect::SetTimer {
            name: timer.name.clone(),
            kind: TimerKind::OutcomeAsk,
            generation: 1,
            at: timer.at,
            zone: "America/New_York".parse().unwrap(),
        },
    ));
    store.commit(commit.clone()).await.unwrap();
    // Set when the commit returned, with nothing drained.
    let set = store.timers().all().unwrap();
    assert_eq!(set.len(), 1);
    assert_eq!(
        (&set[0].name, set[0].at, &set[0].target),
        (&timer.name, timer.at, &timer.target)
    );
    assert_eq!(store.pending_outbox(10).await.unwrap(), commit.outbox[..1]);

    let w = w.committed().then(Event::FeedbackRequested, t0());
    let mut commit = w.commit(0, None);
    commit.outbox.push(record_of(
        &id,
        2,
        0,
        Effect::CancelTimer {
            name: timer.name.clone(),
        },
    ));
    store.commit(commit).await.unwrap();
    assert!(store.timers().all().unwrap().is_empty());
    assert_eq!(
        store.pending_outbox(10).await.unwrap().len(),
        1,
        "the message only"
    );
}

#[tokio::test]
async fn a_refused_commit_sets_no_timer() {
    let store = memory();
    let p = PropertyId(unique("p-"));
    let w = Wo::submit(&p, None, t0());
    let id = w.id();
    store.commit(w.commit(0, None)).await.unwrap();
    // The same creation again: a conflict, and its timer is not set either.
    let mut commit = Wo::submit(&p, None, t0()).commit(0, None);
    commit.wo.id = id.clone();
    commit.outbox.push(record_of(
        &id,
        1,
        0,
        Effect::SetTimer {
            name: "t-refused".into(),
            kind: TimerKind::OutcomeAsk,
            generation: 1,
            at: t0(),
            zone: "America/New_York".parse().unwrap(),
        },
    ));
    assert!(store.commit(commit).await.is_err());
    assert!(store.timers().all().unwrap().is_empty());
}

async fn commit_until_killed(path: &Path) {
    let store = SqliteStore::open(path).unwrap();
    let p = PropertyId("kill-test".into());
    let mut wos: Vec<Wo> = Vec::new();
    for n in 1..=50_000u64 {
        let at = t0() + Duration::seconds(n as i64);
        let (next, commit) = if n % 3 == 1 || wos.is_empty() {
            let w = Wo::submit(&p, None, at);
            let key = format!("form-{}", w.id());
            let c = w.commit(1, Some(key));
            (w, c)
        } else {
            let i = (n as usize * 7) % wos.len();
            let w = wos.swap_remove(i);
            let w = w
                .then(
                    Event::InstructionsAdded {
                        text: format!("note {n}"),
                        by: Actor::Desk,
                    },
                    at,
                )
                .then(
                    Event::InstructionsAdded {
                        text: format!("note {n}b"),
                        by: Actor::Pm("lee".into()),
                    },
                    at,
                );
            let c = w.commit(1, None);
            (w, c)
        };
        store.commit(commit).await.unwrap();
        wos.push(next.committed());
        println!("committed {n}");
    }
}

fn next_line(out: &mut impl BufRead) -> Option<String> {
    let mut line = String::new();
    (out.read_line(&mut line).unwrap() > 0).then_some(line)
}

/// The commit number a child's line reports. Lines are single small writes to a pipe, hence
/// atomic; a line without its newline (cut by the kill) is ignored all the same.
fn report(line: &str) -> Option<u64> {
    line.strip_prefix("committed ")?
        .strip_suffix('\n')?
        .parse()
        .ok()
}

#[tokio::test]
async fn a_store_killed_with_sigkill_mid_commit_loop_reopens_consistent() {
    if let Ok(path) = std::env::var(KILL_CHILD_DB) {
        commit_until_killed(Path::new(&path)).await;
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("killed.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([KILL_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(KILL_CHILD_DB, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut reported = 0u64;
    while let Some(line) = next_line(&mut out) {
        reported = report(&line).unwrap_or(reported);
        if reported >= KILL_AFTER {
            break;
        }
    }
    // `Child::kill` is SIGKILL on Unix: no destructor, no rollback, no flush runs.
    child.kill().unwrap();
    child.wait().unwrap();
    // What the child printed between our last read and the kill.
    while let Some(line) = next_line(&mut out) {
        reported = report(&line).unwrap_or(reported);
    }
    assert!(reported >= KILL_AFTER, "the child stopped after {reported}");

    let raw = rusqlite::Connection::open(&path).unwrap();
    let check: String = raw
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(raw);

    let store = SqliteStore::open(&path).unwrap();
    let wos = store
        .list(&mendwork_app::ports::ListFilter::default())
        .await
        .unwrap();
    let outbox = store.pending_outbox(1_000_000).await.unwrap();
    let mut commits = 0;
    for wo in &wos {
        let s = stored(&store, &wo.id).await;
        let timeline = store.timeline(&wo.id).await.unwrap();
        // One event at creation, two per update: any torn commit breaks the count.
        assert_eq!(timeline.len() as u64, 1 + 2 * (s.version - 1), "{}", wo.id);
        assert_eq!(replay(&timeline).as_ref(), Some(&s.wo), "{}", wo.id);
        let mine: Vec<String> = outbox
            .iter()
            .filter(|r| r.work_order.as_ref() == Some(&wo.id))
            .map(|r| r.id.clone())
            .collect();
        let expected: Vec<String> = (1..=s.version)
            .map(|v| format!("{}/{v}/0", wo.id))
            .collect();
        assert_eq!(mine, expected, "one outbox record per commit");
        assert_eq!(
            store
                .idempotent(&format!("form-{}", wo.id))
                .await
                .unwrap()
                .as_deref(),
            Some(wo.id.as_str())
        );
        commits += s.version;
    }
    assert_eq!(outbox.len() as u64, commits);
    eprintln!("killed after {reported} reported commits; {commits} found");
    // Every commit that returned is there; the one in flight at the kill (if it returned but
    // was not reported yet) is there whole or not at all.
    assert!(
        commits == reported || commits == reported + 1,
        "{commits} commits found, {reported} reported done"
    );

    // And the store carries on.
    let any = stored(&store, &wos[0].id).await;
    let w = Wo {
        stored: Some(any.wo.clone()),
        wo: any.wo,
        pending: vec![],
        version: any.version,
    }
    .then(Event::FeedbackRequested, t0());
    store.commit(w.commit(1, None)).await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Schema

#[test]
fn the_schema_version_is_recorded_and_the_file_uses_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    drop(SqliteStore::open(&path).unwrap());
    let raw = rusqlite::Connection::open(&path).unwrap();
    let version: String = raw
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION.to_string());
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(raw);
    // Reopening an up-to-date file migrates nothing and loses nothing.
    drop(SqliteStore::open(&path).unwrap());
}

#[test]
fn a_store_written_by_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    drop(SqliteStore::open(&path).unwrap());
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
        [(SCHEMA_VERSION + 1).to_string()],
    )
    .unwrap();
    drop(raw);
    let err = SqliteStore::open(&path).err().expect("refused");
    assert!(err.to_string().contains("newer"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Visits

fn visit_of(p: &PropertyId, w: &Wo) -> Visit {
    Visit {
        id: VisitId(unique("v-")),
        property: p.clone(),
        work_order: Some(w.id()),
        work_order_code: Some(w.wo.code.clone()),
        visitor: "Sam Okafor".into(),
        company: None,
        expected: None,
        status: VisitStatus::Expected,
        checked_in_at: None,
        checked_out_at: None,
        automatic: true,
    }
}

#[tokio::test]
async fn a_manual_save_cannot_overwrite_or_create_a_visit_linked_to_a_work_order() {
    let store = memory();
    let p = PropertyId(unique("p-"));
    let w = Wo::submit(&p, None, t0());
    let v = visit_of(&p, &w);
    let err = store.save_manual_visit(&v).await.unwrap_err();
    assert!(err.to_string().contains("belongs to work order"), "{err}");
    assert_eq!(store.visit(&v.id).await.unwrap(), None);

    commit_ok(
        &store,
        w.then(
            Event::Visit {
                change: VisitChange::Created,
                visit: v.clone(),
            },
            t0(),
        ),
        0,
    )
    .await;
    let unlinked = Visit {
        work_order: None,
        work_order_code: None,
        ..v.clone()
    };
    let err = store.save_manual_visit(&unlinked).await.unwrap_err();
    assert!(err.to_string().contains("is linked to work order"), "{err}");
    assert_eq!(store.visit(&v.id).await.unwrap(), Some(v));
}

// ---------------------------------------------------------------------------------------------
// The virtual clock

#[test]
fn a_frozen_clock_keeps_its_time_across_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    {
        let clock = SqliteStore::open(&path).unwrap().clock();
        clock.set_mode(ClockMode::Frozen(t0())).unwrap();
        assert_eq!(clock.advance(mins(90)).unwrap(), t0() + mins(90));
    }
    let clock = SqliteStore::open(&path).unwrap().clock();
    assert_eq!(clock.mode(), ClockMode::Frozen(t0() + mins(90)));
    assert_eq!(clock.now(), t0() + mins(90));
}

#[test]
fn an_offset_clock_keeps_flowing_from_the_time_it_was_set_across_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    // The wall clock is harmless here: an offset clock is defined by it, and nothing
    // below depends on the hour.
    let target = SystemClock.now() + Duration::days(400);
    {
        let clock = SqliteStore::open(&path).unwrap().clock();
        assert!(
            matches!(clock.mode(), ClockMode::Offset(d) if d.is_zero()),
            "real time by default"
        );
        assert!((clock.now() - SystemClock.now()).abs() < Duration::seconds(5));
        clock.set(target).unwrap();
        assert!(matches!(clock.mode(), ClockMode::Offset(_)));
        let now = clock.now();
        assert!(
            now >= target && now - target < Duration::seconds(5),
            "{now}"
        );
    }
    let clock = SqliteStore::open(&path).unwrap().clock();
    let now = clock.now();
    assert!(
        now >= target && now - target < Duration::seconds(5),
        "{now}"
    );
    assert!(matches!(clock.mode(), ClockMode::Offset(_)));
    clock.advance(Duration::days(1)).unwrap();
    assert!(clock.now() - target >= Duration::days(1));
}

#[test]
fn setting_a_frozen_clock_keeps_it_frozen_and_every_handle_sees_the_same_time() {
    let store = memory();
    let a: VirtualClock = store.clock();
    let b = store.clock();
    a.set_mode(ClockMode::Frozen(t0())).unwrap();
    a.set(t0() + Duration::days(3)).unwrap();
    assert_eq!(b.mode(), ClockMode::Frozen(t0() + Duration::days(3)));
    assert_eq!(b.now(), t0() + Duration::days(3));
    assert_eq!(
        b.advance(-Duration::hours(1)).unwrap(),
        t0() + Duration::days(3) - Duration::hours(1)
    );
    assert_eq!(a.now(), b.now());
}

// ---------------------------------------------------------------------------------------------
// Recording senders

fn email(to: &str, subject: &str) -> EmailMessage {
    EmailMessage {
        to: Email::parse(to).unwrap(),
        recipient: Recipient::Owner,
        subject: subject.into(),
        text: "Please approve".into(),
        ics: Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into()),
        key: "owner.approval.email".into(),
        language: mendwork_domain::Language::En,
    }
}

fn sms(to: &mendwork_domain::Phone, body: &str) -> SmsMessage {
    SmsMessage {
        to: to.clone(),
        recipient: Recipient::Vendor(VendorId("ok-plumbing".into())),
        body: body.into(),
        key: "vendor.offer.sms".into(),
    }
}

fn senders(store: &SqliteStore) -> (VirtualClock, RecordingMailer, RecordingTexter) {
    let clock = store.clock();
    clock.set_mode(ClockMode::Frozen(t0())).unwrap();
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    (
        clock,
        RecordingMailer::new(store, shared.clone()),
        RecordingTexter::new(store, shared),
    )
}

#[tokio::test]
async fn sending_the_same_outbox_id_twice_records_one_message() {
    let store = memory();
    let (clock, mailer, texter) = senders(&store);
    let wo = WorkOrderId("wo-abc".into());
    let phone = unique_phone();
    mailer
        .send(
            "wo-abc/2/0",
            Some(&wo),
            &email("owner@example.com", "First"),
        )
        .await
        .unwrap();
    clock.advance(mins(1)).unwrap();
    mailer
        .send(
            "wo-abc/2/0",
            Some(&wo),
            &email("owner@example.com", "Second"),
        )
        .await
        .unwrap();
    texter
        .send("wo-abc/2/1", Some(&wo), &sms(&phone, "YES KP27?"))
        .await
        .unwrap();
    texter
        .send("wo-abc/2/1", Some(&wo), &sms(&phone, "again"))
        .await
        .unwrap();

    let sent = store.sent(SentFilter::default()).unwrap();
    assert_eq!(
        sent,
        [
            SentMessage {
                id: "wo-abc/2/0".into(),
                channel: Channel::Email,
                to: "owner@example.com".into(),
                recipient: Recipient::Owner,
                subject: Some("First".into()),
                body: "Please approve".into(),
                ics: Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into()),
                key: "owner.approval.email".into(),
                work_order: Some(wo.clone()),
                at: t0(),
            },
            SentMessage {
                id: "wo-abc/2/1".into(),
                channel: Channel::Sms,
                to: phone.to_string(),
                recipient: Recipient::Vendor(VendorId("ok-plumbing".into())),
                subject: None,
                body: "YES KP27?".into(),
                ics: None,
                key: "vendor.offer.sms".into(),
                work_order: Some(wo),
                at: t0() + mins(1),
            },
        ]
    );
    // The harness serves these as JSON.
    let json = serde_json::to_value(&sent[1]).unwrap();
    assert_eq!(json["channel"], "sms");
    assert_eq!(json["recipient"]["type"], "vendor");
}

#[tokio::test]
async fn sent_messages_are_filtered_by_work_order_address_and_time_oldest_first() {
    let store = memory();
    let (clock, mailer, texter) = senders(&store);
    let a = WorkOrderId("wo-a".into());
    let b = WorkOrderId("wo-b".into());
    let phone = unique_phone();
    texter
        .send("a/1/0", Some(&a), &sms(&phone, "1"))
        .await
        .unwrap();
    clock.advance(mins(10)).unwrap();
    mailer
        .send("b/1/0", Some(&b), &email("x@example.com", "2"))
        .await
        .unwrap();
    clock.advance(mins(10)).unwrap();
    texter
        .send("help/0", None, &sms(&phone, "3"))
        .await
        .unwrap();
    clock.advance(mins(10)).unwrap();
    texter
        .send("a/2/0", Some(&a), &sms(&phone, "4"))
        .await
        .unwrap();

    let ids = |f: SentFilter| {
        store
            .sent(f)
            .unwrap()
            .into_iter()
            .map(|m| m.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(SentFilter::default()),
        ["a/1/0", "b/1/0", "help/0", "a/2/0"]
    );
    assert_eq!(
        ids(SentFilter {
            work_order: Some(a.clone()),
            ..Default::default()
        }),
        ["a/1/0", "a/2/0"]
    );
    assert_eq!(
        ids(SentFilter {
            to: Some(phone.to_string()),
            since: Some(t0() + mins(10)),
            ..Default::default()
        }),
        ["help/0", "a/2/0"]
    );
    assert_eq!(
        ids(SentFilter {
            to: Some("x@example.com".into()),
            ..Default::default()
        }),
        ["b/1/0"]
    );
    assert!(
        ids(SentFilter {
            work_order: Some(b),
            since: Some(t0() + mins(11)),
            ..Default::default()
        })
        .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// Ids

#[test]
fn random_ids_are_prefixed_lowercase_base32_and_do_not_repeat() {
    let ids = RandomIds;
    let base32 = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
    };
    let mut seen = std::collections::HashSet::new();
    for _ in 0..1000 {
        let wo = ids.work_order_id().0;
        let tail = wo.strip_prefix("wo-").unwrap();
        assert!(tail.len() == 10 && base32(tail), "{wo}");
        assert!(seen.insert(wo));
        let v = ids.visit_id().0;
        let tail = v.strip_prefix("v-").unwrap();
        assert!(tail.len() == 10 && base32(tail), "{v}");
        let code = JobCode::from_seed(ids.code_seed());
        assert!(JobCode::parse(code.as_str()).is_some());
    }
}
