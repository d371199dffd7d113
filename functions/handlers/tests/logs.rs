//! What the functions log never names a person's address or number: a run through the handlers
//! on moto — the form, offers and replies by SMS, STOP, a text and an email the services refuse
//! while quoting the recipient, a configuration fault, the sweeper — is logged as Lambda logs it
//! (INFO and above, through a tracing subscriber of the test's own), and the captured lines are
//! searched for every phone number and address of the run and for anything shaped like one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use support::aws::{World, utc};
use support::proxy::{Fault, FaultKind};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Spans of text shaped like an E.164 number (`+` and 8 or more digits) or an email address.
fn shaped_like_contacts(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = vec![];
    for (i, c) in chars.iter().enumerate() {
        if *c == '+' {
            let digits: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if digits.len() >= 8 {
                found.push(format!("+{digits}"));
            }
        }
        if *c == '@' && i > 0 && chars[i - 1].is_ascii_alphanumeric() {
            let domain: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '.' || **c == '-')
                .collect();
            if domain.trim_end_matches('.').contains('.') {
                let start = chars[..i]
                    .iter()
                    .rposition(|c| !(c.is_ascii_alphanumeric() || ".+_-".contains(*c)))
                    .map_or(0, |p| p + 1);
                found.push(format!(
                    "{}@{domain}",
                    chars[start..i].iter().collect::<String>()
                ));
            }
        }
    }
    found
}

#[test]
fn the_detector_finds_numbers_and_addresses() {
    let found = shaped_like_contacts("to +17185550199 and Ana.Lopez@example.com. not +1234 or a@b");
    assert_eq!(found, ["+17185550199", "Ana.Lopez@example.com."]);
}

#[tokio::test]
async fn a_run_with_refusals_and_faults_logs_no_phone_number_and_no_email_address() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    let Some(w) = World::start("logs", utc("2026-03-04T15:00:00Z")).await else {
        return;
    };
    w.sign_in("maintenance@example.com").await;
    let tenant_phone = "+13475550191";
    let tenant_email = "alex.rivera@example.org";
    let created = w
        .post_json(
            "/api/work-orders",
            &json!({
                "property": "maple-court", "unit": "4B",
                "tenant": {"name": "Alex Rivera", "email": tenant_email, "phone": tenant_phone},
                "description": "Kitchen sink leaking under the cabinet", "category": "plumbing",
                "emergency": false,
                "availability": [{"start": "2026-03-05T14:00:00Z", "end": "2026-03-05T17:00:00Z"}]
            }),
        )
        .await;
    let id = created.json()["id"].as_str().unwrap().to_string();
    let pat = w.vendor_phone("pat-plumbing").await;
    let code = w.work_order(&id).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    w.sms(&pat, &format!("YES {code}")).await;
    // SNS refuses the slot-confirmation text and SES the tenant's invite, quoting them.
    w.proxy.inject(Fault {
        operation: "Publish",
        key_prefix: None,
        kind: FaultKind::Refuse,
        times: 1,
    });
    w.proxy.inject(Fault {
        operation: "SendEmail",
        key_prefix: None,
        kind: FaultKind::Refuse,
        times: 1,
    });
    w.sms(&pat, "1").await;
    let wo = w.work_order(&id).await;
    let refused = wo["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "message_undelivered")
        .count();
    assert_eq!(refused, 2, "both refusals are on the timeline");
    // SNS is denied to the deployment for a moment: the text is parked, then swept.
    w.proxy.inject(Fault {
        operation: "Publish",
        key_prefix: None,
        kind: FaultKind::Deny,
        times: 1,
    });
    w.sms(tenant_phone, "STOP").await;
    w.sms("+12025550143", "hello?").await;
    w.clock.set(w.now() + chrono::Duration::minutes(6));
    w.sweep().await;
    w.advance(2 * 24 * 3600).await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("message refused by the service") && logs.contains("parked"),
        "the run logged what it should: {logs}"
    );
    let portfolio = w.app.portfolio();
    let mut known: Vec<String> = vec![
        tenant_phone.into(),
        tenant_email.into(),
        "+12025550143".into(),
        portfolio.team.email.to_string(),
    ];
    for v in &portfolio.vendors {
        known.push(v.phone.to_string());
        known.push(v.email.to_string());
    }
    for p in &portfolio.properties {
        known.push(p.owner.email.to_string());
    }
    for value in &known {
        assert!(
            !logs.to_lowercase().contains(&value.to_lowercase()),
            "the logs name {value}:\n{}",
            logs.lines()
                .filter(|l| l.to_lowercase().contains(&value.to_lowercase()))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let shaped = shaped_like_contacts(&logs);
    assert!(shaped.is_empty(), "{shaped:?}");
}
