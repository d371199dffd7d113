//! Money: an estimate or an invoice with exactly one unambiguous amount, else a question.

use super::ctx::{Ctx, Match};
use super::when::parse_window;
use super::words::{Kw, words as w};
use super::{Intent, unclear};
use crate::normalise::Chunk as Token;
use crate::types::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MoneyKind {
    Estimate,
    Invoice,
}

impl MoneyKind {
    pub(super) fn noun(self) -> &'static str {
        match self {
            MoneyKind::Estimate => "estimate",
            MoneyKind::Invoice => "invoice",
        }
    }
    pub(super) fn keyword(self) -> &'static str {
        match self {
            MoneyKind::Estimate => "ESTIMATE",
            MoneyKind::Invoice => "INVOICE",
        }
    }
    pub(super) fn ask_amount(self) -> String {
        format!(
            "What is the {} amount in dollars? Reply e.g. {} 850",
            self.noun(),
            self.keyword()
        )
    }
}

/// How a money-looking word reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Amount {
    /// A well-formed amount; `formatted` when written with a thousands comma or cents.
    Exact { cents: u64, formatted: bool },
    /// `1.150`: a European thousands separator or a decimal point? (`as_decimal` is `None` when
    /// the decimal reading is not whole cents, as in `1.155`).
    DotThousands {
        as_thousands: u64,
        as_decimal: Option<u64>,
    },
    /// Digits and separators that make no amount (`1,15`, `1.2.3`, too large).
    Malformed,
}

/// Reads `1150`, `$1,150`, `1,150.00`, `$385.5`, `850$`. Returns the reading and whether a
/// dollar sign was attached; `None` when the word is not money-shaped at all.
pub(super) fn parse_amount(norm: &str) -> Option<(Amount, bool)> {
    let (s, dollar) = match norm.strip_prefix('$').or_else(|| norm.strip_suffix('$')) {
        Some(rest) => (rest, true),
        None => (norm, false),
    };
    if !s.starts_with(|c: char| c.is_ascii_digit())
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }
    let formatted = s.contains([',', '.']);
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let Some(dollars) = parse_grouped(int_part) else {
        return Some((Amount::Malformed, dollar));
    };
    let cents = |extra: u64| dollars.checked_mul(100).and_then(|c| c.checked_add(extra));
    let amount = match frac {
        None | Some("") => cents(0).map(|cents| Amount::Exact { cents, formatted }),
        Some(f) if f.len() <= 2 && f.bytes().all(|b| b.is_ascii_digit()) => {
            // "385.5" is 385 dollars 50 cents.
            let extra: u64 = f
                .parse()
                .ok()
                .map(|v: u64| if f.len() == 1 { v * 10 } else { v })?;
            cents(extra).map(|cents| Amount::Exact { cents, formatted })
        }
        Some(f)
            if f.len() == 3 && f.bytes().all(|b| b.is_ascii_digit()) && !int_part.contains(',') =>
        {
            let f_val: u64 = f.parse().ok()?;
            let as_thousands = dollars
                .checked_mul(1000)
                .and_then(|d| d.checked_add(f_val))
                .and_then(|d| d.checked_mul(100));
            let as_decimal = f_val
                .is_multiple_of(10)
                .then(|| cents(f_val / 10))
                .flatten();
            as_thousands.map(|as_thousands| Amount::DotThousands {
                as_thousands,
                as_decimal,
            })
        }
        Some(_) => None,
    };
    Some((amount.unwrap_or(Amount::Malformed), dollar))
}

/// Whole dollars, with commas accepted only as thousands separators (a comma followed by
/// exactly three digits).
pub(super) fn parse_grouped(int_part: &str) -> Option<u64> {
    let mut groups = int_part.split(',');
    let first = groups.next()?;
    let first_ok = !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_digit())
        && (!int_part.contains(',') || first.len() <= 3);
    if !first_ok {
        return None;
    }
    let mut value: u64 = first.parse().ok()?;
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        value = value.checked_mul(1000)?.checked_add(g.parse().ok()?)?;
    }
    Some(value)
}

/// `385` for whole dollars, `385.50` otherwise: how a vendor would type the amount back.
pub(super) fn plain_amount(cents: u64) -> String {
    if cents.is_multiple_of(100) {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct AmountSeen {
    pub(super) idx: usize,
    pub(super) amount: Amount,
    pub(super) dollar: bool,
}

pub(super) fn amount_at(ctx: &Ctx, i: usize) -> Option<AmountSeen> {
    let (amount, sign) = parse_amount(ctx.norm(i))?;
    let dollar =
        sign || (i > 0 && ctx.norm(i - 1) == "$") || w().currency_words.contains(ctx.norm(i + 1));
    Some(AmountSeen {
        idx: i,
        amount,
        dollar,
    })
}

/// `800-1200`, `$800-$1,200`: two amounts in one word.
pub(super) fn amount_range_at(ctx: &Ctx, i: usize) -> Option<[AmountSeen; 2]> {
    let (low, high) = ctx.norm(i).split_once('-')?;
    let seen = |norm: &str| {
        parse_amount(norm).map(|(amount, dollar)| AmountSeen {
            idx: i,
            amount,
            dollar,
        })
    };
    Some([seen(low)?, seen(high)?])
}

pub(super) fn money(ctx: &Ctx) -> Option<Intent> {
    let mut keywords: Vec<(Match, MoneyKind)> = ctx
        .matches
        .iter()
        .filter_map(|m| match m.kw {
            Kw::Estimate if !is_time_zone(ctx, m) => Some((*m, MoneyKind::Estimate)),
            Kw::Invoice => Some((*m, MoneyKind::Invoice)),
            _ => None,
        })
        .collect();
    // "INV-1042 total $275": an invoice number says it is an invoice, and is its reference.
    // After an invoice keyword it is only the reference ("invoice INV-88 $99.99").
    let numbered: Vec<usize> = (0..ctx.tokens.len())
        .filter(|&i| is_invoice_number(ctx.norm(i)))
        .filter(|&i| {
            !keywords
                .iter()
                .any(|(m, kind)| *kind == MoneyKind::Invoice && m.start < i)
        })
        .collect();
    keywords.extend(numbered.iter().map(|&i| {
        let m = Match {
            kw: Kw::Invoice,
            start: i,
            end: i + 1,
        };
        (m, MoneyKind::Invoice)
    }));
    keywords.sort_by_key(|(m, _)| m.start);
    for (n, (m, kind)) in keywords.iter().enumerate() {
        let stop = keywords
            .get(n + 1)
            .map_or(ctx.tokens.len(), |(next, _)| next.start);
        if let Some(intent) = numbered_then_amount(ctx, &keywords, n, stop) {
            return Some(intent);
        }
        // "$1,080 invoice 7731": the amount marked before the keyword, the bare number after
        // it the invoice's number.
        if *kind == MoneyKind::Invoice
            && let Some((cents, reference)) = marked_then_number(ctx, m, stop)
        {
            return Some(Intent::Invoice {
                amount: Money(cents),
                reference: Some(reference),
            });
        }
        if let Some(intent) = read_money(ctx, m, stop, *kind) {
            // "billed $1,080 for the repair, invoice 7731": a later invoice keyword with a
            // bare number only names the invoice.
            let later = keywords
                .get(n + 1)
                .filter(|(_, k)| *k == MoneyKind::Invoice)
                .and_then(|(next, _)| {
                    let end = keywords
                        .get(n + 2)
                        .map_or(ctx.tokens.len(), |(after, _)| after.start);
                    lone_reference(ctx, next.end, end)
                });
            return Some(match intent {
                Intent::Invoice {
                    amount,
                    reference: None,
                } if numbered.contains(&m.start) => Intent::Invoice {
                    amount,
                    reference: Some(clean_reference(&ctx.tokens[m.start].raw)),
                },
                Intent::Invoice {
                    amount,
                    reference: None,
                } if later.is_some() => Intent::Invoice {
                    amount,
                    reference: later,
                },
                other => other,
            });
        }
        // "done, invoice to follow" mentions money without stating any: only a message that
        // opens with the keyword is asking to record one.
        if ctx.core.first() == Some(&m.start) {
            return Some(unclear(kind.ask_amount()));
        }
    }
    None
}

/// The one number in `from..to`, when it is shaped like a reference (letters and digits, or
/// three digits or more) and not marked as money (no `$`, no currency word), and nothing else
/// there is a number.
fn lone_reference(ctx: &Ctx, from: usize, to: usize) -> Option<String> {
    let numbers: Vec<usize> = (from..to)
        .filter(|&i| ctx.norm(i).bytes().any(|b| b.is_ascii_digit()))
        .collect();
    let [i] = numbers.as_slice() else {
        return None;
    };
    let norm = ctx.norm(*i);
    let marked = amount_at(ctx, *i).is_some_and(|a| a.dollar);
    // "invoice #7008": a '#' says the digits after it are a number, not money.
    let bare = norm.strip_prefix('#').unwrap_or(norm);
    let shaped =
        looks_like_reference(bare) || (bare.len() >= 3 && bare.bytes().all(|b| b.is_ascii_digit()));
    (!marked && shaped)
        .then(|| clean_reference(&ctx.tokens[*i].raw))
        .filter(|r| !r.is_empty())
}

/// "$1,080 invoice 7731": an exact amount with a dollar sign right before the invoice keyword
/// and one bare reference-shaped number after it; the amount in cents and the reference.
fn marked_then_number(ctx: &Ctx, m: &Match, stop: usize) -> Option<(u64, String)> {
    let before = m.start.checked_sub(1)?;
    let cents = match amount_at(ctx, before)? {
        AmountSeen {
            amount: Amount::Exact { cents, .. },
            dollar: true,
            ..
        } => cents,
        _ => return None,
    };
    Some((cents, lone_reference(ctx, m.end, stop)?))
}

/// "invoice 88213 amount due 1,080.50": one bare number after an invoice keyword, then a second
/// invoice keyword ("amount due", "total due") with the amount: the first number is the
/// invoice's reference, not its amount. `None` when the words are not shaped so.
fn numbered_then_amount(
    ctx: &Ctx,
    keywords: &[(Match, MoneyKind)],
    n: usize,
    stop: usize,
) -> Option<Intent> {
    let (m, kind) = keywords.get(n)?;
    let (next, next_kind) = keywords.get(n + 1)?;
    if *kind != MoneyKind::Invoice || *next_kind != MoneyKind::Invoice {
        return None;
    }
    // "invoice no. 88, amount due …": the words that say "number" are not the number.
    let between: Vec<usize> = (m.end..stop)
        .filter(|&i| !ctx.norm(i).is_empty() && !says_number(ctx, i))
        .collect();
    let [number] = between.as_slice() else {
        return None;
    };
    let bare = matches!(
        amount_at(ctx, *number),
        Some(AmountSeen {
            amount: Amount::Exact {
                formatted: false,
                ..
            },
            dollar: false,
            ..
        })
    );
    if !bare {
        return None;
    }
    let next_stop = keywords
        .get(n + 2)
        .map_or(ctx.tokens.len(), |(after, _)| after.start);
    match read_money(ctx, next, next_stop, MoneyKind::Invoice)? {
        Intent::Invoice {
            amount,
            reference: None,
        } => Some(Intent::Invoice {
            amount,
            reference: Some(clean_reference(&ctx.tokens[*number].raw)),
        }),
        other => Some(other),
    }
}

/// Whether the token at `i` says that a number follows: a reference marker ("ref", "number")
/// or the abbreviation of "number" ("no.", "nº", "n°" — "no" alone is a word, not one).
fn says_number(ctx: &Ctx, i: usize) -> bool {
    let raw = ctx.tokens[i].raw.to_lowercase();
    let raw = raw.trim_end_matches([',', ':']);
    w().reference_markers.contains(ctx.norm(i)) || ["no.", "nº", "n°", "#"].contains(&raw)
}

/// `inv-1042`, `inv#88`, `inv2231`: an invoice number with its prefix.
pub(super) fn is_invoice_number(norm: &str) -> bool {
    norm.strip_prefix("inv").is_some_and(|rest| {
        let rest = rest.trim_start_matches(['-', '#']);
        rest.starts_with(|c: char| c.is_ascii_digit())
            && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// `10am EST` is a time zone, not an estimate.
pub(super) fn is_time_zone(ctx: &Ctx, m: &Match) -> bool {
    let prev = if m.start > 0 {
        ctx.norm(m.start - 1)
    } else {
        ""
    };
    ctx.norm(m.start) == "est"
        && (prev.ends_with("am") || prev.ends_with("pm") || prev.contains(':'))
}

/// Whether the number at `i` is offered as an alternative: "or" (Spanish "o", "u") just before
/// it, or before a hedge just before it ("or maybe 1250", "o tal vez 900").
fn offered_instead(ctx: &Ctx, i: usize) -> bool {
    let alternative = |j: usize| matches!(ctx.norm(j), "or" | "o" | "u");
    match i {
        0 => false,
        1 => alternative(0),
        _ => {
            alternative(i - 1)
                || (alternative(i - 2) && w().approximate.contains(ctx.norm(i - 1)))
                || (i >= 3
                    && alternative(i - 3)
                    && ctx.norm(i - 2) == "tal"
                    && ctx.norm(i - 1) == "vez")
        }
    }
}

pub(super) fn is_amount_joiner(t: &Token) -> bool {
    t.norm.is_empty()
        // English, then Spanish ("entre 600 y 800", "600 o 800", "hasta 900").
        || [
            "or", "to", "and", "maybe", "plus", "between", "then", "o", "u", "y", "entre",
            "hasta", "mas",
        ]
        .contains(&t.norm.as_str())
}

/// A vendor's own invoice number: letters and digits mixed (`A-77`, `INV2231`).
pub(super) fn looks_like_reference(norm: &str) -> bool {
    norm.bytes().any(|b| b.is_ascii_digit())
        && norm.bytes().any(|b| b.is_ascii_alphabetic())
        && norm
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
        && parse_window(norm).is_none()
}

pub(super) fn clean_reference(raw: &str) -> String {
    raw.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

/// Reads the amount stated after (or, failing that, right before) a money keyword.
pub(super) fn read_money(ctx: &Ctx, m: &Match, stop: usize, kind: MoneyKind) -> Option<Intent> {
    let mut seen: Vec<AmountSeen> = Vec::new();
    // References, and whether the writing makes them one for sure (`#2231`, `ref 2231`).
    let mut refs: Vec<(usize, bool)> = Vec::new();
    let mut skipped: Vec<usize> = Vec::new();
    for i in m.end..stop {
        let norm = ctx.norm(i);
        if norm == "$" || w().currency_words.contains(norm) || says_number(ctx, i) {
            skipped.push(i);
        } else if (norm.len() > 1 && norm.starts_with('#'))
            || (i > m.end && says_number(ctx, i - 1))
            || is_invoice_number(norm)
        {
            // An "INV-3004" after the amount names the invoice as surely as a '#'.
            refs.push((i, true));
        } else if let Some(a) = amount_at(ctx, i) {
            // "2 grand", "1.5 k", "3 mil": a round figure, never the exact amount.
            if w().multipliers.contains(ctx.norm(i + 1)) {
                seen.push(AmountSeen {
                    amount: Amount::Malformed,
                    ..a
                });
            } else {
                seen.push(a);
            }
        } else if let Some(range) = amount_range_at(ctx, i) {
            seen.extend(range);
        } else if kind == MoneyKind::Invoice && looks_like_reference(norm) {
            refs.push((i, false));
        }
    }

    // A dollar sign marks the amount for sure; then other numbers are references or details.
    // Without one, the amount is the first number, plus any offered next to it or joined to
    // the text by "or", "+", "to"… ("800 or 1200", "600 parts + 250 labor"), or written like
    // money ("1.5"). "to replace 2 valves" is a detail.
    let picked: Vec<AmountSeen> = if seen.iter().any(|a| a.dollar) {
        // A bare number offered instead of the marked one ("$12.50 or maybe 1250") is a second
        // candidate: the reader asks which rather than take the one with the sign.
        seen.iter()
            .filter(|a| a.dollar || offered_instead(ctx, a.idx))
            .copied()
            .collect()
    } else {
        let mut picked: Vec<AmountSeen> = Vec::new();
        for a in &seen {
            let joined = picked.last().is_some_and(|p| a.idx <= p.idx + 1)
                || (a.idx > 0 && is_amount_joiner(&ctx.tokens[a.idx - 1]));
            let formatted = matches!(
                a.amount,
                Amount::Exact {
                    formatted: true,
                    ..
                } | Amount::DotThousands { .. }
                    | Amount::Malformed
            );
            if picked.is_empty() || joined || formatted {
                picked.push(*a);
            }
        }
        picked
    };
    let picked = if picked.is_empty() {
        // "850 estimate", "$850 quote"
        m.start
            .checked_sub(1)
            .and_then(|i| amount_at(ctx, i))
            .into_iter()
            .collect()
    } else {
        picked
    };

    let mut exact: Vec<u64> = Vec::new();
    for a in &picked {
        match a.amount {
            Amount::DotThousands {
                as_thousands,
                as_decimal,
            } => {
                let question = match as_decimal {
                    Some(dec) => format!(
                        "Did you mean {} or {}? Reply e.g. {} {}",
                        Money(as_thousands),
                        Money(dec),
                        kind.keyword(),
                        plain_amount(as_thousands)
                    ),
                    None => format!(
                        "Did you mean {}? Reply e.g. {} {}",
                        Money(as_thousands),
                        kind.keyword(),
                        plain_amount(as_thousands)
                    ),
                };
                return Some(unclear(question));
            }
            Amount::Malformed => return Some(unclear(kind.ask_amount())),
            Amount::Exact { cents, .. } => {
                if !exact.contains(&cents) {
                    exact.push(cents);
                }
            }
        }
    }
    let amount = match exact.as_slice() {
        [] => return None,
        [cents] => Money(*cents),
        [a, b, ..] => {
            return Some(unclear(format!(
                "Which is the {} total: {} or {}? Reply with one amount, e.g. {} 850",
                kind.noun(),
                Money(*a),
                Money(*b),
                kind.keyword()
            )));
        }
    };
    let amount_idx = picked.first().map_or(m.end, |a| a.idx);
    // "$12 50": dollars and cents with a space between, or two numbers? Ask.
    if cents_apart(ctx, &picked, stop) {
        return Some(unclear(kind.ask_amount()));
    }
    // "quote is around 500": a guess, to ask about.
    let guessed = (amount_idx.saturating_sub(2)..amount_idx)
        .any(|i| i >= m.end && w().approximate.contains(ctx.norm(i)));
    if guessed {
        return Some(unclear(kind.ask_amount()));
    }
    if partial_amount(ctx, &seen, amount_idx, stop) {
        return Some(unclear(format!(
            "What is the {} total, parts and labor together? Reply e.g. {} 850",
            kind.noun(),
            kind.keyword()
        )));
    }

    match kind {
        MoneyKind::Invoice => {
            // '#'-numbers anywhere are references; other candidates only before the amount, so
            // "invoice $385 for 2nd visit" has none.
            let reference = refs
                .iter()
                .find(|&&(i, certain)| certain || i < amount_idx)
                .map(|&(i, _)| i)
                .or_else(|| {
                    seen.iter()
                        .find(|a| !a.dollar && a.idx < amount_idx && a.idx >= m.end)
                        .map(|a| a.idx)
                })
                .map(|i| clean_reference(&ctx.tokens[i].raw))
                .filter(|r| !r.is_empty());
            Some(Intent::Invoice { amount, reference })
        }
        MoneyKind::Estimate => {
            let used: Vec<usize> = picked.iter().map(|a| a.idx).collect();
            let note_idxs: Vec<usize> = (m.end..stop)
                .filter(|i| {
                    !used.contains(i) && !refs.iter().any(|(r, _)| r == i) && !skipped.contains(i)
                })
                .collect();
            let before_end = if used.first().is_some_and(|&u| u < m.start) {
                m.start - 1
            } else {
                m.start
            };
            let before_idxs: Vec<usize> = (0..before_end).filter(|&i| ctx.norm(i) != "$").collect();
            let note = ctx
                .compose(&note_idxs, &w().money_links, &w().money_links)
                .or_else(|| ctx.compose(&before_idxs, &w().money_links, &w().money_links));
            Some(Intent::Estimate { amount, note })
        }
    }
}

/// Whole dollars followed at once by a bare group of two or three digits that is no unit's count
/// ("$12 50", "$1 250", not "$120 45 minutes"): a careful reader would ask whether that is $12.50
/// or $1,250 — a space is how many people write cents or group thousands.
fn cents_apart(ctx: &Ctx, picked: &[AmountSeen], stop: usize) -> bool {
    let [a] = picked else {
        return false;
    };
    let whole = matches!(a.amount, Amount::Exact { cents, formatted: false } if cents % 100 == 0);
    let next = a.idx + 1;
    let digit_group = |s: &str| (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    whole
        && next < stop
        && digit_group(ctx.norm(next))
        && !w()
            .minute_units
            .iter()
            .chain(&w().hour_units)
            .any(|u| u == ctx.norm(next + 1))
}

/// Whether the amount at `amount_idx` is only part of the total: another amount stands next to a
/// cost ("200 labor 150 parts"), or a cost is added on top ("400 plus parts", "300 for parts plus
/// labor"). "620 parts + labor" is one total for both.
fn partial_amount(ctx: &Ctx, seen: &[AmountSeen], amount_idx: usize, stop: usize) -> bool {
    let cost_near = |i: usize| {
        (i.saturating_sub(1)..=i + 1).any(|k| k != i && w().cost_words.contains(ctx.norm(k)))
    };
    let another = seen.iter().any(|a| {
        a.idx != amount_idx && matches!(a.amount, Amount::Exact { .. }) && cost_near(a.idx)
    });
    let on_top = (amount_idx + 1..stop).any(|i| {
        ["plus", "extra", "additional", "mas"].contains(&ctx.norm(i))
            && (i + 1..(i + 3).min(stop)).any(|k| w().cost_words.contains(ctx.norm(k)))
    });
    another || on_top
}

/// A dollar amount with no keyword: money is never filed under a guessed kind.
pub(super) fn amount_without_keyword(ctx: &Ctx) -> Option<Intent> {
    // "1187.5 for the whole job": a price for the job is money even without a dollar sign.
    let found = (0..ctx.tokens.len()).find_map(|i| match amount_at(ctx, i) {
        Some(AmountSeen {
            amount: Amount::Exact { cents, .. },
            dollar,
            ..
        }) if dollar || (cents >= 2_000 && whole_job_after(ctx, i).is_some()) => Some((i, cents)),
        _ => None,
    });
    // "between 500 and 700", "600 or 800": money for sure, but which amount?
    let bare: Vec<usize> = (0..ctx.tokens.len())
        .filter(|&i| {
            matches!(amount_at(ctx, i), Some(AmountSeen { amount: Amount::Exact { cents, .. }, .. }) if cents >= 10_000)
        })
        .collect();
    if found.is_none()
        && bare.windows(2).any(|p| {
            p[1] == p[0] + 2 && ["and", "or", "to", "y", "o", "a"].contains(&ctx.norm(p[0] + 1))
        })
    {
        return Some(unclear(
            "What is the exact amount, and is it an estimate or an invoice? Reply e.g. ESTIMATE 650",
        ));
    }
    let Some((at, cents)) = found else {
        // "around 2-3k", "$1.5k", "2 grand", "3 mil", "two hundred fifty dollars": money for
        // sure, but neither its kind nor its amount.
        // "Ochocientos por todo": a number in words priced for the whole job.
        return (0..ctx.tokens.len())
            .any(|i| {
                round_or_spoken(ctx, i)
                    || (w().spoken_numbers.contains(ctx.norm(i))
                        && whole_job_after(ctx, i).is_some())
            })
            .then(|| {
                unclear("What is the exact amount, and is it an estimate or an invoice? Reply e.g. ESTIMATE 2500")
            });
    };
    // "$450 to replace the water heater element", "the repair will be 640 dollars": a price
    // for work still to do.
    let future = (at.saturating_sub(4)..at).any(|i| w().future_cost.contains(ctx.norm(i)));
    // "850 bucks parts and labor", "1187.5 for the whole job": the price of the whole job, told
    // as one figure, is what the work will cost.
    if let Some(end) = whole_job_after(ctx, at) {
        let rest: Vec<usize> = (end..ctx.tokens.len()).collect();
        return Some(Intent::Estimate {
            amount: Money(cents),
            note: ctx.compose(&rest, &w().money_links, &w().money_links),
        });
    }
    if future
        || (["to", "para"].contains(&ctx.norm(at + 1))
            && w().purpose_verbs.contains(ctx.norm(at + 2)))
    {
        let rest: Vec<usize> = (at + 2..ctx.tokens.len()).collect();
        return Some(Intent::Estimate {
            amount: Money(cents),
            note: ctx.compose(&rest, &w().money_links, &w().money_links),
        });
    }
    Some(unclear(format!(
        "Is {} an estimate or an invoice? Reply ESTIMATE {} or INVOICE {}",
        Money(cents),
        plain_amount(cents),
        plain_amount(cents)
    )))
}

/// Where a "for the whole job" phrase ends when one follows the number at token `i` (a currency
/// word may stand between: "850 bucks parts and labor").
fn whole_job_after(ctx: &Ctx, i: usize) -> Option<usize> {
    let from = if w().currency_words.contains(ctx.norm(i + 1)) {
        i + 2
    } else {
        i + 1
    };
    w().whole_job.iter().find_map(|phrase| {
        let words: Vec<&str> = phrase.split_whitespace().collect();
        words
            .iter()
            .enumerate()
            .all(|(k, word)| ctx.norm(from + k) == *word)
            .then_some(from + words.len())
    })
}

/// A round or spoken figure at token `i`: thousands the short way (with or without `$`), a
/// number followed by a multiplier ("2 grand", "3 mil"), or a number in words followed within
/// three words by a multiplier or a currency ("two hundred fifty dollars").
fn round_or_spoken(ctx: &Ctx, i: usize) -> bool {
    let norm = ctx.norm(i);
    if is_round_thousands(norm.trim_start_matches('$')) {
        return true;
    }
    let digits = !norm.is_empty()
        && norm
            .trim_start_matches('$')
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.');
    if digits
        && norm.bytes().any(|b| b.is_ascii_digit())
        && w().multipliers.contains(ctx.norm(i + 1))
    {
        return true;
    }
    // The number goes on in words ("two hundred", "fifty bucks") and reaches a multiplier or
    // a currency within three words: "two of them" or "one hundred percent sure" is no amount.
    let amount_word = |n: &str| w().multipliers.contains(n) || w().currency_words.contains(n);
    let next = ctx.norm(i + 1);
    // "Como mil dolares", "a hundred bucks": a multiplier said with its currency is an amount.
    if w().multipliers.contains(norm) && w().currency_words.contains(next) {
        return true;
    }
    w().spoken_numbers.contains(norm)
        && (amount_word(next) || w().spoken_numbers.contains(next))
        && (i + 1..(i + 4).min(ctx.tokens.len())).any(|k| amount_word(ctx.norm(k)))
}

/// `3k`, `2-3k`, `1.5k`: thousands written the short way.
pub(super) fn is_round_thousands(norm: &str) -> bool {
    norm.strip_suffix('k').is_some_and(|n| {
        n.starts_with(|c: char| c.is_ascii_digit())
            && n.bytes().all(|b| b.is_ascii_digit() || b"-.,".contains(&b))
    })
}
