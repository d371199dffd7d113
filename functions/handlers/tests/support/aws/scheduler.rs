//! EventBridge Scheduler, played: the schedules read back from moto, fired in time order at
//! their own time into their target's handler, and deleted after (cron schedules stay).

use super::{Fired, GROUP, Schedule, World, utc};
use chrono::{DateTime, Duration, Utc};
use lambda_runtime::LambdaEvent;
use serde_json::{Value, json};

impl World {
    /// The schedules in the group, as moto holds them.
    pub async fn schedules(&self) -> Vec<Schedule> {
        let client = aws_sdk_scheduler::Client::new(&self.sdk);
        let listed = client
            .list_schedules()
            .group_name(GROUP)
            .send()
            .await
            .unwrap();
        let mut out = vec![];
        for summary in listed.schedules() {
            let Some(name) = summary.name() else { continue };
            let got = client
                .get_schedule()
                .name(name)
                .group_name(GROUP)
                .send()
                .await
                .unwrap();
            let target = got.target().unwrap();
            let input: Value = serde_json::from_str(target.input().unwrap_or("null")).unwrap();
            let at = if input["occurrence"] == mendwork_aws::SCHEDULED_TIME {
                // A recurring template's cron schedule: due at the template's next occurrence
                // (in its property's zone) after the last one the world fired.
                assert!(
                    got.schedule_expression()
                        .is_some_and(|e| e.starts_with("cron(")),
                    "{name}"
                );
                self.next_occurrence(name, &input)
            } else {
                input["at"]
                    .as_str()
                    .map(utc)
                    .unwrap_or_else(|| panic!("schedule {name} has no time in its input: {input}"))
            };
            out.push(Schedule {
                name: name.to_string(),
                target_arn: target.arn().to_string(),
                input,
                at,
            });
        }
        out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.name.cmp(&b.name)));
        out
    }

    /// When a recurring template's cron schedule is next due: never for a template no longer
    /// in the portfolio or active.
    fn next_occurrence(&self, name: &str, input: &Value) -> DateTime<Utc> {
        let portfolio = self.app.portfolio();
        let after = self
            .occurrences
            .lock()
            .unwrap()
            .get(name)
            .copied()
            .unwrap_or_else(|| self.now());
        portfolio
            .recurring
            .iter()
            .find(|t| input["template"] == t.id.as_str() && t.active.unwrap_or(true))
            .and_then(|t| mendwork_app::recurring::next_occurrence(&portfolio, t, after))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Fires, in time order and each at its own time, every schedule due by `until`, then
    /// leaves the clock at `until`.
    pub async fn clock_to(&self, until: DateTime<Utc>) -> Vec<Fired> {
        let mut fired = vec![];
        loop {
            let next = self
                .schedules()
                .await
                .into_iter()
                .find(|s| s.at <= until && !self.fired.lock().unwrap().contains(&s.name));
            let Some(schedule) = next else { break };
            fired.push(self.fire(&schedule).await);
        }
        if until > self.now() {
            self.clock.set(until);
        }
        fired
    }

    pub async fn advance(&self, seconds: i64) -> Vec<Fired> {
        self.clock_to(self.now() + Duration::seconds(seconds)).await
    }

    /// What EventBridge Scheduler does at a schedule's time: invokes its target with its
    /// input, then deletes it (`ActionAfterCompletion=DELETE`); a recurring template's cron
    /// schedule gets its `<aws.scheduler.scheduled-time>` filled in and stays.
    pub async fn fire(&self, schedule: &Schedule) -> Fired {
        if schedule.at > self.now() {
            self.clock.set(schedule.at);
        }
        let function = if schedule.target_arn == self.cfg.accept_target_arn {
            "accept-timeout"
        } else if schedule.target_arn == self.cfg.followup_target_arn {
            "followups"
        } else if schedule.target_arn == self.cfg.recurring_target_arn {
            "recurring"
        } else {
            panic!("schedule {} targets {}", schedule.name, schedule.target_arn)
        };
        let cron = schedule.input["occurrence"] == mendwork_aws::SCHEDULED_TIME;
        let mut input = schedule.input.clone();
        if cron {
            // The scheduler fills in the occurrence's time.
            input["occurrence"] = json!(schedule.at.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        let lambda = LambdaEvent::new(input, self.context());
        self.proxy.running(Some(function));
        let answer = mendwork_handlers::timer(&self.app, lambda)
            .await
            .unwrap_or_else(|d| panic!("{function} failed: {} {}", d.error_type, d.error_message));
        self.proxy.running(None);
        self.check_granted();
        if cron {
            // A cron schedule stays; the next occurrence is due next.
            self.occurrences
                .lock()
                .unwrap()
                .insert(schedule.name.clone(), schedule.at);
        } else {
            self.fired.lock().unwrap().insert(schedule.name.clone());
            aws_sdk_scheduler::Client::new(&self.sdk)
                .delete_schedule()
                .name(&schedule.name)
                .group_name(GROUP)
                .send()
                .await
                .unwrap();
        }
        self.pump().await;
        Fired {
            schedule: schedule.name.clone(),
            function,
            at: schedule.at,
            answer: serde_json::to_value(answer).unwrap(),
        }
    }
}
