//! [`Aws`]: the shared scenarios' [`Driver`] played through the Lambda handlers on moto (see
//! [`World`]). Every stream batch is delivered twice, as Lambda may. Each request is checked to
//! reach the function that owns its route, each schedule the function its timer kind belongs
//! to, and each message a timeline records is matched to what SNS or SES actually sent.

use super::aws::{BASE_URL, Sent, World, hidden_value, path_of};
use chrono::{DateTime, Utc};
use mendwork_app::ports::ListFilter;
use mendwork_tests::{ApiReply, Driver, Fired, Message, Page, PendingTimer};
use serde_json::{Value, json};
use std::sync::Mutex;

/// The team address the driver signs in with (the sample portfolio's).
const PM_EMAIL: &str = "maintenance@example.com";

pub struct Aws {
    pub world: World,
    /// What moto had sent before the scenario began (the team's sign-in).
    before: Vec<Sent>,
    /// The last reading of [`Driver::sent`] and the proxy's call count after it.
    cache: Mutex<Option<(usize, Vec<Message>)>>,
    /// A form page opened ahead of the next submission.
    stamp: Mutex<Option<Stamp>>,
}

/// The function whose route serves `path`, as the template is meant to route it.
fn owner(path: &str) -> Option<&'static str> {
    let owners = [
        ("/api/visits", "desk"),
        ("/desk", "desk"),
        ("/approve/", "approval"),
        ("/api/", "pm"),
        ("/login", "pm"),
        ("/report", "intake"),
        ("/s/", "intake"),
        ("/v/", "intake"),
        ("/uploads", "intake"),
        ("/files/", "intake"),
    ];
    owners
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(_, f)| *f)
}

/// The tenant form's hidden `issued` stamp, as a browser got it with the page.
struct Stamp {
    property: String,
    issued: String,
    /// The virtual time it was issued at: a stamp is used only while that holds.
    at: DateTime<Utc>,
    fetched: std::time::Instant,
}

fn same(a: &Sent, b: &Sent) -> bool {
    (a.channel, &a.to, &a.subject, &a.body) == (b.channel, &b.to, &b.subject, &b.body)
}

impl Aws {
    /// A link from a message (it must point at the deployment) or a path, as a path.
    fn path(link: &str) -> String {
        if link.starts_with("http") {
            assert!(
                link.starts_with(&format!("{BASE_URL}/")),
                "links point at the deployment: {link}"
            );
            path_of(link)
        } else {
            link.to_string()
        }
    }

    /// Opens the tenant form of `property`, as a browser does before the tenant fills it in.
    async fn form_stamp(&self, property: &str) -> Stamp {
        let path = format!("/report/{property}");
        let form = self.world.get(&path).await;
        Self::routed(&path, &form.function);
        assert_eq!(form.status, 200, "{}", form.body);
        let issued = hidden_value(&form.body, "issued");
        let issued = issued.unwrap_or_else(|| panic!("no issued stamp in the form: {}", form.body));
        Stamp {
            property: property.to_string(),
            issued,
            at: self.now(),
            fetched: std::time::Instant::now(),
        }
    }

    fn routed(path: &str, function: &str) {
        if let Some(expected) = owner(path) {
            assert_eq!(function, expected, "{path} is served by {expected}");
        }
    }

    fn page(a: super::aws::Answer) -> Page {
        Page {
            status: a.status,
            location: a.location,
            body: a.body,
        }
    }

    fn reply(a: &super::aws::Answer) -> ApiReply {
        let body = if a.body.trim().is_empty() {
            Value::Null
        } else {
            a.json()
        };
        ApiReply {
            status: a.status,
            body,
        }
    }
}

impl Driver for Aws {
    async fn start(at: DateTime<Utc>) -> Option<Aws> {
        let world = World::start("a shared scenario", at).await?;
        world.sign_in(PM_EMAIL).await;
        world.deliver_streams_twice();
        let before = world.sent().await;
        Some(Aws {
            world,
            before,
            cache: Mutex::new(None),
            stamp: Mutex::new(None),
        })
    }

    async fn submit_form(&self, fields: &[(&str, &str)]) -> Page {
        let property = fields.iter().find(|(k, _)| *k == "property");
        let property = property.map_or("", |(_, v)| *v);
        let held = self.stamp.lock().unwrap().take();
        let stamp = match held {
            Some(s) if s.property == property && s.at == self.now() => s,
            _ => self.form_stamp(property).await,
        };
        // A person takes a few seconds to fill the form in (the intake refuses faster posts).
        let filled = std::time::Duration::from_millis(3100);
        if let Some(left) = filled.checked_sub(stamp.fetched.elapsed()) {
            tokio::time::sleep(left).await;
        }
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("issued", stamp.issued.as_str()));
        let a = self.world.post_form("/report", &all).await;
        Self::routed("/report", &a.function);
        // The next submission's page is opened now, so its few seconds pass meanwhile.
        let next = self.form_stamp(property).await;
        *self.stamp.lock().unwrap() = Some(next);
        Self::page(a)
    }

    async fn open(&self, link: &str) -> Page {
        let path = Self::path(link);
        let a = self.world.get(&path).await;
        Self::routed(&path, &a.function);
        Self::page(a)
    }

    async fn post_page(&self, link: &str, fields: &[(&str, &str)]) -> Page {
        let path = Self::path(link);
        let a = self.world.post_form(&path, fields).await;
        Self::routed(&path, &a.function);
        Self::page(a)
    }

    async fn api_get(&self, path: &str) -> ApiReply {
        let a = self.world.get(path).await;
        Self::routed(path, &a.function);
        Self::reply(&a)
    }

    async fn api_post(&self, path: &str, body: &Value) -> ApiReply {
        let a = self.world.post_json(path, body).await;
        Self::routed(path, &a.function);
        Self::reply(&a)
    }

    async fn text_with_id(&self, from: &str, body: &str, message_id: &str) -> Value {
        let message = json!({
            "originationNumber": from,
            "destinationNumber": super::aws::ORIGINATION,
            "messageKeyword": "KEYWORD_123456789012",
            "messageBody": body,
            "inboundMessageId": message_id,
            "previousPublishedMessageId": null,
        });
        let outcomes = self.world.sns_inbound(message).await;
        let all = outcomes.as_array().cloned().unwrap_or_default();
        assert_eq!(all.len(), 1, "one SNS record, one outcome: {outcomes}");
        all[0].clone()
    }

    fn now(&self) -> DateTime<Utc> {
        self.world.now()
    }

    async fn clock_to(&self, to: DateTime<Utc>) -> Vec<Fired> {
        // Each schedule is checked to target the function of its timer's kind (the world then
        // fires it into the function its target names).
        self.pending_timers().await;
        let fired = self.world.clock_to(to).await;
        fired
            .into_iter()
            .map(|f| Fired {
                name: f.schedule,
                at: f.at,
                work_order: f.answer["work_order"].as_str().map(str::to_string),
            })
            .collect()
    }

    async fn pending_timers(&self) -> Vec<PendingTimer> {
        let cfg = &self.world.cfg;
        let schedules = self.world.schedules().await;
        schedules
            .iter()
            .map(|s| {
                let mut t = PendingTimer::from_spec(&s.input, s.at);
                t.name = s.name.clone();
                let target = match (&t.kind, &t.template) {
                    (Some(k), _) if k == "accept_timeout" => &cfg.accept_target_arn,
                    (Some(_), _) => &cfg.followup_target_arn,
                    (None, Some(_)) => &cfg.recurring_target_arn,
                    (None, None) => panic!("a schedule of no timer: {s:?}"),
                };
                assert_eq!(&s.target_arn, target, "{s:?} targets its function");
                if let Some(template) = &t.template {
                    let name = format!("{}{template}", mendwork_aws::RECURRING_PREFIX);
                    assert_eq!(s.name, name, "one schedule per template, named after it");
                }
                t
            })
            .collect()
    }

    /// What SNS and SES sent since the scenario began, each labelled from the timeline entry
    /// that records it (key, work order, time) and in time order; a message no timeline
    /// records (a reply to a stranger) has no key nor work order and the time it was read at.
    async fn sent(&self) -> Vec<Message> {
        // Nothing is sent but by a function, and each goes through the proxy: while it has
        // seen no new call, what was sent is what was read last time.
        let calls = self.world.proxy.calls().len();
        if let Some((seen, read)) = self.cache.lock().unwrap().as_ref()
            && *seen == calls
        {
            return read.clone();
        }
        let mut sent = self.world.sent().await;
        for old in &self.before {
            let at = sent.iter().position(|m| same(m, old));
            sent.remove(at.unwrap_or_else(|| panic!("moto forgot what it sent: {old:?}")));
        }
        // Read as the store holds it (the API's own JSON of each entry), not through the pm
        // function, which would play the stream after every read.
        let app = &self.world.app;
        let all = ListFilter {
            status: None,
            property: None,
            open_only: false,
            limit: None,
        };
        let mut entries: Vec<(String, Value, bool)> = vec![];
        let portfolio = app.portfolio();
        for wo in app.lookups.list(&all).await.unwrap() {
            let tz = portfolio.property(&wo.request.property).unwrap().timezone;
            for r in app.work_orders.timeline(&wo.id).await.unwrap() {
                let e = mendwork_web::api::recorded_json(&r, &portfolio, tz);
                if e["kind"] == "message_sent" {
                    entries.push((wo.id.to_string(), e, false));
                }
            }
        }
        let mut out = vec![];
        for (n, m) in sent.into_iter().enumerate() {
            let records = |e: &Value| {
                let body = e["body"].as_str().unwrap_or_default();
                let address = e["address"].as_str().unwrap_or_default();
                let subject = e["subject"].as_str();
                if m.channel == "sms" {
                    m.to == address && m.body == body
                } else {
                    m.to.contains(address)
                        && (subject.is_none() || m.subject.as_deref() == subject)
                        && m.body.contains(body.lines().next().unwrap_or_default())
                }
            };
            // A second copy of one message is labelled like the first.
            let fresh = entries.iter().position(|(_, e, used)| !used && records(e));
            let any = fresh.or_else(|| entries.iter().rposition(|(_, e, _)| records(e)));
            let ics = m.body.contains("BEGIN:VCALENDAR").then(|| m.body.clone());
            let message = match any {
                Some(i) => {
                    entries[i].2 = true;
                    let (id, e) = (&entries[i].0, &entries[i].1);
                    let at = e["at"].as_str().map(mendwork_tests::utc);
                    Message {
                        id: format!("moto-{n}"),
                        channel: m.channel.to_string(),
                        to: e["address"].as_str().unwrap_or_default().to_string(),
                        recipient: e["to"].clone(),
                        subject: m.subject,
                        body: e["body"].as_str().unwrap_or_default().to_string(),
                        ics,
                        key: e["key"].as_str().unwrap_or_default().to_string(),
                        work_order: Some(id.clone()),
                        at: at.unwrap_or_else(|| panic!("a timeline entry without a time: {e}")),
                    }
                }
                None => Message {
                    id: format!("moto-{n}"),
                    channel: m.channel.to_string(),
                    to: m.to,
                    recipient: Value::Null,
                    subject: m.subject,
                    body: m.body,
                    ics,
                    key: String::new(),
                    work_order: None,
                    at: self.world.now(),
                },
            };
            out.push(message);
        }
        out.sort_by_key(|m| m.at);
        let calls = self.world.proxy.calls().len();
        *self.cache.lock().unwrap() = Some((calls, out.clone()));
        out
    }
}
