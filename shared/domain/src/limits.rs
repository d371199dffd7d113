//! Stored rate limits for what strangers can make us do: how many tenant-form submissions per
//! IP address, phone, email and property, how many sign-in emails per address, IP and team,
//! and the single use of a form's stamp. Fixed-window counters: each [`Counter`] names one
//! window of one key; the `RateLimits` port counts it where every Lambda container sees it.

use crate::portfolio::{Email, Phone, PropertyId};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// One counter to take a unit from: at most `max` takes of `key` for `kind` within
/// `[window_start, window_end)`.
///
/// Invariant: `key` never leaves this type in the clear — stores see [`Counter::storage_key`],
/// a hash — so no phone, address or IP address sits in the limits table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub kind: &'static str,
    key: String,
    pub max: u32,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
}

impl Counter {
    /// The fixed window of length `window` that holds `now` (windows start at the epoch).
    pub fn fixed(
        kind: &'static str,
        key: &str,
        max: u32,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Counter {
        let len = window.num_seconds().max(1);
        let start = now.timestamp().div_euclid(len) * len;
        let window_start = DateTime::from_timestamp(start, 0).unwrap_or(now);
        Counter {
            kind,
            key: key.to_string(),
            max,
            window_start,
            window_end: window_start + Duration::seconds(len),
        }
    }

    /// `<kind>#<hash of key>#<window start, epoch seconds>`: unique per kind, key and window.
    pub fn storage_key(&self) -> String {
        let digest = Sha256::digest(format!("{}\u{0}{}", self.kind, self.key).as_bytes());
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        format!("{}#{hex}#{}", self.kind, self.window_start.timestamp())
    }
}

/// Tenant-form submissions from one IP address in an hour (a building's shared Wi-Fi
/// included).
pub const FORM_PER_IP_HOUR: u32 = 10;
/// Submissions giving one phone number in a day.
pub const FORM_PER_PHONE_DAY: u32 = 5;
/// Submissions giving one email address in a day.
pub const FORM_PER_EMAIL_DAY: u32 = 5;
/// Submissions for one property in an hour: far above a real building's rate, low enough that
/// a flood cannot keep the property's vendors' phones busy with offers.
pub const FORM_PER_PROPERTY_HOUR: u32 = 30;
/// Sign-in emails to one address (as normalised) in an hour.
pub const LOGIN_PER_ADDRESS_HOUR: u32 = 5;
/// Sign-in requests from one IP address in an hour, whatever the address.
pub const LOGIN_PER_IP_HOUR: u32 = 20;
/// Sign-in emails to the whole team in an hour.
pub const LOGIN_PER_TEAM_HOUR: u32 = 30;

/// The counters one tenant-form submission takes: its IP address (when known), each contact
/// it gives, and its property.
pub fn form_counters(
    ip: Option<&str>,
    phone: Option<&Phone>,
    email: Option<&Email>,
    property: &PropertyId,
    now: DateTime<Utc>,
) -> Vec<Counter> {
    let hour = Duration::hours(1);
    let day = Duration::days(1);
    let mut out = vec![];
    if let Some(ip) = ip {
        out.push(Counter::fixed("form-ip", ip, FORM_PER_IP_HOUR, hour, now));
    }
    if let Some(p) = phone {
        out.push(Counter::fixed(
            "form-phone",
            p.as_str(),
            FORM_PER_PHONE_DAY,
            day,
            now,
        ));
    }
    if let Some(e) = email {
        out.push(Counter::fixed(
            "form-email",
            &e.normalised(),
            FORM_PER_EMAIL_DAY,
            day,
            now,
        ));
    }
    out.push(Counter::fixed(
        "form-property",
        property.as_str(),
        FORM_PER_PROPERTY_HOUR,
        hour,
        now,
    ));
    out
}

/// The counter that makes a form's stamp single-use: one take for the stamp's nonce, in a
/// window that starts when the form was handed out and outlasts the stamp's validity, so a
/// stamp cannot be used again in a later window.
pub fn stamp_counter(nonce: &str, issued: DateTime<Utc>, valid_for: Duration) -> Counter {
    Counter {
        kind: "form-stamp",
        key: nonce.to_string(),
        max: 1,
        window_start: issued,
        window_end: issued + valid_for + Duration::hours(1),
    }
}

/// Calls one API key may make in an hour: ten a minute on average, room for an integration
/// that syncs every minute and pages through a few lists, and a ceiling on what a leaked or
/// looping key can cost before someone revokes it.
pub const API_PER_KEY_HOUR: u32 = 600;

/// The counter one call with an API key takes, by the key's id (not its secret).
pub fn api_key_counter(key_id: &str, now: DateTime<Utc>) -> Counter {
    Counter::fixed("api-key", key_id, API_PER_KEY_HOUR, Duration::hours(1), now)
}

/// Sign-in requests for addresses not on the team in an hour: counted only so that a
/// stranger's address costs the same work as the team's (see [`login_counters`]); high enough
/// never to matter to anyone.
pub const LOGIN_PER_STRANGERS_HOUR: u32 = 100_000;

/// The counters one sign-in request takes: the IP address (when known), the normalised
/// address, then the team's hourly allowance — or, for an address not on the team, a counter
/// of strangers' requests, so both take the same work and the answer's timing does not tell
/// who is on the team, while strangers cannot use up the team's allowance.
pub fn login_counters(
    ip: Option<&str>,
    email: &Email,
    on_team: bool,
    now: DateTime<Utc>,
) -> Vec<Counter> {
    let hour = Duration::hours(1);
    let mut out = vec![];
    if let Some(ip) = ip {
        out.push(Counter::fixed("login-ip", ip, LOGIN_PER_IP_HOUR, hour, now));
    }
    out.push(Counter::fixed(
        "login-address",
        &email.normalised(),
        LOGIN_PER_ADDRESS_HOUR,
        hour,
        now,
    ));
    out.push(if on_team {
        Counter::fixed("login-team", "team", LOGIN_PER_TEAM_HOUR, hour, now)
    } else {
        Counter::fixed("login-stranger", "all", LOGIN_PER_STRANGERS_HOUR, hour, now)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_fixed_window_holds_its_instant_and_its_key_hides_the_value() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 15, 42, 7).unwrap();
        let c = Counter::fixed("form-phone", "+17185550123", 5, Duration::hours(1), now);
        assert_eq!(
            c.window_start,
            Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
        );
        assert_eq!(
            c.window_end,
            Utc.with_ymd_and_hms(2026, 3, 2, 16, 0, 0).unwrap()
        );
        let key = c.storage_key();
        assert!(
            key.starts_with("form-phone#") && !key.contains("7185550123"),
            "{key}"
        );
    }

    #[test]
    fn case_variants_of_an_address_share_one_sign_in_counter() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
        let a = login_counters(None, &Email::parse("Team@Example.com").unwrap(), true, now);
        let b = login_counters(None, &Email::parse("team@example.COM").unwrap(), true, now);
        assert_eq!(a, b);
    }
}
