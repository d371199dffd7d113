//! Inbound SMS (AWS End User Messaging two-way SMS JSON): gathers who sent it and what they
//! have open, lets the domain's [`route`] decide where it goes, and carries that out — the
//! command runs, or a short answer goes back, or nothing. Idempotent by `inboundMessageId`.
//! A known tenant's new problem gets the pre-filled form's link (the pre-fill stored under
//! [`draft_key`]) or, for an emergency, its work order at once.

use crate::links::{draft_id, draft_key};
use crate::ports::{CommitError, OutboxRecord};
use crate::steps::{App, AppError, Exec};
use mendwork_domain::replies::Sender;
use mendwork_domain::routing::{
    AnswerReason, Inbound, OPT_OUT_CONFIRMATION, Route, SilenceReason, answer_allowed,
    answer_budget_key, rejected_answer_in, route_known,
};
use mendwork_domain::texting::{HISTORY, NewProblem, link_text};
use mendwork_domain::{
    Channel, Effect, Event, Phone, Recipient, SmsMessage, WorkOrder, WorkOrderId,
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
    /// Handles one inbound SMS end to end (the reply, if any, waits in the outbox). Where the
    /// text goes is [`route`]'s decision; this gathers the facts and carries it out.
    pub async fn handle_sms(&self, sms: &InboundSms) -> Result<SmsOutcome, AppError> {
        if sms.inbound_message_id.trim().is_empty() {
            return Err(AppError::Invalid("inboundMessageId is missing".into()));
        }
        let key = format!("sms:{}", sms.inbound_message_id);
        if self.keys.idempotent(&key).await?.is_some() {
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
        // Every open work order this phone may speak for, and as whom.
        let mut open: Vec<(WorkOrder, Sender)> = vec![];
        if let Some(v) = portfolio.vendor_by_phone(&phone) {
            for wo in self.lookups.open_for_vendor(&v.id).await? {
                open.push((wo, Sender::Vendor(v.id.clone())));
            }
        }
        for wo in self.lookups.open_for_tenant_phone(&phone).await? {
            open.push((wo, Sender::Tenant));
        }
        // The phone's latest work orders as tenant, open or closed: whether it is a known
        // tenant (a vendor's texts are about jobs, so a vendor's are not read).
        let history = match portfolio.vendor_by_phone(&phone) {
            Some(_) => vec![],
            None => {
                self.lookups
                    .latest_for_tenant_phone(&phone, HISTORY)
                    .await?
            }
        };
        let opted_out = self.opt_outs.is_opted_out(&phone).await?;
        let inbound = Inbound {
            body: &sms.message_body,
            phone: &phone,
            open: &open,
            opted_out,
            replying_to: sms.previous_published_message_id.as_deref(),
            now: self.now(),
        };
        match route_known(&portfolio, &inbound, &history) {
            Route::NewProblem(problem) => self.new_problem(&key, &phone, *problem).await,
            Route::OptOut { confirmation } => {
                self.opt_outs.set_opted_out(&phone, true).await?;
                let text = (OPT_OUT_CONFIRMATION, confirmation);
                self.reply(&key, Some(&phone), None, "opted out", vec![text])
                    .await
            }
            Route::OptIn { confirmation } => {
                self.opt_outs.set_opted_out(&phone, false).await?;
                let text = ("sms.started", confirmation);
                self.reply(&key, Some(&phone), None, "opted in", vec![text])
                    .await
            }
            Route::Silent { reason } => self.reply(&key, None, None, reason.as_str(), vec![]).await,
            Route::Answer {
                work_order,
                reason,
                body,
            } => {
                self.answer(&key, &phone, work_order.as_ref(), reason, body)
                    .await
            }
            Route::Execute {
                work_order,
                code,
                command,
                from,
                lang,
            } => {
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
                match self.execute(&work_order, *command, exec).await {
                    Ok(_) => Ok(SmsOutcome::Executed { work_order }),
                    Err(AppError::Rejected(r)) => {
                        match rejected_answer_in(&portfolio, &code, &r, opted_out, lang) {
                            Some(Route::Answer { reason, body, .. }) => {
                                self.answer(&key, &phone, Some(&work_order), reason, body)
                                    .await
                            }
                            _ => {
                                let silent = SilenceReason::OptedOut.as_str();
                                self.reply(&key, None, None, silent, vec![]).await
                            }
                        }
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// A known tenant's new problem, as the domain decided it.
    async fn new_problem(
        &self,
        key: &str,
        phone: &Phone,
        problem: NewProblem,
    ) -> Result<SmsOutcome, AppError> {
        match problem {
            NewProblem::Link(request) => {
                // The pre-fill is stored first; the link names it. A redelivered text makes
                // the same draft, and a draft whose answer the budget holds back is harmless.
                let draft = draft_id(key);
                let json = serde_json::to_string(&request)
                    .map_err(|e| AppError::Invalid(format!("encoding a pre-fill: {e}")))?;
                match self.keys.remember(&draft_key(&draft), &json).await {
                    Ok(()) | Err(CommitError::Duplicate(_)) => {}
                    Err(e) => return Err(e.into()),
                }
                let link = self.links.texted_form(&draft, request.language);
                let body = link_text(&self.portfolio(), request.language, &link);
                self.answer(key, phone, None, AnswerReason::NewProblemLink, body)
                    .await
            }
            NewProblem::Emergency {
                request,
                submission,
            } => {
                // The work order's own effects carry the emergency: the safety instructions
                // to the tenant and the team's alert (`effects::emergency_messages`).
                let created = self.submit(*request, Some(&submission)).await?;
                if created.duplicate {
                    let reason = "new problem: emergency already reported this hour";
                    return self.reply(key, None, None, reason, vec![]).await;
                }
                let reason = "new problem: emergency work order";
                match self.reply(key, None, None, reason, vec![]).await? {
                    SmsOutcome::Duplicate => Ok(SmsOutcome::Duplicate),
                    _ => Ok(SmsOutcome::Executed {
                        work_order: created.wo.id,
                    }),
                }
            }
        }
    }

    /// An answer to a text that changed nothing — within the number's answer budget, so an
    /// auto-responder cannot loop with us. The budget is a few idempotency slots per number and
    /// clock hour: the answer is committed with the first free slot, atomically, so concurrent
    /// texts cannot overspend it; with every slot taken the text is recorded and not answered.
    async fn answer(
        &self,
        key: &str,
        phone: &Phone,
        work_order: Option<&WorkOrderId>,
        reason: AnswerReason,
        body: String,
    ) -> Result<SmsOutcome, AppError> {
        let budget = answer_budget_key(phone, self.now());
        let record = OutboxRecord {
            // The inbound message's key: a redelivery that slipped past the check above is
            // still sent once (senders ignore an id they have seen).
            id: format!("{key}/0"),
            work_order: work_order.cloned(),
            effect: Effect::Sms(SmsMessage {
                to: phone.clone(),
                recipient: Recipient::Other,
                body,
                key: "sms.reply".into(),
            }),
            created_at: self.now(),
        };
        let mut slot = 0;
        while answer_allowed(slot) {
            let slot_key = format!("{budget}:{slot}");
            match self
                .outbox
                .commit_outbox(&slot_key, key, vec![record.clone()])
                .await
            {
                Ok(()) => return self.reply(key, None, None, reason.as_str(), vec![]).await,
                Err(CommitError::Duplicate(_)) => slot += 1,
                Err(e) => return Err(e.into()),
            }
        }
        let silent = SilenceReason::AnswerBudgetSpent;
        tracing::info!(reason = reason.as_str(), "{}", silent.as_str());
        self.reply(key, None, None, silent.as_str(), vec![]).await
    }

    /// Sends `texts` (message key, body) to `to` (if any) and records the message id as handled, atomically.
    async fn reply(
        &self,
        key: &str,
        to: Option<&Phone>,
        work_order: Option<&WorkOrderId>,
        reason: &str,
        texts: Vec<(&str, String)>,
    ) -> Result<SmsOutcome, AppError> {
        let now = self.now();
        let outbox: Vec<OutboxRecord> = match to {
            Some(phone) => texts
                .into_iter()
                .enumerate()
                .map(|(i, (message_key, body))| OutboxRecord {
                    id: format!("{key}/{i}"),
                    work_order: work_order.cloned(),
                    effect: Effect::Sms(SmsMessage {
                        to: phone.clone(),
                        recipient: Recipient::Other,
                        body,
                        key: message_key.into(),
                    }),
                    created_at: now,
                })
                .collect(),
            None => vec![],
        };
        match self.outbox.commit_outbox(key, reason, outbox).await {
            Ok(()) => Ok(SmsOutcome::Replied {
                reason: reason.to_string(),
            }),
            Err(CommitError::Duplicate(_)) => Ok(SmsOutcome::Duplicate),
            Err(e) => Err(e.into()),
        }
    }
}
