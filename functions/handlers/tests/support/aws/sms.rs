//! Inbound texts: End User Messaging's JSON in an SNS event, handed to the `sms-inbound`
//! function.

use super::{ACCOUNT, ORIGINATION, REGION, World};
use aws_lambda_events::event::sns::SnsEvent;
use lambda_runtime::LambdaEvent;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

impl World {
    /// A text from `from` to the origination number, as End User Messaging publishes it to the
    /// inbound topic and SNS delivers it to the `sms-inbound` function.
    pub async fn sms(&self, from: &str, body: &str) -> Value {
        let n = self.sequence.fetch_add(1, Ordering::SeqCst);
        let message = json!({
            "originationNumber": from,
            "destinationNumber": ORIGINATION,
            "messageKeyword": "KEYWORD_123456789012",
            "messageBody": body,
            "inboundMessageId": format!("inbound-{n:08}-5a1e-4b8e-9d2c-{n:012}"),
            "previousPublishedMessageId": null,
        });
        self.sns_inbound(message).await
    }

    /// Delivers an End User Messaging message (as JSON) through the SNS event.
    pub async fn sns_inbound(&self, message: Value) -> Value {
        let n = self.sequence.fetch_add(1, Ordering::SeqCst);
        let topic = format!("arn:aws:sns:{REGION}:{ACCOUNT}:mendwork-inbound-sms");
        let event = json!({"Records": [{
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": format!("{topic}:2f1d3a9e-6b7c-4d8e-9f0a-1b2c3d4e5f60"),
            "Sns": {
                "Type": "Notification",
                "MessageId": format!("6e5f4d3c-2b1a-4098-8765-{n:012}"),
                "TopicArn": topic,
                "Subject": null,
                "Message": message.to_string(),
                "Timestamp": self.now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                "SignatureVersion": "1",
                "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
                "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
                "UnsubscribeUrl": format!("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic}:2f1d3a9e"),
                "MessageAttributes": {}
            }
        }]});
        let typed: SnsEvent = serde_json::from_value(event)
            .unwrap_or_else(|e| panic!("not an SNS event aws_lambda_events accepts: {e}"));
        self.proxy.running(Some("sms-inbound"));
        let handled =
            mendwork_handlers::sms_inbound(&self.app, LambdaEvent::new(typed, self.context()))
                .await
                .unwrap_or_else(|d| {
                    panic!("sms-inbound failed: {} {}", d.error_type, d.error_message)
                });
        self.proxy.running(None);
        self.check_granted();
        self.pump().await;
        serde_json::to_value(handled.outcomes).unwrap()
    }
}
