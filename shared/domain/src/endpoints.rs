//! The webhook endpoints a team configures (name, URL, which events) and the one rule for what
//! makes a valid one. Their signing secrets are not here: they come from the deployment's
//! secret (or the local secrets file), never from the portfolio file a team shares.

use serde::{Deserialize, Serialize};

/// The `type` of the event the PM pages' "send a test event" button sends. It reaches every
/// endpoint, whatever its filter.
pub const TEST_EVENT_TYPE: &str = "mendwork.test";

/// The longest endpoint name (it keys the delivery log and the secrets).
const MAX_NAME: usize = 40;

/// One place events are sent to.
///
/// Invariant (after [`problems`] found none): `name` is a unique slug, `url` is `https://`
/// (or `http://` to a loopback host, for a receiver on the same machine), and every entry of
/// `events` is an event type Mendwork sends. An empty `events` means every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub events: Vec<String>,
}

impl Endpoint {
    /// Whether an event of type `kind` goes to this endpoint.
    pub fn wants(&self, kind: &str) -> bool {
        kind == TEST_EVENT_TYPE || self.events.is_empty() || self.events.iter().any(|e| e == kind)
    }
}

/// Whether `url` may receive events: `https://host…`, or `http://` to 127.0.0.1, `[::1]` or
/// localhost (a receiver beside the local runner). `None` when it may, else why not.
pub fn url_problem(url: &str) -> Option<String> {
    let (scheme, rest) = match url.split_once("://") {
        Some(parts) => parts,
        None => return Some(format!("{url:?} is not a URL: write https://host/path")),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once('@') {
        Some((_, h)) => h,
        None => authority,
    };
    let host_only = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default().to_string()
    };
    if host_only.is_empty() || url.chars().any(char::is_whitespace) {
        return Some(format!("{url:?} is not a URL: write https://host/path"));
    }
    if authority.contains('@') {
        return Some(
            "put no user name or password in the URL; receivers verify the signature".into(),
        );
    }
    match scheme {
        "https" => None,
        "http" if is_loopback(&host_only) => None,
        "http" => Some(format!(
            "{url:?} is plain http: events go to https:// URLs only (http:// only to 127.0.0.1 \
             or localhost, for a receiver on this machine)"
        )),
        other => Some(format!(
            "{other}:// is not a web address: write https://host/path"
        )),
    }
}

/// The problems of endpoints in a deployment, where nothing listens on loopback: every URL
/// must be `https://`. As `(path, message)`, like [`problems`], which these come on top of.
pub fn deployed_problems(endpoints: &[Endpoint]) -> Vec<(String, String)> {
    endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.url.starts_with("https://"))
        .map(|(i, e)| {
            (
                format!("webhooks[{i}].url"),
                format!(
                    "{:?}: a deployment sends events to https:// URLs only (http:// to this \
                     machine is for the local runner)",
                    e.url
                ),
            )
        })
        .collect()
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "[::1]" || host.starts_with("127.")
}

/// Every problem of a list of endpoints, as `(path, message)`, paths under `webhooks`.
pub fn problems(endpoints: &[Endpoint]) -> Vec<(String, String)> {
    let mut out = vec![];
    for (i, e) in endpoints.iter().enumerate() {
        let at = format!("webhooks[{i}]");
        let slug = !e.name.is_empty()
            && e.name.len() <= MAX_NAME
            && e.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug {
            out.push((
                format!("{at}.name"),
                format!(
                    "{:?} is not a name for an endpoint: use 1 to {MAX_NAME} lowercase letters, \
                     digits and dashes, e.g. buildium-sync",
                    e.name
                ),
            ));
        }
        if endpoints[..i].iter().any(|o| o.name == e.name) {
            out.push((
                format!("{at}.name"),
                format!("the endpoint name {:?} is used twice", e.name),
            ));
        }
        if let Some(why) = url_problem(&e.url) {
            out.push((format!("{at}.url"), why));
        }
        for (j, kind) in e.events.iter().enumerate() {
            if crate::outbound::EventType::parse(kind).is_none() {
                out.push((
                    format!("{at}.events[{j}]"),
                    format!(
                        "{kind:?} is not an event Mendwork sends (e.g. work_order.created, \
                         work_order.closed; see the README's list)"
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(name: &str, url: &str, events: &[&str]) -> Endpoint {
        Endpoint {
            name: name.into(),
            url: url.into(),
            events: events.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn https_anywhere_and_http_only_to_this_machine_are_accepted() {
        for ok in [
            "https://pms.example.com/hooks/mendwork",
            "https://pms.example.com:8443/h?x=1",
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]:9000/hook",
        ] {
            assert_eq!(url_problem(ok), None, "{ok}");
        }
        for bad in [
            "http://pms.example.com/hook",
            "ftp://pms.example.com/",
            "pms.example.com/hook",
            "https:///nohost",
            "https://user:pw@pms.example.com/",
            "https://pms.example.com/a b",
        ] {
            assert!(url_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn bad_names_repeats_and_unknown_events_are_each_reported_where_they_are() {
        let list = [
            endpoint("pms", "https://a.example/h", &["work_order.created"]),
            endpoint("pms", "https://b.example/h", &[]),
            endpoint("Bad Name", "http://b.example/h", &["work_order.exploded"]),
        ];
        let found = problems(&list);
        let paths: Vec<_> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "webhooks[1].name",
                "webhooks[2].name",
                "webhooks[2].url",
                "webhooks[2].events[0]"
            ]
        );
        assert!(problems(&list[..1]).is_empty());
    }

    #[test]
    fn a_portfolio_file_with_a_bad_endpoint_names_the_field_and_a_good_one_loads() {
        let sample = include_str!("../../../infra/sample-portfolio.yaml");
        let bad =
            format!("{sample}\nwebhooks:\n  - name: pms\n    url: http://pms.example.com/hook\n");
        let err = crate::config::parse_portfolio(&bad, "p.yaml")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("webhooks[0].url"), "{err}");
        assert!(err.contains("https://"), "{err}");
        let good = format!(
            "{sample}\nwebhooks:\n  - name: pms\n    url: https://pms.example.com/hook\n    events: [work_order.closed]\n"
        );
        let p = crate::config::parse_portfolio(&good, "p.yaml");
        assert_eq!(
            p.map(|p| p.webhooks).ok(),
            Some(vec![endpoint(
                "pms",
                "https://pms.example.com/hook",
                &["work_order.closed"]
            )])
        );
    }

    #[test]
    fn a_deployment_refuses_the_loopback_http_that_local_mode_allows() {
        let list = [
            endpoint("a", "https://a.example/h", &[]),
            endpoint("b", "http://127.0.0.1:9000/h", &[]),
        ];
        assert!(problems(&list).is_empty());
        let found = deployed_problems(&list);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "webhooks[1].url");
        assert!(found[0].1.contains("https://"), "{}", found[0].1);
    }

    #[test]
    fn a_filter_lets_through_its_events_and_the_test_event_only() {
        let some = endpoint("pms", "https://a.example/h", &["work_order.closed"]);
        assert!(some.wants("work_order.closed"));
        assert!(!some.wants("work_order.created"));
        assert!(some.wants(TEST_EVENT_TYPE));
        let all = endpoint("all", "https://a.example/h", &[]);
        assert!(all.wants("message.sent"));
    }
}
