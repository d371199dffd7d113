//! [`S3Files`]: the files port on an S3 bucket. Browsers upload straight to the bucket with a
//! presigned POST (Lambda could not take an 8 MB photo in a request), under
//! `uploads/<scope>/<id>` where the scope is the form's own; when the form is submitted the
//! function *adopts* each upload: it checks the size and the first bytes, then copies it to
//! `files/<name>` with the content type of what it really is. `uploads/` is emptied by the
//! bucket's lifecycle rule after a day, so abandoned uploads cost nothing for long. A file is
//! shown through a short-lived presigned GET, reached by a redirect from our own signed link.
//!
//! The Rust SDK presigns PUT and GET requests but not POST policies: [`presign_post`] writes the
//! policy document and signs it with SigV4 (`aws-sigv4`'s signing key and signature), exactly as
//! AWS's documented example does (tested against it).

use crate::error::{self, AwsError};
use async_trait::async_trait;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::MetadataDirective;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, Duration, Utc};
use mendwork_app::files::{
    DirectUpload, DocumentKey, FileKind, FileName, Files, MAX_FILE_BYTES, Opened, Refusal,
    UPLOAD_CONTENT_TYPE, UploadId, UploadScope,
};
use mendwork_app::ports::StoreError;
use mendwork_app::ports::{Clock as _, SystemClock};
use serde_json::json;

/// Where browsers upload (emptied by the bucket's lifecycle rule).
pub const UPLOADS_PREFIX: &str = "uploads/";
/// Where adopted files are kept.
pub const FILES_PREFIX: &str = "files/";
/// How long a presigned POST may be used: it is fetched when the person presses send.
const POST_MINUTES: i64 = 15;
/// How long a presigned GET works: it is made at each click on one of our links.
const GET_SECONDS: u64 = 600;

/// The files port on one bucket.
#[derive(Debug, Clone)]
pub struct S3Files {
    client: aws_sdk_s3::Client,
    bucket: String,
    region: String,
    credentials: SharedCredentialsProvider,
    post_url: String,
}

impl S3Files {
    /// Files in `bucket`, with the SDK configuration's region and credentials. With an endpoint
    /// override (moto, another S3-compatible store) requests use path-style addresses and
    /// browsers post to `<endpoint>/<bucket>`; otherwise to the bucket's regional virtual host.
    pub fn new(sdk: &aws_config::SdkConfig, bucket: &str) -> Result<S3Files, AwsError> {
        let region = sdk
            .region()
            .map(|r| r.to_string())
            .ok_or_else(|| AwsError::Invalid("no AWS region is configured".into()))?;
        let credentials = sdk
            .credentials_provider()
            .ok_or_else(|| AwsError::Invalid("no AWS credentials are configured".into()))?;
        let endpoint = sdk
            .endpoint_url()
            .map(|e| e.trim_end_matches('/').to_string());
        let conf = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(endpoint.is_some())
            .build();
        let post_url = match endpoint {
            Some(e) => format!("{e}/{bucket}"),
            None => format!("https://{bucket}.s3.{region}.amazonaws.com"),
        };
        Ok(S3Files {
            client: aws_sdk_s3::Client::from_conf(conf),
            bucket: bucket.to_string(),
            region,
            credentials,
            post_url,
        })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    fn file_key(name: &FileName) -> String {
        format!("{FILES_PREFIX}{name}")
    }

    fn upload_key(scope: &UploadScope, id: &UploadId) -> String {
        format!("{UPLOADS_PREFIX}{}/{}", scope.as_str(), id.as_str())
    }

    /// The size of an object, or `None` when there is none.
    async fn size(&self, key: &str) -> Result<Option<i64>, AwsError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => Ok(Some(head.content_length().unwrap_or(0))),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(error::sdk(
                format!("reading the size of s3://{}/{key}", self.bucket),
                e,
            )),
        }
    }

    /// The first bytes of an object (enough to tell its kind).
    async fn head_bytes(&self, key: &str) -> Result<Vec<u8>, AwsError> {
        let context = || format!("reading the start of s3://{}/{key}", self.bucket);
        let got = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range(format!("bytes=0-{}", FileKind::SNIFF_BYTES - 1))
            .send()
            .await
            .map_err(|e| error::sdk(context(), e))?;
        let bytes = got
            .body
            .collect()
            .await
            .map_err(|e| AwsError::Invalid(format!("{}: {e}", context())))?;
        Ok(bytes.into_bytes().to_vec())
    }
}

/// A presigned POST for the one key `key_prefix` + `id`, stored as [`UPLOAD_CONTENT_TYPE`], at
/// most `max_bytes`, valid until `now` + 15 minutes, signed with these credentials. Pure: the
/// same inputs give the same form.
#[allow(clippy::too_many_arguments)]
pub fn presign_post(
    post_url: &str,
    bucket: &str,
    key_prefix: &str,
    id: &str,
    max_bytes: usize,
    region: &str,
    access_key: &str,
    secret_key: &str,
    session_token: Option<&str>,
    now: DateTime<Utc>,
) -> DirectUpload {
    let expires = now + Duration::minutes(POST_MINUTES);
    let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
    let credential = format!(
        "{access_key}/{}/{region}/s3/aws4_request",
        now.format("%Y%m%d")
    );
    let mut fields = vec![
        (
            "x-amz-algorithm".to_string(),
            "AWS4-HMAC-SHA256".to_string(),
        ),
        ("x-amz-credential".to_string(), credential),
        ("x-amz-date".to_string(), amz_date),
    ];
    if let Some(token) = session_token {
        fields.push(("x-amz-security-token".to_string(), token.to_string()));
    }
    let mut conditions = vec![
        json!({ "bucket": bucket }),
        json!(["eq", "$key", format!("{key_prefix}{id}")]),
        json!(["eq", "$Content-Type", UPLOAD_CONTENT_TYPE]),
        json!(["content-length-range", 1, max_bytes]),
    ];
    conditions.extend(fields.iter().map(|(k, v)| json!({ k: v })));
    let policy = json!({
        "expiration": expires.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "conditions": conditions,
    });
    let policy = B64.encode(policy.to_string());
    let signature = post_signature(secret_key, now, region, &policy);
    fields.push(("policy".to_string(), policy));
    fields.push(("x-amz-signature".to_string(), signature));
    DirectUpload {
        url: post_url.to_string(),
        key_prefix: key_prefix.to_string(),
        id: id.to_string(),
        fields,
        max_bytes,
        expires,
    }
}

/// The SigV4 signature of a base64 POST policy: HMAC-SHA256 of the policy with the signing key
/// of the day `at`, `region` and `s3`, in lowercase hex.
pub fn post_signature(
    secret_key: &str,
    at: DateTime<Utc>,
    region: &str,
    policy_b64: &str,
) -> String {
    let key = aws_sigv4::sign::v4::generate_signing_key(secret_key, at.into(), region, "s3");
    aws_sigv4::sign::v4::calculate_signature(key, policy_b64.as_bytes())
}

/// The content type archived documents are stored under (gzip; never served to browsers).
const DOCUMENT_CONTENT_TYPE: &str = "application/gzip";

#[async_trait]
impl Files for S3Files {
    async fn put_document(&self, key: &DocumentKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(DOCUMENT_CONTENT_TYPE)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| error::sdk(format!("storing s3://{}/{key}", self.bucket), e))?;
        Ok(())
    }

    async fn read_document(&self, key: &DocumentKey) -> Result<Option<Vec<u8>>, StoreError> {
        let context = || format!("reading s3://{}/{key}", self.bucket);
        let got = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
        {
            Ok(got) => got,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(error::sdk(context(), e).into()),
        };
        let bytes = got
            .body
            .collect()
            .await
            .map_err(|e| AwsError::Invalid(format!("{}: {e}", context())))?;
        Ok(Some(bytes.into_bytes().to_vec()))
    }

    async fn put(&self, name: &FileName, bytes: Vec<u8>) -> Result<(), StoreError> {
        let key = S3Files::file_key(name);
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type(name.kind().mime())
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| error::sdk(format!("storing s3://{}/{key}", self.bucket), e))?;
        Ok(())
    }

    async fn open(&self, name: &FileName) -> Result<Option<Opened>, StoreError> {
        let key = S3Files::file_key(name);
        if self.size(&key).await?.is_none() {
            return Ok(None);
        }
        let kind = name.kind();
        // Images show in the page; anything else is downloaded, never rendered by the browser.
        let disposition = if kind.is_image() {
            "inline".to_string()
        } else {
            format!("attachment; filename=\"{name}\"")
        };
        let config = PresigningConfig::expires_in(std::time::Duration::from_secs(GET_SECONDS))
            .map_err(|e| error::build("presigning a file link", e))?;
        let presigned = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .response_content_type(kind.mime())
            .response_content_disposition(disposition)
            .response_cache_control("private, max-age=600")
            .presigned(config)
            .await
            .map_err(|e| error::sdk(format!("presigning s3://{}/{key}", self.bucket), e))?;
        Ok(Some(Opened::Redirect(presigned.uri().to_string())))
    }

    fn uploads_direct(&self) -> bool {
        true
    }

    async fn direct_upload(&self, scope: &UploadScope) -> Result<Option<DirectUpload>, StoreError> {
        let creds = self.credentials.provide_credentials().await.map_err(|e| {
            AwsError::Invalid(format!("reading the function's AWS credentials: {e}"))
        })?;
        Ok(Some(presign_post(
            &self.post_url,
            &self.bucket,
            &format!("{UPLOADS_PREFIX}{}/", scope.as_str()),
            // A fresh id per form: the form uploads one file, under a name the browser did not
            // choose.
            UploadScope::random().as_str(),
            MAX_FILE_BYTES,
            &self.region,
            creds.access_key_id(),
            creds.secret_access_key(),
            creds.session_token(),
            SystemClock.now(),
        )))
    }

    async fn adopt(
        &self,
        scope: &UploadScope,
        id: &UploadId,
        accept: &[FileKind],
    ) -> Result<Result<FileName, Refusal>, StoreError> {
        let key = S3Files::upload_key(scope, id);
        // The policy limits the size in S3 itself; checked again here, where it matters.
        let size = match self.size(&key).await? {
            None => return Ok(Err(Refusal::Missing)),
            Some(n) => n,
        };
        if size > MAX_FILE_BYTES as i64 {
            return Ok(Err(Refusal::TooBig));
        }
        let kind = match FileKind::sniff(&self.head_bytes(&key).await?) {
            Some(k) if size > 0 && accept.contains(&k) => k,
            _ => return Ok(Err(Refusal::NotAccepted)),
        };
        let name = FileName::derived(kind, &format!("{}/{}", scope.as_str(), id.as_str()));
        let target = S3Files::file_key(&name);
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .key(&target)
            .copy_source(format!("{}/{key}", self.bucket))
            .metadata_directive(MetadataDirective::Replace)
            .content_type(kind.mime())
            .send()
            .await
            .map_err(|e| {
                error::sdk(format!("copying s3://{}/{key} to {target}", self.bucket), e)
            })?;
        Ok(Ok(name))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// AWS's own worked example of a POST policy signature ("Example: Browser-Based Upload
    /// using HTTP POST (Using AWS Signature Version 4)" in the S3 API reference): its policy,
    /// base64-encoded with CRLF line ends, its example credentials and date, and the signature
    /// the documentation gives.
    #[test]
    fn the_post_signature_matches_the_documented_example() {
        let policy = concat!(
            "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAg",
            "ICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAi",
            "dXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25f",
            "cmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxf",
            "dXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQog",
            "ICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRl",
            "LWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAi",
            "Il0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMt",
            "ZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEy",
            "NTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9",
        );
        let at = DateTime::parse_from_rfc3339("2015-12-29T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            post_signature(
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                at,
                "us-east-1",
                policy
            ),
            "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
        );
    }

    #[test]
    fn the_policy_limits_bucket_key_type_size_and_time_and_names_the_signing_fields() {
        let now = DateTime::parse_from_rfc3339("2026-03-04T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let up = presign_post(
            "https://b.s3.us-east-1.amazonaws.com",
            "b",
            "uploads/abc/",
            "f1e2d3c4b5a6978812345678",
            1000,
            "us-east-1",
            "AKID",
            "secret",
            Some("session"),
            now,
        );
        let field = |k: &str| {
            up.fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("no field {k}"))
        };
        let policy: serde_json::Value =
            serde_json::from_slice(&B64.decode(field("policy")).unwrap()).unwrap();
        assert_eq!(policy["expiration"], "2026-03-04T15:15:00.000Z");
        let conditions = policy["conditions"].as_array().unwrap();
        for c in [
            json!({"bucket": "b"}),
            json!(["eq", "$key", "uploads/abc/f1e2d3c4b5a6978812345678"]),
            json!(["eq", "$Content-Type", "application/octet-stream"]),
            json!(["content-length-range", 1, 1000]),
            json!({"x-amz-algorithm": "AWS4-HMAC-SHA256"}),
            json!({"x-amz-credential": "AKID/20260304/us-east-1/s3/aws4_request"}),
            json!({"x-amz-date": "20260304T150000Z"}),
            json!({"x-amz-security-token": "session"}),
        ] {
            assert!(conditions.contains(&c), "{c} missing from {conditions:?}");
        }
        assert_eq!(
            field("x-amz-credential"),
            "AKID/20260304/us-east-1/s3/aws4_request"
        );
        assert_eq!(
            field("x-amz-signature"),
            post_signature("secret", now, "us-east-1", &field("policy"))
        );
        assert_eq!(up.expires, now + Duration::minutes(15));
        assert_eq!(up.key_prefix, "uploads/abc/");
    }
}
