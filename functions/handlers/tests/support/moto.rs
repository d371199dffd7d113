//! A moto server on a free loopback port for one test, stopped (by its own process handle)
//! when the test ends. Missing moto is a failure that says how to install it, unless
//! `MENDWORK_SKIP_MOTO=1` asks to skip the tests that need it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub endpoint: String,
}

/// True when the moto-backed tests are to be skipped (and say so).
pub fn skipped(test: &str) -> bool {
    let skip = std::env::var("MENDWORK_SKIP_MOTO").is_ok_and(|v| v == "1");
    if skip {
        eprintln!("{test}: skipped (MENDWORK_SKIP_MOTO=1)");
    }
    skip
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Moto {
    /// Starts `moto_server -H 127.0.0.1 -p <port>` and waits until it answers.
    pub async fn start() -> Moto {
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port();
            let log = std::env::temp_dir().join(format!("mendwork-moto-{port}.log"));
            let stderr = std::fs::File::create(&log)
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null());
            let child = Command::new("moto_server")
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn();
            let mut child = match child {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                    "moto_server is not installed: run `pip install 'moto[server]'` \
                     (or set MENDWORK_SKIP_MOTO=1 to skip the AWS handler tests)"
                ),
                Err(e) => panic!("starting moto_server: {e}"),
            };
            let endpoint = format!("http://127.0.0.1:{port}");
            let http = reqwest::Client::new();
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = child.try_wait() {
                    last = format!(
                        "moto_server exited ({status}); its log: {}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    );
                    break;
                }
                let ok = http
                    .get(format!("{endpoint}/moto-api/data.json"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ok {
                    return Moto { child, endpoint };
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let _ = child.kill();
            let _ = child.wait();
            if last.is_empty() {
                last = "moto_server did not answer within 30 s".into();
            }
        }
        panic!("{last}");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
