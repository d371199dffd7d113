//! What was sent: the texts and emails moto recorded, and a timeline's message checked to
//! have gone out.

use super::{Sent, World};
use serde_json::Value;

impl World {
    /// Every message moto recorded as sent, oldest first.
    pub async fn sent(&self) -> Vec<Sent> {
        let data: Value = reqwest::get(format!("{}/moto-api/data.json", self.moto.endpoint))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut out = vec![];
        for m in data["sns"]["SMS"].as_array().cloned().unwrap_or_default() {
            out.push(Sent {
                channel: "sms",
                to: m["phone_number"].as_str().unwrap_or_default().to_string(),
                subject: None,
                body: m["message"].as_str().unwrap_or_default().to_string(),
            });
        }
        for m in data["ses"]["Message"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            for to in m["destinations"]["ToAddresses"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                out.push(Sent {
                    channel: "email",
                    to: to.as_str().unwrap_or_default().to_string(),
                    subject: m["subject"].as_str().map(str::to_string),
                    body: m["body"].as_str().unwrap_or_default().to_string(),
                });
            }
        }
        for m in data["ses"]["RawMessage"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let raw = m["raw_data"].as_str().unwrap_or_default().to_string();
            let subject = raw
                .lines()
                .find_map(|l| l.strip_prefix("Subject: "))
                .map(str::to_string);
            let tos: Vec<String> = match m["destinations"].as_array() {
                Some(list) => list
                    .iter()
                    .filter_map(|d| d.as_str().map(str::to_string))
                    .collect(),
                None => raw
                    .lines()
                    .find_map(|l| l.strip_prefix("To: "))
                    .map(|t| vec![t.trim_matches(['<', '>', ' ']).to_string()])
                    .unwrap_or_default(),
            };
            let mut tos = tos;
            tos.dedup();
            for to in tos {
                out.push(Sent {
                    channel: "email",
                    to,
                    subject: subject.clone(),
                    body: raw.clone(),
                });
            }
        }
        out
    }

    pub async fn sms_to(&self, phone: &str) -> Vec<String> {
        self.sent()
            .await
            .into_iter()
            .filter(|m| m.channel == "sms" && m.to == phone)
            .map(|m| m.body)
            .collect()
    }

    pub async fn emails_to(&self, address: &str) -> Vec<Sent> {
        self.sent()
            .await
            .into_iter()
            .filter(|m| m.channel == "email" && m.to.contains(address))
            .collect()
    }

    /// The message a work order's timeline records under `key` to `address` — checked to have
    /// been delivered by SNS or SES (it is in what moto recorded as sent). Returns its body.
    pub async fn delivered(&self, wo: &Value, key: &str, address: &str) -> String {
        let timeline = wo["timeline"].as_array().cloned().unwrap_or_default();
        let entry = timeline
            .iter()
            .rev()
            .find(|e| e["kind"] == "message_sent" && e["key"] == key && e["address"] == address)
            .unwrap_or_else(|| {
                let keys: Vec<String> = timeline
                    .iter()
                    .filter(|e| e["kind"] == "message_sent")
                    .map(|e| format!("{} -> {}", e["key"], e["address"]))
                    .collect();
                panic!("the timeline has no {key} to {address}: {keys:#?}")
            });
        let body = entry["body"].as_str().unwrap_or_default().to_string();
        let sent = self.sent().await;
        let found = sent.iter().any(|m| {
            m.to.contains(address)
                && (m.body == body
                    || (m.channel == "email"
                        && m.body.contains(body.lines().next().unwrap_or_default())))
        });
        assert!(
            found,
            "{key} to {address} is on the timeline but was not sent: {body:?}\nsent: {:#?}",
            sent.iter()
                .map(|m| format!(
                    "{} {}: {}",
                    m.channel,
                    m.to,
                    m.body.chars().take(60).collect::<String>()
                ))
                .collect::<Vec<_>>()
        );
        body
    }
}
