//! Build script of every deployed function (and of the bench's baseline): a release build for
//! Linux links a position-dependent executable (`-no-pie`), so its pointers are written once by
//! the linker instead of being relocated at every cold start.
//!
//! Why a build script: `cargo lambda build --release` (which `sam build` runs) sets `RUSTFLAGS`
//! itself, and `RUSTFLAGS` replaces any `rustflags` of `.cargo/config.toml`; a profile cannot
//! carry rustc flags on stable Cargo. A link argument from a build script reaches every release
//! build, whoever starts it — `sam build`, `cargo lambda build`, or the bench's
//! `cargo build --release` — and never the debug build that the tests and CI use.
//!
//! What it changes: the code stays position-independent (the standard library ships that way);
//! only the link differs. The PIE `pm` binary carried some 64,000 relative relocations (1.5 MB
//! of `.rela.dyn`) that the dynamic loader applied before `main`, dirtying every page of pointers
//! they touched; non-PIE, the linker resolves them and the file loses that table. The cost is
//! that the executable's own code and data load at a fixed address (the heap, the stack and the
//! shared libraries are still randomised): acceptable for a Lambda function, which runs its own
//! binary in its own micro-VM and holds no `unsafe` code of its own (`unsafe_code = "forbid"`).

fn main() {
    // The answer depends on the profile and the target only, each with its own build folder,
    // and Cargo rebuilds and reruns a script whose source changed: no file of the package is
    // an input (without this line every edit of the package would rerun it).
    println!("cargo::rerun-if-changed=Cargo.toml");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if release && linux {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
