//! A flood through a tenant's link, played as an attacker would against the deployed router on
//! moto: 30 posts of 10 windows each to `/s/{token}/availability`. What must hold: the vendor
//! gets a bounded number of texts, every text fits 3 segments, the work order's item stays far
//! below DynamoDB's 400 KB limit, and later commits (a timer, the PM's cancel) still work.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use mendwork_domain::segments::sms_segments;
use serde_json::{Value, json};
use support::aws::{World, find_link, path_of, utc};

const MAPLE: &str = "maple-court";
const TENANT_EMAIL: &str = "alex.rivera@example.org";
const TENANT_PHONE: &str = "+13475550191";
const PM_EMAIL: &str = "maintenance@example.com";
const PAT: &str = "pat-plumbing";

fn start() -> DateTime<Utc> {
    utc("2026-03-04T15:00:00Z")
}

/// The largest item of the work order's partition (the work order itself and its timeline
/// entries), in bytes as DynamoDB counts them, and the work order item's own size.
async fn item_sizes(w: &World, id: &str) -> (usize, usize) {
    let client = aws_sdk_dynamodb::Client::new(&w.sdk);
    let mut largest = 0;
    let mut meta = 0;
    let mut start = None;
    loop {
        let page = client
            .query()
            .table_name(&w.cfg.table)
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", AttributeValue::S(format!("WO#{id}")))
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .unwrap();
        for it in page.items() {
            let size = mendwork_aws::item_size(it);
            largest = largest.max(size);
            if it.get("sk") == Some(&AttributeValue::S("META".into())) {
                meta = size;
            }
        }
        match page.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => break,
        }
    }
    (largest, meta)
}

#[tokio::test]
async fn a_flood_of_windows_through_a_tenant_link_stays_within_every_budget() {
    let Some(w) = World::start("flood", start()).await else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let created = w
        .post_json(
            "/api/work-orders",
            &json!({
                "property": MAPLE,
                "unit": "4B",
                "tenant": {"name": "Alex Rivera", "email": TENANT_EMAIL, "phone": TENANT_PHONE},
                "description": "Leaky pipe under the kitchen sink",
                "category": "plumbing",
                "emergency": false,
                "availability": [{"start": "2026-03-05T14:00:00Z", "end": "2026-03-05T17:00:00Z"}],
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let wo = w.work_order(&id).await;
    let pat = w.vendor_phone(PAT).await;
    let code = wo["code"].as_str().unwrap().to_string();
    let yes = w.sms(&pat, &format!("YES {code}")).await;
    assert_eq!(yes[0]["outcome"], "executed", "{yes}");
    w.pump().await;
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "accepted", "{wo}");
    let mail = w
        .delivered(&wo, "tenant.confirmation.email", TENANT_EMAIL)
        .await;
    let status = path_of(&find_link(&mail, "/s/").unwrap());
    let texts_before = w.sms_to(&pat).await.len();

    // The attack: 30 posts of 10 windows, 10 days × an hour that moves with each post.
    let mut refused = 0;
    for post in 0..30u32 {
        let mut fields: Vec<(String, String)> = vec![];
        for day in 0..10u32 {
            let hour = 8 + (post % 10);
            fields.push(("window_date".into(), format!("2026-03-{:02}", 7 + day)));
            fields.push(("window_start".into(), format!("{hour:02}:00")));
            fields.push(("window_end".into(), format!("{:02}:30", hour + 1)));
        }
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let a = w
            .post_form(&format!("{status}/availability"), &borrowed)
            .await;
        w.pump().await;
        match a.status {
            303 => {}
            409 => {
                refused += 1;
                assert!(a.body.contains("at most 20"), "{}", a.body);
            }
            other => panic!("post {post}: {other} {}", a.body),
        }
    }
    assert!(refused >= 25, "only {refused} of 30 posts were refused");

    // The changes went out together once the gap was over: a timer, a commit that still works.
    let fired = w.advance(10 * 60).await;
    assert!(!fired.is_empty(), "the slots update timer fired");
    w.pump().await;
    let texts: Vec<String> = w.sms_to(&pat).await;
    let new = &texts[texts_before..];
    assert!(
        new.len() <= 2,
        "{} texts to the vendor during the flood: {new:#?}",
        new.len()
    );
    assert!(!new.is_empty(), "the vendor was told the new times");
    for t in w.sent().await.iter().filter(|m| m.channel == "sms") {
        assert!(
            sms_segments(&t.body) <= 3,
            "{} segments: {}",
            sms_segments(&t.body),
            t.body
        );
    }

    let (largest, meta) = item_sizes(&w, &id).await;
    let longest = new.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    eprintln!(
        "after the flood: {refused} of 30 posts refused, {} texts to the vendor (longest {longest} \
         characters), work order item {meta} bytes, largest item {largest} bytes",
        new.len()
    );
    assert!(meta < 32 * 1024, "the work order item is {meta} bytes");
    assert!(
        largest < 32 * 1024,
        "an item of the work order is {largest} bytes"
    );

    // The PM can still cancel: the commit fits.
    let r = w
        .post_json(
            &format!("/api/work-orders/{id}/cancel"),
            &json!({"reason": "flooded"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let wo: Value = w.work_order(&id).await;
    assert_eq!(wo["status"], "cancelled");
}
