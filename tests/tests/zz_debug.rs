//! scratch
use mendwork_tests::*;
use serde_json::json;

#[tokio::test]
async fn debug() {
    let app = TestApp::spawn().await;
    app.clock_to("2026-03-05T04:00:00Z").await;
    let fields = [
        ("property", "maple-court"), ("unit", "7C"), ("name", "Sam Lee"), ("email", "sam.lee@example.org"),
        ("phone", "+13475550193"), ("description", "I smell gas in the kitchen near the stove"), ("category", ""),
        ("emergency", "yes"), ("permission_to_enter", "yes"), ("submission", "night-gas"), ("website", ""),
    ];
    let page = app.submit_form(&fields).await;
    println!("{} {:?}", page.status, page.location);
    let wo = app.find_by_description("I smell gas in the kitchen near the stove").await;
    println!("{}", serde_json::to_string_pretty(&wo.0).unwrap());
    let wo = app.create_work_order(json!({"property":"maple-court","unit":"4B","tenant":{"name":"A","phone":"+13475550191"},"description":"Drain backs up","category":"plumbing","availability":[window("America/New_York","2026-03-06","13:00","17:00")]})).await;
    let pat = app.vendor_phone("pat-plumbing").await;
    println!("{}", app.sms(&pat, &format!("YES {}", wo.code())).await);
    println!("{}", app.sms(&pat, "1").await);
    println!("{}", app.sms(&pat, "ESTIMATE 1200 replace the drain line").await);
    for m in app.sms_to(&pat).await { println!("{} {}", m.key, m.body); }
}
