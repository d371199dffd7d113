//! The semantic pass over a parsed portfolio: every cross-reference, uniqueness and range rule
//! the types cannot express, with every problem collected (not only the first).

use super::Problem;
use super::schedule::parse_cron;
use super::wording::closest;
use crate::portfolio::{PolicyOverrides, Portfolio, VendorId};
use crate::types::{Money, Trade};
use std::collections::{BTreeMap, HashMap};

/// Accumulates problems with their paths.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }
}

/// Flags ids seen before; `what` names the kind of thing in the message.
fn check_unique<'a>(
    out: &mut Problems,
    what: &str,
    list: &str,
    ids: impl IntoIterator<Item = &'a str>,
) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.into_iter().enumerate() {
        if id.trim().is_empty() {
            out.push(format!("{list}[{i}].id"), format!("the {what} id is empty"));
        } else if let Some(first) = seen.get(id) {
            out.push(
                format!("{list}[{i}].id"),
                format!("{what} id {id:?} is already used by {list}[{first}]; ids must be unique"),
            );
        } else {
            seen.insert(id, i);
        }
    }
}

/// The semantic pass: every rule the types cannot express. Returns all problems found.
pub(super) fn validate(p: &Portfolio) -> Vec<Problem> {
    let mut out = Problems::default();

    if p.team.name.trim().is_empty() {
        out.push("team.name", "the team name is empty");
    }
    for (i, code) in p.allowed_calling_codes.iter().enumerate() {
        if !crate::calling::is_calling_code(code) {
            out.push(
                format!("allowed_calling_codes[{i}]"),
                format!(
                    "{code:?} is not a country calling code: write its digits, e.g. \"1\" or \"44\""
                ),
            );
        }
    }

    for (path, message) in crate::endpoints::problems(&p.webhooks) {
        out.push(path, message);
    }
    for (path, message) in crate::import::problems(p) {
        out.push(path, message);
    }

    // --- properties ---
    if p.properties.is_empty() {
        out.push("properties", "list at least one property");
    }
    check_unique(
        &mut out,
        "property",
        "properties",
        p.properties.iter().map(|x| x.id.as_str()),
    );
    // Two properties with one PMS id would split its requests between them at random.
    let mut pms_ids: HashMap<&str, usize> = HashMap::new();
    for (i, prop) in p.properties.iter().enumerate() {
        if let Some(id) = prop.pms_id.as_deref()
            && let Some(first) = pms_ids.insert(id, i)
        {
            out.push(
                format!("properties[{i}].pms_id"),
                format!("PMS id {id:?} is already used by properties[{first}]"),
            );
        }
    }
    for (i, prop) in p.properties.iter().enumerate() {
        let at = format!("properties[{i}]");
        if prop.nte == Money(0) {
            out.push(
                format!("{at}.nte"),
                "the not-to-exceed amount must be more than $0 (otherwise every estimate needs \
                 the owner's approval)",
            );
        }
        if prop.emergency_nte < prop.nte {
            out.push(
                format!("{at}.emergency_nte"),
                format!(
                    "{} is less than the routine NTE of {}; the emergency NTE must be at least \
                     the NTE",
                    prop.emergency_nte, prop.nte
                ),
            );
        }
        for (j, m) in prop.heating_months.iter().enumerate() {
            if !(1..=12).contains(m) {
                out.push(
                    format!("{at}.heating_months[{j}]"),
                    format!("{m} is not a month: write 1 (January) to 12 (December)"),
                );
            }
        }
        check_vendor_lists(&mut out, p, &format!("{at}.vendors"), &prop.vendors);
        if let Some(o) = &prop.policy {
            check_override_quiet_hours(&mut out, p, &format!("{at}.policy"), o);
        }
    }

    // --- companies ---
    check_unique(
        &mut out,
        "company",
        "companies",
        p.companies.iter().map(|x| x.id.as_str()),
    );

    // --- vendors ---
    if p.vendors.is_empty() {
        out.push("vendors", "list at least one vendor");
    }
    check_unique(
        &mut out,
        "vendor",
        "vendors",
        p.vendors.iter().map(|x| x.id.as_str()),
    );
    let mut phones: HashMap<&str, usize> = HashMap::new();
    for (i, v) in p.vendors.iter().enumerate() {
        let at = format!("vendors[{i}]");
        if let Some(&first) = phones.get(v.phone.as_str()) {
            out.push(
                format!("{at}.phone"),
                format!(
                    "{} is also the phone of vendors[{first}] ({:?}); each vendor needs their \
                     own number because SMS replies are matched to vendors by phone",
                    v.phone, p.vendors[first].id.0
                ),
            );
        } else {
            phones.insert(v.phone.as_str(), i);
        }
        if let Some(c) = &v.company
            && p.company(c).is_none()
        {
            out.push(
                format!("{at}.company"),
                format!(
                    "{:?} is not a company listed under `companies`{}",
                    c.0,
                    did_you_mean(&c.0, p.companies.iter().map(|x| x.id.as_str()))
                ),
            );
        }
        if v.trades.is_empty() {
            out.push(
                format!("{at}.trades"),
                format!("list at least one trade ({})", trade_names()),
            );
        }
    }

    // --- dispatch ---
    check_vendor_lists(&mut out, p, "dispatch.backups", &p.dispatch.backups);

    // --- policy ---
    if p.policy.quiet_start == p.policy.quiet_end {
        out.push(
            "policy.quiet_end",
            format!(
                "quiet hours start and end at the same time ({}); make them differ, e.g. \
                 quiet_start: \"21:00\" and quiet_end: \"08:00\"",
                String::from(p.policy.quiet_end)
            ),
        );
    }

    // --- messages ---
    for (key, text) in &p.messages {
        let at = format!("messages.{key}");
        if !crate::messages::is_override_key(key) {
            out.push(
                at,
                format!(
                    "{key:?} is not a message key{}",
                    did_you_mean(key, crate::messages::KEYS.iter().copied())
                ),
            );
        } else if text.trim().is_empty() {
            out.push(at, "the text is empty; remove the line to use the default");
        }
    }

    // --- recurring ---
    check_unique(
        &mut out,
        "recurring template",
        "recurring",
        p.recurring.iter().map(|x| x.id.as_str()),
    );
    for (i, r) in p.recurring.iter().enumerate() {
        let at = format!("recurring[{i}]");
        if p.property(&r.property).is_none() {
            out.push(
                format!("{at}.property"),
                format!(
                    "{:?} is not a property listed under `properties`{}",
                    r.property.0,
                    did_you_mean(&r.property.0, p.properties.iter().map(|x| x.id.as_str()))
                ),
            );
        }
        if let Err(e) = parse_cron(&r.schedule) {
            out.push(format!("{at}.schedule"), e);
        }
        if r.description.trim().is_empty() {
            out.push(format!("{at}.description"), "the description is empty");
        }
    }
    check_occurrence_keys(&mut out, p);

    out.0
}

/// Two templates whose occurrences would share work orders (their ids differ only in letter
/// case, or their occurrence keys collide) are refused: the second would create nothing.
fn check_occurrence_keys(out: &mut Problems, p: &Portfolio) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in p.recurring.iter().enumerate() {
        if r.id.as_str().trim().is_empty() {
            continue;
        }
        let key = r.id.occurrence_key();
        match seen.get(&key) {
            Some(&first) if p.recurring[first].id != r.id => out.push(
                format!("recurring[{i}].id"),
                format!(
                    "recurring template id {:?} collides with recurring[{first}] ({:?}): their \
                     work orders would be the same; give the templates ids that differ by more \
                     than letter case",
                    r.id.as_str(),
                    p.recurring[first].id.as_str()
                ),
            ),
            Some(_) => {}
            None => {
                seen.insert(key, i);
            }
        }
    }
}

fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean {c:?}?)"))
        .unwrap_or_default()
}

fn trade_names() -> String {
    Trade::ALL.map(Trade::as_str).join(", ")
}

/// A per-trade ranked vendor list (a property's Go-To list or `dispatch.backups`): every id
/// must be a vendor of that trade, listed once.
fn check_vendor_lists(
    out: &mut Problems,
    p: &Portfolio,
    at: &str,
    lists: &BTreeMap<Trade, Vec<VendorId>>,
) {
    for (trade, ids) in lists {
        for (j, id) in ids.iter().enumerate() {
            let here = format!("{at}.{trade}[{j}]");
            match p.vendor(id) {
                None => out.push(
                    here,
                    format!(
                        "{:?} is not a vendor listed under `vendors`{}",
                        id.0,
                        did_you_mean(&id.0, p.vendors.iter().map(|v| v.id.as_str()))
                    ),
                ),
                Some(v) if !v.trades.contains(trade) => out.push(
                    here,
                    format!(
                        "vendor {:?} does not do {} (their trades: {}); add {} to their \
                         `trades` or take them off this list",
                        id.0,
                        trade,
                        v.trades
                            .iter()
                            .map(|t| t.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        trade
                    ),
                ),
                Some(_) => {}
            }
            if ids[..j].contains(id) {
                out.push(
                    format!("{at}.{trade}[{j}]"),
                    format!("vendor {:?} is listed twice for {trade}", id.0),
                );
            }
        }
    }
}

fn check_override_quiet_hours(out: &mut Problems, p: &Portfolio, at: &str, o: &PolicyOverrides) {
    let start = o.quiet_start.unwrap_or(p.policy.quiet_start);
    let end = o.quiet_end.unwrap_or(p.policy.quiet_end);
    if (o.quiet_start.is_some() || o.quiet_end.is_some()) && start == end {
        let field = if o.quiet_end.is_some() {
            "quiet_end"
        } else {
            "quiet_start"
        };
        out.push(
            format!("{at}.{field}"),
            format!(
                "quiet hours for this property start and end at the same time ({}); make \
                 quiet_start and quiet_end differ",
                String::from(end)
            ),
        );
    }
}
