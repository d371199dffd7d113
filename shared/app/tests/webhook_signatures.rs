//! Our webhook signatures verified by an independent implementation of the Standard Webhooks
//! specification — its Python library (installed by `infra/test` beside moto) — including a
//! rotation's two signatures, bodies with any characters, and a tampered body refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::DateTime;
use mendwork_app::webhooks::{WebhookSecret, sign};
use std::io::Write;
use std::process::{Command, Stdio};

/// Verifies each case (secret, headers, body) with Python's `standardwebhooks`; prints one
/// `ok` or the error per case. The library refuses timestamps five minutes from its own clock,
/// so the check of the timestamp is replaced by one that accepts the one signed: what is
/// checked here is the signature, and the clock is not ours to read.
const VERIFY: &str = r#"
import json, sys
from datetime import datetime, timezone
from standardwebhooks.webhooks import Webhook
for case in json.load(sys.stdin):
    wh = Webhook(case["secret"])
    wh._Webhook__verify_timestamp = lambda ts: datetime.fromtimestamp(int(ts), tz=timezone.utc)
    try:
        wh.verify(case["body"].encode(), case["headers"], json_parse=False)
        print("ok")
    except Exception as e:
        print(type(e).__name__)
"#;

fn python_verify(cases: &serde_json::Value) -> Vec<String> {
    let mut child = Command::new("python3")
        .args(["-c", VERIFY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(cases.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python's standardwebhooks could not run — install it with `pip install standardwebhooks` \
         (infra/test does): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn case(
    secret: &WebhookSecret,
    id: &str,
    at: i64,
    body: &str,
    secrets: &[WebhookSecret],
) -> serde_json::Value {
    let h = sign(
        id,
        DateTime::from_timestamp(at, 0).unwrap(),
        body.as_bytes(),
        secrets,
    )
    .unwrap();
    let headers: serde_json::Map<String, serde_json::Value> = h
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into()))
        .collect();
    serde_json::json!({"secret": secret.reveal(), "headers": headers, "body": body})
}

#[test]
fn an_independent_implementation_verifies_what_we_sign() {
    let a = WebhookSecret::generate();
    let b = WebhookSecret::generate();
    let event = r#"{"id":"evt_wo1_3_0","type":"work_order.accepted","version":1,"data":{"vendor":"pat","note":"niño — 100 °F ✓"}}"#;
    let mut cases = vec![
        case(
            &a,
            "evt_wo1_3_0",
            1_772_636_400,
            event,
            std::slice::from_ref(&a),
        ),
        // A rotation: each delivery carries both signatures; a receiver with either verifies.
        case(
            &a,
            "evt_wo1_3_1",
            1_772_636_460,
            event,
            &[a.clone(), b.clone()],
        ),
        case(
            &b,
            "evt_wo1_3_1",
            1_772_636_460,
            event,
            &[a.clone(), b.clone()],
        ),
    ];
    // A tampered body, and a receiver holding a secret that signed nothing, are refused.
    let mut tampered = case(
        &a,
        "evt_wo1_3_2",
        1_772_636_520,
        event,
        std::slice::from_ref(&a),
    );
    tampered["body"] = event.replace("pat", "pet").into();
    cases.push(tampered);
    let stranger = WebhookSecret::generate();
    let mut wrong = case(
        &a,
        "evt_wo1_3_3",
        1_772_636_580,
        event,
        std::slice::from_ref(&a),
    );
    wrong["secret"] = stranger.reveal().into();
    cases.push(wrong);

    let verdicts = python_verify(&serde_json::Value::Array(cases));
    assert_eq!(
        verdicts,
        [
            "ok",
            "ok",
            "ok",
            "WebhookVerificationError",
            "WebhookVerificationError"
        ]
    );
}
