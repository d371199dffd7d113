//! Short signed tokens for the web layer's own purposes (the session cookie, the tenant form's
//! issued-at stamp). Each purpose signs with its own key, derived from the deployment's link
//! secret ([`mendwork_app::LinkSigner::subkey`]), so a token of one purpose never passes for
//! another, nor for a link. Nothing is stored: checking one costs no I/O.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use mendwork_app::App;
use sha2::Sha256;

const TAG_BYTES: usize = 16;

/// Signs and opens tokens of one purpose.
pub struct Signer {
    key: Vec<u8>,
}

impl Signer {
    pub fn new(app: &App, purpose: &str) -> Signer {
        Signer {
            key: app.links.subkey(purpose),
        }
    }

    fn mac(&self) -> Option<Hmac<Sha256>> {
        Hmac::<Sha256>::new_from_slice(&self.key).ok()
    }

    /// `payload` with its tag, as `<base64 payload>.<base64 tag>` (URL- and cookie-safe).
    pub fn sign(&self, payload: &str) -> String {
        let tag = match self.mac() {
            Some(mut mac) => {
                mac.update(payload.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            // HMAC takes keys of any length; this branch is unreachable in practice and
            // yields a token that never opens.
            None => vec![],
        };
        format!(
            "{}.{}",
            B64.encode(payload.as_bytes()),
            B64.encode(&tag[..tag.len().min(TAG_BYTES)])
        )
    }

    /// The payload of a token this signer made, or `None`.
    pub fn open(&self, token: &str) -> Option<String> {
        let (p, t) = token.trim().split_once('.')?;
        let payload = B64.decode(p).ok()?;
        let tag = B64.decode(t).ok()?;
        if tag.len() != TAG_BYTES {
            return None;
        }
        let mut mac = self.mac()?;
        mac.update(&payload);
        mac.verify_truncated_left(&tag).ok()?;
        String::from_utf8(payload).ok()
    }
}

/// Text that may hold any character, made safe to sit between `|` separators.
pub fn encode_part(s: &str) -> String {
    B64.encode(s.as_bytes())
}

pub fn decode_part(s: &str) -> Option<String> {
    String::from_utf8(B64.decode(s).ok()?).ok()
}
