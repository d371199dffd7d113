//! `apikey`: makes, lists and revokes API keys, as the dashboard's `/pm/api-keys` page does:
//! `cargo run -p mendwork-local --bin apikey -- create --name buildium --scope read-write`,
//! `… list`, `… revoke <id>`. It works on the same store file as the local runner (`--db`,
//! default `mendwork-local.db`), on its virtual time, and may run while the runner does; with
//! `--aws`, on a deployment's table instead (`--table`, or `MENDWORK_TABLE`; the AWS
//! credentials, region and endpoint of the usual environment variables and profile), on the
//! real time. A new key is printed once, alone on standard output (the words around it go to
//! standard error), and never again.

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use mendwork_app::api_keys::{self, ApiKeys, CreateError, Scope};
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_aws::DynamoApiKeys;
use mendwork_embedded::SqliteStore;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "apikey")]
struct Args {
    /// The local store file (the runner's `--db`).
    #[arg(long, default_value = "mendwork-local.db", global = true)]
    db: PathBuf,
    /// Work on a deployment's DynamoDB table instead of a local store.
    #[arg(long, global = true)]
    aws: bool,
    /// The deployment's table (with --aws; default: the MENDWORK_TABLE variable).
    #[arg(long, global = true)]
    table: Option<String>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Makes a key and prints it, once.
    Create {
        /// What the timeline calls it: lowercase letters, digits and dashes (e.g. buildium).
        #[arg(long)]
        name: String,
        /// `read` (GET only) or `read-write` (acts as the team).
        #[arg(long, default_value = "read")]
        scope: String,
    },
    /// Every key, newest first: id, name, scope, made, last used, revoked.
    List,
    /// Revokes a key by its id (the part after `mwk_`, before the next `_`).
    Revoke { id: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.aws {
        let table = match args.table.clone() {
            Some(t) => t,
            None => std::env::var("MENDWORK_TABLE")
                .ok()
                .filter(|t| !t.is_empty())
                .context("--aws needs the table: --table NAME, or MENDWORK_TABLE")?,
        };
        let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let keys = DynamoApiKeys::new(mendwork_aws::DynamoClient::new(&sdk), table);
        return run(&keys, args.command, SystemClock.now()).await;
    }
    if !args.db.exists() && !matches!(args.command, Cmd::Create { .. }) {
        bail!(
            "there is no store {}: start the runner once, or give --db",
            args.db.display()
        );
    }
    let store = SqliteStore::open(&args.db)
        .with_context(|| format!("opening the store {}", args.db.display()))?;
    let now = store.clock().now();
    run(&store, args.command, now).await
}

/// Carries out one command on `store` at `now`.
async fn run(store: &dyn ApiKeys, command: Cmd, now: DateTime<Utc>) -> anyhow::Result<()> {
    match command {
        Cmd::Create { name, scope } => {
            let Some(scope) = Scope::parse(&scope) else {
                bail!("--scope {scope:?}: use read or read-write");
            };
            let (key, plain) = match api_keys::create(store, &name, scope, "cli", now).await {
                Ok(made) => made,
                Err(CreateError::Name(e)) => bail!("--name {name:?}: {e}"),
                Err(CreateError::Store(e)) => return Err(e).context("storing the key"),
            };
            eprintln!(
                "Made the {} key {} (id {}). Copy it now: it is shown only this once.",
                key.scope.as_str(),
                key.name,
                key.id
            );
            println!("{}", plain.reveal());
            eprintln!("Use it as: Authorization: Bearer <the key>");
        }
        Cmd::List => {
            let keys = store.list().await.context("listing the keys")?;
            if keys.is_empty() {
                eprintln!("No key yet.");
            }
            let time = |t: Option<DateTime<Utc>>| {
                t.map_or_else(
                    || "-".to_string(),
                    |t| t.format("%Y-%m-%d %H:%M").to_string(),
                )
            };
            for k in keys {
                println!(
                    "{}  {:<20} {:<10} made {} by {}  last used {}  {}",
                    k.id,
                    k.name,
                    k.scope.as_str(),
                    time(Some(k.created_at)),
                    k.created_by,
                    time(k.last_used_at),
                    match k.revoked_at {
                        Some(t) => format!("revoked {}", time(Some(t))),
                        None => "active".into(),
                    }
                );
            }
        }
        Cmd::Revoke { id } => {
            let id = id.trim();
            let Some(key) = store.find(id).await.context("reading the key")? else {
                bail!("there is no key {id:?}: see `apikey list`");
            };
            if store.revoke(id, now).await.context("revoking the key")? {
                println!("Revoked the key {} ({id}).", key.name);
            } else {
                println!("The key {} ({id}) was revoked already.", key.name);
            }
        }
    }
    Ok(())
}
