//! A guard on the house rule that words people read live in the catalogue: no string or char
//! literal in the non-test Rust sources of the domain, the app and the web crates holds a
//! letter only Spanish uses (á é í ó ú ñ ¿ ¡), so no Spanish sentence hides in code and
//! none is matched there. Tables that work on letters rather than say words are allowed below,
//! each with why. (The language engine reads people's words and is not scanned.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// The letters only Spanish uses among the languages spoken here.
const SPANISH_ONLY: &[char] = &[
    'á', 'é', 'í', 'ó', 'ú', 'ñ', '¿', '¡', 'Á', 'É', 'Í', 'Ó', 'Ú', 'Ñ',
];

/// Literals that are not words people read: (file under `shared/`, the literal's start, why).
const ALLOWED: &[(&str, &str, &str)] = &[
    // `for_sms` writes a Spanish SMS without the accents GSM-7 lacks: a table of letters.
    (
        "domain/src/messages.rs",
        "á",
        "an SMS's letters outside GSM-7",
    ),
    (
        "domain/src/messages.rs",
        "í",
        "an SMS's letters outside GSM-7",
    ),
    (
        "domain/src/messages.rs",
        "ó",
        "an SMS's letters outside GSM-7",
    ),
    (
        "domain/src/messages.rs",
        "ú",
        "an SMS's letters outside GSM-7",
    ),
    (
        "domain/src/messages.rs",
        "Á",
        "an SMS's letters outside GSM-7",
    ),
    (
        "domain/src/messages.rs",
        "Í",
        "an SMS's letters outside GSM-7",
    ),
    (
        "domain/src/messages.rs",
        "Ó",
        "an SMS's letters outside GSM-7",
    ),
    (
        "domain/src/messages.rs",
        "Ú",
        "an SMS's letters outside GSM-7",
    ),
    // The GSM-7 alphabet itself (3GPP TS 23.038), which counts an SMS's segments.
    ("domain/src/segments.rs", "@£$¥", "the GSM-7 alphabet"),
    // The safety check folds accents before it looks for its keywords: a table of letters.
    ("web/src/safety.rs", "á", "accents folded before matching"),
    ("web/src/safety.rs", "é", "accents folded before matching"),
    ("web/src/safety.rs", "í", "accents folded before matching"),
    ("web/src/safety.rs", "ó", "accents folded before matching"),
    ("web/src/safety.rs", "ú", "accents folded before matching"),
    ("web/src/safety.rs", "ñ", "accents folded before matching"),
];

/// The string and char literals of Rust source `src`, comments skipped (a lifetime is not a
/// char literal). Enough of Rust's lexing for this guard, not a parser.
fn literals(src: &str) -> Vec<String> {
    let c: Vec<char> = src.chars().collect();
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut out = vec![];
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (i == 0 || !ident(c[i - 1]) || (c[i - 1] == 'b' && (i < 2 || !ident(c[i - 2]))))
            && matches!(next, Some('"') | Some('#'))
        {
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                i += 1;
                continue;
            }
            let start = j + 1;
            let mut k = start;
            while k < c.len() {
                if c[k] == '"' && (1..=hashes).all(|h| c.get(k + h) == Some(&'#')) {
                    break;
                }
                k += 1;
            }
            out.push(c[start..k.min(c.len())].iter().collect());
            i = k + 1 + hashes;
        } else if c[i] == '"' {
            let start = i + 1;
            let mut k = start;
            while k < c.len() && c[k] != '"' {
                k += if c[k] == '\\' { 2 } else { 1 };
            }
            out.push(c[start..k.min(c.len())].iter().collect());
            i = k + 1;
        } else if c[i] == '\'' {
            if next == Some('\\') {
                let mut k = i + 2;
                while k < c.len() && c[k] != '\'' {
                    k += 1;
                }
                out.push(c[i + 1..k.min(c.len())].iter().collect());
                i = k + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                out.push(c[i + 1].to_string());
                i += 3;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The part of a source file that is not its tests: up to its `#[cfg(test)]` module (each
/// file has at most one, at its end); a module file of tests alone has none.
fn non_test(path: &Path, src: &str) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    src.lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .collect::<Vec<_>>()
        .join("\n")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every literal with a Spanish-only letter in the scanned sources under `shared`, not allowed,
/// as `file: "literal"`.
fn spanish_literals(shared: &Path) -> Vec<String> {
    let mut files = vec![];
    for krate in ["domain", "app", "web"] {
        rust_files(&shared.join(krate).join("src"), &mut files);
    }
    files.sort();
    assert!(files.len() > 50, "too few sources found: {}", files.len());
    let mut found = vec![];
    for path in files {
        let rel = path
            .strip_prefix(shared)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let src = std::fs::read_to_string(&path).unwrap();
        for lit in literals(&non_test(&path, &src)) {
            let allowed = ALLOWED
                .iter()
                .any(|(file, start, _)| *file == rel && lit.starts_with(start));
            if lit.contains(SPANISH_ONLY) && !allowed {
                found.push(format!("{rel}: {lit:?}"));
            }
        }
    }
    found
}

fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn no_string_in_the_domain_app_or_web_code_holds_spanish_words() {
    let found = spanish_literals(&shared_dir());
    assert!(
        found.is_empty(),
        "Spanish words in code (put them in the catalogue, shared/domain/catalogue/*.yaml, \
         or allow a table of letters in this test, saying why):\n{}",
        found.join("\n")
    );
}

#[test]
fn every_allowed_literal_is_still_in_its_file() {
    for (file, start, why) in ALLOWED {
        let path = shared_dir().join(file);
        let src = std::fs::read_to_string(&path).unwrap();
        assert!(
            literals(&non_test(&path, &src))
                .iter()
                .any(|l| l.starts_with(start)),
            "{file}: {start:?} ({why}) is gone: drop it from the allowed list"
        );
    }
}

#[test]
fn the_guard_reads_literals_and_skips_comments_lifetimes_and_tests() {
    let src = r##"
        // "comentario: sí"
        /* "también" /* anidado */ "aún" */
        fn f<'a>(x: &'a str) -> char { let _ = r#"raw "dentro" ñ"#; let _ = "a\"b"; 'é' }
        #[cfg(test)]
        mod tests { const X: &str = "prueba: sí"; }
    "##;
    let lits = literals(&non_test(Path::new("x.rs"), src));
    assert_eq!(lits, [r#"raw "dentro" ñ"#, r#"a\"b"#, "é"]);
}
