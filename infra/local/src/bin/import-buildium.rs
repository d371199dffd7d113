//! `import-buildium`: reads the team's Buildium (rental properties, units, tenants, vendors)
//! and writes the portfolio file merged with it, printing what changed — `cargo run -p
//! mendwork-local --bin import-buildium -- --config portfolio.yaml --buildium buildium.json`.
//! The same two files the runner takes. All or nothing: a failed read, or a merge that would
//! not load, writes nothing; the file is replaced in one rename, so a reader never sees half.
//! The merge rule is the domain's (`mendwork_domain::import`) and the README's.

use anyhow::{Context as _, bail};
use clap::Parser;
use mendwork_app::pms::buildium::{Buildium, BuildiumConfig};
use mendwork_app::pms_import::import;
use mendwork_domain::config::load_portfolio;
use std::path::{Path, PathBuf};

/// Merges the team's Buildium into the portfolio file and says what changed.
#[derive(Parser, Debug)]
#[command(name = "import-buildium")]
struct Args {
    /// The portfolio YAML (the runner's `--config`).
    #[arg(long)]
    config: PathBuf,
    /// Buildium's address and API key (the runner's `--buildium`):
    /// `{"base_url": "https://api.buildium.com", "client_id": "…", "client_secret": "…"}`.
    #[arg(long)]
    buildium: PathBuf,
    /// Where to write the merged portfolio (default: over `--config`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Only say what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let file = load_portfolio(&args.config)?;
    let text = std::fs::read_to_string(&args.buildium)
        .with_context(|| format!("reading the Buildium settings {}", args.buildium.display()))?;
    let settings: BuildiumConfig = serde_json::from_str(&text)
        .with_context(|| format!("reading the Buildium settings {}", args.buildium.display()))?;
    let pms = Buildium::new(settings).context("starting the Buildium client")?;
    let done = match import(&file, &pms).await {
        Ok(done) => done,
        Err(e) => bail!("{e}\n{} is unchanged.", args.config.display()),
    };
    print!("{}", done.report);
    let out = args.out.as_deref().unwrap_or(&args.config);
    if args.dry_run {
        println!("Dry run: {} not written.", out.display());
    } else if !done.report.changed() && args.out.is_none() {
        println!("Nothing changed: {} left as it is.", out.display());
    } else {
        replace(out, &done.yaml)?;
        println!("Wrote {}.", out.display());
    }
    Ok(())
}

/// Writes `text` to `path` through a file beside it and one rename.
fn replace(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".importing");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("replacing {} with {}", path.display(), tmp.display()))?;
    Ok(())
}
