//! Least privilege, measured: every call a function makes on moto is recorded (by the test
//! world's proxy, which checks each against the function's grants in template.yaml as it goes),
//! and one broad run of the workflow through every function reaches every adapter operation
//! mendwork_aws::iam gives each function (and the template grants exactly those) — but the few
//! reached only on failure paths, each named here with the reason. An operation no code path of
//! the function uses, or a call no grant allows, fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_aws::iam::{FUNCTIONS, On, key_matches};
use serde_json::json;
use std::collections::BTreeSet;
use support::aws::{World, find_link, function_resource, path_of, utc};

/// Operations a run of the happy paths does not reach in a function, and why it needs them.
const ONLY_ON_FAILURE: &[(&str, &str)] = &[
    // A message the email or SMS service refuses for good is recorded on its work order (a
    // transition: read, commit); the refused-SMS scenario runs it, checked as it goes.
    ("OutboxFunction", "read"),
    ("OutboxFunction", "commit"),
    // The sweeper carries out what the stream did not; in a healthy run nothing is left
    // undone (the fault suite makes it do all of this).
    ("SweeperFunction", "read"),
    ("SweeperFunction", "commit"),
    ("SweeperFunction", "outbox_done"),
    ("SweeperFunction", "send"),
    ("SweeperFunction", "timers"),
    // Closing after the invoice gives up the booking (the vendor's calendar); the happy path
    // in scenarios.rs closes that way through `followups`, its calls checked as it runs.
    ("FollowupsFunction", "book"),
    // Attached files have their own scenario (photos_and_the_invoice_…), checked as it runs.
    ("IntakeFunction", "files"),
    // Webhooks have their own scenario (webhooks.rs: the outbox stores deliveries, the sweeper
    // sends and records them, the PM pages' test button), checked as it runs.
    ("OutboxFunction", "deliver"),
    ("SweeperFunction", "deliver"),
    ("PmFunction", "deliver"),
    // The webhook secrets are read at start only where the stack sets their ARN; the AWS
    // adapters' webhook_secrets_moto test reads them.
    ("OutboxFunction", "webhook_secrets"),
    ("SweeperFunction", "webhook_secrets"),
    ("PmFunction", "webhook_secrets"),
    // Buildium exists only in a stack that connects it: its round trip (pms.rs) starts the
    // poll on the Buildium secret and runs it, the outbox and sweeper storing and sending its
    // updates, every call checked as it goes.
    ("OutboxFunction", "buildium_secret"),
    ("SweeperFunction", "buildium_secret"),
    ("PmsPollFunction", "read"),
    ("PmsPollFunction", "commit"),
    ("PmsPollFunction", "pms_cursors"),
    ("PmsPollFunction", "buildium_secret"),
];

#[tokio::test]
async fn a_run_through_every_function_reaches_every_granted_operation_and_no_call_goes_ungranted() {
    let Some(w) = World::start("iam coverage", utc("2026-03-04T15:00:00Z")).await else {
        return;
    };
    w.sign_in("maintenance@example.com").await;
    let request = |description: &str| {
        json!({
            "property": "maple-court", "unit": "4B",
            "tenant": {"name": "Alex Rivera", "email": "alex.rivera@example.org",
                       "phone": "+13475550191"},
            "description": description, "category": "plumbing", "emergency": false,
            "availability": [
                {"start": "2026-03-05T14:00:00Z", "end": "2026-03-05T17:00:00Z"},
                {"start": "2026-03-06T18:00:00Z", "end": "2026-03-06T22:00:00Z"}]
        })
    };
    let create = |d: &'static str| {
        let w = &w;
        async move {
            let a = w.post_json("/api/work-orders", &request(d)).await;
            assert_eq!(a.status, 201, "{}", a.body);
            a.json()["id"].as_str().unwrap().to_string()
        }
    };
    let pat = w.vendor_phone("pat-plumbing").await;

    // One booked and cancelled by the tenant from the status link (intake): the vendor's
    // calendar is read and rewritten, the booking released.
    let first = create("Shower head leaks").await;
    let wo = w.work_order(&first).await;
    w.sms(&pat, &format!("YES {}", wo["code"].as_str().unwrap()))
        .await;
    w.sms(&pat, "1").await;
    assert_eq!(w.work_order(&first).await["status"], "scheduled");
    let mail = w
        .delivered(&wo, "tenant.confirmation.email", "alex.rivera@example.org")
        .await;
    let status = path_of(&find_link(&mail, "/s/").unwrap());
    let cancelled = w
        .post_form(&format!("{status}/cancel"), &[("reason", "fixed it")])
        .await;
    assert_eq!(
        (cancelled.function.as_str(), cancelled.status),
        ("intake", 303),
        "{}",
        cancelled.body
    );

    // One booked and cancelled by the PM: the booking released by the pm function.
    let second = create("Radiator valve drips").await;
    let code2 = w.work_order(&second).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    w.sms(&pat, &format!("YES {code2}")).await;
    w.sms(&pat, "1").await;
    assert_eq!(w.work_order(&second).await["status"], "scheduled");
    let cancel = w
        .post_json(
            &format!("/api/work-orders/{second}/cancel"),
            &json!({"reason": "the tenant moved out"}),
        )
        .await;
    assert_eq!(cancel.status, 200, "{}", cancel.body);

    // One booked (an invite: raw MIME), estimated over the limit, approved by the owner.
    let one = create("Water heater leaks at the base").await;
    let code = w.work_order(&one).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    w.sms(&pat, &format!("YES {code}")).await;
    w.sms(&pat, "1").await;
    w.get("/desk/maple-court").await;
    w.get("/desk").await;
    w.get("/pm").await;
    let metrics = w.get("/pm/metrics").await;
    assert_eq!(metrics.status, 200, "{}", metrics.body);
    w.sms(&pat, &format!("ESTIMATE 900 {code} the tank is cracked"))
        .await;
    let mail = w
        .emails_to("harriet.lindqvist@example.com")
        .await
        .into_iter()
        .find(|m| m.body.contains("/approve/"))
        .unwrap();
    let path = path_of(&find_link(&mail.body, "/approve/").unwrap());
    w.get(&path).await;
    w.post_form(&path, &[("decision", "approve")]).await;
    w.sms(&pat, "1").await;
    // The desk checks the vendor in on the day.
    let visit = w.work_order(&one).await["visit"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.clock_to(utc("2026-03-05T14:10:00Z")).await;
    let r = w
        .post_json(&format!("/api/visits/{visit}/check-in"), &json!({}))
        .await;
    assert_eq!((r.function.as_str(), r.status), ("desk", 200), "{}", r.body);
    w.sms(&pat, "DONE").await;
    // A tenant reports through the form (intake), and opts out and back in.
    let form = vec![
        ("property", "maple-court"),
        ("unit", "2A"),
        ("name", "Sam Ortiz"),
        ("email", "sam.ortiz@example.org"),
        ("phone", "+13475550177"),
        ("description", "Kitchen faucet drips"),
        ("category", "plumbing"),
        ("emergency", "no"),
        ("permission_to_enter", "yes"),
        ("window_date", "2026-03-09"),
        ("window_start", "09:00"),
        ("window_end", "12:00"),
        ("submission", "iam-form"),
        ("website", ""),
    ];
    let posted = w.submit_tenant_form("maple-court", &form).await;
    assert_eq!(
        (posted.function.as_str(), posted.status),
        ("intake", 303),
        "{}",
        posted.body
    );
    w.sms("+13475550191", "STOP").await;
    w.sms("+13475550191", "START").await;
    // An integration's key, made on the PM page, reads through both functions that serve
    // /api (its item read, its last use written, its allowance counted), then is revoked.
    let made = w
        .post_form(
            "/pm/api-keys",
            &[("name", "pms"), ("scope", "read"), ("token", "iam-key")],
        )
        .await;
    assert_eq!(
        (made.function.as_str(), made.status),
        ("pm", 200),
        "{}",
        made.body
    );
    let at = made.body.find("value=\"mwk_").unwrap() + "value=\"".len();
    let key = made.body[at..].split('"').next().unwrap().to_string();
    w.use_key(Some(&key));
    let listed = w.get("/api/work-orders").await;
    assert_eq!(
        (listed.function.as_str(), listed.status),
        ("pm", 200),
        "{}",
        listed.body
    );
    let visits = w.get("/api/visits?property=maple-court").await;
    assert_eq!(
        (visits.function.as_str(), visits.status),
        ("desk", 200),
        "{}",
        visits.body
    );
    w.use_key(None);
    let id = mendwork_app::api_keys::parse_token(&key)
        .unwrap()
        .0
        .to_string();
    let revoked = w.post_form(&format!("/pm/api-keys/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    w.use_key(Some(&key));
    assert_eq!(w.get("/api/work-orders").await.status, 401);
    w.use_key(None);
    // One cancelled by the PM (its schedules deleted), one left to lapse.
    let two = create("Toilet runs all night").await;
    let cancel = w
        .post_json(
            &format!("/api/work-orders/{two}/cancel"),
            &json!({"reason": "fixed"}),
        )
        .await;
    assert_eq!(cancel.status, 200, "{}", cancel.body);
    create("Slow drain in the bathtub").await;
    // Time passes: offers lapse, reminders go, the vendor is asked; recurring templates fire.
    w.advance(3 * 24 * 3600).await;
    w.sweep().await;
    w.clock_to(utc("2026-04-02T15:00:00Z")).await;
    // Half a year after the cancellations the sweeper archives their timelines (S3, the
    // work order's mark, the events' expiry); the PM's view and the tenant's status page read
    // them back from the documents.
    w.clock_to(utc("2026-10-02T15:00:00Z")).await;
    let swept = w.sweep().await;
    assert!(
        swept
            .archive
            .archived
            .contains(&mendwork_domain::WorkOrderId(second.clone())),
        "{:?}",
        swept.archive
    );
    let page = w.get(&format!("/pm/wo/{second}")).await;
    assert_eq!(
        (page.function.as_str(), page.status),
        ("pm", 200),
        "{}",
        page.body
    );
    // The tenant's link of then has expired: a fresh one, as a new message would carry.
    let first_wo = w
        .app
        .work_order(&mendwork_domain::WorkOrderId(first.clone()))
        .await
        .unwrap()
        .unwrap();
    let fresh = path_of(&mendwork_domain::effects::Links::tenant_status(
        w.app.links.as_ref(),
        &first_wo,
    ));
    let tenant = w.get(&fresh).await;
    assert_eq!(
        (tenant.function.as_str(), tenant.status),
        ("intake", 200),
        "{}",
        tenant.body
    );

    let calls = w.proxy.calls();
    assert!(
        calls
            .iter()
            .any(|c| c.function == "outbox" && c.action == "ses:SendRawEmail"),
        "the invite went as raw MIME: the old template (SendEmail only) would have failed here"
    );
    // Each operation the table gives a function is reached by it (the operation's item
    // patterns are what its calls touch depending on the work order's state).
    let mut unused: Vec<String> = vec![];
    for (function, ops) in FUNCTIONS {
        let used: Vec<_> = calls
            .iter()
            .filter(|c| c.function == "start" || function_resource(&c.function) == *function)
            .collect();
        for op in *ops {
            let reached = op.needs.iter().any(|need| {
                used.iter().any(|c| {
                    c.action == need.action
                        && match need.on {
                            On::Indexes => c.index,
                            On::Index(name) => c.index && c.key.as_deref() == Some(name),
                            On::Items(keys) => {
                                !c.index
                                    && c.key
                                        .as_deref()
                                        .is_some_and(|k| keys.iter().any(|p| key_matches(p, k)))
                            }
                            _ => true,
                        }
                })
            });
            let excused = ONLY_ON_FAILURE
                .iter()
                .any(|(f, o)| f == function && *o == op.name);
            if !reached && !excused {
                unused.push(format!("{function}: {} ({})", op.name, op.methods));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "granted but never reached (remove it from mendwork_aws::iam and template.yaml, or \
         name the failure path that needs it):\n{}",
        unused.join("\n")
    );
    let functions: BTreeSet<String> = calls.iter().map(|c| c.function.clone()).collect();
    println!(
        "functions seen: {functions:?}; calls recorded: {}",
        calls.len()
    );
}
