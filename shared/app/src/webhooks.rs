//! Standard Webhooks signatures for the events Mendwork sends out: `whsec_` secrets (shown once,
//! redacted everywhere else) and the three headers a receiver verifies — `webhook-id`,
//! `webhook-timestamp`, `webhook-signature` (v1, HMAC-SHA256 over `id.timestamp.body`). During a
//! rotation an endpoint has two secrets and each delivery carries one signature per secret, so a
//! receiver holding either verifies it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use rand::RngCore;
use std::fmt;
use std::str::FromStr;

const PREFIX: &str = "whsec_";
/// Secrets shorter than this are refused (the specification recommends 24 to 64 bytes).
const MIN_BYTES: usize = 24;
const MAX_BYTES: usize = 64;
/// The size of the secrets Mendwork makes.
const NEW_BYTES: usize = 32;

/// An endpoint's signing secret.
///
/// Invariant: 24 to 64 bytes. Its `Debug` never shows it; only [`WebhookSecret::reveal`] does,
/// for the one time the team is shown a new secret.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

/// Why a secret was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("a webhook secret starts with whsec_")]
    Prefix,
    #[error("a webhook secret is base64 after whsec_")]
    Base64,
    #[error("a webhook secret has 24 to 64 bytes")]
    Length,
}

impl WebhookSecret {
    /// A new random secret.
    pub fn generate() -> WebhookSecret {
        let mut bytes = vec![0u8; NEW_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        WebhookSecret(bytes)
    }

    /// The secret as the team copies it into their receiver: `whsec_` and base64.
    pub fn reveal(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.0))
    }
}

impl FromStr for WebhookSecret {
    type Err = SecretError;

    fn from_str(s: &str) -> Result<WebhookSecret, SecretError> {
        let b64 = s.trim().strip_prefix(PREFIX).ok_or(SecretError::Prefix)?;
        let bytes = STANDARD.decode(b64).map_err(|_| SecretError::Base64)?;
        if !(MIN_BYTES..=MAX_BYTES).contains(&bytes.len()) {
            return Err(SecretError::Length);
        }
        Ok(WebhookSecret(bytes))
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(whsec_…)")
    }
}

/// The headers of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// The event's id: the same on every attempt, so the receiver can drop repeats.
    pub id: String,
    /// Seconds since the epoch at this attempt.
    pub timestamp: i64,
    /// `v1,<base64>` per secret, separated by spaces.
    pub signature: String,
}

impl SignedHeaders {
    /// The headers as (name, value) pairs, names as the specification writes them.
    pub fn pairs(&self) -> [(&'static str, String); 3] {
        [
            (standardwebhooks::HEADER_WEBHOOK_ID, self.id.clone()),
            (
                standardwebhooks::HEADER_WEBHOOK_TIMESTAMP,
                self.timestamp.to_string(),
            ),
            (
                standardwebhooks::HEADER_WEBHOOK_SIGNATURE,
                self.signature.clone(),
            ),
        ]
    }
}

/// Why a delivery could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("an endpoint needs at least one secret to sign with")]
    NoSecret,
    #[error("a webhook body must be UTF-8 JSON")]
    Body,
}

/// Signs `body` (the JSON bytes sent, exactly) for the attempt made at `at`, once per secret.
pub fn sign(
    id: &str,
    at: DateTime<Utc>,
    body: &[u8],
    secrets: &[WebhookSecret],
) -> Result<SignedHeaders, SignError> {
    if secrets.is_empty() {
        return Err(SignError::NoSecret);
    }
    let timestamp = at.timestamp();
    let signatures = secrets
        .iter()
        .map(|s| {
            standardwebhooks::Webhook::from_bytes(s.0.clone())
                .and_then(|w| w.sign(id, timestamp, body))
                .map_err(|_| SignError::Body)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SignedHeaders {
        id: id.to_string(),
        timestamp,
        signature: signatures.join(" "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn the_specifications_example_signs_as_published() {
        // The example of the Standard Webhooks specification (and of its test suites).
        let secret: WebhookSecret = SECRET.parse().unwrap_or_else(|e| panic!("{e}"));
        let at = DateTime::from_timestamp(1_614_265_330, 0).unwrap_or_default();
        let h = sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            at,
            br#"{"test": 2432232314}"#,
            &[secret],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            h.signature,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert_eq!(h.timestamp, 1_614_265_330);
    }

    #[test]
    fn during_a_rotation_each_secret_signs() {
        let old: WebhookSecret = SECRET.parse().unwrap_or_else(|e| panic!("{e}"));
        let new = WebhookSecret::generate();
        let at = DateTime::from_timestamp(1_614_265_330, 0).unwrap_or_default();
        let h =
            sign("evt_1", at, b"{}", &[old.clone(), new.clone()]).unwrap_or_else(|e| panic!("{e}"));
        let parts: Vec<_> = h.signature.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.starts_with("v1,")));
        assert_ne!(parts[0], parts[1]);
        let only_old = sign("evt_1", at, b"{}", &[old]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parts[0], only_old.signature);
    }

    #[test]
    fn secrets_that_are_not_whsec_base64_of_a_sane_length_are_refused() {
        assert_eq!(
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse::<WebhookSecret>(),
            Err(SecretError::Prefix)
        );
        assert_eq!(
            "whsec_not base64!".parse::<WebhookSecret>(),
            Err(SecretError::Base64)
        );
        assert_eq!(
            "whsec_c2hvcnQ=".parse::<WebhookSecret>(),
            Err(SecretError::Length)
        );
        let made = WebhookSecret::generate();
        assert_eq!(made.reveal().parse::<WebhookSecret>(), Ok(made.clone()));
        assert!(!format!("{made:?}").contains(&made.reveal()[6..]));
        assert_eq!(
            sign("e", DateTime::<Utc>::UNIX_EPOCH, b"{}", &[]),
            Err(SignError::NoSecret)
        );
    }
}
