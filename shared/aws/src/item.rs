//! Small conversions between DynamoDB attribute maps and Rust values. Items are built by hand:
//! a few key and index attributes plus one JSON document, so no mapping framework is needed.

use crate::error::{AwsError, json};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// An item from `(name, value)` pairs.
pub(crate) fn item<const N: usize>(pairs: [(&str, AttributeValue); N]) -> Item {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The key of an item.
pub(crate) fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    item([(crate::schema::PK, s(pk)), (crate::schema::SK, s(sk))])
}

/// A string attribute, if present and a string.
pub(crate) fn get_s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.as_str()),
        _ => None,
    }
}

/// A string attribute that must be there.
pub(crate) fn req_s<'a>(item: &'a Item, name: &str, what: &str) -> Result<&'a str, AwsError> {
    get_s(item, name)
        .ok_or_else(|| AwsError::Invalid(format!("{what} has no string attribute {name:?}")))
}

/// A non-negative integer attribute that must be there.
pub(crate) fn req_u64(item: &Item, name: &str, what: &str) -> Result<u64, AwsError> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().map_err(|_| {
            AwsError::Invalid(format!("{what}: attribute {name:?} = {v:?} is not a count"))
        }),
        _ => Err(AwsError::Invalid(format!(
            "{what} has no number attribute {name:?}"
        ))),
    }
}

pub(crate) fn to_json<T: Serialize>(value: &T, what: &str) -> Result<String, AwsError> {
    serde_json::to_string(value).map_err(|e| json(format!("encoding {what}"), e))
}

pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, AwsError> {
    serde_json::from_str(text).map_err(|e| json(format!("decoding {what}"), e))
}

/// Decodes the JSON document held in attribute `name`.
pub(crate) fn doc<T: DeserializeOwned>(item: &Item, name: &str, what: &str) -> Result<T, AwsError> {
    from_json(req_s(item, name, what)?, what)
}

/// The size DynamoDB bills for an item: attribute names plus values (strings and numbers as
/// their UTF-8 bytes, a rough bound for numbers), rounded by the caller to 1 KB write units.
pub fn item_size(item: &HashMap<String, AttributeValue>) -> usize {
    fn value(v: &AttributeValue) -> usize {
        match v {
            AttributeValue::S(s) | AttributeValue::N(s) => s.len(),
            AttributeValue::B(b) => b.as_ref().len(),
            AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
            AttributeValue::Ss(v) | AttributeValue::Ns(v) => v.iter().map(String::len).sum(),
            AttributeValue::L(v) => 3 + v.iter().map(|x| 1 + value(x)).sum::<usize>(),
            AttributeValue::M(m) => {
                3 + m.iter().map(|(k, x)| 1 + k.len() + value(x)).sum::<usize>()
            }
            _ => 0,
        }
    }
    item.iter().map(|(k, v)| k.len() + value(v)).sum()
}
