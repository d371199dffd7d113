//! The workflow steps: load → decide → commit (state, timeline and outbox together) → deliver.
//! Every entry point is idempotent; a version conflict is retried from a fresh read.

use crate::links::LinkSigner;
use crate::ports::*;
use chrono::{DateTime, Utc};
use mendwork_domain::booking::CalendarChange;
use mendwork_domain::budget;
use mendwork_domain::decide::{Context, Recorded, decide, decide_submit, evolve, start};
use mendwork_domain::effects::effects;
use mendwork_domain::outbound::{event_id, outbound};
use mendwork_domain::routing::may_text;
use mendwork_domain::segments::sms_segments;
use mendwork_domain::{
    Channel, Command, Effect, Event, JobCode, NewWorkOrder, Portfolio, Property, Recipient,
    Rejection, Source, TemplateId, WorkOrder, WorkOrderId,
};
use std::sync::Arc;

/// How many times a step re-reads and re-decides after a version conflict before giving up.
const CONFLICT_RETRIES: usize = 8;

/// Why a step did not do what was asked. `Rejected` and `Invalid` are the caller's to show;
/// `Store` is logged at the edge and shown as a generic failure.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    #[error(transparent)]
    Rejected(#[from] Rejection),
    #[error("{0}")]
    Invalid(String),
    #[error("too many concurrent changes to {0}; try again")]
    Busy(WorkOrderId),
    #[error("storage failed")]
    Store(#[from] StoreError),
}

impl From<CommitError> for AppError {
    fn from(e: CommitError) -> Self {
        match e {
            CommitError::Conflict(id) => AppError::Busy(id),
            CommitError::Duplicate(k) => AppError::Invalid(format!("already handled: {k}")),
            CommitError::Store(s) => AppError::Store(s),
        }
    }
}

/// What a step did.
#[derive(Debug, Clone)]
pub struct Executed {
    pub wo: WorkOrder,
    /// The events this call committed (empty: nothing to do, e.g. a stale timer or a
    /// duplicate delivery).
    pub events: Vec<Event>,
    /// True when the idempotency key showed this input was handled before.
    pub duplicate: bool,
}

/// The adapters a step runs on, built once per process (per Lambda container).
#[derive(Clone)]
pub struct App {
    /// Work orders one at a time: load, timeline, commit.
    pub work_orders: Arc<dyn WorkOrders>,
    /// Work orders by vendor, phone or job code; a vendor's bookings.
    pub lookups: Arc<dyn Lookups>,
    /// The effects waiting to be carried out.
    pub outbox: Arc<dyn Outbox>,
    /// Idempotency keys and single-use nonces.
    pub keys: Arc<dyn Keys>,
    pub visits: Arc<dyn Visits>,
    pub opt_outs: Arc<dyn OptOuts>,
    /// The lists people browse, a page at a time.
    pub queries: Arc<dyn crate::ports::WorkOrderQueries>,
    /// The metrics projection (written by the store's commits, read here).
    pub metrics: Arc<dyn crate::metrics::MetricsProjection>,
    pub timers: Arc<dyn Timers>,
    pub mailer: Arc<dyn Mailer>,
    pub texter: Arc<dyn Texter>,
    pub clock: Arc<dyn Clock>,
    pub directory: Arc<dyn Directory>,
    pub ids: Arc<dyn Ids>,
    pub links: Arc<LinkSigner>,
    /// Stored rate limits for the public edges (the tenant form, the sign-in).
    pub limits: Arc<dyn crate::limits::RateLimits>,
    /// Where published events are delivered (the team's webhook endpoints).
    pub webhooks: crate::deliveries::Webhooks,
    /// The integrations' API keys (hashed).
    pub api_keys: Arc<dyn crate::api_keys::ApiKeys>,
    /// Where old timelines are archived and read back from (the store's side and the files
    /// store). `None` where no files store is configured: nothing is archived, and a work
    /// order marked archived cannot show its timeline (an error, never a shortened one).
    pub archive: Option<crate::archive::Archive>,
}

/// The idempotency key a submission token is recorded under (the work order it created).
pub fn submission_key(token: &str) -> String {
    format!("submit:{token}")
}

/// Extra things an execution writes with its transition.
#[derive(Debug, Clone, Default)]
pub struct Exec {
    pub idempotency_key: Option<String>,
    /// The inbound message that carried the command, for the timeline.
    pub inbound: Option<Event>,
}

impl App {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn portfolio(&self) -> Arc<Portfolio> {
        self.directory.portfolio()
    }

    /// Creates a work order (tenant form, PM API, recurring template). With a submission
    /// token, a repeated submission returns the work order the first one created.
    pub async fn submit(
        &self,
        request: NewWorkOrder,
        submission: Option<&str>,
    ) -> Result<Executed, AppError> {
        let key = submission.map(submission_key);
        if let Some(k) = &key
            && let Some(existing) = self.keys.idempotent(k).await?
        {
            return self.existing(&WorkOrderId(existing)).await;
        }
        let portfolio = self.portfolio();
        let property = portfolio.property(&request.property).ok_or_else(|| {
            AppError::Invalid(format!("unknown property {:?}", request.property.as_str()))
        })?;
        let id = match &request.source {
            Source::Recurring {
                template,
                occurrence,
            } => recurring_id(template, *occurrence),
            _ => self.ids.work_order_id(),
        };
        let code = self.fresh_code().await?;
        let now = self.now();
        let opted_out = self.opt_outs.opted_out().await?;
        let ctx = Context::new(&portfolio, property, now, &opted_out, &[]);
        let events = decide_submit(id.clone(), code, request, &ctx)?;
        let Some(wo) = events.first().and_then(|e| start(e, now)) else {
            return Err(AppError::Invalid("nothing to create".into()));
        };
        let commit = self.build_commit(wo.clone(), &wo, 0, &events, &ctx, key.clone());
        let mut tries = 0;
        let outcome = loop {
            tries += 1;
            match self.work_orders.commit(commit.clone()).await {
                // A conflict on a new work order that did not come to exist is another
                // commit's write to an item this one shares (a metrics row, in DynamoDB's
                // `TransactionConflict`): nothing was written, so the same commit is tried
                // again.
                Err(CommitError::Conflict(_))
                    if tries < CONFLICT_RETRIES && !self.created_meanwhile(&id, &key).await? =>
                {
                    continue;
                }
                other => break other,
            }
        };
        match outcome {
            Ok(()) => Ok(Executed {
                wo,
                events,
                duplicate: false,
            }),
            // The same submission raced us, or the recurring occurrence exists already.
            Err(CommitError::Duplicate(_)) | Err(CommitError::Conflict(_)) => {
                let id = match &key {
                    Some(k) => self
                        .keys
                        .idempotent(k)
                        .await?
                        .map(WorkOrderId)
                        .unwrap_or(id),
                    None => id,
                };
                self.existing(&id).await
            }
            Err(CommitError::Store(e)) => Err(e.into()),
        }
    }

    /// Whether the work order `id` (or the one the submission `key` recorded) exists now.
    async fn created_meanwhile(
        &self,
        id: &WorkOrderId,
        key: &Option<String>,
    ) -> Result<bool, StoreError> {
        if let Some(k) = key
            && self.keys.idempotent(k).await?.is_some()
        {
            return Ok(true);
        }
        Ok(self.work_orders.load(id).await?.is_some())
    }

    async fn existing(&self, id: &WorkOrderId) -> Result<Executed, AppError> {
        let stored = self
            .work_orders
            .load(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("work order {id}")))?;
        Ok(Executed {
            wo: stored.wo,
            events: vec![],
            duplicate: true,
        })
    }

    async fn fresh_code(&self) -> Result<JobCode, AppError> {
        let mut code = JobCode::from_seed(self.ids.code_seed());
        for _ in 0..16 {
            if self.lookups.open_by_code(&code).await?.is_none() {
                return Ok(code);
            }
            code = JobCode::from_seed(self.ids.code_seed());
        }
        Ok(code)
    }

    /// Runs one command on one work order. A rejection writes nothing.
    pub async fn execute(
        &self,
        id: &WorkOrderId,
        command: Command,
        exec: Exec,
    ) -> Result<Executed, AppError> {
        if let Some(k) = &exec.idempotency_key
            && self.keys.idempotent(k).await?.is_some()
        {
            let mut done = self.existing(id).await?;
            done.duplicate = true;
            return Ok(done);
        }
        let portfolio = self.portfolio();
        for _ in 0..CONFLICT_RETRIES {
            let stored = self
                .work_orders
                .load(id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("work order {id}")))?;
            let property = property_of(&portfolio, &stored.wo)?;
            let opted_out = self.opt_outs.opted_out().await?;
            let busy = match (&command, &stored.wo.vendor) {
                (
                    Command::ChooseSlot { .. }
                    | Command::ProposeTime { .. }
                    | Command::AnswerProposal { .. },
                    Some(v),
                ) => self.lookups.vendor_appointments(v).await?,
                _ => vec![],
            };
            let now = self.now();
            let ctx = Context::new(&portfolio, property, now, &opted_out, &busy);
            let mut events = decide(&stored.wo, &command, &ctx)?;
            if events.is_empty() && exec.inbound.is_none() {
                return Ok(Executed {
                    wo: stored.wo,
                    events,
                    duplicate: false,
                });
            }
            if let Some(inbound) = &exec.inbound {
                events.insert(0, inbound.clone());
            }
            let after = events
                .iter()
                .fold(stored.wo.clone(), |wo, e| evolve(wo, e, now));
            let commit = self.build_commit(
                after.clone(),
                &stored.wo,
                stored.version,
                &events,
                &ctx,
                exec.idempotency_key.clone(),
            );
            match self.work_orders.commit(commit).await {
                Ok(()) => {
                    return Ok(Executed {
                        wo: after,
                        events,
                        duplicate: false,
                    });
                }
                Err(CommitError::Conflict(_)) => continue,
                Err(CommitError::Duplicate(_)) => {
                    let mut done = self.existing(id).await?;
                    done.duplicate = true;
                    return Ok(done);
                }
                Err(CommitError::Store(e)) => return Err(e.into()),
            }
        }
        Err(AppError::Busy(id.clone()))
    }

    /// The commit of one transition: the events, a `message_sent` timeline entry for every
    /// message, and the outbox records, with deterministic ids.
    #[allow(clippy::too_many_arguments)]
    fn build_commit(
        &self,
        after: WorkOrder,
        before: &WorkOrder,
        version: u64,
        events: &[Event],
        ctx: &Context,
        key: Option<String>,
    ) -> Commit {
        let now = ctx.now;
        let mut recorded = vec![];
        let mut outbox = vec![];
        let mut state = before.clone();
        for (i, e) in events.iter().enumerate() {
            let next = if i == 0 && version == 0 {
                state.clone()
            } else {
                evolve(state.clone(), e, now)
            };
            recorded.push(Recorded {
                at: now,
                event: budget::bounded(e.clone()),
            });
            for effect in effects(&state, &next, e, ctx, self.links.as_ref()) {
                if let Some(sent) = sent_event(&effect) {
                    recorded.push(Recorded {
                        at: now,
                        event: budget::bounded(sent),
                    });
                }
                outbox.push(OutboxRecord {
                    id: format!("{}/{}/{}", after.id, version + 1, outbox.len()),
                    work_order: Some(after.id.clone()),
                    effect,
                    created_at: now,
                });
            }
            state = next;
        }
        if let Some(effect) = publish(&after, version + 1, &recorded, ctx) {
            outbox.push(OutboxRecord {
                id: format!("{}/{}/{}", after.id, version + 1, outbox.len()),
                work_order: Some(after.id.clone()),
                effect,
                created_at: now,
            });
        }
        let stored = (version > 0).then_some(before);
        Commit {
            calendar: CalendarChange::between(stored, &after),
            metrics: mendwork_domain::metrics::deltas(stored, &after),
            wo: after,
            expected_version: version,
            events: recorded,
            outbox,
            idempotency_key: key,
        }
    }

    /// Carries out up to `limit` pending outbox records; returns how many were done. A
    /// failure stops the batch (the record stays pending and is retried next time).
    pub async fn deliver(&self, limit: usize) -> Result<usize, AppError> {
        let pending = self.outbox.pending_outbox(limit).await?;
        let mut done = 0;
        for record in pending {
            self.carry_out(&record).await?;
            self.outbox.outbox_done(&record.id).await?;
            done += 1;
        }
        Ok(done)
    }

    /// Delivers until the outbox is empty (follow-up commands add records as they run).
    pub async fn drain(&self) -> Result<usize, AppError> {
        let mut total = 0;
        for _ in 0..1000 {
            let n = self.deliver(100).await?;
            total += n;
            if n == 0 {
                break;
            }
        }
        Ok(total)
    }

    /// One outbox record's effect. Idempotent: adapters ignore an id they have seen.
    pub async fn carry_out(&self, record: &OutboxRecord) -> Result<(), AppError> {
        let wo = record.work_order.as_ref();
        match &record.effect {
            Effect::Email(m) => {
                let delivery = self.mailer.send(&record.id, wo, m).await?;
                let to = (&m.recipient, Channel::Email, m.to.to_string(), &m.key);
                self.undelivered(record, delivery, to).await?;
            }
            Effect::Sms(m) => {
                // The last gate: whatever queued this text, a number that opted out since
                // gets nothing (the confirmation of its opt-out aside).
                let opted_out = self.opt_outs.is_opted_out(&m.to).await?;
                let delivery = if sms_segments(&m.body) > budget::MAX_SMS_SEGMENTS {
                    // The domain fits every text it makes; a record that does not fit was
                    // made some other way, and no text goes out longer than its budget.
                    Delivery::Refused {
                        reason: format!(
                            "not sent: the text is longer than {} SMS segments",
                            budget::MAX_SMS_SEGMENTS
                        ),
                    }
                } else if may_text(opted_out, &m.key) {
                    self.texter.send(&record.id, wo, m).await?
                } else {
                    Delivery::Refused {
                        reason: "not sent: the number opted out of texts (it replied STOP)".into(),
                    }
                };
                let to = (&m.recipient, Channel::Sms, m.to.to_string(), &m.key);
                self.undelivered(record, delivery, to).await?;
            }
            Effect::SetTimer {
                name,
                kind,
                generation,
                at,
                zone,
            } => {
                if let Some(wo) = wo {
                    self.timers
                        .set(&TimerSpec {
                            name: name.clone(),
                            at: *at,
                            target: TimerTarget::WorkOrder {
                                work_order: wo.clone(),
                                kind: *kind,
                                generation: *generation,
                            },
                            zone: Some(*zone),
                        })
                        .await?;
                }
            }
            Effect::CancelTimer { name } => self.timers.cancel(name).await?,
            Effect::Publish { events } => self.publish(events, record.created_at).await?,
            Effect::Run { command } => {
                if let Some(wo) = wo {
                    let key = format!("run:{}", record.id);
                    match self
                        .execute(
                            wo,
                            command.clone(),
                            Exec {
                                idempotency_key: Some(key),
                                inbound: None,
                            },
                        )
                        .await
                    {
                        Ok(_) => {}
                        // A follow-up that no longer applies (e.g. cancelled meanwhile).
                        Err(AppError::Rejected(r)) => {
                            tracing::info!(work_order = %wo, reason = %r, "follow-up no longer applies");
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(())
    }

    /// Puts a refused message on its work order's timeline (which tells the team); once per
    /// outbox record, however often the record is carried out.
    async fn undelivered(
        &self,
        record: &OutboxRecord,
        delivery: Delivery,
        (to, channel, address, key): (&Recipient, Channel, String, &String),
    ) -> Result<(), AppError> {
        let Delivery::Refused { reason } = delivery else {
            return Ok(());
        };
        // The service's words may quote the address or number: they go to the timeline, and
        // to the log only redacted.
        tracing::warn!(outbox = %record.id, message = %key, reason = %crate::redact::redact(&reason), "message refused by the service");
        let Some(wo) = &record.work_order else {
            return Ok(());
        };
        let command = Command::MessageUndelivered {
            to: to.clone(),
            channel,
            address,
            key: key.clone(),
            reason,
        };
        let exec = Exec {
            idempotency_key: Some(format!("undelivered:{}", record.id)),
            inbound: None,
        };
        match self.execute(wo, command, exec).await {
            Ok(_) => Ok(()),
            Err(AppError::Rejected(r)) => {
                tracing::info!(work_order = %wo, reason = %r, "undelivered message not recorded");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// A timer fired. Stale or duplicate firings do nothing.
    pub async fn fire(&self, target: &TimerTarget) -> Result<Option<Executed>, AppError> {
        match target {
            TimerTarget::WorkOrder {
                work_order,
                kind,
                generation,
            } => {
                let cmd = Command::TimerFired {
                    kind: *kind,
                    generation: *generation,
                };
                match self.execute(work_order, cmd, Exec::default()).await {
                    Ok(x) => Ok(Some(x)),
                    Err(AppError::NotFound(_)) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            TimerTarget::Recurring {
                template,
                occurrence,
            } => {
                let created = crate::recurring::create(self, template, *occurrence).await?;
                crate::recurring::schedule_next(self, template, *occurrence).await?;
                Ok(created)
            }
        }
    }
}

/// The publish effect of a commit: its timeline events that go out (`outbound`) and that some
/// configured endpoint wants, in one outbox record (however many endpoints there are, so a
/// commit's atomic write stays small). Ids are the events' places in the commit, stable on
/// every retry. `None` when no endpoint wants any of them.
fn publish(
    after: &WorkOrder,
    version: u64,
    recorded: &[Recorded],
    ctx: &Context,
) -> Option<Effect> {
    let endpoints = &ctx.portfolio.webhooks;
    // A work order pulled from the PMS publishes what goes back to it, endpoints or not.
    let to_pms = |kind: &str| crate::pms_sync::pushed(&after.request.source, kind);
    if endpoints.is_empty() && !matches!(after.request.source, Source::Pms { .. }) {
        return None;
    }
    let events: Vec<_> = recorded
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            outbound(
                after,
                ctx.portfolio,
                event_id(after, version, i),
                r.at,
                &r.event,
            )
        })
        .filter(|e| endpoints.iter().any(|x| x.wants(e.kind.as_str())) || to_pms(e.kind.as_str()))
        .filter_map(|e| e.published())
        .collect();
    (!events.is_empty()).then_some(Effect::Publish { events })
}

fn property_of<'p>(portfolio: &'p Portfolio, wo: &WorkOrder) -> Result<&'p Property, AppError> {
    portfolio.property(&wo.request.property).ok_or_else(|| {
        AppError::Invalid(format!(
            "property {} is no longer in the portfolio",
            wo.request.property
        ))
    })
}

/// The timeline entry for a message effect.
fn sent_event(effect: &Effect) -> Option<Event> {
    match effect {
        Effect::Email(m) => Some(Event::MessageSent {
            to: m.recipient.clone(),
            channel: Channel::Email,
            address: m.to.to_string(),
            subject: Some(m.subject.clone()),
            body: m.text.clone(),
            key: m.key.clone(),
        }),
        Effect::Sms(m) => Some(Event::MessageSent {
            to: m.recipient.clone(),
            channel: Channel::Sms,
            address: m.to.to_string(),
            subject: None,
            body: m.body.clone(),
            key: m.key.clone(),
        }),
        _ => None,
    }
}

/// The deterministic id of a recurring occurrence: `wo-r`, the template's occurrence key (a
/// hash of its whole id, see [`TemplateId::occurrence_key`]) and the occurrence's UTC time to
/// the minute. Creating it twice is a conflict, not a second work order; two templates firing
/// at the same minute get two work orders.
///
/// Invariant: 26 characters, `wo-` then lowercase letters and digits, so the longest timer
/// name of such a work order (`mendwork_domain::timer_name`) is a valid schedule name.
pub fn recurring_id(template: &TemplateId, occurrence: DateTime<Utc>) -> WorkOrderId {
    WorkOrderId(format!(
        "wo-r{}{}",
        template.occurrence_key(),
        occurrence.format("%y%m%d%H%M")
    ))
}

/// Who a message recipient is, in words (for pages and logs).
pub fn recipient_label(r: &Recipient) -> String {
    match r {
        Recipient::Tenant => "tenant".into(),
        Recipient::Vendor(v) => format!("vendor {v}"),
        Recipient::Owner => "owner".into(),
        Recipient::Pm => "property team".into(),
        Recipient::Other => "sender".into(),
    }
}
