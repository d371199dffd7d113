//! [`SesMailer`] and [`SnsTexter`]: email through SES v2 and SMS through SNS, each sent at most
//! once per outbox id thanks to a `SENT#<id>` guard item written before sending.
//!
//! # Delivery guarantee
//!
//! SES and SNS have no idempotency key, so "once" is ours to keep. Before a send the guard is
//! claimed with a conditional put (`state = sending`); after the provider accepted the message
//! it becomes `state = sent`; if the send fails the guard is released so a retry sends.
//!
//! - A second delivery of the same outbox record finds `sent` and does nothing: duplicates
//!   from Streams retries, the sweeper or a replay never reach the recipient.
//! - A crash between claiming and recording the result leaves `sending`. A retry within
//!   [`LEASE_SECONDS`] fails (and is retried later by its caller: the stream, then the
//!   sweeper, which re-drives the outbox record however many stream retries were used up);
//!   after that it takes the guard over and sends. So a message is never lost to a crash (at-least-once), at the price
//!   of one possible duplicate when the crash fell after the provider accepted the message but
//!   before `sent` was recorded — a window of one DynamoDB write. Pure at-most-once (never
//!   take over) would lose the message instead; losing a job offer or an appointment
//!   confirmation is worse than repeating one.

use crate::error::{AwsError, build, sdk};
use crate::item::{get_s, item, key, n, s};
use crate::schema::{PK, SENT_SK, TTL, expiry, sent_pk, ts};
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message, RawMessage};
use aws_sdk_sns::types::MessageAttributeValue;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use chrono::{DateTime, Duration, Utc};
use mail_builder::MessageBuilder;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use mendwork_app::email_html::render_html;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::ports::{Delivery, Mailer, StoreError, Texter};
use mendwork_domain::{EmailMessage, SmsMessage, WorkOrderId};

/// How long a claimed-but-unconfirmed send blocks others before they may take it over.
///
/// Invariant: longer than the timeout of every function that sends (`outbox`, `sweeper`;
/// tested against template.yaml), so a claim this old belongs to a process Lambda has
/// stopped, never to a send still in flight.
pub const LEASE_SECONDS: i64 = 120;

/// The `SENT#<id>` guard items of one table.
#[derive(Clone)]
pub struct SentGuard {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// What claiming a guard found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Ours: send, then [`SentGuard::sent`] or [`SentGuard::release`].
    Send,
    /// Sent before: do nothing.
    AlreadySent,
}

impl SentGuard {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> SentGuard {
        SentGuard {
            client,
            table: table.into(),
        }
    }

    /// Claims the right to send outbox record `id` (see the module docs).
    pub async fn claim(
        &self,
        id: &str,
        channel: &str,
        work_order: Option<&WorkOrderId>,
    ) -> Result<Claim, AwsError> {
        let now = SystemClock.now();
        let mut it = item([
            (PK, s(sent_pk(id))),
            (crate::schema::SK, s(SENT_SK)),
            ("state", s("sending")),
            ("at", s(ts(now))),
            ("channel", s(channel)),
            (TTL, n(expiry(now))),
        ]);
        if let Some(wo) = work_order {
            it.insert("wo".into(), s(wo.as_str()));
        }
        let stale = ts(now - Duration::seconds(LEASE_SECONDS));
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(it))
            .condition_expression("attribute_not_exists(#pk) OR (#st = :sending AND #at < :stale)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#st", "state")
            .expression_attribute_names("#at", "at")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":stale", s(stale))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match put {
            Ok(_) => Ok(Claim::Send),
            Err(e) => {
                let Some(ccf) = e.as_service_error().and_then(|x| match x {
                    PutItemError::ConditionalCheckFailedException(c) => Some(c),
                    _ => None,
                }) else {
                    return Err(sdk(format!("claiming the send of {id}"), e));
                };
                match ccf.item().and_then(|old| get_s(old, "state")) {
                    Some("sent") | None => Ok(Claim::AlreadySent),
                    Some(_) => Err(AwsError::Invalid(format!(
                        "outbox record {id} is being sent by another delivery (for up to \
                         {LEASE_SECONDS} s); try again later"
                    ))),
                }
            }
        }
    }

    /// Records that the provider accepted the message.
    pub async fn sent(&self, id: &str, message_id: Option<&str>) -> Result<(), AwsError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(sent_pk(id), SENT_SK)))
            .update_expression("SET #st = :sent, #at = :now, #mid = :mid")
            .expression_attribute_names("#st", "state")
            .expression_attribute_names("#at", "at")
            .expression_attribute_names("#mid", "message_id")
            .expression_attribute_values(":sent", s("sent"))
            .expression_attribute_values(":now", s(ts(SystemClock.now())));
        update = update
            .expression_attribute_values(":mid", message_id.map_or(AttributeValue::Null(true), s));
        update
            .send()
            .await
            .map_err(|e| sdk(format!("recording that {id} was sent"), e))?;
        Ok(())
    }

    /// Gives the claim back after a failed send, so a retry sends.
    pub async fn release(&self, id: &str) -> Result<(), AwsError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(sent_pk(id), SENT_SK)))
            .condition_expression("#st = :sending")
            .expression_attribute_names("#st", "state")
            .expression_attribute_values(":sending", s("sending"))
            .send()
            .await
            .map(|_| ())
            .or_else(|e| {
                if e.as_service_error()
                    .is_some_and(|x| x.is_conditional_check_failed_exception())
                {
                    Ok(())
                } else {
                    Err(sdk(format!("releasing the send of {id}"), e))
                }
            })
    }

    /// Runs `send` at most once per `id` (see the module docs). A refused message gives its
    /// claim back: nothing was sent, and a redelivery asks again (and is refused again).
    async fn once<F, Fut>(
        &self,
        id: &str,
        channel: &str,
        work_order: Option<&WorkOrderId>,
        send: F,
    ) -> Result<Delivery, AwsError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Outcome, AwsError>>,
    {
        if self.claim(id, channel, work_order).await? == Claim::AlreadySent {
            tracing::info!(outbox = id, channel, "already sent; not sending again");
            return Ok(Delivery::Sent);
        }
        match send().await {
            Ok(Outcome::Accepted(message_id)) => {
                self.sent(id, message_id.as_deref()).await?;
                Ok(Delivery::Sent)
            }
            Ok(Outcome::Refused(reason)) => {
                self.release(id).await?;
                Ok(Delivery::Refused { reason })
            }
            Err(e) => {
                if let Err(release) = self.release(id).await {
                    tracing::warn!(outbox = id, error = %release, "could not release a failed send");
                }
                Err(e)
            }
        }
    }
}

/// What the provider said to one message.
enum Outcome {
    /// Accepted, with the provider's message id when it gave one.
    Accepted(Option<String>),
    /// Refused for good, in the provider's words.
    Refused(String),
}

/// The provider's words when `code` is one of `codes` — the errors that mean "this message
/// will never go", not "try later".
fn refusal(code: Option<&str>, message: Option<&str>, codes: &[&str]) -> Option<String> {
    let code = code?;
    codes
        .contains(&code)
        .then(|| message.map_or_else(|| code.to_string(), |m| format!("{m} ({code})")))
}

/// SES v2 errors that refuse this message for good: the address or content is rejected (in the
/// SES sandbox, any unverified recipient), or the request for it is malformed. Throttling stays
/// an error and is retried; account-wide stops (sending paused, account suspended) and an
/// unverified sender are configuration faults (parked until the team fixes them).
const SES_REFUSALS: &[&str] = &["MessageRejected", "BadRequestException"];

/// A refusal of one email — unless SES names our own sender: an unverified sender identity
/// refuses every message alike, so it stays an error, retried once the team verifies it.
fn ses_refusal(code: Option<&str>, message: Option<&str>, sender: &str) -> Option<String> {
    let address = sender
        .rsplit_once('<')
        .and_then(|(_, a)| a.split_once('>'))
        .map_or(sender, |(a, _)| a)
        .trim()
        .to_ascii_lowercase();
    refusal(code, message, SES_REFUSALS)
        .filter(|r| address.is_empty() || !r.to_ascii_lowercase().contains(&address))
}

/// SNS `Publish` errors that refuse this text for good: the number or message is not one SNS
/// will carry, or the number's endpoint is disabled.
const SNS_REFUSALS: &[&str] = &[
    "InvalidParameter",
    "InvalidParameterValue",
    "EndpointDisabled",
];

/// Email through SES v2: plain text, or raw MIME with a `text/calendar` part when the message
/// carries an invite.
///
/// Invariant: sending the same outbox id twice sends once (see the module docs).
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    guard: SentGuard,
    sender: String,
}

impl SesMailer {
    /// `sender` is the verified SES identity messages come from (`Name <address>` or an
    /// address).
    pub fn new(
        client: aws_sdk_sesv2::Client,
        guard: SentGuard,
        sender: impl Into<String>,
    ) -> SesMailer {
        SesMailer {
            client,
            guard,
            sender: sender.into(),
        }
    }

    async fn deliver(&self, id: &str, email: &EmailMessage) -> Result<Outcome, AwsError> {
        let content = match &email.ics {
            None => EmailContent::builder()
                .simple(
                    Message::builder()
                        .subject(text(&email.subject)?)
                        .body(
                            Body::builder()
                                .text(text(&email.text)?)
                                .html(text(&render_html(email))?)
                                .build(),
                        )
                        .build(),
                )
                .build(),
            Some(ics) => {
                let raw = mime(id, &self.sender, email, ics, SystemClock.now())?;
                EmailContent::builder()
                    .raw(
                        RawMessage::builder()
                            .data(Blob::new(raw))
                            .build()
                            .map_err(|e| build("building a raw email", e))?,
                    )
                    .build()
            }
        };
        let out = self
            .client
            .send_email()
            .from_email_address(&self.sender)
            .destination(
                Destination::builder()
                    .to_addresses(email.to.to_string())
                    .build(),
            )
            .content(content)
            .send()
            .await;
        match out {
            Ok(out) => Ok(Outcome::Accepted(out.message_id().map(str::to_string))),
            Err(e) => match ses_refusal(e.code(), e.message(), &self.sender) {
                Some(reason) => Ok(Outcome::Refused(reason)),
                // What is left of MessageRejected names our own sender: not verified.
                None if e.code() == Some("MessageRejected") => Err(not_allowed(sdk(
                    format!(
                        "sending email {id} ({}) from an unverified sender",
                        email.key
                    ),
                    e,
                ))),
                None => Err(sdk(format!("sending email {id} ({})", email.key), e)),
            },
        }
    }
}

/// The same failure as a configuration fault.
fn not_allowed(e: AwsError) -> AwsError {
    match e {
        AwsError::Sdk {
            context,
            code,
            cause,
            ..
        } => AwsError::NotAllowed {
            context,
            code: code.unwrap_or_default(),
            cause,
        },
        other => other,
    }
}

fn text(data: &str) -> Result<Content, AwsError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| build("building email content", e))
}

/// The raw MIME message of an email with an invite: `multipart/mixed` of the text and HTML
/// versions (`multipart/alternative`) and an
/// `invite.ics` part (`text/calendar; method=REQUEST`).
pub fn mime(
    id: &str,
    sender: &str,
    email: &EmailMessage,
    ics: &str,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, AwsError> {
    let local: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
        .collect();
    let method = ics
        .lines()
        .find_map(|l| l.strip_prefix("METHOD:"))
        .map(str::trim)
        .unwrap_or("REQUEST")
        .to_string();
    let calendar = ContentType::new("text/calendar")
        .attribute("method", method)
        .attribute("charset", "utf-8");
    // "Name <address>" (as SES takes it) or a bare address.
    let from = match sender
        .trim()
        .strip_suffix('>')
        .and_then(|s| s.rsplit_once('<'))
    {
        Some((name, address)) => {
            let name = name.trim().trim_matches('"').trim();
            mail_builder::headers::address::Address::new_address(
                (!name.is_empty()).then(|| name.to_string()),
                address.trim().to_string(),
            )
        }
        None => mail_builder::headers::address::Address::new_address(
            None::<String>,
            sender.trim().to_string(),
        ),
    };
    MessageBuilder::new()
        .from(from)
        .to(email.to.to_string())
        .subject(email.subject.as_str())
        .message_id(format!("{local}@mendwork"))
        .date(now.timestamp())
        .body(MimePart::new(
            "multipart/mixed",
            vec![
                MimePart::new(
                    "multipart/alternative",
                    vec![
                        MimePart::new("text/plain", email.text.as_str()),
                        MimePart::new("text/html", render_html(email)),
                    ],
                ),
                MimePart::new(calendar, ics).attachment("invite.ics"),
            ],
        ))
        .write_to_vec()
        .map_err(|e| AwsError::Invalid(format!("writing the MIME message of {id}: {e}")))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(
        &self,
        id: &str,
        work_order: Option<&WorkOrderId>,
        email: &EmailMessage,
    ) -> Result<Delivery, StoreError> {
        Ok(self
            .guard
            .once(id, "email", work_order, || self.deliver(id, email))
            .await?)
    }
}

/// SMS through SNS `Publish` to the phone number, as transactional messages from the
/// deployment's origination number when one is configured.
///
/// Invariant: sending the same outbox id twice sends once (see the module docs).
pub struct SnsTexter {
    client: aws_sdk_sns::Client,
    guard: SentGuard,
    origination_number: Option<String>,
}

impl SnsTexter {
    pub fn new(
        client: aws_sdk_sns::Client,
        guard: SentGuard,
        origination_number: Option<String>,
    ) -> SnsTexter {
        SnsTexter {
            client,
            guard,
            origination_number,
        }
    }

    async fn deliver(&self, id: &str, sms: &SmsMessage) -> Result<Outcome, AwsError> {
        let attribute = |v: &str| {
            MessageAttributeValue::builder()
                .data_type("String")
                .string_value(v)
                .build()
                .map_err(|e| build("building an SMS attribute", e))
        };
        let mut publish = self
            .client
            .publish()
            .phone_number(sms.to.as_str())
            .message(&sms.body)
            .message_attributes("AWS.SNS.SMS.SMSType", attribute("Transactional")?);
        if let Some(number) = &self.origination_number {
            publish =
                publish.message_attributes("AWS.MM.SMS.OriginationNumber", attribute(number)?);
        }
        match publish.send().await {
            Ok(out) => Ok(Outcome::Accepted(out.message_id().map(str::to_string))),
            Err(e) => match refusal(e.code(), e.message(), SNS_REFUSALS) {
                Some(reason) => Ok(Outcome::Refused(reason)),
                None => Err(sdk(format!("sending SMS {id} ({})", sms.key), e)),
            },
        }
    }
}

#[async_trait]
impl Texter for SnsTexter {
    async fn send(
        &self,
        id: &str,
        work_order: Option<&WorkOrderId>,
        sms: &SmsMessage,
    ) -> Result<Delivery, StoreError> {
        Ok(self
            .guard
            .once(id, "sms", work_order, || self.deliver(id, sms))
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mendwork_domain::{Email, Recipient};

    #[test]
    fn ses_refuses_one_email_for_its_recipient_but_an_unverified_sender_is_an_error() {
        let sandbox = "Email address is not verified. The following identities failed the \
                       check in region US-EAST-1: ana@example.com";
        let sender = "Brightside <noreply@brightside.example>";
        let r = ses_refusal(Some("MessageRejected"), Some(sandbox), sender);
        assert_eq!(r.as_deref(), Some(&*format!("{sandbox} (MessageRejected)")));
        let ours = "Email address is not verified. The following identities failed the check \
                    in region US-EAST-1: NoReply@Brightside.example";
        assert_eq!(
            ses_refusal(Some("MessageRejected"), Some(ours), sender),
            None
        );
        assert_eq!(
            ses_refusal(Some("TooManyRequestsException"), Some("slow down"), sender),
            None
        );
        assert_eq!(
            ses_refusal(Some("SendingPausedException"), None, sender),
            None,
            "an account-wide stop is retried"
        );
        assert_eq!(
            refusal(Some("InvalidParameter"), None, SNS_REFUSALS).as_deref(),
            Some("InvalidParameter")
        );
        assert_eq!(refusal(None, Some("timeout"), SNS_REFUSALS), None);
    }

    #[test]
    fn an_invite_is_a_multipart_message_with_a_calendar_part() {
        let email = EmailMessage {
            to: Email::parse("ana@example.com").unwrap(),
            recipient: Recipient::Tenant,
            subject: "Appointment confirmed — Tue 10:00".into(),
            text: "See you then.".into(),
            ics: Some("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into()),
            key: "tenant.scheduled.email".into(),
            language: mendwork_domain::Language::En,
        };
        let now = DateTime::parse_from_rfc3339("2026-03-05T18:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let raw = mime(
            "wo-abc/3/1",
            "Mendwork <noreply@example.com>",
            &email,
            email.ics.as_deref().unwrap(),
            now,
        )
        .unwrap();
        let raw = String::from_utf8(raw).unwrap();
        assert!(raw.contains("Message-ID: <wo.abc.3.1@mendwork>"), "{raw}");
        assert!(
            raw.contains("From: \"Mendwork\" <noreply@example.com>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("To: <ana@example.com>"), "{raw}");
        assert!(raw.contains("Content-Type: multipart/mixed"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/html"),
            "the HTML version is there: {raw}"
        );
        assert!(raw.contains(r#"text/calendar; method="REQUEST""#), "{raw}");
        assert!(raw.contains("filename=\"invite.ics\""), "{raw}");
        assert!(raw.contains("BEGIN:VCALENDAR"), "{raw}");
        // The non-ASCII subject is encoded, not sent raw.
        assert!(!raw.contains("confirmed — Tue"), "{raw}");
    }
}
