//! A stand-in for the Lambda Runtime API on 127.0.0.1, for starting a function binary as Lambda
//! does: the first `GET …/invocation/next` gets the event, the function's answer (or error) is
//! recorded with the instant it arrived, and later `next` calls wait, as a function idles
//! between invocations.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mendwork_app::ports::{Clock as _, SystemClock};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What the function posted for its invocation.
#[derive(Debug)]
pub struct Answer {
    pub at: Instant,
    /// True for `…/response`, false for `…/error` and `init/error`.
    pub ok: bool,
    pub body: String,
}

#[derive(Clone)]
struct Shared {
    event: Arc<Value>,
    handed_out: Arc<AtomicBool>,
    answers: mpsc::UnboundedSender<Answer>,
}

/// One running stand-in, serving one invocation.
pub struct RuntimeApi {
    pub addr: SocketAddr,
    answers: mpsc::UnboundedReceiver<Answer>,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    pub async fn start(event: Value) -> std::io::Result<RuntimeApi> {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Shared {
            event: Arc::new(event),
            handed_out: Arc::new(AtomicBool::new(false)),
            answers: tx,
        };
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(RuntimeApi {
            addr,
            answers: rx,
            server,
        })
    }

    /// The function's answer, or `None` if none came within `timeout`.
    pub async fn answer(&mut self, timeout: Duration) -> Option<Answer> {
        tokio::time::timeout(timeout, self.answers.recv())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn next(State(s): State<Shared>) -> Response {
    if s.handed_out.swap(true, Ordering::SeqCst) {
        // The function waits here for its next event, as it would between invocations.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        return StatusCode::GATEWAY_TIMEOUT.into_response();
    }
    let mut headers = HeaderMap::new();
    let deadline = SystemClock.now().timestamp_millis() + 20_000;
    for (k, v) in [
        (
            "lambda-runtime-aws-request-id",
            "bench-invocation-1".to_string(),
        ),
        ("lambda-runtime-deadline-ms", deadline.to_string()),
        (
            "lambda-runtime-invoked-function-arn",
            "arn:aws:lambda:us-east-1:123456789012:function:bench".to_string(),
        ),
        ("content-type", "application/json".to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            headers.insert(k, v);
        }
    }
    (headers, s.event.to_string()).into_response()
}

fn record(s: &Shared, ok: bool, body: Bytes) -> StatusCode {
    let _ = s.answers.send(Answer {
        at: Instant::now(),
        ok,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    StatusCode::ACCEPTED
}

async fn response(State(s): State<Shared>, Path(_id): Path<String>, body: Bytes) -> StatusCode {
    record(&s, true, body)
}

async fn error(State(s): State<Shared>, Path(_id): Path<String>, body: Bytes) -> StatusCode {
    record(&s, false, body)
}

async fn init_error(State(s): State<Shared>, body: Bytes) -> StatusCode {
    record(&s, false, body)
}
