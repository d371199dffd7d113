//! SES and SNS sends on moto, read back from moto's own record of what it was sent; each outbox
//! id is sent once, a failed send can be retried, and a crashed send is taken over later.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{Duration, SecondsFormat};
use mendwork_app::ports::{Clock as _, Delivery, Mailer, SystemClock, Texter};
use mendwork_aws::{SentGuard, SesMailer, SnsTexter};
use mendwork_domain::{Email, EmailMessage, Phone, Recipient, SmsMessage, VendorId, WorkOrderId};
use serde_json::Value;
use support::{MotoServer, fresh};

fn email(to: &str, subject: &str, ics: Option<&str>) -> EmailMessage {
    EmailMessage {
        to: Email::parse(to).unwrap(),
        recipient: Recipient::Tenant,
        subject: subject.into(),
        text: format!("Body of {subject}"),
        ics: ics.map(str::to_string),
        key: "tenant.scheduled.email".into(),
        language: mendwork_domain::Language::En,
    }
}

fn sms(to: &str, body: &str) -> SmsMessage {
    SmsMessage {
        to: Phone::parse(to).unwrap(),
        recipient: Recipient::Vendor(VendorId("pat".into())),
        body: body.into(),
        key: "vendor.offer.sms".into(),
    }
}

/// Every message moto recorded (simple and raw mail alike) whose JSON mentions `needle`.
fn sent_mail(data: &Value, needle: &str) -> Vec<Value> {
    let mut out = vec![];
    if let Some(ses) = data.get("ses").and_then(Value::as_object) {
        for (kind, messages) in ses {
            if !kind.contains("Message") {
                continue;
            }
            for m in messages.as_array().into_iter().flatten() {
                if m.to_string().contains(needle) {
                    out.push(m.clone());
                }
            }
        }
    }
    out
}

fn sent_sms(data: &Value, phone: &str) -> Vec<Value> {
    data["sns"]["SMS"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["phone_number"] == phone)
        .cloned()
        .collect()
}

async fn guard(sdk: &aws_config::SdkConfig) -> (aws_sdk_dynamodb::Client, String, SentGuard) {
    let (client, table) = support::table(sdk).await;
    let guard = SentGuard::new(client.clone(), table.clone());
    (client, table, guard)
}

#[tokio::test]
async fn an_email_is_sent_once_per_outbox_id() {
    let Some(server) = MotoServer::shared("an_email_is_sent_once_per_outbox_id") else {
        return;
    };
    let sdk = server.sdk().await;
    let sender = format!("{}@example.com", fresh("noreply"));
    support::verified_sender(&sdk, &sender).await;
    let (_, _, guard) = guard(&sdk).await;
    let mailer = SesMailer::new(aws_sdk_sesv2::Client::new(&sdk), guard, sender.clone());
    let to = format!("{}@example.com", fresh("ana"));
    let wo = WorkOrderId("wo-abc".into());
    let id = fresh("wo-abc/2");

    mailer
        .send(&id, Some(&wo), &email(&to, "First", None))
        .await
        .unwrap();
    mailer
        .send(&id, Some(&wo), &email(&to, "Second", None))
        .await
        .unwrap();
    let sent = sent_mail(&server.data().await, &to);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["subject"], "First");
    // moto keeps one body of a text + HTML message: either way it carries the text.
    let body = sent[0]["body"].as_str().unwrap_or_default();
    assert!(body.contains("Body of First"), "{body}");
    assert_eq!(sent[0]["source"], sender.as_str());

    // Another id to the same address is another message.
    mailer
        .send(&fresh("wo-abc/3"), Some(&wo), &email(&to, "Third", None))
        .await
        .unwrap();
    assert_eq!(sent_mail(&server.data().await, &to).len(), 2);
}

#[tokio::test]
async fn an_email_with_an_invite_goes_as_raw_mime_with_a_calendar_part() {
    let Some(server) =
        MotoServer::shared("an_email_with_an_invite_goes_as_raw_mime_with_a_calendar_part")
    else {
        return;
    };
    let sdk = server.sdk().await;
    let sender = format!("{}@example.com", fresh("noreply"));
    support::verified_sender(&sdk, &sender).await;
    let (_, _, guard) = guard(&sdk).await;
    let mailer = SesMailer::new(aws_sdk_sesv2::Client::new(&sdk), guard, sender.clone());
    let to = format!("{}@example.com", fresh("ana"));
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
    let id = fresh("wo-abc/4");
    for _ in 0..2 {
        mailer
            .send(&id, None, &email(&to, "Appointment", Some(ics)))
            .await
            .unwrap();
    }
    let sent = sent_mail(&server.data().await, &to);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let raw = sent[0].to_string();
    assert!(
        raw.contains(r#"text/calendar; method=\"REQUEST\""#),
        "{raw}"
    );
    assert!(raw.contains("invite.ics"), "{raw}");
    assert!(raw.contains("BEGIN:VCALENDAR"), "{raw}");
}

#[tokio::test]
async fn an_sms_is_sent_once_per_outbox_id() {
    let Some(server) = MotoServer::shared("an_sms_is_sent_once_per_outbox_id") else {
        return;
    };
    let sdk = server.sdk().await;
    let (_, _, guard) = guard(&sdk).await;
    let texter = SnsTexter::new(
        aws_sdk_sns::Client::new(&sdk),
        guard,
        Some("+18005550100".into()),
    );
    let phone = "+13125550123";
    let id = fresh("wo-abc/5");
    texter
        .send(&id, None, &sms(phone, "New job KP27: reply YES"))
        .await
        .unwrap();
    texter.send(&id, None, &sms(phone, "again")).await.unwrap();
    let sent: Vec<Value> = sent_sms(&server.data().await, phone)
        .into_iter()
        .filter(|m| {
            m["message"]
                .as_str()
                .is_some_and(|b| b == "New job KP27: reply YES" || b == "again")
        })
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["message"], "New job KP27: reply YES");
}

#[tokio::test]
async fn a_failed_send_is_released_so_a_retry_sends() {
    let Some(server) = MotoServer::shared("a_failed_send_is_released_so_a_retry_sends") else {
        return;
    };
    let sdk = server.sdk().await;
    let sender = format!("{}@example.com", fresh("unverified"));
    let (_, _, guard) = guard(&sdk).await;
    let mailer = SesMailer::new(aws_sdk_sesv2::Client::new(&sdk), guard, sender.clone());
    let to = format!("{}@example.com", fresh("ana"));
    let id = fresh("wo-abc/6");
    let err = mailer
        .send(&id, None, &email(&to, "Hello", None))
        .await
        .unwrap_err();
    // The cause survives: which call, and the service's own words.
    let text = err.to_string();
    assert!(text.contains(&format!("sending email {id}")), "{text}");
    assert!(text.contains("MessageRejected"), "{text}");
    assert!(sent_mail(&server.data().await, &to).is_empty());

    support::verified_sender(&sdk, &sender).await;
    mailer
        .send(&id, None, &email(&to, "Hello", None))
        .await
        .unwrap();
    assert_eq!(sent_mail(&server.data().await, &to).len(), 1);
}

#[tokio::test]
async fn a_send_left_half_done_by_a_crash_is_taken_over_after_the_lease() {
    let Some(server) =
        MotoServer::shared("a_send_left_half_done_by_a_crash_is_taken_over_after_the_lease")
    else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, table, guard) = guard(&sdk).await;
    let texter = SnsTexter::new(aws_sdk_sns::Client::new(&sdk), guard, None);
    let phone = "+13125550124";
    let crashed = |id: &str, ago: Duration| {
        // The wall clock is harmless: a send claim is a lease in real time, whatever the hour.
        let at = (SystemClock.now() - ago).to_rfc3339_opts(SecondsFormat::Nanos, true);
        client
            .put_item()
            .table_name(&table)
            .item("pk", AttributeValue::S(format!("SENT#{id}")))
            .item("sk", AttributeValue::S("SENT".into()))
            .item("state", AttributeValue::S("sending".into()))
            .item("at", AttributeValue::S(at))
            .send()
    };

    // A claim taken a moment ago by a delivery that may still be running: not ours yet.
    let fresh_id = fresh("wo-abc/7");
    crashed(&fresh_id, Duration::seconds(5)).await.unwrap();
    let err = texter
        .send(&fresh_id, None, &sms(phone, "fresh"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("being sent"), "{err}");

    // A claim older than the lease: its delivery died, so this one sends.
    let stale_id = fresh("wo-abc/8");
    crashed(&stale_id, Duration::minutes(10)).await.unwrap();
    texter
        .send(&stale_id, None, &sms(phone, "taken over"))
        .await
        .unwrap();
    texter
        .send(&stale_id, None, &sms(phone, "taken over"))
        .await
        .unwrap();
    let sent = sent_sms(&server.data().await, phone);
    let bodies: Vec<&str> = sent.iter().filter_map(|m| m["message"].as_str()).collect();
    assert_eq!(bodies, ["taken over"]);
}

#[tokio::test]
async fn a_text_the_service_refuses_for_good_is_a_refusal_not_an_error_and_is_not_marked_sent() {
    let Some(server) = MotoServer::shared(
        "a_text_the_service_refuses_for_good_is_a_refusal_not_an_error_and_is_not_marked_sent",
    ) else {
        return;
    };
    let sdk = server.sdk().await;
    let (_, _, guard) = guard(&sdk).await;
    // (SES's refusal of one recipient — the sandbox's unverified address — is not emulated by
    // moto, which checks only the sender; its classification has a unit test beside the mailer.)
    // SNS refuses a text it won't carry (over 1,600 bytes) with InvalidParameter.
    let texter = SnsTexter::new(aws_sdk_sns::Client::new(&sdk), guard.clone(), None);
    let phone = "+13125550177";
    let long = "x".repeat(1_700);
    let refused = fresh("wo-abc/10");
    let delivery = texter
        .send(&refused, None, &sms(phone, &long))
        .await
        .unwrap();
    assert!(
        matches!(&delivery, Delivery::Refused { reason } if reason.contains("InvalidParameter")),
        "{delivery:?}"
    );
    assert!(sent_sms(&server.data().await, phone).is_empty());
    // The claim was given back: nothing reads as sent, and asking again asks SNS again.
    assert_eq!(
        guard.claim(&refused, "sms", None).await.unwrap(),
        mendwork_aws::Claim::Send
    );
    // A text it will carry is sent.
    let delivery = texter
        .send(&fresh("wo-abc/11"), None, &sms(phone, "Job A1"))
        .await
        .unwrap();
    assert_eq!(delivery, Delivery::Sent);
}
