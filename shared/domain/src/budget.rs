//! Size budgets for everything a stranger can make grow, decided once here: the tenant's
//! availability windows (capped and deduplicated), the slots a vendor is texted, how often a
//! changed slot list is texted, how long one text may be, and how much free text one timeline
//! entry keeps. A work order stays far below DynamoDB's 400 KB item limit however often its
//! links are used, so later commits (timers, a PM's cancel) never fail on its size.

use crate::segments::{is_gsm7, sms_segments};
use crate::workorder::{Event, Rejection, Window};
use chrono::{DateTime, Duration, Utc};

/// At most this many of a tenant's windows may be open (not yet ended) at once.
pub const MAX_OPEN_WINDOWS: usize = 20;
/// The slots one text offers a vendor (the soonest open windows): with the words around
/// them they stay within [`MAX_SMS_SEGMENTS`].
pub const MAX_SLOTS: usize = 6;
/// The most segments any text may take (3 × 153 GSM-7 characters).
pub const MAX_SMS_SEGMENTS: u32 = 3;
/// The most characters of one free text (a message's body, a reason, a note) a timeline
/// entry keeps; the rest is cut and marked.
pub const MAX_ENTRY_TEXT: usize = 2_000;

/// The shortest time between two slot lists texted to a vendor because the tenant's times
/// changed: later changes within it go out together in one text when it is over.
pub fn slots_text_gap() -> Duration {
    Duration::minutes(5)
}

/// The windows of `adding` a work order takes, given the windows it has: each must not have
/// ended and must start before it ends (else [`Rejection::BadWindow`]); those it already has
/// (or that repeat in `adding`) are dropped; and the open windows may not pass
/// [`MAX_OPEN_WINDOWS`] (else [`Rejection::TooManyWindows`], and nothing is added). An empty
/// answer means nothing new: no change, nothing sent.
pub fn new_windows(
    existing: &[Window],
    adding: &[Window],
    now: DateTime<Utc>,
) -> Result<Vec<Window>, Rejection> {
    if adding.is_empty() || adding.iter().any(|w| w.end <= now || w.start >= w.end) {
        return Err(Rejection::BadWindow);
    }
    let open: Vec<&Window> = existing.iter().filter(|w| w.end > now).collect();
    let mut fresh: Vec<Window> = vec![];
    for w in adding {
        if !open.contains(&w) && !fresh.contains(w) {
            fresh.push(*w);
        }
    }
    let mut open_count = open.clone();
    open_count.sort();
    open_count.dedup();
    if open_count.len() + fresh.len() > MAX_OPEN_WINDOWS {
        return Err(Rejection::TooManyWindows {
            max: MAX_OPEN_WINDOWS,
        });
    }
    Ok(fresh)
}

/// `text` cut to at most `max` characters at a word boundary, with "..." when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep: String = text.chars().take(max.saturating_sub(3)).collect();
    let keep = match keep.rsplit_once(' ') {
        Some((head, _)) if head.chars().count() > max / 2 => head.to_string(),
        _ => keep,
    };
    format!("{keep}...")
}

/// A text within [`MAX_SMS_SEGMENTS`]: unchanged when it fits, else cut at a word with
/// "..." (links at the end of a text may be lost, so texts put them early or keep short).
pub fn fit_sms(text: String) -> String {
    if sms_segments(&text) <= MAX_SMS_SEGMENTS {
        return text;
    }
    // GSM-7 parts hold 153 characters (escaped ones count 2), UCS-2 parts 67 units.
    let per_part = if is_gsm7(&text) { 153 } else { 67 };
    let mut max = per_part * MAX_SMS_SEGMENTS as usize;
    loop {
        let out = cut(&text, max);
        if sms_segments(&out) <= MAX_SMS_SEGMENTS || max < 10 {
            return out;
        }
        max -= 5;
    }
}

/// The event as the timeline keeps it: its free texts cut to [`MAX_ENTRY_TEXT`], so one
/// entry (one item in DynamoDB) has a fixed ceiling whatever a sender wrote.
pub fn bounded(event: Event) -> Event {
    let c = |s: String| {
        if s.chars().count() > MAX_ENTRY_TEXT {
            cut(&s, MAX_ENTRY_TEXT)
        } else {
            s
        }
    };
    match event {
        Event::MessageReceived {
            from,
            channel,
            address,
            body,
        } => Event::MessageReceived {
            from,
            channel,
            address,
            body: c(body),
        },
        Event::MessageSent {
            to,
            channel,
            address,
            subject,
            body,
            key,
        } => Event::MessageSent {
            to,
            channel,
            address,
            subject,
            body: c(body),
            key,
        },
        Event::MessageUndelivered {
            to,
            channel,
            address,
            key,
            reason,
        } => Event::MessageUndelivered {
            to,
            channel,
            address,
            key,
            reason: c(reason),
        },
        other => other,
    }
}
