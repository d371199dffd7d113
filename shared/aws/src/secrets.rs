//! The deployment's secrets in Secrets Manager, read at a function's start: the link-signing
//! key, the webhook endpoints' signing secrets and the PMS credentials. One way to read a
//! secret ([`secret_value`]); each reader says what a value that cannot be used means, and
//! none ever logs or returns a secret's text.

use crate::error::{self, AwsError};
use mendwork_app::deliveries::Secrets;
use mendwork_app::pms::buildium::BuildiumConfig;
use serde::Deserialize;

/// Buildium's production API, when the secret names no other (e.g. its sandbox).
pub const BUILDIUM_API: &str = "https://api.buildium.com";

/// A secret's value: its string (as UTF-8 bytes) or its binary; `None` when it has neither.
pub(crate) async fn secret_value(
    client: &aws_sdk_secretsmanager::Client,
    arn: &str,
    what: &str,
) -> Result<Option<Vec<u8>>, AwsError> {
    let got = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| error::sdk(format!("reading {what} {arn}"), e))?;
    if let Some(s) = got.secret_string() {
        return Ok(Some(s.as_bytes().to_vec()));
    }
    Ok(got.secret_binary().map(|b| b.as_ref().to_vec()))
}

/// The link key: the secret's string (its UTF-8 bytes) or binary value.
pub(crate) async fn link_secret(
    client: &aws_sdk_secretsmanager::Client,
    arn: &str,
) -> Result<Vec<u8>, AwsError> {
    secret_value(client, arn, "the link secret")
        .await?
        .ok_or_else(|| AwsError::Invalid(format!("the secret {arn} has no value")))
}

/// The webhook endpoints' signing secrets. A value that cannot be read as secrets is logged
/// (never quoted) and taken as none, so a mistake in it stops webhooks, not the function.
pub(crate) async fn webhook_secrets(
    client: &aws_sdk_secretsmanager::Client,
    arn: &str,
) -> Result<Secrets, AwsError> {
    let value = secret_value(client, arn, "the webhook secrets")
        .await?
        .unwrap_or_else(|| b"{}".to_vec());
    match Secrets::parse(&String::from_utf8_lossy(&value)) {
        Ok(s) => Ok(s),
        Err(e) => {
            tracing::error!(secret = %arn, error = %e, "the webhook secrets cannot be read: nothing is signed or sent");
            Ok(Secrets::default())
        }
    }
}

/// The Buildium secret's JSON: the API key's id and secret, and the API's address when it is
/// not production's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BuildiumSecret {
    base_url: Option<String>,
    client_id: String,
    client_secret: String,
}

/// Buildium's address and credentials from the secret `arn`:
/// `{"client_id": "…", "client_secret": "…", "base_url"?: "https://…"}`.
///
/// An error says what is wrong with the value (not JSON, a field missing, empty or unknown by
/// name, an address that is not `https://`) and never quotes it: the caller logs it.
pub async fn buildium_config(
    client: &aws_sdk_secretsmanager::Client,
    arn: &str,
) -> Result<BuildiumConfig, AwsError> {
    let value = secret_value(client, arn, "the Buildium credentials")
        .await?
        .ok_or_else(|| AwsError::Invalid(format!("the Buildium secret {arn} has no value")))?;
    parse_buildium(&value)
        .map_err(|why| AwsError::Invalid(format!("the Buildium secret {arn}: {why}")))
}

/// The secret's value as a configuration, or why not (in words that quote none of it).
pub fn parse_buildium(value: &[u8]) -> Result<BuildiumConfig, String> {
    const SHAPE: &str =
        "expected a JSON object with client_id, client_secret and optionally base_url";
    let parsed: BuildiumSecret = serde_json::from_slice(value).map_err(|e| {
        // serde's message may quote the value (a field's name or content): only where it broke.
        let what = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "not JSON",
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Data => "not the expected fields",
        };
        format!("{what} (line {}, column {}): {SHAPE}", e.line(), e.column())
    })?;
    if parsed.client_id.trim().is_empty() || parsed.client_secret.trim().is_empty() {
        return Err(format!("client_id or client_secret is empty: {SHAPE}"));
    }
    let base_url = parsed
        .base_url
        .map(|u| u.trim().trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| BUILDIUM_API.to_string());
    let loopback = ["http://127.0.0.1:", "http://localhost:"]
        .iter()
        .any(|p| base_url.starts_with(p));
    if !base_url.starts_with("https://") && !loopback {
        return Err("base_url is not an https:// address".into());
    }
    Ok(BuildiumConfig {
        base_url,
        client_id: parsed.client_id.trim().to_string(),
        client_secret: parsed.client_secret.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-Value-9f8e7d";

    #[test]
    fn a_buildium_secret_gives_the_credentials_and_production_unless_it_names_another_api() {
        let c = parse_buildium(
            format!(r#"{{"client_id": "abc", "client_secret": "{SECRET}"}}"#).as_bytes(),
        )
        .unwrap();
        assert_eq!(
            (c.base_url.as_str(), c.client_id.as_str()),
            (BUILDIUM_API, "abc")
        );
        assert_eq!(c.client_secret, SECRET);
        let c = parse_buildium(
            br#"{"base_url": "https://apisandbox.buildium.com/", "client_id": "a", "client_secret": "b"}"#,
        )
        .unwrap();
        assert_eq!(c.base_url, "https://apisandbox.buildium.com");
    }

    #[test]
    fn a_malformed_buildium_secret_is_explained_without_quoting_it() {
        let cases: [(String, &str); 6] = [
            (format!("client_id={SECRET}"), "not JSON"),
            (
                format!(r#"{{"client_id": "{SECRET}"}}"#),
                "not the expected fields",
            ),
            (
                format!(r#"{{"client_id": "a", "client_secret": "{SECRET}", "{SECRET}x": 1}}"#),
                "not the expected fields",
            ),
            (
                format!(r#"{{"client_id": "", "client_secret": "{SECRET}"}}"#),
                "empty",
            ),
            (
                format!(r#"{{"client_id": {SECRET}1, "client_secret": 2}}"#),
                "not JSON",
            ),
            (
                format!(
                    r#"{{"base_url": "http://api.buildium.com", "client_id": "a", "client_secret": "{SECRET}"}}"#
                ),
                "https://",
            ),
        ];
        for (value, says) in cases {
            let why = parse_buildium(value.as_bytes()).err().unwrap();
            assert!(why.contains(says), "{value}: {why}");
            assert!(!why.contains(SECRET) && !why.contains("s3cr3t"), "{why}");
        }
    }
}
