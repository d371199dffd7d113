//! Given/when/then harness for the work-order state machine: a tiny two-property portfolio
//! (New York and Los Angeles), fixed instants, a work order built by folding events, and a
//! `Then` that holds what `decide` answered and the work order after its events.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::decide::{Context, Recorded, decide, evolve, start};
use mendwork_domain::effects::{Links, effects};
use mendwork_domain::localtime::at_local;
use mendwork_domain::*;
use std::collections::BTreeSet;
use std::sync::LazyLock;

pub mod workflow;

/// The test portfolio. Elm House (New York) has a visitor desk and Go-To plumbers
/// pat → quinn (inactive) → ray; Palm Court (Los Angeles) has ray first. Pat works for Acme,
/// which auto-creates visits; ray is the only emergency-capable plumber; eve is the electrician.
pub const PORTFOLIO_YAML: &str = r#"
team:
  name: Oakline PM
  email: pm@example.com
  phone: "+12125550100"
visitor_desk_integration: true
properties:
  - id: elm
    name: Elm House
    address: 10 Elm St, Brooklyn, NY 11201
    timezone: America/New_York
    nte: 500
    emergency_nte: 1500
    owner:
      name: Olga Owens
      email: olga.owens@example.com
    visitor_desk: true
    vendors:
      plumbing: [pat, quinn, ray]
      electrical: [eve]
  - id: palm
    name: Palm Court
    address: 20 Palm Dr, Los Angeles, CA 90012
    timezone: America/Los_Angeles
    nte: 400
    emergency_nte: 1200
    owner:
      name: Palm Holdings LLC
      email: owners@example.net
    vendors:
      plumbing: [ray, pat]
      electrical: [eve]
companies:
  - id: acme
    name: Acme Plumbing Co
    auto_create_visit: true
vendors:
  - id: pat
    name: Pat Ortiz
    company: acme
    phone: "+12125550111"
    email: pat@example.com
    trades: [plumbing]
  - id: quinn
    name: Quinn Lee
    phone: "+12125550112"
    email: quinn@example.net
    trades: [plumbing]
    active: false
  - id: ray
    name: Ray Diaz
    phone: "+13105550113"
    email: ray@example.net
    trades: [plumbing]
    emergency: true
  - id: eve
    name: Eve Chen
    phone: "+12125550114"
    email: eve@example.net
    trades: [electrical]
dispatch:
  backups:
    plumbing: [ray]
policy:
  accept_timeout: 2h
  urgent_accept_timeout: 1h
  emergency_accept_timeout: 15m
  schedule_nudge_after: 4h
  schedule_nudges: 2
  reminder_day_before: "18:00"
  reminder_morning: "07:30"
  quiet_start: "21:00"
  quiet_end: "08:00"
  outcome_ask_after: 1h
  outcome_nudge_after: 4h
  outcome_nudges: 2
  proposal_timeout: 24h
  approval_reminder_after: 24h
  approval_reminders: 2
  invoice_followup_after: 3d
  invoice_followups: 4
  close_after_invoice: 3d
"#;

pub static PORTFOLIO: LazyLock<Portfolio> = LazyLock::new(|| {
    parse_portfolio(PORTFOLIO_YAML, "test.yaml")
        .unwrap_or_else(|e| panic!("the test portfolio does not load:\n{e}"))
});

/// Wednesday 2026-03-04 15:00 UTC: 10:00 in New York, 07:00 (quiet hours) in Los Angeles.
pub fn now() -> DateTime<Utc> {
    utc("2026-03-04T15:00:00Z")
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("bad instant {s}: {e}"))
        .with_timezone(&Utc)
}

pub fn hours(h: i64) -> chrono::Duration {
    chrono::Duration::hours(h)
}

pub fn minutes(m: i64) -> chrono::Duration {
    chrono::Duration::minutes(m)
}

pub fn window(start: &str, end: &str) -> Window {
    Window::new(utc(start), utc(end)).unwrap_or_else(|| panic!("empty window {start}..{end}"))
}

pub fn ny() -> Tz {
    chrono_tz::America::New_York
}

pub fn la() -> Tz {
    chrono_tz::America::Los_Angeles
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("bad date {y}-{m}-{d}"))
}

pub fn clock(h: u32, m: u32) -> LocalTime {
    LocalTime(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_else(|| panic!("bad time {h}:{m}")))
}

/// The instant the wall clock in `tz` shows `y-m-d h:m`.
pub fn local(tz: Tz, (y, m, d): (i32, u32, u32), (h, min): (u32, u32)) -> DateTime<Utc> {
    at_local(tz, date(y, m, d), clock(h, min))
}

pub fn vid(s: &str) -> VendorId {
    VendorId::from(s)
}

pub fn vendor(id: &str) -> &'static Vendor {
    PORTFOLIO
        .vendor(&vid(id))
        .unwrap_or_else(|| panic!("no vendor {id} in the test portfolio"))
}

pub fn pm() -> Actor {
    Actor::Pm("maya".into())
}

pub fn money(dollars: u64) -> Money {
    Money::from_dollars(dollars)
}

pub const WO_ID: &str = "wo-k3x9m2";

pub fn wo_id() -> WorkOrderId {
    WorkOrderId(WO_ID.into())
}

pub fn code() -> JobCode {
    JobCode::parse("KP27").unwrap_or_else(|| panic!("KP27 is a job code"))
}

/// Elm House (New York) tenant windows: one already over, then Thu 9–11 AM EST, Fri 1–3 PM EST
/// and Mon 9–11 AM EDT (after the 2026-03-08 spring-forward).
pub fn elm_past() -> Window {
    window("2026-03-03T14:00:00Z", "2026-03-03T16:00:00Z")
}
pub fn elm_thu() -> Window {
    window("2026-03-05T14:00:00Z", "2026-03-05T16:00:00Z")
}
pub fn elm_fri() -> Window {
    window("2026-03-06T18:00:00Z", "2026-03-06T20:00:00Z")
}
pub fn elm_mon() -> Window {
    window("2026-03-09T13:00:00Z", "2026-03-09T15:00:00Z")
}

/// Palm Court (Los Angeles) tenant windows: Thu 10 AM–12 PM PST, Mon 10 AM–12 PM PDT.
pub fn palm_thu() -> Window {
    window("2026-03-05T18:00:00Z", "2026-03-05T20:00:00Z")
}
pub fn palm_mon() -> Window {
    window("2026-03-09T17:00:00Z", "2026-03-09T19:00:00Z")
}

pub fn tenant() -> Contact {
    Contact {
        name: "Tina Brooks".into(),
        email: Some(Email::parse("tina.brooks@example.net").unwrap_or_else(|e| panic!("{e}"))),
        phone: Some(Phone::parse("+12125550142").unwrap_or_else(|e| panic!("{e}"))),
    }
}

/// A routine plumbing request at Elm House, as a tenant writes it.
pub fn elm_drip() -> NewWorkOrder {
    NewWorkOrder {
        property: PropertyId::from("elm"),
        unit: "4B".into(),
        tenant: tenant(),
        description: "The bathroom sink faucet drips all day and night and the hot water \
                      handle is loose."
            .into(),
        category: Some(Trade::Plumbing),
        emergency: false,
        permission_to_enter: true,
        pets: Some("one cat".into()),
        access_notes: None,
        photos: vec![],
        availability: vec![elm_mon(), elm_past(), elm_thu(), elm_fri()],
        source: Source::Tenant,
        language: mendwork_domain::Language::En,
    }
}

/// An active flood at Elm House, reported as an emergency.
pub fn elm_flood() -> NewWorkOrder {
    NewWorkOrder {
        description: "Water is pouring through the kitchen ceiling from a burst pipe upstairs \
                      and the floor is flooding."
            .into(),
        emergency: true,
        ..elm_drip()
    }
}

/// The same dripping faucet at Palm Court, Los Angeles.
pub fn palm_drip() -> NewWorkOrder {
    NewWorkOrder {
        property: PropertyId::from("palm"),
        availability: vec![palm_thu(), palm_mon()],
        ..elm_drip()
    }
}

/// Links as the web layer would sign them; fixed strings here.
pub struct FakeLinks;

impl Links for FakeLinks {
    fn tenant_status(&self, wo: &WorkOrder) -> String {
        format!("https://mw.example.com/s/{}", wo.code)
    }
    fn owner_approval(&self, wo: &WorkOrder) -> String {
        format!("https://mw.example.com/a/{}/{}", wo.code, wo.approval_round)
    }
    fn vendor_job(&self, wo: &WorkOrder, vendor: &VendorId) -> String {
        format!("https://mw.example.com/j/{}/{vendor}", wo.code)
    }
    fn file(&self, name: &str) -> String {
        format!("https://mw.example.com/f/{name}")
    }
}

/// A work order and the world around it, built up step by step.
#[derive(Clone)]
pub struct Given {
    pub wo: WorkOrder,
    pub now: DateTime<Utc>,
    pub opted_out: BTreeSet<Phone>,
    pub busy: Vec<(WorkOrderId, Window)>,
    pub history: Vec<Recorded>,
    /// The portfolio decisions are made in: [`PORTFOLIO`] unless [`Given::in_portfolio`].
    pub portfolio: &'static Portfolio,
}

impl Given {
    /// A work order just submitted (not triaged) at [`now`].
    pub fn submitted(request: NewWorkOrder) -> Given {
        Given::submitted_at(request, now())
    }

    pub fn submitted_at(request: NewWorkOrder, at: DateTime<Utc>) -> Given {
        let event = Event::Submitted {
            id: wo_id(),
            code: code(),
            request,
        };
        let wo = start(&event, at).unwrap_or_else(|| panic!("Submitted starts a work order"));
        Given {
            wo,
            now: at,
            opted_out: BTreeSet::new(),
            busy: vec![],
            history: vec![Recorded { at, event }],
            portfolio: &PORTFOLIO,
        }
    }

    /// From here on, decisions are made in `portfolio` (a variant of the test portfolio).
    // Not every test file that compiles this support uses it.
    #[allow(dead_code)]
    pub fn in_portfolio(mut self, portfolio: &'static Portfolio) -> Given {
        self.portfolio = portfolio;
        self
    }

    pub fn at(mut self, t: DateTime<Utc>) -> Given {
        self.now = t;
        self
    }

    pub fn later(self, d: chrono::Duration) -> Given {
        let t = self.now + d;
        self.at(t)
    }

    pub fn opted_out(mut self, phone: &Phone) -> Given {
        self.opted_out.insert(phone.clone());
        self
    }

    pub fn busy(mut self, other: &str, w: Window) -> Given {
        self.busy.push((WorkOrderId(other.into()), w));
        self
    }

    pub fn property(&self) -> &'static Property {
        self.portfolio
            .property(&self.wo.request.property)
            .unwrap_or_else(|| panic!("no property {}", self.wo.request.property))
    }

    pub fn ctx(&self) -> Context<'_> {
        Context::new(
            self.portfolio,
            self.property(),
            self.now,
            &self.opted_out,
            &self.busy,
        )
    }

    /// Folds `event` into the work order at the current instant.
    pub fn apply(&mut self, event: &Event) {
        self.wo = evolve(self.wo.clone(), event, self.now);
        self.history.push(Recorded {
            at: self.now,
            event: event.clone(),
        });
    }

    /// Runs `cmd` and folds its events; a rejection is a broken test setup.
    pub fn did(mut self, cmd: Command) -> Given {
        match decide(&self.wo, &cmd, &self.ctx()) {
            Ok(events) => {
                for e in &events {
                    self.apply(e);
                }
                self
            }
            Err(r) => panic!(
                "setup step {cmd:?} was rejected in status {}: {r}",
                self.wo.status
            ),
        }
    }

    /// Fires the armed generation of `kind` at its due instant.
    pub fn fired(self, kind: TimerKind) -> Given {
        let (generation, due) = self.armed(kind);
        self.at(due).did(Command::TimerFired { kind, generation })
    }

    /// The armed generation of `kind` and when it is due.
    pub fn armed(&self, kind: TimerKind) -> (u32, DateTime<Utc>) {
        match self.wo.timers.get(&kind) {
            Some(TimerState {
                generation,
                due: Some(due),
            }) => (*generation, *due),
            _ => panic!("timer {kind:?} is not armed: {:?}", self.wo.timers),
        }
    }

    pub fn when(&self, cmd: Command) -> Then {
        let before = self.wo.clone();
        let result = decide(&self.wo, &cmd, &self.ctx());
        assert_eq!(self.wo, before, "decide must not touch the work order");
        let mut after = self.clone();
        let mut effects_out = vec![];
        if let Ok(events) = &result {
            for e in events {
                let b = after.wo.clone();
                after.apply(e);
                effects_out.extend(effects(&b, &after.wo, e, &after.ctx(), &FakeLinks));
            }
        }
        every_placeholder_is_filled(&effects_out);
        Then {
            cmd,
            result,
            after,
            effects: effects_out,
        }
    }

    /// Fires the armed generation of `kind` at its due instant and returns what happened.
    pub fn when_fired(&self, kind: TimerKind) -> Then {
        let (generation, due) = self.armed(kind);
        self.clone()
            .at(due)
            .when(Command::TimerFired { kind, generation })
    }

    // ----- common histories -----

    /// Triaged at [`now`] and offered to pat (Elm House).
    pub fn offered_to_pat() -> Given {
        Given::submitted(elm_drip()).did(Command::Triage)
    }

    /// Pat accepted: a visit exists, slots were sent.
    pub fn accepted_by_pat() -> Given {
        Given::offered_to_pat()
            .later(minutes(10))
            .did(Command::Accept { vendor: vid("pat") })
    }

    /// Pat picked slot 1 (Thu Mar 5, 9–11 AM EST).
    pub fn scheduled_with_pat() -> Given {
        Given::accepted_by_pat()
            .later(minutes(5))
            .did(Command::ChooseSlot {
                vendor: vid("pat"),
                slot: 1,
            })
    }

    /// Pat arrived on Thu Mar 5 at 9:05 AM.
    pub fn pat_on_site() -> Given {
        Given::scheduled_with_pat()
            .at(utc("2026-03-05T14:05:00Z"))
            .did(Command::Arrived {
                by: Actor::Vendor(vid("pat")),
            })
    }

    /// Pat marked the job done at 10:40 AM.
    pub fn completed_by_pat() -> Given {
        Given::pat_on_site()
            .at(utc("2026-03-05T15:40:00Z"))
            .did(Command::Done {
                vendor: vid("pat"),
                notes: Some("Replaced the cartridge and tightened the handle".into()),
                photos: vec![],
            })
    }

    /// Pat sent an $800 estimate (over the $500 NTE) while scheduled.
    pub fn awaiting_approval() -> Given {
        Given::scheduled_with_pat()
            .later(hours(1))
            .did(Command::Estimate {
                vendor: vid("pat"),
                amount: money(800),
                note: Some("The valve body is cracked: replace the whole faucet".into()),
            })
    }
}

/// What a command did: the answer of `decide` and the work order after its events.
pub struct Then {
    pub cmd: Command,
    pub result: Result<Vec<Event>, Rejection>,
    pub after: Given,
    pub effects: Vec<Effect>,
}

impl Then {
    pub fn events(&self) -> &[Event] {
        match &self.result {
            Ok(e) => e,
            Err(r) => panic!("{:?} was rejected: {r}", self.cmd),
        }
    }

    pub fn wo(&self) -> &WorkOrder {
        &self.after.wo
    }

    pub fn rejected(&self) -> Rejection {
        match &self.result {
            Ok(e) => panic!("{:?} was accepted with events {e:#?}", self.cmd),
            Err(r) => r.clone(),
        }
    }

    pub fn rejected_with(&self, expected: Rejection) {
        assert_eq!(self.rejected(), expected, "command {:?}", self.cmd);
    }

    pub fn no_events(&self) {
        assert_eq!(self.events(), &[] as &[Event], "command {:?}", self.cmd);
    }

    pub fn has(&self, pred: impl Fn(&Event) -> bool) -> bool {
        self.events().iter().any(pred)
    }

    /// The cause of the first `NeedsAttention` among the events.
    pub fn cause(&self) -> Option<&mendwork_domain::attention::Cause> {
        self.events().iter().find_map(|e| match e {
            Event::NeedsAttention { cause } => Some(cause),
            _ => None,
        })
    }

    /// [`Then::cause`] as the team reads it, in English.
    pub fn attention(&self) -> Option<String> {
        let tz = self.after.property().timezone;
        self.cause()
            .map(|c| c.describe(self.after.portfolio, tz, Language::En))
    }

    /// The first `TimerSet` for `kind` among the events: (generation, due).
    pub fn timer_set(&self, kind: TimerKind) -> (u32, DateTime<Utc>) {
        self.events()
            .iter()
            .find_map(|e| match e {
                Event::TimerSet {
                    timer,
                    generation,
                    at,
                } if *timer == kind => Some((*generation, *at)),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no TimerSet {kind:?} in {:#?}", self.events()))
    }

    pub fn visit_changes(&self) -> Vec<(VisitChange, Visit)> {
        self.events()
            .iter()
            .filter_map(|e| match e {
                Event::Visit { change, visit } => Some((*change, visit.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn sms(&self, key: &str) -> Vec<&SmsMessage> {
        sms_of(&self.effects, key)
    }

    pub fn emails(&self, key: &str) -> Vec<&EmailMessage> {
        emails_of(&self.effects, key)
    }
}

/// Every text the renderer made has each of its catalogue placeholders filled: a text that
/// names one the message's maker does not supply fails every scenario that sends it.
fn every_placeholder_is_filled(effects: &[Effect]) {
    use mendwork_domain::catalogue::placeholders;
    for e in effects {
        let (key, texts) = match e {
            Effect::Sms(m) => (&m.key, vec![&m.body]),
            Effect::Email(m) => (&m.key, vec![&m.subject, &m.text]),
            _ => continue,
        };
        for text in texts {
            assert!(
                placeholders(text).is_empty(),
                "{key} has an unfilled placeholder: {text}"
            );
        }
    }
}

/// The SMS with message key `key` among `effects`.
pub fn sms_of<'a>(effects: &'a [Effect], key: &str) -> Vec<&'a SmsMessage> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Sms(m) if m.key == key => Some(m),
            _ => None,
        })
        .collect()
}

/// The emails with message key `key` among `effects`.
pub fn emails_of<'a>(effects: &'a [Effect], key: &str) -> Vec<&'a EmailMessage> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Email(m) if m.key == key => Some(m),
            _ => None,
        })
        .collect()
}

/// The timer kinds armed on `wo` with their generations.
pub fn armed_timers(wo: &WorkOrder) -> Vec<(TimerKind, u32)> {
    wo.timers
        .iter()
        .filter(|(_, t)| t.due.is_some())
        .map(|(k, t)| (*k, t.generation))
        .collect()
}
