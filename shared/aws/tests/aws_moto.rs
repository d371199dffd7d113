//! The adapters together on moto: the config loader, `Aws::connect_with` (secret + portfolio
//! read once), a whole work order driven through the real workflow steps, the schedules it
//! leaves, recurring templates, and an HTTP function's adapters (`Aws::serving_with`), which
//! leave the outbox to the stream. Also measures what one work order costs in DynamoDB units.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, DurationRound, TimeZone, Utc};
use mendwork_app::ports::{
    Clock as _, FrozenClock, SystemClock, TimerSpec, TimerTarget, Timers, configuration_fault,
};
use mendwork_app::{App, InboundSms, SmsOutcome};
use mendwork_aws::{
    Aws, AwsConfig, Billing, DynamoStore, RECURRING_PREFIX, SCHEDULED_TIME, SchedulerTimers,
    ensure_recurring_schedules, item_size, load_portfolio, read_portfolio, recurring_schedule_name,
    timer_target, vendor_of_phone,
};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::{
    Contact, Email, NewWorkOrder, Phone, Portfolio, PropertyId, Source, Status, TimerKind, Window,
    WorkOrderId,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use support::{MotoServer, fresh};

const PAT: &str = "+17185550110";
const TENANT: &str = "+17185550199";

fn sample() -> Portfolio {
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../infra/sample-portfolio.yaml"
    ))
    .unwrap();
    parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap()
}

struct Deployment {
    server: std::sync::Arc<MotoServer>,
    sdk: aws_config::SdkConfig,
    cfg: AwsConfig,
}

async fn deploy(server: std::sync::Arc<MotoServer>, portfolio: &Portfolio) -> Deployment {
    let sdk = server.sdk().await;
    let (dynamodb, table) = support::table(&sdk).await;
    let (_, group) = support::schedule_group(&sdk).await;
    let sender = format!("{}@example.com", fresh("noreply"));
    support::verified_sender(&sdk, &sender).await;
    let secret = aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(fresh("mendwork-links"))
        .secret_string("0123456789abcdef0123456789abcdef-test-key")
        .send()
        .await
        .unwrap();
    load_portfolio(&dynamodb, &table, portfolio).await.unwrap();
    let targets = support::targets(&group);
    let cfg = AwsConfig {
        table,
        scheduler_group: group,
        scheduler_role_arn: targets.role_arn,
        accept_target_arn: targets.accept_arn,
        followup_target_arn: targets.followup_arn,
        recurring_target_arn: targets.recurring_arn,
        sender,
        origination_number: Some("+18005550100".into()),
        link_secret_arn: secret.arn().unwrap().to_string(),
        base_url: "https://mendwork.example.com".into(),
        file_bucket: None,
        webhook_secrets_arn: None,
        buildium_secret_arn: None,
    };
    Deployment { server, sdk, cfg }
}

async fn sms(app: &App, from: &str, body: &str) -> SmsOutcome {
    let out = app
        .handle_sms(&InboundSms {
            origination_number: from.into(),
            destination_number: "+18005550100".into(),
            message_keyword: None,
            message_body: body.into(),
            inbound_message_id: fresh("in"),
            previous_published_message_id: None,
        })
        .await
        .unwrap();
    app.drain().await.unwrap();
    out
}

async fn status(app: &App, id: &WorkOrderId) -> Status {
    app.work_orders.load(id).await.unwrap().unwrap().wo.status
}

fn window(start: DateTime<Utc>, hours: i64) -> Window {
    Window::new(start, start + Duration::hours(hours)).unwrap()
}

/// Items of the table by kind (the `pk` prefix), with their count and total bytes.
async fn census(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
) -> BTreeMap<String, (usize, usize)> {
    let mut out: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut start = None;
    loop {
        let page = client
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .unwrap();
        for it in page.items.unwrap_or_default() {
            let pk = match it.get("pk") {
                Some(AttributeValue::S(s)) => s.clone(),
                _ => String::new(),
            };
            let sk = match it.get("sk") {
                Some(AttributeValue::S(s)) => s.clone(),
                _ => String::new(),
            };
            let kind = match pk.split_once('#') {
                Some(("WO", _)) if sk.starts_with("EV#") => "WO#…/EV#… (timeline)".to_string(),
                Some(("WO", _)) => "WO#…/META".to_string(),
                Some((prefix, _)) => format!("{prefix}#…"),
                None => pk.clone(),
            };
            let e = out.entry(kind).or_default();
            e.0 += 1;
            e.1 += item_size(&it);
        }
        match page.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => return out,
        }
    }
}

#[tokio::test]
async fn a_work_order_runs_from_the_form_to_closed_on_the_aws_adapters() {
    let Some(server) =
        MotoServer::shared("a_work_order_runs_from_the_form_to_closed_on_the_aws_adapters")
    else {
        return;
    };
    let d = deploy(server, &sample()).await;
    // Workflow time is frozen on a weekday morning in New York (10:00 EST): outside quiet
    // hours whatever the hour this test runs at.
    let start = Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap();
    let aws = Aws::connect_with(&d.sdk, d.cfg.clone())
        .await
        .unwrap()
        .with_clock(Arc::new(FrozenClock(start)));
    assert_eq!(aws.portfolio().properties.len(), sample().properties.len());
    // The store's ports on a client that counts what its calls cost.
    let billing = Billing::default();
    let billed = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&d.sdk)
                .interceptor(billing.clone())
                .build(),
        ),
        d.cfg.table.clone(),
    ));
    let mut app = aws.app();
    app.work_orders = billed.clone();
    app.lookups = billed.clone();
    app.outbox = billed.clone();
    app.keys = billed.clone();
    app.visits = billed.clone();
    app.opt_outs = billed.clone();

    let day = start.duration_trunc(Duration::days(1)).unwrap();
    let windows = vec![
        window(day + Duration::days(2) + Duration::hours(14), 2),
        window(day + Duration::days(3) + Duration::hours(18), 3),
    ];
    let request = NewWorkOrder {
        property: PropertyId("maple-court".into()),
        unit: "4B".into(),
        tenant: Contact {
            name: "Ana Ruiz".into(),
            email: Some(Email::parse("ana@example.com").unwrap()),
            phone: Some(Phone::parse(TENANT).unwrap()),
        },
        description: "Kitchen sink drips under the cabinet, slow leak into a bucket".into(),
        category: None,
        emergency: false,
        permission_to_enter: true,
        pets: Some("a cat".into()),
        access_notes: None,
        photos: vec![],
        availability: windows.clone(),
        source: Source::Tenant,
        language: mendwork_domain::Language::En,
    };
    let token = fresh("tok");
    let created = app.submit(request.clone(), Some(&token)).await.unwrap();
    app.drain().await.unwrap();
    let id = created.wo.id.clone();
    assert_eq!(status(&app, &id).await, Status::Dispatching);
    // The same form post again is the same work order.
    let again = app.submit(request, Some(&token)).await.unwrap();
    assert!(again.duplicate && again.wo.id == id);

    // The offer went out by SMS through SNS, and its accept timer is a schedule.
    let data = d.server.data().await;
    let offers: Vec<&serde_json::Value> = data["sns"]["SMS"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["phone_number"] == PAT)
        .filter(|m| {
            m["message"]
                .as_str()
                .is_some_and(|b| b.contains(created.wo.code.as_str()))
        })
        .collect();
    assert!(!offers.is_empty(), "no offer to {PAT}");
    let pending = aws.timers().unwrap().pending().await.unwrap();
    let accept = pending
        .iter()
        .find(|t| {
            matches!(&t.target, TimerTarget::WorkOrder { work_order, kind: TimerKind::AcceptTimeout, .. } if work_order == &id)
        })
        .expect("an accept timer");
    let schedule = aws
        .timers()
        .unwrap()
        .client()
        .get_schedule()
        .group_name(&d.cfg.scheduler_group)
        .name(mendwork_aws::schedule_name(accept))
        .send()
        .await
        .unwrap();
    assert_eq!(schedule.target().unwrap().arn(), d.cfg.accept_target_arn);
    assert_eq!(
        schedule.schedule_expression_timezone(),
        Some("America/New_York")
    );
    assert_eq!(
        schedule.action_after_completion().map(|a| a.as_str()),
        Some("DELETE")
    );
    assert_eq!(
        schedule
            .flexible_time_window()
            .map(|w| w.mode().as_str().to_string()),
        Some("OFF".to_string())
    );
    let fired =
        timer_target(&serde_json::from_str(schedule.target().unwrap().input().unwrap()).unwrap())
            .unwrap();
    assert_eq!(&fired, &accept.target);

    assert!(matches!(
        sms(&app, PAT, "yes").await,
        SmsOutcome::Executed { .. }
    ));
    assert_eq!(status(&app, &id).await, Status::Accepted);
    // Accepting cancelled the accept timer's schedule.
    let pending = aws.timers().unwrap().pending().await.unwrap();
    assert!(!pending.iter().any(|t| t.name == accept.name));

    sms(&app, PAT, "2").await;
    let wo = app.work_orders.load(&id).await.unwrap().unwrap().wo;
    assert_eq!(wo.status, Status::Scheduled);
    assert_eq!(wo.appointment.unwrap(), windows[1]);
    // The confirmation with the invite went through SES as raw MIME.
    let data = d.server.data().await;
    assert!(
        data["ses"].to_string().contains("text/calendar"),
        "no invite among {}",
        data["ses"]
    );

    sms(&app, PAT, "arrived").await;
    assert_eq!(status(&app, &id).await, Status::InProgress);
    sms(&app, PAT, "done, replaced the trap").await;
    assert_eq!(status(&app, &id).await, Status::Completed);
    sms(&app, TENANT, "5").await;
    sms(&app, PAT, "invoice 385").await;
    let stored = app.work_orders.load(&id).await.unwrap().unwrap();
    assert_eq!(
        stored.wo.status,
        Status::Closed,
        "{:?}",
        stored.wo.attention
    );
    assert!(app.outbox.pending_outbox(100).await.unwrap().is_empty());
    assert!(
        app.lookups
            .open_for_vendor(&stored.wo.vendor.clone().unwrap())
            .await
            .unwrap()
            .is_empty()
    );

    // What one work order cost.
    let timeline = app.work_orders.timeline(&id).await.unwrap();
    let usage = billing.usage();
    let census = census(aws.dynamodb(), &d.cfg.table).await;
    eprintln!(
        "one work order: {} commits, {} timeline events; {} items written, {} bytes, \
         {:.1} write units, {:.1} read units (the store's own reads)",
        stored.version,
        timeline.len(),
        usage.items_written,
        usage.bytes_written,
        usage.write_units,
        usage.read_units
    );
    for (kind, k) in &usage.by_kind {
        eprintln!(
            "  written {kind:<16} {:>4} items {:>7} bytes {:>6.1} WRU",
            k.items, k.bytes, k.write_units
        );
    }
    for (kind, (count, bytes)) in &census {
        eprintln!("  left in table {kind:<24} {count:>4} items {bytes:>8} bytes");
    }
}

#[tokio::test]
async fn the_portfolio_loads_idempotently_with_a_version_and_vendor_phones() {
    let Some(server) =
        MotoServer::shared("the_portfolio_loads_idempotently_with_a_version_and_vendor_phones")
    else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    assert!(read_portfolio(&client, &table).await.unwrap().is_none());
    let mut p = sample();
    load_portfolio(&client, &table, &p).await.unwrap();
    load_portfolio(&client, &table, &p).await.unwrap();
    let first = read_portfolio(&client, &table).await.unwrap().unwrap();
    assert_eq!(first.version, 1);
    assert_eq!(
        serde_json::to_value(&first.portfolio).unwrap(),
        serde_json::to_value(&p).unwrap()
    );
    let pat = p
        .vendors
        .iter()
        .find(|v| v.phone.as_str() == PAT)
        .unwrap()
        .id
        .clone();
    assert_eq!(
        vendor_of_phone(&client, &table, PAT).await.unwrap(),
        Some(pat.to_string())
    );

    // A changed portfolio is a new version; a vendor gone takes its phone item with it.
    p.vendors.retain(|v| v.phone.as_str() != PAT);
    load_portfolio(&client, &table, &p).await.unwrap();
    assert_eq!(
        read_portfolio(&client, &table)
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
    assert_eq!(vendor_of_phone(&client, &table, PAT).await.unwrap(), None);

    // A function without a portfolio to read refuses to start, saying why.
    let (_, empty) = support::table(&sdk).await;
    let d = deploy(server.clone(), &sample()).await;
    let cfg = AwsConfig {
        table: empty,
        ..d.cfg.clone()
    };
    let err = Aws::connect_with(&sdk, cfg)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("no portfolio"), "{err}");
    // Nor with a secret too short to sign links with.
    let short = aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(fresh("short"))
        .secret_string("too short")
        .send()
        .await
        .unwrap();
    let cfg = AwsConfig {
        link_secret_arn: short.arn().unwrap().to_string(),
        ..d.cfg.clone()
    };
    let err = Aws::connect_with(&sdk, cfg)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("32 bytes"), "{err}");
}

/// The names of the recurring templates' schedules in a group.
async fn recurring_schedules(client: &aws_sdk_scheduler::Client, group: &str) -> Vec<String> {
    let listed = client
        .list_schedules()
        .group_name(group)
        .send()
        .await
        .unwrap();
    let mut names: Vec<String> = listed
        .schedules()
        .iter()
        .filter_map(|s| s.name())
        // moto does not implement ListSchedules' NamePrefix: filter here.
        .filter(|n| n.starts_with(RECURRING_PREFIX))
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_recurring_template_is_one_cron_schedule_in_its_zone() {
    let Some(server) = MotoServer::shared("a_recurring_template_is_one_cron_schedule_in_its_zone")
    else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, group) = support::schedule_group(&sdk).await;
    let timers = SchedulerTimers::new(client.clone(), support::targets(&group))
        .with_portfolio(std::sync::Arc::new(sample()));
    // Two occurrences of Maple Court's pest control (15th of the month, 10:00 New York), set
    // as the recurring step does after each firing: one schedule, the template's.
    let occurrence = |at: DateTime<Utc>| {
        mendwork_app::recurring::occurrence_timer(
            &"maple-pest".into(),
            at,
            Some(chrono_tz::America::New_York),
        )
    };
    let first = occurrence(Utc.with_ymd_and_hms(2026, 3, 15, 14, 0, 0).unwrap());
    let second = occurrence(Utc.with_ymd_and_hms(2026, 4, 15, 14, 0, 0).unwrap());
    timers.set(&first).await.unwrap();
    timers.set(&second).await.unwrap();
    assert_eq!(
        recurring_schedules(&client, &group).await,
        ["mw-rec-maple-pest"]
    );
    let schedule = client
        .get_schedule()
        .group_name(&group)
        .name(recurring_schedule_name("maple-pest"))
        .send()
        .await
        .unwrap();
    assert_eq!(schedule.schedule_expression(), Some("cron(0 10 15 * ? *)"));
    assert_eq!(
        schedule.schedule_expression_timezone(),
        Some("America/New_York")
    );
    assert_eq!(
        schedule
            .flexible_time_window()
            .map(|w| w.mode().as_str().to_string()),
        Some("OFF".to_string())
    );
    assert_ne!(
        schedule.action_after_completion().map(|a| a.as_str()),
        Some("DELETE"),
        "a cron schedule stays after it fired"
    );
    let target = schedule.target().unwrap();
    assert_eq!(
        target.arn(),
        "arn:aws:lambda:us-east-1:123456789012:function:recurring"
    );
    let input: serde_json::Value = serde_json::from_str(target.input().unwrap()).unwrap();
    assert_eq!(
        input,
        serde_json::json!({
            "type": "recurring",
            "template": "maple-pest",
            "occurrence": "<aws.scheduler.scheduled-time>",
        })
    );
    // What the recurring function receives once the scheduler filled in the time.
    let fired: serde_json::Value = serde_json::from_str(
        &target
            .input()
            .unwrap()
            .replace(SCHEDULED_TIME, "2026-03-15T14:00:00Z"),
    )
    .unwrap();
    assert_eq!(timer_target(&fired).unwrap(), first.target);

    // Cancelling an occurrence leaves the template armed; recurring schedules are not timers.
    timers.cancel(&first.name).await.unwrap();
    assert_eq!(
        recurring_schedules(&client, &group).await,
        ["mw-rec-maple-pest"]
    );
    assert!(timers.pending().await.unwrap().is_empty());

    // A work-order timer on the same adapter is still a one-time at() schedule.
    let wo = TimerSpec {
        name: fresh("wo-cron-accept-1"),
        // The wall clock is harmless: EventBridge compares one-time schedules with real time.
        at: SystemClock.now() + Duration::hours(1),
        zone: Some(chrono_tz::America::New_York),
        target: TimerTarget::WorkOrder {
            work_order: WorkOrderId("wo-cron".into()),
            kind: TimerKind::AcceptTimeout,
            generation: 1,
        },
    };
    timers.set(&wo).await.unwrap();
    let schedule = client
        .get_schedule()
        .group_name(&group)
        .name(mendwork_aws::schedule_name(&wo))
        .send()
        .await
        .unwrap();
    assert!(
        schedule
            .schedule_expression()
            .is_some_and(|e| e.starts_with("at(")),
        "{schedule:?}"
    );
    assert_eq!(
        schedule.action_after_completion().map(|a| a.as_str()),
        Some("DELETE")
    );
    assert_eq!(timers.pending().await.unwrap(), [wo]);
}

#[tokio::test]
async fn loading_a_portfolio_arms_its_templates_and_disarms_dropped_ones() {
    let Some(server) =
        MotoServer::shared("loading_a_portfolio_arms_its_templates_and_disarms_dropped_ones")
    else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, group) = support::schedule_group(&sdk).await;
    let timers = SchedulerTimers::new(client.clone(), support::targets(&group));
    let mut p = sample();
    let now = Utc.with_ymd_and_hms(2026, 2, 20, 12, 0, 0).unwrap();
    assert_eq!(
        ensure_recurring_schedules(&timers, &p, now).await.unwrap(),
        2
    );
    assert_eq!(
        ensure_recurring_schedules(&timers, &p, now).await.unwrap(),
        2
    );
    assert_eq!(
        recurring_schedules(&client, &group).await,
        ["mw-rec-lakeview-filters", "mw-rec-maple-pest"]
    );
    let filters = client
        .get_schedule()
        .group_name(&group)
        .name("mw-rec-lakeview-filters")
        .send()
        .await
        .unwrap();
    assert_eq!(filters.schedule_expression(), Some("cron(0 9 1 */3 ? *)"));
    assert_eq!(
        filters.schedule_expression_timezone(),
        Some("America/Chicago")
    );

    // A work-order timer in the group is not touched by the reconciliation.
    let wo = TimerSpec {
        name: fresh("wo-keep-outcome-1"),
        // The wall clock is harmless: EventBridge compares one-time schedules with real time.
        at: SystemClock.now() + Duration::hours(1),
        zone: None,
        target: TimerTarget::WorkOrder {
            work_order: WorkOrderId("wo-keep".into()),
            kind: TimerKind::OutcomeAsk,
            generation: 1,
        },
    };
    timers.set(&wo).await.unwrap();

    // Pest control dropped, the filters paused then a new time: only what is active stays,
    // as the portfolio now says.
    p.recurring.retain(|t| t.id.as_str() != "maple-pest");
    assert_eq!(
        ensure_recurring_schedules(&timers, &p, now).await.unwrap(),
        1
    );
    assert_eq!(
        recurring_schedules(&client, &group).await,
        ["mw-rec-lakeview-filters"]
    );
    p.recurring[0].schedule = "30 7 * * 1-5".into();
    ensure_recurring_schedules(&timers, &p, now).await.unwrap();
    let filters = client
        .get_schedule()
        .group_name(&group)
        .name("mw-rec-lakeview-filters")
        .send()
        .await
        .unwrap();
    assert_eq!(
        filters.schedule_expression(),
        Some("cron(30 7 ? * MON-FRI *)")
    );
    p.recurring[0].active = Some(false);
    assert_eq!(
        ensure_recurring_schedules(&timers, &p, now).await.unwrap(),
        0
    );
    assert!(recurring_schedules(&client, &group).await.is_empty());
    assert_eq!(timers.pending().await.unwrap(), [wo]);
}

#[tokio::test]
async fn a_timer_already_due_is_scheduled_a_little_ahead_not_in_the_past() {
    let Some(server) =
        MotoServer::shared("a_timer_already_due_is_scheduled_a_little_ahead_not_in_the_past")
    else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, group) = support::schedule_group(&sdk).await;
    let timers = SchedulerTimers::new(client.clone(), support::targets(&group));
    // The wall clock is harmless here: "already due" is against real time, as EventBridge
    // sees it, and the hour does not matter.
    let due = SystemClock.now() - Duration::minutes(5);
    let spec = TimerSpec {
        name: fresh("wo-late-outcome-1"),
        at: due,
        zone: None,
        target: TimerTarget::WorkOrder {
            work_order: WorkOrderId("wo-late".into()),
            kind: TimerKind::OutcomeAsk,
            generation: 1,
        },
    };
    timers.set(&spec).await.unwrap();
    let schedule = client
        .get_schedule()
        .group_name(&group)
        .name(mendwork_aws::schedule_name(&spec))
        .send()
        .await
        .unwrap();
    let expression = schedule.schedule_expression().unwrap();
    let inner = expression.trim_start_matches("at(").trim_end_matches(')');
    let at = chrono::NaiveDateTime::parse_from_str(inner, "%Y-%m-%dT%H:%M:%S")
        .unwrap()
        .and_utc();
    assert!(
        at > SystemClock.now() && at < SystemClock.now() + Duration::minutes(2),
        "{expression}"
    );
    assert_eq!(
        schedule.target().unwrap().arn(),
        "arn:aws:lambda:us-east-1:123456789012:function:followup"
    );
    // The input still says when the timer was due.
    let back: TimerSpec =
        serde_json::from_str(schedule.target().unwrap().input().unwrap()).unwrap();
    assert_eq!(back, spec);
}

#[tokio::test]
async fn an_http_functions_adapters_commit_but_refuse_outbox_work_as_a_configuration_fault() {
    let Some(server) = MotoServer::shared(
        "an_http_functions_adapters_commit_but_refuse_outbox_work_as_a_configuration_fault",
    ) else {
        return;
    };
    let d = deploy(server, &sample()).await;
    let cfg = AwsConfig {
        file_bucket: Some(fresh("no-such-bucket")),
        ..d.cfg.clone()
    };
    let start = Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap();
    let aws = Aws::serving_with(&d.sdk, cfg)
        .await
        .unwrap()
        .with_clock(Arc::new(FrozenClock(start)));
    assert_eq!(aws.portfolio().properties.len(), sample().properties.len());
    // No scheduler and no bucket: an HTTP function builds neither (the bucket is the intake's).
    assert!(aws.timers().is_none());
    assert!(aws.files().is_none());
    let app = aws.app();
    let day = start.duration_trunc(Duration::days(1)).unwrap();
    let created = app
        .submit(
            NewWorkOrder {
                property: PropertyId("maple-court".into()),
                unit: "4B".into(),
                tenant: Contact {
                    name: "Ana Ruiz".into(),
                    email: Some(Email::parse("ana@example.com").unwrap()),
                    phone: Some(Phone::parse(TENANT).unwrap()),
                },
                description: "Kitchen sink drips under the cabinet, slow leak into a bucket".into(),
                category: None,
                emergency: false,
                permission_to_enter: true,
                pets: None,
                access_notes: None,
                photos: vec![],
                availability: vec![window(day + Duration::days(2) + Duration::hours(14), 2)],
                source: Source::Tenant,
                language: mendwork_domain::Language::En,
            },
            Some(&fresh("tok")),
        )
        .await
        .unwrap();
    // The commit is stored as on any adapters…
    assert_eq!(status(&app, &created.wo.id).await, Status::Submitted);
    // …but carrying out its outbox here is the deployment's mistake, said as such, and what
    // it could not send stays pending for the functions that deliver it.
    let pending = app.outbox.pending_outbox(100).await.unwrap();
    assert!(!pending.is_empty());
    let err = app
        .drain()
        .await
        .expect_err("the outbox is not carried out here");
    let fault = configuration_fault(&err).expect("a configuration fault");
    assert_eq!(fault.code, "OutboxElsewhere");
    let left = app.outbox.pending_outbox(100).await.unwrap();
    assert!(!left.is_empty());
    assert!(left.iter().all(|r| pending.iter().any(|p| p.id == r.id)));
    let err = app.timers.cancel("any").await.unwrap_err();
    assert_eq!(configuration_fault(&err).unwrap().code, "OutboxElsewhere");

    // The same adapters delivering (the stream functions' `Aws::connect`) carry it out.
    let aws = aws.delivering();
    assert!(aws.timers().is_some());
    assert!(aws.app().drain().await.unwrap() >= pending.len());
    assert!(
        aws.app()
            .outbox
            .pending_outbox(100)
            .await
            .unwrap()
            .is_empty()
    );
}
