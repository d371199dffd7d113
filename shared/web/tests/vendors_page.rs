//! Vendor insurance in the PM pages: the vendors page shows an expired insurance and one that
//! ends within 30 days, and a work order's timeline shows the vendor dispatch passed over and
//! why.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use chrono::NaiveDate;
use mendwork_web::WebConfig;
use support::{build, create_body, sample};

fn day(s: &str) -> Option<NaiveDate> {
    Some(s.parse().unwrap())
}

#[tokio::test]
async fn the_vendors_page_shows_expired_and_soon_expiring_insurance_and_the_timeline_the_vendor_passed_over()
 {
    // The tests' clock reads Monday 2 March 2026.
    let mut portfolio = sample();
    for v in &mut portfolio.vendors {
        v.insurance_expires = match v.id.as_str() {
            "pat-plumbing" => day("2026-02-27"),
            "dana-plumbing" => day("2026-03-20"),
            "erin-electric" => day("2027-01-31"),
            _ => None,
        };
    }
    let t = build(portfolio, "http://localhost:8080", WebConfig::default());
    t.sign_in().await;
    let page = t.get("/pm/vendors").await;
    assert_eq!(page.status, StatusCode::OK);
    let row = |id: &str| {
        let at = page.body.find(&format!("id=\"vendor-{id}\"")).unwrap();
        let end = page.body[at..].find("</tr>").unwrap();
        page.body[at..at + end].to_string()
    };
    let pat = row("pat-plumbing");
    assert!(pat.contains("Expired"), "{pat}");
    assert!(pat.contains("Feb 27, 2026"), "{pat}");
    assert!(pat.contains("Not offered new jobs"), "{pat}");
    let dana = row("dana-plumbing");
    assert!(dana.contains("Expires soon"), "{dana}");
    assert!(dana.contains("Mar 20, 2026 (in 18 days)"), "{dana}");
    let erin = row("erin-electric");
    assert!(erin.contains("Until Jan 31, 2027"), "{erin}");
    assert!(!erin.contains("Expire"), "{erin}");
    let sam = row("sam-electric");
    assert!(!sam.contains("Expire") && !sam.contains("Until"), "{sam}");

    // Maple Court's Go-To plumber is Pat: passed over, and Dana, still covered, is offered.
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = wo["id"].as_str().unwrap();
    t.app.drain().await.unwrap();
    let d = t.get(&format!("/pm/wo/{id}")).await;
    assert!(
        d.body
            .contains("Not offered to Pat Alvarez: insurance expired Feb 27, 2026."),
        "{}",
        d.body
    );
    assert!(d.body.contains("Offered to Dana Whitfield"), "{}", d.body);
}
