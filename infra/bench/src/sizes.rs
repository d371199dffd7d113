//! Binary sizes: every function binary the template deploys (its `Binary:` build properties),
//! as built beside this program. In a release build these are the stripped binaries Lambda
//! runs (the release profile strips), each held against [`LIMIT_BYTES`]; a debug build's
//! binaries are listed for information only (debug binaries carry line tables and are not
//! what Lambda runs).

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// The most a stripped release function binary may weigh (issue 11: ≤ 6 MB): the upload,
/// and the relocations and page faults of a cold start, grow with it.
pub const LIMIT_BYTES: u64 = 6 * 1024 * 1024;

/// The function binaries `template.yaml` builds (`Binary: mendwork-…`), in template order.
pub fn deployed_binaries(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in template.lines() {
        if let Some(name) = line.trim().strip_prefix("Binary:") {
            let name = name.trim().trim_matches(['"', '\'']).to_string();
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// One binary's size on disk.
pub struct Size {
    pub name: String,
    pub bytes: u64,
}

/// Whether an ELF file is a position-dependent executable (`ET_EXEC`, as
/// functions/release-link.rs links a release build) rather than a position-independent one
/// (`ET_DYN`, whose relocations the loader applies at every start); `None` when the file is not
/// a little-endian ELF file.
pub fn position_dependent(path: &Path) -> anyhow::Result<Option<bool>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(18);
    std::fs::File::open(path)
        .and_then(|f| f.take(18).read_to_end(&mut bytes))
        .with_context(|| format!("reading {}", path.display()))?;
    let elf = bytes.get(..4) == Some(b"\x7fELF".as_slice()) && bytes.get(5) == Some(&1);
    Ok(match bytes.get(16..18) {
        Some(&[t, 0]) if elf => Some(t == 2),
        _ => None,
    })
}

/// The size of every binary named in `root`'s template, found in `dir`; an error names the
/// ones not built.
pub fn measure(root: &Path, dir: &Path) -> anyhow::Result<Vec<Size>> {
    let template_path = root.join("template.yaml");
    let template = std::fs::read_to_string(&template_path)
        .with_context(|| format!("reading {}", template_path.display()))?;
    let names = deployed_binaries(&template);
    if names.is_empty() {
        bail!("{} names no function binary", template_path.display());
    }
    let mut sizes = Vec::new();
    let mut missing = Vec::new();
    for name in names {
        let path: PathBuf = dir.join(&name);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => sizes.push(Size {
                name,
                bytes: m.len(),
            }),
            _ => missing.push(name),
        }
    }
    if !missing.is_empty() {
        let packages: Vec<String> = missing.iter().map(|n| format!("-p {n}")).collect();
        bail!(
            "not built in {}: {} (cargo build {}, with --release for the sizes Lambda runs)",
            dir.display(),
            missing.join(", "),
            packages.join(" ")
        );
    }
    Ok(sizes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_deployed_binaries_are_the_templates_build_properties_once_each() {
        let template = "Resources:\n  Pm:\n    Metadata:\n      BuildProperties:\n        Binary: mendwork-pm\n  Desk:\n    Metadata:\n      BuildProperties:\n        Binary: \"mendwork-desk\"\n  Again:\n        Binary: mendwork-pm\n";
        assert_eq!(
            deployed_binaries(template),
            vec!["mendwork-pm".to_string(), "mendwork-desk".to_string()]
        );
    }

    #[test]
    fn a_binary_not_built_is_named_with_how_to_build_it() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("template.yaml"),
            "        Binary: mendwork-pm\n        Binary: mendwork-desk\n",
        )
        .unwrap();
        std::fs::write(root.path().join("mendwork-pm"), [0u8; 10]).unwrap();
        let err = measure(root.path(), root.path())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("mendwork-desk") && err.contains("-p mendwork-desk"),
            "{err}"
        );
        assert!(!err.contains("mendwork-pm,"), "{err}");
    }

    #[test]
    fn an_executable_is_position_dependent_by_its_elf_type() {
        let dir = tempfile::tempdir().unwrap();
        let elf = |kind: u8| {
            let mut b = vec![0u8; 64];
            b[..4].copy_from_slice(b"\x7fELF");
            b[5] = 1;
            b[16] = kind;
            b
        };
        let (exec, dyn_, text) = (
            dir.path().join("exec"),
            dir.path().join("dyn"),
            dir.path().join("text"),
        );
        std::fs::write(&exec, elf(2)).unwrap();
        std::fs::write(&dyn_, elf(3)).unwrap();
        std::fs::write(&text, "#!/bin/sh\n").unwrap();
        assert_eq!(position_dependent(&exec).unwrap(), Some(true));
        assert_eq!(position_dependent(&dyn_).unwrap(), Some(false));
        assert_eq!(position_dependent(&text).unwrap(), None);
    }

    /// `ring` beside the SDK's aws-lc was two crypto stacks in every binary (issue 11: about
    /// 0.3 MB of the `pm` function); reqwest's `rustls-tls` feature, anywhere in a build of the
    /// functions, brings it back. Built together with this program, as the README says.
    #[test]
    fn the_deployed_functions_link_no_second_crypto_stack() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let template = std::fs::read_to_string(root.join("template.yaml")).unwrap();
        let mut args = vec![
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "-i",
            "ring",
        ];
        let names = deployed_binaries(&template);
        assert!(names.len() > 5, "{names:?}");
        for name in &names {
            args.extend(["-p", name.as_str()]);
        }
        args.extend(["-p", "mendwork-bench"]);
        let out = std::process::Command::new(env!("CARGO"))
            .args(&args)
            .current_dir(&root)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tree = String::from_utf8_lossy(&out.stdout);
        assert!(!tree.contains("ring v"), "ring is linked:\n{tree}");
    }
}
