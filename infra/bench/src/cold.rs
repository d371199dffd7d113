//! Cold start: a function binary started as Lambda starts it (a fresh process, the Runtime API
//! on loopback, one event), timed from the spawn to its answer, with the CPU time and the peak
//! memory of the whole process. The deployed function reads its secret and portfolio at start
//! from moto's server, provisioned as the stack would be.

use crate::runtime_api::RuntimeApi;
use anyhow::{Context, bail};
use nix::sys::resource::{UsageWho, getrusage};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One cold start.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    /// Spawn to the answer of the first invocation.
    pub wall: Duration,
    /// User + system CPU time of the process until it was stopped, idle after answering.
    pub cpu: Duration,
    /// Peak resident memory (VmHWM), kB.
    pub peak_kb: u64,
}

/// A function binary and how to start it.
pub struct Function {
    pub binary: PathBuf,
    pub env: Vec<(String, String)>,
    pub event: Value,
}

fn children_cpu() -> anyhow::Result<Duration> {
    let u = getrusage(UsageWho::RUSAGE_CHILDREN).context("reading the children's CPU time")?;
    let tv = |t: nix::sys::time::TimeVal| {
        Duration::from_secs(t.tv_sec().max(0) as u64)
            + Duration::from_micros(t.tv_usec().max(0) as u64)
    };
    Ok(tv(u.user_time()) + tv(u.system_time()))
}

fn peak_kb(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no VmHWM in /proc/<pid>/status")
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

impl Function {
    /// Starts the function once, hands it its event and measures the start.
    pub async fn cold_start(&self) -> anyhow::Result<Start> {
        let mut api = RuntimeApi::start(self.event.clone())
            .await
            .context("starting the Runtime API stand-in")?;
        let before = children_cpu()?;
        let spawned = Instant::now();
        let child = Command::new(&self.binary)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_LEVEL", "ERROR")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", self.binary.display()))?;
        let Some(answer) = api.answer(Duration::from_secs(60)).await else {
            stop(child);
            bail!("{} did not answer within 60 s", self.binary.display());
        };
        let peak = peak_kb(child.id());
        stop(child);
        if !answer.ok {
            bail!(
                "{} failed its invocation: {}",
                self.binary.display(),
                answer.body
            );
        }
        Ok(Start {
            wall: answer.at - spawned,
            cpu: children_cpu()?.saturating_sub(before),
            peak_kb: peak?,
        })
    }
}

/// A `moto_server` on a free loopback port, stopped when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Moto {
    /// Starts `moto_server` (from `PATH`, else the virtualenv `infra/test` makes under
    /// `target/py`) and waits until it answers.
    pub async fn start(root: &Path) -> anyhow::Result<Moto> {
        let local = root.join("target/py/bin/moto_server");
        let program = if local.is_file() {
            local
        } else {
            PathBuf::from("moto_server")
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| {
                format!(
                    "starting {} (pip install 'moto[server]', or run infra/test once)",
                    program.display()
                )
            })?;
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let http = mendwork_app::https::client_builder().build()?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let up = http
                .get(format!("{}/moto-api/data.json", moto.endpoint))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if up {
                return Ok(moto);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("moto_server did not answer within 30 s")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An API Gateway HTTP API (payload 2.0) request for `GET path`, as the `pm` function gets it.
pub fn http_get(path: &str) -> Value {
    serde_json::json!({
        "version": "2.0",
        "routeKey": format!("GET {path}"),
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "host": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
            "accept": "text/html",
            "x-forwarded-proto": "https",
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3d4e5",
            "domainName": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "a1b2c3d4e5",
            "http": {
                "method": "GET",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "mendwork-bench",
            },
            "requestId": "bench",
            "routeKey": format!("GET {path}"),
            "stage": "$default",
            "time": "04/Mar/2026:15:00:00 +0000",
            "timeEpoch": 1_772_636_400_000_i64,
        },
        "isBase64Encoded": false,
    })
}
