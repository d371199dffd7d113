//! Test support: a moto server on a free loopback port, shared by the tests of one binary while
//! any of them holds it and stopped when the last one lets go, plus SDK configuration and
//! fresh resources (table, schedule group, sender identity) on it.
//!
//! `MENDWORK_SKIP_MOTO=1` skips the tests that need moto (each says so). Otherwise a missing or
//! broken `moto_server` fails them, saying how to install it.

#![allow(dead_code)]

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

const INSTALL: &str = "install it with `pip install 'moto[server]'` (or set MENDWORK_SKIP_MOTO=1 \
                       to skip the tests that need it)";

/// A running `moto_server`; killed when dropped.
pub struct MotoServer {
    child: Mutex<Child>,
    pub endpoint: String,
}

static SHARED: Mutex<Weak<MotoServer>> = Mutex::new(Weak::new());

impl MotoServer {
    /// The server of this test binary, started if none is running; `None` (after saying so)
    /// when `MENDWORK_SKIP_MOTO=1`.
    pub fn shared(test: &str) -> Option<Arc<MotoServer>> {
        if std::env::var("MENDWORK_SKIP_MOTO").as_deref() == Ok("1") {
            eprintln!("SKIPPED {test}: MENDWORK_SKIP_MOTO=1 (it needs moto_server)");
            return None;
        }
        let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(server) = shared.upgrade() {
            return Some(server);
        }
        let server = Arc::new(MotoServer::start());
        *shared = Arc::downgrade(&server);
        Some(server)
    }

    /// A server of its own that handles one request at a time, for tests of what concurrent
    /// requests do: real DynamoDB applies conflicting transactions one after the other, but
    /// moto's threaded server runs them side by side without a lock (its TransactWriteItems
    /// checks, writes and, on failure, restores a copy of the whole table), so under load two
    /// commits conditioned on the same version can both land there. `None` when skipped.
    pub fn serialized(test: &str) -> Option<MotoServer> {
        if std::env::var("MENDWORK_SKIP_MOTO").as_deref() == Ok("1") {
            eprintln!("SKIPPED {test}: MENDWORK_SKIP_MOTO=1 (it needs moto_server)");
            return None;
        }
        // moto_server's own interpreter, from its first line, runs moto's app unthreaded.
        let python = moto_python().unwrap_or_else(|| "python3".into());
        let script = "import sys\n\
            from werkzeug.serving import run_simple\n\
            from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app\n\
            run_simple('127.0.0.1', int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False, request_handler=MotoRequestHandler)\n";
        Some(MotoServer::spawn(|port| {
            let mut c = Command::new(&python);
            c.args(["-c", script, &port.to_string()]);
            c
        }))
    }

    fn start() -> MotoServer {
        MotoServer::spawn(|port| {
            let mut c = Command::new("moto_server");
            c.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
            c
        })
    }

    fn spawn(command: impl FnOnce(u16) -> Command) -> MotoServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let child = command(port)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => panic!("cannot start moto_server ({e}): {INSTALL}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                if let Some(mut s) = child.stderr.take() {
                    let _ = s.read_to_string(&mut err);
                }
                panic!("moto_server exited ({status}): {err}\n{INSTALL}");
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("moto_server did not listen on port {port} within 30 s: {INSTALL}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Its log goes to a pipe nobody reads; drop our end so it can never block on it.
        drop(child.stderr.take());
        MotoServer {
            child: Mutex::new(child),
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// SDK configuration for this server: dummy credentials, a fixed region, the endpoint —
    /// all explicit, so tests running in parallel never touch the process environment — over
    /// the functions' own HTTPS client (compiled-in roots, `mendwork_aws::tls`), so every
    /// test on moto builds its connector as a function does.
    pub async fn sdk(&self) -> SdkConfig {
        let https = match mendwork_aws::tls::https_client() {
            Ok(client) => client,
            Err(e) => panic!("the functions' HTTPS client: {e}"),
        };
        aws_config::defaults(BehaviorVersion::latest())
            .http_client(https)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .endpoint_url(&self.endpoint)
            .load()
            .await
    }

    /// moto's record of everything it was sent (`GET /moto-api/data.json`).
    pub async fn data(&self) -> serde_json::Value {
        reqwest::get(format!("{}/moto-api/data.json", self.endpoint))
            .await
            .expect("moto answers")
            .json()
            .await
            .expect("moto's data is JSON")
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(PoisonError::into_inner);
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The interpreter on the first line of the `moto_server` found on `PATH`.
fn moto_python() -> Option<String> {
    let path = std::env::var_os("PATH")?;
    let script = std::env::split_paths(&path)
        .map(|d| d.join("moto_server"))
        .find(|p| p.is_file())?;
    let text = std::fs::read_to_string(script).ok()?;
    let first = text.lines().next()?.strip_prefix("#!")?.trim();
    (!first.is_empty() && !first.contains(' ')).then(|| first.to_string())
}

/// A name no other test uses.
pub fn fresh(prefix: &str) -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{prefix}-{n:016x}")
}

/// A fresh table, created as the template declares it.
pub async fn table(sdk: &SdkConfig) -> (aws_sdk_dynamodb::Client, String) {
    let client = aws_sdk_dynamodb::Client::new(sdk);
    let name = fresh("mendwork");
    mendwork_aws::create_table(&client, &name)
        .await
        .expect("the table is created");
    (client, name)
}

/// A fresh schedule group.
pub async fn schedule_group(sdk: &SdkConfig) -> (aws_sdk_scheduler::Client, String) {
    let client = aws_sdk_scheduler::Client::new(sdk);
    let name = fresh("mendwork");
    client
        .create_schedule_group()
        .name(&name)
        .send()
        .await
        .expect("the schedule group is created");
    (client, name)
}

/// Makes `sender` a verified SES identity (moto rejects mail from anyone else).
pub async fn verified_sender(sdk: &SdkConfig, sender: &str) {
    aws_sdk_sesv2::Client::new(sdk)
        .create_email_identity()
        .email_identity(sender)
        .send()
        .await
        .expect("the sender identity is created");
}

pub fn targets(group: &str) -> mendwork_aws::SchedulerTargets {
    mendwork_aws::SchedulerTargets {
        group: group.to_string(),
        role_arn: "arn:aws:iam::123456789012:role/mendwork-scheduler".into(),
        accept_arn: "arn:aws:lambda:us-east-1:123456789012:function:accept".into(),
        followup_arn: "arn:aws:lambda:us-east-1:123456789012:function:followup".into(),
        recurring_arn: "arn:aws:lambda:us-east-1:123456789012:function:recurring".into(),
    }
}

/// A fresh bucket for attached files.
pub async fn bucket(sdk: &SdkConfig) -> String {
    let client = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    );
    let name = fresh("mendwork-files");
    client
        .create_bucket()
        .bucket(&name)
        .send()
        .await
        .expect("the bucket is created");
    name
}
