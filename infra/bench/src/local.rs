//! Local mode: a tenant request in through the JSON API until the vendor's offer is sent (all
//! inside the one HTTP request, as local mode settles the outbox before answering), and the CPU
//! time of typical transitions (a vendor accepts; picks a slot) run by the shared step, which
//! is the same code every Lambda handler runs.

use anyhow::{Context, bail, ensure};
use chrono::{DateTime, Duration as Span, Utc};
use mendwork_app::Exec;
use mendwork_domain::{Command, VendorId, WorkOrderId};
use mendwork_local::{Options, start};
use nix::time::{ClockId, clock_gettime};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// What one local run measured.
pub struct Local {
    /// `POST /api/work-orders` until the offer SMS is recorded, per request.
    pub submit_to_offer: Vec<Duration>,
    /// CPU time of one transition (the workflow step: load, decide, commit), per transition.
    pub transition_cpu: Vec<Duration>,
}

fn process_cpu() -> anyhow::Result<Duration> {
    let t = clock_gettime(ClockId::CLOCK_PROCESS_CPUTIME_ID).context("reading the CPU clock")?;
    Ok(Duration::from_secs(t.tv_sec().max(0) as u64)
        + Duration::from_nanos(t.tv_nsec().max(0) as u64))
}

fn request(i: usize, start: DateTime<Utc>) -> Value {
    // Each request its own two hours, so one vendor can take them all without a clash.
    let from = start + Span::days(1) + Span::hours(2 * i as i64);
    json!({
        "property": "maple-court",
        "unit": format!("B{i}"),
        "tenant": {"name": "Bench Tenant", "phone": "+17185550199"},
        "description": "Kitchen sink leaking under the cabinet",
        "availability": [{"start": from.to_rfc3339(), "end": (from + Span::hours(2)).to_rfc3339()}],
    })
}

/// Runs `runs` requests through a fresh local instance, then two transitions on each.
pub async fn measure(runs: usize) -> anyhow::Result<Local> {
    let dir = tempfile::tempdir().context("a temporary folder")?;
    let clock = DateTime::parse_from_rfc3339("2026-03-04T15:00:00Z")?.with_timezone(&Utc);
    let running = start(Options {
        clock_start: Some(clock),
        ..Options::new(dir.path().join("bench.db"))
    })
    .await?;
    let base = running.base_url.clone();
    let http = mendwork_app::https::client_builder().build()?;
    let mut submit_to_offer = vec![];
    let mut made: Vec<(WorkOrderId, VendorId)> = vec![];
    for i in 0..runs {
        let body = request(i, clock);
        let sent = Instant::now();
        let res = http
            .post(format!("{base}/api/work-orders"))
            .json(&body)
            .send()
            .await?;
        let took = sent.elapsed();
        ensure!(
            res.status().as_u16() == 201,
            "creating a work order: {}",
            res.status()
        );
        let wo: Value = res.json().await?;
        let id = wo["id"].as_str().context("a work order id")?.to_string();
        let vendor = wo["offer"]["vendor"]
            .as_str()
            .context("an offer out when the request answered")?
            .to_string();
        let outbox: Value = http
            .get(format!("{base}/dev/outbox?work_order={id}"))
            .send()
            .await?
            .json()
            .await?;
        let offered = outbox["messages"].as_array().is_some_and(|m| {
            m.iter().any(|m| {
                m["channel"] == "sms"
                    && m["body"].as_str().is_some_and(|b| b.starts_with("New job"))
            })
        });
        if !offered {
            bail!("no offer SMS was sent for {id}: {outbox}");
        }
        submit_to_offer.push(took);
        made.push((WorkOrderId(id), VendorId(vendor)));
    }

    let app = running.app.clone();
    let mut transition_cpu = vec![];
    for (id, vendor) in &made {
        for command in [
            Command::Accept {
                vendor: vendor.clone(),
            },
            Command::ChooseSlot {
                vendor: vendor.clone(),
                slot: 1,
            },
        ] {
            let before = process_cpu()?;
            let done = app.execute(id, command, Exec::default()).await;
            let cpu = process_cpu()?.saturating_sub(before);
            let done = done.with_context(|| format!("a transition of {id}"))?;
            ensure!(
                !done.events.is_empty(),
                "the transition of {id} did nothing"
            );
            transition_cpu.push(cpu);
            app.drain().await.context("delivering the outbox")?;
        }
    }
    running.shutdown().await;
    Ok(Local {
        submit_to_offer,
        transition_cpu,
    })
}
