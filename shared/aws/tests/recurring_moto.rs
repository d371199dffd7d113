//! Recurring templates' schedules on moto: a changed template is updated in place (never
//! deleted and created again, which could leave it with none while the old one is still being
//! deleted), a schedule of the template's name with the wrong content is put right, and two
//! templates that would share a schedule name are refused before anything changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{TimeZone, Utc};
use mendwork_aws::{SchedulerTimers, ensure_recurring_schedules, recurring_schedule_name};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::{Portfolio, TemplateId};
use support::MotoServer;

fn sample() -> Portfolio {
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../infra/sample-portfolio.yaml"
    ))
    .unwrap();
    parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap()
}

#[tokio::test]
async fn a_changed_template_is_updated_in_place_and_a_wrong_schedule_of_its_name_is_put_right() {
    let Some(server) = MotoServer::shared(
        "a_changed_template_is_updated_in_place_and_a_wrong_schedule_of_its_name_is_put_right",
    ) else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, group) = support::schedule_group(&sdk).await;
    let timers = SchedulerTimers::new(client.clone(), support::targets(&group));
    let mut p = sample();
    let now = Utc.with_ymd_and_hms(2026, 2, 20, 12, 0, 0).unwrap();
    ensure_recurring_schedules(&timers, &p, now).await.unwrap();
    let name = recurring_schedule_name("lakeview-filters");
    let read = || async {
        client
            .get_schedule()
            .group_name(&group)
            .name(&name)
            .send()
            .await
            .unwrap()
    };
    let before = read().await;

    p.recurring
        .iter_mut()
        .find(|t| t.id.as_str() == "lakeview-filters")
        .unwrap()
        .schedule = "30 7 * * 1-5".into();
    ensure_recurring_schedules(&timers, &p, now).await.unwrap();
    let after = read().await;
    assert_eq!(
        after.schedule_expression(),
        Some("cron(30 7 ? * MON-FRI *)")
    );
    assert_eq!(
        after.creation_date(),
        before.creation_date(),
        "the same schedule, updated: never a moment without one"
    );

    // A schedule of the template's name that is not the template's (left by an old stack, or
    // re-created by hand) is made the template's.
    client
        .update_schedule()
        .group_name(&group)
        .name(&name)
        .schedule_expression("cron(0 0 1 1 ? *)")
        .schedule_expression_timezone("UTC")
        .flexible_time_window(
            aws_sdk_scheduler::types::FlexibleTimeWindow::builder()
                .mode(aws_sdk_scheduler::types::FlexibleTimeWindowMode::Off)
                .build()
                .unwrap(),
        )
        .target(
            aws_sdk_scheduler::types::Target::builder()
                .arn("arn:aws:lambda:us-east-1:123456789012:function:elsewhere")
                .role_arn(support::targets(&group).role_arn)
                .input("{}")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    ensure_recurring_schedules(&timers, &p, now).await.unwrap();
    let fixed = read().await;
    assert_eq!(
        fixed.schedule_expression(),
        Some("cron(30 7 ? * MON-FRI *)")
    );
    assert_eq!(
        fixed.schedule_expression_timezone(),
        Some("America/Chicago")
    );
    assert_eq!(
        fixed.target().map(|t| t.arn()),
        Some(support::targets(&group).recurring_arn.as_str())
    );
}

#[tokio::test]
async fn two_templates_that_would_share_a_schedule_name_are_refused_before_anything_changes() {
    let Some(server) = MotoServer::shared(
        "two_templates_that_would_share_a_schedule_name_are_refused_before_anything_changes",
    ) else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, group) = support::schedule_group(&sdk).await;
    let timers = SchedulerTimers::new(client.clone(), support::targets(&group));
    let mut p = sample();
    // An id that is not a valid schedule name is cleaned and hashed; a second id spelled as
    // that result would land on the same schedule.
    let odd = "hall #2/filters";
    let cleaned = recurring_schedule_name(odd);
    let twin = cleaned
        .strip_prefix(mendwork_aws::RECURRING_PREFIX)
        .unwrap();
    let mut first = p.recurring[0].clone();
    first.id = TemplateId(odd.into());
    let mut second = p.recurring[0].clone();
    second.id = TemplateId(twin.into());
    p.recurring = vec![first, second];
    let now = Utc.with_ymd_and_hms(2026, 2, 20, 12, 0, 0).unwrap();
    let err = ensure_recurring_schedules(&timers, &p, now)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("would share the schedule"), "{err}");
    let listed = client
        .list_schedules()
        .group_name(&group)
        .send()
        .await
        .unwrap();
    assert!(listed.schedules().is_empty(), "nothing was created");
}
