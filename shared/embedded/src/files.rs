//! [`DirFiles`]: the files port on a folder (in local mode, beside the store). Files arrive
//! through our own form posts, so there are no direct uploads; a file is written to a temporary
//! name and renamed into place, so a crash never leaves half a photo under a real name.

use async_trait::async_trait;
use mendwork_app::files::{DocumentKey, FileName, Files, Opened};
use mendwork_app::ports::StoreError;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Files kept as `<dir>/<name>`; documents as `<dir>/<key>` (`<dir>/archive/timelines/…`).
#[derive(Debug, Clone)]
pub struct DirFiles {
    dir: PathBuf,
}

impl DirFiles {
    /// Files under `dir`, created on first write if missing.
    pub fn new(dir: impl Into<PathBuf>) -> DirFiles {
        DirFiles { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

async fn blocking<T: Send + 'static>(
    what: String,
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, StoreError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(StoreError::new(what, e)),
        Err(e) => Err(StoreError::new(what, e)),
    }
}

#[async_trait]
impl Files for DirFiles {
    async fn put_document(&self, key: &DocumentKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        // The key's shape is checked where it is made: letters, digits, dashes, dots, slashes.
        let path = self.dir.join(key.as_str());
        let tmp = path.with_extension("part");
        blocking(
            format!("storing the document {}", path.display()),
            move || {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&tmp, bytes)?;
                std::fs::rename(&tmp, &path)
            },
        )
        .await
    }

    async fn read_document(&self, key: &DocumentKey) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.dir.join(key.as_str());
        blocking(
            format!("reading the document {}", path.display()),
            move || match std::fs::read(&path) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
        )
        .await
    }

    async fn put(&self, name: &FileName, bytes: Vec<u8>) -> Result<(), StoreError> {
        let dir = self.dir.clone();
        let path = dir.join(name.as_str());
        let tmp = dir.join(format!(".{name}.part"));
        blocking(format!("storing the file {}", path.display()), move || {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &path)
        })
        .await
    }

    async fn open(&self, name: &FileName) -> Result<Option<Opened>, StoreError> {
        let path = self.dir.join(name.as_str());
        let kind = name.kind();
        blocking(
            format!("reading the file {}", path.display()),
            move || match std::fs::read(&path) {
                Ok(bytes) => Ok(Some(Opened::Bytes { kind, bytes })),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use mendwork_app::files::FileKind;

    #[tokio::test]
    async fn a_file_put_opens_as_its_bytes_and_a_missing_one_as_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = DirFiles::new(dir.path().join("new-folder"));
        let name = FileName::random(FileKind::Jpeg);
        assert_eq!(files.open(&name).await.unwrap(), None);
        files
            .put(&name, b"\xFF\xD8\xFFjpeg".to_vec())
            .await
            .unwrap();
        assert_eq!(
            files.open(&name).await.unwrap(),
            Some(Opened::Bytes {
                kind: FileKind::Jpeg,
                bytes: b"\xFF\xD8\xFFjpeg".to_vec()
            })
        );
        let left: Vec<_> = std::fs::read_dir(files.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            [std::ffi::OsString::from(name.as_str())],
            "no temporary file left"
        );
    }

    #[tokio::test]
    async fn a_document_reads_back_as_its_bytes_under_its_key_and_a_missing_one_as_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = DirFiles::new(dir.path());
        let id = mendwork_domain::WorkOrderId("wo-abc123".into());
        let key = DocumentKey::archived_timeline(&id).unwrap();
        assert_eq!(files.read_document(&key).await.unwrap(), None);
        files.put_document(&key, b"one".to_vec()).await.unwrap();
        files.put_document(&key, b"two".to_vec()).await.unwrap();
        assert_eq!(
            files.read_document(&key).await.unwrap(),
            Some(b"two".to_vec())
        );
        assert!(
            dir.path()
                .join("archive/timelines/wo-abc123.json.gz")
                .is_file()
        );
        let left = std::fs::read_dir(dir.path().join("archive/timelines"))
            .unwrap()
            .count();
        assert_eq!(left, 1, "no temporary file left");
    }
}
