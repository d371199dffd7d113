//! Inbound SMS (AWS End User Messaging two-way SMS JSON): who sent it, which work order it is
//! about, what it means; then the command runs, or a short helpful reply goes back. Idempotent
//! by `inboundMessageId`.

use crate::ports::OutboxRecord;
use crate::steps::{App, AppError, Exec};
use mendwork_domain::messages::{for_sms, render, render_in};
use mendwork_domain::replies::{Sender, command_for, expected_replies_in};
use mendwork_domain::sms::{Intent, parse_reply};
use mendwork_domain::{
    Channel, Effect, Event, Language, Phone, Portfolio, Recipient, SmsMessage, WorkOrder,
    WorkOrderId,
};
use serde::{Deserialize, Serialize};

/// The message body AWS End User Messaging publishes to SNS for an inbound SMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundSms {
    pub origination_number: String,
    pub destination_number: String,
    #[serde(default)]
    pub message_keyword: Option<String>,
    pub message_body: String,
    pub inbound_message_id: String,
    #[serde(default)]
    pub previous_published_message_id: Option<String>,
}

/// What handling an inbound SMS did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SmsOutcome {
    /// A command ran on this work order.
    Executed { work_order: WorkOrderId },
    /// A reply was sent and nothing else changed (help, a question, a refusal).
    Replied { reason: String },
    /// This `inboundMessageId` was handled before.
    Duplicate,
}

impl App {
    /// Handles one inbound SMS end to end (the reply, if any, waits in the outbox).
    pub async fn handle_sms(&self, sms: &InboundSms) -> Result<SmsOutcome, AppError> {
        if sms.inbound_message_id.trim().is_empty() {
            return Err(AppError::Invalid("inboundMessageId is missing".into()));
        }
        let key = format!("sms:{}", sms.inbound_message_id);
        if self.store.idempotent(&key).await?.is_some() {
            return Ok(SmsOutcome::Duplicate);
        }
        let portfolio = self.portfolio();
        let Ok(phone) = Phone::parse(&sms.origination_number) else {
            // No number to answer: remember the id so a redelivery is a no-op.
            self.reply(&key, None, None, "unreadable sender", vec![])
                .await?;
            return Ok(SmsOutcome::Replied {
                reason: "unreadable sender".into(),
            });
        };
        let today = self.now().date_naive();
        let parsed = parse_reply(&sms.message_body, today);
        let team = portfolio.team.name.clone();
        let vars = |extra: Vec<(&'static str, String)>| {
            let mut v = vec![("team", team.clone())];
            v.extend(extra);
            v
        };
        match &parsed.intent {
            Intent::Stop => {
                self.store.set_opted_out(&phone, true).await?;
                let body = render(&portfolio, "sms.stopped", &vars(vec![]));
                return self
                    .reply(&key, Some(&phone), None, "opted out", vec![body])
                    .await;
            }
            Intent::Start => {
                self.store.set_opted_out(&phone, false).await?;
                let body = render(&portfolio, "sms.started", &vars(vec![]));
                return self
                    .reply(&key, Some(&phone), None, "opted in", vec![body])
                    .await;
            }
            Intent::Help => {
                let body = render(&portfolio, "sms.help", &vars(vec![]));
                return self
                    .reply(&key, Some(&phone), None, "help", vec![body])
                    .await;
            }
            _ => {}
        }

        // Every open work order this phone may speak for, and as whom.
        let mut mine: Vec<(WorkOrder, Sender)> = vec![];
        if let Some(v) = portfolio.vendor_by_phone(&phone) {
            for wo in self.store.open_for_vendor(&v.id).await? {
                mine.push((wo, Sender::Vendor(v.id.clone())));
            }
        }
        for wo in self.store.open_for_tenant_phone(&phone).await? {
            mine.push((wo, Sender::Tenant));
        }
        let known = portfolio.vendor_by_phone(&phone).is_some() || !mine.is_empty();
        if !known {
            let body = render(&portfolio, "sms.unknown_number", &vars(vec![]));
            return self
                .reply(&key, Some(&phone), None, "unknown number", vec![body])
                .await;
        }
        // A tenant (not a vendor) whose open requests are all in Spanish is answered in
        // Spanish; anyone else in English.
        let lang = if portfolio.vendor_by_phone(&phone).is_none()
            && mine
                .iter()
                .all(|(wo, _)| wo.request.language == Language::Es)
        {
            Language::Es
        } else {
            Language::En
        };
        let say = |key: &str, extra: Vec<(&'static str, String)>| {
            for_sms(render_in(&portfolio, key, lang, &vars(extra)), lang)
        };
        if let Intent::Unclear { question } = &parsed.intent {
            let wo = single(&mine, parsed.job_code.as_ref());
            return self
                .reply(
                    &key,
                    Some(&phone),
                    wo.map(|w| &w.id),
                    "unclear",
                    vec![question.clone()],
                )
                .await;
        }

        // Narrow by job code when given: it must be one of this phone's own work orders.
        if let Some(code) = &parsed.job_code {
            mine.retain(|(wo, _)| &wo.code == code);
            if mine.is_empty() {
                let expected = match lang {
                    Language::En => format!("We can't match job {code} to this number."),
                    Language::Es => format!("No encontramos la solicitud {code} de este numero."),
                };
                let body = say("sms.not_understood", vec![("expected", expected)]);
                return self
                    .reply(&key, Some(&phone), None, "code not theirs", vec![body])
                    .await;
            }
        }
        let candidates: Vec<(&WorkOrder, &Sender, mendwork_domain::Command)> = mine
            .iter()
            .filter_map(|(wo, s)| {
                let tz = property_tz(&portfolio, wo)?;
                // A proposed time is read in the property's own calendar.
                let intent = match &parsed.intent {
                    Intent::Propose { .. } => {
                        parse_reply(
                            &sms.message_body,
                            self.now().with_timezone(&tz).date_naive(),
                        )
                        .intent
                    }
                    other => other.clone(),
                };
                command_for(wo, s, &intent, tz).map(|c| (wo, s, c))
            })
            .collect();
        // Several could match: the message this one replies to settles it (outbox ids, which
        // messages are published under, start with the work order's id).
        let candidates = match (&sms.previous_published_message_id, candidates.len()) {
            (Some(prev), n) if n > 1 => {
                let replied: Vec<_> = candidates
                    .iter()
                    .filter(|(wo, _, _)| prev.starts_with(&format!("{}/", wo.id)))
                    .cloned()
                    .collect();
                if replied.len() == 1 {
                    replied
                } else {
                    candidates
                }
            }
            _ => candidates,
        };
        match candidates.as_slice() {
            [] => {
                let expected = match mine.as_slice() {
                    [(wo, s)] => expected_replies_in(wo, s, lang).to_string(),
                    _ => String::new(),
                };
                let body = say("sms.not_understood", vec![("expected", expected)]);
                let wo = single(&mine, None);
                self.reply(
                    &key,
                    Some(&phone),
                    wo.map(|w| &w.id),
                    "not understood",
                    vec![body],
                )
                .await
            }
            [(wo, sender, command)] => {
                let from = match sender {
                    Sender::Vendor(v) => Recipient::Vendor(v.clone()),
                    Sender::Tenant => Recipient::Tenant,
                };
                let inbound = Event::MessageReceived {
                    from,
                    channel: Channel::Sms,
                    address: phone.to_string(),
                    body: sms.message_body.clone(),
                };
                let exec = Exec {
                    idempotency_key: Some(key.clone()),
                    inbound: Some(inbound),
                };
                match self.execute(&wo.id, command.clone(), exec).await {
                    Ok(_) => Ok(SmsOutcome::Executed {
                        work_order: wo.id.clone(),
                    }),
                    Err(AppError::Rejected(r)) => {
                        let body = render(
                            &portfolio,
                            "sms.rejected",
                            &vars(vec![
                                ("code", wo.code.to_string()),
                                ("reason", r.to_string()),
                            ]),
                        );
                        self.reply(&key, Some(&phone), Some(&wo.id), "rejected", vec![body])
                            .await
                    }
                    Err(e) => Err(e),
                }
            }
            several => {
                let jobs: Vec<String> = several
                    .iter()
                    .map(|(wo, _, _)| format!("{} ({})", wo.code, short_place(&portfolio, wo)))
                    .collect();
                let example = format!("{} {}", first_word(&sms.message_body), several[0].0.code);
                let body = say(
                    "sms.which_job",
                    vec![("jobs", jobs.join(", ")), ("example", example)],
                );
                self.reply(&key, Some(&phone), None, "which job", vec![body])
                    .await
            }
        }
    }

    /// Sends `bodies` to `to` (if any) and records the message id as handled, atomically.
    async fn reply(
        &self,
        key: &str,
        to: Option<&Phone>,
        work_order: Option<&WorkOrderId>,
        reason: &str,
        bodies: Vec<String>,
    ) -> Result<SmsOutcome, AppError> {
        let now = self.now();
        let outbox: Vec<OutboxRecord> = match to {
            Some(phone) => bodies
                .into_iter()
                .enumerate()
                .map(|(i, body)| OutboxRecord {
                    id: format!("{key}/{i}"),
                    work_order: work_order.cloned(),
                    effect: Effect::Sms(SmsMessage {
                        to: phone.clone(),
                        recipient: Recipient::Other,
                        body,
                        key: "sms.reply".into(),
                    }),
                    created_at: now,
                })
                .collect(),
            None => vec![],
        };
        match self.store.commit_outbox(key, reason, outbox).await {
            Ok(()) => Ok(SmsOutcome::Replied {
                reason: reason.to_string(),
            }),
            Err(crate::ports::CommitError::Duplicate(_)) => Ok(SmsOutcome::Duplicate),
            Err(e) => Err(e.into()),
        }
    }
}

fn property_tz(portfolio: &Portfolio, wo: &WorkOrder) -> Option<chrono_tz::Tz> {
    portfolio.property(&wo.request.property).map(|p| p.timezone)
}

fn single<'a>(
    mine: &'a [(WorkOrder, Sender)],
    code: Option<&mendwork_domain::JobCode>,
) -> Option<&'a WorkOrder> {
    match (mine, code) {
        ([(wo, _)], _) => Some(wo),
        (_, Some(c)) => mine.iter().map(|(w, _)| w).find(|w| &w.code == c),
        _ => None,
    }
}

fn short_place(portfolio: &Portfolio, wo: &WorkOrder) -> String {
    let street = portfolio
        .property(&wo.request.property)
        .map(|p| p.address.split(',').next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    format!("{street} #{}", wo.request.unit)
}

fn first_word(text: &str) -> String {
    text.split_whitespace()
        .next()
        .map(|w| w.to_ascii_uppercase())
        .filter(|w| w.len() <= 10 && w.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "YES".into())
}
