//! The [`HttpSender`] that really posts webhook deliveries (reqwest on rustls), shared by the
//! deployed functions and the local runner, and a fake that records what it was asked to send.

use crate::deliveries::{Answer, HttpSender};
use async_trait::async_trait;
use std::sync::Mutex;
use std::time::Duration;

/// How long a receiver has to answer: Standard Webhooks asks receivers to answer at once and
/// do the work later, so a slow one counts as a failed attempt and is retried.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Posts with reqwest. Follows no redirect (a delivery goes where the team said); deployed,
/// refuses anything but `https://`.
pub struct ReqwestSender {
    client: reqwest::Client,
}

impl ReqwestSender {
    /// `https_only`: true when deployed (the configuration allows `http://` to loopback only,
    /// for a receiver beside the local runner).
    pub fn new(https_only: bool) -> Result<ReqwestSender, reqwest::Error> {
        let client = crate::https::client_builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .https_only(https_only)
            .user_agent("Mendwork-Webhooks/1")
            .build()?;
        Ok(ReqwestSender { client })
    }
}

#[async_trait]
impl HttpSender for ReqwestSender {
    async fn post(&self, url: &str, headers: &[(&'static str, String)], body: &str) -> Answer {
        let mut req = self.client.post(url).body(body.to_string());
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        match req.send().await {
            Ok(resp) => Ok(resp.status().as_u16()),
            // The error's text names the failure (timeout, refused, TLS); it quotes the URL,
            // which is the team's own configuration, never an address of a person.
            Err(e) => Err(if e.is_timeout() {
                format!("no answer within {} s", TIMEOUT.as_secs())
            } else if e.is_connect() {
                "could not connect".to_string()
            } else {
                "the request failed before an answer".to_string()
            }),
        }
    }
}

/// One request the fake was asked to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Sent {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A sender for tests: records every request and answers from a script (then `status`).
pub struct FakeSender {
    sent: Mutex<Vec<Sent>>,
    script: Mutex<Vec<Answer>>,
    status: u16,
}

impl FakeSender {
    /// Answers `script` in order, then `status` to everything after.
    pub fn new(script: Vec<Answer>, status: u16) -> FakeSender {
        let mut script = script;
        script.reverse();
        FakeSender {
            sent: Mutex::new(vec![]),
            script: Mutex::new(script),
            status,
        }
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl HttpSender for FakeSender {
    async fn post(&self, url: &str, headers: &[(&'static str, String)], body: &str) -> Answer {
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(Sent {
                url: url.to_string(),
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.clone()))
                    .collect(),
                body: body.to_string(),
            });
        }
        let next = self.script.lock().ok().and_then(|mut s| s.pop());
        next.unwrap_or(Ok(self.status))
    }
}
