//! API keys: how the team's other systems (a PMS, a script) call the JSON API without a
//! browser session. The PM makes one in the dashboard or with the local `apikey` tool, names
//! it, gives it a [`Scope`], and is shown it once; the [`ApiKeys`] port stores only its id,
//! name, scope and a SHA-256 hash of its secret, with when it was made, last used and revoked.
//!
//! A key reads `mwk_<id>_<secret>`: the id (8 base32 characters) finds its record in one read,
//! the secret (32 random bytes, 52 base32 characters) is compared with the stored hash in
//! constant time. The secret is never stored, logged or shown again; a lost key is revoked and
//! replaced. The rules of a call with a key (which scope may do what, how often, when its
//! last use is written down) are here so that every edge applies the same ones.

use crate::ports::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq as _;

/// What every key starts with, so a leaked one is recognisable (secret scanners, logs).
pub const PREFIX: &str = "mwk";
/// A key's last use is written at most this often: a busy integration does not turn every
/// read into a write.
pub const TOUCH_EVERY: Duration = Duration::minutes(1);
/// The longest key name.
pub const MAX_NAME: usize = 40;
/// Characters of a key id and of a secret (RFC 4648 base32, lowercase, no padding).
const ID_BYTES: usize = 5;
const SECRET_BYTES: usize = 32;
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Reads only (`GET`): lists, work orders, the portfolio.
    Read,
    /// Reads and acts as the team would: create work orders, assign, cancel, close…
    ReadWrite,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::ReadWrite => "read-write",
        }
    }

    /// `read` or `read-write` (as the form, the tool and the stored record spell it).
    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim() {
            "read" => Some(Scope::Read),
            "read-write" => Some(Scope::ReadWrite),
            _ => None,
        }
    }

    /// Whether a call that does (`true`) or does not change anything is allowed.
    pub fn allows(self, changes_state: bool) -> bool {
        !changes_state || self == Scope::ReadWrite
    }
}

/// A stored key.
///
/// Invariant: `hash` is the lowercase hex SHA-256 of the secret; the secret itself is in no
/// field. `revoked_at`, once set, never changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    /// Lowercase letters, digits and dashes ([`valid_name`]): what the timeline says.
    pub name: String,
    pub scope: Scope,
    pub hash: String,
    pub created_at: DateTime<Utc>,
    /// Who made it: the signed-in member's address, or `cli`.
    pub created_by: String,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Whether `secret` is this key's, compared in constant time.
    pub fn matches(&self, secret: &str) -> bool {
        hash(secret).as_bytes().ct_eq(self.hash.as_bytes()).into()
    }

    /// Whether its last use should be written down now ([`TOUCH_EVERY`]).
    pub fn needs_touch(&self, now: DateTime<Utc>) -> bool {
        self.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY)
    }
}

/// A key as its holder uses it, shown once. Its `Debug` hides it, so it cannot reach a log
/// by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Plaintext(String);

impl Plaintext {
    /// The key itself, to show to the PM once.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Plaintext(…)")
    }
}

/// The stored keys.
#[async_trait]
pub trait ApiKeys: Send + Sync {
    /// Stores a new key; `false` (nothing changed) if its id is taken.
    async fn create(&self, key: &ApiKey) -> Result<bool, StoreError>;
    /// The key with this id, revoked or not.
    async fn find(&self, id: &str) -> Result<Option<ApiKey>, StoreError>;
    /// Every key, revoked ones too, newest first.
    async fn list(&self) -> Result<Vec<ApiKey>, StoreError>;
    /// Revokes a key at `at`; `false` when there is no such key or it was revoked already
    /// (its revocation time is kept).
    async fn revoke(&self, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Records a use at `at`, unless a later one is recorded already.
    async fn touch(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError>;
}

/// No keys: every lookup finds nothing and nothing can be made. For processes that serve no
/// API (tests of other parts); a key sent to them is refused like an unknown one.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoKeys;

#[async_trait]
impl ApiKeys for NoKeys {
    async fn create(&self, _: &ApiKey) -> Result<bool, StoreError> {
        Err(StoreError::msg("API keys are not kept by this process"))
    }
    async fn find(&self, _: &str) -> Result<Option<ApiKey>, StoreError> {
        Ok(None)
    }
    async fn list(&self) -> Result<Vec<ApiKey>, StoreError> {
        Ok(vec![])
    }
    async fn revoke(&self, _: &str, _: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(false)
    }
    async fn touch(&self, _: &str, _: DateTime<Utc>) -> Result<(), StoreError> {
        Ok(())
    }
}

/// The lowercase hex SHA-256 of a secret, as stored.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

fn random_base32(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    base32(&bytes)
}

fn is_base32(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// A key name: 1 to [`MAX_NAME`] lowercase letters, digits and dashes (`buildium`,
/// `nightly-export`), trimmed — what the timeline and the dashboard show.
pub fn valid_name(name: &str) -> Result<String, NameError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > MAX_NAME {
        return Err(NameError::TooLong);
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(NameError::Characters);
    }
    Ok(name.to_string())
}

/// Why a key name was refused (said to the PM as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Give the key a name, e.g. buildium.")]
    Empty,
    #[error("Use at most 40 characters.")]
    TooLong,
    #[error("Use lowercase letters, digits and dashes only, e.g. buildium or nightly-export.")]
    Characters,
    #[error("A key that is not revoked already has this name: pick another, or revoke it first.")]
    Taken,
}

/// A key's id and secret, if `token` has the shape of a key (`mwk_<id>_<secret>`).
pub fn parse_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(PREFIX)?.strip_prefix('_')?;
    let (id, secret) = rest.split_once('_')?;
    let id_len = ID_BYTES * 8 / 5;
    let secret_len = (SECRET_BYTES * 8).div_ceil(5);
    (is_base32(id, id_len) && is_base32(secret, secret_len)).then_some((id, secret))
}

/// Why a key was not made.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error(transparent)]
    Name(#[from] NameError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Makes and stores a new key named `name` (see [`valid_name`]; no other key that is not
/// revoked may have it, so the timeline names one key), made by `by` at `now`. The plaintext
/// is returned to be shown once; only its hash is stored.
pub async fn create(
    keys: &dyn ApiKeys,
    name: &str,
    scope: Scope,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(ApiKey, Plaintext), CreateError> {
    let name = valid_name(name)?;
    if keys
        .list()
        .await?
        .iter()
        .any(|k| k.name == name && k.revoked_at.is_none())
    {
        return Err(NameError::Taken.into());
    }
    // 40 random bits of id: a clash is rare and the conditional create catches it.
    for _ in 0..4 {
        let id = random_base32(ID_BYTES);
        let secret = random_base32(SECRET_BYTES);
        let key = ApiKey {
            id: id.clone(),
            name: name.clone(),
            scope,
            hash: hash(&secret),
            created_at: now,
            created_by: by.to_string(),
            last_used_at: None,
            revoked_at: None,
        };
        if keys.create(&key).await? {
            return Ok((key, Plaintext(format!("{PREFIX}_{id}_{secret}"))));
        }
    }
    Err(StoreError::msg("no free API key id after four tries").into())
}

/// Why a key was refused. Each is said to the caller as is: none tells more than the
/// caller already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Not `Bearer mwk_<id>_<secret>`.
    #[error(
        "The Authorization header must be \"Bearer \" and an API key (mwk_…): create one in the dashboard at /pm/api-keys."
    )]
    Malformed,
    /// No such key, or not its secret.
    #[error("This API key is not valid: check it was copied whole, or create a new one.")]
    Unknown,
    /// The right secret of a revoked key.
    #[error("This API key was revoked: create a new one in the dashboard at /pm/api-keys.")]
    Revoked,
}

/// The key a caller's token is, if it is a current key and the secret is its own.
pub async fn authenticate(
    keys: &dyn ApiKeys,
    token: &str,
) -> Result<Result<ApiKey, Refused>, StoreError> {
    let Some((id, secret)) = parse_token(token.trim()) else {
        return Ok(Err(Refused::Malformed));
    };
    let Some(key) = keys.find(id).await? else {
        return Ok(Err(Refused::Unknown));
    };
    if !key.matches(secret) {
        return Ok(Err(Refused::Unknown));
    }
    if key.revoked_at.is_some() {
        return Ok(Err(Refused::Revoked));
    }
    Ok(Ok(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_follows_rfc_4648_in_lowercase_without_padding() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "my");
        assert_eq!(base32(b"fo"), "mzxq");
        assert_eq!(base32(b"foobar"), "mzxw6ytboi");
        assert_eq!(random_base32(ID_BYTES).len(), 8);
        assert_eq!(random_base32(SECRET_BYTES).len(), 52);
    }

    #[test]
    fn a_token_is_read_only_in_the_shape_of_a_key() {
        let id = "abcdefgh";
        let secret = "a".repeat(52);
        let token = format!("mwk_{id}_{secret}");
        assert_eq!(parse_token(&token), Some((id, secret.as_str())));
        for bad in [
            format!("mwk_{id}_{}", "a".repeat(51)),
            format!("mwk_{id}x_{secret}"),
            format!("mwk_{id}_{}1", "a".repeat(51)),
            format!("xyz_{id}_{secret}"),
            format!("mwk_{}_{secret}", id.to_uppercase()),
            "mwk_".into(),
            String::new(),
        ] {
            assert_eq!(parse_token(&bad), None, "{bad}");
        }
    }

    #[test]
    fn a_secret_matches_its_own_hash_only_and_the_plaintext_is_never_printed() {
        let key = ApiKey {
            id: "abcdefgh".into(),
            name: "pms".into(),
            scope: Scope::Read,
            hash: hash("right"),
            created_at: DateTime::UNIX_EPOCH,
            created_by: "cli".into(),
            last_used_at: None,
            revoked_at: None,
        };
        assert!(key.matches("right"));
        assert!(!key.matches("wrong"));
        assert!(!key.matches(""));
        assert_eq!(
            format!("{:?}", Plaintext("mwk_secret".into())),
            "Plaintext(…)"
        );
    }

    #[test]
    fn a_read_key_may_only_read() {
        assert!(Scope::Read.allows(false));
        assert!(!Scope::Read.allows(true));
        assert!(Scope::ReadWrite.allows(true));
        assert_eq!(Scope::parse("read-write"), Some(Scope::ReadWrite));
        assert_eq!(Scope::parse("write"), None);
    }

    #[test]
    fn the_last_use_is_written_at_most_once_a_minute() {
        let t = DateTime::UNIX_EPOCH;
        let mut key = ApiKey {
            id: "abcdefgh".into(),
            name: "pms".into(),
            scope: Scope::Read,
            hash: hash("x"),
            created_at: t,
            created_by: "cli".into(),
            last_used_at: None,
            revoked_at: None,
        };
        assert!(key.needs_touch(t));
        key.last_used_at = Some(t);
        assert!(!key.needs_touch(t + Duration::seconds(59)));
        assert!(key.needs_touch(t + Duration::seconds(60)));
    }

    #[test]
    fn a_name_is_lowercase_letters_digits_and_dashes() {
        assert_eq!(valid_name("  buildium "), Ok("buildium".into()));
        assert_eq!(
            valid_name("nightly-export-2"),
            Ok("nightly-export-2".into())
        );
        assert_eq!(valid_name(""), Err(NameError::Empty));
        assert_eq!(valid_name("Buildium"), Err(NameError::Characters));
        assert_eq!(valid_name("a b"), Err(NameError::Characters));
        assert_eq!(valid_name(&"a".repeat(41)), Err(NameError::TooLong));
    }
}
