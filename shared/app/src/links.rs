//! Signed links for people with no login: the tenant's status page, the owner's approval page
//! and the vendor's job page, and the property team's emailed sign-in link. A token names its
//! purpose, work order (or address) and expiry, and carries an HMAC-SHA256 of them; nothing is
//! stored, so checking one costs no I/O.

use crate::files::FileName;
use crate::ports::Clock;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use mendwork_domain::effects::Links;
use mendwork_domain::{Email, Language, VendorId, WorkOrder, WorkOrderId};
use sha2::Sha256;
use std::sync::Arc;

/// What a link lets its holder do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// See the status of a work order (and act as its tenant).
    Tenant { work_order: WorkOrderId },
    /// Decide the approval of round `round` of a work order.
    Owner { work_order: WorkOrderId, round: u32 },
    /// Act as this vendor on this work order.
    Vendor {
        work_order: WorkOrderId,
        vendor: VendorId,
    },
    /// Sign in to the dashboard as this team member; `nonce` makes the link single-use (the
    /// web layer records it when the link is used).
    Login { email: Email, nonce: String },
    /// Read a stored file (a photo, an invoice).
    File { name: FileName },
    /// Open the tenant form pre-filled from a text (`mendwork_domain::texting`): `draft` names
    /// the stored pre-fill (lowercase hex, see [`draft_id`]), so the link carries no words.
    Texted { draft: String },
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this link is not valid")]
    Forged,
    #[error("this link has expired")]
    Expired,
}

/// The link secret is too short to sign with.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the link secret must be at least 32 bytes")]
pub struct LinkKeyError;

/// Makes and checks signed links. Invariant: only tokens made with the same secret verify.
#[derive(Clone)]
pub struct LinkSigner {
    keyed: Hmac<Sha256>,
    base_url: String,
    clock: Arc<dyn Clock>,
}

const SIG_BYTES: usize = 16;
const TENANT_DAYS: i64 = 180;
const OWNER_DAYS: i64 = 14;
const VENDOR_DAYS: i64 = 90;
/// Pages sign file links afresh each time they are shown; this is how long the ones in
/// messages work.
const FILE_DAYS: i64 = 90;

/// The id of the pre-fill a text made: a digest of its idempotency key, so a redelivered text
/// names the same draft, and short enough for an SMS link.
pub fn draft_id(inbound_key: &str) -> String {
    use sha2::Digest as _;
    Sha256::digest(inbound_key.as_bytes())
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where a draft's pre-fill is stored (an idempotency record, kept 30 days; the link that
/// names it works [`mendwork_domain::texting::LINK_DAYS`]).
pub fn draft_key(draft: &str) -> String {
    format!("texted:{draft}")
}

fn is_draft_id(s: &str) -> bool {
    s.len() == 20 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl LinkSigner {
    /// `base_url` without a trailing slash, e.g. `http://127.0.0.1:8080`. The secret must be
    /// at least 32 bytes.
    pub fn new(
        secret: &[u8],
        base_url: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<LinkSigner, LinkKeyError> {
        if secret.len() < 32 {
            return Err(LinkKeyError);
        }
        let keyed = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| LinkKeyError)?;
        Ok(LinkSigner {
            keyed,
            base_url: base_url.trim_end_matches('/').to_string(),
            clock,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The same signer on another clock (a frozen one in tests): links are made and checked
    /// on the time the workflow runs on.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> LinkSigner {
        LinkSigner {
            clock,
            ..self.clone()
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        self.keyed.clone()
    }

    /// A token for `claim`, valid until `expires`.
    pub fn sign(&self, claim: &Claim, expires: DateTime<Utc>) -> String {
        let payload = match claim {
            Claim::Tenant { work_order } => format!("t|{work_order}|{}", expires.timestamp()),
            Claim::Owner { work_order, round } => {
                format!("o|{work_order}|{round}|{}", expires.timestamp())
            }
            Claim::Vendor { work_order, vendor } => {
                format!("v|{work_order}|{vendor}|{}", expires.timestamp())
            }
            // The address may hold any character, `|` included: it travels encoded.
            Claim::Login { email, nonce } => format!(
                "l|{}|{nonce}|{}",
                B64.encode(email.as_str()),
                expires.timestamp()
            ),
            Claim::File { name } => format!("f|{name}|{}", expires.timestamp()),
            Claim::Texted { draft } => format!("n|{draft}|{}", expires.timestamp()),
        };
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        let sig = mac.finalize().into_bytes();
        // 128 bits of the tag: unforgeable in practice, and short enough for an SMS link.
        format!(
            "{}.{}",
            B64.encode(payload.as_bytes()),
            B64.encode(&sig[..SIG_BYTES])
        )
    }

    /// The claim of a genuine, unexpired token.
    pub fn verify(&self, token: &str) -> Result<Claim, LinkError> {
        let (p, s) = token.split_once('.').ok_or(LinkError::Forged)?;
        let payload = B64.decode(p).map_err(|_| LinkError::Forged)?;
        let sig = B64.decode(s).map_err(|_| LinkError::Forged)?;
        let mut mac = self.mac();
        mac.update(&payload);
        if sig.len() != SIG_BYTES {
            return Err(LinkError::Forged);
        }
        mac.verify_truncated_left(&sig)
            .map_err(|_| LinkError::Forged)?;
        let payload = String::from_utf8(payload).map_err(|_| LinkError::Forged)?;
        let parts: Vec<&str> = payload.split('|').collect();
        let exp: i64 = parts
            .last()
            .and_then(|e| e.parse().ok())
            .ok_or(LinkError::Forged)?;
        if self.clock.now().timestamp() > exp {
            return Err(LinkError::Expired);
        }
        let wo = |s: &str| WorkOrderId(s.to_string());
        match parts.as_slice() {
            ["t", id, _] => Ok(Claim::Tenant { work_order: wo(id) }),
            ["o", id, round, _] => Ok(Claim::Owner {
                work_order: wo(id),
                round: round.parse().map_err(|_| LinkError::Forged)?,
            }),
            ["v", id, vendor, _] => Ok(Claim::Vendor {
                work_order: wo(id),
                vendor: VendorId(vendor.to_string()),
            }),
            ["l", email, nonce, _] => {
                let email = B64.decode(email).map_err(|_| LinkError::Forged)?;
                let email = String::from_utf8(email).map_err(|_| LinkError::Forged)?;
                Ok(Claim::Login {
                    email: Email::parse(&email).map_err(|_| LinkError::Forged)?,
                    nonce: nonce.to_string(),
                })
            }
            ["f", name, _] => Ok(Claim::File {
                name: FileName::parse(name).ok_or(LinkError::Forged)?,
            }),
            ["n", draft, _] if is_draft_id(draft) => Ok(Claim::Texted {
                draft: draft.to_string(),
            }),
            _ => Err(LinkError::Forged),
        }
    }

    /// A key for another signing purpose of this deployment (the web layer's session cookies
    /// and form tokens), derived from the link secret as HMAC(secret, "subkey|" + purpose).
    /// Different purposes get independent keys, and nothing signed with one verifies here.
    pub fn subkey(&self, purpose: &str) -> Vec<u8> {
        let mut mac = self.mac();
        mac.update(b"subkey|");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The link to the tenant form pre-filled from draft `draft`, in the tenant's language.
    pub fn texted_form(&self, draft: &str, lang: Language) -> String {
        let url = self.url(
            "n",
            Claim::Texted {
                draft: draft.to_string(),
            },
            mendwork_domain::texting::LINK_DAYS,
        );
        match lang {
            Language::En => url,
            Language::Es => format!("{url}?lang=es"),
        }
    }

    fn url(&self, path: &str, claim: Claim, days: i64) -> String {
        let token = self.sign(&claim, self.clock.now() + Duration::days(days));
        format!("{}/{path}/{token}", self.base_url)
    }
}

impl Links for LinkSigner {
    /// In Spanish for a tenant who chose Spanish (the page reads `?lang=`, which a tenant may
    /// still switch).
    fn tenant_status(&self, wo: &WorkOrder) -> String {
        let url = self.url(
            "s",
            Claim::Tenant {
                work_order: wo.id.clone(),
            },
            TENANT_DAYS,
        );
        match wo.request.language {
            Language::En => url,
            Language::Es => format!("{url}?lang=es"),
        }
    }
    fn owner_approval(&self, wo: &WorkOrder) -> String {
        self.url(
            "approve",
            Claim::Owner {
                work_order: wo.id.clone(),
                round: wo.approval_round,
            },
            OWNER_DAYS,
        )
    }
    fn vendor_job(&self, wo: &WorkOrder, vendor: &VendorId) -> String {
        self.url(
            "v",
            Claim::Vendor {
                work_order: wo.id.clone(),
                vendor: vendor.clone(),
            },
            VENDOR_DAYS,
        )
    }
    /// A stored file's name becomes a signed `/files/…` link; anything else a work order holds
    /// there (the signed links of work orders made before files had names) is already a link.
    fn file(&self, name: &str) -> String {
        match FileName::parse(name) {
            Some(name) => self.url("files", Claim::File { name }, FILE_DAYS),
            None => name.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    struct Fixed;
    impl Clock for Fixed {
        fn now(&self) -> DateTime<Utc> {
            Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
        }
    }

    fn signer() -> LinkSigner {
        LinkSigner::new(&[7u8; 32], "http://x", Arc::new(Fixed)).unwrap()
    }

    #[test]
    fn a_login_claim_round_trips_even_with_a_bar_in_the_address() {
        let s = signer();
        let claim = Claim::Login {
            email: Email::parse("a|b@example.com").unwrap(),
            nonce: "n0nce".into(),
        };
        let token = s.sign(&claim, Fixed.now() + Duration::minutes(15));
        assert_eq!(s.verify(&token), Ok(claim.clone()));
        let old = s.sign(&claim, Fixed.now() - Duration::minutes(1));
        assert_eq!(s.verify(&old), Err(LinkError::Expired));
    }

    #[test]
    fn a_stored_file_gets_a_signed_link_and_an_old_link_stays_as_it_was() {
        let s = signer();
        let link = s.file("abcdefghijklmnop.png");
        let token = link.strip_prefix("http://x/files/").unwrap();
        assert_eq!(
            s.verify(token),
            Ok(Claim::File {
                name: FileName::parse("abcdefghijklmnop.png").unwrap()
            })
        );
        let old = "http://x/photos/eyJwIjoxfQ.AAAA";
        assert_eq!(s.file(old), old);
        // A token naming something that is not a stored file's name is no file link.
        let forged = s.sign(
            &Claim::Tenant {
                work_order: WorkOrderId("wo-1".into()),
            },
            Fixed.now() + Duration::days(1),
        );
        assert!(!matches!(s.verify(&forged), Ok(Claim::File { .. })));
    }

    #[test]
    fn a_texted_form_link_works_a_week_and_refuses_a_tampered_draft() {
        let s = signer();
        let draft = draft_id("sms:abc");
        let link = s.texted_form(&draft, Language::Es);
        let token = link
            .strip_prefix("http://x/n/")
            .and_then(|t| t.strip_suffix("?lang=es"))
            .unwrap();
        assert_eq!(
            s.verify(token),
            Ok(Claim::Texted {
                draft: draft.clone()
            })
        );
        // A week and a day later it has expired.
        let later = s.with_clock(Arc::new(Later));
        assert_eq!(later.verify(token), Err(LinkError::Expired));
        // Another draft id in the same token breaks the signature.
        let (p, sig) = token.split_once('.').unwrap();
        let payload = String::from_utf8(B64.decode(p).unwrap()).unwrap();
        let forged = B64.encode(payload.replace(&draft, &draft_id("sms:other")));
        assert_eq!(s.verify(&format!("{forged}.{sig}")), Err(LinkError::Forged));
    }

    struct Later;
    impl Clock for Later {
        fn now(&self) -> DateTime<Utc> {
            Fixed.now() + Duration::days(8)
        }
    }

    #[test]
    fn subkeys_differ_by_purpose_and_by_secret() {
        let s = signer();
        assert_ne!(s.subkey("a"), s.subkey("b"));
        let other = LinkSigner::new(&[8u8; 32], "http://x", Arc::new(Fixed)).unwrap();
        assert_ne!(s.subkey("a"), other.subkey("a"));
        assert_eq!(s.subkey("a"), s.subkey("a"));
    }
}
