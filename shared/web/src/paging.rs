//! The page parameters of every list — `limit` and `cursor` — read and checked in one place,
//! and the opaque cursor: a position in one listing, refused by any other listing.

use crate::error::WebError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mendwork_app::queries::{DEFAULT_PAGE, Listing, MAX_PAGE, PageKey, page_size};

/// No answer of a list is bigger than this: a page stops early (and its cursor says where)
/// rather than grow past it.
pub const MAX_RESPONSE: usize = 256 * 1024;

/// What a request asked of a list.
#[derive(Debug, Clone)]
pub struct PageParams {
    pub limit: usize,
    pub after: Option<PageKey>,
}

/// Which listing a cursor was made for, in its text: a cursor from one filter is no position
/// in another's order.
fn scope(listing: &Listing) -> String {
    let or_all = |s: Option<&str>| s.unwrap_or("*").to_string();
    match listing {
        Listing::Newest { status, property } => format!(
            "n:{}:{}",
            or_all(status.map(|s| s.as_str())),
            or_all(property.as_ref().map(|p| p.as_str()))
        ),
        Listing::Queue { property } => {
            format!("q:{}", or_all(property.as_ref().map(|p| p.as_str())))
        }
    }
}

const VERSION: &str = "v1";

/// The cursor that starts the page after `key` in `listing`.
pub fn cursor(listing: &Listing, key: &PageKey) -> String {
    URL_SAFE_NO_PAD.encode(format!("{VERSION}|{}|{}", scope(listing), key.as_str()))
}

/// Reads `limit` (1 to [`MAX_PAGE`], [`DEFAULT_PAGE`] when absent) and `cursor` (one this
/// listing made). Anything else is refused naming the parameter, before anything is read.
pub fn params(
    listing: &Listing,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> Result<PageParams, WebError> {
    let limit = limit
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| l.parse::<usize>().ok());
    let limit = match limit {
        None => DEFAULT_PAGE,
        Some(asked) => asked.and_then(|n| page_size(Some(n))).ok_or_else(|| {
            WebError::field(
                "limit",
                format!("limit must be a whole number from 1 to {MAX_PAGE}."),
            )
        })?,
    };
    let after = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(decode(listing, c).ok_or_else(|| {
            WebError::field(
                "cursor",
                "cursor is not one this list gave out (with these filters): \
                 start again without it.",
            )
        })?),
    };
    Ok(PageParams { limit, after })
}

/// `name=value&…` with every byte outside the unreserved set percent-encoded, for the
/// "next page" links.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let encode = |v: &str| {
        v.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn decode(listing: &Listing, raw: &str) -> Option<PageKey> {
    listing.parse_key(&decode_raw(&scope(listing), raw)?)
}

/// The position in a cursor made for `scope`.
fn decode_raw(scope: &str, raw: &str) -> Option<String> {
    if raw.len() > 512 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.splitn(3, '|');
    let (version, sc, key) = (parts.next()?, parts.next()?, parts.next()?);
    (version == VERSION && sc == scope && !key.is_empty()).then(|| key.to_string())
}

/// A page of a list held in memory in a fixed order (the portfolio's properties and
/// vendors, which come with the configuration, so nothing is read to show them).
#[derive(Debug)]
pub struct ListPage<'a, T> {
    pub items: Vec<&'a T>,
    /// The cursor of the next page; `None` on the last.
    pub next_cursor: Option<String>,
}

/// The page of `items` (named `list`, in their order) that `limit` and `cursor` ask for; the
/// cursor names the last item shown, so a page starts right after it. A cursor of another
/// list, or naming an item no longer there, is refused naming the parameter.
pub fn list_page<'a, T>(
    list: &str,
    items: &[&'a T],
    id: impl Fn(&T) -> String,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> Result<ListPage<'a, T>, WebError> {
    let scope = format!("list:{list}");
    // The limit rules are the work orders' (an empty listing only lends its checks).
    let limit = params(&Listing::Queue { property: None }, limit, None)?.limit;
    let start = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => decode_raw(&scope, c)
            .and_then(|last| items.iter().position(|it| id(it) == last))
            .map(|i| i + 1)
            .ok_or_else(|| {
                WebError::field(
                    "cursor",
                    "cursor is not one this list gave out: start again without it.",
                )
            })?,
    };
    let page: Vec<&'a T> = items.iter().skip(start).take(limit).copied().collect();
    let next_cursor = (start + page.len() < items.len())
        .then(|| {
            page.last()
                .map(|it| URL_SAFE_NO_PAD.encode(format!("{VERSION}|{scope}|{}", id(it))))
        })
        .flatten();
    Ok(ListPage {
        items: page,
        next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mendwork_domain::Status;

    fn all() -> Listing {
        Listing::Newest {
            status: None,
            property: None,
        }
    }

    #[test]
    fn a_cursor_round_trips_in_its_own_listing_only() {
        // Given a position in the newest-first listing
        let key = all()
            .parse_key("2026-01-31T09:00:00.000000000Z#wo-abc")
            .unwrap();
        let c = cursor(&all(), &key);
        // Then it reads back there, and is refused by a filtered listing
        let p = params(&all(), None, Some(&c)).unwrap();
        assert_eq!(p.after, Some(key));
        assert_eq!(p.limit, DEFAULT_PAGE);
        let dispatching = Listing::Newest {
            status: Some(Status::Dispatching),
            property: None,
        };
        assert!(params(&dispatching, None, Some(&c)).is_err());
    }

    #[test]
    fn an_in_memory_list_pages_after_the_item_its_cursor_names() {
        let names = ["a", "b", "c", "d", "e"];
        let items: Vec<&&str> = names.iter().collect();
        let first = list_page("letters", &items, |s| s.to_string(), Some("2"), None).unwrap();
        assert_eq!(first.items, [&"a", &"b"]);
        let c = first.next_cursor.unwrap();
        let second = list_page("letters", &items, |s| s.to_string(), Some("2"), Some(&c)).unwrap();
        assert_eq!(second.items, [&"c", &"d"]);
        let c = second.next_cursor.unwrap();
        let last = list_page("letters", &items, |s| s.to_string(), Some("2"), Some(&c)).unwrap();
        assert_eq!(last.items, [&"e"]);
        assert!(last.next_cursor.is_none());
        // Another list's cursor is refused.
        assert!(list_page("digits", &items, |s| s.to_string(), None, Some(&c)).is_err());
    }

    #[test]
    fn bad_limits_and_cursors_are_refused_naming_the_parameter() {
        for (limit, cursor, field) in [
            (Some("0"), None, "limit"),
            (Some("201"), None, "limit"),
            (Some("ten"), None, "limit"),
            (None, Some("not base64!"), "cursor"),
            (None, Some("djF8bjoqOip8Z2FyYmFnZQ"), "cursor"),
        ] {
            match params(&all(), limit, cursor) {
                Err(WebError::Field { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{limit:?} {cursor:?}: {other:?}"),
            }
        }
    }
}
