//! Files people attach — a tenant's photos, a vendor's completion photos and invoice: which
//! kinds are accepted (known by their first bytes, never by the name or type a browser claims),
//! the names they are stored under, and the [`Files`] port that keeps them (a folder beside the
//! store locally, an S3 bucket in AWS). Work orders keep only the names; links to a file are
//! signed when a page or a message shows it (see [`crate::LinkSigner`]).

use crate::ports::StoreError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rand::Rng;
use rand::distr::Alphanumeric;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Most files one form may carry.
pub const MAX_FILES: usize = 5;
/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// A kind of file we accept, known by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Jpeg,
    Png,
    Gif,
    Webp,
    Heic,
    Pdf,
}

impl FileKind {
    /// Every kind, images first.
    pub const ALL: [FileKind; 6] = [
        FileKind::Jpeg,
        FileKind::Png,
        FileKind::Gif,
        FileKind::Webp,
        FileKind::Heic,
        FileKind::Pdf,
    ];
    /// The kinds a photo may be.
    pub const IMAGES: [FileKind; 5] = [
        FileKind::Jpeg,
        FileKind::Png,
        FileKind::Gif,
        FileKind::Webp,
        FileKind::Heic,
    ];
    /// How many leading bytes [`FileKind::sniff`] needs at most.
    pub const SNIFF_BYTES: usize = 16;

    /// The kind these leading bytes announce, if it is one we accept.
    pub fn sniff(b: &[u8]) -> Option<FileKind> {
        if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if b.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
            Some(FileKind::Gif)
        } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
            Some(FileKind::Webp)
        } else if b.len() >= 12
            && &b[4..8] == b"ftyp"
            && matches!(&b[8..12], b"heic" | b"heix" | b"mif1" | b"msf1" | b"hevc")
        {
            Some(FileKind::Heic)
        } else if b.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Gif => "gif",
            FileKind::Webp => "webp",
            FileKind::Heic => "heic",
            FileKind::Pdf => "pdf",
        }
    }

    pub fn from_ext(e: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.ext() == e)
    }

    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Gif => "image/gif",
            FileKind::Webp => "image/webp",
            FileKind::Heic => "image/heic",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn is_image(self) -> bool {
        self != FileKind::Pdf
    }
}

/// A stored file's name: 16 to 64 ASCII letters and digits, a dot, and the extension of an
/// accepted [`FileKind`]. Adapters read and write only names of this shape, so no path, key
/// or other file can be reached through one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileName {
    name: String,
    kind: FileKind,
}

impl FileName {
    /// A fresh random name for a file of `kind`.
    pub fn random(kind: FileKind) -> FileName {
        let stem: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(24)
            .map(char::from)
            .collect();
        FileName::of(stem, kind)
    }

    fn of(stem: String, kind: FileKind) -> FileName {
        FileName {
            name: format!("{stem}.{}", kind.ext()),
            kind,
        }
    }

    /// The name a file of `kind` gets from `seed`, always the same for the same seed (so taking
    /// one upload twice stores it once).
    pub fn derived(kind: FileKind, seed: &str) -> FileName {
        let digest = Sha256::digest(seed.as_bytes());
        let stem: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        FileName::of(stem, kind)
    }

    /// A name of the stored shape, or `None`.
    pub fn parse(s: &str) -> Option<FileName> {
        let (stem, ext) = s.split_once('.')?;
        if !token_shaped(stem) {
            return None;
        }
        FileKind::from_ext(ext).map(|kind| FileName::of(stem.to_string(), kind))
    }

    pub fn kind(&self) -> FileKind {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Display for FileName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// Letters and digits only, 16 to 64 of them: the shape of an upload scope and of an upload id
/// (both become part of a storage key).
fn token_shaped(s: &str) -> bool {
    (16..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Where one page's direct uploads go: made at random when the page is rendered and carried
/// (signed) by its form, so a form can only claim files uploaded for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadScope(String);

impl UploadScope {
    pub fn random() -> UploadScope {
        UploadScope(
            rand::rng()
                .sample_iter(&Alphanumeric)
                .take(24)
                .map(char::from)
                .collect(),
        )
    }
    pub fn parse(s: &str) -> Option<UploadScope> {
        token_shaped(s).then(|| UploadScope(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The id the browser gave one directly uploaded file (the last part of its key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadId(String);

impl UploadId {
    pub fn parse(s: &str) -> Option<UploadId> {
        let s = s.trim();
        token_shaped(s).then(|| UploadId(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a browser gets a stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The bytes, served by us.
    Bytes { kind: FileKind, bytes: Vec<u8> },
    /// A short-lived address of the file in storage (an S3 presigned GET), to redirect to.
    Redirect(String),
}

/// The content type every direct upload is stored under until it is adopted: inert, so an
/// upload can never be served as a page or a script, whatever the browser claims. Adopting a
/// file gives it the type of what its bytes really are.
pub const UPLOAD_CONTENT_TYPE: &str = "application/octet-stream";

/// What a browser needs to upload one file straight to storage (an S3 presigned POST): post
/// `multipart/form-data` to `url` with a `key` of `key_prefix` followed by `id`, a
/// `Content-Type` of [`UPLOAD_CONTENT_TYPE`], then `fields` in any order, then the file last as
/// `file`. Invariant: the form uploads that one key and nothing else (a second file needs a
/// second form, and the forms of one grant are counted), no larger than `max_bytes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectUpload {
    pub url: String,
    pub key_prefix: String,
    /// The file's id, chosen here (16 to 64 letters and digits).
    pub id: String,
    pub fields: Vec<(String, String)>,
    pub max_bytes: usize,
    pub expires: DateTime<Utc>,
}

/// Why a directly uploaded file was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the file was not uploaded, or not for this form")]
    Missing,
    #[error("the file is larger than 8 MB")]
    TooBig,
    #[error("the file is not of a kind accepted here")]
    NotAccepted,
}

/// Where a document the service writes itself is kept in the files store (never a person's
/// upload, never shown to a browser): `archive/timelines/<work order>.json.gz`, an archived
/// timeline (see [`crate::archive`]). Invariant: only keys of that shape exist, the work
/// order's id being 1 to 64 lowercase letters, digits and dashes, so no other file or path
/// can be reached through one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentKey(String);

/// The prefix of every archived timeline in the files store.
pub const ARCHIVED_TIMELINES: &str = "archive/timelines/";

impl DocumentKey {
    /// The key of `id`'s archived timeline; `None` for an id not of the documented shape.
    pub fn archived_timeline(id: &mendwork_domain::WorkOrderId) -> Option<DocumentKey> {
        let id = id.as_str();
        let shaped = (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        shaped.then(|| DocumentKey(format!("{ARCHIVED_TIMELINES}{id}.json.gz")))
    }

    /// The key, `/`-separated (an S3 key; a relative path under the local files folder).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DocumentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Keeps the files people attach, and the documents the service writes itself
/// ([`DocumentKey`]). Invariant: a name once stored always opens the same bytes.
#[async_trait]
pub trait Files: Send + Sync {
    /// Stores a document under `key`, replacing any there (writing the same bytes again is
    /// harmless). Not readable by browsers.
    async fn put_document(&self, key: &DocumentKey, bytes: Vec<u8>) -> Result<(), StoreError>;

    /// The bytes of the document under `key`, or `None` when there is none.
    async fn read_document(&self, key: &DocumentKey) -> Result<Option<Vec<u8>>, StoreError>;

    /// Stores `bytes`, already known to be of `name.kind()`, under `name`.
    async fn put(&self, name: &FileName, bytes: Vec<u8>) -> Result<(), StoreError>;

    /// The file for a browser, or `None` when nothing is stored under `name`.
    async fn open(&self, name: &FileName) -> Result<Option<Opened>, StoreError>;

    /// True when browsers upload straight to storage ([`Files::direct_upload`]) rather than
    /// through our own form posts.
    fn uploads_direct(&self) -> bool {
        false
    }

    /// When browsers upload straight to storage (S3), the form to do it with for `scope`,
    /// valid for a few minutes; `None` when files come through our own form posts.
    async fn direct_upload(
        &self,
        _scope: &UploadScope,
    ) -> Result<Option<DirectUpload>, StoreError> {
        Ok(None)
    }

    /// Takes the file a browser uploaded directly for `scope` as `id`, if it is there, no
    /// larger than [`MAX_FILE_BYTES`] and of one of the `accept`ed kinds: stores it under a
    /// name derived from scope and id (taking it again gives the same name) with the content
    /// type of the kind it really is.
    async fn adopt(
        &self,
        _scope: &UploadScope,
        _id: &UploadId,
        _accept: &[FileKind],
    ) -> Result<Result<FileName, Refusal>, StoreError> {
        Ok(Err(Refusal::Missing))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(FileKind::Png)
        );
        assert_eq!(FileKind::sniff(b"GIF89a...."), Some(FileKind::Gif));
        assert_eq!(
            FileKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(FileKind::Webp)
        );
        assert_eq!(
            FileKind::sniff(b"\0\0\0\x18ftypheic...."),
            Some(FileKind::Heic)
        );
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(FileKind::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(FileKind::sniff(b"<html><script>"), None);
        assert_eq!(FileKind::sniff(b""), None);
    }

    #[test]
    fn only_names_of_the_stored_shape_parse() {
        assert_eq!(
            FileName::parse("abcdefgh12345678.png").map(|n| n.kind()),
            Some(FileKind::Png)
        );
        for bad in [
            "../../etc/passwd.png",
            "abc/defgh12345678.png",
            "abcdefgh12345678.exe",
            "abcdefgh12345678.png.exe",
            "short.png",
            ".png",
            "abcdefgh12345678",
            "abcdefgh-2345678.png",
        ] {
            assert_eq!(FileName::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_derived_name_depends_only_on_its_seed_and_kind() {
        let a = FileName::derived(FileKind::Jpeg, "scope/id");
        assert_eq!(a, FileName::derived(FileKind::Jpeg, "scope/id"));
        assert_ne!(a, FileName::derived(FileKind::Jpeg, "scope/other"));
        assert_eq!(FileName::parse(a.as_str()), Some(a.clone()));
        assert_eq!(a.kind(), FileKind::Jpeg);
        let r = FileName::random(FileKind::Pdf);
        assert_eq!(FileName::parse(r.as_str()), Some(r));
    }

    #[test]
    fn only_work_order_ids_of_the_stored_shape_name_a_document() {
        let id = |s: &str| mendwork_domain::WorkOrderId(s.to_string());
        assert_eq!(
            DocumentKey::archived_timeline(&id("wo-abc123")).map(|k| k.to_string()),
            Some("archive/timelines/wo-abc123.json.gz".to_string())
        );
        for bad in [
            "",
            "../x",
            "wo/abc",
            "WO-ABC",
            "wo-abc.json",
            &"a".repeat(65),
        ] {
            assert_eq!(DocumentKey::archived_timeline(&id(bad)), None, "{bad}");
        }
    }

    #[test]
    fn scopes_and_ids_are_letters_and_digits() {
        assert!(UploadScope::parse(UploadScope::random().as_str()).is_some());
        assert!(UploadId::parse("abcDEF0123456789").is_some());
        assert!(UploadId::parse("abc/DEF0123456789").is_none());
        assert!(UploadId::parse("tooshort").is_none());
        assert!(UploadScope::parse(&"a".repeat(65)).is_none());
    }
}
