//! The webhook deliveries contract (the same rules the SQLite adapter passes) on
//! `DynamoDeliveries` on moto, and its items: no `kind` attribute (the stream's consumers must
//! ignore them), and a due-index entry only while pending.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../embedded/tests/contract/deliveries.rs"]
mod contract;
mod support;

use mendwork_aws::DynamoDeliveries;
use support::MotoServer;

async fn deliveries(server: &MotoServer) -> (DynamoDeliveries, aws_sdk_dynamodb::Client, String) {
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    (DynamoDeliveries::new(client.clone(), &table), client, table)
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let Some(server) = MotoServer::shared(stringify!($name)) else { return };
            let (d, _, _) = deliveries(&server).await;
            contract::$name(&d).await;
        }
    )*};
}

contract!(
    a_delivery_is_stored_once_per_endpoint_and_event,
    only_pending_deliveries_that_are_due_are_read_soonest_first,
    an_attempt_is_recorded_once_over_the_attempts_it_read,
    an_endpoints_log_is_newest_first_and_limited,
);

#[tokio::test]
async fn a_delivery_item_has_no_kind_and_leaves_the_due_index_when_done() {
    let Some(server) = MotoServer::shared("deliveries-item") else {
        return;
    };
    // Given a pending delivery
    let (d, client, table) = deliveries(&server).await;
    let at = chrono::DateTime::from_timestamp(1_772_636_400, 0).unwrap();
    let event = mendwork_domain::outbound::Published {
        id: "evt_item".into(),
        kind: "work_order.created".into(),
        body: "{}".into(),
    };
    let mut delivery = mendwork_app::deliveries::WebhookDelivery::new("pms", &event, at, at);
    use mendwork_app::deliveries::Deliveries as _;
    d.put(&delivery).await.unwrap();
    let read = || async {
        client
            .get_item()
            .table_name(&table)
            .key(
                "pk",
                aws_sdk_dynamodb::types::AttributeValue::S("WEBHOOK#pms".into()),
            )
            .key(
                "sk",
                aws_sdk_dynamodb::types::AttributeValue::S("EVT#evt_item".into()),
            )
            .send()
            .await
            .unwrap()
            .item()
            .cloned()
            .unwrap()
    };
    let item = read().await;
    assert!(!item.contains_key("kind"));
    assert!(item.contains_key("gsi1pk"));
    // When it is delivered
    delivery.attempts = 1;
    delivery.state = mendwork_app::deliveries::DeliveryState::Delivered;
    delivery.next_at = None;
    assert!(d.record(&delivery, 0).await.unwrap());
    // Then it is out of the due index, still in the log
    let item = read().await;
    assert!(!item.contains_key("gsi1pk") && !item.contains_key("gsi1sk"));
    assert!(item.contains_key("gsi2pk"));
}
