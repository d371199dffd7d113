//! The timers' pure parts: schedule names, `at()` expressions across zones and clock
//! changes, crontabs as AWS cron, and the inputs read back as specs and targets.

use super::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use mendwork_app::ports::{TimerSpec, TimerTarget};
use mendwork_domain::TimerKind;
use mendwork_domain::{WorkOrderId, timer_name};

fn spec(name: &str, at: DateTime<Utc>, zone: Option<Tz>) -> TimerSpec {
    TimerSpec {
        name: name.into(),
        at,
        zone,
        target: TimerTarget::WorkOrder {
            work_order: WorkOrderId("wo-abc".into()),
            kind: TimerKind::AcceptTimeout,
            generation: 1,
        },
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&Utc),
        Err(e) => panic!("{s}: {e}"),
    }
}

fn valid_name(n: &str) -> bool {
    (1..=MAX_NAME).contains(&n.len())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[test]
fn a_valid_timer_name_is_its_own_schedule_name() {
    let name = timer_name(
        &WorkOrderId("wo-abcdefghij".into()),
        TimerKind::ReminderDayBefore,
        12,
    );
    assert_eq!(name, "wo-abcdefghij-remind-eve-12");
    let at = Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap();
    assert_eq!(schedule_name(&spec(&name, at, None)), name);
    // The longest work-order timer name fits: a recurring occurrence's id (`wo-r`, the
    // template's 12-digit occurrence key, 10 digits), the longest kind, a 10-digit
    // generation.
    let long = timer_name(
        &mendwork_app::steps::recurring_id(
            &"monthly-checks-plumbing-and-drains".into(),
            Utc.with_ymd_and_hms(2026, 3, 1, 14, 0, 0).unwrap(),
        ),
        TimerKind::ScheduleNudge,
        u32::MAX,
    );
    assert!(valid_name(&long), "{long}");
    assert_eq!(schedule_name_of(&long), long);
}

#[test]
fn other_names_are_cleaned_cut_and_hashed_so_they_stay_distinct() {
    let a = schedule_name_of("rec-Filter/ Hall #2-202603010900");
    assert!(valid_name(&a), "{a}");
    assert!(a.starts_with("rec-Filter--Hall--2-202603010900-"), "{a}");
    let b = schedule_name_of("rec-Filter/ Hall #3-202603010900");
    assert_ne!(a, b);
    let long = "x".repeat(200);
    let c = schedule_name_of(&long);
    assert!(valid_name(&c) && c.len() == MAX_NAME, "{c}");
    assert_ne!(c, schedule_name_of(&"x".repeat(201)));
    assert!(valid_name(&schedule_name_of("")));
    assert!(valid_name(&schedule_name_of("é")));
    // Deterministic.
    assert_eq!(schedule_name_of(&long), c);
}

#[test]
fn at_is_local_time_in_the_timers_zone() {
    let ny: Tz = "America/New_York".parse().unwrap_or(Tz::UTC);
    // 23:00 UTC on 5 March 2026 is 18:00 EST (UTC-5).
    let s = spec("t", utc("2026-03-05T23:00:00Z"), Some(ny));
    assert_eq!(
        at_expression(&s),
        ("at(2026-03-05T18:00:00)".into(), "America/New_York".into())
    );
    // After the spring change (8 March 2026) New York is UTC-4.
    let s = spec("t", utc("2026-03-10T11:30:00Z"), Some(ny));
    assert_eq!(at_expression(&s).0, "at(2026-03-10T07:30:00)");
    let s = spec("t", utc("2026-07-01T09:05:07Z"), None);
    assert_eq!(
        at_expression(&s),
        ("at(2026-07-01T09:05:07)".into(), "UTC".into())
    );
}

#[test]
fn at_rounds_up_to_the_second_and_never_fires_early() {
    let s = spec("t", utc("2026-07-01T09:05:07.000000001Z"), None);
    assert_eq!(at_expression(&s).0, "at(2026-07-01T09:05:08)");
    let s = spec("t", utc("2026-12-31T23:59:59.5Z"), None);
    assert_eq!(at_expression(&s).0, "at(2027-01-01T00:00:00)");
}

#[test]
fn an_ambiguous_local_time_is_written_in_utc() {
    let ny: Tz = "America/New_York".parse().unwrap_or(Tz::UTC);
    // 1 November 2026: 01:30 happens twice in New York (EDT, then EST).
    let first = spec("t", utc("2026-11-01T05:30:00Z"), Some(ny));
    let second = spec("t", utc("2026-11-01T06:30:00Z"), Some(ny));
    assert_eq!(
        at_expression(&first),
        ("at(2026-11-01T05:30:00)".into(), "UTC".into())
    );
    assert_eq!(
        at_expression(&second),
        ("at(2026-11-01T06:30:00)".into(), "UTC".into())
    );
    // The hour before is unambiguous and stays local.
    let before = spec("t", utc("2026-11-01T04:30:00Z"), Some(ny));
    assert_eq!(
        at_expression(&before),
        ("at(2026-11-01T00:30:00)".into(), "America/New_York".into())
    );
}

#[test]
fn every_at_expression_has_the_documented_shape() {
    let zones: [Tz; 4] = [
        Tz::UTC,
        "Europe/Lisbon".parse().unwrap_or(Tz::UTC),
        "Australia/Lord_Howe".parse().unwrap_or(Tz::UTC),
        "America/Sao_Paulo".parse().unwrap_or(Tz::UTC),
    ];
    let mut t = utc("2026-01-01T00:00:00Z");
    while t < utc("2027-01-01T00:00:00Z") {
        for z in zones {
            let (e, zone) = at_expression(&spec("t", t, Some(z)));
            let inner = e
                .strip_prefix("at(")
                .and_then(|x| x.strip_suffix(')'))
                .unwrap_or("");
            let parsed = chrono::NaiveDateTime::parse_from_str(inner, "%Y-%m-%dT%H:%M:%S");
            assert!(parsed.is_ok() && inner.len() == 19, "{e}");
            let zone: Tz = zone.parse().unwrap_or(Tz::UTC);
            let back = parsed
                .ok()
                .and_then(|p| zone.from_local_datetime(&p).single())
                .map(|x| x.with_timezone(&Utc));
            assert_eq!(back, Some(t), "{e} {zone}");
        }
        t += Duration::minutes(97);
    }
}

#[test]
fn crontabs_become_aws_cron_expressions() {
    let cases = [
        ("0 9 1 */3 *", "cron(0 9 1 */3 ? *)"),
        ("30 7 * * 1-5", "cron(30 7 ? * MON-FRI *)"),
        ("0 10 15 * *", "cron(0 10 15 * ? *)"),
        ("*/15 * * * *", "cron(*/15 * * * ? *)"),
        ("0 9 * * 0", "cron(0 9 ? * SUN *)"),
        ("0 9 * * 7", "cron(0 9 ? * SUN *)"),
        ("0 9 * * 1", "cron(0 9 ? * MON *)"),
        ("0 9 * * 6", "cron(0 9 ? * SAT *)"),
        ("0 9 * * 5-7", "cron(0 9 ? * SUN,FRI-SAT *)"),
        ("0 9 * * 0-6", "cron(0 9 ? * SUN-SAT *)"),
        ("0 9 * * */2", "cron(0 9 ? * SUN,TUE,THU,SAT *)"),
        ("0 9 * * 1,3,5", "cron(0 9 ? * MON,WED,FRI *)"),
        ("0 9 * * mon-fri", "cron(0 9 ? * MON-FRI *)"),
        ("0 9 ? * *", "cron(0 9 * * ? *)"),
        ("0 8 1,15 jan,jul *", "cron(0 8 1,15 JAN,JUL ? *)"),
    ];
    for (crontab, aws) in cases {
        match aws_cron(crontab) {
            Ok(got) => assert_eq!(got, aws, "{crontab}"),
            Err(e) => panic!("{crontab}: {e}"),
        }
    }
}

#[test]
fn every_aws_cron_has_six_fields_and_exactly_one_question_mark_day() {
    for crontab in [
        "0 9 1 */3 *",
        "30 7 * * 1-5",
        "0 10 15 * *",
        "*/15 * * * *",
        "0 0 * * *",
        "5 4 * * 0,7",
        "0 9 ? * *",
    ] {
        let Ok(e) = aws_cron(crontab) else {
            panic!("{crontab}")
        };
        let inner = e
            .strip_prefix("cron(")
            .and_then(|x| x.strip_suffix(')'))
            .unwrap_or("");
        let f: Vec<&str> = inner.split(' ').collect();
        assert_eq!(f.len(), 6, "{e}");
        assert!((f[2] == "?") != (f[4] == "?"), "{e}");
        assert_eq!(f[5], "*", "{e}");
    }
}

#[test]
fn crontabs_the_config_rejects_are_errors() {
    for bad in [
        "0 9 1 * 1",
        "0 9 * *",
        "0 0 9 1 */3 *",
        "0 9 * * 8",
        "x y z w v",
    ] {
        assert!(aws_cron(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_template_has_one_deterministic_valid_schedule_name() {
    assert_eq!(recurring_schedule_name("maple-pest"), "mw-rec-maple-pest");
    let long = recurring_schedule_name(&"t".repeat(100));
    assert!(
        valid_name(&long) && long.starts_with(RECURRING_PREFIX),
        "{long}"
    );
    assert_eq!(long, recurring_schedule_name(&"t".repeat(100)));
    assert_ne!(long, recurring_schedule_name(&"t".repeat(101)));
    let odd = recurring_schedule_name("Hall #2/filters");
    assert!(
        valid_name(&odd) && odd.starts_with(RECURRING_PREFIX),
        "{odd}"
    );
}

#[test]
fn the_recurring_input_reads_as_a_target_once_the_scheduler_fills_in_the_time() {
    let input = recurring_input("hvac");
    assert_eq!(input["occurrence"], SCHEDULED_TIME);
    // What EventBridge Scheduler substitutes for <aws.scheduler.scheduled-time>.
    let fired = input
        .to_string()
        .replace(SCHEDULED_TIME, "2026-03-01T14:00:00Z");
    let fired: serde_json::Value = serde_json::from_str(&fired).unwrap_or_default();
    assert_eq!(
        timer_target(&fired).ok(),
        Some(TimerTarget::Recurring {
            template: "hvac".into(),
            occurrence: utc("2026-03-01T14:00:00Z")
        })
    );
    let offset = serde_json::json!({
        "type": "recurring", "template": "hvac", "occurrence": "2026-03-01T09:00:00-05:00"
    });
    assert_eq!(
        timer_target(&offset).ok(),
        Some(TimerTarget::Recurring {
            template: "hvac".into(),
            occurrence: utc("2026-03-01T14:00:00Z")
        })
    );
}

#[test]
fn timers_fire_into_the_function_that_owns_them() {
    let wo = |kind| TimerTarget::WorkOrder {
        work_order: WorkOrderId("wo-a".into()),
        kind,
        generation: 1,
    };
    assert_eq!(
        TimerFunction::of(&wo(TimerKind::AcceptTimeout)),
        TimerFunction::Accept
    );
    assert_eq!(
        TimerFunction::of(&wo(TimerKind::ReminderMorning)),
        TimerFunction::FollowUp
    );
    let rec = TimerTarget::Recurring {
        template: "hvac".into(),
        occurrence: utc("2026-01-01T09:00:00Z"),
    };
    assert_eq!(TimerFunction::of(&rec), TimerFunction::Recurring);
}

#[test]
fn the_input_reads_as_a_spec_and_as_a_target() {
    let s = spec("wo-abc-accept-1", utc("2026-01-01T09:00:00Z"), None);
    let input = timer_input(&s).unwrap_or_default();
    assert_eq!(input["type"], "work_order");
    assert_eq!(input["kind"], "accept_timeout");
    let back: Result<TimerSpec, _> = serde_json::from_value(input.clone());
    assert_eq!(back.ok(), Some(s.clone()));
    let bare: Result<TimerTarget, _> = serde_json::from_value(input.clone());
    assert_eq!(bare.ok(), Some(s.target.clone()));
    assert_eq!(timer_target(&input).ok(), Some(s.target.clone()));
    let recurring = serde_json::json!({
        "type": "recurring", "template": "hvac", "occurrence": "2026-03-01T14:00:00Z"
    });
    assert_eq!(
        timer_target(&recurring).ok(),
        Some(TimerTarget::Recurring {
            template: "hvac".into(),
            occurrence: utc("2026-03-01T14:00:00Z")
        })
    );
    assert!(timer_target(&serde_json::json!({"type": "nope"})).is_err());
}
