//! Answers against the published contract: a realistic run through the JSON API (work orders
//! created, paged, read, acted on up to closing; the portfolio; the front desk; the refusals)
//! where every JSON answer must be one the document lists for its operation and match its
//! schema with no field missing and none undocumented (and every body it took matches the
//! document's request schema) — and proof that the check bites.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, header};
use mendwork_app::Exec;
use mendwork_domain::{Actor, Command, Money, VendorId, WorkOrderId};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::contract::Contract;
use support::{TestApp, create_body};

/// The test app, the contract, and every (method, path template, status) checked so far.
struct Flow {
    t: TestApp,
    c: Contract,
    seen: BTreeSet<(String, String, u16)>,
}

impl Flow {
    fn new() -> Flow {
        Flow {
            t: support::app(),
            c: Contract::new(),
            seen: BTreeSet::new(),
        }
    }

    /// Sends `method uri` (an instance of `path`) with `body` of `content_type`, checks the
    /// answer against the document and returns it.
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        uri: &str,
        body: Option<(&str, &str)>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some((content_type, _)) = body {
            req = req.header(header::CONTENT_TYPE, content_type);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .body(Body::from(
                body.map(|(_, b)| b.to_string()).unwrap_or_default(),
            ))
            .unwrap();
        let a = self.t.send(req).await;
        let status = a.status.as_u16();
        // A body the API took is one the document describes, too.
        if let Some(("application/json", text)) = body
            && a.status.is_success()
            && !text.trim().is_empty()
        {
            let sent: Value = serde_json::from_str(text).unwrap();
            let schema = self.c.request_schema(method, path).unwrap();
            let errors = self.c.errors_against(&schema, &sent);
            assert!(errors.is_empty(), "{method} {uri} took {text}: {errors:?}");
        }
        let value = self.c.check(method, path, status, &a.body);
        self.seen
            .insert((method.to_string(), path.to_string(), status));
        (status, value)
    }

    async fn get(&mut self, path: &str, uri: &str) -> (u16, Value) {
        self.send("GET", path, uri, None, &[]).await
    }

    async fn post(&mut self, path: &str, uri: &str, body: &str) -> (u16, Value) {
        self.send("POST", path, uri, Some(("application/json", body)), &[])
            .await
    }

    async fn run(&self, id: &str, command: Command) {
        let id = WorkOrderId(id.to_string());
        self.t
            .app
            .execute(&id, command, Exec::default())
            .await
            .unwrap();
        self.t.app.drain().await.unwrap();
    }
}

const WOS: &str = "/api/work-orders";
const WO: &str = "/api/work-orders/{id}";
const WO_ACT: &str = "/api/work-orders/{id}/{action}";
const VISITS: &str = "/api/visits";
const VISIT_ACT: &str = "/api/visits/{id}/{action}";

#[tokio::test]
async fn every_answer_of_a_realistic_run_through_the_api_matches_the_document() {
    let mut f = Flow::new();
    let pat = VendorId("pat-plumbing".into());

    // Work orders made: a routine one (twice with one submission token), an emergency in
    // Spanish, and one whose triage asks the tenant a safety question.
    let mut body: Value = serde_json::from_str(&create_body()).unwrap();
    body["submission"] = json!("tok-1");
    let (s, first) = f.post(WOS, WOS, &body.to_string()).await;
    assert_eq!(s, 201);
    let (s, again) = f.post(WOS, WOS, &body.to_string()).await;
    assert_eq!((s, &again["id"]), (201, &first["id"]));
    let id = first["id"].as_str().unwrap().to_string();
    let emergency = json!({
        "property": "maple-court", "unit": "2A",
        "tenant": {"name": "Luz", "phone": "+17185550142"},
        "description": "Water pouring through the ceiling, the floor is flooding",
        "emergency": true, "language": "es", "permission_to_enter": false,
        "pets": "a cat", "access_notes": "buzz 2A"
    });
    let (s, urgent) = f.post(WOS, WOS, &emergency.to_string()).await;
    assert_eq!((s, urgent["priority"].as_str()), (201, Some("emergency")));
    let question = json!({
        "property": "maple-court", "unit": "3C", "tenant": {"name": "Ada", "phone": "+17185550143"},
        "description": "There is a strange smell in the kitchen"
    });
    let (s, _) = f.post(WOS, WOS, &question.to_string()).await;
    assert_eq!(s, 201);

    // Lists, a page at a time, filtered, and refused.
    let (_, page) = f.get(WOS, "/api/work-orders?limit=1").await;
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let (s, _) = f
        .get(WOS, &format!("/api/work-orders?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(s, 200);
    let (s, _) = f
        .get(
            WOS,
            "/api/work-orders?status=dispatching&property=maple-court",
        )
        .await;
    assert_eq!(s, 200);
    for bad in [
        "status=lost",
        "limit=0",
        "cursor=nonsense",
        "property=atlantis",
    ] {
        let (s, e) = f.get(WOS, &format!("/api/work-orders?{bad}")).await;
        assert_eq!(s, 422, "{bad}: {e}");
    }

    // One work order, by id, by code, and one that is not there.
    let (s, _) = f.get(WO, &format!("/api/work-orders/{id}")).await;
    assert_eq!(s, 200);
    let code = first["code"].as_str().unwrap();
    let (s, _) = f.get(WO, &format!("/api/work-orders/{code}")).await;
    assert_eq!(s, 200);
    let (s, _) = f.get(WO, "/api/work-orders/wo-nothing").await;
    assert_eq!(s, 404);

    // The team's actions, and their refusals.
    let act = |a: &str| format!("/api/work-orders/{id}/{a}");
    let (s, wo) = f
        .post(WO_ACT, &act("assign"), r#"{"vendor":"pat-plumbing"}"#)
        .await;
    assert_eq!((s, wo["status"].as_str()), (200, Some("accepted")));
    let (s, _) = f
        .post(
            WO_ACT,
            &act("instructions"),
            r#"{"text":"Key at the office"}"#,
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = f.post(WO_ACT, &act("close"), "{}").await;
    assert_eq!(s, 409);
    let (s, _) = f
        .post(WO_ACT, &act("approval"), r#"{"approve":true}"#)
        .await;
    assert_eq!(s, 409);
    let (s, _) = f.post(WO_ACT, &act("fly"), "{}").await;
    assert_eq!(s, 404);
    let (s, _) = f
        .post(WO_ACT, &act("assign"), r#"{"vendor":"pat","by":"me"}"#)
        .await;
    assert_eq!(s, 422);
    let (s, _) = f.post(WO_ACT, &act("assign"), r#"{"vendor":"#).await;
    assert_eq!(s, 400);
    let (s, _) = f
        .send(
            "POST",
            WO_ACT,
            &act("close"),
            Some(("text/plain", "close")),
            &[],
        )
        .await;
    assert_eq!(s, 415);
    let (s, _) = f
        .send(
            "POST",
            WO_ACT,
            &act("close"),
            Some(("application/json", "{}")),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(s, 403);

    // The vendor's side, through the application: an estimate over the limit, approved; the
    // job done and invoiced; then closed by the team.
    f.run(
        &id,
        Command::Estimate {
            vendor: pat.clone(),
            amount: Money(90_050),
            note: Some("new trap and supply line".into()),
        },
    )
    .await;
    let (_, wo) = f.get(WO, &format!("/api/work-orders/{id}")).await;
    assert_eq!(wo["estimate"]["amount"], 900.5);
    let (s, _) = f
        .post(WO_ACT, &act("approval"), r#"{"approve":true}"#)
        .await;
    assert_eq!(s, 200);
    f.run(
        &id,
        Command::Arrived {
            by: Actor::Vendor(pat.clone()),
        },
    )
    .await;
    f.run(
        &id,
        Command::Done {
            vendor: pat.clone(),
            notes: Some("replaced the trap".into()),
            photos: vec![],
        },
    )
    .await;
    f.run(
        &id,
        Command::Invoice {
            vendor: pat.clone(),
            amount: Money(88_000),
            reference: Some("INV-7".into()),
            file: None,
        },
    )
    .await;
    let (s, wo) = f.post(WO_ACT, &act("close"), "").await;
    assert_eq!((s, wo["status"].as_str()), (200, Some("closed")), "{wo:#}");
    let other = urgent["id"].as_str().unwrap();
    let (s, _) = f
        .post(
            WO_ACT,
            &format!("/api/work-orders/{other}/cancel"),
            r#"{"reason":"dup"}"#,
        )
        .await;
    assert_eq!(s, 200);

    // The portfolio, a page at a time.
    for (path, limit) in [("/api/properties", 1), ("/api/vendors", 2)] {
        let (_, page) = f.get(path, &format!("{path}?limit={limit}")).await;
        let cursor = page["next_cursor"].as_str().unwrap().to_string();
        let (s, _) = f.get(path, &format!("{path}?cursor={cursor}")).await;
        assert_eq!(s, 200);
        let (s, _) = f.get(path, &format!("{path}?limit=201")).await;
        assert_eq!(s, 422);
    }

    // The front desk: a visit for the open emergency, a manual one, and the refusals.
    let (s, visit) = f
        .post(
            VISITS,
            VISITS,
            &json!({"property": "maple-court", "visitor": "Pat", "company": "RapidFlow",
                    "start": "2026-03-02T16:00:00Z", "end": "2026-03-02T18:00:00Z"})
            .to_string(),
        )
        .await;
    assert_eq!(s, 201);
    let vid = visit["id"].as_str().unwrap().to_string();
    let (s, _) = f.get(VISITS, "/api/visits?property=maple-court").await;
    assert_eq!(s, 200);
    let (s, _) = f.get(VISITS, "/api/visits?date=2026-03-02").await;
    assert_eq!(s, 200);
    let (s, _) = f.get(VISITS, "/api/visits?date=tomorrow").await;
    assert_eq!(s, 422);
    let visit_act = |v: &str, a: &str| format!("/api/visits/{v}/{a}");
    let (s, _) = f.post(VISIT_ACT, &visit_act(&vid, "check-out"), "").await;
    assert_eq!(s, 409);
    let (s, _) = f.post(VISIT_ACT, &visit_act(&vid, "check-in"), "{}").await;
    assert_eq!(s, 200);
    let (s, _) = f.post(VISIT_ACT, &visit_act(&vid, "check-out"), "{}").await;
    assert_eq!(s, 200);
    let (s, _) = f.post(VISIT_ACT, &visit_act(&vid, "wave"), "{}").await;
    assert_eq!(s, 404);
    let (s, _) = f
        .post(VISIT_ACT, &visit_act("v-nothing", "check-in"), "{}")
        .await;
    assert_eq!(s, 404);
    let (s, lake) = f
        .post(
            VISITS,
            VISITS,
            r#"{"property": "lakeview", "visitor": "Sam"}"#,
        )
        .await;
    assert_eq!(s, 201);
    let link = json!({"request_id": other}).to_string();
    let lake_id = lake["id"].as_str().unwrap().to_string();
    let (s, _) = f.post(VISIT_ACT, &visit_act(&lake_id, "link"), &link).await;
    assert_eq!(s, 409);
    let (s, _) = f
        .post(VISITS, VISITS, r#"{"property": "maple-court"}"#)
        .await;
    assert_eq!(s, 422);

    // Every operation answered, and every kind of refusal the run could reach.
    let ops: BTreeSet<(&str, &str)> = f
        .seen
        .iter()
        .map(|(m, p, _)| (m.as_str(), p.as_str()))
        .collect();
    assert_eq!(ops.len(), 9, "{ops:?}");
    let statuses: BTreeSet<u16> = f.seen.iter().map(|(_, _, s)| *s).collect();
    let expected: BTreeSet<u16> = [200, 201, 400, 403, 404, 409, 415, 422].into();
    assert_eq!(statuses, expected);
    // The timelines read carried these kinds of events at least.
    let (_, wo) = f.get(WO, &format!("/api/work-orders/{id}")).await;
    let kinds: BTreeSet<&str> = wo["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for k in [
        "submitted",
        "triaged",
        "assigned",
        "estimate_received",
        "approved",
        "completed",
    ] {
        assert!(kinds.contains(k), "{k} not in {kinds:?}");
    }
}

#[tokio::test]
async fn the_check_fails_an_answer_missing_a_required_field_or_carrying_an_undocumented_one() {
    let mut f = Flow::new();
    let (_, wo) = f.post(WOS, WOS, &create_body()).await;
    let errors = |v: &Value| f.c.errors("POST", WOS, 201, v);
    assert!(errors(&wo).is_empty());
    type Mutation = Box<dyn Fn(&mut Value)>;
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "a required field dropped",
            Box::new(|v| drop(v.as_object_mut().unwrap().remove("status"))),
        ),
        (
            "a nullable field dropped",
            Box::new(|v| drop(v.as_object_mut().unwrap().remove("vendor"))),
        ),
        (
            "an undocumented field",
            Box::new(|v| v["surprise"] = json!(1)),
        ),
        (
            "a status that does not exist",
            Box::new(|v| v["status"] = json!("lost")),
        ),
        (
            "a time that is not one",
            Box::new(|v| v["created_at"] = json!("yesterday")),
        ),
        (
            "a nested undocumented field",
            Box::new(|v| v["property"]["floor"] = json!(3)),
        ),
        (
            "an event field dropped",
            Box::new(|v| drop(v["timeline"][0].as_object_mut().unwrap().remove("request"))),
        ),
        (
            "an event field added",
            Box::new(|v| v["timeline"][0]["extra"] = json!(true)),
        ),
        (
            "an unknown event kind",
            Box::new(|v| v["timeline"][0]["kind"] = json!("teleported")),
        ),
        (
            "a timeline entry without its time",
            Box::new(|v| drop(v["timeline"][0].as_object_mut().unwrap().remove("at"))),
        ),
    ];
    for (what, mutate) in mutations {
        let mut v = wo.clone();
        mutate(&mut v);
        assert!(!errors(&v).is_empty(), "{what} passed the check");
    }
    // An error body needs its words; a status the operation does not list is no answer.
    let e = json!({"field": "unit"});
    assert!(!f.c.errors("POST", WOS, 422, &e).is_empty());
    let unlisted = std::panic::catch_unwind(|| f.c.response_schema("GET", WOS, 409));
    assert!(unlisted.is_err(), "GET /api/work-orders lists no 409");
}
