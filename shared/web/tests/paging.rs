//! Lists a page at a time: the JSON API's `limit` and `cursor`, the PM queue's "next page"
//! link, refusals of bad parameters, and the size budget of an answer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::{TestApp, app, create_body};

async fn create(t: &TestApp, n: usize, description: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let mut body: Value = serde_json::from_str(&create_body()).unwrap();
        body["description"] = json!(format!("{description} #{i}"));
        body["unit"] = json!(format!("{}", 100 + i));
        let a = t.post_json("/api/work-orders", &body.to_string()).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        ids.push(a.json()["id"].as_str().unwrap().to_string());
    }
    ids
}

/// Every page of `first`, following `next_cursor`: (ids in order, page sizes, biggest answer).
async fn follow(t: &TestApp, first: &str) -> (Vec<String>, Vec<usize>, usize) {
    let mut ids = Vec::new();
    let mut sizes = Vec::new();
    let mut biggest = 0;
    let mut uri = first.to_string();
    loop {
        let a = t.get(&uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.body);
        biggest = biggest.max(a.body.len());
        let page = a.json();
        let items = page["work_orders"].as_array().unwrap();
        sizes.push(items.len());
        ids.extend(items.iter().map(|w| w["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => {
                let sep = if first.contains('?') { '&' } else { '?' };
                uri = format!("{first}{sep}cursor={c}");
            }
            None => return (ids, sizes, biggest),
        }
    }
}

#[tokio::test]
async fn the_work_order_list_comes_a_page_at_a_time_each_work_order_once() {
    // Given seven work orders
    let t = app();
    let created = create(&t, 7, "Kitchen sink drips").await;
    // When the list is read three at a time
    let (ids, sizes, _) = follow(&t, "/api/work-orders?limit=3").await;
    // Then three pages hold each once, newest first
    assert_eq!(sizes, [3, 3, 1]);
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 7);
    assert_eq!(distinct, created.iter().collect::<BTreeSet<_>>());
    let (default, sizes, _) = follow(&t, "/api/work-orders").await;
    assert_eq!(sizes, [7], "fifty by default");
    assert_eq!(default, ids);
    // And the status filter pages too
    let (dispatching, _, _) = follow(&t, "/api/work-orders?status=dispatching&limit=2").await;
    assert_eq!(dispatching, ids);
}

#[tokio::test]
async fn a_bad_limit_or_cursor_is_refused_with_422_naming_it() {
    let t = app();
    create(&t, 2, "Door sticks").await;
    for (uri, field) in [
        ("/api/work-orders?limit=0", "limit"),
        ("/api/work-orders?limit=201", "limit"),
        ("/api/work-orders?limit=lots", "limit"),
        ("/api/work-orders?cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("/api/work-orders?cursor=%25%25", "cursor"),
    ] {
        let a = t.get(uri).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(a.json()["field"], field, "{uri}");
    }
    // A cursor of one filter is no position in another's list.
    let page = t.get("/api/work-orders?limit=1").await.json();
    let cursor = page["next_cursor"].as_str().unwrap();
    let a = t
        .get(&format!(
            "/api/work-orders?status=dispatching&cursor={cursor}"
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["field"], "cursor");
}

#[tokio::test]
async fn the_biggest_page_of_the_biggest_work_orders_stays_under_256_kb() {
    // Given 200 work orders with the longest descriptions the API takes
    let t = app();
    let long = "The water heater in the basement closet leaks. ".repeat(40);
    let long: String = long.chars().take(1900).collect();
    let created = create(&t, 200, &long).await;
    // When they are listed 200 at a time
    let (ids, sizes, biggest) = follow(&t, "/api/work-orders?limit=200").await;
    // Then no answer passes 256 KB, and the pages still hold each once
    eprintln!("pages {sizes:?}, biggest answer {biggest} bytes");
    assert!(biggest <= 256 * 1024, "{biggest}");
    assert_eq!(ids.len(), 200);
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct, created.iter().collect::<BTreeSet<_>>());
}

#[tokio::test]
async fn the_pm_queue_links_to_its_next_page_and_keeps_its_filters() {
    // Given five open work orders at Maple Court
    let t = app();
    let created = create(&t, 5, "Window will not close").await;
    t.sign_in().await;
    // When the queue is shown two at a time
    let mut seen = Vec::new();
    let mut uri = "/pm?property=maple-court&limit=2".to_string();
    for _ in 0..5 {
        let q = t.get(&uri).await;
        assert_eq!(q.status, StatusCode::OK, "{}", q.body);
        for id in &created {
            if q.body.contains(&format!("data-wo=\"{id}\"")) {
                seen.push(id.clone());
            }
        }
        let Some(at) = q.body.find("id=\"next-page\"") else {
            break;
        };
        let href_at = at + q.body[at..].find("href=\"").unwrap() + 6;
        let href = &q.body[href_at..href_at + q.body[href_at..].find('"').unwrap()];
        let href = href.replace("&amp;", "&");
        // Then each link keeps the filters and the page size
        assert!(href.contains("property=maple-court"), "{href}");
        assert!(href.contains("limit=2"), "{href}");
        uri = href;
    }
    // And every work order is on exactly one page
    assert_eq!(seen.len(), 5, "{seen:?}");
    let distinct: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), 5);
    // A bad page size is refused, naming it.
    let bad = t.get("/pm?limit=500").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("limit"), "{}", bad.body);
}

#[tokio::test]
async fn the_vendor_and_property_lists_page_too() {
    let t = app();
    for (path, key) in [
        ("/api/vendors", "vendors"),
        ("/api/properties", "properties"),
    ] {
        // Given the whole list in one page
        let whole = t.get(path).await.json();
        let whole: Vec<Value> = whole[key].as_array().unwrap().clone();
        assert!(whole.len() >= 3, "{path}");
        // When it is read two at a time
        let mut got: Vec<Value> = Vec::new();
        let mut uri = format!("{path}?limit=2");
        loop {
            let page = t.get(&uri).await.json();
            let items = page[key].as_array().unwrap();
            assert!(items.len() <= 2);
            got.extend(items.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => uri = format!("{path}?limit=2&cursor={c}"),
                None => break,
            }
        }
        // Then the pages hold the same list in the same order
        assert_eq!(got, whole, "{path}");
        let bad = t.get(&format!("{path}?limit=0")).await;
        assert_eq!(bad.json()["field"], "limit");
    }
    t.sign_in().await;
    let v = t.get("/pm/vendors?limit=1").await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(v.body.contains("id=\"next-page\""), "{}", v.body);
    assert_eq!(v.body.matches("<tr id=\"vendor-").count(), 1);
}
