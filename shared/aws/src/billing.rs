//! [`Billing`]: what a DynamoDB client's calls would cost, counted by an SDK interceptor that
//! a benchmark or a test installs on the client it gives the store. The adapters never count:
//! a deployment's bill is AWS's, and the store stays free of bookkeeping nobody reads there.
//!
//! Units follow DynamoDB's published rules from the sizes of the items a call carried: writes
//! 1 unit per KB (twice that in a transaction) plus one per KB for each index the item is in;
//! reads 1 unit per 4 KB of what one call returned when strongly consistent, half that when
//! eventually consistent. An update is sized as its key and new values (its stored item is not
//! seen); a condition check is not counted.

use crate::item::item_size;
use crate::schema::{GSI1PK, GSI2PK, GSI3PK, GSI4PK, GSI5PK, GSI6PK, PK, SK};
use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::batch_get_item::{BatchGetItemInput, BatchGetItemOutput};
use aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use aws_sdk_dynamodb::operation::get_item::{GetItemInput, GetItemOutput};
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::query::{QueryInput, QueryOutput};
use aws_sdk_dynamodb::operation::scan::{ScanInput, ScanOutput};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

type Item = HashMap<String, AttributeValue>;

/// Billing units a client's calls used so far (see the module's rules).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub items_written: u64,
    pub write_units: f64,
    pub read_units: f64,
    /// Read requests that succeeded (each `GetItem`, `Query` or `Scan` page, `BatchGetItem`).
    pub read_requests: u64,
    pub bytes_written: u64,
    /// Per kind of item written (`WO/META`, `WO/EV`, `OUTBOX`, `IDEM`, `BYVENDOR`, …).
    pub by_kind: BTreeMap<String, KindUsage>,
}

/// The writes of one kind of item.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KindUsage {
    pub items: u64,
    pub bytes: u64,
    pub write_units: f64,
}

/// The interceptor: install a clone on a client's config
/// (`aws_sdk_dynamodb::config::Builder::interceptor`) and read [`Billing::usage`].
#[derive(Debug, Clone, Default)]
pub struct Billing {
    usage: Arc<Mutex<Usage>>,
}

impl Billing {
    /// What the calls through the client have used so far.
    pub fn usage(&self) -> Usage {
        self.usage
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn add_writes(&self, items: &[Item], transactional: bool) {
        let mut u = self.usage.lock().unwrap_or_else(PoisonError::into_inner);
        for it in items {
            let size = item_size(it);
            let units = size.div_ceil(1024).max(1) as f64;
            let indexes = [GSI1PK, GSI2PK, GSI3PK, GSI4PK, GSI5PK, GSI6PK]
                .iter()
                .filter(|a| it.contains_key(**a))
                .count() as f64;
            let wru = units * if transactional { 2.0 } else { 1.0 } + units * indexes;
            u.items_written += 1;
            u.bytes_written += size as u64;
            u.write_units += wru;
            let k = u.by_kind.entry(kind_of(it)).or_default();
            k.items += 1;
            k.bytes += size as u64;
            k.write_units += wru;
        }
    }

    fn add_read(&self, items: &[&Item], consistent: bool) {
        let bytes: usize = items.iter().map(|i| item_size(i)).sum();
        let units = bytes.div_ceil(4096).max(1) as f64;
        let mut u = self.usage.lock().unwrap_or_else(PoisonError::into_inner);
        u.read_units += if consistent { units } else { units / 2.0 };
        u.read_requests += 1;
    }
}

/// What the interceptor noted of a call's input before it was sent, for when it succeeds.
#[derive(Debug, Clone)]
enum Noted {
    Read {
        consistent: bool,
    },
    Writes {
        items: Vec<Item>,
        transactional: bool,
    },
}

impl Storable for Noted {
    type Storer = StoreReplace<Self>;
}

/// The kind of an item, for [`Usage::by_kind`].
fn kind_of(it: &Item) -> String {
    let text = |name: &str| match it.get(name) {
        Some(AttributeValue::S(s)) => s.as_str(),
        _ => "",
    };
    let (pk, sk) = (text(PK), text(SK));
    match pk.split_once('#') {
        Some(("WO", _)) if sk.starts_with(crate::schema::EVENT_PREFIX) => "WO/EV".into(),
        Some(("WO", _)) => "WO/META".into(),
        Some((prefix, _)) => prefix.into(),
        None => pk.into(),
    }
}

/// An update or a delete, sized as its key and the values it sets.
fn sized(key: &Item, values: Option<&Item>) -> Item {
    let mut it = key.clone();
    if let Some(values) = values {
        it.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    it
}

impl Intercept for Billing {
    fn name(&self) -> &'static str {
        "Billing"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The input's type is erased (and its name not exported): downcast in place.
        let input = context.input();
        let note = || -> Option<Noted> {
            if let Some(i) = input.downcast_ref::<GetItemInput>() {
                return Some(Noted::Read {
                    consistent: i.consistent_read.unwrap_or(false),
                });
            }
            if let Some(i) = input.downcast_ref::<QueryInput>() {
                return Some(Noted::Read {
                    consistent: i.consistent_read.unwrap_or(false),
                });
            }
            if let Some(i) = input.downcast_ref::<ScanInput>() {
                return Some(Noted::Read {
                    consistent: i.consistent_read.unwrap_or(false),
                });
            }
            if let Some(i) = input.downcast_ref::<BatchGetItemInput>() {
                let consistent = i
                    .request_items
                    .iter()
                    .flat_map(|m| m.values())
                    .any(|k| k.consistent_read.unwrap_or(false));
                return Some(Noted::Read { consistent });
            }
            let writes = |items: Vec<Item>, transactional| {
                Some(Noted::Writes {
                    items,
                    transactional,
                })
            };
            if let Some(i) = input.downcast_ref::<PutItemInput>() {
                return writes(i.item.iter().cloned().collect(), false);
            }
            if let Some(i) = input.downcast_ref::<UpdateItemInput>() {
                let key = i.key.clone().unwrap_or_default();
                return writes(
                    vec![sized(&key, i.expression_attribute_values.as_ref())],
                    false,
                );
            }
            if let Some(i) = input.downcast_ref::<DeleteItemInput>() {
                return writes(i.key.iter().cloned().collect(), false);
            }
            if let Some(i) = input.downcast_ref::<TransactWriteItemsInput>() {
                let mut items = Vec::new();
                for t in i.transact_items.iter().flatten() {
                    if let Some(p) = &t.put {
                        items.push(p.item.clone());
                    }
                    if let Some(u) = &t.update {
                        items.push(sized(&u.key, u.expression_attribute_values.as_ref()));
                    }
                    if let Some(d) = &t.delete {
                        items.push(d.key.clone());
                    }
                }
                return writes(items, true);
            }
            None
        };
        if let Some(noted) = note() {
            cfg.interceptor_state().store_put(noted);
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Only what succeeded is billed here, as the adapter counted before.
        let Some(Ok(output)) = context.output_or_error() else {
            return Ok(());
        };
        match cfg.load::<Noted>().cloned() {
            Some(Noted::Read { consistent }) => {
                let items: Vec<&Item> = if let Some(o) = output.downcast_ref::<GetItemOutput>() {
                    o.item.iter().collect()
                } else if let Some(o) = output.downcast_ref::<QueryOutput>() {
                    o.items.iter().flatten().collect()
                } else if let Some(o) = output.downcast_ref::<ScanOutput>() {
                    o.items.iter().flatten().collect()
                } else if let Some(o) = output.downcast_ref::<BatchGetItemOutput>() {
                    o.responses
                        .iter()
                        .flat_map(|m| m.values())
                        .flatten()
                        .collect()
                } else {
                    return Ok(());
                };
                self.add_read(&items, consistent);
            }
            Some(Noted::Writes {
                items,
                transactional,
            }) => self.add_writes(&items, transactional),
            None => {}
        }
        Ok(())
    }
}
